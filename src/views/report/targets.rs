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
    /// Whether the mitigation at `mitigated_at` is under way with no
    /// outcome known yet, while the incident is open: it was started, not
    /// (yet) known to have mitigated anything. Left out of the JSON when
    /// false.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub outcome_pending: bool,
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
                outcome_pending: false,
                timeliness: None,
            }];
        }
        let spans = PhaseSpan::of(incident);
        with_target
            .into_iter()
            .map(|(severity, since, target)| {
                let counted = mitigated_since(incident, &spans, since);
                let mitigated_at = counted.map(|c| c.at);
                TargetReport {
                    severity,
                    response: severity.response(),
                    target: target.target.description(),
                    since,
                    deadline: Some(target.deadline),
                    mitigated_at,
                    outcome_pending: counted.is_some_and(|c| outcome_pending(incident, c)),
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

/// What counted as the mitigation for a target: when, and whether its
/// outcome was recorded (an ended mitigation, or the resolution itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counted {
    at: Timestamp,
    outcome_known: bool,
}

/// Whether a target's mitigation is only started: its outcome not known
/// and the incident still open. A resolution is the record that users are
/// no longer affected, so a resolved incident's mitigation is not pending.
fn outcome_pending(incident: &Incident, counted: Counted) -> bool {
    !counted.outcome_known
        && matches!(
            incident.phase(),
            Phase::Investigating | Phase::Mitigating | Phase::Monitoring
        )
}

/// When the mitigation that counts from `since` started: one that did not
/// end as `no_effect` or `made_worse` ([`MitigationRecord::counts`]). One
/// already in effect when the severity began (the incident mitigating or
/// monitoring then) counts from `since`, not from its own start: a severity
/// is not met before its clock starts, and a step that failed is no
/// mitigation at all.
fn mitigated_since(incident: &Incident, spans: &[PhaseSpan], since: Timestamp) -> Option<Counted> {
    let phase_then = spans
        .iter()
        .rev()
        .find(|s| s.from <= since)
        .map(|s| s.phase);
    let counting = || incident.mitigations().iter().filter(|m| m.counts());
    let under_way = || counting().filter(|m| m.happened_at() <= since && in_effect_at(m, since));
    if matches!(phase_then, Some(Phase::Mitigating | Phase::Monitoring))
        && under_way().next().is_some()
    {
        // Known once any of those under way then has its outcome.
        return Some(Counted {
            at: since,
            outcome_known: under_way().any(|m| m.ended.is_some()),
        });
    }
    counting()
        .filter(|m| m.happened_at() >= since)
        .min_by_key(|m| m.happened_at())
        .map(|m| Counted {
            at: m.happened_at(),
            outcome_known: m.ended.is_some(),
        })
        .or_else(|| {
            incident
                .history()
                .iter()
                .find(|c| c.kind() == CommandKind::Resolve && c.at >= since)
                .map(|c| Counted {
                    at: c.at,
                    outcome_known: true,
                })
        })
}

/// Whether `m` was in effect at `t`: not ended by then.
fn in_effect_at(m: &MitigationRecord, t: Timestamp) -> bool {
    m.ended.as_ref().is_none_or(|end| end.at > t)
}

#[cfg(test)]
mod tests {
    use super::TargetReport;
    use crate::Playbook;
    use crate::views::test_incident;

    fn target_as_of(at: &str) -> TargetReport {
        let incident = test_incident("conformance/cases/happy-sev1-full-lifecycle.jsonl");
        let at = at.parse().unwrap();
        let then = incident.as_of(at, &Playbook::default()).unwrap();
        TargetReport::all(&then, &Playbook::default(), at).remove(0)
    }

    /// Mid-incident, a rollback under way with no outcome is a mitigation
    /// started, not a mitigation; once resolved, the resolution is the
    /// record that it mitigated.
    #[test]
    fn a_mitigation_under_way_is_only_started() {
        let monitoring = target_as_of("2026-05-04T09:50:00Z");
        assert_eq!(
            monitoring.mitigated_at,
            Some("2026-05-04T09:20:00Z".parse().unwrap())
        );
        assert!(monitoring.outcome_pending);
        let resolved = target_as_of("2026-05-04T10:05:00Z");
        assert!(!resolved.outcome_pending);
        let before = target_as_of("2026-05-04T09:15:00Z");
        assert_eq!(before.mitigated_at, None);
        assert!(!before.outcome_pending);
    }

    /// The report's text says so.
    #[test]
    fn the_report_says_mitigation_started() {
        let incident = test_incident("conformance/cases/happy-sev1-full-lifecycle.jsonl");
        let at = "2026-05-04T09:50:00Z".parse().unwrap();
        let report = crate::report::IncidentReport::as_of(&incident, &Playbook::default(), at)
            .unwrap()
            .to_string();
        assert!(
            report.contains("; mitigation started 2026-05-04T09:20:00Z (outcome pending)"),
            "{report}"
        );
        assert!(!report.contains("; mitigated "), "{report}");
    }
}
