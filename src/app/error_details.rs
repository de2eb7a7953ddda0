//! The "Error details" dialog: an entry's system, reference, status, failure reason and
//! detail, and its attempts, with a one-entry resync (or why it cannot be resynced).

use leptos::prelude::*;

use super::modal::Modal;
use super::status_badge::StatusBadge;
use super::Report;
use crate::model::resync;

#[component]
pub fn ErrorDetails() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = Signal::derive(move || report.details.with(Option::is_some));
    let outcome = RwSignal::new(None::<String>);
    let close = move |_| {
        report.details.set(None);
        outcome.set(None);
    };
    view! {
        <Modal open=open on_close=close label="Error details">
            {move || report.details.get().map(|e| {
                let check = resync::check(&e);
                let id = e.id;
                let phrase = e.resync_phrase();
                let busy = move || report.resync.is_sending(id);
                view! {
                    <h2 class="sr-dialog-title">"Error details"</h2>
                    <dl class="sr-details">
                        <dt>"System"</dt><dd>{e.system_chain.to_string()}</dd>
                        <dt>"Reference"</dt><dd class="sr-mono">{e.common_ref().map(str::to_owned).unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Source Id"</dt><dd class="sr-mono">{e.source_id().map(str::to_owned).unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Status"</dt><dd><StatusBadge status=e.status.clone()/></dd>
                        <dt>"Failure reason"</dt><dd>{e.message().map(str::to_owned).unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Error detail"</dt><dd><pre class="sr-pre">{e.error().map(str::to_owned).unwrap_or_else(|| "—".into())}</pre></dd>
                        <dt>"Attempts"</dt><dd>{match e.max_attempts { Some(m) => format!("{} of {}", e.attempts, m), None => e.attempts.to_string() }}</dd>
                    </dl>
                    {match check {
                        Ok(()) => view! {
                            <button class="sr-btn sr-btn--primary" type="button" disabled=move || busy() || outcome.with(Option::is_some)
                                on:click=move |_| {
                                    leptos::task::spawn_local(async move {
                                        outcome.set(Some(report.resync.one(report, id).await));
                                    });
                                }>
                                {move || if busy() { "Resyncing…".to_string() } else { phrase.clone() }}
                            </button>
                        }.into_any(),
                        Err(reason) => view! { <p class="sr-refusal">{reason.to_string()}</p> }.into_any(),
                    }}
                    <p class="sr-outcome" role="status">{move || outcome.get()}</p>
                    <div class="sr-dialog-actions">
                        {super::state::ItemHistory::offered(&e).then(|| {
                            let e = e.clone();
                            // Every attempt of this item: the History dialog takes this one's place.
                            view! {
                                <button class="sr-btn" type="button" on:click=move |_| {
                                    report.details.set(None);
                                    outcome.set(None);
                                    report.history.open(report, e.clone());
                                }>"History"</button>
                            }
                        })}
                        <button class="sr-btn" type="button" on:click=move |_| { report.details.set(None); outcome.set(None); }>"Close"</button>
                    </div>
                }
            })}
        </Modal>
    }
}
