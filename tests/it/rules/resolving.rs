//! Resolving: from monitoring only, with the verification the impact demands
//! and the triage duties done.

use super::*;

use Severity::{Sev1, Sev2, Sev3};

pub fn resolve_from_monitoring() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    let resolve = s.resolve();
    let r = s.reject(&resolve);
    assert_only(&r, Rule::ResolveFromMonitoring, Some("type"));
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    r
}

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::VerificationApiHealth,
            given: || Scenario::in_phase(Sev3, Phase::Monitoring),
            command: Scenario::resolve,
            breaks: Set("verification.health.ready", json!(false)),
            at: "verification.health",
            fix: None,
        },
        Triplet {
            rule: Rule::VerificationEndpoints,
            given: || Scenario::in_phase(Sev1, Phase::Monitoring),
            command: Scenario::resolve,
            // One passing and one failing entry for the affected endpoint.
            breaks: Set(
                "verification.endpoints",
                json!([{"path": "/api/documents", "ok": true},
                       {"path": "/api/documents", "ok": false}]),
            ),
            at: "verification.endpoints",
            // Extra entries for endpoints that were not affected are fine.
            fix: Some(Set(
                "verification.endpoints",
                json!([{"path": "/api/documents", "ok": true},
                       {"path": "/api/share", "ok": false}]),
            )),
        },
        Triplet {
            rule: Rule::VerificationFrontend,
            given: || Scenario::in_phase(Sev1, Phase::Monitoring),
            command: Scenario::resolve,
            breaks: Set("verification.frontend.workflow", json!(false)),
            at: "verification.frontend",
            fix: None,
        },
        Triplet {
            rule: Rule::VerificationData,
            given: || Scenario::in_phase(Sev2, Phase::Monitoring),
            command: Scenario::resolve,
            breaks: Remove("verification.data"),
            at: "verification.data",
            fix: None,
        },
        Triplet {
            rule: Rule::VerificationDependencies,
            given: || Scenario::in_phase(Sev1, Phase::Monitoring),
            command: Scenario::resolve,
            breaks: Set("verification.dependencies[0].ok", json!(false)),
            at: "verification.dependencies",
            fix: None,
        },
    ]
}

pub fn triage_checks_missing() -> Rejection {
    let mut s = Scenario::declared(Sev2);
    for check in ["recent_deploys", "migrations", "provider_status", "logs"] {
        let c = s.record_check(check);
        s.accept(&c);
    }
    s.run(Scenario::add_note);
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    let r = s.reject(&resolve);
    assert_only(&r, Rule::TriageChecksMissing, Some("checks"));
    assert!(r.violations()[0].message().contains("health_endpoints"));
    let check = s.record_check("health_endpoints");
    s.accept(&check);
    s.run(Scenario::resolve);
    r
}

pub fn notes_required() -> Rejection {
    let mut s = Scenario::declared(Sev2);
    s.do_triage();
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    let r = s.reject(&resolve);
    assert_only(&r, Rule::NotesRequired, Some("notes"));
    s.run(Scenario::add_note);
    s.run(Scenario::resolve);
    r
}
