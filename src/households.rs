//! `/households`: the household registry (户) the device already holds as `household`
//! reference records — found by building-unit-room, owner or phone (the search of intake,
//! `orders::Household::matches`), each with its tags; `/households/:id` shows one household
//! with its repair orders and complaints. Supervisors and admins toggle the five tags, offline
//! too: each change is a `household.defined` carrying the household's current fields and the
//! new `tags` (reference fields are last-writer-wins). The tags drive the patrol checklist:
//! `only_if_tag: renovating` items are asked in an area while one of its units is renovating.

use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::{Map, Value};

use crate::data::{draft, references, save, use_route_id};
use crate::i18n::{use_i18n, I18n, Key};
use crate::orders::Household;
use crate::state::{is_supervisor, use_app};
use guanjia_core::records::Reference;
use guanjia_core::{AreaId, ProjectId, RecordId};

/// The household tags (domain.md "Places"), in the order they are shown and saved.
pub const TAGS: [(&str, Key); 5] = [
    ("key_customer", Key::TagKeyCustomer),
    ("elderly_alone", Key::TagElderlyAlone),
    ("vacant", Key::TagVacant),
    ("renovating", Key::TagRenovating),
    ("new_owner", Key::TagNewOwner),
];

/// The tag that turns on the checklist's renovation items.
pub const RENOVATING: &str = "renovating";

fn tag_key(code: &str) -> Option<Key> {
    TAGS.iter().find(|(c, _)| *c == code).map(|(_, k)| *k)
}

/// One household of the registry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub household: Household,
    pub project_id: ProjectId,
    pub tags: Vec<String>,
    /// Every current field: a new definition carries them all, so a device that missed an
    /// earlier one still ends with the whole household.
    pub fields: Map<String, Value>,
}

/// Building, unit and room as numbers when they are ("3", 3), for the registry's order.
fn number(fields: &Map<String, Value>, key: &str) -> u64 {
    match fields.get(key) {
        Some(Value::Number(n)) => n.as_u64().unwrap_or(u64::MAX),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(u64::MAX),
        _ => u64::MAX,
    }
}

fn tags_of(fields: &Map<String, Value>) -> Vec<String> {
    fields
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect()
}

fn entry(
    id: RecordId,
    project_id: ProjectId,
    area_id: Option<AreaId>,
    r: &Reference,
) -> Option<Entry> {
    let fields: Map<String, Value> = r
        .fields
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.get()?.clone())))
        .collect();
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Entry {
        household: Household {
            id,
            area_id,
            name: r.name()?.to_string(),
            owner: text("owner_name"),
            phone: text("phone"),
        },
        project_id,
        tags: tags_of(&fields),
        fields,
    })
}

impl Entry {
    fn order_key(&self) -> (u64, u64, u64, String) {
        let f = &self.fields;
        (
            number(f, "building"),
            number(f, "unit"),
            number(f, "room"),
            self.household.name.clone(),
        )
    }

