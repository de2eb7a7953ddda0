//! Where entries come from: one trait, several sources (the in-browser demo now; HTTP next).
//!
//! The view asks for a window of the result of a query; filtering, sorting and paging happen in
//! the source (in memory for the demo, on the server for HTTP), so the page never holds more
//! rows than it shows.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

use crate::model::entry::{Entry, EntryId};
pub use crate::model::facets::FacetValue;
use crate::model::history::History;
use crate::model::query::{FilterField, Query};
use crate::model::resync::ResyncOutcome;
use crate::model::selection::Selection;
use crate::model::summary::Summary;
use crate::wire::{EntryError, IntegrationProblem};

pub mod api;
pub mod demo;
pub mod http;

pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// What went wrong getting data, kept typed all the way to the screen.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SourceError {
    #[error("You appear to be offline: the report server could not be reached. Check the connection, then retry.")]
    Offline,
    #[error("Not signed in or not allowed (HTTP {status}){}. Sign in again, then retry.", colon(.message))]
    Unauthorized {
        status: u16,
        message: Option<String>,
    },
    #[error("The report endpoint was not found (HTTP 404). Check the configured API address.")]
    NotFound,
    #[error("The report server failed (HTTP {status}){}{}.", colon(.message), .request_id.as_ref().map(|r| format!(" (request id {r})")).unwrap_or_default())]
    Server {
        status: u16,
        request_id: Option<String>,
        message: Option<String>,
    },
    #[error("The report server refused the request (HTTP {status}){}.", colon(.message))]
    Rejected {
        status: u16,
        message: Option<String>,
    },
    #[error("The report server did not answer within {seconds} seconds.")]
    Timeout { seconds: u32 },
    #[error("The report server sent a malformed response: {0}")]
    Malformed(String),
    #[error("The report server's answer was too large ({} MB; the limit is {} MB).", .bytes / 1_000_000, .limit / 1_000_000)]
    TooLarge { bytes: usize, limit: usize },
    /// A newer request replaced this one; never shown.
    #[error("The request was replaced by a newer one.")]
    Superseded,
    /// An optional endpoint this backend does not offer (it answered 404, 405 or 501):
    /// remembered for the session, and the page does without it (docs/api.md).
    #[error("This report server does not provide {}.", .0.provides())]
    NotOffered(Optional),
    /// A fallback that pages through `GET /sync-reports` stops at a limit rather than page on.
    #[error("This report server does not provide {what}, and reading the report page by page stops at {} entries ({} here). Narrow the filters, then try again.", crate::format::thousands(*.limit), crate::format::thousands(*.count))]
    OverFallbackLimit {
        what: &'static str,
        count: usize,
        limit: usize,
    },
    /// The browser would not start a request (the cause as it said it).
    #[error("The browser could not send the request: {0}")]
    Browser(String),
    /// The result's size changed between the pages of a download.
    #[error("The entries changed while the file was being written ({} matched at first, {} now); no file was saved. Try again.", crate::format::thousands(*.before), crate::format::thousands(*.now))]
    Changed { before: usize, now: usize },
    /// A page of a download failed: how far it got, and why.
    #[error("The download stopped after {} of {} entries; no file was saved. {cause}", crate::format::thousands(*.done), crate::format::thousands(*.total))]
    Stopped {
        done: usize,
        total: usize,
        cause: Box<SourceError>,
    },
    /// The server's pages held fewer entries than its count.
    #[error("The server sent {} of the {} entries it counted; no file was saved. Try again.", crate::format::thousands(*.sent), crate::format::thousands(*.counted))]
    Short { sent: usize, counted: usize },
}

/// The API's optional endpoints. The core (`GET /sync-reports`, `POST /sync-reports/resync`)
/// is all a backend must serve; each of these adds something (docs/api.md: Core and optional
/// endpoints), and a backend that lacks one gets the page without it, said in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Optional {
    /// `GET /sync-reports/facets`: every value of each header filter.
    Facets,
    /// `GET /sync-reports/summary`: the summary strip and the failure groups.
    Summary,
    /// `GET /sync-reports/ids`: the ids of "all matching" in one request.
    Ids,
    /// `POST /sync-reports/lookup`: entries by id (resync confirmation, download selected).
    Lookup,
    /// `GET /sync-reports/changes`: new entries and settled ones since a time (auto-refresh).
    Changes,
}

