//! Number and text formatting for people.

/// `48311` as `48,311`.
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 entry" / "2 entries".
pub fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".to_string()
    } else {
        format!("{} entries", thousands(n))
    }
}

/// `v` in the shortest form that reads back as the same number, whole numbers without a
/// trailing `.0`: `2.5`, `3`, `1e21`. Handed to `f` without allocating.
///
/// Numbers are written with ryu here and in [`one_decimal`], never with `{}` or `{:.1}`: core's
/// float formatting (Grisu, Dragon and their tables) then stays out of the wasm module.
pub fn with_shortest<R>(v: f64, f: impl FnOnce(&str) -> R) -> R {
    let mut t = [0u8; 24];
    if let Some(n) = thousandths(v, &mut t) {
        // Only ASCII digits, '-' and '.' were written.
        return f(std::str::from_utf8(&t[..n]).unwrap_or_default());
    }
    let mut b = ryu::Buffer::new();
    let s = b.format(v);
    f(s.strip_suffix(".0").unwrap_or(s))
}

/// Writes `v` into `out` when it is a whole number of thousandths below a billion (a runtime in
/// seconds, to the millisecond), as an integer and up to three decimals: what ryu writes for it,
/// without ryu's general algorithm, which cost about 100 ns a number in the browser (a tenth of
/// a CSV export). Returns the length, or None for any other number.
///
/// Why it is the shortest form: every other decimal that reads back as `v` lies within half
/// a unit in the last place of it (under 1.2e-7 below a billion). One with fewer significant
/// digits would end at a coarser decimal place than `v`'s last digit, so it would itself be a
/// whole number of thousandths, at least 0.001 away. The property test
/// `thousandths_are_what_ryu_writes` compares the two.
fn thousandths(v: f64, out: &mut [u8; 24]) -> Option<usize> {
    // Zero goes to ryu, which keeps the sign of -0.
    if v == 0.0 || !v.is_finite() || v.abs() >= 1e9 {
        return None;
    }
    let m = (v * 1000.0).round();
    if m / 1000.0 != v {
        return None;
    }
    let m = m as i64;
    let (int, frac) = (m.unsigned_abs() / 1000, m.unsigned_abs() % 1000);
    let mut n = 0;
    if m < 0 {
        out[0] = b'-';
        n = 1;
    }
    let mut ib = itoa::Buffer::new();
    let digits = ib.format(int).as_bytes();
    out[n..n + digits.len()].copy_from_slice(digits);
    n += digits.len();
    if frac > 0 {
        let d = [
            b'.',
            b'0' + (frac / 100) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        // Trailing zeros dropped (2.500 is "2.5"); a digit is nonzero, so the point stays.
        let len = 4 - d[1..].iter().rev().take_while(|&&b| b == b'0').count();
        out[n..n + len].copy_from_slice(&d[..len]);
        n += len;
    }
    Some(n)
}

/// `v` with one decimal, rounded half away from zero: `1.25` is `1.3` (where `{:.1}` rounds the
/// binary value exactly and may say `1.2`), `-0.04` is `0.0`. Non-finite or huge values are
/// written in their shortest form.
pub fn one_decimal(v: f64) -> String {
    let tenths = (v * 10.0).round();
    if !tenths.is_finite() || tenths.abs() >= 1e18 {
        return with_shortest(v, str::to_owned);
    }
    let t = tenths as i64;
    let a = t.unsigned_abs();
    let mut s = String::with_capacity(8);
    if t < 0 {
        s.push('-');
    }
    s.push_str(itoa::Buffer::new().format(a / 10));
    s.push('.');
    s.push(char::from(b'0' + (a % 10) as u8));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_without_core_float_formatting() {
        let short = |v: f64| with_shortest(v, str::to_owned);
        assert_eq!(short(2.5), "2.5");
        assert_eq!(short(3.0), "3");
        assert_eq!(short(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(short(-7.0), "-7");
        for v in [0.0, 0.04, 1.2, 1.26, 9.94, 12.0, 123.44, -3.16, 1e14] {
            assert_eq!(one_decimal(v), format!("{v:.1}"), "{v}");
        }
        assert_eq!(one_decimal(-0.04), "0.0");
        assert_eq!(one_decimal(f64::NAN), "NaN");
        assert_eq!(one_decimal(1e300), "1e300");
    }

    pub(super) fn ryu_shortest(v: f64) -> String {
        let mut b = ryu::Buffer::new();
        let s = b.format(v);
        s.strip_suffix(".0").unwrap_or(s).to_owned()
    }

    #[test]
    fn thousandths_are_written_as_ryu_writes_them() {
        for v in [
            0.001,
            0.01,
            0.1,
            0.5,
            1.0,
            1.5,
            2.25,
            2.125,
            10.0,
            10.05,
            999_999_999.999,
            -0.001,
            -1.5,
            -2.125,
            4.207,
            0.3,
            123_456.789,
            1e8,
            -0.0,
            0.0,
            1e9,
            0.0001,
            0.1 + 0.2,
        ] {
            assert_eq!(with_shortest(v, str::to_owned), ryu_shortest(v), "{v}");
        }
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(48_311), "48,311");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(entries(1), "1 entry");
        assert_eq!(entries(1204), "1,204 entries");
    }
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn thousandths_are_what_ryu_writes(
            m in -2_000_000_000_000i64..2_000_000_000_000,
            scale in prop::sample::select(vec![1.0, 10.0, 100.0, 1000.0, 10_000.0, 3.0, 7.0]),
            bits in any::<u64>(),
        ) {
            // Whole thousandths (and other fractions) across the fast path's range and beyond
            // it, and any bit pattern at all.
            for v in [m as f64 / scale, (m % 1_000_000) as f64 / scale, f64::from_bits(bits)] {
                prop_assert_eq!(with_shortest(v, str::to_owned), tests::ryu_shortest(v), "{}", v);
            }
        }
    }
}

/// How much of a timestamp to write: `2026-11-27 14:05:09` down to `14:05`.
///
/// Written digit by digit instead of with chrono's `format("%Y-%m-%d ...")`, whose strftime
/// parser and formatter were about 30 KB of the wasm module for these seven shapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stamp {
    /// `2026-11-27`
    Date,
    /// `2026-11-27 14:00` (the hour it falls in)
    Hour,
    /// `2026-11-27 14:05`
    Minute,
    /// `2026-11-27 14:05:09`
    Second,
    /// `2026-11-27T14:05`, as `<input type="datetime-local">` takes it
    InputMinute,
    /// `14:05`
    TimeMinute,
    /// `14:05:09`
    TimeSecond,
}

