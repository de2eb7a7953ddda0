//! The summary strip's numbers: counts by status over the range (with the search and the other
//! filters, whatever the status filter says, so each count is what clicking it gives), and
//! syncs per hour by status for the whole query (the chart).

use chrono::{DateTime, Duration, DurationRound, Utc};

use std::collections::HashMap;

use super::entry::{failure_signature, Entry, Status};
use super::query::Query;
use super::sort::{self, sort_by};

/// Chart buckets are one hour long.
pub const BUCKET_SECONDS: i64 = 3600;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusCount {
    /// As the API writes it (`Ok`, `Sent`, `Pending`, `Failed`, or any other text).
    pub status: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Series {
    pub status: String,
    /// Entries per bucket, from `start`.
    pub counts: Vec<u32>,
}

/// Failures sharing an error signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailureGroup {
    /// The normalised reason ([`failure_signature`]); filter with it (`filter[failure]`).
    pub signature: String,
    pub count: u64,
    /// The newest occurrence's `created_at`.
    pub newest: DateTime<Utc>,
    /// The newest occurrence's reason, as written.
    pub example: String,
    /// The system chains involved (`Shopify → NetSuite`), most frequent first, at most 4.
    pub systems: Vec<String>,
}

/// The most groups a summary lists.
pub const MAX_GROUPS: usize = 12;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Ok, Sent, Pending and Failed always (zero or not), then other statuses by count.
    pub statuses: Vec<StatusCount>,
    /// Start of the first bucket (the range's start, down to the hour).
    pub start: DateTime<Utc>,
    pub bucket_seconds: i64,
    /// One series per status present, in the order of `statuses`.
    pub series: Vec<Series>,
    /// Failures by error signature over the range, search and filters except the status and
    /// failure-group filters; the largest groups first (at most [`MAX_GROUPS`]).
    pub groups: Vec<FailureGroup>,
    /// Entries Pending for longer than the stuck threshold, over the range, search and
    /// filters except the status filter.
    pub stuck: u64,
}

impl Summary {
    /// The number of buckets covering the query's range at `now`.
    pub fn buckets(q: &Query, now: DateTime<Utc>) -> (DateTime<Utc>, usize) {
        let (from, to) = q.range.bounds(now);
        let start = from
            .duration_trunc(Duration::seconds(BUCKET_SECONDS))
            .unwrap_or(from);
        let n = ((to - start).num_seconds() / BUCKET_SECONDS + 1).clamp(1, 24 * 16) as usize;
        (start, n)
    }

    /// Sums entries into a summary: `all_statuses` are those matching the query without its
    /// status filter, `matching` those matching the whole query.
    pub fn from_entries<'a>(
        q: &Query,
        now: DateTime<Utc>,
        all_statuses: impl IntoIterator<Item = &'a Entry>,
        matching: impl IntoIterator<Item = &'a Entry>,
        for_groups: impl IntoIterator<Item = &'a Entry>,
    ) -> Summary {
        let mut b = Builder::new(q, now);
        for e in all_statuses {
            b.count_status(&e.status);
            if e.is_stuck(now) {
                b.count_stuck();
            }
        }
        for e in matching {
            b.add_to_chart(&e.status, e.created_at);
        }
        for e in for_groups {
            if let Some(sig) = failure_signature(e) {
                b.add_failure(&sig, e);
            }
        }
        b.finish()
    }

    /// The count of one status.
    pub fn count(&self, status: &Status) -> u64 {
        self.statuses
            .iter()
            .find(|c| Status::parse(&c.status) == *status)
            .map_or(0, |c| c.count)
    }

    /// Entries in the chart.
    pub fn charted(&self) -> u64 {
        self.series
            .iter()
            .flat_map(|s| s.counts.iter())
            .map(|&c| c as u64)
            .sum()
    }

    /// A sentence for the chart's text alternative.
    pub fn describe(&self) -> String {
        let total = self.charted();
        let n = self.series.first().map_or(0, |s| s.counts.len());
        let mut peak = (0u64, 0usize);
        for i in 0..n {
            let sum: u64 = self.series.iter().map(|s| s.counts[i] as u64).sum();
            if sum > peak.0 {
                peak = (sum, i);
            }
        }
        if total == 0 {
            return "No syncs in this range.".into();
        }
        let at = self.start + Duration::seconds(self.bucket_seconds * peak.1 as i64);
        let parts: Vec<String> = self
            .series
            .iter()
            .map(|s| {
                let c: u64 = s.counts.iter().map(|&c| c as u64).sum();
                format!(
                    "{} {}",
                    crate::format::thousands(c as usize),
                    Status::parse(&s.status).label()
                )
            })
            .collect();
        format!(
            "{} syncs over {} hours ({}). Busiest hour: {} UTC, with {}.",
            crate::format::thousands(total as usize),
            n,
            parts.join(", "),
            crate::format::stamp(&at, crate::format::Stamp::Hour),
            crate::format::thousands(peak.0 as usize)
        )
    }
}

