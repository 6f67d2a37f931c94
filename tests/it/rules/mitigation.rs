//! Mitigation: root cause after mitigation, rollbacks, dependencies and
//! endpoint blocks.

use super::*;

use Severity::Sev3;

pub fn mitigate_before_rca() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let rca = s.record_root_cause();
    let r = s.reject(&rca);
    assert_only(&r, Rule::MitigateBeforeRca, Some("type"));
    s.run(Scenario::rollback);
    s.run(Scenario::record_root_cause);
    r
}

pub fn rollback_same_tag() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let rollback = s.rollback();
    let r = s.reject(&with(&rollback, "mitigation.to_tag", json!("2026.05.04-1")));
    assert_only(&r, Rule::RollbackSameTag, Some("mitigation.to_tag"));
    s.accept(&rollback);
    r
}

pub fn unknown_dependency() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let disable = s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Redis"}));
    let r = s.reject(&disable);
    assert_only(&r, Rule::UnknownDependency, Some("mitigation.dependency"));
    s.accept(&with(
        &disable,
        "mitigation.dependency",
        json!("Azure OpenAI"),
    ));
    r
}

pub fn dependency_not_optional() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let disable =
        s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Blob Storage"}));
    let r = s.reject(&disable);
    assert_only(
        &r,
        Rule::DependencyNotOptional,
        Some("mitigation.dependency"),
    );
    s.accept(&with(
        &disable,
        "mitigation.dependency",
        json!("Document Intelligence"),
    ));
    r
}

pub fn block_endpoint_risk_not_higher() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let block = s.block();
    let even = with(&block, "mitigation.security_risk", json!("medium"));
    let even = with(&even, "mitigation.availability_impact", json!("medium"));
    let r = s.reject(&even);
    assert_only(
        &r,
        Rule::BlockEndpointRiskNotHigher,
        Some("mitigation.security_risk"),
    );
    s.accept(&with(&even, "mitigation.security_risk", json!("high")));
    r
}

pub fn block_not_lifted() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::block);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.close();
    let r = s.reject(&close);
    assert_only(&r, Rule::BlockNotLifted, Some("blocked_endpoints"));
    s.run(Scenario::lift_block);
    s.run(Scenario::close);
    r
}

pub fn no_such_block() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let lift = s.lift_block();
    let r = s.reject(&lift);
    assert_only(&r, Rule::NoSuchBlock, Some("endpoint"));
    s.run(Scenario::block);
    s.run(Scenario::lift_block);
    assert!(s.incident().blocked_endpoints().is_empty());
    r
}

#[test]
fn any_mitigation_started_before_counts_for_root_cause_analysis() {
    let mut s = Scenario::triaged(Severity::Sev3);
    s.run(Scenario::rollback);
    s.run(Scenario::resume_investigation);
    s.run(Scenario::record_root_cause);
    // Without active user impact no mitigation is needed first.
    let mut calm = Scenario::declared_with(Severity::Sev3, false);
    calm.run(Scenario::record_root_cause);
}

#[test]
fn a_dependency_named_anywhere_is_in_the_catalogue() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let unknown = with(
        &declare,
        "impact.affected_dependencies",
        json!(["Vision", "Redis"]),
    );
    let r = s.reject(&unknown);
    assert_only(
        &r,
        Rule::UnknownDependency,
        Some("impact.affected_dependencies[1]"),
    );
    s.accept(&declare);
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let mut resolve = s.resolve();
    resolve["verification"]["dependencies"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Redis", "ok": true}));
    let r = s.reject(&resolve);
    assert_only(
        &r,
        Rule::UnknownDependency,
        Some("verification.dependencies[1].name"),
    );
    // The catalogue is the playbook's: another playbook knows other names.
    let mut s = Scenario::with(Severity::Sev3, true, playbook_with("Redis"));
    let declare = s.declare();
    s.accept(&with(
        &declare,
        "impact.affected_dependencies",
        json!(["Vision", "Redis"]),
    ));
    let disable = s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Redis"}));
    s.accept(&disable);
}

#[test]
fn blocking_needs_a_security_risk_strictly_above_the_availability_impact() {
    let levels = ["low", "medium", "high", "critical"];
    for (i, risk) in levels.iter().enumerate() {
        for (j, availability) in levels.iter().enumerate() {
            let mut s = Scenario::triaged(Severity::Sev3);
            let block = with(&s.block(), "mitigation.security_risk", json!(risk));
            let block = with(
                &block,
                "mitigation.availability_impact",
                json!(availability),
            );
            if i > j {
                s.accept(&block);
            } else {
                let r = s.reject(&block);
                assert_only(
                    &r,
                    Rule::BlockEndpointRiskNotHigher,
                    Some("mitigation.security_risk"),
                );
            }
        }
    }
}

#[test]
fn a_lifted_block_cannot_be_lifted_again() {
    let mut s = Scenario::triaged(Severity::Sev3);
    s.run(Scenario::block);
    // Blocking the same endpoint again keeps one block.
    s.run(Scenario::block);
    assert_eq!(s.incident().blocked_endpoints().len(), 1);
    s.run(Scenario::lift_block);
    let again = s.lift_block();
    assert_only(&s.reject(&again), Rule::NoSuchBlock, Some("endpoint"));
}
