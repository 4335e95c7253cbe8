//! The record types: each module holds one type's payloads, their push-time check and its
//! fold. The registry below lists them, one line each; the push check (`kinds`), the fold of
//! any record (`AnyRecord`, `fold_any`) and the payload test all follow from it.

mod complaint;
mod duty_log;
pub(crate) mod finding;
pub(crate) mod patrol;
mod reference;
mod repair_order;

use crate::event::Event;
use crate::fold::{fold, ordered, Applied, FieldConflict, Folded, IgnoredEvent};
use crate::ids::RecordId;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;

/// A registered record type: what the push check and the payload test need to know of it.
pub struct RecordDef {
    /// The `record_type` on the wire, and the prefix of its kinds.
    pub name: &'static str,
    /// The module's `check_payload`: `Ok(false)` for a kind this build does not know, the
    /// reason the payload is refused as `Err`.
    pub check: fn(&str, &serde_json::Value) -> Result<bool, String>,
    /// The module's typed payloads as `(record type, kind)`.
    pub payloads: &'static [(&'static str, &'static str)],
}

/// Generates, from one line per record type (`"name" => module::FoldState`), the table of
/// [`RecordDef`]s, the [`AnyRecord`] enum and [`fold_any`]. Reference data and unknown
/// record types are the two fixed cases around the listed ones.
macro_rules! registry {
    ($($name:literal => $module:ident :: $state:ident),* $(,)?) => {
        /// Every registered record type (reference data is checked and folded apart: its
        /// types share one shape, `kinds::REFERENCE_RECORD_TYPES`).
        pub const RECORD_TYPES: &[RecordDef] = &[$(RecordDef {
            name: $name,
            check: $module::check_payload,
            payloads: $module::PAYLOADS,
        }),*];

        /// A folded record of any known type; unknown record types fold to `Unknown` with
        /// their events kept.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(tag = "record_type")]
        pub enum AnyRecord {
            $(#[serde(rename = $name)] $state(Box<Folded<$module::$state>>),)*
            #[serde(rename = "reference")]
            Reference(Box<Folded<Reference>>),
            #[serde(rename = "unknown")]
            Unknown {
                record_id: RecordId,
                event_count: usize,
                max_seq: u64,
            },
        }

        impl AnyRecord {
            /// What needs a person's attention, for the inbox: the conflicting fields and
            /// the reasons of ignored transitions (empty for record types without either).
            pub fn attention(&self) -> (Vec<&FieldConflict>, Vec<&IgnoredEvent>) {
                fn of<R>(f: &Folded<R>) -> (Vec<&FieldConflict>, Vec<&IgnoredEvent>) {
                    (f.conflicts.iter().collect(), f.ignored.iter().collect())
                }
                match self {
                    $(AnyRecord::$state(f) => of(f),)*
                    AnyRecord::Reference(f) => of(f),
                    AnyRecord::Unknown { .. } => (Vec::new(), Vec::new()),
                }
            }
        }

        /// Folds a record of the given type from its events (others are skipped).
        pub fn fold_any<'a>(
            record_type: &str,
            record_id: RecordId,
            events: impl IntoIterator<Item = &'a Event>,
        ) -> AnyRecord {
            match record_type {
                $($name => AnyRecord::$state(Box::new(fold(record_id, events))),)*
                t if crate::kinds::is_reference(t) => {
                    AnyRecord::Reference(Box::new(fold(record_id, events)))
                }
                _ => {
                    let evs = ordered(record_id, events);
                    AnyRecord::Unknown {
                        record_id,
                        event_count: evs.len(),
                        max_seq: evs.iter().filter_map(|e| e.seq).max().unwrap_or(0),
                    }
                }
            }
        }
    };
}

// The registry: adding a record type is its module above and one line here.
registry! {
    "duty_log" => duty_log::DutyLog,
    "repair_order" => repair_order::RepairOrder,
    "complaint" => complaint::Complaint,
    "patrol_round" => patrol::PatrolRound,
    "finding" => finding::Finding,
}

/// An event's payload as `T`. The push checked it; an unreadable one (a newer writer's
/// variant) folds as unknown, never as a half-applied change.
pub(crate) fn payload<T: DeserializeOwned>(ev: &Event) -> Option<T> {
    serde_json::from_value(ev.payload.clone()).ok()
}

/// A payload as `T` for the push-time checks, with serde's reason when it does not fit.
pub(crate) fn parse_payload<T: DeserializeOwned>(p: &serde_json::Value) -> Result<T, String> {
    serde_json::from_value(p.clone()).map_err(|e| e.to_string())
}

