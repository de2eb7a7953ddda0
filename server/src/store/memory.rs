//! The in-memory store: the demo's generated entries, kept in the model's [`Store`] with the
//! demo's simulated resyncs and arrivals. Its answers are the model's, which makes it the oracle
//! the stored backends are tested against: the functions below answer from any model store.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use sync_report::model::demo::{DemoBackend, MAX_CHANGED};
use sync_report::model::entry::{Entry, EntryId};
use sync_report::model::facets::FacetCounts;
use sync_report::model::query::{DateRange, FilterField, Query};
use sync_report::model::resync::ResyncOutcome;
use sync_report::model::store::Store;
use sync_report::model::summary::Summary;
use sync_report::wire::PageRequest;

use super::{EntryStore, Ids, Page, Result};

pub struct MemoryStore {
    backend: Mutex<DemoBackend>,
}

impl MemoryStore {
    pub fn new(backend: DemoBackend) -> MemoryStore {
        MemoryStore {
            backend: Mutex::new(backend),
        }
    }

    fn lock(&self) -> MutexGuard<'_, DemoBackend> {
        // A panicking handler must not take the whole server down with a poisoned lock.
        self.backend.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The data with the simulated changes due by `now` applied: what every answer reads.
    fn at(&self, now: DateTime<Utc>) -> MutexGuard<'_, DemoBackend> {
        let mut be = self.lock();
        be.advance(now);
        be
    }

    /// Runs `f` on the data (tests change entries to set up a case).
    pub fn with_backend<R>(&self, f: impl FnOnce(&mut DemoBackend) -> R) -> R {
        f(&mut self.lock())
    }
}

/// One page of `q` over a model store.
pub fn page_of(
    store: &Store,
    q: &Query,
    page: PageRequest,
    without: &[String],
    now: DateTime<Utc>,
) -> Page {
    let rs = store.run(q, now);
    let mut rows = rs.rows;
    let mut in_range = rs.in_range;
    if !without.is_empty() {
        let down = |r: u32| {
            without
                .iter()
                .any(|g| **g == *store.entry(r).integration.name)
        };
        let before = rows.len();
        rows.retain(|&r| !down(r));
        in_range = in_range.saturating_sub(before - rows.len());
    }
    let total = rows.len();
    let per_page = page.per_page as usize;
    let start = ((page.page - 1) as usize)
        .saturating_mul(per_page)
        .min(total);
    let end = (start + per_page).min(total);
    Page {
        data: rows[start..end]
            .iter()
            .map(|&r| store.entry(r).clone())
            .collect(),
        total: total as u64,
        in_range: in_range as u64,
        available_entities: store.values(FilterField::ServiceEntity),
    }
}

/// Every matching id over a model store, unless more than `max` match.
pub fn ids_of(store: &Store, q: &Query, now: DateTime<Utc>, max: usize) -> Ids {
    let rs = store.run(q, now);
    if rs.len() > max {
        return Ids::TooMany(rs.len() as u64);
    }
    Ids::Listed(rs.rows.iter().map(|&r| store.entry(r).id).collect())
}

/// Entries by id over a model store, in the order asked.
pub fn lookup_of(store: &Store, ids: &[EntryId]) -> Vec<Entry> {
    ids.iter().filter_map(|&i| store.get(i).cloned()).collect()
}

/// What changed since `since` over a model store (see [`EntryStore::changes`]).
pub fn changes_of(
    store: &Store,
    q: &Query,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (u64, Vec<EntryId>) {
    let (from, to) = q.range.bounds(now);
    let from = from.max(since + chrono::Duration::milliseconds(1));
    let new = if from > to {
        0
    } else {
        let mut nq = q.clone();
        nq.range = DateRange::Between { from, to };
        store.count(&nq, now) as u64
    };
    (new, changed_since(store, since))
}

/// The ids, lowest first (at most [`MAX_CHANGED`]), of the entries created by `since` and
/// updated after it: the stored backends' order (the demo's own lists them as they are held).
pub fn changed_since(store: &Store, since: DateTime<Utc>) -> Vec<EntryId> {
    let mut ids: Vec<EntryId> = store
        .entries()
        .iter()
        .filter(|e| e.created_at <= since && e.updated_at.is_some_and(|u| u > since))
        .map(|e| e.id)
        .collect();
    ids.sort_unstable();
    ids.truncate(MAX_CHANGED);
    ids
}

impl EntryStore for MemoryStore {
    async fn page(
        &self,
        q: &Query,
        page: PageRequest,
        without: &[String],
        now: DateTime<Utc>,
    ) -> Result<Page> {
        Ok(page_of(&self.at(now).store, q, page, without, now))
    }

    async fn facets(&self, q: &Query, now: DateTime<Utc>) -> Result<FacetCounts> {
        Ok(self.at(now).store.facet_counts(q, now))
    }

    async fn summary(&self, q: &Query, now: DateTime<Utc>) -> Result<Summary> {
        Ok(self.at(now).store.summary(q, now))
    }

    async fn ids(&self, q: &Query, now: DateTime<Utc>, max: usize) -> Result<Ids> {
        Ok(ids_of(&self.at(now).store, q, now, max))
    }

    async fn lookup(&self, ids: &[EntryId]) -> Result<Vec<Entry>> {
        Ok(lookup_of(&self.lock().store, ids))
    }

    async fn changes(
        &self,
        q: &Query,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<EntryId>)> {
        // The demo's arrivals and settled resyncs first; then the changed ids in the stored
        // backends' order.
        let mut be = self.lock();
        let (new, _) = be.changes(q, since, now);
        Ok((new as u64, changed_since(&be.store, since)))
    }

    async fn resync(&self, ids: &[EntryId], now: DateTime<Utc>) -> Result<Vec<ResyncOutcome>> {
        Ok(self.at(now).resync(ids, now))
    }

    async fn upsert(&self, entries: &[Entry]) -> Result<()> {
        self.lock().store.upsert_many(entries.iter().cloned());
        Ok(())
    }

    async fn purge_before(&self, _cutoff: DateTime<Utc>, _batch: usize) -> Result<u64> {
        // Generated entries are made afresh at every start: nothing to keep or remove.
        Ok(0)
    }

    async fn count(&self) -> Result<u64> {
        Ok(self.lock().store.len() as u64)
    }
}
