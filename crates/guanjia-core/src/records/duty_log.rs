//! A guard post's duty log (值班记录): append-only. "No page torn out, nothing altered":
//! a correction is a new entry pointing at the original, and both stay.

use crate::event::Event;
use crate::fold::{Applied, Record};
use crate::hlc::Hlc;
use crate::ids::{EventId, RecordId, UserId};
use crate::payload::{need, payloads, text_ok};
use crate::records::parse_payload;
use serde::{Deserialize, Serialize};

// ----- payloads (v1) -----

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyEntryAdded {
    pub text: String,
    /// The entry this one corrects (an event id of the same duty log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<RecordId>,
}

payloads!("duty_log" {
    DutyEntryAdded => "duty_log.entry_added",
});

/// Checks a duty log payload on push; `Ok(false)` for kinds this build does not know (the
/// append-only rule in `kinds` refuses every other duty log kind before this is asked).
pub fn check_payload(kind: &str, payload: &serde_json::Value) -> Result<bool, String> {
    match kind {
        "duty_log.entry_added" => {
            let p: DutyEntryAdded = parse_payload(payload)?;
            need(
                text_ok(&p.text),
                "text must be non-empty (at most 10,000 characters)",
            )?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DutyEntry {
    pub event_id: EventId,
    pub text: String,
    pub author: UserId,
    pub hlc: Hlc,
    pub device_time: String,
    pub seq: Option<u64>,
    pub post_id: Option<RecordId>,
    /// The entry this one corrects.
    pub corrects: Option<EventId>,
    /// Later entries that correct this one, in order.
    pub corrected_by: Vec<EventId>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyLog {
    /// Entries in fold order (the order key), oldest first.
    pub entries: Vec<DutyEntry>,
}

/// The duty log of one guard post for one day. Every device derives the same id, so two
/// butlers starting the day's log offline write into one record, not two.
pub fn log_id(post: RecordId, day: chrono::NaiveDate) -> RecordId {
    // FNV-1a over the post id and the date: stable on every platform and version.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    mix(post.as_uuid().as_bytes());
    mix(day.format("%Y-%m-%d").to_string().as_bytes());
    let a = h.to_le_bytes();
    let b = h
        .rotate_left(29)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .to_le_bytes();
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0);
    RecordId::from_parts(
        midnight.max(0) as u64,
        [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]],
    )
}

impl DutyLog {
    pub fn entry(&self, id: EventId) -> Option<&DutyEntry> {
        self.entries.iter().find(|e| e.event_id == id)
    }
}

impl Record for DutyLog {
    fn apply(&mut self, ev: &Event) -> Applied {
        if ev.kind.as_str() != "duty_log.entry_added" || ev.v != 1 {
            return Applied::Unknown;
        }
        let Ok(p) = serde_json::from_value::<DutyEntryAdded>(ev.payload.clone()) else {
            return Applied::Unknown;
        };
        // Events are applied in order, and a correction always sorts after what it corrects
        // (its author had seen it), so the original is already here.
        if let Some(orig) = p.corrects {
            if let Some(o) = self.entries.iter_mut().find(|e| e.event_id == orig) {
                o.corrected_by.push(ev.id);
            }
        }
        self.entries.push(DutyEntry {
            event_id: ev.id,
            text: p.text,
            author: ev.actor,
            hlc: ev.hlc,
            device_time: ev.device_time.as_str().to_string(),
            seq: ev.seq,
            post_id: p.post_id,
            corrects: p.corrects,
            corrected_by: Vec::new(),
        });
        Applied::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;
    use crate::records::test_support::Maker;
    use serde_json::json;

    #[test]
    fn every_device_derives_the_same_log_id_for_a_post_and_day() {
        let post = RecordId::from_parts(1_763_787_600_000, [4; 10]);
        let d1 = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let d2 = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(log_id(post, d1), log_id(post, d1));
        assert_ne!(log_id(post, d1), log_id(post, d2));
        assert_eq!(log_id(post, d1).as_uuid().get_version_num(), 7);
        assert!(log_id(post, d1) < log_id(post, d2), "logs sort by day");
    }

    #[test]
    fn two_corrections_of_the_same_entry_are_both_kept() {
        let mut m = Maker::new("duty_log");
        let orig = m.make(
            1,
            100,
            "duty_log.entry_added",
            json!({"text": "22:00 巡逻正常"}),
        );
        let c1 = m.make(
            2,
            200,
            "duty_log.entry_added",
            json!({"text": "更正: 22:10", "corrects": orig.id}),
        );
        let c2 = m.make(
            3,
            210,
            "duty_log.entry_added",
            json!({"text": "更正: 22:05", "corrects": orig.id}),
        );
        let f = fold::<DutyLog>(m.record, [&c2, &orig, &c1]);
        assert_eq!(f.state.entries.len(), 3);
        assert_eq!(
            f.state.entry(orig.id).unwrap().corrected_by,
            vec![c1.id, c2.id]
        );
        assert_eq!(f.state.entries[0].text, "22:00 巡逻正常");
    }

    #[test]
    fn an_edit_kind_is_not_folded_into_the_log() {
        let mut m = Maker::new("duty_log");
        let a = m.make(1, 100, "duty_log.entry_added", json!({"text": "正常"}));
        let edit = m.make(1, 110, "duty_log.entry_edited", json!({"text": "改"}));
        let f = fold::<DutyLog>(m.record, [&a, &edit]);
        assert_eq!(f.state.entries.len(), 1);
        assert_eq!(f.state.entries[0].text, "正常");
        assert_eq!(f.unknown, vec![edit.id]);
    }

    #[test]
    fn the_same_event_delivered_twice_is_one_entry() {
        let mut m = Maker::new("duty_log");
        let a = m.make(1, 100, "duty_log.entry_added", json!({"text": "正常"}));
        let f = fold::<DutyLog>(m.record, [&a, &a.clone()]);
        assert_eq!(f.state.entries.len(), 1);
    }
}

/// The push check of these payloads, through `kinds::check_payload` as the server runs it.
#[cfg(test)]
mod push_check_tests {
    use crate::kinds::{self, tests::ev, KindStatus};
    use crate::reject::RejectCode;
    use serde_json::json;

    #[test]
    fn a_duty_log_entry_needs_only_text() {
        assert_eq!(
            kinds::check_payload(&ev("duty_log.entry_added", json!({"text": "夜班正常"}))),
            Ok(KindStatus::Known)
        );
    }

    #[test]
    fn an_empty_duty_log_entry_is_invalid() {
        let r =
            kinds::check_payload(&ev("duty_log.entry_added", json!({"text": "  "}))).unwrap_err();
        assert_eq!(r.code, RejectCode::Invalid);
    }
}
