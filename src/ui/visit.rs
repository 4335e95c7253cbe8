//! The owner's satisfaction asked on a return visit (orders and complaints alike).

use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// 5 (very satisfied) down to 1, as the owner says it.
#[component]
pub fn SatisfactionSelect(satisfaction: RwSignal<u8>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{i18n.text(Key::OrderSatisfaction)}</span>
            <select
                data-testid=testid
                on:change=move |ev| {
                    satisfaction.set(event_target_value(&ev).parse().unwrap_or(5))
                }
            >
                {(1..=5u8)
                    .rev()
                    .map(|n| view! { <option value=n.to_string()>{n}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
