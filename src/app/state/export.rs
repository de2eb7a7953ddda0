//! An export job in the view: the confirmation, the progress and its Cancel, and what the user
//! and the host page are told at the end. The work itself is `crate::export::run`.

use leptos::prelude::*;

use super::resync::progress_to;
use super::Report;
use crate::app::host_event::{During, HostEvent};
use crate::export::{self, ExportError, ExportOutcome, ExportRequest};
use crate::model::entry::EntryId;
use crate::source::Progress;

/// Where the dialog is.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportStep {
    Closed,
    /// Listing the selection's entries (a backend without `/ids` is paged through).
    Listing,
    Confirm {
        ids: Option<Vec<EntryId>>,
        count: usize,
    },
    Running {
        done: usize,
        total: usize,
    },
}

/// The page's export state. `Copy`; changed only through its methods.
#[derive(Clone, Copy)]
pub struct ExportJob {
    step: RwSignal<ExportStep>,
    listing: RwSignal<Option<Progress>>,
    /// Set by "Cancel download"; read between steps.
    cancelled: StoredValue<bool>,
}

impl Default for ExportJob {
    fn default() -> Self {
        ExportJob {
            step: RwSignal::new(ExportStep::Closed),
            listing: RwSignal::new(None),
            cancelled: StoredValue::new(false),
        }
    }
}

impl ExportJob {
    /// The dialog's step (tracked).
    pub fn step(&self) -> ExportStep {
        self.step.get()
    }

    pub fn is_open(&self) -> bool {
        self.step.with(|s| *s != ExportStep::Closed)
    }

    pub fn listing(&self) -> Signal<Option<Progress>> {
        self.listing.into()
    }

    /// Asks to confirm a download of the view's `count` entries (the Actions menu, a failure
    /// group's "Download"). Does nothing while another export is open.
    pub fn confirm_view(&self, count: usize) {
        if self.step.get_untracked() == ExportStep::Closed {
            self.step.set(ExportStep::Confirm { ids: None, count });
        }
    }

    /// Lists the selection, then asks to confirm its download.
    pub fn confirm_selection(&self, report: Report) {
        if self.step.get_untracked() != ExportStep::Closed {
            return;
        }
        let src = report.source();
        let selection = report.selection.snapshot();
        self.step.set(ExportStep::Listing);
        let this = *self;
        leptos::task::spawn_local(async move {
            let ids = src
                .selection_ids(selection, progress_to(this.listing))
                .await;
            this.step.set(ExportStep::Closed);
            match ids {
                Ok(ids) => this.step.set(ExportStep::Confirm {
                    count: ids.len(),
                    ids: Some(ids),
                }),
                Err(e) => report
                    .notices
                    .notify(format!("Could not list the selected entries: {e}")),
            }
        });
    }

    /// Closes the confirmation (a running export is stopped with [`ExportJob::cancel`]).
    pub fn close(&self) {
        if matches!(self.step.get_untracked(), ExportStep::Confirm { .. }) {
            self.step.set(ExportStep::Closed);
        }
    }

    /// "Cancel download": the export stops at its next step and saves nothing.
    pub fn cancel(&self) {
        self.cancelled.set_value(true);
    }

    /// Writes the confirmed file and hands it to the browser.
    pub fn start(&self, report: Report) {
        let ExportStep::Confirm { ids, count } = self.step.get_untracked() else {
            return;
        };
        let request = ExportRequest {
            query: report.view.get_untracked().query,
            ids,
            count,
            at: report.resolved_at(),
        };
        self.step.set(ExportStep::Running {
            done: 0,
            total: count,
        });
        self.cancelled.set_value(false);
        let this = *self;
        let src = report.source();
        leptos::task::spawn_local(async move {
            let filename = request.filename();
            let selected_only = request.selected_only();
            let outcome = export::run(&*src, request, |p: Progress| {
                this.step.set(ExportStep::Running {
                    done: p.done,
                    total: p.total,
                });
                !this.cancelled.get_value()
            })
            .await;
            this.step.set(ExportStep::Closed);
            match &outcome {
                Ok(ExportOutcome::Complete { rows, skipped }) => {
                    report.emit(HostEvent::ExportCompleted {
                        rows: *rows,
                        skipped: *skipped,
                        filename: &filename,
                        selected_only,
                    })
                }
                // The cause as it is: a source's error without the notice's preamble.
                Err(e) => report.emit(HostEvent::Error {
                    during: During::Export,
                    message: match e {
                        ExportError::Source(e) => e.to_string(),
                        ExportError::File(e) => e.to_string(),
                    },
                }),
                Ok(ExportOutcome::Cancelled { .. }) => {}
            }
            report
                .notices
                .notify(export::outcome_notice(&outcome, &filename));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmation_opens_once_and_closes_only_from_itself() {
        let owner = Owner::new();
        owner.set();
        let job = ExportJob::default();
        assert!(!job.is_open());
        job.confirm_view(48_311);
        assert_eq!(
            job.step.get_untracked(),
            ExportStep::Confirm {
                ids: None,
                count: 48_311
            }
        );
        job.confirm_view(7);
        assert_eq!(
            job.step.get_untracked(),
            ExportStep::Confirm {
                ids: None,
                count: 48_311
            },
            "a second request while open changes nothing"
        );
        job.close();
        assert!(!job.is_open());
        // A running export is not closed by the dialog's close (Escape): Cancel stops it.
        job.step.set(ExportStep::Running { done: 1, total: 9 });
        job.close();
        assert!(job.is_open());
        job.cancel();
        assert!(job.cancelled.get_value());
    }
}
