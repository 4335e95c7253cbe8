//! 管家 Guanjia domain core.
//!
//! Everything the app and the server must agree on lives here, so they cannot drift:
//! the event envelope (sync-protocol §3a), ids, the hybrid logical clock, the fold
//! framework with its merge rules, the record types, payload validation, scope rules and
//! the client-side replica state machine used by the sync loop.
//!
//! This crate does no I/O: no clock reads, no randomness, no storage. Callers pass the time
//! and random bytes in, which is what makes folds deterministic and the model test replayable.

pub mod deadline;
pub mod event;
pub mod fold;
pub mod hlc;
pub mod ids;
pub mod kinds;
pub mod merge;
pub mod payload;
pub mod protocol;
pub mod records;
pub mod reject;
pub mod replica;
pub mod rules;
pub mod scope;

pub use event::{DeviceTime, Event, Kind, OrderKey, RecordType};
pub use fold::{fold_any, AnyRecord, Folded, Record};
pub use hlc::{Hlc, HlcClock};
pub use ids::{AreaId, DeviceId, EventId, IdError, ProjectId, RecordId, UserId};
pub use payload::Payload;
pub use reject::{RejectCode, Rejection};
pub use replica::Draft;
pub use scope::{Principal, Role};
