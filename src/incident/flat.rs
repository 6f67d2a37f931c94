//! A line read as one flat object: every field of every command type.
//!
//! A flat struct deserializes in one pass without buffering (serde's
//! internally tagged enums buffer the whole object first); the `type` then
//! decides which fields belong (see the command table in `command/mod.rs`).
//!
//! [`Flat`] is filled in place rather than returned: it holds every command
//! type's fields (about a kilobyte), and serde's derived reader moved it
//! through four `Result`s per line, a tenth of a replay's instructions.
//! [`flat!`] lists each field once, with its wire name, its type and how it
//! is read, and generates the struct, the key matching and the reader, and
//! [`FlatRef`], the same fields borrowed for writing.

use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeSeed, Error, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::comms::UpdateInput;
use crate::exception::ExceptionInput;
use crate::impact::ImpactInput;
use crate::incident::command::CommandKind;
use crate::incident::id::{CommandId, IncidentId};
use crate::incident::records::LinkRelation;
use crate::mitigation::{MitigationInput, MitigationOutcome, MitigationPurpose};
use crate::percent::Percent;
use crate::postmortem::PostmortemInput;
use crate::roles::{Role, RolesInput};
use crate::severity::Severity;
use crate::time::Timestamp;
use crate::triage::TriageCheck;
use crate::verification::Verification;
use crate::whole::Beyond;

/// A field that distinguishes absent (`None`) from `null` (`Some(None)`), so
/// that a field of another command type is refused even when `null`.
pub(super) type Field<T> = Option<Option<T>>;

macro_rules! flat {
    ($( $field:ident $wire:literal : $t:ty = $read:ident, )*) => {
        /// Every field of every command type, as the line gave it: the
        /// envelope's as `Option`, a body's as [`Field`].
        #[derive(Default)]
        pub(super) struct Flat {
            $( pub(super) $field: flat!(@slot $read $t), )*
        }

        /// Every field of a command as it is written: a reference to each
        /// that is set, in the order the table lists them.
        #[derive(Serialize)]
        pub(super) struct FlatRef<'a> {
            $(
                #[serde(rename = $wire, skip_serializing_if = "Option::is_none")]
                pub(super) $field: Option<&'a $t>,
            )*
        }

        impl FlatRef<'_> {
            /// No field set.
            pub(super) fn empty() -> Self {
                FlatRef { $( $field: None, )* }
            }
        }

        /// The wire names, for serde's "expected one of" list.
        pub(super) const FIELDS: &[&str] = &[$($wire),*];

        /// A field of [`Flat`], named by its key.
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy)]
        enum Key {
            $($field),*
        }

        impl Key {
            fn of<E: Error>(name: &str) -> Result<Key, E> {
                match name {
                    $($wire => Ok(Key::$field),)*
                    other => Err(E::unknown_field(other, FIELDS)),
                }
            }

            fn name(self) -> &'static str {
                match self {
                    $(Key::$field => $wire,)*
                }
            }
        }

        impl Flat {
            /// Reads `key`'s value from `map` into its field.
            fn read_value<'de, A: MapAccess<'de>>(
                &mut self,
                key: Key,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match key {
                    $(Key::$field => self.$field = map.next_value::<$read<$t>>()?.0,)*
                }
                Ok(())
            }

            /// The first field still holding a value (present, even
            /// `null`): once a command's fields are taken, one it does not
            /// have.
            pub(super) fn first_present(&self) -> Option<&'static str> {
                $(
                    if self.$field.is_some() {
                        return Some($wire);
                    }
                )*
                None
            }
        }
    };
    // What a reader leaves in `Flat`: the envelope's readers keep one
    // `Option`, a body field's tells absent from `null`.
    (@slot Plain $t:ty) => { Option<$t> };
    (@slot Id $t:ty) => { Option<$t> };
    (@slot Version $t:ty) => { Option<$t> };
    (@slot Sender $t:ty) => { Option<$t> };
    (@slot $read:ident $t:ty) => { Field<$t> };
}

