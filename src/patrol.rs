//! Daily patrol (日常巡查, domain.md §1): the area list with today's rounds, a round (scan
//! each checkpoint, answer the checklist, open findings for failed items), the compliance
//! view and the checklist editor. Rounds, scans and answers are ordinary events, so a round
//! survives reloads and restarts and syncs like everything else.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::data::{draft, references, rows, save, Row};
use crate::engine::{engine, now_ms, random_bytes};
use crate::i18n::{use_i18n, I18n, Key};
use crate::orders::local_now;
use crate::state::{person_name, use_app, AppState};
use guanjia_core::deadline::WorkCalendar;
use guanjia_core::records::{
    items_at, Checklist, ChecklistItem, CheckpointGroups, DayCompliance, LeftOut, PatrolRound,
    RoundStatus, RoundSummary, ScanFlag, ScanMethod, Verdict,
};
use guanjia_core::{AreaId, ProjectId, RecordId};
use serde_json::json;
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

fn checklist_of(fields: serde_json::Value) -> Option<Checklist> {
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

/// Tags of the households in an area (`renovating` adds the renovation items).
pub fn area_tags(area: AreaId) -> BTreeSet<String> {
    references("household")
        .into_iter()
        .filter(|(_, _, a, _)| *a == Some(area))
        .flat_map(|(_, _, _, r)| {
            r.get("tags")
                .and_then(|t| t.as_array())
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn rounds() -> Vec<Row<PatrolRound>> {
    rows("patrol_round")
}

/// When each checkpoint first appeared (HLC ms of its first event): a round is held only
/// to the checkpoints that existed when it started, so adding one later in the day does not
/// turn the morning's rounds incomplete.
fn checkpoint_births() -> BTreeMap<RecordId, u64> {
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

/// "2 个巡查点未打卡，5 项未检查" / "2 checkpoints not checked in, 5 items not checked".
pub fn left_out_text(i18n: I18n, l: &LeftOut) -> String {
    let mut parts = Vec::new();
    if !l.checkpoints.is_empty() {
        parts.push(format!(
            "{} {}",
            l.checkpoints.len(),
            i18n.t(Key::RoundLeftCheckpoints)
        ));
    }
    if !l.items.is_empty() {
        parts.push(format!("{} {}", l.items.len(), i18n.t(Key::RoundLeftItems)));
    }
    parts.join(i18n.t(Key::PatrolSep))
}

fn calendar() -> WorkCalendar {
    crate::data::rules().home().calendar.clone()
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

/// The areas the signed-in person works in: (project, area, name).
pub fn my_areas(app: AppState) -> Vec<(ProjectId, AreaId, String)> {
    app.session
        .get()
        .map(|s| {
            s.me.projects
                .iter()
                .flat_map(|p| p.areas.iter().map(move |a| (p.id, a.id, a.name.clone())))
                .collect()
        })
        .unwrap_or_default()
}

fn area_name(app: AppState, area: Option<AreaId>) -> String {
    my_areas(app)
        .into_iter()
        .find(|(_, a, _)| Some(*a) == area)
        .map(|(_, _, n)| n)
        .unwrap_or_default()
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

    /// "今日已完成 1 / 2 · 下一轮截止 18:00 · 超时 1 · 漏巡 1".
    pub fn text(&self, i18n: I18n) -> String {
        let mut out = format!(
            "{} {} / {}",
            i18n.t(Key::PatrolToday),
            self.day.done,
            self.required
        );
        if let Some(due) = self.next_due {
            out += &format!(" · {} {}", i18n.t(Key::PatrolNextDue), due.format("%H:%M"));
        }
        if self.day.late > 0 {
            out += &format!(" · {} {}", i18n.t(Key::ComplianceLate), self.day.late);
        }
        if self.day.missed > 0 {
            out += &format!(" · {} {}", i18n.t(Key::ComplianceMissed), self.day.missed);
        }
        out
    }
}

/// Today's rounds of an area, scored by its project's round deadlines.
pub fn today_of(sums: &[RoundSummary], project: ProjectId, area: AreaId) -> TodayPatrol {
    let now = local_now();
    let today = now.date();
    let all = crate::data::rules();
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

/// `/patrol`: my areas with today's rounds; start or continue a round.
#[component]
pub fn PatrolPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let rounds = Memo::new(move |_| {
        app.data_version.track();
        rounds()
    });
    let error = RwSignal::new(None::<String>);
    let me = move || app.session.get().map(|s| s.user.id);
    let start = move |project: ProjectId, area: AreaId| {
        let Some(t) = template(project) else {
            error.set(Some(i18n.t(Key::PatrolNoTemplate).to_string()));
            return;
        };
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let d = draft(
            "patrol_round",
            id,
            "patrol_round.started",
            project,
            Some(area),
            json!({"template_id": t.id, "template_version": t.checklist.version}),
        );
        let navigate = navigate.clone();
        save(app, vec![d], error, move || {
            navigate(&format!("/patrol/rounds/{id}"), Default::default())
        });
    };
    view! {
        <section class="page patrol">
            <h1>{i18n.text(Key::PatrolTitle)}</h1>
            <div class="row">
                <A href="/findings" attr:class="button" attr:data-testid="findings-link">{i18n.text(Key::FindingsTitle)}</A>
                <Show when=move || crate::state::is_supervisor(app)>
                    <A href="/patrol/compliance" attr:class="button" attr:data-testid="compliance-link">{i18n.text(Key::ComplianceTitle)}</A>
                    <A href="/patrol/checklist" attr:class="button" attr:data-testid="checklist-link">{i18n.text(Key::ChecklistTitle)}</A>
                    <A href="/patrol/checkpoints" attr:class="button" attr:data-testid="checkpoints-link">{i18n.text(Key::CheckpointsTitle)}</A>
                    <A href="/patrol/print" attr:class="button" attr:data-testid="print-link">{i18n.text(Key::PrintTitle)}</A>
                </Show>
            </div>
            <ul class="list">
                {move || {
                    let start = start.clone();
                    let sums = rounds.with(|r| summaries(r));
                    my_areas(app).into_iter().map(move |(project, area, name)| {
                        let start = start.clone();
                        let today = today_of(&sums, project, area);
                        let (done, required) = (today.day.done, today.required);
                        let running = rounds.with(|r| {
                            r.iter()
                                .find(|x| {
                                    x.area_id == Some(area)
                                        && x.folded.state.status == Some(RoundStatus::InProgress)
                                        && x.folded.state.butler == me()
                                })
                                .map(|x| x.id)
                        });
                        view! {
                            <li class="card" data-testid="patrol-area" data-area=area.to_string()>
                                <h2>{name}</h2>
                                <p data-testid="patrol-today" data-done=done data-required=required
                                    data-late=today.day.late data-missed=today.day.missed
                                    data-next-due=today.next_due.map(|t| t.format("%H:%M").to_string()).unwrap_or_default()>
                                    {move || today.text(i18n)}
                                </p>
                                {match running {
                                    Some(id) => view! {
                                        <A href=format!("/patrol/rounds/{id}") attr:class="button primary" attr:data-testid="round-continue">
                                            {i18n.text(Key::PatrolContinue)}
                                        </A>
                                    }.into_any(),
                                    None => view! {
                                        <button type="button" class="primary" data-testid="round-start" on:click=move |_| start(project, area)>
                                            {i18n.text(Key::PatrolStart)}
                                        </button>
                                    }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <h2>{i18n.text(Key::PatrolRecent)}</h2>
            <ul class="list">
                {move || {
                    let plans = Plans::read();
                    recent(&rounds.get()).into_iter().map(|r| round_card(i18n, app, &plans, r)).collect_view()
                }}
            </ul>
        </section>
    }
}

/// Rounds of the last week, newest first (at most 50).
fn recent(rounds: &[Row<PatrolRound>]) -> Vec<Row<PatrolRound>> {
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

fn round_card(i18n: I18n, app: AppState, plans: &Plans, r: Row<PatrolRound>) -> impl IntoView {
    let s = &r.folded.state;
    let incomplete = (s.status == Some(RoundStatus::Finished))
        .then(|| plans.left_out(&r))
        .filter(|l| !l.is_empty())
        .map(|l| left_out_text(i18n, &l));
    let badge = incomplete.is_some();
    let sess = app.session.get_untracked();
    let status = s.status;
    let fails = s.failures().len();
    let flags = s.scan_flags().len();
    let visited = s.checkpoints_visited().len();
    let who = s
        .butler
        .map(|b| person_name(sess.as_ref(), b))
        .unwrap_or_default();
    let when = s
        .started_at
        .as_deref()
        .and_then(|t| calendar().local(t))
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_default();
    view! {
        <li class="card" data-testid="round-card" data-round-id=r.id.to_string() data-status=crate::data::status_code(status, "in_progress")>
            <A href=format!("/patrol/rounds/{}", r.id) attr:class="list-link">
                <span class="badge">{i18n.text(round_status_key(status))}</span>
                {badge.then(|| view! { " " <span class="badge warn" data-testid="round-incomplete">{i18n.text(Key::RoundIncomplete)}</span> })}
                " " {area_name(app, r.area_id)} " · " {who} " · " {when}
            </A>
            <p class="hint">
                {i18n.text(Key::PatrolCheckpoints)} " " {visited} " · " {i18n.text(Key::PatrolFail)} " " {fails}
                {(flags > 0).then(|| view! { " · " <span class="badge warn">{i18n.text(Key::PatrolFlagged)} " " {flags}</span> })}
                {incomplete.map(|t| view! { " · " <span>{t}</span> })}
            </p>
        </li>
    }
}

/// The latest position fix while a round page is open (only when the person allowed it).
pub fn watch_position() -> RwSignal<Option<serde_json::Value>> {
    let fix = RwSignal::new(None::<serde_json::Value>);
    watch_position_into(fix);
    fix
}

/// Keeps `fix` up to date until the current owner is cleaned up.
pub fn watch_position_into(fix: RwSignal<Option<serde_json::Value>>) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        return;
    };
    // Read structurally: browsers name the class GeolocationPosition now, and web-sys's
    // stable `Position` binding looks its getters up on a `Position` class that is gone.
    let ok = wasm_bindgen::closure::Closure::<dyn Fn(wasm_bindgen::JsValue)>::new(
        move |p: wasm_bindgen::JsValue| {
            let get = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok();
            let Some(c) = get(&p, "coords") else { return };
            let num = |k: &str| get(&c, k).and_then(|v| v.as_f64());
            if let (Some(lat), Some(lon), Some(acc)) =
                (num("latitude"), num("longitude"), num("accuracy"))
            {
                let _ = fix.try_set(Some(json!({"lat": lat, "lon": lon, "accuracy_m": acc})));
            }
        },
    );
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_maximum_age(30_000);
    use wasm_bindgen::JsCast;
    // Denied or unavailable: scans are recorded without a position.
    if let Ok(id) = geo.watch_position_with_error_callback_and_options(
        ok.as_ref().unchecked_ref(),
        None,
        &options,
    ) {
        let geo = send_wrapper::SendWrapper::new(geo);
        on_cleanup(move || geo.clear_watch(id));
    }
    ok.forget();
}

/// `/patrol/rounds/:id`: one round — checkpoints, checklist, findings, finish.
#[component]
pub fn RoundPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let round = crate::data::use_routed::<PatrolRound>("patrol_round");
    let area = Memo::new(move |_| round.with(|r| r.as_ref().and_then(|r| r.area_id)));
    let points = Memo::new(move |_| {
        app.data_version.track();
        let a = area.get();
        checkpoints()
            .into_iter()
            .filter(|c| c.area_id == a)
            .collect::<Vec<_>>()
    });
    // The checklist of the version the round started with, narrowed to the area's tags.
    let items = Memo::new(move |_| {
        let Some((t, a)) = round.with(|r| {
            r.as_ref()
                .and_then(|r| Some((r.folded.state.template.clone()?, r.area_id?)))
        }) else {
            return Vec::new();
        };
        let list = checklist_version(t.template_id, t.template_version).or_else(|| {
            round
                .with(|r| r.as_ref().and_then(|r| template(r.project_id)))
                .map(|t| t.checklist)
        });
        let tags = area_tags(a);
        list.map(|l| l.items_for(&tags).into_iter().cloned().collect())
            .unwrap_or_default()
    });
    let position = watch_position();
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let failing = RwSignal::new(None::<ChecklistItem>);
    // Owned here, not by the form: a sync that re-renders the list must not lose the text.
    let draft_finding = FindingDraft::new();
    let abandon_reason = RwSignal::new(String::new());
    let in_progress = move || {
        round.with(|r| r.as_ref().and_then(|r| r.folded.state.status))
            == Some(RoundStatus::InProgress)
    };
    let current_checkpoint = move || {
        round.with(|r| {
            r.as_ref().and_then(|r| {
                r.folded
                    .state
                    .scans
                    .items()
                    .last()
                    .map(|s| s.value.checkpoint_id)
            })
        })
    };
    let write = move |kind: &str, payload: serde_json::Value, then: Box<dyn FnOnce()>| {
        let Some(r) = round.get_untracked() else {
            return;
        };
        let d = draft("patrol_round", r.id, kind, r.project_id, r.area_id, payload);
        save(app, vec![d], error, then);
    };
    let left_out = Memo::new(move |_| {
        app.data_version.track();
        round.with(|r| r.as_ref().map(|r| Plans::read().left_out(r)))
    });
    // At the current checkpoint its own items come first (core `items_at`: its groups and
    // the items bound to no checkpoint); the rest wait folded under "other checkpoints".
    // A finished round lists everything in one list.
    let split = Memo::new(move |_| {
        let all = items.get();
        if !in_progress() {
            return (all, Vec::new());
        }
        let at = current_checkpoint();
        let open = failing.with(|f| f.as_ref().map(|f| f.id.clone()));
        let here: BTreeSet<String> = points.with(|ps| {
            let groups: Vec<CheckpointGroups> = ps
                .iter()
                .map(|c| CheckpointGroups {
                    id: c.id,
                    groups: &c.groups,
                })
                .collect();
            let refs: Vec<&ChecklistItem> = all.iter().collect();
            items_at(&refs, &groups, at)
                .into_iter()
                .map(|i| i.id.clone())
                .chain(open)
                .collect()
        });
        all.into_iter().partition(|i| here.contains(&i.id))
    });
    // A finding form's text and photos are kept per round and item in localStorage, so a
    // reload or an app restart in the middle of one brings it back.
    let restored = StoredValue::new(false);
    Effect::new(move |_| {
        if restored.get_value() {
            return;
        }
        let Some(r) = round.get() else { return };
        let list = items.get();
        if list.is_empty() {
            return;
        }
        restored.set_value(true);
        if r.folded.state.status != Some(RoundStatus::InProgress) {
            return;
        }
        let Some((item_id, d)) = open_draft(r.id) else {
            return;
        };
        match list.into_iter().find(|i| i.id == item_id) {
            Some(item) if r.folded.state.answer(&item_id).is_none() => {
                draft_finding.load(d);
                draft_finding.restored.set(true);
                failing.set(Some(item));
            }
            _ => forget_draft(r.id, &item_id),
        }
    });
    let open_finding = move |item: ChecklistItem| {
        let Some(r) = round.get_untracked() else {
            return;
        };
        if failing.with_untracked(|f| f.as_ref().is_some_and(|f| f.id == item.id)) {
            return;
        }
        draft_finding.clear();
        if let Some(d) = stored_draft(r.id, &item.id) {
            draft_finding.load(d);
        }
        mark_open_draft(r.id, &item.id);
        failing.set(Some(item));
    };
    // Finishing with something left out takes a second tap, so a slip of the thumb does not
    // end a round half done (the round would then not count for compliance).
    let confirm_finish = RwSignal::new(false);
    let finish = move |_| {
        let gaps = left_out.with_untracked(|l| l.as_ref().is_some_and(|l| !l.is_empty()));
        if gaps && !confirm_finish.get_untracked() {
            confirm_finish.set(true);
            return;
        }
        confirm_finish.set(false);
        write("patrol_round.finished", json!({}), Box::new(|| {}));
    };
    let scan = move |typed: String, method: ScanMethod| {
        let wanted = typed.trim().to_uppercase();
        let found = points
            .with_untracked(|ps| ps.iter().find(|c| c.code.to_uppercase() == wanted).cloned());
        let Some(cp) = found else {
            let codes: Vec<String> =
                points.with_untracked(|ps| ps.iter().map(|c| c.code.clone()).collect());
            error.set(Some(format!(
                "{} {}",
                i18n.t(Key::PatrolUnknownCode),
                codes.join(" / ")
            )));
            return;
        };
        // The offset is only real once a server answer set it: the epoch is stored with the
        // first push or pull answer, in the same step that learns the offset. Before that
        // the "correction" would be the device's own clock relabelled.
        let offset = engine()
            .and_then(|e| e.read(|r| r.epoch().is_some().then(|| r.clock_offset_ms())))
            .flatten();
        let mut payload = json!({"checkpoint_id": cp.id, "method": method});
        if let Some(offset) = offset {
            payload["corrected_time"] = json!(js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
                now_ms() as f64 + offset as f64
            ))
            .to_iso_string()
            .as_string());
        }
        if let Some(p) = position.get_untracked() {
            payload["position"] = p;
        }
        write(
            "patrol_round.checkpoint_scanned",
            payload,
            Box::new(move || code.set(String::new())),
        );
    };
    let pass = move |item: String| {
        write(
            "patrol_round.item_answered",
            json!({"item_id": item, "verdict": Verdict::Pass, "checkpoint_id": current_checkpoint()}),
            Box::new(|| {}),
        );
    };
    // Renovation items are asked because some units of the area are renovating: name them,
    // so the butler knows which doors to knock on.
    let renovating = Memo::new(move |_| {
        app.data_version.track();
        area.get()
            .map(crate::households::renovating_units)
            .unwrap_or_default()
    });
    let render_items = move |list: Vec<ChecklistItem>| {
        let mut group = String::new();
        list.into_iter().map(|item| {
            let heading = (item.group != group).then(|| {
                group = item.group.clone();
                view! { <li class="group"><h3>{item.group.clone()}</h3></li> }
            });
            // Each row follows its own answer: answering one item re-renders one row,
            // and the list itself only changes with the checklist and the checkpoint.
            let id = item.id.clone();
            let answer = Memo::new(move |_| round.with(|r| r.as_ref().and_then(|r| r.folded.state.answer(&id).cloned())));
            let verdict = move || match answer.with(|a| a.as_ref().map(|a| a.verdict)) {
                Some(Verdict::Pass) => "pass",
                Some(Verdict::Fail) => "fail",
                None => "none",
            };
            let (id1, it2, id3) = (item.id.clone(), item.clone(), item.id.clone());
            let form_item = item.clone();
            let open_here = move || failing.with(|f| f.as_ref().is_some_and(|f| f.id == id3));
            view! {
                {heading}
                <li class="card item" data-testid="item" data-item=item.id.clone() data-verdict=verdict>
                    <span class="item-text">{item.text.clone()}</span>
                    {(item.only_if_tag.as_deref() == Some(crate::households::RENOVATING)).then(|| view! {
                        <p class="hint" data-testid="item-renovating-units">{i18n.text(Key::RenovatingUnits)} {move || renovating.get().join("、")}</p>
                    })}
                    <Show when=in_progress>
                        <div class="row">
                            <button type="button" class="small" data-action="pass" aria-pressed=move || (verdict() == "pass").to_string()
                                on:click={let id1 = id1.clone(); move |_| pass(id1.clone())}>{i18n.text(Key::PatrolPass)}</button>
                            <button type="button" class="small" data-action="fail" aria-pressed=move || (verdict() == "fail").to_string()
                                on:click={let it2 = it2.clone(); move |_| open_finding(it2.clone())}>{i18n.text(Key::PatrolFail)}</button>
                        </div>
                    </Show>
                    {move || answer.get().and_then(|a| a.finding_id).map(|f| view! {
                        <A href=format!("/findings/{f}") attr:class="hint" attr:data-testid="item-finding">{i18n.text(Key::PatrolFindingOpened)}</A>
                    })}
                    <Show when=open_here.clone()>
                        <FindingForm round=round item=form_item.clone() values=draft_finding current=Signal::derive(current_checkpoint)
                            on_done=Callback::new(move |_| {
                                if let (Some(r), Some(f)) = (round.get_untracked(), failing.get_untracked()) {
                                    forget_draft(r.id, &f.id);
                                }
                                draft_finding.clear();
                                failing.set(None)
                            }) />
                    </Show>
                </li>
            }
        }).collect_view()
    };
    view! {
        <section class="page round">
            <Show when=move || round.with(|r| r.is_some()) fallback=move || view! { <p class="hint">{i18n.text(Key::RoundNotFound)}</p> }>
                {move || round.get().map(|r| {
                    let s = &r.folded.state;
                    let sess = app.session.get();
                    let status = s.status;
                    view! {
                        <h1>{i18n.text(Key::PatrolTitle)} " · " {area_name(app, r.area_id)}</h1>
                        <p>
                            <span class="badge" data-testid="round-status" data-status=crate::data::status_code(status, "in_progress")>{i18n.text(round_status_key(status))}</span>
                            " " {s.butler.map(|b| person_name(sess.as_ref(), b)).unwrap_or_default()}
                            " " {s.started_at.as_deref().map(crate::data::clock_time).unwrap_or_default()}
                        </p>
                        {s.scan_flags().into_iter().map(|f| view! {
                            <p class="error" data-testid="round-flag">{flag_text(i18n, &f)}</p>
                        }).collect_view()}
                        {s.abandon_reason.clone().map(|why| view! { <p class="hint">{why}</p> })}
                        {(status == Some(RoundStatus::Finished)).then(|| left_out.get()).flatten().filter(|l| !l.is_empty()).map(|l| view! {
                            <p class="error" data-testid="round-incomplete">{i18n.t(Key::RoundIncomplete)} ": " {left_out_text(i18n, &l)}</p>
                        })}
                    }
                })}
                <h2>{i18n.text(Key::PatrolCheckpoints)}</h2>
                <ol class="list checkpoints">
                    {move || {
                        let scans = round.with(|r| r.as_ref().map(|r| r.folded.state.scans.items().to_vec()).unwrap_or_default());
                        points.get().into_iter().map(|c| {
                            let scan = scans.iter().find(|s| s.value.checkpoint_id == c.id);
                            let done = scan.is_some();
                            let time = scan.map(|s| crate::data::clock_time(&s.device_time)).unwrap_or_default();
                            let ms = |t: &str| js_sys::Date::parse(t);
                            // The device clock may be off; show the server-corrected time
                            // beside it when they differ by a minute or more.
                            let corrected = scan
                                .and_then(|s| s.value.corrected_time.clone().map(|c| (ms(&s.device_time), c)))
                                .filter(|(d, c)| (ms(c) - d).abs() >= 60_000.0)
                                .map(|(_, c)| crate::data::clock_time(&c));
                            let accuracy = scan.and_then(|s| s.value.position).map(|p| p.accuracy_m.round() as i64);
                            view! {
                                <li class="card checkpoint" data-testid="checkpoint" data-code=c.code.clone() data-scanned=done.to_string()>
                                    <span>{if done { "✓ " } else { "○ " }}</span>
                                    <strong>{c.name.clone()}</strong> " " <span class="hint">{c.code.clone()}</span> " "
                                    <span class="hint" data-testid="scan-time">{corrected.is_some().then(|| format!("{} ", i18n.t(Key::ScanDeviceTime)))}{time}</span>
                                    {corrected.map(|t| view! { " " <span class="hint" data-testid="scan-corrected">{i18n.t(Key::ScanCorrectedTime)} " " {t}</span> })}
                                    {accuracy.map(|m| view! { " " <span class="hint" data-testid="scan-accuracy" data-accuracy=m>"±" {m} " m"</span> })}
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                <Show when=in_progress>
                    {move || position.get().and_then(|p| p.get("accuracy_m")?.as_f64()).map(|m| view! {
                        <p class="hint" data-testid="round-position">{i18n.text(Key::PatrolPositionFix)} " ±" {m.round() as i64} " m"</p>
                    })}
                    <form class="row scan" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        scan(code.get_untracked(), ScanMethod::Typed);
                    }>
                        <input data-testid="checkpoint-code" placeholder=i18n.text(Key::PatrolCodePlaceholder) autocomplete="off"
                            prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                        <button type="submit" class="primary" data-testid="checkpoint-submit">{i18n.text(Key::PatrolCheckIn)}</button>
                    </form>
                    <crate::qr::QrScanner on_code=Callback::new(move |c: String| scan(c, ScanMethod::Qr)) />
                </Show>
                <h2>
                    {i18n.text(Key::PatrolItems)} " "
                    <span class="hint" data-testid="round-progress">{move || {
                        let total = items.with(|i| i.len());
                        let answered = round.with(|r| r.as_ref().map(|r| items.with(|i| i.iter().filter(|it| r.folded.state.answer(&it.id).is_some()).count())).unwrap_or(0));
                        format!("{answered} / {total}")
                    }}</span>
                </h2>
                {move || (in_progress() && current_checkpoint().is_none() && split.with(|(h, _)| h.is_empty())).then(|| view! {
                    <p class="hint" data-testid="items-scan-first">{i18n.text(Key::PatrolScanFirst)}</p>
                })}
                <ul class="list items" data-testid="items-here">
                    {move || render_items(split.get().0)}
                </ul>
                {move || {
                    let rest = split.get().1;
                    (!rest.is_empty()).then(|| {
                        let n = rest.len();
                        view! {
                            <details class="items-elsewhere" data-testid="items-elsewhere">
                                <summary>{i18n.text(Key::PatrolItemsElsewhere)} " (" {n} ")"</summary>
                                <ul class="list items">{render_items(rest)}</ul>
                            </details>
                        }
                    })
                }}
                <Show when=in_progress>
                    <div class="card form">
                        <button type="button" class="primary" data-testid="round-finish" on:click=finish>
                            {i18n.text(Key::PatrolFinish)}
                        </button>
                        {move || confirm_finish.get().then(|| left_out.get()).flatten().filter(|l| !l.is_empty()).map(|l| view! {
                            <p class="error" role="alert" data-testid="round-finish-confirm">
                                {left_out_text(i18n, &l)} {i18n.t(Key::PatrolSep)} {i18n.t(Key::RoundFinishAgain)}
                            </p>
                        })}
                        <label>
                            <span>{i18n.text(Key::PatrolAbandonReason)}</span>
                            <input data-testid="round-abandon-reason" prop:value=move || abandon_reason.get() on:input=move |ev| abandon_reason.set(event_target_value(&ev)) />
                        </label>
                        <button type="button" data-testid="round-abandon" on:click=move |_| {
                            let why = abandon_reason.get_untracked();
                            if why.trim().is_empty() {
                                error.set(Some(i18n.t(Key::PatrolAbandonNeedsReason).to_string()));
                            } else {
                                write("patrol_round.abandoned", json!({"reason": why.trim()}), Box::new(|| {}));
                            }
                        }>{i18n.text(Key::PatrolAbandon)}</button>
                    </div>
                </Show>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" data-testid="round-error">{move || error.get().unwrap_or_default()}</p>
                </Show>
            </Show>
        </section>
    }
}

fn flag_text(i18n: I18n, f: &ScanFlag) -> String {
    match f {
        ScanFlag::TooFast { seconds, .. } => format!("{} ({seconds} s)", i18n.t(Key::FlagTooFast)),
        ScanFlag::ClockWentBack { .. } => i18n.t(Key::FlagClockBack).to_string(),
        ScanFlag::AfterFinish { .. } => i18n.t(Key::FlagAfterFinish).to_string(),
    }
}

pub fn round_status_key(s: Option<RoundStatus>) -> Key {
    match s {
        None | Some(RoundStatus::InProgress) => Key::RoundInProgress,
        Some(RoundStatus::Finished) => Key::RoundFinished,
        Some(RoundStatus::Abandoned) => Key::RoundAbandoned,
    }
}

/// What the butler has typed into a finding form so far.
#[derive(Clone, Copy)]
struct FindingDraft {
    note: RwSignal<String>,
    severity: RwSignal<String>,
    building: RwSignal<String>,
    unit: RwSignal<String>,
    photos: RwSignal<Vec<String>>,
    /// Brought back from localStorage after a reload or restart.
    restored: RwSignal<bool>,
}

/// A finding form as kept in localStorage (small: the photos are blob hashes, the photos
/// themselves are already in IndexedDB).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct StoredDraft {
    note: String,
    severity: String,
    building: String,
    unit: String,
    photos: Vec<String>,
}

impl StoredDraft {
    fn is_empty(&self) -> bool {
        [&self.note, &self.building, &self.unit]
            .iter()
            .all(|t| t.trim().is_empty())
            && self.photos.is_empty()
    }
}

const DRAFT_KEY: &str = "guanjia.finding_draft";

/// The draft of one item's finding in one round.
fn draft_key(round: RecordId, item: &str) -> String {
    format!("{DRAFT_KEY}.{round}.{item}")
}

/// Which item's form was open last in a round (reopened after a reload).
fn open_key(round: RecordId) -> String {
    format!("{DRAFT_KEY}.{round}")
}

fn stored_draft(round: RecordId, item: &str) -> Option<StoredDraft> {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::get(draft_key(round, item)).ok()
}

fn keep_draft(round: RecordId, item: &str, d: &StoredDraft) {
    use gloo_storage::Storage;
    if d.is_empty() {
        gloo_storage::LocalStorage::delete(draft_key(round, item));
    } else if let Err(e) = gloo_storage::LocalStorage::set(draft_key(round, item), d) {
        // A full or disabled storage only loses the draft's survival of a reload.
        leptos::logging::warn!("could not keep the finding draft: {e}");
    }
}

fn mark_open_draft(round: RecordId, item: &str) {
    use gloo_storage::Storage;
    let _ = gloo_storage::LocalStorage::set(open_key(round), item);
}

/// The item whose form was open when the page went away, with what it held.
fn open_draft(round: RecordId) -> Option<(String, StoredDraft)> {
    use gloo_storage::Storage;
    let item: String = gloo_storage::LocalStorage::get(open_key(round)).ok()?;
    let d = stored_draft(round, &item)?;
    Some((item, d))
}

/// Every finding draft on this device, dropped when another person signs in (the device's
/// records are wiped then, and a draft belongs to a round that is gone with them).
pub fn forget_all_drafts() {
    use gloo_storage::Storage;
    let store = gloo_storage::LocalStorage::raw();
    let keys: Vec<String> = (0..store.length().unwrap_or(0))
        .filter_map(|i| store.key(i).ok().flatten())
        .filter(|k| k.starts_with(DRAFT_KEY))
        .collect();
    for k in keys {
        let _ = store.remove_item(&k);
    }
}

/// Saved or cancelled: the draft is gone for good.
fn forget_draft(round: RecordId, item: &str) {
    use gloo_storage::Storage;
    gloo_storage::LocalStorage::delete(draft_key(round, item));
    let open: Option<String> = gloo_storage::LocalStorage::get(open_key(round)).ok();
    if open.as_deref() == Some(item) {
        gloo_storage::LocalStorage::delete(open_key(round));
    }
}

impl FindingDraft {
    fn new() -> Self {
        FindingDraft {
            note: RwSignal::new(String::new()),
            severity: RwSignal::new("major".into()),
            building: RwSignal::new(String::new()),
            unit: RwSignal::new(String::new()),
            photos: RwSignal::new(Vec::new()),
            restored: RwSignal::new(false),
        }
    }

    fn clear(&self) {
        self.note.set(String::new());
        self.severity.set("major".into());
        self.building.set(String::new());
        self.unit.set(String::new());
        self.photos.set(Vec::new());
        self.restored.set(false);
    }

    fn load(&self, d: StoredDraft) {
        self.note.set(d.note);
        if !d.severity.is_empty() {
            self.severity.set(d.severity);
        }
        self.building.set(d.building);
        self.unit.set(d.unit);
        self.photos.set(d.photos);
    }

    /// What the form holds now (tracked: an effect keeps it in localStorage).
    fn stored(&self) -> StoredDraft {
        StoredDraft {
            note: self.note.get(),
            severity: self.severity.get(),
            building: self.building.get(),
            unit: self.unit.get(),
            photos: self.photos.get(),
        }
    }
}

/// The form a failed item opens: note, severity, photos; saving writes the finding and the
/// failed answer together.
#[component]
fn FindingForm(
    round: Memo<Option<Row<PatrolRound>>>,
    item: ChecklistItem,
    values: FindingDraft,
    current: Signal<Option<RecordId>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let FindingDraft {
        note,
        severity,
        building,
        unit,
        photos,
        restored,
    } = values;
    let error = RwSignal::new(None::<String>);
    let photo_required = item.photo_on_fail;
    {
        let item_id = item.id.clone();
        Effect::new(move |_| {
            let d = values.stored();
            if let Some(r) = round.get_untracked() {
                keep_draft(r.id, &item_id, &d);
            }
        });
    }
    Effect::new(move |_| {
        app.form_dirty
            .set(!note.get().trim().is_empty() || !photos.get().is_empty())
    });
    on_cleanup(move || app.form_dirty.set(false));
    let item_id = item.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = round.get_untracked() else {
            return;
        };
        let text = note.get_untracked();
        if text.trim().is_empty() {
            error.set(Some(i18n.t(Key::FindingNeedsNote).to_string()));
            return;
        }
        let shots = photos.get_untracked();
        if photo_required && shots.is_empty() {
            error.set(Some(i18n.t(Key::FindingNeedsPhoto).to_string()));
            return;
        }
        let finding = RecordId::from_parts(now_ms(), random_bytes());
        let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let checkpoint = current.get_untracked();
        let reported = draft(
            "finding",
            finding,
            "finding.reported",
            r.project_id,
            r.area_id,
            json!({
                "note": text.trim(), "severity": severity.get_untracked(),
                "checkpoint_id": checkpoint, "building": opt(building.get_untracked()), "unit": opt(unit.get_untracked()),
                "round_id": r.id, "item_id": item_id, "photos": shots,
            }),
        );
        let answered = draft(
            "patrol_round",
            r.id,
            "patrol_round.item_answered",
            r.project_id,
            r.area_id,
            json!({"item_id": item_id, "verdict": Verdict::Fail, "checkpoint_id": checkpoint, "finding_id": finding}),
        );
        save(app, vec![reported, answered], error, move || {
            app.form_dirty.set(false);
            on_done.run(());
        });
    };
    view! {
        <form class="card form finding-form" data-testid="finding-form" on:submit=submit>
            <h3>{i18n.text(Key::FindingNew)} " · " {item.text.clone()}</h3>
            <Show when=move || restored.get()>
                <p class="hint" data-testid="finding-draft-restored">{i18n.text(Key::FindingDraftRestored)}</p>
            </Show>
            <label>
                <span>{i18n.text(Key::FindingNote)}</span>
                <textarea data-testid="finding-note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            </label>
            <label>
                <span>{i18n.text(Key::FindingSeverity)}</span>
                <select data-testid="finding-severity" on:change=move |ev| severity.set(event_target_value(&ev))>
                    <option value="major" selected=move || severity.get() == "major">{i18n.text(Key::SeverityMajor)}</option>
                    <option value="minor" selected=move || severity.get() == "minor">{i18n.text(Key::SeverityMinor)}</option>
                    <option value="critical" selected=move || severity.get() == "critical">{i18n.text(Key::SeverityCritical)}</option>
                </select>
            </label>
            <div class="row">
                <label><span>{i18n.text(Key::FindingBuilding)}</span>
                    <input data-testid="finding-building" prop:value=move || building.get() on:input=move |ev| building.set(event_target_value(&ev)) /></label>
                <label><span>{i18n.text(Key::FindingUnit)}</span>
                    <input data-testid="finding-unit" prop:value=move || unit.get() on:input=move |ev| unit.set(event_target_value(&ev)) /></label>
            </div>
            <crate::photos::PhotoPicker testid="finding-photo" on_added=Callback::new(move |h: String| photos.update(|p| if !p.contains(&h) { p.push(h) }))/>
            <div class="photos">{move || photos.get().into_iter().map(|h| view! { <crate::photos::Photo hash=h /> }).collect_view()}</div>
            {photo_required.then(|| view! { <p class="hint">{i18n.text(Key::FindingPhotoRequired)}</p> })}
            <div class="row">
                <button type="submit" class="primary" data-testid="finding-save">{i18n.text(Key::FindingSave)}</button>
                <button type="button" on:click=move |_| on_done.run(())>{i18n.text(Key::Cancel)}</button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </form>
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
