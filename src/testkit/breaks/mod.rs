//! Commands that break exactly one rule: for every rule of the contract a
//! command can break, how to break it alone in a given state: the
//! declaration here, an incident's commands by concern in the submodules.

mod closing;
mod envelope;
mod exceptions;
mod fields;
mod impact;
mod mitigation;
mod postmortem;
mod record;
mod roles;
mod updates;
mod verification;

use serde_json::{Value, json};

use crate::Rule;
use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

/// Every rule a [`Writer`] can break alone (in some state), in the order
/// of the rule catalogue's concerns. A rule that only a document (a
/// snapshot, a playbook) or a malformed line breaks is not here, nor one
/// judged by a receiver's clock (`recorded-in-the-future`) or by the
/// commands a playbook reserves (`sender-not-permitted`: the seed playbook
/// reserves none), nor a retired one.
pub const BREAKABLE: &[Rule] = &[
    Rule::NotDeclared,
    Rule::AlreadyDeclared,
    Rule::IncidentClosed,
    Rule::NotAllowedInPhase,
    Rule::TimestampRegressed,
    Rule::VersionConflict,
    Rule::CommandIdReused,
    Rule::FieldEmpty,
    Rule::FieldTooLong,
    Rule::ImpactIncomplete,
    Rule::OccurredAfterRecorded,
    Rule::ImpactEndedWhileActive,
    Rule::ImpactEndedBeforeStarted,
    Rule::SeverityBelowFloor,
    Rule::SeverityUnchanged,
    Rule::UpdateRequired,
    Rule::CommanderRequired,
    Rule::Sev1NeedsScribe,
    Rule::Sev1ScribeNotCommander,
    Rule::Sev1CommsByEngineeringLead,
    Rule::UpdateNeedsNextUpdate,
    Rule::NextUpdateNotAfterUpdate,
    Rule::UpdateOwnerNotAssigned,
    Rule::UpdateStatusMismatch,
    Rule::PublicUpdateNotByCommsOwner,
    Rule::MitigateBeforeRca,
    Rule::RollbackSameTag,
    Rule::UnknownDependency,
    Rule::UnknownHealthEndpoint,
    Rule::DependencyNotOptional,
    Rule::BlockEndpointRiskNotHigher,
    Rule::BlockNotLifted,
    Rule::NoSuchBlock,
    Rule::NoSuchMitigation,
    Rule::MitigationAlreadyEnded,
    Rule::EndedBeforeStarted,
    Rule::MitigationNotEnded,
    Rule::TemporaryMeasureInEffect,
    Rule::ResolveFromMonitoring,
    Rule::VerificationApiHealth,
    Rule::VerificationEndpoints,
    Rule::VerificationFrontend,
    Rule::VerificationData,
    Rule::VerificationDependencies,
    Rule::ExceptionNotByCommander,
    Rule::ExceptionUnknownCheck,
    Rule::ExceptionForPassingCheck,
    Rule::TriageChecksMissing,
    Rule::NotesRequired,
    Rule::PostmortemRequired,
    Rule::PostmortemIncomplete,
    Rule::PostmortemSeverityMismatch,
    Rule::PostmortemTimelineUnordered,
    Rule::PostmortemDatedBeforeIncident,
    Rule::TimelineAfterPostmortem,
    Rule::ActionItemIncomplete,
    Rule::ActionItemDueBeforeIncident,
    Rule::GuardrailActionMissing,
    Rule::AmendmentReasonRequired,
    Rule::LinkToSelf,
    Rule::ExpectedCompletionNotAfterProgress,
];

impl Writer {
    /// A command that breaks `BREAKS[n]` alone or, when that rule cannot be
    /// broken alone in this state, another one: first those of the step
    /// the incident is about to take (a resolve, a postmortem, a close).
    pub(crate) fn breakage(
        &mut self,
        inc: Option<&View>,
        n: usize,
    ) -> Option<(Value, &'static str)> {
        let mut order = vec![BREAKABLE[n % BREAKABLE.len()].id()];
        if let Some(inc) = inc {
            let near = Self::near(inc);
            for _ in 0..2 {
                if !near.is_empty() {
                    order.push(*self.rng.pick(&near));
                }
            }
        }
        for _ in 0..8 {
            order.push(self.rng.pick(BREAKABLE).id());
        }
        order.extend((0..BREAKABLE.len()).map(|k| BREAKABLE[(n + k) % BREAKABLE.len()].id()));
        for rule in order {
            let made = match inc {
                None => self.break_declare(rule),
                Some(inc) if inc.phase == Phase::Closed => self.break_closed(inc, rule),
                Some(inc) => self.break_incident(inc, rule),
            };
            if let Some(v) = made {
                return Some((v, rule));
            }
        }
        None
    }

