//! The bodies of the commands that open an incident, staff it, and record
//! what is known: each struct with its constructor and setters.

use std::sync::Arc;

use crate::comms::UpdateInput;
use crate::impact::ImpactInput;
use crate::roles::{Role, RolesInput};
use crate::severity::Severity;
#[cfg(feature = "schema")]
use crate::text::{LongText, Name, ShortText};
use crate::time::Timestamp;
use crate::triage::TriageCheck;
use crate::wire::{boxed, setters, shared};

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

impl Declare {
    /// A declaration with its title and severity; the impact, roles and
    /// first update follow.
    pub fn new(title: impl Into<String>, severity: Severity) -> Self {
        Declare {
            title: Some(shared(title)),
            severity,
            impact: None,
            roles: None,
            update: None,
            detected_at: None,
        }
    }
}

setters!(Declare {
    impact(impact: ImpactInput) => impact;
    roles(roles: RolesInput) => roles;
    update(update: UpdateInput) => update;
    detected_at(at: Timestamp) => at;
});

/// `post_update`: post a comms update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct PostUpdate {
    /// The update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

impl PostUpdate {
    /// `post_update` with its update.
    pub fn new(update: UpdateInput) -> Self {
        PostUpdate {
            update: Some(update),
        }
    }
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

impl ChangeSeverity {
    /// A change to `severity`, and why.
    pub fn new(severity: Severity, reason: impl Into<String>) -> Self {
        ChangeSeverity {
            severity,
            reason: Some(shared(reason)),
            update: None,
            roles: None,
            impact: None,
        }
    }
}

setters!(ChangeSeverity {
    update(update: UpdateInput) => update;
    roles(roles: RolesInput) => roles;
    impact(impact: ImpactInput) => impact;
});

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

impl AssignRole {
    /// `role` to `person`.
    pub fn new(role: Role, person: impl Into<String>) -> Self {
        AssignRole {
            role,
            person: Some(shared(person)),
        }
    }
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

impl AssignRoles {
    /// Several roles at once.
    pub fn new(roles: RolesInput) -> Self {
        AssignRoles { roles: Some(roles) }
    }
}

/// `unassign_role`: take a role away.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct UnassignRole {
    /// The role.
    pub role: Role,
}

impl UnassignRole {
    /// `role` taken away.
    pub fn new(role: Role) -> Self {
        UnassignRole { role }
    }
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

impl UpdateImpact {
    /// The impact as it is now.
    pub fn new(impact: ImpactInput) -> Self {
        UpdateImpact {
            impact: Some(impact),
        }
    }
}

/// `record_check`: record one of the five triage checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordCheck {
    /// Which check.
    pub check: TriageCheck,
    /// What it found; with `performed: false`, why it was not done.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub finding: Option<Box<str>>,
    /// Whether the check was done (`true` when absent). A check recorded as
    /// not performed counts as recorded, and no view shows it as done.
    pub performed: Option<bool>,
}

impl RecordCheck {
    /// A triage check and what it found.
    pub fn new(check: TriageCheck, finding: impl Into<String>) -> Self {
        RecordCheck {
            check,
            finding: Some(boxed(finding)),
            performed: None,
        }
    }

    /// A triage check that was not done, and why.
    ///
    /// ```
    /// use incident_playbook::{command::RecordCheck, state::TriageCheck};
    /// let c = RecordCheck::not_performed(TriageCheck::Migrations, "No migration tooling on this cluster");
    /// assert_eq!(c.performed, Some(false));
    /// ```
    pub fn not_performed(check: TriageCheck, reason: impl Into<String>) -> Self {
        RecordCheck {
            check,
            finding: Some(boxed(reason)),
            performed: Some(false),
        }
    }
}

/// `add_note`: add a note to the record.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AddNote {
    /// The note.
    #[cfg_attr(feature = "schema", schemars(with = "LongText"))]
    pub text: Option<Box<str>>,
    /// When what it tells really happened, if before `at`: no later than
    /// `at` (it may be before the impact started: a cause comes first).
    pub occurred_at: Option<Timestamp>,
}

impl AddNote {
    /// A note.
    pub fn new(text: impl Into<String>) -> Self {
        AddNote {
            text: Some(boxed(text)),
            occurred_at: None,
        }
    }
}

setters!(AddNote {
    occurred_at(at: Timestamp) => at;
});

/// `record_root_cause`: record the root cause.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct RecordRootCause {
    /// The root cause.
    #[cfg_attr(feature = "schema", schemars(with = "LongText"))]
    pub text: Option<Box<str>>,
    /// When the cause happened (a configuration change the day before, a
    /// snapshot taken hours earlier): no later than `at`, and often before
    /// the impact started.
    pub occurred_at: Option<Timestamp>,
    /// Why it is recorded or replaced: optional while the incident is not
    /// closed, required after close (`amendment-reason-required`).
    #[cfg_attr(feature = "schema", schemars(with = "Option<ShortText>"))]
    pub reason: Option<Arc<str>>,
}

impl RecordRootCause {
    /// The root cause.
    pub fn new(text: impl Into<String>) -> Self {
        RecordRootCause {
            text: Some(boxed(text)),
            occurred_at: None,
            reason: None,
        }
    }
}

setters!(RecordRootCause {
    occurred_at(at: Timestamp) => at;
    reason(text: impl Into<String>) => shared(text);
});

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

impl Rename {
    /// A new title, and why.
    pub fn new(title: impl Into<String>, reason: impl Into<String>) -> Self {
        Rename {
            title: Some(shared(title)),
            reason: Some(shared(reason)),
        }
    }
}
