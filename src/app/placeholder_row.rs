//! A row of the table not fetched yet, or one the source could not read.

use leptos::prelude::*;

use crate::format::thousands;
use crate::model::column::Column;

/// A row not fetched yet (announced as loading), or one the source could not read: the same
/// height as a row.
#[component]
pub fn Placeholder(index: usize, columns: Memo<Vec<Column>>, unreadable: bool) -> impl IntoView {
    let span = move || (columns.with(Vec::len) + 1).to_string();
    let text = if unreadable {
        format!(
            "Entry {} could not be read (listed above the table)",
            thousands(index + 1)
        )
    } else {
        format!("Loading row {}…", thousands(index + 1))
    };
    view! {
        <tr class="sr-row sr-row--placeholder" class:sr-row--unreadable=unreadable
            aria-rowindex=(index + 2).to_string() aria-busy=(!unreadable).then_some("true")>
            <td colspan=span><span class="sr-skeleton">{text}</span></td>
        </tr>
    }
}
