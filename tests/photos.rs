//! In-browser tests of the photo pipeline: compression to ≤ 1600 px JPEG, storage with the
//! upload row, upload by hash against a fake server (window.fetch replaced) that first is
//! unreachable, then answers.
//! `cargo test -p guanjia --target wasm32-unknown-unknown --test photos`.
#![cfg(target_arch = "wasm32")]

use guanjia::offline::photos;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r##"
export async function picture(w, h) {
  const c = document.createElement("canvas");
  c.width = w; c.height = h;
  const cx = c.getContext("2d");
  const g = cx.createLinearGradient(0, 0, w, h);
  g.addColorStop(0, "#c33"); g.addColorStop(1, "#33c");
  cx.fillStyle = g; cx.fillRect(0, 0, w, h);
  cx.fillStyle = "#fff"; cx.font = "200px sans-serif"; cx.fillText("3幢 漏水", 100, h / 2);
  return await new Promise((r) => c.toBlob(r, "image/png"));
}
export async function size_of(bytes) {
  const bmp = await createImageBitmap(new Blob([bytes]));
  return [bmp.width, bmp.height];
}
export function install_blob_server() {
  const real = window.fetch;
  const fake = { blobs: new Map(), puts: 0, heads: 0, offline: true, real };
  window.__blobServer = fake;
  window.fetch = async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    if (fake.offline) throw new TypeError("Failed to fetch");
    const url = new URL(req.url, location.href);
    const hash = url.pathname.split("/").pop();
    if (req.method === "HEAD") {
      fake.heads += 1;
      return new Response(null, { status: fake.blobs.has(hash) ? 200 : 404 });
    }
    if (req.method === "PUT") {
      if (fake.refuse) {
        return new Response(JSON.stringify({ code: "too_large", message: "photo too large" }),
          { status: 413, headers: { "Content-Type": "application/json" } });
      }
      fake.puts += 1;
      fake.blobs.set(hash, new Uint8Array(await req.arrayBuffer()));
      return new Response(null, { status: 201 });
    }
    return new Response("{}", { status: 404 });
  };
}
export function go_online() { window.__blobServer.offline = false; }
export function set_refuse(on) { window.__blobServer.refuse = on; }
export function forget_all() { window.__blobServer.blobs.clear(); }
export function server_has(hash) { return window.__blobServer.blobs.get(hash) || null; }
export function puts() { return window.__blobServer.puts; }
export function uninstall_blob_server() { window.fetch = window.__blobServer.real; }
"##)]
extern "C" {
    async fn picture(w: u32, h: u32) -> JsValue;
    async fn size_of(bytes: &[u8]) -> JsValue;
    fn install_blob_server();
    fn go_online();
    fn set_refuse(on: bool);
    fn forget_all();
    fn server_has(hash: &str) -> Option<Vec<u8>>;
    fn puts() -> u32;
    fn uninstall_blob_server();
}

async fn engine(name: &str) -> std::rc::Rc<guanjia::offline::engine::Engine> {
    let db = format!("guanjia-test-photos-{name}-{}", js_sys::Date::now());
    guanjia::offline::engine::init(&db).await.unwrap()
}

async fn dims(bytes: &[u8]) -> (u32, u32) {
    let a = js_sys::Array::from(&size_of(bytes).await);
    (
        a.get(0).as_f64().unwrap() as u32,
        a.get(1).as_f64().unwrap() as u32,
    )
}

#[wasm_bindgen_test]
async fn a_big_photo_is_stored_as_a_1600_px_jpeg_under_its_hash_and_queued_once() {
    let e = engine("compress").await;
    let blob: web_sys::Blob = picture(3000, 2000).await.unchecked_into();
    let hash = photos::add_photo(&blob).await.unwrap();

    let bytes = e.store.get_blob(&hash).await.unwrap().expect("stored");
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    assert_eq!(dims(&bytes).await, (1600, 1067));
    assert_eq!(photos::sha256_hex(&bytes).await.unwrap(), hash);
    assert_eq!(hash.len(), 64);

    // The same bytes again (a retake that came out identical): still one upload.
    assert_eq!(photos::keep(&bytes).await.unwrap(), hash);
    let queue = e.store.upload_queue().await.unwrap();
    assert_eq!(
        queue,
        vec![(hash.clone(), guanjia::offline::store::Upload::Pending)]
    );
    assert_eq!(
        photos::upload_state(&hash).await,
        photos::UploadState::Pending
    );

    // Not a picture: a clear error, nothing stored.
    let text =
        web_sys::Blob::new_with_str_sequence(&js_sys::Array::of1(&"not a photo".into())).unwrap();
    let err = photos::add_photo(&text).await.unwrap_err();
    assert_eq!(err, photos::PhotoError::NotAnImage);
    assert_eq!(e.store.upload_queue().await.unwrap().len(), 1);
}

