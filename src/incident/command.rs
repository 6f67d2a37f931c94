//! Commands: what senders ask of an incident, exactly as the contract
//! ([`crate::contract`], `docs/contract.md`) writes them.
//!
//! A command is one flat JSON object tagged by `type`, with the envelope
//! (`incident_id`, `command_id`, `at`, optional `expected_version`) beside the
//! body's fields. Text fields that a rule demands are `Option<Arc<str>>` here
//! so that a missing or blank one is reported under that rule's id (and an
//! `Arc` so that the incident's state shares the text the history keeps,
//! instead of a second copy: issue 13); everything
//! else that is off (unknown field, wrong type, unknown enum value, bad UUID
//! or timestamp) fails to deserialize and is `malformed-input`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::comms::UpdateInput;
use crate::exception::ExceptionInput;
use crate::impact::ImpactInput;
use crate::incident::flat::{Field, Flat};
use crate::incident::id::{CommandId, IncidentId};
use crate::mitigation::{MitigationInput, MitigationOutcome};
use crate::postmortem::PostmortemInput;
use crate::roles::{Role, RolesInput};
use crate::rule::{Rejection, Rule, Violation};
use crate::severity::Severity;
#[cfg(feature = "schema")]
use crate::text::{LongText, Name, ShortText};
use crate::time::Timestamp;
use crate::triage::TriageCheck;
use crate::verification::Verification;

/// The command table: every command type with its wire name and its body.
///
/// From this one table come [`CommandKind`], [`CommandKind::ALL`], the wire
/// names, [`CommandKind::body_fields`], the [`CommandBody`] enum with a `From`
/// conversion per body, and the list of body schemas; so a new command is a
/// row here, its body struct, its row in the phase table (`phase.rs`) and its
/// check (`checks.rs`).
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

            /// The wire tag.
            pub fn as_str(self) -> &'static str {
                match self { $( CommandKind::$kind => $name, )* }
            }

            /// The body fields of this command type, as the wire names them (the
            /// envelope's `type`, `incident_id`, `command_id`, `at` and
            /// `expected_version` are every type's).
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
        }

        $($(
            impl From<$kind> for CommandBody {
                fn from(body: $kind) -> Self {
                    let body: $payload = body.into();
                    CommandBody::$kind(body)
                }
            }
        )?)*

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
    RecordCheck = "record_check", RecordCheck { check, finding };
    /// Add a note.
    AddNote = "add_note", AddNote { text, occurred_at };
    /// Record the root cause.
    RecordRootCause = "record_root_cause", RecordRootCause { text };
    /// Start a mitigation.
    StartMitigation = "start_mitigation", Box<StartMitigation> { mitigation, update, occurred_at };
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
    SubmitPostmortem = "submit_postmortem", Box<SubmitPostmortem> { postmortem };
    /// Close a resolved incident.
    Close = "close";
    /// Give several roles at once (an addition to the wire contract: handing
    /// over SEV1 comms moves the engineering lead and the communications
    /// owner together).
    AssignRoles = "assign_roles", Box<AssignRoles> { roles };
    /// End a mitigation with how it went; ending a temporary measure undoes
    /// it (an addition to the wire contract: issue 10, mitigations with a life).
    EndMitigation = "end_mitigation", EndMitigation { number, outcome, note };
    /// Change the title, with a reason (an addition to the wire contract:
    /// issue 10, true times and titles).
    Rename = "rename", Rename { title, reason };
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `declare`: open a new incident.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Declare {
    /// A short title.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub title: Option<Arc<str>>,
    /// The severity, at least the floor of the impact flags.
    pub severity: Severity,
    /// The confirmed impact.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub impact: Option<ImpactInput>,
    /// The roles; SEV1 needs scribe, engineering lead and communications owner.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub roles: Option<RolesInput>,
    /// The first comms update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
    /// When the problem was detected, if before the declaration (`at`):
    /// no later than `at`, not before the impact started.
    pub detected_at: Option<Timestamp>,
}

/// `post_update`: post a comms update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PostUpdate {
    /// The update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

/// `change_severity`: raise or lower the severity, with the roles it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ChangeSeverity {
    /// The new severity; must differ from the current one.
    pub severity: Severity,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
    /// The comms update announcing it.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
    /// Roles assigned in the same step (roles not named are kept).
    pub roles: Option<RolesInput>,
    /// A new impact, replacing the current one.
    pub impact: Option<ImpactInput>,
}

