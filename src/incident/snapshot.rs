//! Snapshots: the state of one incident as JSON, and loading one back only if
//! its own history produces it.

use serde::{Deserialize, Deserializer, Serialize};

use crate::comms::{CommsUpdate, Posted, Status, next_update_problem};
use crate::exception::AcceptedException;
use crate::impact::{self, Impact};
use crate::incident::handle::Mode;
use crate::incident::records::{Amendment, Fix, ImpactCorrection, Link, Progress};
use crate::incident::state::State;
use crate::incident::{Command, Incident, IncidentId, Outcome, Phase};
use crate::mitigation::{self, MitigationRecord};
use crate::notes::{Note, RootCause};
use crate::playbook::{Playbook, PlaybookId};
use crate::postmortem::{Postmortem, check_severity};
use crate::roles::{PartialRoles, Roles};
use crate::rule::{Rejection, Rule, Violation, Violations, index, join};
use crate::severity::Severity;
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::triage::{CheckRecord, TriageCheck};

/// The state of one incident, as JSON: what [`Incident`] serializes to and
/// what [`Incident::load`] reads back.
///
/// A `Snapshot` is plain data and may be anything a file says; only
/// [`Incident::load`] turns it into an [`Incident`], and only if replaying its
/// `history` gives exactly this state.
///
/// It is read in the shapes of its schema only, as a command is: an object
/// written as an array of its fields, at any depth, is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
// sev1-needs-scribe, sev1-comms-by-engineering-lead hold after every command,
// so in every snapshot too (`Roles` itself requires the commander). "Another
// person" and "the same person" compare two fields, which JSON Schema cannot,
// so only that the roles are held is said here.
#[cfg_attr(
    feature = "schema",
    schemars(extend(
        "if" = {"properties": {"severity": {"const": "SEV1"}}, "required": ["severity"]},
        "then" = {"properties": {"roles": {
            "type": "object",
            "required": ["scribe", "engineering_lead", "communications_owner"],
            "properties": {
                "scribe": {"type": "string"},
                "engineering_lead": {"type": "string"},
                "communications_owner": {"type": "string"}
            }
        }}}
    ))
)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Snapshot {
    /// The incident's id.
    pub incident_id: IncidentId,
    /// How many commands were accepted: the length of `history`.
    pub version: u64,
    /// Where the incident is in its life.
    pub phase: Phase,
    /// The current severity.
    pub severity: Severity,
    /// The most severe level it ever had.
    pub peak_severity: Severity,
    /// The title.
    pub title: ShortText,
    /// When it was declared.
    pub declared_at: Timestamp,
    /// When the problem was detected, if the declaration said (no later
    /// than `declared_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_at: Option<Timestamp>,
    /// When the last accepted command happened.
    pub last_command_at: Timestamp,
    /// Who holds which role.
    pub roles: Roles,
    /// The current impact.
    pub impact: Impact,
    /// Every comms update, in order.
    pub updates: Vec<CommsUpdate>,
    /// Every mitigation started, in order (numbered from 1), each with its
    /// end once it ended.
    pub mitigations: Vec<MitigationRecord>,
    /// Every note, in order.
    pub notes: Vec<Note>,
    /// Every triage check recorded, in order.
    pub checks: Vec<CheckRecord>,
    /// Every failing verification check accepted at a `resolve`, in order
    /// (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted_exceptions: Vec<AcceptedException>,
    /// The root cause, once recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<RootCause>,
    /// Endpoints blocked and not yet lifted.
    pub blocked_endpoints: Vec<ShortText>,
    /// The postmortem, once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postmortem: Option<Postmortem>,
    /// Every `record_progress`, in order (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
    /// Every `correct_impact`, in order: when and why the impact was
    /// corrected (omitted when none). `impact` is the impact as corrected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impact_corrections: Vec<ImpactCorrection>,
    /// Every other incident linked, in order (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Every fix recorded, in order (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
    /// One entry per command accepted after close, in order (omitted when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// The playbook the incident was declared under, when that playbook
    /// names itself (omitted otherwise). Not judged on loading: a reader
    /// compares it with the playbook it judges under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playbook: Option<PlaybookId>,
    /// Every accepted command, in order.
    pub history: Vec<Command>,
}

