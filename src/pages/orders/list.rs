//! `/orders`: open orders first, most urgent first; filters and search.

use crate::model::clock::minute_clock;
use crate::model::orders::{orders, OrderRow};
use crate::offline::state::use_app;
use crate::ui::filter_tabs::{FilterTabs, ListCount};
use crate::ui::format::{countdown_text, urgency_class};
use crate::ui::i18n::{use_i18n, I18n, Key};
use crate::ui::labels::{order_clock_key, order_status_key};
use guanjia_core::deadline::Urgency;
use guanjia_core::records::RepairStatus;
use leptos::prelude::*;
use leptos_router::components::A;

/// A list never renders more cards than this; search narrows it down.
const LIST_LIMIT: usize = 100;

/// `/orders`: open orders first, most urgent first; filters for mine and overdue.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let filter = RwSignal::new("open");
    let me = move || app.session.get_untracked().map(|s| s.user.id);
    let rows = Memo::new(move |_| {
        app.data_version.track();
        orders()
    });
    let query = RwSignal::new(String::new());
    // One of my areas, or all of them (the device holds only the areas the person works in).
    let area = RwSignal::new(None::<guanjia_core::AreaId>);
    let areas = move || crate::model::people::my_areas(app);
    // (matching rows, how many matched): computed once per change, and only the rows shown
    // are cloned out of the memo, so 10,000 orders stay quick to search and filter.
    let shown = Memo::new(move |_| {
        let (me, now, f) = (me(), now.get(), filter.get());
        let q = query.get().trim().to_lowercase();
        let area = area.get();
        rows.with(|rows| {
            let mut matched = rows.iter().filter(|o| {
                if area.is_some() && o.area_id != area {
                    return false;
                }
                let open = o.status().is_some_and(|s| s.is_open());
                let by_filter = match f {
                    "mine" => {
                        open && (o.folded.state.technician.get().copied() == me
                            || o.folded.state.created_by == me)
                    }
                    "overdue" => {
                        open && o
                            .next_deadline(now)
                            .is_some_and(|(_, c)| c.seconds_left < 0)
                    }
                    // The supervisor's escalation view: late now, or late within the hour.
                    "escalate" => {
                        open && o
                            .next_deadline(now)
                            .is_some_and(|(_, c)| c.urgency() != Urgency::OnTime)
                    }
                    // Completed, the owner still to be called back (48 h).
                    "visit" => o.status() == Some(RepairStatus::Completed),
                    "all" => true,
                    _ => open,
                };
                by_filter && (q.is_empty() || o.matches(&q))
            });
            let first: Vec<OrderRow> = matched.by_ref().take(LIST_LIMIT).cloned().collect();
            let total = first.len() + matched.count();
            (first, total)
        })
    });
    view! {
        <section class="page orders">
            <h1>{i18n.text(Key::OrdersTitle)}</h1>
            <div class="row">
                <A href="/orders/new" attr:class="button primary" attr:data-testid="order-new">
                    {i18n.text(Key::OrderNew)}
                </A>
                <A href="/complaints" attr:class="button" attr:data-testid="complaints-link">
                    {i18n.text(Key::ComplaintsTitle)}
                </A>
            </div>
            <FilterTabs
                filter
                tabs=&[
                    ("open", Key::FilterOpen),
                    ("mine", Key::FilterMine),
                    ("overdue", Key::FilterOverdue),
                    ("escalate", Key::FilterEscalate),
                    ("visit", Key::FilterAwaitingVisit),
                    ("all", Key::FilterAll),
                ]
            />
            <Show when=move || { areas().len() > 1 }>
                <select
                    data-testid="order-area-filter"
                    aria-label=move || i18n.t(Key::OrderArea)
                    on:change=move |ev| {
                        area.set(guanjia_core::AreaId::parse(&event_target_value(&ev)).ok());
                    }
                >
                    <option value="">{i18n.text(Key::FilterAllAreas)}</option>
                    {move || {
                        areas()
                            .into_iter()
                            .map(|(_, a, name)| {
                                view! {
                                    <option
                                        value=a.to_string()
                                        selected=move || area.get() == Some(a)
                                    >
                                        {name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </Show>
            <input
                type="search"
                data-testid="order-search"
                placeholder=i18n.text(Key::OrderSearch)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            {move || {
                app.data_version.track();
                let n = if filter.get() == "escalate" {
                    crate::model::complaints::escalating(now.get())
                } else {
                    0
                };
                (n > 0)
                    .then(|| {
                        view! {
                            <p>
                                <A
                                    href="/complaints?filter=escalate"
                                    attr:class="button"
                                    attr:data-testid="escalate-complaints"
                                >
                                    {n}
                                    " "
                                    {i18n.text(Key::EscalateComplaints)}
                                </A>
                            </p>
                        }
                    })
            }}
            <ListCount
                limit=LIST_LIMIT
                total=Signal::derive(move || shown.with(|(_, t)| *t))
                testid="order-count"
            />
            <Show
                when=move || shown.with(|(rows, _)| !rows.is_empty())
                fallback=move || view! { <p class="hint">{i18n.text(Key::OrdersEmpty)}</p> }
            >
                <ul class="list">
                    {move || {
                        shown
                            .get()
                            .0
                            .into_iter()
                            .map(|o| order_card(i18n, o, now.get()))
                            .collect_view()
                    }}
                </ul>
            </Show>
        </section>
    }
}

fn order_card(i18n: I18n, o: OrderRow, now: chrono::NaiveDateTime) -> impl IntoView {
    let next = o.next_deadline(now);
    let status = o.status();
    let urgent = o.folded.state.urgent.get().copied().unwrap_or(false);
    view! {
        <li
            class="card order"
            data-testid="order-card"
            data-order-id=o.id.to_string()
            data-status=crate::model::rows::status_code(status, "created")
        >
            <A href=format!("/orders/{}", o.id) attr:class="list-link">
                <span class="badge">{i18n.text(order_status_key(status))}</span>
                {urgent
                    .then(|| {
                        view! { <span class="badge warn">{i18n.text(Key::OrderUrgent)}</span> }
                    })}
                " "
                <span class="order-text">
                    {o.folded.state.description.get().cloned().unwrap_or_default()}
                </span>
            </A>
            {next
                .map(|(clock, c)| {
                    view! {
                        <p
                            class=format!("countdown {}", urgency_class(&c))
                            data-testid="order-countdown"
                            data-urgency=urgency_class(&c)
                        >
                            {i18n.text(order_clock_key(clock))}
                            " · "
                            {move || countdown_text(i18n.lang(), &c)}
                        </p>
                    }
                })}
        </li>
    }
}
