//! The report table: sortable headers with filters, one row per entry, failure messages under
//! failed rows, and the empty, loading and error states.

use leptos::prelude::*;

use super::header_filter::HeaderFilter;
use super::state::Load;
use super::status_badge::StatusBadge;
use super::Report;
use crate::format::{entries as n_entries, thousands};
use crate::model::column::Column;
use crate::model::entry::Entry;
use crate::model::query::View;
use crate::model::selection::Tristate;

/// The browser's IANA time zone ("Europe/London"), for the local time header.
fn local_zone() -> String {
    let fmt = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&fmt.resolved_options(), &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "local".to_string())
}

fn header_label(c: Column) -> String {
    match c {
        Column::CreatedLocal => format!("Date/Time (local: {})", local_zone()),
        c => c.label().to_string(),
    }
}

/// "1,204 of 48,311 entries", clear-all, and what could not be read.
#[component]
pub fn Summary() -> impl IntoView {
    let report = expect_context::<Report>();
    let has_filters = move || report.view.with(|v| v.query.has_filters());
    view! {
        <div class="sr-summary">
            <p class="sr-count" aria-live="polite">
                {move || report.load.with(|l| match l {
                    Load::Ready(w) if w.total == w.in_range => n_entries(w.total),
                    Load::Ready(w) => format!("{} of {}", thousands(w.total), n_entries(w.in_range)),
                    Load::Loading => "Loading…".to_string(),
                    Load::Failed(_) => String::new(),
                })}
            </p>
            <Show when=move || report.busy.get()>
                <span class="sr-spinner" aria-hidden="true"></span>
            </Show>
            <Show when=has_filters>
                <button class="sr-btn sr-btn--quiet" type="button"
                    on:click=move |_| report.update_view(|v| *v = View { toggles: v.toggles, ..View::default() })>
                    "Clear all filters"
                </button>
            </Show>
            {move || report.load.with(|l| match l {
                Load::Ready(w) if !w.rejected.is_empty() => Some(view! {
                    <details class="sr-rejected">
                        <summary>{format!("{} could not be read and {} not shown", n_entries(w.rejected.len()), if w.rejected.len() == 1 { "is" } else { "are" })}</summary>
                        <ul>{w.rejected.iter().map(|r| view! { <li>{r.to_string()}</li> }).collect_view()}</ul>
                    </details>
                }),
                _ => None,
            })}
            {move || report.load.with(|l| match l {
                Load::Ready(w) if !w.unavailable.is_empty() => Some(view! {
                    <div class="sr-unavailable" role="status">
                        <p>{format!("{} did not answer, so {} entries are missing:", if w.unavailable.len() == 1 { "One company group".to_string() } else { format!("{} company groups", w.unavailable.len()) }, if w.unavailable.len() == 1 { "its" } else { "their" })}</p>
                        <ul>{w.unavailable.iter().map(|p| view! { <li><strong>{p.integration_name.clone()}</strong>": "{p.message.clone()}</li> }).collect_view()}</ul>
                    </div>
                }),
                _ => None,
            })}
        </div>
    }
}

#[component]
pub fn ReportTable() -> impl IntoView {
    let report = expect_context::<Report>();
    let columns = Memo::new(move |_| {
        Column::visible_columns(report.view.with(|v| v.toggles)).collect::<Vec<_>>()
    });
    let rows = report.rows;
    let state = move || {
        report.load.with(|l| match l {
            Load::Loading => "loading",
            Load::Failed(_) => "error",
            Load::Ready(w) if w.total == 0 => "empty",
            Load::Ready(_) => "ready",
        })
    };
    view! {
        <div class="sr-table-wrap">
            <table class="sr-table" aria-label="Sync report" aria-busy=move || report.busy.get().to_string()
                data-state=state>
                <thead>
                    <tr>
                        <th scope="col" class="sr-col-check"><SelectAll rows=rows/></th>
                        <For each=move || columns.get() key=|c| *c let:c>
                            <HeaderCell column=c/>
                        </For>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|e| (e.id, e.status.clone(), e.attempts, e.updated_at)
                        let:e
                    >
                        <Row entry=e columns=columns/>
                    </For>
                </tbody>
            </table>
            {move || match state() {
                "loading" => view! { <p class="sr-state">"Loading sync report…"</p> }.into_any(),
                "empty" => view! {
                    <div class="sr-state sr-state--empty">
                        <p>"No sync records found for the current filters"</p>
                        <button class="sr-btn" type="button"
                            on:click=move |_| report.update_view(|v| *v = View { toggles: v.toggles, ..View::default() })>
                            "Clear all filters"
                        </button>
                    </div>
                }.into_any(),
                "error" => {
                    let msg = report.load.with(|l| if let Load::Failed(e) = l { e.to_string() } else { String::new() });
                    view! {
                        <div class="sr-state sr-state--error" role="alert">
                            <p><strong>"The sync report could not be loaded. "</strong>{msg}</p>
                            <button class="sr-btn" type="button" on:click=move |_| report.reload()>"Retry"</button>
                        </div>
                    }.into_any()
                }
                _ => ().into_any(),
            }}
        </div>
    }
}

