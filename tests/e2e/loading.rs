//! Loading: the demo's data and its first rows, and nothing on the page moving as it loads.

use crate::harness::*;

pub(crate) async fn loads_the_demo_data(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    assert!(
        b.count_text().await.ends_with("entries"),
        "{}",
        b.count_text().await
    );
    // Virtualised: a window of rows is in the page, and ARIA gives the true size and places.
    let total = number(&b.count_text().await);
    let drawn = b.texts("tbody tr.sr-row").await.len();
    assert!((8..=60).contains(&drawn), "{drawn} rows drawn of {total}");
    let (rowcount, first, height) = {
        let v = b
            .js("const t = document.querySelector('table.sr-table'); \
                 const r = t.querySelector('tbody tr.sr-row'); \
                 return [t.getAttribute('aria-rowcount'), r.getAttribute('aria-rowindex'), r.getBoundingClientRect().height]")
            .await;
        (
            v[0].as_str().unwrap().to_string(),
            v[1].as_str().unwrap().to_string(),
            v[2].as_f64().unwrap(),
        )
    };
    assert_eq!(
        rowcount,
        (total + 1).to_string(),
        "the header row plus every entry"
    );
    assert_eq!(first, "2");
    // Scrolled to the end, the last entry is drawn, with its place, and the window stays small.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight")
        .await;
    let last = format!("tbody tr.sr-row[aria-rowindex='{}']", total + 1);
    b.wait_css(&last).await;
    assert!(b.texts("tbody tr.sr-row").await.len() <= 60);
    // Every row has the same height (the layout depends on it).
    let heights = b
        .js("return [...document.querySelectorAll('tbody tr.sr-row')].map(r => r.getBoundingClientRect().height)")
        .await;
    for h in heights.as_array().unwrap() {
        assert!(
            (h.as_f64().unwrap() - height).abs() < 0.5,
            "{heights} vs {height}"
        );
    }
    match t {
        Target::Demo => {
            let banner = b.find(".sr-banner").await.text().await.unwrap();
            assert!(banner.contains("generated in your browser"));
        }
        Target::Http => {
            // Live data: no demo banner, and the source is named.
            assert!(b.client.find(Locator::Css(".sr-banner")).await.is_err());
            let source = b.find(".sr-source").await.text().await.unwrap();
            assert_eq!(source, "Live data from /api");
        }
    }
    let days = b.find("input[aria-label='Previous days']").await;
    assert_eq!(days.prop("value").await.unwrap().as_deref(), Some("5"));
    let th = b.find("th.sr-col-createdutc").await;
    assert_eq!(
        th.attr("aria-sort").await.unwrap().as_deref(),
        Some("descending")
    );
    for name in [
        "Search sync reports",
        "Search in",
        "Actions",
        "Select all",
        "Filter Status",
        "Filter Company Group",
        "Filter Service Entity",
        "Filter Systems",
        "Filter Date/Time (UTC)",
    ] {
        b.client
            .find(Locator::Css(&format!("[aria-label='{name}']")))
            .await
            .unwrap_or_else(|_| panic!("no control named {name}"));
    }
}

both!(loads_the_demo_data);

both!(loading_moves_nothing_on_the_page);

/// Nothing moves while the page loads: the summary strip and the failure groups come with the
/// table's first rows, not after them (which pushed the rows down: a layout shift of 0.17 on
/// the demo in Lighthouse, 0.2 in HTTP mode).
pub(crate) async fn loading_moves_nothing_on_the_page(t: Target) {
    let b = browser(t).await;
    // Every engine: from the load event until the page has settled, the top of each part of
    // the page is read at every frame; none may move once it has appeared. (Firefox and WebKit
    // have no Layout Instability API, which Chromium's check below reads.)
    b.client.goto(&format!("{}/", b.base)).await.unwrap();
    let moved = b
        .js_async(
            "const done = arguments[0]; const parts = ['.sr-toolbar', '.sr-strip', '.sr-groups', \
               '.sr-summary', '.sr-table thead th', 'tbody tr.sr-row']; \
             const first = {}; const moved = []; const start = performance.now(); let ready = null; \
             const frame = () => { \
               for (const css of parts) { \
                 const e = document.querySelector(css); \
                 if (!e || !e.getClientRects().length) continue; \
                 const y = e.getBoundingClientRect().top + window.scrollY; \
                 if (!(css in first)) first[css] = y; \
                 else if (Math.abs(first[css] - y) > 0.5 && moved.length < 5) moved.push(css + ' from y ' + Math.round(first[css]) + ' to ' + Math.round(y)); \
               } \
               if (ready === null && document.querySelector(\"table[aria-busy='false'] tbody tr.sr-row .sr-badge\") && document.querySelector('.sr-groups, .sr-strip-note')) ready = performance.now(); \
               if ((ready !== null && performance.now() - ready > 800) || performance.now() - start > 15000) \
                 done({ moved, seen: Object.keys(first).length, ready: ready !== null }); \
               else requestAnimationFrame(frame); \
             }; \
             requestAnimationFrame(frame);",
        )
        .await;
    assert_eq!(
        moved["ready"],
        json!(true),
        "the page never settled: {moved}"
    );
    // Without the summary (a core-only backend) there are no failure groups to see.
    let parts = if has_summary(t) { 6 } else { 5 };
    assert_eq!(moved["seen"], json!(parts), "every part was seen: {moved}");
    assert_eq!(
        moved["moved"],
        json!([]),
        "the page moved while loading: {moved}"
    );
    if b.engine != Engine::Chromium {
        return;
    }
    if has_summary(t) {
        b.wait_css(".sr-strip .sr-chart").await;
        b.wait_css(".sr-groups").await;
    } else {
        b.wait_css(".sr-strip-note").await;
    }
    // The sum of the layout shifts not caused by input (Chromium's Layout Instability API,
    // buffered from the page's start); over 0.01, what moved, for the failure message.
    let shift = b
        .js_async(
            "const done = arguments[0]; let sum = 0; const moved = []; \
             new PerformanceObserver(list => { \
               for (const e of list.getEntries()) { \
                 if (e.hadRecentInput) continue; \
                 sum += e.value; \
                 moved.push(e.value.toFixed(3) + ': ' + e.sources.map(s => \
                   (s.node ? s.node.className || s.node.nodeName : 'a removed node') + \
                   ' from y ' + Math.round(s.previousRect.y) + ' to ' + Math.round(s.currentRect.y)).join(', ')); \
               } \
             }).observe({ type: 'layout-shift', buffered: true }); \
             setTimeout(() => done(sum > 0.01 ? moved.join('; ') : sum), 300);",
        )
        .await;
    assert!(shift.is_number(), "the page moved while loading: {shift}");
}

