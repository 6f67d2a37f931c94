//! Issue 12 §1: a history the service's own store accepted stays loadable
//! with `Incident::restore` after the playbook changes or a rule is
//! tightened, while its structure is still checked.

use std::fs;

use incident_playbook::{Command, Incident, Playbook, Replay, Rule};
use serde_json::{Value, json};

use crate::fixture::{HAPPY_SEV1, conformance_cases};

/// A playbook with none of the seed's dependencies and none of its health
/// endpoint names: every dependency and endpoint the seed histories name is
/// gone from it.
fn stripped() -> Playbook {
    serde_json::from_str(
        r#"{"dependencies": [{"name": "Stripe"}],
            "health_endpoints": [{"name": "gateway", "path": "/healthz"}]}"#,
    )
    .unwrap()
}

fn commands(lines: &str) -> Vec<Command> {
    lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn edited(history: &[Command], i: usize, edit: impl FnOnce(&mut Value)) -> Vec<Command> {
    let mut json = serde_json::to_value(history).unwrap();
    edit(&mut json[i]);
    serde_json::from_value(json).unwrap()
}

#[test]
fn every_accepted_conformance_history_restores_under_a_stripped_playbook() {
    let mut restored = 0;
    for path in conformance_cases() {
        let mut replay = Replay::new(Playbook::default());
        for line in fs::read_to_string(&path).unwrap().lines() {
            replay.line(line);
        }
        for accepted in replay.incidents().iter() {
            let history = accepted.history().to_vec();
            let incident = Incident::restore(history, &stripped())
                .unwrap_or_else(|r| panic!("{}: {r}", path.display()));
            assert_eq!(
                serde_json::to_value(&incident).unwrap(),
                serde_json::to_value(accepted).unwrap(),
                "{}",
                path.display()
            );
            restored += 1;
        }
    }
    assert!(restored > 30, "only {restored} histories");
}

#[test]
fn the_happy_history_is_refused_by_replay_and_restored_without_blob_storage() {
    let history = commands(HAPPY_SEV1);
    let refused = Incident::from_history(history.clone(), &stripped()).unwrap_err();
    assert!(refused.breaks(Rule::UnknownDependency), "{refused}");
    let incident = Incident::restore(history.clone(), &stripped()).unwrap();
    assert_eq!(incident.version(), history.len() as u64);
    // Restored, it takes new commands under today's playbook and rules:
    // this one (a triage check, no amendment) is refused only for being
    // after the close.
    let mut after = history[1].clone();
    after.command_id = crate::fixture::command_uuid(900);
    let mut incident = incident;
    let refused = incident.handle(after, &stripped()).unwrap_err();
    assert_eq!(refused.rule(), Rule::IncidentClosed);
}

/// A crate upgrade that tightens a rule, simulated honestly with the rules
/// that exist: a history that today's rules refuse (a SEV1 resolved without
/// notes, or without its triage checks) stands for one that an older,
/// laxer version of the crate accepted and stored.
#[test]
fn a_history_accepted_before_a_rule_was_tightened_restores() {
    let happy = commands(HAPPY_SEV1);
    let kinds: Vec<&str> = happy.iter().map(|c| c.kind().as_str()).collect();
    let without = |kind: &str| -> Vec<Command> {
        (happy.iter().zip(&kinds))
            .filter(|(_, k)| **k != kind)
            .map(|(c, _)| c.clone())
            .collect()
    };
    for (kind, rule) in [
        ("add_note", Rule::NotesRequired),
        ("record_check", Rule::TriageChecksMissing),
    ] {
        let history = without(kind);
        let refused = Incident::from_history(history.clone(), &Playbook::default()).unwrap_err();
        assert!(refused.breaks(rule), "{kind}: {refused}");
        let incident = Incident::restore(history.clone(), &Playbook::default()).unwrap();
        assert_eq!(incident.version(), history.len() as u64);
        // The snapshot, judged again, says what today's rules think of it.
        let snapshot = serde_json::from_value(serde_json::to_value(&incident).unwrap()).unwrap();
        assert!(Incident::load(snapshot, &Playbook::default()).is_err());
    }
}

#[test]
fn restore_still_refuses_a_broken_structure() {
    let happy = commands(HAPPY_SEV1);
    let refuses = |history: Vec<Command>, rule: Rule, at: &str| {
        let r = Incident::restore(history, &stripped()).unwrap_err();
        assert_eq!(r.rule(), rule, "{r}");
        let path = r.violations()[0].path().unwrap_or_default().to_owned();
        assert!(path.starts_with(at), "{path} for {rule:?}");
    };
    refuses(Vec::new(), Rule::NotDeclared, "history");
    // A version gap: a command that names the version it was accepted at.
    let gap = edited(&happy, 3, |c| c["expected_version"] = json!(5));
    refuses(gap, Rule::VersionConflict, "history[3].expected_version");
    // The same id twice, for the same or for another command.
    let mut twice = happy.clone();
    twice.insert(4, happy[3].clone());
    refuses(twice, Rule::CommandIdReused, "history[4].command_id");
    let reused = edited(&happy, 4, |c| {
        c["command_id"] = happy[3].command_id.to_string().into()
    });
    refuses(reused, Rule::CommandIdReused, "history[4].command_id");
    // Time going backwards.
    let early = edited(&happy, 5, |c| c["at"] = json!("2026-05-04T09:00:00Z"));
    refuses(early, Rule::TimestampRegressed, "history[5].at");
    // Another incident's command.
    let foreign = edited(&happy, 2, |c| {
        c["incident_id"] = json!("00000000-0000-0000-0000-000000000001")
    });
    refuses(foreign, Rule::NotDeclared, "history[2].incident_id");
    // A history that does not start with its declare, or declares twice.
    refuses(happy[1..].to_vec(), Rule::NotDeclared, "history[0]");
    let mut again = happy.clone();
    again.insert(1, happy[0].clone());
    refuses(again.clone(), Rule::CommandIdReused, "history[1]");
    let redeclared = edited(&again, 1, |c| {
        c["command_id"] = json!("00000000-0000-0000-0000-000000000002")
    });
    refuses(redeclared, Rule::AlreadyDeclared, "history[1]");
    // A command after the close that is no amendment (a triage check).
    let mut late = happy.clone();
    late.push(
        edited(&happy, 1, |c| {
            c["command_id"] = json!("00000000-0000-0000-0000-000000000003");
            c["at"] = json!("2026-05-06T00:00:00Z")
        })[1]
            .clone(),
    );
    refuses(late, Rule::IncidentClosed, "history[13]");
}

/// The seed playbook, named: what an organisation's playbook document says.
fn named(version: &str) -> Playbook {
    serde_json::from_str(&format!(
        r#"{{"name": "Acme incidents", "version": "{version}", "dependencies": [
            {{"name": "Blob Storage"}}, {{"name": "PostgreSQL"}}],
            "health_endpoints": ["/health/live", "/health/ready", "/health/status"]}}"#
    ))
    .unwrap()
}

