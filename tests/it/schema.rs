//! The exported JSON Schemas: committed files match the code, and the schema
//! agrees with the crate on what is well-formed.

use crate::fixture::root;
use std::fs;

use incident_playbook::{Playbook, Replay, Rule, schema};
use serde_json::Value;

fn validator(name: &str) -> jsonschema::Validator {
    let s = schema::by_name(name).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&s.schema)
        .unwrap_or_else(|e| panic!("{name} does not compile: {e}"))
}

#[test]
fn committed_schemas_match_the_code() {
    let mut stale = Vec::new();
    for s in schema::all() {
        let path = root().join("schemas").join(s.file_name());
        let committed = fs::read_to_string(&path).unwrap_or_default();
        if committed != s.to_pretty_json() {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "schemas differ from the code; run `cargo run --features cli -- schema --out schemas`: {stale:?}"
    );
}

#[test]
fn every_schema_is_a_valid_2020_12_schema() {
    for s in schema::all() {
        assert_eq!(
            s.schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(s.schema["$id"].as_str().unwrap().ends_with(&s.file_name()));
        jsonschema::draft202012::meta::validate(&s.schema)
            .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", s.name));
        validator(s.name);
    }
}

/// For every line of every case: what the crate said, and what the schema says.
#[test]
fn schema_and_crate_agree_on_the_conformance_lines() {
    let command = validator("command");
    let dir = root().join("tests/conformance/cases");
    let mut checked = 0;
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let mut replay = Replay::new(Playbook::default());
        for (i, line) in text.lines().enumerate() {
            let refused = replay.line(line).map(|r| r.rule);
            if line.trim().is_empty() {
                continue;
            }
            let valid = serde_json::from_str::<Value>(line).is_ok_and(|v| command.is_valid(&v));
            match refused {
                None => assert!(
                    valid,
                    "{}:{}: accepted by the crate, refused by the schema",
                    path.display(),
                    i + 1
                ),
                Some(Rule::MalformedInput) => {
                    assert!(
                        !valid,
                        "{}:{}: malformed for the crate, valid for the schema",
                        path.display(),
                        i + 1
                    )
                }
                Some(_) => {}
            }
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} lines checked");
}

#[test]
fn snapshots_and_replay_output_validate() {
    let snapshot = validator("snapshot");
    let output = validator("replay-output");
    let text =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let mut replay = Replay::new(Playbook::default());
    for line in text.lines() {
        replay.line(line);
    }
    let doc = serde_json::to_value(replay.output()).unwrap();
    assert!(
        output.is_valid(&doc),
        "{:?}",
        output
            .iter_errors(&doc)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let one = &doc["incidents"][0];
    assert!(snapshot.is_valid(one));
    let postmortem = validator("postmortem");
    let update = validator("comms-update");
    let last = one["history"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .nth(1)
        .unwrap();
    assert!(postmortem.is_valid(&last["postmortem"]));
    assert!(update.is_valid(&one["updates"][0]));
    let playbook = validator("playbook");
    assert!(playbook.is_valid(&serde_json::to_value(Playbook::default()).unwrap()));
}

#[test]
fn schema_says_what_sev1_needs() {
    let command = validator("command");
    let text =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let mut declare: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert!(command.is_valid(&declare));
    declare["roles"].as_object_mut().unwrap().remove("scribe");
    assert!(
        !command.is_valid(&declare),
        "a SEV1 declare without a scribe"
    );
    declare["severity"] = "SEV3".into();
    declare["impact"]["flags"] = serde_json::json!([]);
    assert!(command.is_valid(&declare), "a SEV3 declare needs no scribe");
}

#[test]
fn schema_refuses_what_the_crate_calls_malformed() {
    let command = validator("command");
    let text =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let note: Value = serde_json::from_str(text.lines().nth(6).unwrap()).unwrap();
    assert!(command.is_valid(&note));
    type Corruption = Box<dyn Fn(&mut Value)>;
    let corruptions: Vec<Corruption> = vec![
        Box::new(|v| v["extra"] = 1.into()),
        Box::new(|v| v["type"] = "add_notes".into()),
        Box::new(|v| v["incident_id"] = "not-a-uuid".into()),
        Box::new(|v| v["incident_id"] = "urn:uuid:e2181857-7398-5cf2-aad9-acc3150b8632".into()),
        Box::new(|v| v["at"] = "2026-05-04 09:12:00Z".into()),
        Box::new(|v| v["at"] = "2026-05-04T09:12:00+0200".into()),
        Box::new(|v| v["at"] = "2026-06-30T23:59:60Z".into()),
        Box::new(|v| v["text"] = 5.into()),
        Box::new(|v| v["title"] = "x".into()),
        Box::new(|v| v["expected_version"] = (-1).into()),
        Box::new(|v| {
            v.as_object_mut().unwrap().remove("command_id");
        }),
    ];
    for (i, corrupt) in corruptions.iter().enumerate() {
        let mut v = note.clone();
        corrupt(&mut v);
        let mut replay = Replay::new(Playbook::default());
        let refused = replay.line(&v.to_string()).map(|r| r.rule);
        assert_eq!(refused, Some(Rule::MalformedInput), "corruption {i}: {v}");
        assert!(
            !command.is_valid(&v),
            "corruption {i} passes the schema: {v}"
        );
    }
}

#[test]
fn body_fields_are_the_command_schemas_fields() {
    // `CommandKind::body_fields` names the fields of a type in parse errors;
    // it must list exactly what the command schema lets that type carry.
    let command = schema::by_name("command").unwrap().schema;
    for variant in command["oneOf"].as_array().unwrap() {
        let kind: incident_playbook::CommandKind =
            serde_json::from_value(variant["title"].clone()).unwrap();
        let mut want: Vec<&str> = variant["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .filter(|k| {
                ![
                    "type",
                    "incident_id",
                    "command_id",
                    "at",
                    "expected_version",
                ]
                .contains(k)
            })
            .collect();
        want.sort();
        let mut got = kind.body_fields().to_vec();
        got.sort();
        assert_eq!(got, want, "{kind}");
    }
}
