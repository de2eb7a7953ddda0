//! Native tests of the headless model. The pipeline is checked against a deliberately naive
//! reference implementation on random data and random queries.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use sync_report::export::csv::{self as export_csv, CsvExport, CsvOptions};
use sync_report::model::demo::{self, DemoBackend, DemoConfig};
use sync_report::model::entry::{EntryText, Integration, TextFields};
use sync_report::model::history;
use sync_report::model::query::MAX_DAYS;
use sync_report::model::resync::{Refusal, ResyncResult};
use sync_report::model::*;
use sync_report::wire::PageRequest;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap()
}

// ---- strategies ---------------------------------------------------------------------------------

fn status() -> impl Strategy<Value = Status> {
    prop_oneof![
        Just(Status::Ok),
        Just(Status::Sent),
        Just(Status::Pending),
        Just(Status::Failed),
        Just(Status::Unknown("Queued".into())),
        Just(Status::Unknown("Skipped".into())),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Shopify",
        "shopify",
        "NetSuite",
        "SFTP",
        "Cé",
        "A & B, Ltd",
        "",
    ])
    .prop_map(str::to_string)
}

fn text() -> impl Strategy<Value = String> {
    // Small alphabet so searches hit; includes case, accents, punctuation and formula starters.
    "[aAbB1é#=\\-, \"\r\n]{0,6}"
}

fn entry_at(i: u64) -> impl Strategy<Value = Entry> {
    (
        status(),
        name(),
        name(),
        name(),
        name(),
        prop::option::of(text()),
        prop::option::of(0u64..200),
        0i64..(20 * 86_400),
        prop::option::of(text()),
        any::<bool>(),
        // When the latest run started, from an hour before creation (inconsistent data) to
        // three days after it: "stuck" counts from here, not from the creation.
        prop::option::of(-3_600i64..(3 * 86_400)),
    )
        .prop_map(
            move |(
                status,
                group,
                entity,
                src,
                dst,
                reference,
                run,
                age,
                message,
                resyncable,
                run_at,
            )| {
                Entry {
                    id: EntryId(i),
                    status,
                    integration: Integration {
                        id: None,
                        name: group.into(),
                    },
                    entity: entity.into(),
                    system_chain: SystemChain::new(src, dst),
                    first_run_id: None,
                    last_run_id: run,
                    created_at: now() - Duration::seconds(age),
                    updated_at: run_at
                        .map(|d| now() - Duration::seconds(age) + Duration::seconds(d)),
                    runtime: None,
                    attempts: 1,
                    next_retry_at: None,
                    max_attempts: Some(4),
                    resyncable,
                    text: EntryText::new(&TextFields {
                        common_ref: reference.as_deref(),
                        message: message.as_deref(),
                        ..TextFields::default()
                    }),
                }
            },
        )
}

fn entries(max: usize) -> impl Strategy<Value = Vec<Entry>> {
    (0..max).prop_flat_map(|n| {
        // Ids deliberately not in insertion order.
        let ids: Vec<u64> = (0..n as u64)
            .map(|i| (i * 7919) % (n as u64).max(1) + 1000)
            .collect();
        ids.into_iter().map(entry_at).collect::<Vec<_>>()
    })
}

fn range() -> impl Strategy<Value = DateRange> {
    prop_oneof![
        (1u8..=MAX_DAYS).prop_map(DateRange::LastDays),
        (0i64..20 * 86_400, 0i64..15 * 86_400).prop_map(|(end_age, len)| {
            let to = now() - Duration::seconds(end_age);
            DateRange::Between {
                from: to - Duration::seconds(len),
                to,
            }
        }),
    ]
}

fn sort() -> impl Strategy<Value = Sort> {
    (
        prop::sample::select(
            Column::TABLE
                .into_iter()
                .filter(|c| c.sortable())
                .collect::<Vec<_>>(),
        ),
        prop::bool::ANY,
    )
        .prop_map(|(column, asc)| Sort {
            column,
            direction: if asc { Direction::Asc } else { Direction::Desc },
        })
}

fn search() -> impl Strategy<Value = Search> {
    prop_oneof![
        Just(Search::default()),
        (
            "[aAbB1é#]{1,3}",
            prop::sample::select(SearchScope::ALL.to_vec())
        )
            .prop_map(|(term, scope)| Search { term, scope }),
    ]
}

fn filters() -> impl Strategy<Value = Filters> {
    (
        prop::collection::btree_set(status(), 0..3),
        prop::collection::btree_set(name(), 0..2),
        prop::collection::btree_set(name(), 0..2),
        prop::collection::btree_set(name(), 0..2),
        prop::collection::btree_set(name(), 0..2),
        prop::option::weighted(
            0.2,
            prop::sample::select(vec!["a", "<id>", "b", "A", "<value>", "zzz"])
                .prop_map(str::to_string),
        ),
        prop::bool::weighted(0.15),
        // An exact reference (an item's history): short ones, so that some entries have it.
        prop::option::weighted(
            0.2,
            prop::sample::select(vec!["a", "A", "", "b1", "aA", "é"]).prop_map(str::to_string),
        ),
    )
        .prop_map(
            |(status, groups, entities, sources, destinations, failure, stuck, reference)| {
                Filters {
                    status,
                    groups,
                    entities,
                    sources,
                    destinations,
                    failure,
                    stuck,
                    reference,
                }
            },
        )
}

fn query() -> impl Strategy<Value = Query> {
    (range(), search(), filters(), sort()).prop_map(|(range, search, filters, sort)| Query {
        range,
        search,
        filters,
        sort,
    })
}

// ---- the naive reference ------------------------------------------------------------------------