/// `assign_role`: give a role to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AssignRole {
    /// The role.
    pub role: Role,
    /// Who takes it.
    #[cfg_attr(feature = "schema", schemars(with = "Name"))]
    pub person: Option<Arc<str>>,
}

/// `assign_roles`: give several roles at once; roles not named are kept.
///
/// This crate's addition to the commands it started from. The role rules hold after every command, so in a
/// SEV1 incident the engineering lead and the communications owner (who must
/// be the same person) can only be handed over together.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AssignRoles {
    /// The roles to give, by role name.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub roles: Option<RolesInput>,
}

/// `unassign_role`: take a role away.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UnassignRole {
    /// The role.
    pub role: Role,
}

/// `update_impact`: replace the impact.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UpdateImpact {
    /// The new impact.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub impact: Option<ImpactInput>,
}

/// `record_check`: record one of the five triage checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordCheck {
    /// Which check.
    pub check: TriageCheck,
    /// What it found.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub finding: Option<Arc<str>>,
}

/// `add_note`: add a note to the record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AddNote {
    /// The note.
    #[cfg_attr(feature = "schema", schemars(with = "LongText"))]
    pub text: Option<Arc<str>>,
    /// When what it tells really happened, if before `at`: no later than
    /// `at`, not before the impact started.
    pub occurred_at: Option<Timestamp>,
}

/// `record_root_cause`: record the root cause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordRootCause {
    /// The root cause.
    #[cfg_attr(feature = "schema", schemars(with = "LongText"))]
    pub text: Option<Arc<str>>,
}

/// `start_mitigation`: start one of the playbook's mitigations.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct StartMitigation {
    /// The mitigation.
    pub mitigation: MitigationInput,
    /// The comms update announcing it.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
    /// When it really started, if before `at`: no later than `at`, not
    /// before the impact started.
    pub occurred_at: Option<Timestamp>,
}

/// `begin_monitoring`: the mitigation is in place; watch it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BeginMonitoring {
    /// The comms update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

/// `resume_investigation`: the mitigation did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ResumeInvestigation {
    /// Why.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
    /// The comms update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

/// `lift_block`: lift the block of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LiftBlock {
    /// The blocked endpoint.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub endpoint: Option<Arc<str>>,
}

/// `end_mitigation`: end a mitigation, saying how it went.
///
/// Ending a temporary measure (a disabled dependency, a paused rollout, a
/// blocked endpoint) means it was undone; for a block, `lift_block` does the
/// same with the outcome `helped`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct EndMitigation {
    /// The mitigation's number in its incident: 1 for the first started.
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub number: u64,
    /// How it went.
    pub outcome: MitigationOutcome,
    /// What was seen, optional.
    #[cfg_attr(feature = "schema", schemars(with = "Option<ShortText>"))]
    pub note: Option<Arc<str>>,
}

/// `rename`: change the incident's title, saying why.
///
/// The titles an incident had are its history's: the `declare`'s, then
/// every `rename`'s (in Rust, `Incident::renames`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Rename {
    /// The new title.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub title: Option<Arc<str>>,
    /// Why.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
}

/// `resolve`: resolve, with the verification that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Resolve {
    /// What was checked.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub verification: Option<Verification>,
    /// Failing checks the commander accepts, each with the reason
    /// (`exception-*` rules); a check it names breaks no `verification-*` rule.
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub exceptions: Option<Vec<ExceptionInput>>,
    /// The comms update (no next update needed).
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

/// `reopen`: a resolved incident is back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Reopen {
    /// Why.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
    /// The comms update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

/// `submit_postmortem`: submit the postmortem, replacing any earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SubmitPostmortem {
    /// The postmortem.
    pub postmortem: PostmortemInput,
}

impl CommandBody {
    /// The comms update the command carries, to share its texts with the
    /// incident's state.
    pub(crate) fn update_mut(&mut self) -> Option<&mut UpdateInput> {
        match self {
            CommandBody::Declare(b) => b.update.as_mut(),
            CommandBody::PostUpdate(b) => b.update.as_mut(),
            CommandBody::ChangeSeverity(b) => b.update.as_mut(),
            CommandBody::StartMitigation(b) => b.update.as_mut(),
            CommandBody::BeginMonitoring(b) => b.update.as_mut(),
            CommandBody::ResumeInvestigation(b) => b.update.as_mut(),
            CommandBody::Resolve(b) => b.update.as_mut(),
            CommandBody::Reopen(b) => b.update.as_mut(),
            _ => None,
        }
    }

