//! "Additional filters": the two toggles that add columns. Remembered across reloads.

use leptos::prelude::*;

use super::Report;
use crate::model::Toggles;

#[component]
pub fn AdditionalFilters() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    let button = NodeRef::<leptos::html::Button>::new();
    view! {
        <div class="sr-popover-anchor" node_ref=root
            on:keydown=move |ev| if ev.key() == "Escape" && open.get_untracked() { super::close_popover(open, button) }>
            <button class="sr-btn" type="button" aria-haspopup="true" node_ref=button
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                "Additional filters"
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover" role="group" aria-label="Additional filters">
                    {toggle_box(report, "Show additional sync data", |t| t.sync_data, |t, on| t.sync_data = on)}
                    {toggle_box(report, "Show additional fields", |t| t.additional_fields, |t, on| t.additional_fields = on)}
                </div>
            </Show>
        </div>
    }
}

/// One toggle: a labelled checkbox bound to a field of the view's toggles.
fn toggle_box(
    report: Report,
    label: &'static str,
    get: fn(Toggles) -> bool,
    set: fn(&mut Toggles, bool),
) -> impl IntoView {
    view! {
        <label class="sr-check-label">
            <input type="checkbox"
                prop:checked=move || report.view.with(|v| get(v.toggles))
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    report.update_view(|v| set(&mut v.toggles, on));
                } />
            {label}
        </label>
    }
}