/// The shape of every kind that only adds or sets something: parse, then apply.
pub(crate) fn with_payload<T: DeserializeOwned>(ev: &Event, apply: impl FnOnce(T)) -> Applied {
    match payload::<T>(ev) {
        Some(p) => {
            apply(p);
            Applied::Ok
        }
        None => Applied::Unknown,
    }
}

/// Checks one lifecycle step from `current` to `to`, allowed only from `from`. An invalid
/// step comes back as the `Applied::Ignored` to return: kept, ignored and reported.
pub(crate) fn guard<S: Copy + PartialEq + Debug>(
    current: Option<S>,
    from: &[S],
    to: S,
    record: &str,
) -> Result<(), Applied> {
    match current {
        Some(s) if from.contains(&s) => Ok(()),
        Some(s) => Err(Applied::Ignored(format!("cannot go from {s:?} to {to:?}"))),
        None => Err(Applied::Ignored(format!(
            "cannot go to {to:?} before the {record} exists"
        ))),
    }
}

pub use complaint::{
    Complaint, ComplaintChange, ComplaintClosed, ComplaintFields, ComplaintInvestigating,
    ComplaintNoteAdded, ComplaintReopened, ComplaintReply, ComplaintReturnVisited, ComplaintStatus,
    ComplaintUpdated, Effective,
};
pub use duty_log::{log_id as duty_log_id, DutyEntry, DutyEntryAdded, DutyLog};
pub use finding::{
    Finding, FindingAssigned, FindingClosedOnTheSpot, FindingEntry, FindingExplained,
    FindingNoteAdded, FindingPhotoAdded, FindingRechecked, FindingRectified, FindingReported,
    FindingStatus, FindingStep, Severity, AFTER_CAPTION, BEFORE_CAPTION, DEFAULT_FINDING_LIMIT,
    FINDING_CAPTION,
};
pub use patrol::{
    items_at, Answer, Checklist, ChecklistItem, CheckpointGroups, CheckpointScanned, DayCompliance,
    ItemAnswered, LeftOut, PatrolRound, PatrolRules, Position, RoundAbandoned, RoundFinished,
    RoundStarted, RoundStatus, RoundSummary, ScanFlag, ScanMethod, Verdict,
};
pub(crate) use reference::check_payload as check_reference;
pub use reference::{
    checkpoint_code_ok, checkpoint_fields, CheckpointError, CheckpointFields, Reference,
    ReferenceType,
};
pub use repair_order::{
    Deadline, DeadlineState, Material, OrderDeadlines, Quote, RepairAccepted, RepairArrived,
    RepairAssigned, RepairCancelled, RepairClosed, RepairCompleted, RepairCreated, RepairFields,
    RepairFixAgain, RepairNoteAdded, RepairOnTheWay, RepairOrder, RepairPhotoAdded,
    RepairReturnVisited, RepairSignatureAdded, RepairStatus, RepairUpdated, RequestKind,
    StatusChange, StatusChangeOf,
};

#[cfg(test)]
pub(crate) mod test_support {
    use crate::event::{DeviceTime, Event, Kind, RecordType};
    use crate::hlc::Hlc;
    use crate::ids::{DeviceId, EventId, ProjectId, RecordId, UserId};

    /// Builds events of one record for fold tests: `make(device, ms, kind, payload)`.
    pub struct Maker {
        pub record: RecordId,
        record_type: &'static str,
        n: u8,
    }

    impl Maker {
        pub fn new(record_type: &'static str) -> Self {
            Self {
                record: RecordId::from_parts(1, [9; 10]),
                record_type,
                n: 0,
            }
        }

        pub fn make(
            &mut self,
            device: u8,
            ms: u64,
            kind: &str,
            payload: serde_json::Value,
        ) -> Event {
            self.n += 1;
            Event {
                id: EventId::from_parts(ms, [self.n; 10]),
                record_id: self.record,
                record_type: RecordType::parse(self.record_type).unwrap(),
                kind: Kind::parse(kind).unwrap(),
                v: 1,
                project_id: ProjectId::from_parts(1, [1; 10]),
                area_id: None,
                actor: UserId::from_parts(1, [device; 10]),
                device_id: DeviceId::from_random([device; 16]),
                hlc: Hlc::new(ms, 0),
                device_time: DeviceTime::from_unix_ms(ms),
                base_seq: 0,
                payload,
                seq: None,
                received_at: None,
            }
        }
    }
}
