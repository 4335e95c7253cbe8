//! Daily patrol (日常巡查, domain.md §1): the checklist a round uses, the round itself
//! (start → scan each checkpoint → answer its items → finish), and twice-a-day compliance.
//!
//! A round is written by one butler on one device, but it is still folded like every other
//! record: answers are last-writer-wins per item (changing one's mind keeps both writes),
//! scans are append-only, and suspicious scan sequences are flagged, never refused.

use crate::event::Event;
use crate::fold::{Applied, FieldConflict, Record};
use crate::ids::{AreaId, RecordId, UserId};
use crate::merge::{AppendSet, Lww};
use crate::payload::{payloads, Reason};
use crate::records::repair_order::StatusChangeOf;
use crate::records::{parse_payload, payload};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

// ----- the checklist (a `checklist_template` reference record) -----

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Stable within the template across versions (answers refer to it).
    pub id: String,
    pub group: String,
    pub text: String,
    #[serde(default)]
    pub photo_on_fail: bool,
    /// Asked only in areas with a household carrying this tag (`renovating`: the
    /// renovation inspection items of domain.md §1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_if_tag: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub name: String,
    pub version: u32,
    #[serde(default = "two")]
    pub rounds_per_day: u32,
    pub items: Vec<ChecklistItem>,
}

fn two() -> u32 {
    2
}

impl Checklist {
    /// The items of a round in an area whose households carry `area_tags`.
    pub fn items_for<'a>(&'a self, area_tags: &BTreeSet<String>) -> Vec<&'a ChecklistItem> {
        self.items
            .iter()
            .filter(|i| i.only_if_tag.as_ref().is_none_or(|t| area_tags.contains(t)))
            .collect()
    }

    /// The groups of the list, each once, in list order (what a supervisor ticks per
    /// checkpoint).
    pub fn groups(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.items
            .iter()
            .map(|i| i.group.as_str())
            .filter(|g| seen.insert(*g))
            .collect()
    }
}

// ----- which items at which checkpoint -----

/// A checkpoint of an area with the checklist groups (or item ids) checked there — the
/// optional `groups` field of the `checkpoint` reference record (absent or empty: nothing
/// is bound to it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckpointGroups<'a> {
    pub id: RecordId,
    pub groups: &'a [String],
}

impl CheckpointGroups<'_> {
    /// Is `item` checked here (its group or its id is listed)?
    pub fn binds(&self, item: &ChecklistItem) -> bool {
        self.groups
            .iter()
            .any(|g| *g == item.group || *g == item.id)
    }
}

/// The items asked at checkpoint `at` of an area whose checkpoints are `points`: the items
/// bound to `at`, and the items bound to none of the area's checkpoints (those may be
/// answered anywhere). A checkpoint without groups so shows every item not bound elsewhere.
/// `at = None` (nothing scanned yet) gives the unbound items. Items keep list order.
pub fn items_at<'a>(
    items: &[&'a ChecklistItem],
    points: &[CheckpointGroups<'_>],
    at: Option<RecordId>,
) -> Vec<&'a ChecklistItem> {
    let here = at.and_then(|at| points.iter().find(|p| p.id == at));
    items
        .iter()
        .filter(|i| here.is_some_and(|p| p.binds(i)) || points.iter().all(|p| !p.binds(i)))
        .copied()
        .collect()
}

