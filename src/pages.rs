//! The pages behind the routes.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::data::{self, EntryState};
use crate::engine::engine;
use crate::i18n::{use_i18n, Key, Lang};
use crate::network::use_online;
use crate::settings::{load_theme, set_theme, Theme};
use crate::state::{person_name, use_app, Session};
use guanjia_core::replica::Draft;
use guanjia_core::{EventId, Kind, RecordId, RecordType, Role};

fn role_key(role: Role) -> Key {
    match role {
        Role::Butler => Key::RoleButler,
        Role::Supervisor => Key::RoleSupervisor,
        Role::Technician => Key::RoleTechnician,
        Role::Admin => Key::RoleAdmin,
    }
}

/// `/login`: sign in once; the session is kept on the device for offline use.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let username = RwSignal::new(
        app.session
            .get_untracked()
            .map(|s| s.user.username)
            .unwrap_or_default(),
    );
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result =
                crate::session::sign_in(app, &username.get_untracked(), &password.get_untracked())
                    .await;
            busy.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    navigate("/", Default::default());
                }
                Err(m) => error.set(Some(m)),
            }
        });
    };
    view! {
        <section class="page login">
            <h1>{i18n.text(Key::LoginTitle)}</h1>
            <form class="card form" on:submit=submit>
                <label>
                    <span>{i18n.text(Key::Username)}</span>
                    <input
                        data-testid="login-username"
                        name="username"
                        autocomplete="username"
                        required
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{i18n.text(Key::Password)}</span>
                    <input
                        data-testid="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary" data-testid="login-submit" disabled=move || busy.get()>
                    {move || i18n.t(if busy.get() { Key::LoginWorking } else { Key::LoginSubmit })}
                </button>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" data-testid="login-error">
                        {i18n.text(Key::LoginFailed)}
                        {move || error.get().unwrap_or_default()}
                    </p>
                </Show>
            </form>
        </section>
    }
}

/// `/`: the signed-in person's day.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let name = move || {
        app.session
            .get()
            .map(|s| s.user.display_name)
            .unwrap_or_default()
    };
    let role = move || {
        app.session
            .get()
            .map(|s| i18n.t(role_key(s.user.role)))
            .unwrap_or_default()
    };
    let areas = move || {
        app.session
            .get()
            .map(|s: Session| {
                s.me.projects
                    .iter()
                    .flat_map(|p| {
                        p.areas
                            .iter()
                            .map(move |a| format!("{} · {}", p.name, a.name))
                    })
                    .collect::<Vec<_>>()
                    .join("，")
            })
            .unwrap_or_default()
    };
    view! {
        <section class="page home">
            <h1>{i18n.text(Key::TodayTitle)}</h1>
            <p class="tagline">
                {i18n.text(Key::Hello)} <strong>{name}</strong> " (" {role} ")"
            </p>
            <p class="hint">{i18n.text(Key::MyAreas)} ": " {areas}</p>
            <div class="cards">
                <A href="/duty" attr:class="card link-card" attr:data-testid="today-duty">
                    <h2>{i18n.text(Key::TodayDutyCard)}</h2>
                    <p>{i18n.text(Key::TodayDutyHint)}</p>
                </A>
                <A href="/patrol" attr:class="card link-card" attr:data-testid="today-patrol">
                    <h2>{i18n.text(Key::TodayPatrolCard)}</h2>
                    {move || {
                        let _ = app.data_version.get();
                        let today = crate::patrol::today_summary(app);
                        let open = crate::findings::findings()
                            .iter()
                            .filter(|f| f.folded.state.status.is_some_and(|s| s != guanjia_core::records::FindingStatus::Closed))
                            .count();
                        view! {
                            <p data-testid="today-patrol-status" data-done=today.day.done data-required=today.required
                                data-late=today.day.late data-missed=today.day.missed>
                                {today.text(i18n)} " · " {i18n.t(Key::TodayPatrolOpen)} " " {open}
                            </p>
                        }
                    }}
                </A>
                <A href="/orders" attr:class="card link-card" attr:data-testid="today-orders">
                    <h2>{i18n.text(Key::TodayRepairCard)}</h2>
                    <p>{move || {
                        let _ = app.data_version.get();
                        let now = crate::orders::local_now();
                        let open: Vec<_> = crate::orders::orders()
                            .into_iter()
                            .filter(|o| o.status().is_some_and(|s| s.is_open()))
                            .collect();
                        let overdue = open
                            .iter()
                            .filter(|o| o.next_deadline(now).is_some_and(|(_, c)| c.seconds_left < 0))
                            .count();
                        format!("{} {} · {} {}", i18n.t(Key::FilterOpen), open.len(), i18n.t(Key::FilterOverdue), overdue)
                    }}</p>
                </A>
                <A href="/households" attr:class="card link-card" attr:data-testid="today-households">
                    <h2>{i18n.text(Key::HouseholdsTitle)}</h2>
                    <p>{move || {
                        let _ = app.data_version.get();
                        let tagged = crate::households::registry().iter().filter(|h| !h.tags.is_empty()).count();
                        format!("{} {tagged}", i18n.t(Key::HouseholdsTagged))
                    }}</p>
                </A>
            </div>
            <p class="version">
                <span>{i18n.text(Key::Version)}</span>
                " "
                <span class="version-number">{crate::VERSION}</span>
            </p>
        </section>
    }
}

