//! The checks a push runs on every event: the dispatch of `check_payload` (append-only
//! record types, newer versions, reference data, conflict reviews, then each record type's
//! own check from the `records` registry), the clock check, and what the server reads off
//! events to grant access (`assignee`, `made_from`). Kinds no check knows are stored and
//! passed on untouched (newer clients). The payload schemas live with their record types in
//! `records/`; the shared ones in `payload`.

use crate::event::Event;
use crate::ids::{RecordId, UserId};
use crate::records;

// The payload types lived here before they moved beside their record types; these keep the
// old paths (`guanjia_core::kinds::RepairFields`, …) working for the app and the server.
pub use crate::payload::{ConflictReviewed, Empty, PhotoRef, Reason, Signature, TextNote};
pub use crate::records::{
    ComplaintFields, ComplaintReply, DutyEntryAdded, Effective, Material, Quote, RepairArrived,
    RepairAssigned, RepairCompleted, RepairCreated, RepairFields, RepairReturnVisited,
    RepairUpdated, RequestKind,
};
pub use crate::reject::{RejectCode, Rejection};

/// Events more than this far ahead of the server's clock are refused `clock_skew`.
pub const MAX_CLOCK_AHEAD_MS: u64 = 5 * 60 * 1000;

/// Reference data: defined by admins and supervisors, read by everyone in scope.
pub const REFERENCE_RECORD_TYPES: &[&str] = &[
    "household",
    "guard_post",
    "checkpoint",
    "checklist_template",
    "repair_category",
    "price_item",
    "project_settings",
    // The departments a finding's rectification is assigned to (工程部, 保洁部…).
    "department",
];

pub fn is_reference(record_type: &str) -> bool {
    REFERENCE_RECORD_TYPES.contains(&record_type)
}

/// Record types where nothing may ever be altered or removed: the only kinds allowed are
/// the listed additions. ("no page torn out, nothing altered" — the duty record rule.)
pub const APPEND_ONLY: &[(&str, &[&str])] = &[("duty_log", &["duty_log.entry_added"])];

/// How a push treats an event's kind and version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindStatus {
    /// Known kind and version; the payload matched its schema.
    Known,
    /// Not a kind this build knows, or a newer `v`: stored and passed on, ignored by folds.
    Unknown,
}

/// The kind suffix of [`ConflictReviewed`].
pub const CONFLICT_REVIEWED: &str = "conflict_reviewed";

