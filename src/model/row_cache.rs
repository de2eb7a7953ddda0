//! The rows the page holds: blocks of a query's result, fetched as the user scrolls (a
//! server-side row model), with the ones far from the viewport dropped so memory stays flat
//! whatever the result's size.

use std::ops::Range;

use super::entry::Entry;

/// Rows per block: one API page (`per_page=100`), so a block is one request.
pub const BLOCK: usize = 100;

/// Blocks kept at most (the viewport's and the nearest others).
pub const MAX_BLOCKS: usize = 24;

/// What sits at one index of the result.
#[derive(Clone, Debug, PartialEq)]
pub enum Slot {
    Loaded(Box<Entry>),
    /// Not fetched yet: drawn as a placeholder row of the same height.
    Loading,
    /// Fetched, but the source could not read the entry here (its block came back short; the
    /// page lists what could not be read).
    Unreadable,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowCache {
    /// Held blocks by block number, in order. At most a few dozen: plain vectors searched
    /// directly (a `BTreeMap` here compiled a copy of its code for these types, about 10 KB of
    /// wasm, for no speed a list this short could notice).
    blocks: Vec<(usize, Vec<Entry>)>,
    /// Asked for, not answered yet.
    pending: Vec<usize>,
    /// Rows in the result (indexes at or past it hold nothing).
    total: usize,
}

/// The blocks holding rows `range`.
pub fn blocks_for(range: Range<usize>) -> Range<usize> {
    if range.is_empty() {
        return 0..0;
    }
    range.start / BLOCK..(range.end - 1) / BLOCK + 1
}

impl RowCache {
    pub fn new(total: usize) -> Self {
        RowCache {
            total,
            ..Default::default()
        }
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// Blocks covering `range` that are neither held nor asked for.
    pub fn missing(&self, range: Range<usize>) -> Vec<usize> {
        let end = range.end.min(self.total);
        blocks_for(range.start.min(end)..end)
            .filter(|&b| !self.is_loaded(b) && !self.pending.contains(&b))
            .collect()
    }

    pub fn mark_pending(&mut self, block: usize) {
        if !self.pending.contains(&block) {
            self.pending.push(block);
        }
    }

    /// Stores an answered block (the entries at `block * BLOCK..`).
    pub fn insert(&mut self, block: usize, entries: Vec<Entry>) {
        self.forget_pending(block);
        match self.position(block) {
            Ok(i) => self.blocks[i].1 = entries,
            Err(i) => self.blocks.insert(i, (block, entries)),
        }
    }

    /// Forgets that a block was asked for (its request failed), so it is asked again.
    pub fn forget_pending(&mut self, block: usize) {
        self.pending.retain(|&b| b != block);
    }

    pub fn is_loaded(&self, block: usize) -> bool {
        self.position(block).is_ok()
    }

    /// Where `block` is in `blocks`, or where it would go.
    fn position(&self, block: usize) -> Result<usize, usize> {
        self.blocks.binary_search_by_key(&block, |b| b.0)
    }

    fn block(&self, block: usize) -> Option<&[Entry]> {
        self.position(block).ok().map(|i| &self.blocks[i].1[..])
    }

    pub fn get(&self, index: usize) -> Option<&Entry> {
        if index >= self.total {
            return None;
        }
        self.block(index / BLOCK)?.get(index % BLOCK)
    }

    /// What to draw at each index of `range` (clipped to the result).
    pub fn slots(&self, range: Range<usize>) -> Vec<(usize, Slot)> {
        (range.start..range.end.min(self.total))
            .map(|i| {
                let slot = match self.block(i / BLOCK) {
                    None => Slot::Loading,
                    Some(b) => b
                        .get(i % BLOCK)
                        .cloned()
                        .map_or(Slot::Unreadable, |e| Slot::Loaded(Box::new(e))),
                };
                (i, slot)
            })
            .collect()
    }

    /// The loaded entries in `range`, in order.
    pub fn loaded(&self, range: Range<usize>) -> Vec<Entry> {
        (range.start..range.end.min(self.total))
            .filter_map(|i| self.get(i).cloned())
            .collect()
    }

    /// The index of a loaded entry, looking near `range` first.
    pub fn index_of(&self, id: super::EntryId, near: Range<usize>) -> Option<usize> {
        near.clone()
            .find(|&i| self.get(i).is_some_and(|e| e.id == id))
            .or_else(|| {
                self.blocks
                    .iter()
                    .find_map(|(b, es)| es.iter().position(|e| e.id == id).map(|p| b * BLOCK + p))
            })
    }

    /// Drops the blocks furthest from `keep` until at most `max` remain.
    pub fn evict(&mut self, keep: Range<usize>, max: usize) {
        if self.blocks.len() <= max {
            return;
        }
        let wanted = blocks_for(keep);
        let distance = |b: usize| {
            if wanted.contains(&b) {
                0
            } else if b < wanted.start {
                wanted.start - b
            } else {
                b + 1 - wanted.end
            }
        };
        let mut by_distance: Vec<usize> = self.blocks.iter().map(|b| b.0).collect();
        super::sort::sort_by_key(&mut by_distance, |&b| std::cmp::Reverse(distance(b)));
        let excess = self.blocks.len() - max;
        by_distance.truncate(excess);
        by_distance.retain(|&b| distance(b) > 0);
        self.blocks.retain(|(b, _)| !by_distance.contains(b));
    }

    /// Blocks held.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::demo::{self, DemoConfig};

    fn entries(n: usize) -> Vec<Entry> {
        demo::generate(DemoConfig {
            seed: 3,
            size: n,
            now: chrono::Utc::now(),
        })
    }

    #[test]
    fn blocks_cover_ranges() {
        assert_eq!(blocks_for(0..0), 0..0);
        assert_eq!(blocks_for(0..1), 0..1);
        assert_eq!(blocks_for(99..101), 0..2);
        assert_eq!(blocks_for(250..300), 2..3);
    }

    #[test]
    fn missing_blocks_are_asked_once_and_placeholders_fill_the_gaps() {
        let all = entries(250);
        let mut c = RowCache::new(250);
        assert_eq!(c.missing(90..120), vec![0, 1]);
        c.mark_pending(0);
        c.mark_pending(1);
        assert!(
            c.missing(90..120).is_empty(),
            "pending blocks are not asked again"
        );
        c.insert(1, all[100..200].to_vec());
        let slots = c.slots(98..102);
        assert_eq!(slots[0], (98, Slot::Loading));
        assert_eq!(slots[2], (100, Slot::Loaded(Box::new(all[100].clone()))));
        c.insert(2, all[200..240].to_vec());
        assert_eq!(
            c.slots(239..241)[1],
            (240, Slot::Unreadable),
            "a short block"
        );
        c.forget_pending(0);
        assert_eq!(c.missing(0..300), vec![0], "clipped to the total");
        assert_eq!(c.index_of(all[150].id, 0..10), Some(150));
        assert_eq!(c.loaded(95..105).len(), 5);
    }

    #[test]
    fn eviction_keeps_the_viewport_and_drops_the_furthest() {
        let all = entries(3000);
        let mut c = RowCache::new(3000);
        for b in 0..30 {
            c.insert(b, all[b * BLOCK..(b + 1) * BLOCK].to_vec());
        }
        c.evict(1500..1520, 5);
        assert_eq!(c.len(), 5);
        for b in 13..18 {
            assert!(c.is_loaded(b), "block {b} near the viewport is kept");
        }
        // The viewport's block is never dropped, even when `max` is too small.
        c.evict(1500..1520, 0);
        assert_eq!(c.len(), 1);
        assert!(c.is_loaded(15));
    }
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod model_tests {
    use super::*;
    use crate::model::demo::{self, DemoConfig};
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Clone, Debug)]
    enum Op {
        Pending(usize),
        Insert(usize, usize),
        Forget(usize),
        Evict(usize, usize, usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0usize..30).prop_map(Op::Pending),
            (0usize..30, 0usize..=BLOCK).prop_map(|(b, n)| Op::Insert(b, n)),
            (0usize..30).prop_map(Op::Forget),
            (0usize..3000, 0usize..400, 0usize..8).prop_map(|(s, l, m)| Op::Evict(s, l, m)),
        ]
    }

