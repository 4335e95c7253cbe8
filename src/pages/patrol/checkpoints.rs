//! `/patrol/checkpoints`: supervisors and admins set up each area's checkpoints — add one
//! (name and the code its QR label carries), move it in the walking order, tick the
//! checklist groups checked there (`groups`; none: the items no other checkpoint has),
//! retire it. Each change is a `checkpoint.defined` / `checkpoint.retired` event, offline
//! too; nothing is deleted, and rounds already walked keep the checkpoints they scanned.

use crate::model::patrol::{checkpoints, Checkpoint};
use crate::model::people::my_areas;
use crate::model::rows::fields_of;
use crate::offline::state::use_app;
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::i18n::{use_i18n, I18n, Key};
use guanjia_core::records::{checkpoint_fields, CheckpointError};
use guanjia_core::records::{CheckpointFields, ReferenceType};
use guanjia_core::Draft;
use guanjia_core::{AreaId, RecordId};
use leptos::prelude::*;

fn checkpoint_error(i18n: I18n, e: &CheckpointError) -> String {
    match e {
        CheckpointError::NoName => i18n.t(Key::CheckpointNeedsName).to_string(),
        CheckpointError::BadCode(c) => format!("{} {c}", i18n.t(Key::CheckpointBadCode)),
        CheckpointError::CodeTaken(c) => format!("{} {c}", i18n.t(Key::CheckpointCodeTaken)),
    }
}

/// The `checkpoint.defined` event giving `c` its place `order` (the whole definition again:
/// every definition carries the name, and the server checks the code on each).
fn placed(c: &Checkpoint, order: u64) -> Draft {
    defined(c, order, &c.groups)
}

/// `c`'s whole definition with its place and the checklist groups checked there.
fn defined(c: &Checkpoint, order: u64, groups: &[String]) -> Draft {
    let fields = CheckpointFields {
        name: c.name.clone(),
        code: c.code.clone(),
        order,
        groups: (!groups.is_empty() || !c.groups.is_empty()).then(|| groups.to_vec()),
    };
    Draft::reference_defined(
        ReferenceType::Checkpoint,
        c.id,
        c.project_id,
        c.area_id,
        fields_of(&fields),
    )
}

/// `groups` with `group` ticked on or off, in the checklist's order.
fn ticked(groups: &[String], group: &str, on: bool, order: &[String]) -> Vec<String> {
    order
        .iter()
        .filter(|g| if *g == group { on } else { groups.contains(g) })
        .cloned()
        // Item ids or groups no longer in the checklist stay as they were.
        .chain(groups.iter().filter(|g| !order.contains(g)).cloned())
        .collect()
}

