//! Saved views: a name for a view (filters, search, sort, columns, range), kept in the browser as
//! the query string of its shared link. Read tolerantly: whatever is stored, a bad entry is
//! dropped, never a crash.

use serde::{Deserialize, Serialize};

use super::query::View;

/// The most views kept; saving one more drops the oldest.
pub const MAX_VIEWS: usize = 50;
/// The longest name, in characters.
pub const MAX_NAME: usize = 60;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    /// The view as a link's query string (no prefix): `status=Failed&days=7`.
    pub query: String,
}

impl SavedView {
    pub fn view(&self) -> View {
        View::from_url_query(&self.query, "").0
    }
}

/// Why a view could not be saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    #[error("Give the view a name.")]
    EmptyName,
    #[error("A view name is at most {MAX_NAME} characters.")]
    TooLong,
}

/// The saved views, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedViews(Vec<SavedView>);

impl SavedViews {
    /// Reads what was stored; anything unreadable is dropped.
    pub fn parse(stored: &str) -> SavedViews {
        let items: Vec<serde_json::Value> = serde_json::from_str(stored).unwrap_or_default();
        let mut out = SavedViews::default();
        for item in items.into_iter().rev() {
            if let Ok(v) = serde_json::from_value::<SavedView>(item) {
                let _ = out.save(&v.name, &v.view());
            }
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
    }

    pub fn list(&self) -> &[SavedView] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Saves `view` under `name` (trimmed); a view of the same name (ignoring case) is replaced.
    pub fn save(&mut self, name: &str, view: &View) -> Result<(), SaveError> {
        let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(SaveError::EmptyName);
        }
        if name.chars().count() > MAX_NAME {
            return Err(SaveError::TooLong);
        }
        self.remove(&name);
        self.0.insert(
            0,
            SavedView {
                name,
                query: view.to_url_query(""),
            },
        );
        self.0.truncate(MAX_VIEWS);
        Ok(())
    }

    pub fn remove(&mut self, name: &str) {
        let key = name.trim().to_lowercase();
        self.0.retain(|v| v.name.to_lowercase() != key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn save_replace_remove_and_round_trip() {
        let mut views = SavedViews::default();
        let mut v = View::default();
        v.query.filters.status.insert(Status::Failed);
        v.query.search.term = "shopify".into();
        v.toggles.sync_data = true;
        views.save("  Shopify   failures ", &v).unwrap();
        assert_eq!(views.list()[0].name, "Shopify failures");
        assert_eq!(views.list()[0].view(), v);
        views.save("Everything", &View::default()).unwrap();
        assert_eq!(views.list()[0].name, "Everything");
        views.save("shopify FAILURES", &View::default()).unwrap();
        assert_eq!(views.list().len(), 2, "same name replaces");
        let back = SavedViews::parse(&views.to_json());
        assert_eq!(back, views);
        views.remove("everything");
        assert_eq!(views.list().len(), 1);
        assert_eq!(
            views.save("   ", &View::default()),
            Err(SaveError::EmptyName)
        );
        assert_eq!(
            views.save(&"x".repeat(61), &View::default()),
            Err(SaveError::TooLong)
        );
    }

    #[test]
    fn stored_garbage_is_dropped() {
        assert!(SavedViews::parse("not json").is_empty());
        let v = SavedViews::parse(
            r#"[{"name":"A","query":"status=Failed"},{"name":5},{"query":"x"},{"name":"","query":""},{"name":"B","query":"days=999&bogus=1"}]"#,
        );
        let names: Vec<&str> = v.list().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["A", "B"]);
        // A stored link that asks too much is read as the page would read it.
        assert_eq!(
            v.list()[1].view().query.range,
            crate::model::DateRange::LastDays(15)
        );
    }

    #[test]
    fn at_most_fifty_views() {
        let mut views = SavedViews::default();
        for i in 0..60 {
            views.save(&format!("v{i}"), &View::default()).unwrap();
        }
        assert_eq!(views.list().len(), MAX_VIEWS);
        assert_eq!(views.list()[0].name, "v59");
    }
}
