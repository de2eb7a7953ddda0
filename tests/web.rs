//! Component tests in headless Chromium (wasm-bindgen-test): each mounts the report (or one
//! component) into a wrapper element over a small pinned demo source and asserts on the DOM.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use chrono::{TimeZone, Utc};
use leptos::prelude::*;
use sync_report::app::status_badge::StatusBadge;
use sync_report::app::App;
use sync_report::model::Status;
use sync_report::source::demo::DemoSource;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

fn pinned_source(size: usize) -> Rc<DemoSource> {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    Rc::new(DemoSource::with_clock(7, size, Box::new(move || now)))
}

/// Mounts the whole report into a fresh wrapper and waits for the first load.
async fn mount_report(size: usize) -> Element {
    if let Ok(Some(s)) = window().local_storage() {
        let _ = s.clear();
    }
    // The real stylesheet: the table's scroll box and row heights come from it.
    if document().get_element_by_id("sr-test-css").is_none() {
        let style = document().create_element("style").unwrap();
        style.set_id("sr-test-css");
        style.set_text_content(Some(include_str!("../style/report.css")));
        document().head().unwrap().append_child(&style).unwrap();
    }
    let wrapper = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&wrapper).unwrap();
    let source = pinned_source(size);
    leptos::mount::mount_to(
        wrapper.clone().unchecked_into(),
        move || view! { <App source=source.clone()/> },
    )
    .forget();
    // A few frames: the table measures its rows once they are drawn.
    sleep(100).await;
    wrapper
}

async fn settle() {
    for _ in 0..5 {
        leptos::task::tick().await;
    }
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
    settle().await;
}

fn q(root: &Element, css: &str) -> Element {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no {css}"))
}

fn all(root: &Element, css: &str) -> Vec<Element> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn texts(root: &Element, css: &str) -> Vec<String> {
    all(root, css)
        .iter()
        .map(|e| e.text_content().unwrap_or_default().trim().to_string())
        .collect()
}

fn click(root: &Element, css: &str) {
    q(root, css).unchecked_into::<HtmlElement>().click();
}

fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| {
            b.text_content().unwrap_or_default().trim() == name
                || b.get_attribute("aria-label").as_deref() == Some(name)
        })
        .unwrap_or_else(|| panic!("no button {name} among {:?}", texts(root, "button")))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn renders_the_table_with_accessible_names() {
    let root = mount_report(300).await;
    let table = q(&root, "table");
    assert_eq!(
        table.get_attribute("aria-label").as_deref(),
        Some("Sync report")
    );
    // Virtualised: a window of the 300 rows is drawn, and ARIA tells the real size.
    let drawn = all(&root, "tbody tr.sr-row").len();
    assert!((5..=60).contains(&drawn), "{drawn} rows drawn");
    let total: usize = q(&root, ".sr-count")
        .text_content()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert_eq!(
        table.get_attribute("aria-rowcount"),
        Some((total + 1).to_string())
    );
    let headers = texts(&root, "thead th");
    for h in [
        "Status",
        "Company Group",
        "Service Entity",
        "Systems",
        "Sync ID",
        "Reference",
        "Date/Time (UTC)",
    ] {
        assert!(
            headers.iter().any(|t| t.starts_with(h)),
            "{h} in {headers:?}"
        );
    }
    assert!(
        headers.iter().any(|t| t.starts_with("Date/Time (local: ")),
        "{headers:?}"
    );
    let count = q(&root, ".sr-count").text_content().unwrap();
    assert!(count.ends_with("entries"), "{count}");
    // Every row checkbox is named after its reference.
    let first = q(&root, "tbody tr.sr-row input[type=checkbox]");
    assert!(first
        .get_attribute("aria-label")
        .unwrap()
        .starts_with("Select "));
}

#[wasm_bindgen_test]
async fn clicking_a_header_sorts_and_sets_aria_sort() {
    let root = mount_report(300).await;
    let th = q(&root, "th.sr-col-syncid");
    assert_eq!(th.get_attribute("aria-sort").as_deref(), Some("none"));
    click(&root, "th.sr-col-syncid .sr-sort-btn");
    settle().await;
    assert_eq!(th.get_attribute("aria-sort").as_deref(), Some("descending"));
    let ids: Vec<u64> = texts(&root, "tbody tr.sr-row td:nth-child(6)")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] >= w[1]), "{ids:?}");
    click(&root, "th.sr-col-syncid .sr-sort-btn");
    settle().await;
    assert_eq!(th.get_attribute("aria-sort").as_deref(), Some("ascending"));
}

