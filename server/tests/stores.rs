//! The stored backends against the model: random entries (hostile text included) go into the
//! model's store (the oracle, proven against naive references in tests/model.rs), a SQLite file
//! and a PostgreSQL database; random queries over every filter, search scope, sort key and
//! direction, pages deep and shallow, facets, summary, ids, lookup and changes must give the same
//! JSON from each. Then the traps named in the storage issue, one case each.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use sync_report::model::column::Column;
use sync_report::model::entry::{
    failure_signature, Entry, EntryId, EntryText, Integration, Status, SystemChain, TextFields,
};
use sync_report::model::query::{DateRange, Direction, Query, SearchScope, Sort};
use sync_report::model::store::Store as ModelStore;
use sync_report::wire::{Facets, PageRequest};
use sync_report_server::store::memory::{changes_of, ids_of, lookup_of, page_of};
use sync_report_server::store::sql::OpenOptions;
use sync_report_server::store::{EntryStore, Ids, Page, Store};

/// Texts that trip SQL: case folding beyond ASCII, LIKE's wildcards and escape, quotes, NUL,
/// an injection attempt, right-to-left text and emoji.
const TEXTS: &[&str] = &[
    "école",
    "ÉCOLE",
    "Straße",
    "İstanbul",
    "100%",
    "a_b",
    "a\\b",
    "'; DROP TABLE entries; --",
    "Robert'); DELETE FROM entries;--",
    "nul\u{0}byte",
    "\u{202e}rtl\u{202c} شركة",
    "📦 box",
    "=HYPERLINK(\"x\")",
    "",
    "HOODIE-42",
    "hoodie-42",
    "ORDER-1001",
];

const NAMES: &[&str] = &[
    "Acme",
    "ACME",
    "acme",
    "École",
    "école",
    "Shopify",
    "NetSuite",
    "zed\u{0}",
    "a%b",
    "A_B",
    "'; DROP TABLE entries; --",
    "Ωmega",
    "",
];

const STATUSES: &[&str] = &[
    "Ok", "Sent", "Pending", "Failed", "Failed", "Skipped", "weird%",
];

const MESSAGES: &[&str] = &[
    "Duplicate Order #1001: a record with this reference already exists",
    "Duplicate Order #2002: a record with this reference already exists",
    "Connection to NetSuite timed out after 30 seconds",
    "Field 'sku' is required",
    "'; DROP TABLE entries; --",
    "nul\u{0} in reason",
    "",
];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap() + Duration::nanoseconds(123_456_789)
}

fn pick<T: Clone + std::fmt::Debug + 'static>(xs: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(xs)
}

fn arb_id() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 0u64..2_000,
        1 => Just(u64::MAX),
        1 => Just(u64::MAX - 1),
        1 => Just(1u64 << 63),
        1 => Just((1u64 << 63) - 1),
        1 => Just(0u64),
        1 => any::<u64>(),
    ]
}

fn arb_run() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![
        2 => Just(None),
        4 => (100_000u64..100_100).prop_map(Some),
        1 => Just(Some(u64::MAX)),
        1 => Just(Some(u64::MAX - 1)),
        1 => Just(Some(0)),
    ]
}

