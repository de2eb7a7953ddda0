//! The HTTP data source: the backend in docs/api.md, over gloo-net.
//!
//! - Filtering, sorting and paging happen on the server; the query becomes its parameters.
//! - Every request has a timeout; a newer page request aborts the one it supersedes.
//! - Idempotent requests (GETs, and the lookup POST) retry with backoff on network errors, 429,
//!   502, 503 and 504, honouring `Retry-After`. The resync POST is never retried.
//! - The bearer token goes in the `Authorization` header only: never in a URL, a CSV or a log.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use gloo_net::http::{Method, RequestBuilder};

use super::api::{self, EXPORT_CONCURRENCY, EXPORT_PAGE, IDS_PER_REQUEST, MAX_RESPONSE_BYTES};
use super::{
    Changes, DataSource, ExportRows, FacetValues, LocalBoxFuture, Optional, Progress, SourceError,
    Window,
};
use crate::config::{Config, Credentials};
use crate::export::csv::CsvWriter;
use crate::model::entry::{Entry, EntryId};
use crate::model::history::{self, History};
use crate::model::query::{FilterField, Query};
use crate::model::resync::{ResyncOutcome, ResyncResult};
use crate::model::selection::Selection;
use crate::model::store::Store;
use crate::wire::{PageRequest, ParsedPage};

/// Entries kept from recent windows, to tell whether a shown entry belongs to an "all matching"
/// selection.
const KNOWN_LIMIT: usize = 5_000;

pub struct HttpSource {
    config: Config,
    /// The latest page request for another query than the one before; a request for a newer
    /// query aborts it. Blocks of the same query (the table scrolling) do not abort each other.
    list_abort: RefCell<Option<web_sys::AbortController>>,
    /// The query of the latest page request.
    list_query: RefCell<Option<Query>>,
    /// The summary request in flight; a newer one aborts it.
    summary_abort: RefCell<Option<web_sys::AbortController>>,
    /// The facets answer of a backend that does not count values (asked once).
    facets: RefCell<Option<crate::wire::Facets>>,
    /// Whether `/facets` has answered: values seen in pages are then no longer needed.
    facets_answered: Cell<bool>,
    /// The facets request in flight; a newer one aborts it.
    facets_abort: RefCell<Option<web_sys::AbortController>>,
    known: RefCell<HashMap<EntryId, Entry>>,
    /// Optional endpoints this backend answered 404, 405 or 501: not asked again this session.
    missing: RefCell<Vec<Optional>>,
    /// Filter values seen in loaded pages, for header filters without `/facets`.
    seen: RefCell<api::SeenValues>,
    /// Entries the latest "all matching" read from the list's pages (without `/ids`), so the
    /// lookup that follows (without `/lookup`) has them at hand.
    listed: RefCell<HashMap<EntryId, Entry>>,
}

/// How one request went wrong before any answer was read.
enum Attempt {
    /// Aborted by a newer request or a cancel.
    Aborted,
    TimedOut,
    Network,
}

