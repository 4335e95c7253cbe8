//! A project's own rules (the `project_settings` reference record): working calendar with
//! holidays, service time limits and quiet hours, patrol rounds a day, the finding limit.
//! Every field defaults to domain.md's numbers, so a project sets only what differs.

use crate::deadline::{Limit, LimitUnit, ServiceRules, Span, WorkCalendar};
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
        let s = &rules.service;
        for (name, limit) in [
            ("arrival", &s.arrival),
            ("urgent_arrival", &s.urgent_arrival),
            ("return_visit", &s.return_visit),
            ("complaint_reply", &s.complaint_reply),
            ("first_answer", &s.first_answer),
        ] {
            limit
                .checked()
                .map_err(|e| format!("service.{name}: {e}"))?;
        }
        if let Some(q) = s
            .quiet_hours
            .spans
            .iter()
            .find(|q| q.start >= q.end || q.end > 24 * 60)
        {
            return Err(format!(
                "service.quiet_hours: {}–{} is not a span of one day; start before it ends, end by 24:00 (1440)",
                q.start, q.end
            ));
        }
        Ok(rules)
    }
}

/// The settings a supervisor edits on the device, as typed: the times by which each day's
/// rounds must be done ("12:00 18:00"), the finding limit in working days ("2", "0.5"), the
/// year's holidays and make-up working days (dates separated by spaces, commas or lines),
/// working hours and owners' quiet hours ("08:00-12:00 14:00-18:00"), and the service time
/// limits in the unit domain.md gives them. A limit left empty keeps what the project has
/// (it may be set in another unit through the API).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulesEdit {
    pub round_deadlines: String,
    pub finding_limit_days: String,
    pub holidays: String,
    pub extra_workdays: String,
    pub working_hours: String,
    pub quiet_hours: String,
    pub arrival_minutes: String,
    pub urgent_arrival_minutes: String,
    pub return_visit_hours: String,
    pub complaint_reply_days: String,
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
    #[error(
        "hours: \"{0}\" is not a span of the day; write spans like 08:00-12:00 (end by 24:00)"
    )]
    Span(String),
    #[error("working hours: give at least one span, e.g. 08:00-12:00 14:00-18:00")]
    NoWorkingHours,
    #[error("\"{0}\" is not a number of minutes; write a whole number from 1 to 1440, e.g. 30")]
    Minutes(String),
    #[error("return visit: \"{0}\" is not a number of hours; write a whole number from 1 to 720, e.g. 48")]
    Hours(String),
    #[error("complaint reply: \"{0}\" is not a number of working days; write a whole or half number up to 60, e.g. 4")]
    ReplyDays(String),
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

fn minute_of_day(w: &str) -> Option<u16> {
    if w == "24:00" {
        return Some(24 * 60);
    }
    let t = chrono::NaiveTime::parse_from_str(w, "%H:%M").ok()?;
    Some((chrono::Timelike::num_seconds_from_midnight(&t) / 60) as u16)
}

