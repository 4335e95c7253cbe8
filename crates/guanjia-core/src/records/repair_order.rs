//! Repair order (报修工单): a lifecycle state machine, last-writer-wins editable fields, and
//! append-only notes, photos and signatures.
//!
//! created → assigned → accepted → (on the way) → arrived → completed → return-visited →
//! closed; cancelled from any open state; "fix again" sends a completed order back to its
//! technician. A transition that is invalid from the folded state is ignored and reported.

use crate::deadline::{CategoryLimits, Countdown, ServiceRules, WorkCalendar};
use crate::event::Event;
use crate::fold::{Applied, FieldConflict, Record};
use crate::hlc::Hlc;
use crate::ids::{EventId, RecordId, UserId};
use crate::kinds::is_sha256_hex;
use crate::merge::{AppendSet, Lww};
use crate::payload::{need, payloads, text_ok, PhotoRef, Reason, Signature, TextNote};
use crate::records::{guard, parse_payload, payload, with_payload};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

// ----- payloads (v1) -----

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
    #[serde(serialize_with = "whole_as_integer")]
    pub quantity: f64,
    #[serde(default)]
    pub unit_price_cents: i64,
}

/// Writes a whole quantity as an integer (`2`, not `2.0`), as the app has always sent its
/// counted items; fractions (1.5 m of pipe) stay numbers with a point. Reading takes both.
fn whole_as_integer<S: serde::Serializer>(q: &f64, s: S) -> Result<S::Ok, S::Error> {
    // Below 2^53 every whole f64 is exactly an i64.
    if q.fract() == 0.0 && q.abs() < 9_007_199_254_740_992.0 {
        s.serialize_i64(*q as i64)
    } else {
        s.serialize_f64(*q)
    }
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

/// The technician's arrival; the position when the phone allowed it (domain.md §2: the
/// arrival time is what the limit checks, the position backs it up).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairArrived {
    /// Left out when the phone gave none: the app then sends `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<crate::records::Position>,
}

/// `repair_order.accepted`: the technician takes the order (`{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairAccepted {}

/// `repair_order.on_the_way` (`{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairOnTheWay {}

/// `repair_order.closed` (`{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairClosed {}

/// `repair_order.cancelled`: `{"reason"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RepairCancelled(pub Reason);

/// `repair_order.fix_again`: the completion was not good enough, `{"reason"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RepairFixAgain(pub Reason);

/// `repair_order.note_added`: `{"text"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RepairNoteAdded(pub TextNote);

/// `repair_order.photo_added`: `{"sha256", "caption"?}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RepairPhotoAdded(pub PhotoRef);

/// `repair_order.signature_added`: `{"sha256"}` or `{"refused_reason"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RepairSignatureAdded(pub Signature);

payloads!("repair_order" {
    RepairCreated => "repair_order.created",
    RepairUpdated => "repair_order.updated",
    RepairAssigned => "repair_order.assigned",
    RepairAccepted => "repair_order.accepted",
    RepairOnTheWay => "repair_order.on_the_way",
    RepairArrived => "repair_order.arrived",
    RepairCompleted => "repair_order.completed",
    RepairReturnVisited => "repair_order.return_visited",
    RepairCancelled => "repair_order.cancelled",
    RepairFixAgain => "repair_order.fix_again",
    RepairClosed => "repair_order.closed",
    RepairNoteAdded => "repair_order.note_added",
    RepairPhotoAdded => "repair_order.photo_added",
    RepairSignatureAdded => "repair_order.signature_added",
});

fn check_fields(f: &RepairFields) -> Result<(), String> {
    if let Some(d) = &f.description {
        need(
            text_ok(d),
            "description must be non-empty text (at most 10,000 characters)",
        )?;
    }
    if let Some(a) = &f.appointment {
        need(
            chrono::DateTime::parse_from_rfc3339(a).is_ok(),
            "appointment must be an RFC 3339 time",
        )?;
    }
    if let Some(q) = &f.quote {
        need(
            !q.items.is_empty()
                && q.items.iter().all(|m| {
                    text_ok(&m.name) && m.quantity > 0.0 && m.unit_price_cents >= 0
                }),
            "a quote lists at least one priced item, each with a name, a quantity above 0 and a price of 0 or more",
        )?;
        need(
            q.total_cents == Quote::sum_cents(&q.items),
            "the quote's total_cents must be the sum of its items (quantity × unit price, to the fen)",
        )?;
    }
    Ok(())
}

/// A satisfaction score from a return visit (orders and complaints share it).
pub(crate) fn check_return_visit(p: &RepairReturnVisited) -> Result<(), String> {
    need(
        (1..=5).contains(&p.satisfaction),
        "satisfaction is 1 (very dissatisfied) to 5 (very satisfied)",
    )
}

