//! The "Resync selected" dialog: the entries that will be resynced and those that cannot (with
//! why), then the outcome of each (`state::ResyncJob`).

use leptos::prelude::*;

use super::listing_progress::ListingProgress;
use super::modal::Modal;
use super::state::ResyncStep;
use super::Report;
use crate::format::{entries as n_entries, thousands};

/// Names shown in a list before "and N more".
const LISTED: usize = 50;

#[component]
pub fn ResyncDialog() -> impl IntoView {
    let report = expect_context::<Report>();
    let job = report.resync;
    view! {
        <Modal open=Signal::derive(move || job.is_open()) on_close=move |_| job.close() label="Resync selected">
            {move || match job.step() {
                ResyncStep::Loading => view! { <p>"Checking the selected entries…"</p> <ListingProgress listing=job.listing()/> }.into_any(),
                ResyncStep::Confirm(plan) => {
                    let (ok, refused) = (plan.ok, plan.refused);
                    let n_ok = ok.len();
                    view! {
                        <h2 class="sr-dialog-title">"Resync selected"</h2>
                        <p>{if n_ok == 0 { "None of the selected entries can be resynced.".to_string() } else { format!("{} will be resynced:", n_entries(n_ok)) }}</p>
                        <ul class="sr-list">
                            {ok.iter().take(LISTED).map(|e| view! { <li>{e.display_name()}</li> }).collect_view()}
                            {(n_ok > LISTED).then(|| view! { <li>{format!("and {} more", thousands(n_ok - LISTED))}</li> })}
                        </ul>
                        {(!refused.is_empty()).then(|| view! {
                            <h3 class="sr-dialog-sub">{format!("{} cannot be resynced", n_entries(refused.len()))}</h3>
                            <ul class="sr-list sr-list--refused">
                                {refused.iter().take(LISTED).map(|(e, r)| view! { <li><strong>{e.display_name()}</strong>": "{r.to_string()}</li> }).collect_view()}
                                {(refused.len() > LISTED).then(|| view! { <li>{format!("and {} more", thousands(refused.len() - LISTED))}</li> })}
                            </ul>
                        })}
                        <div class="sr-dialog-actions">
                            <button class="sr-btn" type="button" on:click=move |_| job.close()>"Cancel"</button>
                            <button class="sr-btn sr-btn--primary" type="button" disabled=n_ok == 0 on:click=move |_| job.confirm(report)>
                                {format!("Resync {}", n_entries(n_ok))}
                            </button>
                        </div>
                    }.into_any()
                }
                ResyncStep::Running { count } => view! {
                    <h2 class="sr-dialog-title">"Resync selected"</h2>
                    <p aria-live="polite">{format!("Resyncing {}…", n_entries(count))}</p>
                    <div class="sr-dialog-actions"><button class="sr-btn sr-btn--primary" type="button" disabled=true>"Resyncing…"</button></div>
                }.into_any(),
                ResyncStep::Done(done) => view! {
                    <h2 class="sr-dialog-title">"Resync requested"</h2>
                    <p role="status">{format!("{} queued, {} not resynced.", thousands(done.queued), thousands(done.refused))}</p>
                    <ul class="sr-list sr-outcomes">
                        {done.outcomes.iter().take(200).map(|(name, text)| view! { <li><strong>{name.clone()}</strong>": "{text.clone()}</li> }).collect_view()}
                    </ul>
                    <div class="sr-dialog-actions"><button class="sr-btn" type="button" on:click=move |_| job.close()>"Close"</button></div>
                }.into_any(),
                ResyncStep::Closed => ().into_any(),
            }}
        </Modal>
    }
}
