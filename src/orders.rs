//! Repair orders (报修工单): the list with live deadlines, intake (works offline), and one
//! order with the actions its status and the signed-in role allow. Time limits come from
//! the core (`guanjia_core::deadline`, `RepairOrder::deadlines`), so the app and the server
//! agree on every deadline.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::engine::{now_ms, random_bytes};
use crate::i18n::{use_i18n, I18n, Key, Lang};
use crate::state::{person_name, use_app, AppState};
use guanjia_core::deadline::{CategoryLimits, Countdown, Urgency, WorkCalendar};
use guanjia_core::fold::Folded;
use guanjia_core::records::{DeadlineState, OrderDeadlines, RepairOrder, RepairStatus};
use guanjia_core::replica::Draft;
use guanjia_core::{AreaId, ProjectId, RecordId, Role, UserId};
use serde_json::json;
use std::collections::BTreeMap;

/// "到场 30 分钟（紧急 15）· 完工 ½ 个工作日": a category's limits as intake shows them
/// (amounts in halves, so no float formatting is linked into the app).
fn limits_text(i18n: I18n, l: &CategoryLimits) -> String {
    use guanjia_core::deadline::LimitUnit;
    let mut parts = Vec::new();
    if let Some(m) = l.arrival_minutes {
        let urgent = l
            .urgent_arrival_minutes
            .map(|u| format!(" ({} {u})", i18n.t(Key::LimitUrgent)))
            .unwrap_or_default();
        parts.push(format!(
            "{} {m} {}{urgent}",
            i18n.t(Key::LimitArrival),
            i18n.t(Key::UnitMinutes)
        ));
    }
    if let Some(c) = l.completion {
        let halves = (c.amount * 2.0).round() as i64;
        let amount = match (halves / 2, halves % 2 == 1) {
            (0, true) => "½".to_string(),
            (n, true) => format!("{n}½"),
            (n, false) => n.to_string(),
        };
        let unit = match c.unit {
            LimitUnit::Minutes => Key::UnitMinutes,
            LimitUnit::Hours => Key::UnitHours,
            LimitUnit::Days => Key::UnitDays,
            LimitUnit::WorkingHours => Key::UnitWorkingHours,
            LimitUnit::WorkingDays => Key::UnitWorkingDays,
        };
        parts.push(format!(
            "{} {amount} {}",
            i18n.t(Key::LimitCompletion),
            i18n.t(unit)
        ));
    }
    parts.join(" · ")
}

/// A repair category as intake offers it.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub id: RecordId,
    pub name: String,
    pub limits: CategoryLimits,
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

/// A household of the registry, as intake searches it.
#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    pub id: RecordId,
    pub area_id: Option<AreaId>,
    /// "3幢1单元1201"
    pub name: String,
    pub owner: Option<String>,
    pub phone: Option<String>,
}

impl Household {
    /// Building/unit/room as written ("3幢1单元12") or as numbers ("3-1-1201", "3 1 12"),
    /// owner name or phone.
    pub fn matches(&self, q: &str) -> bool {
        let q = q.trim();
        if q.is_empty() {
            return false;
        }
        let text = |f: &Option<String>| f.as_deref().is_some_and(|v| v.contains(q));
        if self.name.contains(q) || text(&self.owner) || text(&self.phone) {
            return true;
        }
        let parts: Vec<&str> = q.split(['-', ' ', '/']).filter(|p| !p.is_empty()).collect();
        if parts.len() < 2 || !parts.iter().all(|p| p.bytes().all(|c| c.is_ascii_digit())) {
            return false;
        }
        let mine: Vec<&str> = self
            .name
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .collect();
        let last = parts.len() - 1;
        parts.len() <= mine.len()
            && parts
                .iter()
                .zip(&mine)
                .enumerate()
                .all(|(i, (a, b))| a == b || (i == last && b.starts_with(a)))
    }
}

/// The registry of households this device holds (the user's areas).
pub fn households() -> Vec<Household> {
    let text = |r: &guanjia_core::records::Reference, k: &str| {
        r.get(k).and_then(|v| v.as_str()).map(str::to_string)
    };
    crate::data::references("household")
        .into_iter()
        .filter_map(|(id, _, area_id, r)| {
            Some(Household {
                id,
                area_id,
                name: r.name()?.to_string(),
                owner: text(&r, "owner_name"),
                phone: text(&r, "phone"),
            })
        })
        .collect()
}

/// A list never renders more cards than this; search narrows it down.
const LIST_LIMIT: usize = 100;

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
    pub fn next_deadline(&self, now: chrono::NaiveDateTime) -> Option<(Key, Countdown)> {
        let d = &self.deadlines;
        [
            (Key::OrderFirstAnswer, d.first_answer),
            (Key::OrderArrival, d.arrival),
            (Key::OrderCompletion, d.completion),
            (Key::OrderReturnVisit, d.return_visit),
        ]
        .into_iter()
        .find_map(|(k, dl)| match dl?.state(now) {
            DeadlineState::Running(c) => Some((k, c)),
            _ => None,
        })
    }
}

fn calendar() -> WorkCalendar {
    crate::data::rules().home().calendar.clone()
}

/// Project-local now.
pub fn local_now() -> chrono::NaiveDateTime {
    calendar().local_ms(now_ms() as i64).unwrap_or_default()
}

/// The repair categories this device knows, by name.
pub fn categories() -> Vec<Category> {
    let mut out: Vec<Category> = crate::data::references("repair_category")
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
    let rules = crate::data::rules();
    let now = local_now();
    let mut rows: Vec<OrderRow> = crate::data::rows::<RepairOrder>("repair_order")
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
    let row = crate::data::row::<RepairOrder>("repair_order", id)?;
    let cats: BTreeMap<RecordId, Category> = categories().into_iter().map(|c| (c.id, c)).collect();
    Some(order_row(row, &cats, &crate::data::rules()))
}

fn order_row(
    row: crate::data::Row<RepairOrder>,
    cats: &BTreeMap<RecordId, Category>,
    rules: &crate::data::Rules,
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

/// "剩 1 小时 5 分" / "1 h 5 min left"; "超时 12 分" / "12 min overdue".
pub fn countdown_text(lang: Lang, c: &Countdown) -> String {
    let m = c.minutes_left();
    let a = m.unsigned_abs();
    let (d, h, min) = (a / 1440, a % 1440 / 60, a % 60);
    let span = match lang {
        Lang::ZhCn if d > 0 => format!("{d} 天 {h} 小时"),
        Lang::ZhCn if h > 0 => format!("{h} 小时 {min} 分"),
        Lang::ZhCn => format!("{min} 分"),
        Lang::En if d > 0 => format!("{d} d {h} h"),
        Lang::En if h > 0 => format!("{h} h {min} min"),
        Lang::En => format!("{min} min"),
    };
    match (lang, m < 0) {
        (Lang::ZhCn, false) => format!("剩 {span}"),
        (Lang::ZhCn, true) => format!("超时 {span}"),
        (Lang::En, false) => format!("{span} left"),
        (Lang::En, true) => format!("{span} overdue"),
    }
}

pub fn urgency_class(c: &Countdown) -> &'static str {
    match c.urgency() {
        Urgency::OnTime => "ok",
        Urgency::DueSoon => "soon",
        Urgency::Overdue => "overdue",
    }
}

