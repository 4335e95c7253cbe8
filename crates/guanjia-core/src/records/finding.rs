//! Finding (巡查问题) and its defect-closure loop (缺陷消项, domain.md §1):
//! reported → rectification assigned to a department or turned into a repair order →
//! rectified (with a photo) → re-checked by someone other than the fixer → closed, or
//! "fix again" with a reason (back to rectification). A finding still open after its limit
//! (default 2 working days) needs a written explanation. The full history is kept.

use crate::deadline::{Limit, LimitUnit, WorkCalendar};
use crate::event::{Event, OrderKey};
use crate::fold::{Applied, FieldConflict, Record};
use crate::ids::{EventId, RecordId, UserId};
use crate::kinds::is_sha256_hex;
use crate::merge::{AppendSet, Lww};
use crate::payload::{payloads, text_ok, Reason, TextNote};
use crate::records::repair_order::StatusChangeOf;
use crate::records::{guard, parse_payload, payload};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingReported {
    pub note: String,
    pub severity: Severity,
    #[serde(default)]
    pub checkpoint_id: Option<RecordId>,
    #[serde(default)]
    pub building: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    /// Left out when none: a finding from a round names no household.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household_id: Option<RecordId>,
    /// The patrol round and checklist item that found it.
    #[serde(default)]
    pub round_id: Option<RecordId>,
    #[serde(default)]
    pub item_id: Option<String>,
    /// Photos by blob hash (uploaded separately, sync-protocol §3).
    #[serde(default)]
    pub photos: Vec<String>,
}

/// Who rectifies: a department, or a repair order (linked both ways).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingAssigned {
    /// One of `department` and `repair_order_id` is given; the other is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_order_id: Option<RecordId>,
    /// The technician of the department who will fix it; the server grants them the finding
    /// (like a repair order's technician), so it reaches their phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technician_id: Option<UserId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRectified {
    /// The "after" photo (required: evidence of the fix).
    pub photo: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingRechecked {
    pub passed: bool,
    /// Why it must be fixed again (required when not passed).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub photo: Option<String>,
}

/// `finding.closed_on_the_spot`: what was done there and then, `{"reason"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FindingClosedOnTheSpot(pub Reason);

/// `finding.explained`: why the finding is still open past its limit, `{"text"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FindingExplained(pub TextNote);

/// `finding.note_added`: `{"text"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FindingNoteAdded(pub TextNote);

/// `finding.photo_added`: `{"sha256"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FindingPhotoAdded {
    pub sha256: String,
}

payloads!("finding" {
    FindingReported => "finding.reported",
    FindingAssigned => "finding.assigned",
    FindingRectified => "finding.rectified",
    FindingRechecked => "finding.rechecked",
    FindingClosedOnTheSpot => "finding.closed_on_the_spot",
    FindingExplained => "finding.explained",
    FindingNoteAdded => "finding.note_added",
    FindingPhotoAdded => "finding.photo_added",
});

