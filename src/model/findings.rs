//! Findings as the screens read them: open first, the most overdue first; who is involved.

use crate::model::clock::local_now;
use crate::model::rows::{rows, Row};
use guanjia_core::deadline::Countdown;
use guanjia_core::records::{Finding, FindingStatus};
use guanjia_core::UserId;

/// Overdue and not explained yet, by the finding's project rules.
pub fn needs_explanation(f: &Row<Finding>, now: chrono::NaiveDateTime) -> bool {
    let all = crate::model::rules::rules();
    let r = all.of(f.project_id);
    f.folded
        .state
        .needs_explanation(now, r.finding_limit, &r.calendar)
}

pub fn finding_is_open(f: &Row<Finding>) -> bool {
    f.folded
        .state
        .status
        .is_some_and(|s| s != FindingStatus::Closed)
}

/// Time left to close it (only while open).
pub fn finding_countdown(f: &Row<Finding>, now: chrono::NaiveDateTime) -> Option<Countdown> {
    if !finding_is_open(f) {
        return None;
    }
    let all = crate::model::rules::rules();
    let r = all.of(f.project_id);
    let due = f.folded.state.due(r.finding_limit, &r.calendar)?;
    Some(Countdown::new(due, now))
}

pub fn findings() -> Vec<Row<Finding>> {
    let now = local_now();
    let mut out: Vec<Row<Finding>> = rows("finding");
    out.sort_by_cached_key(|f| {
        let left = finding_countdown(f, now).map_or(i64::MAX, |c| c.seconds_left);
        (!finding_is_open(f), left, f.id)
    });
    out
}

pub fn involves(f: &Row<Finding>, me: Option<UserId>) -> bool {
    let s = &f.folded.state;
    me.is_some()
        && (s.reported_by == me
            || s.fixer == me
            || s.assignment.get().and_then(|a| a.technician_id) == me)
}
