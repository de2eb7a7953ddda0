//! Believable, deterministic demo data, and a simulated backend that resyncs it.
//!
//! The same seed, size and `now` always give the same entries, so screenshots, tests and
//! benchmarks agree. Entries spread over the last 15 days; ids and sync ids grow with time.

use std::fmt::Write;
use std::ops::Range;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::entry::{Entry, EntryId, EntryText, Integration, Status, SystemChain, TextFields};
use super::resync::{self, Refusal, ResyncOutcome, ResyncResult};
use super::store::Store;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    /// 10 to 1,000,000 entries (clamped).
    pub size: usize,
    /// The newest entry is just before this.
    pub now: DateTime<Utc>,
}

pub const MIN_SIZE: usize = 10;
pub const MAX_SIZE: usize = 1_000_000;
pub const DEFAULT_SIZE: usize = 5_000;
pub const DEFAULT_SEED: u64 = 20_261_127;

const GROUPS: [&str; 8] = [
    "Acme Outdoor",
    "Northwind Apparel",
    "Bluebird Home",
    "Cedar & Co",
    "Harbour Coffee",
    "Kestrel Sports",
    "Lumen Beauty",
    "Orchard Foods",
];

/// A service: source, destination, the entities it moves, and whether it pushes files (Sent).
struct Flow {
    source: &'static str,
    destination: &'static str,
    entities: &'static [&'static str],
    files: bool,
    max_attempts: u32,
}

const FLOWS: [Flow; 11] = [
    Flow {
        source: "Shopify",
        destination: "NetSuite",
        entities: &["Order", "Order", "Order", "Customer", "Refund"],
        files: false,
        max_attempts: 4,
    },
    Flow {
        source: "NetSuite",
        destination: "Shopify",
        entities: &[
            "Fulfilment",
            "Product",
            "Stocklevels",
            "InventoryAdjustment",
        ],
        files: false,
        max_attempts: 4,
    },
    Flow {
        source: "Magento",
        destination: "Brightpearl",
        entities: &["Order", "Order", "CreditMemo"],
        files: false,
        max_attempts: 4,
    },
    Flow {
        source: "Brightpearl",
        destination: "Magento",
        entities: &["Stocklevels", "Fulfilment"],
        files: false,
        max_attempts: 3,
    },
    Flow {
        source: "BigCommerce",
        destination: "NetSuite",
        entities: &["Order", "Customer", "Refund"],
        files: false,
        max_attempts: 4,
    },
    Flow {
        source: "Shopify",
        destination: "Peoplevox",
        entities: &["Order", "Order", "Return"],
        files: false,
        max_attempts: 4,
    },
    Flow {
        source: "Peoplevox",
        destination: "Shopify",
        entities: &["Fulfilment", "Stocklevels"],
        files: false,
        max_attempts: 4,
    },
    Flow {
        source: "SFTP",
        destination: "Peoplevox",
        entities: &["PurchaseOrder", "ItemReceipt"],
        files: true,
        max_attempts: 6,
    },
    Flow {
        source: "NetSuite",
        destination: "SFTP",
        entities: &["TransferOrder", "WholesaleOrder", "GoodsReceipt"],
        files: true,
        max_attempts: 6,
    },
    Flow {
        source: "Brightpearl",
        destination: "SFTP",
        entities: &["Sale", "GoodsReceipt"],
        files: true,
        max_attempts: 6,
    },
    Flow {
        source: "Shopify",
        destination: "Brightpearl",
        entities: &["Order", "Product"],
        files: false,
        max_attempts: 4,
    },
];

const SKU_WORDS: [&str; 12] = [
    "TEE", "HOODIE", "MUG", "CAP", "SOCK", "BOOT", "JACKET", "BEANIE", "TOTE", "SCARF", "GLOVE",
    "DEMOTEST",
];
const SKU_VARIANTS: [&str; 10] = [
    "BLK-M",
    "WHT-L",
    "NAVY-S",
    "SS-YELLOW",
    "RED-XL",
    "GRN-OS",
    "GRY-M",
    "OAT-L",
    "SS-BLUE",
    "PNK-S",
];

