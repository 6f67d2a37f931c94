//! `incident replay`: apply a command stream, report refused lines and the
//! incidents at the end.

use std::io::{Read, Write};

use incident_playbook::{Incident, Incidents, LineReport, Receiver, Replay, Violation};

use crate::args::{ClockArgs, Format, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::input::{feed_with, open, say_if_empty};
use crate::output::{Painted, stdout};
use crate::shelf::Shelf;

pub fn run(
    stream: &StreamArgs,
    keep_going: bool,
    clock: &ClockArgs,
    format: Format,
) -> Result<Verdict, Fatal> {
    // Streaming: each refused line is written as it is found and then
    // forgotten, so memory grows with the incidents held, not the lines read.
    // That is why the JSON document lists `rejections` before `incidents`.
    let mut replay = Replay::streaming(stream.playbook.load()?);
    if let Some(now) = &clock.now {
        let now = now
            .parse()
            .map_err(|e| Fatal(format!("--now {now}: {e}")))?;
        let skew = std::time::Duration::from_secs(clock.max_skew);
        replay = replay.with_receiver(Receiver::new(now).with_max_skew(skew));
    }
    // Opened before the first byte is written: a file that cannot be read
    // leaves nothing on standard output, not the start of a document.
    let input = open(&stream.file)?;
    let mut out = stdout();
    let (fed, declared) = write_replay(
        &mut replay,
        &stream.file,
        input,
        &mut out,
        format,
        keep_going,
    )?;
    // Closed incidents are not in the replay (`shelf`): it is empty only if
    // none was declared.
    if fed.is_ok() && declared == 0 {
        say_if_empty(&stream.file, &replay);
    }
    // The process ends next: freeing a million commands one allocation at a
    // time cost 8% of a replay's instructions, for memory the system takes
    // back at exit anyway.
    std::mem::forget(replay);
    fed
}

/// Replays `input` (read from `file`, named in messages) into `out`: the
/// refused lines as they come, then the incidents. The outer error is one
/// writing `out`; the inner one, reading `input`, comes after the document
/// is ended. With how many incidents were declared.
fn write_replay(
    replay: &mut Replay,
    file: &str,
    input: Box<dyn Read>,
    out: &mut impl Write,
    format: Format,
    keep_going: bool,
) -> Result<(Result<Verdict, Fatal>, usize), Fatal> {
    if format == Format::Json {
        write!(out, "{{\"rejections\":[")?;
    }
    // Closed incidents wait for the end compressed, not whole (`shelf`).
    let mut shelf = Shelf::new(format == Format::Text);
    let judge = |replay: &mut Replay, line: &str| {
        let report = replay.line_with(line, |incidents, id| shelf.before(incidents, id));
        shelf.after(replay.incidents_mut(), summary);
        shelf.check()?;
        Ok(report)
    };
    let fed = feed_with(file, input, replay, judge, |replay, report| {
        write_refused(out, format, file, replay, report)?;
        Ok(keep_going)
    });
    // A read that fails midway still ends the document (with the incidents
    // read so far); the failure is on standard error and exits 2.
    write_incidents(out, format, &shelf, replay.incidents())?;
    out.flush()?;
    Ok((fed, shelf.declared()))
}

fn write_refused(
    out: &mut impl Write,
    format: Format,
    file: &str,
    replay: &Replay,
    report: &LineReport,
) -> Result<(), Fatal> {
    match format {
        Format::Text => write_text_report(out, Some(file), report.line, &report.violations)?,
        Format::Json => {
            if replay.refused() > 1 {
                write!(out, ",")?;
            }
            serde_json::to_writer(out, report)?;
        }
    }
    Ok(())
}

/// A refused line for people: `FILE: line N: error[rule]…`, each further
/// violation on its own indented line.
pub fn write_text_report(
    out: &mut impl Write,
    file: Option<&str>,
    line: u64,
    violations: &[Violation],
) -> Result<(), Fatal> {
    for (i, v) in violations.iter().enumerate() {
        if i > 0 {
            write!(out, "{}", "  ".repeat(4))?;
        } else if let Some(file) = file {
            write!(out, "{file}: line {line}: ")?;
        } else {
            write!(out, "command: ")?;
        }
        writeln!(out, "{}", Painted(v))?;
    }
    Ok(())
}

fn write_incidents(
    out: &mut impl Write,
    format: Format,
    shelf: &Shelf,
    incidents: &Incidents,
) -> Result<(), Fatal> {
    match format {
        Format::Json => {
            write!(out, "],\"incidents\":")?;
            shelf.write_json(out, incidents)?;
            writeln!(out, "}}")?;
        }
        Format::Text => shelf.write_text(out, incidents, summary)?,
    }
    Ok(())
}

fn summary(incident: &Incident) -> String {
    format!(
        "incident {}: {} {} (peak {}), version {}: {}",
        incident.id(),
        incident.severity(),
        incident.phase(),
        incident.peak_severity(),
        incident.version(),
        incident.title()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peak::Counting;

    /// A stream of `n` incidents, each the conformance case of a SEV1's whole
    /// life under an id of its own, two at a time interleaved.
    fn stream(n: u128) -> String {
        let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
        let id = "e2181857-7398-5cf2-aad9-acc3150b8632";
        let mut out = String::new();
        for pair in (0..n).step_by(2) {
            let ids =
                [pair, pair + 1].map(|k| incident_playbook::Uuid::from_u128(k + 1).to_string());
            for line in case.lines() {
                for other in &ids {
                    out.push_str(&line.replace(id, other));
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The property `incident replay`'s memory is held to, without timing:
    /// the most heap it holds at once while replaying a stream stays below
    /// the stream's size. Keeping every incident whole took about 1.2 times.
    #[test]
    fn replaying_holds_less_heap_than_the_input() {
        let text = stream(2_000);
        for (name, format) in [("json", Format::Json), ("text", Format::Text)] {
            let input: Box<dyn Read> = Box::new(std::io::Cursor::new(text.clone().into_bytes()));
            let mut replay = Replay::streaming(incident_playbook::Playbook::default());
            let counting = Counting::start();
            let written = write_replay(&mut replay, "-", input, &mut std::io::sink(), format, true);
            let peak = counting.peak();
            let Ok((Ok(verdict), declared)) = written else {
                panic!("{name}: the stream is refused");
            };
            assert_eq!((verdict, declared), (Verdict::Accepted, 2_000));
            eprintln!(
                "{name}: peak heap {peak} bytes for {} bytes of input",
                text.len()
            );
            assert!(
                peak < text.len(),
                "{name}: peak heap {peak} for {} bytes",
                text.len()
            );
        }
    }
}
