//! Checking and applying commands.
//!
//! Every command is checked completely against the incident as it stands
//! (collecting every violation) before anything changes; only then is the
//! checked change applied, which cannot fail. So a rejected command leaves the
//! incident exactly as it was.

use crate::comms::{CommsUpdate, Status};
use crate::impact::{self, Impact, ImpactFlag, ImpactInput};
use crate::incident::{Command, CommandBody, CommandKind, Incident, Outcome, Phase, Snapshot};
use crate::mitigation::{Mitigation, MitigationRecord};
use crate::notes::{Note, RootCause};
use crate::playbook::Playbook;
use crate::postmortem::Postmortem;
use crate::roles::{PartialRoles, Role, Roles};
use crate::rule::{Rejection, Report, Rule, Violation};
use crate::severity::Severity;
use crate::text::{LongText, Name, ShortText};
use crate::time::Timestamp;
use crate::triage::CheckRecord;
use crate::verification::Verification;

/// A checked change, ready to apply.
enum Change {
    /// A phase change or plain update that only posts an update.
    Update(CommsUpdate),
    Severity {
        severity: Severity,
        roles: Roles,
        impact: Option<Impact>,
        update: CommsUpdate,
    },
    Roles(Roles),
    Impact(Impact),
    Check(CheckRecord),
    Note(Note),
    RootCause(RootCause),
    Mitigation(MitigationRecord, CommsUpdate),
    LiftBlock(usize),
    Postmortem(Postmortem),
    Close,
}

/// The impact rules that depend on the incident: the start is not after the
/// declaration, and the severity is at least the flags' floor.
///
/// They read only the start time and the flags, so they are checked from the
/// input even when another part of the impact is missing or invalid: every
/// rule that can be checked is reported.
fn check_impact_rules(
    report: &mut Report,
    impact_path: &str,
    severity_path: &str,
    (started_at, flags): (Option<Timestamp>, &[ImpactFlag]),
    declared_at: Timestamp,
    severity: Severity,
) {
    if let Some(started_at) = started_at {
        impact::check_start(report, impact_path, started_at, declared_at);
    }
    impact::check_floor(report, severity_path, flags, severity);
}

/// What the impact rules read of an impact as sent.
fn input_parts(input: &ImpactInput) -> (Option<Timestamp>, &[ImpactFlag]) {
    (input.started_at, input.flags.as_deref().unwrap_or_default())
}

impl Incident {
    /// Opens an incident with a `declare` command.
    ///
    /// # Errors
    ///
    /// `not-declared` for any other command; otherwise every rule the
    /// declaration breaks (impact, severity floor, roles, update, lengths).
    pub fn declare(cmd: Command, playbook: &Playbook) -> Result<Incident, Rejection> {
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
        let mut r = Report::new();
        if let Some(v) = cmd.expected_version
            && v != 0
        {
            r.push(
                Rule::VersionConflict,
                "expected_version",
                format!("a new incident is at version 0, not {v}"),
            );
        }
        let title = r.text::<ShortText>("title", d.title.as_deref(), Rule::FieldEmpty);
        let impact = Impact::check(&mut r, "impact", d.impact.as_ref(), playbook);
        if let Some(input) = &d.impact {
            let parts = input_parts(input);
            check_impact_rules(&mut r, "impact", "severity", parts, cmd.at, d.severity);
        }
        let mut roles = PartialRoles::default();
        let blank = match &d.roles {
            Some(input) => roles.merge_input(&mut r, "roles", input),
            None => Vec::new(),
        };
        roles.check(&mut r, "roles", d.severity, &blank);
        let update = CommsUpdate::check(
            &mut r,
            "update",
            d.update.as_ref(),
            cmd.at,
            Status::Investigating,
            d.severity,
            &roles,
        );
        let parts = (|| Some((title?, impact?, roles.finish()?, update?)))();
        let (title, impact, roles, update) = r.conclude(parts)?;
        let mut incident = Incident {
            state: Snapshot {
                incident_id: cmd.incident_id,
                version: 1,
                phase: Phase::Investigating,
                severity: d.severity,
                peak_severity: d.severity,
                title,
                declared_at: cmd.at,
                last_command_at: cmd.at,
                roles,
                impact,
                updates: vec![update],
                mitigations: Vec::new(),
                notes: Vec::new(),
                checks: Vec::new(),
                root_cause: None,
                blocked_endpoints: Vec::new(),
                postmortem: None,
                history: Vec::new(),
            },
            ids: Default::default(),
        };
        incident.ids.insert(cmd.command_id, 0);
        incident.state.history.push(cmd);
        Ok(incident)
    }

