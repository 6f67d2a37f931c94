//! The bodies of the commands that mitigate, resolve and look back: each
//! struct with its constructor and setters.

use std::sync::Arc;

use crate::comms::UpdateInput;
use crate::exception::ExceptionInput;
use crate::mitigation::{MitigationInput, MitigationOutcome, MitigationPurpose};
use crate::postmortem::PostmortemInput;
#[cfg(feature = "schema")]
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::verification::Verification;
use crate::wire::{setters, shared};

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
    /// When it really started, if before `at`: no later than `at` (it may
    /// be before the impact started).
    pub occurred_at: Option<Timestamp>,
    /// What it is for: `relieve` users (when absent) or `contain` the
    /// incident; only relief counts toward the response targets and the
    /// time to mitigate.
    pub purpose: Option<MitigationPurpose>,
    /// A temporary measure, to undo (`end_mitigation`) before closing, of
    /// any kind; the temporary kinds are so without it.
    pub temporary: Option<bool>,
}

impl StartMitigation {
    /// A mitigation started; its update follows.
    pub fn new(mitigation: MitigationInput) -> Self {
        StartMitigation {
            mitigation,
            update: None,
            occurred_at: None,
            purpose: None,
            temporary: None,
        }
    }
}

setters!(StartMitigation {
    update(update: UpdateInput) => update;
    occurred_at(at: Timestamp) => at;
    purpose(purpose: MitigationPurpose) => purpose;
    temporary(temporary: bool) => temporary;
});

/// `begin_monitoring`: the mitigation is in place; watch it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct BeginMonitoring {
    /// The comms update.
    #[cfg_attr(feature = "schema", schemars(required))]
    pub update: Option<UpdateInput>,
}

impl BeginMonitoring {
    /// `begin_monitoring` with its update.
    pub fn new(update: UpdateInput) -> Self {
        BeginMonitoring {
            update: Some(update),
        }
    }
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

/// `lift_block`: lift the block of an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LiftBlock {
    /// The blocked endpoint.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub endpoint: Option<Arc<str>>,
}

impl LiftBlock {
    /// The blocked endpoint to open again.
    pub fn new(endpoint: impl Into<String>) -> Self {
        LiftBlock {
            endpoint: Some(shared(endpoint)),
        }
    }
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
    /// When it really ended, if before `at`: no later than `at`, not
    /// before the mitigation's true start.
    pub occurred_at: Option<Timestamp>,
}

impl EndMitigation {
    /// Mitigation `number` (from 1) ended with `outcome`.
    pub fn new(number: u64, outcome: MitigationOutcome) -> Self {
        EndMitigation {
            number,
            outcome,
            note: None,
            occurred_at: None,
        }
    }
}

setters!(EndMitigation {
    note(text: impl Into<String>) => shared(text);
    occurred_at(at: Timestamp) => at;
});

/// `revise_outcome`: change the outcome of an ended mitigation in
/// hindsight, saying why (the bigger machines made things worse after all).
/// The mitigation keeps every revision with the outcome it replaced.
///
/// ```
/// use incident_playbook::{command::ReviseOutcome, state::MitigationOutcome};
/// let revise = ReviseOutcome::new(2, MitigationOutcome::MadeWorse, "Load tests showed it");
/// assert_eq!(revise.number, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ReviseOutcome {
    /// The mitigation's number in its incident: 1 for the first started.
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub number: u64,
    /// The outcome from now on.
    pub outcome: MitigationOutcome,
    /// Why it is revised.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
}

impl ReviseOutcome {
    /// Mitigation `number` (from 1) went as `outcome` after all, because of `reason`.
    pub fn new(number: u64, outcome: MitigationOutcome, reason: impl Into<String>) -> Self {
        ReviseOutcome {
            number,
            outcome,
            reason: Some(shared(reason)),
        }
    }
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

/// `submit_postmortem`: submit the postmortem, replacing any earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct SubmitPostmortem {
    /// The postmortem.
    pub postmortem: PostmortemInput,
    /// Why it is revised: optional while the incident is not closed,
    /// required after close (`amendment-reason-required`).
    #[cfg_attr(feature = "schema", schemars(with = "Option<ShortText>"))]
    pub reason: Option<Arc<str>>,
}

impl SubmitPostmortem {
    /// The postmortem submitted.
    pub fn new(postmortem: PostmortemInput) -> Self {
        SubmitPostmortem {
            postmortem,
            reason: None,
        }
    }
}

setters!(SubmitPostmortem {
    reason(text: impl Into<String>) => shared(text);
});