/// The derived reading of [`Snapshot`], which its `Deserialize` runs inside
/// [`Strict`](crate::strict::Strict). A copy of its fields, held to them by
/// the compiler (`remote`): a field missing here, or of another type, does
/// not build. Not `remote = "Self"` on [`Snapshot`] itself, which would make
/// this lenient reading a public `Snapshot::deserialize`.
#[derive(Deserialize)]
#[serde(remote = "Snapshot", deny_unknown_fields)]
struct SnapshotDoc {
    incident_id: IncidentId,
    version: u64,
    phase: Phase,
    severity: Severity,
    peak_severity: Severity,
    title: ShortText,
    declared_at: Timestamp,
    #[serde(default)]
    detected_at: Option<Timestamp>,
    last_command_at: Timestamp,
    roles: Roles,
    impact: Impact,
    updates: Vec<CommsUpdate>,
    mitigations: Vec<MitigationRecord>,
    notes: Vec<Note>,
    checks: Vec<CheckRecord>,
    #[serde(default)]
    accepted_exceptions: Vec<AcceptedException>,
    #[serde(default)]
    root_cause: Option<RootCause>,
    blocked_endpoints: Vec<ShortText>,
    #[serde(default)]
    postmortem: Option<Postmortem>,
    #[serde(default)]
    progress: Vec<Progress>,
    #[serde(default)]
    impact_corrections: Vec<ImpactCorrection>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    fixes: Vec<Fix>,
    #[serde(default)]
    amendments: Vec<Amendment>,
    #[serde(default)]
    playbook: Option<PlaybookId>,
    history: Vec<Command>,
}

impl<'de> Deserialize<'de> for Snapshot {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SnapshotDoc::deserialize(crate::strict::Strict(deserializer))
    }
}

