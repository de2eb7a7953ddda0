//! Virtual scrolling: which rows to draw for a scroll position, at any data size.
//!
//! Every entry has the same height, so a row's place follows from its index: no measuring, and
//! the HTTP source can fetch any window without knowing what came before it. Browsers cap an
//! element's height (Chromium near 33.5 million px, Firefox near 17.9 million), and a million
//! rows of 54 px is 54 million, so past [`MAX_SCROLL_PX`] the scroll body keeps that height and
//! scroll positions map to rows proportionally: the first and last rows stay reachable, and the
//! rows on screen still sit exactly one row height apart.

/// The tallest scroll body we make, under every engine's limit.
pub const MAX_SCROLL_PX: f64 = 15_000_000.0;

/// Rows drawn beyond each edge of the viewport, so a small scroll shows rows already drawn.
pub const OVERSCAN: usize = 6;

/// The geometry of the scrolled table body.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// Rows in the result.
    pub total: usize,
    /// One row's height in px (the same for every row).
    pub row_px: f64,
    /// The visible height of the body, in px (the scroll container less the sticky header).
    pub viewport_px: f64,
}

/// The rows to draw and where.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// Index of the first row drawn.
    pub first: usize,
    /// Rows drawn.
    pub len: usize,
    /// Height of the spacer above the first row drawn.
    pub before_px: f64,
    /// Height of the spacer below the last row drawn.
    pub after_px: f64,
}

impl Span {
    pub fn end(&self) -> usize {
        self.first + self.len
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.first..self.end()
    }
}

impl Layout {
    fn row_px(&self) -> f64 {
        if self.row_px.is_finite() && self.row_px >= 1.0 {
            self.row_px
        } else {
            1.0
        }
    }

    fn viewport_px(&self) -> f64 {
        if self.viewport_px.is_finite() {
            self.viewport_px.max(0.0)
        } else {
            0.0
        }
    }

    /// The natural height of every row together.
    pub fn content_px(&self) -> f64 {
        self.total as f64 * self.row_px()
    }

    /// The height of the scroll body: the content, capped.
    pub fn body_px(&self) -> f64 {
        self.content_px().min(MAX_SCROLL_PX)
    }

    /// Whether scroll positions map to rows proportionally (the content is over the cap).
    pub fn scaled(&self) -> bool {
        self.content_px() > MAX_SCROLL_PX
    }

    /// The furthest the body scrolls.
    pub fn max_scroll(&self) -> f64 {
        (self.body_px() - self.viewport_px()).max(0.0)
    }

    /// Rows that fit in the viewport, fractionally.
    fn rows_in_view(&self) -> f64 {
        self.viewport_px() / self.row_px()
    }

    /// The top row index furthest down (fractional): the last row then ends at the bottom edge.
    fn last_top_row(&self) -> f64 {
        (self.total as f64 - self.rows_in_view()).max(0.0)
    }

    fn clamp_scroll(&self, scroll_top: f64) -> f64 {
        if scroll_top.is_finite() {
            scroll_top.clamp(0.0, self.max_scroll())
        } else {
            0.0
        }
    }

    /// The (fractional) row index at the top edge of the viewport for a scroll position.
    pub fn top_row(&self, scroll_top: f64) -> f64 {
        let top = self.clamp_scroll(scroll_top);
        if !self.scaled() {
            return top / self.row_px();
        }
        let max = self.max_scroll();
        if max <= 0.0 {
            0.0
        } else {
            top / max * self.last_top_row()
        }
    }

    /// The scroll position that puts (fractional) row `top_row` at the top edge.
    pub fn scroll_for(&self, top_row: f64) -> f64 {
        let r = top_row.clamp(0.0, self.last_top_row());
        let top = if self.scaled() {
            let last = self.last_top_row();
            if last <= 0.0 {
                0.0
            } else {
                r / last * self.max_scroll()
            }
        } else {
            r * self.row_px()
        };
        self.clamp_scroll(top)
    }

