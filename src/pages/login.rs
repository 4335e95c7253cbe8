//! `/login`.

use crate::offline::state::use_app;
use crate::ui::errors::sign_in_text;
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

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
            let result = crate::offline::session::sign_in(
                app,
                &username.get_untracked(),
                &password.get_untracked(),
            )
            .await;
            busy.set(false);
            match result {
                Ok(()) => {
                    password.set(String::new());
                    navigate("/", Default::default());
                }
                Err(e) => error.set(Some(sign_in_text(i18n, &e))),
            }
        });
    };
    view! {
        <section class="page login">
            <h1>{i18n.text(Key::LoginTitle)}</h1>
            {move || {
                app.data_version.track();
                crate::offline::wipe::wipe_state()
                    .map(|w| {
                        let key = match w {
                            crate::offline::wipe::WipeState::Done => Key::DeviceWiped,
                            crate::offline::wipe::WipeState::Due => Key::DeviceWipePending,
                        };
                        view! {
                            <p
                                class="error"
                                role="status"
                                data-testid="login-device-wiped"
                                data-wipe=format!("{w:?}").to_lowercase()
                            >
                                {i18n.text(key)}
                            </p>
                        }
                    })
            }}
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
                <button
                    type="submit"
                    class="primary"
                    data-testid="login-submit"
                    disabled=move || busy.get()
                >
                    {move || i18n.t(if busy.get() { Key::LoginWorking } else { Key::LoginSubmit })}
                </button>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert" data-testid="login-error">
                        {move || error.get().unwrap_or_default()}
                    </p>
                </Show>
            </form>
        </section>
    }
}
