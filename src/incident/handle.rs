//! Checking and applying commands.
//!
//! Every command is checked completely against the incident as it stands
//! (collecting every violation) before anything changes; only then is the
//! checked change applied, which cannot fail. So a rejected command leaves the
//! incident exactly as it was. Where a command may go is the phase table
//! ([`Transition::of`]); what it demands of its body, its judge in `judge.rs`.

use crate::incident::judge::{Change, judge_declaration};
use crate::incident::phase::Transition;
use crate::incident::state::{State, UpdateMark};
use crate::incident::{Command, CommandBody, CommandKind, Incident, IncidentId, Outcome, Phase};
use crate::mitigation::blocked_now;
use crate::playbook::Playbook;
use crate::roles::Role;
use crate::rule::{Rejection, Rule, Violation, Violations};
use crate::text::Name;

/// How far a command is judged: by every rule, or, for a history the
/// caller's own store accepted before, by its structure only.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Every rule refuses: commands from outside.
    Judge,
    /// Only the structural rules ([`Mode::refuses`]) refuse; the others are
    /// checked by the same functions, but their violations are dropped
    /// wherever the change could still be built (`Incident::restore`).
    Trust,
}

impl Mode {
    /// Whether `rule` refuses a command in this mode. The structural rules are
    /// the history's own integrity (one incident, declared once, commands in
    /// time order, each id once, versions in sequence), never the playbook's
    /// or a tightened rule's judgement of a command.
    fn refuses(self, rule: Rule) -> bool {
        self == Mode::Judge
            || matches!(
                rule,
                Rule::NotDeclared
                    | Rule::AlreadyDeclared
                    | Rule::IncidentClosed
                    | Rule::TimestampRegressed
                    | Rule::VersionConflict
                    | Rule::CommandIdReused
            )
    }

    /// `value` unless a violation this mode refuses on was found, or the
    /// value could not be built at all.
    fn conclude<T>(self, r: Violations, value: Option<T>) -> Result<T, Rejection> {
        let Some(rejection) = r.into_rejection() else {
            return Violations::new().conclude(value);
        };
        let refused = rejection.iter().any(|v| self.refuses(v.rule()));
        match value {
            Some(value) if !refused => Ok(value),
            _ => Err(rejection),
        }
    }
}

/// How a command's `command_id` relates to the commands accepted before.
enum Delivery {
    /// Not seen before.
    New,
    /// The same command again: accepted, nothing changes.
    Duplicate,
    /// The id of another command: `command-id-reused`.
    Reused,
}

/// A command judged against an incident and found acceptable, not yet
/// applied: what [`Incident::decide`] gives and [`Incident::apply`] takes.
///
/// It borrows the command, so deciding copies nothing; it remembers the
/// incident and version it was made on, and applying it to any other is
/// refused.
#[must_use]
pub struct Decision<'c> {
    incident_id: IncidentId,
    base_version: u64,
    command: &'c Command,
    effect: Effect,
}

impl Decision<'_> {
    /// What applying it gives: [`Outcome::Applied`] with the version to
    /// store the command under, or [`Outcome::Duplicate`] (store nothing).
    pub fn outcome(&self) -> Outcome {
        match self.effect {
            Effect::Duplicate => Outcome::Duplicate {
                version: self.base_version,
            },
            Effect::Apply { .. } => Outcome::Applied {
                version: self.base_version + 1,
            },
        }
    }

    /// The command decided on.
    pub fn command(&self) -> &Command {
        self.command
    }
}

impl std::fmt::Debug for Decision<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decision")
            .field("incident_id", &self.incident_id)
            .field("base_version", &self.base_version)
            .field("command_id", &self.command.command_id)
            .field("outcome", &self.outcome())
            .finish()
    }
}

/// What an acceptable command does.
// Lives for one call and moves once; boxing the change would cost an
// allocation per command.
#[allow(clippy::large_enum_variant)]
enum Effect {
    /// Delivered before: nothing.
    Duplicate,
    /// The checked change, and the phase after it.
    Apply { change: Change, after: Phase },
}

