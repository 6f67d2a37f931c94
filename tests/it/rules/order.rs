//! Which check comes first: malformed input, duplicates, then the rules that
//! are reported alone, then every other violation listed.

use super::*;

/// `base` (a well-formed command) with `edit` applied, as a line.
fn malformed(base: &Value, edit: impl FnOnce(&mut Value)) -> String {
    parse(base);
    let mut v = base.clone();
    edit(&mut v);
    v.to_string()
}

/// `base` as a line with `extra` (`"key": value`) added at the end of the
/// object: how a duplicate key is written, which a `Value` cannot hold.
fn with_raw(base: &Value, extra: &str) -> String {
    parse(base);
    let line = base.to_string();
    format!("{},{extra}}}", &line[..line.len() - 1])
}

/// Lines that are not well-formed commands for `s`'s incident, each built
/// from a valid command by one change, with what the change is.
fn malformed_lines(s: &mut Scenario) -> Vec<(&'static str, String)> {
    let note = s.add_note();
    let update = s.post_update();
    let change = s.change_severity(Severity::Sev2);
    let assign = s.assign_role("scribe", "Ken");
    let check = s.record_check("logs");
    let block = s.block();
    let rollback = s.rollback();
    let impact = s.command(
        "update_impact",
        json!({"impact": impact(Severity::Sev3, true)}),
    );
    let resolve = s.command(
        "resolve",
        json!({"verification": {"health": {"live": true, "ready": true, "status": true}},
               "update": s.update_at(s.clock, Some(Phase::Resolved))}),
    );
    let pm = s.command(
        "submit_postmortem",
        json!({"postmortem": postmortem(Severity::Sev2)}),
    );
    let owner_pair = "\"owner\":\"Ada\"";
    vec![
        ("not JSON", "{\"type\": \"add_note\",".to_owned()),
        ("JSON but not an object", "[\"add_note\"]".to_owned()),
        ("a duplicate key", with_raw(&note, "\"text\":\"again\"")),
        (
            "a duplicate `type`",
            with_raw(&note, "\"type\":\"add_note\""),
        ),
        (
            "a duplicate key inside the update, same value",
            update
                .to_string()
                .replace(owner_pair, &format!("{owner_pair},{owner_pair}")),
        ),
        ("an unknown field", with_raw(&note, "\"txt\":\"Typo\"")),
        (
            "an unknown field inside the update",
            malformed(&update, |v| v["update"]["ownr"] = json!("Ada")),
        ),
        (
            "a field of another command type",
            with_raw(&note, "\"title\":\"x\""),
        ),
        (
            "a field of another command type, null",
            with_raw(&note, "\"title\":null"),
        ),
        ("no type", malformed(&note, |v| remove(v, "type"))),
        (
            "an unknown type",
            malformed(&note, |v| v["type"] = json!("add_comment")),
        ),
        (
            "type not a string",
            malformed(&note, |v| v["type"] = json!(7)),
        ),
        (
            "no incident_id",
            malformed(&note, |v| remove(v, "incident_id")),
        ),
        (
            "incident_id not a UUID",
            malformed(&note, |v| v["incident_id"] = json!("INC-42")),
        ),
        (
            "incident_id without hyphens",
            malformed(&note, |v| {
                v["incident_id"] = json!(INCIDENT.replace('-', ""));
            }),
        ),
        (
            "no command_id",
            malformed(&note, |v| remove(v, "command_id")),
        ),
        (
            "command_id not a UUID",
            malformed(&note, |v| v["command_id"] = json!("42")),
        ),
        ("no at", malformed(&note, |v| remove(v, "at"))),
        (
            "at without an offset",
            malformed(&note, |v| v["at"] = json!("2026-05-04T09:30:00")),
        ),
        (
            "at a date only",
            malformed(&note, |v| v["at"] = json!("2026-05-04")),
        ),
        (
            "at a number",
            malformed(&note, |v| v["at"] = json!(1_777_885_500)),
        ),
        (
            "expected_version a string",
            malformed(&note, |v| v["expected_version"] = json!("3")),
        ),
        (
            "expected_version negative",
            malformed(&note, |v| v["expected_version"] = json!(-1)),
        ),
        (
            "expected_version a fraction",
            malformed(&note, |v| v["expected_version"] = json!(1.5)),
        ),
        ("text a number", malformed(&note, |v| v["text"] = json!(42))),
        (
            "update a string",
            malformed(&update, |v| v["update"] = json!("all fine")),
        ),
        (
            "an unknown severity",
            malformed(&change, |v| v["severity"] = json!("SEV5")),
        ),
        (
            "a severity in lower case",
            malformed(&change, |v| v["severity"] = json!("sev2")),
        ),
        (
            "an unknown impact flag",
            malformed(&impact, |v| v["impact"]["flags"] = json!(["meteor_strike"])),
        ),
        (
            "an unknown surface",
            malformed(&impact, |v| v["impact"]["surfaces"] = json!(["mobile"])),
        ),
        (
            "user_impact_active a string",
            malformed(&impact, |v| {
                v["impact"]["user_impact_active"] = json!("yes");
            }),
        ),
        (
            "started_at not a timestamp",
            malformed(&impact, |v| v["impact"]["started_at"] = json!("yesterday")),
        ),
        (
            "an unknown role",
            malformed(&assign, |v| v["role"] = json!("janitor")),
        ),
        (
            "an unknown triage check",
            malformed(&check, |v| v["check"] = json!("dns")),
        ),
        (
            "a severity in the update (it is the incident's, never sent)",
            malformed(&update, |v| v["update"]["severity"] = json!("SEV3")),
        ),
        (
            "an unknown update status",
            malformed(&update, |v| v["update"]["status"] = json!("fixed")),
        ),
        (
            "next_update not a timestamp",
            malformed(&update, |v| v["update"]["next_update"] = json!("soon")),
        ),
        (
            "an unknown risk level",
            malformed(&block, |v| {
                v["mitigation"]["security_risk"] = json!("extreme");
            }),
        ),
        (
            "an unknown mitigation kind",
            malformed(&rollback, |v| v["mitigation"]["kind"] = json!("reboot")),
        ),
        (
            "a mitigation field of another kind",
            malformed(&rollback, |v| v["mitigation"]["endpoint"] = json!("/api")),
        ),
        (
            "a health check a string",
            malformed(&resolve, |v| {
                v["verification"]["health"]["live"] = json!("true");
            }),
        ),
        (
            "an unknown guardrail",
            malformed(&pm, |v| {
                v["postmortem"]["action_items"][0]["guardrail"] = json!("wiki");
            }),
        ),
        (
            "an unknown postmortem status",
            malformed(&pm, |v| v["postmortem"]["status"] = json!("final")),
        ),
        (
            "an unknown action item status",
            malformed(&pm, |v| {
                v["postmortem"]["action_items"][0]["status"] = json!("blocked");
            }),
        ),
        (
            "a due date not a date",
            malformed(&pm, |v| {
                v["postmortem"]["action_items"][0]["due"] = json!("May 20");
            }),
        ),
    ]
}

