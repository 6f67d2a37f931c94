//! The envelope and the lifecycle: malformed lines, declaring twice, closed
//! incidents, the phase, timestamps, versions and command ids.

use super::*;

use Severity::Sev3;

pub fn malformed_input() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let note = s.add_note();
    let typo = note.to_string().replace("\"text\"", "\"txt\"");
    let refused = s.reject_line(&typo);
    // At the unknown field's path (issue 12 §4).
    assert_only(&refused.rejection, Rule::MalformedInput, Some("txt"));
    assert!(s.desk.handle_json(&note.to_string()).is_ok());
    refused.rejection
}

pub fn not_declared() -> Rejection {
    let mut s = Scenario::new(Sev3);
    let declare = s.declare();
    let note = s.add_note();
    let r = s.reject(&note);
    assert_only(&r, Rule::NotDeclared, Some("incident_id"));
    assert!(s.desk.is_empty());
    s.accept(&declare);
    s.accept(&note);
    r
}

pub fn already_declared() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let again = s.declare();
    let r = s.reject(&again);
    assert_only(&r, Rule::AlreadyDeclared, Some("incident_id"));
    // The same declaration for another incident opens that one.
    let other = with(&again, "incident_id", json!(OTHER_INCIDENT));
    assert_eq!(
        s.desk.handle(parse(&other)),
        Ok(Outcome::Applied { version: 1 })
    );
    assert_eq!(s.desk.len(), 2);
    r
}

pub fn incident_closed() -> Rejection {
    let mut s = Scenario::in_phase(Sev3, Phase::Closed);
    let update = s.post_update();
    let r = s.reject(&update);
    assert_only(&r, Rule::IncidentClosed, None);
    let mut resolved = Scenario::in_phase(Sev3, Phase::Resolved);
    resolved.run(Scenario::post_update);
    // A note is a later finding: a closed incident takes it as an amendment.
    s.run(Scenario::add_note);
    r
}

pub fn recorded_in_the_future() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let mut note = s.add_note();
    note["at"] = serde_json::json!("9999-12-31T23:59:59Z");
    let cmd: incident_playbook::Command = serde_json::from_value(note.clone()).unwrap();
    let receiver = incident_playbook::Receiver::new("2026-05-04T10:00:00Z".parse().unwrap());
    let r = receiver.check(&cmd).unwrap_err();
    assert_only(&r, Rule::RecordedInTheFuture, Some("at"));
    // A stream judged by the receiver refuses it, and nothing changes.
    let version = s.desk.iter().next().unwrap().version();
    let refused = s
        .desk
        .handle_json_at(&note.to_string(), Some(&receiver))
        .unwrap_err();
    assert_only(&refused.rejection, Rule::RecordedInTheFuture, Some("at"));
    assert_eq!(s.desk.iter().next().unwrap().version(), version);
    // Up to the skew (two minutes by default) is taken.
    let mut edge = cmd.clone();
    edge.at = "2026-05-04T10:02:00Z".parse().unwrap();
    assert!(receiver.check(&edge).is_ok());
    edge.at = "2026-05-04T10:02:00.000000001Z".parse().unwrap();
    assert!(receiver.check(&edge).is_err());
    // Without a receiver no clock judges a command.
    assert!(s.desk.handle_json(&note.to_string()).is_ok());
    r
}

