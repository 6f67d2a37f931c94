//! docs/contract.md against the crate.
//!
//! The contract document is the reference for other implementations, so the
//! parts of it that the code already knows are generated from the code and
//! held to it here: the rule catalogue (`Rule::ALL`), the phase table
//! (`CommandKind::allowed_in` and `phase_after`), the fields of each command,
//! the enum values, the impact flags' floors and the schema list (the
//! `schema` module). Each generated
//! part sits between two marker comments; when the code changes, run
//!
//! ```sh
//! UPDATE_CONTRACT=1 cargo test --all-features --test it contract::
//! ```
//!
//! to rewrite them, and review the diff. The hand-written parts are checked
//! where a test can check them: every rule, command, mitigation kind and CLI
//! subcommand (with its options) has its entry, in the order of the code;
//! every example command parses; the table of missing fields says what the
//! crate reports; code blocks name a language rustdoc will not compile; links
//! resolve.

use std::path::{Path, PathBuf};

use incident_playbook::{Command, Phase, Rule, command::CommandKind};

/// The contract document, relative to the crate root.
const DOC: &str = "docs/contract.md";

fn doc_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC)
}

fn doc() -> String {
    std::fs::read_to_string(doc_path()).unwrap_or_else(|e| panic!("cannot read {DOC}: {e}"))
}

// ---- The generated sections ----

fn begin_marker(name: &str) -> String {
    format!(
        "<!-- generated:{name} (tests/it/contract.rs checks it; UPDATE_CONTRACT=1 rewrites it) -->"
    )
}

fn end_marker(name: &str) -> String {
    format!("<!-- end generated:{name} -->")
}

/// Every phase, in the order of an incident's life. The match makes adding a
/// phase a compile error here, so the table cannot silently miss a column.
fn phases() -> [Phase; 5] {
    let all = [
        Phase::Investigating,
        Phase::Mitigating,
        Phase::Monitoring,
        Phase::Resolved,
        Phase::Closed,
    ];
    for phase in all {
        match phase {
            Phase::Investigating
            | Phase::Mitigating
            | Phase::Monitoring
            | Phase::Resolved
            | Phase::Closed => {}
        }
    }
    all
}

/// The rule catalogue: every id with its one-line summary.
fn rules_section() -> String {
    let mut out = String::from("| id | summary |\n|---|---|\n");
    for rule in Rule::ALL {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            rule.id(),
            catalogue_summary(*rule)
        ));
    }
    out
}

/// A rule's summary as the catalogue shows it: a retired rule is marked.
pub fn catalogue_summary(rule: Rule) -> String {
    if rule.is_retired() {
        format!("*Retired: never reported.* {}", rule.summary())
    } else {
        rule.summary().to_owned()
    }
}

/// What the phase table says of `kind` in `phase`.
fn phase_cell(kind: CommandKind, phase: Phase) -> String {
    if !kind.allowed_in(phase) {
        return "refused".to_owned();
    }
    match kind.phase_after(phase) {
        Phase::Closed if phase == Phase::Closed => "amends".to_owned(),
        after if after == phase => "stays".to_owned(),
        after => format!("→ {after}"),
    }
}

