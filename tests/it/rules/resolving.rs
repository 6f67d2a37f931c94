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
        Triplet {
            rule: Rule::ExceptionNotByCommander,
            given: || Scenario::in_phase(Sev2, Phase::Monitoring),
            command: resolve_accepting_lost_data,
            breaks: Set("exceptions[0].accepted_by", json!("Grace")),
            at: "exceptions[0].accepted_by",
            fix: None,
        },
        Triplet {
            rule: Rule::ExceptionUnknownCheck,
            given: || Scenario::in_phase(Sev2, Phase::Monitoring),
            command: resolve_accepting_lost_data,
            // The impact does not show in the frontend: no frontend check applies.
            breaks: Set(
                "exceptions",
                json!([lost_data(), exception("frontend.login")]),
            ),
            at: "exceptions[1].check",
            fix: None,
        },
        Triplet {
            rule: Rule::ExceptionForPassingCheck,
            given: || Scenario::in_phase(Sev2, Phase::Monitoring),
            command: resolve_accepting_lost_data,
            breaks: Set("exceptions", json!([lost_data(), exception("health.live")])),
            at: "exceptions[1].check",
            fix: None,
        },
    ]
}

/// An exception for `check`, accepted by the commander.
fn exception(check: &str) -> Value {
    json!({"check": check, "accepted_by": "Ada", "reason": "Rows deleted before 09:00 are gone for good"})
}

fn lost_data() -> Value {
    exception("data.no_partial_delete")
}

/// A truthful `resolve` of a data incident whose partial delete remains,
/// accepted by the commander.
pub(super) fn resolve_accepting_lost_data(s: &mut Scenario) -> Value {
    let mut resolve = s.resolve();
    set(
        &mut resolve,
        "verification.data.no_partial_delete",
        json!(false),
    );
    set(&mut resolve, "exceptions", json!([lost_data()]));
    resolve
}

