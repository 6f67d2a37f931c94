//! The incident history as CDEvents, for delivery pipelines and DORA
//! dashboards that count incidents and time to restore.
//!
//! Each `declare` and `reopen` becomes an `incident reported` event, each
//! `resolve` an `incident resolved` event (CDEvents spec 0.4.1: event types
//! `dev.cdevents.incident.reported.0.2.0` and
//! `dev.cdevents.incident.resolved.0.2.0`), carried as CloudEvents 1.0 in
//! structured JSON, the CDEvent as `data`.
//!
//! Nothing is random and nothing reads a clock: an event's id is a
//! name-based UUID (version 5) of the command it comes from — the incident's
//! id as namespace, the command's id as name ([`event_id`]) — and its time
//! the command's `at`, so exporting the same history twice gives the same
//! events and a consumer can drop duplicates by id. Two incidents may use
//! the same `command_id`; their events still have different ids, as
//! CloudEvents demands of events with the same `source`. The subject's id is
//! the incident's id; the environment is the impact's environment when the
//! command was accepted. The incident has no ticket of its own: `ticketURI`
//! (mandatory for `reported`) is `urn:uuid:<incident id>` unless the caller
//! gives a base to put the id after.
//!
//! The `source` and the ticket base are checked when the export is built
//! ([`CdEventsExport::new`]): an empty source, one with a space, or a base
//! that is no absolute URI would make events the CDEvents and CloudEvents
//! schemas refuse.

mod uri;

use std::collections::BTreeMap;

use serde::Serialize;
use uuid::Uuid;

use crate::comms::CommsUpdate;
use crate::impact::{AffectedCounts, Impact};
use crate::incident::{Command, CommandBody, CommandId, Incident, IncidentId};
use crate::severity::Severity;
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::views::public::PublicPost;

/// The CDEvents specification version the events follow.
pub const CDEVENTS_SPEC_VERSION: &str = "0.4.1";
/// The event type of `incident reported`.
pub const INCIDENT_REPORTED: &str = "dev.cdevents.incident.reported.0.2.0";
/// The event type of `incident resolved`.
pub const INCIDENT_RESOLVED: &str = "dev.cdevents.incident.resolved.0.2.0";

/// The `source` the events have unless the caller names another.
pub const DEFAULT_SOURCE: &str = "/incident-playbook";

