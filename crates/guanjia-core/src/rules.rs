//! A project's own rules (the `project_settings` reference record): working calendar with
//! holidays, service time limits and quiet hours, patrol rounds a day, the finding limit.
//! Every field defaults to domain.md's numbers, so a project sets only what differs.

use crate::deadline::{Limit, ServiceRules, WorkCalendar};
use crate::records::{PatrolRules, DEFAULT_FINDING_LIMIT};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectRules {
    pub calendar: WorkCalendar,
    pub service: ServiceRules,
    pub patrol: PatrolRules,
    pub finding_limit: Limit,
}

impl Default for ProjectRules {
    fn default() -> Self {
        ProjectRules {
            calendar: WorkCalendar::default(),
            service: ServiceRules::default(),
            patrol: PatrolRules::default(),
            finding_limit: DEFAULT_FINDING_LIMIT,
        }
    }
}

impl ProjectRules {
    /// Reads and checks a `project_settings` payload (or folded fields as one object).
    pub fn parse(value: &serde_json::Value) -> Result<ProjectRules, String> {
        let mut rules: ProjectRules = serde_json::from_value(value.clone())
            .map_err(|e| format!("project settings do not read: {e}"))?;
        rules.calendar = rules
            .calendar
            .validated()
            .map_err(|e| format!("calendar: {e}"))?;
        rules.finding_limit = rules
            .finding_limit
            .checked()
            .map_err(|e| format!("finding_limit: {e}"))?;
        if rules.patrol.round_deadlines.is_empty() {
            return Err("patrol.round_deadlines needs at least one time (rounds a day)".into());
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_project_sets_only_what_differs_from_the_defaults() {
        let r = ProjectRules::parse(&json!({
            "name": "翠湖花园规则",
            "calendar": {"holidays": ["2027-01-01"]},
            "patrol": {"round_deadlines": ["11:00:00", "16:00:00", "20:00:00"]},
        }))
        .unwrap();
        assert_eq!(r.patrol.rounds_per_day(), 3);
        assert!(!r
            .calendar
            .is_workday(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        assert_eq!(r.service, ServiceRules::default());
        assert_eq!(r.finding_limit, DEFAULT_FINDING_LIMIT);
    }

    #[test]
    fn bad_settings_are_refused_with_what_to_fix() {
        let e = ProjectRules::parse(&json!({"calendar": {"periods": []}})).unwrap_err();
        assert!(e.starts_with("calendar"), "{e}");
        let e = ProjectRules::parse(&json!({"patrol": {"round_deadlines": []}})).unwrap_err();
        assert!(e.contains("round_deadlines"), "{e}");
        assert!(ProjectRules::parse(&json!({"calendar": {"utc_offset_minutes": "x"}})).is_err());
    }
}
