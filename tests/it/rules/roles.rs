//! Roles: the commander, and what SEV1 demands of the scribe and of comms.

use super::*;

use Severity::{Sev1, Sev2, Sev3};

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::CommanderRequired,
            given: || Scenario::new(Sev3),
            // Grace posts the first update, so that only the commander is missing.
            command: |s| with(&s.declare(), "update.owner", json!("Grace")),
            breaks: Remove("roles.commander"),
            at: "roles.commander",
            fix: None,
        },
        Triplet {
            rule: Rule::Sev1NeedsScribe,
            given: || Scenario::new(Sev1),
            command: Scenario::declare,
            breaks: Remove("roles.scribe"),
            at: "roles.scribe",
            fix: None,
        },
        Triplet {
            rule: Rule::Sev1CommsByEngineeringLead,
            given: || Scenario::new(Sev1),
            command: Scenario::declare,
            breaks: Set("roles.communications_owner", json!("Grace")),
            at: "roles.communications_owner",
            fix: None,
        },
    ]
}

pub fn sev1_scribe_not_commander() -> Rejection {
    let mut s = Scenario::new(Sev1);
    let declare = s.declare();
    let r = s.reject(&with(&declare, "roles.scribe", json!("Ada")));
    assert_only(&r, Rule::Sev1ScribeNotCommander, Some("roles.scribe"));
    s.accept(&declare);
    // Below SEV1 one person may hold several roles.
    let mut sev2 = Scenario::new(Sev2);
    let declare = sev2.declare();
    sev2.accept(&with(&declare, "roles.scribe", json!("Ada")));
    r
}

#[test]
fn role_commands_that_change_nothing_are_still_accepted() {
    // No rule refuses them; the crate accepts (and counts) them.
    let mut s = Scenario::declared(Severity::Sev3);
    s.run(|s| s.unassign_role("scribe"));
    s.run(|s| s.assign_role("technical_lead", "Grace"));
    assert_eq!(s.version(), 3);
    assert_eq!(
        serde_json::to_value(s.incident().roles()).unwrap(),
        roles(Severity::Sev3)
    );
}

#[test]
fn a_blank_name_for_a_demanded_role_is_the_rule_that_demands_it() {
    // Issue 10 §8: assigning no one to the commander is `commander-required`,
    // the rule that demands the value, not `field-empty`; missing, null and
    // blank alike.
    let mut s = Scenario::declared(Sev3);
    let assign = s.assign_role("commander", "Grace");
    for person in [json!(" "), json!("\u{feff}"), Value::Null] {
        let r = s.reject(&with(&assign, "person", person));
        assert_only(&r, Rule::CommanderRequired, Some("person"));
    }
    let r = s.reject(&without(&assign, "person"));
    assert_only(&r, Rule::CommanderRequired, Some("person"));
    // A role no rule demands at this severity stays `field-empty`.
    let scribe = s.assign_role("scribe", "Ken");
    let r = s.reject(&with(&scribe, "person", json!(" ")));
    assert_only(&r, Rule::FieldEmpty, Some("person"));
    s.accept(&assign);
    // At SEV1 the scribe is demanded, and so are the comms roles.
    let mut s = Scenario::declared(Sev1);
    for (role, rule) in [
        ("scribe", Rule::Sev1NeedsScribe),
        ("engineering_lead", Rule::Sev1CommsByEngineeringLead),
        ("communications_owner", Rule::Sev1CommsByEngineeringLead),
        ("commander", Rule::CommanderRequired),
    ] {
        let cmd = s.assign_role(role, " ");
        assert_only(&s.reject(&cmd), rule, Some("person"));
    }
    let cmd = s.assign_role("technical_lead", " ");
    assert_only(&s.reject(&cmd), Rule::FieldEmpty, Some("person"));
}

/// A playbook reserving `declare` to the commander: a declaration sent by
/// another is refused, by the commander it names accepted.
pub fn sender_not_permitted() -> Rejection {
    let playbook = Playbook::default()
        .with_permission("declare", [incident_playbook::state::Role::Commander])
        .unwrap();
    let declare = Scenario::new(Sev2).declare();
    let sent = |by: &str| {
        incident_playbook::parse_command(&with(&declare, "by", json!(by)).to_string()).unwrap()
    };
    let r = Incident::declare(sent("Grace"), &playbook).unwrap_err();
    assert_only(&r, Rule::SenderNotPermitted, Some("by"));
    assert!(Incident::declare(sent("Ada"), &playbook).is_ok());
    r
}
