//! The record types and their folds.

mod complaint;
mod duty_log;
pub(crate) mod finding;
pub(crate) mod patrol;
mod reference;
mod repair_order;

pub use complaint::{Complaint, ComplaintChange, ComplaintStatus};
pub use duty_log::{log_id as duty_log_id, DutyEntry, DutyLog};
pub use finding::{Finding, FindingStatus, Severity, DEFAULT_FINDING_LIMIT};
pub use patrol::{
    Checklist, ChecklistItem, DayCompliance, PatrolRound, PatrolRules, RoundStatus, RoundSummary,
    ScanFlag, Verdict,
};
pub use reference::Reference;
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
