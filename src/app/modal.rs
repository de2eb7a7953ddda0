//! A modal dialog on the native `<dialog>` element: focus trap, Escape and the top layer for
//! free.

use leptos::prelude::*;

/// A `<dialog>` shown modally while `open` is true; closing it (Escape, a button) clears `open`.
#[component]
pub fn Modal(
    open: Signal<bool>,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] label: String,
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
        <dialog class="sr-dialog" node_ref=node aria-label=label on:close=move |_| on_close.run(())>
            <Show when=move || open.get()>{children()}</Show>
        </dialog>
    }
}
