//! `/households/:id`.

use crate::model::households::{entry, with_tag};
use crate::model::people::is_supervisor;
use crate::model::rows::use_route_id;
use crate::offline::state::use_app;
use crate::ui::action::{Action, ErrorLine};
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::{tag_badges, tags_with_keys};
use guanjia_core::records::Reference;
use guanjia_core::records::ReferenceType;
use guanjia_core::Draft;
use leptos::prelude::*;
use leptos_router::components::A;

/// `/households/:id`: owner, phone, tags (toggled by supervisors and admins), and the
/// household's repair orders and complaints.
#[component]
pub fn HouseholdPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let id = use_route_id();
    let household = Memo::new(move |_| {
        app.data_version.track();
        let row = crate::model::rows::row::<Reference>("household", id.get()?)?;
        if row.folded.state.is_retired() {
            return None;
        }
        entry(row.id, row.project_id, row.area_id, &row.folded.state)
    });
    let orders = Memo::new(move |_| {
        app.data_version.track();
        let Some(h) = id.get() else { return Vec::new() };
        crate::model::orders::orders()
            .into_iter()
            .filter(|o| o.folded.state.household_id.get() == Some(&h))
            .collect::<Vec<_>>()
    });
    let complaints = Memo::new(move |_| {
        app.data_version.track();
        let Some(h) = id.get() else { return Vec::new() };
        crate::model::complaints::complaints()
            .into_iter()
            .filter(|c| c.folded.state.household_id.get() == Some(&h))
            .collect::<Vec<_>>()
    });
    let may_edit = move || is_supervisor(app);
    let action = Action::new();
    let toggle = move |tag: &'static str| {
        let Some(e) = household.get_untracked() else {
            return;
        };
        let d = Draft::reference_defined(
            ReferenceType::Household,
            e.household.id,
            e.project_id,
            e.household.area_id,
            with_tag(&e.fields, tag, !e.has(tag)),
        );
        action.save(app, vec![d], || ());
    };
    view! {
        <section class="page household">
            {move || match household.get() {
                None => {
                    view! {
                        <h1>{i18n.text(Key::HouseholdsTitle)}</h1>
                        <p class="hint">{i18n.text(Key::HouseholdNotFound)}</p>
                    }
                        .into_any()
                }
                Some(e) => {
                    let tags = e.tags.clone();
                    view! {
                        <h1 data-testid="household-title">{e.household.name.clone()}</h1>
                        <dl class="card facts">
                            <dt>{i18n.text(Key::HouseholdOwner)}</dt>
                            <dd data-testid="household-owner">
                                {e.household.owner.clone().unwrap_or_else(|| "—".into())}
                            </dd>
                            <dt>{i18n.text(Key::HouseholdPhone)}</dt>
                            <dd data-testid="household-phone">
                                {match e.household.phone.clone() {
                                    Some(p) => {
                                        view! { <crate::ui::phone::MaskedPhone phone=p /> }
                                            .into_any()
                                    }
                                    None => "—".into_any(),
                                }}
                            </dd>
                            <dt>{i18n.text(Key::HouseholdTags)}</dt>
                            <dd class="row tags" data-testid="household-tags">
                                {if tags.is_empty() {
                                    view! {
                                        <span class="hint">{i18n.text(Key::HouseholdNoTags)}</span>
                                    }
                                        .into_any()
                                } else {
                                    tag_badges(i18n, &tags).into_any()
                                }}
                            </dd>
                        </dl>
                        <Show when=may_edit>
                            <div class="card">
                                <p class="hint">{i18n.text(Key::HouseholdTagsEdit)}</p>
                                <div class="segmented tags" role="group">
                                    {tags_with_keys()
                                        .into_iter()
                                        .map(|(code, key)| {
                                            let on = move || {
                                                household.with(|h| h.as_ref().is_some_and(|h| h.has(code)))
                                            };
                                            view! {
                                                <button
                                                    type="button"
                                                    class="choice"
                                                    data-testid="household-tag-toggle"
                                                    data-tag=code
                                                    aria-pressed=move || on().to_string()
                                                    disabled=move || action.pending()
                                                    on:click=move |_| toggle(code)
                                                >
                                                    {i18n.text(key)}
                                                </button>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                            </div>
                        </Show>
                    }
                        .into_any()
                }
            }} <ErrorLine action testid="household-error" /> <h2>{i18n.text(Key::OrdersTitle)}</h2>
            <Show
                when=move || orders.with(|o| !o.is_empty())
                fallback=move || view! { <p class="hint">{i18n.text(Key::HouseholdNoOrders)}</p> }
            >
                <ul class="list">
                    {move || {
                        orders
                            .get()
                            .into_iter()
                            .map(|o| {
                                let status = o.status();
                                view! {
                                    <li
                                        data-testid="household-order"
                                        data-order-id=o.id.to_string()
                                        data-status=crate::model::rows::status_code(
                                            status,
                                            "created",
                                        )
                                    >
                                        <A href=format!("/orders/{}", o.id) attr:class="list-link">
                                            <span class="badge">
                                                {i18n.text(crate::ui::labels::order_status_key(status))}
                                            </span>
                                            " "
                                            <span class="order-text">
                                                {o
                                                    .folded
                                                    .state
                                                    .description
                                                    .get()
                                                    .cloned()
                                                    .unwrap_or_default()}
                                            </span>
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show> <h2>{i18n.text(Key::ComplaintsTitle)}</h2>
            <Show
                when=move || complaints.with(|c| !c.is_empty())
                fallback=move || {
                    view! { <p class="hint">{i18n.text(Key::HouseholdNoComplaints)}</p> }
                }
            >
                <ul class="list">
                    {move || {
                        complaints
                            .get()
                            .into_iter()
                            .map(|c| {
                                let status = c.folded.state.status;
                                view! {
                                    <li
                                        data-testid="household-complaint"
                                        data-complaint-id=c.id.to_string()
                                        data-status=crate::model::rows::status_code(
                                            status,
                                            "registered",
                                        )
                                    >
                                        <A
                                            href=format!("/complaints/{}", c.id)
                                            attr:class="list-link"
                                        >
                                            <span class="badge">
                                                {i18n.text(crate::ui::labels::complaint_status_key(status))}
                                            </span>
                                            " "
                                            <span class="order-text">
                                                {c
                                                    .folded
                                                    .state
                                                    .description
                                                    .get()
                                                    .cloned()
                                                    .unwrap_or_default()}
                                            </span>
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}
