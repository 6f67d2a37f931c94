//! `incident new TYPE [--field value …]`: write one command line, with a
//! fresh command id and the time now, and with `--to STREAM` append it to a
//! stream after judging it there.
//!
//! The flags come from the crate's command schema ([`flags`]); the line is
//! always read back by the library's own reader (`parse_command`), so the
//! command line never has its own idea of the wire shape.

mod append;
mod flags;
mod value;

use std::ffi::OsString;
use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};
use incident_playbook::{LineReport, Rejection, Replay, Rule, Verdict, Violation, parse_command};
use serde_json::{Map, Value};

use crate::exit::{Fatal, Stop};
use crate::output::stdout;
use flags::{Flag, Kind};

const EXAMPLES: &str = "\
Examples:
  incident new declare --to incident.jsonl --title 'Uploads failing' --severity SEV2 \\
      --impact.environment production --impact.users 'All tenants' --impact.feature Uploads \\
      --impact.started-at 2026-05-04T09:00:00Z --roles.commander Ada \\
      --update.impact 'Uploads fail' --update.action 'Rolling back' --update.owner Ada \\
      --update.next-update +30m
  incident new add_note --to incident.jsonl --text 'Error rate back to normal'
  incident new start_mitigation --to incident.jsonl --mitigation @rollback.json \\
      --update.impact 'Uploads fail' --update.action 'Rolling back' --update.owner Ada \\
      --update.next-update +30m

Times are RFC 3339; a field's time may be relative to `at` (+30m, -10m, +1h30m).
A nested object may be given whole as JSON, or from a file: --impact @impact.json.

Exit codes: 0 written (and appended); 1 the command breaks a rule (nothing appended);
2 malformed input, an unreadable stream or bad usage (nothing appended).";

/// The field `--by` fills.
const OWNER: [&str; 2] = ["update", "owner"];

/// `incident new`, with one subcommand per command type of the schema.
pub fn command() -> Command {
    let types = flags::types();
    let mut new = Command::new("new")
        .about("Write one command line: a fresh command id, `at` = now; with --to, judge it against a stream and append it")
        .long_about(
            "Write one command line (compact JSON) with a fresh command id and `at` = now. \
             With --to STREAM, the stream is replayed, the command takes its incident id and \
             version from it, and it is appended only if the stream accepts it.",
        )
        .after_help(EXAMPLES)
        .subcommand_value_name("TYPE")
        .subcommand_help_heading("Command types")
        .subcommand_required(true)
        .disable_help_subcommand(true);
    for t in types {
        new = new.subcommand(type_command(t));
    }
    new
}

fn type_command(t: flags::TypeSchema) -> Command {
    let mut cmd = Command::new(t.name)
        .about(t.about)
        .after_help(EXAMPLES)
        .arg(opt("to", "STREAM", "Append to this JSON-lines stream, after judging the command against it (a missing file is an empty stream)"))
        .arg(opt("incident", "ID", "The incident (default: the stream's only one; a fresh id for `declare`)"))
        .arg(opt("at", "TIME", "When the command is sent, RFC 3339 (default: now)"))
        .arg(
            opt("expected-version", "N", "The version the command expects (default: the incident's version in the stream)")
                .value_parser(clap::value_parser!(u64)),
        )
        .arg(opt("playbook", "FILE", "A playbook JSON document to judge under (default: the seed playbook)"));
    // `--by`: who sends it, for the one field that says so, the update's
    // owner; a type without an update has no `--by`.
    if t.flags.iter().any(|f| f.path == OWNER) {
        cmd = cmd.arg(opt(
            "by",
            "NAME",
            "Who sends it: the update's owner, unless --update.owner says otherwise",
        ));
    }
    cmd = cmd.next_help_heading("Fields");
    for flag in t.flags {
        cmd = cmd.arg(field_arg(&flag));
    }
    cmd
}

fn opt(name: &'static str, value: &'static str, help: &'static str) -> Arg {
    Arg::new(name).long(name).value_name(value).help(help)
}

fn field_arg(flag: &Flag) -> Arg {
    let long = flag.long();
    let mut arg = Arg::new(long.clone()).long(long).help(flag.help.clone());
    arg = match &flag.kind {
        Kind::Choice(values) => arg
            .value_parser(clap::builder::PossibleValuesParser::new(values.clone()))
            .value_name("VALUE"),
        Kind::Json => arg.value_name("JSON|@FILE"),
        // `-10m`: a time before `at`, not a flag.
        Kind::Time => arg.value_name("TIME").allow_hyphen_values(true),
        Kind::Integer => arg.value_name("N"),
        Kind::Boolean => arg.value_parser(["true", "false"]).value_name("BOOL"),
        Kind::Text => arg.value_name("TEXT"),
        Kind::Map(_) => arg.value_name("KEY=VALUE"),
    };
    if flag.many {
        arg.action(ArgAction::Append)
    } else {
        arg.action(ArgAction::Set)
    }
}

/// Runs `incident new` on its arguments (those after `new`).
pub fn run(args: Vec<OsString>) -> Result<Verdict, Stop> {
    let argv = std::iter::once(OsString::from("incident new")).chain(args);
    let matches = command()
        .bin_name("incident new")
        .try_get_matches_from(argv)
        .map_err(Stop::Usage)?;
    let Some((kind, m)) = matches.subcommand() else {
        return Err(Stop::Fatal(Fatal("name a command type".to_owned())));
    };
    Ok(write(kind, m)?)
}