/// Whether `ev` is its record type's `conflict_reviewed`.
pub fn is_conflict_review(ev: &Event) -> bool {
    ev.kind
        .as_str()
        .strip_prefix(ev.record_type.as_str())
        .and_then(|rest| rest.strip_prefix('.'))
        == Some(CONFLICT_REVIEWED)
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Checks an event's payload against its kind's schema. Unknown kinds and newer versions
/// pass as `Unknown`; append-only record types refuse anything but their additions. The
/// order matters: the append-only rule first (nothing else may ever be written to a duty
/// log, not even a review), then versions, reference data, conflict reviews (any record type),
/// and last the record type's own check from the registry.
pub fn check_payload(ev: &Event) -> Result<KindStatus, Rejection> {
    for (rt, allowed) in APPEND_ONLY {
        if ev.record_type.as_str() == *rt && !allowed.contains(&ev.kind.as_str()) {
            return Err(Rejection::new(
                RejectCode::Immutable,
                format!(
                    "`{}` entries can never be changed or deleted; add a new entry with `corrects` pointing at the original instead",
                    rt
                ),
            ));
        }
    }
    if ev.v > 1 {
        return Ok(KindStatus::Unknown);
    }
    let kind = ev.kind.as_str();
    let known = if is_reference(ev.record_type.as_str()) {
        records::check_reference(ev.record_type.as_str(), kind, &ev.payload)
    } else if is_conflict_review(ev) {
        records::parse_payload::<ConflictReviewed>(&ev.payload)
            .and_then(|p| p.check())
            .map(|()| true)
    } else {
        // By the kind's own prefix: a push has already refused a kind of another record type.
        let of = ev.kind.record_type();
        match records::RECORD_TYPES.iter().find(|d| d.name == of) {
            Some(def) => (def.check)(kind, &ev.payload),
            None => Ok(false),
        }
    };
    match known {
        Ok(true) => Ok(KindStatus::Known),
        Ok(false) => Ok(KindStatus::Unknown),
        Err(what) => Err(Rejection::new(
            RejectCode::Invalid,
            format!("`{kind}`: {what}"),
        )),
    }
}

/// Checks the event's stamp against the server clock (sync-protocol §3).
pub fn check_clock(ev: &Event, server_now_ms: u64) -> Result<(), Rejection> {
    if ev.hlc.ms > server_now_ms.saturating_add(MAX_CLOCK_AHEAD_MS) {
        return Err(Rejection::new(
            RejectCode::ClockSkew,
            format!(
                "event is stamped {} s ahead of the server clock (limit 300 s); correct the device clock offset from server_time, re-stamp and push again",
                (ev.hlc.ms - server_now_ms) / 1000
            ),
        ));
    }
    Ok(())
}

/// The technician a `repair_order.assigned` or `finding.assigned` event hands the record to;
/// the server grants that technician access to the whole record from then on.
pub fn assignee(ev: &Event) -> Option<UserId> {
    if matches!(
        ev.kind.as_str(),
        "repair_order.assigned" | "finding.assigned"
    ) && ev.v == 1
    {
        ev.payload
            .get("technician_id")
            .and_then(|t| t.as_str())
            .and_then(|t| UserId::parse(t).ok())
    } else {
        None
    }
}

/// The patrol finding a repair order was made from, read off its `repair_order.created`
/// event. Whoever the order is assigned to is granted that finding too, so the technician's
/// completion can record the finding as rectified and the finder re-checks it (the closure
/// loop runs through the order instead of a second rectification).
pub fn made_from(ev: &Event) -> Option<RecordId> {
    if ev.kind.as_str() == "repair_order.created" && ev.v == 1 {
        ev.payload
            .get("finding_id")
            .and_then(|t| t.as_str())
            .and_then(|t| RecordId::parse(t).ok())
    } else {
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::event::tests::sample_json;
    use serde_json::json;

    pub(crate) fn ev(kind: &str, payload: serde_json::Value) -> Event {
        let mut j = sample_json();
        j["record_type"] = json!(kind.split('.').next().unwrap());
        j["kind"] = json!(kind);
        j["payload"] = payload;
        Event::from_json(&j).unwrap()
    }

    #[test]
    fn a_conflict_review_of_any_record_type_must_name_the_events_it_settles() {
        let id = "01890a5d-ac96-774b-bcce-b302099a8057";
        for rt in ["repair_order", "finding", "complaint", "patrol_round"] {
            let kind = format!("{rt}.conflict_reviewed");
            assert_eq!(
                check_payload(&ev(&kind, json!({"event_ids": [id], "note": "已核实"}))),
                Ok(KindStatus::Known)
            );
            let err = check_payload(&ev(&kind, json!({"event_ids": []}))).unwrap_err();
            assert_eq!(err.code, RejectCode::Invalid);
            assert!(err.message.contains("event_ids"), "{}", err.message);
            assert!(check_payload(&ev(&kind, json!({"event_ids": [id], "note": " "}))).is_err());
        }
        // Only the record's own type: a finding's review kind on an order is not a review.
        let mut other = ev("repair_order.x", json!({}));
        other.kind = crate::event::Kind::parse("finding.conflict_reviewed").unwrap();
        assert!(!is_conflict_review(&other));
    }

    #[test]
    fn an_order_made_from_a_finding_names_it_and_other_events_name_nothing() {
        let finding = "01890a5d-ac96-774b-bcce-b302099a8057";
        let made = ev(
            "repair_order.created",
            json!({"description": "漏水", "finding_id": finding}),
        );
        assert_eq!(
            made_from(&made).map(|r| r.to_string()).as_deref(),
            Some(finding)
        );
        assert_eq!(
            made_from(&ev("repair_order.created", json!({"description": "漏水"}))),
            None
        );
        let assigned = ev("repair_order.assigned", json!({"finding_id": finding}));
        assert_eq!(made_from(&assigned), None, "only the creation links");
    }

    #[test]
    fn editing_or_deleting_a_duty_log_entry_is_refused_as_immutable() {
        for kind in ["duty_log.entry_edited", "duty_log.entry_deleted"] {
            let r = check_payload(&ev(kind, json!({"text": "x"}))).unwrap_err();
            assert_eq!(r.code, RejectCode::Immutable, "{kind}");
            assert!(r.message.contains("corrects"));
        }
    }

    #[test]
    fn an_unknown_kind_from_a_newer_client_passes_as_unknown() {
        assert_eq!(
            check_payload(&ev("patrol.item_checked", json!({"x": 1}))),
            Ok(KindStatus::Unknown)
        );
        let mut e = ev("repair_order.created", json!({"anything": true}));
        e.v = 2;
        assert_eq!(check_payload(&e), Ok(KindStatus::Unknown));
    }

    #[test]
    fn an_event_more_than_five_minutes_ahead_is_clock_skew() {
        let e = ev("duty_log.entry_added", json!({"text": "x"}));
        let now = e.hlc.ms - MAX_CLOCK_AHEAD_MS;
        assert!(check_clock(&e, now).is_ok());
        assert_eq!(
            check_clock(&e, now - 1).unwrap_err().code,
            RejectCode::ClockSkew
        );
    }

    /// Found by the fuzz harness (tests/fuzz.rs): the limit was `server_now_ms + 300 s`,
    /// which overflowed (a panic in debug builds) for a server time within 300 s of u64::MAX.
    #[test]
    fn the_clock_check_does_not_overflow_at_the_end_of_time() {
        let mut e = ev("duty_log.entry_added", json!({"text": "x"}));
        for ms in [0, u64::MAX] {
            e.hlc.ms = ms;
            assert!(check_clock(&e, u64::MAX).is_ok());
            assert!(check_clock(&e, u64::MAX - MAX_CLOCK_AHEAD_MS + 1).is_ok());
        }
        assert_eq!(check_clock(&e, 0).unwrap_err().code, RejectCode::ClockSkew);
    }

    #[test]
    fn patrol_and_finding_payloads_are_checked_on_push_with_the_kind_named() {
        let err = check_payload(&ev("finding.rectified", json!({}))).unwrap_err();
        assert_eq!(err.code, RejectCode::Invalid);
        assert!(err.message.contains("finding.rectified"), "{}", err.message);
        let start =
            json!({"template_id": "019aa8b0-0000-7000-8000-0000000000c1", "template_version": 1});
        assert_eq!(
            check_payload(&ev("patrol_round.started", start)),
            Ok(KindStatus::Known)
        );
        assert_eq!(
            check_payload(&ev("patrol_round.teleported", json!({}))),
            Ok(KindStatus::Unknown)
        );
    }
}