fn naive_matches(e: &Entry, q: &Query) -> bool {
    let (from, to) = q.range.bounds(now());
    if e.created_at < from || e.created_at > to {
        return false;
    }
    let f = &q.filters;
    let inset = |set: &BTreeSet<String>, v: &str| set.is_empty() || set.contains(v);
    if !(f.status.is_empty() || f.status.contains(&e.status))
        || !inset(&f.groups, &e.integration.name)
        || !inset(&f.entities, &e.entity)
        || !inset(&f.sources, &e.system_chain.source)
        || !inset(&f.destinations, &e.system_chain.destination)
    {
        return false;
    }
    if let Some(g) = &f.failure {
        if sync_report::model::entry::failure_signature(e).as_deref() != Some(g.as_str()) {
            return false;
        }
    }
    if let Some(r) = &f.reference {
        if e.common_ref() != Some(r.as_str()) {
            return false;
        }
    }
    // Pending since its latest run started (never before its creation).
    let pending_since = e.updated_at.map_or(e.created_at, |u| u.max(e.created_at));
    if f.stuck && !(e.status == Status::Pending && now() - pending_since > Duration::hours(2)) {
        return false;
    }
    let needle = q.search.needle();
    if needle.is_empty() {
        return true;
    }
    let reference = e
        .common_ref()
        .unwrap_or("")
        .to_lowercase()
        .contains(&needle);
    let run = e
        .last_run_id
        .map(|r| r.to_string())
        .unwrap_or_default()
        .contains(&needle);
    let system = e.system_chain.source.to_lowercase().contains(&needle)
        || e.system_chain.destination.to_lowercase().contains(&needle);
    match q.search.scope {
        SearchScope::All => reference || run || system,
        SearchScope::Reference => reference,
        SearchScope::SyncId => run,
        SearchScope::System => system,
    }
}

fn naive_cmp(a: &Entry, b: &Entry, c: Column) -> std::cmp::Ordering {
    let name = |s: &Arc<str>| (s.to_lowercase(), s.to_string());
    let by = match c {
        Column::Status => a.status.cmp(&b.status),
        Column::CompanyGroup => name(&a.integration.name).cmp(&name(&b.integration.name)),
        Column::ServiceEntity => name(&a.entity).cmp(&name(&b.entity)),
        Column::Systems => (
            name(&a.system_chain.source),
            name(&a.system_chain.destination),
        )
            .cmp(&(
                name(&b.system_chain.source),
                name(&b.system_chain.destination),
            )),
        Column::SyncId => a.last_run_id.cmp(&b.last_run_id),
        Column::Reference => {
            let k = |e: &Entry| {
                (
                    e.common_ref().unwrap_or("").to_lowercase().into_bytes(),
                    e.common_ref().is_some(),
                )
            };
            k(a).cmp(&k(b))
        }
        _ => a.created_at.timestamp().cmp(&b.created_at.timestamp()),
    };
    by.then(a.id.cmp(&b.id))
}

fn naive_run(all: &[Entry], q: &Query) -> Vec<EntryId> {
    let mut v: Vec<&Entry> = all.iter().filter(|e| naive_matches(e, q)).collect();
    v.sort_by(|a, b| naive_cmp(a, b, q.sort.column));
    if q.sort.direction == Direction::Desc {
        v.reverse();
    }
    v.into_iter().map(|e| e.id).collect()
}

fn ids(store: &Store, rows: &[u32]) -> Vec<EntryId> {
    rows.iter().map(|&r| store.entry(r).id).collect()
}

// ---- pipeline -----------------------------------------------------------------------------------

