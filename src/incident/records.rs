//! What the record keeps beside the playbook's steps: how far a restoration
//! has come, corrections of the impact, links to other incidents, fixes
//! deployed after the fact, and amendments made after close.
//!
//! > Scribe: records timeline, decisions, links, and follow-ups.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::incident::{CommandKind, IncidentId};
use crate::mitigation::MitigationOutcome;
use crate::percent::Percent;
use crate::text::{Name, ShortText};
use crate::time::Timestamp;

/// One `record_progress`: how far the restoration or repair had come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Progress {
    /// When it was recorded.
    pub at: Timestamp,
    /// When the share was measured, if the sender said (no later than `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// The share done, from 0 to 100.
    pub percent: Percent,
    /// When the rest is expected to be done, if said (after `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_completion: Option<Timestamp>,
    /// What was restored, or how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<ShortText>,
}

impl Progress {
    /// The true time: when measured if the sender said, else when recorded.
    pub fn happened_at(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.at)
    }
}

/// One `correct_impact`: when the impact was corrected, and why. The
/// impact itself is the incident's current impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ImpactCorrection {
    /// When it was corrected.
    pub at: Timestamp,
    /// Why (what showed the earlier figure wrong).
    pub reason: ShortText,
}

crate::wire::wire_enum! {
    /// How another incident relates to this one (`link_incident`).
    #[non_exhaustive]
    pub enum LinkRelation {
        /// This incident was caused by the other.
        CausedBy = "caused_by",
        /// This incident caused the other.
        Causes = "causes",
        /// This incident follows on from the other (a second phase, a recurrence).
        FollowOnOf = "follow_on_of",
        /// This incident is the other one, recorded twice.
        DuplicateOf = "duplicate_of",
        /// Related otherwise.
        RelatedTo = "related_to",
    }
}

impl LinkRelation {
    /// The relation in words: "caused by", "follow-on of".
    pub fn words(self) -> &'static str {
        match self {
            LinkRelation::CausedBy => "caused by",
            LinkRelation::Causes => "causes",
            LinkRelation::FollowOnOf => "follow-on of",
            LinkRelation::DuplicateOf => "duplicate of",
            LinkRelation::RelatedTo => "related to",
        }
    }
}

/// One `link_incident`: another incident and how it relates to this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Link {
    /// When it was recorded.
    pub at: Timestamp,
    /// The other incident.
    pub incident: IncidentId,
    /// How it relates to this one.
    pub relation: LinkRelation,
    /// What links them, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<ShortText>,
}

/// One `record_fix`: a permanent fix (or other follow-up change) deployed.
/// Not a mitigation: it moves no phase and counts toward no target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Fix {
    /// When it was recorded.
    pub at: Timestamp,
    /// When it was really deployed, if the sender said (no later than `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// What was changed.
    pub description: ShortText,
    /// How it went, once known (unknown while absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<MitigationOutcome>,
}

impl Fix {
    /// The true time: when deployed if the sender said, else when recorded.
    pub fn happened_at(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.at)
    }
}

/// A command accepted after the incident closed: what it was, when, why,
/// and who sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Amendment {
    /// When it was recorded.
    pub at: Timestamp,
    /// The command's type.
    #[serde(rename = "type")]
    pub kind: CommandKind,
    /// Why, where the command says (its `reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ShortText>,
    /// Who sent it, if the envelope said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Name>,
}

impl fmt::Display for Progress {
    /// "T: 40% done, expected complete T2 (Batches 1 to 3)", at its true time.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} done", self.happened_at(), self.percent)?;
        if let Some(expected) = self.expected_completion {
            write!(f, ", expected complete {expected}")?;
        }
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Link {
    /// "caused by ID: note (linked T)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.relation.words(), self.incident)?;
        if let Some(note) = &self.note {
            write!(f, ": {note}")?;
        }
        write!(f, " (linked {})", self.at)
    }
}

impl fmt::Display for Fix {
    /// "T: what, outcome helped" (or "outcome unknown"), at its true time.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}, outcome ", self.happened_at(), self.description)?;
        match self.outcome {
            Some(o) => f.write_str(&o.as_str().replace('_', " ")),
            None => f.write_str("unknown"),
        }
    }
}

impl fmt::Display for Amendment {
    /// "T: submit_postmortem by NAME: reason".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.kind)?;
        if let Some(by) = &self.by {
            write!(f, " by {by}")?;
        }
        if let Some(reason) = &self.reason {
            write!(f, ": {reason}")?;
        }
        Ok(())
    }
}