impl Incident {
    /// Opens an incident with a `declare` command.
    ///
    /// # Errors
    ///
    /// `not-declared` for any other command; otherwise every rule the
    /// declaration breaks (impact, severity floor, roles, update, lengths).
    pub fn declare(cmd: Command, playbook: &Playbook) -> Result<Incident, Rejection> {
        Incident::declare_in(Mode::Judge, cmd, playbook)
    }

    /// [`Incident::declare`], judged in `mode`.
    pub(super) fn declare_in(
        mode: Mode,
        mut cmd: Command,
        playbook: &Playbook,
    ) -> Result<Incident, Rejection> {
        let CommandBody::Declare(d) = &cmd.body else {
            return Err(Violation::new(
                Rule::NotDeclared,
                format!(
                    "incident {} was never declared; `{}` needs a declared incident",
                    cmd.incident_id,
                    cmd.kind()
                ),
                Some("incident_id"),
            )
            .into());
        };
        let mut r = Violations::new();
        if let Some(v) = cmd.expected_version
            && v != 0
        {
            r.push(
                Rule::VersionConflict,
                "expected_version",
                format!("a new incident is at version 0, not {v}"),
            );
        }
        check_sender(&mut r, &cmd);
        let named = |role| d.roles.as_ref().and_then(|roles| roles.get(role));
        check_permission(&mut r, &cmd, playbook, named);
        let parts = judge_declaration(&mut r, cmd.at, d, playbook);
        let (title, impact, roles, update) = mode.conclude(r, parts)?;
        let mut incident = Incident {
            state: State {
                incident_id: cmd.incident_id,
                version: 1,
                phase: Phase::Investigating,
                severity: d.severity,
                peak_severity: d.severity,
                title,
                declared_at: cmd.at,
                detected_at: d.detected_at,
                last_command_at: cmd.at,
                roles,
                impact,
                updates: vec![UpdateMark::new(0, update)],
                mitigations: Vec::new(),
                notes: Vec::new(),
                checks: Vec::new(),
                accepted_exceptions: Vec::new(),
                root_cause: None,
                blocked_endpoints: Vec::new(),
                postmortem: None,
                progress: Vec::new(),
                impact_corrections: Vec::new(),
                links: Vec::new(),
                fixes: Vec::new(),
                amendments: Vec::new(),
                playbook: playbook.id().cloned(),
                history: Vec::new(),
            },
            ids: Default::default(),
        };
        share_owner(&incident.state.roles, &mut cmd);
        incident.state.history.push(cmd);
        incident.ids.push(&incident.state.history);
        Ok(incident)
    }

    /// Checks `cmd` and, if it breaks no rule, applies it: [`Incident::decide`]
    /// and [`Incident::apply`] in one step, without copying the command.
    ///
    /// The same command delivered again (same `command_id`, and equal in
    /// every field after parsing, `at` and `expected_version` included) is
    /// accepted as [`Outcome::Duplicate`] and changes nothing; a different
    /// command under an accepted id is `command-id-reused`.
    ///
    /// # Errors
    ///
    /// Every rule the command breaks; the incident is then unchanged.
    pub fn handle(&mut self, cmd: Command, playbook: &Playbook) -> Result<Outcome, Rejection> {
        self.handle_in(Mode::Judge, cmd, playbook)
    }

    /// [`Incident::handle`], judged in `mode`.
    pub(super) fn handle_in(
        &mut self,
        mode: Mode,
        cmd: Command,
        playbook: &Playbook,
    ) -> Result<Outcome, Rejection> {
        let effect = self.judge(mode, &cmd, playbook)?;
        Ok(self.commit(effect, cmd))
    }

