//! Findings and the defect-closure loop (缺陷消项): the list, one finding with its whole
//! history and the next steps, the compliance view and the checklist editor.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::data::save;
use crate::data::{draft, rows, Row};
use crate::engine::{now_ms, random_bytes};
use crate::i18n::{use_i18n, I18n, Key};
use crate::orders::{countdown_text, local_now, minute_clock, urgency_class};
use crate::patrol::{checkpoints, my_areas, rounds, summaries, template};
use crate::state::{person_name, use_app, AppState};
use guanjia_core::deadline::Countdown;
use guanjia_core::records::{
    ChecklistItem, DayCompliance, Finding, FindingEntry, FindingStatus, FindingStep, Severity,
};
use guanjia_core::{RecordId, Role, UserId};
use serde_json::json;

fn status_key(s: Option<FindingStatus>) -> Key {
    match s {
        None | Some(FindingStatus::Reported) => Key::FindingReported,
        Some(FindingStatus::Assigned) => Key::FindingAssigned,
        Some(FindingStatus::Rectified) => Key::FindingRectified,
        Some(FindingStatus::Closed) => Key::FindingClosed,
    }
}

fn severity_key(s: Option<Severity>) -> Key {
    match s {
        Some(Severity::Minor) => Key::SeverityMinor,
        Some(Severity::Critical) => Key::SeverityCritical,
        _ => Key::SeverityMajor,
    }
}

/// Overdue and not explained yet, by the finding's project rules.
fn needs_explanation(f: &Row<Finding>, now: chrono::NaiveDateTime) -> bool {
    let all = crate::data::rules();
    let r = all.of(f.project_id);
    f.folded
        .state
        .needs_explanation(now, r.finding_limit, &r.calendar)
}

fn is_open(f: &Row<Finding>) -> bool {
    f.folded
        .state
        .status
        .is_some_and(|s| s != FindingStatus::Closed)
}

/// Time left to close it (only while open).
fn countdown(f: &Row<Finding>, now: chrono::NaiveDateTime) -> Option<Countdown> {
    if !is_open(f) {
        return None;
    }
    let all = crate::data::rules();
    let r = all.of(f.project_id);
    let due = f.folded.state.due(r.finding_limit, &r.calendar)?;
    Some(Countdown::new(due, now))
}

pub fn findings() -> Vec<Row<Finding>> {
    let now = local_now();
    let mut out: Vec<Row<Finding>> = rows("finding");
    out.sort_by_cached_key(|f| {
        let left = countdown(f, now).map_or(i64::MAX, |c| c.seconds_left);
        (!is_open(f), left, f.id)
    });
    out
}

fn involves(f: &Row<Finding>, me: Option<UserId>) -> bool {
    let s = &f.folded.state;
    me.is_some()
        && (s.reported_by == me
            || s.fixer == me
            || s.assignment.get().and_then(|a| a.technician_id) == me)
}

/// `/findings`: open findings first, the most overdue first.
#[component]
pub fn FindingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let filter = RwSignal::new("open");
    let all = Memo::new(move |_| {
        app.data_version.track();
        findings()
    });
    let me = move || app.session.get().map(|s| s.user.id);
    let shown = move || {
        let (f, now, me) = (filter.get(), now.get(), me());
        all.get()
            .into_iter()
            .filter(|x| match f {
                "mine" => is_open(x) && involves(x, me),
                "overdue" => countdown(x, now).is_some_and(|c| c.seconds_left < 0),
                "all" => true,
                _ => is_open(x),
            })
            .take(100)
            .collect::<Vec<_>>()
    };
    let tab = move |code: &'static str, key: Key| {
        view! {
            <button type="button" class="choice" data-filter=code aria-pressed=move || (filter.get() == code).to_string()
                on:click=move |_| filter.set(code)>{i18n.text(key)}</button>
        }
    };
    view! {
        <section class="page findings">
            <h1>{i18n.text(Key::FindingsTitle)}</h1>
            <div class="segmented" role="group">
                {tab("open", Key::FilterOpen)}
                {tab("mine", Key::FilterMine)}
                {tab("overdue", Key::FilterOverdue)}
                {tab("all", Key::FilterAll)}
            </div>
            <ul class="list">
                {move || {
                    let rows = shown();
                    if rows.is_empty() {
                        return view! { <p class="hint">{i18n.text(Key::FindingsEmpty)}</p> }.into_any();
                    }
                    rows.into_iter().map(|f| finding_card(i18n, f, now.get())).collect_view().into_any()
                }}
            </ul>
        </section>
    }
}

