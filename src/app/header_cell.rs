//! A column's header: its label (a sort button where it sorts, with the direction) and its
//! filter.

use leptos::prelude::*;

use super::header_filter::HeaderFilter;
use super::Report;
use crate::model::column::Column;

/// The browser's IANA time zone ("Europe/London"), for the local time header.
fn local_zone() -> String {
    let fmt = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&fmt.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "local".to_string())
}

fn header_label(c: Column) -> String {
    match c {
        Column::CreatedLocal => format!("Date/Time (local: {})", local_zone()),
        c => c.label().to_string(),
    }
}

#[component]
pub fn HeaderCell(column: Column) -> impl IntoView {
    let report = expect_context::<Report>();
    let sort = move || report.view.with(|v| v.query.sort);
    let aria_sort = move || {
        column.sortable().then(|| {
            let s = sort();
            if s.column == column {
                s.direction.aria()
            } else {
                "none"
            }
        })
    };
    let label = header_label(column);
    let arrow = move || {
        let s = sort();
        if s.column != column {
            "↕"
        } else if s.direction == crate::model::Direction::Asc {
            "↑"
        } else {
            "↓"
        }
    };
    view! {
        <th scope="col" aria-sort=aria_sort class=format!("sr-col-{:?}", column).to_lowercase()>
            <div class="sr-th">
                {if column.sortable() {
                    view! {
                        <button class="sr-sort-btn" type="button"
                            on:click=move |_| report.update_view(|v| v.query.sort = v.query.sort.clicked(column))>
                            {label.clone()}
                            <span class="sr-sort-arrow" aria-hidden="true">{arrow}</span>
                        </button>
                    }.into_any()
                } else {
                    view! { <span>{label.clone()}</span> }.into_any()
                }}
                <HeaderFilter column=column/>
            </div>
        </th>
    }
}