#[test]
fn malformed_input_is_reported_alone_before_any_other_check() {
    // To a closed incident (every well-formed command is `incident-closed`)
    // and to one never declared (`not-declared`): the line is malformed first.
    for mut s in [
        Scenario::in_phase(Severity::Sev2, Phase::Closed),
        Scenario::new(Severity::Sev2),
    ] {
        for (what, line) in malformed_lines(&mut s) {
            let refused = s.reject_line(&line);
            assert_eq!(
                refused.rejection.violations().len(),
                1,
                "{what}: {:#?}",
                refused.rejection
            );
            assert_eq!(refused.rejection.rule(), Rule::MalformedInput, "{what}");
        }
    }
}

#[test]
fn a_line_that_is_malformed_and_breaks_rules_is_only_malformed() {
    let mut s = Scenario::new(Severity::Sev1);
    // No scribe, no impact feature, and an unknown field.
    let declare = without(&without(&s.declare(), "roles.scribe"), "impact.feature");
    let refused = s.reject_line(&with_raw(&declare, "\"priority\":\"P1\""));
    assert_only(&refused.rejection, Rule::MalformedInput, Some("priority"));
    // The ids are still read off the line for the report.
    assert_eq!(refused.incident_id, Some(s.id));
    assert_eq!(
        refused.command_id.map(|id| id.to_string()),
        declare["command_id"].as_str().map(str::to_owned)
    );
}

