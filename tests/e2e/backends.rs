//! Other people's backends: the reference server misbehaving on purpose (errors, timeouts,
//! malformed and huge answers, retries, out-of-order answers, a dropped network), a core-only
//! backend, and a bad configuration file.

use crate::harness::*;
use crate::pages::*;

/// A backend with the core endpoints only: the page works and says, in words, what it does
/// without the optional ones; it asks each optional endpoint once, never shows the 404, and
/// pages through the list for "all matching" (with a limit it names).
#[tokio::test]
pub(crate) async fn http_a_core_only_backend_gets_every_feature_but_the_summary() {
    let (b, server) = http_browser(Options {
        core_only: true,
        size: 20_000,
        ..Options::default()
    })
    .await;
    b.open("/?days=15&status=Failed").await;
    b.says_it_has_no_summary().await;
    let n = number(&b.count_text().await);
    assert!(n > 0 && n < 10_000, "{n}");
    // Header filters: the statuses are known; other values are those seen, and it says so.
    b.button("Filter Status").await.click().await.unwrap();
    b.until("the status values", || async {
        b.texts(".sr-popover--filter label").await.len() == 4
    })
    .await;
    assert_eq!(b.texts(".sr-filter-note").await.len(), 0);
    b.press("\u{E00C}").await; // Escape
    b.button("Filter Company Group")
        .await
        .click()
        .await
        .unwrap();
    let note = b.wait_css(".sr-filter-note").await.text().await.unwrap();
    assert!(note.contains("loaded so far"), "{note}");
    assert!(!b.texts(".sr-popover--filter label").await.is_empty());
    b.press("\u{E00C}").await;
    // "All matching" without /ids: the list's pages, then the file holds every one.
    b.select_all_matching(n).await;
    b.menu("Download selected as CSV").await;
    b.button(&format!("Download {} entries", fmt_thousands(n)))
        .await
        .click()
        .await
        .unwrap();
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(csv::Reader::from_reader(&bytes[3..]).records().count(), n);
    // The resync confirmation reads the same entries (no /lookup either).
    b.menu("Resync selected").await;
    let dialog = b
        .wait_xpath("//dialog[@open][.//h2[normalize-space()='Resync selected']]")
        .await
        .text()
        .await
        .unwrap();
    assert!(dialog.contains("will be resynced"), "{dialog}");
    b.button("Cancel").await.click().await.unwrap();
    // Nothing was shown as an error, and each optional endpoint was asked once at most.
    let notices = b.texts(".sr-notice").await;
    assert!(
        notices
            .iter()
            .all(|t| !t.contains("HTTP") && !t.contains("not found")),
        "{notices:?}"
    );
    for path in ["/facets", "/summary", "/ids", "/lookup"] {
        let asked = b.seen(path).len();
        assert!(asked <= 1, "{path} was asked {asked} times");
    }
    assert_eq!(b.seen("/ids").len(), 1);
    // Over the fallback's limit: said, with the numbers and what to do.
    b.open("/?days=15").await;
    let total = number(&b.count_text().await);
    assert!(total > 10_000, "{total}");
    b.select_all_matching(total).await;
    b.menu("Download selected as CSV").await;
    let notice = b
        .wait_xpath("//*[contains(@class,'sr-notice')][contains(., 'stops at 10,000 entries')]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        notice.contains("does not provide the ids of all matching entries")
            && notice.contains(&format!("({} here)", fmt_thousands(total)))
            && notice.contains("Narrow the filters"),
        "{notice}"
    );
    drop(server);
}

#[tokio::test]
pub(crate) async fn http_500_names_the_request_id_and_retry_recovers() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::Status(500)));
    let text = b.open_expecting_error("/").await;
    assert!(
        text.contains("HTTP 500") && text.contains("request id req-"),
        "{text}"
    );
    b.button("Retry").await.click().await.unwrap();
    b.wait_css("table[aria-busy='false'] tbody tr.sr-row").await;
}

#[tokio::test]
pub(crate) async fn http_401_asks_to_sign_in_again() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Status(401)));
    let text = b.open_expecting_error("/").await;
    assert!(
        text.contains("HTTP 401") && text.contains("Sign in again"),
        "{text}"
    );
}

#[tokio::test]
pub(crate) async fn http_timeout_is_said_in_seconds() {
    let (b, server) = http_browser(Options {
        client_timeout_seconds: 2,
        ..Options::default()
    })
    .await;
    server.add_rule(Rule::once(
        "/sync-reports",
        Fault::Delay(Duration::from_secs(6)),
    ));
    let text = b.open_expecting_error("/").await;
    assert!(text.contains("did not answer within 2 seconds"), "{text}");
}

