//! The filter button in a column header and its menu of values.

use leptos::prelude::*;

use super::report_table::px;
use super::Report;
use crate::format::thousands;
use crate::model::column::Column;
use crate::model::query::{FilterField, FilterValue, Query};
use crate::source::{FacetValue, FacetValues, SourceError};

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
                {filter_icon()}
            </button>
        }
        .into_any();
    }
    let fields = fields(column);
    if fields.is_empty() {
        return ().into_any();
    }
    let open = RwSignal::new(false);
    let values = RwSignal::new(Vec::<(FilterField, FacetValues)>::new());
    let root = NodeRef::<leptos::html::Div>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    let active = move || {
        report
            .view
            .with(|v| fields.iter().any(|&f| v.query.filters.any_chosen(f)))
    };
    // The values, with their counts under the rest of the view, load when the menu opens and
    // again whenever the view changes while it is open (ticking a value here changes the other
    // fields' counts; the search or another filter changes them all). Only the newest answer
    // lands.
    let generation = StoredValue::new(0u64);
    // The sort does not change a count.
    let counted = Memo::new(move |_| {
        report.view.with(|v| Query {
            sort: Default::default(),
            ..v.query.clone()
        })
    });
    Effect::new(move |_| {
        let query = counted.get();
        if !open.get() {
            return;
        }
        let asked = generation.get_value() + 1;
        generation.set_value(asked);
        let src = report.source();
        leptos::task::spawn_local(async move {
            let answer = src.facet_values(fields, query.clone()).await;
            if generation.try_get_value() != Some(asked) {
                return;
            }
            match answer {
                Ok(lists) => {
                    let out = fields
                        .iter()
                        .zip(lists)
                        .map(|(&f, mut v)| {
                            // A value in the view (from a link, say) stays listed, to be unticked.
                            for chosen in query.filters.chosen(f) {
                                if !v.values.iter().any(|t| t.text == chosen.api_text()) {
                                    v.values.push(FacetValue::uncounted(chosen.api_text()));
                                }
                            }
                            (f, v)
                        })
                        .collect();
                    values.set(out);
                    crate::perf::mark_after_paint("facets-painted");
                }
                Err(SourceError::Superseded) => {}
                Err(e) => report.notices.notify(format!(
                    "Could not load the {} values: {e}",
                    fields
                        .iter()
                        .map(|f| f.label())
                        .collect::<Vec<_>>()
                        .join(" and ")
                )),
            }
        });
    });
    let button = NodeRef::<leptos::html::Button>::new();
    // The menu is fixed to the window at its button: the table scrolls in its own box, which
    // would otherwise clip a menu taller than the rows shown.
    let place = RwSignal::new(Place::default());
    let position = move || {
        if let Some(b) = button.get_untracked() {
            let r = b.get_bounding_client_rect();
            let size = |v: Result<wasm_bindgen::JsValue, _>, d| {
                v.ok().and_then(|w| w.as_f64()).unwrap_or(d)
            };
            let (width, height) = (
                size(window().inner_width(), 1024.0),
                size(window().inner_height(), 768.0),
            );
            place.set(Place::below_or_above(
                r.top(),
                r.bottom(),
                r.left(),
                width,
                height,
            ));
        }
    };
    // Follows the button while open (the page can move under it as results arrive).
    fn follow(open: RwSignal<bool>, position: impl Fn() + Copy + 'static) {
        request_animation_frame(move || {
            if open.try_get_untracked() == Some(true) {
                position();
                follow(open, position);
            }
        });
    }
    view! {
        <div class="sr-popover-anchor" node_ref=root
            on:keydown=move |ev| if ev.key() == "Escape" && open.get_untracked() { super::close_popover(open, button) }>
            <button class="sr-filter-btn" type="button" aria-label=label.clone() aria-haspopup="true" node_ref=button
                class:sr-filter-btn--active=active
                aria-expanded=move || open.get().to_string()
                on:click=move |_| {
                    if !open.get_untracked() {
                        position();
                    }
                    open.update(|o| *o = !*o);
                    if open.get_untracked() {
                        follow(open, position);
                    }
                }>
                {filter_icon()}
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover sr-popover--filter" role="group" aria-label=label.clone()
                    style:top=move || place.get().top.map(px).unwrap_or_else(|| "auto".into())
                    style:bottom=move || place.get().bottom.map(px).unwrap_or_else(|| "auto".into())
                    style:left=move || px(place.get().left)
                    style:max-height=move || px(place.get().max_height)>
                    {move || values.get().into_iter().map(|(f, FacetValues { values: vals, seen_only })| view! {
                        <fieldset class="sr-filter-group">
                            <legend>{f.label()}</legend>
                            {seen_only.then(|| view! {
                                <p class="sr-filter-note">"Values in the entries loaded so far; this report server does not list them all."</p>
                            })}
                            {vals.into_iter().map(|FacetValue { text, count }| {
                                // Read once, here, where the values arrive as text.
                                let value = FilterValue::parse(f, &text);
                                let shown = value.label().to_string();
                                let v2 = value.clone();
                                view! {
                                    <label class="sr-check-label" class:sr-check-label--none=count == Some(0)>
                                        <input type="checkbox"
                                            prop:checked=move || report.view.with(|v| v.query.filters.contains(f, &value))
                                            on:change=move |_| report.update_view(|v| v.query.filters.toggle(f, v2.clone())) />
                                        <span class="sr-facet-value">{shown}</span>
                                        // The leading space keeps the accessible name "Failed 95".
                                        {count.map(|n| view! { <span class="sr-facet-count">{format!(" {}", thousands(n as usize))}</span> })}
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

/// Where a menu fixed to the window goes: under its button, or above it when the window has
/// more room there; always inside the window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Place {
    top: Option<f64>,
    bottom: Option<f64>,
    left: f64,
    max_height: f64,
}

impl Place {
    const WIDTH: f64 = 260.0;
    const TALLEST: f64 = 360.0;

    fn below_or_above(top: f64, bottom: f64, left: f64, width: f64, height: f64) -> Place {
        let left = left.min(width - Self::WIDTH).max(4.0);
        let below = height - bottom - 8.0;
        let above = top - 8.0;
        if below >= Self::TALLEST.min(200.0) || below >= above {
            Place {
                top: Some(bottom + 4.0),
                bottom: None,
                left,
                max_height: below.clamp(80.0, Self::TALLEST),
            }
        } else {
            Place {
                top: None,
                bottom: Some(height - top + 4.0),
                left,
                max_height: above.clamp(80.0, Self::TALLEST),
            }
        }
    }
}

/// The funnel drawn in a filter's button.
fn filter_icon() -> impl IntoView {
    view! {
        <svg class="sr-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
            <path d="M1.5 2h13l-5 6v5l-3 1.5V8z" fill="currentColor"/>
        </svg>
    }
}
