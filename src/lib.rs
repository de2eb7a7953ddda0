//! Sync report viewer: every item an integration tried to sync, what failed and why, resync and
//! CSV export. A headless [`model`] (tested natively) and a thin Leptos view ([`app`]) over it,
//! with data sources behind one trait ([`source`]).

pub mod app;
pub mod format;
pub mod model;
pub mod source;

use std::rc::Rc;

use model::demo::{DEFAULT_SEED, DEFAULT_SIZE, MAX_SIZE, MIN_SIZE};

/// Configuration read from the mount element's data attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub demo_size: usize,
    pub demo_seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            demo_size: DEFAULT_SIZE,
            demo_seed: DEFAULT_SEED,
        }
    }
}

impl Config {
    /// Reads `data-demo-size` and `data-demo-seed`; bad values fall back to defaults.
    pub fn from_attributes(get: impl Fn(&str) -> Option<String>) -> Config {
        let mut c = Config::default();
        if let Some(n) = get("data-demo-size")
            .and_then(|s| s.replace(['_', ','], "").trim().parse::<usize>().ok())
        {
            c.demo_size = n.clamp(MIN_SIZE, MAX_SIZE);
        }
        if let Some(s) = get("data-demo-seed").and_then(|s| s.trim().parse().ok()) {
            c.demo_seed = s;
        }
        c
    }

    pub fn source(&self) -> Rc<dyn source::DataSource> {
        Rc::new(source::demo::DemoSource::new(
            self.demo_seed,
            self.demo_size,
        ))
    }
}

/// Starts the standalone page: mounts the report into `#sync-report` (or the body).
#[cfg(target_arch = "wasm32")]
pub fn start() {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    console_error_panic_hook::set_once();
    let host = document().get_element_by_id("sync-report");
    let cfg = Config::from_attributes(|name| host.as_ref().and_then(|h| h.get_attribute(name)));
    let source = cfg.source();
    let mount = move || view! { <app::App source=source.clone() url_prefix="".to_string()/> };
    match host.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(h) => {
            h.set_inner_html("");
            leptos::mount::mount_to(h, mount).forget();
        }
        None => leptos::mount::mount_to_body(mount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reads_attributes_and_clamps() {
        let c =
            Config::from_attributes(|n| (n == "data-demo-size").then(|| "2,000,000".to_string()));
        assert_eq!(c.demo_size, MAX_SIZE);
        let c = Config::from_attributes(|n| match n {
            "data-demo-size" => Some("100_000".into()),
            "data-demo-seed" => Some("7".into()),
            _ => None,
        });
        assert_eq!((c.demo_size, c.demo_seed), (100_000, 7));
        assert_eq!(
            Config::from_attributes(|_| Some("junk".into())),
            Config::default()
        );
    }
}