#[wasm_bindgen_test]
async fn search_is_debounced_and_filters() {
    let root = mount_report(300).await;
    let scope: HtmlSelectElement = q(&root, "select[aria-label='Search in']").unchecked_into();
    scope.set_value("system");
    scope
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    let input: HtmlInputElement =
        q(&root, "input[aria-label='Search sync reports']").unchecked_into();
    input.set_value("peoplevox");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    // Not yet: the search waits for typing to pause.
    assert!(!q(&root, ".sr-count")
        .text_content()
        .unwrap()
        .contains(" of "));
    sleep(400).await;
    let count = q(&root, ".sr-count").text_content().unwrap();
    assert!(count.contains(" of "), "{count:?} / {:?}", input.value());
    let systems = texts(&root, "tbody tr.sr-row td:nth-child(5)");
    assert!(
        !systems.is_empty() && systems.iter().all(|s| s.contains("Peoplevox")),
        "{systems:?}"
    );
}

#[wasm_bindgen_test]
async fn additional_filters_toggle_columns() {
    let root = mount_report(100).await;
    assert!(!texts(&root, "thead th").iter().any(|t| t == "Source Id"));
    button(&root, "Additional filters").click();
    settle().await;
    let boxes = all(&root, ".sr-popover input[type=checkbox]");
    assert_eq!(boxes.len(), 2);
    let labels = texts(&root, ".sr-popover label");
    assert_eq!(
        labels,
        ["Show additional sync data", "Show additional fields"]
    );
    boxes[1].clone().unchecked_into::<HtmlElement>().click();
    settle().await;
    let headers = texts(&root, "thead th");
    for h in [
        "Source Id",
        "Source Parent Id",
        "Endpoint Id",
        "Endpoint Parent Id",
    ] {
        assert!(headers.iter().any(|t| t == h), "{h}");
    }
    boxes[0].clone().unchecked_into::<HtmlElement>().click();
    settle().await;
    assert!(texts(&root, "thead th")
        .iter()
        .any(|t| t == "Latest Sync Information"));
    let sync = texts(&root, "tbody tr.sr-row td:nth-child(10)");
    assert!(sync[0].starts_with("Sync "), "{:?}", sync[0]);
}

#[wasm_bindgen_test]
async fn select_all_selects_the_rows_in_view_and_offers_everything() {
    let root = mount_report(1000).await;
    click(&root, "input[aria-label='Select all']");
    settle().await;
    // The rows in view are selected; the overscan drawn beyond the edge is not.
    let checked = all(&root, "tbody tr.sr-row input[type=checkbox]")
        .iter()
        .filter(|&c| c.clone().unchecked_into::<HtmlInputElement>().checked())
        .count();
    assert!(checked >= 3, "{checked} checked");
    assert_eq!(
        q(&root, ".sr-selbar-text").text_content().unwrap(),
        format!("{checked} selected.")
    );
    let offer = all(&root, ".sr-selbar button")
        .into_iter()
        .find(|b| b.text_content().unwrap().starts_with("Select all "))
        .unwrap();
    offer.unchecked_into::<HtmlElement>().click();
    settle().await;
    assert!(q(&root, ".sr-selbar-text")
        .text_content()
        .unwrap()
        .contains("matching the filters are selected"));
    button(&root, "Clear selection").click();
    settle().await;
    assert!(root.query_selector(".sr-selbar").unwrap().is_none());
}

/// A header filter's choice: its value's label, and its count when shown.
fn facet_choices(root: &Element) -> Vec<(Element, String, Option<usize>)> {
    all(root, ".sr-popover label")
        .into_iter()
        .map(|l| {
            let value = q(&l, ".sr-facet-value").text_content().unwrap();
            let count = l.query_selector(".sr-facet-count").unwrap().map(|c| {
                c.text_content()
                    .unwrap()
                    .trim()
                    .replace(',', "")
                    .parse()
                    .unwrap()
            });
            (l, value, count)
        })
        .collect()
}

