//! Keyboard triage inside the report: j/k move between rows, x selects, r resyncs (through the
//! confirmation), e opens error details, h the item's history, / focuses the search, ? lists the shortcuts. Only while
//! focus is inside the report and not in a text field, a menu or a dialog; never with Ctrl, Alt
//! or Meta. The row under the cursor takes focus (screen readers read it); what a key did is
//! also said in a polite live region.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Report;
use crate::format::thousands;
use crate::model::entry::EntryId;

/// The shortcuts, as the dialog lists them.
pub const SHORTCUTS: [(&str, &str); 7] = [
    ("j", "Next row"),
    ("k", "Previous row"),
    ("x", "Select or unselect the row"),
    ("r", "Resync the selection (or the row), after confirming"),
    ("e", "Error details of the row"),
    ("h", "History of the row's item: every attempt"),
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

/// Focuses the row of `id`; false when it is not drawn.
fn focus_row(root: NodeRef<leptos::html::Div>, id: EntryId) -> bool {
    let row = root
        .get_untracked()
        .and_then(|root| {
            root.query_selector(&format!("tr.sr-row[data-id='{id}']"))
                .ok()
                .flatten()
        })
        .and_then(|row| row.dyn_into::<web_sys::HtmlElement>().ok());
    row.is_some_and(|row| row.focus().is_ok())
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
    let total = report.total();
    let active = report.active.get_untracked();
    let drawn = report.drawn.get_untracked();
    let pos = active.and_then(|a| {
        report
            .cache
            .with_untracked(|c| c.index_of(a, drawn.clone()))
    });
    let current = pos.and_then(|i| report.cache.with_untracked(|c| c.get(i).cloned()));
    match ev.key().as_str() {
        "j" | "k" => {
            if total == 0 {
                return;
            }
            let next = match (pos, ev.key().as_str()) {
                (None, _) => report.visible.get_untracked().start.min(total - 1),
                (Some(i), "j") => (i + 1).min(total - 1),
                (Some(i), _) => i.saturating_sub(1),
            };
            if Some(next) == pos {
                report.announcement.set(if next == 0 {
                    "First row".into()
                } else {
                    "Last row".into()
                });
            }
            report.reveal(next);
            match report.cache.with_untracked(|c| c.get(next).map(|e| e.id)) {
                Some(id) => {
                    report.active.set(Some(id));
                    // A row beyond the drawn ones is drawn once the scroll has been applied.
                    if !focus_row(root, id) {
                        request_animation_frame(move || {
                            focus_row(root, id);
                        });
                    }
                }
                None => report
                    .announcement
                    .set(format!("Row {} is still loading", thousands(next + 1))),
            }
        }
        "x" => {
            let Some(e) = current else { return };
            let on = !report.selection.contains(e.id);
            report.selection.set(&[e.id], on);
            report.announcement.set(format!(
                "{} {}; {} selected",
                e.display_name(),
                if on { "selected" } else { "unselected" },
                thousands(report.selection.count())
            ));
        }
        "r" => {
            if report.selection.count() == 0 {
                let Some(e) = current else {
                    report
                        .announcement
                        .set("Select entries (x) or move to a row (j) first".into());
                    return;
                };
                report.selection.set(&[e.id], true);
            }
            report.resync.open(report);
        }
        "e" => {
            let Some(e) = current else { return };
            if e.message().is_some() || e.error().is_some() {
                report.details.set(Some(e));
            } else {
                report
                    .announcement
                    .set(format!("{} has no error", e.display_name()));
            }
        }
        "h" => {
            let Some(e) = current else { return };
            if super::state::ItemHistory::offered(&e) {
                report.history.open(report, e);
            } else {
                report
                    .announcement
                    .set(format!("{} has no reference to follow", e.display_name()));
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
