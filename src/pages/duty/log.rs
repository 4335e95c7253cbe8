//! `/duty/:post`: a post's duty log of today; entries are added, never changed.

use crate::model::duty::EntryState;
use crate::model::people::person_name;
use crate::offline::state::use_app;
use crate::ui::action::{Action, ErrorLine};
use crate::ui::i18n::{use_i18n, Key};
use guanjia_core::records::DutyEntryAdded;
use guanjia_core::replica::Draft;
use guanjia_core::{EventId, RecordId};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/duty/:post`: today's duty log of one post; add entries and corrections, never edit.
#[component]
pub fn DutyLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let params = use_params_map();
    let post_id = Memo::new(move |_| {
        params
            .with(|p| p.get("post"))
            .and_then(|s| RecordId::parse(&s).ok())
    });
    let post = Memo::new(move |_| {
        app.data_version.track();
        let id = post_id.get()?;
        crate::model::duty::guard_posts()
            .into_iter()
            .find(|p| p.id == id)
    });
    let log = Memo::new(move |_| {
        app.data_version.track();
        post_id
            .get()
            .map(|p| crate::model::duty::duty_log(p, crate::model::clock::today()))
    });
    let text = RwSignal::new(String::new());
    let action = Action::new();
    let correcting = RwSignal::new(None::<EventId>);
    let correction = RwSignal::new(String::new());
    Effect::new(move |_| {
        app.form_dirty
            .set(!text.get().trim().is_empty() || !correction.get().trim().is_empty())
    });
    on_cleanup(move || app.form_dirty.set(false));

    let add = move |body: String, corrects: Option<EventId>, on_ok: Box<dyn FnOnce()>| {
        let (Some(p), Some((log_id, _))) = (post.get_untracked(), log.get_untracked()) else {
            return;
        };
        let entry = DutyEntryAdded {
            text: body.trim().to_string(),
            corrects,
            post_id: Some(p.id),
        };
        // The log of a post and a day has a fixed id (`duty_log_id`) and no area.
        let draft = Draft::new(log_id, p.project_id, None, &entry);
        action.save(app, vec![draft], on_ok);
    };
    let me = move || app.session.get_untracked().map(|s| s.user.id);
    view! {
        <section class="page duty-log">
            <h1>
                {move || {
                    post.get().map(|p| p.name).unwrap_or_else(|| i18n.t(Key::DutyTitle).to_string())
                }}
            </h1>
            <p class="hint">{i18n.text(Key::DutyRule)}</p>
            <form
                class="card form"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let body = text.get_untracked();
                    if body.trim().is_empty() {
                        return;
                    }
                    add(body, None, Box::new(move || text.set(String::new())));
                }
            >
                <label>
                    <span>{i18n.text(Key::DutyNew)}</span>
                    <textarea
                        data-testid="duty-text"
                        rows="3"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    ></textarea>
                </label>
                <button
                    type="submit"
                    class="primary"
                    data-testid="duty-add"
                    disabled=move || text.get().trim().is_empty() || action.pending()
                >
                    {i18n.text(Key::DutyAdd)}
                </button>
                <ErrorLine action />
            </form>
            <h2>{i18n.text(Key::DutyToday)}</h2>
            <Show
                when=move || log.get().is_some_and(|(_, f)| !f.state.entries.is_empty())
                fallback=move || view! { <p class="hint">{i18n.text(Key::DutyEmpty)}</p> }
            >
                <ol class="entries">
                    <For
                        each=move || {
                            log.get()
                                .map(|(_, f)| f.state.entries)
                                .unwrap_or_default()
                                .into_iter()
                                .rev()
                        }
                        key=|e| (e.event_id, e.seq, e.corrected_by.len())
                        let:entry
                    >
                        {
                            let id = entry.event_id;
                            let state = Memo::new(move |_| {
                                app.data_version.track();
                                crate::model::duty::entry_state(id)
                            });
                            let mine = me() == Some(entry.author);
                            let author = if mine {
                                i18n.t(Key::Me).to_string()
                            } else {
                                app.session
                                    .with_untracked(|s| person_name(s.as_ref(), entry.author))
                            };
                            let corrects = entry.corrects;
                            let corrected = !entry.corrected_by.is_empty();
                            view! {
                                <li
                                    class="entry card"
                                    class:corrected=corrected
                                    data-testid="duty-entry"
                                    data-entry-id=id.to_string()
                                    data-state=move || state.get().code()
                                    data-corrects=corrects.map(|c| c.to_string())
                                >
                                    <div class="entry-meta">
                                        <time>
                                            {crate::model::clock::clock_time(&entry.device_time)}
                                        </time>
                                        <span class="author" data-testid="duty-entry-author">
                                            {author}
                                        </span>
                                        <span class=move || {
                                            format!("badge {}", state.get().code())
                                        }>
                                            {move || {
                                                i18n.t(
                                                    match state.get() {
                                                        EntryState::Pending => Key::StatePending,
                                                        EntryState::Synced => Key::StateSynced,
                                                        EntryState::Rejected => Key::StateRejected,
                                                    },
                                                )
                                            }}
                                        </span>
                                        {corrects
                                            .map(|_| {
                                                view! {
                                                    <span class="badge">{i18n.text(Key::DutyCorrects)}</span>
                                                }
                                            })}
                                        {corrected
                                            .then(|| {
                                                view! {
                                                    <span class="badge warn">
                                                        {i18n.text(Key::DutyCorrectedBy)}
                                                    </span>
                                                }
                                            })}
                                    </div>
                                    <p class="entry-text" data-testid="duty-entry-text">
                                        {entry.text.clone()}
                                    </p>
                                    <Show
                                        when=move || correcting.get() == Some(id)
                                        fallback=move || {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="secondary"
                                                    data-testid="duty-correct"
                                                    on:click=move |_| {
                                                        correction.set(String::new());
                                                        correcting.set(Some(id));
                                                    }
                                                >
                                                    {i18n.text(Key::DutyCorrect)}
                                                </button>
                                            }
                                        }
                                    >
                                        <textarea
                                            data-testid="duty-correct-text"
                                            rows="2"
                                            placeholder=i18n.text(Key::DutyCorrectPlaceholder)
                                            prop:value=move || correction.get()
                                            on:input=move |ev| correction.set(event_target_value(&ev))
                                        ></textarea>
                                        <div class="row">
                                            <button
                                                type="button"
                                                class="primary"
                                                data-testid="duty-correct-submit"
                                                disabled=move || {
                                                    correction.get().trim().is_empty() || action.pending()
                                                }
                                                on:click=move |_| {
                                                    let body = correction.get_untracked();
                                                    add(
                                                        body,
                                                        Some(id),
                                                        Box::new(move || {
                                                            correction.set(String::new());
                                                            correcting.set(None);
                                                        }),
                                                    );
                                                }
                                            >
                                                {i18n.text(Key::DutyCorrectSubmit)}
                                            </button>
                                            <button
                                                type="button"
                                                class="secondary"
                                                on:click=move |_| correcting.set(None)
                                            >
                                                {i18n.text(Key::Cancel)}
                                            </button>
                                        </div>
                                    </Show>
                                </li>
                            }
                        }
                    </For>
                </ol>
            </Show>
        </section>
    }
}
