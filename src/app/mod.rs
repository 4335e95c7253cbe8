//! The shell: language and state contexts, the top bar, the routes.

mod sync_bar;
mod update_banner;

use crate::offline::state::{use_app, AppState};
use crate::offline::{engine, session, sync};
use crate::pages::inbox::InboxPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::today::HomePage;
use crate::pages::{complaints, duty, findings, households, orders, patrol, settings};
use crate::platform;
use crate::ui::i18n;
use crate::ui::i18n::{use_i18n, I18n, Key};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;
use sync_bar::SyncBar;
use update_banner::UpdateBanner;

/// The whole app: language and state contexts, the sync bar, navigation and the routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide(i18n::load_lang());
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
                    {i18n.text(Key::NavInbox)} <Show when=move || { app.sync.get().rejected > 0 }>
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
                <Route path=path!("/duty") view=duty::posts::DutyPostsPage />
                <Route path=path!("/duty/:post") view=duty::log::DutyLogPage />
                <Route path=path!("/orders") view=orders::list::OrdersPage />
                <Route path=path!("/orders/new") view=orders::new::NewOrderPage />
                <Route path=path!("/orders/:id") view=orders::detail::OrderPage />
                <Route path=path!("/patrol") view=patrol::areas::PatrolPage />
                <Route path=path!("/patrol/rounds/:id") view=patrol::round::RoundPage />
                <Route path=path!("/patrol/compliance") view=patrol::compliance::CompliancePage />
                <Route path=path!("/patrol/checklist") view=patrol::checklist::ChecklistPage />
                <Route path=path!("/patrol/print") view=patrol::print::PrintPage />
                <Route
                    path=path!("/patrol/checkpoints")
                    view=patrol::checkpoints::CheckpointsPage
                />
                <Route path=path!("/findings") view=findings::list::FindingsPage />
                <Route path=path!("/findings/:id") view=findings::detail::FindingPage />
                <Route path=path!("/complaints") view=complaints::list::ComplaintsPage />
                <Route path=path!("/complaints/new") view=complaints::new::NewComplaintPage />
                <Route path=path!("/complaints/:id") view=complaints::detail::ComplaintPage />
                <Route path=path!("/households") view=households::list::HouseholdsPage />
                <Route path=path!("/households/:id") view=households::detail::HouseholdPage />
                <Route path=path!("/inbox") view=InboxPage />
                <Route path=path!("/settings") view=settings::device::SettingsPage />
                <Route
                    path=path!("/settings/project")
                    view=settings::project::ProjectSettingsPage
                />
            </Routes>
        </main>
    }
}
