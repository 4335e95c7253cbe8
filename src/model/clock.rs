//! The one clock and calendar of the screens: project-local now, a minute clock for
//! countdowns, today, and times as the project's calendar shows them.

use crate::platform::now_ms;
use guanjia_core::deadline::WorkCalendar;
use leptos::prelude::*;

/// The device's local calendar day.
pub fn today() -> chrono::NaiveDate {
    let d = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .unwrap_or_default()
}

/// Local "HH:MM" of an RFC 3339 time.
pub fn clock_time(rfc3339: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

pub fn calendar() -> WorkCalendar {
    crate::model::rules::rules().home().calendar.clone()
}

/// Project-local now.
pub fn local_now() -> chrono::NaiveDateTime {
    calendar().local_ms(now_ms() as i64).unwrap_or_default()
}

/// A minute clock for countdowns (re-renders every 30 s while the page is open).
pub fn minute_clock() -> RwSignal<chrono::NaiveDateTime> {
    let now = RwSignal::new(local_now());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(local_now()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    now
}

/// An appointment as `datetime-local` gives it (project-local "2026-11-23T09:30"), stored in
/// RFC 3339 with the project calendar's offset.
pub fn appointment_time(typed: &str) -> Option<String> {
    let t = chrono::NaiveDateTime::parse_from_str(typed, "%Y-%m-%dT%H:%M").ok()?;
    let m = calendar().utc_offset_minutes;
    let sign = if m < 0 { '-' } else { '+' };
    Some(format!(
        "{}{sign}{:02}:{:02}",
        t.format("%Y-%m-%dT%H:%M:%S"),
        m.abs() / 60,
        m.abs() % 60
    ))
}
