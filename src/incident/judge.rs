//! Judging a command: what each command demands of its body and of the
//! incident as it stands, one function per command, each returning the
//! checked change.

use std::sync::Arc;

use crate::comms::{CommsUpdate, Posted, Status, UpdateInput};
use crate::exception::{self, AcceptedException};
use crate::impact::{self, Impact, ImpactFlag, ImpactInput};
use crate::incident::records::{Amendment, Fix, ImpactCorrection, Link, Progress};
use crate::incident::state::State;
use crate::incident::{
    AssignRole, AssignRoles, ChangeSeverity, Command, CommandBody, CorrectImpact, Declare,
    EndMitigation, LiftBlock, LinkIncident, Phase, RecordCheck, RecordFix, RecordProgress,
    RecordRootCause, Rename, Resolve, ReviseOutcome, StartMitigation, SubmitPostmortem,
    UpdateImpact,
};
use crate::mitigation::{
    self, Mitigation, MitigationEnd, MitigationOutcome, MitigationRecord, OutcomeRevision,
};
use crate::notes::{RootCause, check_true_time};
use crate::playbook::Playbook;
use crate::postmortem::{Postmortem, PostmortemStatus};
use crate::roles::{PartialRoles, Role, Roles, rule_demanding};
use crate::rule::{Rule, Violations};
use crate::severity::Severity;
use crate::text::{LongText, Name, ShortText, excerpt, is_blank, judged};
use crate::time::Timestamp;
use crate::verification::Verification;

/// A checked change, ready to apply.
pub(super) enum Change {
    /// A phase change or plain update that only posts an update.
    Update(Posted),
    Severity {
        severity: Severity,
        roles: Box<Roles>,
        impact: Option<Box<Impact>>,
        update: Posted,
    },
    Roles(Roles),
    Impact(Box<Impact>),
    /// A triage check recorded (the record is built from the command).
    Check,
    /// A note added (the record is built from the command).
    Note,
    RootCause(RootCause),
    Mitigation(Box<MitigationRecord>, Posted),
    /// Ends the mitigations at these positions.
    EndMitigations(Vec<usize>, MitigationEnd),
    /// Revises the outcome of the ended mitigation at this position.
    ReviseOutcome(usize, OutcomeRevision),
    Postmortem(Box<Postmortem>),
    Title(ShortText),
    /// The resolve's update and the exceptions it accepts.
    Resolve(Posted, Vec<AcceptedException>),
    Close,
    Progress(Progress),
    /// The impact as corrected, and when and why.
    Correction(Box<Impact>, ImpactCorrection),
    Link(Link),
    Fix(Fix),
    /// A change accepted after close, and its record as an amendment.
    Amended(Box<Change>, Amendment),
}

/// The impact rules that depend on the command and the incident: users were
/// hit no later than the command (`at`), and the severity is at least the
/// flags' floor.
///
/// They read only the start time and the flags, so they are checked from the
/// input even when another part of the impact is missing or invalid: every
/// rule that can be checked is reported.
fn check_impact_rules(
    report: &mut Violations,
    severity_path: &str,
    (times, flags): ([Option<Timestamp>; 2], &[ImpactFlag]),
    at: Timestamp,
    severity: Severity,
) {
    let [started_at, ended_at] = times;
    if let Some(started_at) = started_at {
        impact::check_start(report, "impact", started_at, at);
    }
    if let Some(ended_at) = ended_at {
        check_true_time(report, "impact.ended_at", ended_at, at);
    }
    impact::check_floor(report, severity_path, flags, severity);
}

/// What the impact rules read of an impact as sent: its true times (start,
/// end) and its flags.
fn input_parts(input: &ImpactInput) -> ([Option<Timestamp>; 2], &[ImpactFlag]) {
    (
        [input.started_at, input.ended_at],
        input.flags.as_deref().unwrap_or_default(),
    )
}

