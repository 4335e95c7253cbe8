//! `/orders/:id`: one order, its deadlines, history and the next steps.

use crate::model::clock::{appointment_time, calendar, minute_clock};
use crate::model::orders::{categories, finding_fix, order, order_draft};
use crate::model::people::person_name;
use crate::model::write::save;
use crate::offline::state::use_app;
use crate::ui::format::{countdown_text, urgency_class, yuan};
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{order_kind_key, order_status_key};
use crate::ui::quiet_hours::QuietHoursWarning;
use crate::ui::work_form::{work_form, WorkEntry};
use guanjia_core::records::{DeadlineState, RepairStatus};
use guanjia_core::{RecordId, Role, UserId};
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::json;

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
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(String::new());
    let technician = RwSignal::new(String::new());
    let satisfaction = RwSignal::new(5u8);
    let in_person = RwSignal::new(false);
    let appointment = RwSignal::new(String::new());
    // Technicians' arrivals carry their position when the phone allows it (the session may
    // still be loading when the page opens from a link, hence an effect).
    let position = RwSignal::new(None::<serde_json::Value>);
    Effect::new(move |_| {
        if app.session.with(|s| s.as_ref().map(|s| s.user.role)) == Some(Role::Technician) {
            crate::platform::geo::watch_position_into(position);
        }
    });
    let work = WorkEntry::new();
    // The technician's completion starts from the quote agreed at intake, once.
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
    let session = move || app.session.get();
    let role = move || session().map(|s| s.user.role);
    let me = move || session().map(|s| s.user.id);
    let technicians = move || {
        order.with(|o| {
            o.as_ref().map_or_else(Vec::new, |o| {
                crate::model::people::people_of_project(
                    session().as_ref(),
                    Role::Technician,
                    o.project_id,
                )
            })
        })
    };
    let act = move |kind: &'static str, payload: serde_json::Value| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        save(
            app,
            vec![order_draft(&o, kind, payload)],
            error,
            move || note.set(String::new()),
        );
    };
    let button =
        move |kind: &'static str,
              key: Key,
              payload: fn(String, u8, String) -> Option<serde_json::Value>| {
            view! {
                <button type="button" class="secondary" data-action=kind on:click=move |_| {
                    match payload(note.get_untracked(), satisfaction.get_untracked(), technician.get_untracked()) {
                        Some(p) => act(kind, p),
                        None => error.set(Some(i18n.t(Key::OrderNeedsInput).to_string())),
                    }
                }>
                    {i18n.text(key)}
                </button>
            }
            .into_any()
        };
    // Completing an order made from a finding rectifies the finding only with an "after"
    // photo (a rectification needs one), so the technician is told before completing.
    let needs_after_photo = move || {
        order.with(|o| {
            o.as_ref().is_some_and(|o| {
                let s = &o.folded.state;
                s.finding_id.is_some()
                    && !s.photos.items().iter().any(|p| {
                        p.value.caption.as_deref() == Some(guanjia_core::records::AFTER_CAPTION)
                    })
            })
        })
    };
    let can_work = move || {
        order.with(|o| {
            o.as_ref().is_some_and(|o| {
                o.folded.state.technician.get().copied() == me()
                    && matches!(
                        o.status(),
                        Some(
                            RepairStatus::Accepted | RepairStatus::OnTheWay | RepairStatus::Arrived
                        )
                    )
            })
        })
    };
    let complete = move |_| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        // The owner signs for the work (domain.md §2), or refuses with a reason on record.
        if o.folded.state.signatures.is_empty() {
            error.set(Some(i18n.t(Key::WorkNeedsSignature).to_string()));
            return;
        }
        let n = note.get_untracked();
        let result = (!n.trim().is_empty()).then(|| n.trim().to_string());
        match work.payload(result.clone()) {
            Ok(p) => {
                let mut drafts = vec![order_draft(&o, "repair_order.completed", p)];
                drafts.extend(finding_fix(&o, result.as_deref()));
                crate::model::write::save(app, drafts, error, move || note.set(String::new()));
            }
            Err(k) => error.set(Some(i18n.t(k).to_string())),
        }
    };
    let actions = move || {
        let (Some(o), Some(role)) = (order.get(), role()) else {
            return Vec::new();
        };
        let status = o.status();
        let assigned_to_me = o.folded.state.technician.get().copied() == me();
        let dispatcher = role != Role::Technician;
        let mut out = Vec::new();
        use RepairStatus::*;
        let empty = |_: String, _: u8, _: String| Some(json!({}));
        let reason = |n: String, _: u8, _: String| {
            (!n.trim().is_empty()).then(|| json!({"reason": n.trim()}))
        };
        match status {
            Some(Created | Assigned | Accepted | OnTheWay | Arrived) if dispatcher => {
                out.push(button(
                    "repair_order.assigned",
                    Key::ActAssign,
                    |_, _, t| UserId::parse(&t).ok().map(|t| json!({"technician_id": t})),
                ));
                out.push(button("repair_order.cancelled", Key::ActCancel, reason));
            }
            _ => {}
        }
        if status.is_some_and(RepairStatus::is_open) {
            // A note is also the first answer to the owner's call (`RepairOrder::deadlines`).
            out.push(button(
                "repair_order.note_added",
                Key::OrderAddNote,
                |n, _, _| (!n.trim().is_empty()).then(|| json!({"text": n.trim()})),
            ));
        }
        if dispatcher
            && matches!(
                status,
                Some(Created | Assigned | Accepted | OnTheWay | Arrived)
            )
        {
            // Category and urgency decide the limits; a wrong guess at intake is corrected here.
            let s = &o.folded.state;
            let (cat_now, urgent_now) = (
                s.category_id
                    .get()
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                s.urgent.get().copied().unwrap_or(false),
            );
            let cat = RwSignal::new(cat_now.clone());
            let urg = RwSignal::new(urgent_now);
            let change = move |_| {
                let mut fields = serde_json::Map::new();
                if let Ok(c) = RecordId::parse(&cat.get_untracked()) {
                    fields.insert("category_id".into(), json!(c));
                }
                fields.insert("urgent".into(), json!(urg.get_untracked()));
                act("repair_order.updated", json!({ "fields": fields }));
            };
            out.push(view! {
                <select data-testid="order-edit-category" on:change=move |ev| cat.set(event_target_value(&ev))>
                    {categories().into_iter().map(|c| {
                        let id = c.id.to_string();
                        let selected = id == cat_now;
                        view! { <option value=id selected=selected>{c.name}</option> }
                    }).collect_view()}
                </select>
                <label class="check"><input type="checkbox" data-testid="order-edit-urgent" prop:checked=move || urg.get()
                    on:change=move |ev| urg.set(event_target_checked(&ev)) /><span>{i18n.text(Key::OrderUrgent)}</span></label>
                <button type="button" class="secondary" data-action="repair_order.updated.fields" on:click=change>{i18n.text(Key::OrderEdit)}</button>
            }.into_any());
        }
        if dispatcher && matches!(status, Some(Created | Assigned | Accepted)) {
            let set = move |_| match appointment_time(&appointment.get_untracked()) {
                Some(when) => act(
                    "repair_order.updated",
                    json!({"fields": {"appointment": when}}),
                ),
                None => error.set(Some(i18n.t(Key::OrderAppointmentInvalid).to_string())),
            };
            out.push(view! {
                <input type="datetime-local" data-testid="order-set-appointment" prop:value=move || appointment.get()
                    on:input=move |ev| appointment.set(event_target_value(&ev)) />
                <button type="button" class="secondary" data-action="repair_order.updated" on:click=set>{i18n.text(Key::OrderSetAppointment)}</button>
            }.into_any());
        }
        if assigned_to_me {
            match status {
                Some(Assigned) => out.push(button("repair_order.accepted", Key::ActAccept, empty)),
                Some(Accepted | OnTheWay) => {
                    if status == Some(Accepted) {
                        out.push(button("repair_order.on_the_way", Key::ActOnTheWay, empty));
                    }
                    let arrived = move |_| {
                        let p = position.get_untracked();
                        act(
                            "repair_order.arrived",
                            p.map_or_else(|| json!({}), |p| json!({"position": p})),
                        );
                    };
                    out.push(view! {
                        <button type="button" class="secondary" data-action="repair_order.arrived" on:click=arrived>{i18n.text(Key::ActArrived)}</button>
                    }.into_any());
                }
                _ => {}
            }
        }
        if dispatcher {
            match status {
                Some(Completed) => {
                    let visit = move |_| {
                        let n = note.get_untracked();
                        let method = if in_person.get_untracked() {
                            "in_person"
                        } else {
                            "phone"
                        };
                        act(
                            "repair_order.return_visited",
                            json!({"satisfaction": satisfaction.get_untracked(), "comment": (!n.trim().is_empty()).then(|| n.trim().to_string()), "method": method}),
                        );
                    };
                    out.push(view! {
                        <label class="check"><input type="checkbox" data-testid="order-visit-in-person" prop:checked=move || in_person.get()
                            on:change=move |ev| in_person.set(event_target_checked(&ev)) /><span>{i18n.text(Key::OrderVisitInPerson)}</span></label>
                        <button type="button" class="secondary" data-action="repair_order.return_visited" on:click=visit>{i18n.text(Key::ActReturnVisit)}</button>
                    }.into_any());
                    out.push(button("repair_order.fix_again", Key::ActFixAgain, reason));
                }
                Some(ReturnVisited) => {
                    out.push(button("repair_order.closed", Key::ActClose, empty));
                    out.push(button("repair_order.fix_again", Key::ActFixAgain, reason));
                }
                _ => {}
            }
        }
        out
    };
    let deadline_row = move |key: Key, d: Option<guanjia_core::records::Deadline>| {
        d.map(|d| {
            let state = d.state(now.get());
            let (class, text) = match state {
                DeadlineState::Met => ("ok", i18n.t(Key::DeadlineMet).to_string()),
                DeadlineState::Late => ("overdue", i18n.t(Key::DeadlineLate).to_string()),
                DeadlineState::Running(c) => (urgency_class(&c), countdown_text(i18n.lang(), &c)),
            };
            view! {
                <li class=format!("countdown {class}") data-testid="order-deadline" data-urgency=class>
                    {i18n.text(key)} " " {d.due.format("%m-%d %H:%M").to_string()} " · " {text}
                </li>
            }
        })
    };
    view! {
        <section class="page order-detail">
            <Show when=move || order.get().is_some() fallback=move || view! { <p class="hint">{i18n.text(Key::OrderNotFound)}</p> }>
                {move || order.get().map(|o| {
                    let s = &o.folded.state;
                    let status = o.status();
                    let tech = s.technician.get().copied();
                    let sess = session();
                    view! {
                        <h1 data-testid="order-title">{s.description.get().cloned().unwrap_or_default()}</h1>
                        <p>
                            <span class="badge" data-testid="order-status" data-status=crate::model::rows::status_code(status, "created")>{i18n.text(order_status_key(status))}</span>
                            {s.urgent.get().copied().unwrap_or(false).then(|| view! { <span class="badge warn">{i18n.text(Key::OrderUrgent)}</span> })}
                            " " {o.category.clone().unwrap_or_default()}
                        </p>
                        {s.appointment.get().and_then(|a| calendar().local(a)).map(|a| view! {
                            <p class="hint" data-testid="order-appointment-shown">{i18n.text(Key::OrderAppointment)} ": " {a.format("%m-%d %H:%M").to_string()}</p>
                        })}
                        <p class="hint" data-testid="order-reporter-shown">
                            {s.location.get().cloned().unwrap_or_default()} " "
                            {s.reporter_name.get().cloned().unwrap_or_default()} " "
                            {s.reporter_phone.get().cloned().map(|p| view! {
                                <a href=format!("tel:{p}") class="button small" data-testid="order-call">{i18n.text(Key::OrderCallOwner)} " " {p.clone()}</a>
                            })}
                        </p>
                        <p class="hint">
                            {i18n.text(Key::OrderTechnician)} ": "
                            <span data-testid="order-technician">{tech.map(|t| person_name(sess.as_ref(), t)).unwrap_or_else(|| "—".into())}</span>
                        </p>
                        <Show when={let n = o.folded.conflicts.len() + o.folded.ignored.len(); move || n > 0}>
                            <p class="error" role="alert" data-testid="order-conflict">{i18n.text(Key::OrderHasConflict)}</p>
                        </Show>
                        {(o.folded.has_conflict() || !o.folded.reviews.is_empty()).then(|| view! {
                            <crate::ui::conflict_panel::ConflictPanel subject=crate::ui::conflict_panel::ConflictSubject::of("repair_order", o.id, o.project_id, o.area_id, &o.folded) kind_label=order_kind_key />
                        })}
                        <ul class="deadlines">
                            {deadline_row(Key::OrderFirstAnswer, o.deadlines.first_answer)}
                            {deadline_row(Key::OrderArrival, o.deadlines.arrival)}
                            {deadline_row(Key::OrderCompletion, o.deadlines.completion)}
                            {deadline_row(Key::OrderReturnVisit, o.deadlines.return_visit)}
                        </ul>
                        {s.quote.get().map(|q| view! {
                            <p class="hint" data-testid="order-quote" data-consented=q.owner_consented.to_string()>
                                {i18n.text(Key::OrderQuote)} " " {yuan(q.total_cents)} " · "
                                {q.items.iter().map(|m| format!("{} × {}", m.name, m.quantity.round() as i64)).collect::<Vec<_>>().join("，")} " · "
                                {i18n.text(if q.owner_consented { Key::OrderQuoteConsented } else { Key::OrderQuoteNotConsented })}
                            </p>
                        })}
                        {s.arrival_position.map(|p| view! {
                            <p class="hint" data-testid="order-arrival-position">
                                {i18n.text(Key::OrderArrivalPosition)} ": "
                                {i18n.text(Key::PositionKnown)} {format!(" ±{} m", p.accuracy_m.round() as i64)}
                            </p>
                        })}
                        {s.finding_id.map(|f| view! {
                            <p><A href=format!("/findings/{f}") attr:data-testid="order-finding-link">{i18n.text(Key::OrderFromFinding)}</A></p>
                        })}
                        {s.completion.clone().map(|c| {
                            let items = c.materials.iter().map(|m| format!("{} × {}", m.name, m.quantity)).collect::<Vec<_>>().join("，");
                            view! {
                                <p class="hint" data-testid="order-completion">
                                    {i18n.text(Key::WorkLabour)} " " {c.labour_minutes.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}
                                    " · " {items}
                                    {c.charge_cents.map(|ch| view! { " · " {i18n.text(Key::WorkCharge)} " " <span data-testid="order-charge">{yuan(ch)}</span> })}
                                    " " {c.result_note.clone().unwrap_or_default()}
                                </p>
                            }
                        })}
                        {s.return_visit.as_ref().filter(|v| v.satisfaction <= 2 && status == Some(RepairStatus::ReturnVisited)).map(|v| view! {
                            <p class="error" role="alert" data-testid="order-dissatisfied">
                                {i18n.text(Key::OrderDissatisfied)} " (" {v.satisfaction} "/5) "
                                <A href=format!("/complaints/new?order={}", o.id) attr:class="button" attr:data-testid="order-to-complaint">{i18n.text(Key::ComplaintNew)}</A>
                            </p>
                        })}
                        <div class="photos" data-testid="order-photos">
                            {s.photos.items().iter().map(|p| {
                                let caption = match p.value.caption.as_deref() {
                                    Some("before") => Some(Key::CaptionBefore),
                                    Some(guanjia_core::records::AFTER_CAPTION) => Some(Key::CaptionAfter),
                                    Some("finding") => Some(Key::CaptionFinding),
                                    _ => None,
                                };
                                view! {
                                    <figure data-testid="order-photo" data-caption=p.value.caption.clone().unwrap_or_default()>
                                        <crate::ui::photo::Photo hash=p.value.sha256.clone() />
                                        {caption.map(|k| view! { <figcaption>{i18n.text(k)}</figcaption> })}
                                    </figure>
                                }
                            }).collect_view()}
                        </div>
                        {s.signatures.items().iter().map(|x| match (&x.value.sha256, &x.value.refused_reason) {
                            (Some(h), _) => view! { <div data-testid="order-signature"><p class="hint">{i18n.text(Key::SignatureTitle)}</p><crate::ui::photo::Photo hash=h.clone() /></div> }.into_any(),
                            (None, why) => view! { <p class="hint" data-testid="order-signature-refused">{i18n.text(Key::SignatureRefused)} ": " {why.clone().unwrap_or_default()}</p> }.into_any(),
                        }).collect_view()}
                        {crate::model::complaints::complaints().into_iter()
                            .filter(|c| c.folded.state.repair_order_id.get() == Some(&o.id))
                            .map(|c| view! {
                                <p><A href=format!("/complaints/{}", c.id) attr:data-testid="order-complaint-link">
                                    {i18n.text(Key::ComplaintsTitle)} ": " {c.folded.state.description.get().cloned().unwrap_or_default()}
                                </A></p>
                            })
                            .collect_view()}
                        <ol class="history">
                            {s.history.iter().map(|h| view! {
                                <li>{crate::model::clock::clock_time(&h.device_time)} " " {i18n.t(order_status_key(Some(h.status)))} " · " {person_name(sess.as_ref(), h.actor)}</li>
                            }).collect_view()}
                        </ol>
                        <ul class="history notes">
                            {s.notes.items().iter().map(|n| view! {
                                <li data-testid="order-note-entry">{crate::model::clock::clock_time(&n.device_time)} " " {person_name(sess.as_ref(), n.actor)} ": " {n.value.clone()}</li>
                            }).collect_view()}
                        </ul>
                    }
                })}
                <div class="card form">
                    <Show when=move || { role() != Some(Role::Technician) }>
                        <label>
                            <span>{i18n.text(Key::OrderTechnician)}</span>
                            <select data-testid="order-assign-to" on:change=move |ev| technician.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {move || technicians().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>
                            <span>{i18n.text(Key::OrderSatisfaction)}</span>
                            <select data-testid="order-satisfaction" on:change=move |ev| satisfaction.set(event_target_value(&ev).parse().unwrap_or(5))>
                                {(1..=5u8).rev().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <QuietHoursWarning now=now project=Signal::derive(move || {
                        order.with(|o| o.as_ref().filter(|o| o.status() == Some(RepairStatus::Completed)).map(|o| o.project_id))
                    }) />
                    <label>
                        <span>{i18n.text(Key::OrderNote)}</span>
                        <input data-testid="order-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    </label>
                    <Show when=move || role() == Some(Role::Technician)>
                        <p class="hint" data-testid="order-position" data-fix=move || position.with(|p| p.is_some()).to_string()>
                            {move || match position.get() {
                                Some(p) => format!("{} ±{} m", i18n.t(Key::PositionKnown), p["accuracy_m"].as_f64().unwrap_or(0.0).round() as i64),
                                None => i18n.t(Key::PositionUnknown).to_string(),
                            }}
                        </p>
                    </Show>
                    <div class="row actions">{actions}</div>
                    <Show when=can_work>
                        <div class="card form" data-testid="order-work">
                            {work_form(i18n, work, true)}
                            <Show when=needs_after_photo>
                                <p class="hint" data-testid="order-needs-after-photo">{i18n.text(Key::OrderFindingNeedsAfterPhoto)}</p>
                            </Show>
                            <div class="row">
                                <crate::ui::photo::PhotoPicker testid="order-photo-before" label=Key::PhotoBefore on_added=Callback::new(move |h: String| act("repair_order.photo_added", json!({"sha256": h, "caption": "before"})))/>
                                <crate::ui::photo::PhotoPicker testid="order-photo-after" label=Key::PhotoAfter on_added=Callback::new(move |h: String| act("repair_order.photo_added", json!({"sha256": h, "caption": guanjia_core::records::AFTER_CAPTION})))/>
                            </div>
                            <h3>{i18n.text(Key::SignatureTitle)}</h3>
                            <crate::ui::signature::SignaturePad on_signed=Callback::new(move |png: Vec<u8>| {
                                leptos::task::spawn_local(async move {
                                    match crate::offline::photos::keep(&png).await {
                                        Ok(h) => act("repair_order.signature_added", json!({"sha256": h})),
                                        Err(e) => error.set(Some(e.to_string())),
                                    }
                                });
                            }) />
                            <button type="button" data-action="repair_order.signature_refused" on:click=move |_| {
                                let why = note.get_untracked();
                                if why.trim().is_empty() {
                                    error.set(Some(i18n.t(Key::SignatureRefusedNeedsReason).to_string()));
                                } else {
                                    act("repair_order.signature_added", json!({"refused_reason": why.trim()}));
                                }
                            }>{i18n.text(Key::SignatureRefused)}</button>
                            <button type="button" class="primary" data-action="repair_order.completed" on:click=complete>{i18n.text(Key::ActComplete)}</button>
                        </div>
                    </Show>
                    <Show when=move || error.get().is_some()>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
            </Show>
        </section>
    }
}
