//! `sync-report-server import`: entries from files into a store.
//!
//! Two formats, told apart by their first bytes:
//! - NDJSON: one entry per line, as the list endpoint's `data` items (blank lines skipped);
//! - the viewer's own CSV download, recognised by its header row (with or without the UTF-8
//!   BOM), so a downloaded report imports back: re-exporting it gives the same bytes.
//!
//! A file is read twice: once to check every line (a bad one is named by its line number and
//! field, and the file is refused whole unless `skip_bad`), then again to store it in batches,
//! each batch one transaction, upserted by id.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use sync_report::export::csv::{neutralize, BOM, COLUMNS};
use sync_report::model::column::Column;
use sync_report::model::entry::{
    parse_datetime, Entry, EntryId, EntryText, Integration, Status, SystemChain, TextFields,
};

use crate::store::{EntryStore, Store};

/// Entries stored per transaction.
pub const BATCH: usize = 20_000;

/// A line that cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// From 1, as an editor counts (the CSV header is line 1).
    pub line: u64,
    /// The field at fault (a JSON path such as `integration.name`, or a CSV column's header),
    /// when one can be named.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "line {}, field {field}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

/// Tells the format from the start of a file.
pub fn sniff(head: &[u8]) -> Option<Format> {
    let head = head.strip_prefix(BOM).unwrap_or(head);
    let first = head.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &head[first..];
    if head.starts_with(b"{") {
        return Some(Format::Ndjson);
    }
    let header = COLUMNS[0].label().as_bytes();
    (head.starts_with(header) || head.starts_with(b"\"")).then_some(Format::Csv)
}

/// Reads entries one by one, each with its line number, from NDJSON or the CSV download.
pub fn read_entries(
    reader: impl Read + 'static,
    format: Format,
) -> Result<Box<dyn Iterator<Item = Result<Entry, BadLine>>>, BadLine> {
    match format {
        Format::Ndjson => Ok(Box::new(ndjson(BufReader::with_capacity(1 << 20, reader)))),
        Format::Csv => csv_entries(reader).map(|it| Box::new(it) as Box<dyn Iterator<Item = _>>),
    }
}

fn ndjson(reader: impl BufRead) -> impl Iterator<Item = Result<Entry, BadLine>> {
    reader.lines().enumerate().filter_map(|(i, line)| {
        let line_no = i as u64 + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                return Some(Err(BadLine {
                    line: line_no,
                    field: None,
                    message: format!("not UTF-8 text: {e}"),
                }))
            }
        };
        if line.trim().is_empty() {
            return None;
        }
        Some(parse_ndjson_line(&line, line_no))
    })
}

/// One NDJSON line as an entry, or what is wrong with it and where.
pub fn parse_ndjson_line(line: &str, line_no: u64) -> Result<Entry, BadLine> {
    let de = &mut serde_json::Deserializer::from_str(line);
    let r: Result<Entry, _> = serde_path_to_error::deserialize(de);
    match r {
        Ok(e) => Ok(e),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            Err(BadLine {
                line: line_no,
                field: (path != ".").then_some(path),
                message: inner.to_string(),
            })
        }
    }
}

/// A cell as the CSV download wrote it, back to its text: the apostrophe that neutralised a
/// formula is taken off.
fn cell_text(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if neutralize(rest) != rest => rest,
        _ => cell,
    }
}

