//! Every mitigation, how it went, and the temporary measures still in effect.

use std::sync::Arc;

use serde::Serialize;

use crate::incident::{CommandBody, Incident};
use crate::mitigation::{MitigationOutcome, MitigationRecord, OutcomeRevision};
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
    /// ([`MitigationRecord::is_temporary`]).
    pub temporary: bool,
    /// Started to contain the incident (`purpose: contain`), not to relieve
    /// users: it counts toward no response target (left out when false).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub containment: bool,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// When it really started (`occurred_at`, else when recorded).
    pub started_at: Timestamp,
    /// When it ended, if it did: its true end (`end_mitigation`'s
    /// `occurred_at`), else when recorded.
    pub ended_at: Option<Timestamp>,
    /// How it went, once ended.
    pub outcome: Option<MitigationOutcome>,
    /// What was seen at its end, if the sender said.
    pub note: Option<ShortText>,
    /// How its outcome was revised in hindsight (`revise_outcome`), oldest
    /// first; `outcome` is the latest (left out when never revised).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<OutcomeRevision>,
    /// Whether it is still in effect.
    pub in_effect: bool,
    /// Whether it counts as mitigating ([`MitigationRecord::counts`]):
    /// relief, in effect or not ended as a failure.
    pub counts: bool,
    /// Who started it, if the `start_mitigation` said (its `by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<Arc<str>>,
    /// Who ended it, if the `end_mitigation` said (its `by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<Arc<str>>,
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
        let mut all: Vec<MitigationReport> = (1..)
            .zip(incident.mitigations())
            .map(|(number, m)| MitigationReport::of(number, m))
            .collect();
        // Each accepted `start_mitigation` added one mitigation, in order;
        // an `end_mitigation` names the one it ended.
        let mut ended = Vec::new();
        let mut started = all.iter_mut();
        for cmd in incident.history() {
            match &cmd.body {
                CommandBody::StartMitigation(_) => {
                    if let Some(m) = started.next() {
                        m.started_by = cmd.by.clone();
                    }
                }
                CommandBody::EndMitigation(b) => {
                    ended.push((b.number, cmd.by.clone()));
                }
                _ => {}
            }
        }
        for (number, by) in ended {
            if let Some(m) = all.iter_mut().find(|m| m.number == number) {
                m.ended_by = by;
            }
        }
        all
    }

    fn of(number: u64, m: &MitigationRecord) -> MitigationReport {
        MitigationReport {
            number,
            description: m.mitigation.describe(),
            temporary: m.is_temporary(),
            containment: !m.purpose.is_relieve(),
            recorded_at: m.at,
            started_at: m.happened_at(),
            ended_at: m.ended.as_ref().map(|e| e.happened_at()),
            outcome: m.ended.as_ref().map(|e| e.outcome),
            note: m.ended.as_ref().and_then(|e| e.note.clone()),
            revisions: m
                .ended
                .as_ref()
                .map(|e| e.revisions.clone())
                .unwrap_or_default(),
            in_effect: m.in_effect(),
            counts: m.counts(),
            started_by: None,
            ended_by: None,
        }
    }

    /// Whether it is a temporary measure still in effect.
    pub fn is_temporary_in_effect(&self) -> bool {
        self.temporary && self.in_effect
    }
}
