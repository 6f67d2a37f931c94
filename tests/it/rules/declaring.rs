//! Declaring: the impact, its start, the severity floor, and true times.

use super::*;

use Severity::{Sev2, Sev3};

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::OccurredAfterRecorded,
            given: || Scenario::declared(Sev3),
            command: note_of_earlier,
            breaks: Set("occurred_at", json!(time(5))),
            at: "occurred_at",
            fix: None,
        },
        Triplet {
            rule: Rule::ImpactIncomplete,
            given: || Scenario::new(Sev3),
            command: Scenario::declare,
            breaks: Remove("impact.feature"),
            at: "impact.feature",
            fix: None,
        },
        Triplet {
            rule: Rule::SeverityBelowFloor,
            given: || Scenario::new(Sev3),
            command: Scenario::declare,
            breaks: Set(
                "impact.flags",
                json!(["degraded_feature", "major_feature_broken"]),
            ),
            at: "severity",
            fix: Some(Set("severity", json!("SEV2"))),
        },
        Triplet {
            rule: Rule::UpdateRequired,
            given: || Scenario::triaged(Sev3),
            command: Scenario::rollback,
            breaks: Remove("update"),
            at: "update",
            fix: None,
        },
    ]
}

pub fn impact_ended_while_active() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let update = with(&s.update_impact(), "impact.ended_at", json!(time(0)));
    let r = s.reject(&update);
    assert_only(&r, Rule::ImpactEndedWhileActive, Some("impact.ended_at"));
    s.accept(&with(&update, "impact.user_impact_active", json!(false)));
    r
}

pub fn impact_ended_before_started() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let update = with(
        &s.update_impact(),
        "impact.user_impact_active",
        json!(false),
    );
    // The SEV3 impact started 35 minutes before the declaration.
    let update = with(&update, "impact.ended_at", json!(time(-36)));
    let r = s.reject(&update);
    assert_only(&r, Rule::ImpactEndedBeforeStarted, Some("impact.ended_at"));
    s.accept(&with(&update, "impact.ended_at", json!(time(-35))));
    r
}

pub fn severity_unchanged() -> Rejection {
    let mut s = Scenario::declared(Sev3);
    let change = s.change_severity(Sev3);
    let r = s.reject(&change);
    assert_only(&r, Rule::SeverityUnchanged, Some("severity"));
    s.accept(&with(&change, "severity", json!("SEV2")));
    assert_eq!(s.incident().severity(), Sev2);
    r
}

#[test]
fn the_severity_floor_holds_in_update_impact_and_change_severity() {
    let mut s = Scenario::declared(Severity::Sev3);
    let worse = with(&s.update_impact(), "impact.flags", json!(["broad_outage"]));
    let r = s.reject(&worse);
    assert_only(&r, Rule::SeverityBelowFloor, Some("impact.flags"));
    let escalate = s.change_severity(Severity::Sev2);
    s.accept(&escalate);
    // Down to SEV3 with the SEV2 impact kept.
    let down = without(&s.change_severity(Severity::Sev3), "impact");
    assert_only(&s.reject(&down), Rule::SeverityBelowFloor, Some("severity"));
    // Down to SEV4 with flags that allow it.
    let down = with(
        &s.change_severity(Severity::Sev4),
        "impact.flags",
        json!([]),
    );
    s.accept(&down);
}

/// Users can be hit after the declaration (the team declared on a first
/// sign): the start is a true time, no later than the command that says so.
#[test]
fn an_impact_may_start_after_the_declaration_but_not_after_its_command() {
    let mut s = Scenario::declared(Severity::Sev3);
    s.clock = 30;
    let late = with(&s.update_impact(), "impact.started_at", json!(time(31)));
    let r = s.reject(&late);
    assert_only(&r, Rule::OccurredAfterRecorded, Some("impact.started_at"));
    // After the declaration, before this command: accepted.
    s.accept(&with(&late, "impact.started_at", json!(time(10))));
    assert_eq!(
        s.incident().impact().started_at().map(|t| t.to_string()),
        Some(time(10))
    );
    // And at declaration, a start after the declaring command is the same rule.
    let mut s = Scenario::new(Sev3);
    let declare = with(&s.declare(), "impact.started_at", json!(time(1)));
    assert_only(
        &s.reject(&declare),
        Rule::OccurredAfterRecorded,
        Some("impact.started_at"),
    );
}

