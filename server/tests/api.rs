//! The reference server against the contract (docs/api.md, docs/openapi.yaml): answers, errors,
//! auth, CORS and every injectable fault. Requests go straight to the router (no sockets).
//!
//! Each answer is also written to `target/api-samples/<Schema>--<case>.json`, which
//! `scripts/check-api.mjs` validates against the OpenAPI schemas.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use sync_report::model::entry::{EntryId, Status};
use sync_report::wire::parse_page;
use sync_report_server::{router, Fault, Options, Rule, Server};
use tower::ServiceExt;

fn server(opts: Options) -> Arc<Server> {
    Server::new(Options {
        size: 2_000,
        ..opts
    })
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("{e}: {}", self.text))
    }

    /// Keeps the body for the OpenAPI check.
    fn sample(&self, schema: &str, case: &str) -> &Self {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/api-samples");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{schema}--{case}.json")), &self.text).unwrap();
        self
    }
}

async fn call(s: &Arc<Server>, method: Method, uri: &str, body: Option<Value>) -> Answer {
    call_with(s, method, uri, body, &[]).await
}

async fn call_with(
    s: &Arc<Server>,
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = router(s.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Answer {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(s: &Arc<Server>, uri: &str) -> Answer {
    call(s, Method::GET, uri, None).await
}

fn ids_of(v: &Value) -> Vec<u64> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_page_of_entries_with_its_meta() {
    let s = server(Options::default());
    let a = get(&s, "/api/sync-reports").await;
    a.sample("Page", "default");
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.headers.get("x-request-id").is_some());
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let v = a.json();
    assert_eq!(v["data"].as_array().unwrap().len(), 100);
    let m = &v["meta"];
    let total = m["total"].as_u64().unwrap();
    assert!(total > 100 && total <= 2_000, "{m}");
    assert_eq!(
        (m["current_page"].as_u64(), m["per_page"].as_u64()),
        (Some(1), Some(100))
    );
    assert_eq!(m["last_page"].as_u64().unwrap(), total.div_ceil(100));
    assert!(m["in_range"].as_u64().unwrap() >= total);
    assert!(m["generated_at"].as_str().unwrap().ends_with('Z'));
    assert!(m["available_entities"].as_array().unwrap().len() >= 3);
    // Newest first by default.
    let p = parse_page(&a.text).unwrap();
    assert!(p.rejected.is_empty());
    assert!(p
        .entries
        .windows(2)
        .all(|w| w[0].created_at >= w[1].created_at));
    // The last page holds the rest.
    let last = m["last_page"].as_u64().unwrap();
    let v = get(&s, &format!("/api/sync-reports?page={last}"))
        .await
        .json();
    assert_eq!(
        v["data"].as_array().unwrap().len() as u64,
        total - (last - 1) * 100
    );
    let v = get(&s, &format!("/api/sync-reports?page={}", last + 5))
        .await
        .json();
    assert!(v["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn filters_search_and_sort_run_on_the_server() {
    let s = server(Options::default());
    let a = get(
        &s,
        "/api/sync-reports?filter[days]=15&filter[status]=Failed,Pending&filter[sort_field]=common_ref&filter[sort_direction]=asc&per_page=1000",
    )
    .await;
    a.sample("Page", "filtered");
    let p = parse_page(&a.text).unwrap();
    assert!(!p.entries.is_empty());
    assert!(p
        .entries
        .iter()
        .all(|e| matches!(e.status, Status::Failed | Status::Pending)));
    let refs: Vec<String> = p
        .entries
        .iter()
        .map(|e| {
            e.common_ref()
                .map(str::to_owned)
                .unwrap_or_default()
                .to_lowercase()
        })
        .collect();
    assert!(refs.windows(2).all(|w| w[0] <= w[1]), "not sorted");
    // Search by system, and by a system chain.
    let p = parse_page(
        &get(
            &s,
            "/api/sync-reports?filter[search_term]=sftp&filter[search_field]=system",
        )
        .await
        .text,
    )
    .unwrap();
    assert!(p
        .entries
        .iter()
        .all(|e| e.system_chain.to_string().contains("SFTP")));
    let p = parse_page(
        &get(
            &s,
            "/api/sync-reports?filter[system_chain]=Shopify_NetSuite",
        )
        .await
        .text,
    )
    .unwrap();
    assert!(p.entries.iter().all(
        |e| &*e.system_chain.source == "Shopify" && &*e.system_chain.destination == "NetSuite"
    ));
    // An explicit range.
    let p = parse_page(
        &get(
            &s,
            "/api/sync-reports?filter[start]=2000-01-01T00:00:00Z&filter[end]=2000-01-02T00:00:00Z",
        )
        .await
        .text,
    )
    .unwrap();
    assert_eq!((p.entries.len(), p.meta.total), (0, 0));
}

#[tokio::test]
async fn unusable_parameters_are_a_400_naming_each() {
    let s = server(Options::default());
    let a = get(
        &s,
        "/api/sync-reports?filter[days]=40&per_page=5000&filter[colour]=red&page=0",
    )
    .await;
    a.sample("Error", "bad-parameters");
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let v = a.json();
    assert_eq!(v["code"], "invalid_parameter");
    let named: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["parameter"].as_str().unwrap())
        .collect();
    for p in ["filter[days]", "per_page", "filter[colour]", "page"] {
        assert!(named.contains(&p), "{p} not named in {v}");
    }
    assert_eq!(
        v["request_id"].as_str(),
        a.headers["x-request-id"].to_str().ok()
    );
    let a = get(&s, "/api/nothing-here").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.json()["code"], "not_found");
}

/// How many entries the list finds for `q` over the last 15 days.
async fn total(s: &Arc<Server>, q: &str) -> u64 {
    get(
        s,
        &format!("/api/sync-reports?per_page=1&filter[days]=15&{q}"),
    )
    .await
    .json()["meta"]["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn facets_ids_and_lookup() {
    let s = server(Options::default());
    let a = get(&s, "/api/sync-reports/facets").await;
    a.sample("Facets", "all");
    let v = a.json();
    for k in [
        "status",
        "integrations",
        "type",
        "source_system",
        "destination_system",
    ] {
        assert!(!v[k].as_array().unwrap().is_empty(), "{k}");
    }
    // Counts: each value's entries under every filter but its own key's, one per listed value.
    let a = get(
        &s,
        "/api/sync-reports/facets?filter[status]=Failed&filter[days]=15",
    )
    .await;
    a.sample("Facets", "counted");
    let v = a.json();
    let count = |k: &str, value: &str| -> u64 {
        let i = v[k]
            .as_array()
            .unwrap()
            .iter()
            .position(|x| x == value)
            .unwrap();
        v["counts"][k][i].as_u64().unwrap()
    };
    let sum = |k: &str| -> u64 {
        let c = v["counts"][k].as_array().unwrap();
        assert_eq!(c.len(), v[k].as_array().unwrap().len(), "{k}");
        c.iter().map(|n| n.as_u64().unwrap()).sum()
    };
    let failed = total(&s, "filter[status]=Failed").await;
    assert!(failed > 0);
    // The status counts ignore the status filter: Failed's is what choosing Failed gives, and
    // together they are every entry in the range.
    assert_eq!(count("status", "Failed"), failed);
    assert_eq!(sum("status"), total(&s, "").await);
    // Other keys' counts follow the status filter.
    assert_eq!(sum("integrations"), failed);
    let group = v["integrations"][0].as_str().unwrap().to_string();
    let n = count("integrations", &group);
    let q = form_urlencoded::Serializer::new("filter[status]=Failed".to_string())
        .append_pair("filter[integrations]", &group)
        .finish();
    assert_eq!(n, total(&s, &q).await);
    let a = get(&s, "/api/sync-reports/ids?filter[status]=Failed").await;
    a.sample("Ids", "failed");
    let ids: Vec<u64> = a.json()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    let page = get(&s, "/api/sync-reports?filter[status]=Failed&per_page=1000")
        .await
        .json();
    assert_eq!(ids.len() as u64, page["meta"]["total"].as_u64().unwrap());
    // Lookup answers in the order asked and leaves out unknown ids.
    let asked = json!({ "ids": [ids[2], 999_999_999u64, ids[0]] });
    let a = call(&s, Method::POST, "/api/sync-reports/lookup", Some(asked)).await;
    a.sample("Entries", "lookup");
    assert_eq!(ids_of(&a.json()), vec![ids[2], ids[0]]);
    let too_many: Vec<u64> = (0..1001).collect();
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/lookup",
        Some(json!({ "ids": too_many })),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()["code"], "too_many");
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/lookup",
        Some(json!({ "ids": "all" })),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["message"].as_str().unwrap().contains("ids"));
}

/// Every Failed entry of the last 15 days (the demo data has fewer than 1,000).
async fn failed_entries(s: &Arc<Server>) -> Vec<sync_report::model::Entry> {
    let failed = get(
        s,
        "/api/sync-reports?filter[status]=Failed&per_page=1000&filter[days]=15",
    )
    .await;
    parse_page(&failed.text).unwrap().entries
}

#[tokio::test]
async fn resync_moves_entries_through_their_states() {
    let s = server(Options::default());
    let failed = failed_entries(&s).await;
    let ok_one = failed.iter().find(|e| e.resyncable).unwrap().id;
    let refused = failed.iter().find(|e| !e.resyncable).unwrap().id;
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/resync",
        Some(json!({ "ids": [ok_one.0, refused.0, 999_999_999u64] })),
    )
    .await;
    a.sample("Outcomes", "mixed");
    let v = a.json();
    let d = v["data"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    assert_eq!(
        (d[0]["outcome"].as_str(), d[0]["status"].as_str()),
        (Some("accepted"), Some("Pending"))
    );
    assert_eq!(d[1]["outcome"], "refused");
    assert_eq!(d[1]["reason"]["code"], "not_resyncable");
    assert_eq!(d[2]["reason"]["code"], "not_found");
    // Pending now, and settled once its time has come.
    let look = |s: Arc<Server>, id: EntryId| async move {
        let a = call(
            &s,
            Method::POST,
            "/api/sync-reports/lookup",
            Some(json!({ "ids": [id.0] })),
        )
        .await;
        a.json()["data"][0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(look(s.clone(), ok_one).await, "Pending");
    s.with_backend(|b| b.advance(chrono::Utc::now() + chrono::Duration::seconds(10)));
    let settled = look(s.clone(), ok_one).await;
    assert!(settled == "Ok" || settled == "Failed", "{settled}");
}

/// An entry that failed days ago and was resynced just now is Pending since the resync: not
/// stuck, neither in `filter[stuck]` nor in the summary's count.
#[tokio::test]
async fn a_just_resynced_entry_is_not_stuck() {
    let s = server(Options::default());
    let old = failed_entries(&s)
        .await
        .iter()
        .find(|e| e.resyncable && chrono::Utc::now() - e.created_at > chrono::Duration::days(2))
        .unwrap()
        .id;
    let stuck = |s: Arc<Server>| async move {
        let summary = get(&s, "/api/sync-reports/summary?filter[days]=15")
            .await
            .json();
        let page = get(
            &s,
            "/api/sync-reports?filter[stuck]=1&per_page=1000&filter[days]=15",
        )
        .await;
        let ids: Vec<EntryId> = parse_page(&page.text)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.id)
            .collect();
        (summary["stuck"].as_u64().unwrap(), ids)
    };
    let (before, _) = stuck(s.clone()).await;
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/resync",
        Some(json!({ "ids": [old.0] })),
    )
    .await;
    assert_eq!(a.json()["data"][0]["status"], "Pending");
    let (after, ids) = stuck(s.clone()).await;
    assert_eq!(after, before, "the resynced entry is not counted as stuck");
    assert!(
        !ids.contains(&old),
        "the resynced entry is not in filter[stuck]"
    );
}

#[tokio::test]
async fn a_token_is_required_when_set() {
    let s = server(Options {
        token: Some("t0ken".into()),
        ..Options::default()
    });
    let a = get(&s, "/api/sync-reports").await;
    a.sample("Error", "unauthenticated");
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.headers[header::WWW_AUTHENTICATE], "Bearer");
    let a = call_with(
        &s,
        Method::GET,
        "/api/sync-reports",
        None,
        &[("authorization", "Bearer wrong")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = call_with(
        &s,
        Method::GET,
        "/api/sync-reports",
        None,
        &[("authorization", "Bearer t0ken")],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    // The app's config hands the token over only when asked to.
    let c = get(&s, "/config.json").await.json();
    assert_eq!(c["mode"], "http");
    assert!(c.get("token").is_none());
}

#[tokio::test]
async fn cors_is_answered_for_allowed_origins_only() {
    let s = server(Options {
        allow_origins: vec!["https://dash.example.com".into()],
        ..Options::default()
    });
    let pre = |origin: &'static str| {
        let s = s.clone();
        async move {
            call_with(
                &s,
                Method::OPTIONS,
                "/api/sync-reports",
                None,
                &[
                    ("origin", origin),
                    ("access-control-request-method", "GET"),
                    ("access-control-request-headers", "authorization"),
                ],
            )
            .await
        }
    };
    let a = pre("https://dash.example.com").await;
    assert_eq!(
        a.headers["access-control-allow-origin"],
        "https://dash.example.com"
    );
    assert_eq!(a.headers["access-control-allow-credentials"], "true");
    let a = pre("https://evil.example.com").await;
    assert!(a.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn injected_status_faults_carry_request_ids_and_retry_after() {
    let s = server(Options::default());
    s.add_rule(Rule::once("/sync-reports", Fault::Status(500)));
    s.add_rule(Rule::once("/sync-reports/facets", Fault::Status(503)));
    let a = get(&s, "/api/sync-reports").await;
    a.sample("Error", "server-error");
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(a.json()["request_id"].as_str().unwrap().starts_with("req-"));
    // Used up: the next one is fine.
    assert_eq!(get(&s, "/api/sync-reports").await.status, StatusCode::OK);
    let a = get(&s, "/api/sync-reports/facets").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(a.headers[header::RETRY_AFTER], "1");
    // Only matching queries.
    s.add_rule(
        Rule::always("/sync-reports", Fault::Status(429)).when_query("filter[search_term]=boom"),
    );
    assert_eq!(get(&s, "/api/sync-reports").await.status, StatusCode::OK);
    assert_eq!(
        get(&s, "/api/sync-reports?filter[search_term]=boom")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    s.clear_rules();
    assert_eq!(
        get(&s, "/api/sync-reports?filter[search_term]=boom")
            .await
            .status,
        StatusCode::OK
    );
}

/// Disconnect: the answer starts, then its body fails, so the connection is cut.
#[tokio::test]
async fn a_disconnect_fault_cuts_the_answer() {
    let s = server(Options::default());
    s.add_rule(Rule::once("/sync-reports", Fault::Disconnect));
    let req = Request::builder()
        .uri("/api/sync-reports")
        .body(Body::empty())
        .unwrap();
    let res = router(s.clone()).oneshot(req).await.unwrap();
    assert!(axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .is_err());
    // Once only: the next request is answered.
    assert_eq!(get(&s, "/api/sync-reports").await.status, StatusCode::OK);
}

#[tokio::test]
async fn injected_body_faults() {
    let s = server(Options::default());
    s.add_rule(Rule::once("/sync-reports", Fault::Malformed));
    let a = get(&s, "/api/sync-reports").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&a.text).is_err());

    s.add_rule(Rule::once("/sync-reports", Fault::WrongTypes));
    let p = parse_page(&get(&s, "/api/sync-reports").await.text).unwrap();
    assert_eq!(p.rejected.len(), 2);
    assert_eq!(p.entries.len(), 98);
    assert_eq!(p.rejected[0].field, "created_at");
    assert_eq!(p.rejected[1].field, "integration.name");

    s.add_rule(Rule::once(
        "/sync-reports",
        Fault::UnknownStatus("Quarantined".into()),
    ));
    let p = parse_page(&get(&s, "/api/sync-reports").await.text).unwrap();
    assert_eq!(
        p.entries
            .iter()
            .filter(|e| e.status == Status::Unknown("Quarantined".into()))
            .count(),
        3
    );

    s.add_rule(Rule::once("/sync-reports", Fault::Huge(5_000_000)));
    let a = get(&s, "/api/sync-reports").await;
    assert!(a.text.len() >= 5_000_000, "{}", a.text.len());
    assert_eq!(parse_page(&a.text).unwrap().entries.len(), 100);

    s.add_rule(Rule::once(
        "/sync-reports",
        Fault::IntegrationDown("Bluebird Home".into()),
    ));
    let a = get(&s, "/api/sync-reports?per_page=1000").await;
    a.sample("Page", "integration-down");
    let p = parse_page(&a.text).unwrap();
    assert!(p
        .entries
        .iter()
        .all(|e| &*e.integration.name != "Bluebird Home"));
    assert_eq!(
        p.meta.integrations_without_results[0].integration_name,
        "Bluebird Home"
    );

    s.add_rule(Rule::once(
        "/sync-reports",
        Fault::Delay(Duration::from_millis(300)),
    ));
    let t = std::time::Instant::now();
    get(&s, "/api/sync-reports").await;
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn resync_faults_fail_some_items() {
    let s = server(Options::default());
    let p = parse_page(
        &get(
            &s,
            "/api/sync-reports?filter[status]=Failed&per_page=1000&filter[days]=15",
        )
        .await
        .text,
    )
    .unwrap();
    let ids: Vec<u64> = p
        .entries
        .iter()
        .filter(|e| e.resyncable)
        .take(4)
        .map(|e| e.id.0)
        .collect();
    s.add_rule(Rule::once("/sync-reports/resync", Fault::ResyncFail));
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/resync",
        Some(json!({ "ids": ids })),
    )
    .await;
    a.sample("Outcomes", "some-failed");
    let v = a.json();
    let outcomes: Vec<&str> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["accepted", "failed", "accepted", "failed"]);
    assert!(v["data"][1]["message"]
        .as_str()
        .unwrap()
        .contains("rejected"));
}

#[tokio::test]
async fn random_faults_strike_at_their_rate() {
    let s = server(Options {
        random: sync_report_server::RandomFaults {
            error_rate: 0.5,
            ..Default::default()
        },
        ..Options::default()
    });
    let mut errors = 0;
    for _ in 0..200 {
        if get(&s, "/api/sync-reports/facets").await.status == StatusCode::INTERNAL_SERVER_ERROR {
            errors += 1;
        }
    }
    assert!((60..=140).contains(&errors), "{errors} of 200");
}

#[tokio::test]
async fn one_million_entries_page_quickly() {
    // The size the issue asks the server to reach; generation takes a few seconds.
    let s = Server::new(Options {
        size: 1_000_000,
        ..Options::default()
    });
    assert_eq!(s.len(), 1_000_000);
    let t = std::time::Instant::now();
    let a = get(&s, "/api/sync-reports?filter[status]=Failed&page=50").await;
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    assert!(v["meta"]["total"].as_u64().unwrap() > 10_000);
    eprintln!("1M entries: filtered page in {:?}", t.elapsed());
}

#[tokio::test]
async fn summary_counts_statuses_and_syncs_per_hour() {
    let s = server(Options::default());
    let a = get(
        &s,
        "/api/sync-reports/summary?filter[days]=2&filter[status]=Failed",
    )
    .await;
    a.sample("Summary", "failed-2-days");
    assert_eq!(a.status, StatusCode::OK);
    let v = a.json();
    let statuses: Vec<&str> = v["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(&statuses[..4], ["Ok", "Sent", "Pending", "Failed"]);
    // Status counts ignore the status filter; the chart follows the whole query.
    let all = get(&s, "/api/sync-reports?filter[days]=2&per_page=1")
        .await
        .json();
    let counted: u64 = v["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, all["meta"]["total"].as_u64().unwrap());
    let failed = get(
        &s,
        "/api/sync-reports?filter[days]=2&filter[status]=Failed&per_page=1",
    )
    .await
    .json();
    let charted: u64 = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|x| x["counts"].as_array().unwrap().iter())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(charted, failed["meta"]["total"].as_u64().unwrap());
    assert_eq!(v["bucket_seconds"], 3600);
    assert_eq!(v["series"][0]["counts"].as_array().unwrap().len(), 49);
}

/// What Schemathesis found (issue: any backend): each now answers as the schema says.
#[tokio::test]
async fn the_schema_and_the_server_agree_where_they_once_differed() {
    let s = server(Options::default());
    // An empty filter[failure] is no failure group, like every other empty filter.
    let all = get(&s, "/api/sync-reports?filter%5Bdays%5D=15")
        .await
        .json();
    let a = get(
        &s,
        "/api/sync-reports?filter%5Bdays%5D=15&filter%5Bfailure%5D=",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json()["meta"]["total"], all["meta"]["total"]);
    // A lone end (or start) spans filter[days] days up to (or from) it.
    let a = get(
        &s,
        "/api/sync-reports?filter%5Bdays%5D=2&filter%5Bend%5D=2026-11-20T00%3A00%3A00Z",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    for e in a.json()["data"].as_array().unwrap() {
        let t = e["created_at"].as_str().unwrap();
        assert!(
            ("2026-11-18T00:00:00Z"..="2026-11-20T00:00:00Z").contains(&t),
            "{t}"
        );
    }
    // filter[stuck] is 0 or 1, as the schema says; "true" is refused and named.
    let a = get(&s, "/api/sync-reports?filter%5Bstuck%5D=true").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.json()["errors"][0]["parameter"], "filter[stuck]");
    // A body with a property the schema does not have is refused, on both POSTs.
    for path in ["/api/sync-reports/lookup", "/api/sync-reports/resync"] {
        let a = call(
            &s,
            Method::POST,
            path,
            Some(json!({ "ids": [], "extra": 1 })),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.text);
        assert!(a.text.contains("extra"), "{}", a.text);
    }
    // Any id from 0 to 2^64 - 1 is an id (unknown here: refused as not_found, not a 400).
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/resync",
        Some(json!({ "ids": [u64::MAX, 0] })),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(ids_of(&a.json()), vec![u64::MAX, 0]);
}

#[tokio::test]
async fn a_core_only_server_offers_the_two_core_endpoints_alone() {
    let s = server(Options {
        core_only: true,
        ..Options::default()
    });
    assert_eq!(get(&s, "/api/sync-reports").await.status, StatusCode::OK);
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/resync",
        Some(json!({ "ids": [] })),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    for path in ["facets", "summary", "ids"] {
        let a = get(&s, &format!("/api/sync-reports/{path}")).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        a.sample("Error", &format!("core-only-{path}"));
    }
    let a = call(
        &s,
        Method::POST,
        "/api/sync-reports/lookup",
        Some(json!({ "ids": [] })),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

/// `filter[reference]` is exact (an item's history): a reference that others contain, or that
/// differs in case, is not matched.
#[tokio::test]
async fn the_reference_filter_is_exact() {
    let s = server(Options::default());
    let all = get(&s, "/api/sync-reports?filter[days]=15&per_page=1000")
        .await
        .json();
    let refs: Vec<String> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["common_ref"].as_str().map(str::to_string))
        .collect();
    // A product's SKU recurs: an item with several attempts.
    let sku = refs
        .iter()
        .find(|r| r.contains('-') && refs.iter().filter(|x| x == r).count() > 2)
        .expect("a recurring reference")
        .clone();
    let q = form_urlencoded::Serializer::new("filter[days]=15&per_page=1000".to_string())
        .append_pair("filter[reference]", &sku)
        .finish();
    let a = get(&s, &format!("/api/sync-reports?{q}")).await.json();
    let got: Vec<&str> = a["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["common_ref"].as_str().unwrap())
        .collect();
    assert!(!got.is_empty() && got.iter().all(|r| *r == sku), "{got:?}");
    assert_eq!(a["meta"]["total"].as_u64(), Some(got.len() as u64));
    // Another case, or a part of it, matches nothing.
    for other in [sku.to_lowercase(), sku[..sku.len() - 1].to_string()] {
        let q = form_urlencoded::Serializer::new("filter[days]=15".to_string())
            .append_pair("filter[reference]", &other)
            .finish();
        let a = get(&s, &format!("/api/sync-reports?{q}")).await.json();
        assert_eq!(a["meta"]["total"].as_u64(), Some(0), "{other}");
    }
}

/// `GET /sync-reports/changes`: entries keep arriving from the first time someone asks; each
/// answer counts those created after `since` that match the filters, and lists older entries
/// that changed since.
#[tokio::test]
async fn changes_count_new_entries_since_a_moment() {
    let s = server(Options {
        arrivals_per_minute: Some(6_000),
        ..Options::default()
    });
    let list_total = |q: String| {
        let s = s.clone();
        async move {
            get(&s, &format!("/api/sync-reports?per_page=1&{q}"))
                .await
                .json()["meta"]["total"]
                .as_u64()
                .unwrap()
        }
    };
    let since = |t: &str| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("since", t)
            .finish()
    };
    let first = get(
        &s,
        &format!(
            "/api/sync-reports/changes?{}",
            since("2026-01-01T00:00:00Z")
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK);
    let first = first.json();
    let t0 = first["generated_at"].as_str().unwrap().to_string();
    // A range pinned around t0: "the last 5 days" moves between the two totals, and an old
    // entry leaving it would be counted against the new ones.
    let at = chrono::DateTime::parse_from_rfc3339(&t0).unwrap().to_utc();
    let range = form_urlencoded::Serializer::new(String::new())
        .append_pair(
            "filter[start]",
            &(at - chrono::Duration::days(1)).to_rfc3339(),
        )
        .append_pair(
            "filter[end]",
            &(at + chrono::Duration::days(1)).to_rfc3339(),
        )
        .finish();
    let before = list_total(range.clone()).await;
    // Ranges compare whole seconds, so `new` also counts the entries already held from t0's
    // own second (an arrival drawn at t0 itself, say): counted once in `before` and again.
    let second = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let same_second = list_total(
        form_urlencoded::Serializer::new(String::new())
            .append_pair("filter[start]", &second)
            .append_pair("filter[end]", &second)
            .finish(),
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let a = get(
        &s,
        &format!("/api/sync-reports/changes?{range}&{}", since(&t0)),
    )
    .await;
    a.sample("Changes", "arrivals");
    let new = a.json()["new"].as_u64().unwrap();
    assert!(new > 0, "{}", a.json());
    assert_eq!(list_total(range.clone()).await, before + new - same_second);
    // Filtered: only the new entries that match.
    let failed = get(
        &s,
        &format!(
            "/api/sync-reports/changes?filter[status]=Failed&{}",
            since(&t0)
        ),
    )
    .await
    .json()["new"]
        .as_u64()
        .unwrap();
    assert!(failed < new);
    // `since` is required.
    let bad = get(&s, "/api/sync-reports/changes").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["code"], "invalid_parameter");
}

/// The built app's precompressed files (`.br`, `.gz`, written by the release build) are sent to
/// browsers that accept them, and the plain file to the rest.
#[tokio::test]
async fn the_app_is_served_precompressed_to_browsers_that_accept_it() {
    let dist = std::env::temp_dir().join(format!("sr-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>page</title>",
    )
    .unwrap();
    std::fs::write(dist.join("app.js"), "plain").unwrap();
    std::fs::write(dist.join("app.js.br"), "brotli").unwrap();
    std::fs::write(dist.join("app.js.gz"), "gzip").unwrap();
    let s = server(Options {
        dist: Some(dist.clone()),
        ..Options::default()
    });
    for (accepts, encoding, body) in [
        ("gzip, deflate, br", Some("br"), "brotli"),
        ("gzip", Some("gzip"), "gzip"),
        ("identity", None, "plain"),
    ] {
        let a = call_with(
            &s,
            Method::GET,
            "/app.js",
            None,
            &[("accept-encoding", accepts)],
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            a.headers
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(a.text, body, "{accepts}");
    }
    // The page itself is never precompressed (a deployment edits it after the build).
    let a = call_with(&s, Method::GET, "/", None, &[("accept-encoding", "br")]).await;
    assert!(a.text.contains("<title>page</title>"));
    std::fs::remove_dir_all(&dist).unwrap();
}
