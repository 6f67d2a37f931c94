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

use std::fmt;

use serde::Serialize;
use uuid::Uuid;

use crate::incident::{CommandBody, CommandKind, Incident, Phase};
use crate::playbook::Playbook;
use crate::postmortem::ActionStatus;
use crate::severity::Severity;
use crate::text::{Name, ShortText};
use crate::time::{Date, Timestamp};
use crate::triage::TriageCheck;

/// The playbook's "First 15 Minutes", in seconds.
pub const FIRST_MINUTES: i64 = 15 * 60;

/// How long a phase lasted: from `from` until `until` (`None`: still in it).
///
/// ```
/// use incident_playbook::{Phase, PhaseSpan, Replay};
/// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
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
            let after = if cmd.kind() == CommandKind::Declare {
                Phase::Investigating
            } else {
                cmd.kind().phase_after(phase)
            };
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

/// Seconds from `a` to `b`.
fn seconds(a: Timestamp, b: Timestamp) -> i64 {
    (b.as_datetime() - a.as_datetime()).num_seconds()
}

/// A step of the playbook's "First 15 Minutes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// "Confirm impact: affected environment, users, feature, and start time."
    ImpactConfirmed,
    /// "Assign severity and roles."
    SeverityAndRolesAssigned,
    /// "Start an incident thread with current status, owner, and next update time."
    ThreadStarted,
    /// "Check recent deploys, migrations, provider status, logs, and health endpoints."
    Check(TriageCheck),
}

impl Step {
    /// Every step, in the playbook's order.
    pub const ALL: [Step; 8] = [
        Step::ImpactConfirmed,
        Step::SeverityAndRolesAssigned,
        Step::ThreadStarted,
        Step::Check(TriageCheck::RecentDeploys),
        Step::Check(TriageCheck::Migrations),
        Step::Check(TriageCheck::ProviderStatus),
        Step::Check(TriageCheck::Logs),
        Step::Check(TriageCheck::HealthEndpoints),
    ];

    /// A stable snake_case name (`check_recent_deploys` for a check).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::ImpactConfirmed => "impact_confirmed",
            Step::SeverityAndRolesAssigned => "severity_and_roles_assigned",
            Step::ThreadStarted => "thread_started",
            Step::Check(TriageCheck::RecentDeploys) => "check_recent_deploys",
            Step::Check(TriageCheck::Migrations) => "check_migrations",
            Step::Check(TriageCheck::ProviderStatus) => "check_provider_status",
            Step::Check(TriageCheck::Logs) => "check_logs",
            Step::Check(TriageCheck::HealthEndpoints) => "check_health_endpoints",
        }
    }

    /// What the step is, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Step::ImpactConfirmed => "impact confirmed",
            Step::SeverityAndRolesAssigned => "severity and roles assigned",
            Step::ThreadStarted => "incident thread started",
            Step::Check(TriageCheck::RecentDeploys) => "recent deploys checked",
            Step::Check(TriageCheck::Migrations) => "migrations checked",
            Step::Check(TriageCheck::ProviderStatus) => "provider status checked",
            Step::Check(TriageCheck::Logs) => "logs checked",
            Step::Check(TriageCheck::HealthEndpoints) => "health endpoints checked",
        }
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Whether a step or target was done in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Done by the deadline.
    OnTime,
    /// Done after the deadline.
    Late,
    /// Not done, and the deadline has passed.
    Missed,
    /// Not done yet, and the deadline has not passed.
    Pending,
}

impl Timeliness {
    fn judge(done: Option<Timestamp>, deadline: Timestamp, now: Timestamp) -> Self {
        match done {
            Some(t) if t <= deadline => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if now > deadline => Timeliness::Missed,
            None => Timeliness::Pending,
        }
    }

    /// For people: `on time`, `late`, `missed`, `pending`.
    pub fn describe(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on time",
            Timeliness::Late => "late",
            Timeliness::Missed => "missed",
            Timeliness::Pending => "pending",
        }
    }
}

/// One step of the first 15 minutes: when it was done and whether in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepReport {
    /// The step.
    pub step: Step,
    /// When it was done, if it was.
    pub done_at: Option<Timestamp>,
    /// Seconds from the declaration to `done_at`.
    pub after_seconds: Option<i64>,
    /// Within 15 minutes of the declaration or not.
    pub timeliness: Timeliness,
}

