//! The drift test's Rust half: every wire type (sync_report::wire) written with every field it
//! has, every variant of each enum, and the parameters the viewer sends, saved under
//! `target/api-samples/full/`. `scripts/check-api.mjs` then compares them with
//! docs/openapi.yaml, field by field and both ways: a field renamed, added or dropped on
//! either side fails the test command.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sync_report::model::entry::{
    Entry, EntryId, EntryText, Integration, Status, SystemChain, TextFields,
};
use sync_report::model::query::{DateRange, FilterField, Query, Search, SearchScope};
use sync_report::model::resync::{Refusal, ResyncOutcome, ResyncResult};
use sync_report::model::summary::{FailureGroup, Series, StatusCount, Summary};
use sync_report::source::api::ids_query;
use sync_report::wire::{
    self, ChangesAnswer, EntriesBody, ErrorBody, FacetCounts, Facets, IdsAnswer, IdsMeta,
    IdsRequest, IntegrationProblem, OutcomesBody, PageBody, PageMeta, PageRequest, ParamError,
};

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/api-samples/full");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Saves the samples of one schema: each written by the wire types.
fn save(schema: &str, samples: &[Value]) {
    std::fs::write(
        dir().join(format!("{schema}.json")),
        serde_json::to_string_pretty(samples).unwrap(),
    )
    .unwrap();
}

fn v(x: impl Serialize) -> Value {
    serde_json::to_value(x).unwrap()
}

fn full_entry() -> Entry {
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
    Entry {
        id: EntryId(42),
        status: Status::Pending,
        integration: Integration {
            id: Some(3),
            name: Arc::from("Acme Retail"),
        },
        entity: Arc::from("Order"),
        system_chain: SystemChain::new("Shopify", "NetSuite"),
        first_run_id: Some(100),
        last_run_id: Some(101),
        created_at: t,
        updated_at: Some(t),
        runtime: Some(1.5),
        attempts: 2,
        next_retry_at: Some(t),
        max_attempts: Some(4),
        resyncable: true,
        text: EntryText::new(&TextFields {
            common_ref: Some("1001"),
            message: Some("Customer not found"),
            error: Some("HTTP 404 from NetSuite"),
            source_id: Some("s1"),
            source_parent_id: Some("sp1"),
            endpoint_id: Some("e1"),
            endpoint_parent_id: Some("ep1"),
        }),
    }
}

