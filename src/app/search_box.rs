//! The search box and its scope: results as you type, debounced.

use leptos::prelude::*;

use super::Report;
use crate::model::query::SearchScope;

/// How long typing must pause before the search runs.
const DEBOUNCE_MS: f64 = 200.0;

#[component]
pub fn SearchBox() -> impl IntoView {
    let report = expect_context::<Report>();
    let text = RwSignal::new(report.view.get_untracked().query.search.term);
    // Back/forward or "clear all filters" change the term from outside: follow it, but only
    // when the term itself changed, so other view changes never wipe what is being typed.
    Effect::new(move |prev: Option<String>| {
        let term = report.view.with(|v| v.query.search.term.clone());
        if prev.is_some_and(|p| p != term) && text.get_untracked() != term {
            text.set(term.clone());
        }
        term
    });
    let apply = move || {
        let t = text.get_untracked();
        if report.view.with_untracked(|v| v.query.search.term != t) {
            report.update_view(|v| v.query.search.term = t);
        }
    };
    let debounced = leptos_use_fn_debounce_throttle::use_debounce_fn(apply, DEBOUNCE_MS);
    view! {
        <div class="sr-search" role="search">
            <input
                type="search"
                class="sr-input sr-search-input"
                aria-label="Search sync reports"
                placeholder="Search by system, sync ID or reference"
                maxlength="500"
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    debounced();
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        apply();
                    }
                }
            />
            <select
                class="sr-input sr-scope"
                aria-label="Search in"
                on:change=move |ev| {
                    if let Some(s) = SearchScope::from_key(&event_target_value(&ev)) {
                        report.update_view(|v| v.query.search.scope = s);
                    }
                }
            >
                {SearchScope::ALL.into_iter().map(|s| view! {
                    <option value=s.key() selected=move || report.view.with(|v| v.query.search.scope == s)>
                        {s.label()}
                    </option>
                }).collect_view()}
            </select>
        </div>
    }
}
