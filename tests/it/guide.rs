//! The guide and the gate agree: for every conformance stream, every prefix
//! of it and every incident then, the blockers of a command kind are exactly
//! what a real command of that kind, sent next and carrying all it should,
//! is refused for.

use std::fs;

use incident_playbook::{Command, Incident, Playbook, Replay, Violation, command::CommandKind};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::fixture::{conformance_cases, root};

/// A verification passing every check of the resolve's evidence.
fn passing(evidence: &[String]) -> Value {
    let mut v: Map<String, Value> = Map::new();
    for name in evidence {
        let (section, key) = name.split_once('.').unwrap();
        let entry = v.entry(section).or_insert_with(|| match section {
            "endpoints" | "dependencies" => json!([]),
            _ => json!({}),
        });
        match section {
            "endpoints" => entry
                .as_array_mut()
                .unwrap()
                .push(json!({"path": key, "ok": true})),
            "dependencies" => entry
                .as_array_mut()
                .unwrap()
                .push(json!({"name": key, "ok": true})),
            _ => {
                entry
                    .as_object_mut()
                    .unwrap()
                    .insert(key.to_owned(), json!(true));
            }
        }
    }
    Value::Object(v)
}

/// `kind` sent next to `incident`, with what its body should carry.
fn next(incident: &Incident, kind: CommandKind, playbook: &Playbook) -> Command {
    let mut body = json!({
        "type": kind.to_string(),
        "incident_id": incident.id(),
        "command_id": Uuid::from_u128(0x6775_6964_6500_0000_0000_0000_0000_0001),
        "at": incident.last_command_at(),
    });
    let owner = incident.roles().commander().to_string();
    match kind {
        CommandKind::Resolve => {
            body["verification"] = passing(&incident.resolve_evidence(playbook));
            body["update"] =
                json!({"impact": "None any more", "action": "Verified", "owner": owner});
        }
        CommandKind::RecordRootCause => {
            body["text"] = json!("A bad deploy");
            // After close, an amendment's body says why: not the state's matter.
            if incident.phase() == incident_playbook::Phase::Closed {
                body["reason"] = json!("Found later");
            }
        }
        _ => {}
    }
    serde_json::from_value(body).unwrap()
}

/// What `cmd` is refused for, outside its update (whose audience rules
/// depend on who sends it, not on the state).
fn refused_for(incident: &Incident, cmd: Command, playbook: &Playbook) -> Vec<Violation> {
    match incident.clone().handle(cmd, playbook) {
        Ok(_) => Vec::new(),
        Err(rejection) => rejection
            .into_violations()
            .into_iter()
            .filter(|v| !v.path().is_some_and(|p| p.starts_with("update")))
            .collect(),
    }
}

#[test]
fn the_blockers_are_what_the_command_is_refused_for() {
    let playbook = Playbook::default();
    let mut compared = 0;
    for path in conformance_cases() {
        let input = fs::read_to_string(&path).unwrap();
        let mut replay = Replay::new(playbook.clone());
        for line in input.lines() {
            replay.line(line);
            for incident in replay.incidents() {
                for kind in [
                    CommandKind::Resolve,
                    CommandKind::Close,
                    CommandKind::RecordRootCause,
                ] {
                    let cmd = next(incident, kind, &playbook);
                    assert_eq!(
                        incident.blockers(kind),
                        refused_for(incident, cmd, &playbook),
                        "{}: {kind} after {line}",
                        path.display()
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 500, "{compared}");
}

#[test]
fn the_overdue_are_the_open_past_their_promise() {
    let input =
        fs::read_to_string(root().join("tests/conformance/cases/two-incidents-interleaved.jsonl"))
            .unwrap();
    let mut replay = Replay::new(Playbook::default());
    input.lines().for_each(|l| {
        replay.line(l);
    });
    let incidents = replay.incidents();
    for at in [
        "2026-05-04T09:00:00Z",
        "2026-05-04T09:50:00Z",
        "2026-05-04T12:00:00Z",
    ] {
        let at = at.parse().unwrap();
        let overdue = incidents.overdue(at);
        for incident in incidents {
            let due = incident.next_update_due();
            let listed = overdue.iter().find(|(i, _)| i.id() == incident.id());
            assert_eq!(listed.map(|(_, d)| *d), due.filter(|d| at > *d));
            assert_eq!(due.is_some(), incident.phase().is_open());
        }
        assert!(overdue.windows(2).all(|w| w[0].1 <= w[1].1));
    }
}