    /// The rules the incident's next steps can break.
    pub(crate) fn near(inc: &View) -> Vec<&'static str> {
        let mut out = Vec::new();
        if inc.phase.is_open() {
            if Self::may_resolve(inc) && Self::ready_to_resolve(inc) {
                out.extend([
                    "verification-api-health",
                    "verification-endpoints",
                    "verification-frontend",
                    "verification-data",
                    "verification-dependencies",
                    "unknown-health-endpoint",
                    "exception-not-by-commander",
                    "exception-unknown-check",
                    "exception-for-passing-check",
                ]);
            } else if Self::may_resolve(inc) {
                out.extend(["triage-checks-missing", "notes-required"]);
            } else if Self::ready_to_resolve(inc) {
                out.push("resolve-from-monitoring");
            }
            if inc.impact.active && inc.mitigations == 0 {
                out.push("mitigate-before-rca");
            }
        }
        if inc.phase == Phase::Resolved {
            out.extend([
                "block-not-lifted",
                "postmortem-required",
                "temporary-measure-in-effect",
                "mitigation-already-ended",
            ]);
            if !Self::postmortem_done(inc) {
                out.extend([
                    "postmortem-incomplete",
                    "postmortem-severity-mismatch",
                    "postmortem-timeline-unordered",
                    "action-item-incomplete",
                    "action-item-due-before-incident",
                    "postmortem-dated-before-incident",
                    "timeline-after-postmortem",
                    "guardrail-action-missing",
                ]);
            }
        }
        out
    }

    /// A `declare` that breaks `rule` alone, or `None` when it cannot.
    pub(crate) fn break_declare(&mut self, rule: &str) -> Option<Value> {
        let sev = self.rng.range(1, 4) as u8;
        let mut v = self.declare_at(sev);
        let at = self.at(&v);
        match rule {
            "not-declared" => {
                v = self.note();
            }
            "version-conflict" => v["expected_version"] = self.rng.range(1, 9).into(),
            "field-empty" => {
                if self.rng.chance(50) {
                    v["title"] = self.blank();
                } else {
                    let key = *self.rng.pick(&["impact", "action", "owner"]);
                    v["update"][key] = self.blank();
                }
            }
            "field-too-long" => {
                if self.rng.chance(50) {
                    v["title"] = "x".repeat(SHORT + 1).into();
                } else {
                    v["roles"]["technical_lead"] = "é".repeat(NAME + 1).into();
                    if !self.owner_from_roles(&mut v) {
                        return None;
                    }
                }
            }
            "impact-incomplete" => self.blank_impact(&mut v)?,
            "occurred-after-recorded" => {
                let t = at + secs(self.rng.range(1, 3_600));
                v["impact"]["started_at"] = self.stamp(t);
            }
            "severity-below-floor" => {
                if sev == 1 {
                    return None;
                }
                let above: Vec<&str> = FLAGS
                    .iter()
                    .filter(|(_, f)| *f < sev)
                    .map(|(n, _)| *n)
                    .collect();
                let mut flags = v["impact"]["flags"].as_array()?.clone();
                flags.push(self.rng.pick(&above).to_string().into());
                v["impact"]["flags"] = flags.into();
            }
            "commander-required"
            | "sev1-needs-scribe"
            | "sev1-scribe-not-commander"
            | "sev1-comms-by-engineering-lead" => self.break_declared_roles(&mut v, rule)?,
            "update-required"
            | "update-needs-next-update"
            | "next-update-not-after-update"
            | "update-owner-not-assigned"
            | "update-status-mismatch" => self.break_declared_update(&mut v, at, rule)?,
            "unknown-dependency" => {
                v["impact"]["affected_dependencies"] = json!([self.unknown_dependency()?]);
            }
            _ => return None,
        }
        Some(v)
    }

    /// The declaration's roles changed so that `rule` breaks (the update's
    /// owner still holds one).
    fn break_declared_roles(&mut self, v: &mut Value, rule: &str) -> Option<()> {
        match rule {
            "commander-required" => {
                if self.rng.chance(50) {
                    v["roles"].as_object_mut()?.remove("commander");
                } else {
                    v["roles"]["commander"] = self.blank();
                }
                if !self.owner_from_roles(v) {
                    return None;
                }
            }
            "sev1-needs-scribe"
            | "sev1-scribe-not-commander"
            | "sev1-comms-by-engineering-lead" => {
                *v = self.declare_at(1);
                let roles = v["roles"].as_object_mut()?;
                let commander = roles["commander"].clone();
                match rule {
                    "sev1-needs-scribe" => {
                        roles.remove("scribe");
                    }
                    "sev1-scribe-not-commander" => {
                        roles.insert("scribe".into(), commander);
                    }
                    _ => {
                        if self.rng.chance(50) {
                            roles.remove("engineering_lead");
                        } else {
                            roles.insert("communications_owner".into(), commander);
                        }
                    }
                }
                if !self.owner_from_roles(v) {
                    return None;
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// The declaration's update changed so that `rule` breaks; `at` is the
    /// declaration's time.
    fn break_declared_update(&mut self, v: &mut Value, at: Time, rule: &str) -> Option<()> {
        match rule {
            "update-required" => {
                v.as_object_mut()?.remove("update");
            }
            "update-needs-next-update" => {
                v["update"].as_object_mut()?.remove("next_update");
            }
            "next-update-not-after-update" => {
                let t = at - secs(self.rng.range(0, 600));
                v["update"]["next_update"] = self.stamp(t);
            }
            "update-owner-not-assigned" => {
                v["update"]["owner"] = self.rng.pick(&OUTSIDERS).to_string().into();
            }
            "update-status-mismatch" => {
                v["update"]["status"] = self.rng.pick(&STATUSES[1..]).to_string().into();
            }
            _ => return None,
        }
        Some(())
    }

    /// A dependency name the playbook's catalogue does not know.
    pub(crate) fn unknown_dependency(&mut self) -> Option<String> {
        let unknown: Vec<&str> = UNKNOWN_DEPENDENCIES
            .iter()
            .copied()
            .filter(|u| !self.deps.iter().any(|(n, _)| n == u))
            .collect();
        (!unknown.is_empty()).then(|| self.rng.pick(&unknown).to_string())
    }

    /// After the roles were changed, an owner who still holds one (false
    /// when nobody does).
    pub(crate) fn owner_from_roles(&mut self, v: &mut Value) -> bool {
        let holders: Vec<String> = v["roles"]
            .as_object()
            .map(|m| {
                m.values()
                    .filter_map(|x| x.as_str())
                    .filter(|s| !is_blank(s))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        match holders.iter().find(|h| h.chars().count() <= NAME) {
            Some(owner) => {
                v["update"]["owner"] = owner.clone().into();
                true
            }
            None => false,
        }
    }

    /// A valid command for an open (or resolved) incident whose type carries an update.
    pub(crate) fn updating(&mut self, inc: &View) -> Value {
        match inc.phase {
            Phase::Mitigating if self.rng.chance(40) => self.begin_monitoring(inc),
            Phase::Investigating if self.rng.chance(40) => self.start_mitigation(inc),
            Phase::Resolved if self.rng.chance(40) => self.reopen(inc),
            _ => self.post_update(inc),
        }
    }

    /// A command for `inc` that breaks `rule` alone, or `None` when this
    /// state cannot: each concern's rules are broken in a file of their own.
    pub(crate) fn break_incident(&mut self, inc: &View, rule: &str) -> Option<Value> {
        match rule {
            "already-declared"
            | "timestamp-regressed"
            | "version-conflict"
            | "command-id-reused"
            | "not-allowed-in-phase" => self.break_envelope(inc, rule),
            "update-required"
            | "update-needs-next-update"
            | "next-update-not-after-update"
            | "update-owner-not-assigned"
            | "update-status-mismatch"
            | "public-update-not-by-comms-owner" => self.break_updates(inc, rule),
            "field-empty" | "field-too-long" => self.break_fields(inc, rule),
            "impact-incomplete"
            | "occurred-after-recorded"
            | "severity-below-floor"
            | "severity-unchanged"
            | "impact-ended-while-active"
            | "impact-ended-before-started" => self.break_impact(inc, rule),
            "commander-required"
            | "sev1-needs-scribe"
            | "sev1-scribe-not-commander"
            | "sev1-comms-by-engineering-lead" => self.break_roles(inc, rule),
            "mitigate-before-rca"
            | "rollback-same-tag"
            | "dependency-not-optional"
            | "block-endpoint-risk-not-higher"
            | "unknown-dependency"
            | "no-such-block"
            | "no-such-mitigation"
            | "mitigation-already-ended"
            | "mitigation-not-ended"
            | "ended-before-started" => self.break_mitigation(inc, rule),
            "block-not-lifted"
            | "postmortem-required"
            | "resolve-from-monitoring"
            | "triage-checks-missing"
            | "notes-required"
            | "temporary-measure-in-effect" => self.break_closing(inc, rule),
            "verification-api-health"
            | "verification-endpoints"
            | "verification-frontend"
            | "verification-data"
            | "verification-dependencies"
            | "unknown-health-endpoint" => self.break_verification(inc, rule),
            "exception-not-by-commander"
            | "exception-unknown-check"
            | "exception-for-passing-check" => self.break_exceptions(inc, rule),
            "link-to-self" | "expected-completion-not-after-progress" => {
                self.break_record(inc, rule)
            }
            "postmortem-incomplete"
            | "postmortem-severity-mismatch"
            | "postmortem-timeline-unordered"
            | "action-item-incomplete"
            | "action-item-due-before-incident"
            | "guardrail-action-missing"
            | "postmortem-dated-before-incident"
            | "timeline-after-postmortem" => self.break_postmortem(inc, rule),
            _ => None,
        }
    }
}
