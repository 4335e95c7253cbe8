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
    if ev.hlc.ms > server_now_ms + MAX_CLOCK_AHEAD_MS {
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
mod tests {
    use super::*;
    use crate::event::tests::sample_json;
    use serde_json::json;

    fn ev(kind: &str, payload: serde_json::Value) -> Event {
        let mut j = sample_json();
        j["record_type"] = json!(kind.split('.').next().unwrap());
        j["kind"] = json!(kind);
        j["payload"] = payload;
        Event::from_json(&j).unwrap()
    }

    #[test]
    fn a_checkpoint_lists_its_groups_as_names() {
        let mut ok = ev(
            "checkpoint.defined",
            json!({"name": "东门", "code": "CP-A-01", "groups": ["绿化", "车辆"]}),
        );
        ok.record_type = crate::event::RecordType::parse("checkpoint").unwrap();
        assert_eq!(check_payload(&ok), Ok(KindStatus::Known));
        for groups in [json!("绿化"), json!([1]), json!([""])] {
            let mut bad = ok.clone();
            bad.payload["groups"] = groups;
            let err = check_payload(&bad).unwrap_err();
            assert!(err.message.contains("groups"), "{}", err.message);
        }
    }

    #[test]
    fn a_quote_must_add_up_and_list_real_items() {
        let item = json!({"name": "水龙头", "quantity": 2, "unit_price_cents": 3500});
        let ok = json!({"description": "换水龙头", "quote": {"items": [item], "total_cents": 7000, "owner_consented": true}});
        assert_eq!(
            check_payload(&ev("repair_order.created", ok)),
            Ok(KindStatus::Known)
        );
        for (quote, why) in [
            (
                json!({"items": [item], "total_cents": 6999, "owner_consented": true}),
                "sum",
            ),
            (
                json!({"items": [], "total_cents": 0, "owner_consented": false}),
                "at least one",
            ),
            (
                json!({"items": [{"name": "x", "quantity": 0, "unit_price_cents": 1}], "total_cents": 0, "owner_consented": false}),
                "quantity",
            ),
        ] {
            let bad = json!({"fields": {"quote": quote}});
            let err = check_payload(&ev("repair_order.updated", bad)).unwrap_err();
            assert!(err.message.contains(why), "{why}: {}", err.message);
        }
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
    fn an_arrival_may_carry_a_position_that_makes_sense() {
        let at = |p| ev("repair_order.arrived", p);
        assert!(check_payload(&at(json!({}))).is_ok());
        let here = json!({"position": {"lat": 31.2, "lon": 121.5, "accuracy_m": 12.0}});
        assert!(check_payload(&at(here)).is_ok());
        let bad = json!({"position": {"lat": 131.2, "lon": 121.5, "accuracy_m": 12.0}});
        let r = check_payload(&at(bad)).unwrap_err();
        assert!(r.message.contains("lat"), "{}", r.message);
    }

    #[test]
    fn a_charge_is_refused_without_the_owners_consent() {
        let material = json!([{"name": "存水弯密封圈", "quantity": 1, "unit_price_cents": 1500}]);
        let r = check_payload(&ev(
            "repair_order.completed",
            json!({"materials": material, "charge_cents": 1500}),
        ))
        .unwrap_err();
        assert!(r.message.contains("consent"), "{}", r.message);
        assert!(check_payload(&ev(
            "repair_order.completed",
            json!({"materials": material, "charge_cents": 1500, "owner_consented": true}),
        ))
        .is_ok());
        assert!(
            check_payload(&ev("repair_order.completed", json!({"labour_minutes": 30}))).is_ok()
        );
    }

    #[test]
    fn a_duty_log_entry_needs_only_text() {
        assert_eq!(
            check_payload(&ev("duty_log.entry_added", json!({"text": "夜班正常"}))),
            Ok(KindStatus::Known)
        );
    }

    #[test]
    fn an_empty_duty_log_entry_is_invalid() {
        let r = check_payload(&ev("duty_log.entry_added", json!({"text": "  "}))).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid);
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
    fn a_repair_order_without_description_is_invalid() {
        let r = check_payload(&ev("repair_order.created", json!({"urgent": true}))).unwrap_err();
        assert!(r.message.contains("description"));
    }

    #[test]
    fn satisfaction_outside_one_to_five_is_invalid() {
        assert!(check_payload(&ev(
            "repair_order.return_visited",
            json!({"satisfaction": 6})
        ))
        .is_err());
        assert!(check_payload(&ev(
            "repair_order.return_visited",
            json!({"satisfaction": 5})
        ))
        .is_ok());
    }

    #[test]
    fn a_signature_is_a_hash_or_a_refusal_with_reason() {
        let h = "a".repeat(64);
        assert!(check_payload(&ev("repair_order.signature_added", json!({"sha256": h}))).is_ok());
        assert!(check_payload(&ev(
            "repair_order.signature_added",
            json!({"refused_reason": "业主不在家"})
        ))
        .is_ok());
        assert!(check_payload(&ev("repair_order.signature_added", json!({}))).is_err());
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

    #[test]
    fn reference_definitions_need_a_name() {
        assert!(check_payload(&ev("guard_post.defined", json!({"name": "东门岗"}))).is_ok());
        assert!(check_payload(&ev("guard_post.defined", json!({}))).is_err());
    }

    #[test]
    fn a_checkpoint_needs_a_code_that_can_be_printed_and_typed() {
        let cp = |p| check_payload(&ev("checkpoint.defined", p));
        assert!(cp(json!({"name": "6幢大堂", "code": "CP-B-07", "order": 7})).is_ok());
        let no_code = cp(json!({"name": "6幢大堂"})).unwrap_err();
        assert!(no_code.message.contains("code"), "{}", no_code.message);
        assert!(cp(json!({"name": "6幢大堂", "code": "CP B 07"})).is_err());
        assert!(check_payload(&ev("checkpoint.retired", json!({}))).is_ok());
    }

    #[test]
    fn complaint_payloads_are_checked_with_reasons() {
        let ok = |kind: &str, p: serde_json::Value| check_payload(&ev(kind, p));
        assert_eq!(
            ok("complaint.registered", json!({"description": "电梯噪音"})),
            Ok(KindStatus::Known)
        );
        let no_text = ok("complaint.registered", json!({"reporter_name": "王先生"})).unwrap_err();
        assert!(
            no_text.message.contains("description"),
            "{}",
            no_text.message
        );
        assert!(ok("complaint.replied", json!({"reply": "  "})).is_err());
        assert!(ok("complaint.return_visited", json!({"satisfaction": 0})).is_err());
        assert!(ok("complaint.updated", json!({})).is_err());
        assert!(ok("complaint.effective_set", json!({"effective": "yes"})).is_err());
        assert_eq!(
            ok("complaint.escalated", json!({})),
            Ok(KindStatus::Unknown)
        );
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
