//! The `/settings` screens.

pub mod device;
pub mod project;
