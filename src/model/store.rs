//! The in-memory store and the row pipeline: entries -> filtered -> sorted -> window.
//!
//! Built for a million entries without per-keystroke copies of rows:
//! - low-cardinality fields (status, company group, entity, systems) are interned to small ids,
//!   so a header filter is one table lookup per row;
//! - searchable text (references, sync ids) lives lower-cased in one contiguous buffer that
//!   `memchr::memmem` scans at memory speed;
//! - each sortable column's full order (by value, ties by id) is computed once, on first use, and
//!   cached; a sorted result is then one pass over that order keeping the rows whose bit is set.
//!
//! The result is a vector of row positions (`u32`), never a copy of entries. Row positions are
//! stable for the life of the store: updates happen in place and rows are never removed.

use rustc_hash::FxHashMap as HashMap;
use std::hash::Hash;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use super::column::Column;
use super::entry::{Entry, EntryId, Status};
use super::query::{FilterField, Query, SearchScope};

/// Distinct values of one field, each given a small id.
#[derive(Clone, Debug)]
struct Interner<T> {
    values: Vec<T>,
    ids: HashMap<T, u32>,
}

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner {
            values: Vec::new(),
            ids: HashMap::default(),
        }
    }
}

impl<T: Clone + Eq + Hash> Interner<T> {
    fn intern(&mut self, v: &T) -> u32 {
        if let Some(&id) = self.ids.get(v) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(v.clone());
        self.ids.insert(v.clone(), id);
        id
    }
    fn get(&self, v: &T) -> Option<u32> {
        self.ids.get(v).copied()
    }
}

/// Lower-cased text of one field for every row, back to back, with row offsets.
#[derive(Clone, Debug, Default)]
struct TextIndex {
    buf: Vec<u8>,
    /// `starts[r]..starts[r + 1]` is row r's text; `len() == rows + 1`.
    starts: Vec<u32>,
}

impl TextIndex {
    /// An empty index with room for `rows` rows of `bytes` bytes in all, so that building it
    /// never reallocates: a wasm heap keeps its peak for good, and doubling a 10 MB buffer
    /// would leave 20 MB behind.
    fn with_capacity(rows: usize, bytes: usize) -> TextIndex {
        let mut starts = Vec::with_capacity(rows + 1);
        starts.push(0);
        TextIndex {
            buf: Vec::with_capacity(bytes),
            starts,
        }
    }

    fn push(&mut self, t: Option<&str>) {
        if let Some(t) = t {
            if t.is_ascii() {
                self.buf.extend(t.bytes().map(|b| b.to_ascii_lowercase()));
            } else {
                self.buf.extend_from_slice(t.to_lowercase().as_bytes());
            }
        }
        self.starts.push(self.buf.len() as u32);
    }

    fn row_text(&self, r: usize) -> &[u8] {
        &self.buf[self.starts[r] as usize..self.starts[r + 1] as usize]
    }

    /// Sets the bit of every row whose text contains `needle`.
    fn mark_matches(&self, needle: &[u8], mask: &mut BitSet) {
        if needle.is_empty() {
            return;
        }
        let finder = memchr::memmem::Finder::new(needle);
        let mut pos = 0usize;
        let mut row = 0usize;
        while let Some(off) = finder.find(&self.buf[pos..]) {
            let p = pos + off;
            // The row holding byte p: the last start <= p.
            row += self.starts[row..].partition_point(|&s| s as usize <= p) - 1;
            let end = self.starts[row + 1] as usize;
            if p + needle.len() <= end {
                mask.set(row);
                pos = end;
            } else {
                pos = p + 1;
            }
        }
    }
}

/// The lower-cased text a search scans: references and sync ids.
#[derive(Debug)]
struct Texts {
    refs: TextIndex,
    runs: TextIndex,
}

impl Texts {
    fn build(entries: &[Entry]) -> Texts {
        let n = entries.len();
        // Lower-casing keeps ASCII's length; other text may grow a little past the reserve.
        let bytes = entries
            .iter()
            .map(|e| e.common_ref().map_or(0, str::len))
            .sum();
        let mut refs = TextIndex::with_capacity(n + headroom(n), bytes + headroom(bytes));
        for e in entries {
            refs.push(e.common_ref());
        }
        let digits = |r: u64| r.checked_ilog10().map_or(1, |d| d as usize + 1);
        let bytes = entries
            .iter()
            .map(|e| e.last_run_id.map_or(0, digits))
            .sum();
        let mut runs = TextIndex::with_capacity(n + headroom(n), bytes + headroom(bytes));
        let mut b = itoa::Buffer::new();
        for e in entries {
            runs.push(e.last_run_id.map(|r| b.format(r)));
        }
        Texts { refs, runs }
    }
}

/// A fixed-size set of row positions.
#[derive(Clone, Debug)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    pub fn new(len: usize) -> Self {
        BitSet {
            words: vec![0; len.div_ceil(64)],
        }
    }
    #[inline]
    pub fn set(&mut self, i: usize) {
        self.words[i >> 6] |= 1 << (i & 63);
    }
    #[inline]
    pub fn get(&self, i: usize) -> bool {
        self.words[i >> 6] & (1 << (i & 63)) != 0
    }
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
}

