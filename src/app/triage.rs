//! Keyboard triage inside the report: j/k move between rows, x selects, r resyncs (through the
//! confirmation), e opens error details, / focuses the search, ? lists the shortcuts. Only while
//! focus is inside the report and not in a text field, a menu or a dialog; never with Ctrl, Alt
//! or Meta. The row under the cursor takes focus (screen readers read it); what a key did is
//! also said in a polite live region.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dialogs::Modal;
use super::Report;
use crate::format::thousands;
use crate::model::entry::EntryId;

/// The shortcuts, as the dialog lists them.
pub const SHORTCUTS: [(&str, &str); 6] = [
    ("j", "Next row"),
    ("k", "Previous row"),
    ("x", "Select or unselect the row"),
    ("r", "Resync the selection (or the row), after confirming"),
    ("e", "Error details of the row"),
    ("/", "Search"),
];

fn in_text_field_or_overlay(target: &web_sys::Element) -> bool {
    target
        .closest(
            "input:not([type=checkbox]):not([type=radio]), select, textarea, [contenteditable], \
             dialog, [role=menu], .sr-popover",
        )
        .ok()
        .flatten()
        .is_some()
}

/// Moves the cursor to `id` and focuses its row.
fn focus_row(report: Report, root: NodeRef<leptos::html::Div>, id: EntryId) {
    report.active.set(Some(id));
    if let Some(root) = root.get_untracked() {
        if let Ok(Some(row)) = root.query_selector(&format!("tr.sr-row[data-id='{id}']")) {
            if let Ok(row) = row.dyn_into::<web_sys::HtmlElement>() {
                let _ = row.focus();
            }
        }
    }
}

pub fn on_key(report: Report, ev: leptos::ev::KeyboardEvent, root: NodeRef<leptos::html::Div>) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
        return;
    }
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    if in_text_field_or_overlay(&target) {
        return;
    }
    let rows = report.rows.get_untracked();
    let active = report.active.get_untracked();
    let pos = active.and_then(|a| rows.iter().position(|e| e.id == a));
    let current = pos.map(|i| rows[i].clone());
    match ev.key().as_str() {
        "j" | "k" => {
            if rows.is_empty() {
                return;
            }
            let next = match (pos, ev.key().as_str()) {
                (None, _) => 0,
                (Some(i), "j") => (i + 1).min(rows.len() - 1),
                (Some(i), _) => i.saturating_sub(1),
            };
            if Some(next) == pos {
                report.announcement.set(if next == 0 {
                    "First row of this page".into()
                } else {
                    "Last row of this page".into()
                });
            }
            focus_row(report, root, rows[next].id);
        }
        "x" => {
            let Some(e) = current else { return };
            let on = !report.is_selected(e.id);
            report.set_selected(&[e.id], on);
            report.announcement.set(format!(
                "{} {}; {} selected",
                e.display_name(),
                if on { "selected" } else { "unselected" },
                thousands(report.selection_count())
            ));
        }
        "r" => {
            if report.selection_count() == 0 {
                let Some(e) = current else {
                    report
                        .announcement
                        .set("Select entries (x) or move to a row (j) first".into());
                    return;
                };
                report.set_selected(&[e.id], true);
            }
            report.resync_request.update(|n| *n += 1);
        }
        "e" => {
            let Some(e) = current else { return };
            if e.message.is_some() || e.error.is_some() {
                report.details.set(Some(e));
            } else {
                report
                    .announcement
                    .set(format!("{} has no error", e.display_name()));
            }
        }
        "/" => {
            if let Some(root) = root.get_untracked() {
                if let Ok(Some(input)) = root.query_selector("input[type=search]") {
                    if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                        let _ = input.focus();
                    }
                }
            }
        }
        "?" => report.shortcuts_open.set(true),
        _ => return,
    }
    ev.prevent_default();
}

/// The list of shortcuts (`?`, or the "Keyboard shortcuts" button).
#[component]
pub fn Shortcuts() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = Signal::derive(move || report.shortcuts_open.get());
    view! {
        <Modal open=open on_close=move |_| report.shortcuts_open.set(false) label="Keyboard shortcuts">
            <h2 class="sr-dialog-title">"Keyboard shortcuts"</h2>
            <p>"While the focus is in the report, outside text fields:"</p>
            <dl class="sr-shortcuts">
                {SHORTCUTS.iter().map(|(k, what)| view! {
                    <div class="sr-shortcut"><dt><kbd>{*k}</kbd></dt><dd>{*what}</dd></div>
                }).collect_view()}
                <div class="sr-shortcut"><dt><kbd>"?"</kbd></dt><dd>"This list"</dd></div>
            </dl>
            <div class="sr-dialog-actions">
                <button class="sr-btn" type="button" on:click=move |_| report.shortcuts_open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}
