//! The event envelope of sync-protocol.md §3a.

use crate::hlc::Hlc;
use crate::ids::{AreaId, DeviceId, EventId, ProjectId, RecordId, UserId};
use crate::reject::{RejectCode, Rejection};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// `record_type`: lowercase snake case, e.g. `repair_order`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RecordType(String);

impl RecordType {
    pub fn parse(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(format!(
                "record_type `{}` must be lowercase snake_case (a-z, 0-9, _), at most 64 characters",
                s.chars().take(64).collect::<String>()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RecordType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// `kind`: `<record_type>.<what_happened>`, e.g. `repair_order.assigned`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Kind(String);

impl Kind {
    pub fn parse(s: &str) -> Result<Self, String> {
        let valid = s.split_once('.').is_some_and(|(t, what)| {
            RecordType::parse(t).is_ok() && RecordType::parse(what).is_ok()
        });
        if valid && s.len() <= 128 {
            Ok(Self(s.to_string()))
        } else {
            Err(format!(
                "kind `{}` must look like `record_type.what_happened` in snake_case",
                s.chars().take(128).collect::<String>()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The record type this kind belongs to (the part before the dot).
    pub fn record_type(&self) -> &str {
        self.0.split_once('.').map(|(t, _)| t).unwrap_or(&self.0)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// The device's own wall-clock reading, kept verbatim as evidence (RFC 3339).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DeviceTime(String);

impl DeviceTime {
    pub fn parse(s: &str) -> Result<Self, String> {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|_| Self(s.to_string()))
            .map_err(|_| {
                format!(
                    "device_time `{}` is not an RFC 3339 time such as 2026-11-22T05:00:00.000Z",
                    s.chars().take(64).collect::<String>()
                )
            })
    }

    pub fn from_unix_ms(ms: u64) -> Self {
        let t = chrono::DateTime::from_timestamp_millis(ms as i64).unwrap_or_default();
        Self(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DeviceTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// One immutable change. `seq` and `received_at` are set by the server and present only on
/// events that came back from it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub kind: Kind,
    pub v: u32,
    pub project_id: ProjectId,
    #[serde(default)]
    pub area_id: Option<AreaId>,
    pub actor: UserId,
    pub device_id: DeviceId,
    pub hlc: Hlc,
    pub device_time: DeviceTime,
    #[serde(default)]
    pub base_seq: u64,
    pub payload: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
}

/// The total order every replica folds in: `(hlc.ms, hlc.c, device_id, id)` (the derived
/// ordering compares the fields in exactly that order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrderKey {
    pub hlc: Hlc,
    pub device_id: DeviceId,
    pub id: EventId,
}

impl Event {
    /// Parses one event from untrusted JSON; the rejection says what to fix.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Rejection> {
        let ev: Event = serde_json::from_value(value.clone())
            .map_err(|e| Rejection::new(RejectCode::Invalid, format!("malformed event: {e}")))?;
        ev.check_shape()?;
        Ok(ev)
    }

    fn check_shape(&self) -> Result<(), Rejection> {
        let invalid = |m: String| Err(Rejection::new(RejectCode::Invalid, m));
        if self.kind.record_type() != self.record_type.as_str() {
            return invalid(format!(
                "kind `{}` does not belong to record_type `{}`; the part before the dot must match",
                self.kind, self.record_type
            ));
        }
        if self.v == 0 {
            return invalid("v (payload version) starts at 1".into());
        }
        if !self.payload.is_object() {
            return invalid("payload must be a JSON object".into());
        }
        Ok(())
    }

    pub fn order_key(&self) -> OrderKey {
        OrderKey {
            hlc: self.hlc,
            device_id: self.device_id,
            id: self.id,
        }
    }

    /// The event as the author sent it, without the server's fields: what is stored and
    /// compared when the same id arrives again.
    pub fn authored(&self) -> Event {
        Event {
            seq: None,
            received_at: None,
            ..self.clone()
        }
    }

    /// True when `other` carries the same authored content, ignoring the clock fields a
    /// device legitimately re-stamps after a `clock_skew` answer.
    pub fn same_content_as(&self, other: &Event) -> bool {
        let strip = |e: &Event| Event {
            hlc: Hlc::default(),
            device_time: DeviceTime(String::new()),
            ..e.authored()
        };
        strip(self) == strip(other)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub fn sample_json() -> serde_json::Value {
        json!({
            "id": "019aa8b0-0000-7000-8000-000000000001",
            "record_id": "019aa8b0-0000-7000-8000-000000000002",
            "record_type": "duty_log",
            "kind": "duty_log.entry_added",
            "v": 1,
            "project_id": "019aa8b0-0000-7000-8000-000000000003",
            "area_id": null,
            "actor": "019aa8b0-0000-7000-8000-000000000004",
            "device_id": "2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c",
            "hlc": { "ms": 1763787600000u64, "c": 0 },
            "device_time": "2026-11-22T05:00:00.000Z",
            "base_seq": 0,
            "payload": { "text": "东门岗交接正常" }
        })
    }

    #[test]
    fn the_wire_example_of_the_protocol_parses_and_serializes_back_unchanged() {
        let ev = Event::from_json(&sample_json()).unwrap();
        assert_eq!(serde_json::to_value(&ev).unwrap(), sample_json());
    }

    #[test]
    fn a_kind_of_another_record_type_is_refused() {
        let mut j = sample_json();
        j["kind"] = json!("repair_order.created");
        let r = Event::from_json(&j).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid);
        assert!(r.message.contains("does not belong"));
    }

    #[test]
    fn a_missing_field_is_named_in_the_rejection() {
        let mut j = sample_json();
        j.as_object_mut().unwrap().remove("actor");
        let r = Event::from_json(&j).unwrap_err();
        assert!(r.message.contains("actor"), "{}", r.message);
    }

    #[test]
    fn a_bad_device_time_is_refused() {
        let mut j = sample_json();
        j["device_time"] = json!("yesterday");
        assert!(Event::from_json(&j).is_err());
    }

    #[test]
    fn re_stamping_the_clock_keeps_the_content_the_same_but_a_new_text_does_not() {
        let a = Event::from_json(&sample_json()).unwrap();
        let mut b = a.clone();
        b.hlc = Hlc::new(1, 1);
        b.device_time = DeviceTime::from_unix_ms(5);
        assert!(a.same_content_as(&b));
        b.payload = json!({"text": "改过的"});
        assert!(!a.same_content_as(&b));
    }

    #[test]
    fn order_key_sorts_by_clock_then_device_then_id() {
        let a = Event::from_json(&sample_json()).unwrap();
        let mut b = a.clone();
        b.hlc.c = 1;
        assert!(a.order_key() < b.order_key());
        let mut c = a.clone();
        c.device_id = DeviceId::parse("ff1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c").unwrap();
        assert!(a.order_key() < c.order_key());
    }
}
