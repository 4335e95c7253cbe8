//! The words for statuses, roles, severities and tags (wire codes to translation keys).

use crate::model::households::{RENOVATING, TAGS};
use crate::model::orders::OrderClock;
use crate::ui::i18n::{I18n, Key};
use guanjia_core::records::{
    ComplaintStatus, FindingStatus, RepairStatus, RequestKind, RoundStatus, Severity,
};
use guanjia_core::RejectCode;
use guanjia_core::Role;
use leptos::prelude::*;

pub fn order_status_key(s: Option<RepairStatus>) -> Key {
    match s {
        None | Some(RepairStatus::Created) => Key::StatusCreated,
        Some(RepairStatus::Assigned) => Key::StatusAssigned,
        Some(RepairStatus::Accepted) => Key::StatusAccepted,
        Some(RepairStatus::OnTheWay) => Key::StatusOnTheWay,
        Some(RepairStatus::Arrived) => Key::StatusArrived,
        Some(RepairStatus::Completed) => Key::StatusCompleted,
        Some(RepairStatus::ReturnVisited) => Key::StatusReturnVisited,
        Some(RepairStatus::Closed) => Key::StatusClosed,
        Some(RepairStatus::Cancelled) => Key::StatusCancelled,
    }
}

/// The step an order event's kind stands for, for the conflict panel.
pub fn order_kind_key(kind: &str) -> Key {
    let step = kind.rsplit('.').next().unwrap_or_default();
    order_status_key(serde_json::from_value(serde_json::Value::String(step.into())).ok())
}

pub fn complaint_status_key(s: Option<ComplaintStatus>) -> Key {
    match s {
        None | Some(ComplaintStatus::Registered) => Key::ComplaintRegistered,
        Some(ComplaintStatus::Investigating) => Key::ComplaintInvestigating,
        Some(ComplaintStatus::Replied) => Key::ComplaintReplied,
        Some(ComplaintStatus::ReturnVisited) => Key::StatusReturnVisited,
        Some(ComplaintStatus::Closed) => Key::StatusClosed,
    }
}

/// The step a complaint event's kind stands for ("reopened" reads as investigating again).
pub fn complaint_kind_key(kind: &str) -> Key {
    let step = match kind.rsplit('.').next().unwrap_or_default() {
        "reopened" => "investigating",
        s => s,
    };
    complaint_status_key(serde_json::from_value(serde_json::Value::String(step.into())).ok())
}

pub fn finding_status_key(s: Option<FindingStatus>) -> Key {
    match s {
        None | Some(FindingStatus::Reported) => Key::FindingReported,
        Some(FindingStatus::Assigned) => Key::FindingAssigned,
        Some(FindingStatus::Rectified) => Key::FindingRectified,
        Some(FindingStatus::Closed) => Key::FindingClosed,
    }
}

pub fn severity_key(s: Option<Severity>) -> Key {
    match s {
        Some(Severity::Minor) => Key::SeverityMinor,
        Some(Severity::Critical) => Key::SeverityCritical,
        _ => Key::SeverityMajor,
    }
}

pub fn round_status_key(s: Option<RoundStatus>) -> Key {
    match s {
        None | Some(RoundStatus::InProgress) => Key::RoundInProgress,
        Some(RoundStatus::Finished) => Key::RoundFinished,
        Some(RoundStatus::Abandoned) => Key::RoundAbandoned,
    }
}

pub fn role_key(role: Role) -> Key {
    match role {
        Role::Butler => Key::RoleButler,
        Role::Supervisor => Key::RoleSupervisor,
        Role::Technician => Key::RoleTechnician,
        Role::Admin => Key::RoleAdmin,
    }
}

pub fn tag_key(code: &str) -> Option<Key> {
    Some(match code {
        "key_customer" => Key::TagKeyCustomer,
        "elderly_alone" => Key::TagElderlyAlone,
        "vacant" => Key::TagVacant,
        RENOVATING => Key::TagRenovating,
        "new_owner" => Key::TagNewOwner,
        _ => return None,
    })
}

/// The five household tags in their usual order, each with its words.
pub fn tags_with_keys() -> [(&'static str, Key); 5] {
    TAGS.map(|c| (c, tag_key(c).unwrap_or(Key::HouseholdTags)))
}

/// The words for one of an order's clocks.
pub fn order_clock_key(c: OrderClock) -> Key {
    match c {
        OrderClock::FirstAnswer => Key::OrderFirstAnswer,
        OrderClock::Arrival => Key::OrderArrival,
        OrderClock::Completion => Key::OrderCompletion,
        OrderClock::ReturnVisit => Key::OrderReturnVisit,
    }
}

pub fn tag_badges(i18n: I18n, tags: &[String]) -> impl IntoView {
    tags.iter()
        .map(|t| {
            let label = tag_key(t)
                .map(|k| i18n.t(k).to_string())
                .unwrap_or_else(|| t.clone());
            let class = if t == RENOVATING || t == "elderly_alone" {
                "badge warn"
            } else {
                "badge"
            };
            view! {
                <span class=class data-testid="household-tag" data-tag=t.clone()>
                    {label}
                </span>
            }
        })
        .collect_view()
}

/// The front desk's request kinds (003 业主求助), in the order intake offers them.
pub const REQUEST_KINDS: [(RequestKind, Key); 7] = [
    (RequestKind::Repair, Key::KindRepair),
    (RequestKind::EmergencyMedical, Key::KindEmergencyMedical),
    (RequestKind::Complaint, Key::KindComplaint),
    (RequestKind::Enquiry, Key::KindEnquiry),
    (RequestKind::SecurityIncident, Key::KindSecurity),
    (RequestKind::Disaster, Key::KindDisaster),
    (RequestKind::Other, Key::KindOther),
];

/// A request kind's wire code (`emergency_medical`), for a select's option value.
pub fn request_kind_code(k: RequestKind) -> String {
    crate::model::rows::status_code(Some(k), "repair")
}

/// The request kind a select's option value names.
pub fn request_kind_of(code: &str) -> Option<RequestKind> {
    REQUEST_KINDS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| request_kind_code(*k) == code)
}

/// What a server's rejection code means to the person, and what to do.
pub fn reject_key(code: RejectCode) -> Key {
    match code {
        RejectCode::Forbidden => Key::RejectForbidden,
        RejectCode::Invalid => Key::RejectInvalid,
        RejectCode::ClockSkew => Key::RejectClockSkew,
        RejectCode::Immutable => Key::RejectImmutable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_kind_reads_back_from_its_code() {
        for (k, _) in REQUEST_KINDS {
            assert_eq!(request_kind_of(&request_kind_code(k)), Some(k));
        }
        assert_eq!(
            request_kind_code(RequestKind::EmergencyMedical),
            "emergency_medical"
        );
        assert_eq!(request_kind_of("fire"), None);
    }

    #[test]
    fn every_household_tag_has_its_own_words() {
        let keys: Vec<Key> = tags_with_keys().iter().map(|(_, k)| *k).collect();
        assert!(!keys.contains(&Key::HouseholdTags), "{keys:?}");
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(unique.len(), TAGS.len());
    }
}