/// The sortable columns, in the order of `Store::orders`.
const SORTABLE: [Column; 7] = Column::SORTABLE;

fn sort_slot(c: Column) -> usize {
    SORTABLE
        .iter()
        .position(|&s| s == c)
        .unwrap_or(SORTABLE.len() - 1)
}

/// The result of running a query: row positions in display order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultSet {
    /// Matching rows, sorted.
    pub rows: Vec<u32>,
    /// Entries inside the date range before search and column filters: the "of N" in
    /// "1,204 of 48,311 entries".
    pub in_range: usize,
}

impl ResultSet {
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
    /// Rows `offset..offset + len` of the result, clipped to its end.
    pub fn window(&self, offset: usize, len: usize) -> &[u32] {
        let start = offset.min(self.rows.len());
        let end = offset.saturating_add(len).min(self.rows.len());
        &self.rows[start..end]
    }
}

/// Spare room kept in the store's columns for rows added later (arrivals, a newer page): 2%,
/// so that the first ones do not double every column of a million rows at once.
pub fn headroom(rows: usize) -> usize {
    rows / 50
}

/// The `sig` of a row that is not a failure with a reason.
const NO_SIGNATURE: u32 = u32::MAX;

/// All loaded entries, indexed for the pipeline.
#[derive(Debug, Default)]
pub struct Store {
    entries: Vec<Entry>,
    status: Vec<u32>,
    statuses: Interner<Status>,
    group: Vec<u32>,
    entity: Vec<u32>,
    source: Vec<u32>,
    dest: Vec<u32>,
    names: Interner<Arc<str>>,
    /// Each row's failure signature ([`NO_SIGNATURE`] when it has none).
    sig: Vec<u32>,
    signatures: Interner<Arc<str>>,
    created: Vec<i64>,
    /// The rows' search text, built on first use (a search, a sort by Reference), or by
    /// [`Store::prepare_search`] once the first rows are on screen: a page's first rows never
    /// wait for it (about half of building the store).
    texts: OnceLock<Texts>,
    orders: [OnceLock<Arc<[u32]>>; SORTABLE.len()],
    /// Rows by ascending id: the tie-break of every order. Ids never change in place.
    id_order: OnceLock<Arc<[u32]>>,
}

impl Clone for Store {
    fn clone(&self) -> Self {
        let s = Store::from_entries(self.entries.clone());
        for (i, o) in self.orders.iter().enumerate() {
            if let Some(v) = o.get() {
                let _ = s.orders[i].set(v.clone());
            }
        }
        s
    }
}

impl Store {
    /// Builds the store. A later entry with an id already seen replaces the earlier one.
    ///
    /// The entries stay in the vector they came in (no second copy of a million entries while
    /// building: a wasm heap never shrinks, so a transient copy would cost for good).
    pub fn from_entries(entries: Vec<Entry>) -> Store {
        let n = entries.len();
        let mut s = Store::default();
        for col in [
            &mut s.sig,
            &mut s.status,
            &mut s.group,
            &mut s.entity,
            &mut s.source,
            &mut s.dest,
        ] {
            col.reserve_exact(n + headroom(n));
        }
        s.created.reserve_exact(n + headroom(n));
        for e in &entries {
            s.push_columns(e);
        }
        s.entries = entries;
        // Ids are looked up through the id order (binary search): 4 bytes an entry, where a
        // hash map took over 30 at a million.
        let ids = s.by_id_order();
        let repeated = ids
            .windows(2)
            .any(|w| s.entries[w[0] as usize].id == s.entries[w[1] as usize].id);
        if repeated {
            // Rare (a backend repeating an entry): keep the last of each id.
            let mut last: HashMap<EntryId, usize> = HashMap::default();
            for (i, e) in s.entries.iter().enumerate() {
                last.insert(e.id, i);
            }
            let kept: Vec<Entry> = std::mem::take(&mut s.entries)
                .into_iter()
                .enumerate()
                .filter(|(i, e)| last.get(&e.id) == Some(i))
                .map(|(_, e)| e)
                .collect();
            return Store::from_entries(kept);
        }
        s
    }

    fn push_columns(&mut self, e: &Entry) {
        let st = self.statuses.intern(&e.status);
        let g = self.names.intern(&e.integration.name);
        let en = self.names.intern(&e.entity);
        let so = self.names.intern(&e.system_chain.source);
        let de = self.names.intern(&e.system_chain.destination);
        let sig = super::entry::failure_signature(e).map_or(NO_SIGNATURE, |s| {
            self.signatures.intern(&Arc::from(s.as_str()))
        });
        self.sig.push(sig);
        self.status.push(st);
        self.group.push(g);
        self.entity.push(en);
        self.source.push(so);
        self.dest.push(de);
        self.created.push(e.created_at.timestamp());
    }

