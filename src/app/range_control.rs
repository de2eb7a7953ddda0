//! The Date/Time (UTC) filter: previous days (1 to 15) or an explicit UTC range.

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
        _ => report.notify("Enter both a start and an end (UTC) to use a custom range."),
    };
    view! {
        <fieldset class="sr-range">
            <legend class="sr-range-legend">"Date/Time (UTC)"</legend>
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
                            Err(_) => report.notify("Previous days must be a whole number from 1 to 15."),
                        }
                    }
                />
            </label>
            <span class="sr-range-or">"or"</span>
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
            <span class="sr-range-label" aria-live="polite">{move || range().label()}</span>
        </fieldset>
    }
}
