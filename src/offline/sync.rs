//! The sync loop (sync-protocol §2–§3): one tab at a time pushes the outbox and pulls new
//! events, on start, on focus, on `online`, after local changes and every 30 s, backing off
//! after failures. A 401 pauses it until the user signs in again; the outbox stays.

use crate::offline::api;
use crate::offline::api::ApiError;
use crate::offline::engine::engine;
use crate::offline::state::{AppState, SyncState};
use crate::offline::wipe;
use crate::platform::now_ms;
use futures::channel::mpsc;
use futures::StreamExt;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

const PUSH_BATCH: usize = 200;

const PULL_LIMIT: u32 = 500;

const PERIOD_MS: u32 = 30_000;

/// A tab that does not hold the lease checks again this often.
const FOLLOWER_MS: u32 = 3_000;

const MAX_BACKOFF_MS: u32 = 15_000;

const LAST_SYNC_KEY: &str = "guanjia.sync.last";

thread_local! {
    static KICK: RefCell<Option<mpsc::UnboundedSender<()>>> = const { RefCell::new(None) };
}

/// Asks the loop to sync soon (after a local change, on focus…).
pub fn request_sync() {
    KICK.with(|k| {
        if let Some(tx) = k.borrow().as_ref() {
            let _ = tx.unbounded_send(());
        }
    });
}