/// A failure: the message template, a technical detail, and whether a resync can fix it.
struct Failure {
    message: &'static str,
    error: &'static str,
    resyncable: bool,
    /// The entities it can happen to; empty for any.
    entities: &'static [&'static str],
    /// Only for file-based flows (SFTP), or only for API flows.
    files: Option<bool>,
}

const ORDERS: &[&str] = &["Order", "Customer", "Refund"];
const ITEMS: &[&str] = &[
    "Order",
    "Product",
    "Stocklevels",
    "InventoryAdjustment",
    "Fulfilment",
    "Sale",
    "ItemReceipt",
];
const SHIPPED: &[&str] = &["Order", "Fulfilment", "WholesaleOrder", "TransferOrder"];
const ADDRESSED: &[&str] = &["Order", "Customer", "Return", "Sale", "WholesaleOrder"];
const ANY: &[&str] = &[];

#[rustfmt::skip]
const FAILURES: [Failure; 10] = [
    Failure { message: "Customer email \"{ref}@example\" is not a valid email address in {dest}", error: "HTTP 400 Bad Request: {\"code\":\"INVALID_FLD_VALUE\",\"field\":\"email\"}", resyncable: true, entities: ORDERS, files: Some(false) },
    Failure { message: "Item {sku} was not found in {dest}", error: "HTTP 404 Not Found: record type inventoryitem, externalId {sku}", resyncable: true, entities: ITEMS, files: None },
    Failure { message: "Mapped field 'shipping_method' changed: \"Express 24\" has no match in {dest}", error: "MappingError: no value map entry for shipping_method=\"Express 24\"", resyncable: true, entities: SHIPPED, files: None },
    Failure { message: "Connection to {dest} timed out after 30 seconds", error: "ETIMEDOUT connecting to {dest} API (attempt {attempt})", resyncable: true, entities: ANY, files: Some(false) },
    Failure { message: "{dest} API rate limit exceeded", error: "HTTP 429 Too Many Requests: Retry-After 60", resyncable: true, entities: ANY, files: Some(false) },
    Failure { message: "Authentication with {dest} failed: the access token has expired", error: "HTTP 401 Unauthorized: invalid_token", resyncable: true, entities: ANY, files: Some(false) },
    Failure { message: "Required field 'country_code' is empty on {entity} {ref}", error: "ValidationError: country_code must not be blank", resyncable: true, entities: ADDRESSED, files: None },
    Failure { message: "{entity} {ref} was already processed in {dest}", error: "HTTP 409 Conflict: DUP_RCRD externalId {ref}", resyncable: false, entities: ANY, files: None },
    Failure { message: "Duplicate {entity} {ref}: a record with this reference already exists in {dest}", error: "HTTP 409 Conflict: unique constraint on external reference", resyncable: false, entities: ANY, files: None },
    Failure { message: "SFTP upload to {dest} failed: permission denied on /inbound", error: "SSH_FX_PERMISSION_DENIED (3) writing /inbound/{ref}.csv", resyncable: true, entities: ANY, files: Some(true) },
];

/// Interned names so a million entries share a handful of strings.
struct Names {
    groups: Vec<Arc<str>>,
    systems: Vec<(Arc<str>, Arc<str>)>,
    entities: Vec<Vec<Arc<str>>>,
}

impl Names {
    fn new() -> Self {
        Names {
            groups: GROUPS.iter().map(|&g| Arc::from(g)).collect(),
            systems: FLOWS
                .iter()
                .map(|f| (Arc::from(f.source), Arc::from(f.destination)))
                .collect(),
            entities: FLOWS
                .iter()
                .map(|f| f.entities.iter().map(|&e| Arc::from(e)).collect())
                .collect(),
        }
    }
}

fn fill(template: &str, r: &str, sku: &str, dest: &str, entity: &str, attempt: u32) -> String {
    template
        .replace("{ref}", r)
        .replace("{sku}", sku)
        .replace("{dest}", dest)
        .replace("{entity}", entity)
        .replace("{attempt}", &attempt.to_string())
}

