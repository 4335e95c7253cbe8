//! Everything that keeps working without a signal: the IndexedDB store, the engine (core
//! replica + store), the sync loop and its tab coordination, photo uploads, the session,
//! unsaved form drafts, the outbox export, an admin's wipe order, and the app-wide state they report into.

pub mod api;
pub mod drafts;
pub mod engine;
pub mod export;
pub mod photos;
pub mod session;
pub mod state;
pub mod store;
pub mod sync;
pub mod tabs;
pub mod wipe;
