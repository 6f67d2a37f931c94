//! The command line: every subcommand and its arguments, the shared ones
//! declared once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "incident",
    version,
    about = "An incident-response playbook, executable."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Apply a JSON-lines stream of commands (blank lines skipped; any number of
    /// incidents, interleaved). Lines are at most 16 MiB.
    Replay {
        #[command(flatten)]
        stream: StreamArgs,
        /// Go on after a rejected line instead of stopping at the first.
        #[arg(long)]
        keep_going: bool,
        #[command(flatten)]
        clock: ClockArgs,
        #[command(flatten)]
        format: FormatArg,
    },
    /// Load a snapshot, an array of snapshots, or a replay output document,
    /// and report every rule each breaks. Documents are at most 256 MiB.
    Check {
        #[command(flatten)]
        playbook: PlaybookArg,
        #[command(flatten)]
        format: FormatArg,
        /// The snapshot file, or `-` for standard input.
        file: String,
    },
    /// Print the names of the exported JSON Schemas, or write them all to DIR.
    Schema {
        /// Write `<name>.schema.json` files into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print what people read, from a command stream.
    Render {
        #[command(subcommand)]
        what: RenderCmd,
    },
    /// Report on each incident of a command stream: the first 15 minutes,
    /// overdue and late updates (public and internal), the response target,
    /// mitigations and their outcomes, exceptions accepted at resolve,
    /// durations by true times, open follow-ups.
    #[command(mut_arg("playbook", |a| a.help(
        "A playbook JSON document (default: the seed playbook); its \
         `utc_offset` sets the day of SEV2's \"same-day mitigation\""
    )))]
    Report(AsOfArgs),
    /// Per incident not yet closed: when the next update is due (and how
    /// overdue), what blocks `resolve` and `close`, and what a `resolve`
    /// must verify.
    Status(AsOfArgs),
    /// Check a postmortem kept as Markdown against the postmortem rules,
    /// with rule ids and line numbers.
    LintPostmortem {
        /// The incident's peak severity, which the postmortem must name.
        #[arg(long, value_name = "SEV")]
        peak: Option<String>,
        #[command(flatten)]
        format: FormatArg,
        /// The Markdown file, or `-` for standard input.
        file: String,
    },
    /// Export the history of every incident of a command stream.
    Export {
        /// As CDEvents (`incident reported` / `resolved`) in CloudEvents
        /// JSON, one event per line.
        #[arg(long, required = true)]
        cdevents: bool,
        /// The events' `source` (a URI reference).
        #[arg(long, value_name = "URI", default_value = incident_playbook::cdevents::DEFAULT_SOURCE)]
        source: String,
        /// Put before the incident id to make `ticketURI` (default:
        /// `urn:uuid:<incident id>`).
        #[arg(long, value_name = "URL")]
        ticket_base: Option<String>,
        #[command(flatten)]
        stream: StreamArgs,
    },
}

#[derive(Subcommand)]
pub enum RenderCmd {
    /// Every comms update of every incident, in the playbook's six-line
    /// format, in order.
    Updates {
        #[command(flatten)]
        stream: StreamArgs,
        /// Which updates: `public` ones (fit to paste on a status page),
        /// `internal` ones, or `all`.
        #[arg(long, value_enum, default_value_t = AudienceArg::All)]
        audience: AudienceArg,
        /// With `--audience public`, keep each update's `Owner:` line: left
        /// out by default, so no internal name reaches a status page.
        #[arg(long)]
        with_names: bool,
    },
    /// Each incident's submitted postmortem as Markdown, with a Mermaid chart
    /// of its phases.
    Postmortem {
        /// Print a draft filled from the history instead.
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        stream: StreamArgs,
    },
}

/// `render updates --audience`: which updates are printed.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    /// Only the public updates, for a status page.
    Public,
    /// Only the internal updates.
    Internal,
    /// Every update, as before audiences existed.
    All,
}

/// `--playbook`: the playbook the input is checked against.
#[derive(Args)]
pub struct PlaybookArg {
    /// A playbook JSON document (default: the seed playbook).
    #[arg(long, value_name = "FILE")]
    pub playbook: Option<PathBuf>,
}

/// A command stream and the playbook it is replayed under.
#[derive(Args)]
pub struct StreamArgs {
    #[command(flatten)]
    pub playbook: PlaybookArg,
    /// The stream, or `-` for standard input.
    pub file: String,
}

/// A stream read as of a time, for people or programs (`report`, `status`).
#[derive(Args)]
pub struct AsOfArgs {
    #[command(flatten)]
    pub stream: StreamArgs,
    /// The time to report at, RFC 3339 (default: the current time).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// The receiver's clock a stream is judged against (`replay`).
#[derive(Args)]
pub struct ClockArgs {
    /// Judge every line as received at TIME (RFC 3339): a command dated more
    /// than `--max-skew` after it is refused `recorded-in-the-future`.
    /// Without it no line is judged by a clock, so a history keeps its
    /// verdicts whatever the day.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// With `--now`: how many seconds after it a command may be dated.
    #[arg(long, value_name = "SECONDS", default_value_t = 120, requires = "now")]
    pub max_skew: u64,
}

/// `--format`: for people or for programs.
#[derive(Args)]
pub struct FormatArg {
    /// `text` for people, `json` for one JSON document.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}
