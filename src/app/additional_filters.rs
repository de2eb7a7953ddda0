//! "Additional filters": the two toggles that add columns. Remembered across reloads.

use leptos::prelude::*;

use super::Report;

#[component]
pub fn AdditionalFilters() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    let toggles = move || report.view.with(|v| v.toggles);
    view! {
        <div class="sr-popover-anchor" node_ref=root
            on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
            <button class="sr-btn" type="button" aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                "Additional filters"
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover" role="group" aria-label="Additional filters">
                    <label class="sr-check-label">
                        <input type="checkbox"
                            prop:checked=move || toggles().sync_data
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                report.view.update(|v| v.toggles.sync_data = on);
                            } />
                        "Show additional sync data"
                    </label>
                    <label class="sr-check-label">
                        <input type="checkbox"
                            prop:checked=move || toggles().additional_fields
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                report.view.update(|v| v.toggles.additional_fields = on);
                            } />
                        "Show additional fields"
                    </label>
                </div>
            </Show>
        </div>
    }
}
