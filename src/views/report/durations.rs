//! How long the response took.

use serde::Serialize;

use super::seconds;
use crate::incident::{CommandKind, Incident, Phase};
use crate::mitigation::MitigationRecord;

/// How long the response took, in seconds.
///
/// Two sets: the `impact_to_*` and `detection_to_declaration` durations run
/// between true times (the impact's start, `detected_at`, a mitigation's
/// `occurred_at`): how long users waited. The `declaration_to_*` durations
/// run between recorded times, from the declaration: how long the record
/// took. A duration that has not ended yet is `None`, and so is one from the
/// impact's start while that start is not known. The impact can start after
/// the declaration (the first sign came earlier): then `impact_to_declaration`
/// is negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Durations {
    /// From the impact's start to the declaration; `None` while the start
    /// is not known.
    pub impact_to_declaration_seconds: Option<i64>,
    /// From the declaration to the first `start_mitigation` recorded,
    /// whatever its outcome.
    pub declaration_to_mitigation_seconds: Option<i64>,
    /// From the declaration to the first monitoring.
    pub declaration_to_monitoring_seconds: Option<i64>,
    /// From the declaration to the resolution that stands.
    pub declaration_to_resolved_seconds: Option<i64>,
    /// From the declaration to the closing.
    pub declaration_to_closed_seconds: Option<i64>,
    /// Time to detect: from the impact's start to when it was detected
    /// ([`Incident::detected_at`]); `None` while the start is not known.
    pub impact_to_detection_seconds: Option<i64>,
    /// Time to declare: from the detection to the declaration.
    pub detection_to_declaration_seconds: i64,
    /// Time to mitigate: from the impact's start to the true start of the
    /// first mitigation that counts (one that did not end as `no_effect` or
    /// `made_worse`, [`MitigationRecord::counts`]).
    pub impact_to_mitigation_seconds: Option<i64>,
    /// Time to resolve: from the impact's start to the resolution that stands.
    pub impact_to_resolved_seconds: Option<i64>,
    /// Time to close: from the impact's start to the closing.
    pub impact_to_closed_seconds: Option<i64>,
    /// Time to end user impact: from the impact's start to when it ended
    /// (`impact.ended_at`, a true time); `None` (and left out) unless both
    /// are known. Apart from the time to mitigate, which measures the
    /// response (a mitigation started), this measures recovery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact_to_impact_end_seconds: Option<i64>,
}

impl Durations {
    /// The durations of `incident`.
    ///
    /// ```
    /// use incident_playbook::{Replay, report::Durations};
    /// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let d = Durations::of(replay.incidents().iter().next().unwrap());
    /// assert_eq!(d.impact_to_declaration_seconds, Some(5 * 60));   // 09:00 → 09:05
    /// assert_eq!(d.declaration_to_mitigation_seconds, Some(15 * 60)); // → 09:20
    /// assert_eq!(d.impact_to_mitigation_seconds, Some(20 * 60)); // 09:00 → 09:20
    /// assert_eq!(d.impact_to_detection_seconds, Some(5 * 60)); // no `detected_at`: the declaration
    /// ```
    pub fn of(incident: &Incident) -> Durations {
        let declared = incident.declared_at();
        let started = incident.impact().started_at();
        let detected = incident.detected_at();
        let first = |kind: CommandKind| {
            incident
                .history()
                .iter()
                .find(|c| c.kind() == kind)
                .map(|c| c.at)
        };
        let resolved = matches!(incident.phase(), Phase::Resolved | Phase::Closed)
            .then(|| {
                incident
                    .history()
                    .iter()
                    .rev()
                    .find(|c| c.kind() == CommandKind::Resolve)
                    .map(|c| c.at)
            })
            .flatten();
        let mitigated = incident
            .mitigations()
            .iter()
            .filter(|m| m.counts())
            .map(MitigationRecord::happened_at)
            .min();
        let closed = first(CommandKind::Close);
        let from = |a, b: Option<_>| b.map(|b| seconds(a, b));
        let since_start = |b: Option<_>| started.zip(b).map(|(a, b)| seconds(a, b));
        Durations {
            impact_to_declaration_seconds: since_start(Some(declared)),
            declaration_to_mitigation_seconds: from(declared, first(CommandKind::StartMitigation)),
            declaration_to_monitoring_seconds: from(declared, first(CommandKind::BeginMonitoring)),
            declaration_to_resolved_seconds: from(declared, resolved),
            declaration_to_closed_seconds: from(declared, closed),
            impact_to_detection_seconds: since_start(Some(detected)),
            detection_to_declaration_seconds: seconds(detected, declared),
            impact_to_mitigation_seconds: since_start(mitigated),
            impact_to_resolved_seconds: since_start(resolved),
            impact_to_closed_seconds: since_start(closed),
            impact_to_impact_end_seconds: since_start(incident.impact().ended_at()),
        }
    }
}
