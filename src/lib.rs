//! An incident-response playbook as types and a state machine. Severity,
//! roles, comms updates, mitigation, verification and the postmortem follow
//! the playbook's rules: an incident that breaks them cannot be represented,
//! and every refusal names the rules it breaks, by stable id.
//!
//! The library reads no clock and does no I/O. Time arrives in commands, so
//! replaying a history always gives the same incident; keep the history
//! wherever you like (the `incident-store` crate of the workspace keeps it in
//! PostgreSQL or SQLite).
//!
//! ```
//! use incident_playbook::command::Declare;
//! use incident_playbook::{
//!     Command, ImpactInput, Incident, Phase, Playbook, RolesInput, Rule, Severity, UpdateInput,
//! };
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let playbook = Playbook::default();
//!     let declare = |roles: RolesInput| -> Result<Command, Box<dyn std::error::Error>> {
//!         Ok(Command::new(
//!             "e2181857-7398-5cf2-aad9-acc3150b8632".parse()?,
//!             "8f6383a5-2b74-5d87-8864-571d8340a53b".parse()?,
//!             "2026-05-04T09:05:00Z".parse()?,
//!             Declare::new("Document uploads failing", Severity::Sev2)
//!                 .impact(
//!                     ImpactInput::new("production", "Some tenants", "Document upload")
//!                         .started_at("2026-05-04T09:00:00Z".parse()?),
//!                 )
//!                 .roles(roles)
//!                 .update(
//!                     UpdateInput::new("Uploads fail", "Checking the 09:02 deploy", "Ada")
//!                         .next_update("2026-05-04T09:35:00Z".parse()?),
//!                 ),
//!         ))
//!     };
//!     // Every incident has a commander: the refusal says which rule, and where.
//!     let refused = Incident::declare(declare(RolesInput::default())?, &playbook).unwrap_err();
//!     assert_eq!(refused.rules(), [Rule::CommanderRequired, Rule::UpdateOwnerNotAssigned]);
//!
//!     let incident = Incident::declare(declare(RolesInput::default().commander("Ada"))?, &playbook)?;
//!     assert_eq!((incident.phase(), incident.version()), (Phase::Investigating, 1));
//!     Ok(())
//! }
//! ```
//!
//! # Where to start
//!
//! - [`Incident`]: one incident, made by [`Incident::declare`] and moved by
//!   [`Incident::handle`]; a [`Command`] is an envelope (ids, time, expected
//!   version) around a body from [`command`] such as [`command::Declare`];
//!   the [`Playbook`] names the dependencies and health endpoints; [`state`]
//!   holds what an incident keeps (roles, updates, mitigations, notes).
//! - [`Incidents`] routes commands to many incidents; [`Replay`] reads a
//!   JSON-lines stream as `incident replay` does.
//! - [`Rule`]: every rule id; a refusal is a [`Rejection`] of [`Violation`]s.
//! - What people read: [`state::CommsUpdate`], the [`postmortem`] module
//!   (written, drafted, read and linted as Markdown), [`report`] and
//!   [`cdevents`].
//!
//! # Guides
//!
//! The guides of the repository's `docs/` folder, as documentation-only
//! modules (their Rust examples are tested):
//!
//! - [`guide::library`]: the API in one page.
//! - [`guide::cli`]: the `incident` command-line tool, and what it prints.
//! - [`guide::cli_writing`]: writing commands with `incident new`.
//! - [`guide::other_languages`]: the crate as a Python package; the JSON Schemas from Python and TypeScript.
//! - [`guide::real_incidents`]: four public incidents replayed as command streams.
//! - [`guide::rules`]: every rule id, and what the crate added to its contract.
//! - [`contract`]: the contract: commands, fields, phases, rules, wire shapes,
//!   the CLI's output.
//! - [`guide::performance`]: measured figures and how to reproduce them.
//! - [`guide::architecture`]: where things live, for contributors.
//!
//! The store and the reference HTTP service have their guide in the
//! `incident-store` crate's documentation (`incident_store::guide`).
//!
//! # Features
//!
//! - `schema` (default): the [`schema`] module, every JSON Schema of the
//!   contract.
//! - `cli`: the `incident` binary.
//! - `proptest`: the [`testkit`] module, proptest strategies (valid
//!   histories, the next valid command, commands that break a chosen rule)
//!   for testing code built on the crate.
//!
//! The minimum supported Rust version is 1.89.
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