impl Optional {
    pub const ALL: [Optional; 5] = [
        Optional::Facets,
        Optional::Summary,
        Optional::Ids,
        Optional::Lookup,
        Optional::Changes,
    ];

    /// The path under the API base.
    pub fn path(self) -> &'static str {
        match self {
            Optional::Facets => "sync-reports/facets",
            Optional::Summary => "sync-reports/summary",
            Optional::Ids => "sync-reports/ids",
            Optional::Lookup => "sync-reports/lookup",
            Optional::Changes => "sync-reports/changes",
        }
    }

    /// What the page shows thanks to it, for "does not provide …".
    pub fn provides(self) -> &'static str {
        match self {
            Optional::Facets => "the list of every filter value",
            Optional::Summary => "summary counts or failure groups",
            Optional::Ids => "the ids of all matching entries",
            Optional::Lookup => "entries by id",
            Optional::Changes => "new entries as they arrive",
        }
    }
}

/// The values a header filter offers for one field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FacetValues {
    /// In the menu's order, each with its count where the source counts.
    pub values: Vec<FacetValue>,
    /// Only the values seen in the entries loaded so far (the backend does not list them): other
    /// values may exist, and the menu says so.
    pub seen_only: bool,
}

impl FacetValues {
    /// The values' texts, in order.
    pub fn texts(&self) -> Vec<&str> {
        self.values.iter().map(|v| v.text.as_str()).collect()
    }
}

fn colon(m: &Option<String>) -> String {
    m.as_ref()
        .map(|m| format!(": {}", m.trim_end_matches('.')))
        .unwrap_or_default()
}

/// What changed since the view's snapshot ([`DataSource::changes`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Entries matching the view's filters and search created after the snapshot: not shown
    /// until the user asks ("12 new entries").
    pub new: usize,
    /// Entries from before the snapshot that changed since (a status settling).
    pub changed: Vec<EntryId>,
    /// When the source answered: the next question's `since`.
    pub at: DateTime<Utc>,
}

/// One window of a query's result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Window {
    /// The entries at `offset..offset + entries.len()` of the result.
    pub entries: Vec<Entry>,
    pub offset: usize,
    /// Entries matching the query.
    pub total: usize,
    /// Entries in the date range before search and filters.
    pub in_range: usize,
    /// Entries the source could not read (shown, not dropped silently).
    pub rejected: Vec<EntryError>,
    /// When the source resolved "last N days" (the server's clock in HTTP mode).
    pub at: DateTime<Utc>,
    /// Company groups that did not answer; the other entries are still shown.
    pub unavailable: Vec<IntegrationProblem>,
}

/// Export progress, reported between chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// A source of report entries.
pub trait DataSource {
    /// A short description for the page ("Demo data (5,000 generated entries)").
    fn describe(&self) -> String;

