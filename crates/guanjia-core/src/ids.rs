//! Id newtypes. Records, events, users, projects and areas are UUIDv7 (time-ordered, created
//! offline on devices); a device id is any UUID because browsers may mint it before we do.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("`{0}` is not a UUID; send ids as hyphenated UUID strings")]
    NotUuid(String),
    #[error("`{0}` is not a version-7 UUID; generate ids with UUIDv7 so they sort by time")]
    NotV7(String),
}

fn parse_uuid(s: &str) -> Result<Uuid, IdError> {
    Uuid::try_parse(s).map_err(|_| IdError::NotUuid(s.chars().take(64).collect()))
}

macro_rules! uuid7_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Checks that `s` is a hyphenated version-7 UUID.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                let u = parse_uuid(s)?;
                if u.get_version_num() != 7 {
                    return Err(IdError::NotV7(s.to_string()));
                }
                Ok(Self(u))
            }

            /// Builds a UUIDv7 from a Unix time in milliseconds and 10 random bytes supplied by
            /// the caller (the core does no I/O, so it cannot draw randomness itself).
            pub fn from_parts(unix_ms: u64, random: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid())
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

uuid7_id!(
    /// The id of one event; also the idempotency key of a push.
    EventId
);
uuid7_id!(
    /// The id of one record (a repair order, a duty log, a household…).
    RecordId
);
uuid7_id!(
    /// A person who signs in.
    UserId
);
uuid7_id!(
    /// A residential project (小区).
    ProjectId
);
uuid7_id!(
    /// An area (片区) inside a project.
    AreaId
);

/// A browser profile or server process that authors events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DeviceId(Uuid);

impl DeviceId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let u = parse_uuid(s)?;
        if u.is_nil() {
            return Err(IdError::NotUuid(s.to_string()));
        }
        Ok(Self(u))
    }

    pub fn from_uuid(u: Uuid) -> Self {
        Self(u)
    }

    /// A random (v4-shaped) device id built from caller-supplied random bytes.
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(uuid::Builder::from_random_bytes(bytes).into_uuid())
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for DeviceId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl<'de> Deserialize<'de> for DeviceId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_built_from_parts_round_trips_through_its_text_form() {
        let id = EventId::from_parts(1_763_787_600_000, [7; 10]);
        assert_eq!(EventId::parse(&id.to_string()), Ok(id));
    }

    #[test]
    fn a_v4_uuid_is_refused_as_an_event_id_with_a_hint() {
        let err = EventId::parse("2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c").unwrap_err();
        assert!(matches!(err, IdError::NotV7(_)));
        assert!(err.to_string().contains("UUIDv7"));
    }

    #[test]
    fn garbage_is_refused_as_an_id() {
        assert!(matches!(
            RecordId::parse("not-a-uuid"),
            Err(IdError::NotUuid(_))
        ));
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let a = RecordId::from_parts(1000, [255; 10]);
        let b = RecordId::from_parts(1001, [0; 10]);
        assert!(a < b);
    }

    #[test]
    fn a_device_id_may_be_any_non_nil_uuid() {
        assert!(DeviceId::parse("2f1b7a3c-5d1e-4f7a-9b2c-0d3e4f5a6b7c").is_ok());
        assert!(DeviceId::parse("00000000-0000-0000-0000-000000000000").is_err());
    }
}
