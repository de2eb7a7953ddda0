//! The events a report tells its host page about (README: Embedding, Events): one enum, written
//! as `sync-report:{name}` with a JSON `detail` in one place, so the documented table has one
//! typed source (a test compares them).

use serde::Serialize;

use crate::model::entry::EntryId;
use crate::model::resync::{ResyncOutcome, ResyncResult};

/// What the report was doing when something failed (`detail.during`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum During {
    Load,
    Resync,
    Export,
}

impl During {
    pub fn key(self) -> &'static str {
        match self {
            During::Load => "load",
            During::Resync => "resync",
            During::Export => "export",
        }
    }
}

/// One event for the host page.
#[derive(Clone, Debug, PartialEq)]
pub enum HostEvent<'a> {
    /// The selection changed.
    SelectionChange { count: usize, all_matching: bool },
    /// A resync is about to be sent.
    ResyncRequested { ids: &'a [EntryId] },
    /// A resync answered: an outcome per id.
    ResyncCompleted { outcomes: &'a [ResyncOutcome] },
    /// A CSV file was handed to the browser.
    ExportCompleted {
        rows: usize,
        skipped: usize,
        filename: &'a str,
        selected_only: bool,
    },
    /// Loading, a resync or an export failed.
    Error { during: During, message: String },
}

impl HostEvent<'_> {
    /// Every event name, in the README's order.
    pub const NAMES: [&'static str; 5] = [
        "selection-change",
        "resync-requested",
        "resync-completed",
        "export-completed",
        "error",
    ];

    /// The name after `sync-report:`.
    pub fn name(&self) -> &'static str {
        Self::NAMES[match self {
            HostEvent::SelectionChange { .. } => 0,
            HostEvent::ResyncRequested { .. } => 1,
            HostEvent::ResyncCompleted { .. } => 2,
            HostEvent::ExportCompleted { .. } => 3,
            HostEvent::Error { .. } => 4,
        }]
    }

    /// The event's `detail`, a plain object, as JSON, through serde's derive for each shape:
    /// a `serde_json::Value` tree cost 0.4 KiB more of the download (brotli) for five small
    /// objects. (Writing them with `format!` saved nothing more.)
    pub fn detail_json(&self) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Selection {
            count: usize,
            all_matching: bool,
        }
        #[derive(Serialize)]
        struct Requested {
            ids: Vec<u64>,
            count: usize,
        }
        #[derive(Serialize)]
        struct Completed<'a> {
            count: usize,
            accepted: usize,
            refused: usize,
            failed: usize,
            outcomes: &'a [ResyncOutcome],
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Exported<'a> {
            rows: usize,
            skipped: usize,
            filename: &'a str,
            selected_only: bool,
        }
        #[derive(Serialize)]
        struct Failed<'a> {
            during: &'static str,
            message: &'a str,
        }
        let json = match self {
            HostEvent::SelectionChange {
                count,
                all_matching,
            } => serde_json::to_string(&Selection {
                count: *count,
                all_matching: *all_matching,
            }),
            HostEvent::ResyncRequested { ids } => serde_json::to_string(&Requested {
                ids: ids.iter().map(|i| i.0).collect(),
                count: ids.len(),
            }),
            HostEvent::ResyncCompleted { outcomes } => {
                let count =
                    |f: fn(&ResyncResult) -> bool| outcomes.iter().filter(|o| f(&o.result)).count();
                serde_json::to_string(&Completed {
                    count: outcomes.len(),
                    accepted: count(|r| matches!(r, ResyncResult::Accepted { .. })),
                    refused: count(|r| matches!(r, ResyncResult::Refused { .. })),
                    failed: count(|r| matches!(r, ResyncResult::Failed { .. })),
                    outcomes,
                })
            }
            HostEvent::ExportCompleted {
                rows,
                skipped,
                filename,
                selected_only,
            } => serde_json::to_string(&Exported {
                rows: *rows,
                skipped: *skipped,
                filename,
                selected_only: *selected_only,
            }),
            HostEvent::Error { during, message } => serde_json::to_string(&Failed {
                during: during.key(),
                message,
            }),
        };
        // Plain structs of numbers and strings: writing them cannot fail.
        json.unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    impl HostEvent<'_> {
        fn detail(&self) -> Value {
            serde_json::from_str(&self.detail_json()).unwrap()
        }
    }
    use crate::model::entry::Status;
    use crate::model::resync::Refusal;

    /// One of each event, with every optional part present.
    fn samples() -> Vec<HostEvent<'static>> {
        static IDS: [EntryId; 2] = [EntryId(7), EntryId(9)];
        let outcomes: &'static [ResyncOutcome] = Box::leak(Box::new([
            ResyncOutcome {
                id: EntryId(7),
                result: ResyncResult::Accepted {
                    status: Status::Pending,
                },
            },
            ResyncOutcome {
                id: EntryId(9),
                result: ResyncResult::Refused {
                    reason: Refusal::AlreadyOk,
                },
            },
            ResyncOutcome {
                id: EntryId(11),
                result: ResyncResult::Failed {
                    message: "queue full".into(),
                },
            },
        ]));
        vec![
            HostEvent::SelectionChange {
                count: 3,
                all_matching: false,
            },
            HostEvent::ResyncRequested { ids: &IDS },
            HostEvent::ResyncCompleted { outcomes },
            HostEvent::ExportCompleted {
                rows: 10,
                skipped: 1,
                filename: "sync-report.csv",
                selected_only: true,
            },
            HostEvent::Error {
                during: During::Export,
                message: "m".into(),
            },
        ]
    }

    /// The README's event table: `(name, detail text)` per row.
    fn readme_table() -> Vec<(String, String)> {
        let readme = include_str!("../../README.md");
        readme
            .lines()
            .filter_map(|l| l.strip_prefix("| `sync-report:"))
            .map(|rest| {
                let (name, detail) = rest.split_once("` | ").expect("a row: | `name` | detail |");
                (name.to_string(), detail.trim_end_matches('|').to_string())
            })
            .collect()
    }

    /// Keys of a detail as the README writes them: `{a, b: number}` or `{a: T, b: T}`; nested
    /// objects (the outcomes' items) are not counted.
    fn readme_keys(detail: &str) -> Vec<String> {
        let inner = &detail[detail.find('{').unwrap() + 1..];
        let mut keys = Vec::new();
        let (mut depth, mut word, mut at_key) = (0, String::new(), true);
        for c in inner.chars() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' if depth == 0 => break,
                '}' | ']' => depth -= 1,
                ',' if depth == 0 => at_key = true,
                ':' if depth == 0 => at_key = false,
                _ => {}
            }
            if depth == 0 && at_key && (c.is_alphanumeric()) {
                word.push(c);
            } else if !word.is_empty() {
                keys.push(std::mem::take(&mut word));
            }
        }
        keys
    }

    #[test]
    fn the_readme_lists_every_event_with_the_keys_of_its_detail() {
        let table = readme_table();
        let names: Vec<&str> = table.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, HostEvent::NAMES, "README: Embedding, Events");
        for event in samples() {
            let (_, text) = table.iter().find(|(n, _)| n == event.name()).unwrap();
            let mut documented = readme_keys(text);
            let mut sent: Vec<String> = event
                .detail()
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            documented.sort();
            sent.sort();
            assert_eq!(
                documented,
                sent,
                "the detail of sync-report:{}",
                event.name()
            );
        }
    }

    #[test]
    fn details_carry_their_values() {
        let all = samples();
        assert_eq!(all[1].detail(), json!({ "ids": [7, 9], "count": 2 }));
        let done = all[2].detail();
        assert_eq!(
            (
                done["count"].clone(),
                done["accepted"].clone(),
                done["refused"].clone(),
                done["failed"].clone()
            ),
            (json!(3), json!(1), json!(1), json!(1))
        );
        assert_eq!(done["outcomes"][1]["outcome"], json!("refused"));
        assert_eq!(
            all[4].detail(),
            json!({ "during": "export", "message": "m" })
        );
    }
}