/// Why [`CdEventsExport::new`] refuses a `source` or a ticket base.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CdEventsError {
    /// The `source` is no non-empty URI reference (RFC 3986), as CloudEvents
    /// and CDEvents require.
    #[error("the source {value:?} is not a URI reference ({reason})")]
    Source {
        /// The source given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The ticket base followed by an incident id is no absolute URI, as
    /// CDEvents requires of `ticketURI`.
    #[error("the ticket base {value:?} does not make a URI ({reason})")]
    TicketBase {
        /// The base given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// How an incident is exported: the events' `source` and the base of
/// `ticketURI`, both checked once, so that every event made is one the
/// CDEvents 0.4.1 and CloudEvents 1.0 schemas accept.
///
/// ```
/// use incident_playbook::{cdevents::{CdEventsError, CdEventsExport}};
/// assert!(CdEventsExport::new("/incident-playbook", Some("https://tickets.example/i/")).is_ok());
/// assert!(matches!(CdEventsExport::new("", None), Err(CdEventsError::Source { .. })));
/// assert!(matches!(CdEventsExport::new("has space", None), Err(CdEventsError::Source { .. })));
/// assert!(matches!(
///     CdEventsExport::new("/x", Some("not a url")),
///     Err(CdEventsError::TicketBase { .. })
/// ));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdEventsExport {
    source: String,
    ticket_base: Option<String>,
    /// Only what the public was told ([`CdEventsExport::public_only`]).
    public_only: bool,
}

impl Default for CdEventsExport {
    /// Source [`DEFAULT_SOURCE`], `ticketURI` `urn:uuid:<incident id>`.
    fn default() -> Self {
        CdEventsExport {
            source: DEFAULT_SOURCE.to_owned(),
            ticket_base: None,
            public_only: false,
        }
    }
}

impl CdEventsExport {
    /// An export with events from `source` (a URI reference such as
    /// `/incident-playbook`); `ticket_base`, if given, is put before the
    /// incident's id to make `ticketURI` (`https://tickets.example/incidents/`).
    ///
    /// # Errors
    ///
    /// A `source` that is empty or no URI reference (a space, say); a
    /// `ticket_base` that, followed by an id, is no absolute URI.
    pub fn new(source: &str, ticket_base: Option<&str>) -> Result<Self, CdEventsError> {
        if let Some(reason) = uri::reference_problem(source) {
            return Err(CdEventsError::Source {
                value: source.to_owned(),
                reason,
            });
        }
        if let Some((base, reason)) =
            ticket_base.and_then(|b| uri::absolute_problem(b).map(|r| (b, r)))
        {
            return Err(CdEventsError::TicketBase {
                value: base.to_owned(),
                reason,
            });
        }
        Ok(CdEventsExport {
            source: source.to_owned(),
            ticket_base: ticket_base.map(str::to_owned),
            public_only: false,
        })
    }

    /// The same export, limited to what the public was told, for a feed
    /// that leaves the company: `incident reported` when the first public
    /// update went out (not at the declaration, which the public did not
    /// see) and at each `reopen` posted in public, `incident resolved` at
    /// each `resolve` posted in public; the title is the one the public
    /// update went out under (never an internal title before disclosure),
    /// and `customData` carries no severity and no impact figures, which the
    /// public was not told.
    ///
    /// ```
    /// use incident_playbook::{Replay, cdevents::{CdEventsExport, cdevents}};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// // Every update of this incident was internal: nothing to publish.
    /// assert!(cdevents(incident, &CdEventsExport::default().public_only()).is_empty());
    /// ```
    pub fn public_only(mut self) -> Self {
        self.public_only = true;
        self
    }

    /// Whether it is limited to what the public was told.
    pub fn is_public_only(&self) -> bool {
        self.public_only
    }

    /// The events' `source`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The base of `ticketURI`, if one was given.
    pub fn ticket_base(&self) -> Option<&str> {
        self.ticket_base.as_deref()
    }
}

/// The id of the event a command makes: the name-based UUID (version 5) of
/// the command's id in the namespace of its incident's id, unique per
/// incident and command, so unique per `source` even when two incidents use
/// the same `command_id`.
///
/// ```
/// use incident_playbook::{CommandId, IncidentId, Uuid, cdevents::event_id};
/// let (a, b) = (IncidentId::new(Uuid::from_u128(1)), IncidentId::new(Uuid::from_u128(2)));
/// let c = CommandId::new(Uuid::from_u128(3));
/// assert_ne!(event_id(a, c), event_id(b, c));
/// assert_eq!(event_id(a, c), Uuid::new_v5(a.as_uuid(), c.as_uuid().as_bytes()));
/// ```
pub fn event_id(incident_id: IncidentId, command_id: CommandId) -> Uuid {
    Uuid::new_v5(incident_id.as_uuid(), command_id.as_uuid().as_bytes())
}

/// A CloudEvent (1.0, structured JSON) carrying one CDEvent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CloudEvent {
    /// `1.0`.
    pub specversion: &'static str,
    /// The event's id: [`event_id`] of the incident and the command.
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub struct CdEnvironment {
    /// Its id: the impact's environment.
    pub id: String,
}

/// The playbook's view of the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CustomData {
    /// The severity at the time; `None` (left out) in a public export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The most severe level the incident had up to then: on `resolved`,
    /// what the response was held to, even after a downgrade; `None` (left
    /// out) in a public export.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_severity: Option<Severity>,
    /// The incident's title at the time (a later `rename` does not change
    /// an event already sent).
    pub title: String,
    /// The command the event comes from (`declare`, `reopen`, `resolve`).
    pub command: &'static str,
    /// That command's id (the event's id is derived from it).
    pub command_id: CommandId,
    /// The impact as it stood once that command was accepted: what a
    /// dashboard of this event shows, not what was learned later. Left out
    /// only if the history up to the command could not be rebuilt (an
    /// incident's own history always can).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<CdImpact>,
}

