//! The keyboard: search and the Actions menu, keyboard-only triage, j/k/x/r/e, the focus kept in
//! the report, the skip link and one Tab per panel.

use crate::harness::*;
use crate::pages::*;

pub(crate) async fn keyboard_operates_search_and_the_actions_menu(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    // Type into the search box and press Enter: no pointer involved.
    let search = b.find("input[aria-label='Search sync reports']").await;
    search.send_keys(&format!("netsuite{ENTER}")).await.unwrap();
    b.until("the search applies", || async {
        b.count_text().await.contains(" of ")
    })
    .await;
    // Open the menu from the keyboard: the first item takes focus, arrows move, Escape closes.
    let actions = b.find("button[aria-label='Actions']").await;
    b.client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&actions).unwrap()],
        )
        .await
        .unwrap();
    actions.send_keys(ENTER).await.unwrap();
    b.wait_css("[role=menu]").await;
    let focused = || async {
        b.client
            .active_element()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    b.until("the first item is focused", || async {
        focused().await == "Download as CSV"
    })
    .await;
    // Items needing a selection are disabled and skipped.
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ARROW_DOWN)
        .await
        .unwrap();
    assert_eq!(focused().await, "Copy link to this view");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ARROW_UP)
        .await
        .unwrap();
    assert_eq!(focused().await, "Download as CSV");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ESCAPE)
        .await
        .unwrap();
    b.until("the menu closes", || async {
        b.client.find(Locator::Css("[role=menu]")).await.is_err()
    })
    .await;
    // Focus goes back to the button that opened the menu.
    let active = b.client.active_element().await.unwrap();
    assert_eq!(
        active.attr("aria-label").await.unwrap().as_deref(),
        Some("Actions")
    );
    // The same for a header filter's menu.
    let filter = b.find("button[aria-label='Filter Status']").await;
    filter.click().await.unwrap();
    b.wait_css(".sr-popover input[type=checkbox]")
        .await
        .send_keys(ESCAPE)
        .await
        .unwrap();
    b.until("the filter menu closes", || async {
        b.client.find(Locator::Css(".sr-popover")).await.is_err()
    })
    .await;
    let active = b.client.active_element().await.unwrap();
    assert_eq!(
        active.attr("aria-label").await.unwrap().as_deref(),
        Some("Filter Status")
    );
    // Enter on a focused header sorts.
    let sort = b.find("th.sr-col-status .sr-sort-btn").await;
    b.client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&sort).unwrap()],
        )
        .await
        .unwrap();
    sort.send_keys(ENTER).await.unwrap();
    b.wait_css("th.sr-col-status[aria-sort='ascending']").await;
}

both!(keyboard_operates_search_and_the_actions_menu);

