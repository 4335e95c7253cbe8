//! Time limits (时限): when an answer, an arrival, a completion or a return visit is due
//! (domain.md §2–§3), on the project's working calendar, and when a phone call would disturb
//! an owner (quiet hours).
//!
//! Everything is in the project's local time (`NaiveDateTime`); [`WorkCalendar::local`]
//! converts from an RFC 3339 instant. No clock is read here: callers pass "now".

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Longest stretch searched for the next working minute. A calendar with no working day in
/// a year is a settings mistake, reported as `None` rather than looping.
const SEARCH_DAYS: u32 = 400;
const DAY_MINUTES: u16 = 24 * 60;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalendarError {
    #[error("working period {0}–{1} is not a time range within one day; use minutes 0–1440 with start before end")]
    BadPeriod(u16, u16),
    #[error("working periods overlap or are out of order; list them from morning to evening")]
    PeriodsOverlap,
    #[error("a working day needs at least one working period")]
    NoPeriods,
    #[error("weekday {0} does not exist; use 1 (Monday) to 7 (Sunday)")]
    BadWeekday(u8),
    #[error("every weekday is a day off; mark at least one weekday as worked")]
    NoWorkdays,
    #[error("the UTC offset {0} minutes is not a real time zone; use −720 to +840 (China: 480)")]
    BadOffset(i32),
    #[error("{0} is not a positive length of time; give a number above zero")]
    BadLimit(f64),
}

/// `[start, end)` in minutes after local midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

impl Span {
    pub const fn new(start_h: u16, start_m: u16, end_h: u16, end_m: u16) -> Span {
        Span {
            start: start_h * 60 + start_m,
            end: end_h * 60 + end_m,
        }
    }

    fn contains(self, minute: u32) -> bool {
        (self.start as u32..self.end as u32).contains(&minute)
    }
}

/// The project's working time: periods of a working day, the weekend, public holidays and
/// make-up working days (调休), and the offset of its clocks from UTC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkCalendar {
    /// Minutes east of UTC (China Standard Time: 480).
    pub utc_offset_minutes: i32,
    /// Working periods of a working day, morning to evening.
    pub periods: Vec<Span>,
    /// ISO weekdays not normally worked (1 = Monday … 7 = Sunday).
    pub weekend: Vec<u8>,
    /// Days off that would otherwise be working days (法定节假日).
    pub holidays: BTreeSet<NaiveDate>,
    /// Working days that would otherwise be days off (调休上班).
    pub extra_workdays: BTreeSet<NaiveDate>,
}

impl Default for WorkCalendar {
    /// 08:00–12:00 and 14:00–18:00 (the noon rest of domain.md §3), Monday to Friday, China.
    fn default() -> Self {
        WorkCalendar {
            utc_offset_minutes: 480,
            periods: vec![Span::new(8, 0, 12, 0), Span::new(14, 0, 18, 0)],
            weekend: vec![6, 7],
            holidays: BTreeSet::new(),
            extra_workdays: BTreeSet::new(),
        }
    }
}

