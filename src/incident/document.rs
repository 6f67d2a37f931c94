//! Writing an incident's snapshot document straight from its state: the
//! bytes [`Snapshot`](crate::Snapshot)'s `Serialize` writes, without
//! building the snapshot (its notes, checks and updates are written from
//! the commands that made them, their texts where they are).
//! And its compact state, the same document with none of those records.

use serde::{Serialize, Serializer};

use crate::comms::{Audience, Status};
use crate::exception::AcceptedException;
use crate::impact::Impact;
use crate::incident::records::{Amendment, Fix, ImpactCorrection, Link, Progress};
use crate::incident::state::{State, UpdateMark};
use crate::incident::{Command, CommandBody, IncidentId, Phase};
use crate::mitigation::MitigationRecord;
use crate::notes::RootCause;
use crate::playbook::PlaybookId;
use crate::postmortem::Postmortem;
use crate::roles::Roles;
use crate::severity::Severity;
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::triage::TriageCheck;

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
/// sequence; or, omitted, an empty one.
enum Each<'a> {
    Updates(&'a State),
    Notes(&'a State),
    Checks(&'a State),
    Omitted,
}

impl Serialize for Each<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Each::Updates(s) => serializer.collect_seq(s.update_commands().filter_map(update)),
            Each::Notes(s) => serializer.collect_seq(s.note_commands().filter_map(note)),
            Each::Checks(s) => serializer.collect_seq(s.check_commands().filter_map(check)),
            Each::Omitted => serializer.collect_seq(std::iter::empty::<()>()),
        }
    }
}

/// A [`Note`](crate::state::Note) as it is written, borrowed from its
/// `add_note`: its texts are written where they are, not copied into a
/// record first.
#[derive(Serialize)]
struct NoteView<'a> {
    at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurred_at: Option<Timestamp>,
    text: &'a str,
}

fn note(cmd: &Command) -> Option<NoteView<'_>> {
    let CommandBody::AddNote(b) = &cmd.body else {
        return None;
    };
    Some(NoteView {
        at: cmd.at,
        occurred_at: b.occurred_at,
        text: b.text.as_deref()?,
    })
}

/// A [`CheckRecord`](crate::state::CheckRecord) as it is written, borrowed
/// from its `record_check`.
#[derive(Serialize)]
struct CheckView<'a> {
    at: Timestamp,
    check: TriageCheck,
    finding: &'a str,
    #[serde(skip_serializing_if = "is_true")]
    performed: bool,
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_true(b: &bool) -> bool {
    *b
}

fn check(cmd: &Command) -> Option<CheckView<'_>> {
    let CommandBody::RecordCheck(b) = &cmd.body else {
        return None;
    };
    Some(CheckView {
        at: cmd.at,
        check: b.check,
        finding: b.finding.as_deref()?,
        performed: b.performed.unwrap_or(true),
    })
}

/// A [`CommsUpdate`](crate::state::CommsUpdate) as it is written (its
/// flat form), borrowed from the command that posted it and its mark.
#[derive(Serialize)]
struct UpdateView<'a> {
    at: Timestamp,
    status: Status,
    severity: Severity,
    impact: &'a str,
    action: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_update: Option<Timestamp>,
    owner: &'a str,
    #[serde(skip_serializing_if = "Audience::is_internal")]
    audience: Audience,
}

fn update((cmd, mark): (&Command, UpdateMark)) -> Option<UpdateView<'_>> {
    let input = cmd.body.update()?;
    Some(UpdateView {
        at: cmd.at,
        status: mark.status,
        severity: mark.severity,
        impact: input.impact.as_deref()?,
        action: input.action.as_deref()?,
        next_update: input.next_update,
        owner: input.owner.as_deref()?,
        audience: input.audience.unwrap_or_default(),
    })
}

/// What [`Incident::compact_state`](crate::Incident::compact_state)
/// writes: the document without its history and without the records the
/// history holds, and the status and severity each comms update was posted
/// under, which its command does not say.
#[derive(Serialize)]
pub(super) struct Compact<'a> {
    state: Document<'a>,
    posted: Posted<'a>,
}

/// Each update's status and severity, in order, as pairs.
struct Posted<'a>(&'a State);

impl Serialize for Posted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs = self
            .0
            .update_commands()
            .map(|(_, m)| (m.status, m.severity));
        serializer.collect_seq(pairs)
    }
}

impl<'a> Compact<'a> {
    pub(super) fn of(s: &'a State) -> Compact<'a> {
        Compact {
            state: Document {
                history: &[],
                updates: Each::Omitted,
                notes: Each::Omitted,
                checks: Each::Omitted,
                ..Document::of(s)
            },
            posted: Posted(s),
        }
    }
}

impl<'a> Document<'a> {
    /// The document of `s`, its history left empty.
    pub(super) fn without_history(s: &'a State) -> Document<'a> {
        Document {
            history: &[],
            ..Document::of(s)
        }
    }

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
