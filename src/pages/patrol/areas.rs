//! `/patrol`: my areas with today's rounds; start or continue a round.

use crate::model::clock::calendar;
use crate::model::patrol::{recent, rounds, summaries, template, today_of, Plans};
use crate::model::people::{area_name, my_areas, person_name};
use crate::model::rows::Row;
use crate::offline::state::{use_app, AppState};
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::format::{left_out_text, today_patrol_text};
use crate::ui::i18n::{use_i18n, I18n, Key};
use crate::ui::labels::round_status_key;
use guanjia_core::records::RoundStarted;
use guanjia_core::records::{PatrolRound, RoundStatus};
use guanjia_core::Draft;
use guanjia_core::{AreaId, ProjectId, RecordId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// `/patrol`: my areas with today's rounds; start or continue a round.
#[component]
pub fn PatrolPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let rounds = Memo::new(move |_| {
        app.data_version.track();
        rounds()
    });
    let action = Action::new();
    let me = move || app.session.get().map(|s| s.user.id);
    let start = move |project: ProjectId, area: AreaId| {
        let Some(t) = template(project) else {
            action.say(Key::PatrolNoTemplate);
            return;
        };
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let started = RoundStarted {
            template_id: t.id,
            template_version: t.checklist.version,
        };
        let d = Draft::new(id, project, Some(area), &started);
        let navigate = navigate.clone();
        action.save(app, vec![d], move || {
            navigate(&format!("/patrol/rounds/{id}"), Default::default())
        });
    };
    view! {
        <section class="page patrol">
            <h1>{i18n.text(Key::PatrolTitle)}</h1>
            <div class="row">
                <A href="/findings" attr:class="button" attr:data-testid="findings-link">
                    {i18n.text(Key::FindingsTitle)}
                </A>
                <Show when=move || crate::model::people::is_supervisor(app)>
                    <A
                        href="/patrol/compliance"
                        attr:class="button"
                        attr:data-testid="compliance-link"
                    >
                        {i18n.text(Key::ComplianceTitle)}
                    </A>
                    <A
                        href="/patrol/checklist"
                        attr:class="button"
                        attr:data-testid="checklist-link"
                    >
                        {i18n.text(Key::ChecklistTitle)}
                    </A>
                    <A
                        href="/patrol/checkpoints"
                        attr:class="button"
                        attr:data-testid="checkpoints-link"
                    >
                        {i18n.text(Key::CheckpointsTitle)}
                    </A>
                    <A href="/patrol/print" attr:class="button" attr:data-testid="print-link">
                        {i18n.text(Key::PrintTitle)}
                    </A>
                </Show>
            </div>
            <ul class="list">
                {move || {
                    let start = start.clone();
                    let sums = rounds.with(|r| summaries(r));
                    my_areas(app)
                        .into_iter()
                        .map(move |(project, area, name)| {
                            let start = start.clone();
                            let today = today_of(&sums, project, area);
                            let (done, required) = (today.day.done, today.required);
                            let running = rounds
                                .with(|r| {
                                    r.iter()
                                        .find(|x| {
                                            x.area_id == Some(area)
                                                && x.folded.state.status == Some(RoundStatus::InProgress)
                                                && x.folded.state.butler == me()
                                        })
                                        .map(|x| x.id)
                                });
                            view! {
                                <li
                                    class="card"
                                    data-testid="patrol-area"
                                    data-area=area.to_string()
                                >
                                    <h2>{name}</h2>
                                    <p
                                        data-testid="patrol-today"
                                        data-done=done
                                        data-required=required
                                        data-late=today.day.late
                                        data-missed=today.day.missed
                                        data-next-due=today
                                            .next_due
                                            .map(|t| t.format("%H:%M").to_string())
                                            .unwrap_or_default()
                                    >
                                        {move || today_patrol_text(i18n, &today)}
                                    </p>
                                    {match running {
                                        Some(id) => {
                                            view! {
                                                <A
                                                    href=format!("/patrol/rounds/{id}")
                                                    attr:class="button primary"
                                                    attr:data-testid="round-continue"
                                                >
                                                    {i18n.text(Key::PatrolContinue)}
                                                </A>
                                            }
                                                .into_any()
                                        }
                                        None => {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="primary"
                                                    data-testid="round-start"
                                                    disabled=move || action.pending()
                                                    on:click=move |_| start(project, area)
                                                >
                                                    {i18n.text(Key::PatrolStart)}
                                                </button>
                                            }
                                                .into_any()
                                        }
                                    }}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <ErrorLine action />
            <h2>{i18n.text(Key::PatrolRecent)}</h2>
            <ul class="list">
                {move || {
                    let plans = Plans::read();
                    recent(&rounds.get())
                        .into_iter()
                        .map(|r| round_card(i18n, app, &plans, r))
                        .collect_view()
                }}
            </ul>
        </section>
    }
}

fn round_card(i18n: I18n, app: AppState, plans: &Plans, r: Row<PatrolRound>) -> impl IntoView {
    let s = &r.folded.state;
    let incomplete = (s.status == Some(RoundStatus::Finished))
        .then(|| plans.left_out(&r))
        .filter(|l| !l.is_empty())
        .map(|l| left_out_text(i18n, &l));
    let badge = incomplete.is_some();
    let sess = app.session.get_untracked();
    let status = s.status;
    let fails = s.failures().len();
    let flags = s.scan_flags().len();
    let visited = s.checkpoints_visited().len();
    let who = s
        .butler
        .map(|b| person_name(sess.as_ref(), b))
        .unwrap_or_default();
    let when = s
        .started_at
        .as_deref()
        .and_then(|t| calendar().local(t))
        .map(|t| t.format("%m-%d %H:%M").to_string())
        .unwrap_or_default();
    view! {
        <li
            class="card"
            data-testid="round-card"
            data-round-id=r.id.to_string()
            data-status=crate::model::rows::status_code(status, "in_progress")
        >
            <A href=format!("/patrol/rounds/{}", r.id) attr:class="list-link">
                <span class="badge">{i18n.text(round_status_key(status))}</span>
                {badge
                    .then(|| {
                        view! {
                            " "
                            <span class="badge warn" data-testid="round-incomplete">
                                {i18n.text(Key::RoundIncomplete)}
                            </span>
                        }
                    })}
                " "
                {area_name(app, r.area_id)}
                " · "
                {who}
                " · "
                {when}
            </A>
            <p class="hint">
                {i18n.text(Key::PatrolCheckpoints)} " " {visited} " · "
                {i18n.text(Key::PatrolFail)} " " {fails}
                {(flags > 0)
                    .then(|| {
                        view! {
                            " · "
                            <span class="badge warn">
                                {i18n.text(Key::PatrolFlagged)} " " {flags}
                            </span>
                        }
                    })}
                {incomplete
                    .map(|t| {
                        view! {
                            " · "
                            <span>{t}</span>
                        }
                    })}
            </p>
        </li>
    }
}
