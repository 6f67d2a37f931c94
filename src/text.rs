//! Validated text: names, short texts and long texts that are never blank and
//! never over their length limit.
//!
//! Lengths count Unicode scalar values, as JSON Schema's `maxLength` does.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rule::{Rejection, Rule, Violation, Violations};

/// The most items any list may hold.
pub const MAX_LIST: usize = 1_000;

/// Reads a list of at most [`MAX_LIST`] items (for serde's `deserialize_with`
/// on a type that was checked when built and is read back from JSON).
pub(crate) fn limited_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let items = Vec::<T>::deserialize(deserializer)?;
    if items.len() > MAX_LIST {
        return Err(serde::de::Error::custom(format!(
            "a list of {} items; at most {MAX_LIST} are allowed",
            items.len()
        )));
    }
    Ok(items)
}

/// Why a string is not a valid text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// Empty or only white space.
    #[error("is blank")]
    Blank,
    /// Over the limit.
    #[error("has {len} characters; at most {max} are allowed")]
    TooLong {
        /// The limit.
        max: usize,
        /// The length found.
        len: usize,
    },
}

/// `malformed-input` for a JSON text holding U+0000 (written `\u0000`, the
/// only way JSON can carry it): no store keeps it (PostgreSQL's `jsonb`
/// refuses it), so it is refused as input the receiver cannot take, before
/// any rule judges it, and a sender does not retry it.
pub(crate) fn unstorable(json: &str) -> Option<Rejection> {
    holds_nul_escape(json).then(|| {
        Violation::new(
            Rule::MalformedInput,
            "a text holds U+0000 (`\\u0000`), which no store keeps",
            None,
        )
        .into()
    })
}