impl WorkCalendar {
    /// Checks settings read from a project record; every other method assumes a checked one.
    pub fn validated(self) -> Result<Self, CalendarError> {
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            return Err(CalendarError::BadOffset(self.utc_offset_minutes));
        }
        if self.periods.is_empty() {
            return Err(CalendarError::NoPeriods);
        }
        for p in &self.periods {
            if p.start >= p.end || p.end > DAY_MINUTES {
                return Err(CalendarError::BadPeriod(p.start, p.end));
            }
        }
        if self.periods.windows(2).any(|w| w[0].end > w[1].start) {
            return Err(CalendarError::PeriodsOverlap);
        }
        if let Some(&d) = self.weekend.iter().find(|d| !(1..=7).contains(*d)) {
            return Err(CalendarError::BadWeekday(d));
        }
        if (1..=7).all(|d| self.weekend.contains(&d)) {
            return Err(CalendarError::NoWorkdays);
        }
        Ok(self)
    }

    /// Is `date` worked? Make-up days beat holidays beat the weekend.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        if self.extra_workdays.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        let weekday = date.weekday().number_from_monday() as u8;
        !self.weekend.contains(&weekday)
    }

    /// Working minutes in one working day (a "working day" time limit is this long).
    pub fn day_minutes(&self) -> u32 {
        self.periods.iter().map(|p| (p.end - p.start) as u32).sum()
    }

    /// Is `at` inside working time?
    pub fn is_working_time(&self, at: NaiveDateTime) -> bool {
        let minute = at.time().num_seconds_from_midnight() / 60;
        self.is_workday(at.date()) && self.periods.iter().any(|p| p.contains(minute))
    }

    /// The moment `minutes` of working time after `from` have passed. Time outside working
    /// periods does not count; a request made at night starts counting next morning.
    pub fn add_working_minutes(&self, from: NaiveDateTime, minutes: u32) -> Option<NaiveDateTime> {
        let mut remaining = i64::from(minutes) * 60;
        let mut date = from.date();
        let mut at = i64::from(from.time().num_seconds_from_midnight());
        for _ in 0..SEARCH_DAYS {
            if self.is_workday(date) {
                for p in &self.periods {
                    let (start, end) = (i64::from(p.start) * 60, i64::from(p.end) * 60);
                    if at >= end {
                        continue;
                    }
                    let begin = at.max(start);
                    if remaining <= end - begin {
                        return Some(
                            date.and_hms_opt(0, 0, 0)? + Duration::seconds(begin + remaining),
                        );
                    }
                    remaining -= end - begin;
                    at = end;
                }
            }
            date = date.succ_opt()?;
            at = 0;
        }
        None
    }

    /// Local time of an RFC 3339 instant (device or server time) in this project.
    pub fn local(&self, rfc3339: &str) -> Option<NaiveDateTime> {
        let t = DateTime::parse_from_rfc3339(rfc3339).ok()?;
        Some(t.naive_utc() + Duration::minutes(i64::from(self.utc_offset_minutes)))
    }

    /// Local time of a Unix time in milliseconds.
    pub fn local_ms(&self, unix_ms: i64) -> Option<NaiveDateTime> {
        let t = DateTime::from_timestamp_millis(unix_ms)?;
        Some(t.naive_utc() + Duration::minutes(i64::from(self.utc_offset_minutes)))
    }
}

/// A time limit as the project settings state it: `{"amount": 0.5, "unit": "working_days"}`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub amount: f64,
    pub unit: LimitUnit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// Clock minutes, day and night (arrival limits).
    Minutes,
    /// Clock hours (the 48-hour return visit; "general repair ≤ 2 h").
    Hours,
    /// Calendar days (corridor lighting "2 days").
    Days,
    /// Hours of working time.
    WorkingHours,
    /// Working days; ½ is half a working day's minutes.
    WorkingDays,
}

impl Limit {
    pub const fn minutes(n: u32) -> Limit {
        Limit {
            amount: n as f64,
            unit: LimitUnit::Minutes,
        }
    }

    pub fn checked(self) -> Result<Limit, CalendarError> {
        if self.amount.is_finite() && self.amount > 0.0 {
            Ok(self)
        } else {
            Err(CalendarError::BadLimit(self.amount))
        }
    }

    /// When something started at `from` is due. `None` only for a calendar without
    /// working days ahead (see [`WorkCalendar::validated`]) or a nonsense amount.
    pub fn due(self, from: NaiveDateTime, cal: &WorkCalendar) -> Option<NaiveDateTime> {
        let a = self.checked().ok()?.amount;
        let clock = |minutes: f64| {
            from.checked_add_signed(Duration::seconds((minutes * 60.0).round() as i64))
        };
        match self.unit {
            LimitUnit::Minutes => clock(a),
            LimitUnit::Hours => clock(a * 60.0),
            LimitUnit::Days => clock(a * 24.0 * 60.0),
            LimitUnit::WorkingHours => cal.add_working_minutes(from, (a * 60.0).round() as u32),
            LimitUnit::WorkingDays => {
                cal.add_working_minutes(from, (a * f64::from(cal.day_minutes())).round() as u32)
            }
        }
    }
}

