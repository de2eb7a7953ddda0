//! One report entry: what an integration tried to sync, its status and retries, and how it is
//! named to a person. How the API writes it, and how loosely it is read, is `crate::wire`'s.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::format::{stamp, Stamp};

pub use super::entry_text::{EntryText, TextFields};

/// The backend's id of an entry. Selection, resync and keyed rows use it, never a row index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub u64);

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The outcome of one sync attempt.
///
/// Ordered as an operator triages: problems first is `Failed > Pending > Sent > Ok` when sorted
/// descending. Unknown statuses sort after the known ones, by their raw text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Sent,
    Pending,
    Failed,
    /// A status this version does not know, kept verbatim and shown as a neutral badge.
    Unknown(Box<str>),
}

impl Status {
    /// The four statuses the product documents, in legend order.
    pub const KNOWN: [Status; 4] = [Status::Ok, Status::Sent, Status::Pending, Status::Failed];

    /// Reads a status as any backend spells it: case-insensitive, `_Sent` is Sent.
    pub fn parse(raw: &str) -> Status {
        let t = raw.trim();
        let bare = t.trim_start_matches('_');
        if bare.eq_ignore_ascii_case("ok") {
            Status::Ok
        } else if bare.eq_ignore_ascii_case("sent") {
            Status::Sent
        } else if bare.eq_ignore_ascii_case("pending") {
            Status::Pending
        } else if bare.eq_ignore_ascii_case("failed") {
            Status::Failed
        } else {
            Status::Unknown(t.into())
        }
    }

    /// What the badge says.
    pub fn label(&self) -> &str {
        match self {
            Status::Ok => "OK",
            Status::Sent => "Sent",
            Status::Pending => "Pending",
            Status::Failed => "Failed",
            Status::Unknown(raw) => raw,
        }
    }

    /// The value the API uses in JSON and in `filter[status]`.
    pub fn api_value(&self) -> &str {
        match self {
            Status::Ok => "Ok",
            Status::Sent => "Sent",
            Status::Pending => "Pending",
            Status::Failed => "Failed",
            Status::Unknown(raw) => raw,
        }
    }

    /// The legend text, from the product's help page.
    pub fn description(&self) -> &'static str {
        match self {
            Status::Ok => "The data reached the destination system.",
            Status::Sent => {
                "A file was pushed to the destination (SFTP or file-based services); \
                 it becomes OK when the destination confirms receipt."
            }
            Status::Pending => {
                "Pushed but not yet at the destination, most often because the destination is \
                 down. Retried (4 times by default) before it is marked Failed."
            }
            Status::Failed => {
                "The sync failed, for example because a mapped field changed or the systems \
                 could not communicate. It can usually be resynced."
            }
            Status::Unknown(_) => {
                "A status this viewer does not know; shown as the backend sent it."
            }
        }
    }

    /// A stable CSS modifier for the badge.
    pub fn css_class(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Sent => "sent",
            Status::Pending => "pending",
            Status::Failed => "failed",
            Status::Unknown(_) => "unknown",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The customer integration ("company group") a service belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    pub id: Option<u64>,
    pub name: Arc<str>,
}

/// Where the item came from and where it went: stored `Source_Destination`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SystemChain {
    pub source: Arc<str>,
    /// Empty when the backend sent a single system name.
    pub destination: Arc<str>,
}

impl SystemChain {
    pub fn new(source: impl Into<Arc<str>>, destination: impl Into<Arc<str>>) -> Self {
        SystemChain {
            source: source.into(),
            destination: destination.into(),
        }
    }

    /// Splits the stored form at its first underscore.
    pub fn parse(raw: &str) -> Self {
        match raw.split_once('_') {
            Some((s, d)) => SystemChain::new(s.trim(), d.trim()),
            None => SystemChain::new(raw.trim(), ""),
        }
    }

