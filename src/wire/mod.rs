//! What the API looks like: every type that crosses the wire between the viewer and a backend
//! (docs/api.md; docs/openapi.yaml is its schema), used by both the HTTP source and the
//! reference server. The model (`crate::model`) holds the domain types; this module is how they
//! are written and read.
//!
//! | Endpoint | Sent | Answered |
//! |---|---|---|
//! | `GET /sync-reports` (core) | [`params`]: `filter[...]`, `page`, `per_page` | [`PageBody`] ([`Entry`] as [`EntryWire`], [`PageMeta`]); read by [`parse_page`] |
//! | `POST /sync-reports/resync` (core) | [`IdsRequest`] | [`OutcomesBody`] of [`ResyncOutcome`]; read as [`OutcomesAnswer`] |
//! | `GET /sync-reports/facets` (optional) | [`params`] without paging or sort | [`Facets`] with its [`FacetCounts`] |
//! | `GET /sync-reports/summary` (optional) | [`params`] without paging or sort | [`Summary`] with its [`FailureGroup`]s |
//! | `GET /sync-reports/changes` (optional) | [`params`] without paging or sort, and `since` | [`ChangesAnswer`] |
//! | `GET /sync-reports/ids` (optional) | [`params`] without paging or sort | [`IdsAnswer`] |
//! | `POST /sync-reports/lookup` (optional) | [`IdsRequest`] | [`EntriesBody`]; read by [`parse_page`] |
//! | any non-2xx answer | | [`ErrorBody`] as servers write it; read by [`ErrorAnswer`] |
//!
//! Reading is tolerant where real backends are loose ([`lenient`]): statuses as `_Sent`, ids
//! as strings, timestamps without a zone. What is unknown is kept (an unknown status is shown
//! with its raw text); an entry is refused only when a required field is unusable, with the
//! field named, and one bad entry never sinks its page. The drift test (server/tests/wire.rs
//! with scripts/check-api.mjs) checks these types against the OpenAPI file, field by field.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::model::entry::{
    Entry, EntryId, EntryText, Integration, Status, SystemChain, TextFields,
};
use crate::model::query::FilterField;
use crate::model::resync::{Refusal, ResyncOutcome, ResyncResult};
use crate::model::summary::{FailureGroup, Series, StatusCount, Summary};

pub mod lenient;
pub mod params;

use lenient::{
    lenient_datetime, lenient_u32, lenient_u64, opt_lenient_datetime, opt_lenient_f64,
    opt_lenient_string, opt_lenient_u32, opt_lenient_u64,
};
pub use params::{query_params, query_string, read_params, PageRequest, MAX_PER_PAGE};

// ---- entries ------------------------------------------------------------------------------------

impl Serialize for EntryId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for EntryId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_u64(d).map(EntryId)
    }
}

/// `Ok`, `Sent`, `Pending`, `Failed`; `_Sent` and other spellings are read too, and any other
/// text is kept as an unknown status.
impl Serialize for Status {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.api_value())
    }
}

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Status::parse(&raw))
    }
}

/// `Source_Destination`, as stored.
impl Serialize for SystemChain {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.api_value())
    }
}

impl<'de> Deserialize<'de> for SystemChain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(SystemChain::parse(&raw))
    }
}

/// Implements `Serialize` and `Deserialize` for a model type through its wire mirror
/// (`#[serde(remote = ...)]`): the mirror lists the fields as the API names them.
macro_rules! through_mirror {
    ($model:ty, $mirror:ident) => {
        impl Serialize for $model {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $mirror::serialize(self, s)
            }
        }
        impl<'de> Deserialize<'de> for $model {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $mirror::deserialize(d)
            }
        }
    };
}

/// `integration` of an entry.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Integration")]
struct IntegrationWire {
    #[serde(default, deserialize_with = "opt_lenient_u64")]
    id: Option<u64>,
    name: Arc<str>,
}
through_mirror!(Integration, IntegrationWire);

