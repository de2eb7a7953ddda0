//! Modal dialogs on the native `<dialog>` element (focus trap, Escape, top layer for free):
//! error details with a one-item resync, the resync confirmation, and CSV export progress.

use leptos::prelude::*;

use super::status_badge::StatusBadge;
use super::Report;
use crate::model::resync::{self, ResyncOutcome, ResyncResult};

/// A `<dialog>` shown modally while `open` is true; closing it (Escape, a button) clears `open`.
#[component]
pub fn Modal(
    open: Signal<bool>,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] label: String,
    children: ChildrenFn,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = node.get() {
            if open.get() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            } else if d.open() {
                d.close();
            }
        }
    });
    view! {
        <dialog class="sr-dialog" node_ref=node aria-label=label on:close=move |_| on_close.run(())>
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}

/// Resyncs `ids` and reports the outcome; marks them busy meanwhile so nothing is sent twice.
/// Tells the host page before (`resync-requested`) and after (`resync-completed` or `error`).
pub async fn run_resync(
    report: Report,
    ids: Vec<crate::model::EntryId>,
) -> Result<Vec<ResyncOutcome>, crate::source::SourceError> {
    report.emit(
        "resync-requested",
        serde_json::json!({ "ids": ids.iter().map(|i| i.0).collect::<Vec<_>>(), "count": ids.len() }),
    );
    report.resyncing.update(|r| r.extend(ids.iter().copied()));
    let out = report.source().resync(ids.clone()).await;
    report
        .resyncing
        .update(|r| r.retain(|id| !ids.contains(id)));
    report.data_version.update(|v| *v += 1);
    match &out {
        Ok(outcomes) => {
            report.watch(
                outcomes
                    .iter()
                    .filter(|o| matches!(o.result, ResyncResult::Accepted { .. }))
                    .map(|o| o.id),
            );
            let count =
                |f: fn(&ResyncResult) -> bool| outcomes.iter().filter(|o| f(&o.result)).count();
            report.emit(
                "resync-completed",
                serde_json::json!({
                    "count": outcomes.len(),
                    "accepted": count(|r| matches!(r, ResyncResult::Accepted { .. })),
                    "refused": count(|r| matches!(r, ResyncResult::Refused { .. })),
                    "failed": count(|r| matches!(r, ResyncResult::Failed { .. })),
                    "outcomes": outcomes,
                }),
            );
        }
        Err(e) => report.emit(
            "error",
            serde_json::json!({ "during": "resync", "message": e.to_string() }),
        ),
    }
    out
}

pub fn outcome_text(o: &ResyncOutcome) -> String {
    match &o.result {
        ResyncResult::Accepted { status } => format!("Queued: now {}", status.label()),
        ResyncResult::Refused { reason } => format!("Not resynced: {reason}"),
        ResyncResult::Failed { message } => format!("Resync failed: {message}"),
    }
}

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
                let busy = move || report.resyncing.with(|r| r.contains(&id));
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
                                        let text = match run_resync(report, vec![id]).await {
                                            Ok(o) => o.first().map(outcome_text).unwrap_or_default(),
                                            Err(err) => format!("Resync failed: {err}"),
                                        };
                                        outcome.set(Some(text));
                                    });
                                }>
                                {move || if busy() { "Resyncing…".to_string() } else { phrase.clone() }}
                            </button>
                        }.into_any(),
                        Err(reason) => view! { <p class="sr-refusal">{reason.to_string()}</p> }.into_any(),
                    }}
                    <p class="sr-outcome" role="status">{move || outcome.get()}</p>
                    <div class="sr-dialog-actions">
                        <button class="sr-btn" type="button" on:click=move |_| { report.details.set(None); outcome.set(None); }>"Close"</button>
                    </div>
                }
            })}
        </Modal>
    }
}
