//! The filter button in a column header and its menu of values.

use leptos::prelude::*;

use super::Report;
use crate::model::column::Column;
use crate::model::query::FilterField;

/// The filter fields a column's header filter offers.
fn fields(c: Column) -> &'static [FilterField] {
    match c {
        Column::Status => &[FilterField::Status],
        Column::CompanyGroup => &[FilterField::CompanyGroup],
        Column::ServiceEntity => &[FilterField::ServiceEntity],
        Column::Systems => &[FilterField::SourceSystem, FilterField::DestinationSystem],
        _ => &[],
    }
}

#[component]
pub fn HeaderFilter(column: Column) -> impl IntoView {
    let report = expect_context::<Report>();
    let label = format!("Filter {}", column.label());
    if column == Column::CreatedUtc {
        // The date filter is the range control above the table: take the user there.
        return view! {
            <button class="sr-filter-btn" type="button" aria-label=label
                class:sr-filter-btn--active=move || report.view.with(|v| v.query.range != Default::default())
                on:click=move |_| {
                    if let Some(el) = document().get_element_by_id(&report.days_input_id()) {
                        use wasm_bindgen::JsCast;
                        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                            let _ = el.focus();
                        }
                    }
                }>
                <FilterIcon/>
            </button>
        }
        .into_any();
    }
    let fields = fields(column);
    if fields.is_empty() {
        return ().into_any();
    }
    let open = RwSignal::new(false);
    let values = RwSignal::new(Vec::<(FilterField, Vec<String>)>::new());
    let root = NodeRef::<leptos::html::Div>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    let active = move || {
        report.view.with(|v| {
            fields
                .iter()
                .any(|&f| !v.query.filters.values(f).is_empty())
        })
    };
    let load_values = move || {
        let src = report.source();
        leptos::task::spawn_local(async move {
            let mut out = Vec::new();
            for &f in fields {
                match src.facet_values(f).await {
                    Ok(v) => out.push((f, v)),
                    Err(e) => {
                        report.notify(format!("Could not load the {} values: {e}", f.label()))
                    }
                }
            }
            values.set(out);
        });
    };
    let button = NodeRef::<leptos::html::Button>::new();
    view! {
        <div class="sr-popover-anchor" node_ref=root
            on:keydown=move |ev| if ev.key() == "Escape" && open.get_untracked() { super::close_popover(open, button) }>
            <button class="sr-filter-btn" type="button" aria-label=label.clone() aria-haspopup="true" node_ref=button
                class:sr-filter-btn--active=active
                aria-expanded=move || open.get().to_string()
                on:click=move |_| {
                    if !open.get_untracked() {
                        load_values();
                    }
                    open.update(|o| *o = !*o);
                }>
                <FilterIcon/>
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover sr-popover--filter" role="group" aria-label=label.clone()>
                    {move || values.get().into_iter().map(|(f, vals)| view! {
                        <fieldset class="sr-filter-group">
                            <legend>{f.label()}</legend>
                            {vals.into_iter().map(|val| {
                                let v2 = val.clone();
                                let v3 = val.clone();
                                let shown = if f == FilterField::Status { crate::model::Status::parse(&val).label().to_string() } else { val.clone() };
                                view! {
                                    <label class="sr-check-label">
                                        <input type="checkbox"
                                            prop:checked=move || report.view.with(|v| v.query.filters.values(f).contains(&v2))
                                            on:change=move |_| report.update_view(|v| v.query.filters.toggle(f, &v3)) />
                                        {shown}
                                    </label>
                                }
                            }).collect_view()}
                        </fieldset>
                    }).collect_view()}
                    <button class="sr-btn sr-btn--quiet" type="button"
                        on:click=move |_| report.update_view(|v| for &f in fields { v.query.filters.clear(f) })>
                        "Clear"
                    </button>
                </div>
            </Show>
        </div>
    }
    .into_any()
}

#[component]
fn FilterIcon() -> impl IntoView {
    view! {
        <svg class="sr-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d="M1.5 2h13l-5 6v5l-3 1.5V8z" fill="currentColor"/>
        </svg>
    }
}
