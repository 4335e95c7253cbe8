//! `/complaints/:id`.

use crate::model::clock::minute_clock;
use crate::model::complaints::reply_countdown;
use crate::model::people::person_name;
use crate::model::rows::draft;
use crate::model::write::save;
use crate::offline::state::use_app;
use crate::ui::format::{countdown_text, urgency_class};
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{complaint_kind_key, complaint_status_key};
use guanjia_core::records::{Complaint, ComplaintStatus};
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::json;

/// `/complaints/:id`: the complaint, its deadline, replies, history and next steps.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let complaint = crate::model::rows::use_routed::<Complaint>("complaint");
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
    let supervisor = move || crate::model::people::is_supervisor(app);
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
                            <span class="badge" data-testid="complaint-status" data-status=crate::model::rows::status_code(s.status, "registered")>{i18n.text(complaint_status_key(s.status))}</span>
                            {effective.map(|e| view! { " " <span class="badge warn" data-testid="complaint-effective" data-effective=e.to_string()>
                                {i18n.text(if e { Key::ComplaintEffective } else { Key::ComplaintNotEffective })}</span> })}
                        </p>
                        <p class="hint">{s.reporter_name.get().cloned().unwrap_or_default()} " " {s.reporter_phone.get().cloned().unwrap_or_default()}</p>
                        {s.repair_order_id.get().map(|o| view! { <A href=format!("/orders/{o}") attr:data-testid="complaint-order-link">{i18n.text(Key::ComplaintAboutOrder)}</A> })}
                        {(c.folded.has_conflict() || !c.folded.reviews.is_empty()).then(|| view! {
                            <crate::ui::conflict_panel::ConflictPanel subject=crate::ui::conflict_panel::ConflictSubject::of("complaint", c.id, c.project_id, c.area_id, &c.folded) kind_label=complaint_kind_key />
                        })}
                        {due.map(|d| view! { <p class=format!("countdown {}", urgency_class(&d)) data-testid="complaint-due">{i18n.text(Key::ComplaintReplyDue)} " " {d.due.format("%m-%d %H:%M").to_string()} " · " {countdown_text(i18n.lang(), &d)}</p> })}
                        <ul class="list">
                            {s.replies.iter().map(|r| view! { <li class="complaint_card" data-testid="complaint-reply">{i18n.text(Key::ComplaintReplied)} ": " {r.clone()}</li> }).collect_view()}
                            {s.reopen_reasons.iter().map(|r| view! { <li class="complaint_card">{i18n.text(Key::ComplaintReopen)} ": " {r.clone()}</li> }).collect_view()}
                        </ul>
                        <ol class="history">
                            {s.history.iter().map(|h| view! {
                                <li>{crate::model::clock::clock_time(&h.device_time)} " " {i18n.t(complaint_status_key(Some(h.status)))} " · " {person_name(sess.as_ref(), h.actor)}</li>
                            }).collect_view()}
                        </ol>
                    }
                })}
                <div class="complaint_card form">
                    <label><span>{i18n.text(Key::ComplaintReplyText)}</span>
                        <textarea data-testid="complaint-text" rows="2" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                    <crate::ui::quiet_hours::QuietHoursWarning now=now project=Signal::derive(move || {
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
