//! How a run ends: what it found, and the exit code that says it.

use std::process::ExitCode;

/// What a run found: the library's verdict, so that `incident replay` and
/// [`Replay::verdict`](incident_playbook::Replay::verdict) cannot differ.
pub use incident_playbook::Verdict;

/// A failure that ends the run before its input is judged: an unreadable
/// file, a document that is not one, an argument that does not parse.
pub struct Fatal(pub String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

/// Why a run stopped.
pub enum Stop {
    /// The command line did not parse, or asked for `--help` or `--version`.
    Usage(clap::Error),
    /// See [`Fatal`].
    Fatal(Fatal),
}

impl From<Fatal> for Stop {
    fn from(f: Fatal) -> Self {
        Stop::Fatal(f)
    }
}

/// The exit code that says what a run found: `0` all accepted, `1` an input
/// broke a rule, `2` an input was malformed (the worst wins, as
/// [`Verdict::worst`] orders them).
pub fn verdict_code(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Accepted => 0,
        Verdict::Broken => 1,
        Verdict::Malformed => 2,
    }
}

/// The exit-code policy of every subcommand: [`verdict_code`] of what it
/// found, and 2 for an unreadable file or bad usage.
pub fn exit_code(run: Result<Verdict, Stop>) -> ExitCode {
    let code = match run {
        Ok(verdict) => verdict_code(verdict),
        Err(Stop::Usage(usage)) => {
            // Broken pipes are swallowed, as clap does.
            let _ = usage.print();
            // `--help` and `--version` are not errors (clap prints them on
            // standard output).
            if usage.use_stderr() { 2 } else { 0 }
        }
        Err(Stop::Fatal(Fatal(message))) => {
            eprintln!("incident: {message}");
            2
        }
    };
    ExitCode::from(code)
}