async fn sleep(d: Duration) {
    gloo_timers::future::TimeoutFuture::new(d.as_millis().min(u32::MAX as u128) as u32).await;
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

impl HttpSource {
    pub fn new(config: Config) -> Self {
        HttpSource {
            config,
            list_abort: RefCell::new(None),
            list_query: RefCell::new(None),
            summary_abort: RefCell::new(None),
            facets: RefCell::new(None),
            facets_answered: Cell::new(false),
            facets_abort: RefCell::new(None),
            known: RefCell::new(HashMap::new()),
            missing: RefCell::new(Vec::new()),
            seen: RefCell::new(api::SeenValues::default()),
            listed: RefCell::new(HashMap::new()),
        }
    }

    fn offers(&self, o: Optional) -> bool {
        !self.missing.borrow().contains(&o)
    }

    /// An optional endpoint's answer: "not offered" is remembered and becomes
    /// [`SourceError::NotOffered`]; any other failure is the failure it is.
    fn optional(&self, o: Optional, r: Result<String, SourceError>) -> Result<String, SourceError> {
        match r {
            Err(e) if api::not_offered(&e) => {
                self.missing.borrow_mut().push(o);
                Err(SourceError::NotOffered(o))
            }
            r => r,
        }
    }

    /// Pages through `GET /sync-reports` for `query` (at most [`api::FALLBACK_LIMIT`] entries),
    /// for a backend without `/ids` or `/lookup`. `stop` ends it early (everything wanted was
    /// found). Returns the entries read and the query's total.
    async fn read_pages(
        &self,
        query: &Query,
        what: &'static str,
        must_fit: bool,
        on_progress: &mut dyn FnMut(Progress),
        // `dyn`: one copy of this async function in the wasm module for both callers.
        stop: &mut dyn FnMut(&[Entry]) -> bool,
    ) -> Result<(Vec<Entry>, usize), SourceError> {
        let per_page = EXPORT_PAGE;
        let mut out: Vec<Entry> = Vec::new();
        let mut page_no = 1u64;
        let mut query = query.clone();
        loop {
            let page = self
                .page(
                    &query,
                    PageRequest {
                        page: page_no,
                        per_page,
                    },
                    None,
                    None,
                )
                .await?;
            let total = page.meta.total as usize;
            if page_no == 1 {
                if must_fit && total > api::FALLBACK_LIMIT {
                    return Err(SourceError::OverFallbackLimit {
                        what,
                        count: total,
                        limit: api::FALLBACK_LIMIT,
                    });
                }
                // Later pages see exactly the range the first one did.
                query = query.pinned(page.meta.generated_at.unwrap_or_else(Utc::now));
            }
            let read = page.entries.len() + page.rejected.len();
            let done = stop(&page.entries);
            out.extend(page.entries);
            let seen = (page_no as usize - 1) * per_page as usize + read;
            on_progress(Progress {
                done: seen.min(total),
                total: total.min(api::FALLBACK_LIMIT),
            });
            if done || read == 0 || seen >= total {
                return Ok((out, total));
            }
            if seen >= api::FALLBACK_LIMIT {
                return Err(SourceError::OverFallbackLimit {
                    what,
                    count: total,
                    limit: api::FALLBACK_LIMIT,
                });
            }
            page_no += 1;
        }
    }

    fn url(&self, path: &str, query: &str) -> String {
        api::url(self.config.api_base(), path, query)
    }

    /// Sends one request, with retries when `idempotent`. `slot`, when given, holds the abort
    /// handle: a request already in it is aborted (superseded). `cancel`, when given, aborts
    /// this request when set (an export being cancelled).
    async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<String>,
        idempotent: bool,
        slot: Option<&RefCell<Option<web_sys::AbortController>>>,
        cancel: Option<&Cell<bool>>,
    ) -> Result<String, SourceError> {
        let seconds = self.config.timeout_seconds;
        let mut tries = 0u32;
        loop {
            tries += 1;
            let controller = web_sys::AbortController::new()
                .map_err(|e| SourceError::Browser(format!("{e:?}")))?;
            if let Some(slot) = slot {
                if let Some(old) = slot.replace(Some(controller.clone())) {
                    old.abort();
                }
            }
            let superseded = || {
                cancel.is_some_and(Cell::get)
                    || slot.is_some_and(|s| {
                        s.borrow()
                            .as_ref()
                            .is_none_or(|c| !js_sys::Object::is(c, &controller))
                    })
            };
            let timed_out = Rc::new(Cell::new(false));
            let timer = {
                let flag = timed_out.clone();
                let c = controller.clone();
                gloo_timers::callback::Timeout::new(seconds * 1000, move || {
                    flag.set(true);
                    c.abort();
                })
            };
            let mut req = RequestBuilder::new(url)
                .method(method.clone())
                .abort_signal(Some(&controller.signal()))
                .credentials(match self.config.credentials {
                    Credentials::Omit => web_sys::RequestCredentials::Omit,
                    Credentials::SameOrigin => web_sys::RequestCredentials::SameOrigin,
                    Credentials::Include => web_sys::RequestCredentials::Include,
                })
                .header("Accept", "application/json");
            if let Some(t) = &self.config.token {
                req = req.header("Authorization", &format!("Bearer {t}"));
            }
            let sent = match &body {
                Some(b) => match req
                    .header("Content-Type", "application/json")
                    .body(b.clone())
                {
                    Ok(r) => r.send().await,
                    Err(e) => return Err(SourceError::Browser(e.to_string())),
                },
                None => req.send().await,
            };
            let outcome: Result<(u16, Option<String>, Option<String>, String), Attempt> = match sent
            {
                Err(_) if timed_out.get() => Err(Attempt::TimedOut),
                Err(_) if controller.signal().aborted() => Err(Attempt::Aborted),
                Err(_) => Err(Attempt::Network),
                Ok(resp) => {
                    let status = resp.status();
                    let headers = resp.headers();
                    let request_id = headers.get("x-request-id");
                    let retry_after = headers.get("retry-after");
                    let declared = headers
                        .get("content-length")
                        .and_then(|l| l.trim().parse::<usize>().ok());
                    if let Some(n) = declared.filter(|&n| n > MAX_RESPONSE_BYTES) {
                        controller.abort();
                        return Err(SourceError::TooLarge {
                            bytes: n,
                            limit: MAX_RESPONSE_BYTES,
                        });
                    }
                    match resp.text().await {
                        Ok(text) => Ok((status, request_id, retry_after, text)),
                        Err(_) if timed_out.get() => Err(Attempt::TimedOut),
                        Err(_) if controller.signal().aborted() => Err(Attempt::Aborted),
                        Err(_) => Err(Attempt::Network),
                    }
                }
            };
            drop(timer);
            if superseded() {
                return Err(SourceError::Superseded);
            }
            let retry_after = match outcome {
                Err(Attempt::Aborted) => return Err(SourceError::Superseded),
                Err(Attempt::TimedOut) => return Err(SourceError::Timeout { seconds }),
                Err(Attempt::Network) if !online() => return Err(SourceError::Offline),
                Err(Attempt::Network) => None,
                Ok((status, _, _, text)) if (200..300).contains(&status) => {
                    if text.len() > MAX_RESPONSE_BYTES {
                        return Err(SourceError::TooLarge {
                            bytes: text.len(),
                            limit: MAX_RESPONSE_BYTES,
                        });
                    }
                    if let Some(slot) = slot {
                        slot.borrow_mut().take();
                    }
                    return Ok(text);
                }
                Ok((status, request_id, retry_after, text)) => {
                    if !(idempotent && api::is_retryable(status)) || tries >= api::MAX_TRIES {
                        return Err(api::classify(status, request_id, &text));
                    }
                    retry_after.and_then(|v| api::parse_retry_after(&v, Utc::now()))
                }
            };
            if !idempotent {
                return Err(SourceError::Offline);
            }
            match api::retry_wait(tries, retry_after, js_sys::Math::random()) {
                Some(wait) => sleep(wait).await,
                None => return Err(SourceError::Offline),
            }
            if superseded() {
                return Err(SourceError::Superseded);
            }
        }
    }

    async fn get(
        &self,
        path: &str,
        query: &str,
        slot: Option<&RefCell<Option<web_sys::AbortController>>>,
        cancel: Option<&Cell<bool>>,
    ) -> Result<String, SourceError> {
        self.send(
            Method::GET,
            &self.url(path, query),
            None,
            true,
            slot,
            cancel,
        )
        .await
    }

    async fn page(
        &self,
        q: &Query,
        page: PageRequest,
        slot: Option<&RefCell<Option<web_sys::AbortController>>>,
        cancel: Option<&Cell<bool>>,
    ) -> Result<ParsedPage, SourceError> {
        let body = self
            .get("sync-reports", &api::list_query(q, page), slot, cancel)
            .await?;
        api::read_page(&body)
    }

    fn remember(&self, entries: &[Entry]) {
        let mut k = self.known.borrow_mut();
        if k.len() + entries.len() > KNOWN_LIMIT {
            k.clear();
        }
        k.extend(entries.iter().map(|e| (e.id, e.clone())));
    }

    fn in_base(&self, selection: &Selection, id: EntryId) -> bool {
        match (selection.base(), self.known.borrow().get(&id)) {
            (Some(b), Some(e)) => b.query.matches_entry(e, b.at),
            _ => false,
        }
    }

    /// Entries by id, in the order asked, a lookup request per thousand; without `/lookup`, from
    /// the entries at hand and then the report's pages (the widest range, up to a limit).
    async fn lookup(&self, ids: &[EntryId]) -> Result<(Vec<Entry>, usize), SourceError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut unreadable = 0;
        if self.offers(Optional::Lookup) {
            for chunk in ids.chunks(IDS_PER_REQUEST) {
                let sent = self
                    .send(
                        Method::POST,
                        &self.url(Optional::Lookup.path(), ""),
                        Some(api::ids_body(chunk)),
                        true,
                        None,
                        None,
                    )
                    .await;
                let body = match self.optional(Optional::Lookup, sent) {
                    Err(SourceError::NotOffered(_)) if out.is_empty() => break,
                    r => r?,
                };
                let page = api::read_lookup(&body)?;
                unreadable += page.rejected.len();
                out.extend(api::in_asked_order(chunk, page.entries));
            }
            if self.offers(Optional::Lookup) {
                return Ok((out, unreadable));
            }
        }
        // Without `/lookup`: what the page already read, then the report's own pages.
        let mut found: HashMap<EntryId, Entry> = HashMap::with_capacity(ids.len());
        {
            let (known, listed) = (self.known.borrow(), self.listed.borrow());
            for id in ids {
                if let Some(e) = listed.get(id).or_else(|| known.get(id)) {
                    found.insert(*id, e.clone());
                }
            }
        }
        // Sorted, searched by halves (a BTreeSet here cost 0.7 KB of wasm).
        let mut wanted: Vec<EntryId> = ids
            .iter()
            .filter(|id| !found.contains_key(id))
            .copied()
            .collect();
        crate::model::sort::sort_by_key(&mut wanted, |id| *id);
        wanted.dedup();
        if !wanted.is_empty() {
            let widest = Query {
                range: crate::model::query::DateRange::LastDays(crate::model::query::MAX_DAYS),
                ..Query::default()
            };
            let mut left = wanted.len();
            let (read, _) = self
                .read_pages(&widest, "entries by id", false, &mut |_| {}, &mut |page| {
                    let hits = page
                        .iter()
                        .filter(|e| wanted.binary_search(&e.id).is_ok())
                        .count();
                    // (An entry repeated across pages is not counted twice into a panic.)
                    left = left.saturating_sub(hits);
                    left == 0
                })
                .await?;
            for e in read {
                if wanted.binary_search(&e.id).is_ok() {
                    found.insert(e.id, e);
                }
            }
        }
        Ok((
            ids.iter().filter_map(|id| found.remove(id)).collect(),
            unreadable,
        ))
    }
}

