//! The headless report model: everything the page knows, with no Leptos or browser API, tested
//! natively. The view layer reads it through memos; the demo source and the reference server
//! run the same pipeline, so both behave the same.

pub mod column;
pub mod demo;
pub mod entry;
pub mod entry_text;
pub mod facets;
pub mod history;
pub mod live;
pub mod query;
pub mod resync;
pub mod row_cache;
pub mod selection;
pub mod sort;
pub mod store;
pub mod summary;
pub mod viewport;
pub mod views;

pub use column::{Column, Toggles};
pub use entry::{Entry, EntryId, Status, SystemChain};
pub use query::{
    DateRange, Direction, FilterField, Filters, Query, Search, SearchScope, Sort, View,
};
pub use selection::Selection;
pub use store::{ResultSet, Store};
