//! The device side of sync as a pure state machine: the event store, the outbox, the pull
//! cursor, the epoch and the clock. The app persists this state in IndexedDB, one user action
//! or one server answer per transaction; the randomized model test drives the same code.

use crate::event::{DeviceTime, Event, Kind, RecordType};
use crate::fold::{fold_any, AnyRecord};
use crate::hlc::{Hlc, HlcClock};
use crate::ids::{AreaId, DeviceId, EventId, ProjectId, RecordId, UserId};
use crate::kinds::RejectCode;
use crate::protocol::{PullResponse, PushResponse, PushResult};
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
        }
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
        v.sort_by_key(|e| e.order_key());
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
        pending.sort();
        let now = self.corrected_now(device_now_ms);
        for (_, id) in &pending {
            let hlc = self.clock.tick(now);
            if let Some(e) = self.events.get_mut(id) {
                e.hlc = hlc;
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