/// Builds a summary entry by entry (the store feeds it rows).
pub struct Builder {
    start: DateTime<Utc>,
    buckets: usize,
    counts: Vec<(Status, u64)>,
    series: Vec<(Status, Vec<u32>)>,
    groups: HashMap<String, GroupAcc>,
    stuck: u64,
}

struct GroupAcc {
    count: u64,
    newest: DateTime<Utc>,
    newest_id: super::entry::EntryId,
    example: String,
    systems: HashMap<String, u64>,
}

impl Builder {
    pub fn new(q: &Query, now: DateTime<Utc>) -> Builder {
        let (start, buckets) = Summary::buckets(q, now);
        Builder {
            start,
            buckets,
            counts: Status::KNOWN.iter().map(|s| (s.clone(), 0)).collect(),
            series: Vec::new(),
            groups: HashMap::new(),
            stuck: 0,
        }
    }

    pub fn count_stuck(&mut self) {
        self.stuck += 1;
    }

    /// Counts a failure with signature `sig` into its group.
    pub fn add_failure(&mut self, sig: &str, e: &Entry) {
        self.add_failure_group(sig, 1, e, [(e.system_chain.to_string(), 1)]);
    }

    pub fn count_status(&mut self, s: &Status) {
        self.count_statuses(s, 1);
    }

    /// Counts `n` entries of status `s`.
    pub fn count_statuses(&mut self, s: &Status, n: u64) {
        match self.counts.iter_mut().find(|(k, _)| k == s) {
            Some((_, c)) => *c += n,
            None => self.counts.push((s.clone(), n)),
        }
    }

    /// The number of buckets in the chart.
    pub fn buckets(&self) -> usize {
        self.buckets
    }

    /// The chart's bucket of a time given as whole seconds since the epoch (floored, as
    /// `DateTime::timestamp`) and its nanoseconds: the bucket [`Builder::add_to_chart`] puts it
    /// in, without chrono's date arithmetic (the summary does this for every matching row).
    /// `nanos` is only asked for when it can matter (before the chart's start).
    pub fn bucket_of(&self, secs: i64, nanos: impl FnOnce() -> u32) -> Option<usize> {
        let ds = secs - self.start.timestamp();
        let start_nanos = self.start.timestamp_subsec_nanos();
        let dn = if ds < 0 || start_nanos > 0 {
            i64::from(nanos()) - i64::from(start_nanos)
        } else {
            // Whole seconds are enough: dn >= 0 cannot change a non-negative count.
            0
        };
        // Whole seconds between the two, truncated toward zero as chrono's `num_seconds` does.
        let whole = if ds > 0 && dn < 0 {
            ds - 1
        } else if ds < 0 && dn > 0 {
            ds + 1
        } else {
            ds
        };
        let i = whole.div_euclid(BUCKET_SECONDS);
        (i >= 0 && (i as usize) < self.buckets).then_some(i as usize)
    }

