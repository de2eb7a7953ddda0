//! What the operator asked to see: a date range, a search, column filters and a sort.
//!
//! A query round-trips through the page URL (shareable links, back and forward) and through the
//! backend API's `filter[...]` parameters. Parsing never fails: what cannot be used is dropped
//! and listed, so the page can say what it ignored instead of silently showing something else.

use crate::format::{stamp, Stamp};
use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use super::column::{Column, Toggles};
use super::entry::{parse_datetime, Status};

pub const DEFAULT_DAYS: u8 = 5;
/// The longest range a report covers, as the product this mirrors allows.
pub const MAX_DAYS: u8 = 15;

/// The period of `created_at` the report covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DateRange {
    /// The last N days up to now, 1 to 15.
    LastDays(u8),
    /// An explicit UTC range, `from` to `to` inclusive, at most 15 days long.
    Between {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl Default for DateRange {
    fn default() -> Self {
        DateRange::LastDays(DEFAULT_DAYS)
    }
}

/// Why a requested range was changed. Shown to the user, never applied silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeNotice {
    /// Asked for more (or fewer) previous days than allowed.
    DaysClamped { requested: i64, used: u8 },
    /// An explicit range longer than 15 days: its start was moved forward.
    RangeClamped {
        requested_days: i64,
        from_used: DateTime<Utc>,
    },
    /// `from` was after `to`: they were swapped.
    Swapped,
}

impl fmt::Display for RangeNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeNotice::DaysClamped { requested, used } if *requested > MAX_DAYS as i64 => write!(
                f,
                "Reports cover at most {MAX_DAYS} days, so {requested} days was capped at {used}."
            ),
            RangeNotice::DaysClamped { requested, used } => {
                write!(f, "Previous days must be 1 to {MAX_DAYS}; {requested} became {used}.")
            }
            RangeNotice::RangeClamped { requested_days, from_used } => write!(
                f,
                "Reports cover at most {MAX_DAYS} days; the {requested_days}-day range now starts at {} UTC.",
                stamp(from_used, Stamp::Minute)
            ),
            RangeNotice::Swapped => f.write_str("The start was after the end, so they were swapped."),
        }
    }
}

impl DateRange {
    /// The last `n` days, clamped to 1..=15 with a notice when it had to be.
    pub fn last_days(n: i64) -> (DateRange, Option<RangeNotice>) {
        let used = n.clamp(1, MAX_DAYS as i64) as u8;
        let notice = (used as i64 != n).then_some(RangeNotice::DaysClamped { requested: n, used });
        (DateRange::LastDays(used), notice)
    }

    /// An explicit range; reversed ends are swapped and a range over 15 days keeps its end and
    /// moves its start, with a notice.
    pub fn between(from: DateTime<Utc>, to: DateTime<Utc>) -> (DateRange, Option<RangeNotice>) {
        let (mut from, to, mut notice) = if from > to {
            (to, from, Some(RangeNotice::Swapped))
        } else {
            (from, to, None)
        };
        let max = Duration::days(MAX_DAYS as i64);
        if to - from > max {
            let requested_days = ((to - from).num_seconds() + 86_399) / 86_400;
            from = to - max;
            notice = Some(RangeNotice::RangeClamped {
                requested_days,
                from_used: from,
            });
        }
        (DateRange::Between { from, to }, notice)
    }

    /// The concrete UTC bounds at `now`, inclusive.
    pub fn bounds(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        match *self {
            DateRange::LastDays(n) => (now - Duration::days(n as i64), now),
            DateRange::Between { from, to } => (from, to),
        }
    }

    /// Short human label: "Last 5 days" or "2026-11-20 10:00 – 2026-11-25 10:00 UTC".
    pub fn label(&self) -> String {
        match self {
            DateRange::LastDays(1) => "Last 24 hours".to_string(),
            DateRange::LastDays(n) => format!("Last {n} days"),
            DateRange::Between { from, to } => format!(
                "{} – {} UTC",
                stamp(from, Stamp::Minute),
                stamp(to, Stamp::Minute)
            ),
        }
    }

