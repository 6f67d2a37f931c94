//! What the scribe keeps: notes and the root cause.
//!
//! > Scribe: records timeline, decisions, links, and follow-ups.

use serde::{Deserialize, Serialize};

use crate::text::LongText;
use crate::time::Timestamp;

/// A note in the incident's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// When it was written.
    pub at: Timestamp,
    /// What it says.
    pub text: LongText,
}

/// The root cause, once found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RootCause {
    /// When it was recorded.
    pub at: Timestamp,
    /// What it is.
    pub text: LongText,
}
