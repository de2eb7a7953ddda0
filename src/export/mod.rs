//! CSV export, in one place: the format ([`csv`]: the writer and the columns' order), the
//! driver that pages through any [`DataSource`] ([`run`]), and the file handed to the browser
//! ([`file`]). The view only asks for a file and shows the progress.

pub mod csv;
pub mod file;

use chrono::{DateTime, Utc};

use crate::format::entries as n_entries;
use crate::model::entry::EntryId;
use crate::model::query::Query;
use crate::source::{DataSource, Progress, SourceError};
use csv::{CsvOptions, CsvWriter};
use file::{FileError, FileParts};

/// Steps run back to back until this many ms are spent, then the browser gets a turn
/// (progress, input, Cancel): no task near the 50 ms a user would notice, and few enough turns
/// that they cost nothing. The budget leaves room for the step that also hands a 16 MB part of
/// the file to the browser (about 10 ms on top).
const BUDGET_MS: f64 = 20.0;

/// A file to write: the view's entries, or only the selected ones.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRequest {
    pub query: Query,
    /// The selection's ids; None for every entry matching `query`.
    pub ids: Option<Vec<EntryId>>,
    /// Entries expected (what the confirmation said).
    pub count: usize,
    /// When the view's range was resolved (names the file's days).
    pub at: DateTime<Utc>,
}

impl ExportRequest {
    pub fn selected_only(&self) -> bool {
        self.ids.is_some()
    }

    /// `sync-report_2026-11-22_2026-11-27.csv`, or `sync-report_selected-12_….csv`.
    pub fn filename(&self) -> String {
        let stem = self.query.range.file_stem(self.at);
        if self.selected_only() {
            format!("sync-report_selected-{}_{stem}.csv", self.count)
        } else {
            format!("sync-report_{stem}.csv")
        }
    }
}

/// How an export ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportOutcome {
    /// Every entry was written, except `skipped` ones the source could not read (the user is
    /// told; a file is never silently short).
    Complete {
        rows: usize,
        skipped: usize,
    },
    Cancelled {
        rows: usize,
    },
}

/// Why no file was saved.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("The download failed and no file was saved: {0}")]
    Source(#[from] SourceError),
    #[error("The download could not be started: {0}")]
    File(#[from] FileError),
}

/// What the user is told once an export ended.
pub fn outcome_notice(outcome: &Result<ExportOutcome, ExportError>, filename: &str) -> String {
    match outcome {
        Ok(ExportOutcome::Complete { rows, skipped: 0 }) => {
            format!("Downloaded {} as {filename}.", n_entries(*rows))
        }
        Ok(ExportOutcome::Complete { rows, skipped }) => format!(
            "Downloaded {} as {filename}. {} could not be read from the server and {} not in the file.",
            n_entries(*rows),
            n_entries(*skipped),
            if *skipped == 1 { "is" } else { "are" }
        ),
        Ok(ExportOutcome::Cancelled { rows }) => format!(
            "Download cancelled after {}; no file was saved.",
            n_entries(*rows)
        ),
        Err(e) => e.to_string(),
    }
}

/// Writes the file `request` asks for from `source` and hands it to the browser. Between steps
/// it tells `on_progress` how far it got; false from it cancels (nothing is saved).
pub async fn run(
    source: &dyn DataSource,
    request: ExportRequest,
    mut on_progress: impl FnMut(Progress) -> bool,
) -> Result<ExportOutcome, ExportError> {
    crate::perf::mark("csv-start");
    let filename = request.filename();
    let mut rows = source.export_rows(request.query, request.ids).await?;
    let total = rows.total();
    if !on_progress(Progress { done: 0, total }) {
        return Ok(ExportOutcome::Cancelled { rows: 0 });
    }
    let mut writer = CsvWriter::new(CsvOptions::default());
    let mut file = FileParts::new(total);
    // The BOM and the header, even for a file without rows.
    file.write(|buf| writer.write(buf, []));
    let mut turn = crate::perf::now_ms();
    loop {
        let more = match rows.ready().await {
            Ok(more) => more,
            Err(e) => {
                rows.stop();
                return Err(e.into());
            }
        };
        if !more {
            break;
        }
        file.write(|buf| rows.write(&mut writer, buf));
        if crate::perf::now_ms() - turn >= BUDGET_MS {
            if !on_progress(Progress {
                done: rows.done(),
                total,
            }) {
                rows.stop();
                return Ok(ExportOutcome::Cancelled { rows: rows.done() });
            }
            crate::perf::yield_now().await;
            turn = crate::perf::now_ms();
        }
    }
    let outcome = ExportOutcome::Complete {
        rows: rows.done() - rows.skipped(),
        skipped: rows.skipped(),
    };
    on_progress(Progress {
        done: rows.done(),
        total,
    });
    drop(rows);
    crate::perf::mark("csv-written");
    file.save(&filename)?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::query::DateRange;

    fn request(ids: Option<Vec<EntryId>>) -> ExportRequest {
        let at = DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
            .unwrap()
            .to_utc();
        ExportRequest {
            query: Query {
                range: DateRange::last_days(5).0,
                ..Query::default()
            },
            count: ids.as_ref().map_or(48_311, Vec::len),
            ids,
            at,
        }
    }

    #[test]
    fn files_are_named_by_their_days_and_what_they_hold() {
        assert_eq!(
            request(None).filename(),
            "sync-report_2026-11-22_2026-11-27.csv"
        );
        assert_eq!(
            request(Some(vec![EntryId(1), EntryId(2)])).filename(),
            "sync-report_selected-2_2026-11-22_2026-11-27.csv"
        );
    }

    #[test]
    fn the_user_is_told_how_it_ended_and_why() {
        let f = "f.csv";
        let complete = |rows, skipped| Ok(ExportOutcome::Complete { rows, skipped });
        assert_eq!(
            outcome_notice(&complete(2, 0), f),
            "Downloaded 2 entries as f.csv."
        );
        assert_eq!(
            outcome_notice(&complete(2, 1), f),
            "Downloaded 2 entries as f.csv. 1 entry could not be read from the server and is not in the file."
        );
        assert_eq!(
            outcome_notice(&Ok(ExportOutcome::Cancelled { rows: 4_000 }), f),
            "Download cancelled after 4,000 entries; no file was saved."
        );
        let stopped = ExportError::Source(SourceError::Stopped {
            done: 1_000,
            total: 3_000,
            cause: Box::new(SourceError::Offline),
        });
        assert_eq!(
            outcome_notice(&Err(stopped), f),
            format!(
                "The download failed and no file was saved: The download stopped after 1,000 of 3,000 entries; no file was saved. {}",
                SourceError::Offline
            )
        );
        let file = ExportError::File(FileError::Memory("RangeError".into()));
        assert_eq!(
            outcome_notice(&Err(file), f),
            "The download could not be started: part of the file could not be kept in memory (RangeError)"
        );
    }
}
