//! Components rendered to HTML natively (Leptos `ssr`): fast checks of markup and escaping,
//! without a browser.
#![cfg(not(target_arch = "wasm32"))]

use leptos::prelude::*;
use sync_report::app::status_badge::StatusBadge;
use sync_report::app::status_legend::Legend;
use sync_report::model::Status;

#[test]
fn badge_markup_names_status_and_meaning() {
    let html = view! { <StatusBadge status=Status::Failed/> }.to_html();
    assert!(
        html.contains(r#"class="sr-badge sr-badge--failed""#),
        "{html}"
    );
    assert!(html.contains(">Failed<"), "{html}");
    assert!(html.contains("title=\"The sync failed"), "{html}");
}

#[test]
fn hostile_status_text_is_escaped_not_run() {
    let html =
        view! { <StatusBadge status=Status::parse("<img src=x onerror=alert(1)>")/> }.to_html();
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;img"), "{html}");
    assert!(html.contains("sr-badge--unknown"), "{html}");
}

#[test]
fn legend_explains_the_four_statuses() {
    let html = view! { <Legend/> }.to_html();
    for s in ["OK", "Sent", "Pending", "Failed"] {
        assert!(html.contains(&format!(">{s}<")), "{s} in {html}");
    }
    assert!(html.contains("confirms receipt"));
    assert!(html.contains("What do the statuses mean?"));
}
