//! The device side of sync as a pure state machine: the event store, the outbox, the pull
//! cursor, the epoch and the clock. The app persists this state in IndexedDB, one user action
//! or one server answer per transaction; the randomized model test drives the same code.

use crate::event::{DeviceTime, Event, Kind, RecordType};
use crate::fold::{fold_any, AnyRecord};
use crate::hlc::{Hlc, HlcClock};
use crate::ids::{AreaId, DeviceId, EventId, ProjectId, RecordId, UserId};
use crate::kinds::CONFLICT_REVIEWED;
use crate::payload::{ConflictReviewed, Payload};
use crate::protocol::{PullResponse, PushResponse, PushResult};
use crate::records::ReferenceType;
use crate::reject::RejectCode;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A change the user just made, before the replica stamps it.
#[derive(Clone, Debug)]
pub struct Draft {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub kind: Kind,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
    pub payload: serde_json::Value,
}

impl Draft {
    /// A typed change: the record type and kind come from the payload's type, so the app
    /// cannot misspell them or a field (the wire JSON is the payload serialized).
    pub fn new<P: Payload>(
        record_id: RecordId,
        project_id: ProjectId,
        area_id: Option<AreaId>,
        payload: &P,
    ) -> Draft {
        Draft {
            record_id,
            // Cannot fail: every registered payload's consts parse (tested in `payload`).
            record_type: RecordType::parse(P::RECORD_TYPE).expect("a payload's record type"),
            kind: Kind::parse(P::KIND).expect("a payload's kind"),
            project_id,
            area_id,
            payload: to_json(payload),
        }
    }

    /// `<record_type>.conflict_reviewed`: any record type takes it, so the type is chosen
    /// at run time (the record page the conflict is shown on).
    pub fn conflict_review(
        record_type: RecordType,
        record_id: RecordId,
        project_id: ProjectId,
        area_id: Option<AreaId>,
        review: &ConflictReviewed,
    ) -> Draft {
        // A valid record type (≤ 64 characters) and a snake_case suffix always make a kind.
        let kind = format!("{record_type}.{CONFLICT_REVIEWED}");
        Draft {
            record_id,
            kind: Kind::parse(&kind).expect("a conflict review's kind"),
            record_type,
            project_id,
            area_id,
            payload: to_json(review),
        }
    }

