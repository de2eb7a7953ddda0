//! Sync report viewer: every item an integration tried to sync, what failed and why, resync and
//! CSV export. A headless [`model`] and a thin Leptos view over it.

pub mod model;
