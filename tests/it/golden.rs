//! Golden files: what the renderings print, byte for byte, through the
//! `incident` binary. A change in any output fails here; after checking the
//! difference is wanted, rewrite the files with
//!
//! ```text
//! UPDATE_GOLDENS=1 cargo test --all-features --test it golden::
//! ```

use crate::fixture::root;
use std::path::PathBuf;
use std::process::Command;

fn case(name: &str) -> PathBuf {
    root().join("tests/conformance/cases").join(name)
}

fn golden(name: &str) -> PathBuf {
    root().join("tests/golden").join(name)
}

/// Runs `incident ARGS`, expects `code`, and compares standard output with
/// the golden file `name` (or rewrites it under `UPDATE_GOLDENS=1`).
fn check(name: &str, args: &[&str], code: i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "incident {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDENS").is_some() {
        std::fs::write(&path, &stdout).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; create it with UPDATE_GOLDENS=1", path.display()));
    if stdout != want {
        let line = stdout
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| stdout.lines().count().min(want.lines().count()));
        panic!(
            "incident {args:?} differs from {} at line {}:\n  got:  {:?}\n  want: {:?}\n(rewrite with UPDATE_GOLDENS=1 if the change is wanted)",
            path.display(),
            line + 1,
            stdout.lines().nth(line),
            want.lines().nth(line)
        );
    }
}

const HAPPY: &str = "tests/conformance/cases/happy-sev1-full-lifecycle.jsonl";
const TWO: &str = "tests/conformance/cases/two-incidents-interleaved.jsonl";
const REOPENED: &str = "tests/golden/sev2-escalated-reopened.jsonl";
const BERLIN: &str = "tests/golden/playbook-berlin.json";

#[test]
fn the_fixtures_are_where_the_tests_expect() {
    assert!(case("happy-sev1-full-lifecycle.jsonl").exists());
    assert!(golden("sev2-escalated-reopened.jsonl").exists());
}

#[test]
fn updates() {
    check("happy-sev1.updates.txt", &["render", "updates", HAPPY], 0);
    check("two-incidents.updates.txt", &["render", "updates", TWO], 0);
    check(
        "sev2-escalated-reopened.updates.txt",
        &["render", "updates", REOPENED],
        0,
    );
}

/// `render updates --audience`: the public rendering is fit to paste on a
/// status page (the public update only, no `Owner:` name and no `Severity:`
/// line unless asked for);
/// the internal one leaves the public update out. The stream's line 2 is
/// refused, so the exit is 1.
#[test]
fn updates_by_audience() {
    const PUBLIC: &str = "tests/conformance/cases/public-update-not-by-comms-owner.jsonl";
    let public = ["render", "updates", "--audience", "public", PUBLIC];
    check("public-update.public.txt", &public, 1);
    let named = [
        "render",
        "updates",
        "--audience",
        "public",
        "--with-names",
        PUBLIC,
    ];
    check("public-update.public-with-names.txt", &named, 1);
    // A team that publishes its severities keeps the line.
    let severity = [
        "render",
        "updates",
        "--audience",
        "public",
        "--with-severity",
        PUBLIC,
    ];
    check("public-update.public-with-severity.txt", &severity, 1);
    let internal = ["render", "updates", "--audience", "internal", PUBLIC];
    check("public-update.internal.txt", &internal, 1);
    check("public-update.all.txt", &["render", "updates", PUBLIC], 1);
}

#[test]
fn postmortems() {
    check(
        "happy-sev1.postmortem.md",
        &["render", "postmortem", HAPPY],
        0,
    );
    check(
        "happy-sev1.draft.md",
        &["render", "postmortem", "--draft", HAPPY],
        0,
    );
    check(
        "sev2-escalated-reopened.postmortem.md",
        &["render", "postmortem", REOPENED],
        0,
    );
    check(
        "sev2-escalated-reopened.draft.md",
        &["render", "postmortem", "--draft", REOPENED],
        0,
    );
    // No postmortem submitted: the draft is there, the postmortem is not.
    check(
        "two-incidents.draft.md",
        &["render", "postmortem", "--draft", TWO],
        0,
    );
    check(
        "two-incidents.postmortem.md",
        &["render", "postmortem", TWO],
        1,
    );
}

