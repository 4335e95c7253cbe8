//! Signing in and out. The session (token, user, /me) is kept in IndexedDB so the app opens
//! and works offline; the outbox guards sign-out.

use crate::api;
use crate::engine::engine;
use crate::state::{AppState, Session, SyncState};
use leptos::prelude::*;

const SESSION_KEY: &str = "session";

/// Restores the stored session at start (no network needed).
pub async fn restore(app: AppState) {
    let Some(e) = engine() else { return };
    if let Ok(Some(v)) = e.store.get_setting(SESSION_KEY).await {
        if let Ok(s) = serde_json::from_value::<Session>(v) {
            if !e.has_replica() {
                e.start_replica(s.user.id);
            }
            app.session.set(Some(s));
        }
    }
}

/// Signs in (needs the server). Refuses to switch user while another user's changes wait.
pub async fn sign_in(app: AppState, username: &str, password: &str) -> Result<(), String> {
    let e = engine().ok_or_else(|| "local storage is unavailable".to_string())?;
    let login = api::login(username.trim(), password)
        .await
        .map_err(|err| match err {
            api::ApiError::Network(_) => crate::i18n::tr(
                crate::settings::load_lang(),
                crate::i18n::Key::LoginNeedsNetwork,
            )
            .to_string(),
            other => other.message(),
        })?;
    let me = api::me(&login.token).await.map_err(|err| err.message())?;
    let same_user = e.read(|r| r.user == login.user.id);
    match same_user {
        Some(true) => {}
        Some(false) => {
            // Photos the server may not have count as unsent too: the wipe below would delete
            // their only copy. An unreadable queue counts as non-empty.
            let photos = crate::photos::queued().await.unwrap_or(1);
            if e.read(|r| r.pending_count()).unwrap_or(0) > 0 || photos > 0 {
                return Err(crate::i18n::tr(
                    crate::settings::load_lang(),
                    crate::i18n::Key::LoginOtherUser,
                )
                .to_string());
            }
            e.store
                .wipe_records()
                .await
                .map_err(|err| err.to_string())?;
            crate::patrol::forget_all_drafts();
            e.start_replica(login.user.id);
        }
        None => e.start_replica(login.user.id),
    }
    let session = Session {
        token: login.token,
        user: login.user,
        me,
    };
    let value = serde_json::to_value(&session).map_err(|err| err.to_string())?;
    e.store
        .put_setting(SESSION_KEY, &value)
        .await
        .map_err(|err| err.to_string())?;
    app.session.set(Some(session));
    app.sync.update(|s| {
        s.state = SyncState::Online;
        s.error = None;
    });
    app.bump();
    crate::sync::request_sync();
    Ok(())
}

/// Signs out when nothing is waiting to be sent. Returns false when it refused.
pub async fn sign_out(app: AppState) -> bool {
    let Some(e) = engine() else { return false };
    if e.read(|r| r.pending_count()).unwrap_or(0) > 0 {
        return false;
    }
    if let Some(s) = app.session.get_untracked() {
        // Best effort: an offline sign-out still forgets the token on this device.
        let _ = api::logout(&s.token).await;
    }
    let _ = e.store.delete_setting(SESSION_KEY).await;
    app.session.set(None);
    true
}