/// How a deadline stands at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    OnTime,
    /// Due within [`DUE_SOON_MINUTES`]: the supervisor's escalation view lists it.
    DueSoon,
    Overdue,
}

/// "What will be overdue within the hour" (issue: escalation view).
pub const DUE_SOON_MINUTES: i64 = 60;

/// A deadline against "now": signed minutes left (negative when overdue) and its urgency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Countdown {
    pub due: NaiveDateTime,
    pub seconds_left: i64,
}

impl Countdown {
    pub fn new(due: NaiveDateTime, now: NaiveDateTime) -> Countdown {
        Countdown {
            due,
            seconds_left: (due - now).num_seconds(),
        }
    }

    pub fn urgency(&self) -> Urgency {
        if self.seconds_left < 0 {
            Urgency::Overdue
        } else if self.seconds_left <= DUE_SOON_MINUTES * 60 {
            Urgency::DueSoon
        } else {
            Urgency::OnTime
        }
    }

    /// "2天3小时" / "-0:12" style is the app's business; this gives whole minutes, rounded
    /// towards "less time left" so a card never shows time that is not there.
    pub fn minutes_left(&self) -> i64 {
        self.seconds_left.div_euclid(60)
    }
}

/// When phoning owners is not done (domain.md §3: not in the early morning, the noon rest or
/// after 21:00). Per project; the app warns before a call in these hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuietHours {
    pub spans: Vec<Span>,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            spans: vec![
                Span::new(0, 0, 8, 0),
                Span::new(12, 0, 14, 0),
                Span::new(21, 0, 24, 0),
            ],
        }
    }
}

impl QuietHours {
    pub fn is_quiet(&self, at: NaiveTime) -> bool {
        let minute = at.num_seconds_from_midnight() / 60;
        self.spans.iter().any(|s| s.contains(minute))
    }

    /// The first moment at or after `at` when a call is fine (quiet spans may chain across
    /// midnight, as 21:00–24:00 and 00:00–08:00 do). `None` if the whole day is quiet.
    pub fn next_call_time(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        let mut t = at;
        // Each step jumps to the end of one quiet span; more steps than spans means a loop.
        for _ in 0..=self.spans.len() * 2 + 1 {
            let minute = t.time().num_seconds_from_midnight() / 60;
            let Some(span) = self.spans.iter().find(|s| s.contains(minute)) else {
                return Some(t);
            };
            t = t.date().and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(span.end));
        }
        None
    }
}

/// The default time limits of domain.md §2 that are not per repair category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceRules {
    /// Arrival for ordinary repairs (002 制度9 8: 30 min).
    pub arrival: Limit,
    /// Arrival for urgent water, electricity and gas repairs (15 min).
    pub urgent_arrival: Limit,
    /// Return visit after completion (48 h).
    pub return_visit: Limit,
    /// Reply to a complaint (4 working days).
    pub complaint_reply: Limit,
    /// First answer to a help request (5 min).
    pub first_answer: Limit,
    pub quiet_hours: QuietHours,
}

impl Default for ServiceRules {
    fn default() -> Self {
        ServiceRules {
            arrival: Limit::minutes(30),
            urgent_arrival: Limit::minutes(15),
            return_visit: Limit {
                amount: 48.0,
                unit: LimitUnit::Hours,
            },
            complaint_reply: Limit {
                amount: 4.0,
                unit: LimitUnit::WorkingDays,
            },
            first_answer: Limit::minutes(5),
            quiet_hours: QuietHours::default(),
        }
    }
}

/// A repair category's own limits (the `repair_category` reference record's payload).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CategoryLimits {
    #[serde(default)]
    pub arrival_minutes: Option<u32>,
    #[serde(default)]
    pub urgent_arrival_minutes: Option<u32>,
    #[serde(default)]
    pub completion: Option<Limit>,
}