#[test]
fn reports() {
    let now = "2026-05-21T09:00:00Z";
    check("happy-sev1.report.txt", &["report", "--now", now, HAPPY], 0);
    check(
        "happy-sev1.report.json",
        &["report", "--now", now, "--format", "json", HAPPY],
        0,
    );
    check(
        "two-incidents.report.txt",
        &["report", "--now", "2026-05-04T10:00:00Z", TWO],
        0,
    );
    // As of a time mid-incident: what was recorded later does not count
    // (the happy case is closed by then, and has five updates).
    check(
        "happy-sev1.as-of.report.txt",
        &["report", "--now", "2026-05-04T09:25:00Z", HAPPY],
        0,
    );
    check(
        "happy-sev1.as-of.report.json",
        &[
            "report",
            "--now",
            "2026-05-04T09:25:00Z",
            "--format",
            "json",
            HAPPY,
        ],
        0,
    );
    // Before any declaration: no incident.
    check(
        "two-incidents.as-of-before.report.txt",
        &["report", "--now", "2026-05-04T08:00:00Z", TWO],
        0,
    );
    check(
        "sev2-escalated-reopened.report.txt",
        &[
            "report",
            "--playbook",
            BERLIN,
            "--now",
            "2026-05-20T12:00:00Z",
            REOPENED,
        ],
        0,
    );
    check(
        "sev2-escalated-reopened.report.json",
        &[
            "report",
            "--playbook",
            BERLIN,
            "--now",
            "2026-05-20T12:00:00Z",
            "--format",
            "json",
            REOPENED,
        ],
        0,
    );
}

#[test]
fn cdevents() {
    check(
        "happy-sev1.cdevents.jsonl",
        &["export", "--cdevents", HAPPY],
        0,
    );
    check(
        "sev2-escalated-reopened.cdevents.jsonl",
        &[
            "export",
            "--cdevents",
            "--source",
            "/acme/incidents",
            "--ticket-base",
            "https://tickets.example/incidents/",
            REOPENED,
        ],
        0,
    );
}

#[test]
fn lint() {
    check(
        "broken-postmortem.lint.txt",
        &[
            "lint-postmortem",
            "--peak",
            "SEV1",
            "tests/golden/broken-postmortem.md",
        ],
        1,
    );
    check(
        "broken-postmortem.lint.json",
        &[
            "lint-postmortem",
            "--peak",
            "SEV1",
            "--format",
            "json",
            "tests/golden/broken-postmortem.md",
        ],
        1,
    );
    // Postmortems written by hand from public accounts: readable, so every
    // finding is a finding (exit 1), each at its own line.
    for name in ["github", "gitlab", "cloudflare", "circleci"] {
        check(
            &format!("postmortems/{name}.lint.txt"),
            &[
                "lint-postmortem",
                "--peak",
                "SEV1",
                &format!("tests/postmortems/{name}.md"),
            ],
            1,
        );
    }
    // What `render postmortem` writes passes the linter.
    check(
        "happy-sev1.postmortem.lint.txt",
        &[
            "lint-postmortem",
            "--peak",
            "SEV1",
            "tests/golden/happy-sev1.postmortem.md",
        ],
        0,
    );
}

