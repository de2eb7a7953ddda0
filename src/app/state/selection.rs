//! The selection: rows ticked one by one, or everything matching a query. The source decides
//! what "all matching" holds (the demo counts it in memory; HTTP from the answer's total), so
//! every read and change goes through it.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::entry::EntryId;
use crate::model::query::Query;
use crate::model::selection::{Selection, Tristate};
use crate::source::DataSource;

/// The page's selection. `Copy`; changed only through its methods.
#[derive(Clone, Copy)]
pub struct Selected {
    selection: RwSignal<Selection>,
    source: StoredValue<Rc<dyn DataSource>, LocalStorage>,
}

impl Selected {
    pub fn new(source: StoredValue<Rc<dyn DataSource>, LocalStorage>) -> Self {
        Selected {
            selection: RwSignal::new(Selection::default()),
            source,
        }
    }

    /// Subscribes the caller to changes.
    pub fn track(&self) {
        self.selection.track();
    }

    /// The selection as it is now, for a job that lists it (untracked).
    pub fn snapshot(&self) -> Selection {
        self.selection.get_untracked()
    }

    pub fn contains(&self, id: EntryId) -> bool {
        let src = self.source.get_value();
        self.selection
            .with(|s| s.contains_with(id, src.in_selection_base(s, id)))
    }

    /// How many entries are selected (tracked).
    pub fn count(&self) -> usize {
        let src = self.source.get_value();
        self.selection.with(|s| src.selection_count(s))
    }

    /// Whether the selection is "everything matching" (tracked).
    pub fn is_all_matching(&self) -> bool {
        self.selection.with(|s| s.base().is_some())
    }

    /// How many of `ids` are selected: none, some or all (tracked).
    pub fn tristate(&self, ids: &[EntryId]) -> Tristate {
        let src = self.source.get_value();
        self.selection.with(|s| {
            let on = ids
                .iter()
                .filter(|&&id| s.contains_with(id, src.in_selection_base(s, id)))
                .count();
            Tristate::of(on, ids.len())
        })
    }

    pub fn set(&self, ids: &[EntryId], on: bool) {
        let src = self.source.get_value();
        self.selection.update(|s| {
            for &id in ids {
                let in_base = src.in_selection_base(s, id);
                s.set_with(id, on, in_base);
            }
        });
    }

    /// Selects everything matching `query` as resolved at `at` (`total` entries).
    pub fn all_matching(&self, query: Query, at: DateTime<Utc>, total: usize) {
        self.selection
            .update(|s| s.select_all_matching(query, at, total));
    }

    pub fn clear(&self) {
        self.selection.update(Selection::clear);
    }
}
