//! `/patrol/checklist`.

use crate::model::patrol::template;
use crate::model::people::my_areas;
use crate::model::rows::fields_of;
use crate::offline::state::use_app;
use crate::platform::{now_ms, random_bytes};
use crate::ui::action::{Action, ErrorLine};
use crate::ui::i18n::{use_i18n, Key};
use guanjia_core::records::ChecklistItem;
use guanjia_core::records::ReferenceType;
use guanjia_core::Draft;
use guanjia_core::RecordId;
use leptos::prelude::*;

type Items = Vec<ChecklistItem>;

/// `/patrol/checklist`: supervisors add_days, remove, reorder items and mark "photo required on
/// fail"; saving writes the whole list as the next version (rounds keep theirs).
#[component]
pub fn ChecklistPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let project = move || my_areas(app).first().map(|(p, _, _)| *p);
    let current = Memo::new(move |_| {
        app.data_version.track();
        project().and_then(template)
    });
    let items = RwSignal::new(Vec::<ChecklistItem>::new());
    Effect::new(move |_| items.set(current.get().map(|t| t.checklist.items).unwrap_or_default()));
    let group = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let action = Action::new();
    let saved = RwSignal::new(false);
    let edit = move |f: Box<dyn FnOnce(&mut Items)>| {
        saved.set(false);
        items.update(|v| f(v));
    };
    let add_item = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (g, t) = (group.get_untracked(), text.get_untracked());
        if t.trim().is_empty() {
            return action.say(Key::ChecklistNeedsText);
        }
        let id = format!("item-{}", RecordId::from_parts(now_ms(), random_bytes()));
        edit(Box::new(move |v| {
            // New items join the end of their group.
            let at = v
                .iter()
                .rposition(|i| i.group == g.trim())
                .map_or(v.len(), |p| p + 1);
            v.insert(
                at,
                ChecklistItem {
                    id,
                    group: g.trim().to_string(),
                    text: t.trim().to_string(),
                    photo_on_fail: true,
                    only_if_tag: None,
                },
            );
        }));
        text.set(String::new());
    };
    let save_all = move |_| {
        let Some(t) = current.get_untracked() else {
            return action.say(Key::PatrolNoTemplate);
        };
        let mut c = t.checklist.clone();
        c.version += 1;
        c.items = items.get_untracked();
        let d = Draft::reference_defined(
            ReferenceType::ChecklistTemplate,
            t.id,
            t.project_id,
            None,
            fields_of(&c),
        );
        action.save(app, vec![d], move || saved.set(true));
    };
    view! {
        <section class="page checklist">
            <h1>
                {i18n.text(Key::ChecklistTitle)} " "
                <span class="hint" data-testid="checklist-version">
                    {move || {
                        current
                            .get()
                            .map(|t| format!("v{}", t.checklist.version))
                            .unwrap_or_default()
                    }}
                </span>
            </h1>
            <ul class="list">
                {move || {
                    let list = items.get();
                    let n = list.len();
                    list.into_iter()
                        .enumerate()
                        .map(|(i, it)| {
                            let photo = it.photo_on_fail;
                            view! {
                                <li
                                    class="card row"
                                    data-testid="checklist-item"
                                    data-item=it.id.clone()
                                >
                                    <span class="hint">{it.group.clone()}</span>
                                    " "
                                    <span class="item-text">{it.text.clone()}</span>
                                    <label class="check">
                                        <input
                                            type="checkbox"
                                            data-testid="checklist-photo"
                                            prop:checked=photo
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                edit(Box::new(move |v| v[i].photo_on_fail = on))
                                            }
                                        />
                                        <span>{i18n.text(Key::ChecklistPhotoOnFail)}</span>
                                    </label>
                                    <button
                                        type="button"
                                        class="small"
                                        data-action="up"
                                        disabled=i == 0
                                        on:click=move |_| edit(Box::new(move |v| v.swap(i, i - 1)))
                                    >
                                        "↑"
                                    </button>
                                    <button
                                        type="button"
                                        class="small"
                                        data-action="down"
                                        disabled=i + 1 == n
                                        on:click=move |_| edit(Box::new(move |v| v.swap(i, i + 1)))
                                    >
                                        "↓"
                                    </button>
                                    <button
                                        type="button"
                                        class="small"
                                        data-action="remove"
                                        on:click=move |_| edit(
                                            Box::new(move |v| {
                                                v.remove(i);
                                            }),
                                        )
                                    >
                                        {i18n.text(Key::ChecklistRemove)}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <form class="card form" on:submit=add_item>
                <label>
                    <span>{i18n.text(Key::ChecklistGroup)}</span>
                    <input
                        data-testid="checklist-group"
                        prop:value=move || group.get()
                        on:input=move |ev| group.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{i18n.text(Key::ChecklistText)}</span>
                    <input
                        data-testid="checklist-text"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" data-testid="checklist-add">
                    {i18n.text(Key::ChecklistAdd)}
                </button>
            </form>
            <button
                type="button"
                class="primary"
                data-testid="checklist-save"
                disabled=move || action.pending()
                on:click=save_all
            >
                {i18n.text(Key::ChecklistSave)}
            </button>
            <Show when=move || saved.get()>
                <p class="hint" data-testid="checklist-saved">
                    {i18n.text(Key::ChecklistSaved)}
                </p>
            </Show>
            <ErrorLine action />
        </section>
    }
}
