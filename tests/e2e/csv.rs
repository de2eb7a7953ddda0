//! CSV files: everything matching, the selection, and over HTTP page by page (credentials
//! out of URLs, a failure midway saves nothing).

use crate::harness::*;
use crate::pages::*;

pub(crate) async fn download_as_csv_holds_every_matching_entry(t: Target) {
    let b = browser(t).await;
    b.open("/?status=Failed&days=15").await;
    let n = number(&b.count_text().await);
    assert!(
        n > 100,
        "need more than one page to prove it is not just the loaded rows: {n}"
    );
    b.menu("Download as CSV").await;
    let dialog = b.wait_css("dialog.sr-dialog[open]").await;
    assert!(dialog
        .text()
        .await
        .unwrap()
        .contains(&format!("The file will hold {} entries", fmt_thousands(n))));
    b.button(&format!("Download {} entries", fmt_thousands(n)))
        .await
        .click()
        .await
        .unwrap();
    let file = wait_for_download(&b).await;
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("sync-report_") && name.ends_with(".csv"),
        "{name}"
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let headers = rd.headers().unwrap().clone();
    let labels: Vec<&str> = sync_report::export::csv::COLUMNS
        .iter()
        .map(|c| c.label())
        .collect();
    assert_eq!(headers.iter().collect::<Vec<_>>(), labels);
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| &r[1] == "Failed"));
    assert!(std::str::from_utf8(&bytes).unwrap().contains("\r\n"));
}

pub(crate) async fn download_selected_as_csv_holds_just_the_selection(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let boxes = b
        .client
        .find_all(Locator::Css("tbody tr.sr-row input[type=checkbox]"))
        .await
        .unwrap();
    let rows = b
        .client
        .find_all(Locator::Css("tbody tr.sr-row"))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in [0usize, 2, 5] {
        boxes[i].click().await.unwrap();
        ids.push(rows[i].attr("data-id").await.unwrap().unwrap());
    }
    b.menu("Download selected as CSV").await;
    b.button("Download 3 entries").await.click().await.unwrap();
    let file = wait_for_download(&b).await;
    assert!(file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("sync-report_selected-3_"));
    let bytes = std::fs::read(&file).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let got: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(got, ids, "the selected entries, in the table's order");
}

both!(download_as_csv_holds_every_matching_entry);

both!(download_selected_as_csv_holds_just_the_selection);

/// Downloads every entry of the last 15 days (5 API pages of 1,000) and returns the file.
pub(crate) async fn export_all(b: &Browser) -> Option<PathBuf> {
    b.open("/?days=15").await;
    b.download_via_menu().await;
    // Either a file or a notice that there is none.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let file = b
            .downloaded()
            .await
            .into_iter()
            .find(|p| p.extension().is_some_and(|x| x == "csv"));
        if file.is_some() {
            return file;
        }
        let notes = b.texts(".sr-notices li, .sr-notice").await.join("\n");
        if notes.contains("no file was saved") {
            return None;
        }
        assert!(Instant::now() < deadline, "neither a file nor a failure");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
pub(crate) async fn http_export_pages_through_the_api_with_credentials_kept_out_of_urls() {
    let secret = "e2e-s3cret-token";
    let (b, server) = http_browser(Options {
        token: Some(secret.into()),
        publish_token: true,
        ..Options::default()
    })
    .await;
    let file = export_all(&b).await.expect("a CSV");
    let bytes = std::fs::read(&file).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let ids: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no entry twice");
    assert!(ids.len() >= 4_000 && ids.len() <= 5_000, "{}", ids.len());
    let pages: Vec<_> = b
        .seen("/sync-reports")
        .into_iter()
        .filter(|s| s.target.contains("per_page=1000"))
        .collect();
    assert_eq!(
        pages.len(),
        ids.len().div_ceil(1000),
        "one request per page"
    );
    // Later pages are pinned to the first page's clock.
    assert!(pages[1..]
        .iter()
        .all(|p| p.target.contains("filter[start]=")));
    // The token travels in the header only.
    let all = server.seen();
    assert!(all
        .iter()
        .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {secret}"))));
    assert!(all.iter().all(|s| !s.target.contains(secret)));
    assert!(!String::from_utf8_lossy(&bytes).contains(secret));
    assert!(!b.url().await.contains(secret));
}

#[tokio::test]
pub(crate) async fn http_export_failing_midway_saves_no_file() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Status(500)).when_query("&page=3&"));
    assert!(export_all(&b).await.is_none(), "a truncated file was saved");
    let notes = b.texts(".sr-notices li, .sr-notice").await.join("\n");
    assert!(
        notes.contains("The download stopped after") && notes.contains("HTTP 500"),
        "{notes}"
    );
}