fn arb_time() -> impl Strategy<Value = DateTime<Utc>> {
    // Over the last 17 days (past the widest range), to the nanosecond, with whole-second
    // values and ties.
    prop_oneof![
        3 => (0i64..17 * 86_400, 0u32..1_000_000_000)
            .prop_map(|(s, ns)| now() - Duration::seconds(s) - Duration::nanoseconds(i64::from(ns))),
        1 => (0i64..40).prop_map(|s| now() - Duration::seconds(s * 3600)),
        1 => Just(now() - Duration::hours(2)),
    ]
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    (
        (
            arb_id(),
            pick(STATUSES),
            pick(NAMES),
            pick(NAMES),
            pick(NAMES),
            pick(NAMES),
        ),
        (arb_run(), arb_time(), proptest::option::of(arb_time())),
        (
            proptest::option::of(pick(TEXTS)),
            proptest::option::of(pick(MESSAGES)),
            proptest::option::of(pick(TEXTS)),
            any::<bool>(),
            0u32..5,
        ),
    )
        .prop_map(
            |(
                (id, status, group, entity, source, dest),
                (run, created, updated),
                (r, m, sid, resync, attempts),
            )| {
                Entry {
                    id: EntryId(id),
                    status: Status::parse(status),
                    integration: Integration {
                        id: Some(7),
                        name: group.into(),
                    },
                    entity: entity.into(),
                    system_chain: SystemChain::new(source, dest),
                    first_run_id: run.map(|r| r.saturating_sub(3)),
                    last_run_id: run,
                    created_at: created,
                    updated_at: updated,
                    runtime: Some(1.25),
                    attempts,
                    next_retry_at: None,
                    max_attempts: Some(4),
                    resyncable: resync,
                    text: EntryText::new(&TextFields {
                        common_ref: r,
                        message: m,
                        error: Some("detail"),
                        source_id: sid,
                        source_parent_id: None,
                        endpoint_id: Some("E-1"),
                        endpoint_parent_id: None,
                    }),
                }
            },
        )
}

fn set(xs: Vec<&str>) -> BTreeSet<String> {
    xs.into_iter().map(str::to_string).collect()
}

fn arb_query(signatures: Vec<String>) -> impl Strategy<Value = (Query, PageRequest)> {
    let sigs = if signatures.is_empty() {
        vec!["none at all".to_string()]
    } else {
        signatures
    };
    let range = prop_oneof![
        (1u8..=15).prop_map(DateRange::LastDays),
        (0i64..16 * 24, 1i64..15 * 24).prop_map(|(back, len)| {
            let to = now() - Duration::hours(back);
            DateRange::Between {
                from: to - Duration::hours(len),
                to,
            }
        }),
    ];
    let term = prop_oneof![
        3 => Just(String::new()),
        4 => pick(TEXTS).prop_map(str::to_string),
        2 => pick(NAMES).prop_map(str::to_string),
        1 => Just("é".to_string()),
        1 => Just("%".to_string()),
        1 => Just("_".to_string()),
        1 => Just("\\".to_string()),
        1 => Just("1000".to_string()),
        1 => Just("  Acme ".to_string()),
        1 => Just("18446744073709551615".to_string()),
    ];
    let scope = pick(&SearchScope::ALL);
    // Each filter is on now and then: most queries must match something to compare.
    let subset = |pool: &'static [&'static str]| {
        proptest::option::weighted(0.15, proptest::sample::subsequence(pool, 1..3))
            .prop_map(Option::unwrap_or_default)
    };
    let column = pick(&Column::SORTABLE);
    let direction = prop_oneof![Just(Direction::Asc), Just(Direction::Desc)];
    (
        (range, term, scope),
        (
            subset(STATUSES),
            subset(NAMES),
            subset(NAMES),
            subset(NAMES),
            subset(NAMES),
        ),
        (
            proptest::option::weighted(0.2, proptest::sample::select(sigs)),
            proptest::bool::weighted(0.2),
            proptest::option::weighted(0.15, pick(TEXTS)),
        ),
        (column, direction),
        (
            1u64..6,
            prop_oneof![Just(1u64), Just(3), Just(7), Just(100)],
        ),
    )
        .prop_map(
            |(
                (range, term, scope),
                (st, g, en, so, de),
                (failure, stuck, reference),
                (column, direction),
                (page, per_page),
            )| {
                let mut q = Query {
                    range,
                    ..Query::default()
                };
                q.search.term = term;
                q.search.scope = scope;
                q.filters.status = st.into_iter().map(Status::parse).collect();
                q.filters.groups = set(g);
                q.filters.entities = set(en);
                q.filters.sources = set(so);
                q.filters.destinations = set(de);
                q.filters.failure = failure;
                q.filters.stuck = stuck;
                q.filters.reference = reference.map(str::to_string);
                q.sort = Sort { column, direction };
                (q, PageRequest { page, per_page })
            },
        )
}

