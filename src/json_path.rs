//! JSON reading that names where it failed: `integration.name`, `data[3]`.
//!
//! Every error the viewer shows about a config file, mount options or an API answer names the
//! field at fault. serde_json reports a line and column, not a field; wrapping each
//! deserializer to track its path (serde_path_to_error) cost about 47 KB of the wasm module,
//! a copy of every deserializer. Instead, when reading fails, the text is scanned up to the
//! error's position, keeping the stack of open objects (with their latest key) and arrays (with
//! their current index): that stack is the path of the value being read when it failed.

use serde::Deserialize;

/// Reading failed: serde_json's error, and the path of the value it failed at (empty for the
/// document itself).
#[derive(Debug)]
pub struct JsonError {
    pub path: String,
    pub error: serde_json::Error,
}

impl JsonError {
    /// The path, or `root` (what the caller calls the document) when the document itself was
    /// at fault.
    pub fn path_or(&self, root: &str) -> String {
        if self.path.is_empty() {
            root.to_string()
        } else {
            self.path.clone()
        }
    }
}

/// Reads a `T` from `text` (trailing text after the value is not looked at).
pub fn from_str<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, JsonError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    T::deserialize(de).map_err(|error| JsonError {
        path: path_at(text, offset_of(text, error.line(), error.column())),
        error,
    })
}

/// The byte offset of serde_json's 1-based line and its column (bytes into the line).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(line - 2)
            .map_or(text.len(), |i| i + 1)
    };
    (start + column).min(text.len())
}

