//! The exported JSON Schemas: committed files match the code, and the schema
//! agrees with the crate on what is well-formed.

use crate::fixture::{conformance_cases, root};
use std::fs;

use incident_playbook::{Command, Playbook, Replay, Rule, command::CommandKind, schema};
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
    let mut checked = 0;
    for path in conformance_cases() {
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

/// Every line of every conformance case, parsed, with the crate's verdict.
fn case_lines() -> Vec<(String, Value, Option<Rule>)> {
    let mut out = Vec::new();
    for path in conformance_cases() {
        let text = fs::read_to_string(&path).unwrap();
        let mut replay = Replay::new(Playbook::default());
        for (i, line) in text.lines().enumerate() {
            let refused = replay.line(line).map(|r| r.rule);
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                out.push((format!("{}:{}", path.display(), i + 1), v, refused));
            }
        }
    }
    out
}

/// The command schema dispatches on `type`: one `if`/`then` per command type
/// into a closed `$defs/<type>`, and the same variants as the `AnyCommand`
/// union for code generators.
#[test]
fn command_schema_dispatches_on_type() {
    let s = schema::by_name("command").unwrap().schema;
    let chain = s["allOf"].as_array().unwrap();
    let union = s["$defs"]["AnyCommand"]["oneOf"].as_array().unwrap();
    assert_eq!(
        s["$defs"]["AnyCommand"]["discriminator"]["propertyName"],
        "type"
    );
    assert_eq!(chain.len(), CommandKind::ALL.len());
    assert_eq!(union.len(), CommandKind::ALL.len());
    for (i, kind) in CommandKind::ALL.into_iter().enumerate() {
        let tag = kind.as_str();
        let target = format!("#/$defs/{tag}");
        assert_eq!(chain[i]["if"]["properties"]["type"]["const"], tag);
        assert_eq!(chain[i]["then"]["$ref"], target.as_str());
        assert_eq!(union[i]["$ref"], target.as_str());
        let variant = &s["$defs"][tag];
        assert_eq!(variant["properties"]["type"]["const"], tag);
        assert_eq!(
            variant["additionalProperties"], false,
            "{tag} is not closed"
        );
    }
    assert!(s["properties"]["type"]["enum"].as_array().unwrap().len() == CommandKind::ALL.len());
}

/// A wrong field is reported at its own path, not as "matches no variant".
#[test]
fn command_schema_names_the_wrong_field() {
    let command = validator("command");
    let text =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let mut declare: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    declare["severity"] = "SEV9".into();
    let paths: Vec<String> = command
        .iter_errors(&declare)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert!(paths.contains(&"/severity".to_owned()), "{paths:?}");
    assert!(
        paths.iter().all(|p| p == "/severity" || p.is_empty()),
        "errors outside /severity: {paths:?}"
    );
    declare["type"] = "declared".into();
    let paths: Vec<String> = command
        .iter_errors(&declare)
        .map(|e| e.instance_path().to_string())
        .collect();
    assert_eq!(paths, ["/type"], "an unknown type is reported at /type");
}

/// Per command type the fields are closed: every accepted line, retagged as
/// every other command type, is refused by the schema whenever the crate
/// calls it malformed.
#[test]
fn schema_refuses_fields_of_another_command_type() {
    let command = validator("command");
    let mut checked = 0;
    for (at, line, refused) in case_lines() {
        if refused.is_some() {
            continue;
        }
        for kind in CommandKind::ALL {
            let mut v = line.clone();
            v["type"] = kind.as_str().into();
            if serde_json::from_value::<Command>(v.clone()).is_err() {
                assert!(
                    !command.is_valid(&v),
                    "{at} as {kind}: valid for the schema"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "only {checked} retagged lines checked");
}

/// Every snapshot the cases produce validates; the SEV1 role rule holds in the
/// snapshot schema too.
#[test]
fn every_snapshot_of_the_cases_validates() {
    let snapshot = validator("snapshot");
    let mut sev1 = None;
    let mut count = 0;
    for path in conformance_cases() {
        let mut replay = Replay::new(Playbook::default());
        for line in fs::read_to_string(&path).unwrap().lines() {
            replay.line(line);
        }
        let doc = serde_json::to_value(replay.output()).unwrap();
        for one in doc["incidents"].as_array().unwrap() {
            let errors: Vec<String> = snapshot.iter_errors(one).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            if one["severity"] == "SEV1" {
                sev1 = Some(one.clone());
            }
            count += 1;
        }
    }
    assert!(count > 20, "only {count} snapshots");
    let sev1 = sev1.expect("a case that ends in a SEV1 incident");
    for role in ["scribe", "engineering_lead", "communications_owner"] {
        let mut without = sev1.clone();
        without["roles"][role] = Value::Null;
        assert!(
            !snapshot.is_valid(&without),
            "a SEV1 snapshot without {role}"
        );
        without["severity"] = "SEV2".into();
        assert!(
            snapshot.is_valid(&without),
            "a SEV2 snapshot without {role}"
        );
    }
}

/// `Snapshot` is read by a copy of its fields (`SnapshotDoc`, run inside
/// the strict reader), whose defaults must be the schema's optional fields:
/// a top-level field the schema requires is missed when absent, and one it
/// does not require is not.
#[test]
fn reading_a_snapshot_requires_what_the_schema_requires() {
    let schema = schema::by_name("snapshot").unwrap().schema;
    let schema = serde_json::to_value(&schema).unwrap();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let case =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let mut replay = Replay::new(Playbook::default());
    case.lines().for_each(|l| {
        replay.line(l);
    });
    let full = serde_json::to_value(replay.incidents().iter().next().unwrap()).unwrap();
    let fields: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(fields.len() > required.len());
    for field in fields {
        let mut without = full.clone();
        without.as_object_mut().unwrap().remove(field);
        let read = serde_json::from_value::<incident_playbook::Snapshot>(without);
        assert_eq!(
            read.is_err(),
            required.contains(&field),
            "{field}: {read:?}"
        );
    }
}

/// Descriptions come from doc comments; their Rust examples are left out.
#[test]
fn schema_descriptions_carry_no_code() {
    for s in schema::all() {
        let text = s.to_pretty_json();
        for needle in ["```", "use incident_playbook", "assert"] {
            assert!(!text.contains(needle), "{} contains {needle:?}", s.name);
        }
    }
}

#[test]
fn body_fields_are_the_command_schemas_fields() {
    // `CommandKind::body_fields` names the fields of a type in parse errors;
    // it must list exactly what the command schema lets that type carry.
    let command = schema::by_name("command").unwrap().schema;
    for kind in CommandKind::ALL {
        let variant = &command["$defs"][kind.as_str()];
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
