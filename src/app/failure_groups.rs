//! Failure groups: failures with the same error signature (ids, numbers, references and quoted
//! values normalised away), with counts, the newest occurrence and the systems involved. "Show"
//! filters the table to a group; "Resync all" and "Download" act on the whole group.

use leptos::prelude::*;

use super::state::Load;
use super::Report;
use crate::format::{entries as n_entries, thousands};

#[component]
pub fn FailureGroups() -> impl IntoView {
    let report = expect_context::<Report>();
    let groups = Memo::new(move |_| {
        report
            .summary
            .with(|s| s.as_ref().map(|s| s.groups.clone()).unwrap_or_default())
    });
    let current = move || report.view.with(|v| v.query.filters.failure.clone());
    // Filters the table to a group (failures only).
    let show = move |sig: String| {
        report.update_view(|v| {
            v.query.filters.failure = Some(sig);
            v.query.filters.status.clear();
        })
    };
    view! {
        <Show when=move || !groups.with(Vec::is_empty)>
            <details class="sr-groups" open>
                <summary>{move || format!("Failure groups ({})", groups.with(Vec::len))}</summary>
                <ul class="sr-groups-list">
                    <For each=move || groups.get() key=|g| (g.signature.clone(), g.count, g.newest) let:g>
                        {
                            let sig = g.signature.clone();
                            let sig_show = sig.clone();
                            let sig_resync = sig.clone();
                            let sig_export = sig.clone();
                            let count = g.count as usize;
                            let sig = StoredValue::new(sig);
                            let pressed = move || sig.with_value(|s| current().as_deref() == Some(s.as_str()));
                            view! {
                                <li class="sr-group" class:sr-group--current=pressed>
                                    <div class="sr-group-text">
                                        <span class="sr-group-count">{thousands(count)}</span>
                                        <span class="sr-group-example">{g.example.clone()}</span>
                                        <span class="sr-group-meta">
                                            {format!("newest {} UTC · {}", crate::format::stamp(&g.newest, crate::format::Stamp::Minute), g.systems.join(", "))}
                                        </span>
                                    </div>
                                    <div class="sr-group-actions">
                                        <button class="sr-btn" type="button" aria-pressed=move || pressed().to_string()
                                            aria-label=format!("Show the {} in this group", n_entries(count))
                                            on:click=move |_| {
                                                if current().as_deref() == Some(sig_show.as_str()) {
                                                    report.update_view(|v| v.query.filters.failure = None);
                                                } else {
                                                    show(sig_show.clone());
                                                }
                                            }>
                                            "Show"
                                        </button>
                                        <button class="sr-btn" type="button"
                                            aria-label=format!("Resync all {} in this group", n_entries(count))
                                            on:click=move |_| {
                                                show(sig_resync.clone());
                                                let q = report.view.get_untracked().query;
                                                let at = report.load.with_untracked(|l| if let Load::Ready(w) = l { w.at } else { chrono::Utc::now() });
                                                report.selection.update(|s| s.select_all_matching(q, at, count));
                                                report.resync_request.update(|n| *n += 1);
                                            }>
                                            "Resync all"
                                        </button>
                                        <button class="sr-btn" type="button"
                                            aria-label=format!("Download the {} in this group as CSV", n_entries(count))
                                            on:click=move |_| {
                                                show(sig_export.clone());
                                                report.export_request.set(Some(count));
                                            }>
                                            "Download"
                                        </button>
                                    </div>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </details>
        </Show>
    }
}