impl StepReport {
    /// Every step of the first 15 minutes for `incident`, judged at `now`.
    ///
    /// ```
    /// use incident_playbook::{Replay, StepReport, Timeliness};
    /// let case = include_str!("../../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().nth(1).unwrap();
    /// let steps = StepReport::first_fifteen_minutes(incident, "2026-05-04T09:40:00Z".parse().unwrap());
    /// assert_eq!(steps.len(), 8);
    /// assert_eq!(steps[0].timeliness, Timeliness::OnTime); // impact confirmed at declaration
    /// ```
    pub fn first_fifteen_minutes(incident: &Incident, now: Timestamp) -> Vec<StepReport> {
        let declared = incident.declared_at();
        let deadline =
            Timestamp::from(declared.as_datetime() + chrono::Duration::seconds(FIRST_MINUTES));
        Step::ALL
            .into_iter()
            .map(|step| {
                let done_at = match step {
                    // All three are part of an accepted `declare`.
                    Step::ImpactConfirmed
                    | Step::SeverityAndRolesAssigned
                    | Step::ThreadStarted => Some(declared),
                    Step::Check(check) => incident
                        .checks()
                        .iter()
                        .find(|r| r.check == check)
                        .map(|r| r.at),
                };
                StepReport {
                    step,
                    done_at,
                    after_seconds: done_at.map(|t| seconds(declared, t)),
                    timeliness: Timeliness::judge(done_at, deadline, now),
                }
            })
            .collect()
    }
}

/// An update that came after the time the update before it promised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateUpdate {
    /// The position of the late update among the incident's updates (0-based).
    pub index: usize,
    /// When it was posted.
    pub at: Timestamp,
    /// When the update before it promised it.
    pub promised: Timestamp,
    /// How late, in seconds.
    pub late_seconds: i64,
}

/// The comms rhythm: overdue and late updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdatesReport {
    /// How many updates were posted.
    pub count: usize,
    /// When the last one was posted.
    pub last_at: Option<Timestamp>,
    /// When the last one promised the next (none once resolved).
    pub next_due: Option<Timestamp>,
    /// How long the next update is overdue at `now`, in seconds, if it is.
    pub overdue_seconds: Option<i64>,
    /// Every update that came later than promised.
    pub late: Vec<LateUpdate>,
}

impl UpdatesReport {
    /// The comms rhythm of `incident` at `now`.
    ///
    /// ```
    /// use incident_playbook::{Replay, UpdatesReport};
    /// let case = include_str!("../../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let first = replay.incidents().iter().next().unwrap();
    /// // The declaration promised the next update for 09:35.
    /// let at_9_50 = UpdatesReport::of(first, "2026-05-04T09:50:00Z".parse().unwrap());
    /// assert_eq!(at_9_50.overdue_seconds, Some(15 * 60));
    /// ```
    pub fn of(incident: &Incident, now: Timestamp) -> UpdatesReport {
        let updates = incident.updates();
        let late = updates
            .windows(2)
            .enumerate()
            .filter_map(|(i, w)| match w {
                [prev, next] => prev
                    .next_update()
                    .filter(|promised| next.at() > *promised)
                    .map(|promised| LateUpdate {
                        index: i + 1,
                        at: next.at(),
                        promised,
                        late_seconds: seconds(promised, next.at()),
                    }),
                _ => None,
            })
            .collect();
        let last = updates.last();
        let next_due = last.and_then(|u| u.next_update());
        let overdue_seconds = next_due
            .filter(|due| now > *due && incident.phase() != Phase::Closed)
            .map(|due| seconds(due, now));
        UpdatesReport {
            count: updates.len(),
            last_at: last.map(|u| u.at()),
            next_due,
            overdue_seconds,
            late,
        }
    }
}

