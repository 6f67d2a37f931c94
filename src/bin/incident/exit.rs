//! How a run ends: what it found, and the exit code that says it.

use std::process::ExitCode;

use incident_playbook::Rule;

/// What a run found in its input, worst last: the order is the policy's
/// "2 wins".
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Everything accepted.
    #[default]
    Accepted,
    /// An input broke a rule.
    Broken,
    /// An input was malformed.
    Malformed,
}

impl Verdict {
    /// The verdict on one input refused, `rule` first.
    pub fn refused(rule: Rule) -> Self {
        if rule == Rule::MalformedInput {
            Verdict::Malformed
        } else {
            Verdict::Broken
        }
    }

    /// The worst of several verdicts; accepted when there are none.
    pub fn worst(verdicts: impl IntoIterator<Item = Verdict>) -> Self {
        verdicts.into_iter().max().unwrap_or_default()
    }
}

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

/// The exit-code policy of every subcommand: 0 all accepted; 1 an input broke
/// a rule; 2 malformed input, an unreadable file or bad usage.
pub fn exit_code(run: Result<Verdict, Stop>) -> ExitCode {
    let code = match run {
        Ok(Verdict::Accepted) => 0,
        Ok(Verdict::Broken) => 1,
        Ok(Verdict::Malformed) => 2,
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
