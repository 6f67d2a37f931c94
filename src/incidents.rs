//! Many incidents at once: route a stream of commands by `incident_id`.

use serde::Serialize;

use crate::incident::{Command, CommandId, Incident, IncidentId, Outcome, explain_malformed};
use crate::playbook::Playbook;
use crate::receiver::Receiver;
use crate::rule::{Rejection, Rule, Violation};
use crate::text::excerpt;
use crate::time::Timestamp;

/// A set of incidents under one playbook, kept in the order they were declared.
///
/// ```
/// use incident_playbook::{Incidents, Playbook, Rule};
/// let mut desk = Incidents::new(Playbook::default());
/// let err = desk.handle_json(r#"{"type": "add_note",
///   "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
///   "command_id": "ea5d05e5-a3ae-53f8-a996-c71724f5a951",
///   "at": "2026-05-04T09:00:00Z", "text": "Hello"}"#).unwrap_err();
/// assert_eq!(err.rejection.rule(), Rule::NotDeclared);
///
/// let err = desk.handle_json("{not json").unwrap_err();
/// assert_eq!(err.rejection.rule(), Rule::MalformedInput);
/// assert!(err.incident_id.is_none());
/// assert!(desk.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Incidents {
    playbook: Playbook,
    incidents: Vec<Incident>,
    index: foldhash::HashMap<IncidentId, usize>,
}

/// A refused line of a command stream, with the ids it named where they
/// could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rejection}")]
#[non_exhaustive]
pub struct LineRejection {
    /// The incident the line was for, if it could be read.
    pub incident_id: Option<IncidentId>,
    /// The command's id, if it could be read.
    pub command_id: Option<CommandId>,
    /// Every rule the line broke.
    pub rejection: Rejection,
}

/// The two ids of a line, read without the rest of it.
#[derive(serde::Deserialize)]
struct Ids<'a> {
    #[serde(borrow, default)]
    incident_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    command_id: Option<std::borrow::Cow<'a, str>>,
}

/// The longest serde message a report repeats: serde quotes offending values
/// whole, and a report should not be as large as a hostile line.
const MAX_MESSAGE_CHARS: usize = 500;

impl LineRejection {
    fn malformed(line: &str) -> Self {
        // Read what ids the line has, so a report can say which incident it
        // was for; the rest of the line is skipped, not built.
        let ids: Option<Ids> = serde_json::from_str(line).ok();
        LineRejection {
            incident_id: ids
                .as_ref()
                .and_then(|i| i.incident_id.as_ref()?.parse().ok()),
            command_id: ids
                .as_ref()
                .and_then(|i| i.command_id.as_ref()?.parse().ok()),
            rejection: malformed(line),
        }
    }

    /// A `malformed-input` rejection naming no ids, for a line whose ids could
    /// not be read.
    pub(crate) fn malformed_input(why: impl Into<String>) -> Self {
        LineRejection {
            incident_id: None,
            command_id: None,
            rejection: Violation::new(Rule::MalformedInput, why, None).into(),
        }
    }
}

/// Why `line` is not a command, as one `malformed-input` violation.
fn malformed(line: &str) -> Rejection {
    let why = explain_malformed(line);
    Violation::new(
        Rule::MalformedInput,
        excerpt(&why.message, MAX_MESSAGE_CHARS),
        why.path
            .as_deref()
            .map(|p| excerpt(p, MAX_MESSAGE_CHARS))
            .as_deref(),
    )
    .into()
}

