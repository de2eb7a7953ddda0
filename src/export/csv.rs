//! The CSV format: RFC 4180 (read back with the `csv` crate in the tests), CRLF line ends, a
//! header row, every column of [`COLUMNS`] in that order (set in one place, below), timestamps ISO-8601 UTC, an optional UTF-8 BOM so Excel reads
//! the text right, and cells neutralised against formula injection.
//!
//! Produced in chunks: a caller writes a few thousand rows at a time, shows progress between
//! chunks and can stop at any point.

use std::borrow::Cow;

use crate::model::column::{Column, IsoWriter};
use crate::model::entry::Entry;
use crate::model::store::Store;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte order mark (for Excel). On by default.
    pub bom: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions { bom: true }
    }
}

/// Whether `s` is a plain decimal number such as `-5`, `+3.25` or `1e-3`, which spreadsheets read
/// as a number and never as a formula.
fn is_plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Prefixes a cell that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`,
/// tab or carriage return) with an apostrophe, the OWASP-recommended neutraliser. Plain numbers
/// such as `-5` are left alone.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// Bytes that put a field in quotes (RFC 4180): the comma, the double quote, CR and LF.
static NEEDS_QUOTES: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Appends one field as RFC 4180 wants it (and as the `csv` crate's default `Necessary` quote
/// style writes it): as it is, or in double quotes with inner quotes doubled when it holds a
/// comma, a quote or a line break.
fn push_field(out: &mut Vec<u8>, field: &[u8]) {
    // Long fields through memchr's word-at-a-time scan; short ones with a table.
    let plain = if field.len() < 16 {
        !field.iter().any(|&b| NEEDS_QUOTES[usize::from(b)])
    } else {
        memchr::memchr3(b',', b'"', b'\n', field).is_none()
            && memchr::memchr(b'\r', field).is_none()
    };
    if plain {
        out.extend_from_slice(field);
        return;
    }
    out.push(b'"');
    for &b in field {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// Writes entries as CSV, chunk after chunk: the first chunk also carries the BOM (when asked)
/// and the header row. Used over store rows ([`CsvExport`]) and over pages of entries fetched
/// from an API.
///
/// Fields are written straight into the chunk: in the browser's profile of a 100k-row export the
/// `csv` crate's buffered writer took a third of the time, and the date part of a timestamp is
/// formatted once per day instead of once per cell (rows mostly come in time order). The `csv`
/// crate reads every export back in the tests.
#[derive(Debug)]
pub struct CsvWriter {
    opts: CsvOptions,
    header_done: bool,
    iso: IsoWriter,
}

impl CsvWriter {
    pub fn new(opts: CsvOptions) -> Self {
        CsvWriter {
            opts,
            header_done: false,
            iso: IsoWriter::default(),
        }
    }

    /// Whether the header has been written.
    pub fn started(&self) -> bool {
        self.header_done
    }

    /// Appends the CSV bytes of `entries` to `out` (after the BOM and header if nothing was
    /// written yet): the file is written where it is assembled, not copied there from chunks.
    pub fn write<'e>(&mut self, out: &mut Vec<u8>, entries: impl IntoIterator<Item = &'e Entry>) {
        if !self.header_done {
            if self.opts.bom {
                out.extend_from_slice(BOM);
            }
            for (i, col) in COLUMNS.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_field(out, col.label().as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            self.header_done = true;
        }
        for e in entries {
            self.push_row(out, e);
        }
    }

    /// One row: the cells of [`COLUMNS`], as [`csv_row!`] lists them.
    fn push_row(&mut self, out: &mut Vec<u8>, e: &Entry) {
        write_row(out, e, &mut self.iso);
        // The last cell's comma becomes the line end.
        out.pop();
        out.extend_from_slice(b"\r\n");
    }
}

/// The export's columns and how each cell is written, in file order: the one place the CSV's
/// shape is set. Expands to [`COLUMNS`] (the header, and the order tests check) and to
/// `write_row`, each cell written out in turn and followed by a comma. Unrolled rather than a
/// loop over the columns with a match per cell, which cost a third of the export at
/// opt-level z; the property test `csv_is_what_the_csv_crate_writes` holds every cell to
/// [`Column::csv_cell`] and [`neutralize`], byte for byte.
macro_rules! csv_row {
    (|$out:ident, $e:ident, $iso:ident| let $t:ident = $fields:expr; $($col:ident => $cell:expr,)*) => {
        /// The CSV's columns in the documented order: identity, what, where, when, outcome, ids.
        pub const COLUMNS: [Column; [$(Column::$col),*].len()] = [$(Column::$col),*];

        fn write_row($out: &mut Vec<u8>, $e: &Entry, $iso: &mut IsoWriter) {
            let $t = $fields;
            $( $cell; $out.push(b','); )*
        }
    };
}

/// A number as we format it: never quoted, never a formula.
fn int<T: itoa::Integer>(out: &mut Vec<u8>, v: Option<T>) {
    if let Some(v) = v {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    push_field(out, neutralize(s).as_bytes());
}

csv_row! { |out, e, iso|
    // The texts decoded once per row, not once per cell.
    let t = e.text.fields();
    Id => int(out, Some(e.id.0)),
    Status => text(out, e.status.label()),
    CompanyGroup => text(out, &e.integration.name),
    ServiceEntity => text(out, &e.entity),
    SourceSystem => text(out, &e.system_chain.source),
    DestinationSystem => text(out, &e.system_chain.destination),
    SyncId => int(out, e.last_run_id),
    FirstRunId => int(out, e.first_run_id),
    Reference => text(out, t.common_ref.unwrap_or("")),
    CreatedUtc => iso.push(out, e.created_at),
    UpdatedAt => if let Some(t) = e.updated_at { iso.push(out, t) },
    Runtime => Column::Runtime.csv_cell(e, out),
    Attempts => int(out, Some(e.attempts)),
    MaxAttempts => int(out, e.max_attempts),
    Message => text(out, t.message.unwrap_or("")),
    Error => text(out, t.error.unwrap_or("")),
    Resyncable => text(out, if e.resyncable { "yes" } else { "no" }),
    SourceId => text(out, t.source_id.unwrap_or("")),
    SourceParentId => text(out, t.source_parent_id.unwrap_or("")),
    EndpointId => text(out, t.endpoint_id.unwrap_or("")),
    EndpointParentId => text(out, t.endpoint_parent_id.unwrap_or("")),
}

/// An export in progress over a fixed list of rows (store positions, in display order).
#[derive(Debug)]
pub struct CsvExport {
    rows: Vec<u32>,
    next: usize,
    writer: CsvWriter,
}

impl CsvExport {
    pub fn new(rows: Vec<u32>, opts: CsvOptions) -> Self {
        CsvExport {
            rows,
            next: 0,
            writer: CsvWriter::new(opts),
        }
    }

    /// Entries in the export.
    pub fn total(&self) -> usize {
        self.rows.len()
    }

    /// Entries written so far.
    pub fn done(&self) -> usize {
        self.next
    }

    pub fn is_finished(&self) -> bool {
        self.writer.started() && self.next >= self.rows.len()
    }

    /// Appends the next at most `max_rows` entries to `out` (the first call also writes the BOM
    /// and header); false (and nothing written) once everything is written. `out` grows as it
    /// must: its owner sizes it.
    pub fn write_next(&mut self, store: &Store, max_rows: usize, out: &mut Vec<u8>) -> bool {
        if self.is_finished() {
            return false;
        }
        let end = (self.next + max_rows.max(1)).min(self.rows.len());
        let rows = &self.rows[self.next..end];
        self.writer.write(out, rows.iter().map(|&r| store.entry(r)));
        self.next = end;
        true
    }
}

/// The whole export in one buffer (for tests, the server and small sets).
pub fn to_csv(store: &Store, rows: Vec<u32>, opts: CsvOptions) -> Vec<u8> {
    let mut exp = CsvExport::new(rows, opts);
    // About 230 bytes a row: sizing up front spares copying a growing buffer.
    let mut out = Vec::with_capacity(exp.total() * 240 + 512);
    while exp.write_next(store, 10_000, &mut out) {}
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_are_unique_and_labelled() {
        let mut seen = std::collections::HashSet::new();
        for c in COLUMNS {
            assert!(seen.insert(c.label()), "{:?}", c);
        }
        assert_eq!(COLUMNS.len(), 21);
    }

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for f in [
            "=1+1",
            "+cmd",
            "-cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "=HYPERLINK(\"x\")",
        ] {
            assert!(neutralize(f).starts_with('\''), "{f:?}");
        }
        for n in ["-5", "+3.25", "1e-3", "-0.5E+7", "42", "", "plain", "a=b"] {
            assert_eq!(neutralize(n), n, "{n:?}");
        }
        for bad in ["-", "-.", "-1e", "--1", "-1.2.3", "-inf", "-NaN"] {
            assert!(neutralize(bad).starts_with('\''), "{bad:?}");
        }
    }
}
