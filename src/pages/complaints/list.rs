//! `/complaints`.

use crate::model::clock::minute_clock;
use crate::model::complaints::{complaint_matches, complaints, needs_escalation, reply_countdown};
use crate::model::rows::Row;
use crate::offline::state::use_app;
use crate::ui::filter_tabs::FilterTabs;
use crate::ui::format::{countdown_text, urgency_class};
use crate::ui::i18n::{use_i18n, I18n, Key};
use crate::ui::labels::complaint_status_key;
use guanjia_core::records::Complaint;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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
    view! {
        <section class="page complaints">
            <h1>{i18n.text(Key::ComplaintsTitle)}</h1>
            <A href="/complaints/new" attr:class="button primary" attr:data-testid="complaint-new">
                {i18n.text(Key::ComplaintNew)}
            </A>
            <FilterTabs
                filter
                tabs=&[
                    ("open", Key::FilterOpen),
                    ("overdue", Key::FilterOverdue),
                    ("escalate", Key::FilterEscalate),
                    ("all", Key::FilterAll),
                ]
            />
            <input
                type="search"
                data-testid="complaint-search"
                placeholder=i18n.text(Key::OrderSearch)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <ul class="list">
                {move || {
                    let (f, now) = (filter.get(), now.get());
                    let q = query.get().trim().to_lowercase();
                    all.get()
                        .into_iter()
                        .filter(|c| q.is_empty() || complaint_matches(c, &q))
                        .filter(|c| match f {
                            "overdue" => reply_countdown(c, now).is_some_and(|d| d.seconds_left < 0),
                            "escalate" => needs_escalation(c, now),
                            "all" => true,
                            _ => c.folded.state.status.is_some_and(|s| s.is_open()),
                        })
                        .take(100)
                        .map(|c| complaint_card(i18n, c, now))
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

fn complaint_card(i18n: I18n, c: Row<Complaint>, now: chrono::NaiveDateTime) -> impl IntoView {
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
        <li
            class="card"
            data-testid="complaint-card"
            data-complaint-id=c.id.to_string()
            data-status=crate::model::rows::status_code(status, "registered")
        >
            <A href=format!("/complaints/{}", c.id) attr:class="list-link">
                <span class="badge">{i18n.text(complaint_status_key(status))}</span>
                " "
                {text}
            </A>
            {due
                .map(|d| {
                    view! {
                        <p class=format!(
                            "countdown {}",
                            urgency_class(&d),
                        )>
                            {i18n.text(Key::ComplaintReplyDue)} " · "
                            {countdown_text(i18n.lang(), &d)}
                        </p>
                    }
                })}
        </li>
    }
}
