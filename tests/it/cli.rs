//! The `incident` binary: the conformance cases through `check.py`, exit
//! codes, formats, and `check`.

use crate::fixture::{OTHER_INCIDENT, command_id, root};
use std::process::Command;

fn incident() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incident"))
}

#[test]
fn conformance_cases_pass_through_the_binary() {
    let out = Command::new("python3")
        .arg(root().join("tests/conformance/check.py"))
        .arg(env!("CARGO_BIN_EXE_incident"))
        .arg(root().join("tests/conformance/cases"))
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn replay_prints_a_closed_sev1_and_check_accepts_its_output() {
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let out = incident().arg("replay").arg(&case).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("SEV1 closed"), "{text}");

    let out = incident()
        .args(["replay", "--format", "json"])
        .arg(&case)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let dir = std::env::temp_dir().join(format!("incident-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let doc = dir.join("out.json");
    std::fs::write(&doc, &out.stdout).unwrap();
    let check = incident().arg("check").arg(&doc).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // Tamper: take the scribe away.
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    value["incidents"][0]["roles"]
        .as_object_mut()
        .unwrap()
        .remove("scribe");
    std::fs::write(&doc, value.to_string()).unwrap();
    let check = incident()
        .args(["check", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let rules: Vec<&str> = report["snapshots"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"sev1-needs-scribe"), "{rules:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn check_says_when_a_snapshot_was_declared_under_another_playbook() {
    let dir = std::env::temp_dir().join(format!("incident-cli-pb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let out = incident()
        .args(["replay", "--format", "json"])
        .arg(&case)
        .output()
        .unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    value["incidents"][0]["playbook"] = serde_json::json!({"name": "Acme", "version": "1"});
    let doc = dir.join("out.json");
    std::fs::write(&doc, value.to_string()).unwrap();
    let check = incident().arg("check").arg(&doc).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{text}");
    assert!(
        text.contains("note: declared under playbook `Acme 1`, judged under another"),
        "{text}"
    );
    let check = incident()
        .args(["check", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(report["snapshots"][0]["declared_under"]["name"], "Acme");
    // Judged under the playbook it names, nothing is said.
    let playbook = dir.join("playbook.json");
    let seed = serde_json::to_value(incident_playbook::Playbook::default()).unwrap();
    let mut named = seed.clone();
    named["name"] = "Acme".into();
    named["version"] = "1".into();
    std::fs::write(&playbook, named.to_string()).unwrap();
    let check = incident()
        .args(["check", "--playbook"])
        .arg(&playbook)
        .arg(&doc)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(!text.contains("note:"), "{text}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replay_stops_at_the_first_rejection_unless_told_to_keep_going() {
    let case = root().join("tests/conformance/cases/two-incidents-interleaved.jsonl");
    let text = std::fs::read_to_string(&case).unwrap();
    // Line 2 is for an incident nobody declared; the rest is fine.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let stray = serde_json::json!({
        "type": "add_note", "incident_id": OTHER_INCIDENT, "command_id": command_id(1),
        "at": "2026-05-04T09:00:00Z", "text": "x",
    });
    lines.insert(1, stray.to_string());
    let dir = std::env::temp_dir().join(format!("incident-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("stream.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let stop = incident()
        .args(["replay", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let go = incident()
        .args(["replay", "--keep-going", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let stop: serde_json::Value = serde_json::from_slice(&stop.stdout).unwrap();
    let go: serde_json::Value = serde_json::from_slice(&go.stdout).unwrap();
    assert_eq!(stop["rejections"].as_array().unwrap().len(), 1);
    assert_eq!(stop["incidents"].as_array().unwrap().len(), 1);
    assert_eq!(go["incidents"].as_array().unwrap().len(), 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_usage_unreadable_files_and_bad_playbooks_exit_2() {
    assert_eq!(
        incident().arg("replay").output().unwrap().status.code(),
        Some(2)
    );
    assert_eq!(
        incident()
            .args(["replay", "/no/such/file"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let out = incident()
        .args(["replay", "--playbook"])
        .arg(&case)
        .arg(&case)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a playbook"));
}

#[test]
fn a_playbook_with_an_array_for_an_object_exits_2() {
    // Issue 10 §8: `{"name": "Stripe", "optional": false}` written as
    // serde's array of its fields is not a playbook.
    let dir = std::env::temp_dir().join(format!("incident-cli-playbook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let playbook = dir.join("playbook.json");
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    for (doc, code) in [
        (
            r#"{"dependencies": [["Stripe", false]], "health_endpoints": ["/a", "/b", "/c"]}"#,
            2,
        ),
        (
            r#"{"dependencies": [{"name": "Stripe", "optional": false}], "health_endpoints": ["/a", "/b", "/c"]}"#,
            1,
        ),
    ] {
        std::fs::write(&playbook, doc).unwrap();
        let out = incident()
            .args(["replay", "--playbook"])
            .arg(&playbook)
            .arg(&case)
            .output()
            .unwrap();
        // The well-formed playbook is read; the stream then breaks its rules
        // (the seed's dependencies are not in it): 1, not 2.
        assert_eq!(out.status.code(), Some(code), "{doc}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.contains("not a playbook"), code == 2, "{stderr}");
        if code == 2 {
            assert!(stderr.contains("invalid type: sequence"), "{stderr}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_unreadable_stream_prints_no_part_of_a_document() {
    // Issue 10 §8: a whole document or none (it left `{"rejections":[`).
    let dir = std::env::temp_dir();
    for file in ["/no/such/file", dir.to_str().unwrap()] {
        for format in ["json", "text"] {
            let out = incident()
                .args(["replay", "--format", format, file])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{file}");
            assert!(out.stdout.is_empty(), "{file}: {:?}", out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("cannot read"), "{stderr}");
        }
    }
}

#[test]
fn replay_reads_stdin_and_counts_blank_lines() {
    use std::io::Write;
    let mut child = incident()
        .args(["replay", "--keep-going", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"\n\n{\"type\":\"close\"}\n\xff\xfe\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> = doc["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4]);
}

#[test]
fn schema_lists_and_writes_every_schema() {
    let out = incident().arg("schema").output().unwrap();
    let names = String::from_utf8(out.stdout).unwrap();
    for name in [
        "command",
        "snapshot",
        "replay-output",
        "postmortem",
        "comms-update",
        "playbook",
    ] {
        assert!(
            names.lines().any(|l| l.starts_with(name)),
            "{name} missing: {names}"
        );
    }
    let dir = std::env::temp_dir().join(format!("incident-schemas-{}", std::process::id()));
    let out = incident()
        .args(["schema", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for name in ["command", "snapshot"] {
        let written = std::fs::read_to_string(dir.join(format!("{name}.schema.json"))).unwrap();
        let committed =
            std::fs::read_to_string(root().join(format!("schemas/{name}.schema.json"))).unwrap();
        assert_eq!(written, committed);
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn replay_json_output_matches_its_schema_and_the_library() {
    let schema = incident_playbook::schema::by_name("replay-output").unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema.schema)
        .unwrap();
    for case in [
        "malformed-json-line",
        "two-incidents-interleaved",
        "close-sev1-without-postmortem",
    ] {
        let path = root().join(format!("tests/conformance/cases/{case}.jsonl"));
        let out = incident()
            .args(["replay", "--keep-going", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(validator.is_valid(&doc), "{case}");
        // The binary streams; the library collects: the same document either way.
        let mut replay = incident_playbook::Replay::new(incident_playbook::Playbook::default());
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            replay.line(line);
        }
        assert_eq!(
            doc,
            serde_json::to_value(replay.output()).unwrap(),
            "{case}"
        );
        assert_eq!(
            out.status.code(),
            Some(crate::fixture::exit_code(replay.verdict()))
        );
    }
}

#[test]
fn export_refuses_a_source_or_ticket_base_the_schemas_would_refuse() {
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    for (args, option) in [
        (&["--source", ""][..], "--source"),
        (&["--source", "has space"][..], "--source"),
        (&["--ticket-base", "not a url"][..], "--ticket-base"),
    ] {
        let out = incident()
            .args(["export", "--cdevents"])
            .args(args)
            .arg(&case)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(option), "{args:?}: {stderr}");
    }
}

/// `incident check --format json` on `doc`, written to a file: exit code and
/// the report (or standard error when there is none).
fn check_document(doc: &str) -> (Option<i32>, serde_json::Value) {
    let dir = std::env::temp_dir().join(format!("incident-cli-shapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("doc.json");
    std::fs::write(&file, doc).unwrap();
    let out = incident()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| String::from_utf8_lossy(&out.stderr).into());
    (out.status.code(), report)
}

/// The `ok` of every snapshot report, in order.
fn oks(report: &serde_json::Value) -> Vec<bool> {
    let snapshots = report["snapshots"].as_array().unwrap();
    snapshots
        .iter()
        .map(|s| s["ok"].as_bool().unwrap())
        .collect()
}

#[test]
fn check_reads_every_shape_of_document_alike() {
    // `check` reads lists one snapshot at a time and other documents whole
    // (issue 13); both readings must give the same reports.
    let case = root().join("tests/conformance/cases/two-incidents-interleaved.jsonl");
    let out = incident()
        .args(["replay", "--format", "json"])
        .arg(&case)
        .output()
        .unwrap();
    let output: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let [a, b] = [&output["incidents"][0], &output["incidents"][1]].map(|s| s.to_string());

    let listing = check_document(&String::from_utf8(out.stdout).unwrap());
    assert_eq!((listing.0, oks(&listing.1)), (Some(0), vec![true, true]));
    let list = check_document(&format!("[{a},{b}]"));
    assert_eq!(list, listing);
    let reordered = check_document(&format!(r#"{{"incidents":[{a},{b}],"rejections":[]}}"#));
    assert_eq!(reordered, listing);

    let middle = check_document(&format!(r#"[{a},{{"x":1}},{b}]"#));
    assert_eq!(oks(&middle.1), [true, false, true]);
    assert_eq!(middle.1["snapshots"][1]["rule"], "malformed-input");

    // A key given twice: the last `incidents` counts, as in a `Value`.
    let twice = check_document(&format!(r#"{{"incidents":[{a}],"incidents":[{a},{b}]}}"#));
    assert_eq!(twice, listing);
    // With an `incident_id` it is one (malformed) snapshot, wherever the key is.
    let one = check_document(&format!(r#"{{"incidents":[{a}],"incident_id":"x"}}"#));
    assert_eq!((one.0, oks(&one.1)), (Some(2), vec![false]));
    let single = check_document(&a);
    assert_eq!((single.0, oks(&single.1)), (Some(0), vec![true]));

    let (code, stderr) = check_document(r#"{"incidents": {"a": 1}}"#);
    assert_eq!(code, Some(2));
    assert!(
        stderr
            .as_str()
            .unwrap()
            .contains("`incidents` is not an array"),
        "{stderr}"
    );
    let (code, stderr) = check_document("[1, ");
    assert_eq!(code, Some(2));
    assert!(stderr.as_str().unwrap().contains("is not JSON"), "{stderr}");
}

#[test]
fn replay_now_judges_every_line_by_the_clock_given() {
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let replay = |extra: &[&str]| {
        let out = incident()
            .args(["replay", "--keep-going", "--format", "json"])
            .args(extra)
            .arg(&case)
            .output()
            .unwrap();
        // Bad usage prints no document.
        let doc = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.code(), doc)
    };
    // Without --now the history keeps its verdict; with a clock after it, too.
    assert_eq!(replay(&[]).0, Some(0));
    assert_eq!(replay(&["--now", "2030-01-01T00:00:00Z"]).0, Some(0));
    // A clock before the declaration: every line is dated in its future.
    let (code, doc) = replay(&["--now", "2026-01-01T00:00:00Z", "--max-skew", "0"]);
    assert_eq!(code, Some(1));
    let rejections = doc["rejections"].as_array().unwrap();
    assert!(!rejections.is_empty());
    assert!(
        rejections
            .iter()
            .all(|r| r["rule"] == "recorded-in-the-future" || r["rule"] == "not-declared"),
        "{doc}"
    );
    assert_eq!(rejections[0]["rule"], "recorded-in-the-future");
    assert_eq!(replay(&["--now", "yesterday"]).0, Some(2));
    assert_eq!(replay(&["--max-skew", "5"]).0, Some(2));
}

#[test]
fn new_to_a_stream_refuses_a_command_dated_after_the_clock() {
    let dir = std::env::temp_dir().join(format!("incident-new-future-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stream = dir.join("stream.jsonl");
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let first = std::fs::read_to_string(case).unwrap();
    std::fs::write(&stream, format!("{}\n", first.lines().next().unwrap())).unwrap();
    let before = std::fs::read(&stream).unwrap();
    let out = incident()
        .args(["new", "add_note", "--text", "From the future"])
        .args(["--at", "9999-12-31T23:59:59Z", "--to"])
        .arg(&stream)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("recorded-in-the-future"),
        "{out:?}"
    );
    assert_eq!(std::fs::read(&stream).unwrap(), before);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn render_updates_says_who_posted_an_update_where_names_are_shown() {
    let case = root().join("tests/conformance/cases/sender-named.jsonl");
    let render = |args: &[&str]| {
        let out = incident()
            .args(["render", "updates"])
            .args(args)
            .arg(&case)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    // The public update is owned by the comms owner and posted by Grace.
    let all = render(&[]);
    assert!(
        all.contains("Posted 2026-05-04T09:20:00Z by Grace\n"),
        "{all}"
    );
    assert!(all.contains("Owner: Linus"), "{all}");
    // Not where the sender is the owner.
    assert!(all.contains("Posted 2026-05-04T09:05:00Z\n"), "{all}");
    let public = render(&["--audience", "public"]);
    assert!(public.contains("Posted 2026-05-04T09:20:00Z\n"), "{public}");
    assert!(
        !public.contains("Grace") && !public.contains("Linus"),
        "{public}"
    );
    let named = render(&["--audience", "public", "--with-names"]);
    assert!(
        named.contains("Posted 2026-05-04T09:20:00Z by Grace\n"),
        "{named}"
    );
}

/// `incident replay` keeps closed incidents aside, compressed, and puts one
/// back when a line names it: its document is byte for byte the one the
/// library's replay writes, lines after a close (redeliveries, refused
/// commands, a second declaration) are judged as if it had never left, and
/// the incidents keep the order declared.
#[test]
fn replay_judges_lines_for_closed_incidents_and_writes_the_same_bytes() {
    let cases = root().join("tests/conformance/cases");
    let read = |case: &str| std::fs::read_to_string(cases.join(format!("{case}.jsonl"))).unwrap();
    let closed = read("happy-sev1-full-lifecycle");
    let mut late_note: serde_json::Value = closed
        .lines()
        .find(|l| l.contains("\"add_note\""))
        .map(|l| serde_json::from_str(l).unwrap())
        .unwrap();
    late_note["command_id"] = command_id(7001).into();
    // Closed first; then every line again (redeliveries, the declaration
    // too), a note after the close, and another incident's lines.
    let stream = format!(
        "{closed}{closed}{}\n{}{}",
        late_note,
        read("two-incidents-interleaved"),
        read("command-after-close")
    );
    let dir = std::env::temp_dir().join(format!("incident-shelf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("stream.jsonl");
    std::fs::write(&path, &stream).unwrap();

    let mut replay = incident_playbook::Replay::new(incident_playbook::Playbook::default());
    for line in stream.lines() {
        replay.line(line);
    }
    let expected = format!(
        "{{\"rejections\":{},\"incidents\":{}}}\n",
        serde_json::to_string(replay.rejections()).unwrap(),
        serde_json::to_string(replay.incidents()).unwrap()
    );
    assert!(replay.refused() > 0 && replay.incidents().len() == 2);
    let out = incident()
        .args(["replay", "--keep-going", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);

    let out = incident()
        .args(["replay", "--keep-going"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let summaries: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("incident "))
        .collect();
    let ids: Vec<String> = replay
        .incidents()
        .iter()
        .map(|i| i.id().to_string())
        .collect();
    assert_eq!(summaries.len(), ids.len(), "{text}");
    for (line, id) in summaries.iter().zip(&ids) {
        assert!(line.starts_with(&format!("incident {id}: ")), "{text}");
    }
    assert!(summaries[0].contains("SEV1 closed"), "{text}");
}
