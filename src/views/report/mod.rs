//! How the response went, measured against the playbook: the first 15
//! minutes, the comms rhythm, the response target of the severity, the
//! durations, and the follow-ups left open.
//!
//! Everything is computed from the incident's accepted history and a `now`
//! the caller gives: the library reads no clock.
//!
//! Readings where the playbook is vague:
//!
//! - *First 15 minutes.* Impact, severity and roles, and the incident thread
//!   (the first update) are part of `declare`, so they are done at the
//!   declaration. Each of the five triage checks is done when it was first
//!   recorded. A step is on time within 15 minutes of the declaration
//!   (15:00 exactly counts as on time).
//! - *Response targets*: each severity the incident had has its target,
//!   and its clock starts when the incident first had it (the declaration,
//!   or the escalation).
//!   SEV1 "immediate mitigation": a mitigation started within 15 minutes.
//!   SEV2 "same-day mitigation": a mitigation started before the end of that
//!   calendar day in the playbook's time zone ([`Playbook::utc_offset`]).
//!   Only a mitigation that did not end as `no_effect` or `made_worse`
//!   counts; one already in effect when the severity begins counts from that
//!   moment, never from before the clock started.
//!   An incident resolved without a mitigation counts as mitigated when it
//!   was resolved. SEV3 and SEV4 have no time target.
//! - *Updates.* An update is late when it came after the time the update
//!   before it promised. The next update is overdue when `now` is past the
//!   time the last update promised and the incident is not closed.
//! - *Durations* run from the declaration to the first mitigation, the first
//!   monitoring and the closing, and to the last resolution while the
//!   incident is resolved or closed (a reopened incident is not resolved).
//!   "Impact to declaration" uses the impact's start as it stands now.
//! - *Open follow-ups*: the postmortem's action items not `done` whose due
//!   day has passed at `now` in the playbook's time zone.

mod durations;
mod first_minutes;
mod follow_ups;
mod phase_span;
mod targets;
mod text;
mod timeliness;
mod updates;

use serde::Serialize;

pub use durations::Durations;
pub use first_minutes::{FIRST_MINUTES, Step, StepReport};
pub use follow_ups::FollowUp;
pub use phase_span::PhaseSpan;
pub use targets::TargetReport;
pub use text::human_duration;
pub use timeliness::Timeliness;
pub use updates::{LateUpdate, UpdatesReport};

use crate::incident::{Incident, IncidentId, Phase};
use crate::playbook::Playbook;
use crate::severity::Severity;
use crate::text::ShortText;
use crate::time::Timestamp;

/// Seconds from `a` to `b`.
fn seconds(a: Timestamp, b: Timestamp) -> i64 {
    (b.as_datetime() - a.as_datetime()).num_seconds()
}

/// Everything `incident report` says about one incident.
///
/// ```
/// use incident_playbook::{IncidentReport, Playbook, Replay, Timeliness};
/// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
/// let mut replay = Replay::new(Playbook::default());
/// case.lines().for_each(|l| { replay.line(l); });
/// let incident = replay.incidents().iter().next().unwrap();
/// let now = "2026-05-21T09:00:00Z".parse().unwrap();
/// let report = IncidentReport::new(incident, &Playbook::default(), now);
/// assert_eq!(report.targets[0].timeliness, Some(Timeliness::OnTime)); // rollback at +15:00
/// assert_eq!(report.open_follow_ups.len(), 1); // the smoke test was due 2026-05-20
/// assert!(report.to_string().contains("mitigation started within 15 minutes"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct IncidentReport {
    /// The incident.
    pub incident_id: IncidentId,
    /// Its title.
    pub title: ShortText,
    /// Its severity now.
    pub severity: Severity,
    /// Its peak severity.
    pub peak_severity: Severity,
    /// Its phase now.
    pub phase: Phase,
    /// When it was declared.
    pub declared_at: Timestamp,
    /// The time the report is for: with [`IncidentReport::as_of`], the
    /// time it is as of.
    pub now: Timestamp,
    /// The playbook's "First 15 Minutes", step by step.
    pub first_15_minutes: Vec<StepReport>,
    /// The comms rhythm.
    pub updates: UpdatesReport,
    /// The response target of each severity the incident had.
    pub targets: Vec<TargetReport>,
    /// The durations.
    pub durations: Durations,
    /// Action items past due and not done.
    pub open_follow_ups: Vec<FollowUp>,
}

impl IncidentReport {
    /// The report on `incident` at `now`, under `playbook`, on its whole
    /// history, also what was recorded after `now`; for the report as it
    /// stood at a time, [`IncidentReport::as_of`].
    pub fn new(incident: &Incident, playbook: &Playbook, now: Timestamp) -> IncidentReport {
        IncidentReport {
            incident_id: incident.id(),
            title: incident.title().clone(),
            severity: incident.severity(),
            peak_severity: incident.peak_severity(),
            phase: incident.phase(),
            declared_at: incident.declared_at(),
            now,
            first_15_minutes: StepReport::first_fifteen_minutes(incident, now),
            updates: UpdatesReport::of(incident, now),
            targets: TargetReport::all(incident, playbook, now),
            durations: Durations::of(incident),
            open_follow_ups: FollowUp::overdue(incident, playbook, now),
        }
    }

    /// The report as of `at`: on the incident as it stood then
    /// ([`Incident::as_of`]), so that nothing recorded after `at` counts,
    /// measured at `at`. What a bot shows at any moment, and what a team
    /// replaying an incident minute by minute reads. `None` when the incident
    /// was not yet declared at `at`.
    ///
    /// ```
    /// use incident_playbook::{IncidentReport, Phase, Playbook, Replay};
    /// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let at = incident.declared_at();
    /// let report = IncidentReport::as_of(incident, &Playbook::default(), at).unwrap();
    /// assert_eq!(report.phase, Phase::Investigating);
    /// assert_eq!(report.updates.count, 1);
    /// ```
    pub fn as_of(
        incident: &Incident,
        playbook: &Playbook,
        at: Timestamp,
    ) -> Option<IncidentReport> {
        let then = incident.as_of(at, playbook)?;
        Some(IncidentReport::new(&then, playbook, at))
    }
}
