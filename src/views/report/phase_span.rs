//! The phases an incident went through, read from its history.

use serde::Serialize;

use crate::incident::{Incident, Phase};
use crate::time::Timestamp;

/// How long a phase lasted: from `from` until `until` (`None`: still in it).
///
/// ```
/// use incident_playbook::{Phase, Replay, report::PhaseSpan};
/// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
/// let mut replay = Replay::new(Default::default());
/// case.lines().for_each(|l| { replay.line(l); });
/// let incident = replay.incidents().iter().next().unwrap();
/// let spans = PhaseSpan::of(incident);
/// let phases: Vec<Phase> = spans.iter().map(|s| s.phase).collect();
/// assert_eq!(phases, [Phase::Investigating, Phase::Mitigating, Phase::Monitoring,
///                     Phase::Resolved, Phase::Closed]);
/// assert_eq!(spans[1].from.to_string(), "2026-05-04T09:20:00Z");
/// assert!(spans[4].until.is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PhaseSpan {
    /// The phase.
    pub phase: Phase,
    /// When the incident entered it.
    pub from: Timestamp,
    /// When it left it; `None` while it is still in it.
    pub until: Option<Timestamp>,
}

impl PhaseSpan {
    /// The phases the incident went through, in order, from its history.
    pub fn of(incident: &Incident) -> Vec<PhaseSpan> {
        let mut spans: Vec<PhaseSpan> = Vec::new();
        let mut phase = Phase::Investigating;
        for cmd in incident.history() {
            let after = cmd.kind().phase_after(phase);
            if spans.is_empty() || after != phase {
                if let Some(last) = spans.last_mut() {
                    last.until = Some(cmd.at);
                }
                spans.push(PhaseSpan {
                    phase: after,
                    from: cmd.at,
                    until: None,
                });
            }
            phase = after;
        }
        spans
    }
}
