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

pub fn verification_api_health() -> Rejection {
    let mut s = Scenario::in_phase(Sev3, Phase::Monitoring);
    let resolve = s.resolve();
    let r = s.reject(&with(&resolve, "verification.health.ready", json!(false)));
    assert_only(&r, Rule::VerificationApiHealth, Some("verification.health"));
    s.accept(&resolve);
    r
}

pub fn verification_endpoints() -> Rejection {
    let mut s = Scenario::in_phase(Sev1, Phase::Monitoring);
    let resolve = s.resolve();
    // One passing and one failing entry for the affected endpoint.
    let r = s.reject(&with(
        &resolve,
        "verification.endpoints",
        json!([{"path": "/api/documents", "ok": true},
               {"path": "/api/documents", "ok": false}]),
    ));
    assert_only(
        &r,
        Rule::VerificationEndpoints,
        Some("verification.endpoints"),
    );
    // Extra entries for endpoints that were not affected are fine.
    s.accept(&with(
        &resolve,
        "verification.endpoints",
        json!([{"path": "/api/documents", "ok": true},
               {"path": "/api/share", "ok": false}]),
    ));
    r
}

pub fn verification_frontend() -> Rejection {
    let mut s = Scenario::in_phase(Sev1, Phase::Monitoring);
    let resolve = s.resolve();
    let r = s.reject(&with(
        &resolve,
        "verification.frontend.workflow",
        json!(false),
    ));
    assert_only(
        &r,
        Rule::VerificationFrontend,
        Some("verification.frontend"),
    );
    s.accept(&resolve);
    r
}

pub fn verification_data() -> Rejection {
    let mut s = Scenario::in_phase(Sev2, Phase::Monitoring);
    let resolve = s.resolve();
    let r = s.reject(&without(&resolve, "verification.data"));
    assert_only(&r, Rule::VerificationData, Some("verification.data"));
    s.accept(&resolve);
    r
}

pub fn verification_dependencies() -> Rejection {
    let mut s = Scenario::in_phase(Sev1, Phase::Monitoring);
    let resolve = s.resolve();
    let r = s.reject(&with(
        &resolve,
        "verification.dependencies[0].ok",
        json!(false),
    ));
    assert_only(
        &r,
        Rule::VerificationDependencies,
        Some("verification.dependencies"),
    );
    s.accept(&resolve);
    r
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
    assert_only(&r, Rule::TriageChecksMissing, None);
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
    assert_only(&r, Rule::NotesRequired, None);
    s.run(Scenario::add_note);
    s.run(Scenario::resolve);
    r
}
