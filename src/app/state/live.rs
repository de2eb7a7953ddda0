//! Auto-refresh: keeps the report current while it is open. The rows shown stay a snapshot of
//! one moment (new entries never push them under the user's eyes): the source is asked what
//! changed since, new entries are counted ("12 new entries", shown on request), and rows that
//! changed are refreshed in place with the summary. It pauses while a dialog or menu is open,
//! while the selection is being changed and while the tab is hidden, and backs off after
//! failures.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::Report;
use crate::format::{stamp, Stamp};
use crate::model::entry::EntryId;
use crate::model::live::{self, Pause};
use crate::model::query::Query;
use crate::source::SourceError;

/// How a report starts its auto-refresh (configuration: `auto_refresh`, `refresh_seconds`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveSettings {
    pub on: bool,
    pub every_seconds: u32,
}

impl Default for LiveSettings {
    fn default() -> Self {
        LiveSettings {
            on: false,
            every_seconds: 15,
        }
    }
}

/// What the Auto-refresh control says.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveStatus {
    Off,
    /// Watching; when the source last answered (its clock).
    On {
        checked: Option<DateTime<Utc>>,
    },
    /// Watching a source that cannot say what changed: the rows in view are refreshed.
    Refreshing {
        checked: DateTime<Utc>,
    },
    Paused(Pause),
    /// The last check failed; the next is in `retry_in` seconds.
    Failing {
        message: String,
        retry_in: u32,
    },
}

impl LiveStatus {
    /// The switch's tooltip: when it last checked.
    pub fn checked(&self) -> Option<String> {
        match self {
            LiveStatus::On { checked: Some(t) } => {
                Some(format!("Checked at {} UTC", stamp(t, Stamp::TimeSecond)))
            }
            LiveStatus::Refreshing { checked: t } => Some(format!(
                "Refreshed at {} UTC. This report server does not say what is new, so the rows \
                 in view are refreshed instead.",
                stamp(t, Stamp::TimeSecond)
            )),
            _ => None,
        }
    }

    /// What the control says beside the switch: only a pause or a failure (the toolbar keeps
    /// its width while all is well).
    pub fn says(&self) -> String {
        match self {
            LiveStatus::Off | LiveStatus::On { .. } | LiveStatus::Refreshing { .. } => {
                String::new()
            }
            LiveStatus::Paused(p) => p.says().into(),
            LiveStatus::Failing { retry_in, .. } => {
                format!("Could not refresh; trying again in {retry_in} s")
            }
        }
    }
}

/// Auto-refresh's state: changed only through its methods.
#[derive(Clone, Copy)]
pub struct LiveJob {
    enabled: RwSignal<bool>,
    status: RwSignal<LiveStatus>,
    new_entries: RwSignal<usize>,
    every: StoredValue<u32>,
    failures: StoredValue<u32>,
    /// The snapshot the table shows: the view's query and the moment it was resolved at.
    pin: StoredValue<Option<(Query, DateTime<Utc>)>>,
    /// Entries seen changed since the snapshot (refreshed once each).
    changed: StoredValue<BTreeSet<EntryId>>,
    /// When the selection last changed (ms, `performance.now()`).
    selection_at: StoredValue<f64>,
    /// When the source was last asked (ms).
    asked_at: StoredValue<f64>,
    /// Bumped to stop the running loop (turned off, or started again).
    ticket: StoredValue<u64>,
}

impl Default for LiveJob {
    fn default() -> Self {
        LiveJob {
            enabled: RwSignal::new(false),
            status: RwSignal::new(LiveStatus::Off),
            new_entries: RwSignal::new(0),
            every: StoredValue::new(15),
            failures: StoredValue::new(0),
            pin: StoredValue::new(None),
            changed: StoredValue::new(BTreeSet::new()),
            selection_at: StoredValue::new(f64::NEG_INFINITY),
            asked_at: StoredValue::new(f64::NEG_INFINITY),
            ticket: StoredValue::new(0),
        }
    }
}

impl LiveJob {
    pub fn is_on(&self) -> bool {
        self.enabled.get()
    }

    pub fn status(&self) -> LiveStatus {
        self.status.get()
    }

    /// New entries matching the view since the snapshot (0 when off).
    pub fn new_entries(&self) -> usize {
        self.new_entries.get()
    }

    /// The query to ask the source for: the view's, pinned at the snapshot while one is kept
    /// for it (so that rows loaded later, and refreshed rows, come from the same moment).
    pub fn fetch_query(&self, view: Query) -> Query {
        match self.pin.get_value() {
            Some((q, at)) if q == view => view.pinned(at),
            _ => view,
        }
    }

    /// A fresh answer for `view` landed, resolved at `at`: while on, it is the new snapshot.
    pub fn landed(&self, view: &Query, at: DateTime<Utc>) {
        let same = self
            .pin
            .with_value(|p| p.as_ref().is_some_and(|(q, _)| q == view));
        if self.enabled.get_untracked() && !same {
            self.pin.set_value(Some((view.clone(), at)));
            self.changed.update_value(BTreeSet::clear);
            self.new_entries.set(0);
        }
    }

    /// The selection changed (auto-refresh waits a moment).
    pub fn selection_changed(&self) {
        self.selection_at.set_value(crate::perf::now_ms());
    }