/// The guides of the repository's `docs/` folder (documentation only;
/// nothing to import). Each is the Markdown file as the repository shows it;
/// the link definitions written before it here win over the file's own (the
/// first definition of a label counts), so its links work under rustdoc too.
pub mod guide {
    /// The Rust API in one page (`docs/library.md`).
    #[doc = include_str!("../docs/library.md")]
    pub mod library {}

    /// The `incident` command-line tool (`docs/cli.md`).
    ///
    #[doc = "[cli-writing]: crate::guide::cli_writing"]
    #[doc = include_str!("../docs/cli.md")]
    pub mod cli {}

    /// Writing commands with `incident new`; completions and the man page
    /// (`docs/cli-writing.md`).
    ///
    #[doc = "[contract]: crate::contract"]
    #[doc = include_str!("../docs/cli-writing.md")]
    pub mod cli_writing {}

    /// The crate as a Python package; the JSON Schemas from Python and
    /// TypeScript (`docs/other-languages.md`).
    #[doc = include_str!("../docs/other-languages.md")]
    pub mod other_languages {}

    /// Four public incidents as command streams (`docs/real-incidents.md`).
    #[doc = include_str!("../docs/real-incidents.md")]
    pub mod real_incidents {}

    /// Every rule id (`docs/rules.md`).
    ///
    #[doc = "[contract]: crate::contract"]
    #[doc = "[rule catalogue]: crate::contract#rule-catalogue"]
    #[doc = include_str!("../docs/rules.md")]
    pub mod rules {}

    /// Measured figures and how to reproduce them (`docs/performance.md`).
    #[doc = include_str!("../docs/performance.md")]
    pub mod performance {}

    /// Where things live, for contributors (`docs/architecture.md`).
    ///
    // `cargo doc --workspace` puts the store's documentation beside this crate's.
    #[doc = "[store guide]: ../../../incident_store/guide/index.html#keeping-the-history-in-a-store"]
    #[doc = include_str!("../docs/architecture.md")]
    pub mod architecture {}
}

/// The README's Rust example, compiled and run as a doctest (the README is
/// not the crate's documentation, but its example must work).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod comms;
mod exception;
mod finding;
mod impact;
mod incident;
mod incidents;
mod mitigation;
mod notes;
mod percent;
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
#[cfg(feature = "proptest")]
pub mod testkit;
mod text;
mod time;
mod time_zone;
mod triage;
mod verdict;
mod verification;
mod views;
mod whole;
mod wire;

pub use views::{cdevents, public, report, timeline_svg};

pub use comms::UpdateInput;
pub use exception::ExceptionInput;
pub use finding::Finding;
pub use impact::ImpactInput;
pub use incident::{
    Command, CommandBody, CommandId, CompactState, Decision, Incident, IncidentId, Outcome,
    ParseIdError, Phase, Snapshot, Transition,
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
    pub use crate::impact::MeasuredDropInput;
    pub use crate::incident::{
        AddNote, AssignRole, AssignRoles, BeginMonitoring, ChangeSeverity, CommandKind, Declare,
        EndMitigation, LiftBlock, PostUpdate, RecordCheck, RecordRootCause, Rename, Reopen,
        Resolve, ResumeInvestigation, StartMitigation, SubmitPostmortem, UnassignRole,
        UpdateImpact, parse_body,
    };
    pub use crate::incident::{
        CorrectImpact, LinkIncident, RecordFix, RecordProgress, ReviseOutcome,
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
    pub use crate::incident::records::{
        Amendment, Fix, ImpactCorrection, Link, LinkRelation, Progress,
    };
    pub use crate::mitigation::{
        Mitigation, MitigationEnd, MitigationOutcome, MitigationPurpose, MitigationRecord,
        OutcomeRevision, RiskLevel,
    };
    pub use crate::notes::{Note, RootCause};
    pub use crate::percent::{MeasuredDrop, Percent};
    pub use crate::roles::{Role, Roles};
    pub use crate::triage::{CheckRecord, TriageCheck};
}
