//! The colour theme, a per-device setting in `localStorage` (gloo-storage). Never the store of record:
//! events, the outbox and views live in IndexedDB.

use crate::ui::i18n::Key;
use gloo_storage::{LocalStorage, Storage};

/// `localStorage` key of the chosen colour theme; index.html reads it before the first paint.
pub const THEME_KEY: &str = "guanjia.settings.theme";

/// Light or night colours. `System` follows the device (the default); a supervisor on a
/// night check can force night colours whatever the phone is set to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// Stored value and `<html data-theme>` value (none for `System`).
    pub fn code(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_code(code: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> Key {
        match self {
            Theme::System => Key::ThemeSystem,
            Theme::Light => Key::ThemeLight,
            Theme::Dark => Key::ThemeDark,
        }
    }
}

/// The theme chosen on this device, or `System`.
pub fn load_theme() -> Theme {
    LocalStorage::get::<String>(THEME_KEY)
        .ok()
        .and_then(|code| Theme::from_code(&code))
        .unwrap_or_default()
}

/// Shows `theme` now (style/main.css keys off `<html data-theme>`) and remembers it.
pub fn set_theme(theme: Theme) {
    if let Some(root) = leptos::prelude::document().document_element() {
        // Failing to set an attribute leaves the previous colours; nothing else depends on it.
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            t => root.set_attribute("data-theme", t.code()),
        };
    }
    if let Err(err) = LocalStorage::set(THEME_KEY, theme.code()) {
        leptos::logging::warn!("could not save the theme setting: {err}");
    }
}
