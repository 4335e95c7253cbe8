//! A record's conflicts as a person settles them: what each side entered (an ignored step
//! with everything it carried, the different values of a field), and one action that
//! writes `<type>.conflict_reviewed` naming all of it. The same panel serves every record
//! type, because the review is the fold framework's, not a record's.

use crate::model::people::person_name;
use crate::offline::state::use_app;
use crate::ui::action::{Action, ErrorLine};
use crate::ui::i18n::{use_i18n, Key};
use guanjia_core::fold::{ConflictReview, FieldConflict, IgnoredEvent};
use guanjia_core::payload::ConflictReviewed;
use guanjia_core::{AreaId, Draft, EventId, ProjectId, RecordId, RecordType, Role};
use leptos::prelude::*;

/// Where a record's conflict is shown and settled.
#[derive(Clone, Debug, PartialEq)]
pub struct ConflictSubject {
    pub record_type: RecordType,
    pub record_id: RecordId,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
    pub ignored: Vec<IgnoredEvent>,
    pub conflicts: Vec<FieldConflict>,
    pub reviews: Vec<ConflictReview>,
}

impl ConflictSubject {
    pub fn of<R>(
        record_type: RecordType,
        record_id: RecordId,
        project_id: ProjectId,
        area_id: Option<AreaId>,
        folded: &guanjia_core::fold::Folded<R>,
    ) -> Self {
        ConflictSubject {
            record_type,
            record_id,
            project_id,
            area_id,
            ignored: folded.ignored.clone(),
            conflicts: folded.conflicts.clone(),
            reviews: folded.reviews.clone(),
        }
    }

    /// Every event the review settles: the ignored steps and each write of each field.
    fn event_ids(&self) -> Vec<EventId> {
        self.ignored
            .iter()
            .map(|i| i.event_id)
            .chain(
                self.conflicts
                    .iter()
                    .flat_map(|c| c.writes.iter().map(|w| w.event_id)),
            )
            .collect()
    }
}

fn field_key(name: &str) -> Option<Key> {
    Some(match name {
        "result_note" | "comment" | "text" => Key::FieldResultNote,
        "labour_minutes" => Key::FieldLabour,
        "materials" => Key::FieldMaterials,
        "charge_cents" => Key::FieldCharge,
        "reason" => Key::FieldReason,
        "technician_id" | "technician" => Key::FieldTechnician,
        "satisfaction" => Key::FieldSatisfaction,
        "description" => Key::FieldDescription,
        "appointment" => Key::FieldAppointment,
        "owner_consented" => Key::FieldConsent,
        _ => return None,
    })
}

/// One value as a person reads it: ids of people as names, fen as yuan, materials as
/// "name × quantity".
fn show_value(
    i18n: crate::ui::i18n::I18n,
    session: Option<&crate::offline::state::Session>,
    field: &str,
    v: &serde_json::Value,
) -> String {
    use serde_json::Value;
    match (field, v) {
        (_, Value::Bool(b)) => i18n.t(if *b { Key::Yes } else { Key::No }).to_string(),
        (_, Value::String(s)) => match guanjia_core::UserId::parse(s) {
            Ok(u) if field.starts_with("technician") => person_name(session, u),
            _ => s.clone(),
        },
        ("charge_cents", Value::Number(n)) => n
            .as_i64()
            .map_or_else(|| n.to_string(), crate::ui::format::yuan),
        ("materials", Value::Array(items)) => items
            .iter()
            .map(|m| format!("{} × {}", m["name"].as_str().unwrap_or("?"), m["quantity"]))
            .collect::<Vec<_>>()
            .join("，"),
        (_, Value::Null) => "—".into(),
        (_, other) => other.to_string(),
    }
}

/// What an ignored event carried, field by field (nothing anyone entered is hidden).
fn carried(
    i18n: crate::ui::i18n::I18n,
    session: Option<&crate::offline::state::Session>,
    id: EventId,
) -> Vec<(String, String)> {
    let payload = crate::offline::engine::engine()
        .and_then(|e| e.read(|r| r.event(id).map(|ev| ev.payload.clone())))
        .flatten();
    let Some(serde_json::Value::Object(map)) = payload else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
        .map(|(k, v)| (k.clone(), show_value(i18n, session, k, v)))
        .collect()
}

