//! Auto-refresh's rules, without a browser: when it pauses, and how long it waits after a
//! failure.

/// Why auto-refresh is not asking right now. In the order they are checked (and said).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pause {
    /// The tab is not visible (Page Visibility).
    Hidden,
    /// A dialog is open: what it shows must not change under the user.
    Dialog,
    /// A menu or a filter's list is open.
    Menu,
    /// The selection changed a moment ago: the user is picking rows.
    Selecting,
}

impl Pause {
    /// The first reason that applies, if any.
    pub fn of(hidden: bool, dialog: bool, menu: bool, selecting: bool) -> Option<Pause> {
        [
            (hidden, Pause::Hidden),
            (dialog, Pause::Dialog),
            (menu, Pause::Menu),
            (selecting, Pause::Selecting),
        ]
        .into_iter()
        .find_map(|(on, p)| on.then_some(p))
    }

    /// What the control says while paused.
    pub fn says(self) -> &'static str {
        match self {
            Pause::Hidden => "Paused while the tab is hidden",
            Pause::Dialog => "Paused while a dialog is open",
            Pause::Menu => "Paused while a menu is open",
            Pause::Selecting => "Paused while you select",
        }
    }
}

/// How long the selection counts as "being changed" after its last change (ms).
pub const SELECTING_MS: f64 = 8_000.0;

/// The longest wait between two tries after failures (seconds).
pub const MAX_BACKOFF_SECONDS: u32 = 300;

/// Seconds until the next check: the interval, doubled for each failure in a row (at most
/// [`MAX_BACKOFF_SECONDS`], never less than the interval).
pub fn next_delay(every: u32, failures: u32) -> u32 {
    let doubled = every.saturating_mul(1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX));
    doubled.min(MAX_BACKOFF_SECONDS).max(every)
}

/// "12 new entries", "1 new entry".
pub fn new_entries(n: usize) -> String {
    if n == 1 {
        "1 new entry".into()
    } else {
        format!("{} new entries", crate::format::thousands(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes_and_resets() {
        assert_eq!(next_delay(15, 0), 15);
        assert_eq!(next_delay(15, 1), 30);
        assert_eq!(next_delay(15, 3), 120);
        assert_eq!(next_delay(15, 5), 300);
        assert_eq!(next_delay(15, 40), 300);
        // An interval longer than the cap is kept.
        assert_eq!(next_delay(600, 2), 600);
    }

    #[test]
    fn the_first_reason_to_pause_is_said() {
        assert_eq!(Pause::of(false, false, false, false), None);
        assert_eq!(Pause::of(false, true, true, true), Some(Pause::Dialog));
        assert_eq!(Pause::of(true, true, false, false), Some(Pause::Hidden));
        assert_eq!(
            Pause::of(false, false, false, true).map(Pause::says),
            Some("Paused while you select")
        );
        assert_eq!(new_entries(1), "1 new entry");
        assert_eq!(new_entries(1204), "1,204 new entries");
    }
}
