//! `/orders/:id`: one order — what is known of it ([`OrderFacts`]), its clocks, evidence and
//! history — and the steps the signed-in person may take now ([`OrderSteps`], from the unit-
//! tested `model::orders::order_actions`), with the technician's work form ([`OrderWork`]).

use crate::model::clock::{appointment_time, calendar, minute_clock};
use crate::model::orders::{
    categories, finding_fix, order, order_actions, visit_method, OrderAction, OrderRow,
};
use crate::model::people::{people_of_project, person_name};
use crate::offline::photos::keep;
use crate::offline::state::use_app;
use crate::platform::geo::watch_position_into;
use crate::ui::action::{Action, ErrorLine, Problem};
use crate::ui::format::{countdown_text, urgency_class, yuan};
use crate::ui::history::status_history;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{order_kind_key, order_status_key};
use crate::ui::photo::{Photo, PhotoPicker};
use crate::ui::quiet_hours::QuietHoursWarning;
use crate::ui::signature::SignaturePad;
use crate::ui::visit::SatisfactionSelect;
use crate::ui::work_form::{work_form, WorkEntry};
use guanjia_core::payload::{PhotoRef, Reason, Signature, TextNote};
use guanjia_core::records::RepairCreated;
use guanjia_core::records::{
    Deadline, DeadlineState, Position, RepairAccepted, RepairArrived, RepairAssigned,
    RepairCancelled, RepairClosed, RepairFields, RepairFixAgain, RepairNoteAdded, RepairOnTheWay,
    RepairPhotoAdded, RepairReturnVisited, RepairSignatureAdded, RepairStatus, RepairUpdated,
    AFTER_CAPTION, BEFORE_CAPTION, FINDING_CAPTION,
};
use guanjia_core::Payload;
use guanjia_core::{Draft, RecordId, Role, UserId};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/orders/:id`: one order, its deadlines, history, and the next steps.
#[component]
pub fn OrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let id = crate::model::rows::use_route_id();
    let order = Memo::new(move |_| {
        app.data_version.track();
        order(id.get()?)
    });
    view! {
        <section class="page order-detail">
            <Show
                when=move || order.with(|o| o.is_some())
                fallback=move || view! { <p class="hint">{i18n.text(Key::OrderNotFound)}</p> }
            >
                {move || order.get().map(|o| view! { <OrderFacts o now=now.get() /> })}
                <OrderSteps order now />
            </Show>
        </section>
    }
}

/// Everything known of the order: status, place and people, conflicts, clocks, quote and
/// completion, photos and signatures, linked records, history and notes.
#[component]
fn OrderFacts(o: OrderRow, now: chrono::NaiveDateTime) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let s = &o.folded.state;
    let status = o.status();
    let tech = s.technician.get().copied();
    let sess = app.session.get();
    view! {
        <h1 data-testid="order-title">{s.description.get().cloned().unwrap_or_default()}</h1>
        <p>
            <span
                class="badge"
                data-testid="order-status"
                data-status=crate::model::rows::status_code(status, "created")
            >
                {i18n.text(order_status_key(status))}
            </span>
            {s
                .urgent
                .get()
                .copied()
                .unwrap_or(false)
                .then(|| view! { <span class="badge warn">{i18n.text(Key::OrderUrgent)}</span> })}
            " "
            {o.category.clone().unwrap_or_default()}
        </p>
        {s
            .appointment
            .get()
            .and_then(|a| calendar().local(a))
            .map(|a| {
                view! {
                    <p class="hint" data-testid="order-appointment-shown">
                        {i18n.text(Key::OrderAppointment)}
                        ": "
                        {a.format("%m-%d %H:%M").to_string()}
                    </p>
                }
            })}
        <p class="hint" data-testid="order-reporter-shown">
            {s.location.get().cloned().unwrap_or_default()}
            " "
            {s.reporter_name.get().cloned().unwrap_or_default()}
            " "
            {s
                .reporter_phone
                .get()
                .cloned()
                .map(|p| {
                    view! {
                        <crate::ui::phone::MaskedPhone
                            phone=p
                            testid="order-call"
                            call=true
                            class="button small"
                        />
                    }
                })}
        </p>
        <p class="hint">
            {i18n.text(Key::OrderTechnician)} ": "
            <span data-testid="order-technician">
                {tech.map(|t| person_name(sess.as_ref(), t)).unwrap_or_else(|| "—".into())}
            </span>
        </p>
        <crate::ui::conflict_panel::ConflictNotice
            n=o.folded.conflicts.len() + o.folded.ignored.len()
            testid="order-conflict"
        />
        {(o.folded.has_conflict() || !o.folded.reviews.is_empty())
            .then(|| {
                view! {
                    <crate::ui::conflict_panel::ConflictPanel
                        subject=crate::ui::conflict_panel::ConflictSubject::of(
                            RepairCreated::record_type(),
                            o.id,
                            o.project_id,
                            o.area_id,
                            &o.folded,
                        )
                        kind_label=order_kind_key
                    />
                }
            })}
        <OrderClocks o=o.clone() now />
        {s
            .quote
            .get()
            .map(|q| {
                view! {
                    <p
                        class="hint"
                        data-testid="order-quote"
                        data-consented=q.owner_consented.to_string()
                    >
                        {i18n.text(Key::OrderQuote)}
                        " "
                        {yuan(q.total_cents)}
                        " · "
                        {q
                            .items
                            .iter()
                            .map(|m| format!("{} × {}", m.name, m.quantity.round() as i64))
                            .collect::<Vec<_>>()
                            .join("，")}
                        " · "
                        {i18n
                            .text(
                                if q.owner_consented {
                                    Key::OrderQuoteConsented
                                } else {
                                    Key::OrderQuoteNotConsented
                                },
                            )}
                    </p>
                }
            })}
        {s
            .arrival_position
            .map(|p| {
                view! {
                    <p class="hint" data-testid="order-arrival-position">
                        {i18n.text(Key::OrderArrivalPosition)}
                        ": "
                        {i18n.text(Key::PositionKnown)}
                        {format!(" ±{} m", p.accuracy_m.round() as i64)}
                    </p>
                }
            })}
        {s
            .finding_id
            .map(|f| {
                view! {
                    <p>
                        <A href=format!("/findings/{f}") attr:data-testid="order-finding-link">
                            {i18n.text(Key::OrderFromFinding)}
                        </A>
                    </p>
                }
            })}
        {s
            .completion
            .clone()
            .map(|c| {
                let items = c
                    .materials
                    .iter()
                    .map(|m| format!("{} × {}", m.name, m.quantity))
                    .collect::<Vec<_>>()
                    .join("，");
                view! {
                    <p class="hint" data-testid="order-completion">
                        {i18n.text(Key::WorkLabour)}
                        " "
                        {c.labour_minutes.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}
                        " · "
                        {items}
                        {c
                            .charge_cents
                            .map(|ch| {
                                view! {
                                    " · "
                                    {i18n.text(Key::WorkCharge)}
                                    " "
                                    <span data-testid="order-charge">{yuan(ch)}</span>
                                }
                            })}
                        " "
                        {c.result_note.clone().unwrap_or_default()}
                    </p>
                }
            })}
        {s
            .return_visit
            .as_ref()
            .filter(|v| v.satisfaction <= 2 && status == Some(RepairStatus::ReturnVisited))
            .map(|v| {
                view! {
                    <p class="error" role="alert" data-testid="order-dissatisfied">
                        {i18n.text(Key::OrderDissatisfied)}
                        " ("
                        {v.satisfaction}
                        "/5) "
                        <A
                            href=format!("/complaints/new?order={}", o.id)
                            attr:class="button"
                            attr:data-testid="order-to-complaint"
                        >
                            {i18n.text(Key::ComplaintNew)}
                        </A>
                    </p>
                }
            })}
        <OrderEvidence o=o.clone() />
        {crate::model::complaints::complaints()
            .into_iter()
            .filter(|c| c.folded.state.repair_order_id.get() == Some(&o.id))
            .map(|c| {
                view! {
                    <p>
                        <A
                            href=format!("/complaints/{}", c.id)
                            attr:data-testid="order-complaint-link"
                        >
                            {i18n.text(Key::ComplaintsTitle)}
                            ": "
                            {c.folded.state.description.get().cloned().unwrap_or_default()}
                        </A>
                    </p>
                }
            })
            .collect_view()}
        {status_history(i18n, sess.as_ref(), &s.history, order_status_key)}
        <ul class="history notes">
            {s
                .notes
                .items()
                .iter()
                .map(|n| {
                    view! {
                        <li data-testid="order-note-entry">
                            {crate::model::clock::clock_time(&n.device_time)} " "
                            {person_name(sess.as_ref(), n.actor)} ": " {n.value.clone()}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The order's four clocks: due when, and met, late or how long is left.
#[component]
fn OrderClocks(o: OrderRow, now: chrono::NaiveDateTime) -> impl IntoView {
    let i18n = use_i18n();
    let row = move |key: Key, d: Option<Deadline>| {
        d.map(|d| {
            let (class, text) = match d.state(now) {
                DeadlineState::Met => ("ok", i18n.t(Key::DeadlineMet).to_string()),
                DeadlineState::Late => ("overdue", i18n.t(Key::DeadlineLate).to_string()),
                DeadlineState::Running(c) => (urgency_class(&c), countdown_text(i18n.lang(), &c)),
            };
            view! {
                <li
                    class=format!("countdown {class}")
                    data-testid="order-deadline"
                    data-urgency=class
                >
                    {i18n.text(key)}
                    " "
                    {d.due.format("%m-%d %H:%M").to_string()}
                    " · "
                    {text}
                </li>
            }
        })
    };
    let d = o.deadlines;
    view! {
        <ul class="deadlines">
            {row(Key::OrderFirstAnswer, d.first_answer)} {row(Key::OrderArrival, d.arrival)}
            {row(Key::OrderCompletion, d.completion)} {row(Key::OrderReturnVisit, d.return_visit)}
        </ul>
    }
}

/// Photos (captioned before, after, from the patrol) and the owner's signatures or refusals.
#[component]
fn OrderEvidence(o: OrderRow) -> impl IntoView {
    let i18n = use_i18n();
    let s = &o.folded.state;
    view! {
        <div class="photos" data-testid="order-photos">
            {s
                .photos
                .items()
                .iter()
                .map(|p| {
                    let caption = match p.value.caption.as_deref() {
                        Some(BEFORE_CAPTION) => Some(Key::CaptionBefore),
                        Some(AFTER_CAPTION) => Some(Key::CaptionAfter),
                        Some(FINDING_CAPTION) => Some(Key::CaptionFinding),
                        _ => None,
                    };
                    view! {
                        <figure
                            data-testid="order-photo"
                            data-caption=p.value.caption.clone().unwrap_or_default()
                        >
                            <Photo hash=p.value.sha256.clone() />
                            {caption.map(|k| view! { <figcaption>{i18n.text(k)}</figcaption> })}
                        </figure>
                    }
                })
                .collect_view()}
        </div>
        {s
            .signatures
            .items()
            .iter()
            .map(|x| match (&x.value.sha256, &x.value.refused_reason) {
                (Some(h), _) => {
                    view! {
                        <div data-testid="order-signature">
                            <p class="hint">{i18n.text(Key::SignatureTitle)}</p>
                            <Photo hash=h.clone() />
                        </div>
                    }
                        .into_any()
                }
                (None, why) => {
                    view! {
                        <p class="hint" data-testid="order-signature-refused">
                            {i18n.text(Key::SignatureRefused)}
                            ": "
                            {why.clone().unwrap_or_default()}
                        </p>
                    }
                        .into_any()
                }
            })
            .collect_view()}
    }
}

/// The steps the signed-in person may take on the order now, each one commit guarded
/// against a second tap.
#[component]
fn OrderSteps(
    order: Memo<Option<OrderRow>>,
    now: RwSignal<chrono::NaiveDateTime>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let action = Action::new();
    let note = RwSignal::new(String::new());
    let technician = RwSignal::new(String::new());
    let satisfaction = RwSignal::new(5u8);
    let in_person = RwSignal::new(false);
    let appointment = RwSignal::new(String::new());
    // Technicians' arrivals carry their position when the phone allows it (the session may
    // still be loading when the page opens from a link, hence an effect).
    let position = RwSignal::new(None::<Position>);
    Effect::new(move |_| {
        if app.session.with(|s| s.as_ref().map(|s| s.user.role)) == Some(Role::Technician) {
            watch_position_into(position);
        }
    });
    let session = move || app.session.get();
    let role = move || session().map(|s| s.user.role);
    let me = move || session().map(|s| s.user.id);
    let technicians = move || {
        order.with(|o| {
            o.as_ref().map_or_else(Vec::new, |o| {
                people_of_project(session().as_ref(), Role::Technician, o.project_id)
            })
        })
    };
    let steps = Memo::new(move |_| {
        let Some(role) = role() else {
            return Vec::new();
        };
        order.with(|o| {
            o.as_ref()
                .map(|o| {
                    let tech = o.folded.state.technician.get().copied();
                    order_actions(o.status(), tech, role, me())
                })
                .unwrap_or_default()
        })
    });
    let may = move |a: OrderAction| steps.with(|s| s.contains(&a));
    // One change to the order as it is now; the note box empties once it is saved.
    let act = move |make: &dyn Fn(&OrderRow) -> Draft| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        action.save(app, vec![make(&o)], move || note.set(String::new()));
    };
    let typed = move || {
        let n = note.get_untracked();
        (!n.trim().is_empty()).then(|| n.trim().to_string())
    };
    let take = move |step: OrderAction| match step {
        OrderAction::Assign => match UserId::parse(&technician.get_untracked()) {
            Ok(t) => act(&|o| o.draft(&RepairAssigned { technician_id: t })),
            Err(_) => action.say(Key::OrderNeedsInput),
        },
        OrderAction::Cancel => match typed() {
            Some(r) => act(&|o| o.draft(&RepairCancelled(Reason { reason: r.clone() }))),
            None => action.say(Key::OrderNeedsInput),
        },
        // A note is also the first answer to the owner's call (`RepairOrder::deadlines`).
        OrderAction::AddNote => match typed() {
            Some(t) => act(&|o| o.draft(&RepairNoteAdded(TextNote { text: t.clone() }))),
            None => action.say(Key::OrderNeedsInput),
        },
        OrderAction::SetAppointment => match appointment_time(&appointment.get_untracked()) {
            Some(when) => {
                let fields = RepairFields {
                    appointment: Some(when),
                    ..RepairFields::default()
                };
                act(&|o| {
                    o.draft(&RepairUpdated {
                        fields: fields.clone(),
                    })
                })
            }
            None => action.say(Key::OrderAppointmentInvalid),
        },
        OrderAction::Accept => act(&|o| o.draft(&RepairAccepted {})),
        OrderAction::Depart => act(&|o| o.draft(&RepairOnTheWay {})),
        OrderAction::Arrive => {
            let arrived = RepairArrived {
                position: position.get_untracked(),
            };
            act(&|o| o.draft(&arrived))
        }
        OrderAction::ReturnVisit => {
            let visit = RepairReturnVisited {
                satisfaction: satisfaction.get_untracked(),
                comment: typed(),
                method: Some(visit_method(in_person.get_untracked()).to_string()),
            };
            act(&|o| o.draft(&visit))
        }
        OrderAction::FixAgain => match typed() {
            Some(r) => act(&|o| o.draft(&RepairFixAgain(Reason { reason: r.clone() }))),
            None => action.say(Key::OrderNeedsInput),
        },
        OrderAction::Close => act(&|o| o.draft(&RepairClosed {})),
        // These have forms of their own below.
        OrderAction::EditFields | OrderAction::Work => {}
    };
    let button = move |step: OrderAction, key: Key| {
        view! {
            <button
                type="button"
                class="secondary"
                data-action=step.name()
                disabled=move || action.pending()
                on:click=move |_| take(step)
            >
                {i18n.text(key)}
            </button>
        }
        .into_any()
    };
    // Each step in the order `order_actions` gives, with the inputs it needs.
    let step_view = move |step: OrderAction| match step {
        OrderAction::Assign => button(step, Key::ActAssign),
        OrderAction::Cancel => button(step, Key::ActCancel),
        OrderAction::AddNote => button(step, Key::OrderAddNote),
        OrderAction::EditFields => view! { <OrderFieldsEdit order action /> }.into_any(),
        OrderAction::SetAppointment => view! {
            <input
                type="datetime-local"
                data-testid="order-set-appointment"
                prop:value=move || appointment.get()
                on:input=move |ev| appointment.set(event_target_value(&ev))
            />
            {button(step, Key::OrderSetAppointment)}
        }
        .into_any(),
        OrderAction::Accept => button(step, Key::ActAccept),
        OrderAction::Depart => button(step, Key::ActOnTheWay),
        OrderAction::Arrive => button(step, Key::ActArrived),
        OrderAction::ReturnVisit => view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="order-visit-in-person"
                    prop:checked=move || in_person.get()
                    on:change=move |ev| in_person.set(event_target_checked(&ev))
                />
                <span>{i18n.text(Key::OrderVisitInPerson)}</span>
            </label>
            {button(step, Key::ActReturnVisit)}
        }
        .into_any(),
        OrderAction::FixAgain => button(step, Key::ActFixAgain),
        OrderAction::Close => button(step, Key::ActClose),
        OrderAction::Work => ().into_any(),
    };
    view! {
        <div class="card form">
            <Show when=move || { role() != Some(Role::Technician) }>
                <label>
                    <span>{i18n.text(Key::OrderTechnician)}</span>
                    <select
                        data-testid="order-assign-to"
                        on:change=move |ev| technician.set(event_target_value(&ev))
                    >
                        <option value="">"—"</option>
                        {move || {
                            technicians()
                                .into_iter()
                                .map(|(id, name)| {
                                    view! { <option value=id.to_string()>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <SatisfactionSelect satisfaction testid="order-satisfaction" />
            </Show>
            <QuietHoursWarning
                now=now
                project=Signal::derive(move || {
                    order
                        .with(|o| {
                            o.as_ref()
                                .filter(|o| o.status() == Some(RepairStatus::Completed))
                                .map(|o| o.project_id)
                        })
                })
            />
            <label>
                <span>{i18n.text(Key::OrderNote)}</span>
                <input
                    data-testid="order-note"
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev))
                />
            </label>
            <Show when=move || role() == Some(Role::Technician)>
                <p
                    class="hint"
                    data-testid="order-position"
                    data-fix=move || position.with(|p| p.is_some()).to_string()
                >
                    {move || match position.get() {
                        Some(p) => {
                            format!(
                                "{} ±{} m",
                                i18n.t(Key::PositionKnown),
                                p.accuracy_m.round() as i64,
                            )
                        }
                        None => i18n.t(Key::PositionUnknown).to_string(),
                    }}
                </p>
            </Show>
            <div class="row actions">
                {move || steps.get().into_iter().map(step_view).collect_view()}
            </div>
            <Show when=move || may(OrderAction::Work)>
                <OrderWork order action note />
            </Show>
            <ErrorLine action />
        </div>
    }
}

/// Dispatchers correct the category and urgency (they decide the limits; a wrong guess at
/// intake is corrected here).
#[component]
fn OrderFieldsEdit(order: Memo<Option<OrderRow>>, action: Action) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let (cat_now, urgent_now) = order.with_untracked(|o| {
        o.as_ref().map_or((String::new(), false), |o| {
            let s = &o.folded.state;
            (
                s.category_id
                    .get()
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                s.urgent.get().copied().unwrap_or(false),
            )
        })
    });
    let cat = RwSignal::new(cat_now.clone());
    let urg = RwSignal::new(urgent_now);
    let change = move |_| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        let fields = RepairFields {
            category_id: RecordId::parse(&cat.get_untracked()).ok(),
            urgent: Some(urg.get_untracked()),
            ..RepairFields::default()
        };
        action.save(app, vec![o.draft(&RepairUpdated { fields })], || ());
    };
    view! {
        <select
            data-testid="order-edit-category"
            on:change=move |ev| cat.set(event_target_value(&ev))
        >
            {categories()
                .into_iter()
                .map(|c| {
                    let id = c.id.to_string();
                    let selected = id == cat_now;
                    view! {
                        <option value=id selected=selected>
                            {c.name}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        <label class="check">
            <input
                type="checkbox"
                data-testid="order-edit-urgent"
                prop:checked=move || urg.get()
                on:change=move |ev| urg.set(event_target_checked(&ev))
            />
            <span>{i18n.text(Key::OrderUrgent)}</span>
        </label>
        <button
            type="button"
            class="secondary"
            data-action=OrderAction::EditFields.name()
            disabled=move || action.pending()
            on:click=change
        >
            {i18n.text(Key::OrderEdit)}
        </button>
    }
}

/// The assigned technician's work: labour and materials (starting from the quote), before
/// and after photos, the owner's signature or refusal, and completion.
#[component]
fn OrderWork(
    order: Memo<Option<OrderRow>>,
    action: Action,
    note: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let work = WorkEntry::new();
    // The completion starts from the quote agreed at intake, once.
    Effect::new(move |filled: Option<bool>| {
        if filled == Some(true) {
            return true;
        }
        order.with(|o| {
            o.as_ref()
                .and_then(|o| o.folded.state.quote.get().cloned())
                .map(|q| work.fill_from(&q))
                .is_some()
        })
    });
    let act = move |make: &dyn Fn(&OrderRow) -> Draft| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        action.save(app, vec![make(&o)], move || note.set(String::new()));
    };
    // Completing an order made from a finding rectifies the finding only with an "after"
    // photo (a rectification needs one), so the technician is told before completing.
    let needs_after_photo = move || {
        order.with(|o| {
            o.as_ref().is_some_and(|o| {
                let s = &o.folded.state;
                s.finding_id.is_some()
                    && !s
                        .photos
                        .items()
                        .iter()
                        .any(|p| p.value.caption.as_deref() == Some(AFTER_CAPTION))
            })
        })
    };
    let photo = move |caption: &'static str| {
        Callback::new(move |h: String| {
            let added = RepairPhotoAdded(PhotoRef {
                sha256: h,
                caption: Some(caption.to_string()),
            });
            act(&|o| o.draft(&added))
        })
    };
    let signed = Callback::new(move |png: Vec<u8>| {
        leptos::task::spawn_local(async move {
            match keep(&png).await {
                Ok(h) => {
                    let sig = RepairSignatureAdded(Signature {
                        sha256: Some(h),
                        signer: None,
                        refused_reason: None,
                    });
                    act(&|o| o.draft(&sig))
                }
                Err(e) => action.fail(Problem::Photo(e)),
            }
        });
    });
    let refused = move |_| {
        let why = note.get_untracked();
        if why.trim().is_empty() {
            return action.say(Key::SignatureRefusedNeedsReason);
        }
        let sig = RepairSignatureAdded(Signature {
            sha256: None,
            signer: None,
            refused_reason: Some(why.trim().to_string()),
        });
        act(&|o| o.draft(&sig));
    };
    let complete = move |_| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        // The owner signs for the work (domain.md §2), or refuses with a reason on record.
        if o.folded.state.signatures.is_empty() {
            return action.say(Key::WorkNeedsSignature);
        }
        let n = note.get_untracked();
        let result = (!n.trim().is_empty()).then(|| n.trim().to_string());
        match work.completion(result.clone()) {
            // The order's completion and the finding it rectifies: one transaction.
            Ok(done) => {
                let mut drafts = vec![o.draft(&done)];
                drafts.extend(finding_fix(&o, result.as_deref()));
                action.save(app, drafts, move || note.set(String::new()));
            }
            Err(k) => action.say(k),
        }
    };
    view! {
        <div class="card form" data-testid="order-work">
            {work_form(i18n, work, true)}
            <Show when=needs_after_photo>
                <p class="hint" data-testid="order-needs-after-photo">
                    {i18n.text(Key::OrderFindingNeedsAfterPhoto)}
                </p>
            </Show>
            <div class="row">
                <PhotoPicker
                    testid="order-photo-before"
                    label=Key::PhotoBefore
                    on_added=photo(BEFORE_CAPTION)
                />
                <PhotoPicker
                    testid="order-photo-after"
                    label=Key::PhotoAfter
                    on_added=photo(AFTER_CAPTION)
                />
            </div>
            <h3>{i18n.text(Key::SignatureTitle)}</h3>
            <SignaturePad on_signed=signed />
            <button
                type="button"
                data-action="repair_order.signature_refused"
                disabled=move || action.pending()
                on:click=refused
            >
                {i18n.text(Key::SignatureRefused)}
            </button>
            <button
                type="button"
                class="primary"
                data-action=OrderAction::Work.name()
                disabled=move || action.pending()
                on:click=complete
            >
                {i18n.text(Key::ActComplete)}
            </button>
        </div>
    }
}
