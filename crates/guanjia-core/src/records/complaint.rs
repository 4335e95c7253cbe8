//! Complaint (投诉): its own lifecycle (domain.md §2: every complaint answered within 4
//! working days, every case closed with a reply to the owner).
//!
//! registered → investigating → replied → return-visited → closed; "reopened" sends a
//! replied or return-visited complaint back to investigating (the owner was not satisfied).
//! Whether it counts as an *effective* complaint (有效投诉, for the KPI) is a
//! last-writer-wins flag set by a supervisor. Invalid transitions are kept, ignored and
//! reported, as for repair orders.

use crate::event::Event;
use crate::fold::{Applied, FieldConflict, Record};
use crate::ids::{RecordId, UserId};
use crate::merge::{AppendSet, Lww};
use crate::payload::{need, payloads, text_ok, Reason, TextNote};
use crate::records::repair_order::{check_return_visit, RepairReturnVisited, StatusChangeOf};
use crate::records::{guard, parse_payload, payload, with_payload};
use serde::{Deserialize, Serialize};

// ----- payloads (v1) -----

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
    /// Left out when not given: the app sends `{"effective"}` alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `complaint.updated`: the fields that change (at least one).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintUpdated(pub ComplaintFields);

/// `complaint.investigating` (`{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintInvestigating {}

/// `complaint.closed` (`{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintClosed {}

/// `complaint.return_visited`: the same shape as an order's return visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintReturnVisited(pub RepairReturnVisited);

/// `complaint.reopened`: why the owner was not satisfied, `{"reason"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintReopened(pub Reason);

/// `complaint.note_added`: `{"text"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplaintNoteAdded(pub TextNote);

payloads!("complaint" {
    ComplaintFields => "complaint.registered",
    ComplaintUpdated => "complaint.updated",
    ComplaintInvestigating => "complaint.investigating",
    ComplaintReply => "complaint.replied",
    ComplaintReturnVisited => "complaint.return_visited",
    ComplaintReopened => "complaint.reopened",
    ComplaintClosed => "complaint.closed",
    Effective => "complaint.effective_set",
    ComplaintNoteAdded => "complaint.note_added",
});

