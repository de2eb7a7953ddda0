//! End-to-end tests: the release app, served from a test-owned server on 127.0.0.1, driven in
//! a real browser over WebDriver. One test per feature of the sync report page.
//!
//! The app is built with `trunk build --release` unless `E2E_DIST` names a built dist/
//! (scripts/test.sh builds once and passes it). `E2E_ENGINE` picks the engine: Chromium (the
//! default), Firefox or WebKit ([`Engine`]); scripts/test.sh runs the suite in all three. Each
//! test starts its own WebDriver server and browser.
#![cfg(not(target_arch = "wasm32"))]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use sync_report_server::{router, Fault, Options, Rule, Server};

// ---- harness ------------------------------------------------------------------------------------

fn dist_dir() -> PathBuf {
    if let Ok(d) = std::env::var("E2E_DIST") {
        return PathBuf::from(d);
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let out = root.join("target/e2e-dist");
            let status = Command::new("trunk")
                .args(["build", "--release", "--dist"])
                .arg(&out)
                .current_dir(&root)
                .status()
                .expect("trunk must be on PATH (scripts/setup.sh installs it)");
            assert!(status.success(), "trunk build --release failed");
            out
        })
        .clone()
}

/// Where a test's app gets its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// The static build: demo mode, data generated in the browser.
    Demo,
    /// The reference server (server/) serving the build and the API: HTTP mode.
    Http,
}

/// Runs one test body against both targets, as `name::demo` and `name::http`.
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn demo() {
                super::$name(super::Target::Demo).await
            }
            #[tokio::test]
            async fn http() {
                super::$name(super::Target::Http).await
            }
        }
    };
}

/// Serves `app` on a free port from a thread of its own; returns the base URL.
fn serve(app: axum::Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{addr}")
}

/// Whether this run's reference servers offer the core endpoints only (`E2E_BACKEND=core`):
/// scripts/test.sh runs the feature tests' HTTP halves so, as against a minimal backend.
fn core_backend() -> bool {
    match std::env::var("E2E_BACKEND").as_deref() {
        Ok("core") => true,
        Ok("full") | Err(_) => false,
        Ok(other) => panic!("E2E_BACKEND={other}: expected core or full"),
    }
}

/// Whether the app in `t` has the summary (`GET /sync-reports/summary`): the demo always; a
/// core-only backend does not, and the page says so in one line instead.
fn has_summary(t: Target) -> bool {
    t == Target::Demo || !core_backend()
}

impl Browser {
    /// Ticks "Select all", then "Select all `n` entries matching the filters".
    async fn select_all_matching(&self, n: usize) {
        self.find("input[aria-label='Select all']")
            .await
            .click()
            .await
            .unwrap();
        self.button(&format!(
            "Select all {} entries matching the filters",
            fmt_thousands(n)
        ))
        .await
        .click()
        .await
        .unwrap();
    }

    /// Opens the Actions menu and picks `item`.
    async fn menu(&self, item: &str) {
        self.button("Actions").await.click().await.unwrap();
        self.wait_xpath(&format!(
            "//button[@role='menuitem' and normalize-space()='{item}']"
        ))
        .await
        .click()
        .await
        .unwrap();
    }

    /// On a backend without the summary: the strip's one line says so, and there are no counts
    /// and no failure groups (README: Any backend).
    async fn says_it_has_no_summary(&self) {
        let note = self.wait_css(".sr-strip-note").await;
        assert_eq!(
            note.text().await.unwrap(),
            "This report server does not provide summary counts or failure groups."
        );
        let extra = self
            .js("return document.querySelectorAll('.sr-groups, .sr-chart, .sr-count-btn:not(.sr-count-btn--stuck)').length")
            .await;
        assert_eq!(
            extra,
            json!(0),
            "no counts, chart or groups without the summary"
        );
    }
}

/// A reference server of the test's own (its faults touch no other test), with the demo's
/// seed and size so both targets show the same entries.
fn reference_server(opts: Options) -> (String, Arc<Server>) {
    // (Options::default() has the demo's size, 5,000.)
    let server = Server::new(Options {
        dist: Some(dist_dir()),
        core_only: opts.core_only || core_backend(),
        ..opts
    });
    (serve(router(server.clone())), server)
}

/// The app's base URL, served by a static server on its own thread for the whole test run.
fn base_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let dist = dist_dir();
        assert!(
            dist.join("index.html").exists(),
            "no index.html in {}",
            dist.display()
        );
        serve(axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dist)))
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The browser engine every test of this run drives: `E2E_ENGINE=chromium` (the default),
/// `firefox` or `webkit` (scripts/test.sh runs the suite once per engine). Each has its own
/// WebDriver server, started per test: chromedriver, geckodriver (Firefox ESR), and
/// WebKitWebDriver with WebKitGTK's MiniBrowser, which needs a display (`xvfb-run -a`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

fn engine() -> Engine {
    match std::env::var("E2E_ENGINE").as_deref() {
        Err(_) | Ok("") | Ok("chromium") => Engine::Chromium,
        Ok("firefox") => Engine::Firefox,
        Ok("webkit") => Engine::WebKit,
        Ok(other) => panic!("E2E_ENGINE={other}: expected chromium, firefox or webkit"),
    }
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromedriver",
            Engine::Firefox => "geckodriver",
            Engine::WebKit => "WebKitWebDriver",
        }
    }

    /// The WebDriver server's binary (overridable for another install).
    fn driver(self) -> String {
        let (var, default) = match self {
            Engine::Chromium => ("CHROMEDRIVER", "/usr/bin/chromedriver"),
            Engine::Firefox => ("GECKODRIVER", "geckodriver"),
            Engine::WebKit => ("WEBKITWEBDRIVER", "/usr/bin/WebKitWebDriver"),
        };
        std::env::var(var).unwrap_or_else(|_| default.into())
    }

    /// The new session's capabilities: headless where the engine can be, a 1280x900 window,
    /// and downloads saved into `downloads` without asking.
    fn capabilities(
        self,
        profile: &std::path::Path,
        downloads: &std::path::Path,
    ) -> serde_json::Map<String, serde_json::Value> {
        let caps = match self {
            Engine::Chromium => json!({
                "goog:chromeOptions": {
                    "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                             "--no-first-run", "--disable-background-networking", "--disable-component-update",
                             "--disable-sync", "--window-size=1280,900",
                             format!("--user-data-dir={}", profile.display())],
                    "prefs": {
                        "download.default_directory": downloads.to_str().unwrap(),
                        "download.prompt_for_download": false
                    }
                }
            }),
            Engine::Firefox => json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into()),
                    "args": ["-headless", "--width=1280", "--height=900"],
                    "prefs": {
                        "browser.download.folderList": 2,
                        "browser.download.dir": downloads.to_str().unwrap(),
                        "browser.download.useDownloadDir": true,
                        "browser.download.always_ask_before_handling_new_types": false,
                        "browser.download.alwaysOpenPanel": false,
                        "browser.download.manager.showWhenStarting": false,
                        "browser.helperApps.neverAsk.saveToDisk": "text/csv",
                        // No calls home from a machine without a network.
                        "app.update.enabled": false,
                        "browser.shell.checkDefaultBrowser": false,
                        "datareporting.policy.dataSubmissionEnabled": false,
                        "toolkit.telemetry.enabled": false,
                        "network.captive-portal-service.enabled": false,
                        "browser.safebrowsing.downloads.enabled": false,
                        "browser.safebrowsing.malware.enabled": false,
                        "browser.safebrowsing.phishing.enabled": false
                    }
                }
            }),
            Engine::WebKit => json!({
                "browserName": "MiniBrowser",
                "webkitgtk:browserOptions": {
                    "binary": std::env::var("MINIBROWSER").unwrap_or_else(|_| "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser".into()),
                    "args": ["--automation"]
                }
            }),
        };
        caps.as_object().unwrap().clone()
    }
}

/// A browser session with its own WebDriver server, ended when dropped.
struct Browser {
    client: Client,
    driver: Child,
    downloads: PathBuf,
    /// Holds the downloads, the browser's profile (about 100 MB once used) and its temp files.
    scratch: PathBuf,
    /// The app's base URL.
    base: String,
    /// The reference server behind it, in HTTP mode.
    server: Option<Arc<Server>>,
    engine: Engine,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The driver runs in its own process group with the browser it started: end them
        // all, even when the test panicked, so no browser outlives its test.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &group])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// A browser on the app for `target` (a fresh reference server for HTTP).
async fn browser(target: Target) -> Browser {
    match target {
        Target::Demo => browser_at(base_url().to_string(), None).await,
        Target::Http => {
            let (url, server) = reference_server(Options::default());
            browser_at(url, Some(server)).await
        }
    }
}

async fn browser_at(base: String, server: Option<Arc<Server>>) -> Browser {
    let engine = engine();
    let port = free_port();
    // Everything the browser writes lives under one directory that Drop removes: its profile,
    // its temp files and the downloads. Killed, a driver deletes nothing itself, and
    // thousands of leaked profiles once filled the disk.
    let scratch = std::env::temp_dir().join(format!("sr-e2e-{port}"));
    let _ = std::fs::remove_dir_all(&scratch);
    let (downloads, profile, tmp) = (
        scratch.join("downloads"),
        scratch.join("profile"),
        scratch.join("tmp"),
    );
    for dir in [&downloads, &tmp] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let driver_bin = engine.driver();
    let mut cmd = Command::new(&driver_bin);
    match engine {
        Engine::Chromium | Engine::WebKit => cmd.arg(format!("--port={port}")),
        // Its Marionette port is chosen by the system, so parallel tests do not collide.
        Engine::Firefox => cmd.args(["--port", &port.to_string(), "--log", "fatal"]),
    };
    let mut driver = cmd
        .env("TMPDIR", &tmp)
        .env("HOME", &scratch)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {driver_bin}: {e} (scripts/setup.sh installs it)")
        });
    wait_until_ready(&mut driver, port, engine).await;
    let caps = engine.capabilities(&profile, &downloads);
    // A driver that has just come up can still drop the first connection: retry briefly.
    let mut attempt = 0;
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => break c,
            Err(e) if attempt < 5 => {
                attempt += 1;
                eprintln!("WebDriver session attempt {attempt} failed: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("WebDriver session: {e}"),
        }
    };
    if engine != Engine::Chromium {
        // The same viewport as Chromium's --window-size (MiniBrowser takes no size flag).
        let _ = client.set_window_size(1280, 900).await;
    }
    Browser {
        client,
        driver,
        downloads,
        scratch,
        base,
        server,
        engine,
    }
}

/// Waits until the driver answers `GET /status` with `ready: true`.
async fn wait_until_ready(driver: &mut Child, port: u16, engine: Engine) {
    use std::io::{Read, Write};
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = driver.try_wait() {
            panic!(
                "{} exited early ({status}); is port {port} taken?",
                engine.name()
            );
        }
        let ready = std::net::TcpStream::connect(("127.0.0.1", port))
            .ok()
            .and_then(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
                // With the port: geckodriver refuses a Host header without it.
                s.write_all(
                    format!(
                        "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
                    )
                    .as_bytes(),
                )
                .ok()?;
                // A driver may keep the socket open: read until the answer is in.
                let mut body = Vec::new();
                let mut buf = [0u8; 1024];
                while let Ok(n) = s.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    body.extend_from_slice(&buf[..n]);
                    if body.ends_with(b"}") || body.ends_with(b"}\n") {
                        break;
                    }
                }
                let text = String::from_utf8_lossy(&body);
                Some(text.contains("\"ready\":true") || text.contains("\"ready\": true"))
            });
        if ready == Some(true) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} did not become ready",
            engine.name()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// WebKit only: WebKitWebDriver cannot save a download (MiniBrowser has no download folder
/// setting and asks where to save), so the tests check the same file another way: this script
/// keeps every Blob the page turns into an object URL, and a click on a download link to one
/// records the link's file name and the Blob's bytes instead of starting the browser's
/// download. What the tests read is exactly what the page handed to the download.
const CAPTURE_DOWNLOADS: &str = r#"
if (!window.__srDownloads) {
  window.__srDownloads = [];
  const blobs = new Map();
  const create = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (b) => { const u = create(b); blobs.set(u, b); return u; };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    const blob = this.download && blobs.get(this.href);
    if (!blob) return click.call(this);
    const file = { name: this.download, type: blob.type, bytes: null };
    window.__srDownloads.push(file);
    blob.arrayBuffer().then((buf) => {
      const a = new Uint8Array(buf);
      let s = '';
      for (let i = 0; i < a.length; i += 8192) s += String.fromCharCode.apply(null, a.subarray(i, i + 8192));
      file.bytes = s;
    });
  };
}"#;

