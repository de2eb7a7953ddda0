//! The page's reactive state: the view (mirrored in the URL), the rows held for the viewport
//! (fetched by block as the user scrolls), and one small type per feature: the selection
//! ([`Selected`]), the notices ([`Notices`]), an export ([`ExportJob`]), a resync
//! ([`ResyncJob`]) and an item's history ([`ItemHistory`]), each changed only through its methods. Components read it from context and
//! ask each other for things through those methods (typed commands), never through counters;
//! the model does the work.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::host_event::{During, HostEvent};
use crate::model::entry::{Entry, EntryId};
use crate::model::query::{DateRange, RangeNotice, View};
use crate::model::row_cache::{RowCache, BLOCK, MAX_BLOCKS};
use crate::model::viewport::{Layout, Span, OVERSCAN};
use crate::source::{DataSource, SourceError, Window};

pub mod export;
pub mod history;
pub mod live;
pub mod notices;
pub mod resync;
pub mod selection;

pub use export::{ExportJob, ExportStep};
pub use history::{HistoryStep, ItemHistory};
pub use live::{LiveJob, LiveSettings, LiveStatus};
pub use notices::Notices;
pub use resync::{ResyncJob, ResyncStep};
pub use selection::Selected;

/// A row's height until the table has measured one (the default density's).
pub const DEFAULT_ROW_PX: f64 = 54.0;

/// What the table is showing.
#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    /// Nothing loaded yet.
    Loading,
    /// The newest answer's counts and clock. Its entries are moved into [`Report::cache`], so
    /// `entries` here is empty.
    Ready(Window),
    Failed(SourceError),
}

/// How long the page's first rows may wait for the summary strip's numbers (see
/// `Report::await_first_summary`).
const FIRST_SUMMARY_WAIT_MS: u32 = 500;

/// A signal the page reads and only [`Report`] writes. A thin wrapper: the reads are the
/// signal's own, so it costs nothing (a `ReadSignal` and `WriteSignal` pair is two arena
/// items and about 10 KB more wasm for these ten).
pub struct ReadOnly<T: 'static>(RwSignal<T>);

impl<T: 'static> Clone for ReadOnly<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for ReadOnly<T> {}

impl<T: Send + Sync + 'static> ReadOnly<T> {
    pub fn with<U>(&self, f: impl FnOnce(&T) -> U) -> U {
        self.0.with(f)
    }

    pub fn with_untracked<U>(&self, f: impl FnOnce(&T) -> U) -> U {
        self.0.with_untracked(f)
    }

    pub fn track(&self) {
        self.0.track()
    }
}

impl<T: Clone + Send + Sync + 'static> ReadOnly<T> {
    pub fn get(&self) -> T {
        self.0.get()
    }

    pub fn get_untracked(&self) -> T {
        self.0.get_untracked()
    }
}

