//! The incident state machine.
//!
//! An [`Incident`] exists only through an accepted `declare` and accepted
//! commands after it, or through [`Incident::load`], which replays a
//! snapshot's history under the same rules. A rejected command leaves it
//! exactly as it was.

mod command;
mod delivery;
mod document;
mod flat;
mod guide;
mod handle;
mod id;
mod judge;
mod phase;
pub(crate) mod records;
mod snapshot;
mod state;

use serde::{Deserialize, Serialize, Serializer};

pub(crate) use command::explain_malformed;
pub use command::{
    AddNote, AssignRole, AssignRoles, BeginMonitoring, ChangeSeverity, Command, CommandBody,
    CommandKind, Declare, EndMitigation, LiftBlock, PostUpdate, RecordCheck, RecordRootCause,
    Rename, Reopen, Resolve, ResumeInvestigation, ReviseOutcome, StartMitigation, SubmitPostmortem,
    UnassignRole, UpdateImpact, parse_body,
};
pub use command::{CorrectImpact, LinkIncident, RecordFix, RecordProgress};
pub use handle::Decision;
pub use id::{CommandId, IncidentId, ParseIdError};
pub use phase::{Phase, Transition};
pub use snapshot::{CompactState, Snapshot};

use crate::comms::CommsUpdate;
use crate::exception::AcceptedException;
use crate::impact::Impact;
use crate::mitigation::MitigationRecord;
use crate::notes::{Note, RootCause};
use crate::playbook::PlaybookId;
use crate::postmortem::Postmortem;
use crate::roles::Roles;
use crate::severity::Severity;
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::triage::{CheckRecord, TriageCheck};
use records::{Amendment, Fix, ImpactCorrection, Link, Progress};

/// What an accepted command did.
///
/// It serializes as a service would answer it, and reads back:
///
/// ```
/// use incident_playbook::Outcome;
/// let json = serde_json::to_string(&Outcome::Applied { version: 3 }).unwrap();
/// assert_eq!(json, r#"{"outcome":"applied","version":3}"#);
/// assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), Outcome::Applied { version: 3 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
#[must_use]
pub enum Outcome {
    /// The command was applied; the incident is now at `version`.
    Applied {
        /// The incident's version after the command.
        version: u64,
    },
    /// The same command was accepted before; nothing changed.
    Duplicate {
        /// The incident's (unchanged) version.
        version: u64,
    },
}

impl Outcome {
    /// The incident's version after the command.
    pub fn version(self) -> u64 {
        match self {
            Outcome::Applied { version } | Outcome::Duplicate { version } => version,
        }
    }
}

/// One incident, always in a state the playbook allows.
///
/// ```
/// use incident_playbook::{Command, Incident, Phase, Playbook, Rule, Severity};
/// let playbook = Playbook::default();
/// let declare: Command = serde_json::from_str(r#"{"type": "declare",
///   "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
///   "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
///   "title": "Slow document processing", "severity": "SEV3",
///   "impact": {"environment": "production", "users": "Tenants using OCR",
///     "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
///     "flags": ["degraded_feature"]},
///   "roles": {"commander": "Ada"},
///   "update": {"impact": "OCR is slow", "action": "Checking provider status",
///     "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}}"#).unwrap();
/// let incident = Incident::declare(declare.clone(), &playbook).unwrap();
/// assert_eq!(incident.phase(), Phase::Investigating);
/// assert_eq!(incident.severity(), Severity::Sev3);
/// assert_eq!(incident.version(), 1);
///
/// // The same declaration at SEV1 lacks the roles SEV1 needs.
/// let mut sev1 = declare;
/// if let incident_playbook::CommandBody::Declare(d) = &mut sev1.body {
///     d.severity = Severity::Sev1;
/// }
/// let rejection = Incident::declare(sev1, &playbook).unwrap_err();
/// assert!(rejection.breaks(Rule::Sev1NeedsScribe));
/// assert!(rejection.breaks(Rule::Sev1CommsByEngineeringLead));
/// ```
#[derive(Debug, Clone)]
pub struct Incident {
    /// The snapshot's fields, its notes, checks and updates read from the
    /// history.
    state: state::State,
    /// `command_id` → position in the history, for at-least-once delivery.
    ids: delivery::DeliveryIndex,
}

impl PartialEq for Incident {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl Eq for Incident {}

impl Serialize for Incident {
    /// The incident's [`Snapshot`], written without building it.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        document::Document::of(&self.state).serialize(serializer)
    }
}

