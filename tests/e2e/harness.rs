//! The harness: the built app and the reference server served on 127.0.0.1, a WebDriver
//! server and browser per test (Chromium, Firefox or WebKit), and the [`Browser`] every test
//! drives, with its waits and reads. [`both!`] runs one test body on the demo and over HTTP.

pub(crate) use std::net::TcpListener;
pub(crate) use std::os::unix::process::CommandExt;
pub(crate) use std::path::PathBuf;
pub(crate) use std::process::{Child, Command, Stdio};
pub(crate) use std::sync::{Arc, OnceLock};
pub(crate) use std::time::{Duration, Instant};

pub(crate) use fantoccini::elements::Element;
pub(crate) use fantoccini::{Client, ClientBuilder, Locator};
pub(crate) use serde_json::json;
pub(crate) use sync_report_server::{router, Fault, Options, Rule, Server};

pub(crate) fn dist_dir() -> PathBuf {
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
pub(crate) enum Target {
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
pub(crate) use both;

/// Serves `app` on a free port from a thread of its own; returns the base URL.
pub(crate) fn serve(app: axum::Router) -> String {
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

/// The backend this run's reference servers stand for (`E2E_BACKEND`): `full` (the default,
/// generated entries in memory), `core` (the core endpoints only: scripts/test.sh runs the
/// feature tests' HTTP halves so, as against a minimal backend) or `sqlite` (the same entries
/// stored in a SQLite file, as a deployment keeps them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Full,
    Core,
    Sqlite,
}

pub(crate) fn backend() -> Backend {
    match std::env::var("E2E_BACKEND").as_deref() {
        Ok("core") => Backend::Core,
        Ok("sqlite") => Backend::Sqlite,
        Ok("full") | Err(_) => Backend::Full,
        Ok(other) => panic!("E2E_BACKEND={other}: expected full, core or sqlite"),
    }
}

pub(crate) fn core_backend() -> bool {
    backend() == Backend::Core
}

/// Whether the app in `t` has the summary (`GET /sync-reports/summary`): the demo always; a
/// core-only backend does not, and the page says so in one line instead.
pub(crate) fn has_summary(t: Target) -> bool {
    t == Target::Demo || !core_backend()
}

/// A reference server of the test's own (its faults touch no other test), with the demo's
/// seed and size so both targets show the same entries.
pub(crate) fn reference_server(opts: Options) -> (String, Arc<Server>) {
    // (Options::default() has the demo's size, 5,000.)
    let opts = Options {
        dist: Some(dist_dir()),
        core_only: opts.core_only || core_backend(),
        ..opts
    };
    if backend() == Backend::Sqlite {
        return sqlite_server(opts);
    }
    let server = Server::new(opts);
    (serve(router(server.clone())), server)
}

/// The demo's entries in a SQLite file of the test's own, served as `reference_server` serves
/// them from memory. The store is opened on the thread that serves it (its pool lives on that
/// runtime).
fn sqlite_server(opts: Options) -> (String, Arc<Server>) {
    use sync_report_server::store::{sql::OpenOptions, EntryStore, Store};
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e2e-dbs");
    std::fs::create_dir_all(&dir).unwrap();
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("{}-{n}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let url = format!("sqlite:{}", path.display());
    let entries = sync_report::model::demo::generate(sync_report::model::demo::DemoConfig {
        seed: opts.seed,
        size: opts.size,
        now: chrono::Utc::now() + opts.clock_offset,
    });
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let store = Store::open(&url, &OpenOptions::default()).await.unwrap();
            store.upsert(&entries).await.unwrap();
            let server = Server::with_store(opts, store);
            tx.send(server.clone()).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router(server)).await.unwrap();
        });
    });
    let server = rx.recv().expect("the SQLite reference server started");
    (format!("http://{addr}"), server)
}

/// The app's base URL, served by a static server on its own thread for the whole test run.
pub(crate) fn base_url() -> &'static str {
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