/// The start can be unknown at declaration (a breach found weeks later):
/// missing or `null`, it is not yet known, and given later.
#[test]
fn an_impact_start_may_be_unknown_and_given_later() {
    for unknown in [None, Some(json!(null))] {
        let mut s = Scenario::new(Sev3);
        let declare = match &unknown {
            None => without(&s.declare(), "impact.started_at"),
            Some(v) => with(&s.declare(), "impact.started_at", v.clone()),
        };
        s.accept(&declare);
        assert_eq!(s.incident().impact().started_at(), None);
        let snapshot = serde_json::to_value(s.incident()).unwrap();
        assert!(snapshot["impact"].get("started_at").is_none());
        assert!(load(&snapshot).is_ok());
        s.clock = 20;
        let learned = with(&s.update_impact(), "impact.started_at", json!(time(-600)));
        s.accept(&learned);
        assert_eq!(
            s.incident().impact().started_at().map(|t| t.to_string()),
            Some(time(-600))
        );
    }
}

/// The two readings that replaced `impact-start-after-declaration` and
/// `occurred-before-impact`: their old triggers are accepted now, and the
/// rules are in the catalogue, retired.
#[test]
fn retired_rules_are_kept_and_never_reported() {
    for rule in [
        Rule::ImpactStartAfterDeclaration,
        Rule::OccurredBeforeImpact,
    ] {
        assert!(rule.is_retired());
        assert!(Rule::ALL.contains(&rule));
        assert!(!Rule::active().any(|r| r == rule));
    }
    let mut s = Scenario::declared(Sev3);
    // The SEV3 impact started 35 minutes before the declaration: a note of
    // a cause an hour before that.
    let note = with(&s.add_note(), "occurred_at", json!(time(-95)));
    s.accept(&note);
    let mut s = Scenario::new(Sev3);
    let declare = s.declare();
    s.accept(&with(&declare, "detected_at", json!(time(-36))));
}

// ---- True times and titles (issue 10 §3) ----

/// `add_note` of something that happened at the declaration, written a minute later.
fn note_of_earlier(s: &mut Scenario) -> Value {
    with(&s.add_note(), "occurred_at", json!(time(0)))
}

#[test]
fn a_declaration_says_when_the_problem_was_detected() {
    let mut s = Scenario::new(Sev3);
    let declare = s.declare();
    let late = with(&declare, "detected_at", json!(time(1)));
    assert_only(
        &s.reject(&late),
        Rule::OccurredAfterRecorded,
        Some("detected_at"),
    );
    s.accept(&with(&declare, "detected_at", json!(time(-2))));
    assert_eq!(s.incident().detected_at().to_string(), time(-2));
    let snapshot = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(snapshot["detected_at"], json!(time(-2)));
    assert!(load(&snapshot).is_ok());
    // Without it, the snapshot has no such field and detection is the declaration.
    let s = Scenario::declared(Sev3);
    let snapshot = serde_json::to_value(s.incident()).unwrap();
    assert!(snapshot.get("detected_at").is_none());
    assert_eq!(s.incident().detected_at(), s.incident().declared_at());
}