/// Appends `v` after `prefix`; returns where the text is in `buf`.
fn push_num(buf: &mut String, prefix: &str, v: impl itoa::Integer) -> Range<usize> {
    let s = buf.len();
    buf.push_str(prefix);
    buf.push_str(itoa::Buffer::new().format(v));
    s..buf.len()
}

fn push_str(buf: &mut String, t: &str) -> Range<usize> {
    let s = buf.len();
    buf.push_str(t);
    s..buf.len()
}

/// Each (group, flow) pair is one service; groups run a few of the flows each.
fn services() -> Vec<(usize, usize)> {
    (0..GROUPS.len())
        .flat_map(|g| {
            (0..FLOWS.len())
                .filter(move |f| (g * 7 + f * 3) % 4 != 0)
                .map(move |f| (g, f))
        })
        .collect()
}

/// Draws entries one at a time, each at a given time: the demo's initial 15 days
/// ([`generate`]), then, in the same stream, the entries that keep arriving
/// ([`DemoBackend::catch_up`]).
pub struct Generator {
    rng: fastrand::Rng,
    names: Names,
    services: Vec<(usize, usize)>,
    /// Items whose latest attempt failed, per kind of item (service and entity): the next entry
    /// of that kind sends one of them again half the time (an item's history then tells
    /// "failed, then OK"), else a new item. Decided by a second generator, so every other field
    /// of every entry is what the seed has always given; only those entries' references differ.
    again: fastrand::Rng,
    waiting: Vec<Option<Box<str>>>,
    order_no: u64,
    /// Scratch for an entry's texts (packed from here: no allocation per text).
    buf: String,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: fastrand::Rng::with_seed(seed),
            names: Names::new(),
            services: services(),
            again: fastrand::Rng::with_seed(seed ^ 0xA6A1_4E5E),
            waiting: vec![None; Self::kind(GROUPS.len(), 0, 0)],
            order_no: 100_000,
            buf: String::with_capacity(512),
        }
    }

    fn kind(g: usize, f: usize, e: usize) -> usize {
        (g * FLOWS.len() + f) * 8 + e
    }

    /// The next entry, created at `t` (Unix seconds) with id `id`, as it stands at `now`.
    pub fn entry(&mut self, id: EntryId, t: i64, now: DateTime<Utc>) -> Entry {
        let created = DateTime::from_timestamp(t, 0).unwrap_or(now);
        let (g, f) = self.services[self.rng.usize(..self.services.len())];
        let flow = &FLOWS[f];
        let entity = self.names.entities[f][self.rng.usize(..flow.entities.len())].clone();
        // The first of its kind in the flow's list (the list repeats entities for weight).
        let kind = Self::kind(
            g,
            f,
            flow.entities
                .iter()
                .position(|x| *x == &*entity)
                .unwrap_or(0),
        );
        let (src, dst) = self.names.systems[f].clone();
        // Runs every 10 minutes per service: entries in the same slot share a sync id.
        let run_slot = (t / 600) as u64;
        let last_run_id =
            40_000_000 + (run_slot % 1_000_000) * 64 + (g * FLOWS.len() + f) as u64 % 64;
        // Every text of the entry goes into one scratch buffer and is packed from there: no
        // allocation per text (a million entries made five million short-lived strings).
        self.buf.clear();
        let sku = {
            let s = self.buf.len();
            self.buf
                .push_str(SKU_WORDS[self.rng.usize(..SKU_WORDS.len())]);
            self.buf.push('-');
            self.buf
                .push_str(SKU_VARIANTS[self.rng.usize(..SKU_VARIANTS.len())]);
            s..self.buf.len()
        };
        self.order_no += 1 + self.rng.u64(..3);
        let common_ref = match &*entity {
            "Order" | "Fulfilment" | "Refund" | "Return" | "Sale" | "WholesaleOrder" => {
                if src.as_ref() == "Magento" {
                    let s = self.buf.len();
                    let _ = write!(self.buf, "M{:09}", self.order_no);
                    s..self.buf.len()
                } else {
                    push_num(&mut self.buf, "", self.order_no)
                }
            }
            "Product" | "Stocklevels" | "InventoryAdjustment" => sku.clone(),
            "Customer" => push_num(&mut self.buf, "CUS-", 40_000 + self.rng.u32(..60_000)),
            "CreditMemo" => push_num(&mut self.buf, "CM-", 10_000 + self.rng.u32(..90_000)),
            "PurchaseOrder" | "ItemReceipt" | "GoodsReceipt" => {
                push_num(&mut self.buf, "PO-", 20_000 + self.rng.u32(..80_000))
            }
            "TransferOrder" => push_num(&mut self.buf, "TO-", 5_000 + self.rng.u32(..95_000)),
            _ => push_num(&mut self.buf, "REF-", self.rng.u32(..1_000_000)),
        };
        // Sent again: the waiting item's reference instead of a new one.
        let resent = self.waiting[kind]
            .as_ref()
            .filter(|_| self.again.bool())
            .cloned();
        let common_ref = match &resent {
            Some(r) => push_str(&mut self.buf, r),
            None => common_ref,
        };
        let max_attempts = flow.max_attempts;
        let age_h = (now.timestamp() - t) / 3600;
        let roll = self.rng.u32(..1000);
        // A realistic mix: mostly OK; failures cluster; recent file pushes await confirmation.
        let (status, attempts) = match roll {
            0..=59 => (
                Status::Failed,
                if self.rng.bool() { max_attempts } else { 1 },
            ),
            60..=99 if age_h < 48 => (Status::Pending, 1 + self.rng.u32(..max_attempts - 1)),
            100..=179 if flow.files => (Status::Sent, 1),
            180..=182 => (Status::Unknown("Skipped".into()), 1),
            _ => (Status::Ok, if roll % 23 == 0 { 2 } else { 1 }),
        };
        let (message, error, resyncable) = match &status {
            Status::Failed => {
                // A failure that can happen to this entity on this kind of flow.
                let fits = |f: &&Failure| {
                    (f.entities.is_empty() || f.entities.contains(&&*entity))
                        && f.files.is_none_or(|files| files == flow.files)
                };
                let candidates: Vec<&Failure> = FAILURES.iter().filter(fits).collect();
                let fl = candidates[self.rng.usize(..candidates.len())];
                let (r, k) = (&self.buf[common_ref.clone()], &self.buf[sku.clone()]);
                let message = fill(fl.message, r, k, &dst, &entity, attempts);
                let error = fill(fl.error, r, k, &dst, &entity, attempts);
                (
                    Some(push_str(&mut self.buf, &message)),
                    Some(push_str(&mut self.buf, &error)),
                    fl.resyncable,
                )
            }
            Status::Pending => {
                let s = self.buf.len();
                let _ = write!(
                    self.buf,
                    "{dst} did not respond; retry {attempts} of {max_attempts} is scheduled"
                );
                (Some(s..self.buf.len()), None, true)
            }
            Status::Unknown(_) => (
                Some(push_str(&mut self.buf, "Skipped by a service filter rule")),
                None,
                true,
            ),
            _ => (None, None, true),
        };
        if status == Status::Failed {
            self.waiting[kind] = Some(self.buf[common_ref.clone()].into());
        } else if resent.is_some() {
            self.waiting[kind] = None;
        }
        let runtime = (self.rng.u32(200..9_000) as f64 / 100.0).round() / 10.0 * 10.0 / 10.0;
        let updated = created
            + Duration::milliseconds((runtime * 1000.0) as i64 + (attempts as i64 - 1) * 900_000);
        let first_run_id = last_run_id.saturating_sub((attempts as u64 - 1) * 64 * 2);
        let source_id = push_num(
            &mut self.buf,
            "",
            5_600_000_000_000 + self.rng.u64(..400_000_000_000),
        );
        let line_level = matches!(
            &*entity,
            "Fulfilment" | "Refund" | "Return" | "Stocklevels" | "ItemReceipt"
        );
        // Retries every 15 minutes after the latest attempt.
        let next_retry_at =
            (status == Status::Pending).then(|| updated.min(now) + Duration::minutes(15));
        // In the order the generator has always drawn them, so a seed keeps its data.
        let source_parent_id = line_level.then(|| {
            push_num(
                &mut self.buf,
                "",
                4_100_000_000_000 + self.rng.u64(..90_000_000_000),
            )
        });
        let endpoint_id = push_num(&mut self.buf, "", 7_000_000 + self.rng.u32(..3_000_000));
        let endpoint_parent_id =
            line_level.then(|| push_num(&mut self.buf, "", 6_000_000 + self.rng.u32(..1_000_000)));
        let text = |r: Option<Range<usize>>| r.map(|r| &self.buf[r]);
        Entry {
            id,
            status,
            integration: Integration {
                id: Some(100 + g as u64),
                name: self.names.groups[g].clone(),
            },
            entity,
            system_chain: SystemChain {
                source: src,
                destination: dst.clone(),
            },
            first_run_id: Some(first_run_id),
            last_run_id: Some(last_run_id),
            created_at: created,
            updated_at: Some(updated.min(now)),
            next_retry_at,
            runtime: Some(runtime),
            attempts,
            max_attempts: Some(max_attempts),
            resyncable,
            text: EntryText::new(&TextFields {
                common_ref: text(Some(common_ref)),
                message: text(message),
                error: text(error),
                source_id: text(Some(source_id)),
                source_parent_id: text(source_parent_id),
                endpoint_id: text(Some(endpoint_id)),
                endpoint_parent_id: text(endpoint_parent_id),
            }),
        }
    }
}

