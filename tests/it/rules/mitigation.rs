//! Mitigation: root cause after mitigation, rollbacks, dependencies,
//! endpoint blocks, and the end of a mitigation.

use super::*;
use incident_playbook::state::MitigationOutcome;

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

pub fn ended_before_started() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    let end = with(
        &s.end_mitigation(1, "helped"),
        "occurred_at",
        json!(time(-100)),
    );
    let r = s.reject(&end);
    assert_only(&r, Rule::EndedBeforeStarted, Some("occurred_at"));
    let started = s.incident().mitigations()[0].happened_at().to_string();
    s.accept(&with(&end, "occurred_at", json!(started)));
    r
}

pub fn mitigation_not_ended() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    let revise = s.revise_outcome(1, "made_worse");
    let r = s.reject(&revise);
    assert_only(&r, Rule::MitigationNotEnded, Some("number"));
    s.run(|s| s.end_mitigation(1, "helped"));
    s.run(|s| s.revise_outcome(1, "made_worse"));
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

// ---- Mitigations with a life (issue 10 §2) ----

/// `start_mitigation` that bypasses the optional Document Intelligence.
fn bypass(s: &mut Scenario) -> Value {
    s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Document Intelligence"}))
}

/// `start_mitigation` that pauses a rollout.
fn pause(s: &mut Scenario) -> Value {
    s.start_mitigation(json!({"kind": "pause_rollout", "rollout": "web 2026.05.04 canary"}))
}

pub fn temporary_measure_in_effect() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    s.run(bypass);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.close();
    let r = s.reject(&close);
    assert_only(&r, Rule::TemporaryMeasureInEffect, Some("mitigations"));
    s.run(Scenario::end_first_mitigation);
    s.run(Scenario::close);
    r
}

pub fn no_such_mitigation() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let end = s.end_first_mitigation();
    let r = s.reject(&end);
    assert_only(&r, Rule::NoSuchMitigation, Some("number"));
    s.run(Scenario::rollback);
    // Numbers start at 1: 0 and one past the last are no mitigation.
    for number in [0, 2, u64::MAX] {
        let end = s.end_mitigation(number, "helped");
        assert_only(&s.reject(&end), Rule::NoSuchMitigation, Some("number"));
    }
    s.run(Scenario::end_first_mitigation);
    r
}

pub fn mitigation_already_ended() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    s.run(|s| s.end_mitigation(1, "no_effect"));
    let again = s.end_mitigation(1, "helped");
    let r = s.reject(&again);
    assert_only(&r, Rule::MitigationAlreadyEnded, Some("number"));
    s.run(pause);
    s.run(|s| s.end_mitigation(2, "helped"));
    r
}

/// A cause found while fixes were failing can be written down: any
/// mitigation started, whatever its outcome, lets a root cause be recorded
/// while users are hurt; none started does not.
#[test]
fn a_root_cause_may_follow_any_mitigation_started_even_one_that_failed() {
    for outcome in ["no_effect", "made_worse", "helped", "partial", "unknown"] {
        let mut s = Scenario::triaged(Sev3);
        let rca = s.record_root_cause();
        assert_only(&s.reject(&rca), Rule::MitigateBeforeRca, Some("type"));
        s.run(Scenario::rollback);
        let end = s.end_mitigation(1, outcome);
        s.accept(&end);
        assert!(s.incident().impact().user_impact_active());
        s.run(Scenario::record_root_cause);
    }
    // One still in effect counts too.
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    s.run(Scenario::record_root_cause);
}

#[test]
fn an_ended_mitigation_keeps_its_record_and_its_outcome() {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    let end = with(
        &s.end_mitigation(1, "made_worse"),
        "note",
        json!("Error rate doubled"),
    );
    let at = end["at"].as_str().unwrap().to_owned();
    s.accept(&end);
    let snapshot = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(
        snapshot["mitigations"][0]["ended"],
        json!({"at": at, "outcome": "made_worse", "note": "Error rate doubled"})
    );
    assert_eq!(s.incident().mitigations_in_effect().count(), 0);
    assert!(load(&snapshot).is_ok());
    // A blank note is refused; a note is optional.
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    let blank = with(&s.end_mitigation(1, "helped"), "note", json!(" "));
    assert_only(&s.reject(&blank), Rule::FieldEmpty, Some("note"));
}