/// The impact an event states: its counts and reach at the event's time.
/// CDEvents 0.4.1 has no field for them in the incident subject (its
/// `content` takes no other field), so they go in `customData`, which takes
/// any object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CdImpact {
    /// When the impact started; `None` while not known (then not written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    /// The regions affected (empty when not said).
    pub regions: Vec<ShortText>,
    /// How many users, tenants and failed requests; only the counts known
    /// are written.
    pub affected: AffectedCounts,
}

impl From<&Impact> for CdImpact {
    fn from(impact: &Impact) -> Self {
        CdImpact {
            started_at: impact.started_at(),
            regions: impact.regions().to_vec(),
            affected: impact.affected(),
        }
    }
}

/// The CDEvents of `incident`'s history, in order, as `export` says.
///
/// ```
/// use incident_playbook::{Replay, Severity, cdevents::{CdEventsExport, cdevents, event_id}};
/// use incident_playbook::{cdevents::{INCIDENT_REPORTED, INCIDENT_RESOLVED}};
/// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
/// let mut replay = Replay::new(Default::default());
/// case.lines().for_each(|l| { replay.line(l); });
/// let incident = replay.incidents().iter().next().unwrap();
/// let events = cdevents(incident, &CdEventsExport::default());
/// let kinds: Vec<&str> = events.iter().map(|e| e.kind).collect();
/// assert_eq!(kinds, [INCIDENT_REPORTED, INCIDENT_RESOLVED]);
/// let declare = incident.history()[0].command_id;
/// assert_eq!(events[0].id, event_id(incident.id(), declare).to_string());
/// assert_eq!(events[1].time.to_string(), "2026-05-04T10:05:00Z");
/// assert_eq!(events[1].data.custom_data.peak_severity, Some(Severity::Sev1));
/// assert_eq!(events, cdevents(incident, &CdEventsExport::default())); // same history, same events
/// ```
pub fn cdevents(incident: &Incident, export: &CdEventsExport) -> Vec<CloudEvent> {
    let export = Export {
        incident,
        export,
        then: states_at_events(incident),
        public: export.public_only.then(|| PublicPost::all(incident)),
    };
    let mut environment = incident.impact().environment().to_string();
    let (mut severity, mut peak): (Option<Severity>, Option<Severity>) = (None, None);
    let mut updates = incident.updates();
    let mut out = Vec::new();
    for (i, cmd) in incident.history().iter().enumerate() {
        // The updates are kept in the order of the commands that posted them.
        let update = cmd.body.update().and_then(|_| updates.next());
        if let Some(env) = environment_set_by(&cmd.body) {
            environment = env;
        }
        if let Some(severity) = severity_set_by(&cmd.body) {
            peak = Some(peak.map_or(severity, |p| p.most_severe(severity)));
        }
        let at = Moment {
            index: i,
            environment: &environment,
            severity: severity_set_by(&cmd.body)
                .or(severity)
                .unwrap_or(incident.severity()),
            peak: peak.unwrap_or(incident.peak_severity()),
        };
        severity = Some(at.severity);
        if let Some(event) = export.event(cmd, update.as_ref(), &at) {
            out.push(event);
        }
    }
    out
}

/// The severity a command sets, if it sets one.
fn severity_set_by(body: &CommandBody) -> Option<Severity> {
    match body {
        CommandBody::Declare(d) => Some(d.severity),
        CommandBody::ChangeSeverity(b) => Some(b.severity),
        _ => None,
    }
}

/// What stood once a command was accepted.
struct Moment<'a> {
    /// The command's position in the history.
    index: usize,
    /// The impact's environment.
    environment: &'a str,
    /// The severity.
    severity: Severity,
    /// The most severe level so far.
    peak: Severity,
}

/// The environment a command's impact names, if it names one.
fn environment_set_by(body: &CommandBody) -> Option<String> {
    match body {
        CommandBody::Declare(d) => d.impact.as_ref(),
        CommandBody::UpdateImpact(b) => b.impact.as_ref(),
        CommandBody::ChangeSeverity(b) => b.impact.as_ref(),
        _ => None,
    }
    .and_then(|i| i.environment.as_deref().map(String::from))
}

