//! Any path no route knows.

use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_router::components::A;

/// Any other path.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page not-found">
            <h1>{i18n.text(Key::NotFoundTitle)}</h1>
            <p>{i18n.text(Key::NotFoundBody)}</p>
            <A href="/" attr:class="button">
                {i18n.text(Key::BackHome)}
            </A>
        </section>
    }
}
