//! Patrol as the screens read it: checkpoints in walking order, checklist versions, rounds,
//! what a round is held to (`Plans`), compliance summaries and today's rounds.

use crate::model::clock::{calendar, local_now};
use crate::model::households::area_tags;
use crate::model::people::my_areas;
use crate::model::rows::{references, rows, Row};
use crate::offline::engine::engine;
use crate::offline::state::AppState;
use guanjia_core::records::{
    Checklist, ChecklistItem, DayCompliance, LeftOut, PatrolRound, RoundStatus, RoundSummary,
};
use guanjia_core::{AreaId, ProjectId, RecordId};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
    pub name: String,
    pub code: String,
    pub order: u64,
    /// The checklist groups (or item ids) checked here; empty: the items no other
    /// checkpoint of the area has (core `items_at`).
    pub groups: Vec<String>,
}

/// The checkpoints this device knows, in walking order per area.
pub fn checkpoints() -> Vec<Checkpoint> {
    let mut out: Vec<Checkpoint> = references("checkpoint")
        .into_iter()
        .filter_map(|(id, project_id, area_id, r)| {
            Some(Checkpoint {
                id,
                project_id,
                area_id,
                name: r.name()?.to_string(),
                code: r.get("code")?.as_str()?.to_string(),
                order: r.get("order").and_then(|o| o.as_u64()).unwrap_or(u64::MAX),
                groups: r
                    .get("groups")
                    .and_then(|g| g.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect(),
            })
        })
        .collect();
    out.sort_unstable_by(|a, b| (a.area_id, a.order, &a.code).cmp(&(b.area_id, b.order, &b.code)));
    out
}

/// A checklist template as it stands now.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub checklist: Checklist,
}

pub fn checklist_of(fields: serde_json::Value) -> Option<Checklist> {
    serde_json::from_value(fields).ok()
}

/// The project's checklist template (the first by id, when there are several).
pub fn template(project: ProjectId) -> Option<Template> {
    references("checklist_template")
        .into_iter()
        .filter(|(_, p, _, _)| *p == project)
        .find_map(|(id, project_id, _, r)| {
            let fields: serde_json::Map<String, serde_json::Value> = r
                .fields
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.get()?.clone())))
                .collect();
            Some(Template {
                id,
                project_id,
                checklist: checklist_of(fields.into())?,
            })
        })
}

/// The checklist exactly as it was at `version` (a round keeps the version it started
/// with; the editor writes the whole list with each new version).
pub fn checklist_version(template_id: RecordId, version: u32) -> Option<Checklist> {
    let e = engine()?;
    e.read(|r| {
        r.events()
            .filter(|ev| {
                ev.record_id == template_id
                    && ev.payload.get("version").and_then(|v| v.as_u64()) == Some(version as u64)
            })
            .filter_map(|ev| checklist_of(ev.payload.clone()))
            .last()
    })
    .flatten()
}

pub fn rounds() -> Vec<Row<PatrolRound>> {
    rows("patrol_round")
}

/// When each checkpoint first appeared (HLC ms of its first event): a round is held only
/// to the checkpoints that existed when it started, so adding one later in the day does not
/// turn the morning's rounds incomplete.
pub fn checkpoint_births() -> BTreeMap<RecordId, u64> {
    let Some(e) = engine() else {
        return BTreeMap::new();
    };
    e.read(|r| {
        let mut out: BTreeMap<RecordId, u64> = BTreeMap::new();
        for ev in r
            .events()
            .filter(|ev| ev.record_type.as_str() == "checkpoint")
        {
            let at = out.entry(ev.record_id).or_insert(ev.hlc.ms);
            *at = (*at).min(ev.hlc.ms);
        }
        out
    })
    .unwrap_or_default()
}

/// What rounds are held to (checkpoints, checklist versions, area tags), read once for a
/// list of rounds.
pub struct Plans {
    points: Vec<Checkpoint>,
    births: BTreeMap<RecordId, u64>,
    lists: RefCell<BTreeMap<(RecordId, u32), Option<Checklist>>>,
    tags: RefCell<BTreeMap<AreaId, BTreeSet<String>>>,
}

impl Plans {
    pub fn read() -> Self {
        Plans {
            points: checkpoints(),
            births: checkpoint_births(),
            lists: RefCell::default(),
            tags: RefCell::default(),
        }
    }

