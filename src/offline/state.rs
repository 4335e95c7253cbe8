//! App-wide reactive state, provided as context.

use guanjia_core::protocol::{MeResponse, UserInfo};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person, kept in IndexedDB (`meta` "session") so the app opens offline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: UserInfo,
    pub me: MeResponse,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyncState {
    /// The last request reached the server.
    #[default]
    Online,
    /// The last request got no answer.
    Offline,
    Syncing,
    /// The server refused the sign-in: sync waits for the user to sign in again.
    Paused,
}

impl SyncState {
    pub fn code(self) -> &'static str {
        match self {
            SyncState::Online => "online",
            SyncState::Offline => "offline",
            SyncState::Syncing => "syncing",
            SyncState::Paused => "paused",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncStatus {
    pub state: SyncState,
    pub pending: usize,
    pub rejected: usize,
    pub last_sync_ms: Option<f64>,
    /// Events pulled so far in a long sync.
    pub pulled: Option<usize>,
    pub error: Option<String>,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub session: RwSignal<Option<Session>>,
    pub sync: RwSignal<SyncStatus>,
    /// Bumped after every change to local data; views re-read when it moves.
    pub data_version: RwSignal<u64>,
    /// The store could not be opened or written (quota, private mode…).
    pub store_error: RwSignal<Option<String>>,
    /// A new app version is installed and waiting.
    pub update_ready: RwSignal<bool>,
    /// A form holds text the user has not saved: no reload for an update now.
    pub form_dirty: RwSignal<bool>,
    /// The store is open (or failed to open).
    pub ready: RwSignal<bool>,
}

impl AppState {
    pub fn provide() -> AppState {
        let s = AppState {
            session: RwSignal::new(None),
            sync: RwSignal::new(SyncStatus::default()),
            data_version: RwSignal::new(0),
            store_error: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            form_dirty: RwSignal::new(false),
            ready: RwSignal::new(false),
        };
        provide_context(s);
        s
    }

    pub fn bump(&self) {
        self.data_version.update(|v| *v += 1);
    }
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