pub(crate) fn free_port() -> u16 {
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
pub(crate) enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

pub(crate) fn engine() -> Engine {
    match std::env::var("E2E_ENGINE").as_deref() {
        Err(_) | Ok("") | Ok("chromium") => Engine::Chromium,
        Ok("firefox") => Engine::Firefox,
        Ok("webkit") => Engine::WebKit,
        Ok(other) => panic!("E2E_ENGINE={other}: expected chromium, firefox or webkit"),
    }
}

impl Engine {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromedriver",
            Engine::Firefox => "geckodriver",
            Engine::WebKit => "WebKitWebDriver",
        }
    }

    /// The WebDriver server's binary (overridable for another install).
    pub(crate) fn driver(self) -> String {
        let (var, default) = match self {
            Engine::Chromium => ("CHROMEDRIVER", "/usr/bin/chromedriver"),
            Engine::Firefox => ("GECKODRIVER", "geckodriver"),
            Engine::WebKit => ("WEBKITWEBDRIVER", "/usr/bin/WebKitWebDriver"),
        };
        std::env::var(var).unwrap_or_else(|_| default.into())
    }

    /// The new session's capabilities: headless where the engine can be, a 1280x900 window,
    /// and downloads saved into `downloads` without asking.
    pub(crate) fn capabilities(
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
pub(crate) struct Browser {
    pub(crate) client: Client,
    pub(crate) driver: Child,
    pub(crate) downloads: PathBuf,
    /// Holds the downloads, the browser's profile (about 100 MB once used) and its temp files.
    pub(crate) scratch: PathBuf,
    /// The app's base URL.
    pub(crate) base: String,
    /// The reference server behind it, in HTTP mode.
    pub(crate) server: Option<Arc<Server>>,
    pub(crate) engine: Engine,
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
pub(crate) async fn browser(target: Target) -> Browser {
    match target {
        Target::Demo => browser_at(base_url().to_string(), None).await,
        Target::Http => {
            let (url, server) = reference_server(Options::default());
            browser_at(url, Some(server)).await
        }
    }
}

pub(crate) async fn browser_at(base: String, server: Option<Arc<Server>>) -> Browser {
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
        let connector = TimedConnector::default();
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
pub(crate) async fn wait_until_ready(driver: &mut Child, port: u16, engine: Engine) {
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
pub(crate) const CAPTURE_DOWNLOADS: &str = r#"
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
    pub(crate) async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base, path))
            .await
            .unwrap();
        let settled = "table[aria-label='Sync report'][aria-busy='false']";
        let waited = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(settled))
            .await;
        if let Err(e) = waited {
            // What the page showed instead, for a failure that is rare (a browser under load).
            let state = self
                .client
                .execute(
                    "const q = (s) => { const e = document.querySelector(s); return e ? e.outerHTML.slice(0, 300) : null; };
                     return { url: location.href, table: q(\"table[aria-label='Sync report']\"), state: q('.sr-state'),
                              frame: !!document.querySelector('.sr-frame'), panic: q('.sr-panic'), count: q('.sr-count') };",
                    vec![],
                )
                .await;
            panic!("waiting for {settled}: {e}; the page: {state:?}");
        }
        self.capture_downloads().await;
    }

    /// In WebKit, starts keeping what the page downloads ([`CAPTURE_DOWNLOADS`]); other
    /// engines save downloads into [`Browser::downloads`] themselves.
    pub(crate) async fn capture_downloads(&self) {
        if self.engine == Engine::WebKit {
            self.client
                .execute(CAPTURE_DOWNLOADS, vec![])
                .await
                .unwrap();
        }
    }

    /// The files downloaded so far (complete ones only). In WebKit, the captured Blobs are
    /// written into the downloads directory first, under the names the page gave them.
    pub(crate) async fn downloaded(&self) -> Vec<PathBuf> {
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

    pub(crate) async fn wait_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
    }

    pub(crate) async fn wait_xpath(&self, xp: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::XPath(xp))
            .await
            .unwrap_or_else(|e| panic!("waiting for {xp}: {e}"))
    }

    pub(crate) async fn find(&self, css: &str) -> Element {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    /// The rendered text of every element matching `css`, read in one step: rows come and go
    /// as the table scrolls, so reading them one by one could meet a row already replaced.
    pub(crate) async fn texts(&self, css: &str) -> Vec<String> {
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

    pub(crate) async fn button(&self, name: &str) -> Element {
        self.wait_xpath(&format!(
            "//button[normalize-space()='{name}' or @aria-label='{name}']"
        ))
        .await
    }

    /// Polls `f` until it returns true (20 s at most).
    pub(crate) async fn until<F, Fut>(&self, what: &str, mut f: F)
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

    pub(crate) async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    pub(crate) async fn count_text(&self) -> String {
        self.client
            .find(Locator::Css(".sr-count"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Checks the checkbox labelled `label` inside the open popover.
    /// Clicks the checkbox (or switch) labelled `label`, anywhere on the page.
    pub(crate) async fn check_labelled(&self, label: &str) {
        self.wait_xpath(&format!("//label[normalize-space()='{label}']/input"))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Ticks the checkbox labelled `label` in the open menu (a header filter's value by its
    /// text, whatever its count).
    pub(crate) async fn check_in_popover(&self, label: &str) {
        self.wait_xpath(&format!(
            "//div[contains(@class,'sr-popover')]//label[normalize-space()='{label}' or span[@class='sr-facet-value' and normalize-space()='{label}']]/input"
        ))
        .await
        .click()
        .await
        .unwrap();
    }
}

/// The number in the element at `css` inside `el`.
pub(crate) async fn number_in(el: &Element, css: &str) -> usize {
    number(
        &el.find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
}

pub(crate) fn number(s: &str) -> usize {
    s.split_whitespace()
        .next()
        .unwrap_or("")
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("no number in {s:?}"))
}

/// A browser on a reference server set up with `opts`, before any page is opened.
pub(crate) async fn http_browser(opts: Options) -> (Browser, Arc<Server>) {
    let (url, server) = reference_server(opts);
    (browser_at(url, Some(server.clone())).await, server)
}

impl Browser {
    /// Actions, "Download as CSV", then the confirmation's Download button.
    pub(crate) async fn download_via_menu(&self) {
        self.menu("Download as CSV").await;
        self.wait_xpath("//dialog[@open]//button[starts-with(normalize-space(),'Download ')]")
            .await
            .click()
            .await
            .unwrap();
    }

    /// Opens a page and waits for its error panel.
    pub(crate) async fn open_expecting_error(&self, path: &str) -> String {
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

    pub(crate) fn seen(&self, path_end: &str) -> Vec<sync_report_server::Seen> {
        self.server
            .as_ref()
            .expect("an HTTP-mode browser")
            .seen()
            .into_iter()
            .filter(|s| s.target.split('?').next().unwrap().ends_with(path_end))
            .collect()
    }
}

/// How long one WebDriver command may go without an answer. A browser that dies can leave its
/// driver holding the connection open without ever answering (seen once with WebKit's
/// MiniBrowser): the command then fails with this timeout instead of hanging the suite. The
/// longest a healthy command takes is a page load of a million demo entries, a few seconds.
pub(crate) const COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// The WebDriver connection: plain HTTP whose reads fail after [`COMMAND_TIMEOUT`] without a
/// byte (counted from the last write, so an idle connection's wait is not).
#[derive(Clone)]
pub(crate) struct TimedConnector {
    http: hyper_util::client::legacy::connect::HttpConnector,
    timeout: Duration,
}

impl Default for TimedConnector {
    fn default() -> Self {
        TimedConnector {
            http: hyper_util::client::legacy::connect::HttpConnector::new(),
            timeout: COMMAND_TIMEOUT,
        }
    }
}

type PlainIo = hyper_util::rt::TokioIo<tokio::net::TcpStream>;

impl tower_service::Service<hyper::Uri> for TimedConnector {
    type Response = Timed;
    type Error = <hyper_util::client::legacy::connect::HttpConnector as tower_service::Service<
        hyper::Uri,
    >>::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<Timed, Self::Error>> + Send>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.http.poll_ready(cx)
    }

    fn call(&mut self, uri: hyper::Uri) -> Self::Future {
        let connecting = self.http.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            Ok(Timed {
                io: connecting.await?,
                timeout,
                deadline: None,
            })
        })
    }
}

/// A connection whose reads time out ([`TimedConnector`]).
pub(crate) struct Timed {
    io: PlainIo,
    timeout: Duration,
    /// When a read waiting since the last write gives up.
    deadline: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl hyper::rt::Read for Timed {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::future::Future;
        use std::task::Poll;
        let this = self.get_mut();
        match std::pin::Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.deadline = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                let timeout = this.timeout;
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "the WebDriver server did not answer within {:?}",
                            this.timeout
                        ),
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl hyper::rt::Write for Timed {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::future::Future;
        let this = self.get_mut();
        // A command is being sent: its answer's wait starts now, and the timer wakes this
        // connection's task (a read may already be waiting, registered before the write).
        let until = tokio::time::Instant::now() + this.timeout;
        match &mut this.deadline {
            Some(d) => d.as_mut().reset(until),
            None => this.deadline = Some(Box::pin(tokio::time::sleep_until(until))),
        }
        if let Some(d) = &mut this.deadline {
            let _ = d.as_mut().poll(cx);
        }
        std::pin::Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

impl hyper_util::client::legacy::connect::Connection for Timed {
    fn connected(&self) -> hyper_util::client::legacy::connect::Connected {
        self.io.connected()
    }
}

/// A WebDriver server that accepts a command and never answers fails it after the timeout,
/// instead of hanging the test.
#[tokio::test]
async fn a_webdriver_command_without_an_answer_fails_after_the_timeout() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket); // read nothing, answer nothing, close nothing
        }
    });
    let connector = TimedConnector {
        timeout: Duration::from_millis(300),
        ..TimedConnector::default()
    };
    let started = Instant::now();
    let session = tokio::time::timeout(
        Duration::from_secs(10),
        ClientBuilder::new(connector).connect(&format!("http://{addr}")),
    )
    .await
    .expect("the command must not hang");
    let err = session.expect_err("no session from a silent server");
    assert!(
        format!("{err:?}").contains("did not answer"),
        "the error says why: {err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}
