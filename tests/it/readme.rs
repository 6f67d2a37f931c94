//! The README and the guides under `docs/` against the crate: the rule table
//! (`docs/rules.md`) is `Rule::ALL`, the commands a newcomer needs are near the
//! top of the README, the CLI guide (`docs/cli.md`) and the schemas guide
//! (`docs/other-languages.md`) cover everything, and the walkthrough example
//! runs its story to the end.
//!
//! The guides' Rust blocks are doctests (they are modules of the crate's
//! documentation); this file checks the parts that are not code.

use crate::fixture::root;

use incident_playbook::Rule;

#[path = "../../examples/walkthrough.rs"]
mod walkthrough;

/// Marks the generated rule table; the table follows on the next line.
const TABLE_MARKER: &str =
    "<!-- generated from Rule::ALL (id, summary); tests/it/readme.rs checks it -->";

fn readme() -> String {
    doc("README.md")
}

/// A file of the repository, by its path from the root (`docs/cli.md`).
fn doc(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap()
}

fn rules_guide() -> String {
    doc("docs/rules.md")
}

fn cli_guide() -> String {
    doc("docs/cli.md")
}

/// The table as it must read, to paste into docs/rules.md when a rule is added.
fn expected_table() -> String {
    let mut out = String::from("| id | rule |\n|---|---|\n");
    for rule in Rule::ALL {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            rule.id(),
            super::contract::catalogue_summary(*rule)
        ));
    }
    out
}

/// The (id, summary) rows of the table under the marker.
fn table_rows(readme: &str) -> Vec<(String, String)> {
    let mut lines = readme.lines().skip_while(|l| l.trim() != TABLE_MARKER);
    assert!(
        lines.next().is_some(),
        "docs/rules.md lost the marker line above the rule table:\n{TABLE_MARKER}"
    );
    let table: Vec<&str> = lines.take_while(|l| l.starts_with('|')).collect();
    assert!(
        table.len() > 2,
        "no table under the marker; it should read:\n{}",
        expected_table()
    );
    assert_eq!(table[0], "| id | rule |", "the table's header changed");
    table[2..]
        .iter()
        .map(|row| {
            let cells: Vec<&str> = row
                .trim_matches('|')
                .splitn(2, " | ")
                .map(str::trim)
                .collect();
            assert_eq!(cells.len(), 2, "a row without two cells: {row}");
            let id = cells[0].trim_matches('`').to_owned();
            (id, cells[1].to_owned())
        })
        .collect()
}

#[test]
fn the_rule_table_is_rule_all_with_its_summaries() {
    let rows = table_rows(&rules_guide());
    let expected: Vec<(String, String)> = Rule::ALL
        .iter()
        .map(|r| (r.id().to_owned(), super::contract::catalogue_summary(*r)))
        .collect();
    if rows != expected {
        let n = rows
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b)
            .unwrap_or(rows.len().min(expected.len()));
        panic!(
            "docs/rules.md's rule table differs from Rule::ALL at row {}: the guide has {:?}, \
             Rule::ALL has {:?} ({} rows against {}). The table should read:\n{}",
            n + 1,
            rows.get(n),
            expected.get(n),
            rows.len(),
            expected.len(),
            expected_table()
        );
    }
}

#[test]
fn the_table_parser_sees_a_changed_row() {
    let readme = rules_guide();
    let row = format!(
        "| `{}` | {} |",
        Rule::MitigateBeforeRca.id(),
        Rule::MitigateBeforeRca.summary()
    );
    assert!(readme.contains(&row));
    let reworded = readme.replace(&row, "| `mitigate-before-rca` | Mitigate first. |");
    let (before, after) = (table_rows(&readme), table_rows(&reworded));
    assert_eq!(before.len(), after.len());
    assert!(after.contains(&("mitigate-before-rca".into(), "Mitigate first.".into())));
    assert_ne!(before, after);
}

#[test]
fn the_two_first_commands_are_near_the_top() {
    let readme = readme();
    let top: Vec<&str> = readme.lines().take(40).collect();
    for command in [
        "cargo run --example walkthrough",
        "cargo test --workspace --all-features",
    ] {
        assert!(
            top.iter().any(|l| l.contains(command)),
            "`{command}` is not in the first 40 lines of README.md"
        );
    }
    // The README says CI runs the test command; hold it to that.
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        ci.lines()
            .any(|l| l.trim() == "cargo test --workspace --all-features"),
        ".ci/run no longer runs `cargo test --workspace --all-features`, as the README says it does"
    );
}

#[test]
fn the_cli_guide_shows_every_cli_subcommand() {
    let readme = cli_guide();
    for sub in [
        "replay",
        "check",
        "schema",
        "render updates",
        "render postmortem",
        "report",
        "lint-postmortem",
        "export",
    ] {
        assert!(
            readme.contains(&format!("incident {sub}")),
            "docs/cli.md does not show `incident {sub}`"
        );
    }
    for flag in ["--playbook", "--keep-going", "--format", "--out"] {
        assert!(readme.contains(flag), "docs/cli.md does not mention {flag}");
    }
}

