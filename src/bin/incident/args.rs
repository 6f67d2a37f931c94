//! The command line: every subcommand and its arguments, the shared ones
//! declared once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use incident_playbook::Severity;

const EXAMPLES: &str = "\
Examples:
  incident new declare --to incident.jsonl --title 'Uploads failing' --severity SEV2 …
  incident replay incident.jsonl
  incident status incident.jsonl
  incident render updates --audience public incident.jsonl
  incident completions bash > ~/.local/share/bash-completion/completions/incident

Exit codes:
  0  every input accepted
  1  an input broke a rule (the rules are named)
  2  malformed input, an unreadable file or bad usage (2 wins over 1)

Colour on a terminal; none when piped or when NO_COLOR is set.";

#[derive(Parser)]
#[command(
    name = "incident",
    version,
    about = "An incident-response playbook, executable.",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Write one command line; with `--to STREAM`, judge it against the
    /// stream and append it.
    ///
    /// A fresh command id and `at` = now. `incident new --help` lists the
    /// command types, `incident new TYPE --help` their fields.
    #[command(disable_help_flag = true)]
    New {
        /// The command type, then its flags (see `incident new TYPE --help`).
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "TYPE [FLAGS]"
        )]
        args: Vec<std::ffi::OsString>,
    },
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
        #[arg(long, value_name = "SEV", ignore_case = true)]
        peak: Option<SeverityArg>,
        #[command(flatten)]
        format: FormatArg,
        /// The Markdown file, or `-` for standard input.
        file: String,
    },
    /// Export the history of every incident of a command stream, in a
    /// format named by a flag (today one: `--cdevents`).
    Export {
        /// As CDEvents (`incident reported` / `resolved`) in CloudEvents
        /// JSON, one event per line.
        #[arg(long)]
        cdevents: bool,
        /// The events' `source` (a URI reference).
        #[arg(long, value_name = "URI", default_value = incident_playbook::cdevents::DEFAULT_SOURCE)]
        source: String,
        /// Put before the incident id to make `ticketURI` (default:
        /// `urn:uuid:<incident id>`).
        #[arg(long, value_name = "URL")]
        ticket_base: Option<String>,
        /// `public`: only what the public was told (events from the public
        /// updates, the titles they went out under, no severity, no impact
        /// figures), for a feed that leaves the company; `all` (default):
        /// the whole history.
        #[arg(long, value_enum, default_value_t = ExportAudience::All)]
        audience: ExportAudience,
        #[command(flatten)]
        stream: StreamArgs,
    },
    /// Print a completion script for SHELL, to be sourced or installed where
    /// the shell looks for completions.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of `incident`, or write one page per
    /// subcommand into DIR.
    Man {
        /// Write `incident.1` and `incident-<subcommand>.1` into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// A severity on the command line: the library's severities, any case.
#[derive(Clone, Copy)]
pub struct SeverityArg(pub Severity);

impl ValueEnum for SeverityArg {
    fn value_variants<'a>() -> &'a [Self] {
        const ALL: [SeverityArg; Severity::ALL.len()] = {
            let mut all = [SeverityArg(Severity::Sev1); Severity::ALL.len()];
            let mut i = 0;
            while i < all.len() {
                all[i] = SeverityArg(Severity::ALL[i]);
                i += 1;
            }
            all
        };
        &ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.0.as_str()))
    }
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
        /// With `--audience public` or `customers`, keep each update's
        /// `Owner:` line: left out by default, so no internal name reaches a
        /// status page or a customer.
        #[arg(long)]
        with_names: bool,
        /// With `--audience public`, keep each update's `Severity:` line: left
        /// out by default, for a team that does not publish its severities.
        #[arg(long)]
        with_severity: bool,
    },
    /// Each incident's submitted postmortem as Markdown, with a Mermaid chart
    /// of its phases.
    Postmortem {
        /// Print a draft filled from the history instead.
        #[arg(long)]
        draft: bool,
        /// Link the timeline's picture (as `render timeline --out` writes
        /// it) first under `## Timeline`: PATH as given, with `{id}`
        /// replaced by each incident's id.
        #[arg(long, value_name = "PATH")]
        timeline_image: Option<String>,
        #[command(flatten)]
        stream: StreamArgs,
    },
    /// One incident's timeline as an SVG picture: phases, severity,
    /// mitigations by outcome, updates by audience, milestones, on a true
    /// time axis (UTC), as the incident stood at `--now`.
    Timeline {
        #[command(flatten)]
        stream: StreamArgs,
        /// The incident to draw; needed when the stream has more than one.
        #[arg(long, value_name = "ID")]
        incident: Option<String>,
        /// Draw the incident as it stood at TIME, RFC 3339 (default: the
        /// current time); what is still going on is drawn up to it.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Write the SVG into FILE instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `render updates --audience`: which updates are printed.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AudienceArg {
    /// Only the public updates, for a status page.
    Public,
    /// Only the internal updates.
    Internal,
    /// What the affected customers were told: the public updates and the
    /// notices to customers.
    Customers,
    /// Every update, as before audiences existed.
    All,
}

/// `export --audience`: what the export tells.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportAudience {
    /// Only what the public was told.
    Public,
    /// The whole history.
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