    /// Checks `cmd` and, if it breaks no rule, applies it.
    ///
    /// The same command delivered again (same `command_id`, equal content) is
    /// accepted as [`Outcome::Duplicate`] and changes nothing.
    ///
    /// # Errors
    ///
    /// Every rule the command breaks; the incident is then unchanged.
    pub fn handle(&mut self, cmd: Command, playbook: &Playbook) -> Result<Outcome, Rejection> {
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
        let reused = match self
            .ids
            .get(&cmd.command_id)
            .and_then(|&i| self.state.history.get(i))
        {
            Some(earlier) if *earlier == cmd => {
                return Ok(Outcome::Duplicate {
                    version: self.state.version,
                });
            }
            Some(_) => true,
            None => false,
        };
        if self.state.phase == Phase::Closed {
            return Err(Violation::new(
                Rule::IncidentClosed,
                format!(
                    "incident {} is closed and takes no more commands",
                    self.state.incident_id
                ),
                None,
            )
            .into());
        }
        if cmd.kind() == CommandKind::Declare {
            return Err(Violation::new(
                Rule::AlreadyDeclared,
                format!("incident {} was declared already", self.state.incident_id),
                Some("incident_id"),
            )
            .into());
        }

        let mut r = Report::new();
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
        let kind = cmd.kind();
        let phase = self.state.phase;
        let after = kind.phase_after(phase);
        if kind == CommandKind::Resolve
            && matches!(phase, Phase::Investigating | Phase::Mitigating)
            && self.state.impact.user_impact_active()
        {
            r.push(
                Rule::ResolveFromMonitoring,
                "type",
                format!("users are still affected: mitigate and monitor before resolving (the incident is {phase})"),
            );
        } else if !kind.allowed_in(phase) {
            r.push(
                Rule::NotAllowedInPhase,
                "type",
                format!("`{kind}` is not allowed while the incident is {phase}"),
            );
        }
        let change = self.check_body(&mut r, &cmd, after, playbook);
        let change = r.conclude(change)?;
        self.apply(change, cmd, after);
        Ok(Outcome::Applied {
            version: self.state.version,
        })
    }

