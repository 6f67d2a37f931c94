//! Building commands in one Rust expression: a constructor per input and
//! body taking what is always sent, and a `with`-style method per optional
//! field.
//!
//! The inputs keep their public `Option` fields (a missing or blank field is
//! reported under its rule, so it must be representable); these methods are
//! the short way to fill them. They are kept here, apart from the types'
//! wire shapes, because they are one concept: the Rust sender's side.
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
//! let note = incident_playbook::command::AddNote { text: Some("Queue drains".into()), occurred_at: None };
//! ```

use std::sync::Arc;

use crate::comms::{Audience, Status, UpdateInput};
use crate::exception::ExceptionInput;
use crate::impact::{AffectedCounts, ImpactFlag, ImpactInput, Surface};
use crate::incident::{
    AddNote, AssignRole, AssignRoles, BeginMonitoring, ChangeSeverity, Declare, EndMitigation,
    LiftBlock, PostUpdate, RecordCheck, RecordRootCause, Rename, Reopen, Resolve,
    ResumeInvestigation, StartMitigation, SubmitPostmortem, UnassignRole, UpdateImpact,
};
use crate::mitigation::{MitigationInput, MitigationOutcome, RiskLevel};
use crate::postmortem::{
    ActionItemInput, ActionStatus, Guardrail, PostmortemInput, PostmortemStatus, TimelineEntryInput,
};
use crate::roles::{Role, RolesInput};
use crate::severity::Severity;
use crate::time::{Date, Timestamp};
use crate::triage::TriageCheck;
use crate::verification::{
    DataChecks, DependencyCheck, EndpointCheck, FrontendChecks, HealthChecks, Verification,
};

/// A method per optional field: `field(value)` sets it, converting the
/// value (`$v` is the argument, `$e` what is stored in the `Option`).
macro_rules! setters {
    ($ty:ident { $( $field:ident($v:ident: $arg:ty) => $e:expr; )* }) => {
        impl $ty {
            $(
                #[doc = concat!("With `", stringify!($field), "` set.")]
                #[must_use]
                pub fn $field(mut self, $v: $arg) -> Self {
                    self.$field = Some($e);
                    self
                }
            )*
        }
    };
}

/// A builder's text, as the commands share it.
fn shared(text: impl Into<String>) -> Arc<str> {
    Arc::from(text.into())
}

