//! The `/complaints` screens.

pub mod detail;
pub mod list;
pub mod new;
