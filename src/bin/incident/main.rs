//! `incident`: replay command streams, check snapshots, export the JSON Schemas;
//! render updates and postmortems, report on the response, lint Markdown
//! postmortems, export CDEvents.
//!
//! Exit codes: 0 all accepted; 1 a command or snapshot broke a rule; 2
//! malformed input, an unreadable file or bad usage (2 wins); see
//! [`exit::exit_code`].
//!
//! `incident new` writes commands; `incident completions SHELL` and
//! `incident man` describe the whole command tree, `new`'s types included.

mod args;
mod check;
mod exit;
mod export;
mod input;
mod lint;
mod new;
mod output;
#[cfg(test)]
mod peak;
mod render;
mod replay;
mod report;
mod schema;
mod shelf;
mod snapshot_list;
mod status;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use args::{Cli, Cmd, RenderCmd};
use exit::{Fatal, Stop, Verdict, exit_code};

fn main() -> ExitCode {
    exit_code(
        Cli::try_parse()
            .map_err(Stop::Usage)
            .and_then(|cli| run(cli.command)),
    )
}

/// The whole command tree: `new` with a subcommand per command type (built
/// from the schema, so only when asked for: the other subcommands start
/// without it).
fn full_command() -> clap::Command {
    Cli::command().mut_subcommand("new", |_| new::command())
}

fn run(command: Cmd) -> Result<Verdict, Stop> {
    match command {
        Cmd::New { args } => new::run(args),
        Cmd::Export { cdevents: false, .. } => Err(Stop::Usage(export_command().error(
            clap::error::ErrorKind::MissingRequiredArgument,
            "export needs a format; the formats are:\n  \
             --cdevents  CDEvents (`incident reported` / `resolved`) in CloudEvents JSON, one event per line\n\n\
             e.g. `incident export --cdevents incident.jsonl`",
        ))),
        Cmd::Completions { shell } => {
            let mut out = output::stdout();
            clap_complete::generate(shell, &mut full_command(), "incident", &mut out);
            std::io::Write::flush(&mut out).map_err(Fatal::from)?;
            Ok(Verdict::Accepted)
        }
        Cmd::Man { out } => Ok(man(out.as_deref())?),
        other => Ok(run_reading(other)?),
    }
}

/// `incident export`, as built for usage messages (`Usage: incident export …`).
fn export_command() -> clap::Command {
    let mut cli = Cli::command();
    cli.build();
    cli.find_subcommand("export").cloned().unwrap_or(cli)
}

/// `incident man`: the manual page on standard output, or every page
/// written into `dir`.
fn man(dir: Option<&std::path::Path>) -> Result<Verdict, Fatal> {
    match dir {
        None => {
            let mut out = output::stdout();
            clap_mangen::Man::new(full_command()).render(&mut out)?;
            std::io::Write::flush(&mut out)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
            clap_mangen::generate_to(full_command(), dir)
                .map_err(|e| Fatal(format!("cannot write into {}: {e}", dir.display())))?;
        }
    }
    Ok(Verdict::Accepted)
}

fn run_reading(command: Cmd) -> Result<Verdict, Fatal> {
    match command {
        Cmd::Replay {
            stream,
            keep_going,
            clock,
            format,
        } => replay::run(&stream, keep_going, &clock, format.format),
        Cmd::Check {
            playbook,
            format,
            file,
        } => check::run(&playbook.load()?, format.format, &file),
        Cmd::Schema { out } => schema::run(out.as_deref()),
        Cmd::Render {
            what:
                RenderCmd::Updates {
                    stream,
                    audience,
                    with_names,
                    with_severity,
                },
        } => render::updates(&stream, audience, with_names, with_severity),
        Cmd::Render {
            what:
                RenderCmd::Postmortem {
                    draft,
                    timeline_image,
                    stream,
                },
        } => render::postmortems(&stream, draft, timeline_image.as_deref()),
        Cmd::Render {
            what:
                RenderCmd::Timeline {
                    stream,
                    incident,
                    now,
                    out,
                },
        } => render::timeline(&stream, incident.as_deref(), now.as_deref(), out.as_deref()),
        Cmd::Report(a) => report::run(&a.stream, a.now.as_deref(), a.format.format),
        Cmd::Status(a) => status::run(&a.stream, a.now.as_deref(), a.format.format),
        Cmd::LintPostmortem { peak, format, file } => {
            lint::run(peak.map(|p| p.0), format.format, &file)
        }
        Cmd::Export {
            cdevents: _,
            source,
            ticket_base,
            audience,
            stream,
        } => export::cdevents_of(&stream, &source, ticket_base.as_deref(), audience),
        Cmd::New { .. } | Cmd::Completions { .. } | Cmd::Man { .. } => Ok(Verdict::Accepted),
    }
}
