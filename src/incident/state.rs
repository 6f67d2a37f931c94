//! The incident's own state: a [`Snapshot`]'s fields, except that its notes,
//! triage checks and comms updates are read from the history rather than
//! kept beside it.
//!
//! Each of those records is a function of the command that made it (its
//! `at` and its body's fields), so keeping it too would hold every time and
//! text pointer twice: in a long incident made of notes, checks and updates
//! that was a sixth of its memory. The state keeps only where each record's
//! command is in the history, and for an update the two things its command
//! does not say: the status and the severity the incident gave it.

use std::sync::Arc;

use crate::comms::{CommsUpdate, Posted, Status};
use crate::exception::AcceptedException;
use crate::impact::Impact;
use crate::incident::records::{Amendment, Fix, ImpactCorrection, Link, Progress};
use crate::incident::snapshot;
use crate::incident::{Command, CommandBody, IncidentId, Phase, Snapshot};
use crate::mitigation::MitigationRecord;
use crate::notes::{Note, RootCause};
use crate::playbook::PlaybookId;
use crate::postmortem::Postmortem;
use crate::roles::Roles;
use crate::rule::{Rule, Violation, Violations};
use crate::severity::Severity;
use crate::text::{BoundedText, LongText, ShortText};
use crate::time::Timestamp;
use crate::triage::{CheckRecord, TriageCheck};

/// What an [`Incident`](crate::Incident) keeps: see the module's docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct State {
    pub(super) incident_id: IncidentId,
    pub(super) version: u64,
    pub(super) phase: Phase,
    pub(super) severity: Severity,
    pub(super) peak_severity: Severity,
    pub(super) title: ShortText,
    pub(super) declared_at: Timestamp,
    pub(super) detected_at: Option<Timestamp>,
    pub(super) last_command_at: Timestamp,
    pub(super) roles: Roles,
    pub(super) impact: Impact,
    /// Each comms update: its command's position, its status and severity.
    pub(super) updates: Vec<UpdateMark>,
    pub(super) mitigations: Vec<MitigationRecord>,
    /// The position of each note's `add_note`.
    pub(super) notes: Vec<u32>,
    /// The position of each check's `record_check`.
    pub(super) checks: Vec<u32>,
    pub(super) accepted_exceptions: Vec<AcceptedException>,
    pub(super) root_cause: Option<RootCause>,
    pub(super) blocked_endpoints: Vec<ShortText>,
    pub(super) postmortem: Option<Postmortem>,
    pub(super) progress: Vec<Progress>,
    pub(super) impact_corrections: Vec<ImpactCorrection>,
    pub(super) links: Vec<Link>,
    pub(super) fixes: Vec<Fix>,
    pub(super) amendments: Vec<Amendment>,
    pub(super) playbook: Option<PlaybookId>,
    pub(super) history: Vec<Command>,
}

/// One comms update as the state keeps it: where its command is in the
/// history, and the status and severity it was posted with. 8 bytes rather
/// than the 80 of a [`CommsUpdate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UpdateMark {
    position: u32,
    pub(super) status: Status,
    pub(super) severity: Severity,
}

impl UpdateMark {
    /// The mark of an update `posted` by the command at `position`.
    pub(super) fn new(position: u32, posted: Posted) -> UpdateMark {
        UpdateMark {
            position,
            status: posted.status,
            severity: posted.severity,
        }
    }

    /// The update again, from its command in `history`.
    fn build(&self, history: &[Command]) -> Option<CommsUpdate> {
        let cmd = history.get(usize::try_from(self.position).ok()?)?;
        CommsUpdate::posted(cmd.at, self.status, self.severity, cmd.body.update()?)
    }
}

/// A history position as the state keeps it: `None` past `u32::MAX`
/// commands, which no incident reaches (four billion commands would be
/// half a terabyte of history).
pub(super) fn position(i: usize) -> Option<u32> {
    u32::try_from(i).ok()
}

/// The note an `add_note` made.
fn note(cmd: &Command) -> Option<Note> {
    let CommandBody::AddNote(b) = &cmd.body else {
        return None;
    };
    Some(Note {
        at: cmd.at,
        occurred_at: b.occurred_at,
        text: LongText::from_checked(Arc::from(b.text.as_deref()?)),
    })
}

/// The check a `record_check` recorded.
fn check(cmd: &Command) -> Option<CheckRecord> {
    let CommandBody::RecordCheck(b) = &cmd.body else {
        return None;
    };
    Some(CheckRecord {
        at: cmd.at,
        check: b.check,
        finding: ShortText::from_checked(Arc::from(b.finding.as_deref()?)),
        performed: b.performed.unwrap_or(true),
    })
}

