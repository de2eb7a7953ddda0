//! The columns of the report: one enum drives header labels, cell text, visibility, the two
//! "Additional filters" toggles, sortability, and the header each has in the table and the CSV
//! (whose order is `crate::export::csv::COLUMNS`).

use crate::format::{stamp, Stamp};
use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};

use super::entry::Entry;

/// Which columns the "Additional filters" toggles add.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Toggles {
    /// "Show additional sync data": the Latest Sync Information column.
    pub sync_data: bool,
    /// "Show additional fields": source and endpoint ids.
    pub additional_fields: bool,
}

/// Where a column appears.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Always in the table.
    Default,
    /// Only with "Show additional sync data".
    SyncData,
    /// Only with "Show additional fields".
    AdditionalFields,
    /// Only in CSV exports (the table shows it elsewhere, or not at all).
    ExportOnly,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Status,
    CompanyGroup,
    ServiceEntity,
    Systems,
    SyncId,
    Reference,
    CreatedUtc,
    CreatedLocal,
    LatestSync,
    SourceId,
    SourceParentId,
    EndpointId,
    EndpointParentId,
    // Export-only fields.
    Id,
    SourceSystem,
    DestinationSystem,
    FirstRunId,
    UpdatedAt,
    Runtime,
    Attempts,
    MaxAttempts,
    Message,
    Error,
    Resyncable,
}

impl Column {
    /// The columns a header click sorts by: those with a [`Column::sort_key`].
    pub const SORTABLE: [Column; 7] = [
        Column::Status,
        Column::CompanyGroup,
        Column::ServiceEntity,
        Column::Systems,
        Column::SyncId,
        Column::Reference,
        Column::CreatedUtc,
    ];

    /// Table columns in display order (the row checkbox comes before them).
    pub const TABLE: [Column; 13] = [
        Column::Status,
        Column::CompanyGroup,
        Column::ServiceEntity,
        Column::Systems,
        Column::SyncId,
        Column::Reference,
        Column::CreatedUtc,
        Column::CreatedLocal,
        Column::LatestSync,
        Column::SourceId,
        Column::SourceParentId,
        Column::EndpointId,
        Column::EndpointParentId,
    ];