// Each wire field once: its key, its type, how it is read. The order is
// the order a command is written in (golden files and stored histories
// compare bytes), and the order in which a field a command does not have
// is found.
flat! {
    kind "type": CommandKind = Plain,
    incident_id "incident_id": IncidentId = Id,
    command_id "command_id": CommandId = Id,
    at "at": Timestamp = Plain,
    expected_version "expected_version": u64 = Version,
    by "by": Arc<str> = Sender,
    title "title": Arc<str> = Shared,
    severity "severity": Severity = Present,
    reason "reason": Arc<str> = Shared,
    role "role": Role = Present,
    person "person": Arc<str> = Shared,
    check "check": TriageCheck = Present,
    finding "finding": Box<str> = Shared,
    text "text": Box<str> = Shared,
    endpoint "endpoint": Arc<str> = Shared,
    impact "impact": ImpactInput = Present,
    roles "roles": RolesInput = Present,
    mitigation "mitigation": MitigationInput = Present,
    verification "verification": Verification = Present,
    exceptions "exceptions": Vec<ExceptionInput> = Present,
    postmortem "postmortem": PostmortemInput = Present,
    update "update": UpdateInput = Present,
    number "number": u64 = PresentWhole,
    outcome "outcome": MitigationOutcome = Present,
    note "note": Arc<str> = Shared,
    detected_at "detected_at": Timestamp = Present,
    occurred_at "occurred_at": Timestamp = Present,
    purpose "purpose": MitigationPurpose = Present,
    temporary "temporary": bool = Present,
    percent "percent": Percent = Present,
    expected_completion "expected_completion": Timestamp = Present,
    incident "incident": IncidentId = Present,
    relation "relation": LinkRelation = Present,
    description "description": Arc<str> = Shared,
    performed "performed": bool = Present,
}

// Duplicate keys are found with one bit per field.
const _: () = assert!(FIELDS.len() <= 64);

impl Flat {
    /// Fills `self` from a JSON object, in the shapes of the schema only,
    /// at every depth (see [`Strict`](crate::strict::Strict)). On an error
    /// `self` holds what was read before it.
    pub(super) fn fill<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        crate::strict::Strict(d).deserialize_struct("Flat", FIELDS, Fill(self))
    }
}

/// The visitor that reads an object's keys into a [`Flat`].
struct Fill<'a>(&'a mut Flat);

impl<'de> Visitor<'de> for Fill<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = 0u64;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let bit = 1u64 << (key as u32);
            if seen & bit != 0 {
                return Err(A::Error::duplicate_field(key.name()));
            }
            seen |= bit;
            self.0.read_value(key, &mut map)?;
        }
        Ok(())
    }
}

/// Reads a key as a [`Key`], without allocating.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Key, E> {
        Key::of(v)
    }
}

// How each field is read. Each reads one value; `.0` is the field's value.

/// An optional value; `null` is absent.
struct Plain<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Plain<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Plain)
    }
}

/// An id: may be absent but not `null`.
struct Id<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(|v| Id(Some(v)))
    }
}

/// A body field: present, even when `null` (see [`Field`]).
struct Present<T>(Field<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Present<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(|v| Present(Some(v)))
    }
}

/// A body's text field, read into one shared allocation (see [`crate::text`]).
struct Shared<T>(Field<T>);

impl<'de, T: crate::text::Held> Deserialize<'de> for Shared<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::text::held_opt(d).map(|v| Shared(Some(v)))
    }
}

/// `expected_version`, a whole number however written (see
/// [`crate::whole`]). One beyond `u64` is no incident's version: it
/// saturates and conflicts.
struct Version<T>(Option<T>);

impl<'de> Deserialize<'de> for Version<u64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::whole::read(d, "`expected_version`", Beyond::Saturate).map(Version)
    }
}

/// The envelope's `by`, read into one shared allocation; `null` is absent.
struct Sender<T>(Option<T>);

impl<'de> Deserialize<'de> for Sender<Arc<str>> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::text::held_opt(d).map(Sender)
    }
}

/// `number`, a whole number however written (see [`crate::whole`]); present
/// even when `null`, as [`Present`].
struct PresentWhole<T>(Field<T>);

impl<'de> Deserialize<'de> for PresentWhole<u64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::whole::read(d, "`number`", Beyond::Refuse).map(|v| PresentWhole(Some(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(json: &str) -> Result<Flat, String> {
        let mut flat = Flat::default();
        let mut de = serde_json::Deserializer::from_str(json);
        flat.fill(&mut de).map_err(|e| e.to_string())?;
        Ok(flat)
    }

    #[test]
    fn a_key_given_twice_is_refused_even_when_the_first_is_null() {
        let e = fill(r#"{"at": null, "at": "2026-01-01T00:00:00Z"}"#).err();
        assert!(e.is_some_and(|e| e.starts_with("duplicate field `at`")));
    }

    #[test]
    fn a_null_body_field_is_present_and_an_escaped_key_is_its_field() {
        let flat = fill(r#"{"typ\u0065": "close", "text": null}"#).unwrap();
        assert_eq!(flat.kind, Some(CommandKind::Close));
        assert_eq!(flat.text, Some(None));
        assert_eq!(flat.first_present(), Some("type"));
    }

    #[test]
    fn an_unknown_key_is_named_with_every_field() {
        let e = fill(r#"{"txt": "x"}"#).err().unwrap_or_default();
        assert!(
            e.starts_with("unknown field `txt`, expected one of `type`"),
            "{e}"
        );
    }
}