impl ServiceRules {
    /// Arrival is due at the agreed appointment if there is one, else the category's (or the
    /// project's) limit after the order was created; urgent orders use the urgent limit.
    pub fn arrival_due(
        &self,
        created: NaiveDateTime,
        urgent: bool,
        category: Option<&CategoryLimits>,
        appointment: Option<NaiveDateTime>,
        cal: &WorkCalendar,
    ) -> Option<NaiveDateTime> {
        if let Some(at) = appointment {
            return Some(at);
        }
        let per_category = category.and_then(|c| {
            if urgent {
                c.urgent_arrival_minutes.or(c.arrival_minutes)
            } else {
                c.arrival_minutes
            }
        });
        let project = if urgent {
            self.urgent_arrival
        } else {
            self.arrival
        };
        let limit = match per_category {
            // An urgent order never waits longer than the project's urgent limit.
            Some(m) if urgent => {
                let project_due = project.due(created, cal);
                let category_due = Limit::minutes(m).due(created, cal);
                return project_due.into_iter().chain(category_due).min();
            }
            Some(m) => Limit::minutes(m),
            None => project,
        };
        limit.due(created, cal)
    }

    /// Completion is due the category's limit after arrival was due (work can only start
    /// once someone is there), or after creation if the category sets no limit: then none.
    pub fn completion_due(
        &self,
        arrival_due: NaiveDateTime,
        category: Option<&CategoryLimits>,
        cal: &WorkCalendar,
    ) -> Option<NaiveDateTime> {
        category?.completion?.due(arrival_due, cal)
    }

    pub fn return_visit_due(
        &self,
        completed: NaiveDateTime,
        cal: &WorkCalendar,
    ) -> Option<NaiveDateTime> {
        self.return_visit.due(completed, cal)
    }

    pub fn complaint_reply_due(
        &self,
        registered: NaiveDateTime,
        cal: &WorkCalendar,
    ) -> Option<NaiveDateTime> {
        self.complaint_reply.due(registered, cal)
    }

    pub fn first_answer_due(
        &self,
        asked: NaiveDateTime,
        cal: &WorkCalendar,
    ) -> Option<NaiveDateTime> {
        self.first_answer.due(asked, cal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn cal() -> WorkCalendar {
        WorkCalendar::default().validated().unwrap()
    }

    fn working_days(n: f64) -> Limit {
        Limit {
            amount: n,
            unit: LimitUnit::WorkingDays,
        }
    }

    // 2026-11-20 is a Friday.

    #[test]
    fn one_working_day_from_a_weekday_morning_is_the_next_morning() {
        assert_eq!(
            working_days(1.0).due(at("2026-11-18 09:30"), &cal()),
            Some(at("2026-11-19 09:30"))
        );
    }

    #[test]
    fn half_a_working_day_skips_the_noon_rest() {
        // 10:00 + 4 working hours: 2 h before noon, 2 h after 14:00.
        assert_eq!(
            working_days(0.5).due(at("2026-11-18 10:00"), &cal()),
            Some(at("2026-11-18 16:00"))
        );
    }

    #[test]
    fn a_friday_afternoon_order_runs_into_monday() {
        assert_eq!(
            working_days(1.0).due(at("2026-11-20 16:00"), &cal()),
            Some(at("2026-11-23 16:00"))
        );
    }

    #[test]
    fn a_request_at_night_starts_counting_next_working_morning() {
        let due = working_days(0.5).due(at("2026-11-18 22:15"), &cal());
        assert_eq!(due, Some(at("2026-11-19 12:00")));
        let saturday = working_days(0.5).due(at("2026-11-21 10:00"), &cal());
        assert_eq!(saturday, Some(at("2026-11-23 12:00")));
    }

    #[test]
    fn a_deadline_ending_exactly_at_closing_time_stays_on_that_day() {
        assert_eq!(
            working_days(1.0).due(at("2026-11-18 08:00"), &cal()),
            Some(at("2026-11-18 18:00"))
        );
    }

    #[test]
    fn holidays_are_skipped_and_make_up_days_are_worked() {
        let mut c = cal();
        // National Day week style: Thu–Fri off, the Saturday worked instead.
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 11, 19).unwrap());
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        c.extra_workdays
            .insert(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap());
        let c = c.validated().unwrap();
        assert!(!c.is_workday(NaiveDate::from_ymd_opt(2026, 11, 19).unwrap()));
        assert!(c.is_workday(NaiveDate::from_ymd_opt(2026, 11, 21).unwrap()));
        assert_eq!(
            working_days(1.0).due(at("2026-11-18 15:00"), &c),
            Some(at("2026-11-21 15:00"))
        );
    }

