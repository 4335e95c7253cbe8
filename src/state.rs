//! App-wide reactive state, provided as context.

use guanjia_core::protocol::{MeResponse, UserInfo};
use guanjia_core::UserId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person, kept in IndexedDB (`meta` "session") so the app opens offline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: UserInfo,
    pub me: MeResponse,
}

/// How to show the author of a record: their name from /me (kept for offline use), or the
/// start of their id for someone the server did not list (e.g. moved to another project).
pub fn person_name(session: Option<&Session>, id: UserId) -> String {
    session
        .into_iter()
        .flat_map(|s| &s.me.projects)
        .flat_map(|p| &p.people)
        .find(|p| p.id == id)
        .map(|p| p.display_name.clone())
        .unwrap_or_else(|| id.to_string()[..8].to_string())
}

/// The people of the signed-in person's projects with `role`, as (project, id, display
/// name), in the order of the projects (someone placed in two projects is listed twice, the
/// first time under their home project): the technicians to dispatch to, the butlers of the
/// compliance view.
pub fn people_with_role(
    session: Option<&Session>,
    role: guanjia_core::Role,
) -> Vec<(guanjia_core::ProjectId, UserId, String)> {
    session
        .into_iter()
        .flat_map(|s| &s.me.projects)
        .flat_map(|proj| proj.people.iter().map(move |p| (proj.id, p)))
        .filter(|(_, p)| p.role == role)
        .map(|(proj, p)| (proj, p.id, p.display_name.clone()))
        .collect()
}

/// Supervisors and admins: they change reference data and project rules, see compliance and
/// mark effective complaints (the server's scope rules say the same on push).
pub fn is_supervisor(app: AppState) -> bool {
    app.session.get().is_some_and(|s| {
        matches!(
            s.user.role,
            guanjia_core::Role::Supervisor | guanjia_core::Role::Admin
        )
    })
}

/// The people with `role` who may be dispatched on a record of `project`.
pub fn people_of_project(
    session: Option<&Session>,
    role: guanjia_core::Role,
    project: guanjia_core::ProjectId,
) -> Vec<(UserId, String)> {
    people_with_role(session, role)
        .into_iter()
        .filter(|(p, _, _)| *p == project)
        .map(|(_, id, name)| (id, name))
        .collect()
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