/// Checks a repair order payload on push; `Ok(false)` for kinds this build does not know.
pub fn check_payload(kind: &str, payload: &serde_json::Value) -> Result<bool, String> {
    match kind {
        "repair_order.created" => {
            let p: RepairCreated = parse_payload(payload)?;
            need(
                p.fields.description.as_deref().is_some_and(text_ok),
                "a new repair order needs a description of the fault",
            )?;
            check_fields(&p.fields)?;
        }
        "repair_order.updated" => {
            let p: RepairUpdated = parse_payload(payload)?;
            need(!p.fields.is_empty(), "name at least one field to change")?;
            check_fields(&p.fields)?;
        }
        "repair_order.assigned" => {
            parse_payload::<RepairAssigned>(payload)?;
        }
        "repair_order.accepted" => {
            parse_payload::<RepairAccepted>(payload)?;
        }
        "repair_order.on_the_way" => {
            parse_payload::<RepairOnTheWay>(payload)?;
        }
        "repair_order.closed" => {
            parse_payload::<RepairClosed>(payload)?;
        }
        "repair_order.arrived" => {
            if let Some(pos) = parse_payload::<RepairArrived>(payload)?.position {
                pos.check()?;
            }
        }
        "repair_order.completed" => {
            let p: RepairCompleted = parse_payload(payload)?;
            need(
                p.materials
                    .iter()
                    .all(|m| m.quantity >= 0.0 && m.unit_price_cents >= 0),
                "material quantities and prices cannot be negative",
            )?;
            need(
                p.charge_cents.unwrap_or(0) >= 0,
                "the charge cannot be negative",
            )?;
            need(
                p.charge_cents.unwrap_or(0) == 0 || p.owner_consented == Some(true),
                "a charge needs the owner's consent to the price; ask the owner and record it",
            )?;
        }
        "repair_order.return_visited" => {
            check_return_visit(&parse_payload(payload)?)?;
        }
        "repair_order.cancelled" => {
            let RepairCancelled(p) = parse_payload(payload)?;
            need(text_ok(&p.reason), "give a reason")?;
        }
        "repair_order.fix_again" => {
            let RepairFixAgain(p) = parse_payload(payload)?;
            need(text_ok(&p.reason), "give a reason")?;
        }
        "repair_order.note_added" => {
            let RepairNoteAdded(p) = parse_payload(payload)?;
            need(text_ok(&p.text), "text must be non-empty")?;
        }
        "repair_order.photo_added" => {
            let RepairPhotoAdded(p) = parse_payload(payload)?;
            need(
                is_sha256_hex(&p.sha256),
                "sha256 must be 64 lowercase hex digits",
            )?;
        }
        "repair_order.signature_added" => {
            let RepairSignatureAdded(p) = parse_payload(payload)?;
            match (&p.sha256, &p.refused_reason) {
                (Some(h), _) => need(is_sha256_hex(h), "sha256 must be 64 lowercase hex digits")?,
                (None, Some(r)) => need(text_ok(r), "a refusal needs a reason")?,
                (None, None) => need(false, "send the signature's sha256, or refused_reason")?,
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairStatus {
    Created,
    Assigned,
    Accepted,
    OnTheWay,
    Arrived,
    Completed,
    ReturnVisited,
    Closed,
    Cancelled,
}

impl RepairStatus {
    pub fn is_open(self) -> bool {
        !matches!(self, RepairStatus::Closed | RepairStatus::Cancelled)
    }
}

/// One step of a record's lifecycle, for its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusChangeOf<S> {
    pub status: S,
    pub event_id: EventId,
    pub actor: UserId,
    pub hlc: Hlc,
    pub device_time: String,
}

impl<S> StatusChangeOf<S> {
    pub fn of(status: S, ev: &Event) -> Self {
        StatusChangeOf {
            status,
            event_id: ev.id,
            actor: ev.actor,
            hlc: ev.hlc,
            device_time: ev.device_time.as_str().to_string(),
        }
    }
}

pub type StatusChange = StatusChangeOf<RepairStatus>;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RepairOrder {
    /// `None` until the `created` event is folded in.
    pub status: Option<RepairStatus>,
    pub created_by: Option<UserId>,
    pub description: Lww<String>,
    pub category_id: Lww<RecordId>,
    pub household_id: Lww<RecordId>,
    pub location: Lww<String>,
    pub urgent: Lww<bool>,
    pub appointment: Lww<String>,
    pub reporter_name: Lww<String>,
    pub reporter_phone: Lww<String>,
    pub request_kind: Lww<RequestKind>,
    pub quote: Lww<Quote>,
    pub technician: Lww<UserId>,
    /// The patrol finding this order fixes, if it was started from one.
    pub finding_id: Option<RecordId>,
    /// Where the technician's phone was on arrival, when it allowed a fix.
    pub arrival_position: Option<crate::records::Position>,
    pub completion: Option<RepairCompleted>,
    pub return_visit: Option<RepairReturnVisited>,
    pub cancel_reason: Option<String>,
    pub fix_again: Vec<String>,
    /// Where in `history` the latest "fix again" starts the work over: the redo is timed
    /// from there, as a new visit, so its deadlines run again instead of reading the first
    /// visit's arrival and completion as if they answered it.
    pub redo_from: Option<usize>,
    pub notes: AppendSet<String>,
    pub photos: AppendSet<PhotoRef>,
    pub signatures: AppendSet<Signature>,
    pub history: Vec<StatusChange>,
}

impl RepairOrder {
    fn set_fields(&mut self, ev: &Event, f: RepairFields) {
        macro_rules! set {
            ($($name:ident),*) => {$(
                if let Some(v) = f.$name { self.$name.set(ev, v); }
            )*};
        }
        set!(
            description,
            category_id,
            household_id,
            location,
            urgent,
            appointment,
            reporter_name,
            reporter_phone,
            request_kind,
            quote
        );
    }

    fn allowed_from(kind: &str) -> Option<(&'static [RepairStatus], RepairStatus)> {
        use RepairStatus::*;
        const ACTIVE: &[RepairStatus] = &[Created, Assigned, Accepted, OnTheWay, Arrived];
        Some(match kind {
            "assigned" => (ACTIVE, Assigned),
            "accepted" => (&[Assigned], Accepted),
            "on_the_way" => (&[Accepted], OnTheWay),
            "arrived" => (&[Accepted, OnTheWay], Arrived),
            "completed" => (&[Accepted, OnTheWay, Arrived], Completed),
            "return_visited" => (&[Completed], ReturnVisited),
            "closed" => (&[ReturnVisited], Closed),
            "cancelled" => (ACTIVE, Cancelled),
            "fix_again" => (&[Completed, ReturnVisited], Assigned),
            _ => return None,
        })
    }

    fn transition(&mut self, ev: &Event, what: &str) -> Applied {
        let Some((from, to)) = Self::allowed_from(what) else {
            return Applied::Unknown;
        };
        if let Err(ignored) = guard(self.status, from, to, "order") {
            return ignored;
        }
        // Parse first: a transition whose payload is unreadable changes nothing.
        let applied = match what {
            "assigned" => {
                payload::<RepairAssigned>(ev).map(|p| self.technician.set(ev, p.technician_id))
            }
            "arrived" => payload::<RepairArrived>(ev).map(|p| self.arrival_position = p.position),
            "completed" => payload::<RepairCompleted>(ev).map(|p| self.completion = Some(p)),
            "return_visited" => {
                payload::<RepairReturnVisited>(ev).map(|p| self.return_visit = Some(p))
            }
            "cancelled" => payload::<Reason>(ev).map(|p| self.cancel_reason = Some(p.reason)),
            "fix_again" => payload::<Reason>(ev).map(|p| {
                self.fix_again.push(p.reason);
                self.completion = None;
                self.return_visit = None;
            }),
            _ => Some(()),
        };
        if applied.is_none() {
            return Applied::Unknown;
        }
        self.status = Some(to);
        if what == "fix_again" {
            self.redo_from = Some(self.history.len());
        }
        self.history.push(StatusChange::of(to, ev));
        Applied::Ok
    }
}

/// A deadline and, once it is met or missed, when the thing happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub due: NaiveDateTime,
    pub done: Option<NaiveDateTime>,
}

/// Where a deadline stands: done in time, done late, or still running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    Met,
    Late,
    Running(Countdown),
}

impl Deadline {
    pub fn state(&self, now: NaiveDateTime) -> DeadlineState {
        match self.done {
            Some(at) if at <= self.due => DeadlineState::Met,
            Some(_) => DeadlineState::Late,
            None => DeadlineState::Running(Countdown::new(self.due, now)),
        }
    }
}

/// An order's time limits (domain.md §2), in project-local time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrderDeadlines {
    /// The first answer to the help request (5 min): met by the first step after intake
    /// (dispatch, acceptance…) or the first note.
    pub first_answer: Option<Deadline>,
    pub arrival: Option<Deadline>,
    pub completion: Option<Deadline>,
    pub return_visit: Option<Deadline>,
}