    /// The checklist items of the version the round started with, narrowed to the area's
    /// household tags (the project's current list when that version is not on the device).
    pub fn items(&self, r: &Row<PatrolRound>) -> Vec<ChecklistItem> {
        let (Some(t), Some(area)) = (r.folded.state.template.as_ref(), r.area_id) else {
            return Vec::new();
        };
        let list = self
            .lists
            .borrow_mut()
            .entry((t.template_id, t.template_version))
            .or_insert_with(|| {
                checklist_version(t.template_id, t.template_version)
                    .or_else(|| template(r.project_id).map(|t| t.checklist))
            })
            .clone();
        let tags = self
            .tags
            .borrow_mut()
            .entry(area)
            .or_insert_with(|| area_tags(area))
            .clone();
        list.map(|l| l.items_for(&tags).into_iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The area's checkpoints that existed when the round started, in walking order.
    pub fn checkpoints_of(&self, r: &Row<PatrolRound>) -> Vec<Checkpoint> {
        let started = r
            .folded
            .state
            .history
            .first()
            .map_or(u64::MAX, |h| h.hlc.ms);
        self.points
            .iter()
            .filter(|c| c.area_id == r.area_id)
            .filter(|c| self.births.get(&c.id).is_none_or(|b| *b <= started))
            .cloned()
            .collect()
    }

    pub fn left_out(&self, r: &Row<PatrolRound>) -> LeftOut {
        let points: Vec<RecordId> = self.checkpoints_of(r).iter().map(|c| c.id).collect();
        let items = self.items(r);
        let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
        r.folded.state.left_out(&points, &ids)
    }
}

/// What compliance needs of the rounds on this device.
pub fn summaries(rounds: &[Row<PatrolRound>]) -> Vec<RoundSummary> {
    let cal = calendar();
    let plans = Plans::read();
    rounds
        .iter()
        .filter_map(|r| {
            let s = &r.folded.state;
            Some(RoundSummary {
                complete: s.status == Some(RoundStatus::Finished) && plans.left_out(r).is_empty(),
                area_id: r.area_id?,
                butler: s.butler?,
                started: cal.local(s.started_at.as_deref()?)?,
                finished: match s.status {
                    Some(RoundStatus::Finished) => cal.local(s.finished_at.as_deref()?),
                    _ => None,
                },
            })
        })
        .collect()
}

/// Today's patrol of an area (or, summed, of a person's areas).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TodayPatrol {
    pub day: DayCompliance,
    pub required: u32,
    /// The deadline of the next round still ahead today.
    pub next_due: Option<chrono::NaiveDateTime>,
}

impl TodayPatrol {
    fn plus(self, o: TodayPatrol) -> TodayPatrol {
        TodayPatrol {
            day: DayCompliance {
                done: self.day.done + o.day.done,
                late: self.day.late + o.day.late,
                missed: self.day.missed + o.day.missed,
                incomplete: self.day.incomplete + o.day.incomplete,
            },
            required: self.required + o.required,
            next_due: match (self.next_due, o.next_due) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }
}

/// Today's rounds of an area, scored by its project's round deadlines.
pub fn today_of(sums: &[RoundSummary], project: ProjectId, area: AreaId) -> TodayPatrol {
    let now = local_now();
    let today = now.date();
    let all = crate::model::rules::rules();
    let rules = &all.of(project).patrol;
    let day = rules
        .by_area(sums, &[area], today, today, now)
        .remove(&(area, today))
        .unwrap_or_default();
    TodayPatrol {
        day,
        required: rules.rounds_per_day(),
        next_due: rules.next_due(today, day.done, now),
    }
}

/// Today's rounds in the person's areas, for Today.
pub fn today_summary(app: AppState) -> TodayPatrol {
    let sums = summaries(&rounds());
    my_areas(app)
        .iter()
        .map(|(p, a, _)| today_of(&sums, *p, *a))
        .fold(TodayPatrol::default(), TodayPatrol::plus)
}

/// Rounds of the last week, newest first (at most 50).
pub fn recent(rounds: &[Row<PatrolRound>]) -> Vec<Row<PatrolRound>> {
    let since = (local_now() - chrono::Duration::days(7)).date();
    let cal = calendar();
    let mut out: Vec<_> = rounds
        .iter()
        .filter(|r| {
            r.folded
                .state
                .started_at
                .as_deref()
                .and_then(|t| cal.local(t))
                .is_some_and(|t| t.date() >= since)
        })
        .cloned()
        .collect();
    out.sort_by(|a, b| b.folded.state.started_at.cmp(&a.folded.state.started_at));
    out.truncate(50);
    out
}

pub fn add_days(a: DayCompliance, b: &DayCompliance) -> DayCompliance {
    DayCompliance {
        done: a.done + b.done,
        late: a.late + b.late,
        missed: a.missed + b.missed,
        incomplete: a.incomplete + b.incomplete,
    }
}
