//! `/complaints/new`.

use crate::model::households::Household;
use crate::model::people::my_areas;
use crate::offline::state::use_app;
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::household_lookup::HouseholdLookup;
use crate::ui::i18n::{use_i18n, Key};
use guanjia_core::records::ComplaintFields;
use guanjia_core::Draft;
use guanjia_core::RecordId;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

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
            .and_then(|id| {
                crate::model::orders::orders()
                    .into_iter()
                    .find(|o| o.id == id)
            })
    });
    let description = RwSignal::new(String::new());
    let reporter = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let household = RwSignal::new(None::<Household>);
    let action = Action::new();
    // Coming from an order: the owner and household are already known.
    Effect::new(move |_| {
        if let Some(o) = order.get() {
            let s = &o.folded.state;
            reporter.set(s.reporter_name.get().cloned().unwrap_or_default());
            phone.set(s.reporter_phone.get().cloned().unwrap_or_default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = description.get_untracked();
        if text.trim().is_empty() {
            return action.say(Key::ComplaintNeedsText);
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
            return action.say(Key::OrderNoArea);
        };
        let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let registered = ComplaintFields {
            description: Some(text.trim().to_string()),
            household_id: h.as_ref().map(|h| h.id).or_else(|| {
                o.as_ref()
                    .and_then(|o| o.folded.state.household_id.get().copied())
            }),
            reporter_name: opt(reporter.get_untracked()),
            reporter_phone: opt(phone.get_untracked()),
            repair_order_id: o.as_ref().map(|o| o.id),
        };
        let d = Draft::new(id, project, area, &registered);
        action.save(app, vec![d], move || {
            navigate.with_value(|n| n(&format!("/complaints/{id}"), Default::default()))
        });
    };
    let field = move |key: Key, sig: RwSignal<String>, testid: &'static str| {
        view! {
            <label>
                <span>{i18n.text(key)}</span>
                <input
                    data-testid=testid
                    prop:value=move || sig.get()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <section class="page complaint-new">
            <h1>{i18n.text(Key::ComplaintNew)}</h1>
            <form class="card form" on:submit=submit>
                {move || {
                    order
                        .get()
                        .map(|o| {
                            view! {
                                <p class="hint" data-testid="complaint-order">
                                    {i18n.text(Key::ComplaintAboutOrder)}
                                    " "
                                    {o.folded.state.description.get().cloned().unwrap_or_default()}
                                </p>
                            }
                        })
                }}
                <HouseholdLookup
                    testid="complaint-household"
                    on_pick=Callback::new(move |h: Household| {
                        reporter.set(h.owner.clone().unwrap_or_default());
                        phone.set(h.phone.clone().unwrap_or_default());
                        household.set(Some(h));
                    })
                />
                {move || household.get().map(|h| view! { <p class="hint">{h.name}</p> })}
                <label>
                    <span>{i18n.text(Key::ComplaintText)}</span>
                    <textarea
                        data-testid="complaint-description"
                        rows="3"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))
                    ></textarea>
                </label>
                {field(Key::OrderReporter, reporter, "complaint-reporter")}
                {field(Key::OrderPhone, phone, "complaint-phone")}
                <button
                    type="submit"
                    class="primary"
                    data-testid="complaint-submit"
                    disabled=move || action.pending()
                >
                    {i18n.text(Key::ComplaintSubmit)}
                </button>
                <ErrorLine action />
            </form>
        </section>
    }
}