#[test]
fn an_exact_duplicate_is_accepted_before_any_other_check() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare_now();
    // Redelivered while open: a duplicate, not `already-declared`.
    s.duplicate(&declare);
    let note = with(&s.add_note(), "expected_version", json!(1));
    s.accept(&note);
    let rollback = s.run(Scenario::rollback);
    let monitoring = s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.run(Scenario::close);
    assert_eq!(s.version(), 6);

    // After the close every other check would refuse these: the incident is
    // closed, their `at` is earlier than the last command, the note expects
    // version 1, and begin_monitoring is no longer allowed in the phase.
    for cmd in [&declare, &note, &rollback, &monitoring, &close] {
        s.duplicate(cmd);
    }
    assert_eq!(s.version(), 6);
    assert_eq!(s.incident().history().len(), 6);
}

#[test]
fn a_duplicate_is_the_same_command_however_the_json_is_written() {
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.run(Scenario::add_note);
    // Keys in another order.
    let fields: Vec<String> = note
        .as_object()
        .unwrap()
        .iter()
        .rev()
        .map(|(k, v)| format!("{}:{v}", json!(k)))
        .collect();
    let reordered = format!("{{{}}}", fields.join(","));
    assert_eq!(
        s.desk.handle_json(&reordered),
        Ok(Outcome::Duplicate { version: 2 })
    );
    // `null` on an optional field means absent.
    s.duplicate(&with(&note, "expected_version", Value::Null));
    // The crate compares commands as read, so the same instant written with
    // another offset is the same `at` (the contract: equality is after
    // parsing).
    s.duplicate(&with(&note, "at", json!("2026-05-04T11:06:00+02:00")));
    // Issue 10 §8 keeps it: `+00:00` for `Z`, a fraction of zeros, lower
    // case `t` and `z`, and upper-case UUIDs are the same command.
    let at = note["at"].as_str().unwrap().to_owned();
    for written in [
        at.replace('Z', "+00:00"),
        at.replace('Z', ".000Z"),
        at.replace('Z', "z").replace('T', "t"),
    ] {
        s.duplicate(&with(&note, "at", json!(written)));
    }
    let upper = |k: &str| json!(note[k].as_str().unwrap().to_ascii_uppercase());
    let shouted = with(&note, "command_id", upper("command_id"));
    s.duplicate(&with(&shouted, "incident_id", upper("incident_id")));
    // A difference in content is not a duplicate.
    let r = s.reject(&with(&note, "text", json!("Something else")));
    assert_only(&r, Rule::CommandIdReused, Some("command_id"));
}

#[test]
fn a_rejected_command_sent_again_is_checked_again_from_scratch() {
    let mut s = Scenario::declared(Severity::Sev2);
    s.do_triage();
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    let first = s.reject(&resolve);
    assert_only(&first, Rule::NotesRequired, Some("notes"));
    // Sent again unchanged: checked again (not taken for a duplicate).
    assert_eq!(s.reject(&resolve), first);
    // Its id was never accepted: once the note is there (at the same time,
    // which is in order), the very same command is accepted.
    let note = with(&s.add_note(), "at", resolve["at"].clone());
    s.accept(&note);
    s.accept(&resolve);
    s.duplicate(&resolve);
}

#[test]
fn a_rejected_command_id_is_free_for_another_command() {
    let mut s = Scenario::declared(Severity::Sev3);
    let bad = with(&s.add_note(), "text", json!(""));
    assert_only(&s.reject(&bad), Rule::FieldEmpty, Some("text"));
    let other = with(&s.add_note(), "command_id", bad["command_id"].clone());
    s.accept(&other);
}

#[test]
fn command_ids_are_unique_per_incident_only() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare_now();
    let note = s.run(Scenario::add_note);
    // Another incident's commands may carry the same ids.
    for (cmd, version) in [(&declare, 1), (&note, 2)] {
        let theirs = with(cmd, "incident_id", json!(OTHER_INCIDENT));
        assert_eq!(
            s.desk.handle(parse(&theirs)),
            Ok(Outcome::Applied { version })
        );
    }
    assert_eq!(s.version(), 2);
    assert_eq!(s.desk.len(), 2);
}

