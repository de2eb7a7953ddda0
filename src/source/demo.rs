//! The offline demo: generated entries and a simulated backend, all in the browser.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::{
    CsvOut, DataSource, ExportOutcome, FacetValues, LocalBoxFuture, Progress, SourceError, Window,
};
use crate::model::csv_export::{CsvExport, CsvOptions};
use crate::model::demo::{DemoBackend, DemoConfig};
use crate::model::entry::{Entry, EntryId};
use crate::model::query::{FilterField, Query};
use crate::model::resync::ResyncOutcome;
use crate::model::selection::Selection;
use crate::model::store::ResultSet;
use crate::model::summary::Summary;

/// Rows per CSV step. Steps run back to back until [`CSV_BUDGET_MS`] is spent, then the browser
/// gets a turn (progress, input, Cancel): no task near the 50 ms a user would notice, and few
/// enough turns that they cost nothing. The budget leaves room for the step that also hands a
/// 16 MB part of the file to the browser (about 10 ms on top).
const CSV_STEP: usize = 2_000;
const CSV_BUDGET_MS: f64 = 20.0;

pub struct DemoSource {
    backend: RefCell<DemoBackend>,
    /// The last query's result, so paging through it does not rerun the pipeline.
    cache: RefCell<Option<(Query, Rc<ResultSet>)>>,
    clock: Box<dyn Fn() -> DateTime<Utc>>,
    size: usize,
}

impl DemoSource {
    pub fn new(seed: u64, size: usize) -> Self {
        Self::with_clock(seed, size, Box::new(Utc::now))
    }

    /// A demo whose "now" comes from `clock` (tests pin it).
    pub fn with_clock(seed: u64, size: usize, clock: Box<dyn Fn() -> DateTime<Utc>>) -> Self {
        let now = clock();
        crate::perf::mark("demo-start");
        let backend = DemoBackend::new(DemoConfig { seed, size, now });
        crate::perf::mark("demo-ready");
        let size = backend.store.len();
        DemoSource {
            backend: RefCell::new(backend),
            cache: RefCell::new(None),
            clock,
            size,
        }
    }

    fn result(&self, q: &Query, now: DateTime<Utc>) -> Rc<ResultSet> {
        if let Some((cq, rs)) = &*self.cache.borrow() {
            if cq == q {
                return rs.clone();
            }
        }
        let rs = Rc::new(self.backend.borrow().store.run(q, now));
        *self.cache.borrow_mut() = Some((q.clone(), rs.clone()));
        rs
    }
}

impl DemoSource {
    /// Copies of the entries at `offset..offset + len` of a result.
    fn entries_at(&self, rs: &ResultSet, offset: usize, len: usize) -> Vec<Entry> {
        let be = self.backend.borrow();
        rs.window(offset, len)
            .iter()
            .map(|&r| be.store.entry(r).clone())
            .collect()
    }
}

impl DataSource for DemoSource {
    fn describe(&self) -> String {
        format!(
            "Demo data ({} generated entries)",
            crate::format::thousands(self.size)
        )
    }

    fn is_demo(&self) -> bool {
        true
    }

