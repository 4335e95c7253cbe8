//! QR codes for patrol checkpoints: drawn as SVG for the printed labels, read from the
//! camera at each checkpoint — by the browser's `BarcodeDetector` where it exists (Android
//! Chrome), by a pure-Rust decoder (`quircs`) on camera frames elsewhere. Typing the code is
//! always possible (a damaged label, no camera). `qrcodegen` and `quircs` were chosen for the
//! shell's size: ≈ 5 + 10 KiB brotli, where `qrcode` + `rqrr` cost ≈ 12 + 76 KiB (rqrr's
//! GF(256) tables).

use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Modules of white border around the code (the QR standard's quiet zone).
const QUIET: usize = 4;

/// Frames are scaled down to this before decoding: enough for a label at arm's length.
const FRAME_SIDE: u32 = 640;

/// The dark modules of `text`'s QR code (medium error correction, so a scuffed label still
/// reads), row-major `size × size`, quiet zone excluded; `None` when the text does not fit.
pub fn qr_modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let dark = (0..size * size)
        .map(|i| code.get_module(i % size, i / size))
        .collect();
    Some((size as usize, dark))
}

/// The code's dark modules as one SVG path of horizontal runs, and the side of the whole
/// picture in modules (quiet zone included).
pub fn qr_path(text: &str) -> Option<(usize, String)> {
    use std::fmt::Write;
    let (size, dark) = qr_modules(text)?;
    let mut d = String::new();
    for (y, row) in dark.chunks(size).enumerate() {
        let mut x = 0;
        while x < size {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < size && row[x] {
                x += 1;
            }
            // Writing to a String cannot fail.
            let _ = write!(
                d,
                "M{} {}h{}v1h-{}z",
                start + QUIET,
                y + QUIET,
                x - start,
                x - start
            );
        }
    }
    Some((size + 2 * QUIET, d))
}

/// A QR code as crisp SVG (scales to any print size).
#[component]
pub fn QrCode(#[prop(into)] text: String) -> impl IntoView {
    let (side, d) = qr_path(&text).unwrap_or((1, String::new()));
    view! {
        <svg
            data-testid="qr"
            data-text=text
            xmlns="http://www.w3.org/2000/svg"
            viewBox=format!("0 0 {side} {side}")
            shape-rendering="crispEdges"
            role="img"
        >
            <rect width=side height=side fill="#fff"></rect>
            <path d=d fill="#000"></path>
        </svg>
    }
}

/// Reads a QR code from a greyscale picture (0 = black); None when there is none.
pub fn decode_luma(width: usize, height: usize, luma: &[u8]) -> Option<String> {
    if width == 0 || height == 0 || luma.len() < width.checked_mul(height)? {
        return None;
    }
    let mut decoder = quircs::Quirc::default();
    decoder
        .identify(width, height, &luma[..width * height])
        .filter_map(|code| code.ok()?.decode().ok())
        .find_map(|data| String::from_utf8(data.payload).ok())
        .filter(|text| !text.is_empty())
}

/// RGBA → luma (integer Rec. 601 weights).
pub fn rgba_to_luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114) / 1000) as u8)
        .collect()
}

/// The browser's BarcodeDetector for QR codes, when it has one.
fn barcode_detector() -> Option<JsValue> {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"BarcodeDetector".into()).ok()?;
    let ctor: js_sys::Function = ctor.dyn_into().ok()?;
    let opts = js_sys::Object::new();
    let formats = js_sys::Array::of1(&"qr_code".into());
    js_sys::Reflect::set(&opts, &"formats".into(), &formats).ok()?;
    js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&opts)).ok()
}