/// Checks a finding payload; `Ok(false)` for kinds this build does not know.
pub fn check_payload(kind: &str, payload: &serde_json::Value) -> Result<bool, String> {
    let hash = |h: &str| {
        if is_sha256_hex(h) {
            Ok(())
        } else {
            Err("photos are sha256 hashes: 64 lowercase hex digits".to_string())
        }
    };
    match kind {
        "finding.reported" => {
            let p: FindingReported = parse_payload(payload)?;
            if !text_ok(&p.note) {
                return Err("describe the problem in the note".into());
            }
            p.photos.iter().try_for_each(|h| hash(h))?;
        }
        "finding.assigned" => {
            let p: FindingAssigned = parse_payload(payload)?;
            let dept = p.department.as_deref().is_some_and(text_ok);
            if dept == p.repair_order_id.is_some() {
                return Err("name either a department or a repair_order_id".into());
            }
        }
        "finding.rectified" => hash(&parse_payload::<FindingRectified>(payload)?.photo)?,
        "finding.rechecked" => {
            let p: FindingRechecked = parse_payload(payload)?;
            if !p.passed && !p.reason.as_deref().is_some_and(text_ok) {
                return Err("say why it must be fixed again".into());
            }
            if let Some(h) = &p.photo {
                hash(h)?;
            }
        }
        "finding.explained" => {
            let FindingExplained(p) = parse_payload(payload)?;
            if !text_ok(&p.text) {
                return Err("text must be non-empty".into());
            }
        }
        "finding.note_added" => {
            let FindingNoteAdded(p) = parse_payload(payload)?;
            if !text_ok(&p.text) {
                return Err("text must be non-empty".into());
            }
        }
        "finding.photo_added" => {
            // A missing or non-text hash is answered as a bad hash, as before it was typed.
            let p = parse_payload::<FindingPhotoAdded>(payload);
            hash(&p.map(|p| p.sha256).unwrap_or_default())?;
        }
        "finding.closed_on_the_spot" => {
            let FindingClosedOnTheSpot(p) = parse_payload(payload)?;
            if !text_ok(&p.reason) {
                return Err("say what was done on the spot".into());
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    Reported,
    Assigned,
    Rectified,
    Closed,
}

/// One step of a finding's history, with what it said.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStep {
    Reported(FindingReported),
    /// The first assignment or a reassignment.
    Assigned(FindingAssigned),
    Rectified(FindingRectified),
    Rechecked(FindingRechecked),
    ClosedOnTheSpot {
        reason: String,
    },
    Explained {
        text: String,
    },
    Note {
        text: String,
    },
    Photo {
        sha256: String,
    },
}

/// A step of the timeline with its author and time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingEntry {
    pub step: FindingStep,
    pub event_id: EventId,
    pub actor: UserId,
    pub key: OrderKey,
    /// RFC 3339 device time.
    pub device_time: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Finding {
    pub status: Option<FindingStatus>,
    pub reported: Option<FindingReported>,
    pub reported_by: Option<UserId>,
    pub reported_at: Option<String>,
    pub assignment: Lww<FindingAssigned>,
    /// Who sent the latest rectification (may not re-check it).
    pub fixer: Option<UserId>,
    pub rectifications: Vec<FindingRectified>,
    pub fix_again_reasons: Vec<String>,
    /// Every re-check, passed or not, with its photo.
    pub rechecks: Vec<FindingRechecked>,
    pub closed_by: Option<UserId>,
    /// What was done when a minor problem was closed on the spot.
    pub closed_on_the_spot: Option<String>,
    pub explanations: AppendSet<String>,
    pub notes: AppendSet<String>,
    pub photos: AppendSet<String>,
    pub history: Vec<StatusChangeOf<FindingStatus>>,
    /// Every step that took effect, in fold order (status changes alone would drop the
    /// reasons, photos and texts a supervisor needs to audit the loop).
    pub timeline: Vec<FindingEntry>,
}

/// How long a finding may stay open before it needs an explanation (002 制度6: 2 working
/// days by default; a project setting).
pub const DEFAULT_FINDING_LIMIT: Limit = Limit {
    amount: 2.0,
    unit: LimitUnit::WorkingDays,
};

impl Finding {
    /// When the finding must be closed by, in project-local time.
    pub fn due(&self, limit: Limit, cal: &WorkCalendar) -> Option<NaiveDateTime> {
        limit.due(cal.local(self.reported_at.as_deref()?)?, cal)
    }

    /// Open past its limit and nobody has explained why yet.
    pub fn needs_explanation(&self, now: NaiveDateTime, limit: Limit, cal: &WorkCalendar) -> bool {
        let open = self.status.is_some_and(|s| s != FindingStatus::Closed);
        let overdue = self.due(limit, cal).is_some_and(|due| now > due);
        open && overdue && self.explanations.is_empty()
    }

    fn set_status(&mut self, to: FindingStatus, ev: &Event) {
        self.status = Some(to);
        self.history.push(StatusChangeOf::of(to, ev));
    }

    fn log(&mut self, ev: &Event, step: FindingStep) -> Applied {
        if self.timeline.iter().all(|e| e.event_id != ev.id) {
            let key = ev.order_key();
            let at = self.timeline.partition_point(|e| e.key < key);
            self.timeline.insert(
                at,
                FindingEntry {
                    step,
                    event_id: ev.id,
                    actor: ev.actor,
                    key,
                    device_time: ev.device_time.as_str().to_string(),
                },
            );
        }
        Applied::Ok
    }
}

impl Record for Finding {
    fn apply(&mut self, ev: &Event) -> Applied {
        use FindingStatus::*;
        if ev.v != 1 {
            return Applied::Unknown;
        }
        let Some(what) = ev.kind.as_str().strip_prefix("finding.") else {
            return Applied::Unknown;
        };
        let step =
            |this: &Self, from: &[FindingStatus], to| guard(this.status, from, to, "finding");
        match what {
            "reported" => {
                let Some(p) = payload::<FindingReported>(ev) else {
                    return Applied::Unknown;
                };
                if self.status.is_some() {
                    return Applied::Ignored("the finding was already reported".into());
                }
                self.reported = Some(p.clone());
                self.reported_by = Some(ev.actor);
                self.reported_at = Some(ev.device_time.as_str().to_string());
                self.set_status(Reported, ev);
                self.log(ev, FindingStep::Reported(p))
            }
            "assigned" => {
                let Some(p) = payload::<FindingAssigned>(ev) else {
                    return Applied::Unknown;
                };
                if let Err(a) = step(self, &[Reported, Assigned], Assigned) {
                    return a;
                }
                self.assignment.set(ev, p.clone());
                if self.status != Some(Assigned) {
                    self.set_status(Assigned, ev);
                }
                self.log(ev, FindingStep::Assigned(p))
            }
            "rectified" => {
                let Some(p) = payload::<FindingRectified>(ev) else {
                    return Applied::Unknown;
                };
                if let Err(a) = step(self, &[Reported, Assigned], Rectified) {
                    return a;
                }
                self.rectifications.push(p.clone());
                self.fixer = Some(ev.actor);
                self.set_status(Rectified, ev);
                self.log(ev, FindingStep::Rectified(p))
            }
            "rechecked" => {
                let Some(p) = payload::<FindingRechecked>(ev) else {
                    return Applied::Unknown;
                };
                if let Err(a) = step(self, &[Rectified], Closed) {
                    return a;
                }
                if self.fixer == Some(ev.actor) {
                    return Applied::Ignored(
                        "the fixer cannot re-check their own work; someone else must".into(),
                    );
                }
                if p.passed {
                    self.closed_by = Some(ev.actor);
                    self.set_status(Closed, ev);
                } else {
                    self.fix_again_reasons
                        .push(p.reason.clone().unwrap_or_default());
                    self.set_status(Assigned, ev);
                }
                self.rechecks.push(p.clone());
                self.log(ev, FindingStep::Rechecked(p))
            }
            "closed_on_the_spot" => {
                // Minor problems fixed there and then (002 制度6: within 30 minutes).
                let Some(Reason { reason }) = payload::<Reason>(ev) else {
                    return Applied::Unknown;
                };
                if let Err(a) = step(self, &[Reported], Closed) {
                    return a;
                }
                self.closed_by = Some(ev.actor);
                self.closed_on_the_spot = Some(reason.clone());
                self.set_status(Closed, ev);
                self.log(ev, FindingStep::ClosedOnTheSpot { reason })
            }
            "explained" => match payload::<TextNote>(ev) {
                Some(p) => {
                    self.explanations.add(ev, p.text.clone());
                    self.log(ev, FindingStep::Explained { text: p.text })
                }
                None => Applied::Unknown,
            },
            "note_added" => match payload::<TextNote>(ev) {
                Some(p) => {
                    self.notes.add(ev, p.text.clone());
                    self.log(ev, FindingStep::Note { text: p.text })
                }
                None => Applied::Unknown,
            },
            "photo_added" => match ev.payload.get("sha256").and_then(|h| h.as_str()) {
                Some(h) => {
                    self.photos.add(ev, h.to_string());
                    self.log(
                        ev,
                        FindingStep::Photo {
                            sha256: h.to_string(),
                        },
                    )
                }
                None => Applied::Unknown,
            },
            _ => Applied::Unknown,
        }
    }

    fn conflicts(&self) -> Vec<FieldConflict> {
        FieldConflict::of("assignment", &self.assignment)
            .into_iter()
            .collect()
    }
}

/// The caption of a repair order's "after" photo.
pub const AFTER_CAPTION: &str = "after";

/// The caption of a repair order's photo taken before the work.
pub const BEFORE_CAPTION: &str = "before";

/// The caption of a photo an order carries from the finding it was made from: evidence of
/// the problem, never the "after" photo that rectifies it.
pub const FINDING_CAPTION: &str = "finding";

impl Finding {
    /// What completing a repair order made from this finding records on it: the
    /// rectification, with the order's last "after" photo as evidence and its result note.
    /// `None` when the finding no longer waits for a fix (rectified, closed) or the order has
    /// no after photo — a rectification needs one, so the fixer then rectifies separately.
    pub fn rectified_by(
        &self,
        order: &crate::records::RepairOrder,
        result_note: Option<&str>,
    ) -> Option<FindingRectified> {
        if !matches!(
            self.status,
            Some(FindingStatus::Reported | FindingStatus::Assigned)
        ) {
            return None;
        }
        let photo = order
            .photos
            .items()
            .iter()
            .rev()
            .find(|p| p.value.caption.as_deref() == Some(AFTER_CAPTION))?;
        Some(FindingRectified {
            photo: photo.value.sha256.clone(),
            note: result_note.map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;
    use crate::records::test_support::Maker;
    use serde_json::json;

    const PHOTO: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    const BUTLER: u8 = 1;
    const TECH: u8 = 2;

    fn reported(m: &mut Maker) -> Event {
        m.make(
            BUTLER,
            1_794_967_200_000, // 2026-11-18 10:00 +08:00
            "finding.reported",
            json!({"note": "3 幢单元门禁损坏", "severity": "major", "building": "3幢", "photos": [PHOTO]}),
        )
    }

    #[test]
    fn a_finding_goes_round_the_closure_loop_with_fix_again() {
        let mut m = Maker::new("finding");
        let mut evs = vec![
            reported(&mut m),
            m.make(
                BUTLER,
                1_794_967_300_000,
                "finding.assigned",
                json!({"department": "工程部"}),
            ),
            m.make(
                TECH,
                1_794_967_400_000,
                "finding.rectified",
                json!({"photo": PHOTO}),
            ),
            m.make(
                BUTLER,
                1_794_967_500_000,
                "finding.rechecked",
                json!({"passed": false, "reason": "门禁仍无法刷卡"}),
            ),
        ];
        let f = fold::<Finding>(m.record, &evs);
        assert_eq!(f.state.status, Some(FindingStatus::Assigned));
        assert_eq!(
            f.state.fix_again_reasons,
            vec!["门禁仍无法刷卡".to_string()]
        );
        evs.push(m.make(
            TECH,
            1_794_967_600_000,
            "finding.rectified",
            json!({"photo": PHOTO, "note": "更换读卡器"}),
        ));
        evs.push(m.make(
            BUTLER,
            1_794_967_700_000,
            "finding.rechecked",
            json!({"passed": true}),
        ));
        let f = fold::<Finding>(m.record, &evs);
        assert_eq!(f.state.status, Some(FindingStatus::Closed));
        assert_eq!(f.state.rectifications.len(), 2);
        let steps: Vec<_> = f.state.history.iter().map(|h| h.status).collect();
        use FindingStatus::*;
        assert_eq!(
            steps,
            vec![Reported, Assigned, Rectified, Assigned, Rectified, Closed]
        );
    }

    #[test]
    fn the_fixer_cannot_recheck_their_own_work() {
        let mut m = Maker::new("finding");
        let evs = vec![
            reported(&mut m),
            m.make(
                TECH,
                1_794_967_400_000,
                "finding.rectified",
                json!({"photo": PHOTO}),
            ),
            m.make(
                TECH,
                1_794_967_500_000,
                "finding.rechecked",
                json!({"passed": true}),
            ),
        ];
        let f = fold::<Finding>(m.record, &evs);
        assert_eq!(f.state.status, Some(FindingStatus::Rectified));
        assert_eq!(f.ignored.len(), 1);
        assert!(
            f.ignored[0].reason.contains("someone else"),
            "{:?}",
            f.ignored
        );
    }

    #[test]
    fn an_overdue_open_finding_needs_an_explanation_until_one_is_written() {
        let mut m = Maker::new("finding");
        let cal = WorkCalendar::default();
        let mut evs = vec![reported(&mut m)];
        let f = fold::<Finding>(m.record, &evs);
        // Reported Wednesday 10:00; two working days later is Friday 10:00.
        let due = f.state.due(DEFAULT_FINDING_LIMIT, &cal).unwrap();
        assert_eq!(due.to_string(), "2026-11-20 10:00:00");
        let before = due - chrono::Duration::minutes(1);
        let after = due + chrono::Duration::minutes(1);
        assert!(!f
            .state
            .needs_explanation(before, DEFAULT_FINDING_LIMIT, &cal));
        assert!(f
            .state
            .needs_explanation(after, DEFAULT_FINDING_LIMIT, &cal));
        evs.push(m.make(
            BUTLER,
            1_795_200_000_000,
            "finding.explained",
            json!({"text": "等待配件到货"}),
        ));
        let f = fold::<Finding>(m.record, &evs);
        assert!(!f
            .state
            .needs_explanation(after, DEFAULT_FINDING_LIMIT, &cal));
    }

    #[test]
    fn a_minor_problem_fixed_on_the_spot_closes_at_once() {
        let mut m = Maker::new("finding");
        let evs = vec![
            reported(&mut m),
            m.make(
                BUTLER,
                1_794_967_300_000,
                "finding.closed_on_the_spot",
                json!({"reason": "已清理"}),
            ),
            m.make(
                TECH,
                1_794_967_400_000,
                "finding.rectified",
                json!({"photo": PHOTO}),
            ),
        ];
        let f = fold::<Finding>(m.record, &evs);
        assert_eq!(f.state.status, Some(FindingStatus::Closed));
        assert_eq!(f.ignored.len(), 1, "nothing to rectify after closing");
    }

    #[test]
    fn the_timeline_keeps_every_step_with_its_reason_photo_and_author() {
        const AFTER: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
        let mut m = Maker::new("finding");
        let evs = vec![
            reported(&mut m),
            m.make(
                BUTLER,
                1_794_967_300_000,
                "finding.assigned",
                json!({"department": "工程部"}),
            ),
            m.make(
                BUTLER,
                1_794_967_310_000,
                "finding.assigned",
                json!({"department": "保洁部"}),
            ),
            m.make(
                TECH,
                1_794_967_400_000,
                "finding.rectified",
                json!({"photo": PHOTO}),
            ),
            m.make(
                BUTLER,
                1_794_967_500_000,
                "finding.rechecked",
                json!({"passed": false, "reason": "仍有垃圾", "photo": AFTER}),
            ),
            m.make(
                BUTLER,
                1_794_967_510_000,
                "finding.explained",
                json!({"text": "等待清运车"}),
            ),
            m.make(
                TECH,
                1_794_967_520_000,
                "finding.note_added",
                json!({"text": "明早处理"}),
            ),
        ];
        let f = fold::<Finding>(m.record, &evs).state;
        let kinds: Vec<_> = f
            .timeline
            .iter()
            .map(|e| match &e.step {
                FindingStep::Reported(_) => "reported",
                FindingStep::Assigned(_) => "assigned",
                FindingStep::Rectified(_) => "rectified",
                FindingStep::Rechecked(_) => "rechecked",
                FindingStep::ClosedOnTheSpot { .. } => "on_the_spot",
                FindingStep::Explained { .. } => "explained",
                FindingStep::Note { .. } => "note",
                FindingStep::Photo { .. } => "photo",
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "reported",
                "assigned",
                "assigned",
                "rectified",
                "rechecked",
                "explained",
                "note"
            ],
            "the reassignment is a step of its own"
        );
        assert_eq!(f.timeline[3].actor, UserId::from_parts(1, [TECH; 10]));
        assert!(matches!(
            &f.timeline[4].step,
            FindingStep::Rechecked(FindingRechecked { passed: false, reason: Some(r), photo: Some(p) })
                if r == "仍有垃圾" && p == AFTER
        ));
        assert_eq!(f.rechecks[0].photo.as_deref(), Some(AFTER));

        let mut m = Maker::new("finding");
        let evs = vec![
            reported(&mut m),
            m.make(
                BUTLER,
                1_794_967_300_000,
                "finding.closed_on_the_spot",
                json!({"reason": "已清理"}),
            ),
        ];
        let f = fold::<Finding>(m.record, &evs).state;
        assert_eq!(f.closed_on_the_spot.as_deref(), Some("已清理"));
        assert!(matches!(
            &f.timeline[1].step,
            FindingStep::ClosedOnTheSpot { reason } if reason == "已清理"
        ));
    }

    #[test]
    fn finding_payloads_are_checked_with_reasons() {
        let c = |k: &str, p: serde_json::Value| check_payload(k, &p);
        assert_eq!(
            c(
                "finding.reported",
                json!({"note": "x", "severity": "minor"})
            ),
            Ok(true)
        );
        assert!(c(
            "finding.reported",
            json!({"note": "x", "severity": "minor", "photos": ["nope"]})
        )
        .is_err());
        assert!(c("finding.assigned", json!({})).is_err());
        assert!(
            c("finding.rectified", json!({})).is_err(),
            "a rectification needs its photo"
        );
        assert!(c("finding.rechecked", json!({"passed": false}))
            .unwrap_err()
            .contains("why"));
        assert_eq!(c("finding.escalated", json!({})), Ok(false));
    }

    #[test]
    fn completing_an_order_with_an_after_photo_rectifies_its_finding_once() {
        use crate::records::RepairOrder;
        const AFTER: &str = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
        let mut m = Maker::new("finding");
        let assigned = vec![
            reported(&mut m),
            m.make(
                BUTLER,
                1_794_967_300_000,
                "finding.assigned",
                json!({"repair_order_id": "01890a5d-ac96-774b-bcce-b302099a8057"}),
            ),
        ];
        let finding = fold::<Finding>(m.record, &assigned).state;
        let mut o = Maker::new("repair_order");
        let mut order_evs = vec![
            o.make(
                TECH,
                1_794_967_300_000,
                "repair_order.created",
                json!({"description": "门禁损坏"}),
            ),
            o.make(
                TECH,
                1_794_967_400_000,
                "repair_order.photo_added",
                json!({"sha256": PHOTO, "caption": "before"}),
            ),
        ];
        let before_only = fold::<RepairOrder>(o.record, &order_evs).state;
        assert_eq!(
            finding.rectified_by(&before_only, Some("换读卡器")),
            None,
            "no after photo"
        );
        order_evs.push(o.make(
            TECH,
            1_794_967_500_000,
            "repair_order.photo_added",
            json!({"sha256": AFTER, "caption": AFTER_CAPTION}),
        ));
        let done = fold::<RepairOrder>(o.record, &order_evs).state;
        let fix = finding.rectified_by(&done, Some("换读卡器")).unwrap();
        assert_eq!(
            (fix.photo.as_str(), fix.note.as_deref()),
            (AFTER, Some("换读卡器"))
        );

        let mut evs = assigned;
        evs.push(m.make(
            TECH,
            1_794_967_600_000,
            "finding.rectified",
            json!({"photo": AFTER}),
        ));
        let rectified = fold::<Finding>(m.record, &evs).state;
        assert_eq!(
            rectified.rectified_by(&done, None),
            None,
            "already rectified"
        );
    }
}
