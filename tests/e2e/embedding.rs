//! Embedding: the example dashboard under a strict CSP, the documented events, update and
//! unmount, sub-paths and an API on another origin.

use crate::harness::*;

/// The Content-Security-Policy the README gives, set on every response by the test server.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

/// The built app (with /dashboard/) served with the strict CSP header.
pub(crate) fn csp_site() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let app = axum::Router::new()
            .fallback_service(tower_http::services::ServeDir::new(dist_dir()))
            .layer(axum::middleware::map_response(
                |mut res: axum::response::Response| async move {
                    res.headers_mut().insert(
                        "content-security-policy",
                        axum::http::HeaderValue::from_static(CSP),
                    );
                    res
                },
            ));
        serve(app)
    })
}

impl Browser {
    pub(crate) async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    pub(crate) async fn js_async(&self, script: &str) -> serde_json::Value {
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Opens the example dashboard and waits for both reports.
    pub(crate) async fn open_dashboard(&self) {
        self.client
            .goto(&format!("{}/dashboard/", self.base))
            .await
            .unwrap();
        self.wait_css("#failures table[aria-label='Sync report'][aria-busy='false']")
            .await;
        self.wait_css("#all-syncs table[aria-label='Sync report'][aria-busy='false']")
            .await;
    }

    /// The events the dashboard heard, as `[{type, report, detail}]`.
    pub(crate) async fn events(&self, kind: &str) -> Vec<serde_json::Value> {
        let all = self.js("return window.__syncReportAudit.events").await;
        all.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == format!("sync-report:{kind}"))
            .cloned()
            .collect()
    }
}