/// Generates `cfg.size` entries, oldest first.
pub fn generate(cfg: DemoConfig) -> Vec<Entry> {
    generate_with(cfg).0
}

/// [`generate`], and the generator to draw later arrivals from.
fn generate_with(cfg: DemoConfig) -> (Vec<Entry>, Generator) {
    let n = cfg.size.clamp(MIN_SIZE, MAX_SIZE);
    let mut gen = Generator::new(cfg.seed);
    let span = 15 * 86_400_i64;
    let start = cfg.now.timestamp() - span;
    // Room for the entries that keep arriving (hours of them at a million): the first arrival
    // would otherwise double the vector, and a wasm heap keeps what it grew to.
    let mut out = Vec::with_capacity(n + super::store::headroom(n));
    for i in 0..n {
        // Evenly spread with jitter: sorted by construction, no sort needed at a million.
        let slot = span as f64 / n as f64;
        let t = start + (i as f64 * slot + gen.rng.f64() * slot * 0.9) as i64;
        out.push(gen.entry(EntryId(1_000_000 + i as u64), t, cfg.now));
    }
    (out, gen)
}

/// How many entries a minute keep arriving in a demo of `size` entries: its 15 days' pace, and
/// at least a few a minute (3 for the default 5,000; 46 for a million).
pub fn arrivals_per_minute(size: usize) -> u32 {
    ((size.clamp(MIN_SIZE, MAX_SIZE) / (15 * 24 * 60)) as u32).max(3)
}

