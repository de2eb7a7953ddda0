//! Hardening: hostile data, double clicks, a client clock far from the server's.

use crate::harness::*;
use crate::pages::*;

#[tokio::test]
pub(crate) async fn http_hostile_data_is_shown_as_text_and_exported_safely() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Hostile));
    b.open("/").await;
    // Shown, as text.
    let refs = b.texts("tbody tr.sr-row td:nth-child(7)").await;
    assert!(
        refs.iter().any(|r| r.contains("<img src=x onerror=")),
        "{refs:?}"
    );
    let scan = b
        .js(r#"return {
            pwned: window.__pwned ?? null,
            markup: document.querySelectorAll('.sr-root img, .sr-root script, .sr-root b').length,
            docWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            msgHeight: Math.max(...[...document.querySelectorAll('.sr-msg')].map(e => e.getBoundingClientRect().height)),
        }"#)
        .await;
    assert_eq!(scan["pwned"], json!(null), "{scan}");
    assert_eq!(scan["markup"], 0, "{scan}");
    // The layout holds: nothing wider than the window, the 10,000-character reason clamped.
    assert!(
        scan["docWidth"].as_f64() <= scan["viewport"].as_f64(),
        "{scan}"
    );
    assert!(scan["msgHeight"].as_f64().unwrap() < 80.0, "{scan}");
    // The whole reason is in Error details.
    b.button("Error details").await.click().await.unwrap();
    let dialog = b
        .wait_css("dialog.sr-dialog[open]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dialog.contains("<script>window.__pwned=2</script>"),
        "markup shown as text"
    );
    assert!(dialog.contains("on and on.") && dialog.len() > 10_000);
    b.button("Close").await.click().await.unwrap();
    // The CSV opens safely: formulas neutralised, markup kept as text.
    b.download_via_menu().await;
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let hostile: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| r[col("Reference")].starts_with("<img"))
        .collect();
    assert!(!hostile.is_empty());
    for r in &hostile {
        assert!(
            r[col("Error")].starts_with("'=HYPERLINK("),
            "{:?}",
            &r[col("Error")]
        );
        assert!(r[col("Source Id")].starts_with("'+cmd"));
        assert!(r[col("Endpoint Id")].starts_with("'@SUM"));
        assert!(r[col("Message")].starts_with("<script>"));
    }
    // No cell anywhere starts with a formula character.
    for r in &rows {
        for cell in r.iter() {
            let danger = cell.starts_with(['=', '@', '\t', '\r'])
                || (cell.starts_with(['+', '-']) && cell.parse::<f64>().is_err());
            assert!(!danger, "{cell:?}");
        }
    }
    assert_eq!(b.js("return window.__pwned ?? null").await, json!(null));
}

#[tokio::test]
pub(crate) async fn http_double_clicks_send_one_request() {
    let (b, _server) = http_browser(Options::default()).await;
    b.open("/?status=Failed&days=15").await;
    let before = b.seen("/sync-reports").len();
    // Retry, sort and paging buttons: a double click is one change of view, one request each.
    b.js("const s = document.querySelector('th.sr-col-reference .sr-sort-btn'); s.click(); s.click();")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sorts = b.seen("/sync-reports").len() - before;
    assert!(sorts <= 2, "{sorts} requests for two clicks");
    // Resync: a double click on Resync sends one POST.
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    b.menu("Resync selected").await;
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await;
    b.js("const btn = [...document.querySelectorAll('dialog[open] button')].find(x => x.textContent.startsWith('Resync ')); btn.click(); btn.click(); btn.dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));")
        .await;
    b.wait_css("dialog[open] .sr-outcomes").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        b.seen("/sync-reports/resync").len(),
        1,
        "one resync request"
    );
    b.button("Close").await.click().await.unwrap();
    // Download: a double click on the confirm saves one file.
    b.menu("Download as CSV").await;
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Download ')]")
        .await;
    b.js("const btn = [...document.querySelectorAll('dialog[open] button')].find(x => x.textContent.startsWith('Download ')); btn.click(); btn.click();")
        .await;
    wait_for_download(&b).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let files = b.downloaded().await.len();
    assert_eq!(files, 1, "one file for a double click");
}

#[tokio::test]
pub(crate) async fn http_a_client_clock_far_from_the_servers_changes_nothing() {
    // The server's clock runs 3 days behind the browser's: "last 5 days" and export pages
    // follow the server's clock (meta.generated_at), so the table and the file agree.
    let (b, _server) = http_browser(Options {
        clock_offset: chrono::Duration::days(-3),
        ..Options::default()
    })
    .await;
    b.open("/?status=Failed").await;
    let n = number(&b.count_text().await);
    assert!(n > 0);
    b.download_via_menu().await;
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let rows = csv::Reader::from_reader(&bytes[3..]).records().count();
    assert_eq!(rows, n);
    // The file is named after the server's dates, not the browser's.
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let server_today = (chrono::Utc::now() - chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    assert!(name.contains(&server_today), "{name}");
}
