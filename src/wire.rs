//! What the wire types share: [`wire_enum!`] for the unit enums the wire
//! names, and [`setters!`] with [`shared`] for the constructors that build
//! the inputs and bodies in Rust.

use std::fmt;
use std::sync::Arc;

use serde::de::{Deserializer, Error, Visitor};

/// A method per optional field: `field(value)` sets it, converting the
/// value (`$v` is the argument, `$e` what is stored in the `Option`).
///
/// The bodies and inputs are `#[non_exhaustive]` (a new optional wire field
/// is then no breaking change), so these and each type's `new` are the way
/// to build them outside the crate.
macro_rules! setters {
    ($ty:ident { $( $field:ident($v:ident: $arg:ty) => $e:expr; )* }) => {
        impl $ty {
            $(
                #[doc = concat!("With `", stringify!($field), "` set.")]
                #[must_use]
                pub fn $field(mut self, $v: $arg) -> Self {
                    self.$field = Some($e);
                    self
                }
            )*
        }
    };
}
pub(crate) use setters;

/// A builder's text, as the commands share it.
pub(crate) fn shared(text: impl Into<String>) -> Arc<str> {
    Arc::from(text.into())
}

/// A text only the history keeps, from anything that makes a `String`.
pub(crate) fn boxed(text: impl Into<String>) -> Box<str> {
    text.into().into_boxed_str()
}

/// A list of texts from anything that yields strings.
pub(crate) fn texts(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<Arc<str>> {
    items.into_iter().map(shared).collect()
}

/// A unit enum of the wire, its variants listed once with their wire names:
///
/// ```text
/// wire_enum! {
///     /// How bad an incident is.
///     #[derive(PartialOrd, Ord)]
///     pub enum Severity: FromStr = UnknownSeverity {
///         /// Broad outage, …
///         Sev1 = "SEV1",
///         …
///     }
/// }
/// ```
///
/// It generates the enum (with `Debug`, `Clone`, `Copy`, `PartialEq`, `Eq`,
/// `Hash`, `Serialize` and, with the `schema` feature, `JsonSchema`, each
/// variant renamed to its wire name), `ALL`, `as_str`, `Display`, a
/// `Deserialize` that reads the wire name only (never serde's one-key
/// object form, see `strict.rs`) and, when an error type is named,
/// `FromStr` (the error built from the string refused).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident $(: FromStr = $err:ident)? {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        pub enum $ty {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $ty {
            /// Every value, in the order of the definition.
            pub const ALL: [$ty; [$($ty::$variant),+].len()] = [$($ty::$variant),+];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $ty::$variant => $wire, )+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const ALL: &[$ty] = &$ty::ALL;
                crate::wire::one_of(d, ALL, $ty::as_str)
            }
        }

        $(
            impl std::str::FromStr for $ty {
                type Err = $err;
                fn from_str(s: &str) -> Result<Self, $err> {
                    $ty::ALL
                        .into_iter()
                        .find(|v| v.as_str() == s)
                        .ok_or_else(|| $err(s.to_owned()))
                }
            }
        )?
    };
}
pub(crate) use wire_enum;

/// Reads a unit enum from its wire name only: what [`wire_enum!`]
/// generates `Deserialize` with.
pub(crate) fn one_of<'de, D: Deserializer<'de>, T: Copy + 'static>(
    deserializer: D,
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> Result<T, D::Error> {
    deserializer.deserialize_str(Names { all, name })
}

/// The visitor of [`one_of`].
struct Names<T: 'static> {
    all: &'static [T],
    name: fn(T) -> &'static str,
}

impl<T: Copy> Names<T> {
    /// "one of `SEV1`, `SEV2`, …".
    fn list(&self) -> String {
        let names: Vec<String> = self
            .all
            .iter()
            .map(|item| format!("`{}`", (self.name)(*item)))
            .collect();
        format!("one of {}", names.join(", "))
    }
}

impl<T: Copy> Visitor<'_> for Names<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.list())
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<T, E> {
        let found = self
            .all
            .iter()
            .copied()
            .find(|item| (self.name)(*item) == v);
        found.ok_or_else(|| {
            E::custom(format!(
                "unknown variant `{}`, expected {}",
                crate::text::excerpt(v, 64),
                self.list()
            ))
        })
    }
}
