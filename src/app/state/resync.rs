//! A resync job: the selection's entries checked, confirmed, sent, and the outcome per entry
//! (the "Resync selected" dialog, the `r` key, a failure group's "Resync all"), and the
//! one-entry resync of the error details dialog.

use std::collections::HashMap;

use leptos::prelude::*;

use super::Report;
use crate::app::host_event::{During, HostEvent};
use crate::model::entry::{Entry, EntryId};
use crate::model::resync::{self, Refusal, ResyncOutcome, ResyncResult};
use crate::source::{Progress, SourceError};

/// Where the dialog is.
#[derive(Clone, Debug, PartialEq)]
pub enum ResyncStep {
    Closed,
    /// Listing and checking the selected entries.
    Loading,
    Confirm(ResyncPlan),
    Running {
        count: usize,
    },
    Done(ResyncDone),
}

/// The selected entries, split by whether they may be resynced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResyncPlan {
    pub ok: Vec<Entry>,
    pub refused: Vec<(Entry, Refusal)>,
}

impl ResyncPlan {
    pub fn of(entries: Vec<Entry>) -> Self {
        let mut plan = ResyncPlan::default();
        for e in entries {
            match resync::check(&e) {
                Ok(()) => plan.ok.push(e),
                Err(r) => plan.refused.push((e, r)),
            }
        }
        plan
    }
}

/// What a resync answered, entry by entry, with the entries refused before sending.
#[derive(Clone, Debug, PartialEq)]
pub struct ResyncDone {
    /// (entry name, outcome text), in the order sent, then the refused ones.
    pub outcomes: Vec<(String, String)>,
    pub queued: usize,
    pub refused: usize,
}

impl ResyncDone {
    pub fn new(plan: ResyncPlan, outcomes: Vec<ResyncOutcome>) -> Self {
        let names: HashMap<EntryId, String> = plan
            .ok
            .iter()
            .chain(plan.refused.iter().map(|(e, _)| e))
            .map(|e| (e.id, e.display_name()))
            .collect();
        let mut all = outcomes;
        all.extend(plan.refused.into_iter().map(|(e, reason)| ResyncOutcome {
            id: e.id,
            result: ResyncResult::Refused { reason },
        }));
        let queued = all
            .iter()
            .filter(|o| matches!(o.result, ResyncResult::Accepted { .. }))
            .count();
        let outcomes = all
            .iter()
            .map(|o| {
                let name = names
                    .get(&o.id)
                    .cloned()
                    .unwrap_or_else(|| format!("Entry {}", o.id));
                (name, outcome_text(o))
            })
            .collect();
        ResyncDone {
            outcomes,
            queued,
            refused: all.len() - queued,
        }
    }
}

/// Resynced entries whose outcome is not settled yet (Pending or Sent), followed for at most
/// [`Following::FOR_MS`]: a backend does not push changes, so the page asks again while any is
/// unsettled on screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Following {
    ids: Vec<EntryId>,
    /// Until when to keep asking (ms since the epoch).
    until: f64,
}

impl Following {
    pub const FOR_MS: f64 = 120_000.0;

    /// Follows `ids` too, from `now` (ms).
    pub fn add(&mut self, ids: impl IntoIterator<Item = EntryId>, now: f64) {
        self.ids.extend(ids);
        crate::model::sort::sort(&mut self.ids);
        self.ids.dedup();
        self.until = now + Self::FOR_MS;
    }

    /// Drops the entries settled in `rows` (those on screen); true while any remain to ask for.
    pub fn step(&mut self, rows: &[Entry], now: f64) -> bool {
        use crate::model::entry::Status;
        if now > self.until {
            self.ids.clear();
        }
        self.ids.retain(|id| {
            !rows
                .iter()
                .any(|e| e.id == *id && !matches!(e.status, Status::Pending | Status::Sent))
        });
        !self.ids.is_empty()
    }
}

/// One entry's outcome in words.
pub fn outcome_text(o: &ResyncOutcome) -> String {
    match &o.result {
        ResyncResult::Accepted { status } => format!("Queued: now {}", status.label()),
        ResyncResult::Refused { reason } => format!("Not resynced: {reason}"),
        ResyncResult::Failed { message } => format!("Resync failed: {message}"),
    }
}

