//! The `proptest` feature's strategies (`incident_playbook::testkit`): what
//! they promise, checked on what they generate.

use std::collections::BTreeSet;

use incident_playbook::testkit::{BREAKABLE, History, breaking, history, next_command};
use incident_playbook::{Incidents, Phase, Playbook, Rule};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, TestRng, TestRunner};

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