/// "08:00-12:00 14:00-18:00" → spans, sorted; an end of 24:00 is midnight.
fn spans(s: &str) -> Result<Vec<Span>, RulesEditError> {
    let mut out = words(s)
        .map(|w| {
            w.split_once(['-', '–', '~', '～', '—'])
                .and_then(|(a, b)| Some((minute_of_day(a.trim())?, minute_of_day(b.trim())?)))
                .filter(|(a, b)| a < b)
                .map(|(start, end)| Span { start, end })
                .ok_or_else(|| RulesEditError::Span(w.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_unstable();
    Ok(out)
}

fn show_spans(spans: &[Span]) -> String {
    let t = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    spans
        .iter()
        .map(|s| format!("{}-{}", t(s.start), t(s.end)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A limit shown in `unit` as a whole number (or a half for working days); empty when the
/// project keeps it in another unit.
fn show_limit(l: &Limit, unit: LimitUnit) -> String {
    if l.unit != unit {
        return String::new();
    }
    let halves = (l.amount * 2.0).round() as i64;
    if halves % 2 == 0 {
        (halves / 2).to_string()
    } else {
        format!("{}.5", halves / 2)
    }
}

/// A typed limit: empty keeps `base`; otherwise a number in `1..=max` (halves allowed for
/// working days).
fn limit(
    typed: &str,
    base: Limit,
    unit: LimitUnit,
    max: f64,
    bad: fn(String) -> RulesEditError,
) -> Result<Limit, RulesEditError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(base);
    }
    let step = if unit == LimitUnit::WorkingDays {
        2.0
    } else {
        1.0
    };
    typed
        .parse::<f64>()
        .ok()
        .filter(|d| d.is_finite() && *d > 0.0 && *d <= max && (d * step).fract() == 0.0)
        .map(|amount| Limit { amount, unit })
        .ok_or_else(|| bad(typed.to_string()))
}

impl RulesEdit {
    pub fn from_rules(r: &ProjectRules) -> RulesEdit {
        let day = |d: &chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        RulesEdit {
            round_deadlines: r
                .patrol
                .round_deadlines
                .iter()
                .map(|t| t.format("%H:%M").to_string())
                .collect::<Vec<_>>()
                .join(" "),
            finding_limit_days: show_limit(&r.finding_limit, LimitUnit::WorkingDays),
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
            working_hours: show_spans(&r.calendar.periods),
            quiet_hours: show_spans(&r.service.quiet_hours.spans),
            arrival_minutes: show_limit(&r.service.arrival, LimitUnit::Minutes),
            urgent_arrival_minutes: show_limit(&r.service.urgent_arrival, LimitUnit::Minutes),
            return_visit_hours: show_limit(&r.service.return_visit, LimitUnit::Hours),
            complaint_reply_days: show_limit(&r.service.complaint_reply, LimitUnit::WorkingDays),
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
        use LimitUnit::{Hours, Minutes, WorkingDays};
        r.finding_limit = limit(
            &self.finding_limit_days,
            r.finding_limit,
            WorkingDays,
            60.0,
            RulesEditError::FindingLimit,
        )?;
        let s = &mut r.service;
        s.arrival = limit(
            &self.arrival_minutes,
            s.arrival,
            Minutes,
            1440.0,
            RulesEditError::Minutes,
        )?;
        s.urgent_arrival = limit(
            &self.urgent_arrival_minutes,
            s.urgent_arrival,
            Minutes,
            1440.0,
            RulesEditError::Minutes,
        )?;
        s.return_visit = limit(
            &self.return_visit_hours,
            s.return_visit,
            Hours,
            720.0,
            RulesEditError::Hours,
        )?;
        s.complaint_reply = limit(
            &self.complaint_reply_days,
            s.complaint_reply,
            WorkingDays,
            60.0,
            RulesEditError::ReplyDays,
        )?;
        s.quiet_hours.spans = spans(&self.quiet_hours)?;
        r.calendar.periods = spans(&self.working_hours)?;
        if r.calendar.periods.is_empty() {
            return Err(RulesEditError::NoWorkingHours);
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

    /// The error `f`'s change to the valid edit `good` gets.
    fn refused(good: &RulesEdit, f: fn(&mut RulesEdit)) -> RulesEditError {
        let mut e = good.clone();
        f(&mut e);
        e.apply(&ProjectRules::default()).unwrap_err()
    }

    #[test]
    fn a_supervisors_edit_round_trips_through_the_settings_payload() {
        let edit = RulesEdit {
            round_deadlines: "18:00, 11:30 16:00".into(),
            finding_limit_days: "1.5".into(),
            holidays: "2027-01-01\n2027-02-11，2027-02-12".into(),
            extra_workdays: "2027-02-07".into(),
            ..RulesEdit::from_rules(&ProjectRules::default())
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
        let bad = |f: fn(&mut RulesEdit)| refused(&good, f);
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
    fn working_hours_quiet_hours_and_service_limits_are_edited_as_typed() {
        let defaults = RulesEdit::from_rules(&ProjectRules::default());
        assert_eq!(defaults.working_hours, "08:00-12:00 14:00-18:00");
        assert_eq!(defaults.quiet_hours, "00:00-08:00 12:00-14:00 21:00-24:00");
        assert_eq!(
            (
                defaults.arrival_minutes.as_str(),
                defaults.urgent_arrival_minutes.as_str()
            ),
            ("30", "15")
        );
        assert_eq!(defaults.return_visit_hours, "48");
        assert_eq!(defaults.complaint_reply_days, "4");
        let edit = RulesEdit {
            working_hours: "13:30–17:30，08:30-12:00".into(),
            quiet_hours: "22:00-24:00 00:00-07:30".into(),
            arrival_minutes: "20".into(),
            urgent_arrival_minutes: "10".into(),
            return_visit_hours: "24".into(),
            complaint_reply_days: "2.5".into(),
            ..defaults.clone()
        };
        let r = edit.apply(&ProjectRules::default()).unwrap();
        assert_eq!(r.calendar.day_minutes(), 210 + 240);
        let at = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(r.service.quiet_hours.is_quiet(at(7, 0)));
        assert!(
            !r.service.quiet_hours.is_quiet(at(12, 30)),
            "noon is no longer quiet"
        );
        assert!(r.service.quiet_hours.is_quiet(at(23, 59)));
        assert_eq!(r.service.arrival, Limit::minutes(20));
        assert_eq!(r.service.urgent_arrival, Limit::minutes(10));
        assert_eq!(r.service.return_visit.amount, 24.0);
        assert_eq!(r.service.complaint_reply.amount, 2.5);
        assert_eq!(ProjectRules::parse(&r.payload()).unwrap(), r);
        let shown = RulesEdit::from_rules(&r);
        assert_eq!(shown.working_hours, "08:30-12:00 13:30-17:30");
        assert_eq!(shown.quiet_hours, "00:00-07:30 22:00-24:00");
        assert_eq!(shown.apply(&ProjectRules::default()).unwrap(), r);
        // No quiet hours at all is a choice; no working hours is not.
        let none = RulesEdit {
            quiet_hours: " ".into(),
            ..defaults.clone()
        };
        assert!(none
            .apply(&ProjectRules::default())
            .unwrap()
            .service
            .quiet_hours
            .spans
            .is_empty());
        let bad = |f: fn(&mut RulesEdit)| refused(&defaults, f);
        use RulesEditError as E;
        assert_eq!(bad(|e| e.working_hours = String::new()), E::NoWorkingHours);
        assert_eq!(
            bad(|e| e.working_hours = "8-12".into()),
            E::Span("8-12".into())
        );
        assert_eq!(
            bad(|e| e.quiet_hours = "21:00-08:00".into()),
            E::Span("21:00-08:00".into())
        );
        assert_eq!(
            bad(|e| e.arrival_minutes = "0".into()),
            E::Minutes("0".into())
        );
        assert_eq!(
            bad(|e| e.urgent_arrival_minutes = "7.5".into()),
            E::Minutes("7.5".into())
        );
        assert_eq!(
            bad(|e| e.return_visit_hours = "two days".into()),
            E::Hours("two days".into())
        );
        assert_eq!(
            bad(|e| e.complaint_reply_days = "0.2".into()),
            E::ReplyDays("0.2".into())
        );
        let overlap = bad(|e| e.working_hours = "08:00-12:00 11:00-18:00".into());
        assert!(matches!(overlap, E::Invalid(_)), "{overlap:?}");
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
        let e = ProjectRules::parse(
            &json!({"service": {"quiet_hours": {"spans": [{"start": 1260, "end": 480}]}}}),
        )
        .unwrap_err();
        assert!(e.starts_with("service.quiet_hours"), "{e}");
        let e =
            ProjectRules::parse(&json!({"service": {"arrival": {"amount": 0, "unit": "minutes"}}}))
                .unwrap_err();
        assert!(e.starts_with("service.arrival"), "{e}");
    }
}