    /// The comms update the command carries, if its type carries one.
    pub fn update(&self) -> Option<&UpdateInput> {
        match self {
            CommandBody::Declare(b) => b.update.as_ref(),
            CommandBody::PostUpdate(b) => b.update.as_ref(),
            CommandBody::ChangeSeverity(b) => b.update.as_ref(),
            CommandBody::StartMitigation(b) => b.update.as_ref(),
            CommandBody::BeginMonitoring(b) => b.update.as_ref(),
            CommandBody::ResumeInvestigation(b) => b.update.as_ref(),
            CommandBody::Resolve(b) => b.update.as_ref(),
            CommandBody::Reopen(b) => b.update.as_ref(),
            CommandBody::AssignRole(_)
            | CommandBody::UnassignRole(_)
            | CommandBody::AssignRoles(_)
            | CommandBody::UpdateImpact(_)
            | CommandBody::RecordCheck(_)
            | CommandBody::AddNote(_)
            | CommandBody::RecordRootCause(_)
            | CommandBody::LiftBlock(_)
            | CommandBody::SubmitPostmortem(_)
            | CommandBody::EndMitigation(_)
            | CommandBody::Rename(_)
            | CommandBody::Close => None,
        }
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
            body: body.into(),
        }
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

// ---- serde: one flat object ----
//
/// Why a flat object that parsed is not a command: the message, and the
/// field it is about (`None` for the object as a whole).
struct NotACommand {
    field: Option<&'static str>,
    message: String,
}

impl NotACommand {
    fn whole(message: &str) -> Self {
        NotACommand {
            field: None,
            message: message.to_owned(),
        }
    }
}

fn required<T>(field: Field<T>, name: &'static str, kind: CommandKind) -> Result<T, NotACommand> {
    field.flatten().ok_or_else(|| NotACommand {
        field: Some(name),
        message: format!("missing field `{name}` (required by `{kind}`)"),
    })
}

/// The envelope's fields, which every command type has.
const ENVELOPE: [&str; 5] = [
    "type",
    "incident_id",
    "command_id",
    "at",
    "expected_version",
];

/// "`type`, `incident_id`, … and `text`": the fields a `kind` command has.
fn fields_of(kind: CommandKind) -> String {
    let all: Vec<String> = ENVELOPE
        .iter()
        .chain(kind.body_fields())
        .map(|f| format!("`{f}`"))
        .collect();
    all.join(", ")
}

/// "`type`, `text`, `occurred_at`": the fields a `kind` body has.
fn body_fields_of(kind: CommandKind) -> String {
    let all: Vec<String> = std::iter::once(&"type")
        .chain(kind.body_fields())
        .map(|f| format!("`{f}`"))
        .collect();
    all.join(", ")
}

impl Flat {
    fn take_command(&mut self) -> Result<Command, NotACommand> {
        let missing = |field: &'static str| NotACommand {
            field: None,
            message: format!("missing field `{field}`"),
        };
        // Taken like the body's fields, so that none is left over.
        let kind = self.kind.take().ok_or_else(|| missing("type"))?;
        let incident_id = self
            .incident_id
            .take()
            .ok_or_else(|| missing("incident_id"))?;
        let command_id = self
            .command_id
            .take()
            .ok_or_else(|| missing("command_id"))?;
        let at = self.at.take().ok_or_else(|| missing("at"))?;
        let expected_version = self.expected_version.take();
        let body = self.take_all(kind, Shape::Command)?;
        Ok(Command {
            incident_id,
            command_id,
            at,
            expected_version,
            body,
        })
    }

    /// A body alone, for a command whose envelope comes from elsewhere (the
    /// URL, the server's clock): the envelope's fields are refused.
    fn take_lone_body(&mut self) -> Result<CommandBody, NotACommand> {
        let kind = self.kind.take().ok_or_else(|| NotACommand {
            field: None,
            message: "missing field `type`".to_owned(),
        })?;
        let envelope = [
            ("incident_id", self.incident_id.is_some()),
            ("command_id", self.command_id.is_some()),
            ("at", self.at.is_some()),
            ("expected_version", self.expected_version.is_some()),
        ];
        if let Some((field, _)) = envelope.into_iter().find(|(_, given)| *given) {
            return Err(NotACommand {
                field: Some(field),
                message: format!(
                    "`{field}` belongs to the envelope, not to a `{kind}` body, which has {}",
                    body_fields_of(kind)
                ),
            });
        }
        self.take_all(kind, Shape::Body)
    }

