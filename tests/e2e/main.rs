//! End-to-end tests: the release app, served from a test-owned server on 127.0.0.1, driven in
//! a real browser over WebDriver. One test per feature of the sync report page.
//!
//! The app is built with `trunk build --release` unless `E2E_DIST` names a built dist/
//! (scripts/test.sh builds once and passes it). `E2E_ENGINE` picks the engine: Chromium (the
//! default), Firefox or WebKit (`harness::Engine`); scripts/test.sh runs the suite in all three. Each
//! test starts its own WebDriver server and browser.
//!
//! One module per feature, as the README groups them; [`harness`] starts servers and browsers,
//! [`pages`] holds the small page helpers.
#![cfg(not(target_arch = "wasm32"))]

mod accessibility;
mod backends;
mod csv;
mod embedding;
mod find;
mod hardening;
mod harness;
mod history;
mod keyboard;
mod layout;
mod links;
mod live;
mod loading;
mod pages;
mod resync;
mod selection;
mod triage;
