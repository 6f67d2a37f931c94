//! How long the response took.

use serde::Serialize;

use super::seconds;
use crate::incident::{CommandKind, Incident, Phase};

/// How long the response took, in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Durations {
    /// From the impact's start to the declaration.
    pub impact_to_declaration_seconds: i64,
    /// From the declaration to the first mitigation.
    pub declaration_to_mitigation_seconds: Option<i64>,
    /// From the declaration to the first monitoring.
    pub declaration_to_monitoring_seconds: Option<i64>,
    /// From the declaration to the resolution that stands.
    pub declaration_to_resolved_seconds: Option<i64>,
    /// From the declaration to the closing.
    pub declaration_to_closed_seconds: Option<i64>,
}

impl Durations {
    /// The durations of `incident`.
    ///
    /// ```
    /// use incident_playbook::{Durations, Replay};
    /// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let d = Durations::of(replay.incidents().iter().next().unwrap());
    /// assert_eq!(d.impact_to_declaration_seconds, 5 * 60);   // 09:00 → 09:05
    /// assert_eq!(d.declaration_to_mitigation_seconds, Some(15 * 60)); // → 09:20
    /// ```
    pub fn of(incident: &Incident) -> Durations {
        let declared = incident.declared_at();
        let first = |kind: CommandKind| {
            incident
                .history()
                .iter()
                .find(|c| c.kind() == kind)
                .map(|c| seconds(declared, c.at))
        };
        let resolved = matches!(incident.phase(), Phase::Resolved | Phase::Closed)
            .then(|| {
                incident
                    .history()
                    .iter()
                    .rev()
                    .find(|c| c.kind() == CommandKind::Resolve)
                    .map(|c| seconds(declared, c.at))
            })
            .flatten();
        Durations {
            impact_to_declaration_seconds: seconds(incident.impact().started_at(), declared),
            declaration_to_mitigation_seconds: first(CommandKind::StartMitigation),
            declaration_to_monitoring_seconds: first(CommandKind::BeginMonitoring),
            declaration_to_resolved_seconds: resolved,
            declaration_to_closed_seconds: first(CommandKind::Close),
        }
    }
}