    pub fn has(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// The households on this device (the person's areas), by building, unit and room.
pub fn registry() -> Vec<Entry> {
    let mut out: Vec<Entry> = references("household")
        .into_iter()
        .filter_map(|(id, project, area, r)| entry(id, project, area, &r))
        .collect();
    out.sort_by_cached_key(Entry::order_key);
    out
}

/// The units of `area` under renovation ("2幢1单元101"), for a round page to name next to
/// the renovation items.
pub fn renovating_units(area: AreaId) -> Vec<String> {
    registry()
        .into_iter()
        .filter(|e| e.household.area_id == Some(area) && e.has(RENOVATING))
        .map(|e| e.household.name)
        .collect()
}

/// The `household.defined` payload that turns `tag` on or off: the current fields with the
/// new `tags` — the five in their usual order, then any other tag the record already had.
pub fn with_tag(fields: &Map<String, Value>, tag: &str, on: bool) -> Value {
    let mut tags = tags_of(fields);
    tags.retain(|t| t != tag);
    if on {
        tags.push(tag.to_string());
    }
    let rank = |t: &String| TAGS.iter().position(|(c, _)| c == t).unwrap_or(TAGS.len());
    tags.sort_by_key(rank);
    let mut out = fields.clone();
    out.insert("tags".into(), tags.into());
    Value::Object(out)
}

fn tag_badges(i18n: I18n, tags: &[String]) -> impl IntoView {
    tags.iter()
        .map(|t| {
            let label = tag_key(t).map(|k| i18n.t(k).to_string()).unwrap_or_else(|| t.clone());
            let class = if t == RENOVATING || t == "elderly_alone" {
                "badge warn"
            } else {
                "badge"
            };
            view! { <span class=class data-testid="household-tag" data-tag=t.clone()>{label}</span> }
        })
        .collect_view()
}

/// A list never renders more cards than this; search narrows it down.
const LIST_LIMIT: usize = 100;

/// `/households`: search, a tag filter, the matching households with their tags.
#[component]
pub fn HouseholdsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let all = Memo::new(move |_| {
        app.data_version.track();
        registry()
    });
    let query = RwSignal::new(String::new());
    let tag = RwSignal::new(None::<&'static str>);
    let shown = Memo::new(move |_| {
        let q = query.get();
        let q = q.trim();
        let t = tag.get();
        all.with(|all| {
            let mut matched = all
                .iter()
                .filter(|e| t.is_none_or(|t| e.has(t)) && (q.is_empty() || e.household.matches(q)));
            let first: Vec<Entry> = matched.by_ref().take(LIST_LIMIT).cloned().collect();
            let total = first.len() + matched.count();
            (first, total)
        })
    });
    let chip = move |code: Option<&'static str>, key: Key| {
        view! {
            <button type="button" class="choice" data-tag=code.unwrap_or("all")
                aria-pressed=move || (tag.get() == code).to_string()
                on:click=move |_| tag.set(code)>{i18n.text(key)}</button>
        }
    };
    view! {
        <section class="page households">
            <h1>{i18n.text(Key::HouseholdsTitle)}</h1>
            <p class="hint">{i18n.text(Key::HouseholdsHint)}</p>
            <input type="search" data-testid="household-search" placeholder=i18n.text(Key::OrderHouseholdHint)
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
            <div class="segmented tags" role="group" data-testid="household-tag-filter">
                {chip(None, Key::FilterAll)}
                {TAGS.into_iter().map(|(c, k)| chip(Some(c), k)).collect_view()}
            </div>
            <Show when=move || shown.with(|(_, total)| *total > LIST_LIMIT)>
                <p class="hint" data-testid="household-count">
                    {i18n.text(Key::OrdersShowingFirst)} " " {LIST_LIMIT} " / " {move || shown.with(|(_, t)| *t)}
                </p>
            </Show>
            <Show when=move || shown.with(|(rows, _)| !rows.is_empty()) fallback=move || view! { <p class="hint">{i18n.text(Key::HouseholdsEmpty)}</p> }>
                <ul class="list">
                    {move || shown.get().0.into_iter().map(|e| view! {
                        <li class="card household" data-testid="household-card" data-household-id=e.household.id.to_string()
                            data-tags=e.tags.join(" ")>
                            <A href=format!("/households/{}", e.household.id) attr:class="list-link">
                                <span class="household-name">{e.household.name.clone()}</span>
                                " "
                                <span class="hint">{e.household.owner.clone().unwrap_or_default()}</span>
                            </A>
                            {(!e.tags.is_empty()).then(|| view! { <p class="row tags">{tag_badges(i18n, &e.tags)}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// `/households/:id`: owner, phone, tags (toggled by supervisors and admins), and the
/// household's repair orders and complaints.
#[component]
pub fn HouseholdPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let id = use_route_id();
    let household = Memo::new(move |_| {
        app.data_version.track();
        let row = crate::data::row::<Reference>("household", id.get()?)?;
        if row.folded.state.is_retired() {
            return None;
        }
        entry(row.id, row.project_id, row.area_id, &row.folded.state)
    });
    let orders = Memo::new(move |_| {
        app.data_version.track();
        let Some(h) = id.get() else { return Vec::new() };
        crate::orders::orders()
            .into_iter()
            .filter(|o| o.folded.state.household_id.get() == Some(&h))
            .collect::<Vec<_>>()
    });
    let complaints = Memo::new(move |_| {
        app.data_version.track();
        let Some(h) = id.get() else { return Vec::new() };
        crate::complaints::complaints()
            .into_iter()
            .filter(|c| c.folded.state.household_id.get() == Some(&h))
            .collect::<Vec<_>>()
    });
    let may_edit = move || is_supervisor(app);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if error.get().is_some() {
            busy.set(false);
        }
    });
    let toggle = move |tag: &'static str| {
        let Some(e) = household.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let d = draft(
            "household",
            e.household.id,
            "household.defined",
            e.project_id,
            e.household.area_id,
            with_tag(&e.fields, tag, !e.has(tag)),
        );
        save(app, vec![d], error, move || busy.set(false));
    };
    view! {
        <section class="page household">
            {move || match household.get() {
                None => view! { <h1>{i18n.text(Key::HouseholdsTitle)}</h1><p class="hint">{i18n.text(Key::HouseholdNotFound)}</p> }.into_any(),
                Some(e) => {
                    let tags = e.tags.clone();
                    view! {
                        <h1 data-testid="household-title">{e.household.name.clone()}</h1>
                        <dl class="card facts">
                            <dt>{i18n.text(Key::HouseholdOwner)}</dt>
                            <dd data-testid="household-owner">{e.household.owner.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>{i18n.text(Key::HouseholdPhone)}</dt>
                            <dd data-testid="household-phone">{match e.household.phone.clone() {
                                Some(p) => view! { <a href=format!("tel:{p}")>{p.clone()}</a> }.into_any(),
                                None => "—".into_any(),
                            }}</dd>
                            <dt>{i18n.text(Key::HouseholdTags)}</dt>
                            <dd class="row tags" data-testid="household-tags">
                                {if tags.is_empty() {
                                    view! { <span class="hint">{i18n.text(Key::HouseholdNoTags)}</span> }.into_any()
                                } else {
                                    tag_badges(i18n, &tags).into_any()
                                }}
                            </dd>
                        </dl>
                        <Show when=may_edit>
                            <div class="card">
                                <p class="hint">{i18n.text(Key::HouseholdTagsEdit)}</p>
                                <div class="segmented tags" role="group">
                                    {TAGS.into_iter().map(|(code, key)| {
                                        let on = move || household.with(|h| h.as_ref().is_some_and(|h| h.has(code)));
                                        view! {
                                            <button type="button" class="choice" data-testid="household-tag-toggle" data-tag=code
                                                aria-pressed=move || on().to_string() disabled=move || busy.get()
                                                on:click=move |_| toggle(code)>{i18n.text(key)}</button>
                                        }
                                    }).collect_view()}
                                </div>
                            </div>
                        </Show>
                    }.into_any()
                }
            }}
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" data-testid="household-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <h2>{i18n.text(Key::OrdersTitle)}</h2>
            <Show when=move || orders.with(|o| !o.is_empty()) fallback=move || view! { <p class="hint">{i18n.text(Key::HouseholdNoOrders)}</p> }>
                <ul class="list">
                    {move || orders.get().into_iter().map(|o| {
                        let status = o.status();
                        view! {
                            <li data-testid="household-order" data-order-id=o.id.to_string() data-status=crate::data::status_code(status, "created")>
                                <A href=format!("/orders/{}", o.id) attr:class="list-link">
                                    <span class="badge">{i18n.text(crate::orders::status_key(status))}</span>
                                    " "
                                    <span class="order-text">{o.folded.state.description.get().cloned().unwrap_or_default()}</span>
                                </A>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            <h2>{i18n.text(Key::ComplaintsTitle)}</h2>
            <Show when=move || complaints.with(|c| !c.is_empty()) fallback=move || view! { <p class="hint">{i18n.text(Key::HouseholdNoComplaints)}</p> }>
                <ul class="list">
                    {move || complaints.get().into_iter().map(|c| {
                        let status = c.folded.state.status;
                        view! {
                            <li data-testid="household-complaint" data-complaint-id=c.id.to_string() data-status=crate::data::status_code(status, "registered")>
                                <A href=format!("/complaints/{}", c.id) attr:class="list-link">
                                    <span class="badge">{i18n.text(crate::complaints::status_key(status))}</span>
                                    " "
                                    <span class="order-text">{c.folded.state.description.get().cloned().unwrap_or_default()}</span>
                                </A>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn a_tag_is_saved_with_every_current_field_and_the_tags_in_their_usual_order() {
        let f = fields(
            json!({"name": "4幢1单元101", "building": 4, "unit": 1, "room": "101",
            "owner_name": "王芳", "phone": "13800001234", "tags": ["new_owner", "key_customer"]}),
        );
        assert_eq!(
            with_tag(&f, "renovating", true),
            json!({"name": "4幢1单元101", "building": 4, "unit": 1, "room": "101",
                "owner_name": "王芳", "phone": "13800001234",
                "tags": ["key_customer", "renovating", "new_owner"]})
        );
        assert_eq!(
            with_tag(&f, "new_owner", false)["tags"],
            json!(["key_customer"])
        );
        // Tagging twice keeps one; a tag this version does not know stays, last.
        let odd = fields(json!({"name": "x", "tags": ["renovating", "lease"]}));
        assert_eq!(
            with_tag(&odd, "renovating", true)["tags"],
            json!(["renovating", "lease"])
        );
        assert_eq!(
            with_tag(&fields(json!({"name": "x"})), "vacant", true)["tags"],
            json!(["vacant"])
        );
    }

    #[test]
    fn building_unit_and_room_read_as_numbers_for_the_order() {
        let f = fields(json!({"building": 3, "unit": "2", "room": "1201", "floor": null}));
        assert_eq!(number(&f, "building"), 3);
        assert_eq!(number(&f, "unit"), 2);
        assert_eq!(number(&f, "room"), 1201);
        assert_eq!(number(&f, "floor"), u64::MAX);
        assert_eq!(tags_of(&f), Vec::<String>::new());
    }
}
