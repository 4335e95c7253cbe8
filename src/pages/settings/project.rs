//! `/settings/project`: a supervisor's or admin's own project rules — the times by which each
//! day's patrol rounds must be done, the finding limit, working hours, the year's holidays and
//! make-up working days, the service time limits and owners' quiet hours. Saved as a `project_settings.defined` event (offline too), checked by the core's
//! `RulesEdit` exactly as the server checks it on push.

use crate::model::rows::{fields_of, references};
use crate::offline::state::use_app;
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::i18n::{use_i18n, I18n, Key};
use guanjia_core::records::ReferenceType;
use guanjia_core::rules::{RulesEdit, RulesEditError};
use guanjia_core::Draft;
use guanjia_core::{ProjectId, RecordId};
use leptos::prelude::*;

/// The error in the person's language, with what they typed.
fn edit_error(i18n: I18n, e: &RulesEditError) -> String {
    let (key, what) = match e {
        RulesEditError::RoundTime(w) => (Key::RulesBadTime, w.clone()),
        RulesEditError::NoRounds => (Key::RulesNoRounds, String::new()),
        RulesEditError::FindingLimit(w) => (Key::RulesBadLimit, w.clone()),
        RulesEditError::Holiday(w) | RulesEditError::ExtraWorkday(w) => {
            (Key::RulesBadDate, w.clone())
        }
        RulesEditError::Both(d) => (Key::RulesBothLists, d.to_string()),
        RulesEditError::Span(w) => (Key::RulesBadSpan, w.clone()),
        RulesEditError::NoWorkingHours => (Key::RulesNoWorkingHours, String::new()),
        RulesEditError::Minutes(w) => (Key::RulesBadMinutes, w.clone()),
        RulesEditError::Hours(w) => (Key::RulesBadHours, w.clone()),
        RulesEditError::ReplyDays(w) => (Key::RulesBadReplyDays, w.clone()),
        RulesEditError::Invalid(why) => (Key::RulesInvalid, why.clone()),
    };
    format!("{} {what}", i18n.t(key)).trim_end().to_string()
}

/// How a field is typed: lists of dates on several lines, a number, or times.
#[derive(Clone, Copy)]
enum Input {
    Lines,
    Number,
    Text,
}

