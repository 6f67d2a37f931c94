#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

/// The contract: commands, phases, wire shapes, the rule catalogue and the
/// CLI, as `docs/contract.md` in the repository writes them (documentation
/// only; nothing to import).
#[doc = include_str!("../docs/contract.md")]
pub mod contract {}

mod comms;
mod exception;
mod finding;
mod impact;
mod incident;
mod incidents;
mod mitigation;
mod notes;
mod playbook;
pub mod postmortem;
mod receiver;
mod replay;
mod roles;
mod rule;
#[cfg(feature = "schema")]
pub mod schema;
mod severity;
mod strict;
mod text;
mod time;
mod time_zone;
mod triage;
mod verdict;
mod verification;
mod views;
mod whole;
mod wire;

pub use views::{cdevents, report};

pub use comms::UpdateInput;
pub use exception::ExceptionInput;
pub use finding::Finding;
pub use impact::ImpactInput;
pub use incident::{
    Command, CommandBody, CommandId, Decision, Incident, IncidentId, Outcome, ParseIdError, Phase,
    Snapshot, Transition,
};
pub use incidents::{Incidents, LineRejection, parse_command};
pub use mitigation::MitigationInput;
pub use playbook::{Dependency, HealthEndpoint, Playbook, PlaybookError, PlaybookId};
pub use receiver::Receiver;
pub use replay::{LineReport, Replay, ReplayOutput};
pub use roles::RolesInput;
pub use rule::{Rejection, Rule, UnknownRule, Violation};
pub use severity::{Duties, ResponseTarget, Severity, UnknownSeverity};
pub use text::{BoundedText, LongText, MAX_LIST, Name, ShortText, TextError, is_blank};
pub use time::{Date, TimeError, Timestamp};
pub use time_zone::{OffsetError, UtcOffset};
pub use uuid::Uuid;
pub use verdict::Verdict;
pub use verification::Verification;

/// The commands' bodies, one struct per command type, and the parts of
/// their inputs that are not at the crate root.
///
/// A [`Command`] is an envelope (ids, time, expected version) around a
/// [`CommandBody`], whose variants hold these structs; [`CommandKind`](command::CommandKind)
/// names a type without its body.
///
/// ```
/// use incident_playbook::command::{AddNote, CommandKind, parse_body};
/// use incident_playbook::CommandBody;
/// let body = parse_body(r#"{"type": "add_note", "text": "Paged the DBA"}"#).unwrap();
/// assert_eq!(body.kind(), CommandKind::AddNote);
/// let CommandBody::AddNote(AddNote { text, .. }) = body else { unreachable!() };
/// assert_eq!(text.as_deref(), Some("Paged the DBA"));
/// ```
pub mod command {
    pub use crate::incident::{
        AddNote, AssignRole, AssignRoles, BeginMonitoring, ChangeSeverity, CommandKind, Declare,
        EndMitigation, LiftBlock, PostUpdate, RecordCheck, RecordRootCause, Rename, Reopen,
        Resolve, ResumeInvestigation, StartMitigation, SubmitPostmortem, UnassignRole,
        UpdateImpact, parse_body,
    };
    pub use crate::verification::{
        DataChecks, DependencyCheck, EndpointCheck, FrontendChecks, HealthChecks,
    };
}

/// What an incident holds: its roles, impact, comms updates, mitigations,
/// notes and root cause, triage checks and accepted exceptions, as
/// [`Incident`]'s accessors return them, with the values
/// they are made of.
pub mod state {
    pub use crate::comms::{
        Audience, CommsUpdate, ParseUpdateError, Status, UpdateProblem, UpdateText,
    };
    pub use crate::exception::AcceptedException;
    pub use crate::impact::{AffectedCounts, Impact, ImpactFlag, Surface};
    pub use crate::mitigation::{
        Mitigation, MitigationEnd, MitigationOutcome, MitigationRecord, RiskLevel,
    };
    pub use crate::notes::{Note, RootCause};
    pub use crate::roles::{Role, Roles};
    pub use crate::triage::{CheckRecord, TriageCheck};
}
