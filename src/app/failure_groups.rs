//! Failure groups: failures with the same error signature (ids, numbers, references and quoted
//! values normalised away), with counts, the newest occurrence and the systems involved. "Show"
//! filters the table to a group; "Resync all" and "Download" act on the whole group.
//!
//! Closed, the panel is one line (how many groups, and the largest); whether it is open is
//! remembered in this browser. Open, the list is one Tab stop: the arrow keys (and Home, End)
//! move between groups, Enter shows the focused group, and Tab reaches only the focused
//! group's own buttons, so a keyboard user gets past twelve groups in one or four presses.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Report;
use crate::format::{entries as n_entries, thousands};

const OPEN_KEY: &str = "sync-report.groups-open";

#[component]
pub fn FailureGroups() -> impl IntoView {
    let report = expect_context::<Report>();
    let groups = Memo::new(move |_| {
        report
            .summary
            .with(|s| s.as_ref().map(|s| s.groups.clone()).unwrap_or_default())
    });
    let open_key = StoredValue::new(format!("{OPEN_KEY}{}", report.storage_suffix.get_value()));
    let open = RwSignal::new(super::stored_flag(&open_key.get_value()).unwrap_or(false));
    // The group that holds the list's one Tab stop.
    let active = RwSignal::new(0usize);
    let list = NodeRef::<leptos::html::Ul>::new();
    let current = move || report.view.with(|v| v.query.filters.failure.clone());
    // Filters the table to a group (failures only).
    let show = move |sig: String| {
        report.update_view(|v| {
            v.query.filters.failure = Some(sig);
            v.query.filters.status.clear();
        })
    };
    let toggle_show = move |sig: &str| {
        if current().as_deref() == Some(sig) {
            report.update_view(|v| v.query.filters.failure = None);
        } else {
            show(sig.to_string());
        }
    };
    let focus_group = move |i: usize| {
        active.set(i);
        if let Some(ul) = list.get_untracked() {
            if let Ok(Some(li)) = ul.query_selector(&format!("li.sr-group:nth-child({})", i + 1)) {
                let _ = li.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = groups.with_untracked(Vec::len);
        let key = ev.key();
        if key == "Enter" {
            // On the group itself; a focused button's Enter is its own click.
            let on_group = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.class_list().contains("sr-group"));
            let i = active.get_untracked();
            if let Some(sig) = groups
                .with_untracked(|g| g.get(i).map(|g| g.signature.clone()))
                .filter(|_| on_group)
            {
                ev.prevent_default();
                toggle_show(&sig);
            }
        } else if let Some(to) = super::roving_target(&key, active.get_untracked(), n) {
            ev.prevent_default();
            focus_group(to);
        }
    };
    // "12 failure groups · largest: Customer not found (95)": the closed panel's one line.
    let line = move || {
        groups.with(|g| {
            let n = g.len();
            let head = format!("Failure groups ({n})");
            match g.iter().max_by_key(|g| g.count) {
                Some(big) if n > 0 => (
                    head,
                    Some(format!(
                        "largest: {} ({})",
                        big.example,
                        thousands(big.count as usize)
                    )),
                ),
                _ => (head, None),
            }
        })
    };
    let hint_id = format!("sr-{}-groups-hint", report.uid);
    view! {
        <Show when=move || !groups.with(Vec::is_empty)>
            <details class="sr-groups" prop:open=move || open.get()
                on:toggle=move |ev| {
                    let now_open = event_target::<web_sys::HtmlDetailsElement>(&ev).open();
                    if now_open != open.get_untracked() {
                        open.set(now_open);
                        super::store_flag(&open_key.get_value(), now_open);
                    }
                }>
                <summary>
                    <span class="sr-groups-title">{move || line().0}</span>
                    {move || line().1.map(|l| view! { <span class="sr-groups-largest">{l}</span> })}
                </summary>
                <p class="sr-visually-hidden" id=hint_id.clone()>
                    "Arrow keys move between groups; Enter shows a group; Tab reaches its buttons."
                </p>
                // tabindex -1: Firefox would make the scrolling list a Tab stop of its own.
                <ul class="sr-groups-list" node_ref=list aria-label="Failure groups" tabindex="-1"
                    aria-describedby=hint_id.clone()
                    on:keydown=on_key>
                    <For each=move || groups.get().into_iter().enumerate()
                        key=|(i, g)| (*i, g.signature.clone(), g.count, g.newest) let:((i, g))>
                        {
                            let sig = g.signature.clone();
                            let sig_show = sig.clone();
                            let sig_resync = sig.clone();
                            let sig_export = sig.clone();
                            let count = g.count as usize;
                            let sig = StoredValue::new(sig);
                            let pressed = move || sig.with_value(|s| current().as_deref() == Some(s.as_str()));
                            // One Tab stop for the list: the active group, then its buttons.
                            let stop = move || if active.get().min(groups.with(Vec::len).saturating_sub(1)) == i { "0" } else { "-1" };
                            view! {
                                <li class="sr-group" class:sr-group--current=pressed tabindex=stop
                                    on:focus=move |_| active.set(i)>
                                    <div class="sr-group-text">
                                        <span class="sr-group-count">{thousands(count)}</span>
                                        <span class="sr-group-example">{g.example.clone()}</span>
                                        <span class="sr-group-meta">
                                            {format!("newest {} UTC · {}", crate::format::stamp(&g.newest, crate::format::Stamp::Minute), g.systems.join(", "))}
                                        </span>
                                    </div>
                                    <div class="sr-group-actions">
                                        <button class="sr-btn" type="button" aria-pressed=move || pressed().to_string()
                                            tabindex=stop
                                            aria-label=format!("Show the {} in this group", n_entries(count))
                                            on:click=move |_| { active.set(i); toggle_show(&sig_show) }>
                                            "Show"
                                        </button>
                                        <button class="sr-btn" type="button" tabindex=stop
                                            aria-label=format!("Resync all {} in this group", n_entries(count))
                                            on:click=move |_| {
                                                active.set(i);
                                                show(sig_resync.clone());
                                                let q = report.view.get_untracked().query;
                                                let at = report.resolved_at();
                                                report.selection.all_matching(q, at, count);
                                                report.resync.open(report);
                                            }>
                                            "Resync all"
                                        </button>
                                        <button class="sr-btn" type="button" tabindex=stop
                                            aria-label=format!("Download the {} in this group as CSV", n_entries(count))
                                            on:click=move |_| {
                                                active.set(i);
                                                show(sig_export.clone());
                                                report.export.confirm_view(count);
                                            }>
                                            "Download"
                                        </button>
                                    </div>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </details>
        </Show>
    }
}