    /// For export file names: `2026-11-22_2026-11-27`.
    pub fn file_stem(&self, now: DateTime<Utc>) -> String {
        let (from, to) = self.bounds(now);
        format!("{}_{}", stamp(&from, Stamp::Date), stamp(&to, Stamp::Date))
    }
}

/// Which fields the search box looks in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchScope {
    #[default]
    All,
    /// Source or destination system.
    System,
    /// The latest run id.
    SyncId,
    Reference,
}

impl SearchScope {
    pub const ALL: [SearchScope; 4] = [
        SearchScope::All,
        SearchScope::System,
        SearchScope::SyncId,
        SearchScope::Reference,
    ];

    /// The value in URLs and in `filter[search_field]`.
    pub fn key(self) -> &'static str {
        match self {
            SearchScope::All => "all",
            SearchScope::System => "system",
            SearchScope::SyncId => "sync_id",
            SearchScope::Reference => "reference",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SearchScope::All => "All",
            SearchScope::System => "System",
            SearchScope::SyncId => "Sync ID",
            SearchScope::Reference => "Reference",
        }
    }

    pub fn from_key(k: &str) -> Option<SearchScope> {
        SearchScope::ALL
            .into_iter()
            .find(|s| s.key().eq_ignore_ascii_case(k))
    }
}

/// A case-insensitive substring search in one scope. An empty term matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Search {
    pub term: String,
    pub scope: SearchScope,
}

impl Search {
    /// The term as the matcher compares it: trimmed, lower-cased.
    pub fn needle(&self) -> String {
        self.term.trim().to_lowercase()
    }
    pub fn is_active(&self) -> bool {
        !self.term.trim().is_empty()
    }
}

/// A header filter's field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterField {
    Status,
    CompanyGroup,
    ServiceEntity,
    SourceSystem,
    DestinationSystem,
}

impl FilterField {
    pub const ALL: [FilterField; 5] = [
        FilterField::Status,
        FilterField::CompanyGroup,
        FilterField::ServiceEntity,
        FilterField::SourceSystem,
        FilterField::DestinationSystem,
    ];

    /// This field's place in [`FilterField::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            FilterField::Status => "Status",
            FilterField::CompanyGroup => "Company Group",
            FilterField::ServiceEntity => "Service Entity",
            FilterField::SourceSystem => "Source system",
            FilterField::DestinationSystem => "Destination system",
        }
    }

    /// URL key.
    pub fn url_key(self) -> &'static str {
        match self {
            FilterField::Status => "status",
            FilterField::CompanyGroup => "group",
            FilterField::ServiceEntity => "entity",
            FilterField::SourceSystem => "source",
            FilterField::DestinationSystem => "destination",
        }
    }

    /// API key inside `filter[...]`.
    pub fn api_key(self) -> &'static str {
        match self {
            FilterField::Status => "status",
            FilterField::CompanyGroup => "integrations",
            FilterField::ServiceEntity => "type",
            FilterField::SourceSystem => "source_system",
            FilterField::DestinationSystem => "destination_system",
        }
    }
}

/// One value a header filter offers or holds: a status, or the text of a company group, service
/// entity or system.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FilterValue {
    Status(Status),
    Text(String),
}

impl FilterValue {
    /// A value of `field` as the API, the facets and links write it (a status by its API value).
    pub fn parse(field: FilterField, text: &str) -> Self {
        match field {
            FilterField::Status => FilterValue::Status(Status::parse(text)),
            _ => FilterValue::Text(text.to_string()),
        }
    }

    /// As the API, the facets and links write it.
    pub fn api_text(&self) -> &str {
        match self {
            FilterValue::Status(s) => s.api_value(),
            FilterValue::Text(t) => t,
        }
    }

