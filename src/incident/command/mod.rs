//! Commands: what senders ask of an incident, exactly as the contract
//! ([`crate::contract`], `docs/contract.md`) writes them.
//!
//! A command is one flat JSON object tagged by `type`, with the envelope
//! (`incident_id`, `command_id`, `at`, optional `expected_version` and `by`) beside the
//! body's fields. Text fields that a rule demands are `Option`s here so that
//! a missing or blank one is reported under that rule's id: an `Arc<str>`
//! where the incident's state keeps the text too (a title, a name, a
//! reason), so that the two share it instead of a second copy, and a
//! `Box<str>` (no counters, 16 bytes less) where only the history keeps it
//! (a note's or root cause's `text`, a check's `finding`, an update's
//! `impact` and `action`: the incident builds its notes, checks and updates
//! from the commands when they are read); everything else that is off (unknown field,
//! wrong type, unknown enum value, bad UUID or timestamp) fails to
//! deserialize and is `malformed-input`.
//!
//! The command table below is the one place a command type is defined; the
//! bodies are in `bodies.rs` and `recovery.rs` (each beside its
//! constructor), the reader in `read.rs`, the explanation of a refused line
//! in `explain.rs`, the writer in `write.rs` and the schema in `schema.rs`.
//!
//! In Rust, a command is built in one expression: a constructor per input
//! and body taking what is always sent, and a method per optional field.
//!
//! ```
//! use incident_playbook::{
//!     Command, ImpactInput, Incident, Playbook, RolesInput, Severity, UpdateInput,
//!     command::Declare, state::ImpactFlag,
//! };
//! let declare = Command::new(
//!     "e2181857-7398-5cf2-aad9-acc3150b8632".parse()?,
//!     "8f6383a5-2b74-5d87-8864-571d8340a53b".parse()?,
//!     "2026-05-04T09:05:00Z".parse()?,
//!     Declare::new("Slow document processing", Severity::Sev3)
//!         .impact(
//!             ImpactInput::new("production", "Tenants using OCR", "Document processing")
//!                 .started_at("2026-05-04T08:30:00Z".parse()?)
//!                 .flags([ImpactFlag::DegradedFeature]),
//!         )
//!         .roles(RolesInput::default().commander("Ada"))
//!         .update(
//!             UpdateInput::new("OCR is slow", "Checking provider status", "Ada")
//!                 .next_update("2026-05-04T10:05:00Z".parse()?),
//!         ),
//! );
//! let incident = Incident::declare(declare, &Playbook::default())?;
//! assert_eq!(incident.version(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The bodies and inputs are `#[non_exhaustive]` (a new optional wire field
//! is then no breaking change), so these are the way to build them; a struct
//! literal does not compile outside the crate:
//!
//! ```compile_fail
//! use incident_playbook::command::AddNote;
//! let note = AddNote { text: Some("Queue drains".into()), occurred_at: None };
//! ```

mod bodies;
mod explain;
mod read;
mod records;
mod recovery;
#[cfg(feature = "schema")]
mod schema;
mod write;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::comms::UpdateInput;
use crate::incident::flat::{Flat, FlatRef};
use crate::incident::id::{CommandId, IncidentId};
use crate::time::Timestamp;

pub use bodies::{
    AddNote, AssignRole, AssignRoles, ChangeSeverity, Declare, PostUpdate, RecordCheck,
    RecordRootCause, Rename, UnassignRole, UpdateImpact,
};
pub(crate) use explain::explain_malformed;
pub use read::parse_body;
use read::{NotACommand, Wire};
pub use records::{CorrectImpact, LinkIncident, RecordFix, RecordProgress};
pub use recovery::{
    BeginMonitoring, EndMitigation, LiftBlock, Reopen, Resolve, ResumeInvestigation, ReviseOutcome,
    StartMitigation, SubmitPostmortem,
};

