//! The workload generator of `examples/generate` (shared with the benches):
//! every line it writes is accepted, by the crate and by the exported command
//! schema, and a seed names one stream.

#[path = "../../examples/generate/stream.rs"]
mod stream;

use incident_playbook::{Incident, Phase, Playbook, Replay, schema};
use serde_json::Value;

fn lines(incidents: usize, commands: usize, seed: u64) -> Vec<String> {
    stream::Stream::new(stream::Config::new(incidents, commands, seed)).collect()
}

fn accepted(lines: &[String]) -> Replay {
    let mut replay = Replay::new(Playbook::default());
    for (i, line) in lines.iter().enumerate() {
        if let Some(refused) = replay.line(line) {
            panic!("line {} refused: {refused:?}\n{line}", i + 1);
        }
    }
    replay
}

#[test]
fn every_line_is_accepted_at_every_length() {
    // Lengths below, at and above a whole lifecycle (13 to 17 commands).
    for (commands, seed) in [
        (1, 1),
        (2, 2),
        (5, 3),
        (12, 4),
        (13, 5),
        (17, 6),
        (40, 7),
        (250, 8),
    ] {
        let lines = lines(60, commands, seed);
        assert_eq!(lines.len(), 60 * commands);
        let replay = accepted(&lines);
        assert_eq!(replay.incidents().len(), 60);
        for incident in replay.incidents() {
            assert_eq!(incident.version(), commands as u64);
            if commands >= 17 {
                assert_eq!(incident.phase(), Phase::Closed, "{commands} commands");
            }
        }
    }
}

#[test]
fn the_stream_mixes_severities_and_command_types() {
    let lines = lines(300, 30, 11);
    let replay = accepted(&lines);
    let mut peaks = std::collections::BTreeSet::new();
    for incident in replay.incidents() {
        peaks.insert(incident.peak_severity());
    }
    assert_eq!(peaks.len(), 4, "SEV1 to SEV4 all appear");
    let mut kinds = std::collections::BTreeSet::new();
    for line in &lines {
        let v: Value = serde_json::from_str(line).unwrap();
        kinds.insert(v["type"].as_str().unwrap().to_owned());
    }
    for kind in [
        "declare",
        "change_severity",
        "assign_role",
        "update_impact",
        "record_check",
        "add_note",
        "record_root_cause",
        "start_mitigation",
        "begin_monitoring",
        "resume_investigation",
        "lift_block",
        "post_update",
        "resolve",
        "submit_postmortem",
        "close",
    ] {
        assert!(kinds.contains(kind), "no `{kind}` in the stream");
    }
    // Incidents overlap: the first 40 lines are not all one incident's.
    let ids: std::collections::BTreeSet<String> = lines
        .iter()
        .take(40)
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["incident_id"].to_string())
        .collect();
    assert!(ids.len() > 1, "the first lines interleave incidents");
}

#[test]
fn every_line_is_valid_under_the_command_schema() {
    let command = schema::by_name("command").unwrap().schema;
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&command)
        .unwrap();
    for line in lines(40, 30, 21) {
        let value: Value = serde_json::from_str(&line).unwrap();
        if let Err(e) = validator.validate(&value) {
            panic!("{e}\n{line}");
        }
    }
}

#[test]
fn a_seed_names_a_stream() {
    assert_eq!(lines(20, 20, 5), lines(20, 20, 5));
    assert_ne!(lines(20, 20, 5), lines(20, 20, 6));
}

#[test]
fn the_bench_incidents_are_what_they_say() {
    let playbook = Playbook::default();
    let open = stream::open_incident(3, 200);
    assert_eq!(open.len(), 201);
    let replay = accepted(&open);
    let incident = replay.incidents().iter().next().unwrap();
    assert_eq!(incident.version(), 201);
    assert!(incident.phase().is_open());

    let whole = stream::incident(3, 1, 100);
    let replay = accepted(&whole);
    let incident = replay.incidents().iter().next().unwrap();
    assert_eq!(incident.peak_severity(), incident_playbook::Severity::Sev1);
    assert_eq!(incident.phase(), Phase::Closed);
    let snapshot = serde_json::from_str(&serde_json::to_string(incident).unwrap()).unwrap();
    assert!(Incident::load(snapshot, &playbook).is_ok());
}

fn open_lines(incidents: usize, commands: usize, seed: u64) -> Vec<String> {
    let mut config = stream::Config::new(incidents, commands, seed);
    config.open = true;
    stream::Stream::new(config).collect()
}

#[test]
fn an_open_stream_leaves_every_incident_open() {
    for (commands, seed) in [(1, 1), (5, 2), (13, 3), (40, 4), (250, 5)] {
        let lines = open_lines(60, commands, seed);
        assert_eq!(lines.len(), 60 * commands);
        let replay = accepted(&lines);
        assert_eq!(replay.incidents().len(), 60);
        for incident in replay.incidents() {
            assert_eq!(incident.version(), commands as u64);
            assert!(incident.phase().is_open(), "{commands} commands");
        }
    }
    // The same seed without `open` closes them.
    assert_ne!(open_lines(20, 40, 5), lines(20, 40, 5));
}

/// A hot stream: every incident open and written to until about the end.
#[test]
fn a_hot_stream_writes_to_every_incident_until_its_last_lines() {
    let mut config = stream::Config::new(8, 300, 6);
    config.hot = true;
    let lines: Vec<String> = stream::Stream::new(config).collect();
    assert_eq!(lines.len(), 8 * 300);
    let replay = accepted(&lines);
    assert_eq!(replay.incidents().len(), 8);
    // Each incident's first and last lines: all start in the first tenth
    // and are named again among the last hundred lines.
    let mut spans = std::collections::HashMap::<String, (usize, usize)>::new();
    for (i, line) in lines.iter().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = v["incident_id"].as_str().unwrap().to_owned();
        spans.entry(id).and_modify(|s| s.1 = i).or_insert((i, i));
    }
    for (first, last) in spans.values() {
        assert!(*first < lines.len() / 10 && *last > lines.len() - 100);
    }
    for incident in replay.incidents() {
        assert_eq!(incident.version(), 300);
        assert!(incident.phase().is_open());
    }
}

/// `incident replay` keeps an open incident aside, compressed, once 1,000
/// lines naming others have passed, and puts it back when a line names it
/// again: the document is byte for byte the library's.
#[cfg(feature = "cli")]
#[test]
fn replay_writes_an_open_stream_as_the_library_does() {
    let lines = open_lines(80, 40, 9);
    // Every line again: each a redelivery, for incidents long set aside.
    let text: String = lines
        .iter()
        .chain(&lines)
        .map(|l| format!("{l}\n"))
        .collect();
    let mut replay = Replay::new(Playbook::default());
    for line in text.lines() {
        replay.line(line);
    }
    assert_eq!(replay.refused(), 0);
    let expected = format!(
        "{{\"rejections\":[],\"incidents\":{}}}\n",
        serde_json::to_string(replay.incidents()).unwrap()
    );
    let dir = std::env::temp_dir().join(format!("incident-open-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("open.jsonl");
    std::fs::write(&path, &text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(["replay", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout).unwrap() == expected);
}