#[tokio::test]
pub(crate) async fn http_rows_are_fetched_by_window_with_placeholders_meanwhile() {
    let (b, server) = http_browser(Options::default()).await;
    b.open("/?days=15").await;
    let total = number(&b.count_text().await);
    assert!(total > 2000, "{total}");
    let before = b.seen("/sync-reports").len();
    // The next windows answer slowly: scrolling far shows placeholders with their places.
    server.add_rule(Rule::always(
        "/sync-reports",
        Fault::Delay(Duration::from_millis(1500)),
    ));
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight * 0.6")
        .await;
    let placeholder = b
        .wait_css("tbody tr.sr-row--placeholder[aria-busy='true']")
        .await;
    let text = placeholder.text().await.unwrap();
    assert!(text.starts_with("Loading row "), "{text}");
    let place: usize = placeholder
        .attr("aria-rowindex")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(place > total / 2, "placeholder at {place} of {total}");
    // Then the rows arrive in place of the placeholders.
    server.clear_rules();
    b.until("the window's rows arrive", || async {
        b.texts("tbody tr.sr-row--placeholder").await.is_empty()
            && !b.texts("tbody tr.sr-row .sr-badge").await.is_empty()
    })
    .await;
    // (Once answered, the server has logged them.) Only the windows in view were asked for:
    // pages near 60% of the result, 100 a page.
    let far_pages: Vec<usize> = b.seen("/sync-reports")[before..]
        .iter()
        .filter_map(|r| {
            r.target
                .split_once('?')?
                .1
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|v| v.parse().ok())
        })
        .collect();
    assert!(
        !far_pages.is_empty() && far_pages.len() <= 3,
        "pages asked after the scroll: {far_pages:?}"
    );
    for p in &far_pages {
        // Page p holds rows (p - 1) * 100 + 1 ..= p * 100 (aria-rowindex is the row plus one).
        let first_row = (*p - 1) * 100 + 2;
        assert!(
            first_row <= place + 100 && first_row + 100 > place.saturating_sub(100),
            "page {p} for row {place}"
        );
    }
}

#[tokio::test]
pub(crate) async fn http_malformed_json_is_named() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Malformed));
    let text = b.open_expecting_error("/").await;
    assert!(text.contains("malformed response"), "{text}");
}

#[tokio::test]
pub(crate) async fn http_wrong_field_types_cost_only_those_entries() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::WrongTypes));
    b.open("/").await;
    let summary = b.find(".sr-rejected summary").await.text().await.unwrap();
    assert_eq!(summary, "2 entries could not be read and are not shown");
    b.find(".sr-rejected summary").await.click().await.unwrap();
    let details = b.find(".sr-rejected ul").await.text().await.unwrap();
    assert!(
        details.contains("field `created_at`") && details.contains("field `integration.name`"),
        "{details}"
    );
    // The 98 readable entries of that page are shown, and the two places left say why.
    b.js("const w = document.querySelector('.sr-table-wrap'); \
          w.scrollTop = 96 * document.querySelector('tbody tr.sr-row').getBoundingClientRect().height")
        .await;
    b.wait_css("tbody tr.sr-row[aria-rowindex='101']").await;
    let unreadable = b.texts("tbody tr.sr-row--unreadable").await;
    assert_eq!(unreadable.len(), 2, "{unreadable:?}");
    assert!(
        unreadable[0].contains("could not be read"),
        "{unreadable:?}"
    );
    let loaded = b
        .texts("tbody tr.sr-row[aria-rowindex='99'] .sr-badge")
        .await;
    assert_eq!(loaded.len(), 1, "the 98th entry is a real row");
}

#[tokio::test]
pub(crate) async fn http_unknown_status_is_a_neutral_badge() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once(
        "/sync-reports",
        Fault::UnknownStatus("Quarantined".into()),
    ));
    b.open("/").await;
    let badges = b.texts("tbody tr.sr-row .sr-badge--unknown").await;
    assert_eq!(
        badges.iter().filter(|b| *b == "Quarantined").count(),
        3,
        "{badges:?}"
    );
}

#[tokio::test]
pub(crate) async fn http_a_5_mb_answer_loads() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::Huge(5_000_000)));
    b.open("/").await;
    let rows = b.texts("tbody tr.sr-row:not(.sr-row--placeholder)").await;
    assert!(rows.len() >= 8, "{} rows", rows.len());
    // The page stays usable: long error texts do not push the table off screen.
    let width: f64 = b
        .client
        .execute(
            "return document.querySelector('.sr-root').getBoundingClientRect().width",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(width <= 1280.0, "{width}");
}

#[tokio::test]
pub(crate) async fn http_retries_503_then_loads() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::times("/sync-reports", 2, Fault::Status(503)));
    b.open("/").await;
    b.wait_css("tbody tr.sr-row").await;
    assert!(b
        .client
        .find(Locator::Css(".sr-state--error"))
        .await
        .is_err());
    assert_eq!(
        b.seen("/sync-reports").len(),
        3,
        "two 503s, then the answer"
    );
}

