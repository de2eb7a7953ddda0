//! Every parser of outside input, fed arbitrary and hostile input: none may panic, and what
//! they accept must be usable. (URL queries and API parameters are also covered, with
//! round-trips, in tests/model.rs.)
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use sync_report::config::{Config, ConfigFile, MountOptions};
use sync_report::model::entry::EntryId;
use sync_report::model::query::View;
use sync_report::source::api;
use sync_report::wire::parse_page;

/// Text that looks like what parsers meet: JSON fragments, keys, escapes, markup, control
/// characters, right-to-left marks and emoji, as well as plain noise.
fn hostile_text() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"",
        "\\",
        "\\u0000",
        "\\ud800",
        "null",
        "true",
        "1e999",
        "-0",
        "18446744073709551616",
        "\"data\"",
        "\"meta\"",
        "\"id\"",
        "\"status\"",
        "\"created_at\"",
        "\"integration\"",
        "\"name\"",
        "\"total\"",
        "\"outcome\"",
        "\"mode\"",
        "\"http\"",
        "\"api_base\"",
        "\"apiBase\"",
        "<script>",
        "=HYPERLINK(",
        "\u{202e}",
        "\u{0}",
        "\u{7}",
        "👩‍👩‍👧",
        "%",
        "%ZZ",
        "&",
        "=",
        "filter[",
        "]",
        "+",
        "\n",
    ]);
    prop_oneof![
        ".{0,60}",
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat()),
    ]
}

/// Arbitrary JSON values (as text), nested a little.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        ".{0,20}".prop_map(serde_json::Value::String),
        prop::sample::select(vec!["Ok", "_Sent", "Failed", "2026-11-27T10:00:00Z", "A_B"])
            .prop_map(|s| serde_json::Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "data",
                    "meta",
                    "id",
                    "status",
                    "integration",
                    "name",
                    "type",
                    "system_chain",
                    "created_at",
                    "total",
                    "outcome",
                    "reason",
                    "code",
                    "message",
                    "request_id",
                    "error",
                    "mode",
                    "api_base",
                    "token",
                ])
                .prop_map(str::to_string),
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn api_answers_never_panic(text in hostile_text(), value in json_value(), status in 100u16..600) {
        for body in [text.as_str(), &value.to_string()] {
            let _ = parse_page(body);
            let _ = api::read_page(body);
            let _ = api::read_facets(body);
            let _ = api::read_ids(body);
            let _ = api::read_lookup(body);
            let outcomes = api::read_outcomes(body, &[EntryId(1), EntryId(2)]);
            // Whatever the body, every id asked gets exactly one outcome, in order.
            if let Ok(o) = outcomes {
                prop_assert_eq!(o.iter().map(|o| o.id).collect::<Vec<_>>(), vec![EntryId(1), EntryId(2)]);
            }
            let e = api::classify(status, Some(text.clone()), body);
            // Messages shown to people stay short and on one line.
            let shown = e.to_string();
            prop_assert!(!shown.contains('\n'), "{}", shown);
            prop_assert!(shown.chars().count() < 800, "{}", shown.len());
            let _ = api::parse_retry_after(body, chrono::Utc::now());
        }
    }

    #[test]
    fn a_page_of_entries_with_one_bad_entry_keeps_the_others(bad in json_value(), at in 0usize..3) {
        let good = serde_json::json!({"id": 7, "status": "Ok", "integration": {"name": "A"},
            "type": "Order", "system_chain": "Shopify_NetSuite", "created_at": "2026-11-20T10:00:00Z"});
        let mut data = vec![good.clone(), good.clone()];
        data.insert(at.min(2), bad);
        let body = serde_json::json!({"data": data}).to_string();
        let p = parse_page(&body).unwrap();
        prop_assert!(p.entries.len() >= 2);
        prop_assert_eq!(p.entries.len() + p.rejected.len(), 3);
    }

    #[test]
    fn configuration_never_panics(text in hostile_text(), value in json_value(), attrs in prop::collection::vec(hostile_text(), 7)) {
        for body in [text.as_str(), &value.to_string()] {
            if let Ok(f) = ConfigFile::parse(body) {
                let mut c = Config::default();
                // Accepted values always pass validation, or are refused with a message.
                if c.apply_file(f).is_ok() {
                    prop_assert!(c.validate().is_ok());
                }
            }
            if let Ok(o) = MountOptions::parse(body) {
                let _ = Config::default().apply_options(&o);
                let mut m = MountOptions::default();
                m.merge(o.clone());
                prop_assert_eq!(m, o);
            }
        }
        let get = |name: &str| {
            sync_report::config::ATTRIBUTES
                .iter()
                .position(|a| *a == name)
                .map(|i| attrs[i].clone())
        };
        let mut c = Config::default();
        if c.apply_attributes(get).is_ok() {
            prop_assert!(c.validate().is_ok());
            prop_assert!(c.demo_size >= 10 && c.demo_size <= 1_000_000);
        }
    }

    #[test]
    fn links_and_api_parameters_never_panic(text in hostile_text(), prefix in "[a-z_]{0,4}") {
        let (v, _) = View::from_url_query(&text, &prefix);
        // What a link gives is a view the page can write back out and read again.
        let again = v.to_url_query(&prefix);
        prop_assert_eq!(View::from_url_query(&again, &prefix).0, v);
        let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();
        let (q, page, _) = sync_report::wire::read_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        prop_assert!(page.page >= 1 && page.per_page >= 1 && page.per_page <= 1000);
        let _ = sync_report::wire::query_string(&q, page);
    }
}