#[test]
fn an_incident_records_the_playbook_it_was_declared_under() {
    let history = commands(HAPPY_SEV1);
    let declare = history[0].clone();
    let incident = Incident::declare(declare.clone(), &named("1")).unwrap();
    let json = serde_json::to_value(&incident).unwrap();
    assert_eq!(
        json["playbook"],
        json!({"name": "Acme incidents", "version": "1"})
    );
    // Loaded under another playbook, it keeps the one it was declared under.
    let snapshot: incident_playbook::Snapshot = serde_json::from_value(json).unwrap();
    let loaded = Incident::load(snapshot, &named("2")).unwrap();
    assert_eq!(loaded.declared_under().cloned(), named("1").id().cloned());
    // Under an unnamed playbook nothing is recorded: snapshots stay as they were.
    let unnamed = Incident::declare(declare, &Playbook::default()).unwrap();
    let json = serde_json::to_value(&unnamed).unwrap();
    assert!(json.get("playbook").is_none());
    // A version needs a name.
    assert!(
        serde_json::from_str::<Playbook>(
            r#"{"version": "1", "dependencies": [], "health_endpoints": ["/a", "/b", "/c"]}"#
        )
        .is_err()
    );
}

/// The seed playbook without "Blob Storage": the dependency the happy
/// history's impact names has since left the catalogue.
fn without_blob_storage() -> Playbook {
    let mut json = serde_json::to_value(Playbook::default()).unwrap();
    json["dependencies"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["name"] != "Blob Storage");
    serde_json::from_value(json).unwrap()
}

/// Playbook change: an incident whose impact names a dependency the
/// playbook dropped since resolves by verifying it (the impact's own
/// record), not by an exception; leaving it out is still refused, and a
/// dependency named neither by the impact nor the playbook is still unknown.
#[test]
fn a_dependency_the_playbook_dropped_is_verified_from_the_incidents_impact() {
    let history = commands(HAPPY_SEV1);
    let at = history
        .iter()
        .position(|c| c.kind().as_str() == "resolve")
        .unwrap();
    let today = without_blob_storage();
    let before = Incident::restore(history[..at].to_vec(), &today).unwrap();
    let resolve = |edit: &dyn Fn(&mut Value)| {
        let cmd = edited(&history, at, |c| {
            edit(&mut c["verification"]["dependencies"])
        })
        .swap_remove(at);
        let mut incident = before.clone();
        incident.handle(cmd, &today).map(|_| incident)
    };
    // As sent: Blob Storage verified healthy.
    let resolved = resolve(&|_| {}).unwrap();
    assert_eq!(resolved.version(), at as u64 + 1);
    // Left out: still required.
    let refused = resolve(&|deps| *deps = json!([])).unwrap_err();
    assert_eq!(refused.rule(), Rule::VerificationDependencies, "{refused}");
    assert!(!refused.breaks(Rule::UnknownDependency), "{refused}");
    // Another name neither the impact nor the playbook has: unknown.
    let refused = resolve(&|deps| {
        deps.as_array_mut()
            .unwrap()
            .push(json!({"name": "Queue Service", "ok": true}))
    })
    .unwrap_err();
    assert_eq!(refused.rule(), Rule::UnknownDependency, "{refused}");
    assert_eq!(refused.iter().count(), 1, "{refused}");
}