/// The events that put `list` (an area's checkpoints in their new order) at places 1, 2, …;
/// only checkpoints whose place changes get one.
fn renumbered(list: &[Checkpoint]) -> Vec<Draft> {
    list.iter()
        .zip(1u64..)
        .filter(|(c, n)| c.order != *n)
        .map(|(c, n)| placed(c, n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ticked;

    #[test]
    fn ticking_keeps_the_checklist_order_and_what_is_not_a_group() {
        let order: Vec<String> = ["环境卫生", "绿化", "车辆"].map(String::from).into();
        let now: Vec<String> = ["车辆", "item-03"].map(String::from).into();
        assert_eq!(
            ticked(&now, "环境卫生", true, &order),
            ["环境卫生", "车辆", "item-03"]
        );
        assert_eq!(ticked(&now, "车辆", false, &order), ["item-03"]);
    }
}

/// One checkpoint in walking order: name, code, the groups checked there; supervisors tick
/// groups, move it and retire it (after a confirming second tap).
#[component]
#[allow(clippy::too_many_arguments)]
fn CheckpointRow(
    c: Checkpoint,
    i: usize,
    n: usize,
    edit: bool,
    editing: RwSignal<Option<RecordId>>,
    confirming: RwSignal<Option<RecordId>>,
    groups: Memo<Vec<String>>,
    action: Action,
    on_tick: Callback<(Checkpoint, String, bool)>,
    on_move: Callback<(usize, bool)>,
    on_retire: Callback<Checkpoint>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let gone = c.clone();
    let this = c.clone();
    let bound = if c.groups.is_empty() {
        i18n.t(Key::CheckpointGroupsNone).to_string()
    } else {
        c.groups.join("、")
    };
    view! {
        <li class="card row" data-testid="checkpoint-row" data-code=c.code.clone()>
            <span class="item-text">{c.name.clone()}</span>
            " "
            <span class="hint">{c.code.clone()}</span>
            " "
            <span class="hint" data-testid="checkpoint-groups">
                {i18n.text(Key::CheckpointGroups)}
                ": "
                {bound}
            </span>
            <Show when=move || edit>
                <button
                    type="button"
                    class="small"
                    data-action="groups"
                    aria-pressed=move || (editing.get() == Some(id)).to_string()
                    on:click=move |_| {
                        editing
                            .update(|e| {
                                *e = if *e == Some(id) { None } else { Some(id) };
                            })
                    }
                >
                    {i18n.text(Key::CheckpointGroupsEdit)}
                </button>
            </Show>
            <Show when=move || edit && editing.get() == Some(id)>
                <fieldset class="groups" data-testid="checkpoint-group-list">
                    <legend>{i18n.text(Key::CheckpointGroups)}</legend>
                    {
                        let this = this.clone();
                        move || {
                            groups
                                .get()
                                .into_iter()
                                .map(|g| {
                                    let on = this.groups.contains(&g);
                                    let (c, g2) = (this.clone(), g.clone());
                                    view! {
                                        <label class="check">
                                            <input
                                                type="checkbox"
                                                data-testid="checkpoint-group"
                                                data-group=g.clone()
                                                prop:checked=on
                                                disabled=move || action.pending()
                                                on:change=move |ev| {
                                                    on_tick
                                                        .run((c.clone(), g2.clone(), event_target_checked(&ev)))
                                                }
                                            />
                                            <span>{g}</span>
                                        </label>
                                    }
                                })
                                .collect_view()
                        }
                    }
                </fieldset>
            </Show>
            <Show when=move || edit>
                <button
                    type="button"
                    class="small"
                    data-action="up"
                    disabled=move || i == 0 || action.pending()
                    on:click=move |_| on_move.run((i, true))
                >
                    "↑"
                </button>
                <button
                    type="button"
                    class="small"
                    data-action="down"
                    disabled=move || i + 1 == n || action.pending()
                    on:click=move |_| on_move.run((i, false))
                >
                    "↓"
                </button>
                {
                    let gone = gone.clone();
                    move || {
                        if confirming.get() == Some(id) {
                            let gone = gone.clone();
                            view! {
                                <button
                                    type="button"
                                    class="small danger"
                                    data-action="retire-confirm"
                                    disabled=move || action.pending()
                                    on:click=move |_| on_retire.run(gone.clone())
                                >
                                    {i18n.text(Key::CheckpointRetireConfirm)}
                                </button>
                            }
                                .into_any()
                        } else {
                            view! {
                                <button
                                    type="button"
                                    class="small"
                                    data-action="retire"
                                    on:click=move |_| confirming.set(Some(id))
                                >
                                    {i18n.text(Key::CheckpointRetire)}
                                </button>
                            }
                                .into_any()
                        }
                    }
                }
            </Show>
        </li>
    }
}

#[component]
pub fn CheckpointsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let may_edit = move || crate::model::people::is_supervisor(app);
    let areas = move || my_areas(app);
    let area = RwSignal::new(None::<AreaId>);
    Effect::new(move |_| {
        if area.get_untracked().is_none() {
            area.set(areas().first().map(|(_, a, _)| *a));
        }
    });
    let all = Memo::new(move |_| {
        app.data_version.track();
        checkpoints()
    });
    let in_area = move || {
        let a = area.get();
        all.with(|cs| {
            cs.iter()
                .filter(|c| a.is_some() && c.area_id == a)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let action = Action::new();
    let confirming = RwSignal::new(None::<RecordId>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((project, a, _)) = areas()
            .into_iter()
            .find(|(_, a, _)| Some(*a) == area.get_untracked())
        else {
            return;
        };
        let list = in_area();
        let order = list
            .iter()
            .map(|c| c.order)
            .filter(|o| *o != u64::MAX)
            .max()
            .unwrap_or(0)
            + 1;
        // Codes are unique across the project: a round matches what is scanned by code.
        let taken: Vec<String> = all.with_untracked(|cs| {
            cs.iter()
                .filter(|c| c.project_id == project)
                .map(|c| c.code.clone())
                .collect()
        });
        let fields = match checkpoint_fields(
            &name.get_untracked(),
            &code.get_untracked(),
            order,
            taken.iter().map(String::as_str),
        ) {
            Ok(f) => f,
            Err(e) => return action.say_text(checkpoint_error(i18n, &e)),
        };
        let id = RecordId::from_parts(now_ms(), random_bytes());
        let d = Draft::reference_defined(
            ReferenceType::Checkpoint,
            id,
            project,
            Some(a),
            fields_of(&fields),
        );
        action.save(app, vec![d], move || {
            name.set(String::new());
            code.set(String::new());
        });
    };
    let move_by = move |i: usize, up: bool| {
        let mut list = in_area();
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        let Some(j) = j.filter(|j| *j < list.len()) else {
            return;
        };
        list.swap(i, j);
        action.save(app, renumbered(&list), || ());
    };
    // The checklist groups a supervisor ticks per checkpoint (the project's current list).
    let groups = Memo::new(move |_| {
        app.data_version.track();
        let a = area.get();
        areas()
            .into_iter()
            .find(|(_, x, _)| Some(*x) == a)
            .and_then(|(p, _, _)| crate::model::patrol::template(p))
            .map(|t| {
                t.checklist
                    .groups()
                    .into_iter()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let editing = RwSignal::new(None::<RecordId>);
    let tick = move |c: Checkpoint, group: String, on: bool| {
        let order = groups.get_untracked();
        let next = ticked(&c.groups, &group, on, &order);
        action.save(app, vec![defined(&c, c.order, &next)], || ());
    };
    let retire = move |c: Checkpoint| {
        let d = Draft::reference_retired(ReferenceType::Checkpoint, c.id, c.project_id, c.area_id);
        action.save(app, vec![d], move || confirming.set(None));
    };
    view! {
        <section class="page checkpoints">
            <h1>{i18n.text(Key::CheckpointsTitle)}</h1>
            <Show when=move || { areas().len() > 1 }>
                <select
                    data-testid="checkpoints-area"
                    aria-label=move || i18n.t(Key::OrderArea)
                    on:change=move |ev| {
                        confirming.set(None);
                        area.set(AreaId::parse(&event_target_value(&ev)).ok());
                    }
                >
                    {move || {
                        areas()
                            .into_iter()
                            .map(|(_, a, n)| {
                                view! {
                                    <option
                                        value=a.to_string()
                                        selected=move || area.get() == Some(a)
                                    >
                                        {n}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </Show>
            <ol class="list">
                {move || {
                    let list = in_area();
                    let n = list.len();
                    let edit = may_edit();
                    list.into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            view! {
                                <CheckpointRow
                                    c
                                    i
                                    n
                                    edit
                                    editing
                                    confirming
                                    groups
                                    action
                                    on_tick=Callback::new(move |
                                        (c, g, on): (Checkpoint, String, bool)|
                                    { tick(c, g, on) })
                                    on_move=Callback::new(move |(i, up): (usize, bool)| move_by(
                                        i,
                                        up,
                                    ))
                                    on_retire=Callback::new(move |c: Checkpoint| retire(c))
                                />
                            }
                        })
                        .collect_view()
                }}
            </ol>
            <Show
                when=may_edit
                fallback=move || {
                    view! { <p class="hint">{i18n.text(Key::RulesSupervisorsOnly)}</p> }
                }
            >
                <form class="card form" on:submit=add>
                    <label>
                        <span>{i18n.text(Key::CheckpointName)}</span>
                        <input
                            data-testid="checkpoint-name"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        <span>{i18n.text(Key::CheckpointCode)}</span>
                        <input
                            data-testid="checkpoint-new-code"
                            autocomplete="off"
                            autocapitalize="characters"
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))
                        />
                        <small class="hint">{i18n.text(Key::CheckpointCodeHint)}</small>
                    </label>
                    <button
                        type="submit"
                        data-testid="checkpoint-add"
                        disabled=move || action.pending()
                    >
                        {i18n.text(Key::CheckpointAdd)}
                    </button>
                </form>
            </Show>
            <ErrorLine action testid="checkpoint-error" />
        </section>
    }
}
