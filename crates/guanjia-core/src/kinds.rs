//! Every event kind the core knows, its payload schema and the checks a push runs on it.
//! Adding a record type = add its kinds here, its fold in `records/`, and document it in
//! API.md. Kinds not listed here are stored and passed on untouched (newer clients).

use crate::event::Event;
use crate::ids::{EventId, RecordId, UserId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

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

// ----- payload schemas (v1) -----

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyEntryAdded {
    pub text: String,
    /// The entry this one corrects (an event id of the same duty log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<RecordId>,
}

/// Help-request kinds of the front desk (003 业主求助).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    EmergencyMedical,
    Repair,
    Complaint,
    Enquiry,
    SecurityIncident,
    Disaster,
    Other,
}

/// The editable fields of a repair order; every one is last-writer-wins.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_id: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_kind: Option<RequestKind>,
    /// Paid work (有偿服务) priced from the project's price list before the work, and
    /// whether the owner agreed to the price (domain.md §2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Quote>,
}

/// The price quoted to the owner before paid work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub items: Vec<Material>,
    pub total_cents: i64,
    pub owner_consented: bool,
}

impl Quote {
    /// The total of its items, each rounded to the fen.
    pub fn sum_cents(items: &[Material]) -> i64 {
        items
            .iter()
            .map(|m| (m.quantity * m.unit_price_cents as f64).round() as i64)
            .sum()
    }
}