/// A state change the simulation will apply when its time comes.
#[derive(Clone, Debug, PartialEq)]
struct Scheduled {
    due: DateTime<Utc>,
    id: EntryId,
    to_ok: bool,
}

/// A simulated resync accepted at `now` for a failed entry: Pending, its retry due at `due`.
pub fn mark_resynced(e: &mut Entry, now: DateTime<Utc>, due: DateTime<Utc>) {
    e.status = Status::Pending;
    e.attempts = 1;
    e.next_retry_at = Some(due);
    e.set_message_and_error(Some("Resync requested; waiting for the destination"), None);
    e.updated_at = Some(now);
}

/// A simulated platform's answer to a resync, at `at`: OK, or Failed again with a timeout.
pub fn settle(e: &mut Entry, at: DateTime<Utc>, to_ok: bool) {
    e.updated_at = Some(at);
    e.runtime = Some(1.2);
    e.next_retry_at = None;
    if to_ok {
        e.status = Status::Ok;
        e.set_message_and_error(None, None);
    } else {
        e.status = Status::Failed;
        let message = format!(
            "Connection to {} timed out after 30 seconds",
            e.system_chain.destination
        );
        e.set_message_and_error(Some(&message), Some("ETIMEDOUT during resync"));
    }
}

/// The most ids `changes` lists.
pub const MAX_CHANGED: usize = 1_000;

