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

/// Generates `cfg.size` entries, oldest first.
pub fn generate(cfg: DemoConfig) -> Vec<Entry> {
    let n = cfg.size.clamp(MIN_SIZE, MAX_SIZE);
    let mut rng = fastrand::Rng::with_seed(cfg.seed);
    let names = Names::new();
    let span = 15 * 86_400_i64;
    let start = cfg.now.timestamp() - span;
    // Each (group, flow) pair is one service; groups run a few of the flows each.
    let services: Vec<(usize, usize)> = (0..GROUPS.len())
        .flat_map(|g| {
            (0..FLOWS.len())
                .filter(move |f| (g * 7 + f * 3) % 4 != 0)
                .map(move |f| (g, f))
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    // Items whose latest attempt failed, per kind of item (service and entity): the next entry
    // of that kind sends one of them again half the time (an item's history then tells "failed,
    // then OK"), else a new item. Decided by a second generator, so every other field of every
    // entry is what the seed has always given; only those entries' references differ.
    let mut again = fastrand::Rng::with_seed(cfg.seed ^ 0xA6A1_4E5E);
    let kinds = |g: usize, f: usize, e: usize| (g * FLOWS.len() + f) * 8 + e;
    let mut waiting: Vec<Option<Box<str>>> = vec![None; kinds(GROUPS.len(), 0, 0)];
    let mut order_no = 100_000u64;
    let mut buf = String::with_capacity(512);
    for i in 0..n {
        // Evenly spread with jitter: sorted by construction, no sort needed at a million.
        let slot = span as f64 / n as f64;
        let t = start + (i as f64 * slot + rng.f64() * slot * 0.9) as i64;
        let created = DateTime::from_timestamp(t, 0).unwrap_or(cfg.now);
        let (g, f) = services[rng.usize(..services.len())];
        let flow = &FLOWS[f];
        let entity = names.entities[f][rng.usize(..flow.entities.len())].clone();
        // The first of its kind in the flow's list (the list repeats entities for weight).
        let kind = kinds(
            g,
            f,
            flow.entities
                .iter()
                .position(|x| *x == &*entity)
                .unwrap_or(0),
        );
        let (src, dst) = names.systems[f].clone();
        // Runs every 10 minutes per service: entries in the same slot share a sync id.
        let run_slot = (t / 600) as u64;
        let last_run_id =
            40_000_000 + (run_slot % 1_000_000) * 64 + (g * FLOWS.len() + f) as u64 % 64;
        // Every text of the entry goes into one scratch buffer and is packed from there: no
        // allocation per text (a million entries made five million short-lived strings).
        buf.clear();
        let sku = {
            let s = buf.len();
            buf.push_str(SKU_WORDS[rng.usize(..SKU_WORDS.len())]);
            buf.push('-');
            buf.push_str(SKU_VARIANTS[rng.usize(..SKU_VARIANTS.len())]);
            s..buf.len()
        };
        order_no += 1 + rng.u64(..3);
        let common_ref = match &*entity {
            "Order" | "Fulfilment" | "Refund" | "Return" | "Sale" | "WholesaleOrder" => {
                if src.as_ref() == "Magento" {
                    let s = buf.len();
                    let _ = write!(buf, "M{order_no:09}");
                    s..buf.len()
                } else {
                    push_num(&mut buf, "", order_no)
                }
            }
            "Product" | "Stocklevels" | "InventoryAdjustment" => sku.clone(),
            "Customer" => push_num(&mut buf, "CUS-", 40_000 + rng.u32(..60_000)),
            "CreditMemo" => push_num(&mut buf, "CM-", 10_000 + rng.u32(..90_000)),
            "PurchaseOrder" | "ItemReceipt" | "GoodsReceipt" => {
                push_num(&mut buf, "PO-", 20_000 + rng.u32(..80_000))
            }
            "TransferOrder" => push_num(&mut buf, "TO-", 5_000 + rng.u32(..95_000)),
            _ => push_num(&mut buf, "REF-", rng.u32(..1_000_000)),
        };
        // Sent again: the waiting item's reference instead of a new one.
        let resent = waiting[kind].as_ref().filter(|_| again.bool()).cloned();
        let common_ref = match &resent {
            Some(r) => push_str(&mut buf, r),
            None => common_ref,
        };
        let max_attempts = flow.max_attempts;
        let age_h = (cfg.now.timestamp() - t) / 3600;
        let roll = rng.u32(..1000);
        // A realistic mix: mostly OK; failures cluster; recent file pushes await confirmation.
        let (status, attempts) = match roll {
            0..=59 => (Status::Failed, if rng.bool() { max_attempts } else { 1 }),
            60..=99 if age_h < 48 => (Status::Pending, 1 + rng.u32(..max_attempts - 1)),
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
                let fl = candidates[rng.usize(..candidates.len())];
                let (r, k) = (&buf[common_ref.clone()], &buf[sku.clone()]);
                let message = fill(fl.message, r, k, &dst, &entity, attempts);
                let error = fill(fl.error, r, k, &dst, &entity, attempts);
                (
                    Some(push_str(&mut buf, &message)),
                    Some(push_str(&mut buf, &error)),
                    fl.resyncable,
                )
            }
            Status::Pending => {
                let s = buf.len();
                let _ = write!(
                    buf,
                    "{dst} did not respond; retry {attempts} of {max_attempts} is scheduled"
                );
                (Some(s..buf.len()), None, true)
            }
            Status::Unknown(_) => (
                Some(push_str(&mut buf, "Skipped by a service filter rule")),
                None,
                true,
            ),
            _ => (None, None, true),
        };
        if status == Status::Failed {
            waiting[kind] = Some(buf[common_ref.clone()].into());
        } else if resent.is_some() {
            waiting[kind] = None;
        }
        let runtime = (rng.u32(200..9_000) as f64 / 100.0).round() / 10.0 * 10.0 / 10.0;
        let updated = created
            + Duration::milliseconds((runtime * 1000.0) as i64 + (attempts as i64 - 1) * 900_000);
        let first_run_id = last_run_id.saturating_sub((attempts as u64 - 1) * 64 * 2);
        let source_id = push_num(&mut buf, "", 5_600_000_000_000 + rng.u64(..400_000_000_000));
        let line_level = matches!(
            &*entity,
            "Fulfilment" | "Refund" | "Return" | "Stocklevels" | "ItemReceipt"
        );
        // Retries every 15 minutes after the latest attempt.
        let next_retry_at =
            (status == Status::Pending).then(|| updated.min(cfg.now) + Duration::minutes(15));
        // In the order the generator has always drawn them, so a seed keeps its data.
        let source_parent_id = line_level
            .then(|| push_num(&mut buf, "", 4_100_000_000_000 + rng.u64(..90_000_000_000)));
        let endpoint_id = push_num(&mut buf, "", 7_000_000 + rng.u32(..3_000_000));
        let endpoint_parent_id =
            line_level.then(|| push_num(&mut buf, "", 6_000_000 + rng.u32(..1_000_000)));
        let text = |r: Option<Range<usize>>| r.map(|r| &buf[r]);
        out.push(Entry {
            id: EntryId(1_000_000 + i as u64),
            status,
            integration: Integration {
                id: Some(100 + g as u64),
                name: names.groups[g].clone(),
            },
            entity,
            system_chain: SystemChain {
                source: src,
                destination: dst.clone(),
            },
            first_run_id: Some(first_run_id),
            last_run_id: Some(last_run_id),
            created_at: created,
            updated_at: Some(updated.min(cfg.now)),
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
        });
    }
    out
}

/// A state change the simulation will apply when its time comes.
#[derive(Clone, Debug, PartialEq)]
struct Scheduled {
    due: DateTime<Utc>,
    id: EntryId,
    to_ok: bool,
}

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
}

impl DemoBackend {
    pub fn new(cfg: DemoConfig) -> Self {
        let store = Store::from_entries(generate(cfg));
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
        DemoBackend {
            store,
            rng,
            schedule,
        }
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
                        self.store.update(id, |e| {
                            e.status = Status::Pending;
                            e.attempts = 1;
                            e.next_retry_at = Some(due);
                            e.set_message_and_error(
                                Some("Resync requested; waiting for the destination"),
                                None,
                            );
                            e.updated_at = Some(now);
                        });
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

    /// Applies every scheduled change due by `now`; returns the ids that changed.
    pub fn advance(&mut self, now: DateTime<Utc>) -> Vec<EntryId> {
        let (due, later): (Vec<_>, Vec<_>) = self.schedule.drain(..).partition(|s| s.due <= now);
        self.schedule = later;
        let mut changed = Vec::new();
        for s in due {
            let ok = self.store.update(s.id, |e| {
                e.updated_at = Some(s.due);
                e.runtime = Some(1.2);
                e.next_retry_at = None;
                if s.to_ok {
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
            });
            if ok {
                changed.push(s.id);
            }
        }
        changed
    }
}
