//! Shareable links: the URL restores the view, Back works, "Copy link to this view".

use crate::harness::*;

pub(crate) async fn the_url_restores_the_view_and_back_works(t: Target) {
    let b = browser(t).await;
    b.open("/?q=shop&in=system&status=Failed&sort=common_ref&dir=asc&days=7")
        .await;
    let input = b.find("input[aria-label='Search sync reports']").await;
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some("shop"));
    let scope = b.find("select[aria-label='Search in']").await;
    assert_eq!(
        scope.prop("value").await.unwrap().as_deref(),
        Some("system")
    );
    let days = b.find("input[aria-label='Previous days']").await;
    assert_eq!(days.prop("value").await.unwrap().as_deref(), Some("7"));
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    assert!(b
        .texts("tbody .sr-badge")
        .await
        .iter()
        .all(|s| s == "Failed"));
    // A new sort is a new history entry; Back restores the previous one.
    b.find("th.sr-col-status .sr-sort-btn")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("th.sr-col-status[aria-sort='ascending']").await;
    b.client.back().await.unwrap();
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    // Garbage in a link is reported, not silently applied.
    b.open("/?days=abc&wat=1").await;
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    assert!(notice.contains("Ignored part of the link"), "{notice}");
}

pub(crate) async fn copy_link_to_this_view(t: Target) {
    let b = browser(t).await;
    b.open("/?status=Failed").await;
    b.menu("Copy link to this view").await;
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    // Copied, or (where the browser refuses clipboard access) the link to copy by hand.
    assert!(
        notice.contains("copied") || notice.contains("status=Failed"),
        "{notice}"
    );
}

both!(the_url_restores_the_view_and_back_works);

both!(copy_link_to_this_view);