/// An entry as the API writes it: what [`Entry`] reads from and writes to JSON. Every field
/// but the six required ones may be missing or null; ids and numbers may come as text.
#[derive(Serialize, Deserialize)]
pub struct EntryWire {
    id: EntryId,
    status: Status,
    integration: Integration,
    #[serde(rename = "type")]
    entity: Arc<str>,
    system_chain: SystemChain,
    #[serde(default, deserialize_with = "opt_lenient_u64")]
    first_run_id: Option<u64>,
    #[serde(default, deserialize_with = "opt_lenient_u64")]
    last_run_id: Option<u64>,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    common_ref: Option<String>,
    #[serde(deserialize_with = "lenient_datetime")]
    created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "opt_lenient_datetime")]
    updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "opt_lenient_f64")]
    runtime: Option<f64>,
    #[serde(default, deserialize_with = "lenient_u32")]
    attempts: u32,
    #[serde(
        default,
        deserialize_with = "opt_lenient_datetime",
        skip_serializing_if = "Option::is_none"
    )]
    next_retry_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "opt_lenient_u32")]
    max_attempts: Option<u32>,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    error: Option<String>,
    #[serde(default = "default_true")]
    resyncable: bool,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    source_id: Option<String>,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    source_parent_id: Option<String>,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    endpoint_id: Option<String>,
    #[serde(default, deserialize_with = "opt_lenient_string")]
    endpoint_parent_id: Option<String>,
}

impl From<EntryWire> for Entry {
    fn from(w: EntryWire) -> Self {
        let text = EntryText::new(&TextFields {
            common_ref: w.common_ref.as_deref(),
            message: w.message.as_deref(),
            error: w.error.as_deref(),
            source_id: w.source_id.as_deref(),
            source_parent_id: w.source_parent_id.as_deref(),
            endpoint_id: w.endpoint_id.as_deref(),
            endpoint_parent_id: w.endpoint_parent_id.as_deref(),
        });
        Entry {
            id: w.id,
            status: w.status,
            integration: w.integration,
            entity: w.entity,
            system_chain: w.system_chain,
            first_run_id: w.first_run_id,
            last_run_id: w.last_run_id,
            created_at: w.created_at,
            updated_at: w.updated_at,
            runtime: w.runtime,
            attempts: w.attempts,
            next_retry_at: w.next_retry_at,
            max_attempts: w.max_attempts,
            resyncable: w.resyncable,
            text,
        }
    }
}

impl From<Entry> for EntryWire {
    fn from(e: Entry) -> Self {
        let t = e.text.fields();
        let own = |s: Option<&str>| s.map(str::to_owned);
        EntryWire {
            common_ref: own(t.common_ref),
            message: own(t.message),
            error: own(t.error),
            source_id: own(t.source_id),
            source_parent_id: own(t.source_parent_id),
            endpoint_id: own(t.endpoint_id),
            endpoint_parent_id: own(t.endpoint_parent_id),
            id: e.id,
            status: e.status,
            integration: e.integration,
            entity: e.entity,
            system_chain: e.system_chain,
            first_run_id: e.first_run_id,
            last_run_id: e.last_run_id,
            created_at: e.created_at,
            updated_at: e.updated_at,
            runtime: e.runtime,
            attempts: e.attempts,
            next_retry_at: e.next_retry_at,
            max_attempts: e.max_attempts,
            resyncable: e.resyncable,
        }
    }
}

fn default_true() -> bool {
    true
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        EntryWire::from(self.clone()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        EntryWire::deserialize(d).map(Entry::from)
    }
}

// ---- pages: GET /sync-reports and POST /sync-reports/lookup ----------------------------------