/// The command table: every command type with its wire name and its body.
///
/// Everything a command type is follows from its row: [`CommandKind`],
/// [`CommandKind::ALL`], the wire names, [`CommandKind::body_fields`], the
/// [`CommandBody`] enum with a `From` conversion per body, the reader (each
/// field taken from the line, required when the body's field is not an
/// `Option`), the writer (each field written), the comms update the body
/// carries (its `update` field) and the list of body schemas. So a new
/// command is a row here, its body struct, its row in the phase table
/// (`phase.rs`) and its judge (`judge.rs`); a new wire field is also a row
/// of the field table (`flat.rs`).
///
/// A body is given as the type the [`CommandBody`] variant holds: boxed when
/// it carries nested inputs (see [`CommandBody`]), none for `close`; then its
/// wire fields, in the order messages list them. The list is held to the body
/// struct by the compiler (a field added to one and not the other does not
/// build), and to the command schema by `tests/it/schema.rs`.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident = $name:literal $(, $payload:ty { $($field:ident),* $(,)? })?;
    )*) => {
        /// The command types: the 17 of the playbook's wire contract and the crate's additions.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum CommandKind {
            $( $(#[doc = $doc])* #[serde(rename = $name)] $kind, )*
        }

        impl CommandKind {
            /// Every command type, in the wire contract's order (then the crate's additions).
            pub const ALL: [CommandKind; [$(CommandKind::$kind),*].len()] =
                [$(CommandKind::$kind),*];

            /// The envelope's fields, which every command type has besides
            /// its [`body_fields`](CommandKind::body_fields).
            ///
            /// ```
            /// use incident_playbook::command::CommandKind;
            /// assert_eq!(CommandKind::ENVELOPE_FIELDS[0], "type");
            /// assert!(CommandKind::ENVELOPE_FIELDS.contains(&"expected_version"));
            /// ```
            pub const ENVELOPE_FIELDS: [&'static str; 6] =
                ["type", "incident_id", "command_id", "at", "expected_version", "by"];

            /// The wire tag.
            pub const fn as_str(self) -> &'static str {
                match self { $( CommandKind::$kind => $name, )* }
            }

            /// The body fields of this command type, as the wire names them (the
            /// envelope's `type`, `incident_id`, `command_id`, `at`,
            /// `expected_version` and `by` are every type's).
            ///
            /// ```
            /// use incident_playbook::command::CommandKind;
            /// assert_eq!(CommandKind::AddNote.body_fields(), ["text", "occurred_at"]);
            /// assert!(CommandKind::Close.body_fields().is_empty());
            /// ```
            pub fn body_fields(self) -> &'static [&'static str] {
                match self {
                    $( CommandKind::$kind => commands!(@fields $kind $({ $($field),* })?), )*
                }
            }
        }

        /// The body of a command: what it asks, by type.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        // The bodies that carry nested inputs are boxed: every command is kept in
        // its incident's history, and an enum is as large as its largest variant, so
        // inline they made each `add_note` in a history as large as a `declare`.
        pub enum CommandBody {
            $( #[doc = concat!("`", $name, "`.")] $kind $(($payload))?, )*
        }

        impl CommandBody {
            /// The command type.
            pub fn kind(&self) -> CommandKind {
                match self { $( CommandBody::$kind { .. } => CommandKind::$kind, )* }
            }

            /// The comms update the command carries, if its type carries one.
            pub fn update(&self) -> Option<&UpdateInput> {
                match self {
                    $( CommandBody::$kind $((commands!(@bind b $payload)))? =>
                        commands!(@update as_ref b $([$($field)*])?), )*
                }
            }

            /// The comms update the command carries, to share its texts with the
            /// incident's state.
            pub(crate) fn update_mut(&mut self) -> Option<&mut UpdateInput> {
                match self {
                    $( CommandBody::$kind $((commands!(@bind b $payload)))? =>
                        commands!(@update as_mut b $([$($field)*])?), )*
                }
            }
        }

        $($(
            impl From<$kind> for CommandBody {
                fn from(body: $kind) -> Self {
                    let body: $payload = body.into();
                    CommandBody::$kind(body)
                }
            }
        )?)*

        /// Takes the fields of a `kind` body out of `flat`, leaving the others.
        fn take_body(flat: &mut Flat, kind: CommandKind) -> Result<CommandBody, NotACommand> {
            Ok(match kind {
                $( CommandKind::$kind =>
                    commands!(@take flat kind $kind $({ $($field),* })?), )*
            })
        }

        /// Sets the fields of `body` in `out`.
        fn fill<'a>(out: &mut FlatRef<'a>, body: &'a CommandBody) {
            match body {
                $( CommandBody::$kind $((commands!(@bind b $payload)))? => {
                    $($( out.$field = Wire::wire(&b.$field); )*)?
                } )*
            }
        }

        /// The schema of a command type's body; `None` for a body without fields.
        #[cfg(feature = "schema")]
        fn body_schema(
            kind: CommandKind,
            generator: &mut schemars::SchemaGenerator,
        ) -> Option<schemars::Schema> {
            match kind {
                $( CommandKind::$kind => commands!(@schema generator $kind $(, $payload)?), )*
            }
        }
    };
    (@fields $kind:ident) => { &[] };
    (@fields $kind:ident { $($field:ident),* }) => {{
        // Not called: it stops compiling when the body struct gains a field
        // that its row in the table does not list (or loses one it lists).
        fn _every_field_listed(body: $kind) {
            let $kind { $($field: _),* } = body;
        }
        &[$(stringify!($field)),*]
    }};
    // The name a body is bound to in a pattern (given by the caller, so
    // that the arm's expression sees it).
    (@bind $b:ident $payload:ty) => { $b };
    (@update $as:ident $b:ident) => { None };
    (@update $as:ident $b:ident []) => {{ let _ = $b; None }};
    (@update $as:ident $b:ident [update $($rest:ident)*]) => { $b.update.$as() };
    (@update $as:ident $b:ident [$other:ident $($rest:ident)*]) => {
        commands!(@update $as $b [$($rest)*])
    };
    (@take $flat:ident $k:ident $kind:ident) => { CommandBody::$kind };
    (@take $flat:ident $k:ident $kind:ident { $($field:ident),* }) => {
        CommandBody::from($kind {
            $( $field: Wire::take($flat.$field.take(), stringify!($field), $k)?, )*
        })
    };
    (@schema $generator:ident $kind:ident) => { None };
    (@schema $generator:ident $kind:ident, $payload:ty) => {
        Some(<$kind as schemars::JsonSchema>::json_schema($generator))
    };
}

