//! Signing in and out. The session (token, user, /me) is kept in IndexedDB so the app opens
//! and works offline; the outbox guards sign-out.

use crate::offline::api;
use crate::offline::api::ApiError;
use crate::offline::engine::engine;
use crate::offline::state::{AppState, Session, SyncState};
use crate::offline::wipe;
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

/// Why signing in did not work; the login page says it in the user's language.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignInError {
    /// The device's store could not be opened (private mode, no space).
    #[error("local storage is unavailable")]
    NoStore,
    /// The server did not answer: signing in needs it once.
    #[error("signing in needs a connection to the server")]
    NeedsNetwork,
    /// Another person's changes or photos are still waiting on this device.
    #[error("another user's changes are waiting to be sent")]
    OtherUserUnsent,
    /// The server does not know this name or password.
    #[error("wrong user name or password")]
    WrongPassword,
    /// Too many failed attempts: the server asks to wait.
    #[error("too many attempts")]
    TooManyAttempts,
    /// Any other refusal, by the server's error code.
    #[error("the server refused the sign-in ({code})")]
    Refused { code: String },
    /// The session could not be kept on the device.
    #[error("could not keep the session on this device: {0}")]
    Store(String),
}

impl From<ApiError> for SignInError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::Network(_) => SignInError::NeedsNetwork,
            ApiError::Unauthorized(_) | ApiError::Wiped(_) => SignInError::WrongPassword,
            ApiError::Server { status: 429, .. } => SignInError::TooManyAttempts,
            ApiError::Server { code, .. } => SignInError::Refused { code },
        }
    }
}

/// Signs in (needs the server). Refuses to switch user while another user's changes wait.
pub async fn sign_in(app: AppState, username: &str, password: &str) -> Result<(), SignInError> {
    let e = engine().ok_or(SignInError::NoStore)?;
    let login = api::login(username.trim(), password).await?;
    let me = api::me(&login.token).await?;
    let same_user = e.read(|r| r.user == login.user.id);
    match same_user {
        Some(true) => {}
        Some(false) => {
            // Photos the server may not have count as unsent too: the wipe below would delete
            // their only copy. An unreadable queue counts as non-empty.
            let photos = crate::offline::photos::queued().await.unwrap_or(1);
            if e.read(|r| r.pending_count()).unwrap_or(0) > 0 || photos > 0 {
                return Err(SignInError::OtherUserUnsent);
            }
            e.store
                .wipe_records()
                .await
                .map_err(|err| SignInError::Store(err.to_string()))?;
            crate::offline::drafts::forget_all_drafts();
            e.start_replica(login.user.id);
        }
        None => e.start_replica(login.user.id),
    }
    let session = Session {
        token: login.token,
        user: login.user,
        me,
    };
    let value =
        serde_json::to_value(&session).map_err(|err| SignInError::Store(err.to_string()))?;
    e.store
        .put_setting(SESSION_KEY, &value)
        .await
        .map_err(|err| SignInError::Store(err.to_string()))?;
    app.session.set(Some(session));
    app.sync.update(|s| {
        s.state = SyncState::Online;
        s.error = None;
    });
    // The login page's "this device was wiped" is read; an order still due stays due (the
    // next sync sends what is unsent, then wipes).
    if wipe::wipe_state() == Some(wipe::WipeState::Done) {
        wipe::set_wipe_state(None);
    }
    app.bump();
    crate::offline::sync::request_sync();
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
