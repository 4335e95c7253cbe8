//! The pages behind the routes.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{use_i18n, Key, Lang};
use crate::network::use_online;

/// `/`: what the app is and which version runs.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page home">
            <h1>{move || i18n.t(Key::AppName)}</h1>
            <p class="tagline">{move || i18n.t(Key::Tagline)}</p>
            <p class="version">
                <span>{move || i18n.t(Key::Version)}</span>
                " "
                <span class="version-number">{crate::VERSION}</span>
            </p>
        </section>
    }
}

/// `/settings`: language and the device's network state.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let online = use_online();
    view! {
        <section class="page settings">
            <h1>{move || i18n.t(Key::SettingsTitle)}</h1>
            <section class="card" aria-labelledby="settings-language">
                <h2 id="settings-language">{move || i18n.t(Key::Language)}</h2>
                <div class="segmented" role="group" aria-labelledby="settings-language">
                    {Lang::ALL
                        .into_iter()
                        .map(|lang| {
                            view! {
                                <button
                                    type="button"
                                    class="choice"
                                    lang=lang.code()
                                    data-lang=lang.code()
                                    aria-pressed=move || (i18n.lang() == lang).to_string()
                                    on:click=move |_| i18n.set_lang(lang)
                                >
                                    {lang.native_name()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </section>
            <section class="card" aria-labelledby="settings-network">
                <h2 id="settings-network">{move || i18n.t(Key::Network)}</h2>
                <p
                    class="net-status"
                    class:online=move || online.get()
                    class:offline=move || !online.get()
                    role="status"
                >
                    <span class="dot" aria-hidden="true"></span>
                    <span>
                        {move || i18n.t(if online.get() { Key::Online } else { Key::Offline })}
                    </span>
                </p>
                <p class="hint">{move || i18n.t(Key::NetworkHint)}</p>
            </section>
        </section>
    }
}

/// Any other path.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page not-found">
            <h1>{move || i18n.t(Key::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Key::NotFoundBody)}</p>
            <A href="/" attr:class="button">
                {move || i18n.t(Key::BackHome)}
            </A>
        </section>
    }
}
