//! Browser facilities: persistent storage and quota, and the service-worker update hand-off.

pub mod geo;
pub mod network;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StorageInfo {
    pub persisted: Option<bool>,
    pub usage: Option<f64>,
    pub quota: Option<f64>,
}

impl StorageInfo {
    pub fn nearly_full(&self) -> bool {
        matches!((self.usage, self.quota), (Some(u), Some(q)) if q > 0.0 && u / q > 0.8)
    }

    pub fn usage_text(&self) -> String {
        // Integer arithmetic on purpose: `{:.1}` on an f64 links ~10 KB of float formatting
        // into the wasm shell for this one line.
        let mb = |b: f64| {
            let tenths = (b / 104_857.6).round() as u64;
            format!("{}.{} MB", tenths / 10, tenths % 10)
        };
        match (self.usage, self.quota) {
            (Some(u), Some(q)) => format!("{} / {}", mb(u), mb(q)),
            _ => "—".into(),
        }
    }
}

pub fn get_f64(obj: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(obj, &JsValue::from_str(key))
        .ok()?
        .as_f64()
}

/// Asks for persistent storage (sync-protocol §2) and reads the usage estimate.
pub async fn query_storage() -> StorageInfo {
    let mut info = StorageInfo::default();
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return info;
    };
    if let Ok(p) = storage.persist() {
        info.persisted = JsFuture::from(p).await.ok().and_then(|v| v.as_bool());
    }
    if let Ok(p) = storage.estimate() {
        if let Ok(est) = JsFuture::from(p).await {
            info.usage = get_f64(&est, "usage");
            info.quota = get_f64(&est, "quota");
        }
    }
    info
}

thread_local! {
    static STORAGE: RwSignal<StorageInfo> = RwSignal::new(StorageInfo::default());
}

/// The latest storage facts; refreshed at start and every few minutes.
pub fn storage_info() -> RwSignal<StorageInfo> {
    STORAGE.with(|s| *s)
}

pub fn watch_storage() {
    leptos::task::spawn_local(async move {
        loop {
            let info = query_storage().await;
            storage_info().set(info);
            let p = js_sys::Promise::new(&mut |resolve, _| {
                if let Some(w) = web_sys::window() {
                    let _ =
                        w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 180_000);
                }
            });
            let _ = JsFuture::from(p).await;
        }
    });
}

/// index.html's script sets `guanjiaUpdateWaiting` and fires `guanjia-update-ready` when a
/// new service worker is installed and waiting.
pub fn watch_updates(ready: RwSignal<bool>) {
    let window = web_sys::window();
    let waiting = window
        .as_ref()
        .and_then(|w| js_sys::Reflect::get(w, &JsValue::from_str("guanjiaUpdateWaiting")).ok())
        .is_some_and(|v| v.is_truthy());
    ready.set(waiting);
    if let Some(w) = window {
        let cb = Closure::<dyn FnMut()>::new(move || ready.set(true));
        let _ =
            w.add_event_listener_with_callback("guanjia-update-ready", cb.as_ref().unchecked_ref());
        cb.forget();
    }
}

/// Activates the waiting version; the page reloads when it takes control.
pub fn apply_update() {
    if let Some(w) = web_sys::window() {
        if let Ok(f) = js_sys::Reflect::get(&w, &JsValue::from_str("guanjiaApplyUpdate")) {
            if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                let _ = f.call0(&JsValue::NULL);
            }
        }
    }
}

/// Offers `contents` as a downloaded file (the browser saves it; nothing leaves the device
/// otherwise). Errors say what failed, for the page to show.
pub fn download(file_name: &str, contents: &str) -> Result<(), String> {
    let fail = |e: JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = leptos::prelude::document();
    let a: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    // The click has handed the blob to the download already.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The device clock in ms since the epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Random bytes from the browser's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut buf);
    }
    buf
}
