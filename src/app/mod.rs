//! The Leptos view: thin components over the model, one per file, over the state in
//! [`state`] (one small type per feature).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::config::{MountOptions, Theme};
use crate::model::query::View;
use crate::source::DataSource;

pub mod actions_menu;
pub mod additional_filters;
pub mod error_details;
pub mod export_dialog;
pub mod failure_groups;
pub mod header_cell;
pub mod header_filter;
pub mod history_dialog;
pub mod host_event;
pub mod listing_progress;
pub mod live_control;
pub mod modal;
pub mod notices;
pub mod placeholder_row;
pub mod range_control;
pub mod report_table;
pub mod result_count;
pub mod resync_dialog;
pub mod row_line;
pub mod saved_views;
pub mod search_box;
pub mod select_all;
pub mod selection_bar;
pub mod shortcuts_dialog;
pub mod state;
pub mod status_badge;
pub mod status_legend;
pub mod summary_strip;
pub mod table_row;
pub mod table_state;
pub mod triage;

pub use state::Report;

const TOGGLES_KEY: &str = "sync-report.toggles";

/// This browser's localStorage, if the page may use it.
pub(crate) fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Reads the remembered "Additional filters" toggles.
fn stored_toggles(key: &str) -> Option<crate::model::Toggles> {
    let raw = storage()?.get_item(key).ok().flatten()?;
    let (sync, fields) = raw.split_once(',')?;
    Some(crate::model::Toggles {
        sync_data: sync == "1",
        additional_fields: fields == "1",
    })
}

fn store_toggles(key: &str, t: crate::model::Toggles) {
    if let Some(s) = storage() {
        let _ = s.set_item(
            key,
            &format!("{},{}", t.sync_data as u8, t.additional_fields as u8),
        );
    }
}

