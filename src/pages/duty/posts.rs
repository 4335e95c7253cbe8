//! `/duty`: pick a guard post.

use crate::offline::state::use_app;
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use leptos_router::components::A;

/// `/duty`: pick a guard post.
#[component]
pub fn DutyPostsPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let posts = Memo::new(move |_| {
        app.data_version.track();
        crate::model::duty::guard_posts()
    });
    view! {
        <section class="page duty">
            <h1>{i18n.text(Key::DutyTitle)}</h1>
            <p class="hint">{i18n.text(Key::DutyPick)}</p>
            <Show
                when=move || !posts.get().is_empty()
                fallback=move || view! { <p class="hint">{i18n.text(Key::DutyNoPosts)}</p> }
            >
                <ul class="list">
                    <For each=move || posts.get() key=|p| p.id let:post>
                        <li>
                            <A
                                href=format!("/duty/{}", post.id)
                                attr:class="list-link"
                                attr:data-testid="post-link"
                            >
                                {post.name.clone()}
                            </A>
                        </li>
                    </For>
                </ul>
            </Show>
        </section>
    }
}
