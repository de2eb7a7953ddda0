//! One entry's row: its checkbox and cells, with the row line under them.

use leptos::prelude::*;

use super::row_line::RowLine;
use super::status_badge::StatusBadge;
use super::Report;
use crate::model::column::Column;
use crate::model::entry::Entry;

#[component]
pub fn Row(entry: Entry, index: usize, columns: Memo<Vec<Column>>) -> impl IntoView {
    let report = expect_context::<Report>();
    let id = entry.id;
    let failed = entry.status == crate::model::Status::Failed;
    let now = report.resolved_at();
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
                Column::Reference if super::state::ItemHistory::offered(&e) => {
                    let text = c.cell_text(&e, &chrono::Utc).into_owned();
                    let title = text.clone();
                    let label = super::history_dialog::title(&e);
                    let entry = e.clone();
                    view! {
                        // The action first and inline: a long reference is cut short after
                        // it, and the cell holds no block (a flex box here made WebKit move the
                        // scroll position back at the end of a million rows).
                        <td class="sr-mono" title=title>
                            <button class="sr-row-action" type="button" aria-label=label title="History"
                                on:click=move |_| report.history.open(report, entry.clone())>
                                // A glyph, not an inline SVG: a thousand rows' SVGs made WebKit
                                // pull the scroll position back at the end of a million rows.
                                <span class="sr-row-action-icon" aria-hidden="true">"↺"</span>
                            </button>
                            <span class="sr-ref-text">{text}</span>
                        </td>
                    }.into_any()
                }
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
    let selected = move || report.selection.contains(id);
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
                    on:change=move |ev| report.selection.set(&[id], event_target_checked(&ev)) />
            </td>
            {cells}
        </tr>
    }
}
