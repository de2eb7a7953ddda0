//! A status badge: the label, coloured by status, with its meaning as a tooltip.

use leptos::prelude::*;

use crate::model::entry::Status;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let class = format!("sr-badge sr-badge--{}", status.css_class());
    view! { <span class=class title=status.description()>{status.label().to_string()}</span> }
}
