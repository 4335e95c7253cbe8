//! The `/duty` screens.

pub mod log;
pub mod posts;
