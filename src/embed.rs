//! Putting the report on a page: the standalone page's start-up, declarative mounts
//! (`<div data-sync-report …>`), and `mount(element, options)` for host pages, returning a
//! handle to update or unmount the report. Each report is independent of the others on the page.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::{App, Host, Report};
use crate::config::{Config, ConfigError, ConfigFile, MountOptions, Theme};
use crate::model::query::View;

/// How long the configuration file may take to answer before it is asked once more.
const CONFIG_WAIT_MS: u32 = 8_000;

/// Reads the configuration file at `url`: Ok(None) when there is none (404). The start-up
/// script's early request is used when it has an answer ([`early_config_answer`]).
async fn fetch_config_file(
    host: &web_sys::Element,
    url: &str,
) -> Result<Option<ConfigFile>, ConfigError> {
    let fail = |message: String| ConfigError::File {
        field: "(file)".into(),
        message: format!("{url}: {message}"),
    };
    let (status, text) = match early_config_answer(host, url).await {
        Some(answer) => answer,
        None => ask_config_file(url).await.map_err(fail)?,
    };
    match status {
        404 => Ok(None),
        200..=299 => ConfigFile::parse(&text).map(Some),
        s => Err(fail(format!("the server answered HTTP {s}"))),
    }
}

/// Asks for the configuration file: its status and, when it is a success, its text.
///
/// A request that gets no answer (a stalled connection, seen under load in WebKit) is aborted
/// after [`CONFIG_WAIT_MS`] and sent once more; without this the page stayed on its frame for
/// good, as nothing else ever ends a fetch.
async fn ask_config_file(url: &str) -> Result<(u16, String), String> {
    let mut attempt = 0;
    // Kept until the body is read: a body that stops coming is aborted too.
    let mut _timer = None;
    let resp = loop {
        attempt += 1;
        let abort = web_sys::AbortController::new().ok();
        _timer = abort
            .clone()
            .map(|a| gloo_timers::callback::Timeout::new(CONFIG_WAIT_MS, move || a.abort()));
        let sent = gloo_net::http::Request::get(url)
            .cache(web_sys::RequestCache::NoCache)
            .header("Accept", "application/json")
            .abort_signal(abort.as_ref().map(|a| a.signal()).as_ref())
            .send()
            .await;
        let timed_out = abort.as_ref().is_some_and(|a| a.signal().aborted());
        match sent {
            Ok(resp) => break resp,
            Err(_) if timed_out && attempt == 1 => continue,
            Err(_) if timed_out => {
                return Err(format!(
                    "could not be fetched (no answer in {} seconds, twice)",
                    CONFIG_WAIT_MS / 1000
                ))
            }
            Err(e) => return Err(format!("could not be fetched ({e})")),
        }
    };
    let status = resp.status();
    if !(200..300).contains(&status) {
        return Ok((status, String::new()));
    }
    let text = resp
        .text()
        .await
        .map_err(|e| format!("could not be read ({e})"))?;
    Ok((status, text))
}

/// The answer to the request for the settings file that the page's start-up script sent while
/// the wasm was still downloading (scripts/trunk-post-build.mjs: one round trip less before
/// the first rows), kept on the host element as `syncReportConfig`: a promise of
/// `{ url, status, text }`. None when there is none for `url`, or when it failed or did not
/// come within [`CONFIG_WAIT_MS`]: the file is then asked for as usual.
async fn early_config_answer(host: &web_sys::Element, url: &str) -> Option<(u16, String)> {
    let early = js_sys::Reflect::get(host, &JsValue::from_str("syncReportConfig")).ok()?;
    let promise = early.dyn_into::<js_sys::Promise>().ok()?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise);
    let timeout = gloo_timers::future::TimeoutFuture::new(CONFIG_WAIT_MS);
    let answer = match futures_util::future::select(answer, timeout).await {
        futures_util::future::Either::Left((Ok(a), _)) => a,
        _ => return None,
    };
    let field = |k: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(k)).ok();
    if field("url")?.as_string()? != url {
        return None;
    }
    let status = field("status")?.as_f64()? as u16;
    Some((status, field("text")?.as_string()?))
}

/// Defaults, then the file named by `data-config` (if any), then the element's data attributes.
async fn load_config(host: &web_sys::Element) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    if let Some(url) = host
        .get_attribute("data-config")
        .filter(|u| !u.trim().is_empty())
    {
        if let Some(file) = fetch_config_file(host, url.trim()).await? {
            config.apply_file(file)?;
        }
    }
    config.apply_attributes(|name| host.get_attribute(name))?;
    Ok(config)
}

thread_local! {
    /// The elements holding a live report, for the panic panel.
    static HOSTS: RefCell<Vec<web_sys::HtmlElement>> = const { RefCell::new(Vec::new()) };
    /// Every mounted report. A report lives until `unmount()`, not until the host drops (or the
    /// garbage collector frees) the handle `mount` returned.
    static LIVE: RefCell<Vec<Rc<RefCell<Option<Instance>>>>> = const { RefCell::new(Vec::new()) };
}

