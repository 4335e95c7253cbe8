//! The `/orders` screens.

pub mod detail;
pub mod list;
pub mod new;