    /// The header label (table) and CSV header.
    pub fn label(self) -> &'static str {
        match self {
            Column::Status => "Status",
            Column::CompanyGroup => "Company Group",
            Column::ServiceEntity => "Service Entity",
            Column::Systems => "Systems",
            Column::SyncId => "Sync ID",
            Column::Reference => "Reference",
            Column::CreatedUtc => "Date/Time (UTC)",
            Column::CreatedLocal => "Date/Time (local)",
            Column::LatestSync => "Latest Sync Information",
            Column::SourceId => "Source Id",
            Column::SourceParentId => "Source Parent Id",
            Column::EndpointId => "Endpoint Id",
            Column::EndpointParentId => "Endpoint Parent Id",
            Column::Id => "Entry Id",
            Column::SourceSystem => "Source System",
            Column::DestinationSystem => "Destination System",
            Column::FirstRunId => "First Sync ID",
            Column::UpdatedAt => "Updated (UTC)",
            Column::Runtime => "Runtime (s)",
            Column::Attempts => "Attempts",
            Column::MaxAttempts => "Max Attempts",
            Column::Message => "Message",
            Column::Error => "Error",
            Column::Resyncable => "Resyncable",
        }
    }

    pub fn placement(self) -> Placement {
        match self {
            Column::Status
            | Column::CompanyGroup
            | Column::ServiceEntity
            | Column::Systems
            | Column::SyncId
            | Column::Reference
            | Column::CreatedUtc
            | Column::CreatedLocal => Placement::Default,
            Column::LatestSync => Placement::SyncData,
            Column::SourceId
            | Column::SourceParentId
            | Column::EndpointId
            | Column::EndpointParentId => Placement::AdditionalFields,
            _ => Placement::ExportOnly,
        }
    }

    /// Whether the table shows this column under the given toggles.
    pub fn visible(self, t: Toggles) -> bool {
        match self.placement() {
            Placement::Default => true,
            Placement::SyncData => t.sync_data,
            Placement::AdditionalFields => t.additional_fields,
            Placement::ExportOnly => false,
        }
    }

    /// Table columns shown under the given toggles, in order.
    pub fn visible_columns(t: Toggles) -> impl Iterator<Item = Column> {
        Column::TABLE.into_iter().filter(move |c| c.visible(t))
    }

    /// The sort key used in URLs and in the API's `filter[sort_field]`; None if not sortable.
    pub fn sort_key(self) -> Option<&'static str> {
        Some(match self {
            Column::Status => "status",
            Column::CompanyGroup => "integration",
            Column::ServiceEntity => "type",
            Column::Systems => "system_chain",
            Column::SyncId => "last_run_id",
            Column::Reference => "common_ref",
            Column::CreatedUtc => "created_at",
            _ => return None,
        })
    }

    pub fn sortable(self) -> bool {
        self.sort_key().is_some()
    }

    pub fn from_sort_key(key: &str) -> Option<Column> {
        Column::TABLE
            .into_iter()
            .find(|c| c.sort_key() == Some(key))
    }

    /// The direction a first click on the header sorts by: newest first for dates.
    pub fn first_direction(self) -> super::query::Direction {
        match self {
            Column::CreatedUtc | Column::CreatedLocal | Column::SyncId => {
                super::query::Direction::Desc
            }
            _ => super::query::Direction::Asc,
        }
    }

    /// The text of this column's cell in the table. `tz` is the viewer's zone, for the local
    /// time column.
    pub fn cell_text<'e, Tz: TimeZone>(self, e: &'e Entry, tz: &Tz) -> Cow<'e, str>
    where
        Tz::Offset: std::fmt::Display,
    {
        match self {
            Column::CreatedLocal => {
                Cow::Owned(stamp(&e.created_at.with_timezone(tz), Stamp::Second))
            }
            Column::CreatedUtc => Cow::Owned(stamp(&e.created_at, Stamp::Second)),
            Column::UpdatedAt => Cow::Owned(
                e.updated_at
                    .map(|t| stamp(&t, Stamp::Second))
                    .unwrap_or_default(),
            ),
            Column::Systems => Cow::Owned(e.system_chain.to_string()),
            Column::LatestSync => Cow::Owned(latest_sync_text(e)),
            other => other.raw_text(e),
        }
    }

    /// Appends the CSV cell (UTF-8): raw values, timestamps ISO-8601 UTC. Not yet neutralised
    /// for spreadsheets (see `crate::export::csv::neutralize`). Writes into `buf` to spare a million
    /// allocations per export.
    pub fn csv_cell(self, e: &Entry, buf: &mut Vec<u8>) {
        fn num<T: itoa::Integer>(buf: &mut Vec<u8>, v: Option<T>) {
            if let Some(v) = v {
                buf.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            }
        }
        match self {
            Column::CreatedUtc | Column::CreatedLocal => push_iso(buf, e.created_at),
            Column::UpdatedAt => {
                if let Some(t) = e.updated_at {
                    push_iso(buf, t)
                }
            }
            // Not through io::Write, whose error machinery would join the wasm module.
            Column::Systems => buf.extend_from_slice(e.system_chain.to_string().as_bytes()),
            Column::LatestSync => buf.extend_from_slice(latest_sync_text(e).as_bytes()),
            Column::Id => num(buf, Some(e.id.0)),
            Column::SyncId => num(buf, e.last_run_id),
            Column::FirstRunId => num(buf, e.first_run_id),
            Column::Runtime => {
                if let Some(v) = e.runtime {
                    crate::format::with_shortest(v, |s| buf.extend_from_slice(s.as_bytes()));
                }
            }
            Column::Attempts => num(buf, Some(e.attempts)),
            Column::MaxAttempts => num(buf, e.max_attempts),
            other => buf.extend_from_slice(other.raw_text(e).as_bytes()),
        }
    }

    /// Plain field values shared by the table and the CSV.
    fn raw_text(self, e: &Entry) -> Cow<'_, str> {
        fn opt(s: Option<&str>) -> Cow<'_, str> {
            Cow::Borrowed(s.unwrap_or(""))
        }
        fn num<T: ToString>(n: Option<T>) -> Cow<'static, str> {
            n.map(|v| Cow::Owned(v.to_string()))
                .unwrap_or(Cow::Borrowed(""))
        }
        match self {
            Column::Status => Cow::Borrowed(e.status.label()),
            Column::CompanyGroup => Cow::Borrowed(&e.integration.name),
            Column::ServiceEntity => Cow::Borrowed(&e.entity),
            Column::SyncId => num(e.last_run_id),
            Column::Reference => opt(e.common_ref()),
            Column::SourceId => opt(e.source_id()),
            Column::SourceParentId => opt(e.source_parent_id()),
            Column::EndpointId => opt(e.endpoint_id()),
            Column::EndpointParentId => opt(e.endpoint_parent_id()),
            Column::Id => Cow::Owned(e.id.0.to_string()),
            Column::SourceSystem => Cow::Borrowed(&e.system_chain.source),
            Column::DestinationSystem => Cow::Borrowed(&e.system_chain.destination),
            Column::FirstRunId => num(e.first_run_id),
            Column::Runtime => e.runtime.map_or(Cow::Borrowed(""), |v| {
                Cow::Owned(crate::format::with_shortest(v, str::to_owned))
            }),
            Column::Attempts => Cow::Owned(e.attempts.to_string()),
            Column::MaxAttempts => num(e.max_attempts),
            Column::Message => opt(e.message()),
            Column::Error => opt(e.error()),
            Column::Resyncable => Cow::Borrowed(if e.resyncable { "yes" } else { "no" }),
            Column::Systems
            | Column::CreatedUtc
            | Column::CreatedLocal
            | Column::UpdatedAt
            | Column::LatestSync => Cow::Borrowed(""),
        }
    }
}

