//! What the table is showing (loading, empty, failed or rows) and the message under it for the
//! first three.

use leptos::prelude::*;

use super::state::Load;
use super::Report;
use crate::model::query::View;

/// The table's state, from what was loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableState {
    Loading,
    /// Loaded: nothing matches.
    Empty,
    Failed,
    Ready,
}

impl TableState {
    pub fn of(load: &Load) -> Self {
        match load {
            Load::Loading => TableState::Loading,
            Load::Failed(_) => TableState::Failed,
            Load::Ready(w) if w.total == 0 => TableState::Empty,
            Load::Ready(_) => TableState::Ready,
        }
    }

    /// The table's `data-state` (the style sheet and the tests read it).
    pub fn key(self) -> &'static str {
        match self {
            TableState::Loading => "loading",
            TableState::Empty => "empty",
            TableState::Failed => "error",
            TableState::Ready => "ready",
        }
    }
}

/// "Loading sync report…", "No sync records found" with "Clear all filters", or what went
/// wrong with "Retry".
#[component]
pub fn TableMessage(state: Memo<TableState>) -> impl IntoView {
    let report = expect_context::<Report>();
    move || {
        match state.get() {
        TableState::Loading => {
            view! { <p class="sr-state" role="status">"Loading sync report…"</p> }.into_any()
        }
        TableState::Empty => view! {
            <div class="sr-state sr-state--empty">
                <p>"No sync records found for the current filters"</p>
                <button class="sr-btn" type="button"
                    on:click=move |_| report.update_view(|v| *v = View { toggles: v.toggles, ..View::default() })>
                    "Clear all filters"
                </button>
            </div>
        }
        .into_any(),
        TableState::Failed => {
            let msg = report.load.with(|l| match l {
                Load::Failed(e) => e.to_string(),
                _ => String::new(),
            });
            view! {
                <div class="sr-state sr-state--error" role="alert">
                    <p><strong>"The sync report could not be loaded. "</strong>{msg}</p>
                    <button class="sr-btn" type="button" on:click=move |_| report.reload()>"Retry"</button>
                </div>
            }
            .into_any()
        }
        TableState::Ready => ().into_any(),
    }
    }
}