impl Snapshot {
    /// The top-level fields (other than `history`) in which two snapshots differ.
    fn differences(&self, other: &Snapshot) -> Vec<&'static str> {
        // Destructured whole, so that a new field cannot be left out here.
        let Snapshot {
            incident_id,
            version,
            phase,
            severity,
            peak_severity,
            title,
            declared_at,
            detected_at,
            last_command_at,
            roles,
            impact,
            updates,
            mitigations,
            notes,
            checks,
            accepted_exceptions,
            root_cause,
            blocked_endpoints,
            postmortem,
            progress,
            impact_corrections,
            links,
            fixes,
            amendments,
            // Not derived from the history: the label of the playbook
            // declared under, kept as the snapshot gives it.
            playbook: _,
            history: _,
        } = self;
        [
            ("incident_id", *incident_id == other.incident_id),
            ("version", *version == other.version),
            ("phase", *phase == other.phase),
            ("severity", *severity == other.severity),
            ("peak_severity", *peak_severity == other.peak_severity),
            ("title", *title == other.title),
            ("declared_at", *declared_at == other.declared_at),
            ("detected_at", *detected_at == other.detected_at),
            ("last_command_at", *last_command_at == other.last_command_at),
            ("roles", *roles == other.roles),
            ("impact", *impact == other.impact),
            ("updates", *updates == other.updates),
            ("mitigations", *mitigations == other.mitigations),
            ("notes", *notes == other.notes),
            ("checks", *checks == other.checks),
            (
                "accepted_exceptions",
                *accepted_exceptions == other.accepted_exceptions,
            ),
            ("root_cause", *root_cause == other.root_cause),
            (
                "blocked_endpoints",
                *blocked_endpoints == other.blocked_endpoints,
            ),
            ("postmortem", *postmortem == other.postmortem),
            ("progress", *progress == other.progress),
            (
                "impact_corrections",
                *impact_corrections == other.impact_corrections,
            ),
            ("links", *links == other.links),
            ("fixes", *fixes == other.fixes),
            ("amendments", *amendments == other.amendments),
        ]
        .into_iter()
        .filter(|(_, same)| !same)
        .map(|(field, _)| field)
        .collect()
    }

    /// The rules this state breaks on its face, without replaying its
    /// history: what a reader of the JSON could check by hand.
    /// [`Incident::load`] checks these and the history.
    ///
    /// ```
    /// use incident_playbook::{Rule, Snapshot};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = incident_playbook::Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let json = serde_json::to_value(replay.incidents().iter().next().unwrap()).unwrap();
    /// let mut tampered = json.clone();
    /// tampered["roles"].as_object_mut().unwrap().remove("scribe");
    /// let snapshot: Snapshot = serde_json::from_value(tampered).unwrap();
    /// assert_eq!(snapshot.broken_rules()[0].rule(), Rule::Sev1NeedsScribe);
    /// ```
    pub fn broken_rules(&self) -> Vec<Violation> {
        let mut r = Violations::new();
        self.check_state(&mut r);
        r.into_rejection()
            .map(Rejection::into_violations)
            .unwrap_or_default()
    }

    fn check_state(&self, r: &mut Violations) {
        PartialRoles::from(&self.roles).check(r, "roles", self.severity, &[]);
        impact::check_floor(r, "severity", self.impact.flags(), self.severity);
        if let Some(started_at) = self.impact.started_at() {
            impact::check_start(r, "impact", started_at, self.last_command_at);
        }
        if !self.peak_severity.is_at_least(self.severity) {
            r.push(
                Rule::SnapshotHistoryMismatch,
                "peak_severity",
                format!(
                    "the peak ({}) is below the current severity ({})",
                    self.peak_severity, self.severity
                ),
            );
        }
        if self.version != self.history.len() as u64 {
            r.push(
                Rule::SnapshotHistoryMismatch,
                "version",
                format!(
                    "version {} but {} commands in the history",
                    self.version,
                    self.history.len()
                ),
            );
        }
        for (i, u) in self.updates.iter().enumerate() {
            let p = index("updates", i);
            if let Some((rule, message)) =
                next_update_problem(u.status(), u.next_update(), Some(u.at()))
            {
                r.push(rule, &join(&p, "next_update"), message);
            }
        }
        if matches!(self.phase, Phase::Resolved | Phase::Closed) {
            self.check_resolvable(r);
        }
        if let Some(pm) = &self.postmortem {
            // The rules `submit_postmortem` checks, on the postmortem as the
            // snapshot has it. Its severity is held to the peak only once
            // closed (`check_closable`): a reopened incident may escalate past
            // a postmortem submitted before.
            let mut input = pm.to_input();
            input.severity = Some(self.peak_severity);
            let _ = Postmortem::check(
                r,
                "postmortem",
                &input,
                self.peak_severity,
                self.declared_at.date(),
            );
        }
        if self.phase == Phase::Closed {
            self.check_closable(r);
        }
    }

    /// The triage checks not yet recorded, in the playbook's order.
    pub fn missing_checks(&self) -> Vec<TriageCheck> {
        missing_checks(self.checks.iter().map(|r| r.check))
    }

    /// What resolving demands of the record ([`check_resolvable`]).
    fn check_resolvable(&self, r: &mut Violations) {
        let recorded = self.checks.iter().map(|c| c.check);
        check_resolvable(r, self.peak_severity, recorded, !self.notes.is_empty());
    }

    /// What closing demands ([`check_closable`]).
    fn check_closable(&self, r: &mut Violations) {
        let Snapshot {
            peak_severity,
            postmortem,
            mitigations,
            blocked_endpoints,
            ..
        } = self;
        check_closable(
            r,
            *peak_severity,
            postmortem.as_ref(),
            mitigations,
            blocked_endpoints,
        );
    }
}

/// The triage checks not among `recorded`, in the playbook's order.
pub(super) fn missing_checks(
    recorded: impl Iterator<Item = TriageCheck> + Clone,
) -> Vec<TriageCheck> {
    TriageCheck::ALL
        .into_iter()
        .filter(|c| !recorded.clone().any(|r| r == *c))
        .collect()
}

/// What resolving demands of the record: the triage checks and the notes
/// the peak severity owes. `resolve` checks it, and so does loading a
/// resolved or closed snapshot.
pub(super) fn check_resolvable(
    r: &mut Violations,
    peak_severity: Severity,
    recorded: impl Iterator<Item = TriageCheck> + Clone,
    has_notes: bool,
) {
    let duties = peak_severity.duties();
    let missing = match duties.triage_checks {
        true => missing_checks(recorded),
        false => Vec::new(),
    };
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|c| c.as_str()).collect();
        r.push(
            Rule::TriageChecksMissing,
            "checks",
            format!(
                "a {} incident resolves after all five triage checks; missing: {}",
                peak_severity,
                names.join(", ")
            ),
        );
    }
    if duties.notes && !has_notes {
        r.push(
            Rule::NotesRequired,
            "notes",
            format!(
                "a {} incident resolves with incident notes; none were added",
                peak_severity
            ),
        );
    }
}

