//! Complaints as the screens read them: the reply deadline, search, escalation.

use crate::model::clock::local_now;
use crate::model::rows::{rows, Row};
use guanjia_core::deadline::Countdown;
use guanjia_core::records::Complaint;

/// Time left to reply, while a reply is owed.
/// Whether a lowercase search text occurs in the complaint's description, owner or phone.
pub fn complaint_matches(c: &Row<Complaint>, lowercase_query: &str) -> bool {
    let s = &c.folded.state;
    [&s.description, &s.reporter_name, &s.reporter_phone]
        .into_iter()
        .filter_map(|f| f.get())
        .any(|v| v.to_lowercase().contains(lowercase_query))
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
