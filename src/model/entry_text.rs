//! An entry's seven optional texts, packed into one allocation.
//!
//! An entry carries up to seven free texts: its reference, the failure's reason and detail, and
//! the two systems' ids. As seven `Option<String>`s they took 84 bytes inline on wasm32 (12
//! each, present or not) and one allocation each (2.8 per demo entry, 80 bytes with the
//! allocator's headers): at a million entries, 160 MB for texts that average 40 bytes. Packed,
//! they take 8 bytes inline and one allocation the size of the texts plus a byte per field.
//!
//! The layout is a `Box<str>`: a header with one code per field, in [`TextFields`] order (0 for
//! none, else the length plus one, in 6-bit digits, least significant first, with 0x40 marking
//! that a digit follows), then the texts back to back. Every header byte is ASCII, so the whole
//! is valid UTF-8 and each text is a plain `str` slice of it: no copying and no unsafe code on
//! the way out. An entry with no texts at all allocates nothing.

use std::fmt;

/// The texts of an entry, borrowed: what [`EntryText`] packs and hands back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextFields<'a> {
    /// The business key: order number, SKU...
    pub common_ref: Option<&'a str>,
    /// The failure reason shown under a failed row.
    pub message: Option<&'a str>,
    /// Technical detail for the error dialog.
    pub error: Option<&'a str>,
    pub source_id: Option<&'a str>,
    pub source_parent_id: Option<&'a str>,
    pub endpoint_id: Option<&'a str>,
    pub endpoint_parent_id: Option<&'a str>,
}

const FIELDS: usize = 7;

impl<'a> TextFields<'a> {
    fn to_array(self) -> [Option<&'a str>; FIELDS] {
        [
            self.common_ref,
            self.message,
            self.error,
            self.source_id,
            self.source_parent_id,
            self.endpoint_id,
            self.endpoint_parent_id,
        ]
    }

    fn from_array(a: [Option<&'a str>; FIELDS]) -> Self {
        let [common_ref, message, error, source_id, source_parent_id, endpoint_id, endpoint_parent_id] =
            a;
        TextFields {
            common_ref,
            message,
            error,
            source_id,
            source_parent_id,
            endpoint_id,
            endpoint_parent_id,
        }
    }
}

/// The seven texts of an entry in one allocation (see the module documentation).
///
/// Two values are equal exactly when their texts are: the encoding has one form per set of
/// texts.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct EntryText(Box<str>);

/// Set on a header digit when another digit of the same code follows.
const MORE: u8 = 0x40;
const DIGIT: usize = 0x3f;

fn code_len(mut code: usize) -> usize {
    let mut n = 1;
    while code > DIGIT {
        code >>= 6;
        n += 1;
    }
    n
}

fn push_code(buf: &mut String, mut code: usize) {
    while code > DIGIT {
        buf.push(char::from(MORE | (code & DIGIT) as u8));
        code >>= 6;
    }
    buf.push(char::from(code as u8));
}

impl EntryText {
    pub fn new(fields: &TextFields<'_>) -> Self {
        let all = fields.to_array();
        if all.iter().all(Option::is_none) {
            return EntryText::default();
        }
        let code = |t: Option<&str>| t.map_or(0, |s| s.len() + 1);
        let size: usize = all
            .iter()
            .map(|&t| code_len(code(t)) + t.map_or(0, str::len))
            .sum();
        let mut buf = String::with_capacity(size);
        for &t in &all {
            push_code(&mut buf, code(t));
        }
        for t in all.iter().flatten() {
            buf.push_str(t);
        }
        debug_assert_eq!(buf.len(), size);
        // Exactly the capacity asked for, so this keeps the allocation as it is.
        EntryText(buf.into_boxed_str())
    }

    /// The texts, all at once (one pass over the header).
    pub fn fields(&self) -> TextFields<'_> {
        let s = &*self.0;
        if s.is_empty() {
            return TextFields::default();
        }
        let b = s.as_bytes();
        let mut codes = [0usize; FIELDS];
        let mut pos = 0;
        for c in &mut codes {
            let mut shift = 0;
            loop {
                let d = b[pos];
                pos += 1;
                *c |= (d as usize & DIGIT) << shift;
                if d & MORE == 0 {
                    break;
                }
                shift += 6;
            }
        }
        let mut out = [None; FIELDS];
        for (o, &c) in out.iter_mut().zip(&codes) {
            if c > 0 {
                let end = pos + c - 1;
                *o = Some(&s[pos..end]);
                pos = end;
            }
        }
        TextFields::from_array(out)
    }

    /// Bytes held on the heap (0 for an entry without texts).
    pub fn heap_len(&self) -> usize {
        self.0.len()
    }
}

impl From<TextFields<'_>> for EntryText {
    fn from(t: TextFields<'_>) -> Self {
        EntryText::new(&t)
    }
}

impl fmt::Debug for EntryText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fields().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_texts_allocate_nothing() {
        let t = EntryText::new(&TextFields::default());
        assert_eq!(t.heap_len(), 0);
        assert_eq!(t.fields(), TextFields::default());
    }

    #[test]
    fn empty_text_is_not_none() {
        let f = TextFields {
            message: Some(""),
            ..TextFields::default()
        };
        assert_eq!(EntryText::new(&f).fields(), f);
    }

    #[test]
    fn a_demo_entrys_texts_take_one_small_allocation() {
        let f = TextFields {
            common_ref: Some("1001"),
            source_id: Some("5600123456789"),
            endpoint_id: Some("7123456"),
            ..TextFields::default()
        };
        let t = EntryText::new(&f);
        assert_eq!(t.heap_len(), 7 + 4 + 13 + 7);
        assert_eq!(t.fields(), f);
    }

    #[test]
    fn long_and_non_ascii_texts_round_trip() {
        let long = "é".repeat(5_000) + "\u{1F600}";
        let f = TextFields {
            common_ref: Some("x"),
            message: Some(&long),
            error: Some("\u{0}\u{40}\u{7f}"),
            endpoint_parent_id: Some(&long[2..]),
            ..TextFields::default()
        };
        assert_eq!(EntryText::new(&f).fields(), f);
    }

    #[test]
    fn codes_at_digit_boundaries_round_trip() {
        for len in [0, 1, 62, 63, 64, 65, 4094, 4095, 4096, 262_143, 262_144] {
            let s = "a".repeat(len);
            let f = TextFields {
                error: Some(&s),
                source_id: Some("z"),
                ..TextFields::default()
            };
            let t = EntryText::new(&f);
            assert_eq!(t.fields(), f, "length {len}");
            // Five empty codes, the source id's, the error's, then the two texts.
            assert_eq!(t.heap_len(), 6 + code_len(len + 1) + len + 1);
        }
    }
}