    /// Turns auto-refresh on or off.
    pub fn set(&self, report: Report, on: bool, every_seconds: u32) {
        self.every
            .set_value(every_seconds.max(crate::config::MIN_REFRESH_SECONDS));
        self.enabled.set(on);
        self.ticket.update_value(|t| *t += 1);
        self.failures.set_value(0);
        if on {
            // The rows shown are the snapshot; before any have loaded, the first answer is.
            let loaded = report
                .load
                .with_untracked(|l| matches!(l, super::Load::Ready(_)));
            let view = report.view.with_untracked(|v| v.query.clone());
            self.pin
                .set_value(loaded.then(|| (view, report.resolved_at())));
            self.changed.update_value(BTreeSet::clear);
            // The first check comes at once (in a second), the next after the interval.
            self.asked_at.set_value(f64::NEG_INFINITY);
            self.status.set(LiveStatus::On { checked: None });
            self.tick_later(report, 1_000);
        } else {
            self.pin.set_value(None);
            self.new_entries.set(0);
            self.status.set(LiveStatus::Off);
        }
    }

    /// "Show new entries": the table moves to now, from its first row.
    pub fn show_new(&self, report: Report) {
        self.pin.set_value(None);
        self.new_entries.set(0);
        self.changed.update_value(BTreeSet::clear);
        report.scroll_to(0.0);
        report.data_changed();
    }

    fn tick_later(&self, report: Report, ms: u32) {
        let ticket = self.ticket.get_value();
        let this = *self;
        set_timeout(
            move || {
                if this.ticket.try_get_value() == Some(ticket) {
                    this.tick(report);
                }
            },
            std::time::Duration::from_millis(ms.into()),
        );
    }

    /// One turn of the loop: paused, not yet time, or ask the source. Runs every second
    /// (cheap, no request) so a pause ends promptly; asks once per interval at most.
    fn tick(&self, report: Report) {
        if !self.enabled.get_untracked() {
            return;
        }
        let now = crate::perf::now_ms();
        if let Some(p) = pause_of(report, now - self.selection_at.get_value()) {
            self.status.set(LiveStatus::Paused(p));
            self.tick_later(report, 1_000);
            return;
        }
        let wait = live::next_delay(self.every.get_value(), self.failures.get_value());
        if now - self.asked_at.get_value() < f64::from(wait) * 1000.0 {
            if let LiveStatus::Paused(_) = self.status.get_untracked() {
                self.status.set(LiveStatus::On { checked: None });
            }
            if let LiveStatus::Failing { message, .. } = self.status.get_untracked() {
                let left = (f64::from(wait) - (now - self.asked_at.get_value()) / 1000.0).ceil();
                self.status.set(LiveStatus::Failing {
                    message,
                    retry_in: left.max(1.0) as u32,
                });
            }
            self.tick_later(report, 1_000);
            return;
        }
        self.asked_at.set_value(now);
        let view = report.view.with_untracked(|v| v.query.clone());
        let since = match self.pin.get_value() {
            Some((q, at)) if q == view => at,
            _ => report.resolved_at(),
        };
        let this = *self;
        let ticket = self.ticket.get_value();
        let source = report.source();
        leptos::task::spawn_local(async move {
            let answer = source.changes(view, since).await;
            if this.ticket.try_get_value() != Some(ticket) {
                return;
            }
            match answer {
                Ok(c) => {
                    this.failures.set_value(0);
                    this.new_entries.set(c.new);
                    let fresh = this.changed.try_update_value(|seen| {
                        let before = seen.len();
                        seen.extend(c.changed);
                        seen.len() != before
                    });
                    if fresh == Some(true) {
                        report.data_changed();
                    }
                    this.status.set(LiveStatus::On {
                        checked: Some(c.at),
                    });
                }
                // A backend that cannot say what changed: the rows in view are refreshed.
                Err(SourceError::NotOffered(_)) => {
                    this.failures.set_value(0);
                    report.data_changed();
                    this.status.set(LiveStatus::Refreshing {
                        checked: Utc::now(),
                    });
                }
                Err(SourceError::Superseded) => {}
                Err(e) => {
                    let failures = this.failures.get_value() + 1;
                    this.failures.set_value(failures);
                    // Said once; the rows stay as they are.
                    if failures == 1 {
                        report
                            .notices
                            .notify(format!("Auto-refresh could not check for changes: {e}"));
                    }
                    this.status.set(LiveStatus::Failing {
                        message: e.to_string(),
                        retry_in: live::next_delay(this.every.get_value(), failures),
                    });
                }
            }
            this.tick_later(report, 1_000);
        });
    }
}

/// Why auto-refresh should not ask now, looking at the page.
fn pause_of(report: Report, since_selection_ms: f64) -> Option<Pause> {
    let hidden = document().visibility_state() == web_sys::VisibilityState::Hidden;
    let dialog = report.details.with_untracked(Option::is_some)
        || report.history.is_open()
        || report.export.is_open()
        || report.resync.is_open()
        || report.shortcuts_open.get_untracked();
    let menu = report.menu_open();
    Pause::of(
        hidden,
        dialog,
        menu,
        since_selection_ms < live::SELECTING_MS,
    )
}
