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

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::RollbackSameTag,
            given: || Scenario::triaged(Sev3),
            command: Scenario::rollback,
            breaks: Set("mitigation.to_tag", json!("2026.05.04-1")),
            at: "mitigation.to_tag",
            fix: None,
        },
        Triplet {
            rule: Rule::UnknownDependency,
            given: || Scenario::triaged(Sev3),
            command: |s| {
                s.start_mitigation(
                    json!({"kind": "disable_dependency", "dependency": "Azure OpenAI"}),
                )
            },
            breaks: Set("mitigation.dependency", json!("Redis")),
            at: "mitigation.dependency",
            fix: None,
        },
        Triplet {
            rule: Rule::DependencyNotOptional,
            given: || Scenario::triaged(Sev3),
            command: |s| {
                s.start_mitigation(
                    json!({"kind": "disable_dependency", "dependency": "Document Intelligence"}),
                )
            },
            breaks: Set("mitigation.dependency", json!("Blob Storage")),
            at: "mitigation.dependency",
            fix: None,
        },
        Triplet {
            rule: Rule::BlockEndpointRiskNotHigher,
            given: || Scenario::triaged(Sev3),
            // A high security risk against a medium availability impact.
            command: |s| {
                with(
                    &s.block(),
                    "mitigation.availability_impact",
                    json!("medium"),
                )
            },
            breaks: Set("mitigation.security_risk", json!("medium")),
            at: "mitigation.security_risk",
            fix: None,
        },
    ]
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