    /// `<type>.defined` of reference data: the record's full current fields (each field is
    /// last-writer-wins, so the whole definition is sent every time).
    pub fn reference_defined(
        reference: ReferenceType,
        record_id: RecordId,
        project_id: ProjectId,
        area_id: Option<AreaId>,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> Draft {
        Self::reference(
            reference,
            "defined",
            record_id,
            project_id,
            area_id,
            fields.into(),
        )
    }

    /// `<type>.retired` of reference data (`{}`): hidden, nothing deleted.
    pub fn reference_retired(
        reference: ReferenceType,
        record_id: RecordId,
        project_id: ProjectId,
        area_id: Option<AreaId>,
    ) -> Draft {
        let empty = serde_json::Value::Object(serde_json::Map::new());
        Self::reference(reference, "retired", record_id, project_id, area_id, empty)
    }

    fn reference(
        reference: ReferenceType,
        what: &str,
        record_id: RecordId,
        project_id: ProjectId,
        area_id: Option<AreaId>,
        payload: serde_json::Value,
    ) -> Draft {
        let rt = reference.as_str();
        Draft {
            record_id,
            // The reference names are tested to be the valid `REFERENCE_RECORD_TYPES`.
            record_type: RecordType::parse(rt).expect("a reference record type"),
            kind: Kind::parse(&format!("{rt}.{what}")).expect("a reference kind"),
            project_id,
            area_id,
            payload,
        }
    }

    /// The server's payload checks (`kinds::check_payload`), run before the change is stored:
    /// a change the server would refuse is refused at once with the same message, and never
    /// queued to come back later as a rejection.
    pub fn check(&self) -> Result<(), crate::kinds::Rejection> {
        let probe = Event {
            id: EventId::from_parts(0, [0; 10]),
            record_id: self.record_id,
            record_type: self.record_type.clone(),
            kind: self.kind.clone(),
            v: 1,
            project_id: self.project_id,
            area_id: self.area_id,
            actor: UserId::from_parts(0, [0; 10]),
            device_id: DeviceId::from_random([0; 16]),
            hlc: Hlc::new(0, 0),
            device_time: DeviceTime::from_unix_ms(0),
            base_seq: 0,
            payload: self.payload.clone(),
            seq: None,
            received_at: None,
        };
        crate::kinds::check_payload(&probe).map(|_| ())
    }
}

/// A payload as JSON. The payload types are plain structs with string keys, which always
/// serialize; a failure would be a bug in a payload type, not a user's input.
fn to_json<P: Serialize>(payload: &P) -> serde_json::Value {
    serde_json::to_value(payload).expect("payload types serialize to JSON")
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedEvent {
    pub code: RejectCode,
    pub message: String,
}

/// What one push answer did, for the sync bar and the inbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushOutcome {
    pub stored: usize,
    pub rejected: usize,
    /// Events re-stamped after a `clock_skew` answer; push again right away.
    pub restamped: usize,
    /// The server's epoch changed: cursor reset and own events queued again.
    pub epoch_reset: bool,
}

/// The small state kept beside the events (one row in the device's store).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaMeta {
    pub device_id: DeviceId,
    pub user: UserId,
    pub clock: Hlc,
    pub clock_offset_ms: i64,
    pub cursor: u64,
    pub epoch: Option<String>,
}

/// Everything that changed since the last `take_changes`: what one store transaction must
/// write so that the stored replica equals the one in memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Changes {
    /// Current copies of new or changed events (seq learned, re-stamped, pulled).
    pub events: Vec<Event>,
    pub outbox_added: Vec<EventId>,
    pub outbox_removed: Vec<EventId>,
    pub rejected: Vec<(EventId, RejectedEvent)>,
    /// The records whose folded view must be rebuilt.
    pub records: Vec<RecordId>,
    pub meta: Option<ReplicaMeta>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
            && self.outbox_added.is_empty()
            && self.outbox_removed.is_empty()
            && self.rejected.is_empty()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Replica {
    pub device_id: DeviceId,
    pub user: UserId,
    clock: HlcClock,
    /// Server clock minus device clock, learned from every answer's `server_time`.
    clock_offset_ms: i64,
    events: BTreeMap<EventId, Event>,
    outbox: BTreeSet<EventId>,
    rejected: BTreeMap<EventId, RejectedEvent>,
    cursor: u64,
    epoch: Option<String>,
    /// Bookkeeping for `take_changes`: what the store holds, and what changed since.
    #[serde(skip)]
    stored_outbox: BTreeSet<EventId>,
    #[serde(skip)]
    dirty_events: BTreeSet<EventId>,
    #[serde(skip)]
    dirty_rejected: BTreeSet<EventId>,
}

fn server_ms(server_time: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(server_time)
        .ok()
        .map(|t| t.timestamp_millis())
}

impl Replica {
    pub fn new(device_id: DeviceId, user: UserId) -> Self {
        Self {
            device_id,
            user,
            clock: HlcClock::default(),
            clock_offset_ms: 0,
            events: BTreeMap::new(),
            outbox: BTreeSet::new(),
            rejected: BTreeMap::new(),
            cursor: 0,
            epoch: None,
            stored_outbox: BTreeSet::new(),
            dirty_events: BTreeSet::new(),
            dirty_rejected: BTreeSet::new(),
        }
    }