/// Whether the JSON text `json` writes U+0000 in a string (`\u0000`): a raw control character is not JSON, so this is
/// the only way it can hold one. A backslash escapes the character after
/// it, so `\\u0000` (a backslash, then `u0000`) is not one.
pub(crate) fn holds_nul_escape(json: &str) -> bool {
    let b = json.as_bytes();
    // Most lines have no escape that could be one: skip the walk.
    if !json.contains("u0000") {
        return false;
    }
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'\\' {
            let next = b.get(i + 1).copied();
            if next == Some(b'u') && b.get(i + 2..i + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Whether a string says nothing: empty, or only white space.
///
/// Besides Unicode's `White_Space` (Rust's [`char::is_whitespace`]) this
/// counts U+FEFF and U+001C–U+001F, which the regular expressions of
/// JavaScript and Python treat as `\s`; so the JSON Schemas' non-blank
/// pattern never refuses a text the crate accepts. Zero-width characters
/// (U+200B…) are not blank. The contract lists the 30 characters.
///
/// ```
/// use incident_playbook::is_blank;
/// assert!(is_blank("\u{feff} \u{a0}\t"));
/// assert!(!is_blank("\u{200b}"));
/// ```
pub fn is_blank(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || c == '\u{feff}' || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A text as a message quotes it: whole up to `max` characters, else its
/// first `max` and `…`, so that a refused overlong value cannot make a long
/// report.
pub(crate) fn excerpt(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some((end, _)) => format!("{}…", s.get(..end).unwrap_or_default()).into(),
    }
}

/// The name among `names` nearest to `given`, when it is near enough to be
/// the one meant: a few edits away (one per three characters, at least
/// one; a swap of two neighbours is one edit), and not `given` itself.
///
/// For "did you mean `add_note`?" after an unknown type, field or value.
pub(crate) fn nearest<'a>(
    given: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let most = (given.chars().count() / 3).max(1);
    names
        .into_iter()
        .filter(|name| *name != given)
        .map(|name| (strsim::damerau_levenshtein(given, name), name))
        .filter(|(distance, _)| *distance <= most)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// The text a rule judges: the checked one, or else the one given if it was
/// refused only as too long (it is not blank). A value over its length
/// limit is still checked by the other rules that can judge it: a rule that
/// compares names or looks one up reads this.
pub(crate) fn judged<'a, T: BoundedText>(
    checked: Option<&'a T>,
    given: Option<&'a str>,
) -> Option<&'a str> {
    match checked {
        Some(t) => Some(t.as_ref()),
        None => given.filter(|s| !is_blank(s)),
    }
}

/// A bounded, non-blank text class.
pub trait BoundedText: Sized + AsRef<str> {
    /// The most characters (Unicode scalar values) allowed.
    const MAX: usize;
    /// What the class is, for messages and schemas.
    const WHAT: &'static str;
    #[doc(hidden)]
    fn from_checked(s: Arc<str>) -> Self;

    /// Checks and wraps a string.
    fn parse(s: &str) -> Result<Self, TextError> {
        // Checked before copying: a refused text costs no allocation.
        check_bounded(s, Self::MAX)?;
        Ok(Self::from_checked(Arc::from(s)))
    }

    /// Checks and wraps an owned string (copied once into the shared text).
    fn parse_owned(s: String) -> Result<Self, TextError> {
        check_bounded(&s, Self::MAX)?;
        Ok(Self::from_checked(Arc::from(s)))
    }

    /// Checks and wraps a shared text without copying it: the checked text
    /// and the command it came from hold the same allocation.
    fn parse_shared(s: &Arc<str>) -> Result<Self, TextError> {
        check_bounded(s, Self::MAX)?;
        Ok(Self::from_checked(Arc::clone(s)))
    }
}

/// Where a checked text comes from: a borrowed `str` (copied once when it
/// passes) or a command's shared text (which the checked text then shares).
pub(crate) trait TextSource {
    /// Checks it as a `T`.
    fn check<T: BoundedText>(&self) -> Result<T, TextError>;
}

impl TextSource for str {
    fn check<T: BoundedText>(&self) -> Result<T, TextError> {
        T::parse(self)
    }
}

impl TextSource for Arc<str> {
    fn check<T: BoundedText>(&self) -> Result<T, TextError> {
        T::parse_shared(self)
    }
}

/// A text only the history keeps (a note, a finding, an update's lines):
/// checking it as a `T` copies it once into the `T`'s shared text.
impl TextSource for Box<str> {
    fn check<T: BoundedText>(&self) -> Result<T, TextError> {
        T::parse(self)
    }
}

impl TextSource for String {
    fn check<T: BoundedText>(&self) -> Result<T, TextError> {
        T::parse(self)
    }
}

/// How a text read from the wire is held: shared (`Arc<str>`) where the
/// incident's state keeps it beside the history, boxed (`Box<str>`, without
/// the `Arc`'s 16 bytes of counters) where only the history keeps it.
pub(crate) trait Held: Serialize + for<'a> From<&'a str> {}

impl Held for Arc<str> {}

impl Held for Box<str> {}

/// A JSON string read into one allocation: serde_json hands over the text
/// borrowed from the line (or from its scratch buffer when the string has
/// escapes), and it is copied once, straight into the `T`.
struct HeldVisitor<T>(PhantomData<T>);

impl<T: Held> serde::de::Visitor<'_> for HeldVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }
}

/// Reads a string as an `Arc<str>` or a `Box<str>` with one allocation
/// (serde's own `rc` impl reads a `String` first, then copies it).
pub(crate) fn held<'de, T: Held, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_str(HeldVisitor(PhantomData))
}

/// [`held`] for an optional field: `null` is `None`.
pub(crate) fn held_opt<'de, T: Held, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    struct Wrap<T>(T);
    impl<'de, T: Held> Deserialize<'de> for Wrap<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            held(d).map(Wrap)
        }
    }
    Ok(Option::<Wrap<T>>::deserialize(d)?.map(|w| w.0))
}

