//! `incident status`: per incident not yet closed, what is due and what
//! blocks `resolve` and `close` — the playbook as a guide, not only a gate.

use std::io::Write;

use incident_playbook::report::human_duration;
use incident_playbook::{Incident, Playbook, Timestamp, Violation, command::CommandKind};
use serde_json::{Value, json};

use crate::args::{Format, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::input::replay_reporting;
use crate::output::{painted_rule, stdout, write_json_line};
use crate::report::now_or_clock;

pub fn run(stream: &StreamArgs, now: Option<&str>, format: Format) -> Result<Verdict, Fatal> {
    let playbook = stream.playbook.load()?;
    let now = now_or_clock(now)?;
    let (replay, verdict) = replay_reporting(playbook, &stream.file)?;
    let playbook = replay.incidents().playbook();
    // As of `now`, as `incident report` reads it; a closed incident has
    // nothing left to do.
    let incidents: Vec<Incident> = (replay.incidents().iter())
        .filter_map(|i| i.as_of(now, playbook))
        .filter(|i| i.phase().status().is_some())
        .collect();
    let mut out = stdout();
    match format {
        Format::Json => {
            let statuses: Vec<Value> = (incidents.iter())
                .map(|i| status_json(i, playbook, now))
                .collect();
            write_json_line(&mut out, &json!({ "as_of": now, "incidents": statuses }))?;
        }
        Format::Text => {
            if incidents.is_empty() {
                writeln!(out, "no open incident as of {now}")?;
            }
            for (n, i) in incidents.iter().enumerate() {
                if n > 0 {
                    writeln!(out)?;
                }
                write_text(&mut out, i, playbook, now)?;
            }
        }
    }
    out.flush()?;
    Ok(verdict)
}

/// How long past `due` `now` is, in seconds, if it is.
fn overdue_seconds(due: Option<Timestamp>, now: Timestamp) -> Option<i64> {
    due.filter(|due| now > *due)
        .map(|due| (now.as_datetime() - due.as_datetime()).num_seconds())
}

fn status_json(i: &Incident, playbook: &Playbook, now: Timestamp) -> Value {
    let due = i.next_update_due();
    let mut status = json!({
        "incident_id": i.id(),
        "title": i.title(),
        "phase": i.phase(),
        "severity": i.severity(),
        "next_update_due": due,
        "overdue_seconds": overdue_seconds(due, now),
        "resolve": {
            "blockers": i.blockers(CommandKind::Resolve),
            "evidence": i.resolve_evidence(playbook),
        },
        "close": { "blockers": i.blockers(CommandKind::Close) },
    });
    // The record's additions, only where there are some (older readers'
    // output is unchanged).
    let (links, amendments) = (i.links(), i.amendments());
    let extra = [
        ("progress", i.progress().last().map(|p| json!(p))),
        ("links", (!links.is_empty()).then(|| json!(links))),
        (
            "amendments",
            (!amendments.is_empty()).then(|| json!(amendments)),
        ),
    ];
    for (key, value) in extra {
        if let (Some(value), Some(map)) = (value, status.as_object_mut()) {
            map.insert(key.to_owned(), value);
        }
    }
    status
}

/// The record's additions, a line each: the latest progress, the links, the
/// amendments after close.
fn write_record(out: &mut impl Write, i: &Incident) -> Result<(), Fatal> {
    if let Some(p) = i.progress().last() {
        writeln!(out, "  progress: {p}")?;
    }
    for l in i.links() {
        writeln!(out, "  linked: {l}")?;
    }
    for a in i.amendments() {
        writeln!(out, "  amended after close: {a}")?;
    }
    Ok(())
}

fn write_text(
    out: &mut impl Write,
    i: &Incident,
    playbook: &Playbook,
    now: Timestamp,
) -> Result<(), Fatal> {
    // The title leads: it is what people know an incident by.
    writeln!(out, "{} ({}, {})", i.title(), i.severity(), i.phase())?;
    writeln!(out, "  incident {}", i.id())?;
    let due = i.next_update_due();
    match (due, overdue_seconds(due, now)) {
        (Some(due), Some(late)) => writeln!(
            out,
            "  next update: due {due}, overdue by {}",
            human_duration(late)
        )?,
        (Some(due), None) => writeln!(out, "  next update: due {due}")?,
        (None, _) => writeln!(out, "  next update: none due")?,
    }
    if i.phase().is_open() {
        write_blockers(out, "resolve", &i.blockers(CommandKind::Resolve))?;
        let evidence = i.resolve_evidence(playbook);
        writeln!(out, "  resolve must verify: {}", evidence.join(", "))?;
    }
    write_blockers(out, "close", &i.blockers(CommandKind::Close))?;
    write_record(out, i)
}

fn write_blockers(out: &mut impl Write, kind: &str, blockers: &[Violation]) -> Result<(), Fatal> {
    if blockers.is_empty() {
        writeln!(out, "  {kind}: nothing blocks it")?;
    }
    for v in blockers {
        writeln!(
            out,
            "  {kind} blocked: {}: {}",
            painted_rule(v),
            v.message()
        )?;
    }
    Ok(())
}