    /// As a filter menu shows it (a status's label).
    pub fn label(&self) -> &str {
        match self {
            FilterValue::Status(s) => s.label(),
            FilterValue::Text(t) => t,
        }
    }

    /// This value as `field` holds it: a value of the other kind is read from its text.
    fn for_field(self, field: FilterField) -> FilterValue {
        match (field == FilterField::Status, &self) {
            (true, FilterValue::Status(_)) | (false, FilterValue::Text(_)) => self,
            _ => FilterValue::parse(field, self.api_text()),
        }
    }
}

/// Column filters. An empty set means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Filters {
    pub status: BTreeSet<Status>,
    pub groups: BTreeSet<String>,
    pub entities: BTreeSet<String>,
    pub sources: BTreeSet<String>,
    pub destinations: BTreeSet<String>,
    /// A failure group: only Failed entries with this error signature
    /// ([`failure_signature`](super::entry::failure_signature)).
    pub failure: Option<String>,
    /// Only entries Pending for longer than [`STUCK_AFTER_HOURS`](super::entry::STUCK_AFTER_HOURS).
    pub stuck: bool,
    /// Only entries with exactly this reference (case and all): an item's history
    /// ([`super::history`]). Not a control of its own, and not in the page's URL.
    pub reference: Option<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.failure.is_none()
            && !self.stuck
            && self.reference.is_none()
            && FilterField::ALL.into_iter().all(|f| !self.any_chosen(f))
    }

    /// The chosen values of a field.
    pub fn chosen(&self, f: FilterField) -> Vec<FilterValue> {
        match self.text_set(f) {
            Some(set) => set.iter().cloned().map(FilterValue::Text).collect(),
            None => self
                .status
                .iter()
                .cloned()
                .map(FilterValue::Status)
                .collect(),
        }
    }

    /// Whether any value of `f` is chosen.
    pub fn any_chosen(&self, f: FilterField) -> bool {
        match self.text_set(f) {
            Some(set) => !set.is_empty(),
            None => !self.status.is_empty(),
        }
    }

    /// Whether `value` is chosen for `f`.
    pub fn contains(&self, f: FilterField, value: &FilterValue) -> bool {
        match (self.text_set(f), value.clone().for_field(f)) {
            (None, FilterValue::Status(s)) => self.status.contains(&s),
            (Some(set), FilterValue::Text(t)) => set.contains(&t),
            _ => false,
        }
    }

    /// The text values of a field; None for the status (typed).
    fn text_set(&self, f: FilterField) -> Option<&BTreeSet<String>> {
        match f {
            FilterField::CompanyGroup => Some(&self.groups),
            FilterField::ServiceEntity => Some(&self.entities),
            FilterField::SourceSystem => Some(&self.sources),
            FilterField::DestinationSystem => Some(&self.destinations),
            FilterField::Status => None,
        }
    }

    fn text_set_mut(&mut self, f: FilterField) -> Option<&mut BTreeSet<String>> {
        match f {
            FilterField::CompanyGroup => Some(&mut self.groups),
            FilterField::ServiceEntity => Some(&mut self.entities),
            FilterField::SourceSystem => Some(&mut self.sources),
            FilterField::DestinationSystem => Some(&mut self.destinations),
            FilterField::Status => None,
        }
    }

    /// Chooses `value` for `f`.
    pub fn insert(&mut self, f: FilterField, value: FilterValue) {
        match (self.text_set_mut(f), value.for_field(f)) {
            (None, FilterValue::Status(s)) => {
                self.status.insert(s);
            }
            (Some(set), FilterValue::Text(t)) => {
                set.insert(t);
            }
            _ => {}
        }
    }

    /// Chooses a value given as text, from a link or an API parameter: parsed here, once.
    pub fn insert_text(&mut self, f: FilterField, text: &str) {
        self.insert(f, FilterValue::parse(f, text));
    }

    /// Flips one value in or out of a field's choice.
    pub fn toggle(&mut self, f: FilterField, value: FilterValue) {
        let value = value.for_field(f);
        let removed = match (self.text_set_mut(f), &value) {
            (None, FilterValue::Status(s)) => self.status.remove(s),
            (Some(set), FilterValue::Text(t)) => set.remove(t),
            _ => false,
        };
        if !removed {
            self.insert(f, value);
        }
    }

    pub fn clear(&mut self, f: FilterField) {
        match f {
            FilterField::Status => self.status.clear(),
            FilterField::CompanyGroup => self.groups.clear(),
            FilterField::ServiceEntity => self.entities.clear(),
            FilterField::SourceSystem => self.sources.clear(),
            FilterField::DestinationSystem => self.destinations.clear(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

impl Direction {
    pub fn key(self) -> &'static str {
        match self {
            Direction::Asc => "asc",
            Direction::Desc => "desc",
        }
    }
    pub fn from_key(k: &str) -> Option<Direction> {
        match k.to_ascii_lowercase().as_str() {
            "asc" => Some(Direction::Asc),
            "desc" => Some(Direction::Desc),
            _ => None,
        }
    }
    /// The value of `aria-sort`.
    pub fn aria(self) -> &'static str {
        match self {
            Direction::Asc => "ascending",
            Direction::Desc => "descending",
        }
    }
    pub fn flip(self) -> Direction {
        match self {
            Direction::Asc => Direction::Desc,
            Direction::Desc => Direction::Asc,
        }
    }
}

/// Sort by one column. Ties are broken by entry id, in the same direction, so the order is total
/// and the same on every source. Descending is exactly ascending reversed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sort {
    pub column: Column,
    pub direction: Direction,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            column: Column::CreatedUtc,
            direction: Direction::Desc,
        }
    }
}