/// `meta` of a page answer. Every field is optional on the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageMeta {
    /// Entries matching the query, over all pages.
    pub total: u64,
    pub current_page: u64,
    pub per_page: u64,
    pub last_page: u64,
    pub available_entities: Vec<String>,
    /// Company groups that failed to answer; the page still shows the others.
    pub integrations_without_results: Vec<IntegrationProblem>,
    /// Entries in the date range before search and filters ("120 of 5,000 entries").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_range: Option<u64>,
    /// The server's clock when it resolved `filter[days]`: the client pins later requests
    /// (export pages, "all matching") to it, whatever its own clock says.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_lenient_datetime"
    )]
    pub generated_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntegrationProblem {
    pub integration_name: String,
    pub message: String,
}

/// A page answer as the server writes it.
#[derive(Clone, Debug, Serialize)]
pub struct PageBody<'a> {
    pub data: &'a [Entry],
    pub meta: &'a PageMeta,
}

/// `POST /sync-reports/lookup`'s answer as the server writes it: entries, no `meta`.
#[derive(Clone, Debug, Serialize)]
pub struct EntriesBody<'a> {
    pub data: &'a [Entry],
}

/// `POST /sync-reports/resync`'s answer as the server writes it: one outcome per id asked.
#[derive(Clone, Debug, Serialize)]
pub struct OutcomesBody<'a> {
    pub data: &'a [ResyncOutcome],
}

/// An entry the page could not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("entry {index}{} could not be read: field `{field}`: {message}", .id.as_ref().map(|i| format!(" (id {i})")).unwrap_or_default())]
pub struct EntryError {
    /// Position in `data`.
    pub index: usize,
    /// The entry's `id` as sent, when it had one.
    pub id: Option<String>,
    /// Path of the failing field, e.g. `created_at` or `integration.name`.
    pub field: String,
    pub message: String,
}

/// The answer as a whole was unusable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed response: field `{field}`: {message}")]
pub struct PageError {
    pub field: String,
    pub message: String,
}

/// What a page answer gave: the entries that read, and those that did not.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedPage {
    pub entries: Vec<Entry>,
    pub rejected: Vec<EntryError>,
    pub meta: PageMeta,
}

#[derive(Deserialize)]
struct RawPage<'a> {
    #[serde(borrow)]
    data: Vec<&'a RawValue>,
    #[serde(default)]
    meta: PageMeta,
}

/// An entry's `id` alone, to name an entry that could not be read.
#[derive(Deserialize)]
struct IdOnly {
    id: serde_json::Value,
}

/// Parses a page answer. Fails only when the envelope itself is unusable.
pub fn parse_page(body: &str) -> Result<ParsedPage, PageError> {
    let raw: RawPage = crate::json_path::from_str(body).map_err(|e| PageError {
        field: e.path_or("(root)"),
        message: e.error.to_string(),
    })?;
    let mut page = ParsedPage {
        meta: raw.meta,
        ..Default::default()
    };
    page.entries.reserve(raw.data.len());
    for (index, item) in raw.data.into_iter().enumerate() {
        match crate::json_path::from_str::<Entry>(item.get()) {
            Ok(e) => page.entries.push(e),
            Err(err) => {
                let id = serde_json::from_str::<IdOnly>(item.get())
                    .ok()
                    .map(|v| match v.id {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    });
                page.rejected.push(EntryError {
                    index,
                    id,
                    field: err.path_or("(root)"),
                    message: err.error.to_string(),
                });
            }
        }
    }
    Ok(page)
}

// ---- the summary: GET /sync-reports/summary ---------------------------------------------------

#[derive(Serialize, Deserialize)]
#[serde(remote = "StatusCount")]
struct StatusCountWire {
    status: String,
    count: u64,
}
through_mirror!(StatusCount, StatusCountWire);

#[derive(Serialize, Deserialize)]
#[serde(remote = "Series")]
struct SeriesWire {
    status: String,
    counts: Vec<u32>,
}
through_mirror!(Series, SeriesWire);

#[derive(Serialize, Deserialize)]
#[serde(remote = "FailureGroup")]
struct FailureGroupWire {
    signature: String,
    count: u64,
    #[serde(deserialize_with = "lenient_datetime")]
    newest: DateTime<Utc>,
    example: String,
    systems: Vec<String>,
}
through_mirror!(FailureGroup, FailureGroupWire);

