//! What the scribe keeps: notes and the root cause.
//!
//! > Scribe: records timeline, decisions, links, and follow-ups.

use serde::{Deserialize, Serialize};

use crate::rule::{Rule, Violations};
use crate::text::LongText;
use crate::time::Timestamp;

/// A note in the incident's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Note {
    /// When it was written (recorded).
    pub at: Timestamp,
    /// When what it tells really happened, if the sender said (no later than `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// What it says.
    pub text: LongText,
}

impl Note {
    /// The true time: when it happened if the sender said, else when it was written.
    pub fn happened_at(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.at)
    }
}

/// `occurred-after-recorded`: a true time (`detected_at`, `occurred_at`,
/// `impact.started_at`, …) is no later than the command that records it.
///
/// Responders record what they did after doing it (a deploy lock at 23:07,
/// declared at 23:09); commands stay in the order they are recorded, and the
/// true time goes beside `at`. A true time may be before the impact started:
/// causes come first (a configuration change the day before), and so can the
/// first sign.
pub(crate) fn check_true_time(
    report: &mut Violations,
    path: &str,
    occurred: Timestamp,
    recorded: Timestamp,
) {
    if occurred > recorded {
        report.push(
            Rule::OccurredAfterRecorded,
            path,
            format!("{occurred} is after the command that records it ({recorded})"),
        );
    }
}

/// The root cause, once found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RootCause {
    /// When it was recorded.
    pub at: Timestamp,
    /// When the cause happened, if the sender said (no later than `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// What it is.
    pub text: LongText,
}