fn leading_number(s: &str) -> usize {
    s.split_whitespace()
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap()
}

#[wasm_bindgen_test]
async fn header_filter_counts_each_value_and_narrows_by_status() {
    let root = mount_report(300).await;
    button(&root, "Filter Status").click();
    sleep(50).await;
    let choices = facet_choices(&root);
    let (failed, _, n) = choices
        .iter()
        .find(|(_, v, _)| v == "Failed")
        .cloned()
        .expect("a Failed choice");
    let n = n.expect("a count beside Failed");
    // The label, which names the checkbox, reads "Failed 95".
    assert_eq!(failed.text_content().unwrap().trim(), format!("Failed {n}"));
    // Without other filters, the counts add up to every entry in the range.
    let total: usize = choices.iter().map(|(_, _, c)| c.unwrap()).sum();
    assert_eq!(
        total,
        leading_number(&q(&root, ".sr-count").text_content().unwrap())
    );
    failed
        .query_selector("input")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    let badges = texts(&root, "tbody .sr-badge");
    assert!(
        !badges.is_empty() && badges.iter().all(|b| b == "Failed"),
        "{badges:?}"
    );
    // Choosing Failed gives as many entries as its count said.
    assert_eq!(
        leading_number(&q(&root, ".sr-count").text_content().unwrap()),
        n
    );
    // The status counts ignore the status filter itself: Failed still says n.
    sleep(20).await;
    let after = facet_choices(&root);
    assert_eq!(
        after.iter().find(|(_, v, _)| v == "Failed").unwrap().2,
        Some(n)
    );
    assert!(q(&root, "button[aria-label='Filter Status']")
        .class_list()
        .contains("sr-filter-btn--active"));
    // Another filter's counts follow the status filter: its values add up to the Failed
    // entries, and one no Failed entry has is listed dimmed, at 0.
    button(&root, "Filter Status").click();
    button(&root, "Filter Company Group").click();
    sleep(50).await;
    let groups = facet_choices(&root);
    assert!(groups.len() > 1);
    assert_eq!(groups.iter().map(|(_, _, c)| c.unwrap()).sum::<usize>(), n);
    for (l, _, c) in &groups {
        assert_eq!(
            l.class_list().contains("sr-check-label--none"),
            *c == Some(0)
        );
    }
    button(&root, "Filter Company Group").click();
    // And the error details dialog opens from a failed row.
    button(&root, "Error details").click();
    settle().await;
    let dialog = q(&root, "dialog.sr-dialog[open]");
    assert!(dialog.text_content().unwrap().contains("Failure reason"));
}

#[wasm_bindgen_test]
async fn history_lists_every_attempt_of_an_item_and_marks_this_one() {
    let root = mount_report(2000).await;
    // A product (its SKU recurs): the row's History action.
    let row = all(&root, "tbody tr.sr-row")
        .into_iter()
        .find(|r| {
            r.text_content().unwrap().contains("Product")
                && r.query_selector(".sr-row-action").unwrap().is_some()
        })
        .expect("a product row");
    let action = q(&row, ".sr-row-action");
    let name = action.get_attribute("aria-label").unwrap();
    assert!(name.starts_with("History of "), "{name}");
    action.unchecked_into::<HtmlElement>().click();
    sleep(20).await;
    let dialog = q(&root, "dialog.sr-dialog[open]");
    // The dialog is named as its button was: "History of NetSuite product MUG-WHT-L".
    assert_eq!(
        dialog.get_attribute("aria-label").as_deref(),
        Some(name.as_str())
    );
    let rows = all(&dialog, "tbody tr");
    assert!(!rows.is_empty());
    let summary = q(&dialog, ".sr-history-note").text_content().unwrap();
    let n = rows.len();
    if n == 1 {
        assert_eq!(summary, "One attempt in the last 15 days.");
    } else {
        assert_eq!(
            summary,
            format!("{n} attempts in the last 15 days, newest first.")
        );
    }
    // Newest first, numbered from the oldest, the entry it was opened from marked.
    let first = q(&rows[0], "td").text_content().unwrap();
    assert_eq!(first, format!("{n} of {n}"));
    let current = all(&dialog, "tbody tr[aria-current='true']");
    assert_eq!(current.len(), 1);
    assert!(current[0].text_content().unwrap().contains("This entry"));
    let times = all(&dialog, "tbody tr td:nth-child(3)")
        .iter()
        .map(|t| t.text_content().unwrap())
        .collect::<Vec<_>>();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted);
    button(&dialog, "Close").click();
    settle().await;
    assert!(root
        .query_selector("dialog.sr-dialog[open]")
        .unwrap()
        .is_none());
    // From a failure's Error details: History takes the dialog's place.
    button(&root, "Error details").click();
    settle().await;
    button(&q(&root, "dialog.sr-dialog[open]"), "History").click();
    sleep(20).await;
    let open = all(&root, "dialog.sr-dialog[open]");
    assert_eq!(open.len(), 1);
    assert!(open[0]
        .get_attribute("aria-label")
        .unwrap()
        .starts_with("History of "));
    assert!(
        q(&open[0], "tbody tr[aria-current='true'] .sr-badge")
            .text_content()
            .unwrap()
            == "Failed"
    );
    button(&open[0], "Close").click();
}

