//! The playbook's "First 15 Minutes", step by step.

use serde::Serialize;

use super::seconds;
use super::timeliness::Timeliness;
use crate::incident::Incident;
use crate::text::ShortText;
use crate::time::Timestamp;
use crate::triage::TriageCheck;

/// The playbook's "First 15 Minutes", in seconds.
pub const FIRST_MINUTES: i64 = 15 * 60;

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

/// One step of the first 15 minutes: when it was done and whether in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StepReport {
    /// The step.
    pub step: Step,
    /// When it was done, if it was.
    pub done_at: Option<Timestamp>,
    /// Seconds from the declaration to `done_at`.
    pub after_seconds: Option<i64>,
    /// Within 15 minutes of the declaration or not.
    pub timeliness: Timeliness,
    /// For a triage check recorded as not performed (and never done): why
    /// not. Such a check is never shown as done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_performed: Option<ShortText>,
}

impl StepReport {
    /// Every step of the first 15 minutes for `incident`, judged at `now`.
    ///
    /// ```
    /// use incident_playbook::{Replay, report::{StepReport, Timeliness}};
    /// let case = include_str!("../../../tests/conformance/cases/two-incidents-interleaved.jsonl");
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
                let (done_at, not_performed) = match step {
                    // Confirmed once its start time is known too.
                    Step::ImpactConfirmed => (start_confirmed_at(incident), None),
                    // Both are part of an accepted `declare`.
                    Step::SeverityAndRolesAssigned | Step::ThreadStarted => (Some(declared), None),
                    Step::Check(check) => check_done(incident, check),
                };
                StepReport {
                    step,
                    done_at,
                    after_seconds: done_at.map(|t| seconds(declared, t)),
                    timeliness: Timeliness::judge(done_at, deadline, now),
                    not_performed,
                }
            })
            .collect()
    }
}

/// When the impact was first recorded with its start time: the playbook's
/// "Confirm impact: affected environment, users, feature, and start time"
/// is not done while the start is unknown, however early the rest came.
fn start_confirmed_at(incident: &Incident) -> Option<Timestamp> {
    use crate::incident::CommandBody;
    incident.history().iter().find_map(|cmd| {
        let impact = match &cmd.body {
            CommandBody::Declare(b) => b.impact.as_ref(),
            CommandBody::UpdateImpact(b) => b.impact.as_ref(),
            CommandBody::ChangeSeverity(b) => b.impact.as_ref(),
            CommandBody::CorrectImpact(b) => b.impact.as_ref(),
            _ => None,
        };
        impact.and_then(|i| i.started_at).map(|_| cmd.at)
    })
}

/// When `check` was first done; if it never was but was recorded as not
/// performed, why not.
fn check_done(incident: &Incident, check: TriageCheck) -> (Option<Timestamp>, Option<ShortText>) {
    let mut records = incident.checks().filter(|r| r.check == check);
    match records.clone().find(|r| r.performed) {
        Some(done) => (Some(done.at), None),
        None => (None, records.next().map(|r| r.finding.clone())),
    }
}