/// What closing demands: the postmortem the peak severity owes, matching
/// the peak, no temporary measure left in effect, and no endpoint left blocked.
pub(super) fn check_closable(
    r: &mut Violations,
    peak_severity: Severity,
    postmortem: Option<&Postmortem>,
    mitigations: &[MitigationRecord],
    blocked_endpoints: &[ShortText],
) {
    if peak_severity.requires_postmortem() && !postmortem.is_some_and(Postmortem::is_published) {
        r.push(
            Rule::PostmortemRequired,
            "postmortem",
            format!("a {peak_severity} incident closes only with a published postmortem"),
        );
    }
    if let Some(pm) = postmortem {
        check_severity(r, "postmortem", Some(pm.severity()), Some(peak_severity));
    }
    mitigation::check_temporary_ended(r, "mitigations", mitigations);
    if !blocked_endpoints.is_empty() {
        let names: Vec<&str> = blocked_endpoints.iter().map(|e| e.as_str()).collect();
        r.push(
            Rule::BlockNotLifted,
            "blocked_endpoints",
            format!(
                "lift the temporary blocks before closing: {}",
                names.join(", ")
            ),
        );
    }
}

impl Incident {
    /// Rebuilds an incident by applying `history` in order.
    ///
    /// # Errors
    ///
    /// The first command the rules refuse, with paths under `history[i]`; an
    /// empty history, or one that repeats a command, is refused too.
    pub fn from_history(
        history: impl IntoIterator<Item = Command>,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        Incident::replay_in(Mode::Judge, history, playbook)
    }

    /// Rebuilds an incident from a history that the caller's own store
    /// accepted before, without judging it again: the trusted counterpart of
    /// [`Incident::from_history`], for a service starting up on its own data after
    /// its playbook changed or a crate upgrade tightened a rule.
    ///
    /// What it still checks, and refuses on: the history's structure. It
    /// starts with a `declare`; every command is for that incident
    /// (`not-declared`), comes no earlier than the one before
    /// (`timestamp-regressed`), has an id of its own (`command-id-reused`),
    /// names the version it was accepted at if it names one
    /// (`version-conflict`, so versions run without gaps), and comes before
    /// any `close` (`incident-closed`) and after the one `declare`
    /// (`already-declared`).
    ///
    /// What it trusts: every other rule. Each command is checked by the same
    /// functions as [`Incident::handle`], and the change they build is
    /// applied even when today's `playbook` or rules would refuse it (a
    /// dependency or health endpoint no longer in the playbook, a rule made
    /// stricter since). Only a value that cannot be built at all (a text
    /// empty or over its length limit) still refuses. Documents from outside
    /// are judged with [`Incident::from_history`] or [`Incident::load`] instead.
    ///
    /// ```
    /// use incident_playbook::{Command, Incident, Playbook};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let history: Vec<Command> =
    ///     case.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    /// // A playbook without the seed's dependencies: judging refuses the
    /// // history, restoring does not.
    /// let today: Playbook = serde_json::from_str(
    ///     r#"{"dependencies": [], "health_endpoints": ["/a", "/b", "/c"]}"#).unwrap();
    /// assert!(Incident::from_history(history.clone(), &today).is_err());
    /// let incident = Incident::restore(history.clone(), &today).unwrap();
    /// assert_eq!(incident.version(), history.len() as u64);
    /// ```
    ///
    /// # Errors
    ///
    /// The first command that breaks the history's structure, or whose
    /// change cannot be built, with paths under `history[i]`.
    pub fn restore(
        history: impl IntoIterator<Item = Command>,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        Incident::replay_in(Mode::Trust, history, playbook)
    }