    /// The `kind` body, refusing any field left over.
    fn take_all(&mut self, kind: CommandKind, shape: Shape) -> Result<CommandBody, NotACommand> {
        let body = self.take_body(kind)?;
        match self.first_present() {
            Some(field) => Err(NotACommand {
                field: Some(field),
                message: format!(
                    "unknown field `{field}` for a `{kind}` {}, which has {}",
                    shape.noun(),
                    shape.fields(kind)
                ),
            }),
            None => Ok(body),
        }
    }

    /// Takes the fields of a `kind` body out of `self`, leaving the others.
    fn take_declare(&mut self, kind: CommandKind) -> Result<Declare, NotACommand> {
        Ok(Declare {
            title: self.title.take().flatten(),
            severity: required(self.severity.take(), "severity", kind)?,
            impact: self.impact.take().flatten(),
            roles: self.roles.take().flatten(),
            update: self.update.take().flatten(),
            detected_at: self.detected_at.take().flatten(),
        })
    }

    fn take_body(&mut self, kind: CommandKind) -> Result<CommandBody, NotACommand> {
        use CommandKind as K;
        Ok(match kind {
            K::Declare => CommandBody::from(self.take_declare(kind)?),
            K::PostUpdate => CommandBody::from(PostUpdate {
                update: self.update.take().flatten(),
            }),
            K::ChangeSeverity => CommandBody::from(ChangeSeverity {
                severity: required(self.severity.take(), "severity", kind)?,
                reason: self.reason.take().flatten(),
                update: self.update.take().flatten(),
                roles: self.roles.take().flatten(),
                impact: self.impact.take().flatten(),
            }),
            K::AssignRole => CommandBody::from(AssignRole {
                role: required(self.role.take(), "role", kind)?,
                person: self.person.take().flatten(),
            }),
            K::UnassignRole => CommandBody::from(UnassignRole {
                role: required(self.role.take(), "role", kind)?,
            }),
            K::AssignRoles => CommandBody::from(AssignRoles {
                roles: self.roles.take().flatten(),
            }),
            K::UpdateImpact => CommandBody::from(UpdateImpact {
                impact: self.impact.take().flatten(),
            }),
            K::RecordCheck => CommandBody::from(RecordCheck {
                check: required(self.check.take(), "check", kind)?,
                finding: self.finding.take().flatten(),
            }),
            K::AddNote => CommandBody::from(AddNote {
                text: self.text.take().flatten(),
                occurred_at: self.occurred_at.take().flatten(),
            }),
            K::RecordRootCause => CommandBody::from(RecordRootCause {
                text: self.text.take().flatten(),
            }),
            K::StartMitigation => CommandBody::from(StartMitigation {
                mitigation: required(self.mitigation.take(), "mitigation", kind)?,
                update: self.update.take().flatten(),
                occurred_at: self.occurred_at.take().flatten(),
            }),
            K::BeginMonitoring => CommandBody::from(BeginMonitoring {
                update: self.update.take().flatten(),
            }),
            K::ResumeInvestigation => CommandBody::from(ResumeInvestigation {
                reason: self.reason.take().flatten(),
                update: self.update.take().flatten(),
            }),
            K::LiftBlock => CommandBody::from(LiftBlock {
                endpoint: self.endpoint.take().flatten(),
            }),
            K::Resolve => CommandBody::from(Resolve {
                verification: self.verification.take().flatten(),
                exceptions: self.exceptions.take().flatten(),
                update: self.update.take().flatten(),
            }),
            K::Reopen => CommandBody::from(Reopen {
                reason: self.reason.take().flatten(),
                update: self.update.take().flatten(),
            }),
            K::SubmitPostmortem => CommandBody::from(SubmitPostmortem {
                postmortem: required(self.postmortem.take(), "postmortem", kind)?,
            }),
            K::Close => CommandBody::Close,
            K::EndMitigation => CommandBody::from(EndMitigation {
                number: required(self.number.take(), "number", kind)?,
                outcome: required(self.outcome.take(), "outcome", kind)?,
                note: self.note.take().flatten(),
            }),
            K::Rename => CommandBody::from(Rename {
                title: self.title.take().flatten(),
                reason: self.reason.take().flatten(),
            }),
        })
    }
}