impl Sort {
    /// The sort after clicking `column`'s header: flip if it is the current column, else the
    /// column's natural first direction. Unsortable columns leave the sort as it is.
    pub fn clicked(self, column: Column) -> Sort {
        if !column.sortable() {
            self
        } else if column == self.column {
            Sort {
                column,
                direction: self.direction.flip(),
            }
        } else {
            Sort {
                column,
                direction: column.first_direction(),
            }
        }
    }
}

/// Everything that decides which entries match and in what order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Query {
    pub range: DateRange,
    pub search: Search,
    pub filters: Filters,
    pub sort: Sort,
}

impl Query {
    /// Whether one entry matches (range, filters and search) at `now`: the plain definition the
    /// indexed [`Store`](super::store::Store) pipeline is tested against, and what sources
    /// without a local store use to decide membership of a loaded entry.
    pub fn matches_entry(&self, e: &super::entry::Entry, now: DateTime<Utc>) -> bool {
        let (from, to) = self.range.bounds(now);
        if e.created_at < from || e.created_at > to {
            return false;
        }
        let f = &self.filters;
        let inset = |set: &BTreeSet<String>, v: &str| set.is_empty() || set.contains(v);
        if !(f.status.is_empty() || f.status.contains(&e.status))
            || !inset(&f.groups, &e.integration.name)
            || !inset(&f.entities, &e.entity)
            || !inset(&f.sources, &e.system_chain.source)
            || !inset(&f.destinations, &e.system_chain.destination)
            || f.failure
                .as_ref()
                .is_some_and(|g| super::entry::failure_signature(e).as_deref() != Some(g.as_str()))
            || (f.stuck && !e.is_stuck(now))
            || f.reference
                .as_deref()
                .is_some_and(|r| e.common_ref() != Some(r))
        {
            return false;
        }
        let needle = self.search.needle();
        if needle.is_empty() {
            return true;
        }
        let has = |s: &str| s.to_lowercase().contains(&needle);
        let reference = || e.common_ref().is_some_and(has);
        let run = || {
            e.last_run_id
                .is_some_and(|r| r.to_string().contains(&needle))
        };
        let system = || has(&e.system_chain.source) || has(&e.system_chain.destination);
        match self.search.scope {
            SearchScope::All => reference() || run() || system(),
            SearchScope::Reference => reference(),
            SearchScope::SyncId => run(),
            SearchScope::System => system(),
        }
    }