impl RepairFields {
    fn is_empty(&self) -> bool {
        *self == RepairFields::default()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepairCreated {
    #[serde(flatten)]
    pub fields: RepairFields,
    /// The patrol finding the order was started from (the finding links back by its
    /// `finding.assigned` with this order's id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<RecordId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepairUpdated {
    pub fields: RepairFields,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepairAssigned {
    pub technician_id: UserId,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    pub quantity: f64,
    #[serde(default)]
    pub unit_price_cents: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairCompleted {
    #[serde(default)]
    pub labour_minutes: Option<u32>,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub charge_cents: Option<i64>,
    #[serde(default)]
    pub result_note: Option<String>,
    /// The owner agreed to the price (from the posted price list) before the work; a charge
    /// without it is refused (domain.md §2: 有偿服务 needs consent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_consented: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepairReturnVisited {
    /// 1 (very dissatisfied) … 5 (very satisfied).
    pub satisfaction: u8,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
}

/// `<record_type>.conflict_reviewed`: someone looked at a record's conflict (ignored
/// transitions, field writes nobody saw) and settled it. Any record type takes it, so a new
/// record type gets conflict resolution without a mechanism of its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictReviewed {
    /// The conflicting events that were looked at (an ignored transition, or every write
    /// of a conflicting field).
    pub event_ids: Vec<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextNote {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub sha256: String,
    #[serde(default)]
    pub caption: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// The signature image (PNG) by hash; absent when the owner refused to sign.
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub signer: Option<String>,
    #[serde(default)]
    pub refused_reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

/// The technician's arrival; the position when the phone allowed it (domain.md §2: the
/// arrival time is what the limit checks, the position backs it up).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairArrived {
    #[serde(default)]
    pub position: Option<crate::records::Position>,
}

/// The editable fields of a complaint (`complaint.registered` and `complaint.updated`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_id: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter_phone: Option<String>,
    /// The repair order the complaint is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_order_id: Option<RecordId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComplaintReply {
    pub reply: String,
}

/// Whether a complaint counts as an effective complaint (有效投诉) for the KPI.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Effective {
    pub effective: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

fn parse<T: DeserializeOwned>(ev: &Event) -> Result<T, Rejection> {
    serde_json::from_value(ev.payload.clone()).map_err(|e| {
        Rejection::new(
            RejectCode::Invalid,
            format!("payload does not match `{}` v{}: {e}", ev.kind, ev.v),
        )
    })
}

fn need(ok: bool, ev: &Event, what: &str) -> Result<(), Rejection> {
    if ok {
        Ok(())
    } else {
        Err(Rejection::new(
            RejectCode::Invalid,
            format!("`{}`: {what}", ev.kind),
        ))
    }
}

fn text_ok(s: &str) -> bool {
    !s.trim().is_empty() && s.chars().count() <= 10_000
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn check_fields(ev: &Event, f: &RepairFields) -> Result<(), Rejection> {
    if let Some(d) = &f.description {
        need(
            text_ok(d),
            ev,
            "description must be non-empty text (at most 10,000 characters)",
        )?;
    }
    if let Some(a) = &f.appointment {
        need(
            chrono::DateTime::parse_from_rfc3339(a).is_ok(),
            ev,
            "appointment must be an RFC 3339 time",
        )?;
    }
    if let Some(q) = &f.quote {
        need(
            !q.items.is_empty()
                && q.items.iter().all(|m| {
                    text_ok(&m.name) && m.quantity > 0.0 && m.unit_price_cents >= 0
                }),
            ev,
            "a quote lists at least one priced item, each with a name, a quantity above 0 and a price of 0 or more",
        )?;
        need(
            q.total_cents == Quote::sum_cents(&q.items),
            ev,
            "the quote's total_cents must be the sum of its items (quantity × unit price, to the fen)",
        )?;
    }
    Ok(())
}

/// The reference-data kinds all share one shape: `<type>.defined` with the full current
/// field values (fields are last-writer-wins), and `<type>.retired`.
fn check_reference(ev: &Event) -> Result<KindStatus, Rejection> {
    let what = ev.kind.as_str().rsplit('.').next().unwrap_or("");
    match what {
        "defined" => {
            let name_ok = ev
                .payload
                .get("name")
                .and_then(|n| n.as_str())
                .is_some_and(text_ok);
            need(name_ok, ev, "payload needs a non-empty `name`")?;
            if ev.record_type.as_str() == "checkpoint" {
                let code_ok = ev
                    .payload
                    .get("code")
                    .and_then(|c| c.as_str())
                    .is_some_and(crate::records::checkpoint_code_ok);
                need(
                    code_ok,
                    ev,
                    "a checkpoint needs a `code` of 1–20 letters, digits, - or _ (printed as its QR)",
                )?;
                let groups_ok = ev.payload.get("groups").is_none_or(|g| {
                    g.is_null()
                        || g.as_array().is_some_and(|a| {
                            a.len() <= 100 && a.iter().all(|x| x.as_str().is_some_and(text_ok))
                        })
                });
                need(
                    groups_ok,
                    ev,
                    "a checkpoint's `groups` is a list of the checklist group names (or item ids) checked there",
                )?;
            }
            if ev.record_type.as_str() == "project_settings" {
                if let Err(why) = crate::rules::ProjectRules::parse(&ev.payload) {
                    return Err(Rejection::new(RejectCode::Invalid, why));
                }
            }
            Ok(KindStatus::Known)
        }
        "retired" => Ok(KindStatus::Known),
        _ => Ok(KindStatus::Unknown),
    }
}

/// Checks an event's payload against its kind's schema. Unknown kinds and newer versions
/// pass as `Unknown`; append-only record types refuse anything but their additions.
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
    if is_reference(ev.record_type.as_str()) {
        return check_reference(ev);
    }
    if is_conflict_review(ev) {
        let p: ConflictReviewed = parse(ev)?;
        need(
            !p.event_ids.is_empty() && p.event_ids.len() <= 500,
            ev,
            "name the conflicting events you looked at (1–500 `event_ids`)",
        )?;
        need(
            p.note.as_deref().is_none_or(text_ok),
            ev,
            "a note, when given, must be non-empty (at most 10,000 characters)",
        )?;
        return Ok(KindStatus::Known);
    }
    match ev.kind.as_str() {
        "duty_log.entry_added" => {
            let p: DutyEntryAdded = parse(ev)?;
            need(
                text_ok(&p.text),
                ev,
                "text must be non-empty (at most 10,000 characters)",
            )?;
        }
        "repair_order.created" => {
            let p: RepairCreated = parse(ev)?;
            need(
                p.fields.description.as_deref().is_some_and(text_ok),
                ev,
                "a new repair order needs a description of the fault",
            )?;
            check_fields(ev, &p.fields)?;
        }
        "repair_order.updated" => {
            let p: RepairUpdated = parse(ev)?;
            need(
                !p.fields.is_empty(),
                ev,
                "name at least one field to change",
            )?;
            check_fields(ev, &p.fields)?;
        }
        "repair_order.assigned" => {
            parse::<RepairAssigned>(ev)?;
        }
        "repair_order.accepted" | "repair_order.on_the_way" | "repair_order.closed" => {
            parse::<Empty>(ev)?;
        }
        "repair_order.arrived" => {
            let p: RepairArrived = parse(ev)?;
            if let Some(pos) = p.position {
                pos.check()
                    .map_err(|m| Rejection::new(RejectCode::Invalid, m))?;
            }
        }
        "repair_order.completed" => {
            let p: RepairCompleted = parse(ev)?;
            need(
                p.materials
                    .iter()
                    .all(|m| m.quantity >= 0.0 && m.unit_price_cents >= 0),
                ev,
                "material quantities and prices cannot be negative",
            )?;
            need(
                p.charge_cents.unwrap_or(0) >= 0,
                ev,
                "the charge cannot be negative",
            )?;
            need(
                p.charge_cents.unwrap_or(0) == 0 || p.owner_consented == Some(true),
                ev,
                "a charge needs the owner's consent to the price; ask the owner and record it",
            )?;
        }
        "repair_order.return_visited" => {
            let p: RepairReturnVisited = parse(ev)?;
            need(
                (1..=5).contains(&p.satisfaction),
                ev,
                "satisfaction is 1 (very dissatisfied) to 5 (very satisfied)",
            )?;
        }
        "repair_order.cancelled" | "repair_order.fix_again" => {
            let p: Reason = parse(ev)?;
            need(text_ok(&p.reason), ev, "give a reason")?;
        }
        "repair_order.note_added" => {
            let p: TextNote = parse(ev)?;
            need(text_ok(&p.text), ev, "text must be non-empty")?;
        }
        "repair_order.photo_added" => {
            let p: PhotoRef = parse(ev)?;
            need(
                is_sha256_hex(&p.sha256),
                ev,
                "sha256 must be 64 lowercase hex digits",
            )?;
        }
        "complaint.registered" => {
            let p: ComplaintFields = parse(ev)?;
            need(
                p.description.as_deref().is_some_and(text_ok),
                ev,
                "a new complaint needs a description of what the owner complains about",
            )?;
        }
        "complaint.updated" => {
            let p: ComplaintFields = parse(ev)?;
            need(
                p != ComplaintFields::default(),
                ev,
                "name at least one field to change",
            )?;
            if let Some(d) = &p.description {
                need(text_ok(d), ev, "description must be non-empty text")?;
            }
        }
        "complaint.investigating" | "complaint.closed" => {
            parse::<Empty>(ev)?;
        }
        "complaint.replied" => {
            let p: ComplaintReply = parse(ev)?;
            need(text_ok(&p.reply), ev, "write the reply given to the owner")?;
        }
        "complaint.return_visited" => {
            let p: RepairReturnVisited = parse(ev)?;
            need(
                (1..=5).contains(&p.satisfaction),
                ev,
                "satisfaction is 1 (very dissatisfied) to 5 (very satisfied)",
            )?;
        }
        "complaint.reopened" => {
            let p: Reason = parse(ev)?;
            need(text_ok(&p.reason), ev, "give a reason")?;
        }
        "complaint.effective_set" => {
            parse::<Effective>(ev)?;
        }
        "complaint.note_added" => {
            let p: TextNote = parse(ev)?;
            need(text_ok(&p.text), ev, "text must be non-empty")?;
        }
        "repair_order.signature_added" => {
            let p: Signature = parse(ev)?;
            match (&p.sha256, &p.refused_reason) {
                (Some(h), _) => need(
                    is_sha256_hex(h),
                    ev,
                    "sha256 must be 64 lowercase hex digits",
                )?,
                (None, Some(r)) => need(text_ok(r), ev, "a refusal needs a reason")?,
                (None, None) => need(false, ev, "send the signature's sha256, or refused_reason")?,
            }
        }
        k if k.starts_with("patrol_round.") || k.starts_with("finding.") => {
            let check = if k.starts_with("finding.") {
                crate::records::finding::check_payload
            } else {
                crate::records::patrol::check_payload
            };
            return match check(k, &ev.payload) {
                Ok(true) => Ok(KindStatus::Known),
                Ok(false) => Ok(KindStatus::Unknown),
                Err(what) => Err(Rejection::new(
                    RejectCode::Invalid,
                    format!("`{}`: {what}", ev.kind),
                )),
            };
        }
        _ => return Ok(KindStatus::Unknown),
    }
    Ok(KindStatus::Known)
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
