//! The response target of each severity the incident had.

use serde::Serialize;

use super::phase_span::PhaseSpan;
use super::timeliness::Timeliness;
use crate::incident::{CommandBody, CommandKind, Incident, Phase};
use crate::mitigation::MitigationRecord;
use crate::playbook::Playbook;
use crate::severity::{ResponseTarget, Severity};
use crate::time::Timestamp;
use crate::time_zone::UtcOffset;

/// The response target of one severity the incident had, met or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TargetReport {
    /// The severity whose target this is.
    pub severity: Severity,
    /// The playbook's response column for it.
    pub response: &'static str,
    /// The target as this crate reads it.
    pub target: &'static str,
    /// When the incident first had this severity: the clock starts.
    pub since: Timestamp,
    /// The deadline, for SEV1 and SEV2.
    pub deadline: Option<Timestamp>,
    /// When the mitigation that counts started, or `since` for one already
    /// in effect then (see [`TargetReport::all`]).
    pub mitigated_at: Option<Timestamp>,
    /// Met (`on_time`), `late`, `missed`, `pending`; `None` without a time target.
    pub timeliness: Option<Timeliness>,
}

impl TargetReport {
    /// The target of every severity with one (SEV1, SEV2) that `incident`
    /// had, in the order it had them, judged at `now` with the day boundary
    /// in `playbook`'s time zone. An incident that never was SEV1 or SEV2
    /// gets one entry for its peak, without a time target.
    ///
    /// Only a mitigation that did not end as `no_effect` or `made_worse`
    /// counts. One under way when the incident reached the severity (it was
    /// mitigating or monitoring then, and the mitigation not yet ended)
    /// counts from that moment, the clock's start; else the first one that
    /// started after, at its true time ([`MitigationRecord::happened_at`]).
    /// An incident resolved without one counts as mitigated when it was
    /// resolved.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay, report::{TargetReport, Timeliness}};
    /// let case = include_str!("../../../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let first = replay.incidents().iter().next().unwrap(); // a SEV1, never mitigated
    /// let t = TargetReport::all(first, &Playbook::default(), "2026-05-04T09:10:00Z".parse().unwrap());
    /// assert_eq!(t[0].timeliness, Some(Timeliness::Pending));
    /// let t = TargetReport::all(first, &Playbook::default(), "2026-05-04T09:30:00Z".parse().unwrap());
    /// assert_eq!(t[0].timeliness, Some(Timeliness::Missed));
    /// ```
    pub fn all(incident: &Incident, playbook: &Playbook, now: Timestamp) -> Vec<TargetReport> {
        let with_target: Vec<(Severity, Timestamp, Target)> = severities_reached(incident)
            .into_iter()
            .filter_map(|(s, since)| Target::of(s, since, playbook).map(|t| (s, since, t)))
            .collect();
        if with_target.is_empty() {
            return vec![TargetReport {
                severity: incident.peak_severity(),
                response: incident.peak_severity().response(),
                target: "no time target",
                since: incident.declared_at(),
                deadline: None,
                mitigated_at: None,
                timeliness: None,
            }];
        }
        let spans = PhaseSpan::of(incident);
        with_target
            .into_iter()
            .map(|(severity, since, target)| {
                let mitigated_at = mitigated_since(incident, &spans, since);
                TargetReport {
                    severity,
                    response: severity.response(),
                    target: target.target.description(),
                    since,
                    deadline: Some(target.deadline),
                    mitigated_at,
                    timeliness: Some(target.judge(mitigated_at, now)),
                }
            })
            .collect()
    }
}

/// A severity's time target, its clock started.
struct Target {
    target: ResponseTarget,
    since: Timestamp,
    zone: UtcOffset,
    deadline: Timestamp,
}

impl Target {
    /// The target `severity` owes from `since`, with the day boundary in
    /// `playbook`'s time zone; `None` without one.
    fn of(severity: Severity, since: Timestamp, playbook: &Playbook) -> Option<Target> {
        let target = severity.response_target()?;
        let zone = playbook.utc_offset();
        Some(Target {
            target,
            since,
            zone,
            deadline: target.deadline(since, zone),
        })
    }

    fn judge(&self, mitigated_at: Option<Timestamp>, now: Timestamp) -> Timeliness {
        match mitigated_at {
            Some(m) if !self.target.met_by(self.since, m, self.zone) => Timeliness::Late,
            _ => Timeliness::judge(mitigated_at, self.deadline, now),
        }
    }
}

/// Each severity the incident had, with when it first had it, in order.
fn severities_reached(incident: &Incident) -> Vec<(Severity, Timestamp)> {
    let mut reached: Vec<(Severity, Timestamp)> = Vec::new();
    for c in incident.history() {
        let s = match &c.body {
            CommandBody::Declare(d) => d.severity,
            CommandBody::ChangeSeverity(b) => b.severity,
            _ => continue,
        };
        if !reached.iter().any(|(r, _)| *r == s) {
            reached.push((s, c.at));
        }
    }
    reached
}

/// When the mitigation that counts from `since` started: one that did not
/// end as `no_effect` or `made_worse` ([`MitigationRecord::counts`]). One
/// already in effect when the severity began (the incident mitigating or
/// monitoring then) counts from `since`, not from its own start: a severity
/// is not met before its clock starts, and a step that failed is no
/// mitigation at all.
fn mitigated_since(
    incident: &Incident,
    spans: &[PhaseSpan],
    since: Timestamp,
) -> Option<Timestamp> {
    let phase_then = spans
        .iter()
        .rev()
        .find(|s| s.from <= since)
        .map(|s| s.phase);
    let counting = || incident.mitigations().iter().filter(|m| m.counts());
    if matches!(phase_then, Some(Phase::Mitigating | Phase::Monitoring))
        && counting().any(|m| m.happened_at() <= since && in_effect_at(m, since))
    {
        return Some(since);
    }
    counting()
        .map(MitigationRecord::happened_at)
        .filter(|at| *at >= since)
        .min()
        .or_else(|| {
            incident
                .history()
                .iter()
                .find(|c| c.kind() == CommandKind::Resolve && c.at >= since)
                .map(|c| c.at)
        })
}

/// Whether `m` was in effect at `t`: not ended by then.
fn in_effect_at(m: &MitigationRecord, t: Timestamp) -> bool {
    m.ended.as_ref().is_none_or(|end| end.at > t)
}