    /// The same query with "last N days" resolved at `at` into explicit bounds, so that paging
    /// through it later (an export, "all matching") sees the same entries.
    pub fn pinned(&self, at: DateTime<Utc>) -> Query {
        let (from, to) = self.range.bounds(at);
        Query {
            range: DateRange::Between { from, to },
            ..self.clone()
        }
    }

    /// Whether anything beyond the default range narrows the result.
    pub fn has_filters(&self) -> bool {
        self.search.is_active() || !self.filters.is_empty() || self.range != DateRange::default()
    }
}

/// The page's whole view state: the query plus the column toggles. This is what the URL holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct View {
    pub query: Query,
    pub toggles: Toggles,
}

/// A URL or API parameter that was not used as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    pub key: String,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:?}: {}", self.key, self.value, self.reason)
    }
}

pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

// ---- the page URL ------------------------------------------------------------------------------

impl View {
    /// The URL query string (without `?`) holding this view; default values are left out so a
    /// default view is an empty string. Keys carry `prefix` (for embedding beside a host's own
    /// keys).
    pub fn to_url_query(&self, prefix: &str) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        let mut put = |k: &str, v: &str| {
            out.append_pair(&format!("{prefix}{k}"), v);
        };
        let q = &self.query;
        match &q.range {
            DateRange::LastDays(n) if *n == DEFAULT_DAYS => {}
            DateRange::LastDays(n) => put("days", &n.to_string()),
            DateRange::Between { from, to } => {
                put("from", &iso(*from));
                put("to", &iso(*to));
            }
        }
        if !q.search.term.is_empty() {
            put("q", &q.search.term);
        }
        if q.search.scope != SearchScope::All {
            put("in", q.search.scope.key());
        }
        for f in FilterField::ALL {
            for v in q.filters.chosen(f) {
                put(f.url_key(), v.api_text());
            }
        }
        if let Some(g) = &q.filters.failure {
            put("failure", g);
        }
        if q.filters.stuck {
            put("stuck", "1");
        }
        if q.sort != Sort::default() {
            put("sort", q.sort.column.sort_key().unwrap_or("created_at"));
            put("dir", q.sort.direction.key());
        }
        if self.toggles.sync_data {
            put("sync_data", "1");
        }
        if self.toggles.additional_fields {
            put("fields", "1");
        }
        out.finish()
    }

    /// Reads a view from a URL query string (with or without `?`). Keys without `prefix` belong
    /// to someone else and are skipped quietly; our keys with unusable values are listed.
    pub fn from_url_query(query: &str, prefix: &str) -> (View, Vec<Ignored>) {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut view = View::default();
        let mut ignored = Vec::new();
        let mut from = None;
        let mut to = None;
        let mut sort_col = None;
        let mut sort_dir = None;
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let Some(key) = k.strip_prefix(prefix) else {
                continue;
            };
            let mut bad = |reason: &str| {
                ignored.push(Ignored {
                    key: k.to_string(),
                    value: v.to_string(),
                    reason: reason.into(),
                })
            };
            let q = &mut view.query;
            match key {
                "days" => {
                    if let Err(reason) = read_days(&v, &mut q.range) {
                        bad(&reason);
                    }
                }
                "from" => match parse_datetime(&v) {
                    Some(t) => from = Some(t),
                    None => bad("not an ISO-8601 timestamp"),
                },
                "to" => match parse_datetime(&v) {
                    Some(t) => to = Some(t),
                    None => bad("not an ISO-8601 timestamp"),
                },
                "q" => q.search.term = v.chars().filter(|c| !c.is_control()).take(500).collect(),
                "in" => match SearchScope::from_key(&v) {
                    Some(s) => q.search.scope = s,
                    None => bad("unknown search scope"),
                },
                "sort" => match Column::from_sort_key(&v) {
                    Some(c) => sort_col = Some(c),
                    None => bad("not a sortable column"),
                },
                "dir" => match Direction::from_key(&v) {
                    Some(d) => sort_dir = Some(d),
                    None => bad("direction must be asc or desc"),
                },
                "sync_data" => match parse_flag(&v) {
                    Some(b) => view.toggles.sync_data = b,
                    None => bad("expected 1 or 0"),
                },
                "fields" => match parse_flag(&v) {
                    Some(b) => view.toggles.additional_fields = b,
                    None => bad("expected 1 or 0"),
                },
                "failure" if v.trim().is_empty() => bad("empty filter value"),
                "failure" => view.query.filters.failure = Some(v.to_string()),
                "stuck" => match parse_flag(&v) {
                    Some(b) => view.query.filters.stuck = b,
                    None => bad("expected 1 or 0"),
                },
                other => match FilterField::ALL.into_iter().find(|f| f.url_key() == other) {
                    Some(_) if v.is_empty() => bad("empty filter value"),
                    Some(f) => q.filters.insert_text(f, &v),
                    None => bad("unknown parameter"),
                },
            }
        }
        let keys = (format!("{prefix}from"), format!("{prefix}to"));
        apply_explicit_range(&mut view.query, from, to, keys, &mut ignored);
        view.query.sort = sort_from(sort_col, sort_dir, view.query.sort);
        (view, ignored)
    }
}