/// Checks a complaint payload on push; `Ok(false)` for kinds this build does not know.
pub fn check_payload(kind: &str, payload: &serde_json::Value) -> Result<bool, String> {
    match kind {
        "complaint.registered" => {
            let p: ComplaintFields = parse_payload(payload)?;
            need(
                p.description.as_deref().is_some_and(text_ok),
                "a new complaint needs a description of what the owner complains about",
            )?;
        }
        "complaint.updated" => {
            let ComplaintUpdated(p) = parse_payload(payload)?;
            need(
                p != ComplaintFields::default(),
                "name at least one field to change",
            )?;
            if let Some(d) = &p.description {
                need(text_ok(d), "description must be non-empty text")?;
            }
        }
        "complaint.investigating" => {
            parse_payload::<ComplaintInvestigating>(payload)?;
        }
        "complaint.closed" => {
            parse_payload::<ComplaintClosed>(payload)?;
        }
        "complaint.replied" => {
            let p: ComplaintReply = parse_payload(payload)?;
            need(text_ok(&p.reply), "write the reply given to the owner")?;
        }
        "complaint.return_visited" => {
            let ComplaintReturnVisited(p) = parse_payload(payload)?;
            check_return_visit(&p)?;
        }
        "complaint.reopened" => {
            let ComplaintReopened(p) = parse_payload(payload)?;
            need(text_ok(&p.reason), "give a reason")?;
        }
        "complaint.effective_set" => {
            parse_payload::<Effective>(payload)?;
        }
        "complaint.note_added" => {
            let ComplaintNoteAdded(p) = parse_payload(payload)?;
            need(text_ok(&p.text), "text must be non-empty")?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Registered,
    Investigating,
    Replied,
    ReturnVisited,
    Closed,
}

impl ComplaintStatus {
    pub fn is_open(self) -> bool {
        self != ComplaintStatus::Closed
    }

    /// Still owes the owner a reply (the 4-working-day limit runs).
    pub fn awaits_reply(self) -> bool {
        matches!(
            self,
            ComplaintStatus::Registered | ComplaintStatus::Investigating
        )
    }
}

pub type ComplaintChange = StatusChangeOf<ComplaintStatus>;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Complaint {
    /// `None` until the `registered` event is folded in.
    pub status: Option<ComplaintStatus>,
    pub registered_by: Option<UserId>,
    /// When it was registered (device time of the `registered` event, RFC 3339): the reply
    /// limit counts from here.
    pub registered_at: Option<String>,
    pub description: Lww<String>,
    pub household_id: Lww<RecordId>,
    pub reporter_name: Lww<String>,
    pub reporter_phone: Lww<String>,
    /// The repair order this complaint is about, if any (linked both ways by the app).
    pub repair_order_id: Lww<RecordId>,
    pub effective: Lww<bool>,
    /// Every reply given, oldest first (a reopened complaint gets another).
    pub replies: Vec<String>,
    pub return_visit: Option<RepairReturnVisited>,
    pub reopen_reasons: Vec<String>,
    pub notes: AppendSet<String>,
    pub history: Vec<ComplaintChange>,
}

impl Complaint {
    fn set_fields(&mut self, ev: &Event, f: ComplaintFields) {
        macro_rules! set {
            ($($name:ident),*) => {$(
                if let Some(v) = f.$name { self.$name.set(ev, v); }
            )*};
        }
        set!(
            description,
            household_id,
            reporter_name,
            reporter_phone,
            repair_order_id
        );
    }

    fn allowed_from(kind: &str) -> Option<(&'static [ComplaintStatus], ComplaintStatus)> {
        use ComplaintStatus::*;
        Some(match kind {
            "investigating" => (&[Registered], Investigating),
            // A simple complaint can be answered at once, without a separate investigation.
            "replied" => (&[Registered, Investigating], Replied),
            "return_visited" => (&[Replied], ReturnVisited),
            "closed" => (&[Replied, ReturnVisited], Closed),
            "reopened" => (&[Replied, ReturnVisited], Investigating),
            _ => return None,
        })
    }

    fn transition(&mut self, ev: &Event, what: &str) -> Applied {
        let Some((from, to)) = Self::allowed_from(what) else {
            return Applied::Unknown;
        };
        if let Err(ignored) = guard(self.status, from, to, "complaint") {
            return ignored;
        }
        let applied = match what {
            "replied" => payload::<ComplaintReply>(ev).map(|p| self.replies.push(p.reply)),
            "return_visited" => {
                payload::<RepairReturnVisited>(ev).map(|p| self.return_visit = Some(p))
            }
            "reopened" => payload::<Reason>(ev).map(|p| {
                self.reopen_reasons.push(p.reason);
                self.return_visit = None;
            }),
            _ => Some(()),
        };
        if applied.is_none() {
            return Applied::Unknown;
        }
        self.status = Some(to);
        self.history.push(ComplaintChange::of(to, ev));
        Applied::Ok
    }
}

impl Record for Complaint {
    fn apply(&mut self, ev: &Event) -> Applied {
        if ev.v != 1 {
            return Applied::Unknown;
        }
        let Some(what) = ev.kind.as_str().strip_prefix("complaint.") else {
            return Applied::Unknown;
        };
        match what {
            "registered" => {
                let Some(p) = payload::<ComplaintFields>(ev) else {
                    return Applied::Unknown;
                };
                if self.status.is_some() {
                    return Applied::Ignored("the complaint was already registered".into());
                }
                self.status = Some(ComplaintStatus::Registered);
                self.registered_by = Some(ev.actor);
                self.registered_at = Some(ev.device_time.as_str().to_string());
                self.set_fields(ev, p);
                self.history
                    .push(ComplaintChange::of(ComplaintStatus::Registered, ev));
                Applied::Ok
            }
            "updated" => with_payload(ev, |p: ComplaintFields| self.set_fields(ev, p)),
            "effective_set" => with_payload(ev, |p: Effective| self.effective.set(ev, p.effective)),
            "note_added" => with_payload(ev, |p: TextNote| self.notes.add(ev, p.text)),
            other => self.transition(ev, other),
        }
    }

    fn conflicts(&self) -> Vec<FieldConflict> {
        [
            FieldConflict::of("description", &self.description),
            FieldConflict::of("household_id", &self.household_id),
            FieldConflict::of("reporter_name", &self.reporter_name),
            FieldConflict::of("reporter_phone", &self.reporter_phone),
            FieldConflict::of("repair_order_id", &self.repair_order_id),
            FieldConflict::of("effective", &self.effective),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;
    use crate::records::test_support::Maker;
    use serde_json::json;

    fn walk(m: &mut Maker) -> Vec<Event> {
        vec![
            m.make(
                1,
                100,
                "complaint.registered",
                json!({"description": "楼上装修噪音，晚上十点还在施工"}),
            ),
            m.make(1, 110, "complaint.investigating", json!({})),
            m.make(
                1,
                120,
                "complaint.replied",
                json!({"reply": "已约谈装修户，施工时间限定 8:00–12:00、14:00–18:00"}),
            ),
            m.make(
                1,
                130,
                "complaint.return_visited",
                json!({"satisfaction": 4, "method": "phone"}),
            ),
            m.make(1, 140, "complaint.closed", json!({})),
        ]
    }

    #[test]
    fn a_complaint_walks_from_registered_to_closed() {
        let mut m = Maker::new("complaint");
        let evs = walk(&mut m);
        let f = fold::<Complaint>(m.record, &evs);
        assert_eq!(f.state.status, Some(ComplaintStatus::Closed));
        assert_eq!(f.state.replies.len(), 1);
        assert_eq!(f.state.return_visit.as_ref().unwrap().satisfaction, 4);
        let statuses: Vec<_> = f.state.history.iter().map(|h| h.status).collect();
        assert_eq!(statuses.len(), 5);
        assert!(f.ignored.is_empty());
    }

    #[test]
    fn closing_before_a_reply_is_ignored_and_reported() {
        let mut m = Maker::new("complaint");
        let evs = vec![
            m.make(
                1,
                100,
                "complaint.registered",
                json!({"description": "垃圾未清运"}),
            ),
            m.make(1, 110, "complaint.closed", json!({})),
        ];
        let f = fold::<Complaint>(m.record, &evs);
        assert_eq!(f.state.status, Some(ComplaintStatus::Registered));
        assert!(f.state.status.unwrap().awaits_reply());
        assert_eq!(f.ignored.len(), 1);
        assert!(f.ignored[0].reason.contains("Closed"), "{:?}", f.ignored);
    }

    #[test]
    fn a_dissatisfied_owner_reopens_it_and_it_needs_a_second_reply() {
        let mut m = Maker::new("complaint");
        let mut evs = walk(&mut m);
        evs.pop(); // not closed
        evs.push(m.make(1, 150, "complaint.reopened", json!({"reason": "噪音仍在"})));
        let f = fold::<Complaint>(m.record, &evs);
        assert_eq!(f.state.status, Some(ComplaintStatus::Investigating));
        assert!(f.state.return_visit.is_none());
        evs.push(m.make(
            1,
            160,
            "complaint.replied",
            json!({"reply": "已联系城管执法"}),
        ));
        let f = fold::<Complaint>(m.record, &evs);
        assert_eq!(f.state.replies.len(), 2);
        assert_eq!(f.state.reopen_reasons, vec!["噪音仍在".to_string()]);
    }

    #[test]
    fn two_supervisors_disagreeing_on_effective_is_a_visible_conflict() {
        let mut m = Maker::new("complaint");
        let mut evs = walk(&mut m);
        // Both saw the record at the same point (base_seq 0) and wrote offline.
        evs.push(m.make(
            2,
            150,
            "complaint.effective_set",
            json!({"effective": true}),
        ));
        evs.push(m.make(
            3,
            151,
            "complaint.effective_set",
            json!({"effective": false}),
        ));
        let f = fold::<Complaint>(m.record, &evs);
        assert_eq!(
            f.state.effective.get(),
            Some(&false),
            "the later write shows"
        );
        assert!(
            f.has_conflict(),
            "and the disagreement is shown until resolved"
        );
    }

    #[test]
    fn the_fold_is_the_same_whatever_order_events_arrive_in() {
        let mut m = Maker::new("complaint");
        let evs = walk(&mut m);
        let mut rev = evs.clone();
        rev.reverse();
        assert_eq!(
            fold::<Complaint>(m.record, &evs),
            fold::<Complaint>(m.record, &rev)
        );
    }
}

/// The push check of these payloads, through `kinds::check_payload` as the server runs it.
#[cfg(test)]
mod push_check_tests {
    use crate::kinds::{self, tests::ev, KindStatus};
    use serde_json::json;

    #[test]
    fn complaint_payloads_are_checked_with_reasons() {
        let ok = |kind: &str, p: serde_json::Value| kinds::check_payload(&ev(kind, p));
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
}