impl Browser {
    /// Opens a page of the app and waits for the table to settle.
    async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base, path))
            .await
            .unwrap();
        self.wait_css("table[aria-label='Sync report'][aria-busy='false']")
            .await;
        self.capture_downloads().await;
    }

    /// In WebKit, starts keeping what the page downloads ([`CAPTURE_DOWNLOADS`]); other
    /// engines save downloads into [`Browser::downloads`] themselves.
    async fn capture_downloads(&self) {
        if self.engine == Engine::WebKit {
            self.client
                .execute(CAPTURE_DOWNLOADS, vec![])
                .await
                .unwrap();
        }
    }

    /// The files downloaded so far (complete ones only). In WebKit, the captured Blobs are
    /// written into the downloads directory first, under the names the page gave them.
    async fn downloaded(&self) -> Vec<PathBuf> {
        if self.engine == Engine::WebKit {
            let files = self
                .client
                .execute(
                    "const d = window.__srDownloads || []; const done = d.filter((f) => f.bytes !== null); \
                     window.__srDownloads = d.filter((f) => f.bytes === null); return done;",
                    vec![],
                )
                .await
                .unwrap();
            for f in files.as_array().into_iter().flatten() {
                let name = f["name"].as_str().unwrap();
                assert!(!name.contains('/'), "download name {name:?}");
                // One byte per character (see CAPTURE_DOWNLOADS).
                let bytes: Vec<u8> = f["bytes"]
                    .as_str()
                    .unwrap()
                    .chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap())
                    .collect();
                std::fs::write(self.downloads.join(name), bytes).unwrap();
            }
        }
        let all: Vec<PathBuf> = std::fs::read_dir(&self.downloads)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        // Firefox creates the file empty, writes `<name>.part` beside it and moves that over it
        // when done: a file is complete once it has no `.part` and holds something (every
        // file the report saves does: a CSV starts with its byte order mark).
        let writing = |p: &PathBuf| {
            let mut part = p.clone().into_os_string();
            part.push(".part");
            PathBuf::from(part).exists()
        };
        all.iter()
            .filter(|p| p.extension().is_none_or(|x| x != "part"))
            .filter(|p| !writing(p) && std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
            .cloned()
            .collect()
    }

    async fn wait_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
    }

    async fn wait_xpath(&self, xp: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(xp))
            .await
            .unwrap_or_else(|e| panic!("waiting for {xp}: {e}"))
    }

    async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    /// The rendered text of every element matching `css`, read in one step: rows come and go
    /// as the table scrolls, so reading them one by one could meet a row already replaced.
    async fn texts(&self, css: &str) -> Vec<String> {
        self.client
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText.trim())",
                vec![serde_json::Value::from(css)],
            )
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect()
    }

    async fn button(&self, name: &str) -> Element {
        self.wait_xpath(&format!(
            "//button[normalize-space()='{name}' or @aria-label='{name}']"
        ))
        .await
    }

    /// Polls `f` until it returns true (20 s at most).
    async fn until<F, Fut>(&self, what: &str, mut f: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !f().await {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    async fn count_text(&self) -> String {
        self.client
            .find(Locator::Css(".sr-count"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Checks the checkbox labelled `label` inside the open popover.
    async fn check_in_popover(&self, label: &str) {
        self.wait_xpath(&format!(
            "//div[contains(@class,'sr-popover')]//label[normalize-space()='{label}']/input"
        ))
        .await
        .click()
        .await
        .unwrap();
    }
}

/// The number in the element at `css` inside `el`.
async fn number_in(el: &Element, css: &str) -> usize {
    number(
        &el.find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
}

fn number(s: &str) -> usize {
    s.split_whitespace()
        .next()
        .unwrap_or("")
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("no number in {s:?}"))
}

// ---- the page -----------------------------------------------------------------------------------

async fn loads_the_demo_data(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    assert!(
        b.count_text().await.ends_with("entries"),
        "{}",
        b.count_text().await
    );
    // Virtualised: a window of rows is in the page, and ARIA gives the true size and places.
    let total = number(&b.count_text().await);
    let drawn = b.texts("tbody tr.sr-row").await.len();
    assert!((8..=60).contains(&drawn), "{drawn} rows drawn of {total}");
    let (rowcount, first, height) = {
        let v = b
            .js("const t = document.querySelector('table.sr-table'); \
                 const r = t.querySelector('tbody tr.sr-row'); \
                 return [t.getAttribute('aria-rowcount'), r.getAttribute('aria-rowindex'), r.getBoundingClientRect().height]")
            .await;
        (
            v[0].as_str().unwrap().to_string(),
            v[1].as_str().unwrap().to_string(),
            v[2].as_f64().unwrap(),
        )
    };
    assert_eq!(
        rowcount,
        (total + 1).to_string(),
        "the header row plus every entry"
    );
    assert_eq!(first, "2");
    // Scrolled to the end, the last entry is drawn, with its place, and the window stays small.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight")
        .await;
    let last = format!("tbody tr.sr-row[aria-rowindex='{}']", total + 1);
    b.wait_css(&last).await;
    assert!(b.texts("tbody tr.sr-row").await.len() <= 60);
    // Every row has the same height (the layout depends on it).
    let heights = b
        .js("return [...document.querySelectorAll('tbody tr.sr-row')].map(r => r.getBoundingClientRect().height)")
        .await;
    for h in heights.as_array().unwrap() {
        assert!(
            (h.as_f64().unwrap() - height).abs() < 0.5,
            "{heights} vs {height}"
        );
    }
    match t {
        Target::Demo => {
            let banner = b.find(".sr-banner").await.text().await.unwrap();
            assert!(banner.contains("generated in your browser"));
        }
        Target::Http => {
            // Live data: no demo banner, and the source is named.
            assert!(b.client.find(Locator::Css(".sr-banner")).await.is_err());
            let source = b.find(".sr-source").await.text().await.unwrap();
            assert_eq!(source, "Live data from /api");
        }
    }
    let days = b.find("input[aria-label='Previous days']").await;
    assert_eq!(days.prop("value").await.unwrap().as_deref(), Some("5"));
    let th = b.find("th.sr-col-createdutc").await;
    assert_eq!(
        th.attr("aria-sort").await.unwrap().as_deref(),
        Some("descending")
    );
    for name in [
        "Search sync reports",
        "Search in",
        "Actions",
        "Select all",
        "Filter Status",
        "Filter Company Group",
        "Filter Service Entity",
        "Filter Systems",
        "Filter Date/Time (UTC)",
    ] {
        b.client
            .find(Locator::Css(&format!("[aria-label='{name}']")))
            .await
            .unwrap_or_else(|_| panic!("no control named {name}"));
    }
}

async fn search_by_system_as_you_type(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let scope = b.find("select[aria-label='Search in']").await;
    scope.select_by_value("system").await.unwrap();
    let input = b.find("input[aria-label='Search sync reports']").await;
    input.send_keys("sftp").await.unwrap();
    b.until("the URL holds the search", || async {
        b.url().await.contains("q=sftp")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    let systems = b.texts("tbody tr.sr-row td:nth-child(5)").await;
    assert!(!systems.is_empty());
    assert!(systems.iter().all(|s| s.contains("SFTP")), "{systems:?}");
    assert!(b.url().await.contains("in=system"));
}

async fn sort_by_clicking_headers(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let th = "th.sr-col-reference";
    b.find(&format!("{th} .sr-sort-btn"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_css(&format!("{th}[aria-sort='ascending']")).await;
    b.wait_css("table[aria-busy='false']").await;
    let refs = b.texts("tbody tr.sr-row td:nth-child(7)").await;
    let mut sorted = refs.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(refs, sorted);
    b.find(&format!("{th} .sr-sort-btn"))
        .await
        .click()
        .await
        .unwrap();
    b.wait_css(&format!("{th}[aria-sort='descending']")).await;
    let th_date = b.find("th.sr-col-createdutc").await;
    assert_eq!(
        th_date.attr("aria-sort").await.unwrap().as_deref(),
        Some("none")
    );
    assert!(b.url().await.contains("sort=common_ref&dir=desc"));
}

async fn header_filter_status_and_error_details(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let before = number(&b.count_text().await);
    b.button("Filter Status").await.click().await.unwrap();
    b.check_in_popover("Failed").await;
    b.until("the count narrows", || async {
        b.count_text().await.contains(" of ")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    let badges = b.texts("tbody tr.sr-row .sr-badge").await;
    assert!(
        !badges.is_empty() && badges.iter().all(|s| s == "Failed"),
        "{badges:?}"
    );
    assert!(number(&b.count_text().await) < before);
    assert!(b.url().await.contains("status=Failed"));
    // The menu stays open for picking several values; the button closes it.
    b.button("Filter Status").await.click().await.unwrap();
    b.until("the menu closes", || async {
        b.client.find(Locator::Css(".sr-popover")).await.is_err()
    })
    .await;
    // The failure message shows under the row, with a link to the details.
    let msg = b.texts("tr.sr-row--failed .sr-rowline .sr-msg").await;
    assert!(!msg.is_empty() && !msg[0].is_empty());
    b.button("Error details").await.click().await.unwrap();
    let dialog = b.wait_css("dialog.sr-dialog[open]").await;
    let text = dialog.text().await.unwrap();
    assert!(
        text.contains("Failure reason") && text.contains(&msg[0]),
        "{text}"
    );
    b.button("Close").await.click().await.unwrap();
    b.until("the dialog closes", || async {
        b.client
            .find(Locator::Css("dialog.sr-dialog[open]"))
            .await
            .is_err()
    })
    .await;
}

async fn range_is_capped_at_15_days(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let days = b.find("input[aria-label='Previous days']").await;
    days.clear().await.unwrap();
    // The Tab key itself ("\t" is typed as a character by geckodriver).
    days.send_keys(&format!("40{TAB}")).await.unwrap();
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    assert!(notice.contains("at most 15 days"), "{notice}");
    b.until("the input shows 15", || async {
        days.prop("value").await.unwrap().as_deref() == Some("15")
    })
    .await;
    assert!(b.url().await.contains("days=15"));
}

async fn additional_filters_add_columns_and_are_remembered(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    assert!(b
        .client
        .find(Locator::XPath("//th[normalize-space()='Source Id']"))
        .await
        .is_err());
    b.button("Additional filters").await.click().await.unwrap();
    b.check_in_popover("Show additional fields").await;
    b.wait_xpath("//th[normalize-space()='Source Id']").await;
    b.check_in_popover("Show additional sync data").await;
    b.wait_xpath("//th[normalize-space()='Latest Sync Information']")
        .await;
    // Remembered across reloads, even from a link without them.
    b.open("/").await;
    b.wait_xpath("//th[normalize-space()='Endpoint Parent Id']")
        .await;
    b.wait_xpath("//th[normalize-space()='Latest Sync Information']")
        .await;
}

async fn select_page_then_everything_matching(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let total = number(&b.count_text().await);
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    // "Select all" picks the rows in view: not the overscan drawn beyond the edges.
    b.until("the rows in view are selected", || async {
        let checked = b
            .js("return document.querySelectorAll('tbody tr.sr-row input:checked').length")
            .await
            .as_u64()
            .unwrap_or(0);
        let drawn = b.texts("tbody tr.sr-row").await.len() as u64;
        checked >= 5
            && checked < drawn
            && b.texts(".sr-selbar-text")
                .await
                .first()
                .is_some_and(|t| *t == format!("{checked} selected."))
    })
    .await;
    b.button(&format!(
        "Select all {} entries matching the filters",
        fmt_thousands(total)
    ))
    .await
    .click()
    .await
    .unwrap();
    b.until("all matching are selected", || async {
        b.texts(".sr-selbar-text").await.first().is_some_and(|t| {
            t.starts_with("All ") && t.contains("matching the filters are selected")
        })
    })
    .await;
    // Survives sorting: rows of another order are still checked.
    b.find("th.sr-col-reference .sr-sort-btn")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    let first = b.find("tbody tr.sr-row input[type=checkbox]").await;
    assert_eq!(
        first.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    // Unpicking one row leaves "all but one".
    first.click().await.unwrap();
    b.until("one is unpicked", || async {
        b.texts(".sr-selbar-text")
            .await
            .first()
            .is_some_and(|t| t.contains(&fmt_thousands(total - 1)))
    })
    .await;
}

fn fmt_thousands(n: usize) -> String {
    sync_report::format::thousands(n)
}

async fn download_as_csv_holds_every_matching_entry(t: Target) {
    let b = browser(t).await;
    b.open("/?status=Failed&days=15").await;
    let n = number(&b.count_text().await);
    assert!(
        n > 100,
        "need more than one page to prove it is not just the loaded rows: {n}"
    );
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Download as CSV']")
        .await
        .click()
        .await
        .unwrap();
    let dialog = b.wait_css("dialog.sr-dialog[open]").await;
    assert!(dialog
        .text()
        .await
        .unwrap()
        .contains(&format!("The file will hold {} entries", fmt_thousands(n))));
    b.button(&format!("Download {} entries", fmt_thousands(n)))
        .await
        .click()
        .await
        .unwrap();
    let file = wait_for_download(&b).await;
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("sync-report_") && name.ends_with(".csv"),
        "{name}"
    );
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let headers = rd.headers().unwrap().clone();
    let labels: Vec<&str> = sync_report::export::csv::COLUMNS
        .iter()
        .map(|c| c.label())
        .collect();
    assert_eq!(headers.iter().collect::<Vec<_>>(), labels);
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| &r[1] == "Failed"));
    assert!(std::str::from_utf8(&bytes).unwrap().contains("\r\n"));
}

async fn wait_for_download(b: &Browser) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let done: Vec<PathBuf> = b
            .downloaded()
            .await
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .collect();
        if let Some(p) = done.into_iter().next() {
            return p;
        }
        assert!(Instant::now() < deadline, "no CSV was downloaded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn resync_selected_updates_statuses_in_place(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15").await;
    // Pick the failed rows on the first page.
    let failed = b
        .client
        .find_all(Locator::Css("tr.sr-row--failed"))
        .await
        .unwrap();
    assert!(!failed.is_empty(), "the first page has failed rows");
    let mut ids = Vec::new();
    for row in failed.iter().take(4) {
        ids.push(row.attr("data-id").await.unwrap().unwrap());
        row.find(Locator::Css("input[type=checkbox]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Resync selected']")
        .await
        .click()
        .await
        .unwrap();
    let dialog = b.wait_css("dialog.sr-dialog[open] .sr-dialog-title").await;
    assert_eq!(dialog.text().await.unwrap(), "Resync selected");
    let confirm = b
        .wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await;
    let confirm_text = confirm.text().await.unwrap();
    let queued_expected = number(confirm_text.trim_start_matches("Resync "));
    if queued_expected == 0 {
        // Every pick was not resyncable: the dialog says why and offers nothing to send.
        assert!(b
            .wait_css("dialog[open] .sr-list--refused")
            .await
            .text()
            .await
            .unwrap()
            .contains("cannot be resynced"));
        return;
    }
    confirm.click().await.unwrap();
    let status = b
        .wait_css("dialog[open] p[role='status']")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        status.starts_with(&format!("{queued_expected} queued")),
        "{status}"
    );
    b.button("Close").await.click().await.unwrap();
    // The resynced rows change in place: Pending at once, then OK or Failed again.
    let accepted: Vec<String> = {
        let mut v = Vec::new();
        for id in &ids {
            // Rendered text (innerText): WebKit's driver reads the text of a box that clips
            // its overflow, such as a badge, as empty.
            let css = format!("tr.sr-row[data-id='{id}'] .sr-badge");
            if b.texts(&css).await.first().map(String::as_str) == Some("Pending") {
                v.push(id.clone());
            }
        }
        v
    };
    assert!(
        !accepted.is_empty() || queued_expected == 0,
        "resynced rows show Pending"
    );
    for id in accepted {
        let css = format!("tr.sr-row[data-id='{id}'] .sr-badge");
        b.until("the resync settles", || async {
            matches!(
                b.texts(&css).await.first().map(String::as_str),
                Some("OK" | "Failed")
            )
        })
        .await;
    }
}

async fn the_url_restores_the_view_and_back_works(t: Target) {
    let b = browser(t).await;
    b.open("/?q=shop&in=system&status=Failed&sort=common_ref&dir=asc&days=7")
        .await;
    let input = b.find("input[aria-label='Search sync reports']").await;
    assert_eq!(input.prop("value").await.unwrap().as_deref(), Some("shop"));
    let scope = b.find("select[aria-label='Search in']").await;
    assert_eq!(
        scope.prop("value").await.unwrap().as_deref(),
        Some("system")
    );
    let days = b.find("input[aria-label='Previous days']").await;
    assert_eq!(days.prop("value").await.unwrap().as_deref(), Some("7"));
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    assert!(b
        .texts("tbody .sr-badge")
        .await
        .iter()
        .all(|s| s == "Failed"));
    // A new sort is a new history entry; Back restores the previous one.
    b.find("th.sr-col-status .sr-sort-btn")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("th.sr-col-status[aria-sort='ascending']").await;
    b.client.back().await.unwrap();
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    // Garbage in a link is reported, not silently applied.
    b.open("/?days=abc&wat=1").await;
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    assert!(notice.contains("Ignored part of the link"), "{notice}");
}

// WebDriver key codes.
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const ARROW_DOWN: &str = "\u{E015}";
const ARROW_UP: &str = "\u{E013}";

async fn header_filters_for_group_entity_systems_and_date(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15").await;
    // Company Group: pick the first value offered.
    b.button("Filter Company Group")
        .await
        .click()
        .await
        .unwrap();
    let first = b
        .wait_css(".sr-popover .sr-check-label")
        .await
        .text()
        .await
        .unwrap();
    b.check_in_popover(&first).await;
    b.button("Filter Company Group")
        .await
        .click()
        .await
        .unwrap();
    b.until("groups narrow", || async {
        let g = b.texts("tbody tr.sr-row td:nth-child(3)").await;
        !g.is_empty() && g.iter().all(|s| *s == first)
    })
    .await;
    // Service Entity.
    b.button("Filter Service Entity")
        .await
        .click()
        .await
        .unwrap();
    b.check_in_popover("Order").await;
    b.button("Filter Service Entity")
        .await
        .click()
        .await
        .unwrap();
    b.until("entities narrow", || async {
        let e = b.texts("tbody tr.sr-row td:nth-child(4)").await;
        e.iter().all(|s| s == "Order")
    })
    .await;
    // Systems: source and destination are separate lists in one menu.
    b.button("Filter Systems").await.click().await.unwrap();
    b.wait_xpath("//fieldset[legend='Source system']//label[normalize-space()='Shopify']/input")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath(
        "//fieldset[legend='Destination system']//label[normalize-space()='NetSuite']/input",
    )
    .await
    .click()
    .await
    .unwrap();
    b.button("Filter Systems").await.click().await.unwrap();
    b.until("systems narrow", || async {
        let s = b.texts("tbody tr.sr-row td:nth-child(5)").await;
        s.iter().all(|s| s == "Shopify → NetSuite")
    })
    .await;
    let url = b.url().await;
    assert!(
        url.contains("entity=Order")
            && url.contains("source=Shopify")
            && url.contains("destination=NetSuite"),
        "{url}"
    );
    let filtered = b.find("button[aria-label='Filter Systems']").await;
    assert!(filtered
        .attr("class")
        .await
        .unwrap()
        .unwrap()
        .contains("sr-filter-btn--active"));
    // The date filter takes the user to the range control.
    b.button("Filter Date/Time (UTC)")
        .await
        .click()
        .await
        .unwrap();
    let active = b.client.active_element().await.unwrap();
    assert_eq!(
        active.attr("aria-label").await.unwrap().as_deref(),
        Some("Previous days")
    );
    // Clear all filters brings everything back.
    b.button("Clear all filters").await.click().await.unwrap();
    b.until("filters are cleared", || async {
        !b.count_text().await.contains(" of ")
    })
    .await;
    assert!(!b.url().await.contains('?'));
}

async fn keyboard_operates_search_and_the_actions_menu(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    // Type into the search box and press Enter: no pointer involved.
    let search = b.find("input[aria-label='Search sync reports']").await;
    search.send_keys(&format!("netsuite{ENTER}")).await.unwrap();
    b.until("the search applies", || async {
        b.count_text().await.contains(" of ")
    })
    .await;
    // Open the menu from the keyboard: the first item takes focus, arrows move, Escape closes.
    let actions = b.find("button[aria-label='Actions']").await;
    b.client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&actions).unwrap()],
        )
        .await
        .unwrap();
    actions.send_keys(ENTER).await.unwrap();
    b.wait_css("[role=menu]").await;
    let focused = || async {
        b.client
            .active_element()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    b.until("the first item is focused", || async {
        focused().await == "Download as CSV"
    })
    .await;
    // Items needing a selection are disabled and skipped.
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ARROW_DOWN)
        .await
        .unwrap();
    assert_eq!(focused().await, "Copy link to this view");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ARROW_UP)
        .await
        .unwrap();
    assert_eq!(focused().await, "Download as CSV");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(ESCAPE)
        .await
        .unwrap();
    b.until("the menu closes", || async {
        b.client.find(Locator::Css("[role=menu]")).await.is_err()
    })
    .await;
    // Focus goes back to the button that opened the menu.
    let active = b.client.active_element().await.unwrap();
    assert_eq!(
        active.attr("aria-label").await.unwrap().as_deref(),
        Some("Actions")
    );
    // The same for a header filter's menu.
    let filter = b.find("button[aria-label='Filter Status']").await;
    filter.click().await.unwrap();
    b.wait_css(".sr-popover input[type=checkbox]")
        .await
        .send_keys(ESCAPE)
        .await
        .unwrap();
    b.until("the filter menu closes", || async {
        b.client.find(Locator::Css(".sr-popover")).await.is_err()
    })
    .await;
    let active = b.client.active_element().await.unwrap();
    assert_eq!(
        active.attr("aria-label").await.unwrap().as_deref(),
        Some("Filter Status")
    );
    // Enter on a focused header sorts.
    let sort = b.find("th.sr-col-status .sr-sort-btn").await;
    b.client
        .execute(
            "arguments[0].focus()",
            vec![serde_json::to_value(&sort).unwrap()],
        )
        .await
        .unwrap();
    sort.send_keys(ENTER).await.unwrap();
    b.wait_css("th.sr-col-status[aria-sort='ascending']").await;
}

async fn copy_link_to_this_view(t: Target) {
    let b = browser(t).await;
    b.open("/?status=Failed").await;
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Copy link to this view']")
        .await
        .click()
        .await
        .unwrap();
    let notice = b.wait_css(".sr-notice").await.text().await.unwrap();
    // Copied, or (where the browser refuses clipboard access) the link to copy by hand.
    assert!(
        notice.contains("copied") || notice.contains("status=Failed"),
        "{notice}"
    );
}

async fn download_selected_as_csv_holds_just_the_selection(t: Target) {
    let b = browser(t).await;
    b.open("/").await;
    let boxes = b
        .client
        .find_all(Locator::Css("tbody tr.sr-row input[type=checkbox]"))
        .await
        .unwrap();
    let rows = b
        .client
        .find_all(Locator::Css("tbody tr.sr-row"))
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in [0usize, 2, 5] {
        boxes[i].click().await.unwrap();
        ids.push(rows[i].attr("data-id").await.unwrap().unwrap());
    }
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Download selected as CSV']")
        .await
        .click()
        .await
        .unwrap();
    b.button("Download 3 entries").await.click().await.unwrap();
    let file = wait_for_download(&b).await;
    assert!(file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("sync-report_selected-3_"));
    let bytes = std::fs::read(&file).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let got: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(got, ids, "the selected entries, in the table's order");
}

// ---- every page test, on the demo data and over HTTP against the reference server ----------

both!(loads_the_demo_data);

/// Nothing moves while the page loads: the summary strip and the failure groups come with the
/// table's first rows, not after them (which pushed the rows down: a layout shift of 0.17 on
/// the demo in Lighthouse, 0.2 in HTTP mode).
async fn loading_moves_nothing_on_the_page(t: Target) {
    let b = browser(t).await;
    // Every engine: from the load event until the page has settled, the top of each part of
    // the page is read at every frame; none may move once it has appeared. (Firefox and WebKit
    // have no Layout Instability API, which Chromium's check below reads.)
    b.client.goto(&format!("{}/", b.base)).await.unwrap();
    let moved = b
        .js_async(
            "const done = arguments[0]; const parts = ['.sr-toolbar', '.sr-strip', '.sr-groups', \
               '.sr-summary', '.sr-table thead th', 'tbody tr.sr-row']; \
             const first = {}; const moved = []; const start = performance.now(); let ready = null; \
             const frame = () => { \
               for (const css of parts) { \
                 const e = document.querySelector(css); \
                 if (!e || !e.getClientRects().length) continue; \
                 const y = e.getBoundingClientRect().top + window.scrollY; \
                 if (!(css in first)) first[css] = y; \
                 else if (Math.abs(first[css] - y) > 0.5 && moved.length < 5) moved.push(css + ' from y ' + Math.round(first[css]) + ' to ' + Math.round(y)); \
               } \
               if (ready === null && document.querySelector(\"table[aria-busy='false'] tbody tr.sr-row .sr-badge\") && document.querySelector('.sr-groups, .sr-strip-note')) ready = performance.now(); \
               if ((ready !== null && performance.now() - ready > 800) || performance.now() - start > 15000) \
                 done({ moved, seen: Object.keys(first).length, ready: ready !== null }); \
               else requestAnimationFrame(frame); \
             }; \
             requestAnimationFrame(frame);",
        )
        .await;
    assert_eq!(
        moved["ready"],
        json!(true),
        "the page never settled: {moved}"
    );
    // Without the summary (a core-only backend) there are no failure groups to see.
    let parts = if has_summary(t) { 6 } else { 5 };
    assert_eq!(moved["seen"], json!(parts), "every part was seen: {moved}");
    assert_eq!(
        moved["moved"],
        json!([]),
        "the page moved while loading: {moved}"
    );
    if b.engine != Engine::Chromium {
        return;
    }
    if has_summary(t) {
        b.wait_css(".sr-strip .sr-chart").await;
        b.wait_css(".sr-groups").await;
    } else {
        b.wait_css(".sr-strip-note").await;
    }
    // The sum of the layout shifts not caused by input (Chromium's Layout Instability API,
    // buffered from the page's start); over 0.01, what moved, for the failure message.
    let shift = b
        .js_async(
            "const done = arguments[0]; let sum = 0; const moved = []; \
             new PerformanceObserver(list => { \
               for (const e of list.getEntries()) { \
                 if (e.hadRecentInput) continue; \
                 sum += e.value; \
                 moved.push(e.value.toFixed(3) + ': ' + e.sources.map(s => \
                   (s.node ? s.node.className || s.node.nodeName : 'a removed node') + \
                   ' from y ' + Math.round(s.previousRect.y) + ' to ' + Math.round(s.currentRect.y)).join(', ')); \
               } \
             }).observe({ type: 'layout-shift', buffered: true }); \
             setTimeout(() => done(sum > 0.01 ? moved.join('; ') : sum), 300);",
        )
        .await;
    assert!(shift.is_number(), "the page moved while loading: {shift}");
}
both!(loading_moves_nothing_on_the_page);
both!(search_by_system_as_you_type);
both!(sort_by_clicking_headers);
both!(header_filter_status_and_error_details);
both!(range_is_capped_at_15_days);
both!(additional_filters_add_columns_and_are_remembered);
both!(select_page_then_everything_matching);
both!(download_as_csv_holds_every_matching_entry);
both!(resync_selected_updates_statuses_in_place);
both!(the_url_restores_the_view_and_back_works);
both!(header_filters_for_group_entity_systems_and_date);
both!(keyboard_operates_search_and_the_actions_menu);
both!(copy_link_to_this_view);
both!(download_selected_as_csv_holds_just_the_selection);

// ---- HTTP mode: the reference server misbehaving on purpose ------------------------------------

/// A browser on a reference server set up with `opts`, before any page is opened.
async fn http_browser(opts: Options) -> (Browser, Arc<Server>) {
    let (url, server) = reference_server(opts);
    (browser_at(url, Some(server.clone())).await, server)
}

impl Browser {
    /// Actions, "Download as CSV", then the confirmation's Download button.
    async fn download_via_menu(&self) {
        self.button("Actions").await.click().await.unwrap();
        self.wait_xpath("//button[@role='menuitem' and normalize-space()='Download as CSV']")
            .await
            .click()
            .await
            .unwrap();
        self.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Download ')]")
            .await
            .click()
            .await
            .unwrap();
    }

    /// Opens a page and waits for its error panel.
    async fn open_expecting_error(&self, path: &str) -> String {
        self.client
            .goto(&format!("{}{}", self.base, path))
            .await
            .unwrap();
        self.wait_css(".sr-state--error[role='alert']")
            .await
            .text()
            .await
            .unwrap()
    }

    fn seen(&self, path_end: &str) -> Vec<sync_report_server::Seen> {
        self.server
            .as_ref()
            .expect("an HTTP-mode browser")
            .seen()
            .into_iter()
            .filter(|s| s.target.split('?').next().unwrap().ends_with(path_end))
            .collect()
    }
}

/// A backend with the core endpoints only: the page works and says, in words, what it does
/// without the optional ones; it asks each optional endpoint once, never shows the 404, and
/// pages through the list for "all matching" (with a limit it names).
#[tokio::test]
async fn http_a_core_only_backend_gets_every_feature_but_the_summary() {
    let (b, server) = http_browser(Options {
        core_only: true,
        size: 20_000,
        ..Options::default()
    })
    .await;
    b.open("/?days=15&status=Failed").await;
    b.says_it_has_no_summary().await;
    let n = number(&b.count_text().await);
    assert!(n > 0 && n < 10_000, "{n}");
    // Header filters: the statuses are known; other values are those seen, and it says so.
    b.button("Filter Status").await.click().await.unwrap();
    b.until("the status values", || async {
        b.texts(".sr-popover--filter label").await.len() == 4
    })
    .await;
    assert_eq!(b.texts(".sr-filter-note").await.len(), 0);
    b.press("\u{E00C}").await; // Escape
    b.button("Filter Company Group")
        .await
        .click()
        .await
        .unwrap();
    let note = b.wait_css(".sr-filter-note").await.text().await.unwrap();
    assert!(note.contains("loaded so far"), "{note}");
    assert!(!b.texts(".sr-popover--filter label").await.is_empty());
    b.press("\u{E00C}").await;
    // "All matching" without /ids: the list's pages, then the file holds every one.
    b.select_all_matching(n).await;
    b.menu("Download selected as CSV").await;
    b.button(&format!("Download {} entries", fmt_thousands(n)))
        .await
        .click()
        .await
        .unwrap();
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(csv::Reader::from_reader(&bytes[3..]).records().count(), n);
    // The resync confirmation reads the same entries (no /lookup either).
    b.menu("Resync selected").await;
    let dialog = b
        .wait_xpath("//dialog[@open][.//h2[normalize-space()='Resync selected']]")
        .await
        .text()
        .await
        .unwrap();
    assert!(dialog.contains("will be resynced"), "{dialog}");
    b.button("Cancel").await.click().await.unwrap();
    // Nothing was shown as an error, and each optional endpoint was asked once at most.
    let notices = b.texts(".sr-notice").await;
    assert!(
        notices
            .iter()
            .all(|t| !t.contains("HTTP") && !t.contains("not found")),
        "{notices:?}"
    );
    for path in ["/facets", "/summary", "/ids", "/lookup"] {
        let asked = b.seen(path).len();
        assert!(asked <= 1, "{path} was asked {asked} times");
    }
    assert_eq!(b.seen("/ids").len(), 1);
    // Over the fallback's limit: said, with the numbers and what to do.
    b.open("/?days=15").await;
    let total = number(&b.count_text().await);
    assert!(total > 10_000, "{total}");
    b.select_all_matching(total).await;
    b.menu("Download selected as CSV").await;
    let notice = b
        .wait_xpath("//*[contains(@class,'sr-notice')][contains(., 'stops at 10,000 entries')]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        notice.contains("does not provide the ids of all matching entries")
            && notice.contains(&format!("({} here)", fmt_thousands(total)))
            && notice.contains("Narrow the filters"),
        "{notice}"
    );
    drop(server);
}

#[tokio::test]
async fn http_500_names_the_request_id_and_retry_recovers() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::Status(500)));
    let text = b.open_expecting_error("/").await;
    assert!(
        text.contains("HTTP 500") && text.contains("request id req-"),
        "{text}"
    );
    b.button("Retry").await.click().await.unwrap();
    b.wait_css("table[aria-busy='false'] tbody tr.sr-row").await;
}

#[tokio::test]
async fn http_401_asks_to_sign_in_again() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Status(401)));
    let text = b.open_expecting_error("/").await;
    assert!(
        text.contains("HTTP 401") && text.contains("Sign in again"),
        "{text}"
    );
}

