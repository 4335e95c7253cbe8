//! Complaints (投诉): the list with the 4-working-day reply deadline, registration (from a
//! household or from a repair order whose owner was dissatisfied), and one complaint with
//! its lifecycle — registered → investigating → replied → return-visited → closed, reopen —
//! and the supervisor's "effective complaint" flag.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::data::save;
use crate::data::{draft, rows, Row};
use crate::engine::{now_ms, random_bytes};
use crate::i18n::{use_i18n, I18n, Key};
use crate::orders::{countdown_text, local_now, minute_clock, urgency_class, Household};
use crate::patrol::my_areas;
use crate::state::{person_name, use_app};
use guanjia_core::deadline::Countdown;
use guanjia_core::records::{Complaint, ComplaintStatus};
use guanjia_core::RecordId;
use serde_json::json;

/// The step a complaint event's kind stands for ("reopened" reads as investigating again).
fn kind_status_key(kind: &str) -> Key {
    let step = match kind.rsplit('.').next().unwrap_or_default() {
        "reopened" => "investigating",
        s => s,
    };
    status_key(serde_json::from_value(serde_json::json!(step)).ok())
}

pub fn status_key(s: Option<ComplaintStatus>) -> Key {
    match s {
        None | Some(ComplaintStatus::Registered) => Key::ComplaintRegistered,
        Some(ComplaintStatus::Investigating) => Key::ComplaintInvestigating,
        Some(ComplaintStatus::Replied) => Key::ComplaintReplied,
        Some(ComplaintStatus::ReturnVisited) => Key::StatusReturnVisited,
        Some(ComplaintStatus::Closed) => Key::StatusClosed,
    }
}

/// Time left to reply, while a reply is owed.
/// Whether a lowercase search text occurs in the complaint's description, owner or phone.
fn matches(c: &Row<Complaint>, lowercase_query: &str) -> bool {
    let s = &c.folded.state;
    [&s.description, &s.reporter_name, &s.reporter_phone]
        .into_iter()
        .filter_map(|f| f.get())
        .any(|v| v.to_lowercase().contains(lowercase_query))
}

/// Late with its reply now, or late within the hour (the escalation view's rule for orders).
fn needs_escalation(c: &Row<Complaint>, now: chrono::NaiveDateTime) -> bool {
    reply_countdown(c, now).is_some_and(|d| d.urgency() != guanjia_core::deadline::Urgency::OnTime)
}

/// How many complaints the escalation view should point at.
pub fn escalating(now: chrono::NaiveDateTime) -> usize {
    rows::<Complaint>("complaint")
        .iter()
        .filter(|c| needs_escalation(c, now))
        .count()
}

fn reply_countdown(c: &Row<Complaint>, now: chrono::NaiveDateTime) -> Option<Countdown> {
    let s = &c.folded.state;
    if !s.status?.awaits_reply() {
        return None;
    }
    let all = crate::data::rules();
    let rules = all.of(c.project_id);
    let cal = &rules.calendar;
    let due = rules
        .service
        .complaint_reply_due(cal.local(s.registered_at.as_deref()?)?, cal)?;
    Some(Countdown::new(due, now))
}

pub fn complaints() -> Vec<Row<Complaint>> {
    let now = local_now();
    let mut out: Vec<Row<Complaint>> = rows("complaint");
    out.sort_by_cached_key(|c| {
        let open = c.folded.state.status.is_some_and(|s| s.is_open());
        (
            !open,
            reply_countdown(c, now).map_or(i64::MAX, |d| d.seconds_left),
            c.id,
        )
    });
    out
}