/// Parses one JSON line into a command.
///
/// It fails as [`parse_body`](crate::command::parse_body) does, with a [`Rejection`]:
/// what a line is refused for is said the same way whether it is a whole
/// command or a body. The ids a refused line names, and its line number, are
/// the caller's to add ([`Incidents::handle_json`] gives a [`LineRejection`]
/// with the ids, [`crate::Replay`] a [`crate::LineReport`] with the number).
///
/// # Errors
///
/// `malformed-input` with serde's explanation at the JSON path of what is
/// wrong (`update.owner`, `postmortem.timeline[1].at`; none for the line as
/// a whole).
///
/// ```
/// use incident_playbook::{Rule, parse_command};
/// let line = r#"{"type": "add_note", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
///   "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576", "at": "2026-05-04T09:12:00Z",
///   "txt": "typo"}"#;
/// let refused = parse_command(line).unwrap_err();
/// let v = &refused.violations()[0];
/// assert_eq!((v.rule(), v.path()), (Rule::MalformedInput, Some("txt")));
/// assert!(v.message().contains("`add_note` command has"));
/// assert!(v.message().contains("did you mean `text`?"));
/// assert!(!v.message().contains("`postmortem`"));
/// ```
pub fn parse_command(line: &str) -> Result<Command, Rejection> {
    if let Some(why) = crate::text::unstorable(line) {
        return Err(why);
    }
    serde_json::from_str(line).map_err(|_| malformed(line))
}

impl Incidents {
    /// No incidents yet, under `playbook`.
    pub fn new(playbook: Playbook) -> Self {
        Incidents {
            playbook,
            incidents: Vec::new(),
            index: Default::default(),
        }
    }

    /// The playbook every command is checked against.
    pub fn playbook(&self) -> &Playbook {
        &self.playbook
    }

    /// Routes `cmd` to its incident (declaring a new one for `declare`).
    ///
    /// # Errors
    ///
    /// `not-declared` for a command to an unknown incident; otherwise what
    /// [`Incident::handle`] or [`Incident::declare`] refuses.
    pub fn handle(&mut self, cmd: Command) -> Result<Outcome, Rejection> {
        match self
            .index
            .get(&cmd.incident_id)
            .and_then(|&i| self.incidents.get_mut(i))
        {
            Some(incident) => incident.handle(cmd, &self.playbook),
            // `declare` refuses any other command as `not-declared`.
            None => {
                let id = cmd.incident_id;
                let incident = Incident::declare(cmd, &self.playbook)?;
                self.index.insert(id, self.incidents.len());
                self.incidents.push(incident);
                Ok(Outcome::Applied { version: 1 })
            }
        }
    }

    /// Parses one JSON line and handles it.
    ///
    /// Any length is taken; a caller reading lines from others bounds them
    /// first (see [`crate::Replay`] for what a line can cost).
    ///
    /// # Errors
    ///
    /// `malformed-input` for a line that is not a command, else what
    /// [`Incidents::handle`] refuses, with the line's ids.
    pub fn handle_json(&mut self, line: &str) -> Result<Outcome, LineRejection> {
        self.handle_json_at(line, None)
    }

    /// [`Incidents::handle_json`], refusing first a command dated after the
    /// `receiver`'s clock ([`Receiver::check`]); with `None`, the same.
    ///
    /// # Errors
    ///
    /// `recorded-in-the-future`, else what [`Incidents::handle_json`] refuses.
    pub fn handle_json_at(
        &mut self,
        line: &str,
        receiver: Option<&Receiver>,
    ) -> Result<Outcome, LineRejection> {
        self.handle_json_with(line, receiver, |_, _| {})
    }

    /// [`Incidents::handle_json_at`], calling `before` with the incidents
    /// and the line's incident id once the line is read as a command and
    /// before it is judged: a caller that took an incident out (say, a
    /// closed one kept compactly elsewhere) puts it back there.
    ///
    /// ```
    /// use incident_playbook::{Incidents, Playbook};
    /// let case = include_str!("../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut desk = Incidents::new(Playbook::default());
    /// let mut lines = case.lines();
    /// desk.handle_json(lines.next().unwrap()).unwrap();
    /// let id = desk.iter().next().unwrap().id();
    /// let aside = desk.remove(id).unwrap();
    /// let mut aside = Some(aside);
    /// for line in lines {
    ///     desk.handle_json_with(line, None, |desk, line_id| {
    ///         if line_id == id && let Some(incident) = aside.take() {
    ///             desk.insert(incident);
    ///         }
    ///     })
    ///     .unwrap();
    /// }
    /// assert_eq!(desk.get(id).unwrap().phase(), incident_playbook::Phase::Closed);
    /// ```
    ///
    /// # Errors
    ///
    /// What [`Incidents::handle_json_at`] refuses.
    pub fn handle_json_with(
        &mut self,
        line: &str,
        receiver: Option<&Receiver>,
        before: impl FnOnce(&mut Incidents, IncidentId),
    ) -> Result<Outcome, LineRejection> {
        if let Some(why) = crate::text::unstorable(line) {
            return Err(LineRejection {
                rejection: why,
                ..LineRejection::malformed(line)
            });
        }
        let cmd: Command =
            serde_json::from_str(line).map_err(|_| LineRejection::malformed(line))?;
        let (incident_id, command_id) = (cmd.incident_id, cmd.command_id);
        before(self, incident_id);
        receiver
            .map_or(Ok(()), |r| r.check(&cmd))
            .and_then(|()| self.handle(cmd))
            .map_err(|rejection| LineRejection {
                incident_id: Some(incident_id),
                command_id: Some(command_id),
                rejection,
            })
    }

