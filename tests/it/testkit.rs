//! The `proptest` feature's strategies (`incident_playbook::testkit`): what
//! they promise, checked on what they generate.

use std::collections::BTreeSet;

use incident_playbook::testkit::{BREAKABLE, History, Writer, breaking, history, next_command};
use incident_playbook::{Incident, Incidents, Phase, Playbook, Rule, Timestamp, parse_command};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};
use serde_json::Value;

/// The rules no command of the test kit breaks, and why: a new rule lands
/// in [`BREAKABLE`] (with its writer) or here.
const NOT_BREAKABLE: &[(Rule, &str)] = &[
    (
        Rule::MalformedInput,
        "a line the crate cannot read; no command",
    ),
    (Rule::RecordedInTheFuture, "judged by a receiver's clock"),
    (
        Rule::SenderNotPermitted,
        "the seed playbook reserves nothing",
    ),
    (
        Rule::SnapshotHistoryMismatch,
        "a snapshot's, not a command's",
    ),
    (
        Rule::ImpactStartAfterDeclaration,
        "retired: never reported, so never generated",
    ),
    (
        Rule::OccurredBeforeImpact,
        "retired: never reported, so never generated",
    ),
];

fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let seed = [7; 32];
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &seed),
    )
}

/// Every command of `h` applied, in order, by a fresh collection.
fn all_applied(h: &History, playbook: &Playbook) -> bool {
    let mut incidents = Incidents::new(playbook.clone());
    h.lines
        .iter()
        .all(|line| incidents.handle_json(line).is_ok())
}

#[test]
fn every_rule_is_breakable_or_said_why_not() {
    let breakable: BTreeSet<Rule> = BREAKABLE.iter().copied().collect();
    let not: BTreeSet<Rule> = NOT_BREAKABLE.iter().map(|(r, _)| *r).collect();
    assert_eq!(breakable.len(), BREAKABLE.len(), "listed twice");
    assert!(breakable.is_disjoint(&not));
    let unlisted: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| !breakable.contains(r) && !not.contains(r))
        .map(|r| r.id())
        .collect();
    assert!(
        unlisted.is_empty(),
        "rules the test kit does not know: {unlisted:?}"
    );
}

/// Each listed rule's strategy yields a valid history and a command that
/// breaks exactly that rule.
#[test]
fn each_rule_strategy_breaks_exactly_its_rule() {
    let playbook = Playbook::default();
    for &rule in BREAKABLE {
        let strategy = breaking(&playbook, rule).expect("a listed rule has a strategy");
        let mut runner = runner(4);
        let result = runner.run(&strategy, |broken| {
            assert!(
                all_applied(&broken.history, &playbook),
                "{}: the history",
                rule.id()
            );
            let mut incidents = broken.history.replay(&playbook);
            let refused = incidents.handle_json(&broken.line).unwrap_err();
            assert_eq!(refused.rejection.rules(), [rule], "{}", broken.line);
            let again = incidents.handle(broken.command.clone()).unwrap_err();
            assert_eq!(again.rules(), [rule]);
            Ok(())
        });
        assert!(result.is_ok(), "{}: {result:?}", rule.id());
    }
    assert!(breaking(&playbook, Rule::SnapshotHistoryMismatch).is_none());
}

/// A history of the length asked for, every command applied; shrinking
/// gives shorter histories that are still valid.
#[test]
fn histories_are_valid_and_shrink_to_valid_histories() {
    let playbook = Playbook::default();
    let mut runner = runner(6);
    let strategy = history(&playbook, 20..50);
    for _ in 0..6 {
        let mut tree = strategy.new_tree(&mut runner).unwrap();
        let first = tree.current();
        assert!(
            (20..50).contains(&first.commands.len()),
            "{}",
            first.commands.len()
        );
        assert!(all_applied(&first, &playbook));
        // Shrink as proptest does on a failure that persists.
        let mut shortest = first.commands.len();
        for _ in 0..40 {
            if !tree.simplify() {
                break;
            }
            let h = tree.current();
            assert!(all_applied(&h, &playbook), "a shrunk history is valid");
            shortest = shortest.min(h.commands.len());
        }
        // Steps go first, down to the least length asked for.
        assert!(shortest < first.commands.len() || shortest == 20);
    }
}

/// Long histories take incidents all the way, and declare new ones where
/// they closed.
#[test]
fn long_histories_close_incidents_and_declare_new_ones() {
    let playbook = Playbook::default();
    let mut runner = runner(4);
    let (mut closed, mut declared) = (0, 0);
    for _ in 0..4 {
        let h = history(&playbook, 150)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        assert_eq!(h.commands.len(), 150);
        let incidents = h.replay(&playbook);
        declared += incidents.len();
        closed += incidents
            .iter()
            .filter(|i| i.phase() == Phase::Closed)
            .count();
    }
    assert!(
        closed > 0 && declared > 4 * 3,
        "{closed} closed of {declared}"
    );
}

#[test]
fn the_next_command_is_accepted() {
    let playbook = Playbook::default();
    let mut runner = runner(8);
    for _ in 0..8 {
        let h = history(&playbook, 1..30)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        for incident in h.replay(&playbook).iter() {
            let Some(next) = next_command(&playbook, incident) else {
                assert_eq!(incident.phase(), Phase::Closed);
                continue;
            };
            for _ in 0..4 {
                let command = next.new_tree(&mut runner).unwrap().current();
                assert!(incident.clone().handle(command, &playbook).is_ok());
            }
        }
    }
}

/// What the contract allows that valid histories must reach, each by a test
/// on a command (as written) and its incident before it.
type Reached = fn(&Value, Option<&Incident>) -> bool;

