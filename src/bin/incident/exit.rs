//! How a run ends: what it found, and the exit code that says it.

use std::process::ExitCode;

/// What a run found: the library's policy, so that `incident replay` and
/// [`Replay::exit_code`](incident_playbook::Replay::exit_code) cannot differ.
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

/// The exit-code policy of every subcommand: [`Verdict::exit_code`] (0 all
/// accepted; 1 an input broke a rule; 2 malformed input), and 2 for an
/// unreadable file or bad usage.
pub fn exit_code(run: Result<Verdict, Stop>) -> ExitCode {
    let code = match run {
        Ok(verdict) => verdict.exit_code(),
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