/// "Sync 123 started at 09:14:03 UTC and took 2.4s · attempt 2 of 4".
pub fn latest_sync_text(e: &Entry) -> String {
    let mut s = String::new();
    match e.last_run_id {
        Some(run) => {
            let _ = write!(s, "Sync {run}");
        }
        None => s.push_str("Sync"),
    }
    let started = e.updated_at.unwrap_or(e.created_at);
    let _ = write!(s, " started at {} UTC", stamp(&started, Stamp::TimeSecond));
    if let Some(rt) = e.runtime {
        let _ = write!(s, " and took {}s", crate::format::one_decimal(rt));
    }
    if e.attempts > 0 {
        match e.max_attempts {
            Some(max) => {
                let _ = write!(s, " · attempt {} of {}", e.attempts, max);
            }
            None => {
                let _ = write!(s, " · attempt {}", e.attempts);
            }
        }
    }
    s
}

/// Appends `2026-11-27T07:24:01Z` with integer arithmetic (Howard Hinnant's days-to-civil):
/// chrono's formatting machinery would dominate a million-row export.
pub fn push_iso(buf: &mut Vec<u8>, t: DateTime<Utc>) {
    IsoWriter::default().push(buf, t);
}

/// Writes timestamps as [`push_iso`] does, formatting each day's date part once: an export's
/// rows span a few weeks at most, so the date parts of the last [`IsoWriter::DAYS`] days are
/// kept, one slot per day (rows sorted by anything but time jump between days at every row).
#[derive(Debug)]
pub struct IsoWriter {
    /// Per slot (days since 1970-01-01 modulo [`IsoWriter::DAYS`]): the day it holds, and its
    /// `YYYY-MM-DDT`.
    days: [(i64, [u8; 11]); IsoWriter::DAYS],
}

impl Default for IsoWriter {
    fn default() -> Self {
        // No day has slot 0 with day i64::MIN: every slot starts empty.
        IsoWriter {
            days: [(i64::MIN, [0; 11]); IsoWriter::DAYS],
        }
    }
}

impl IsoWriter {
    const DAYS: usize = 64;

    pub fn push(&mut self, buf: &mut Vec<u8>, t: DateTime<Utc>) {
        let secs = t.timestamp();
        let days = secs.div_euclid(86_400);
        let slot = &mut self.days[days.rem_euclid(Self::DAYS as i64) as usize];
        if slot.0 != days {
            match iso_date(days) {
                Some(date) => *slot = (days, date),
                None => {
                    let text = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    buf.extend_from_slice(text.as_bytes());
                    return;
                }
            }
        }
        buf.extend_from_slice(&slot.1);
        buf.extend_from_slice(&iso_time(secs));
    }
}

/// `2026-11-27T`: the date part of an ISO-8601 timestamp for a day counted from 1970-01-01,
/// or None outside years 0 to 9999 (written by chrono instead).
fn iso_date(days: i64) -> Option<[u8; 11]> {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    let y = year as u32;
    let mut out = *b"0000-00-00T";
    two_digits(&mut out[0..2], y / 100);
    two_digits(&mut out[2..4], y % 100);
    two_digits(&mut out[5..7], month);
    two_digits(&mut out[8..10], day);
    Some(out)
}

