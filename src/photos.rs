//! Photos (and signatures) on the device, sync-protocol §3: taken with the camera or picked,
//! compressed in the browser to ≤ 1600 px JPEG, stored in IndexedDB under their SHA-256
//! together with an upload-queue row (one transaction), uploaded by hash when the server
//! answers, shown from the device — or fetched once from the server and kept.
//!
//! Events refer to photos by hash only, so an event may reach the server before its photo;
//! the queue survives reloads and resumes on every sync.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::engine::engine;
use crate::i18n::{use_i18n, Key};
use crate::state::use_app;
use crate::store::Upload;

/// The longest side of a stored photo: enough to read a crack or a meter, ~200–400 KB.
pub const MAX_SIDE: u32 = 1600;
const JPEG_QUALITY: f64 = 0.8;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoError {
    #[error("this file is not a picture the browser can open; take the photo again or pick a JPEG or PNG")]
    NotAnImage,
    #[error("the browser could not compress the photo ({0}); try again, or free some memory by closing other apps")]
    Compress(String),
    #[error("this browser cannot compute photo fingerprints here; open the app over https (or on localhost)")]
    NoCrypto,
    #[error(
        "the photo could not be saved on this device ({0}); free some space and take it again"
    )]
    Store(String),
    #[error("sign in first")]
    NotReady,
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The size a photo is stored at: longest side ≤ [`MAX_SIDE`], never enlarged.
pub fn fitted(width: u32, height: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= MAX_SIDE || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale =
        |v: u32| ((v as u64 * MAX_SIDE as u64 + long as u64 / 2) / long as u64).max(1) as u32;
    (scale(width), scale(height))
}

async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(blob.array_buffer()).await.map_err(js_err)?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Decodes, scales and re-encodes a picture as JPEG.
pub async fn compress(file: &web_sys::Blob) -> Result<Vec<u8>, PhotoError> {
    let window = web_sys::window().ok_or(PhotoError::NotReady)?;
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(|_| PhotoError::NotAnImage)?;
    let bitmap: web_sys::ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| PhotoError::NotAnImage)?
        .unchecked_into();
    let (w, h) = fitted(bitmap.width(), bitmap.height());
    let canvas: web_sys::HtmlCanvasElement = window
        .document()
        .ok_or(PhotoError::NotReady)?
        .create_element("canvas")
        .map_err(|e| PhotoError::Compress(js_err(e)))?
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let cx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .ok_or_else(|| PhotoError::Compress("no 2d canvas".into()))?
        .unchecked_into();
    // JPEG has no transparency: a white ground keeps PNG screenshots readable.
    cx.set_fill_style_str("#fff");
    cx.fill_rect(0.0, 0.0, w as f64, h as f64);
    cx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, w as f64, h as f64)
        .map_err(|e| PhotoError::Compress(js_err(e)))?;
    bitmap.close();
    let (tx, rx) = futures::channel::oneshot::channel::<Option<web_sys::Blob>>();
    let tx = std::cell::Cell::new(Some(tx));
    let done = Closure::<dyn Fn(Option<web_sys::Blob>)>::new(move |b: Option<web_sys::Blob>| {
        if let Some(tx) = tx.take() {
            let _ = tx.send(b);
        }
    });
    canvas
        .to_blob_with_type_and_encoder_options(
            done.as_ref().unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(JPEG_QUALITY),
        )
        .map_err(|e| PhotoError::Compress(js_err(e)))?;
    let jpeg = rx
        .await
        .ok()
        .flatten()
        .ok_or_else(|| PhotoError::Compress("no JPEG produced".into()))?;
    drop(done);
    blob_bytes(&jpeg).await.map_err(PhotoError::Compress)
}