    /// Judges `cmd` against the incident as it stands, changing nothing.
    ///
    /// A service that must store a command before it changes its copy of the
    /// incident decides, stores, then [applies](Incident::apply) the decision;
    /// [`Decision::outcome`] says the version to store it under, or that it
    /// is a duplicate and needs no storing.
    ///
    /// ```
    /// use incident_playbook::{Command, Incident, Outcome, Playbook, command::AddNote};
    /// # let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// # let declare: Command = serde_json::from_str(case.lines().next().unwrap()).unwrap();
    /// let playbook = Playbook::default();
    /// let mut incident = Incident::declare(declare, &playbook).unwrap();
    /// let note = Command::new(
    ///     incident.id(),
    ///     "32803c2f-c9a4-5f3e-ad4f-66079c55a576".parse().unwrap(),
    ///     incident.last_command_at(),
    ///     AddNote::new("Deploy 2026.05.04-1 matches the start."),
    /// );
    /// let decision = incident.decide(&note, &playbook).unwrap();
    /// assert_eq!(decision.outcome(), Outcome::Applied { version: 2 });
    /// assert_eq!(incident.version(), 1); // nothing changed yet
    /// // … store `note` at version 2, then:
    /// assert_eq!(incident.apply(decision).unwrap(), Outcome::Applied { version: 2 });
    /// assert_eq!(incident.version(), 2);
    /// ```
    ///
    /// # Errors
    ///
    /// Every rule the command breaks, as [`Incident::handle`] gives them.
    pub fn decide<'c>(
        &self,
        cmd: &'c Command,
        playbook: &Playbook,
    ) -> Result<Decision<'c>, Rejection> {
        Ok(Decision {
            incident_id: self.state.incident_id,
            base_version: self.state.version,
            command: cmd,
            effect: self.judge(Mode::Judge, cmd, playbook)?,
        })
    }

    /// Applies a decision [`Incident::decide`] made on this incident, copying
    /// its command into the history.
    ///
    /// # Errors
    ///
    /// `version-conflict` when the decision was made on another incident or
    /// on another version of this one: decide again. The incident is then
    /// unchanged.
    pub fn apply(&mut self, decision: Decision<'_>) -> Result<Outcome, Rejection> {
        if decision.incident_id != self.state.incident_id
            || decision.base_version != self.state.version
        {
            return Err(Violation::new(
                Rule::VersionConflict,
                format!(
                    "the decision was made on incident {} at version {}; this is incident {} at version {}: decide again",
                    decision.incident_id,
                    decision.base_version,
                    self.state.incident_id,
                    self.state.version
                ),
                None,
            )
            .into());
        }
        Ok(self.commit(decision.effect, decision.command.clone()))
    }

    /// What `cmd` would do, or every rule it breaks.
    fn judge(&self, mode: Mode, cmd: &Command, playbook: &Playbook) -> Result<Effect, Rejection> {
        let reused = match self.delivery(cmd)? {
            Delivery::New => false,
            Delivery::Reused => true,
            Delivery::Duplicate => return Ok(Effect::Duplicate),
        };
        let kind = cmd.kind();
        let phase = self.state.phase;
        let transition = Transition::of(phase, kind);
        if let Transition::Refused(rule) = transition {
            return Err(self.refusal(rule).into());
        }
        let mut r = Violations::new();
        self.check_envelope(&mut r, cmd, reused);
        let held = |role| self.state.roles.get(role).map(Name::as_str);
        check_permission(&mut r, cmd, playbook, held);
        self.check_transition(&mut r, kind, transition);
        let after = kind.phase_after(phase);
        let change = self.state.check_body(&mut r, cmd, after, playbook);
        let change = mode.conclude(r, change)?;
        Ok(Effect::Apply { change, after })
    }

    /// Carries out a judged effect.
    fn commit(&mut self, effect: Effect, cmd: Command) -> Outcome {
        match effect {
            Effect::Duplicate => Outcome::Duplicate {
                version: self.state.version,
            },
            Effect::Apply { change, after } => {
                self.apply_change(change, cmd, after);
                Outcome::Applied {
                    version: self.state.version,
                }
            }
        }
    }

    /// Whether `cmd` is for this incident, and new, a duplicate, or a reused id.
    fn delivery(&self, cmd: &Command) -> Result<Delivery, Rejection> {
        if cmd.incident_id != self.state.incident_id {
            return Err(Violation::new(
                Rule::NotDeclared,
                format!(
                    "the command is for incident {}, not for {}",
                    cmd.incident_id, self.state.incident_id
                ),
                Some("incident_id"),
            )
            .into());
        }
        let earlier = self.ids.find(cmd.command_id, &self.state.history);
        Ok(match earlier {
            Some(earlier) if *earlier == *cmd => Delivery::Duplicate,
            Some(_) => Delivery::Reused,
            None => Delivery::New,
        })
    }

    /// What the phase table says of `kind` now, when it does not refuse it
    /// outright: `not-allowed-in-phase`, or `resolve-from-monitoring` while
    /// users are affected. [`Incident::blockers`] asks it too.
    pub(super) fn check_transition(
        &self,
        r: &mut Violations,
        kind: CommandKind,
        transition: Transition,
    ) {
        let phase = self.state.phase;
        match transition {
            Transition::ToOnceUsersUnaffected(_) if self.state.impact.user_impact_active() => {
                r.push(
                    Rule::ResolveFromMonitoring,
                    "type",
                    format!("users are still affected: mitigate and monitor before resolving (the incident is {phase})"),
                );
            }
            Transition::NotAllowed => r.push(
                Rule::NotAllowedInPhase,
                "type",
                format!("`{kind}` is not allowed while the incident is {phase}"),
            ),
            _ => {}
        }
    }

    /// The violation of a rule that refuses a command outright.
    pub(super) fn refusal(&self, rule: Rule) -> Violation {
        let id = self.state.incident_id;
        match rule {
            Rule::IncidentClosed => Violation::new(
                rule,
                format!("incident {id} is closed and takes no more commands"),
                None,
            ),
            Rule::AlreadyDeclared => Violation::new(
                rule,
                format!("incident {id} was declared already"),
                Some("incident_id"),
            ),
            _ => Violation::new(rule, rule.summary(), None),
        }
    }

    /// The envelope's rules: a new id, time order, the expected version,
    /// the sender's name.
    fn check_envelope(&self, r: &mut Violations, cmd: &Command, reused: bool) {
        check_sender(r, cmd);
        if reused {
            r.push(
                Rule::CommandIdReused,
                "command_id",
                format!(
                    "command {} was accepted before with other content",
                    cmd.command_id
                ),
            );
        }
        if cmd.at < self.state.last_command_at {
            r.push(
                Rule::TimestampRegressed,
                "at",
                format!(
                    "{} is earlier than the last accepted command ({})",
                    cmd.at, self.state.last_command_at
                ),
            );
        }
        if let Some(v) = cmd.expected_version
            && v != self.state.version
        {
            r.push(
                Rule::VersionConflict,
                "expected_version",
                format!(
                    "expected version {v}, but the incident is at version {}",
                    self.state.version
                ),
            );
        }
    }

    fn apply_change(&mut self, change: Change, mut cmd: Command, after: Phase) {
        let updated = matches!(
            change,
            Change::Update(_)
                | Change::Severity { .. }
                | Change::Mitigation(..)
                | Change::Resolve(..)
        );
        let s = &mut self.state;
        // Past `u32::MAX` commands (never reached) the record is not kept.
        if let Some(position) = s.next_position() {
            change_state(s, change, position);
        }
        if updated {
            share_owner(&s.roles, &mut cmd);
        }
        s.phase = after;
        s.version += 1;
        s.last_command_at = cmd.at;
        s.history.push(cmd);
        self.ids.push(&s.history);
        if after == Phase::Closed {
            self.settle();
        }
    }

    /// A closed incident takes only the odd amendment, so the room its
    /// vectors kept for growth (up to half of each) is given back: in a long
    /// stream most incidents are closed, and that room was a tenth of the
    /// memory.
    fn settle(&mut self) {
        let s = &mut self.state;
        s.history.shrink_to_fit();
        s.updates.shrink_to_fit();
        s.notes.shrink_to_fit();
        s.checks.shrink_to_fit();
        s.mitigations.shrink_to_fit();
        self.ids.shrink_to_fit(&s.history);
    }
}