    /// Adds an entry, or replaces the one with its id. Text indexes are not updated: callers
    /// rebuild them once after a batch.
    fn upsert(&mut self, e: Entry) {
        match self.row_of(e.id) {
            Some(r) => {
                let r = r as usize;
                self.sig[r] = super::entry::failure_signature(&e).map_or(NO_SIGNATURE, |s| {
                    self.signatures.intern(&Arc::from(s.as_str()))
                });
                self.status[r] = self.statuses.intern(&e.status);
                self.group[r] = self.names.intern(&e.integration.name);
                self.entity[r] = self.names.intern(&e.entity);
                self.source[r] = self.names.intern(&e.system_chain.source);
                self.dest[r] = self.names.intern(&e.system_chain.destination);
                self.created[r] = e.created_at.timestamp();
                self.entries[r] = e;
            }
            None => {
                self.push_columns(&e);
                self.entries.push(e);
                self.id_order.take();
            }
        }
    }

    /// Drops the search text; it is built again when next needed.
    fn rebuild_text(&mut self) {
        self.texts = OnceLock::new();
    }

    /// The search text, built now if it is not yet.
    fn texts(&self) -> &Texts {
        self.texts.get_or_init(|| Texts::build(&self.entries))
    }

    /// Builds the search text now if it is not yet, so the first search does not pay for it.
    /// The demo calls it once its first rows are painted.
    pub fn prepare_search(&self) {
        self.texts();
    }

    /// Drops the cached sort orders, so the next sort computes its column's order afresh.
    /// Updates do this themselves; benchmarks use it to measure a cold sort.
    pub fn invalidate_orders(&mut self) {
        for o in &mut self.orders {
            o.take();
        }
    }

    /// Adds or replaces a batch of entries (a newer page, a refreshed entry, new arrivals).
    pub fn upsert_many(&mut self, entries: impl IntoIterator<Item = Entry>) {
        // Known ids are replaced in place; new ones are appended together, so the id order is
        // recomputed once, not once per entry.
        let mut fresh: Vec<Entry> = Vec::new();
        let mut fresh_at: HashMap<EntryId, usize> = HashMap::default();
        let mut replaced = false;
        for e in entries {
            if self.row_of(e.id).is_some() {
                self.upsert(e);
                replaced = true;
            } else if let Some(&i) = fresh_at.get(&e.id) {
                fresh[i] = e;
            } else {
                fresh_at.insert(e.id, fresh.len());
                fresh.push(e);
            }
        }
        for e in &fresh {
            self.push_columns(e);
        }
        if replaced {
            self.entries.extend(fresh);
            self.rebuild_text();
        } else {
            // Only arrivals: their texts are appended (rebuilding a million rows' text for a
            // few new ones took longer than a frame, every time entries arrive).
            // Not built yet: it will be, from every entry, when first needed.
            if let Some(t) = self.texts.get_mut() {
                let mut b = itoa::Buffer::new();
                for e in &fresh {
                    t.refs.push(e.common_ref());
                    t.runs.push(e.last_run_id.map(|r| b.format(r)));
                }
            }
            self.entries.extend(fresh);
        }
        self.invalidate_orders();
        self.id_order.take();
    }