#[component]
pub fn ProjectSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let projects = move || {
        app.session
            .get()
            .map(|s| {
                s.me.projects
                    .iter()
                    .map(|p| (p.id, p.name.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let may_edit = move || crate::model::people::is_supervisor(app);
    let project = RwSignal::new(None::<ProjectId>);
    Effect::new(move |_| {
        if project.get_untracked().is_none() {
            project.set(projects().first().map(|(id, _)| *id));
        }
    });
    let form = RwSignal::new(RulesEdit::default());
    // The form shows the chosen project's rules as they are on the device (re-read after a
    // sync, unless the person has started typing).
    let touched = RwSignal::new(false);
    Effect::new(move |_| {
        app.data_version.track();
        let Some(p) = project.get() else { return };
        if !touched.get_untracked() {
            form.set(RulesEdit::from_rules(crate::model::rules::rules().of(p)));
        }
    });
    let action = Action::new();
    let saved = RwSignal::new(false);
    let field = move |label: Key,
                      hint: Key,
                      testid: &'static str,
                      get: fn(&RulesEdit) -> String,
                      set: fn(&mut RulesEdit, String),
                      input_kind: Input| {
        let input = move |ev: leptos::ev::Event| {
            touched.set(true);
            saved.set(false);
            let v = event_target_value(&ev);
            form.update(|f| set(f, v));
        };
        view! {
            <label>
                <span>{i18n.text(label)}</span>
                {match input_kind {
                    Input::Lines => {
                        view! {
                            <textarea
                                rows="2"
                                data-testid=testid
                                prop:value=move || form.with(get)
                                on:input=input
                            ></textarea>
                        }
                            .into_any()
                    }
                    Input::Number => {
                        view! {
                            <input
                                type="text"
                                inputmode="decimal"
                                data-testid=testid
                                prop:value=move || form.with(get)
                                on:input=input
                            />
                        }
                            .into_any()
                    }
                    Input::Text => {
                        view! {
                            <input
                                type="text"
                                data-testid=testid
                                prop:value=move || form.with(get)
                                on:input=input
                            />
                        }
                            .into_any()
                    }
                }}
                <small class="hint">{i18n.text(hint)}</small>
            </label>
        }
    };
    let submit = move |_| {
        let Some(p) = project.get_untracked() else {
            return;
        };
        let all = crate::model::rules::rules();
        let rules = match form.with_untracked(|f| f.apply(all.of(p))) {
            Ok(r) => r,
            Err(e) => return action.say_text(edit_error(i18n, &e)),
        };
        // The project's settings record (its name kept), or a new one named after the project.
        let existing = references("project_settings")
            .into_iter()
            .find(|(_, proj, _, _)| *proj == p)
            .map(|(id, _, _, r)| (id, r.name().map(str::to_string)));
        let record = existing.as_ref().map_or_else(
            || RecordId::from_parts(now_ms(), random_bytes()),
            |(id, _)| *id,
        );
        let name = existing
            .and_then(|(_, n)| n)
            .or_else(|| {
                projects()
                    .into_iter()
                    .find(|(id, _)| *id == p)
                    .map(|(_, n)| n)
            })
            .unwrap_or_else(|| i18n.t(Key::RulesTitle).to_string());
        let mut fields = fields_of(&rules.payload());
        fields.insert("name".into(), name.into());
        let d = Draft::reference_defined(ReferenceType::ProjectSettings, record, p, None, fields);
        action.save(app, vec![d], move || {
            touched.set(false);
            saved.set(true);
        });
    };
    view! {
        <section class="page project-settings">
            <h1>{i18n.text(Key::RulesTitle)}</h1>
            <Show
                when=may_edit
                fallback=move || {
                    view! { <p class="hint">{i18n.text(Key::RulesSupervisorsOnly)}</p> }
                }
            >
                <div class="card form">
                    <Show when=move || { projects().len() > 1 }>
                        <label>
                            <span>{i18n.text(Key::RulesProject)}</span>
                            <select
                                data-testid="rules-project"
                                on:change=move |ev| {
                                    touched.set(false);
                                    project.set(ProjectId::parse(&event_target_value(&ev)).ok());
                                }
                            >
                                {move || {
                                    projects()
                                        .into_iter()
                                        .map(|(id, name)| {
                                            view! {
                                                <option
                                                    value=id.to_string()
                                                    selected=move || project.get() == Some(id)
                                                >
                                                    {name}
                                                </option>
                                            }
                                        })
                                        .collect_view()
                                }}
                            </select>
                        </label>
                    </Show>
                    <h2>{i18n.text(Key::RulesPatrolSection)}</h2>
                    {field(
                        Key::RulesRounds,
                        Key::RulesRoundsHint,
                        "rules-rounds",
                        |f| f.round_deadlines.clone(),
                        |f, v| f.round_deadlines = v,
                        Input::Text,
                    )}
                    {field(
                        Key::RulesFindingLimit,
                        Key::RulesFindingLimitHint,
                        "rules-finding-limit",
                        |f| f.finding_limit_days.clone(),
                        |f, v| f.finding_limit_days = v,
                        Input::Number,
                    )}
                    <h2>{i18n.text(Key::RulesCalendarSection)}</h2>
                    {field(
                        Key::RulesWorkingHours,
                        Key::RulesSpansHint,
                        "rules-working-hours",
                        |f| f.working_hours.clone(),
                        |f, v| f.working_hours = v,
                        Input::Text,
                    )}
                    {field(
                        Key::RulesHolidays,
                        Key::RulesDatesHint,
                        "rules-holidays",
                        |f| f.holidays.clone(),
                        |f, v| f.holidays = v,
                        Input::Lines,
                    )}
                    {field(
                        Key::RulesExtraWorkdays,
                        Key::RulesDatesHint,
                        "rules-extra-workdays",
                        |f| f.extra_workdays.clone(),
                        |f, v| f.extra_workdays = v,
                        Input::Lines,
                    )}
                    <h2>{i18n.text(Key::RulesServiceSection)}</h2>
                    {field(
                        Key::RulesArrival,
                        Key::RulesMinutesHint,
                        "rules-arrival",
                        |f| f.arrival_minutes.clone(),
                        |f, v| f.arrival_minutes = v,
                        Input::Number,
                    )}
                    {field(
                        Key::RulesUrgentArrival,
                        Key::RulesMinutesHint,
                        "rules-urgent-arrival",
                        |f| f.urgent_arrival_minutes.clone(),
                        |f, v| f.urgent_arrival_minutes = v,
                        Input::Number,
                    )}
                    {field(
                        Key::RulesReturnVisit,
                        Key::RulesHoursHint,
                        "rules-return-visit",
                        |f| f.return_visit_hours.clone(),
                        |f, v| f.return_visit_hours = v,
                        Input::Number,
                    )}
                    {field(
                        Key::RulesComplaintReply,
                        Key::RulesFindingLimitHint,
                        "rules-complaint-reply",
                        |f| f.complaint_reply_days.clone(),
                        |f, v| f.complaint_reply_days = v,
                        Input::Number,
                    )}
                    {field(
                        Key::RulesQuietHours,
                        Key::RulesQuietHint,
                        "rules-quiet-hours",
                        |f| f.quiet_hours.clone(),
                        |f, v| f.quiet_hours = v,
                        Input::Text,
                    )}
                    <button
                        type="button"
                        class="primary"
                        data-testid="rules-save"
                        disabled=move || action.pending()
                        on:click=submit
                    >
                        {i18n.text(Key::Save)}
                    </button>
                    <Show when=move || saved.get()>
                        <p class="hint" role="status" data-testid="rules-saved">
                            {i18n.text(Key::RulesSaved)}
                        </p>
                    </Show>
                    <ErrorLine action testid="rules-error" />
                </div>
            </Show>
        </section>
    }
}