    /// Rebuilds a replica from what the device's store holds.
    pub fn restore(
        meta: ReplicaMeta,
        events: Vec<Event>,
        outbox: Vec<EventId>,
        rejected: Vec<(EventId, RejectedEvent)>,
    ) -> Self {
        let outbox: BTreeSet<EventId> = outbox.into_iter().collect();
        Self {
            device_id: meta.device_id,
            user: meta.user,
            clock: HlcClock::new(meta.clock),
            clock_offset_ms: meta.clock_offset_ms,
            events: events.into_iter().map(|e| (e.id, e)).collect(),
            stored_outbox: outbox.clone(),
            outbox,
            rejected: rejected.into_iter().collect(),
            cursor: meta.cursor,
            epoch: meta.epoch,
            dirty_events: BTreeSet::new(),
            dirty_rejected: BTreeSet::new(),
        }
    }

    pub fn meta(&self) -> ReplicaMeta {
        ReplicaMeta {
            device_id: self.device_id,
            user: self.user,
            clock: self.clock.last(),
            clock_offset_ms: self.clock_offset_ms,
            cursor: self.cursor,
            epoch: self.epoch.clone(),
        }
    }

    /// Hands over what changed since the last call (for one store transaction) and marks it
    /// stored. If that transaction fails, rebuild the replica from the store.
    pub fn take_changes(&mut self) -> Changes {
        let events: Vec<Event> = std::mem::take(&mut self.dirty_events)
            .into_iter()
            .filter_map(|id| self.events.get(&id).cloned())
            .collect();
        let mut records: Vec<RecordId> = events.iter().map(|e| e.record_id).collect();
        records.sort_unstable();
        records.dedup();
        let changes = Changes {
            outbox_added: self
                .outbox
                .difference(&self.stored_outbox)
                .copied()
                .collect(),
            outbox_removed: self
                .stored_outbox
                .difference(&self.outbox)
                .copied()
                .collect(),
            rejected: std::mem::take(&mut self.dirty_rejected)
                .into_iter()
                .filter_map(|id| self.rejected.get(&id).map(|r| (id, r.clone())))
                .collect(),
            events,
            records,
            meta: Some(self.meta()),
        };
        self.stored_outbox = self.outbox.clone();
        changes
    }

