//! The CLI's messages that say how to fix the input: a byte-order mark, a
//! pretty-printed command, an empty stream, commands given to `check`, a
//! format missing from `export`, durations and titles in `status`.

use std::process::{Command, Output};

use crate::fixture::root;

fn incident(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str, contents: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("incident-msg-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

fn stream() -> String {
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    std::fs::read_to_string(case).unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_byte_order_mark_at_the_start_is_skipped() {
    let file = scratch("bom.jsonl", format!("\u{feff}{}", stream()).as_bytes());
    let out = incident(&["replay", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn a_pretty_printed_command_is_told_to_be_one_line() {
    let first: serde_json::Value = serde_json::from_str(stream().lines().next().unwrap()).unwrap();
    let pretty = serde_json::to_string_pretty(&first).unwrap();
    let file = scratch("pretty.jsonl", pretty.as_bytes());
    let out = incident(&["replay", &file]);
    assert_eq!(out.status.code(), Some(2));
    // The refused line names the file, as `render` and `status` do.
    assert!(text(&out.stdout).starts_with(&format!("{file}: line 1: error[malformed-input]")));
    assert!(
        text(&out.stderr).contains("a command is one line of JSON"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_empty_stream_says_it_is_empty() {
    let file = scratch("empty.jsonl", b"\n\n");
    let out = incident(&["replay", &file]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("is empty"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_given_commands_points_at_replay() {
    let file = scratch("stream.jsonl", stream().as_bytes());
    let out = incident(&["check", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`incident replay"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn export_without_a_format_lists_the_formats() {
    let file = scratch("export.jsonl", stream().as_bytes());
    let out = incident(&["export", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--cdevents"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn status_leads_with_the_title_and_gives_hours() {
    let two = root().join("tests/conformance/cases/two-incidents-interleaved.jsonl");
    let two = two.to_string_lossy();
    let out = incident(&["status", "--now", "2026-05-04T12:00:00Z", &two]);
    let said = text(&out.stdout);
    assert!(said.starts_with("Document uploads failing (SEV1"), "{said}");
    assert!(said.contains("overdue by 2h 25m"), "{said}");
}
