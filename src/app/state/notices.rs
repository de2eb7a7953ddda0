//! The notices above the toolbar (a capped range, ignored link parameters, what an action did):
//! a list the user dismisses item by item, where the same text is never shown twice.

use leptos::prelude::*;

/// One notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: u64,
    pub text: String,
}

/// The notices shown, in order. Pure: the reactive [`Notices`] wraps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoticeList {
    shown: Vec<Notice>,
    next: u64,
}

impl NoticeList {
    /// Adds `text` unless it is already shown; returns its id.
    pub fn push(&mut self, text: String) -> u64 {
        if let Some(n) = self.shown.iter().find(|n| n.text == text) {
            return n.id;
        }
        let id = self.next;
        self.next += 1;
        self.shown.push(Notice { id, text });
        id
    }

    pub fn dismiss(&mut self, id: u64) {
        self.shown.retain(|n| n.id != id);
    }

    pub fn shown(&self) -> &[Notice] {
        &self.shown
    }
}

/// The page's notices. `Copy`; changed only through [`Notices::notify`] and
/// [`Notices::dismiss`].
#[derive(Clone, Copy)]
pub struct Notices(RwSignal<NoticeList>);

impl Default for Notices {
    fn default() -> Self {
        Notices(RwSignal::new(NoticeList::default()))
    }
}

impl Notices {
    /// Shows a notice the user can dismiss.
    pub fn notify(&self, text: impl Into<String>) {
        let text = text.into();
        self.0.update(|l| {
            l.push(text);
        });
    }

    pub fn dismiss(&self, id: u64) {
        self.0.update(|l| l.dismiss(id));
    }

    /// The notices shown (tracked).
    pub fn shown(&self) -> Vec<Notice> {
        self.0.with(|l| l.shown().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::NoticeList;

    #[test]
    fn a_text_shown_is_not_repeated_and_dismissing_removes_only_that_one() {
        let mut l = NoticeList::default();
        let a = l.push("Range capped".into());
        let b = l.push("Copied".into());
        assert_eq!(l.push("Range capped".into()), a, "shown once");
        assert_eq!(l.shown().len(), 2);
        l.dismiss(a);
        assert_eq!(l.shown().iter().map(|n| n.id).collect::<Vec<_>>(), [b]);
        let c = l.push("Range capped".into());
        assert_ne!(c, a, "a new notice after a dismissal gets a new id");
        assert_eq!(l.shown().len(), 2);
    }
}