fn csv_entries(
    reader: impl Read + 'static,
) -> Result<impl Iterator<Item = Result<Entry, BadLine>>, BadLine> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(BufReader::with_capacity(1 << 20, reader));
    let headers = rdr.byte_headers().map_err(|e| BadLine {
        line: 1,
        field: None,
        message: format!("the header row cannot be read: {e}"),
    })?;
    let mut at: Vec<Option<Column>> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = if i == 0 {
            h.strip_prefix(BOM).unwrap_or(h)
        } else {
            h
        };
        let h = String::from_utf8_lossy(h);
        at.push(COLUMNS.iter().copied().find(|c| c.label() == h));
    }
    for required in [
        Column::Id,
        Column::Status,
        Column::CompanyGroup,
        Column::ServiceEntity,
        Column::SourceSystem,
        Column::DestinationSystem,
        Column::CreatedUtc,
    ] {
        if !at.contains(&Some(required)) {
            return Err(BadLine {
                line: 1,
                field: Some(required.label().to_string()),
                message: format!(
                    "this is not the report's CSV download: it has no \"{}\" column",
                    required.label()
                ),
            });
        }
    }
    Ok(rdr.into_records().map(move |rec| {
        let rec = rec.map_err(|e| BadLine {
            line: e.position().map_or(0, |p| p.line()),
            field: None,
            message: e.to_string(),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        csv_record(&rec, &at, line)
    }))
}

fn csv_record(rec: &csv::StringRecord, at: &[Option<Column>], line: u64) -> Result<Entry, BadLine> {
    let get = |c: Column| -> &str {
        at.iter()
            .position(|&a| a == Some(c))
            .and_then(|i| rec.get(i))
            .map(cell_text)
            .unwrap_or("")
    };
    let bad = |c: Column, message: String| BadLine {
        line,
        field: Some(c.label().to_string()),
        message,
    };
    let opt_u64 = |c: Column| -> Result<Option<u64>, BadLine> {
        let v = get(c);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<u64>()
            .map(Some)
            .map_err(|_| bad(c, format!("\"{v}\" is not a whole number from 0 to 2^64-1")))
    };
    let opt_u32 = |c: Column| -> Result<Option<u32>, BadLine> {
        opt_u64(c)?
            .map(|v| u32::try_from(v).map_err(|_| bad(c, format!("{v} is too large"))))
            .transpose()
    };
    let time = |c: Column| -> Result<Option<DateTime<Utc>>, BadLine> {
        let v = get(c);
        if v.is_empty() {
            return Ok(None);
        }
        parse_datetime(v)
            .map(Some)
            .ok_or_else(|| bad(c, format!("\"{v}\" is not an ISO-8601 time")))
    };
    let required = |c: Column| -> Result<&str, BadLine> {
        let v = get(c);
        if v.is_empty() {
            Err(bad(c, "is empty".into()))
        } else {
            Ok(v)
        }
    };
    let id = opt_u64(Column::Id)?.ok_or_else(|| bad(Column::Id, "is empty".into()))?;
    let status = Status::parse(required(Column::Status)?);
    let created_at =
        time(Column::CreatedUtc)?.ok_or_else(|| bad(Column::CreatedUtc, "is empty".into()))?;
    let runtime = match get(Column::Runtime) {
        "" => None,
        v => Some(
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| bad(Column::Runtime, format!("\"{v}\" is not a number")))?,
        ),
    };
    let resyncable = match get(Column::Resyncable) {
        "" | "yes" => true,
        "no" => false,
        v => {
            return Err(bad(
                Column::Resyncable,
                format!("\"{v}\" is neither yes nor no"),
            ))
        }
    };
    let text = |c: Column| Some(get(c)).filter(|s| !s.is_empty());
    Ok(Entry {
        id: EntryId(id),
        status,
        integration: Integration {
            id: None,
            name: required(Column::CompanyGroup)?.into(),
        },
        entity: required(Column::ServiceEntity)?.into(),
        system_chain: SystemChain::new(
            required(Column::SourceSystem)?,
            required(Column::DestinationSystem)?,
        ),
        first_run_id: opt_u64(Column::FirstRunId)?,
        last_run_id: opt_u64(Column::SyncId)?,
        created_at,
        updated_at: time(Column::UpdatedAt)?,
        runtime,
        attempts: opt_u32(Column::Attempts)?.unwrap_or(0),
        next_retry_at: None,
        max_attempts: opt_u32(Column::MaxAttempts)?,
        resyncable,
        text: EntryText::new(&TextFields {
            common_ref: text(Column::Reference),
            message: text(Column::Message),
            error: text(Column::Error),
            source_id: text(Column::SourceId),
            source_parent_id: text(Column::SourceParentId),
            endpoint_id: text(Column::EndpointId),
            endpoint_parent_id: text(Column::EndpointParentId),
        }),
    })
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub stored: u64,
    pub skipped: Vec<BadLine>,
}

