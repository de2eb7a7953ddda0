//! The Date/Time (UTC) filter: previous days (1 to 15) or, under "Custom range", an explicit
//! UTC range.

use leptos::prelude::*;

use super::Report;
use crate::format::{stamp, Stamp};
use crate::model::query::{DateRange, MAX_DAYS};

fn parse_local_input(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    crate::format::parse_naive(s).map(|t| t.and_utc())
}

#[component]
pub fn RangeControl() -> impl IntoView {
    let report = expect_context::<Report>();
    let range = move || report.view.with(|v| v.query.range.clone());
    let days_value = move || match range() {
        DateRange::LastDays(n) => n.to_string(),
        DateRange::Between { .. } => String::new(),
    };
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let DateRange::Between { from: f, to: t } = range() {
            from.set(stamp(&f, Stamp::InputMinute));
            to.set(stamp(&t, Stamp::InputMinute));
        }
    });
    let apply_range = move |_| match (
        parse_local_input(&from.get_untracked()),
        parse_local_input(&to.get_untracked()),
    ) {
        (Some(f), Some(t)) => report.set_between(f, t),
        _ => report
            .notices
            .notify("Enter both a start and an end (UTC) to use a custom range."),
    };
    // An explicit range is the less common choice: its inputs (a datetime field is several Tab
    // stops) show when asked for, and whenever the view holds one.
    let custom = RwSignal::new(matches!(range(), DateRange::Between { .. }));
    Effect::new(move |_| {
        if matches!(range(), DateRange::Between { .. }) {
            custom.set(true);
        }
    });
    let custom_id = format!("sr-{}-custom-range", report.uid);
    let label_id = format!("sr-{}-range-label", report.uid);
    let label_ref = label_id.clone();
    // A labelled group rather than a fieldset: engines place a fieldset's legend each their own
    // way (WebKit puts it above its flex row, whatever its float), and the toolbar is one row.
    view! {
        <div class="sr-range" role="group" aria-labelledby=label_ref>
            <span class="sr-range-legend" id=label_id>"Date/Time (UTC)"</span>
            <label class="sr-field">
                <span>"Previous days"</span>
                <input
                    id=report.days_input_id()
                    class="sr-input sr-days"
                    type="number"
                    min="1"
                    max=MAX_DAYS.to_string()
                    step="1"
                    aria-label="Previous days"
                    prop:value=days_value
                    on:change=move |ev| {
                        let raw = event_target_value(&ev);
                        match raw.trim().parse::<i64>() {
                            Ok(n) => report.set_days(n),
                            Err(_) if raw.trim().is_empty() => {}
                            Err(_) => report.notices.notify("Previous days must be a whole number from 1 to 15."),
                        }
                    }
                />
            </label>
            <button class="sr-btn sr-btn--quiet sr-range-toggle" type="button"
                aria-expanded=move || custom.get().to_string() aria-controls=custom_id.clone()
                on:click=move |_| custom.update(|c| *c = !*c)>
                "Custom range"
            </button>
            <span class="sr-range-custom" id=custom_id class:sr-hidden=move || !custom.get()>
                <label class="sr-field">
                    <span>"From (UTC)"</span>
                    <input class="sr-input" type="datetime-local" aria-label="From (UTC)"
                        prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="sr-field">
                    <span>"To (UTC)"</span>
                    <input class="sr-input" type="datetime-local" aria-label="To (UTC)"
                        prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) />
                </label>
                <button class="sr-btn" type="button" on:click=apply_range>"Apply range"</button>
            </span>
            <span class="sr-range-label" aria-live="polite">{move || range().label()}</span>
        </div>
    }
}
