//! The segmented filter of a list screen (open / mine / overdue / …), one of which is on.

use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// One button per `(code, words)`; the pressed one is `filter`'s value. Each button carries
/// `data-filter=<code>` and `aria-pressed`.
#[component]
pub fn FilterTabs(
    filter: RwSignal<&'static str>,
    tabs: &'static [(&'static str, Key)],
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="segmented" role="group">
            {tabs
                .iter()
                .map(|&(code, key)| {
                    view! {
                        <button
                            type="button"
                            class="choice"
                            data-filter=code
                            aria-pressed=move || (filter.get() == code).to_string()
                            on:click=move |_| filter.set(code)
                        >
                            {i18n.text(key)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
