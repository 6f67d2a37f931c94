//! `incident check`: load snapshots and report every rule each breaks.

use std::io::Write;

use incident_playbook::{Incident, Playbook, PlaybookId, Rule, Snapshot, Violation};
use serde::Serialize;
use serde_json::Value;

use crate::args::Format;
use crate::exit::{Fatal, Verdict};
use crate::input::read_document;
use crate::output::{Painted, ok, stdout, write_json_line};
use crate::snapshot_list::each_snapshot;

/// What `check` says of one snapshot.
#[derive(Serialize)]
struct CheckReport {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    incident_id: Option<Value>,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<Rule>,
    violations: Vec<Violation>,
    /// The playbook the snapshot was declared under, when it names one other
    /// than the playbook it is judged under: its verdict is today's
    /// playbook's, not the one it was accepted under.
    #[serde(skip_serializing_if = "Option::is_none")]
    declared_under: Option<PlaybookId>,
}

impl CheckReport {
    fn of(index: usize, value: Value, playbook: &Playbook) -> Self {
        let incident_id = value.get("incident_id").cloned();
        let mut declared_under = None;
        let violations = match serde_path_to_error::deserialize::<_, Snapshot>(value) {
            Err(e) => vec![malformed(e)],
            Ok(snapshot) => {
                declared_under = snapshot
                    .playbook
                    .clone()
                    .filter(|declared| Some(declared) != playbook.id());
                match Incident::load(snapshot, playbook) {
                    Ok(_) => Vec::new(),
                    Err(rejection) => rejection.into_violations(),
                }
            }
        };
        CheckReport {
            index,
            incident_id,
            ok: violations.is_empty(),
            rule: violations.first().map(Violation::rule),
            violations,
            declared_under,
        }
    }
}

/// `malformed-input` at the JSON path of what is wrong, as a command's.
fn malformed(e: serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let path = e.path().to_string();
    // `.` is the document itself.
    let path = (path != ".").then_some(path);
    Violation::new(
        Rule::MalformedInput,
        e.into_inner().to_string(),
        path.as_deref(),
    )
}

pub fn run(playbook: &Playbook, format: Format, file: &str) -> Result<Verdict, Fatal> {
    let text = read_document(file)?;
    let mut reports = Vec::new();
    let mut each = |value| reports.push(CheckReport::of(reports.len(), value, playbook));
    if each_snapshot(&text, &mut each).is_none() {
        let hint = commands_hint(file, &text);
        if let Some(hint) = &hint {
            eprintln!("incident: {hint}");
        }
        reports = snapshots_in(file, &text)?
            .into_iter()
            .enumerate()
            .map(|(index, value)| CheckReport::of(index, value, playbook))
            .collect();
    }
    let mut out = stdout();
    match format {
        Format::Json => write_json_line(&mut out, &serde_json::json!({ "snapshots": reports }))?,
        Format::Text => write_text(&mut out, &reports)?,
    }
    out.flush()?;
    Ok(Verdict::worst(reports.iter().map(|r| {
        r.rule.map_or(Verdict::Accepted, Verdict::refused)
    })))
}

/// When `text` is a command, or a stream of them, rather than snapshots:
/// what reads it instead.
fn commands_hint(file: &str, text: &str) -> Option<String> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let value: Value = serde_json::from_str(first).ok()?;
    let is_command =
        value.get("type").is_some_and(Value::is_string) && value.get("command_id").is_some();
    is_command.then(|| {
        format!(
            "{file} holds commands, not snapshots: `incident replay {file}` replays a stream \
             of commands (one per line); `check` reads what `replay --format json` prints"
        )
    })
}

/// The snapshots of a document: one snapshot, an array of them, or a replay
/// output document.
/// The snapshots of a document read whole (see [`each_snapshot`] for the
/// documents read one snapshot at a time).
fn snapshots_in(file: &str, text: &str) -> Result<Vec<Value>, Fatal> {
    let document: Value =
        serde_json::from_str(text).map_err(|e| Fatal(format!("{file} is not JSON: {e}")))?;
    match document {
        Value::Array(items) => Ok(items),
        Value::Object(mut map)
            if map.contains_key("incidents") && !map.contains_key("incident_id") =>
        {
            match map.remove("incidents") {
                Some(Value::Array(items)) => Ok(items),
                _ => Err(Fatal(format!(
                    "{file}: `incidents` is not an array of snapshots"
                ))),
            }
        }
        single @ Value::Object(_) => Ok(vec![single]),
        _ => Err(Fatal(format!(
            "{file} is neither a snapshot nor an array of snapshots"
        ))),
    }
}

fn write_text(out: &mut impl Write, reports: &[CheckReport]) -> Result<(), Fatal> {
    for r in reports {
        let id = r
            .incident_id
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or("?");
        if let Some(declared) = &r.declared_under {
            writeln!(
                out,
                "snapshot {} ({id}): note: declared under playbook `{declared}`, judged under another",
                r.index
            )?;
        }
        if r.ok {
            writeln!(out, "snapshot {} ({id}): {}", r.index, ok())?;
        }
        for v in &r.violations {
            writeln!(out, "snapshot {} ({id}): {}", r.index, Painted(v))?;
        }
    }
    Ok(())
}