/// The demo's backend: a store plus the resync lifecycle.
///
/// - Failed, resyncable: becomes Pending at once, then OK (three times in four) or Failed again
///   with a fresh message a few seconds later.
/// - Sent: the destination is asked to confirm; it becomes OK a few seconds later.
/// - Recent Sent entries confirm on their own over the first minutes.
/// - Anything else is refused with the reason from [`resync::check`].
pub struct DemoBackend {
    pub store: Store,
    rng: fastrand::Rng,
    schedule: Vec<Scheduled>,
    /// Draws the entries that keep arriving ([`DemoBackend::catch_up`]).
    gen: Generator,
    next_id: u64,
    /// When the next entry arrives (Unix milliseconds).
    next_at: i64,
    per_minute: u32,
    /// When [`DemoBackend::catch_up`] last ran (Unix ms): entries arrive after it, never in
    /// the past of someone who already looked.
    watched: Option<i64>,
}

/// The mean gap between arrivals at `per_minute` (ms).
fn gap_ms(per_minute: u32) -> f64 {
    60_000.0 / f64::from(per_minute.max(1))
}

impl DemoBackend {
    pub fn new(cfg: DemoConfig) -> Self {
        let (entries, gen) = generate_with(cfg);
        let next_id = entries.last().map_or(1_000_000, |e| e.id.0 + 1);
        let store = Store::from_entries(entries);
        let mut rng = fastrand::Rng::with_seed(cfg.seed ^ 0x5eed);
        let mut schedule = Vec::new();
        for e in store.entries() {
            if e.status == Status::Sent && cfg.now - e.created_at < Duration::hours(2) {
                let due = cfg.now + Duration::seconds(rng.i64(20..600));
                schedule.push(Scheduled {
                    due,
                    id: e.id,
                    to_ok: true,
                });
            }
        }
        let per_minute = arrivals_per_minute(cfg.size);
        let first = cfg.now.timestamp_millis() + gap_ms(per_minute) as i64;
        DemoBackend {
            store,
            rng,
            schedule,
            gen,
            next_id,
            next_at: first,
            per_minute,
            watched: None,
        }
    }

    /// Sets how many entries arrive a minute (at least 1).
    pub fn set_arrivals_per_minute(&mut self, n: u32) {
        let first = self.next_at - gap_ms(self.per_minute) as i64;
        self.per_minute = n.max(1);
        self.next_at = first + gap_ms(self.per_minute) as i64;
    }

