//! The stored backends as a deployment sees them: import from files (NDJSON and the CSV
//! download, a round trip byte for byte), retention keeping a SQLite file bounded, the server
//! on SQLite and PostgreSQL over HTTP, two servers on one PostgreSQL, and faults: an unreadable
//! path, a locked file, a PostgreSQL that is down at start or goes away mid-run.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sync_report::export::csv::{CsvOptions, CsvWriter};
use sync_report::model::demo::{generate, DemoConfig};
use sync_report::model::entry::{Entry, EntryId};
use sync_report::model::query::Query;
use sync_report::wire::PageRequest;
use sync_report_server::import::{import_file, seed_demo, ImportError};
use sync_report_server::store::sql::OpenOptions;
use sync_report_server::store::{purge_all, EntryStore, Store};
use sync_report_server::{router, Options, Server};
use tower::ServiceExt;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/test-files");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}-{name}", std::process::id()))
}

async fn sqlite() -> (Store, PathBuf) {
    let (url, path) = common::fresh_sqlite();
    (
        Store::open(&url, &OpenOptions::default()).await.unwrap(),
        path,
    )
}

fn demo(n: usize) -> Vec<Entry> {
    generate(DemoConfig {
        seed: 7,
        size: n,
        now: Utc::now(),
    })
}

fn write(path: &Path, text: &str) {
    std::fs::File::create(path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
}

fn ndjson(entries: &[Entry]) -> String {
    entries
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

#[tokio::test]
async fn ndjson_imports_and_upserts_by_id() {
    let (store, _) = sqlite().await;
    let mut es = demo(300);
    es[0].set_common_ref(Some(
        "<img src=x onerror=alert(1)>'; DROP TABLE entries; --\u{0}",
    ));
    let file = scratch("a.ndjson");
    write(&file, &ndjson(&es));
    let r = import_file(&store, &file, false, |_, _| {}).await.unwrap();
    assert_eq!(r.stored, 300);
    assert_eq!(store.count().await.unwrap(), 300);
    let got = store.lookup(&[es[0].id, es[299].id]).await.unwrap();
    assert_eq!(got, vec![es[0].clone(), es[299].clone()]);
    // The same ids again, one changed: replaced, not added.
    es[5].attempts = 9;
    write(&file, &ndjson(&es[..10]));
    import_file(&store, &file, false, |_, _| {}).await.unwrap();
    assert_eq!(store.count().await.unwrap(), 300);
    assert_eq!(store.lookup(&[es[5].id]).await.unwrap()[0].attempts, 9);
}

#[tokio::test]
async fn a_bad_line_refuses_the_file_unless_skip_bad() {
    let (store, _) = sqlite().await;
    let es = demo(10);
    let mut text = ndjson(&es);
    // Line 4: a created_at that is not a time; line 7: not JSON at all.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[3] = lines[3].replacen("\"created_at\":\"", "\"created_at\":\"yesterday", 1);
    lines[6] = "{not json".to_string();
    text = lines.join("\n") + "\n";
    let file = scratch("bad.ndjson");
    write(&file, &text);
    let err = import_file(&store, &file, false, |_, _| {})
        .await
        .unwrap_err();
    let ImportError::Refused { bad, count } = &err else {
        panic!("{err}");
    };
    assert_eq!(*count, 2);
    assert_eq!(bad[0].line, 4);
    assert_eq!(bad[0].field.as_deref(), Some("created_at"), "{}", bad[0]);
    assert_eq!(bad[1].line, 7);
    let said = err.to_string();
    assert!(said.contains("line 4, field created_at"), "{said}");
    assert_eq!(store.count().await.unwrap(), 0, "nothing stored");
    let r = import_file(&store, &file, true, |_, _| {}).await.unwrap();
    assert_eq!((r.stored, r.skipped.len()), (8, 2));
    assert_eq!(store.count().await.unwrap(), 8);
}

fn csv_of(entries: &[Entry]) -> Vec<u8> {
    let mut w = CsvWriter::new(CsvOptions::default());
    let mut out = Vec::new();
    w.write(&mut out, entries.iter());
    out
}

#[tokio::test]
async fn the_csv_download_imports_back_to_the_same_bytes() {
    let (store, _) = sqlite().await;
    let mut es = demo(500);
    // Text that looks like a formula, markup, quotes and line breaks, in the cells the CSV
    // neutralises and quotes.
    es[1].set_common_ref(Some("=HYPERLINK(\"https://evil.example\",\"x\")"));
    es[2].set_message_and_error(
        Some("+cmd|' /C calc'!A0\r\nsecond line, \"quoted\""),
        Some("@SUM(1)"),
    );
    es[3].set_common_ref(Some("'=already quoted"));
    es[4].set_common_ref(Some("-42"));
    let csv = csv_of(&es);
    let file = scratch("download.csv");
    std::fs::write(&file, &csv).unwrap();
    let r = import_file(&store, &file, false, |_, _| {}).await.unwrap();
    assert_eq!(r.stored, 500);
    let ids: Vec<EntryId> = es.iter().map(|e| e.id).collect();
    let mut back = Vec::new();
    for chunk in ids.chunks(1000) {
        back.extend(store.lookup(chunk).await.unwrap());
    }
    assert_eq!(back.len(), 500);
    let again = csv_of(&back);
    assert!(again == csv, "re-exported CSV differs");
}

#[tokio::test]
async fn a_file_that_is_neither_format_is_refused_in_words() {
    let (store, _) = sqlite().await;
    let file = scratch("x.txt");
    write(&file, "hello, world\n");
    let err = import_file(&store, &file, false, |_, _| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("neither NDJSON"), "{err}");
    let file = scratch("x.csv");
    write(&file, "Entry Id,Status\n1,Ok\n");
    let err = import_file(&store, &file, false, |_, _| {})
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no \"Company Group\" column"),
        "{err}"
    );
}

