//! The ellipsis "Actions" menu: CSV downloads, resync of the selection, a link to this view.
//! The menu only asks: the export and resync jobs (`state::export`, `state::resync`) do the
//! work, and their dialogs (`export_dialog.rs`, `resync_dialog.rs`) show it.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::Report;

/// Moves the focus among the menu's enabled items for ArrowDown and ArrowUp (wrapping).
fn move_focus(menu: &web_sys::HtmlElement, down: bool) {
    let Ok(items) = menu.query_selector_all("[role=menuitem]:not([disabled])") else {
        return;
    };
    let n = items.length();
    if n == 0 {
        return;
    }
    let active = document().active_element();
    let idx = (0..n)
        .find(|&i| {
            matches!((items.item(i), active.as_ref()), (Some(item), Some(a)) if item.is_same_node(Some(a)))
        })
        .unwrap_or(0);
    let next = if down {
        (idx + 1) % n
    } else {
        (idx + n - 1) % n
    };
    if let Some(el) = items
        .item(next)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Copies the page's address (this view) to the clipboard, or says it when that is refused.
fn copy_link(report: Report) {
    let href = window().location().href().unwrap_or_default();
    let promise = window().navigator().clipboard().write_text(&href);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => report
                .notices
                .notify("Link to this view copied to the clipboard."),
            Err(_) => report
                .notices
                .notify(format!("Copy this link to share the view: {href}")),
        }
    });
}

#[component]
pub fn ActionsMenu() -> impl IntoView {
    let report = expect_context::<Report>();
    let open = RwSignal::new(false);
    let root = NodeRef::<leptos::html::Div>::new();
    let menu = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    let selected = Memo::new(move |_| {
        report.data_version.track();
        report.selection.count()
    });
    // Focus the first item when the menu opens; arrows move, Escape closes.
    Effect::new(move |_| {
        if open.get() {
            if let Some(m) = menu.get() {
                if let Ok(Some(first)) = m.query_selector("[role=menuitem]:not([disabled])") {
                    if let Ok(el) = first.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        }
    });
    let on_menu_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => super::close_popover(open, button),
        key @ ("ArrowDown" | "ArrowUp") => {
            ev.prevent_default();
            if let Some(m) = menu.get() {
                move_focus(&m, key == "ArrowDown");
            }
        }
        _ => {}
    };
    // Each item closes the menu, then asks.
    let pick = move |what: fn(Report)| {
        move |_| {
            open.set(false);
            what(report);
        }
    };
    view! {
        <div class="sr-popover-anchor" node_ref=root>
            <button class="sr-btn sr-icon-btn sr-actions-btn" type="button" aria-label="Actions" aria-haspopup="menu" node_ref=button
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">"⋯"</span>
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover sr-menu" role="menu" aria-label="Actions" node_ref=menu on:keydown=on_menu_key>
                    <button role="menuitem" type="button" class="sr-menuitem"
                        on:click=pick(|r| r.export.confirm_view(r.matching()))>
                        "Download as CSV"
                    </button>
                    <button role="menuitem" type="button" class="sr-menuitem" disabled=move || selected.get() == 0
                        on:click=pick(|r| r.export.confirm_selection(r))>
                        "Download selected as CSV"
                    </button>
                    <button role="menuitem" type="button" class="sr-menuitem" disabled=move || selected.get() == 0
                        on:click=pick(|r| r.resync.open(r))>
                        "Resync selected"
                    </button>
                    <button role="menuitem" type="button" class="sr-menuitem" on:click=pick(copy_link)>
                        "Copy link to this view"
                    </button>
                </div>
            </Show>
        </div>
    }
}
