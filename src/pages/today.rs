//! `/`: Today.

use crate::model::people::{my_areas_of, MyArea};
use crate::offline::state::use_app;
use crate::ui::format::today_patrol_text;
use crate::ui::i18n::{use_i18n, Key};
use crate::ui::labels::role_key;
use leptos::prelude::*;
use leptos_router::components::A;

/// `/`: the signed-in person's day.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let name = move || {
        app.session
            .get()
            .map(|s| s.user.display_name)
            .unwrap_or_default()
    };
    let role = move || {
        app.session
            .get()
            .map(|s| i18n.t(role_key(s.user.role)))
            .unwrap_or_default()
    };
    let areas = move || {
        my_areas_of(app)
            .iter()
            .map(MyArea::label)
            .collect::<Vec<_>>()
            .join("，")
    };
    view! {
        <section class="page home">
            <h1>{i18n.text(Key::TodayTitle)}</h1>
            <p class="tagline">{i18n.text(Key::Hello)} <strong>{name}</strong> " (" {role} ")"</p>
            <p class="hint">{i18n.text(Key::MyAreas)} ": " {areas}</p>
            <div class="cards">
                <A href="/duty" attr:class="card link-card" attr:data-testid="today-duty">
                    <h2>{i18n.text(Key::TodayDutyCard)}</h2>
                    <p>{i18n.text(Key::TodayDutyHint)}</p>
                </A>
                <A href="/patrol" attr:class="card link-card" attr:data-testid="today-patrol">
                    <h2>{i18n.text(Key::TodayPatrolCard)}</h2>
                    {move || {
                        let _ = app.data_version.get();
                        let today = crate::model::patrol::today_summary(app);
                        let open = crate::model::findings::findings()
                            .iter()
                            .filter(|f| {
                                f.folded
                                    .state
                                    .status
                                    .is_some_and(|s| {
                                        s != guanjia_core::records::FindingStatus::Closed
                                    })
                            })
                            .count();
                        view! {
                            <p
                                data-testid="today-patrol-status"
                                data-done=today.day.done
                                data-required=today.required
                                data-late=today.day.late
                                data-missed=today.day.missed
                            >
                                {today_patrol_text(i18n, &today)}
                                " · "
                                {i18n.t(Key::TodayPatrolOpen)}
                                " "
                                {open}
                            </p>
                        }
                    }}
                </A>
                <A href="/orders" attr:class="card link-card" attr:data-testid="today-orders">
                    <h2>{i18n.text(Key::TodayRepairCard)}</h2>
                    <p>
                        {move || {
                            let _ = app.data_version.get();
                            let now = crate::model::clock::local_now();
                            let open: Vec<_> = crate::model::orders::orders()
                                .into_iter()
                                .filter(|o| o.status().is_some_and(|s| s.is_open()))
                                .collect();
                            let overdue = open
                                .iter()
                                .filter(|o| {
                                    o.next_deadline(now).is_some_and(|(_, c)| c.seconds_left < 0)
                                })
                                .count();
                            format!(
                                "{} {} · {} {}",
                                i18n.t(Key::FilterOpen),
                                open.len(),
                                i18n.t(Key::FilterOverdue),
                                overdue,
                            )
                        }}
                    </p>
                </A>
                <A
                    href="/households"
                    attr:class="card link-card"
                    attr:data-testid="today-households"
                >
                    <h2>{i18n.text(Key::HouseholdsTitle)}</h2>
                    <p>
                        {move || {
                            let _ = app.data_version.get();
                            let tagged = crate::model::households::registry()
                                .iter()
                                .filter(|h| !h.tags.is_empty())
                                .count();
                            format!("{} {tagged}", i18n.t(Key::HouseholdsTagged))
                        }}
                    </p>
                </A>
            </div>
            <p class="version">
                <span>{i18n.text(Key::Version)}</span>
                " "
                <span class="version-number">{crate::VERSION}</span>
            </p>
        </section>
    }
}