#[derive(Serialize, Deserialize)]
#[serde(remote = "Summary")]
struct SummaryWire {
    statuses: Vec<StatusCount>,
    #[serde(deserialize_with = "lenient_datetime")]
    start: DateTime<Utc>,
    bucket_seconds: i64,
    series: Vec<Series>,
    #[serde(default)]
    groups: Vec<FailureGroup>,
    #[serde(default)]
    stuck: u64,
}
through_mirror!(Summary, SummaryWire);

// ---- facets: GET /sync-reports/facets ---------------------------------------------------------

/// Every value of each header filter, and (where the backend counts them) how many entries each
/// value would give.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Facets {
    pub status: Vec<String>,
    pub integrations: Vec<String>,
    #[serde(rename = "type")]
    pub entity: Vec<String>,
    pub source_system: Vec<String>,
    pub destination_system: Vec<String>,
    /// Optional, read only when used ([`Facets::values`]): counts the viewer cannot read are
    /// ignored, and the values still show.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "raw_or_none"
    )]
    pub counts: Option<Box<RawValue>>,
}

/// The `counts` of a facets answer: per filter key, one count per value of that key's list, in
/// the list's order. Each is how many entries match the range, the search and every filter
/// except that key's own.
///
/// Parallel arrays rather than value → count maps: the viewer reads them with the number arrays
/// it reads anyway (the summary's series), where five string-keyed maps cost 3 KB of wasm.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FacetCounts {
    pub status: Vec<u64>,
    pub integrations: Vec<u64>,
    #[serde(rename = "type")]
    pub entity: Vec<u64>,
    pub source_system: Vec<u64>,
    pub destination_system: Vec<u64>,
}

fn raw_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<RawValue>>, D::Error> {
    Ok(Option::<Box<RawValue>>::deserialize(d)?.filter(|r| r.get() != "null"))
}

impl Facets {
    pub fn get(&self, field: FilterField) -> &[String] {
        match field {
            FilterField::Status => &self.status,
            FilterField::CompanyGroup => &self.integrations,
            FilterField::ServiceEntity => &self.entity,
            FilterField::SourceSystem => &self.source_system,
            FilterField::DestinationSystem => &self.destination_system,
        }
    }

    /// The answer for a store's counts under one query (the reference server's).
    pub fn counted(c: &crate::model::facets::FacetCounts) -> Facets {
        let list = |f| c.get(f).iter().map(|(v, _)| v.clone()).collect();
        let n = |f| c.get(f).iter().map(|&(_, n)| n).collect();
        let counts = FacetCounts {
            status: n(FilterField::Status),
            integrations: n(FilterField::CompanyGroup),
            entity: n(FilterField::ServiceEntity),
            source_system: n(FilterField::SourceSystem),
            destination_system: n(FilterField::DestinationSystem),
        };
        Facets {
            status: list(FilterField::Status),
            integrations: list(FilterField::CompanyGroup),
            entity: list(FilterField::ServiceEntity),
            source_system: list(FilterField::SourceSystem),
            destination_system: list(FilterField::DestinationSystem),
            counts: serde_json::value::to_raw_value(&counts).ok(),
        }
    }

    /// The counts, if the answer has readable ones.
    pub fn counts(&self) -> Option<FacetCounts> {
        self.counts
            .as_ref()
            .and_then(|r| serde_json::from_str(r.get()).ok())
    }

    /// A header filter's values, in the order listed, with their counts when the answer has
    /// them for this key (one per value; a key whose counts do not match its list has none).
    pub fn values(
        &self,
        field: FilterField,
        counts: Option<&FacetCounts>,
    ) -> Vec<crate::model::facets::FacetValue> {
        let list = self.get(field);
        let counts = counts
            .map(|c| c.get(field))
            .filter(|c| c.len() == list.len());
        list.iter()
            .enumerate()
            .map(|(i, v)| crate::model::facets::FacetValue {
                text: v.clone(),
                count: counts.map(|c| c[i]),
            })
            .collect()
    }
}

