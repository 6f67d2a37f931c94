//! Communications: the update every phase change carries and its next update.

use super::*;

use incident_playbook::state::Audience;

use Severity::Sev3;

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::UpdateNeedsNextUpdate,
            given: || Scenario::declared(Sev3),
            command: Scenario::post_update,
            breaks: Remove("update.next_update"),
            at: "update.next_update",
            fix: None,
        },
        Triplet {
            rule: Rule::UpdateOwnerNotAssigned,
            given: || Scenario::declared(Sev3),
            command: Scenario::post_update,
            breaks: Set("update.owner", json!("Margaret")),
            at: "update.owner",
            // Any role counts, not only the commander's.
            fix: Some(Set("update.owner", json!("Grace"))),
        },
        Triplet {
            rule: Rule::UpdateStatusMismatch,
            given: || Scenario::triaged(Sev3),
            command: Scenario::rollback,
            breaks: Set("update.status", json!("investigating")),
            at: "update.status",
            fix: Some(Set("update.status", json!("mitigating"))),
        },
    ]
}

/// A public `post_update` by the commander, Ada, at SEV1 (where Linus, the
/// engineering lead, is the communications owner): refused; by Linus, accepted.
pub fn public_update_not_by_comms_owner() -> Rejection {
    let mut s = Scenario::declared(Severity::Sev1);
    let update = with(&s.post_update(), "update.audience", json!("public"));
    let r = s.reject(&update);
    assert_only(&r, Rule::PublicUpdateNotByCommsOwner, Some("update.owner"));
    // Internal, the same update is fine.
    s.accept(&with(&update, "update.audience", json!("internal")));
    let public = with(&s.post_update(), "update.audience", json!("public"));
    s.accept(&with(&public, "update.owner", json!("Linus")));
    let state = serde_json::to_value(s.incident()).unwrap();
    let audiences: Vec<Value> = state["updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.get("audience").cloned().unwrap_or(Value::Null))
        .collect();
    // Internal is left out of the JSON, as before audiences existed.
    assert_eq!(audiences, [Value::Null, Value::Null, json!("public")]);
    let public = s.incident().updates();
    assert_eq!(
        public.filter(|u| u.audience() == Audience::Public).count(),
        1
    );
    assert!(load(&state).is_ok());
    r
}

#[test]
fn without_a_communications_owner_nobody_posts_publicly() {
    let mut s = Scenario::declared(Sev3);
    let update = with(&s.post_update(), "update.audience", json!("public"));
    let r = s.reject(&update);
    assert_only(&r, Rule::PublicUpdateNotByCommsOwner, Some("update.owner"));
    s.run(|s| s.assign_role("communications_owner", "Ada"));
    let update = with(&s.post_update(), "update.audience", json!("public"));
    s.accept(&update);
}

pub fn next_update_not_after_update() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let minute = s.clock;
    let update = s.post_update();
    let r = s.reject(&with(&update, "update.next_update", json!(time(minute))));
    assert_only(
        &r,
        Rule::NextUpdateNotAfterUpdate,
        Some("update.next_update"),
    );
    s.accept(&with(
        &update,
        "update.next_update",
        json!(time(minute + 1)),
    ));
    r
}

#[test]
fn the_update_owner_holds_a_role_after_the_command() {
    let mut s = Scenario::declared(Severity::Sev3);
    // Margaret becomes scribe in the same step and posts the update.
    let change = s.change_severity(Severity::Sev2);
    let change = with(&change, "roles", json!({"scribe": "Margaret"}));
    let change = with(&change, "update.owner", json!("Margaret"));
    s.accept(&change);
    // Ada hands the commander role to Grace, and then holds none.
    let change = s.change_severity(Severity::Sev3);
    let change = with(&change, "roles", json!({"commander": "Grace"}));
    let r = s.reject(&change);
    assert_only(&r, Rule::UpdateOwnerNotAssigned, Some("update.owner"));
    s.accept(&with(&change, "update.owner", json!("Grace")));
}
