//! Layout and scale: the table above the fold, a million entries scrolled to the last one.

use crate::harness::*;

/// At 1280x800, on the default demo view, at least six entry rows show without scrolling the
/// page; at 390 px wide every panel reads in whole words (a failure group's reason gets the
/// width, not a word a line) and nothing runs off the side.
pub(crate) async fn the_table_is_above_the_fold(t: Target) {
    let b = browser(t).await;
    b.viewport(1280, 800).await;
    b.open("/").await;
    b.wait_css("tbody tr.sr-row .sr-badge").await;
    let visible = b
        .js("const h = window.innerHeight; const top = document.querySelector('.sr-table thead th').getBoundingClientRect().bottom; \
             const wrap = document.querySelector('.sr-table-wrap').getBoundingClientRect(); \
             return [...document.querySelectorAll('tbody tr.sr-row')].filter(r => { const b = r.getBoundingClientRect(); return b.top >= top - 0.5 && b.bottom <= Math.min(h, wrap.bottom) + 0.5; }).length")
        .await;
    assert!(
        visible.as_u64().unwrap() >= 6,
        "rows visible at 1280x800: {visible}"
    );
    // Every triage feature one click away: the counts, the groups' line, Actions (or, without
    // the summary, the line that says so).
    let parts: &[&str] = if has_summary(t) {
        &[
            ".sr-count-btn",
            ".sr-groups > summary",
            "button[aria-label='Actions']",
        ]
    } else {
        &[".sr-strip-note", "button[aria-label='Actions']"]
    };
    for css in parts {
        let on_screen = b
            .js(&format!("const r = document.querySelector({}).getBoundingClientRect(); return r.bottom <= window.innerHeight && r.height > 0", serde_json::to_string(css).unwrap()))
            .await;
        assert_eq!(on_screen, json!(true), "{css} is on the first screen");
    }

    if !has_summary(t) {
        // The 390 px checks below are about the failure groups' layout.
        return;
    }
    // 390 px wide: in a frame of that width (headless Firefox keeps its windows at least 450 px
    // wide); the page inside lays itself out for its frame's width as for a phone's screen.
    b.js("const f = document.createElement('iframe'); f.id = 'narrow'; f.width = '390'; f.height = '844'; \
          f.src = location.href; document.body.replaceChildren(f);")
        .await;
    b.until("the narrow page has its rows", || async {
        b.js("const d = document.getElementById('narrow').contentDocument; \
              return !!(d && d.querySelector(\"table[aria-busy='false'] tbody tr.sr-row .sr-badge\") && d.querySelector('.sr-groups > summary'))")
            .await
            == json!(true)
    })
    .await;
    // Closed, the failure groups' line wraps rather than cutting the largest group's reason.
    let cut = b
        .js("const e = document.getElementById('narrow').contentDocument.querySelector('.sr-groups-largest'); \
             return [e.scrollWidth, e.clientWidth]")
        .await;
    assert!(
        cut[0].as_f64().unwrap() <= cut[1].as_f64().unwrap() + 1.0,
        "the largest group's reason is cut at 390 px: {cut}"
    );
    b.js("document.getElementById('narrow').contentDocument.querySelector('.sr-groups > summary').click()")
        .await;
    b.until("the narrow page's failure groups open", || async {
        b.js("return !!document.getElementById('narrow').contentDocument.querySelector('.sr-groups[open] .sr-group')")
            .await
            == json!(true)
    })
    .await;
    let narrow = b
        .js("const win = document.getElementById('narrow').contentWindow; const doc = win.document; const w = win.innerWidth; \
             const reasons = [...doc.querySelectorAll('.sr-group-example')].map(e => e.getBoundingClientRect().width); \
             const wide = doc.documentElement.scrollWidth; \
             const boxes = [...doc.querySelectorAll('.sr-toolbar *, .sr-strip *, .sr-groups *, .sr-summary *')] \
                .filter(e => e.getClientRects().length && !e.closest('.sr-groups-list') && !e.closest('.sr-visually-hidden')) \
                .map(e => e.getBoundingClientRect()).filter(r => r.right > w + 0.5).length; \
             return { reasons, wide, w, boxes }")
        .await;
    let w = narrow["w"].as_f64().unwrap();
    assert_eq!(w, 390.0, "{narrow}");
    assert!(
        narrow["wide"].as_f64().unwrap() <= w + 0.5,
        "the page runs off the side at 390 px: {narrow}"
    );
    assert_eq!(
        narrow["boxes"],
        json!(0),
        "panel parts off the side at 390 px: {narrow}"
    );
    let reasons = narrow["reasons"].as_array().unwrap();
    assert!(!reasons.is_empty());
    for r in reasons {
        assert!(
            r.as_f64().unwrap() >= w * 0.6,
            "a failure group's reason squeezed to {r} px of {w}: {narrow}"
        );
    }
}