/// An optional text field of a wire input, as one serde `with` attribute
/// says it: read into one allocation (`null` is absent), written as it is,
/// and with `S` as its schema (a length class such as [`ShortText`],
/// `Option<Name>` where the schema allows `null`). `T` is how the text is
/// [`Held`]: shared by default, boxed for a text only the history keeps
/// ([`WireBox`]).
///
/// The field stays an `Option`, so that a missing, blank or overlong text
/// is judged under its rule rather than refused as malformed; its class is
/// named once, here, for the reader and the schema:
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "WireText::<Name>")]`.
pub(crate) struct WireText<S, T = Arc<str>>(PhantomData<(S, T)>);

/// [`WireText`] for a text only the history keeps: an `Option<Box<str>>`.
/// The incident builds the records made of such texts from its history
/// when they are read, so nothing shares them.
pub(crate) type WireBox<S> = WireText<S, Box<str>>;

impl<S, T: Held> WireText<S, T> {
    /// Reads the field (serde's `with`).
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        held_opt(d)
    }

    /// Writes the field (serde's `with`).
    pub(crate) fn serialize<W: Serializer>(
        value: &Option<T>,
        serializer: W,
    ) -> Result<W::Ok, W::Error> {
        value.serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl<S: schemars::JsonSchema, T> schemars::JsonSchema for WireText<S, T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        S::schema_name()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        generator.subschema_for::<S>()
    }
}

/// An optional list of texts of a wire input, each item of the length
/// class `C`: read with one allocation per item, written as it is; its
/// schema is an array (or `null`) of at most [`MAX_LIST`] items.
pub(crate) struct WireTexts<C>(PhantomData<C>);

impl<C> WireTexts<C> {
    /// Reads the field (serde's `with`).
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Arc<str>>>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(deserialize_with = "held")] Arc<str>);
        let items = Option::<Vec<Wrap>>::deserialize(d)?;
        Ok(items.map(|v| v.into_iter().map(|w| w.0).collect()))
    }

    /// Writes the field (serde's `with`).
    pub(crate) fn serialize<W: Serializer>(
        value: &Option<Vec<Arc<str>>>,
        serializer: W,
    ) -> Result<W::Ok, W::Error> {
        value.serialize(serializer)
    }
}

#[cfg(feature = "schema")]
impl<C: schemars::JsonSchema> schemars::JsonSchema for WireTexts<C> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Texts_{}", C::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = generator.subschema_for::<Option<Vec<C>>>();
        schema.insert("maxItems".into(), MAX_LIST.into());
        schema
    }
}

/// Not blank, and at most `max` characters.
fn check_bounded(s: &str, max: usize) -> Result<(), TextError> {
    if is_blank(s) {
        return Err(TextError::Blank);
    }
    // Byte length bounds the character count, so most texts skip the count.
    if s.len() > max {
        let len = s.chars().count();
        if len > max {
            return Err(TextError::TooLong { max, len });
        }
    }
    Ok(())
}

macro_rules! text_type {
    ($(#[doc = $doc:literal])* $name:ident, $max:expr, $what:literal) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Arc<str>);

        impl BoundedText for $name {
            const MAX: usize = $max;
            const WHAT: &'static str = $what;
            fn from_checked(s: Arc<str>) -> Self {
                $name(s)
            }
        }

        impl $name {
            /// Checks and wraps a string.
            ///
            /// # Errors
            ///
            /// [`TextError::Blank`] for an empty or white-space string,
            /// [`TextError::TooLong`] over the limit.
            pub fn new(s: &str) -> Result<Self, TextError> {
                <Self as BoundedText>::parse(s)
            }

            /// A text known valid at compile time.
            ///
            /// Only for the crate's own constants; a blank or overlong
            /// literal is a bug caught by the tests of those constants.
            #[allow(dead_code)]
            pub(crate) fn from_static(s: &'static str) -> Self {
                $name(Arc::from(s))
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, owned (a copy: the text may be shared).
            pub fn into_string(self) -> String {
                String::from(&*self.0)
            }

            /// The shared text: cloning it copies no characters.
            pub fn as_shared(&self) -> &Arc<str> {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                &*self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                &*self.0 == *other
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                <Self as BoundedText>::parse_owned(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = TextError;
            fn try_from(s: &str) -> Result<Self, TextError> {
                <Self as BoundedText>::parse(s)
            }
        }

        impl std::str::FromStr for $name {
            type Err = TextError;
            fn from_str(s: &str) -> Result<Self, TextError> {
                <Self as BoundedText>::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s: Arc<str> = held(deserializer)?;
                <Self as BoundedText>::parse_shared(&s)
                    .map_err(|e| serde::de::Error::custom(format!("{} {e}", $what)))
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "minLength": 1,
                    "maxLength": $max,
                    "pattern": NON_BLANK_PATTERN,
                })
            }
        }
    };
}

/// The JSON Schema pattern for "not blank, and no U+0000": a character that
/// is neither white space nor U+0000, and no U+0000 anywhere. White space,
/// then one such character, then anything but U+0000: the two classes
/// before it do not overlap, so a validator that backtracks stays linear.
#[cfg(feature = "schema")]
pub(crate) const NON_BLANK_PATTERN: &str = "^\\s*[^\\s\\u0000][^\\u0000]*$";

/// Schema of a postmortem's text section: a long text that a `draft` or
/// `in_review` postmortem may leave blank (a `published` one may not:
/// `postmortem-incomplete`, which the crate judges).
#[cfg_attr(not(feature = "schema"), allow(dead_code))]
pub(crate) struct SectionText;

#[cfg(feature = "schema")]
impl schemars::JsonSchema for SectionText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SectionText".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "maxLength": LongText::MAX})
    }
}

text_type! {
    /// A person's or a dependency's name: non-blank, at most 200 characters.
    ///
    /// ```
    /// use incident_playbook::Name;
    /// assert_eq!(Name::new("Ada").unwrap().as_str(), "Ada");
    /// assert!(Name::new("   ").is_err());
    /// assert!(Name::new(&"x".repeat(201)).is_err());
    /// ```
    Name, 200, "a name"
}

