//! `lint-postmortem` on postmortems written by hand: each finding at its own
//! line, a readable file off the template judged (exit 1), exit 2 only for a
//! file that cannot be read.

use std::collections::HashSet;

use incident_playbook::{Rule, postmortem::lint_postmortem};

use crate::fixture::root;

const HAND_WRITTEN: &str = "<!-- from a chat log -->\n\
# Postmortem: Hand written\n\
\n\
Date: 2026-05-05\n\
Severity: SEV2\n\
Owners: Ada\n\
Status: published\n\
\n\
## Summary\nBroke.\n\n## Impact\nUsers.\n\n\
## Timeline\n\
- 09:05 declared\n\
- 09:20 rollback\n\
- 2026-05-04T09:30:00Z recovered\n\
- 2026-05-04T09:25:00Z earlier\n\
\n\
## Root Cause\nBug.\n\n## What Worked\nRollback.\n\n## What Did Not Work\nTests.\n\n\
## Action Items\n\
- fix it\n\
| Action | Owner | Due | Status |\n\
|---|---|---|---|\n\
| Add a test | Ada | 2026-05-20 | open |\n";

#[test]
fn each_finding_of_a_hand_written_timeline_points_at_its_own_line() {
    let findings = lint_postmortem(HAND_WRITTEN, None);
    let got: Vec<(Option<usize>, Rule, Option<&str>)> = findings
        .iter()
        .map(|f| (f.line, f.violation.rule(), f.violation.path()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(16), Rule::MalformedInput, Some("timeline")),
            (Some(17), Rule::MalformedInput, Some("timeline")),
            // The fourth bullet is the second entry read: its own line.
            (
                Some(19),
                Rule::PostmortemTimelineUnordered,
                Some("timeline[1].at")
            ),
            (Some(31), Rule::MalformedInput, Some("action_items")),
        ]
    );
    let lines: HashSet<Option<usize>> = findings.iter().map(|f| f.line).collect();
    assert_eq!(lines.len(), findings.len());
}

#[test]
fn a_markdown_file_off_the_template_gets_rule_findings() {
    let findings = lint_postmortem("# Release notes\n\nNothing broke.\n", None);
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f.line.is_some() || f.violation.path().is_some())
    );
}

#[test]
fn the_hand_written_postmortems_from_public_accounts_are_read() {
    for name in ["github", "gitlab", "cloudflare", "circleci"] {
        let path = root().join(format!("tests/postmortems/{name}.md"));
        let md = std::fs::read_to_string(&path).unwrap();
        // The source comment above the title is skipped: the title is read.
        let read = incident_playbook::postmortem::PostmortemInput::from_markdown(&md);
        assert!(read.input.title.is_some(), "{name}");
        let findings = lint_postmortem(&md, None);
        // Each finding at a line of its own part (two rules may share one).
        assert!(
            findings.iter().all(|f| f.line.is_some()),
            "{name}: {findings:?}"
        );
    }
}

#[cfg(feature = "cli")]
#[test]
fn exit_2_only_for_a_file_that_cannot_be_read() {
    let dir = std::env::temp_dir().join(format!("incident-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notes = dir.join("notes.md");
    std::fs::write(&notes, "# Release notes\n\nNothing broke.\n").unwrap();
    let binary = dir.join("binary.md");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_incident"))
            .arg("lint-postmortem")
            .arg(file)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&notes), Some(1));
    assert_eq!(run(&binary), Some(2));
    assert_eq!(run(&dir.join("missing.md")), Some(2));
}
