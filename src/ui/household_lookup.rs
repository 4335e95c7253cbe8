//! Finding the household a request is about, by building-unit-room, owner or phone
//! (`Household::matches`), as repair and complaint intake both do.

use crate::model::households::{households, Household};
use crate::offline::state::use_app;
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// The search box and up to eight matching households; picking one calls `on_pick` and
/// empties the box. Test ids: `<testid>-search` for the box, `<testid>` for each match (with
/// `data-household-id`).
#[component]
pub fn HouseholdLookup(testid: &'static str, on_pick: Callback<Household>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let lookup = RwSignal::new(String::new());
    let registry = Memo::new(move |_| {
        app.data_version.track();
        households()
    });
    let found = move || {
        let q = lookup.get();
        registry.with(|all| {
            all.iter()
                .filter(|h| h.matches(&q))
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <label>
            <span>{i18n.text(Key::OrderHousehold)}</span>
            <input
                type="search"
                data-testid=format!("{testid}-search")
                placeholder=i18n.text(Key::OrderHouseholdHint)
                prop:value=move || lookup.get()
                on:input=move |ev| lookup.set(event_target_value(&ev))
            />
        </label>
        <ul class="list suggestions">
            {move || {
                found()
                    .into_iter()
                    .map(|h| {
                        let label = format!(
                            "{} · {}",
                            h.name,
                            h.owner.clone().unwrap_or_default(),
                        );
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="small"
                                    data-testid=testid
                                    data-household-id=h.id.to_string()
                                    on:click=move |_| {
                                        lookup.set(String::new());
                                        on_pick.run(h.clone());
                                    }
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}