/// [`Flat`] as [`Flat::fill`] reads it, for the path-tracking second read.
struct StrictFlat(Flat);

impl<'de> Deserialize<'de> for StrictFlat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut flat = Flat::default();
        flat.fill(deserializer)?;
        Ok(StrictFlat(flat))
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut flat = Flat::default();
        flat.fill(deserializer)?;
        flat.take_command()
            .map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// A body without its envelope: `{"type": "add_note", "text": "…"}`.
///
/// It is read as strictly as a command (unknown fields, fields of other
/// command types and the envelope's fields are refused), for a service that
/// takes the ids from the URL and the time from its clock, and builds the
/// [`Command`] with [`Command::new`]. [`parse_body`] gives the JSON path of
/// what is wrong. A body serializes to the same shape, for a client of such
/// a service.
///
/// ```
/// use incident_playbook::{Command, CommandBody, CommandId, IncidentId, command::CommandKind};
/// let body: CommandBody = serde_json::from_str(r#"{"type": "add_note", "text": "Queue drains"}"#)?;
/// assert_eq!(body.kind(), CommandKind::AddNote);
/// let incident: IncidentId = "e2181857-7398-5cf2-aad9-acc3150b8632".parse()?;
/// let id: CommandId = "32803c2f-c9a4-5f3e-ad4f-66079c55a576".parse()?;
/// let cmd = Command::new(incident, id, "2026-05-04T09:12:00Z".parse()?, body).expecting(3);
/// assert_eq!(cmd.expected_version, Some(3));
///
/// assert_eq!(serde_json::to_string(&cmd.body)?, r#"{"type":"add_note","text":"Queue drains"}"#);
///
/// // The envelope's fields are not a body's.
/// let with_id = r#"{"type": "close", "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576"}"#;
/// assert!(serde_json::from_str::<CommandBody>(with_id).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<'de> Deserialize<'de> for CommandBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut flat = Flat::default();
        flat.fill(deserializer)?;
        flat.take_lone_body()
            .map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Parses a command body without its envelope (see [`CommandBody`]).
///
/// # Errors
///
/// `malformed-input` at the JSON path of what is wrong, as
/// [`parse_command`](crate::parse_command) gives it for a whole command.
///
/// ```
/// use incident_playbook::{Rule, command::parse_body};
/// let refused = parse_body(r#"{"type": "add_note", "txt": "typo"}"#).unwrap_err();
/// let v = &refused.violations()[0];
/// assert_eq!((v.rule(), v.path()), (Rule::MalformedInput, Some("txt")));
/// assert!(v.message().contains("a `add_note` body has `type`, `text`, `occurred_at`"), "{v}");
/// ```
pub fn parse_body(json: &str) -> Result<CommandBody, Rejection> {
    serde_json::from_str(json).map_err(|_| {
        let why = explain(json, Shape::Body, Flat::take_lone_body);
        Violation::new(Rule::MalformedInput, why.message, why.path.as_deref()).into()
    })
}

/// Why a line is not a command, and the JSON path of what is wrong (`None`
/// for the line as a whole).
pub(crate) struct Malformed {
    pub(crate) path: Option<String>,
    pub(crate) message: String,
}

/// Explains why `line`, which does not parse as a [`Command`], does not:
/// it is read again, tracking the JSON path (issue 12 §4). Only a refused
/// line pays for the tracking; a line that parses is read once, untracked.
pub(crate) fn explain_malformed(line: &str) -> Malformed {
    explain(line, Shape::Command, Flat::take_command)
}

/// What is read: a whole command, or a body without its envelope.
#[derive(Clone, Copy)]
enum Shape {
    Command,
    Body,
}

impl Shape {
    fn noun(self) -> &'static str {
        match self {
            Shape::Command => "command",
            Shape::Body => "body",
        }
    }

    /// The fields a `kind` command or body has, for messages.
    fn fields(self, kind: CommandKind) -> String {
        match self {
            Shape::Command => fields_of(kind),
            Shape::Body => body_fields_of(kind),
        }
    }
}