/// The records a list of marks stands for, built one by one from the
/// history as they are read: each record's texts are copied from its
/// command (the history keeps them boxed, unshared), the owner of an
/// update shared. The snapshot document is written from the commands
/// without building them (`document`).
///
/// Every mark points at a command of its kind (the state makes them only
/// from the commands that made the records), so the length is the marks'.
pub(super) struct Records<'a, M, T> {
    marks: std::slice::Iter<'a, M>,
    history: &'a [Command],
    build: fn(&M, &[Command]) -> Option<T>,
}

impl<M, T> Clone for Records<'_, M, T> {
    fn clone(&self) -> Self {
        Records {
            marks: self.marks.clone(),
            history: self.history,
            build: self.build,
        }
    }
}

impl<M, T> Iterator for Records<'_, M, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        let (history, build) = (self.history, self.build);
        self.marks.by_ref().find_map(|m| build(m, history))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.marks.size_hint()
    }
}

impl<M, T> DoubleEndedIterator for Records<'_, M, T> {
    fn next_back(&mut self) -> Option<T> {
        let (history, build) = (self.history, self.build);
        self.marks.by_ref().rev().find_map(|m| build(m, history))
    }
}

impl<M, T> ExactSizeIterator for Records<'_, M, T> {}

/// The command at `position` of `history`.
fn at(position: u32, history: &[Command]) -> Option<&Command> {
    history.get(usize::try_from(position).ok()?)
}

impl State {
    /// Every comms update, in order.
    pub(super) fn updates(&self) -> Records<'_, UpdateMark, CommsUpdate> {
        Records {
            marks: self.updates.iter(),
            history: &self.history,
            build: UpdateMark::build,
        }
    }

    /// Every note, in order.
    pub(super) fn notes(&self) -> Records<'_, u32, Note> {
        Records {
            marks: self.notes.iter(),
            history: &self.history,
            build: |&p, h| note(at(p, h)?),
        }
    }

    /// Every triage check recorded, in order.
    pub(super) fn checks(&self) -> Records<'_, u32, CheckRecord> {
        Records {
            marks: self.checks.iter(),
            history: &self.history,
            build: |&p, h| check(at(p, h)?),
        }
    }

    /// Every comms update with who posted it (its command's `by`), in order.
    pub(super) fn updates_by(&self) -> impl Iterator<Item = (CommsUpdate, Option<&str>)> + '_ {
        self.updates.iter().filter_map(|m| {
            let sender = at(m.position, &self.history)?.sender();
            Some((m.build(&self.history)?, sender))
        })
    }

    /// The command of each update with its mark, in order: an update
    /// without building it.
    pub(super) fn update_commands(&self) -> impl Iterator<Item = (&Command, UpdateMark)> + '_ {
        (self.updates.iter()).filter_map(|m| Some((at(m.position, &self.history)?, *m)))
    }

    /// The `add_note` of each note, in order.
    pub(super) fn note_commands(&self) -> impl Iterator<Item = &Command> + '_ {
        (self.notes.iter()).filter_map(|&p| at(p, &self.history))
    }

    /// The `record_check` of each check, in order.
    pub(super) fn check_commands(&self) -> impl Iterator<Item = &Command> + '_ {
        (self.checks.iter()).filter_map(|&p| at(p, &self.history))
    }

    /// Which triage check each `record_check` recorded, in order, without
    /// building the records.
    pub(super) fn recorded_checks(&self) -> impl Iterator<Item = TriageCheck> + Clone + '_ {
        self.checks
            .iter()
            .filter_map(|&p| match &at(p, &self.history)?.body {
                CommandBody::RecordCheck(b) => Some(b.check),
                _ => None,
            })
    }

    /// The position of the command applied next: the history's length.
    pub(super) fn next_position(&self) -> Option<u32> {
        position(self.history.len())
    }
}

impl State {
    /// The snapshot document of this state, its records built from the
    /// history.
    pub(super) fn to_snapshot(&self) -> Snapshot {
        let s = self.clone();
        let updates = self.updates().collect();
        let notes = self.notes().collect();
        let checks = self.checks().collect();
        s.into_snapshot(updates, notes, checks)
    }

    /// The snapshot, given its three records' lists.
    fn into_snapshot(
        self,
        updates: Vec<CommsUpdate>,
        notes: Vec<Note>,
        checks: Vec<CheckRecord>,
    ) -> Snapshot {
        Snapshot {
            incident_id: self.incident_id,
            version: self.version,
            phase: self.phase,
            severity: self.severity,
            peak_severity: self.peak_severity,
            title: self.title,
            declared_at: self.declared_at,
            detected_at: self.detected_at,
            last_command_at: self.last_command_at,
            roles: self.roles,
            impact: self.impact,
            updates,
            mitigations: self.mitigations,
            notes,
            checks,
            accepted_exceptions: self.accepted_exceptions,
            root_cause: self.root_cause,
            blocked_endpoints: self.blocked_endpoints,
            postmortem: self.postmortem,
            progress: self.progress,
            impact_corrections: self.impact_corrections,
            links: self.links,
            fixes: self.fixes,
            amendments: self.amendments,
            playbook: self.playbook,
            history: self.history,
        }
    }