    /// Changes one entry in place, keeping the indexes right. Returns false if the id is unknown.
    pub fn update(&mut self, id: EntryId, f: impl FnOnce(&mut Entry)) -> bool {
        let Some(r) = self.row_of(id) else {
            return false;
        };
        let mut e = self.entries[r as usize].clone();
        f(&mut e);
        e.id = id;
        let before = &self.entries[r as usize];
        let text_changed =
            before.common_ref() != e.common_ref() || before.last_run_id != e.last_run_id;
        let sort_changed: Vec<Column> = SORTABLE
            .into_iter()
            .filter(|c| match c {
                Column::Status => before.status != e.status,
                Column::CompanyGroup => before.integration.name != e.integration.name,
                Column::ServiceEntity => before.entity != e.entity,
                Column::Systems => before.system_chain != e.system_chain,
                Column::SyncId => before.last_run_id != e.last_run_id,
                Column::Reference => before.common_ref() != e.common_ref(),
                _ => before.created_at != e.created_at,
            })
            .collect();
        self.upsert(e);
        if text_changed {
            self.rebuild_text();
        }
        for c in sort_changed {
            self.orders[sort_slot(c)].take();
        }
        true
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
    /// The entry at a row position from a [`ResultSet`].
    pub fn entry(&self, row: u32) -> &Entry {
        &self.entries[row as usize]
    }
    pub fn get(&self, id: EntryId) -> Option<&Entry> {
        self.row_of(id).map(|r| self.entry(r))
    }
    pub fn row_of(&self, id: EntryId) -> Option<u32> {
        let ids = self.by_id_order();
        ids.binary_search_by_key(&id, |&r| self.entries[r as usize].id)
            .ok()
            .map(|i| ids[i])
    }

    /// Distinct values of a filter field, sorted, for the header filter menus.
    pub fn values(&self, field: FilterField) -> Vec<String> {
        self.value_ids(field)
            .into_iter()
            .map(|id| self.value_text(field, id))
            .collect()
    }

    /// The interned ids of a field's distinct values, in the menus' order: statuses in their
    /// own order, names by lower-cased text (empty names left out).
    fn value_ids(&self, field: FilterField) -> Vec<u32> {
        let names = &self.names;
        let col = match field {
            FilterField::Status => {
                // The statuses entries hold now (a status every entry has left is not offered).
                let mut seen = vec![false; self.statuses.values.len()];
                for &id in &self.status {
                    seen[id as usize] = true;
                }
                let mut v: Vec<u32> = (0..self.statuses.values.len() as u32)
                    .filter(|&i| seen[i as usize])
                    .collect();
                let st = &self.statuses.values;
                super::sort::sort_by(&mut v, |&a, &b| st[a as usize].cmp(&st[b as usize]));
                return v;
            }
            FilterField::CompanyGroup => &self.group,
            FilterField::ServiceEntity => &self.entity,
            FilterField::SourceSystem => &self.source,
            FilterField::DestinationSystem => &self.dest,
        };
        let mut seen = vec![false; names.values.len()];
        for &id in col {
            seen[id as usize] = true;
        }
        let mut out: Vec<u32> = (0..names.values.len() as u32)
            .filter(|&i| seen[i as usize] && !names.values[i as usize].is_empty())
            .collect();
        // Ties (names equal but for case) by their text, as the sort orders them: the same
        // order whatever order the entries came in (the stored backends give it too).
        super::sort::sort_by_cached_key(&mut out, |&i| {
            let v = &names.values[i as usize];
            (v.to_lowercase(), v.clone())
        });
        out
    }

    fn value_text(&self, field: FilterField, id: u32) -> String {
        match field {
            FilterField::Status => self.statuses.values[id as usize].api_value().to_string(),
            _ => self.names.values[id as usize].to_string(),
        }
    }

    /// Every header filter's values with how many entries choosing each would give: for each
    /// field, the entries matching the range, the search and every filter but the field's own.
    /// Every value in the store is listed, at 0 where none would match.
    ///
    /// One pass over the rows the range and search leave: a row failing no field's filter counts
    /// for every field, a row failing exactly one counts for that field alone (its value is
    /// what choosing it would add), and a row failing two counts for none.
    pub fn facet_counts(&self, q: &Query, now: DateTime<Utc>) -> super::facets::FacetCounts {
        let mut base = q.clone();
        for f in FilterField::ALL {
            base.filters.clear(f);
        }
        let (mask, _) = self.filter_mask(&base, now);
        let plan = self.plan(q, now);
        let allows = [
            &plan.status_ok,
            &plan.group_ok,
            &plan.entity_ok,
            &plan.source_ok,
            &plan.dest_ok,
        ];
        let columns = [
            &self.status,
            &self.group,
            &self.entity,
            &self.source,
            &self.dest,
        ];
        let mut counts: [Vec<u64>; 5] = std::array::from_fn(|i| {
            vec![
                0;
                if i == 0 {
                    self.statuses.values.len()
                } else {
                    self.names.values.len()
                }
            ]
        });
        for (w, &word) in mask.words.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let r = (w << 6) + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let mut failed = usize::MAX;
                let mut fails = 0;
                for i in 0..5 {
                    let v = columns[i][r] as usize;
                    if let Some(a) = allows[i] {
                        if !a.get(v).copied().unwrap_or(false) {
                            fails += 1;
                            failed = i;
                        }
                    }
                }
                match fails {
                    0 => {
                        for i in 0..5 {
                            counts[i][columns[i][r] as usize] += 1;
                        }
                    }
                    1 => counts[failed][columns[failed][r] as usize] += 1,
                    _ => {}
                }
            }
        }
        super::facets::FacetCounts::new(FilterField::ALL.map(|f| {
            self.value_ids(f)
                .into_iter()
                .map(|id| (self.value_text(f, id), counts[f.index()][id as usize]))
                .collect()
        }))
    }

    /// Runs the query: filter, then sort. `now` resolves "last N days".
    pub fn run(&self, q: &Query, now: DateTime<Utc>) -> ResultSet {
        let (mask, in_range) = self.filter_mask(q, now);
        let order = self.order(q.sort.column);
        let mut rows = Vec::with_capacity(mask.count());
        match q.sort.direction {
            super::query::Direction::Asc => {
                rows.extend(order.iter().copied().filter(|&r| mask.get(r as usize)))
            }
            super::query::Direction::Desc => rows.extend(
                order
                    .iter()
                    .rev()
                    .copied()
                    .filter(|&r| mask.get(r as usize)),
            ),
        }
        ResultSet { rows, in_range }
    }

    /// Puts a set of rows in the order of `sort` (for exporting a selection as it is shown).
    pub fn sort_rows(
        &self,
        rows: impl IntoIterator<Item = u32>,
        sort: super::query::Sort,
    ) -> Vec<u32> {
        let mut wanted = BitSet::new(self.entries.len());
        for r in rows {
            if (r as usize) < self.entries.len() {
                wanted.set(r as usize);
            }
        }
        let order = self.order(sort.column);
        let keep = |&r: &u32| wanted.get(r as usize);
        match sort.direction {
            super::query::Direction::Asc => order.iter().copied().filter(keep).collect(),
            super::query::Direction::Desc => order.iter().rev().copied().filter(keep).collect(),
        }
    }

    /// The summary strip's numbers for `q` at `now` (see [`super::summary`]).
    pub fn summary(&self, q: &Query, now: DateTime<Utc>) -> super::summary::Summary {
        let mut b = super::summary::Builder::new(q, now);
        let mut without_status = q.clone();
        without_status.filters.status.clear();
        let (all, _) = self.filter_mask(&without_status, now);
        let (matching, _) = self.filter_mask(q, now);
        let mut for_groups_q = without_status;
        for_groups_q.filters.failure = None;
        let (for_groups, _) = self.filter_mask(&for_groups_q, now);
        // Counted by interned id in one pass over the columns, then handed to the builder per
        // status and per failure group: a million rows through the builder one entry at a
        // time (status comparisons, chrono arithmetic, a string per failure) took longer than
        // the search that asked for the summary.
        let statuses = self.statuses.values.len();
        let buckets = b.buckets();
        let mut counts = vec![0u64; statuses];
        let mut chart = vec![0u32; statuses * buckets];
        let pending = self.statuses.get(&Status::Pending).map(|id| id as usize);
        let mut stuck = 0u64;
        let mut groups: HashMap<u32, GroupCount> = HashMap::default();
        for r in 0..self.entries.len() {
            let status = self.status[r] as usize;
            if for_groups.get(r) && self.sig[r] != NO_SIGNATURE {
                let g = groups.entry(self.sig[r]).or_insert_with(|| GroupCount {
                    count: 0,
                    newest: r,
                    systems: HashMap::default(),
                });
                g.count += 1;
                // Newest by (created, id); whole seconds decide without touching the entries
                // unless they tie.
                let newer = match self.created[r].cmp(&self.created[g.newest]) {
                    std::cmp::Ordering::Greater => true,
                    std::cmp::Ordering::Less => false,
                    std::cmp::Ordering::Equal => {
                        let (e, newest) = (&self.entries[r], &self.entries[g.newest]);
                        (e.created_at, e.id) > (newest.created_at, newest.id)
                    }
                };
                if newer {
                    g.newest = r;
                }
                g.systems
                    .entry((self.source[r], self.dest[r]))
                    .or_insert((r, 0))
                    .1 += 1;
            }
            if all.get(r) {
                counts[status] += 1;
                // Only Pending rows reach the entry (when it became Pending: its latest run).
                if Some(status) == pending && self.entries[r].is_stuck(now) {
                    stuck += 1;
                }
            }
            if matching.get(r) {
                let nanos = || self.entries[r].created_at.timestamp_subsec_nanos();
                if let Some(i) = b.bucket_of(self.created[r], nanos) {
                    chart[status * buckets + i] += 1;
                }
            }
        }
        for (id, status) in self.statuses.values.iter().enumerate() {
            if counts[id] > 0 {
                b.count_statuses(status, counts[id]);
            }
            b.add_series(status, &chart[id * buckets..(id + 1) * buckets]);
        }
        b.count_stuck_n(stuck);
        for (sig, g) in groups {
            b.add_failure_group(
                &self.signatures.values[sig as usize],
                g.count,
                &self.entries[g.newest],
                g.systems
                    .into_values()
                    .map(|(r, n)| (self.entries[r].system_chain.to_string(), n)),
            );
        }
        b.finish()
    }

    /// How many entries match the query's range, search and filters (its sort is ignored).
    pub fn count(&self, q: &Query, now: DateTime<Utc>) -> usize {
        self.filter_mask(q, now).0.count()
    }

    /// Whether one entry matches the query's range, search and filters.
    pub fn matches(&self, row: u32, q: &Query, now: DateTime<Utc>) -> bool {
        let plan = self.plan(q, now);
        let r = row as usize;
        let search_hit = match &plan.search {
            SearchPlan::None => true,
            SearchPlan::Needle {
                needle,
                scope,
                systems,
            } => {
                let texts = self.texts();
                let hit_text =
                    |ix: &TextIndex| memchr::memmem::find(ix.row_text(r), needle).is_some();
                let hit_sys = || systems[self.source[r] as usize] || systems[self.dest[r] as usize];
                match scope {
                    SearchScope::All => hit_text(&texts.refs) || hit_text(&texts.runs) || hit_sys(),
                    SearchScope::Reference => hit_text(&texts.refs),
                    SearchScope::SyncId => hit_text(&texts.runs),
                    SearchScope::System => hit_sys(),
                }
            }
        };
        search_hit && plan.passes(self, r)
    }

    fn plan(&self, q: &Query, now: DateTime<Utc>) -> Plan {
        let (from, to) = q.range.bounds(now);
        let names = &self.names;
        let n_names = names.values.len();
        let allow_names = |set: &std::collections::BTreeSet<String>| -> Option<Vec<bool>> {
            if set.is_empty() {
                return None;
            }
            let mut ok = vec![false; n_names];
            for v in set {
                if let Some(id) = names.get(&Arc::from(v.as_str())) {
                    ok[id as usize] = true;
                }
            }
            Some(ok)
        };
        let status_ok = (!q.filters.status.is_empty()).then(|| {
            let mut ok = vec![false; self.statuses.values.len()];
            for s in &q.filters.status {
                if let Some(id) = self.statuses.get(s) {
                    ok[id as usize] = true;
                }
            }
            ok
        });
        // Stuck: Pending for longer than the threshold at `now` (Entry::is_stuck).
        let stuck = q
            .filters
            .stuck
            .then(|| (self.statuses.get(&Status::Pending).unwrap_or(u32::MAX), now));
        // A signature nobody has matches nothing.
        let failure = q.filters.failure.as_ref().map(|g| {
            self.signatures
                .get(&Arc::from(g.as_str()))
                .unwrap_or(NO_SIGNATURE - 1)
        });
        let search = if !q.search.is_active() {
            SearchPlan::None
        } else {
            let needle: String = q
                .search
                .needle()
                .chars()
                .filter(|c| !c.is_control())
                .collect();
            if needle.is_empty() {
                SearchPlan::None
            } else {
                let systems = names
                    .values
                    .iter()
                    .map(|v| v.to_lowercase().contains(&needle))
                    .collect();
                SearchPlan::Needle {
                    needle: needle.into_bytes(),
                    scope: q.search.scope,
                    systems,
                }
            }
        };
        Plan {
            from: from.timestamp(),
            to: to.timestamp(),
            status_ok,
            failure,
            stuck,
            group_ok: allow_names(&q.filters.groups),
            entity_ok: allow_names(&q.filters.entities),
            source_ok: allow_names(&q.filters.sources),
            dest_ok: allow_names(&q.filters.destinations),
            reference: q.filters.reference.clone(),
            search,
        }
    }

    fn filter_mask(&self, q: &Query, now: DateTime<Utc>) -> (BitSet, usize) {
        let n = self.entries.len();
        let plan = self.plan(q, now);
        // Text search first: it marks candidate rows; the row loop then checks the rest.
        let text_hits = match &plan.search {
            SearchPlan::Needle { needle, scope, .. } => {
                let mut m = BitSet::new(n);
                if matches!(scope, SearchScope::All | SearchScope::Reference) {
                    self.texts().refs.mark_matches(needle, &mut m);
                }
                if matches!(scope, SearchScope::All | SearchScope::SyncId) {
                    self.texts().runs.mark_matches(needle, &mut m);
                }
                Some(m)
            }
            _ => None,
        };
        // Everything that does not change from row to row is settled before the loop, which
        // runs over every row (at opt-level z, per-row matches and closures cost more than the
        // substring search itself at a million rows).
        let searching = !matches!(plan.search, SearchPlan::None);
        let systems: Option<&[bool]> = match &plan.search {
            SearchPlan::Needle {
                scope: SearchScope::All | SearchScope::System,
                systems,
                ..
            } => Some(systems),
            _ => None,
        };
        let text = text_hits.as_ref().map(|m| &m.words[..]);
        let filtered = plan.has_filters();
        let (created, source, dest) = (&self.created[..n], &self.source[..n], &self.dest[..n]);
        let mut mask = BitSet::new(n);
        let mut in_range = 0usize;
        for r in 0..n {
            let t = created[r];
            if t < plan.from || t > plan.to {
                continue;
            }
            in_range += 1;
            if searching {
                let hit = text.is_some_and(|w| (w[r >> 6] >> (r & 63)) & 1 != 0)
                    || systems.is_some_and(|s| s[source[r] as usize] || s[dest[r] as usize]);
                if !hit {
                    continue;
                }
            }
            if !filtered || plan.passes_filters(self, r) {
                mask.set(r);
            }
        }
        (mask, in_range)
    }

    /// The full order of a sortable column, ascending by value then id. Cached.
    pub fn order(&self, column: Column) -> Arc<[u32]> {
        let slot = sort_slot(column);
        self.orders[slot]
            .get_or_init(|| self.compute_order(SORTABLE[slot]))
            .clone()
    }

    /// Rows sorted by id (cached): the id index and the tie-break of every sort.
    fn by_id_order(&self) -> &Arc<[u32]> {
        self.id_order.get_or_init(|| {
            let rows: Vec<u32> = (0..self.entries.len() as u32).collect();
            if self.entries.windows(2).all(|w| w[0].id < w[1].id) {
                rows.into()
            } else {
                radix_order(&rows, |r| self.entries[r as usize].id.0).into()
            }
        })
    }

    /// Stable counting sort of the id order by a small rank: O(n) for interned columns.
    fn counting_order(&self, rank_of_row: impl Fn(usize) -> u32, ranks: usize) -> Vec<u32> {
        let ids = self.by_id_order();
        let ids = &ids[..];
        let mut counts = vec![0u32; ranks + 1];
        for &r in ids {
            counts[rank_of_row(r as usize) as usize + 1] += 1;
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut out = vec![0u32; ids.len()];
        for &r in ids {
            let k = rank_of_row(r as usize) as usize;
            out[counts[k] as usize] = r;
            counts[k] += 1;
        }
        out
    }

    /// Ranks of interned names in case-insensitive order.
    fn name_ranks(&self) -> Vec<u32> {
        let names = &self.names;
        let mut ids: Vec<u32> = (0..names.values.len() as u32).collect();
        super::sort::sort_by_cached_key(&mut ids, |&i| {
            (
                names.values[i as usize].to_lowercase(),
                names.values[i as usize].clone(),
            )
        });
        let mut rank = vec![0u32; ids.len()];
        for (pos, &i) in ids.iter().enumerate() {
            rank[i as usize] = pos as u32;
        }
        rank
    }

    fn compute_order(&self, column: Column) -> Arc<[u32]> {
        let out: Vec<u32> = match column {
            Column::Status => {
                let st = &self.statuses.values;
                let mut ids: Vec<usize> = (0..st.len()).collect();
                super::sort::sort_by(&mut ids, |&a, &b| st[a].cmp(&st[b]));
                let mut rank = vec![0u32; st.len()];
                for (pos, &i) in ids.iter().enumerate() {
                    rank[i] = pos as u32;
                }
                self.counting_order(|r| rank[self.status[r] as usize], rank.len())
            }
            Column::CompanyGroup | Column::ServiceEntity => {
                let rank = self.name_ranks();
                let col = if column == Column::CompanyGroup {
                    &self.group
                } else {
                    &self.entity
                };
                self.counting_order(|r| rank[col[r] as usize], rank.len())
            }
            Column::Systems => {
                let rank = self.name_ranks();
                let n = rank.len() as u64;
                let pair = |r: usize| {
                    u64::from(rank[self.source[r] as usize]) * n
                        + u64::from(rank[self.dest[r] as usize])
                };
                if n * n <= 4 * self.entries.len() as u64 + 1024 {
                    // Fits u32: entries are counted in u32.
                    self.counting_order(|r| pair(r) as u32, (n * n) as usize)
                } else {
                    // From the id order, stably: ties by id.
                    radix_order(self.by_id_order(), |r| pair(r as usize))
                }
            }
            Column::SyncId => radix_order(self.by_id_order(), |r| {
                self.entries[r as usize]
                    .last_run_id
                    .map_or(0, |v| v.saturating_add(1))
            }),
            Column::Reference => {
                // Sort by an 8-byte prefix of the lower-cased text (stable, in id order), then
                // order each run of equal prefixes by the full text: most rows never compare
                // strings at all.
                let refs = &self.texts().refs;
                let prefix = |r: u32| {
                    let t = refs.row_text(r as usize);
                    let mut k = [0u8; 8];
                    let n = t.len().min(8);
                    k[..n].copy_from_slice(&t[..n]);
                    u64::from_be_bytes(k)
                };
                let mut keyed: Vec<(u64, u32)> =
                    self.by_id_order().iter().map(|&r| (prefix(r), r)).collect();
                radsort::sort_by_key(&mut keyed, |k| k.0); // stable: ties stay in id order
                let by_text = |a: &(u64, u32), b: &(u64, u32)| {
                    let (ta, tb) = (refs.row_text(a.1 as usize), refs.row_text(b.1 as usize));
                    ta.cmp(tb).then_with(|| {
                        // Equal texts. If empty, none (no reference) sorts before an empty
                        // reference.
                        let some = |r: u32| {
                            ta.is_empty() && self.entries[r as usize].common_ref().is_some()
                        };
                        some(a.1).cmp(&some(b.1))
                    })
                };
                let mut i = 0;
                while i < keyed.len() {
                    let mut j = i + 1;
                    while j < keyed.len() && keyed[j].0 == keyed[i].0 {
                        j += 1;
                    }
                    let run = &mut keyed[i..j];
                    if run.len() <= 16 {
                        // Most runs are a few rows: sorted in place, stably, without the
                        // shared sort's index buffer.
                        for k in 1..run.len() {
                            let mut m = k;
                            while m > 0 && by_text(&run[m - 1], &run[m]).is_gt() {
                                run.swap(m - 1, m);
                                m -= 1;
                            }
                        }
                    } else {
                        super::sort::sort_by(run, by_text);
                    }
                    i = j;
                }
                keyed.into_iter().map(|(_, r)| r).collect()
            }
            // Signed times as unsigned keys in the same order.
            _ => radix_order(self.by_id_order(), |r| {
                self.created[r as usize] as u64 ^ (1 << 63)
            }),
        };
        out.into()
    }
}

