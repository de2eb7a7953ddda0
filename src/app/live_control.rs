//! Auto-refresh's control in the toolbar, and the "12 new entries" line above the table.

use leptos::prelude::*;

use super::state::LiveStatus;
use super::Report;
use crate::model::live::new_entries;

/// "Auto-refresh", a switch, with what it is doing beside it ("Paused while a dialog is open").
#[component]
pub fn AutoRefresh(every_seconds: u32) -> impl IntoView {
    let report = expect_context::<Report>();
    let live = report.live;
    let status_id = format!("sr-live-status-{}", report.uid);
    // Changing the selection pauses it for a moment (the user is picking rows).
    Effect::new(move |prev: Option<usize>| {
        let n = report.selection.count();
        if prev.is_some_and(|p| p != n) {
            live.selection_changed();
        }
        n
    });
    view! {
        <div class="sr-live" class:sr-live--on=move || live.is_on()>
            <label class="sr-check-label sr-live-label" title=move || live.status().checked()>
                <input type="checkbox" role="switch" aria-describedby=status_id.clone()
                    prop:checked=move || live.is_on()
                    on:change=move |ev| live.set(report, event_target_checked(&ev), every_seconds) />
                "Auto-refresh"
            </label>
            <span class="sr-live-status" id=status_id
                class:sr-live-status--paused=move || matches!(live.status(), LiveStatus::Paused(_))
                class:sr-live-status--failing=move || matches!(live.status(), LiveStatus::Failing { .. })>
                {move || live.status().says()}
            </span>
        </div>
    }
}

/// "12 new entries" and "Show new entries", said politely; nothing while there are none.
#[component]
pub fn NewEntries() -> impl IntoView {
    let report = expect_context::<Report>();
    let live = report.live;
    view! {
        <p class="sr-new" role="status">
            {move || (live.new_entries() > 0).then(|| view! {
                <span class="sr-new-count">{new_entries(live.new_entries())}</span>
                <button class="sr-btn sr-btn--quiet" type="button"
                    on:click=move |_| live.show_new(report)>"Show new entries"</button>
            })}
        </p>
    }
}