#[test]
fn the_import_command_prints_counts_and_a_rate_and_names_bad_lines() {
    let (url, _) = common::fresh_sqlite();
    let file = scratch("cli.ndjson");
    let mut text = ndjson(&demo(50));
    text.push_str("{\"id\": 1, \"status\": \"Ok\"}\n");
    write(&file, &text);
    let bin = env!("CARGO_BIN_EXE_sync-report-server");
    let out = std::process::Command::new(bin)
        .args(["import", "--db", &url])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("line 51"), "{err}");
    let out = std::process::Command::new(bin)
        .args(["import", "--skip-bad", "--db", &url])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("stored 50 entries, skipped 1 bad line(s)"),
        "{err}"
    );
    assert!(err.contains("a second"), "{err}");
    let out = std::process::Command::new(bin)
        .args(["import", "--demo", "2000", "--db", &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "--demo wants an empty database: {err}"
    );
    assert!(err.contains("already holds 50 entries"), "{err}");
}

#[tokio::test]
async fn demo_seeding_fills_an_empty_database() {
    let (store, _) = sqlite().await;
    let n = seed_demo(&store, 3_000, 7, Utc::now(), |_, _| {})
        .await
        .unwrap();
    assert_eq!(n, 3_000);
    assert_eq!(store.count().await.unwrap(), 3_000);
}

/// A week of days, each ingesting a day's entries and applying a two-day retention: the file
/// stops growing once retention removes as much as a day adds.
#[tokio::test]
async fn retention_keeps_a_sqlite_file_bounded_under_steady_ingest() {
    let (store, path) = sqlite().await;
    let start: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
    let per_day = 6_000u64;
    let mut sizes = Vec::new();
    let template = demo(per_day as usize);
    for day in 0..7i64 {
        let t0 = start + chrono::Duration::days(day);
        let entries: Vec<Entry> = template
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut e = e.clone();
                e.id = EntryId(day as u64 * per_day + i as u64);
                e.created_at = t0 + chrono::Duration::seconds(i as i64 * 86_400 / per_day as i64);
                e.updated_at = None;
                e
            })
            .collect();
        for chunk in entries.chunks(2_000) {
            store.upsert(chunk).await.unwrap();
        }
        let now = t0 + chrono::Duration::days(1);
        purge_all(&store, now - chrono::Duration::days(2))
            .await
            .unwrap();
        let held = store.count().await.unwrap();
        assert!(held <= 2 * per_day, "day {day}: {held} entries held");
        let wal = std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len());
        let file = std::fs::metadata(&path).unwrap().len();
        sizes.push(file + wal);
    }
    eprintln!("file + WAL after each day: {sizes:?}");
    // After the first days the size levels off: day 7 within a quarter of day 3.
    assert!(
        sizes[6] as f64 <= sizes[2] as f64 * 1.25,
        "the file kept growing: {sizes:?}"
    );
}