/// The page's resync state. `Copy`; changed only through its methods.
#[derive(Clone, Copy)]
pub struct ResyncJob {
    step: RwSignal<ResyncStep>,
    /// How far listing "all matching" got, when the backend has to be paged through for it.
    listing: RwSignal<Option<Progress>>,
    /// Ids being resynced right now (their actions are disabled: no double submission).
    sending: RwSignal<Vec<EntryId>>,
    following: StoredValue<Following>,
}

impl Default for ResyncJob {
    fn default() -> Self {
        ResyncJob {
            step: RwSignal::new(ResyncStep::Closed),
            listing: RwSignal::new(None),
            sending: RwSignal::new(Vec::new()),
            following: StoredValue::new(Following::default()),
        }
    }
}

impl ResyncJob {
    /// The dialog's step (tracked).
    pub fn step(&self) -> ResyncStep {
        self.step.get()
    }

    pub fn is_open(&self) -> bool {
        self.step.with(|s| *s != ResyncStep::Closed)
    }

    pub fn listing(&self) -> Signal<Option<Progress>> {
        self.listing.into()
    }

    /// Whether `id` is being resynced (tracked).
    pub fn is_sending(&self, id: EntryId) -> bool {
        self.sending.with(|r| r.contains(&id))
    }

    /// Opens the confirmation for the selection: lists and checks its entries. Does nothing
    /// while a resync dialog is open.
    pub fn open(&self, report: Report) {
        if self.step.get_untracked() != ResyncStep::Closed {
            return;
        }
        self.step.set(ResyncStep::Loading);
        let this = *self;
        let src = report.source();
        let selection = report.selection.snapshot();
        leptos::task::spawn_local(async move {
            let entries = match src
                .selection_ids(selection, progress_to(this.listing))
                .await
            {
                Ok(ids) => src.entries(ids).await,
                Err(e) => Err(e),
            };
            match entries {
                Ok(entries) => this.step.set(ResyncStep::Confirm(ResyncPlan::of(entries))),
                Err(e) => {
                    this.step.set(ResyncStep::Closed);
                    report
                        .notices
                        .notify(format!("Could not prepare the resync: {e}"));
                }
            }
        });
    }

    /// Sends the confirmed resync; the dialog then lists the outcomes.
    pub fn confirm(&self, report: Report) {
        let ResyncStep::Confirm(plan) = self.step.get_untracked() else {
            return;
        };
        // The step change disables the button before anything is sent: no double submission.
        self.step.set(ResyncStep::Running {
            count: plan.ok.len(),
        });
        let ids: Vec<EntryId> = plan.ok.iter().map(|e| e.id).collect();
        let this = *self;
        leptos::task::spawn_local(async move {
            match this.send(report, ids).await {
                Ok(outcomes) => {
                    report.selection.clear();
                    this.step
                        .set(ResyncStep::Done(ResyncDone::new(plan, outcomes)));
                }
                Err(e) => {
                    this.step.set(ResyncStep::Closed);
                    report.notices.notify(format!(
                        "The resync request failed; nothing was resynced: {e}"
                    ));
                }
            }
        });
    }

    /// Closes the dialog, unless a resync is being sent.
    pub fn close(&self) {
        if !matches!(self.step.get_untracked(), ResyncStep::Running { .. }) {
            self.step.set(ResyncStep::Closed);
        }
    }

    /// One step of following resynced entries (the page calls it every 1.5 s): asks for fresh
    /// data while any is unsettled on screen, unless a load is under way.
    pub fn follow(&self, report: Report) {
        let now = js_sys::Date::now();
        let any = report.rows.with_untracked(|rows| {
            self.following
                .try_update_value(|f| f.step(rows, now))
                .unwrap_or(false)
        });
        if any && !report.busy.get_untracked() {
            report.data_changed();
        }
    }

    /// Resyncs one entry (error details); the outcome in words.
    pub async fn one(&self, report: Report, id: EntryId) -> String {
        match self.send(report, vec![id]).await {
            Ok(o) => o.first().map(outcome_text).unwrap_or_default(),
            Err(err) => format!("Resync failed: {err}"),
        }
    }

    /// Resyncs `ids`; marks them busy meanwhile so nothing is sent twice. Tells the host page
    /// before and after, and follows the accepted entries until they settle.
    async fn send(
        &self,
        report: Report,
        ids: Vec<EntryId>,
    ) -> Result<Vec<ResyncOutcome>, SourceError> {
        report.emit(HostEvent::ResyncRequested { ids: &ids });
        self.sending.update(|r| r.extend(ids.iter().copied()));
        let out = report.source().resync(ids.clone()).await;
        self.sending.update(|r| r.retain(|id| !ids.contains(id)));
        report.data_changed();
        match &out {
            Ok(outcomes) => {
                let accepted = outcomes
                    .iter()
                    .filter(|o| matches!(o.result, ResyncResult::Accepted { .. }))
                    .map(|o| o.id);
                let now = js_sys::Date::now();
                self.following.update_value(|f| f.add(accepted, now));
                report.emit(HostEvent::ResyncCompleted { outcomes });
            }
            Err(e) => report.emit(HostEvent::Error {
                during: During::Resync,
                message: e.to_string(),
            }),
        }
        out
    }
}

