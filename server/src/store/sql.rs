//! The stored backends: SQLite and PostgreSQL through sqlx, with one schema, one query builder
//! and one set of answers for both.
//!
//! How the model's rules are kept in SQL (each one a case of `server/tests/stores.rs`):
//! - every text a filter, sort or search compares is stored as bytes (`BLOB` / `bytea`), so
//!   equality is exact and order is byte order, which for UTF-8 is Rust's `str` order: no
//!   collation (PostgreSQL's default one sorts differently), and PostgreSQL, which refuses NUL
//!   in `text`, keeps it;
//! - case folding is Rust's `to_lowercase`, done here on write into `*_lc` columns (SQLite's
//!   `lower()` folds ASCII only), and a search is a byte-substring test (`instr`/`position`) on
//!   them: `%`, `_` and `\` are plain characters, never patterns;
//! - ids and Sync IDs are unsigned 64-bit: stored as `value XOR 2^63` in a signed BIGINT, which
//!   keeps their order;
//! - sort keys carry no NULLs (an absent value has its own key), so the two databases, which put
//!   NULLs at opposite ends, agree;
//! - every value is bound as a parameter: the SQL text holds only placeholders this module
//!   numbered itself.
//!
//! The entry itself is stored as its wire JSON (`body`), so what comes back is what went in.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row};
use sync_report::model::column::Column;
use sync_report::model::demo::{mark_resynced, settle, MAX_CHANGED};
use sync_report::model::entry::{failure_signature, Entry, EntryId, Status};
use sync_report::model::facets::FacetCounts;
use sync_report::model::query::{DateRange, Direction, FilterField, Query, SearchScope};
use sync_report::model::resync::{self, Refusal, ResyncOutcome, ResyncResult};
use sync_report::model::summary::{Builder, Summary, BUCKET_SECONDS};
use sync_report::wire::PageRequest;
use tokio::sync::OnceCell;

use super::{EntryStore, Ids, Page, Result, StoreError};

/// How a stored backend is opened.
#[derive(Clone, Debug)]
pub struct OpenOptions {
    /// Connections in the pool (per server process).
    pub max_connections: u32,
    /// How long a request waits for a connection before it is answered 503.
    pub acquire_timeout: Duration,
    /// How long SQLite waits for another process's lock before it gives up (503).
    pub busy_timeout: Duration,
    /// Resyncs are simulated (the entry becomes Pending, then OK or Failed a few seconds
    /// later, as the demo does) until the server can forward them to a platform.
    pub simulate_resyncs: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
            busy_timeout: Duration::from_secs(3),
            simulate_resyncs: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

pub struct SqlStore {
    pool: Pool,
    /// Where it is, for messages (a PostgreSQL URL without its password).
    location: String,
    /// Set once the schema has been checked and migrated: a database that is down at start is
    /// migrated when it first answers.
    ready: OnceCell<()>,
    opts: OpenOptions,
}

// ---- the schema -------------------------------------------------------------------------------

/// The schema versions this server knows, per database; applied in order by sqlx's migrator
/// (recorded in `_sqlx_migrations`).
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "entries",
        include_str!("../../migrations/sqlite/0001_entries.sql"),
    ),
    (
        2,
        "orders and counts",
        include_str!("../../migrations/sqlite/0002_orders_and_counts.sql"),
    ),
    (
        3,
        "search",
        include_str!("../../migrations/sqlite/0003_search.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "entries",
        include_str!("../../migrations/postgres/0001_entries.sql"),
    ),
    (
        2,
        "orders and counts",
        include_str!("../../migrations/postgres/0002_orders_and_counts.sql"),
    ),
    (
        3,
        "search",
        include_str!("../../migrations/postgres/0003_search.sql"),
    ),
];