/// References for the Reference order's splitting: a few texts, each repeated many times, that
/// share prefixes longer than its 8-byte keys, with NUL bytes and texts that end where a key
/// does; and rows without a reference or with an empty one.
fn long_references() -> impl Strategy<Value = Vec<Option<String>>> {
    let one = prop_oneof![
        1 => Just(None),
        1 => Just(Some(String::new())),
        8 => (0usize..5, "[ab\u{0}É]{0,3}").prop_map(|(shared, tail)| {
            Some(format!("{}{tail}", &"ABCDEFGHabcdefghABCDEFGH12345678"[..shared * 8]))
        }),
    ];
    prop::collection::vec(one, 1..8)
        .prop_flat_map(|pool| prop::collection::vec(prop::sample::select(pool), 0..400))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn reference_order_matches_the_naive_one_with_long_shared_prefixes(refs in long_references()) {
        let n = refs.len() as u64;
        let all: Vec<Entry> = refs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut e = demo::generate(DemoConfig { seed: i as u64, size: 1, now: now() }).remove(0);
                // Ids not in insertion order.
                e.id = EntryId((i as u64 * 7919) % n.max(1) + 1000);
                e.text = EntryText::new(&TextFields { common_ref: r.as_deref(), ..TextFields::default() });
                e
            })
            .collect();
        let store = Store::from_entries(all.clone());
        let order = store.order(Column::Reference);
        let mut want: Vec<&Entry> = all.iter().collect();
        want.sort_by(|a, b| naive_cmp(a, b, Column::Reference));
        prop_assert_eq!(ids(&store, &order), want.iter().map(|e| e.id).collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn pipeline_matches_the_naive_reference(all in entries(60), q in query()) {
        let store = Store::from_entries(all.clone());
        let rs = store.run(&q, now());
        prop_assert_eq!(ids(&store, &rs.rows), naive_run(&all, &q));
        prop_assert_eq!(store.count(&q, now()), rs.len());
        let in_range = all.iter().filter(|e| {
            let (f, t) = q.range.bounds(now());
            e.created_at >= f && e.created_at <= t
        }).count();
        prop_assert_eq!(rs.in_range, in_range);
        for r in 0..store.len() as u32 {
            prop_assert_eq!(store.matches(r, &q, now()), rs.rows.contains(&r));
            // The per-entry definition (used by the HTTP source) agrees with the index.
            prop_assert_eq!(q.matches_entry(store.entry(r), now()), rs.rows.contains(&r));
        }
        // The summary strip agrees with the plain definition.
        let mut no_status = q.clone();
        no_status.filters.status.clear();
        let mut no_group = no_status.clone();
        no_group.filters.failure = None;
        let naive_summary = sync_report::model::summary::Summary::from_entries(
            &q,
            now(),
            all.iter().filter(|e| naive_matches(e, &no_status)),
            all.iter().filter(|e| naive_matches(e, &q)),
            all.iter().filter(|e| naive_matches(e, &no_group)),
        );
        let s = store.summary(&q, now());
        prop_assert_eq!(&s, &naive_summary);
        prop_assert_eq!(s.charted() as usize, rs.len());
        // A query pinned at `now` matches the same entries later on (except "stuck", which is
        // relative to the time of asking).
        if !q.filters.stuck {
            let later = now() + Duration::days(3);
            prop_assert_eq!(store.run(&q.pinned(now()), later).rows, rs.rows);
        }
    }

    /// Each header filter value's count is what choosing it alone would give under every other
    /// filter, the search and the range; every value is listed, 0 or not.
    #[test]
    fn facet_counts_match_the_naive_reference(all in entries(60), q in query()) {
        let store = Store::from_entries(all.clone());
        let counts = store.facet_counts(&q, now());
        for f in FilterField::ALL {
            let mut others = q.clone();
            others.filters.clear(f);
            let value = |e: &Entry| match f {
                FilterField::Status => e.status.api_value().to_string(),
                FilterField::CompanyGroup => e.integration.name.to_string(),
                FilterField::ServiceEntity => e.entity.to_string(),
                FilterField::SourceSystem => e.system_chain.source.to_string(),
                FilterField::DestinationSystem => e.system_chain.destination.to_string(),
            };
            let naive: Vec<(String, u64)> = store
                .values(f)
                .into_iter()
                .map(|v| {
                    let n = all.iter().filter(|e| naive_matches(e, &others) && value(e) == v).count();
                    (v, n as u64)
                })
                .collect();
            prop_assert_eq!(counts.get(f), &naive[..], "{:?}", f);
            let mut distinct: Vec<String> = all.iter().map(value).filter(|v| !v.is_empty()).collect();
            distinct.sort();
            distinct.dedup();
            prop_assert_eq!(naive.len(), distinct.len());
            // With the field's own filter off, its counts add up to the result's size.
            if !q.filters.any_chosen(f) {
                let total: u64 = counts.get(f).iter().map(|(_, n)| n).sum();
                let unnamed = store.run(&q, now()).rows.iter().filter(|&&r| value(store.entry(r)).is_empty()).count();
                prop_assert_eq!(total as usize + unnamed, store.count(&q, now()));
            }
        }
    }

    /// An item's history: every entry with the same reference, entity and systems in the last 15
    /// days, newest first, whatever else the entries are.
    #[test]
    fn history_finds_every_attempt_of_the_item(all in entries(60), pick in 0usize..60) {
        let store = Store::from_entries(all);
        if store.is_empty() {
            return Ok(());
        }
        let e = store.entry((pick % store.len()) as u32).clone();
        let Some(q) = history::query(&e) else {
            prop_assert!(e.common_ref().is_none_or(|r| r.trim().is_empty()));
            return Ok(());
        };
        let rs = store.run(&q, now());
        let (from, _) = DateRange::LastDays(15).bounds(now());
        // Over the store's entries: it keeps the last of repeated ids (tested on its own).
        let mut naive: Vec<&Entry> = store
            .entries()
            .iter()
            .filter(|a| {
                a.common_ref() == e.common_ref()
                    && a.entity == e.entity
                    && a.system_chain == e.system_chain
                    && a.created_at >= from
                    && a.created_at <= now()
            })
            .collect();
        naive.sort_by_key(|a| std::cmp::Reverse((a.created_at, a.id)));
        let want: Vec<EntryId> = naive.iter().map(|a| a.id).collect();
        prop_assert_eq!(ids(&store, &rs.rows), want.clone());
        let page: Vec<Entry> = rs.rows.iter().take(history::SHOWN).map(|&r| store.entry(r).clone()).collect();
        let h = history::History::from_page(&q, page, rs.len(), now());
        prop_assert!(h.exact);
        prop_assert_eq!(h.total, want.len());
        prop_assert_eq!(h.attempts.len(), want.len().min(history::SHOWN));
        prop_assert_eq!(h.number(0), Some(want.len()));
    }

    /// With more system names than a counting sort of every (source, destination) pair allows
    /// (n² > 4 × entries + 1024), the systems order comes from the radix sort instead.
    #[test]
    fn systems_sort_with_many_names_matches_the_naive_reference(
        all in entries(40),
        names in prop::collection::vec((0u32..400, 0u32..400), 40),
        asc in any::<bool>(),
    ) {
        let all: Vec<Entry> = all
            .into_iter()
            .zip(names)
            .map(|(mut e, (s, d))| {
                e.system_chain = SystemChain::new(format!("Sys {s}"), format!("sys {d}"));
                e
            })
            .collect();
        let store = Store::from_entries(all.clone());
        let direction = if asc { Direction::Asc } else { Direction::Desc };
        let q = Query {
            range: DateRange::LastDays(MAX_DAYS),
            sort: Sort { column: Column::Systems, direction },
            ..Query::default()
        };
        prop_assert_eq!(ids(&store, &store.run(&q, now()).rows), naive_run(&all, &q));
    }

    #[test]
    fn filtering_and_sorting_commute(all in entries(60), q in query()) {
        let store = Store::from_entries(all);
        // Sort everything, then keep what matches...
        let everything = Query { range: DateRange::LastDays(MAX_DAYS), sort: q.sort, ..Query::default() };
        let wide = Query { range: DateRange::Between { from: now() - Duration::days(40), to: now() }, ..everything };
        let sorted_then_filtered: Vec<u32> =
            store.run(&wide, now()).rows.into_iter().filter(|&r| store.matches(r, &q, now())).collect();
        // ...equals filtering, then sorting.
        prop_assert_eq!(sorted_then_filtered, store.run(&q, now()).rows);
    }

    #[test]
    fn window_is_a_slice_of_the_result(all in entries(60), q in query(), off in 0usize..80, len in 0usize..30) {
        let store = Store::from_entries(all);
        let rs = store.run(&q, now());
        let w = rs.window(off, len);
        prop_assert!(w.len() <= len);
        if off < rs.len() {
            prop_assert_eq!(w, &rs.rows[off..(off + len).min(rs.len())]);
        } else {
            prop_assert!(w.is_empty());
        }
    }

    #[test]
    fn updates_keep_indexes_right(all in entries(40), q in query(), picks in prop::collection::vec((0usize..40, status(), prop::option::of(text())), 0..10)) {
        let mut store = Store::from_entries(all.clone());
        let _ = store.run(&q, now()); // warm the cached orders, which updates must invalidate
        let mut reference = all.clone();
        for (i, st, r) in picks {
            if reference.is_empty() { break; }
            let i = i % reference.len();
            let id = reference[i].id;
            reference[i].status = st.clone();
            reference[i].set_common_ref(r.as_deref());
            let updated = store.update(id, |e| { e.status = st; e.set_common_ref(r.as_deref()); });
            prop_assert!(updated);
        }
        prop_assert_eq!(ids(&store, &store.run(&q, now()).rows), naive_run(&reference, &q));
    }

    /// Entries arriving later (appended, their texts indexed without a rebuild) are found as if
    /// they had been there from the start, and the counts follow: whether the search text was
    /// built before they came (appended to) or not yet (built later from every entry).
    #[test]
    fn arrivals_keep_indexes_right(all in entries(50), split in 0usize..50, q in query(), prepared in any::<bool>()) {
        let split = split.min(all.len());
        let mut store = Store::from_entries(all[..split].to_vec());
        if prepared {
            store.prepare_search();
        }
        let _ = store.run(&q, now());
        store.upsert_many(all[split..].to_vec());
        prop_assert_eq!(ids(&store, &store.run(&q, now()).rows), naive_run(&all, &q));
        prop_assert_eq!(store.facet_counts(&q, now()), Store::from_entries(all.clone()).facet_counts(&q, now()));
    }
}

