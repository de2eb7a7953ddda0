//! Where the server's entries live, behind one trait ([`EntryStore`]) with three
//! implementations:
//!
//! - [`memory::MemoryStore`]: the demo's generated entries in the model's store (the default
//!   without `--db`: trying things out, fault injection, the fast tests);
//! - [`sql::SqlStore`] on SQLite (`--db sqlite:PATH`): one file, the embedded default;
//! - [`sql::SqlStore`] on PostgreSQL (`--db postgres://…`): several servers against one database.
//!
//! Every endpoint answers the same on all three: `server/tests/stores.rs` puts random entries
//! (hostile text included) into each and checks that random queries give the same JSON, with the
//! model's store (proven against naive references in `tests/model.rs`) as the oracle.

pub mod memory;
pub mod sql;

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sync_report::model::entry::{Entry, EntryId};
use sync_report::model::facets::FacetCounts;
use sync_report::model::query::Query;
use sync_report::model::resync::ResyncOutcome;
use sync_report::model::summary::Summary;
use sync_report::wire::PageRequest;

/// One page of a query's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    pub data: Vec<Entry>,
    /// Entries matching the query, over all pages.
    pub total: u64,
    /// Entries in the date range, before the search and the filters.
    pub in_range: u64,
    /// Every service entity held (`meta.available_entities`).
    pub available_entities: Vec<String>,
}

/// What `GET /sync-reports/ids` finds: the ids, or how many matched when that is over the limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ids {
    Listed(Vec<EntryId>),
    TooMany(u64),
}

