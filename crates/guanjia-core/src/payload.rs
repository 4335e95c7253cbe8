//! Typed event payloads: the [`Payload`] trait the app writes every event through, and the
//! small payload shapes several record types share. Each record type's own payloads live
//! with its fold in `records/<type>.rs`.

use crate::ids::EventId;
use serde::{Deserialize, Serialize};

/// A typed event payload: the kind it is written as. The app builds every event through this,
/// so a misspelled kind or field does not compile.
pub trait Payload: Serialize {
    const RECORD_TYPE: &'static str;
    const KIND: &'static str;

    /// The record type this payload is written to, as a type (for screens that name a
    /// record's type, e.g. to settle its conflict).
    fn record_type() -> crate::event::RecordType {
        // Every registered payload's record type parses (a core test proves it).
        crate::event::RecordType::parse(Self::RECORD_TYPE).expect("registered record type")
    }
}

/// Implements [`Payload`] for every `Type => "kind"` of one record type and lists those kinds
/// as the module's `PAYLOADS`, which the registry (`records::RECORD_TYPES`) carries so a test
/// can prove every kind parses and names its record type.
macro_rules! payloads {
    ($record_type:literal { $($ty:ty => $kind:literal),* $(,)? }) => {
        $(impl $crate::payload::Payload for $ty {
            const RECORD_TYPE: &'static str = $record_type;
            const KIND: &'static str = $kind;
        })*

        /// The typed payloads of this record type: `(record type, kind)` of each.
        pub(crate) const PAYLOADS: &[(&str, &str)] = &[$((
            <$ty as $crate::payload::Payload>::RECORD_TYPE,
            <$ty as $crate::payload::Payload>::KIND,
        )),*];
    };
}
pub(crate) use payloads;

/// Free text the checks accept: not blank, at most 10,000 characters.
pub(crate) fn text_ok(s: &str) -> bool {
    !s.trim().is_empty() && s.chars().count() <= 10_000
}

