//! The draft's impact: as it stood when the incident was resolved.

use crate::exception::AcceptedException;
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
        // A correction after the resolve says what the impact was all along.
        Some((_, at)) if incident.impact_corrections().iter().any(|c| c.at > at) => {
            (incident.impact().clone(), Some(at))
        }
        Some((then, at)) => (then.impact().clone(), Some(at)),
        None => (incident.impact().clone(), None),
    }
}

/// One line per correction of the impact: "- Corrected T: reason".
pub(super) fn corrections(incident: &Incident) -> String {
    incident
        .impact_corrections()
        .iter()
        .map(|c| format!("\n- Corrected {}: {}", c.at, c.reason))
        .collect()
}

/// The verification checks that, accepted failing at resolve, say that users
/// may still be exposed: unauthorized access not ruled out. A resolution
/// with one of them is no record that users are no longer affected.
const EXPOSURE_CHECKS: [&str; 1] = ["data.no_unauthorized_access"];

/// The exception accepted at the resolve at `resolved_at` that says the
/// exposure continues, if one does.
pub(super) fn exposure_continues(
    incident: &Incident,
    resolved_at: Option<Timestamp>,
) -> Option<&AcceptedException> {
    let at = resolved_at?;
    incident
        .accepted_exceptions()
        .iter()
        .find(|e| e.at() == at && EXPOSURE_CHECKS.contains(&e.check().as_str()))
}

/// The "User impact active" line's value. A resolved incident's users are
/// no longer affected, whatever the last impact recorded said: the
/// resolution is the record that they are not; unless an exception
/// accepted at that resolve says the exposure continues, when "no" would
/// be false. When the impact says when users stopped being affected, that
/// time is the one given.
fn active_words(
    impact: &Impact,
    resolved_at: Option<Timestamp>,
    exposure: Option<&AcceptedException>,
) -> String {
    match (resolved_at, exposure, impact.ended_at()) {
        (Some(at), Some(e), _) => format!(
            "exposure may continue (resolved {at} with {} accepted failing)",
            e.check()
        ),
        (_, _, Some(ended)) => format!("no (ended {ended})"),
        (Some(at), None, None) => format!("no (resolved {at})"),
        (None, _, None) if impact.user_impact_active() => "yes".to_owned(),
        (None, _, None) => "no".to_owned(),
    }
}

/// Items joined with `, `, or `—` for none.
fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.into_iter().collect();
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join(", ")
    }
}

fn surfaces(impact: &Impact) -> String {
    list(impact.surfaces().iter().map(|s| match s {
        Surface::Api => "api",
        Surface::Frontend => "frontend",
        Surface::Data => "data",
    }))
}

fn flags(impact: &Impact) -> String {
    list(impact.flags().iter().map(|f| f.as_str()))
}

fn endpoints(impact: &Impact) -> String {
    list(impact.affected_endpoints().iter().map(|e| e.as_str()))
}

fn dependencies(impact: &Impact) -> String {
    list(impact.affected_dependencies().iter().map(|d| d.as_str()))
}

fn regions(impact: &Impact) -> String {
    list(impact.regions().iter().map(|r| r.as_str()))
}

/// The impact as a list, one line per part.
pub(super) fn text(
    impact: &Impact,
    resolved_at: Option<Timestamp>,
    exposure: Option<&AcceptedException>,
) -> String {
    // Said only when given, so that drafts of incidents without them read as before.
    let lost = impact
        .lost()
        .map_or(String::new(), |l| format!("\n- Lost: {l}"));
    let drop = impact
        .measured_drop()
        .map_or(String::new(), |d| format!("\n- Measured drop: {d}"));
    let text = format!(
        "- Environment: {}\n- Users: {}\n- Feature: {}\n- Started: {}\n- User impact active: {}\n- Flags: {}\n- Surfaces: {}\n- Affected endpoints: {}\n- Affected dependencies: {}\n- Regions: {}\n- Affected: {}",
        impact.environment(),
        impact.users(),
        impact.feature(),
        started(impact.started_at()),
        active_words(impact, resolved_at, exposure),
        flags(impact),
        surfaces(impact),
        endpoints(impact),
        dependencies(impact),
        regions(impact),
        counts(impact.affected()),
    );
    text + &lost + &drop
}

