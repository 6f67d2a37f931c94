//! Tampered snapshots: a snapshot is loaded only if its own history produces
//! it, and a hand-edited one is refused with the id of the rule it breaks.
//!
//! Each test takes the snapshot of a realistic history (a conformance case
//! replayed, or a scenario of the fixture played; never written by hand),
//! edits one thing as a person with a text editor might,
//! and checks that `Incident::load` names the rule (and the path) the edit
//! breaks. The untampered snapshots load, so a test fails if the edit is
//! ignored.

use crate::fixture::*;
use incident_playbook::{Incident, Phase, Playbook, Rejection, Rule, Severity, Snapshot};
use serde_json::{Value, json};

/// The snapshots a stream of command lines ends with; every line must be accepted.
fn replay(lines: &str) -> Vec<Value> {
    replayed(lines, Playbook::default())
        .iter()
        .map(|i| serde_json::to_value(i).unwrap())
        .collect()
}

fn only(lines: &str) -> Value {
    let mut all = replay(lines);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

/// The snapshot of the scenario's incident.
fn snapshot(s: &Scenario) -> Value {
    serde_json::to_value(s.incident()).unwrap()
}

/// A resolved SEV2 with a draft postmortem that leaves most sections out.
fn sev2_resolved_scenario() -> Scenario {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let draft = s.command(
        "submit_postmortem",
        json!({"postmortem": {"title": "Report exports failing after a config change",
                              "severity": "SEV2", "status": "draft"}}),
    );
    s.accept(&draft);
    s
}

fn sev2_resolved() -> Value {
    snapshot(&sev2_resolved_scenario())
}

/// A closed SEV2 that blocked an endpoint and lifted the block before closing.
fn sev2_closed_after_block() -> Value {
    let mut s = Scenario::triaged(Severity::Sev2);
    for step in [
        Scenario::block,
        Scenario::begin_monitoring,
        Scenario::lift_block,
        Scenario::resolve,
        Scenario::submit_postmortem,
        Scenario::close,
    ] {
        s.run(step);
    }
    snapshot(&s)
}

/// A SEV3 escalated to SEV2 and back: current SEV3, peak SEV2, investigating.
fn sev3_after_escalation() -> Value {
    let mut s = Scenario::declared(Severity::Sev3);
    s.run(|s| s.change_severity(Severity::Sev2));
    s.run(|s| s.change_severity(Severity::Sev3));
    snapshot(&s)
}

fn sev1_closed() -> Value {
    only(HAPPY_SEV1)
}

fn load(value: Value) -> Result<Incident, Rejection> {
    let snapshot: Snapshot = serde_json::from_value(value).expect("still a snapshot's shape");
    Incident::load(snapshot, &Playbook::default())
}

/// `edit` turns `base` into a snapshot that `load` refuses with `rule` at a
/// path starting with `path` (`""`: any path, or none).
fn refused(mut base: Value, edit: impl FnOnce(&mut Value), rule: Rule, path: &str) {
    edit(&mut base);
    let rejection = match load(base) {
        Ok(_) => panic!("the tampered snapshot loaded; expected {rule}"),
        Err(r) => r,
    };
    assert!(
        rejection.iter().any(|v| v.rule() == rule
            && (path.is_empty() || v.path().is_some_and(|p| p.starts_with(path)))),
        "expected {rule} at {path:?}, got {:#?}",
        rejection.violations()
    );
}

fn history(s: &mut Value) -> &mut Vec<Value> {
    s["history"].as_array_mut().unwrap()
}

#[test]
fn the_untampered_snapshots_load() {
    let mut bases = vec![
        sev1_closed(),
        sev2_resolved(),
        sev2_closed_after_block(),
        sev3_after_escalation(),
    ];
    bases.extend(replay(INTERLEAVED));
    for base in bases {
        let incident = load(base.clone()).unwrap();
        assert_eq!(serde_json::to_value(&incident).unwrap(), base);
    }
}

// ---- The state's own rules ----

#[test]
fn removing_the_sev1_scribe() {
    refused(
        sev1_closed(),
        |s| {
            s["roles"].as_object_mut().unwrap().remove("scribe");
        },
        Rule::Sev1NeedsScribe,
        "roles.scribe",
    );
}

#[test]
fn making_the_commander_the_scribe_at_sev1() {
    refused(
        sev1_closed(),
        |s| s["roles"]["scribe"] = s["roles"]["commander"].clone(),
        Rule::Sev1ScribeNotCommander,
        "roles",
    );
}

#[test]
fn handing_sev1_comms_to_someone_not_the_engineering_lead() {
    refused(
        sev1_closed(),
        |s| s["roles"]["communications_owner"] = json!("Grace"),
        Rule::Sev1CommsByEngineeringLead,
        "roles",
    );
}

#[test]
fn marking_a_resolved_sev2_closed_without_a_published_postmortem() {
    refused(
        sev2_resolved(),
        |s| s["phase"] = json!("closed"),
        Rule::PostmortemRequired,
        "postmortem",
    );
}

#[test]
fn removing_the_postmortem_of_a_closed_sev1() {
    refused(
        sev1_closed(),
        |s| {
            s.as_object_mut().unwrap().remove("postmortem");
        },
        Rule::PostmortemRequired,
        "postmortem",
    );
}

#[test]
fn lowering_the_peak_below_the_severity() {
    refused(
        sev1_closed(),
        |s| s["peak_severity"] = json!("SEV2"),
        Rule::SnapshotHistoryMismatch,
        "peak_severity",
    );
}

#[test]
fn lowering_the_peak_to_the_current_severity_hides_an_escalation() {
    // Not wrong on its face (peak SEV3 = severity SEV3): only the history shows it.
    let base = sev3_after_escalation();
    assert_eq!(base["peak_severity"], "SEV2");
    refused(
        base,
        |s| s["peak_severity"] = json!("SEV3"),
        Rule::SnapshotHistoryMismatch,
        "peak_severity",
    );
}

#[test]
fn changing_the_severity_below_the_flags_floor() {
    refused(
        sev1_closed(),
        |s| {
            s["severity"] = json!("SEV2");
            s["peak_severity"] = json!("SEV2");
            s["postmortem"]["severity"] = json!("SEV2");
        },
        Rule::SeverityBelowFloor,
        "severity",
    );
}

#[test]
fn dropping_a_triage_check_of_a_resolved_sev2() {
    refused(
        sev2_resolved(),
        |s| {
            s["checks"].as_array_mut().unwrap().remove(2);
        },
        Rule::TriageChecksMissing,
        "checks",
    );
}

#[test]
fn removing_all_notes_of_a_resolved_sev2() {
    refused(
        sev2_resolved(),
        |s| s["notes"] = json!([]),
        Rule::NotesRequired,
        "notes",
    );
}

#[test]
fn flipping_a_draft_postmortem_to_published_with_empty_sections() {
    refused(
        sev2_resolved(),
        |s| s["postmortem"]["status"] = json!("published"),
        Rule::PostmortemIncomplete,
        "postmortem.summary",
    );
}

#[test]
fn changing_the_postmortem_severity_of_a_closed_incident() {
    refused(
        sev2_closed_after_block(),
        |s| s["postmortem"]["severity"] = json!("SEV3"),
        Rule::PostmortemSeverityMismatch,
        "postmortem.severity",
    );
}

#[test]
fn adding_a_blocked_endpoint_to_a_closed_incident() {
    refused(
        sev2_closed_after_block(),
        |s| s["blocked_endpoints"] = json!(["/api/share"]),
        Rule::BlockNotLifted,
        "blocked_endpoints",
    );
}

#[test]
fn editing_an_updates_next_update_before_its_at() {
    refused(
        sev1_closed(),
        |s| s["updates"][1]["next_update"] = json!("2026-05-04T09:19:00Z"),
        Rule::NextUpdateNotAfterUpdate,
        "updates[1].next_update",
    );
}

#[test]
fn removing_the_next_update_of_an_open_phase_update() {
    refused(
        sev1_closed(),
        |s| {
            s["updates"][0]
                .as_object_mut()
                .unwrap()
                .remove("next_update");
        },
        Rule::UpdateNeedsNextUpdate,
        "updates[0].next_update",
    );
}

#[test]
fn moving_the_impact_start_after_the_last_command() {
    // After the declaration is a true start now; after every command that
    // could have said so is not.
    refused(
        sev1_closed(),
        |s| s["impact"]["started_at"] = json!("2027-05-04T09:30:00Z"),
        Rule::OccurredAfterRecorded,
        "impact.started_at",
    );
}

#[test]
fn unordering_the_postmortem_timeline() {
    refused(
        sev1_closed(),
        |s| {
            s["postmortem"]["timeline"]
                .as_array_mut()
                .unwrap()
                .swap(0, 3)
        },
        Rule::PostmortemTimelineUnordered,
        "postmortem.timeline",
    );
}

#[test]
fn making_an_action_item_due_before_the_incident() {
    refused(
        sev1_closed(),
        |s| s["postmortem"]["action_items"][0]["due"] = json!("2026-05-01"),
        Rule::ActionItemDueBeforeIncident,
        "postmortem.action_items[0].due",
    );
}

#[test]
fn dropping_the_guardrail_of_the_only_action_item() {
    refused(
        sev1_closed(),
        |s| {
            s["postmortem"]["action_items"][0]
                .as_object_mut()
                .unwrap()
                .remove("guardrail");
        },
        Rule::GuardrailActionMissing,
        "postmortem.action_items",
    );
}

// ---- Fields that only the history can refute ----

#[test]
fn changing_the_version() {
    refused(
        sev1_closed(),
        |s| s["version"] = json!(12),
        Rule::SnapshotHistoryMismatch,
        "version",
    );
}

#[test]
fn changing_the_title_only() {
    refused(
        sev1_closed(),
        |s| s["title"] = json!("Minor upload hiccup"),
        Rule::SnapshotHistoryMismatch,
        "title",
    );
}

#[test]
fn swapping_the_incident_id() {
    refused(
        sev1_closed(),
        |s| s["incident_id"] = json!(OTHER_INCIDENT),
        Rule::SnapshotHistoryMismatch,
        "incident_id",
    );
}

#[test]
fn reopening_a_closed_incident_by_hand() {
    refused(
        sev1_closed(),
        |s| s["phase"] = json!("resolved"),
        Rule::SnapshotHistoryMismatch,
        "phase",
    );
}

#[test]
fn rewording_a_note() {
    refused(
        sev2_resolved(),
        |s| s["notes"][0]["text"] = json!("Nothing to see here."),
        Rule::SnapshotHistoryMismatch,
        "notes",
    );
}

#[test]
fn deleting_the_root_cause() {
    refused(
        sev1_closed(),
        |s| {
            s.as_object_mut().unwrap().remove("root_cause");
        },
        Rule::SnapshotHistoryMismatch,
        "root_cause",
    );
}

#[test]
fn editing_an_updates_severity() {
    refused(
        sev3_after_escalation(),
        |s| s["updates"][1]["severity"] = json!("SEV3"),
        Rule::SnapshotHistoryMismatch,
        "updates",
    );
}

#[test]
fn moving_the_declaration_time() {
    refused(
        sev1_closed(),
        |s| s["declared_at"] = json!("2026-05-04T09:01:00Z"),
        Rule::SnapshotHistoryMismatch,
        "declared_at",
    );
}

// ---- Tampered histories ----

#[test]
fn reordering_the_history() {
    // Monitoring before the mitigation it watches.
    refused(
        sev1_closed(),
        |s| history(s).swap(7, 8),
        Rule::NotAllowedInPhase,
        "history[7]",
    );
}

#[test]
fn swapping_two_triage_checks_in_the_history() {
    refused(
        sev1_closed(),
        |s| history(s).swap(2, 3),
        Rule::TimestampRegressed,
        "history[3].at",
    );
}

#[test]
fn editing_a_timestamp_backwards() {
    refused(
        sev1_closed(),
        |s| history(s)[6]["at"] = json!("2026-05-04T09:00:00Z"),
        Rule::TimestampRegressed,
        "history[6].at",
    );
}

#[test]
fn duplicating_a_command_id_in_the_history() {
    refused(
        sev1_closed(),
        |s| {
            let first_check = history(s)[1]["command_id"].clone();
            history(s)[2]["command_id"] = first_check;
        },
        Rule::CommandIdReused,
        "history[2].command_id",
    );
}

#[test]
fn repeating_a_whole_command_in_the_history() {
    refused(
        sev1_closed(),
        |s| {
            let note = history(s)[6].clone();
            history(s).insert(7, note);
            s["version"] = json!(14);
        },
        Rule::CommandIdReused,
        "history[7].command_id",
    );
}

#[test]
fn changing_a_command_inside_the_history() {
    // The declaration said SEV1 for a broad outage; make it say SEV2.
    refused(
        sev1_closed(),
        |s| history(s)[0]["severity"] = json!("SEV2"),
        Rule::SeverityBelowFloor,
        "history[0].severity",
    );
}

#[test]
fn rewording_a_command_inside_the_history() {
    // A valid history still, but not the one this state came from.
    refused(
        sev1_closed(),
        |s| history(s)[6]["text"] = json!("Nothing to see here."),
        Rule::SnapshotHistoryMismatch,
        "notes",
    );
}

/// The resolved SEV2 and a valid note that would come next.
fn sev2_resolved_and_a_late_note() -> (Value, Value) {
    let mut s = sev2_resolved_scenario();
    let note = s.add_note();
    (snapshot(&s), note)
}

#[test]
fn appending_a_command_without_changing_derived_fields() {
    let (base, note) = sev2_resolved_and_a_late_note();
    refused(
        base,
        |s| history(s).push(note),
        Rule::SnapshotHistoryMismatch,
        "version",
    );
}

#[test]
fn appending_a_command_and_bumping_the_version() {
    let (base, note) = sev2_resolved_and_a_late_note();
    refused(
        base,
        |s| {
            history(s).push(note);
            s["version"] = json!(12);
        },
        Rule::SnapshotHistoryMismatch,
        "notes",
    );
}

#[test]
fn appending_a_command_after_close() {
    refused(
        sev1_closed(),
        |s| {
            // A triage check: not one of the amendments a closed incident takes.
            let mut note = history(s)[1].clone();
            note["command_id"] = json!(command_id(99));
            note["at"] = json!("2026-05-06T09:00:00Z");
            history(s).push(note);
            s["version"] = json!(14);
        },
        Rule::IncidentClosed,
        "history[13]",
    );
}

#[test]
fn removing_the_declare() {
    refused(
        sev1_closed(),
        |s| {
            history(s).remove(0);
        },
        Rule::NotDeclared,
        "history[0]",
    );
}

#[test]
fn emptying_the_history() {
    refused(
        sev1_closed(),
        |s| s["history"] = json!([]),
        Rule::NotDeclared,
        "history",
    );
}

#[test]
fn truncating_the_history_and_the_version() {
    refused(
        sev1_closed(),
        |s| {
            history(s).pop();
            s["version"] = json!(12);
        },
        Rule::SnapshotHistoryMismatch,
        "phase",
    );
}

#[test]
fn slipping_another_incidents_command_into_the_history() {
    refused(
        sev1_closed(),
        |s| history(s)[6]["incident_id"] = json!(OTHER_INCIDENT),
        Rule::NotDeclared,
        "history[6].incident_id",
    );
}

#[test]
fn forging_an_expected_version_in_the_history() {
    refused(
        sev1_closed(),
        |s| history(s)[6]["expected_version"] = json!(u64::MAX),
        Rule::VersionConflict,
        "history[6].expected_version",
    );
}

#[test]
fn grafting_another_incidents_history() {
    let other = replay(INTERLEAVED).remove(1);
    refused(
        sev1_closed(),
        move |s| {
            s["history"] = other["history"].clone();
            s["version"] = other["version"].clone();
        },
        Rule::SnapshotHistoryMismatch,
        "incident_id",
    );
}

#[test]
fn removing_the_lift_block_from_a_closed_history() {
    refused(
        sev2_closed_after_block(),
        |s| {
            history(s).remove(9);
            s["version"] = json!(12);
        },
        Rule::BlockNotLifted,
        "history[11]",
    );
}

// ---- Through the binary ----

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::process::Command;

    /// `incident check --format json` on `doc`: the exit code and the report.
    fn check(doc: &Value) -> (Option<i32>, Value) {
        let dir = std::env::temp_dir().join(format!("incident-tamper-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!(
            "{}.json",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::write(&file, doc.to_string()).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_incident"))
            .args(["check", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap();
        std::fs::remove_file(&file).unwrap();
        let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), report)
    }

    #[test]
    fn check_names_the_rule_of_each_tampered_snapshot_in_an_array() {
        let mut scribe_gone = sev1_closed();
        scribe_gone["roles"]
            .as_object_mut()
            .unwrap()
            .remove("scribe");
        let mut peak_lowered = sev3_after_escalation();
        peak_lowered["peak_severity"] = json!("SEV3");
        let mut reordered = sev1_closed();
        history(&mut reordered).swap(2, 3);
        let mut closed_by_hand = sev2_resolved();
        closed_by_hand["phase"] = json!("closed");
        let untouched = sev2_closed_after_block();

        let (code, report) = check(&json!([
            scribe_gone,
            peak_lowered,
            reordered,
            closed_by_hand,
            untouched
        ]));
        assert_eq!(code, Some(1), "{report}");
        let rules: Vec<&Value> = report["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| &s["rule"])
            .collect();
        assert_eq!(
            rules,
            [
                &json!("sev1-needs-scribe"),
                &json!("snapshot-history-mismatch"),
                &json!("timestamp-regressed"),
                &json!("postmortem-required"),
                &Value::Null,
            ]
        );
        assert_eq!(report["snapshots"][4]["ok"], true);
    }

    #[test]
    fn check_refuses_a_tampered_replay_output_document() {
        let mut incidents = replay(INTERLEAVED);
        incidents[1]["version"] = json!(7);
        let (code, report) = check(&json!({"incidents": incidents, "rejections": []}));
        assert_eq!(code, Some(1), "{report}");
        assert_eq!(report["snapshots"][0]["ok"], true);
        assert_eq!(report["snapshots"][1]["rule"], "snapshot-history-mismatch");
        assert_eq!(report["snapshots"][1]["violations"][0]["path"], "version");
    }

    #[test]
    fn check_calls_a_snapshot_without_a_commander_malformed() {
        // The commander is part of the shape of `roles`: without one the
        // document is not a snapshot at all.
        let mut s = sev1_closed();
        s["roles"].as_object_mut().unwrap().remove("commander");
        let (code, report) = check(&s);
        assert_eq!(code, Some(2), "{report}");
        assert_eq!(report["snapshots"][0]["rule"], "malformed-input");
        // The path is the object the field is missing from.
        assert_eq!(report["snapshots"][0]["violations"][0]["path"], "roles");
    }

    #[test]
    fn check_calls_a_version_too_big_for_u64_malformed() {
        let mut s = sev1_closed();
        s["version"] = json!(1e30);
        let (code, report) = check(&s);
        assert_eq!(code, Some(2), "{report}");
        assert_eq!(report["snapshots"][0]["rule"], "malformed-input");
        assert_eq!(report["snapshots"][0]["violations"][0]["path"], "version");
    }

    #[test]
    fn check_calls_a_snapshot_with_an_array_for_an_object_malformed() {
        // Issue 10 §8: `"roles": ["Ada", …]` is serde's array form of the
        // roles object, which the schema refuses, and so does `check`.
        let mut s = sev1_closed();
        as_array(&mut s, "roles");
        let (code, report) = check(&json!([s, sev1_closed()]));
        assert_eq!(code, Some(2), "{report}");
        let first = &report["snapshots"][0];
        assert_eq!(first["rule"], "malformed-input", "{report}");
        let message = first["violations"][0]["message"].as_str().unwrap();
        assert!(message.contains("invalid type: sequence"), "{message}");
        assert_eq!(first["violations"][0]["path"], "roles", "{report}");
        assert_eq!(report["snapshots"][1]["ok"], true, "{report}");
    }
}

// ---- Shapes (issue 10 §8): a snapshot is read as strictly as a command ----

/// Why `value` is not a snapshot, as `serde_json` says it.
fn not_a_snapshot(value: Value) -> String {
    match serde_json::from_value::<Snapshot>(value) {
        Ok(_) => panic!("read as a snapshot"),
        Err(e) => e.to_string(),
    }
}

/// The values of the object at `path` of `s`, in order: the object written
/// as serde's array of its fields.
fn as_array(s: &mut Value, path: &str) {
    let object = at_path(s, path);
    let fields: Vec<Value> = object.as_object().unwrap().values().cloned().collect();
    *object = Value::Array(fields);
}

#[test]
fn an_object_written_as_an_array_is_refused_at_any_depth() {
    let base = sev1_closed();
    for path in [
        "roles",
        "impact",
        "updates[0]",
        "mitigations[0]",
        "postmortem",
        "postmortem.action_items[0]",
        "history[0].update",
        "history[1]",
    ] {
        let mut s = base.clone();
        as_array(&mut s, path);
        let err = not_a_snapshot(s);
        assert!(err.contains("invalid type: sequence"), "{path}: {err}");
    }
    let mut whole = base.clone();
    as_array(&mut whole, "");
    assert!(not_a_snapshot(whole).contains("invalid type: sequence"));
    // The untouched snapshot is read, so the edits above are what is refused.
    assert!(load(base).is_ok());
}

#[test]
fn an_enum_written_as_a_one_key_object_is_refused() {
    for (path, value) in [
        ("phase", json!({"closed": null})),
        ("severity", json!({"SEV1": null})),
        ("updates[0].status", json!({"investigating": null})),
    ] {
        let s = with(&sev1_closed(), path, value);
        let err = not_a_snapshot(s);
        assert!(err.contains("invalid type: map"), "{path}: {err}");
    }
}
