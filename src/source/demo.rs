//! The offline demo: generated entries and a simulated backend, all in the browser.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Utc};

use super::{
    Changes, DataSource, ExportRows, FacetValues, LocalBoxFuture, Progress, SourceError, Window,
};
use crate::export::csv::CsvWriter;
use crate::model::demo::{DemoBackend, DemoConfig};
use crate::model::entry::{Entry, EntryId};
use crate::model::history::{self, History};
use crate::model::query::{FilterField, Query};
use crate::model::resync::ResyncOutcome;
use crate::model::selection::Selection;
use crate::model::store::ResultSet;
use crate::model::summary::Summary;

/// Rows per CSV step (`crate::export::run` runs steps back to back within its time budget).
const CSV_STEP: usize = 2_000;

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

    fn banner(&self) -> Option<&'static str> {
        Some("Demo mode: every entry here is generated in your browser. Resyncs are simulated and nothing leaves this page.")
    }

    /// Every row is at hand: fetched at once, as the table scrolls.
    fn scroll_fetch_delay_ms(&self) -> u32 {
        0
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

    fn after_first_rows(&self) {
        self.backend.borrow().store.prepare_search();
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
        fields: &'static [FilterField],
        query: Query,
    ) -> LocalBoxFuture<'_, Result<Vec<FacetValues>, SourceError>> {
        Box::pin(async move {
            let counts = self
                .backend
                .borrow()
                .store
                .facet_counts(&query, (self.clock)());
            Ok(fields
                .iter()
                .map(|&f| FacetValues {
                    values: counts.values(f),
                    seen_only: false,
                })
                .collect())
        })
    }

    fn changes(
        &self,
        query: Query,
        since: DateTime<Utc>,
    ) -> LocalBoxFuture<'_, Result<Changes, SourceError>> {
        Box::pin(async move {
            let at = (self.clock)();
            let before = self.backend.borrow().store.len();
            let (new, changed) = self.backend.borrow_mut().changes(&query, since, at);
            if !changed.is_empty() || self.backend.borrow().store.len() != before {
                self.cache.borrow_mut().take();
            }
            Ok(Changes { new, changed, at })
        })
    }

    fn history(&self, query: Query) -> LocalBoxFuture<'_, Result<History, SourceError>> {
        Box::pin(async move {
            let at = (self.clock)();
            // Not through `result`: the table's cached result stays for its scrolling.
            let be = self.backend.borrow();
            let rs = be.store.run(&query, at);
            let page = rs
                .window(0, history::SHOWN)
                .iter()
                .map(|&r| be.store.entry(r).clone())
                .collect();
            Ok(History::from_page(&query, page, rs.len(), at))
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

    fn in_selection_base(&self, selection: &Selection, id: EntryId) -> bool {
        selection.in_base(&self.backend.borrow().store, id)
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

    fn export_rows<'a>(
        &'a self,
        query: Query,
        ids: Option<Vec<EntryId>>,
    ) -> LocalBoxFuture<'a, Result<Box<dyn ExportRows + 'a>, SourceError>> {
        Box::pin(async move {
            let rows: Vec<u32> = match ids {
                // The selection, in the order the table shows.
                Some(ids) => {
                    let be = self.backend.borrow();
                    be.store
                        .sort_rows(ids.iter().filter_map(|&id| be.store.row_of(id)), query.sort)
                }
                None => self.result(&query, (self.clock)()).rows.clone(),
            };
            crate::perf::mark("csv-rows");
            Ok(Box::new(DemoRows {
                source: self,
                rows,
                next: 0,
            }) as Box<dyn ExportRows>)
        })
    }
}

/// An export's rows: store positions in file order, written [`CSV_STEP`] at a time.
struct DemoRows<'a> {
    source: &'a DemoSource,
    rows: Vec<u32>,
    next: usize,
}

impl ExportRows for DemoRows<'_> {
    fn total(&self) -> usize {
        self.rows.len()
    }

    fn done(&self) -> usize {
        self.next
    }

    fn skipped(&self) -> usize {
        0
    }

    fn ready(&mut self) -> LocalBoxFuture<'_, Result<bool, SourceError>> {
        let more = self.next < self.rows.len();
        Box::pin(async move { Ok(more) })
    }

    fn write(&mut self, writer: &mut CsvWriter, out: &mut Vec<u8>) {
        let end = (self.next + CSV_STEP).min(self.rows.len());
        let store = &self.source.backend.borrow().store;
        writer.write(
            out,
            self.rows[self.next..end].iter().map(|&r| store.entry(r)),
        );
        self.next = end;
    }
}
