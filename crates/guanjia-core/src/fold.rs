//! The fold framework: a record's state is a pure function of its set of events.
//! Events are de-duplicated by id and applied in order-key order, so every replica holding
//! the same events computes the same state whatever order they arrived in.

use crate::event::{Event, Kind};
use crate::ids::{DeviceId, EventId, RecordId, UserId};
use crate::merge::Lww;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a fold did with one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    Ok,
    /// A lifecycle transition that is invalid from the folded state: kept, ignored, reported.
    Ignored(String),
    /// A kind or version this build does not know: kept and passed on, not folded.
    Unknown,
}

/// One record type's state machine. Later features add a type here, not a new mechanism.
pub trait Record: Default + Clone + PartialEq + Serialize {
    /// Applies one event; called in order-key order, each event id once.
    fn apply(&mut self, ev: &Event) -> Applied;

    /// Fields whose concurrent writes left different values.
    fn conflicts(&self) -> Vec<FieldConflict> {
        Vec::new()
    }
}

/// A field two or more people changed without seeing each other's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub field: String,
    pub writes: Vec<ConflictWrite>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictWrite {
    pub value: serde_json::Value,
    pub actor: UserId,
    pub device_id: DeviceId,
    pub event_id: EventId,
}

impl FieldConflict {
    /// Reports `field` when its register holds a conflict.
    pub fn of<T: Clone + PartialEq + Serialize>(field: &str, reg: &Lww<T>) -> Option<Self> {
        reg.conflict().map(|ws| FieldConflict {
            field: field.to_string(),
            writes: ws
                .into_iter()
                .map(|w| ConflictWrite {
                    value: serde_json::to_value(&w.value).unwrap_or_default(),
                    actor: w.actor,
                    device_id: w.device_id,
                    event_id: w.event_id,
                })
                .collect(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IgnoredEvent {
    pub event_id: EventId,
    pub kind: Kind,
    pub actor: UserId,
    pub reason: String,
}

/// Someone settled a conflict: the events they looked at and what they said.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictReview {
    pub event_id: EventId,
    pub actor: UserId,
    pub device_time: String,
    pub event_ids: Vec<EventId>,
    pub note: Option<String>,
}

/// A folded record: its state plus everything a screen needs to show about its history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Folded<R> {
    pub record_id: RecordId,
    pub state: R,
    /// Invalid lifecycle transitions: kept, ignored and reported as conflicts.
    pub ignored: Vec<IgnoredEvent>,
    pub conflicts: Vec<FieldConflict>,
    /// Conflicts people looked at and settled (`<type>.conflict_reviewed`): what they named
    /// no longer counts in `ignored` or `conflicts`, and the events stay as they were.
    pub reviews: Vec<ConflictReview>,
    /// Events of kinds or versions this build does not fold (still stored and synced).
    pub unknown: Vec<EventId>,
    pub event_count: usize,
    /// Highest server `seq` among the events: the `base_seq` of the next local change.
    pub max_seq: u64,
}

impl<R> Folded<R> {
    /// Whether the record needs a person's attention (a conflict or an ignored transition).
    pub fn has_conflict(&self) -> bool {
        !self.conflicts.is_empty() || !self.ignored.is_empty()
    }
}

/// Sorts and de-duplicates `events` (only those of `record_id`) into fold order.
pub fn ordered<'a>(
    record_id: RecordId,
    events: impl IntoIterator<Item = &'a Event>,
) -> Vec<&'a Event> {
    let mut by_id: BTreeMap<EventId, &Event> = BTreeMap::new();
    for ev in events.into_iter().filter(|e| e.record_id == record_id) {
        // Keep the copy the server numbered when a device holds both.
        match by_id.get(&ev.id) {
            Some(prev) if prev.seq.is_some() => {}
            _ => {
                by_id.insert(ev.id, ev);
            }
        }
    }
    let mut v: Vec<&Event> = by_id.into_values().collect();
    // Order keys are unique (they end in the event id), so an unstable sort is exact; it
    // also links less code into the wasm app than the stable one.
    v.sort_unstable_by_key(|e| e.order_key());
    v
}

pub fn fold<'a, R: Record>(
    record_id: RecordId,
    events: impl IntoIterator<Item = &'a Event>,
) -> Folded<R> {
    let evs = ordered(record_id, events);
    let mut state = R::default();
    let mut ignored = Vec::new();
    let mut unknown = Vec::new();
    let mut reviews = Vec::new();
    let mut max_seq = 0;
    for ev in &evs {
        max_seq = max_seq.max(ev.seq.unwrap_or(0));
        if crate::kinds::is_conflict_review(ev) {
            // Reviews name events, so where they sort among them does not matter: the
            // result is the same whatever order the events arrived in.
            match serde_json::from_value::<crate::kinds::ConflictReviewed>(ev.payload.clone()) {
                Ok(p) if ev.v == 1 => reviews.push(ConflictReview {
                    event_id: ev.id,
                    actor: ev.actor,
                    device_time: ev.device_time.as_str().to_string(),
                    event_ids: p.event_ids,
                    note: p.note,
                }),
                _ => unknown.push(ev.id),
            }
            continue;
        }
        match state.apply(ev) {
            Applied::Ok => {}
            Applied::Ignored(reason) => ignored.push(IgnoredEvent {
                event_id: ev.id,
                kind: ev.kind.clone(),
                actor: ev.actor,
                reason,
            }),
            Applied::Unknown => unknown.push(ev.id),
        }
    }
    let seen: std::collections::BTreeSet<EventId> = reviews
        .iter()
        .flat_map(|r| r.event_ids.iter().copied())
        .collect();
    ignored.retain(|i| !seen.contains(&i.event_id));
    let mut conflicts = state.conflicts();
    // A field conflict is settled when every write in it was looked at; a write made later
    // without having seen the review's writes opens a new conflict with a new event id.
    conflicts.retain(|c| !c.writes.iter().all(|w| seen.contains(&w.event_id)));
    Folded {
        record_id,
        conflicts,
        reviews,
        state,
        ignored,
        unknown,
        event_count: evs.len(),
        max_seq,
    }
}

// `AnyRecord` and `fold_any` are generated from the record type registry in `records/mod.rs`
// (one line per record type), so they are defined there and re-exported here.
pub use crate::records::{fold_any, AnyRecord};