/// Replaces every report on the page with a panel saying what happened and how to recover.
/// Called from the panic hook, when the app can no longer run: plain DOM calls only, the message
/// as text, a link that reloads the page (no script needed, so it works under a strict CSP).
pub fn show_panic_panel(message: &str) {
    let hosts = HOSTS.with(|h| h.try_borrow().map(|h| h.clone()).unwrap_or_default());
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for host in hosts {
        let build = || -> Result<web_sys::Element, JsValue> {
            let root = doc.create_element("div")?;
            root.set_class_name("sr-root");
            let panel = doc.create_element("div")?;
            panel.set_class_name("sr-state sr-state--error sr-panic");
            panel.set_attribute("role", "alert")?;
            let p = doc.create_element("p")?;
            let strong = doc.create_element("strong")?;
            strong.set_text_content(Some("The sync report stopped after an internal error. "));
            p.append_child(&strong)?;
            p.append_child(&doc.create_text_node(
                "Nothing was lost: reload to start it again. If it happens again, send this to support: ",
            ))?;
            let code = doc.create_element("code")?;
            code.set_text_content(Some(message));
            p.append_child(&code)?;
            panel.append_child(&p)?;
            let a = doc.create_element("a")?;
            a.set_attribute("href", "")?;
            a.set_class_name("sr-btn");
            a.set_text_content(Some("Reload"));
            panel.append_child(&a)?;
            root.append_child(&panel)?;
            Ok(root)
        };
        if let Ok(root) = build() {
            host.set_inner_html("");
            let _ = host.append_child(&root);
        }
    }
}

/// Logs a panic to the console and shows the panel.
fn panic_hook(info: &std::panic::PanicHookInfo) {
    console_error_panic_hook::hook(info);
    let message = match info.payload().downcast_ref::<&str>() {
        Some(s) => s.to_string(),
        None => info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "panic".into()),
    };
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    show_panic_panel(&format!("{message}{at}"));
}

/// Installs the panic hook (once).
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(panic_hook)));
}

/// A mounted report.
struct Instance {
    element: web_sys::HtmlElement,
    options: MountOptions,
    config: Config,
    theme: RwSignal<Theme>,
    report: Rc<RefCell<Option<Report>>>,
    /// Dropping it removes the report's nodes and runs its cleanups (listeners, timers).
    mounted: Option<Box<dyn Any>>,
}

impl Instance {
    fn mount(&mut self, initial: Option<String>) {
        let source = crate::source_for(&self.config);
        let theme = self.theme;
        let report = self.report.clone();
        let host = Host {
            options: MountOptions {
                filters: initial,
                ..self.options.clone()
            },
            theme: Some(theme.into()),
            events: Some(self.element.clone().into()),
            instance: Some(self.element.id()).filter(|i| !i.is_empty()),
            expose: Some(report),
            live: crate::app::state::LiveSettings {
                on: self.config.auto_refresh,
                every_seconds: self.config.refresh_seconds,
            },
        };
        self.element.set_inner_html("");
        let handle = leptos::mount::mount_to(self.element.clone(), move || {
            view! { <App source=source.clone() host=host.clone()/> }
        });
        crate::perf::mark("mounted");
        self.mounted = Some(Box::new(handle));
        let el = self.element.clone();
        HOSTS.with(|h| h.borrow_mut().push(el));
    }

    fn unmount(&mut self) {
        let el = self.element.clone();
        HOSTS.with(|h| h.borrow_mut().retain(|x| *x != el));
        self.mounted.take();
        self.report.borrow_mut().take();
        self.element.set_inner_html("");
    }
}

/// What `mount` returns: `update(options)` changes the report, `unmount()` removes it.
#[wasm_bindgen]
pub struct ReportHandle {
    inner: Rc<RefCell<Option<Instance>>>,
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn read_options(options: &JsValue) -> Result<MountOptions, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(MountOptions::default());
    }
    let json: String = js_sys::JSON::stringify(options)
        .map_err(|_| JsError::new("The options must be a plain object"))?
        .into();
    MountOptions::parse(&json).map_err(js_error)
}

#[wasm_bindgen]
impl ReportHandle {
    /// Changes the configuration: a new theme or new filters apply in place; a new data source
    /// (mode, address, credentials) mounts the report afresh, keeping the current view.
    pub fn update(&self, options: JsValue) -> Result<(), JsError> {
        let next = read_options(&options)?;
        let mut guard = self.inner.borrow_mut();
        let inst = guard
            .as_mut()
            .ok_or_else(|| JsError::new("This report was unmounted"))?;
        let mut merged = inst.options.clone();
        merged.merge(next.clone());
        if inst.options.changes_source(&merged) {
            let mut config = Config::default();
            config
                .apply_attributes(|n| inst.element.get_attribute(n))
                .map_err(js_error)?;
            config.apply_options(&merged).map_err(js_error)?;
            let view = inst.report.borrow().map(|r| r.view.get_untracked());
            inst.unmount();
            inst.options = merged.clone();
            inst.config = config;
            if let Some(t) = merged.theme {
                inst.theme.set(t);
            }
            let initial = match (&next.filters, view) {
                (Some(f), _) => Some(f.clone()),
                (None, Some(v)) => Some(v.to_url_query("")),
                (None, None) => merged.filters.clone(),
            };
            inst.mount(initial);
            return Ok(());
        }
        if let Some(t) = next.theme {
            inst.theme.set(t);
        }
        if let Some(f) = &next.filters {
            if let Some(r) = *inst.report.borrow() {
                let (v, _) = View::from_url_query(f, "");
                r.update_view(|cur| *cur = v);
            }
        }
        inst.options = merged;
        Ok(())
    }