impl DataSource for HttpSource {
    fn describe(&self) -> String {
        format!("Live data from {}", self.config.api_base())
    }

    fn fetch(
        &self,
        query: Query,
        offset: usize,
        len: usize,
    ) -> LocalBoxFuture<'_, Result<Window, SourceError>> {
        Box::pin(async move {
            let new_query = self.list_query.borrow().as_ref() != Some(&query);
            if new_query {
                *self.list_query.borrow_mut() = Some(query.clone());
            }
            let slot = new_query.then_some(&self.list_abort);
            let (first, second) = api::pages_for(offset, len);
            let mut page = self.page(&query, first, slot, None).await?;
            let start = offset - (first.page as usize - 1) * first.per_page as usize;
            if let Some(second) = second {
                let more = self.page(&query, second, None, None).await?;
                page.entries.extend(more.entries);
                page.rejected.extend(more.rejected);
            }
            // Only while the filters may need them: once /facets answered, they never do.
            if !self.facets_answered.get() {
                self.seen
                    .borrow_mut()
                    .record(&page.entries, &page.meta.available_entities);
            }
            let entries: Vec<Entry> = page.entries.into_iter().skip(start).take(len).collect();
            self.remember(&entries);
            let total = page.meta.total as usize;
            Ok(Window {
                entries,
                offset,
                total,
                in_range: page.meta.in_range.map_or(total, |n| n as usize),
                rejected: page.rejected,
                at: page.meta.generated_at.unwrap_or_else(Utc::now),
                unavailable: page.meta.integrations_without_results,
            })
        })
    }

    fn summary(
        &self,
        query: Query,
    ) -> LocalBoxFuture<'_, Result<crate::model::summary::Summary, SourceError>> {
        Box::pin(async move {
            if !self.offers(Optional::Summary) {
                return Err(SourceError::NotOffered(Optional::Summary));
            }
            let sent = self
                .get(
                    Optional::Summary.path(),
                    &api::ids_query(&query),
                    Some(&self.summary_abort),
                    None,
                )
                .await;
            api::read_summary(&self.optional(Optional::Summary, sent)?)
        })
    }

    fn facet_values(
        &self,
        fields: &'static [FilterField],
        query: Query,
    ) -> LocalBoxFuture<'_, Result<Vec<FacetValues>, SourceError>> {
        Box::pin(async move {
            let of = |f: &crate::wire::Facets, counts: Option<&crate::wire::FacetCounts>| {
                fields
                    .iter()
                    .map(|&field| FacetValues {
                        values: f.values(field, counts),
                        seen_only: false,
                    })
                    .collect()
            };
            // A backend that lists values without counting them: its list does not change with
            // the query, so it is asked once.
            if let Some(f) = &*self.facets.borrow() {
                return Ok(of(f, None));
            }
            if self.offers(Optional::Facets) {
                // The filters and search go along, for the counts (a backend without counts
                // ignores them). A newer menu's request aborts an older one.
                let sent = self
                    .get(
                        Optional::Facets.path(),
                        &api::ids_query(&query),
                        Some(&self.facets_abort),
                        None,
                    )
                    .await;
                match self.optional(Optional::Facets, sent) {
                    Ok(body) => {
                        let facets = api::read_facets(&body)?;
                        let counts = facets.counts();
                        let out = of(&facets, counts.as_ref());
                        if counts.is_none() {
                            *self.facets.borrow_mut() = Some(facets);
                        }
                        self.facets_answered.set(true);
                        return Ok(out);
                    }
                    Err(SourceError::NotOffered(_)) => {}
                    Err(e) => return Err(e),
                }
            }
            let seen = self.seen.borrow();
            Ok(fields.iter().map(|&f| seen.get(f)).collect())
        })
    }

    fn changes(
        &self,
        query: Query,
        since: chrono::DateTime<Utc>,
    ) -> LocalBoxFuture<'_, Result<Changes, SourceError>> {
        Box::pin(async move {
            if !self.offers(Optional::Changes) {
                return Err(SourceError::NotOffered(Optional::Changes));
            }
            let since = since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let params = form_urlencoded::Serializer::new(api::ids_query(&query))
                .append_pair("since", &since)
                .finish();
            let sent = self
                .get(Optional::Changes.path(), &params, None, None)
                .await;
            let body = self.optional(Optional::Changes, sent)?;
            let answer = api::read_changes(&body)?;
            Ok(Changes {
                new: answer.new as usize,
                changed: answer.changed,
                at: answer.generated_at,
            })
        })
    }

    fn history(&self, query: Query) -> LocalBoxFuture<'_, Result<History, SourceError>> {
        Box::pin(async move {
            // Its own request: the table's page requests are neither aborted nor reused.
            let first = PageRequest {
                page: 1,
                per_page: history::SHOWN as u64,
            };
            let page = self.page(&query, first, None, None).await?;
            let at = page.meta.generated_at.unwrap_or_else(Utc::now);
            let h = History::from_page(&query, page.entries, page.meta.total as usize, at);
            if h.exact {
                return Ok(h);
            }
            // The backend did not filter by reference (the page held other entries that
            // contain it): one page as large as the API allows, and the item's attempts in it.
            let wide = PageRequest {
                page: 1,
                per_page: crate::wire::MAX_PER_PAGE,
            };
            let page = self.page(&query, wide, None, None).await?;
            Ok(History::from_page(
                &query,
                page.entries,
                page.meta.total as usize,
                at,
            ))
        })
    }

    fn entries(&self, ids: Vec<EntryId>) -> LocalBoxFuture<'_, Result<Vec<Entry>, SourceError>> {
        Box::pin(async move { Ok(self.lookup(&ids).await?.0) })
    }

    fn selection_count(&self, selection: &Selection) -> usize {
        selection.count_recorded()
    }

    fn selection_ids<'a>(
        &'a self,
        selection: Selection,
        mut on_progress: Box<dyn FnMut(Progress) + 'a>,
    ) -> LocalBoxFuture<'a, Result<Vec<EntryId>, SourceError>> {
        Box::pin(async move {
            let mut ids: BTreeSet<EntryId> = selection.added().clone();
            if let Some(b) = selection.base() {
                let q = b.query.pinned(b.at);
                let mut listed = None;
                if self.offers(Optional::Ids) {
                    let sent = self
                        .get(Optional::Ids.path(), &api::ids_query(&q), None, None)
                        .await;
                    match self.optional(Optional::Ids, sent) {
                        Ok(body) => listed = Some(api::read_ids(&body)?),
                        Err(SourceError::NotOffered(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                let listed = match listed {
                    Some(l) => l,
                    // Without `/ids`: the list's own pages, which also bring the entries.
                    None => {
                        let (entries, _) = self
                            .read_pages(
                                &q,
                                "the ids of all matching entries",
                                true,
                                &mut *on_progress,
                                &mut |_| false,
                            )
                            .await?;
                        let ids = entries.iter().map(|e| e.id).collect();
                        *self.listed.borrow_mut() =
                            entries.into_iter().map(|e| (e.id, e)).collect();
                        ids
                    }
                };
                ids.extend(
                    listed
                        .into_iter()
                        .filter(|id| !selection.removed().contains(id)),
                );
            }
            Ok(ids.into_iter().collect())
        })
    }

    fn in_selection_base(&self, selection: &Selection, id: EntryId) -> bool {
        self.in_base(selection, id)
    }

    fn resync(
        &self,
        ids: Vec<EntryId>,
    ) -> LocalBoxFuture<'_, Result<Vec<ResyncOutcome>, SourceError>> {
        Box::pin(async move {
            let mut out = Vec::with_capacity(ids.len());
            for (i, chunk) in ids.chunks(IDS_PER_REQUEST).enumerate() {
                let sent = self
                    .send(
                        Method::POST,
                        &self.url("sync-reports/resync", ""),
                        Some(api::ids_body(chunk)),
                        false,
                        None,
                        None,
                    )
                    .await;
                match sent.and_then(|body| api::read_outcomes(&body, chunk)) {
                    Ok(o) => out.extend(o),
                    // Nothing was resynced: the caller says so.
                    Err(e) if i == 0 => return Err(e),
                    // Part went through: every item keeps its own outcome.
                    Err(e) => {
                        let message = format!("the request for it failed: {e}");
                        out.extend(ids[i * IDS_PER_REQUEST..].iter().map(|&id| ResyncOutcome {
                            id,
                            result: ResyncResult::Failed {
                                message: message.clone(),
                            },
                        }));
                        break;
                    }
                }
            }
            self.known.borrow_mut().clear();
            Ok(out)
        })
    }

    fn export_rows<'a>(
        &'a self,
        query: Query,
        ids: Option<Vec<EntryId>>,
    ) -> LocalBoxFuture<'a, Result<Box<dyn ExportRows + 'a>, SourceError>> {
        Box::pin(async move {
            if let Some(ids) = ids {
                // The selection: looked up, then put in the table's order.
                let total = ids.len();
                let (entries, _unreadable) = self.lookup(&ids).await?;
                let store = Store::from_entries(entries);
                let rows = store.sort_rows(0..store.len() as u32, query.sort);
                return Ok(Box::new(LookedUp {
                    store,
                    rows,
                    total,
                    written: false,
                }) as Box<dyn ExportRows>);
            }
            let cancel = Rc::new(Cell::new(false));
            let first_page = PageRequest {
                page: 1,
                per_page: EXPORT_PAGE,
            };
            let first = self.page(&query, first_page, None, Some(&cancel)).await?;
            let total = first.meta.total as usize;
            let at = first.meta.generated_at.unwrap_or_else(Utc::now);
            // Later pages see exactly the range the first one did.
            let pinned = Rc::new(query.pinned(at));
            let pages = total.div_ceil(EXPORT_PAGE as usize).max(1) as u64;
            let stop = cancel.clone();
            let rest = futures_util::stream::iter(2..=pages)
                .map(move |p| {
                    let (pinned, cancel) = (pinned.clone(), stop.clone());
                    async move {
                        let page = PageRequest {
                            page: p,
                            per_page: EXPORT_PAGE,
                        };
                        self.page(&pinned, page, None, Some(&cancel)).await
                    }
                })
                .buffered(EXPORT_CONCURRENCY)
                .boxed_local();
            Ok(Box::new(Paged {
                total,
                done: 0,
                skipped: 0,
                page: Some(first),
                readied: false,
                rest,
                cancel,
            }) as Box<dyn ExportRows>)
        })
    }
}

