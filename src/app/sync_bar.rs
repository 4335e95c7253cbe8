//! The sync bar, always visible.

use crate::offline::state::{use_app, SyncState};
use crate::offline::sync;
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_router::components::A;

/// Always visible: connection, unsent count, last sync, progress of a long sync.
#[component]
pub fn SyncBar() -> impl IntoView {
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
                {move || {
                    i18n.t(
                        match state() {
                            SyncState::Online => Key::SyncOnline,
                            SyncState::Offline => Key::SyncOffline,
                            SyncState::Syncing => Key::SyncSyncing,
                            SyncState::Paused => Key::SyncPaused,
                        },
                    )
                }}
            </span>
            <span>
                {i18n.text(Key::SyncPending)} ": "
                <strong data-testid="sync-pending">{move || app.sync.get().pending}</strong>
            </span>
            <span>{i18n.text(Key::SyncLast)} ": " <span data-testid="sync-last">{last}</span></span>
            {move || {
                app.sync
                    .get()
                    .pulled
                    .map(|n| view! { <span>{i18n.t(Key::SyncPulled)} " " {n}</span> })
            }}
            <Show when=move || state() == SyncState::Paused>
                <A href="/login" attr:class="button">
                    {i18n.text(Key::LoginSubmit)}
                </A>
            </Show>
            <button
                type="button"
                class="secondary small"
                data-testid="sync-now"
                on:click=move |_| {
                    if app.sync.get_untracked().state == SyncState::Paused {
                        return;
                    }
                    sync::request_sync();
                }
            >
                {i18n.text(Key::SyncNow)}
            </button>
        </div>
    }
}
