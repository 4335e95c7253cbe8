//! Repair orders (报修工单): what the screens read: one row per order with its
//! category and deadlines, most urgent first; categories and the price list. Time limits come from
//! the core (`guanjia_core::deadline`, `RepairOrder::deadlines`), so the app and the server
//! agree on every deadline.

use crate::model::clock::local_now;
use guanjia_core::deadline::{CategoryLimits, Countdown};
use guanjia_core::fold::Folded;
use guanjia_core::records::{DeadlineState, OrderDeadlines, RepairOrder, RepairStatus};
use guanjia_core::replica::Draft;
use guanjia_core::{AreaId, ProjectId, RecordId};
use guanjia_core::{Payload, Role, UserId};
use std::collections::BTreeMap;

/// A repair category as intake offers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub id: RecordId,
    pub name: String,
    pub limits: CategoryLimits,
}

/// The four clocks of an order (domain.md §2), in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderClock {
    FirstAnswer,
    Arrival,
    Completion,
    ReturnVisit,
}

/// One order as the screens show it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderRow {
    pub id: RecordId,
    pub project_id: ProjectId,
    pub area_id: Option<AreaId>,
    pub folded: Folded<RepairOrder>,
    pub category: Option<String>,
    pub deadlines: OrderDeadlines,
}

impl OrderRow {
    /// Whether a lowercase search text occurs in the description, location, reporter or phone.
    pub fn matches(&self, lowercase_query: &str) -> bool {
        let s = &self.folded.state;
        [
            &s.description,
            &s.location,
            &s.reporter_name,
            &s.reporter_phone,
        ]
        .into_iter()
        .filter_map(|f| f.get())
        .any(|v| v.to_lowercase().contains(lowercase_query))
    }

    pub fn status(&self) -> Option<RepairStatus> {
        self.folded.state.status
    }

    /// The deadline that matters now: the first one still running.
    pub fn next_deadline(&self, now: chrono::NaiveDateTime) -> Option<(OrderClock, Countdown)> {
        let d = &self.deadlines;
        [
            (OrderClock::FirstAnswer, d.first_answer),
            (OrderClock::Arrival, d.arrival),
            (OrderClock::Completion, d.completion),
            (OrderClock::ReturnVisit, d.return_visit),
        ]
        .into_iter()
        .find_map(|(k, dl)| match dl?.state(now) {
            DeadlineState::Running(c) => Some((k, c)),
            _ => None,
        })
    }
}

/// The repair categories this device knows, by name.
pub fn categories() -> Vec<Category> {
    let mut out: Vec<Category> = crate::model::rows::references("repair_category")
        .into_iter()
        .filter_map(|(id, _, _, r)| {
            let num = |k: &str| r.get(k).and_then(|v| v.as_u64()).map(|v| v as u32);
            Some(Category {
                id,
                name: r.name()?.to_string(),
                limits: CategoryLimits {
                    arrival_minutes: num("arrival_minutes"),
                    urgent_arrival_minutes: num("urgent_arrival_minutes"),
                    completion: r
                        .get("completion")
                        .and_then(|c| serde_json::from_value(c.clone()).ok()),
                },
            })
        })
        .collect();
    out.sort_unstable_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    out
}

/// Every repair order on this device, most urgent first.
pub fn orders() -> Vec<OrderRow> {
    let cats: BTreeMap<RecordId, Category> = categories().into_iter().map(|c| (c.id, c)).collect();
    let rules = crate::model::rules::rules();
    let now = local_now();
    let mut rows: Vec<OrderRow> = crate::model::rows::rows::<RepairOrder>("repair_order")
        .into_iter()
        .map(|row| order_row(row, &cats, &rules))
        .collect();
    rows.sort_by_cached_key(|o| {
        let open = o.status().is_some_and(|s| s.is_open());
        let left = o
            .next_deadline(now)
            .map_or(i64::MAX, |(_, c)| c.seconds_left);
        (!open, left, o.id)
    });
    rows
}

/// One order with its deadlines (the order page: folds only that order).
pub fn order(id: RecordId) -> Option<OrderRow> {
    let row = crate::model::rows::row::<RepairOrder>("repair_order", id)?;
    let cats: BTreeMap<RecordId, Category> = categories().into_iter().map(|c| (c.id, c)).collect();
    Some(order_row(row, &cats, &crate::model::rules::rules()))
}

