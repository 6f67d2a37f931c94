//! Writing to standard output.

use std::io::{self, BufWriter, StdoutLock, Write};

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