#[test]
fn every_wire_type_is_saved_with_every_field_for_the_drift_check() {
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
    let entries = [full_entry()];
    save("Entry", &[v(&entries[0])]);
    let meta = PageMeta {
        total: 1,
        current_page: 1,
        per_page: 100,
        last_page: 1,
        available_entities: vec!["Order".into()],
        integrations_without_results: vec![IntegrationProblem {
            integration_name: "Beta".into(),
            message: "did not answer".into(),
        }],
        in_range: Some(5),
        generated_at: Some(t),
    };
    save("Meta", &[v(&meta)]);
    save(
        "Page",
        &[v(PageBody {
            data: &entries,
            meta: &meta,
        })],
    );
    save("Entries", &[v(EntriesBody { data: &entries })]);
    let facets = Facets {
        status: vec!["Failed".into()],
        integrations: vec!["Acme".into()],
        entity: vec!["Order".into()],
        source_system: vec!["Shopify".into()],
        destination_system: vec!["NetSuite".into()],
        counts: None,
    };
    // Counts: one per listed value, in the list's order.
    let counts = FacetCounts {
        status: vec![95],
        integrations: vec![12],
        entity: vec![7],
        source_system: vec![1204],
        destination_system: vec![0],
    };
    let facets = Facets {
        counts: serde_json::value::to_raw_value(&counts).ok(),
        ..facets
    };
    save("Facets", &[v(&facets)]);
    save("FacetCounts", &[v(&counts)]);
    save(
        "Changes",
        &[v(ChangesAnswer {
            new: 12,
            changed: vec![EntryId(7)],
            generated_at: t,
        })],
    );
    save("ValueCounts", &[v(&counts.status)]);
    save(
        "Ids",
        &[v(IdsAnswer {
            data: vec![EntryId(1)],
            meta: IdsMeta {
                total: 1,
                generated_at: Some(t),
            },
        })],
    );
    save(
        "Summary",
        &[v(Summary {
            statuses: vec![StatusCount {
                status: "Failed".into(),
                count: 1,
            }],
            start: t,
            bucket_seconds: 3600,
            series: vec![Series {
                status: "Failed".into(),
                counts: vec![1],
            }],
            groups: vec![FailureGroup {
                signature: "Customer <id> not found".into(),
                count: 1,
                newest: t,
                example: "Customer 7 not found".into(),
                systems: vec!["Shopify → NetSuite".into()],
            }],
            stuck: 0,
        })],
    );
    save(
        "IdsRequest",
        &[v(IdsRequest {
            ids: vec![EntryId(1)],
        })],
    );
    let refusals = [
        Refusal::NotResyncable {
            detail: Some("processed".into()),
        },
        Refusal::AlreadyOk,
        Refusal::InProgress {
            attempts: 2,
            max_attempts: Some(4),
        },
        Refusal::UnknownStatus {
            status: "Queued".into(),
        },
        Refusal::NotFound,
    ];
    save("Refusal", &refusals.iter().map(v).collect::<Vec<_>>());
    let mut outcomes = vec![
        ResyncOutcome {
            id: EntryId(1),
            result: ResyncResult::Accepted {
                status: Status::Pending,
            },
        },
        ResyncOutcome {
            id: EntryId(2),
            result: ResyncResult::Failed {
                message: "HTTP 502".into(),
            },
        },
    ];
    outcomes.extend(refusals.iter().map(|reason| ResyncOutcome {
        id: EntryId(3),
        result: ResyncResult::Refused {
            reason: reason.clone(),
        },
    }));
    save("Outcome", &outcomes.iter().map(v).collect::<Vec<_>>());
    save("Outcomes", &[v(OutcomesBody { data: &outcomes })]);
    save(
        "Error",
        &[v(ErrorBody {
            code: "invalid_parameter".into(),
            message: "Unusable parameters".into(),
            request_id: "req-1".into(),
            errors: vec![ParamError {
                parameter: "filter[days]".into(),
                value: "40".into(),
                reason: "at most 15".into(),
            }],
        })],
    );

    // The parameters the viewer sends: a query with every filter, once with "last N days" and
    // once with an explicit range.
    let mut q = Query::default();
    for (f, value) in [
        (FilterField::Status, "Failed"),
        (FilterField::CompanyGroup, "Acme"),
        (FilterField::ServiceEntity, "Order"),
        (FilterField::SourceSystem, "Shopify"),
        (FilterField::DestinationSystem, "NetSuite"),
    ] {
        q.filters.insert_text(f, value);
    }
    q.filters.failure = Some("Customer <id> not found".into());
    q.filters.stuck = true;
    q.filters.reference = Some("#1001".into());
    q.search = Search {
        term: "1001".into(),
        scope: SearchScope::Reference,
    };
    let mut between = q.clone();
    between.range = DateRange::Between { from: t, to: t };
    let keys = |q: &Query| -> Vec<String> {
        wire::query_params(q, PageRequest::default())
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    };
    let ids_keys = |q: &Query| -> Vec<String> {
        form_urlencoded::parse(ids_query(q).as_bytes())
            .map(|(k, _)| k.into_owned())
            .collect()
    };
    let list = [keys(&q), keys(&between)].concat();
    let filters = [ids_keys(&q), ids_keys(&between)].concat();
    let changes = [filters.clone(), vec!["since".to_string()]].concat();
    let sent = json!({
        "/sync-reports": list,
        "/sync-reports/ids": filters,
        "/sync-reports/summary": filters,
        "/sync-reports/facets": filters,
        "/sync-reports/changes": changes,
    });
    std::fs::write(dir().join("parameters.json"), sent.to_string()).unwrap();
}
