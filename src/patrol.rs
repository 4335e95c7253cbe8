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
    Checklist, ChecklistItem, PatrolRound, RoundStatus, RoundSummary, ScanFlag, ScanMethod, Verdict,
};
use guanjia_core::{AreaId, ProjectId, RecordId};
use serde_json::json;
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
    pub name: String,
    pub code: String,
    pub order: u64,
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

fn calendar() -> WorkCalendar {
    crate::data::rules().home().calendar.clone()
}

/// What compliance needs of the rounds on this device.
pub fn summaries(rounds: &[Row<PatrolRound>]) -> Vec<RoundSummary> {
    let cal = calendar();
    rounds
        .iter()
        .filter_map(|r| {
            let s = &r.folded.state;
            Some(RoundSummary {
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

/// (finished today, required per day) for an area.
pub fn today_count(rounds: &[Row<PatrolRound>], project: ProjectId, area: AreaId) -> (usize, u32) {
    let today = local_now().date();
    let done = summaries(rounds)
        .iter()
        .filter(|s| s.area_id == area && s.started.date() == today && s.finished.is_some())
        .count();
    (
        done,
        crate::data::rules().of(project).patrol.rounds_per_day(),
    )
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
                    my_areas(app).into_iter().map(move |(project, area, name)| {
                        let start = start.clone();
                        let (done, required) = rounds.with(|r| today_count(r, project, area));
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
                                <p data-testid="patrol-today" data-done=done data-required=required>
                                    {i18n.text(Key::PatrolToday)} " " {done} " / " {required}
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
                {move || recent(&rounds.get()).into_iter().map(|r| round_card(i18n, app, r)).collect_view()}
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

fn round_card(i18n: I18n, app: AppState, r: Row<PatrolRound>) -> impl IntoView {
    let s = &r.folded.state;
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
                " " {area_name(app, r.area_id)} " · " {who} " · " {when}
            </A>
            <p class="hint">
                {i18n.text(Key::PatrolCheckpoints)} " " {visited} " · " {i18n.text(Key::PatrolFail)} " " {fails}
                {(flags > 0).then(|| view! { " · " <span class="badge warn">{i18n.text(Key::PatrolFlagged)} " " {flags}</span> })}
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
        let offset = engine()
            .and_then(|e| e.read(|r| r.clock_offset_ms()))
            .unwrap_or(0);
        let corrected = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            now_ms() as f64 + offset as f64,
        ))
        .to_iso_string()
        .as_string();
        let mut payload =
            json!({"checkpoint_id": cp.id, "method": method, "corrected_time": corrected});
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
                            view! {
                                <li class="card checkpoint" data-testid="checkpoint" data-code=c.code.clone() data-scanned=done.to_string()>
                                    <span>{if done { "✓ " } else { "○ " }}</span>
                                    <strong>{c.name.clone()}</strong> " " <span class="hint">{c.code.clone()}</span> " " <span class="hint">{time}</span>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ol>
                <Show when=in_progress>
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
                <ul class="list items">
                    {move || {
                        let mut group = String::new();
                        items.get().into_iter().map(|item| {
                            let heading = (item.group != group).then(|| {
                                group = item.group.clone();
                                view! { <li class="group"><h3>{item.group.clone()}</h3></li> }
                            });
                            // Each row follows its own answer: answering one item re-renders one row,
                            // and the list itself only changes with the checklist.
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
                                    <Show when=in_progress>
                                        <div class="row">
                                            <button type="button" class="small" data-action="pass" aria-pressed=move || (verdict() == "pass").to_string()
                                                on:click={let id1 = id1.clone(); move |_| pass(id1.clone())}>{i18n.text(Key::PatrolPass)}</button>
                                            <button type="button" class="small" data-action="fail" aria-pressed=move || (verdict() == "fail").to_string()
                                                on:click={let it2 = it2.clone(); move |_| failing.set(Some(it2.clone()))}>{i18n.text(Key::PatrolFail)}</button>
                                        </div>
                                    </Show>
                                    {move || answer.get().and_then(|a| a.finding_id).map(|f| view! {
                                        <A href=format!("/findings/{f}") attr:class="hint" attr:data-testid="item-finding">{i18n.text(Key::PatrolFindingOpened)}</A>
                                    })}
                                    <Show when=open_here.clone()>
                                        <FindingForm round=round item=form_item.clone() values=draft_finding current=Signal::derive(current_checkpoint)
                                            on_done=Callback::new(move |_| { draft_finding.clear(); failing.set(None) }) />
                                    </Show>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
                <Show when=in_progress>
                    <div class="card form">
                        <button type="button" class="primary" data-testid="round-finish"
                            on:click=move |_| write("patrol_round.finished", json!({}), Box::new(|| {}))>
                            {i18n.text(Key::PatrolFinish)}
                        </button>
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
}

impl FindingDraft {
    fn new() -> Self {
        FindingDraft {
            note: RwSignal::new(String::new()),
            severity: RwSignal::new("major".into()),
            building: RwSignal::new(String::new()),
            unit: RwSignal::new(String::new()),
            photos: RwSignal::new(Vec::new()),
        }
    }

    fn clear(&self) {
        self.note.set(String::new());
        self.severity.set("major".into());
        self.building.set(String::new());
        self.unit.set(String::new());
        self.photos.set(Vec::new());
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
    } = values;
    let error = RwSignal::new(None::<String>);
    let photo_required = item.photo_on_fail;
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

/// Rounds the person walked today, for Today.
pub fn today_summary(app: AppState) -> (usize, u32) {
    let rs = rounds();
    my_areas(app)
        .iter()
        .map(|(p, a, _)| today_count(&rs, *p, *a))
        .fold((0, 0), |(d, r), (d2, r2)| (d + d2, r + r2))
}
