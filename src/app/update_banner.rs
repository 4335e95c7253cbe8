//! The update banner.

use crate::offline::state::use_app;
use crate::platform;
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;

/// A new version is waiting: offer it, but never while work could be lost.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let safe = move || app.sync.get().pending == 0 && !app.form_dirty.get();
    view! {
        <Show when=move || app.update_ready.get()>
            <div class="banner" data-testid="update-banner" role="status">
                <span>{i18n.text(Key::UpdateReady)}</span>
                <Show
                    when=safe
                    fallback=move || {
                        view! { <span class="hint">{i18n.text(Key::UpdateWait)}</span> }
                    }
                >
                    <button
                        type="button"
                        class="primary small"
                        data-testid="update-apply"
                        on:click=move |_| {
                            if app.sync.get_untracked().pending == 0
                                && !app.form_dirty.get_untracked()
                            {
                                platform::apply_update();
                            }
                        }
                    >
                        {i18n.text(Key::UpdateApply)}
                    </button>
                </Show>
            </div>
        </Show>
    }
}