/// Why `line` is not what `finish` makes of a flat object of `shape`.
fn explain<T>(
    line: &str,
    shape: Shape,
    finish: fn(&mut Flat) -> Result<T, NotACommand>,
) -> Malformed {
    let mut de = serde_json::Deserializer::from_str(line);
    let mut flat = match serde_path_to_error::deserialize::<_, StrictFlat>(&mut de) {
        Ok(StrictFlat(flat)) => flat,
        Err(e) => return from_serde(line, e, shape),
    };
    if let Err(e) = de.end() {
        return Malformed {
            path: None,
            message: column_only(&e),
        };
    }
    let e = match finish(&mut flat) {
        Err(e) => e,
        Ok(_) => NotACommand::whole("the line is not a command"),
    };
    Malformed {
        path: e.field.map(str::to_owned),
        message: e.message,
    }
}

/// serde's message without its "line 1": serde counts lines inside the one
/// line it read, so its "line 1" would be read as the file's first line; the
/// caller names the line, the message says the column in it.
fn column_only(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&suffix) {
        Some(head) if e.line() == 1 => format!("{head} at column {}", e.column()),
        _ => message,
    }
}

/// serde's error, at its path. An unknown field of the command's own object
/// is named with the fields of the line's command type rather than serde's
/// list of every type's.
fn from_serde(
    line: &str,
    e: serde_path_to_error::Error<serde_json::Error>,
    shape: Shape,
) -> Malformed {
    let mut path = e.path().to_string();
    // `?` is a key that could not be read (the syntax broke there): the path
    // is its object's.
    if path == "?" || path == "." {
        path.clear();
    } else if let Some(object) = path.strip_suffix(".?") {
        path = object.to_owned();
    }
    let inner = e.into_inner();
    let message = column_only(&inner);
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, ").map(|(field, _)| field.to_owned()));
    // The path of an unknown field ends with the field: at the top, it is
    // the field alone.
    match unknown {
        Some(field) if path == field => {
            #[derive(Deserialize)]
            struct Tag {
                #[serde(rename = "type")]
                kind: Option<CommandKind>,
            }
            let kind = serde_json::from_str::<Tag>(line).ok().and_then(|t| t.kind);
            let has = match kind {
                Some(kind) => format!("a `{kind}` {} has {}", shape.noun(), shape.fields(kind)),
                None => format!(
                    "every {} has {} and its type's fields",
                    shape.noun(),
                    shape.fields(CommandKind::Close)
                ),
            };
            Malformed {
                message: format!(
                    "unknown field `{field}`: {has} at column {}",
                    inner.column()
                ),
                path: Some(field),
            }
        }
        _ => Malformed {
            path: (!path.is_empty()).then_some(path),
            message,
        },
    }
}

#[derive(Serialize)]
struct FlatRef<'a> {
    #[serde(rename = "type")]
    kind: CommandKind,
    // `None` only for a body written without its envelope.
    #[serde(skip_serializing_if = "Option::is_none")]
    incident_id: Option<&'a IncidentId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command_id: Option<&'a CommandId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<&'a Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<TriageCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finding: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<&'a ImpactInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<&'a RolesInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mitigation: Option<&'a MitigationInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exceptions: Option<&'a Vec<ExceptionInput>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    postmortem: Option<&'a PostmortemInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update: Option<&'a UpdateInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<MitigationOutcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detected_at: Option<&'a Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurred_at: Option<&'a Timestamp>,
}

impl<'a> FlatRef<'a> {
    /// The envelope of `cmd`, without any body field.
    fn envelope(cmd: &'a Command) -> Self {
        FlatRef {
            incident_id: Some(&cmd.incident_id),
            command_id: Some(&cmd.command_id),
            at: Some(&cmd.at),
            expected_version: cmd.expected_version,
            ..FlatRef::bare(cmd.kind())
        }
    }

    /// A `kind` object without any field but `type`.
    fn bare(kind: CommandKind) -> Self {
        FlatRef {
            kind,
            incident_id: None,
            command_id: None,
            at: None,
            expected_version: None,
            title: None,
            severity: None,
            reason: None,
            role: None,
            person: None,
            check: None,
            finding: None,
            text: None,
            endpoint: None,
            impact: None,
            roles: None,
            mitigation: None,
            verification: None,
            exceptions: None,
            postmortem: None,
            update: None,
            number: None,
            outcome: None,
            note: None,
            detected_at: None,
            occurred_at: None,
        }
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut f = FlatRef::envelope(self);
        f.fill(&self.body);
        f.serialize(serializer)
    }
}

