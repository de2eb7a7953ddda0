//! The header checkbox: selects or unselects the rows in view, and shows whether none, some or
//! all of them are selected.

use leptos::prelude::*;

use super::Report;
use crate::model::entry::Entry;
use crate::model::selection::Tristate;

#[component]
pub fn SelectAll(rows: Memo<Vec<Entry>>) -> impl IntoView {
    let report = expect_context::<Report>();
    let state = move || {
        let ids: Vec<_> = rows.with(|r| r.iter().map(|e| e.id).collect());
        report.selection.tristate(&ids)
    };
    view! {
        <input type="checkbox" aria-label="Select all"
            prop:checked=move || state() == Tristate::All && !rows.with(Vec::is_empty)
            prop:indeterminate=move || state() == Tristate::Some
            disabled=move || rows.with(Vec::is_empty)
            on:change=move |_| {
                let ids: Vec<_> = rows.with_untracked(|r| r.iter().map(|e| e.id).collect());
                let all = state() == Tristate::All;
                report.selection.set(&ids, !all);
            } />
    }
}
