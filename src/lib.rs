//! 管家 Guanjia — the field app (Leptos CSR, built to wasm with trunk, installed as a PWA).
//!
//! Layers, one direction (checked by `cargo xtask layers`): `app → pages → ui → model →
//! offline → platform`, all on `guanjia_core`. A user action → [`offline::engine::Engine::record`]
//! (core replica + one strict IndexedDB transaction) → [`offline::sync`] pushes the outbox and
//! pulls new events whenever the server answers → screens read folded rows ([`model`]).

pub mod app;
pub mod model;
pub mod offline;
pub mod pages;
pub mod platform;
pub mod ui;

pub use app::App;

/// The app's version, shown on the home page.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
