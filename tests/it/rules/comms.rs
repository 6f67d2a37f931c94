//! Communications: the update every phase change carries and its next update.

use super::*;

use Severity::Sev3;

pub fn update_needs_next_update() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let update = s.post_update();
    let r = s.reject(&without(&update, "update.next_update"));
    assert_only(&r, Rule::UpdateNeedsNextUpdate, Some("update.next_update"));
    s.accept(&update);
    r
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

pub fn update_owner_not_assigned() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let update = s.post_update();
    let r = s.reject(&with(&update, "update.owner", json!("Margaret")));
    assert_only(&r, Rule::UpdateOwnerNotAssigned, Some("update.owner"));
    // Any role counts, not only the commander's.
    s.accept(&with(&update, "update.owner", json!("Grace")));
    r
}

pub fn update_status_mismatch() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let mitigate = s.rollback();
    let r = s.reject(&with(&mitigate, "update.status", json!("investigating")));
    assert_only(&r, Rule::UpdateStatusMismatch, Some("update.status"));
    s.accept(&with(&mitigate, "update.status", json!("mitigating")));
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