/// A store that could not answer, with its cause kept in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The database cannot be reached now (down, restarting, every connection busy): worth
    /// retrying; the API answers 503 with `Retry-After`.
    Unavailable(String),
    /// Another process holds a lock on the database file: worth retrying, 503.
    Locked(String),
    /// Anything else: the API answers 500 with the cause.
    Failed(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(m) => write!(f, "The database is not reachable: {m}"),
            StoreError::Locked(m) => {
                write!(f, "The database is locked by another process: {m}")
            }
            StoreError::Failed(m) => write!(f, "The database failed: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What the server asks of its storage. `now` is read once per request by the caller and
/// handed to every call the request makes.
pub trait EntryStore: Send + Sync {
    /// One page of `q` (its filters, search, sort), leaving out the company groups in
    /// `without` (as if they had not answered: a fault the tests inject).
    fn page(
        &self,
        q: &Query,
        page: PageRequest,
        without: &[String],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Page>> + Send;

    /// Every header filter's values, each with what choosing it would give.
    fn facets(
        &self,
        q: &Query,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<FacetCounts>> + Send;

    /// The summary strip and the failure groups.
    fn summary(
        &self,
        q: &Query,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Summary>> + Send;

    /// Every matching id, in the query's order, unless more than `max` match.
    fn ids(
        &self,
        q: &Query,
        now: DateTime<Utc>,
        max: usize,
    ) -> impl Future<Output = Result<Ids>> + Send;

    /// The entries with these ids, in the order asked (unknown ids left out).
    fn lookup(&self, ids: &[EntryId]) -> impl Future<Output = Result<Vec<Entry>>> + Send;

    /// How many entries matching `q` were created after `since`, and the ids (lowest first, at
    /// most 1,000) of those created by `since` and updated after it.
    fn changes(
        &self,
        q: &Query,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(u64, Vec<EntryId>)>> + Send;

    /// Asks for a resync of each id; one outcome per id, in the order given.
    fn resync(
        &self,
        ids: &[EntryId],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<ResyncOutcome>>> + Send;

    /// Stores entries, replacing those with the same id, all or nothing.
    fn upsert(&self, entries: &[Entry]) -> impl Future<Output = Result<()>> + Send;

    /// Removes up to `batch` entries created before `cutoff`; how many it removed.
    fn purge_before(
        &self,
        cutoff: DateTime<Utc>,
        batch: usize,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Entries held.
    fn count(&self) -> impl Future<Output = Result<u64>> + Send;
}

/// The store a server runs on, chosen by `--db`.
pub enum Store {
    // Boxed: the demo backend is large, and a store is made once per server.
    Memory(Box<memory::MemoryStore>),
    Sql(sql::SqlStore),
}

impl Store {
    /// Opens (and creates, or migrates) the database at `url`: `sqlite:PATH` or
    /// `postgres://…`. A database written by a newer server is refused, in words.
    pub async fn open(url: &str, opts: &sql::OpenOptions) -> Result<Store> {
        sql::SqlStore::open(url, opts).await.map(Store::Sql)
    }

    /// What kind of store this is, for the start-up line and `/config.json`'s logs.
    pub fn describe(&self) -> String {
        match self {
            Store::Memory(_) => "generated entries in memory".to_string(),
            Store::Sql(s) => s.describe(),
        }
    }

    pub fn memory(&self) -> Option<&memory::MemoryStore> {
        match self {
            Store::Memory(m) => Some(m),
            Store::Sql(_) => None,
        }
    }

    pub fn sql(&self) -> Option<&sql::SqlStore> {
        match self {
            Store::Memory(_) => None,
            Store::Sql(s) => Some(s),
        }
    }
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Memory($s) => $e,
            Store::Sql($s) => $e,
        }
    };
}

impl EntryStore for Store {
    async fn page(
        &self,
        q: &Query,
        page: PageRequest,
        without: &[String],
        now: DateTime<Utc>,
    ) -> Result<Page> {
        dispatch!(self, s => s.page(q, page, without, now).await)
    }
    async fn facets(&self, q: &Query, now: DateTime<Utc>) -> Result<FacetCounts> {
        dispatch!(self, s => s.facets(q, now).await)
    }
    async fn summary(&self, q: &Query, now: DateTime<Utc>) -> Result<Summary> {
        dispatch!(self, s => s.summary(q, now).await)
    }
    async fn ids(&self, q: &Query, now: DateTime<Utc>, max: usize) -> Result<Ids> {
        dispatch!(self, s => s.ids(q, now, max).await)
    }
    async fn lookup(&self, ids: &[EntryId]) -> Result<Vec<Entry>> {
        dispatch!(self, s => s.lookup(ids).await)
    }
    async fn changes(
        &self,
        q: &Query,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<EntryId>)> {
        dispatch!(self, s => s.changes(q, since, now).await)
    }
    async fn resync(&self, ids: &[EntryId], now: DateTime<Utc>) -> Result<Vec<ResyncOutcome>> {
        dispatch!(self, s => s.resync(ids, now).await)
    }
    async fn upsert(&self, entries: &[Entry]) -> Result<()> {
        dispatch!(self, s => s.upsert(entries).await)
    }
    async fn purge_before(&self, cutoff: DateTime<Utc>, batch: usize) -> Result<u64> {
        dispatch!(self, s => s.purge_before(cutoff, batch).await)
    }
    async fn count(&self) -> Result<u64> {
        dispatch!(self, s => s.count().await)
    }
}

/// Retention: every `every`, entries created more than `days` days before the clock's now (0:
/// none) are removed, [`RETENTION_BATCH`] at a time (each batch its own short transaction, so
/// readers are never held up for long), then the store gives the space back (SQLite:
/// incremental vacuum and a WAL checkpoint); about hourly, the planner's statistics are
/// refreshed. Runs until the process ends.
pub async fn retain(
    store: std::sync::Arc<Store>,
    days: u32,
    every: Duration,
    clock: impl Fn() -> DateTime<Utc> + Send + 'static,
) {
    let mut rounds = 0u64;
    loop {
        if days > 0 {
            let cutoff = clock() - chrono::Duration::days(i64::from(days));
            match purge_all(&store, cutoff).await {
                Ok(0) => {}
                Ok(n) => eprintln!("retention: removed {n} entries created before {cutoff}"),
                Err(e) => eprintln!("retention: {e}; trying again later"),
            }
        }
        // The planner's statistics, about hourly (entries keep arriving).
        if rounds % (3600 / every.as_secs().clamp(1, 3600)) == 0 {
            if let Store::Sql(s) = &*store {
                if let Err(e) = s.analyze().await {
                    eprintln!("statistics: {e}; trying again later");
                }
            }
        }
        rounds += 1;
        tokio::time::sleep(every).await;
    }
}

/// Entries removed a batch at a time.
pub const RETENTION_BATCH: usize = 5_000;

/// Removes every entry created before `cutoff`, batch by batch, then reclaims the space.
pub async fn purge_all(store: &Store, cutoff: DateTime<Utc>) -> Result<u64> {
    let mut removed = 0;
    loop {
        let n = store.purge_before(cutoff, RETENTION_BATCH).await?;
        removed += n;
        if n < RETENTION_BATCH as u64 {
            break;
        }
        // Let readers in between batches.
        tokio::task::yield_now().await;
    }
    if removed > 0 {
        if let Store::Sql(s) = store {
            s.reclaim().await?;
        }
    }
    Ok(removed)
}
