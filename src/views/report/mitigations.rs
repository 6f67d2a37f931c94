//! Every mitigation, how it went, and the temporary measures still in effect.

use serde::Serialize;

use crate::incident::Incident;
use crate::mitigation::{MitigationOutcome, MitigationRecord};
use crate::text::ShortText;
use crate::time::Timestamp;

/// One mitigation as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MitigationReport {
    /// Its number in the incident, from 1 (what `end_mitigation` names).
    pub number: u64,
    /// What it is, for people.
    pub description: String,
    /// A temporary measure, to be undone before closing
    /// ([`Mitigation::is_temporary`](crate::state::Mitigation::is_temporary)).
    pub temporary: bool,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// When it really started (`occurred_at`, else when recorded).
    pub started_at: Timestamp,
    /// When it ended, if it did.
    pub ended_at: Option<Timestamp>,
    /// How it went, once ended.
    pub outcome: Option<MitigationOutcome>,
    /// What was seen at its end, if the sender said.
    pub note: Option<ShortText>,
    /// Whether it is still in effect.
    pub in_effect: bool,
    /// Whether it counts as mitigating: in effect, or ended as `helped`.
    pub counts: bool,
}

impl MitigationReport {
    /// Every mitigation of `incident`, by number.
    ///
    /// ```
    /// use incident_playbook::{Replay, report::MitigationReport};
    /// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let all = MitigationReport::all(replay.incidents().iter().next().unwrap());
    /// assert_eq!(all.len(), 1);
    /// assert_eq!((all[0].number, all[0].in_effect, all[0].temporary), (1, true, false));
    /// ```
    pub fn all(incident: &Incident) -> Vec<MitigationReport> {
        (1..)
            .zip(incident.mitigations())
            .map(|(number, m)| MitigationReport::of(number, m))
            .collect()
    }

    fn of(number: u64, m: &MitigationRecord) -> MitigationReport {
        MitigationReport {
            number,
            description: m.mitigation.describe(),
            temporary: m.mitigation.is_temporary(),
            recorded_at: m.at,
            started_at: m.happened_at(),
            ended_at: m.ended.as_ref().map(|e| e.at),
            outcome: m.ended.as_ref().map(|e| e.outcome),
            note: m.ended.as_ref().and_then(|e| e.note.clone()),
            in_effect: m.in_effect(),
            counts: m.counts(),
        }
    }

    /// Whether it is a temporary measure still in effect.
    pub fn is_temporary_in_effect(&self) -> bool {
        self.temporary && self.in_effect
    }
}