#[tokio::test]
pub(crate) async fn keyboard_only_search_filter_select_resync_and_export() {
    let b = browser(Target::Demo).await;
    b.open("/?days=15").await;
    let total = number(&b.count_text().await);
    // Search.
    b.tab_to("input[aria-label='Search sync reports']", None)
        .await;
    b.press("netsuite").await;
    b.until("the search applies", || async {
        b.url().await.contains("q=netsuite")
    })
    .await;
    // Filter: open Status, tick Failed with Space, close with Escape.
    b.tab_to("button[aria-label='Filter Status']", None).await;
    b.press(ENTER).await;
    b.wait_css(".sr-popover").await;
    b.tab_to(".sr-popover input[type=checkbox]", Some("Failed"))
        .await;
    b.press(" ").await;
    b.until("the filter applies", || async {
        b.url().await.contains("status=Failed")
    })
    .await;
    b.press(ESCAPE).await;
    b.wait_css("table[aria-busy='false']").await;
    assert!(number(&b.count_text().await) < total);
    // Select the first row with Space.
    b.tab_to("tbody tr.sr-row input[type=checkbox]", None).await;
    b.press(" ").await;
    b.wait_css(".sr-selbar").await;
    // Resync it: back to Actions, arrows to "Resync selected", Enter, the dialog's buttons.
    b.tab_back_to("button[aria-label='Actions']", None).await;
    b.press(ENTER).await;
    b.wait_css("[role=menu]").await;
    for _ in 0..4 {
        let t = b
            .js("return document.activeElement.textContent.trim()")
            .await;
        if t == json!("Resync selected") {
            break;
        }
        b.press(ARROW_DOWN).await;
    }
    b.press(ENTER).await;
    b.wait_css("dialog[open] .sr-dialog-actions").await;
    let can = b
        .js("return !![...document.querySelectorAll('dialog[open] button')].find(x => x.textContent.startsWith('Resync ') && !x.disabled)")
        .await;
    if can == json!(true) {
        b.tab_to("dialog[open] button", Some("Resync ")).await;
        b.press(ENTER).await;
        b.wait_css("dialog[open] .sr-outcomes").await;
        b.tab_to("dialog[open] button", Some("Close")).await;
    } else {
        b.tab_to("dialog[open] button", Some("Cancel")).await;
    }
    b.press(ENTER).await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // Export: Actions, Enter on the first item, Enter on the confirm.
    b.tab_back_to("button[aria-label='Actions']", None).await;
    b.press(ENTER).await;
    b.wait_css("[role=menu]").await;
    assert_eq!(
        b.js("return document.activeElement.textContent.trim()")
            .await,
        json!("Download as CSV")
    );
    b.press(ENTER).await;
    b.wait_css("dialog[open]").await;
    b.tab_to("dialog[open] button", Some("Download ")).await;
    b.press(ENTER).await;
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let rows = csv::Reader::from_reader(&bytes[3..]).records().count();
    assert!(rows > 0);
}

impl Browser {
    pub(crate) async fn active(&self) -> serde_json::Value {
        self.js("const a = document.activeElement; return { tag: a.tagName, id: a.dataset.id || null, label: a.getAttribute('aria-label') };")
            .await
    }
}

#[tokio::test]
pub(crate) async fn the_keyboard_stays_in_the_report_when_the_focused_row_scrolls_away() {
    let b = browser(Target::Demo).await;
    b.open("/?days=15").await;
    b.js("document.querySelector('tbody tr.sr-row input[type=checkbox]').focus()")
        .await;
    b.press("j").await;
    let row = b.active().await["id"].as_str().unwrap().to_string();
    // Scrolled far away, the focused row leaves the page; the table's box takes the focus.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight / 2")
        .await;
    b.until("the row is gone and the table has the focus", || async {
        b.js(&format!(
            "return !document.querySelector(\"tr[data-id='{row}']\") \
             && document.activeElement.classList.contains('sr-table-wrap')"
        ))
        .await
        .as_bool()
        .unwrap_or(false)
    })
    .await;
    // j carries on from that row: the next one is brought back and focused.
    b.press("j").await;
    b.until("the next row is focused", || async {
        let a = b.active().await;
        a["tag"] == "TR" && a["id"].as_str() != Some(row.as_str())
    })
    .await;
    let index = b
        .js("return +document.activeElement.getAttribute('aria-rowindex')")
        .await
        .as_f64()
        .unwrap();
    assert_eq!(index, 4.0, "the third entry (after the header row)");
}

