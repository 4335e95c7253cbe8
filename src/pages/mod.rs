//! One module per route (`pages/<feature>/<screen>.rs`). A page never imports another page:
//! what two screens share lives in `ui`, `model` or `offline`.

pub mod complaints;
pub mod duty;
pub mod findings;
pub mod households;
pub mod inbox;
pub mod login;
pub mod not_found;
pub mod orders;
pub mod patrol;
pub mod settings;
pub mod today;
