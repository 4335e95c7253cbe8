//! The duty log's read model: guard posts, a post's log of a day, an entry's sync state.

use crate::model::rows::references;
use crate::offline::engine::engine;
use guanjia_core::fold::{fold, Folded};
use guanjia_core::records::{duty_log_id, DutyLog};
use guanjia_core::{EventId, ProjectId, RecordId};

#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub name: String,
    pub code: String,
}

/// The guard posts this device knows, by code.
pub fn guard_posts() -> Vec<Post> {
    let mut posts: Vec<Post> = references("guard_post")
        .into_iter()
        .filter_map(|(id, project_id, _, r)| {
            Some(Post {
                id,
                project_id,
                name: r.name()?.to_string(),
                code: r
                    .get("code")
                    .and_then(|c| c.as_str())
                    .unwrap_or("")
                    .to_string(),
            })
        })
        .collect();
    posts.sort_unstable_by(|a, b| (&a.code, a.id).cmp(&(&b.code, b.id)));
    posts
}

/// A post's duty log for a day.
pub fn duty_log(post: RecordId, day: chrono::NaiveDate) -> (RecordId, Folded<DutyLog>) {
    let id = duty_log_id(post, day);
    let folded = engine()
        .and_then(|e| e.read(|r| fold::<DutyLog>(id, r.events())))
        .unwrap_or_else(|| fold::<DutyLog>(id, std::iter::empty()));
    (id, folded)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryState {
    Pending,
    Synced,
    Rejected,
}

impl EntryState {
    pub fn code(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Synced => "synced",
            EntryState::Rejected => "rejected",
        }
    }
}

pub fn entry_state(id: EventId) -> EntryState {
    engine()
        .and_then(|e| {
            e.read(|r| {
                if r.rejected().contains_key(&id) {
                    EntryState::Rejected
                } else if r.is_pending(id) {
                    EntryState::Pending
                } else {
                    EntryState::Synced
                }
            })
        })
        .unwrap_or(EntryState::Pending)
}
