//! The `/households` screens.

pub mod detail;
pub mod list;