    /// Rebuilds an incident from a snapshot the caller's own store made of
    /// it and the commands accepted after that snapshot, without judging
    /// either again: [`Incident::restore`] of the snapshot's history
    /// followed by `tail`, without replaying the history. For a store that
    /// keeps a snapshot every so many commands, so that loading an incident
    /// replays only the commands since.
    ///
    /// The snapshot is trusted as [`Incident::restore`] trusts a history:
    /// only what is cheap to check is (its `version` is the length of its
    /// `history`, `snapshot-history-mismatch`); its state is taken as it
    /// is, so it must be one this crate built from that history (a snapshot
    /// from outside is read with [`Incident::load`]). The `tail` is restored
    /// command by command, with [`Incident::restore`]'s checks and paths
    /// under `history[i]`, `i` counting from the snapshot's first command.
    ///
    /// ```
    /// use incident_playbook::{Command, Incident, Playbook};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let history: Vec<Command> =
    ///     case.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    /// let playbook = Playbook::default();
    /// let (head, tail) = history.split_at(3);
    /// let snapshot = Incident::restore(head.to_vec(), &playbook)?.into_snapshot();
    /// let resumed = Incident::resume(snapshot, tail.to_vec(), &playbook)?;
    /// assert_eq!(resumed, Incident::restore(history.clone(), &playbook)?);
    ///
    /// // A snapshot whose version is not its history's length is refused.
    /// let mut short = Incident::restore(head.to_vec(), &playbook)?.into_snapshot();
    /// short.history.pop();
    /// let refused = Incident::resume(short, tail.to_vec(), &playbook).unwrap_err();
    /// assert_eq!(refused.rule(), incident_playbook::Rule::SnapshotHistoryMismatch);
    /// # Ok::<(), incident_playbook::Rejection>(())
    /// ```
    ///
    /// # Errors
    ///
    /// `snapshot-history-mismatch` when the snapshot's version is not the
    /// length of its history (or it has none); otherwise the first command
    /// of `tail` that [`Incident::restore`] would refuse.
    pub fn resume(
        snapshot: Snapshot,
        tail: impl IntoIterator<Item = Command>,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        check_length(&snapshot)?;
        let state = State::from_snapshot(snapshot).map_err(Rejection::from)?;
        Incident::resumed(state, tail, playbook)
    }

    /// [`Incident::resume`] from a [`CompactState`] the caller's own store
    /// made and the `history` it is the state after: the records (notes,
    /// checks, comms updates) are read from their commands in `history`
    /// rather than from the snapshot, which does not hold them. So a
    /// snapshot of an incident of many notes is no larger than one of
    /// none.
    ///
    /// ```
    /// use incident_playbook::{Command, CompactState, Incident, Playbook};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let history: Vec<Command> =
    ///     case.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    /// let playbook = Playbook::default();
    /// let (head, tail) = history.split_at(5);
    /// let kept = serde_json::to_string(&Incident::restore(head.to_vec(), &playbook)?.compact_state())?;
    /// let compact: CompactState = serde_json::from_str(&kept)?;
    /// assert_eq!(compact.version(), 5);
    /// let resumed = Incident::resume_compact(compact, head.to_vec(), tail.to_vec(), &playbook)?;
    /// assert_eq!(resumed, Incident::restore(history.clone(), &playbook)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Incident::resume`]; also `snapshot-history-mismatch` when
    /// `history` does not post as many comms updates as the compact state
    /// has statuses for.
    pub fn resume_compact(
        compact: CompactState,
        history: Vec<Command>,
        tail: impl IntoIterator<Item = Command>,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        let CompactState { mut state, posted } = compact;
        state.history = history;
        check_length(&state)?;
        let posted = (posted.into_iter())
            .map(|(status, severity)| Posted { status, severity })
            .collect();
        let state = State::from_compact(state, posted).map_err(Rejection::from)?;
        Incident::resumed(state, tail, playbook)
    }

    /// The incident of a trusted `state`, `tail` restored on top.
    fn resumed(
        state: State,
        tail: impl IntoIterator<Item = Command>,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        let length = state.history.len();
        let mut incident = Incident {
            state,
            ids: Default::default(),
        };
        incident.ids.rebuild(&incident.state.history);
        for (i, cmd) in (length..).zip(tail) {
            incident.next_in(Mode::Trust, i, cmd, playbook)?;
        }
        Ok(incident)
    }

