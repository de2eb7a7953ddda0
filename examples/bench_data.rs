//! Writes the demo entries the app generates for a seed, size and clock, as compact columnar
//! JSON, so the benchmark harness (`scripts/bench.sh`) can give AG Grid exactly the rows our
//! report shows. Low-cardinality text is dictionary-coded (an index per row) to keep a million
//! rows small enough to load.
//!
//! Beside it, `<out>.meta.json` says how many bytes of raw data an entry holds: its CSV row
//! without the separators (every field's text), the baseline for the memory figure.
//!
//! `cargo run --release --example bench_data -- <size> <seed> <now RFC 3339> <out.json>`

use std::collections::HashMap;
use std::io::{BufWriter, Write};

use sync_report::export::csv::{to_csv, CsvOptions};
use sync_report::model::demo::{generate, DemoConfig};
use sync_report::model::Store;

/// A dictionary-coded column: the distinct values and, per row, the index of its value.
#[derive(Default)]
struct Dict {
    values: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<usize>,
}

impl Dict {
    fn push(&mut self, v: &str) {
        let next = self.values.len();
        let i = *self.index.entry(v.to_string()).or_insert_with(|| {
            self.values.push(v.to_string());
            next
        });
        self.rows.push(i);
    }
}

fn write_json_array<W: Write, T>(
    out: &mut W,
    name: &str,
    items: impl Iterator<Item = T>,
    f: impl Fn(&mut W, T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write!(out, "\"{name}\":[")?;
    for (i, it) in items.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        f(out, it)?;
    }
    out.write_all(b"]")
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: bench_data <size> <seed> <now RFC 3339> <out.json>";
    let size: usize = args.get(1).and_then(|s| s.parse().ok()).expect(usage);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).expect(usage);
    let now = args
        .get(3)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .expect(usage)
        .to_utc();
    let path = args.get(4).expect(usage);
    let entries = generate(DemoConfig { seed, size, now });

    let mut dicts: [Dict; 5] = Default::default();
    for e in &entries {
        dicts[0].push(e.status.label());
        dicts[1].push(&e.integration.name);
        dicts[2].push(&e.entity);
        dicts[3].push(&e.system_chain.source);
        dicts[4].push(&e.system_chain.destination);
    }
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    write!(
        out,
        "{{\"n\":{},\"now\":\"{}\",",
        entries.len(),
        now.to_rfc3339()
    )?;
    let names = ["status", "group", "entity", "source", "destination"];
    out.write_all(b"\"dict\":{")?;
    for (k, (name, d)) in names.iter().zip(&dicts).enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\"{name}\":{}", serde_json::to_string(&d.values)?)?;
    }
    out.write_all(b"},\"cols\":{")?;
    for (name, d) in names.iter().zip(&dicts) {
        write_json_array(&mut out, name, d.rows.iter(), |o, i| write!(o, "{i}"))?;
        out.write_all(b",")?;
    }
    write_json_array(&mut out, "id", entries.iter(), |o, e| write!(o, "{}", e.id))?;
    out.write_all(b",")?;
    write_json_array(&mut out, "sync_id", entries.iter(), |o, e| {
        write!(o, "{}", e.last_run_id.unwrap_or(0))
    })?;
    out.write_all(b",")?;
    write_json_array(&mut out, "reference", entries.iter(), |o, e| {
        write!(o, "{}", serde_json::to_string(&e.common_ref())?)
    })?;
    out.write_all(b",")?;
    write_json_array(&mut out, "created", entries.iter(), |o, e| {
        write!(o, "{}", e.created_at.timestamp())
    })?;
    out.write_all(b",")?;
    write_json_array(&mut out, "message", entries.iter(), |o, e| {
        write!(o, "{}", serde_json::to_string(&e.message())?)
    })?;
    out.write_all(b"}}")?;
    out.flush()?;

    let n = entries.len();
    let store = Store::from_entries(entries);
    let csv = to_csv(&store, (0..n as u32).collect(), CsvOptions::default());
    let text = String::from_utf8_lossy(&csv);
    let mut lines = text.lines();
    let columns = lines.next().map_or(0, |h| h.split(',').count());
    let body: usize = lines.map(|l| l.len() + 1).sum();
    // Each row has `columns - 1` commas and a line end; quotes are few (counted as data).
    let raw = body.saturating_sub(n * columns) as f64 / n as f64;
    let meta =
        serde_json::json!({ "entries": n, "csv_columns": columns, "raw_bytes_per_entry": raw });
    std::fs::write(path.replace(".json", ".meta.json"), meta.to_string())
}
