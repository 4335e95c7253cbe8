//! `/orders/new`: intake, online or offline.

use crate::model::clock::appointment_time;
use crate::model::households::Household;
use crate::model::orders::categories;
use crate::model::people::my_areas_of;
use crate::offline::state::use_app;
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::format::limits_text;
use crate::ui::household_lookup::HouseholdLookup;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{request_kind_code, request_kind_of, REQUEST_KINDS};
use crate::ui::work_form::{work_form, WorkEntry};
use guanjia_core::payload::PhotoRef;
use guanjia_core::records::{RepairCreated, RepairFields, RepairPhotoAdded, RequestKind};
use guanjia_core::{Draft, RecordId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

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
        my_areas_of(app)
            .into_iter()
            .map(|a| (a.project, a.area, a.label()))
            .collect::<Vec<_>>()
    };
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    let location = RwSignal::new(String::new());
    let reporter = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let request_kind = RwSignal::new(RequestKind::Repair);
    let appointment = RwSignal::new(String::new());
    let household = RwSignal::new(None::<Household>);
    let photos = RwSignal::new(Vec::<String>::new());
    let paid = RwSignal::new(false);
    let quote = WorkEntry::new();
    let pick = move |h: Household| {
        location.set(h.name.clone());
        reporter.set(h.owner.clone().unwrap_or_default());
        phone.set(h.phone.clone().unwrap_or_default());
        if let Some(a) = h.area_id {
            area.set(a.to_string());
        }
        household.set(Some(h));
    };
    let action = Action::new();
    Effect::new(move |_| app.form_dirty.set(!description.get().trim().is_empty()));
    on_cleanup(move || app.form_dirty.set(false));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = description.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        // A repair is timed by its category (domain.md §2); other requests need none.
        if request_kind.get_untracked() == RequestKind::Repair
            && category.get_untracked().is_empty()
        {
            action.say(Key::OrderNeedsCategory);
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
            action.say(Key::OrderNoArea);
            return;
        };
        let trimmed = |sig: RwSignal<String>| {
            let v = sig.get_untracked();
            (!v.trim().is_empty()).then(|| v.trim().to_string())
        };
        let fields = RepairFields {
            description: Some(text.trim().to_string()),
            urgent: Some(urgent.get_untracked()),
            request_kind: Some(request_kind.get_untracked()),
            quote: paid.get_untracked().then(|| quote.quote()).flatten(),
            household_id: household.get_untracked().map(|h| h.id),
            appointment: appointment_time(&appointment.get_untracked()),
            category_id: RecordId::parse(&category.get_untracked()).ok(),
            location: trimmed(location),
            reporter_name: trimmed(reporter),
            reporter_phone: trimmed(phone),
        };
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let created = RepairCreated {
            fields,
            finding_id: None,
        };
        // The order and its photos: one action, one transaction.
        let mut drafts = vec![Draft::new(id, project_id, Some(area_id), &created)];
        for h in photos.get_untracked() {
            let photo = RepairPhotoAdded(PhotoRef {
                sha256: h,
                caption: None,
            });
            drafts.push(Draft::new(id, project_id, Some(area_id), &photo));
        }
        let navigate = navigate.clone();
        action.save(app, drafts, move || {
            description.set(String::new());
            photos.set(Vec::new());
            app.form_dirty.set(false);
            navigate(&format!("/orders/{id}"), Default::default());
        });
    };
    let text_input =
        move |key: Key, sig: RwSignal<String>, testid: &'static str, kind: &'static str| {
            view! {
                <label>
                    <span>{i18n.text(key)}</span>
                    <input
                        type=kind
                        data-testid=testid
                        prop:value=move || sig.get()
                        on:input=move |ev| sig.set(event_target_value(&ev))
                    />
                </label>
            }
        };
    view! {
        <section class="page order-new">
            <h1>{i18n.text(Key::OrderNew)}</h1>
            <form class="card form" on:submit=submit>
                <HouseholdLookup testid="order-household" on_pick=Callback::new(pick) />
                {move || {
                    household
                        .get()
                        .map(|h| {
                            view! {
                                <p class="hint" data-testid="order-household-picked">
                                    {h.name}
                                </p>
                            }
                        })
                }}
                <label>
                    <span>{i18n.text(Key::OrderRequestKind)}</span>
                    <select
                        data-testid="order-request-kind"
                        on:change=move |ev| {
                            if let Some(k) = request_kind_of(&event_target_value(&ev)) {
                                request_kind.set(k);
                            }
                        }
                    >
                        {REQUEST_KINDS
                            .into_iter()
                            .map(|(v, k)| {
                                view! {
                                    <option
                                        value=request_kind_code(v)
                                        selected=move || request_kind.get() == v
                                    >
                                        {i18n.text(k)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <Show when=move || request_kind.get() == RequestKind::Complaint>
                    <p class="hint" data-testid="order-complaint-kind">
                        {i18n.text(Key::OrderComplaintKind)}
                        " "
                        <A
                            href="/complaints/new"
                            attr:class="button"
                            attr:data-testid="order-to-complaint-form"
                        >
                            {i18n.text(Key::ComplaintNew)}
                        </A>
                    </p>
                </Show>
                <label>
                    <span>{i18n.text(Key::OrderDescription)}</span>
                    <textarea
                        data-testid="order-description"
                        rows="3"
                        required
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <label>
                    <span>{i18n.text(Key::OrderCategory)}</span>
                    <select
                        data-testid="order-category"
                        on:change=move |ev| category.set(event_target_value(&ev))
                    >
                        <option value="">"—"</option>
                        {move || {
                            cats.get()
                                .into_iter()
                                .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                {move || {
                    let id = category.get();
                    cats.with(|cs| {
                        cs.iter()
                            .find(|c| c.id.to_string() == id)
                            .map(|c| {
                                view! {
                                    <p class="hint" data-testid="order-category-limits">
                                        {limits_text(i18n, &c.limits)}
                                    </p>
                                }
                            })
                    })
                }}
                <label>
                    <span>{i18n.text(Key::OrderArea)}</span>
                    <select
                        data-testid="order-area"
                        on:change=move |ev| area.set(event_target_value(&ev))
                    >
                        {move || {
                            areas()
                                .into_iter()
                                .map(|(_, a, name)| {
                                    view! { <option value=a.to_string()>{name}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="order-urgent"
                        prop:checked=move || urgent.get()
                        on:change=move |ev| urgent.set(event_target_checked(&ev))
                    />
                    <span>{i18n.text(Key::OrderUrgentHint)}</span>
                </label>
                {text_input(Key::OrderLocation, location, "order-location", "text")}
                {text_input(Key::OrderReporter, reporter, "order-reporter", "text")}
                {text_input(Key::OrderPhone, phone, "order-phone", "tel")}
                {text_input(
                    Key::OrderAppointment,
                    appointment,
                    "order-appointment",
                    "datetime-local",
                )}
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="order-paid"
                        prop:checked=move || paid.get()
                        on:change=move |ev| paid.set(event_target_checked(&ev))
                    />
                    <span>{i18n.text(Key::OrderPaid)}</span>
                </label>
                <Show when=move || paid.get()>
                    <div class="card form" data-testid="order-quote-form">
                        {work_form(i18n, quote, false)}
                    </div>
                </Show>
                <crate::ui::photo::PhotoSet photos testid="order-intake-photo" />
                <button
                    type="submit"
                    class="primary"
                    data-testid="order-submit"
                    disabled=move || description.get().trim().is_empty() || action.pending()
                >
                    {i18n.text(Key::OrderSubmit)}
                </button>
                <ErrorLine action />
            </form>
        </section>
    }
}