impl RepairOrder {
    /// The steps of the current visit: since the latest "fix again", else all of them.
    fn current_visit(&self) -> &[StatusChange] {
        &self.history[self.redo_from.unwrap_or(0).min(self.history.len())..]
    }

    /// When the current visit last reached `status`.
    fn last_time(&self, status: RepairStatus, cal: &WorkCalendar) -> Option<NaiveDateTime> {
        let h = self
            .current_visit()
            .iter()
            .rev()
            .find(|h| h.status == status)?;
        cal.local(&h.device_time)
    }

    fn first_answer(&self, rules: &ServiceRules, cal: &WorkCalendar) -> Option<Deadline> {
        let asked = cal.local(&self.history.first()?.device_time)?;
        let step = self.history.get(1).and_then(|h| cal.local(&h.device_time));
        let note = self
            .notes
            .items()
            .first()
            .and_then(|n| cal.local(&n.device_time));
        let done = match (step, note) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Some(Deadline {
            due: rules.first_answer_due(asked, cal)?,
            done,
        })
    }

    /// The order's deadlines. Arrival runs from creation (or the agreed appointment), the
    /// category's completion limit from when arrival was due, the return visit from
    /// completion. After "fix again" the clocks start over from that step (an appointment
    /// agreed before it no longer applies). A cancelled order has none running.
    pub fn deadlines(
        &self,
        rules: &ServiceRules,
        category: Option<&CategoryLimits>,
        cal: &WorkCalendar,
    ) -> OrderDeadlines {
        let Some(start) = self
            .current_visit()
            .first()
            .and_then(|h| cal.local(&h.device_time))
        else {
            return OrderDeadlines::default();
        };
        let created = start;
        let cancelled = self.status == Some(RepairStatus::Cancelled);
        let appointment = self
            .appointment
            .get()
            .and_then(|a| cal.local(a))
            .filter(|a| self.redo_from.is_none() || *a >= start);
        let urgent = self.urgent.get().copied().unwrap_or(false);
        let completed = self.last_time(RepairStatus::Completed, cal);
        let arrived = self.last_time(RepairStatus::Arrived, cal).or(completed);
        let keep = |d: Deadline| (!cancelled || d.done.is_some()).then_some(d);
        let arrival_due = rules.arrival_due(created, urgent, category, appointment, cal);
        let arrival = arrival_due.and_then(|due| keep(Deadline { due, done: arrived }));
        let completion = arrival_due
            .and_then(|a| rules.completion_due(a, category, cal))
            .and_then(|due| {
                keep(Deadline {
                    due,
                    done: completed,
                })
            });
        let return_visit = completed
            .and_then(|c| rules.return_visit_due(c, cal))
            .and_then(|due| {
                keep(Deadline {
                    due,
                    done: self.last_time(RepairStatus::ReturnVisited, cal),
                })
            });
        let first_answer = self.first_answer(rules, cal).and_then(keep);
        OrderDeadlines {
            first_answer,
            arrival,
            completion,
            return_visit,
        }
    }
}