// ---- over HTTP ----------------------------------------------------------------------------

async fn call(
    s: &Arc<Server>,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(b) => {
            req = req.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    let res = router(s.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 64 << 20)
        .await
        .unwrap();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, v)
}

/// A Failed entry that may be resynced.
fn first_failed(es: &[Entry]) -> EntryId {
    es.iter()
        .find(|e| {
            sync_report::model::resync::check(e).is_ok()
                && e.status == sync_report::model::entry::Status::Failed
        })
        .unwrap()
        .id
}

async fn resync(s: &Arc<Server>, id: EntryId) -> (StatusCode, Value) {
    call(
        s,
        Method::POST,
        "/api/sync-reports/resync",
        Some(json!({"ids": [id.0]})),
    )
    .await
}

async fn lookup(s: &Arc<Server>, id: EntryId) -> Value {
    call(
        s,
        Method::POST,
        "/api/sync-reports/lookup",
        Some(json!({"ids": [id.0]})),
    )
    .await
    .1
}

async fn stored_server(url: &str, entries: &[Entry]) -> Arc<Server> {
    let store = Store::open(url, &OpenOptions::default()).await.unwrap();
    store.upsert(entries).await.unwrap();
    Server::with_store(Options::default(), store)
}

#[tokio::test]
async fn a_resync_on_sqlite_survives_a_restart() {
    let (url, _) = common::fresh_sqlite();
    let es = demo(2_000);
    let failed = first_failed(&es);
    let s = stored_server(&url, &es).await;
    let (st, v) = resync(&s, failed).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"][0]["outcome"], "accepted", "{v}");
    drop(s);
    // A new server on the same file: the entry is Pending, and settles a few seconds later.
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    let s = Server::with_store(Options::default(), store);
    let v = lookup(&s, failed).await;
    assert_eq!(v["data"][0]["status"], "Pending", "{v}");
    tokio::time::sleep(Duration::from_millis(4_100)).await;
    let (_, v) = call(&s, Method::GET, "/api/sync-reports?per_page=1", None).await;
    assert!(v["meta"]["total"].as_u64().unwrap() > 0);
    let v = lookup(&s, failed).await;
    assert_ne!(
        v["data"][0]["status"], "Pending",
        "settled after its due time: {v}"
    );
}

#[tokio::test]
async fn two_servers_on_one_postgresql_answer_the_same() {
    let Some(url) = common::fresh_postgres().await else {
        return;
    };
    let es = demo(3_000);
    let a = stored_server(&url, &es).await;
    let b = Server::with_store(
        Options::default(),
        Store::open(&url, &OpenOptions::default()).await.unwrap(),
    );
    for uri in [
        "/api/sync-reports?per_page=50&page=3&filter[sort_field]=common_ref",
        "/api/sync-reports/facets?filter[status]=Failed",
        "/api/sync-reports/ids?filter[status]=Pending",
    ] {
        let (sa, va) = call(&a, Method::GET, uri, None).await;
        let (sb, vb) = call(&b, Method::GET, uri, None).await;
        assert_eq!((sa, sb), (StatusCode::OK, StatusCode::OK), "{va}");
        let strip = |mut v: Value| {
            if let Some(m) = v.get_mut("meta") {
                m["generated_at"] = Value::Null;
            }
            v
        };
        assert_eq!(strip(va), strip(vb), "{uri}");
    }
    // A resync through one is seen through the other.
    let failed = first_failed(&es);
    let (_, v) = resync(&a, failed).await;
    assert_eq!(v["data"][0]["outcome"], "accepted", "{v}");
    let v = lookup(&b, failed).await;
    assert_eq!(v["data"][0]["status"], "Pending", "{v}");
}

