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
/// the postmortem wants to know, each comms update with its audience, each
/// change of the impact, and the role changes. Each entry is at its true
/// time (`detected_at`, a note's or mitigation's `occurred_at`), so the
/// timeline is ordered by when things happened; entries at the same time
/// keep the order they were recorded in. An entry whose command says who
/// sent it (`by`) ends with "(by NAME)".
///
/// The start's entry tells the impact as first recorded (at the start time
/// as it now stands): a later text, written when more was known or things
/// got worse, is not what was so at the start; it is an entry of its own, at
/// the time it was recorded.
pub(super) fn entries(incident: &Incident, impact: &Impact, terms: &[Term]) -> Vec<TimelineEntry> {
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    let mut push = |at: Timestamp, event: String| {
        if let Some(event) = short(&event) {
            timeline.push(TimelineEntry { at, event });
        }
    };
    let changes = impact_changes(incident);
    let first = changes.first().map_or(impact, |(_, i)| i);
    // An impact whose start is not known has no place on the timeline
    // yet; the draft's impact section says "Started: unknown", and the
    // change that gives the start later says so at its time.
    if let Some(started) = impact.started_at() {
        push(
            started,
            format!("Impact started: {} ({})", first.feature(), first.users()),
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
        updates: incident.updates().collect::<Vec<_>>().into_iter(),
        mitigations: incident.mitigations().iter(),
        started: 0,
        severity: None,
        title: None,
    };
    let mut changes = changes.windows(2).peekable();
    let mut closed = false;
    for (i, cmd) in incident.history().iter().enumerate() {
        // Each accepted command that carries an update added one, in order.
        let update = cmd.body.update().and_then(|_| walk.updates.next());
        if let Some((at, event)) = walk.event(cmd, update.as_ref()) {
            let event = if closed {
                format!("Amended after close: {event}")
            } else {
                event
            };
            push(at, sent_by(event, cmd));
        }
        if let Some(update) = update {
            push(cmd.at, sent_by(update_entry(&update), cmd));
        }
        if let Some([(_, before), (_, after)]) =
            changes.next_if(|w| w.get(1).is_some_and(|(j, _)| *j == i))
        {
            push(cmd.at, sent_by(super::impact::change(before, after), cmd));
        }
        closed |= cmd.kind() == crate::incident::CommandKind::Close;
        for change in roles::changes_at(terms, i) {
            push(cmd.at, sent_by(change, cmd));
        }
    }
    timeline.sort_by_key(|e| e.at);
    timeline
}

/// The impact as first recorded (at the declaration, index 0), then each
/// time a command changed it, with that command's index: one pass over the
/// history.
fn impact_changes(incident: &Incident) -> Vec<(usize, Impact)> {
    let mut changes: Vec<(usize, Impact)> = Vec::new();
    incident.each_state(|i, then| {
        if changes.last().is_none_or(|(_, last)| last != then.impact()) {
            changes.push((i, then.impact().clone()));
        }
    });
    changes
}

/// A comms update's entry: its audience, status and what it said.
/// `Update (public, investigating): Uploads fail. Action: Rolling back`.
fn update_entry(u: &CommsUpdate) -> String {
    format!(
        "Update ({}, {}): {}. Action: {}",
        u.audience().as_str(),
        u.status(),
        u.impact(),
        u.action()
    )
}

/// Walks the history, pairing each command with the update and mitigation
/// it added, and keeping the severity and title as they were.
struct HistoryWalk<'a> {
    incident: &'a Incident,
    updates: std::vec::IntoIter<CommsUpdate>,
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
    fn event(
        &mut self,
        cmd: &Command,
        update: Option<&CommsUpdate>,
    ) -> Option<(Timestamp, String)> {
        // The record's additions carry no update.
        if let Some(entry) = record_entry(cmd) {
            return Some(entry);
        }
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

/// The entry of a command that keeps the record beside the playbook's steps
/// (progress, a correction, a link, a fix, a check not performed, a revised
/// postmortem), at its true time; `None` for any other command.
fn record_entry(cmd: &Command) -> Option<(Timestamp, String)> {
    let event = match &cmd.body {
        CommandBody::RecordCheck(b) if b.performed == Some(false) => format!(
            "Check of {} not performed: {}",
            b.check.as_str().replace('_', " "),
            or_dash(b.finding.as_ref())
        ),
        CommandBody::RecordProgress(b) => return Some(progress(cmd.at, b)),
        CommandBody::CorrectImpact(b) => {
            format!("Impact corrected: {}", or_dash(b.reason.as_ref()))
        }
        CommandBody::LinkIncident(b) => {
            let note = b.note.as_ref().map_or(String::new(), |n| format!(": {n}"));
            format!("Linked: {} {}{note}", b.relation.words(), b.incident)
        }
        CommandBody::RecordFix(b) => {
            let outcome = b.outcome.map_or("outcome unknown", outcome_words);
            let at = b.occurred_at.unwrap_or(cmd.at);
            let what = or_dash(b.description.as_ref());
            return Some((at, format!("Fix deployed: {what} ({outcome})")));
        }
        CommandBody::SubmitPostmortem(b) if b.reason.is_some() => {
            format!("Postmortem revised: {}", or_dash(b.reason.as_ref()))
        }
        _ => return None,
    };
    Some((cmd.at, event))
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

/// A progress entry, at the time the share was measured: "Progress: 40%
/// done, expected complete T (Batches 1 to 3)".
fn progress(recorded: Timestamp, b: &crate::incident::RecordProgress) -> (Timestamp, String) {
    let mut event = format!("Progress: {} done", b.percent);
    if let Some(expected) = b.expected_completion {
        event.push_str(&format!(", expected complete {expected}"));
    }
    if let Some(note) = &b.note {
        event.push_str(&format!(" ({note})"));
    }
    (b.occurred_at.unwrap_or(recorded), event)
}

/// A note's entry; one recorded after it happened says when it was recorded.
fn note(recorded: Timestamp, happened: Timestamp, text: &str) -> String {
    if recorded == happened {
        format!("Note: {text}")
    } else {
        format!("Note (recorded {recorded}): {text}")
    }
}

#[cfg(test)]
mod tests {
    use crate::postmortem::Postmortem;

    fn draft(case: &str) -> Vec<(String, String)> {
        Postmortem::draft_from(&crate::views::test_incident(case))
            .timeline()
            .iter()
            .map(|e| (e.at.to_string(), e.event.to_string()))
            .collect()
    }

    /// The start tells the impact as first recorded; the later, larger
    /// impact is an entry at the time it was recorded.
    #[test]
    fn the_start_tells_the_first_impact_and_each_change_its_time() {
        let t = draft("incidents/gitlab-2017-01-31.jsonl");
        assert_eq!(
            t[0].1,
            "Impact started: Comments, and writes under database load (GitLab.com users posting comments on issues and merge requests)"
        );
        let change = t
            .iter()
            .find(|(_, e)| e.starts_with("Impact changed: The whole site"))
            .unwrap();
        assert_eq!(change.0, "2017-01-31T23:28:00Z");
        assert!(
            change.1.contains("flags: broad_outage, data_loss"),
            "{}",
            change.1
        );
    }

    /// Every comms update is an entry, with its audience and status.
    #[test]
    fn updates_are_entries_with_their_audience() {
        let t = draft("incidents/gitlab-2017-01-31.jsonl");
        let updates: Vec<&str> = t
            .iter()
            .filter(|(_, e)| e.starts_with("Update ("))
            .map(|(_, e)| e.as_str())
            .collect();
        assert_eq!(updates.len(), 11, "{updates:#?}");
        assert_eq!(
            updates[0],
            "Update (public, investigating): High database load from spam users. Action: Investigating; removing spam users"
        );
        assert!(updates[1].starts_with("Update (internal, mitigating): "));
    }
}