/// Applies a checked change to the state (the phase, version and history
/// are the caller's), made by the command that goes at `position` of the
/// history: the notes, checks and updates keep that position, the command
/// being what they are built from again.
fn change_state(s: &mut State, change: Change, position: u32) {
    match change {
        Change::Update(u) => s.updates.push(UpdateMark::new(position, u)),
        Change::Severity {
            severity,
            roles,
            impact,
            update,
        } => {
            s.severity = severity;
            s.peak_severity = s.peak_severity.most_severe(severity);
            s.roles = *roles;
            if let Some(impact) = impact {
                s.impact = *impact;
            }
            s.updates.push(UpdateMark::new(position, update));
        }
        Change::Roles(roles) => s.roles = roles,
        Change::Impact(impact) => s.impact = *impact,
        Change::Check => s.checks.push(position),
        Change::Note => s.notes.push(position),
        Change::RootCause(root_cause) => s.root_cause = Some(root_cause),
        Change::Mitigation(record, update) => {
            s.mitigations.push(*record);
            s.blocked_endpoints = blocked_now(&s.mitigations);
            s.updates.push(UpdateMark::new(position, update));
        }
        Change::EndMitigations(positions, end) => {
            for i in positions {
                if let Some(record) = s.mitigations.get_mut(i) {
                    record.ended = Some(end.clone());
                }
            }
            s.blocked_endpoints = blocked_now(&s.mitigations);
        }
        Change::ReviseOutcome(i, revision) => {
            if let Some(end) = s.mitigations.get_mut(i).and_then(|m| m.ended.as_mut()) {
                end.outcome = revision.outcome;
                end.revisions.push(revision);
            }
        }
        Change::Postmortem(postmortem) => s.postmortem = Some(*postmortem),
        Change::Title(title) => s.title = title,
        Change::Resolve(u, exceptions) => {
            s.updates.push(UpdateMark::new(position, u));
            s.accepted_exceptions.extend(exceptions);
        }
        Change::Close => {}
        Change::Progress(progress) => s.progress.push(progress),
        Change::Correction(impact, correction) => {
            s.impact = *impact;
            s.impact_corrections.push(correction);
        }
        Change::Link(link) => s.links.push(link),
        Change::Fix(fix) => s.fixes.push(fix),
        Change::Amended(change, amendment) => {
            change_state(s, *change, position);
            s.amendments.push(amendment);
        }
    }
}