/// What a `declare` demands: a title, a confirmed impact at or under the
/// severity, the roles the severity needs, and the first update.
pub(super) fn judge_declaration(
    r: &mut Violations,
    at: Timestamp,
    d: &Declare,
    playbook: &Playbook,
) -> Option<(ShortText, Impact, Roles, Posted)> {
    let title = r.text::<ShortText, _>("title", d.title.as_ref(), Rule::FieldEmpty);
    let impact = Impact::check(r, "impact", d.impact.as_ref(), playbook);
    if let Some(input) = &d.impact {
        check_impact_rules(r, "severity", input_parts(input), at, d.severity);
    }
    if let Some(detected_at) = d.detected_at {
        check_true_time(r, "detected_at", detected_at, at);
    }
    let mut roles = PartialRoles::default();
    let blank = match &d.roles {
        Some(input) => roles.merge_input(r, "roles", input),
        None => Vec::new(),
    };
    roles.check(r, "roles", d.severity, &blank);
    let update = CommsUpdate::check(
        r,
        "update",
        d.update.as_ref(),
        at,
        Status::Investigating,
        d.severity,
        &roles,
    );
    Some((title?, impact?, roles.finish()?, update?))
}

/// One command being checked against the incident as it stands.
struct Check<'a> {
    state: &'a State,
    at: Timestamp,
    /// The comms status the command's update must give.
    status_after: Status,
    playbook: &'a Playbook,
}

impl State {
    /// Checks the body of `cmd` against this state, `after` being the phase
    /// it leads to; `None` when a rule is broken. After close, an accepted
    /// command is an amendment, and its change says so.
    pub(super) fn check_body(
        &self,
        r: &mut Violations,
        cmd: &Command,
        after: Phase,
        playbook: &Playbook,
    ) -> Option<Change> {
        let c = Check {
            state: self,
            at: cmd.at,
            // Commands that carry an update never close the incident.
            status_after: after.status().unwrap_or(Status::Resolved),
            playbook,
        };
        let change = c.body(r, &cmd.body)?;
        if self.phase != Phase::Closed {
            return Some(change);
        }
        let amendment = Amendment {
            at: cmd.at,
            kind: cmd.kind(),
            reason: amendment_reason(&cmd.body).and_then(|why| ShortText::new(why).ok()),
            by: cmd.by.as_deref().and_then(|by| Name::new(by).ok()),
        };
        Some(Change::Amended(Box::new(change), amendment))
    }
}

/// The `reason` an amendment gives, for the commands that carry one.
fn amendment_reason(body: &CommandBody) -> Option<&str> {
    match body {
        CommandBody::SubmitPostmortem(b) => b.reason.as_deref(),
        CommandBody::RecordRootCause(b) => b.reason.as_deref(),
        CommandBody::CorrectImpact(b) => b.reason.as_deref(),
        CommandBody::ReviseOutcome(b) => b.reason.as_deref(),
        _ => None,
    }
}

