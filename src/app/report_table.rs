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
use crate::model::row_cache::Slot;
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

/// The table: a scroll container holding only the rows in view (and a few either side)
/// between two spacers, whatever the result's size. Rows not fetched yet are placeholders of the
/// same height; `aria-rowcount` and `aria-rowindex` give the true size and positions.
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
    let slots = Memo::new(move |_| report.slots(report.drawn.get()));
    let scroller = NodeRef::<leptos::html::Div>::new();
    let thead = NodeRef::<leptos::html::Thead>::new();
    // The body's visible height: the container less the sticky header.
    let measure = move || {
        if let (Some(el), Some(head)) = (scroller.get_untracked(), thead.get_untracked()) {
            // Until rows are drawn the box holds only the header: keep the guess.
            let Ok(Some(row)) = el.query_selector("tbody tr.sr-row") else {
                return;
            };
            // Never more than the window: without our stylesheet (blocked by a host, say) the
            // box would grow to the whole body and every row would be drawn.
            let window_px = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(1000.0);
            let h = f64::from(el.client_height()).min(window_px)
                - head.get_bounding_client_rect().height();
            if (h - report.viewport_px.get_untracked()).abs() >= 1.0 {
                report.viewport_px.set(h.max(0.0));
            }
            // Every row has the same height; take it from a drawn one (density, zoom, fonts).
            let px = row.get_bounding_client_rect().height();
            if px >= 1.0 && (px - report.row_px.get_untracked()).abs() >= 0.5 {
                report.row_px.set(px);
            }
        }
    };
    Effect::new(move |_| {
        if let Some(el) = scroller.get() {
            let el: web_sys::HtmlElement = el.into();
            report.set_scroller(Some(el));
            measure();
        }
    });
    // Re-measure when rows first appear or the columns change (row height can follow them).
    // Through a memo, so that scrolling and new results (new slots) do not re-measure: reading
    // the box's height there forced a layout in every frame of a fling.
    let has_rows = Memo::new(move |_| !slots.with(Vec::is_empty));
    Effect::new(move |_| {
        has_rows.track();
        columns.track();
        request_animation_frame(measure);
    });
    let _ =
        leptos_use_event_listener::use_event_listener(window(), leptos::ev::resize, move |_| {
            measure()
        });
    on_cleanup(move || report.set_scroller(None));
    let rowcount = move || (report.total() + 1).to_string();
    // Spacer rows need a cell: a row without one has no height.
    let colspan = move || (columns.with(Vec::len) + 1).to_string();
    // Set through the CSSOM (`style:`), which a strict CSP allows, unlike style attributes.
    let before = move || format!("{}px", report.span.get().before_px);
    let after = move || format!("{}px", report.span.get().after_px);
    view! {
        <div class="sr-table-wrap" node_ref=scroller tabindex="-1"
            on:scroll=move |_| {
                if let Some(el) = scroller.get_untracked() {
                    report.scroll_top.set(f64::from(el.scroll_top()));
                }
            }>
            // The row lines are sized in this box's width (cqw): the scroll box's width less
            // its scrollbar, so the table's own width while it fits.
            <div class="sr-table-sizer">
            <table class="sr-table" aria-label="Sync report" aria-busy=move || report.busy.get().to_string()
                aria-rowcount=rowcount data-state=state>
                <thead node_ref=thead>
                    <tr aria-rowindex="1">
                        <th scope="col" class="sr-col-check"><SelectAll rows=rows/></th>
                        <For each=move || columns.get() key=|c| *c let:c>
                            <HeaderCell column=c/>
                        </For>
                    </tr>
                </thead>
                <tbody>
                    <tr class="sr-spacer" aria-hidden="true"><td colspan=colspan style:height=before></td></tr>
                    <For
                        each=move || slots.get()
                        key=|(i, slot)| match slot {
                            Slot::Loaded(e) => (*i, Some((e.id, e.status.clone(), e.attempts, e.updated_at))),
                            Slot::Loading => (*i, None),
                            Slot::Unreadable => (*i, Some((crate::model::EntryId(u64::MAX), crate::model::Status::Unknown("".into()), 0, None))),
                        }
                        let:((index, slot))
                    >
                        {match slot {
                            Slot::Loaded(e) => view! { <Row entry=*e index=index columns=columns/> }.into_any(),
                            Slot::Loading => view! { <Placeholder index=index columns=columns unreadable=false/> }.into_any(),
                            Slot::Unreadable => view! { <Placeholder index=index columns=columns unreadable=true/> }.into_any(),
                        }}
                    </For>
                    <tr class="sr-spacer" aria-hidden="true"><td colspan=colspan style:height=after></td></tr>
                </tbody>
            </table>
            </div>
        </div>
            {move || match state() {
                "loading" => view! { <p class="sr-state" role="status">"Loading sync report…"</p> }.into_any(),
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
    }
}

/// A row not fetched yet (announced as loading), or one the source could not read: the same
/// height as a row.
#[component]
fn Placeholder(index: usize, columns: Memo<Vec<Column>>, unreadable: bool) -> impl IntoView {
    let span = move || (columns.with(Vec::len) + 1).to_string();
    let text = if unreadable {
        format!(
            "Entry {} could not be read (listed above the table)",
            thousands(index + 1)
        )
    } else {
        format!("Loading row {}…", thousands(index + 1))
    };
    view! {
        <tr class="sr-row sr-row--placeholder" class:sr-row--unreadable=unreadable
            aria-rowindex=(index + 2).to_string() aria-busy=(!unreadable).then_some("true")>
            <td colspan=span><span class="sr-skeleton">{text}</span></td>
        </tr>
    }
}

#[component]
fn SelectAll(rows: Memo<Vec<Entry>>) -> impl IntoView {
    let report = expect_context::<Report>();
    let state = move || {
        let ids: Vec<_> = rows.with(|r| r.iter().map(|e| e.id).collect());
        let src = report.source();
        // Counted through the source, which knows whether a row is in an "all matching"
        // selection (the model's Store-based count served the demo only).
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
fn Row(entry: Entry, index: usize, columns: Memo<Vec<Column>>) -> impl IntoView {
    let report = expect_context::<Report>();
    let id = entry.id;
    let failed = entry.status == crate::model::Status::Failed;
    let now = report.load.with_untracked(|l| {
        if let Load::Ready(w) = l {
            w.at
        } else {
            chrono::Utc::now()
        }
    });
    let stuck = entry.is_stuck(now);
    let select_label = entry.select_label();
    let e = entry.clone();
    let cells = move || {
        columns
            .get()
            .into_iter()
            .map(|c| match c {
                Column::Status => view! {
                    <td class="sr-col-status"><StatusBadge status=e.status.clone()/><RowLine entry=e.clone() now=now/></td>
                }.into_any(),
                Column::SyncId | Column::Reference | Column::SourceId | Column::SourceParentId | Column::EndpointId | Column::EndpointParentId => {
                    let text = c.cell_text(&e, &chrono::Utc).into_owned();
                    let title = text.clone();
                    view! { <td class="sr-mono" title=title>{text}</td> }.into_any()
                }
                Column::CreatedLocal => view! { <td>{c.cell_text(&e, &chrono::Local).into_owned()}</td> }.into_any(),
                c => {
                    let text = c.cell_text(&e, &chrono::Utc).into_owned();
                    let title = text.clone();
                    view! { <td title=title>{text}</td> }.into_any()
                }
            })
            .collect_view()
    };
    let selected = move || report.is_selected(id);
    // Removed once scrolled out of view: if it had the focus, keep the keyboard in the report.
    // After the removal (the browser has let go of the focus by then).
    on_cleanup(move || {
        request_animation_frame(move || report.keep_focus_in_table(id));
    });
    view! {
        <tr class="sr-row" class:sr-row--failed=failed class:sr-row--stuck=stuck class:sr-row--selected=selected
            class:sr-row--active=move || report.active.get() == Some(id) tabindex="-1"
            aria-rowindex=(index + 2).to_string()
            data-id=id.to_string() on:focusin=move |_| report.active.set(Some(id))>
            <td class="sr-col-check">
                <input type="checkbox" aria-label=select_label
                    prop:checked=selected
                    on:change=move |ev| report.set_selected(&[id], event_target_checked(&ev)) />
            </td>
            {cells}
        </tr>
    }
}

/// The line under a row's cells: retry state, and a failure's reason with its "Error details"
/// link. Inside the status cell (screen readers read it with the status), drawn across the row.
#[component]
fn RowLine(entry: Entry, now: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let report = expect_context::<Report>();
    let retry = entry.retry_state(now).map(|r| (r.describe(now), r.stuck));
    let failed = entry.status == crate::model::Status::Failed;
    let message = entry.message().map(str::to_owned).filter(|_| failed);
    if retry.is_none() && message.is_none() {
        return None;
    }
    Some(view! {
        <div class="sr-rowline">
            {retry.map(|(text, stuck)| view! {
                <span class="sr-retry" class:sr-retry--stuck=stuck>
                    {stuck.then(|| view! { <span class="sr-stuck-tag">"Stuck"</span>" " })}
                    {text}
                </span>
            })}
            {message.map(|m| {
                let entry = entry.clone();
                let title = m.clone();
                // The link first: the reason is clamped at the row's end, which in a narrow
                // report can be scrolled out of view; the link must stay reachable.
                view! {
                    <button class="sr-link" type="button"
                        on:click=move |_| report.details.set(Some(entry.clone()))>
                        "Error details"
                    </button>
                    <span class="sr-msg" title=title>{m}</span>
                }
            })}
        </div>
    })
}