/// The owner of the update just posted holds a role
/// (`update-owner-not-assigned`), so the roles keep the name already: the
/// command takes the holder's text and its own copy is freed. So a name is
/// kept once per incident however many updates its holder posts: people's
/// names repeat, in every update they own.
fn share_owner(roles: &crate::roles::Roles, cmd: &mut Command) {
    let Some(input) = cmd.body.update_mut() else {
        return;
    };
    let Some(owner) = input.owner.as_deref() else {
        return;
    };
    if let Some((_, holder)) = roles.iter().find(|(_, name)| name.as_str() == owner) {
        input.owner = Some(std::sync::Arc::clone(holder.as_shared()));
    }
}

/// The envelope's `by`, when given, is a person's name as the bodies' names
/// are: not blank (`field-empty`), at most 200 characters (`field-too-long`).
fn check_sender(r: &mut Violations, cmd: &Command) {
    let _ = r.optional_text::<crate::text::Name, _>("by", cmd.by.as_ref());
}

/// sender-not-permitted: where the playbook reserves the command's type to
/// some roles, the command says who sent it and that person holds one of
/// them (`holder`: who holds a role when the command comes; for a `declare`,
/// the roles it names).
fn check_permission<'a>(
    r: &mut Violations,
    cmd: &Command,
    playbook: &Playbook,
    holder: impl Fn(Role) -> Option<&'a str>,
) {
    let Some(roles) = playbook.permitted(cmd.kind().as_str()) else {
        return;
    };
    let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let allowed = if allowed.is_empty() {
        "nobody".to_owned()
    } else {
        format!("the {}", allowed.join(" or the "))
    };
    let message = match cmd.sender() {
        // A blank or overlong `by` is reported as such, not again here.
        Some(by) if crate::text::is_blank(by) => return,
        Some(by) if roles.iter().any(|&role| holder(role) == Some(by)) => return,
        Some(by) => format!(
            "the playbook lets {allowed} send `{}`, and {by} holds none of those roles",
            cmd.kind()
        ),
        None => format!(
            "the playbook lets {allowed} send `{}`; this command does not say who sent it (`by`)",
            cmd.kind()
        ),
    };
    r.push(Rule::SenderNotPermitted, "by", message);
}