impl Incident {
    /// The incident's id.
    pub fn id(&self) -> IncidentId {
        self.state.incident_id
    }
    /// How many commands were accepted (duplicates not counted).
    pub fn version(&self) -> u64 {
        self.state.version
    }
    /// Where the incident is in its life.
    pub fn phase(&self) -> Phase {
        self.state.phase
    }
    /// The current severity.
    pub fn severity(&self) -> Severity {
        self.state.severity
    }
    /// The most severe level the incident ever had; follow-up duties follow it.
    pub fn peak_severity(&self) -> Severity {
        self.state.peak_severity
    }
    /// The title.
    pub fn title(&self) -> &ShortText {
        &self.state.title
    }
    /// When it was declared.
    pub fn declared_at(&self) -> Timestamp {
        self.state.declared_at
    }
    /// When the problem was detected: the declaration's `detected_at` if it
    /// said, else when it was declared.
    pub fn detected_at(&self) -> Timestamp {
        self.state.detected_at.unwrap_or(self.state.declared_at)
    }
    /// Every `rename`, in order, with when it was recorded: with the
    /// declared title (the `declare`'s), the incident's title history. The
    /// current title is [`Incident::title`].
    pub fn renames(&self) -> impl Iterator<Item = (Timestamp, &Rename)> {
        self.state.history.iter().filter_map(|c| match &c.body {
            CommandBody::Rename(r) => Some((c.at, r)),
            _ => None,
        })
    }
    /// When the last accepted command happened.
    pub fn last_command_at(&self) -> Timestamp {
        self.state.last_command_at
    }
    /// Who holds which role.
    pub fn roles(&self) -> &Roles {
        &self.state.roles
    }
    /// The current impact.
    pub fn impact(&self) -> &Impact {
        &self.state.impact
    }
    /// Every comms update, in order, each built from the command that
    /// posted it as it is read (its impact and action copied): the
    /// incident keeps the commands, not the updates beside them.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let last = incident.updates().next_back().unwrap();
    /// assert_eq!(last.status().as_str(), "resolved");
    /// assert!(incident.updates().len() > 1);
    /// ```
    pub fn updates(
        &self,
    ) -> impl DoubleEndedIterator<Item = CommsUpdate> + ExactSizeIterator + Clone + '_ {
        self.state.updates()
    }
    /// Who posted each comms update (the `by` of the command that carried
    /// it), beside [`Incident::updates`], in the same order; `None` where
    /// the command did not say. Who posted an update is not its `owner`:
    /// the owner owns the communication, the sender typed it.
    ///
    /// ```
    /// use incident_playbook::{Incident, Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/sender-named.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let posted: Vec<_> = incident.updates_by().map(|(u, by)| (u.owner().to_string(), by)).collect();
    /// assert_eq!(posted[0], ("Ada".to_owned(), Some("Ada")));
    /// ```
    pub fn updates_by(&self) -> impl Iterator<Item = (CommsUpdate, Option<&str>)> {
        self.state.updates_by()
    }
    /// Every mitigation started, in order: mitigation number `n` is
    /// `mitigations()[n - 1]`, with its end once it ended.
    pub fn mitigations(&self) -> &[MitigationRecord] {
        &self.state.mitigations
    }
    /// Every note, in order, each built from its `add_note` as it is read
    /// (its text copied).
    pub fn notes(&self) -> impl DoubleEndedIterator<Item = Note> + ExactSizeIterator + Clone + '_ {
        self.state.notes()
    }
    /// Every triage check recorded, in order, each built from its
    /// `record_check` as it is read (its finding copied).
    pub fn checks(
        &self,
    ) -> impl DoubleEndedIterator<Item = CheckRecord> + ExactSizeIterator + Clone + '_ {
        self.state.checks()
    }
    /// Every failing verification check accepted at a `resolve`, in order.
    pub fn accepted_exceptions(&self) -> &[AcceptedException] {
        &self.state.accepted_exceptions
    }
    /// The triage checks not yet recorded.
    pub fn missing_checks(&self) -> Vec<TriageCheck> {
        self.state.missing_checks()
    }
    /// The root cause, once recorded.
    pub fn root_cause(&self) -> Option<&RootCause> {
        self.state.root_cause.as_ref()
    }
    /// Endpoints blocked and not yet lifted.
    pub fn blocked_endpoints(&self) -> &[ShortText] {
        &self.state.blocked_endpoints
    }
    /// The mitigations still in effect, with their numbers (from 1).
    pub fn mitigations_in_effect(&self) -> impl Iterator<Item = (u64, &MitigationRecord)> {
        (1..)
            .zip(&self.state.mitigations)
            .filter(|(_, m)| m.in_effect())
    }
    /// The postmortem, once submitted.
    pub fn postmortem(&self) -> Option<&Postmortem> {
        self.state.postmortem.as_ref()
    }
    /// Every `record_progress`, in order.
    pub fn progress(&self) -> &[Progress] {
        &self.state.progress
    }
    /// Every `correct_impact`, in order: when and why the impact was
    /// corrected ([`Incident::impact`] is the impact as corrected).
    pub fn impact_corrections(&self) -> &[ImpactCorrection] {
        &self.state.impact_corrections
    }
    /// Every other incident linked, in order.
    pub fn links(&self) -> &[Link] {
        &self.state.links
    }
    /// Every fix recorded, in order.
    pub fn fixes(&self) -> &[Fix] {
        &self.state.fixes
    }
    /// One entry per command accepted after close, in order.
    pub fn amendments(&self) -> &[Amendment] {
        &self.state.amendments
    }
    /// The command accepted under `command_id`, if any: what a sender that
    /// lost its answer can compare with what it sent.
    pub fn command(&self, command_id: CommandId) -> Option<&Command> {
        self.ids.find(command_id, &self.state.history)
    }
    /// The playbook the incident was declared under, when that playbook
    /// names itself ([`Snapshot::playbook`]).
    pub fn declared_under(&self) -> Option<&PlaybookId> {
        self.state.playbook.as_ref()
    }
    /// The same incident labelled as declared under `playbook`: for a store
    /// that recorded the playbook with the declaration, since
    /// [`Incident::restore`] labels it with the playbook it restores under.
    /// Only the label changes; nothing is judged.
    ///
    /// ```
    /// use incident_playbook::{Incident, Playbook, PlaybookId};
    /// # let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// # let history: Vec<incident_playbook::Command> =
    /// #     case.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    /// let then: PlaybookId = serde_json::from_str(r#"{"name": "Acme", "version": "1"}"#)?;
    /// let today = Playbook::default();
    /// let incident = Incident::restore(history, &today)?.with_declared_under(Some(then.clone()));
    /// assert_eq!(incident.declared_under(), Some(&then));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_declared_under(mut self, playbook: Option<PlaybookId>) -> Self {
        self.state.playbook = playbook;
        self
    }
    /// Every accepted command, in order: the history the state is a fold of.
    pub fn history(&self) -> &[Command] {
        &self.state.history
    }
    /// The incident as a plain snapshot (what [`Serialize`] writes, which
    /// does not build it): a copy, its notes, checks and updates built from
    /// the history.
    pub fn to_snapshot(&self) -> Snapshot {
        self.state.to_snapshot()
    }
    /// The snapshot document with an empty `history`, written without
    /// building the snapshot: what a store that keeps the commands itself
    /// writes as a snapshot (its reader puts the history back, then
    /// [`Incident::resume`]s). The same bytes as [`Incident::to_snapshot`]
    /// with its history emptied.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let mut snapshot = incident.to_snapshot();
    /// snapshot.history.clear();
    /// assert_eq!(
    ///     serde_json::to_string(&incident.state_without_history())?,
    ///     serde_json::to_string(&snapshot)?
    /// );
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn state_without_history(&self) -> impl Serialize + '_ {
        document::Document::without_history(&self.state)
    }
    /// The state without the history and without the records the history
    /// holds (notes, checks and comms updates, read again from their
    /// commands by [`Incident::resume_compact`]): what a store that keeps
    /// the commands writes as a snapshot, whose size does not grow with
    /// the notes. Read back as a [`CompactState`].
    ///
    /// ```
    /// use incident_playbook::{CompactState, Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let written = serde_json::to_string(&incident.compact_state())?;
    /// let compact: CompactState = serde_json::from_str(&written)?;
    /// assert_eq!(compact.version(), incident.version());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn compact_state(&self) -> impl Serialize + '_ {
        document::Compact::of(&self.state)
    }
    /// The snapshot, owned: [`Incident::to_snapshot`] without copying what
    /// the incident keeps.
    pub fn into_snapshot(self) -> Snapshot {
        self.state.into_owned_snapshot()
    }

    /// Calls `f` with each command's position in the history and the
    /// incident as it stood right after that command, in order: one trusted
    /// replay of the history ([`Incident::restore`]'s reading) for all, so
    /// that a view telling what was true at each moment (the roles after a
    /// handover, the impact an exported event states) costs one pass. Stops
    /// where the history cannot be rebuilt (an incident's own always can).
    pub(crate) fn each_state(&self, mut f: impl FnMut(usize, &Incident)) {
        // Trusted: the playbook the history was judged under does not matter.
        let playbook = crate::playbook::Playbook::default();
        let mut commands = self.state.history.iter().enumerate();
        let Some((_, first)) = commands.next() else {
            return;
        };
        let Ok(mut then) = Incident::declare_in(handle::Mode::Trust, first.clone(), &playbook)
        else {
            return;
        };
        f(0, &then);
        for (i, cmd) in commands {
            if then
                .handle_in(handle::Mode::Trust, cmd.clone(), &playbook)
                .is_err()
            {
                return;
            }
            f(i, &then);
        }
    }
}