commands! {
    /// Open a new incident.
    Declare = "declare", Box<Declare> { title, severity, impact, roles, update, detected_at };
    /// Post a comms update.
    PostUpdate = "post_update", Box<PostUpdate> { update };
    /// Raise or lower the severity.
    ChangeSeverity = "change_severity", Box<ChangeSeverity> { severity, reason, update, roles, impact };
    /// Give a role to a person.
    AssignRole = "assign_role", AssignRole { role, person };
    /// Take a role away.
    UnassignRole = "unassign_role", UnassignRole { role };
    /// Replace the impact.
    UpdateImpact = "update_impact", Box<UpdateImpact> { impact };
    /// Record a triage check.
    RecordCheck = "record_check", RecordCheck { check, finding, performed };
    /// Add a note.
    AddNote = "add_note", AddNote { text, occurred_at };
    /// Record the root cause.
    RecordRootCause = "record_root_cause", Box<RecordRootCause> { text, occurred_at, reason };
    /// Start a mitigation.
    StartMitigation = "start_mitigation", Box<StartMitigation> { mitigation, update, occurred_at, purpose, temporary };
    /// Watch a mitigation in place.
    BeginMonitoring = "begin_monitoring", Box<BeginMonitoring> { update };
    /// Go back to investigating.
    ResumeInvestigation = "resume_investigation", Box<ResumeInvestigation> { reason, update };
    /// Lift an endpoint block.
    LiftBlock = "lift_block", LiftBlock { endpoint };
    /// Resolve, with verification.
    Resolve = "resolve", Box<Resolve> { verification, update, exceptions };
    /// Reopen a resolved incident.
    Reopen = "reopen", Box<Reopen> { reason, update };
    /// Submit (or replace) the postmortem.
    SubmitPostmortem = "submit_postmortem", Box<SubmitPostmortem> { postmortem, reason };
    /// Close a resolved incident.
    Close = "close";
    /// Give several roles at once (an addition to the wire contract: handing
    /// over SEV1 comms moves the engineering lead and the communications
    /// owner together).
    AssignRoles = "assign_roles", Box<AssignRoles> { roles };
    /// End a mitigation with how it went; ending a temporary measure undoes
    /// it (an addition to the wire contract).
    EndMitigation = "end_mitigation", Box<EndMitigation> { number, outcome, note, occurred_at };
    /// Change the title, with a reason (an addition to the wire contract).
    Rename = "rename", Rename { title, reason };
    /// Revise an ended mitigation's outcome, with a reason (an addition to
    /// the wire contract).
    ReviseOutcome = "revise_outcome", ReviseOutcome { number, outcome, reason };
    /// Record how much of a restoration is done (an addition to the wire contract).
    RecordProgress = "record_progress", Box<RecordProgress> { percent, note, expected_completion, occurred_at };
    /// Correct the impact: what it was all along, and why (an addition to the wire contract).
    CorrectImpact = "correct_impact", Box<CorrectImpact> { impact, reason };
    /// Link another incident (an addition to the wire contract).
    LinkIncident = "link_incident", Box<LinkIncident> { incident, relation, note };
    /// Record a fix deployed (an addition to the wire contract).
    RecordFix = "record_fix", RecordFix { description, outcome, occurred_at };
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One command: the envelope and the body.
///
/// **Sending it twice.** An incident remembers every accepted command by its
/// `command_id`. The same id again with a command equal in every field after
/// parsing (`at` and `expected_version` included; `Z` and `+00:00`, or upper-
/// and lower-case UUIDs, are equal) is a duplicate: accepted, and nothing
/// changes ([`Outcome::Duplicate`](crate::Outcome)). The same id with
/// anything else is `command-id-reused`. A refused command is not remembered.
/// [`Incident::command`](crate::Incident::command) gives what was accepted
/// under an id.
///
/// ```
/// use incident_playbook::{Command, CommandBody, command::CommandKind};
/// let line = r#"{"type": "add_note", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
///   "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576", "at": "2026-05-04T09:12:00Z",
///   "text": "Deploy 2026.05.04-1 at 09:02 matches the start."}"#;
/// let cmd: Command = serde_json::from_str(line).unwrap();
/// assert_eq!(cmd.kind(), CommandKind::AddNote);
/// // Serializing gives the same flat shape back.
/// let again: Command = serde_json::from_str(&serde_json::to_string(&cmd).unwrap()).unwrap();
/// assert_eq!(again, cmd);
///
/// // Unknown fields, also those of another command type, are refused.
/// let typo = line.replace("\"text\"", "\"txt\"");
/// assert!(serde_json::from_str::<Command>(&typo).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The incident it is for.
    pub incident_id: IncidentId,
    /// Unique per incident; the same command sent twice is applied once.
    pub command_id: CommandId,
    /// When it happened.
    pub at: Timestamp,
    /// Optimistic concurrency: the version the sender saw.
    pub expected_version: Option<u64>,
    /// Who sent it: a person's name (a name-class text), recorded in the
    /// history and shown in the views. Optional: a command without it was
    /// sent by someone unnamed. An authenticated service stamps it.
    pub by: Option<Arc<str>>,
    /// What it asks.
    pub body: CommandBody,
}

