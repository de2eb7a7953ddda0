//! The ellipsis "Actions" menu: CSV downloads, resync of the selection, a link to this view.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::dialogs::{outcome_text, run_resync, Modal};
use super::state::Load;
use super::Report;
use crate::format::{entries as n_entries, thousands};
use crate::model::entry::{Entry, EntryId};
use crate::model::resync::{self, Refusal, ResyncOutcome, ResyncResult};
use crate::source::{ExportOutcome, Progress};

#[derive(Clone, Debug, PartialEq)]
enum ExportStep {
    Closed,
    Confirm {
        ids: Option<Vec<EntryId>>,
        count: usize,
    },
    Running {
        done: usize,
        total: usize,
    },
    /// Listing the selection's entries (a backend without `/ids` is paged through).
    Listing,
}

#[derive(Clone, Debug, PartialEq)]
enum ResyncStep {
    Closed,
    Loading,
    Confirm {
        ok: Vec<Entry>,
        refused: Vec<(Entry, Refusal)>,
    },
    Running {
        count: usize,
    },
    Done {
        outcomes: Vec<(String, String)>,
        queued: usize,
        refused: usize,
    },
}

/// The file being written, handed to the browser as it grows: rows are written into wasm
/// memory and every 16 MB become a Blob read straight out of it (inside the export's
/// time-budgeted steps), so the bytes are copied once and finishing a million-row file is one
/// cheap Blob of Blobs.
/// Measured in Chromium 156: each Blob costs a few ms beyond its bytes, so 17.6 MB took 46 ms
/// as Blobs of 350 KB, about 22 ms as Blobs of 4 MB and 15 ms as Blobs of 16 MB.
struct FileParts {
    blobs: js_sys::Array,
    pending: Vec<u8>,
    /// The file's expected size, to size the buffer once.
    expected: usize,
    /// Why a part could not be kept: the file would miss rows, so it is not saved.
    failed: Option<String>,
}

impl FileParts {
    const BLOB_BYTES: usize = 16 << 20;
    /// Room for what one step writes past a full part: 2,000 demo rows are about 360 KB, an
    /// API page of 1,000 entries with long error texts can be more.
    const STEP_BYTES: usize = 1 << 20;

    fn new(rows: usize) -> Self {
        FileParts {
            blobs: js_sys::Array::new(),
            pending: Vec::new(),
            // Rows are about 180 bytes.
            expected: rows.saturating_mul(200),
            failed: None,
        }
    }

    /// Lets `write` append to the part being filled; seals the part once it is full.
    fn write(&mut self, write: &mut dyn FnMut(&mut Vec<u8>)) {
        if self.pending.capacity() == 0 {
            // Once per export: room for a part and a step that completes it (for a small
            // file, for the file). A step that writes more makes the buffer grow.
            self.pending
                .reserve(self.expected.min(Self::BLOB_BYTES) + self.expected.min(Self::STEP_BYTES));
        }
        write(&mut self.pending);
        if self.pending.len() >= Self::BLOB_BYTES {
            self.seal();
        }
    }

    fn seal(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let parts = js_sys::Array::new();
        // SAFETY: the view is only read by the Blob constructor, which copies it before
        // anything runs that could allocate in (and so move) wasm memory; it is dropped at once.
        let view = unsafe { js_sys::Uint8Array::view(&self.pending) };
        parts.push(&view);
        match web_sys::Blob::new_with_u8_array_sequence(&parts) {
            Ok(b) => {
                self.blobs.push(&b);
            }
            Err(e) if self.failed.is_none() => self.failed = Some(format!("{e:?}")),
            Err(_) => {}
        }
        self.pending.clear();
    }

    fn finish(mut self) -> Result<web_sys::Blob, String> {
        self.seal();
        if let Some(e) = self.failed {
            return Err(format!(
                "part of the file could not be kept in memory ({e})"
            ));
        }
        let opts = web_sys::BlobPropertyBag::new();
        opts.set_type("text/csv;charset=utf-8");
        web_sys::Blob::new_with_blob_sequence_and_options(&self.blobs, &opts)
            .map_err(|e| format!("{e:?}"))
    }
}

