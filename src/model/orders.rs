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

pub fn order_draft(o: &OrderRow, kind: &str, payload: serde_json::Value) -> Draft {
    crate::model::rows::draft("repair_order", o.id, kind, o.project_id, o.area_id, payload)
}

/// The finding an order was made from, rectified by the order's completion (saved in one
/// transaction with it; the rule is the core's `Finding::rectified_by`).
pub fn finding_fix(o: &OrderRow, result_note: Option<&str>) -> Option<Draft> {
    let id = o.folded.state.finding_id?;
    let f = crate::model::rows::row::<guanjia_core::records::Finding>("finding", id)?;
    let fix = f.folded.state.rectified_by(&o.folded.state, result_note)?;
    Some(crate::model::rows::draft(
        "finding",
        id,
        "finding.rectified",
        f.project_id,
        f.area_id,
        serde_json::to_value(fix).ok()?,
    ))
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
