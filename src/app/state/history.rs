//! The History dialog's state: whose history is open, and what the source found.

use leptos::prelude::*;

use super::Report;
use crate::model::entry::Entry;
use crate::model::history::{self, History};
use crate::source::SourceError;

/// What the History dialog shows.
#[derive(Clone, Debug, PartialEq)]
pub enum HistoryStep {
    Closed,
    Loading(Entry),
    Loaded(Entry, History),
    /// The source failed; the dialog says why and offers to try again.
    Failed(Entry, SourceError),
}

impl HistoryStep {
    /// The entry whose item the dialog is about.
    pub fn entry(&self) -> Option<&Entry> {
        match self {
            HistoryStep::Closed => None,
            HistoryStep::Loading(e) | HistoryStep::Loaded(e, _) | HistoryStep::Failed(e, _) => {
                Some(e)
            }
        }
    }
}

/// An item's history, shown in a dialog: every attempt of the same item in the last 15 days.
#[derive(Clone, Copy)]
pub struct ItemHistory {
    step: RwSignal<HistoryStep>,
    /// Bumped by each open and close: only the newest request's answer lands.
    generation: StoredValue<u64>,
}

impl Default for ItemHistory {
    fn default() -> Self {
        ItemHistory {
            step: RwSignal::new(HistoryStep::Closed),
            generation: StoredValue::new(0),
        }
    }
}

impl ItemHistory {
    pub fn step(&self) -> HistoryStep {
        self.step.get()
    }

    pub fn is_open(&self) -> bool {
        self.step.with(|s| *s != HistoryStep::Closed)
    }

    /// Whether `e` has a history to show (an entry without a reference has nothing tying it to
    /// other attempts).
    pub fn offered(e: &Entry) -> bool {
        // Checked for every row drawn: the reference alone, not a whole query.
        history::reference(e).is_some()
    }

    /// Opens the dialog for `e`'s item and asks the source for its attempts.
    pub fn open(&self, report: Report, e: Entry) {
        let Some(query) = history::query(&e) else {
            return;
        };
        let asked = self.generation.get_value() + 1;
        self.generation.set_value(asked);
        self.step.set(HistoryStep::Loading(e.clone()));
        let this = *self;
        let source = report.source();
        leptos::task::spawn_local(async move {
            let answer = source.history(query).await;
            if this.generation.try_get_value() != Some(asked) {
                return;
            }
            this.step.set(match answer {
                Ok(h) => HistoryStep::Loaded(e, h),
                Err(err) => HistoryStep::Failed(e, err),
            });
        });
    }

    pub fn close(&self) {
        self.generation.update_value(|g| *g += 1);
        self.step.set(HistoryStep::Closed);
    }
}
