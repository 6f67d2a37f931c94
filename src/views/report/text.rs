//! The report for people.

use std::fmt;

use super::timeliness::Timeliness;
use super::{
    AudienceUpdates, Disclosure, Durations, FollowUp, IncidentReport, LateUpdate, MitigationReport,
    StepReport, TargetReport, UpdatesReport,
};
use crate::exception::AcceptedException;

/// A duration for people: `45s`, `15m`, `1h 05m`, `2d 03h 10m`; negative
/// with a leading `-`.
///
/// ```
/// assert_eq!(incident_playbook::report::human_duration(3_900), "1h 05m");
/// assert_eq!(incident_playbook::report::human_duration(93_300), "1d 01h 55m");
/// assert_eq!(incident_playbook::report::human_duration(0), "0m");
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
        if let Some(ended) = self.user_impact_ended_at {
            writeln!(f, "  User impact ended {ended}")?;
        }
        writeln!(f)?;
        write_steps(f, &self.first_15_minutes)?;
        writeln!(f)?;
        write_updates(f, &self.updates, self.disclosure.is_some())?;
        writeln!(f)?;
        if let Some(d) = &self.disclosure {
            write_disclosure(f, d)?;
            writeln!(f)?;
        }
        for t in &self.targets {
            write_target(f, t)?;
        }
        writeln!(f)?;
        write_mitigations(f, &self.mitigations)?;
        writeln!(f)?;
        write_exceptions(f, &self.accepted_exceptions)?;
        writeln!(f)?;
        write_durations(f, &self.durations)?;
        writeln!(f)?;
        write_follow_ups(f, &self.open_follow_ups)?;
        if !self.record.is_empty() {
            writeln!(f)?;
            write!(f, "{}", self.record)?;
        }
        Ok(())
    }
}

