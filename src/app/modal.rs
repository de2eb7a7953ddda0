//! A modal dialog on the native `<dialog>` element: focus trap, Escape and the top layer for
//! free.

use leptos::prelude::*;

/// A `<dialog>` shown modally while `open` is true; closing it (Escape, a button) clears `open`.
#[component]
pub fn Modal(
    open: Signal<bool>,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] label: Signal<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = node.get() {
            if open.get() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            } else if d.open() {
                d.close();
            }
        }
    });
    view! {
        // A `close` event is dispatched in a task of its own: one arriving after the dialog was
        // opened again (closed and reopened in one go) is stale and changes nothing.
        <dialog class="sr-dialog" node_ref=node aria-label=label
            on:close=move |_| if node.get_untracked().is_none_or(|d| !d.open()) { on_close.run(()) }>
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}