pub(crate) fn apply_explicit_range(
    q: &mut Query,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    (from_key, to_key): (String, String),
    ignored: &mut Vec<Ignored>,
) {
    match (from, to) {
        (Some(f), Some(t)) => {
            let (r, notice) = DateRange::between(f, t);
            q.range = r;
            if let Some(n) = notice {
                ignored.push(Ignored {
                    key: from_key,
                    value: iso(f),
                    reason: n.to_string(),
                });
            }
        }
        (Some(f), None) => ignored.push(Ignored {
            key: from_key,
            value: iso(f),
            reason: "a range needs both from and to".into(),
        }),
        (None, Some(t)) => ignored.push(Ignored {
            key: to_key,
            value: iso(t),
            reason: "a range needs both from and to".into(),
        }),
        (None, None) => {}
    }
}

/// Reads a previous-days value into `range`; Err says what was wrong or how it was capped (the
/// capped value is still applied).
pub(crate) fn read_days(v: &str, range: &mut DateRange) -> Result<(), String> {
    let n = v
        .trim()
        .parse::<i64>()
        .map_err(|_| "not a whole number of days".to_string())?;
    let (r, notice) = DateRange::last_days(n);
    *range = r;
    notice.map_or(Ok(()), |n| Err(n.to_string()))
}

/// The sort given by a column and a direction parameter, either of which may be missing.
pub(crate) fn sort_from(
    column: Option<Column>,
    direction: Option<Direction>,
    current: Sort,
) -> Sort {
    match (column, direction) {
        (Some(c), d) => Sort {
            column: c,
            direction: d.unwrap_or(c.first_direction()),
        },
        (None, Some(d)) => Sort {
            direction: d,
            ..current
        },
        (None, None) => current,
    }
}

