//! The incident history as CDEvents, for delivery pipelines and DORA
//! dashboards that count incidents and time to restore.
//!
//! Each `declare` and `reopen` becomes an `incident reported` event, each
//! `resolve` an `incident resolved` event (CDEvents spec 0.4.1: event types
//! `dev.cdevents.incident.reported.0.2.0` and
//! `dev.cdevents.incident.resolved.0.2.0`), carried as CloudEvents 1.0 in
//! structured JSON, the CDEvent as `data`.
//!
//! Nothing is random and nothing reads a clock: an event's id is the id of
//! the command it comes from, its time the command's `at`, so exporting the
//! same history twice gives the same events and a consumer can drop
//! duplicates by id. The subject's id is the incident's id; the environment
//! is the impact's environment when the command was accepted. The incident
//! has no ticket of its own: `ticketURI` (mandatory for `reported`) is
//! `urn:uuid:<incident id>` unless the caller gives a base to put the id after.

use serde::Serialize;
use uuid::Uuid;

use crate::comms::CommsUpdate;
use crate::incident::{Command, CommandBody, Incident};
use crate::severity::Severity;
use crate::time::Timestamp;

/// The CDEvents specification version the events follow.
pub const CDEVENTS_SPEC_VERSION: &str = "0.4.1";
/// The event type of `incident reported`.
pub const INCIDENT_REPORTED: &str = "dev.cdevents.incident.reported.0.2.0";
/// The event type of `incident resolved`.
pub const INCIDENT_RESOLVED: &str = "dev.cdevents.incident.resolved.0.2.0";

/// A CloudEvent (1.0, structured JSON) carrying one CDEvent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudEvent {
    /// `1.0`.
    pub specversion: &'static str,
    /// The CDEvent's id: the command's id.
    pub id: String,
    /// Who produced it.
    pub source: String,
    /// The CDEvent's type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The CDEvent subject's id: the incident's id.
    pub subject: String,
    /// The CDEvent's timestamp: the command's `at`.
    pub time: Timestamp,
    /// `application/json`.
    pub datacontenttype: &'static str,
    /// The CDEvent.
    pub data: CdEvent,
}

/// A CDEvent: context, subject and custom data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CdEvent {
    /// The context.
    pub context: CdContext,
    /// The subject: the incident.
    pub subject: CdSubject,
    /// What the playbook knows beyond the CDEvents fields.
    pub custom_data: CustomData,
    /// `application/json`.
    pub custom_data_content_type: &'static str,
}

/// A CDEvent's context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CdContext {
    /// The CDEvents spec version.
    pub version: &'static str,
    /// The event's id.
    pub id: String,
    /// Who produced it.
    pub source: String,
    /// The event type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When it happened.
    pub timestamp: Timestamp,
}

/// A CDEvent's subject: the incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CdSubject {
    /// The incident's id.
    pub id: String,
    /// Who produced it.
    pub source: String,
    /// `incident`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The incident's fields.
    pub content: CdIncident,
}

/// The content of an `incident` subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CdIncident {
    /// The title (reported) or the resolving update's impact line (resolved).
    pub description: String,
    /// The affected environment.
    pub environment: CdEnvironment,
    /// Where the incident is tracked (reported only).
    #[serde(rename = "ticketURI", skip_serializing_if = "Option::is_none")]
    pub ticket_uri: Option<String>,
}

/// A reference to an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CdEnvironment {
    /// Its id: the impact's environment.
    pub id: String,
}

/// The playbook's view of the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomData {
    /// The severity at the time.
    pub severity: Severity,
    /// The incident's title.
    pub title: String,
    /// The command the event comes from (`declare`, `reopen`, `resolve`).
    pub command: &'static str,
}

