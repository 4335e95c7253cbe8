//! 管家 Guanjia — the field app (Leptos CSR, built to wasm with trunk, installed as a PWA).
//!
//! Data flow: a user action → [`engine::Engine::record`] (core replica + one strict
//! IndexedDB transaction) → [`sync`] pushes the outbox and pulls new events whenever the
//! server answers → screens fold the events they show ([`data`]).

pub mod api;
pub mod checkpoints;
pub mod complaints;
pub mod conflicts;
pub mod data;
pub mod engine;
pub mod findings;
pub mod households;
pub mod i18n;
pub mod network;
pub mod orders;
pub mod pages;
pub mod patrol;
pub mod photos;
pub mod platform;
pub mod project_settings;
pub mod qr;
pub mod session;
pub mod settings;
pub mod signature;
pub mod state;
pub mod store;
pub mod sync;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;

use crate::i18n::{use_i18n, I18n, Key};
use crate::pages::{
    DutyLogPage, DutyPostsPage, HomePage, InboxPage, LoginPage, NotFound, SettingsPage,
};
use crate::state::{use_app, AppState, SyncState};

/// The app's version, shown on the home page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The whole app: language and state contexts, the sync bar, navigation and the routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide(settings::load_lang());
    let app = AppState::provide();

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

    leptos::task::spawn_local(async move {
        match engine::init(engine::DB_NAME).await {
            Ok(_) => {
                session::restore(app).await;
                sync::start(app);
            }
            Err(e) => app.store_error.set(Some(e.to_string())),
        }
        app.ready.set(true);
        app.bump();
    });
    platform::watch_storage();
    platform::watch_updates(app.update_ready);

    view! {
        <Router>
            <Shell />
        </Router>
    }
}

/// Everything inside the router: top bar, sync bar, banners, pages; sends signed-out
/// people to the login page.
#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if app.ready.get() && app.session.get().is_none() && location.pathname.get() != "/login" {
            navigate("/login", Default::default());
        }
    });
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                {i18n.text(Key::AppName)}
            </A>
            <nav class="nav" aria-label=i18n.text(Key::NavLabel)>
                <A href="/" exact=true>
                    {i18n.text(Key::NavToday)}
                </A>
                <A href="/patrol">{i18n.text(Key::NavPatrol)}</A>
                <A href="/duty">{i18n.text(Key::NavDuty)}</A>
                <A href="/orders">{i18n.text(Key::NavOrders)}</A>
                <A href="/inbox">
                    {i18n.text(Key::NavInbox)}
                    <Show when=move || { app.sync.get().rejected > 0 }>
                        <span class="count">{move || app.sync.get().rejected}</span>
                    </Show>
                </A>
                <A href="/settings">{i18n.text(Key::NavSettings)}</A>
            </nav>
        </header>
        <SyncBar />
        <UpdateBanner />
        <Show when=move || app.store_error.get().is_some()>
            <p class="banner error" role="alert">
                {i18n.text(Key::StoreFailed)}
                {move || app.store_error.get().unwrap_or_default()}
            </p>
        </Show>
        <main id="main">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/duty") view=DutyPostsPage />
                <Route path=path!("/duty/:post") view=DutyLogPage />
                <Route path=path!("/orders") view=orders::OrdersPage />
                <Route path=path!("/orders/new") view=orders::NewOrderPage />
                <Route path=path!("/orders/:id") view=orders::OrderPage />
                <Route path=path!("/patrol") view=patrol::PatrolPage />
                <Route path=path!("/patrol/rounds/:id") view=patrol::RoundPage />
                <Route path=path!("/patrol/compliance") view=findings::CompliancePage />
                <Route path=path!("/patrol/checklist") view=findings::ChecklistPage />
                <Route path=path!("/patrol/print") view=findings::PrintPage />
                <Route path=path!("/patrol/checkpoints") view=checkpoints::CheckpointsPage />
                <Route path=path!("/findings") view=findings::FindingsPage />
                <Route path=path!("/findings/:id") view=findings::FindingPage />
                <Route path=path!("/complaints") view=complaints::ComplaintsPage />
                <Route path=path!("/complaints/new") view=complaints::NewComplaintPage />
                <Route path=path!("/complaints/:id") view=complaints::ComplaintPage />
                <Route path=path!("/households") view=households::HouseholdsPage />
                <Route path=path!("/households/:id") view=households::HouseholdPage />
                <Route path=path!("/inbox") view=InboxPage />
                <Route path=path!("/settings") view=SettingsPage />
                <Route path=path!("/settings/project") view=project_settings::ProjectSettingsPage />
            </Routes>
        </main>
    }
}

/// Always visible: connection, unsent count, last sync, progress of a long sync.
#[component]
fn SyncBar() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let state = move || app.sync.get().state;
    let last = move || {
        app.sync
            .get()
            .last_sync_ms
            .map(|ms| {
                let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
                format!(
                    "{:02}:{:02}:{:02}",
                    d.get_hours(),
                    d.get_minutes(),
                    d.get_seconds()
                )
            })
            .unwrap_or_else(|| i18n.t(Key::Never).to_string())
    };
    view! {
        <div class="syncbar" data-testid="sync-bar" data-state=move || state().code() role="status">
            <span class="dot" aria-hidden="true"></span>
            <span class="sync-state">
                {move || i18n.t(match state() {
                    SyncState::Online => Key::SyncOnline,
                    SyncState::Offline => Key::SyncOffline,
                    SyncState::Syncing => Key::SyncSyncing,
                    SyncState::Paused => Key::SyncPaused,
                })}
            </span>
            <span>
                {i18n.text(Key::SyncPending)} ": "
                <strong data-testid="sync-pending">{move || app.sync.get().pending}</strong>
            </span>
            <span>{i18n.text(Key::SyncLast)} ": " <span data-testid="sync-last">{last}</span></span>
            {move || app.sync.get().pulled.map(|n| view! { <span>{i18n.t(Key::SyncPulled)} " " {n}</span> })}
            <Show when=move || state() == SyncState::Paused>
                <A href="/login" attr:class="button">{i18n.text(Key::LoginSubmit)}</A>
            </Show>
            <button type="button" class="secondary small" data-testid="sync-now" on:click=move |_| {
                if app.sync.get_untracked().state == SyncState::Paused {
                    return;
                }
                sync::request_sync();
            }>
                {i18n.text(Key::SyncNow)}
            </button>
        </div>
    }
}

/// A new version is waiting: offer it, but never while work could be lost.
#[component]
fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let safe = move || app.sync.get().pending == 0 && !app.form_dirty.get();
    view! {
        <Show when=move || app.update_ready.get()>
            <div class="banner" data-testid="update-banner" role="status">
                <span>{i18n.text(Key::UpdateReady)}</span>
                <Show when=safe fallback=move || view! { <span class="hint">{i18n.text(Key::UpdateWait)}</span> }>
                    <button type="button" class="primary small" data-testid="update-apply" on:click=move |_| {
                        // Checked again at the click: the outbox may have filled meanwhile.
                        if app.sync.get_untracked().pending == 0 && !app.form_dirty.get_untracked() {
                            platform::apply_update();
                        }
                    }>
                        {i18n.text(Key::UpdateApply)}
                    </button>
                </Show>
            </div>
        </Show>
    }
}
