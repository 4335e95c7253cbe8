//! `/households`.

use crate::model::households::{registry, Entry};
use crate::offline::state::use_app;
use crate::ui::filter_tabs::ListCount;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{tag_badges, tags_with_keys};
use leptos::prelude::*;
use leptos_router::components::A;

/// A list never renders more cards than this; search narrows it down.
const LIST_LIMIT: usize = 100;

/// `/households`: search, a tag filter, the matching households with their tags.
#[component]
pub fn HouseholdsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let all = Memo::new(move |_| {
        app.data_version.track();
        registry()
    });
    let query = RwSignal::new(String::new());
    let tag = RwSignal::new(None::<&'static str>);
    let shown = Memo::new(move |_| {
        let q = query.get();
        let q = q.trim();
        let t = tag.get();
        all.with(|all| {
            let mut matched = all
                .iter()
                .filter(|e| t.is_none_or(|t| e.has(t)) && (q.is_empty() || e.household.matches(q)));
            let first: Vec<Entry> = matched.by_ref().take(LIST_LIMIT).cloned().collect();
            let total = first.len() + matched.count();
            (first, total)
        })
    });
    let chip = move |code: Option<&'static str>, key: Key| {
        view! {
            <button
                type="button"
                class="choice"
                data-tag=code.unwrap_or("all")
                aria-pressed=move || (tag.get() == code).to_string()
                on:click=move |_| tag.set(code)
            >
                {i18n.text(key)}
            </button>
        }
    };
    view! {
        <section class="page households">
            <h1>{i18n.text(Key::HouseholdsTitle)}</h1>
            <p class="hint">{i18n.text(Key::HouseholdsHint)}</p>
            <input
                type="search"
                data-testid="household-search"
                placeholder=i18n.text(Key::OrderHouseholdHint)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <div class="segmented tags" role="group" data-testid="household-tag-filter">
                {chip(None, Key::FilterAll)}
                {tags_with_keys().into_iter().map(|(c, k)| chip(Some(c), k)).collect_view()}
            </div>
            <ListCount
                limit=LIST_LIMIT
                total=Signal::derive(move || shown.with(|(_, t)| *t))
                testid="household-count"
            />
            <Show
                when=move || shown.with(|(rows, _)| !rows.is_empty())
                fallback=move || view! { <p class="hint">{i18n.text(Key::HouseholdsEmpty)}</p> }
            >
                <ul class="list">
                    {move || {
                        shown
                            .get()
                            .0
                            .into_iter()
                            .map(|e| {
                                view! {
                                    <li
                                        class="card household"
                                        data-testid="household-card"
                                        data-household-id=e.household.id.to_string()
                                        data-tags=e.tags.join(" ")
                                    >
                                        <A
                                            href=format!("/households/{}", e.household.id)
                                            attr:class="list-link"
                                        >
                                            <span class="household-name">
                                                {e.household.name.clone()}
                                            </span>
                                            " "
                                            <span class="hint">
                                                {e.household.owner.clone().unwrap_or_default()}
                                            </span>
                                        </A>
                                        {(!e.tags.is_empty())
                                            .then(|| {
                                                view! {
                                                    <p class="row tags">{tag_badges(i18n, &e.tags)}</p>
                                                }
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}