async fn detect_with(detector: &JsValue, video: &web_sys::HtmlVideoElement) -> Option<String> {
    let detect: js_sys::Function = js_sys::Reflect::get(detector, &"detect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: js_sys::Promise = detect.call1(detector, video).ok()?.dyn_into().ok()?;
    let found = js_sys::Array::from(&JsFuture::from(promise).await.ok()?);
    found.iter().find_map(|b| {
        js_sys::Reflect::get(&b, &"rawValue".into())
            .ok()?
            .as_string()
    })
}

/// One frame through the pure-Rust decoder.
fn decode_frame(
    video: &web_sys::HtmlVideoElement,
    canvas: &web_sys::HtmlCanvasElement,
) -> Option<String> {
    let (vw, vh) = (video.video_width(), video.video_height());
    if vw == 0 || vh == 0 {
        return None;
    }
    let scale = (FRAME_SIDE as f64 / vw.max(vh) as f64).min(1.0);
    let (w, h) = (((vw as f64) * scale) as u32, ((vh as f64) * scale) as u32);
    canvas.set_width(w);
    canvas.set_height(h);
    let cx: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    cx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, w as f64, h as f64)
        .ok()?;
    let data = cx.get_image_data(0.0, 0.0, w as f64, h as f64).ok()?;
    decode_luma(w as usize, h as usize, &rgba_to_luma(&data.data()))
}

fn stop(stream: &Option<web_sys::MediaStream>) {
    if let Some(s) = stream {
        for t in s.get_tracks().iter() {
            if let Ok(t) = t.dyn_into::<web_sys::MediaStreamTrack>() {
                t.stop();
            }
        }
    }
}

/// "Scan": the rear camera full screen until a QR code is read (then `on_code`) or the
/// person cancels. No camera, or permission refused → a message to type the code instead.
#[component]
pub fn QrScanner(on_code: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let video = NodeRef::<leptos::html::Video>::new();
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let session = RwSignal::new(0u32);
    let close = move || {
        session.update(|s| *s += 1);
        stream.update_value(|s| {
            stop(s);
            *s = None;
        });
        open.set(false);
    };
    on_cleanup(move || {
        stream.try_update_value(|s| stop(s));
    });
    let start = move |_| {
        error.set(None);
        let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok())
        else {
            return error.set(Some(i18n.t(Key::ScanNoCamera).to_string()));
        };
        let constraints = web_sys::MediaStreamConstraints::new();
        let video_opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&video_opts, &"facingMode".into(), &"environment".into());
        constraints.set_video(&video_opts);
        let Ok(promise) = devices.get_user_media_with_constraints(&constraints) else {
            return error.set(Some(i18n.t(Key::ScanNoCamera).to_string()));
        };
        open.set(true);
        session.update(|s| *s += 1);
        let mine = session.get_untracked();
        leptos::task::spawn_local(async move {
            let media = match JsFuture::from(promise).await {
                Ok(m) => m.unchecked_into::<web_sys::MediaStream>(),
                Err(_) => {
                    let _ = open.try_set(false);
                    let _ = error.try_set(Some(i18n.t(Key::ScanNoCamera).to_string()));
                    return;
                }
            };
            let Some(v) = video.get_untracked() else {
                stop(&Some(media));
                return;
            };
            v.set_src_object(Some(&media));
            let _ = v.play();
            stream.set_value(Some(media));
            let detector = barcode_detector();
            let canvas: Option<web_sys::HtmlCanvasElement> = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|c| c.dyn_into().ok());
            // A few frames a second: enough to catch a label, light on a phone's battery.
            while session.try_get_untracked() == Some(mine) {
                gloo_timers_sleep(250).await;
                let code = match &detector {
                    Some(d) => detect_with(d, &v).await,
                    None => canvas.as_ref().and_then(|c| decode_frame(&v, c)),
                };
                if let Some(code) = code {
                    if session.try_get_untracked() == Some(mine) {
                        close();
                        on_code.run(code);
                    }
                    break;
                }
            }
        });
    };
    view! {
        <button type="button" class="secondary" data-testid="qr-scan" on:click=start>
            {i18n.text(Key::ScanStart)}
        </button>
        <Show when=move || open.get()>
            <div class="scanner" data-testid="qr-scanner">
                <video node_ref=video autoplay=true muted=true playsinline=true></video>
                <button
                    type="button"
                    class="primary"
                    data-testid="qr-cancel"
                    on:click=move |_| close()
                >
                    {i18n.text(Key::Cancel)}
                </button>
            </div>
        </Show>
        <Show when=move || error.get().is_some()>
            <p class="error" role="alert" data-testid="qr-error">
                {move || error.get().unwrap_or_default()}
            </p>
        </Show>
    }
}

