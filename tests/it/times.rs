//! When things truly happened: an impact that starts after the first sign
//! or is not known yet, causes before the impact, outcomes partial, unknown
//! and revised, true ends of mitigations, containment that is no relief,
//! temporary measures of any kind, and when user impact ended. Each test
//! replays a conformance case (or a variant of one) and reads the views.

use incident_playbook::{
    Incident, Playbook, Replay, Timestamp,
    postmortem::Postmortem,
    report::{IncidentReport, Step, Timeliness},
    state::{MitigationOutcome, MitigationPurpose},
};

fn replay(lines: &str) -> Vec<Incident> {
    let mut replay = Replay::new(Playbook::default());
    lines.lines().for_each(|l| {
        replay.line(l);
    });
    replay.incidents().iter().cloned().collect()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const STARTS_AFTER: &str =
    include_str!("../conformance/cases/impact-starts-after-declaration.jsonl");
const UNKNOWN: &str = include_str!("../conformance/cases/impact-start-unknown.jsonl");
const TRUE_END: &str = include_str!("../conformance/cases/end-mitigation-true-end.jsonl");
const REVISE: &str = include_str!("../conformance/cases/revise-outcome.jsonl");
const CONTAIN: &str = include_str!("../conformance/cases/containment-not-relief.jsonl");
const ENDED: &str = include_str!("../conformance/cases/impact-ended.jsonl");
const ROOT_CAUSE: &str =
    include_str!("../conformance/cases/root-cause-occurred-before-impact.jsonl");

#[test]
fn durations_run_from_when_users_were_hit_not_from_the_first_sign() {
    let incident = &replay(STARTS_AFTER)[0];
    assert_eq!(
        incident.impact().started_at(),
        Some(at("2026-05-04T12:15:00Z"))
    );
    let report = IncidentReport::new(incident, &Playbook::default(), at("2026-05-04T13:00:00Z"));
    // Declared 10:00 on the first sign; users hit at 12:15.
    let d = &report.durations;
    assert_eq!(d.impact_to_declaration_seconds, Some(-(2 * 3600 + 15 * 60)));
    assert_eq!(d.impact_to_detection_seconds, Some(-(2 * 3600 + 25 * 60)));
}

#[test]
fn an_unknown_start_is_said_so_and_never_counted_as_confirmed() {
    let incidents = replay(UNKNOWN);
    let unknown = incidents.iter().find(|i| i.version() == 1).unwrap();
    assert_eq!(unknown.impact().started_at(), None);
    let now = at("2026-05-04T11:00:00Z");
    let report = IncidentReport::new(unknown, &Playbook::default(), now);
    let confirmed = &report.first_15_minutes[0];
    assert_eq!(confirmed.step, Step::ImpactConfirmed);
    assert_eq!(confirmed.done_at, None);
    assert_ne!(confirmed.timeliness, Timeliness::OnTime);
    assert_eq!(report.durations.impact_to_declaration_seconds, None);
    let text = report.to_string();
    assert!(text.contains("unknown (impact start not known)"), "{text}");
    let draft = Postmortem::draft_from(unknown);
    assert!(
        draft
            .impact()
            .unwrap()
            .as_str()
            .contains("- Started: unknown")
    );
    assert!(
        !draft
            .timeline()
            .iter()
            .any(|e| e.event.starts_with("Impact started"))
    );
    let snapshot = serde_json::to_value(unknown).unwrap();
    assert!(snapshot["impact"].get("started_at").is_none());

    // The start given 30 minutes after the declaration: confirmed then, late.
    let learned = incidents.iter().find(|i| i.version() == 2).unwrap();
    let report = IncidentReport::new(learned, &Playbook::default(), now);
    let confirmed = &report.first_15_minutes[0];
    assert_eq!(confirmed.done_at, Some(at("2026-05-04T10:30:00Z")));
    assert_eq!(confirmed.timeliness, Timeliness::Late);
    assert_eq!(
        report.durations.impact_to_declaration_seconds,
        Some(20 * 60)
    );
}

#[test]
fn a_root_cause_keeps_when_the_cause_happened() {
    let incident = &replay(ROOT_CAUSE)[0];
    let cause = incident.root_cause().unwrap();
    assert_eq!(cause.occurred_at, Some(at("2026-05-03T16:00:00Z")));
    let draft = Postmortem::draft_from(incident);
    assert!(draft.timeline().iter().any(
        |e| e.event.as_str() == "Root cause recorded (the cause happened 2026-05-03T16:00:00Z)"
    ));
}

#[test]
fn a_mitigation_ends_at_its_true_time_with_a_partial_or_unknown_outcome() {
    let incident = &replay(TRUE_END)[0];
    let first = incident.mitigations()[0].ended.as_ref().unwrap();
    assert_eq!(first.outcome, MitigationOutcome::Partial);
    assert_eq!(first.occurred_at, Some(at("2026-05-04T14:30:00Z")));
    assert_eq!(first.happened_at(), at("2026-05-04T14:30:00Z"));
    let second = incident.mitigations()[1].ended.as_ref().unwrap();
    assert_eq!(second.outcome, MitigationOutcome::Unknown);
    // Neither is a failure: both count as mitigating.
    assert!(incident.mitigations().iter().all(|m| m.counts()));
    let report = IncidentReport::new(incident, &Playbook::default(), at("2026-05-04T15:00:00Z"));
    assert_eq!(
        report.mitigations[0].ended_at,
        Some(at("2026-05-04T14:30:00Z"))
    );
    let draft = Postmortem::draft_from(incident);
    let entry = draft
        .timeline()
        .iter()
        .find(|e| {
            e.event
                .as_str()
                .starts_with("Mitigation 1 gave partial relief")
        })
        .unwrap();
    assert_eq!(entry.at, at("2026-05-04T14:30:00Z"));
    assert!(
        entry
            .event
            .as_str()
            .ends_with("(recorded 2026-05-04T14:40:00Z)")
    );
    assert!(
        draft
            .what_worked()
            .unwrap()
            .as_str()
            .contains("partial relief")
    );
}

#[test]
fn a_revised_outcome_keeps_what_it_replaced_and_why() {
    let incident = &replay(REVISE)[0];
    let end = incident.mitigations()[0].ended.as_ref().unwrap();
    assert_eq!(end.outcome, MitigationOutcome::MadeWorse);
    assert_eq!(end.revisions.len(), 1);
    assert_eq!(end.revisions[0].previous, MitigationOutcome::Helped);
    assert_eq!(
        end.revisions[0].reason.as_str(),
        "Memory pressure grew on the bigger machines"
    );
    assert!(!incident.mitigations()[0].counts());
    let snapshot = serde_json::to_value(incident).unwrap();
    assert_eq!(
        snapshot["mitigations"][0]["ended"]["revisions"][0]["previous"],
        "helped"
    );
    let text =
        IncidentReport::new(incident, &Playbook::default(), at("2026-05-04T15:00:00Z")).to_string();
    assert!(
        text.contains("made worse; revised 2026-05-04T14:14:00Z from helped"),
        "{text}"
    );
    let draft = Postmortem::draft_from(incident);
    assert!(
        draft
            .what_did_not_work()
            .unwrap()
            .as_str()
            .contains("made it worse")
    );
}

#[test]
fn containment_counts_toward_no_target_and_no_time_to_mitigate() {
    let incident = &replay(CONTAIN)[0];
    let [pause, rollback] = incident.mitigations() else {
        panic!("two mitigations")
    };
    assert_eq!(pause.purpose, MitigationPurpose::Contain);
    assert!(!pause.counts());
    assert_eq!(rollback.purpose, MitigationPurpose::Relieve);
    let snapshot = serde_json::to_value(incident).unwrap();
    assert_eq!(snapshot["mitigations"][0]["purpose"], "contain");
    assert!(snapshot["mitigations"][1].get("purpose").is_none());
    let report = IncidentReport::new(incident, &Playbook::default(), at("2026-05-04T15:00:00Z"));
    // Impact 13:40; the pause at 14:11 contains, the rollback at 14:14 relieves.
    assert_eq!(report.durations.impact_to_mitigation_seconds, Some(34 * 60));
    assert!(report.mitigations[0].containment);
    assert!(report.to_string().contains("(temporary; containment)"));
}

#[test]
fn an_impact_ended_at_its_true_time_is_shown() {
    let incident = &replay(ENDED)[0];
    assert!(!incident.impact().user_impact_active());
    assert_eq!(
        incident.impact().ended_at(),
        Some(at("2026-05-04T14:25:00Z"))
    );
    let report = IncidentReport::new(incident, &Playbook::default(), at("2026-05-04T17:00:00Z"));
    assert_eq!(
        report.user_impact_ended_at,
        Some(at("2026-05-04T14:25:00Z"))
    );
    assert_eq!(report.durations.impact_to_impact_end_seconds, Some(45 * 60));
    let text = report.to_string();
    assert!(
        text.contains("User impact ended 2026-05-04T14:25:00Z"),
        "{text}"
    );
    assert!(text.contains("to end user impact"), "{text}");
    let draft = Postmortem::draft_from(incident);
    assert!(
        draft
            .impact()
            .unwrap()
            .as_str()
            .contains("User impact active: no (ended 2026-05-04T14:25:00Z)")
    );
    let entry = draft
        .timeline()
        .iter()
        .find(|e| e.event.as_str() == "User impact ended")
        .unwrap();
    assert_eq!(entry.at, at("2026-05-04T14:25:00Z"));
}

/// A containment step posted in public without a stated status leaves the
/// status page at "investigating": nothing relieved users yet. The relief
/// started later reads "mitigating".
#[test]
fn the_status_page_does_not_say_mitigating_for_containment() {
    use incident_playbook::{public::PublicPost, state::Status};
    let lines: String = CONTAIN
        .lines()
        .filter(|l| !l.contains("\"purpose\": \"shield\""))
        .map(|l| {
            l.replace("\"status\": \"mitigating\", ", "")
                .replace(
                    "\"owner\": \"Grace\"",
                    "\"owner\": \"Grace\", \"audience\": \"public\"",
                )
                .replace(
                    "\"commander\": \"Grace\"",
                    "\"commander\": \"Grace\", \"communications_owner\": \"Grace\"",
                )
                + "\n"
        })
        .collect();
    let incident = &replay(&lines)[0];
    let posts = PublicPost::all(incident);
    let told: Vec<Status> = posts.iter().map(|p| p.status).collect();
    assert_eq!(
        told,
        [
            Status::Investigating,
            Status::Investigating,
            Status::Mitigating
        ]
    );
}

/// After close, a revised outcome is an amendment: accepted, recorded with
/// its reason, and the mitigation keeps what it replaced.
#[test]
fn a_revised_outcome_after_close_is_an_amendment_with_its_reason() {
    let incident = &replay(include_str!(
        "../conformance/cases/revise-outcome-after-close.jsonl"
    ))[0];
    assert_eq!(incident.phase(), incident_playbook::Phase::Closed);
    let end = incident.mitigations()[0].ended.as_ref().unwrap();
    assert_eq!(end.outcome, MitigationOutcome::Partial);
    assert_eq!(end.revisions[0].previous, MitigationOutcome::Helped);
    let amendments = incident.amendments();
    let [amendment] = amendments else {
        panic!("one amendment: {amendments:?}")
    };
    assert_eq!(amendment.kind.as_str(), "revise_outcome");
    assert_eq!(
        amendment.reason.as_ref().map(|r| r.as_str()),
        Some("Retries resumed for a day after the rollback")
    );
}
