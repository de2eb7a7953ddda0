//! The lenient field readers: real integration backends are loose (ids as strings, numbers as
//! text, timestamps without a zone). Each reader checks its value inside serde_json's own read
//! of it (a visitor): an error then carries the value's position, from which `crate::json_path`
//! names the field at fault.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer};

use crate::model::entry::parse_datetime;

/// One JSON value as loose backends send ids, amounts and times: a number, a string or null.
enum Loose<'a> {
    Null,
    U(u64),
    I(i64),
    F(f64),
    S(std::borrow::Cow<'a, str>),
}

/// Reads one value and hands it to `check`; other JSON types are "invalid type ... expected
/// `expecting`".
fn loose<'de, D, T>(
    d: D,
    expecting: &'static str,
    check: impl FnOnce(Loose<'de>) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct V<F> {
        check: F,
        expecting: &'static str,
    }
    impl<'de, T, F: FnOnce(Loose<'de>) -> Result<T, String>> de::Visitor<'de> for V<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_unit<E: de::Error>(self) -> Result<T, E> {
            (self.check)(Loose::Null).map_err(E::custom)
        }
        fn visit_none<E: de::Error>(self) -> Result<T, E> {
            (self.check)(Loose::Null).map_err(E::custom)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<T, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            (self.check)(Loose::U(v)).map_err(E::custom)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            (self.check)(Loose::I(v)).map_err(E::custom)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            (self.check)(Loose::F(v)).map_err(E::custom)
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<T, E> {
            (self.check)(Loose::S(v.into())).map_err(E::custom)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.check)(Loose::S(v.to_owned().into())).map_err(E::custom)
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
            (self.check)(Loose::S(v.into())).map_err(E::custom)
        }
    }
    d.deserialize_any(V { check, expecting })
}

fn to_u64(v: Loose<'_>) -> Result<u64, String> {
    match v {
        Loose::U(u) => Ok(u),
        Loose::I(_) => Err("negative id".into()),
        Loose::F(f) if f.fract() == 0.0 && f >= 0.0 && f < u64::MAX as f64 => Ok(f as u64),
        Loose::F(_) => Err("expected a whole number".into()),
        Loose::S(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("expected a number, got {s:?}")),
        Loose::Null => Err("expected a number".into()),
    }
}

pub(crate) fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    loose(d, "a number", to_u64)
}

pub(crate) fn opt_lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    loose(d, "a number", |v| match v {
        Loose::Null => Ok(None),
        v => to_u64(v).map(Some),
    })
}

pub(crate) fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(opt_lenient_u32(d)?.unwrap_or(0))
}

pub(crate) fn opt_lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    loose(d, "a number", |v| match v {
        Loose::Null => Ok(None),
        v => u32::try_from(to_u64(v)?)
            .map(Some)
            .map_err(|_| "number too large".into()),
    })
}

pub(crate) fn opt_lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    loose(d, "a number", |v| match v {
        Loose::Null => Ok(None),
        Loose::U(u) => Ok(Some(u as f64)),
        Loose::I(i) => Ok(Some(i as f64)),
        Loose::F(f) => Ok(f.is_finite().then_some(f)),
        Loose::S(s) if s.trim().is_empty() => Ok(None),
        Loose::S(s) => decimal(&s)
            .map(Some)
            .ok_or_else(|| format!("expected a number, got {s:?}")),
    })
}

/// A finite number written as text, in the forms `str::parse::<f64>` reads (`"1.5"`, `"+2"`,
/// `"007"`, `".5"`, `"5."`, `"3E2"`), read by serde_json's number reader once rewritten in
/// JSON's grammar: `str::parse::<f64>` would add core's own float parser and its 10 KB table
/// of powers of five to the wasm module for this one field.
fn decimal(s: &str) -> Option<f64> {
    let s = s.trim();
    let (minus, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !frac.is_none_or(digits) || int.is_empty() && frac.is_none_or(str::is_empty)
    {
        return None;
    }
    let mut json = String::with_capacity(s.len() + 4);
    if minus {
        json.push('-');
    }
    let int = int.trim_start_matches('0');
    json.push_str(if int.is_empty() { "0" } else { int });
    if let Some(f) = frac.filter(|f| !f.is_empty()) {
        json.push('.');
        json.push_str(f);
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix('+').unwrap_or(e);
        let magnitude = e.strip_prefix('-').unwrap_or(e);
        if magnitude.is_empty() || !digits(magnitude) {
            return None;
        }
        json.push('e');
        json.push_str(e);
    }
    serde_json::from_str::<f64>(&json)
        .ok()
        .filter(|v| v.is_finite())
}

/// Identifiers and texts: numbers are accepted and written in decimal.
pub(crate) fn opt_lenient_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    loose(d, "text", |v| {
        Ok(match v {
            Loose::Null => None,
            Loose::U(u) => Some(u.to_string()),
            Loose::I(i) => Some(i.to_string()),
            Loose::F(f) => Some(crate::format::with_shortest(f, str::to_owned)),
            Loose::S(s) => Some(s.into_owned()),
        })
    })
}

/// A timestamp field read as [`parse_datetime`](crate::model::entry::parse_datetime) reads it (and not with chrono's own
/// `Deserialize`, whose general format parser would then be in the wasm module too).
pub(crate) fn lenient_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    loose(d, "an ISO-8601 timestamp", |v| match v {
        Loose::S(s) => {
            parse_datetime(&s).ok_or_else(|| format!("expected an ISO-8601 timestamp, got {s:?}"))
        }
        _ => Err("expected an ISO-8601 timestamp".into()),
    })
}

pub(crate) fn opt_lenient_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    loose(d, "an ISO-8601 timestamp", |v| match v {
        Loose::Null => Ok(None),
        Loose::S(s) if s.trim().is_empty() => Ok(None),
        Loose::S(s) => parse_datetime(&s)
            .map(Some)
            .ok_or_else(|| format!("expected an ISO-8601 timestamp, got {s:?}")),
        _ => Err("expected an ISO-8601 timestamp".into()),
    })
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod decimal_tests {
    use super::decimal;
    use proptest::prelude::*;

    proptest! {
        /// Numbers as text read as `str::parse::<f64>` reads them (to the last bit or so:
        /// serde_json's reader may round the last digit differently), and what it refuses is
        /// refused.
        #[test]
        fn decimals_read_as_std_reads_them(
            s in r"[ ]?[+-]?(0{0,3}[0-9]{0,12})?(\.[0-9]{0,10})?([eE][+-]?[0-9]{0,3})?[ ]?|[+-.eE0-9a-z ]{0,8}"
        ) {
            let std = s.trim().parse::<f64>().ok().filter(|v| v.is_finite());
            match (decimal(&s), std) {
                (Some(a), Some(b)) => prop_assert!(
                    a == b || ((a - b) / b).abs() < 1e-15,
                    "{:?}: {} vs {}", s, a, b
                ),
                (a, b) => prop_assert_eq!(a, b, "{:?}", s),
            }
        }
    }
}