/// `Ok(())` when `ok`, else `what` as the reason (the dispatcher names the kind).
pub(crate) fn need(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextNote {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub sha256: String,
    /// Left out when there is none: the app's intake photos carry no caption key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// An owner's signature, or why there is none. Absent fields are left out, as the app
/// sends them (`{"sha256"}` or `{"refused_reason"}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// The signature image (PNG) by hash; absent when the owner refused to sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

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

impl ConflictReviewed {
    /// The push check of every `<type>.conflict_reviewed`.
    pub(crate) fn check(&self) -> Result<(), String> {
        need(
            !self.event_ids.is_empty() && self.event_ids.len() <= 500,
            "name the conflicting events you looked at (1–500 `event_ids`)",
        )?;
        need(
            self.note.as_deref().is_none_or(text_ok),
            "a note, when given, must be non-empty (at most 10,000 characters)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Kind, RecordType};
    use crate::ids::{ProjectId, RecordId, UserId};
    use crate::records::*;
    use crate::replica::Draft;
    use serde_json::{json, Value};

    fn id(n: u8) -> RecordId {
        RecordId::from_parts(1_700_000_000_000, [n; 10])
    }

    /// The typed payload makes exactly the JSON the app writes today, under the same kind,
    /// and the push check accepts it.
    #[track_caller]
    fn same<P: Payload>(typed: P, app: Value) {
        let d = Draft::new(id(1), ProjectId::from_parts(1, [1; 10]), None, &typed);
        assert_eq!(d.payload, app, "{}", P::KIND);
        assert_eq!(
            (d.record_type.as_str(), d.kind.as_str()),
            (P::RECORD_TYPE, P::KIND)
        );
        d.check()
            .unwrap_or_else(|e| panic!("{}: {}", P::KIND, e.message));
    }

    #[test]
    fn every_payload_kind_parses_and_names_its_record_type() {
        let mut n = 0;
        for def in RECORD_TYPES {
            for &(record_type, kind) in def.payloads {
                assert_eq!(record_type, def.name, "{kind}");
                RecordType::parse(record_type).unwrap();
                assert_eq!(Kind::parse(kind).unwrap().record_type(), record_type);
                assert!(kind.starts_with(&format!("{record_type}.")), "{kind}");
                // The record type's check knows the kind: it answers accepted or refused,
                // never "unknown" (which would let any payload through).
                assert_ne!((def.check)(kind, &json!({})), Ok(false), "{kind}");
                n += 1;
            }
        }
        assert_eq!(
            n,
            14 + 9 + 8 + 5 + 1,
            "every kind the app writes has one type"
        );
    }

    #[test]
    fn a_kind_without_fields_is_written_as_an_empty_object_and_accepted() {
        same(RepairAccepted {}, json!({}));
        same(RepairOnTheWay {}, json!({}));
        same(RepairClosed {}, json!({}));
        same(ComplaintInvestigating {}, json!({}));
        same(ComplaintClosed {}, json!({}));
        same(RoundFinished {}, json!({}));
    }

    #[test]
    fn the_repair_order_payloads_the_app_writes_have_typed_equivalents_with_the_same_json() {
        let (h, c, f) = (id(2), id(3), id(4));
        let sha = "a".repeat(64);
        let quote = Quote {
            items: vec![Material {
                name: "水龙头".into(),
                quantity: 2.0,
                unit_price_cents: 3500,
            }],
            total_cents: 7000,
            owner_consented: true,
        };
        let app_quote = json!({"items": [{"name": "水龙头", "quantity": 2, "unit_price_cents": 3500}], "total_cents": 7000, "owner_consented": true});
        // orders.rs intake: optional fields only when filled in.
        same(
            RepairCreated {
                fields: RepairFields {
                    description: Some("厨房漏水".into()),
                    urgent: Some(false),
                    request_kind: Some(RequestKind::Repair),
                    ..Default::default()
                },
                finding_id: None,
            },
            json!({"description": "厨房漏水", "urgent": false, "request_kind": "repair"}),
        );
        same(
            RepairCreated {
                fields: RepairFields {
                    description: Some("厨房漏水".into()),
                    category_id: Some(c),
                    household_id: Some(h),
                    location: Some("厨房".into()),
                    urgent: Some(true),
                    appointment: Some("2026-05-01T09:00:00+08:00".into()),
                    reporter_name: Some("王先生".into()),
                    reporter_phone: Some("13800000000".into()),
                    request_kind: Some(RequestKind::Repair),
                    quote: Some(quote.clone()),
                },
                finding_id: None,
            },
            json!({"description": "厨房漏水", "urgent": true, "request_kind": "repair",
                "quote": app_quote, "household_id": h, "appointment": "2026-05-01T09:00:00+08:00",
                "category_id": c, "location": "厨房", "reporter_name": "王先生", "reporter_phone": "13800000000"}),
        );
        // findings.rs: an order made from a finding.
        same(
            RepairCreated {
                fields: RepairFields {
                    description: Some("井盖松动".into()),
                    location: Some("4 1".into()),
                    request_kind: Some(RequestKind::Repair),
                    household_id: Some(h),
                    ..Default::default()
                },
                finding_id: Some(f),
            },
            json!({"description": "井盖松动", "location": "4 1", "request_kind": "repair", "finding_id": f, "household_id": h}),
        );
        let photo = |caption: Option<&str>| {
            RepairPhotoAdded(PhotoRef {
                sha256: sha.clone(),
                caption: caption.map(Into::into),
            })
        };
        same(photo(None), json!({"sha256": sha}));
        same(
            photo(Some("finding")),
            json!({"sha256": sha, "caption": "finding"}),
        );
        same(
            photo(Some(AFTER_CAPTION)),
            json!({"sha256": sha, "caption": AFTER_CAPTION}),
        );
        same(
            RepairUpdated {
                fields: RepairFields {
                    category_id: Some(c),
                    urgent: Some(true),
                    ..Default::default()
                },
            },
            json!({"fields": {"category_id": c, "urgent": true}}),
        );
        same(
            RepairUpdated {
                fields: RepairFields {
                    appointment: Some("2026-05-01T09:00:00+08:00".into()),
                    ..Default::default()
                },
            },
            json!({"fields": {"appointment": "2026-05-01T09:00:00+08:00"}}),
        );
        let tech = UserId::from_parts(1, [7; 10]);
        same(
            RepairAssigned {
                technician_id: tech,
            },
            json!({"technician_id": tech}),
        );
        same(RepairArrived { position: None }, json!({}));
        same(
            RepairArrived {
                position: Some(Position {
                    lat: 31.2,
                    lon: 121.5,
                    accuracy_m: 12.0,
                }),
            },
            json!({"position": {"lat": 31.2, "lon": 121.5, "accuracy_m": 12.0}}),
        );
        same(
            RepairCompleted {
                labour_minutes: Some(30),
                materials: quote.items.clone(),
                charge_cents: Some(7000),
                result_note: None,
                owner_consented: Some(true),
            },
            json!({"result_note": null, "labour_minutes": 30, "materials": app_quote["items"],
                "charge_cents": 7000, "owner_consented": true}),
        );
        same(
            RepairReturnVisited {
                satisfaction: 5,
                comment: None,
                method: Some("phone".into()),
            },
            json!({"satisfaction": 5, "comment": null, "method": "phone"}),
        );
        let reason = || Reason {
            reason: "业主取消".into(),
        };
        same(RepairCancelled(reason()), json!({"reason": "业主取消"}));
        same(RepairFixAgain(reason()), json!({"reason": "业主取消"}));
        same(
            RepairNoteAdded(TextNote {
                text: "已电话联系".into(),
            }),
            json!({"text": "已电话联系"}),
        );
        let signed = Signature {
            sha256: Some(sha.clone()),
            signer: None,
            refused_reason: None,
        };
        same(RepairSignatureAdded(signed), json!({"sha256": sha}));
        let refused = Signature {
            sha256: None,
            signer: None,
            refused_reason: Some("业主不在家".into()),
        };
        same(
            RepairSignatureAdded(refused),
            json!({"refused_reason": "业主不在家"}),
        );
    }

    #[test]
    fn the_complaint_payloads_the_app_writes_have_typed_equivalents_with_the_same_json() {
        let (h, o) = (id(2), id(3));
        same(
            ComplaintFields {
                description: Some("电梯噪音".into()),
                household_id: Some(h),
                reporter_name: Some("王先生".into()),
                reporter_phone: Some("13800000000".into()),
                repair_order_id: Some(o),
            },
            json!({"description": "电梯噪音", "household_id": h, "reporter_name": "王先生",
                "reporter_phone": "13800000000", "repair_order_id": o}),
        );
        same(
            ComplaintReply {
                reply: "已修复".into(),
            },
            json!({"reply": "已修复"}),
        );
        same(
            ComplaintReopened(Reason {
                reason: "仍有噪音".into(),
            }),
            json!({"reason": "仍有噪音"}),
        );
        same(
            ComplaintNoteAdded(TextNote {
                text: "已上门".into(),
            }),
            json!({"text": "已上门"}),
        );
        same(
            ComplaintReturnVisited(RepairReturnVisited {
                satisfaction: 4,
                comment: Some("满意".into()),
                method: Some("in_person".into()),
            }),
            json!({"satisfaction": 4, "comment": "满意", "method": "in_person"}),
        );
        for effective in [true, false] {
            same(
                Effective {
                    effective,
                    reason: None,
                },
                json!({"effective": effective}),
            );
        }
        same(
            ComplaintUpdated(ComplaintFields {
                reporter_phone: Some("13900000000".into()),
                ..Default::default()
            }),
            json!({"reporter_phone": "13900000000"}),
        );
    }

    #[test]
    fn the_finding_payloads_the_app_writes_have_typed_equivalents_with_the_same_json() {
        let (round, cp, order) = (id(2), id(3), id(4));
        let sha = "b".repeat(64);
        same(
            FindingReported {
                note: "消防通道堵塞".into(),
                severity: Severity::Major,
                checkpoint_id: Some(cp),
                building: None,
                unit: Some("2".into()),
                household_id: None,
                round_id: Some(round),
                item_id: Some("fire-1".into()),
                photos: vec![sha.clone()],
            },
            json!({"note": "消防通道堵塞", "severity": "major", "checkpoint_id": cp, "building": null,
                "unit": "2", "round_id": round, "item_id": "fire-1", "photos": [sha]}),
        );
        let tech = UserId::from_parts(1, [7; 10]);
        same(
            FindingAssigned {
                department: Some("工程部".into()),
                repair_order_id: None,
                technician_id: Some(tech),
            },
            json!({"department": "工程部", "technician_id": tech}),
        );
        same(
            FindingAssigned {
                department: None,
                repair_order_id: Some(order),
                technician_id: None,
            },
            json!({"repair_order_id": order}),
        );
        same(
            FindingRectified {
                photo: sha.clone(),
                note: None,
            },
            json!({"photo": sha, "note": null}),
        );
        same(
            FindingRechecked {
                passed: false,
                reason: Some("仍堵塞".into()),
                photo: None,
            },
            json!({"passed": false, "reason": "仍堵塞", "photo": null}),
        );
        same(
            FindingClosedOnTheSpot(Reason {
                reason: "当场挪开".into(),
            }),
            json!({"reason": "当场挪开"}),
        );
        same(
            FindingExplained(TextNote {
                text: "等配件".into(),
            }),
            json!({"text": "等配件"}),
        );
        same(
            FindingNoteAdded(TextNote {
                text: "已通知".into(),
            }),
            json!({"text": "已通知"}),
        );
        same(
            FindingPhotoAdded {
                sha256: sha.clone(),
            },
            json!({"sha256": sha}),
        );
    }

    #[test]
    fn the_patrol_and_duty_log_payloads_the_app_writes_have_typed_equivalents_with_the_same_json() {
        let (template, cp, finding) = (id(2), id(3), id(4));
        same(
            RoundStarted {
                template_id: template,
                template_version: 3,
            },
            json!({"template_id": template, "template_version": 3}),
        );
        let scan = |corrected_time: Option<&str>, position| CheckpointScanned {
            checkpoint_id: cp,
            method: ScanMethod::Qr,
            corrected_time: corrected_time.map(Into::into),
            position,
        };
        same(
            scan(None, None),
            json!({"checkpoint_id": cp, "method": "qr"}),
        );
        let here = Position {
            lat: 30.2,
            lon: 120.1,
            accuracy_m: 8.0,
        };
        same(
            scan(Some("2026-05-01T01:00:00.000Z"), Some(here)),
            json!({"checkpoint_id": cp, "method": "qr", "corrected_time": "2026-05-01T01:00:00.000Z",
                "position": {"lat": 30.2, "lon": 120.1, "accuracy_m": 8.0}}),
        );
        let answer = |verdict, checkpoint_id, finding_id| ItemAnswered {
            item_id: "fire-1".into(),
            answer: Answer {
                verdict,
                checkpoint_id,
                finding_id,
            },
        };
        same(
            answer(Verdict::Pass, None, None),
            json!({"item_id": "fire-1", "verdict": "pass", "checkpoint_id": null}),
        );
        same(
            answer(Verdict::Fail, Some(cp), Some(finding)),
            json!({"item_id": "fire-1", "verdict": "fail", "checkpoint_id": cp, "finding_id": finding}),
        );
        same(
            RoundAbandoned(Reason {
                reason: "暴雨".into(),
            }),
            json!({"reason": "暴雨"}),
        );
        let (post, earlier) = (id(5), crate::ids::EventId::from_parts(1, [6; 10]));
        same(
            DutyEntryAdded {
                text: "夜班正常".into(),
                corrects: None,
                post_id: Some(post),
            },
            json!({"text": "夜班正常", "post_id": post}),
        );
        same(
            DutyEntryAdded {
                text: "更正：22:00 巡逻".into(),
                corrects: Some(earlier),
                post_id: Some(post),
            },
            json!({"text": "更正：22:00 巡逻", "post_id": post, "corrects": earlier}),
        );
    }
}
