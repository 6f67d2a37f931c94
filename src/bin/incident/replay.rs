//! `incident replay`: apply a command stream, report refused lines and the
//! incidents at the end.

use std::io::{Read, Write};

use incident_playbook::{Incident, Incidents, LineReport, Receiver, Replay, Violation};

use crate::args::{ClockArgs, Format, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::input::{feed_with, open, say_if_empty};
use crate::output::{Painted, stdout};
use crate::shelf::{IDLE, Shelf};

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
    let shelf = Shelf::new(IDLE, format == Format::Text);
    let (fed, declared) = write_replay(
        &mut replay,
        &stream.file,
        input,
        &mut out,
        format,
        shelf,
        keep_going,
    )?;
    // Kept incidents are not in the replay (`shelf`): it is empty only if
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

/// Replays `input` (read from `file`, named in messages) into `out` in
/// `format`: the refused lines as they come, then the incidents. Closed and
/// idle incidents wait in `shelf`, compressed, not whole. The outer error
/// is one writing `out`; the inner one, reading `input`, comes after the
/// document is ended. With how many incidents were declared.
fn write_replay(
    replay: &mut Replay,
    file: &str,
    input: Box<dyn Read>,
    out: &mut impl Write,
    format: Format,
    mut shelf: Shelf,
    keep_going: bool,
) -> Result<(Result<Verdict, Fatal>, usize), Fatal> {
    if format == Format::Json {
        write!(out, "{{\"rejections\":[")?;
    }
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

    const CASE: &str =
        include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");

    /// A stream of `n` incidents, each the first `lines` lines of the
    /// conformance case of a SEV1's whole life (13 close it; 10 leave it
    /// monitoring, its root cause found) under an id of its own, two at a
    /// time interleaved.
    fn stream(n: u128, lines: usize) -> String {
        let id = "e2181857-7398-5cf2-aad9-acc3150b8632";
        let mut out = String::new();
        for pair in (0..n).step_by(2) {
            let ids =
                [pair, pair + 1].map(|k| incident_playbook::Uuid::from_u128(k + 1).to_string());
            for line in CASE.lines().take(lines) {
                for other in &ids {
                    out.push_str(&line.replace(id, other));
                    out.push('\n');
                }
            }
        }
        out
    }

    /// Replays `text` into `out` as `incident replay` does, with open
    /// incidents kept aside after `idle` lines: the verdict, how many
    /// incidents were declared and how many were kept aside at the end, and
    /// the most heap held at once (the input's copy not counted).
    fn replay(
        text: &str,
        out: &mut impl Write,
        format: Format,
        idle: u64,
    ) -> (Verdict, usize, usize, usize) {
        let input: Box<dyn Read> = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        let mut replay = Replay::streaming(incident_playbook::Playbook::default());
        let shelf = Shelf::new(idle, format == Format::Text);
        let counting = Counting::start();
        let written = write_replay(&mut replay, "-", input, out, format, shelf, true);
        let peak = counting.peak();
        let Ok((Ok(verdict), declared)) = written else {
            panic!("the stream is refused");
        };
        let kept = declared - replay.incidents().len();
        (verdict, declared, kept, peak)
    }

    /// The property `incident replay`'s memory is held to, without timing:
    /// the most heap it holds at once while replaying a stream stays below
    /// the stream's size.
    /// Keeping every incident whole took 1.46 times the input with closed
    /// incidents; keeping the open ones whole, 2.17 times with open ones.
    #[test]
    fn replaying_holds_less_heap_than_the_input() {
        for (what, lines) in [("closed", 13), ("open", 10)] {
            let text = stream(2_000, lines);
            for (name, format) in [("json", Format::Json), ("text", Format::Text)] {
                let sink = &mut std::io::sink();
                let (verdict, declared, kept, held) = replay(&text, sink, format, IDLE);
                assert_eq!((verdict, declared), (Verdict::Accepted, 2_000));
                assert!(kept >= 1_800, "{what} {name}: {kept} kept aside");
                eprintln!(
                    "{what} {name}: peak heap {held} bytes for {} bytes of input ({:.2}x)",
                    text.len(),
                    held as f64 / text.len() as f64
                );
                assert!(
                    held < text.len(),
                    "{what} {name}: peak heap {held} for {} bytes",
                    text.len()
                );
            }
        }
    }

    /// A stream whose incidents all stay hot to its last line: `n`
    /// SEV1s left monitoring (the first 10 lines of the conformance case),
    /// then `notes` notes each, the incidents in turn, none ever idle.
    fn hot_stream(n: u128, notes: u32) -> String {
        let mut out = stream(n, 10);
        for i in 0..notes * n as u32 {
            let incident = incident_playbook::Uuid::from_u128(u128::from(i) % n + 1);
            let command = incident_playbook::Uuid::from_u128(1_000_000 + u128::from(i));
            let at = format!(
                "2026-05-05T{:02}:{:02}:{:02}Z",
                i / 3600,
                i / 60 % 60,
                i % 60
            );
            let text =
                format!("Queue depth on shard {i} checked again; ").repeat(i as usize % 7 + 1);
            out.push_str(&format!(
                "{{\"type\":\"add_note\",\"incident_id\":\"{incident}\",\"command_id\":\"{command}\",\"at\":\"{at}\",\"text\":\"{text}\"}}\n"
            ));
        }
        out
    }

    /// Incidents written to until the last line are all held whole, and
    /// still below the input (0.95 times it, Vec capacity counted; 1.13
    /// times while the state kept its notes beside the history), so that an
    /// in-memory incident that grows again fails here.
    #[test]
    fn replaying_hot_incidents_holds_about_the_input() {
        let text = hot_stream(4, 2_000);
        for (name, format) in [("json", Format::Json), ("text", Format::Text)] {
            let sink = &mut std::io::sink();
            let (verdict, declared, kept, held) = replay(&text, sink, format, IDLE);
            assert_eq!((verdict, declared, kept), (Verdict::Accepted, 4, 0));
            let ratio = held as f64 / text.len() as f64;
            eprintln!(
                "hot {name}: peak heap {held} bytes for {} bytes of input ({ratio:.2}x)",
                text.len()
            );
            assert!(
                ratio < 1.0,
                "hot {name}: peak heap {held} for {} bytes",
                text.len()
            );
        }
    }

    /// Open incidents kept aside and put back (here after two lines naming
    /// others) leave the output as keeping them whole does, byte for byte:
    /// the lines for them are judged as if they had never left (a
    /// redelivery is a duplicate, a close before the resolve refused).
    #[test]
    fn keeping_open_incidents_aside_writes_the_same_bytes() {
        let open = stream(6, 10);
        // The first two incidents' last three lines: the close too early,
        // then resolved, its postmortem, closed.
        let closed = stream(2, 13);
        let last: Vec<&str> = closed.lines().skip(20).collect();
        let rest = format!("{}\n{}\n", last[4], last.join("\n"));
        let text = format!("{open}{open}{rest}");
        for format in [Format::Json, Format::Text] {
            let (mut whole, mut aside) = (Vec::new(), Vec::new());
            replay(&text, &mut whole, format, u64::MAX);
            let (verdict, declared, kept, _) = replay(&text, &mut aside, format, 2);
            assert_eq!(
                String::from_utf8(aside).unwrap(),
                String::from_utf8(whole).unwrap()
            );
            assert_eq!((verdict, declared), (Verdict::Broken, 6));
            assert!(kept >= 4, "{kept} kept aside");
        }
    }
}