#[wasm_bindgen_test]
async fn auto_refresh_counts_new_entries_and_brings_them_in_on_request() {
    use std::cell::Cell;
    use sync_report::app::{state::LiveSettings, Host};
    let clock = Rc::new(Cell::new(
        Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap(),
    ));
    let c = clock.clone();
    let source = Rc::new(DemoSource::with_clock(7, 300, Box::new(move || c.get())));
    let root = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let host = Host {
        live: LiveSettings {
            on: true,
            every_seconds: 5,
        },
        ..Host::default()
    };
    leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        view! { <App source=source.clone() host=host.clone()/> }
    })
    .forget();
    sleep(100).await;
    let switch: HtmlInputElement = q(&root, "input[role=switch]").unchecked_into();
    assert!(switch.checked(), "on, as the host asked");
    let first = |root: &Element| q(root, "tbody tr.sr-row").get_attribute("data-id").unwrap();
    let count = |root: &Element| leading_number(&q(root, ".sr-count").text_content().unwrap());
    let (top, before) = (first(&root), count(&root));
    // The first check, a second after it starts: nothing new yet.
    sleep(1_300).await;
    assert_eq!(
        q(&root, ".sr-live-label").get_attribute("title").as_deref(),
        Some("Checked at 12:00:00 UTC")
    );
    assert!(root.query_selector(".sr-new-count").unwrap().is_none());
    // Ten minutes on, the next check counts what arrived, without moving the rows.
    clock.set(clock.get() + chrono::Duration::minutes(10));
    sleep(5_200).await;
    let line = q(&root, ".sr-new-count").text_content().unwrap();
    let n = leading_number(&line);
    assert!(n > 0 && line.ends_with("new entries"), "{line}");
    assert_eq!((first(&root), count(&root)), (top.clone(), before));
    // "Show new entries" brings them in at the top.
    button(&root, "Show new entries").click();
    sleep(50).await;
    // (Ten minutes also moved "the last 5 days": a few of the oldest entries left it.)
    let after = count(&root);
    assert!(
        (before + n - 5..=before + n).contains(&after),
        "{before} + {n} → {after}"
    );
    assert!(first(&root).parse::<u64>().unwrap() > top.parse::<u64>().unwrap());
    assert!(root.query_selector(".sr-new-count").unwrap().is_none());
    // Changing the selection pauses it for a moment.
    q(&root, "tbody tr.sr-row input[type=checkbox]")
        .unchecked_into::<HtmlElement>()
        .click();
    sleep(1_100).await;
    assert_eq!(
        q(&root, ".sr-live-status").text_content().unwrap(),
        "Paused while you select"
    );
    // A dialog open pauses it, and it says so.
    button(&root, "Keyboard shortcuts").click();
    sleep(1_100).await;
    assert_eq!(
        q(&root, ".sr-live-status").text_content().unwrap(),
        "Paused while a dialog is open"
    );
    button(&q(&root, "dialog[open]"), "Close").click();
}