impl Record for RepairOrder {
    fn apply(&mut self, ev: &Event) -> Applied {
        if ev.v != 1 {
            return Applied::Unknown;
        }
        let Some(what) = ev.kind.as_str().strip_prefix("repair_order.") else {
            return Applied::Unknown;
        };
        match what {
            "created" => {
                let Some(p) = payload::<RepairCreated>(ev) else {
                    return Applied::Unknown;
                };
                if self.status.is_some() {
                    return Applied::Ignored("the order was already created".into());
                }
                self.status = Some(RepairStatus::Created);
                self.created_by = Some(ev.actor);
                self.finding_id = p.finding_id;
                self.set_fields(ev, p.fields);
                self.history
                    .push(StatusChange::of(RepairStatus::Created, ev));
                Applied::Ok
            }
            "updated" => with_payload(ev, |p: RepairUpdated| self.set_fields(ev, p.fields)),
            "note_added" => with_payload(ev, |p: TextNote| self.notes.add(ev, p.text)),
            "photo_added" => with_payload(ev, |p: PhotoRef| self.photos.add(ev, p)),
            "signature_added" => with_payload(ev, |p: Signature| self.signatures.add(ev, p)),
            other => self.transition(ev, other),
        }
    }

    fn conflicts(&self) -> Vec<FieldConflict> {
        [
            FieldConflict::of("description", &self.description),
            FieldConflict::of("category_id", &self.category_id),
            FieldConflict::of("household_id", &self.household_id),
            FieldConflict::of("location", &self.location),
            FieldConflict::of("urgent", &self.urgent),
            FieldConflict::of("appointment", &self.appointment),
            FieldConflict::of("reporter_name", &self.reporter_name),
            FieldConflict::of("reporter_phone", &self.reporter_phone),
            FieldConflict::of("request_kind", &self.request_kind),
            FieldConflict::of("quote", &self.quote),
            FieldConflict::of("technician", &self.technician),
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

    const TECH: &str = "019aa8b0-0000-7000-8000-0000000000aa";
    const TECH2: &str = "019aa8b0-0000-7000-8000-0000000000bb";

    fn walk(m: &mut Maker) -> Vec<Event> {
        vec![
            m.make(1, 100, "repair_order.created", json!({"description": "厨房水龙头漏水", "urgent": true})),
            m.make(1, 110, "repair_order.assigned", json!({"technician_id": TECH})),
            m.make(2, 120, "repair_order.accepted", json!({})),
            m.make(2, 130, "repair_order.arrived", json!({"position": {"lat": 30.27, "lon": 120.15, "accuracy_m": 12.0}})),
            m.make(2, 140, "repair_order.completed", json!({"labour_minutes": 30, "materials": [{"name": "阀芯", "quantity": 1, "unit_price_cents": 1500}]})),
            m.make(1, 150, "repair_order.return_visited", json!({"satisfaction": 5})),
            m.make(1, 160, "repair_order.closed", json!({})),
        ]
    }

    #[test]
    fn an_order_walks_its_whole_lifecycle_to_closed() {
        let mut m = Maker::new("repair_order");
        let evs = walk(&mut m);
        let f = fold::<RepairOrder>(m.record, &evs);
        assert_eq!(f.state.status, Some(RepairStatus::Closed));
        assert_eq!(f.state.history.len(), 7);
        assert_eq!(f.state.arrival_position.unwrap().accuracy_m, 12.0);
        assert_eq!(
            f.state.completion.as_ref().unwrap().labour_minutes,
            Some(30)
        );
        assert!(!f.has_conflict());
    }

    #[test]
    fn the_fold_is_the_same_whatever_order_events_arrive_in() {
        let mut m = Maker::new("repair_order");
        let evs = walk(&mut m);
        let mut rev = evs.clone();
        rev.reverse();
        assert_eq!(
            fold::<RepairOrder>(m.record, &evs),
            fold::<RepairOrder>(m.record, &rev)
        );
    }

    #[test]
    fn completing_a_cancelled_order_is_ignored_and_reported() {
        let mut m = Maker::new("repair_order");
        let evs = vec![
            m.make(
                1,
                100,
                "repair_order.created",
                json!({"description": "门锁坏"}),
            ),
            m.make(
                1,
                110,
                "repair_order.assigned",
                json!({"technician_id": TECH}),
            ),
            m.make(2, 115, "repair_order.accepted", json!({})),
            m.make(
                1,
                120,
                "repair_order.cancelled",
                json!({"reason": "业主自行修好"}),
            ),
            m.make(2, 130, "repair_order.completed", json!({})),
        ];
        let f = fold::<RepairOrder>(m.record, &evs);
        assert_eq!(f.state.status, Some(RepairStatus::Cancelled));
        assert_eq!(f.ignored.len(), 1);
        assert_eq!(f.ignored[0].event_id, evs[4].id);
        assert!(f.has_conflict());
        assert!(f.state.completion.is_none());
    }

    #[test]
    fn fix_again_sends_the_order_back_and_keeps_the_reason() {
        let mut m = Maker::new("repair_order");
        let mut evs = walk(&mut m);
        evs.truncate(6);
        evs.push(m.make(
            1,
            170,
            "repair_order.fix_again",
            json!({"reason": "仍然漏水"}),
        ));
        let f = fold::<RepairOrder>(m.record, &evs);
        assert_eq!(f.state.status, Some(RepairStatus::Assigned));
        assert_eq!(f.state.fix_again, vec!["仍然漏水".to_string()]);
        assert!(f.state.completion.is_none());
    }

    /// A created order (stored as seq 1), then one description edit per `(device, ms, text)`,
    /// each made having seen only the creation and stored in that order.
    fn edited_offline(m: &mut Maker, edits: &[(u8, u64, &str)]) -> Vec<Event> {
        let mut c = m.make(
            1,
            100,
            "repair_order.created",
            json!({"description": "原始"}),
        );
        c.seq = Some(1);
        let mut evs = vec![c];
        for (n, &(dev, ms, text)) in edits.iter().enumerate() {
            let mut e = m.make(
                dev,
                ms,
                "repair_order.updated",
                json!({"fields": {"description": text}}),
            );
            e.base_seq = 1;
            e.seq = Some(n as u64 + 2);
            evs.push(e);
        }
        evs
    }

    #[test]
    fn three_devices_editing_the_description_offline_converge_and_show_the_conflict() {
        let mut m = Maker::new("repair_order");
        let evs = edited_offline(&mut m, &[(1, 200, "甲"), (2, 190, "乙"), (3, 210, "丙")]);
        let a = fold::<RepairOrder>(m.record, [&evs[0], &evs[1], &evs[2], &evs[3]]);
        let b = fold::<RepairOrder>(m.record, [&evs[3], &evs[1], &evs[0], &evs[2]]);
        assert_eq!(a, b);
        assert_eq!(a.state.description.get().map(String::as_str), Some("丙"));
        let conflict = &a.conflicts[0];
        assert_eq!(conflict.field, "description");
        assert_eq!(conflict.writes.len(), 3);
    }

    /// The desk reassigns to TECH2 while TECH, offline, completes: the completion arrives
    /// from a state that no longer allows it.
    fn reassigned_while_completed(m: &mut Maker) -> Vec<Event> {
        vec![
            m.make(
                1,
                100,
                "repair_order.created",
                json!({"description": "灯不亮"}),
            ),
            m.make(
                1,
                110,
                "repair_order.assigned",
                json!({"technician_id": TECH}),
            ),
            m.make(2, 120, "repair_order.accepted", json!({})),
            m.make(
                1,
                130,
                "repair_order.assigned",
                json!({"technician_id": TECH2}),
            ),
            m.make(
                2,
                131,
                "repair_order.completed",
                json!({"result_note": "已换灯泡"}),
            ),
        ]
    }

    #[test]
    fn reassigning_while_the_technician_completes_keeps_both_and_reports_the_loser() {
        let mut m = Maker::new("repair_order");
        let evs = reassigned_while_completed(&mut m);
        let f = fold::<RepairOrder>(m.record, &evs);
        assert_eq!(f.state.status, Some(RepairStatus::Assigned));
        assert_eq!(f.ignored.len(), 1);
        assert_eq!(f.ignored[0].kind.as_str(), "repair_order.completed");
    }

    #[test]
    fn notes_and_photos_from_two_devices_are_all_kept() {
        let mut m = Maker::new("repair_order");
        let h = "b".repeat(64);
        let evs = vec![
            m.make(
                1,
                100,
                "repair_order.created",
                json!({"description": "墙面渗水"}),
            ),
            m.make(
                1,
                110,
                "repair_order.note_added",
                json!({"text": "业主下午在家"}),
            ),
            m.make(
                2,
                110,
                "repair_order.note_added",
                json!({"text": "需要带梯子"}),
            ),
            m.make(2, 120, "repair_order.photo_added", json!({"sha256": h})),
        ];
        let f = fold::<RepairOrder>(m.record, &evs);
        assert_eq!(f.state.notes.len(), 2);
        assert_eq!(f.state.photos.len(), 1);
    }

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// `ms` for a project-local (UTC+8) time.
    fn ms(s: &str) -> u64 {
        (local(s) - chrono::Duration::hours(8))
            .and_utc()
            .timestamp_millis() as u64
    }

    #[test]
    fn deadlines_follow_the_order_from_creation_to_return_visit() {
        let mut m = Maker::new("repair_order");
        let drain = CategoryLimits {
            arrival_minutes: Some(30),
            urgent_arrival_minutes: Some(15),
            completion: Some(crate::deadline::Limit {
                amount: 0.5,
                unit: crate::deadline::LimitUnit::WorkingDays,
            }),
        };
        let (rules, cal) = (ServiceRules::default(), WorkCalendar::default());
        let mut evs = vec![m.make(
            1,
            ms("2026-11-18 10:00"),
            "repair_order.created",
            json!({"description": "下水道堵塞", "urgent": true}),
        )];
        let d = fold::<RepairOrder>(m.record, &evs)
            .state
            .deadlines(&rules, Some(&drain), &cal);
        let arrival = d.arrival.unwrap();
        assert_eq!(arrival.due, local("2026-11-18 10:15"));
        assert_eq!(
            arrival.state(local("2026-11-18 10:20")),
            DeadlineState::Running(Countdown::new(arrival.due, local("2026-11-18 10:20")))
        );
        // 10:15 + 4 working hours, across the noon rest.
        assert_eq!(d.completion.unwrap().due, local("2026-11-18 16:15"));
        assert_eq!(d.return_visit, None);
        let first = d.first_answer.unwrap();
        assert_eq!(first.due, local("2026-11-18 10:05"));
        assert!(matches!(
            first.state(local("2026-11-18 10:03")),
            DeadlineState::Running(_)
        ));

        evs.push(m.make(
            1,
            ms("2026-11-18 10:01"),
            "repair_order.assigned",
            json!({"technician_id": TECH}),
        ));
        evs.push(m.make(
            2,
            ms("2026-11-18 10:02"),
            "repair_order.accepted",
            json!({}),
        ));
        evs.push(m.make(2, ms("2026-11-18 10:25"), "repair_order.arrived", json!({})));
        evs.push(m.make(
            2,
            ms("2026-11-18 15:00"),
            "repair_order.completed",
            json!({}),
        ));
        let d = fold::<RepairOrder>(m.record, &evs)
            .state
            .deadlines(&rules, Some(&drain), &cal);
        // Dispatched a minute after the call: the first answer was in time.
        assert_eq!(
            d.first_answer.unwrap().state(local("2026-11-18 16:00")),
            DeadlineState::Met
        );
        assert_eq!(
            d.arrival.unwrap().state(local("2026-11-18 16:00")),
            DeadlineState::Late
        );
        assert_eq!(
            d.completion.unwrap().state(local("2026-11-18 16:00")),
            DeadlineState::Met
        );
        assert_eq!(d.return_visit.unwrap().due, local("2026-11-20 15:00"));

        evs.push(m.make(
            1,
            ms("2026-11-19 09:00"),
            "repair_order.return_visited",
            json!({"satisfaction": 5}),
        ));
        let d = fold::<RepairOrder>(m.record, &evs)
            .state
            .deadlines(&rules, Some(&drain), &cal);
        assert_eq!(
            d.return_visit.unwrap().state(local("2026-11-21 09:00")),
            DeadlineState::Met
        );
    }

    #[test]
    fn an_appointment_moves_the_arrival_deadline_and_cancelling_stops_the_clocks() {
        let mut m = Maker::new("repair_order");
        let (rules, cal) = (ServiceRules::default(), WorkCalendar::default());
        let mut evs = vec![m.make(
            1,
            ms("2026-11-18 10:00"),
            "repair_order.created",
            json!({"description": "门锁坏", "appointment": "2026-11-19T15:00:00+08:00"}),
        )];
        let d = fold::<RepairOrder>(m.record, &evs)
            .state
            .deadlines(&rules, None, &cal);
        assert_eq!(d.arrival.unwrap().due, local("2026-11-19 15:00"));
        assert_eq!(d.completion, None, "no category, no completion limit");
        evs.push(m.make(
            1,
            ms("2026-11-18 11:00"),
            "repair_order.cancelled",
            json!({"reason": "业主自行修好"}),
        ));
        let d = fold::<RepairOrder>(m.record, &evs)
            .state
            .deadlines(&rules, None, &cal);
        // No clock runs any more; only what already happened is kept (the cancellation was
        // the first answer to the call, an hour after it).
        assert_eq!(d.arrival, None);
        assert_eq!(
            d.first_answer.unwrap().state(local("2026-11-18 12:00")),
            DeadlineState::Late
        );
    }

    #[test]
    fn fix_again_starts_the_clocks_over_from_that_step() {
        let mut m = Maker::new("repair_order");
        let (rules, cal) = (ServiceRules::default(), WorkCalendar::default());
        let steps = [
            (
                1,
                "2026-11-18 10:00",
                "repair_order.created",
                json!({"description": "水管漏水", "appointment": "2026-11-18T11:00:00+08:00"}),
            ),
            (
                1,
                "2026-11-18 10:01",
                "repair_order.assigned",
                json!({"technician_id": TECH}),
            ),
            (2, "2026-11-18 10:02", "repair_order.accepted", json!({})),
            (2, "2026-11-18 10:50", "repair_order.arrived", json!({})),
            (2, "2026-11-18 11:30", "repair_order.completed", json!({})),
            (
                1,
                "2026-11-19 09:00",
                "repair_order.return_visited",
                json!({"satisfaction": 2}),
            ),
            (
                1,
                "2026-11-19 09:05",
                "repair_order.fix_again",
                json!({"reason": "仍然漏水"}),
            ),
        ];
        let evs: Vec<Event> = steps
            .into_iter()
            .map(|(dev, at, kind, p)| m.make(dev, ms(at), kind, p))
            .collect();
        let d = fold::<RepairOrder>(m.record, &evs)
            .state
            .deadlines(&rules, None, &cal);
        // The redo is a new visit: 30 minutes to arrive from the fix-again step, not the
        // first visit's arrival (met) or its appointment (long past).
        let arrival = d.arrival.unwrap();
        assert_eq!(arrival.due, local("2026-11-19 09:35"));
        assert!(matches!(
            arrival.state(local("2026-11-19 09:40")),
            DeadlineState::Running(c) if c.urgency() == crate::deadline::Urgency::Overdue
        ));
        assert_eq!(
            d.return_visit, None,
            "no return visit runs before the redo is done"
        );
        // The first answer was to the owner's call, and stays met.
        assert_eq!(
            d.first_answer.unwrap().state(local("2026-11-19 09:40")),
            DeadlineState::Met
        );
    }

    #[test]
    fn a_reviewed_conflict_no_longer_needs_attention_and_every_event_stays() {
        let mut m = Maker::new("repair_order");
        let mut evs = reassigned_while_completed(&mut m);
        let before = fold::<RepairOrder>(m.record, &evs);
        assert!(before.has_conflict());
        let completed = evs[4].id;
        // A review that names something else settles nothing.
        evs.push(m.make(
            3,
            140,
            "repair_order.conflict_reviewed",
            json!({"event_ids": [evs[0].id]}),
        ));
        assert!(fold::<RepairOrder>(m.record, &evs).has_conflict());
        // The review sorts before the completion it names, and still settles it.
        evs.push(m.make(
            3,
            125,
            "repair_order.conflict_reviewed",
            json!({"event_ids": [completed], "note": "陈师傅已修好，改派作废"}),
        ));
        let after = fold::<RepairOrder>(m.record, &evs);
        assert!(!after.has_conflict());
        assert_eq!(after.reviews.len(), 2);
        assert_eq!(
            after.reviews[0].note.as_deref(),
            Some("陈师傅已修好，改派作废")
        );
        assert_eq!(after.event_count, 7);
        let mut rev = evs.clone();
        rev.reverse();
        assert_eq!(after, fold::<RepairOrder>(m.record, &rev));
    }

    #[test]
    fn a_field_conflict_is_settled_only_when_every_write_in_it_was_reviewed() {
        let mut m = Maker::new("repair_order");
        let mut evs = edited_offline(&mut m, &[(1, 200, "甲"), (2, 190, "乙")]);
        let writes = [evs[1].id, evs[2].id];
        evs.push(m.make(
            3,
            300,
            "repair_order.conflict_reviewed",
            json!({"event_ids": [writes[0]]}),
        ));
        assert_eq!(fold::<RepairOrder>(m.record, &evs).conflicts.len(), 1);
        evs.push(m.make(
            3,
            310,
            "repair_order.conflict_reviewed",
            json!({"event_ids": writes}),
        ));
        let f = fold::<RepairOrder>(m.record, &evs);
        assert!(f.conflicts.is_empty());
        assert_eq!(f.state.description.get().map(String::as_str), Some("甲"));
    }
}

/// The push check of these payloads, through `kinds::check_payload` as the server runs it.
#[cfg(test)]
mod push_check_tests {
    use crate::kinds::{self, tests::ev, KindStatus};
    use serde_json::json;

    #[test]
    fn a_quote_must_add_up_and_list_real_items() {
        let item = json!({"name": "水龙头", "quantity": 2, "unit_price_cents": 3500});
        let ok = json!({"description": "换水龙头", "quote": {"items": [item], "total_cents": 7000, "owner_consented": true}});
        assert_eq!(
            kinds::check_payload(&ev("repair_order.created", ok)),
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
            let err = kinds::check_payload(&ev("repair_order.updated", bad)).unwrap_err();
            assert!(err.message.contains(why), "{why}: {}", err.message);
        }
    }

    #[test]
    fn an_arrival_may_carry_a_position_that_makes_sense() {
        let at = |p| ev("repair_order.arrived", p);
        assert!(kinds::check_payload(&at(json!({}))).is_ok());
        let here = json!({"position": {"lat": 31.2, "lon": 121.5, "accuracy_m": 12.0}});
        assert!(kinds::check_payload(&at(here)).is_ok());
        let bad = json!({"position": {"lat": 131.2, "lon": 121.5, "accuracy_m": 12.0}});
        let r = kinds::check_payload(&at(bad)).unwrap_err();
        assert!(r.message.contains("lat"), "{}", r.message);
    }

    #[test]
    fn a_charge_is_refused_without_the_owners_consent() {
        let material = json!([{"name": "存水弯密封圈", "quantity": 1, "unit_price_cents": 1500}]);
        let r = kinds::check_payload(&ev(
            "repair_order.completed",
            json!({"materials": material, "charge_cents": 1500}),
        ))
        .unwrap_err();
        assert!(r.message.contains("consent"), "{}", r.message);
        assert!(kinds::check_payload(&ev(
            "repair_order.completed",
            json!({"materials": material, "charge_cents": 1500, "owner_consented": true}),
        ))
        .is_ok());
        assert!(
            kinds::check_payload(&ev("repair_order.completed", json!({"labour_minutes": 30})))
                .is_ok()
        );
    }

    #[test]
    fn a_repair_order_without_description_is_invalid() {
        let r =
            kinds::check_payload(&ev("repair_order.created", json!({"urgent": true}))).unwrap_err();
        assert!(r.message.contains("description"));
    }

    #[test]
    fn satisfaction_outside_one_to_five_is_invalid() {
        assert!(kinds::check_payload(&ev(
            "repair_order.return_visited",
            json!({"satisfaction": 6})
        ))
        .is_err());
        assert!(kinds::check_payload(&ev(
            "repair_order.return_visited",
            json!({"satisfaction": 5})
        ))
        .is_ok());
    }

    #[test]
    fn a_signature_is_a_hash_or_a_refusal_with_reason() {
        let h = "a".repeat(64);
        assert!(
            kinds::check_payload(&ev("repair_order.signature_added", json!({"sha256": h}))).is_ok()
        );
        assert!(kinds::check_payload(&ev(
            "repair_order.signature_added",
            json!({"refused_reason": "业主不在家"})
        ))
        .is_ok());
        assert!(kinds::check_payload(&ev("repair_order.signature_added", json!({}))).is_err());
    }
}
