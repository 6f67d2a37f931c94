//! The incident's timeline as a picture: an SVG document with the phases as
//! bands on a true time axis, the severity, each mitigation as a bar
//! coloured and patterned by its outcome, each comms update as a tick by
//! audience, and the moments that matter (impact start, detection,
//! declaration, resolution, closing) marked, as the incident stood at any
//! time.
//!
//! What it draws comes from the same readings as the other views: the
//! phases of [`PhaseSpan::of`], the mitigations of
//! [`MitigationReport::all`], the updates as recorded, the severity after
//! each command (one trusted pass over the history, as the draft reads the
//! impact at each moment), and [`Incident::as_of`] for a past moment.
//!
//! Readable without colour: every phase band and severity segment is
//! labelled, every outcome has a pattern and a word beside its bar, a
//! measure still in effect ends in an arrow, each audience has its own
//! shape, and every element has a `<title>` (a tooltip) saying what it is.
//! The colours are the Okabe–Ito palette, told apart by readers with the
//! common colour-vision deficiencies.
//!
//! The axis is true: one second is as wide at the start as at the end, so
//! a day of waiting looks like a day (a compressed axis would hide the
//! thing a review asks about). Ticks are chosen by the span (minutes, hours
//! or days, with dates where the day changes); times are UTC.
//!
//! ```
//! use incident_playbook::{Playbook, Replay, timeline_svg};
//! let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
//! let mut replay = Replay::new(Playbook::default());
//! case.lines().for_each(|l| { replay.line(l); });
//! let incident = replay.incidents().iter().next().unwrap();
//! let svg = timeline_svg::of(incident);
//! assert!(svg.starts_with("<svg "));
//! assert!(svg.contains("Mitigation 1: roll back"));
//! // As it stood at the declaration: no mitigation yet.
//! let then = timeline_svg::as_of(incident, &Playbook::default(), incident.declared_at()).unwrap();
//! assert!(!then.contains("Mitigation 1:"));
//! ```

mod draw;
mod legend;
mod scale;
mod xml;

use crate::incident::{Incident, Phase};
use crate::playbook::Playbook;
use crate::severity::Severity;
use crate::time::Timestamp;
use crate::views::report::{MitigationReport, PhaseSpan};

/// The timeline of `incident` as it stood at `at` (only what was recorded
/// by then), as an SVG document. While the incident is not closed at `at`,
/// the axis runs to `at` and what is still going on is drawn up to it.
/// `None` when the incident was not yet declared at `at` (or its history to
/// then is refused under `playbook`, as [`Incident::as_of`] says).
pub fn as_of(incident: &Incident, playbook: &Playbook, at: Timestamp) -> Option<String> {
    let then = incident.as_of(at, playbook)?;
    Some(Picture::of(&then, at).svg())
}

/// The timeline of `incident`'s whole history, as of its last command.
pub fn of(incident: &Incident) -> String {
    Picture::of(incident, incident.last_command_at()).svg()
}

/// A moment marked across the picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Milestone {
    ImpactStarted,
    ImpactEnded,
    Detected,
    Declared,
    Resolved,
    Reopened,
    Closed,
    /// The moment the picture is as of, while the incident is not closed.
    AsOf,
}

impl Milestone {
    fn label(self) -> &'static str {
        match self {
            Milestone::ImpactStarted => "Impact start",
            Milestone::ImpactEnded => "Impact end",
            Milestone::Detected => "Detected",
            Milestone::Declared => "Declared",
            Milestone::Resolved => "Resolved",
            Milestone::Reopened => "Reopened",
            Milestone::Closed => "Closed",
            Milestone::AsOf => "As of",
        }
    }
}

/// What the picture draws, read from the incident.
struct Picture<'a> {
    incident: &'a Incident,
    /// The moment the picture is as of.
    at: Timestamp,
    phases: Vec<PhaseSpan>,
    /// The severity from each time it was set.
    severities: Vec<(Timestamp, Severity)>,
    mitigations: Vec<MitigationReport>,
    milestones: Vec<(Milestone, Timestamp)>,
    /// Every time something is drawn at: where the axis may be cut.
    drawn: Vec<Timestamp>,
    /// The first and last times drawn; what is still going on is drawn to
    /// `end`.
    start: Timestamp,
    end: Timestamp,
}

impl<'a> Picture<'a> {
    fn of(incident: &'a Incident, at: Timestamp) -> Picture<'a> {
        let phases = PhaseSpan::of(incident);
        let mitigations = MitigationReport::all(incident);
        let mut milestones = milestones(incident, &phases);
        if incident.phase() != Phase::Closed {
            milestones.push((Milestone::AsOf, at));
        }
        let mut drawn: Vec<Timestamp> = milestones.iter().map(|(_, t)| *t).collect();
        let ends = mitigations
            .iter()
            .flat_map(|m| [Some(m.started_at), m.ended_at]);
        drawn.extend(ends.flatten());
        drawn.extend(incident.updates().map(|u| u.at()));
        drawn.extend(phases.iter().map(|p| p.from));
        let declared = incident.declared_at();
        let start = drawn.iter().copied().fold(declared, Timestamp::min);
        let end = drawn.iter().copied().fold(declared, Timestamp::max);
        Picture {
            incident,
            at,
            phases,
            severities: severities(incident),
            mitigations,
            milestones,
            drawn,
            start,
            end,
        }
    }
}

/// The moments marked: when users were first hit and when that ended
/// (where known), the detection when it
/// came before the declaration, the declaration, each resolution and
/// reopening, the closing.
fn milestones(incident: &Incident, phases: &[PhaseSpan]) -> Vec<(Milestone, Timestamp)> {
    let (started, ended) = impact_times(incident);
    let mut marks: Vec<(Milestone, Timestamp)> = Vec::new();
    marks.extend(started.map(|t| (Milestone::ImpactStarted, t)));
    marks.extend(ended.map(|t| (Milestone::ImpactEnded, t)));
    if incident.detected_at() != incident.declared_at() {
        marks.push((Milestone::Detected, incident.detected_at()));
    }
    marks.push((Milestone::Declared, incident.declared_at()));
    let mut resolved = false;
    for span in phases {
        let mark = match span.phase {
            Phase::Resolved => Some(Milestone::Resolved),
            Phase::Closed => Some(Milestone::Closed),
            Phase::Investigating | Phase::Mitigating | Phase::Monitoring => {
                resolved.then_some(Milestone::Reopened)
            }
        };
        resolved = span.phase == Phase::Resolved;
        if let Some(mark) = mark {
            marks.push((mark, span.from));
        }
    }
    marks.sort_by_key(|(_, t)| *t);
    marks
}

/// When users were first hit and when that ended, where known: a picture
/// without an impact start says it is unknown rather than guess one.
fn impact_times(incident: &Incident) -> (Option<Timestamp>, Option<Timestamp>) {
    let impact = incident.impact();
    (impact.started_at(), impact.ended_at())
}

/// The severity from the declaration on, and at each change: read from the
/// incident as it stood after each command (one pass over the history).
fn severities(incident: &Incident) -> Vec<(Timestamp, Severity)> {
    let mut out: Vec<(Timestamp, Severity)> = Vec::new();
    let history = incident.history();
    incident.each_state(|i, then| {
        let changed = out.last().is_none_or(|(_, s)| *s != then.severity());
        if let (true, Some(cmd)) = (changed, history.get(i)) {
            out.push((cmd.at, then.severity()));
        }
    });
    out
}