#[wasm_bindgen_test]
async fn range_over_15_days_is_capped_with_a_notice() {
    let root = mount_report(100).await;
    let days: HtmlInputElement = q(&root, "input[aria-label='Previous days']").unchecked_into();
    days.set_value("30");
    days.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    assert_eq!(days.value(), "15");
    assert!(q(&root, ".sr-notice")
        .text_content()
        .unwrap()
        .contains("at most 15 days"));
}

#[wasm_bindgen_test]
fn status_badge_shows_label_and_meaning() {
    let wrapper = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&wrapper).unwrap();
    leptos::mount::mount_to(
        wrapper.clone().unchecked_into(),
        || view! { <StatusBadge status=Status::parse("_Sent")/> },
    )
    .forget();
    let badge = q(&wrapper, "span");
    assert_eq!(badge.text_content().as_deref(), Some("Sent"));
    assert!(badge.class_list().contains("sr-badge--sent"));
    assert!(badge
        .get_attribute("title")
        .unwrap()
        .contains("confirms receipt"));
    let odd = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&odd).unwrap();
    leptos::mount::mount_to(
        odd.clone().unchecked_into(),
        || view! { <StatusBadge status=Status::parse("Queued")/> },
    )
    .forget();
    assert!(q(&odd, "span").class_list().contains("sr-badge--unknown"));
    assert_eq!(q(&odd, "span").text_content().as_deref(), Some("Queued"));
}

/// A source whose every request fails, counting the attempts.
struct FailingSource {
    calls: std::cell::Cell<u32>,
}

mod failing {
    use super::FailingSource;
    use sync_report::model::entry::{Entry, EntryId};
    use sync_report::model::query::{FilterField, Query};
    use sync_report::model::resync::ResyncOutcome;
    use sync_report::model::selection::Selection;
    use sync_report::source::{
        DataSource, ExportRows, FacetValues, LocalBoxFuture, Progress, SourceError, Window,
    };

    fn err() -> SourceError {
        SourceError::Server {
            status: 503,
            request_id: Some("req-42".into()),
            message: None,
        }
    }

    impl DataSource for FailingSource {
        fn describe(&self) -> String {
            "A failing test source".into()
        }
        fn fetch(
            &self,
            _: Query,
            _: usize,
            _: usize,
        ) -> LocalBoxFuture<'_, Result<Window, SourceError>> {
            self.calls.set(self.calls.get() + 1);
            Box::pin(async { Err(err()) })
        }
        fn summary(
            &self,
            _: sync_report::model::query::Query,
        ) -> LocalBoxFuture<'_, Result<sync_report::model::summary::Summary, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn facet_values(
            &self,
            _: &'static [FilterField],
            _: sync_report::model::query::Query,
        ) -> LocalBoxFuture<'_, Result<Vec<FacetValues>, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn history(
            &self,
            _: sync_report::model::query::Query,
        ) -> LocalBoxFuture<'_, Result<sync_report::model::history::History, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn changes(
            &self,
            _: sync_report::model::query::Query,
            _: chrono::DateTime<chrono::Utc>,
        ) -> LocalBoxFuture<'_, Result<sync_report::source::Changes, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn entries(&self, _: Vec<EntryId>) -> LocalBoxFuture<'_, Result<Vec<Entry>, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn selection_count(&self, _: &Selection) -> usize {
            0
        }
        fn selection_ids<'a>(
            &'a self,
            _: Selection,
            _: Box<dyn FnMut(Progress) + 'a>,
        ) -> LocalBoxFuture<'a, Result<Vec<EntryId>, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn in_selection_base(&self, _: &Selection, _: EntryId) -> bool {
            false
        }
        fn resync(
            &self,
            _: Vec<EntryId>,
        ) -> LocalBoxFuture<'_, Result<Vec<ResyncOutcome>, SourceError>> {
            Box::pin(async { Err(err()) })
        }
        fn export_rows<'a>(
            &'a self,
            _: Query,
            _: Option<Vec<EntryId>>,
        ) -> LocalBoxFuture<'a, Result<Box<dyn ExportRows + 'a>, SourceError>> {
            Box::pin(async { Err(err()) })
        }
    }
}

