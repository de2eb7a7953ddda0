//! Sync report viewer: every item an integration tried to sync, what failed and why, resync and
//! CSV export. A headless [`model`] (tested natively) and a thin Leptos view ([`app`]) over it,
//! with data sources behind one trait ([`source`]); the API's wire format, shared with the
//! reference server, in [`wire`].

pub mod app;
pub mod config;
#[cfg(target_arch = "wasm32")]
pub mod embed;
pub mod export;
pub mod format;
pub mod json_path;
pub mod model;
pub mod perf;
pub mod source;
pub mod wire;

use std::rc::Rc;

pub use config::{Config, ConfigError, ConfigFile, Mode, MountOptions, Theme};
#[cfg(target_arch = "wasm32")]
pub use embed::{mount, start, ReportHandle};

/// The data source a configuration asks for. The configuration is validated first
/// ([`Config::validate`] refuses a mode this build does not have).
pub fn source_for(config: &Config) -> Rc<dyn source::DataSource> {
    match config.mode {
        #[cfg(feature = "demo")]
        Mode::Demo => match config.demo_now {
            None => Rc::new(source::demo::DemoSource::new(
                config.demo_seed,
                config.demo_size,
            )),
            Some(pinned) => {
                // Time runs on from the pinned instant.
                let started = chrono::Utc::now();
                Rc::new(source::demo::DemoSource::with_clock(
                    config.demo_seed,
                    config.demo_size,
                    Box::new(move || pinned + (chrono::Utc::now() - started)),
                ))
            }
        },
        #[cfg(feature = "http")]
        Mode::Http => Rc::new(source::http::HttpSource::new(config.clone())),
        #[allow(unreachable_patterns)]
        mode => panic!(
            "this build has no {} mode (Config::validate refuses it)",
            mode.key()
        ),
    }
}
