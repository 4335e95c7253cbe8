//! `/findings/:id`: one finding, its timeline and the closure loop's next steps.

use crate::model::clock::minute_clock;
use crate::model::findings::{finding_actions, FindingAction, FindingFacts};
use crate::model::findings::{finding_countdown, needs_explanation};
use crate::model::patrol::checkpoints;
use crate::model::people::person_name;
use crate::model::rows::Row;
use crate::offline::state::{use_app, AppState};
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::format::{countdown_text, urgency_class};
use crate::ui::i18n::{use_i18n, I18n, Key};
use crate::ui::labels::{finding_status_key, severity_key};
use guanjia_core::payload::{PhotoRef, Reason, TextNote};
use guanjia_core::records::FINDING_CAPTION;
use guanjia_core::records::{Finding, FindingEntry, FindingStatus, FindingStep};
use guanjia_core::records::{
    FindingAssigned, FindingClosedOnTheSpot, FindingExplained, FindingNoteAdded, FindingRechecked,
    FindingRectified, RepairCreated, RepairFields, RepairPhotoAdded, RequestKind,
};
use guanjia_core::Draft;
use guanjia_core::{RecordId, Role, UserId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// `/findings/:id`: the finding, its evidence and history, and the next step.
#[component]
pub fn FindingPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = StoredValue::new_local(use_navigate());
    let now = minute_clock();
    let finding = crate::model::rows::use_routed::<Finding>("finding");
    let action = Action::new();
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
                crate::model::people::people_of_project(
                    session().as_ref(),
                    Role::Technician,
                    f.project_id,
                )
            })
        })
    };
    // The project's departments (`department` reference data); another name may be typed.
    let departments = move || {
        app.data_version.track();
        finding.with(|f| {
            f.as_ref().map_or_else(Vec::new, |f| {
                let mut names: Vec<String> = crate::model::rows::references("department")
                    .into_iter()
                    .filter(|(_, p, _, _)| *p == f.project_id)
                    .filter_map(|(_, _, _, r)| r.name().map(str::to_string))
                    .collect();
                names.dedup();
                names
            })
        })
    };
    let act = move |make: &dyn Fn(&Row<Finding>) -> Draft| {
        let Some(f) = finding.get_untracked() else {
            return;
        };
        action.save(app, vec![make(&f)], move || {
            note.set(String::new());
            photo.set(None);
        });
    };
    let need = move |key: Key| action.say(key);
    let text = move || {
        let n = note.get_untracked();
        (!n.trim().is_empty()).then(|| n.trim().to_string())
    };
    let assign = move |()| {
        let dept = department.get_untracked();
        if dept.trim().is_empty() {
            return need(Key::FindingNeedsDepartment);
        }
        let assigned = FindingAssigned {
            department: Some(dept.trim().to_string()),
            repair_order_id: None,
            technician_id: UserId::parse(&technician.get_untracked()).ok(),
        };
        act(&|f| f.draft(&assigned));
    };
    // A repair order made from the finding, linked both ways, in one transaction.
    let to_order = move |()| {
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
        let created = RepairCreated {
            fields: RepairFields {
                description: Some(r.as_ref().map(|r| r.note.clone()).unwrap_or_default()),
                location: (!place.is_empty()).then_some(place),
                request_kind: Some(RequestKind::Repair),
                household_id: r.as_ref().and_then(|r| r.household_id),
                ..RepairFields::default()
            },
            finding_id: Some(f.id),
        };
        let created = Draft::new(order, f.project_id, f.area_id, &created);
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
            let photo = RepairPhotoAdded(PhotoRef {
                sha256: h,
                caption: Some(FINDING_CAPTION.to_string()),
            });
            Draft::new(order, f.project_id, f.area_id, &photo)
        });
        let assigned = f.draft(&FindingAssigned {
            department: None,
            repair_order_id: Some(order),
            technician_id: None,
        });
        let mut drafts = vec![created];
        drafts.extend(photos);
        drafts.push(assigned);
        action.save(app, drafts, move || {
            navigate.with_value(|n| n(&format!("/orders/{order}"), Default::default()))
        });
    };
    let add_note = move |_| match text() {
        None => need(Key::FindingNoteNeedsText),
        Some(t) => act(&|f| f.draft(&FindingNoteAdded(TextNote { text: t.clone() }))),
    };
    let rectify = move |_| match photo.get_untracked() {
        None => need(Key::FindingNeedsPhoto),
        Some(p) => {
            let fix = FindingRectified {
                photo: p,
                note: text(),
            };
            act(&|f| f.draft(&fix))
        }
    };
    let recheck = move |passed: bool| {
        if !passed && text().is_none() {
            return need(Key::FindingNeedsReason);
        }
        let checked = FindingRechecked {
            passed,
            reason: text(),
            photo: photo.get_untracked(),
        };
        act(&|f| f.draft(&checked));
    };
    let on_spot = move |_| match text() {
        None => need(Key::FindingNeedsReason),
        Some(t) => act(&|f| f.draft(&FindingClosedOnTheSpot(Reason { reason: t.clone() }))),
    };
    let explain = move |()| {
        let t = explanation.get_untracked();
        if t.trim().is_empty() {
            return need(Key::FindingNeedsReason);
        }
        let why = FindingExplained(TextNote {
            text: t.trim().to_string(),
        });
        act(&|f| f.draft(&why));
        explanation.set(String::new());
    };
    // Overdue: re-checking and closing wait for the explanation. Only the screen holds
    // them back; the core folds a re-check from an offline device whatever it says, since
    // an event already made elsewhere must never be refused after the fact.
    let needs_explanation =
        move || finding.with(|f| f.as_ref().is_some_and(|f| needs_explanation(f, now.get())));
    let status = move || finding.with(|f| f.as_ref().and_then(|f| f.folded.state.status));
    // Which steps this person may take now (model::findings::finding_actions, unit-tested).
    let actions = Memo::new(move |_| {
        let facts = finding.with(|f| f.as_ref().map(|f| FindingFacts::of(&f.folded.state)));
        match (facts, role()) {
            (Some(f), Some(r)) => finding_actions(f, r, me()),
            _ => Vec::new(),
        }
    });
    let may = move |a: FindingAction| actions.with(|all| all.contains(&a));
    let held = move |a: FindingAction| {
        action.pending() || (a.waits_for_explanation() && needs_explanation())
    };
    view! {
        <section class="page finding-detail">
            <Show
                when=move || finding.with(|f| f.is_some())
                fallback=move || view! { <p class="hint">{i18n.text(Key::FindingNotFound)}</p> }
            >
                {move || finding.get().map(|f| finding_detail(i18n, app, &f, now.get()))}
                <Show when=needs_explanation>
                    <FindingOverdue
                        action
                        explanation
                        on_explain=Callback::new(move |_| explain(()))
                    />
                </Show>
                <div class="card form">
                    <label>
                        <span>{i18n.text(Key::OrderNote)}</span>
                        <input
                            data-testid="finding-text"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))
                        />
                    </label>
                    <div class="row actions">
                        <button
                            type="button"
                            class="small"
                            data-action="finding.note_added"
                            disabled=move || held(FindingAction::AddNote)
                            on:click=add_note
                        >
                            {i18n.text(Key::FindingAddNote)}
                        </button>
                    </div>
                    <Show when=move || may(FindingAction::Assign)>
                        <FindingAssign
                            department
                            technician
                            departments=Signal::derive(departments)
                            technicians=Signal::derive(technicians)
                            may_order=Signal::derive(move || may(FindingAction::ToOrder))
                            held=Signal::derive(move || held(FindingAction::Assign))
                            on_assign=Callback::new(move |_| assign(()))
                            on_order=Callback::new(move |_| to_order(()))
                        />
                    </Show>
                    <Show when=move || {
                        may(FindingAction::Rectify) || may(FindingAction::RecheckPass)
                    }>
                        <crate::ui::photo::PhotoPicker
                            testid="finding-work-photo"
                            on_added=Callback::new(move |h: String| photo.set(Some(h)))
                        />
                        {move || photo.get().map(|h| view! { <crate::ui::photo::Photo hash=h /> })}
                    </Show>
                    <div class="row actions">
                        <Show when=move || may(FindingAction::Rectify)>
                            <button
                                type="button"
                                class="primary"
                                data-action="finding.rectified"
                                disabled=move || held(FindingAction::Rectify)
                                on:click=rectify
                            >
                                {i18n.text(Key::FindingRectify)}
                            </button>
                        </Show>
                        <Show when=move || may(FindingAction::CloseOnTheSpot)>
                            <button
                                type="button"
                                data-action="finding.closed_on_the_spot"
                                disabled=move || held(FindingAction::CloseOnTheSpot)
                                on:click=on_spot
                            >
                                {i18n.text(Key::FindingCloseOnSpot)}
                            </button>
                        </Show>
                        <Show when=move || may(FindingAction::RecheckPass)>
                            <button
                                type="button"
                                class="primary"
                                data-action="finding.recheck_pass"
                                disabled=move || held(FindingAction::RecheckPass)
                                on:click=move |_| recheck(true)
                            >
                                {i18n.text(Key::FindingRecheckPass)}
                            </button>
                            <button
                                type="button"
                                data-action="finding.recheck_fail"
                                disabled=move || held(FindingAction::RecheckFail)
                                on:click=move |_| recheck(false)
                            >
                                {i18n.text(Key::FindingRecheckFail)}
                            </button>
                        </Show>
                    </div>
                    <Show when=move || {
                        status() == Some(FindingStatus::Rectified)
                            && finding
                                .with(|f| f.as_ref().is_some_and(|f| f.folded.state.fixer == me()))
                    }>
                        <p class="hint" data-testid="finding-own-fix">
                            {i18n.text(Key::FindingOwnFix)}
                        </p>
                    </Show>
                    <ErrorLine action />
                </div>
            </Show>
        </section>
    }
}

