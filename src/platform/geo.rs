//! The device's position (Geolocation), only when the person allowed it.

use guanjia_core::records::Position;
use leptos::prelude::*;

/// The latest position fix while a round page is open (only when the person allowed it).
pub fn watch_position() -> RwSignal<Option<Position>> {
    let fix = RwSignal::new(None::<Position>);
    watch_position_into(fix);
    fix
}

/// Keeps `fix` up to date until the current owner is cleaned up.
pub fn watch_position_into(fix: RwSignal<Option<Position>>) {
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        return;
    };
    // Read structurally: browsers name the class GeolocationPosition now, and web-sys's
    // stable `Position` binding looks its getters up on a `Position` class that is gone.
    let ok = wasm_bindgen::closure::Closure::<dyn Fn(wasm_bindgen::JsValue)>::new(
        move |p: wasm_bindgen::JsValue| {
            let get = |o: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok();
            let Some(c) = get(&p, "coords") else { return };
            let num = |k: &str| get(&c, k).and_then(|v| v.as_f64());
            if let (Some(lat), Some(lon), Some(acc)) =
                (num("latitude"), num("longitude"), num("accuracy"))
            {
                let _ = fix.try_set(Some(Position {
                    lat,
                    lon,
                    accuracy_m: acc,
                }));
            }
        },
    );
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_maximum_age(30_000);
    use wasm_bindgen::JsCast;
    // Denied or unavailable: scans are recorded without a position.
    if let Ok(id) = geo.watch_position_with_error_callback_and_options(
        ok.as_ref().unchecked_ref(),
        None,
        &options,
    ) {
        let geo = send_wrapper::SendWrapper::new(geo);
        on_cleanup(move || geo.clear_watch(id));
    }
    ok.forget();
}
