//! Each project's rules (calendar, time limits, quiet hours, patrol, finding limit), read once
//! per change of the data.

use crate::model::rows::references;
use crate::offline::engine::engine;
use guanjia_core::rules::ProjectRules;
use guanjia_core::ProjectId;
use leptos::prelude::*;

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
        let home = use_context::<crate::offline::state::AppState>().and_then(|app| {
            app.session
                .with_untracked(|s| s.as_ref()?.me.projects.first().map(|p| p.id))
        });
        home.map(|p| self.of(p))
            .or_else(|| self.by_project.values().next())
            .unwrap_or(&self.default)
    }
}

pub type RulesKey = (Option<guanjia_core::UserId>, usize, u64);

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