/// `/complaints`: open ones first, the reply most overdue first.
#[component]
pub fn ComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    // `?filter=escalate` comes from the supervisor's escalation view of the orders.
    let asked = use_query_map().with_untracked(|q| q.get("filter"));
    let filter = RwSignal::new(match asked.as_deref() {
        Some("escalate") => "escalate",
        _ => "open",
    });
    let all = Memo::new(move |_| {
        app.data_version.track();
        complaints()
    });
    let query = RwSignal::new(String::new());
    let tab = move |code: &'static str, key: Key| {
        view! {
            <button type="button" class="choice" data-filter=code aria-pressed=move || (filter.get() == code).to_string()
                on:click=move |_| filter.set(code)>{i18n.text(key)}</button>
        }
    };
    view! {
        <section class="page complaints">
            <h1>{i18n.text(Key::ComplaintsTitle)}</h1>
            <A href="/complaints/new" attr:class="button primary" attr:data-testid="complaint-new">{i18n.text(Key::ComplaintNew)}</A>
            <div class="segmented" role="group">
                {tab("open", Key::FilterOpen)}
                {tab("overdue", Key::FilterOverdue)}
                {tab("escalate", Key::FilterEscalate)}
                {tab("all", Key::FilterAll)}
            </div>
            <input type="search" data-testid="complaint-search" placeholder=i18n.text(Key::OrderSearch)
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            <ul class="list">
                {move || {
                    let (f, now) = (filter.get(), now.get());
                    let q = query.get().trim().to_lowercase();
                    all.get().into_iter().filter(|c| q.is_empty() || matches(c, &q)).filter(|c| match f {
                        "overdue" => reply_countdown(c, now).is_some_and(|d| d.seconds_left < 0),
                        "escalate" => needs_escalation(c, now),
                        "all" => true,
                        _ => c.folded.state.status.is_some_and(|s| s.is_open()),
                    }).take(100).map(|c| card(i18n, c, now)).collect_view()
                }}
            </ul>
        </section>
    }
}

fn card(i18n: I18n, c: Row<Complaint>, now: chrono::NaiveDateTime) -> impl IntoView {
    let status = c.folded.state.status;
    let text = c
        .folded
        .state
        .description
        .get()
        .cloned()
        .unwrap_or_default();
    let due = reply_countdown(&c, now);
    view! {
        <li class="card" data-testid="complaint-card" data-complaint-id=c.id.to_string() data-status=crate::data::status_code(status, "registered")>
            <A href=format!("/complaints/{}", c.id) attr:class="list-link">
                <span class="badge">{i18n.text(status_key(status))}</span> " " {text}
            </A>
            {due.map(|d| view! { <p class=format!("countdown {}", urgency_class(&d))>{i18n.text(Key::ComplaintReplyDue)} " · " {countdown_text(i18n.lang(), &d)}</p> })}
        </li>
    }
}

/// `/complaints/new[?order=<id>]`: register a complaint, linked to a repair order when it
/// comes from a dissatisfied return visit.
#[component]
pub fn NewComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = StoredValue::new_local(use_navigate());
    let query = use_query_map();
    let order = Memo::new(move |_| {
        query
            .with(|q| q.get("order"))
            .and_then(|o| RecordId::parse(&o).ok())
            .and_then(|id| crate::orders::orders().into_iter().find(|o| o.id == id))
    });
    let description = RwSignal::new(String::new());
    let reporter = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let household = RwSignal::new(None::<Household>);
    let lookup = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // Coming from an order: the owner and household are already known.
    Effect::new(move |_| {
        if let Some(o) = order.get() {
            let s = &o.folded.state;
            reporter.set(s.reporter_name.get().cloned().unwrap_or_default());
            phone.set(s.reporter_phone.get().cloned().unwrap_or_default());
        }
    });
    let registry = Memo::new(move |_| {
        app.data_version.track();
        crate::orders::households()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = description.get_untracked();
        if text.trim().is_empty() {
            return error.set(Some(i18n.t(Key::ComplaintNeedsText).to_string()));
        }
        let o = order.get_untracked();
        let h = household.get_untracked();
        let areas = my_areas(app);
        let area = o
            .as_ref()
            .and_then(|o| o.area_id)
            .or_else(|| h.as_ref().and_then(|h| h.area_id))
            .or_else(|| areas.first().map(|a| a.1));
        let Some(project) = o
            .as_ref()
            .map(|o| o.project_id)
            .or_else(|| areas.iter().find(|a| Some(a.1) == area).map(|a| a.0))
        else {
            return error.set(Some(i18n.t(Key::OrderNoArea).to_string()));
        };
        let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let d = draft(
            "complaint",
            id,
            "complaint.registered",
            project,
            area,
            json!({
                "description": text.trim(),
                "household_id": h.as_ref().map(|h| h.id).or_else(|| o.as_ref().and_then(|o| o.folded.state.household_id.get().copied())),
                "reporter_name": opt(reporter.get_untracked()), "reporter_phone": opt(phone.get_untracked()),
                "repair_order_id": o.as_ref().map(|o| o.id),
            }),
        );
        save(app, vec![d], error, move || {
            navigate.with_value(|n| n(&format!("/complaints/{id}"), Default::default()))
        });
    };
    let field = move |key: Key, sig: RwSignal<String>, testid: &'static str| {
        view! {
            <label><span>{i18n.text(key)}</span>
                <input data-testid=testid prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) /></label>
        }
    };
    view! {
        <section class="page complaint-new">
            <h1>{i18n.text(Key::ComplaintNew)}</h1>
            <form class="card form" on:submit=submit>
                {move || order.get().map(|o| view! {
                    <p class="hint" data-testid="complaint-order">{i18n.text(Key::ComplaintAboutOrder)} " " {o.folded.state.description.get().cloned().unwrap_or_default()}</p>
                })}
                <label><span>{i18n.text(Key::OrderHousehold)}</span>
                    <input type="search" data-testid="complaint-household-search" placeholder=i18n.text(Key::OrderHouseholdHint)
                        prop:value=move || lookup.get() on:input=move |ev| lookup.set(event_target_value(&ev)) /></label>
                <ul class="list suggestions">
                    {move || {
                        let q = lookup.get();
                        registry.with(|all| all.iter().filter(|h| h.matches(&q)).take(8).cloned().collect::<Vec<_>>())
                            .into_iter()
                            .map(|h| {
                                let label = format!("{} · {}", h.name, h.owner.clone().unwrap_or_default());
                                view! { <li><button type="button" class="small" data-testid="complaint-household" on:click=move |_| {
                                    reporter.set(h.owner.clone().unwrap_or_default());
                                    phone.set(h.phone.clone().unwrap_or_default());
                                    lookup.set(String::new());
                                    household.set(Some(h.clone()));
                                }>{label}</button></li> }
                            })
                            .collect_view()
                    }}
                </ul>
                {move || household.get().map(|h| view! { <p class="hint">{h.name}</p> })}
                <label><span>{i18n.text(Key::ComplaintText)}</span>
                    <textarea data-testid="complaint-description" rows="3" prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev))></textarea></label>
                {field(Key::OrderReporter, reporter, "complaint-reporter")}
                {field(Key::OrderPhone, phone, "complaint-phone")}
                <button type="submit" class="primary" data-testid="complaint-submit">{i18n.text(Key::ComplaintSubmit)}</button>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
            </form>
        </section>
    }
}

