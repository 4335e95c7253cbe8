//! Read models for the screens, folded from the replica's events.

use crate::engine::engine;
use guanjia_core::fold::Record;
use guanjia_core::fold::{fold, Folded};
use guanjia_core::records::{duty_log_id, DutyLog, Reference};
use guanjia_core::replica::Draft;
use guanjia_core::rules::ProjectRules;
use guanjia_core::{AreaId, EventId, Kind, ProjectId, RecordId, RecordType};
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub name: String,
    pub code: String,
}

/// The guard posts this device knows, by code.
pub fn guard_posts() -> Vec<Post> {
    let mut posts: Vec<Post> = references("guard_post")
        .into_iter()
        .filter_map(|(id, project_id, _, r)| {
            Some(Post {
                id,
                project_id,
                name: r.name()?.to_string(),
                code: r
                    .get("code")
                    .and_then(|c| c.as_str())
                    .unwrap_or("")
                    .to_string(),
            })
        })
        .collect();
    posts.sort_unstable_by(|a, b| (&a.code, a.id).cmp(&(&b.code, b.id)));
    posts
}

/// The device's local calendar day.
pub fn today() -> chrono::NaiveDate {
    let d = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_default()
}

/// A post's duty log for a day.
pub fn duty_log(post: RecordId, day: chrono::NaiveDate) -> (RecordId, Folded<DutyLog>) {
    let id = duty_log_id(post, day);
    let folded = engine()
        .and_then(|e| e.read(|r| fold::<DutyLog>(id, r.events())))
        .unwrap_or_else(|| fold::<DutyLog>(id, std::iter::empty()));
    (id, folded)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryState {
    Pending,
    Synced,
    Rejected,
}

impl EntryState {
    pub fn code(self) -> &'static str {
        match self {
            EntryState::Pending => "pending",
            EntryState::Synced => "synced",
            EntryState::Rejected => "rejected",
        }
    }
}

pub fn entry_state(id: EventId) -> EntryState {
    engine()
        .and_then(|e| {
            e.read(|r| {
                if r.rejected().contains_key(&id) {
                    EntryState::Rejected
                } else if r.is_pending(id) {
                    EntryState::Pending
                } else {
                    EntryState::Synced
                }
            })
        })
        .unwrap_or(EntryState::Pending)
}

/// Local "HH:MM" of an RFC 3339 time.
pub fn clock_time(rfc3339: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// Saves one user action (one or more records, one transaction) and asks for a sync; the
/// error (if any) is for the page to show, and `then` runs only when it was saved.
pub fn save(
    app: crate::state::AppState,
    drafts: Vec<guanjia_core::replica::Draft>,
    error: RwSignal<Option<String>>,
    then: impl FnOnce() + 'static,
) {
    use leptos::prelude::*;
    let Some(e) = engine() else { return };
    leptos::task::spawn_local(async move {
        match e.record_all(drafts).await {
            Ok(_) => {
                error.set(None);
                then();
                crate::sync::refresh_counts(app);
                crate::sync::request_sync();
            }
            Err(err) => error.set(Some(err.to_string())),
        }
        app.bump();
    });
}

/// The live (not retired) reference records of a type: id, project, area, fields.
pub fn references(
    record_type: &str,
) -> Vec<(RecordId, ProjectId, Option<guanjia_core::AreaId>, Reference)> {
    rows::<Reference>(record_type)
        .into_iter()
        .filter(|r| !r.folded.state.is_retired())
        .map(|r| (r.id, r.project_id, r.area_id, r.folded.state))
        .collect()
}

/// A replica's events grouped by record, for one record type.
pub fn by_record<'a>(
    events: impl Iterator<Item = &'a guanjia_core::Event>,
    record_type: &str,
) -> std::collections::BTreeMap<RecordId, Vec<&'a guanjia_core::Event>> {
    let mut map: std::collections::BTreeMap<RecordId, Vec<&guanjia_core::Event>> =
        std::collections::BTreeMap::new();
    for ev in events.filter(|ev| ev.record_type.as_str() == record_type) {
        map.entry(ev.record_id).or_default().push(ev);
    }
    map
}

/// A record of some type folded, with where it lives.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<R> {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
    pub folded: Folded<R>,
}

