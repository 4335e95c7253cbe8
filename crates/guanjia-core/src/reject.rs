//! Why the server refused an event: the one answer the device shows for every check
//! (payload, clock, scope), so it lives apart from any of them.

use serde::{Deserialize, Serialize};

/// Why the server refused one event. Permanent: the device shows it and moves on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    Forbidden,
    Invalid,
    ClockSkew,
    Immutable,
}

impl RejectCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCode::Forbidden => "forbidden",
            RejectCode::Invalid => "invalid",
            RejectCode::ClockSkew => "clock_skew",
            RejectCode::Immutable => "immutable",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