    /// Removes the report: its nodes, listeners and timers. The element is left empty.
    pub fn unmount(&self) {
        let taken = self.inner.borrow_mut().take();
        LIVE.with(|l| l.borrow_mut().retain(|x| !Rc::ptr_eq(x, &self.inner)));
        if let Some(mut inst) = taken {
            inst.unmount();
            inst.theme.dispose();
        }
    }

    /// Whether the report is still mounted.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        self.inner.borrow().is_some()
    }
}

fn mount_config(
    element: web_sys::HtmlElement,
    config: Config,
    options: MountOptions,
) -> ReportHandle {
    let theme = RwSignal::new(options.theme.unwrap_or_default());
    let mut inst = Instance {
        element,
        options: options.clone(),
        config,
        theme,
        report: Rc::new(RefCell::new(None)),
        mounted: None,
    };
    inst.mount(options.filters.clone());
    let inner = Rc::new(RefCell::new(Some(inst)));
    LIVE.with(|l| l.borrow_mut().push(inner.clone()));
    ReportHandle { inner }
}

/// Mounts a report into `element`. `options` (all optional): `mode` ("demo" or "http"),
/// `apiBase`, `token`, `credentials` ("omit", "same-origin", "include"), `timeoutSeconds`,
/// `demoSize`, `demoSeed`, `autoRefresh`, `refreshSeconds`, `theme` ("auto", "light", "dark"), `filters` (a shared link's query
/// string, e.g. "status=Failed&days=7"), `urlPrefix` (mirror the view in the page URL under
/// keys with this prefix; off unless given). The element's data attributes are read first;
/// options win over them.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<ReportHandle, JsError> {
    install_panic_hook();
    let options = read_options(&options)?;
    let mut config = Config::default();
    config
        .apply_attributes(|n| element.get_attribute(n))
        .map_err(js_error)?;
    config.apply_options(&options).map_err(js_error)?;
    Ok(mount_config(element, config, options))
}

fn show_start_error(host: &web_sys::HtmlElement, e: &ConfigError) {
    let text = e.to_string();
    host.set_inner_html("");
    leptos::mount::mount_to(host.clone(), move || {
        view! {
            <div class="sr-root">
                <div class="sr-state sr-state--error" role="alert">
                    <p><strong>"The sync report could not start. "</strong>{text.clone()}</p>
                    <p>"Fix the configuration (config.json or the data attributes of the report's element), then reload."</p>
                </div>
            </div>
        }
    })
    .forget();
}

/// Mounts a report declared in the page: `#sync-report` (the standalone page, which owns the
/// URL) or any `[data-sync-report]` element (a host page: URL state only with
/// `data-url-prefix`; also `data-theme` and `data-filters`).
async fn start_one(host: web_sys::HtmlElement, standalone: bool) {
    let config = load_config(&host).await;
    let options = MountOptions {
        theme: match host.get_attribute("data-theme").as_deref() {
            Some("light") => Some(Theme::Light),
            Some("dark") => Some(Theme::Dark),
            _ => None,
        },
        filters: host.get_attribute("data-filters"),
        url_prefix: if standalone {
            Some(String::new())
        } else {
            host.get_attribute("data-url-prefix")
        },
        ..MountOptions::default()
    };
    match config {
        // Nobody holds this handle: the report stays mounted (LIVE keeps it) for the page's life.
        Ok(config) => drop(mount_config(host, config, options)),
        Err(e) => show_start_error(&host, &e),
    }
}

/// The app module's start: mounts every report declared in the page. A page with none (a host
/// that calls `mount` itself) is left alone.
pub fn start() {
    install_panic_hook();
    let doc = document();
    let mut hosts: Vec<(web_sys::HtmlElement, bool)> = Vec::new();
    if let Some(h) = doc
        .get_element_by_id("sync-report")
        .and_then(|h| h.dyn_into().ok())
    {
        hosts.push((h, true));
    }
    if let Ok(list) = doc.query_selector_all("[data-sync-report]") {
        for i in 0..list.length() {
            if let Some(h) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            {
                if h.id() != "sync-report" {
                    hosts.push((h, false));
                }
            }
        }
    }
    for (host, standalone) in hosts {
        // Leptos' executor starts with the first mount: before it, a plain wasm-bindgen task.
        wasm_bindgen_futures::spawn_local(start_one(host, standalone));
    }
}
