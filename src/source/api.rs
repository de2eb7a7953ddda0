//! The HTTP API's wire rules, without any networking: URLs, how answers and failures are read,
//! and when to retry. The HTTP source (`http.rs`) does the fetching; everything here is tested
//! natively.

use std::time::Duration;

use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;

use std::collections::BTreeSet;

use super::{FacetValues, SourceError};
use crate::model::entry::{Entry, EntryId, Status};
use crate::model::query::{FilterField, Query};
use crate::model::resync::{ResyncOutcome, ResyncResult};
use crate::wire::{
    self, ErrorAnswer, Facets, IdsAnswer, IdsRequest, OutcomesAnswer, PageRequest, ParsedPage,
};

/// Answers larger than this are refused rather than parsed (a page of 1,000 entries is about
/// 0.5 MB; this leaves room for long error texts).
pub const MAX_RESPONSE_BYTES: usize = 32_000_000;
/// Ids per lookup or resync request.
pub const IDS_PER_REQUEST: usize = wire::MAX_IDS_PER_REQUEST;
/// Entries per page when paging through a whole result (export).
pub const EXPORT_PAGE: u64 = 1000;
/// Pages of an export in flight at once.
pub const EXPORT_CONCURRENCY: usize = 4;
/// Tries of an idempotent request (the first and three retries).
pub const MAX_TRIES: u32 = 4;
/// The longest wait before a retry, whatever `Retry-After` says.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);

/// `{base}/{path}?{query}` with exactly one slash between base and path.
pub fn url(base: &str, path: &str, query: &str) -> String {
    let mut u = format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    );
    if !query.is_empty() {
        u.push('?');
        u.push_str(query);
    }
    u
}

/// The query string of `GET /sync-reports`.
pub fn list_query(q: &Query, page: PageRequest) -> String {
    wire::query_string(q, page)
}

/// The query string of `GET /sync-reports/ids` (the filters, no paging or sort).
pub fn ids_query(q: &Query) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in wire::query_params(q, PageRequest::default()) {
        if k.starts_with("filter[sort_") || k == "page" || k == "per_page" {
            continue;
        }
        s.append_pair(&k, &v);
    }
    s.finish()
}

/// The pages (1-based, with their size) that cover `offset..offset + len`.
pub fn pages_for(offset: usize, len: usize) -> (PageRequest, Option<PageRequest>) {
    let per_page = len.clamp(1, wire::MAX_PER_PAGE as usize);
    let first = offset / per_page;
    let p = |i: usize| PageRequest {
        page: i as u64 + 1,
        per_page: per_page as u64,
    };
    let second = (offset % per_page != 0).then(|| p(first + 1));
    (p(first), second)
}

/// Keeps a server-written message short and single-line before it reaches the screen.
fn tidy(s: &str) -> Option<String> {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return None;
    }
    Some(if s.chars().count() > 300 {
        s.chars().take(300).chain("…".chars()).collect()
    } else {
        s
    })
}

/// What a non-2xx answer means, in words. The request id comes from the `X-Request-Id` header
/// or the body.
pub fn classify(status: u16, header_request_id: Option<String>, body: &str) -> SourceError {
    let parsed: ErrorAnswer = serde_json::from_str(body).unwrap_or_default();
    let message = parsed
        .message
        .as_deref()
        .or(match &parsed.error {
            Some(serde_json::Value::String(s)) => Some(s.as_str()),
            Some(v) => v.get("message").and_then(|m| m.as_str()),
            None => None,
        })
        .and_then(tidy);
    let request_id = header_request_id
        .or(parsed.request_id)
        .and_then(|r| tidy(&r));
    match status {
        401 | 403 => SourceError::Unauthorized { status, message },
        404 => SourceError::NotFound,
        408 | 504 => SourceError::Server {
            status,
            request_id,
            message: message.or_else(|| Some("the report server timed out".into())),
        },
        400..=499 => SourceError::Rejected { status, message },
        _ => SourceError::Server {
            status,
            request_id,
            message,
        },
    }
}

