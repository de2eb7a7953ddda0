//! Dismissible notices: capped ranges, ignored link parameters, action outcomes.

use leptos::prelude::*;

use super::Report;

#[component]
pub fn Notices() -> impl IntoView {
    let report = expect_context::<Report>();
    view! {
        <div class="sr-notices" role="status" aria-live="polite">
            <For each=move || report.notices.shown() key=|n| n.id let:n>
                <p class="sr-notice">
                    <span>{n.text.clone()}</span>
                    <button class="sr-icon-btn" aria-label="Dismiss" on:click=move |_| report.notices.dismiss(n.id)>"×"</button>
                </p>
            </For>
        </div>
    }
}
