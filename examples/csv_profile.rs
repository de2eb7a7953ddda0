//! Profiling aid: exports 100k demo entries to CSV a few times (run under callgrind).
use chrono::{TimeZone, Utc};
use sync_report::export::csv::{to_csv, CsvOptions};
use sync_report::model::demo::{generate, DemoConfig};
use sync_report::model::Store;

fn main() {
    let now = Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0).unwrap();
    let store = Store::from_entries(generate(DemoConfig {
        seed: 1,
        size: 100_000,
        now,
    }));
    let rows: Vec<u32> = (0..store.len() as u32).collect();
    let mut total = 0;
    for _ in 0..3 {
        total += to_csv(&store, rows.clone(), CsvOptions::default()).len();
    }
    println!("{total}");
}
