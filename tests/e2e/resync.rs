//! Resync of the selection: confirmation, then statuses updated in place.

use crate::harness::*;

pub(crate) async fn resync_selected_updates_statuses_in_place(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15").await;
    // Pick the failed rows on the first page.
    let failed = b
        .client
        .find_all(Locator::Css("tr.sr-row--failed"))
        .await
        .unwrap();
    assert!(!failed.is_empty(), "the first page has failed rows");
    let mut ids = Vec::new();
    for row in failed.iter().take(4) {
        ids.push(row.attr("data-id").await.unwrap().unwrap());
        row.find(Locator::Css("input[type=checkbox]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    b.menu("Resync selected").await;
    let dialog = b.wait_css("dialog.sr-dialog[open] .sr-dialog-title").await;
    assert_eq!(dialog.text().await.unwrap(), "Resync selected");
    let confirm = b
        .wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await;
    let confirm_text = confirm.text().await.unwrap();
    let queued_expected = number(confirm_text.trim_start_matches("Resync "));
    if queued_expected == 0 {
        // Every pick was not resyncable: the dialog says why and offers nothing to send.
        assert!(b
            .wait_css("dialog[open] .sr-list--refused")
            .await
            .text()
            .await
            .unwrap()
            .contains("cannot be resynced"));
        return;
    }
    confirm.click().await.unwrap();
    let status = b
        .wait_css("dialog[open] p[role='status']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        status.starts_with(&format!("{queued_expected} queued")),
        "{status}"
    );
    b.button("Close").await.click().await.unwrap();
    // The resynced rows change in place: Pending at once, then OK or Failed again.
    let accepted: Vec<String> = {
        let mut v = Vec::new();
        for id in &ids {
            // Rendered text (innerText): WebKit's driver reads the text of a box that clips
            // its overflow, such as a badge, as empty.
            let css = format!("tr.sr-row[data-id='{id}'] .sr-badge");
            if b.texts(&css).await.first().map(String::as_str) == Some("Pending") {
                v.push(id.clone());
            }
        }
        v
    };
    assert!(
        !accepted.is_empty() || queued_expected == 0,
        "resynced rows show Pending"
    );
    for id in accepted {
        let css = format!("tr.sr-row[data-id='{id}'] .sr-badge");
        b.until("the resync settles", || async {
            matches!(
                b.texts(&css).await.first().map(String::as_str),
                Some("OK" | "Failed")
            )
        })
        .await;
    }
}

both!(resync_selected_updates_statuses_in_place);
