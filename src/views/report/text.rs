//! The report for people.

use std::fmt;

use super::timeliness::Timeliness;
use super::{Durations, FollowUp, IncidentReport, StepReport, TargetReport, UpdatesReport};

/// A duration for people: `45s`, `15m`, `1h 05m`, `2d 03h 10m`; negative
/// with a leading `-`.
///
/// ```
/// assert_eq!(incident_playbook::human_duration(3_900), "1h 05m");
/// assert_eq!(incident_playbook::human_duration(93_300), "1d 01h 55m");
/// assert_eq!(incident_playbook::human_duration(0), "0m");
/// ```
pub fn human_duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.unsigned_abs();
    let (d, h, m, rest) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let body = if d > 0 {
        format!("{d}d {h:02}h {m:02}m")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 || rest == 0 {
        if rest == 0 {
            format!("{m}m")
        } else {
            format!("{m}m {rest:02}s")
        }
    } else {
        format!("{rest}s")
    };
    format!("{sign}{body}")
}

fn opt_duration(s: Option<i64>) -> String {
    s.map_or_else(|| "—".to_owned(), human_duration)
}

impl fmt::Display for IncidentReport {
    /// The report for people, several lines, ending with a line break.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Incident {}: {}", self.incident_id, self.title)?;
        writeln!(
            f,
            "  {} (peak {}), {}; declared {}; as of {}",
            self.severity, self.peak_severity, self.phase, self.declared_at, self.now
        )?;
        writeln!(f)?;
        write_steps(f, &self.first_15_minutes)?;
        writeln!(f)?;
        write_updates(f, &self.updates)?;
        writeln!(f)?;
        for t in &self.targets {
            write_target(f, t)?;
        }
        writeln!(f)?;
        write_durations(f, &self.durations)?;
        writeln!(f)?;
        write_follow_ups(f, &self.open_follow_ups)
    }
}

fn write_steps(f: &mut fmt::Formatter<'_>, steps: &[StepReport]) -> fmt::Result {
    writeln!(f, "First 15 minutes")?;
    for s in steps {
        let when = match (s.done_at, s.after_seconds) {
            (Some(t), Some(after)) => format!("{t}  +{}", human_duration(after)),
            _ => "not done".to_owned(),
        };
        writeln!(
            f,
            "  {:<28} {:<32} {}",
            s.step.describe(),
            when,
            s.timeliness.describe()
        )?;
    }
    Ok(())
}

fn write_updates(f: &mut fmt::Formatter<'_>, u: &UpdatesReport) -> fmt::Result {
    writeln!(f, "Updates")?;
    write!(f, "  {} posted", u.count)?;
    if let Some(last) = u.last_at {
        write!(f, ", last at {last}")?;
    }
    match (u.next_due, u.overdue_seconds) {
        (Some(due), Some(over)) => writeln!(
            f,
            "; next was due {due}: OVERDUE by {}",
            human_duration(over)
        )?,
        (Some(due), None) => writeln!(f, "; next due {due}")?,
        (None, _) => writeln!(f, "; no next update due")?,
    }
    if u.late.is_empty() {
        writeln!(f, "  no update came later than promised")?;
    }
    for l in &u.late {
        writeln!(
            f,
            "  update {} at {} was late by {} (promised {})",
            l.index + 1,
            l.at,
            human_duration(l.late_seconds),
            l.promised
        )?;
    }
    Ok(())
}

fn write_target(f: &mut fmt::Formatter<'_>, t: &TargetReport) -> fmt::Result {
    writeln!(f, "Response target ({}: {})", t.severity, t.response)?;
    let (Some(deadline), Some(judged)) = (t.deadline, t.timeliness) else {
        return writeln!(f, "  {}", t.target);
    };
    writeln!(f, "  {}: {}", t.target, target_word(judged))?;
    write!(
        f,
        "  clock started {} ({}); due {}",
        t.since, t.severity, deadline
    )?;
    match t.mitigated_at {
        Some(m) => writeln!(f, "; mitigated {m}"),
        None => writeln!(f, "; not mitigated"),
    }
}

fn write_durations(f: &mut fmt::Formatter<'_>, d: &Durations) -> fmt::Result {
    writeln!(f, "Durations")?;
    let rows = [
        (
            "impact start → declaration",
            Some(d.impact_to_declaration_seconds),
        ),
        (
            "declaration → mitigation",
            d.declaration_to_mitigation_seconds,
        ),
        (
            "declaration → monitoring",
            d.declaration_to_monitoring_seconds,
        ),
        ("declaration → resolved", d.declaration_to_resolved_seconds),
        ("declaration → closed", d.declaration_to_closed_seconds),
    ];
    for (label, seconds) in rows {
        writeln!(f, "  {label:<29}{}", opt_duration(seconds))?;
    }
    Ok(())
}

fn write_follow_ups(f: &mut fmt::Formatter<'_>, follow_ups: &[FollowUp]) -> fmt::Result {
    writeln!(f, "Open follow-ups")?;
    if follow_ups.is_empty() {
        writeln!(f, "  none past due")?;
    }
    for a in follow_ups {
        writeln!(
            f,
            "  {} ({}, {}): due {}, {} day{} overdue",
            a.action,
            a.owner,
            a.status.as_str(),
            a.due,
            a.days_overdue,
            if a.days_overdue == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}

fn target_word(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "met",
        Timeliness::Late => "MISSED (mitigated late)",
        Timeliness::Missed => "MISSED (not mitigated)",
        Timeliness::Pending => "pending",
    }
}