#[tokio::test]
async fn http_timeout_is_said_in_seconds() {
    let (b, server) = http_browser(Options {
        client_timeout_seconds: 2,
        ..Options::default()
    })
    .await;
    server.add_rule(Rule::once(
        "/sync-reports",
        Fault::Delay(Duration::from_secs(6)),
    ));
    let text = b.open_expecting_error("/").await;
    assert!(text.contains("did not answer within 2 seconds"), "{text}");
}

#[tokio::test]
async fn http_rows_are_fetched_by_window_with_placeholders_meanwhile() {
    let (b, server) = http_browser(Options::default()).await;
    b.open("/?days=15").await;
    let total = number(&b.count_text().await);
    assert!(total > 2000, "{total}");
    let before = b.seen("/sync-reports").len();
    // The next windows answer slowly: scrolling far shows placeholders with their places.
    server.add_rule(Rule::always(
        "/sync-reports",
        Fault::Delay(Duration::from_millis(1500)),
    ));
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight * 0.6")
        .await;
    let placeholder = b
        .wait_css("tbody tr.sr-row--placeholder[aria-busy='true']")
        .await;
    let text = placeholder.text().await.unwrap();
    assert!(text.starts_with("Loading row "), "{text}");
    let place: usize = placeholder
        .attr("aria-rowindex")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert!(place > total / 2, "placeholder at {place} of {total}");
    // Then the rows arrive in place of the placeholders.
    server.clear_rules();
    b.until("the window's rows arrive", || async {
        b.texts("tbody tr.sr-row--placeholder").await.is_empty()
            && !b.texts("tbody tr.sr-row .sr-badge").await.is_empty()
    })
    .await;
    // (Once answered, the server has logged them.) Only the windows in view were asked for:
    // pages near 60% of the result, 100 a page.
    let far_pages: Vec<usize> = b.seen("/sync-reports")[before..]
        .iter()
        .filter_map(|r| {
            r.target
                .split_once('?')?
                .1
                .split('&')
                .find_map(|kv| kv.strip_prefix("page="))
                .and_then(|v| v.parse().ok())
        })
        .collect();
    assert!(
        !far_pages.is_empty() && far_pages.len() <= 3,
        "pages asked after the scroll: {far_pages:?}"
    );
    for p in &far_pages {
        // Page p holds rows (p - 1) * 100 + 1 ..= p * 100 (aria-rowindex is the row plus one).
        let first_row = (*p - 1) * 100 + 2;
        assert!(
            first_row <= place + 100 && first_row + 100 > place.saturating_sub(100),
            "page {p} for row {place}"
        );
    }
}