enum Frame {
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The path of the value being read at byte `end` of `text`: `a.b[2].c`, empty at the root.
pub fn path_at(text: &str, end: usize) -> String {
    let b = text.as_bytes();
    let end = end.min(b.len());
    let mut stack: Vec<Frame> = Vec::new();
    // Where the innermost open container began.
    let mut opened = 0;
    let mut i = 0;
    while i < end {
        match b[i] {
            b'{' => {
                opened = i;
                stack.push(Frame::Object {
                    key: None,
                    expect_key: true,
                });
            }
            b'[' => {
                opened = i;
                stack.push(Frame::Array { index: 0 });
            }
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                None => {}
            },
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut() {
                    if *expect_key {
                        // A key cut off by the end of the text is not known yet: "?".
                        *key = Some(match text.get(start..i + 1) {
                            Some(raw) if i < b.len() => {
                                serde_json::from_str::<String>(raw).unwrap_or_else(|_| "?".into())
                            }
                            _ => "?".into(),
                        });
                        *expect_key = false;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Stopped right after an opening bracket: the error is about the container as a value (an
    // array where text was expected), not about its first element.
    if !stack.is_empty() && b[opened + 1..end].iter().all(u8::is_ascii_whitespace) {
        stack.pop();
    }
    let mut path = String::new();
    for f in &stack {
        match f {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => {
                path.push('[');
                path.push_str(itoa::Buffer::new().format(*index));
                path.push(']');
            }
        }
    }
    path
}

// serde_path_to_error is a native dev-dependency: the reference the paths are checked against.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::Entry;
    use serde::de::IgnoredAny;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Envelope {
        data: Vec<Entry>,
        meta: Meta,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        total: u64,
        #[serde(default)]
        tags: Vec<u32>,
        #[serde(default)]
        other: Option<IgnoredAny>,
    }

    const ENTRY: &str = r#"{"id":1,"status":"Failed","integration":{"name":"A"},"type":"Order","system_chain":"Shopify_NetSuite","created_at":"2026-11-20T10:00:00Z"}"#;

    /// The path is the one serde_path_to_error (a test-only dependency) finds, for errors of
    /// every kind: wrong types, custom messages, missing and unknown fields, bad syntax, in
    /// objects, arrays and escaped keys, on one line or many.
    #[test]
    fn paths_match_serde_path_to_error() {
        let bad_entry = ENTRY.replace(r#""name":"A""#, r#""name":5"#);
        let bad_time = ENTRY.replace("2026-11-20T10:00:00Z", "yesterday");
        let no_time = ENTRY.replace(r#","created_at":"2026-11-20T10:00:00Z""#, "");
        let cases = [
            r#"{"data":5,"meta":{"total":1}}"#.to_string(),
            format!(r#"{{"data":[{ENTRY},{bad_entry}],"meta":{{"total":1}}}}"#),
            format!(r#"{{"data":[{ENTRY},{ENTRY},{bad_time}],"meta":{{"total":1}}}}"#),
            format!(r#"{{"data":[{no_time}],"meta":{{"total":1}}}}"#),
            format!(r#"{{"meta":{{"total":1,"tags":[1,2,"x"]}},"data":[{ENTRY}]}}"#),
            r#"{"meta":{"total":-1},"data":[]}"#.to_string(),
            r#"{"meta":{"total":1,"bogus":true},"data":[]}"#.to_string(),
            r#"{"meta":{"other":{"a,b":["}",{"c]":1}]},"total":"x"},"data":[]}"#.to_string(),
            r#"{"data":[],"meta":{"total":1},"extra\"key":1}"#.to_string(),
            r#"{"data":[],"meta":{"tot"#.to_string(),
            "{\n  \"data\": [\n    {\"id\": 1}\n  ],\n  \"meta\": {\"total\": 1}\n}".to_string(),
            "<html>Bad gateway</html>".to_string(),
            String::new(),
            r#"{"data":[],"meta":{}}"#.to_string(),
        ];
        for text in &cases {
            let ours = from_str::<Envelope>(text).expect_err(text);
            let de = &mut serde_json::Deserializer::from_str(text);
            let theirs = serde_path_to_error::deserialize::<_, Envelope>(de).expect_err(text);
            let theirs_path = theirs.path().to_string();
            let theirs_path = if theirs_path == "." {
                String::new()
            } else {
                theirs_path
            };
            assert_eq!(ours.path, theirs_path, "{text}");
            assert_eq!(ours.error.to_string(), theirs.inner().to_string(), "{text}");
        }
    }

    proptest::proptest! {
        /// Any field of any entry of a page, given a value of any JSON type, with the fields
        /// in any order: the path (and the message) is serde_path_to_error's, or both read it.
        #[test]
        fn any_bad_field_is_named_as_serde_path_to_error_names_it(
            entries in 1usize..4,
            at in 0usize..4,
            field in 0usize..12,
            value in 0usize..9,
            reversed in proptest::bool::ANY,
        ) {
            let fields = [
                ("id", "1"), ("status", r#""Failed""#), ("integration", r#"{"id":3,"name":"A"}"#),
                ("type", r#""Order""#), ("system_chain", r#""Shopify_NetSuite""#),
                ("created_at", r#""2026-11-20T10:00:00Z""#), ("updated_at", "null"),
                ("last_run_id", r#""12""#), ("runtime", "2.5"), ("attempts", "1"),
                ("common_ref", r#""1001""#), ("resyncable", "true"),
            ];
            let values = ["true", "{}", "[1,{\"a\":2}]", r#""x""#, "-1", "1.5", "null", r#""""#, "1e400"];
            let entry = |bad: bool| {
                let mut kv: Vec<String> = fields
                    .iter()
                    .enumerate()
                    .map(|(i, (k, v))| format!(r#""{k}":{}"#, if bad && i == field { values[value] } else { v }))
                    .collect();
                if reversed {
                    kv.reverse();
                }
                format!("{{{}}}", kv.join(","))
            };
            let data: Vec<String> = (0..entries).map(|i| entry(i == at)).collect();
            let text = format!(r#"{{"meta":{{"total":1}},"data":[{}]}}"#, data.join(",\n"));
            let ours = from_str::<Envelope>(&text);
            let de = &mut serde_json::Deserializer::from_str(&text);
            let theirs = serde_path_to_error::deserialize::<_, Envelope>(de);
            match (ours, theirs) {
                (Ok(_), Ok(_)) => {}
                (Err(o), Err(t)) => {
                    let tp = t.path().to_string();
                    proptest::prop_assert_eq!(o.path, if tp == "." { String::new() } else { tp });
                    proptest::prop_assert_eq!(o.error.to_string(), t.inner().to_string());
                }
                (o, t) => proptest::prop_assert!(false, "{:?} / {:?}", o.err(), t.err().map(|e| e.to_string())),
            }
        }
    }
}
