//! Saved views: name the current view and come back to it. Kept in the browser
//! (localStorage `sync-report.views[.<element id>]`); each is also a link when the report owns
//! the URL.

use leptos::prelude::*;

use super::{storage, Report};
use crate::model::views::SavedViews;

const KEY: &str = "sync-report.views";

fn load(key: &str) -> SavedViews {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .map(|raw| SavedViews::parse(&raw))
        .unwrap_or_default()
}

#[component]
pub fn SavedViewsMenu() -> impl IntoView {
    let report = expect_context::<Report>();
    let key = StoredValue::new(format!("{KEY}{}", report.storage_suffix.get_value()));
    let views = RwSignal::new(load(&key.get_value()));
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let root = NodeRef::<leptos::html::Div>::new();
    let button = NodeRef::<leptos::html::Button>::new();
    let _ = leptos_use_on_click_outside::on_click_outside(root, move |_| open.set(false));
    // Copy closures (they hold only arena handles), so the popover can be rebuilt freely.
    let store = move |v: &SavedViews| {
        if let Some(s) = storage() {
            if s.set_item(&key.get_value(), &v.to_json()).is_err() {
                report
                    .notices
                    .notify("The view could not be saved: the browser's storage is full or off.");
            }
        }
    };
    let save = {
        move || {
            let current = report.view.get_untracked();
            let mut v = views.get_untracked();
            match v.save(&name.get_untracked(), &current) {
                Ok(()) => {
                    store(&v);
                    let saved = v.list()[0].name.clone();
                    views.set(v);
                    name.set(String::new());
                    error.set(None);
                    report
                        .announcement
                        .set(format!("View \u{201c}{saved}\u{201d} saved"));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    };
    let href = move |query: &str| -> Option<String> {
        let prefix = report.url_prefix.get_value()?;
        let (v, _) = crate::model::query::View::from_url_query(query, "");
        let qs = v.to_url_query(&prefix);
        let path = window().location().pathname().unwrap_or_default();
        Some(if qs.is_empty() {
            path
        } else {
            format!("{path}?{qs}")
        })
    };
    view! {
        <div class="sr-popover-anchor" node_ref=root>
            <button class="sr-btn" type="button" aria-haspopup="dialog" node_ref=button
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                "Saved views"
            </button>
            <Show when=move || open.get()>
                <div class="sr-popover sr-views" role="dialog" aria-label="Saved views"
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Escape" { super::close_popover(open, button); }
                    }>
                    <form class="sr-views-form" on:submit=move |ev| { ev.prevent_default(); save(); }>
                        <label class="sr-field">
                            <span>"Name this view"</span>
                            <input class="sr-input" type="text" maxlength="60" aria-label="View name"
                                prop:value=move || name.get()
                                on:input=move |ev| name.set(event_target_value(&ev)) />
                        </label>
                        <button class="sr-btn sr-btn--primary" type="submit">"Save current view"</button>
                    </form>
                    {move || error.get().map(|e| view! { <p class="sr-refusal" role="alert">{e}</p> })}
                    {move || {
                        let list = views.get();
                        if list.is_empty() {
                            return view! { <p class="sr-muted">"No saved views yet."</p> }.into_any();
                        }
                        view! {
                            <ul class="sr-views-list">
                                {list.list().iter().map(|sv| {
                                    let apply_query = sv.query.clone();
                                    let apply_name = sv.name.clone();
                                    let remove_name = sv.name.clone();
                                    let link = href(&sv.query).unwrap_or_else(|| "#".into());
                                    view! {
                                        <li>
                                            <a class="sr-link" href=link
                                                on:click=move |ev| {
                                                    ev.prevent_default();
                                                    let (v, _) = crate::model::query::View::from_url_query(&apply_query, "");
                                                    report.update_view(|cur| *cur = v);
                                                    report.announcement.set(format!("View \u{201c}{apply_name}\u{201d} applied"));
                                                    super::close_popover(open, button);
                                                }>
                                                {sv.name.clone()}
                                            </a>
                                            <button class="sr-icon-btn sr-btn--quiet" type="button"
                                                aria-label=format!("Delete view {}", sv.name)
                                                on:click=move |_| {
                                                    let mut v = views.get_untracked();
                                                    v.remove(&remove_name);
                                                    store(&v);
                                                    views.set(v);
                                                }>
                                                "×"
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            </Show>
        </div>
    }
}