/// The phase table: one row per command, one column per phase.
fn phases_section() -> String {
    let mut out = String::from("| `type` |");
    for phase in phases() {
        out.push_str(&format!(" {phase} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(phases().len()));
    out.push('\n');
    for kind in CommandKind::ALL {
        out.push_str(&format!("| `{kind}` |"));
        for phase in phases() {
            out.push_str(&format!(" {} |", phase_cell(kind, phase)));
        }
        out.push('\n');
    }
    out
}

#[cfg(feature = "schema")]
mod from_schemas {
    //! The sections that the exported JSON Schemas know.

    use incident_playbook::{command::CommandKind, schema};
    use serde_json::Value;

    /// The envelope fields, which every command has and the body tables leave out.
    const ENVELOPE: [&str; 6] = [
        "type",
        "incident_id",
        "command_id",
        "at",
        "expected_version",
        "by",
    ];

    /// The schema named `name`, generated once per test run.
    fn schema(name: &str) -> Value {
        static ALL: std::sync::OnceLock<Vec<schema::NamedSchema>> = std::sync::OnceLock::new();
        ALL.get_or_init(schema::all)
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no schema named {name}"))
            .schema
            .clone()
    }

    fn names(list: Option<&Value>) -> Vec<String> {
        list.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn code_list(names: &[String]) -> String {
        if names.is_empty() {
            return "—".to_owned();
        }
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        quoted.join(", ")
    }

    /// The command schema's variant for `kind` (`$defs/<type>`, where its
    /// `if`/`then` dispatch leads).
    fn variant(command: &Value, kind: CommandKind) -> Value {
        command["$defs"]
            .get(kind.as_str())
            .filter(|v| v["title"] == kind.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("the command schema has no variant `{kind}`"))
    }

    /// The body fields of `kind`, required and optional, as the command
    /// schema says them (in the schema's order).
    pub fn body_fields(kind: CommandKind) -> (Vec<String>, Vec<String>) {
        let v = variant(&schema("command"), kind);
        let required: Vec<String> = names(v.get("required"))
            .into_iter()
            .filter(|f| !ENVELOPE.contains(&f.as_str()))
            .collect();
        let optional: Vec<String> = v["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .filter(|f| !ENVELOPE.contains(&f.as_str()) && !required.contains(f))
            .collect();
        (required, optional)
    }

    /// The body fields of every command.
    pub fn command_fields_section() -> String {
        let mut out = String::from(
            "| `type` | required body fields | optional body fields |\n|---|---|---|\n",
        );
        for kind in CommandKind::ALL {
            let (required, optional) = body_fields(kind);
            out.push_str(&format!(
                "| `{kind}` | {} | {} |\n",
                code_list(&required),
                code_list(&optional)
            ));
        }
        out
    }

    /// The values of a schema definition that is an enum, whether written as
    /// `enum` or as `oneOf` constants (with a description each).
    fn enum_values(def: &Value) -> Option<Vec<String>> {
        if let Some(values) = def.get("enum") {
            return Some(names(Some(values)));
        }
        let consts: Vec<String> = def
            .get("oneOf")?
            .as_array()?
            .iter()
            .map(|v| v.get("const").and_then(Value::as_str).map(str::to_owned))
            .collect::<Option<_>>()?;
        Some(consts)
    }

    /// Every enum of the command and snapshot schemas, by definition name,
    /// with its wire values in the schema's order. The rule ids have their
    /// own table.
    pub fn enums_section() -> String {
        let mut enums = std::collections::BTreeMap::new();
        for name in ["command", "snapshot"] {
            let s = schema(name);
            for (def, body) in s["$defs"].as_object().into_iter().flatten() {
                if def == "Rule" {
                    continue;
                }
                if let Some(values) = enum_values(body) {
                    enums.insert(def.clone(), values);
                }
            }
        }
        let mut out = String::from("| type | values |\n|---|---|\n");
        for (def, values) in enums {
            out.push_str(&format!("| {def} | {} |\n", code_list(&values)));
        }
        out
    }

    /// Every impact flag with the severity floor it sets and whether it puts
    /// data at stake (so that resolving needs the data checks).
    pub fn flags_section() -> String {
        use incident_playbook::state::ImpactFlag;
        let command = schema("command");
        let values = enum_values(&command["$defs"]["ImpactFlag"]).unwrap_or_default();
        assert!(!values.is_empty(), "cannot read the impact flags");
        let mut out =
            String::from("| flag | severity at least | resolving verifies data |\n|---|---|---|\n");
        for value in values {
            let flag: ImpactFlag = serde_json::from_value(Value::from(value.as_str()))
                .unwrap_or_else(|e| panic!("the schema's flag `{value}` does not parse: {e}"));
            let data = if flag.concerns_data() { "yes" } else { "no" };
            out.push_str(&format!("| `{value}` | {} | {data} |\n", flag.floor()));
        }
        out
    }

    /// Every mitigation `kind` the command schema accepts.
    pub fn mitigation_kinds() -> Vec<String> {
        let command = schema("command");
        command["$defs"]["MitigationInput"]["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["properties"]["kind"]["const"].as_str())
            .map(str::to_owned)
            .collect()
    }

    /// The exported schemas, their files and what each describes.
    pub fn schemas_section() -> String {
        let mut out = format!(
            "Contract version: `{}` (each schema's `x-contract-version`; `$id` is `{}/{}/<file>`).\n\n",
            schema::CONTRACT_VERSION,
            schema::ID_BASE,
            schema::CONTRACT_VERSION
        );
        out.push_str("| name | file | describes |\n|---|---|---|\n");
        for s in schema::all() {
            out.push_str(&format!(
                "| `{}` | `schemas/{}` | {} |\n",
                s.name,
                s.file_name(),
                s.description
            ));
        }
        out
    }
}

/// Every generated section, by marker name, as the code says it must read.
fn sections() -> Vec<(&'static str, String)> {
    #[allow(unused_mut)]
    let mut sections = vec![("rules", rules_section()), ("phases", phases_section())];
    #[cfg(feature = "schema")]
    sections.extend([
        ("command-fields", from_schemas::command_fields_section()),
        ("enums", from_schemas::enums_section()),
        ("flags", from_schemas::flags_section()),
        ("schemas", from_schemas::schemas_section()),
    ]);
    sections
}

/// The byte range of the text between the markers of `name` (the lines after
/// the begin marker up to the end marker).
fn section_range(doc: &str, name: &str) -> Result<std::ops::Range<usize>, String> {
    let (begin, end) = (begin_marker(name), end_marker(name));
    let start = doc
        .find(&begin)
        .ok_or_else(|| format!("{DOC} lost the marker line\n{begin}"))?
        + begin.len();
    let start = start + doc[start..].find('\n').map_or(0, |i| i + 1);
    let stop = doc[start..]
        .find(&end)
        .ok_or_else(|| format!("{DOC} has no\n{end}\nafter the marker of `{name}`"))?
        + start;
    if doc.matches(&begin).count() > 1 {
        return Err(format!("{DOC} has the marker of `{name}` twice"));
    }
    Ok(start..stop)
}

/// The section's text without blank lines at either end, which Markdown
/// needs around a table but which carry no content.
fn trimmed(text: &str) -> &str {
    text.trim_matches('\n')
}

/// How a generated section is written into the document.
fn framed(body: &str) -> String {
    format!("\n{}\n\n", body.trim_end())
}

#[test]
fn the_generated_sections_are_what_the_code_says() {
    let doc = doc();
    let mut updated = doc.clone();
    let mut stale = Vec::new();
    for (name, expected) in sections() {
        let range = section_range(&updated, name).unwrap_or_else(|e| panic!("{e}"));
        if trimmed(&updated[range.clone()]) != expected.trim_end() {
            stale.push((name, expected.clone()));
            updated.replace_range(range, &framed(&expected));
        }
    }
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::write(doc_path(), &updated).unwrap_or_else(|e| panic!("cannot write {DOC}: {e}"));
        eprintln!(
            "rewrote the generated sections {:?} of {DOC}; review the diff",
            stale.iter().map(|(n, _)| *n).collect::<Vec<_>>()
        );
        return;
    }
    let mut message = format!(
        "{DOC} differs from the code in its generated sections. Run\n  \
         UPDATE_CONTRACT=1 cargo test --all-features --test it contract::\n\
         to rewrite them (then review the diff), or paste:\n"
    );
    for (name, expected) in stale {
        message.push_str(&format!(
            "\n{}\n{}{}\n",
            begin_marker(name),
            framed(&expected),
            end_marker(name)
        ));
    }
    panic!("{message}");
}

#[test]
fn a_changed_section_is_seen_and_rewritten_in_place() {
    let doc = doc();
    let range = section_range(&doc, "rules").unwrap();
    let row = format!(
        "| `{}` | {} |",
        Rule::NotesRequired.id(),
        Rule::NotesRequired.summary()
    );
    assert!(
        doc[range.clone()].contains(&row),
        "{DOC} has no row for notes-required"
    );
    let mut edited = doc.clone();
    edited.replace_range(
        range.clone(),
        &doc[range.clone()].replace(&row, "| `notes-required` | Notes. |"),
    );
    let edited_range = section_range(&edited, "rules").unwrap();
    assert_ne!(
        trimmed(&edited[edited_range.clone()]),
        rules_section().trim_end()
    );
    edited.replace_range(edited_range, &framed(&rules_section()));
    assert_eq!(section_range(&edited, "rules").unwrap().start, range.start);
    assert_eq!(
        trimmed(&edited[section_range(&edited, "rules").unwrap()]),
        rules_section().trim_end()
    );
}

#[test]
fn the_phase_table_reads_as_the_handling_does() {
    // A few cells spelled out, so that a change to how cells are worded
    // (rather than to the table) is a deliberate one.
    assert_eq!(
        phase_cell(CommandKind::StartMitigation, Phase::Investigating),
        "→ mitigating"
    );
    assert_eq!(phase_cell(CommandKind::AddNote, Phase::Resolved), "stays");
    assert_eq!(
        phase_cell(CommandKind::BeginMonitoring, Phase::Investigating),
        "refused"
    );
    assert_eq!(phase_cell(CommandKind::Close, Phase::Resolved), "→ closed");
    for kind in CommandKind::ALL {
        let expected = if kind.amends() { "amends" } else { "refused" };
        assert_eq!(
            phase_cell(kind, Phase::Closed),
            expected,
            "{kind} in a closed incident"
        );
    }
    assert_eq!(phase_cell(CommandKind::AddNote, Phase::Closed), "amends");
    assert_eq!(
        phase_cell(CommandKind::PostUpdate, Phase::Closed),
        "refused"
    );
}

// ---- The hand-written parts ----

/// The document without its generated sections, so that coverage checks see
/// only what a person wrote.
fn hand_written(doc: &str) -> String {
    let mut rest = doc.to_owned();
    for (name, _) in sections() {
        if let Ok(range) = section_range(&rest, name) {
            rest.replace_range(range, "");
        }
    }
    rest
}

/// The positions of `needles` in `haystack`; panics naming the first missing.
fn positions(haystack: &str, needles: &[String], what: &str) -> Vec<usize> {
    needles
        .iter()
        .map(|n| {
            haystack
                .find(n.as_str())
                .unwrap_or_else(|| panic!("{DOC} has no {what} `{n}` outside its generated tables"))
        })
        .collect()
}

#[test]
fn every_rule_has_its_entry_in_the_catalogue_in_the_order_of_the_code() {
    let text = hand_written(&doc());
    let rows: Vec<String> = Rule::ALL
        .iter()
        .map(|r| format!("\n| `{}` | ", r.id()))
        .collect();
    let at = positions(&text, &rows, "catalogue row");
    for (pair, rules) in at.windows(2).zip(Rule::ALL.windows(2)) {
        assert!(
            pair[0] < pair[1],
            "{DOC}: the catalogue has `{}` after `{}`; Rule::ALL has it before",
            rules[0].id(),
            rules[1].id()
        );
    }
}

#[test]
fn every_command_has_its_section_in_the_order_of_the_code() {
    let text = hand_written(&doc());
    let headings: Vec<String> = CommandKind::ALL
        .iter()
        .map(|k| format!("\n#### `{k}`\n"))
        .collect();
    let at = positions(&text, &headings, "command heading");
    assert!(
        at.windows(2).all(|p| p[0] < p[1]),
        "{DOC}: the command sections are not in the order of CommandKind::ALL"
    );
}

#[cfg(feature = "schema")]
#[test]
fn every_mitigation_kind_has_its_row() {
    let text = hand_written(&doc());
    let kinds = from_schemas::mitigation_kinds();
    assert!(
        kinds.len() >= 6,
        "cannot read the mitigation kinds: {kinds:?}"
    );
    let rows: Vec<String> = kinds.iter().map(|k| format!("\n| `{k}` | ")).collect();
    positions(&text, &rows, "mitigation row");
}

/// The rows of the table "missing (or `null`) | reported as": for each
/// (command, field) the rows name, the rule reported. A row's first cell
/// lists fields in backticks, optionally narrowed by "of `command`"; its
/// second cell's first rule id in backticks is the rule.
fn missing_field_rules(doc: &str) -> Vec<(Option<String>, String, Rule)> {
    let header = "| missing (or `null`) | reported as |";
    let at = doc
        .find(header)
        .unwrap_or_else(|| panic!("{DOC} lost the table\n{header}"));
    let mut rows = Vec::new();
    for line in doc[at..].lines().skip(2).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").collect();
        let (fields, reported) = match cells.as_slice() {
            [fields, reported] => (*fields, *reported),
            _ => panic!("{DOC}: a row without two cells: {line}"),
        };
        let (fields, of) = match fields.split_once(" of ") {
            Some((f, of)) => (f, Some(of.trim().trim_matches('`').to_owned())),
            None => (fields, None),
        };
        let rule = reported
            .split('`')
            .skip(1)
            .step_by(2)
            .find_map(|id| id.parse::<Rule>().ok())
            .unwrap_or_else(|| panic!("{DOC}: no rule id in `{reported}`"));
        for field in fields.split('`').skip(1).step_by(2) {
            rows.push((of.clone(), field.to_owned(), rule));
        }
    }
    rows
}

/// The document's example command of each kind.
fn example_commands(doc: &str) -> Vec<serde_json::Value> {
    code_blocks(doc)
        .into_iter()
        .filter(|(info, _)| info == "json")
        .filter_map(|(_, text)| serde_json::from_str::<serde_json::Value>(&text).ok())
        .filter(|v| v.get("command_id").is_some() && v.get("type").is_some())
        .collect()
}

/// Each example command with one required field taken out is reported as
/// the table of missing fields says. Handling lists every violation (the
/// phase check does not stop the body's), so one incident in
/// `investigating` serves every command.
#[cfg(feature = "schema")]
#[test]
fn a_missing_required_field_is_reported_as_the_document_says() {
    use incident_playbook::{Incident, Playbook};
    let doc = doc();
    let table = missing_field_rules(&doc);
    let examples = example_commands(&doc);
    let playbook = Playbook::default();
    let declare = examples
        .iter()
        .find(|c| c["type"] == "declare")
        .expect("a declare example");
    let declared = serde_json::from_value::<Command>(declare.clone())
        .map_err(|e| e.to_string())
        .and_then(|c| Incident::declare(c, &playbook).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("{DOC}: the declare example is refused: {e}"));
    for kind in CommandKind::ALL {
        let example = examples
            .iter()
            .find(|c| c["type"] == kind.as_str())
            .unwrap_or_else(|| panic!("{DOC} has no example `{kind}`"));
        for field in from_schemas::body_fields(kind).0 {
            let expected = table
                .iter()
                .find(|(of, f, _)| {
                    *f == field && of.as_deref().is_none_or(|of| of == kind.as_str())
                })
                .map(|(_, _, rule)| *rule)
                .unwrap_or_else(|| {
                    panic!(
                        "{DOC}: the table of missing fields has no row for `{field}` of `{kind}`"
                    )
                });
            let mut cut = example.clone();
            if let Some(object) = cut.as_object_mut() {
                object.remove(&field);
            }
            let got: Vec<Rule> = match serde_json::from_value::<Command>(cut) {
                Err(_) => vec![Rule::MalformedInput],
                Ok(cmd) if kind == CommandKind::Declare => Incident::declare(cmd, &playbook)
                    .map(|_| Vec::new())
                    .unwrap_or_else(|r| r.rules()),
                Ok(cmd) => declared
                    .clone()
                    .handle(cmd, &playbook)
                    .map(|_| Vec::new())
                    .unwrap_or_else(|r| r.rules()),
            };
            assert!(
                got.contains(&expected),
                "`{kind}` without `{field}`: {DOC} says {expected}, the crate says {got:?}"
            );
        }
    }
}

/// A fence line: its character, its length and its info string.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let t = line.trim_start();
    let c = t.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = t.chars().take_while(|x| *x == c).count();
    (n >= 3).then(|| (c, n, t[n..].trim()))
}

/// Every fenced code block: its info string and its text.
fn code_blocks(doc: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, String, String)> = None; // fence, length, info, text
    for line in doc.lines() {
        match (&mut open, fence(line)) {
            (None, Some((c, n, info))) => open = Some((c, n, info.to_owned(), String::new())),
            (None, None) => {}
            (Some((c, n, _, _)), Some((c2, n2, ""))) if *c == c2 && n2 >= *n => {
                if let Some((_, _, info, text)) = open.take() {
                    blocks.push((info, text));
                }
            }
            (Some((_, _, _, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    assert!(open.is_none(), "{DOC} ends inside a code block");
    blocks
}

#[test]
fn every_code_block_names_a_language_that_is_not_rust() {
    // The document is also rustdoc, where a block without a language (or
    // marked rust) is compiled as a doctest.
    for (info, text) in code_blocks(&doc()) {
        let lang = info.split([',', ' ']).next().unwrap_or_default();
        assert!(
            !lang.is_empty() && lang != "rust" && !lang.starts_with("edition"),
            "{DOC}: a code block without a non-Rust language (`{info}`):\n{text}"
        );
    }
}

#[test]
fn every_json_example_parses_and_every_example_command_is_a_command() {
    let mut commands = 0;
    for (info, text) in code_blocks(&doc()) {
        if info != "json" {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{DOC}: a json block is not JSON ({e}):\n{text}"));
        // An object with the envelope is an example command; it must be one.
        if value.get("command_id").is_some() && value.get("type").is_some() {
            if let Err(e) = serde_json::from_value::<Command>(value.clone()) {
                panic!("{DOC}: an example command does not parse ({e}):\n{text}");
            }
            commands += 1;
        }
    }
    assert!(
        commands >= CommandKind::ALL.len(),
        "{DOC} shows only {commands} example commands"
    );
}

/// The lines outside fenced code blocks.
fn prose_lines(doc: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_block: Option<(char, usize)> = None;
    for line in doc.lines() {
        match (in_block, fence(line)) {
            (None, Some((c, n, _))) => in_block = Some((c, n)),
            (Some((c, n)), Some((c2, n2, ""))) if c == c2 && n2 >= n => in_block = None,
            (Some(_), _) => {}
            (None, None) => out.push(line),
        }
    }
    out
}

/// The document's prose: fenced blocks and inline code left out.
fn prose(doc: &str) -> String {
    let mut out = String::new();
    for line in prose_lines(doc) {
        // Odd pieces between backticks are code spans.
        for (i, piece) in line.split('`').enumerate() {
            if i % 2 == 0 {
                out.push_str(piece);
            }
        }
        out.push('\n');
    }
    out
}

/// The anchors the headings make, as GitHub makes them: lower case, spaces
/// as hyphens, punctuation other than hyphens and underscores dropped.
///
/// Panics on two headings with one anchor: GitHub and rustdoc number the
/// second differently, so a link to it would not be stable.
fn anchors(doc: &str) -> std::collections::HashSet<String> {
    let all: Vec<String> = prose_lines(doc)
        .into_iter()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let unique: std::collections::HashSet<String> = all.iter().cloned().collect();
    for anchor in &unique {
        let n = all.iter().filter(|a| *a == anchor).count();
        assert_eq!(
            n, 1,
            "{DOC} has {n} headings that make the anchor `#{anchor}`"
        );
    }
    unique
}

#[test]
fn links_point_into_the_document_or_to_files_of_the_repository() {
    let anchors = anchors(&doc());
    let doc = prose(&doc());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (i, _) in doc.match_indices("](") {
        let target: String = doc[i + 2..].chars().take_while(|c| *c != ')').collect();
        if let Some(anchor) = target.strip_prefix('#') {
            assert!(
                anchors.contains(anchor),
                "{DOC} links to `#{anchor}`, which no heading makes"
            );
            continue;
        }
        if target.starts_with("http") {
            continue;
        }
        let file = target.split('#').next().unwrap_or_default();
        assert!(
            root.join("docs").join(file).exists(),
            "{DOC} links to `{target}`, which the repository does not have"
        );
    }
    let doc = self::doc();
    for gone in ["WIRE.md", "RULES.md"] {
        assert!(
            !doc.contains(gone),
            "{DOC} cites {gone}, which is not in the repository"
        );
    }
}

/// What `incident <path> --help` lists: the subcommands (without `help`)
/// and the long options (without `--help` and `--version`).
#[cfg(feature = "cli")]
fn help(path: &[&str]) -> (Vec<String>, Vec<String>) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let listed = |section: &str| -> Vec<String> {
        help.lines()
            .skip_while(|l| !l.starts_with(section))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| {
                l.split_whitespace()
                    .find(|w| !w.starts_with("-") || w.starts_with("--"))
            })
            .map(|w| w.trim_end_matches(',').to_owned())
            .collect()
    };
    let subcommands = listed("Commands:")
        .into_iter()
        .filter(|n| n != "help")
        .collect();
    let options = listed("Options:")
        .into_iter()
        .filter(|o| o.starts_with("--") && o != "--help" && o != "--version")
        .collect();
    (subcommands, options)
}

/// The text of the section under `heading`, up to the next heading of its level.
fn section_under<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let start = doc.find(heading)? + heading.len();
    let rest = &doc[start..];
    Some(rest.find("\n### ").map_or(rest, |end| &rest[..end]))
}

/// Every subcommand of the binary has its section, which shows every option.
#[cfg(feature = "cli")]
#[test]
fn the_document_describes_every_subcommand_and_option_the_binary_has() {
    let doc = doc();
    let (top, _) = help(&[]);
    assert!(top.len() >= 3, "cannot read the subcommands: {top:?}");
    for sub in &top {
        let (nested, options) = help(&[sub]);
        let paths: Vec<Vec<&str>> = if nested.is_empty() {
            vec![vec![sub.as_str()]]
        } else {
            nested
                .iter()
                .map(|n| vec![sub.as_str(), n.as_str()])
                .collect()
        };
        for path in paths {
            let command = format!("incident {}", path.join(" "));
            let heading = format!("\n### `{command}`\n");
            let section = section_under(&doc, &heading).unwrap_or_else(|| {
                panic!("the binary has `{command}` but {DOC} has no section `### `{command}``")
            });
            let options = if path.len() > 1 {
                help(&path).1
            } else {
                options.clone()
            };
            for option in options {
                assert!(
                    section.contains(&option),
                    "`{command}` has the option {option}, which {DOC} does not show in its section"
                );
            }
        }
    }
}
