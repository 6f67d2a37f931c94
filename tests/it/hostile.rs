//! Hostile input: oversized texts and lists, deep nesting, bytes that are not
//! UTF-8, NULs and absurd numbers all get a clean answer under a rule id, and
//! the answer stays small.
//!
//! Inputs are made here, in memory or in a temporary folder. The very large
//! ones (a 100 MB line, 16 MiB lists) are measured through the release binary
//! instead; the fuzz targets' findings land here as plain regression tests.

use crate::fixture::{HAPPY_SEV1, command_id};
use crate::properties::support::{at_json_path, json_paths};
use incident_playbook::{
    Incident, Incidents, LineRejection, Outcome, Playbook, Replay, Rule, Snapshot,
};
use serde_json::{Value, json};

fn happy() -> Vec<Value> {
    HAPPY_SEV1
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Hands `line` to `desk`, which must apply it.
fn applied(desk: &mut Incidents, line: &str) {
    match desk.handle_json(line) {
        Ok(Outcome::Applied { .. }) => {}
        other => panic!("not applied: {other:?}"),
    }
}

/// The happy SEV1 case up to (not including) line `upto` (0-based), replayed.
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

/// `line` with its first `from` replaced by `to`; `from` must be there.
fn edit(line: &str, from: &str, to: &str) -> String {
    assert!(line.contains(from), "{from} not in {line}");
    line.replacen(from, to, 1)
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

// ---- Oversized texts and lists ----

#[test]
fn a_one_megabyte_name_is_field_too_long_and_not_echoed() {
    let mut declare = happy().remove(0);
    let huge = "A".repeat(1 << 20);
    declare["roles"]["commander"] = json!(huge);
    declare["update"]["owner"] = json!(huge);
    let mut desk = Incidents::new(Playbook::default());
    let err = desk.handle_json(&declare.to_string()).unwrap_err();
    assert!(has(&err, Rule::FieldTooLong, "roles.commander"), "{err:?}");
    assert!(has(&err, Rule::FieldTooLong, "update.owner"), "{err:?}");
    assert!(report_size(&err) < 1_000, "the report repeats the input");
    assert!(desk.is_empty());
}

#[test]
fn a_text_at_its_limit_is_taken_and_one_over_is_not() {
    let mut desk = desk_upto(6);
    let mut note = happy().remove(6);
    note["text"] = json!("é".repeat(65_536));
    applied(&mut desk, &note.to_string());
    let mut longer = happy().remove(6);
    longer["command_id"] = json!(command_id(99));
    longer["text"] = json!("é".repeat(65_537));
    let err = desk.handle_json(&longer.to_string()).unwrap_err();
    assert!(has(&err, Rule::FieldTooLong, "text"), "{err:?}");
}

#[test]
fn a_hundred_thousand_action_items_are_field_too_long() {
    let mut pm = happy().remove(11);
    let item = pm["postmortem"]["action_items"][0].clone();
    pm["postmortem"]["action_items"] = Value::Array(vec![item; 100_000]);
    let err = refused_after(11, &pm.to_string());
    assert_eq!(err.rejection.rule(), Rule::FieldTooLong);
    assert!(has(&err, Rule::FieldTooLong, "postmortem.action_items"));
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

// ---- Deep nesting ----

fn nested(depth: usize, open: &str, close: &str, inner: &str) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + inner.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

#[test]
fn json_nested_ten_thousand_deep_is_malformed_without_overflowing_the_stack() {
    let declare = HAPPY_SEV1.lines().next().unwrap();
    let deep_array = nested(10_000, "[", "]", "");
    let deep_object = nested(10_000, "{\"a\":", "}", "1");
    let lines = [
        deep_array.clone(),
        deep_object.clone(),
        // Where a value of any shape is read: an unknown field, the
        // internally tagged mitigation, a list of enums, a text.
        edit(
            declare,
            "\"title\"",
            &format!("\"extra\": {deep_array}, \"title\""),
        ),
        edit(
            declare,
            "\"flags\": [",
            &format!("\"flags\": [{deep_array},"),
        ),
        edit(
            declare,
            "\"title\": \"Document uploads failing\"",
            &format!("\"title\": {deep_object}"),
        ),
        edit(
            &happy()[7].to_string(),
            "\"kind\"",
            &format!("\"x\": {deep_array}, \"kind\""),
        ),
    ];
    let mut replay = Replay::new(Playbook::default());
    assert!(replay.line(declare).is_none());
    for line in &lines {
        let report = replay.line(line).expect("refused");
        assert_eq!(report.rule, Rule::MalformedInput, "{report:?}");
    }
    assert_eq!(replay.rejections().len(), lines.len());
    assert_eq!(replay.incidents().iter().next().unwrap().version(), 1);

    for doc in [&deep_array, &deep_object] {
        assert!(serde_json::from_str::<Snapshot>(doc).is_err());
    }
}

// ---- Bytes and characters ----

#[test]
fn a_nul_is_malformed_raw_or_escaped_and_a_stored_one_still_loads() {
    let mut desk = desk_upto(6);
    let note = happy()[6].to_string();
    let raw = edit(&note, "Deploy", "De\0ploy");
    let err = desk.handle_json(&raw).unwrap_err();
    assert_eq!(err.rejection.rule(), Rule::MalformedInput);
    // `\u0000` is JSON, but no store keeps it (PostgreSQL's jsonb refuses
    // it): malformed too, by every reader of lines and bodies.
    let escaped = edit(&note, "Deploy", "De\\u0000ploy");
    let err = desk.handle_json(&escaped).unwrap_err();
    assert_eq!(err.rejection.rule(), Rule::MalformedInput);
    assert!(err.rejection.to_string().contains("U+0000"), "{err}");
    assert_eq!(err.incident_id, desk.iter().next().map(|i| i.id()));
    assert!(incident_playbook::parse_command(&escaped).is_err());
    let body = r#"{"type": "add_note", "text": "De\u0000ploy"}"#;
    assert!(incident_playbook::command::parse_body(body).is_err());
    // A backslash, then `u0000`: six characters of text.
    let backslash = edit(&note, "Deploy", "De\\\\u0000ploy");
    applied(&mut desk, &backslash);
    // A history holding one (stored before, or built in Rust) still loads.
    let mut cmd: incident_playbook::Command = serde_json::from_str(&note).unwrap();
    cmd.command_id = crate::fixture::command_uuid(990);
    if let incident_playbook::CommandBody::AddNote(n) = &mut cmd.body {
        n.text = Some("De\0ploy".into());
    }
    let mut desk = desk_upto(6);
    assert!(matches!(desk.handle(cmd), Ok(Outcome::Applied { .. })));
    let incident = desk.iter().next().unwrap();
    assert!(incident.notes().next().unwrap().text.contains('\0'));
    let json = serde_json::to_string(incident).unwrap();
    let back: Snapshot = serde_json::from_str(&json).unwrap();
    Incident::load(back, &Playbook::default()).unwrap();
}

#[test]
fn lone_surrogates_and_bad_escapes_are_malformed() {
    let note = happy()[6].to_string();
    for bad in ["\\ud800", "\\udfff", "\\x41", "\\u12"] {
        let line = edit(&note, "Deploy", &format!("De{bad}ploy"));
        let err = desk_upto(6).handle_json(&line).unwrap_err();
        assert_eq!(err.rejection.rule(), Rule::MalformedInput, "{bad}");
    }
}

#[test]
fn a_blank_line_of_a_megabyte_is_skipped() {
    let mut replay = Replay::new(Playbook::default());
    assert!(replay.line(&" \t".repeat(1 << 19)).is_none());
    assert_eq!(replay.lines(), 1);
    assert!(replay.rejections().is_empty());
}

// ---- Numbers ----

#[test]
fn huge_and_odd_expected_versions() {
    let note = happy()[6].to_string();
    let with = |v: &str| {
        edit(
            &note,
            "\"text\"",
            &format!("\"expected_version\": {v}, \"text\""),
        )
    };
    let err = refused_after(6, &with("18446744073709551615"));
    assert!(
        has(&err, Rule::VersionConflict, "expected_version"),
        "{err:?}"
    );
    // JSON Schema's `integer` is any whole number, however written, so the
    // crate reads versions the same way: beyond u64 saturates and conflicts.
    for v in [
        "18446744073709551616",
        "99999999999999999999999999999999999999",
        "1.0",
    ] {
        let err = refused_after(6, &with(v));
        assert!(
            has(&err, Rule::VersionConflict, "expected_version"),
            "{v}: {err:?}"
        );
    }
    applied(&mut desk_upto(6), &with("6.0e0"));
    for v in ["1e400", "-1", "6.5", "\"6\"", "true"] {
        let err = refused_after(6, &with(v));
        assert_eq!(err.rejection.rule(), Rule::MalformedInput, "{v}");
    }
    // `null` means absent; the right version is taken.
    applied(&mut desk_upto(6), &with("null"));
    applied(&mut desk_upto(6), &with("6"));
}

#[test]
fn absurd_timestamps_are_malformed() {
    let note = happy()[6].to_string();
    for at in [
        "2026-06-30T23:59:60Z",
        "99999-01-01T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-05-04T09:05:00+99:00",
        "2026-05-04T09:05:00.Z",
        "2026-05-04 09:05:00Z",
        "",
    ] {
        let line = edit(&note, "2026-05-04T09:12:00Z", at);
        let err = refused_after(6, &line);
        assert_eq!(err.rejection.rule(), Rule::MalformedInput, "{at}");
    }
}

// ---- Through the binary: what only raw bytes can carry ----

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// `incident replay --keep-going --format json` over `input` on stdin.
    fn replay(input: &[u8]) -> (Option<i32>, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_incident"))
            .args(["replay", "--keep-going", "--format", "json", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        (
            out.status.code(),
            serde_json::from_slice(&out.stdout).unwrap(),
        )
    }

    fn rules(report: &Value) -> Vec<(u64, String)> {
        report["rejections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["line"].as_u64().unwrap(),
                    r["rule"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn invalid_utf8_is_a_malformed_line_and_the_stream_goes_on() {
        let mut input = b"\xff\xfe{\"type\": \"close\"}\n".to_vec();
        input.extend_from_slice(b"{\"a\": \"\xc3\x28\"}\r\n");
        input.extend_from_slice(HAPPY_SEV1.lines().next().unwrap().as_bytes());
        input.push(b'\n');
        let (code, report) = replay(&input);
        assert_eq!(code, Some(2));
        assert_eq!(
            rules(&report),
            [(1, "malformed-input".into()), (2, "malformed-input".into())]
        );
        assert!(
            report["rejections"][0]["violations"][0]["message"]
                .as_str()
                .unwrap()
                .contains("not UTF-8")
        );
        assert_eq!(report["incidents"][0]["version"], 1);
    }

    /// The CLI reads lines of at most 16 MiB: one of exactly 16 MiB is read,
    /// one byte more is refused without being held, and the next line is read.
    #[test]
    fn lines_up_to_sixteen_mebibytes_are_read_and_longer_ones_refused() {
        const LIMIT: usize = 16 * 1024 * 1024;
        let declare = HAPPY_SEV1.lines().next().unwrap();
        let mut at_limit = declare.to_owned();
        at_limit.push_str(&" ".repeat(LIMIT - declare.len()));
        assert_eq!(at_limit.len(), LIMIT);
        let mut over = at_limit.clone();
        over.push(' ');

        let mut input = Vec::with_capacity(2 * LIMIT + 4096);
        input.extend_from_slice(over.as_bytes());
        input.push(b'\n');
        input.extend_from_slice(at_limit.as_bytes());
        input.push(b'\n');
        input.extend_from_slice(HAPPY_SEV1.lines().nth(1).unwrap().as_bytes());
        let (code, report) = replay(&input);
        assert_eq!(code, Some(2), "{report}");
        assert_eq!(rules(&report), [(1, "malformed-input".into())]);
        assert!(
            report["rejections"][0]["violations"][0]["message"]
                .as_str()
                .unwrap()
                .contains("longer than 16777216 bytes")
        );
        // Line 2 declared the incident, line 3 (no final newline) added to it.
        assert_eq!(report["incidents"][0]["version"], 2);
    }

    /// The limit counts every byte before the `\n`: the `\r` of a `\r\n`
    /// line counts toward it, though the line is read without it.
    #[test]
    fn the_carriage_return_of_a_crlf_line_counts_toward_the_limit() {
        const LIMIT: usize = 16 * 1024 * 1024;
        let declare = HAPPY_SEV1.lines().next().unwrap();
        let padded = |len: usize| {
            let mut line = declare.to_owned();
            line.push_str(&" ".repeat(len - declare.len()));
            line
        };
        let mut input = Vec::with_capacity(2 * LIMIT + 4096);
        input.extend_from_slice(padded(LIMIT).as_bytes());
        input.extend_from_slice(b"\r\n");
        input.extend_from_slice(padded(LIMIT - 1).as_bytes());
        input.extend_from_slice(b"\r\n");
        let (code, report) = replay(&input);
        assert_eq!(code, Some(2), "{report}");
        assert_eq!(rules(&report), [(1, "malformed-input".into())]);
        assert_eq!(report["incidents"][0]["version"], 1);
    }

    #[test]
    fn check_refuses_a_deeply_nested_document_and_invalid_utf8() {
        let dir = std::env::temp_dir().join(format!("incident-hostile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in [
            ("deep.json", nested(10_000, "[", "]", "").into_bytes()),
            ("bytes.json", b"{\"incident_id\": \"\xff\"}".to_vec()),
        ] {
            let file = dir.join(name);
            std::fs::write(&file, bytes).unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_incident"))
                .args(["check", "--format", "json"])
                .arg(&file)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{name}");
            assert!(!String::from_utf8_lossy(&out.stderr).is_empty(), "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

// ---- Parse errors with a path (issue 12 §4) ----

/// The one violation of a malformed line.
fn malformed(line: &str) -> incident_playbook::Violation {
    let err = refused_after(6, line);
    assert_eq!(err.rejection.violations().len(), 1, "{err:?}");
    let v = err.rejection.violations()[0].clone();
    assert_eq!(v.rule(), Rule::MalformedInput, "{v:?}");
    v
}

#[test]
fn a_parse_error_names_the_json_path_and_the_fields_of_its_type_only() {
    let note = happy().remove(6).to_string();
    // An unknown field: at its own path, with the fields of `add_note` only.
    let v = malformed(&edit(&note, "\"text\"", "\"txt\""));
    assert_eq!(v.path(), Some("txt"), "{v:?}");
    assert!(v.message().contains("`add_note` command has"), "{v:?}");
    assert!(v.message().contains("`text`"), "{v:?}");
    assert!(!v.message().contains("`postmortem`"), "{v:?}");
    // A field of another command type.
    let v = malformed(&edit(&note, "\"text\"", "\"title\": \"x\", \"text\""));
    assert_eq!(v.path(), Some("title"), "{v:?}");
    assert!(!v.message().contains("`postmortem`"), "{v:?}");
    // A nested value of the wrong type, at its path.
    let declare = happy().remove(0);
    let mut bad = declare.clone();
    bad["update"]["next_update"] = json!("tomorrow");
    let err = Incidents::new(Playbook::default())
        .handle_json(&bad.to_string())
        .unwrap_err();
    let v = &err.rejection.violations()[0];
    assert_eq!(v.path(), Some("update.next_update"), "{v:?}");
    let mut bad = declare.clone();
    bad["impact"]["flags"] = json!(["broad_outage", "no_such_flag"]);
    let err = Incidents::new(Playbook::default())
        .handle_json(&bad.to_string())
        .unwrap_err();
    let v = &err.rejection.violations()[0];
    assert_eq!(v.path(), Some("impact.flags[1]"), "{v:?}");
    // A missing body field no rule names: at that field.
    let v = malformed(&edit(
        &note,
        "\"type\":\"add_note\"",
        "\"type\":\"record_check\"",
    ));
    assert!(v.message().contains("`check`"), "{v:?}");
    // Not JSON at all, or a whole line that is wrong: no path.
    let v = malformed("{not json");
    assert_eq!(v.path(), None);
    let v = malformed(&format!("{note} x"));
    assert_eq!(v.path(), None, "{v:?}");
}

#[test]
fn a_hostile_unknown_field_makes_a_bounded_report() {
    let note = happy().remove(6).to_string();
    let key = "k".repeat(1 << 20);
    let err = refused_after(6, &edit(&note, "\"text\"", &format!("\"{key}\"")));
    assert!(report_size(&err) < 2_000, "the report repeats the input");
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let err = refused_after(
        6,
        &edit(&note, "\"text\":", &format!("\"text\": {deep}, \"x\":")),
    );
    assert!(report_size(&err) < 2_000, "{err:?}");
}

#[test]
fn a_whole_command_written_as_an_array_is_malformed() {
    // Issue 10 §8: serde's sequence form of a struct, which the command
    // schema refuses, is refused by the crate too.
    let note = happy().remove(6);
    let array = json!([
        "add_note",
        note["incident_id"],
        note["command_id"],
        note["at"],
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        note["text"]
    ]);
    let v = malformed(&array.to_string());
    assert_eq!(v.path(), None, "{v:?}");
    let short = json!([
        "add_note",
        note["incident_id"],
        note["command_id"],
        note["at"]
    ]);
    malformed(&short.to_string());
    // So is an object of the command written as an array.
    let declare = happy().remove(0);
    let mut update = declare.clone();
    update["update"] = json!([
        "investigating",
        "Uploads fail",
        "Checking",
        "2026-05-04T09:35:00Z",
        "Ada"
    ]);
    let mut impact = declare.clone();
    impact["impact"] = json!(["production", "All", "Upload", "2026-05-04T09:00:00Z"]);
    for (line, path) in [(update, "update"), (impact, "impact")] {
        let err = Incidents::new(Playbook::default())
            .handle_json(&line.to_string())
            .unwrap_err();
        assert_eq!(err.rejection.rules(), [Rule::MalformedInput], "{err:?}");
        assert_eq!(err.rejection.violations()[0].path(), Some(path), "{err:?}");
    }
    // `null` is still an absent optional object.
    let mut null = declare.clone();
    null["update"] = Value::Null;
    let err = Incidents::new(Playbook::default())
        .handle_json(&null.to_string())
        .unwrap_err();
    assert_eq!(err.rejection.rule(), Rule::UpdateRequired, "{err:?}");
}

/// Every command line of the conformance cases and the real-incident
/// streams that parses, one per shape (the same paths holding the same JSON
/// types), so that every nested object the wire has is among them.
pub(crate) fn parsed_lines_by_shape() -> Vec<Value> {
    let root = crate::fixture::root();
    let mut files = crate::fixture::conformance_cases();
    for e in std::fs::read_dir(root.join("tests/incidents")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|e| e == "jsonl") {
            files.push(p);
        }
    }
    let mut shapes = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if incident_playbook::parse_command(line).is_err() {
                continue;
            }
            let shape: Vec<String> = json_paths(&v)
                .into_iter()
                .map(|(p, v)| format!("{p}:{}", kind_of(v)))
                .collect();
            if shapes.insert(shape) {
                out.push(v);
            }
        }
    }
    out
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `line` is refused as `malformed-input` at `path`, by parsing alone and by
/// a collection. Inside `mitigation`, but for its `kind`, the path is
/// `mitigation`: serde reads an enum tagged by `kind` from a copy of the
/// object, which has no paths.
fn malformed_at(line: &Value, path: &str) {
    let text = line.to_string();
    let err = incident_playbook::parse_command(&text).unwrap_err();
    let v = &err.violations()[0];
    assert_eq!(err.rules(), [Rule::MalformedInput], "{text}\n{err:?}");
    let path = match path {
        p if p.starts_with("mitigation.") && p != "mitigation.kind" => "mitigation",
        p => p,
    };
    assert_eq!(v.path(), Some(path), "{text}\n{err:?}");
    let err = Incidents::new(Playbook::default())
        .handle_json(&text)
        .unwrap_err();
    assert_eq!(
        err.rejection.rules(),
        [Rule::MalformedInput],
        "{text}\n{err:?}"
    );
}

#[test]
fn a_nested_object_written_as_an_array_is_malformed_at_any_depth() {
    // Issue 10 §8: serde's sequence form of a struct, which the command
    // schema refuses, at every depth: `exceptions[0]`, `verification.api`,
    // `postmortem.timeline[0]`, `mitigation` (an internally tagged enum,
    // whose array form starts with the tag), …
    let lines = parsed_lines_by_shape();
    let mut seen = std::collections::BTreeSet::new();
    for line in &lines {
        for (path, value) in json_paths(line) {
            let Value::Object(map) = value else { continue };
            let mut bad = line.clone();
            *at_json_path(&mut bad, &path) = Value::Array(map.values().cloned().collect());
            malformed_at(&bad, &path);
            seen.insert(path);
        }
    }
    for deep in [
        "exceptions[0]",
        "postmortem.timeline[0]",
        "postmortem.action_items[0]",
        "impact.affected",
        "mitigation",
        "roles",
    ] {
        assert!(seen.contains(deep), "no line has `{deep}`: {seen:?}");
    }
}

#[test]
fn an_enum_written_as_a_one_key_object_is_malformed() {
    // Issue 10 §8: serde's map form of an enum (`{"SEV3": null}`), which
    // the schemas refuse. Every string of every line is tried, so every
    // enum on the wire (type, severity, role, check, audience, status,
    // kind, risk levels, outcome, postmortem statuses, …) is among them.
    let lines = parsed_lines_by_shape();
    let mut enums = std::collections::BTreeSet::new();
    for line in &lines {
        for (path, value) in json_paths(line) {
            let Value::String(s) = value else { continue };
            let mut bad = line.clone();
            *at_json_path(&mut bad, &path) = json!({ s.clone(): null });
            malformed_at(&bad, &path);
            let field = path.rsplit(['.', ']']).next().unwrap_or_default();
            enums.insert(field.to_owned());
        }
    }
    for field in [
        "type", "severity", "role", "check", "audience", "status", "kind",
    ] {
        assert!(enums.contains(field), "no line has `{field}`: {enums:?}");
    }
}

#[test]
fn a_snapshot_with_an_enum_written_as_an_object_is_refused() {
    // The snapshot schema says a string; the map form is refused when a
    // snapshot is read too.
    let incident = crate::fixture::replayed(HAPPY_SEV1, Playbook::default()).remove(0);
    let good = serde_json::to_value(&incident).unwrap();
    assert!(serde_json::from_value::<Snapshot>(good.clone()).is_ok());
    for field in ["severity", "phase"] {
        let mut bad = good.clone();
        let name = bad[field].as_str().unwrap().to_owned();
        bad[field] = json!({ name: null });
        let err = serde_json::from_value::<Snapshot>(bad).unwrap_err();
        assert!(
            err.to_string().contains("expected one of"),
            "{field}: {err}"
        );
    }
}