    /// Replays one more command of a history, at position `i` of it, judged
    /// in `mode`: a history holds no duplicate.
    fn next_in(
        &mut self,
        mode: Mode,
        i: usize,
        cmd: Command,
        playbook: &Playbook,
    ) -> Result<(), Rejection> {
        match self.handle_in(mode, cmd, playbook) {
            Ok(Outcome::Applied { .. }) => Ok(()),
            Ok(Outcome::Duplicate { .. }) => Err(Violation::new(
                Rule::CommandIdReused,
                "a history holds each accepted command once",
                Some(&join(&index("history", i), "command_id")),
            )
            .into()),
            Err(r) => Err(r.within(&index("history", i))),
        }
    }

    /// Replays `history`, each command judged in `mode`.
    fn replay_in(
        mode: Mode,
        history: impl IntoIterator<Item = Command>,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        let mut commands = history.into_iter().enumerate();
        let Some((_, first)) = commands.next() else {
            return Err(Violation::new(
                Rule::NotDeclared,
                "the history is empty: it starts with a `declare`",
                Some("history"),
            )
            .into());
        };
        let mut incident = Incident::declare_in(mode, first, playbook)
            .map_err(|r| r.within(&index("history", 0)))?;
        for (i, cmd) in commands {
            incident.next_in(mode, i, cmd, playbook)?;
        }
        Ok(incident)
    }

    /// The incident as it stood at `at`: its history up to `at` (every
    /// command with `at` at or before it) replayed, so that nothing recorded
    /// later shows. `None` when it was not yet declared at `at`, or when that
    /// prefix is refused under `playbook` (possible only under a playbook
    /// other than the one the incident was built under).
    ///
    /// Commands come in time order (`out-of-order`), so the history up to a
    /// time is a prefix of it, and every prefix of an accepted history
    /// was accepted in its turn.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let at = incident.declared_at();
    /// let first = incident.as_of(at, &Playbook::default()).unwrap();
    /// assert_eq!(first.version(), 1);
    /// let before = "2000-01-01T00:00:00Z".parse().unwrap();
    /// assert!(incident.as_of(before, &Playbook::default()).is_none());
    /// ```
    pub fn as_of(&self, at: Timestamp, playbook: &Playbook) -> Option<Incident> {
        if at >= self.last_command_at() {
            return Some(self.clone());
        }
        let prefix = self.history().iter().take_while(|c| c.at <= at);
        Incident::from_history(prefix.cloned(), playbook).ok()
    }

    /// Loads a snapshot, refusing any that no valid history produces.
    ///
    /// The state's own rules are checked (a SEV1 without a scribe, a closed
    /// SEV2 without a postmortem, …), the history is replayed under `playbook`,
    /// and every field must be exactly what the replay gives
    /// (`snapshot-history-mismatch` otherwise).
    ///
    /// # Errors
    ///
    /// Every broken rule found.
    pub fn load(snapshot: Snapshot, playbook: &Playbook) -> Result<Incident, Rejection> {
        let mut r = Violations::new();
        snapshot.check_state(&mut r);
        match Incident::from_history(snapshot.history.iter().cloned(), playbook) {
            Err(rejection) => r.extend(rejection),
            Ok(mut replayed) => {
                replayed.state.playbook = snapshot.playbook.clone();
                for field in replayed.to_snapshot().differences(&snapshot) {
                    r.push(
                        Rule::SnapshotHistoryMismatch,
                        field,
                        format!("`{field}` is not what the snapshot's own history produces"),
                    );
                }
                if r.is_clean() {
                    return Ok(replayed);
                }
            }
        }
        r.conclude(None)
    }
}

/// `snapshot-history-mismatch` unless the snapshot's version is the length
/// of its (non-empty) history.
fn check_length(snapshot: &Snapshot) -> Result<(), Rejection> {
    let length = snapshot.history.len();
    if length == 0 || snapshot.version != length as u64 {
        return Err(Violation::new(
            Rule::SnapshotHistoryMismatch,
            format!(
                "version {} but {length} commands in the history",
                snapshot.version
            ),
            Some("version"),
        )
        .into());
    }
    Ok(())
}

/// An incident's state as [`Incident::compact_state`] writes it, read
/// back: the snapshot document without its history and without the
/// records the history holds, and the status and severity each comms
/// update was posted under. Only [`Incident::resume_compact`] reads it,
/// with the history put back.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompactState {
    state: Snapshot,
    posted: Vec<(Status, Severity)>,
}

impl CompactState {
    /// The version it is the state after.
    pub fn version(&self) -> u64 {
        self.state.version
    }
}