    fn check_body(
        &self,
        r: &mut Report,
        cmd: &Command,
        after: Phase,
        playbook: &Playbook,
    ) -> Option<Change> {
        let s = &self.state;
        let at = cmd.at;
        // Commands that carry an update never close the incident.
        let status_after = after.status().unwrap_or(Status::Resolved);
        let current_roles = PartialRoles::from(&s.roles);
        let update = |r: &mut Report, input, severity, roles: &PartialRoles| {
            CommsUpdate::check(r, "update", input, at, status_after, severity, roles)
        };
        match &cmd.body {
            CommandBody::Declare(_) => None,
            CommandBody::PostUpdate(b) => {
                update(r, b.update.as_ref(), s.severity, &current_roles).map(Change::Update)
            }
            CommandBody::ChangeSeverity(b) => {
                if b.severity == s.severity {
                    r.push(
                        Rule::SeverityUnchanged,
                        "severity",
                        format!("the incident is {} already", s.severity),
                    );
                }
                r.text::<ShortText>("reason", b.reason.as_deref(), Rule::FieldEmpty);
                let mut roles = current_roles;
                let blank = match &b.roles {
                    Some(input) => roles.merge_input(r, "roles", input),
                    None => Vec::new(),
                };
                roles.check(r, "roles", b.severity, &blank);
                // `None`: no new impact; `Some(None)`: a new impact that breaks rules.
                let new_impact = b
                    .impact
                    .as_ref()
                    .map(|input| Impact::check(r, "impact", Some(input), playbook));
                let parts = match &b.impact {
                    None => (Some(s.impact.started_at()), s.impact.flags()),
                    Some(input) => input_parts(input),
                };
                check_impact_rules(r, "impact", "severity", parts, s.declared_at, b.severity);
                let update = update(r, b.update.as_ref(), b.severity, &roles);
                let impact = match new_impact {
                    None => None,
                    Some(checked) => Some(checked?),
                };
                Some(Change::Severity {
                    severity: b.severity,
                    roles: roles.finish()?,
                    impact,
                    update: update?,
                })
            }
            CommandBody::AssignRole(b) => {
                let person = r.text::<Name>("person", b.person.as_deref(), Rule::FieldEmpty)?;
                let mut roles = current_roles;
                roles.set(b.role, Some(person));
                roles.check(r, "roles", s.severity, &[]);
                roles.finish().map(Change::Roles)
            }
            CommandBody::AssignRoles(b) => {
                let mut roles = current_roles;
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
                roles.check(r, "roles", s.severity, &blank);
                roles.finish().map(Change::Roles)
            }
            CommandBody::UnassignRole(b) => {
                let mut roles = current_roles;
                roles.set(b.role, None);
                roles.check(r, "roles", s.severity, &[]);
                roles.finish().map(Change::Roles)
            }
            CommandBody::UpdateImpact(b) => {
                let impact = Impact::check(r, "impact", b.impact.as_ref(), playbook);
                if let Some(input) = &b.impact {
                    let parts = input_parts(input);
                    check_impact_rules(
                        r,
                        "impact",
                        "impact.flags",
                        parts,
                        s.declared_at,
                        s.severity,
                    );
                }
                let impact = impact?;
                Some(Change::Impact(impact))
            }
            CommandBody::RecordCheck(b) => {
                let finding =
                    r.text::<ShortText>("finding", b.finding.as_deref(), Rule::FieldEmpty)?;
                Some(Change::Check(CheckRecord {
                    at,
                    check: b.check,
                    finding,
                }))
            }
            CommandBody::AddNote(b) => {
                let text = r.text::<LongText>("text", b.text.as_deref(), Rule::FieldEmpty)?;
                Some(Change::Note(Note { at, text }))
            }
            CommandBody::RecordRootCause(b) => {
                if s.impact.user_impact_active() && s.mitigations.is_empty() {
                    r.push(
                        Rule::MitigateBeforeRca,
                        "type",
                        "mitigate before root-cause analysis when user impact is active: start a mitigation first",
                    );
                }
                let text = r.text::<LongText>("text", b.text.as_deref(), Rule::FieldEmpty)?;
                Some(Change::RootCause(RootCause { at, text }))
            }
            CommandBody::StartMitigation(b) => {
                let mitigation = Mitigation::check(r, "mitigation", &b.mitigation, playbook);
                let update = update(r, b.update.as_ref(), s.severity, &current_roles);
                Some(Change::Mitigation(
                    MitigationRecord {
                        at,
                        mitigation: mitigation?,
                    },
                    update?,
                ))
            }
            CommandBody::BeginMonitoring(b) => {
                update(r, b.update.as_ref(), s.severity, &current_roles).map(Change::Update)
            }
            CommandBody::ResumeInvestigation(b) => {
                r.text::<ShortText>("reason", b.reason.as_deref(), Rule::FieldEmpty);
                update(r, b.update.as_ref(), s.severity, &current_roles).map(Change::Update)
            }
            CommandBody::Reopen(b) => {
                r.text::<ShortText>("reason", b.reason.as_deref(), Rule::FieldEmpty);
                update(r, b.update.as_ref(), s.severity, &current_roles).map(Change::Update)
            }
            CommandBody::LiftBlock(b) => {
                let endpoint =
                    r.text::<ShortText>("endpoint", b.endpoint.as_deref(), Rule::FieldEmpty)?;
                let found = s.blocked_endpoints.iter().position(|e| *e == endpoint);
                if found.is_none() {
                    r.push(
                        Rule::NoSuchBlock,
                        "endpoint",
                        format!("{endpoint} is not blocked"),
                    );
                }
                found.map(Change::LiftBlock)
            }
            CommandBody::Resolve(b) => {
                Verification::check(
                    r,
                    "verification",
                    b.verification.as_ref(),
                    &s.impact,
                    playbook,
                );
                s.check_resolvable(r);
                update(r, b.update.as_ref(), s.severity, &current_roles).map(Change::Update)
            }
            CommandBody::SubmitPostmortem(b) => Postmortem::check(
                r,
                "postmortem",
                &b.postmortem,
                s.peak_severity,
                s.declared_at.date(),
            )
            .map(Change::Postmortem),
            CommandBody::Close => {
                s.check_closable(r);
                Some(Change::Close)
            }
        }
    }

    fn apply(&mut self, change: Change, cmd: Command, after: Phase) {
        let s = &mut self.state;
        match change {
            Change::Update(update) => s.updates.push(update),
            Change::Severity {
                severity,
                roles,
                impact,
                update,
            } => {
                s.severity = severity;
                s.peak_severity = s.peak_severity.most_severe(severity);
                s.roles = roles;
                if let Some(impact) = impact {
                    s.impact = impact;
                }
                s.updates.push(update);
            }
            Change::Roles(roles) => s.roles = roles,
            Change::Impact(impact) => s.impact = impact,
            Change::Check(check) => s.checks.push(check),
            Change::Note(note) => s.notes.push(note),
            Change::RootCause(root_cause) => s.root_cause = Some(root_cause),
            Change::Mitigation(record, update) => {
                if let Some(endpoint) = record.mitigation.blocked_endpoint()
                    && !s.blocked_endpoints.contains(endpoint)
                {
                    s.blocked_endpoints.push(endpoint.clone());
                }
                s.mitigations.push(record);
                s.updates.push(update);
            }
            Change::LiftBlock(i) => {
                if i < s.blocked_endpoints.len() {
                    s.blocked_endpoints.remove(i);
                }
            }
            Change::Postmortem(postmortem) => s.postmortem = Some(postmortem),
            Change::Close => {}
        }
        s.phase = after;
        s.version += 1;
        s.last_command_at = cmd.at;
        self.ids.insert(cmd.command_id, s.history.len());
        s.history.push(cmd);
    }
}