    fn fetch(
        &self,
        query: Query,
        offset: usize,
        len: usize,
    ) -> LocalBoxFuture<'_, Result<Window, SourceError>> {
        Box::pin(async move {
            let at = (self.clock)();
            let rs = self.result(&query, at);
            let entries = self.entries_at(&rs, offset, len);
            Ok(Window {
                entries,
                offset,
                total: rs.len(),
                in_range: rs.in_range,
                rejected: Vec::new(),
                at,
                unavailable: Vec::new(),
            })
        })
    }

    fn peek(&self, query: &Query, range: std::ops::Range<usize>) -> Option<Vec<Entry>> {
        let cache = self.cache.borrow();
        let (cached, rs) = cache.as_ref()?;
        if cached != query {
            return None;
        }
        Some(self.entries_at(rs, range.start, range.len()))
    }

    fn summary(&self, query: Query) -> LocalBoxFuture<'_, Result<Summary, SourceError>> {
        Box::pin(async move {
            let now = (self.clock)();
            Ok(self.backend.borrow().store.summary(&query, now))
        })
    }

    fn facet_values(
        &self,
        field: FilterField,
    ) -> LocalBoxFuture<'_, Result<FacetValues, SourceError>> {
        Box::pin(async move {
            Ok(FacetValues {
                values: self.backend.borrow().store.values(field),
                seen_only: false,
            })
        })
    }

    fn entries(&self, ids: Vec<EntryId>) -> LocalBoxFuture<'_, Result<Vec<Entry>, SourceError>> {
        Box::pin(async move {
            let be = self.backend.borrow();
            Ok(ids
                .iter()
                .filter_map(|&id| be.store.get(id).cloned())
                .collect())
        })
    }

    fn selection_count(&self, selection: &Selection) -> usize {
        selection.count(&self.backend.borrow().store)
    }

    fn selection_ids<'a>(
        &'a self,
        selection: Selection,
        _on_progress: Box<dyn FnMut(Progress) + 'a>,
    ) -> LocalBoxFuture<'a, Result<Vec<EntryId>, SourceError>> {
        Box::pin(async move { Ok(selection.ids(&self.backend.borrow().store)) })
    }

    fn selection_contains(&self, selection: &Selection, id: EntryId) -> bool {
        selection.is_selected(&self.backend.borrow().store, id)
    }

    fn selection_set(&self, selection: &mut Selection, ids: &[EntryId], on: bool) {
        let be = self.backend.borrow();
        for &id in ids {
            selection.set(&be.store, id, on);
        }
    }

    fn resync(
        &self,
        ids: Vec<EntryId>,
    ) -> LocalBoxFuture<'_, Result<Vec<ResyncOutcome>, SourceError>> {
        Box::pin(async move {
            let now = (self.clock)();
            let out = self.backend.borrow_mut().resync(&ids, now);
            self.cache.borrow_mut().take();
            Ok(out)
        })
    }

    fn poll(&self) -> bool {
        let now = (self.clock)();
        let changed = !self.backend.borrow_mut().advance(now).is_empty();
        if changed {
            self.cache.borrow_mut().take();
        }
        changed
    }

    fn export_csv<'a>(
        &'a self,
        query: Query,
        ids: Option<Vec<EntryId>>,
        mut out: CsvOut<'a>,
        mut on_progress: Box<dyn FnMut(Progress) -> bool + 'a>,
    ) -> LocalBoxFuture<'a, Result<ExportOutcome, SourceError>> {
        Box::pin(async move {
            let at = (self.clock)();
            let rows: Vec<u32> = match ids {
                // The selection, in the order the table shows.
                Some(ids) => {
                    let be = self.backend.borrow();
                    be.store
                        .sort_rows(ids.iter().filter_map(|&id| be.store.row_of(id)), query.sort)
                }
                None => self.result(&query, at).rows.clone(),
            };
            crate::perf::mark("csv-rows");
            let mut exp = CsvExport::new(rows, CsvOptions::default());
            let total = exp.total();
            if !on_progress(Progress { done: 0, total }) {
                return Ok(ExportOutcome::Cancelled { rows: 0 });
            }
            loop {
                let started = crate::perf::now_ms();
                let mut more = true;
                while more && crate::perf::now_ms() - started < CSV_BUDGET_MS {
                    let store = &self.backend.borrow().store;
                    out(&mut |buf| more = exp.write_next(store, CSV_STEP, buf));
                }
                if !more {
                    break;
                }
                if !on_progress(Progress {
                    done: exp.done(),
                    total,
                }) {
                    return Ok(ExportOutcome::Cancelled { rows: exp.done() });
                }
                crate::perf::yield_now().await;
            }
            Ok(ExportOutcome::Complete {
                rows: total,
                skipped: 0,
            })
        })
    }
}