pub fn order_row(
    row: crate::model::rows::Row<RepairOrder>,
    cats: &BTreeMap<RecordId, Category>,
    rules: &crate::model::rules::Rules,
) -> OrderRow {
    let rules = rules.of(row.project_id);
    let cat = row.folded.state.category_id.get().and_then(|c| cats.get(c));
    let deadlines =
        row.folded
            .state
            .deadlines(&rules.service, cat.map(|c| &c.limits), &rules.calendar);
    OrderRow {
        id: row.id,
        project_id: row.project_id,
        area_id: row.area_id,
        category: cat.map(|c| c.name.clone()),
        folded: row.folded,
        deadlines,
    }
}

impl OrderRow {
    /// A change to this order: the typed payload names its kind.
    pub fn draft<P: Payload>(&self, payload: &P) -> Draft {
        Draft::new(self.id, self.project_id, self.area_id, payload)
    }
}

/// The finding an order was made from, rectified by the order's completion (saved in one
/// transaction with it; the rule is the core's `Finding::rectified_by`).
pub fn finding_fix(o: &OrderRow, result_note: Option<&str>) -> Option<Draft> {
    let id = o.folded.state.finding_id?;
    let f = crate::model::rows::row::<guanjia_core::records::Finding>("finding", id)?;
    let fix = f.folded.state.rectified_by(&o.folded.state, result_note)?;
    Some(f.draft(&fix))
}

/// A priced item of the project's price list (有偿服务).
#[derive(Clone, Debug, PartialEq)]
pub struct PriceItem {
    pub name: String,
    pub unit: String,
    pub price_cents: i64,
}

pub fn price_list() -> Vec<PriceItem> {
    let mut out: Vec<PriceItem> = crate::model::rows::references("price_item")
        .into_iter()
        .filter_map(|(_, _, _, r)| {
            Some(PriceItem {
                name: r.name()?.to_string(),
                unit: r
                    .get("unit")
                    .and_then(|u| u.as_str())
                    .unwrap_or("")
                    .to_string(),
                price_cents: r.get("price_cents")?.as_i64()?,
            })
        })
        .collect();
    out.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    out
}

/// How a return visit was made, as the wire says it.
pub fn visit_method(in_person: bool) -> &'static str {
    if in_person {
        "in_person"
    } else {
        "phone"
    }
}

/// A step someone may take on an order; `name` is its `data-action` on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderAction {
    Assign,
    Cancel,
    AddNote,
    /// Correct the category and urgency (they decide the limits).
    EditFields,
    SetAppointment,
    Accept,
    Depart,
    Arrive,
    /// The technician's work form: labour, materials, photos, the owner's signature, complete.
    Work,
    ReturnVisit,
    FixAgain,
    Close,
}

impl OrderAction {
    pub fn name(self) -> &'static str {
        match self {
            OrderAction::Assign => "repair_order.assigned",
            OrderAction::Cancel => "repair_order.cancelled",
            OrderAction::AddNote => "repair_order.note_added",
            OrderAction::EditFields => "repair_order.updated.fields",
            OrderAction::SetAppointment => "repair_order.updated",
            OrderAction::Accept => "repair_order.accepted",
            OrderAction::Depart => "repair_order.on_the_way",
            OrderAction::Arrive => "repair_order.arrived",
            OrderAction::Work => "repair_order.completed",
            OrderAction::ReturnVisit => "repair_order.return_visited",
            OrderAction::FixAgain => "repair_order.fix_again",
            OrderAction::Close => "repair_order.closed",
        }
    }
}

