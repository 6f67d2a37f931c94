//! Declaring: the impact, its start and the severity floor.

use super::*;

use Severity::{Sev2, Sev3};

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::ImpactIncomplete,
            given: || Scenario::new(Sev3),
            command: Scenario::declare,
            breaks: Remove("impact.feature"),
            at: "impact.feature",
            fix: None,
        },
        Triplet {
            rule: Rule::ImpactStartAfterDeclaration,
            given: || Scenario::new(Sev3),
            command: Scenario::declare,
            breaks: Set("impact.started_at", json!(time(1))),
            at: "impact.started_at",
            // Starting at the very moment of the declaration is not after it.
            fix: Some(Set("impact.started_at", json!(time(0)))),
        },
        Triplet {
            rule: Rule::SeverityBelowFloor,
            given: || Scenario::new(Sev3),
            command: Scenario::declare,
            breaks: Set(
                "impact.flags",
                json!(["degraded_feature", "major_feature_broken"]),
            ),
            at: "severity",
            fix: Some(Set("severity", json!("SEV2"))),
        },
        Triplet {
            rule: Rule::UpdateRequired,
            given: || Scenario::triaged(Sev3),
            command: Scenario::rollback,
            breaks: Remove("update"),
            at: "update",
            fix: None,
        },
    ]
}

pub fn severity_unchanged() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let change = s.change_severity(Sev3);
    let r = s.reject(&change);
    assert_only(&r, Rule::SeverityUnchanged, Some("severity"));
    s.accept(&with(&change, "severity", json!("SEV2")));
    assert_eq!(s.incident().severity(), Sev2);
    r
}

#[test]
fn the_severity_floor_holds_in_update_impact_and_change_severity() {
    let mut s = Scenario::declared(Severity::Sev3);
    let worse = with(&s.update_impact(), "impact.flags", json!(["broad_outage"]));
    let r = s.reject(&worse);
    assert_only(&r, Rule::SeverityBelowFloor, Some("impact.flags"));
    let escalate = s.change_severity(Severity::Sev2);
    s.accept(&escalate);
    // Down to SEV3 with the SEV2 impact kept.
    let down = without(&s.change_severity(Severity::Sev3), "impact");
    assert_only(&s.reject(&down), Rule::SeverityBelowFloor, Some("severity"));
    // Down to SEV4 with flags that allow it.
    let down = with(
        &s.change_severity(Severity::Sev4),
        "impact.flags",
        json!([]),
    );
    s.accept(&down);
}

#[test]
fn an_updated_impact_starts_no_later_than_the_declaration() {
    let mut s = Scenario::declared(Severity::Sev3);
    s.clock = 30;
    // Before this command, but after the declaration.
    let late = with(&s.update_impact(), "impact.started_at", json!(time(10)));
    let r = s.reject(&late);
    assert_only(
        &r,
        Rule::ImpactStartAfterDeclaration,
        Some("impact.started_at"),
    );
    s.accept(&with(&late, "impact.started_at", json!(time(-90))));
}

#[test]
fn an_impact_may_count_what_it_hurt_and_where() {
    let mut s = Scenario::new(Sev2);
    let declare = s.declare();
    let counted = with(
        &with(&declare, "impact.regions", json!(["eu-west", "us-east"])),
        "impact.affected",
        json!({"users": 5000, "tenants": 12, "failed_requests": 120000}),
    );
    let blank = with(&counted, "impact.regions", json!(["eu-west", " "]));
    assert_only(
        &s.reject(&blank),
        Rule::FieldEmpty,
        Some("impact.regions[1]"),
    );
    for bad in [
        json!({"users": -1}),
        json!({"users": 1.5}),
        json!({"people": 3}),
    ] {
        let line = with(&counted, "impact.affected", bad).to_string();
        assert_eq!(s.reject_line(&line).rejection.rule(), Rule::MalformedInput);
    }
    s.accept(&counted);
    let impact = s.incident().impact();
    assert_eq!(impact.regions().len(), 2);
    assert_eq!(impact.affected().tenants, Some(12));
    let state = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(state["impact"]["regions"], json!(["eu-west", "us-east"]));
    assert_eq!(state["impact"]["affected"]["failed_requests"], 120000);
    assert!(load(&state).is_ok());
    // Without them, the impact is written as before: no empty fields.
    let mut plain = Scenario::new(Sev2);
    plain.declare_now();
    let state = serde_json::to_value(plain.incident()).unwrap();
    assert!(state["impact"].get("regions").is_none());
    assert!(state["impact"].get("affected").is_none());
}
