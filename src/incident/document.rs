//! Writing an incident's snapshot document straight from its state: the
//! bytes [`Snapshot`](crate::Snapshot)'s `Serialize` writes, without
//! building the snapshot (its notes, checks and updates are written as they
//! are built from the history, one at a time).

use serde::{Serialize, Serializer};

use crate::exception::AcceptedException;
use crate::impact::Impact;
use crate::incident::records::{Amendment, Fix, ImpactCorrection, Link, Progress};
use crate::incident::state::State;
use crate::incident::{Command, IncidentId, Phase};
use crate::mitigation::MitigationRecord;
use crate::notes::RootCause;
use crate::playbook::PlaybookId;
use crate::postmortem::Postmortem;
use crate::roles::Roles;
use crate::severity::Severity;
use crate::text::ShortText;
use crate::time::Timestamp;

/// [`Snapshot`](crate::Snapshot)'s fields, in its order and with its skip
/// rules, borrowed from a [`State`]. A test holds the two to the same bytes
/// (`writes_the_snapshots_bytes`).
#[derive(Serialize)]
pub(super) struct Document<'a> {
    incident_id: IncidentId,
    version: u64,
    phase: Phase,
    severity: Severity,
    peak_severity: Severity,
    title: &'a ShortText,
    declared_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    detected_at: Option<Timestamp>,
    last_command_at: Timestamp,
    roles: &'a Roles,
    impact: &'a Impact,
    updates: Each<'a>,
    mitigations: &'a [MitigationRecord],
    notes: Each<'a>,
    checks: Each<'a>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    accepted_exceptions: &'a [AcceptedException],
    #[serde(skip_serializing_if = "Option::is_none")]
    root_cause: Option<&'a RootCause>,
    blocked_endpoints: &'a [ShortText],
    #[serde(skip_serializing_if = "Option::is_none")]
    postmortem: Option<&'a Postmortem>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    progress: &'a [Progress],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    impact_corrections: &'a [ImpactCorrection],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    links: &'a [Link],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    fixes: &'a [Fix],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    amendments: &'a [Amendment],
    #[serde(skip_serializing_if = "Option::is_none")]
    playbook: Option<&'a PlaybookId>,
    history: &'a [Command],
}

/// One of the lists the state reads from its history, written as a
/// sequence.
enum Each<'a> {
    Updates(&'a State),
    Notes(&'a State),
    Checks(&'a State),
}

impl Serialize for Each<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Each::Updates(s) => serializer.collect_seq(s.updates()),
            Each::Notes(s) => serializer.collect_seq(s.notes()),
            Each::Checks(s) => serializer.collect_seq(s.checks()),
        }
    }
}

impl<'a> Document<'a> {
    /// The document of `s`.
    pub(super) fn of(s: &'a State) -> Document<'a> {
        Document {
            incident_id: s.incident_id,
            version: s.version,
            phase: s.phase,
            severity: s.severity,
            peak_severity: s.peak_severity,
            title: &s.title,
            declared_at: s.declared_at,
            detected_at: s.detected_at,
            last_command_at: s.last_command_at,
            roles: &s.roles,
            impact: &s.impact,
            updates: Each::Updates(s),
            mitigations: &s.mitigations,
            notes: Each::Notes(s),
            checks: Each::Checks(s),
            accepted_exceptions: &s.accepted_exceptions,
            root_cause: s.root_cause.as_ref(),
            blocked_endpoints: &s.blocked_endpoints,
            postmortem: s.postmortem.as_ref(),
            progress: &s.progress,
            impact_corrections: &s.impact_corrections,
            links: &s.links,
            fixes: &s.fixes,
            amendments: &s.amendments,
            playbook: s.playbook.as_ref(),
            history: &s.history,
        }
    }
}
