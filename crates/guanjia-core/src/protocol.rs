//! The wire shapes of sync-protocol.md §3/§3a, shared by the server, the app and tests.

use crate::event::Event;
use crate::ids::{AreaId, DeviceId, ProjectId, UserId};
use crate::reject::RejectCode;
use crate::scope::Role;
use serde::{Deserialize, Serialize};

pub const MAX_PUSH_EVENTS: usize = 500;
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
pub const DEFAULT_PULL_LIMIT: u32 = 500;
pub const MAX_PULL_LIMIT: u32 = 1000;

/// Events arrive as raw JSON so that one malformed event is rejected alone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PushRequest {
    pub device_id: DeviceId,
    pub events: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushResult {
    Accepted {
        id: String,
        seq: u64,
    },
    Duplicate {
        id: String,
        seq: u64,
    },
    Rejected {
        id: Option<String>,
        code: RejectCode,
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub server_time: String,
    pub epoch: String,
    pub results: Vec<PushResult>,
    /// An admin ordered this device wiped (or ended its session): the push was handled as
    /// usual; send whatever else is unsent (more events, photos), then clear the device's
    /// data and sign out. Absent (false) from servers before it and ignored by older apps,
    /// whose next pull is then refused with 401 `device_wiped`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub wipe: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub epoch: String,
    pub server_time: String,
    pub events: Vec<Event>,
    pub next_cursor: u64,
    pub has_more: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserInfo {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: String,
    pub user: UserInfo,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaInfo {
    pub id: AreaId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProjectInfo {
    pub id: ProjectId,
    pub name: String,
    pub areas: Vec<AreaInfo>,
    /// Everyone placed in the project, so the app can show who wrote what while offline.
    /// Absent in sessions saved by app versions before it existed.
    #[serde(default)]
    pub people: Vec<Person>,
}

/// A colleague as the app shows them next to their records (no username: not needed there).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub display_name: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeResponse {
    pub user: UserInfo,
    pub projects: Vec<ProjectInfo>,
}

/// Every error body: a stable machine code and a message that says what to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// `format` of an [`OutboxExport`] file.
pub const OUTBOX_EXPORT_FORMAT: &str = "guanjia-outbox";

/// A device's unsent events saved to a file (Settings → export) when it cannot sync, e.g.
/// before handing the device over; an admin loads it with `admin import-outbox`. Importing
/// is a push on each author's behalf, so it is idempotent and checked like any push.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxExport {
    pub format: String,
    pub version: u32,
    pub device_id: DeviceId,
    /// RFC 3339, device clock.
    pub exported_at: String,
    /// Who was signed in when the file was written (informational).
    #[serde(default)]
    pub user: Option<UserInfo>,
    /// The events as authored (§3a), oldest first.
    pub events: Vec<Event>,
}
