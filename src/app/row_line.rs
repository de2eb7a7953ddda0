//! The line under a row's cells: retry state, and a failure's reason with its "Error details"
//! link.

use leptos::prelude::*;

use super::Report;
use crate::model::entry::Entry;

/// The line under a row's cells: retry state, and a failure's reason with its "Error details"
/// link. Inside the status cell (screen readers read it with the status), drawn across the row.
#[component]
pub fn RowLine(entry: Entry, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let report = expect_context::<Report>();
    let retry = entry.retry_state(now).map(|r| (r.describe(now), r.stuck));
    let failed = entry.status == crate::model::Status::Failed;
    let message = entry.message().map(str::to_owned).filter(|_| failed);
    if retry.is_none() && message.is_none() {
        return None;
    }
    Some(view! {
        <div class="sr-rowline">
            {retry.map(|(text, stuck)| view! {
                <span class="sr-retry" class:sr-retry--stuck=stuck>
                    {stuck.then(|| view! { <span class="sr-stuck-tag">"Stuck"</span>" " })}
                    {text}
                </span>
            })}
            {message.map(|m| {
                let entry = entry.clone();
                let title = m.clone();
                // The link first: the reason is clamped at the row's end, which in a narrow
                // report can be scrolled out of view; the link must stay reachable.
                view! {
                    <button class="sr-link" type="button"
                        on:click=move |_| report.details.set(Some(entry.clone()))>
                        "Error details"
                    </button>
                    <span class="sr-msg" title=title>{m}</span>
                }
            })}
        </div>
    })
}