/// Where a roving Tab stop (a toolbar, a list that is one Tab stop) moves for `key` from item
/// `i` of `n`: the arrow keys step, Home and End jump; None for any other key.
pub(crate) fn roving_target(key: &str, i: usize, n: usize) -> Option<usize> {
    let last = n.checked_sub(1)?;
    let i = i.min(last);
    match key {
        "ArrowDown" | "ArrowRight" => Some((i + 1).min(last)),
        "ArrowUp" | "ArrowLeft" => Some(i.saturating_sub(1)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// A yes/no choice remembered in this browser (localStorage), such as an open panel.
pub(crate) fn stored_flag(key: &str) -> Option<bool> {
    match storage()?.get_item(key).ok().flatten()?.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

pub(crate) fn store_flag(key: &str, on: bool) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, if on { "1" } else { "0" });
    }
}

fn location_search() -> String {
    window().location().search().unwrap_or_default()
}

/// What the page around a report gives it: `embed.rs` builds it from the mount options and the
/// element; a bare `<App source/>` (the component tests) has none of it.
#[derive(Clone, Default)]
pub struct Host {
    /// Read here: `url_prefix` (Some mirrors the view in the page URL under keys with that
    /// prefix; the standalone page uses "") and `filters` (the first view, as a shared link's
    /// query string, when the URL holds none). The other keys chose the source.
    pub options: MountOptions,
    /// Light, dark or the browser's choice, live (`handle.update` changes it).
    pub theme: Option<Signal<Theme>>,
    /// Where `sync-report:*` events are dispatched (the mount element).
    pub events: Option<web_sys::EventTarget>,
    /// Tells apart several reports on one page (remembered toggles): the element's id.
    pub instance: Option<String>,
    /// Receives the report's state, for a host's handle to drive it.
    pub expose: Option<Rc<RefCell<Option<Report>>>>,
    /// Auto-refresh: whether it starts on, and how often it asks.
    pub live: state::LiveSettings,
}

/// The whole report.
#[component]
pub fn App(source: Rc<dyn DataSource>, #[prop(optional)] host: Host) -> impl IntoView {
    let Host {
        options:
            MountOptions {
                url_prefix,
                filters: initial,
                ..
            },
        theme,
        events,
        instance,
        expose,
        live,
    } = host;
    let url_view = url_prefix
        .as_ref()
        .map(|p| View::from_url_query(&location_search(), p))
        .filter(|(v, ignored)| *v != View::default() || !ignored.is_empty());
    let (mut view, ignored) = match (url_view, &initial) {
        (Some(from_url), _) => from_url,
        (None, Some(q)) => View::from_url_query(q, ""),
        (None, None) => (View::default(), Vec::new()),
    };
    let storage_suffix = match &instance {
        Some(i) if !i.is_empty() => format!(".{i}"),
        _ => String::new(),
    };
    let toggles_key = format!("{TOGGLES_KEY}{storage_suffix}");
    // A link that sets the toggles wins over the remembered choice.
    let url_has_toggles = url_prefix.as_ref().is_some_and(|p| {
        let s = location_search();
        form_urlencoded::parse(s.trim_start_matches('?').as_bytes()).any(|(k, _)| {
            k.strip_prefix(p.as_str())
                .is_some_and(|k| k == "sync_data" || k == "fields")
        })
    });
    if !url_has_toggles {
        if let Some(t) = stored_toggles(&toggles_key) {
            view.toggles = t;
        }
    }
    let describe = source.describe();
    let banner = source.banner();
    let fill_delay = source.scroll_fetch_delay_ms();
    let report = Report::new(source, view, url_prefix);
    report.set_host(events);
    report.storage_suffix.set_value(storage_suffix);
    if let Some(e) = &expose {
        *e.borrow_mut() = Some(report);
    }
    provide_context(report);
    // Before the components below are built: the first requests go out meanwhile.
    report.start();
    crate::perf::mark("view-start");
    let theme = theme.unwrap_or_else(|| Signal::stored(Theme::Auto));

    // Tell the host when the selection changes.
    Effect::new(move |prev: Option<(usize, bool)>| {
        report.selection.track();
        let now = (report.selection.count(), report.selection.is_all_matching());
        if prev.is_some_and(|p| p != now) {
            report.emit(host_event::HostEvent::SelectionChange {
                count: now.0,
                all_matching: now.1,
            });
        }
        now
    });
    for i in ignored {
        report
            .notices
            .notify(format!("Ignored part of the link: {i}"));
    }

    // Load whenever the query or the data changes (the first load is started above).
    Effect::new(move |first: Option<()>| {
        report.view.with(|v| v.query.clone());
        report.data_version.track();
        if first.is_some() {
            report.reload();
        }
    });
    // Fetch the blocks the drawn rows need as the user scrolls. A remote source waits for the
    // scrolling to pause; the demo answers at once.
    Effect::new(move |_| {
        report.drawn.track();
        report.cache.track();
        report.schedule_fill(fill_delay);
    });
    // The summary strip: whenever the query or the data changes (not the page; the first is
    // started above).
    Effect::new(move |first: Option<()>| {
        report.view.with(|v| v.query.clone());
        report.data_version.track();
        if first.is_some() {
            report.reload_summary();
        }
    });

    // Mirror the view in the URL (a history entry per change) and remember the toggles.
    Effect::new(move |prev: Option<View>| {
        let v = report.view.get();
        store_toggles(&toggles_key, v.toggles);
        if let Some(prefix) = report.url_prefix.get_value() {
            if prev.as_ref() != Some(&v) {
                write_url(&v, &prefix, prev.is_some());
            }
        }
        v
    });

    // Back and forward restore the view from the URL.
    let _ =
        leptos_use_event_listener::use_event_listener(window(), leptos::ev::popstate, move |_| {
            if let Some(prefix) = report.url_prefix.get_value() {
                let (v, _) = View::from_url_query(&location_search(), &prefix);
                if v != report.view.get_untracked() {
                    report.update_view(|cur| *cur = v);
                }
            }
        });

    if live.on {
        report.live.set(report, true, live.every_seconds);
    }
    // A backend does not push changes: while resynced entries are unsettled, refresh.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            report.resync.follow(report);
        },
        std::time::Duration::from_millis(1500),
    ) {
        on_cleanup(move || handle.clear());
    }
    // A source that changes by itself (the demo's simulated backend settles resyncs and
    // confirmations over time) says so when polled.
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if report.source().poll() {
                report.data_changed();
            }
        },
        std::time::Duration::from_millis(500),
    ) {
        on_cleanup(move || handle.clear());
    }

    let root = NodeRef::<leptos::html::Div>::new();
    view! {
        // `data-loading` until the first answer: only the loading message shows below the
        // toolbar, so the strip, the failure groups and the table then appear in one paint
        // instead of pushing a table header already drawn down the page (style/report.css).
        <div class="sr-root" data-theme=move || theme.get().key() node_ref=root
            data-loading=move || report.load.with(|l| matches!(l, state::Load::Loading)).then_some("")
            on:keydown=move |ev| triage::on_key(report, ev, root)>
            // WCAG 2.4.1: the first Tab stop, shown when focused, jumps past the toolbar and
            // the panels to the table. A click handler, not a #fragment: the URL (a host's,
            // when embedded) stays as it is.
            <a class="sr-skip" href="#" on:click=move |ev| {
                ev.prevent_default();
                report.focus_table();
            }>"Skip to the table"</a>
            <header class="sr-header">
                <h1 class="sr-title">"Sync report"</h1>
                <p class="sr-source">{describe}</p>
                <button class="sr-btn sr-btn--quiet sr-shortcuts-btn" type="button" aria-keyshortcuts="?"
                    on:click=move |_| report.shortcuts_open.set(true)>
                    "Keyboard shortcuts"
                </button>
            </header>
            {banner.map(|text| view! { <p class="sr-banner" role="note">{text}</p> })}
            <notices::Notices/>
            <div class="sr-toolbar">
                <search_box::SearchBox/>
                <range_control::RangeControl/>
                <div class="sr-toolbar-end">
                    <live_control::AutoRefresh every_seconds=live.every_seconds/>
                    <saved_views::SavedViewsMenu/>
                    <additional_filters::AdditionalFilters/>
                    <actions_menu::ActionsMenu/>
                </div>
            </div>
            <summary_strip::SummaryStrip/>
            <failure_groups::FailureGroups/>
            <result_count::ResultCount/>
            <selection_bar::SelectionBar/>
            <report_table::ReportTable/>
            <status_legend::Legend/>
            <error_details::ErrorDetails/>
            <history_dialog::HistoryDialog/>
            <export_dialog::ExportDialog/>
            <resync_dialog::ResyncDialog/>
            <shortcuts_dialog::Shortcuts/>
            <p class="sr-visually-hidden" role="status" aria-live="polite">{move || report.announcement.get()}</p>
        </div>
    }
}