    /// The stored form, as the API filters by it.
    pub fn api_value(&self) -> String {
        if self.destination.is_empty() {
            self.source.to_string()
        } else {
            format!("{}_{}", self.source, self.destination)
        }
    }
}

impl fmt::Display for SystemChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.destination.is_empty() {
            f.write_str(&self.source)
        } else {
            write!(f, "{} → {}", self.source, self.destination)
        }
    }
}

/// One attempted sync of one item.
///
/// The seven optional texts (reference, failure reason and detail, the systems' ids) are packed
/// into one allocation ([`EntryText`]) and read through methods: at a million entries that
/// saves about 80 MB of browser memory. On the wire an entry is the flat JSON object the API
/// sends (`crate::wire`, which reads and writes it).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: EntryId,
    pub status: Status,
    pub integration: Integration,
    /// The service entity: Order, Fulfilment, Product... an open set of names.
    pub entity: Arc<str>,
    pub system_chain: SystemChain,
    pub first_run_id: Option<u64>,
    /// The latest run that touched the item: the "Sync ID".
    pub last_run_id: Option<u64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Seconds the latest run took.
    pub runtime: Option<f64>,
    pub attempts: u32,
    /// When the next automatic retry is due (Pending entries), if the backend says.
    pub next_retry_at: Option<DateTime<Utc>>,
    pub max_attempts: Option<u32>,
    /// False when the dashboard cannot resync this item (it was already processed, say).
    pub resyncable: bool,
    /// The reference, the failure's reason and detail, and the systems' ids.
    pub text: EntryText,
}

impl Entry {
    /// The business key: order number, SKU...
    pub fn common_ref(&self) -> Option<&str> {
        self.text.fields().common_ref
    }

    /// The failure reason shown under a failed row.
    pub fn message(&self) -> Option<&str> {
        self.text.fields().message
    }

    /// Technical detail for the error dialog.
    pub fn error(&self) -> Option<&str> {
        self.text.fields().error
    }

    pub fn source_id(&self) -> Option<&str> {
        self.text.fields().source_id
    }

    pub fn source_parent_id(&self) -> Option<&str> {
        self.text.fields().source_parent_id
    }

    pub fn endpoint_id(&self) -> Option<&str> {
        self.text.fields().endpoint_id
    }

    pub fn endpoint_parent_id(&self) -> Option<&str> {
        self.text.fields().endpoint_parent_id
    }

    /// Replaces the reference, keeping the other texts.
    pub fn set_common_ref(&mut self, r: Option<&str>) {
        let mut t = self.text.fields();
        t.common_ref = r;
        self.text = EntryText::new(&t);
    }

    /// Replaces the failure reason and its detail (a resync's outcome), keeping the other texts.
    pub fn set_message_and_error(&mut self, message: Option<&str>, error: Option<&str>) {
        let mut t = self.text.fields();
        t.message = message;
        t.error = error;
        self.text = EntryText::new(&t);
    }
}

/// A Pending entry older than this is stuck: highlighted, and the "Stuck" filter finds it.
pub const STUCK_AFTER_HOURS: i64 = 2;

/// Where an entry stands in its retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryState {
    pub attempt: u32,
    pub max_attempts: Option<u32>,
    pub next_retry_at: Option<DateTime<Utc>>,
    /// How long it has been Pending (since [`Entry::pending_since`]), for Pending entries.
    pub pending_for: Option<chrono::Duration>,
    pub stuck: bool,
}

impl RetryState {
    /// "Attempt 2 of 4 · next retry 10:15 UTC · Pending for 3 h 5 min".
    pub fn describe(&self, now: DateTime<Utc>) -> String {
        let mut parts = vec![match self.max_attempts {
            Some(m) => format!("Attempt {} of {m}", self.attempt),
            None => format!("Attempt {}", self.attempt),
        }];
        if let Some(t) = self.next_retry_at {
            parts.push(if t <= now {
                format!("retry overdue since {} UTC", stamp(&t, Stamp::TimeMinute))
            } else {
                format!("next retry {} UTC", stamp(&t, Stamp::TimeMinute))
            });
        }
        if let Some(d) = self.pending_for {
            parts.push(format!("Pending for {}", human_duration(d)));
        }
        parts.join(" · ")
    }
}