fn page_json(p: &Page) -> Value {
    json!({
        "data": serde_json::to_value(&p.data).unwrap(),
        "total": p.total,
        "in_range": p.in_range,
        "available_entities": p.available_entities,
    })
}

fn ids_json(i: &Ids) -> Value {
    match i {
        Ids::Listed(v) => json!({"listed": v}),
        Ids::TooMany(n) => json!({"too_many": n}),
    }
}

/// Every answer of the oracle and of one store for the same query, side by side.
async fn compare(
    name: &str,
    oracle: &ModelStore,
    store: &Store,
    q: &Query,
    page: PageRequest,
    since: DateTime<Utc>,
    lookup: &[EntryId],
) -> Result<(), String> {
    let at = now();
    let mut checks: Vec<(&str, Value, Value)> = Vec::new();
    let p = store
        .page(q, page, &[], at)
        .await
        .map_err(|e| e.to_string())?;
    checks.push((
        "page",
        page_json(&page_of(oracle, q, page, &[], at)),
        page_json(&p),
    ));
    let f = store.facets(q, at).await.map_err(|e| e.to_string())?;
    checks.push((
        "facets",
        serde_json::to_value(Facets::counted(&oracle.facet_counts(q, at))).unwrap(),
        serde_json::to_value(Facets::counted(&f)).unwrap(),
    ));
    let s = store.summary(q, at).await.map_err(|e| e.to_string())?;
    checks.push((
        "summary",
        serde_json::to_value(oracle.summary(q, at)).unwrap(),
        serde_json::to_value(s).unwrap(),
    ));
    let i = store.ids(q, at, 50).await.map_err(|e| e.to_string())?;
    checks.push(("ids", ids_json(&ids_of(oracle, q, at, 50)), ids_json(&i)));
    let l = store.lookup(lookup).await.map_err(|e| e.to_string())?;
    checks.push((
        "lookup",
        serde_json::to_value(lookup_of(oracle, lookup)).unwrap(),
        serde_json::to_value(l).unwrap(),
    ));
    let c = store
        .changes(q, since, at)
        .await
        .map_err(|e| e.to_string())?;
    checks.push(("changes", json!(changes_of(oracle, q, since, at)), json!(c)));
    for (what, want, got) in checks {
        if want != got {
            return Err(format!(
                "{name} {what} differs for {q:?} {page:?}\n want: {want}\n  got: {got}"
            ));
        }
    }
    Ok(())
}

async fn open(url: &str) -> Store {
    let opts = OpenOptions {
        simulate_resyncs: false,
        ..OpenOptions::default()
    };
    Store::open(url, &opts).await.unwrap()
}

async fn stores() -> Vec<(&'static str, String)> {
    let mut out = vec![("sqlite", common::fresh_sqlite().0)];
    if let Some(pg) = common::fresh_postgres().await {
        out.push(("postgres", pg));
    }
    out
}

#[test]
fn stored_backends_answer_as_the_model() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dbs: Vec<(&str, Store)> = rt.block_on(async {
        let mut v = Vec::new();
        for (name, url) in stores().await {
            v.push((name, open(&url).await));
        }
        v
    });
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let case = (
        proptest::collection::vec(arb_entry(), 0..120),
        proptest::collection::vec(arb_entry(), 0..20),
        arb_time(),
    );
    runner
        .run(&case, |(entries, rewrites, since)| {
            // Rewrites re-send some ids with other content: upserts replace.
            let rewrites: Vec<Entry> = rewrites
                .into_iter()
                .zip(entries.iter())
                .map(|(mut r, e)| {
                    r.id = e.id;
                    r
                })
                .collect();
            let mut oracle = ModelStore::from_entries(Vec::new());
            oracle.upsert_many(entries.iter().cloned());
            oracle.upsert_many(rewrites.iter().cloned());
            let signatures: Vec<String> = oracle
                .entries()
                .iter()
                .filter_map(failure_signature)
                .collect();
            let lookup: Vec<EntryId> = entries
                .iter()
                .take(5)
                .map(|e| e.id)
                .chain([EntryId(424_242)])
                .collect();
            let queries = proptest::collection::vec(arb_query(signatures), 12);
            let mut qrunner = TestRunner::deterministic();
            let qs = queries.new_tree(&mut qrunner).unwrap().current();
            rt.block_on(async {
                for (name, store) in &dbs {
                    store.sql().unwrap().clear().await.unwrap();
                    store
                        .upsert(&entries)
                        .await
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    store
                        .upsert(&rewrites)
                        .await
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    for (q, page) in &qs {
                        compare(name, &oracle, store, q, *page, since, &lookup)
                            .await
                            .map_err(TestCaseError::fail)?;
                    }
                }
                Ok(())
            })
        })
        .unwrap();
}

