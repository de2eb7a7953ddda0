//! Databases for the server's tests: a fresh SQLite file under target/, and a fresh database on
//! the PostgreSQL server named by `SYNC_REPORT_TEST_POSTGRES` (scripts/test.sh starts one and
//! sets it, with `SYNC_REPORT_REQUIRE_POSTGRES=1` so that a missing server fails the run rather
//! than skipping).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    )
}

/// A new, empty SQLite database file's URL (the file is not created yet).
pub fn fresh_sqlite() -> (String, PathBuf) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-dbs");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.sqlite", unique("t")));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    (format!("sqlite:{}", path.display()), path)
}

/// The PostgreSQL server to test against, if any. Panics when one is required and missing.
pub fn postgres_server() -> Option<String> {
    match std::env::var("SYNC_REPORT_TEST_POSTGRES") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("SYNC_REPORT_REQUIRE_POSTGRES").is_err(),
                "SYNC_REPORT_REQUIRE_POSTGRES is set but SYNC_REPORT_TEST_POSTGRES is not"
            );
            eprintln!(
                "skipped: the PostgreSQL half (set SYNC_REPORT_TEST_POSTGRES to a server's URL; \
                 scripts/test.sh starts one)"
            );
            None
        }
    }
}

/// A new, empty database on the test PostgreSQL server: its URL.
pub async fn fresh_postgres() -> Option<String> {
    let server = postgres_server()?;
    let name = unique("t");
    let mut c = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL at {server}: {e}"));
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut c)
        .await
        .unwrap();
    let mut u = url::Url::parse(&server).unwrap();
    u.set_path(&format!("/{name}"));
    Some(u.to_string())
}