/// Closes a menu or popover and gives focus back to the button that opened it, as a menu
/// button should: keyboard users land where they were.
pub(crate) fn close_popover(open: RwSignal<bool>, button: NodeRef<leptos::html::Button>) {
    open.set(false);
    if let Some(b) = button.get_untracked() {
        let _ = b.focus();
    }
}

/// Writes the view into the URL, keeping the host's own parameters.
fn write_url(v: &View, prefix: &str, push: bool) {
    let loc = window().location();
    let current = location_search();
    // With a prefix the other keys belong to the host page and are kept; without one, the
    // whole query string is ours.
    let foreign: Vec<(String, String)> = if prefix.is_empty() {
        Vec::new()
    } else {
        form_urlencoded::parse(current.trim_start_matches('?').as_bytes())
            .filter(|(k, _)| !k.starts_with(prefix))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    };
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, val) in &foreign {
        ser.append_pair(k, val);
    }
    let ours = v.to_url_query(prefix);
    let mut qs = ser.finish();
    if !ours.is_empty() {
        if !qs.is_empty() {
            qs.push('&');
        }
        qs.push_str(&ours);
    }
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let url = if qs.is_empty() {
        format!("{path}{hash}")
    } else {
        format!("{path}?{qs}{hash}")
    };
    if format!("?{qs}") == current || (qs.is_empty() && current.is_empty()) {
        return;
    }
    if let Ok(h) = window().history() {
        let _ = if push {
            h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        } else {
            h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        };
    }
}

#[cfg(test)]
mod tests {
    use super::roving_target;

    #[test]
    fn roving_stops_move_by_arrows_and_jump_by_home_and_end() {
        assert_eq!(roving_target("ArrowDown", 0, 3), Some(1));
        assert_eq!(
            roving_target("ArrowRight", 2, 3),
            Some(2),
            "stays at the last"
        );
        assert_eq!(
            roving_target("ArrowUp", 0, 3),
            Some(0),
            "stays at the first"
        );
        assert_eq!(roving_target("ArrowLeft", 2, 3), Some(1));
        assert_eq!(roving_target("Home", 2, 3), Some(0));
        assert_eq!(roving_target("End", 0, 3), Some(2));
        assert_eq!(
            roving_target("ArrowDown", 9, 3),
            Some(2),
            "a stale index is clamped"
        );
        assert_eq!(roving_target("Enter", 1, 3), None);
        assert_eq!(roving_target("ArrowDown", 0, 0), None, "nothing to move to");
    }
}
