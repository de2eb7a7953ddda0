//! Selecting: the rows in view, then everything matching.

use crate::harness::*;
use crate::pages::*;

pub(crate) async fn select_page_then_everything_matching(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let total = number(&b.count_text().await);
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    // "Select all" picks the rows in view: not the overscan drawn beyond the edges.
    b.until("the rows in view are selected", || async {
        let checked = b
            .js("return document.querySelectorAll('tbody tr.sr-row input:checked').length")
            .await
            .as_u64()
            .unwrap_or(0);
        let drawn = b.texts("tbody tr.sr-row").await.len() as u64;
        checked >= 5
            && checked < drawn
            && b.texts(".sr-selbar-text")
                .await
                .first()
                .is_some_and(|t| *t == format!("{checked} selected."))
    })
    .await;
    b.button(&format!(
        "Select all {} entries matching the filters",
        fmt_thousands(total)
    ))
    .await
    .click()
    .await
    .unwrap();
    b.until("all matching are selected", || async {
        b.texts(".sr-selbar-text").await.first().is_some_and(|t| {
            t.starts_with("All ") && t.contains("matching the filters are selected")
        })
    })
    .await;
    // Survives sorting: rows of another order are still checked.
    b.find("th.sr-col-reference .sr-sort-btn")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    let first = b.find("tbody tr.sr-row input[type=checkbox]").await;
    assert_eq!(
        first.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    // Unpicking one row leaves "all but one".
    first.click().await.unwrap();
    b.until("one is unpicked", || async {
        b.texts(".sr-selbar-text")
            .await
            .first()
            .is_some_and(|t| t.contains(&fmt_thousands(total - 1)))
    })
    .await;
}

both!(select_page_then_everything_matching);