pub fn status_key(s: Option<RepairStatus>) -> Key {
    match s {
        None | Some(RepairStatus::Created) => Key::StatusCreated,
        Some(RepairStatus::Assigned) => Key::StatusAssigned,
        Some(RepairStatus::Accepted) => Key::StatusAccepted,
        Some(RepairStatus::OnTheWay) => Key::StatusOnTheWay,
        Some(RepairStatus::Arrived) => Key::StatusArrived,
        Some(RepairStatus::Completed) => Key::StatusCompleted,
        Some(RepairStatus::ReturnVisited) => Key::StatusReturnVisited,
        Some(RepairStatus::Closed) => Key::StatusClosed,
        Some(RepairStatus::Cancelled) => Key::StatusCancelled,
    }
}

/// An appointment as `datetime-local` gives it (project-local "2026-11-23T09:30"), stored in
/// RFC 3339 with the project calendar's offset.
fn appointment_time(typed: &str) -> Option<String> {
    let t = chrono::NaiveDateTime::parse_from_str(typed, "%Y-%m-%dT%H:%M").ok()?;
    let m = calendar().utc_offset_minutes;
    let sign = if m < 0 { '-' } else { '+' };
    Some(format!(
        "{}{sign}{:02}:{:02}",
        t.format("%Y-%m-%dT%H:%M:%S"),
        m.abs() / 60,
        m.abs() % 60
    ))
}

/// The step an order event's kind stands for, for the conflict panel.
fn kind_status_key(kind: &str) -> Key {
    let step = kind.rsplit('.').next().unwrap_or_default();
    status_key(serde_json::from_value(json!(step)).ok())
}

