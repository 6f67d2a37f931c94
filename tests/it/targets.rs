//! Response targets: a severity's clock starts when the incident first has
//! it, a mitigation that ended as `no_effect` or `made_worse` does not count,
//! and one already in effect when the severity begins counts from then (the
//! GitLab SEV1 was shown "on time", credited with a rebuild that made things
//! worse an hour before the SEV1 clock started).

use incident_playbook::{
    Phase, Playbook, Severity, Timestamp,
    report::{TargetReport, Timeliness},
};

use crate::fixture::{Scenario, time};

fn at(minutes: i64) -> Timestamp {
    time(minutes).parse().unwrap()
}

/// A SEV2 mitigating since a rollback, then (after `end`, if any) escalated
/// to SEV1 an hour later; the SEV1 target judged 20 minutes after that.
fn sev1_target(end: Option<&str>) -> (TargetReport, Timestamp) {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Mitigating);
    if let Some(outcome) = end {
        let cmd = s.end_mitigation(1, outcome);
        s.accept(&cmd);
    }
    s.clock += 60;
    let since = at(s.clock);
    let cmd = s.change_severity(Severity::Sev1);
    s.accept(&cmd);
    let now = at(s.clock + 20);
    let targets = TargetReport::all(s.incident(), &Playbook::default(), now);
    let sev1 = targets.into_iter().find(|t| t.severity == Severity::Sev1);
    (sev1.unwrap(), since)
}

#[test]
fn a_mitigation_that_made_things_worse_does_not_meet_a_later_target() {
    for outcome in ["made_worse", "no_effect"] {
        let (sev1, since) = sev1_target(Some(outcome));
        assert_eq!(sev1.since, since);
        assert_eq!(sev1.mitigated_at, None, "{outcome}");
        assert_eq!(sev1.timeliness, Some(Timeliness::Missed), "{outcome}");
    }
}

#[test]
fn a_mitigation_in_effect_counts_from_the_moment_the_severity_begins() {
    let (sev1, since) = sev1_target(None);
    assert_eq!(sev1.mitigated_at, Some(since));
    assert_eq!(sev1.timeliness, Some(Timeliness::OnTime));
}
