//! A first draft of the postmortem, filled from the incident's history.

use crate::comms::CommsUpdate;
use crate::impact::{Impact, Surface};
use crate::incident::{Command, CommandBody, Incident};
use crate::mitigation::MitigationRecord;
use crate::postmortem::{Postmortem, TimelineEntry};
use crate::roles::Role;
use crate::severity::Severity;
use crate::text::{LongText, Name, ShortText};
use crate::time::Timestamp;

/// A short text from anything: cut to the limit with `…`; `None` if blank.
fn short(s: &str) -> Option<ShortText> {
    let max = <ShortText as crate::text::BoundedText>::MAX;
    if s.chars().nth(max).is_some() {
        let cut: String = s.chars().take(max - 1).chain(['…']).collect();
        ShortText::new(&cut).ok()
    } else {
        ShortText::new(s).ok()
    }
}

fn or_dash(s: Option<&String>) -> &str {
    s.map_or("—", String::as_str)
}

impl Postmortem {
    /// A `draft` postmortem filled from what the incident recorded: the
    /// title, the date (UTC) of the last command (so that no timeline entry
    /// is after it: `timeline-after-postmortem`), the peak severity, the owners
    /// (commander, scribe and technical lead), the impact, a timeline (impact
    /// start, declaration, severity changes, checks, mitigations, phase
    /// changes, notes, root cause, lifted blocks) and the root cause if
    /// recorded. Summary, what worked, what did not work and the action
    /// items are left for people to write.
    ///
    /// ```
    /// use incident_playbook::{Postmortem, PostmortemStatus, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let draft = Postmortem::draft_from(incident);
    /// assert_eq!(draft.status(), PostmortemStatus::Draft);
    /// assert_eq!(draft.owners().iter().map(|o| o.as_str()).collect::<Vec<_>>(), ["Ada", "Ken", "Grace"]);
    /// assert_eq!(draft.timeline()[0].event.as_str(), "Impact started: Document upload (All tenants uploading documents)");
    /// assert!(draft.summary().is_none());
    /// ```
    pub fn draft_from(incident: &Incident) -> Postmortem {
        Postmortem::draft(
            incident.title().clone(),
            incident.last_command_at().date(),
            incident.peak_severity(),
            draft_owners(incident),
            LongText::new(&impact_text(incident.impact())).ok(),
            draft_timeline(incident),
            incident.root_cause().map(|r| r.text.clone()),
        )
    }
}

/// The commander, scribe and technical lead, each once.
fn draft_owners(incident: &Incident) -> Vec<Name> {
    let mut owners: Vec<Name> = Vec::new();
    for role in [Role::Commander, Role::Scribe, Role::TechnicalLead] {
        if let Some(n) = incident.roles().get(role)
            && !owners.contains(n)
        {
            owners.push(n.clone());
        }
    }
    owners
}

/// The impact as a list, one line per part.
fn impact_text(impact: &Impact) -> String {
    let list = |items: Vec<&str>| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items.join(", ")
        }
    };
    let surfaces = impact.surfaces().iter().map(|s| match s {
        Surface::Api => "api",
        Surface::Frontend => "frontend",
        Surface::Data => "data",
    });
    format!(
        "- Environment: {}\n- Users: {}\n- Feature: {}\n- Started: {}\n- User impact active: {}\n- Flags: {}\n- Surfaces: {}\n- Affected endpoints: {}\n- Affected dependencies: {}",
        impact.environment(),
        impact.users(),
        impact.feature(),
        impact.started_at(),
        if impact.user_impact_active() {
            "yes"
        } else {
            "no"
        },
        list(impact.flags().iter().map(|f| f.as_str()).collect()),
        list(surfaces.collect()),
        list(
            impact
                .affected_endpoints()
                .iter()
                .map(|e| e.as_str())
                .collect()
        ),
        list(
            impact
                .affected_dependencies()
                .iter()
                .map(|d| d.as_str())
                .collect()
        ),
    )
}

/// The timeline: the impact's start, then one entry per command that says
/// something a reader of the postmortem wants to know.
fn draft_timeline(incident: &Incident) -> Vec<TimelineEntry> {
    let impact = incident.impact();
    let mut timeline: Vec<TimelineEntry> = Vec::new();
    let mut push = |at: Timestamp, event: String| {
        if let Some(event) = short(&event) {
            timeline.push(TimelineEntry { at, event });
        }
    };
    push(
        impact.started_at(),
        format!("Impact started: {} ({})", impact.feature(), impact.users()),
    );
    let mut history = HistoryWalk {
        incident,
        updates: incident.updates().iter(),
        mitigations: incident.mitigations().iter(),
        severity: None,
    };
    for cmd in incident.history() {
        if let Some(event) = history.event(cmd) {
            push(cmd.at, event);
        }
    }
    timeline
}

/// Walks the history, pairing each command with the update and mitigation
/// it added.
struct HistoryWalk<'a> {
    incident: &'a Incident,
    updates: std::slice::Iter<'a, CommsUpdate>,
    mitigations: std::slice::Iter<'a, MitigationRecord>,
    /// The severity before the command.
    severity: Option<Severity>,
}

impl HistoryWalk<'_> {
    /// The timeline's entry for `cmd`, if it gets one.
    fn event(&mut self, cmd: &Command) -> Option<String> {
        // Each accepted command that carries an update added one, in order.
        let update = cmd.body.update().and_then(|_| self.updates.next());
        let action = update.map_or(String::new(), |u| u.action().to_string());
        let impact_line = update.map_or(String::new(), |u| u.impact().to_string());
        let event = match &cmd.body {
            CommandBody::Declare(d) => {
                self.severity = Some(d.severity);
                format!("Declared {}: {}", d.severity, self.incident.title())
            }
            CommandBody::ChangeSeverity(b) => {
                let from = self.severity.map_or("?".to_owned(), |s| s.to_string());
                self.severity = Some(b.severity);
                let reason = or_dash(b.reason.as_ref());
                format!("Severity {from} → {}: {reason}", b.severity)
            }
            CommandBody::RecordCheck(b) => format!(
                "Checked {}: {}",
                b.check.as_str().replace('_', " "),
                or_dash(b.finding.as_ref())
            ),
            CommandBody::AddNote(b) => format!("Note: {}", or_dash(b.text.as_ref())),
            CommandBody::RecordRootCause(_) => "Root cause recorded".to_owned(),
            CommandBody::StartMitigation(_) => {
                let what = self
                    .mitigations
                    .next()
                    .map_or(String::new(), |m| m.mitigation.describe());
                format!("Mitigation started: {what}")
            }
            CommandBody::BeginMonitoring(_) => format!("Monitoring: {action}"),
            CommandBody::ResumeInvestigation(b) => {
                format!("Back to investigating: {}", or_dash(b.reason.as_ref()))
            }
            CommandBody::Resolve(_) => format!("Resolved: {impact_line}"),
            CommandBody::Reopen(b) => format!("Reopened: {}", or_dash(b.reason.as_ref())),
            CommandBody::LiftBlock(b) => {
                format!("Block lifted: {}", or_dash(b.endpoint.as_ref()))
            }
            _ => return None,
        };
        Some(event)
    }
}
