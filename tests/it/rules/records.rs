//! The record beside the playbook's steps: progress, corrections, links,
//! fixes, triage checks not performed, and amendments after close.

use super::*;

use Severity::{Sev1, Sev3};

/// The scenario's incident as its snapshot.
fn snap(s: &Scenario) -> Value {
    serde_json::to_value(s.incident()).unwrap()
}

pub fn amendment_reason_required() -> Rejection {
    let mut s = Scenario::in_phase(Sev1, Phase::Closed);
    let revised = s.command("submit_postmortem", json!({"postmortem": postmortem(Sev1)}));
    let r = s.reject(&revised);
    assert_only(&r, Rule::AmendmentReasonRequired, Some("reason"));
    let blank = with(&revised, "reason", json!("  "));
    assert_only(
        &s.reject(&blank),
        Rule::AmendmentReasonRequired,
        Some("reason"),
    );
    s.accept(&with(
        &revised,
        "reason",
        json!("A second incident showed access"),
    ));
    let cause = s.command("record_root_cause", json!({"text": "A leaked token"}));
    assert_only(
        &s.reject(&cause),
        Rule::AmendmentReasonRequired,
        Some("reason"),
    );
    // Before close the reason is optional.
    let mut open = Scenario::in_phase(Sev3, Phase::Resolved);
    open.run(Scenario::submit_postmortem);
    open.run(Scenario::record_root_cause);
    r
}

pub fn link_to_self() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let own = s.incident().id().to_string();
    let link = s.command(
        "link_incident",
        json!({"incident": own, "relation": "duplicate_of"}),
    );
    let r = s.reject(&link);
    assert_only(&r, Rule::LinkToSelf, Some("incident"));
    s.run(|s| s.valid(CommandKind::LinkIncident));
    r
}

pub fn expected_completion_not_after_progress() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let at = s.envelope("record_progress")["at"].clone();
    let progress = s.command(
        "record_progress",
        json!({"percent": 10, "expected_completion": at}),
    );
    let r = s.reject(&progress);
    assert_only(
        &r,
        Rule::ExpectedCompletionNotAfterProgress,
        Some("expected_completion"),
    );
    s.accept(&with(&progress, "expected_completion", json!(time(600))));
    r
}

#[test]
fn a_closed_incident_takes_amendments_and_says_so() {
    let mut s = Scenario::in_phase(Sev1, Phase::Closed);
    let version = s.version();
    let note = with(&s.add_note(), "by", json!("Grace"));
    s.accept(&note);
    s.run(|s| s.valid(CommandKind::CorrectImpact));
    s.run(|s| s.valid(CommandKind::LinkIncident));
    s.run(|s| s.valid(CommandKind::RecordFix));
    let revised = s.valid(CommandKind::SubmitPostmortem);
    s.accept(&revised);
    assert_eq!(s.phase(), Some(Phase::Closed));
    assert_eq!(s.version(), version + 5);
    let state = snap(&s);
    let amendments = state["amendments"].as_array().unwrap();
    let kinds: Vec<&str> = amendments
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "add_note",
            "correct_impact",
            "link_incident",
            "record_fix",
            "submit_postmortem"
        ]
    );
    assert_eq!(amendments[0]["by"], "Grace");
    assert!(amendments[0].get("reason").is_none());
    assert_eq!(
        amendments[1]["reason"],
        "The postmortem counted the users again"
    );
    assert_eq!(amendments[4]["reason"], "The second incident showed more");
    // Every other command is still refused.
    for kind in [CommandKind::PostUpdate, CommandKind::RecordProgress] {
        let cmd = s.valid(kind);
        assert_only(&s.reject(&cmd), Rule::IncidentClosed, None);
    }
    // A revision after close keeps the published postmortem the close needed.
    let draft = with(&revised, "postmortem.status", json!("draft"));
    let draft = with(&draft, "command_id", json!(command_id(9_000)));
    assert_at(
        &s.reject(&draft),
        Rule::PostmortemRequired,
        Some("postmortem.status"),
    );
    // The snapshot loads back, amendments and all.
    let loaded: Snapshot = serde_json::from_value(state.clone()).unwrap();
    assert_eq!(
        Incident::load(loaded, &Playbook::default()).unwrap(),
        *s.incident()
    );
}

#[test]
fn without_amendments_a_snapshot_has_no_new_fields() {
    let s = Scenario::in_phase(Sev1, Phase::Closed);
    let state = snap(&s);
    for field in [
        "progress",
        "impact_corrections",
        "links",
        "fixes",
        "amendments",
    ] {
        assert!(state.get(field).is_none(), "{field}");
    }
    for check in state["checks"].as_array().unwrap() {
        assert!(check.get("performed").is_none());
    }
}

#[test]
fn progress_is_kept_and_restoration_goes_on_after_resolve() {
    let mut s = Scenario::in_phase(Sev3, Phase::Resolved);
    let p = s.command(
        "record_progress",
        json!({"percent": 62.5, "note": "Batches 1 to 5 of 8", "expected_completion": time(900),
               "occurred_at": time(0)}),
    );
    s.accept(&p);
    let state = snap(&s);
    let kept = &state["progress"][0];
    assert_eq!(kept["percent"], 62.5);
    assert_eq!(kept["note"], "Batches 1 to 5 of 8");
    assert_eq!(kept["expected_completion"], time(900));
    // A whole share is written as a whole number; outside 0..=100 is malformed.
    s.run(|s| s.command("record_progress", json!({"percent": 100.0})));
    assert_eq!(snap(&s)["progress"][1]["percent"], json!(100));
    for bad in [json!(100.5), json!(-1), json!("40")] {
        let cmd = s.command("record_progress", json!({"percent": bad}));
        let refused = s.reject_line(&cmd.to_string()).rejection;
        assert_only(&refused, Rule::MalformedInput, Some("percent"));
    }
    // The phase stays.
    assert_eq!(s.phase(), Some(Phase::Resolved));
}