#[tokio::test]
async fn http_malformed_json_is_named() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Malformed));
    let text = b.open_expecting_error("/").await;
    assert!(text.contains("malformed response"), "{text}");
}

#[tokio::test]
async fn http_wrong_field_types_cost_only_those_entries() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::WrongTypes));
    b.open("/").await;
    let summary = b.find(".sr-rejected summary").await.text().await.unwrap();
    assert_eq!(summary, "2 entries could not be read and are not shown");
    b.find(".sr-rejected summary").await.click().await.unwrap();
    let details = b.find(".sr-rejected ul").await.text().await.unwrap();
    assert!(
        details.contains("field `created_at`") && details.contains("field `integration.name`"),
        "{details}"
    );
    // The 98 readable entries of that page are shown, and the two places left say why.
    b.js("const w = document.querySelector('.sr-table-wrap'); \
          w.scrollTop = 96 * document.querySelector('tbody tr.sr-row').getBoundingClientRect().height")
        .await;
    b.wait_css("tbody tr.sr-row[aria-rowindex='101']").await;
    let unreadable = b.texts("tbody tr.sr-row--unreadable").await;
    assert_eq!(unreadable.len(), 2, "{unreadable:?}");
    assert!(
        unreadable[0].contains("could not be read"),
        "{unreadable:?}"
    );
    let loaded = b
        .texts("tbody tr.sr-row[aria-rowindex='99'] .sr-badge")
        .await;
    assert_eq!(loaded.len(), 1, "the 98th entry is a real row");
}

#[tokio::test]
async fn http_unknown_status_is_a_neutral_badge() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once(
        "/sync-reports",
        Fault::UnknownStatus("Quarantined".into()),
    ));
    b.open("/").await;
    let badges = b.texts("tbody tr.sr-row .sr-badge--unknown").await;
    assert_eq!(
        badges.iter().filter(|b| *b == "Quarantined").count(),
        3,
        "{badges:?}"
    );
}

#[tokio::test]
async fn http_a_5_mb_answer_loads() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::Huge(5_000_000)));
    b.open("/").await;
    let rows = b.texts("tbody tr.sr-row:not(.sr-row--placeholder)").await;
    assert!(rows.len() >= 8, "{} rows", rows.len());
    // The page stays usable: long error texts do not push the table off screen.
    let width: f64 = b
        .client
        .execute(
            "return document.querySelector('.sr-root').getBoundingClientRect().width",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(width <= 1280.0, "{width}");
}

#[tokio::test]
async fn http_retries_503_then_loads() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::times("/sync-reports", 2, Fault::Status(503)));
    b.open("/").await;
    b.wait_css("tbody tr.sr-row").await;
    assert!(b
        .client
        .find(Locator::Css(".sr-state--error"))
        .await
        .is_err());
    assert_eq!(
        b.seen("/sync-reports").len(),
        3,
        "two 503s, then the answer"
    );
}

#[tokio::test]
async fn http_out_of_order_answers_never_overwrite_newer_ones() {
    let (b, server) = http_browser(Options::default()).await;
    // The first search is answered late, after the second.
    server.add_rule(
        Rule::always("/sync-reports", Fault::Delay(Duration::from_secs(3)))
            .when_query("filter[search_term]=sftp"),
    );
    b.open("/").await;
    let input = b.find("input[aria-label='Search sync reports']").await;
    input.send_keys("sftp").await.unwrap();
    b.until("the slow search is sent", || async {
        b.seen("/sync-reports")
            .iter()
            .any(|s| s.target.contains("search_term]=sftp"))
    })
    .await;
    input.clear().await.unwrap();
    input.send_keys("magento").await.unwrap();
    b.until("the URL holds the newer search", || async {
        b.url().await.contains("q=magento")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    // Past the moment the slow answer would have landed.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let rows = b.texts("tbody tr.sr-row").await;
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.to_lowercase().contains("magento")),
        "a stale answer replaced the newer one: {:?}",
        &rows[..3.min(rows.len())]
    );
}

#[tokio::test]
async fn http_resync_items_that_fail_say_so() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports/resync", Fault::ResyncFail));
    b.open("/?status=Failed&days=15").await;
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Resync selected']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await
        .click()
        .await
        .unwrap();
    let outcomes = b
        .wait_css("dialog[open] .sr-outcomes")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        outcomes.contains("Resync failed: NetSuite rejected the resync request (HTTP 502)")
            || outcomes.contains("rejected the resync request (HTTP 502)"),
        "{outcomes}"
    );
    assert!(outcomes.contains("Queued: now Pending"), "{outcomes}");
    // One request: the resync POST is never retried.
    assert_eq!(b.seen("/sync-reports/resync").len(), 1);
}

#[tokio::test]
async fn http_a_company_group_that_does_not_answer_is_named() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always(
        "/sync-reports",
        Fault::IntegrationDown("Bluebird Home".into()),
    ));
    b.open("/").await;
    let note = b.find(".sr-unavailable").await.text().await.unwrap();
    assert!(
        note.contains("One company group did not answer") && note.contains("Bluebird Home"),
        "{note}"
    );
    let groups = b.texts("tbody tr.sr-row td:nth-child(3)").await;
    assert!(!groups.iter().any(|g| g == "Bluebird Home"));
}

/// Downloads every entry of the last 15 days (5 API pages of 1,000) and returns the file.
async fn export_all(b: &Browser) -> Option<PathBuf> {
    b.open("/?days=15").await;
    b.download_via_menu().await;
    // Either a file or a notice that there is none.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let file = b
            .downloaded()
            .await
            .into_iter()
            .find(|p| p.extension().is_some_and(|x| x == "csv"));
        if file.is_some() {
            return file;
        }
        let notes = b.texts(".sr-notices li, .sr-notice").await.join("\n");
        if notes.contains("no file was saved") {
            return None;
        }
        assert!(Instant::now() < deadline, "neither a file nor a failure");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn http_export_pages_through_the_api_with_credentials_kept_out_of_urls() {
    let secret = "e2e-s3cret-token";
    let (b, server) = http_browser(Options {
        token: Some(secret.into()),
        publish_token: true,
        ..Options::default()
    })
    .await;
    let file = export_all(&b).await.expect("a CSV");
    let bytes = std::fs::read(&file).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let ids: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    let unique: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no entry twice");
    assert!(ids.len() >= 4_000 && ids.len() <= 5_000, "{}", ids.len());
    let pages: Vec<_> = b
        .seen("/sync-reports")
        .into_iter()
        .filter(|s| s.target.contains("per_page=1000"))
        .collect();
    assert_eq!(
        pages.len(),
        ids.len().div_ceil(1000),
        "one request per page"
    );
    // Later pages are pinned to the first page's clock.
    assert!(pages[1..]
        .iter()
        .all(|p| p.target.contains("filter[start]=")));
    // The token travels in the header only.
    let all = server.seen();
    assert!(all
        .iter()
        .all(|s| s.authorization.as_deref() == Some(&format!("Bearer {secret}"))));
    assert!(all.iter().all(|s| !s.target.contains(secret)));
    assert!(!String::from_utf8_lossy(&bytes).contains(secret));
    assert!(!b.url().await.contains(secret));
}

#[tokio::test]
async fn http_export_failing_midway_saves_no_file() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Status(500)).when_query("&page=3&"));
    assert!(export_all(&b).await.is_none(), "a truncated file was saved");
    let notes = b.texts(".sr-notices li, .sr-notice").await.join("\n");
    assert!(
        notes.contains("The download stopped after") && notes.contains("HTTP 500"),
        "{notes}"
    );
}

#[tokio::test]
async fn a_bad_config_file_stops_the_page_with_its_field_named() {
    let dist = dist_dir();
    let app = axum::Router::new()
        .route(
            "/config.json",
            axum::routing::get(|| async { r#"{"mode":"http","api_bsae":"/api"}"# }),
        )
        .fallback_service(tower_http::services::ServeDir::new(dist));
    let b = browser_at(serve(app), None).await;
    let text = b.open_expecting_error("/").await;
    assert!(
        text.contains("could not start") && text.contains("api_bsae"),
        "{text}"
    );
}

// ---- embedding: the example dashboard (examples/dashboard) under a strict CSP ------------------

/// The Content-Security-Policy the README gives, set on every response by the test server.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";

/// The built app (with /dashboard/) served with the strict CSP header.
fn csp_site() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let app = axum::Router::new()
            .fallback_service(tower_http::services::ServeDir::new(dist_dir()))
            .layer(axum::middleware::map_response(
                |mut res: axum::response::Response| async move {
                    res.headers_mut().insert(
                        "content-security-policy",
                        axum::http::HeaderValue::from_static(CSP),
                    );
                    res
                },
            ));
        serve(app)
    })
}