#[wasm_bindgen_test]
async fn uploads_wait_for_the_network_then_send_each_photo_once() {
    let e = engine("upload").await;
    let small: web_sys::Blob = picture(800, 600).await.unchecked_into();
    let hash = photos::add_photo(&small).await.unwrap();
    let bytes = e.store.get_blob(&hash).await.unwrap().unwrap();
    assert_eq!(
        dims(&bytes).await,
        (800, 600),
        "small photos are not enlarged"
    );

    install_blob_server();
    let offline = photos::upload_pending("fake-token").await;
    assert!(
        matches!(offline, Err(guanjia::offline::api::ApiError::Network(_))),
        "{offline:?}"
    );
    assert_eq!(
        e.store.upload_queue().await.unwrap().len(),
        1,
        "still queued"
    );

    go_online();
    assert_eq!(photos::upload_pending("fake-token").await.unwrap(), 1);
    assert_eq!(
        server_has(&hash).as_deref(),
        Some(&bytes[..]),
        "the exact bytes"
    );
    assert!(e.store.upload_queue().await.unwrap().is_empty());
    assert_eq!(
        photos::upload_state(&hash).await,
        photos::UploadState::Uploaded
    );
    assert_eq!(puts(), 1);

    // Queued again (picked a second time): the server has it, so no second upload.
    photos::keep(&bytes).await.unwrap();
    assert_eq!(photos::upload_pending("fake-token").await.unwrap(), 1);
    assert_eq!(puts(), 1, "HEAD found it; nothing sent twice");
    uninstall_blob_server();
}

#[wasm_bindgen_test]
async fn refused_photos_are_offered_again_after_an_hour_damaged_ones_never_and_a_restore_requeues_every_photo(
) {
    use guanjia::offline::store::Upload;
    let e = engine("retry").await;
    let pic: web_sys::Blob = picture(400, 300).await.unchecked_into();
    let hash = photos::add_photo(&pic).await.unwrap();
    install_blob_server();
    go_online();
    set_refuse(true);

    // Refused: kept with the reason, shown as such, and counted as not on the server.
    assert_eq!(photos::upload_pending("t").await.unwrap(), 0);
    assert!(matches!(
        photos::upload_state(&hash).await,
        photos::UploadState::Failed(why) if why == "photo too large"
    ));
    assert_eq!(photos::queued().await.unwrap(), 1);

    // Within the hour it is not offered again, even once the server would take it.
    set_refuse(false);
    assert_eq!(photos::upload_pending("t").await.unwrap(), 0);
    assert_eq!(puts(), 0);

    // An hour later it is.
    let hour_ago = js_sys::Date::now() as u64 - photos::RETRY_REFUSED_MS - 1;
    let old = Upload::Refused {
        at_ms: hour_ago,
        why: "photo too large".into(),
    };
    e.store.set_upload(&hash, Some(&old)).await.unwrap();
    assert_eq!(photos::upload_pending("t").await.unwrap(), 1);
    assert_eq!(photos::queued().await.unwrap(), 0);
    assert_eq!(puts(), 1);

    // Bytes that no longer match their name are never sent.
    let wrong = "0".repeat(64);
    e.store
        .put_photo(&wrong, b"not what the name says")
        .await
        .unwrap();
    assert_eq!(photos::upload_pending("t").await.unwrap(), 0);
    assert!(server_has(&wrong).is_none());
    assert!(matches!(
        photos::upload_state(&wrong).await,
        photos::UploadState::Failed(_)
    ));
    e.store.set_upload(&wrong, None).await.unwrap();
    e.store.delete_blob(&wrong).await.unwrap();

    // The server is restored from a backup that predates the photo: every photo on the
    // device is asked about again and the missing one is sent again.
    forget_all();
    assert_eq!(photos::requeue_local().await.unwrap(), 1);
    assert_eq!(photos::upload_pending("t").await.unwrap(), 1);
    assert!(server_has(&hash).is_some());
    assert_eq!(puts(), 2);
    uninstall_blob_server();
}