#[test]
fn a_correction_replaces_the_impact_and_says_when_and_why() {
    let mut s = Scenario::in_phase(Sev3, Phase::Resolved);
    s.run(|s| s.valid(CommandKind::CorrectImpact));
    let state = snap(&s);
    assert_eq!(state["impact"]["affected"]["users"], 5200);
    assert_eq!(
        state["impact_corrections"][0]["reason"],
        "The postmortem counted the users again"
    );
    let without_reason = s.command("correct_impact", json!({"impact": state["impact"].clone()}));
    assert_only(&s.reject(&without_reason), Rule::FieldEmpty, Some("reason"));
}

#[test]
fn a_correction_is_held_to_the_current_severity() {
    let mut s = Scenario::declared(Sev3);
    s.run(|s| s.change_severity(Severity::Sev2));
    let mut impact = snap(&s)["impact"].clone();
    impact["flags"] = json!(["major_feature_broken"]);
    let widened = s.command(
        "correct_impact",
        json!({"impact": impact.clone(), "reason": "It was broken for many"}),
    );
    s.accept(&widened);
    impact["flags"] = json!(["broad_outage"]);
    let beyond = s.command(
        "correct_impact",
        json!({"impact": impact, "reason": "It was down"}),
    );
    assert_only(
        &s.reject(&beyond),
        Rule::SeverityBelowFloor,
        Some("impact.flags"),
    );
}

#[test]
fn links_and_fixes_are_kept_and_move_no_phase() {
    let mut s = Scenario::in_phase(Sev3, Phase::Mitigating);
    s.run(|s| s.valid(CommandKind::LinkIncident));
    s.run(|s| s.valid(CommandKind::RecordFix));
    let bare = s.command("record_fix", json!({"description": "Retry budget raised"}));
    s.accept(&bare);
    assert_eq!(s.phase(), Some(Phase::Mitigating));
    let state = snap(&s);
    assert_eq!(state["links"][0]["relation"], "follow_on_of");
    assert_eq!(state["fixes"][0]["outcome"], "helped");
    assert!(state["fixes"][1].get("outcome").is_none());
    // A fix is no mitigation.
    assert_eq!(s.incident().mitigations().len(), 1);
    let blank = s.command("record_fix", json!({"description": " "}));
    assert_only(&s.reject(&blank), Rule::FieldEmpty, Some("description"));
    let bad = s.command(
        "link_incident",
        json!({"incident": "0b5e3a4c-2d1f-4e6a-9b8c-7d6e5f4a3b2c", "relation": "blames"}),
    );
    let refused = s.reject_line(&bad.to_string()).rejection;
    assert_only(&refused, Rule::MalformedInput, Some("relation"));
}

#[test]
fn a_check_not_performed_counts_as_recorded_and_is_never_done() {
    let mut s = Scenario::declared(Severity::Sev2);
    for check in [
        "recent_deploys",
        "provider_status",
        "logs",
        "health_endpoints",
    ] {
        let cmd = s.record_check(check);
        s.accept(&cmd);
    }
    let skipped = s.command(
        "record_check",
        json!({"check": "migrations", "finding": "No migration tooling on this cluster",
               "performed": false}),
    );
    s.accept(&skipped);
    assert!(s.incident().missing_checks().is_empty());
    let kept = s.incident().checks().nth(4).unwrap();
    assert!(!kept.performed);
    assert_eq!(snap(&s)["checks"][4]["performed"], false);
    assert!(snap(&s)["checks"][0].get("performed").is_none());
}

#[test]
fn lost_data_and_a_measured_drop_touch_no_count() {
    let mut s = Scenario::declared(Sev3);
    let mut impact = snap(&s)["impact"].clone();
    impact["lost"] = json!("6 hours of rows in orders");
    impact["measured_drop"] = json!({"percent": 35, "of": "API requests"});
    let update = s.command("update_impact", json!({"impact": impact.clone()}));
    s.accept(&update);
    let kept = &snap(&s)["impact"];
    assert_eq!(kept["lost"], "6 hours of rows in orders");
    assert_eq!(
        kept["measured_drop"],
        json!({"percent": 35, "of": "API requests"})
    );
    assert!(kept.get("affected").is_none());
    let draft = incident_playbook::postmortem::Postmortem::draft_from(s.incident());
    let text = draft.impact().unwrap().as_str().to_owned();
    assert!(text.contains("- Lost: 6 hours of rows in orders"), "{text}");
    assert!(
        text.contains("- Measured drop: 35% of API requests"),
        "{text}"
    );
    impact["measured_drop"] = json!({"percent": 35, "of": " "});
    let blank = s.command("update_impact", json!({"impact": impact.clone()}));
    assert_only(
        &s.reject(&blank),
        Rule::FieldEmpty,
        Some("impact.measured_drop.of"),
    );
    impact["measured_drop"] = json!({"percent": 135, "of": "API requests"});
    let beyond = s.command("update_impact", json!({"impact": impact}));
    let refused = s.reject_line(&beyond.to_string()).rejection;
    assert!(refused.breaks(Rule::MalformedInput));
}
