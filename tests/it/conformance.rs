//! The conformance cases of `tests/conformance/cases`, run through the library
//! API with the same verdicts `check.py` demands of the binary.

use crate::fixture::conformance_cases as cases;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use incident_playbook::{Playbook, Replay};
use serde_json::Value;

/// The problems of one case, as check.py would list them.
fn run_case(path: &Path) -> Vec<String> {
    let expect: Value =
        serde_json::from_str(&fs::read_to_string(path.with_extension("expect.json")).unwrap())
            .unwrap();
    let replay = replay_case(path);
    let out: Value = serde_json::to_value(replay.output()).unwrap();
    let mut problems = Vec::new();
    if i64::from(crate::fixture::exit_code(replay.verdict())) != expect["exit"].as_i64().unwrap() {
        problems.push(format!(
            "exit {}, expected {}",
            crate::fixture::exit_code(replay.verdict()),
            expect["exit"]
        ));
    }
    let mut got: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    for r in out["rejections"].as_array().unwrap() {
        let mut rules: BTreeSet<String> = BTreeSet::new();
        rules.insert(r["rule"].as_str().unwrap().to_owned());
        for v in r["violations"].as_array().unwrap() {
            rules.insert(v["rule"].as_str().unwrap().to_owned());
        }
        got.insert(r["line"].as_u64().unwrap(), rules);
    }
    let exactly: BTreeMap<u64, BTreeSet<String>> = expect["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let rules = r.get("rules")?.as_array()?;
            let rules = rules.iter().map(|x| x.as_str().unwrap().to_owned());
            Some((r["line"].as_u64().unwrap(), rules.collect()))
        })
        .collect();
    let want: BTreeMap<u64, String> = expect["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (line, rule) in &want {
        match got.get(line) {
            None => problems.push(format!("line {line} not rejected (expected {rule})")),
            Some(rules) if !rules.contains(rule) => problems.push(format!(
                "line {line} rejected as {rules:?}, expected {rule}"
            )),
            Some(rules) if exactly.get(line).is_some_and(|e| e != rules) => problems.push(format!(
                "line {line} rejected as {rules:?}, expected exactly {:?}",
                exactly[line]
            )),
            _ => {}
        }
    }
    for (line, rules) in &got {
        if !want.contains_key(line) {
            problems.push(format!(
                "line {line} rejected as {rules:?}, expected accepted"
            ));
        }
    }
    let incidents: BTreeMap<&str, &Value> = out["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["incident_id"].as_str().unwrap(), i))
        .collect();
    for exp in expect["incidents"].as_array().unwrap() {
        let id = exp["incident_id"].as_str().unwrap();
        match incidents.get(id) {
            None => problems.push(format!("incident {id} missing")),
            Some(inc) => {
                for (k, v) in exp.as_object().unwrap() {
                    if &inc[k] != v {
                        problems.push(format!("{k} is {}, expected {v}", inc[k]));
                    }
                }
            }
        }
    }
    if incidents.len() != expect["incidents"].as_array().unwrap().len() {
        problems.push(format!("{} incidents reported", incidents.len()));
    }
    problems
}

/// The playbook a case is replayed under: `NAME.playbook.json` beside it,
/// or the seed playbook.
fn playbook_of(case: &Path) -> Playbook {
    let path = case.with_extension("playbook.json");
    match fs::read_to_string(&path) {
        Ok(doc) => serde_json::from_str(&doc).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
        Err(_) => Playbook::default(),
    }
}

/// The case's stream replayed under its playbook.
fn replay_case(case: &Path) -> Replay {
    let mut replay = Replay::new(playbook_of(case));
    for line in fs::read_to_string(case).unwrap().lines() {
        replay.line(line);
    }
    replay
}

#[test]
fn every_visible_conformance_case_passes_through_the_library() {
    let cases = cases();
    assert!(
        cases.len() >= 25,
        "the cases were not copied: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let problems = run_case(case);
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.display(), problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accepted_incidents_load_back_from_their_snapshots() {
    for case in cases() {
        let replay = replay_case(&case);
        for incident in replay.incidents() {
            let json = serde_json::to_string(incident).unwrap();
            let snapshot: incident_playbook::Snapshot = serde_json::from_str(&json).unwrap();
            let loaded = incident_playbook::Incident::load(snapshot, &playbook_of(&case))
                .unwrap_or_else(|r| panic!("{}: {r}", case.display()));
            assert_eq!(serde_json::to_string(&loaded).unwrap(), json);
        }
    }
}