/// A minute clock for countdowns (re-renders every 30 s while the page is open).
pub fn minute_clock() -> RwSignal<chrono::NaiveDateTime> {
    let now = RwSignal::new(local_now());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(local_now()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    now
}

/// Records one change to an order and syncs; the error (if any) is for the page to show.
fn record(
    app: AppState,
    draft: Draft,
    error: RwSignal<Option<String>>,
    then: impl FnOnce() + 'static,
) {
    crate::data::save(app, vec![draft], error, then)
}

fn order_draft(o: &OrderRow, kind: &str, payload: serde_json::Value) -> Draft {
    crate::data::draft("repair_order", o.id, kind, o.project_id, o.area_id, payload)
}

/// The finding an order was made from, rectified by the order's completion (saved in one
/// transaction with it; the rule is the core's `Finding::rectified_by`).
fn finding_fix(o: &OrderRow, result_note: Option<&str>) -> Option<Draft> {
    let id = o.folded.state.finding_id?;
    let f = crate::data::row::<guanjia_core::records::Finding>("finding", id)?;
    let fix = f.folded.state.rectified_by(&o.folded.state, result_note)?;
    Some(crate::data::draft(
        "finding",
        id,
        "finding.rectified",
        f.project_id,
        f.area_id,
        serde_json::to_value(fix).ok()?,
    ))
}

/// `/orders`: open orders first, most urgent first; filters for mine and overdue.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let filter = RwSignal::new("open");
    let me = move || app.session.get_untracked().map(|s| s.user.id);
    let rows = Memo::new(move |_| {
        app.data_version.track();
        orders()
    });
    let query = RwSignal::new(String::new());
    // One of my areas, or all of them (the device holds only the areas the person works in).
    let area = RwSignal::new(None::<guanjia_core::AreaId>);
    let areas = move || crate::patrol::my_areas(app);
    // (matching rows, how many matched): computed once per change, and only the rows shown
    // are cloned out of the memo, so 10,000 orders stay quick to search and filter.
    let shown = Memo::new(move |_| {
        let (me, now, f) = (me(), now.get(), filter.get());
        let q = query.get().trim().to_lowercase();
        let area = area.get();
        rows.with(|rows| {
            let mut matched = rows.iter().filter(|o| {
                if area.is_some() && o.area_id != area {
                    return false;
                }
                let open = o.status().is_some_and(|s| s.is_open());
                let by_filter = match f {
                    "mine" => {
                        open && (o.folded.state.technician.get().copied() == me
                            || o.folded.state.created_by == me)
                    }
                    "overdue" => {
                        open && o
                            .next_deadline(now)
                            .is_some_and(|(_, c)| c.seconds_left < 0)
                    }
                    // The supervisor's escalation view: late now, or late within the hour.
                    "escalate" => {
                        open && o
                            .next_deadline(now)
                            .is_some_and(|(_, c)| c.urgency() != Urgency::OnTime)
                    }
                    // Completed, the owner still to be called back (48 h).
                    "visit" => o.status() == Some(RepairStatus::Completed),
                    "all" => true,
                    _ => open,
                };
                by_filter && (q.is_empty() || o.matches(&q))
            });
            let first: Vec<OrderRow> = matched.by_ref().take(LIST_LIMIT).cloned().collect();
            let total = first.len() + matched.count();
            (first, total)
        })
    });
    let tab = move |code: &'static str, key: Key| {
        view! {
            <button
                type="button"
                class="choice"
                data-filter=code
                aria-pressed=move || (filter.get() == code).to_string()
                on:click=move |_| filter.set(code)
            >
                {i18n.text(key)}
            </button>
        }
    };
    view! {
        <section class="page orders">
            <h1>{i18n.text(Key::OrdersTitle)}</h1>
            <div class="row">
                <A href="/orders/new" attr:class="button primary" attr:data-testid="order-new">
                    {i18n.text(Key::OrderNew)}
                </A>
                <A href="/complaints" attr:class="button" attr:data-testid="complaints-link">
                    {i18n.text(Key::ComplaintsTitle)}
                </A>
            </div>
            <div class="segmented" role="group">
                {tab("open", Key::FilterOpen)}
                {tab("mine", Key::FilterMine)}
                {tab("overdue", Key::FilterOverdue)}
                {tab("escalate", Key::FilterEscalate)}
                {tab("visit", Key::FilterAwaitingVisit)}
                {tab("all", Key::FilterAll)}
            </div>
            <Show when=move || { areas().len() > 1 }>
                <select data-testid="order-area-filter" aria-label=move || i18n.t(Key::OrderArea) on:change=move |ev| {
                    area.set(guanjia_core::AreaId::parse(&event_target_value(&ev)).ok());
                }>
                    <option value="">{i18n.text(Key::FilterAllAreas)}</option>
                    {move || areas().into_iter().map(|(_, a, name)| view! {
                        <option value=a.to_string() selected=move || area.get() == Some(a)>{name}</option>
                    }).collect_view()}
                </select>
            </Show>
            <input
                type="search"
                data-testid="order-search"
                placeholder=i18n.text(Key::OrderSearch)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            {move || {
                app.data_version.track();
                let n = if filter.get() == "escalate" { crate::complaints::escalating(now.get()) } else { 0 };
                (n > 0).then(|| view! {
                    <p><A href="/complaints?filter=escalate" attr:class="button" attr:data-testid="escalate-complaints">{n} " " {i18n.text(Key::EscalateComplaints)}</A></p>
                })
            }}
            <Show when=move || { shown.with(|(_, total)| *total > LIST_LIMIT) }>
                <p class="hint" data-testid="order-count">
                    {i18n.text(Key::OrdersShowingFirst)} " " {LIST_LIMIT} " / " {move || shown.with(|(_, t)| *t)}
                </p>
            </Show>
            <Show when=move || shown.with(|(rows, _)| !rows.is_empty()) fallback=move || view! { <p class="hint">{i18n.text(Key::OrdersEmpty)}</p> }>
                <ul class="list">
                    {move || shown.get().0.into_iter().map(|o| order_card(i18n, o, now.get())).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

fn order_card(i18n: I18n, o: OrderRow, now: chrono::NaiveDateTime) -> impl IntoView {
    let next = o.next_deadline(now);
    let status = o.status();
    let urgent = o.folded.state.urgent.get().copied().unwrap_or(false);
    view! {
        <li class="card order" data-testid="order-card" data-order-id=o.id.to_string() data-status=crate::data::status_code(status, "created")>
            <A href=format!("/orders/{}", o.id) attr:class="list-link">
                <span class="badge">{i18n.text(status_key(status))}</span>
                {urgent.then(|| view! { <span class="badge warn">{i18n.text(Key::OrderUrgent)}</span> })}
                " "
                <span class="order-text">{o.folded.state.description.get().cloned().unwrap_or_default()}</span>
            </A>
            {next.map(|(k, c)| view! {
                <p class=format!("countdown {}", urgency_class(&c)) data-testid="order-countdown" data-urgency=urgency_class(&c)>
                    {i18n.text(k)} " · " {move || countdown_text(i18n.lang(), &c)}
                </p>
            })}
        </li>
    }
}

/// `/orders/new`: intake, online or offline.
#[component]
pub fn NewOrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let cats = Memo::new(move |_| {
        app.data_version.track();
        categories()
    });
    // The areas this person may file orders in (butlers: their own).
    let areas = move || {
        app.session
            .get()
            .map(|s| {
                s.me.projects
                    .iter()
                    .flat_map(|p| {
                        p.areas
                            .iter()
                            .map(move |a| (p.id, a.id, format!("{} · {}", p.name, a.name)))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let description = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let area = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    let location = RwSignal::new(String::new());
    let reporter = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let request_kind = RwSignal::new("repair".to_string());
    let appointment = RwSignal::new(String::new());
    let household = RwSignal::new(None::<Household>);
    let photos = RwSignal::new(Vec::<String>::new());
    let paid = RwSignal::new(false);
    let quote = WorkEntry::new();
    let lookup = RwSignal::new(String::new());
    let registry = Memo::new(move |_| {
        app.data_version.track();
        households()
    });
    let found = move || {
        let q = lookup.get();
        registry.with(|all| {
            all.iter()
                .filter(|h| h.matches(&q))
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let pick = move |h: Household| {
        location.set(h.name.clone());
        reporter.set(h.owner.clone().unwrap_or_default());
        phone.set(h.phone.clone().unwrap_or_default());
        if let Some(a) = h.area_id {
            area.set(a.to_string());
        }
        lookup.set(String::new());
        household.set(Some(h));
    };
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| app.form_dirty.set(!description.get().trim().is_empty()));
    on_cleanup(move || app.form_dirty.set(false));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = description.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        // A repair is timed by its category (domain.md §2); other requests need none.
        if request_kind.get_untracked() == "repair" && category.get_untracked().is_empty() {
            error.set(Some(i18n.t(Key::OrderNeedsCategory).to_string()));
            return;
        }
        let all = areas();
        let chosen = area.get_untracked();
        let Some((project_id, area_id, _)) = all
            .iter()
            .find(|(_, a, _)| a.to_string() == chosen)
            .or_else(|| all.first())
            .cloned()
        else {
            error.set(Some(i18n.t(Key::OrderNoArea).to_string()));
            return;
        };
        let mut payload = json!({"description": text.trim(), "urgent": urgent.get_untracked(), "request_kind": request_kind.get_untracked()});
        if let Some(q) = paid.get_untracked().then(|| quote.quote()).flatten() {
            payload["quote"] = q;
        }
        if let Some(h) = household.get_untracked() {
            payload["household_id"] = json!(h.id);
        }
        if let Some(when) = appointment_time(&appointment.get_untracked()) {
            payload["appointment"] = json!(when);
        }
        let optional = [
            ("category_id", category.get_untracked()),
            ("location", location.get_untracked()),
            ("reporter_name", reporter.get_untracked()),
            ("reporter_phone", phone.get_untracked()),
        ];
        for (k, v) in optional {
            if !v.trim().is_empty() {
                payload[k] = json!(v.trim());
            }
        }
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let draft = crate::data::draft(
            "repair_order",
            id,
            "repair_order.created",
            project_id,
            Some(area_id),
            payload,
        );
        // The order and its photos: one action, one transaction.
        let mut drafts = vec![draft];
        for h in photos.get_untracked() {
            drafts.push(crate::data::draft(
                "repair_order",
                id,
                "repair_order.photo_added",
                project_id,
                Some(area_id),
                json!({"sha256": h}),
            ));
        }
        let navigate = navigate.clone();
        crate::data::save(app, drafts, error, move || {
            description.set(String::new());
            photos.set(Vec::new());
            app.form_dirty.set(false);
            navigate(&format!("/orders/{id}"), Default::default());
        });
    };
    let text_input = move |key: Key,
                           sig: RwSignal<String>,
                           testid: &'static str,
                           kind: &'static str| {
        view! {
            <label>
                <span>{i18n.text(key)}</span>
                <input type=kind data-testid=testid prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <section class="page order-new">
            <h1>{i18n.text(Key::OrderNew)}</h1>
            <form class="card form" on:submit=submit>
                <label>
                    <span>{i18n.text(Key::OrderHousehold)}</span>
                    <input type="search" data-testid="order-household-search" placeholder=i18n.text(Key::OrderHouseholdHint)
                        prop:value=move || lookup.get() on:input=move |ev| lookup.set(event_target_value(&ev)) />
                </label>
                <ul class="list suggestions">
                    {move || found().into_iter().map(|h| {
                        let label = format!("{} · {}", h.name, h.owner.clone().unwrap_or_default());
                        view! {
                            <li><button type="button" class="small" data-testid="order-household" data-household-id=h.id.to_string()
                                on:click=move |_| pick(h.clone())>{label}</button></li>
                        }
                    }).collect_view()}
                </ul>
                {move || household.get().map(|h| view! { <p class="hint" data-testid="order-household-picked">{h.name}</p> })}
                <label>
                    <span>{i18n.text(Key::OrderRequestKind)}</span>
                    <select data-testid="order-request-kind" on:change=move |ev| request_kind.set(event_target_value(&ev))>
                        {[("repair", Key::KindRepair), ("emergency_medical", Key::KindEmergencyMedical), ("complaint", Key::KindComplaint),
                          ("enquiry", Key::KindEnquiry), ("security_incident", Key::KindSecurity), ("disaster", Key::KindDisaster), ("other", Key::KindOther)]
                            .into_iter()
                            .map(|(v, k)| view! { <option value=v selected=move || request_kind.get() == v>{i18n.text(k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <Show when=move || request_kind.get() == "complaint">
                    <p class="hint" data-testid="order-complaint-kind">
                        {i18n.text(Key::OrderComplaintKind)} " "
                        <A href="/complaints/new" attr:class="button" attr:data-testid="order-to-complaint-form">{i18n.text(Key::ComplaintNew)}</A>
                    </p>
                </Show>
                <label>
                    <span>{i18n.text(Key::OrderDescription)}</span>
                    <textarea data-testid="order-description" rows="3" required
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                </label>
                <label>
                    <span>{i18n.text(Key::OrderCategory)}</span>
                    <select data-testid="order-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || cats.get().into_iter().map(|c| view! { <option value=c.id.to_string()>{c.name}</option> }).collect_view()}
                    </select>
                </label>
                {move || {
                    let id = category.get();
                    cats.with(|cs| cs.iter().find(|c| c.id.to_string() == id).map(|c| view! {
                        <p class="hint" data-testid="order-category-limits">{limits_text(i18n, &c.limits)}</p>
                    }))
                }}
                <label>
                    <span>{i18n.text(Key::OrderArea)}</span>
                    <select data-testid="order-area" on:change=move |ev| area.set(event_target_value(&ev))>
                        {move || areas().into_iter().map(|(_, a, name)| view! { <option value=a.to_string()>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="order-urgent" prop:checked=move || urgent.get()
                        on:change=move |ev| urgent.set(event_target_checked(&ev)) />
                    <span>{i18n.text(Key::OrderUrgentHint)}</span>
                </label>
                {text_input(Key::OrderLocation, location, "order-location", "text")}
                {text_input(Key::OrderReporter, reporter, "order-reporter", "text")}
                {text_input(Key::OrderPhone, phone, "order-phone", "tel")}
                {text_input(Key::OrderAppointment, appointment, "order-appointment", "datetime-local")}
                <label class="check">
                    <input type="checkbox" data-testid="order-paid" prop:checked=move || paid.get()
                        on:change=move |ev| paid.set(event_target_checked(&ev)) />
                    <span>{i18n.text(Key::OrderPaid)}</span>
                </label>
                <Show when=move || paid.get()>
                    <div class="card form" data-testid="order-quote-form">{work_form(i18n, quote, false)}</div>
                </Show>
                <crate::photos::PhotoPicker testid="order-intake-photo" on_added=Callback::new(move |h: String| photos.update(|p| if !p.contains(&h) { p.push(h) }))/>
                <div class="photos">{move || photos.get().into_iter().map(|h| view! { <crate::photos::Photo hash=h /> }).collect_view()}</div>
                <button type="submit" class="primary" data-testid="order-submit" disabled=move || description.get().trim().is_empty()>
                    {i18n.text(Key::OrderSubmit)}
                </button>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{i18n.text(Key::SaveFailed)} {move || error.get().unwrap_or_default()}</p>
                </Show>
            </form>
        </section>
    }
}

/// A priced item of the project's price list (有偿服务).
#[derive(Clone, Debug, PartialEq)]
pub struct PriceItem {
    pub name: String,
    pub unit: String,
    pub price_cents: i64,
}

pub fn price_list() -> Vec<PriceItem> {
    let mut out: Vec<PriceItem> = crate::data::references("price_item")
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

/// "¥15.00" from fen, without float formatting.
pub fn yuan(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}¥{}.{:02}", c / 100, c % 100)
}

/// What the technician enters on completion: labour, materials from the price list, the
/// owner's consent to the charge.
#[derive(Clone, Copy)]
struct WorkEntry {
    labour: RwSignal<String>,
    materials: RwSignal<Vec<(PriceItem, u32)>>,
    pick: RwSignal<String>,
    quantity: RwSignal<u32>,
    /// A material or fee not on the price list: name and unit price in yuan as typed.
    other_name: RwSignal<String>,
    other_price: RwSignal<String>,
    consent: RwSignal<bool>,
}

/// Yuan as typed ("12", "12.5", "12.50") in fen, without floats; `None` for anything else.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t = text.trim().trim_start_matches(['¥', '￥']);
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || digits(frac) && frac.len() <= 2) {
        return None;
    }
    let fen = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(fen)
}

impl WorkEntry {
    fn new() -> Self {
        WorkEntry {
            labour: RwSignal::new(String::new()),
            materials: RwSignal::new(Vec::new()),
            pick: RwSignal::new(String::new()),
            quantity: RwSignal::new(1),
            other_name: RwSignal::new(String::new()),
            other_price: RwSignal::new(String::new()),
            consent: RwSignal::new(false),
        }
    }

    fn items(&self) -> Vec<serde_json::Value> {
        self.materials.with_untracked(|m| {
            m.iter()
                .map(|(p, q)| json!({"name": p.name, "quantity": q, "unit_price_cents": p.price_cents}))
                .collect()
        })
    }

    /// The quote for paid work agreed at intake (`None` when nothing is priced).
    fn quote(&self) -> Option<serde_json::Value> {
        let total = self.charge_cents();
        (!self.materials.with_untracked(Vec::is_empty)).then(|| {
            json!({"items": self.items(), "total_cents": total, "owner_consented": self.consent.get_untracked()})
        })
    }

    /// Starts the completion from what was quoted (the technician can still change it).
    fn fill_from(&self, q: &guanjia_core::kinds::Quote) {
        let items = q
            .items
            .iter()
            .map(|m| {
                let p = PriceItem {
                    name: m.name.clone(),
                    unit: String::new(),
                    price_cents: m.unit_price_cents,
                };
                (p, m.quantity.round().max(1.0) as u32)
            })
            .collect();
        self.materials.set(items);
        self.consent.set(q.owner_consented);
    }

    fn charge_cents(&self) -> i64 {
        self.materials
            .with(|m| m.iter().map(|(p, q)| p.price_cents * *q as i64).sum())
    }

    fn payload(&self, note: Option<String>) -> Result<serde_json::Value, Key> {
        let labour = self.labour.get_untracked();
        let labour: Option<u32> = match labour.trim() {
            "" => None,
            t => Some(t.parse().map_err(|_| Key::WorkLabourInvalid)?),
        };
        let charge = self.charge_cents();
        if charge > 0 && !self.consent.get_untracked() {
            return Err(Key::WorkNeedsConsent);
        }
        let materials = self.items();
        Ok(json!({
            "result_note": note, "labour_minutes": labour, "materials": materials,
            "charge_cents": (charge > 0).then_some(charge),
            "owner_consented": (charge > 0).then_some(true),
        }))
    }
}

/// The priced items and the owner's consent; `labour` adds the labour minutes (completion,
/// not the quote at intake).
fn work_form(i18n: I18n, w: WorkEntry, labour: bool) -> impl IntoView {
    let prices = price_list();
    let prices2 = prices.clone();
    let error = RwSignal::new(false);
    let add = move |_| {
        let name = w.pick.get_untracked();
        let q = w.quantity.get_untracked().max(1);
        let other = w.other_name.get_untracked().trim().to_string();
        let item = if !other.is_empty() {
            match parse_yuan(&w.other_price.get_untracked()) {
                Some(price_cents) => Some(PriceItem {
                    name: other,
                    unit: String::new(),
                    price_cents,
                }),
                None => {
                    error.set(true);
                    return;
                }
            }
        } else {
            prices2.iter().find(|p| p.name == name).cloned()
        };
        if let Some(p) = item {
            error.set(false);
            w.other_name.set(String::new());
            w.other_price.set(String::new());
            w.materials.update(|m| m.push((p, q)));
        }
    };
    view! {
        {labour.then(|| view! {
            <label>
                <span>{i18n.text(Key::WorkLabour)}</span>
                <input type="number" min="0" inputmode="numeric" data-testid="work-labour"
                    prop:value=move || w.labour.get() on:input=move |ev| w.labour.set(event_target_value(&ev)) />
            </label>
        })}
        <div class="row">
            <select data-testid="work-price-item" on:change=move |ev| w.pick.set(event_target_value(&ev))>
                <option value="">{i18n.text(Key::WorkPickItem)}</option>
                {prices.into_iter().map(|p| view! { <option value=p.name.clone()>{format!("{} {}/{}", p.name, yuan(p.price_cents), p.unit)}</option> }).collect_view()}
            </select>
            <input type="number" min="1" class="qty" data-testid="work-quantity"
                prop:value=move || w.quantity.get().to_string() on:input=move |ev| w.quantity.set(event_target_value(&ev).parse().unwrap_or(1)) />
            <button type="button" class="small" data-testid="work-add-item" on:click=add>{i18n.text(Key::WorkAddItem)}</button>
        </div>
        <div class="row">
            <input data-testid="work-other-name" placeholder=i18n.text(Key::WorkOtherName)
                prop:value=move || w.other_name.get() on:input=move |ev| w.other_name.set(event_target_value(&ev)) />
            <input inputmode="decimal" class="qty" data-testid="work-other-price" placeholder=i18n.text(Key::WorkOtherPrice)
                prop:value=move || w.other_price.get() on:input=move |ev| w.other_price.set(event_target_value(&ev)) />
        </div>
        <Show when=move || error.get()>
            <p class="error" role="alert" data-testid="work-other-error">{i18n.text(Key::WorkOtherPriceInvalid)}</p>
        </Show>
        <ul class="list">
            {move || w.materials.get().into_iter().enumerate().map(|(i, (p, q))| view! {
                <li data-testid="work-item">{format!("{} × {q} = {}", p.name, yuan(p.price_cents * q as i64))}
                    " " <button type="button" class="small" on:click=move |_| w.materials.update(|m| { m.remove(i); })>"×"</button></li>
            }).collect_view()}
        </ul>
        <Show when=move || { w.charge_cents() > 0 }>
            <p data-testid="work-charge">{i18n.text(Key::WorkCharge)} " " {move || yuan(w.charge_cents())}</p>
            <label class="check">
                <input type="checkbox" data-testid="work-consent" prop:checked=move || w.consent.get() on:change=move |ev| w.consent.set(event_target_checked(&ev)) />
                <span>{i18n.text(Key::WorkConsent)}</span>
            </label>
        </Show>
    }
}

/// Warns before phoning an owner in the project's quiet hours (domain.md §3), with the next
/// time a call is fine. `project` is `None` while no call is due (nothing shown).
#[component]
pub fn QuietHoursWarning(
    now: RwSignal<chrono::NaiveDateTime>,
    project: Signal<Option<ProjectId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let next_call = move || {
        let rules = crate::data::rules();
        let quiet = &rules.of(project.get()?).service.quiet_hours;
        let now = now.get();
        quiet
            .is_quiet(now.time())
            .then(|| quiet.next_call_time(now))
            .flatten()
            .map(|t| t.format("%H:%M").to_string())
    };
    view! {
        <Show when=move || next_call().is_some()>
            <p class="error" role="alert" data-testid="quiet-hours">
                {i18n.text(Key::QuietHoursWarning)} " " {move || next_call().unwrap_or_default()}
            </p>
        </Show>
    }
}

/// `/orders/:id`: one order, its deadlines, history, and the next steps.
#[component]
pub fn OrderPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let now = minute_clock();
    let id = crate::data::use_route_id();
    let order = Memo::new(move |_| {
        app.data_version.track();
        order(id.get()?)
    });
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(String::new());
    let technician = RwSignal::new(String::new());
    let satisfaction = RwSignal::new(5u8);
    let in_person = RwSignal::new(false);
    let appointment = RwSignal::new(String::new());
    // Technicians' arrivals carry their position when the phone allows it (the session may
    // still be loading when the page opens from a link, hence an effect).
    let position = RwSignal::new(None::<serde_json::Value>);
    Effect::new(move |_| {
        if app.session.with(|s| s.as_ref().map(|s| s.user.role)) == Some(Role::Technician) {
            crate::patrol::watch_position_into(position);
        }
    });
    let work = WorkEntry::new();
    // The technician's completion starts from the quote agreed at intake, once.
    Effect::new(move |filled: Option<bool>| {
        if filled == Some(true) {
            return true;
        }
        order.with(|o| {
            o.as_ref()
                .and_then(|o| o.folded.state.quote.get().cloned())
                .map(|q| work.fill_from(&q))
                .is_some()
        })
    });
    let session = move || app.session.get();
    let role = move || session().map(|s| s.user.role);
    let me = move || session().map(|s| s.user.id);
    let technicians = move || {
        order.with(|o| {
            o.as_ref().map_or_else(Vec::new, |o| {
                crate::state::people_of_project(session().as_ref(), Role::Technician, o.project_id)
            })
        })
    };
    let act = move |kind: &'static str, payload: serde_json::Value| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        record(app, order_draft(&o, kind, payload), error, move || {
            note.set(String::new())
        });
    };
    let button =
        move |kind: &'static str,
              key: Key,
              payload: fn(String, u8, String) -> Option<serde_json::Value>| {
            view! {
                <button type="button" class="secondary" data-action=kind on:click=move |_| {
                    match payload(note.get_untracked(), satisfaction.get_untracked(), technician.get_untracked()) {
                        Some(p) => act(kind, p),
                        None => error.set(Some(i18n.t(Key::OrderNeedsInput).to_string())),
                    }
                }>
                    {i18n.text(key)}
                </button>
            }
            .into_any()
        };
    // Completing an order made from a finding rectifies the finding only with an "after"
    // photo (a rectification needs one), so the technician is told before completing.
    let needs_after_photo = move || {
        order.with(|o| {
            o.as_ref().is_some_and(|o| {
                let s = &o.folded.state;
                s.finding_id.is_some()
                    && !s.photos.items().iter().any(|p| {
                        p.value.caption.as_deref() == Some(guanjia_core::records::AFTER_CAPTION)
                    })
            })
        })
    };
    let can_work = move || {
        order.with(|o| {
            o.as_ref().is_some_and(|o| {
                o.folded.state.technician.get().copied() == me()
                    && matches!(
                        o.status(),
                        Some(
                            RepairStatus::Accepted | RepairStatus::OnTheWay | RepairStatus::Arrived
                        )
                    )
            })
        })
    };
    let complete = move |_| {
        let Some(o) = order.get_untracked() else {
            return;
        };
        // The owner signs for the work (domain.md §2), or refuses with a reason on record.
        if o.folded.state.signatures.is_empty() {
            error.set(Some(i18n.t(Key::WorkNeedsSignature).to_string()));
            return;
        }
        let n = note.get_untracked();
        let result = (!n.trim().is_empty()).then(|| n.trim().to_string());
        match work.payload(result.clone()) {
            Ok(p) => {
                let mut drafts = vec![order_draft(&o, "repair_order.completed", p)];
                drafts.extend(finding_fix(&o, result.as_deref()));
                crate::data::save(app, drafts, error, move || note.set(String::new()));
            }
            Err(k) => error.set(Some(i18n.t(k).to_string())),
        }
    };
    let actions = move || {
        let (Some(o), Some(role)) = (order.get(), role()) else {
            return Vec::new();
        };
        let status = o.status();
        let assigned_to_me = o.folded.state.technician.get().copied() == me();
        let dispatcher = role != Role::Technician;
        let mut out = Vec::new();
        use RepairStatus::*;
        let empty = |_: String, _: u8, _: String| Some(json!({}));
        let reason = |n: String, _: u8, _: String| {
            (!n.trim().is_empty()).then(|| json!({"reason": n.trim()}))
        };
        match status {
            Some(Created | Assigned | Accepted | OnTheWay | Arrived) if dispatcher => {
                out.push(button(
                    "repair_order.assigned",
                    Key::ActAssign,
                    |_, _, t| UserId::parse(&t).ok().map(|t| json!({"technician_id": t})),
                ));
                out.push(button("repair_order.cancelled", Key::ActCancel, reason));
            }
            _ => {}
        }
        if status.is_some_and(RepairStatus::is_open) {
            // A note is also the first answer to the owner's call (`RepairOrder::deadlines`).
            out.push(button(
                "repair_order.note_added",
                Key::OrderAddNote,
                |n, _, _| (!n.trim().is_empty()).then(|| json!({"text": n.trim()})),
            ));
        }
        if dispatcher
            && matches!(
                status,
                Some(Created | Assigned | Accepted | OnTheWay | Arrived)
            )
        {
            // Category and urgency decide the limits; a wrong guess at intake is corrected here.
            let s = &o.folded.state;
            let (cat_now, urgent_now) = (
                s.category_id
                    .get()
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                s.urgent.get().copied().unwrap_or(false),
            );
            let cat = RwSignal::new(cat_now.clone());
            let urg = RwSignal::new(urgent_now);
            let change = move |_| {
                let mut fields = serde_json::Map::new();
                if let Ok(c) = RecordId::parse(&cat.get_untracked()) {
                    fields.insert("category_id".into(), json!(c));
                }
                fields.insert("urgent".into(), json!(urg.get_untracked()));
                act("repair_order.updated", json!({ "fields": fields }));
            };
            out.push(view! {
                <select data-testid="order-edit-category" on:change=move |ev| cat.set(event_target_value(&ev))>
                    {categories().into_iter().map(|c| {
                        let id = c.id.to_string();
                        let selected = id == cat_now;
                        view! { <option value=id selected=selected>{c.name}</option> }
                    }).collect_view()}
                </select>
                <label class="check"><input type="checkbox" data-testid="order-edit-urgent" prop:checked=move || urg.get()
                    on:change=move |ev| urg.set(event_target_checked(&ev)) /><span>{i18n.text(Key::OrderUrgent)}</span></label>
                <button type="button" class="secondary" data-action="repair_order.updated.fields" on:click=change>{i18n.text(Key::OrderEdit)}</button>
            }.into_any());
        }
        if dispatcher && matches!(status, Some(Created | Assigned | Accepted)) {
            let set = move |_| match appointment_time(&appointment.get_untracked()) {
                Some(when) => act(
                    "repair_order.updated",
                    json!({"fields": {"appointment": when}}),
                ),
                None => error.set(Some(i18n.t(Key::OrderAppointmentInvalid).to_string())),
            };
            out.push(view! {
                <input type="datetime-local" data-testid="order-set-appointment" prop:value=move || appointment.get()
                    on:input=move |ev| appointment.set(event_target_value(&ev)) />
                <button type="button" class="secondary" data-action="repair_order.updated" on:click=set>{i18n.text(Key::OrderSetAppointment)}</button>
            }.into_any());
        }
        if assigned_to_me {
            match status {
                Some(Assigned) => out.push(button("repair_order.accepted", Key::ActAccept, empty)),
                Some(Accepted | OnTheWay) => {
                    if status == Some(Accepted) {
                        out.push(button("repair_order.on_the_way", Key::ActOnTheWay, empty));
                    }
                    let arrived = move |_| {
                        let p = position.get_untracked();
                        act(
                            "repair_order.arrived",
                            p.map_or_else(|| json!({}), |p| json!({"position": p})),
                        );
                    };
                    out.push(view! {
                        <button type="button" class="secondary" data-action="repair_order.arrived" on:click=arrived>{i18n.text(Key::ActArrived)}</button>
                    }.into_any());
                }
                _ => {}
            }
        }
        if dispatcher {
            match status {
                Some(Completed) => {
                    let visit = move |_| {
                        let n = note.get_untracked();
                        let method = if in_person.get_untracked() {
                            "in_person"
                        } else {
                            "phone"
                        };
                        act(
                            "repair_order.return_visited",
                            json!({"satisfaction": satisfaction.get_untracked(), "comment": (!n.trim().is_empty()).then(|| n.trim().to_string()), "method": method}),
                        );
                    };
                    out.push(view! {
                        <label class="check"><input type="checkbox" data-testid="order-visit-in-person" prop:checked=move || in_person.get()
                            on:change=move |ev| in_person.set(event_target_checked(&ev)) /><span>{i18n.text(Key::OrderVisitInPerson)}</span></label>
                        <button type="button" class="secondary" data-action="repair_order.return_visited" on:click=visit>{i18n.text(Key::ActReturnVisit)}</button>
                    }.into_any());
                    out.push(button("repair_order.fix_again", Key::ActFixAgain, reason));
                }
                Some(ReturnVisited) => {
                    out.push(button("repair_order.closed", Key::ActClose, empty));
                    out.push(button("repair_order.fix_again", Key::ActFixAgain, reason));
                }
                _ => {}
            }
        }
        out
    };
    let deadline_row = move |key: Key, d: Option<guanjia_core::records::Deadline>| {
        d.map(|d| {
            let state = d.state(now.get());
            let (class, text) = match state {
                DeadlineState::Met => ("ok", i18n.t(Key::DeadlineMet).to_string()),
                DeadlineState::Late => ("overdue", i18n.t(Key::DeadlineLate).to_string()),
                DeadlineState::Running(c) => (urgency_class(&c), countdown_text(i18n.lang(), &c)),
            };
            view! {
                <li class=format!("countdown {class}") data-testid="order-deadline" data-urgency=class>
                    {i18n.text(key)} " " {d.due.format("%m-%d %H:%M").to_string()} " · " {text}
                </li>
            }
        })
    };
    view! {
        <section class="page order-detail">
            <Show when=move || order.get().is_some() fallback=move || view! { <p class="hint">{i18n.text(Key::OrderNotFound)}</p> }>
                {move || order.get().map(|o| {
                    let s = &o.folded.state;
                    let status = o.status();
                    let tech = s.technician.get().copied();
                    let sess = session();
                    view! {
                        <h1 data-testid="order-title">{s.description.get().cloned().unwrap_or_default()}</h1>
                        <p>
                            <span class="badge" data-testid="order-status" data-status=crate::data::status_code(status, "created")>{i18n.text(status_key(status))}</span>
                            {s.urgent.get().copied().unwrap_or(false).then(|| view! { <span class="badge warn">{i18n.text(Key::OrderUrgent)}</span> })}
                            " " {o.category.clone().unwrap_or_default()}
                        </p>
                        {s.appointment.get().and_then(|a| calendar().local(a)).map(|a| view! {
                            <p class="hint" data-testid="order-appointment-shown">{i18n.text(Key::OrderAppointment)} ": " {a.format("%m-%d %H:%M").to_string()}</p>
                        })}
                        <p class="hint" data-testid="order-reporter-shown">
                            {s.location.get().cloned().unwrap_or_default()} " "
                            {s.reporter_name.get().cloned().unwrap_or_default()} " "
                            {s.reporter_phone.get().cloned().map(|p| view! {
                                <a href=format!("tel:{p}") class="button small" data-testid="order-call">{i18n.text(Key::OrderCallOwner)} " " {p.clone()}</a>
                            })}
                        </p>
                        <p class="hint">
                            {i18n.text(Key::OrderTechnician)} ": "
                            <span data-testid="order-technician">{tech.map(|t| person_name(sess.as_ref(), t)).unwrap_or_else(|| "—".into())}</span>
                        </p>
                        <Show when={let n = o.folded.conflicts.len() + o.folded.ignored.len(); move || n > 0}>
                            <p class="error" role="alert" data-testid="order-conflict">{i18n.text(Key::OrderHasConflict)}</p>
                        </Show>
                        {(o.folded.has_conflict() || !o.folded.reviews.is_empty()).then(|| view! {
                            <crate::conflicts::ConflictPanel subject=crate::conflicts::ConflictSubject::of("repair_order", o.id, o.project_id, o.area_id, &o.folded) kind_label=kind_status_key />
                        })}
                        <ul class="deadlines">
                            {deadline_row(Key::OrderFirstAnswer, o.deadlines.first_answer)}
                            {deadline_row(Key::OrderArrival, o.deadlines.arrival)}
                            {deadline_row(Key::OrderCompletion, o.deadlines.completion)}
                            {deadline_row(Key::OrderReturnVisit, o.deadlines.return_visit)}
                        </ul>
                        {s.quote.get().map(|q| view! {
                            <p class="hint" data-testid="order-quote" data-consented=q.owner_consented.to_string()>
                                {i18n.text(Key::OrderQuote)} " " {yuan(q.total_cents)} " · "
                                {q.items.iter().map(|m| format!("{} × {}", m.name, m.quantity.round() as i64)).collect::<Vec<_>>().join("，")} " · "
                                {i18n.text(if q.owner_consented { Key::OrderQuoteConsented } else { Key::OrderQuoteNotConsented })}
                            </p>
                        })}
                        {s.arrival_position.map(|p| view! {
                            <p class="hint" data-testid="order-arrival-position">
                                {i18n.text(Key::OrderArrivalPosition)} ": "
                                {i18n.text(Key::PositionKnown)} {format!(" ±{} m", p.accuracy_m.round() as i64)}
                            </p>
                        })}
                        {s.finding_id.map(|f| view! {
                            <p><A href=format!("/findings/{f}") attr:data-testid="order-finding-link">{i18n.text(Key::OrderFromFinding)}</A></p>
                        })}
                        {s.completion.clone().map(|c| {
                            let items = c.materials.iter().map(|m| format!("{} × {}", m.name, m.quantity)).collect::<Vec<_>>().join("，");
                            view! {
                                <p class="hint" data-testid="order-completion">
                                    {i18n.text(Key::WorkLabour)} " " {c.labour_minutes.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}
                                    " · " {items}
                                    {c.charge_cents.map(|ch| view! { " · " {i18n.text(Key::WorkCharge)} " " <span data-testid="order-charge">{yuan(ch)}</span> })}
                                    " " {c.result_note.clone().unwrap_or_default()}
                                </p>
                            }
                        })}
                        {s.return_visit.as_ref().filter(|v| v.satisfaction <= 2 && status == Some(RepairStatus::ReturnVisited)).map(|v| view! {
                            <p class="error" role="alert" data-testid="order-dissatisfied">
                                {i18n.text(Key::OrderDissatisfied)} " (" {v.satisfaction} "/5) "
                                <A href=format!("/complaints/new?order={}", o.id) attr:class="button" attr:data-testid="order-to-complaint">{i18n.text(Key::ComplaintNew)}</A>
                            </p>
                        })}
                        <div class="photos" data-testid="order-photos">
                            {s.photos.items().iter().map(|p| {
                                let caption = match p.value.caption.as_deref() {
                                    Some("before") => Some(Key::CaptionBefore),
                                    Some(guanjia_core::records::AFTER_CAPTION) => Some(Key::CaptionAfter),
                                    Some("finding") => Some(Key::CaptionFinding),
                                    _ => None,
                                };
                                view! {
                                    <figure data-testid="order-photo" data-caption=p.value.caption.clone().unwrap_or_default()>
                                        <crate::photos::Photo hash=p.value.sha256.clone() />
                                        {caption.map(|k| view! { <figcaption>{i18n.text(k)}</figcaption> })}
                                    </figure>
                                }
                            }).collect_view()}
                        </div>
                        {s.signatures.items().iter().map(|x| match (&x.value.sha256, &x.value.refused_reason) {
                            (Some(h), _) => view! { <div data-testid="order-signature"><p class="hint">{i18n.text(Key::SignatureTitle)}</p><crate::photos::Photo hash=h.clone() /></div> }.into_any(),
                            (None, why) => view! { <p class="hint" data-testid="order-signature-refused">{i18n.text(Key::SignatureRefused)} ": " {why.clone().unwrap_or_default()}</p> }.into_any(),
                        }).collect_view()}
                        {crate::complaints::complaints().into_iter()
                            .filter(|c| c.folded.state.repair_order_id.get() == Some(&o.id))
                            .map(|c| view! {
                                <p><A href=format!("/complaints/{}", c.id) attr:data-testid="order-complaint-link">
                                    {i18n.text(Key::ComplaintsTitle)} ": " {c.folded.state.description.get().cloned().unwrap_or_default()}
                                </A></p>
                            })
                            .collect_view()}
                        <ol class="history">
                            {s.history.iter().map(|h| view! {
                                <li>{crate::data::clock_time(&h.device_time)} " " {i18n.t(status_key(Some(h.status)))} " · " {person_name(sess.as_ref(), h.actor)}</li>
                            }).collect_view()}
                        </ol>
                        <ul class="history notes">
                            {s.notes.items().iter().map(|n| view! {
                                <li data-testid="order-note-entry">{crate::data::clock_time(&n.device_time)} " " {person_name(sess.as_ref(), n.actor)} ": " {n.value.clone()}</li>
                            }).collect_view()}
                        </ul>
                    }
                })}
                <div class="card form">
                    <Show when=move || { role() != Some(Role::Technician) }>
                        <label>
                            <span>{i18n.text(Key::OrderTechnician)}</span>
                            <select data-testid="order-assign-to" on:change=move |ev| technician.set(event_target_value(&ev))>
                                <option value="">"—"</option>
                                {move || technicians().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>
                            <span>{i18n.text(Key::OrderSatisfaction)}</span>
                            <select data-testid="order-satisfaction" on:change=move |ev| satisfaction.set(event_target_value(&ev).parse().unwrap_or(5))>
                                {(1..=5u8).rev().map(|n| view! { <option value=n.to_string()>{n}</option> }).collect_view()}
                            </select>
                        </label>
                    </Show>
                    <QuietHoursWarning now=now project=Signal::derive(move || {
                        order.with(|o| o.as_ref().filter(|o| o.status() == Some(RepairStatus::Completed)).map(|o| o.project_id))
                    }) />
                    <label>
                        <span>{i18n.text(Key::OrderNote)}</span>
                        <input data-testid="order-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                    </label>
                    <Show when=move || role() == Some(Role::Technician)>
                        <p class="hint" data-testid="order-position" data-fix=move || position.with(|p| p.is_some()).to_string()>
                            {move || match position.get() {
                                Some(p) => format!("{} ±{} m", i18n.t(Key::PositionKnown), p["accuracy_m"].as_f64().unwrap_or(0.0).round() as i64),
                                None => i18n.t(Key::PositionUnknown).to_string(),
                            }}
                        </p>
                    </Show>
                    <div class="row actions">{actions}</div>
                    <Show when=can_work>
                        <div class="card form" data-testid="order-work">
                            {work_form(i18n, work, true)}
                            <Show when=needs_after_photo>
                                <p class="hint" data-testid="order-needs-after-photo">{i18n.text(Key::OrderFindingNeedsAfterPhoto)}</p>
                            </Show>
                            <div class="row">
                                <crate::photos::PhotoPicker testid="order-photo-before" label=Key::PhotoBefore on_added=Callback::new(move |h: String| act("repair_order.photo_added", json!({"sha256": h, "caption": "before"})))/>
                                <crate::photos::PhotoPicker testid="order-photo-after" label=Key::PhotoAfter on_added=Callback::new(move |h: String| act("repair_order.photo_added", json!({"sha256": h, "caption": guanjia_core::records::AFTER_CAPTION})))/>
                            </div>
                            <h3>{i18n.text(Key::SignatureTitle)}</h3>
                            <crate::signature::SignaturePad on_signed=Callback::new(move |png: Vec<u8>| {
                                leptos::task::spawn_local(async move {
                                    match crate::photos::keep(&png).await {
                                        Ok(h) => act("repair_order.signature_added", json!({"sha256": h})),
                                        Err(e) => error.set(Some(e.to_string())),
                                    }
                                });
                            }) />
                            <button type="button" data-action="repair_order.signature_refused" on:click=move |_| {
                                let why = note.get_untracked();
                                if why.trim().is_empty() {
                                    error.set(Some(i18n.t(Key::SignatureRefusedNeedsReason).to_string()));
                                } else {
                                    act("repair_order.signature_added", json!({"refused_reason": why.trim()}));
                                }
                            }>{i18n.text(Key::SignatureRefused)}</button>
                            <button type="button" class="primary" data-action="repair_order.completed" on:click=complete>{i18n.text(Key::ActComplete)}</button>
                        </div>
                    </Show>
                    <Show when=move || error.get().is_some()>
                        <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat() -> Household {
        Household {
            id: RecordId::from_parts(1, [1; 10]),
            area_id: None,
            name: "3幢1单元1201".into(),
            owner: Some("王秀英".into()),
            phone: Some("13800001234".into()),
        }
    }

    #[test]
    fn typed_yuan_become_fen_and_anything_else_is_refused() {
        for (typed, fen) in [
            ("12", 1200),
            ("12.5", 1250),
            ("12.05", 1205),
            (" ¥0.5 ", 50),
            ("0", 0),
        ] {
            assert_eq!(parse_yuan(typed), Some(fen), "{typed}");
        }
        for typed in ["", ".5", "12.345", "-3", "1e3", "十二", "12,5"] {
            assert_eq!(parse_yuan(typed), None, "{typed}");
        }
    }

    #[test]
    fn a_household_is_found_by_its_name_owner_phone_or_numbers() {
        let h = flat();
        for q in ["3幢1单元", "王秀", "0001234", "3-1-1201", "3 1 12", "3/1"] {
            assert!(h.matches(q), "{q} should find it");
        }
        for q in ["", "  ", "4-1-1201", "3-2", "3-1-1202", "李", "7"] {
            assert!(!h.matches(q), "{q} should not find it");
        }
    }
}
