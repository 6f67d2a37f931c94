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
//! - *Durations* by true times run from the impact's start (as it stands
//!   now) to its detection (`detected_at`, else the declaration), to the
//!   first mitigation that counts (the same reading as for the targets: not
//!   ended as `no_effect` or `made_worse`, at its `occurred_at` when given),
//!   to the resolution and the closing; time to declare runs from the
//!   detection to the declaration. The recorded durations run from the
//!   declaration to the first `start_mitigation` recorded (any outcome), the
//!   first monitoring and the closing. Both use the last resolution, while
//!   the incident is resolved or closed (a reopened incident is not resolved).
//! - *Updates* are also counted per audience, public and internal, each
//!   audience's promises held against its own next update.
//! - *Disclosure*: an incident whose impact is flagged `data_exposure`,
//!   `security_incident` or `data_loss` owes the public a word; the time
//!   from its detection (else its declaration) to the first public update
//!   is measured, or, while there is none, the time waited until `now`.
//! - *Open follow-ups*: the postmortem's action items not `done` whose due
//!   day has passed at `now` in the playbook's time zone.

mod disclosure;
mod durations;
mod first_minutes;
mod follow_ups;
mod mitigations;
mod phase_span;
mod record;
mod targets;
mod text;
mod timeliness;
mod updates;

use serde::Serialize;

pub use disclosure::{DISCLOSURE_FLAGS, Disclosure};
pub use durations::Durations;
pub use first_minutes::{FIRST_MINUTES, Step, StepReport};
pub use follow_ups::FollowUp;
pub use mitigations::MitigationReport;
pub use phase_span::PhaseSpan;
pub use record::RecordReport;
pub use targets::TargetReport;
pub use text::human_duration;
pub use timeliness::Timeliness;
pub use updates::{AudienceUpdates, LateUpdate, PostedBy, UpdatesReport};

use crate::exception::AcceptedException;
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
/// use incident_playbook::{Playbook, Replay, report::{IncidentReport, Timeliness}};
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
    /// For an incident with a duty to disclose (data exposed or lost, a
    /// security incident): how long the public waited for the first word.
    /// Left out of the JSON otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<Disclosure>,
    /// The response target of each severity the incident had.
    pub targets: Vec<TargetReport>,
    /// The durations.
    pub durations: Durations,
    /// Action items past due and not done.
    pub open_follow_ups: Vec<FollowUp>,
    /// Every mitigation, by number, with how it went and whether it is
    /// still in effect.
    pub mitigations: Vec<MitigationReport>,
    /// The numbers of the temporary measures still in effect (a disabled
    /// dependency, a paused rollout, a blocked endpoint), to undo before
    /// closing.
    pub temporary_measures_in_effect: Vec<u64>,
    /// The failing verification checks accepted at a `resolve`: which, who
    /// accepted it and why.
    pub accepted_exceptions: Vec<AcceptedException>,
    /// When user impact really ended, if the impact says
    /// (`impact.ended_at`); left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_impact_ended_at: Option<Timestamp>,
    /// What the record keeps beside the playbook's steps: progress,
    /// corrections, links, fixes, amendments after close (left out of the
    /// JSON when there is none).
    #[serde(skip_serializing_if = "RecordReport::is_empty")]
    pub record: RecordReport,
}

impl IncidentReport {
    /// The report on `incident` at `now`, under `playbook`, on its whole
    /// history, also what was recorded after `now`; for the report as it
    /// stood at a time, [`IncidentReport::as_of`].
    pub fn new(incident: &Incident, playbook: &Playbook, now: Timestamp) -> IncidentReport {
        let mitigations = MitigationReport::all(incident);
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
            disclosure: Disclosure::of(incident, now),
            targets: TargetReport::all(incident, playbook, now),
            durations: Durations::of(incident),
            open_follow_ups: FollowUp::overdue(incident, playbook, now),
            temporary_measures_in_effect: mitigations
                .iter()
                .filter(|m| m.is_temporary_in_effect())
                .map(|m| m.number)
                .collect(),
            mitigations,
            accepted_exceptions: incident.accepted_exceptions().to_vec(),
            user_impact_ended_at: incident.impact().ended_at(),
            record: RecordReport::of(incident),
        }
    }

    /// The report as of `at`: on the incident as it stood then
    /// ([`Incident::as_of`]), so that nothing recorded after `at` counts,
    /// measured at `at`. What a bot shows at any moment, and what a team
    /// replaying an incident minute by minute reads. `None` when the incident
    /// was not yet declared at `at`.
    ///
    /// ```
    /// use incident_playbook::{Phase, Playbook, Replay, report::IncidentReport};
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