impl Browser {
    async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    async fn js_async(&self, script: &str) -> serde_json::Value {
        self.client
            .execute_async(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Opens the example dashboard and waits for both reports.
    async fn open_dashboard(&self) {
        self.client
            .goto(&format!("{}/dashboard/", self.base))
            .await
            .unwrap();
        self.wait_css("#failures table[aria-label='Sync report'][aria-busy='false']")
            .await;
        self.wait_css("#all-syncs table[aria-label='Sync report'][aria-busy='false']")
            .await;
    }

    /// The events the dashboard heard, as `[{type, report, detail}]`.
    async fn events(&self, kind: &str) -> Vec<serde_json::Value> {
        let all = self.js("return window.__syncReportAudit.events").await;
        all.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == format!("sync-report:{kind}"))
            .cloned()
            .collect()
    }
}

#[tokio::test]
async fn embedded_reports_stand_side_by_side_under_a_strict_csp_and_clashing_css() {
    let b = browser_at(csp_site().to_string(), None).await;
    b.open_dashboard().await;
    // The reports broke none of the policy...
    assert_eq!(
        b.js("return window.__syncReportAudit.csp").await,
        json!([]),
        "CSP violations"
    );
    // ...which is in force: an inline script is blocked, and the audit sees it.
    b.js("const s = document.createElement('script'); s.textContent = 'window.__inlineRan = 1'; document.head.append(s);")
        .await;
    b.until("the probe is reported", || async {
        b.js("return window.__syncReportAudit.csp.length").await == json!(1)
    })
    .await;
    assert_eq!(
        b.js("return window.__inlineRan === undefined").await,
        json!(true)
    );
    // Configured apart: options for one, data attributes for the other.
    let left = b.find("#failures .sr-count").await.text().await.unwrap();
    let right = b.find("#all-syncs .sr-count").await.text().await.unwrap();
    assert!(left.contains("of 3,000 entries"), "{left}");
    let badges = b.texts("#failures tbody .sr-badge").await;
    assert!(badges.iter().all(|s| s == "Failed"), "{badges:?}");
    assert!(b
        .texts("#all-syncs tbody .sr-badge")
        .await
        .iter()
        .any(|s| s != "Failed"));
    // Only the report that opted in writes the URL, under its prefix.
    let url = b.url().await;
    assert!(url.contains("failures_status=Failed"), "{url}");
    assert!(
        !url.contains("?status=") && !url.contains("&status="),
        "{url}"
    );
    // Independent: searching the right one leaves the left alone.
    let input = b
        .find("#all-syncs input[aria-label='Search sync reports']")
        .await;
    input.send_keys("sftp").await.unwrap();
    b.until("the right report narrows", || async {
        b.find("#all-syncs .sr-count").await.text().await.unwrap() != right
    })
    .await;
    assert_eq!(
        b.find("#failures .sr-count").await.text().await.unwrap(),
        left
    );
    assert!(
        !b.url().await.contains("sftp"),
        "the right report has no URL state"
    );
    // Element ids stay unique with two reports on the page.
    let ids = b
        .js("return [...document.querySelectorAll('[id]')].map(e => e.id)")
        .await;
    let ids: Vec<&str> = ids
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let unique: std::collections::BTreeSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    // The host's broad element rules are live outside the reports, and do not reach inside.
    let style = b
        .js(r#"
        const cs = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {
          hostButton: cs('#theme-toggle', 'textTransform'),
          reportButton: cs('#failures .sr-btn', 'textTransform'),
          reportButtonSize: cs('#failures .sr-btn', 'fontSize'),
          tableBorder: cs('#failures table.sr-table', 'borderTopWidth'),
          cellPadding: cs('#failures td', 'paddingTop'),
          cellTransform: cs('#failures td', 'textTransform'),
          inputWidth: cs('#failures input[aria-label="Previous days"]', 'width'),
          font: cs('#all-syncs .sr-root', 'fontFamily'),
          boxSizing: cs('#failures .sr-btn', 'boxSizing'),
        };"#)
        .await;
    assert_eq!(style["hostButton"], "uppercase", "{style}");
    assert_eq!(style["reportButton"], "none", "{style}");
    assert_ne!(style["reportButtonSize"], "18px", "{style}");
    assert_eq!(style["tableBorder"], "0px", "{style}");
    let pad: f64 = style["cellPadding"]
        .as_str()
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    assert!(pad <= 10.0, "{style}");
    assert_eq!(style["cellTransform"], "none", "{style}");
    assert_ne!(style["inputWidth"], "300px", "{style}");
    assert!(
        !style["font"].as_str().unwrap().contains("Georgia"),
        "{style}"
    );
    assert_eq!(style["boxSizing"], "border-box", "{style}");
    // The standalone page also starts under the same policy (no inline script).
    b.open("/").await;
    b.wait_css("tbody tr.sr-row").await;
}

#[tokio::test]
async fn embedded_events_fire_with_the_documented_detail() {
    let b = browser_at(csp_site().to_string(), None).await;
    b.open_dashboard().await;
    // Selection.
    let row = b.find("#failures tbody tr.sr-row").await;
    let id: u64 = row.attr("data-id").await.unwrap().unwrap().parse().unwrap();
    row.find(Locator::Css("input[type=checkbox]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.until("a selection-change event", || async {
        !b.events("selection-change").await.is_empty()
    })
    .await;
    let e = &b.events("selection-change").await[0];
    assert_eq!(e["report"], "failures");
    assert_eq!(e["detail"], json!({ "count": 1, "allMatching": false }));
    // Resync of that entry.
    b.find("#failures button[aria-label='Actions']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath(
        "//div[@id='failures']//button[@role='menuitem' and normalize-space()='Resync selected']",
    )
    .await
    .click()
    .await
    .unwrap();
    let confirm = b
        .wait_xpath("//div[@id='failures']//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await;
    if confirm.is_enabled().await.unwrap() {
        confirm.click().await.unwrap();
        b.until("resync events", || async {
            !b.events("resync-completed").await.is_empty()
        })
        .await;
        let req = &b.events("resync-requested").await[0]["detail"];
        assert_eq!(req, &json!({ "ids": [id], "count": 1 }));
        let done = &b.events("resync-completed").await[0]["detail"];
        assert_eq!(done["count"], 1);
        assert_eq!(
            done["accepted"].as_u64().unwrap()
                + done["refused"].as_u64().unwrap()
                + done["failed"].as_u64().unwrap(),
            1
        );
        assert_eq!(done["outcomes"][0]["id"], id);
        assert!(done["outcomes"][0]["outcome"].is_string());
        b.wait_xpath("//div[@id='failures']//dialog[@open]//button[normalize-space()='Close']")
            .await
            .click()
            .await
            .unwrap();
    } else {
        // Not resyncable: the dialog offered nothing to send, so nothing was requested.
        assert!(b.events("resync-requested").await.is_empty());
        b.wait_xpath("//div[@id='failures']//dialog[@open]//button[normalize-space()='Cancel']")
            .await
            .click()
            .await
            .unwrap();
    }
    // Export.
    b.find("#failures button[aria-label='Actions']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath(
        "//div[@id='failures']//button[@role='menuitem' and normalize-space()='Download as CSV']",
    )
    .await
    .click()
    .await
    .unwrap();
    b.wait_xpath(
        "//div[@id='failures']//dialog[@open]//button[starts-with(normalize-space(),'Download ')]",
    )
    .await
    .click()
    .await
    .unwrap();
    b.until("an export-completed event", || async {
        !b.events("export-completed").await.is_empty()
    })
    .await;
    let d = &b.events("export-completed").await[0]["detail"];
    assert!(d["rows"].as_u64().unwrap() > 0, "{d}");
    assert_eq!(d["skipped"], 0);
    assert_eq!(d["selectedOnly"], false);
    assert!(
        d["filename"].as_str().unwrap().starts_with("sync-report_"),
        "{d}"
    );
    // An error: a third report pointed at an API that is not there.
    b.js_async(
        r#"const done = arguments[arguments.length - 1];
        (async () => {
          const el = document.createElement('div');
          el.id = 'broken';
          document.body.append(el);
          await window.__syncReportAudit.mount(el, { mode: 'http', apiBase: '/no-such-api' });
          done(true);
        })();"#,
    )
    .await;
    b.until("an error event", || async {
        !b.events("error").await.is_empty()
    })
    .await;
    let e = &b.events("error").await[0];
    assert_eq!(e["report"], "broken");
    assert_eq!(e["detail"]["during"], "load");
    assert!(
        e["detail"]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP 404"),
        "{e}"
    );
    assert_eq!(b.js("return window.__syncReportAudit.csp").await, json!([]));
}

#[tokio::test]
async fn embedded_update_and_unmount_leave_nothing_behind() {
    let b = browser_at(csp_site().to_string(), None).await;
    b.open_dashboard().await;
    // update(): a theme and new filters apply in place.
    b.js("window.failuresReport.update({ theme: 'dark', filters: 'status=Pending&days=15' })")
        .await;
    b.wait_css("#failures .sr-root[data-theme='dark']").await;
    b.until("the filters change", || async {
        let badges = b.texts("#failures tbody .sr-badge").await;
        !badges.is_empty() && badges.iter().all(|s| s == "Pending")
    })
    .await;
    // Bad options are refused with a message naming the key.
    let err = b
        .js("try { window.failuresReport.update({ colour: 'red' }); return ''; } catch (e) { return String(e.message || e); }")
        .await;
    assert!(err.as_str().unwrap().contains("colour"), "{err}");
    // Mount and unmount one more report: every node, listener and timer goes with it.
    let r = b
        .js_async(
            r#"const done = arguments[arguments.length - 1];
            const audit = window.__syncReportAudit;
            const counts = () => ({ listeners: audit.globalListeners(), intervals: audit.activeIntervals() });
            (async () => {
              const el = document.createElement('div');
              document.body.append(el);
              const before = counts();
              const h = await audit.mount(el, { demoSize: 200 });
              await new Promise((r) => setTimeout(r, 300));
              const during = counts();
              const rows = el.querySelectorAll('tbody tr').length;
              h.unmount();
              await new Promise((r) => setTimeout(r, 50));
              let updateError = '';
              try { h.update({ theme: 'dark' }); } catch (e) { updateError = String(e.message || e); }
              done({ before, during, after: counts(), rows, nodes: el.childNodes.length,
                     mounted: h.mounted, updateError });
            })();"#,
        )
        .await;
    assert!(r["rows"].as_u64().unwrap() > 0, "{r}");
    assert!(
        r["during"]["listeners"].as_u64() > r["before"]["listeners"].as_u64(),
        "the audit must see the report's listeners: {r}"
    );
    assert!(
        r["during"]["intervals"].as_u64() > r["before"]["intervals"].as_u64(),
        "{r}"
    );
    assert_eq!(r["after"], r["before"], "{r}");
    assert_eq!(r["nodes"], 0, "{r}");
    assert_eq!(r["mounted"], false);
    assert!(
        r["updateError"].as_str().unwrap().contains("unmounted"),
        "{r}"
    );
    // The dashboard's own button unmounts and mounts its report again.
    b.find("#unmount").await.click().await.unwrap();
    b.until("the report is gone", || async {
        b.js("return document.getElementById('failures').childNodes.length")
            .await
            == json!(0)
    })
    .await;
    b.find("#remount").await.click().await.unwrap();
    b.wait_css("#failures table[aria-busy='false'] tbody tr.sr-row")
        .await;
}

#[tokio::test]
async fn embedded_under_a_sub_path_with_the_api_on_another_origin() {
    // The build served under /reports/, with no rebuild: embed.js finds its files relative to
    // itself.
    let site = serve(
        axum::Router::new()
            .nest_service("/reports", tower_http::services::ServeDir::new(dist_dir())),
    );
    // The API on another origin (another port), allowing the site's origin.
    let (api, server) = reference_server(Options {
        allow_origins: vec![site.clone()],
        ..Options::default()
    });
    let b = browser_at(site.clone(), None).await;
    b.client
        .goto(&format!("{site}/reports/dashboard/"))
        .await
        .unwrap();
    b.wait_css("#failures table[aria-busy='false'] tbody tr.sr-row")
        .await;
    b.wait_css("#all-syncs table[aria-busy='false'] tbody tr.sr-row")
        .await;
    let mounted = b
        .js_async(&format!(
            r#"const done = arguments[arguments.length - 1];
            (async () => {{
              const el = document.createElement('div');
              el.id = 'remote';
              document.body.append(el);
              await window.__syncReportAudit.mount(el, {{ mode: 'http', apiBase: '{api}/api' }});
              done(true);
            }})().catch((e) => done(String(e)));"#
        ))
        .await;
    assert_eq!(mounted, json!(true));
    b.wait_css("#remote table[aria-busy='false'] tbody tr.sr-row")
        .await;
    let panel = b
        .js("const p = document.querySelector('.sr-panic'); return p ? p.textContent : null")
        .await;
    assert_eq!(panel, json!(null), "a report panicked");
    let source = b.find("#remote .sr-source").await.text().await.unwrap();
    assert_eq!(source, format!("Live data from {api}/api"));
    assert!(b.events("error").await.is_empty());
    assert!(!server.seen().is_empty());
}

// ---- hardening: hostile data, double clicks, a far-off clock ------------------------------------

#[tokio::test]
async fn http_hostile_data_is_shown_as_text_and_exported_safely() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::always("/sync-reports", Fault::Hostile));
    b.open("/").await;
    // Shown, as text.
    let refs = b.texts("tbody tr.sr-row td:nth-child(7)").await;
    assert!(
        refs.iter().any(|r| r.contains("<img src=x onerror=")),
        "{refs:?}"
    );
    let scan = b
        .js(r#"return {
            pwned: window.__pwned ?? null,
            markup: document.querySelectorAll('.sr-root img, .sr-root script, .sr-root b').length,
            docWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            msgHeight: Math.max(...[...document.querySelectorAll('.sr-msg')].map(e => e.getBoundingClientRect().height)),
        }"#)
        .await;
    assert_eq!(scan["pwned"], json!(null), "{scan}");
    assert_eq!(scan["markup"], 0, "{scan}");
    // The layout holds: nothing wider than the window, the 10,000-character reason clamped.
    assert!(
        scan["docWidth"].as_f64() <= scan["viewport"].as_f64(),
        "{scan}"
    );
    assert!(scan["msgHeight"].as_f64().unwrap() < 80.0, "{scan}");
    // The whole reason is in Error details.
    b.button("Error details").await.click().await.unwrap();
    let dialog = b
        .wait_css("dialog.sr-dialog[open]")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dialog.contains("<script>window.__pwned=2</script>"),
        "markup shown as text"
    );
    assert!(dialog.contains("on and on.") && dialog.len() > 10_000);
    b.button("Close").await.click().await.unwrap();
    // The CSV opens safely: formulas neutralised, markup kept as text.
    b.download_via_menu().await;
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let mut rd = csv::Reader::from_reader(&bytes[3..]);
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    let hostile: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| r[col("Reference")].starts_with("<img"))
        .collect();
    assert!(!hostile.is_empty());
    for r in &hostile {
        assert!(
            r[col("Error")].starts_with("'=HYPERLINK("),
            "{:?}",
            &r[col("Error")]
        );
        assert!(r[col("Source Id")].starts_with("'+cmd"));
        assert!(r[col("Endpoint Id")].starts_with("'@SUM"));
        assert!(r[col("Message")].starts_with("<script>"));
    }
    // No cell anywhere starts with a formula character.
    for r in &rows {
        for cell in r.iter() {
            let danger = cell.starts_with(['=', '@', '\t', '\r'])
                || (cell.starts_with(['+', '-']) && cell.parse::<f64>().is_err());
            assert!(!danger, "{cell:?}");
        }
    }
    assert_eq!(b.js("return window.__pwned ?? null").await, json!(null));
}

#[tokio::test]
async fn http_double_clicks_send_one_request() {
    let (b, _server) = http_browser(Options::default()).await;
    b.open("/?status=Failed&days=15").await;
    let before = b.seen("/sync-reports").len();
    // Retry, sort and paging buttons: a double click is one change of view, one request each.
    b.js("const s = document.querySelector('th.sr-col-reference .sr-sort-btn'); s.click(); s.click();")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sorts = b.seen("/sync-reports").len() - before;
    assert!(sorts <= 2, "{sorts} requests for two clicks");
    // Resync: a double click on Resync sends one POST.
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Resync selected']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Resync ')]")
        .await;
    b.js("const btn = [...document.querySelectorAll('dialog[open] button')].find(x => x.textContent.startsWith('Resync ')); btn.click(); btn.click(); btn.dispatchEvent(new MouseEvent('dblclick', {bubbles: true}));")
        .await;
    b.wait_css("dialog[open] .sr-outcomes").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        b.seen("/sync-reports/resync").len(),
        1,
        "one resync request"
    );
    b.button("Close").await.click().await.unwrap();
    // Download: a double click on the confirm saves one file.
    b.button("Actions").await.click().await.unwrap();
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Download as CSV']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Download ')]")
        .await;
    b.js("const btn = [...document.querySelectorAll('dialog[open] button')].find(x => x.textContent.startsWith('Download ')); btn.click(); btn.click();")
        .await;
    wait_for_download(&b).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let files = b.downloaded().await.len();
    assert_eq!(files, 1, "one file for a double click");
}

