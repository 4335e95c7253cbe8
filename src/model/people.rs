//! People: author names offline, who may be dispatched, supervisors, and "my areas" (one copy).

use crate::offline::state::{AppState, Session};
use guanjia_core::{AreaId, ProjectId, UserId};
use leptos::prelude::*;

/// How to show the author of a record: their name from /me (kept for offline use), or the
/// start of their id for someone the server did not list (e.g. moved to another project).
pub fn person_name(session: Option<&Session>, id: UserId) -> String {
    session
        .into_iter()
        .flat_map(|s| &s.me.projects)
        .flat_map(|p| &p.people)
        .find(|p| p.id == id)
        .map(|p| p.display_name.clone())
        .unwrap_or_else(|| id.to_string()[..8].to_string())
}

/// The people of the signed-in person's projects with `role`, as (project, id, display
/// name), in the order of the projects (someone placed in two projects is listed twice, the
/// first time under their home project): the technicians to dispatch to, the butlers of the
/// compliance view.
pub fn people_with_role(
    session: Option<&Session>,
    role: guanjia_core::Role,
) -> Vec<(guanjia_core::ProjectId, UserId, String)> {
    session
        .into_iter()
        .flat_map(|s| &s.me.projects)
        .flat_map(|proj| proj.people.iter().map(move |p| (proj.id, p)))
        .filter(|(_, p)| p.role == role)
        .map(|(proj, p)| (proj, p.id, p.display_name.clone()))
        .collect()
}

/// Supervisors and admins: they change reference data and project rules, see compliance and
/// mark effective complaints (the server's scope rules say the same on push).
pub fn is_supervisor(app: AppState) -> bool {
    app.session.get().is_some_and(|s| {
        matches!(
            s.user.role,
            guanjia_core::Role::Supervisor | guanjia_core::Role::Admin
        )
    })
}

/// The people with `role` who may be dispatched on a record of `project`.
pub fn people_of_project(
    session: Option<&Session>,
    role: guanjia_core::Role,
    project: guanjia_core::ProjectId,
) -> Vec<(UserId, String)> {
    people_with_role(session, role)
        .into_iter()
        .filter(|(p, _, _)| *p == project)
        .map(|(_, id, name)| (id, name))
        .collect()
}

/// An area the signed-in person works in, with its project.
#[derive(Clone, Debug, PartialEq)]
pub struct MyArea {
    pub project: ProjectId,
    pub project_name: String,
    pub area: AreaId,
    pub name: String,
}

impl MyArea {
    /// "翠湖花园 · A区": where a person with several projects files a record.
    pub fn label(&self) -> String {
        format!("{} · {}", self.project_name, self.name)
    }
}

/// The areas the signed-in person works in, project by project (the one place that reads
/// them off the session; reactive).
pub fn my_areas_of(app: AppState) -> Vec<MyArea> {
    app.session
        .get()
        .map(|s| {
            s.me.projects
                .iter()
                .flat_map(|p| {
                    p.areas.iter().map(move |a| MyArea {
                        project: p.id,
                        project_name: p.name.clone(),
                        area: a.id,
                        name: a.name.clone(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The areas the signed-in person works in: (project, area, name).
pub fn my_areas(app: AppState) -> Vec<(ProjectId, AreaId, String)> {
    my_areas_of(app)
        .into_iter()
        .map(|a| (a.project, a.area, a.name))
        .collect()
}

pub fn area_name(app: AppState, area: Option<AreaId>) -> String {
    my_areas(app)
        .into_iter()
        .find(|(_, a, _)| Some(*a) == area)
        .map(|(_, _, n)| n)
        .unwrap_or_default()
}
