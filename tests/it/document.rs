//! An incident keeps its notes, checks and comms updates as its history's
//! commands, not as records beside them, and builds the records when read:
//! the document it writes is its snapshot's, byte for byte, and a snapshot
//! taken back keeps only what its history agrees with.

use incident_playbook::{CompactState, Incident, Playbook, Rule};

use crate::fixture::*;

/// Every incident of the conformance cases, the golden streams and the
/// real incidents (with the playbook each was replayed under).
fn incidents() -> Vec<(Playbook, Incident)> {
    let mut out = Vec::new();
    let golden = root().join("tests/golden/sev2-escalated-reopened.jsonl");
    for path in conformance_cases().into_iter().chain([golden]) {
        let mut replay = incident_playbook::Replay::new(Playbook::default());
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            replay.line(line);
        }
        let found = replay.incidents().iter().cloned();
        out.extend(found.map(|i| (Playbook::default(), i)));
    }
    out.extend(real_incidents().into_iter().map(|(_, p, i)| (p, i)));
    out
}

#[test]
fn writes_the_snapshots_bytes() {
    let all = incidents();
    assert!(all.len() > 50, "{} incidents", all.len());
    for (_, incident) in &all {
        let written = serde_json::to_string(incident).unwrap();
        let snapshot = incident.to_snapshot();
        assert_eq!(written, serde_json::to_string(&snapshot).unwrap());
        assert_eq!(snapshot, incident.clone().into_snapshot());
        assert_eq!(incident.notes().len(), snapshot.notes.len());
        assert_eq!(incident.checks().len(), snapshot.checks.len());
        assert_eq!(incident.updates().len(), snapshot.updates.len());
        assert_eq!(
            incident.updates().next_back(),
            snapshot.updates.last().cloned()
        );
        let backwards: Vec<_> = incident.notes().rev().collect();
        assert!(backwards.iter().rev().eq(&snapshot.notes));
    }
}

#[test]
fn a_snapshot_taken_back_gives_the_same_incident() {
    for (playbook, incident) in incidents() {
        let loaded = Incident::load(incident.to_snapshot(), &playbook).unwrap();
        assert_eq!(loaded, incident);
        let resumed = Incident::resume(incident.to_snapshot(), [], &playbook).unwrap();
        assert_same(&resumed, &incident, "resumed");
    }
}

#[test]
fn a_record_its_history_does_not_make_is_refused() {
    let incident = replayed(HAPPY_SEV1, Playbook::default()).remove(0);
    for field in ["notes", "checks", "updates"] {
        let mut snapshot = incident.to_snapshot();
        match field {
            "notes" => drop(snapshot.notes.pop()),
            "checks" => drop(snapshot.checks.pop()),
            _ => drop(snapshot.updates.pop()),
        }
        // Loading replays the history: the list is not what it produces.
        let refused = Incident::load(snapshot.clone(), &Playbook::default()).unwrap_err();
        assert!(refused.breaks(Rule::SnapshotHistoryMismatch), "{field}");
        assert!(
            refused.iter().any(|v| v.path() == Some(field)),
            "{refused:?}"
        );
        // Resuming trusts the state, but not a list its history cannot make.
        let refused = Incident::resume(snapshot, [], &Playbook::default()).unwrap_err();
        assert_eq!(refused.rule(), Rule::SnapshotHistoryMismatch);
        assert_eq!(refused.violations()[0].path(), Some(field));
    }
}

#[test]
fn a_compact_state_resumes_to_the_same_incident_at_every_split() {
    for (playbook, incident) in incidents() {
        let history = incident.history();
        for at in 1..=history.len() {
            let resumed = resumed_compact(history, at, &playbook);
            assert_same(&resumed, &incident, &format!("{} at {at}", incident.id()));
        }
    }
}

#[test]
fn a_compact_state_holds_no_record_its_history_holds() {
    let incident = replayed(HAPPY_SEV1, Playbook::default()).remove(0);
    assert!(incident.notes().len() > 0 && incident.checks().len() > 0);
    let written = serde_json::to_value(incident.compact_state()).unwrap();
    for field in ["history", "notes", "checks", "updates"] {
        assert_eq!(written["state"][field], serde_json::json!([]), "{field}");
    }
    let posted = written["posted"].as_array().unwrap();
    assert_eq!(posted.len(), incident.updates().len());
    let last = incident.updates().next_back().unwrap();
    assert_eq!(
        posted.last().unwrap(),
        &serde_json::json!([last.status(), last.severity()])
    );
}

#[test]
fn a_compact_state_whose_history_posts_other_updates_is_refused() {
    let incident = replayed(HAPPY_SEV1, Playbook::default()).remove(0);
    let mut written = serde_json::to_value(incident.compact_state()).unwrap();
    written["posted"].as_array_mut().unwrap().pop();
    let compact: CompactState = serde_json::from_value(written).unwrap();
    let history = incident.history().to_vec();
    let refused = Incident::resume_compact(compact, history, [], &Playbook::default()).unwrap_err();
    assert_eq!(refused.rule(), Rule::SnapshotHistoryMismatch);
    assert_eq!(refused.violations()[0].path(), Some("updates"));
}

/// `got` is `expected`, and writes the same document.
fn assert_same(got: &Incident, expected: &Incident, what: &str) {
    assert_eq!(got, expected, "{what}");
    assert_eq!(
        serde_json::to_string(got).unwrap(),
        serde_json::to_string(expected).unwrap(),
        "{what}"
    );
}