/// Whether an answer with this status is worth retrying (idempotent requests only).
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Reads `Retry-After`: seconds, or an HTTP date (relative to `now`).
pub fn parse_retry_after(v: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let t = parse_http_date(v)?;
    Some((t - now).to_std().unwrap_or(Duration::ZERO))
}

/// An HTTP date as servers send it (RFC 9110's IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
/// Read here rather than with chrono's RFC 2822 parser, whose general format machinery would
/// otherwise be in the wasm module for this one header.
pub fn parse_http_date(v: &str) -> Option<DateTime<Utc>> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let b = v.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    if b[19] != b':' || b[22] != b':' || &b[25..] != b" GMT" {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let weekday = DAYS.iter().position(|d| d.as_bytes() == &b[..3])?;
    let month = MONTHS.iter().position(|m| m.as_bytes() == &b[8..11])? as u32 + 1;
    let date = chrono::NaiveDate::from_ymd_opt(num(12..16)? as i32, month, num(5..7)?)?;
    // A wrong weekday is a malformed date, as chrono's RFC 2822 reader has it.
    if date.weekday().num_days_from_monday() as usize != weekday {
        return None;
    }
    let time = chrono::NaiveTime::from_hms_opt(num(17..19)?, num(20..22)?, num(23..25)?)?;
    Some(date.and_time(time).and_utc())
}

/// How long to wait before try number `tries + 1`, or None to give up. Exponential backoff from
/// 250 ms with up to 50% jitter (`jitter` in 0..1), unless the server said when.
pub fn retry_wait(tries: u32, retry_after: Option<Duration>, jitter: f64) -> Option<Duration> {
    if tries >= MAX_TRIES {
        return None;
    }
    let wait = match retry_after {
        Some(d) => d,
        None => {
            let base = 250u64 << (tries.saturating_sub(1)).min(6);
            Duration::from_millis(base + (base as f64 * 0.5 * jitter.clamp(0.0, 1.0)) as u64)
        }
    };
    Some(wait.min(MAX_RETRY_WAIT))
}

/// Reads a page answer. An unusable envelope is an error naming the field; unreadable entries
/// are listed in the page, not dropped silently.
pub fn read_page(body: &str) -> Result<ParsedPage, SourceError> {
    wire::parse_page(body).map_err(|e| {
        SourceError::Malformed(format!("field `{}`: {}", e.field, tidy_msg(&e.message)))
    })
}

fn tidy_msg(m: &str) -> String {
    tidy(m).unwrap_or_default()
}

fn malformed(e: crate::json_path::JsonError) -> SourceError {
    SourceError::Malformed(format!(
        "field `{}`: {}",
        e.path_or("(root)"),
        tidy_msg(&e.error.to_string())
    ))
}

fn parse<'a, T: Deserialize<'a>>(body: &'a str) -> Result<T, SourceError> {
    crate::json_path::from_str(body).map_err(malformed)
}

/// `GET /sync-reports/facets`: the known values of each filter field (keyed by
/// [`FilterField::api_key`]; a field left out has none, other keys are ignored).
pub fn read_facets(body: &str) -> Result<Facets, SourceError> {
    parse(body)
}

/// `GET /sync-reports/changes`.
pub fn read_changes(body: &str) -> Result<crate::wire::ChangesAnswer, SourceError> {
    parse(body)
}

/// `GET /sync-reports/summary`.
pub fn read_summary(body: &str) -> Result<crate::model::summary::Summary, SourceError> {
    let s: crate::model::summary::Summary = parse(body)?;
    let n = s.series.first().map_or(0, |x| x.counts.len());
    if s.series.iter().any(|x| x.counts.len() != n) || n > 24 * 16 || s.bucket_seconds <= 0 {
        return Err(SourceError::Malformed(
            "field `series`: every series needs the same number of buckets (at most 384), and bucket_seconds must be positive".into(),
        ));
    }
    Ok(s)
}

/// `GET /sync-reports/ids`.
pub fn read_ids(body: &str) -> Result<Vec<EntryId>, SourceError> {
    Ok(parse::<IdsAnswer>(body)?.data)
}

