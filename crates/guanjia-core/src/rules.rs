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

/// The settings a supervisor edits on the device, as typed: the times by which each day's
/// rounds must be done ("12:00 18:00"), the finding limit in working days ("2", "0.5"), the
/// year's holidays and make-up working days (dates separated by spaces, commas or lines).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesEdit {
    pub round_deadlines: String,
    pub finding_limit_days: String,
    pub holidays: String,
    pub extra_workdays: String,
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '，' || c == '、')
        .filter(|w| !w.is_empty())
}

/// What is wrong with an edit, naming the field and what was typed (the app words it in the
/// person's language).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RulesEditError {
    #[error("rounds: \"{0}\" is not a time of day; write times like 12:00 18:00")]
    RoundTime(String),
    #[error("rounds: give at least one time by which a round must be done, e.g. 12:00")]
    NoRounds,
    #[error("finding limit: \"{0}\" is not a number of working days; write a whole or half number up to 60, e.g. 2 or 0.5")]
    FindingLimit(String),
    #[error("holidays: \"{0}\" is not a date; write it as 2027-01-01")]
    Holiday(String),
    #[error("make-up working days: \"{0}\" is not a date; write it as 2027-01-01")]
    ExtraWorkday(String),
    #[error("{0} is both a holiday and a make-up working day; keep it in one list")]
    Both(chrono::NaiveDate),
    #[error("{0}")]
    Invalid(String),
}

fn dates(
    s: &str,
    bad: fn(String) -> RulesEditError,
) -> Result<std::collections::BTreeSet<chrono::NaiveDate>, RulesEditError> {
    words(s)
        .map(|w| chrono::NaiveDate::parse_from_str(w, "%Y-%m-%d").map_err(|_| bad(w.to_string())))
        .collect()
}

impl RulesEdit {
    pub fn from_rules(r: &ProjectRules) -> RulesEdit {
        let day = |d: &chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        let halves = (r.finding_limit.amount * 2.0).round() as i64;
        RulesEdit {
            round_deadlines: r
                .patrol
                .round_deadlines
                .iter()
                .map(|t| t.format("%H:%M").to_string())
                .collect::<Vec<_>>()
                .join(" "),
            finding_limit_days: if r.finding_limit.unit != crate::deadline::LimitUnit::WorkingDays {
                String::new()
            } else if halves % 2 == 0 {
                (halves / 2).to_string()
            } else {
                format!("{}.5", halves / 2)
            },
            holidays: r
                .calendar
                .holidays
                .iter()
                .map(day)
                .collect::<Vec<_>>()
                .join(" "),
            extra_workdays: r
                .calendar
                .extra_workdays
                .iter()
                .map(day)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// `base` with the edits applied and checked as a push would check them; the error says
    /// which field to fix and how.
    pub fn apply(&self, base: &ProjectRules) -> Result<ProjectRules, RulesEditError> {
        let mut r = base.clone();
        let mut times: Vec<chrono::NaiveTime> = words(&self.round_deadlines)
            .map(|w| {
                chrono::NaiveTime::parse_from_str(w, "%H:%M")
                    .map_err(|_| RulesEditError::RoundTime(w.to_string()))
            })
            .collect::<Result<_, _>>()?;
        times.sort_unstable();
        times.dedup();
        if times.is_empty() {
            return Err(RulesEditError::NoRounds);
        }
        r.patrol.round_deadlines = times;
        let days = self.finding_limit_days.trim();
        if !days.is_empty() {
            let amount: f64 = days
                .parse()
                .ok()
                .filter(|d: &f64| {
                    d.is_finite() && *d > 0.0 && *d <= 60.0 && (d * 2.0).fract() == 0.0
                })
                .ok_or_else(|| RulesEditError::FindingLimit(days.to_string()))?;
            r.finding_limit = Limit {
                amount,
                unit: crate::deadline::LimitUnit::WorkingDays,
            };
        }
        r.calendar.holidays = dates(&self.holidays, RulesEditError::Holiday)?;
        r.calendar.extra_workdays = dates(&self.extra_workdays, RulesEditError::ExtraWorkday)?;
        if let Some(d) = r
            .calendar
            .holidays
            .intersection(&r.calendar.extra_workdays)
            .next()
        {
            return Err(RulesEditError::Both(*d));
        }
        // The same checks as on push, so what the device saves the server accepts.
        ProjectRules::parse(&r.payload()).map_err(RulesEditError::Invalid)
    }
}

impl ProjectRules {
    /// The fields a `project_settings.defined` event carries for these rules (each a
    /// last-writer-wins field of the reference record).
    pub fn payload(&self) -> serde_json::Value {
        serde_json::json!({
            "calendar": self.calendar,
            "service": self.service,
            "patrol": self.patrol,
            "finding_limit": self.finding_limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_supervisors_edit_round_trips_through_the_settings_payload() {
        let edit = RulesEdit {
            round_deadlines: "18:00, 11:30 16:00".into(),
            finding_limit_days: "1.5".into(),
            holidays: "2027-01-01\n2027-02-11，2027-02-12".into(),
            extra_workdays: "2027-02-07".into(),
        };
        let r = edit.apply(&ProjectRules::default()).unwrap();
        assert_eq!(r.patrol.rounds_per_day(), 3);
        assert_eq!(r.finding_limit.amount, 1.5);
        let d = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!r.calendar.is_workday(d("2027-02-11")));
        assert!(
            r.calendar.is_workday(d("2027-02-07")),
            "a Sunday made a working day"
        );
        assert_eq!(ProjectRules::parse(&r.payload()).unwrap(), r);
        let shown = RulesEdit::from_rules(&r);
        assert_eq!(shown.round_deadlines, "11:30 16:00 18:00");
        assert_eq!(shown.finding_limit_days, "1.5");
        assert_eq!(shown.holidays, "2027-01-01 2027-02-11 2027-02-12");
        assert_eq!(shown.apply(&ProjectRules::default()).unwrap(), r);
    }

    #[test]
    fn a_bad_edit_says_which_field_to_fix_and_changes_nothing() {
        let good = RulesEdit::from_rules(&ProjectRules::default());
        assert_eq!(good.finding_limit_days, "2");
        let bad = |f: fn(&mut RulesEdit)| {
            let mut e = good.clone();
            f(&mut e);
            e.apply(&ProjectRules::default()).unwrap_err()
        };
        use RulesEditError as E;
        assert_eq!(
            bad(|e| e.round_deadlines = "noon".into()),
            E::RoundTime("noon".into())
        );
        assert_eq!(bad(|e| e.round_deadlines = " ".into()), E::NoRounds);
        assert_eq!(
            bad(|e| e.finding_limit_days = "-1".into()),
            E::FindingLimit("-1".into())
        );
        assert_eq!(
            bad(|e| e.finding_limit_days = "0.3".into()),
            E::FindingLimit("0.3".into())
        );
        assert_eq!(
            bad(|e| e.holidays = "2027-13-01".into()),
            E::Holiday("2027-13-01".into())
        );
        let both = bad(|e| {
            e.holidays = "2027-02-07".into();
            e.extra_workdays = "2027-02-07".into();
        });
        assert!(both.to_string().contains("both"), "{both}");
    }

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
