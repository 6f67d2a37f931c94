//! `incident new`: commands written from flags, appended to a stream only
//! when the stream accepts them; completions and the man page.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn incident() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incident"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("incident-new-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `incident new TYPE --to STREAM --at AT ARGS…`.
fn new(stream: &Path, kind: &str, at: &str, args: &[&str]) -> Output {
    incident()
        .args(["new", kind, "--to"])
        .arg(stream)
        .args(["--at", at])
        .args(args)
        .output()
        .unwrap()
}

fn accepted(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

const UPDATE: [&str; 6] = [
    "--update.impact",
    "Large PDFs are slow",
    "--update.action",
    "Pausing the rollout",
    "--update.owner",
    "Grace",
];

#[test]
fn a_whole_incident_from_declare_to_close_replays_clean() {
    let dir = scratch("whole");
    let stream = dir.join("incident.jsonl");
    let declare = [
        "--title",
        "Slow document processing",
        "--severity",
        "SEV3",
        "--impact.environment",
        "production",
        "--impact.users",
        "Tenants with large PDFs",
        "--impact.feature",
        "Document processing",
        "--impact.started-at",
        "-30m",
        "--impact.flags",
        "degraded_feature",
        "--impact.surfaces",
        "api",
        "--roles.commander",
        "Grace",
        "--update.next-update",
        "+30m",
    ];
    let out = new(
        &stream,
        "declare",
        "2026-05-04T14:10:00Z",
        &[&declare[..], &UPDATE].concat(),
    );
    accepted(&out);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["impact"]["started_at"], "2026-05-04T13:40:00Z");
    assert_eq!(line["update"]["next_update"], "2026-05-04T14:40:00Z");

    let note = ["--text", "Canary workers are the slow ones"];
    accepted(&new(&stream, "add_note", "2026-05-04T14:11:00Z", &note));

    // A refused command: the file is left byte for byte, the rules named.
    let before = std::fs::read(&stream).unwrap();
    let out = new(&stream, "close", "2026-05-04T14:12:00Z", &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("line 3: error[not-allowed-in-phase]"),
        "{said}"
    );
    assert_eq!(std::fs::read(&stream).unwrap(), before);

    let mitigation = dir.join("pause.json");
    std::fs::write(
        &mitigation,
        r#"{"kind": "pause_rollout", "rollout": "worker canary"}"#,
    )
    .unwrap();
    let pause = format!("@{}", mitigation.display());
    let next = ["--update.next-update", "+30m"];
    // Each step: its type, its time, its flags, and whether it carries `UPDATE`.
    let steps: [(&str, &str, Vec<&str>, bool); 5] = [
        (
            "start_mitigation",
            "14:13",
            [
                &["--mitigation", &pause, "--update.status", "mitigating"][..],
                &next,
            ]
            .concat(),
            true,
        ),
        (
            "begin_monitoring",
            "14:14",
            [&["--update.status", "monitoring"][..], &next].concat(),
            true,
        ),
        (
            "end_mitigation",
            "14:15",
            vec![
                "--number",
                "1",
                "--outcome",
                "helped",
                "--note",
                "Canary resumed",
            ],
            false,
        ),
        (
            "resolve",
            "14:16",
            vec![
                "--verification",
                r#"{"health": {"live": true}}"#,
                "--verification.health",
                "ready=true",
                "--verification.health",
                "status=true",
                "--update.status",
                "resolved",
            ],
            true,
        ),
        ("close", "14:17", vec![], false),
    ];
    for (kind, at, args, update) in steps {
        let update: &[&str] = if update { &UPDATE } else { &[] };
        let at = format!("2026-05-04T{at}:00Z");
        accepted(&new(&stream, kind, &at, &[&args[..], update].concat()));
    }

    let replay = incident().arg("replay").arg(&stream).output().unwrap();
    accepted(&replay);
    let text = String::from_utf8_lossy(&replay.stdout);
    assert!(
        text.contains("SEV3 closed (peak SEV3), version 7"),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_stream_without_a_final_newline_gets_one_before_the_new_line() {
    let dir = scratch("newline");
    let stream = dir.join("incident.jsonl");
    let case =
        crate::fixture::root().join("tests/conformance/cases/close-with-paused-rollout.jsonl");
    let first = std::fs::read_to_string(case).unwrap();
    let first = first.lines().next().unwrap();
    std::fs::write(&stream, first).unwrap();
    let out = new(
        &stream,
        "add_note",
        "2026-05-04T14:11:00Z",
        &["--text", "noted"],
    );
    accepted(&out);
    let text = std::fs::read_to_string(&stream).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.starts_with(first) && text.ends_with("}\n"), "{text}");
    accepted(&incident().arg("replay").arg(&stream).output().unwrap());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn without_a_stream_a_declare_is_judged_and_printed_and_others_need_an_incident() {
    let out = incident()
        .args(["new", "declare", "--title", "T", "--severity", "SEV4"])
        .output()
        .unwrap();
    // No impact, no roles, no update: refused, by the library's rules.
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("error["));

    // Each case: the flags after `new`, the exit code, and what must be
    // said: the written line's fields by JSON pointer, or with exit 2 the
    // words of the error (`--owner` names the update's owner, `--by` who
    // sends the command: every type takes `--by`, only those with an update
    // `--owner`).
    let id = "3f2c8a61-5b7e-4c1d-9a0f-2e6b7d8c9a10";
    type Case<'a> = (&'a [&'a str], i32, &'a [(&'a str, &'a str)]);
    let cases: [Case; 5] = [
        (&["add_note", "--text", "x"], 2, &[("stderr", "--incident")]),
        (
            &["add_note", "--incident", id, "--text", "x"],
            0,
            &[("/incident_id", id)],
        ),
        (
            &[
                "post_update",
                "--incident",
                id,
                "--update.impact",
                "i",
                "--update.action",
                "a",
                "--owner",
                "Ada",
                "--by",
                "Grace",
            ],
            0,
            &[("/update/owner", "Ada"), ("/by", "Grace")],
        ),
        (
            &["add_note", "--incident", id, "--text", "x", "--by", "Ken"],
            0,
            &[("/by", "Ken")],
        ),
        (
            &[
                "add_note",
                "--incident",
                id,
                "--text",
                "x",
                "--owner",
                "Ken",
            ],
            2,
            &[("stderr", "--owner")],
        ),
    ];
    for (args, code, said) in cases {
        let out = incident().arg("new").args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        if code != 0 {
            for (_, words) in said {
                assert!(stderr.contains(words), "{args:?}: {stderr}");
            }
            continue;
        }
        let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for (pointer, value) in said {
            assert_eq!(line.pointer(pointer), Some(&(*value).into()), "{args:?}");
        }
        let command_id: uuid::Uuid = line["command_id"].as_str().unwrap().parse().unwrap();
        assert_eq!(command_id.get_version_num(), 4);
    }
}

#[test]
fn an_unknown_type_suggests_the_nearest() {
    let out = incident().args(["new", "add_nte"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add_note"));
}

#[test]
fn completions_and_the_man_page_cover_new_and_its_fields() {
    let out = incident().args(["completions", "bash"]).output().unwrap();
    accepted(&out);
    let script = String::from_utf8_lossy(&out.stdout);
    assert!(script.contains("--impact.started-at"), "no field flags");
    assert!(script.contains("lint-postmortem"));
    let out = incident().arg("man").output().unwrap();
    accepted(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH incident"));
}

#[test]
fn a_stream_of_several_incidents_needs_one_named() {
    let dir = scratch("several");
    let stream = dir.join("two.jsonl");
    let case =
        crate::fixture::root().join("tests/conformance/cases/two-incidents-interleaved.jsonl");
    std::fs::copy(case, &stream).unwrap();
    let before = std::fs::read(&stream).unwrap();
    let out = new(
        &stream,
        "add_note",
        "2026-05-04T09:40:00Z",
        &["--text", "x"],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--incident") && said.contains("Slow document processing"),
        "{said}"
    );
    assert_eq!(std::fs::read(&stream).unwrap(), before);

    let id = "7d8b75cd-c578-5d9e-a8ac-af5d791120b3";
    let out = new(
        &stream,
        "add_note",
        "2026-05-04T09:40:00Z",
        &["--text", "x", "--incident", id],
    );
    accepted(&out);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["incident_id"], id);
    assert!(line["expected_version"].as_u64().is_some_and(|v| v > 0));
    std::fs::remove_dir_all(&dir).ok();
}