/// The conflict panel: shown only while something needs settling, or once settled (the
/// review stays in the record's history).
#[component]
pub fn ConflictPanel(
    subject: ConflictSubject,
    /// The step an ignored kind stands for ("repair_order.completed" → 已完工).
    kind_label: fn(&str) -> Key,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = app.session.get_untracked();
    let note = RwSignal::new(String::new());
    let action = Action::new();
    let may_settle = session
        .as_ref()
        .is_some_and(|s| s.user.role != Role::Technician);
    let open = !subject.ignored.is_empty() || !subject.conflicts.is_empty();
    let ignored = subject
        .ignored
        .iter()
        .map(|i| {
            let lines = carried(i18n, session.as_ref(), i.event_id);
            view! {
                <li data-testid="conflict-ignored" data-kind=i.kind.to_string()>
                    <strong>
                        {i18n.text(Key::ConflictIgnoredStep)} ": "
                        {i18n.t(kind_label(i.kind.as_str()))}
                    </strong>
                    " · "
                    {person_name(session.as_ref(), i.actor)}
                    <p class="hint" title=i.reason.clone()>
                        {i18n.text(Key::ConflictIgnoredWhy)}
                    </p>
                    <ul>
                        {lines
                            .into_iter()
                            .map(|(k, v)| {
                                let label = field_key(&k).map_or(k, |key| i18n.t(key).to_string());
                                view! { <li data-testid="conflict-carried">{label} ": " {v}</li> }
                            })
                            .collect_view()}
                    </ul>
                </li>
            }
        })
        .collect_view();
    let fields = subject
        .conflicts
        .iter()
        .map(|c| {
            let label =
                field_key(&c.field).map_or_else(|| c.field.clone(), |k| i18n.t(k).to_string());
            view! {
                <li data-testid="conflict-field" data-field=c.field.clone()>
                    <strong>{i18n.text(Key::ConflictFieldWrites)} " " {label}</strong>
                    <ul>
                        {c
                            .writes
                            .iter()
                            .map(|w| {
                                view! {
                                    <li>
                                        {show_value(i18n, session.as_ref(), &c.field, &w.value)}
                                        " · " {person_name(session.as_ref(), w.actor)}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </li>
            }
        })
        .collect_view();
    let reviews = subject
        .reviews
        .iter()
        .map(|r| {
            view! {
                <li data-testid="conflict-reviewed">
                    {i18n.text(Key::ConflictReviewedBy)} " "
                    {crate::model::clock::clock_time(&r.device_time)} " · "
                    {person_name(session.as_ref(), r.actor)}
                    {r
                        .note
                        .clone()
                        .map(|n| {
                            view! {
                                ": "
                                {n}
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let settle = {
        let subject = subject.clone();
        move |_| {
            let n = note.get_untracked();
            let review = ConflictReviewed {
                event_ids: subject.event_ids(),
                note: (!n.trim().is_empty()).then(|| n.trim().to_string()),
            };
            let draft = Draft::conflict_review(
                subject.record_type.clone(),
                subject.record_id,
                subject.project_id,
                subject.area_id,
                &review,
            );
            action.save(app, vec![draft], move || note.set(String::new()));
        }
    };
    view! {
        <div class="card conflict" data-testid="conflict-panel" data-open=open.to_string()>
            {open
                .then(|| {
                    view! {
                        <p class="error" role="alert">
                            {i18n.text(Key::ConflictTitle)}
                        </p>
                    }
                })}
            <ul class="list">{ignored}{fields}</ul>
            <ul class="history">{reviews}</ul>
            {(open && may_settle)
                .then(|| {
                    view! {
                        <label>
                            <span>{i18n.text(Key::ConflictReviewNote)}</span>
                            <input
                                data-testid="conflict-review-note"
                                prop:value=move || note.get()
                                on:input=move |ev| note.set(event_target_value(&ev))
                            />
                        </label>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="conflict-review"
                            disabled=move || action.pending()
                            on:click=settle.clone()
                        >
                            {i18n.text(Key::ConflictReview)}
                        </button>
                    }
                })}
            <ErrorLine action />
        </div>
    }
}

/// The alert line over a record with an offline conflict or a step that did not take
/// effect (`n` of them); nothing when there is none. The panel below says what.
#[component]
pub fn ConflictNotice(n: usize, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    (n > 0).then(|| {
        view! {
            <p class="error" role="alert" data-testid=testid>
                {i18n.text(Key::OrderHasConflict)}
            </p>
        }
    })
}