/// "45 min", "3 h 5 min", "2 d 4 h".
pub fn human_duration(d: chrono::Duration) -> String {
    let m = d.num_minutes().max(0);
    match m {
        0..=59 => format!("{m} min"),
        60..=1439 if m % 60 == 0 => format!("{} h", m / 60),
        60..=1439 => format!("{} h {} min", m / 60, m % 60),
        _ if (m % 1440) / 60 == 0 => format!("{} d", m / 1440),
        _ => format!("{} d {} h", m / 1440, (m % 1440) / 60),
    }
}

impl Entry {
    /// When it became Pending: when its latest run started (`updated_at`), or when it was
    /// created if no run is recorded. An entry that failed days ago and was resynced a minute
    /// ago has been Pending for a minute. A latest run dated before the entry's creation
    /// (inconsistent data) counts from the creation.
    pub fn pending_since(&self) -> DateTime<Utc> {
        self.updated_at
            .map_or(self.created_at, |u| u.max(self.created_at))
    }

    /// Whether it has been Pending for longer than [`STUCK_AFTER_HOURS`] at `now`, counted
    /// from [`Entry::pending_since`].
    pub fn is_stuck(&self, now: DateTime<Utc>) -> bool {
        self.status == Status::Pending
            && now - self.pending_since() > chrono::Duration::hours(STUCK_AFTER_HOURS)
    }

    /// Retry state for Pending and Failed entries.
    pub fn retry_state(&self, now: DateTime<Utc>) -> Option<RetryState> {
        if !matches!(self.status, Status::Pending | Status::Failed) {
            return None;
        }
        let pending = self.status == Status::Pending;
        Some(RetryState {
            attempt: self.attempts.max(1),
            max_attempts: self.max_attempts,
            next_retry_at: self.next_retry_at.filter(|_| pending),
            pending_for: pending.then(|| now - self.pending_since()),
            stuck: self.is_stuck(now),
        })
    }

    /// How the item is named to a person: "Shopify order #1001", or "Shopify order (entry 42)"
    /// without a reference.
    pub fn display_name(&self) -> String {
        let what = entity_words(&self.entity);
        match self.common_ref() {
            Some(r) if !r.is_empty() => {
                format!("{} {} {}", self.system_chain.source, what, hash_ref(r))
            }
            _ => format!("{} {} (entry {})", self.system_chain.source, what, self.id),
        }
    }

    /// The one-item resync action in the user's terms: "Resync Shopify order #1001 to NetSuite".
    pub fn resync_phrase(&self) -> String {
        if self.system_chain.destination.is_empty() {
            format!("Resync {}", self.display_name())
        } else {
            format!(
                "Resync {} to {}",
                self.display_name(),
                self.system_chain.destination
            )
        }
    }

    /// The accessible name of this row's checkbox, as the product spec writes it.
    pub fn select_label(&self) -> String {
        match self.common_ref() {
            Some(r) if !r.is_empty() => format!("Select {r}"),
            _ => format!("Select sync {}", self.id),
        }
    }
}