    /// Whether an event is still waiting to be pushed.
    pub fn is_pending(&self, id: EventId) -> bool {
        self.outbox.contains(&id)
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    pub fn epoch(&self) -> Option<&str> {
        self.epoch.as_deref()
    }

    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms
    }

    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.values()
    }

    /// How many events the device holds; grows with every event (none is ever removed), so
    /// with the cursor it tells a cache whether anything changed.
    pub fn event_count(&self) -> usize {
        self.events.len()
    }

    pub fn event(&self, id: EventId) -> Option<&Event> {
        self.events.get(&id)
    }

    pub fn pending_count(&self) -> usize {
        self.outbox.len()
    }

    pub fn rejected(&self) -> &BTreeMap<EventId, RejectedEvent> {
        &self.rejected
    }

    fn corrected_now(&self, device_now_ms: u64) -> u64 {
        (device_now_ms as i64 + self.clock_offset_ms).max(0) as u64
    }

    /// The highest server seq this device has seen for a record: the next change's base_seq.
    pub fn record_seq(&self, record_id: RecordId) -> u64 {
        self.events
            .values()
            .filter(|e| e.record_id == record_id)
            .filter_map(|e| e.seq)
            .max()
            .unwrap_or(0)
    }

    /// Stamps a user's change and queues it. `random` feeds the event id's random bits.
    pub fn record(&mut self, device_now_ms: u64, random: [u8; 10], d: Draft) -> Event {
        let now = self.corrected_now(device_now_ms);
        let ev = Event {
            id: EventId::from_parts(now, random),
            record_id: d.record_id,
            record_type: d.record_type,
            kind: d.kind,
            v: 1,
            project_id: d.project_id,
            area_id: d.area_id,
            actor: self.user,
            device_id: self.device_id,
            hlc: self.clock.tick(now),
            device_time: DeviceTime::from_unix_ms(device_now_ms),
            base_seq: self.record_seq(d.record_id),
            payload: d.payload,
            seq: None,
            received_at: None,
        };
        self.events.insert(ev.id, ev.clone());
        self.dirty_events.insert(ev.id);
        self.outbox.insert(ev.id);
        ev
    }

    /// The next events to push, oldest first.
    pub fn next_batch(&self, max: usize) -> Vec<Event> {
        let mut v: Vec<&Event> = self
            .outbox
            .iter()
            .filter_map(|id| self.events.get(id))
            .collect();
        v.sort_unstable_by_key(|e| e.order_key());
        v.into_iter().take(max).map(Event::authored).collect()
    }

    fn learn_clock(&mut self, server_time: &str, device_now_ms: u64) {
        if let Some(s) = server_ms(server_time) {
            self.clock_offset_ms = s - device_now_ms as i64;
        }
    }

    /// A new epoch means the server was restored: start pulling from the beginning and
    /// offer it every event this device authored as this user (pushes are idempotent).
    fn check_epoch(&mut self, epoch: &str) -> bool {
        match &self.epoch {
            Some(e) if e == epoch => false,
            None => {
                self.epoch = Some(epoch.to_string());
                false
            }
            Some(_) => {
                self.epoch = Some(epoch.to_string());
                self.cursor = 0;
                let mine: Vec<EventId> = self
                    .events
                    .values()
                    .filter(|e| e.device_id == self.device_id && e.actor == self.user)
                    .filter(|e| !self.rejected.contains_key(&e.id))
                    .map(|e| e.id)
                    .collect();
                self.outbox.extend(mine);
                true
            }
        }
    }

    /// Applies the answer to a push of `sent` (results are in the same order).
    pub fn on_push_response(
        &mut self,
        sent: &[Event],
        resp: &PushResponse,
        device_now_ms: u64,
    ) -> PushOutcome {
        let mut out = PushOutcome {
            epoch_reset: self.check_epoch(&resp.epoch),
            ..Default::default()
        };
        self.learn_clock(&resp.server_time, device_now_ms);
        let mut skewed = false;
        for (ev, res) in sent.iter().zip(&resp.results) {
            match res {
                PushResult::Accepted { seq, .. } | PushResult::Duplicate { seq, .. } => {
                    if let Some(e) = self.events.get_mut(&ev.id) {
                        e.seq = Some(*seq);
                        self.dirty_events.insert(ev.id);
                    }
                    self.outbox.remove(&ev.id);
                    out.stored += 1;
                }
                PushResult::Rejected {
                    code: RejectCode::ClockSkew,
                    ..
                } => skewed = true,
                PushResult::Rejected { code, message, .. } => {
                    if self.outbox.remove(&ev.id) {
                        self.dirty_rejected.insert(ev.id);
                        self.rejected.insert(
                            ev.id,
                            RejectedEvent {
                                code: *code,
                                message: message.clone(),
                            },
                        );
                        out.rejected += 1;
                    }
                }
            }
        }
        if skewed {
            out.restamped = self.restamp(device_now_ms);
        }
        out
    }

    /// After a `clock_skew` answer: move the clock back to the newest stamp the server holds
    /// and re-stamp every pending event, keeping their order.
    fn restamp(&mut self, device_now_ms: u64) -> usize {
        let floor = self
            .events
            .values()
            .filter(|e| !self.outbox.contains(&e.id))
            .map(|e| e.hlc)
            .max()
            .unwrap_or(Hlc::default());
        self.clock.rewind(floor);
        let mut pending: Vec<(crate::event::OrderKey, EventId)> = self
            .outbox
            .iter()
            .filter_map(|id| self.events.get(id).map(|e| (e.order_key(), *id)))
            .collect();
        pending.sort_unstable();
        let now = self.corrected_now(device_now_ms);
        for (_, id) in &pending {
            let hlc = self.clock.tick(now);
            if let Some(e) = self.events.get_mut(id) {
                e.hlc = hlc;
                self.dirty_events.insert(*id);
            }
        }
        pending.len()
    }

    /// Stores pulled events (idempotent). Our own events coming back are acknowledged by it:
    /// this is how an acknowledgement lost on the way is recovered.
    pub fn ingest(&mut self, events: &[Event]) {
        for ev in events {
            self.clock.observe(ev.hlc);
            self.outbox.remove(&ev.id);
            self.dirty_events.insert(ev.id);
            self.events.insert(ev.id, ev.clone());
        }
    }

    /// Applies one pull page: events, then the cursor, as one unit.
    pub fn on_pull_page(&mut self, page: &PullResponse, device_now_ms: u64) {
        let reset = self.check_epoch(&page.epoch);
        self.learn_clock(&page.server_time, device_now_ms);
        self.ingest(&page.events);
        if !reset {
            self.cursor = self.cursor.max(page.next_cursor);
        }
    }

    /// Every record this device holds, folded.
    pub fn fold_all(&self) -> BTreeMap<RecordId, AnyRecord> {
        let mut by_record: BTreeMap<RecordId, (String, Vec<&Event>)> = BTreeMap::new();
        for e in self.events.values() {
            by_record
                .entry(e.record_id)
                .or_insert_with(|| (e.record_type.as_str().to_string(), Vec::new()))
                .1
                .push(e);
        }
        by_record
            .into_iter()
            .map(|(id, (rt, evs))| (id, fold_any(&rt, id, evs)))
            .collect()
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;

    fn draft(kind: &str, payload: serde_json::Value) -> Draft {
        Draft {
            record_id: RecordId::from_parts(1, [1; 10]),
            record_type: RecordType::parse(kind.split('.').next().unwrap()).unwrap(),
            kind: Kind::parse(kind).unwrap(),
            project_id: ProjectId::from_parts(1, [2; 10]),
            area_id: None,
            payload,
        }
    }

    #[test]
    fn a_draft_the_server_would_refuse_is_refused_before_it_is_stored() {
        let ok = draft(
            "duty_log.entry_added",
            serde_json::json!({"text": "巡查正常"}),
        );
        assert!(ok.check().is_ok());
        let empty = draft("duty_log.entry_added", serde_json::json!({"text": ""}));
        assert!(empty.check().unwrap_err().message.contains("text"));
        let nameless = draft(
            "project_settings.defined",
            serde_json::json!({"patrol": {"round_deadlines": ["12:00:00"]}}),
        );
        assert!(nameless.check().unwrap_err().message.contains("name"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn a_conflict_review_is_written_as_the_records_own_type_with_the_same_json_as_the_app() {
        let seen = EventId::from_parts(5, [4; 10]);
        let review = ConflictReviewed {
            event_ids: vec![seen],
            note: Some("已核实".into()),
        };
        for rt in ["repair_order", "complaint", "finding"] {
            let d = Draft::conflict_review(
                RecordType::parse(rt).unwrap(),
                RecordId::from_parts(5, [5; 10]),
                ProjectId::from_parts(1, [2; 10]),
                None,
                &review,
            );
            assert_eq!(d.record_type.as_str(), rt);
            assert_eq!(d.kind.as_str(), format!("{rt}.conflict_reviewed"));
            assert_eq!(d.payload, json!({"event_ids": [seen], "note": "已核实"}));
            assert!(d.check().is_ok(), "{rt}");
        }
    }

    #[test]
    fn reference_data_is_defined_with_its_fields_and_retired_with_an_empty_object() {
        let (id, project, area) = (
            RecordId::from_parts(5, [5; 10]),
            ProjectId::from_parts(1, [2; 10]),
            Some(AreaId::from_parts(1, [3; 10])),
        );
        // checkpoints.rs: the whole definition with its place in the walking order.
        let fields = json!({"name": "东门", "code": "CP-A-01", "order": 1, "groups": ["绿化"]});
        let Value::Object(map) = fields.clone() else {
            unreachable!()
        };
        let d = Draft::reference_defined(ReferenceType::Checkpoint, id, project, area, map);
        assert_eq!(
            (d.record_type.as_str(), d.kind.as_str()),
            ("checkpoint", "checkpoint.defined")
        );
        assert_eq!(d.payload, fields);
        assert!(d.check().is_ok());
        let r = Draft::reference_retired(ReferenceType::Checkpoint, id, project, area);
        assert_eq!(r.kind.as_str(), "checkpoint.retired");
        assert_eq!(r.payload, json!({}));
        assert!(r.check().is_ok());
        // The same checks as the server's: a checkpoint without a code is refused at once.
        let mut no_code = serde_json::Map::new();
        no_code.insert("name".into(), json!("东门"));
        let bad = Draft::reference_defined(ReferenceType::Checkpoint, id, project, area, no_code);
        assert!(bad.check().unwrap_err().message.contains("code"));
        for t in ReferenceType::ALL {
            let d = Draft::reference_retired(t, id, project, None);
            assert_eq!(d.kind.as_str(), format!("{}.retired", t.as_str()));
        }
    }

    fn replica() -> Replica {
        Replica::new(
            DeviceId::from_random([3; 16]),
            UserId::from_parts(1, [1; 10]),
        )
    }

    fn draft() -> Draft {
        Draft {
            record_id: RecordId::from_parts(5, [5; 10]),
            record_type: RecordType::parse("duty_log").unwrap(),
            kind: Kind::parse("duty_log.entry_added").unwrap(),
            project_id: ProjectId::from_parts(1, [2; 10]),
            area_id: None,
            payload: json!({"text": "交接正常"}),
        }
    }

    /// The store's rows: events, outbox, rejected, meta.
    type Stored = (
        Vec<Event>,
        BTreeSet<EventId>,
        Vec<(EventId, RejectedEvent)>,
        Option<ReplicaMeta>,
    );

    fn rebuild(r: &mut Replica, stored: &mut Stored) -> Replica {
        let c = r.take_changes();
        for e in c.events {
            stored.0.retain(|x| x.id != e.id);
            stored.0.push(e);
        }
        stored.1.extend(c.outbox_added);
        for id in c.outbox_removed {
            stored.1.remove(&id);
        }
        stored.2.extend(c.rejected);
        stored.3 = c.meta;
        Replica::restore(
            stored.3.clone().unwrap(),
            stored.0.clone(),
            stored.1.iter().copied().collect(),
            stored.2.clone(),
        )
    }

    #[test]
    fn a_replica_rebuilt_from_its_changes_equals_the_one_in_memory() {
        let mut r = replica();
        let mut stored = Stored::default();
        let e = r.record(1_000, [1; 10], draft());
        let back = rebuild(&mut r, &mut stored);
        assert_eq!(back.pending_count(), 1);
        assert_eq!(back.meta(), r.meta());
        let resp = PushResponse {
            server_time: "2026-11-22T05:00:00.000Z".into(),
            epoch: "e1".into(),
            results: vec![PushResult::Accepted {
                id: e.id.to_string(),
                seq: 7,
            }],
            wipe: false,
        };
        r.on_push_response(std::slice::from_ref(&e), &resp, 2_000);
        let back = rebuild(&mut r, &mut stored);
        assert_eq!(back.pending_count(), 0);
        assert_eq!(back.event(e.id).unwrap().seq, Some(7));
        assert_eq!(back.epoch(), Some("e1"));
        assert!(r.take_changes().is_empty());
    }

    #[test]
    fn a_crash_between_the_local_write_and_the_push_leaves_the_event_pending() {
        let mut r = replica();
        let mut stored = Stored::default();
        r.record(1_000, [1; 10], draft());
        let after_crash = rebuild(&mut r, &mut stored);
        assert_eq!(after_crash.next_batch(10).len(), 1);
    }
}