    /// The snapshot, owned, without copying what the state keeps.
    pub(super) fn into_owned_snapshot(self) -> Snapshot {
        let updates = self.updates().collect();
        let notes = self.notes().collect();
        let checks = self.checks().collect();
        self.into_snapshot(updates, notes, checks)
    }

    /// The state of a snapshot taken as it is: its notes, checks and updates
    /// found again in its history (one per `add_note`, `record_check` and
    /// command carrying an update, as applying them made them).
    ///
    /// # Errors
    ///
    /// `snapshot-history-mismatch` when a list has another length than its
    /// history gives, or the history is too long to index.
    pub(super) fn from_snapshot(s: Snapshot) -> Result<State, Violation> {
        let posted = (s.updates.iter())
            .map(|u| Posted {
                status: u.status(),
                severity: u.severity(),
            })
            .collect();
        let records = (s.notes.len(), s.checks.len());
        State::from_history(s, posted, Some(records))
    }

    /// The state of a compact snapshot (no records; `posted`, each
    /// update's status and severity), its history put back: each record is
    /// read from its command again.
    pub(super) fn from_compact(s: Snapshot, posted: Vec<Posted>) -> Result<State, Violation> {
        State::from_history(s, posted, None)
    }

    /// The state of `s`, its records' positions read from its history:
    /// as many updates as `posted` gives and, if given, as many notes and
    /// checks as `records` counts (`snapshot-history-mismatch` otherwise).
    fn from_history(
        s: Snapshot,
        posted: Vec<Posted>,
        records: Option<(usize, usize)>,
    ) -> Result<State, Violation> {
        let mut notes = Vec::new();
        let mut checks = Vec::new();
        let mut carriers = Vec::new();
        for (i, cmd) in s.history.iter().enumerate() {
            let Some(p) = position(i) else {
                return Err(mismatch("history", "is too long".to_owned()));
            };
            match &cmd.body {
                CommandBody::AddNote(_) => notes.push(p),
                CommandBody::RecordCheck(_) => checks.push(p),
                body if body.update().is_some() => carriers.push(p),
                _ => {}
            }
        }
        // Without counts to hold them to, the notes and checks are what the
        // history made.
        let (n, c) = records.unwrap_or((notes.len(), checks.len()));
        let counts = [
            ("updates", posted.len(), carriers.len()),
            ("notes", n, notes.len()),
            ("checks", c, checks.len()),
        ];
        if let Some((field, has, made)) = counts.into_iter().find(|(_, a, b)| a != b) {
            let message = format!("has {has} records but its history made {made}");
            return Err(mismatch(field, message));
        }
        let updates = (carriers.into_iter().zip(posted))
            .map(|(p, posted)| UpdateMark::new(p, posted))
            .collect();
        Ok(State::with_marks(s, updates, notes, checks))
    }

    /// `s` with its three lists of records replaced by their marks.
    fn with_marks(
        s: Snapshot,
        updates: Vec<UpdateMark>,
        notes: Vec<u32>,
        checks: Vec<u32>,
    ) -> State {
        State {
            incident_id: s.incident_id,
            version: s.version,
            phase: s.phase,
            severity: s.severity,
            peak_severity: s.peak_severity,
            title: s.title,
            declared_at: s.declared_at,
            detected_at: s.detected_at,
            last_command_at: s.last_command_at,
            roles: s.roles,
            impact: s.impact,
            updates,
            mitigations: s.mitigations,
            notes,
            checks,
            accepted_exceptions: s.accepted_exceptions,
            root_cause: s.root_cause,
            blocked_endpoints: s.blocked_endpoints,
            postmortem: s.postmortem,
            progress: s.progress,
            impact_corrections: s.impact_corrections,
            links: s.links,
            fixes: s.fixes,
            amendments: s.amendments,
            playbook: s.playbook,
            history: s.history,
        }
    }
}

fn mismatch(field: &str, message: String) -> Violation {
    Violation::new(
        Rule::SnapshotHistoryMismatch,
        format!("`{field}` {message}"),
        Some(field),
    )
}

impl State {
    /// The triage checks not yet recorded, in the playbook's order.
    pub(super) fn missing_checks(&self) -> Vec<TriageCheck> {
        snapshot::missing_checks(self.recorded_checks())
    }

    /// What resolving demands of the record
    /// ([`check_resolvable`](snapshot::check_resolvable)).
    pub(super) fn check_resolvable(&self, r: &mut Violations) {
        let has_notes = !self.notes.is_empty();
        snapshot::check_resolvable(r, self.peak_severity, self.recorded_checks(), has_notes);
    }

    /// What closing demands ([`check_closable`](snapshot::check_closable)).
    pub(super) fn check_closable(&self, r: &mut Violations) {
        snapshot::check_closable(
            r,
            self.peak_severity,
            self.postmortem.as_ref(),
            &self.mitigations,
            &self.blocked_endpoints,
        );
    }
}