pub fn not_allowed_in_phase() -> Rejection {
    let mut s = Scenario::triaged(Sev3);
    let early = s.begin_monitoring();
    let r = s.reject(&early);
    assert_only(&r, Rule::NotAllowedInPhase, Some("type"));
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    r
}

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::TimestampRegressed,
            given: || {
                let mut s = Scenario::declared(Sev3);
                s.run(Scenario::add_note); // minute 1
                s
            },
            command: Scenario::add_note,
            breaks: Set("at", json!(time(0))),
            at: "at",
            // The same `at` as the last accepted command is in order.
            fix: Some(Set("at", json!(time(1)))),
        },
        Triplet {
            rule: Rule::VersionConflict,
            given: || Scenario::declared(Sev3),
            command: Scenario::add_note,
            breaks: Set("expected_version", json!(0)),
            at: "expected_version",
            fix: Some(Set("expected_version", json!(1))),
        },
        Triplet {
            rule: Rule::FieldEmpty,
            given: || Scenario::declared(Sev3),
            command: Scenario::add_note,
            breaks: Set("text", json!(" \t ")),
            at: "text",
            fix: Some(Set("text", json!("OCR queue depth is 4,000."))),
        },
        Triplet {
            rule: Rule::FieldTooLong,
            given: || Scenario::declared(Sev3),
            command: Scenario::add_note,
            breaks: Set("text", json!("n".repeat(65_537))),
            at: "text",
            fix: Some(Set("text", json!("n".repeat(65_536)))),
        },
    ]
}

pub fn command_id_reused() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let note = s.run(Scenario::add_note);
    let other = s.add_note();
    let other = with(&other, "command_id", note["command_id"].clone());
    let other = with(
        &other,
        "text",
        json!("Provider status page shows no incident."),
    );
    let r = s.reject(&other);
    assert_only(&r, Rule::CommandIdReused, Some("command_id"));
    s.duplicate(&note);
    r
}

// ---- Versions ----

#[test]
fn the_version_counts_accepted_commands_and_a_declare_expects_zero() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for wrong in [1, 2] {
        let r = s.reject(&with(&declare, "expected_version", json!(wrong)));
        assert_only(&r, Rule::VersionConflict, Some("expected_version"));
        assert!(s.desk.is_empty());
    }
    assert_eq!(s.accept(&with(&declare, "expected_version", json!(0))), 1);

    let note = with(&s.add_note(), "expected_version", json!(1));
    assert_eq!(s.accept(&note), 2);
    // Stale and future versions conflict.
    for wrong in [0, 1, 3, 100] {
        let late = with(&s.add_note(), "expected_version", json!(wrong));
        assert_only(
            &s.reject(&late),
            Rule::VersionConflict,
            Some("expected_version"),
        );
    }
    // A duplicate and a rejection leave the version as it was.
    s.duplicate(&note);
    let blank = with(&s.add_note(), "text", json!(""));
    s.reject(&blank);
    assert_eq!(s.version(), 2);
    // Without expected_version there is no conflict to have.
    assert_eq!(s.run(Scenario::add_note).get("expected_version"), None);
    assert_eq!(s.version(), 3);
    assert_eq!(s.incident().history().len(), 3);
    let next = with(&s.add_note(), "expected_version", json!(3));
    assert_eq!(s.accept(&next), 4);
}

#[test]
fn the_direct_api_names_not_declared_for_a_stray_command() {
    let playbook = Playbook::default();
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let note = s.add_note();
    let r = Incident::declare(parse(&note), &playbook).unwrap_err();
    assert_only(&r, Rule::NotDeclared, Some("incident_id"));
    // A command handed to the wrong incident (crate's choice: not-declared).
    let mut incident = Incident::declare(parse(&declare), &playbook).unwrap();
    let before = incident.clone();
    let stray = with(&note, "incident_id", json!(OTHER_INCIDENT));
    let r = incident.handle(parse(&stray), &playbook).unwrap_err();
    assert_only(&r, Rule::NotDeclared, Some("incident_id"));
    assert_eq!(incident, before);
    assert_eq!(
        incident.handle(parse(&note), &playbook),
        Ok(Outcome::Applied { version: 2 })
    );
}

#[test]
fn timestamps_are_checked_against_the_last_accepted_command_only() {
    let mut s = Scenario::declared(Severity::Sev3);
    s.clock = 10;
    let rejected = with(&s.add_note(), "text", json!(""));
    s.reject(&rejected);
    let earlier = with(&s.add_note(), "at", json!(time(5)));
    s.accept(&earlier);
}