text_type! {
    /// A short text (title, reason, finding, endpoint, …): non-blank, at most
    /// 2,000 characters.
    ///
    /// ```
    /// use incident_playbook::ShortText;
    /// assert!(ShortText::new("Document uploads failing").is_ok());
    /// assert!(ShortText::new("").is_err());
    /// ```
    ShortText, 2_000, "a short text"
}

text_type! {
    /// A long text (note, root cause, postmortem section): non-blank, at most
    /// 65,536 characters.
    ///
    /// ```
    /// use incident_playbook::LongText;
    /// assert!(LongText::new("Deploy 2026.05.04-1 at 09:02 matches the start.").is_ok());
    /// assert!(LongText::new(&"x".repeat(65_537)).is_err());
    /// ```
    LongText, 65_536, "a long text"
}

/// The field a message names: the last step of its path (`owner` for
/// `update.owner`, `regions[2]` for `impact.regions[2]`), as the wire
/// spells it.
fn field_of(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl Violations {
    /// Checks that a list is within the 1,000-item limit.
    ///
    /// A list over the limit is refused whole: callers then do not check its
    /// items, so that a long list of bad items cannot make a report (and the
    /// memory it takes) many times the size of the input.
    pub(crate) fn list_len(&mut self, path: &str, len: usize) -> bool {
        if len > MAX_LIST {
            self.push(
                Rule::FieldTooLong,
                path,
                format!("has {len} items; at most {} are allowed", MAX_LIST),
            );
            false
        } else {
            true
        }
    }

    /// Checks a required text: missing or blank is `missing_rule` (usually
    /// `field-empty`), too long is `field-too-long`.
    pub(crate) fn text<T: BoundedText, S: TextSource + ?Sized>(
        &mut self,
        path: &str,
        value: Option<&S>,
        missing_rule: Rule,
    ) -> Option<T> {
        match value {
            None => {
                self.push(
                    missing_rule,
                    path,
                    format!("`{}` is required", field_of(path)),
                );
                None
            }
            Some(s) => self.present_text(path, s, missing_rule),
        }
    }

    /// [`Violations::text`] for a text the incident keeps no copy of: it is
    /// checked where it is, without building the `T`.
    pub(crate) fn valid_text<T: BoundedText>(
        &mut self,
        path: &str,
        value: Option<&str>,
        missing_rule: Rule,
    ) -> Option<()> {
        let Some(s) = value else {
            let message = format!("`{}` is required", field_of(path));
            self.push(missing_rule, path, message);
            return None;
        };
        self.judge_text(path, check_bounded(s, T::MAX), missing_rule)
    }

    /// Checks a text that may be absent but, when given, must be valid.
    pub(crate) fn optional_text<T: BoundedText, S: TextSource + ?Sized>(
        &mut self,
        path: &str,
        value: Option<&S>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(s) => self.present_text(path, s, Rule::FieldEmpty).map(Some),
        }
    }

    fn present_text<T: BoundedText, S: TextSource + ?Sized>(
        &mut self,
        path: &str,
        s: &S,
        blank_rule: Rule,
    ) -> Option<T> {
        self.judge_text(path, s.check::<T>(), blank_rule)
    }

    /// Reports a text's refusal under its rule: blank under `blank_rule`,
    /// too long under `field-too-long`.
    fn judge_text<T>(
        &mut self,
        path: &str,
        checked: Result<T, TextError>,
        blank_rule: Rule,
    ) -> Option<T> {
        match checked {
            Ok(t) => Some(t),
            Err(TextError::Blank) => {
                self.push(
                    blank_rule,
                    path,
                    format!("`{}` is required and is blank", field_of(path)),
                );
                None
            }
            Err(e) => {
                self.push(
                    Rule::FieldTooLong,
                    path,
                    format!("`{}` {e}", field_of(path)),
                );
                None
            }
        }
    }

    /// Checks a list of required texts (each non-blank, the list ≤ 1,000).
    pub(crate) fn text_list<T: BoundedText, S: TextSource>(
        &mut self,
        path: &str,
        items: &[S],
    ) -> Option<Vec<T>> {
        if !self.list_len(path, items.len()) {
            return None;
        }
        let mut ok = true;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match self.present_text(&crate::rule::index(path, i), item, Rule::FieldEmpty) {
                Some(t) => out.push(t),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(Name::new(&"é".repeat(200)).is_ok());
        assert!(Name::new(&"é".repeat(201)).is_err());
        assert_eq!(
            Name::new(&"x".repeat(201)),
            Err(TextError::TooLong { max: 200, len: 201 })
        );
    }

    #[test]
    fn blank_includes_what_schema_validators_call_space() {
        for s in ["", " ", "\t\n", "\u{feff}", "\u{a0}", "\u{1f}"] {
            assert!(is_blank(s), "{s:?}");
            assert!(ShortText::new(s).is_err());
        }
        assert!(!is_blank(" a "));
    }

    #[test]
    fn the_nearest_name_only_when_close() {
        let kinds = ["add_note", "assign_role", "assign_roles", "close"];
        assert_eq!(nearest("add_not", kinds), Some("add_note"));
        assert_eq!(nearest("assign_rloe", kinds), Some("assign_role"));
        assert_eq!(nearest("open", kinds), None);
        assert_eq!(nearest("txt", ["text", "type"]), Some("text"));
    }

    #[test]
    fn deserialize_checks() {
        assert!(serde_json::from_str::<Name>("\"Ada\"").is_ok());
        let err = serde_json::from_str::<Name>("\" \"").unwrap_err();
        assert!(err.to_string().contains("blank"));
    }
}