/// `07:24:01Z`: the time part of an ISO-8601 UTC timestamp, for seconds since the epoch.
fn iso_time(secs: i64) -> [u8; 9] {
    let sod = secs.rem_euclid(86_400) as u32;
    let mut out = *b"00:00:00Z";
    two_digits(&mut out[0..2], sod / 3600);
    two_digits(&mut out[3..5], sod / 60 % 60);
    two_digits(&mut out[6..8], sod % 60);
    out
}

fn two_digits(o: &mut [u8], v: u32) {
    o[0] = b'0' + (v / 10) as u8;
    o[1] = b'0' + (v % 10) as u8;
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn entry() -> Entry {
        serde_json::from_value(serde_json::json!({
            "id": 9, "status": "Pending", "integration": {"name": "Acme"}, "type": "Order",
            "system_chain": "Shopify_NetSuite", "created_at": "2026-11-20T23:30:05Z",
            "last_run_id": 4242, "runtime": 2.44, "attempts": 2, "max_attempts": 4,
            "common_ref": "1001"
        }))
        .unwrap()
    }

    #[test]
    fn toggles_add_their_columns() {
        let none: Vec<_> = Column::visible_columns(Toggles::default()).collect();
        assert_eq!(none.len(), 8);
        assert!(!none.contains(&Column::LatestSync));
        let sync = Toggles {
            sync_data: true,
            ..Default::default()
        };
        assert!(Column::visible_columns(sync).any(|c| c == Column::LatestSync));
        let fields = Toggles {
            additional_fields: true,
            ..Default::default()
        };
        assert_eq!(Column::visible_columns(fields).count(), 12);
    }

    #[test]
    fn sortable_list_matches_sort_keys() {
        let with_keys: Vec<Column> = Column::TABLE.into_iter().filter(|c| c.sortable()).collect();
        assert_eq!(with_keys, Column::SORTABLE);
    }

    #[test]
    fn sort_keys_round_trip() {
        for c in Column::TABLE {
            if let Some(k) = c.sort_key() {
                assert_eq!(Column::from_sort_key(k), Some(c));
            }
        }
        assert!(!Column::CreatedLocal.sortable());
        assert!(Column::SyncId.sortable());
    }

    #[test]
    fn local_time_uses_the_zone() {
        let e = entry();
        let tz = FixedOffset::east_opt(3600).unwrap();
        assert_eq!(
            Column::CreatedLocal.cell_text(&e, &tz),
            "2026-11-21 00:30:05"
        );
        assert_eq!(Column::CreatedUtc.cell_text(&e, &tz), "2026-11-20 23:30:05");
        assert_eq!(Column::Systems.cell_text(&e, &tz), "Shopify → NetSuite");
    }

    #[test]
    fn latest_sync_reads_like_a_sentence() {
        assert_eq!(
            latest_sync_text(&entry()),
            "Sync 4242 started at 23:30:05 UTC and took 2.4s · attempt 2 of 4"
        );
    }

    #[test]
    fn iso_matches_chrono() {
        // Every day over four centuries, plus leap days and times of day.
        let start = DateTime::parse_from_rfc3339("1900-01-01T00:00:00Z")
            .unwrap()
            .timestamp();
        for d in (0..146_097 * 2).step_by(7) {
            let t = DateTime::from_timestamp(start + d * 86_400 + (d * 3_607) % 86_400, 0).unwrap();
            let mut s = Vec::new();
            push_iso(&mut s, t);
            assert_eq!(
                s,
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    .as_bytes()
            );
        }
    }
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn one_iso_writer_over_many_days_matches_chrono(
            days in prop::collection::vec(-800_000i64..3_000_000, 1..40),
            picks in prop::collection::vec((0usize..40, 0i64..86_400, 0i64..3), 1..200),
        ) {
            // Rows jump between days, and between days that share a slot (64 apart).
            let mut w = IsoWriter::default();
            for (i, secs, apart) in picks {
                let day = days[i % days.len()] + apart * IsoWriter::DAYS as i64;
                let Some(t) = DateTime::from_timestamp(day * 86_400 + secs, 0) else { continue };
                let mut s = Vec::new();
                w.push(&mut s, t);
                let want = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                prop_assert_eq!(String::from_utf8(s).unwrap(), want);
            }
        }
    }
}