/// `/duty`: pick a guard post.
#[component]
pub fn DutyPostsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let posts = Memo::new(move |_| {
        app.data_version.track();
        data::guard_posts()
    });
    view! {
        <section class="page duty">
            <h1>{i18n.text(Key::DutyTitle)}</h1>
            <p class="hint">{i18n.text(Key::DutyPick)}</p>
            <Show when=move || !posts.get().is_empty() fallback=move || view! { <p class="hint">{i18n.text(Key::DutyNoPosts)}</p> }>
                <ul class="list">
                    <For each=move || posts.get() key=|p| p.id let:post>
                        <li>
                            <A href=format!("/duty/{}", post.id) attr:class="list-link" attr:data-testid="post-link">
                                {post.name.clone()}
                            </A>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}

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
        data::guard_posts().into_iter().find(|p| p.id == id)
    });
    let log = Memo::new(move |_| {
        app.data_version.track();
        post_id.get().map(|p| data::duty_log(p, data::today()))
    });
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let correcting = RwSignal::new(None::<EventId>);
    let correction = RwSignal::new(String::new());
    Effect::new(move |_| {
        app.form_dirty
            .set(!text.get().trim().is_empty() || !correction.get().trim().is_empty())
    });
    on_cleanup(move || app.form_dirty.set(false));

    let add = move |body: String, corrects: Option<EventId>, on_ok: Box<dyn Fn()>| {
        let (Some(p), Some((log_id, _))) = (post.get_untracked(), log.get_untracked()) else {
            return;
        };
        let Some(e) = engine() else { return };
        let mut payload = serde_json::json!({"text": body.trim(), "post_id": p.id});
        if let Some(c) = corrects {
            payload["corrects"] = serde_json::json!(c);
        }
        let draft = Draft {
            record_id: log_id,
            record_type: RecordType::parse("duty_log").expect("record type"),
            kind: Kind::parse("duty_log.entry_added").expect("kind"),
            project_id: p.project_id,
            area_id: None,
            payload,
        };
        leptos::task::spawn_local(async move {
            match e.record(draft).await {
                Ok(_) => {
                    error.set(None);
                    on_ok();
                    app.bump();
                    crate::sync::refresh_counts(app);
                    crate::sync::request_sync();
                }
                Err(err) => error.set(Some(err.to_string())),
            }
            app.bump();
        });
    };
    let me = move || app.session.get_untracked().map(|s| s.user.id);
    view! {
        <section class="page duty-log">
            <h1>{move || post.get().map(|p| p.name).unwrap_or_else(|| i18n.t(Key::DutyTitle).to_string())}</h1>
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
                <button type="submit" class="primary" data-testid="duty-add" disabled=move || text.get().trim().is_empty()>
                    {i18n.text(Key::DutyAdd)}
                </button>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{i18n.text(Key::SaveFailed)} {move || error.get().unwrap_or_default()}</p>
                </Show>
            </form>
            <h2>{i18n.text(Key::DutyToday)}</h2>
            <Show
                when=move || log.get().is_some_and(|(_, f)| !f.state.entries.is_empty())
                fallback=move || view! { <p class="hint">{i18n.text(Key::DutyEmpty)}</p> }
            >
                <ol class="entries">
                    <For
                        each=move || log.get().map(|(_, f)| f.state.entries).unwrap_or_default().into_iter().rev()
                        key=|e| (e.event_id, e.seq, e.corrected_by.len())
                        let:entry
                    >
                        {
                            let id = entry.event_id;
                            let state = Memo::new(move |_| {
                                app.data_version.track();
                                data::entry_state(id)
                            });
                            let mine = me() == Some(entry.author);
                            let author = if mine {
                                i18n.t(Key::Me).to_string()
                            } else {
                                app.session.with_untracked(|s| person_name(s.as_ref(), entry.author))
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
                                        <time>{data::clock_time(&entry.device_time)}</time>
                                        <span class="author" data-testid="duty-entry-author">{author}</span>
                                        <span class=move || format!("badge {}", state.get().code())>
                                            {move || i18n.t(match state.get() {
                                                EntryState::Pending => Key::StatePending,
                                                EntryState::Synced => Key::StateSynced,
                                                EntryState::Rejected => Key::StateRejected,
                                            })}
                                        </span>
                                        {corrects.map(|_| view! { <span class="badge">{i18n.text(Key::DutyCorrects)}</span> })}
                                        {corrected.then(|| view! { <span class="badge warn">{i18n.text(Key::DutyCorrectedBy)}</span> })}
                                    </div>
                                    <p class="entry-text" data-testid="duty-entry-text">{entry.text.clone()}</p>
                                    <Show
                                        when=move || correcting.get() == Some(id)
                                        fallback=move || view! {
                                            <button type="button" class="secondary" data-testid="duty-correct" on:click=move |_| { correction.set(String::new()); correcting.set(Some(id)); }>
                                                {i18n.text(Key::DutyCorrect)}
                                            </button>
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
                                                disabled=move || correction.get().trim().is_empty()
                                                on:click=move |_| {
                                                    let body = correction.get_untracked();
                                                    add(body, Some(id), Box::new(move || { correction.set(String::new()); correcting.set(None); }));
                                                }
                                            >
                                                {i18n.text(Key::DutyCorrectSubmit)}
                                            </button>
                                            <button type="button" class="secondary" on:click=move |_| correcting.set(None)>
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

/// The page that shows a record and settles its conflicts.
fn record_page(rec: &guanjia_core::fold::AnyRecord, id: guanjia_core::RecordId) -> Option<String> {
    use guanjia_core::fold::AnyRecord;
    let base = match rec {
        AnyRecord::RepairOrder(_) => "/orders",
        AnyRecord::Complaint(_) => "/complaints",
        AnyRecord::Finding(_) => "/findings",
        AnyRecord::PatrolRound(_) => "/patrol/rounds",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// What a person calls the record in a list: an order's or complaint's description.
fn record_title(rec: &guanjia_core::fold::AnyRecord) -> Option<String> {
    use guanjia_core::fold::AnyRecord;
    match rec {
        AnyRecord::RepairOrder(f) => f.state.description.get().cloned(),
        AnyRecord::Complaint(f) => f.state.description.get().cloned(),
        AnyRecord::Finding(f) => f.state.reported.as_ref().map(|r| r.note.clone()),
        _ => None,
    }
}

/// `/inbox`: refused changes and records with conflicts, with their reasons.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let items = Memo::new(move |_| {
        app.data_version.track();
        let Some(e) = engine() else { return Vec::new() };
        e.read(|r| {
            let mut out: Vec<(String, String, String)> = r
                .rejected()
                .iter()
                .map(|(id, rej)| {
                    let kind = r
                        .event(*id)
                        .map(|ev| ev.kind.to_string())
                        .unwrap_or_default();
                    (
                        "rejected".to_string(),
                        kind,
                        format!("{}: {}", rej.code.as_str(), rej.message),
                    )
                })
                .collect();
            for (id, rec) in r.fold_all() {
                let (conflicts, ignored) = rec.attention();
                let conflicts = conflicts.len();
                if conflicts > 0 || !ignored.is_empty() {
                    out.push((
                        "conflict".into(),
                        record_page(&rec, id).unwrap_or_else(|| id.to_string()),
                        format!(
                            "{}{conflicts} {} {}",
                            record_title(&rec)
                                .map(|t| format!("{t} · "))
                                .unwrap_or_default(),
                            i18n.t(Key::InboxConflictSummary),
                            ignored.len()
                        ),
                    ));
                }
            }
            out
        })
        .unwrap_or_default()
    });
    view! {
        <section class="page inbox">
            <h1>{i18n.text(Key::InboxTitle)}</h1>
            <Show when=move || !items.get().is_empty() fallback=move || view! { <p class="hint">{i18n.text(Key::InboxEmpty)}</p> }>
                <ul class="list">
                    {move || items.get().into_iter().map(|(what, subject, reason)| view! {
                        <li class="card" data-testid="inbox-item" data-kind=what.clone()>
                            <strong>{i18n.t(if what == "rejected" { Key::InboxRejected } else { Key::InboxConflict })}</strong>
                            " "
                            {if subject.starts_with('/') {
                                view! { <A href=subject attr:data-testid="inbox-open">{i18n.text(Key::ConflictOpenRecord)}</A> }.into_any()
                            } else {
                                view! { <code>{subject}</code> }.into_any()
                            }}
                            <p>{reason}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

/// `/settings`: language, storage, device, version, sign-out (guarded by the outbox).
#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let online = use_online();
    let navigate = use_navigate();
    let device = engine()
        .map(|e| e.device_id.to_string())
        .unwrap_or_default();
    let storage = crate::platform::storage_info();
    let blocked = RwSignal::new(false);
    let theme = RwSignal::new(load_theme());
    let export_error = RwSignal::new(None::<String>);
    let export = move |_| {
        let Some(e) = engine() else { return };
        let user = app.session.get_untracked().map(|s| s.user);
        let now = js_sys::Date::new_0();
        let stamp = String::from(now.to_iso_string());
        let result = crate::platform::outbox_export_json(&e, user, stamp.clone())
            .ok_or_else(|| i18n.t(Key::Loading).to_string())
            .and_then(|json| {
                // File names cannot hold ':' on every system.
                let name = format!("guanjia-outbox-{}.json", stamp.replace(':', "-"));
                crate::platform::download(&name, &json)
            });
        export_error.set(result.err());
    };
    let logout = move |_| {
        let pending = app.sync.get_untracked().pending;
        if pending > 0 {
            blocked.set(true);
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if crate::session::sign_out(app).await {
                navigate("/login", Default::default());
            } else {
                blocked.set(true);
            }
        });
    };
    view! {
        <section class="page settings">
            <h1>{i18n.text(Key::SettingsTitle)}</h1>
            <section class="card" aria-labelledby="settings-language">
                <h2 id="settings-language">{i18n.text(Key::Language)}</h2>
                <div class="segmented" role="group" aria-labelledby="settings-language">
                    {Lang::ALL
                        .into_iter()
                        .map(|lang| {
                            view! {
                                <button
                                    type="button"
                                    class="choice"
                                    lang=lang.code()
                                    data-lang=lang.code()
                                    aria-pressed=move || (i18n.lang() == lang).to_string()
                                    on:click=move |_| i18n.set_lang(lang)
                                >
                                    {lang.native_name()}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </section>
            <section class="card" aria-labelledby="settings-theme">
                <h2 id="settings-theme">{i18n.text(Key::Theme)}</h2>
                <div class="segmented" role="group" aria-labelledby="settings-theme">
                    {Theme::ALL
                        .into_iter()
                        .map(|t| {
                            view! {
                                <button
                                    type="button"
                                    class="choice"
                                    data-theme-choice=t.code()
                                    aria-pressed=move || (theme.get() == t).to_string()
                                    on:click=move |_| {
                                        set_theme(t);
                                        theme.set(t);
                                    }
                                >
                                    {i18n.text(t.label())}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </section>
            <section class="card" aria-labelledby="settings-network">
                <h2 id="settings-network">{i18n.text(Key::Network)}</h2>
                <p class="net-status" class:online=move || online.get() class:offline=move || !online.get() role="status">
                    <span class="dot" aria-hidden="true"></span>
                    <span>{move || i18n.t(if online.get() { Key::Online } else { Key::Offline })}</span>
                </p>
                <p class="hint">{i18n.text(Key::NetworkHint)}</p>
            </section>
            <section class="card">
                <h2>{i18n.text(Key::Storage)}</h2>
                <p data-testid="settings-persist">
                    {move || match storage.get().persisted {
                        Some(true) => i18n.t(Key::Persistent),
                        Some(false) => i18n.t(Key::NotPersistent),
                        None => i18n.t(Key::Loading),
                    }}
                </p>
                <p data-testid="settings-usage">
                    {i18n.text(Key::Usage)} ": "
                    {move || storage.get().usage_text()}
                </p>
                <Show when=move || storage.get().nearly_full()>
                    <p class="error" role="alert">{i18n.text(Key::QuotaWarning)}</p>
                </Show>
            </section>
            <Show when=move || app.session.get().is_some_and(|s| matches!(s.user.role, guanjia_core::Role::Supervisor | guanjia_core::Role::Admin))>
                <section class="card">
                    <A href="/settings/project" attr:data-testid="settings-project-rules">{i18n.text(Key::SettingsProjectRules)}</A>
                </section>
            </Show>
            <section class="card">
                <h2>{i18n.text(Key::Account)}</h2>
                <p>{move || app.session.get().map(|s| format!("{} ({})", s.user.display_name, s.user.username)).unwrap_or_default()}</p>
                <p>{i18n.text(Key::DeviceId)} ": " <code data-testid="settings-device-id">{device.clone()}</code></p>
                <p>{i18n.text(Key::Version)} " " <span class="version-number">{crate::VERSION}</span></p>
                <button type="button" class="secondary" data-testid="logout" on:click=logout>
                    {i18n.text(Key::Logout)}
                </button>
                <Show when=move || { app.sync.get().pending > 0 }>
                    <p class="hint">{i18n.text(Key::ExportOutboxHint)}</p>
                    <button type="button" class="secondary" data-testid="export-outbox" on:click=export>
                        {i18n.text(Key::ExportOutbox)}
                    </button>
                    <Show when=move || export_error.get().is_some()>
                        <p class="error" role="alert">
                            {i18n.text(Key::ExportFailed)}
                            {move || export_error.get().unwrap_or_default()}
                        </p>
                    </Show>
                </Show>
                <Show when=move || blocked.get()>
                    <p class="error" role="alert" data-testid="logout-blocked">
                        {i18n.text(Key::LogoutBlocked)}
                        {move || app.sync.get().pending}
                        " "
                        {i18n.text(Key::SyncPending)}
                        ". "
                        {i18n.text(Key::LogoutBlockedHint)}
                    </p>
                </Show>
            </section>
        </section>
    }
}

/// Any other path.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page not-found">
            <h1>{i18n.text(Key::NotFoundTitle)}</h1>
            <p>{i18n.text(Key::NotFoundBody)}</p>
            <A href="/" attr:class="button">
                {i18n.text(Key::BackHome)}
            </A>
        </section>
    }
}
