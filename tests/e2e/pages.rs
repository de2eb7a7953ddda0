//! Small page helpers, so a test reads like the README: the Actions menu, "select all
//! matching", the strip without a summary, downloads, numbers as the page writes them.

use crate::harness::*;

impl Browser {
    /// Ticks "Select all", then "Select all `n` entries matching the filters".
    pub(crate) async fn select_all_matching(&self, n: usize) {
        self.find("input[aria-label='Select all']")
            .await
            .click()
            .await
            .unwrap();
        self.button(&format!(
            "Select all {} entries matching the filters",
            fmt_thousands(n)
        ))
        .await
        .click()
        .await
        .unwrap();
    }

    /// Opens the Actions menu and picks `item`.
    pub(crate) async fn menu(&self, item: &str) {
        self.button("Actions").await.click().await.unwrap();
        self.wait_xpath(&format!(
            "//button[@role='menuitem' and normalize-space()='{item}']"
        ))
        .await
        .click()
        .await
        .unwrap();
    }

    /// On a backend without the summary: the strip's one line says so, and there are no counts
    /// and no failure groups (README: Any backend).
    pub(crate) async fn says_it_has_no_summary(&self) {
        let note = self.wait_css(".sr-strip-note").await;
        assert_eq!(
            note.text().await.unwrap(),
            "This report server does not provide summary counts or failure groups."
        );
        let extra = self
            .js("return document.querySelectorAll('.sr-groups, .sr-chart, .sr-count-btn:not(.sr-count-btn--stuck)').length")
            .await;
        assert_eq!(
            extra,
            json!(0),
            "no counts, chart or groups without the summary"
        );
    }
}

pub(crate) fn fmt_thousands(n: usize) -> String {
    sync_report::format::thousands(n)
}

pub(crate) async fn wait_for_download(b: &Browser) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let done: Vec<PathBuf> = b
            .downloaded()
            .await
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        if let Some(p) = done.into_iter().next() {
            return p;
        }
        assert!(Instant::now() < deadline, "no CSV was downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// WebDriver key codes.
pub(crate) const ENTER: &str = "\u{E007}";
pub(crate) const ESCAPE: &str = "\u{E00C}";
pub(crate) const ARROW_DOWN: &str = "\u{E015}";
pub(crate) const ARROW_UP: &str = "\u{E013}";

pub(crate) const TAB: &str = "\u{e004}";

impl Browser {
    /// Presses keys on whatever has focus, as a person does: WebDriver key actions, not
    /// "send keys to an element", which drivers refuse for an element they judge not
    /// interactable (a focused row half out of view, say). A modifier (Shift, Control, Alt,
    /// Meta) stays down until the NULL key or the end of `keys`.
    pub(crate) async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        const NULL: char = '\u{E000}';
        const MODIFIERS: [char; 4] = ['\u{E008}', '\u{E009}', '\u{E00A}', '\u{E03D}'];
        let mut seq = KeyActions::new("keyboard".into());
        let mut held = Vec::new();
        for c in keys.chars() {
            if c == NULL {
                for m in held.drain(..).rev() {
                    seq = seq.then(KeyAction::Up { value: m });
                }
            } else if MODIFIERS.contains(&c) {
                seq = seq.then(KeyAction::Down { value: c });
                held.push(c);
            } else {
                seq = seq
                    .then(KeyAction::Down { value: c })
                    .then(KeyAction::Up { value: c });
            }
        }
        for m in held.drain(..).rev() {
            seq = seq.then(KeyAction::Up { value: m });
        }
        self.client.perform_actions(seq).await.unwrap();
    }

    /// Presses Tab until the focused element matches `css` (and, if given, has this text).
    pub(crate) async fn tab_to(&self, css: &str, text: Option<&str>) {
        self.tab_until(css, text, TAB).await
    }

    /// The same with Shift+Tab, backwards.
    pub(crate) async fn tab_back_to(&self, css: &str, text: Option<&str>) {
        self.tab_until(css, text, "\u{E008}\u{E004}\u{E000}").await
    }

    pub(crate) async fn tab_until(&self, css: &str, text: Option<&str>, key: &str) {
        let check = format!(
            "const a = document.activeElement; return !!a && a.matches({}) && ({} === null || (a.closest('label') || a).textContent.trim().startsWith({}));",
            serde_json::to_string(css).unwrap(),
            serde_json::to_string(&text).unwrap(),
            serde_json::to_string(&text).unwrap(),
        );
        for _ in 0..120 {
            if self.js(&check).await == json!(true) {
                return;
            }
            self.press(key).await;
        }
        panic!("Tab never reached {css} {text:?}");
    }
}