    #[test]
    fn four_working_days_for_a_complaint_reply_cross_the_weekend() {
        let rules = ServiceRules::default();
        let due = rules.complaint_reply_due(at("2026-11-19 11:00"), &cal());
        assert_eq!(due, Some(at("2026-11-25 11:00")));
    }

    #[test]
    fn clock_limits_ignore_the_calendar() {
        let rules = ServiceRules::default();
        let c = cal();
        assert_eq!(
            rules.return_visit_due(at("2026-11-20 17:00"), &c),
            Some(at("2026-11-22 17:00"))
        );
        assert_eq!(
            rules.first_answer_due(at("2026-11-21 23:58"), &c),
            Some(at("2026-11-22 00:03"))
        );
        let two_days = Limit {
            amount: 2.0,
            unit: LimitUnit::Days,
        };
        assert_eq!(
            two_days.due(at("2026-11-20 17:00"), &c),
            Some(at("2026-11-22 17:00"))
        );
    }

    #[test]
    fn urgent_orders_must_be_reached_in_fifteen_minutes_others_in_thirty() {
        let rules = ServiceRules::default();
        let c = cal();
        let t = at("2026-11-21 03:00");
        assert_eq!(
            rules.arrival_due(t, true, None, None, &c),
            Some(at("2026-11-21 03:15"))
        );
        assert_eq!(
            rules.arrival_due(t, false, None, None, &c),
            Some(at("2026-11-21 03:30"))
        );
    }

    #[test]
    fn an_agreed_appointment_overrides_the_arrival_limit() {
        let rules = ServiceRules::default();
        let appointment = at("2026-11-22 15:00");
        let due = rules.arrival_due(
            at("2026-11-21 09:00"),
            true,
            None,
            Some(appointment),
            &cal(),
        );
        assert_eq!(due, Some(appointment));
    }

    #[test]
    fn a_category_sets_its_own_arrival_but_urgent_never_waits_longer_than_the_project_allows() {
        let rules = ServiceRules::default();
        let lift = CategoryLimits {
            arrival_minutes: Some(10),
            urgent_arrival_minutes: Some(10),
            completion: None,
        };
        let slow = CategoryLimits {
            arrival_minutes: Some(45),
            urgent_arrival_minutes: Some(40),
            completion: None,
        };
        let t = at("2026-11-21 09:00");
        let c = cal();
        assert_eq!(
            rules.arrival_due(t, false, Some(&lift), None, &c),
            Some(at("2026-11-21 09:10"))
        );
        assert_eq!(
            rules.arrival_due(t, true, Some(&slow), None, &c),
            Some(at("2026-11-21 09:15"))
        );
        assert_eq!(
            rules.arrival_due(t, false, Some(&slow), None, &c),
            Some(at("2026-11-21 09:45"))
        );
    }

    #[test]
    fn completion_counts_from_arrival_in_the_categorys_unit() {
        let rules = ServiceRules::default();
        let drain = CategoryLimits {
            completion: Some(working_days(0.5)),
            ..Default::default()
        };
        let c = cal();
        assert_eq!(
            rules.completion_due(at("2026-11-18 11:30"), Some(&drain), &c),
            Some(at("2026-11-18 17:30"))
        );
        assert_eq!(rules.completion_due(at("2026-11-18 11:30"), None, &c), None);
    }

