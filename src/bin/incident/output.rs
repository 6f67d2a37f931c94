//! Writing to standard output, in colour on a terminal.

use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write};

use anstyle::{AnsiColor, Style};
use incident_playbook::Violation;
use serde::Serialize;

use crate::exit::Fatal;

/// Standard output, locked and buffered: flush it before returning.
pub fn stdout() -> BufWriter<StdoutLock<'static>> {
    BufWriter::new(io::stdout().lock())
}

/// `value` as one line of JSON.
pub fn write_json_line(out: &mut impl Write, value: &impl Serialize) -> Result<(), Fatal> {
    serde_json::to_writer(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Whether standard output takes colour: a terminal, `NO_COLOR` unset
/// (anstream's rule, which clap's own help follows). Piped output carries no
/// escape codes, so it is byte for byte what it was without colour.
pub fn colour() -> bool {
    use std::sync::OnceLock;
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never)
}

const ERROR: Style = AnsiColor::Red.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();

/// A violation as `Display` writes it (`error[rule] at path: message`), its
/// `error[rule]` in red on a terminal.
pub struct Painted<'a>(pub &'a Violation);

impl fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if !colour() {
            return write!(f, "{v}");
        }
        write!(f, "{ERROR}error[{}]{ERROR:#}", v.rule())?;
        match v.path() {
            Some(path) => write!(f, " at {path}: {}", v.message()),
            None => write!(f, ": {}", v.message()),
        }
    }
}

/// `ok`, in green on a terminal.
pub fn ok() -> String {
    if colour() {
        format!("{OK}ok{OK:#}")
    } else {
        "ok".to_owned()
    }
}

/// A violation's rule id, in red on a terminal.
pub fn painted_rule(v: &Violation) -> String {
    if colour() {
        format!("{ERROR}{}{ERROR:#}", v.rule())
    } else {
        v.rule().to_string()
    }
}