#[tokio::test]
async fn http_a_client_clock_far_from_the_servers_changes_nothing() {
    // The server's clock runs 3 days behind the browser's: "last 5 days" and export pages
    // follow the server's clock (meta.generated_at), so the table and the file agree.
    let (b, _server) = http_browser(Options {
        clock_offset: chrono::Duration::days(-3),
        ..Options::default()
    })
    .await;
    b.open("/?status=Failed").await;
    let n = number(&b.count_text().await);
    assert!(n > 0);
    b.download_via_menu().await;
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let rows = csv::Reader::from_reader(&bytes[3..]).records().count();
    assert_eq!(rows, n);
    // The file is named after the server's dates, not the browser's.
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let server_today = (chrono::Utc::now() - chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    assert!(name.contains(&server_today), "{name}");
}

// ---- accessibility: axe-core on every state of the page -----------------------------------------

impl Browser {
    /// Runs axe-core (node_modules/axe-core) on the report and fails with every violation.
    async fn axe(&self, state: &str) {
        let result = self.axe_violations().await;
        assert_eq!(
            result,
            json!([]),
            "axe-core violations in state '{state}':\n{}",
            serde_json::to_string_pretty(&result).unwrap()
        );
    }

    /// axe-core's violations on the open dialog, or else the whole document.
    async fn axe_violations(&self) -> serde_json::Value {
        static AXE: OnceLock<String> = OnceLock::new();
        let src = AXE.get_or_init(|| {
            let p =
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("node_modules/axe-core/axe.min.js");
            std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("{}: {e} (scripts/setup.sh installs it)", p.display()))
        });
        if self.js("return typeof window.axe").await != json!("object") {
            self.js(src).await;
        }
        let result = self
            .js_async(
                r#"const done = arguments[arguments.length - 1];
                const dialog = document.querySelector('dialog[open]');
                axe.run(dialog || document, { resultTypes: ['violations'] })
                  .then((r) => done(r.violations.map((v) => ({
                     id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary),
                  }))))
                  .catch((e) => done([{ id: 'axe-error', help: String(e) }]));"#,
            )
            .await;
        result
    }
}

#[tokio::test]
async fn accessibility_every_state_passes_axe() {
    let b = browser(Target::Demo).await;
    b.open("/").await;
    b.axe("loaded").await;
    // Additional columns on.
    b.open("/?status=Failed&sync_data=1&fields=1&q=a").await;
    b.axe("filtered, every column").await;
    // A header filter open.
    b.button("Filter Status").await.click().await.unwrap();
    b.wait_css(".sr-popover").await;
    b.axe("header filter open").await;
    b.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("\u{e00c}")
        .await
        .unwrap();
    // Additional filters open.
    b.button("Additional filters").await.click().await.unwrap();
    b.wait_css(".sr-popover").await;
    b.axe("additional filters open").await;
    b.button("Additional filters").await.click().await.unwrap();
    // The Actions menu open.
    b.button("Actions").await.click().await.unwrap();
    b.wait_css("[role='menu']").await;
    b.axe("actions menu open").await;
    // The export dialog.
    b.wait_xpath("//button[@role='menuitem' and normalize-space()='Download as CSV']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css("dialog[open]").await;
    b.axe("export dialog").await;
    b.button("Cancel").await.click().await.unwrap();
    // Error details.
    b.button("Error details").await.click().await.unwrap();
    b.wait_css("dialog[open]").await;
    b.axe("error details dialog").await;
    b.button("Close").await.click().await.unwrap();
    // Selection bar.
    b.find("input[aria-label='Select all']")
        .await
        .click()
        .await
        .unwrap();
    b.wait_css(".sr-selbar").await;
    b.axe("page selected").await;
    // Saved views open, and the shortcuts dialog.
    b.button("Saved views").await.click().await.unwrap();
    b.wait_css(".sr-views").await;
    b.axe("saved views open").await;
    b.button("Saved views").await.click().await.unwrap();
    b.button("Keyboard shortcuts").await.click().await.unwrap();
    b.wait_css("dialog[open] .sr-shortcuts").await;
    b.axe("keyboard shortcuts dialog").await;
    b.button("Close").await.click().await.unwrap();
    // Empty.
    b.open("/?q=no-such-entry-anywhere").await;
    b.wait_css(".sr-state--empty").await;
    b.axe("empty").await;
    // Dark theme (contrast).
    b.client
        .execute(
            "document.querySelector('.sr-root').dataset.theme = 'dark'",
            vec![],
        )
        .await
        .unwrap();
    b.open("/").await;
    b.js("document.querySelector('.sr-root').dataset.theme = 'dark'")
        .await;
    b.axe("dark theme").await;
}

#[tokio::test]
async fn accessibility_error_states_pass_axe() {
    let (b, server) = http_browser(Options::default()).await;
    server.add_rule(Rule::once("/sync-reports", Fault::Status(500)));
    b.open_expecting_error("/").await;
    b.axe("server error").await;
    server.add_rule(Rule::once("/sync-reports", Fault::WrongTypes));
    server.add_rule(Rule::once(
        "/sync-reports",
        Fault::IntegrationDown("Bluebird Home".into()),
    ));
    b.button("Retry").await.click().await.unwrap();
    b.wait_css(".sr-rejected").await;
    b.axe("entries that could not be read, a silent company group")
        .await;
}

// ---- keyboard only: search, filter, select, resync, export --------------------------------------

const TAB: &str = "\u{e004}";

impl Browser {
    /// Presses keys on whatever has focus, as a person does: WebDriver key actions, not
    /// "send keys to an element", which drivers refuse for an element they judge not
    /// interactable (a focused row half out of view, say). A modifier (Shift, Control, Alt,
    /// Meta) stays down until the NULL key or the end of `keys`.
    async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        const NULL: char = '\u{E000}';
        const MODIFIERS: [char; 4] = ['\u{E008}', '\u{E009}', '\u{E00A}', '\u{E03D}'];
        let mut seq = KeyActions::new("keyboard".into());
        let mut held = Vec::new();
        for c in keys.chars() {
            if c == NULL {
                for m in held.drain(..).rev() {
                    seq = seq.then(KeyAction::Up { value: m });
                }
            } else if MODIFIERS.contains(&c) {
                seq = seq.then(KeyAction::Down { value: c });
                held.push(c);
            } else {
                seq = seq
                    .then(KeyAction::Down { value: c })
                    .then(KeyAction::Up { value: c });
            }
        }
        for m in held.drain(..).rev() {
            seq = seq.then(KeyAction::Up { value: m });
        }
        self.client.perform_actions(seq).await.unwrap();
    }

    /// Presses Tab until the focused element matches `css` (and, if given, has this text).
    async fn tab_to(&self, css: &str, text: Option<&str>) {
        self.tab_until(css, text, TAB).await
    }

    /// The same with Shift+Tab, backwards.
    async fn tab_back_to(&self, css: &str, text: Option<&str>) {
        self.tab_until(css, text, "\u{E008}\u{E004}\u{E000}").await
    }

    async fn tab_until(&self, css: &str, text: Option<&str>, key: &str) {
        let check = format!(
            "const a = document.activeElement; return !!a && a.matches({}) && ({} === null || (a.closest('label') || a).textContent.trim().startsWith({}));",
            serde_json::to_string(css).unwrap(),
            serde_json::to_string(&text).unwrap(),
            serde_json::to_string(&text).unwrap(),
        );
        for _ in 0..120 {
            if self.js(&check).await == json!(true) {
                return;
            }
            self.press(key).await;
        }
        panic!("Tab never reached {css} {text:?}");
    }
}

#[tokio::test]
async fn keyboard_only_search_filter_select_resync_and_export() {
    let b = browser(Target::Demo).await;
    b.open("/?days=15").await;
    let total = number(&b.count_text().await);
    // Search.
    b.tab_to("input[aria-label='Search sync reports']", None)
        .await;
    b.press("netsuite").await;
    b.until("the search applies", || async {
        b.url().await.contains("q=netsuite")
    })
    .await;
    // Filter: open Status, tick Failed with Space, close with Escape.
    b.tab_to("button[aria-label='Filter Status']", None).await;
    b.press(ENTER).await;
    b.wait_css(".sr-popover").await;
    b.tab_to(".sr-popover input[type=checkbox]", Some("Failed"))
        .await;
    b.press(" ").await;
    b.until("the filter applies", || async {
        b.url().await.contains("status=Failed")
    })
    .await;
    b.press(ESCAPE).await;
    b.wait_css("table[aria-busy='false']").await;
    assert!(number(&b.count_text().await) < total);
    // Select the first row with Space.
    b.tab_to("tbody tr.sr-row input[type=checkbox]", None).await;
    b.press(" ").await;
    b.wait_css(".sr-selbar").await;
    // Resync it: back to Actions, arrows to "Resync selected", Enter, the dialog's buttons.
    b.tab_back_to("button[aria-label='Actions']", None).await;
    b.press(ENTER).await;
    b.wait_css("[role=menu]").await;
    for _ in 0..4 {
        let t = b
            .js("return document.activeElement.textContent.trim()")
            .await;
        if t == json!("Resync selected") {
            break;
        }
        b.press(ARROW_DOWN).await;
    }
    b.press(ENTER).await;
    b.wait_css("dialog[open] .sr-dialog-actions").await;
    let can = b
        .js("return !![...document.querySelectorAll('dialog[open] button')].find(x => x.textContent.startsWith('Resync ') && !x.disabled)")
        .await;
    if can == json!(true) {
        b.tab_to("dialog[open] button", Some("Resync ")).await;
        b.press(ENTER).await;
        b.wait_css("dialog[open] .sr-outcomes").await;
        b.tab_to("dialog[open] button", Some("Close")).await;
    } else {
        b.tab_to("dialog[open] button", Some("Cancel")).await;
    }
    b.press(ENTER).await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // Export: Actions, Enter on the first item, Enter on the confirm.
    b.tab_back_to("button[aria-label='Actions']", None).await;
    b.press(ENTER).await;
    b.wait_css("[role=menu]").await;
    assert_eq!(
        b.js("return document.activeElement.textContent.trim()")
            .await,
        json!("Download as CSV")
    );
    b.press(ENTER).await;
    b.wait_css("dialog[open]").await;
    b.tab_to("dialog[open] button", Some("Download ")).await;
    b.press(ENTER).await;
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let rows = csv::Reader::from_reader(&bytes[3..]).records().count();
    assert!(rows > 0);
}

/// chromedriver's network emulation: offline, or back to normal.
#[derive(Debug)]
struct NetworkConditions {
    offline: bool,
}

impl fantoccini::wd::WebDriverCompatibleCommand for NetworkConditions {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/chromium/network_conditions",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        let conditions = json!({
            "offline": self.offline, "latency": 0,
            "download_throughput": 10_000_000, "upload_throughput": 10_000_000,
        });
        (
            axum::http::Method::POST,
            Some(json!({ "network_conditions": conditions }).to_string()),
        )
    }
}

#[tokio::test]
async fn http_the_network_dropping_while_paging_says_offline_and_recovers() {
    let (b, server) = http_browser(Options::default()).await;
    b.open("/?days=15").await;
    // Chromium's driver takes the browser offline. geckodriver and WebKitWebDriver cannot
    // emulate the network, so there the server cuts every connection instead: the page meets
    // the same network errors (fetch fails), retries them, and gives up the same way.
    if b.engine == Engine::Chromium {
        b.client
            .issue_cmd(NetworkConditions { offline: true })
            .await
            .expect("chromedriver network conditions");
    } else {
        server.add_rule(Rule::always("/sync-reports", Fault::Disconnect));
    }
    // Scrolling far asks for rows not fetched yet; the network is gone.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight / 2")
        .await;
    let text = b
        .wait_css(".sr-state--error[role='alert']")
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("offline"), "{text}");
    if b.engine == Engine::Chromium {
        b.client
            .issue_cmd(NetworkConditions { offline: false })
            .await
            .unwrap();
    } else {
        server.clear_rules();
    }
    b.button("Retry").await.click().await.unwrap();
    // Back where the user was, with real rows.
    b.wait_css("table[aria-busy='false'] tbody tr.sr-row .sr-badge")
        .await;
    let place = b
        .js("return +document.querySelector('tbody tr.sr-row:not(.sr-row--placeholder)').getAttribute('aria-rowindex')")
        .await
        .as_f64()
        .unwrap();
    assert!(place > 200.0, "rows near the middle, not the top: {place}");
    assert!(b
        .client
        .find(Locator::Css(".sr-state--error"))
        .await
        .is_err());
}

// ---- triage: keyboard shortcuts and saved views --------------------------------------------------

impl Browser {
    async fn active(&self) -> serde_json::Value {
        self.js("const a = document.activeElement; return { tag: a.tagName, id: a.dataset.id || null, label: a.getAttribute('aria-label') };")
            .await
    }
}

#[tokio::test]
async fn the_keyboard_stays_in_the_report_when_the_focused_row_scrolls_away() {
    let b = browser(Target::Demo).await;
    b.open("/?days=15").await;
    b.js("document.querySelector('tbody tr.sr-row input[type=checkbox]').focus()")
        .await;
    b.press("j").await;
    let row = b.active().await["id"].as_str().unwrap().to_string();
    // Scrolled far away, the focused row leaves the page; the table's box takes the focus.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight / 2")
        .await;
    b.until("the row is gone and the table has the focus", || async {
        b.js(&format!(
            "return !document.querySelector(\"tr[data-id='{row}']\") \
             && document.activeElement.classList.contains('sr-table-wrap')"
        ))
        .await
        .as_bool()
        .unwrap_or(false)
    })
    .await;
    // j carries on from that row: the next one is brought back and focused.
    b.press("j").await;
    b.until("the next row is focused", || async {
        let a = b.active().await;
        a["tag"] == "TR" && a["id"].as_str() != Some(row.as_str())
    })
    .await;
    let index = b
        .js("return +document.activeElement.getAttribute('aria-rowindex')")
        .await
        .as_f64()
        .unwrap();
    assert_eq!(index, 4.0, "the third entry (after the header row)");
}