fn write(kind: &str, m: &ArgMatches) -> Result<Verdict, Fatal> {
    let at = match m.get_one::<String>("at") {
        Some(at) => value::time(at)?,
        None => value::now()?,
    };
    let body = body(kind, m, &at)?;
    match m.get_one::<String>("to") {
        Some(to) => append::run(to, kind, m, at, body),
        None => print(kind, m, &at, body),
    }
}

/// The body fields from the flags, in the schema's order: an object given
/// whole comes before its dotted fields, which change it.
fn body(kind: &str, m: &ArgMatches, at: &str) -> Result<Map<String, Value>, Fatal> {
    let types = flags::types();
    let flags = types
        .iter()
        .find(|t| t.name == kind)
        .map_or(&[][..], |t| &t.flags[..]);
    let mut body = Map::new();
    for flag in flags {
        let Some(given) = m.get_many::<String>(&flag.long()) else {
            continue;
        };
        let values = given
            .map(|v| value::convert(flag, v, at))
            .collect::<Result<Vec<_>, _>>()?;
        let value = match values {
            _ if matches!(flag.kind, Kind::Map(_)) => Value::Object(
                values
                    .into_iter()
                    .filter_map(into_object)
                    .flatten()
                    .collect(),
            ),
            _ if flag.many => Value::Array(values),
            mut one => one.pop().unwrap_or(Value::Null),
        };
        flags::set(&mut body, &flag.path, value).map_err(Fatal)?;
    }
    if let Some(by) = m.try_get_one::<String>("by").ok().flatten() {
        let owner = body.get("update").and_then(|u| u.get("owner"));
        if owner.is_none() {
            flags::set(
                &mut body,
                &OWNER.map(str::to_owned),
                Value::from(by.as_str()),
            )
            .map_err(Fatal)?;
        }
    }
    Ok(body)
}

fn into_object(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The command line of `kind` with `envelope` and `body`, read back by the
/// library's reader and written by its writer: the canonical line, or why
/// the reader refuses it.
fn line_of(
    kind: &str,
    envelope: [(&str, Value); 4],
    body: Map<String, Value>,
) -> Result<Result<String, Rejection>, Fatal> {
    let mut map = Map::new();
    map.insert("type".to_owned(), Value::from(kind));
    for (name, value) in envelope {
        if !value.is_null() {
            map.insert(name.to_owned(), value);
        }
    }
    map.extend(body);
    match parse_command(&Value::Object(map).to_string()) {
        Ok(command) => Ok(Ok(serde_json::to_string(&command)?)),
        Err(refused) => Ok(Err(refused)),
    }
}

/// Without `--to`: the line on standard output. A `declare` is judged on its
/// own (it needs no stream); any other command only read.
fn print(kind: &str, m: &ArgMatches, at: &str, body: Map<String, Value>) -> Result<Verdict, Fatal> {
    let incident = match m.get_one::<String>("incident") {
        Some(id) => id.clone(),
        None if kind == "declare" => value::fresh_id(),
        None => {
            return Err(Fatal(format!(
                "which incident? give --incident ID, or --to STREAM to take it from the stream \
                 (`incident new {kind} --to incident.jsonl …`)"
            )));
        }
    };
    let version = m
        .get_one::<u64>("expected-version")
        .map(|v| Value::from(*v));
    let envelope = [
        ("incident_id", Value::from(incident)),
        ("command_id", Value::from(value::fresh_id())),
        ("at", Value::from(at)),
        ("expected_version", version.unwrap_or(Value::Null)),
    ];
    let line = match line_of(kind, envelope, body)? {
        Ok(line) => line,
        Err(refused) => return refused_report(None, 1, refused.into()),
    };
    if kind == "declare" {
        let playbook = playbook_of(m)?;
        if let Some(report) = Replay::new(playbook).line(&line) {
            return refused_report(None, report.line, report.into());
        }
    }
    let mut out = stdout();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(Verdict::Accepted)
}

fn playbook_of(m: &ArgMatches) -> Result<incident_playbook::Playbook, Fatal> {
    crate::args::PlaybookArg {
        playbook: m.get_one::<String>("playbook").map(Into::into),
    }
    .load()
}

/// Prints why the command was refused, as `replay` prints a refused line
/// (`line` its number in `file`), and says that nothing was written.
fn refused_report(file: Option<&str>, line: u64, refused: Refused) -> Result<Verdict, Fatal> {
    let mut out = stdout();
    crate::replay::write_text_report(&mut out, file, line, &refused.violations)?;
    out.flush()?;
    match file {
        Some(file) => eprintln!("incident: nothing appended to {file}"),
        None => eprintln!("incident: nothing written"),
    }
    Ok(Verdict::refused(refused.rule))
}

/// A refusal: by the reader (a [`Rejection`]) or by the rules (a line's
/// report).
struct Refused {
    rule: Rule,
    violations: Vec<Violation>,
}

impl From<Rejection> for Refused {
    fn from(r: Rejection) -> Self {
        Refused {
            rule: r.rule(),
            violations: r.into_violations(),
        }
    }
}

impl From<LineReport> for Refused {
    fn from(r: LineReport) -> Self {
        Refused {
            rule: r.rule,
            violations: r.violations,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_tree_is_well_formed() {
        super::command().debug_assert();
    }
}
