//! In-browser tests of the app shell (headless Chromium through wasm-bindgen-test-runner):
//! `cargo test -p guanjia --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, Storage};
use guanjia::pages::settings::device::SettingsPage;
use guanjia::ui::i18n::LANG_KEY;
use guanjia::ui::i18n::{tr, I18n, Key, Lang};
use guanjia::App;
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh `<div>` in the test page to mount into. All tests share one page.
fn container() -> HtmlElement {
    let div = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn text(el: &HtmlElement) -> String {
    el.text_content().unwrap_or_default()
}

/// The settings page alone, in Chinese, with the contexts the app would provide.
fn mount_settings(
    root: &HtmlElement,
) -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    mount_to(root.clone(), || {
        I18n::provide(Lang::ZhCn);
        guanjia::offline::state::AppState::provide();
        view! {
            <leptos_router::components::Router>
                <SettingsPage />
            </leptos_router::components::Router>
        }
        .into_any()
    })
}

#[wasm_bindgen_test]
fn table_defaults_to_simplified_chinese() {
    assert_eq!(Lang::default(), Lang::ZhCn);
    assert_eq!(tr(Lang::ZhCn, Key::Tagline), "离线优先的物业管家工作台");
    assert_eq!(tr(Lang::En, Key::NavSettings), "Settings");
}

/// Ticks until `root`'s text contains `needle` (the app opens IndexedDB first).
async fn wait_for_text(root: &HtmlElement, needle: &str) -> String {
    for _ in 0..200 {
        leptos::task::tick().await;
        let shown = text(root);
        if shown.contains(needle) {
            return shown;
        }
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
    panic!("`{needle}` never appeared: {}", text(root));
}

#[wasm_bindgen_test]
async fn without_a_session_the_app_asks_to_sign_in_in_chinese() {
    LocalStorage::delete(LANG_KEY);
    let root = container();
    let handle = mount_to(root.clone(), App);
    let shown = wait_for_text(&root, "用户名").await;
    assert!(shown.contains("管家 Guanjia"), "{shown}");
    assert!(shown.contains("登录"), "{shown}");
    assert!(root
        .query_selector("[data-testid=sync-bar]")
        .unwrap()
        .is_some());
    assert!(root
        .query_selector("[data-testid=login-submit]")
        .unwrap()
        .is_some());
    let html_lang = document().document_element().unwrap().get_attribute("lang");
    assert_eq!(html_lang.as_deref(), Some("zh-CN"));

    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn stored_language_is_used_on_start() {
    LocalStorage::set(LANG_KEY, "en").unwrap();
    let root = container();
    let handle = mount_to(root.clone(), App);
    let shown = wait_for_text(&root, "Username").await;
    assert!(shown.contains("Sign in"), "{shown}");
    let html_lang = document().document_element().unwrap().get_attribute("lang");
    assert_eq!(html_lang.as_deref(), Some("en"));

    drop(handle);
    root.remove();
    LocalStorage::delete(LANG_KEY);
}

#[wasm_bindgen_test]
async fn settings_toggle_switches_and_persists_language() {
    LocalStorage::delete(LANG_KEY);
    let root = container();
    let handle = mount_settings(&root);
    leptos::task::tick().await;

    let shown = text(&root);
    assert!(shown.contains("语言"), "{shown}");
    // The test browser is online, and the page says so.
    assert!(shown.contains("在线"), "{shown}");
    assert!(root.query_selector(".net-status.online").unwrap().is_some());

    let english: HtmlElement = root
        .query_selector("button[data-lang='en']")
        .unwrap()
        .expect("an English button")
        .unchecked_into();
    assert_eq!(
        english.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    english.click();
    leptos::task::tick().await;

    let shown = text(&root);
    assert!(shown.contains("Language"), "{shown}");
    assert!(shown.contains("Online"), "{shown}");
    assert_eq!(
        english.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(LocalStorage::get::<String>(LANG_KEY).unwrap(), "en");

    drop(handle);
    root.remove();
    LocalStorage::delete(LANG_KEY);
}

#[wasm_bindgen_test]
fn storage_usage_is_shown_in_megabytes_with_one_decimal() {
    use guanjia::platform::StorageInfo;
    let info = StorageInfo {
        persisted: Some(true),
        usage: Some(1_572_864.0),
        quota: Some(10.0 * 1_048_576.0),
    };
    assert_eq!(info.usage_text(), "1.5 MB / 10.0 MB");
    assert!(!info.nearly_full());
    let unknown = StorageInfo::default();
    assert_eq!(unknown.usage_text(), "—");
}

#[wasm_bindgen_test]
async fn night_theme_can_be_forced_and_is_remembered() {
    use guanjia::ui::theme::{load_theme, Theme, THEME_KEY};
    LocalStorage::delete(THEME_KEY);
    let root = container();
    let handle = mount_settings(&root);
    leptos::task::tick().await;
    let html = document().document_element().unwrap();
    let choice = |code: &str| -> HtmlElement {
        root.query_selector(&format!("button[data-theme-choice='{code}']"))
            .unwrap()
            .expect("a theme button")
            .unchecked_into()
    };
    assert_eq!(
        choice("system").get_attribute("aria-pressed").as_deref(),
        Some("true")
    );

    choice("dark").click();
    leptos::task::tick().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
    assert_eq!(
        choice("dark").get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(load_theme(), Theme::Dark);

    choice("system").click();
    leptos::task::tick().await;
    assert_eq!(html.get_attribute("data-theme"), None);
    assert_eq!(load_theme(), Theme::System);

    drop(handle);
    root.remove();
    LocalStorage::delete(THEME_KEY);
}

#[wasm_bindgen_test]
fn order_countdowns_read_naturally_in_both_languages() {
    use guanjia::ui::format::countdown_text;
    use guanjia_core::deadline::Countdown;
    let due = chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(18, 0, 0)
        .unwrap();
    let at = |h: u32, m: u32, s: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    };
    let soon = Countdown::new(due, at(17, 46, 0));
    assert_eq!(countdown_text(Lang::ZhCn, &soon), "剩 14 分");
    assert_eq!(countdown_text(Lang::En, &soon), "14 min left");
    let hours = Countdown::new(due, at(8, 55, 0));
    assert_eq!(countdown_text(Lang::ZhCn, &hours), "剩 9 小时 5 分");
    let late = Countdown::new(due, at(18, 12, 30));
    assert_eq!(countdown_text(Lang::ZhCn, &late), "超时 13 分");
    assert_eq!(countdown_text(Lang::En, &late), "13 min overdue");
    let days = Countdown::new(due + chrono::Duration::hours(49), at(18, 0, 0));
    assert_eq!(countdown_text(Lang::En, &days), "2 d 1 h left");
}

#[wasm_bindgen_test]
fn signing_in_as_someone_else_drops_every_finding_draft_and_nothing_else() {
    LocalStorage::set("guanjia.finding_draft.r1.item-01", "半张草稿").unwrap();
    LocalStorage::set("guanjia.finding_draft.r1", "item-01").unwrap();
    LocalStorage::set(LANG_KEY, "en").unwrap();
    guanjia::offline::drafts::forget_all_drafts();
    assert!(LocalStorage::get::<String>("guanjia.finding_draft.r1.item-01").is_err());
    assert!(LocalStorage::get::<String>("guanjia.finding_draft.r1").is_err());
    assert_eq!(LocalStorage::get::<String>(LANG_KEY).unwrap(), "en");
    LocalStorage::delete(LANG_KEY);
}