/// The page's frame (index.html) is there before the app's code, under the strict CSP, and
/// says in words when that code cannot load; once the app has started, nothing of it is left
/// (README: The page's frame).
#[tokio::test]
async fn the_frame_shows_first_and_says_so_when_the_app_cannot_start() {
    use axum::response::IntoResponse;
    let csp = |mut res: axum::response::Response| async move {
        res.headers_mut().insert(
            "content-security-policy",
            axum::http::HeaderValue::from_static(crate::embedding::CSP),
        );
        res
    };
    // The app's code missing: its wasm answers 404.
    let broken = serve(
        axum::Router::new()
            .fallback_service(tower_http::services::ServeDir::new(dist_dir()))
            .layer(axum::middleware::from_fn(
                |req: axum::extract::Request, next: axum::middleware::Next| async move {
                    if req.uri().path().ends_with(".wasm") {
                        return axum::http::StatusCode::NOT_FOUND.into_response();
                    }
                    next.run(req).await
                },
            ))
            .layer(axum::middleware::map_response(csp)),
    );
    let b = browser_at(broken, None).await;
    b.client.goto(&format!("{}/", b.base)).await.unwrap();
    let said = b.wait_css(".sr-frame--failed .sr-frame-now").await;
    assert!(said.is_displayed().await.unwrap());
    assert_eq!(
        said.text().await.unwrap(),
        "The sync report could not start: its code did not load in this browser. Check the connection, then reload the page."
    );
    assert_eq!(
        b.texts(".sr-frame-table th").await[1..4],
        ["Status", "Company Group", "Service Entity"],
        "the table's header is drawn"
    );
    assert!(
        !b.find(".sr-frame-status")
            .await
            .is_displayed()
            .await
            .unwrap(),
        "no longer says it is loading"
    );
    // The app started: the frame is gone, and the report is the only one on the page.
    let b = browser_at(crate::embedding::csp_site().to_string(), None).await;
    b.open("/").await;
    assert_eq!(
        b.js("return [document.querySelectorAll('.sr-frame').length, document.querySelectorAll('.sr-root').length]")
            .await,
        serde_json::json!([0, 1])
    );
}

/// A configuration file that never answers (a stalled connection) is asked once more after a
/// few seconds: the page starts instead of staying on its frame for good.
#[tokio::test]
async fn a_stalled_configuration_request_is_sent_again() {
    use axum::response::IntoResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static ASKED: AtomicUsize = AtomicUsize::new(0);
    let stalls_once = serve(
        axum::Router::new()
            .fallback_service(tower_http::services::ServeDir::new(dist_dir()))
            .layer(axum::middleware::from_fn(
                |req: axum::extract::Request, next: axum::middleware::Next| async move {
                    if req.uri().path().ends_with("/config.json")
                        && ASKED.fetch_add(1, Ordering::SeqCst) == 0
                    {
                        // No answer for longer than any test waits.
                        tokio::time::sleep(Duration::from_secs(120)).await;
                        return axum::http::StatusCode::GATEWAY_TIMEOUT.into_response();
                    }
                    next.run(req).await
                },
            )),
    );
    let b = browser_at(stalls_once, None).await;
    let started = Instant::now();
    b.open("/").await;
    assert_eq!(ASKED.load(Ordering::SeqCst), 2, "asked twice");
    assert!(
        started.elapsed() >= Duration::from_secs(7),
        "{:?}",
        started.elapsed()
    );
    assert!(number(&b.count_text().await) > 0);
}

/// The settings file is asked for by the page's start-up script while the wasm downloads, and
/// the app starts from that answer: one request for it, not one more once the wasm runs.
#[tokio::test]
async fn the_configuration_is_asked_for_once_while_the_wasm_downloads() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static ASKED: AtomicUsize = AtomicUsize::new(0);
    let counting = serve(
        axum::Router::new()
            .fallback_service(tower_http::services::ServeDir::new(dist_dir()))
            .layer(axum::middleware::from_fn(
                |req: axum::extract::Request, next: axum::middleware::Next| async move {
                    if req.uri().path().ends_with("/config.json") {
                        ASKED.fetch_add(1, Ordering::SeqCst);
                    }
                    next.run(req).await
                },
            )),
    );
    let b = browser_at(counting, None).await;
    b.open("/").await;
    assert!(number(&b.count_text().await) > 0);
    assert_eq!(ASKED.load(Ordering::SeqCst), 1, "config.json asked once");
    assert_eq!(
        b.js("return typeof document.querySelector('#sync-report').syncReportConfig")
            .await,
        serde_json::json!("object"),
        "asked by the start-up script"
    );
}
