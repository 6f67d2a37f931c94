//! Checking and applying commands.
//!
//! Every command is checked completely against the incident as it stands
//! (collecting every violation) before anything changes; only then is the
//! checked change applied, which cannot fail. So a rejected command leaves the
//! incident exactly as it was. Where a command may go is the phase table
//! ([`Transition::of`]); what it demands of its body, its check in `checks.rs`.

use crate::incident::checks::{Change, check_declaration};
use crate::incident::phase::Transition;
use crate::incident::{Command, CommandBody, Incident, Outcome, Phase, Snapshot};
use crate::playbook::Playbook;
use crate::rule::{Rejection, Report, Rule, Violation};

/// How a command's `command_id` relates to the commands accepted before.
enum Delivery {
    /// Not seen before.
    New,
    /// The same command again: accepted, nothing changes.
    Duplicate,
    /// The id of another command: `command-id-reused`.
    Reused,
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
        let parts = check_declaration(&mut r, cmd.at, d, playbook);
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
                accepted_exceptions: Vec::new(),
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
        let reused = match self.delivery(&cmd)? {
            Delivery::New => false,
            Delivery::Reused => true,
            Delivery::Duplicate => {
                return Ok(Outcome::Duplicate {
                    version: self.state.version,
                });
            }
        };
        let kind = cmd.kind();
        let phase = self.state.phase;
        let transition = Transition::of(phase, kind);
        if let Transition::Refused(rule) = transition {
            return Err(self.refusal(rule).into());
        }
        let mut r = Report::new();
        self.check_envelope(&mut r, &cmd, reused);
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
        let after = kind.phase_after(phase);
        let change = self.state.check_body(&mut r, &cmd, after, playbook);
        let change = r.conclude(change)?;
        self.apply(change, cmd, after);
        Ok(Outcome::Applied {
            version: self.state.version,
        })
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
        let earlier = self
            .ids
            .get(&cmd.command_id)
            .and_then(|&i| self.state.history.get(i));
        Ok(match earlier {
            Some(earlier) if *earlier == *cmd => Delivery::Duplicate,
            Some(_) => Delivery::Reused,
            None => Delivery::New,
        })
    }

    /// The violation of a rule that refuses a command outright.
    fn refusal(&self, rule: Rule) -> Violation {
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

    /// The envelope's rules: a new id, time order, the expected version.
    fn check_envelope(&self, r: &mut Report, cmd: &Command, reused: bool) {
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
                    s.impact = *impact;
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
            Change::Resolve(update, exceptions) => {
                s.updates.push(update);
                s.accepted_exceptions.extend(exceptions);
            }
            Change::Close => {}
        }
        s.phase = after;
        s.version += 1;
        s.last_command_at = cmd.at;
        self.ids.insert(cmd.command_id, s.history.len());
        s.history.push(cmd);
    }
}
