//! What the wire types share: [`wire_enum!`] for the unit enums the wire
//! names, and [`setters!`] with [`shared`] for the constructors that build
//! the inputs and bodies in Rust.

use std::sync::Arc;

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

/// A list of texts from anything that yields strings.
pub(crate) fn texts(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<Arc<str>> {
    items.into_iter().map(shared).collect()
}