#[test]
fn not_declared_already_declared_and_incident_closed_are_reported_alone() {
    // not-declared, though the note is also blank and expects version 7.
    let mut s = Scenario::new(Severity::Sev3);
    let note = with(&s.add_note(), "text", json!(""));
    let note = with(&note, "expected_version", json!(7));
    assert_only(&s.reject(&note), Rule::NotDeclared, Some("incident_id"));

    // already-declared, though the second declaration is also at SEV1
    // without SEV1's roles, earlier than the last command, expecting version
    // 9, reusing an accepted command id, and without its next update.
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.run(Scenario::add_note);
    let again = with(&s.declare(), "severity", json!("SEV1"));
    let again = with(&again, "at", json!(time(-30)));
    let again = with(&again, "expected_version", json!(9));
    let again = with(&again, "command_id", note["command_id"].clone());
    let again = without(&again, "update.next_update");
    assert_only(
        &s.reject(&again),
        Rule::AlreadyDeclared,
        Some("incident_id"),
    );

    // incident-closed, though the update is also late, expects version 1,
    // reuses the note's id, has no next update and an owner with no role.
    let mut s = Scenario::in_phase(Severity::Sev3, Phase::Closed);
    let note_id = s.incident().history()[1].command_id.to_string();
    let update = s.post_update();
    let update = with(&update, "at", json!(time(0)));
    let update = with(&update, "expected_version", json!(1));
    let update = with(&update, "command_id", json!(note_id));
    let update = without(&update, "update.next_update");
    let update = with(&update, "update.owner", json!("Nobody"));
    assert_only(&s.reject(&update), Rule::IncidentClosed, None);
    // A new declare for a closed incident is `incident-closed` too (crate's
    // choice: the closed incident is named before the second declaration).
    let declare = s.declare();
    assert_only(&s.reject(&declare), Rule::IncidentClosed, None);
}

#[test]
fn everything_else_is_checked_and_every_violation_listed() {
    let mut s = Scenario::declared(Severity::Sev3);
    let declare_id = s.incident().history()[0].command_id.to_string();
    let update = s.post_update();
    let update = with(&update, "command_id", json!(declare_id));
    let update = with(&update, "at", json!(time(-1)));
    let update = with(&update, "expected_version", json!(3));
    let update = with(&update, "update.status", json!("monitoring"));
    let update = with(&update, "update.impact", json!("  "));
    let update = without(&update, "update.next_update");
    let update = with(&update, "update.owner", json!("Margaret"));
    let r = s.reject(&update);
    assert_exactly(
        &r,
        &[
            (Rule::CommandIdReused, Some("command_id")),
            (Rule::TimestampRegressed, Some("at")),
            (Rule::VersionConflict, Some("expected_version")),
            (Rule::UpdateStatusMismatch, Some("update.status")),
            (Rule::FieldEmpty, Some("update.impact")),
            (Rule::UpdateNeedsNextUpdate, Some("update.next_update")),
            (Rule::UpdateOwnerNotAssigned, Some("update.owner")),
        ],
    );
    // The short report names the first.
    assert_eq!(r.rule(), r.violations()[0].rule());
}

#[test]
fn a_declaration_lists_every_rule_it_breaks() {
    let mut s = Scenario::new(Severity::Sev1);
    let declare = s.declare();
    let declare = without(&declare, "title");
    let declare = with(&declare, "expected_version", json!(2));
    let declare = with(&declare, "impact.started_at", json!(time(3)));
    let declare = with(&declare, "roles.scribe", json!("Ada"));
    let declare = without(&declare, "roles.engineering_lead");
    let declare = with(&declare, "update.owner", json!("Zed"));
    let declare = with(&declare, "update.next_update", json!(time(0)));
    let r = s.reject(&declare);
    assert_exactly(
        &r,
        &[
            (Rule::FieldEmpty, Some("title")),
            (Rule::VersionConflict, Some("expected_version")),
            (Rule::OccurredAfterRecorded, Some("impact.started_at")),
            (Rule::Sev1ScribeNotCommander, Some("roles.scribe")),
            (
                Rule::Sev1CommsByEngineeringLead,
                Some("roles.engineering_lead"),
            ),
            (Rule::UpdateOwnerNotAssigned, Some("update.owner")),
            (Rule::NextUpdateNotAfterUpdate, Some("update.next_update")),
        ],
    );
    assert!(s.desk.is_empty());
}

#[test]
fn a_command_not_allowed_in_the_phase_is_checked_further() {
    let mut s = Scenario::triaged(Severity::Sev3);
    let monitor = without(&s.begin_monitoring(), "update");
    assert_exactly(
        &s.reject(&monitor),
        &[
            (Rule::NotAllowedInPhase, Some("type")),
            (Rule::UpdateRequired, Some("update")),
        ],
    );
}

