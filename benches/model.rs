//! Model benchmarks at 100k and 1M demo entries: filter, search, sort (cold: the column's order
//! computed; warm: cached) and a full CSV export. Run with `scripts/bench-model.sh` or
//! `cargo bench --bench model`; the targets are in README.md.

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;
use sync_report::export::csv::{self as export_csv, CsvOptions};
use sync_report::model::demo::{self, DemoConfig};
use sync_report::model::query::MAX_DAYS;
use sync_report::model::*;

fn bench(c: &mut Criterion) {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    for &n in &[100_000usize, 1_000_000] {
        let mut store = Store::from_entries(demo::generate(DemoConfig {
            seed: 1,
            size: n,
            now,
        }));
        let all = Query {
            range: DateRange::LastDays(MAX_DAYS),
            ..Query::default()
        };
        let _ = store.run(&all, now); // warm the default order

        let mut g = c.benchmark_group(format!("model_{}k", n / 1000));
        g.sample_size(10);
        g.measurement_time(std::time::Duration::from_secs(3));

        let failed = Query {
            filters: Filters {
                status: [Status::Failed].into(),
                ..Default::default()
            },
            ..all.clone()
        };
        g.bench_function(BenchmarkId::new("filter", "status=Failed"), |b| {
            b.iter(|| black_box(store.run(black_box(&failed), now).len()))
        });
        let search = |term: &str, scope| Query {
            search: Search {
                term: term.into(),
                scope,
            },
            ..all.clone()
        };
        let s_all = search("1234", SearchScope::All);
        g.bench_function(BenchmarkId::new("search", "all:1234"), |b| {
            b.iter(|| black_box(store.run(black_box(&s_all), now).len()))
        });
        let s_ref = search("demotest-ss", SearchScope::Reference);
        g.bench_function(BenchmarkId::new("search", "reference:demotest-ss"), |b| {
            b.iter(|| black_box(store.run(black_box(&s_ref), now).len()))
        });
        for col in [Column::Reference, Column::Status, Column::SyncId] {
            let q = Query {
                sort: Sort {
                    column: col,
                    direction: Direction::Asc,
                },
                ..all.clone()
            };
            g.bench_function(BenchmarkId::new("sort_cold", col.label()), |b| {
                b.iter(|| {
                    store.invalidate_orders();
                    black_box(store.run(black_box(&q), now).len())
                })
            });
            g.bench_function(BenchmarkId::new("sort_warm", col.label()), |b| {
                b.iter(|| black_box(store.run(black_box(&q), now).len()))
            });
        }
        let rows = store.run(&all, now).rows;
        g.bench_function(BenchmarkId::new("csv", "all"), |b| {
            b.iter(|| {
                black_box(export_csv::to_csv(&store, rows.clone(), CsvOptions::default()).len())
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
