//! Reporting: missing, null and blank values a rule demands.

use super::*;

#[test]
fn the_three_impact_texts_are_impact_incomplete_missing_null_or_blank() {
    // The start is not among them: missing, it is not known yet.
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for field in ["environment", "users", "feature"] {
        let path = format!("impact.{field}");
        for (how, broken) in absent(&declare, &path) {
            let r = s.reject(&broken);
            assert_eq!(r.violations().len(), 1, "{path} {how}: {r:#?}");
            assert_at(&r, Rule::ImpactIncomplete, Some(&path));
        }
    }
    s.accept(&declare);
    let update = s.update_impact();
    let change = s.change_severity(Severity::Sev2);
    for cmd in [update, change] {
        for field in ["environment", "users", "feature"] {
            let path = format!("impact.{field}");
            for (how, broken) in absent(&cmd, &path) {
                let r = s.reject(&broken);
                assert_eq!(r.violations().len(), 1, "{path} {how}: {r:#?}");
                assert_at(&r, Rule::ImpactIncomplete, Some(&path));
            }
        }
    }
}

#[test]
fn an_action_items_action_owner_and_due_are_action_item_incomplete_missing_null_or_blank() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let mut pm = s.submit_postmortem();
    // Break the second item, so that the path names it.
    let second = json!({"action": "Alert on upload error rate", "owner": "Ken",
                        "due": "2026-05-30", "guardrail": "dashboard"});
    pm["postmortem"]["action_items"]
        .as_array_mut()
        .unwrap()
        .push(second);
    for field in ["action", "owner", "due"] {
        let path = format!("postmortem.action_items[1].{field}");
        for (how, broken) in absent(&pm, &path) {
            let r = s.reject(&broken);
            assert_eq!(r.violations().len(), 1, "{path} {how}: {r:#?}");
            assert_at(&r, Rule::ActionItemIncomplete, Some(&path));
        }
    }
    s.accept(&pm);
    // An action item's status defaults to open.
    let item = &s.incident().postmortem().unwrap().action_items()[1];
    assert_eq!(item.status, ActionStatus::Open);
}

#[test]
fn next_update_is_update_needs_next_update_missing_null_or_blank() {
    for kind in WITH_UPDATE {
        if kind == CommandKind::Resolve {
            continue;
        }
        let (mut s, cmd) = allowed(kind, Severity::Sev3);
        for (how, broken) in absent(&cmd, "update.next_update") {
            let r = s.reject(&broken);
            assert_eq!(r.violations().len(), 1, "{kind} {how}: {r:#?}");
            assert_at(&r, Rule::UpdateNeedsNextUpdate, Some("update.next_update"));
        }
        s.accept(&cmd);
    }
    // Once resolved, no next update is owed, whichever way it is left out.
    let (s, resolve) = allowed(CommandKind::Resolve, Severity::Sev3);
    for (_, cmd) in absent(&resolve, "update.next_update") {
        s.clone().accept(&cmd);
    }
    let mut s = Scenario::in_phase(Severity::Sev3, Phase::Resolved);
    let post = s.post_update();
    assert_eq!(post["update"]["status"], json!("resolved"));
    assert!(post["update"].get("next_update").is_none());
    s.accept(&post);
}

#[test]
fn the_commander_is_commander_required_missing_null_or_blank() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "update.owner", json!("Grace"));
    for (how, broken) in absent(&declare, "roles.commander") {
        let r = s.reject(&broken);
        assert_eq!(r.violations().len(), 1, "{how}: {r:#?}");
        assert_at(&r, Rule::CommanderRequired, Some("roles.commander"));
    }
    s.accept(&declare);

    // Handing over is fine; removing is not. (Grace posts the update, so
    // that only the commander is missing.)
    let change = with(
        &s.change_severity(Severity::Sev2),
        "update.owner",
        json!("Grace"),
    );
    for blank in ["", "  "] {
        let r = s.reject(&with(&change, "roles", json!({"commander": blank})));
        assert_only(&r, Rule::CommanderRequired, Some("roles.commander"));
    }
    let unassign = s.unassign_role("commander");
    assert_only(
        &s.reject(&unassign),
        Rule::CommanderRequired,
        Some("roles.commander"),
    );
    let hand_over = s.assign_role("commander", "Grace");
    s.accept(&hand_over);
    assert_eq!(s.incident().roles().commander().as_str(), "Grace");
}

