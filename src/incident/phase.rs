//! The phases of an incident and the phase table of WIRE.md.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::comms::Status;
use crate::incident::command::CommandKind;

/// Where an incident is in its life.
///
/// ```text
/// investigating ⇄ mitigating → monitoring → resolved → closed
///       ↑______________________________________|  (reopen)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Finding out what is wrong.
    Investigating,
    /// A mitigation is under way.
    Mitigating,
    /// A mitigation is in place and watched.
    Monitoring,
    /// Verified and resolved; follow-up (postmortem) goes on.
    Resolved,
    /// Done. No command is accepted any more.
    Closed,
}

impl Phase {
    /// The comms status of this phase (`None` once closed).
    pub fn status(self) -> Option<Status> {
        match self {
            Phase::Investigating => Some(Status::Investigating),
            Phase::Mitigating => Some(Status::Mitigating),
            Phase::Monitoring => Some(Status::Monitoring),
            Phase::Resolved => Some(Status::Resolved),
            Phase::Closed => None,
        }
    }

    /// Whether the incident is open (not resolved, not closed).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Phase::Investigating | Phase::Mitigating | Phase::Monitoring
        )
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Investigating => "investigating",
            Phase::Mitigating => "mitigating",
            Phase::Monitoring => "monitoring",
            Phase::Resolved => "resolved",
            Phase::Closed => "closed",
        }
    }
}

impl From<Status> for Phase {
    fn from(s: Status) -> Self {
        match s {
            Status::Investigating => Phase::Investigating,
            Status::Mitigating => Phase::Mitigating,
            Status::Monitoring => Phase::Monitoring,
            Status::Resolved => Phase::Resolved,
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CommandKind {
    /// Whether the phase table allows this command in `phase`.
    ///
    /// `resolve` from `investigating` or `mitigating` is allowed here; the
    /// rule `resolve-from-monitoring` then demands that user impact is over.
    ///
    /// ```
    /// use incident_playbook::{CommandKind, Phase};
    /// assert!(CommandKind::BeginMonitoring.allowed_in(Phase::Mitigating));
    /// assert!(!CommandKind::BeginMonitoring.allowed_in(Phase::Investigating));
    /// assert!(!CommandKind::AddNote.allowed_in(Phase::Closed));
    /// ```
    pub fn allowed_in(self, phase: Phase) -> bool {
        use CommandKind as K;
        use Phase as P;
        match self {
            K::Declare => false,
            K::PostUpdate
            | K::AssignRole
            | K::AssignRoles
            | K::UnassignRole
            | K::AddNote
            | K::RecordRootCause
            | K::LiftBlock => {
                matches!(
                    phase,
                    P::Investigating | P::Mitigating | P::Monitoring | P::Resolved
                )
            }
            K::ChangeSeverity | K::UpdateImpact | K::RecordCheck | K::StartMitigation => {
                phase.is_open()
            }
            K::BeginMonitoring => phase == P::Mitigating,
            K::ResumeInvestigation => matches!(phase, P::Mitigating | P::Monitoring),
            K::Resolve => phase.is_open(),
            K::Reopen | K::SubmitPostmortem | K::Close => phase == P::Resolved,
        }
    }

    /// The phase after this command, accepted in `phase`.
    pub fn phase_after(self, phase: Phase) -> Phase {
        use CommandKind as K;
        match self {
            K::Declare | K::ResumeInvestigation | K::Reopen => Phase::Investigating,
            K::StartMitigation => Phase::Mitigating,
            K::BeginMonitoring => Phase::Monitoring,
            K::Resolve => Phase::Resolved,
            K::Close => Phase::Closed,
            _ => phase,
        }
    }
}