/// Waits `ms` milliseconds (a timer promise; no extra crate).
async fn gloo_timers_sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a camera sees of a printed label, minus the blur: `px` pixels a module.
    fn picture(text: &str, px: usize) -> (usize, Vec<u8>) {
        let (size, dark) = qr_modules(text).unwrap();
        let side = (size + 2 * QUIET) * px;
        let mut luma = vec![255u8; side * side];
        for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
            let (mx, my) = (i % size + QUIET, i / size + QUIET);
            for y in my * px..(my + 1) * px {
                luma[y * side + mx * px..y * side + (mx + 1) * px].fill(20);
            }
        }
        (side, luma)
    }

    #[test]
    fn a_printed_checkpoint_code_reads_back() {
        for text in ["CP-A-01", "CP-B-06", "GATE-E", "checkpoint 东门岗 7"] {
            let (side, luma) = picture(text, 4);
            assert_eq!(decode_luma(side, side, &luma).as_deref(), Some(text));
        }
    }

    #[test]
    fn a_label_in_an_unevenly_lit_frame_is_read() {
        // A 640×360 frame, light falling off from left to right, the label off-centre.
        let (side, label) = picture("CP-A-01", 5);
        let (w, h) = (640usize, 360usize);
        let mut frame = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                let light = 230 - (x * 120 / w) as u32;
                let ink = if (180..180 + side).contains(&x) && (90..90 + side).contains(&y) {
                    label[(y - 90) * side + (x - 180)]
                } else {
                    200
                };
                frame[y * w + x] = (ink as u32 * light / 255) as u8;
            }
        }
        assert_eq!(decode_luma(w, h, &frame).as_deref(), Some("CP-A-01"));
    }

    #[test]
    fn a_picture_without_a_code_reads_nothing() {
        assert_eq!(decode_luma(64, 64, &[255; 64 * 64]), None);
        assert_eq!(decode_luma(0, 0, &[]), None);
        assert_eq!(decode_luma(10, 10, &[0; 5]), None);
    }

    /// The decoder runs on camera frames in a build that aborts on panic, so no frame,
    /// however broken, may make it panic.
    #[test]
    fn damaged_and_noisy_frames_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (side, clean) = picture("CP-A-01", 3);
        for round in 0..400 {
            let mut luma = clean.clone();
            for _ in 0..round % 40 {
                let at = (next() % luma.len() as u64) as usize;
                let len = (next() % 40) as usize;
                let end = (at + len).min(luma.len());
                luma[at..end].fill((next() & 0xff) as u8);
            }
            let _ = decode_luma(side, side, &luma);
            let (w, h) = (1 + next() % 97, 1 + next() % 89);
            let noise: Vec<u8> = (0..w * h).map(|_| (next() & 1) as u8 * 255).collect();
            let _ = decode_luma(w as usize, h as usize, &noise);
        }
    }

    #[test]
    fn the_svg_path_draws_every_dark_module_inside_the_quiet_zone() {
        let (side, d) = qr_path("CP-A-01").unwrap();
        // Version 1: 21 modules plus four light ones each side.
        assert_eq!(side, 29);
        assert!(d.starts_with("M4 4h7v1h-7z"), "the finder's top row: {d}");
        let (_, dark) = qr_modules("CP-A-01").unwrap();
        let drawn: usize = d
            .split('M')
            .skip(1)
            .map(|run| {
                run.split('h')
                    .nth(1)
                    .unwrap()
                    .split('v')
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum();
        assert_eq!(drawn, dark.iter().filter(|d| **d).count());
    }

    #[test]
    fn too_long_a_text_has_no_code() {
        assert!(qr_path(&"x".repeat(3000)).is_none());
    }

    #[test]
    fn colour_frames_turn_into_luma() {
        assert_eq!(
            rgba_to_luma(&[255, 255, 255, 255, 0, 0, 0, 255]),
            vec![255, 0]
        );
    }
}