impl Serialize for CommandBody {
    /// `{"type": …, body fields}`, as [`parse_body`] reads it back.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut f = FlatRef::bare(self.kind());
        f.fill(self);
        f.serialize(serializer)
    }
}

impl<'a> FlatRef<'a> {
    /// Sets the fields of `body`.
    fn fill(&mut self, body: &'a CommandBody) {
        let f = self;
        f.update = body.update();
        match body {
            CommandBody::Declare(b) => {
                f.title = b.title.as_ref();
                f.severity = Some(b.severity);
                f.impact = b.impact.as_ref();
                f.roles = b.roles.as_ref();
                f.detected_at = b.detected_at.as_ref();
            }
            CommandBody::ChangeSeverity(b) => {
                f.severity = Some(b.severity);
                f.reason = b.reason.as_ref();
                f.roles = b.roles.as_ref();
                f.impact = b.impact.as_ref();
            }
            CommandBody::AssignRole(b) => {
                f.role = Some(b.role);
                f.person = b.person.as_ref();
            }
            CommandBody::UnassignRole(b) => f.role = Some(b.role),
            CommandBody::AssignRoles(b) => f.roles = b.roles.as_ref(),
            CommandBody::UpdateImpact(b) => f.impact = b.impact.as_ref(),
            CommandBody::RecordCheck(b) => {
                f.check = Some(b.check);
                f.finding = b.finding.as_ref();
            }
            CommandBody::AddNote(b) => {
                f.text = b.text.as_ref();
                f.occurred_at = b.occurred_at.as_ref();
            }
            CommandBody::RecordRootCause(b) => f.text = b.text.as_ref(),
            CommandBody::StartMitigation(b) => {
                f.mitigation = Some(&b.mitigation);
                f.occurred_at = b.occurred_at.as_ref();
            }
            CommandBody::ResumeInvestigation(b) => f.reason = b.reason.as_ref(),
            CommandBody::LiftBlock(b) => f.endpoint = b.endpoint.as_ref(),
            CommandBody::Resolve(b) => {
                f.verification = b.verification.as_ref();
                f.exceptions = b.exceptions.as_ref();
            }
            CommandBody::Reopen(b) => f.reason = b.reason.as_ref(),
            CommandBody::SubmitPostmortem(b) => f.postmortem = Some(&b.postmortem),
            CommandBody::EndMitigation(b) => {
                f.number = Some(b.number);
                f.outcome = Some(b.outcome);
                f.note = b.note.as_ref();
            }
            CommandBody::Rename(b) => {
                f.title = b.title.as_ref();
                f.reason = b.reason.as_ref();
            }
            CommandBody::PostUpdate(_) | CommandBody::BeginMonitoring(_) | CommandBody::Close => {}
        }
    }
}

#[cfg(feature = "schema")]
mod schema {
    use super::*;
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use serde_json::{Map, Value};
    use std::borrow::Cow;

    /// The hyphenated form only, as [`IncidentId`] and [`CommandId`] read it.
    const UUID_PATTERN: &str =
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    /// sev1-needs-scribe, sev1-comms-by-engineering-lead: a SEV1 declaration
    /// names a scribe, an engineering lead and a communications owner.
    fn sev1_roles(object: &mut Map<String, Value>) {
        object.insert(
            "if".into(),
            serde_json::json!({"properties": {"severity": {"const": "SEV1"}}, "required": ["severity"]}),
        );
        object.insert(
            "then".into(),
            serde_json::json!({"properties": {"roles": {
                "type": "object",
                "required": ["commander", "scribe", "engineering_lead", "communications_owner"],
                "properties": {
                    "commander": {"type": "string"},
                    "scribe": {"type": "string"},
                    "engineering_lead": {"type": "string"},
                    "communications_owner": {"type": "string"}
                }
            }}}),
        );
    }