/// The migrations compiled into this binary, as sqlx's migrator takes them.
#[derive(Debug)]
struct Embedded(&'static [(i64, &'static str, &'static str)]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> BoxFuture<'s, std::result::Result<Vec<Migration>, sqlx::error::BoxDynError>> {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|&(v, name, sql)| {
                    Migration::new(
                        v,
                        Cow::Borrowed(name),
                        MigrationType::Simple,
                        sqlx::SqlSafeStr::into_sql_str(sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The newest schema version this binary knows for `d`.
pub fn schema_version(d: Dialect) -> i64 {
    let m = match d {
        Dialect::Sqlite => SQLITE_MIGRATIONS,
        Dialect::Postgres => POSTGRES_MIGRATIONS,
    };
    m.iter().map(|m| m.0).max().unwrap_or(0)
}

/// The columns of `entries`, in the order [`keys`] gives their values.
const COLUMNS: [&str; 23] = [
    "id",
    "created_s",
    "created_ns",
    "upd_s",
    "upd_ns",
    "pend_s",
    "pend_ns",
    "status_key",
    "grp",
    "grp_lc",
    "entity",
    "entity_lc",
    "source",
    "source_lc",
    "dest",
    "dest_lc",
    "ref_raw",
    "ref_lc",
    "has_ref",
    "run_key",
    "run_text",
    "sig",
    "body",
];

/// Rows written by one INSERT (23 parameters each: under SQLite's 32,766 and PostgreSQL's
/// 65,535).
const ROWS_PER_INSERT: usize = 500;

/// A bound value.
#[derive(Clone, Debug)]
enum Arg {
    Int(i64),
    OptInt(Option<i64>),
    Bytes(Vec<u8>),
    OptBytes(Option<Vec<u8>>),
    Text(String),
}

/// An unsigned 64-bit number as a signed one in the same order.
fn ordered(v: u64) -> i64 {
    (v ^ (1 << 63)) as i64
}

fn unordered(v: i64) -> u64 {
    (v as u64) ^ (1 << 63)
}

/// A status as one byte string in the model's order (Ok < Sent < Pending < Failed < others by
/// their text).
fn status_key(s: &Status) -> Vec<u8> {
    match s {
        Status::Ok => vec![0],
        Status::Sent => vec![1],
        Status::Pending => vec![2],
        Status::Failed => vec![3],
        Status::Unknown(raw) => {
            let mut k = vec![4];
            k.extend_from_slice(raw.as_bytes());
            k
        }
    }
}

fn status_of_key(k: &[u8]) -> Status {
    match k.first() {
        Some(0) => Status::Ok,
        Some(1) => Status::Sent,
        Some(2) => Status::Pending,
        Some(3) => Status::Failed,
        _ => Status::Unknown(String::from_utf8_lossy(k.get(1..).unwrap_or(&[])).into()),
    }
}

fn lc(s: &str) -> Vec<u8> {
    s.to_lowercase().into_bytes()
}

fn split_time(t: DateTime<Utc>) -> (i64, i64) {
    (t.timestamp(), i64::from(t.timestamp_subsec_nanos()))
}

/// The values of [`COLUMNS`] for one entry.
fn keys(e: &Entry) -> std::result::Result<Vec<Arg>, StoreError> {
    let body = serde_json::to_vec(e).map_err(|err| StoreError::Failed(err.to_string()))?;
    let (cs, cns) = split_time(e.created_at);
    let upd = e.updated_at.map(split_time);
    let (ps, pns) = split_time(e.pending_since());
    let chain = &e.system_chain;
    let r = e.common_ref();
    Ok(vec![
        Arg::Int(ordered(e.id.0)),
        Arg::Int(cs),
        Arg::Int(cns),
        Arg::OptInt(upd.map(|u| u.0)),
        Arg::OptInt(upd.map(|u| u.1)),
        Arg::Int(ps),
        Arg::Int(pns),
        Arg::Bytes(status_key(&e.status)),
        Arg::Bytes(e.integration.name.as_bytes().to_vec()),
        Arg::Bytes(lc(&e.integration.name)),
        Arg::Bytes(e.entity.as_bytes().to_vec()),
        Arg::Bytes(lc(&e.entity)),
        Arg::Bytes(chain.source.as_bytes().to_vec()),
        Arg::Bytes(lc(&chain.source)),
        Arg::Bytes(chain.destination.as_bytes().to_vec()),
        Arg::Bytes(lc(&chain.destination)),
        Arg::OptBytes(r.map(|r| r.as_bytes().to_vec())),
        Arg::Bytes(r.map(lc).unwrap_or_default()),
        Arg::Int(i64::from(r.is_some())),
        // The model's Sync ID order: none first, then by value (the largest two tie).
        Arg::Int(ordered(e.last_run_id.map_or(0, |v| v.saturating_add(1)))),
        Arg::Bytes(
            e.last_run_id
                .map(|v| v.to_string().into_bytes())
                .unwrap_or_default(),
        ),
        Arg::OptBytes(failure_signature(e).map(String::into_bytes)),
        Arg::Bytes(body),
    ])
}

// ---- building queries -------------------------------------------------------------------------

/// SQL text with its parameters, numbered as they are added.
struct Sql {
    dialect: Dialect,
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn new(dialect: Dialect, text: &str) -> Sql {
        Sql {
            dialect,
            text: text.to_string(),
            args: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    /// Adds a parameter and its placeholder.
    fn arg(&mut self, a: Arg) -> &mut Self {
        self.args.push(a);
        let n = self.args.len();
        match self.dialect {
            // Anonymous: parameters are added in the order their placeholders appear. Numbered
            // ones (`?NNN`) cost a linear search per bound value in SQLite
            // (sqlite3_bind_parameter_name, 42% of an import's time in perf at 50 rows a
            // statement).
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => self.text.push_str(&format!("${n}")),
        }
        self
    }

    fn int(&mut self, v: i64) -> &mut Self {
        self.arg(Arg::Int(v))
    }

    fn bytes(&mut self, v: impl Into<Vec<u8>>) -> &mut Self {
        self.arg(Arg::Bytes(v.into()))
    }

    /// `col IN (…)` over byte strings.
    fn in_list(&mut self, col: &str, values: impl IntoIterator<Item = Vec<u8>>) -> &mut Self {
        self.push(col).push(" IN (");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bytes(v);
        }
        self.push(")")
    }

    /// Whether byte string `col` contains the next parameter.
    fn contains(&mut self, col: &str, needle: &[u8]) -> &mut Self {
        match self.dialect {
            Dialect::Sqlite => {
                self.push("instr(").push(col).push(", ");
                self.bytes(needle.to_vec()).push(") > 0")
            }
            Dialect::Postgres => {
                self.push("position(");
                self.bytes(needle.to_vec())
                    .push(" in ")
                    .push(col)
                    .push(") > 0")
            }
        }
    }
}

/// Which parts of a query a WHERE clause leaves out (the facets and the summary count "what
/// choosing this would give": without the field's own filter).
#[derive(Clone, Copy, Default)]
struct Except {
    field: Option<FilterField>,
    /// Leave out all five header-filter fields.
    all_fields: bool,
    failure: bool,
}

fn field_column(f: FilterField) -> &'static str {
    match f {
        FilterField::Status => "status_key",
        FilterField::CompanyGroup => "grp",
        FilterField::ServiceEntity => "entity",
        FilterField::SourceSystem => "source",
        FilterField::DestinationSystem => "dest",
    }
}

/// Appends ` WHERE …` for `q` at `now`: the model's `Store::filter_mask`, in SQL.
fn where_clause(sql: &mut Sql, q: &Query, now: DateTime<Utc>, except: Except, without: &[String]) {
    let (from, to) = q.range.bounds(now);
    sql.push(" WHERE created_s >= ");
    sql.int(from.timestamp()).push(" AND created_s <= ");
    sql.int(to.timestamp());
    search_clause(sql, q);
    let f = &q.filters;
    let skip: Vec<FilterField> = if except.all_fields {
        FilterField::ALL.to_vec()
    } else {
        except.field.into_iter().collect()
    };
    field_filters(sql, q, &skip);
    if let Some(g) = f.failure.as_ref().filter(|_| !except.failure) {
        sql.push(" AND sig = ");
        sql.bytes(g.as_bytes());
    }
    if f.stuck {
        stuck_clause(sql, now);
    }
    if let Some(r) = &f.reference {
        sql.push(" AND ref_raw = ");
        sql.bytes(r.as_bytes());
    }
    if !without.is_empty() {
        sql.push(" AND NOT ");
        sql.in_list("grp", without.iter().map(|g| g.as_bytes().to_vec()));
    }
}

/// ` AND col IN (…)` for each of the five header-filter fields with values chosen, but those in
/// `skip`.
fn field_filters(sql: &mut Sql, q: &Query, skip: &[FilterField]) {
    for field in FilterField::ALL {
        if skip.contains(&field) {
            continue;
        }
        let values = chosen_keys(q, field);
        if !values.is_empty() {
            sql.push(" AND ");
            sql.in_list(field_column(field), values);
        }
    }
}

/// The values chosen for a header-filter field, as its column stores them.
fn chosen_keys(q: &Query, field: FilterField) -> Vec<Vec<u8>> {
    let f = &q.filters;
    match field {
        FilterField::Status => f.status.iter().map(status_key).collect(),
        FilterField::CompanyGroup => bytes_of(&f.groups),
        FilterField::ServiceEntity => bytes_of(&f.entities),
        FilterField::SourceSystem => bytes_of(&f.sources),
        FilterField::DestinationSystem => bytes_of(&f.destinations),
    }
}

/// The hour (its first second) an entry was created in, as `counts_hourly` keys it.
const HOUR_OF_CREATED: &str = "created_s - (((created_s % 3600) + 3600) % 3600)";

/// Whether the hourly counts can answer for `q`: nothing beyond the range and the five
/// header-filter fields narrows it.
fn countable(q: &Query) -> bool {
    needle(q).is_none()
        && q.filters.failure.is_none()
        && !q.filters.stuck
        && q.filters.reference.is_none()
}

/// The range `[from_s, to_s]` split into whole hours `[a, b)` (answered by the hourly counts)
/// and the seconds at either edge (answered by the entries); None when no whole hour fits.
fn whole_hours(from_s: i64, to_s: i64) -> Option<(i64, i64)> {
    let a = from_s.div_euclid(3600) * 3600
        + if from_s.rem_euclid(3600) == 0 {
            0
        } else {
            3600
        };
    let b = (to_s + 1).div_euclid(3600) * 3600;
    (a < b).then_some((a, b))
}

fn bytes_of(set: &std::collections::BTreeSet<String>) -> Vec<Vec<u8>> {
    set.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// Pending for longer than the stuck threshold at `now` (`Entry::is_stuck`).
fn stuck_clause(sql: &mut Sql, now: DateTime<Utc>) {
    let cut = now - chrono::Duration::hours(sync_report::model::entry::STUCK_AFTER_HOURS);
    let (s, ns) = split_time(cut);
    sql.push(" AND status_key = ");
    sql.bytes(status_key(&Status::Pending))
        .push(" AND (pend_s < ");
    sql.int(s).push(" OR (pend_s = ");
    sql.int(s).push(" AND pend_ns < ");
    sql.int(ns).push("))");
}

/// The search term as the model compares it: trimmed, lower-cased, without control characters.
fn needle(q: &Query) -> Option<Vec<u8>> {
    if !q.search.is_active() {
        return None;
    }
    let n: String = q
        .search
        .needle()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    (!n.is_empty()).then(|| n.into_bytes())
}

/// The search: a byte-substring test of the lower-cased texts. In SQLite, a search of the
/// references or of the Sync IDs alone, for three characters or more, is first narrowed by the
/// trigram index (`entries_text`); the exact test then decides, so the index never changes
/// what matches. A search of every field is not: its test of the systems' names is an OR that
/// SQLite's planner answers by reading the whole range anyway (measured: no faster with the
/// index).
fn search_clause(sql: &mut Sql, q: &Query) {
    let Some(n) = needle(q) else {
        return;
    };
    let cols: &[&str] = match q.search.scope {
        SearchScope::All => &["ref_lc", "run_text", "source_lc", "dest_lc"],
        SearchScope::Reference => &["ref_lc"],
        SearchScope::SyncId => &["run_text"],
        SearchScope::System => &["source_lc", "dest_lc"],
    };
    let indexed = sql.dialect == Dialect::Sqlite
        && matches!(q.search.scope, SearchScope::Reference | SearchScope::SyncId)
        && String::from_utf8_lossy(&n).chars().count() >= 3;
    if indexed {
        let col = if q.search.scope == SearchScope::Reference {
            "ref"
        } else {
            "run"
        };
        let phrase = String::from_utf8_lossy(&n).replace('"', "\"\"");
        sql.push(" AND id IN (SELECT rowid FROM entries_text WHERE entries_text MATCH ");
        sql.arg(Arg::Text(format!("{col} : \"{phrase}\"")));
        sql.push(")");
    }
    sql.push(" AND (");
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.contains(c, &n);
    }
    sql.push(")");
}

/// ` ORDER BY …` for the query's sort: the model's orders, ties by id in the same direction.
fn order_clause(sql: &mut Sql, q: &Query) {
    let keys: &[&str] = match q.sort.column {
        Column::Status => &["status_key"],
        Column::CompanyGroup => &["grp_lc", "grp"],
        Column::ServiceEntity => &["entity_lc", "entity"],
        Column::Systems => &["source_lc", "source", "dest_lc", "dest"],
        Column::SyncId => &["run_key"],
        // No reference sorts before an empty one.
        Column::Reference => &["ref_lc", "has_ref"],
        _ => &["created_s"],
    };
    let dir = match q.sort.direction {
        Direction::Asc => " ASC",
        Direction::Desc => " DESC",
    };
    sql.push(" ORDER BY ");
    for k in keys.iter().chain(std::iter::once(&"id")) {
        sql.push(k).push(dir).push(", ");
    }
    sql.text.truncate(sql.text.len() - 2);
}

// ---- reading rows -----------------------------------------------------------------------------

/// One value read back.
#[derive(Clone, Debug)]
enum Cell {
    Null,
    Int(i64),
    Bytes(Vec<u8>),
}

impl Cell {
    fn int(&self) -> i64 {
        match self {
            Cell::Int(v) => *v,
            _ => 0,
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Cell::Bytes(b) => b,
            _ => &[],
        }
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }
}

/// Counts keyed by a group's values (and hour): what [`SqlStore::counted`] answers.
type Counted = HashMap<Vec<Vec<u8>>, (i64, u64)>;

/// Failure groups being counted: per signature, the count and the counts by system chain.
type GroupCounts = HashMap<Vec<u8>, (u64, Vec<(String, u64)>)>;

/// What a column read back is.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    Bytes,
}

fn db_error(e: sqlx::Error) -> StoreError {
    use sqlx::Error as E;
    match &e {
        E::PoolTimedOut => StoreError::Unavailable(
            "no database connection was free in time (the database is slow or down)".into(),
        ),
        E::Io(_) | E::Tls(_) | E::PoolClosed | E::WorkerCrashed | E::Protocol(_) => {
            StoreError::Unavailable(e.to_string())
        }
        E::Database(d) => {
            let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
            match code.as_str() {
                // SQLITE_BUSY, SQLITE_LOCKED (and their extended codes).
                c if c == "5"
                    || c == "6"
                    || c.parse::<i64>()
                        .is_ok_and(|n| n & 0xff == 5 || n & 0xff == 6) =>
                {
                    StoreError::Locked(d.message().to_string())
                }
                // SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_READONLY.
                c if c == "14"
                    || c == "10"
                    || c == "8"
                    || c.parse::<i64>()
                        .is_ok_and(|n| matches!(n & 0xff, 8 | 10 | 14)) =>
                {
                    StoreError::Unavailable(d.message().to_string())
                }
                // PostgreSQL: connection exceptions, shutting down, starting up.
                c if c.starts_with("08") || c == "57P01" || c == "57P02" || c == "57P03" => {
                    StoreError::Unavailable(d.message().to_string())
                }
                _ => StoreError::Failed(d.message().to_string()),
            }
        }
        _ => StoreError::Failed(e.to_string()),
    }
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::OptInt(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.clone()),
                Arg::OptBytes(v) => q.bind(v.clone()),
                Arg::Text(v) => q.bind(v.clone()),
            };
        }
        q
    }};
}