/// A selection's entries, looked up: written in one step.
struct LookedUp {
    store: Store,
    rows: Vec<u32>,
    total: usize,
    written: bool,
}

impl ExportRows for LookedUp {
    fn total(&self) -> usize {
        self.total
    }

    fn done(&self) -> usize {
        if self.written {
            self.total
        } else {
            0
        }
    }

    fn skipped(&self) -> usize {
        if self.written {
            self.total - self.rows.len()
        } else {
            0
        }
    }

    fn ready(&mut self) -> LocalBoxFuture<'_, Result<bool, SourceError>> {
        let more = !self.written;
        Box::pin(async move { Ok(more) })
    }

    fn write(&mut self, writer: &mut CsvWriter, out: &mut Vec<u8>) {
        let store = &self.store;
        writer.write(out, self.rows.iter().map(|&r| store.entry(r)));
        self.written = true;
    }
}

/// The pages of `GET /sync-reports`, [`EXPORT_CONCURRENCY`] in flight, written in order.
struct Paged<'a> {
    total: usize,
    done: usize,
    skipped: usize,
    /// The page to write next.
    page: Option<ParsedPage>,
    /// Whether `page` was readied (the first one comes with the count).
    readied: bool,
    rest: futures_util::stream::LocalBoxStream<'a, Result<ParsedPage, SourceError>>,
    /// Set to abort the requests in flight.
    cancel: Rc<Cell<bool>>,
}