    /// Adds the entries that arrived by `now`, at [`arrivals_per_minute`], since the previous
    /// call (the first call starts the clock: arrivals are drawn lazily, and one drawn now with
    /// an earlier time would appear in the past of a snapshot already shown). At most an
    /// hour's worth at once: a tab asleep for a day is not handed a day of entries. Schedules
    /// their Pending and Sent ones to settle as a platform would: a Sent file is confirmed
    /// within minutes; a Pending retry goes through (or, one time in five, fails) a few
    /// minutes later. Returns the new ids, oldest first.
    pub fn catch_up(&mut self, now: DateTime<Utc>) -> Vec<EntryId> {
        let end = now.timestamp_millis();
        let from = self.watched.map_or(end, |w| w.max(end - 3_600_000));
        self.watched = Some(end);
        self.next_at = self.next_at.max(from);
        let mean = gap_ms(self.per_minute);
        let mut fresh = Vec::new();
        while self.next_at <= end {
            let id = EntryId(self.next_id);
            self.next_id += 1;
            let mut e = self.gen.entry(id, self.next_at.div_euclid(1000), now);
            // To the millisecond: an arrival is never older than a snapshot taken before it.
            let ms = Duration::milliseconds(self.next_at.rem_euclid(1000));
            e.created_at += ms;
            e.updated_at = e.updated_at.map(|u| (u + ms).min(now.max(e.created_at)));
            e.next_retry_at = e.next_retry_at.map(|r| r + ms);
            let settle = match e.status {
                Status::Sent => Some((self.rng.i64(20..600), true)),
                Status::Pending => Some((self.rng.i64(60..300), self.rng.u32(..5) != 0)),
                _ => None,
            };
            if let Some((after, to_ok)) = settle {
                self.schedule.push(Scheduled {
                    due: e.created_at + Duration::seconds(after),
                    id,
                    to_ok,
                });
            }
            fresh.push(e);
            // Arrivals are uneven: half to one and a half times the mean gap.
            self.next_at += ((0.5 + self.rng.f64()) * mean).round().max(1.0) as i64;
        }
        let ids = fresh.iter().map(|e| e.id).collect();
        if !fresh.is_empty() {
            self.store.upsert_many(fresh);
        }
        ids
    }

    /// Asks for a resync of `ids` at `now`. Every id gets an outcome, in the order given.
    pub fn resync(&mut self, ids: &[EntryId], now: DateTime<Utc>) -> Vec<ResyncOutcome> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let result = match self.store.get(id).map(resync::check) {
                None => ResyncResult::Refused {
                    reason: Refusal::NotFound,
                },
                Some(Err(reason)) => ResyncResult::Refused { reason },
                Some(Ok(())) => {
                    let was_sent = self.store.get(id).is_some_and(|e| e.status == Status::Sent);
                    let due = now + Duration::milliseconds(self.rng.i64(1_500..4_000));
                    if was_sent {
                        self.schedule.retain(|s| s.id != id);
                        self.schedule.push(Scheduled {
                            due,
                            id,
                            to_ok: true,
                        });
                        ResyncResult::Accepted {
                            status: Status::Sent,
                        }
                    } else {
                        let to_ok = self.rng.u32(..4) != 0;
                        self.store.update(id, |e| mark_resynced(e, now, due));
                        self.schedule.push(Scheduled { due, id, to_ok });
                        ResyncResult::Accepted {
                            status: Status::Pending,
                        }
                    }
                }
            };
            out.push(ResyncOutcome { id, result });
        }
        out
    }

    /// What changed since `since`, by `now`: how many entries matching `query` arrived after
    /// `since`, and the ids (at most 1,000) of older entries updated after it.
    pub fn changes(
        &mut self,
        query: &super::query::Query,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> (usize, Vec<EntryId>) {
        self.catch_up(now);
        self.advance(now);
        let (from, to) = query.range.bounds(now);
        let from = from.max(since + Duration::milliseconds(1));
        let new = if from > to {
            0
        } else {
            let mut q = query.clone();
            q.range = super::query::DateRange::Between { from, to };
            self.store.count(&q, now)
        };
        let changed = self
            .store
            .entries()
            .iter()
            .filter(|e| e.created_at <= since && e.updated_at.is_some_and(|u| u > since))
            .map(|e| e.id)
            .take(MAX_CHANGED)
            .collect();
        (new, changed)
    }

    /// Applies every scheduled change due by `now`; returns the ids that changed.
    pub fn advance(&mut self, now: DateTime<Utc>) -> Vec<EntryId> {
        let (due, later): (Vec<_>, Vec<_>) = self.schedule.drain(..).partition(|s| s.due <= now);
        self.schedule = later;
        let mut changed = Vec::new();
        for s in due {
            let ok = self.store.update(s.id, |e| settle(e, s.due, s.to_ok));
            if ok {
                changed.push(s.id);
            }
        }
        changed
    }
}