#[test]
fn blank_roles_are_reported_under_the_rule_that_demands_them() {
    // At SEV1 a blank scribe or engineering lead is the SEV1 rule's, not
    // field-empty (the crate extends the Reporting rule to every role a rule
    // demands); a blank role no rule demands is field-empty.
    let mut s = Scenario::new(Severity::Sev1);
    let declare = s.declare();
    let r = s.reject(&with(&declare, "roles.scribe", json!(" ")));
    assert_only(&r, Rule::Sev1NeedsScribe, Some("roles.scribe"));
    let r = s.reject(&with(&declare, "roles.engineering_lead", json!("")));
    assert_only(
        &r,
        Rule::Sev1CommsByEngineeringLead,
        Some("roles.engineering_lead"),
    );
    let r = s.reject(&with(&declare, "roles.technical_lead", json!("")));
    assert_only(&r, Rule::FieldEmpty, Some("roles.technical_lead"));
    s.accept(&declare);
    // assign_role with a blank person for the commander is
    // `commander-required` at `person` (issue 10 §8; it was `field-empty`
    // until then): the rule that demands the value names it.
    let blank = s.assign_role("commander", " ");
    assert_only(&s.reject(&blank), Rule::CommanderRequired, Some("person"));
}

#[test]
fn blank_required_texts_are_field_empty() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let pm = s.submit_postmortem();
    let r = s.reject(&with(&pm, "postmortem.timeline[1].event", json!("")));
    assert_only(&r, Rule::FieldEmpty, Some("postmortem.timeline[1].event"));
    let r = s.reject(&with(&pm, "postmortem.owners", json!(["Ada", " "])));
    assert_only(&r, Rule::FieldEmpty, Some("postmortem.owners[1]"));
    let reopen = s.reopen();
    for (how, cmd) in absent(&reopen, "reason") {
        let r = s.reject(&cmd);
        assert_eq!(r.violations().len(), 1, "{how}: {r:#?}");
        assert_at(&r, Rule::FieldEmpty, Some("reason"));
    }
    s.accept(&reopen);
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for (how, cmd) in absent(&declare, "title") {
        let r = s.reject(&cmd);
        assert_eq!(r.violations().len(), 1, "{how}: {r:#?}");
        assert_at(&r, Rule::FieldEmpty, Some("title"));
    }
}

#[test]
fn exactly_the_documented_characters_make_a_text_blank() {
    // docs/contract.md, Texts: the 30 characters, and nothing else (issue 10
    // §8: settled for every implementation).
    let documented: Vec<u32> = [
        (0x09, 0x0d),
        (0x1c, 0x1f),
        (0x20, 0x20),
        (0x85, 0x85),
        (0xa0, 0xa0),
        (0x1680, 0x1680),
        (0x2000, 0x200a),
        (0x2028, 0x2029),
        (0x202f, 0x202f),
        (0x205f, 0x205f),
        (0x3000, 0x3000),
        (0xfeff, 0xfeff),
    ]
    .into_iter()
    .flat_map(|(a, b)| a..=b)
    .collect();
    assert_eq!(documented.len(), 30);
    let blank: Vec<u32> = (0..=0x10ffff_u32)
        .filter_map(char::from_u32)
        .filter(|c| incident_playbook::is_blank(c.encode_utf8(&mut [0; 4])))
        .map(u32::from)
        .collect();
    assert_eq!(blank, documented);
    for zero_width in ["\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}"] {
        assert!(!incident_playbook::is_blank(zero_width));
    }
    // Through a command: a note of U+FEFF and U+0085 is blank, one of a
    // zero-width space is not.
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.add_note();
    let r = s.reject(&with(&note, "text", json!("\u{feff}\u{85} \t")));
    assert_only(&r, Rule::FieldEmpty, Some("text"));
    s.accept(&with(&note, "text", json!("\u{200b}")));
}

#[test]
fn violations_are_in_catalogue_order() {
    // Issue 10 §8: the first rule of a rejection is the same in every
    // implementation. A rollback to the running tag without an update breaks
    // a mitigation rule found first and a declaring rule found later; the
    // declaring rule comes first in the catalogue, so it is `rule`.
    let mut s = Scenario::triaged(Severity::Sev3);
    let rollback = s.rollback();
    let to = rollback["mitigation"]["from_tag"].clone();
    let broken = without(&with(&rollback, "mitigation.to_tag", to), "update");
    let r = s.reject(&broken);
    assert_eq!(r.rules(), [Rule::UpdateRequired, Rule::RollbackSameTag]);
    assert_eq!(r.rule(), Rule::UpdateRequired);
    let at: Vec<Rule> = Rule::ALL.to_vec();
    let mut sorted = at.clone();
    sorted.sort();
    assert_eq!(at, sorted, "Rule's order is the catalogue's");
    // Violations of one rule keep the order found (the input's).
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let pm = s.submit_postmortem();
    let pm = with(&pm, "postmortem.what_worked", json!(" "));
    let pm = with(&pm, "postmortem.summary", json!(" "));
    let paths: Vec<_> = s
        .reject(&pm)
        .iter()
        .map(|v| v.path().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(paths, ["postmortem.summary", "postmortem.what_worked"]);
}
