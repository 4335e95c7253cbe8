//! Folded rows of any record type, as the screens read them: every record of a type, one
//! record by id, the record a detail page's `:id` names, live reference data.

use crate::offline::engine::engine;
use guanjia_core::fold::{fold, Folded, Record};
use guanjia_core::records::Reference;
use guanjia_core::{AreaId, Draft, Payload, ProjectId, RecordId};
use leptos::prelude::*;

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

impl<R> Row<R> {
    /// A change to this record: the typed payload names its kind, the row where it lives.
    pub fn draft<P: Payload>(&self, payload: &P) -> Draft {
        Draft::new(self.id, self.project_id, self.area_id, payload)
    }
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
    let app = crate::offline::state::use_app();
    let id = use_route_id();
    Memo::new(move |_| {
        app.data_version.track();
        row::<R>(record_type, id.get()?)
    })
}

/// A lifecycle status as its wire code (`on_the_way`, `return_visited`…), for `data-status`
/// attributes and CSS; `initial` stands for a record whose first event is not here yet.
pub fn status_code<S: serde::Serialize>(s: Option<S>, initial: &'static str) -> String {
    s.and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| initial.to_string())
}

/// A typed value's fields, as a reference record's `<type>.defined` carries them (the
/// core's own types: a checklist, a checkpoint, project rules).
pub fn fields_of<T: serde::Serialize>(value: &T) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
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
