//! Photos (and signatures) on the device, sync-protocol §3: taken with the camera or picked,
//! compressed in the browser to ≤ 1600 px JPEG, stored in IndexedDB under their SHA-256
//! together with an upload-queue row (one transaction), uploaded by hash when the server
//! answers, shown from the device — or fetched once from the server and kept.
//!
//! Events refer to photos by hash only, so an event may reach the server before its photo;
//! the queue survives reloads and resumes on every sync.

use crate::offline::api;
use crate::offline::api::ApiError;
use crate::offline::engine::engine;
use crate::offline::store::Upload;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The longest side of a stored photo: enough to read a crack or a meter, ~200–400 KB.
pub const MAX_SIDE: u32 = 1600;

pub const JPEG_QUALITY: f64 = 0.8;

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

pub fn js_err(e: JsValue) -> String {
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

pub async fn blob_bytes(blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
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
/// The refusal reason of a photo whose bytes no longer match their hash (the screens say it
/// in the user's language; the server's own reasons are shown as it gave them).
pub const DAMAGED: &str = "damaged";

pub const RETRY_REFUSED_MS: u64 = 60 * 60 * 1000;

/// Uploads every queued photo (HEAD first: the same photo is never sent twice). Stops at
/// the first network failure (the rest wait for the next sync); a photo the server refuses
/// is marked with the reason, does not block the others and is offered again after
/// [`RETRY_REFUSED_MS`]. Bytes that no longer match their name (a damaged disk) are never
/// sent, so the server cannot be handed a wrong picture under a right name.
pub async fn upload_pending(token: &str) -> Result<usize, ApiError> {
    let Some(e) = engine() else { return Ok(0) };
    let store_err = |err: crate::offline::store::StoreError| ApiError::Network(err.to_string());
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
            e.store
                .set_upload(&hash, Some(&refuse(DAMAGED.to_string())))
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
pub async fn queued() -> Result<usize, crate::offline::store::StoreError> {
    match engine() {
        Some(e) => Ok(e.store.upload_queue().await?.len()),
        None => Ok(0),
    }
}

/// After the server was restored from a backup (a new epoch), photos it had confirmed may be
/// gone: every photo on the device is asked about again (HEAD), and sent again if missing.
pub async fn requeue_local() -> Result<usize, crate::offline::store::StoreError> {
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