#[test]
fn a_mitigation_in_effect_looks_as_before_in_a_snapshot() {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    let snapshot = serde_json::to_value(s.incident()).unwrap();
    let record = snapshot["mitigations"][0].as_object().unwrap();
    let keys: Vec<&str> = record.keys().map(String::as_str).collect();
    assert_eq!(keys, ["at", "mitigation"]);
}

#[test]
fn ending_a_block_lifts_it_and_lifting_a_block_ends_it_as_helped() {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::block);
    s.run(Scenario::lift_block);
    let ended = s.incident().mitigations()[0].ended.clone().unwrap();
    assert_eq!(ended.outcome, MitigationOutcome::Helped);
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::block);
    s.run(|s| s.end_mitigation(1, "no_effect"));
    assert!(s.incident().blocked_endpoints().is_empty());
    let lift = s.lift_block();
    assert_only(&s.reject(&lift), Rule::NoSuchBlock, Some("endpoint"));
    // Two blocks of one endpoint: it stays blocked until both end.
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::block);
    s.run(Scenario::block);
    s.run(|s| s.end_mitigation(2, "helped"));
    assert_eq!(s.incident().blocked_endpoints().len(), 1);
    s.run(Scenario::lift_block);
    assert!(s.incident().mitigations().iter().all(|m| m.ended.is_some()));
}

#[test]
fn only_disabled_dependencies_paused_rollouts_and_blocks_are_temporary() {
    let mut s = Scenario::triaged(Sev3);
    s.run(Scenario::rollback);
    s.run(|s| {
        s.start_mitigation(json!({"kind": "revert_config", "change": "Restore UPLOAD_CHUNK_SIZE"}))
    });
    s.run(|s| s.start_mitigation(json!({"kind": "other", "description": "Scale out workers"})));
    s.run(pause);
    s.run(bypass);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.close();
    let r = s.reject(&close);
    assert_only(&r, Rule::TemporaryMeasureInEffect, Some("mitigations"));
    let message = r.violations()[0].message();
    assert!(
        message.contains("4 (") && message.contains("5 ("),
        "{message}"
    );
    // Undoing a temporary measure after resolve is allowed.
    s.run(|s| s.end_mitigation(4, "helped"));
    s.run(|s| s.end_mitigation(5, "helped"));
    s.run(Scenario::close);
}

#[test]
fn a_closed_snapshot_with_a_temporary_measure_in_effect_is_refused() {
    let mut s = Scenario::triaged(Sev3);
    s.run(pause);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    s.run(Scenario::end_first_mitigation);
    s.run(Scenario::close);
    let mut snapshot = serde_json::to_value(s.incident()).unwrap();
    snapshot["mitigations"][0]
        .as_object_mut()
        .unwrap()
        .remove("ended");
    let r = load(&snapshot).unwrap_err();
    assert_at(&r, Rule::TemporaryMeasureInEffect, Some("mitigations"));
    assert_at(&r, Rule::SnapshotHistoryMismatch, Some("mitigations"));
}

/// Cloudflare's outage of 2019-07-02 (the public account: "Details of the
/// Cloudflare outage on July 2, 2019"): a WAF rule exhausted CPU worldwide;
/// the WAF was disabled globally, noticed before the incident was declared,
/// and re-enabled once the rule was gone. The record says all of that, and
/// the incident closes only once the WAF is back.
#[test]
fn a_disabled_waf_is_enabled_again_before_the_incident_closes() {
    let mut s = Scenario::with(Severity::Sev1, true, playbook_with("WAF"));
    // The impact started at minute -5; the alerts fired at minute -3.
    let declare = with(&s.declare(), "detected_at", json!(time(-3)));
    s.accept(&declare);
    s.do_triage();
    s.run(Scenario::add_note);
    let disable = s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "WAF"}));
    s.accept(&with(&disable, "occurred_at", json!(time(6))));
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    s.run(Scenario::submit_postmortem);
    let close = s.close();
    assert_only(
        &s.reject(&close),
        Rule::TemporaryMeasureInEffect,
        Some("mitigations"),
    );
    let enable = with(
        &s.end_mitigation(1, "helped"),
        "note",
        json!("WAF enabled again globally with the bad rule removed"),
    );
    s.accept(&enable);
    s.run(Scenario::close);
    let incident = s.incident();
    assert_eq!(incident.phase(), Phase::Closed);
    assert_eq!(incident.detected_at().to_string(), time(-3));
    assert_eq!(incident.mitigations_in_effect().count(), 0);
    assert_eq!(incident.mitigations()[0].happened_at().to_string(), time(6));
}