#[tokio::test]
pub(crate) async fn keyboard_triage_moves_selects_opens_details_and_resyncs() {
    let b = browser(Target::Demo).await;
    b.open("/?status=Failed&days=15").await;
    let ids: Vec<String> = b
        .js("return [...document.querySelectorAll('tbody tr.sr-row')].map(r => r.dataset.id)")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    // Keys do nothing while the focus is outside the report.
    b.js("document.activeElement.blur()").await;
    b.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("j")
        .await
        .unwrap();
    assert!(b
        .client
        .find(Locator::Css("tr.sr-row--active"))
        .await
        .is_err());
    // Into the table: the first row's checkbox; j and k move the focused row.
    b.js("document.querySelector('tbody tr.sr-row input[type=checkbox]').focus()")
        .await;
    b.press("j").await;
    assert_eq!(b.active().await["id"], json!(ids[1]), "{ids:?}");
    b.press("j").await;
    b.press("k").await;
    assert_eq!(b.active().await["id"], json!(ids[1]));
    b.wait_css(&format!("tr.sr-row--active[data-id='{}']", ids[1]))
        .await;
    // x selects it, and says so.
    b.press("x").await;
    b.wait_css(&format!("tr.sr-row--selected[data-id='{}']", ids[1]))
        .await;
    b.until("the selection is announced", || async {
        b.js("return document.querySelector('.sr-visually-hidden[role=status]').textContent")
            .await
            .as_str()
            .unwrap_or_default()
            .contains("selected; 1 selected")
    })
    .await;
    // e opens its error details; Escape closes them.
    b.press("e").await;
    let dialog = b.wait_css("dialog[open]").await.text().await.unwrap();
    assert!(dialog.contains("Error details"), "{dialog}");
    b.press(ESCAPE).await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // h opens the row's item history, which marks this entry; Escape closes it.
    b.press("h").await;
    b.wait_css("dialog[open][aria-label^='History of'] tbody tr[aria-current='true']")
        .await;
    b.press(ESCAPE).await;
    b.until("the history closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // r asks to resync the selection, through the confirmation.
    b.js(&format!(
        "document.querySelector(\"tr.sr-row[data-id='{}']\").focus()",
        ids[1]
    ))
    .await;
    b.press("r").await;
    let title = b
        .wait_css("dialog[open] .sr-dialog-title")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(title, "Resync selected");
    b.press(ESCAPE).await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // / goes to the search, where keys are text again.
    b.js(&format!(
        "document.querySelector(\"tr.sr-row[data-id='{}']\").focus()",
        ids[0]
    ))
    .await;
    b.press("/").await;
    assert_eq!(b.active().await["label"], json!("Search sync reports"));
    b.press("?j").await;
    let value = b
        .find("input[aria-label='Search sync reports']")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("?j"));
    assert!(b.client.find(Locator::Css("dialog[open]")).await.is_err());
    // ? lists the shortcuts.
    b.js(&format!(
        "document.querySelector(\"tr.sr-row[data-id='{}']\").focus()",
        ids[0]
    ))
    .await;
    b.press("?").await;
    let list = b.wait_css("dialog[open]").await.text().await.unwrap();
    assert!(
        list.contains("Keyboard shortcuts") && list.contains("Next row"),
        "{list}"
    );
}

impl Browser {
    /// Sizes the window so that the page's viewport is `w` x `h` CSS px (browser chrome, where
    /// an engine draws any, is added on top).
    pub(crate) async fn viewport(&self, w: u32, h: u32) {
        self.client.set_window_size(w, h).await.unwrap();
        let inner = self
            .js("return [window.innerWidth, window.innerHeight]")
            .await;
        let (iw, ih) = (
            inner[0].as_u64().unwrap() as u32,
            inner[1].as_u64().unwrap() as u32,
        );
        if (iw, ih) != (w, h) {
            self.client
                .set_window_size(w + w.saturating_sub(iw), h + h.saturating_sub(ih))
                .await
                .unwrap();
        }
        self.until("the viewport takes its size", || async {
            let inner = self
                .js("return [window.innerWidth, window.innerHeight]")
                .await;
            inner == json!([w, h])
        })
        .await;
    }
}