impl Command {
    /// A command without an expected version.
    pub fn new(
        incident_id: IncidentId,
        command_id: CommandId,
        at: Timestamp,
        body: impl Into<CommandBody>,
    ) -> Self {
        Command {
            incident_id,
            command_id,
            at,
            expected_version: None,
            by: None,
            body: body.into(),
        }
    }

    /// The same command, sent by `person` (the envelope's `by`).
    ///
    /// ```
    /// use incident_playbook::{Command, command::AddNote};
    /// let cmd = Command::new(
    ///     "e2181857-7398-5cf2-aad9-acc3150b8632".parse()?,
    ///     "32803c2f-c9a4-5f3e-ad4f-66079c55a576".parse()?,
    ///     "2026-05-04T09:12:00Z".parse()?,
    ///     AddNote::new("Queue drains"),
    /// )
    /// .by("Grace");
    /// assert_eq!(cmd.sender(), Some("Grace"));
    /// assert!(serde_json::to_string(&cmd)?.contains(r#""by":"Grace""#));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn by(mut self, person: impl Into<String>) -> Self {
        self.by = Some(crate::wire::shared(person));
        self
    }

    /// Who sent it, if the envelope says.
    pub fn sender(&self) -> Option<&str> {
        self.by.as_deref()
    }

    /// The same command, expecting the incident at `version`.
    pub fn expecting(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }

    /// The command type.
    pub fn kind(&self) -> CommandKind {
        self.body.kind()
    }
}
