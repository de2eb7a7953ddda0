//! The report table: sortable headers with filters, one row per entry (failure messages under
//! failed rows), virtualised: only the rows in view are drawn.

use leptos::prelude::*;

use super::header_cell::HeaderCell;
use super::placeholder_row::Placeholder;
use super::select_all::SelectAll;
use super::table_row::Row;
use super::table_state::{TableMessage, TableState};
use super::Report;
use crate::model::column::Column;
use crate::model::row_cache::Slot;

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
    let state = Memo::new(move |_| report.load.with(TableState::of));
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
            // Every row has the same height; take it from a drawn one (density, zoom, fonts).
            report.measured(h, Some(row.get_bounding_client_rect().height()));
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
    let before = move || px(report.span.get().before_px);
    let after = move || px(report.span.get().after_px);
    view! {
        <div class="sr-table-wrap" node_ref=scroller tabindex="-1"
            on:scroll=move |_| {
                if let Some(el) = scroller.get_untracked() {
                    report.scrolled(f64::from(el.scroll_top()));
                }
            }>
            // The row lines are sized in this box's width (cqw): the scroll box's width less
            // its scrollbar, so the table's own width while it fits.
            <div class="sr-table-sizer">
            <table class="sr-table" aria-label="Sync report" aria-busy=move || report.busy.get().to_string()
                aria-rowcount=rowcount data-state=move || state.get().key()>
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
            <TableMessage state=state/>
    }
}

/// A CSS length in px (through ryu, not core's float formatting: `crate::format`).
pub(crate) fn px(v: f64) -> String {
    crate::format::with_shortest(v, |s| format!("{s}px"))
}
