//! The "Keyboard shortcuts" dialog.

use leptos::prelude::*;

use super::modal::Modal;
use super::triage::SHORTCUTS;
use super::Report;

/// The list of shortcuts (`?`, or the "Keyboard shortcuts" button).
#[component]
pub fn Shortcuts() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = Signal::derive(move || report.shortcuts_open.get());
    view! {
        <Modal open=open on_close=move |_| report.shortcuts_open.set(false) label="Keyboard shortcuts">
            <h2 class="sr-dialog-title">"Keyboard shortcuts"</h2>
            <p>"While the focus is in the report, outside text fields:"</p>
            <dl class="sr-shortcuts">
                {SHORTCUTS.iter().map(|(k, what)| view! {
                    <div class="sr-shortcut"><dt><kbd>{*k}</kbd></dt><dd>{*what}</dd></div>
                }).collect_view()}
                <div class="sr-shortcut"><dt><kbd>"?"</kbd></dt><dd>"This list"</dd></div>
            </dl>
            <div class="sr-dialog-actions">
                <button class="sr-btn" type="button" on:click=move |_| report.shortcuts_open.set(false)>"Close"</button>
            </div>
        </Modal>
    }
}