fn parse_flag(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "on" | "yes" => Some(true),
        "0" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_values_are_typed_and_toggle_in_and_out() {
        let mut f = Filters::default();
        let failed = FilterValue::parse(FilterField::Status, "Failed");
        assert_eq!(failed, FilterValue::Status(Status::Failed));
        assert_eq!((failed.api_text(), failed.label()), ("Failed", "Failed"));
        let sent = FilterValue::parse(FilterField::Status, "_Sent");
        assert_eq!(sent.label(), "Sent");
        f.toggle(FilterField::Status, failed.clone());
        f.toggle(FilterField::CompanyGroup, FilterValue::Text("Acme".into()));
        assert!(f.contains(FilterField::Status, &failed));
        assert!(f.any_chosen(FilterField::CompanyGroup));
        assert_eq!(f.chosen(FilterField::Status), std::slice::from_ref(&failed));
        // A value of the other kind is read from its text.
        assert!(f.contains(FilterField::Status, &FilterValue::Text("Failed".into())));
        f.toggle(FilterField::Status, FilterValue::Text("Failed".into()));
        f.toggle(FilterField::CompanyGroup, FilterValue::Text("Acme".into()));
        assert!(f.is_empty(), "{f:?}");
    }
    use chrono::TimeZone;

    fn t(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    #[test]
    fn default_view_is_an_empty_url() {
        assert_eq!(View::default().to_url_query(""), "");
        assert_eq!(View::from_url_query("", ""), (View::default(), vec![]));
    }

    #[test]
    fn days_are_clamped_with_a_reason() {
        let (r, n) = DateRange::last_days(40);
        assert_eq!(r, DateRange::LastDays(15));
        assert!(n.unwrap().to_string().contains("at most 15 days"));
        assert_eq!(DateRange::last_days(0).0, DateRange::LastDays(1));
        assert_eq!(DateRange::last_days(7), (DateRange::LastDays(7), None));
    }

    #[test]
    fn wide_range_keeps_its_end() {
        let (r, n) = DateRange::between(t(1, 0), t(27, 0));
        assert_eq!(
            r,
            DateRange::Between {
                from: t(12, 0),
                to: t(27, 0)
            }
        );
        assert!(matches!(
            n,
            Some(RangeNotice::RangeClamped {
                requested_days: 26,
                ..
            })
        ));
        let (r, n) = DateRange::between(t(20, 0), t(10, 0));
        assert_eq!(
            r,
            DateRange::Between {
                from: t(10, 0),
                to: t(20, 0)
            }
        );
        assert_eq!(n, Some(RangeNotice::Swapped));
    }

    #[test]
    fn url_round_trip_and_garbage() {
        let mut v = View::default();
        v.query.range = DateRange::Between {
            from: t(20, 3),
            to: t(25, 4),
        };
        v.query.search = Search {
            term: "Shop, ify & co".into(),
            scope: SearchScope::System,
        };
        v.query.filters.insert_text(FilterField::Status, "Failed");
        v.query
            .filters
            .insert_text(FilterField::CompanyGroup, "A&B, Ltd");
        v.query.sort = Sort {
            column: Column::Reference,
            direction: Direction::Asc,
        };
        v.toggles.sync_data = true;
        let s = v.to_url_query("sr_");
        assert_eq!(View::from_url_query(&s, "sr_"), (v, vec![]));

        let (v, ign) = View::from_url_query("?days=99&sort=nope&x=1&status=Failed&in=zzz", "");
        assert_eq!(v.query.range, DateRange::LastDays(15));
        assert_eq!(v.query.filters.status.len(), 1);
        let keys: Vec<_> = ign.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["days", "sort", "x", "in"]);
    }

    #[test]
    fn host_keys_are_left_alone_with_a_prefix() {
        let (v, ign) = View::from_url_query("tab=3&sr_days=7", "sr_");
        assert_eq!(v.query.range, DateRange::LastDays(7));
        assert!(ign.is_empty());
    }

    #[test]
    fn header_click_cycles() {
        let s = Sort::default().clicked(Column::Reference);
        assert_eq!(
            s,
            Sort {
                column: Column::Reference,
                direction: Direction::Asc
            }
        );
        assert_eq!(s.clicked(Column::Reference).direction, Direction::Desc);
        assert_eq!(s.clicked(Column::CreatedLocal), s);
    }
}