/// Saves a finished file through a Blob and a temporary link.
fn save_file(parts: FileParts, filename: &str) -> Result<(), String> {
    let blob = parts.finish()?;
    crate::perf::mark("csv-ready");
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let a: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(|e| format!("{e:?}"))?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(filename);
    a.set_class_name("sr-hidden");
    let body = document().body().ok_or("no document body")?;
    let _ = body.append_child(&a);
    a.click();
    let _ = body.remove_child(&a);
    // Revoke later: revoking at once can cancel the download in some browsers.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

#[component]
pub fn ActionsMenu() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    let export = RwSignal::new(ExportStep::Closed);
    // How far listing "all matching" got, when the backend has to be paged through for it.
    let listing = RwSignal::new(None::<Progress>);
    let resync_step = RwSignal::new(ResyncStep::Closed);
    // Set by "Cancel download"; read between chunks.
    let cancel = RwSignal::new(false);
    let selected = Memo::new(move |_| {
        report.selection.track();
        report.data_version.track();
        report.selection_count()
    });

    // Focus the first item when the menu opens; arrows move, Escape closes.
    Effect::new(move |_| {
        if open.get() {
            if let Some(m) = menu.get() {
                if let Ok(Some(first)) = m.query_selector("[role=menuitem]:not([disabled])") {
                    if let Ok(el) = first.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        }
    });
    let button = NodeRef::<leptos::html::Button>::new();
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        if key == "Escape" {
            super::close_popover(open, button);
            return;
        }
        if key != "ArrowDown" && key != "ArrowUp" {
            return;
        }
        ev.prevent_default();
        let Some(m) = menu.get() else { return };
        let Ok(items) = m.query_selector_all("[role=menuitem]:not([disabled])") else {
            return;
        };
        let n = items.length();
        if n == 0 {
            return;
        }
        let active = document().active_element();
        let mut idx = 0;
        for i in 0..n {
            if let (Some(item), Some(a)) = (items.item(i), active.as_ref()) {
                if item.is_same_node(Some(a)) {
                    idx = i;
                }
            }
        }
        let next = if key == "ArrowDown" {
            (idx + 1) % n
        } else {
            (idx + n - 1) % n
        };
        if let Some(el) = items
            .item(next)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };

    let start_export = move |ids: Option<Vec<EntryId>>| {
        open.set(false);
        let count = match &ids {
            Some(ids) => ids.len(),
            None => report
                .load
                .with_untracked(|l| if let Load::Ready(w) = l { w.total } else { 0 }),
        };
        export.set(ExportStep::Confirm { ids, count });
    };
    let run_export = move || {
        let ExportStep::Confirm { ids, count } = export.get_untracked() else {
            return;
        };
        let selected_only = ids.is_some();
        let query = report.view.get_untracked().query;
        let at = report.load.with_untracked(|l| {
            if let Load::Ready(w) = l {
                w.at
            } else {
                chrono::Utc::now()
            }
        });
        let filename = if selected_only {
            format!(
                "sync-report_selected-{count}_{}.csv",
                query.range.file_stem(at)
            )
        } else {
            format!("sync-report_{}.csv", query.range.file_stem(at))
        };
        export.set(ExportStep::Running {
            done: 0,
            total: count,
        });
        cancel.set(false);
        let src = report.source();
        crate::perf::mark("csv-start");
        leptos::task::spawn_local(async move {
            let chunks = Rc::new(RefCell::new(FileParts::new(count)));
            let sink = chunks.clone();
            let result = src
                .export_csv(
                    query,
                    ids,
                    Box::new(move |write: &mut dyn FnMut(&mut Vec<u8>)| {
                        sink.borrow_mut().write(write)
                    }),
                    Box::new(move |p: Progress| {
                        export.set(ExportStep::Running {
                            done: p.done,
                            total: p.total,
                        });
                        !cancel.get_untracked()
                    }),
                )
                .await;
            crate::perf::mark("csv-written");
            export.set(ExportStep::Closed);
            match &result {
                Ok(ExportOutcome::Complete { rows, skipped }) => report.emit(
                    "export-completed",
                    serde_json::json!({
                        "rows": rows, "skipped": skipped, "filename": filename,
                        "selectedOnly": selected_only,
                    }),
                ),
                Err(e) => report.emit(
                    "error",
                    serde_json::json!({ "during": "export", "message": e.to_string() }),
                ),
                Ok(ExportOutcome::Cancelled { .. }) => {}
            }
            match result {
                Ok(ExportOutcome::Complete { rows, skipped }) => {
                    let parts = std::mem::replace(&mut *chunks.borrow_mut(), FileParts::new(0));
                    match save_file(parts, &filename) {
                        Ok(()) if skipped > 0 => report.notify(format!(
                            "Downloaded {} as {filename}. {} could not be read from the server and {} not in the file.",
                            n_entries(rows),
                            n_entries(skipped),
                            if skipped == 1 { "is" } else { "are" }
                        )),
                        Ok(()) => {
                            report.notify(format!("Downloaded {} as {filename}.", n_entries(rows)))
                        }
                        Err(e) => report.notify(format!("The download could not be started: {e}")),
                    }
                }
                Ok(ExportOutcome::Cancelled { rows }) => report.notify(format!(
                    "Download cancelled after {}; no file was saved.",
                    n_entries(rows)
                )),
                Err(e) => report.notify(format!("The download failed and no file was saved: {e}")),
            }
        });
    };

    let start_resync = move || {
        open.set(false);
        resync_step.set(ResyncStep::Loading);
        let src = report.source();
        let selection = report.selection.get_untracked();
        leptos::task::spawn_local(async move {
            let entries = match src.selection_ids(selection, listed(listing)).await {
                Ok(ids) => src.entries(ids).await,
                Err(e) => Err(e),
            };
            match entries {
                Ok(entries) => {
                    let (mut ok, mut refused) = (Vec::new(), Vec::new());
                    for e in entries {
                        match resync::check(&e) {
                            Ok(()) => ok.push(e),
                            Err(r) => refused.push((e, r)),
                        }
                    }
                    resync_step.set(ResyncStep::Confirm { ok, refused });
                }
                Err(e) => {
                    resync_step.set(ResyncStep::Closed);
                    report.notify(format!("Could not prepare the resync: {e}"));
                }
            }
        });
    };
    // A failure group's "Download" asks for the export confirmation.
    Effect::new(move |prev: Option<()>| {
        let req = report.export_request.get();
        if prev.is_some() {
            if let Some(count) = req {
                if export.get_untracked() == ExportStep::Closed {
                    export.set(ExportStep::Confirm { ids: None, count });
                }
            }
        }
    });
    // The `r` key asks for the same confirmation.
    Effect::new(move |prev: Option<u64>| {
        let n = report.resync_request.get();
        if prev.is_some_and(|p| p != n) && resync_step.get_untracked() == ResyncStep::Closed {
            start_resync();
        }
        n
    });
    let confirm_resync = move || {
        let ResyncStep::Confirm { ok, refused } = resync_step.get_untracked() else {
            return;
        };
        // The step change disables the button before anything is sent: no double submission.
        resync_step.set(ResyncStep::Running { count: ok.len() });
        let names: std::collections::HashMap<EntryId, String> = ok
            .iter()
            .chain(refused.iter().map(|(e, _)| e))
            .map(|e| (e.id, e.display_name()))
            .collect();
        let ids: Vec<EntryId> = ok.iter().map(|e| e.id).collect();
        leptos::task::spawn_local(async move {
            match run_resync(report, ids).await {
                Ok(outcomes) => {
                    let mut all: Vec<ResyncOutcome> = outcomes;
                    all.extend(refused.into_iter().map(|(e, reason)| ResyncOutcome {
                        id: e.id,
                        result: ResyncResult::Refused { reason },
                    }));
                    let queued = all
                        .iter()
                        .filter(|o| matches!(o.result, ResyncResult::Accepted { .. }))
                        .count();
                    let lines = all
                        .iter()
                        .map(|o| {
                            (
                                names
                                    .get(&o.id)
                                    .cloned()
                                    .unwrap_or_else(|| format!("Entry {}", o.id)),
                                outcome_text(o),
                            )
                        })
                        .collect();
                    report.selection.update(|s| s.clear());
                    resync_step.set(ResyncStep::Done {
                        outcomes: lines,
                        queued,
                        refused: all.len() - queued,
                    });
                }
                Err(e) => {
                    resync_step.set(ResyncStep::Closed);
                    report.notify(format!(
                        "The resync request failed; nothing was resynced: {e}"
                    ));
                }
            }
        });
    };

    let copy_link = move || {
        open.set(false);
        let href = window().location().href().unwrap_or_default();
        let promise = window().navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => report.notify("Link to this view copied to the clipboard."),
                Err(_) => report.notify(format!("Copy this link to share the view: {href}")),
            }
        });
    };

    view! {
        <div class="sr-popover-anchor" node_ref=root>
            <button class="sr-btn sr-icon-btn sr-actions-btn" type="button" aria-label="Actions" aria-haspopup="menu" node_ref=button
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">"⋯"</span>
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover sr-menu" role="menu" aria-label="Actions" node_ref=menu on:keydown=on_menu_key>
                    <button role="menuitem" type="button" class="sr-menuitem" on:click=move |_| start_export(None)>"Download as CSV"</button>
                    <button role="menuitem" type="button" class="sr-menuitem" disabled=move || selected.get() == 0
                        on:click=move |_| {
                            let src = report.source();
                            let selection = report.selection.get_untracked();
                            open.set(false);
                            export.set(ExportStep::Listing);
                            leptos::task::spawn_local(async move {
                                let ids = src.selection_ids(selection, listed(listing)).await;
                                export.set(ExportStep::Closed);
                                match ids {
                                    Ok(ids) => start_export(Some(ids)),
                                    Err(e) => report.notify(format!("Could not list the selected entries: {e}")),
                                }
                            });
                        }>
                        "Download selected as CSV"
                    </button>
                    <button role="menuitem" type="button" class="sr-menuitem" disabled=move || selected.get() == 0
                        on:click=move |_| start_resync()>
                        "Resync selected"
                    </button>
                    <button role="menuitem" type="button" class="sr-menuitem" on:click=move |_| copy_link()>"Copy link to this view"</button>
                </div>
            </Show>

            <Modal open=Signal::derive(move || export.with(|s| *s != ExportStep::Closed))
                on_close=move |_| { if matches!(export.get_untracked(), ExportStep::Confirm { .. }) { export.set(ExportStep::Closed) } }
                label="Download as CSV">
                {
                    move || match export.get() {
                        ExportStep::Confirm { count, ids } => {
                            view! {
                                <h2 class="sr-dialog-title">{if ids.is_some() { "Download selected as CSV" } else { "Download as CSV" }}</h2>
                                <p>{format!("The file will hold {}: every column, timestamps in UTC.", n_entries(count))}</p>
                                <div class="sr-dialog-actions">
                                    <button class="sr-btn" type="button" on:click=move |_| export.set(ExportStep::Closed)>"Cancel"</button>
                                    <button class="sr-btn sr-btn--primary" type="button" disabled=count == 0 on:click=move |_| run_export()>
                                        {format!("Download {}", n_entries(count))}
                                    </button>
                                </div>
                            }.into_any()
                        }
                        ExportStep::Running { done, total } => {
                            view! {
                                <h2 class="sr-dialog-title">"Preparing CSV"</h2>
                                <progress class="sr-progress" max=total.max(1).to_string() value=done.to_string() aria-label="Export progress"></progress>
                                <p aria-live="polite">{format!("{} of {} entries written", thousands(done), thousands(total))}</p>
                                <div class="sr-dialog-actions">
                                    <button class="sr-btn" type="button" on:click=move |_| cancel.set(true)>"Cancel download"</button>
                                </div>
                            }.into_any()
                        }
                        ExportStep::Listing => view! {
                            <h2 class="sr-dialog-title">"Download selected as CSV"</h2>
                            <p>"Listing the selected entries…"</p>
                            <ListingProgress listing/>
                        }.into_any(),
                        ExportStep::Closed => ().into_any(),
                    }
                }
            </Modal>

            <Modal open=Signal::derive(move || resync_step.with(|s| *s != ResyncStep::Closed))
                on_close=move |_| { if !matches!(resync_step.get_untracked(), ResyncStep::Running { .. }) { resync_step.set(ResyncStep::Closed) } }
                label="Resync selected">
                {move || match resync_step.get() {
                    ResyncStep::Loading => view! { <p>"Checking the selected entries…"</p> <ListingProgress listing/> }.into_any(),
                    ResyncStep::Confirm { ok, refused } => {
                        let n_ok = ok.len();
                        view! {
                            <h2 class="sr-dialog-title">"Resync selected"</h2>
                            <p>{if n_ok == 0 { "None of the selected entries can be resynced.".to_string() } else { format!("{} will be resynced:", n_entries(n_ok)) }}</p>
                            <ul class="sr-list">
                                {ok.iter().take(50).map(|e| view! { <li>{e.display_name()}</li> }).collect_view()}
                                {(n_ok > 50).then(|| view! { <li>{format!("and {} more", thousands(n_ok - 50))}</li> })}
                            </ul>
                            {(!refused.is_empty()).then(|| view! {
                                <h3 class="sr-dialog-sub">{format!("{} cannot be resynced", n_entries(refused.len()))}</h3>
                                <ul class="sr-list sr-list--refused">
                                    {refused.iter().take(50).map(|(e, r)| view! { <li><strong>{e.display_name()}</strong>": "{r.to_string()}</li> }).collect_view()}
                                    {(refused.len() > 50).then(|| view! { <li>{format!("and {} more", thousands(refused.len() - 50))}</li> })}
                                </ul>
                            })}
                            <div class="sr-dialog-actions">
                                <button class="sr-btn" type="button" on:click=move |_| resync_step.set(ResyncStep::Closed)>"Cancel"</button>
                                <button class="sr-btn sr-btn--primary" type="button" disabled=n_ok == 0 on:click=move |_| confirm_resync()>
                                    {format!("Resync {}", n_entries(n_ok))}
                                </button>
                            </div>
                        }.into_any()
                    }
                    ResyncStep::Running { count } => view! {
                        <h2 class="sr-dialog-title">"Resync selected"</h2>
                        <p aria-live="polite">{format!("Resyncing {}…", n_entries(count))}</p>
                        <div class="sr-dialog-actions"><button class="sr-btn sr-btn--primary" type="button" disabled=true>"Resyncing…"</button></div>
                    }.into_any(),
                    ResyncStep::Done { outcomes, queued, refused } => view! {
                        <h2 class="sr-dialog-title">"Resync requested"</h2>
                        <p role="status">{format!("{} queued, {} not resynced.", thousands(queued), thousands(refused))}</p>
                        <ul class="sr-list sr-outcomes">
                            {outcomes.iter().take(200).map(|(name, text)| view! { <li><strong>{name.clone()}</strong>": "{text.clone()}</li> }).collect_view()}
                        </ul>
                        <div class="sr-dialog-actions"><button class="sr-btn" type="button" on:click=move |_| resync_step.set(ResyncStep::Closed)>"Close"</button></div>
                    }.into_any(),
                    ResyncStep::Closed => ().into_any(),
                }}
            </Modal>
        </div>
    }
}

/// Where listing the selection reports its progress (from the start: none yet).
fn listed(listing: RwSignal<Option<Progress>>) -> Box<dyn FnMut(Progress)> {
    listing.set(None);
    Box::new(move |p| listing.set(Some(p)))
}

/// How far listing the selection got, when it takes pages of the report (a backend without
/// `GET /sync-reports/ids`); nothing while no page was needed.
#[component]
fn ListingProgress(listing: RwSignal<Option<Progress>>) -> impl IntoView {
    move || {
        listing.get().map(|Progress { done, total }| {
            view! {
                <progress class="sr-progress" max=total.max(1).to_string() value=done.to_string() aria-label="Listing progress"></progress>
                <p aria-live="polite">{format!("Reading the report's pages for the selected entries: {} of {}", thousands(done), thousands(total))}</p>
            }
        })
    }
}