/// One store per database, holding `entries`.
async fn holding(entries: &[Entry]) -> Vec<(&'static str, Store)> {
    let mut out = Vec::new();
    for (name, url) in stores().await {
        let s = open(&url).await;
        s.upsert(entries).await.unwrap();
        out.push((name, s));
    }
    out
}

fn entry(id: u64, reference: &str) -> Entry {
    Entry {
        id: EntryId(id),
        status: Status::Failed,
        integration: Integration {
            id: None,
            name: "Acme".into(),
        },
        entity: "Order".into(),
        system_chain: SystemChain::new("Shopify", "NetSuite"),
        first_run_id: Some(1),
        last_run_id: Some(id),
        created_at: now() - Duration::minutes((id % 1000) as i64),
        updated_at: None,
        runtime: None,
        attempts: 1,
        next_retry_at: None,
        max_attempts: Some(4),
        resyncable: true,
        text: EntryText::new(&TextFields {
            common_ref: Some(reference),
            message: Some("failed"),
            ..TextFields::default()
        }),
    }
}

fn search(term: &str) -> Query {
    let mut q = Query::default();
    q.search.term = term.to_string();
    q
}

async fn refs(s: &Store, q: &Query) -> Vec<String> {
    let p = s
        .page(
            q,
            PageRequest {
                page: 1,
                per_page: 100,
            },
            &[],
            now(),
        )
        .await
        .unwrap();
    p.data
        .iter()
        .map(|e| e.common_ref().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn case_folding_is_rusts_and_wildcards_are_literal() {
    let es = [
        entry(1, "école"),
        entry(2, "plain"),
        entry(3, "100%"),
        entry(4, "a_b"),
        entry(5, "axb"),
        entry(6, "a\\b"),
        entry(7, "STRASSE"),
        entry(8, "Straße"),
        entry(9, "a\u{0}hoodie"),
        entry(10, "say \"hi\""),
    ];
    for (name, s) in holding(&es).await {
        assert_eq!(refs(&s, &search("ÉCOLE")).await, ["école"], "{name}");
        assert_eq!(refs(&s, &search("%")).await, ["100%"], "{name}");
        assert_eq!(refs(&s, &search("_")).await, ["a_b"], "{name}");
        assert_eq!(refs(&s, &search("\\")).await, ["a\\b"], "{name}");
        assert_eq!(refs(&s, &search("STRAßE")).await, ["Straße"], "{name}");
        // Through the trigram index (references alone): past a NUL, a quote, and under three
        // characters.
        let in_refs = |t: &str| {
            let mut q = search(t);
            q.search.scope = SearchScope::Reference;
            q
        };
        assert_eq!(
            refs(&s, &in_refs("hoodie")).await,
            ["a\u{0}hoodie"],
            "{name}"
        );
        assert_eq!(
            refs(&s, &in_refs("say \"hi")).await,
            ["say \"hi\""],
            "{name}"
        );
        assert_eq!(refs(&s, &in_refs("sa")).await, ["say \"hi\""], "{name}");
        assert_eq!(refs(&s, &in_refs("ÉCOLE")).await, ["école"], "{name}");
    }
}

#[tokio::test]
async fn hostile_text_is_stored_inert_and_whole() {
    let drop = "'; DROP TABLE entries; --";
    let es = [
        entry(1, drop),
        entry(2, "nul\u{0}byte"),
        entry(3, "\u{202e}rtl"),
    ];
    for (name, s) in holding(&es).await {
        assert_eq!(refs(&s, &search(drop)).await, [drop], "{name}");
        let mut q = Query::default();
        q.filters.reference = Some("nul\u{0}byte".into());
        assert_eq!(refs(&s, &q).await, ["nul\u{0}byte"], "{name}: NUL kept");
        assert_eq!(
            s.count().await.unwrap(),
            3,
            "{name}: the table is still there"
        );
        let mut q = Query::default();
        q.filters.groups = BTreeSet::from([drop.to_string()]);
        assert_eq!(refs(&s, &q).await.len(), 0, "{name}");
    }
}

#[tokio::test]
async fn ids_up_to_two_to_the_64_keep_their_order() {
    let es = [
        entry(u64::MAX, "max"),
        entry(0, "zero"),
        entry(1 << 63, "mid"),
        entry(42, "x"),
    ];
    for (name, s) in holding(&es).await {
        let q = Query {
            sort: Sort {
                column: Column::SyncId,
                direction: Direction::Asc,
            },
            ..Query::default()
        };
        assert_eq!(refs(&s, &q).await, ["zero", "x", "mid", "max"], "{name}");
        let got = s.lookup(&[EntryId(u64::MAX)]).await.unwrap();
        assert_eq!(got[0].id, EntryId(u64::MAX), "{name}");
    }
}

#[tokio::test]
async fn order_is_rusts_not_a_collations() {
    // PostgreSQL's default collation puts "a" before "B" and ignores case first; Rust's order
    // (and so the viewer's) is by lower-cased text, then by bytes.
    let es = [
        entry(1, "b"),
        entry(2, "B"),
        entry(3, "a"),
        entry(4, "_x"),
        entry(5, "Éa"),
        entry(6, "e"),
    ];
    for (name, s) in holding(&es).await {
        let q = Query {
            sort: Sort {
                column: Column::Reference,
                direction: Direction::Asc,
            },
            ..Query::default()
        };
        // Equal lower-cased texts (b, B) tie and fall back to the id.
        assert_eq!(
            refs(&s, &q).await,
            ["_x", "a", "b", "B", "e", "Éa"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn total_is_exact_on_every_page() {
    let es: Vec<Entry> = (1..=250).map(|i| entry(i, &format!("R{i}"))).collect();
    for (name, s) in holding(&es).await {
        for page in [1, 2, 3, 9] {
            let p = s
                .page(
                    &Query::default(),
                    PageRequest {
                        page,
                        per_page: 100,
                    },
                    &[],
                    now(),
                )
                .await
                .unwrap();
            assert_eq!(p.total, 250, "{name} page {page}");
        }
    }
}

#[tokio::test]
async fn no_reference_sorts_before_an_empty_one() {
    let mut none = entry(1, "");
    none.set_common_ref(None);
    let es = [entry(3, "a"), entry(2, ""), none];
    for (name, s) in holding(&es).await {
        let mut q = Query {
            sort: Sort {
                column: Column::Reference,
                direction: Direction::Asc,
            },
            ..Query::default()
        };
        let p = s
            .page(
                &q,
                PageRequest {
                    page: 1,
                    per_page: 10,
                },
                &[],
                now(),
            )
            .await
            .unwrap();
        let ids: Vec<u64> = p.data.iter().map(|e| e.id.0).collect();
        // Id 1 (no reference) before id 2 (an empty one), although both read as "".
        assert_eq!(ids, [1, 2, 3], "{name}");
        q.sort.direction = Direction::Desc;
        let p = s
            .page(
                &q,
                PageRequest {
                    page: 1,
                    per_page: 10,
                },
                &[],
                now(),
            )
            .await
            .unwrap();
        let ids: Vec<u64> = p.data.iter().map(|e| e.id.0).collect();
        assert_eq!(ids, [3, 2, 1], "{name}");
    }
}