async fn sleep(ms: u32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

/// Sets the sync bar's pending and rejected counts from the replica (after every local change
/// too, so the bar never shows a stale 0 while a change waits to be pushed).
pub fn refresh_counts(app: AppState) {
    if let Some(e) = engine() {
        let (pending, rejected) = e
            .read(|r| (r.pending_count(), r.rejected().len()))
            .unwrap_or((0, 0));
        app.sync.update(|s| {
            s.pending = pending;
            s.rejected = rejected;
        });
    }
}

/// Clears the device when an admin's wipe order is due and nothing is left to send (the
/// outbox is empty; photos had their upload attempt). True when it wiped.
async fn wipe_if_due(app: AppState) -> bool {
    if wipe::wipe_state() != Some(wipe::WipeState::Due) {
        return false;
    }
    let pending = engine()
        .and_then(|e| e.read(|r| r.pending_count()))
        .unwrap_or(0);
    if pending > 0 {
        return false;
    }
    match wipe::wipe_device(app).await {
        Ok(()) => true,
        Err(err) => {
            app.store_error.set(Some(err.to_string()));
            false
        }
    }
}

/// One full sync: push everything pending, then pull until the server has no more.
pub async fn sync_once(app: AppState) -> Result<(), ApiError> {
    let Some(e) = engine() else { return Ok(()) };
    let Some(session) = app.session.get_untracked() else {
        return Ok(());
    };
    app.sync.update(|s| s.state = SyncState::Syncing);
    loop {
        let batch = e.read(|r| r.next_batch(PUSH_BATCH)).unwrap_or_default();
        if batch.is_empty() {
            break;
        }
        let resp = api::push(&session.token, e.device_id, &batch).await?;
        if resp.wipe {
            // An admin's order: go on sending, then clear the device (below).
            wipe::set_wipe_state(Some(wipe::WipeState::Due));
        }
        let outcome = e.mutate(|r| r.on_push_response(&batch, &resp, now_ms()));
        if let Err(err) = e.commit().await {
            app.store_error.set(Some(err.to_string()));
            return Err(ApiError::Network(err.to_string()));
        }
        app.bump();
        refresh_counts(app);
        if outcome.is_some_and(|o| o.stored == 0 && o.restamped == 0 && o.rejected == 0) {
            break;
        }
    }
    // Photos after the events that name them: an event may arrive before its photo.
    if crate::offline::photos::upload_pending(&session.token).await? > 0 {
        app.bump();
    }
    if wipe_if_due(app).await {
        return Ok(());
    }
    let mut pulled = 0usize;
    loop {
        let cursor = e.read(|r| r.cursor()).unwrap_or(0);
        let page = api::pull(&session.token, cursor, PULL_LIMIT).await?;
        pulled += page.events.len();
        let epoch_before = e.read(|r| r.epoch().map(str::to_string)).flatten();
        e.mutate(|r| r.on_pull_page(&page, now_ms()));
        if let Err(err) = e.commit().await {
            app.store_error.set(Some(err.to_string()));
            return Err(ApiError::Network(err.to_string()));
        }
        app.bump();
        app.sync
            .update(|s| s.pulled = page.has_more.then_some(pulled));
        let epoch_after = e.read(|r| r.epoch().map(str::to_string)).flatten();
        if epoch_before.is_some() && epoch_before != epoch_after {
            // The server was restored: our events went back into the outbox; push again.
            // Photos it confirmed after its backup may be gone too: ask about each again.
            if let Err(err) = crate::offline::photos::requeue_local().await {
                app.store_error.set(Some(err.to_string()));
            }
            return Box::pin(sync_once(app)).await;
        }
        if !page.has_more {
            break;
        }
    }
    let now = js_sys::Date::now();
    // A small setting: after a reload the bar still tells when data last reached the server.
    let _ = LocalStorage::set(LAST_SYNC_KEY, now);
    app.sync.update(|s| {
        s.state = SyncState::Online;
        s.last_sync_ms = Some(now);
        s.pulled = None;
        s.error = None;
    });
    refresh_counts(app);
    Ok(())
}

/// Starts the loop and its triggers; call once after the engine is ready.
pub fn start(app: AppState) {
    let (tx, mut rx) = mpsc::unbounded::<()>();
    KICK.with(|k| *k.borrow_mut() = Some(tx));

    // Another tab changed the store: reload it.
    crate::offline::tabs::with_channel(|b| {
        if let Some(b) = b {
            let cb = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
                leptos::task::spawn_local(async move {
                    if let Some(e) = engine() {
                        e.reload().await;
                        app.bump();
                        refresh_counts(app);
                    }
                });
            });
            b.set_onmessage(Some(cb.as_ref().unchecked_ref()));
            cb.forget();
        }
    });
    app.sync
        .update(|s| s.last_sync_ms = LocalStorage::get::<f64>(LAST_SYNC_KEY).ok());
    let kick = || request_sync();
    let h3 = window_event_listener(leptos::ev::pagehide, move |_| {
        crate::offline::tabs::release_leadership()
    });
    std::mem::forget(h3);
    let h1 = window_event_listener(leptos::ev::online, move |_| kick());
    let h2 = window_event_listener(leptos::ev::focus, move |_| kick());
    std::mem::forget((h1, h2));

    leptos::task::spawn_local(async move {
        let mut failures = 0u32;
        loop {
            refresh_counts(app);
            let paused = app.sync.get_untracked().state == SyncState::Paused;
            let leader = crate::offline::tabs::hold_leadership();
            if !paused && app.session.get_untracked().is_some() && leader {
                match sync_once(app).await {
                    Ok(()) => failures = 0,
                    Err(ApiError::Wiped(m)) => {
                        // Refused for good: clear now if nothing is unsent; else wait for a
                        // new sign-in, whose first sync sends it and then clears.
                        wipe::set_wipe_state(Some(wipe::WipeState::Due));
                        if !wipe_if_due(app).await {
                            app.sync.update(|s| {
                                s.state = SyncState::Paused;
                                s.error = Some(m);
                            });
                        }
                    }
                    Err(ApiError::Unauthorized(m)) => {
                        app.sync.update(|s| {
                            s.state = SyncState::Paused;
                            s.error = Some(m);
                        });
                    }
                    Err(err) => {
                        failures += 1;
                        let offline = matches!(err, ApiError::Network(_));
                        app.sync.update(|s| {
                            s.state = if offline {
                                SyncState::Offline
                            } else {
                                SyncState::Online
                            };
                            s.error = Some(err.message());
                            s.pulled = None;
                        });
                    }
                }
            }
            // Back off after failures: 2 s, 4 s, … up to 15 s; followers look again soon.
            let wait = if !leader {
                FOLLOWER_MS
            } else if failures == 0 {
                PERIOD_MS
            } else {
                (1000u32 << failures.min(4)).min(MAX_BACKOFF_MS)
            };
            let timer = Box::pin(sleep(wait));
            let next = rx.next();
            futures::pin_mut!(next);
            futures::future::select(timer, next).await;
            // Let a burst of changes settle into one sync.
            sleep(300).await;
            while rx.try_recv().is_ok() {}
        }
    });
}
