//! Roles: the commander, and what SEV1 demands of the scribe and of comms.

use super::*;

use Severity::{Sev1, Sev2, Sev3};

pub fn commander_required() -> Rejection {
    let mut s = Scenario::new(Sev3);
    // Grace posts the first update, so that only the commander is missing.
    let declare = with(&s.declare(), "update.owner", json!("Grace"));
    let r = s.reject(&without(&declare, "roles.commander"));
    assert_only(&r, Rule::CommanderRequired, Some("roles.commander"));
    s.accept(&declare);
    r
}

pub fn sev1_needs_scribe() -> Rejection {
    let mut s = Scenario::new(Sev1);
    let declare = s.declare();
    let r = s.reject(&without(&declare, "roles.scribe"));
    assert_only(&r, Rule::Sev1NeedsScribe, Some("roles.scribe"));
    s.accept(&declare);
    r
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

pub fn sev1_comms_by_engineering_lead() -> Rejection {
    let mut s = Scenario::new(Sev1);
    let declare = s.declare();
    let r = s.reject(&with(
        &declare,
        "roles.communications_owner",
        json!("Grace"),
    ));
    assert_only(
        &r,
        Rule::Sev1CommsByEngineeringLead,
        Some("roles.communications_owner"),
    );
    s.accept(&declare);
    r
}

#[test]
fn role_commands_that_change_nothing_are_still_accepted() {
    // RULES.md is silent; the crate accepts (and counts) them.
    let mut s = Scenario::declared(Severity::Sev3);
    s.run(|s| s.unassign_role("scribe"));
    s.run(|s| s.assign_role("technical_lead", "Grace"));
    assert_eq!(s.version(), 3);
    assert_eq!(
        serde_json::to_value(s.incident().roles()).unwrap(),
        roles(Severity::Sev3)
    );
}