#[tokio::test]
async fn keyboard_triage_moves_selects_opens_details_and_resyncs() {
    let b = browser(Target::Demo).await;
    b.open("/?status=Failed&days=15").await;
    let ids: Vec<String> = b
        .js("return [...document.querySelectorAll('tbody tr.sr-row')].map(r => r.dataset.id)")
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    // Keys do nothing while the focus is outside the report.
    b.js("document.activeElement.blur()").await;
    b.client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("j")
        .await
        .unwrap();
    assert!(b
        .client
        .find(Locator::Css("tr.sr-row--active"))
        .await
        .is_err());
    // Into the table: the first row's checkbox; j and k move the focused row.
    b.js("document.querySelector('tbody tr.sr-row input[type=checkbox]').focus()")
        .await;
    b.press("j").await;
    assert_eq!(b.active().await["id"], json!(ids[1]), "{ids:?}");
    b.press("j").await;
    b.press("k").await;
    assert_eq!(b.active().await["id"], json!(ids[1]));
    b.wait_css(&format!("tr.sr-row--active[data-id='{}']", ids[1]))
        .await;
    // x selects it, and says so.
    b.press("x").await;
    b.wait_css(&format!("tr.sr-row--selected[data-id='{}']", ids[1]))
        .await;
    b.until("the selection is announced", || async {
        b.js("return document.querySelector('.sr-visually-hidden[role=status]').textContent")
            .await
            .as_str()
            .unwrap_or_default()
            .contains("selected; 1 selected")
    })
    .await;
    // e opens its error details; Escape closes them.
    b.press("e").await;
    let dialog = b.wait_css("dialog[open]").await.text().await.unwrap();
    assert!(dialog.contains("Error details"), "{dialog}");
    b.press(ESCAPE).await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // r asks to resync the selection, through the confirmation.
    b.js(&format!(
        "document.querySelector(\"tr.sr-row[data-id='{}']\").focus()",
        ids[1]
    ))
    .await;
    b.press("r").await;
    let title = b
        .wait_css("dialog[open] .sr-dialog-title")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(title, "Resync selected");
    b.press(ESCAPE).await;
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // / goes to the search, where keys are text again.
    b.js(&format!(
        "document.querySelector(\"tr.sr-row[data-id='{}']\").focus()",
        ids[0]
    ))
    .await;
    b.press("/").await;
    assert_eq!(b.active().await["label"], json!("Search sync reports"));
    b.press("?j").await;
    let value = b
        .find("input[aria-label='Search sync reports']")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(value.as_deref(), Some("?j"));
    assert!(b.client.find(Locator::Css("dialog[open]")).await.is_err());
    // ? lists the shortcuts.
    b.js(&format!(
        "document.querySelector(\"tr.sr-row[data-id='{}']\").focus()",
        ids[0]
    ))
    .await;
    b.press("?").await;
    let list = b.wait_css("dialog[open]").await.text().await.unwrap();
    assert!(
        list.contains("Keyboard shortcuts") && list.contains("Next row"),
        "{list}"
    );
}

#[tokio::test]
async fn saved_views_are_kept_applied_linked_and_deleted() {
    let b = browser(Target::Demo).await;
    b.open("/?status=Failed&q=shop&in=system&sort=common_ref&dir=asc&days=7")
        .await;
    let narrowed = b.count_text().await;
    b.button("Saved views").await.click().await.unwrap();
    let name = b.wait_css("input[aria-label='View name']").await;
    name.send_keys("Shopify failures").await.unwrap();
    b.button("Save current view").await.click().await.unwrap();
    b.wait_xpath("//ul[contains(@class,'sr-views-list')]//a[normalize-space()='Shopify failures']")
        .await;
    // The attribute as written (WebKit's driver answers with the resolved property).
    let href = b
        .js("return document.querySelector('.sr-views-list a').getAttribute('href')")
        .await
        .as_str()
        .unwrap()
        .to_string();
    for part in [
        "status=Failed",
        "q=shop",
        "in=system",
        "sort=common_ref",
        "dir=asc",
        "days=7",
    ] {
        assert!(href.contains(part), "{href} lacks {part}");
    }
    // Elsewhere, later: the view is still there and brings everything back.
    b.open("/").await;
    assert_ne!(b.count_text().await, narrowed);
    b.button("Saved views").await.click().await.unwrap();
    b.wait_xpath("//ul[contains(@class,'sr-views-list')]//a[normalize-space()='Shopify failures']")
        .await
        .click()
        .await
        .unwrap();
    b.until("the view applies", || async {
        b.url().await.contains("q=shop")
    })
    .await;
    b.wait_css("table[aria-busy='false']").await;
    assert_eq!(b.count_text().await, narrowed);
    let search = b
        .find("input[aria-label='Search sync reports']")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(search.as_deref(), Some("shop"));
    b.wait_css("th.sr-col-reference[aria-sort='ascending']")
        .await;
    // The link works on its own, too.
    b.client.goto(&format!("{}{}", b.base, href)).await.unwrap();
    b.wait_css("table[aria-busy='false']").await;
    assert_eq!(b.count_text().await, narrowed);
    // Deleted, it is gone for good.
    b.button("Saved views").await.click().await.unwrap();
    b.button("Delete view Shopify failures")
        .await
        .click()
        .await
        .unwrap();
    b.wait_xpath("//div[contains(@class,'sr-views')]//p[normalize-space()='No saved views yet.']")
        .await;
    b.open("/").await;
    b.button("Saved views").await.click().await.unwrap();
    b.wait_xpath("//div[contains(@class,'sr-views')]//p[normalize-space()='No saved views yet.']")
        .await;
}

