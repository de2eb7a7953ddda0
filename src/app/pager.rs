//! Paging through the result, a hundred rows at a time.

use leptos::prelude::*;

use super::state::{Load, PAGE_SIZE};
use super::Report;
use crate::format::thousands;

#[component]
pub fn Pager() -> impl IntoView {
    let report = expect_context::<Report>();
    let total = move || {
        report
            .load
            .with(|l| if let Load::Ready(w) = l { w.total } else { 0 })
    };
    let pages = move || total().div_ceil(PAGE_SIZE).max(1);
    let page = move || report.page.get();
    view! {
        <nav class="sr-pager" aria-label="Pages">
            <button class="sr-btn" type="button" disabled=move || page() == 0
                on:click=move |_| report.page.update(|p| *p = p.saturating_sub(1))>
                "Previous page"
            </button>
            <span class="sr-pager-label">
                {move || {
                    let t = total();
                    if t == 0 {
                        "No rows".to_string()
                    } else {
                        let start = page() * PAGE_SIZE + 1;
                        let end = ((page() + 1) * PAGE_SIZE).min(t);
                        format!("Rows {}–{} of {} · page {} of {}", thousands(start), thousands(end), thousands(t), thousands(page() + 1), thousands(pages()))
                    }
                }}
            </span>
            <button class="sr-btn" type="button" disabled=move || { page() + 1 >= pages() }
                on:click=move |_| report.page.update(|p| *p += 1)>
                "Next page"
            </button>
        </nav>
    }
}
