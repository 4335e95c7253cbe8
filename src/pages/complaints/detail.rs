//! `/complaints/:id`.

use crate::model::clock::minute_clock;
use crate::model::complaints::{complaint_steps, reply_countdown, ComplaintStep};
use crate::model::orders::visit_method;
use crate::offline::state::use_app;
use crate::ui::action::{Action, ErrorLine};
use crate::ui::format::{countdown_text, urgency_class};
use crate::ui::history::status_history;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{complaint_kind_key, complaint_status_key};
use crate::ui::visit::SatisfactionSelect;
use guanjia_core::payload::Reason;
use guanjia_core::records::ComplaintFields;
use guanjia_core::records::{
    Complaint, ComplaintClosed, ComplaintInvestigating, ComplaintReopened, ComplaintReply,
    ComplaintReturnVisited, ComplaintStatus, Effective, RepairReturnVisited,
};
use guanjia_core::Payload;
use leptos::prelude::*;
use leptos_router::components::A;

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
    let action = Action::new();
    let status = move || complaint.with(|c| c.as_ref().and_then(|c| c.folded.state.status));
    let role = move || app.session.with(|s| s.as_ref().map(|s| s.user.role));
    let take = move |step: ComplaintStep| {
        let Some(c) = complaint.get_untracked() else {
            return;
        };
        let typed = text.get_untracked().trim().to_string();
        if step.needs_text() && typed.is_empty() {
            return action.say(Key::OrderNeedsInput);
        }
        let comment = (!typed.is_empty()).then(|| typed.clone());
        let draft = match step {
            ComplaintStep::Investigate => c.draft(&ComplaintInvestigating {}),
            ComplaintStep::Reply => c.draft(&ComplaintReply { reply: typed }),
            ComplaintStep::ReturnVisit => c.draft(&ComplaintReturnVisited(RepairReturnVisited {
                satisfaction: satisfaction.get_untracked(),
                comment,
                method: Some(visit_method(in_person.get_untracked()).to_string()),
            })),
            ComplaintStep::Close => c.draft(&ComplaintClosed {}),
            ComplaintStep::Reopen => c.draft(&ComplaintReopened(Reason { reason: typed })),
            ComplaintStep::MarkEffective | ComplaintStep::MarkNotEffective => c.draft(&Effective {
                effective: step == ComplaintStep::MarkEffective,
                reason: None,
            }),
        };
        action.save(app, vec![draft], move || text.set(String::new()));
    };
    let step_key = |step: ComplaintStep| match step {
        ComplaintStep::Investigate => Key::ComplaintInvestigate,
        ComplaintStep::Reply => Key::ComplaintReply,
        ComplaintStep::ReturnVisit => Key::ActReturnVisit,
        ComplaintStep::Close => Key::ActClose,
        ComplaintStep::Reopen => Key::ComplaintReopen,
        ComplaintStep::MarkEffective => Key::ComplaintMarkEffective,
        ComplaintStep::MarkNotEffective => Key::ComplaintMarkNotEffective,
    };
    view! {
        <section class="page complaint-detail">
            <Show
                when=move || complaint.with(|c| c.is_some())
                fallback=move || view! { <p class="hint">{i18n.text(Key::ComplaintNotFound)}</p> }
            >
                {move || {
                    complaint
                        .get()
                        .map(|c| {
                            let s = &c.folded.state;
                            let sess = app.session.get();
                            let due = reply_countdown(&c, now.get());
                            let effective = s.effective.get().copied();
                            view! {
                                <h1 data-testid="complaint-title">
                                    {s.description.get().cloned().unwrap_or_default()}
                                </h1>
                                <p>
                                    <span
                                        class="badge"
                                        data-testid="complaint-status"
                                        data-status=crate::model::rows::status_code(
                                            s.status,
                                            "registered",
                                        )
                                    >
                                        {i18n.text(complaint_status_key(s.status))}
                                    </span>
                                    {effective
                                        .map(|e| {
                                            view! {
                                                " "
                                                <span
                                                    class="badge warn"
                                                    data-testid="complaint-effective"
                                                    data-effective=e.to_string()
                                                >
                                                    {i18n
                                                        .text(
                                                            if e {
                                                                Key::ComplaintEffective
                                                            } else {
                                                                Key::ComplaintNotEffective
                                                            },
                                                        )}
                                                </span>
                                            }
                                        })}
                                </p>
                                <p class="hint">
                                    {s.reporter_name.get().cloned().unwrap_or_default()} " "
                                    {s
                                        .reporter_phone
                                        .get()
                                        .cloned()
                                        .map(|p| {
                                            view! {
                                                <crate::ui::phone::MaskedPhone
                                                    phone=p
                                                    testid="complaint-phone-shown"
                                                />
                                            }
                                        })}
                                </p>
                                {s
                                    .repair_order_id
                                    .get()
                                    .map(|o| {
                                        view! {
                                            <A
                                                href=format!("/orders/{o}")
                                                attr:data-testid="complaint-order-link"
                                            >
                                                {i18n.text(Key::ComplaintAboutOrder)}
                                            </A>
                                        }
                                    })}
                                {(c.folded.has_conflict() || !c.folded.reviews.is_empty())
                                    .then(|| {
                                        view! {
                                            <crate::ui::conflict_panel::ConflictPanel
                                                subject=crate::ui::conflict_panel::ConflictSubject::of(
                                                    ComplaintFields::record_type(),
                                                    c.id,
                                                    c.project_id,
                                                    c.area_id,
                                                    &c.folded,
                                                )
                                                kind_label=complaint_kind_key
                                            />
                                        }
                                    })}
                                {due
                                    .map(|d| {
                                        view! {
                                            <p
                                                class=format!("countdown {}", urgency_class(&d))
                                                data-testid="complaint-due"
                                            >
                                                {i18n.text(Key::ComplaintReplyDue)}
                                                " "
                                                {d.due.format("%m-%d %H:%M").to_string()}
                                                " · "
                                                {countdown_text(i18n.lang(), &d)}
                                            </p>
                                        }
                                    })}
                                <ul class="list">
                                    {s
                                        .replies
                                        .iter()
                                        .map(|r| {
                                            view! {
                                                <li class="card" data-testid="complaint-reply">
                                                    {i18n.text(Key::ComplaintReplied)}
                                                    ": "
                                                    {r.clone()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                    {s
                                        .reopen_reasons
                                        .iter()
                                        .map(|r| {
                                            view! {
                                                <li class="card">
                                                    {i18n.text(Key::ComplaintReopen)} ": " {r.clone()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                {status_history(
                                    i18n,
                                    sess.as_ref(),
                                    &s.history,
                                    complaint_status_key,
                                )}
                            }
                        })
                }}
                <div class="card form">
                    <label>
                        <span>{i18n.text(Key::ComplaintReplyText)}</span>
                        <textarea
                            data-testid="complaint-text"
                            rows="2"
                            prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                    <crate::ui::quiet_hours::QuietHoursWarning
                        now=now
                        project=Signal::derive(move || {
                            complaint
                                .with(|c| {
                                    c.as_ref()
                                        .filter(|c| {
                                            c.folded.state.status == Some(ComplaintStatus::Replied)
                                        })
                                        .map(|c| c.project_id)
                                })
                        })
                    />
                    <Show when=move || status() == Some(ComplaintStatus::Replied)>
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid="complaint-visit-in-person"
                                prop:checked=move || in_person.get()
                                on:change=move |ev| in_person.set(event_target_checked(&ev))
                            />
                            <span>{i18n.text(Key::OrderVisitInPerson)}</span>
                        </label>
                        <SatisfactionSelect satisfaction testid="complaint-satisfaction" />
                    </Show>
                    <div class="row actions">
                        {move || {
                            let steps = role()
                                .map(|r| complaint_steps(status(), r))
                                .unwrap_or_default();
                            steps
                                .into_iter()
                                .map(|step| {
                                    view! {
                                        <button
                                            type="button"
                                            data-action=step.name()
                                            disabled=move || action.pending()
                                            on:click=move |_| take(step)
                                        >
                                            {i18n.text(step_key(step))}
                                        </button>
                                    }
                                })
                                .collect_view()
                        }}
                    </div>
                    <ErrorLine action />
                </div>
            </Show>
        </section>
    }
}
