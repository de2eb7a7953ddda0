//! The summary strip above the table: counts by status for the current range (a click filters
//! to that status) and a small stacked chart of syncs per hour by status, in SVG, with its
//! numbers in words for screen readers. The counts are one Tab stop, a toolbar whose arrow keys
//! move between them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Report;
use crate::format::{one_decimal, thousands};
use crate::model::summary::Summary;
use crate::model::Status;

const W: f64 = 600.0;
const H: f64 = 64.0;

/// One `<path>` per series: a rectangle per hour, stacked in series order.
fn paths(s: &Summary) -> Vec<(String, String)> {
    let n = s.series.first().map_or(0, |x| x.counts.len());
    if n == 0 {
        return Vec::new();
    }
    let max = (0..n)
        .map(|i| s.series.iter().map(|x| x.counts[i] as u64).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let bw = W / n as f64;
    let gap = if bw > 3.0 { 1.0 } else { 0.0 };
    let mut base = vec![0.0f64; n];
    let mut out = Vec::new();
    // Failures at the bottom, where they are easiest to see.
    for series in s.series.iter().rev() {
        let mut d = String::new();
        for (i, &c) in series.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let h = c as f64 / max * H;
            let y = H - base[i] - h;
            base[i] += h;
            let w = one_decimal((bw - gap).max(0.5));
            d.push_str(&format!(
                "M{} {}h{w}v{}h-{w}Z",
                one_decimal(i as f64 * bw),
                one_decimal(y),
                one_decimal(h),
            ));
        }
        out.push((
            format!("sr-chart-{}", Status::parse(&series.status).css_class()),
            d,
        ));
    }
    out
}

#[component]
pub fn SummaryStrip() -> impl IntoView {
    let report = expect_context::<Report>();
    let only = move |s: &Status| {
        report
            .view
            .with(|v| v.query.filters.status.len() == 1 && v.query.filters.status.contains(s))
    };
    // The counts are one Tab stop (a toolbar): the arrow keys, Home and End move between them.
    let active = RwSignal::new(0usize);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let Some(bar) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Ok(buttons) = bar.query_selector_all("button") else {
            return;
        };
        let n = buttons.length() as usize;
        let Some(to) = super::roving_target(&ev.key(), active.get_untracked(), n) else {
            return;
        };
        ev.prevent_default();
        active.set(to);
        if let Some(b) = buttons.item(to as u32) {
            let _ = b.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    let stop = move |i: usize| move || if active.get() == i { "0" } else { "-1" };
    view! {
        <section class="sr-strip" aria-label="Summary">
            {move || (!report.summary_offered.get()).then(|| view! {
                <p class="sr-strip-note">"This report server does not provide summary counts or failure groups."</p>
                // The stuck filter is the core list's own (filter[stuck]): kept, without a count.
                <button type="button" class="sr-count-btn sr-count-btn--stuck"
                    aria-pressed=move || report.view.with(|v| v.query.filters.stuck).to_string()
                    title="Show only entries Pending for more than 2 hours"
                    on:click=move |_| report.update_view(|v| v.query.filters.stuck = !v.query.filters.stuck)>
                    <span class="sr-count-label">"Stuck"</span>
                </button>
            })}
            {move || report.summary.get().map(|s| {
                let counts = s.statuses.clone();
                let n_counts = counts.len();
                let described = s.describe();
                let caption_title = described.clone();
                let shapes = paths(&s);
                let has_stuck = s.stuck > 0 || report.view.with_untracked(|v| v.query.filters.stuck);
                // Keep the one Tab stop on a button that is there.
                if active.get_untracked() >= n_counts + usize::from(has_stuck) {
                    active.set(0);
                }
                view! {
                    <div class="sr-strip-counts" role="toolbar" aria-label="Entries by status in this range"
                        on:keydown=on_key>
                        {counts.into_iter().enumerate().map(|(i, c)| {
                            let status = Status::parse(&c.status);
                            let st = status.clone();
                            let class = format!("sr-count-btn sr-count-btn--{}", status.css_class());
                            let label = status.label().to_string();
                            view! {
                                <button type="button" class=class aria-pressed=move || only(&st).to_string()
                                    title=format!("Show only {label} entries") tabindex=stop(i)
                                    on:focus=move |_| active.set(i)
                                    on:click=move |_| {
                                        let s = status.clone();
                                        let already = only(&s);
                                        report.update_view(|v| {
                                            v.query.filters.status.clear();
                                            if !already {
                                                v.query.filters.status.insert(s);
                                            }
                                        });
                                    }>
                                    <span class="sr-count-label">{label.clone()}</span>
                                    <span class="sr-count-num">{thousands(c.count as usize)}</span>
                                </button>
                            }
                        }).collect_view()}
                        {has_stuck.then(|| {
                            let stuck = s.stuck;
                            view! {
                                <button type="button" class="sr-count-btn sr-count-btn--stuck"
                                    tabindex=stop(n_counts) on:focus=move |_| active.set(n_counts)
                                    aria-pressed=move || report.view.with(|v| v.query.filters.stuck).to_string()
                                    title="Show only entries Pending for more than 2 hours"
                                    on:click=move |_| report.update_view(|v| v.query.filters.stuck = !v.query.filters.stuck)>
                                    <span class="sr-count-label">"Stuck"</span>
                                    <span class="sr-count-num">{thousands(stuck as usize)}</span>
                                </button>
                            }
                        })}
                    </div>
                    <figure class="sr-chart">
                        <svg viewBox=format!("0 0 {W} {H}") preserveAspectRatio="none" role="img"
                            aria-label=format!("Syncs per hour by status. {described}")>
                            {shapes.into_iter().map(|(class, d)| view! { <path class=class d=d></path> }).collect_view()}
                        </svg>
                        <figcaption class="sr-chart-caption" title=caption_title>{described}</figcaption>
                    </figure>
                }
            })}
        </section>
    }
}