impl FacetCounts {
    pub fn get(&self, field: FilterField) -> &[u64] {
        match field {
            FilterField::Status => &self.status,
            FilterField::CompanyGroup => &self.integrations,
            FilterField::ServiceEntity => &self.entity,
            FilterField::SourceSystem => &self.source_system,
            FilterField::DestinationSystem => &self.destination_system,
        }
    }
}

// ---- ids: GET /sync-reports/ids, and the body of lookup and resync ----------------------------

/// `GET /sync-reports/changes`: what changed since the viewer's snapshot (live updates).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangesAnswer {
    /// Entries matching the filters and search, created after `since` (up to now).
    #[serde(deserialize_with = "lenient_u64")]
    pub new: u64,
    /// Entries created by `since` that changed after it (a status settling), at most 1,000.
    #[serde(default)]
    pub changed: Vec<EntryId>,
    /// The server's clock when it answered.
    #[serde(deserialize_with = "lenient_datetime")]
    pub generated_at: DateTime<Utc>,
}

/// `GET /sync-reports/ids`: the ids matching the filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdsAnswer {
    pub data: Vec<EntryId>,
    /// Written by servers; the viewer does not need it (not read: 1.3 KB less wasm).
    #[serde(default, skip_deserializing)]
    pub meta: IdsMeta,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdsMeta {
    pub total: u64,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "opt_lenient_datetime"
    )]
    pub generated_at: Option<DateTime<Utc>>,
}

/// The body of `POST /sync-reports/lookup` and `POST /sync-reports/resync`: at most 1,000 ids,
/// and nothing else.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdsRequest {
    pub ids: Vec<EntryId>,
}

/// The most ids one lookup or resync request may carry.
pub const MAX_IDS_PER_REQUEST: usize = 1000;

impl IdsRequest {
    /// The JSON body for `ids`: `{"ids":[1,2,3]}`, written by hand (a serde serializer for
    /// this one shape cost 0.7 KB of wasm).
    pub fn body(ids: &[EntryId]) -> String {
        let mut out = String::with_capacity(9 + ids.len() * 12);
        out.push_str("{\"ids\":[");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(itoa::Buffer::new().format(id.0));
        }
        out.push_str("]}");
        out
    }
}

// ---- resync: POST /sync-reports/resync --------------------------------------------------------

/// The resync answer: one outcome per id asked, each read on its own (one unreadable outcome
/// costs only its entry).
#[derive(Deserialize)]
pub struct OutcomesAnswer<'a> {
    #[serde(borrow)]
    pub data: Vec<&'a RawValue>,
}

/// Why an entry was not resynced: an object tagged by `code`.
#[derive(Serialize)]
#[serde(remote = "Refusal", tag = "code", rename_all = "snake_case")]
enum RefusalOut {
    NotResyncable {
        detail: Option<String>,
    },
    AlreadyOk,
    InProgress {
        attempts: u32,
        max_attempts: Option<u32>,
    },
    UnknownStatus {
        status: String,
    },
    NotFound,
}

impl Serialize for Refusal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RefusalOut::serialize(self, s)
    }
}

/// Read through [`RefusalWire`] (as the outcomes are), not serde's internally tagged enums,
/// which buffer each value to find its tag first: the same JSON, in less code and time.
impl<'de> Deserialize<'de> for Refusal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Refusal::try_from(RefusalWire::deserialize(d)?).map_err(de::Error::custom)
    }
}

/// One item's outcome, tagged by `outcome`, with its fields beside `id`.
#[derive(Serialize)]
#[serde(remote = "ResyncResult", tag = "outcome", rename_all = "snake_case")]
enum ResyncResultOut {
    Accepted { status: Status },
    Refused { reason: Refusal },
    Failed { message: String },
}

impl Serialize for ResyncResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ResyncResultOut::serialize(self, s)
    }
}

