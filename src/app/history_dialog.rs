//! The "History of <item>" dialog: every attempt to sync one item in the last 15 days, newest
//! first, whatever the page's filters, with the entry it was opened from marked.

use leptos::prelude::*;

use super::modal::Modal;
use super::state::HistoryStep;
use super::status_badge::StatusBadge;
use super::Report;
use crate::format::thousands;
use crate::model::column::Column;
use crate::model::entry::Entry;
use crate::model::history::History;

/// The dialog's name: "History of Shopify order #1001".
pub fn title(e: &Entry) -> String {
    format!("History of {}", e.display_name())
}

/// The line above the list: how many attempts there are, and how many are listed.
pub fn summary(h: &History) -> String {
    let n = thousands(h.total);
    if !h.exact {
        return format!(
            "At least {n} attempts in the last 15 days. This report server does not filter by \
             reference, so they were counted among the newest entries that contain it."
        );
    }
    match (h.total, h.more()) {
        (0, _) => "No attempt of this item in the last 15 days.".into(),
        (1, _) => "One attempt in the last 15 days.".into(),
        (_, 0) => format!("{n} attempts in the last 15 days, newest first."),
        (_, more) => format!(
            "The newest {} of {n} attempts in the last 15 days; {} older ones are not listed.",
            thousands(h.attempts.len()),
            thousands(more)
        ),
    }
}

#[component]
pub fn HistoryDialog() -> impl IntoView {
    let report = expect_context::<Report>();
    let history = report.history;
    let label = Signal::derive(move || {
        history
            .step()
            .entry()
            .map(title)
            .unwrap_or_else(|| "History".into())
    });
    view! {
        <Modal open=Signal::derive(move || history.is_open()) on_close=move |_| history.close() label=label>
            {move || {
                let step = history.step();
                let Some(e) = step.entry().cloned() else { return ().into_any() };
                let item = format!(
                    "{} {} · {}",
                    e.entity,
                    e.common_ref().unwrap_or_default(),
                    e.system_chain
                );
                let body = match step {
                    HistoryStep::Loading(_) => view! {
                        <p class="sr-history-note" role="status">"Loading the history…"</p>
                    }.into_any(),
                    HistoryStep::Failed(_, err) => {
                        let again = e.clone();
                        view! {
                            <p class="sr-refusal" role="alert">{format!("Could not load the history: {err}")}</p>
                            <button class="sr-btn" type="button"
                                on:click=move |_| history.open(report, again.clone())>"Try again"</button>
                        }.into_any()
                    }
                    HistoryStep::Loaded(_, h) => attempts(&e, &h).into_any(),
                    HistoryStep::Closed => ().into_any(),
                };
                view! {
                    <h2 class="sr-dialog-title">{title(&e)}</h2>
                    <p class="sr-history-item">{item}</p>
                    {body}
                    <div class="sr-dialog-actions">
                        <button class="sr-btn" type="button" on:click=move |_| history.close()>"Close"</button>
                    </div>
                }.into_any()
            }}
        </Modal>
    }
}

/// The list of attempts, the current one marked.
fn attempts(current: &Entry, h: &History) -> impl IntoView {
    let listed = h.attempts.iter().any(|a| a.id == current.id);
    let rows = h
        .attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let this = a.id == current.id;
            let attempt = h
                .number(i)
                .map(|n| format!("{} of {}", thousands(n), thousands(h.total)))
                .unwrap_or_else(|| "—".into());
            let reason = a.message().map(str::to_owned).unwrap_or_default();
            view! {
                <tr class:sr-history-current=this aria-current=this.then_some("true")>
                    <td>{attempt}</td>
                    <td>
                        <StatusBadge status=a.status.clone()/>
                        {this.then(|| view! { " "<span class="sr-history-this">"This entry"</span> })}
                    </td>
                    <td class="sr-mono">{Column::CreatedUtc.cell_text(a, &chrono::Utc).into_owned()}</td>
                    <td class="sr-mono">{Column::SyncId.cell_text(a, &chrono::Utc).into_owned()}</td>
                    <td class="sr-history-reason">{reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="sr-history-note" role="status">{summary(h)}</p>
        {(!listed).then(|| view! {
            <p class="sr-history-note">"The entry you opened this from is older than the attempts listed."</p>
        })}
        <div class="sr-history-wrap">
            <table class="sr-history-table">
                <thead><tr>
                    <th scope="col">"Attempt"</th><th scope="col">"Status"</th>
                    <th scope="col">"Date/Time (UTC)"</th><th scope="col">"Sync ID"</th>
                    <th scope="col">"Reason"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