/// "PurchaseOrder" reads as "purchase order"; acronyms ("SKU") are kept.
pub fn entity_words(entity: &str) -> String {
    let mut out = String::with_capacity(entity.len() + 4);
    let chars: Vec<char> = entity.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if c.is_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push(' ');
        }
        out.push(c);
    }
    out.split(' ')
        .map(|w| {
            if w.chars().skip(1).any(char::is_uppercase) {
                w.to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Order numbers read as "#1001"; other references (SKUs) are shown as they are.
fn hash_ref(r: &str) -> String {
    if r.bytes().all(|b| b.is_ascii_digit()) {
        format!("#{r}")
    } else {
        r.to_string()
    }
}

/// Parses a timestamp as backends write them: RFC 3339, or a zone-less form taken as UTC.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    crate::format::parse_naive(s).map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> serde_json::Value {
        serde_json::json!({
            "id": 7,
            "status": "Failed",
            "integration": {"id": 3, "name": "Acme Retail"},
            "type": "Order",
            "system_chain": "Shopify_NetSuite",
            "created_at": "2026-11-20T10:00:00Z"
        })
    }

    #[test]
    fn status_spellings() {
        assert_eq!(Status::parse("_Sent"), Status::Sent);
        assert_eq!(Status::parse("OK"), Status::Ok);
        assert_eq!(Status::parse(" failed "), Status::Failed);
        assert_eq!(Status::parse("Queued"), Status::Unknown("Queued".into()));
        assert_eq!(Status::parse("Queued").label(), "Queued");
        assert_eq!(Status::Sent.api_value(), "Sent");
    }

    #[test]
    fn minimal_entry_reads_with_defaults() {
        let e: Entry = serde_json::from_value(minimal()).unwrap();
        assert_eq!(e.id, EntryId(7));
        assert_eq!(e.system_chain.to_string(), "Shopify → NetSuite");
        assert!(e.resyncable);
        assert_eq!(e.common_ref(), None);
        assert_eq!(e.attempts, 0);
        assert_eq!(e.select_label(), "Select sync 7");
    }

    #[test]
    fn loose_types_are_accepted() {
        let mut v = minimal();
        v["id"] = "12".into();
        v["last_run_id"] = "12345678".into();
        v["source_id"] = 998877.into();
        v["created_at"] = "2026-11-20 10:00:00".into();
        v["runtime"] = "2.5".into();
        v["status"] = "_Sent".into();
        let e: Entry = serde_json::from_value(v).unwrap();
        assert_eq!(e.id, EntryId(12));
        assert_eq!(e.last_run_id, Some(12_345_678));
        assert_eq!(e.source_id(), Some("998877"));
        assert_eq!(e.runtime, Some(2.5));
        assert_eq!(e.status, Status::Sent);
        assert_eq!(e.created_at.to_rfc3339(), "2026-11-20T10:00:00+00:00");
    }

    #[test]
    fn round_trips_through_json() {
        let mut v = minimal();
        v["common_ref"] = "1001".into();
        v["message"] = "Customer email is invalid".into();
        let e: Entry = serde_json::from_value(v).unwrap();
        let back: Entry = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(e, back);
        assert_eq!(e.display_name(), "Shopify order #1001");
        assert_eq!(e.resync_phrase(), "Resync Shopify order #1001 to NetSuite");
    }

    #[test]
    fn entity_names_read_as_words() {
        assert_eq!(entity_words("PurchaseOrder"), "purchase order");
        assert_eq!(entity_words("Order"), "order");
        assert_eq!(entity_words("SKU"), "SKU");
        assert_eq!(entity_words("Stocklevels"), "stocklevels");
    }

    #[test]
    fn bad_timestamp_names_the_problem() {
        let mut v = minimal();
        v["created_at"] = "yesterday".into();
        let err = serde_json::from_value::<Entry>(v).unwrap_err().to_string();
        assert!(err.contains("yesterday"), "{err}");
    }
}

/// The error signature of a failure: its reason with the parts that differ between occurrences
/// (numbers, ids, references, quoted values) replaced, so the same problem on different items
/// groups together. None for entries that are not Failed or carry no reason.
///
/// `Duplicate Order #1001: a record with this reference already exists in NetSuite` and
/// `Duplicate Order #2002: ...` share `Duplicate Order # : a record ...`-like signature
/// `Duplicate Order <id>: a record with this reference already exists in NetSuite`.
pub fn failure_signature(e: &Entry) -> Option<String> {
    if e.status != Status::Failed {
        return None;
    }
    let msg = e.message()?.trim();
    if msg.is_empty() {
        return None;
    }
    let refs: Vec<&str> = [e.common_ref(), e.source_id()]
        .into_iter()
        .flatten()
        .filter(|r| !r.is_empty())
        .collect();
    let mut out = String::with_capacity(msg.len());
    let mut chars = msg.chars().peekable();
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.is_empty() {
            return;
        }
        // Trailing punctuation stays; the token itself is judged without it.
        let core = token.trim_end_matches([':', ',', ';', '.', ')', '!', '?']);
        let tail = &token[core.len()..];
        let core_plain = core.trim_start_matches(['(', '#']);
        let is_ref = refs.contains(&core_plain);
        if is_ref || core.chars().any(|c| c.is_ascii_digit()) {
            out.push_str("<id>");
        } else {
            out.push_str(core);
        }
        out.push_str(tail);
        token.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' | '\u{201c}' | '\u{2018}' => {
                flush(&mut token, &mut out);
                let close = match c {
                    '\u{201c}' => '\u{201d}',
                    '\u{2018}' => '\u{2019}',
                    c => c,
                };
                // A quoted value: replaced whole, when it closes.
                let rest: String = chars.clone().collect();
                match rest.find(close) {
                    Some(end) => {
                        for _ in 0..rest[..end].chars().count() + 1 {
                            chars.next();
                        }
                        out.push_str("<value>");
                    }
                    None => out.push(c),
                }
            }
            c if c.is_whitespace() => {
                flush(&mut token, &mut out);
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c => token.push(c),
        }
    }
    flush(&mut token, &mut out);
    let s = out.trim().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod signature_tests {
    use super::*;

    fn failed(msg: &str, reference: &str) -> Entry {
        let mut e: Entry = serde_json::from_str(
            r#"{"id":1,"status":"Failed","integration":{"name":"A"},"type":"Order","system_chain":"Shopify_NetSuite","created_at":"2026-11-20T10:00:00Z"}"#,
        )
        .unwrap();
        e.set_message_and_error(Some(msg), None);
        e.set_common_ref(Some(reference));
        e
    }

    #[test]
    fn occurrences_of_one_problem_share_a_signature() {
        let a = failure_signature(&failed(
            "Duplicate Order #1001: a record with this reference already exists in NetSuite",
            "1001",
        ));
        let b = failure_signature(&failed(
            "Duplicate Order PO-29435: a record with this reference already exists in NetSuite",
            "PO-29435",
        ));
        assert_eq!(a, b);
        assert_eq!(
            a.as_deref(),
            Some("Duplicate Order <id>: a record with this reference already exists in NetSuite")
        );
        assert_eq!(
            failure_signature(&failed(
                "Item MUG-GRN-OS was not found in Peoplevox",
                "MUG-GRN-OS"
            )),
            failure_signature(&failed(
                "Item TEE-BLK-XL was not found in Peoplevox",
                "TEE-BLK-XL"
            )),
        );
        assert_eq!(
            failure_signature(&failed(
                "Mapped field 'shipping_method' changed: \"Express 24\" has no match in NetSuite",
                "1"
            ))
            .as_deref(),
            Some("Mapped field <value> changed: <value> has no match in NetSuite")
        );
        assert_ne!(
            failure_signature(&failed(
                "Connection to NetSuite timed out after 30 seconds",
                "1"
            )),
            failure_signature(&failed(
                "Connection to Shopify timed out after 30 seconds",
                "1"
            )),
            "different systems are different problems"
        );
        let mut ok = failed("x", "1");
        ok.status = Status::Ok;
        assert_eq!(failure_signature(&ok), None);
        assert_eq!(failure_signature(&failed("   ", "1")), None);
        // Unclosed quotes and odd text never panic.
        assert!(failure_signature(&failed("it's \u{201c}broken", "1")).is_some());
    }
}
