//! `/orders/new`: intake, online or offline.

use crate::model::clock::appointment_time;
use crate::model::households::{households, Household};
use crate::model::orders::categories;
use crate::offline::state::use_app;
use crate::platform::{now_ms, random_bytes};
use crate::ui::format::limits_text;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::work_form::{work_form, WorkEntry};
use guanjia_core::RecordId;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde_json::json;

/// `/orders/new`: intake, online or offline.
#[component]
pub fn NewOrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let cats = Memo::new(move |_| {
        app.data_version.track();
        categories()
    });
    // The areas this person may file orders in (butlers: their own).
    let areas = move || {
        app.session
            .get()
            .map(|s| {
                s.me.projects
                    .iter()
                    .flat_map(|p| {
                        p.areas
                            .iter()
                            .map(move |a| (p.id, a.id, format!("{} · {}", p.name, a.name)))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    let location = RwSignal::new(String::new());
    let reporter = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let request_kind = RwSignal::new("repair".to_string());
    let appointment = RwSignal::new(String::new());
    let household = RwSignal::new(None::<Household>);
    let photos = RwSignal::new(Vec::<String>::new());
    let paid = RwSignal::new(false);
    let quote = WorkEntry::new();
    let lookup = RwSignal::new(String::new());
    let registry = Memo::new(move |_| {
        app.data_version.track();
        households()
    });
    let found = move || {
        let q = lookup.get();
        registry.with(|all| {
            all.iter()
                .filter(|h| h.matches(&q))
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let pick = move |h: Household| {
        location.set(h.name.clone());
        reporter.set(h.owner.clone().unwrap_or_default());
        phone.set(h.phone.clone().unwrap_or_default());
        if let Some(a) = h.area_id {
            area.set(a.to_string());
        }
        lookup.set(String::new());
        household.set(Some(h));
    };
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| app.form_dirty.set(!description.get().trim().is_empty()));
    on_cleanup(move || app.form_dirty.set(false));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = description.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        // A repair is timed by its category (domain.md §2); other requests need none.
        if request_kind.get_untracked() == "repair" && category.get_untracked().is_empty() {
            error.set(Some(i18n.t(Key::OrderNeedsCategory).to_string()));
            return;
        }
        let all = areas();
        let chosen = area.get_untracked();
        let Some((project_id, area_id, _)) = all
            .iter()
            .find(|(_, a, _)| a.to_string() == chosen)
            .or_else(|| all.first())
            .cloned()
        else {
            error.set(Some(i18n.t(Key::OrderNoArea).to_string()));
            return;
        };
        let mut payload = json!({"description": text.trim(), "urgent": urgent.get_untracked(), "request_kind": request_kind.get_untracked()});
        if let Some(q) = paid.get_untracked().then(|| quote.quote()).flatten() {
            payload["quote"] = q;
        }
        if let Some(h) = household.get_untracked() {
            payload["household_id"] = json!(h.id);
        }
        if let Some(when) = appointment_time(&appointment.get_untracked()) {
            payload["appointment"] = json!(when);
        }
        let optional = [
            ("category_id", category.get_untracked()),
            ("location", location.get_untracked()),
            ("reporter_name", reporter.get_untracked()),
            ("reporter_phone", phone.get_untracked()),
        ];
        for (k, v) in optional {
            if !v.trim().is_empty() {
                payload[k] = json!(v.trim());
            }
        }
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let draft = crate::model::rows::draft(
            "repair_order",
            id,
            "repair_order.created",
            project_id,
            Some(area_id),
            payload,
        );
        // The order and its photos: one action, one transaction.
        let mut drafts = vec![draft];
        for h in photos.get_untracked() {
            drafts.push(crate::model::rows::draft(
                "repair_order",
                id,
                "repair_order.photo_added",
                project_id,
                Some(area_id),
                json!({"sha256": h}),
            ));
        }
        let navigate = navigate.clone();
        crate::model::write::save(app, drafts, error, move || {
            description.set(String::new());
            photos.set(Vec::new());
            app.form_dirty.set(false);
            navigate(&format!("/orders/{id}"), Default::default());
        });
    };
    let text_input = move |key: Key,
                           sig: RwSignal<String>,
                           testid: &'static str,
                           kind: &'static str| {
        view! {
            <label>
                <span>{i18n.text(key)}</span>
                <input type=kind data-testid=testid prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="page order-new">
            <h1>{i18n.text(Key::OrderNew)}</h1>
            <form class="card form" on:submit=submit>
                <label>
                    <span>{i18n.text(Key::OrderHousehold)}</span>
                    <input type="search" data-testid="order-household-search" placeholder=i18n.text(Key::OrderHouseholdHint)
                        prop:value=move || lookup.get() on:input=move |ev| lookup.set(event_target_value(&ev)) />
                </label>
                <ul class="list suggestions">
                    {move || found().into_iter().map(|h| {
                        let label = format!("{} · {}", h.name, h.owner.clone().unwrap_or_default());
                        view! {
                            <li><button type="button" class="small" data-testid="order-household" data-household-id=h.id.to_string()
                                on:click=move |_| pick(h.clone())>{label}</button></li>
                        }
                    }).collect_view()}
                </ul>
                {move || household.get().map(|h| view! { <p class="hint" data-testid="order-household-picked">{h.name}</p> })}
                <label>
                    <span>{i18n.text(Key::OrderRequestKind)}</span>
                    <select data-testid="order-request-kind" on:change=move |ev| request_kind.set(event_target_value(&ev))>
                        {[("repair", Key::KindRepair), ("emergency_medical", Key::KindEmergencyMedical), ("complaint", Key::KindComplaint),
                          ("enquiry", Key::KindEnquiry), ("security_incident", Key::KindSecurity), ("disaster", Key::KindDisaster), ("other", Key::KindOther)]
                            .into_iter()
                            .map(|(v, k)| view! { <option value=v selected=move || request_kind.get() == v>{i18n.text(k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <Show when=move || request_kind.get() == "complaint">
                    <p class="hint" data-testid="order-complaint-kind">
                        {i18n.text(Key::OrderComplaintKind)} " "
                        <A href="/complaints/new" attr:class="button" attr:data-testid="order-to-complaint-form">{i18n.text(Key::ComplaintNew)}</A>
                    </p>
                </Show>
                <label>
                    <span>{i18n.text(Key::OrderDescription)}</span>
                    <textarea data-testid="order-description" rows="3" required
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
                <label>
                    <span>{i18n.text(Key::OrderCategory)}</span>
                    <select data-testid="order-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || cats.get().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                </label>
                {move || {
                    let id = category.get();
                    cats.with(|cs| cs.iter().find(|c| c.id.to_string() == id).map(|c| view! {
                        <p class="hint" data-testid="order-category-limits">{limits_text(i18n, &c.limits)}</p>
                    }))
                }}
                <label>
                    <span>{i18n.text(Key::OrderArea)}</span>
                    <select data-testid="order-area" on:change=move |ev| area.set(event_target_value(&ev))>
                        {move || areas().into_iter().map(|(_, a, name)| view! { <option value=a.to_string()>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="order-urgent" prop:checked=move || urgent.get()
                        on:change=move |ev| urgent.set(event_target_checked(&ev)) />
                    <span>{i18n.text(Key::OrderUrgentHint)}</span>
                </label>
                {text_input(Key::OrderLocation, location, "order-location", "text")}
                {text_input(Key::OrderReporter, reporter, "order-reporter", "text")}
                {text_input(Key::OrderPhone, phone, "order-phone", "tel")}
                {text_input(Key::OrderAppointment, appointment, "order-appointment", "datetime-local")}
                <label class="check">
                    <input type="checkbox" data-testid="order-paid" prop:checked=move || paid.get()
                        on:change=move |ev| paid.set(event_target_checked(&ev)) />
                    <span>{i18n.text(Key::OrderPaid)}</span>
                </label>
                <Show when=move || paid.get()>
                    <div class="card form" data-testid="order-quote-form">{work_form(i18n, quote, false)}</div>
                </Show>
                <crate::ui::photo::PhotoPicker testid="order-intake-photo" on_added=Callback::new(move |h: String| photos.update(|p| if !p.contains(&h) { p.push(h) }))/>
                <div class="photos">{move || photos.get().into_iter().map(|h| view! { <crate::ui::photo::Photo hash=h /> }).collect_view()}</div>
                <button type="submit" class="primary" data-testid="order-submit" disabled=move || description.get().trim().is_empty()>
                    {i18n.text(Key::OrderSubmit)}
                </button>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{i18n.text(Key::SaveFailed)} {move || error.get().unwrap_or_default()}</p>
                </Show>
            </form>
        </section>
    }
}