#[test]
fn duplicate_ids_keep_the_later_entry() {
    let mut a = demo::generate(DemoConfig {
        seed: 1,
        size: 10,
        now: now(),
    });
    let mut b = a[3].clone();
    b.status = Status::Failed;
    b.set_common_ref(Some("LATER"));
    a.push(b);
    let store = Store::from_entries(a);
    assert_eq!(store.len(), 10);
    assert_eq!(
        store.get(EntryId(1_000_003)).unwrap().common_ref(),
        Some("LATER")
    );
}

#[test]
fn upserting_a_batch_replaces_known_ids_and_appends_new_ones_once() {
    let all = demo::generate(DemoConfig {
        seed: 2,
        size: 30,
        now: now(),
    });
    let mut store = Store::from_entries(all[..20].to_vec());
    let mut changed = all[5].clone();
    changed.set_common_ref(Some("CHANGED"));
    let mut twice = all[25].clone();
    twice.set_common_ref(Some("SECOND"));
    store.upsert_many([changed, all[25].clone(), all[26].clone(), twice]);
    assert_eq!(store.len(), 22);
    let r = |id: EntryId| store.get(id).unwrap().common_ref().map(str::to_owned);
    assert_eq!(r(all[5].id).as_deref(), Some("CHANGED"));
    assert_eq!(r(all[25].id).as_deref(), Some("SECOND"));
    assert_eq!(r(all[26].id).as_deref(), all[26].common_ref());
    assert!(store.get(all[27].id).is_none());
    // The new entries are found by the pipeline too (indexes rebuilt).
    let q = Query {
        search: Search {
            term: "second".into(),
            scope: SearchScope::Reference,
        },
        range: DateRange::LastDays(MAX_DAYS),
        ..Query::default()
    };
    assert_eq!(store.run(&q, now()).len(), 1);
}

#[test]
fn search_scopes_on_demo_data() {
    let store = Store::from_entries(demo::generate(DemoConfig {
        seed: 3,
        size: 3000,
        now: now(),
    }));
    let wide = DateRange::LastDays(MAX_DAYS);
    let q = |term: &str, scope| Query {
        range: wide.clone(),
        search: Search {
            term: term.into(),
            scope,
        },
        ..Query::default()
    };
    let sys = store.run(&q("peoplevox", SearchScope::System), now());
    assert!(!sys.is_empty());
    assert!(sys.rows.iter().all(|&r| {
        let c = &store.entry(r).system_chain;
        &*c.source == "Peoplevox" || &*c.destination == "Peoplevox"
    }));
    let one = store.entries()[1234].clone();
    let by_ref = store.run(&q(one.common_ref().unwrap(), SearchScope::Reference), now());
    assert!(by_ref.rows.iter().any(|&r| store.entry(r).id == one.id));
    let run = one.last_run_id.unwrap().to_string();
    let by_run = store.run(&q(&run, SearchScope::SyncId), now());
    assert!(by_run.rows.iter().all(|&r| store
        .entry(r)
        .last_run_id
        .unwrap()
        .to_string()
        .contains(&run)));
    assert!(store
        .run(&q("SHOPIFY", SearchScope::Reference), now())
        .is_empty());
}

#[test]
fn facet_values_are_sorted_and_distinct() {
    let store = Store::from_entries(demo::generate(DemoConfig {
        seed: 3,
        size: 2000,
        now: now(),
    }));
    let statuses = store.values(FilterField::Status);
    assert_eq!(statuses, ["Ok", "Sent", "Pending", "Failed", "Skipped"]);
    let groups = store.values(FilterField::CompanyGroup);
    assert_eq!(groups.len(), 8);
    let mut sorted = groups.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(groups, sorted);
    assert!(store
        .values(FilterField::SourceSystem)
        .contains(&"SFTP".to_string()));
}

// ---- query round trips ------------------------------------------------------------------------