const REACHED: &[(&str, Reached)] = &[
    ("accepted exceptions at resolve", |v, _| {
        v["type"] == "resolve" && v["exceptions"].as_array().is_some_and(|e| !e.is_empty())
    }),
    (
        "an exception for a check other than a health endpoint",
        |v, _| {
            v["type"] == "resolve"
                && v["exceptions"].as_array().is_some_and(|e| {
                    e.iter().any(|x| {
                        !x["check"]
                            .as_str()
                            .unwrap_or("health.")
                            .starts_with("health.")
                    })
                })
        },
    ),
    ("revise_outcome while not closed", |v, i| {
        v["type"] == "revise_outcome" && !closed(i)
    }),
    ("revise_outcome as an amendment after close", |v, i| {
        v["type"] == "revise_outcome" && closed(i)
    }),
    ("add_note.occurred_at", |v, _| {
        v["type"] == "add_note" && v["occurred_at"].is_string()
    }),
    ("record_root_cause.occurred_at", |v, _| {
        v["type"] == "record_root_cause" && v["occurred_at"].is_string()
    }),
    ("start_mitigation.occurred_at", |v, _| {
        v["type"] == "start_mitigation" && v["occurred_at"].is_string()
    }),
    ("end_mitigation.occurred_at", |v, _| {
        v["type"] == "end_mitigation" && v["occurred_at"].is_string()
    }),
    ("start_mitigation.purpose contain", |v, _| {
        v["type"] == "start_mitigation" && v["purpose"] == "contain"
    }),
    ("start_mitigation.temporary", |v, _| {
        v["type"] == "start_mitigation" && v["temporary"] == true
    }),
    ("impact.ended_at on update_impact", |v, _| {
        v["type"] == "update_impact" && v["impact"]["ended_at"].is_string()
    }),
    ("impact.started_at unknown at declaration", |v, _| {
        v["type"] == "declare" && start(v).is_none()
    }),
    ("impact.started_at learned later", |v, i| {
        v["type"] == "update_impact"
            && start(v).is_some()
            && i.is_some_and(|i| i.impact().started_at().is_none())
    }),
    ("impact.started_at after the declaration", |v, i| {
        v["type"] == "update_impact"
            && i.is_some_and(|i| start(v).is_some_and(|t| t > i.declared_at()))
    }),
    ("a public update by the comms owner", |v, _| {
        v["update"]["audience"] == "public"
    }),
    ("a notice to customers by the comms owner", |v, _| {
        v["update"]["audience"] == "customers"
    }),
];

fn closed(incident: Option<&Incident>) -> bool {
    incident.is_some_and(|i| i.phase() == Phase::Closed)
}

/// The impact's start a command gives (missing, `null` or blank: none).
fn start(v: &Value) -> Option<Timestamp> {
    v["impact"]["started_at"].as_str()?.parse().ok()
}

/// Over histories from a fixed seed, the writer reaches each addition of
/// [`REACHED`] at least once (and every command is applied).
#[test]
fn valid_histories_reach_what_the_contract_allows() {
    let playbook = Playbook::default();
    let mut runner = runner(12);
    let strategy = history(&playbook, 150);
    let mut seen = BTreeSet::new();
    for _ in 0..12 {
        let h = strategy.new_tree(&mut runner).unwrap().current();
        let mut incidents = Incidents::new(playbook.clone());
        for (line, command) in h.lines.iter().zip(&h.commands) {
            let v: Value = serde_json::from_str(line).unwrap();
            let before = incidents.get(command.incident_id);
            for (name, reached) in REACHED {
                if reached(&v, before) {
                    seen.insert(*name);
                }
            }
            assert!(incidents.handle_json(line).is_ok(), "{line}");
        }
    }
    let missing: Vec<&str> = REACHED
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !seen.contains(name))
        .collect();
    assert!(missing.is_empty(), "never written: {missing:?}");
}

/// Every command the writer writes as valid is applied: incidents walked
/// from declaration to close (and amended after), nothing left out.
#[test]
fn every_valid_command_written_is_applied() {
    let playbook = Playbook::default();
    for seed in 0..150 {
        let mut w = Writer::new(&playbook, seed);
        let declare = parse_command(&w.next_step(None).to_string()).unwrap();
        let mut incident = Incident::declare(declare, &playbook).unwrap();
        for step in 0..80 {
            let wander = w.dice().chance(40);
            let after = incident.last_command_at().as_datetime();
            let gap = chrono::Duration::seconds(w.dice().range(0, 4_000));
            w.set_time(Timestamp::from(after + gap));
            let closed = incident.phase() == Phase::Closed;
            let v = if wander || closed {
                w.any_valid(&incident)
            } else {
                w.next_step(Some(&incident))
            };
            if closed && v["type"] != "revise_outcome" {
                break;
            }
            let line = v.to_string();
            let command = parse_command(&line).unwrap_or_else(|e| panic!("{e:?}: {line}"));
            if let Err(e) = incident.handle(command, &playbook) {
                panic!("seed {seed}, step {step}: {e:?}\n{line}");
            }
        }
        // The records built from the history are the snapshot's, written
        // and taken back alike.
        let snapshot = incident.to_snapshot();
        let written = serde_json::to_string(&incident).unwrap();
        assert_eq!(written, serde_json::to_string(&snapshot).unwrap());
        let loaded = Incident::load(snapshot.clone(), &playbook).unwrap();
        assert_eq!(loaded, incident, "seed {seed}");
        assert_eq!(Incident::resume(snapshot, [], &playbook).unwrap(), incident);
        // The compact state, which holds none of the records, resumes to
        // the same incident from any point of its history.
        let history = incident.history();
        let at = w.dice().range(1, history.len() as i64) as usize;
        let resumed = crate::fixture::resumed_compact(history, at, &playbook);
        assert_eq!(resumed, incident, "seed {seed}, at {at}");
    }
}