/// Every record of `record_type` on this device, folded.
pub fn rows<R: Record + Default>(record_type: &str) -> Vec<Row<R>> {
    let Some(e) = engine() else { return Vec::new() };
    e.read(|r| {
        by_record(r.events(), record_type)
            .into_iter()
            .map(|(id, evs)| Row {
                id,
                project_id: evs[0].project_id,
                area_id: evs[0].area_id,
                folded: fold(id, evs),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// One record folded, when this device has it (folds only that record's events).
pub fn row<R: Record + Default>(record_type: &str, id: RecordId) -> Option<Row<R>> {
    engine()?
        .read(|r| {
            let evs: Vec<&guanjia_core::Event> = r
                .events()
                .filter(|ev| ev.record_id == id && ev.record_type.as_str() == record_type)
                .collect();
            let first = evs.first()?;
            let (project_id, area_id) = (first.project_id, first.area_id);
            Some(Row {
                id,
                project_id,
                area_id,
                folded: fold(id, evs),
            })
        })
        .flatten()
}

/// The route's `:id` as a record id; `None` when it is missing or not an id.
pub fn use_route_id() -> Memo<Option<RecordId>> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|s| RecordId::parse(&s).ok())
    })
}

/// The record a detail page shows: named by the route's `:id`, re-read whenever the data on
/// the device changes (a sync, a save on this or another tab).
pub fn use_routed<R>(record_type: &'static str) -> Memo<Option<Row<R>>>
where
    R: Record + Default + Clone + PartialEq + Send + Sync + 'static,
{
    let app = crate::state::use_app();
    let id = use_route_id();
    Memo::new(move |_| {
        app.data_version.track();
        row::<R>(record_type, id.get()?)
    })
}

pub fn draft(
    record_type: &str,
    record_id: RecordId,
    kind: &str,
    project_id: ProjectId,
    area_id: Option<AreaId>,
    payload: serde_json::Value,
) -> Draft {
    Draft {
        record_id,
        record_type: RecordType::parse(record_type).expect("record type"),
        kind: Kind::parse(kind).expect("kind"),
        project_id,
        area_id,
        payload,
    }
}

/// Every project's rules (calendar, time limits, quiet hours, patrol, finding limit) from its
/// `project_settings` record, or domain.md's defaults. Settings the core refuses to read
/// were refused on push too, so a default here only means "not set".
#[derive(Clone)]
pub struct Rules {
    by_project: std::rc::Rc<std::collections::BTreeMap<ProjectId, ProjectRules>>,
    default: std::rc::Rc<ProjectRules>,
}

impl Rules {
    /// The rules of `project` (a supervisor's device holds several projects).
    pub fn of(&self, project: ProjectId) -> &ProjectRules {
        self.by_project.get(&project).unwrap_or(&self.default)
    }

    /// The rules of the signed-in user's home project (its first): for the clock's time zone
    /// and the screens that show one project's settings.
    pub fn home(&self) -> &ProjectRules {
        let home = use_context::<crate::state::AppState>().and_then(|app| {
            app.session
                .with_untracked(|s| s.as_ref()?.me.projects.first().map(|p| p.id))
        });
        home.map(|p| self.of(p))
            .or_else(|| self.by_project.values().next())
            .unwrap_or(&self.default)
    }
}

type RulesKey = (Option<guanjia_core::UserId>, usize, u64);

thread_local! {
    /// Rules are read per row of long lists: parsed once per change of the data.
    static RULES: std::cell::RefCell<Option<(RulesKey, Rules)>> = const { std::cell::RefCell::new(None) };
}

pub fn rules() -> Rules {
    let key: RulesKey = engine()
        .and_then(|e| e.read(|r| (Some(r.user), r.event_count(), r.cursor())))
        .unwrap_or((None, 0, 0));
    if let Some(hit) = RULES.with_borrow(|c| {
        c.as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, r)| r.clone())
    }) {
        return hit;
    }
    let by_project = references("project_settings")
        .into_iter()
        .filter_map(|(_, project, _, r)| {
            let fields: serde_json::Map<String, serde_json::Value> = r
                .fields
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.get()?.clone())))
                .collect();
            Some((project, ProjectRules::parse(&fields.into()).ok()?))
        })
        .collect();
    let rules = Rules {
        by_project: std::rc::Rc::new(by_project),
        default: std::rc::Rc::new(ProjectRules::default()),
    };
    RULES.with_borrow_mut(|c| *c = Some((key, rules.clone())));
    rules
}

/// A lifecycle status as its wire code (`on_the_way`, `return_visited`…), for `data-status`
/// attributes and CSS; `initial` stands for a record whose first event is not here yet.
pub fn status_code<S: serde::Serialize>(s: Option<S>, initial: &'static str) -> String {
    s.and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| initial.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use guanjia_core::records::{FindingStatus, RepairStatus, RoundStatus};

    #[test]
    fn a_status_shows_as_its_wire_code() {
        assert_eq!(
            status_code(Some(RepairStatus::OnTheWay), "created"),
            "on_the_way"
        );
        assert_eq!(
            status_code(Some(RoundStatus::InProgress), "x"),
            "in_progress"
        );
        assert_eq!(status_code(None::<FindingStatus>, "reported"), "reported");
    }
}