#[tokio::test]
async fn an_unreadable_database_path_is_said_and_recovers() {
    let dir = scratch("not-yet");
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite:{}/reports.sqlite", dir.display());
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    let s = Server::with_store(Options::default(), store);
    let (st, v) = call(&s, Method::GET, "/api/sync-reports", None).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["code"], "database_unavailable", "{v}");
    assert!(
        v["request_id"]
            .as_str()
            .is_some_and(|r| r.starts_with("req-")),
        "{v}"
    );
    assert!(
        v["message"].as_str().unwrap().contains("not reachable"),
        "{v}"
    );
    // The folder appears: the next request is answered.
    std::fs::create_dir_all(&dir).unwrap();
    let (st, v) = call(&s, Method::GET, "/api/sync-reports", None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["meta"]["total"], 0);
}

#[tokio::test]
async fn a_locked_sqlite_file_is_a_503_in_words_then_works() {
    use sqlx::Connection;
    let (url, _) = common::fresh_sqlite();
    let opts = OpenOptions {
        busy_timeout: Duration::from_millis(300),
        ..OpenOptions::default()
    };
    let store = Store::open(&url, &opts).await.unwrap();
    let es = demo(100);
    store.upsert(&es).await.unwrap();
    let s = Server::with_store(Options::default(), store);
    // Another process's write transaction holds the file.
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql("BEGIN IMMEDIATE; UPDATE entries SET has_ref = has_ref")
        .execute(&mut other)
        .await
        .unwrap();
    let failed = first_failed(&es);
    let (st, v) = resync(&s, failed).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["code"], "database_locked", "{v}");
    assert!(v["message"].as_str().unwrap().contains("locked"), "{v}");
    sqlx::raw_sql("ROLLBACK").execute(&mut other).await.unwrap();
    let (st, v) = resync(&s, failed).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"][0]["outcome"], "accepted", "{v}");
}

/// A PostgreSQL of this test's own (stopping the shared one would fail other tests).
fn own_postgres(action: &str) -> Option<String> {
    common::postgres_server()?;
    // Under /tmp, as scripts/postgres.sh's own: the postgres user must reach it.
    let checkout = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        env!("CARGO_MANIFEST_DIR").hash(&mut h);
        h.finish()
    };
    let dir = std::env::temp_dir().join(format!("sync-report-postgres-faults-{checkout:x}"));
    let out = std::process::Command::new("bash")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh"))
        .arg(action)
        .env("PG_DIR", &dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    Some(
        text.split('\'')
            .nth(1)
            .map(str::to_string)
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_postgresql_down_at_start_or_mid_run_is_said_and_recovered_from() {
    let Some(url) = own_postgres("reset") else {
        return;
    };
    own_postgres("stop");
    let s = Server::with_store(
        Options::default(),
        Store::open(
            &url,
            &OpenOptions {
                acquire_timeout: Duration::from_secs(2),
                ..OpenOptions::default()
            },
        )
        .await
        .unwrap(),
    );
    let (st, v) = call(&s, Method::GET, "/api/sync-reports", None).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "down at start: {v}");
    assert_eq!(v["code"], "database_unavailable", "{v}");
    own_postgres("start");
    let (st, v) = call(&s, Method::GET, "/api/sync-reports", None).await;
    assert_eq!(st, StatusCode::OK, "back: {v}");
    let es = demo(500);
    s.store().upsert(&es).await.unwrap();
    // Goes away mid-run.
    own_postgres("stop");
    let (st, v) = call(&s, Method::GET, "/api/sync-reports", None).await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "gone: {v}");
    own_postgres("start");
    let mut answered = None;
    for _ in 0..20 {
        let (st, v) = call(&s, Method::GET, "/api/sync-reports?filter[days]=15", None).await;
        if st == StatusCode::OK {
            answered = Some(v);
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let v = answered.expect("recovered after the restart");
    assert_eq!(v["meta"]["total"], 500, "nothing acknowledged was lost");
    own_postgres("stop");
}

#[tokio::test]
async fn a_database_written_by_a_newer_server_is_refused_in_words() {
    use sqlx::Connection;
    let (url, _) = common::fresh_sqlite();
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    store.count().await.unwrap();
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::raw_sql(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
    let err = store.count().await.unwrap_err().to_string();
    assert!(
        err.contains("schema version 99, newer than this server understands"),
        "{err}"
    );
    let _ = Query::default();
    let _ = PageRequest::default();
}
