//! What the screens read: folded rows per record type, the clock and calendar, people and
//! "my areas", households, project rules, and saving one user action. No views here.

pub mod clock;
pub mod complaints;
pub mod duty;
pub mod findings;
pub mod households;
pub mod orders;
pub mod patrol;
pub mod people;
pub mod rows;
pub mod rules;
pub mod write;