/// One failure group being counted by [`Store::summary`].
struct GroupCount {
    count: u64,
    /// The newest row (by creation time, then id).
    newest: usize,
    /// Per (source, destination): a row showing the pair, and the count.
    systems: HashMap<(u32, u32), (usize, u64)>,
}

enum SearchPlan {
    None,
    Needle {
        needle: Vec<u8>,
        scope: SearchScope,
        systems: Vec<bool>,
    },
}

struct Plan {
    from: i64,
    to: i64,
    status_ok: Option<Vec<bool>>,
    failure: Option<u32>,
    /// (Pending's status id, the time the query is evaluated at) for the stuck filter.
    stuck: Option<(u32, DateTime<Utc>)>,
    group_ok: Option<Vec<bool>>,
    entity_ok: Option<Vec<bool>>,
    source_ok: Option<Vec<bool>>,
    dest_ok: Option<Vec<bool>>,
    /// An exact reference (an item's history).
    reference: Option<String>,
    search: SearchPlan,
}

impl Plan {
    /// Whether any filter beyond the range and the search is on.
    fn has_filters(&self) -> bool {
        self.failure.is_some()
            || self.stuck.is_some()
            || self.status_ok.is_some()
            || self.group_ok.is_some()
            || self.entity_ok.is_some()
            || self.source_ok.is_some()
            || self.dest_ok.is_some()
            || self.reference.is_some()
    }