both!(the_table_is_above_the_fold);

/// A million entries, in every engine: the scroll body stays under every engine's element-height
/// limit (Firefox's is about 17.9 million px, Chromium's about 33.5 million), and scrolling to
/// the end draws the last entry, in view, with its place; the middle and the top too. On the
/// demo: the reference server in this test binary is an unoptimised build, whose answers at a
/// million entries under a loaded CI machine can outlast the page's 20 s timeout (the layout
/// is the same in both modes; the server's own test pages a million entries natively).
#[tokio::test]
pub(crate) async fn a_million_entries_scroll_to_the_last_one() {
    let app = axum::Router::new()
        .route(
            "/config.json",
            axum::routing::get(|| async { r#"{"mode":"demo","demo_size":1000000}"# }),
        )
        .fallback_service(tower_http::services::ServeDir::new(dist_dir()));
    let b = browser_at(serve(app), None).await;
    // Fifteen days hold every entry.
    b.open("/?days=15").await;
    b.wait_css("tbody tr.sr-row .sr-badge").await;
    let total = number(&b.count_text().await);
    assert!(total > 900_000, "{total}");
    let height = b
        .js("return document.querySelector('.sr-table-wrap').scrollHeight")
        .await
        .as_f64()
        .unwrap();
    assert!(
        (1_000_000.0..=15_100_000.0).contains(&height),
        "the scroll body is {height} px"
    );
    let in_view = |index: usize| {
        format!(
            "const w = document.querySelector('.sr-table-wrap').getBoundingClientRect(); \
             const r = document.querySelector(\"tbody tr.sr-row[aria-rowindex='{index}']:not(.sr-row--placeholder)\"); \
             if (!r) return false; const b = r.getBoundingClientRect(); \
             return b.top >= w.top - 0.5 && b.bottom <= w.bottom + 0.5 && !!r.querySelector('.sr-badge');"
        )
    };
    for (place, scroll, index) in [
        ("the end", "w.scrollHeight", total + 1),
        ("the top", "0", 2),
    ] {
        b.js(&format!(
            "const w = document.querySelector('.sr-table-wrap'); w.scrollTop = {scroll};"
        ))
        .await;
        let check = in_view(index);
        b.until(
            &format!("row {index} is drawn in view at {place}"),
            || async { b.js(&check).await == json!(true) },
        )
        .await;
    }
    // The middle: the rows drawn there are the middle's, one row height apart.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight / 2;")
        .await;
    b.until("rows near the middle are drawn", || async {
        let places = b
            .js("return [...document.querySelectorAll('tbody tr.sr-row:not(.sr-row--placeholder)')].map(r => +r.getAttribute('aria-rowindex'))")
            .await;
        places.as_array().is_some_and(|p| {
            !p.is_empty()
                && p.iter().all(|i| {
                    let i = i.as_f64().unwrap();
                    (i - total as f64 / 2.0).abs() < total as f64 * 0.01
                })
        })
    })
    .await;
}
