//! Photo thumbnails (from the device, else the server) and the photo picker.

use crate::offline::api;
use crate::offline::engine::engine;
use crate::offline::photos::{add_photo, sha256_hex, upload_state, UploadState, DAMAGED};
use crate::offline::state::use_app;
use crate::ui::action::{Action, ErrorLine, Problem};
use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub fn object_url(bytes: &[u8]) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("image/jpeg");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The photo's bytes: from the device, or from the server (then kept on the device).
pub async fn load(hash: &str, token: Option<String>) -> Option<Vec<u8>> {
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
                    view! {
                        <a href=href target="_blank" rel="noopener">
                            <img src=u alt="" />
                        </a>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <span class="hint">
                            {move || if tried.get() { i18n.t(Key::PhotoNotHere) } else { "…" }}
                        </span>
                    }
                        .into_any()
                }
            }}
            <figcaption>
                {move || match state.get() {
                    Some(UploadState::Pending) => i18n.t(Key::PhotoPending).to_string(),
                    Some(UploadState::Failed(why)) if why == DAMAGED => {
                        format!("{} {}", i18n.t(Key::PhotoFailed), i18n.t(Key::PhotoDamaged))
                    }
                    Some(UploadState::Failed(why)) => format!("{} {why}", i18n.t(Key::PhotoFailed)),
                    Some(UploadState::Uploaded) | Some(UploadState::Remote) => {
                        i18n.t(Key::PhotoUploaded).to_string()
                    }
                    None => String::new(),
                }}
            </figcaption>
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
    let problem = Action::new();
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
                    Ok(hash) => on_added.run(hash),
                    Err(e) => problem.fail(Problem::Photo(e)),
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
                <span>
                    {move || {
                        if busy.get() {
                            i18n.t(Key::PhotoSaving)
                        } else {
                            i18n.t(label.unwrap_or(Key::PhotoTake))
                        }
                    }}
                </span>
                <input
                    type="file"
                    accept="image/*"
                    capture="environment"
                    class="visually-hidden"
                    data-testid=testid
                    on:change=changed
                />
            </label>
            <ErrorLine action=problem />
        </div>
    }
}

/// A set of photos being gathered for one record: the picker and the thumbnails so far (a
/// photo picked twice is kept once).
#[component]
pub fn PhotoSet(photos: RwSignal<Vec<String>>, #[prop(into)] testid: String) -> impl IntoView {
    view! {
        <PhotoPicker
            testid=testid
            on_added=Callback::new(move |h: String| {
                photos
                    .update(|p| {
                        if !p.contains(&h) {
                            p.push(h)
                        }
                    })
            })
        />
        <div class="photos">
            {move || {
                photos.get().into_iter().map(|h| view! { <Photo hash=h /> }).collect_view()
            }}
        </div>
    }
}