fn write_steps(f: &mut fmt::Formatter<'_>, steps: &[StepReport]) -> fmt::Result {
    writeln!(f, "First 15 minutes")?;
    for s in steps {
        let when = match (s.done_at, s.after_seconds, &s.not_performed) {
            (Some(t), Some(after), _) => format!("{t}  +{}", human_duration(after)),
            (_, _, Some(why)) => format!("not performed: {why}"),
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

/// The wait for the first public word of an incident with a duty to
/// disclose.
fn write_disclosure(f: &mut fmt::Formatter<'_>, d: &Disclosure) -> fmt::Result {
    let duties: Vec<&str> = d.duties.iter().map(|f| f.as_str()).collect();
    writeln!(f, "Disclosure ({})", duties.join(", "))?;
    if let (Some(at), Some(after)) = (
        d.first_customers_notice_at,
        d.to_first_customers_notice_seconds,
    ) {
        writeln!(
            f,
            "  first notice to affected customers {at}, {} after detection ({})",
            human_duration(after),
            d.since
        )?;
    }
    match (
        d.first_public_at,
        d.to_first_public_seconds,
        d.waiting_seconds,
    ) {
        (Some(at), Some(after), _) => writeln!(
            f,
            "  first public word {at}, {} after detection ({})",
            human_duration(after),
            d.since
        ),
        (_, _, Some(waiting)) => writeln!(
            f,
            "  NO PUBLIC WORD YET: {} since detection ({})",
            human_duration(waiting),
            d.since
        ),
        _ => writeln!(f, "  no public word"),
    }
}

/// The line saying no update came late, when none did. With a duty to
/// disclose and no public word at all, it says that first: "no update came
/// later than promised" would be read as the public having been kept
/// informed.
fn none_late_line(u: &UpdatesReport, disclosure_due: bool) -> Option<&'static str> {
    match (u.late.is_empty(), disclosure_due && u.public.count == 0) {
        (false, _) => None,
        (true, true) => Some("no public word; no internal update came later than promised"),
        (true, false) => Some("no update came later than promised"),
    }
}

/// The comms rhythm. With a duty to disclose and no public word at all, no
/// line says that no update came late: the public got none to be late.
fn write_updates(
    f: &mut fmt::Formatter<'_>,
    u: &UpdatesReport,
    disclosure_due: bool,
) -> fmt::Result {
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
    if let Some(line) = none_late_line(u, disclosure_due) {
        writeln!(f, "  {line}")?;
    }
    for l in &u.late {
        write_late(f, "  update", l)?;
    }
    // Only where the sender is not the owner: the owner is on the update.
    for p in u.posted_by.iter().filter(|p| p.by_another()) {
        writeln!(
            f,
            "  update {} at {} (owner {}) was posted by {}",
            p.index + 1,
            p.at,
            p.owner,
            p.by
        )?;
    }
    // With one audience only, its rhythm is the one above: say it once.
    let both = u.public.count > 0 && u.internal.count > 0;
    write_audience(f, "public", &u.public, both)?;
    write_audience(f, "internal", &u.internal, both)?;
    if !u.customers.is_empty() {
        write_audience(f, "customers", &u.customers, true)?;
    }
    Ok(())
}

fn write_late(f: &mut fmt::Formatter<'_>, lead: &str, l: &LateUpdate) -> fmt::Result {
    writeln!(
        f,
        "{lead} {} at {} was late by {} (promised {})",
        l.index + 1,
        l.at,
        human_duration(l.late_seconds),
        l.promised
    )
}

fn write_audience(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    a: &AudienceUpdates,
    with_late: bool,
) -> fmt::Result {
    write!(f, "  {name}: {} posted", a.count)?;
    if let Some(last) = a.last_at {
        write!(f, ", last at {last}")?;
    }
    if with_late && a.count > 1 && a.late.is_empty() {
        write!(f, "; none later than the {name} update before promised")?;
    }
    writeln!(f)?;
    for l in a.late.iter().filter(|_| with_late) {
        write_late(f, &format!("    {name} update"), l)?;
    }
    Ok(())
}

fn write_mitigations(f: &mut fmt::Formatter<'_>, all: &[MitigationReport]) -> fmt::Result {
    writeln!(f, "Mitigations")?;
    if all.is_empty() {
        writeln!(f, "  none started")?;
    }
    for m in all {
        let temporary = match (m.temporary, m.containment) {
            (true, true) => " (temporary; containment)",
            (true, false) => " (temporary)",
            (false, true) => " (containment)",
            (false, false) => "",
        };
        write!(
            f,
            "  {}. {}{temporary}: started {}",
            m.number, m.description, m.started_at
        )?;
        if m.recorded_at != m.started_at {
            write!(f, " (recorded {})", m.recorded_at)?;
        }
        if let Some(by) = &m.started_by {
            write!(f, " by {by}")?;
        }
        match (m.ended_at, m.outcome) {
            (Some(at), Some(outcome)) => {
                write!(f, "; ended {at}")?;
                if let Some(by) = &m.ended_by {
                    write!(f, " by {by}")?;
                }
                write!(f, ": {}", outcome.as_str().replace('_', " "))?;
                if let Some(note) = &m.note {
                    write!(f, " ({note})")?;
                }
                for r in &m.revisions {
                    write!(
                        f,
                        "; revised {} from {}: {}",
                        r.at,
                        r.previous.as_str().replace('_', " "),
                        r.reason
                    )?;
                }
                writeln!(f)?;
            }
            _ => writeln!(f, "; in effect")?,
        }
    }
    let temporary: Vec<String> = all
        .iter()
        .filter(|m| m.is_temporary_in_effect())
        .map(|m| format!("{}. {}", m.number, m.description))
        .collect();
    if temporary.is_empty() {
        writeln!(f, "  temporary measures in effect: none")
    } else {
        writeln!(
            f,
            "  temporary measures in effect: {}",
            temporary.join("; ")
        )
    }
}

fn write_exceptions(f: &mut fmt::Formatter<'_>, all: &[AcceptedException]) -> fmt::Result {
    writeln!(f, "Exceptions accepted at resolve")?;
    if all.is_empty() {
        writeln!(f, "  none")?;
    }
    for e in all {
        writeln!(
            f,
            "  {} failing, accepted by {} at {}: {}",
            e.check(),
            e.accepted_by(),
            e.at(),
            e.reason()
        )?;
    }
    Ok(())
}

fn write_target(f: &mut fmt::Formatter<'_>, t: &TargetReport) -> fmt::Result {
    writeln!(f, "Response target ({}: {})", t.severity, t.response)?;
    let (Some(deadline), Some(judged)) = (t.deadline, t.timeliness) else {
        return writeln!(f, "  {}", t.target);
    };
    writeln!(
        f,
        "  {}: {}",
        t.target,
        target_word(judged, t.outcome_pending)
    )?;
    write!(
        f,
        "  clock started {} ({}); due {}",
        t.since, t.severity, deadline
    )?;
    match t.mitigated_at {
        Some(m) if t.outcome_pending => {
            writeln!(f, "; mitigation started {m} (outcome pending)")
        }
        Some(m) => writeln!(f, "; mitigated {m}"),
        None => writeln!(f, "; not mitigated"),
    }
}

fn write_durations(f: &mut fmt::Formatter<'_>, d: &Durations) -> fmt::Result {
    // Only the impact start can be unknown, and the declaration always is:
    // a duration from the start to the declaration is missing only then.
    let start_known = d.impact_to_declaration_seconds.is_some();
    let from_start = |seconds: Option<i64>| {
        if start_known {
            opt_duration(seconds)
        } else {
            "unknown (impact start not known)".to_owned()
        }
    };
    writeln!(f, "Durations by true times")?;
    let rows = [
        (
            "to detect (impact start → detected)",
            from_start(d.impact_to_detection_seconds),
        ),
        (
            "to declare (detected → declared)",
            opt_duration(Some(d.detection_to_declaration_seconds)),
        ),
        (
            "to mitigate (impact start → mitigation)",
            from_start(d.impact_to_mitigation_seconds),
        ),
        (
            "to resolve (impact start → resolved)",
            from_start(d.impact_to_resolved_seconds),
        ),
        (
            "to close (impact start → closed)",
            from_start(d.impact_to_closed_seconds),
        ),
    ];
    for (label, value) in rows {
        writeln!(f, "  {label:<42}{value}")?;
    }
    if let Some(seconds) = d.impact_to_impact_end_seconds {
        let label = "to end user impact (impact start → ended)";
        writeln!(f, "  {label:<42}{}", human_duration(seconds))?;
    }
    writeln!(f, "Durations as recorded")?;
    let rows = [
        (
            "impact start → declaration",
            from_start(d.impact_to_declaration_seconds),
        ),
        (
            "declaration → first mitigation started",
            opt_duration(d.declaration_to_mitigation_seconds),
        ),
        (
            "declaration → monitoring",
            opt_duration(d.declaration_to_monitoring_seconds),
        ),
        (
            "declaration → resolved",
            opt_duration(d.declaration_to_resolved_seconds),
        ),
        (
            "declaration → closed",
            opt_duration(d.declaration_to_closed_seconds),
        ),
    ];
    for (label, value) in rows {
        writeln!(f, "  {label:<42}{value}")?;
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

/// The target's verdict. Until a mitigation's outcome is known, it was
/// started, not known to have mitigated: a late one says so.
fn target_word(t: Timeliness, outcome_pending: bool) -> &'static str {
    match t {
        Timeliness::OnTime => "met",
        Timeliness::Late if outcome_pending => "MISSED (mitigation started late, outcome pending)",
        Timeliness::Late => "MISSED (mitigated late)",
        Timeliness::Missed => "MISSED (not mitigated)",
        Timeliness::Pending => "pending",
    }
}

#[cfg(test)]
mod tests {
    use super::none_late_line;
    use crate::report::UpdatesReport;
    use crate::views::test_incident;

    /// An incident none of whose updates was late: said plainly, unless it
    /// owes the public a word and gave none.
    #[test]
    fn no_late_update_is_not_said_of_no_public_word() {
        let incident = test_incident("conformance/cases/happy-sev1-full-lifecycle.jsonl");
        let u = UpdatesReport::of(&incident, incident.last_command_at());
        assert!(u.late.is_empty() && u.public.count == 0);
        assert_eq!(
            none_late_line(&u, false),
            Some("no update came later than promised")
        );
        assert_eq!(
            none_late_line(&u, true),
            Some("no public word; no internal update came later than promised")
        );
    }
}
