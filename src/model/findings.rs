//! Findings as the screens read them: open first, the most overdue first; who is involved.

use crate::model::clock::local_now;
use crate::model::rows::{rows, Row};
use guanjia_core::deadline::Countdown;
use guanjia_core::records::{Finding, FindingStatus};
use guanjia_core::{Role, UserId};

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

/// A step someone may take on a finding; `name` is its `data-action` on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingAction {
    AddNote,
    Assign,
    ToOrder,
    Rectify,
    CloseOnTheSpot,
    RecheckPass,
    RecheckFail,
}

impl FindingAction {
    pub fn name(self) -> &'static str {
        match self {
            FindingAction::AddNote => "finding.note_added",
            FindingAction::Assign => "finding.assigned",
            FindingAction::ToOrder => "finding.to_order",
            FindingAction::Rectify => "finding.rectified",
            FindingAction::CloseOnTheSpot => "finding.closed_on_the_spot",
            FindingAction::RecheckPass => "finding.recheck_pass",
            FindingAction::RecheckFail => "finding.recheck_fail",
        }
    }

    /// Held back while an overdue finding waits for its explanation (a screen rule: the
    /// core folds a re-check made offline whatever it says).
    pub fn waits_for_explanation(self) -> bool {
        matches!(
            self,
            FindingAction::CloseOnTheSpot | FindingAction::RecheckPass | FindingAction::RecheckFail
        )
    }
}

/// What the finding's steps depend on.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FindingFacts {
    pub status: Option<FindingStatus>,
    /// A repair order was made from it already.
    pub has_order: bool,
    /// Who rectified it.
    pub fixer: Option<UserId>,
}

impl FindingFacts {
    pub fn of(f: &Finding) -> Self {
        FindingFacts {
            status: f.status,
            has_order: f.assignment.get().and_then(|a| a.repair_order_id).is_some(),
            fixer: f.fixer,
        }
    }
}

/// What `role` (the person `me`) may do with a finding now (the closure loop, domain.md §1):
/// anyone adds a note; while it is open, dispatchers (not technicians) assign it to a
/// department or turn it into a repair order (once), anyone who works on it rectifies it,
/// and a just-reported one may be closed on the spot; a rectified one is re-checked by a
/// dispatcher who did not fix it.
pub fn finding_actions(f: FindingFacts, role: Role, me: Option<UserId>) -> Vec<FindingAction> {
    use FindingAction::*;
    let dispatcher = role != Role::Technician;
    let mut out = vec![AddNote];
    let open = matches!(
        f.status,
        Some(FindingStatus::Reported | FindingStatus::Assigned)
    );
    if open && dispatcher {
        out.push(Assign);
        if !f.has_order {
            out.push(ToOrder);
        }
    }
    if open {
        out.push(Rectify);
    }
    if f.status == Some(FindingStatus::Reported) && dispatcher {
        out.push(CloseOnTheSpot);
    }
    if f.status == Some(FindingStatus::Rectified) && dispatcher && f.fixer != me {
        out.extend([RecheckPass, RecheckFail]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingAction::*;

    fn user(n: u8) -> UserId {
        UserId::from_parts(1, [n; 10])
    }

    fn finding(status: FindingStatus) -> FindingFacts {
        FindingFacts {
            status: Some(status),
            ..FindingFacts::default()
        }
    }

    #[test]
    fn a_reported_finding_is_assigned_ordered_rectified_or_closed_on_the_spot_by_dispatchers() {
        for role in [Role::Butler, Role::Supervisor, Role::Admin] {
            assert_eq!(
                finding_actions(finding(FindingStatus::Reported), role, Some(user(1))),
                vec![AddNote, Assign, ToOrder, Rectify, CloseOnTheSpot]
            );
        }
    }

    #[test]
    fn a_technician_only_notes_and_rectifies() {
        for status in [FindingStatus::Reported, FindingStatus::Assigned] {
            assert_eq!(
                finding_actions(finding(status), Role::Technician, Some(user(2))),
                vec![AddNote, Rectify]
            );
        }
        assert_eq!(
            finding_actions(
                finding(FindingStatus::Rectified),
                Role::Technician,
                Some(user(2))
            ),
            vec![AddNote]
        );
    }

    #[test]
    fn an_assigned_finding_cannot_be_closed_on_the_spot_and_is_ordered_only_once() {
        let mut f = finding(FindingStatus::Assigned);
        assert_eq!(
            finding_actions(f, Role::Butler, None),
            vec![AddNote, Assign, ToOrder, Rectify]
        );
        f.has_order = true;
        assert_eq!(
            finding_actions(f, Role::Butler, None),
            vec![AddNote, Assign, Rectify]
        );
    }

    #[test]
    fn whoever_fixed_it_does_not_recheck_it() {
        let mut f = finding(FindingStatus::Rectified);
        f.fixer = Some(user(1));
        assert_eq!(
            finding_actions(f, Role::Butler, Some(user(1))),
            vec![AddNote]
        );
        assert_eq!(
            finding_actions(f, Role::Butler, Some(user(2))),
            vec![AddNote, RecheckPass, RecheckFail]
        );
        assert_eq!(
            finding_actions(finding(FindingStatus::Closed), Role::Supervisor, None),
            vec![AddNote]
        );
    }

    #[test]
    fn only_closing_and_rechecking_wait_for_an_explanation() {
        let waiting: Vec<FindingAction> = [
            AddNote,
            Assign,
            ToOrder,
            Rectify,
            CloseOnTheSpot,
            RecheckPass,
            RecheckFail,
        ]
        .into_iter()
        .filter(|a| a.waits_for_explanation())
        .collect();
        assert_eq!(waiting, vec![CloseOnTheSpot, RecheckPass, RecheckFail]);
    }
}
