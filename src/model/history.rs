//! An item's whole history: every attempt to sync the same item in the last 15 days, whatever
//! the page's filters and range. The same item is the same reference, service entity and
//! systems (source and destination).

use super::column::Column;
use super::entry::Entry;
use super::query::{DateRange, Direction, Query, SearchScope, Sort, MAX_DAYS};

/// How many attempts the History dialog lists (the newest); it says how many more there are.
pub const SHOWN: usize = 50;

/// The reference that ties `e` to its other attempts; None when it has none.
pub fn reference(e: &Entry) -> Option<&str> {
    e.common_ref().filter(|r| !r.trim().is_empty())
}

/// The query that finds `e`'s item: its exact reference, entity, source and destination, over
/// the last 15 days, newest first. None for an entry without a reference (nothing ties it to
/// other attempts).
///
/// The search for the reference is redundant with the exact filter, on purpose: a backend that
/// does not know `filter[reference]` still narrows its answer to entries containing it, and the
/// viewer keeps the exact ones ([`History::from_page`]).
pub fn query(e: &Entry) -> Option<Query> {
    let reference = reference(e)?;
    let mut q = Query {
        range: DateRange::LastDays(MAX_DAYS),
        sort: Sort {
            column: Column::CreatedUtc,
            direction: Direction::Desc,
        },
        ..Query::default()
    };
    // A search drops control characters from its term, so a reference holding one could not
    // be found by it: the exact filter alone then.
    if !reference.chars().any(char::is_control) {
        q.search.term = reference.to_string();
        q.search.scope = SearchScope::Reference;
    }
    q.filters.reference = Some(reference.to_string());
    q.filters.entities.insert(e.entity.to_string());
    q.filters.sources.insert(e.system_chain.source.to_string());
    q.filters
        .destinations
        .insert(e.system_chain.destination.to_string());
    Some(q)
}

/// The attempts of one item, newest first.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    /// The newest attempts, at most [`SHOWN`].
    pub attempts: Vec<Entry>,
    /// How many attempts there are in all.
    pub total: usize,
    /// Whether `total` is exact. False when the backend did not filter by reference and the
    /// viewer counted the attempts among the entries it could read (at least `total`).
    pub exact: bool,
}

impl History {
    /// From a page of the history query's result (newest first) and the result's size.
    ///
    /// Entries that are not the item (a backend that ignored `filter[reference]` or another
    /// filter) are dropped; then `total` is what was kept, and it is exact only if the page
    /// held the whole result.
    pub fn from_page(
        q: &Query,
        page: Vec<Entry>,
        total: usize,
        at: chrono::DateTime<chrono::Utc>,
    ) -> History {
        let read = page.len();
        let attempts: Vec<Entry> = page
            .into_iter()
            .filter(|e| q.matches_entry(e, at))
            .collect();
        if attempts.len() == read {
            let total = total.max(read);
            let mut attempts = attempts;
            attempts.truncate(SHOWN);
            return History {
                attempts,
                total,
                exact: true,
            };
        }
        let kept = attempts.len();
        let mut attempts = attempts;
        attempts.truncate(SHOWN);
        History {
            attempts,
            total: kept,
            exact: read >= total,
        }
    }

    /// "Attempt n of N" for the attempt at `i` (0 is the newest): attempts are numbered from
    /// the oldest. None when the total is not known exactly.
    pub fn number(&self, i: usize) -> Option<usize> {
        self.exact.then(|| self.total - i)
    }

    /// How many attempts are not listed.
    pub fn more(&self) -> usize {
        self.total - self.attempts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::demo::{self, DemoConfig};
    use chrono::TimeZone;

    fn demo() -> (Vec<Entry>, chrono::DateTime<chrono::Utc>) {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
            .unwrap();
        let all = demo::generate(DemoConfig {
            seed: 7,
            size: 5_000,
            now,
        });
        (all, now)
    }

    #[test]
    fn a_backend_that_ignores_the_reference_filter_gets_the_exact_attempts_counted() {
        let (all, now) = demo();
        // An item with several attempts (a product's SKU recurs).
        let e = all
            .iter()
            .find(|e| {
                let q = query(e).unwrap();
                all.iter().filter(|a| q.matches_entry(a, now)).count() > 3
            })
            .expect("an item with attempts")
            .clone();
        let q = query(&e).unwrap();
        let mine: Vec<Entry> = all
            .iter()
            .filter(|a| q.matches_entry(a, now))
            .cloned()
            .collect();
        // Exact answer: kept as it is, numbered from the oldest.
        let h = History::from_page(&q, mine.clone(), mine.len(), now);
        assert!(h.exact);
        assert_eq!(
            (h.total, h.more(), h.number(0)),
            (mine.len(), 0, Some(mine.len()))
        );
        // The answer holds other entries too (the filter was ignored): only the item's are kept,
        // and the count is exact only when the page held the whole answer.
        let mut mixed: Vec<Entry> = all[..200]
            .iter()
            .filter(|a| !q.matches_entry(a, now))
            .cloned()
            .collect();
        mixed.extend(mine.iter().cloned());
        let h = History::from_page(&q, mixed.clone(), mixed.len(), now);
        assert!(h.exact);
        assert_eq!(h.total, mine.len());
        assert!(h.attempts.iter().all(|a| q.matches_entry(a, now)));
        let h = History::from_page(&q, mixed.clone(), mixed.len() + 500, now);
        assert!(!h.exact);
        assert_eq!((h.total, h.number(0)), (mine.len(), None));
        // Many attempts: the newest SHOWN are listed, with how many more.
        let many: Vec<Entry> = (0..120).map(|_| e.clone()).collect();
        let h = History::from_page(&q, many[..SHOWN].to_vec(), 120, now);
        assert_eq!((h.attempts.len(), h.total, h.more()), (SHOWN, 120, 70));
        assert_eq!(h.number(SHOWN - 1), Some(120 - SHOWN + 1));
    }

    #[test]
    fn an_entry_without_a_reference_has_no_history() {
        let (all, _) = demo();
        let mut e = all[0].clone();
        e.text = Default::default();
        assert!(e.common_ref().is_none());
        assert!(query(&e).is_none());
    }
}