/// The response target of one severity the incident had, met or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// When mitigation started (see [`TargetReport::all`]).
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
    /// The mitigation that counts for a severity is the one under way when
    /// the incident reached it (it was mitigating or monitoring then), or
    /// else the first one started after; an incident resolved without one
    /// counts as mitigated when it was resolved.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay, TargetReport, Timeliness};
    /// let case = include_str!("../../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let first = replay.incidents().iter().next().unwrap(); // a SEV1, never mitigated
    /// let t = TargetReport::all(first, &Playbook::default(), "2026-05-04T09:10:00Z".parse().unwrap());
    /// assert_eq!(t[0].timeliness, Some(Timeliness::Pending));
    /// let t = TargetReport::all(first, &Playbook::default(), "2026-05-04T09:30:00Z".parse().unwrap());
    /// assert_eq!(t[0].timeliness, Some(Timeliness::Missed));
    /// ```
    pub fn all(incident: &Incident, playbook: &Playbook, now: Timestamp) -> Vec<TargetReport> {
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
        let with_target: Vec<(Severity, Timestamp)> = reached
            .iter()
            .copied()
            .filter(|(s, _)| s.is_at_least(Severity::Sev2))
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
            .map(|(severity, since)| {
                let mitigated_at = mitigated_since(incident, &spans, since);
                let (target, deadline) = match severity {
                    Severity::Sev1 => (
                        "mitigation started within 15 minutes",
                        Timestamp::from(
                            since.as_datetime() + chrono::Duration::seconds(FIRST_MINUTES),
                        ),
                    ),
                    _ => (
                        "mitigation started the same day (playbook time zone)",
                        playbook.utc_offset().end_of_day(since),
                    ),
                };
                TargetReport {
                    severity,
                    response: severity.response(),
                    target,
                    since,
                    deadline: Some(deadline),
                    mitigated_at,
                    // Mitigating exactly at the end of the day is the next day.
                    timeliness: Some(match (severity, mitigated_at) {
                        (Severity::Sev2, Some(m)) if m >= deadline => Timeliness::Late,
                        _ => Timeliness::judge(mitigated_at, deadline, now),
                    }),
                }
            })
            .collect()
    }
}

/// When the mitigation that counts from `since` started.
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
    let mitigations = incident.mitigations();
    if matches!(phase_then, Some(Phase::Mitigating | Phase::Monitoring))
        && let Some(m) = mitigations.iter().rev().find(|m| m.at <= since)
    {
        return Some(m.at);
    }
    mitigations
        .iter()
        .find(|m| m.at >= since)
        .map(|m| m.at)
        .or_else(|| {
            incident
                .history()
                .iter()
                .find(|c| c.kind() == CommandKind::Resolve && c.at >= since)
                .map(|c| c.at)
        })
}

/// How long the response took, in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
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

/// An action item not done whose due day has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    /// What to do.
    pub action: ShortText,
    /// Who does it.
    pub owner: Name,
    /// By when.
    pub due: Date,
    /// Where it stands (not `done`).
    pub status: ActionStatus,
    /// Whole days since the due day, at `now` in the playbook's time zone.
    pub days_overdue: i64,
}

impl FollowUp {
    /// The open follow-ups of `incident`'s postmortem at `now`.
    ///
    /// ```
    /// use incident_playbook::{FollowUp, Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// // Due 2026-05-20: overdue from the 21st on, in the playbook's time zone.
    /// let p = Playbook::default();
    /// assert!(FollowUp::overdue(incident, &p, "2026-05-20T23:00:00Z".parse().unwrap()).is_empty());
    /// let east = p.clone().with_utc_offset("+02:00".parse().unwrap());
    /// assert_eq!(FollowUp::overdue(incident, &east, "2026-05-20T23:00:00Z".parse().unwrap()).len(), 1);
    /// ```
    pub fn overdue(incident: &Incident, playbook: &Playbook, now: Timestamp) -> Vec<FollowUp> {
        let today = playbook.utc_offset().date_of(now);
        incident
            .postmortem()
            .map(|pm| pm.action_items())
            .unwrap_or_default()
            .iter()
            .filter(|a| a.status != ActionStatus::Done && a.due < today)
            .map(|a| FollowUp {
                action: a.action.clone(),
                owner: a.owner.clone(),
                due: a.due,
                status: a.status,
                days_overdue: (today.as_naive() - a.due.as_naive()).num_days(),
            })
            .collect()
    }
}

/// Everything `incident report` says about one incident.
///
/// ```
/// use incident_playbook::{IncidentReport, Playbook, Replay, Timeliness};
/// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
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
pub struct IncidentReport {
    /// The incident.
    pub incident_id: Uuid,
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
    /// The time the report is for.
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
    /// The report on `incident` at `now`, under `playbook`.
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
}