fn url_view() -> impl Strategy<Value = View> {
    let text = "[^\\p{Cc}]{0,20}";
    (
        range(),
        (text, prop::sample::select(SearchScope::ALL.to_vec())),
        (
            prop::collection::btree_set(status(), 0..3),
            prop::collection::btree_set("[^\\p{Cc}]{1,8}", 0..3),
        ),
        sort(),
        any::<(bool, bool)>(),
    )
        .prop_map(
            |(range, (term, scope), (status, groups), sort, (sync_data, additional_fields))| View {
                query: Query {
                    range,
                    search: Search { term, scope },
                    filters: Filters {
                        status,
                        groups: groups.clone(),
                        entities: groups,
                        ..Filters::default()
                    },
                    sort,
                },
                toggles: Toggles {
                    sync_data,
                    additional_fields,
                },
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn url_round_trips(v in url_view(), prefix in prop::sample::select(vec!["", "sr_", "report."])) {
        let s = v.to_url_query(prefix);
        prop_assert_eq!(View::from_url_query(&s, prefix), (v, vec![]));
    }

    #[test]
    fn api_params_round_trip(v in url_view(), page in 1u64..1000, per in 1u64..=1000) {
        let mut q = v.query;
        // The API leaves out a blank search (it matches everything), so normalise it first.
        if !q.search.is_active() { q.search = Search::default(); }
        let params = sync_report::wire::query_params(&q, PageRequest { page, per_page: per });
        let (back, p, ignored) = sync_report::wire::read_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert_eq!((back, p, ignored), (q, PageRequest { page, per_page: per }, vec![]));
    }

    #[test]
    fn any_url_gives_a_usable_view(s in "\\PC{0,120}", prefix in prop::sample::select(vec!["", "sr_"])) {
        let (v, _) = View::from_url_query(&s, prefix);
        // Whatever came in, what we write back reads back cleanly.
        let again = v.to_url_query(prefix);
        let (v2, ignored) = View::from_url_query(&again, prefix);
        prop_assert_eq!(v2, v);
        prop_assert!(ignored.is_empty());
    }

    #[test]
    fn any_api_params_are_safe(pairs in prop::collection::vec(("\\PC{0,20}", "\\PC{0,20}"), 0..8)) {
        let (q, page, _) = sync_report::wire::read_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert!(page.per_page >= 1 && page.per_page <= 1000);
        if let DateRange::Between { from, to } = q.range {
            prop_assert!(from <= to && to - from <= Duration::days(15));
        }
    }
}

#[test]
fn garbage_url_lists_what_was_ignored() {
    let (v, ign) = View::from_url_query(
        "days=abc&from=2026-11-01T00:00:00Z&q=ok&wat=1&sync_data=maybe",
        "",
    );
    assert_eq!(v.query.search.term, "ok");
    assert_eq!(v.query.range, DateRange::default());
    let keys: Vec<_> = ign.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["days", "wat", "sync_data", "from"]);
    assert!(ign[3].reason.contains("both from and to"));
}

#[test]
fn url_range_over_15_days_is_clamped_and_reported() {
    let (v, ign) = View::from_url_query("from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z", "");
    let DateRange::Between { from, to } = v.query.range else {
        panic!()
    };
    assert_eq!(to - from, Duration::days(15));
    assert!(ign[0].reason.contains("at most 15 days"), "{}", ign[0]);
}

// ---- selection ----------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Toggle(usize),
    SelectLoaded(Vec<usize>),
    Deselect(Vec<usize>),
    AllMatching(Box<Query>),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..50).prop_map(Op::Toggle),
        1 => prop::collection::vec(0usize..50, 0..8).prop_map(Op::SelectLoaded),
        1 => prop::collection::vec(0usize..50, 0..8).prop_map(Op::Deselect),
        1 => query().prop_map(|q| Op::AllMatching(Box::new(q))),
        1 => Just(Op::Clear),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn selection_behaves_like_a_set_of_ids(all in entries(50), ops in prop::collection::vec(op(), 0..20), view in query()) {
        prop_assume!(!all.is_empty());
        let store = Store::from_entries(all.clone());
        let mut sel = Selection::default();
        let mut model: BTreeSet<EntryId> = BTreeSet::new();
        let id = |i: usize| all[i % all.len()].id;
        for op in ops {
            match op {
                Op::Toggle(i) => {
                    sel.toggle(&store, id(i));
                    if !model.remove(&id(i)) { model.insert(id(i)); }
                }
                Op::SelectLoaded(is) => {
                    sel.select_loaded(&store, is.iter().map(|&i| id(i)));
                    model.extend(is.iter().map(|&i| id(i)));
                }
                Op::Deselect(is) => {
                    sel.deselect(&store, is.iter().map(|&i| id(i)));
                    for i in is { model.remove(&id(i)); }
                }
                Op::AllMatching(q) => {
                    model = naive_run(&all, &q).into_iter().collect();
                    let total = model.len();
                    sel.select_all_matching(*q, now(), total);
                }
                Op::Clear => { sel.clear(); model.clear(); }
            }
            prop_assert_eq!(sel.count(&store), model.len());
            // What the HTTP source reports, from the recorded total, agrees.
            prop_assert_eq!(sel.count_recorded(), model.len());
        }
        prop_assert_eq!(sel.ids(&store), model.iter().copied().collect::<Vec<_>>());
        // Survives any view of the data: membership is by id, not by row position.
        for &r in &store.run(&view, now()).rows {
            let e = store.entry(r);
            prop_assert_eq!(sel.is_selected(&store, e.id), model.contains(&e.id));
        }
    }
}

#[test]
fn the_select_all_box_is_none_some_or_all_of_the_rows_in_view() {
    use sync_report::model::selection::Tristate;
    assert_eq!(
        Tristate::of(0, 0),
        Tristate::None,
        "no rows: nothing to tick"
    );
    assert_eq!(Tristate::of(0, 5), Tristate::None);
    assert_eq!(Tristate::of(3, 5), Tristate::Some);
    assert_eq!(Tristate::of(5, 5), Tristate::All);
}

// ---- summary -------------------------------------------------------------------------------------

proptest! {
    /// The summary puts rows in chart buckets with integer arithmetic on their timestamps: the
    /// same buckets as chrono's (truncating) `num_seconds`, sub-second times just before the
    /// chart's start included.
    #[test]
    fn chart_buckets_match_chrono(offset in prop_oneof![-100_000i64..1_500_000, -3i64..3],
                                  nanos in 0u32..1_000_000_000) {
        use sync_report::model::summary::{Builder, Summary, BUCKET_SECONDS};
        let q = Query::default();
        let b = Builder::new(&q, now());
        let (start, buckets) = Summary::buckets(&q, now());
        // Half the cases within seconds of the start, where truncation and flooring differ.
        let at = start + Duration::seconds(offset) + Duration::nanoseconds(i64::from(nanos));
        let i = (at - start).num_seconds().div_euclid(BUCKET_SECONDS);
        let expected = (i >= 0 && (i as usize) < buckets).then_some(i as usize);
        prop_assert_eq!(b.bucket_of(at.timestamp(), || at.timestamp_subsec_nanos()), expected);
    }
}