#[test]
fn the_severity_floor_is_checked_even_when_the_impact_is_incomplete() {
    // The flags alone say the floor; a missing feature does not hide it.
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "impact.flags", json!(["broad_outage"]));
    let declare = without(&declare, "impact.feature");
    let declare = with(&declare, "impact.started_at", json!(time(2)));
    assert_exactly(
        &s.reject(&declare),
        &[
            (Rule::ImpactIncomplete, Some("impact.feature")),
            (Rule::OccurredAfterRecorded, Some("impact.started_at")),
            (Rule::SeverityBelowFloor, Some("severity")),
        ],
    );
    // The same in update_impact and in change_severity's new impact.
    let mut s = Scenario::declared(Severity::Sev3);
    let update = s.update_impact();
    let update = with(&update, "impact.flags", json!(["data_loss"]));
    let update = with(&update, "impact.users", json!(""));
    assert_exactly(
        &s.reject(&update),
        &[
            (Rule::ImpactIncomplete, Some("impact.users")),
            (Rule::SeverityBelowFloor, Some("impact.flags")),
        ],
    );
    let change = s.change_severity(Severity::Sev2);
    let change = with(&change, "impact.flags", json!(["security_incident"]));
    let change = without(&change, "impact.environment");
    assert_exactly(
        &s.reject(&change),
        &[
            (Rule::ImpactIncomplete, Some("impact.environment")),
            (Rule::SeverityBelowFloor, Some("severity")),
        ],
    );
}

#[test]
fn resolving_with_active_user_impact_before_monitoring_is_resolve_from_monitoring() {
    let mut s = Scenario::triaged(Severity::Sev3);
    let resolve = s.resolve();
    assert_only(
        &s.reject(&resolve),
        Rule::ResolveFromMonitoring,
        Some("type"),
    );
    s.run(Scenario::rollback);
    let resolve = s.resolve();
    assert_only(
        &s.reject(&resolve),
        Rule::ResolveFromMonitoring,
        Some("type"),
    );
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    // From resolved, resolving again is simply not allowed.
    let resolve = s.resolve();
    assert_only(&s.reject(&resolve), Rule::NotAllowedInPhase, Some("type"));

    // Without active user impact, any open phase resolves.
    let mut calm = Scenario::declared_with(Severity::Sev3, false);
    calm.run(Scenario::resolve);
    let mut calm = Scenario::declared_with(Severity::Sev3, false);
    calm.run(Scenario::rollback);
    calm.run(Scenario::resolve);

    // User impact as last set by update_impact …
    let mut s = Scenario::triaged(Severity::Sev3);
    let over = with(
        &s.update_impact(),
        "impact.user_impact_active",
        json!(false),
    );
    s.accept(&over);
    s.run(Scenario::resolve);
    // … or by change_severity.
    let mut s = Scenario::triaged(Severity::Sev3);
    let mut change = s.change_severity(Severity::Sev2);
    set(&mut change, "impact.user_impact_active", json!(false));
    s.accept(&change);
    assert!(!s.incident().impact().user_impact_active());
    s.do_triage();
    s.run(Scenario::resolve);
}

#[test]
fn the_timestamp_and_uuid_shapes_are_exactly_the_documented_ones() {
    // docs/contract.md, Timestamps and Ids (issue 10 §8).
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.add_note();
    let id = note["command_id"].as_str().unwrap().to_owned();
    for at in [
        "2026-05-04T09:06:00Z",
        "2026-05-04t09:06:00.5z",
        "2026-05-04T11:06:00.123456789+02:00",
        "2026-05-04T04:06:00-05:00",
    ] {
        let mut t = s.clone();
        t.accept(&with(&note, "at", json!(at)));
    }
    for at in [
        "2026-05-04T09:06:00",
        "2026-05-04T09:06Z",
        "2026-05-04 09:06:00Z",
        "2026-05-04T09:06:00+0200",
        "2026-05-04T09:06:00.Z",
        "2026-05-04T09:06:60Z",
        "2026-5-4T09:06:00Z",
    ] {
        let line = with(&note, "at", json!(at)).to_string();
        let r = s.reject_line(&line).rejection;
        assert_only(&r, Rule::MalformedInput, Some("at"));
    }
    let mut t = s.clone();
    t.accept(&with(&note, "command_id", json!(id.to_ascii_uppercase())));
    for bad in [
        id.replace('-', ""),
        format!("{{{id}}}"),
        format!("urn:uuid:{id}"),
        format!(" {id}"),
    ] {
        let line = with(&note, "command_id", json!(bad)).to_string();
        let r = s.reject_line(&line).rejection;
        assert_only(&r, Rule::MalformedInput, Some("command_id"));
    }
}
