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
mod postmortem;
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

pub use comms::{
    Audience, CommsUpdate, ParseUpdateError, Status, UpdateInput, UpdateProblem, UpdateText,
};
pub use exception::{AcceptedException, ExceptionInput};
pub use finding::Finding;
pub use impact::{AffectedCounts, Impact, ImpactFlag, ImpactInput, Surface};
pub use incident::{
    AddNote, AssignRole, AssignRoles, BeginMonitoring, ChangeSeverity, Command, CommandBody,
    CommandId, CommandKind, Decision, Declare, EndMitigation, Incident, IncidentId, LiftBlock,
    Outcome, ParseIdError, Phase, PostUpdate, RecordCheck, RecordRootCause, Rename, Reopen,
    Resolve, ResumeInvestigation, Snapshot, StartMitigation, SubmitPostmortem, Transition,
    UnassignRole, UpdateImpact, parse_body,
};
pub use incidents::{Incidents, LineRejection, parse_command};
pub use mitigation::{
    Mitigation, MitigationEnd, MitigationInput, MitigationOutcome, MitigationRecord, RiskLevel,
};
pub use notes::{Note, RootCause};
pub use playbook::{Dependency, HealthEndpoint, Playbook, PlaybookError, PlaybookId};
pub use postmortem::{
    ActionItem, ActionItemInput, ActionStatus, Guardrail, Postmortem, PostmortemInput,
    PostmortemStatus, TimelineEntry, TimelineEntryInput,
};
pub use replay::{LineReport, Replay, ReplayOutput};
pub use roles::{Role, Roles, RolesInput};
pub use rule::{Rejection, Rule, UnknownRule, Violation};
pub use severity::{Duties, ResponseTarget, Severity, UnknownSeverity};
pub use text::{BoundedText, LongText, MAX_LIST, Name, ShortText, TextError, is_blank};
pub use time::{Date, TimeError, Timestamp};
pub use time_zone::{OffsetError, UtcOffset};
pub use triage::{CheckRecord, TriageCheck};
pub use uuid::Uuid;
pub use verdict::Verdict;
pub use verification::{
    DataChecks, DependencyCheck, EndpointCheck, FrontendChecks, HealthChecks, Verification,
};
pub use views::cdevents::{
    CDEVENTS_SPEC_VERSION, CdContext, CdEnvironment, CdEvent, CdEventsError, CdEventsExport,
    CdImpact, CdIncident, CdSubject, CloudEvent, CustomData, DEFAULT_SOURCE, INCIDENT_REPORTED,
    INCIDENT_RESOLVED, cdevents, event_id,
};
pub use views::lint::{LintFinding, lint_postmortem};
pub use views::markdown_reader::MarkdownPostmortem;
pub use views::report::{
    AudienceUpdates, Durations, FIRST_MINUTES, FollowUp, IncidentReport, LateUpdate,
    MitigationReport, PhaseSpan, Step, StepReport, TargetReport, Timeliness, UpdatesReport,
    human_duration,
};
