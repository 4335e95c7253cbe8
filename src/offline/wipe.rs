//! An admin's order to clear this device (owners' details are confidential: 001:8, 000:140):
//! the server says `wipe` in a push answer or refuses the sign-in with `device_wiped`; the
//! sync loop sends what is unsent first and then calls [`wipe_device`].

use crate::offline::api;
use crate::offline::engine::engine;
use crate::offline::state::AppState;
use leptos::prelude::*;

/// Where an admin's wipe order stands on this device (localStorage, so it survives a reload
/// and a wiped store).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WipeState {
    /// Ordered: the next sync sends what is unsent, then clears the device.
    Due,
    /// Done: the login page says why the device is empty.
    Done,
}

const WIPE_KEY: &str = "guanjia.device_wipe";

pub fn wipe_state() -> Option<WipeState> {
    use gloo_storage::Storage;
    match gloo_storage::LocalStorage::get::<String>(WIPE_KEY)
        .ok()?
        .as_str()
    {
        "due" => Some(WipeState::Due),
        "done" => Some(WipeState::Done),
        _ => None,
    }
}

pub fn set_wipe_state(state: Option<WipeState>) {
    use gloo_storage::Storage;
    match state {
        None => gloo_storage::LocalStorage::delete(WIPE_KEY),
        Some(s) => {
            let code = if s == WipeState::Due { "due" } else { "done" };
            if let Err(e) = gloo_storage::LocalStorage::set(WIPE_KEY, code) {
                leptos::logging::warn!("could not note the wipe order: {e}");
            }
        }
    }
}

/// Carries out an admin's wipe order once what was unsent has been sent: clears records,
/// photos, the upload queue, drafts and the session, tells the server (best effort) and
/// the other tabs, and leaves the app on the login page with the reason.
pub async fn wipe_device(app: AppState) -> Result<(), crate::offline::store::StoreError> {
    let Some(e) = engine() else { return Ok(()) };
    let token = app.session.get_untracked().map(|s| s.token);
    e.store.wipe_device().await?;
    e.clear_replica();
    crate::offline::drafts::forget_all_drafts();
    set_wipe_state(Some(WipeState::Done));
    app.session.set(None);
    app.sync.set(Default::default());
    app.bump();
    crate::offline::tabs::announce_change();
    leptos::logging::log!("this device's data was wiped on an admin's order");
    if let Some(t) = token {
        let _ = api::logout(&t).await;
    }
    Ok(())
}
