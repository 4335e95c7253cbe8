//! The one translation table of the app. Simplified Chinese is the default language; every
//! string the user sees goes through [`tr`] (or [`I18n::t`] inside components).
//!
//! The table is a `match`, so the compiler refuses a key without both translations.

use leptos::prelude::*;

/// A language the app is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 简体中文 — the default.
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the settings page offers them.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// BCP 47 code, used for `<html lang>` and for storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a stored or browser language code (`zh-CN`, `zh`, `en`, `en-GB`, …).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's name in itself, as shown on the language toggle.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "简体中文",
            Lang::En => "English",
        }
    }
}

/// Every user-visible string of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    AppName,
    Tagline,
    Version,
    NavLabel,
    NavHome,
    NavSettings,
    SettingsTitle,
    Language,
    Network,
    Online,
    Offline,
    NetworkHint,
    NotFoundTitle,
    NotFoundBody,
    BackHome,
}

impl Key {
    /// Every key (for tests and tooling).
    pub const ALL: [Key; 15] = [
        Key::AppName,
        Key::Tagline,
        Key::Version,
        Key::NavLabel,
        Key::NavHome,
        Key::NavSettings,
        Key::SettingsTitle,
        Key::Language,
        Key::Network,
        Key::Online,
        Key::Offline,
        Key::NetworkHint,
        Key::NotFoundTitle,
        Key::NotFoundBody,
        Key::BackHome,
    ];
}

/// `(zh-CN, en)` for a key.
const fn entry(key: Key) -> (&'static str, &'static str) {
    match key {
        Key::AppName => ("管家 Guanjia", "管家 Guanjia"),
        Key::Tagline => (
            "离线优先的物业管家工作台",
            "Offline-first workbench for property butlers",
        ),
        Key::Version => ("版本", "Version"),
        Key::NavLabel => ("主导航", "Main navigation"),
        Key::NavHome => ("首页", "Home"),
        Key::NavSettings => ("设置", "Settings"),
        Key::SettingsTitle => ("设置", "Settings"),
        Key::Language => ("语言", "Language"),
        Key::Network => ("网络状态", "Network"),
        Key::Online => ("在线", "Online"),
        Key::Offline => ("离线", "Offline"),
        Key::NetworkHint => (
            "设备报告的网络状态仅供参考；数据是否已同步，以同步结果为准。",
            "This is what the device reports; whether data has synced is decided by the sync itself.",
        ),
        Key::NotFoundTitle => ("页面不存在", "Page not found"),
        Key::NotFoundBody => ("没有找到这个页面。", "There is no page at this address."),
        Key::BackHome => ("返回首页", "Back to home"),
    }
}

/// The text for `key` in `lang`.
pub fn tr(lang: Lang, key: Key) -> &'static str {
    let (zh_cn, en) = entry(key);
    match lang {
        Lang::ZhCn => zh_cn,
        Lang::En => en,
    }
}

/// The app's current language, shared through context. `Copy`, so closures can capture it.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Provides a new `I18n` starting in `lang` to the current component tree.
    pub fn provide(lang: Lang) -> I18n {
        let i18n = I18n {
            lang: RwSignal::new(lang),
        };
        provide_context(i18n);
        i18n
    }

    /// The current language (reactive).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// Switches the language and remembers the choice on this device.
    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        crate::settings::save_lang(lang);
    }

    /// The text for `key` in the current language (reactive).
    pub fn t(&self, key: Key) -> &'static str {
        tr(self.lang.get(), key)
    }
}

/// The `I18n` provided by [`crate::App`].
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default() {
        assert_eq!(Lang::default(), Lang::ZhCn);
        assert_eq!(
            tr(Lang::default(), Key::Tagline),
            "离线优先的物业管家工作台"
        );
        assert_eq!(tr(Lang::default(), Key::AppName), "管家 Guanjia");
    }

    #[test]
    fn every_key_is_translated() {
        for key in Key::ALL {
            for lang in Lang::ALL {
                assert!(
                    !tr(lang, key).trim().is_empty(),
                    "{key:?} empty in {lang:?}"
                );
            }
        }
        assert_ne!(tr(Lang::ZhCn, Key::Tagline), tr(Lang::En, Key::Tagline));
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("zh"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_code("zh_Hans"), Some(Lang::ZhCn));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }
}