/// A refused line does not hide the accepted ones: they are rendered, the
/// refusal goes to standard error with its line, and the exit code is
/// replay's.
#[test]
fn refused_lines_are_reported_and_set_the_exit_code() {
    for args in [
        &["render", "updates"][..],
        &["render", "postmortem", "--draft"],
        &["report", "--now", "2026-05-04T10:00:00Z"],
        &["export", "--cdevents"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_incident"))
            .args(args)
            .arg("tests/conformance/cases/malformed-json-line.jsonl")
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("line 3: error[malformed-input]"),
            "{args:?}: {stderr}"
        );
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn bad_usage_is_exit_code_2() {
    for args in [
        &["report", "--now", "yesterday", HAPPY][..],
        &[
            "lint-postmortem",
            "--peak",
            "SEV9",
            "tests/golden/broken-postmortem.md",
        ],
        &["export", HAPPY],
        &["render", "updates", "tests/golden/no-such-file.jsonl"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_incident"))
            .args(args)
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn statuses() {
    // Mid-incident: one update overdue, resolve and close blocked.
    check(
        "two-incidents.status.txt",
        &["status", "--now", "2026-05-04T09:50:00Z", TWO],
        0,
    );
    check(
        "two-incidents.status.json",
        &[
            "status",
            "--now",
            "2026-05-04T09:50:00Z",
            "--format",
            "json",
            TWO,
        ],
        0,
    );
    // As of a time mid-incident, and once closed (nothing is open).
    check(
        "happy-sev1.as-of.status.txt",
        &["status", "--now", "2026-05-04T09:25:00Z", HAPPY],
        0,
    );
    check(
        "happy-sev1.status.txt",
        &["status", "--now", "2026-05-21T09:00:00Z", HAPPY],
        0,
    );
}

/// The real incidents of `tests/incidents`, by file stem.
const REAL: [&str; 7] = [
    "github-2018-10-21",
    "gitlab-2017-01-31",
    "cloudflare-2019-07-02",
    "circleci-2023-01-04",
    "roblox-2021-10-28",
    "atlassian-2022-04-05",
    "okta-2023-10-20",
];

/// `ARGS --playbook PLAYBOOK STREAM` for the real incident `name`.
fn real(name: &str, args: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    all.push("--playbook".to_owned());
    all.push(format!("tests/incidents/{name}.playbook.json"));
    all.push(format!("tests/incidents/{name}.jsonl"));
    all
}

fn check_owned(golden: &str, args: &[String], code: i32) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    check(golden, &args, code);
}

/// The reports of the real incidents once closed: every mitigation with its
/// outcome, the exceptions accepted at resolve, public and internal updates,
/// the durations by true times; and GitHub's as of a moment mid-incident
/// (17:00 on the 22nd: monitoring, two temporary measures in effect, the
/// exception not yet accepted), the one the README shows.
#[test]
fn real_incident_reports() {
    for name in REAL {
        let args = real(name, &["report", "--now", "2030-01-01T00:00:00Z"]);
        check_owned(&format!("incidents/{name}.report.txt"), &args, 0);
    }
    let name = "github-2018-10-21";
    let mid = ["report", "--now", "2018-10-22T17:00:00Z"];
    check_owned(
        &format!("incidents/{name}.as-of.report.txt"),
        &real(name, &mid),
        0,
    );
    let json = [
        "report",
        "--now",
        "2018-10-22T17:00:00Z",
        "--format",
        "json",
    ];
    check_owned(
        &format!("incidents/{name}.as-of.report.json"),
        &real(name, &json),
        0,
    );
}

/// The drafts of the real incidents: every role holder over time, the
/// impact at resolve, renames, mitigation outcomes, the exceptions as action
/// items, back-dated events at their true time.
#[test]
fn real_incident_drafts() {
    // And their CDEvents: each event with the impact and title of its time.
    for name in REAL {
        let args = real(name, &["export", "--cdevents"]);
        check_owned(&format!("incidents/{name}.cdevents.jsonl"), &args, 0);
    }
    for name in REAL {
        let args = real(name, &["render", "postmortem", "--draft"]);
        check_owned(&format!("incidents/{name}.draft.md"), &args, 0);
    }
}

/// What the status page of each real incident showed: only the public
/// posts, each under the title it was posted under (GitLab's first posts
/// under "Database load from spam users", CircleCI's internal titles never),
/// each status the one the public was told, no severity, no names.
#[test]
fn real_incident_public_updates() {
    for name in REAL {
        let args = real(name, &["render", "updates", "--audience", "public"]);
        check_owned(&format!("incidents/{name}.public.txt"), &args, 0);
    }
}

/// The timelines of the real incidents as SVG pictures, whole (Roblox's
/// spans four days, its three months to the closing cut out of the axis),
/// and GitHub's as of 17:00 on the 22nd (monitoring, measures still in
/// effect drawn up to the moment).
#[test]
fn real_incident_timelines() {
    for name in REAL {
        let args = real(
            name,
            &["render", "timeline", "--now", "2030-01-01T00:00:00Z"],
        );
        check_owned(&format!("incidents/{name}.timeline.svg"), &args, 0);
    }
    let name = "github-2018-10-21";
    let mid = ["render", "timeline", "--now", "2018-10-22T17:00:00Z"];
    check_owned(
        &format!("incidents/{name}.as-of.timeline.svg"),
        &real(name, &mid),
        0,
    );
}
