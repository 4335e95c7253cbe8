//! The `/patrol` screens.

pub mod areas;
pub mod checklist;
pub mod checkpoints;
pub mod compliance;
pub mod print;
pub mod round;