#[component]
fn SelectAll(rows: Memo<Vec<Entry>>) -> impl IntoView {
    let report = expect_context::<Report>();
    let state = move || {
        let ids: Vec<_> = rows.with(|r| r.iter().map(|e| e.id).collect());
        let src = report.source();
        report.selection.with(|s| {
            let on = ids
                .iter()
                .filter(|&&id| src.selection_contains(s, id))
                .count();
            match on {
                0 => Tristate::None,
                n if n == ids.len() => Tristate::All,
                _ => Tristate::Some,
            }
        })
    };
    view! {
        <input type="checkbox" aria-label="Select all"
            prop:checked=move || state() == Tristate::All && !rows.with(Vec::is_empty)
            prop:indeterminate=move || state() == Tristate::Some
            disabled=move || rows.with(Vec::is_empty)
            on:change=move |_| {
                let ids: Vec<_> = rows.with_untracked(|r| r.iter().map(|e| e.id).collect());
                let all = state() == Tristate::All;
                report.set_selected(&ids, !all);
            } />
    }
}

#[component]
fn HeaderCell(column: Column) -> impl IntoView {
    let report = expect_context::<Report>();
    let sort = move || report.view.with(|v| v.query.sort);
    let aria_sort = move || {
        column.sortable().then(|| {
            let s = sort();
            if s.column == column {
                s.direction.aria()
            } else {
                "none"
            }
        })
    };
    let label = header_label(column);
    let arrow = move || {
        let s = sort();
        if s.column != column {
            "↕"
        } else if s.direction == crate::model::Direction::Asc {
            "↑"
        } else {
            "↓"
        }
    };
    view! {
        <th scope="col" aria-sort=aria_sort class=format!("sr-col-{:?}", column).to_lowercase()>
            <div class="sr-th">
                {if column.sortable() {
                    view! {
                        <button class="sr-sort-btn" type="button"
                            on:click=move |_| report.update_view(|v| v.query.sort = v.query.sort.clicked(column))>
                            {label.clone()}
                            <span class="sr-sort-arrow" aria-hidden="true">{arrow}</span>
                        </button>
                    }.into_any()
                } else {
                    view! { <span>{label.clone()}</span> }.into_any()
                }}
                <HeaderFilter column=column/>
            </div>
        </th>
    }
}

#[component]
fn Row(entry: Entry, columns: Memo<Vec<Column>>) -> impl IntoView {
    let report = expect_context::<Report>();
    let id = entry.id;
    let failed = entry.status == crate::model::Status::Failed;
    let stuck = entry.is_stuck(report.load.with_untracked(|l| {
        if let Load::Ready(w) = l {
            w.at
        } else {
            chrono::Utc::now()
        }
    }));
    let select_label = entry.select_label();
    let e = entry.clone();
    let cells = move || {
        columns
            .get()
            .into_iter()
            .map(|c| match c {
                Column::Status => {
                    let now = report.load.with_untracked(|l| if let Load::Ready(w) = l { w.at } else { chrono::Utc::now() });
                    let retry = e.retry_state(now).map(|r| (r.describe(now), r.stuck));
                    view! {
                        <td>
                            <StatusBadge status=e.status.clone()/>
                            {retry.map(|(text, stuck)| view! {
                                <span class="sr-retry" class:sr-retry--stuck=stuck>
                                    {stuck.then(|| view! { <span class="sr-stuck-tag">"Stuck"</span>" " })}
                                    {text}
                                </span>
                            })}
                        </td>
                    }.into_any()
                }
                Column::SyncId | Column::Reference | Column::SourceId | Column::SourceParentId | Column::EndpointId | Column::EndpointParentId => {
                    view! { <td class="sr-mono">{c.cell_text(&e, &chrono::Utc).into_owned()}</td> }.into_any()
                }
                Column::LatestSync => view! { <td class="sr-latest">{c.cell_text(&e, &chrono::Utc).into_owned()}</td> }.into_any(),
                Column::Systems => view! { <td class="sr-nowrap">{c.cell_text(&e, &chrono::Utc).into_owned()}</td> }.into_any(),
                Column::CreatedLocal => view! { <td class="sr-nowrap">{c.cell_text(&e, &chrono::Local).into_owned()}</td> }.into_any(),
                Column::CreatedUtc => view! { <td class="sr-nowrap">{c.cell_text(&e, &chrono::Utc).into_owned()}</td> }.into_any(),
                c => view! { <td>{c.cell_text(&e, &chrono::Utc).into_owned()}</td> }.into_any(),
            })
            .collect_view()
    };
    let selected = move || report.is_selected(id);
    let message = entry.message.clone().filter(|_| failed);
    let span = move || (columns.with(Vec::len)).to_string();
    view! {
        <tr class="sr-row" class:sr-row--failed=failed class:sr-row--stuck=stuck class:sr-row--selected=selected
            class:sr-row--active=move || report.active.get() == Some(id) tabindex="-1"
            data-id=id.to_string() on:focusin=move |_| report.active.set(Some(id))>
            <td class="sr-col-check">
                <input type="checkbox" aria-label=select_label
                    prop:checked=selected
                    on:change=move |ev| report.set_selected(&[id], event_target_checked(&ev)) />
            </td>
            {cells}
        </tr>
        {message.map(|m| {
            let entry = entry.clone();
            view! {
                <tr class="sr-msgrow">
                    <td></td>
                    <td colspan=span>
                        <div class="sr-msgline">
                            <span class="sr-msg">{m}</span>
                            <button class="sr-link" type="button"
                                on:click=move |_| report.details.set(Some(entry.clone()))>
                                "Error details"
                            </button>
                        </div>
                    </td>
                </tr>
            }
        })}
    }
}
