//! The "Download as CSV" dialog: the confirmation with the file's size in entries, the
//! progress with "Cancel download", and the listing of a selection (`state::ExportJob`).

use leptos::prelude::*;

use super::listing_progress::ListingProgress;
use super::modal::Modal;
use super::state::ExportStep;
use super::Report;
use crate::format::{entries as n_entries, thousands};

#[component]
pub fn ExportDialog() -> impl IntoView {
    let report = expect_context::<Report>();
    let job = report.export;
    view! {
        <Modal open=Signal::derive(move || job.is_open()) on_close=move |_| job.close() label="Download as CSV">
            {move || match job.step() {
                ExportStep::Confirm { count, ids } => view! {
                    <h2 class="sr-dialog-title">{if ids.is_some() { "Download selected as CSV" } else { "Download as CSV" }}</h2>
                    <p>{format!("The file will hold {}: every column, timestamps in UTC.", n_entries(count))}</p>
                    <div class="sr-dialog-actions">
                        <button class="sr-btn" type="button" on:click=move |_| job.close()>"Cancel"</button>
                        <button class="sr-btn sr-btn--primary" type="button" disabled=count == 0 on:click=move |_| job.start(report)>
                            {format!("Download {}", n_entries(count))}
                        </button>
                    </div>
                }.into_any(),
                ExportStep::Running { done, total } => view! {
                    <h2 class="sr-dialog-title">"Preparing CSV"</h2>
                    <progress class="sr-progress" max=total.max(1).to_string() value=done.to_string() aria-label="Export progress"></progress>
                    <p aria-live="polite">{format!("{} of {} entries written", thousands(done), thousands(total))}</p>
                    <div class="sr-dialog-actions">
                        <button class="sr-btn" type="button" on:click=move |_| job.cancel()>"Cancel download"</button>
                    </div>
                }.into_any(),
                ExportStep::Listing => view! {
                    <h2 class="sr-dialog-title">"Download selected as CSV"</h2>
                    <p>"Listing the selected entries…"</p>
                    <ListingProgress listing=job.listing()/>
                }.into_any(),
                ExportStep::Closed => ().into_any(),
            }}
        </Modal>
    }
}