/// What `role` (the person `me`) may do with an order in `status` assigned to `technician`
/// (domain.md §2): dispatchers (everyone but technicians) assign, cancel and correct an
/// open order, set the appointment until the technician is on the way, call the owner back
/// after completion and close or send it back; the assigned technician accepts, goes, arrives
/// and does the work; anyone notes an open order (a note is also the first answer).
pub fn order_actions(
    status: Option<RepairStatus>,
    technician: Option<UserId>,
    role: Role,
    me: Option<UserId>,
) -> Vec<OrderAction> {
    use OrderAction::*;
    use RepairStatus as S;
    let dispatcher = role != Role::Technician;
    let mine = me.is_some() && technician == me;
    let before_done = matches!(
        status,
        Some(S::Created | S::Assigned | S::Accepted | S::OnTheWay | S::Arrived)
    );
    let mut out = Vec::new();
    if dispatcher && before_done {
        out.extend([Assign, Cancel]);
    }
    if status.is_some_and(RepairStatus::is_open) {
        out.push(AddNote);
    }
    if dispatcher && before_done {
        out.push(EditFields);
    }
    if dispatcher && matches!(status, Some(S::Created | S::Assigned | S::Accepted)) {
        out.push(SetAppointment);
    }
    if mine {
        match status {
            Some(S::Assigned) => out.push(Accept),
            Some(S::Accepted) => out.extend([Depart, Arrive]),
            Some(S::OnTheWay) => out.push(Arrive),
            _ => {}
        }
        if matches!(status, Some(S::Accepted | S::OnTheWay | S::Arrived)) {
            out.push(Work);
        }
    }
    if dispatcher {
        match status {
            Some(S::Completed) => out.extend([ReturnVisit, FixAgain]),
            Some(S::ReturnVisited) => out.extend([Close, FixAgain]),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderAction::*;
    use RepairStatus as S;

    fn user(n: u8) -> UserId {
        UserId::from_parts(1, [n; 10])
    }

    #[test]
    fn a_dispatcher_assigns_cancels_notes_corrects_and_sets_the_appointment_of_a_new_order() {
        for role in [Role::Butler, Role::Supervisor, Role::Admin] {
            assert_eq!(
                order_actions(Some(S::Created), None, role, Some(user(1))),
                vec![Assign, Cancel, AddNote, EditFields, SetAppointment]
            );
        }
    }

    #[test]
    fn the_appointment_is_set_only_until_the_technician_is_on_the_way() {
        let with = |s| order_actions(Some(s), Some(user(2)), Role::Butler, Some(user(1)));
        assert!(with(S::Accepted).contains(&SetAppointment));
        assert!(!with(S::OnTheWay).contains(&SetAppointment));
        assert!(!with(S::Arrived).contains(&SetAppointment));
        assert_eq!(with(S::Arrived), vec![Assign, Cancel, AddNote, EditFields]);
    }

    #[test]
    fn the_assigned_technician_accepts_goes_arrives_and_works() {
        let me = Some(user(2));
        let tech = |s| order_actions(Some(s), me, Role::Technician, me);
        assert_eq!(tech(S::Assigned), vec![AddNote, Accept]);
        assert_eq!(tech(S::Accepted), vec![AddNote, Depart, Arrive, Work]);
        assert_eq!(tech(S::OnTheWay), vec![AddNote, Arrive, Work]);
        assert_eq!(tech(S::Arrived), vec![AddNote, Work]);
        assert_eq!(tech(S::Completed), vec![AddNote]);
    }

    #[test]
    fn another_technician_only_notes() {
        for s in [S::Assigned, S::Accepted, S::OnTheWay, S::Arrived] {
            assert_eq!(
                order_actions(Some(s), Some(user(2)), Role::Technician, Some(user(3))),
                vec![AddNote]
            );
        }
        assert_eq!(
            order_actions(Some(S::Created), None, Role::Technician, None),
            vec![AddNote]
        );
    }

    #[test]
    fn after_completion_a_dispatcher_calls_back_then_closes_or_sends_it_back() {
        let d = |s| order_actions(Some(s), Some(user(2)), Role::Supervisor, Some(user(1)));
        assert_eq!(d(S::Completed), vec![AddNote, ReturnVisit, FixAgain]);
        assert_eq!(d(S::ReturnVisited), vec![AddNote, Close, FixAgain]);
        assert_eq!(d(S::Closed), vec![]);
        assert_eq!(d(S::Cancelled), vec![]);
    }

    #[test]
    fn without_a_known_person_no_technician_step_is_offered() {
        // Nobody assigned and nobody signed in must not read as "assigned to me".
        assert_eq!(
            order_actions(Some(S::Accepted), None, Role::Technician, None),
            vec![AddNote]
        );
    }

    #[test]
    fn nothing_is_offered_before_the_order_itself_is_on_the_device() {
        assert_eq!(
            order_actions(None, None, Role::Supervisor, Some(user(1))),
            vec![]
        );
    }
}
