//! "What do the statuses mean?": every known status's badge and meaning (from the product's
//! help page).

use leptos::prelude::*;

use super::status_badge::StatusBadge;
use crate::model::entry::Status;

#[component]
pub fn Legend() -> impl IntoView {
    view! {
        <details class="sr-legend">
            <summary>"What do the statuses mean?"</summary>
            <dl>
                {Status::KNOWN.into_iter().map(|s| view! {
                    <div class="sr-legend-row">
                        <dt><StatusBadge status=s.clone()/></dt>
                        <dd>{s.description()}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </details>
    }
}
