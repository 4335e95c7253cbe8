//! Small per-device settings in `localStorage` (gloo-storage). Never the store of record:
//! events, the outbox and views live in IndexedDB.

use gloo_storage::{LocalStorage, Storage};

use crate::i18n::Lang;

/// `localStorage` key of the chosen language.
pub const LANG_KEY: &str = "guanjia.settings.lang";

/// The language chosen on this device, or the default (zh-CN).
pub fn load_lang() -> Lang {
    LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|code| Lang::from_code(&code))
        .unwrap_or_default()
}

/// Remembers the chosen language. A full or disabled storage only loses the preference.
pub fn save_lang(lang: Lang) {
    if let Err(err) = LocalStorage::set(LANG_KEY, lang.code()) {
        leptos::logging::warn!("could not save the language setting: {err}");
    }
}