#[wasm_bindgen_test]
async fn a_failing_source_shows_the_error_with_a_retry() {
    let wrapper = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&wrapper).unwrap();
    let source = Rc::new(FailingSource {
        calls: std::cell::Cell::new(0),
    });
    let src = source.clone();
    leptos::mount::mount_to(
        wrapper.clone().unchecked_into(),
        move || view! { <App source=src.clone()/> },
    )
    .forget();
    settle().await;
    let alert = q(&wrapper, "[role=alert]").text_content().unwrap();
    assert!(
        alert.contains("could not be loaded")
            && alert.contains("HTTP 503")
            && alert.contains("req-42"),
        "{alert}"
    );
    assert!(
        wrapper.query_selector(".sr-banner").unwrap().is_none(),
        "no demo banner for a real source"
    );
    let before = source.calls.get();
    button(&wrapper, "Retry").click();
    settle().await;
    assert_eq!(source.calls.get(), before + 1);
}

#[wasm_bindgen_test]
async fn no_match_shows_the_empty_state() {
    let root = mount_report(100).await;
    let input: HtmlInputElement =
        q(&root, "input[aria-label='Search sync reports']").unchecked_into();
    input.set_value("no-such-reference-anywhere");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    sleep(400).await;
    assert_eq!(
        q(&root, ".sr-state--empty p").text_content().as_deref(),
        Some("No sync records found for the current filters")
    );
    button(&root, "Clear all filters").click();
    settle().await;
    assert!(root.query_selector(".sr-state--empty").unwrap().is_none());
    assert_eq!(input.value(), "");
}

