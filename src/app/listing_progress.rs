//! How far listing the selection got, when it takes pages of the report (a backend without
//! `GET /sync-reports/ids`); nothing while no page was needed.

use leptos::prelude::*;

use crate::format::thousands;
use crate::source::Progress;

#[component]
pub fn ListingProgress(listing: Signal<Option<Progress>>) -> impl IntoView {
    move || {
        listing.get().map(|Progress { done, total }| {
            view! {
                <progress class="sr-progress" max=total.max(1).to_string() value=done.to_string() aria-label="Listing progress"></progress>
                <p aria-live="polite">{format!("Reading the report's pages for the selected entries: {} of {}", thousands(done), thousands(total))}</p>
            }
        })
    }
}