/// Lowercase hex SHA-256, by the browser's WebCrypto.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, PhotoError> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or(PhotoError::NoCrypto)?;
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(|_| PhotoError::NoCrypto)?;
    let digest = JsFuture::from(promise)
        .await
        .map_err(|_| PhotoError::NoCrypto)?;
    Ok(js_sys::Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Keeps bytes as they are (a signature PNG, an already compressed photo) and queues them.
pub async fn keep(bytes: &[u8]) -> Result<String, PhotoError> {
    let e = engine().ok_or(PhotoError::NotReady)?;
    let hash = sha256_hex(bytes).await?;
    e.store
        .put_photo(&hash, bytes)
        .await
        .map_err(|err| PhotoError::Store(err.to_string()))?;
    Ok(hash)
}

/// A photo from the camera or a file: compressed, stored, queued. Returns its hash.
pub async fn add_photo(file: &web_sys::Blob) -> Result<String, PhotoError> {
    let jpeg = compress(file).await?;
    keep(&jpeg).await
}

/// A refused photo is offered again after this long: refusals can be passing (a full disk
/// on the server, a proxy's limit being raised), and the photo's only copy is here.
pub const RETRY_REFUSED_MS: u64 = 60 * 60 * 1000;

/// Uploads every queued photo (HEAD first: the same photo is never sent twice). Stops at
/// the first network failure (the rest wait for the next sync); a photo the server refuses
/// is marked with the reason, does not block the others and is offered again after
/// [`RETRY_REFUSED_MS`]. Bytes that no longer match their name (a damaged disk) are never
/// sent, so the server cannot be handed a wrong picture under a right name.
pub async fn upload_pending(token: &str) -> Result<usize, ApiError> {
    let Some(e) = engine() else { return Ok(0) };
    let store_err = |err: crate::store::StoreError| ApiError::Network(err.to_string());
    let now = js_sys::Date::now() as u64;
    let queue = e.store.upload_queue().await.map_err(store_err)?;
    let mut sent = 0;
    for (hash, state) in queue {
        if let Upload::Refused { at_ms, .. } = state {
            if now.saturating_sub(at_ms) < RETRY_REFUSED_MS {
                continue;
            }
        }
        let refuse = |why: String| Upload::Refused { at_ms: now, why };
        let Some(bytes) = e.store.get_blob(&hash).await.map_err(store_err)? else {
            // The device's data was wiped; nothing left to send.
            e.store.set_upload(&hash, None).await.map_err(store_err)?;
            continue;
        };
        if sha256_hex(&bytes).await.ok().as_deref() != Some(hash.as_str()) {
            let why = crate::i18n::tr(crate::settings::load_lang(), Key::PhotoDamaged);
            e.store
                .set_upload(&hash, Some(&refuse(why.to_string())))
                .await
                .map_err(store_err)?;
            continue;
        }
        let outcome = match api::head_blob(token, &hash).await? {
            true => Ok(()),
            false => api::put_blob(token, &hash, &bytes).await,
        };
        match outcome {
            Ok(()) => {
                e.store.set_upload(&hash, None).await.map_err(store_err)?;
                sent += 1;
            }
            Err(ApiError::Server { message, .. }) => {
                e.store
                    .set_upload(&hash, Some(&refuse(message)))
                    .await
                    .map_err(store_err)?;
            }
            Err(other) => return Err(other),
        }
    }
    Ok(sent)
}

/// How many photos on this device the server may not have (waiting or refused). Signing in
/// as someone else wipes the device, so it is refused while this is not zero.
pub async fn queued() -> Result<usize, crate::store::StoreError> {
    match engine() {
        Some(e) => Ok(e.store.upload_queue().await?.len()),
        None => Ok(0),
    }
}

/// After the server was restored from a backup (a new epoch), photos it had confirmed may be
/// gone: every photo on the device is asked about again (HEAD), and sent again if missing.
pub async fn requeue_local() -> Result<usize, crate::store::StoreError> {
    let Some(e) = engine() else { return Ok(0) };
    let queued: std::collections::HashSet<String> = e
        .store
        .upload_queue()
        .await?
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    let mut n = 0;
    for hash in e.store.blob_keys().await? {
        if !queued.contains(&hash) {
            e.store.set_upload(&hash, Some(&Upload::Pending)).await?;
            n += 1;
        }
    }
    Ok(n)
}

/// Where a photo stands, as the thumbnail shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadState {
    /// On this device, waiting for the server.
    Pending,
    /// The server refused it (the reason).
    Failed(String),
    /// On this device and on the server.
    Uploaded,
    /// Not on this device: fetched from the server when shown.
    Remote,
}

impl UploadState {
    pub fn code(&self) -> &'static str {
        match self {
            UploadState::Pending => "pending",
            UploadState::Failed(_) => "failed",
            UploadState::Uploaded => "uploaded",
            UploadState::Remote => "remote",
        }
    }
}