// ----- payloads -----

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundStarted {
    pub template_id: RecordId,
    /// The template version the round uses; later edits of the template do not change it.
    pub template_version: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanMethod {
    /// The browser's BarcodeDetector or the built-in decoder read the QR code.
    Qr,
    /// The code was typed (damaged label, no camera).
    Typed,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

impl Position {
    /// Checks a position sent by a device (a scan, a technician's arrival).
    pub fn check(&self) -> Result<(), String> {
        let ok = (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon)
            && self.accuracy_m.is_finite()
            && self.accuracy_m >= 0.0;
        if ok {
            Ok(())
        } else {
            Err("position needs lat −90…90, lon −180…180 and accuracy_m ≥ 0".into())
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointScanned {
    pub checkpoint_id: RecordId,
    pub method: ScanMethod,
    /// Device time corrected by the learned server offset (RFC 3339), when known; left out
    /// otherwise, as the app sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub verdict: Verdict,
    /// The checkpoint the item was answered at.
    #[serde(default)]
    pub checkpoint_id: Option<RecordId>,
    /// The `finding` record a failed item opened (left out for a pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_id: Option<RecordId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemAnswered {
    pub item_id: String,
    #[serde(flatten)]
    pub answer: Answer,
}

/// `patrol_round.finished` (`{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundFinished {}

/// `patrol_round.abandoned`: why the round was not finished, `{"reason"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RoundAbandoned(pub Reason);

payloads!("patrol_round" {
    RoundStarted => "patrol_round.started",
    CheckpointScanned => "patrol_round.checkpoint_scanned",
    ItemAnswered => "patrol_round.item_answered",
    RoundFinished => "patrol_round.finished",
    RoundAbandoned => "patrol_round.abandoned",
});

/// Check a patrol payload (server push and app drafts share it).
pub fn check_payload(kind: &str, payload: &serde_json::Value) -> Result<bool, String> {
    match kind {
        "patrol_round.started" => {
            parse_payload::<RoundStarted>(payload)?;
        }
        "patrol_round.checkpoint_scanned" => {
            let p: CheckpointScanned = parse_payload(payload)?;
            if let Some(pos) = p.position {
                pos.check()?;
            }
            if let Some(t) = &p.corrected_time {
                chrono::DateTime::parse_from_rfc3339(t)
                    .map_err(|_| "corrected_time must be an RFC 3339 time".to_string())?;
            }
        }
        "patrol_round.item_answered" => {
            let p: ItemAnswered = parse_payload(payload)?;
            if p.item_id.trim().is_empty() {
                return Err("item_id names the checklist item".into());
            }
        }
        "patrol_round.finished" => {}
        "patrol_round.abandoned" => {
            let reason = payload.get("reason").and_then(|r| r.as_str()).unwrap_or("");
            if reason.trim().is_empty() {
                return Err("give a reason for abandoning the round".into());
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

// ----- the round -----

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    InProgress,
    Finished,
    Abandoned,
}

/// Scans closer together than this, at different checkpoints, are flagged: nobody walks
/// between two checkpoints of a residential area in under 20 seconds.
pub const MIN_SECONDS_BETWEEN_CHECKPOINTS: i64 = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum ScanFlag {
    /// Two different checkpoints within [`MIN_SECONDS_BETWEEN_CHECKPOINTS`].
    TooFast {
        from: RecordId,
        to: RecordId,
        seconds: i64,
    },
    /// A scan stamped earlier than the scan before it (device clock changed mid-round).
    ClockWentBack { at: RecordId },
    /// A scan after the round was finished.
    AfterFinish { at: RecordId },
}

/// The checkpoints not scanned and the checklist items not answered in a round.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub checkpoints: Vec<RecordId>,
    pub items: Vec<String>,
}

impl LeftOut {
    pub fn is_empty(&self) -> bool {
        self.checkpoints.is_empty() && self.items.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PatrolRound {
    pub status: Option<RoundStatus>,
    pub butler: Option<UserId>,
    pub template: Option<RoundStarted>,
    /// RFC 3339 device times.
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub abandon_reason: Option<String>,
    pub scans: AppendSet<CheckpointScanned>,
    pub answers: BTreeMap<String, Lww<Answer>>,
    pub history: Vec<StatusChangeOf<RoundStatus>>,
}

impl PatrolRound {
    /// The current answer per item.
    pub fn answer(&self, item_id: &str) -> Option<&Answer> {
        self.answers.get(item_id)?.get()
    }

    /// Items answered "fail", with the finding each opened.
    pub fn failures(&self) -> Vec<(&str, Option<RecordId>)> {
        self.answers
            .iter()
            .filter_map(|(id, a)| {
                let a = a.get()?;
                (a.verdict == Verdict::Fail).then_some((id.as_str(), a.finding_id))
            })
            .collect()
    }

    /// Checkpoints scanned, in the order walked, without repeats.
    pub fn checkpoints_visited(&self) -> Vec<RecordId> {
        let mut seen = BTreeSet::new();
        self.scans
            .items()
            .iter()
            .map(|s| s.value.checkpoint_id)
            .filter(|c| seen.insert(*c))
            .collect()
    }

    /// Suspicious scan sequences, for the supervisor to look at (never a refusal).
    pub fn scan_flags(&self) -> Vec<ScanFlag> {
        let time = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
        let finished = self.finished_at.as_deref().and_then(time);
        let mut flags = Vec::new();
        let items = self.scans.items();
        for (i, scan) in items.iter().enumerate() {
            let at = time(&scan.device_time);
            if let (Some(f), Some(t)) = (finished, at) {
                if t > f {
                    flags.push(ScanFlag::AfterFinish {
                        at: scan.value.checkpoint_id,
                    });
                }
            }
            let Some(prev) = i.checked_sub(1).map(|p| &items[p]) else {
                continue;
            };
            let (Some(a), Some(b)) = (time(&prev.device_time), at) else {
                continue;
            };
            let seconds = (b - a).num_seconds();
            if seconds < 0 {
                flags.push(ScanFlag::ClockWentBack {
                    at: scan.value.checkpoint_id,
                });
            } else if seconds < MIN_SECONDS_BETWEEN_CHECKPOINTS
                && prev.value.checkpoint_id != scan.value.checkpoint_id
            {
                flags.push(ScanFlag::TooFast {
                    from: prev.value.checkpoint_id,
                    to: scan.value.checkpoint_id,
                    seconds,
                });
            }
        }
        flags
    }

    /// What the round left out, given the checkpoints of its area and the checklist items
    /// it asks (both in walking / list order). A finished round only counts the scans made
    /// up to its finish: a checkpoint scanned afterwards was not part of the round.
    pub fn left_out(&self, checkpoints: &[RecordId], items: &[&str]) -> LeftOut {
        let time = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
        let finished = self.finished_at.as_deref().and_then(time);
        let scanned: BTreeSet<RecordId> = self
            .scans
            .items()
            .iter()
            .filter(|s| match (finished, time(&s.device_time)) {
                (Some(f), Some(t)) => t <= f,
                _ => true,
            })
            .map(|s| s.value.checkpoint_id)
            .collect();
        LeftOut {
            checkpoints: checkpoints
                .iter()
                .filter(|c| !scanned.contains(c))
                .copied()
                .collect(),
            items: items
                .iter()
                .filter(|i| self.answer(i).is_none())
                .map(|i| i.to_string())
                .collect(),
        }
    }

    fn set_status(&mut self, to: RoundStatus, ev: &Event) {
        self.status = Some(to);
        self.history.push(StatusChangeOf::of(to, ev));
    }
}

impl Record for PatrolRound {
    fn apply(&mut self, ev: &Event) -> Applied {
        if ev.v != 1 {
            return Applied::Unknown;
        }
        let Some(what) = ev.kind.as_str().strip_prefix("patrol_round.") else {
            return Applied::Unknown;
        };
        let status = self.status;
        match what {
            "started" => {
                let Some(p) = payload::<RoundStarted>(ev) else {
                    return Applied::Unknown;
                };
                if status.is_some() {
                    return Applied::Ignored("the round was already started".into());
                }
                self.butler = Some(ev.actor);
                self.template = Some(p);
                self.started_at = Some(ev.device_time.as_str().to_string());
                self.set_status(RoundStatus::InProgress, ev);
                Applied::Ok
            }
            "checkpoint_scanned" => {
                let Some(p) = payload::<CheckpointScanned>(ev) else {
                    return Applied::Unknown;
                };
                if status.is_none() {
                    return Applied::Ignored("scan before the round was started".into());
                }
                // Kept even after finishing: a late scan is flagged, not lost.
                self.scans.add(ev, p);
                Applied::Ok
            }
            "item_answered" => {
                let Some(p) = payload::<ItemAnswered>(ev) else {
                    return Applied::Unknown;
                };
                if status != Some(RoundStatus::InProgress) {
                    return Applied::Ignored(match status {
                        None => "answer before the round was started".into(),
                        Some(s) => format!("answer after the round was {s:?}"),
                    });
                }
                self.answers.entry(p.item_id).or_default().set(ev, p.answer);
                Applied::Ok
            }
            "finished" | "abandoned" => {
                if status != Some(RoundStatus::InProgress) {
                    return Applied::Ignored(format!(
                        "cannot end a round that is {}",
                        status.map_or("not started".into(), |s| format!("{s:?}"))
                    ));
                }
                if what == "finished" {
                    self.finished_at = Some(ev.device_time.as_str().to_string());
                    self.set_status(RoundStatus::Finished, ev);
                } else {
                    self.abandon_reason = ev
                        .payload
                        .get("reason")
                        .and_then(|r| r.as_str())
                        .map(str::to_string);
                    self.set_status(RoundStatus::Abandoned, ev);
                }
                Applied::Ok
            }
            _ => Applied::Unknown,
        }
    }

    fn conflicts(&self) -> Vec<FieldConflict> {
        self.answers
            .iter()
            .filter_map(|(id, a)| FieldConflict::of(id, a))
            .collect()
    }
}

// ----- compliance -----

/// What compliance needs of a round (the app builds these from folded rounds).
#[derive(Clone, Debug, PartialEq)]
pub struct RoundSummary {
    pub area_id: AreaId,
    pub butler: UserId,
    /// Project-local times.
    pub started: NaiveDateTime,
    pub finished: Option<NaiveDateTime>,
    /// Finished with nothing left out ([`PatrolRound::left_out`] empty). A round finished
    /// with checkpoints unscanned or items unanswered does not count as done: otherwise
    /// "start, then finish at once" would satisfy the twice-a-day rule without patrolling.
    /// It stays visible (flagged incomplete) on the round list for the supervisor.
    pub complete: bool,
}

/// Per-project patrol settings (domain.md §1: at least twice a day).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PatrolRules {
    /// Local time by which the n-th round of the day must be finished; its length is the
    /// number of rounds a day (default: 12:00 and 18:00, two rounds).
    pub round_deadlines: Vec<chrono::NaiveTime>,
}

impl Default for PatrolRules {
    fn default() -> Self {
        PatrolRules {
            round_deadlines: vec![
                chrono::NaiveTime::from_hms_opt(12, 0, 0).expect("valid time"),
                chrono::NaiveTime::from_hms_opt(18, 0, 0).expect("valid time"),
            ],
        }
    }
}

/// One area's (or one butler's) patrol record for one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayCompliance {
    /// Finished rounds started that day.
    pub done: u32,
    /// Of those, finished after the deadline of the slot they filled.
    pub late: u32,
    /// Rounds required and not done (0 for a day still running before its deadlines).
    pub missed: u32,
    /// Rounds started that day and finished with checkpoints or items left out; they do
    /// not count as done.
    pub incomplete: u32,
}

impl PatrolRules {
    pub fn rounds_per_day(&self) -> u32 {
        self.round_deadlines.len() as u32
    }

    /// Scores one day's finished rounds: they fill the day's slots in finishing order; a
    /// round finished after its slot's deadline is late; an empty slot whose deadline has
    /// passed by `now` is missed. Extra rounds count as done, never late.
    pub fn score_day(
        &self,
        day: NaiveDate,
        finished: &mut [NaiveDateTime],
        now: NaiveDateTime,
    ) -> DayCompliance {
        finished.sort_unstable();
        let mut c = DayCompliance {
            done: finished.len() as u32,
            ..Default::default()
        };
        for (slot, deadline) in self.round_deadlines.iter().enumerate() {
            let due = day.and_time(*deadline);
            match finished.get(slot) {
                Some(f) if *f > due => c.late += 1,
                Some(_) => {}
                None if now > due => c.missed += 1,
                None => {}
            }
        }
        c
    }

    /// When the next round of `day` is due, with `done` rounds finished so far: the
    /// earliest deadline of a slot still empty that has not passed by `now` (slots whose
    /// deadline has passed are missed, see [`Self::score_day`]). `None` once every slot is
    /// filled or gone.
    pub fn next_due(&self, day: NaiveDate, done: u32, now: NaiveDateTime) -> Option<NaiveDateTime> {
        self.round_deadlines
            .iter()
            .skip(done as usize)
            .map(|t| day.and_time(*t))
            .find(|due| *due >= now)
    }

    /// Per area and day over `from..=to`: rounds done, late and missed. Rounds count for
    /// the day they started on; unfinished and incomplete rounds do not count.
    pub fn by_area(
        &self,
        rounds: &[RoundSummary],
        areas: &[AreaId],
        from: NaiveDate,
        to: NaiveDate,
        now: NaiveDateTime,
    ) -> BTreeMap<(AreaId, NaiveDate), DayCompliance> {
        self.score(rounds, areas, from, to, now, |r| r.area_id)
    }

    /// Per butler and day: the same, for the rounds each butler walked (`missed` is the
    /// butler's own empty slots; which area went unpatrolled is the area view's answer).
    pub fn by_butler(
        &self,
        rounds: &[RoundSummary],
        butlers: &[UserId],
        from: NaiveDate,
        to: NaiveDate,
        now: NaiveDateTime,
    ) -> BTreeMap<(UserId, NaiveDate), DayCompliance> {
        self.score(rounds, butlers, from, to, now, |r| r.butler)
    }

    fn score<K: Ord + Copy>(
        &self,
        rounds: &[RoundSummary],
        keys: &[K],
        from: NaiveDate,
        to: NaiveDate,
        now: NaiveDateTime,
        key: impl Fn(&RoundSummary) -> K,
    ) -> BTreeMap<(K, NaiveDate), DayCompliance> {
        let mut finished: BTreeMap<(K, NaiveDate), Vec<NaiveDateTime>> = BTreeMap::new();
        let mut incomplete: BTreeMap<(K, NaiveDate), u32> = BTreeMap::new();
        for r in rounds {
            let day = r.started.date();
            if !(from..=to).contains(&day) {
                continue;
            }
            match (r.finished, r.complete) {
                (Some(f), true) => finished.entry((key(r), day)).or_default().push(f),
                (Some(_), false) => *incomplete.entry((key(r), day)).or_default() += 1,
                (None, _) => {}
            }
        }
        let mut out = BTreeMap::new();
        for k in keys {
            let mut day = from;
            while day <= to {
                let mut times = finished.remove(&(*k, day)).unwrap_or_default();
                let mut c = self.score_day(day, &mut times, now);
                c.incomplete = incomplete.remove(&(*k, day)).unwrap_or(0);
                out.insert((*k, day), c);
                let Some(next) = day.succ_opt() else { break };
                day = next;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;
    use crate::records::test_support::Maker;
    use serde_json::json;

    const TEMPLATE: &str = "019aa8b0-0000-7000-8000-0000000000c1";
    const CP1: &str = "019aa8b0-0000-7000-8000-0000000000d1";
    const CP2: &str = "019aa8b0-0000-7000-8000-0000000000d2";
    const FINDING: &str = "019aa8b0-0000-7000-8000-0000000000e1";

    fn start(m: &mut Maker, ms: u64) -> Event {
        m.make(
            1,
            ms,
            "patrol_round.started",
            json!({"template_id": TEMPLATE, "template_version": 3}),
        )
    }

    fn scan(m: &mut Maker, ms: u64, cp: &str) -> Event {
        m.make(
            1,
            ms,
            "patrol_round.checkpoint_scanned",
            json!({"checkpoint_id": cp, "method": "qr"}),
        )
    }

    fn answer(m: &mut Maker, ms: u64, item: &str, verdict: &str) -> Event {
        let mut p = json!({"item_id": item, "verdict": verdict, "checkpoint_id": CP1});
        if verdict == "fail" {
            p["finding_id"] = json!(FINDING);
        }
        m.make(1, ms, "patrol_round.item_answered", p)
    }

    #[test]
    fn a_round_keeps_its_template_version_scans_and_answers() {
        let mut m = Maker::new("patrol_round");
        let evs = vec![
            start(&mut m, 1_000),
            scan(&mut m, 60_000, CP1),
            answer(&mut m, 61_000, "item-01", "pass"),
            answer(&mut m, 62_000, "item-02", "fail"),
            scan(&mut m, 180_000, CP2),
            m.make(1, 200_000, "patrol_round.finished", json!({})),
        ];
        let f = fold::<PatrolRound>(m.record, &evs);
        let r = &f.state;
        assert_eq!(r.status, Some(RoundStatus::Finished));
        assert_eq!(r.template.as_ref().unwrap().template_version, 3);
        assert_eq!(r.checkpoints_visited().len(), 2);
        assert_eq!(r.answer("item-01").unwrap().verdict, Verdict::Pass);
        let fails = r.failures();
        assert_eq!(fails.len(), 1);
        assert_eq!(fails[0].0, "item-02");
        assert!(fails[0].1.is_some(), "a failed item links its finding");
        assert!(r.scan_flags().is_empty());
    }

    #[test]
    fn changing_an_answer_keeps_the_latest_and_answers_after_finishing_are_ignored() {
        let mut m = Maker::new("patrol_round");
        let evs = vec![
            start(&mut m, 1_000),
            answer(&mut m, 2_000, "item-01", "fail"),
            answer(&mut m, 3_000, "item-01", "pass"),
            m.make(1, 4_000, "patrol_round.finished", json!({})),
            answer(&mut m, 5_000, "item-03", "fail"),
        ];
        let f = fold::<PatrolRound>(m.record, &evs);
        assert_eq!(f.state.answer("item-01").unwrap().verdict, Verdict::Pass);
        assert!(f.state.answer("item-03").is_none());
        assert_eq!(f.ignored.len(), 1);
    }

    #[test]
    fn implausible_scans_are_flagged_not_refused() {
        let mut m = Maker::new("patrol_round");
        let evs = vec![
            start(&mut m, 1_000),
            scan(&mut m, 60_000, CP1),
            scan(&mut m, 65_000, CP2),
            m.make(1, 100_000, "patrol_round.finished", json!({})),
            scan(&mut m, 130_000, CP1),
        ];
        let f = fold::<PatrolRound>(m.record, &evs);
        assert_eq!(f.state.scans.len(), 3, "every scan is kept");
        let flags = f.state.scan_flags();
        assert!(
            matches!(flags[0], ScanFlag::TooFast { seconds: 5, .. }),
            "{flags:?}"
        );
        assert!(flags
            .iter()
            .any(|x| matches!(x, ScanFlag::AfterFinish { .. })));
    }

    #[test]
    fn a_round_reports_the_checkpoints_and_items_it_left_out() {
        let mut m = Maker::new("patrol_round");
        let cp1 = RecordId::parse(CP1).unwrap();
        let cp2 = RecordId::parse(CP2).unwrap();
        let items = ["item-01", "item-02", "item-03"];
        let evs = vec![start(&mut m, 1_000)];
        let f = fold::<PatrolRound>(m.record, &evs);
        let nothing = f.state.left_out(&[cp1, cp2], &items);
        assert_eq!(nothing.checkpoints, vec![cp1, cp2]);
        assert_eq!(nothing.items.len(), 3, "nothing done yet");

        let evs = vec![
            start(&mut m, 1_000),
            scan(&mut m, 60_000, CP1),
            answer(&mut m, 61_000, "item-01", "pass"),
            answer(&mut m, 62_000, "item-03", "fail"),
            m.make(1, 100_000, "patrol_round.finished", json!({})),
            scan(&mut m, 130_000, CP2),
        ];
        let f = fold::<PatrolRound>(m.record, &evs);
        let part = f.state.left_out(&[cp1, cp2], &items);
        assert_eq!(
            part,
            LeftOut {
                checkpoints: vec![cp2],
                items: vec!["item-02".into()]
            },
            "a scan after finishing does not fill the gap"
        );
        assert!(!part.is_empty());
        assert!(f.state.left_out(&[cp1], &["item-01"]).is_empty());
    }

    #[test]
    fn renovation_items_are_asked_only_where_a_unit_is_renovating() {
        let list: Checklist = serde_json::from_value(json!({
            "name": "日常巡查表", "version": 1,
            "items": [
                {"id": "item-01", "group": "环境卫生", "text": "路面清洁"},
                {"id": "item-12", "group": "装修", "text": "装修手续、出入证齐全有效", "only_if_tag": "renovating"}
            ]
        }))
        .unwrap();
        assert_eq!(list.rounds_per_day, 2);
        assert_eq!(list.items_for(&BTreeSet::new()).len(), 1);
        let renovating: BTreeSet<String> = ["renovating".to_string()].into();
        assert_eq!(list.items_for(&renovating).len(), 2);
    }

    #[test]
    fn patrol_payloads_are_checked_with_reasons() {
        assert_eq!(
            check_payload(
                "patrol_round.checkpoint_scanned",
                &json!({"checkpoint_id": CP1, "method": "typed", "position": {"lat": 30.2, "lon": 120.1, "accuracy_m": 12.0}})
            ),
            Ok(true)
        );
        let far = json!({"checkpoint_id": CP1, "method": "qr", "position": {"lat": 300.0, "lon": 0.0, "accuracy_m": 1.0}});
        assert!(check_payload("patrol_round.checkpoint_scanned", &far).is_err());
        assert!(check_payload(
            "patrol_round.item_answered",
            &json!({"item_id": " ", "verdict": "pass"})
        )
        .is_err());
        assert!(check_payload("patrol_round.abandoned", &json!({})).is_err());
        assert_eq!(check_payload("patrol_round.paused", &json!({})), Ok(false));
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn two_rounds_a_day_done_late_and_missed() {
        let rules = PatrolRules::default();
        let day = d("2026-11-18");
        let now = t("2026-11-19 09:00");
        let on_time = rules.score_day(
            day,
            &mut [t("2026-11-18 09:40"), t("2026-11-18 16:10")],
            now,
        );
        assert_eq!(
            on_time,
            DayCompliance {
                done: 2,
                late: 0,
                missed: 0,
                ..Default::default()
            }
        );
        let late = rules.score_day(
            day,
            &mut [t("2026-11-18 13:05"), t("2026-11-18 17:50")],
            now,
        );
        assert_eq!(
            late,
            DayCompliance {
                done: 2,
                late: 1,
                missed: 0,
                ..Default::default()
            }
        );
        let one = rules.score_day(day, &mut [t("2026-11-18 10:00")], now);
        assert_eq!(
            one,
            DayCompliance {
                done: 1,
                late: 0,
                missed: 1,
                ..Default::default()
            }
        );
        let none_yet = rules.score_day(d("2026-11-19"), &mut [], now);
        assert_eq!(
            none_yet,
            DayCompliance::default(),
            "the day is still running"
        );
    }

    #[test]
    fn the_next_round_is_due_at_the_first_open_slot_still_ahead() {
        let rules = PatrolRules::default();
        let day = d("2026-11-18");
        let due = |done, now| rules.next_due(day, done, t(now)).map(|x| x.to_string());
        assert_eq!(
            due(0, "2026-11-18 08:00"),
            Some("2026-11-18 12:00:00".into())
        );
        assert_eq!(
            due(1, "2026-11-18 08:00"),
            Some("2026-11-18 18:00:00".into())
        );
        assert_eq!(
            due(0, "2026-11-18 13:00"),
            Some("2026-11-18 18:00:00".into()),
            "the 12:00 slot is missed; the next due is 18:00"
        );
        assert_eq!(due(2, "2026-11-18 08:00"), None, "both rounds done");
        assert_eq!(
            due(1, "2026-11-18 19:00"),
            None,
            "the day's deadlines are over"
        );
    }

    #[test]
    fn an_incomplete_round_does_not_count_for_compliance() {
        let rules = PatrolRules::default();
        let a = AreaId::from_parts(5, [1; 10]);
        let zhang = UserId::from_parts(1, [1; 10]);
        let round = |complete| RoundSummary {
            area_id: a,
            butler: zhang,
            started: t("2026-11-18 08:30"),
            finished: Some(t("2026-11-18 08:31")),
            complete,
        };
        let now = t("2026-11-19 08:00");
        let day = d("2026-11-18");
        let got = rules.by_area(&[round(false), round(true)], &[a], day, day, now);
        assert_eq!(
            got[&(a, day)],
            DayCompliance {
                done: 1,
                late: 0,
                missed: 1,
                incomplete: 1,
            },
            "the incomplete round is counted apart, never as done"
        );
        let unfinished = RoundSummary {
            finished: None,
            ..round(false)
        };
        let by_butler = rules.by_butler(
            &[round(false), round(false), unfinished],
            &[zhang],
            day,
            d("2026-11-19"),
            now,
        );
        assert_eq!(
            by_butler[&(zhang, day)].incomplete,
            2,
            "an unfinished round is not incomplete"
        );
        assert_eq!(by_butler[&(zhang, day)].done, 0);
        assert_eq!(by_butler[&(zhang, d("2026-11-19"))].incomplete, 0);
    }

    fn item(id: &str, group: &str) -> ChecklistItem {
        ChecklistItem {
            id: id.into(),
            group: group.into(),
            text: id.into(),
            photo_on_fail: false,
            only_if_tag: None,
        }
    }

    #[test]
    fn a_checkpoint_asks_its_groups_and_the_items_bound_nowhere() {
        let list = [
            item("item-01", "环境卫生"),
            item("item-02", "环境卫生"),
            item("item-03", "绿化"),
            item("item-04", "车辆"),
            item("item-05", "其他"),
        ];
        let items: Vec<&ChecklistItem> = list.iter().collect();
        let cp1 = RecordId::parse(CP1).unwrap();
        let cp2 = RecordId::parse(CP2).unwrap();
        let cp3 = RecordId::parse("019aa8b0-0000-7000-8000-0000000000d3").unwrap();
        let garden = vec!["绿化".to_string(), "环境卫生".to_string()];
        // An item id binds one item alone.
        let garage = vec!["车辆".to_string(), "item-02".to_string()];
        let points = [
            CheckpointGroups {
                id: cp1,
                groups: &garden,
            },
            CheckpointGroups {
                id: cp2,
                groups: &garage,
            },
            CheckpointGroups {
                id: cp3,
                groups: &[],
            },
        ];
        let ids = |at| -> Vec<&str> {
            items_at(&items, &points, at)
                .iter()
                .map(|i| i.id.as_str())
                .collect()
        };
        assert_eq!(ids(Some(cp1)), ["item-01", "item-02", "item-03", "item-05"]);
        assert_eq!(ids(Some(cp2)), ["item-02", "item-04", "item-05"]);
        assert_eq!(
            ids(Some(cp3)),
            ["item-05"],
            "no groups: what is bound nowhere"
        );
        assert_eq!(
            ids(None),
            ["item-05"],
            "before the first scan: the unbound items"
        );
        let unknown = RecordId::parse(FINDING).unwrap();
        assert_eq!(ids(Some(unknown)), ["item-05"]);
        // Nothing bound anywhere: every item at every checkpoint (the old behaviour).
        let free = [CheckpointGroups {
            id: cp1,
            groups: &[],
        }];
        assert_eq!(items_at(&items, &free, Some(cp1)).len(), 5);

        // Every item is asked somewhere, so a round answering what each checkpoint shows
        // leaves nothing out; skipping one checkpoint's items leaves exactly those out.
        let mut m = Maker::new("patrol_round");
        let mut evs = vec![start(&mut m, 1_000)];
        let mut ms = 2_000;
        for at in [cp1, cp3] {
            evs.push(scan(&mut m, ms, &at.to_string()));
            for i in items_at(&items, &points, Some(at)) {
                ms += 1_000;
                evs.push(answer(&mut m, ms, &i.id, "pass"));
            }
            ms += 60_000;
        }
        evs.push(m.make(1, ms, "patrol_round.finished", json!({})));
        let f = fold::<PatrolRound>(m.record, &evs);
        let all: Vec<&str> = list.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            f.state.left_out(&[cp1, cp2, cp3], &all),
            LeftOut {
                checkpoints: vec![cp2],
                items: vec!["item-04".into()]
            },
            "item-02 was answered at cp1, so only the garage's own item is missing"
        );
    }

    #[test]
    fn a_checklist_lists_its_groups_once_in_order() {
        let list = Checklist {
            name: "x".into(),
            version: 1,
            rounds_per_day: 2,
            items: vec![item("a", "绿化"), item("b", "车辆"), item("c", "绿化")],
        };
        assert_eq!(list.groups(), ["绿化", "车辆"]);
    }

    #[test]
    fn compliance_by_area_and_butler_over_a_date_range() {
        let rules = PatrolRules::default();
        let a = AreaId::from_parts(5, [1; 10]);
        let b = AreaId::from_parts(5, [2; 10]);
        let zhang = UserId::from_parts(1, [1; 10]);
        let round = |area, started: &str, finished: Option<&str>| RoundSummary {
            area_id: area,
            butler: zhang,
            started: t(started),
            finished: finished.map(t),
            complete: true,
        };
        let rounds = vec![
            round(a, "2026-11-17 08:30", Some("2026-11-17 10:00")),
            round(a, "2026-11-17 14:30", Some("2026-11-17 18:30")),
            round(a, "2026-11-18 08:30", Some("2026-11-18 09:30")),
            round(a, "2026-11-18 14:00", None),
            round(b, "2026-11-16 08:00", Some("2026-11-16 09:00")),
        ];
        let now = t("2026-11-19 08:00");
        let by_area = rules.by_area(&rounds, &[a, b], d("2026-11-17"), d("2026-11-18"), now);
        assert_eq!(by_area.len(), 4);
        assert_eq!(
            by_area[&(a, d("2026-11-17"))],
            DayCompliance {
                done: 2,
                late: 1,
                missed: 0,
                ..Default::default()
            }
        );
        assert_eq!(
            by_area[&(a, d("2026-11-18"))],
            DayCompliance {
                done: 1,
                late: 0,
                missed: 1,
                ..Default::default()
            }
        );
        assert_eq!(
            by_area[&(b, d("2026-11-17"))].missed,
            2,
            "outside the range does not count"
        );
        let by_butler = rules.by_butler(&rounds, &[zhang], d("2026-11-17"), d("2026-11-18"), now);
        let total: u32 = by_butler.values().map(|c| c.done).sum();
        assert_eq!(total, 3);
    }
}
