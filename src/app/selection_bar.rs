//! Says what is selected, and offers the other choice: the rows in view, or everything matching.

use leptos::prelude::*;

use super::state::Load;
use super::Report;
use crate::format::{entries as n_entries, thousands};

#[component]
pub fn SelectionBar() -> impl IntoView {
    let report = expect_context::<Report>();
    let count = Memo::new(move |_| {
        report.selection.track();
        report.data_version.track();
        report.selection.count()
    });
    let total = move || {
        report
            .load
            .with(|l| if let Load::Ready(w) = l { w.total } else { 0 })
    };
    let all_matching = move || report.selection.is_all_matching();
    let page_all = move || {
        report
            .rows
            .with(|rows| !rows.is_empty() && rows.iter().all(|e| report.selection.contains(e.id)))
    };
    // Offer "all matching" once every row in view is picked and there are more than those.
    let offer_all = move || !all_matching() && page_all() && total() > report.rows.with(Vec::len);
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="sr-selbar" role="status" aria-live="polite">
                <span class="sr-selbar-text">
                    {move || if all_matching() {
                        format!("All {} matching the filters are selected.", n_entries(count.get()))
                    } else {
                        format!("{} selected.", thousands(count.get()))
                    }}
                </span>
                <Show when=offer_all>
                    <button class="sr-btn sr-btn--quiet" type="button"
                        on:click=move |_| {
                            let q = report.view.get_untracked().query;
                            let (at, n) = (report.resolved_at(), report.matching());
                            report.selection.all_matching(q, at, n);
                        }>
                        {move || format!("Select all {} matching the filters", n_entries(total()))}
                    </button>
                </Show>
                <Show when=all_matching>
                    <button class="sr-btn sr-btn--quiet" type="button"
                        on:click=move |_| {
                            let ids: Vec<_> = report.rows.with_untracked(|r| r.iter().map(|e| e.id).collect());
                            report.selection.clear();
                            report.selection.set(&ids, true);
                        }>
                        "Select only the rows in view"
                    </button>
                </Show>
                <button class="sr-btn sr-btn--quiet" type="button" on:click=move |_| report.selection.clear()>
                    "Clear selection"
                </button>
            </div>
        </Show>
    }
}
