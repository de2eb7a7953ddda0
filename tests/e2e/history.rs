//! An item's whole history: the row's History action, "History" in the Error details dialog
//! and the `h` key open "History of <item>", every attempt of the same item in the last 15
//! days, newest first, whatever the page's filters; the entry it was opened from is marked.

use crate::harness::*;

/// Waits for the open History dialog to list its attempts; returns the dialog's name, its
/// summary line and its rows' cells.
async fn history_dialog(b: &Browser) -> (String, String, Vec<Vec<String>>) {
    let dialog = b
        .wait_css("dialog.sr-dialog[open][aria-label^='History of'] tbody tr")
        .await;
    let _ = dialog;
    let name = b
        .find("dialog.sr-dialog[open]")
        .await
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap();
    let summary = b.texts("dialog[open] p.sr-history-note").await.join(" ");
    // The cells as the page renders them (innerText: WebKitWebDriver's element text leaves out
    // a status badge inside the dialog).
    let rows: Vec<Vec<String>> = serde_json::from_value(
        b.js(
            "return [...document.querySelectorAll('dialog[open] tbody tr')].map((tr) =>
                [...[...tr.cells].map((td) => td.innerText.replace(/\\s+/g, ' ').trim()),
                 tr.getAttribute('aria-current') || '']);",
        )
        .await,
    )
    .unwrap();
    (name, summary, rows)
}

pub(crate) async fn history_of_an_item_from_its_row_and_its_error_details(t: Target) {
    let b = browser(t).await;
    // Products: their SKUs recur, so the item has several attempts. The page's own filters
    // (a narrow date range) do not limit the history.
    b.open("/?entity=Product&days=15&sort=common_ref&dir=asc")
        .await;
    let reference = b.texts("tbody tr.sr-row .sr-ref-text").await[0].clone();
    let action = b.find("tbody tr.sr-row .sr-row-action").await;
    let label = action.attr("aria-label").await.unwrap().unwrap();
    assert!(
        label.starts_with("History of ") && label.contains(&reference),
        "{label}"
    );
    action.click().await.unwrap();
    let (name, summary, rows) = history_dialog(&b).await;
    assert_eq!(name, label);
    let n = rows.len();
    assert!(n >= 1);
    if n > 1 {
        assert_eq!(
            summary,
            format!("{n} attempts in the last 15 days, newest first.")
        );
    }
    // Attempt n of N, newest first; exactly one marked as this entry.
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], format!("{} of {n}", n - i), "{rows:?}");
    }
    let times: Vec<&String> = rows.iter().map(|r| &r[2]).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    let marked: Vec<&Vec<String>> = rows.iter().filter(|r| r[5] == "true").collect();
    assert_eq!(marked.len(), 1, "{rows:?}");
    assert!(marked[0][1].contains("This entry"));
    b.button("Close").await.click().await.unwrap();
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;

    // From a failure's Error details, History takes the dialog's place.
    b.open("/?status=Failed").await;
    b.button("Error details").await.click().await.unwrap();
    b.wait_xpath("//dialog[@open]//button[normalize-space()='History']")
        .await
        .click()
        .await
        .unwrap();
    let (_, summary, rows) = history_dialog(&b).await;
    let open = b
        .client
        .find_all(Locator::Css("dialog[open]"))
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    let marked: Vec<&Vec<String>> = rows.iter().filter(|r| r[5] == "true").collect();
    assert_eq!(marked.len(), 1, "{rows:?}");
    assert!(marked[0][1].starts_with("Failed"), "{rows:?}");
    // The reason of a failed attempt is listed with it.
    assert!(!marked[0][4].is_empty(), "{rows:?}");
    if rows.len() == 1 {
        assert_eq!(summary, "One attempt in the last 15 days.");
    }
    // Escape closes it, as any dialog.
    b.press("\u{E00C}").await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
}

both!(history_of_an_item_from_its_row_and_its_error_details);

/// Over HTTP, an item with more attempts than the dialog lists: the newest 50, and how many
/// more there are (the list endpoint's `filter[reference]` and its total).
#[tokio::test]
pub(crate) async fn http_history_of_an_item_with_many_attempts_lists_the_newest_50() {
    let (b, _server) = http_browser(Options {
        size: 100_000,
        ..Options::default()
    })
    .await;
    // At this size and the default seed, this product's SKU has more than 50 attempts.
    b.open("/?days=15&q=TEE-SS-YELLOW&in=reference&entity=Product&source=Shopify&destination=Brightpearl")
        .await;
    let total = number(&b.count_text().await);
    assert!(total > 50, "{total}");
    b.find("tbody tr.sr-row .sr-row-action")
        .await
        .click()
        .await
        .unwrap();
    let (_, summary, rows) = history_dialog(&b).await;
    assert_eq!(rows.len(), 50);
    assert_eq!(
        summary,
        format!(
            "The newest 50 of {total} attempts in the last 15 days; {} older ones are not listed.",
            total - 50
        )
    );
    assert_eq!(rows[0][0], format!("{total} of {total}"));
    assert_eq!(rows[49][0], format!("{} of {total}", total - 49));
}