#[test]
fn a_mitigation_and_a_note_keep_their_true_times() {
    // GitHub locked deploys at 23:07 and declared at 23:09: the lock is
    // recorded after the declaration, at its true time.
    let mut s = Scenario::declared(Sev3);
    let lock = s.start_mitigation(json!({"kind": "pause_rollout", "rollout": "All deploys"}));
    let lock = with(&lock, "occurred_at", json!(time(-2)));
    s.accept(&lock);
    s.run(note_of_earlier);
    let incident = s.incident();
    assert_eq!(
        incident.mitigations()[0].happened_at().to_string(),
        time(-2)
    );
    assert_eq!(
        incident.notes().next().unwrap().happened_at().to_string(),
        time(0)
    );
    assert_eq!(incident.notes().next().unwrap().at.to_string(), time(2));
    let snapshot = serde_json::to_value(incident).unwrap();
    assert_eq!(snapshot["mitigations"][0]["occurred_at"], json!(time(-2)));
    assert!(load(&snapshot).is_ok());
    // Without a true time the records look as they always did.
    s.run(Scenario::add_note);
    let snapshot = serde_json::to_value(s.incident()).unwrap();
    let keys: Vec<&String> = snapshot["notes"][1].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["at", "text"]);
    // A true time after the command that records it is refused on a mitigation too.
    let later = with(&s.rollback(), "occurred_at", json!(time(60)));
    assert_only(
        &s.reject(&later),
        Rule::OccurredAfterRecorded,
        Some("occurred_at"),
    );
}

#[test]
fn a_rename_changes_the_title_and_the_history_keeps_every_title() {
    let mut s = Scenario::declared(Sev3);
    let rename = s.command(
        "rename",
        json!({"title": "Database replication lag", "reason": "It is not spam load"}),
    );
    s.accept(&rename);
    assert_eq!(s.incident().title().as_str(), "Database replication lag");
    let renames: Vec<_> = s.incident().renames().collect();
    assert_eq!(renames.len(), 1);
    assert_eq!(renames[0].1.reason.as_deref(), Some("It is not spam load"));
    for field in ["title", "reason"] {
        for (_, mut broken) in absent(&rename, field) {
            broken["command_id"] = json!(command_id(90));
            assert_only(&s.reject(&broken), Rule::FieldEmpty, Some(field));
        }
    }
    // Allowed once resolved, not once closed.
    let mut s = Scenario::in_phase(Sev3, Phase::Resolved);
    let rename = s.command(
        "rename",
        json!({"title": "Replica lag", "reason": "Clearer"}),
    );
    s.accept(&rename);
    s.run(Scenario::close);
    let again = s.command("rename", json!({"title": "Other", "reason": "Too late"}));
    assert_only(&s.reject(&again), Rule::IncidentClosed, None);
}

#[test]
fn an_impact_may_count_what_it_hurt_and_where() {
    let mut s = Scenario::new(Sev2);
    let declare = s.declare();
    let counted = with(
        &with(&declare, "impact.regions", json!(["eu-west", "us-east"])),
        "impact.affected",
        json!({"users": 5000, "tenants": 12, "failed_requests": 120000}),
    );
    let blank = with(&counted, "impact.regions", json!(["eu-west", " "]));
    assert_only(
        &s.reject(&blank),
        Rule::FieldEmpty,
        Some("impact.regions[1]"),
    );
    for bad in [
        json!({"users": -1}),
        json!({"users": 1.5}),
        json!({"people": 3}),
    ] {
        let line = with(&counted, "impact.affected", bad).to_string();
        assert_eq!(s.reject_line(&line).rejection.rule(), Rule::MalformedInput);
    }
    s.accept(&counted);
    let impact = s.incident().impact();
    assert_eq!(impact.regions().len(), 2);
    assert_eq!(impact.affected().tenants, Some(12));
    let state = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(state["impact"]["regions"], json!(["eu-west", "us-east"]));
    assert_eq!(state["impact"]["affected"]["failed_requests"], 120000);
    assert!(load(&state).is_ok());
    // Without them, the impact is written as before: no empty fields.
    let mut plain = Scenario::new(Sev2);
    plain.declare_now();
    let state = serde_json::to_value(plain.incident()).unwrap();
    assert!(state["impact"].get("regions").is_none());
    assert!(state["impact"].get("affected").is_none());
}
