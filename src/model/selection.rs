//! Which entries the operator has picked, keyed by entry id so it survives sorting, filtering
//! and paging. "Select all matching" is kept as a query plus exceptions, not a million ids.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use super::entry::EntryId;
use super::query::Query;
use super::store::Store;

/// "Every entry matching this query (as of `at`)".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchingBase {
    pub query: Query,
    /// When "last N days" was resolved.
    pub at: DateTime<Utc>,
    /// How many entries matched when the base was chosen (what a source that cannot count
    /// locally, such as the HTTP one, reports).
    pub total: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    base: Option<MatchingBase>,
    /// Picked one by one, outside the base.
    added: BTreeSet<EntryId>,
    /// Unpicked from the base.
    removed: BTreeSet<EntryId>,
}

/// The header checkbox's state over the loaded rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tristate {
    None,
    Some,
    All,
}

impl Tristate {
    /// The state for `on` selected of `of` rows (no rows: none).
    pub fn of(on: usize, of: usize) -> Tristate {
        match on {
            0 => Tristate::None,
            n if n >= of => Tristate::All,
            _ => Tristate::Some,
        }
    }
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.base.is_none() && self.added.is_empty()
    }

    /// Whether the selection is "all matching" (possibly minus some).
    pub fn base(&self) -> Option<&MatchingBase> {
        self.base.as_ref()
    }

    /// Whether `id` matches the "all matching" base (false without one).
    pub fn in_base(&self, store: &Store, id: EntryId) -> bool {
        match (&self.base, store.row_of(id)) {
            (Some(b), Some(row)) => store.matches(row, &b.query, b.at),
            _ => false,
        }
    }

    /// Picked one by one, outside the base.
    pub fn added(&self) -> &BTreeSet<EntryId> {
        &self.added
    }

    /// Unpicked from the base.
    pub fn removed(&self) -> &BTreeSet<EntryId> {
        &self.removed
    }

    pub fn is_selected(&self, store: &Store, id: EntryId) -> bool {
        self.contains_with(id, self.in_base(store, id))
    }

    /// Whether `id` is selected, given whether it matches the base (for sources without a
    /// local store, which decide that from the entry they hold).
    pub fn contains_with(&self, id: EntryId, in_base: bool) -> bool {
        self.added.contains(&id) || (!self.removed.contains(&id) && in_base)
    }

    pub fn set(&mut self, store: &Store, id: EntryId, on: bool) {
        let in_base = self.in_base(store, id);
        self.set_with(id, on, in_base);
    }

    /// Picks or unpicks `id`, given whether it matches the base.
    pub fn set_with(&mut self, id: EntryId, on: bool, in_base: bool) {
        if on {
            self.removed.remove(&id);
            if !in_base {
                self.added.insert(id);
            }
        } else {
            self.added.remove(&id);
            if in_base {
                self.removed.insert(id);
            }
        }
    }

    pub fn toggle(&mut self, store: &Store, id: EntryId) {
        let on = !self.is_selected(store, id);
        self.set(store, id, on);
    }

    /// Adds the given (loaded, visible) entries.
    pub fn select_loaded(&mut self, store: &Store, ids: impl IntoIterator<Item = EntryId>) {
        for id in ids {
            self.set(store, id, true);
        }
    }

    /// Removes the given entries.
    pub fn deselect(&mut self, store: &Store, ids: impl IntoIterator<Item = EntryId>) {
        for id in ids {
            self.set(store, id, false);
        }
    }

    /// Selects every entry matching `query` at `at`, replacing the selection.
    /// `total` is how many matched at `at`.
    pub fn select_all_matching(&mut self, query: Query, at: DateTime<Utc>, total: usize) {
        *self = Selection {
            base: Some(MatchingBase { query, at, total }),
            ..Default::default()
        };
    }

    pub fn clear(&mut self) {
        *self = Selection::default();
    }

    /// How many entries are selected.
    pub fn count(&self, store: &Store) -> usize {
        let base = match &self.base {
            Some(b) => {
                let removed_in_base = self
                    .removed
                    .iter()
                    .filter(|&&id| self.in_base(store, id))
                    .count();
                store.count(&b.query, b.at) - removed_in_base
            }
            None => 0,
        };
        let added = self
            .added
            .iter()
            .filter(|&&id| store.row_of(id).is_some() && !self.in_base(store, id))
            .count();
        base + added
    }

    /// How many entries are selected, from the base's recorded total: exact as long as the
    /// base's matches have not changed since it was chosen.
    pub fn count_recorded(&self) -> usize {
        let base = self
            .base
            .as_ref()
            .map_or(0, |b| b.total.saturating_sub(self.removed.len()));
        base + self.added.len()
    }

    /// The selected ids, in id order.
    pub fn ids(&self, store: &Store) -> Vec<EntryId> {
        let mut out: BTreeSet<EntryId> = self
            .added
            .iter()
            .copied()
            .filter(|&id| store.row_of(id).is_some())
            .collect();
        if let Some(b) = &self.base {
            let rs = store.run(&b.query, b.at);
            out.extend(
                rs.rows
                    .iter()
                    .map(|&r| store.entry(r).id)
                    .filter(|id| !self.removed.contains(id)),
            );
        }
        out.into_iter().collect()
    }
}
