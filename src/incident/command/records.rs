//! The bodies of the commands that keep the record beside the playbook's
//! steps: progress, corrections, links and fixes; each struct with its
//! constructor and setters.

use std::sync::Arc;

use crate::impact::ImpactInput;
use crate::incident::id::IncidentId;
use crate::incident::records::LinkRelation;
use crate::mitigation::MitigationOutcome;
use crate::percent::Percent;
#[cfg(feature = "schema")]
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::wire::{setters, shared};

/// `record_progress`: how much of a restoration or repair is done.
///
/// Restoration often goes on in batches after the service is back, so it is
/// allowed while open and once resolved.
///
/// ```
/// use incident_playbook::{command::RecordProgress, state::Percent};
/// let p = RecordProgress::new(Percent::new(40.0).unwrap())
///     .note("Batch 3 of 8 restored")
///     .expected_completion("2026-05-06T12:00:00Z".parse()?);
/// assert_eq!(p.percent.value(), 40.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordProgress {
    /// The share done, from 0 to 100.
    pub percent: Percent,
    /// What was restored, or how.
    #[cfg_attr(feature = "schema", schemars(with = "Option<ShortText>"))]
    pub note: Option<Arc<str>>,
    /// When the rest is expected to be done: after `at`.
    pub expected_completion: Option<Timestamp>,
    /// When the share was measured, if before `at` (a true time).
    pub occurred_at: Option<Timestamp>,
}

impl RecordProgress {
    /// `percent` done.
    pub fn new(percent: Percent) -> Self {
        RecordProgress {
            percent,
            note: None,
            expected_completion: None,
            occurred_at: None,
        }
    }
}

setters!(RecordProgress {
    note(text: impl Into<String>) => shared(text);
    expected_completion(at: Timestamp) => at;
    occurred_at(at: Timestamp) => at;
});

/// `correct_impact`: the impact as it really was all along, and why the
/// record said otherwise. Allowed in every phase (after close, an amendment).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct CorrectImpact {
    /// The corrected impact, replacing the current one.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub impact: Option<ImpactInput>,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
}

impl CorrectImpact {
    /// The impact as it was, and why it is corrected.
    pub fn new(impact: ImpactInput, reason: impl Into<String>) -> Self {
        CorrectImpact {
            impact: Some(impact),
            reason: Some(shared(reason)),
        }
    }
}

/// `link_incident`: another incident and how it relates to this one.
/// Allowed in every phase (after close, an amendment).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LinkIncident {
    /// The other incident (not this one: `link-to-self`).
    pub incident: IncidentId,
    /// How it relates to this one.
    pub relation: LinkRelation,
    /// What links them.
    #[cfg_attr(feature = "schema", schemars(with = "Option<ShortText>"))]
    pub note: Option<Arc<str>>,
}

impl LinkIncident {
    /// A link to `incident`.
    pub fn new(incident: IncidentId, relation: LinkRelation) -> Self {
        LinkIncident {
            incident,
            relation,
            note: None,
        }
    }
}

setters!(LinkIncident {
    note(text: impl Into<String>) => shared(text);
});

/// `record_fix`: a permanent fix (or other follow-up change) deployed, with
/// its outcome once known. Not a mitigation: the phase stays and no
/// mitigation target counts it. Allowed in every phase (after close, an
/// amendment).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordFix {
    /// What was changed.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub description: Option<Arc<str>>,
    /// How it went, if known.
    pub outcome: Option<MitigationOutcome>,
    /// When it was really deployed, if before `at` (a true time).
    pub occurred_at: Option<Timestamp>,
}

impl RecordFix {
    /// A fix deployed.
    pub fn new(description: impl Into<String>) -> Self {
        RecordFix {
            description: Some(shared(description)),
            outcome: None,
            occurred_at: None,
        }
    }
}

setters!(RecordFix {
    outcome(outcome: MitigationOutcome) => outcome;
    occurred_at(at: Timestamp) => at;
});