    /// The rows to draw at a scroll position, with `overscan` extra rows on each side.
    pub fn span(&self, scroll_top: f64, overscan: usize) -> Span {
        let top = self.clamp_scroll(scroll_top);
        let row = self.row_px();
        let top_row = self.top_row(top);
        let first_visible = (top_row.floor() as usize).min(self.total);
        let visible = self.rows_in_view().ceil() as usize + 1;
        let end = first_visible
            .saturating_add(visible)
            .saturating_add(overscan)
            .min(self.total);
        let first = first_visible.saturating_sub(overscan).min(end);
        let len = end - first;
        // Row `top_row` is at the viewport's top edge, which is `top` in body coordinates.
        let before = (top - (top_row - first as f64) * row).max(0.0);
        let before = before.min((self.body_px() - len as f64 * row).max(0.0));
        let after = (self.body_px() - before - len as f64 * row).max(0.0);
        Span {
            first,
            len,
            before_px: before,
            after_px: after,
        }
    }

    /// The scroll position that shows row `index` whole, moving as little as possible from
    /// `scroll_top` (unchanged when it is already in view).
    pub fn reveal(&self, index: usize, scroll_top: f64) -> f64 {
        let top_row = self.top_row(scroll_top);
        let i = index.min(self.total.saturating_sub(1)) as f64;
        let in_view = self.rows_in_view();
        if i < top_row {
            self.scroll_for(i)
        } else if i + 1.0 > top_row + in_view {
            self.scroll_for(i + 1.0 - in_view)
        } else {
            self.clamp_scroll(scroll_top)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(total: usize) -> Layout {
        Layout {
            total,
            row_px: 54.0,
            viewport_px: 540.0,
        }
    }

    #[test]
    fn small_results_scroll_one_to_one() {
        let l = layout(1000);
        assert!(!l.scaled());
        assert_eq!(l.body_px(), 54_000.0);
        let s = l.span(54.0 * 100.0, 0);
        assert_eq!((s.first, s.before_px), (100, 5400.0));
        assert_eq!(s.len, 11);
        assert_eq!(s.before_px + s.len as f64 * 54.0 + s.after_px, l.body_px());
    }

    #[test]
    fn a_million_rows_stay_under_the_browser_cap_and_reach_both_ends() {
        let l = layout(1_000_000);
        assert!(l.scaled());
        assert_eq!(l.body_px(), MAX_SCROLL_PX);
        let top = l.span(0.0, OVERSCAN);
        assert_eq!(top.first, 0);
        assert_eq!(top.before_px, 0.0);
        let bottom = l.span(l.max_scroll(), OVERSCAN);
        assert_eq!(bottom.end(), 1_000_000);
        assert!((bottom.before_px + bottom.len as f64 * 54.0 - l.body_px()).abs() < 1e-6);
        assert_eq!(bottom.after_px, 0.0);
    }

    #[test]
    fn reveal_scrolls_only_when_needed() {
        let l = layout(1000);
        assert_eq!(l.reveal(3, 0.0), 0.0);
        // Row 20 ends at 21 * 54; the viewport holds 10 rows.
        assert_eq!(l.reveal(20, 0.0), 11.0 * 54.0);
        assert_eq!(l.reveal(5, 54.0 * 50.0), 5.0 * 54.0);
        let big = layout(1_000_000);
        let s = big.reveal(654_321, 0.0);
        let span = big.span(s, 0);
        assert!(span.range().contains(&654_321), "{span:?}");
    }

    #[test]
    fn hostile_numbers_do_not_panic() {
        for (t, r, v, s) in [
            (0, 54.0, 500.0, 10.0),
            (10, 0.0, 500.0, f64::NAN),
            (10, f64::NAN, f64::INFINITY, -5.0),
            (usize::MAX / 2, 54.0, 500.0, f64::MAX),
        ] {
            let l = Layout {
                total: t,
                row_px: r,
                viewport_px: v,
            };
            let span = l.span(s, OVERSCAN);
            assert!(span.end() <= t);
            assert!(span.before_px >= 0.0 && span.after_px >= 0.0);
            let _ = l.reveal(t, s);
        }
    }
}