    fn variant(kind: CommandKind, body: Option<Schema>, generator: &mut SchemaGenerator) -> Value {
        let mut properties = Map::new();
        properties.insert(
            "type".into(),
            json_schema!({"const": kind.as_str()}).to_value(),
        );
        properties.insert(
            "incident_id".into(),
            json_schema!({"type": "string", "format": "uuid", "pattern": UUID_PATTERN, "description": "The incident it is for."}).to_value(),
        );
        properties.insert(
            "command_id".into(),
            json_schema!({"type": "string", "format": "uuid", "pattern": UUID_PATTERN, "description": "Unique per incident; the same command sent twice is applied once."}).to_value(),
        );
        properties.insert(
            "at".into(),
            generator.subschema_for::<Timestamp>().to_value(),
        );
        properties.insert(
            "expected_version".into(),
            json_schema!({"type": ["integer", "null"], "minimum": 0, "description": "Optimistic concurrency (`version-conflict`): the version the sender saw."}).to_value(),
        );
        let mut required: Vec<Value> = ["type", "incident_id", "command_id", "at"]
            .into_iter()
            .map(Value::from)
            .collect();
        let mut description = Value::Null;
        if let Some(body) = body {
            let body = body.to_value();
            if let Some(props) = body.get("properties").and_then(Value::as_object) {
                properties.extend(props.clone());
            }
            if let Some(req) = body.get("required").and_then(Value::as_array) {
                required.extend(req.iter().cloned());
            }
            description = body.get("description").cloned().unwrap_or(Value::Null);
        }
        let mut object = Map::new();
        object.insert("title".into(), Value::from(kind.as_str()));
        if !description.is_null() {
            object.insert("description".into(), description);
        }
        object.insert("type".into(), Value::from("object"));
        object.insert("properties".into(), Value::Object(properties));
        object.insert("required".into(), Value::Array(required));
        object.insert("additionalProperties".into(), Value::Bool(false));
        if kind == CommandKind::Declare {
            sev1_roles(&mut object);
        }
        Value::Object(object)
    }

    /// The name of the tagged union of all variants in `$defs`, for code generators.
    const UNION: &str = "AnyCommand";

    /// The `allOf` entry that sends a command of type `kind` to its variant.
    fn dispatch(kind: CommandKind) -> Value {
        serde_json::json!({
            "if": {"properties": {"type": {"const": kind.as_str()}}, "required": ["type"]},
            "then": {"$ref": format!("#/$defs/{}", kind.as_str())},
        })
    }

    /// The same variants as a `oneOf` with an OpenAPI-style `discriminator`: what
    /// generators (datamodel-code-generator, json-schema-to-typescript) turn into a
    /// tagged union. Validators never reach it (nothing refers to it), because a
    /// failing `oneOf` hides which field is wrong behind "not valid under any".
    fn union() -> Value {
        let refs: Vec<Value> = CommandKind::ALL
            .into_iter()
            .map(|kind| serde_json::json!({"$ref": format!("#/$defs/{}", kind.as_str())}))
            .collect();
        serde_json::json!({
            "title": UNION,
            "description": "Every command as a union tagged by `type`, for code generators; validate against the root, which dispatches on `type` the same way.",
            "oneOf": refs,
            "discriminator": {"propertyName": "type"},
        })
    }

    impl JsonSchema for Command {
        fn schema_name() -> Cow<'static, str> {
            "Command".into()
        }

        // Dispatch on `type` with an if/then chain rather than a bare `oneOf`: a
        // validator then checks only the variant the command names, so its errors
        // point at the field that is wrong (`$.severity`), not at the whole command.
        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            for kind in CommandKind::ALL {
                let body = body_schema(kind, generator);
                let schema = variant(kind, body, generator);
                generator
                    .definitions_mut()
                    .insert(kind.as_str().to_owned(), schema);
            }
            generator
                .definitions_mut()
                .insert(UNION.to_owned(), union());
            let kinds: Vec<&str> = CommandKind::ALL.iter().map(|k| k.as_str()).collect();
            let chain: Vec<Value> = CommandKind::ALL.into_iter().map(dispatch).collect();
            json_schema!({
                "description": "One command, a flat JSON object tagged by `type` (docs/contract.md, Commands). Rules JSON Schema cannot say (time order, phases, roles held, the dependency catalogue, …) are named by id in the rule catalogue (docs/contract.md) and enforced by the crate.",
                "type": "object",
                "required": ["type"],
                "properties": {"type": {"enum": kinds, "description": "The command type; it selects the fields (`$defs/<type>`)."}},
                "allOf": chain,
            })
        }
    }
}