macro_rules! read_rows {
    ($rows:expr, $kinds:expr) => {{
        let mut out = Vec::with_capacity($rows.len());
        for r in &$rows {
            let mut cells = Vec::with_capacity($kinds.len());
            for (i, k) in $kinds.iter().enumerate() {
                let c = match k {
                    Kind::Int => r
                        .try_get::<Option<i64>, _>(i)
                        .map_err(db_error)?
                        .map_or(Cell::Null, Cell::Int),
                    Kind::Bytes => r
                        .try_get::<Option<Vec<u8>>, _>(i)
                        .map_err(db_error)?
                        .map_or(Cell::Null, Cell::Bytes),
                };
                cells.push(c);
            }
            out.push(cells);
        }
        out
    }};
}

fn parse_body(b: &[u8]) -> Result<Entry> {
    serde_json::from_slice(b)
        .map_err(|e| StoreError::Failed(format!("a stored entry could not be read: {e}")))
}

impl SqlStore {
    /// Opens the database at `url` (`sqlite:PATH`, `sqlite://PATH`, `postgres://…`,
    /// `postgresql://…`). The connection is made lazily: a database that is down now is
    /// reached (and its schema checked) when it first answers.
    pub async fn open(url: &str, opts: &OpenOptions) -> Result<SqlStore> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let o = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Failed(format!("{url} is not a PostgreSQL URL: {e}")))?;
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .connect_lazy_with(o),
            )
        } else if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::Failed(
                    "sqlite: needs a file path (sqlite:PATH)".into(),
                ));
            }
            let o = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                // Set before the first table: deletes then give pages back (`reclaim`).
                .auto_vacuum(SqliteAutoVacuum::Incremental)
                .journal_mode(SqliteJournalMode::Wal)
                // Every acknowledged write is on disk before the answer goes out.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(opts.busy_timeout)
                // 64 MiB of page cache a connection (the default is 2 MiB): the sort and filter
                // indexes' pages stay in memory while an import writes them.
                .pragma("cache_size", "-65536")
                .foreign_keys(true);
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(opts.acquire_timeout)
                    .connect_lazy_with(o),
            )
        } else {
            return Err(StoreError::Failed(format!(
                "--db {url}: expected sqlite:PATH or postgres://USER@HOST/DATABASE"
            )));
        };
        let location = match &pool {
            Pool::Postgres(_) => redact(url),
            Pool::Sqlite(_) => url.to_string(),
        };
        Ok(SqlStore {
            pool,
            location,
            ready: OnceCell::new(),
            opts: opts.clone(),
        })
    }

    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn describe(&self) -> String {
        match self.dialect() {
            Dialect::Sqlite => format!("SQLite at {}", self.location),
            Dialect::Postgres => format!("PostgreSQL at {}", self.location),
        }
    }

    /// Checks the schema and migrates it, once; a database written by a newer server is
    /// refused in words (and asked again at the next request, as any failure).
    pub async fn ready(&self) -> Result<()> {
        self.ready
            .get_or_try_init(|| self.migrate())
            .await
            .map(|_| ())
    }

    async fn migrate(&self) -> Result<()> {
        let ours = schema_version(self.dialect());
        let theirs = self.applied_version().await?;
        if theirs > ours {
            return Err(StoreError::Failed(format!(
                "{} has schema version {theirs}, newer than this server understands \
                 (version {ours}): upgrade sync-report-server, or point it at another database",
                self.describe()
            )));
        }
        let source = Embedded(match self.dialect() {
            Dialect::Sqlite => SQLITE_MIGRATIONS,
            Dialect::Postgres => POSTGRES_MIGRATIONS,
        });
        let migrator = Migrator::new(source)
            .await
            .map_err(|e| StoreError::Failed(e.to_string()))?;
        let r = match &self.pool {
            Pool::Sqlite(p) => migrator.run(p).await,
            Pool::Postgres(p) => migrator.run(p).await,
        };
        r.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(e) => db_error(e),
            other => StoreError::Failed(format!("migrating {}: {other}", self.describe())),
        })
    }

    /// The newest schema version recorded in the database (0 for a new one).
    async fn applied_version(&self) -> Result<i64> {
        let exists = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Dialect::Postgres => "SELECT count(*) FROM pg_tables WHERE tablename = '_sqlx_migrations' AND schemaname = current_schema()",
        };
        let n = self.raw_scalar(exists).await?;
        if n == 0 {
            return Ok(0);
        }
        self.raw_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success")
            .await
    }

    async fn raw_scalar(&self, sql: &'static str) -> Result<i64> {
        let v: i64 = match &self.pool {
            Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
            Pool::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        }
        .map_err(db_error)?;
        Ok(v)
    }

    async fn rows(&self, sql: &Sql, kinds: &[Kind]) -> Result<Vec<Vec<Cell>>> {
        self.ready().await?;
        let text = AssertSqlSafe(sql.text.clone());
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let q = bind_all!(sqlx::query(text), &sql.args);
                let rows = q.fetch_all(p).await.map_err(db_error)?;
                read_rows!(rows, kinds)
            }
            Pool::Postgres(p) => {
                let q = bind_all!(sqlx::query(text), &sql.args);
                let rows = q.fetch_all(p).await.map_err(db_error)?;
                read_rows!(rows, kinds)
            }
        })
    }

    async fn scalar(&self, sql: &Sql) -> Result<i64> {
        Ok(self
            .rows(sql, &[Kind::Int])
            .await?
            .first()
            .map_or(0, |r| r[0].int()))
    }

    /// Runs statements in one transaction: all of them, or none.
    async fn transaction(&self, stmts: &[Sql]) -> Result<u64> {
        self.ready().await?;
        let mut affected = 0;
        macro_rules! run {
            ($p:expr) => {{
                let mut tx = $p.begin().await.map_err(db_error)?;
                for s in stmts {
                    let q = bind_all!(sqlx::query(AssertSqlSafe(s.text.clone())), &s.args);
                    affected += q.execute(&mut *tx).await.map_err(db_error)?.rows_affected();
                }
                tx.commit().await.map_err(db_error)?;
            }};
        }
        match &self.pool {
            Pool::Sqlite(p) => run!(p),
            Pool::Postgres(p) => run!(p),
        }
        Ok(affected)
    }

    fn sql(&self, text: &str) -> Sql {
        Sql::new(self.dialect(), text)
    }

    /// The INSERT … ON CONFLICT statements storing `entries` (later ones win within a batch).
    fn upsert_statements(&self, entries: &[Entry]) -> Result<Vec<Sql>> {
        let mut last: HashMap<EntryId, usize> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            last.insert(e.id, i);
        }
        let unique: Vec<&Entry> = entries
            .iter()
            .enumerate()
            .filter(|(i, e)| last.get(&e.id) == Some(i))
            .map(|(_, e)| e)
            .collect();
        let mut out = Vec::new();
        for chunk in unique.chunks(ROWS_PER_INSERT) {
            let mut s = self.sql("INSERT INTO entries (");
            s.push(&COLUMNS.join(", ")).push(") VALUES ");
            for (i, e) in chunk.iter().enumerate() {
                if i > 0 {
                    s.push(", ");
                }
                s.push("(");
                for (j, a) in keys(e)?.into_iter().enumerate() {
                    if j > 0 {
                        s.push(", ");
                    }
                    s.arg(a);
                }
                s.push(")");
            }
            s.push(" ON CONFLICT (id) DO UPDATE SET ");
            let sets: Vec<String> = COLUMNS[1..]
                .iter()
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            s.push(&sets.join(", "));
            out.push(s);
        }
        Ok(out)
    }

    /// The index SQLite should walk for a page of `q`: its sort order's, when nothing but the
    /// range narrows it. SQLite's planner otherwise reads the whole range and sorts it (about
    /// 140 ms for five days at a million entries), where walking the sort index stops after
    /// the page (under 1 ms for page 1). With filters or a search, the planner's own choice
    /// (a filter's index, then a sort of what it found) is the better one. PostgreSQL's
    /// planner makes this choice itself.
    fn sort_index(&self, q: &Query) -> Option<&'static str> {
        if self.dialect() != Dialect::Sqlite || needle(q).is_some() || !q.filters.is_empty() {
            return None;
        }
        match q.sort.column {
            Column::Status => Some("entries_by_status"),
            Column::CompanyGroup => Some("entries_by_group"),
            Column::ServiceEntity => Some("entries_by_entity"),
            Column::Systems => Some("entries_by_systems"),
            Column::SyncId => Some("entries_by_run"),
            Column::Reference => Some("entries_by_ref"),
            _ => None,
        }
    }

    /// Brings the planner's statistics up to date (after an import, and hourly): SQLite's
    /// `ANALYZE` on a sample (`analysis_limit`), PostgreSQL's `ANALYZE`.
    pub async fn analyze(&self) -> Result<()> {
        self.ready().await?;
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::raw_sql("PRAGMA analysis_limit = 2000; ANALYZE")
                    .execute(p)
                    .await
                    .map_err(db_error)?;
            }
            Pool::Postgres(p) => {
                sqlx::raw_sql("ANALYZE entries; ANALYZE counts_hourly")
                    .execute(p)
                    .await
                    .map_err(db_error)?;
            }
        }
        Ok(())
    }

    /// Gives the space of removed entries back: SQLite's incremental vacuum and a WAL
    /// checkpoint that truncates the log (PostgreSQL's autovacuum does this on its own).
    pub async fn reclaim(&self) -> Result<()> {
        // Hours whose entries are all gone.
        self.transaction(&[self.sql("DELETE FROM counts_hourly WHERE n <= 0")])
            .await?;
        if let Pool::Sqlite(p) = &self.pool {
            sqlx::query("PRAGMA incremental_vacuum")
                .execute(p)
                .await
                .map_err(db_error)?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    /// Removes every entry (the tests start each case from an empty store this way).
    pub async fn clear(&self) -> Result<()> {
        let stmts = [
            self.sql("DELETE FROM entries"),
            self.sql("DELETE FROM resync_schedule"),
        ];
        self.transaction(&stmts).await.map(|_| ())
    }

    /// Bytes the database takes on disk (SQLite: the file and its WAL; PostgreSQL: the
    /// entries table with its indexes and TOAST).
    pub async fn disk_bytes(&self) -> Result<u64> {
        match &self.pool {
            Pool::Sqlite(_) => {
                let path = self
                    .location
                    .trim_start_matches("sqlite:")
                    .trim_start_matches("//");
                let len = |p: String| std::fs::metadata(p).map_or(0, |m| m.len());
                Ok(len(path.to_string()) + len(format!("{path}-wal")))
            }
            Pool::Postgres(_) => {
                let s = self.sql("SELECT pg_total_relation_size('entries')::bigint");
                Ok(self.scalar(&s).await? as u64)
            }
        }
    }

    async fn entries_by_ids(&self, ids: &[EntryId]) -> Result<HashMap<EntryId, Entry>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(ROWS_PER_INSERT) {
            let mut s = self.sql("SELECT body FROM entries WHERE id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    s.push(", ");
                }
                s.int(ordered(id.0));
            }
            s.push(")");
            for r in self.rows(&s, &[Kind::Bytes]).await? {
                let e = parse_body(r[0].bytes())?;
                out.insert(e.id, e);
            }
        }
        Ok(out)
    }

    /// Every service entity held, in the menus' order.
    async fn entities(&self) -> Result<Vec<String>> {
        self.values(FilterField::ServiceEntity).await
    }

    /// The distinct values of a filter field that entries hold now, in the menus' order
    /// (`Store::values`): statuses in their order, names by lower-cased text then text, empty
    /// names left out.
    async fn values(&self, field: FilterField) -> Result<Vec<String>> {
        let col = field_column(field);
        // A loose index scan: one index seek per distinct value (a few dozen), where DISTINCT
        // reads every index entry (PostgreSQL has no skip scan).
        let s = self.sql(&format!(
            "WITH RECURSIVE v(x) AS (SELECT (SELECT {col} FROM entries ORDER BY {col} LIMIT 1) \
             UNION ALL SELECT (SELECT {col} FROM entries WHERE {col} > v.x ORDER BY {col} LIMIT 1) \
             FROM v WHERE v.x IS NOT NULL) SELECT x FROM v WHERE x IS NOT NULL"
        ));
        let mut v: Vec<Vec<u8>> = self
            .rows(&s, &[Kind::Bytes])
            .await?
            .into_iter()
            .map(|r| r[0].bytes().to_vec())
            .collect();
        if field == FilterField::Status {
            v.sort();
            return Ok(v
                .iter()
                .map(|k| status_of_key(k).api_value().to_string())
                .collect());
        }
        let mut names: Vec<String> = v
            .into_iter()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .filter(|n| !n.is_empty())
            .collect();
        names.sort_by_cached_key(|n| (n.to_lowercase(), n.clone()));
        Ok(names)
    }

    /// Entries matching `q` counted by `cols` (columns both `entries` and `counts_hourly` have),
    /// and first by the hour they were created in when `by_hour`: every row is the group's
    /// values then its count. The header-filter fields in `skip` are not applied. When only the
    /// range and those fields narrow `q`, whole hours come from the hourly counts and only the
    /// range's edges from the entries; otherwise from the entries.
    async fn counted(
        &self,
        q: &Query,
        now: DateTime<Utc>,
        cols: &[&str],
        by_hour: bool,
        skip: &[FilterField],
    ) -> Result<Counted> {
        let (from, to) = q.range.bounds(now);
        let (from_s, to_s) = (from.timestamp(), to.timestamp());
        let list = cols.join(", ");
        let select = |hour: &str, count: &str| {
            let h = if by_hour {
                format!("{hour}, ")
            } else {
                String::new()
            };
            let l = if cols.is_empty() {
                String::new()
            } else {
                format!("{list}, ")
            };
            format!("SELECT {h}{l}{count}")
        };
        let group = |s: &mut Sql| {
            let n = cols.len() + usize::from(by_hour);
            if n == 0 {
                return;
            }
            let keys: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            s.push(" GROUP BY ").push(&keys.join(", "));
        };
        let mut queries = Vec::new();
        match whole_hours(from_s, to_s).filter(|_| countable(q)) {
            Some((a, b)) => {
                let mut s = self.sql(&select("hour_s", "CAST(sum(n) AS BIGINT)"));
                s.push(" FROM counts_hourly WHERE hour_s >= ");
                s.int(a).push(" AND hour_s < ");
                s.int(b);
                field_filters(&mut s, q, skip);
                group(&mut s);
                queries.push(s);
                let mut s = self.sql(&select(HOUR_OF_CREATED, "count(*)"));
                s.push(" FROM entries WHERE ((created_s >= ");
                s.int(from_s).push(" AND created_s < ");
                s.int(a).push(") OR (created_s >= ");
                s.int(b).push(" AND created_s <= ");
                s.int(to_s).push("))");
                field_filters(&mut s, q, skip);
                group(&mut s);
                queries.push(s);
            }
            None => {
                let mut s = self.sql(&select(HOUR_OF_CREATED, "count(*)"));
                s.push(" FROM entries");
                let fields_q = Query {
                    filters: sync_report::model::query::Filters {
                        status: Default::default(),
                        groups: Default::default(),
                        entities: Default::default(),
                        sources: Default::default(),
                        destinations: Default::default(),
                        ..q.filters.clone()
                    },
                    ..q.clone()
                };
                where_clause(&mut s, &fields_q, now, Except::default(), &[]);
                field_filters(&mut s, q, skip);
                group(&mut s);
                queries.push(s);
            }
        }
        let mut kinds = Vec::new();
        if by_hour {
            kinds.push(Kind::Int);
        }
        kinds.extend(cols.iter().map(|_| Kind::Bytes));
        kinds.push(Kind::Int);
        let mut out: Counted = HashMap::new();
        for s in &queries {
            for r in self.rows(s, &kinds).await? {
                let hour = if by_hour { r[0].int() } else { 0 };
                let first = usize::from(by_hour);
                let mut key: Vec<Vec<u8>> = r[first..first + cols.len()]
                    .iter()
                    .map(|c| c.bytes().to_vec())
                    .collect();
                if by_hour {
                    key.push(hour.to_be_bytes().to_vec());
                }
                let n = r[first + cols.len()].int().max(0) as u64;
                out.entry(key).or_insert((hour, 0)).1 += n;
            }
        }
        Ok(out)
    }

    /// How many entries match `q` (leaving out the groups in `without`): from the hourly counts
    /// when they can answer, exact all the same (`meta.total` is never an estimate).
    async fn count_matching(
        &self,
        q: &Query,
        now: DateTime<Utc>,
        without: &[String],
    ) -> Result<u64> {
        if without.is_empty() && countable(q) {
            let c = self.counted(q, now, &[], false, &[]).await?;
            return Ok(c.values().map(|v| v.1).sum());
        }
        let mut s = self.sql("SELECT count(*) FROM entries");
        where_clause(&mut s, q, now, Except::default(), without);
        Ok(self.scalar(&s).await? as u64)
    }

    /// Applies the simulated resync outcomes due by `now` (see [`OpenOptions::simulate_resyncs`]).
    /// Each due row is claimed by deleting it, so several servers never apply one twice.
    async fn advance(&self, now: DateTime<Utc>) -> Result<()> {
        if !self.opts.simulate_resyncs {
            return Ok(());
        }
        let mut s = self.sql("DELETE FROM resync_schedule WHERE due_ms <= ");
        s.int(now.timestamp_millis())
            .push(" RETURNING id, due_ms, to_ok");
        let due = self.rows(&s, &[Kind::Int, Kind::Int, Kind::Int]).await?;
        if due.is_empty() {
            return Ok(());
        }
        let ids: Vec<EntryId> = due.iter().map(|r| EntryId(unordered(r[0].int()))).collect();
        let mut found = self.entries_by_ids(&ids).await?;
        let mut changed = Vec::new();
        for r in &due {
            let id = EntryId(unordered(r[0].int()));
            if let Some(mut e) = found.remove(&id) {
                let at = DateTime::from_timestamp_millis(r[1].int()).unwrap_or(now);
                settle(&mut e, at, r[2].int() != 0);
                changed.push(e);
            }
        }
        let stmts = self.upsert_statements(&changed)?;
        self.transaction(&stmts).await?;
        Ok(())
    }
}

