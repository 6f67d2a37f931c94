//! `incident new --to STREAM`: judge the command against the stream, then
//! append it, or leave the file as it was.

use std::cell::Cell;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::rc::Rc;

use clap::ArgMatches;
use incident_playbook::{Incident, Receiver, Replay, Verdict};
use serde_json::{Map, Value};

use super::{line_of, playbook_of, refused_report, sender, value};
use crate::exit::Fatal;
use crate::input::feed;
use crate::output::stdout;

pub fn run(
    to: &str,
    kind: &str,
    m: &ArgMatches,
    at: String,
    body: Map<String, Value>,
) -> Result<Verdict, Fatal> {
    let cannot = |e: io::Error| Fatal(format!("cannot read {to}: {e}"));
    // Held, and locked, from the read to the append: a second writer waits,
    // and then judges against the line this one appended.
    let file = match OpenOptions::new().read(true).append(true).open(to) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(cannot(e)),
    };
    if let Some(file) = &file {
        file.lock().map_err(cannot)?;
    }
    // Refused lines are reported as they come, not kept.
    let mut replay = Replay::streaming(playbook_of(m)?);
    let (stream_verdict, ends_in_newline) = match &file {
        Some(file) => read_stream(to, file, &mut replay)?,
        None => (Verdict::Accepted, true),
    };
    let (incident, version) = target(to, kind, m, &replay)?;
    let envelope = [
        ("incident_id", Value::from(incident)),
        ("command_id", Value::from(value::fresh_id())),
        ("at", Value::from(at)),
        ("expected_version", version.map_or(Value::Null, Value::from)),
        ("by", sender(m)),
    ];
    // The lines already there keep their verdicts; the new one is judged by
    // this machine's clock too, as any receiver judges what it is sent.
    let clock = crate::report::now_or_clock(None)?;
    let mut replay = replay.with_receiver(Receiver::new(clock));
    let next_line = replay.lines() + 1;
    let line = match line_of(kind, envelope, body)? {
        Ok(line) => line,
        Err(refused) => return refused_report(Some(to), next_line, refused.into()),
    };
    if let Some(report) = replay.line(&line) {
        let verdict = refused_report(Some(to), report.line, report.into())?;
        return Ok(verdict.max(stream_verdict));
    }
    let mut bytes = Vec::with_capacity(line.len() + 2);
    if !ends_in_newline {
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    write_all(to, file, &bytes)?;
    let mut out = stdout();
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(stream_verdict)
}

/// Replays `file` into `replay`, reporting its refused lines on standard
/// error as `render` and `status` do; and whether it ends in a newline (an
/// empty file counts as one).
fn read_stream(to: &str, file: &File, replay: &mut Replay) -> Result<(Verdict, bool), Fatal> {
    let last = Rc::new(Cell::new(b'\n'));
    let reader = LastByte {
        inner: file
            .try_clone()
            .map_err(|e| Fatal(format!("cannot read {to}: {e}")))?,
        last: Rc::clone(&last),
    };
    let mut err = io::stderr().lock();
    let verdict = feed(to, Box::new(reader), replay, |_, report| {
        for v in &report.violations {
            writeln!(err, "incident: {to}: line {}: {v}", report.line)?;
        }
        Ok(true)
    })?;
    Ok((verdict, last.get() == b'\n'))
}

/// The incident the command is for, and the version it expects.
fn target(
    to: &str,
    kind: &str,
    m: &ArgMatches,
    replay: &Replay,
) -> Result<(String, Option<u64>), Fatal> {
    let given = m.get_one::<String>("incident");
    let version = m.get_one::<u64>("expected-version").copied();
    if kind == "declare" {
        return Ok((given.cloned().unwrap_or_else(value::fresh_id), version));
    }
    let incidents: Vec<&Incident> = replay.incidents().iter().collect();
    let found = match (given, incidents.as_slice()) {
        (Some(id), _) => incidents.iter().find(|i| i.id().to_string() == *id),
        (None, [only]) => Some(only),
        (None, []) => {
            return Err(Fatal(format!(
                "{to} has no incident yet: declare one first (`incident new declare --to {to} …`)"
            )));
        }
        (None, _) => return Err(Fatal(several(to, &incidents))),
    };
    let Some(incident) = found else {
        let id = given.map_or("", String::as_str);
        return Err(Fatal(format!(
            "{to} has no incident {id}\n{}",
            listing(&incidents)
        )));
    };
    Ok((
        incident.id().to_string(),
        Some(version.unwrap_or(incident.version())),
    ))
}

fn several(to: &str, incidents: &[&Incident]) -> String {
    format!(
        "{to} holds {} incidents: say which with --incident ID\n{}",
        incidents.len(),
        listing(incidents)
    )
}

fn listing(incidents: &[&Incident]) -> String {
    let lines: Vec<String> = (incidents.iter())
        .map(|i| {
            format!(
                "  {} {} ({}, {})",
                i.id(),
                i.title(),
                i.severity(),
                i.phase()
            )
        })
        .collect();
    lines.join("\n")
}

/// Appends `bytes` in one write, to the file held open, or to a new file.
fn write_all(to: &str, file: Option<File>, bytes: &[u8]) -> Result<(), Fatal> {
    let cannot = |e: io::Error| Fatal(format!("cannot write {to}: {e}"));
    // A stream that was missing is created now, and only now: one that has
    // appeared meanwhile is not written over.
    let mut file = match file {
        Some(file) => file,
        None => OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(to)
            .map_err(cannot)?,
    };
    file.write_all(bytes).map_err(cannot)?;
    file.sync_data().map_err(cannot)
}

/// A reader that remembers the last byte read through it.
struct LastByte<R> {
    inner: R,
    last: Rc<Cell<u8>>,
}

impl<R: Read> Read for LastByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(&byte) = buf.get(..n).and_then(<[u8]>::last) {
            self.last.set(byte);
        }
        Ok(n)
    }
}