    #[test]
    fn category_payloads_from_the_demo_parse() {
        let v = serde_json::json!({"code": "drain", "arrival_minutes": 30, "urgent_arrival_minutes": 15,
            "completion": {"amount": 0.5, "unit": "working_days"}, "note": ""});
        let c: CategoryLimits = serde_json::from_value(v).unwrap();
        assert_eq!(c.completion, Some(working_days(0.5)));
        assert_eq!(c.urgent_arrival_minutes, Some(15));
    }

    #[test]
    fn countdowns_turn_due_soon_within_the_hour_and_overdue_after() {
        let due = at("2026-11-18 12:00");
        assert_eq!(
            Countdown::new(due, at("2026-11-18 10:59")).urgency(),
            Urgency::OnTime
        );
        assert_eq!(
            Countdown::new(due, at("2026-11-18 11:00")).urgency(),
            Urgency::DueSoon
        );
        let late = Countdown::new(due, at("2026-11-18 12:00") + Duration::seconds(30));
        assert_eq!(late.urgency(), Urgency::Overdue);
        assert_eq!(late.minutes_left(), -1);
    }

    #[test]
    fn quiet_hours_cover_early_morning_noon_and_late_evening() {
        let q = QuietHours::default();
        let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
        assert!(q.is_quiet(t("07:59")));
        assert!(!q.is_quiet(t("08:00")));
        assert!(q.is_quiet(t("12:30")));
        assert!(!q.is_quiet(t("14:00")));
        assert!(!q.is_quiet(t("20:59")));
        assert!(q.is_quiet(t("21:00")));
    }

    #[test]
    fn the_next_call_time_after_a_late_evening_is_eight_next_morning() {
        let q = QuietHours::default();
        assert_eq!(
            q.next_call_time(at("2026-11-18 22:10")),
            Some(at("2026-11-19 08:00"))
        );
        assert_eq!(
            q.next_call_time(at("2026-11-18 12:10")),
            Some(at("2026-11-18 14:00"))
        );
        assert_eq!(
            q.next_call_time(at("2026-11-18 10:00")),
            Some(at("2026-11-18 10:00"))
        );
        let always = QuietHours {
            spans: vec![Span::new(0, 0, 24, 0)],
        };
        assert_eq!(always.next_call_time(at("2026-11-18 10:00")), None);
    }

    #[test]
    fn project_local_time_comes_from_rfc3339_instants() {
        let c = cal();
        assert_eq!(
            c.local("2026-11-18T01:30:00Z"),
            Some(at("2026-11-18 09:30"))
        );
        assert_eq!(
            c.local("2026-11-18T09:30:00+08:00"),
            Some(at("2026-11-18 09:30"))
        );
        assert_eq!(c.local("yesterday"), None);
    }

    #[test]
    fn bad_calendars_are_refused_with_a_reason() {
        let with_periods = |periods: Vec<Span>| WorkCalendar {
            periods,
            ..Default::default()
        };
        let reversed = with_periods(vec![Span::new(14, 0, 18, 0), Span::new(8, 0, 12, 0)]);
        assert_eq!(reversed.validated(), Err(CalendarError::PeriodsOverlap));
        let backwards = with_periods(vec![Span::new(9, 0, 8, 0)]);
        assert!(matches!(
            backwards.validated(),
            Err(CalendarError::BadPeriod(..))
        ));
        assert_eq!(
            with_periods(Vec::new()).validated(),
            Err(CalendarError::NoPeriods)
        );
        let never = WorkCalendar {
            weekend: (1..=7).collect(),
            ..Default::default()
        };
        assert_eq!(never.validated(), Err(CalendarError::NoWorkdays));
        assert!(Limit::minutes(0).checked().is_err());
        assert_eq!(Limit::minutes(0).due(at("2026-11-18 10:00"), &cal()), None);
    }

    #[test]
    fn a_calendar_without_working_days_ahead_gives_no_deadline_instead_of_hanging() {
        let mut c = cal();
        let mut d = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        for _ in 0..(SEARCH_DAYS + 10) {
            c.holidays.insert(d);
            d = d.succ_opt().unwrap();
        }
        assert_eq!(working_days(1.0).due(at("2026-11-18 10:00"), &c), None);
    }
}
