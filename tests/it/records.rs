//! The record's additions in the views: progress, corrections, links, fixes,
//! checks not performed, amendments after close, and notices to customers.

use std::process::Command;

use incident_playbook::{
    Incident, Playbook, Replay, postmortem::Postmortem, report::IncidentReport,
};

use crate::fixture::root;

/// The incidents of a conformance case, its refused lines skipped.
fn case(name: &str) -> Vec<Incident> {
    let path = root().join(format!("tests/conformance/cases/{name}.jsonl"));
    let input = std::fs::read_to_string(path).unwrap();
    let mut replay = Replay::new(Playbook::default());
    for line in input.lines() {
        replay.line(line);
    }
    replay.incidents().iter().cloned().collect()
}

fn report_text(incident: &Incident) -> String {
    IncidentReport::new(incident, &Playbook::default(), incident.last_command_at()).to_string()
}

fn timeline(incident: &Incident) -> Vec<String> {
    Postmortem::draft_from(incident)
        .timeline()
        .iter()
        .map(|e| e.event.to_string())
        .collect()
}

#[test]
fn amendments_after_close_are_said_in_every_view() {
    let incident = &case("amendments-after-close")[0];
    let events = timeline(incident);
    let amended: Vec<&String> = events
        .iter()
        .filter(|e| e.starts_with("Amended after close: "))
        .collect();
    assert_eq!(amended.len(), 6, "{events:#?}");
    assert!(
        events.iter().any(
            |e| e == "Amended after close: Linked: causes 0b5e3a4c-2d1f-4e6a-9b8c-7d6e5f4a3b2c"
        )
    );
    assert!(
        events
            .iter()
            .any(|e| e.contains("Fix deployed: Tokens rotated (helped)"))
    );
    assert!(
        events
            .iter()
            .any(|e| e.ends_with("(by Grace)") && e.contains("Note:"))
    );
    let draft = Postmortem::draft_from(incident);
    let impact = draft.impact().unwrap().as_str();
    assert!(impact.contains("- Affected: 10400 users"), "{impact}");
    assert!(
        impact.contains("- Corrected 2026-05-10T10:20:00Z: Counted again"),
        "{impact}"
    );
    let text = report_text(incident);
    assert!(
        text.contains("Amended after close\n  2026-05-10T09:00:00Z: add_note by Grace\n"),
        "{text}"
    );
    assert!(text.contains("submit_postmortem: The follow-on incident showed the token was used"));
    assert!(text.contains("Linked incidents\n  causes 0b5e3a4c"));
    assert!(text.contains("Fixes\n  2026-05-10T11:00:00Z: Tokens rotated, outcome helped"));
    let json = serde_json::to_value(IncidentReport::new(
        incident,
        &Playbook::default(),
        incident.last_command_at(),
    ))
    .unwrap();
    assert_eq!(
        json["record"]["amendments"].as_array().map(Vec::len),
        Some(6)
    );
}

#[test]
fn progress_shows_in_the_timeline_and_the_report() {
    let incident = &case("record-progress")[0];
    let events = timeline(incident);
    assert!(events.iter().any(|e| e
        == "Progress: 20% done, expected complete 2026-05-04T09:45:00Z (Rollback on 2 of 10 nodes)"));
    assert!(events.iter().any(|e| e == "Progress: 60.5% done"));
    let text = report_text(incident);
    assert!(
        text.contains("Progress\n  2026-05-04T09:25:00Z: 20% done"),
        "{text}"
    );
    assert!(
        text.contains("  2026-05-04T09:31:00Z: 60.5% done\n"),
        "{text}"
    );
}

#[test]
fn a_check_not_performed_is_never_shown_as_done() {
    let incident = &case("triage-not-performed")[0];
    let text = report_text(incident);
    assert!(
        text.contains("not performed: Health endpoints were down with the API; nothing to check"),
        "{text}"
    );
    let steps = IncidentReport::new(incident, &Playbook::default(), incident.last_command_at())
        .first_15_minutes;
    let health = steps.last().unwrap();
    assert_eq!(health.done_at, None);
    assert!(health.not_performed.is_some());
    assert!(
        timeline(incident)
            .iter()
            .any(|e| e.starts_with("Check of health endpoints not performed: "))
    );
}

#[test]
fn the_report_without_record_additions_says_nothing_new() {
    let incident = &case("happy-sev1-full-lifecycle")[0];
    let json = serde_json::to_value(IncidentReport::new(
        incident,
        &Playbook::default(),
        incident.last_command_at(),
    ))
    .unwrap();
    assert!(json.get("record").is_none());
    assert!(json["updates"].get("customers").is_none());
    assert!(!report_text(incident).contains("Amended after close"));
}

fn render(case: &str, audience: &str) -> String {
    let path = root().join(format!("tests/conformance/cases/{case}.jsonl"));
    let out = Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(["render", "updates", "--audience", audience])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_notice_to_customers_is_for_them_and_not_for_the_status_page() {
    let customers = render("customers-audience", "customers");
    assert!(
        customers.contains("Impact: Uploads fail for your tenant"),
        "{customers}"
    );
    assert!(!customers.contains("Owner:"), "{customers}");
    let public = render("customers-audience", "public");
    assert!(!public.contains("your tenant"), "{public}");
    let text = report_text(&case("customers-audience")[0]);
    assert!(text.contains("  customers: 1 posted"), "{text}");
}

#[test]
fn status_shows_the_links() {
    let path = root().join("tests/conformance/cases/link-incident.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(["status", "--now", "2026-05-04T09:20:00Z"])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  linked: caused by 0b5e3a4c-2d1f-4e6a-9b8c-7d6e5f4a3b2c: The storage incident of this morning (linked 2026-05-04T09:14:00Z)"),
        "{text}"
    );
}