/// Everything the page shares. `Copy`: all fields are arena handles. What the page loads (the
/// view's rows, counts and summary) is read here and written only by `Report`'s methods.
#[derive(Clone, Copy)]
pub struct Report {
    /// The view (changed through [`Report::update_view`]).
    pub view: ReadOnly<View>,
    pub load: ReadOnly<Load>,
    /// The blocks of the result held for the viewport.
    pub cache: ReadOnly<RowCache>,
    /// The table body's scroll position, its visible height and one row's height (px).
    /// (Set by the table through [`Report::scrolled`] and [`Report::measured`].)
    pub scroll_top: ReadOnly<f64>,
    pub viewport_px: ReadOnly<f64>,
    pub row_px: ReadOnly<f64>,
    /// The rows drawn (the viewport and the overscan) and the spacers around them.
    pub span: Memo<Span>,
    /// Indexes of the rows drawn.
    pub drawn: Memo<std::ops::Range<usize>>,
    /// Indexes of the rows in the viewport (without the overscan).
    pub visible: Memo<std::ops::Range<usize>>,
    /// The loaded entries in the viewport ("the rows in view" of "Select all").
    pub rows: Memo<Vec<Entry>>,
    /// True while a newer request than the shown data is under way.
    pub busy: ReadOnly<bool>,
    pub selection: Selected,
    /// Bumped whenever the source's data changed (a resync, a confirmation): see
    /// [`Report::data_changed`].
    pub data_version: ReadOnly<u64>,
    pub notices: Notices,
    pub export: ExportJob,
    pub resync: ResyncJob,
    /// The entry whose error details dialog is open.
    pub details: RwSignal<Option<Entry>>,
    /// The History dialog (an item's every attempt).
    pub history: ItemHistory,
    /// Auto-refresh.
    pub live: LiveJob,
    /// Prefix of our URL query keys; None when the URL is not ours to change.
    pub url_prefix: StoredValue<Option<String>>,
    /// The summary strip's numbers for the current query (None until loaded or after a failure).
    pub summary: ReadOnly<Option<crate::model::summary::Summary>>,
    /// False once the backend turned out not to offer `/summary` (the strip says so).
    pub summary_offered: ReadOnly<bool>,
    summary_generation: StoredValue<u64>,
    /// Whether a summary answer (numbers or an error) has come since the page started.
    summary_settled: StoredValue<bool>,
    /// The page's first rows were painted, and the source told (`after_first_rows`).
    first_rows_painted: StoredValue<bool>,
    /// Wakes the first rows' wait for the first summary (see `Report::await_first_summary`).
    wake_first_rows: StoredValue<Option<js_sys::Function>, LocalStorage>,
    /// Unique per report on the page (element ids, storage keys).
    pub uid: u32,
    /// The row the keyboard cursor is on (j/k).
    pub active: RwSignal<Option<EntryId>>,
    /// The keyboard shortcuts dialog (`?`).
    pub shortcuts_open: RwSignal<bool>,
    /// Said politely to screen readers (what a shortcut did).
    pub announcement: RwSignal<String>,
    /// Appended to localStorage keys: tells apart reports on one page ("" or ".<element id>").
    pub storage_suffix: StoredValue<String>,
    /// Where events for the host page are dispatched (the mount element).
    host: StoredValue<Option<web_sys::EventTarget>, LocalStorage>,
    /// The table's scroll container, to move it (back to the top, to the keyboard cursor).
    scroller: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    source: StoredValue<Rc<dyn DataSource>, LocalStorage>,
    /// Bumped per reload: only the newest answer lands. A counter rather than a Leptos
    /// resource: the table is a cache of blocks fetched as they scroll into view (a resource
    /// per block, or one over the whole result, would refetch or drop what is held), the rows
    /// shown stay until the new answer lands (a resource would go back to pending and flash
    /// placeholders), and the summary lands a frame after the rows. Not measured against a
    /// resource-based version: no such version was built.
    generation: StoredValue<u64>,
    /// The generation `cache` belongs to: blocks are only added to the newest answer.
    cache_generation: StoredValue<u64>,
    /// The query `cache` holds the result of.
    cache_query: StoredValue<Option<crate::model::Query>>,
    /// Bumped per scheduled fill, so only the last one of a fast scroll runs (HTTP).
    fill_ticket: StoredValue<u64>,
}

impl Report {
    pub fn new(source: Rc<dyn DataSource>, view: View, url_prefix: Option<String>) -> Self {
        static NEXT_UID: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let uid = NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let load = ReadOnly(RwSignal::new(Load::Loading));
        let cache = ReadOnly(RwSignal::new(RowCache::default()));
        let view = ReadOnly(RwSignal::new(view));
        let busy = ReadOnly(RwSignal::new(true));
        let data_version = ReadOnly(RwSignal::new(0u64));
        let summary = ReadOnly(RwSignal::new(None));
        let summary_offered = ReadOnly(RwSignal::new(true));
        let source = StoredValue::new_local(source);
        let scroll_top = ReadOnly(RwSignal::new(0.0));
        let viewport_px = ReadOnly(RwSignal::new(600.0));
        let row_px = ReadOnly(RwSignal::new(DEFAULT_ROW_PX));
        let layout = move || Layout {
            total: cache.with(RowCache::total),
            row_px: row_px.get(),
            viewport_px: viewport_px.get(),
        };
        let span = Memo::new(move |_| layout().span(scroll_top.get(), OVERSCAN));
        let drawn = Memo::new(move |_| span.get().range());
        let visible = Memo::new(move |_| layout().span(scroll_top.get(), 0).range());
        Report {
            view,
            load,
            cache,
            scroll_top,
            viewport_px,
            row_px,
            span,
            drawn,
            visible,
            rows: Memo::new(move |_| {
                let range = visible.get();
                cache.with(|c| c.loaded(range))
            }),
            busy,
            selection: Selected::new(source),
            data_version,
            notices: Notices::default(),
            export: ExportJob::default(),
            resync: ResyncJob::default(),
            details: RwSignal::new(None),
            history: ItemHistory::default(),
            live: LiveJob::default(),
            url_prefix: StoredValue::new(url_prefix),
            summary,
            summary_offered,
            summary_generation: StoredValue::new(0),
            summary_settled: StoredValue::new(false),
            first_rows_painted: StoredValue::new(false),
            wake_first_rows: StoredValue::new_local(None),
            uid,
            active: RwSignal::new(None),
            shortcuts_open: RwSignal::new(false),
            announcement: RwSignal::new(String::new()),
            storage_suffix: StoredValue::new(String::new()),
            host: StoredValue::new_local(None),
            scroller: StoredValue::new_local(None),
            source,
            generation: StoredValue::new(0),
            cache_generation: StoredValue::new(0),
            cache_query: StoredValue::new(None),
            fill_ticket: StoredValue::new(0),
        }
    }