/// Writes `t` (its wall-clock fields, in whatever zone it is) as `stamp` says.
pub fn stamp<T: chrono::Datelike + chrono::Timelike>(t: &T, stamp: Stamp) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(19);
    let date = !matches!(stamp, Stamp::TimeMinute | Stamp::TimeSecond);
    if date {
        let _ = write!(s, "{:04}-{:02}-{:02}", t.year(), t.month(), t.day());
    }
    let sep = match stamp {
        Stamp::Date => return s,
        Stamp::InputMinute => "T",
        Stamp::TimeMinute | Stamp::TimeSecond => "",
        _ => " ",
    };
    let minute = if stamp == Stamp::Hour { 0 } else { t.minute() };
    let _ = write!(s, "{sep}{:02}:{minute:02}", t.hour());
    if matches!(stamp, Stamp::Second | Stamp::TimeSecond) {
        let _ = write!(s, ":{:02}", t.second());
    }
    s
}

/// Reads `YYYY-MM-DD` then `T` or a space, `HH:MM`, and optionally `:SS` with a fraction of up
/// to nine digits: the zone-less timestamps some backends send, and `datetime-local` inputs.
/// Exactly these forms, nothing looser; None for anything else or an impossible date or time.
pub fn parse_naive(s: &str) -> Option<chrono::NaiveDateTime> {
    use chrono::{NaiveDate, NaiveTime};
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() < 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
    {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let (second, nano) = match &b[16..] {
        [] => (0, 0),
        [b':', _, _] => (num(17..19)?, 0),
        [b':', _, _, b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            let digits = num(20..b.len())?;
            (num(17..19)?, digits * 10u32.pow(9 - frac.len() as u32))
        }
        _ => return None,
    };
    Some(date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nano)?))
}

#[cfg(test)]
mod time_tests {
    use super::*;
    use chrono::{NaiveDateTime, TimeZone, Utc};

    #[test]
    fn stamps_match_chronos_strftime() {
        let times = [
            Utc.with_ymd_and_hms(2026, 11, 27, 14, 5, 9).unwrap(),
            Utc.with_ymd_and_hms(1999, 1, 2, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 59).unwrap(),
        ];
        let shapes = [
            (Stamp::Date, "%Y-%m-%d"),
            (Stamp::Hour, "%Y-%m-%d %H:00"),
            (Stamp::Minute, "%Y-%m-%d %H:%M"),
            (Stamp::Second, "%Y-%m-%d %H:%M:%S"),
            (Stamp::InputMinute, "%Y-%m-%dT%H:%M"),
            (Stamp::TimeMinute, "%H:%M"),
            (Stamp::TimeSecond, "%H:%M:%S"),
        ];
        for t in times {
            for (shape, strftime) in shapes {
                assert_eq!(stamp(&t, shape), t.format(strftime).to_string());
            }
        }
    }

    #[test]
    fn naive_timestamps_parse_as_chrono_reads_them() {
        for s in [
            "2026-11-20 10:00:00",
            "2026-11-20T10:00:00",
            "2026-11-20T10:00",
            "2026-11-20 10:00",
            "2026-11-20 10:00:00.5",
            "2026-11-20T23:59:59.123456789",
            "2024-02-29T00:00",
        ] {
            let chrono = [
                "%Y-%m-%d %H:%M:%S%.f",
                "%Y-%m-%dT%H:%M:%S%.f",
                "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok());
            assert_eq!(parse_naive(s), chrono, "{s}");
            assert!(chrono.is_some());
        }
        for bad in [
            "",
            "yesterday",
            "2026-11-20",
            "2026-13-20 10:00",
            "2025-02-29 10:00",
            "2026-11-20 24:00",
            "2026-11-20 10:00:",
            "2026-11-20 10:00:00.",
            "2026-11-20 10:00:00.1234567890",
            "2026-11-20x10:00",
            "2026-11-20 10:00Z",
            "2026-11-2O 10:00",
        ] {
            assert_eq!(parse_naive(bad), None, "{bad}");
        }
    }
}
