//! Typed event payloads: the [`Payload`] trait the app writes every event through, and the
//! small payload shapes several record types share. Each record type's own payloads live
//! with its fold in `records/<type>.rs`.

use crate::ids::EventId;
use serde::{Deserialize, Serialize};

/// A typed event payload: the kind it is written as. The app builds every event through this,
/// so a misspelled kind or field does not compile.
pub trait Payload: Serialize {
    const RECORD_TYPE: &'static str;
    const KIND: &'static str;
}

/// Implements [`Payload`] for every `Type => "kind"` of one record type and lists those kinds
/// as the module's `PAYLOADS`, which the registry (`records::RECORD_TYPES`) carries so a test
/// can prove every kind parses and names its record type.
macro_rules! payloads {
    ($record_type:literal { $($ty:ty => $kind:literal),* $(,)? }) => {
        $(impl $crate::payload::Payload for $ty {
            const RECORD_TYPE: &'static str = $record_type;
            const KIND: &'static str = $kind;
        })*

        /// The typed payloads of this record type: `(record type, kind)` of each.
        pub(crate) const PAYLOADS: &[(&str, &str)] = &[$((
            <$ty as $crate::payload::Payload>::RECORD_TYPE,
            <$ty as $crate::payload::Payload>::KIND,
        )),*];
    };
}
pub(crate) use payloads;

/// Free text the checks accept: not blank, at most 10,000 characters.
pub(crate) fn text_ok(s: &str) -> bool {
    !s.trim().is_empty() && s.chars().count() <= 10_000
}

/// `Ok(())` when `ok`, else `what` as the reason (the dispatcher names the kind).
pub(crate) fn need(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextNote {
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoRef {
    pub sha256: String,
    /// Left out when there is none: the app's intake photos carry no caption key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
}

/// An owner's signature, or why there is none. Absent fields are left out, as the app
/// sends them (`{"sha256"}` or `{"refused_reason"}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Signature {
    /// The signature image (PNG) by hash; absent when the owner refused to sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

/// `<record_type>.conflict_reviewed`: someone looked at a record's conflict (ignored
/// transitions, field writes nobody saw) and settled it. Any record type takes it, so a new
/// record type gets conflict resolution without a mechanism of its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictReviewed {
    /// The conflicting events that were looked at (an ignored transition, or every write
    /// of a conflicting field).
    pub event_ids: Vec<EventId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ConflictReviewed {
    /// The push check of every `<type>.conflict_reviewed`.
    pub(crate) fn check(&self) -> Result<(), String> {
        need(
            !self.event_ids.is_empty() && self.event_ids.len() <= 500,
            "name the conflicting events you looked at (1–500 `event_ids`)",
        )?;
        need(
            self.note.as_deref().is_none_or(text_ok),
            "a note, when given, must be non-empty (at most 10,000 characters)",
        )
    }
}