    pub fn source(&self) -> Rc<dyn DataSource> {
        self.source.get_value()
    }

    /// The id of this report's "Previous days" input (unique on the page).
    pub fn days_input_id(&self) -> String {
        format!("sr-{}-previous-days", self.uid)
    }

    /// Sets where host events go.
    pub fn set_host(&self, target: Option<web_sys::EventTarget>) {
        self.host.set_value(target);
    }

    /// Dispatches `sync-report:{name}` on the mount element, bubbling, with the event's
    /// `detail` as a plain object (docs: README, Embedding).
    pub fn emit(&self, event: HostEvent<'_>) {
        let Some(target) = self.host.try_get_value().flatten() else {
            return;
        };
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&js_sys::JSON::parse(&event.detail_json()).unwrap_or_default());
        if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(
            &format!("sync-report:{}", event.name()),
            &init,
        ) {
            let _ = target.dispatch_event(&ev);
        }
    }

    /// The source's data changed (a resync, a confirmation): the view and summary reload.
    pub fn data_changed(&self) {
        self.data_version.0.update(|v| *v += 1);
    }

    /// When the shown result resolved its range ("last N days"): the server's clock over HTTP.
    pub fn resolved_at(&self) -> DateTime<Utc> {
        self.load.with_untracked(|l| match l {
            Load::Ready(w) => w.at,
            _ => Utc::now(),
        })
    }

    /// Entries matching the view (0 until loaded), untracked.
    pub fn matching(&self) -> usize {
        self.load
            .with_untracked(|l| if let Load::Ready(w) = l { w.total } else { 0 })
    }

    /// Changes the view; a new query's result is shown from its first row.
    pub fn update_view(&self, f: impl FnOnce(&mut View)) {
        let before = self.view.with_untracked(|v| v.query.clone());
        self.view.0.update(f);
        if self.view.with_untracked(|v| v.query != before) {
            self.scroll_to(0.0);
        }
    }

    /// Whether a menu or a filter's list is open in this report.
    pub fn menu_open(&self) -> bool {
        self.scroller.with_value(|s| {
            s.as_ref()
                .and_then(|el| el.closest(".sr-root").ok().flatten())
                .and_then(|root| {
                    root.query_selector(".sr-popover, [role=menu]")
                        .ok()
                        .flatten()
                })
                .is_some()
        })
    }

    /// Rows in the result (0 until loaded).
    pub fn total(&self) -> usize {
        self.cache.with(RowCache::total)
    }

    /// Sets where the table scrolls (the table calls it once mounted).
    pub fn set_scroller(&self, el: Option<web_sys::HtmlElement>) {
        self.scroller.set_value(el);
    }

    /// Keeps the keyboard in the report when the focused row scrolls out and is removed (the
    /// browser then drops the focus to the page's body): the table's scroll box takes it, and
    /// j and k carry on from the cursor's row.
    pub fn keep_focus_in_table(&self, id: EntryId) {
        if self.active.try_get_untracked().flatten() != Some(id) {
            return;
        }
        let document = web_sys::window().and_then(|w| w.document());
        let lost = document.as_ref().is_some_and(|d| {
            d.active_element().is_none()
                || d.active_element().map(|a| a.tag_name()) == Some("BODY".into())
        });
        if lost {
            if let Some(el) = self.scroller.try_get_value().flatten() {
                let _ = el.focus();
            }
        }
    }

    /// Moves the keyboard focus to the table's scroll box ("Skip to the table"): the next Tab
    /// reaches "Select all", and the arrow keys scroll the rows.
    pub fn focus_table(&self) {
        if let Some(el) = self.scroller.try_get_value().flatten() {
            let opts = web_sys::FocusOptions::new();
            opts.set_prevent_scroll(true);
            let _ = el.focus_with_options(&opts);
            el.scroll_into_view_with_bool(true);
        }
    }

    /// Moves the table body to `top` px.
    pub fn scroll_to(&self, top: f64) {
        if let Some(el) = self.scroller.try_get_value().flatten() {
            el.set_scroll_top(top.round() as i32);
        }
        self.scroll_top.0.set(top);
    }

    /// The table's body was scrolled to `top` px (by the user).
    pub fn scrolled(&self, top: f64) {
        self.scroll_top.0.set(top);
    }

    /// The table measured its body's visible height and a row's height (px); a change of less
    /// than a pixel (half for a row) is ignored.
    pub fn measured(&self, viewport_px: f64, row_px: Option<f64>) {
        if (viewport_px - self.viewport_px.get_untracked()).abs() >= 1.0 {
            self.viewport_px.0.set(viewport_px.max(0.0));
        }
        if let Some(px) = row_px.filter(|&px| px >= 1.0) {
            if (px - self.row_px.get_untracked()).abs() >= 0.5 {
                self.row_px.0.set(px);
            }
        }
    }

    fn layout_untracked(&self) -> Layout {
        Layout {
            total: self.cache.with_untracked(RowCache::total),
            row_px: self.row_px.get_untracked(),
            viewport_px: self.viewport_px.get_untracked(),
        }
    }

    /// Scrolls as little as needed to show row `index` whole.
    pub fn reveal(&self, index: usize) {
        let top = self
            .layout_untracked()
            .reveal(index, self.scroll_top.get_untracked());
        if top != self.scroll_top.get_untracked() {
            self.scroll_to(top);
        }
    }

    /// Sets the range from "previous days", telling the user when it was capped.
    pub fn set_days(&self, n: i64) {
        let (range, notice) = DateRange::last_days(n);
        self.apply_range(range, notice);
    }

    /// Sets an explicit range, telling the user when it was capped or swapped.
    pub fn set_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) {
        let (range, notice) = DateRange::between(from, to);
        self.apply_range(range, notice);
    }

    fn apply_range(&self, range: DateRange, notice: Option<RangeNotice>) {
        if let Some(n) = notice {
            self.notices.notify(n.to_string());
        }
        self.update_view(|v| v.query.range = range);
    }

    /// Starts the page's first load and summary. Called before the page's components are
    /// built, so the requests are on their way while they are (over HTTP at a million entries
    /// the first rows came 60 ms sooner); the effects that reload on changes skip their first
    /// run.
    pub fn start(&self) {
        self.load(true);
        self.load_summary(true);
    }

    /// Loads the current view afresh: the block at the top of the viewport, with the counts.
    /// The rows shown stay until the answer lands (no flash of placeholders on a refresh), and
    /// only the newest request may write its answer: a slow older one that lands later is
    /// dropped. The other blocks in view follow through [`Report::fill`].
    pub fn reload(&self) {
        self.load(false);
    }

    /// [`Report::reload`]; with `now`, its request is sent before this returns ([`spawn`]).
    fn load(&self, now: bool) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let view_query = self.view.get_untracked().query;
        let query = self.live.fetch_query(view_query.clone());
        let block = self.span.get_untracked().first / BLOCK;
        let source = self.source();
        let this = *self;
        self.busy.0.set(true);
        crate::perf::mark("load-start");
        spawn(now, async move {
            let result = source.fetch(query.clone(), block * BLOCK, BLOCK).await;
            if this.generation.try_get_value() != Some(generation)
                || result == Err(SourceError::Superseded)
            {
                return;
            }
            if result.is_ok() && this.cache_query.get_value().is_none() {
                this.await_first_summary().await;
                if this.generation.try_get_value() != Some(generation) {
                    return;
                }
            }
            this.busy.0.set(false);
            match result {
                Ok(mut w) => {
                    let mut cache = RowCache::new(w.total);
                    cache.insert(block, std::mem::take(&mut w.entries));
                    this.cache_generation.set_value(generation);
                    this.cache_query.set_value(Some(query));
                    this.cache.0.set(cache);
                    this.live.landed(&view_query, w.at);
                    this.load.0.set(Load::Ready(w));
                    crate::perf::mark("loaded");
                    crate::perf::mark_after_paint("painted");
                    if !this.first_rows_painted.get_value() {
                        this.first_rows_painted.set_value(true);
                        // Queued after the mark's task, so it runs after that paint too.
                        leptos::task::spawn_local(async move {
                            crate::perf::after_paint().await;
                            this.source().after_first_rows();
                        });
                    }
                }
                Err(e) => this.fail(e, false),
            }
        });
    }

    /// The page's first rows wait for the first summary (at most [`FIRST_SUMMARY_WAIT_MS`]), so
    /// the strip and the failure groups above the table appear in the same paint: arriving
    /// later, they pushed the rows down (a layout shift of 0.2 in HTTP mode). The summary's
    /// answer wakes the wait (no polling); the demo's comes after one turn of the task queue.
    async fn await_first_summary(&self) {
        if self.summary_settled.try_get_value() != Some(false) {
            return;
        }
        // Woken by the summary's answer (`reload_summary`), or given up on after the wait.
        let this = *self;
        let settled = js_sys::Promise::new(&mut |resolve, _| {
            this.wake_first_rows.set_value(Some(resolve));
        });
        let settled = wasm_bindgen_futures::JsFuture::from(settled);
        let timeout = gloo_timers::future::TimeoutFuture::new(FIRST_SUMMARY_WAIT_MS);
        futures_util::future::select(settled, timeout).await;
    }

    /// What to draw at each index of `range`: the cache's rows, and where it has none yet,
    /// those the source has at hand (the demo's), so scrolling draws real rows at once.
    pub fn slots(
        &self,
        range: std::ops::Range<usize>,
    ) -> Vec<(usize, crate::model::row_cache::Slot)> {
        use crate::model::row_cache::Slot;
        let mut slots = self.cache.with(|c| c.slots(range.clone()));
        if slots.iter().any(|(_, s)| *s == Slot::Loading) {
            let query = self.cache_query.get_value();
            if let Some(rows) = query.and_then(|q| self.source().peek(&q, range.clone())) {
                for ((_, slot), e) in slots.iter_mut().zip(rows) {
                    if *slot == Slot::Loading {
                        *slot = Slot::Loaded(Box::new(e));
                    }
                }
            }
        }
        slots
    }

    /// A load failed: the error is shown (and told to the host); with `keep_rows` the rows
    /// already shown stay (a block failed while scrolling: Retry reloads from where the user
    /// is), else the table empties (the view itself could not be loaded).
    fn fail(&self, e: SourceError, keep_rows: bool) {
        self.emit(HostEvent::Error {
            during: During::Load,
            message: e.to_string(),
        });
        if !keep_rows {
            self.cache.0.set(RowCache::default());
        }
        self.load.0.set(Load::Failed(e));
    }

    /// Fetches the blocks in view that are neither held nor asked for. With a remote source
    /// it waits until scrolling pauses (`delay_ms`), so a fling does not ask for every block
    /// it passes.
    pub fn schedule_fill(&self, delay_ms: u32) {
        let ticket = self.fill_ticket.get_value() + 1;
        self.fill_ticket.set_value(ticket);
        if delay_ms == 0 {
            self.fill();
            return;
        }
        let this = *self;
        set_timeout(
            move || {
                if this.fill_ticket.try_get_value() == Some(ticket) {
                    this.fill();
                }
            },
            std::time::Duration::from_millis(delay_ms.into()),
        );
    }

    /// Fetches the blocks the drawn rows need; each lands in the cache if the view has not
    /// changed meanwhile. Far blocks are dropped so memory stays flat.
    pub fn fill(&self) {
        let generation = self.generation.get_value();
        if self.cache_generation.get_value() != generation {
            return; // a reload is under way; it fills in when it lands
        }
        let drawn = self.drawn.get_untracked();
        // The drawn rows first, then half a block either side, so scrolling on at a reading
        // pace finds its next rows already there.
        let ahead = drawn.start.saturating_sub(BLOCK / 2)..drawn.end + BLOCK / 2;
        let mut missing = self.cache.with_untracked(|c| c.missing(drawn.clone()));
        for b in self.cache.with_untracked(|c| c.missing(ahead)) {
            if !missing.contains(&b) {
                missing.push(b);
            }
        }
        if missing.is_empty() {
            return;
        }
        let query = self.live.fetch_query(self.view.get_untracked().query);
        let source = self.source();
        for block in missing {
            self.cache.0.update(|c| c.mark_pending(block));
            let this = *self;
            let source = source.clone();
            let query = query.clone();
            leptos::task::spawn_local(async move {
                let result = source.fetch(query, block * BLOCK, BLOCK).await;
                if this.generation.try_get_value() != Some(generation) {
                    return;
                }
                match result {
                    Ok(w) if w.total != this.cache.with_untracked(RowCache::total) => {
                        // The data changed between blocks: start again from a fresh count.
                        this.data_changed();
                    }
                    Ok(w) => {
                        let keep = this.drawn.get_untracked();
                        this.cache.0.update(|c| {
                            c.insert(block, w.entries);
                            c.evict(keep, MAX_BLOCKS);
                        });
                    }
                    Err(SourceError::Superseded) => {
                        this.cache.0.update(|c| c.forget_pending(block));
                    }
                    Err(e) => {
                        this.cache.0.update(|c| c.forget_pending(block));
                        this.fail(e, true);
                    }
                }
            });
        }
    }

    /// Loads the summary strip's numbers for the current query; only the newest answer lands.
    pub fn reload_summary(&self) {
        self.load_summary(false);
    }

    /// [`Report::reload_summary`]; with `now`, its request is sent before this returns.
    fn load_summary(&self, now: bool) {
        let generation = self.summary_generation.get_value() + 1;
        self.summary_generation.set_value(generation);
        let query = self.live.fetch_query(self.view.get_untracked().query);
        let source = self.source();
        let this = *self;
        // Nothing shown yet (the first load, or after a failure): the strip and the failure
        // groups join the table's first paint. Arriving later, they would push rows already
        // drawn down the page (a layout shift of 0.17, Lighthouse counted).
        let first = self.summary.with_untracked(Option::is_none);
        spawn(now, async move {
            // Otherwise after the table: its rows paint first (the next frame, which also marks
            // `painted`), the new numbers a frame later.
            if !first {
                crate::perf::after_paint().await;
                crate::perf::after_paint().await;
            }
            if this.summary_generation.try_get_value() != Some(generation) {
                return;
            }
            let result = source.summary(query).await;
            if this.summary_generation.try_get_value() != Some(generation) {
                return;
            }
            if result != Err(SourceError::Superseded) {
                this.summary_settled.set_value(true);
                if let Some(wake) = this
                    .wake_first_rows
                    .try_update_value(Option::take)
                    .flatten()
                {
                    let _ = wake.call0(&wasm_bindgen::JsValue::NULL);
                }
            }
            match result {
                Ok(s) => this.summary.0.set(Some(s)),
                // The table says what went wrong; the strip just stays empty.
                Err(SourceError::Superseded) => {}
                Err(SourceError::NotOffered(_)) => {
                    this.summary.0.set(None);
                    this.summary_offered.0.set(false);
                }
                Err(_) => this.summary.0.set(None),
            }
        });
    }
}

/// Runs `task` as a task of its own; with `now`, its first step runs at once (sending its
/// request) and the rest as a task. The task polls the future again with its own waker
/// (futures must wake the waker of their latest poll), so the first poll's no-op waker is
/// never needed.
fn spawn(now: bool, task: impl std::future::Future<Output = ()> + 'static) {
    if !now {
        leptos::task::spawn_local(task);
        return;
    }
    let mut task = Box::pin(task);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    if task.as_mut().poll(&mut cx).is_pending() {
        leptos::task::spawn_local(task);
    }
}