/// WCAG 2.4.1: the first Tab stop is "Skip to the table", shown when focused, which takes the
/// keyboard to the table; without it, Tab alone reaches "Select all" in at most 13 presses
/// from the top of the page, because the status counts and the failure groups are one Tab stop
/// each (arrow keys inside). The open failure groups: arrows move between groups, Enter shows
/// the focused one.
#[tokio::test]
pub(crate) async fn keyboard_skips_to_the_table_and_passes_each_panel_in_one_tab() {
    let b = browser(Target::Demo).await;
    b.open("/").await;
    let at_select_all = "return document.activeElement && document.activeElement.getAttribute('aria-label') === 'Select all'";
    // From the top of the page, Tab alone.
    b.press(TAB).await;
    let first = b.active().await;
    assert_eq!(first["tag"], json!("A"), "first Tab stop: {first}");
    assert_eq!(b.texts("a.sr-skip").await, ["Skip to the table"]);
    // Shown while focused: inside the viewport, opaque.
    b.until("the skip link shows when focused", || async {
        b.js("const a = document.querySelector('a.sr-skip'); const r = a.getBoundingClientRect(); \
              return document.activeElement === a && r.top >= 0 && r.height > 10 && getComputedStyle(a).opacity === '1'")
            .await
            == json!(true)
    })
    .await;
    let mut presses = 1;
    while b.js(at_select_all).await != json!(true) {
        b.press(TAB).await;
        presses += 1;
        // 13 on the default view (README; the Auto-refresh switch is one); "Clear all
        // filters" adds one when filters are on.
        assert!(presses <= 13, "Select all not reached in 13 presses of Tab");
    }
    // The skip link itself, from the top of a fresh page: Tab, Enter, then one Tab.
    b.open("/").await;
    b.press(TAB).await;
    assert_eq!(b.active().await["tag"], json!("A"));
    b.press(ENTER).await;
    b.until("the table has the focus", || async {
        b.js("return document.activeElement === document.querySelector('.sr-table-wrap')")
            .await
            == json!(true)
    })
    .await;
    b.press(TAB).await;
    assert_eq!(
        b.js(at_select_all).await,
        json!(true),
        "Tab after the skip link"
    );

    // The failure groups, opened: one Tab stop, arrows between groups, Enter shows one.
    b.find(".sr-groups > summary").await.click().await.unwrap();
    b.wait_css(".sr-groups[open] .sr-group").await;
    let stops = b
        .js("return [...document.querySelectorAll('.sr-groups-list [tabindex=\"0\"]')].map(e => e.tagName + (e.className.includes('sr-group') && e.tagName === 'LI' ? '' : ':' + e.textContent.trim()))")
        .await;
    assert_eq!(
        stops,
        json!(["LI", "BUTTON:Show", "BUTTON:Resync all", "BUTTON:Download"]),
        "only the focused group and its own buttons are Tab stops"
    );
    b.find(".sr-groups > summary").await.click().await.unwrap();
    // Closed, the summary line is where Tab lands; open it with Enter, Tab into the list.
    b.wait_css(".sr-groups:not([open])").await;
    b.tab_to(".sr-groups > summary", None).await;
    b.press(ENTER).await;
    b.wait_css(".sr-groups[open] .sr-group").await;
    b.press(TAB).await;
    let focused = b
        .js("return document.activeElement.matches('li.sr-group:first-child')")
        .await;
    assert_eq!(
        focused,
        json!(true),
        "Tab from the summary enters the list at its first group"
    );
    b.press(ARROW_DOWN).await;
    let second = b
        .js("const a = document.activeElement; return a.matches('li.sr-group:nth-child(2)') && a.tabIndex === 0 && document.querySelector('li.sr-group:first-child').tabIndex === -1")
        .await;
    assert_eq!(
        second,
        json!(true),
        "ArrowDown moves to the second group and its Tab stop"
    );
    let count = number(
        b.js("return document.activeElement.querySelector('.sr-group-count').textContent")
            .await
            .as_str()
            .unwrap(),
    );
    b.press(ENTER).await;
    b.shows_group(count).await;
    b.press(ARROW_UP).await;
    let back = b
        .js("return document.activeElement.matches('li.sr-group:first-child')")
        .await;
    assert_eq!(back, json!(true), "ArrowUp moves back");
}
