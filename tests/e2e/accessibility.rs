//! Accessibility: axe-core on every state of the page, errors included.

use crate::harness::*;

impl Browser {
    /// Runs axe-core (node_modules/axe-core) on the report and fails with every violation.
    pub(crate) async fn axe(&self, state: &str) {
        let result = self.axe_violations().await;
        assert_eq!(
            result,
            json!([]),
            "axe-core violations in state '{state}':\n{}",
            serde_json::to_string_pretty(&result).unwrap()
        );
    }

    /// axe-core's violations on the open dialog, or else the whole document.
    pub(crate) async fn axe_violations(&self) -> serde_json::Value {
        static AXE: OnceLock<String> = OnceLock::new();
        let src = AXE.get_or_init(|| {
            let p =
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh installs it)", p.display()))
        });
        if self.js("return typeof window.axe").await != json!("object") {
            self.js(src).await;
        }
        let result = self
            .js_async(
                r#"const done = arguments[arguments.length - 1];
                const dialog = document.querySelector('dialog[open]');
                axe.run(dialog || document, { resultTypes: ['violations'] })
                  .then((r) => done(r.violations.map((v) => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
                  }))))
                  .catch((e) => done([{ id: 'axe-error', help: String(e) }]));"#,
            )
            .await;
        result
    }
}

#[tokio::test]
pub(crate) async fn accessibility_every_state_passes_axe() {
    let b = browser(Target::Demo).await;
    b.open("/").await;
    b.axe("loaded").await;
    // Additional columns on.
    b.open("/?status=Failed&sync_data=1&fields=1&q=a").await;
    b.axe("filtered, every column").await;
    // A header filter open.
    b.button("Filter Status").await.click().await.unwrap();
    b.wait_css(".sr-popover").await;
    b.axe("header filter open").await;
    b.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{e00c}")
        .await
        .unwrap();
    // Additional filters open.
    b.button("Additional filters").await.click().await.unwrap();
    b.wait_css(".sr-popover").await;
    b.axe("additional filters open").await;
    b.button("Additional filters").await.click().await.unwrap();
    // The Actions menu open.
    b.button("Actions").await.click().await.unwrap();
    b.wait_css("[role='menu']").await;
    b.axe("actions menu open").await;
    // The export dialog.
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Download as CSV']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("dialog[open]").await;
    b.axe("export dialog").await;
    b.button("Cancel").await.click().await.unwrap();
    // Error details.
    b.button("Error details").await.click().await.unwrap();
    b.wait_css("dialog[open]").await;
    b.axe("error details dialog").await;
    b.button("Close").await.click().await.unwrap();
    // Selection bar.
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css(".sr-selbar").await;
    b.axe("page selected").await;
    // Saved views open, and the shortcuts dialog.
    b.button("Saved views").await.click().await.unwrap();
    b.wait_css(".sr-views").await;
    b.axe("saved views open").await;
    b.button("Saved views").await.click().await.unwrap();
    b.button("Keyboard shortcuts").await.click().await.unwrap();
    b.wait_css("dialog[open] .sr-shortcuts").await;
    b.axe("keyboard shortcuts dialog").await;
    b.button("Close").await.click().await.unwrap();
    // Empty.
    b.open("/?q=no-such-entry-anywhere").await;
    b.wait_css(".sr-state--empty").await;
    b.axe("empty").await;
    // Dark theme (contrast).
    b.client
        .execute(
            "document.querySelector('.sr-root').dataset.theme = 'dark'",
            vec![],
        )
        .await
        .unwrap();
    b.open("/").await;
    b.js("document.querySelector('.sr-root').dataset.theme = 'dark'")
        .await;
    b.axe("dark theme").await;
}

#[tokio::test]
pub(crate) async fn accessibility_error_states_pass_axe() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::Status(500)));
    b.open_expecting_error("/").await;
    b.axe("server error").await;
    server.add_rule(Rule::once("/sync-reports", Fault::WrongTypes));
    server.add_rule(Rule::once(
        "/sync-reports",
        Fault::IntegrationDown("Bluebird Home".into()),
    ));
    b.button("Retry").await.click().await.unwrap();
    b.wait_css(".sr-rejected").await;
    b.axe("entries that could not be read, a silent company group")
        .await;
}
