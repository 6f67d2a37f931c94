//! Peak severity: duties follow the highest severity the incident reached.

use super::*;

#[test]
fn downgrading_keeps_the_duties_of_the_peak() {
    let mut s = Scenario::declared(Severity::Sev1);
    let down = s.change_severity(Severity::Sev3);
    s.accept(&down);
    assert_eq!(s.incident().severity(), Severity::Sev3);
    assert_eq!(s.incident().peak_severity(), Severity::Sev1);
    // The role rules follow the current severity: at SEV3 no scribe is needed.
    s.run(|s| s.unassign_role("scribe"));
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    // Notes and triage checks follow the peak.
    let resolve = s.resolve();
    let r = s.reject(&resolve);
    assert_exactly(
        &r,
        &[
            (Rule::TriageChecksMissing, Some("checks")),
            (Rule::NotesRequired, Some("notes")),
        ],
    );
    assert!(r.violations()[0].message().contains("SEV1"), "{r:#?}");
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::resolve);
    // The postmortem names the peak, and is owed because of it.
    let close = s.close();
    assert_only(
        &s.reject(&close),
        Rule::PostmortemRequired,
        Some("postmortem"),
    );
    let pm = s.submit_postmortem();
    let r = s.reject(&with(&pm, "postmortem.severity", json!("SEV3")));
    assert_only(
        &r,
        Rule::PostmortemSeverityMismatch,
        Some("postmortem.severity"),
    );
    s.accept(&pm);
    s.run(Scenario::close);
    assert_eq!(s.incident().peak_severity(), Severity::Sev1);
}

#[test]
fn below_sev2_no_follow_up_duties_are_owed() {
    for severity in [Severity::Sev3, Severity::Sev4] {
        let mut s = Scenario::declared(severity);
        s.run(Scenario::rollback);
        s.run(Scenario::begin_monitoring);
        s.run(Scenario::resolve);
        s.run(Scenario::close);
        assert!(s.incident().postmortem().is_none());
    }
}

#[test]
fn an_escalation_after_the_postmortem_makes_it_mismatch_at_close() {
    let mut s = Scenario::in_phase(Severity::Sev3, Phase::Resolved);
    s.run(Scenario::submit_postmortem); // published, SEV3
    s.run(Scenario::reopen);
    s.run(|s| s.change_severity(Severity::Sev1));
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.close();
    assert_only(
        &s.reject(&close),
        Rule::PostmortemSeverityMismatch,
        Some("postmortem.severity"),
    );
    s.run(Scenario::submit_postmortem);
    s.run(Scenario::close);
}

#[test]
fn escalating_to_sev1_brings_the_roles_along() {
    let mut s = Scenario::declared(Severity::Sev2);
    let up = s.change_severity(Severity::Sev1);
    let r = s.reject(&without(&up, "roles"));
    assert_exactly(
        &r,
        &[(
            Rule::Sev1CommsByEngineeringLead,
            Some("roles.engineering_lead"),
        )],
    );
    let r = s.reject(&with(&up, "roles", json!({"scribe": "Ada"})));
    assert_exactly(
        &r,
        &[
            (Rule::Sev1ScribeNotCommander, Some("roles.scribe")),
            (
                Rule::Sev1CommsByEngineeringLead,
                Some("roles.engineering_lead"),
            ),
        ],
    );
    s.accept(&up);
    // Now assign_role and unassign_role cannot break the SEV1 rules.
    let cases = [
        (
            s.unassign_role("scribe"),
            Rule::Sev1NeedsScribe,
            "roles.scribe",
        ),
        (
            s.assign_role("scribe", "Ada"),
            Rule::Sev1ScribeNotCommander,
            "roles.scribe",
        ),
        (
            s.assign_role("commander", "Ken"),
            Rule::Sev1ScribeNotCommander,
            "roles.scribe",
        ),
        (
            s.unassign_role("engineering_lead"),
            Rule::Sev1CommsByEngineeringLead,
            "roles.engineering_lead",
        ),
        (
            s.unassign_role("communications_owner"),
            Rule::Sev1CommsByEngineeringLead,
            "roles.communications_owner",
        ),
        (
            s.assign_role("communications_owner", "Grace"),
            Rule::Sev1CommsByEngineeringLead,
            "roles.communications_owner",
        ),
    ];
    for (cmd, rule, path) in cases {
        assert_only(&s.reject(&cmd), rule, Some(path));
    }
    // Handing the scribe's pen to someone else is fine.
    s.run(|s| s.assign_role("scribe", "Barbara"));
    // SEV1 comms change hands only with the engineering lead: one
    // `assign_roles` (an *addition* of the contract) moves both, and still
    // cannot break the rules.
    let half = s.command(
        "assign_roles",
        json!({"roles": {"communications_owner": "Grace"}}),
    );
    assert_only(
        &s.reject(&half),
        Rule::Sev1CommsByEngineeringLead,
        Some("roles.communications_owner"),
    );
    let nothing = s.command("assign_roles", json!({"roles": {}}));
    assert_only(&s.reject(&nothing), Rule::FieldEmpty, Some("roles"));
    let both = s.command(
        "assign_roles",
        json!({"roles": {"communications_owner": "Grace", "engineering_lead": "Grace"}}),
    );
    s.accept(&both);
}
