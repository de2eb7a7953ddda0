//! Auto-refresh: new entries are counted and brought in on request without moving the rows
//! under the user's eyes; it pauses while a dialog is open; a failing check is said once and
//! the rows stay.

use crate::harness::*;

/// Where the table starts on the page.
const TABLE_TOP: &str =
    "return document.querySelector('.sr-table-wrap').getBoundingClientRect().top";

/// The id of the first row.
async fn first_id(b: &Browser) -> String {
    b.find("tbody tr.sr-row")
        .await
        .attr("data-id")
        .await
        .unwrap()
        .unwrap()
}

async fn status(b: &Browser) -> String {
    b.find(".sr-live-status").await.text().await.unwrap()
}

#[tokio::test]
pub(crate) async fn http_auto_refresh_counts_new_entries_and_shows_them_on_request() {
    let (b, _server) = http_browser(Options {
        arrivals_per_minute: Some(600),
        client_refresh_seconds: Some(5),
        ..Options::default()
    })
    .await;
    b.open("/?days=5").await;
    let before = number(&b.count_text().await);
    let top = first_id(&b).await;
    let table_top = b.js(TABLE_TOP).await;
    let switch = b.find("input[role='switch']").await;
    // Off on the standalone page; named "Auto-refresh".
    assert_eq!(
        switch.prop("checked").await.unwrap().as_deref(),
        Some("false")
    );
    b.check_labelled("Auto-refresh").await;
    let line = b
        .wait_css(".sr-new .sr-new-count")
        .await
        .text()
        .await
        .unwrap();
    let n = number(&line);
    assert!(
        n > 0 && line.ends_with(if n == 1 { "new entry" } else { "new entries" }),
        "{line}"
    );
    // The rows did not move, and the count is still the snapshot's.
    assert_eq!(first_id(&b).await, top);
    assert_eq!(number(&b.count_text().await), before);
    assert_eq!(
        b.js(TABLE_TOP).await,
        table_top,
        "the table did not move down"
    );
    let checked = b.find(".sr-live-label").await.attr("title").await.unwrap();
    assert!(
        checked
            .as_deref()
            .is_some_and(|t| t.starts_with("Checked at ")),
        "{checked:?}"
    );
    b.button("Show new entries").await.click().await.unwrap();
    b.until("the new entries come in at the top", || async {
        number(&b.count_text().await) >= before + n && first_id(&b).await != top
    })
    .await;
    // Bringing them in clears the line until more arrive.
    b.until("the line is cleared", || async {
        b.texts(".sr-new .sr-new-count").await.is_empty()
            || number(&b.texts(".sr-new .sr-new-count").await[0]) < n
    })
    .await;
}

pub(crate) async fn auto_refresh_pauses_while_a_dialog_is_open(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    b.check_labelled("Auto-refresh").await;
    b.until("it checks", || async {
        b.find(".sr-live-label")
            .await
            .attr("title")
            .await
            .unwrap()
            .is_some()
    })
    .await;
    b.button("Keyboard shortcuts").await.click().await.unwrap();
    b.until("it says it is paused", || async {
        b.js("return document.querySelector('.sr-live-status').textContent")
            .await
            .as_str()
            == Some("Paused while a dialog is open")
    })
    .await;
    b.press("\u{E00C}").await;
    b.until("it goes on when the dialog closes", || async {
        status(&b).await.is_empty()
    })
    .await;
}

both!(auto_refresh_pauses_while_a_dialog_is_open);

#[tokio::test]
pub(crate) async fn http_a_failing_refresh_is_said_once_and_keeps_the_rows() {
    let (b, server) = http_browser(Options::default()).await;
    b.open("/").await;
    let rows = b.texts("tbody tr.sr-row td:nth-child(7)").await;
    server.add_rule(Rule::always("/sync-reports/changes", Fault::Status(500)));
    b.check_labelled("Auto-refresh").await;
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    assert!(
        notice.contains("Auto-refresh could not check for changes"),
        "{notice}"
    );
    b.until("the control says it will try again", || async {
        status(&b)
            .await
            .starts_with("Could not refresh; trying again in")
    })
    .await;
    assert_eq!(b.texts("tbody tr.sr-row td:nth-child(7)").await, rows);
    assert_eq!(b.texts(".sr-notice").await.len(), 1);
}