pub async fn upload_state(hash: &str) -> UploadState {
    let Some(e) = engine() else {
        return UploadState::Remote;
    };
    let queued = e.store.upload_queue().await.unwrap_or_default();
    match queued.into_iter().find(|(h, _)| h == hash) {
        Some((_, Upload::Pending)) => UploadState::Pending,
        Some((_, Upload::Refused { why, .. })) => UploadState::Failed(why),
        None => match e.store.get_blob(hash).await {
            Ok(Some(_)) => UploadState::Uploaded,
            _ => UploadState::Remote,
        },
    }
}

fn object_url(bytes: &[u8]) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The photo's bytes: from the device, or from the server (then kept on the device).
async fn load(hash: &str, token: Option<String>) -> Option<Vec<u8>> {
    let e = engine()?;
    if let Ok(Some(b)) = e.store.get_blob(hash).await {
        return Some(b);
    }
    let bytes = api::get_blob(&token?, hash).await.ok()??;
    // Only bytes that match their name are kept.
    if sha256_hex(&bytes).await.ok()? != hash {
        return None;
    }
    let _ = e.store.put_blob(hash, &bytes).await;
    Some(bytes)
}

/// A thumbnail with its upload state.
#[component]
pub fn Photo(#[prop(into)] hash: String) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let url = RwSignal::new(None::<String>);
    let state = RwSignal::new(None::<UploadState>);
    let tried = RwSignal::new(false);
    let h = hash.clone();
    // Re-checked after every sync (uploads bump the data version), and loads the image
    // from the server once it is there.
    Effect::new(move |_| {
        app.data_version.track();
        let token = app.session.get_untracked().map(|s| s.token);
        let h = h.clone();
        let need_image = url.get_untracked().is_none();
        leptos::task::spawn_local(async move {
            if need_image {
                let loaded = load(&h, token).await.and_then(|b| object_url(&b));
                let _ = url.try_set(loaded);
                let _ = tried.try_set(true);
            }
            let s = upload_state(&h).await;
            let _ = state.try_set(Some(s));
        });
    });
    on_cleanup(move || {
        if let Some(u) = url.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    let code = move || state.get().map_or("pending", |s| s.code()).to_string();
    view! {
        <figure class="photo" data-testid="photo" data-hash=hash.clone() data-upload=code>
            {move || match url.get() {
                Some(u) => {
                    let href = u.clone();
                    view! { <a href=href target="_blank" rel="noopener"><img src=u alt="" /></a> }.into_any()
                }
                None => view! { <span class="hint">{move || if tried.get() { i18n.t(Key::PhotoNotHere) } else { "…" }}</span> }.into_any(),
            }}
            <figcaption>{move || match state.get() {
                Some(UploadState::Pending) => i18n.t(Key::PhotoPending).to_string(),
                Some(UploadState::Failed(why)) => format!("{} {why}", i18n.t(Key::PhotoFailed)),
                Some(UploadState::Uploaded) | Some(UploadState::Remote) => i18n.t(Key::PhotoUploaded).to_string(),
                None => String::new(),
            }}</figcaption>
        </figure>
    }
}

/// "Take a photo": opens the camera on phones (a file picker elsewhere); every picture is
/// compressed, stored and queued before `on_added` gets its hash.
#[component]
pub fn PhotoPicker(
    on_added: Callback<String>,
    #[prop(into)] testid: String,
    /// What the photo is of ("before", "after"); plain "take a photo" without it.
    #[prop(optional)]
    label: Option<Key>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let changed = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files: Vec<web_sys::File> = input
            .files()
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        busy.set(true);
        leptos::task::spawn_local(async move {
            for f in files {
                match add_photo(&f).await {
                    Ok(hash) => {
                        let _ = error.try_set(None);
                        on_added.run(hash);
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e.to_string()));
                    }
                }
            }
            // The same picture may be picked again (a retake).
            input.set_value("");
            let _ = busy.try_set(false);
        });
    };
    view! {
        <div class="photo-picker">
            <label class="button">
                <span>{move || if busy.get() { i18n.t(Key::PhotoSaving) } else { i18n.t(label.unwrap_or(Key::PhotoTake)) }}</span>
                <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                    data-testid=testid on:change=changed />
            </label>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_scaled_down_to_1600_px_on_the_long_side_and_never_up() {
        assert_eq!(fitted(3000, 2000), (1600, 1067));
        assert_eq!(fitted(2000, 4000), (800, 1600));
        assert_eq!(fitted(1200, 900), (1200, 900));
        assert_eq!(fitted(1600, 1600), (1600, 1600));
        assert_eq!(fitted(100_000, 1), (1600, 1));
    }
}