    #[inline]
    fn passes_filters(&self, s: &Store, r: usize) -> bool {
        #[inline]
        fn ok(allow: &Option<Vec<bool>>, v: u32) -> bool {
            allow
                .as_ref()
                .is_none_or(|a| a.get(v as usize).copied().unwrap_or(false))
        }
        self.failure.is_none_or(|f| s.sig[r] == f)
            && self
                .stuck
                .is_none_or(|(pending, now)| s.status[r] == pending && s.entries[r].is_stuck(now))
            && ok(&self.status_ok, s.status[r])
            && ok(&self.group_ok, s.group[r])
            && ok(&self.entity_ok, s.entity[r])
            && ok(&self.source_ok, s.source[r])
            && ok(&self.dest_ok, s.dest[r])
            && self
                .reference
                .as_deref()
                .is_none_or(|x| s.entries[r].common_ref() == Some(x))
    }

    fn passes(&self, s: &Store, r: usize) -> bool {
        let t = s.created[r];
        t >= self.from && t <= self.to && self.passes_filters(s, r)
    }
}

/// `ids` (rows in id order) stably sorted by `key`: rows with equal keys stay in id order.
///
/// When the keys span less than 2^32 (a store's Sync IDs, creation times within a century),
/// each row is sorted as one u64, its key's offset above the row: 8 bytes a row and four radix
/// passes, where (u64, u32) pairs took 16 bytes (and as much again for the sort's buffer, which
/// a wasm heap keeps once it has grown for it) and eight passes.
fn radix_order(ids: &[u32], key: impl Fn(u32) -> u64) -> Vec<u32> {
    let (lo, hi) = ids.iter().fold((u64::MAX, 0), |(lo, hi), &r| {
        let k = key(r);
        (lo.min(k), hi.max(k))
    });
    if hi.saturating_sub(lo) <= u64::from(u32::MAX) {
        let mut packed: Vec<u64> = ids
            .iter()
            .map(|&r| ((key(r) - lo) << 32) | u64::from(r))
            .collect();
        radsort::sort_by_key(&mut packed, |&p| (p >> 32) as u32);
        packed.iter().map(|&p| p as u32).collect()
    } else {
        let mut keyed: Vec<(u64, u32)> = ids.iter().map(|&r| (key(r), r)).collect();
        radsort::sort_by_key(&mut keyed, |k| k.0);
        keyed.into_iter().map(|(_, r)| r).collect()
    }
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::radix_order;
    use proptest::prelude::*;

    fn keys() -> impl Strategy<Value = Vec<u64>> {
        prop_oneof![
            // Few distinct keys near each other (ties), then near the ends of u64 (the wide
            // fallback), then a span of exactly 2^32 - 1 and 2^32 (either side of the packing).
            prop::collection::vec(1_000u64..1_010, 0..200),
            prop::collection::vec(prop_oneof![0u64..3, (u64::MAX - 3)..=u64::MAX], 0..200),
            prop::collection::vec(
                prop_oneof![Just(5u64), Just(5 + u64::from(u32::MAX))],
                0..50
            ),
            prop::collection::vec(
                prop_oneof![Just(5u64), Just(6 + u64::from(u32::MAX))],
                0..50
            ),
        ]
    }

    proptest! {
        #[test]
        fn radix_order_is_a_stable_sort_by_key(keys in keys(), rot in 0usize..200) {
            // Rows in a shuffled "id order", so stability is visible.
            let n = keys.len() as u32;
            let ids: Vec<u32> = (0..n).map(|i| (i + rot as u32) % n.max(1)).collect();
            let mut expected = ids.clone();
            expected.sort_by_key(|&r| keys[r as usize]);
            prop_assert_eq!(radix_order(&ids, |r| keys[r as usize]), expected);
        }
    }
}
