//! A first draft of the postmortem, filled from the incident's history.

use crate::comms::CommsUpdate;
use crate::incident::{CommandBody, Incident};
use crate::postmortem::{Postmortem, TimelineEntry};
use crate::roles::Role;
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
    /// title, the declaration's date (UTC), the peak severity, the owners
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
        let mut owners: Vec<Name> = Vec::new();
        for role in [Role::Commander, Role::Scribe, Role::TechnicalLead] {
            if let Some(n) = incident.roles().get(role)
                && !owners.contains(n)
            {
                owners.push(n.clone());
            }
        }
        let impact = incident.impact();
        let join = |items: Vec<&str>| {
            if items.is_empty() {
                "—".to_owned()
            } else {
                items.join(", ")
            }
        };
        let impact_text = format!(
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
            join(impact.flags().iter().map(|f| f.as_str()).collect()),
            join(
                impact
                    .surfaces()
                    .iter()
                    .map(|s| match s {
                        crate::impact::Surface::Api => "api",
                        crate::impact::Surface::Frontend => "frontend",
                        crate::impact::Surface::Data => "data",
                    })
                    .collect()
            ),
            join(
                impact
                    .affected_endpoints()
                    .iter()
                    .map(|e| e.as_str())
                    .collect()
            ),
            join(
                impact
                    .affected_dependencies()
                    .iter()
                    .map(|d| d.as_str())
                    .collect()
            ),
        );

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
        let mut updates = incident.updates().iter();
        let mut mitigations = incident.mitigations().iter();
        let mut severity = None;
        for cmd in incident.history() {
            // Each accepted command that carries an update added one, in order.
            let update: Option<&CommsUpdate> = if cmd.body.update().is_some() {
                updates.next()
            } else {
                None
            };
            let action = update.map_or(String::new(), |u| u.action().to_string());
            let impact_line = update.map_or(String::new(), |u| u.impact().to_string());
            match &cmd.body {
                CommandBody::Declare(d) => {
                    severity = Some(d.severity);
                    push(
                        cmd.at,
                        format!("Declared {}: {}", d.severity, incident.title()),
                    );
                }
                CommandBody::ChangeSeverity(b) => {
                    let from = severity.map_or("?".to_owned(), |s| s.to_string());
                    severity = Some(b.severity);
                    push(
                        cmd.at,
                        format!(
                            "Severity {from} → {}: {}",
                            b.severity,
                            or_dash(b.reason.as_ref())
                        ),
                    );
                }
                CommandBody::RecordCheck(b) => push(
                    cmd.at,
                    format!(
                        "Checked {}: {}",
                        b.check.as_str().replace('_', " "),
                        or_dash(b.finding.as_ref())
                    ),
                ),
                CommandBody::AddNote(b) => {
                    push(cmd.at, format!("Note: {}", or_dash(b.text.as_ref())))
                }
                CommandBody::RecordRootCause(_) => push(cmd.at, "Root cause recorded".to_owned()),
                CommandBody::StartMitigation(_) => {
                    let what = mitigations
                        .next()
                        .map_or(String::new(), |m| m.mitigation.describe());
                    push(cmd.at, format!("Mitigation started: {what}"));
                }
                CommandBody::BeginMonitoring(_) => push(cmd.at, format!("Monitoring: {action}")),
                CommandBody::ResumeInvestigation(b) => push(
                    cmd.at,
                    format!("Back to investigating: {}", or_dash(b.reason.as_ref())),
                ),
                CommandBody::Resolve(_) => push(cmd.at, format!("Resolved: {impact_line}")),
                CommandBody::Reopen(b) => {
                    push(cmd.at, format!("Reopened: {}", or_dash(b.reason.as_ref())))
                }
                CommandBody::LiftBlock(b) => push(
                    cmd.at,
                    format!("Block lifted: {}", or_dash(b.endpoint.as_ref())),
                ),
                _ => {}
            }
        }

        Postmortem::draft(
            incident.title().clone(),
            incident.declared_at().date(),
            incident.peak_severity(),
            owners,
            LongText::new(&impact_text).ok(),
            timeline,
            incident.root_cause().map(|r| r.text.clone()),
        )
    }
}
