//! The draft's timeline: what happened, at the time it really happened.

use super::roles::{self, Term};
use super::short;
use crate::comms::CommsUpdate;
use crate::impact::Impact;
use crate::incident::{Command, CommandBody, Incident};
use crate::mitigation::{MitigationOutcome, MitigationRecord};
use crate::postmortem::TimelineEntry;
use crate::severity::Severity;
use crate::time::Timestamp;

fn or_dash<S: AsRef<str> + ?Sized>(s: Option<&S>) -> &str {
    s.map_or("—", AsRef::as_ref)
}

/// An outcome for people.
pub(super) fn outcome_words(outcome: MitigationOutcome) -> &'static str {
    match outcome {
        MitigationOutcome::Helped => "helped",
        MitigationOutcome::NoEffect => "had no effect",
        MitigationOutcome::MadeWorse => "made it worse",
        MitigationOutcome::Partial => "gave partial relief",
        MitigationOutcome::Unknown => "outcome unknown",
    }
}

/// An end at its true time, saying when it was recorded if later.
fn ended_at(
    recorded: Timestamp,
    occurred: Option<Timestamp>,
    event: String,
) -> (Timestamp, String) {
    match occurred.filter(|t| *t != recorded) {
        Some(t) => (t, format!("{event} (recorded {recorded})")),
        None => (recorded, event),
    }
}

/// The timeline: the impact's start, the detection when it came before the
/// declaration, then one entry per command that says something a reader of
/// the postmortem wants to know, and the role changes. Each entry is at its
/// true time (`detected_at`, a note's or mitigation's `occurred_at`), so the
/// timeline is ordered by when things happened; entries at the same time
/// keep the order they were recorded in. An entry whose command says who
/// sent it (`by`) ends with "(by NAME)".
pub(super) fn entries(incident: &Incident, impact: &Impact, terms: &[Term]) -> Vec<TimelineEntry> {
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    let mut push = |at: Timestamp, event: String| {
        if let Some(event) = short(&event) {
            timeline.push(TimelineEntry { at, event });
        }
    };
    // An impact whose start is not known has no place on the timeline
    // yet; the draft's impact section says "Started: unknown".
    if let Some(started) = impact.started_at() {
        push(
            started,
            format!("Impact started: {} ({})", impact.feature(), impact.users()),
        );
    }
    if let Some(ended) = impact.ended_at() {
        push(ended, "User impact ended".to_owned());
    }
    if incident.detected_at() != incident.declared_at() {
        push(incident.detected_at(), "Problem detected".to_owned());
    }
    let mut walk = HistoryWalk {
        incident,
        updates: incident.updates().iter(),
        mitigations: incident.mitigations().iter(),
        started: 0,
        severity: None,
        title: None,
    };
    for (i, cmd) in incident.history().iter().enumerate() {
        if let Some((at, event)) = walk.event(cmd) {
            push(at, sent_by(event, cmd));
        }
        for change in roles::changes_at(terms, i) {
            push(cmd.at, sent_by(change, cmd));
        }
    }
    timeline.sort_by_key(|e| e.at);
    timeline
}

/// Walks the history, pairing each command with the update and mitigation
/// it added, and keeping the severity and title as they were.
struct HistoryWalk<'a> {
    incident: &'a Incident,
    updates: std::slice::Iter<'a, CommsUpdate>,
    mitigations: std::slice::Iter<'a, MitigationRecord>,
    /// How many mitigations started so far.
    started: u64,
    /// The severity before the command.
    severity: Option<Severity>,
    /// The title before the command.
    title: Option<std::sync::Arc<str>>,
}

