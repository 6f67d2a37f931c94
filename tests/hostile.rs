//! Hostile input: oversized texts and lists, deep nesting, bytes that are not
//! UTF-8, NULs and absurd numbers all get a clean answer under a rule id, and
//! the answer stays small.
//!
//! Inputs are made here, in memory or in a temporary folder. The very large
//! ones (a 100 MB line, 16 MiB lists) are measured through the release binary
//! instead; the fuzz targets' findings land here as plain regression tests.

use incident_playbook::{Incidents, LineRejection, Outcome, Playbook, Rule};
use serde_json::{Value, json};

const HAPPY_SEV1: &str = include_str!("conformance/cases/happy-sev1-full-lifecycle.jsonl");

fn happy() -> Vec<Value> {
    HAPPY_SEV1
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The happy SEV1 case up to (not including) line `upto` (0-based), replayed.
/// Hands `line` to `desk`, which must apply it.
fn applied(desk: &mut Incidents, line: &str) {
    match desk.handle_json(line) {
        Ok(Outcome::Applied { .. }) => {}
        other => panic!("not applied: {other:?}"),
    }
}

fn desk_upto(upto: usize) -> Incidents {
    let mut desk = Incidents::new(Playbook::default());
    for line in HAPPY_SEV1.lines().take(upto) {
        applied(&mut desk, line);
    }
    desk
}

/// Sends `line` to the incident after `upto` lines of the happy case; the
/// incident must come out unchanged.
fn refused_after(upto: usize, line: &str) -> LineRejection {
    let mut desk = desk_upto(upto);
    let before = serde_json::to_string(desk.iter().next().unwrap()).unwrap();
    let err = desk.handle_json(line).unwrap_err();
    let after = serde_json::to_string(desk.iter().next().unwrap()).unwrap();
    assert_eq!(before, after, "a refused command changed the incident");
    err
}

fn has(err: &LineRejection, rule: Rule, path: &str) -> bool {
    err.rejection
        .iter()
        .any(|v| v.rule() == rule && v.path() == Some(path))
}

/// The total size of a rejection's messages and paths: what a report holds.
fn report_size(err: &LineRejection) -> usize {
    err.rejection
        .iter()
        .map(|v| v.message().len() + v.path().map_or(0, str::len))
        .sum()
}

/// Regression: a list over the limit was refused, but every one of its items
/// was still checked, so 5.6 million empty action items in one 16 MiB line
/// made 16.8 million violations (3.2 GB of memory, 2 GB of report). A list
/// over the limit is now refused whole.
#[test]
fn an_overlong_list_of_bad_items_is_refused_whole() {
    let n = 10_000;
    let empties = |v: Value| Value::Array(vec![v; n]);

    let mut pm = happy().remove(11);
    pm["postmortem"]["action_items"] = empties(json!({}));
    pm["postmortem"]["owners"] = empties(json!(""));
    pm["postmortem"]["timeline"] = empties(json!({"at": "2026-05-04T09:00:00Z"}));
    let err = refused_after(11, &pm.to_string());
    for list in ["action_items", "owners", "timeline"] {
        let path = format!("postmortem.{list}");
        assert!(has(&err, Rule::FieldTooLong, &path), "{path}: {err:?}");
    }
    assert!(err.rejection.iter().count() <= 5, "{err:?}");

    let mut resolve = happy().remove(10);
    resolve["verification"]["endpoints"] = empties(json!({}));
    resolve["verification"]["dependencies"] = empties(json!({}));
    let err = refused_after(10, &resolve.to_string());
    assert!(has(&err, Rule::FieldTooLong, "verification.endpoints"));
    assert!(has(&err, Rule::FieldTooLong, "verification.dependencies"));
    assert_eq!(err.rejection.iter().count(), 2, "{err:?}");

    let mut declare = happy().remove(0);
    declare["impact"]["affected_endpoints"] = empties(json!(""));
    declare["impact"]["affected_dependencies"] = empties(json!(""));
    let err = Incidents::new(Playbook::default())
        .handle_json(&declare.to_string())
        .unwrap_err();
    assert!(has(&err, Rule::FieldTooLong, "impact.affected_endpoints"));
    assert!(has(
        &err,
        Rule::FieldTooLong,
        "impact.affected_dependencies"
    ));
    assert!(report_size(&err) < 1_000, "{err:?}");
}

#[test]
fn lists_at_the_limit_are_checked_item_by_item() {
    // The other side of the regression above: 1,000 items are looked at.
    let mut pm = happy().remove(11);
    let mut items = vec![pm["postmortem"]["action_items"][0].clone(); 999];
    items.push(json!({"action": "Page the on-call", "due": "2026-05-20"}));
    pm["postmortem"]["action_items"] = Value::Array(items);
    let err = refused_after(11, &pm.to_string());
    assert!(
        has(
            &err,
            Rule::ActionItemIncomplete,
            "postmortem.action_items[999].owner"
        ),
        "{err:?}"
    );
    assert!(!err.rejection.breaks(Rule::FieldTooLong));
}