/// What changed from `before` to `after`, part by part, for the timeline:
/// `Impact changed: Uploads (all tenants); user impact active: no`. Only
/// the parts that differ are named, each as it now reads.
pub(super) fn change(before: &Impact, after: &Impact) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let mut parts: Vec<String> = Vec::new();
    let mut differs = |changed: bool, part: &dyn Fn() -> String| {
        if changed {
            parts.push(part());
        }
    };
    differs(before.environment() != after.environment(), &|| {
        format!("environment: {}", after.environment())
    });
    differs(
        before.feature() != after.feature() || before.users() != after.users(),
        &|| format!("{} ({})", after.feature(), after.users()),
    );
    differs(before.started_at() != after.started_at(), &|| {
        format!("started {}", started(after.started_at()))
    });
    differs(
        before.user_impact_active() != after.user_impact_active(),
        &|| format!("user impact active: {}", yes_no(after.user_impact_active())),
    );
    differs(before.flags() != after.flags(), &|| {
        format!("flags: {}", flags(after))
    });
    differs(before.surfaces() != after.surfaces(), &|| {
        format!("surfaces: {}", surfaces(after))
    });
    differs(
        before.affected_endpoints() != after.affected_endpoints(),
        &|| format!("affected endpoints: {}", endpoints(after)),
    );
    differs(
        before.affected_dependencies() != after.affected_dependencies(),
        &|| format!("affected dependencies: {}", dependencies(after)),
    );
    differs(before.regions() != after.regions(), &|| {
        format!("regions: {}", regions(after))
    });
    differs(before.affected() != after.affected(), &|| {
        format!("affected: {}", counts(after.affected()))
    });
    format!("Impact changed: {}", parts.join("; "))
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

#[cfg(test)]
mod tests {
    use super::{active_words, change};
    use crate::impact::Impact;

    use crate::views::test_incident as incident;

    fn impact(json: &str) -> Impact {
        serde_json::from_str(json).unwrap()
    }

    const BEFORE: &str = r#"{"environment": "production", "users": "All tenants", "feature": "Uploads",
        "started_at": "2026-05-04T09:00:00Z", "user_impact_active": true, "flags": ["degraded_feature"],
        "surfaces": [], "affected_endpoints": [], "affected_dependencies": []}"#;

    #[test]
    fn a_change_names_only_what_changed() {
        let before = impact(BEFORE);
        let after = impact(&BEFORE.replace("true", "false").replace(
            r#""surfaces": []"#,
            r#""surfaces": [], "affected": {"users": 1200}"#,
        ));
        assert_eq!(
            change(&before, &after),
            "Impact changed: user impact active: no; affected: 1200 users"
        );
        let renamed = impact(&BEFORE.replace("All tenants", "One tenant"));
        assert_eq!(
            change(&before, &renamed),
            "Impact changed: Uploads (One tenant)"
        );
    }

    #[test]
    fn resolved_is_no_impact_unless_the_exposure_continues() {
        let i = impact(BEFORE);
        let at = "2026-05-04T10:00:00Z".parse().unwrap();
        assert_eq!(active_words(&i, None, None), "yes");
        assert_eq!(
            active_words(&i, Some(at), None),
            "no (resolved 2026-05-04T10:00:00Z)"
        );
        let breach = incident("incidents/circleci-2023-01-04.jsonl");
        let resolved = breach.accepted_exceptions()[0].at();
        let exposure = super::exposure_continues(&breach, Some(resolved));
        assert_eq!(
            exposure.map(|e| e.check().as_str()),
            Some("data.no_unauthorized_access")
        );
        let words = active_words(&i, Some(resolved), exposure);
        assert!(words.starts_with("exposure may continue"), "{words}");
        // Data lost for good is not an exposure that continues.
        let lost = incident("incidents/gitlab-2017-01-31.jsonl");
        let resolved = lost.accepted_exceptions()[0].at();
        assert!(super::exposure_continues(&lost, Some(resolved)).is_none());
    }
}