/// Why an import stopped.
#[derive(Debug)]
pub enum ImportError {
    /// The file could not be opened or read.
    Io(String),
    /// Bad lines (at most the first 20 are kept) and how many there were: nothing was stored.
    Refused {
        bad: Vec<BadLine>,
        count: u64,
    },
    Store(crate::store::StoreError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Io(m) => f.write_str(m),
            ImportError::Refused { bad, count } => {
                writeln!(f, "{count} line(s) cannot be imported; nothing from this file was stored (--skip-bad stores the others):")?;
                for b in bad {
                    writeln!(f, "  {b}")?;
                }
                if *count > bad.len() as u64 {
                    writeln!(f, "  … and {} more", *count - bad.len() as u64)?;
                }
                Ok(())
            }
            ImportError::Store(e) => write!(f, "{e}"),
        }
    }
}

fn open(path: &Path) -> Result<(File, Format), ImportError> {
    let io = |e: std::io::Error| ImportError::Io(format!("{}: {e}", path.display()));
    let mut f = File::open(path).map_err(io)?;
    let mut head = vec![0u8; 4096];
    let n = f.read(&mut head).map_err(io)?;
    head.truncate(n);
    let format = sniff(&head).ok_or_else(|| {
        ImportError::Io(format!(
            "{}: neither NDJSON (one JSON entry per line) nor the report's CSV download",
            path.display()
        ))
    })?;
    Ok((File::open(path).map_err(io)?, format))
}

/// Imports one file into `store`, printing progress to stderr through `progress`.
pub async fn import_file(
    store: &Store,
    path: &Path,
    skip_bad: bool,
    mut progress: impl FnMut(u64, f64),
) -> Result<Report, ImportError> {
    // First pass: every line checked before anything is stored.
    let (f, format) = open(path)?;
    let mut bad = Vec::new();
    let mut bad_count = 0u64;
    let it = read_entries(f, format).map_err(|b| ImportError::Refused {
        bad: vec![b],
        count: 1,
    })?;
    for r in it {
        if let Err(b) = r {
            bad_count += 1;
            if bad.len() < 20 {
                bad.push(b);
            }
        }
    }
    if bad_count > 0 && !skip_bad {
        return Err(ImportError::Refused {
            bad,
            count: bad_count,
        });
    }
    // Second pass: stored in batches.
    let (f, format) = open(path)?;
    let it = read_entries(f, format).map_err(|b| ImportError::Refused {
        bad: vec![b],
        count: 1,
    })?;
    let started = Instant::now();
    let mut report = Report::default();
    let mut batch = Vec::with_capacity(BATCH);
    for r in it {
        match r {
            Ok(e) => batch.push(e),
            Err(b) => report.skipped.push(b),
        }
        if batch.len() == BATCH {
            store.upsert(&batch).await.map_err(ImportError::Store)?;
            report.stored += batch.len() as u64;
            batch.clear();
            progress(report.stored, started.elapsed().as_secs_f64());
        }
    }
    if !batch.is_empty() {
        store.upsert(&batch).await.map_err(ImportError::Store)?;
        report.stored += batch.len() as u64;
    }
    progress(report.stored, started.elapsed().as_secs_f64());
    Ok(report)
}

/// Stores `n` generated demo entries (the demo's data, `seed`, up to `now`) into an empty
/// store: blocks of a million, each drawn with its own seed, over the same 15 days.
pub async fn seed_demo(
    store: &Store,
    n: usize,
    seed: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(u64, f64),
) -> Result<u64, crate::store::StoreError> {
    use sync_report::model::demo::{generate, DemoConfig, MAX_SIZE, MIN_SIZE};
    let started = Instant::now();
    let mut stored = 0u64;
    let mut left = n;
    let mut block = 0u64;
    while left > 0 {
        let size = left.clamp(MIN_SIZE, MAX_SIZE);
        let mut entries = generate(DemoConfig {
            seed: seed.wrapping_add(block),
            size,
            now,
        });
        entries.truncate(left);
        for e in &mut entries {
            e.id = EntryId(e.id.0 + block * MAX_SIZE as u64);
        }
        for chunk in entries.chunks(BATCH) {
            store.upsert(chunk).await?;
            stored += chunk.len() as u64;
            progress(stored, started.elapsed().as_secs_f64());
        }
        left -= entries.len();
        block += 1;
    }
    Ok(stored)
}
