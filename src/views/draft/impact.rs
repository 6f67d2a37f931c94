//! The draft's impact: as it stood when the incident was resolved.

use crate::impact::{AffectedCounts, Impact, Surface};
use crate::incident::{CommandKind, Incident, Phase};
use crate::time::Timestamp;
use crate::views::moments;

/// The impact the draft tells, and when the incident was resolved: for a
/// resolved or closed incident, the impact as it stood at its last
/// `resolve` (what was recorded after it, say by a reopened incident's
/// later commands, does not count); else the impact now.
pub(super) fn at_resolve(incident: &Incident) -> (Impact, Option<Timestamp>) {
    let resolved = matches!(incident.phase(), Phase::Resolved | Phase::Closed)
        .then(|| {
            incident
                .history()
                .iter()
                .enumerate()
                .rev()
                .find(|(_, c)| c.kind() == CommandKind::Resolve)
        })
        .flatten();
    match resolved.and_then(|(i, c)| Some((moments::after(incident, i)?, c.at))) {
        Some((then, at)) => (then.impact().clone(), Some(at)),
        None => (incident.impact().clone(), None),
    }
}

/// The impact as a list, one line per part. A resolved incident's users are
/// no longer affected, whatever the last impact recorded said: the
/// resolution is the record that they are not.
pub(super) fn text(impact: &Impact, resolved_at: Option<Timestamp>) -> String {
    let list = |items: Vec<&str>| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items.join(", ")
        }
    };
    let surfaces = impact.surfaces().iter().map(|s| match s {
        Surface::Api => "api",
        Surface::Frontend => "frontend",
        Surface::Data => "data",
    });
    let active = match (impact.ended_at(), resolved_at) {
        (Some(ended), _) => format!("no (ended {ended})"),
        (None, Some(at)) => format!("no (resolved {at})"),
        (None, None) if impact.user_impact_active() => "yes".to_owned(),
        (None, None) => "no".to_owned(),
    };
    let endpoints = impact.affected_endpoints().iter().map(|e| e.as_str());
    let dependencies = impact.affected_dependencies().iter().map(|d| d.as_str());
    let regions = impact.regions().iter().map(|r| r.as_str());
    format!(
        "- Environment: {}\n- Users: {}\n- Feature: {}\n- Started: {}\n- User impact active: {active}\n- Flags: {}\n- Surfaces: {}\n- Affected endpoints: {}\n- Affected dependencies: {}\n- Regions: {}\n- Affected: {}",
        impact.environment(),
        impact.users(),
        impact.feature(),
        started(impact.started_at()),
        list(impact.flags().iter().map(|f| f.as_str()).collect()),
        list(surfaces.collect()),
        list(endpoints.collect()),
        list(dependencies.collect()),
        list(regions.collect()),
        counts(impact.affected()),
    )
}

/// When users were first hit, or `unknown` while nobody knows.
pub(super) fn started(at: Option<Timestamp>) -> String {
    at.map_or_else(|| "unknown".to_owned(), |at| at.to_string())
}

/// `1200 users, 3 tenants, 5400 failed requests`, or `—`.
pub(super) fn counts(a: AffectedCounts) -> String {
    let parts: Vec<String> = [
        (a.users, "users"),
        (a.tenants, "tenants"),
        (a.failed_requests, "failed requests"),
    ]
    .into_iter()
    .filter_map(|(n, what)| n.map(|n| format!("{n} {what}")))
    .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(", ")
    }
}
