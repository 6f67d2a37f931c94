//! Missing parts that name a rule: a field left out or `null` is reported
//! under the rule that demands it.

use super::*;

#[test]
fn a_missing_or_null_update_is_update_required() {
    for kind in WITH_UPDATE {
        let (mut s, cmd) = allowed(kind, Severity::Sev3);
        for broken in [without(&cmd, "update"), with(&cmd, "update", Value::Null)] {
            let r = s.reject(&broken);
            assert_only(&r, Rule::UpdateRequired, Some("update"));
        }
        s.accept(&cmd);
    }
}

#[test]
fn a_missing_or_null_impact_is_impact_incomplete() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for broken in [
        without(&declare, "impact"),
        with(&declare, "impact", Value::Null),
    ] {
        assert_only(&s.reject(&broken), Rule::ImpactIncomplete, Some("impact"));
    }
    s.accept(&declare);
    let update = s.update_impact();
    for broken in [
        without(&update, "impact"),
        with(&update, "impact", Value::Null),
    ] {
        assert_only(&s.reject(&broken), Rule::ImpactIncomplete, Some("impact"));
    }
    s.accept(&update);
}

#[test]
fn missing_or_null_roles_are_commander_required() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for broken in [
        without(&declare, "roles"),
        with(&declare, "roles", Value::Null),
        with(&declare, "roles", json!({})),
    ] {
        // Without roles, the update's owner holds none either.
        assert_exactly(
            &s.reject(&broken),
            &[
                (Rule::CommanderRequired, Some("roles.commander")),
                (Rule::UpdateOwnerNotAssigned, Some("update.owner")),
            ],
        );
    }
    s.accept(&declare);
}

#[test]
fn a_missing_or_null_verification_check_fails_its_rule() {
    let mut s = Scenario::in_phase(Severity::Sev1, Phase::Monitoring);
    let resolve = s.resolve();
    // No verification at all: every check the SEV1 impact needs fails.
    for broken in [
        without(&resolve, "verification"),
        with(&resolve, "verification", Value::Null),
        with(&resolve, "verification", json!({})),
    ] {
        assert_exactly(
            &s.reject(&broken),
            &[
                (Rule::VerificationApiHealth, Some("verification.health")),
                (Rule::VerificationEndpoints, Some("verification.endpoints")),
                (Rule::VerificationFrontend, Some("verification.frontend")),
                (
                    Rule::VerificationDependencies,
                    Some("verification.dependencies"),
                ),
            ],
        );
    }
    // One check missing or null.
    let one = |path: &str, rule: Rule, at: &str, s: &mut Scenario| {
        for broken in [without(&resolve, path), with(&resolve, path, Value::Null)] {
            assert_only(&s.reject(&broken), rule, Some(at));
        }
    };
    for path in [
        "verification.health",
        "verification.health.live",
        "verification.health.ready",
        "verification.health.status",
    ] {
        one(
            path,
            Rule::VerificationApiHealth,
            "verification.health",
            &mut s,
        );
    }
    one(
        "verification.endpoints",
        Rule::VerificationEndpoints,
        "verification.endpoints",
        &mut s,
    );
    one(
        "verification.endpoints[0].ok",
        Rule::VerificationEndpoints,
        "verification.endpoints",
        &mut s,
    );
    for path in [
        "verification.frontend",
        "verification.frontend.app_loaded",
        "verification.frontend.login",
        "verification.frontend.workflow",
    ] {
        one(
            path,
            Rule::VerificationFrontend,
            "verification.frontend",
            &mut s,
        );
    }
    one(
        "verification.dependencies[0].ok",
        Rule::VerificationDependencies,
        "verification.dependencies",
        &mut s,
    );
    s.accept(&resolve);

    // Data: the SEV2 impact shows in `data`.
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Monitoring);
    let resolve = s.resolve();
    for check in [
        "no_unauthorized_access",
        "no_failed_migration",
        "no_duplicate_processing",
        "no_partial_delete",
    ] {
        let path = format!("verification.data.{check}");
        for broken in [without(&resolve, &path), with(&resolve, &path, Value::Null)] {
            assert_only(
                &s.reject(&broken),
                Rule::VerificationData,
                Some("verification.data"),
            );
        }
    }
    s.accept(&resolve);
}

#[test]
fn data_flags_need_the_data_checks_without_a_data_surface() {
    // data_exposure on the API only: the data checks are still owed.
    let mut s = Scenario::new(Severity::Sev1);
    let declare = with(&s.declare(), "impact.flags", json!(["data_exposure"]));
    s.accept(&declare);
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::block);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    assert!(resolve["verification"]["data"].is_object());
    let r = s.reject(&without(&resolve, "verification.data"));
    assert_only(&r, Rule::VerificationData, Some("verification.data"));
    s.accept(&resolve);
}

#[test]
fn null_on_an_optional_field_means_absent() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let declare = with(&declare, "expected_version", Value::Null);
    let declare = with(&declare, "update.status", Value::Null);
    let declare = with(&declare, "impact.user_impact_active", Value::Null);
    let declare = with(&declare, "impact.surfaces", Value::Null);
    let declare = with(&declare, "impact.affected_endpoints", Value::Null);
    let declare = with(&declare, "roles.scribe", Value::Null);
    s.accept(&declare);
    let impact = s.incident().impact();
    assert!(
        impact.user_impact_active(),
        "user_impact_active defaults to true"
    );
    assert!(impact.surfaces().is_empty());
    assert!(s.incident().roles().get(Role::Scribe).is_none());

    // change_severity: no new roles, no new impact; a `null` role keeps its holder.
    let change = s.change_severity(Severity::Sev2);
    let change = with(&change, "impact", Value::Null);
    let change = with(
        &change,
        "roles",
        json!({"commander": null, "scribe": "Ken"}),
    );
    s.accept(&change);
    assert_eq!(s.incident().roles().commander().as_str(), "Ada");
    assert_eq!(
        s.incident().impact().feature().as_str(),
        "Document processing"
    );
}

#[test]
fn other_missing_parts_are_the_crates_choice() {
    // No rule of the catalogue is about these: a missing non-text field that the
    // command cannot be read without is malformed input.
    let mut s = Scenario::triaged(Severity::Sev3);
    let cases = [
        without(&s.change_severity(Severity::Sev2), "severity"),
        without(&s.assign_role("scribe", "Ken"), "role"),
        without(&s.unassign_role("technical_lead"), "role"),
        without(&s.record_check("logs"), "check"),
        without(&s.rollback(), "mitigation"),
        without(&s.block(), "mitigation.security_risk"),
        without(&s.declare(), "severity"),
    ];
    for cmd in cases {
        let r = s.reject_line(&cmd.to_string()).rejection;
        assert_eq!(r.rules(), [Rule::MalformedInput], "{cmd}");
    }
    // A missing required text is `field-empty` at its path.
    let texts = [
        (
            without(&s.change_severity(Severity::Sev2), "reason"),
            "reason",
        ),
        (without(&s.assign_role("scribe", "Ken"), "person"), "person"),
        (without(&s.record_check("logs"), "finding"), "finding"),
        (without(&s.add_note(), "text"), "text"),
        (without(&s.lift_block(), "endpoint"), "endpoint"),
        (
            without(&s.rollback(), "mitigation.from_tag"),
            "mitigation.from_tag",
        ),
        (without(&s.post_update(), "update.action"), "update.action"),
        (without(&s.post_update(), "update.owner"), "update.owner"),
    ];
    for (cmd, path) in texts {
        assert_only(&s.reject(&cmd), Rule::FieldEmpty, Some(path));
    }
}