/// Where listing the selection reports its progress (from the start: none yet).
pub fn progress_to(listing: RwSignal<Option<Progress>>) -> Box<dyn FnMut(Progress)> {
    listing.set(None);
    Box::new(move |p| listing.set(Some(p)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::entry::Status;

    fn entries() -> Vec<Entry> {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-27T12:00:00Z")
            .unwrap()
            .to_utc();
        crate::model::demo::generate(crate::model::demo::DemoConfig {
            seed: 3,
            size: 200,
            now,
        })
    }

    #[test]
    fn resynced_entries_are_followed_until_settled_on_screen_or_two_minutes() {
        let mut rows = entries();
        rows.truncate(3);
        rows[0].status = Status::Pending;
        rows[1].status = Status::Sent;
        rows[2].status = Status::Pending;
        let mut f = Following::default();
        assert!(!f.step(&rows, 0.0), "nothing followed");
        f.add([rows[0].id, rows[1].id, rows[2].id, rows[0].id], 1_000.0);
        assert!(f.step(&rows, 2_000.0), "all unsettled");
        rows[0].status = Status::Ok;
        rows[1].status = Status::Failed;
        assert!(f.step(&rows, 3_000.0), "one left");
        assert!(f.step(&rows[..1], 4_000.0), "off screen: still followed");
        assert!(
            !f.step(&rows, 1_000.0 + Following::FOR_MS + 1.0),
            "given up"
        );
    }

    #[test]
    fn a_plan_keeps_every_entry_on_one_side_with_its_reason() {
        let all = entries();
        let plan = ResyncPlan::of(all.clone());
        assert_eq!(plan.ok.len() + plan.refused.len(), all.len());
        assert!(plan.ok.iter().all(|e| resync::check(e).is_ok()));
        for (e, r) in &plan.refused {
            assert_eq!(resync::check(e), Err(r.clone()));
        }
        assert!(!plan.ok.is_empty() && !plan.refused.is_empty());
    }

    #[test]
    fn done_lists_each_outcome_by_name_and_counts_the_queued() {
        let all = entries();
        let plan = ResyncPlan::of(all);
        let (a, b) = (plan.ok[0].clone(), plan.ok[1].clone());
        let refused = plan.refused.len();
        let outcomes = vec![
            ResyncOutcome {
                id: a.id,
                result: ResyncResult::Accepted {
                    status: Status::Pending,
                },
            },
            ResyncOutcome {
                id: b.id,
                result: ResyncResult::Failed {
                    message: "queue full".into(),
                },
            },
            ResyncOutcome {
                id: EntryId(u64::MAX),
                result: ResyncResult::Refused {
                    reason: Refusal::NotFound,
                },
            },
        ];
        let done = ResyncDone::new(plan, outcomes);
        assert_eq!(done.queued, 1);
        assert_eq!(done.refused, 2 + refused);
        assert_eq!(done.outcomes.len(), 3 + refused);
        assert_eq!(
            done.outcomes[0],
            (a.display_name(), "Queued: now Pending".to_string())
        );
        assert_eq!(done.outcomes[1].1, "Resync failed: queue full");
        assert_eq!(
            done.outcomes[2],
            (
                format!("Entry {}", u64::MAX),
                "Not resynced: The entry no longer exists.".to_string()
            )
        );
        assert!(done.outcomes[3].1.starts_with("Not resynced: "));
    }
}

#[cfg(test)]
mod job_tests {
    use super::*;

    #[test]
    fn the_dialog_closes_except_while_sending() {
        let owner = Owner::new();
        owner.set();
        let job = ResyncJob::default();
        job.step.set(ResyncStep::Running { count: 3 });
        job.close();
        assert!(job.is_open(), "not closed while the request is out");
        job.step.set(ResyncStep::Confirm(ResyncPlan::default()));
        job.close();
        assert!(!job.is_open());
        assert!(!job.is_sending(EntryId(1)));
    }
}