    proptest! {
        /// The cache answers as a plain ordered map of blocks and set of pending ones would,
        /// whatever the sequence of requests, answers, failures and evictions.
        #[test]
        fn behaves_as_an_ordered_map_of_blocks(ops in prop::collection::vec(op(), 0..60)) {
            let total = 2_950;
            let all = demo::generate(DemoConfig { seed: 5, size: 3_000, now: chrono::Utc::now() });
            let mut c = RowCache::new(total);
            let mut blocks: BTreeMap<usize, Vec<Entry>> = BTreeMap::new();
            let mut pending: BTreeSet<usize> = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Pending(b) => {
                        c.mark_pending(b);
                        pending.insert(b);
                    }
                    Op::Insert(b, n) => {
                        let rows = all[b * BLOCK..b * BLOCK + n].to_vec();
                        c.insert(b, rows.clone());
                        pending.remove(&b);
                        blocks.insert(b, rows);
                    }
                    Op::Forget(b) => {
                        c.forget_pending(b);
                        pending.remove(&b);
                    }
                    Op::Evict(s, l, max) => {
                        c.evict(s..s + l, max);
                        if blocks.len() > max {
                            let wanted = blocks_for(s..s + l);
                            let far = |b: usize| {
                                if wanted.contains(&b) { 0 } else if b < wanted.start { wanted.start - b } else { b + 1 - wanted.end }
                            };
                            let mut order: Vec<usize> = blocks.keys().copied().collect();
                            order.sort_by_key(|&b| std::cmp::Reverse(far(b)));
                            let excess = blocks.len() - max;
                            for b in order.into_iter().take(excess) {
                                if far(b) > 0 {
                                    blocks.remove(&b);
                                }
                            }
                        }
                    }
                }
                prop_assert_eq!(c.len(), blocks.len());
                let missing: Vec<usize> = blocks_for(0..total)
                    .filter(|b| !blocks.contains_key(b) && !pending.contains(b))
                    .collect();
                prop_assert_eq!(c.missing(0..total + 50), missing);
                for i in (0..total + 10).step_by(7) {
                    let want = if i < total { blocks.get(&(i / BLOCK)).and_then(|b| b.get(i % BLOCK)) } else { None };
                    prop_assert_eq!(c.get(i), want);
                }
                let id = all[(c.len() * 131) % total].id;
                let want = blocks.iter().find_map(|(b, es)| es.iter().position(|e| e.id == id).map(|p| b * BLOCK + p));
                prop_assert_eq!(c.index_of(id, 0..0), want);
            }
        }
    }
}