/// A PostgreSQL URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl EntryStore for SqlStore {
    async fn page(
        &self,
        q: &Query,
        page: PageRequest,
        without: &[String],
        now: DateTime<Utc>,
    ) -> Result<Page> {
        self.advance(now).await?;
        let total = self.count_matching(q, now, without).await?;
        let in_range = if q.filters.is_empty() && needle(q).is_none() {
            // Nothing but the range narrows it: the same count.
            total
        } else {
            let range_only = Query {
                range: q.range.clone(),
                ..Query::default()
            };
            self.count_matching(&range_only, now, without).await?
        };
        // The ids of the page first (an index scan), then their bodies: a deep page skips
        // index entries, not rows.
        let mut ids = self.sql("SELECT id FROM entries");
        if let Some(index) = self.sort_index(q) {
            ids.push(" INDEXED BY ").push(index);
        }
        where_clause(&mut ids, q, now, Except::default(), without);
        order_clause(&mut ids, q);
        let per_page = page.per_page.min(i64::MAX as u64) as i64;
        let offset = (page.page.saturating_sub(1))
            .saturating_mul(page.per_page)
            .min(i64::MAX as u64) as i64;
        ids.push(" LIMIT ");
        ids.int(per_page).push(" OFFSET ");
        ids.int(offset);
        let page_ids: Vec<EntryId> = self
            .rows(&ids, &[Kind::Int])
            .await?
            .iter()
            .map(|r| EntryId(unordered(r[0].int())))
            .collect();
        let mut found = self.entries_by_ids(&page_ids).await?;
        let data = page_ids.iter().filter_map(|id| found.remove(id)).collect();
        Ok(Page {
            data,
            total,
            in_range,
            available_entities: self.entities().await?,
        })
    }

    async fn facets(&self, q: &Query, now: DateTime<Utc>) -> Result<FacetCounts> {
        self.advance(now).await?;
        // Every combination of the five fields under the range, the search and the other
        // filters, in one pass; then, as the model does, a combination failing no field's
        // filter counts for every field, one failing exactly one counts for that field alone.
        let cols: Vec<&str> = FilterField::ALL.iter().map(|&f| field_column(f)).collect();
        let combos = self
            .counted(q, now, &cols, false, &FilterField::ALL)
            .await?;
        let allowed: [Option<std::collections::HashSet<Vec<u8>>>; 5] =
            FilterField::ALL.map(|field| {
                let v = chosen_keys(q, field);
                (!v.is_empty()).then(|| v.into_iter().collect())
            });
        let mut counts: [HashMap<Vec<u8>, u64>; 5] = Default::default();
        for (key, (_, n)) in &combos {
            let failing: Vec<usize> = (0..5)
                .filter(|&i| allowed[i].as_ref().is_some_and(|a| !a.contains(&key[i])))
                .collect();
            match failing.as_slice() {
                [] => {
                    for i in 0..5 {
                        *counts[i].entry(key[i].clone()).or_default() += n;
                    }
                }
                [one] => *counts[*one].entry(key[*one].clone()).or_default() += n,
                _ => {}
            }
        }
        let mut fields: [Vec<(String, u64)>; 5] = Default::default();
        for field in FilterField::ALL {
            let i = field.index();
            fields[i] = self
                .values(field)
                .await?
                .into_iter()
                .map(|v| {
                    let key = match field {
                        FilterField::Status => status_key(&Status::parse(&v)),
                        _ => v.as_bytes().to_vec(),
                    };
                    let n = counts[i].get(&key).copied().unwrap_or(0);
                    (v, n)
                })
                .collect();
        }
        Ok(FacetCounts::new(fields))
    }

    async fn summary(&self, q: &Query, now: DateTime<Utc>) -> Result<Summary> {
        self.advance(now).await?;
        let mut b = Builder::new(q, now);
        let no_status = Except {
            field: Some(FilterField::Status),
            ..Except::default()
        };
        // Counts by status (every filter but the status one) and the chart (the whole query,
        // by status and hour from the chart's start, which is a whole hour).
        let by_status = self
            .counted(q, now, &["status_key"], true, &[FilterField::Status])
            .await?;
        let (start, buckets) = Summary::buckets(q, now);
        let mut totals: HashMap<Vec<u8>, u64> = HashMap::new();
        let mut series: Vec<(Vec<u8>, Vec<u32>)> = Vec::new();
        let status_ok = |k: &[u8]| {
            q.filters.status.is_empty() || q.filters.status.iter().any(|s| status_key(s) == k)
        };
        let mut rows: Vec<_> = by_status.iter().collect();
        rows.sort();
        for (key, &(hour, n)) in rows {
            let k = &key[0];
            *totals.entry(k.clone()).or_default() += n;
            if !status_ok(k) {
                continue;
            }
            let i = (hour - start.timestamp()).div_euclid(BUCKET_SECONDS);
            if i < 0 || i as usize >= buckets {
                continue;
            }
            let p = match series.iter().position(|(s, _)| s == k) {
                Some(p) => p,
                None => {
                    series.push((k.clone(), vec![0; buckets]));
                    series.len() - 1
                }
            };
            series[p].1[i as usize] += n as u32;
        }
        let mut totals: Vec<(Vec<u8>, u64)> = totals.into_iter().collect();
        totals.sort();
        for (k, n) in totals {
            if n > 0 {
                b.count_statuses(&status_of_key(&k), n);
            }
        }
        for (k, counts) in &series {
            b.add_series(&status_of_key(k), counts);
        }
        // Stuck: every filter but the status one.
        let mut s = self.sql("SELECT count(*) FROM entries");
        where_clause(&mut s, q, now, no_status, &[]);
        stuck_clause(&mut s, now);
        b.count_stuck_n(self.scalar(&s).await? as u64);
        // Failure groups: every filter but the status and failure ones. The newest of each group
        // by creation time then id, and the systems each group spans.
        let no_status_failure = Except {
            field: Some(FilterField::Status),
            failure: true,
            ..Except::default()
        };
        // The groups' counts by systems in one pass over the failures (the index on sig).
        let mut s = self.sql("SELECT sig, source, dest, count(*) FROM entries");
        where_clause(&mut s, q, now, no_status_failure, &[]);
        s.push(" AND sig IS NOT NULL GROUP BY sig, source, dest");
        let mut groups: GroupCounts = HashMap::new();
        for r in self
            .rows(&s, &[Kind::Bytes, Kind::Bytes, Kind::Bytes, Kind::Int])
            .await?
        {
            let chain = sync_report::model::entry::SystemChain::new(r[1].text(), r[2].text());
            let n = r[3].int() as u64;
            let g = groups.entry(r[0].bytes().to_vec()).or_default();
            g.0 += n;
            g.1.push((chain.to_string(), n));
        }
        // Only the groups that can be among those listed need their newest failure (the
        // order's tie-break, and the example shown): every group above the last listed one's
        // count, and every group at it.
        let mut by_count: Vec<u64> = groups.values().map(|g| g.0).collect();
        by_count.sort_unstable_by(|a, b| b.cmp(a));
        let cut = by_count
            .get(sync_report::model::summary::MAX_GROUPS - 1)
            .copied()
            .unwrap_or(0);
        for (sig, (count, systems)) in groups.into_iter().filter(|(_, g)| g.0 >= cut) {
            let mut s = self.sql("SELECT body FROM entries");
            where_clause(&mut s, q, now, no_status_failure, &[]);
            s.push(" AND sig = ");
            s.bytes(sig.clone());
            s.push(" ORDER BY created_s DESC, created_ns DESC, id DESC LIMIT 1");
            let Some(row) = self.rows(&s, &[Kind::Bytes]).await?.into_iter().next() else {
                continue;
            };
            let newest = parse_body(row[0].bytes())?;
            b.add_failure_group(&String::from_utf8_lossy(&sig), count, &newest, systems);
        }
        Ok(b.finish())
    }

    async fn ids(&self, q: &Query, now: DateTime<Utc>, max: usize) -> Result<Ids> {
        self.advance(now).await?;
        let n = self.count_matching(q, now, &[]).await?;
        if n > max as u64 {
            return Ok(Ids::TooMany(n));
        }
        let mut s = self.sql("SELECT id FROM entries");
        where_clause(&mut s, q, now, Except::default(), &[]);
        order_clause(&mut s, q);
        Ok(Ids::Listed(
            self.rows(&s, &[Kind::Int])
                .await?
                .iter()
                .map(|r| EntryId(unordered(r[0].int())))
                .collect(),
        ))
    }

    async fn lookup(&self, ids: &[EntryId]) -> Result<Vec<Entry>> {
        let found = self.entries_by_ids(ids).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
    }

    async fn changes(
        &self,
        q: &Query,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(u64, Vec<EntryId>)> {
        self.advance(now).await?;
        let (from, to) = q.range.bounds(now);
        let from = from.max(since + chrono::Duration::milliseconds(1));
        let new = if from > to {
            0
        } else {
            let nq = Query {
                range: DateRange::Between { from, to },
                ..q.clone()
            };
            self.count_matching(&nq, now, &[]).await?
        };
        let (ss, sns) = split_time(since);
        // `upd_s >= since` first, alone: the index on upd_s answers it, and few entries change
        // after a snapshot.
        let mut s = self.sql("SELECT id FROM entries WHERE upd_s >= ");
        s.int(ss).push(" AND (upd_s > ");
        s.int(ss).push(" OR upd_ns > ");
        s.int(sns).push(") AND (created_s < ");
        s.int(ss).push(" OR (created_s = ");
        s.int(ss).push(" AND created_ns <= ");
        // `+id`: sorted after the fact, so that SQLite does not walk every row in id order.
        s.int(sns).push(")) ORDER BY +id LIMIT ");
        s.int(MAX_CHANGED as i64);
        let changed = self
            .rows(&s, &[Kind::Int])
            .await?
            .iter()
            .map(|r| EntryId(unordered(r[0].int())))
            .collect();
        Ok((new, changed))
    }

    async fn resync(&self, ids: &[EntryId], now: DateTime<Utc>) -> Result<Vec<ResyncOutcome>> {
        self.advance(now).await?;
        let mut found = self.entries_by_ids(ids).await?;
        let mut out = Vec::with_capacity(ids.len());
        let mut stmts = Vec::new();
        let mut changed = Vec::new();
        let mut rng = fastrand::Rng::new();
        for &id in ids {
            let result = match found.get(&id).map(resync::check) {
                None => ResyncResult::Refused {
                    reason: Refusal::NotFound,
                },
                Some(Err(reason)) => ResyncResult::Refused { reason },
                Some(Ok(())) if !self.opts.simulate_resyncs => ResyncResult::Failed {
                    message: "This server forwards no resyncs.".into(),
                },
                Some(Ok(())) => {
                    let e = found.get_mut(&id).expect("checked above");
                    let due = now + chrono::Duration::milliseconds(rng.i64(1_500..4_000));
                    let was_sent = e.status == Status::Sent;
                    let to_ok = was_sent || rng.u32(..4) != 0;
                    if !was_sent {
                        mark_resynced(e, now, due);
                        changed.push(e.clone());
                    }
                    let mut s = self.sql("DELETE FROM resync_schedule WHERE id = ");
                    s.int(ordered(id.0));
                    stmts.push(s);
                    let mut s =
                        self.sql("INSERT INTO resync_schedule (id, due_ms, to_ok) VALUES (");
                    s.int(ordered(id.0)).push(", ");
                    s.int(due.timestamp_millis()).push(", ");
                    s.int(i64::from(to_ok)).push(")");
                    stmts.push(s);
                    ResyncResult::Accepted {
                        status: if was_sent {
                            Status::Sent
                        } else {
                            Status::Pending
                        },
                    }
                }
            };
            out.push(ResyncOutcome { id, result });
        }
        stmts.extend(self.upsert_statements(&changed)?);
        if !stmts.is_empty() {
            self.transaction(&stmts).await?;
        }
        Ok(out)
    }

    async fn upsert(&self, entries: &[Entry]) -> Result<()> {
        let stmts = self.upsert_statements(entries)?;
        self.transaction(&stmts).await.map(|_| ())
    }

    async fn purge_before(&self, cutoff: DateTime<Utc>, batch: usize) -> Result<u64> {
        let mut s =
            self.sql("DELETE FROM entries WHERE id IN (SELECT id FROM entries WHERE created_s < ");
        s.int(cutoff.timestamp()).push(" LIMIT ");
        s.int(batch as i64).push(")");
        self.transaction(&[s]).await
    }

    async fn count(&self) -> Result<u64> {
        let s = self.sql("SELECT count(*) FROM entries");
        Ok(self.scalar(&s).await? as u64)
    }
}
