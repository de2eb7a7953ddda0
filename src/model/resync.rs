//! Who may be resynced, and what a resync answered. Shared by the confirm dialog (to list what
//! cannot be resynced and why), the demo source and the reference server.

use std::fmt;

use super::entry::{Entry, EntryId, Status};

/// Why an entry cannot be resynced (on the wire, an object tagged by `code`: `crate::wire`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The backend marked it as not resyncable from the dashboard.
    NotResyncable { detail: Option<String> },
    /// It already reached the destination.
    AlreadyOk,
    /// A retry is under way.
    InProgress {
        attempts: u32,
        max_attempts: Option<u32>,
    },
    /// A status this viewer does not know; resync is not offered blindly.
    UnknownStatus { status: String },
    /// The backend does not know the id (any more).
    NotFound,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotResyncable { detail } => {
                f.write_str("It cannot be resynced from the dashboard")?;
                if let Some(d) = detail {
                    write!(f, " ({d})")?;
                }
                f.write_str("; contact your integration support team.")
            }
            Refusal::AlreadyOk => f.write_str("It already reached the destination."),
            Refusal::InProgress {
                attempts,
                max_attempts: Some(m),
            } => {
                write!(
                    f,
                    "It is already being retried (attempt {attempts} of {m})."
                )
            }
            Refusal::InProgress { attempts, .. } => {
                write!(f, "It is already being retried (attempt {attempts}).")
            }
            Refusal::UnknownStatus { status } => {
                write!(
                    f,
                    "Its status \"{status}\" is not one that can be resynced."
                )
            }
            Refusal::NotFound => f.write_str("The entry no longer exists."),
        }
    }
}

/// Whether `e` may be resynced now.
pub fn check(e: &Entry) -> Result<(), Refusal> {
    match &e.status {
        Status::Ok => Err(Refusal::AlreadyOk),
        Status::Pending => Err(Refusal::InProgress {
            attempts: e.attempts,
            max_attempts: e.max_attempts,
        }),
        Status::Unknown(s) => Err(Refusal::UnknownStatus {
            status: s.to_string(),
        }),
        Status::Failed | Status::Sent if !e.resyncable => Err(Refusal::NotResyncable {
            detail: e.message().map(str::to_owned),
        }),
        Status::Failed | Status::Sent => Ok(()),
    }
}

/// One item's answer to a resync request (on the wire `{"id", "outcome", ...}` with the fields
/// of its outcome beside them: `crate::wire`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResyncOutcome {
    pub id: EntryId,
    pub result: ResyncResult,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResyncResult {
    /// Queued: the entry now has this status (Pending for a failure, Sent awaiting confirmation).
    Accepted {
        status: Status,
    },
    Refused {
        reason: Refusal,
    },
    /// Tried and failed (the backend could not queue it, or its answer for this id was missing
    /// or unreadable). The entry keeps its status; it can be tried again.
    Failed {
        message: String,
    },
}
