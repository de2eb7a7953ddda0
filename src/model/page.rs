//! A page of the backend's `GET /sync-reports` answer, parsed so that one malformed entry never
//! costs the others: good entries load, bad ones are reported with their index, id and field.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::entry::Entry;

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
        deserialize_with = "super::entry::opt_lenient_datetime"
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

#[cfg(test)]
mod tests {
    use super::*;

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