/// `POST /sync-reports/lookup`: entries; unreadable ones are returned as errors to report.
pub fn read_lookup(body: &str) -> Result<ParsedPage, SourceError> {
    read_page(body)
}

#[derive(Deserialize)]
struct IdOnly {
    id: EntryId,
}

/// `POST /sync-reports/resync`: one outcome per id asked, in the order asked. An outcome that
/// cannot be read, or an id the answer left out, becomes a failure saying so: never a silent
/// success.
pub fn read_outcomes(body: &str, asked: &[EntryId]) -> Result<Vec<ResyncOutcome>, SourceError> {
    let raw: OutcomesAnswer = parse(body)?;
    let mut got: Vec<ResyncOutcome> = Vec::with_capacity(raw.data.len());
    for (i, item) in raw.data.into_iter().enumerate() {
        match serde_json::from_str::<ResyncOutcome>(item.get()) {
            Ok(o) => got.push(o),
            Err(e) => {
                if let Ok(IdOnly { id }) = serde_json::from_str::<IdOnly>(item.get()) {
                    got.push(ResyncOutcome {
                        id,
                        result: ResyncResult::Failed {
                            message: format!(
                                "the server's answer for it could not be read (data[{i}]: {})",
                                tidy_msg(&e.to_string())
                            ),
                        },
                    });
                }
            }
        }
    }
    // By id, in answer order within an id: the last answer for an id is the one that counts,
    // and it is used once (an id asked twice gets "did not say" the second time).
    crate::model::sort::sort_by_key(&mut got, |o| o.id);
    let ids: Vec<EntryId> = got.iter().map(|o| o.id).collect();
    let mut got: Vec<Option<ResyncOutcome>> = got.into_iter().map(Some).collect();
    Ok(asked
        .iter()
        .map(|&id| {
            let last = ids.partition_point(|&x| x <= id);
            let found = last
                .checked_sub(1)
                .filter(|&i| ids[i] == id)
                .and_then(|i| got[i].take());
            found.unwrap_or(ResyncOutcome {
                id,
                result: ResyncResult::Failed {
                    message: "the server did not say what happened to it".into(),
                },
            })
        })
        .collect())
}

/// Whether an optional endpoint's failure means the backend does not offer it: 404 (no such
/// route), 405 (the path exists for another method) or 501 (not implemented).
pub fn not_offered(e: &SourceError) -> bool {
    matches!(
        e,
        SourceError::NotFound
            | SourceError::Server { status: 501, .. }
            | SourceError::Rejected { status: 405, .. }
    )
}

/// The most entries a fallback pages through `GET /sync-reports` for (ids of "all matching", or
/// entries by id) when the backend lacks `/ids` or `/lookup`: ten pages of 1,000.
pub const FALLBACK_LIMIT: usize = 10_000;

/// Most distinct values kept per field from loaded pages.
const SEEN_LIMIT: usize = 500;

/// Filter values known without `GET /sync-reports/facets`: the four statuses the contract fixes,
/// `meta.available_entities`, and the values of every entry loaded so far.
#[derive(Clone, Debug, Default)]
pub struct SeenValues {
    /// Per [`FilterField`], in `FilterField::ALL` order.
    seen: [BTreeSet<String>; 5],
    /// `meta.available_entities` of the latest page that had it.
    entities: Vec<String>,
}

impl SeenValues {
    /// Records the values of loaded entries, and the page's `available_entities`.
    pub fn record(&mut self, entries: &[Entry], available_entities: &[String]) {
        if !available_entities.is_empty() {
            self.entities = available_entities.to_vec();
        }
        for e in entries {
            for (i, v) in [
                e.status.api_value(),
                &e.integration.name,
                &e.entity,
                &e.system_chain.source,
                &e.system_chain.destination,
            ]
            .into_iter()
            .enumerate()
            {
                if !v.is_empty() && self.seen[i].len() < SEEN_LIMIT && !self.seen[i].contains(v) {
                    self.seen[i].insert(v.to_string());
                }
            }
        }
    }

