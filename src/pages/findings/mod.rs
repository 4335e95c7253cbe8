//! The `/findings` screens.

pub mod detail;
pub mod list;
