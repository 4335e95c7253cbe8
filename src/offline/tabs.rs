//! Tab coordination: only one tab syncs (a lease in localStorage, renewed while the tab
//! lives), and a tab that changed the store tells the others (a BroadcastChannel) so they
//! reload it.

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::prelude::*;

const LEADER_KEY: &str = "guanjia.sync.leader";

const LEASE_MS: f64 = 10_000.0;

const CHANNEL: &str = "guanjia";

thread_local! {
    static TAB_ID: String = format!("{:x}", u64::from_le_bytes(crate::platform::random_bytes()));
    static BROADCAST: Option<web_sys::BroadcastChannel> = web_sys::BroadcastChannel::new(CHANNEL).ok();
}

/// Runs `f` with this tab's channel to the others (none when the browser has no
/// BroadcastChannel).
pub fn with_channel<T>(f: impl FnOnce(&Option<web_sys::BroadcastChannel>) -> T) -> T {
    BROADCAST.with(f)
}

/// Tells other tabs that the store changed, so they reload it.
pub fn announce_change() {
    BROADCAST.with(|b| {
        if let Some(b) = b {
            let _ = b.post_message(&JsValue::from_str("changed"));
        }
    });
}

/// Only one tab syncs: a lease in localStorage, renewed while the tab lives.
pub fn hold_leadership() -> bool {
    let me = TAB_ID.with(|t| t.clone());
    let now = js_sys::Date::now();
    let current: Option<(String, f64)> = LocalStorage::get::<(String, f64)>(LEADER_KEY).ok();
    let mine = match &current {
        Some((id, until)) => *id == me || *until < now,
        None => true,
    };
    if mine {
        let _ = LocalStorage::set(LEADER_KEY, (me, now + LEASE_MS));
    }
    mine
}

/// Gives the lease up when the page goes away, so a reloaded page syncs at once.
pub fn release_leadership() {
    let me = TAB_ID.with(|t| t.clone());
    if let Ok((id, _)) = LocalStorage::get::<(String, f64)>(LEADER_KEY) {
        if id == me {
            LocalStorage::delete(LEADER_KEY);
        }
    }
}