#[derive(Serialize)]
struct ResyncOutcomeOut<'a> {
    id: EntryId,
    #[serde(flatten)]
    result: &'a ResyncResult,
}

impl Serialize for ResyncOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ResyncOutcomeOut {
            id: self.id,
            result: &self.result,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for ResyncOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ResyncOutcome::try_from(OutcomeWire::deserialize(d)?).map_err(de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RefusalCode {
    NotResyncable,
    AlreadyOk,
    InProgress,
    UnknownStatus,
    NotFound,
}

#[derive(Deserialize)]
struct RefusalWire {
    code: RefusalCode,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    attempts: Option<u32>,
    #[serde(default)]
    max_attempts: Option<u32>,
    #[serde(default)]
    status: Option<String>,
}

fn missing(field: &str) -> String {
    format!("missing field `{field}`")
}

impl TryFrom<RefusalWire> for Refusal {
    type Error = String;
    fn try_from(w: RefusalWire) -> Result<Self, String> {
        Ok(match w.code {
            RefusalCode::NotResyncable => Refusal::NotResyncable { detail: w.detail },
            RefusalCode::AlreadyOk => Refusal::AlreadyOk,
            RefusalCode::InProgress => Refusal::InProgress {
                attempts: w.attempts.ok_or_else(|| missing("attempts"))?,
                max_attempts: w.max_attempts,
            },
            RefusalCode::UnknownStatus => Refusal::UnknownStatus {
                status: w.status.ok_or_else(|| missing("status"))?,
            },
            RefusalCode::NotFound => Refusal::NotFound,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeKind {
    Accepted,
    Refused,
    Failed,
}

#[derive(Deserialize)]
struct OutcomeWire {
    id: EntryId,
    outcome: OutcomeKind,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    reason: Option<Refusal>,
    #[serde(default)]
    message: Option<String>,
}

impl TryFrom<OutcomeWire> for ResyncOutcome {
    type Error = String;
    fn try_from(w: OutcomeWire) -> Result<Self, String> {
        let result = match w.outcome {
            OutcomeKind::Accepted => ResyncResult::Accepted {
                status: w.status.ok_or_else(|| missing("status"))?,
            },
            OutcomeKind::Refused => ResyncResult::Refused {
                reason: w.reason.ok_or_else(|| missing("reason"))?,
            },
            OutcomeKind::Failed => ResyncResult::Failed {
                message: w.message.ok_or_else(|| missing("message"))?,
            },
        };
        Ok(ResyncOutcome { id: w.id, result })
    }
}

// ---- errors: any non-2xx answer ---------------------------------------------------------------

/// The error body the reference server writes on every non-2xx answer.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
    pub request_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ParamError>,
}

/// One parameter a `400` refused, and why.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ParamError {
    pub parameter: String,
    pub value: String,
    pub reason: String,
}

/// An error body as the viewer reads it from any backend: every field optional, and `error`
/// (a text, or an object with a `message`) as other servers write it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ErrorAnswer {
    pub message: Option<String>,
    pub request_id: Option<String>,
    pub error: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the outcomes write is what they read, for every variant; missing fields are named.
    #[test]
    fn an_ids_body_is_what_serde_would_write() {
        for ids in [
            vec![],
            vec![EntryId(0)],
            vec![EntryId(7), EntryId(u64::MAX)],
        ] {
            let body = IdsRequest::body(&ids);
            assert_eq!(
                body,
                serde_json::to_string(&IdsRequest { ids: ids.clone() }).unwrap()
            );
            let back: IdsRequest = serde_json::from_str(&body).unwrap();
            assert_eq!(back.ids, ids);
        }
    }

    #[test]
    fn outcomes_read_back_what_they_write() {
        let reasons = [
            Refusal::NotResyncable { detail: None },
            Refusal::NotResyncable {
                detail: Some("processed".into()),
            },
            Refusal::AlreadyOk,
            Refusal::InProgress {
                attempts: 2,
                max_attempts: Some(4),
            },
            Refusal::InProgress {
                attempts: 1,
                max_attempts: None,
            },
            Refusal::UnknownStatus {
                status: "Queued".into(),
            },
            Refusal::NotFound,
        ];
        let mut outcomes: Vec<ResyncResult> = reasons
            .into_iter()
            .map(|reason| ResyncResult::Refused { reason })
            .collect();
        outcomes.push(ResyncResult::Accepted {
            status: Status::Pending,
        });
        outcomes.push(ResyncResult::Failed {
            message: "HTTP 502".into(),
        });
        for (i, result) in outcomes.into_iter().enumerate() {
            let o = ResyncOutcome {
                id: EntryId(i as u64),
                result,
            };
            let json = serde_json::to_string(&o).unwrap();
            assert_eq!(
                serde_json::from_str::<ResyncOutcome>(&json).unwrap(),
                o,
                "{json}"
            );
        }
        let err = |json: &str| {
            serde_json::from_str::<ResyncOutcome>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"id":1,"outcome":"accepted"}"#).contains("`status`"));
        assert!(
            err(r#"{"id":1,"outcome":"refused","reason":{"code":"in_progress"}}"#)
                .contains("`attempts`")
        );
        assert!(err(r#"{"id":1,"outcome":"exploded"}"#).contains("exploded"));
    }

    #[test]
    fn good_entries_survive_a_bad_one() {
        let body = r#"{"data":[
            {"id":1,"status":"Ok","integration":{"name":"A"},"type":"Order","system_chain":"Shopify_NetSuite","created_at":"2026-11-20T10:00:00Z"},
            {"id":2,"status":"Ok","integration":{"name":"A"},"type":"Order","system_chain":"Shopify_NetSuite","created_at":12},
            {"id":3,"status":"Mystery","integration":{"name":"A"},"type":"Order","system_chain":"Shopify_NetSuite","created_at":"2026-11-20T10:00:00Z"}
        ],"meta":{"total":3,"last_page":1}}"#;
        let p = parse_page(body).unwrap();
        assert_eq!(p.entries.len(), 2);
        assert_eq!(p.rejected.len(), 1);
        let r = &p.rejected[0];
        assert_eq!(
            (r.index, r.id.as_deref(), r.field.as_str()),
            (1, Some("2"), "created_at")
        );
        assert!(r.to_string().contains("entry 1 (id 2)"), "{r}");
        assert_eq!(p.meta.total, 3);
    }

    #[test]
    fn nested_field_is_named() {
        let body = r#"{"data":[{"id":"9","status":"Ok","integration":{"name":5},"type":"Order","system_chain":"A_B","created_at":"2026-11-20T10:00:00Z"}]}"#;
        let p = parse_page(body).unwrap();
        assert_eq!(p.rejected[0].field, "integration.name");
        assert_eq!(p.rejected[0].id.as_deref(), Some("9"));
    }

    #[test]
    fn non_numeric_id_is_named() {
        let body = r#"{"data":[{"id":"x9","status":"Ok","integration":{"name":"A"},"type":"Order","system_chain":"A_B","created_at":"2026-11-20T10:00:00Z"}]}"#;
        let p = parse_page(body).unwrap();
        assert_eq!(
            (p.rejected[0].field.as_str(), p.rejected[0].id.as_deref()),
            ("id", Some("x9"))
        );
    }

    #[test]
    fn broken_envelope_is_an_error() {
        assert_eq!(parse_page(r#"{"data":5}"#).unwrap_err().field, "data");
        assert!(parse_page("<html>").is_err());
        assert!(parse_page("").is_err());
    }

    #[test]
    fn meta_problems_are_read() {
        let body = r#"{"data":[],"meta":{"integrations_without_results":[{"integration_name":"B","message":"timeout"}]}}"#;
        let p = parse_page(body).unwrap();
        assert_eq!(p.meta.integrations_without_results[0].integration_name, "B");
    }
}