/// A list of texts from anything that yields strings.
fn texts(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<Arc<str>> {
    items.into_iter().map(shared).collect()
}

impl UpdateInput {
    /// An update with its three texts: the impact, the action under way and
    /// its owner (the status follows from the command's phase).
    pub fn new(
        impact: impl Into<String>,
        action: impl Into<String>,
        owner: impl Into<String>,
    ) -> Self {
        UpdateInput {
            impact: Some(shared(impact)),
            action: Some(shared(action)),
            owner: Some(shared(owner)),
            ..UpdateInput::default()
        }
    }
}

setters!(UpdateInput {
    status(status: Status) => status;
    next_update(at: Timestamp) => at;
    audience(audience: Audience) => audience;
});

impl ImpactInput {
    /// An impact with the three texts every one has: the environment, who
    /// is hurt and which feature.
    pub fn new(
        environment: impl Into<String>,
        users: impl Into<String>,
        feature: impl Into<String>,
    ) -> Self {
        ImpactInput {
            environment: Some(shared(environment)),
            users: Some(shared(users)),
            feature: Some(shared(feature)),
            ..ImpactInput::default()
        }
    }
}

setters!(ImpactInput {
    started_at(at: Timestamp) => at;
    user_impact_active(active: bool) => active;
    flags(flags: impl IntoIterator<Item = ImpactFlag>) => flags.into_iter().collect();
    surfaces(surfaces: impl IntoIterator<Item = Surface>) => surfaces.into_iter().collect();
    affected_endpoints(paths: impl IntoIterator<Item = impl Into<String>>) => texts(paths);
    affected_dependencies(names: impl IntoIterator<Item = impl Into<String>>) => texts(names);
    regions(regions: impl IntoIterator<Item = impl Into<String>>) => texts(regions);
    affected(counts: AffectedCounts) => counts;
});

setters!(RolesInput {
    commander(person: impl Into<String>) => shared(person);
    technical_lead(person: impl Into<String>) => shared(person);
    communications_owner(person: impl Into<String>) => shared(person);
    scribe(person: impl Into<String>) => shared(person);
    engineering_lead(person: impl Into<String>) => shared(person);
});

impl MitigationInput {
    /// `rollback_image` from the tag running now to an earlier one.
    pub fn rollback_image(from_tag: impl Into<String>, to_tag: impl Into<String>) -> Self {
        MitigationInput::RollbackImage {
            from_tag: Some(shared(from_tag)),
            to_tag: Some(shared(to_tag)),
        }
    }
    /// `disable_dependency`, one from the playbook's catalogue.
    pub fn disable_dependency(dependency: impl Into<String>) -> Self {
        MitigationInput::DisableDependency {
            dependency: Some(shared(dependency)),
        }
    }
    /// `revert_config` of a small change.
    pub fn revert_config(change: impl Into<String>) -> Self {
        MitigationInput::RevertConfig {
            change: Some(shared(change)),
        }
    }
    /// `pause_rollout`.
    pub fn pause_rollout(rollout: impl Into<String>) -> Self {
        MitigationInput::PauseRollout {
            rollout: Some(shared(rollout)),
        }
    }
    /// `block_endpoint`, with the risk of leaving it open and the
    /// availability cost of blocking it.
    pub fn block_endpoint(
        endpoint: impl Into<String>,
        security_risk: RiskLevel,
        availability_impact: RiskLevel,
    ) -> Self {
        MitigationInput::BlockEndpoint {
            endpoint: Some(shared(endpoint)),
            security_risk,
            availability_impact,
        }
    }
    /// `other`: anything else, described.
    pub fn other(description: impl Into<String>) -> Self {
        MitigationInput::Other {
            description: Some(shared(description)),
        }
    }
}

impl Verification {
    /// With one more endpoint checked (`path` and whether it works).
    #[must_use]
    pub fn endpoint(mut self, path: impl Into<String>, ok: bool) -> Self {
        self.endpoints
            .get_or_insert_with(Vec::new)
            .push(EndpointCheck {
                path: Some(shared(path)),
                ok: Some(ok),
            });
        self
    }
    /// With one more dependency checked (its name and whether it works).
    #[must_use]
    pub fn dependency(mut self, name: impl Into<String>, ok: bool) -> Self {
        self.dependencies
            .get_or_insert_with(Vec::new)
            .push(DependencyCheck {
                name: Some(shared(name)),
                ok: Some(ok),
            });
        self
    }
    /// With the three frontend checks: the app loads, login works, the main
    /// workflow works.
    #[must_use]
    pub fn frontend(mut self, app_loaded: bool, login: bool, workflow: bool) -> Self {
        self.frontend = Some(FrontendChecks {
            app_loaded: Some(app_loaded),
            login: Some(login),
            workflow: Some(workflow),
        });
        self
    }
}

setters!(Verification {
    health(checks: HealthChecks) => checks;
    data(checks: DataChecks) => checks;
});

setters!(DataChecks {
    no_unauthorized_access(passed: bool) => passed;
    no_failed_migration(passed: bool) => passed;
    no_duplicate_processing(passed: bool) => passed;
    no_partial_delete(passed: bool) => passed;
});

impl PostmortemInput {
    /// A postmortem with its title and status; the sections follow.
    pub fn new(title: impl Into<String>, status: PostmortemStatus) -> Self {
        PostmortemInput {
            title: Some(shared(title)),
            ..PostmortemInput::empty(status)
        }
    }

    /// A postmortem with only its status: every section missing (the
    /// Markdown reader fills it in as it reads).
    pub(crate) fn empty(status: PostmortemStatus) -> Self {
        PostmortemInput {
            title: None,
            date: None,
            severity: None,
            owners: None,
            status,
            summary: None,
            impact: None,
            timeline: None,
            root_cause: None,
            what_worked: None,
            what_did_not_work: None,
            action_items: None,
            missing_guardrail: None,
        }
    }
    /// With one more timeline entry.
    #[must_use]
    pub fn timeline_entry(mut self, at: Timestamp, event: impl Into<String>) -> Self {
        self.timeline
            .get_or_insert_with(Vec::new)
            .push(TimelineEntryInput::new(at, event));
        self
    }
    /// With one more action item.
    #[must_use]
    pub fn action_item(mut self, item: ActionItemInput) -> Self {
        self.action_items.get_or_insert_with(Vec::new).push(item);
        self
    }
}

setters!(PostmortemInput {
    date(date: Date) => date;
    severity(severity: Severity) => severity;
    owners(people: impl IntoIterator<Item = impl Into<String>>) => texts(people);
    summary(text: impl Into<String>) => shared(text);
    impact(text: impl Into<String>) => shared(text);
    root_cause(text: impl Into<String>) => shared(text);
    what_worked(text: impl Into<String>) => shared(text);
    what_did_not_work(text: impl Into<String>) => shared(text);
    missing_guardrail(missing: bool) => missing;
});

impl TimelineEntryInput {
    /// What happened at `at`.
    pub fn new(at: Timestamp, event: impl Into<String>) -> Self {
        TimelineEntryInput {
            at,
            event: Some(shared(event)),
        }
    }
}

impl ActionItemInput {
    /// An action item and its owner.
    pub fn new(action: impl Into<String>, owner: impl Into<String>) -> Self {
        ActionItemInput {
            action: Some(shared(action)),
            owner: Some(shared(owner)),
            ..ActionItemInput::default()
        }
    }
}

setters!(ActionItemInput {
    due(date: Date) => date;
    status(status: ActionStatus) => status;
    guardrail(guardrail: Guardrail) => guardrail;
});

impl ExceptionInput {
    /// A verification check (`SECTION.KEY`) not passed, accepted by
    /// someone, for a reason.
    pub fn new(
        check: impl Into<String>,
        accepted_by: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        ExceptionInput {
            check: Some(shared(check)),
            accepted_by: Some(shared(accepted_by)),
            reason: Some(shared(reason)),
        }
    }
}

// ---- Bodies ----

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

impl PostUpdate {
    /// `post_update` with its update.
    pub fn new(update: UpdateInput) -> Self {
        PostUpdate {
            update: Some(update),
        }
    }
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

impl AssignRole {
    /// `role` to `person`.
    pub fn new(role: Role, person: impl Into<String>) -> Self {
        AssignRole {
            role,
            person: Some(shared(person)),
        }
    }
}

impl UnassignRole {
    /// `role` taken away.
    pub fn new(role: Role) -> Self {
        UnassignRole { role }
    }
}

impl AssignRoles {
    /// Several roles at once.
    pub fn new(roles: RolesInput) -> Self {
        AssignRoles { roles: Some(roles) }
    }
}

impl UpdateImpact {
    /// The impact as it is now.
    pub fn new(impact: ImpactInput) -> Self {
        UpdateImpact {
            impact: Some(impact),
        }
    }
}

impl RecordCheck {
    /// A triage check and what it found.
    pub fn new(check: TriageCheck, finding: impl Into<String>) -> Self {
        RecordCheck {
            check,
            finding: Some(shared(finding)),
        }
    }
}

impl AddNote {
    /// A note.
    pub fn new(text: impl Into<String>) -> Self {
        AddNote {
            text: Some(shared(text)),
            occurred_at: None,
        }
    }
}

setters!(AddNote {
    occurred_at(at: Timestamp) => at;
});

impl RecordRootCause {
    /// The root cause.
    pub fn new(text: impl Into<String>) -> Self {
        RecordRootCause {
            text: Some(shared(text)),
        }
    }
}

impl StartMitigation {
    /// A mitigation started; its update follows.
    pub fn new(mitigation: MitigationInput) -> Self {
        StartMitigation {
            mitigation,
            update: None,
            occurred_at: None,
        }
    }
}

setters!(StartMitigation {
    update(update: UpdateInput) => update;
    occurred_at(at: Timestamp) => at;
});

impl BeginMonitoring {
    /// `begin_monitoring` with its update.
    pub fn new(update: UpdateInput) -> Self {
        BeginMonitoring {
            update: Some(update),
        }
    }
}

impl ResumeInvestigation {
    /// Back to investigating, and why; its update follows.
    pub fn new(reason: impl Into<String>) -> Self {
        ResumeInvestigation {
            reason: Some(shared(reason)),
            update: None,
        }
    }
}

setters!(ResumeInvestigation {
    update(update: UpdateInput) => update;
});

impl LiftBlock {
    /// The blocked endpoint to open again.
    pub fn new(endpoint: impl Into<String>) -> Self {
        LiftBlock {
            endpoint: Some(shared(endpoint)),
        }
    }
}

impl Resolve {
    /// A resolve with what was verified; its update follows.
    pub fn new(verification: Verification) -> Self {
        Resolve {
            verification: Some(verification),
            exceptions: None,
            update: None,
        }
    }
    /// With one more accepted exception to the verification.
    #[must_use]
    pub fn exception(mut self, exception: ExceptionInput) -> Self {
        self.exceptions.get_or_insert_with(Vec::new).push(exception);
        self
    }
}

setters!(Resolve {
    update(update: UpdateInput) => update;
});

impl Reopen {
    /// Reopened, and why; its update follows.
    pub fn new(reason: impl Into<String>) -> Self {
        Reopen {
            reason: Some(shared(reason)),
            update: None,
        }
    }
}

setters!(Reopen {
    update(update: UpdateInput) => update;
});

impl SubmitPostmortem {
    /// The postmortem submitted.
    pub fn new(postmortem: PostmortemInput) -> Self {
        SubmitPostmortem { postmortem }
    }
}

impl EndMitigation {
    /// Mitigation `number` (from 1) ended with `outcome`.
    pub fn new(number: u64, outcome: MitigationOutcome) -> Self {
        EndMitigation {
            number,
            outcome,
            note: None,
        }
    }
}

setters!(EndMitigation {
    note(text: impl Into<String>) => shared(text);
});

impl Rename {
    /// A new title, and why.
    pub fn new(title: impl Into<String>, reason: impl Into<String>) -> Self {
        Rename {
            title: Some(shared(title)),
            reason: Some(shared(reason)),
        }
    }
}
