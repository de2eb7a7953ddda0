//! Above the table: "1,204 of 48,311 entries", "Clear all filters", the entries that could
//! not be read, and the company groups that did not answer.

use leptos::prelude::*;

use super::state::Load;
use super::Report;
use crate::format::{entries as n_entries, thousands};
use crate::model::query::View;

/// "1,204 of 48,311 entries", clear-all, and what could not be read.
#[component]
pub fn ResultCount() -> impl IntoView {
    let report = expect_context::<Report>();
    let has_filters = move || report.view.with(|v| v.query.has_filters());
    view! {
        <div class="sr-summary">
            <p class="sr-count" aria-live="polite">
                {move || report.load.with(|l| match l {
                    Load::Ready(w) if w.total == w.in_range => n_entries(w.total),
                    Load::Ready(w) => format!("{} of {}", thousands(w.total), n_entries(w.in_range)),
                    Load::Loading => "Loading…".to_string(),
                    Load::Failed(_) => String::new(),
                })}
            </p>
            <Show when=move || report.busy.get()>
                <span class="sr-spinner" aria-hidden="true"></span>
            </Show>
            // On the count's line: appearing, it moves no row.
            <super::live_control::NewEntries/>
            <Show when=has_filters>
                <button class="sr-btn sr-btn--quiet" type="button"
                    on:click=move |_| report.update_view(|v| *v = View { toggles: v.toggles, ..View::default() })>
                    "Clear all filters"
                </button>
            </Show>
            {move || report.load.with(|l| match l {
                Load::Ready(w) if !w.rejected.is_empty() => Some(view! {
                    <details class="sr-rejected">
                        <summary>{format!("{} could not be read and {} not shown", n_entries(w.rejected.len()), if w.rejected.len() == 1 { "is" } else { "are" })}</summary>
                        <ul>{w.rejected.iter().map(|r| view! { <li>{r.to_string()}</li> }).collect_view()}</ul>
                    </details>
                }),
                _ => None,
            })}
            {move || report.load.with(|l| match l {
                Load::Ready(w) if !w.unavailable.is_empty() => Some(view! {
                    <div class="sr-unavailable" role="status">
                        <p>{format!("{} did not answer, so {} entries are missing:", if w.unavailable.len() == 1 { "One company group".to_string() } else { format!("{} company groups", w.unavailable.len()) }, if w.unavailable.len() == 1 { "its" } else { "their" })}</p>
                        <ul>{w.unavailable.iter().map(|p| view! { <li><strong>{p.integration_name.clone()}</strong>": "{p.message.clone()}</li> }).collect_view()}</ul>
                    </div>
                }),
                _ => None,
            })}
        </div>
    }
}
