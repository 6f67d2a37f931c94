//! `incident`: replay command streams, check snapshots, export the JSON Schemas;
//! render updates and postmortems, report on the response, lint Markdown
//! postmortems, export CDEvents.
//!
//! Exit codes: 0 all accepted; 1 a command or snapshot broke a rule; 2
//! malformed input, an unreadable file or bad usage (2 wins); see
//! [`exit::exit_code`].

mod args;
mod check;
mod exit;
mod export;
mod input;
mod lint;
mod output;
mod render;
mod replay;
mod report;
mod schema;
mod snapshot_list;
mod status;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Cmd, RenderCmd};
use exit::{Fatal, Stop, Verdict, exit_code};

fn main() -> ExitCode {
    exit_code(
        Cli::try_parse()
            .map_err(Stop::Usage)
            .and_then(|cli| Ok(run(cli.command)?)),
    )
}

fn run(command: Cmd) -> Result<Verdict, Fatal> {
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
                },
        } => render::updates(&stream, audience, with_names),
        Cmd::Render {
            what: RenderCmd::Postmortem { draft, stream },
        } => render::postmortems(&stream, draft),
        Cmd::Report(a) => report::run(&a.stream, a.now.as_deref(), a.format.format),
        Cmd::Status(a) => status::run(&a.stream, a.now.as_deref(), a.format.format),
        Cmd::LintPostmortem { peak, format, file } => {
            lint::run(peak.as_deref(), format.format, &file)
        }
        Cmd::Export {
            cdevents: _,
            source,
            ticket_base,
            stream,
        } => export::cdevents_of(&stream, &source, ticket_base.as_deref()),
    }
}