/// `/complaints/:id`: the complaint, its deadline, replies, history and next steps.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let complaint = crate::data::use_routed::<Complaint>("complaint");
    let text = RwSignal::new(String::new());
    let satisfaction = RwSignal::new(5u8);
    let in_person = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let act = move |kind: &'static str, payload: serde_json::Value| {
        let Some(c) = complaint.get_untracked() else {
            return;
        };
        let d = draft("complaint", c.id, kind, c.project_id, c.area_id, payload);
        save(app, vec![d], error, move || text.set(String::new()));
    };
    let with_text = move |kind: &'static str, field: &'static str| {
        move |_| {
            let t = text.get_untracked();
            if t.trim().is_empty() {
                return error.set(Some(i18n.t(Key::OrderNeedsInput).to_string()));
            }
            act(kind, json!({ field: t.trim() }));
        }
    };
    let status = move || complaint.with(|c| c.as_ref().and_then(|c| c.folded.state.status));
    let supervisor = move || crate::state::is_supervisor(app);
    let button = move |kind: &'static str,
                       key: Key,
                       on: Box<dyn Fn(leptos::ev::MouseEvent) + Send + Sync>| {
        view! { <button type="button" data-action=kind on:click=on>{i18n.text(key)}</button> }
    };
    view! {
        <section class="page complaint-detail">
            <Show when=move || complaint.with(|c| c.is_some()) fallback=move || view! { <p class="hint">{i18n.text(Key::ComplaintNotFound)}</p> }>
                {move || complaint.get().map(|c| {
                    let s = &c.folded.state;
                    let sess = app.session.get();
                    let due = reply_countdown(&c, now.get());
                    let effective = s.effective.get().copied();
                    view! {
                        <h1 data-testid="complaint-title">{s.description.get().cloned().unwrap_or_default()}</h1>
                        <p>
                            <span class="badge" data-testid="complaint-status" data-status=crate::data::status_code(s.status, "registered")>{i18n.text(status_key(s.status))}</span>
                            {effective.map(|e| view! { " " <span class="badge warn" data-testid="complaint-effective" data-effective=e.to_string()>
                                {i18n.text(if e { Key::ComplaintEffective } else { Key::ComplaintNotEffective })}</span> })}
                        </p>
                        <p class="hint">{s.reporter_name.get().cloned().unwrap_or_default()} " " {s.reporter_phone.get().cloned().unwrap_or_default()}</p>
                        {s.repair_order_id.get().map(|o| view! { <A href=format!("/orders/{o}") attr:data-testid="complaint-order-link">{i18n.text(Key::ComplaintAboutOrder)}</A> })}
                        {(c.folded.has_conflict() || !c.folded.reviews.is_empty()).then(|| view! {
                            <crate::conflicts::ConflictPanel subject=crate::conflicts::ConflictSubject::of("complaint", c.id, c.project_id, c.area_id, &c.folded) kind_label=kind_status_key />
                        })}
                        {due.map(|d| view! { <p class=format!("countdown {}", urgency_class(&d)) data-testid="complaint-due">{i18n.text(Key::ComplaintReplyDue)} " " {d.due.format("%m-%d %H:%M").to_string()} " · " {countdown_text(i18n.lang(), &d)}</p> })}
                        <ul class="list">
                            {s.replies.iter().map(|r| view! { <li class="card" data-testid="complaint-reply">{i18n.text(Key::ComplaintReplied)} ": " {r.clone()}</li> }).collect_view()}
                            {s.reopen_reasons.iter().map(|r| view! { <li class="card">{i18n.text(Key::ComplaintReopen)} ": " {r.clone()}</li> }).collect_view()}
                        </ul>
                        <ol class="history">
                            {s.history.iter().map(|h| view! {
                                <li>{crate::data::clock_time(&h.device_time)} " " {i18n.t(status_key(Some(h.status)))} " · " {person_name(sess.as_ref(), h.actor)}</li>
                            }).collect_view()}
                        </ol>
                    }
                })}
                <div class="card form">
                    <label><span>{i18n.text(Key::ComplaintReplyText)}</span>
                        <textarea data-testid="complaint-text" rows="2" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                    <crate::orders::QuietHoursWarning now=now project=Signal::derive(move || {
                        complaint.with(|c| c.as_ref().filter(|c| c.folded.state.status == Some(ComplaintStatus::Replied)).map(|c| c.project_id))
                    }) />
                    <Show when=move || status() == Some(ComplaintStatus::Replied)>
                        <label class="check"><input type="checkbox" data-testid="complaint-visit-in-person" prop:checked=move || in_person.get()
                            on:change=move |ev| in_person.set(event_target_checked(&ev)) /><span>{i18n.text(Key::OrderVisitInPerson)}</span></label>
                        <label><span>{i18n.text(Key::OrderSatisfaction)}</span>
                            <select data-testid="complaint-satisfaction" on:change=move |ev| satisfaction.set(event_target_value(&ev).parse().unwrap_or(5))>
                                {(1..=5u8).rev().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                            </select></label>
                    </Show>
                    <div class="row actions">
                        {move || {
                            use ComplaintStatus::*;
                            let mut out = Vec::new();
                            match status() {
                                Some(Registered) => {
                                    out.push(button("complaint.investigating", Key::ComplaintInvestigate, Box::new(move |_| act("complaint.investigating", json!({})))));
                                    out.push(button("complaint.replied", Key::ComplaintReply, Box::new(with_text("complaint.replied", "reply"))));
                                }
                                Some(Investigating) => out.push(button("complaint.replied", Key::ComplaintReply, Box::new(with_text("complaint.replied", "reply")))),
                                Some(Replied) => {
                                    out.push(button("complaint.return_visited", Key::ActReturnVisit, Box::new(move |_| {
                                        let t = text.get_untracked();
                                        act("complaint.return_visited", json!({"satisfaction": satisfaction.get_untracked(), "comment": (!t.trim().is_empty()).then(|| t.trim().to_string()), "method": if in_person.get_untracked() { "in_person" } else { "phone" }}))
                                    })));
                                    out.push(button("complaint.closed", Key::ActClose, Box::new(move |_| act("complaint.closed", json!({})))));
                                    out.push(button("complaint.reopened", Key::ComplaintReopen, Box::new(with_text("complaint.reopened", "reason"))));
                                }
                                Some(ReturnVisited) => {
                                    out.push(button("complaint.closed", Key::ActClose, Box::new(move |_| act("complaint.closed", json!({})))));
                                    out.push(button("complaint.reopened", Key::ComplaintReopen, Box::new(with_text("complaint.reopened", "reason"))));
                                }
                                _ => {}
                            }
                            if supervisor() {
                                out.push(button("complaint.effective_set", Key::ComplaintMarkEffective, Box::new(move |_| act("complaint.effective_set", json!({"effective": true})))));
                                out.push(button("complaint.effective_unset", Key::ComplaintMarkNotEffective, Box::new(move |_| act("complaint.effective_set", json!({"effective": false})))));
                            }
                            out
                        }}
                    </div>
                    <Show when=move || error.get().is_some()>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
            </Show>
        </section>
    }
}
