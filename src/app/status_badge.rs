//! Status badges and the legend explaining them (meanings from the product's help page).

use leptos::prelude::*;

use crate::model::entry::Status;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("sr-badge sr-badge--{}", status.css_class());
    view! { <span class=class title=status.description()>{status.label().to_string()}</span> }
}

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