impl ExportRows for Paged<'_> {
    fn total(&self) -> usize {
        self.total
    }

    fn done(&self) -> usize {
        self.done
    }

    fn skipped(&self) -> usize {
        self.skipped
    }

    fn ready(&mut self) -> LocalBoxFuture<'_, Result<bool, SourceError>> {
        Box::pin(async move {
            if !self.readied {
                self.readied = true;
            } else {
                self.page = match self.rest.next().await {
                    None => None,
                    Some(Ok(p)) => Some(p),
                    Some(Err(e)) => {
                        return Err(SourceError::Stopped {
                            done: self.done,
                            total: self.total,
                            cause: Box::new(e),
                        })
                    }
                };
            }
            match &self.page {
                Some(p) if p.meta.total as usize != self.total => Err(SourceError::Changed {
                    before: self.total,
                    now: p.meta.total as usize,
                }),
                Some(_) => Ok(true),
                None if self.done != self.total => Err(SourceError::Short {
                    sent: self.done,
                    counted: self.total,
                }),
                None => Ok(false),
            }
        })
    }

    fn write(&mut self, writer: &mut CsvWriter, out: &mut Vec<u8>) {
        if let Some(page) = self.page.take() {
            self.done += page.entries.len() + page.rejected.len();
            self.skipped += page.rejected.len();
            writer.write(out, page.entries.iter());
        }
    }

    fn stop(&mut self) {
        self.cancel.set(true);
    }
}

impl Drop for Paged<'_> {
    /// Requests still in flight are aborted when the export ends early.
    fn drop(&mut self) {
        self.cancel.set(true);
    }
}