    /// A line the page shows under its heading, about where the data comes from (the demo's:
    /// generated, nothing leaves the page).
    fn banner(&self) -> Option<&'static str> {
        None
    }

    /// How long the table waits for scrolling to pause before asking for the rows it reached
    /// (ms): a remote source is not asked for every block a fling passes. A source that has
    /// every row at hand answers at once.
    fn scroll_fetch_delay_ms(&self) -> u32 {
        60
    }

    /// The window `offset..offset + len` of the query's sorted result.
    fn fetch(
        &self,
        query: Query,
        offset: usize,
        len: usize,
    ) -> LocalBoxFuture<'_, Result<Window, SourceError>>;

    /// The entries at `range` of `query`'s result if the source has them at hand (an
    /// in-memory source whose result for that query is ready), so the table draws scrolled-to
    /// rows in the same frame instead of placeholders first. None means "ask with `fetch`".
    fn peek(&self, _query: &Query, _range: std::ops::Range<usize>) -> Option<Vec<Entry>> {
        None
    }

    /// Counts by status and syncs per hour for the summary strip.
    fn summary(&self, query: Query) -> LocalBoxFuture<'_, Result<Summary, SourceError>>;

    /// Known values of filter fields (one header filter's), for its menu, in the order of
    /// `fields`: each value with how many entries choosing it would give under the rest of
    /// `query`, where the source can count them ([`crate::model::facets`]).
    fn facet_values(
        &self,
        fields: &'static [FilterField],
        query: Query,
    ) -> LocalBoxFuture<'_, Result<Vec<FacetValues>, SourceError>>;

    /// What changed since `since` for `query` (auto-refresh): new entries matching it, and
    /// older entries that changed. A source without a way to tell answers
    /// [`SourceError::NotOffered`]; the page then refreshes the rows in view instead.
    fn changes(
        &self,
        query: Query,
        since: DateTime<Utc>,
    ) -> LocalBoxFuture<'_, Result<Changes, SourceError>>;

    /// An item's attempts: the newest of [`crate::model::history::query`]'s result and how
    /// many there are. Whatever the page's filters; the table's requests are not disturbed.
    fn history(&self, query: Query) -> LocalBoxFuture<'_, Result<History, SourceError>>;

    /// Entries by id (the selection's, for the resync confirmation and "download selected").
    fn entries(&self, ids: Vec<EntryId>) -> LocalBoxFuture<'_, Result<Vec<Entry>, SourceError>>;

    /// How many entries a selection holds.
    fn selection_count(&self, selection: &Selection) -> usize;

    /// The ids a selection holds ("all matching" may need the server to list them, or pages of
    /// the list to be read: `on_progress` hears how far that got).
    fn selection_ids<'a>(
        &'a self,
        selection: Selection,
        on_progress: Box<dyn FnMut(Progress) + 'a>,
    ) -> LocalBoxFuture<'a, Result<Vec<EntryId>, SourceError>>;

    /// Whether `id` is in the selection's "all matching" base (the selection's own sets say
    /// the rest: `crate::app::state::Selected`).
    fn in_selection_base(&self, selection: &Selection, id: EntryId) -> bool;

    /// Asks for a resync; every id gets an outcome.
    fn resync(
        &self,
        ids: Vec<EntryId>,
    ) -> LocalBoxFuture<'_, Result<Vec<ResyncOutcome>, SourceError>>;

    /// Applies changes that came due (the demo's simulated backend); returns whether any did.
    /// The page asks twice a second, whatever the source.
    fn poll(&self) -> bool {
        false
    }

    /// Work that can wait until the page's first rows are painted (the demo builds its search
    /// text here, which was half of building its store). The page calls it once, after them.
    fn after_first_rows(&self) {}

    /// The rows of a CSV export: every entry matching `query`, or only `ids` (in the table's
    /// order). [`crate::export::run`] drives it.
    fn export_rows<'a>(
        &'a self,
        query: Query,
        ids: Option<Vec<EntryId>>,
    ) -> LocalBoxFuture<'a, Result<Box<dyn ExportRows + 'a>, SourceError>>;
}

/// An export's rows, a step at a time: the source readies them (a page from the server, or the
/// next rows of a result held in memory) and writes them as CSV where the file is assembled.
pub trait ExportRows {
    /// Entries the file will hold.
    fn total(&self) -> usize;
    /// Entries written or skipped so far.
    fn done(&self) -> usize;
    /// Entries the source could not read: left out, and the user is told.
    fn skipped(&self) -> usize;
    /// Readies the next rows; false once every row has been written.
    fn ready(&mut self) -> LocalBoxFuture<'_, Result<bool, SourceError>>;
    /// Writes the rows readied through `writer` to `out`.
    fn write(&mut self, writer: &mut crate::export::csv::CsvWriter, out: &mut Vec<u8>);
    /// Stops what is under way (requests in flight); the export was cancelled or failed.
    fn stop(&mut self) {}
}