#[tokio::test]
pub(crate) async fn embedded_reports_stand_side_by_side_under_a_strict_csp_and_clashing_css() {
    let b = browser_at(csp_site().to_string(), None).await;
    b.open_dashboard().await;
    // The reports broke none of the policy...
    assert_eq!(
        b.js("return window.__syncReportAudit.csp").await,
        json!([]),
        "CSP violations"
    );
    // ...which is in force: an inline script is blocked, and the audit sees it.
    b.js("const s = document.createElement('script'); s.textContent = 'window.__inlineRan = 1'; document.head.append(s);")
        .await;
    b.until("the probe is reported", || async {
        b.js("return window.__syncReportAudit.csp.length").await == json!(1)
    })
    .await;
    assert_eq!(
        b.js("return window.__inlineRan === undefined").await,
        json!(true)
    );
    // Configured apart: options for one, data attributes for the other.
    let left = b.find("#failures .sr-count").await.text().await.unwrap();
    let right = b.find("#all-syncs .sr-count").await.text().await.unwrap();
    assert!(left.contains("of 3,000 entries"), "{left}");
    let badges = b.texts("#failures tbody .sr-badge").await;
    assert!(badges.iter().all(|s| s == "Failed"), "{badges:?}");
    assert!(b
        .texts("#all-syncs tbody .sr-badge")
        .await
        .iter()
        .any(|s| s != "Failed"));
    // Only the report that opted in writes the URL, under its prefix.
    let url = b.url().await;
    assert!(url.contains("failures_status=Failed"), "{url}");
    assert!(
        !url.contains("?status=") && !url.contains("&status="),
        "{url}"
    );
    // Independent: searching the right one leaves the left alone.
    let input = b
        .find("#all-syncs input[aria-label='Search sync reports']")
        .await;
    input.send_keys("sftp").await.unwrap();
    b.until("the right report narrows", || async {
        b.find("#all-syncs .sr-count").await.text().await.unwrap() != right
    })
    .await;
    assert_eq!(
        b.find("#failures .sr-count").await.text().await.unwrap(),
        left
    );
    assert!(
        !b.url().await.contains("sftp"),
        "the right report has no URL state"
    );
    // Element ids stay unique with two reports on the page.
    let ids = b
        .js("return [...document.querySelectorAll('[id]')].map(e => e.id)")
        .await;
    let ids: Vec<&str> = ids
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    // The host's broad element rules are live outside the reports, and do not reach inside.
    let style = b
        .js(r#"
        const cs = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {
          hostButton: cs('#theme-toggle', 'textTransform'),
          reportButton: cs('#failures .sr-btn', 'textTransform'),
          reportButtonSize: cs('#failures .sr-btn', 'fontSize'),
          tableBorder: cs('#failures table.sr-table', 'borderTopWidth'),
          cellPadding: cs('#failures td', 'paddingTop'),
          cellTransform: cs('#failures td', 'textTransform'),
          inputWidth: cs('#failures input[aria-label="Previous days"]', 'width'),
          font: cs('#all-syncs .sr-root', 'fontFamily'),
          boxSizing: cs('#failures .sr-btn', 'boxSizing'),
        };"#)
        .await;
    assert_eq!(style["hostButton"], "uppercase", "{style}");
    assert_eq!(style["reportButton"], "none", "{style}");
    assert_ne!(style["reportButtonSize"], "18px", "{style}");
    assert_eq!(style["tableBorder"], "0px", "{style}");
    let pad: f64 = style["cellPadding"]
        .as_str()
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    assert!(pad <= 10.0, "{style}");
    assert_eq!(style["cellTransform"], "none", "{style}");
    assert_ne!(style["inputWidth"], "300px", "{style}");
    assert!(
        !style["font"].as_str().unwrap().contains("Georgia"),
        "{style}"
    );
    assert_eq!(style["boxSizing"], "border-box", "{style}");
    // The standalone page also starts under the same policy (no inline script).
    b.open("/").await;
    b.wait_css("tbody tr.sr-row").await;
}

#[tokio::test]
pub(crate) async fn embedded_events_fire_with_the_documented_detail() {
    let b = browser_at(csp_site().to_string(), None).await;
    b.open_dashboard().await;
    // Selection.
    let row = b.find("#failures tbody tr.sr-row").await;
    let id: u64 = row.attr("data-id").await.unwrap().unwrap().parse().unwrap();
    row.find(Locator::Css("input[type=checkbox]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.until("a selection-change event", || async {
        !b.events("selection-change").await.is_empty()
    })
    .await;
    let e = &b.events("selection-change").await[0];
    assert_eq!(e["report"], "failures");
    assert_eq!(e["detail"], json!({ "count": 1, "allMatching": false }));
    // Resync of that entry.
    b.find("#failures button[aria-label='Actions']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath(
        "//div[@id='failures']//button[@role='menuitem' and normalize-space()='Resync selected']",
    )
    .await
    .click()
    .await
    .unwrap();
    let confirm = b
        .wait_xpath("//div[@id='failures']//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await;
    if confirm.is_enabled().await.unwrap() {
        confirm.click().await.unwrap();
        b.until("resync events", || async {
            !b.events("resync-completed").await.is_empty()
        })
        .await;
        let req = &b.events("resync-requested").await[0]["detail"];
        assert_eq!(req, &json!({ "ids": [id], "count": 1 }));
        let done = &b.events("resync-completed").await[0]["detail"];
        assert_eq!(done["count"], 1);
        assert_eq!(
            done["accepted"].as_u64().unwrap()
                + done["refused"].as_u64().unwrap()
                + done["failed"].as_u64().unwrap(),
            1
        );
        assert_eq!(done["outcomes"][0]["id"], id);
        assert!(done["outcomes"][0]["outcome"].is_string());
        b.wait_xpath("//div[@id='failures']//dialog[@open]//button[normalize-space()='Close']")
            .await
            .click()
            .await
            .unwrap();
    } else {
        // Not resyncable: the dialog offered nothing to send, so nothing was requested.
        assert!(b.events("resync-requested").await.is_empty());
        b.wait_xpath("//div[@id='failures']//dialog[@open]//button[normalize-space()='Cancel']")
            .await
            .click()
            .await
            .unwrap();
    }
    // Export.
    b.find("#failures button[aria-label='Actions']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath(
        "//div[@id='failures']//button[@role='menuitem' and normalize-space()='Download as CSV']",
    )
    .await
    .click()
    .await
    .unwrap();
    b.wait_xpath(
        "//div[@id='failures']//dialog[@open]//button[starts-with(normalize-space(),'Download ')]",
    )
    .await
    .click()
    .await
    .unwrap();
    b.until("an export-completed event", || async {
        !b.events("export-completed").await.is_empty()
    })
    .await;
    let d = &b.events("export-completed").await[0]["detail"];
    assert!(d["rows"].as_u64().unwrap() > 0, "{d}");
    assert_eq!(d["skipped"], 0);
    assert_eq!(d["selectedOnly"], false);
    assert!(
        d["filename"].as_str().unwrap().starts_with("sync-report_"),
        "{d}"
    );
    // An error: a third report pointed at an API that is not there.
    b.js_async(
        r#"const done = arguments[arguments.length - 1];
        (async () => {
          const el = document.createElement('div');
          el.id = 'broken';
          document.body.append(el);
          await window.__syncReportAudit.mount(el, { mode: 'http', apiBase: '/no-such-api' });
          done(true);
        })();"#,
    )
    .await;
    b.until("an error event", || async {
        !b.events("error").await.is_empty()
    })
    .await;
    let e = &b.events("error").await[0];
    assert_eq!(e["report"], "broken");
    assert_eq!(e["detail"]["during"], "load");
    assert!(
        e["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 404"),
        "{e}"
    );
    assert_eq!(b.js("return window.__syncReportAudit.csp").await, json!([]));
}

#[tokio::test]
pub(crate) async fn embedded_update_and_unmount_leave_nothing_behind() {
    let b = browser_at(csp_site().to_string(), None).await;
    b.open_dashboard().await;
    // update(): a theme and new filters apply in place.
    b.js("window.failuresReport.update({ theme: 'dark', filters: 'status=Pending&days=15' })")
        .await;
    b.wait_css("#failures .sr-root[data-theme='dark']").await;
    b.until("the filters change", || async {
        let badges = b.texts("#failures tbody .sr-badge").await;
        !badges.is_empty() && badges.iter().all(|s| s == "Pending")
    })
    .await;
    // Bad options are refused with a message naming the key.
    let err = b
        .js("try { window.failuresReport.update({ colour: 'red' }); return ''; } catch (e) { return String(e.message || e); }")
        .await;
    assert!(err.as_str().unwrap().contains("colour"), "{err}");
    // Mount and unmount one more report: every node, listener and timer goes with it.
    let r = b
        .js_async(
            r#"const done = arguments[arguments.length - 1];
            const audit = window.__syncReportAudit;
            const counts = () => ({ listeners: audit.globalListeners(), intervals: audit.activeIntervals() });
            (async () => {
              const el = document.createElement('div');
              document.body.append(el);
              const before = counts();
              const h = await audit.mount(el, { demoSize: 200 });
              await new Promise((r) => setTimeout(r, 300));
              const during = counts();
              const rows = el.querySelectorAll('tbody tr').length;
              h.unmount();
              await new Promise((r) => setTimeout(r, 50));
              let updateError = '';
              try { h.update({ theme: 'dark' }); } catch (e) { updateError = String(e.message || e); }
              done({ before, during, after: counts(), rows, nodes: el.childNodes.length,
                     mounted: h.mounted, updateError });
            })();"#,
        )
        .await;
    assert!(r["rows"].as_u64().unwrap() > 0, "{r}");
    assert!(
        r["during"]["listeners"].as_u64() > r["before"]["listeners"].as_u64(),
        "the audit must see the report's listeners: {r}"
    );
    assert!(
        r["during"]["intervals"].as_u64() > r["before"]["intervals"].as_u64(),
        "{r}"
    );
    assert_eq!(r["after"], r["before"], "{r}");
    assert_eq!(r["nodes"], 0, "{r}");
    assert_eq!(r["mounted"], false);
    assert!(
        r["updateError"].as_str().unwrap().contains("unmounted"),
        "{r}"
    );
    // The dashboard's own button unmounts and mounts its report again.
    b.find("#unmount").await.click().await.unwrap();
    b.until("the report is gone", || async {
        b.js("return document.getElementById('failures').childNodes.length")
            .await
            == json!(0)
    })
    .await;
    b.find("#remount").await.click().await.unwrap();
    b.wait_css("#failures table[aria-busy='false'] tbody tr.sr-row")
        .await;
}

#[tokio::test]
pub(crate) async fn embedded_under_a_sub_path_with_the_api_on_another_origin() {
    // The build served under /reports/, with no rebuild: embed.js finds its files relative to
    // itself.
    let site = serve(
        axum::Router::new()
            .nest_service("/reports", tower_http::services::ServeDir::new(dist_dir())),
    );
    // The API on another origin (another port), allowing the site's origin.
    let (api, server) = reference_server(Options {
        allow_origins: vec![site.clone()],
        ..Options::default()
    });
    let b = browser_at(site.clone(), None).await;
    b.client
        .goto(&format!("{site}/reports/dashboard/"))
        .await
        .unwrap();
    b.wait_css("#failures table[aria-busy='false'] tbody tr.sr-row")
        .await;
    b.wait_css("#all-syncs table[aria-busy='false'] tbody tr.sr-row")
        .await;
    let mounted = b
        .js_async(&format!(
            r#"const done = arguments[arguments.length - 1];
            (async () => {{
              const el = document.createElement('div');
              el.id = 'remote';
              document.body.append(el);
              await window.__syncReportAudit.mount(el, {{ mode: 'http', apiBase: '{api}/api' }});
              done(true);
            }})().catch((e) => done(String(e)));"#
        ))
        .await;
    assert_eq!(mounted, json!(true));
    b.wait_css("#remote table[aria-busy='false'] tbody tr.sr-row")
        .await;
    let panel = b
        .js("const p = document.querySelector('.sr-panic'); return p ? p.textContent : null")
        .await;
    assert_eq!(panel, json!(null), "a report panicked");
    let source = b.find("#remote .sr-source").await.text().await.unwrap();
    assert_eq!(source, format!("Live data from {api}/api"));
    assert!(b.events("error").await.is_empty());
    assert!(!server.seen().is_empty());
}