/// A duration for people: `45s`, `15m`, `1h 05m`, `2d 03h 10m`; negative
/// with a leading `-`.
///
/// ```
/// assert_eq!(incident_playbook::human_duration(3_900), "1h 05m");
/// assert_eq!(incident_playbook::human_duration(93_300), "1d 01h 55m");
/// assert_eq!(incident_playbook::human_duration(0), "0m");
/// ```
pub fn human_duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (d, h, m, rest) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let body = if d > 0 {
        format!("{d}d {h:02}h {m:02}m")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 || rest == 0 {
        if rest == 0 {
            format!("{m}m")
        } else {
            format!("{m}m {rest:02}s")
        }
    } else {
        format!("{rest}s")
    };
    format!("{sign}{body}")
}

fn opt_duration(s: Option<i64>) -> String {
    s.map_or_else(|| "—".to_owned(), human_duration)
}

impl fmt::Display for IncidentReport {
    /// The report for people, several lines, ending with a line break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Incident {}: {}", self.incident_id, self.title)?;
        writeln!(
            f,
            "  {} (peak {}), {}; declared {}; report at {}",
            self.severity, self.peak_severity, self.phase, self.declared_at, self.now
        )?;
        writeln!(f)?;
        writeln!(f, "First 15 minutes")?;
        for s in &self.first_15_minutes {
            let when = match (s.done_at, s.after_seconds) {
                (Some(t), Some(after)) => format!("{t}  +{}", human_duration(after)),
                _ => "not done".to_owned(),
            };
            writeln!(
                f,
                "  {:<28} {:<32} {}",
                s.step.describe(),
                when,
                s.timeliness.describe()
            )?;
        }
        writeln!(f)?;
        let u = &self.updates;
        writeln!(f, "Updates")?;
        write!(f, "  {} posted", u.count)?;
        if let Some(last) = u.last_at {
            write!(f, ", last at {last}")?;
        }
        match (u.next_due, u.overdue_seconds) {
            (Some(due), Some(over)) => writeln!(
                f,
                "; next was due {due}: OVERDUE by {}",
                human_duration(over)
            )?,
            (Some(due), None) => writeln!(f, "; next due {due}")?,
            (None, _) => writeln!(f, "; no next update due")?,
        }
        if u.late.is_empty() {
            writeln!(f, "  no update came later than promised")?;
        }
        for l in &u.late {
            writeln!(
                f,
                "  update {} at {} was late by {} (promised {})",
                l.index + 1,
                l.at,
                human_duration(l.late_seconds),
                l.promised
            )?;
        }
        writeln!(f)?;
        for t in &self.targets {
            writeln!(f, "Response target ({}: {})", t.severity, t.response)?;
            match (t.deadline, t.timeliness) {
                (Some(deadline), Some(judged)) => {
                    writeln!(f, "  {}: {}", t.target, target_word(judged))?;
                    write!(
                        f,
                        "  clock started {} ({}); due {}",
                        t.since, t.severity, deadline
                    )?;
                    match t.mitigated_at {
                        Some(m) => writeln!(f, "; mitigated {m}")?,
                        None => writeln!(f, "; not mitigated")?,
                    }
                }
                _ => writeln!(f, "  {}", t.target)?,
            }
        }
        writeln!(f)?;
        let d = &self.durations;
        writeln!(f, "Durations")?;
        writeln!(
            f,
            "  impact start → declaration   {}",
            human_duration(d.impact_to_declaration_seconds)
        )?;
        writeln!(
            f,
            "  declaration → mitigation     {}",
            opt_duration(d.declaration_to_mitigation_seconds)
        )?;
        writeln!(
            f,
            "  declaration → monitoring     {}",
            opt_duration(d.declaration_to_monitoring_seconds)
        )?;
        writeln!(
            f,
            "  declaration → resolved       {}",
            opt_duration(d.declaration_to_resolved_seconds)
        )?;
        writeln!(
            f,
            "  declaration → closed         {}",
            opt_duration(d.declaration_to_closed_seconds)
        )?;
        writeln!(f)?;
        writeln!(f, "Open follow-ups")?;
        if self.open_follow_ups.is_empty() {
            writeln!(f, "  none past due")?;
        }
        for a in &self.open_follow_ups {
            writeln!(
                f,
                "  {} ({}, {}): due {}, {} day{} overdue",
                a.action,
                a.owner,
                a.status.as_str(),
                a.due,
                a.days_overdue,
                if a.days_overdue == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

fn target_word(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "met",
        Timeliness::Late => "MISSED (mitigated late)",
        Timeliness::Missed => "MISSED (not mitigated)",
        Timeliness::Pending => "pending",
    }
}