#[wasm_bindgen_test]
async fn a_large_export_shows_progress_and_can_be_cancelled() {
    let root = mount_report(40_000).await;
    let days: HtmlInputElement = q(&root, "input[aria-label='Previous days']").unchecked_into();
    days.set_value("15");
    days.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    settle().await;
    button(&root, "Actions").click();
    settle().await;
    button(&root, "Download as CSV").click();
    settle().await;
    assert!(q(&root, "dialog[open]")
        .text_content()
        .unwrap()
        .contains("The file will hold 40,000 entries"));
    button(&root, "Download 40,000 entries").click();
    settle().await;
    // Between chunks the dialog shows progress and offers Cancel.
    let progress = q(&root, "dialog[open] progress");
    assert_eq!(progress.get_attribute("max").as_deref(), Some("40000"));
    button(&root, "Cancel download").click();
    sleep(300).await;
    let notice = q(&root, ".sr-notice").text_content().unwrap();
    assert!(
        notice.contains("Download cancelled after") && notice.contains("no file was saved"),
        "{notice}"
    );
    assert!(root.query_selector("dialog[open]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn scrolling_draws_the_rows_in_view_and_a_new_query_starts_at_the_top() {
    let root = mount_report(1000).await;
    let first_index = || {
        q(&root, "tbody tr.sr-row")
            .get_attribute("aria-rowindex")
            .unwrap()
            .parse::<usize>()
            .unwrap()
    };
    assert_eq!(first_index(), 2);
    let wrap: HtmlElement = q(&root, ".sr-table-wrap").unchecked_into();
    let row_px = q(&root, "tbody tr.sr-row")
        .get_bounding_client_rect()
        .height();
    wrap.set_scroll_top((row_px * 200.0) as i32);
    sleep(100).await;
    // Row 200 (of the 333 in the default range) is at the top edge; a few rows above it are
    // drawn too (the overscan).
    let first = first_index();
    assert!(
        (190..=201).contains(&first),
        "first drawn row {first}; row {row_px} px, scrolled {} of {} in {}",
        wrap.scroll_top(),
        wrap.scroll_height(),
        wrap.client_height()
    );
    assert!(all(&root, "tbody tr.sr-row").len() <= 60);
    assert!(root
        .query_selector(".sr-row--placeholder")
        .unwrap()
        .is_none());
    // A new query shows its result from the first row.
    click(&root, "th.sr-col-status .sr-sort-btn");
    sleep(50).await;
    assert_eq!(wrap.scroll_top(), 0);
    assert_eq!(first_index(), 2);
}

#[wasm_bindgen_test]
async fn a_panic_leaves_a_panel_that_says_how_to_recover() {
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let options = js_sys::JSON::parse(r#"{"demoSize": 50}"#).unwrap();
    let handle = sync_report::embed::mount(host.clone(), options).unwrap();
    sleep(50).await;
    assert!(host.query_selector("table").unwrap().is_some());
    // What the panic hook does once the app cannot run any more.
    sync_report::embed::show_panic_panel("index out of bounds <b>x</b> at src/app/x.rs:1");
    let panel = q(&host, ".sr-root .sr-panic[role='alert']");
    let text = panel.text_content().unwrap();
    assert!(text.contains("stopped after an internal error"), "{text}");
    assert!(
        text.contains("<b>x</b>"),
        "the message is text, not markup: {text}"
    );
    assert!(panel.query_selector("b").unwrap().is_none());
    assert_eq!(q(&panel, "a").text_content().unwrap(), "Reload");
    assert!(host.query_selector("table").unwrap().is_none());
    // An unmounted report is not a target any more.
    handle.unmount();
    sync_report::embed::show_panic_panel("again");
    assert_eq!(host.child_nodes().length(), 0);
}

#[wasm_bindgen_test]
fn mount_refuses_unknown_options_by_name() {
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    let options = js_sys::JSON::parse(r#"{"colour": "red"}"#).unwrap();
    let err = match sync_report::embed::mount(host.clone(), options) {
        Err(e) => JsValue::from(e),
        Ok(_) => panic!("mounted with an unknown option"),
    };
    let msg = js_sys::Reflect::get(&err, &"message".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert!(msg.contains("colour"), "{msg}");
    assert_eq!(host.child_nodes().length(), 0);
}

#[wasm_bindgen_test]
async fn a_dropped_handle_leaves_the_report_mounted() {
    // A host that ignores what mount() returns (or whose handle is garbage-collected) keeps
    // its report: only unmount() removes it.
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    let options = js_sys::JSON::parse(r#"{"demoSize": 50}"#).unwrap();
    drop(sync_report::embed::mount(host.clone(), options).unwrap());
    sleep(50).await;
    assert!(host.query_selector("table tbody tr").unwrap().is_some());
}

/// The demo's data behind a backend with the core endpoints only: the summary and the facets
/// are "not offered" (`SourceError::NotOffered`), the filters get the values seen so far.
/// `.1`: the next item history request fails once (the network dropped), as a flaky backend's.
struct CoreOnlySource(Rc<DemoSource>, std::cell::Cell<bool>);

mod core_only {
    use super::CoreOnlySource;
    use sync_report::model::entry::{Entry, EntryId};
    use sync_report::model::query::{FilterField, Query};
    use sync_report::model::resync::ResyncOutcome;
    use sync_report::model::selection::Selection;
    use sync_report::source::{
        DataSource, ExportRows, FacetValues, LocalBoxFuture, Optional, Progress, SourceError,
        Window,
    };

    impl DataSource for CoreOnlySource {
        fn describe(&self) -> String {
            "A core-only test source".into()
        }
        fn fetch(
            &self,
            q: Query,
            offset: usize,
            len: usize,
        ) -> LocalBoxFuture<'_, Result<Window, SourceError>> {
            self.0.fetch(q, offset, len)
        }
        fn summary(
            &self,
            _: Query,
        ) -> LocalBoxFuture<'_, Result<sync_report::model::summary::Summary, SourceError>> {
            Box::pin(async { Err(SourceError::NotOffered(Optional::Summary)) })
        }
        fn facet_values(
            &self,
            fields: &'static [FilterField],
            q: Query,
        ) -> LocalBoxFuture<'_, Result<Vec<FacetValues>, SourceError>> {
            // A backend listing values without counting them.
            Box::pin(async move {
                let mut lists = self.0.facet_values(fields, q).await?;
                for (v, &f) in lists.iter_mut().zip(fields) {
                    v.values.truncate(2);
                    for x in &mut v.values {
                        x.count = None;
                    }
                    v.seen_only = f != FilterField::Status;
                }
                Ok(lists)
            })
        }
        fn history(
            &self,
            q: Query,
        ) -> LocalBoxFuture<'_, Result<sync_report::model::history::History, SourceError>> {
            if self.1.replace(false) {
                return Box::pin(async { Err(SourceError::Offline) });
            }
            self.0.history(q)
        }
        fn changes(
            &self,
            _: Query,
            _: chrono::DateTime<chrono::Utc>,
        ) -> LocalBoxFuture<'_, Result<sync_report::source::Changes, SourceError>> {
            Box::pin(async { Err(SourceError::NotOffered(Optional::Changes)) })
        }
        fn entries(
            &self,
            ids: Vec<EntryId>,
        ) -> LocalBoxFuture<'_, Result<Vec<Entry>, SourceError>> {
            self.0.entries(ids)
        }
        fn selection_count(&self, s: &Selection) -> usize {
            self.0.selection_count(s)
        }
        fn selection_ids<'a>(
            &'a self,
            s: Selection,
            p: Box<dyn FnMut(Progress) + 'a>,
        ) -> LocalBoxFuture<'a, Result<Vec<EntryId>, SourceError>> {
            self.0.selection_ids(s, p)
        }
        fn in_selection_base(&self, s: &Selection, id: EntryId) -> bool {
            self.0.in_selection_base(s, id)
        }
        fn resync(
            &self,
            ids: Vec<EntryId>,
        ) -> LocalBoxFuture<'_, Result<Vec<ResyncOutcome>, SourceError>> {
            self.0.resync(ids)
        }
        fn export_rows<'a>(
            &'a self,
            q: Query,
            ids: Option<Vec<EntryId>>,
        ) -> LocalBoxFuture<'a, Result<Box<dyn ExportRows + 'a>, SourceError>> {
            self.0.export_rows(q, ids)
        }
    }
}