fn finding_card(i18n: I18n, f: Row<Finding>, now: chrono::NaiveDateTime) -> impl IntoView {
    let s = &f.folded.state;
    let c = countdown(&f, now);
    let note = s
        .reported
        .as_ref()
        .map(|r| r.note.clone())
        .unwrap_or_default();
    let severity = s.reported.as_ref().map(|r| r.severity);
    let status = s.status;
    let explain = needs_explanation(&f, now);
    view! {
        <li class="card" data-testid="finding-card" data-finding-id=f.id.to_string() data-status=crate::data::status_code(status, "reported")>
            <A href=format!("/findings/{}", f.id) attr:class="list-link">
                <span class="badge">{i18n.text(status_key(status))}</span>
                <span class="badge warn">{i18n.text(severity_key(severity))}</span>
                {explain.then(|| view! { " " <span class="badge danger" data-testid="finding-needs-explanation">{i18n.text(Key::FindingNeedsExplanation)}</span> })}
                " " <span>{note}</span>
            </A>
            {c.map(|c| view! {
                <p class=format!("countdown {}", urgency_class(&c))>{move || countdown_text(i18n.lang(), &c)}</p>
            })}
        </li>
    }
}

/// `/findings/:id`: the finding, its evidence and history, and the next step.
#[component]
pub fn FindingPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = StoredValue::new_local(use_navigate());
    let now = minute_clock();
    let finding = crate::data::use_routed::<Finding>("finding");
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(String::new());
    let department = RwSignal::new(String::new());
    let technician = RwSignal::new(String::new());
    let photo = RwSignal::new(None::<String>);
    let explanation = RwSignal::new(String::new());
    let session = move || app.session.get();
    let role = move || session().map(|s| s.user.role);
    let me = move || session().map(|s| s.user.id);
    let technicians = move || {
        finding.with(|f| {
            f.as_ref().map_or_else(Vec::new, |f| {
                crate::state::people_of_project(session().as_ref(), Role::Technician, f.project_id)
            })
        })
    };
    // The project's departments (`department` reference data); another name may be typed.
    let departments = move || {
        app.data_version.track();
        finding.with(|f| {
            f.as_ref().map_or_else(Vec::new, |f| {
                let mut names: Vec<String> = crate::data::references("department")
                    .into_iter()
                    .filter(|(_, p, _, _)| *p == f.project_id)
                    .filter_map(|(_, _, _, r)| r.name().map(str::to_string))
                    .collect();
                names.dedup();
                names
            })
        })
    };
    let act = move |kind: &'static str, payload: serde_json::Value| {
        let Some(f) = finding.get_untracked() else {
            return;
        };
        let d = draft("finding", f.id, kind, f.project_id, f.area_id, payload);
        save(app, vec![d], error, move || {
            note.set(String::new());
            photo.set(None);
        });
    };
    let need = move |key: Key| error.set(Some(i18n.t(key).to_string()));
    let text = move || {
        let n = note.get_untracked();
        (!n.trim().is_empty()).then(|| n.trim().to_string())
    };
    let assign = move |_| {
        let dept = department.get_untracked();
        if dept.trim().is_empty() {
            return need(Key::FindingNeedsDepartment);
        }
        let tech = UserId::parse(&technician.get_untracked()).ok();
        act(
            "finding.assigned",
            json!({"department": dept.trim(), "technician_id": tech}),
        );
    };
    // A repair order made from the finding, linked both ways, in one transaction.
    let to_order = move |_| {
        let Some(f) = finding.get_untracked() else {
            return;
        };
        let r = f.folded.state.reported.clone();
        let order = RecordId::from_parts(now_ms(), random_bytes());
        let place = r
            .as_ref()
            .map(|r| {
                [r.building.clone(), r.unit.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let created = draft(
            "repair_order",
            order,
            "repair_order.created",
            f.project_id,
            f.area_id,
            json!({
                "description": r.as_ref().map(|r| r.note.clone()).unwrap_or_default(),
                "location": (!place.is_empty()).then_some(place),
                "request_kind": "repair", "finding_id": f.id,
                "household_id": r.as_ref().and_then(|r| r.household_id),
            }),
        );
        // The finding's photos go onto the order (captioned "finding": evidence of the
        // problem, never the "after" photo that rectifies it).
        let s = &f.folded.state;
        let mut shots: Vec<String> = r.as_ref().map(|r| r.photos.clone()).unwrap_or_default();
        for p in s.photos.items() {
            if !shots.contains(&p.value) {
                shots.push(p.value.clone());
            }
        }
        let photos = shots.into_iter().map(|h| {
            draft(
                "repair_order",
                order,
                "repair_order.photo_added",
                f.project_id,
                f.area_id,
                json!({"sha256": h, "caption": "finding"}),
            )
        });
        let assigned = draft(
            "finding",
            f.id,
            "finding.assigned",
            f.project_id,
            f.area_id,
            json!({"repair_order_id": order}),
        );
        let mut drafts = vec![created];
        drafts.extend(photos);
        drafts.push(assigned);
        save(app, drafts, error, move || {
            navigate.with_value(|n| n(&format!("/orders/{order}"), Default::default()))
        });
    };
    let add_note = move |_| match text() {
        None => need(Key::FindingNoteNeedsText),
        Some(t) => act("finding.note_added", json!({"text": t})),
    };
    let rectify = move |_| match photo.get_untracked() {
        None => need(Key::FindingNeedsPhoto),
        Some(p) => act("finding.rectified", json!({"photo": p, "note": text()})),
    };
    let recheck = move |passed: bool| {
        if !passed && text().is_none() {
            return need(Key::FindingNeedsReason);
        }
        act(
            "finding.rechecked",
            json!({"passed": passed, "reason": text(), "photo": photo.get_untracked()}),
        );
    };
    let on_spot = move |_| match text() {
        None => need(Key::FindingNeedsReason),
        Some(t) => act("finding.closed_on_the_spot", json!({"reason": t})),
    };
    let explain = move |_| {
        let t = explanation.get_untracked();
        if t.trim().is_empty() {
            return need(Key::FindingNeedsReason);
        }
        act("finding.explained", json!({"text": t.trim()}));
        explanation.set(String::new());
    };
    let status = move || finding.with(|f| f.as_ref().and_then(|f| f.folded.state.status));
    let dispatcher = move || role().is_some_and(|r| r != Role::Technician);
    let can_recheck = move || {
        status() == Some(FindingStatus::Rectified)
            && dispatcher()
            && finding.with(|f| f.as_ref().is_some_and(|f| f.folded.state.fixer != me()))
    };
    // Overdue: re-checking and closing wait for the explanation. Only the screen holds
    // them back; the core folds a re-check from an offline device whatever it says, since
    // an event already made elsewhere must never be refused after the fact.
    let needs_explanation =
        move || finding.with(|f| f.as_ref().is_some_and(|f| needs_explanation(f, now.get())));
    let open_for_work = move || {
        matches!(
            status(),
            Some(FindingStatus::Reported | FindingStatus::Assigned)
        )
    };
    view! {
        <section class="page finding-detail">
            <Show when=move || finding.with(|f| f.is_some()) fallback=move || view! { <p class="hint">{i18n.text(Key::FindingNotFound)}</p> }>
                {move || finding.get().map(|f| detail(i18n, app, &f, now.get()))}
                <Show when=needs_explanation>
                    <div class="card form alert" role="alert" data-testid="finding-overdue">
                        <p><strong>{i18n.text(Key::FindingOverdueAlert)}</strong></p>
                        <label>
                            <span>{i18n.text(Key::FindingExplain)}</span>
                            <textarea data-testid="finding-explanation" rows="2" prop:value=move || explanation.get()
                                on:input=move |ev| explanation.set(event_target_value(&ev))></textarea>
                        </label>
                        <button type="button" class="primary" data-action="finding.explained" on:click=explain>{i18n.text(Key::FindingExplain)}</button>
                    </div>
                </Show>
                <div class="card form">
                    <label>
                        <span>{i18n.text(Key::OrderNote)}</span>
                        <input data-testid="finding-text" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    </label>
                    <div class="row actions">
                        <button type="button" class="small" data-action="finding.note_added" on:click=add_note>{i18n.text(Key::FindingAddNote)}</button>
                    </div>
                    <Show when=move || open_for_work() && dispatcher()>
                        <div class="row">
                            <label><span>{i18n.text(Key::FindingDepartment)}</span>
                                <input data-testid="finding-department" list="finding-departments" autocomplete="off" placeholder=i18n.text(Key::FindingDepartmentPick)
                                    prop:value=move || department.get() on:input=move |ev| department.set(event_target_value(&ev)) />
                                <datalist id="finding-departments" data-testid="finding-departments">
                                    {move || departments().into_iter().map(|d| view! { <option value=d></option> }).collect_view()}
                                </datalist></label>
                            <label><span>{i18n.text(Key::OrderTechnician)}</span>
                                <select data-testid="finding-technician" on:change=move |ev| technician.set(event_target_value(&ev))>
                                    <option value="">"—"</option>
                                    {move || technicians().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                                </select></label>
                        </div>
                        <div class="row actions">
                            <button type="button" data-action="finding.assigned" on:click=assign>{i18n.text(Key::FindingAssign)}</button>
                            <Show when=move || finding.with(|f| f.as_ref().is_some_and(|f| f.folded.state.assignment.get().and_then(|a| a.repair_order_id).is_none()))>
                                <button type="button" data-action="finding.to_order" on:click=to_order>{i18n.text(Key::FindingToOrder)}</button>
                            </Show>
                        </div>
                    </Show>
                    <Show when=move || open_for_work() || can_recheck()>
                        <crate::photos::PhotoPicker testid="finding-work-photo" on_added=Callback::new(move |h: String| photo.set(Some(h)))/>
                        {move || photo.get().map(|h| view! { <crate::photos::Photo hash=h /> })}
                    </Show>
                    <div class="row actions">
                        <Show when=open_for_work>
                            <button type="button" class="primary" data-action="finding.rectified" on:click=rectify>{i18n.text(Key::FindingRectify)}</button>
                        </Show>
                        <Show when=move || status() == Some(FindingStatus::Reported) && dispatcher()>
                            <button type="button" data-action="finding.closed_on_the_spot" disabled=needs_explanation on:click=on_spot>{i18n.text(Key::FindingCloseOnSpot)}</button>
                        </Show>
                        <Show when=can_recheck>
                            <button type="button" class="primary" data-action="finding.recheck_pass" disabled=needs_explanation on:click=move |_| recheck(true)>{i18n.text(Key::FindingRecheckPass)}</button>
                            <button type="button" data-action="finding.recheck_fail" disabled=needs_explanation on:click=move |_| recheck(false)>{i18n.text(Key::FindingRecheckFail)}</button>
                        </Show>
                    </div>
                    <Show when=move || status() == Some(FindingStatus::Rectified) && finding.with(|f| f.as_ref().is_some_and(|f| f.folded.state.fixer == me()))>
                        <p class="hint" data-testid="finding-own-fix">{i18n.text(Key::FindingOwnFix)}</p>
                    </Show>
                    <Show when=move || error.get().is_some()>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
            </Show>
        </section>
    }
}

fn detail(
    i18n: I18n,
    app: AppState,
    f: &Row<Finding>,
    now: chrono::NaiveDateTime,
) -> impl IntoView {
    let s = &f.folded.state;
    let sess = app.session.get_untracked();
    let name = |u: UserId| person_name(sess.as_ref(), u);
    let r = s.reported.clone();
    let checkpoint = r
        .as_ref()
        .and_then(|r| r.checkpoint_id)
        .and_then(|c| checkpoints().into_iter().find(|p| p.id == c))
        .map(|c| c.name);
    let place = [
        checkpoint,
        r.as_ref().and_then(|r| r.building.clone()),
        r.as_ref().and_then(|r| r.unit.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let mut photos: Vec<String> = r.as_ref().map(|r| r.photos.clone()).unwrap_or_default();
    photos.extend(s.photos.items().iter().map(|p| p.value.clone()));
    let assignment = s.assignment.get().cloned();
    let c = countdown(f, now);
    view! {
        <h1 data-testid="finding-title">{r.as_ref().map(|r| r.note.clone()).unwrap_or_default()}</h1>
        <p>
            <span class="badge" data-testid="finding-status" data-status=crate::data::status_code(s.status, "reported")>{i18n.text(status_key(s.status))}</span>
            <span class="badge warn">{i18n.text(severity_key(r.as_ref().map(|r| r.severity)))}</span>
            " " <span data-testid="finding-place">{place}</span>
        </p>
        <p class="hint">
            {s.reported_by.map(name).unwrap_or_default()} " " {s.reported_at.as_deref().map(crate::data::clock_time).unwrap_or_default()}
            {r.as_ref().and_then(|r| r.round_id).map(|id| view! { " · " <A href=format!("/patrol/rounds/{id}")>{i18n.text(Key::FindingRound)}</A> })}
        </p>
        {c.map(|c| view! { <p class=format!("countdown {}", urgency_class(&c)) data-testid="finding-due">{i18n.text(Key::FindingDue)} " " {c.due.format("%m-%d %H:%M").to_string()} " · " {countdown_text(i18n.lang(), &c)}</p> })}
        <div class="photos" data-testid="finding-photos">{photos.into_iter().map(|h| view! { <crate::photos::Photo hash=h /> }).collect_view()}</div>
        {assignment.map(|a| view! {
            <p data-testid="finding-assignment">
                {i18n.text(Key::FindingAssigned)} ": " {a.department.clone().unwrap_or_default()}
                " " {a.technician_id.map(name).unwrap_or_default()}
                {a.repair_order_id.map(|o| view! { " " <A href=format!("/orders/{o}") attr:data-testid="finding-order">{i18n.text(Key::FindingOrderLink)}</A> })}
            </p>
        })}
        <Show when={let n = f.folded.conflicts.len() + f.folded.ignored.len(); move || n > 0}>
            <p class="error" role="alert" data-testid="finding-conflict">{i18n.text(Key::OrderHasConflict)}</p>
        </Show>
        <h2>{i18n.text(Key::FindingTimeline)}</h2>
        <ol class="list timeline" data-testid="finding-history">
            {s.timeline.iter().enumerate().map(|(n, e)| timeline_entry(i18n, &name, s, n, e)).collect_view()}
        </ol>
    }
}

/// One step of the finding's history: what, when, who, and what it said.
fn timeline_entry(
    i18n: I18n,
    name: &dyn Fn(UserId) -> String,
    s: &Finding,
    n: usize,
    e: &FindingEntry,
) -> impl IntoView {
    let reassigned = s.timeline[..n]
        .iter()
        .any(|x| matches!(x.step, FindingStep::Assigned(_)));
    let (kind, key, text, photo): (&str, Key, String, Option<String>) = match &e.step {
        FindingStep::Reported(r) => ("reported", Key::FindingStepReported, r.note.clone(), None),
        FindingStep::Assigned(a) => {
            let who = [a.department.clone(), a.technician_id.map(name)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let text = match a.repair_order_id {
                Some(_) => i18n.t(Key::FindingOrderLink).to_string(),
                None => who,
            };
            match reassigned {
                true => ("reassigned", Key::FindingStepReassigned, text, None),
                false => ("assigned", Key::FindingStepAssigned, text, None),
            }
        }
        FindingStep::Rectified(x) => (
            "rectified",
            Key::FindingStepRectified,
            x.note.clone().unwrap_or_default(),
            Some(x.photo.clone()),
        ),
        FindingStep::Rechecked(x) if x.passed => (
            "recheck_pass",
            Key::FindingStepRecheckPassed,
            x.reason.clone().unwrap_or_default(),
            x.photo.clone(),
        ),
        FindingStep::Rechecked(x) => (
            "fix_again",
            Key::FindingRecheckFail,
            x.reason.clone().unwrap_or_default(),
            x.photo.clone(),
        ),
        FindingStep::ClosedOnTheSpot { reason } => (
            "closed_on_the_spot",
            Key::FindingCloseOnSpot,
            reason.clone(),
            None,
        ),
        FindingStep::Explained { text } => ("explained", Key::FindingExplain, text.clone(), None),
        FindingStep::Note { text } => ("note", Key::FindingStepNote, text.clone(), None),
        FindingStep::Photo { sha256 } => (
            "photo",
            Key::FindingStepPhoto,
            String::new(),
            Some(sha256.clone()),
        ),
    };
    view! {
        <li class="card" data-testid="finding-event" data-kind=kind>
            <span class="hint">{crate::data::clock_time(&e.device_time)} " · " <span data-testid="finding-event-author">{name(e.actor)}</span></span>
            " " <strong>{i18n.text(key)}</strong>
            {(!text.is_empty()).then(|| view! { " " <span data-testid="finding-event-text">{text}</span> })}
            {photo.map(|h| view! { <crate::photos::Photo hash=h /> })}
        </li>
    }
}

fn date_input(sig: RwSignal<chrono::NaiveDate>, testid: &'static str) -> impl IntoView {
    view! {
        <input type="date" data-testid=testid prop:value=move || sig.get().to_string()
            on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { sig.set(d) } />
    }
}

fn add(a: DayCompliance, b: &DayCompliance) -> DayCompliance {
    DayCompliance {
        done: a.done + b.done,
        late: a.late + b.late,
        missed: a.missed + b.missed,
        incomplete: a.incomplete + b.incomplete,
    }
}

/// `/patrol/compliance`: per area and per butler over a date range, rounds done, late and
/// missed (PatrolRules: 2 rounds a day by default), and the finished rounds that left
/// something out (incomplete, not counted as done).
#[component]
pub fn CompliancePage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let today = local_now().date();
    let from = RwSignal::new(today - chrono::Days::new(6));
    let to = RwSignal::new(today);
    let data = Memo::new(move |_| {
        app.data_version.track();
        summaries(&rounds())
    });
    let table = move || {
        let (from, to, now, all) = (from.get(), to.get(), local_now(), crate::data::rules());
        let sums = data.get();
        let areas = my_areas(app);
        // Each area by its own project's deadlines (a supervisor may run several projects).
        let by_area: Vec<_> = areas
            .iter()
            .flat_map(|(p, a, _)| all.of(*p).patrol.by_area(&sums, &[*a], from, to, now))
            .collect();
        let mut out: Vec<(&'static str, String, DayCompliance)> = areas
            .iter()
            .map(|(_, a, name)| {
                let total = by_area
                    .iter()
                    .filter(|((k, _), _)| k == a)
                    .fold(DayCompliance::default(), |t, (_, c)| add(t, c));
                ("area", name.clone(), total)
            })
            .collect();
        // Each butler once, by their home project's deadlines (the first project they are in).
        let mut butlers = crate::state::people_with_role(app.session.get().as_ref(), Role::Butler);
        let mut seen = std::collections::BTreeSet::new();
        butlers.retain(|(_, id, _)| seen.insert(*id));
        out.extend(butlers.iter().map(|(p, id, name)| {
            let total = all
                .of(*p)
                .patrol
                .by_butler(&sums, &[*id], from, to, now)
                .values()
                .fold(DayCompliance::default(), add);
            ("butler", name.clone(), total)
        }));
        out
    };
    view! {
        <section class="page compliance">
            <h1>{i18n.text(Key::ComplianceTitle)}</h1>
            <p class="hint">
                {i18n.text(Key::ComplianceHint)} " "
                {crate::data::rules().home().patrol.round_deadlines.iter().map(|t| t.format("%H:%M").to_string()).collect::<Vec<_>>().join(" / ")}
            </p>
            <div class="row">
                {date_input(from, "compliance-from")} " – " {date_input(to, "compliance-to")}
            </div>
            <table class="compliance-table">
                <thead><tr>
                    <th></th>
                    <th>{i18n.text(Key::ComplianceDone)}</th>
                    <th>{i18n.text(Key::ComplianceLate)}</th>
                    <th>{i18n.text(Key::ComplianceMissed)}</th>
                    <th>{i18n.text(Key::ComplianceIncomplete)}</th>
                </tr></thead>
                <tbody>
                    {move || table().into_iter().map(|(kind, name, c)| view! {
                        <tr data-testid="compliance-row" data-kind=kind data-name=name.clone()>
                            <th>{name.clone()}</th>
                            <td data-field="done">{c.done}</td>
                            <td data-field="late">{c.late}</td>
                            <td data-field="missed">{c.missed}</td>
                            <td data-field="incomplete">{c.incomplete}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

type Items = Vec<ChecklistItem>;

/// `/patrol/checklist`: supervisors add, remove, reorder items and mark "photo required on
/// fail"; saving writes the whole list as the next version (rounds keep theirs).
#[component]
pub fn ChecklistPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let project = move || my_areas(app).first().map(|(p, _, _)| *p);
    let current = Memo::new(move |_| {
        app.data_version.track();
        project().and_then(template)
    });
    let items = RwSignal::new(Vec::<ChecklistItem>::new());
    Effect::new(move |_| items.set(current.get().map(|t| t.checklist.items).unwrap_or_default()));
    let group = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);
    let edit = move |f: Box<dyn FnOnce(&mut Items)>| {
        saved.set(false);
        items.update(|v| f(v));
    };
    let add_item = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (g, t) = (group.get_untracked(), text.get_untracked());
        if t.trim().is_empty() {
            return error.set(Some(i18n.t(Key::ChecklistNeedsText).to_string()));
        }
        let id = format!("item-{}", RecordId::from_parts(now_ms(), random_bytes()));
        edit(Box::new(move |v| {
            // New items join the end of their group.
            let at = v
                .iter()
                .rposition(|i| i.group == g.trim())
                .map_or(v.len(), |p| p + 1);
            v.insert(
                at,
                ChecklistItem {
                    id,
                    group: g.trim().to_string(),
                    text: t.trim().to_string(),
                    photo_on_fail: true,
                    only_if_tag: None,
                },
            );
        }));
        text.set(String::new());
    };
    let save_all = move |_| {
        let Some(t) = current.get_untracked() else {
            return error.set(Some(i18n.t(Key::PatrolNoTemplate).to_string()));
        };
        let mut c = t.checklist.clone();
        c.version += 1;
        c.items = items.get_untracked();
        let d = draft(
            "checklist_template",
            t.id,
            "checklist_template.defined",
            t.project_id,
            None,
            serde_json::to_value(&c).unwrap_or_default(),
        );
        save(app, vec![d], error, move || saved.set(true));
    };
    view! {
        <section class="page checklist">
            <h1>{i18n.text(Key::ChecklistTitle)} " " <span class="hint" data-testid="checklist-version">{move || current.get().map(|t| format!("v{}", t.checklist.version)).unwrap_or_default()}</span></h1>
            <ul class="list">
                {move || {
                    let list = items.get();
                    let n = list.len();
                    list.into_iter().enumerate().map(|(i, it)| {
                        let photo = it.photo_on_fail;
                        view! {
                            <li class="card row" data-testid="checklist-item" data-item=it.id.clone()>
                                <span class="hint">{it.group.clone()}</span> " " <span class="item-text">{it.text.clone()}</span>
                                <label class="check"><input type="checkbox" data-testid="checklist-photo" prop:checked=photo
                                    on:change=move |ev| { let on = event_target_checked(&ev); edit(Box::new(move |v| v[i].photo_on_fail = on)) } />
                                    <span>{i18n.text(Key::ChecklistPhotoOnFail)}</span></label>
                                <button type="button" class="small" data-action="up" disabled=i == 0 on:click=move |_| edit(Box::new(move |v| v.swap(i, i - 1)))>"↑"</button>
                                <button type="button" class="small" data-action="down" disabled=i + 1 == n on:click=move |_| edit(Box::new(move |v| v.swap(i, i + 1)))>"↓"</button>
                                <button type="button" class="small" data-action="remove" on:click=move |_| edit(Box::new(move |v| { v.remove(i); }))>{i18n.text(Key::ChecklistRemove)}</button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
            <form class="card form" on:submit=add_item>
                <label><span>{i18n.text(Key::ChecklistGroup)}</span>
                    <input data-testid="checklist-group" prop:value=move || group.get() on:input=move |ev| group.set(event_target_value(&ev)) /></label>
                <label><span>{i18n.text(Key::ChecklistText)}</span>
                    <input data-testid="checklist-text" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) /></label>
                <button type="submit" data-testid="checklist-add">{i18n.text(Key::ChecklistAdd)}</button>
            </form>
            <button type="button" class="primary" data-testid="checklist-save" on:click=save_all>{i18n.text(Key::ChecklistSave)}</button>
            <Show when=move || saved.get()><p class="hint" data-testid="checklist-saved">{i18n.text(Key::ChecklistSaved)}</p></Show>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </section>
    }
}

/// `/patrol/print`: a label per checkpoint (name, code and QR) to print and put up.
#[component]
pub fn PrintPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let points = Memo::new(move |_| {
        app.data_version.track();
        checkpoints()
    });
    view! {
        <section class="page print">
            <h1 class="no-print">{i18n.text(Key::PrintTitle)}</h1>
            <button type="button" class="no-print primary" on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>{i18n.text(Key::PrintNow)}</button>
            <div class="labels">
                {move || points.get().into_iter().map(|c| view! {
                    <div class="label" data-testid="print-label" data-code=c.code.clone()>
                        <crate::qr::QrCode text=c.code.clone() />
                        <strong>{area_label(app, &c)}{c.name.clone()}</strong>
                        <span>{c.code.clone()}</span>
                    </div>
                }).collect_view()}
            </div>
        </section>
    }
}

fn area_label(app: AppState, c: &crate::patrol::Checkpoint) -> String {
    my_areas(app)
        .into_iter()
        .find(|(_, a, _)| Some(*a) == c.area_id)
        .map(|(_, _, n)| format!("{n} · "))
        .unwrap_or_default()
}
