//! The device's own idea of being online (`navigator.onLine` and the `online`/`offline`
//! events). Only a hint: whether a sync request succeeded is the truth.

use leptos::prelude::*;

fn navigator_on_line() -> bool {
    web_sys::window()
        .map(|window| window.navigator().on_line())
        .unwrap_or(true)
}

/// A signal that follows the browser's online state while the calling component lives.
pub fn use_online() -> ReadSignal<bool> {
    let (online, set_online) = signal(navigator_on_line());
    let on = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    online
}