/// An overdue finding: the alert, and the explanation re-check and close wait for.
#[component]
fn FindingOverdue(
    action: Action,
    explanation: RwSignal<String>,
    on_explain: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card form alert" role="alert" data-testid="finding-overdue">
            <p>
                <strong>{i18n.text(Key::FindingOverdueAlert)}</strong>
            </p>
            <label>
                <span>{i18n.text(Key::FindingExplain)}</span>
                <textarea
                    data-testid="finding-explanation"
                    rows="2"
                    prop:value=move || explanation.get()
                    on:input=move |ev| explanation.set(event_target_value(&ev))
                ></textarea>
            </label>
            <button
                type="button"
                class="primary"
                data-action="finding.explained"
                disabled=move || action.pending()
                on:click=move |_| on_explain.run(())
            >
                {i18n.text(Key::FindingExplain)}
            </button>
        </div>
    }
}

/// Dispatching a finding: to one of the project's departments (another name may be typed)
/// and a technician, or as a linked repair order.
#[component]
#[allow(clippy::too_many_arguments)]
fn FindingAssign(
    department: RwSignal<String>,
    technician: RwSignal<String>,
    departments: Signal<Vec<String>>,
    technicians: Signal<Vec<(UserId, String)>>,
    may_order: Signal<bool>,
    held: Signal<bool>,
    on_assign: Callback<()>,
    on_order: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="row">
            <label>
                <span>{i18n.text(Key::FindingDepartment)}</span>
                <input
                    data-testid="finding-department"
                    list="finding-departments"
                    autocomplete="off"
                    placeholder=i18n.text(Key::FindingDepartmentPick)
                    prop:value=move || department.get()
                    on:input=move |ev| department.set(event_target_value(&ev))
                />
                <datalist id="finding-departments" data-testid="finding-departments">
                    {move || {
                        departments
                            .get()
                            .into_iter()
                            .map(|d| view! { <option value=d></option> })
                            .collect_view()
                    }}
                </datalist>
            </label>
            <label>
                <span>{i18n.text(Key::OrderTechnician)}</span>
                <select
                    data-testid="finding-technician"
                    on:change=move |ev| technician.set(event_target_value(&ev))
                >
                    <option value="">"—"</option>
                    {move || {
                        technicians
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                view! { <option value=id.to_string()>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </div>
        <div class="row actions">
            <button
                type="button"
                data-action="finding.assigned"
                disabled=move || held.get()
                on:click=move |_| on_assign.run(())
            >
                {i18n.text(Key::FindingAssign)}
            </button>
            <Show when=move || may_order.get()>
                <button
                    type="button"
                    data-action="finding.to_order"
                    disabled=move || held.get()
                    on:click=move |_| on_order.run(())
                >
                    {i18n.text(Key::FindingToOrder)}
                </button>
            </Show>
        </div>
    }
}

fn finding_detail(
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
    let c = finding_countdown(f, now);
    view! {
        <h1 data-testid="finding-title">
            {r.as_ref().map(|r| r.note.clone()).unwrap_or_default()}
        </h1>
        <p>
            <span
                class="badge"
                data-testid="finding-status"
                data-status=crate::model::rows::status_code(s.status, "reported")
            >
                {i18n.text(finding_status_key(s.status))}
            </span>
            <span class="badge warn">
                {i18n.text(severity_key(r.as_ref().map(|r| r.severity)))}
            </span>
            " "
            <span data-testid="finding-place">{place}</span>
        </p>
        <p class="hint">
            {s.reported_by.map(name).unwrap_or_default()} " "
            {s.reported_at.as_deref().map(crate::model::clock::clock_time).unwrap_or_default()}
            {r
                .as_ref()
                .and_then(|r| r.round_id)
                .map(|id| {
                    view! {
                        " · "
                        <A href=format!("/patrol/rounds/{id}")>{i18n.text(Key::FindingRound)}</A>
                    }
                })}
        </p>
        {c
            .map(|c| {
                view! {
                    <p class=format!("countdown {}", urgency_class(&c)) data-testid="finding-due">
                        {i18n.text(Key::FindingDue)}
                        " "
                        {c.due.format("%m-%d %H:%M").to_string()}
                        " · "
                        {countdown_text(i18n.lang(), &c)}
                    </p>
                }
            })}
        <div class="photos" data-testid="finding-photos">
            {photos
                .into_iter()
                .map(|h| view! { <crate::ui::photo::Photo hash=h /> })
                .collect_view()}
        </div>
        {assignment
            .map(|a| {
                view! {
                    <p data-testid="finding-assignment">
                        {i18n.text(Key::FindingAssigned)} ": "
                        {a.department.clone().unwrap_or_default()} " "
                        {a.technician_id.map(name).unwrap_or_default()}
                        {a
                            .repair_order_id
                            .map(|o| {
                                view! {
                                    " "
                                    <A href=format!("/orders/{o}") attr:data-testid="finding-order">
                                        {i18n.text(Key::FindingOrderLink)}
                                    </A>
                                }
                            })}
                    </p>
                }
            })}
        <crate::ui::conflict_panel::ConflictNotice
            n=f.folded.conflicts.len() + f.folded.ignored.len()
            testid="finding-conflict"
        />
        <h2>{i18n.text(Key::FindingTimeline)}</h2>
        <ol class="list timeline" data-testid="finding-history">
            {s
                .timeline
                .iter()
                .enumerate()
                .map(|(n, e)| timeline_entry(i18n, &name, s, n, e))
                .collect_view()}
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
            <span class="hint">
                {crate::model::clock::clock_time(&e.device_time)} " · "
                <span data-testid="finding-event-author">{name(e.actor)}</span>
            </span>
            " "
            <strong>{i18n.text(key)}</strong>
            {(!text.is_empty())
                .then(|| {
                    view! {
                        " "
                        <span data-testid="finding-event-text">{text}</span>
                    }
                })}
            {photo.map(|h| view! { <crate::ui::photo::Photo hash=h /> })}
        </li>
    }
}