    pub fn add_to_chart(&mut self, s: &Status, at: DateTime<Utc>) {
        if let Some(i) = self.bucket_of(at.timestamp(), || at.timestamp_subsec_nanos()) {
            self.series_of(s)[i] += 1;
        }
    }

    /// Adds whole series: `counts[i]` entries of status `s` in bucket `i`. A status with no
    /// entry in the chart gets no series, as with [`Builder::add_to_chart`].
    pub fn add_series(&mut self, s: &Status, counts: &[u32]) {
        if counts.iter().any(|&c| c > 0) {
            for (total, &c) in self.series_of(s).iter_mut().zip(counts) {
                *total += c;
            }
        }
    }

    fn series_of(&mut self, s: &Status) -> &mut Vec<u32> {
        let buckets = self.buckets;
        match self.series.iter().position(|(k, _)| k == s) {
            Some(p) => &mut self.series[p].1,
            None => {
                self.series.push((s.clone(), vec![0; buckets]));
                &mut self.series.last_mut().expect("just pushed").1
            }
        }
    }

    /// Counts `n` stuck entries.
    pub fn count_stuck_n(&mut self, n: u64) {
        self.stuck += n;
    }

    /// Adds a whole failure group: `count` failures with signature `sig`, the newest of them
    /// `newest` (by creation time, then id), over these systems (shown as `system_chain`s).
    pub fn add_failure_group(
        &mut self,
        sig: &str,
        count: u64,
        newest: &Entry,
        systems: impl IntoIterator<Item = (String, u64)>,
    ) {
        let acc = self
            .groups
            .entry(sig.to_string())
            .or_insert_with(|| GroupAcc {
                count: 0,
                newest: newest.created_at,
                newest_id: newest.id,
                example: newest.message().map(str::to_owned).unwrap_or_default(),
                systems: HashMap::new(),
            });
        acc.count += count;
        if (newest.created_at, newest.id) > (acc.newest, acc.newest_id) {
            acc.newest = newest.created_at;
            acc.newest_id = newest.id;
            acc.example = newest.message().map(str::to_owned).unwrap_or_default();
        }
        for (chain, n) in systems {
            *acc.systems.entry(chain).or_default() += n;
        }
    }

    pub fn finish(mut self) -> Summary {
        // Known statuses first, in their order; others by count.
        let known = Status::KNOWN.len();
        sort_by(&mut self.counts[known..], |a, b| {
            b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
        });
        let order: Vec<Status> = self.counts.iter().map(|(s, _)| s.clone()).collect();
        let rank = |s: &Status| order.iter().position(|o| o == s).unwrap_or(usize::MAX);
        sort::sort_by_key(&mut self.series, |(s, _)| rank(s));
        let mut groups: Vec<FailureGroup> = self
            .groups
            .into_iter()
            .map(|(signature, acc)| {
                let mut systems: Vec<(String, u64)> = acc.systems.into_iter().collect();
                sort_by(&mut systems, |a, b| {
                    b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
                });
                FailureGroup {
                    signature,
                    count: acc.count,
                    newest: acc.newest,
                    example: acc.example,
                    systems: systems.into_iter().take(4).map(|(s, _)| s).collect(),
                }
            })
            .collect();
        sort_by(&mut groups, |a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| b.newest.cmp(&a.newest))
                .then_with(|| a.signature.cmp(&b.signature))
        });
        groups.truncate(MAX_GROUPS);
        Summary {
            groups,
            stuck: self.stuck,
            statuses: self
                .counts
                .into_iter()
                .map(|(s, count)| StatusCount {
                    status: s.api_value().to_string(),
                    count,
                })
                .collect(),
            start: self.start,
            bucket_seconds: BUCKET_SECONDS,
            series: self
                .series
                .into_iter()
                .map(|(s, counts)| Series {
                    status: s.api_value().to_string(),
                    counts,
                })
                .collect(),
        }
    }
}