    /// What a header filter can offer for `field`.
    pub fn get(&self, field: FilterField) -> FacetValues {
        let i = field.index();
        let mut values: Vec<String> = match field {
            FilterField::Status => Status::KNOWN
                .iter()
                .map(|s| s.api_value().to_string())
                .collect(),
            FilterField::ServiceEntity => self.entities.clone(),
            _ => Vec::new(),
        };
        values.extend(
            self.seen[i]
                .iter()
                .filter(|v| !values.contains(v))
                .cloned()
                .collect::<Vec<_>>(),
        );
        if field != FilterField::Status {
            crate::model::sort::sort_by_cached_key(&mut values, |s| s.to_lowercase());
        }
        FacetValues {
            values: values
                .into_iter()
                .map(crate::model::facets::FacetValue::uncounted)
                .collect(),
            seen_only: match field {
                FilterField::Status => false,
                FilterField::ServiceEntity => self.entities.is_empty(),
                _ => true,
            },
        }
    }
}

/// The JSON body of a lookup or resync request.
pub fn ids_body(ids: &[EntryId]) -> String {
    IdsRequest::body(ids)
}

/// Orders looked-up entries as asked (the server may answer in any order, and leaves out ids
/// it does not know).
pub fn in_asked_order(asked: &[EntryId], mut got: Vec<Entry>) -> Vec<Entry> {
    let pos: std::collections::HashMap<EntryId, usize> =
        asked.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    got.retain(|e| pos.contains_key(&e.id));
    crate::model::sort::sort_by_key(&mut got, |e| pos[&e.id]);
    got.dedup_by_key(|e| e.id);
    got
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn only_404_405_and_501_mean_not_offered() {
        assert!(not_offered(&classify(404, None, "")));
        assert!(not_offered(&classify(405, None, "")));
        assert!(not_offered(&classify(501, None, "")));
        for status in [400, 401, 403, 429, 500, 503] {
            assert!(!not_offered(&classify(status, None, "")), "{status}");
        }
        assert!(!not_offered(&SourceError::Offline));
        let e = SourceError::NotOffered(crate::source::Optional::Summary);
        assert_eq!(
            e.to_string(),
            "This report server does not provide summary counts or failure groups."
        );
    }

    #[test]
    fn filter_values_without_facets_are_the_statuses_entities_and_what_was_seen() {
        let entry = |status: &str, group: &str, entity: &str, chain: &str| -> Entry {
            serde_json::from_value(serde_json::json!({
                "id": 1, "status": status, "integration": {"name": group}, "type": entity,
                "system_chain": chain, "created_at": "2026-11-20T10:00:00Z"
            }))
            .unwrap()
        };
        let mut seen = SeenValues::default();
        // Before any page: the four statuses; nothing else, and that is said.
        let status = seen.get(FilterField::Status);
        assert_eq!(status.texts(), ["Ok", "Sent", "Pending", "Failed"]);
        assert!(!status.seen_only);
        assert!(seen.get(FilterField::CompanyGroup).texts().is_empty());
        assert!(seen.get(FilterField::CompanyGroup).seen_only);
        seen.record(
            &[
                entry("Failed", "beta", "Order", "Shopify_NetSuite"),
                entry("Mystery", "Alpha", "Refund", "SFTP_Warehouse"),
                entry("Ok", "beta", "Order", "Shopify_NetSuite"),
            ],
            &["Order".to_string(), "Fulfilment".to_string()],
        );
        // An unknown status seen in a page joins the four.
        assert_eq!(
            seen.get(FilterField::Status).texts(),
            ["Ok", "Sent", "Pending", "Failed", "Mystery"]
        );
        let groups = seen.get(FilterField::CompanyGroup);
        assert_eq!(groups.texts(), ["Alpha", "beta"]);
        assert!(groups.seen_only);
        // Entities: meta.available_entities, plus any seen beyond it; complete.
        let entities = seen.get(FilterField::ServiceEntity);
        assert_eq!(entities.texts(), ["Fulfilment", "Order", "Refund"]);
        assert!(!entities.seen_only);
        assert_eq!(
            seen.get(FilterField::DestinationSystem).texts(),
            ["NetSuite", "Warehouse"]
        );
        // A page without available_entities keeps the last list.
        seen.record(&[], &[]);
        assert!(!seen.get(FilterField::ServiceEntity).seen_only);
    }

    #[test]
    fn facets_with_counts_without_and_with_unreadable_counts() {
        let counted = read_facets(
            r#"{"status": ["Ok", "Failed"], "integrations": ["Acme"], "type": [], "source_system": [],
                "destination_system": ["NetSuite", "SFTP"],
                "counts": {"status": [1204, 95], "integrations": [1, 2], "destination_system": [0, 7]}}"#,
        )
        .unwrap();
        let counts = counted.counts();
        let pairs = |f| -> Vec<(String, Option<u64>)> {
            counted
                .values(f, counts.as_ref())
                .into_iter()
                .map(|v| (v.text, v.count))
                .collect()
        };
        assert_eq!(
            pairs(FilterField::Status),
            [("Ok".into(), Some(1204)), ("Failed".into(), Some(95))]
        );
        assert_eq!(
            pairs(FilterField::DestinationSystem),
            [("NetSuite".into(), Some(0)), ("SFTP".into(), Some(7))]
        );
        // Counts that do not match their list (two for one value): that key's values alone.
        assert_eq!(pairs(FilterField::CompanyGroup), [("Acme".into(), None)]);
        // No counts, or counts that cannot be read: the values alone, never an error.
        for body in [
            r#"{"status": ["Ok", "Failed"]}"#,
            r#"{"status": ["Ok", "Failed"], "counts": null}"#,
            r#"{"status": ["Ok", "Failed"], "counts": "many"}"#,
            r#"{"status": ["Ok", "Failed"], "counts": {"status": [-1, 2]}}"#,
            r#"{"status": ["Ok", "Failed"], "counts": {"status": {"Ok": 1}}}"#,
        ] {
            let f = read_facets(body).unwrap();
            let c = f.counts();
            let v = f.values(FilterField::Status, c.as_ref());
            assert_eq!(v.len(), 2);
            assert!(v.iter().all(|x| x.count.is_none()), "{body}");
        }
    }

    #[test]
    fn urls_join_cleanly() {
        assert_eq!(url("/api/", "/sync-reports", ""), "/api/sync-reports");
        assert_eq!(
            url("https://x.test/v1", "sync-reports/ids", "a=1"),
            "https://x.test/v1/sync-reports/ids?a=1"
        );
    }

    #[test]
    fn ids_query_has_filters_only() {
        let mut q = Query::default();
        q.search.term = "abc".into();
        let s = ids_query(&q);
        assert!(s.contains("filter%5Bsearch_term%5D=abc"), "{s}");
        assert!(!s.contains("sort") && !s.contains("page"), "{s}");
    }

    #[test]
    fn pages_cover_any_window() {
        assert_eq!(
            pages_for(200, 100),
            (
                PageRequest {
                    page: 3,
                    per_page: 100
                },
                None
            )
        );
        let (a, b) = pages_for(150, 100);
        assert_eq!((a.page, b.map(|b| b.page)), (2, Some(3)));
        assert_eq!(pages_for(0, 5000).0.per_page, 1000);
    }

    #[test]
    fn failures_are_classified_in_words() {
        let e = classify(401, None, r#"{"message":"Token expired"}"#);
        assert_eq!(
            e,
            SourceError::Unauthorized {
                status: 401,
                message: Some("Token expired".into())
            }
        );
        assert!(e.to_string().contains("Sign in again"), "{e}");
        let e = classify(
            500,
            Some("req-7".into()),
            r#"{"message":"boom","request_id":"other"}"#,
        );
        assert!(e.to_string().contains("request id req-7"), "{e}");
        assert!(e.to_string().contains("boom"), "{e}");
        let e = classify(502, None, "<html>Bad gateway</html>");
        assert_eq!(
            e,
            SourceError::Server {
                status: 502,
                request_id: None,
                message: None
            }
        );
        let e = classify(500, None, r#"{"request_id":"req-9"}"#);
        assert!(e.to_string().contains("req-9"), "{e}");
        assert_eq!(classify(404, None, ""), SourceError::NotFound);
        assert!(matches!(
            classify(400, None, r#"{"error":{"message":"bad days"}}"#),
            SourceError::Rejected { status: 400, message: Some(m) } if m == "bad days"
        ));
        // A hostile message is flattened and cut, never a wall of text.
        let long = format!(r#"{{"message":"{}\n\n<b>x</b>"}}"#, "a".repeat(1000));
        let SourceError::Server {
            message: Some(m), ..
        } = classify(500, None, &long)
        else {
            panic!()
        };
        assert!(m.chars().count() <= 301 && !m.contains('\n'));
    }

    #[test]
    fn retries_back_off_and_honour_retry_after() {
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 12:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(retry_wait(1, None, 0.0), Some(Duration::from_millis(250)));
        assert_eq!(retry_wait(2, None, 0.0), Some(Duration::from_millis(500)));
        assert_eq!(retry_wait(3, None, 1.0), Some(Duration::from_millis(1500)));
        assert_eq!(retry_wait(MAX_TRIES, None, 0.0), None);
        assert_eq!(
            retry_wait(1, Some(Duration::from_secs(3600)), 0.0),
            Some(MAX_RETRY_WAIT)
        );
        assert!(is_retryable(503) && is_retryable(429) && !is_retryable(500));
    }

    #[test]
    fn malformed_answers_name_the_field() {
        let Err(SourceError::Malformed(m)) = read_page(r#"{"data":{}}"#) else {
            panic!()
        };
        assert!(m.contains("`data`"), "{m}");
        let Err(SourceError::Malformed(m)) = read_page(r#"{"data":[],"meta":{"total":"x"}}"#)
        else {
            panic!()
        };
        assert!(m.contains("`meta.total`"), "{m}");
        assert!(matches!(
            read_page("{\"data\":[{"),
            Err(SourceError::Malformed(_))
        ));
        let Err(SourceError::Malformed(m)) = read_ids(r#"{"data":[1,"x"]}"#) else {
            panic!()
        };
        assert!(m.contains("data[1]"), "{m}");
    }

    #[test]
    fn outcomes_cover_every_id_asked() {
        let asked = [EntryId(1), EntryId(2), EntryId(3), EntryId(4)];
        let body = r#"{"data":[
            {"id":2,"outcome":"refused","reason":{"code":"already_ok"}},
            {"id":1,"outcome":"accepted","status":"Pending"},
            {"id":3,"outcome":"exploded"}
        ]}"#;
        let out = read_outcomes(body, &asked).unwrap();
        assert_eq!(out.iter().map(|o| o.id).collect::<Vec<_>>(), asked.to_vec());
        assert!(matches!(out[0].result, ResyncResult::Accepted { .. }));
        assert!(matches!(out[1].result, ResyncResult::Refused { .. }));
        assert!(
            matches!(&out[2].result, ResyncResult::Failed { message } if message.contains("could not be read"))
        );
        assert!(
            matches!(&out[3].result, ResyncResult::Failed { message } if message.contains("did not say"))
        );
    }

    #[test]
    fn facets_and_lookup_order() {
        let f = read_facets(r#"{"status":["Failed"],"type":["Order"],"extra":["x"]}"#).unwrap();
        assert_eq!(f.get(FilterField::Status), ["Failed".to_string()]);
        assert_eq!(f.get(FilterField::ServiceEntity), ["Order".to_string()]);
        assert!(f.get(FilterField::CompanyGroup).is_empty());
        assert!(read_facets(r#"{"status":"Failed"}"#).is_err());
        // The struct's field names spell each filter's API key a second time: they must agree.
        for field in FilterField::ALL {
            let f = read_facets(&format!(r#"{{"{}":["x"]}}"#, field.api_key())).unwrap();
            assert_eq!(f.get(field), ["x".to_string()], "{field:?}");
        }
    }
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod http_date_tests {
    use super::parse_http_date;
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    proptest! {
        /// Every IMF-fixdate reads as chrono's RFC 2822 parser reads it, including dates whose
        /// weekday is wrong (refused by both) and impossible days (the 31st of any month).
        #[test]
        fn http_dates_read_as_chrono_reads_them(
            secs in 0i64..4_102_444_800, // 1970 to 2100
            weekday_shift in prop_oneof![Just(0u32), 1u32..7],
            day_31 in any::<bool>(),
        ) {
            let t = Utc.timestamp_opt(secs, 0).unwrap();
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let wd = DAYS[((chrono::Datelike::weekday(&t).num_days_from_monday() + weekday_shift) % 7) as usize];
            let mut s = format!("{wd}, {}", t.format("%d %b %Y %H:%M:%S GMT"));
            if day_31 {
                s.replace_range(5..7, "31");
            }
            let chrono = DateTime::parse_from_rfc2822(&s).ok().map(|t| t.with_timezone(&Utc));
            prop_assert_eq!(parse_http_date(&s), chrono, "{}", s);
        }
    }

    /// Outcomes are matched to the ids asked as a map from id to its last readable answer
    /// would match them, each answer used once, whatever the order, repeats and unreadable
    /// answers.
    #[test]
    fn outcomes_match_the_ids_asked_as_a_map_would() {
        use crate::model::entry::EntryId;
        use crate::model::resync::{ResyncOutcome, ResyncResult};
        use std::collections::BTreeMap;
        let shapes = [
            r#"{"id":ID,"outcome":"accepted","status":"Pending"}"#,
            r#"{"id":ID,"outcome":"refused","reason":{"code":"already_ok"}}"#,
            r#"{"id":ID,"outcome":"exploded"}"#,
            r#"{"id":ID,"outcome":"failed","message":"NTH"}"#,
        ];
        proptest!(|(answers in prop::collection::vec((0u64..12, 0usize..4), 0..30),
                    asked in prop::collection::vec(0u64..14, 0..20))| {
            let items: Vec<String> = answers
                .iter()
                .enumerate()
                .map(|(n, &(id, s))| shapes[s].replace("ID", &id.to_string()).replace("NTH", &n.to_string()))
                .collect();
            let body = format!(r#"{{"data":[{}]}}"#, items.join(","));
            let asked: Vec<EntryId> = asked.into_iter().map(EntryId).collect();
            let got = super::read_outcomes(&body, &asked).unwrap();
            // Each answer read on its own, in answer order: a later one replaces an earlier.
            let mut map: BTreeMap<EntryId, ResyncOutcome> = BTreeMap::new();
            for (n, &(id, _)) in answers.iter().enumerate() {
                let one = format!(r#"{{"data":[{}]}}"#, items[n]);
                let mut o = super::read_outcomes(&one, &[EntryId(id)]).unwrap().remove(0);
                if let ResyncResult::Failed { message } = &mut o.result {
                    *message = message.replace("data[0]", &format!("data[{n}]"));
                }
                map.insert(EntryId(id), o);
            }
            let expected: Vec<ResyncOutcome> = asked
                .iter()
                .map(|id| map.remove(id).unwrap_or(ResyncOutcome {
                    id: *id,
                    result: ResyncResult::Failed { message: "the server did not say what happened to it".into() },
                }))
                .collect();
            prop_assert_eq!(got, expected);
        });
    }

    #[test]
    fn other_forms_are_refused() {
        for bad in [
            "",
            "Fri, 27 Nov 2026 12:00:05 UTC",
            "Friday, 27-Nov-26 12:00:05 GMT",
            "Fri Nov 27 12:00:05 2026",
            "Fri, 27 Nov 2026 24:00:05 GMT",
            "Fri, 27 Now 2026 12:00:05 GMT",
            "Fri, 27 Nov 2026 12:00:05 GMT ",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        assert_eq!(
            parse_http_date("Fri, 27 Nov 2026 12:00:05 GMT"),
            Some(Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 5).unwrap())
        );
    }
}