#[wasm_bindgen_test]
async fn a_backend_without_the_summary_and_facets_says_so_and_shows_no_error() {
    let wrapper = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&wrapper).unwrap();
    let source = Rc::new(CoreOnlySource(pinned_source(500), Default::default()));
    let fails = Rc::clone(&source);
    let source_fails_next_history = &fails.1;
    leptos::mount::mount_to(
        wrapper.clone().unchecked_into(),
        move || view! { <App source=source.clone()/> },
    )
    .forget();
    settle().await;
    assert!(wrapper.query_selector("tbody tr.sr-row").unwrap().is_some());
    assert_eq!(
        q(&wrapper, ".sr-strip-note").text_content().as_deref(),
        Some("This report server does not provide summary counts or failure groups.")
    );
    for gone in [".sr-groups", ".sr-chart", "[role=alert]"] {
        assert!(wrapper.query_selector(gone).unwrap().is_none(), "{gone}");
    }
    // The stuck filter stays, without a count.
    let stuck = q(&wrapper, ".sr-count-btn--stuck");
    assert!(stuck.query_selector(".sr-count-num").unwrap().is_none());
    // A filter of seen values says so; the statuses do not need to.
    button(&wrapper, "Filter Company Group").click();
    settle().await;
    let note = q(&wrapper, ".sr-filter-note").text_content().unwrap();
    assert!(note.contains("loaded so far"), "{note}");
    // A backend without counts: the values alone.
    assert!(wrapper.query_selector(".sr-facet-count").unwrap().is_none());
    assert!(!all(&wrapper, ".sr-popover .sr-facet-value").is_empty());
    button(&wrapper, "Filter Company Group").click();
    button(&wrapper, "Filter Status").click();
    settle().await;
    assert!(wrapper.query_selector(".sr-filter-note").unwrap().is_none());
    assert!(wrapper.query_selector(".sr-notice").unwrap().is_none());
    button(&wrapper, "Filter Status").click();
    settle().await;
    // A history request that fails says so in the dialog and can be tried again.
    source_fails_next_history.set(true);
    q(&wrapper, "tbody tr.sr-row .sr-row-action")
        .unchecked_into::<HtmlElement>()
        .click();
    sleep(20).await;
    let dialog = q(&wrapper, "dialog.sr-dialog[open]");
    let alert = q(&dialog, "[role=alert]").text_content().unwrap();
    assert!(alert.starts_with("Could not load the history: "), "{alert}");
    button(&dialog, "Try again").click();
    sleep(20).await;
    assert!(dialog.query_selector("[role=alert]").unwrap().is_none());
    assert!(!all(&dialog, "tbody tr").is_empty());
    button(&dialog, "Close").click();
}
