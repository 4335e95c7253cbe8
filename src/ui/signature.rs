//! The owner's signature on a repair order: a pad drawn with finger or stylus (pointer
//! events), turned into a PNG blob when confirmed. Storing and uploading it is the photo
//! pipeline's job (`photos`), so a signature is kept and synced like any photo.

use crate::ui::i18n::{use_i18n, Key};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Canvas coordinates of a pointer event (the canvas is scaled by CSS).
fn point(canvas: &web_sys::HtmlCanvasElement, ev: &web_sys::PointerEvent) -> (f64, f64) {
    let r = canvas.get_bounding_client_rect();
    let sx = canvas.width() as f64 / r.width().max(1.0);
    let sy = canvas.height() as f64 / r.height().max(1.0);
    (
        (ev.client_x() as f64 - r.left()) * sx,
        (ev.client_y() as f64 - r.top()) * sy,
    )
}

fn clear(canvas: &web_sys::HtmlCanvasElement) {
    if let Some(cx) = context(canvas) {
        // White, not transparent: the PNG must read the same on any background.
        cx.set_fill_style_str("#fff");
        cx.fill_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        cx.set_stroke_style_str("#111");
        cx.set_line_width(4.0);
        cx.set_line_cap("round");
        cx.set_line_join("round");
    }
}

/// PNG bytes of the canvas.
async fn png(canvas: &web_sys::HtmlCanvasElement) -> Result<Vec<u8>, String> {
    let (tx, rx) = futures::channel::oneshot::channel::<Option<web_sys::Blob>>();
    let tx = Rc::new(Cell::new(Some(tx)));
    let done = Closure::<dyn Fn(Option<web_sys::Blob>)>::new(move |b: Option<web_sys::Blob>| {
        if let Some(tx) = tx.take() {
            let _ = tx.send(b);
        }
    });
    canvas
        .to_blob(done.as_ref().unchecked_ref())
        .map_err(|e| format!("{e:?}"))?;
    let blob = rx.await.ok().flatten().ok_or("the browser gave no image")?;
    drop(done);
    let buf = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// The pad; `on_signed` gets the PNG bytes once the owner has drawn and it is confirmed.
#[component]
pub fn SignaturePad(on_signed: Callback<Vec<u8>>) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drawing = RwSignal::new(false);
    let strokes = RwSignal::new(0u32);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            clear(&c);
        }
    });
    let down = move |ev: web_sys::PointerEvent| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        ev.prevent_default();
        let _ = c.set_pointer_capture(ev.pointer_id());
        let (x, y) = point(&c, &ev);
        if let Some(cx) = context(&c) {
            cx.begin_path();
            cx.move_to(x, y);
            cx.line_to(x + 0.1, y + 0.1);
            cx.stroke();
        }
        drawing.set(true);
        strokes.update(|s| *s += 1);
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        let (x, y) = point(&c, &ev);
        if let Some(cx) = context(&c) {
            cx.line_to(x, y);
            cx.stroke();
        }
    };
    let up = move |_| drawing.set(false);
    let confirm = move |_| {
        let Some(c) = canvas.get_untracked() else {
            return;
        };
        if strokes.get_untracked() == 0 {
            return error.set(Some(i18n.t(Key::SignatureEmpty).to_string()));
        }
        leptos::task::spawn_local(async move {
            match png(&c).await {
                Ok(bytes) => {
                    error.set(None);
                    on_signed.run(bytes);
                }
                Err(e) => {
                    // The browser's reason is for support; the person reads what to do.
                    leptos::logging::warn!("signature image failed: {e}");
                    error.set(Some(i18n.t(Key::SignatureFailed).to_string()))
                }
            }
        });
    };
    view! {
        <div class="signature" data-testid="signature-pad">
            <canvas
                node_ref=canvas
                width="600"
                height="240"
                data-testid="signature-canvas"
                on:pointerdown=down
                on:pointermove=moved
                on:pointerup=up
                on:pointercancel=up
                on:pointerleave=up
            ></canvas>
            <div class="row">
                <button
                    type="button"
                    class="small"
                    data-testid="signature-clear"
                    on:click=move |_| {
                        if let Some(c) = canvas.get_untracked() {
                            clear(&c);
                        }
                        strokes.set(0);
                    }
                >
                    {i18n.text(Key::SignatureClear)}
                </button>
                <button
                    type="button"
                    class="primary"
                    data-testid="signature-confirm"
                    on:click=confirm
                >
                    {i18n.text(Key::SignatureConfirm)}
                </button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}