#[test]
fn an_accepted_exception_is_kept_in_the_snapshot_and_excuses_only_its_check() {
    let mut s = Scenario::in_phase(Sev2, Phase::Monitoring);
    let resolve = resolve_accepting_lost_data(&mut s);
    // Without the exception the truthful record is refused.
    let r = s.reject(&without(&resolve, "exceptions"));
    assert_only(&r, Rule::VerificationData, Some("verification.data"));
    // The exception excuses its own check, not another.
    let two_failing = with(
        &resolve,
        "verification.data.no_failed_migration",
        json!(false),
    );
    assert_only(
        &s.reject(&two_failing),
        Rule::VerificationData,
        Some("verification.data"),
    );
    let blank = with(&resolve, "exceptions[0].reason", json!(" "));
    assert_only(
        &s.reject(&blank),
        Rule::FieldEmpty,
        Some("exceptions[0].reason"),
    );
    s.accept(&resolve);
    let state = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(
        state["accepted_exceptions"][0]["check"],
        "data.no_partial_delete"
    );
    assert_eq!(state["accepted_exceptions"][0]["accepted_by"], "Ada");
    assert_eq!(s.incident().accepted_exceptions().len(), 1);
    assert!(load(&state).is_ok());
    let mut tampered = state.clone();
    set(&mut tampered, "accepted_exceptions", json!([]));
    assert!(
        load(&tampered)
            .unwrap_err()
            .breaks(Rule::SnapshotHistoryMismatch)
    );
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

/// The seed's catalogue with health endpoints of its own: `gateway` and `db`.
fn two_endpoint_playbook() -> Playbook {
    let dependencies = serde_json::to_value(Playbook::default().dependencies()).unwrap();
    serde_json::from_value(json!({
        "dependencies": dependencies,
        "health_endpoints": [{"name": "gateway", "path": "/healthz"},
                             {"name": "db", "path": "/db/health"}],
    }))
    .unwrap()
}

#[test]
fn a_custom_playbook_verifies_its_own_named_health_endpoints() {
    let mut s = Scenario::with(Sev3, true, two_endpoint_playbook());
    s.declare_now();
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    // The seed's names are not this playbook's.
    let r = s.reject(&resolve);
    assert_at(
        &r,
        Rule::UnknownHealthEndpoint,
        Some("verification.health.live"),
    );
    assert_at(&r, Rule::VerificationApiHealth, Some("verification.health"));
    let failing = with(
        &resolve,
        "verification.health",
        json!({"gateway": true, "db": false}),
    );
    let r = s.reject(&failing);
    assert_only(&r, Rule::VerificationApiHealth, Some("verification.health"));
    assert!(r.violations()[0].message().contains("/db/health"));
    s.accept(&with(
        &resolve,
        "verification.health",
        json!({"gateway": true, "db": true}),
    ));
}

/// A health result for a name the (seed) playbook does not have; `null` is
/// a missing result.
pub fn unknown_health_endpoint() -> Rejection {
    let mut s = Scenario::in_phase(Sev3, Phase::Monitoring);
    let resolve = s.resolve();
    let unknown = with(&resolve, "verification.health.extra", json!(true));
    let r = s.reject(&unknown);
    assert_only(
        &r,
        Rule::UnknownHealthEndpoint,
        Some("verification.health.extra"),
    );
    let null = with(&resolve, "verification.health.status", Value::Null);
    assert_only(
        &s.reject(&null),
        Rule::VerificationApiHealth,
        Some("verification.health"),
    );
    s.accept(&resolve);
    r
}

#[test]
fn playbooks_with_repeated_or_no_health_endpoints_are_refused() {
    let refused = |doc: Value, says: &str| {
        let err = serde_json::from_value::<Playbook>(doc)
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{err}");
    };
    let endpoint = |name: &str, path: &str| json!({"name": name, "path": path});
    refused(
        json!({"dependencies": [], "health_endpoints": [endpoint("a", "/a"), endpoint("a", "/b")]}),
        "health endpoint `a` is listed twice",
    );
    refused(
        json!({"dependencies": [], "health_endpoints": [endpoint("a", "/x"), endpoint("b", "/x")]}),
        "health endpoint `/x` is listed twice",
    );
    refused(
        json!({"dependencies": [], "health_endpoints": []}),
        "names 0 health endpoints",
    );
    refused(
        json!({"dependencies": [], "health_endpoints": ["/a", "/b"]}),
        "names 2 health endpoints",
    );
    refused(
        json!({"dependencies": [{"name": "A"}, {"name": "A"}], "health_endpoints": ["/a", "/b", "/c"]}),
        "dependency `A` is listed twice",
    );
    // The plain form is the seed's names; a playbook is written back named.
    let plain: Playbook = serde_json::from_value(json!({"dependencies": [],
        "health_endpoints": ["/health/live", "/health/ready", "/health/status"]}))
    .unwrap();
    assert_eq!(
        plain.health_endpoints(),
        Playbook::default().health_endpoints()
    );
    let written = serde_json::to_value(&plain).unwrap();
    assert_eq!(
        written["health_endpoints"][2],
        endpoint("status", "/health/status")
    );
    assert_eq!(serde_json::from_value::<Playbook>(written).unwrap(), plain);
}

#[test]
fn playbooks_with_an_array_for_an_object_are_refused() {
    // Issue 10 §8: a playbook is read as strictly as a command; serde's
    // array form of an object is refused at any depth.
    let refused = |doc: Value, says: &str| {
        let err = serde_json::from_value::<Playbook>(doc.clone())
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{doc}: {err}");
    };
    let named = json!([{"name": "gateway", "path": "/healthz"}]);
    refused(
        json!({"dependencies": [["Stripe", false]], "health_endpoints": named}),
        "invalid type: sequence",
    );
    refused(
        json!({"dependencies": [], "health_endpoints": [["gateway", "/healthz"]]}),
        "invalid type: sequence, expected a health endpoint",
    );
    refused(json!([[], ["/a", "/b", "/c"]]), "invalid type: sequence");
    refused(
        json!({"dependencies": [], "health_endpoints": ["/a", {"name": "b", "path": "/b"}]}),
        "not a mix",
    );
    // Both written forms are still read.
    let read = |endpoints: Value| {
        serde_json::from_value::<Playbook>(json!({"dependencies": [{"name": "Stripe"}],
            "health_endpoints": endpoints}))
        .unwrap()
    };
    assert_eq!(
        read(named).health_endpoint("gateway").unwrap().path,
        "/healthz"
    );
    assert_eq!(
        read(json!(["/a", "/b", "/c"]))
            .health_endpoint("status")
            .unwrap()
            .path,
        "/c"
    );
}
