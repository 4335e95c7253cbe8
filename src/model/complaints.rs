//! Complaints as the screens read them: the reply deadline, search, escalation.

use crate::model::clock::local_now;
use crate::model::rows::{rows, Row};
use guanjia_core::deadline::Countdown;
use guanjia_core::records::{Complaint, ComplaintStatus};
use guanjia_core::Role;

/// Whether a lowercase search text occurs in the complaint's description, owner or phone.
pub fn complaint_matches(c: &Row<Complaint>, lowercase_query: &str) -> bool {
    let s = &c.folded.state;
    [&s.description, &s.reporter_name, &s.reporter_phone]
        .into_iter()
        .filter_map(|f| f.get())
        .any(|v| v.to_lowercase().contains(lowercase_query))
}

/// A step someone may take on a complaint; `name` is the step's `data-action` on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintStep {
    Investigate,
    Reply,
    ReturnVisit,
    Close,
    Reopen,
    MarkEffective,
    MarkNotEffective,
}

impl ComplaintStep {
    pub fn name(self) -> &'static str {
        match self {
            ComplaintStep::Investigate => "complaint.investigating",
            ComplaintStep::Reply => "complaint.replied",
            ComplaintStep::ReturnVisit => "complaint.return_visited",
            ComplaintStep::Close => "complaint.closed",
            ComplaintStep::Reopen => "complaint.reopened",
            ComplaintStep::MarkEffective => "complaint.effective_set",
            ComplaintStep::MarkNotEffective => "complaint.effective_unset",
        }
    }

    /// Steps that need the text box (the reply given, the reason to reopen).
    pub fn needs_text(self) -> bool {
        matches!(self, ComplaintStep::Reply | ComplaintStep::Reopen)
    }
}

/// What a person may do with a complaint in `status`: the lifecycle's next steps (anyone who
/// may see it: butlers, supervisors, front desk), and the effective-complaint flag for
/// supervisors and admins only (the KPI counts it; the server refuses it from others).
pub fn complaint_steps(status: Option<ComplaintStatus>, role: Role) -> Vec<ComplaintStep> {
    use ComplaintStatus::*;
    use ComplaintStep::*;
    let mut out = match status {
        Some(Registered) => vec![Investigate, Reply],
        Some(Investigating) => vec![Reply],
        Some(Replied) => vec![ReturnVisit, Close, Reopen],
        Some(ReturnVisited) => vec![Close, Reopen],
        Some(Closed) | None => vec![],
    };
    if matches!(role, Role::Supervisor | Role::Admin) {
        out.extend([MarkEffective, MarkNotEffective]);
    }
    out
}

/// Late with its reply now, or late within the hour (the escalation view's rule for orders).
pub fn needs_escalation(c: &Row<Complaint>, now: chrono::NaiveDateTime) -> bool {
    reply_countdown(c, now).is_some_and(|d| d.urgency() != guanjia_core::deadline::Urgency::OnTime)
}

/// How many complaints the escalation view should point at.
pub fn escalating(now: chrono::NaiveDateTime) -> usize {
    rows::<Complaint>("complaint")
        .iter()
        .filter(|c| needs_escalation(c, now))
        .count()
}

pub fn reply_countdown(c: &Row<Complaint>, now: chrono::NaiveDateTime) -> Option<Countdown> {
    let s = &c.folded.state;
    if !s.status?.awaits_reply() {
        return None;
    }
    let all = crate::model::rules::rules();
    let rules = all.of(c.project_id);
    let cal = &rules.calendar;
    let due = rules
        .service
        .complaint_reply_due(cal.local(s.registered_at.as_deref()?)?, cal)?;
    Some(Countdown::new(due, now))
}

pub fn complaints() -> Vec<Row<Complaint>> {
    let now = local_now();
    let mut out: Vec<Row<Complaint>> = rows("complaint");
    out.sort_by_cached_key(|c| {
        let open = c.folded.state.status.is_some_and(|s| s.is_open());
        (
            !open,
            reply_countdown(c, now).map_or(i64::MAX, |d| d.seconds_left),
            c.id,
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintStatus::*;
    use ComplaintStep::*;

    #[test]
    fn a_complaint_moves_registered_investigating_replied_visited_closed() {
        for role in [Role::Butler, Role::Technician] {
            assert_eq!(
                complaint_steps(Some(Registered), role),
                vec![Investigate, Reply]
            );
            assert_eq!(complaint_steps(Some(Investigating), role), vec![Reply]);
            assert_eq!(
                complaint_steps(Some(Replied), role),
                vec![ReturnVisit, Close, Reopen]
            );
            assert_eq!(
                complaint_steps(Some(ReturnVisited), role),
                vec![Close, Reopen]
            );
            assert_eq!(complaint_steps(Some(Closed), role), vec![]);
            assert_eq!(complaint_steps(None, role), vec![]);
        }
    }

    #[test]
    fn only_supervisors_and_admins_mark_a_complaint_effective() {
        for role in [Role::Supervisor, Role::Admin] {
            let steps = complaint_steps(Some(Closed), role);
            assert_eq!(steps, vec![MarkEffective, MarkNotEffective]);
            assert!(
                complaint_steps(Some(Replied), role).ends_with(&[MarkEffective, MarkNotEffective])
            );
        }
        assert!(!complaint_steps(Some(Replied), Role::Butler).contains(&MarkEffective));
    }

    #[test]
    fn the_reply_and_the_reopening_need_the_text_box() {
        let with_text: Vec<ComplaintStep> = [
            Investigate,
            Reply,
            ReturnVisit,
            Close,
            Reopen,
            MarkEffective,
            MarkNotEffective,
        ]
        .into_iter()
        .filter(|s| s.needs_text())
        .collect();
        assert_eq!(with_text, vec![Reply, Reopen]);
    }
}
