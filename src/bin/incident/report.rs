//! `incident report`: how the response of each incident of a stream went.

use std::io::Write;

use incident_playbook::{Timestamp, report::IncidentReport};

use crate::args::{Format, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::input::replay_reporting;
use crate::output::{stdout, write_json_line};

pub fn run(stream: &StreamArgs, now: Option<&str>, format: Format) -> Result<Verdict, Fatal> {
    let playbook = stream.playbook.load()?;
    let now = now_or_clock(now)?;
    let (replay, verdict) = replay_reporting(playbook, &stream.file)?;
    let playbook = replay.incidents().playbook();
    // As of `now`: what was recorded later does not count, and an incident
    // declared later is left out.
    let reports: Vec<IncidentReport> = replay
        .incidents()
        .iter()
        .filter_map(|i| IncidentReport::as_of(i, playbook, now))
        .collect();
    let mut out = stdout();
    match format {
        Format::Json => write_json_line(
            &mut out,
            &serde_json::json!({ "as_of": now, "reports": reports }),
        )?,
        Format::Text => {
            if reports.is_empty() {
                writeln!(out, "no incident declared as of {now}")?;
            }
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{r}")?;
            }
        }
    }
    out.flush()?;
    Ok(verdict)
}

pub fn now_or_clock(now: Option<&str>) -> Result<Timestamp, Fatal> {
    match now {
        Some(s) => s.parse().map_err(|e| Fatal(format!("--now: {e}"))),
        None => {
            // The library reads no clock; the command line does, for people.
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| Fatal(format!("the system clock is before 1970: {e}")))?
                .as_secs();
            let secs = i64::try_from(secs).map_err(|e| Fatal(e.to_string()))?;
            chrono::DateTime::from_timestamp(secs, 0)
                .map(Timestamp::from)
                .ok_or_else(|| Fatal("the system clock is out of range".to_owned()))
        }
    }
}
