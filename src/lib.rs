//! Sync report viewer: every item an integration tried to sync, what failed and why, resync and
//! CSV export. A headless [`model`] (tested natively) and a thin Leptos view ([`app`]) over it,
//! with data sources behind one trait ([`source`]).

pub mod app;
pub mod config;
pub mod format;
pub mod model;
pub mod source;

use std::rc::Rc;

pub use config::{Config, ConfigError, ConfigFile, Mode};

/// The data source a configuration asks for.
pub fn source_for(config: &Config) -> Rc<dyn source::DataSource> {
    match config.mode {
        Mode::Demo => Rc::new(source::demo::DemoSource::new(
            config.demo_seed,
            config.demo_size,
        )),
        Mode::Http => Rc::new(source::http::HttpSource::new(config.clone())),
    }
}

/// Reads the configuration file at `url`: Ok(None) when there is none (404).
#[cfg(target_arch = "wasm32")]
async fn fetch_config_file(url: &str) -> Result<Option<ConfigFile>, ConfigError> {
    let fail = |message: String| ConfigError::File {
        field: "(file)".into(),
        message: format!("{url}: {message}"),
    };
    let resp = gloo_net::http::Request::get(url)
        .cache(web_sys::RequestCache::NoCache)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| fail(format!("could not be fetched ({e})")))?;
    match resp.status() {
        404 => Ok(None),
        200..=299 => {
            let text = resp
                .text()
                .await
                .map_err(|e| fail(format!("could not be read ({e})")))?;
            ConfigFile::parse(&text).map(Some)
        }
        s => Err(fail(format!("the server answered HTTP {s}"))),
    }
}

/// Builds the configuration: defaults, then the file named by `data-config` (if any), then the
/// element's data attributes.
#[cfg(target_arch = "wasm32")]
async fn load_config(host: &web_sys::Element) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    if let Some(url) = host
        .get_attribute("data-config")
        .filter(|u| !u.trim().is_empty())
    {
        if let Some(file) = fetch_config_file(url.trim()).await? {
            config.apply_file(file)?;
        }
    }
    config.apply_attributes(|name| host.get_attribute(name))?;
    Ok(config)
}

/// Starts the standalone page: reads the configuration, then mounts the report into
/// `#sync-report` (or the body).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    console_error_panic_hook::set_once();
    let host: web_sys::HtmlElement = match document()
        .get_element_by_id("sync-report")
        .and_then(|h| h.dyn_into().ok())
    {
        Some(h) => h,
        None => document().body().expect("a page with a body"),
    };
    // Leptos' executor starts with the first mount: before it, a plain wasm-bindgen task.
    wasm_bindgen_futures::spawn_local(async move {
        let config = load_config(&host).await;
        host.set_inner_html("");
        match config {
            Ok(config) => {
                let source = source_for(&config);
                leptos::mount::mount_to(host, move || {
                    view! { <app::App source=source.clone() url_prefix="".to_string()/> }
                })
                .forget();
            }
            Err(e) => {
                let text = e.to_string();
                leptos::mount::mount_to(host, move || {
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
        }
    });
}
