//! `/settings`: language, theme, account, storage, export of unsent records.

use crate::offline::engine::engine;
use crate::offline::state::use_app;
use crate::platform::network::use_online;
use crate::ui::i18n::{use_i18n, Key, Lang};
use crate::ui::theme::{load_theme, set_theme, Theme};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// `/settings`: language, storage, device, version, sign-out (guarded by the outbox).
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let online = use_online();
    let navigate = use_navigate();
    let device = engine()
        .map(|e| e.device_id.to_string())
        .unwrap_or_default();
    let storage = crate::platform::storage_info();
    let blocked = RwSignal::new(false);
    let theme = RwSignal::new(load_theme());
    let export_error = RwSignal::new(None::<String>);
    let export = move |_| {
        let Some(e) = engine() else { return };
        let user = app.session.get_untracked().map(|s| s.user);
        let now = js_sys::Date::new_0();
        let stamp = String::from(now.to_iso_string());
        let result = crate::offline::export::outbox_export_json(&e, user, stamp.clone())
            .ok_or_else(|| i18n.t(Key::Loading).to_string())
            .and_then(|json| {
                // File names cannot hold ':' on every system.
                let name = format!("guanjia-outbox-{}.json", stamp.replace(':', "-"));
                crate::platform::download(&name, &json)?;
                // Who took what off the device, and when (owners' details are confidential).
                // The console only: the server logs the import of the file (`admin
                // import-outbox`), which is where it turns into data again.
                let who = app
                    .session
                    .get_untracked()
                    .map(|s| s.user.username)
                    .unwrap_or_else(|| "(signed out)".into());
                let n = e.read(|r| r.pending_count()).unwrap_or(0);
                leptos::logging::log!(
                    "outbox exported: {n} unsent events to {name} by {who} at {stamp} (device {})",
                    e.device_id
                );
                Ok(())
            });
        export_error.set(result.err());
    };
    let logout = move |_| {
        let pending = app.sync.get_untracked().pending;
        if pending > 0 {
            blocked.set(true);
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if crate::offline::session::sign_out(app).await {
                navigate("/login", Default::default());
            } else {
                blocked.set(true);
            }
        });
    };
    view! {
        <section class="page settings">
            <h1>{i18n.text(Key::SettingsTitle)}</h1>
            <section class="card" aria-labelledby="settings-language">
                <h2 id="settings-language">{i18n.text(Key::Language)}</h2>
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
            <section class="card" aria-labelledby="settings-theme">
                <h2 id="settings-theme">{i18n.text(Key::Theme)}</h2>
                <div class="segmented" role="group" aria-labelledby="settings-theme">
                    {Theme::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <button
                                    type="button"
                                    class="choice"
                                    data-theme-choice=t.code()
                                    aria-pressed=move || (theme.get() == t).to_string()
                                    on:click=move |_| {
                                        set_theme(t);
                                        theme.set(t);
                                    }
                                >
                                    {i18n.text(t.label())}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </section>
            <section class="card" aria-labelledby="settings-network">
                <h2 id="settings-network">{i18n.text(Key::Network)}</h2>
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
                <p class="hint">{i18n.text(Key::NetworkHint)}</p>
            </section>
            <section class="card">
                <h2>{i18n.text(Key::Storage)}</h2>
                <p data-testid="settings-persist">
                    {move || match storage.get().persisted {
                        Some(true) => i18n.t(Key::Persistent),
                        Some(false) => i18n.t(Key::NotPersistent),
                        None => i18n.t(Key::Loading),
                    }}
                </p>
                <p data-testid="settings-usage">
                    {i18n.text(Key::Usage)} ": " {move || storage.get().usage_text()}
                </p>
                <Show when=move || storage.get().nearly_full()>
                    <p class="error" role="alert">
                        {i18n.text(Key::QuotaWarning)}
                    </p>
                </Show>
            </section>
            <Show when=move || {
                app.session
                    .get()
                    .is_some_and(|s| {
                        matches!(
                            s.user.role,
                            guanjia_core::Role::Supervisor | guanjia_core::Role::Admin
                        )
                    })
            }>
                <section class="card">
                    <A href="/settings/project" attr:data-testid="settings-project-rules">
                        {i18n.text(Key::SettingsProjectRules)}
                    </A>
                </section>
            </Show>
            <section class="card">
                <h2>{i18n.text(Key::Account)}</h2>
                <p>
                    {move || {
                        app.session
                            .get()
                            .map(|s| format!("{} ({})", s.user.display_name, s.user.username))
                            .unwrap_or_default()
                    }}
                </p>
                <p>
                    {i18n.text(Key::DeviceId)} ": "
                    <code data-testid="settings-device-id">{device.clone()}</code>
                </p>
                <p>
                    {i18n.text(Key::Version)} " "
                    <span class="version-number">{crate::VERSION}</span>
                </p>
                <button type="button" class="secondary" data-testid="logout" on:click=logout>
                    {i18n.text(Key::Logout)}
                </button>
                <Show when=move || { app.sync.get().pending > 0 }>
                    <p class="hint">{i18n.text(Key::ExportOutboxHint)}</p>
                    <button
                        type="button"
                        class="secondary"
                        data-testid="export-outbox"
                        on:click=export
                    >
                        {i18n.text(Key::ExportOutbox)}
                    </button>
                    <Show when=move || export_error.get().is_some()>
                        <p
                            class="error"
                            role="alert"
                            title=move || export_error.get().unwrap_or_default()
                        >
                            {i18n.text(Key::ExportFailed)}
                        </p>
                    </Show>
                </Show>
                <Show when=move || blocked.get()>
                    <p class="error" role="alert" data-testid="logout-blocked">
                        {i18n.text(Key::LogoutBlocked)}
                        {move || app.sync.get().pending}
                        " "
                        {i18n.text(Key::SyncPending)}
                        ". "
                        {i18n.text(Key::LogoutBlockedHint)}
                    </p>
                </Show>
            </section>
        </section>
    }
}
