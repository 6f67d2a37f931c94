//! Reading what the subcommands read: files or standard input, bounded;
//! playbooks; command streams line by line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};

use incident_playbook::{LineReport, Playbook, Replay, Rule};
use serde::de::IgnoredAny;

use crate::args::{PlaybookArg, StreamArgs};
use crate::exit::{Fatal, Verdict};

/// The longest line a stream may have; a longer one is refused as malformed
/// without being held in memory.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The largest document `check`, `lint-postmortem` and `--playbook` read.
const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// Opens `file` (standard input for `-`). A directory is refused here, not
/// at the first read, so that a subcommand learns that it cannot read its
/// input before it writes anything.
pub fn open(file: &str) -> Result<Box<dyn Read>, Fatal> {
    if file == "-" {
        return Ok(Box::new(io::stdin().lock()));
    }
    let cannot = |e: io::Error| Fatal(format!("cannot read {file}: {e}"));
    let f = File::open(file).map_err(cannot)?;
    if f.metadata().map_err(cannot)?.is_dir() {
        return Err(Fatal(format!("cannot read {file}: it is a directory")));
    }
    Ok(Box::new(f))
}

/// The whole of `file` (or standard input for `-`), at most 256 MiB.
pub fn read_document(file: &str) -> Result<String, Fatal> {
    let mut text = String::new();
    open(file)?
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Fatal(format!("cannot read {file}: {e}")))?;
    if text.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Fatal(format!(
            "{file} is larger than {MAX_DOCUMENT_BYTES} bytes"
        )));
    }
    // Editors on some systems start a UTF-8 file with a byte-order mark;
    // it says nothing about the document, so it is skipped.
    if text.starts_with(BOM) {
        text.drain(..BOM.len());
    }
    Ok(text)
}

/// The UTF-8 byte-order mark.
const BOM: &str = "\u{feff}";

impl PlaybookArg {
    /// The playbook given, or the seed playbook.
    pub fn load(&self) -> Result<Playbook, Fatal> {
        let Some(path) = &self.playbook else {
            return Ok(Playbook::default());
        };
        let text = read_document(&path.to_string_lossy())?;
        serde_json::from_str(&text).map_err(|e| {
            Fatal(format!(
                "{} is not a playbook document: {e}",
                path.display()
            ))
        })
    }
}

impl StreamArgs {
    /// The stream replayed whole under its playbook, going on after refused
    /// lines; they are reported on standard error.
    pub fn replay(&self) -> Result<(Replay, Verdict), Fatal> {
        replay_reporting(self.playbook.load()?, &self.file)
    }
}

/// `file` replayed whole under `playbook`, going on after refused lines; they
/// are reported on standard error.
pub fn replay_reporting(playbook: Playbook, file: &str) -> Result<(Replay, Verdict), Fatal> {
    let mut replay = Replay::new(playbook);
    let mut err = io::stderr().lock();
    let verdict = feed(file, open(file)?, &mut replay, |_, report| {
        for v in &report.violations {
            writeln!(err, "incident: {file}: line {}: {v}", report.line)?;
        }
        Ok(true)
    })?;
    say_if_empty(file, &replay);
    Ok((replay, verdict))
}

/// Feeds every line of `input` (opened from `file`, named in messages) to
/// `replay`, lines over 16 MiB and lines that are not UTF-8 as malformed.
/// `on_refused` sees each refused line and says whether to go on. The
/// verdict is the replay's ([`Replay::verdict`]): the worst of the lines
/// fed to it.
pub fn feed(
    file: &str,
    input: Box<dyn Read>,
    replay: &mut Replay,
    on_refused: impl FnMut(&Replay, &LineReport) -> Result<bool, Fatal>,
) -> Result<Verdict, Fatal> {
    feed_with(
        file,
        input,
        replay,
        |replay, line| Ok(replay.line(line)),
        on_refused,
    )
}

/// [`feed`], judging each line that is text with `judge` (which calls
/// [`Replay::line`] or [`Replay::line_with`]) and stopping where it fails.
pub fn feed_with(
    file: &str,
    input: Box<dyn Read>,
    replay: &mut Replay,
    mut judge: impl FnMut(&mut Replay, &str) -> Result<Option<LineReport>, Fatal>,
    mut on_refused: impl FnMut(&Replay, &LineReport) -> Result<bool, Fatal>,
) -> Result<Verdict, Fatal> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut buf = Vec::new();
    let (mut first, mut hinted) = (true, false);
    loop {
        let fits = match read_line_bounded(&mut reader, &mut buf, MAX_LINE_BYTES) {
            Ok(Some(fits)) => fits,
            Ok(None) => return Ok(replay.verdict()),
            Err(e) => return Err(Fatal(format!("cannot read {file}: {e}"))),
        };
        if first {
            first = false;
            if buf.starts_with(BOM.as_bytes()) {
                buf.drain(..BOM.len());
            }
        }
        let refused = if !fits {
            replay.unreadable_line(&format!("the line is longer than {MAX_LINE_BYTES} bytes"))
        } else {
            match std::str::from_utf8(&buf) {
                Ok(line) => judge(replay, line)?,
                Err(e) => replay.unreadable_line(&format!("the line is not UTF-8: {e}")),
            }
        };
        let Some(report) = refused else {
            continue;
        };
        // Read again only for a refused line: the accepted ones, nearly
        // all of a stream, pay nothing for the hint.
        if !hinted && let Ok(line) = std::str::from_utf8(&buf) {
            hinted = hint_pretty_printed(file, line, &report);
        }
        if !on_refused(replay, &report)? {
            return Ok(replay.verdict());
        }
    }
}

/// Says once, on standard error, how to fix a command written over several
/// lines (as `jq .` and editors pretty-print it): each is refused line by
/// line, and the rules alone do not say why. Whether it said so.
fn hint_pretty_printed(file: &str, line: &str, report: &LineReport) -> bool {
    let text = line.trim();
    let pretty = report.rule == Rule::MalformedInput
        && (text == "{"
            || text.starts_with('}')
            || (text.starts_with('"') && text.contains("\":"))
            || (text.starts_with('{')
                && serde_json::from_str::<IgnoredAny>(text).is_err_and(|e| e.is_eof())));
    if pretty {
        eprintln!(
            "incident: {file}: line {}: a command is one line of JSON, and this looks like part of \
             one written over several lines; write each command on a line of its own \
             (`jq -c . {file}` does it)",
            report.line
        );
    }
    pretty
}

/// Says, on standard error, that `file` held no command: nothing was
/// replayed, which an empty report alone does not tell from a file that
/// holds only closed incidents.
pub fn say_if_empty(file: &str, replay: &Replay) {
    if replay.incidents().is_empty() && replay.refused() == 0 {
        eprintln!("incident: {file} is empty: it holds no command (one JSON object per line)");
    }
}

/// Reads one line of at most `limit` bytes into `buf` (without the newline).
/// Returns `None` at the end of input, `Some(false)` for a line over the
/// limit, whose rest is skipped without being kept.
///
/// `read_until` and `skip_until` find the newline with the standard
/// library's word-at-a-time `memchr`; a byte-by-byte search cost a fifth of
/// a whole `incident replay`.
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    // One byte over the limit tells a line of exactly `limit` bytes (whose
    // newline then fits) from a longer one.
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    if reader.by_ref().take(bound).read_until(b'\n', buf)? == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else if buf.len() > limit {
        buf.clear();
        reader.skip_until(b'\n')?;
        return Ok(Some(false));
    }
    Ok(Some(true))
}
