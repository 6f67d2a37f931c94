//! The two ids a command carries: which incident it is for, and which
//! command it is. Both are UUIDs on the wire; in Rust they are distinct
//! types, so that one cannot be passed where the other is meant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

/// UUIDs on the wire are the 36-character hyphenated form only, which every
/// JSON Schema `uuid` format checker accepts.
pub(crate) fn parse_uuid(s: &str) -> Result<Uuid, String> {
    if s.len() != 36 {
        return Err(format!(
            "`{}` is not a UUID (8-4-4-4-12 hex digits)",
            s.chars().take(64).collect::<String>()
        ));
    }
    Uuid::try_parse(s).map_err(|_| format!("`{s}` is not a UUID (8-4-4-4-12 hex digits)"))
}

/// Text that is not an id: not the 36-character hyphenated UUID form
/// (8-4-4-4-12 hex digits), the only form the wire contract allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIdError {
    message: String,
}

impl fmt::Display for ParseIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseIdError {}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            /// The id with this UUID (usable in a `const`).
            pub const fn new(uuid: Uuid) -> Self {
                $name(uuid)
            }

            /// The UUID, for storage or APIs that take one.
            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                $name(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            /// The hyphenated lower-case form, as the wire carries it.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;
            /// The hyphenated form only (either case), as on the wire.
            fn from_str(s: &str) -> Result<Self, ParseIdError> {
                parse_uuid(s).map($name).map_err(|message| ParseIdError { message })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // A string in every format, since a string is all that
                // reads back; encoded on the stack, not through `fmt`.
                let mut text = Uuid::encode_buffer();
                serializer.serialize_str(self.0.hyphenated().encode_lower(&mut text))
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::time::parse_str(deserializer, parse_uuid).map($name)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            // The wire shape is a UUID's: the same inline schema, so the
            // published schemas did not change when the ids got their types.
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                <Uuid as schemars::JsonSchema>::schema_name()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                <Uuid as schemars::JsonSchema>::json_schema(generator)
            }
        }
    };
}

id_type! {
    /// Which incident: the `incident_id` of every command, chosen by whoever
    /// declares it.
    ///
    /// A distinct type from [`CommandId`], though both are UUIDs, so that
    /// the two cannot be swapped. It reads and writes the hyphenated form
    /// only.
    ///
    /// ```
    /// use incident_playbook::{IncidentId, Uuid};
    /// let id: IncidentId = "e2181857-7398-5cf2-aad9-acc3150b8632".parse().unwrap();
    /// assert_eq!(id.to_string(), "e2181857-7398-5cf2-aad9-acc3150b8632");
    /// assert_eq!(IncidentId::from(*id.as_uuid()), id);
    /// // The simple and braced forms are no ids on the wire.
    /// assert!("e2181857739853cf2aad9acc3150b8632".parse::<IncidentId>().is_err());
    /// assert_eq!(serde_json::to_string(&id).unwrap(), r#""e2181857-7398-5cf2-aad9-acc3150b8632""#);
    /// const FIRST: IncidentId = IncidentId::new(Uuid::from_u128(1));
    /// assert_eq!(FIRST.to_string(), "00000000-0000-0000-0000-000000000001");
    /// ```
    ///
    /// Swapped ids do not compile:
    ///
    /// ```compile_fail
    /// use incident_playbook::{Command, CommandId, IncidentId, Timestamp, Uuid};
    /// let incident = IncidentId::new(Uuid::from_u128(1));
    /// let command = CommandId::new(Uuid::from_u128(2));
    /// let at: Timestamp = "2026-05-04T09:05:00Z".parse().unwrap();
    /// Command::new(command, incident, at, incident_playbook::CommandBody::Close);
    /// ```
    IncidentId
}

id_type! {
    /// Which command: the `command_id` a sender gives each command, unique
    /// per incident, by which a command sent twice is applied once.
    ///
    /// A distinct type from [`IncidentId`], though both are UUIDs, so that
    /// the two cannot be swapped. It reads and writes the hyphenated form
    /// only.
    ///
    /// ```
    /// use incident_playbook::CommandId;
    /// let id: CommandId = serde_json::from_str(r#""8F6383A5-2B74-5D87-8864-571D8340A53B""#).unwrap();
    /// assert_eq!(id.to_string(), "8f6383a5-2b74-5d87-8864-571d8340a53b");
    /// assert!(serde_json::from_str::<CommandId>(r#""{8f6383a5-2b74-5d87-8864-571d8340a53b}""#).is_err());
    /// ```
    CommandId
}
