//! The record types and their folds.

mod complaint;
mod duty_log;
pub(crate) mod finding;
pub(crate) mod patrol;
mod reference;
mod repair_order;

use crate::event::Event;
use crate::fold::Applied;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

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

pub use complaint::{Complaint, ComplaintChange, ComplaintStatus};
pub use duty_log::{log_id as duty_log_id, DutyEntry, DutyLog};
pub use finding::{
    Finding, FindingEntry, FindingStatus, FindingStep, Severity, AFTER_CAPTION,
    DEFAULT_FINDING_LIMIT,
};
pub use patrol::{
    items_at, Checklist, ChecklistItem, CheckpointGroups, DayCompliance, LeftOut, PatrolRound,
    PatrolRules, Position, RoundStatus, RoundSummary, ScanFlag, ScanMethod, Verdict,
};
pub use reference::{checkpoint_code_ok, checkpoint_fields, CheckpointError, Reference};
pub use repair_order::{
    Deadline, DeadlineState, OrderDeadlines, RepairOrder, RepairStatus, StatusChange,
    StatusChangeOf,
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
