//! 管家 Guanjia — the field app (Leptos CSR, built to wasm with trunk, installed as a PWA).

pub mod i18n;
pub mod network;
pub mod pages;
pub mod settings;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

use crate::i18n::{I18n, Key};
use crate::pages::{HomePage, NotFound, SettingsPage};

/// The app's version, shown on the home page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The whole app: language context, top bar with navigation, and the routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide(settings::load_lang());

    // Keep `<html lang>` and the window title in step with the chosen language.
    Effect::new(move |_| {
        let lang = i18n.lang();
        let document = document();
        if let Some(root) = document.document_element() {
            // Failing to set an attribute only affects screen readers' pronunciation.
            let _ = root.set_attribute("lang", lang.code());
        }
        document.set_title(i18n::tr(lang, Key::AppName));
    });

    view! {
        <Router>
            <header class="topbar">
                <A href="/" attr:class="brand">
                    {move || i18n.t(Key::AppName)}
                </A>
                <nav class="nav" aria-label=move || i18n.t(Key::NavLabel)>
                    <A href="/" exact=true>
                        {move || i18n.t(Key::NavHome)}
                    </A>
                    <A href="/settings">{move || i18n.t(Key::NavSettings)}</A>
                </nav>
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/settings") view=SettingsPage />
                </Routes>
            </main>
        </Router>
    }
}
