//! A list screen's controls: the segmented filter (open / mine / overdue / …), one of which
//! is on, and the note that only the first cards are shown.

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

/// "Showing the first `limit` of `total`", only when the list was cut (search narrows it).
#[component]
pub fn ListCount(limit: usize, total: Signal<usize>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || { total.get() > limit }>
            <p class="hint" data-testid=testid>
                {i18n.text(Key::OrdersShowingFirst)}
                " "
                {limit}
                " / "
                {move || total.get()}
            </p>
        </Show>
    }
}