// ---- CSV ----------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn csv_reads_back_cell_for_cell(all in entries(30), chunk in 1usize..7, bom in any::<bool>()) {
        let store = Store::from_entries(all);
        let rows: Vec<u32> = (0..store.len() as u32).collect();
        let whole = export_csv::to_csv(&store, rows.clone(), CsvOptions { bom });
        // Chunked output is byte-for-byte the same as one pass.
        let mut exp = CsvExport::new(rows.clone(), CsvOptions { bom });
        let mut chunked = Vec::new();
        while exp.write_next(&store, chunk, &mut chunked) {
            prop_assert!(exp.done() <= exp.total());
        }
        prop_assert_eq!(&chunked, &whole);
        prop_assert_eq!(whole.starts_with(export_csv::BOM), bom);
        // Pages of entries (as the HTTP source fetches them) give the same bytes.
        let mut w = export_csv::CsvWriter::new(CsvOptions { bom });
        let mut paged = Vec::new();
        for page in store.entries().chunks(chunk) {
            w.write(&mut paged, page);
        }
        if store.is_empty() {
            w.write(&mut paged, []);
        }
        prop_assert_eq!(&paged, &whole);

        let body = if bom { &whole[3..] } else { &whole[..] };
        let mut rd = csv::ReaderBuilder::new().has_headers(true).from_reader(body);
        let headers: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
        prop_assert_eq!(headers, export_csv::COLUMNS.iter().map(|c| c.label().to_string()).collect::<Vec<_>>());
        let records: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
        prop_assert_eq!(records.len(), rows.len());
        for (rec, &r) in records.iter().zip(&rows) {
            for (cell, col) in rec.iter().zip(export_csv::COLUMNS) {
                let mut raw = Vec::new();
                col.csv_cell(store.entry(r), &mut raw);
                let raw = String::from_utf8(raw).unwrap();
                let expected = export_csv::neutralize(&raw).into_owned();
                prop_assert_eq!(cell, expected.as_str());
                prop_assert!(!matches!(cell.as_bytes().first(), Some(b'=' | b'+' | b'@' | b'\t' | b'\r'))
                    || cell.parse::<f64>().is_ok());
            }
        }
    }

    /// The app writes CSV itself (faster in the browser): byte for byte what the `csv` crate
    /// writes for the same cells, quoting included.
    #[test]
    fn csv_is_what_the_csv_crate_writes(all in entries(30), bom in any::<bool>()) {
        let store = Store::from_entries(all);
        let rows: Vec<u32> = (0..store.len() as u32).rev().collect();
        let ours = export_csv::to_csv(&store, rows.clone(), CsvOptions { bom });
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        w.write_record(export_csv::COLUMNS.iter().map(|c| c.label())).unwrap();
        for &r in &rows {
            w.write_record(export_csv::COLUMNS.iter().map(|c| {
                let mut raw = Vec::new();
                c.csv_cell(store.entry(r), &mut raw);
                export_csv::neutralize(&String::from_utf8(raw).unwrap()).into_owned()
            })).unwrap();
        }
        let mut theirs = if bom { export_csv::BOM.to_vec() } else { Vec::new() };
        theirs.extend(w.into_inner().unwrap());
        prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
    }
}

