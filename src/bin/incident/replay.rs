//! `incident replay`: apply a command stream, report refused lines and the
//! incidents at the end.

use std::io::Write;

use incident_playbook::{Incident, Incidents, LineReport, Receiver, Replay};

use crate::args::{ClockArgs, Format, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::input::{feed, open};
use crate::output::stdout;

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
    if format == Format::Json {
        write!(out, "{{\"rejections\":[")?;
    }
    let fed = feed(&stream.file, input, &mut replay, |replay, report| {
        write_refused(&mut out, format, replay, report)?;
        Ok(keep_going)
    });
    // A read that fails midway still ends the document (with the incidents
    // read so far); the failure is on standard error and exits 2.
    write_incidents(&mut out, format, replay.incidents())?;
    out.flush()?;
    // The process ends next: freeing a million commands one allocation at a
    // time cost 8% of a replay's instructions, for memory the system takes
    // back at exit anyway.
    std::mem::forget(replay);
    fed
}

fn write_refused(
    out: &mut impl Write,
    format: Format,
    replay: &Replay,
    report: &LineReport,
) -> Result<(), Fatal> {
    match format {
        Format::Text => {
            for (i, v) in report.violations.iter().enumerate() {
                let lead = if i == 0 {
                    format!("line {}: ", report.line)
                } else {
                    "  ".repeat(4)
                };
                writeln!(out, "{lead}{v}")?;
            }
        }
        Format::Json => {
            if replay.refused() > 1 {
                write!(out, ",")?;
            }
            serde_json::to_writer(out, report)?;
        }
    }
    Ok(())
}

fn write_incidents(
    out: &mut impl Write,
    format: Format,
    incidents: &Incidents,
) -> Result<(), Fatal> {
    match format {
        Format::Json => {
            write!(out, "],\"incidents\":")?;
            serde_json::to_writer(&mut *out, incidents)?;
            writeln!(out, "}}")?;
        }
        Format::Text => {
            for incident in incidents {
                writeln!(out, "{}", summary(incident))?;
            }
        }
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