    /// The incident `id`, if declared.
    pub fn get(&self, id: IncidentId) -> Option<&Incident> {
        self.index.get(&id).and_then(|&i| self.incidents.get(i))
    }

    /// The incident `id`, to change in place (say, with a command a store
    /// has just taken).
    pub fn get_mut(&mut self, id: IncidentId) -> Option<&mut Incident> {
        self.index.get(&id).and_then(|&i| self.incidents.get_mut(i))
    }

    /// Adds an incident built elsewhere (restored from a store, loaded from
    /// a snapshot), or replaces the one with its id, which it gives back.
    pub fn insert(&mut self, incident: Incident) -> Option<Incident> {
        match self.index.get(&incident.id()) {
            Some(&i) => self
                .incidents
                .get_mut(i)
                .map(|slot| std::mem::replace(slot, incident)),
            None => {
                self.index.insert(incident.id(), self.incidents.len());
                self.incidents.push(incident);
                None
            }
        }
    }

    /// Takes the incident `id` out (say, one closed and archived), keeping
    /// the others in their order.
    pub fn remove(&mut self, id: IncidentId) -> Option<Incident> {
        let i = self.index.remove(&id)?;
        if i >= self.incidents.len() {
            return None;
        }
        let removed = self.incidents.remove(i);
        for position in self.index.values_mut() {
            if *position > i {
                *position -= 1;
            }
        }
        Some(removed)
    }

    /// Every incident, in the order declared (or inserted).
    pub fn iter(&self) -> std::slice::Iter<'_, Incident> {
        self.incidents.iter()
    }

    /// How many incidents were declared.
    pub fn len(&self) -> usize {
        self.incidents.len()
    }

    /// Whether none was declared.
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// Every incident, in the order declared.
    pub fn into_vec(self) -> Vec<Incident> {
        self.incidents
    }

    /// The open incidents whose next update is overdue at `at` (past the
    /// time the last update promised), with that time, most overdue first
    /// (then in the order declared).
    ///
    /// ```
    /// use incident_playbook::Replay;
    /// let case = include_str!("../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let overdue = replay.incidents().overdue("2026-05-04T09:50:00Z".parse().unwrap());
    /// assert_eq!(overdue[0].1, "2026-05-04T09:35:00Z".parse().unwrap());
    /// assert!(replay.incidents().overdue("2026-05-04T09:00:00Z".parse().unwrap()).is_empty());
    /// ```
    pub fn overdue(&self, at: Timestamp) -> Vec<(&Incident, Timestamp)> {
        let mut overdue: Vec<(&Incident, Timestamp)> = (self.incidents.iter())
            .filter_map(|i| i.next_update_due().map(|due| (i, due)))
            .filter(|(_, due)| at > *due)
            .collect();
        // A stable sort: equal times keep the order declared.
        overdue.sort_by_key(|(_, due)| *due);
        overdue
    }
}

impl<'a> IntoIterator for &'a Incidents {
    type Item = &'a Incident;
    type IntoIter = std::slice::Iter<'a, Incident>;
    fn into_iter(self) -> Self::IntoIter {
        self.incidents.iter()
    }
}

impl Serialize for Incidents {
    /// The snapshots, in the order declared.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.incidents.iter())
    }
}
