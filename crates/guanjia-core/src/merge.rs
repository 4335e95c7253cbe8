//! Merge rules by field kind (sync-protocol §1): last-writer-wins registers that keep every
//! write so concurrent edits stay visible as conflicts, and append-only sets.

use crate::event::{Event, OrderKey};
use crate::ids::{DeviceId, EventId, UserId};
use serde::{Deserialize, Serialize};

/// One write to a field, with what its author had seen (`base_seq`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Write<T> {
    pub value: T,
    pub key: OrderKey,
    pub event_id: EventId,
    pub actor: UserId,
    pub device_id: DeviceId,
    pub seq: Option<u64>,
    pub base_seq: u64,
}

impl<T> Write<T> {
    fn from_event(ev: &Event, value: T) -> Self {
        Write {
            value,
            key: ev.order_key(),
            event_id: ev.id,
            actor: ev.actor,
            device_id: ev.device_id,
            seq: ev.seq,
            base_seq: ev.base_seq,
        }
    }

    /// Whether this write's author had seen `other` when writing: same device (a device
    /// always sees its own earlier writes) or `other` was accepted at or before our `base_seq`.
    fn saw<U>(&self, other: &Write<U>) -> bool {
        (self.device_id == other.device_id && other.key < self.key)
            || other.seq.is_some_and(|s| s <= self.base_seq)
    }
}

/// A last-writer-wins register. The winner is the write with the highest order key; writes
/// that no later write had seen form the "frontier", and a frontier with different values is
/// a conflict that stays visible until someone writes again having seen all of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lww<T> {
    writes: Vec<Write<T>>,
}

impl<T> Default for Lww<T> {
    fn default() -> Self {
        Self { writes: Vec::new() }
    }
}

impl<T: Clone + PartialEq> Lww<T> {
    pub fn set(&mut self, ev: &Event, value: T) {
        let w = Write::from_event(ev, value);
        let at = self.writes.partition_point(|x| x.key < w.key);
        self.writes.insert(at, w);
    }

    pub fn get(&self) -> Option<&T> {
        self.writes.last().map(|w| &w.value)
    }

    pub fn winner(&self) -> Option<&Write<T>> {
        self.writes.last()
    }

    /// Writes nobody has superseded knowingly. More than one distinct value = conflict.
    pub fn frontier(&self) -> Vec<&Write<T>> {
        self.writes
            .iter()
            .filter(|x| {
                !self
                    .writes
                    .iter()
                    .any(|w| w.event_id != x.event_id && w.saw(x))
            })
            .collect()
    }

    /// The competing writes when concurrent edits left different values, oldest first.
    pub fn conflict(&self) -> Option<Vec<&Write<T>>> {
        let f = self.frontier();
        let first = f.first()?;
        if f.iter().any(|w| w.value != first.value) {
            Some(f)
        } else {
            None
        }
    }
}

/// Notes, photos, signatures, entries: every addition is kept, ordered by order key;
/// additions never conflict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppendSet<T> {
    items: Vec<Item<T>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item<T> {
    pub value: T,
    pub event_id: EventId,
    pub actor: UserId,
    pub key: OrderKey,
    pub device_time: String,
    pub seq: Option<u64>,
}

impl<T> Default for AppendSet<T> {
    fn default() -> Self {
        Self { items: Vec::new() }
    }
}

impl<T> AppendSet<T> {
    pub fn add(&mut self, ev: &Event, value: T) {
        if self.items.iter().any(|i| i.event_id == ev.id) {
            return;
        }
        let item = Item {
            value,
            event_id: ev.id,
            actor: ev.actor,
            key: ev.order_key(),
            device_time: ev.device_time.as_str().to_string(),
            seq: ev.seq,
        };
        let at = self.items.partition_point(|x| x.key < item.key);
        self.items.insert(at, item);
    }

    pub fn items(&self) -> &[Item<T>] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::tests::sample_json;
    use crate::hlc::Hlc;
    use serde_json::json;

    fn write(device: &str, ms: u64, seq: Option<u64>, base_seq: u64, n: u8) -> Event {
        let mut j = sample_json();
        j["device_id"] = json!(device);
        j["id"] = json!(format!("019aa8b0-0000-7000-8000-0000000000{n:02}"));
        j["base_seq"] = json!(base_seq);
        let mut e = Event::from_json(&j).unwrap();
        e.hlc = Hlc::new(ms, 0);
        e.seq = seq;
        e
    }

    const D1: &str = "11111111-1111-4111-8111-111111111111";
    const D2: &str = "22222222-2222-4222-8222-222222222222";
    const D3: &str = "33333333-3333-4333-8333-333333333333";

    #[test]
    fn the_latest_order_key_wins_whatever_order_writes_arrive_in() {
        let (a, b) = (write(D1, 10, Some(1), 0, 1), write(D2, 20, Some(2), 0, 2));
        let mut x = Lww::default();
        x.set(&a, "a");
        x.set(&b, "b");
        let mut y = Lww::default();
        y.set(&b, "b");
        y.set(&a, "a");
        assert_eq!(x, y);
        assert_eq!(x.get(), Some(&"b"));
    }

    #[test]
    fn two_devices_writing_without_seeing_each_other_is_a_conflict() {
        let mut x = Lww::default();
        x.set(&write(D1, 10, Some(1), 0, 1), "a");
        x.set(&write(D2, 20, Some(2), 0, 2), "b");
        let c = x.conflict().expect("conflict");
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn a_write_that_had_seen_the_other_is_no_conflict() {
        let mut x = Lww::default();
        x.set(&write(D1, 10, Some(1), 0, 1), "a");
        x.set(&write(D2, 20, Some(2), 1, 2), "b");
        assert!(x.conflict().is_none());
    }

    #[test]
    fn a_later_write_that_saw_both_resolves_the_conflict() {
        let mut x = Lww::default();
        x.set(&write(D1, 10, Some(1), 0, 1), "a");
        x.set(&write(D2, 20, Some(2), 0, 2), "b");
        x.set(&write(D3, 30, Some(3), 2, 3), "c");
        assert!(x.conflict().is_none());
        assert_eq!(x.get(), Some(&"c"));
    }

    #[test]
    fn three_devices_writing_the_same_value_is_no_conflict() {
        let mut x = Lww::default();
        x.set(&write(D1, 10, Some(1), 0, 1), "same");
        x.set(&write(D2, 20, Some(2), 0, 2), "same");
        x.set(&write(D3, 30, Some(3), 0, 3), "same");
        assert!(x.conflict().is_none());
    }

    #[test]
    fn an_append_set_keeps_each_event_once_in_order() {
        let mut s = AppendSet::default();
        let (a, b) = (write(D1, 10, None, 0, 1), write(D2, 5, None, 0, 2));
        s.add(&a, 1);
        s.add(&b, 2);
        s.add(&a, 1);
        assert_eq!(
            s.items().iter().map(|i| i.value).collect::<Vec<_>>(),
            vec![2, 1]
        );
    }
}