#[test]
fn csv_uses_crlf_and_iso_timestamps() {
    let store = Store::from_entries(demo::generate(DemoConfig {
        seed: 9,
        size: 10,
        now: now(),
    }));
    let out = export_csv::to_csv(&store, vec![0, 1], CsvOptions::default());
    let text = std::str::from_utf8(&out[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "header, two rows, and the final terminator");
    assert!(lines[0].starts_with("Entry Id,Status,Company Group,Service Entity,Source System"));
    let created = store
        .entry(0)
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(lines[1].contains(&created), "{}", lines[1]);
}

#[test]
fn csv_neutralises_hostile_cells() {
    let mut e = demo::generate(DemoConfig {
        seed: 9,
        size: 10,
        now: now(),
    })
    .remove(0);
    e.text = EntryText::new(&TextFields {
        common_ref: Some("=HYPERLINK(\"http://evil\",\"x\")"),
        message: Some("-2+3"),
        source_id: Some("-5"),
        ..e.text.fields()
    });
    let store = Store::from_entries(vec![e]);
    let out = export_csv::to_csv(&store, vec![0], CsvOptions { bom: false });
    let mut rd = csv::Reader::from_reader(&out[..]);
    let rec = rd.records().next().unwrap().unwrap();
    let col =
        |c: Column| rec[export_csv::COLUMNS.iter().position(|&x| x == c).unwrap()].to_string();
    assert_eq!(col(Column::Reference), "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(col(Column::Message), "'-2+3");
    assert_eq!(col(Column::SourceId), "-5");
}

// ---- demo data and the resync lifecycle ---------------------------------------------------------

#[test]
fn demo_is_deterministic_and_believable() {
    let cfg = DemoConfig {
        seed: 42,
        size: 20_000,
        now: now(),
    };
    let a = demo::generate(cfg);
    assert_eq!(a, demo::generate(cfg));
    assert_ne!(a, demo::generate(DemoConfig { seed: 43, ..cfg }));
    assert_eq!(a.len(), 20_000);
    assert!(a
        .windows(2)
        .all(|w| w[0].id < w[1].id && w[0].created_at <= w[1].created_at));
    assert!(a
        .iter()
        .all(|e| e.created_at <= now() && now() - e.created_at <= Duration::days(15)));
    let share = |s: Status| a.iter().filter(|e| e.status == s).count() as f64 / a.len() as f64;
    assert!(share(Status::Ok) > 0.7, "{}", share(Status::Ok));
    assert!((0.03..0.1).contains(&share(Status::Failed)));
    assert!(share(Status::Pending) > 0.002 && share(Status::Sent) > 0.01);
    assert!(a.iter().any(|e| matches!(e.status, Status::Unknown(_))));
    let failed: Vec<&Entry> = a.iter().filter(|e| e.status == Status::Failed).collect();
    assert!(failed
        .iter()
        .all(|e| e.message().is_some() && e.error().is_some()));
    assert!(failed.iter().any(|e| !e.resyncable));
    assert!(a
        .iter()
        .all(|e| e.attempts >= 1 && e.attempts <= e.max_attempts.unwrap()));
    // A failed item is often sent again later, as its own entry (the History dialog's story):
    // the same reference, entity and systems, after the failure.
    let later_attempts = failed
        .iter()
        .filter(|f| {
            a.iter().any(|e| {
                e.created_at > f.created_at
                    && e.common_ref() == f.common_ref()
                    && e.entity == f.entity
                    && e.system_chain == f.system_chain
            })
        })
        .count();
    assert!(
        later_attempts * 3 > failed.len(),
        "{later_attempts} of {}",
        failed.len()
    );
    // Sizes are clamped to the documented bounds.
    assert_eq!(
        demo::generate(DemoConfig { size: 1, ..cfg }).len(),
        demo::MIN_SIZE
    );
}

/// An entry that failed three days ago and was resynced a minute ago has been Pending for one
/// minute and is not stuck: the retry state, the stuck filter and the summary's count all
/// count from when it became Pending (its latest run), not from its creation.
#[test]
fn the_demo_keeps_receiving_entries_and_settles_them() {
    let cfg = DemoConfig {
        seed: 5,
        size: 5_000,
        now: now(),
    };
    let mut be = DemoBackend::new(cfg);
    let before = be.store.len();
    let last = be.store.entries().last().unwrap().id;
    // Arrivals start when someone first looks: none in the past of that moment.
    assert!(be.catch_up(now()).is_empty());
    let later = now() + Duration::minutes(10);
    let ids = be.catch_up(later);
    // About three a minute at this size, each newer than everything before, in order.
    assert!((15..=45).contains(&ids.len()), "{}", ids.len());
    assert_eq!(be.store.len(), before + ids.len());
    let new: Vec<&Entry> = ids.iter().map(|&id| be.store.get(id).unwrap()).collect();
    assert!(new[0].id > last);
    assert!(new
        .windows(2)
        .all(|w| w[0].id < w[1].id && w[0].created_at <= w[1].created_at));
    assert!(new
        .iter()
        .all(|e| e.created_at > now() && e.created_at <= later));
    // Nothing more until time passes; the same seed gives the same arrivals.
    assert!(be.catch_up(later).is_empty());
    let mut twin = DemoBackend::new(cfg);
    twin.catch_up(now());
    assert_eq!(twin.catch_up(later), ids);
    // Pending and Sent arrivals settle within minutes, as a platform's would.
    be.advance(later + Duration::minutes(15));
    assert!(ids.iter().all(|&id| {
        let e = be.store.get(id).unwrap();
        e.status != Status::Pending && e.status != Status::Sent
    }));
    // A tab asleep for a day gets at most an hour's worth, and a million-entry demo more a
    // minute.
    let n = be.catch_up(later + Duration::days(1)).len();
    assert!((90..=270).contains(&n), "{n}");
    assert_eq!(demo::arrivals_per_minute(1_000_000), 46);
}

#[test]
fn pending_counts_from_the_latest_run_not_the_creation() {
    let make = |id: u64, updated_at: Option<DateTime<Utc>>| Entry {
        id: EntryId(id),
        status: Status::Pending,
        integration: Integration {
            id: None,
            name: "Acme".into(),
        },
        entity: "Order".into(),
        system_chain: SystemChain::new("Shopify", "NetSuite"),
        first_run_id: None,
        last_run_id: Some(id),
        created_at: now() - Duration::days(3),
        updated_at,
        runtime: None,
        attempts: 1,
        next_retry_at: None,
        max_attempts: Some(4),
        resyncable: true,
        text: EntryText::new(&TextFields::default()),
    };
    let resynced = make(1, Some(now() - Duration::minutes(1)));
    let state = resynced.retry_state(now()).unwrap();
    assert_eq!(state.pending_for, Some(Duration::minutes(1)));
    assert!(!state.stuck && !resynced.is_stuck(now()));
    assert!(
        state.describe(now()).ends_with("Pending for 1 min"),
        "{}",
        state.describe(now())
    );
    // Without a recorded run it counts from the creation; a run dated before the creation
    // (inconsistent data) does too.
    let never_ran = make(2, None);
    assert_eq!(
        never_ran.retry_state(now()).unwrap().pending_for,
        Some(Duration::days(3))
    );
    assert!(never_ran.is_stuck(now()));
    let odd = make(3, Some(now() - Duration::days(9)));
    assert_eq!(odd.pending_since(), odd.created_at);
    // Three hours after its latest run, it is stuck.
    let waiting = make(4, Some(now() - Duration::hours(3)));
    assert!(waiting.is_stuck(now()));

    let store = Store::from_entries(vec![resynced, never_ran, odd, waiting]);
    let mut q = Query {
        range: DateRange::LastDays(5),
        ..Query::default()
    };
    assert_eq!(store.summary(&q, now()).stuck, 3);
    q.filters.stuck = true;
    let ids: Vec<u64> = store
        .run(&q, now())
        .rows
        .iter()
        .map(|&r| store.entries()[r as usize].id.0)
        .collect();
    let mut ids = ids;
    ids.sort_unstable();
    assert_eq!(ids, vec![2, 3, 4]);
}

#[test]
fn resync_lifecycle() {
    let mut be = DemoBackend::new(DemoConfig {
        seed: 5,
        size: 5000,
        now: now(),
    });
    let pick = |be: &DemoBackend, f: &dyn Fn(&Entry) -> bool| {
        be.store.entries().iter().find(|e| f(e)).unwrap().id
    };
    let failed = pick(&be, &|e| e.status == Status::Failed && e.resyncable);
    let stuck = pick(&be, &|e| e.status == Status::Failed && !e.resyncable);
    let ok = pick(&be, &|e| e.status == Status::Ok);
    let sent = pick(&be, &|e| e.status == Status::Sent);
    let missing = EntryId(1);

    let out = be.resync(&[failed, stuck, ok, sent, missing], now());
    assert_eq!(
        out[0].result,
        ResyncResult::Accepted {
            status: Status::Pending
        }
    );
    assert!(matches!(
        out[1].result,
        ResyncResult::Refused {
            reason: Refusal::NotResyncable { .. }
        }
    ));
    assert_eq!(
        out[2].result,
        ResyncResult::Refused {
            reason: Refusal::AlreadyOk
        }
    );
    assert_eq!(
        out[3].result,
        ResyncResult::Accepted {
            status: Status::Sent
        }
    );
    assert_eq!(
        out[4].result,
        ResyncResult::Refused {
            reason: Refusal::NotFound
        }
    );
    assert_eq!(be.store.get(failed).unwrap().status, Status::Pending);

    // A second click while it is pending is refused, not queued twice.
    let again = be.resync(&[failed], now());
    assert!(matches!(
        again[0].result,
        ResyncResult::Refused {
            reason: Refusal::InProgress { .. }
        }
    ));

    // Nothing happens before it is due; afterwards the item settles.
    assert!(be.advance(now()).is_empty());
    let changed = be.advance(now() + Duration::seconds(5));
    assert!(changed.contains(&failed) && changed.contains(&sent));
    assert!(matches!(
        be.store.get(failed).unwrap().status,
        Status::Ok | Status::Failed
    ));
    assert_eq!(be.store.get(sent).unwrap().status, Status::Ok);

    // The pipeline sees the new statuses.
    let q = Query {
        range: DateRange::LastDays(15),
        filters: Filters {
            status: [Status::Pending].into(),
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(!be
        .store
        .run(&q, now())
        .rows
        .iter()
        .any(|&r| be.store.entry(r).id == failed));
}

#[test]
fn many_resyncs_settle_ok_or_failed() {
    let mut be = DemoBackend::new(DemoConfig {
        seed: 8,
        size: 20_000,
        now: now(),
    });
    let failed: Vec<EntryId> = be
        .store
        .entries()
        .iter()
        .filter(|e| e.status == Status::Failed && e.resyncable)
        .map(|e| e.id)
        .collect();
    assert!(failed.len() > 200);
    be.resync(&failed, now());
    be.advance(now() + Duration::seconds(10));
    let ok = failed
        .iter()
        .filter(|&&id| be.store.get(id).unwrap().status == Status::Ok)
        .count();
    let ratio = ok as f64 / failed.len() as f64;
    assert!((0.6..0.9).contains(&ratio), "{ratio}");
}

// ---- virtual scrolling -----------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// At any size (past the browsers' element-height cap too) and any scroll position, the
    /// drawn rows cover the viewport, the spacers and rows add up to the scroll body, and
    /// revealing a row brings it into view.
    #[test]
    fn the_virtual_window_covers_the_viewport(
        total in 0usize..3_000_000,
        row_px in 20.0f64..80.0,
        viewport_px in 0.0f64..2000.0,
        at in 0.0f64..1.0,
        target in 0.0f64..1.0,
        overscan in 0usize..10,
    ) {
        use sync_report::model::viewport::{Layout, MAX_SCROLL_PX};
        let l = Layout { total, row_px, viewport_px };
        prop_assert!(l.body_px() <= MAX_SCROLL_PX);
        let scroll = at * l.max_scroll();
        let span = l.span(scroll, overscan);
        prop_assert!(span.end() <= total);
        let sum = span.before_px + span.len as f64 * row_px + span.after_px;
        if total > 0 {
            prop_assert!((sum - l.body_px()).abs() < 1e-3 * l.body_px().max(1.0), "{sum} vs {}", l.body_px());
            // The drawn rows reach from the viewport's top edge to its bottom edge.
            prop_assert!(span.before_px <= scroll + 1e-6);
            let bottom = (scroll + viewport_px).min(l.body_px());
            prop_assert!(span.before_px + span.len as f64 * row_px + 1e-6 >= bottom,
                "{span:?} ends before {bottom}");
            let i = ((target * total as f64) as usize).min(total - 1);
            let s = l.reveal(i, scroll);
            let shown = l.span(s, 0);
            prop_assert!(shown.range().contains(&i) || viewport_px < row_px, "{i} not in {shown:?}");
        } else {
            prop_assert_eq!(span.len, 0);
        }
    }
}

proptest! {
    /// An entry's packed texts give back exactly what was put in, alone or replaced one at a
    /// time, and an entry with any texts survives the API's JSON unchanged.
    #[test]
    fn entry_texts_round_trip(
        texts in prop::collection::vec(prop::option::of(prop_oneof![text(), ".{0,80}", "[0-9]{60,70}"]), 7),
        replacement in prop::option::of(text()),
    ) {
        let t = |i: usize| texts[i].as_deref();
        let fields = TextFields {
            common_ref: t(0),
            message: t(1),
            error: t(2),
            source_id: t(3),
            source_parent_id: t(4),
            endpoint_id: t(5),
            endpoint_parent_id: t(6),
        };
        let mut e = demo::generate(DemoConfig { seed: 3, size: 10, now: now() }).remove(0);
        e.text = EntryText::new(&fields);
        prop_assert_eq!(e.text.fields(), fields);
        prop_assert_eq!(
            (e.common_ref(), e.message(), e.error(), e.source_id()),
            (t(0), t(1), t(2), t(3))
        );
        prop_assert_eq!(
            (e.source_parent_id(), e.endpoint_id(), e.endpoint_parent_id()),
            (t(4), t(5), t(6))
        );
        let back: Entry = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        prop_assert_eq!(&back, &e);
        e.set_common_ref(replacement.as_deref());
        e.set_message_and_error(t(6), t(5));
        prop_assert_eq!(
            e.text.fields(),
            TextFields { common_ref: replacement.as_deref(), message: t(6), error: t(5), ..fields }
        );
    }
}
