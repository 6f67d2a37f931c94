//! Snapshots: `snapshot-history-mismatch` through `Incident::load`.

use super::*;

use Severity::Sev3;

pub fn snapshot_history_mismatch() -> Rejection {
    let s = Scenario::in_phase(Sev3, Phase::Closed);
    let snapshot = serde_json::to_value(s.incident()).unwrap();
    let tampered = with(&snapshot, "title", json!("Nothing happened"));
    let r = load(&tampered).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("title"));
    assert_eq!(load(&snapshot).unwrap(), *s.incident());
    r
}

#[test]
fn a_snapshot_loads_back_to_the_same_incident() {
    for severity in [Severity::Sev1, Severity::Sev2, Severity::Sev3] {
        for phase in [Phase::Investigating, Phase::Resolved, Phase::Closed] {
            let s = Scenario::in_phase(severity, phase);
            let json = serde_json::to_value(s.incident()).unwrap();
            let loaded = load(&json).unwrap();
            assert_eq!(loaded, *s.incident());
            assert_eq!(serde_json::to_value(&loaded).unwrap(), json);
        }
    }
}

#[test]
fn a_snapshot_its_history_does_not_produce_is_refused() {
    let s = Scenario::in_phase(Severity::Sev1, Phase::Closed);
    let json = serde_json::to_value(s.incident()).unwrap();
    // Edits that break no other rule: only the history disagrees.
    let edits = [
        ("title", json!("Nothing happened")),
        ("phase", json!("resolved")),
        ("last_command_at", json!(time(500))),
        ("roles.technical_lead", json!("Margaret")),
        ("impact.users", json!("Nobody")),
        ("updates[0].impact", json!("All fine")),
        ("notes[0].text", json!("Rewritten later")),
        ("checks[0].finding", json!("Something else")),
        ("mitigations[0].at", json!(time(20))),
        ("postmortem.summary", json!("A shorter story.")),
    ];
    for (path, value) in edits {
        let field = path.split(['.', '[']).next().unwrap();
        let r = load(&with(&json, path, value)).unwrap_err();
        assert_only(&r, Rule::SnapshotHistoryMismatch, Some(field));
    }
    // A version that is not the length of the history.
    let r = load(&with(&json, "version", json!(3))).unwrap_err();
    assert_eq!(r.rules(), vec![Rule::SnapshotHistoryMismatch]);
    assert_at(&r, Rule::SnapshotHistoryMismatch, Some("version"));
    // A removed endpoint block or root cause is a mismatch too.
    let mut s = Scenario::triaged(Severity::Sev3);
    s.run(Scenario::block);
    s.run(Scenario::record_root_cause);
    let json = serde_json::to_value(s.incident()).unwrap();
    let r = load(&with(&json, "blocked_endpoints", json!([]))).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("blocked_endpoints"));
    let r = load(&without(&json, "root_cause")).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("root_cause"));
}

#[test]
fn a_hand_edited_peak_severity_is_refused() {
    let mut s = Scenario::declared(Severity::Sev1);
    s.run(|s| s.change_severity(Severity::Sev3));
    let json = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(json["peak_severity"], json!("SEV1"));
    let r = load(&with(&json, "peak_severity", json!("SEV3"))).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("peak_severity"));
    // A peak below the current severity is wrong on its face as well.
    let r = load(&with(&json, "peak_severity", json!("SEV4"))).unwrap_err();
    assert_eq!(r.rules(), vec![Rule::SnapshotHistoryMismatch]);
    assert_eq!(r.violations().len(), 2, "{r:#?}");
}

#[test]
fn a_snapshot_that_breaks_a_rule_is_refused_with_that_rules_id() {
    let s = Scenario::in_phase(Severity::Sev1, Phase::Closed);
    let json = serde_json::to_value(s.incident()).unwrap();
    // The state: a SEV1 without a scribe.
    let r = load(&without(&json, "roles.scribe")).unwrap_err();
    assert_at(&r, Rule::Sev1NeedsScribe, Some("roles.scribe"));
    assert_at(&r, Rule::SnapshotHistoryMismatch, Some("roles"));
    // The history: its declaration without a scribe, at the path inside it.
    let r = load(&without(&json, "history[0].roles.scribe")).unwrap_err();
    assert_only(&r, Rule::Sev1NeedsScribe, Some("history[0].roles.scribe"));
    // A closed SEV1 without its postmortem.
    let r = load(&without(&json, "postmortem")).unwrap_err();
    assert_at(&r, Rule::PostmortemRequired, Some("postmortem"));
    // A history that holds one command twice (crate's choice of rule).
    let mut twice = json.clone();
    let note = twice["history"][6].clone();
    twice["history"].as_array_mut().unwrap().insert(7, note);
    twice["version"] = json!(s.version() + 1);
    let r = load(&twice).unwrap_err();
    assert_at(&r, Rule::CommandIdReused, Some("history[7].command_id"));
    // An empty history declares nothing (crate's choice of rule).
    let r = load(&with(&json, "history", json!([]))).unwrap_err();
    assert!(r.breaks(Rule::NotDeclared), "{r:#?}");
}