#[tokio::test]
pub(crate) async fn http_out_of_order_answers_never_overwrite_newer_ones() {
    let (b, server) = http_browser(Options::default()).await;
    // The first search is answered late, after the second.
    server.add_rule(
        Rule::always("/sync-reports", Fault::Delay(Duration::from_secs(3)))
            .when_query("filter[search_term]=sftp"),
    );
    b.open("/").await;
    let input = b.find("input[aria-label='Search sync reports']").await;
    input.send_keys("sftp").await.unwrap();
    b.until("the slow search is sent", || async {
        b.seen("/sync-reports")
            .iter()
            .any(|s| s.target.contains("search_term]=sftp"))
    })
    .await;
    input.clear().await.unwrap();
    input.send_keys("magento").await.unwrap();
    b.until("the URL holds the newer search", || async {
        b.url().await.contains("q=magento")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    // Past the moment the slow answer would have landed.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let rows = b.texts("tbody tr.sr-row").await;
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.to_lowercase().contains("magento")),
        "a stale answer replaced the newer one: {:?}",
        &rows[..3.min(rows.len())]
    );
}

#[tokio::test]
pub(crate) async fn http_resync_items_that_fail_say_so() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports/resync", Fault::ResyncFail));
    b.open("/?status=Failed&days=15").await;
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    b.menu("Resync selected").await;
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await
        .click()
        .await
        .unwrap();
    let outcomes = b
        .wait_css("dialog[open] .sr-outcomes")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        outcomes.contains("Resync failed: NetSuite rejected the resync request (HTTP 502)")
            || outcomes.contains("rejected the resync request (HTTP 502)"),
        "{outcomes}"
    );
    assert!(outcomes.contains("Queued: now Pending"), "{outcomes}");
    // One request: the resync POST is never retried.
    assert_eq!(b.seen("/sync-reports/resync").len(), 1);
}

#[tokio::test]
pub(crate) async fn http_a_company_group_that_does_not_answer_is_named() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always(
        "/sync-reports",
        Fault::IntegrationDown("Bluebird Home".into()),
    ));
    b.open("/").await;
    let note = b.find(".sr-unavailable").await.text().await.unwrap();
    assert!(
        note.contains("One company group did not answer") && note.contains("Bluebird Home"),
        "{note}"
    );
    let groups = b.texts("tbody tr.sr-row td:nth-child(3)").await;
    assert!(!groups.iter().any(|g| g == "Bluebird Home"));
}

#[tokio::test]
pub(crate) async fn a_bad_config_file_stops_the_page_with_its_field_named() {
    let dist = dist_dir();
    let app = axum::Router::new()
        .route(
            "/config.json",
            axum::routing::get(|| async { r#"{"mode":"http","api_bsae":"/api"}"# }),
        )
        .fallback_service(tower_http::services::ServeDir::new(dist));
    let b = browser_at(serve(app), None).await;
    let text = b.open_expecting_error("/").await;
    assert!(
        text.contains("could not start") && text.contains("api_bsae"),
        "{text}"
    );
}

/// chromedriver's network emulation: offline, or back to normal.
#[derive(Debug)]
pub(crate) struct NetworkConditions {
    pub(crate) offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let conditions = json!({
            "offline": self.offline, "latency": 0,
            "download_throughput": 10_000_000, "upload_throughput": 10_000_000,
        });
        (
            axum::http::Method::POST,
            Some(json!({ "network_conditions": conditions }).to_string()),
        )
    }
}

#[tokio::test]
pub(crate) async fn http_the_network_dropping_while_paging_says_offline_and_recovers() {
    let (b, server) = http_browser(Options::default()).await;
    b.open("/?days=15").await;
    // Chromium's driver takes the browser offline. geckodriver and WebKitWebDriver cannot
    // emulate the network, so there the server cuts every connection instead: the page meets
    // the same network errors (fetch fails), retries them, and gives up the same way.
    if b.engine == Engine::Chromium {
        b.client
            .issue_cmd(NetworkConditions { offline: true })
            .await
            .expect("chromedriver network conditions");
    } else {
        server.add_rule(Rule::always("/sync-reports", Fault::Disconnect));
    }
    // Scrolling far asks for rows not fetched yet; the network is gone.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight / 2")
        .await;
    let text = b
        .wait_css(".sr-state--error[role='alert']")
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("offline"), "{text}");
    if b.engine == Engine::Chromium {
        b.client
            .issue_cmd(NetworkConditions { offline: false })
            .await
            .unwrap();
    } else {
        server.clear_rules();
    }
    b.button("Retry").await.click().await.unwrap();
    // Back where the user was, with real rows.
    b.wait_css("table[aria-busy='false'] tbody tr.sr-row .sr-badge")
        .await;
    let place = b
        .js("return +document.querySelector('tbody tr.sr-row:not(.sr-row--placeholder)').getAttribute('aria-rowindex')")
        .await
        .as_f64()
        .unwrap();
    assert!(place > 200.0, "rows near the middle, not the top: {place}");
    assert!(b
        .client
        .find(Locator::Css(".sr-state--error"))
        .await
        .is_err());
}