impl Check<'_> {
    /// What `body` demands of itself and of the incident as it stands.
    fn body(&self, r: &mut Violations, body: &CommandBody) -> Option<Change> {
        match body {
            CommandBody::Declare(_) => None,
            CommandBody::PostUpdate(b) => self.update(r, b.update.as_ref()).map(Change::Update),
            CommandBody::ChangeSeverity(b) => self.change_severity(r, b),
            CommandBody::AssignRole(b) => self.assign_role(r, b),
            CommandBody::AssignRoles(b) => self.assign_roles(r, b),
            CommandBody::UnassignRole(b) => self.roles(r, |roles| roles.set(b.role, None)),
            CommandBody::UpdateImpact(b) => self.update_impact(r, b),
            CommandBody::RecordCheck(b) => self.record_check(r, b),
            CommandBody::AddNote(b) => {
                self.true_time(r, b.occurred_at);
                r.valid_text::<LongText>("text", b.text.as_deref(), Rule::FieldEmpty)?;
                Some(Change::Note)
            }
            CommandBody::RecordRootCause(b) => self.record_root_cause(r, b),
            CommandBody::StartMitigation(b) => self.start_mitigation(r, b),
            CommandBody::BeginMonitoring(b) => {
                self.update(r, b.update.as_ref()).map(Change::Update)
            }
            CommandBody::ResumeInvestigation(b) => {
                self.with_reason(r, b.reason.as_ref(), b.update.as_ref())
            }
            CommandBody::Reopen(b) => self.with_reason(r, b.reason.as_ref(), b.update.as_ref()),
            CommandBody::LiftBlock(b) => self.lift_block(r, b),
            CommandBody::EndMitigation(b) => self.end_mitigation(r, b),
            CommandBody::ReviseOutcome(b) => self.revise_outcome(r, b),
            CommandBody::Rename(b) => rename(r, b),
            CommandBody::Resolve(b) => self.resolve(r, b),
            CommandBody::SubmitPostmortem(b) => self.submit_postmortem(r, b),
            CommandBody::Close => {
                self.state.check_closable(r);
                Some(Change::Close)
            }
            CommandBody::RecordProgress(b) => self.record_progress(r, b),
            CommandBody::CorrectImpact(b) => self.correct_impact(r, b),
            CommandBody::LinkIncident(b) => self.link_incident(r, b),
            CommandBody::RecordFix(b) => self.record_fix(r, b),
        }
    }

    /// Whether the incident is closed: the command is an amendment.
    fn amending(&self) -> bool {
        self.state.phase == Phase::Closed
    }

    /// The `reason` of a command that gives one optionally but must after
    /// close (`amendment-reason-required`).
    fn amendment_reason(&self, r: &mut Violations, reason: Option<&Arc<str>>) -> Option<()> {
        if self.amending() {
            r.text::<ShortText, _>("reason", reason, Rule::AmendmentReasonRequired)
                .map(drop)
        } else {
            r.optional_text::<ShortText, _>("reason", reason).map(drop)
        }
    }

    fn record_check(&self, r: &mut Violations, b: &RecordCheck) -> Option<Change> {
        r.valid_text::<ShortText>("finding", b.finding.as_deref(), Rule::FieldEmpty)?;
        Some(Change::Check)
    }

    /// `submit_postmortem`: the postmortem's own rules; after close, a
    /// revision says why and keeps the postmortem the close demanded.
    fn submit_postmortem(&self, r: &mut Violations, b: &SubmitPostmortem) -> Option<Change> {
        let s = self.state;
        let reason = self.amendment_reason(r, b.reason.as_ref());
        let checked = Postmortem::check(
            r,
            "postmortem",
            &b.postmortem,
            s.peak_severity,
            s.declared_at.date(),
        );
        if self.amending()
            && s.peak_severity.requires_postmortem()
            && b.postmortem.status != PostmortemStatus::Published
        {
            r.push(
                Rule::PostmortemRequired,
                "postmortem.status",
                format!(
                    "a closed {} incident keeps a published postmortem: a revision after close is published too",
                    s.peak_severity
                ),
            );
        }
        reason?;
        checked.map(|p| Change::Postmortem(Box::new(p)))
    }

    /// `record_progress`: a share done, with an expected completion to come.
    fn record_progress(&self, r: &mut Violations, b: &RecordProgress) -> Option<Change> {
        self.true_time(r, b.occurred_at);
        let note = r.optional_text::<ShortText, _>("note", b.note.as_ref());
        if let Some(expected) = b.expected_completion
            && expected <= self.at
        {
            r.push(
                Rule::ExpectedCompletionNotAfterProgress,
                "expected_completion",
                format!(
                    "{expected} is not after the progress that states it ({})",
                    self.at
                ),
            );
        }
        Some(Change::Progress(Progress {
            at: self.at,
            occurred_at: b.occurred_at,
            percent: b.percent,
            expected_completion: b.expected_completion,
            note: note?,
        }))
    }

    /// `correct_impact`: the impact rules of `update_impact`, the floor
    /// judged against the current severity, so that every state keeps its
    /// severity at or above its impact's floor.
    fn correct_impact(&self, r: &mut Violations, b: &CorrectImpact) -> Option<Change> {
        let s = self.state;
        let impact = Impact::check(r, "impact", b.impact.as_ref(), self.playbook);
        if let Some(input) = &b.impact {
            let parts = input_parts(input);
            check_impact_rules(r, "impact.flags", parts, self.at, s.severity);
        }
        let reason = r.text::<ShortText, _>("reason", b.reason.as_ref(), Rule::FieldEmpty);
        let correction = ImpactCorrection {
            at: self.at,
            reason: reason?,
        };
        Some(Change::Correction(Box::new(impact?), correction))
    }

    /// `link_incident`: another incident.
    fn link_incident(&self, r: &mut Violations, b: &LinkIncident) -> Option<Change> {
        if b.incident == self.state.incident_id {
            r.push(
                Rule::LinkToSelf,
                "incident",
                format!("{} is this incident: link another one", b.incident),
            );
        }
        let note = r.optional_text::<ShortText, _>("note", b.note.as_ref());
        Some(Change::Link(Link {
            at: self.at,
            incident: b.incident,
            relation: b.relation,
            note: note?,
        }))
    }

    /// `record_fix`: what was changed, when, and how it went.
    fn record_fix(&self, r: &mut Violations, b: &RecordFix) -> Option<Change> {
        self.true_time(r, b.occurred_at);
        let description =
            r.text::<ShortText, _>("description", b.description.as_ref(), Rule::FieldEmpty);
        Some(Change::Fix(Fix {
            at: self.at,
            occurred_at: b.occurred_at,
            description: description?,
            outcome: b.outcome,
        }))
    }

    /// The command's update, at `severity` with `roles`.
    fn update_with(
        &self,
        r: &mut Violations,
        input: Option<&UpdateInput>,
        severity: Severity,
        roles: &PartialRoles,
    ) -> Option<Posted> {
        CommsUpdate::check(
            r,
            "update",
            input,
            self.at,
            self.status_after,
            severity,
            roles,
        )
    }

    /// The command's update, at the current severity with the current roles.
    fn update(&self, r: &mut Violations, input: Option<&UpdateInput>) -> Option<Posted> {
        let roles = PartialRoles::from(&self.state.roles);
        self.update_with(r, input, self.state.severity, &roles)
    }

    /// `resume_investigation`, `reopen`: a reason and an update.
    fn with_reason(
        &self,
        r: &mut Violations,
        reason: Option<&Arc<str>>,
        update: Option<&UpdateInput>,
    ) -> Option<Change> {
        r.text::<ShortText, _>("reason", reason, Rule::FieldEmpty);
        self.update(r, update).map(Change::Update)
    }

    fn change_severity(&self, r: &mut Violations, b: &ChangeSeverity) -> Option<Change> {
        let s = self.state;
        if b.severity == s.severity {
            r.push(
                Rule::SeverityUnchanged,
                "severity",
                format!("the incident is {} already", s.severity),
            );
        }
        r.text::<ShortText, _>("reason", b.reason.as_ref(), Rule::FieldEmpty);
        let mut roles = PartialRoles::from(&s.roles);
        let blank = match &b.roles {
            Some(input) => roles.merge_input(r, "roles", input),
            None => Vec::new(),
        };
        roles.check(r, "roles", b.severity, &blank);
        // `None`: no new impact; `Some(None)`: a new impact that breaks rules.
        let new_impact = b
            .impact
            .as_ref()
            .map(|input| Impact::check(r, "impact", Some(input), self.playbook));
        let parts = match &b.impact {
            // The start as it stands was judged when it was recorded.
            None => ([None, None], s.impact.flags()),
            Some(input) => input_parts(input),
        };
        check_impact_rules(r, "severity", parts, self.at, b.severity);
        let update = self.update_with(r, b.update.as_ref(), b.severity, &roles);
        let impact = match new_impact {
            None => None,
            Some(checked) => Some(Box::new(checked?)),
        };
        Some(Change::Severity {
            severity: b.severity,
            roles: Box::new(roles.finish()?),
            impact,
            update: update?,
        })
    }

    /// The roles after `edit`, held to the role rules at the current severity.
    fn roles(&self, r: &mut Violations, edit: impl FnOnce(&mut PartialRoles)) -> Option<Change> {
        let mut roles = PartialRoles::from(&self.state.roles);
        edit(&mut roles);
        roles.check(r, "roles", self.state.severity, &[]);
        roles.finish().map(Change::Roles)
    }

    fn assign_role(&self, r: &mut Violations, b: &AssignRole) -> Option<Change> {
        // A blank name for a role a rule demands is that rule's
        // (`commander-required`, …), as it is in `roles`.
        let missing = rule_demanding(b.role, self.state.severity).unwrap_or(Rule::FieldEmpty);
        let Some(person) = b.person.as_ref().filter(|p| !is_blank(p)) else {
            r.text::<Name, _>("person", b.person.as_ref(), missing);
            return None;
        };
        // An overlong name is still judged by the role rules.
        let mut roles = PartialRoles::from(&self.state.roles);
        roles.give(r, "person", b.role, person);
        roles.check(r, "roles", self.state.severity, &[]);
        roles.finish().map(Change::Roles)
    }

    fn assign_roles(&self, r: &mut Violations, b: &AssignRoles) -> Option<Change> {
        let mut roles = PartialRoles::from(&self.state.roles);
        let blank = match &b.roles {
            Some(input) if Role::ALL.iter().any(|role| input.get(*role).is_some()) => {
                roles.merge_input(r, "roles", input)
            }
            _ => {
                r.push(
                    Rule::FieldEmpty,
                    "roles",
                    "name at least one role to assign",
                );
                Vec::new()
            }
        };
        roles.check(r, "roles", self.state.severity, &blank);
        roles.finish().map(Change::Roles)
    }

    fn update_impact(&self, r: &mut Violations, b: &UpdateImpact) -> Option<Change> {
        let s = self.state;
        let impact = Impact::check(r, "impact", b.impact.as_ref(), self.playbook);
        if let Some(input) = &b.impact {
            let parts = input_parts(input);
            check_impact_rules(r, "impact.flags", parts, self.at, s.severity);
        }
        impact.map(|i| Change::Impact(Box::new(i)))
    }

    fn record_root_cause(&self, r: &mut Violations, b: &RecordRootCause) -> Option<Change> {
        self.state.check_mitigated(r);
        self.true_time(r, b.occurred_at);
        let reason = self.amendment_reason(r, b.reason.as_ref());
        let text = r.text::<LongText, _>("text", b.text.as_ref(), Rule::FieldEmpty)?;
        reason?;
        Some(Change::RootCause(RootCause {
            at: self.at,
            occurred_at: b.occurred_at,
            text,
        }))
    }

    /// The true time the command carries (`occurred_at`), if any.
    fn true_time(&self, r: &mut Violations, occurred_at: Option<Timestamp>) {
        if let Some(occurred_at) = occurred_at {
            check_true_time(r, "occurred_at", occurred_at, self.at);
        }
    }

    fn start_mitigation(&self, r: &mut Violations, b: &StartMitigation) -> Option<Change> {
        let mitigation = Mitigation::check(r, "mitigation", &b.mitigation, self.playbook);
        self.true_time(r, b.occurred_at);
        let update = self.update(r, b.update.as_ref());
        Some(Change::Mitigation(
            Box::new(MitigationRecord {
                at: self.at,
                occurred_at: b.occurred_at,
                mitigation: mitigation?,
                purpose: b.purpose.unwrap_or_default(),
                temporary: b.temporary.unwrap_or(false),
                ended: None,
            }),
            update?,
        ))
    }

    /// `lift_block`: ends every block of the endpoint in effect, as `helped`.
    fn lift_block(&self, r: &mut Violations, b: &LiftBlock) -> Option<Change> {
        let checked = r.text::<ShortText, _>("endpoint", b.endpoint.as_ref(), Rule::FieldEmpty);
        let endpoint = judged(checked.as_ref(), b.endpoint.as_deref())?;
        let blocks: Vec<usize> = (self.state.mitigations.iter().enumerate())
            .filter(|(_, m)| m.blocks().is_some_and(|e| e.as_str() == endpoint))
            .map(|(i, _)| i)
            .collect();
        if blocks.is_empty() {
            r.push(
                Rule::NoSuchBlock,
                "endpoint",
                format!("{} is not blocked", excerpt(endpoint, 200)),
            );
            return None;
        }
        checked?;
        let end = MitigationEnd {
            at: self.at,
            outcome: MitigationOutcome::Helped,
            note: None,
            occurred_at: None,
            revisions: Vec::new(),
        };
        Some(Change::EndMitigations(blocks, end))
    }

    fn end_mitigation(&self, r: &mut Violations, b: &EndMitigation) -> Option<Change> {
        let note = r.optional_text::<ShortText, _>("note", b.note.as_ref());
        let i = mitigation::check_end(r, "number", &self.state.mitigations, b.number);
        self.true_time(r, b.occurred_at);
        let record = i.and_then(|i| self.state.mitigations.get(i));
        if let (Some(record), Some(ended)) = (record, b.occurred_at) {
            mitigation::check_end_time(r, "occurred_at", record, ended);
        }
        let end = MitigationEnd {
            at: self.at,
            outcome: b.outcome,
            note: note?,
            occurred_at: b.occurred_at,
            revisions: Vec::new(),
        };
        Some(Change::EndMitigations(vec![i?], end))
    }

    /// `revise_outcome`: an ended mitigation, a reason.
    fn revise_outcome(&self, r: &mut Violations, b: &ReviseOutcome) -> Option<Change> {
        let reason = r.text::<ShortText, _>("reason", b.reason.as_ref(), Rule::FieldEmpty);
        let i = mitigation::check_ended(r, "number", &self.state.mitigations, b.number)?;
        let previous = self.state.mitigations.get(i)?.ended.as_ref()?.outcome;
        Some(Change::ReviseOutcome(
            i,
            OutcomeRevision {
                at: self.at,
                outcome: b.outcome,
                reason: reason?,
                previous,
            },
        ))
    }

    /// `resolve`: the verification the impact demands, every failing check
    /// passed or named by an exception, the exceptions valid, the duties done.
    fn resolve(&self, r: &mut Violations, b: &Resolve) -> Option<Change> {
        let s = self.state;
        let empty = Verification::default();
        let verification = b.verification.as_ref().unwrap_or(&empty);
        let exceptions = b.exceptions.as_deref().unwrap_or_default();
        // A check an exception names is judged through the exception: if
        // that is refused, its own rule says why, once.
        let excused: Vec<&str> = exceptions
            .iter()
            .filter_map(|e| e.check.as_deref())
            .collect();
        Verification::check(
            r,
            "verification",
            b.verification.as_ref(),
            (&s.impact, self.playbook),
            &excused,
        );
        let results = verification.results(&s.impact, self.playbook);
        let accepted = exception::check(r, "exceptions", exceptions, self.at, (&results, &s.roles));
        s.check_resolvable(r);
        let update = self.update(r, b.update.as_ref());
        Some(Change::Resolve(update?, accepted?))
    }
}

impl State {
    /// `mitigate-before-rca`: while users are affected, a root cause waits
    /// until a mitigation has been started. Any one counts, whatever its
    /// outcome: the playbook orders the work (mitigate first), it does not
    /// forbid writing down a cause found while fixes were failing, often the
    /// one that made a working fix possible. `record_root_cause` checks it,
    /// and so does [`Incident::blockers`](crate::Incident::blockers).
    pub(super) fn check_mitigated(&self, r: &mut Violations) {
        if self.impact.user_impact_active() && self.mitigations.is_empty() {
            r.push(
                Rule::MitigateBeforeRca,
                "type",
                "mitigate before root-cause analysis when user impact is active: start a mitigation first",
            );
        }
    }
}

/// `rename`: a new title and why.
fn rename(r: &mut Violations, b: &Rename) -> Option<Change> {
    let title = r.text::<ShortText, _>("title", b.title.as_ref(), Rule::FieldEmpty);
    r.text::<ShortText, _>("reason", b.reason.as_ref(), Rule::FieldEmpty);
    title.map(Change::Title)
}