impl HistoryWalk<'_> {
    /// The timeline's entry for `cmd`, if it gets one, with its true time.
    fn event(&mut self, cmd: &Command) -> Option<(Timestamp, String)> {
        // Each accepted command that carries an update added one, in order.
        let update = cmd.body.update().and_then(|_| self.updates.next());
        let action = update.map_or(String::new(), |u| u.action().to_string());
        let event = match &cmd.body {
            CommandBody::Declare(d) => {
                self.severity = Some(d.severity);
                self.title = d.title.clone();
                let title = or_dash(d.title.as_ref());
                format!("Declared {}: {title}", d.severity)
            }
            CommandBody::ChangeSeverity(b) => {
                let from = self.severity.map_or("?".to_owned(), |s| s.to_string());
                self.severity = Some(b.severity);
                let reason = or_dash(b.reason.as_ref());
                format!("Severity {from} → {}: {reason}", b.severity)
            }
            CommandBody::Rename(b) => {
                let from = self.title.replace(b.title.clone().unwrap_or_default());
                let (from, to) = (or_dash(from.as_ref()), or_dash(b.title.as_ref()));
                format!(
                    "Renamed \"{from}\" → \"{to}\": {}",
                    or_dash(b.reason.as_ref())
                )
            }
            CommandBody::RecordCheck(b) => format!(
                "Checked {}: {}",
                b.check.as_str().replace('_', " "),
                or_dash(b.finding.as_ref())
            ),
            CommandBody::AddNote(b) => {
                let at = b.occurred_at.unwrap_or(cmd.at);
                return Some((at, note(cmd.at, at, or_dash(b.text.as_ref()))));
            }
            CommandBody::RecordRootCause(b) => match b.occurred_at {
                Some(t) => format!("Root cause recorded (the cause happened {t})"),
                None => "Root cause recorded".to_owned(),
            },
            CommandBody::StartMitigation(b) => {
                return Some(self.mitigation_started(cmd, b.occurred_at));
            }
            CommandBody::EndMitigation(b) => {
                let what = self.described(b.number)?;
                let said = match &b.note {
                    Some(n) => format!("{what}: {n}"),
                    None => what,
                };
                let event = format!(
                    "Mitigation {} {}: {said}",
                    b.number,
                    outcome_words(b.outcome)
                );
                return Some(ended_at(cmd.at, b.occurred_at, event));
            }
            CommandBody::ReviseOutcome(b) => format!(
                "Mitigation {} ({}) revised: {}: {}",
                b.number,
                self.described(b.number)?,
                outcome_words(b.outcome),
                or_dash(b.reason.as_ref())
            ),
            CommandBody::BeginMonitoring(_) => format!("Monitoring: {action}"),
            CommandBody::ResumeInvestigation(b) => {
                format!("Back to investigating: {}", or_dash(b.reason.as_ref()))
            }
            CommandBody::Resolve(_) => self.resolved(cmd.at, update),
            CommandBody::Reopen(b) => format!("Reopened: {}", or_dash(b.reason.as_ref())),
            CommandBody::LiftBlock(b) => {
                format!("Block lifted: {}", or_dash(b.endpoint.as_ref()))
            }
            _ => return None,
        };
        Some((cmd.at, event))
    }

    /// Mitigation `number` (from 1), described.
    fn described(&self, number: u64) -> Option<String> {
        let i = usize::try_from(number).ok()?.checked_sub(1)?;
        Some(self.incident.mitigations().get(i)?.mitigation.describe())
    }

    fn mitigation_started(
        &mut self,
        cmd: &Command,
        occurred_at: Option<Timestamp>,
    ) -> (Timestamp, String) {
        self.started += 1;
        let what = self
            .mitigations
            .next()
            .map_or(String::new(), |m| m.mitigation.describe());
        let at = occurred_at.unwrap_or(cmd.at);
        let recorded = if at == cmd.at {
            String::new()
        } else {
            format!(" (recorded {})", cmd.at)
        };
        let event = format!("Mitigation {} started{recorded}: {what}", self.started);
        (at, event)
    }

    fn resolved(&self, at: Timestamp, update: Option<&CommsUpdate>) -> String {
        let impact = update.map_or(String::new(), |u| u.impact().to_string());
        let accepted: Vec<&str> = self
            .incident
            .accepted_exceptions()
            .iter()
            .filter(|e| e.at() == at)
            .map(|e| e.check().as_str())
            .collect();
        if accepted.is_empty() {
            format!("Resolved: {impact}")
        } else {
            format!(
                "Resolved: {impact} (accepted failing: {})",
                accepted.join(", ")
            )
        }
    }
}

/// An entry with who sent its command, when the envelope says: "Mitigation
/// 2 started: … (by Grace)". Who acted is a fact of its own, beside the role
/// holders the entry may name.
fn sent_by(event: String, cmd: &Command) -> String {
    match cmd.sender() {
        Some(by) => format!("{event} (by {by})"),
        None => event,
    }
}

/// A note's entry; one recorded after it happened says when it was recorded.
fn note(recorded: Timestamp, happened: Timestamp, text: &str) -> String {
    if recorded == happened {
        format!("Note: {text}")
    } else {
        format!("Note (recorded {recorded}): {text}")
    }
}