async fn summary_strip_counts_filter_and_chart(t: Target) {
    let b = browser(t).await;
    b.open("/?days=5").await;
    if !has_summary(t) {
        return b.says_it_has_no_summary().await;
    }
    let total = number(&b.count_text().await);
    let strip = b.wait_css(".sr-strip-counts").await;
    // The status buttons (Stuck is a subset of Pending, not a status of its own).
    let buttons = strip
        .find_all(Locator::Css("button:not(.sr-count-btn--stuck)"))
        .await
        .unwrap();
    let mut sum = 0;
    let mut failed_count = 0;
    for btn in &buttons {
        let label = btn
            .find(Locator::Css(".sr-count-label"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let n = number(
            &btn.find(Locator::Css(".sr-count-num"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap(),
        );
        sum += n;
        if label == "Failed" {
            failed_count = n;
        }
    }
    assert_eq!(
        sum, total,
        "the status counts add up to the entries in range"
    );
    // The chart says its numbers in words.
    let label = b
        .find(".sr-chart svg")
        .await
        .attr("aria-label")
        .await
        .unwrap()
        .unwrap();
    assert!(
        label.starts_with(&format!(
            "Syncs per hour by status. {} syncs over",
            fmt_thousands(total)
        )),
        "{label}"
    );
    assert!(!b
        .client
        .find_all(Locator::Css(".sr-chart path"))
        .await
        .unwrap()
        .is_empty());
    // A click filters to that status; the chart follows, the counts stay.
    b.wait_xpath(
        "//div[contains(@class,'sr-strip-counts')]/button[.//span[normalize-space()='Failed']]",
    )
    .await
    .click()
    .await
    .unwrap();
    b.until("the table shows failures only", || async {
        b.url().await.contains("status=Failed")
    })
    .await;
    b.wait_css(".sr-count-btn--failed[aria-pressed='true']")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    assert_eq!(number(&b.count_text().await), failed_count);
    b.until("the chart follows the filter", || async {
        b.find(".sr-chart svg")
            .await
            .attr("aria-label")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains(&format!(". {} syncs over", fmt_thousands(failed_count)))
    })
    .await;
    // Clicked again, the filter goes.
    b.find(".sr-count-btn--failed").await.click().await.unwrap();
    b.until("the filter is cleared", || async {
        !b.url().await.contains("status=")
    })
    .await;
}

both!(summary_strip_counts_filter_and_chart);

impl Browser {
    /// Waits until the table shows one failure group (`failure=` in the link) of `count`.
    async fn shows_group(&self, count: usize) {
        self.until("the table shows the group", || async {
            self.url().await.contains("failure=")
        })
        .await;
        self.wait_css("table[aria-busy='false']").await;
        self.until("the count is the group's", || async {
            number(&self.count_text().await) == count
        })
        .await;
    }
}

async fn failure_groups_filter_resync_and_export(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15").await;
    if !has_summary(t) {
        return b.says_it_has_no_summary().await;
    }
    // Closed by default: one line with the number of groups and the largest.
    let line = b.wait_css(".sr-groups:not([open]) > summary").await;
    let text = b.texts(".sr-groups > summary").await.join("");
    assert!(
        text.starts_with("Failure groups (") && text.contains("largest:"),
        "{text}"
    );
    line.click().await.unwrap();
    b.wait_css(".sr-groups[open]").await;
    let first = b.wait_css(".sr-groups .sr-group").await;
    let n = number_in(&first, ".sr-group-count").await;
    assert!(n > 1, "the first group has several failures");
    // Show: the table holds the group, failures only.
    first
        .find(Locator::XPath(".//button[normalize-space()='Show']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.shows_group(n).await;
    let badges = b.texts("tbody tr.sr-row .sr-badge").await;
    assert!(badges.iter().all(|s| s == "Failed"), "{badges:?}");
    b.wait_css(".sr-group--current button[aria-pressed='true']")
        .await;
    // Resync all: the confirmation covers the whole group.
    b.find(".sr-group--current")
        .await
        .find(Locator::XPath(".//button[normalize-space()='Resync all']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_css("dialog[open] .sr-dialog-actions").await;
    // Rendered text, lines and all (WebKit's driver runs a dialog's lines together).
    let text = b.texts("dialog[open]").await.join("\n");
    let will = text
        .lines()
        .find(|l| l.ends_with("will be resynced:"))
        .map(number)
        .unwrap_or(0);
    let cannot = text
        .lines()
        .find(|l| l.ends_with("cannot be resynced"))
        .map(number)
        .unwrap_or(0);
    assert_eq!(will + cannot, n, "{text}");
    b.button("Cancel").await.click().await.unwrap();
    b.until("the dialog closes", || async {
        b.client.find(Locator::Css("dialog[open]")).await.is_err()
    })
    .await;
    // Download: the file holds the group.
    b.find(".sr-group--current")
        .await
        .find(Locator::XPath(".//button[normalize-space()='Download']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let confirm = b.wait_css("dialog[open]").await.text().await.unwrap();
    assert!(
        confirm.contains(&format!("The file will hold {} entries", fmt_thousands(n))),
        "{confirm}"
    );
    b.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Download ')]")
        .await
        .click()
        .await
        .unwrap();
    let file = wait_for_download(&b).await;
    let bytes = std::fs::read(&file).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&bytes[3..])
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), n);
    assert!(rows.iter().all(|r| &r[1] == "Failed"));
    // Show again clears the group filter.
    b.find(".sr-group--current")
        .await
        .find(Locator::XPath(".//button[normalize-space()='Show']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.until("the group filter is cleared", || async {
        !b.url().await.contains("failure=")
    })
    .await;
    // Opened, it stays open in this browser; closed, it stays closed.
    b.open("/?days=15").await;
    b.wait_css(".sr-groups[open] .sr-group").await;
    b.find(".sr-groups > summary").await.click().await.unwrap();
    b.wait_css(".sr-groups:not([open])").await;
    b.open("/?days=15").await;
    b.wait_css(".sr-groups:not([open]) > summary").await;
}

both!(failure_groups_filter_resync_and_export);

async fn retry_state_and_stuck_entries(t: Target) {
    let b = browser(t).await;
    b.open("/?days=15&status=Pending&status=Failed").await;
    let retry = b.texts("tbody tr.sr-row .sr-retry").await;
    assert!(!retry.is_empty());
    assert!(retry.iter().all(|r| r.contains("Attempt ")), "{retry:?}");
    assert!(
        retry.iter().any(|r| r.contains("Pending for ")),
        "Pending rows say for how long: {retry:?}"
    );
    // Stuck: a count in the strip (a toggle without one when the backend has no summary), a
    // filter, a highlight.
    let stuck_btn = b.wait_css(".sr-count-btn--stuck").await;
    let n = if has_summary(t) {
        number_in(&stuck_btn, ".sr-count-num").await
    } else {
        b.says_it_has_no_summary().await;
        usize::MAX
    };
    assert!(n > 0);
    stuck_btn.click().await.unwrap();
    b.until("the stuck filter applies", || async {
        b.url().await.contains("stuck=1")
    })
    .await;
    b.wait_css(".sr-count-btn--stuck[aria-pressed='true']")
        .await;
    b.wait_css("table[aria-busy='false']").await;
    b.until("the table holds the stuck entries", || async {
        (n == usize::MAX || number(&b.count_text().await) == n)
            && b.client
                .find_all(Locator::Css("tbody tr.sr-row"))
                .await
                .unwrap()
                .len()
                == b.client
                    .find_all(Locator::Css("tbody tr.sr-row--stuck"))
                    .await
                    .unwrap()
                    .len()
    })
    .await;
    let tags = b.texts("tbody tr.sr-row .sr-stuck-tag").await;
    assert!(!tags.is_empty() && tags.iter().all(|t| t == "Stuck"));
    b.find(".sr-count-btn--stuck").await.click().await.unwrap();
    b.until("the stuck filter is cleared", || async {
        !b.url().await.contains("stuck=")
    })
    .await;
}

both!(retry_state_and_stuck_entries);

/// Each visible row's line (retry state, a failure's reason and its "Error details") lies
/// inside its own row, no two lines overlap, and each "Error details" is the element under its
/// own centre, so it can be clicked. WebKit once drew every Failed row's line at one place
/// near the top of the table (a positioned table row is no containing block there): this runs
/// in every engine, at the top of the table and after a scroll.
async fn row_lines_lie_inside_their_own_rows(t: Target) {
    let b = browser(t).await;
    b.open("/?status=Failed&status=Pending&days=15").await;
    let check = r#"
        const wrap = document.querySelector('.sr-table-wrap');
        const w = wrap.getBoundingClientRect();
        // The header cells are sticky (the thead itself scrolls away).
        const top = Math.max(document.querySelector('.sr-table thead th').getBoundingClientRect().bottom, w.top, 0);
        const out = [];
        for (const tr of document.querySelectorAll('tbody tr.sr-row:not(.sr-row--placeholder)')) {
          const r = tr.getBoundingClientRect();
          if (r.top < top - 0.5 || r.bottom > Math.min(w.bottom, window.innerHeight) + 0.5) continue;
          const line = tr.querySelector('.sr-rowline');
          if (!line) continue;
          const l = line.getBoundingClientRect();
          const link = line.querySelector('.sr-link');
          let hit = null;
          if (link) {
            const k = link.getBoundingClientRect();
            const at = document.elementFromPoint(k.left + k.width / 2, k.top + k.height / 2);
            hit = at === link || link.contains(at);
          }
          out.push({ id: tr.dataset.id, row: [r.top, r.bottom, r.left, r.right],
                     line: [l.top, l.bottom, l.left, l.right], hit,
                     page: [window.innerHeight, window.scrollY, top, w.top, w.bottom] });
        }
        return out;"#;
    for step in ["the top of the table", "after scrolling"] {
        if step == "after scrolling" {
            b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = 2000;")
                .await;
            b.until("rows are drawn after the scroll", || async {
                b.js("return [...document.querySelectorAll('tbody tr.sr-row:not(.sr-row--placeholder)')].some(r => +r.getAttribute('aria-rowindex') > 30)")
                    .await
                    == json!(true)
            })
            .await;
        }
        let lines = b.js(check).await;
        let lines = lines.as_array().unwrap();
        assert!(
            lines.len() >= 4,
            "{step}: too few row lines to check: {lines:?}"
        );
        let f = |v: &serde_json::Value, i: usize| v[i].as_f64().unwrap();
        let mut spans = Vec::new();
        for l in lines {
            let (row, line) = (&l["row"], &l["line"]);
            assert!(
                f(line, 0) >= f(row, 0) - 0.5
                    && f(line, 1) <= f(row, 1) + 0.5
                    && f(line, 2) >= f(row, 2) - 0.5
                    && f(line, 3) <= f(row, 3) + 0.5,
                "{step}: the line of entry {} lies outside its row: {l}",
                l["id"]
            );
            assert!(
                f(line, 1) - f(line, 0) >= 10.0,
                "{step}: a line too small to read: {l}"
            );
            assert_ne!(
                l["hit"],
                json!(false),
                "{step}: Error details of entry {} is covered: {l}",
                l["id"]
            );
            spans.push((f(line, 0), f(line, 1)));
        }
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in spans.windows(2) {
            assert!(
                w[0].1 <= w[1].0 + 0.5,
                "{step}: two row lines overlap: {w:?}"
            );
        }
        assert!(
            lines.iter().any(|l| l["hit"] == json!(true)),
            "{step}: no Error details checked"
        );
    }
}

both!(row_lines_lie_inside_their_own_rows);

// ---- every keyboard, every window: bypassing the panels, the table above the fold ---------------

impl Browser {
    /// Sizes the window so that the page's viewport is `w` x `h` CSS px (browser chrome, where
    /// an engine draws any, is added on top).
    async fn viewport(&self, w: u32, h: u32) {
        self.client.set_window_size(w, h).await.unwrap();
        let inner = self
            .js("return [window.innerWidth, window.innerHeight]")
            .await;
        let (iw, ih) = (
            inner[0].as_u64().unwrap() as u32,
            inner[1].as_u64().unwrap() as u32,
        );
        if (iw, ih) != (w, h) {
            self.client
                .set_window_size(w + w.saturating_sub(iw), h + h.saturating_sub(ih))
                .await
                .unwrap();
        }
        self.until("the viewport takes its size", || async {
            let inner = self
                .js("return [window.innerWidth, window.innerHeight]")
                .await;
            inner == json!([w, h])
        })
        .await;
    }
}

/// WCAG 2.4.1: the first Tab stop is "Skip to the table", shown when focused, which takes the
/// keyboard to the table; without it, Tab alone reaches "Select all" in at most 15 presses
/// from the top of the page, because the status counts and the failure groups are one Tab stop
/// each (arrow keys inside). The open failure groups: arrows move between groups, Enter shows
/// the focused one.
#[tokio::test]
async fn keyboard_skips_to_the_table_and_passes_each_panel_in_one_tab() {
    let b = browser(Target::Demo).await;
    b.open("/").await;
    let at_select_all = "return document.activeElement && document.activeElement.getAttribute('aria-label') === 'Select all'";
    // From the top of the page, Tab alone.
    b.press(TAB).await;
    let first = b.active().await;
    assert_eq!(first["tag"], json!("A"), "first Tab stop: {first}");
    assert_eq!(b.texts("a.sr-skip").await, ["Skip to the table"]);
    // Shown while focused: inside the viewport, opaque.
    b.until("the skip link shows when focused", || async {
        b.js("const a = document.querySelector('a.sr-skip'); const r = a.getBoundingClientRect(); \
              return document.activeElement === a && r.top >= 0 && r.height > 10 && getComputedStyle(a).opacity === '1'")
            .await
            == json!(true)
    })
    .await;
    let mut presses = 1;
    while b.js(at_select_all).await != json!(true) {
        b.press(TAB).await;
        presses += 1;
        // 12 on the default view (README); "Clear all filters" adds one when filters are on.
        assert!(presses <= 12, "Select all not reached in 12 presses of Tab");
    }
    // The skip link itself, from the top of a fresh page: Tab, Enter, then one Tab.
    b.open("/").await;
    b.press(TAB).await;
    assert_eq!(b.active().await["tag"], json!("A"));
    b.press(ENTER).await;
    b.until("the table has the focus", || async {
        b.js("return document.activeElement === document.querySelector('.sr-table-wrap')")
            .await
            == json!(true)
    })
    .await;
    b.press(TAB).await;
    assert_eq!(
        b.js(at_select_all).await,
        json!(true),
        "Tab after the skip link"
    );

    // The failure groups, opened: one Tab stop, arrows between groups, Enter shows one.
    b.find(".sr-groups > summary").await.click().await.unwrap();
    b.wait_css(".sr-groups[open] .sr-group").await;
    let stops = b
        .js("return [...document.querySelectorAll('.sr-groups-list [tabindex=\"0\"]')].map(e => e.tagName + (e.className.includes('sr-group') && e.tagName === 'LI' ? '' : ':' + e.textContent.trim()))")
        .await;
    assert_eq!(
        stops,
        json!(["LI", "BUTTON:Show", "BUTTON:Resync all", "BUTTON:Download"]),
        "only the focused group and its own buttons are Tab stops"
    );
    b.find(".sr-groups > summary").await.click().await.unwrap();
    // Closed, the summary line is where Tab lands; open it with Enter, Tab into the list.
    b.wait_css(".sr-groups:not([open])").await;
    b.tab_to(".sr-groups > summary", None).await;
    b.press(ENTER).await;
    b.wait_css(".sr-groups[open] .sr-group").await;
    b.press(TAB).await;
    let focused = b
        .js("return document.activeElement.matches('li.sr-group:first-child')")
        .await;
    assert_eq!(
        focused,
        json!(true),
        "Tab from the summary enters the list at its first group"
    );
    b.press(ARROW_DOWN).await;
    let second = b
        .js("const a = document.activeElement; return a.matches('li.sr-group:nth-child(2)') && a.tabIndex === 0 && document.querySelector('li.sr-group:first-child').tabIndex === -1")
        .await;
    assert_eq!(
        second,
        json!(true),
        "ArrowDown moves to the second group and its Tab stop"
    );
    let count = number(
        b.js("return document.activeElement.querySelector('.sr-group-count').textContent")
            .await
            .as_str()
            .unwrap(),
    );
    b.press(ENTER).await;
    b.shows_group(count).await;
    b.press(ARROW_UP).await;
    let back = b
        .js("return document.activeElement.matches('li.sr-group:first-child')")
        .await;
    assert_eq!(back, json!(true), "ArrowUp moves back");
}

/// At 1280x800, on the default demo view, at least six entry rows show without scrolling the
/// page; at 390 px wide every panel reads in whole words (a failure group's reason gets the
/// width, not a word a line) and nothing runs off the side.
async fn the_table_is_above_the_fold(t: Target) {
    let b = browser(t).await;
    b.viewport(1280, 800).await;
    b.open("/").await;
    b.wait_css("tbody tr.sr-row .sr-badge").await;
    let visible = b
        .js("const h = window.innerHeight; const top = document.querySelector('.sr-table thead th').getBoundingClientRect().bottom; \
             const wrap = document.querySelector('.sr-table-wrap').getBoundingClientRect(); \
             return [...document.querySelectorAll('tbody tr.sr-row')].filter(r => { const b = r.getBoundingClientRect(); return b.top >= top - 0.5 && b.bottom <= Math.min(h, wrap.bottom) + 0.5; }).length")
        .await;
    assert!(
        visible.as_u64().unwrap() >= 6,
        "rows visible at 1280x800: {visible}"
    );
    // Every triage feature one click away: the counts, the groups' line, Actions (or, without
    // the summary, the line that says so).
    let parts: &[&str] = if has_summary(t) {
        &[
            ".sr-count-btn",
            ".sr-groups > summary",
            "button[aria-label='Actions']",
        ]
    } else {
        &[".sr-strip-note", "button[aria-label='Actions']"]
    };
    for css in parts {
        let on_screen = b
            .js(&format!("const r = document.querySelector({}).getBoundingClientRect(); return r.bottom <= window.innerHeight && r.height > 0", serde_json::to_string(css).unwrap()))
            .await;
        assert_eq!(on_screen, json!(true), "{css} is on the first screen");
    }

    if !has_summary(t) {
        // The 390 px checks below are about the failure groups' layout.
        return;
    }
    // 390 px wide: in a frame of that width (headless Firefox keeps its windows at least 450 px
    // wide); the page inside lays itself out for its frame's width as for a phone's screen.
    b.js("const f = document.createElement('iframe'); f.id = 'narrow'; f.width = '390'; f.height = '844'; \
          f.src = location.href; document.body.replaceChildren(f);")
        .await;
    b.until("the narrow page has its rows", || async {
        b.js("const d = document.getElementById('narrow').contentDocument; \
              return !!(d && d.querySelector(\"table[aria-busy='false'] tbody tr.sr-row .sr-badge\") && d.querySelector('.sr-groups > summary'))")
            .await
            == json!(true)
    })
    .await;
    // Closed, the failure groups' line wraps rather than cutting the largest group's reason.
    let cut = b
        .js("const e = document.getElementById('narrow').contentDocument.querySelector('.sr-groups-largest'); \
             return [e.scrollWidth, e.clientWidth]")
        .await;
    assert!(
        cut[0].as_f64().unwrap() <= cut[1].as_f64().unwrap() + 1.0,
        "the largest group's reason is cut at 390 px: {cut}"
    );
    b.js("document.getElementById('narrow').contentDocument.querySelector('.sr-groups > summary').click()")
        .await;
    b.until("the narrow page's failure groups open", || async {
        b.js("return !!document.getElementById('narrow').contentDocument.querySelector('.sr-groups[open] .sr-group')")
            .await
            == json!(true)
    })
    .await;
    let narrow = b
        .js("const win = document.getElementById('narrow').contentWindow; const doc = win.document; const w = win.innerWidth; \
             const reasons = [...doc.querySelectorAll('.sr-group-example')].map(e => e.getBoundingClientRect().width); \
             const wide = doc.documentElement.scrollWidth; \
             const boxes = [...doc.querySelectorAll('.sr-toolbar *, .sr-strip *, .sr-groups *, .sr-summary *')] \
                .filter(e => e.getClientRects().length && !e.closest('.sr-groups-list') && !e.closest('.sr-visually-hidden')) \
                .map(e => e.getBoundingClientRect()).filter(r => r.right > w + 0.5).length; \
             return { reasons, wide, w, boxes }")
        .await;
    let w = narrow["w"].as_f64().unwrap();
    assert_eq!(w, 390.0, "{narrow}");
    assert!(
        narrow["wide"].as_f64().unwrap() <= w + 0.5,
        "the page runs off the side at 390 px: {narrow}"
    );
    assert_eq!(
        narrow["boxes"],
        json!(0),
        "panel parts off the side at 390 px: {narrow}"
    );
    let reasons = narrow["reasons"].as_array().unwrap();
    assert!(!reasons.is_empty());
    for r in reasons {
        assert!(
            r.as_f64().unwrap() >= w * 0.6,
            "a failure group's reason squeezed to {r} px of {w}: {narrow}"
        );
    }
}

both!(the_table_is_above_the_fold);

/// A million entries, in every engine: the scroll body stays under every engine's element-height
/// limit (Firefox's is about 17.9 million px, Chromium's about 33.5 million), and scrolling to
/// the end draws the last entry, in view, with its place; the middle and the top too. On the
/// demo: the reference server in this test binary is an unoptimised build, whose answers at a
/// million entries under a loaded CI machine can outlast the page's 20 s timeout (the layout
/// is the same in both modes; the server's own test pages a million entries natively).
#[tokio::test]
async fn a_million_entries_scroll_to_the_last_one() {
    let app = axum::Router::new()
        .route(
            "/config.json",
            axum::routing::get(|| async { r#"{"mode":"demo","demo_size":1000000}"# }),
        )
        .fallback_service(tower_http::services::ServeDir::new(dist_dir()));
    let b = browser_at(serve(app), None).await;
    // Fifteen days hold every entry.
    b.open("/?days=15").await;
    b.wait_css("tbody tr.sr-row .sr-badge").await;
    let total = number(&b.count_text().await);
    assert!(total > 900_000, "{total}");
    let height = b
        .js("return document.querySelector('.sr-table-wrap').scrollHeight")
        .await
        .as_f64()
        .unwrap();
    assert!(
        (1_000_000.0..=15_100_000.0).contains(&height),
        "the scroll body is {height} px"
    );
    let in_view = |index: usize| {
        format!(
            "const w = document.querySelector('.sr-table-wrap').getBoundingClientRect(); \
             const r = document.querySelector(\"tbody tr.sr-row[aria-rowindex='{index}']:not(.sr-row--placeholder)\"); \
             if (!r) return false; const b = r.getBoundingClientRect(); \
             return b.top >= w.top - 0.5 && b.bottom <= w.bottom + 0.5 && !!r.querySelector('.sr-badge');"
        )
    };
    for (place, scroll, index) in [
        ("the end", "w.scrollHeight", total + 1),
        ("the top", "0", 2),
    ] {
        b.js(&format!(
            "const w = document.querySelector('.sr-table-wrap'); w.scrollTop = {scroll};"
        ))
        .await;
        let check = in_view(index);
        b.until(
            &format!("row {index} is drawn in view at {place}"),
            || async { b.js(&check).await == json!(true) },
        )
        .await;
    }
    // The middle: the rows drawn there are the middle's, one row height apart.
    b.js("const w = document.querySelector('.sr-table-wrap'); w.scrollTop = w.scrollHeight / 2;")
        .await;
    b.until("rows near the middle are drawn", || async {
        let places = b
            .js("return [...document.querySelectorAll('tbody tr.sr-row:not(.sr-row--placeholder)')].map(r => +r.getAttribute('aria-rowindex'))")
            .await;
        places.as_array().is_some_and(|p| {
            !p.is_empty()
                && p.iter().all(|i| {
                    let i = i.as_f64().unwrap();
                    (i - total as f64 / 2.0).abs() < total as f64 * 0.01
                })
        })
    })
    .await;
}