/// One incident's export: what every event of it shares.
struct Export<'a> {
    incident: &'a Incident,
    export: &'a CdEventsExport,
    /// The impact and title right after each command that makes an event,
    /// by the command's position.
    then: BTreeMap<usize, (CdImpact, String)>,
    /// In a public export, the public posts: only their commands make
    /// events.
    public: Option<Vec<PublicPost>>,
}

/// Whether a command makes an event.
fn makes_event(body: &CommandBody) -> bool {
    matches!(
        body,
        CommandBody::Declare(_) | CommandBody::Reopen(_) | CommandBody::Resolve(_)
    )
}

/// The impact and title as they stood right after each command that makes
/// an event, in one pass over the history.
fn states_at_events(incident: &Incident) -> BTreeMap<usize, (CdImpact, String)> {
    let history = incident.history();
    let mut then = BTreeMap::new();
    incident.each_state(|i, state| {
        if history.get(i).is_some_and(|c| makes_event(&c.body)) {
            let impact = CdImpact::from(state.impact());
            then.insert(i, (impact, state.title().to_string()));
        }
    });
    then
}

impl Export<'_> {
    /// The event `cmd` makes, if any: `update` is the comms update it posted,
    /// `at` what stood once it was accepted.
    fn event(
        &self,
        cmd: &Command,
        update: Option<&CommsUpdate>,
        at: &Moment<'_>,
    ) -> Option<CloudEvent> {
        let then = self.then.get(&at.index);
        let (title, reported) = match &self.public {
            Some(public) => {
                let post = public.iter().find(|p| p.command_index == at.index)?;
                let first = public.first().map(|p| p.command_index) == Some(at.index);
                let reported = first || matches!(cmd.body, CommandBody::Reopen(_));
                if !reported && !matches!(cmd.body, CommandBody::Resolve(_)) {
                    return None;
                }
                (post.title.to_string(), reported)
            }
            None if makes_event(&cmd.body) => (
                then.map_or_else(|| self.incident.title().to_string(), |(_, t)| t.clone()),
                !matches!(cmd.body, CommandBody::Resolve(_)),
            ),
            None => return None,
        };
        let (kind, description, ticket_uri) = match &cmd.body {
            CommandBody::Resolve(_) => (
                INCIDENT_RESOLVED,
                update.map_or_else(|| title.clone(), |u| u.impact().to_string()),
                None,
            ),
            _ if reported => (
                INCIDENT_REPORTED,
                title.clone(),
                Some(ticket_uri(self.incident.id(), self.export.ticket_base())),
            ),
            _ => return None,
        };
        let content = CdIncident {
            description,
            environment: CdEnvironment {
                id: at.environment.to_owned(),
            },
            ticket_uri,
        };
        let public = self.export.public_only;
        let custom_data = CustomData {
            severity: (!public).then(|| update.map_or(at.severity, CommsUpdate::severity)),
            peak_severity: (!public).then_some(at.peak),
            title,
            command: cmd.kind().as_str(),
            command_id: cmd.command_id,
            impact: then.filter(|_| !public).map(|(impact, _)| impact.clone()),
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
        let id = event_id(self.incident.id(), cmd.command_id).to_string();
        let subject = self.incident.id().to_string();
        let source = self.export.source();
        CloudEvent {
            specversion: "1.0",
            id: id.clone(),
            source: source.to_owned(),
            kind,
            subject: subject.clone(),
            time: cmd.at,
            datacontenttype: "application/json",
            data: CdEvent {
                context: CdContext {
                    version: CDEVENTS_SPEC_VERSION,
                    id,
                    source: source.to_owned(),
                    kind,
                    timestamp: cmd.at,
                },
                subject: CdSubject {
                    id: subject,
                    source: source.to_owned(),
                    kind: "incident",
                    content,
                },
                custom_data,
                custom_data_content_type: "application/json",
            },
        }
    }
}

fn ticket_uri(id: IncidentId, base: Option<&str>) -> String {
    match base {
        Some(base) => format!("{base}{id}"),
        None => format!("urn:uuid:{id}"),
    }
}