/// The subcommands `incident <path> --help` lists (without `help`).
#[cfg(feature = "cli")]
fn subcommands(path: &[&str]) -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// The subcommands as the binary lists them, nested ones too (`render
/// updates`), so a new one must reach docs/cli.md.
#[cfg(feature = "cli")]
#[test]
fn the_cli_guide_shows_every_subcommand_the_binary_has() {
    let readme = cli_guide();
    let top = subcommands(&[]);
    assert!(top.len() >= 3, "cannot read the subcommands: {top:?}");
    for sub in &top {
        let nested = subcommands(&[sub]);
        let shown: Vec<String> = if nested.is_empty() {
            vec![format!("incident {sub}")]
        } else {
            nested
                .iter()
                .map(|n| format!("incident {sub} {n}"))
                .collect()
        };
        for command in shown {
            assert!(
                readme.contains(&command),
                "the binary has `{command}` but docs/cli.md does not show it"
            );
        }
    }
}

#[cfg(feature = "schema")]
#[test]
fn the_schemas_guide_names_every_exported_schema() {
    let readme = doc("docs/other-languages.md");
    for schema in incident_playbook::schema::all() {
        assert!(
            readme.contains(&format!("`{}`", schema.name)),
            "docs/other-languages.md does not name the schema `{}`",
            schema.name
        );
        assert!(
            root().join("schemas").join(schema.file_name()).is_file(),
            "schemas/{} is missing",
            schema.file_name()
        );
    }
}

#[test]
fn the_walkthrough_tells_its_story_to_the_end() {
    assert!(root().join("examples/walkthrough.rs").is_file());
    // The example checks each step (refusals by rule id, the duplicate, the
    // snapshot round trip) and returns an error when one goes otherwise.
    if let Err(e) = walkthrough::main() {
        panic!("examples/walkthrough.rs failed: {e}");
    }
}

#[test]
fn the_rendered_postmortem_in_the_cli_guide_is_the_golden_one() {
    // The golden file is what `incident render postmortem` prints today
    // (tests/golden.rs holds it to the binary), so docs/cli.md cannot drift.
    let golden =
        std::fs::read_to_string(root().join("tests/golden/happy-sev1.postmortem.md")).unwrap();
    assert!(
        cli_guide().contains(golden.trim_end()),
        "paste tests/golden/happy-sev1.postmortem.md into docs/cli.md again"
    );
    let updates =
        std::fs::read_to_string(root().join("tests/golden/happy-sev1.updates.txt")).unwrap();
    let first: String = updates
        .lines()
        .skip_while(|l| !l.starts_with("Status:"))
        .take(6)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(first.starts_with("Status:"), "{updates}");
    assert!(
        cli_guide().contains(&first),
        "docs/cli.md's update is not the first rendered one"
    );
}

/// The commands of the guide's console transcripts (`$ incident …` lines).
/// `tests/docs_blocks.py` runs them and compares what they print; this only
/// holds the guide to showing the outputs a newcomer needs to see.
fn transcript_commands(guide: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_console = false;
    for line in guide.lines().map(str::trim) {
        if line.starts_with("```") {
            in_console = line == "```console";
        } else if in_console && let Some(command) = line.strip_prefix("$ ") {
            commands.push(command.to_owned());
        }
    }
    commands
}

#[test]
fn the_cli_guide_shows_real_output() {
    let commands = transcript_commands(&cli_guide());
    for (what, wanted) in [
        (
            "a report as of a time, of a real incident",
            &["incident report --now", "github"][..],
        ),
        (
            "public updates",
            &["incident render updates --audience public"][..],
        ),
        (
            "a refused line and the exit code",
            &["incident replay --keep-going"][..],
        ),
        ("a snapshot checked", &["incident check"][..]),
    ] {
        assert!(
            commands
                .iter()
                .any(|c| wanted.iter().all(|w| c.contains(w))),
            "docs/cli.md has no console transcript of {what} ({wanted:?}); it has {commands:#?}"
        );
    }
}

/// Every guide under `docs/` is linked from the README's table and is a
/// documentation module of a crate (so that its Rust blocks are doctests and
/// it reads under rustdoc too).
#[test]
fn every_guide_is_linked_and_documented() {
    let readme = readme();
    let libs = doc("src/lib.rs") + &doc("store/src/lib.rs");
    let mut guides: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .collect();
    guides.sort();
    assert!(guides.len() >= 5, "{guides:?}");
    for guide in guides {
        assert!(
            readme.contains(&format!("](docs/{guide})")),
            "README.md does not link docs/{guide}"
        );
        assert!(
            libs.contains(&format!("docs/{guide}\")")),
            "docs/{guide} is no documentation module: include it in src/lib.rs (`guide`)"
        );
    }
}