/// The CDEvents of `incident`'s history, in order, produced by `source` (a
/// URI reference such as `/incident-playbook`). `ticket_base`, if given, is
/// put before the incident's id to make `ticketURI`
/// (`https://tickets.example/incidents/`).
///
/// ```
/// use incident_playbook::{cdevents, Replay, INCIDENT_REPORTED, INCIDENT_RESOLVED};
/// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
/// let mut replay = Replay::new(Default::default());
/// case.lines().for_each(|l| { replay.line(l); });
/// let incident = replay.incidents().iter().next().unwrap();
/// let events = cdevents(incident, "/incident-playbook", None);
/// let kinds: Vec<&str> = events.iter().map(|e| e.kind).collect();
/// assert_eq!(kinds, [INCIDENT_REPORTED, INCIDENT_RESOLVED]);
/// assert_eq!(events[0].id, "8f6383a5-2b74-5d87-8864-571d8340a53b"); // the declare's command id
/// assert_eq!(events[1].time.to_string(), "2026-05-04T10:05:00Z");
/// assert_eq!(events, cdevents(incident, "/incident-playbook", None)); // same history, same events
/// ```
pub fn cdevents(incident: &Incident, source: &str, ticket_base: Option<&str>) -> Vec<CloudEvent> {
    let export = Export {
        incident,
        source,
        ticket_base,
    };
    let mut environment = incident.impact().environment().to_string();
    let mut updates = incident.updates().iter();
    let mut out = Vec::new();
    for cmd in incident.history() {
        // The updates are kept in the order of the commands that posted them.
        let update = cmd.body.update().and_then(|_| updates.next());
        if let Some(env) = environment_set_by(&cmd.body) {
            environment = env;
        }
        if let Some(event) = export.event(cmd, update, &environment) {
            out.push(event);
        }
    }
    out
}

/// The environment a command's impact names, if it names one.
fn environment_set_by(body: &CommandBody) -> Option<String> {
    match body {
        CommandBody::Declare(d) => d.impact.as_ref(),
        CommandBody::UpdateImpact(b) => b.impact.as_ref(),
        CommandBody::ChangeSeverity(b) => b.impact.as_ref(),
        _ => None,
    }
    .and_then(|i| i.environment.clone())
}

/// One incident's export: what every event of it shares.
struct Export<'a> {
    incident: &'a Incident,
    source: &'a str,
    ticket_base: Option<&'a str>,
}

impl Export<'_> {
    /// The event `cmd` makes, if any: `update` is the comms update it posted,
    /// `environment` the impact's environment once it was accepted.
    fn event(
        &self,
        cmd: &Command,
        update: Option<&CommsUpdate>,
        environment: &str,
    ) -> Option<CloudEvent> {
        let title = self.incident.title().to_string();
        let (kind, description, ticket_uri) = match &cmd.body {
            CommandBody::Declare(_) | CommandBody::Reopen(_) => (
                INCIDENT_REPORTED,
                title.clone(),
                Some(ticket_uri(self.incident.id(), self.ticket_base)),
            ),
            CommandBody::Resolve(_) => (
                INCIDENT_RESOLVED,
                update.map_or_else(|| title.clone(), |u| u.impact().to_string()),
                None,
            ),
            _ => return None,
        };
        let content = CdIncident {
            description,
            environment: CdEnvironment {
                id: environment.to_owned(),
            },
            ticket_uri,
        };
        let custom_data = CustomData {
            severity: update.map_or(self.incident.severity(), CommsUpdate::severity),
            title,
            command: cmd.kind().as_str(),
        };
        Some(self.cloud_event(cmd, kind, content, custom_data))
    }

    fn cloud_event(
        &self,
        cmd: &Command,
        kind: &'static str,
        content: CdIncident,
        custom_data: CustomData,
    ) -> CloudEvent {
        let (id, subject) = (cmd.command_id.to_string(), self.incident.id().to_string());
        CloudEvent {
            specversion: "1.0",
            id: id.clone(),
            source: self.source.to_owned(),
            kind,
            subject: subject.clone(),
            time: cmd.at,
            datacontenttype: "application/json",
            data: CdEvent {
                context: CdContext {
                    version: CDEVENTS_SPEC_VERSION,
                    id,
                    source: self.source.to_owned(),
                    kind,
                    timestamp: cmd.at,
                },
                subject: CdSubject {
                    id: subject,
                    source: self.source.to_owned(),
                    kind: "incident",
                    content,
                },
                custom_data,
                custom_data_content_type: "application/json",
            },
        }
    }
}

fn ticket_uri(id: Uuid, base: Option<&str>) -> String {
    match base {
        Some(base) => format!("{base}{id}"),
        None => format!("urn:uuid:{id}"),
    }
}
