//! The rule catalogue (RULES.md) through the public API: every rule id has a
//! command that breaks it and, next to it, the nearly identical command that
//! is accepted; then the order of checks, the reporting of missing parts, peak
//! severity, versions, the phase table of WIRE.md, snapshots and length limits.
//!
//! Every rejection here goes through `Scenario::reject`, which also checks that
//! the rejected command left the incident exactly as it was.

mod common;

use common::*;
use incident_playbook::{
    ActionStatus, CommandKind, Dependency, Incident, Name, Outcome, Phase, Playbook, Rejection,
    Role, Rule, Severity, ShortText, Snapshot,
};
use serde_json::{Value, json};

/// Asserts that `r` has a violation of `rule` at `path`.
#[track_caller]
fn assert_at(r: &Rejection, rule: Rule, path: Option<&str>) {
    assert!(
        r.iter().any(|v| v.rule() == rule && v.path() == path),
        "expected {rule} at {path:?}, got {:#?}",
        r.violations()
    );
}

/// Asserts that `rule`, at `path`, is the one and only violation of `r`.
#[track_caller]
fn assert_only(r: &Rejection, rule: Rule, path: Option<&str>) {
    assert_eq!(
        r.violations().len(),
        1,
        "expected only {rule}, got {:#?}",
        r.violations()
    );
    assert_at(r, rule, path);
}

/// Asserts that `r` lists exactly these (rule, path) violations, in any order.
#[track_caller]
fn assert_exactly(r: &Rejection, expected: &[(Rule, Option<&str>)]) {
    let mut got: Vec<(Rule, Option<String>)> = r
        .iter()
        .map(|v| (v.rule(), v.path().map(str::to_owned)))
        .collect();
    let mut want: Vec<(Rule, Option<String>)> = expected
        .iter()
        .map(|(rule, path)| (*rule, path.map(str::to_owned)))
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "violations differ");
}

/// A command with one field removed.
fn without(cmd: &Value, path: &str) -> Value {
    let mut cmd = cmd.clone();
    remove(&mut cmd, path);
    cmd
}

/// A command with one field set.
fn with(cmd: &Value, path: &str, value: Value) -> Value {
    let mut cmd = cmd.clone();
    set(&mut cmd, path, value);
    cmd
}

/// One trigger per rule: a command (or snapshot) that breaks it, checked for
/// the rule's path, with the nearby valid case accepted. Each returns the
/// rejection so that the meta-test can see the rule named.
mod cases {
    use super::*;

    use Severity::{Sev1, Sev2, Sev3};

    // ---- Envelope and lifecycle ----

    pub fn malformed_input() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let note = s.add_note();
        let typo = note.to_string().replace("\"text\"", "\"txt\"");
        let refused = s.reject_line(&typo);
        assert_only(&refused.rejection, Rule::MalformedInput, None);
        assert!(s.desk.handle_json(&note.to_string()).is_ok());
        refused.rejection
    }

    pub fn not_declared() -> Rejection {
        let mut s = Scenario::new(Sev3);
        let declare = s.declare();
        let note = s.add_note();
        let r = s.reject(&note);
        assert_only(&r, Rule::NotDeclared, Some("incident_id"));
        assert!(s.desk.is_empty());
        s.accept(&declare);
        s.accept(&note);
        r
    }

    pub fn already_declared() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let again = s.declare();
        let r = s.reject(&again);
        assert_only(&r, Rule::AlreadyDeclared, Some("incident_id"));
        // The same declaration for another incident opens that one.
        let other = with(&again, "incident_id", json!(OTHER_INCIDENT));
        assert_eq!(
            s.desk.handle(parse(&other)),
            Ok(Outcome::Applied { version: 1 })
        );
        assert_eq!(s.desk.len(), 2);
        r
    }

    pub fn incident_closed() -> Rejection {
        let mut s = Scenario::in_phase(Sev3, Phase::Closed);
        let note = s.add_note();
        let r = s.reject(&note);
        assert_only(&r, Rule::IncidentClosed, None);
        let mut resolved = Scenario::in_phase(Sev3, Phase::Resolved);
        resolved.run(Scenario::add_note);
        r
    }

    pub fn not_allowed_in_phase() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let early = s.begin_monitoring();
        let r = s.reject(&early);
        assert_only(&r, Rule::NotAllowedInPhase, Some("type"));
        s.run(Scenario::rollback);
        s.run(Scenario::begin_monitoring);
        r
    }

    pub fn timestamp_regressed() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        s.run(Scenario::add_note); // minute 1
        let late = s.add_note();
        let r = s.reject(&with(&late, "at", json!(time(0))));
        assert_only(&r, Rule::TimestampRegressed, Some("at"));
        // The same `at` as the last accepted command is in order.
        s.accept(&with(&late, "at", json!(time(1))));
        r
    }

    pub fn version_conflict() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let note = s.add_note();
        let r = s.reject(&with(&note, "expected_version", json!(0)));
        assert_only(&r, Rule::VersionConflict, Some("expected_version"));
        s.accept(&with(&note, "expected_version", json!(1)));
        r
    }

    pub fn command_id_reused() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let note = s.run(Scenario::add_note);
        let other = s.add_note();
        let other = with(&other, "command_id", note["command_id"].clone());
        let other = with(
            &other,
            "text",
            json!("Provider status page shows no incident."),
        );
        let r = s.reject(&other);
        assert_only(&r, Rule::CommandIdReused, Some("command_id"));
        s.duplicate(&note);
        r
    }

    pub fn field_empty() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let note = s.add_note();
        let r = s.reject(&with(&note, "text", json!(" \t ")));
        assert_only(&r, Rule::FieldEmpty, Some("text"));
        s.accept(&with(&note, "text", json!("OCR queue depth is 4,000.")));
        r
    }

    pub fn field_too_long() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let note = s.add_note();
        let r = s.reject(&with(&note, "text", json!("n".repeat(65_537))));
        assert_only(&r, Rule::FieldTooLong, Some("text"));
        s.accept(&with(&note, "text", json!("n".repeat(65_536))));
        r
    }

    // ---- Declaring ----

    pub fn impact_incomplete() -> Rejection {
        let mut s = Scenario::new(Sev3);
        let declare = s.declare();
        let r = s.reject(&without(&declare, "impact.feature"));
        assert_only(&r, Rule::ImpactIncomplete, Some("impact.feature"));
        s.accept(&declare);
        r
    }

    pub fn impact_start_after_declaration() -> Rejection {
        let mut s = Scenario::new(Sev3);
        let declare = s.declare();
        let r = s.reject(&with(&declare, "impact.started_at", json!(time(1))));
        assert_only(
            &r,
            Rule::ImpactStartAfterDeclaration,
            Some("impact.started_at"),
        );
        // Starting at the very moment of the declaration is not after it.
        s.accept(&with(&declare, "impact.started_at", json!(time(0))));
        r
    }

    pub fn severity_below_floor() -> Rejection {
        let mut s = Scenario::new(Sev3);
        let declare = with(
            &s.declare(),
            "impact.flags",
            json!(["degraded_feature", "major_feature_broken"]),
        );
        let r = s.reject(&declare);
        assert_only(&r, Rule::SeverityBelowFloor, Some("severity"));
        s.accept(&with(&declare, "severity", json!("SEV2")));
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

    pub fn update_required() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let mitigate = s.rollback();
        let r = s.reject(&without(&mitigate, "update"));
        assert_only(&r, Rule::UpdateRequired, Some("update"));
        s.accept(&mitigate);
        r
    }

    // ---- Roles ----

    pub fn commander_required() -> Rejection {
        let mut s = Scenario::new(Sev3);
        // Grace posts the first update, so that only the commander is missing.
        let declare = with(&s.declare(), "update.owner", json!("Grace"));
        let r = s.reject(&without(&declare, "roles.commander"));
        assert_only(&r, Rule::CommanderRequired, Some("roles.commander"));
        s.accept(&declare);
        r
    }

    pub fn sev1_needs_scribe() -> Rejection {
        let mut s = Scenario::new(Sev1);
        let declare = s.declare();
        let r = s.reject(&without(&declare, "roles.scribe"));
        assert_only(&r, Rule::Sev1NeedsScribe, Some("roles.scribe"));
        s.accept(&declare);
        r
    }

    pub fn sev1_scribe_not_commander() -> Rejection {
        let mut s = Scenario::new(Sev1);
        let declare = s.declare();
        let r = s.reject(&with(&declare, "roles.scribe", json!("Ada")));
        assert_only(&r, Rule::Sev1ScribeNotCommander, Some("roles.scribe"));
        s.accept(&declare);
        // Below SEV1 one person may hold several roles.
        let mut sev2 = Scenario::new(Sev2);
        let declare = sev2.declare();
        sev2.accept(&with(&declare, "roles.scribe", json!("Ada")));
        r
    }

    pub fn sev1_comms_by_engineering_lead() -> Rejection {
        let mut s = Scenario::new(Sev1);
        let declare = s.declare();
        let r = s.reject(&with(
            &declare,
            "roles.communications_owner",
            json!("Grace"),
        ));
        assert_only(
            &r,
            Rule::Sev1CommsByEngineeringLead,
            Some("roles.communications_owner"),
        );
        s.accept(&declare);
        r
    }

    // ---- Communications ----

    pub fn update_needs_next_update() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let update = s.post_update();
        let r = s.reject(&without(&update, "update.next_update"));
        assert_only(&r, Rule::UpdateNeedsNextUpdate, Some("update.next_update"));
        s.accept(&update);
        r
    }

    pub fn next_update_not_after_update() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let minute = s.clock;
        let update = s.post_update();
        let r = s.reject(&with(&update, "update.next_update", json!(time(minute))));
        assert_only(
            &r,
            Rule::NextUpdateNotAfterUpdate,
            Some("update.next_update"),
        );
        s.accept(&with(
            &update,
            "update.next_update",
            json!(time(minute + 1)),
        ));
        r
    }

    pub fn update_owner_not_assigned() -> Rejection {
        let mut s = Scenario::declared(Sev3);
        let update = s.post_update();
        let r = s.reject(&with(&update, "update.owner", json!("Margaret")));
        assert_only(&r, Rule::UpdateOwnerNotAssigned, Some("update.owner"));
        // Any role counts, not only the commander's.
        s.accept(&with(&update, "update.owner", json!("Grace")));
        r
    }

    pub fn update_status_mismatch() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let mitigate = s.rollback();
        let r = s.reject(&with(&mitigate, "update.status", json!("investigating")));
        assert_only(&r, Rule::UpdateStatusMismatch, Some("update.status"));
        s.accept(&with(&mitigate, "update.status", json!("mitigating")));
        r
    }

    // ---- Mitigation ----

    pub fn mitigate_before_rca() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let rca = s.record_root_cause();
        let r = s.reject(&rca);
        assert_only(&r, Rule::MitigateBeforeRca, Some("type"));
        s.run(Scenario::rollback);
        s.run(Scenario::record_root_cause);
        r
    }

    pub fn rollback_same_tag() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let rollback = s.rollback();
        let r = s.reject(&with(&rollback, "mitigation.to_tag", json!("2026.05.04-1")));
        assert_only(&r, Rule::RollbackSameTag, Some("mitigation.to_tag"));
        s.accept(&rollback);
        r
    }

    pub fn unknown_dependency() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let disable =
            s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Redis"}));
        let r = s.reject(&disable);
        assert_only(&r, Rule::UnknownDependency, Some("mitigation.dependency"));
        s.accept(&with(
            &disable,
            "mitigation.dependency",
            json!("Azure OpenAI"),
        ));
        r
    }

    pub fn dependency_not_optional() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let disable =
            s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Blob Storage"}));
        let r = s.reject(&disable);
        assert_only(
            &r,
            Rule::DependencyNotOptional,
            Some("mitigation.dependency"),
        );
        s.accept(&with(
            &disable,
            "mitigation.dependency",
            json!("Document Intelligence"),
        ));
        r
    }

    pub fn block_endpoint_risk_not_higher() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let block = s.block();
        let even = with(&block, "mitigation.security_risk", json!("medium"));
        let even = with(&even, "mitigation.availability_impact", json!("medium"));
        let r = s.reject(&even);
        assert_only(
            &r,
            Rule::BlockEndpointRiskNotHigher,
            Some("mitigation.security_risk"),
        );
        s.accept(&with(&even, "mitigation.security_risk", json!("high")));
        r
    }

    pub fn block_not_lifted() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        s.run(Scenario::block);
        s.run(Scenario::begin_monitoring);
        s.run(Scenario::resolve);
        let close = s.close();
        let r = s.reject(&close);
        assert_only(&r, Rule::BlockNotLifted, Some("blocked_endpoints"));
        s.run(Scenario::lift_block);
        s.run(Scenario::close);
        r
    }

    pub fn no_such_block() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        let lift = s.lift_block();
        let r = s.reject(&lift);
        assert_only(&r, Rule::NoSuchBlock, Some("endpoint"));
        s.run(Scenario::block);
        s.run(Scenario::lift_block);
        assert!(s.incident().blocked_endpoints().is_empty());
        r
    }

    // ---- Resolving ----

    pub fn resolve_from_monitoring() -> Rejection {
        let mut s = Scenario::triaged(Sev3);
        s.run(Scenario::rollback);
        let resolve = s.resolve();
        let r = s.reject(&resolve);
        assert_only(&r, Rule::ResolveFromMonitoring, Some("type"));
        s.run(Scenario::begin_monitoring);
        s.run(Scenario::resolve);
        r
    }

    pub fn verification_api_health() -> Rejection {
        let mut s = Scenario::in_phase(Sev3, Phase::Monitoring);
        let resolve = s.resolve();
        let r = s.reject(&with(&resolve, "verification.health.ready", json!(false)));
        assert_only(&r, Rule::VerificationApiHealth, Some("verification.health"));
        s.accept(&resolve);
        r
    }

    pub fn verification_endpoints() -> Rejection {
        let mut s = Scenario::in_phase(Sev1, Phase::Monitoring);
        let resolve = s.resolve();
        // One passing and one failing entry for the affected endpoint.
        let r = s.reject(&with(
            &resolve,
            "verification.endpoints",
            json!([{"path": "/api/documents", "ok": true},
                   {"path": "/api/documents", "ok": false}]),
        ));
        assert_only(
            &r,
            Rule::VerificationEndpoints,
            Some("verification.endpoints"),
        );
        // Extra entries for endpoints that were not affected are fine.
        s.accept(&with(
            &resolve,
            "verification.endpoints",
            json!([{"path": "/api/documents", "ok": true},
                   {"path": "/api/share", "ok": false}]),
        ));
        r
    }

    pub fn verification_frontend() -> Rejection {
        let mut s = Scenario::in_phase(Sev1, Phase::Monitoring);
        let resolve = s.resolve();
        let r = s.reject(&with(
            &resolve,
            "verification.frontend.workflow",
            json!(false),
        ));
        assert_only(
            &r,
            Rule::VerificationFrontend,
            Some("verification.frontend"),
        );
        s.accept(&resolve);
        r
    }

    pub fn verification_data() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Monitoring);
        let resolve = s.resolve();
        let r = s.reject(&without(&resolve, "verification.data"));
        assert_only(&r, Rule::VerificationData, Some("verification.data"));
        s.accept(&resolve);
        r
    }

    pub fn verification_dependencies() -> Rejection {
        let mut s = Scenario::in_phase(Sev1, Phase::Monitoring);
        let resolve = s.resolve();
        let r = s.reject(&with(
            &resolve,
            "verification.dependencies[0].ok",
            json!(false),
        ));
        assert_only(
            &r,
            Rule::VerificationDependencies,
            Some("verification.dependencies"),
        );
        s.accept(&resolve);
        r
    }

    pub fn triage_checks_missing() -> Rejection {
        let mut s = Scenario::declared(Sev2);
        for check in ["recent_deploys", "migrations", "provider_status", "logs"] {
            let c = s.record_check(check);
            s.accept(&c);
        }
        s.run(Scenario::add_note);
        s.run(Scenario::rollback);
        s.run(Scenario::begin_monitoring);
        let resolve = s.resolve();
        let r = s.reject(&resolve);
        assert_only(&r, Rule::TriageChecksMissing, Some("checks"));
        assert!(r.violations()[0].message().contains("health_endpoints"));
        let check = s.record_check("health_endpoints");
        s.accept(&check);
        s.run(Scenario::resolve);
        r
    }

    pub fn notes_required() -> Rejection {
        let mut s = Scenario::declared(Sev2);
        s.do_triage();
        s.run(Scenario::rollback);
        s.run(Scenario::begin_monitoring);
        let resolve = s.resolve();
        let r = s.reject(&resolve);
        assert_only(&r, Rule::NotesRequired, Some("notes"));
        s.run(Scenario::add_note);
        s.run(Scenario::resolve);
        r
    }

    // ---- Postmortem and closing ----

    pub fn postmortem_required() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let close = s.close();
        let r = s.reject(&close);
        assert_only(&r, Rule::PostmortemRequired, Some("postmortem"));
        // A draft is not enough; a published one is.
        let draft = s.submit_postmortem();
        s.accept(&with(&draft, "postmortem.status", json!("draft")));
        let close = s.close();
        assert_only(
            &s.reject(&close),
            Rule::PostmortemRequired,
            Some("postmortem"),
        );
        s.run(Scenario::submit_postmortem);
        s.run(Scenario::close);
        r
    }

    pub fn postmortem_incomplete() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let pm = without(&s.submit_postmortem(), "postmortem.what_did_not_work");
        let r = s.reject(&pm);
        assert_only(
            &r,
            Rule::PostmortemIncomplete,
            Some("postmortem.what_did_not_work"),
        );
        // In review, a postmortem may still be partial.
        s.accept(&with(&pm, "postmortem.status", json!("in_review")));
        r
    }

    pub fn postmortem_severity_mismatch() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let pm = s.submit_postmortem();
        let r = s.reject(&with(&pm, "postmortem.severity", json!("SEV3")));
        assert_only(
            &r,
            Rule::PostmortemSeverityMismatch,
            Some("postmortem.severity"),
        );
        s.accept(&pm);
        r
    }

    pub fn postmortem_timeline_unordered() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let pm = s.submit_postmortem();
        let r = s.reject(&with(&pm, "postmortem.timeline[1].at", json!(time(-6))));
        assert_only(
            &r,
            Rule::PostmortemTimelineUnordered,
            Some("postmortem.timeline[1].at"),
        );
        // Entries at the same time are in order.
        s.accept(&with(&pm, "postmortem.timeline[1].at", json!(time(-5))));
        r
    }

    pub fn action_item_incomplete() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let pm = s.submit_postmortem();
        let r = s.reject(&without(&pm, "postmortem.action_items[0].owner"));
        assert_only(
            &r,
            Rule::ActionItemIncomplete,
            Some("postmortem.action_items[0].owner"),
        );
        s.accept(&pm);
        r
    }

    pub fn action_item_due_before_incident() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let pm = s.submit_postmortem();
        let r = s.reject(&with(
            &pm,
            "postmortem.action_items[0].due",
            json!("2026-05-03"),
        ));
        assert_only(
            &r,
            Rule::ActionItemDueBeforeIncident,
            Some("postmortem.action_items[0].due"),
        );
        // Due on the day of the declaration is fine.
        s.accept(&with(
            &pm,
            "postmortem.action_items[0].due",
            json!("2026-05-04"),
        ));
        r
    }

    pub fn guardrail_action_missing() -> Rejection {
        let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
        let pm = without(
            &s.submit_postmortem(),
            "postmortem.action_items[0].guardrail",
        );
        let r = s.reject(&pm);
        assert_only(
            &r,
            Rule::GuardrailActionMissing,
            Some("postmortem.action_items"),
        );
        // No missing guardrail, no guardrail action owed.
        s.accept(&with(&pm, "postmortem.missing_guardrail", json!(false)));
        r
    }

    // ---- Snapshots ----

    pub fn snapshot_history_mismatch() -> Rejection {
        let s = Scenario::in_phase(Sev3, Phase::Closed);
        let snapshot = serde_json::to_value(s.incident()).unwrap();
        let tampered = with(&snapshot, "title", json!("Nothing happened"));
        let r = load(&tampered).unwrap_err();
        assert_only(&r, Rule::SnapshotHistoryMismatch, Some("title"));
        assert_eq!(load(&snapshot).unwrap(), *s.incident());
        r
    }
}

/// Loads a snapshot written as JSON under the default playbook.
fn load(snapshot: &Value) -> Result<Incident, Rejection> {
    let snapshot: Snapshot = serde_json::from_value(snapshot.clone()).unwrap();
    Incident::load(snapshot, &Playbook::default())
}

/// Lists each rule's trigger once: `trigger` for the meta-test, and one test
/// per rule, named after it.
macro_rules! rule_cases {
    ($($rule:ident => $case:ident,)*) => {
        /// The command (or snapshot) that breaks `rule`; `None` for a rule
        /// that has no trigger yet.
        fn trigger(rule: Rule) -> Option<Rejection> {
            match rule {
                $(Rule::$rule => Some(cases::$case()),)*
                _ => None,
            }
        }

        mod rule {
            use super::*;
            $(
                #[test]
                fn $case() {
                    let rejection = cases::$case();
                    assert!(rejection.breaks(Rule::$rule), "{rejection:#?}");
                    assert_eq!(Rule::$rule.id(), stringify!($case).replace('_', "-"));
                }
            )*
        }
    };
}

rule_cases! {
    MalformedInput => malformed_input,
    NotDeclared => not_declared,
    AlreadyDeclared => already_declared,
    IncidentClosed => incident_closed,
    NotAllowedInPhase => not_allowed_in_phase,
    TimestampRegressed => timestamp_regressed,
    VersionConflict => version_conflict,
    CommandIdReused => command_id_reused,
    FieldEmpty => field_empty,
    FieldTooLong => field_too_long,
    ImpactIncomplete => impact_incomplete,
    ImpactStartAfterDeclaration => impact_start_after_declaration,
    SeverityBelowFloor => severity_below_floor,
    SeverityUnchanged => severity_unchanged,
    UpdateRequired => update_required,
    CommanderRequired => commander_required,
    Sev1NeedsScribe => sev1_needs_scribe,
    Sev1ScribeNotCommander => sev1_scribe_not_commander,
    Sev1CommsByEngineeringLead => sev1_comms_by_engineering_lead,
    UpdateNeedsNextUpdate => update_needs_next_update,
    NextUpdateNotAfterUpdate => next_update_not_after_update,
    UpdateOwnerNotAssigned => update_owner_not_assigned,
    UpdateStatusMismatch => update_status_mismatch,
    MitigateBeforeRca => mitigate_before_rca,
    RollbackSameTag => rollback_same_tag,
    UnknownDependency => unknown_dependency,
    DependencyNotOptional => dependency_not_optional,
    BlockEndpointRiskNotHigher => block_endpoint_risk_not_higher,
    BlockNotLifted => block_not_lifted,
    NoSuchBlock => no_such_block,
    ResolveFromMonitoring => resolve_from_monitoring,
    VerificationApiHealth => verification_api_health,
    VerificationEndpoints => verification_endpoints,
    VerificationFrontend => verification_frontend,
    VerificationData => verification_data,
    VerificationDependencies => verification_dependencies,
    TriageChecksMissing => triage_checks_missing,
    NotesRequired => notes_required,
    PostmortemRequired => postmortem_required,
    PostmortemIncomplete => postmortem_incomplete,
    PostmortemSeverityMismatch => postmortem_severity_mismatch,
    PostmortemTimelineUnordered => postmortem_timeline_unordered,
    ActionItemIncomplete => action_item_incomplete,
    ActionItemDueBeforeIncident => action_item_due_before_incident,
    GuardrailActionMissing => guardrail_action_missing,
    SnapshotHistoryMismatch => snapshot_history_mismatch,
}

#[test]
fn every_rule_of_the_catalogue_has_a_trigger() {
    let mut untested = Vec::new();
    for &rule in Rule::ALL {
        match trigger(rule) {
            Some(rejection) => assert!(
                rejection.breaks(rule),
                "the trigger of {rule} does not break it: {rejection:#?}"
            ),
            None => untested.push(rule.id()),
        }
    }
    assert!(untested.is_empty(), "rules without a trigger: {untested:?}");
}

// ---- Which check comes first ----

/// `base` (a well-formed command) with `edit` applied, as a line.
fn malformed(base: &Value, edit: impl FnOnce(&mut Value)) -> String {
    parse(base);
    let mut v = base.clone();
    edit(&mut v);
    v.to_string()
}

/// `base` as a line with `extra` (`"key": value`) added at the end of the
/// object: how a duplicate key is written, which a `Value` cannot hold.
fn with_raw(base: &Value, extra: &str) -> String {
    parse(base);
    let line = base.to_string();
    format!("{},{extra}}}", &line[..line.len() - 1])
}

/// Lines that are not well-formed commands for `s`'s incident, each built
/// from a valid command by one change, with what the change is.
fn malformed_lines(s: &mut Scenario) -> Vec<(&'static str, String)> {
    let note = s.add_note();
    let update = s.post_update();
    let change = s.change_severity(Severity::Sev2);
    let assign = s.assign_role("scribe", "Ken");
    let check = s.record_check("logs");
    let block = s.block();
    let rollback = s.rollback();
    let impact = s.command(
        "update_impact",
        json!({"impact": impact(Severity::Sev3, true)}),
    );
    let resolve = s.command(
        "resolve",
        json!({"verification": {"health": {"live": true, "ready": true, "status": true}},
               "update": s.update_at(s.clock, Some(Phase::Resolved))}),
    );
    let pm = s.command(
        "submit_postmortem",
        json!({"postmortem": postmortem(Severity::Sev2)}),
    );
    let owner_pair = "\"owner\":\"Ada\"";
    vec![
        ("not JSON", "{\"type\": \"add_note\",".to_owned()),
        ("JSON but not an object", "[\"add_note\"]".to_owned()),
        ("a duplicate key", with_raw(&note, "\"text\":\"again\"")),
        (
            "a duplicate `type`",
            with_raw(&note, "\"type\":\"add_note\""),
        ),
        (
            "a duplicate key inside the update, same value",
            update
                .to_string()
                .replace(owner_pair, &format!("{owner_pair},{owner_pair}")),
        ),
        ("an unknown field", with_raw(&note, "\"txt\":\"Typo\"")),
        (
            "an unknown field inside the update",
            malformed(&update, |v| v["update"]["ownr"] = json!("Ada")),
        ),
        (
            "a field of another command type",
            with_raw(&note, "\"title\":\"x\""),
        ),
        (
            "a field of another command type, null",
            with_raw(&note, "\"title\":null"),
        ),
        ("no type", malformed(&note, |v| remove(v, "type"))),
        (
            "an unknown type",
            malformed(&note, |v| v["type"] = json!("add_comment")),
        ),
        (
            "type not a string",
            malformed(&note, |v| v["type"] = json!(7)),
        ),
        (
            "no incident_id",
            malformed(&note, |v| remove(v, "incident_id")),
        ),
        (
            "incident_id not a UUID",
            malformed(&note, |v| v["incident_id"] = json!("INC-42")),
        ),
        (
            "incident_id without hyphens",
            malformed(&note, |v| {
                v["incident_id"] = json!(INCIDENT.replace('-', ""));
            }),
        ),
        (
            "no command_id",
            malformed(&note, |v| remove(v, "command_id")),
        ),
        (
            "command_id not a UUID",
            malformed(&note, |v| v["command_id"] = json!("42")),
        ),
        ("no at", malformed(&note, |v| remove(v, "at"))),
        (
            "at without an offset",
            malformed(&note, |v| v["at"] = json!("2026-05-04T09:30:00")),
        ),
        (
            "at a date only",
            malformed(&note, |v| v["at"] = json!("2026-05-04")),
        ),
        (
            "at a number",
            malformed(&note, |v| v["at"] = json!(1_777_885_500)),
        ),
        (
            "expected_version a string",
            malformed(&note, |v| v["expected_version"] = json!("3")),
        ),
        (
            "expected_version negative",
            malformed(&note, |v| v["expected_version"] = json!(-1)),
        ),
        (
            "expected_version a fraction",
            malformed(&note, |v| v["expected_version"] = json!(1.5)),
        ),
        ("text a number", malformed(&note, |v| v["text"] = json!(42))),
        (
            "update a string",
            malformed(&update, |v| v["update"] = json!("all fine")),
        ),
        (
            "an unknown severity",
            malformed(&change, |v| v["severity"] = json!("SEV5")),
        ),
        (
            "a severity in lower case",
            malformed(&change, |v| v["severity"] = json!("sev2")),
        ),
        (
            "an unknown impact flag",
            malformed(&impact, |v| v["impact"]["flags"] = json!(["meteor_strike"])),
        ),
        (
            "an unknown surface",
            malformed(&impact, |v| v["impact"]["surfaces"] = json!(["mobile"])),
        ),
        (
            "user_impact_active a string",
            malformed(&impact, |v| {
                v["impact"]["user_impact_active"] = json!("yes");
            }),
        ),
        (
            "started_at not a timestamp",
            malformed(&impact, |v| v["impact"]["started_at"] = json!("yesterday")),
        ),
        (
            "an unknown role",
            malformed(&assign, |v| v["role"] = json!("janitor")),
        ),
        (
            "an unknown triage check",
            malformed(&check, |v| v["check"] = json!("dns")),
        ),
        (
            "a severity in the update (it is the incident's, never sent)",
            malformed(&update, |v| v["update"]["severity"] = json!("SEV3")),
        ),
        (
            "an unknown update status",
            malformed(&update, |v| v["update"]["status"] = json!("fixed")),
        ),
        (
            "next_update not a timestamp",
            malformed(&update, |v| v["update"]["next_update"] = json!("soon")),
        ),
        (
            "an unknown risk level",
            malformed(&block, |v| {
                v["mitigation"]["security_risk"] = json!("extreme");
            }),
        ),
        (
            "an unknown mitigation kind",
            malformed(&rollback, |v| v["mitigation"]["kind"] = json!("reboot")),
        ),
        (
            "a mitigation field of another kind",
            malformed(&rollback, |v| v["mitigation"]["endpoint"] = json!("/api")),
        ),
        (
            "a health check a string",
            malformed(&resolve, |v| {
                v["verification"]["health"]["live"] = json!("true");
            }),
        ),
        (
            "an unknown guardrail",
            malformed(&pm, |v| {
                v["postmortem"]["action_items"][0]["guardrail"] = json!("wiki");
            }),
        ),
        (
            "an unknown postmortem status",
            malformed(&pm, |v| v["postmortem"]["status"] = json!("final")),
        ),
        (
            "an unknown action item status",
            malformed(&pm, |v| {
                v["postmortem"]["action_items"][0]["status"] = json!("blocked");
            }),
        ),
        (
            "a due date not a date",
            malformed(&pm, |v| {
                v["postmortem"]["action_items"][0]["due"] = json!("May 20");
            }),
        ),
    ]
}

#[test]
fn malformed_input_is_reported_alone_before_any_other_check() {
    // To a closed incident (every well-formed command is `incident-closed`)
    // and to one never declared (`not-declared`): the line is malformed first.
    for mut s in [
        Scenario::in_phase(Severity::Sev2, Phase::Closed),
        Scenario::new(Severity::Sev2),
    ] {
        for (what, line) in malformed_lines(&mut s) {
            let refused = s.reject_line(&line);
            assert_eq!(
                refused.rejection.violations().len(),
                1,
                "{what}: {:#?}",
                refused.rejection
            );
            assert_at(&refused.rejection, Rule::MalformedInput, None);
        }
    }
}

#[test]
fn a_line_that_is_malformed_and_breaks_rules_is_only_malformed() {
    let mut s = Scenario::new(Severity::Sev1);
    // No scribe, no impact feature, and an unknown field.
    let declare = without(&without(&s.declare(), "roles.scribe"), "impact.feature");
    let refused = s.reject_line(&with_raw(&declare, "\"priority\":\"P1\""));
    assert_only(&refused.rejection, Rule::MalformedInput, None);
    // The ids are still read off the line for the report.
    assert_eq!(refused.incident_id, Some(s.id));
    assert_eq!(
        refused.command_id.map(|id| id.to_string()),
        declare["command_id"].as_str().map(str::to_owned)
    );
}

#[test]
fn an_exact_duplicate_is_accepted_before_any_other_check() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare_now();
    // Redelivered while open: a duplicate, not `already-declared`.
    s.duplicate(&declare);
    let note = with(&s.add_note(), "expected_version", json!(1));
    s.accept(&note);
    let rollback = s.run(Scenario::rollback);
    let monitoring = s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.run(Scenario::close);
    assert_eq!(s.version(), 6);

    // After the close every other check would refuse these: the incident is
    // closed, their `at` is earlier than the last command, the note expects
    // version 1, and begin_monitoring is no longer allowed in the phase.
    for cmd in [&declare, &note, &rollback, &monitoring, &close] {
        s.duplicate(cmd);
    }
    assert_eq!(s.version(), 6);
    assert_eq!(s.incident().history().len(), 6);
}

#[test]
fn a_duplicate_is_the_same_command_however_the_json_is_written() {
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.run(Scenario::add_note);
    // Keys in another order.
    let fields: Vec<String> = note
        .as_object()
        .unwrap()
        .iter()
        .rev()
        .map(|(k, v)| format!("{}:{v}", json!(k)))
        .collect();
    let reordered = format!("{{{}}}", fields.join(","));
    assert_eq!(
        s.desk.handle_json(&reordered),
        Ok(Outcome::Duplicate { version: 2 })
    );
    // `null` on an optional field means absent.
    s.duplicate(&with(&note, "expected_version", Value::Null));
    // The crate compares commands as read, so the same instant written with
    // another offset is the same `at` (crate's choice; RULES.md says "the
    // whole command equal").
    s.duplicate(&with(&note, "at", json!("2026-05-04T11:06:00+02:00")));
    // A difference in content is not a duplicate.
    let r = s.reject(&with(&note, "text", json!("Something else")));
    assert_only(&r, Rule::CommandIdReused, Some("command_id"));
}

#[test]
fn a_rejected_command_sent_again_is_checked_again_from_scratch() {
    let mut s = Scenario::declared(Severity::Sev2);
    s.do_triage();
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    let first = s.reject(&resolve);
    assert_only(&first, Rule::NotesRequired, Some("notes"));
    // Sent again unchanged: checked again (not taken for a duplicate).
    assert_eq!(s.reject(&resolve), first);
    // Its id was never accepted: once the note is there (at the same time,
    // which is in order), the very same command is accepted.
    let note = with(&s.add_note(), "at", resolve["at"].clone());
    s.accept(&note);
    s.accept(&resolve);
    s.duplicate(&resolve);
}

#[test]
fn a_rejected_command_id_is_free_for_another_command() {
    let mut s = Scenario::declared(Severity::Sev3);
    let bad = with(&s.add_note(), "text", json!(""));
    assert_only(&s.reject(&bad), Rule::FieldEmpty, Some("text"));
    let other = with(&s.add_note(), "command_id", bad["command_id"].clone());
    s.accept(&other);
}

#[test]
fn command_ids_are_unique_per_incident_only() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare_now();
    let note = s.run(Scenario::add_note);
    // Another incident's commands may carry the same ids.
    for (cmd, version) in [(&declare, 1), (&note, 2)] {
        let theirs = with(cmd, "incident_id", json!(OTHER_INCIDENT));
        assert_eq!(
            s.desk.handle(parse(&theirs)),
            Ok(Outcome::Applied { version })
        );
    }
    assert_eq!(s.version(), 2);
    assert_eq!(s.desk.len(), 2);
}

#[test]
fn not_declared_already_declared_and_incident_closed_are_reported_alone() {
    // not-declared, though the note is also blank and expects version 7.
    let mut s = Scenario::new(Severity::Sev3);
    let note = with(&s.add_note(), "text", json!(""));
    let note = with(&note, "expected_version", json!(7));
    assert_only(&s.reject(&note), Rule::NotDeclared, Some("incident_id"));

    // already-declared, though the second declaration is also at SEV1
    // without SEV1's roles, earlier than the last command, expecting version
    // 9, reusing an accepted command id, and without its next update.
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.run(Scenario::add_note);
    let again = with(&s.declare(), "severity", json!("SEV1"));
    let again = with(&again, "at", json!(time(-30)));
    let again = with(&again, "expected_version", json!(9));
    let again = with(&again, "command_id", note["command_id"].clone());
    let again = without(&again, "update.next_update");
    assert_only(
        &s.reject(&again),
        Rule::AlreadyDeclared,
        Some("incident_id"),
    );

    // incident-closed, though the update is also late, expects version 1,
    // reuses the note's id, has no next update and an owner with no role.
    let mut s = Scenario::in_phase(Severity::Sev3, Phase::Closed);
    let note_id = s.incident().history()[1].command_id.to_string();
    let update = s.post_update();
    let update = with(&update, "at", json!(time(0)));
    let update = with(&update, "expected_version", json!(1));
    let update = with(&update, "command_id", json!(note_id));
    let update = without(&update, "update.next_update");
    let update = with(&update, "update.owner", json!("Nobody"));
    assert_only(&s.reject(&update), Rule::IncidentClosed, None);
    // A new declare for a closed incident is `incident-closed` too (crate's
    // choice: the closed incident is named before the second declaration).
    let declare = s.declare();
    assert_only(&s.reject(&declare), Rule::IncidentClosed, None);
}

#[test]
fn everything_else_is_checked_and_every_violation_listed() {
    let mut s = Scenario::declared(Severity::Sev3);
    let declare_id = s.incident().history()[0].command_id.to_string();
    let update = s.post_update();
    let update = with(&update, "command_id", json!(declare_id));
    let update = with(&update, "at", json!(time(-1)));
    let update = with(&update, "expected_version", json!(3));
    let update = with(&update, "update.status", json!("monitoring"));
    let update = with(&update, "update.impact", json!("  "));
    let update = without(&update, "update.next_update");
    let update = with(&update, "update.owner", json!("Margaret"));
    let r = s.reject(&update);
    assert_exactly(
        &r,
        &[
            (Rule::CommandIdReused, Some("command_id")),
            (Rule::TimestampRegressed, Some("at")),
            (Rule::VersionConflict, Some("expected_version")),
            (Rule::UpdateStatusMismatch, Some("update.status")),
            (Rule::FieldEmpty, Some("update.impact")),
            (Rule::UpdateNeedsNextUpdate, Some("update.next_update")),
            (Rule::UpdateOwnerNotAssigned, Some("update.owner")),
        ],
    );
    // The short report names the first.
    assert_eq!(r.rule(), r.violations()[0].rule());
}

#[test]
fn a_declaration_lists_every_rule_it_breaks() {
    let mut s = Scenario::new(Severity::Sev1);
    let declare = s.declare();
    let declare = without(&declare, "title");
    let declare = with(&declare, "expected_version", json!(2));
    let declare = with(&declare, "impact.started_at", json!(time(3)));
    let declare = with(&declare, "roles.scribe", json!("Ada"));
    let declare = without(&declare, "roles.engineering_lead");
    let declare = with(&declare, "update.owner", json!("Zed"));
    let declare = with(&declare, "update.next_update", json!(time(0)));
    let r = s.reject(&declare);
    assert_exactly(
        &r,
        &[
            (Rule::FieldEmpty, Some("title")),
            (Rule::VersionConflict, Some("expected_version")),
            (Rule::ImpactStartAfterDeclaration, Some("impact.started_at")),
            (Rule::Sev1ScribeNotCommander, Some("roles.scribe")),
            (
                Rule::Sev1CommsByEngineeringLead,
                Some("roles.engineering_lead"),
            ),
            (Rule::UpdateOwnerNotAssigned, Some("update.owner")),
            (Rule::NextUpdateNotAfterUpdate, Some("update.next_update")),
        ],
    );
    assert!(s.desk.is_empty());
}

#[test]
fn a_command_not_allowed_in_the_phase_is_checked_further() {
    let mut s = Scenario::triaged(Severity::Sev3);
    let monitor = without(&s.begin_monitoring(), "update");
    assert_exactly(
        &s.reject(&monitor),
        &[
            (Rule::NotAllowedInPhase, Some("type")),
            (Rule::UpdateRequired, Some("update")),
        ],
    );
}

#[test]
fn the_severity_floor_is_checked_even_when_the_impact_is_incomplete() {
    // The flags alone say the floor; a missing feature does not hide it.
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "impact.flags", json!(["broad_outage"]));
    let declare = without(&declare, "impact.feature");
    let declare = with(&declare, "impact.started_at", json!(time(2)));
    assert_exactly(
        &s.reject(&declare),
        &[
            (Rule::ImpactIncomplete, Some("impact.feature")),
            (Rule::ImpactStartAfterDeclaration, Some("impact.started_at")),
            (Rule::SeverityBelowFloor, Some("severity")),
        ],
    );
    // The same in update_impact and in change_severity's new impact.
    let mut s = Scenario::declared(Severity::Sev3);
    let update = s.update_impact();
    let update = with(&update, "impact.flags", json!(["data_loss"]));
    let update = with(&update, "impact.users", json!(""));
    assert_exactly(
        &s.reject(&update),
        &[
            (Rule::ImpactIncomplete, Some("impact.users")),
            (Rule::SeverityBelowFloor, Some("impact.flags")),
        ],
    );
    let change = s.change_severity(Severity::Sev2);
    let change = with(&change, "impact.flags", json!(["security_incident"]));
    let change = without(&change, "impact.environment");
    assert_exactly(
        &s.reject(&change),
        &[
            (Rule::ImpactIncomplete, Some("impact.environment")),
            (Rule::SeverityBelowFloor, Some("severity")),
        ],
    );
}

#[test]
fn resolving_with_active_user_impact_before_monitoring_is_resolve_from_monitoring() {
    let mut s = Scenario::triaged(Severity::Sev3);
    let resolve = s.resolve();
    assert_only(
        &s.reject(&resolve),
        Rule::ResolveFromMonitoring,
        Some("type"),
    );
    s.run(Scenario::rollback);
    let resolve = s.resolve();
    assert_only(
        &s.reject(&resolve),
        Rule::ResolveFromMonitoring,
        Some("type"),
    );
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    // From resolved, resolving again is simply not allowed.
    let resolve = s.resolve();
    assert_only(&s.reject(&resolve), Rule::NotAllowedInPhase, Some("type"));

    // Without active user impact, any open phase resolves.
    let mut calm = Scenario::declared_with(Severity::Sev3, false);
    calm.run(Scenario::resolve);
    let mut calm = Scenario::declared_with(Severity::Sev3, false);
    calm.run(Scenario::rollback);
    calm.run(Scenario::resolve);

    // User impact as last set by update_impact …
    let mut s = Scenario::triaged(Severity::Sev3);
    let over = with(
        &s.update_impact(),
        "impact.user_impact_active",
        json!(false),
    );
    s.accept(&over);
    s.run(Scenario::resolve);
    // … or by change_severity.
    let mut s = Scenario::triaged(Severity::Sev3);
    let mut change = s.change_severity(Severity::Sev2);
    set(&mut change, "impact.user_impact_active", json!(false));
    s.accept(&change);
    assert!(!s.incident().impact().user_impact_active());
    s.do_triage();
    s.run(Scenario::resolve);
}

// ---- Missing parts that name a rule ----

/// A scenario in which `kind` is allowed, and a valid command of that kind.
fn allowed(kind: CommandKind, severity: Severity) -> (Scenario, Value) {
    let phase = match kind {
        CommandKind::BeginMonitoring | CommandKind::ResumeInvestigation => Phase::Mitigating,
        CommandKind::Resolve => Phase::Monitoring,
        CommandKind::Reopen | CommandKind::SubmitPostmortem | CommandKind::Close => Phase::Resolved,
        _ => Phase::Investigating,
    };
    let mut s = if kind == CommandKind::Declare {
        Scenario::new(severity)
    } else {
        Scenario::in_phase(severity, phase)
    };
    let cmd = s.valid(kind);
    (s, cmd)
}

/// Every command that carries a comms update.
const WITH_UPDATE: [CommandKind; 8] = [
    CommandKind::Declare,
    CommandKind::PostUpdate,
    CommandKind::ChangeSeverity,
    CommandKind::StartMitigation,
    CommandKind::BeginMonitoring,
    CommandKind::ResumeInvestigation,
    CommandKind::Resolve,
    CommandKind::Reopen,
];

#[test]
fn a_missing_or_null_update_is_update_required() {
    for kind in WITH_UPDATE {
        let (mut s, cmd) = allowed(kind, Severity::Sev3);
        for broken in [without(&cmd, "update"), with(&cmd, "update", Value::Null)] {
            let r = s.reject(&broken);
            assert_only(&r, Rule::UpdateRequired, Some("update"));
        }
        s.accept(&cmd);
    }
}

#[test]
fn a_missing_or_null_impact_is_impact_incomplete() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for broken in [
        without(&declare, "impact"),
        with(&declare, "impact", Value::Null),
    ] {
        assert_only(&s.reject(&broken), Rule::ImpactIncomplete, Some("impact"));
    }
    s.accept(&declare);
    let update = s.update_impact();
    for broken in [
        without(&update, "impact"),
        with(&update, "impact", Value::Null),
    ] {
        assert_only(&s.reject(&broken), Rule::ImpactIncomplete, Some("impact"));
    }
    s.accept(&update);
}

#[test]
fn missing_or_null_roles_are_commander_required() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for broken in [
        without(&declare, "roles"),
        with(&declare, "roles", Value::Null),
        with(&declare, "roles", json!({})),
    ] {
        // Without roles, the update's owner holds none either.
        assert_exactly(
            &s.reject(&broken),
            &[
                (Rule::CommanderRequired, Some("roles.commander")),
                (Rule::UpdateOwnerNotAssigned, Some("update.owner")),
            ],
        );
    }
    s.accept(&declare);
}

#[test]
fn a_missing_or_null_verification_check_fails_its_rule() {
    let mut s = Scenario::in_phase(Severity::Sev1, Phase::Monitoring);
    let resolve = s.resolve();
    // No verification at all: every check the SEV1 impact needs fails.
    for broken in [
        without(&resolve, "verification"),
        with(&resolve, "verification", Value::Null),
        with(&resolve, "verification", json!({})),
    ] {
        assert_exactly(
            &s.reject(&broken),
            &[
                (Rule::VerificationApiHealth, Some("verification.health")),
                (Rule::VerificationEndpoints, Some("verification.endpoints")),
                (Rule::VerificationFrontend, Some("verification.frontend")),
                (
                    Rule::VerificationDependencies,
                    Some("verification.dependencies"),
                ),
            ],
        );
    }
    // One check missing or null.
    let one = |path: &str, rule: Rule, at: &str, s: &mut Scenario| {
        for broken in [without(&resolve, path), with(&resolve, path, Value::Null)] {
            assert_only(&s.reject(&broken), rule, Some(at));
        }
    };
    for path in [
        "verification.health",
        "verification.health.live",
        "verification.health.ready",
        "verification.health.status",
    ] {
        one(
            path,
            Rule::VerificationApiHealth,
            "verification.health",
            &mut s,
        );
    }
    one(
        "verification.endpoints",
        Rule::VerificationEndpoints,
        "verification.endpoints",
        &mut s,
    );
    one(
        "verification.endpoints[0].ok",
        Rule::VerificationEndpoints,
        "verification.endpoints",
        &mut s,
    );
    for path in [
        "verification.frontend",
        "verification.frontend.app_loaded",
        "verification.frontend.login",
        "verification.frontend.workflow",
    ] {
        one(
            path,
            Rule::VerificationFrontend,
            "verification.frontend",
            &mut s,
        );
    }
    one(
        "verification.dependencies[0].ok",
        Rule::VerificationDependencies,
        "verification.dependencies",
        &mut s,
    );
    s.accept(&resolve);

    // Data: the SEV2 impact shows in `data`.
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Monitoring);
    let resolve = s.resolve();
    for check in [
        "no_unauthorized_access",
        "no_failed_migration",
        "no_duplicate_processing",
        "no_partial_delete",
    ] {
        let path = format!("verification.data.{check}");
        for broken in [without(&resolve, &path), with(&resolve, &path, Value::Null)] {
            assert_only(
                &s.reject(&broken),
                Rule::VerificationData,
                Some("verification.data"),
            );
        }
    }
    s.accept(&resolve);
}

#[test]
fn data_flags_need_the_data_checks_without_a_data_surface() {
    // data_exposure on the API only: the data checks are still owed.
    let mut s = Scenario::new(Severity::Sev1);
    let declare = with(&s.declare(), "impact.flags", json!(["data_exposure"]));
    s.accept(&declare);
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::block);
    s.run(Scenario::begin_monitoring);
    let resolve = s.resolve();
    assert!(resolve["verification"]["data"].is_object());
    let r = s.reject(&without(&resolve, "verification.data"));
    assert_only(&r, Rule::VerificationData, Some("verification.data"));
    s.accept(&resolve);
}

#[test]
fn null_on_an_optional_field_means_absent() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let declare = with(&declare, "expected_version", Value::Null);
    let declare = with(&declare, "update.status", Value::Null);
    let declare = with(&declare, "impact.user_impact_active", Value::Null);
    let declare = with(&declare, "impact.surfaces", Value::Null);
    let declare = with(&declare, "impact.affected_endpoints", Value::Null);
    let declare = with(&declare, "roles.scribe", Value::Null);
    s.accept(&declare);
    let impact = s.incident().impact();
    assert!(
        impact.user_impact_active(),
        "user_impact_active defaults to true"
    );
    assert!(impact.surfaces().is_empty());
    assert!(s.incident().roles().get(Role::Scribe).is_none());

    // change_severity: no new roles, no new impact; a `null` role keeps its holder.
    let change = s.change_severity(Severity::Sev2);
    let change = with(&change, "impact", Value::Null);
    let change = with(
        &change,
        "roles",
        json!({"commander": null, "scribe": "Ken"}),
    );
    s.accept(&change);
    assert_eq!(s.incident().roles().commander().as_str(), "Ada");
    assert_eq!(
        s.incident().impact().feature().as_str(),
        "Document processing"
    );
}

#[test]
fn other_missing_parts_are_the_crates_choice() {
    // RULES.md names no rule for these: a missing non-text field that the
    // command cannot be read without is malformed input.
    let mut s = Scenario::triaged(Severity::Sev3);
    let cases = [
        without(&s.change_severity(Severity::Sev2), "severity"),
        without(&s.assign_role("scribe", "Ken"), "role"),
        without(&s.unassign_role("technical_lead"), "role"),
        without(&s.record_check("logs"), "check"),
        without(&s.rollback(), "mitigation"),
        without(&s.block(), "mitigation.security_risk"),
        without(&s.declare(), "severity"),
    ];
    for cmd in cases {
        let r = s.reject_line(&cmd.to_string()).rejection;
        assert_only(&r, Rule::MalformedInput, None);
    }
    // A missing required text is `field-empty` at its path.
    let texts = [
        (
            without(&s.change_severity(Severity::Sev2), "reason"),
            "reason",
        ),
        (without(&s.assign_role("scribe", "Ken"), "person"), "person"),
        (without(&s.record_check("logs"), "finding"), "finding"),
        (without(&s.add_note(), "text"), "text"),
        (without(&s.lift_block(), "endpoint"), "endpoint"),
        (
            without(&s.rollback(), "mitigation.from_tag"),
            "mitigation.from_tag",
        ),
        (without(&s.post_update(), "update.action"), "update.action"),
        (without(&s.post_update(), "update.owner"), "update.owner"),
    ];
    for (cmd, path) in texts {
        assert_only(&s.reject(&cmd), Rule::FieldEmpty, Some(path));
    }
}

// ---- Reporting: missing, null and blank values a rule demands ----

/// The ways a required value can be absent: missing, `null`, empty, blank.
fn absent(cmd: &Value, path: &str) -> [(&'static str, Value); 4] {
    [
        ("missing", without(cmd, path)),
        ("null", with(cmd, path, Value::Null)),
        ("empty", with(cmd, path, json!(""))),
        ("blank", with(cmd, path, json!(" \t\n"))),
    ]
}

#[test]
fn the_four_impact_fields_are_impact_incomplete_missing_null_or_blank() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for field in ["environment", "users", "feature", "started_at"] {
        let path = format!("impact.{field}");
        for (how, broken) in absent(&declare, &path) {
            let r = s.reject(&broken);
            assert_eq!(r.violations().len(), 1, "{path} {how}: {r:#?}");
            assert_at(&r, Rule::ImpactIncomplete, Some(&path));
        }
    }
    s.accept(&declare);
    let update = s.update_impact();
    let change = s.change_severity(Severity::Sev2);
    for cmd in [update, change] {
        for field in ["environment", "users", "feature", "started_at"] {
            let path = format!("impact.{field}");
            for (how, broken) in absent(&cmd, &path) {
                let r = s.reject(&broken);
                assert_eq!(r.violations().len(), 1, "{path} {how}: {r:#?}");
                assert_at(&r, Rule::ImpactIncomplete, Some(&path));
            }
        }
    }
}

#[test]
fn an_action_items_action_owner_and_due_are_action_item_incomplete_missing_null_or_blank() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let mut pm = s.submit_postmortem();
    // Break the second item, so that the path names it.
    let second = json!({"action": "Alert on upload error rate", "owner": "Ken",
                        "due": "2026-05-30", "guardrail": "dashboard"});
    pm["postmortem"]["action_items"]
        .as_array_mut()
        .unwrap()
        .push(second);
    for field in ["action", "owner", "due"] {
        let path = format!("postmortem.action_items[1].{field}");
        for (how, broken) in absent(&pm, &path) {
            let r = s.reject(&broken);
            assert_eq!(r.violations().len(), 1, "{path} {how}: {r:#?}");
            assert_at(&r, Rule::ActionItemIncomplete, Some(&path));
        }
    }
    s.accept(&pm);
    // An action item's status defaults to open.
    let item = &s.incident().postmortem().unwrap().action_items()[1];
    assert_eq!(item.status, ActionStatus::Open);
}

#[test]
fn next_update_is_update_needs_next_update_missing_null_or_blank() {
    for kind in WITH_UPDATE {
        if kind == CommandKind::Resolve {
            continue;
        }
        let (mut s, cmd) = allowed(kind, Severity::Sev3);
        for (how, broken) in absent(&cmd, "update.next_update") {
            let r = s.reject(&broken);
            assert_eq!(r.violations().len(), 1, "{kind} {how}: {r:#?}");
            assert_at(&r, Rule::UpdateNeedsNextUpdate, Some("update.next_update"));
        }
        s.accept(&cmd);
    }
    // Once resolved, no next update is owed, whichever way it is left out.
    let (s, resolve) = allowed(CommandKind::Resolve, Severity::Sev3);
    for (_, cmd) in absent(&resolve, "update.next_update") {
        s.clone().accept(&cmd);
    }
    let mut s = Scenario::in_phase(Severity::Sev3, Phase::Resolved);
    let post = s.post_update();
    assert_eq!(post["update"]["status"], json!("resolved"));
    assert!(post["update"].get("next_update").is_none());
    s.accept(&post);
}

#[test]
fn the_commander_is_commander_required_missing_null_or_blank() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "update.owner", json!("Grace"));
    for (how, broken) in absent(&declare, "roles.commander") {
        let r = s.reject(&broken);
        assert_eq!(r.violations().len(), 1, "{how}: {r:#?}");
        assert_at(&r, Rule::CommanderRequired, Some("roles.commander"));
    }
    s.accept(&declare);

    // Handing over is fine; removing is not. (Grace posts the update, so
    // that only the commander is missing.)
    let change = with(
        &s.change_severity(Severity::Sev2),
        "update.owner",
        json!("Grace"),
    );
    for blank in ["", "  "] {
        let r = s.reject(&with(&change, "roles", json!({"commander": blank})));
        assert_only(&r, Rule::CommanderRequired, Some("roles.commander"));
    }
    let unassign = s.unassign_role("commander");
    assert_only(
        &s.reject(&unassign),
        Rule::CommanderRequired,
        Some("roles.commander"),
    );
    let hand_over = s.assign_role("commander", "Grace");
    s.accept(&hand_over);
    assert_eq!(s.incident().roles().commander().as_str(), "Grace");
}

#[test]
fn blank_roles_are_reported_under_the_rule_that_demands_them() {
    // At SEV1 a blank scribe or engineering lead is the SEV1 rule's, not
    // field-empty (the crate extends the Reporting rule to every role a rule
    // demands); a blank role no rule demands is field-empty.
    let mut s = Scenario::new(Severity::Sev1);
    let declare = s.declare();
    let r = s.reject(&with(&declare, "roles.scribe", json!(" ")));
    assert_only(&r, Rule::Sev1NeedsScribe, Some("roles.scribe"));
    let r = s.reject(&with(&declare, "roles.engineering_lead", json!("")));
    assert_only(
        &r,
        Rule::Sev1CommsByEngineeringLead,
        Some("roles.engineering_lead"),
    );
    let r = s.reject(&with(&declare, "roles.technical_lead", json!("")));
    assert_only(&r, Rule::FieldEmpty, Some("roles.technical_lead"));
    s.accept(&declare);
    // assign_role with a blank person is field-empty at `person`, even for
    // the commander: the commander is not removed by it (crate's choice).
    let blank = s.assign_role("commander", " ");
    assert_only(&s.reject(&blank), Rule::FieldEmpty, Some("person"));
}

// ---- Peak severity ----

#[test]
fn downgrading_keeps_the_duties_of_the_peak() {
    let mut s = Scenario::declared(Severity::Sev1);
    let down = s.change_severity(Severity::Sev3);
    s.accept(&down);
    assert_eq!(s.incident().severity(), Severity::Sev3);
    assert_eq!(s.incident().peak_severity(), Severity::Sev1);
    // The role rules follow the current severity: at SEV3 no scribe is needed.
    s.run(|s| s.unassign_role("scribe"));
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    // Notes and triage checks follow the peak.
    let resolve = s.resolve();
    let r = s.reject(&resolve);
    assert_exactly(
        &r,
        &[
            (Rule::TriageChecksMissing, Some("checks")),
            (Rule::NotesRequired, Some("notes")),
        ],
    );
    assert!(r.violations()[0].message().contains("SEV1"), "{r:#?}");
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::resolve);
    // The postmortem names the peak, and is owed because of it.
    let close = s.close();
    assert_only(
        &s.reject(&close),
        Rule::PostmortemRequired,
        Some("postmortem"),
    );
    let pm = s.submit_postmortem();
    let r = s.reject(&with(&pm, "postmortem.severity", json!("SEV3")));
    assert_only(
        &r,
        Rule::PostmortemSeverityMismatch,
        Some("postmortem.severity"),
    );
    s.accept(&pm);
    s.run(Scenario::close);
    assert_eq!(s.incident().peak_severity(), Severity::Sev1);
}

#[test]
fn below_sev2_no_follow_up_duties_are_owed() {
    for severity in [Severity::Sev3, Severity::Sev4] {
        let mut s = Scenario::declared(severity);
        s.run(Scenario::rollback);
        s.run(Scenario::begin_monitoring);
        s.run(Scenario::resolve);
        s.run(Scenario::close);
        assert!(s.incident().postmortem().is_none());
    }
}

#[test]
fn an_escalation_after_the_postmortem_makes_it_mismatch_at_close() {
    let mut s = Scenario::in_phase(Severity::Sev3, Phase::Resolved);
    s.run(Scenario::submit_postmortem); // published, SEV3
    s.run(Scenario::reopen);
    s.run(|s| s.change_severity(Severity::Sev1));
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let close = s.close();
    assert_only(
        &s.reject(&close),
        Rule::PostmortemSeverityMismatch,
        Some("postmortem.severity"),
    );
    s.run(Scenario::submit_postmortem);
    s.run(Scenario::close);
}

#[test]
fn escalating_to_sev1_brings_the_roles_along() {
    let mut s = Scenario::declared(Severity::Sev2);
    let up = s.change_severity(Severity::Sev1);
    let r = s.reject(&without(&up, "roles"));
    assert_exactly(
        &r,
        &[(
            Rule::Sev1CommsByEngineeringLead,
            Some("roles.engineering_lead"),
        )],
    );
    let r = s.reject(&with(&up, "roles", json!({"scribe": "Ada"})));
    assert_exactly(
        &r,
        &[
            (Rule::Sev1ScribeNotCommander, Some("roles.scribe")),
            (
                Rule::Sev1CommsByEngineeringLead,
                Some("roles.engineering_lead"),
            ),
        ],
    );
    s.accept(&up);
    // Now assign_role and unassign_role cannot break the SEV1 rules.
    let cases = [
        (
            s.unassign_role("scribe"),
            Rule::Sev1NeedsScribe,
            "roles.scribe",
        ),
        (
            s.assign_role("scribe", "Ada"),
            Rule::Sev1ScribeNotCommander,
            "roles.scribe",
        ),
        (
            s.assign_role("commander", "Ken"),
            Rule::Sev1ScribeNotCommander,
            "roles.scribe",
        ),
        (
            s.unassign_role("engineering_lead"),
            Rule::Sev1CommsByEngineeringLead,
            "roles.engineering_lead",
        ),
        (
            s.unassign_role("communications_owner"),
            Rule::Sev1CommsByEngineeringLead,
            "roles.communications_owner",
        ),
        (
            s.assign_role("communications_owner", "Grace"),
            Rule::Sev1CommsByEngineeringLead,
            "roles.communications_owner",
        ),
    ];
    for (cmd, rule, path) in cases {
        assert_only(&s.reject(&cmd), rule, Some(path));
    }
    // Handing the scribe's pen to someone else is fine.
    s.run(|s| s.assign_role("scribe", "Barbara"));
    // SEV1 comms change hands only with the engineering lead: one
    // `assign_roles` (the crate's addition to WIRE.md) moves both, and still
    // cannot break the rules.
    let half = s.command(
        "assign_roles",
        json!({"roles": {"communications_owner": "Grace"}}),
    );
    assert_only(
        &s.reject(&half),
        Rule::Sev1CommsByEngineeringLead,
        Some("roles.communications_owner"),
    );
    let nothing = s.command("assign_roles", json!({"roles": {}}));
    assert_only(&s.reject(&nothing), Rule::FieldEmpty, Some("roles"));
    let both = s.command(
        "assign_roles",
        json!({"roles": {"communications_owner": "Grace", "engineering_lead": "Grace"}}),
    );
    s.accept(&both);
}

// ---- Versions ----

#[test]
fn the_version_counts_accepted_commands_and_a_declare_expects_zero() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for wrong in [1, 2] {
        let r = s.reject(&with(&declare, "expected_version", json!(wrong)));
        assert_only(&r, Rule::VersionConflict, Some("expected_version"));
        assert!(s.desk.is_empty());
    }
    assert_eq!(s.accept(&with(&declare, "expected_version", json!(0))), 1);

    let note = with(&s.add_note(), "expected_version", json!(1));
    assert_eq!(s.accept(&note), 2);
    // Stale and future versions conflict.
    for wrong in [0, 1, 3, 100] {
        let late = with(&s.add_note(), "expected_version", json!(wrong));
        assert_only(
            &s.reject(&late),
            Rule::VersionConflict,
            Some("expected_version"),
        );
    }
    // A duplicate and a rejection leave the version as it was.
    s.duplicate(&note);
    let blank = with(&s.add_note(), "text", json!(""));
    s.reject(&blank);
    assert_eq!(s.version(), 2);
    // Without expected_version there is no conflict to have.
    assert_eq!(s.run(Scenario::add_note).get("expected_version"), None);
    assert_eq!(s.version(), 3);
    assert_eq!(s.incident().history().len(), 3);
    let next = with(&s.add_note(), "expected_version", json!(3));
    assert_eq!(s.accept(&next), 4);
}

// ---- The phase table of WIRE.md ----

/// WIRE.md's table: the type, the phases it is allowed in, the phase after
/// (`same` for unchanged). `resolve` is allowed from investigating and
/// mitigating only without active user impact, noted by `*`.
const PHASE_TABLE: &str = "
declare              | -                                             | investigating
post_update          | investigating mitigating monitoring resolved  | same
change_severity      | investigating mitigating monitoring           | same
assign_role          | investigating mitigating monitoring resolved  | same
unassign_role        | investigating mitigating monitoring resolved  | same
update_impact        | investigating mitigating monitoring           | same
record_check         | investigating mitigating monitoring           | same
add_note             | investigating mitigating monitoring resolved  | same
record_root_cause    | investigating mitigating monitoring resolved  | same
start_mitigation     | investigating mitigating monitoring           | mitigating
begin_monitoring     | mitigating                                    | monitoring
resume_investigation | mitigating monitoring                         | investigating
lift_block           | investigating mitigating monitoring resolved  | same
resolve              | monitoring *investigating *mitigating         | resolved
reopen               | resolved                                      | investigating
submit_postmortem    | resolved                                      | same
close                | resolved                                      | closed
assign_roles         | investigating mitigating monitoring resolved  | same
";

fn read<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(json!(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A SEV3 incident in `phase`, with `/api/share` blocked (so that lift_block
/// has a block to lift) except when closed.
fn in_phase_with_block(phase: Phase, user_impact_active: bool) -> Scenario {
    let mut s = Scenario::declared_with(Severity::Sev3, user_impact_active);
    s.run(Scenario::block);
    match phase {
        Phase::Investigating => {
            s.run(Scenario::resume_investigation);
        }
        Phase::Mitigating => {}
        Phase::Monitoring => {
            s.run(Scenario::begin_monitoring);
        }
        Phase::Resolved | Phase::Closed => {
            s.run(Scenario::begin_monitoring);
            s.run(Scenario::resolve);
            if phase == Phase::Closed {
                s.run(Scenario::lift_block);
                s.run(Scenario::close);
            }
        }
    }
    assert_eq!(s.phase(), Some(phase));
    s
}

#[test]
fn the_phase_table_for_all_18_commands_in_all_5_phases() {
    let phases = [
        Phase::Investigating,
        Phase::Mitigating,
        Phase::Monitoring,
        Phase::Resolved,
        Phase::Closed,
    ];
    let rows: Vec<&str> = PHASE_TABLE.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), CommandKind::ALL.len());
    let mut cells = 0;
    for row in rows {
        let [kind, allowed, after]: [&str; 3] = row
            .split('|')
            .map(str::trim)
            .collect::<Vec<_>>()
            .try_into()
            .unwrap();
        let kind: CommandKind = read(kind);
        for user_impact_active in [true, false] {
            for phase in phases {
                let mut s = in_phase_with_block(phase, user_impact_active);
                if kind == CommandKind::Close && phase != Phase::Closed {
                    s.run(Scenario::lift_block);
                }
                let cmd = s.valid(kind);
                let listed = allowed
                    .split_whitespace()
                    .find(|p| p.trim_start_matches('*') == phase.as_str());
                let needs_calm = listed.is_some_and(|p| p.starts_with('*'));
                let context =
                    format!("{kind} in {phase} (user impact active: {user_impact_active})");
                cells += 1;
                if phase == Phase::Closed {
                    assert_only(&s.reject(&cmd), Rule::IncidentClosed, None);
                } else if kind == CommandKind::Declare {
                    assert_only(&s.reject(&cmd), Rule::AlreadyDeclared, Some("incident_id"));
                } else if listed.is_none() {
                    let r = s.reject(&cmd);
                    assert_eq!(
                        r.rules(),
                        vec![Rule::NotAllowedInPhase],
                        "{context}: {r:#?}"
                    );
                } else if needs_calm && user_impact_active {
                    let r = s.reject(&cmd);
                    assert_eq!(
                        r.rules(),
                        vec![Rule::ResolveFromMonitoring],
                        "{context}: {r:#?}"
                    );
                } else {
                    match s.send(&cmd) {
                        Ok(Outcome::Applied { .. }) => {}
                        other => panic!("{context}: {other:#?}"),
                    }
                    let expected = if after == "same" { phase } else { read(after) };
                    assert_eq!(s.phase(), Some(expected), "{context}");
                }
            }
        }
    }
    assert_eq!(cells, 18 * 5 * 2);
}

// ---- Snapshots: `snapshot-history-mismatch` via Incident::load ----

#[test]
fn a_snapshot_loads_back_to_the_same_incident() {
    for severity in [Severity::Sev1, Severity::Sev2, Severity::Sev3] {
        for phase in [Phase::Investigating, Phase::Resolved, Phase::Closed] {
            let s = Scenario::in_phase(severity, phase);
            let json = serde_json::to_value(s.incident()).unwrap();
            let loaded = load(&json).unwrap();
            assert_eq!(loaded, *s.incident());
            assert_eq!(serde_json::to_value(&loaded).unwrap(), json);
        }
    }
}

#[test]
fn a_snapshot_its_history_does_not_produce_is_refused() {
    let s = Scenario::in_phase(Severity::Sev1, Phase::Closed);
    let json = serde_json::to_value(s.incident()).unwrap();
    // Edits that break no other rule: only the history disagrees.
    let edits = [
        ("title", json!("Nothing happened")),
        ("phase", json!("resolved")),
        ("last_command_at", json!(time(500))),
        ("roles.technical_lead", json!("Margaret")),
        ("impact.users", json!("Nobody")),
        ("updates[0].impact", json!("All fine")),
        ("notes[0].text", json!("Rewritten later")),
        ("checks[0].finding", json!("Something else")),
        ("mitigations[0].at", json!(time(20))),
        ("postmortem.summary", json!("A shorter story.")),
    ];
    for (path, value) in edits {
        let field = path.split(['.', '[']).next().unwrap();
        let r = load(&with(&json, path, value)).unwrap_err();
        assert_only(&r, Rule::SnapshotHistoryMismatch, Some(field));
    }
    // A version that is not the length of the history.
    let r = load(&with(&json, "version", json!(3))).unwrap_err();
    assert_eq!(r.rules(), vec![Rule::SnapshotHistoryMismatch]);
    assert_at(&r, Rule::SnapshotHistoryMismatch, Some("version"));
    // A removed endpoint block or root cause is a mismatch too.
    let mut s = Scenario::triaged(Severity::Sev3);
    s.run(Scenario::block);
    s.run(Scenario::record_root_cause);
    let json = serde_json::to_value(s.incident()).unwrap();
    let r = load(&with(&json, "blocked_endpoints", json!([]))).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("blocked_endpoints"));
    let r = load(&without(&json, "root_cause")).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("root_cause"));
}

#[test]
fn a_hand_edited_peak_severity_is_refused() {
    let mut s = Scenario::declared(Severity::Sev1);
    s.run(|s| s.change_severity(Severity::Sev3));
    let json = serde_json::to_value(s.incident()).unwrap();
    assert_eq!(json["peak_severity"], json!("SEV1"));
    let r = load(&with(&json, "peak_severity", json!("SEV3"))).unwrap_err();
    assert_only(&r, Rule::SnapshotHistoryMismatch, Some("peak_severity"));
    // A peak below the current severity is wrong on its face as well.
    let r = load(&with(&json, "peak_severity", json!("SEV4"))).unwrap_err();
    assert_eq!(r.rules(), vec![Rule::SnapshotHistoryMismatch]);
    assert_eq!(r.violations().len(), 2, "{r:#?}");
}

#[test]
fn a_snapshot_that_breaks_a_rule_is_refused_with_that_rules_id() {
    let s = Scenario::in_phase(Severity::Sev1, Phase::Closed);
    let json = serde_json::to_value(s.incident()).unwrap();
    // The state: a SEV1 without a scribe.
    let r = load(&without(&json, "roles.scribe")).unwrap_err();
    assert_at(&r, Rule::Sev1NeedsScribe, Some("roles.scribe"));
    assert_at(&r, Rule::SnapshotHistoryMismatch, Some("roles"));
    // The history: its declaration without a scribe, at the path inside it.
    let r = load(&without(&json, "history[0].roles.scribe")).unwrap_err();
    assert_only(&r, Rule::Sev1NeedsScribe, Some("history[0].roles.scribe"));
    // A closed SEV1 without its postmortem.
    let r = load(&without(&json, "postmortem")).unwrap_err();
    assert_at(&r, Rule::PostmortemRequired, Some("postmortem"));
    // A history that holds one command twice (crate's choice of rule).
    let mut twice = json.clone();
    let note = twice["history"][6].clone();
    twice["history"].as_array_mut().unwrap().insert(7, note);
    twice["version"] = json!(s.version() + 1);
    let r = load(&twice).unwrap_err();
    assert_at(&r, Rule::CommandIdReused, Some("history[7].command_id"));
    // An empty history declares nothing (crate's choice of rule).
    let r = load(&with(&json, "history", json!([]))).unwrap_err();
    assert!(r.breaks(Rule::NotDeclared), "{r:#?}");
}

// ---- Length classes of field-too-long ----

/// One field with a length limit: where the crate reports it, its limit, and
/// how to build a scenario and a command whose field holds a given value.
struct Limited {
    path: &'static str,
    max: usize,
    /// For a list: one item (the list is `n` copies); for a text: `None`.
    item: Option<Value>,
    build: Box<dyn Fn(Value) -> (Scenario, Value)>,
}

/// A field at `path` of the command `command` builds in the scenario `scenario` gives.
fn field(
    path: &'static str,
    max: usize,
    scenario: fn() -> Scenario,
    command: fn(&mut Scenario) -> Value,
) -> Limited {
    Limited {
        path,
        max,
        item: None,
        build: Box::new(move |value| {
            let mut s = scenario();
            let cmd = with(&command(&mut s), path, value);
            (s, cmd)
        }),
    }
}

fn list(
    path: &'static str,
    item: Value,
    scenario: fn() -> Scenario,
    command: fn(&mut Scenario) -> Value,
) -> Limited {
    Limited {
        item: Some(item),
        ..field(path, 1_000, scenario, command)
    }
}

/// A playbook whose catalogue also holds `name` (optional), if it is a valid name.
fn playbook_with(name: &str) -> Playbook {
    let mut deps = Playbook::default().dependencies().to_vec();
    if let Ok(name) = Name::new(name) {
        deps.push(Dependency {
            name,
            optional: true,
        });
    }
    let health = ["/health/live", "/health/ready", "/health/status"]
        .map(|e| ShortText::new(e).unwrap())
        .to_vec();
    Playbook::new(deps, health).unwrap()
}

fn limited_fields() -> Vec<Limited> {
    const NAME: usize = 200;
    const SHORT: usize = 2_000;
    const LONG: usize = 65_536;
    let new3 = || Scenario::new(Severity::Sev3);
    let new1 = || Scenario::new(Severity::Sev1);
    let declared3 = || Scenario::declared(Severity::Sev3);
    let triaged3 = || Scenario::triaged(Severity::Sev3);
    let mitigating3 = || Scenario::in_phase(Severity::Sev3, Phase::Mitigating);
    let monitoring3 = || Scenario::in_phase(Severity::Sev3, Phase::Monitoring);
    let resolved3 = || Scenario::in_phase(Severity::Sev3, Phase::Resolved);
    let declare: fn(&mut Scenario) -> Value = Scenario::declare;
    let pm: fn(&mut Scenario) -> Value = Scenario::submit_postmortem;
    let resolve: fn(&mut Scenario) -> Value = Scenario::resolve;
    let mut fields = vec![
        // Names: every person and every dependency name.
        field("roles.technical_lead", NAME, new3, declare),
        field("roles.communications_owner", NAME, new3, declare),
        field("roles.scribe", NAME, new3, declare),
        field("roles.engineering_lead", NAME, new3, declare),
        field("person", NAME, declared3, |s| {
            s.assign_role("scribe", "Ken")
        }),
        field("postmortem.owners[0]", NAME, resolved3, pm),
        field("postmortem.action_items[0].owner", NAME, resolved3, pm),
        // Short texts.
        field("title", SHORT, new3, declare),
        field("reason", SHORT, declared3, |s| {
            s.change_severity(Severity::Sev2)
        }),
        field("reason", SHORT, mitigating3, Scenario::resume_investigation),
        field("reason", SHORT, resolved3, Scenario::reopen),
        field("finding", SHORT, declared3, |s| s.record_check("logs")),
        field("impact.environment", SHORT, new3, declare),
        field("impact.users", SHORT, new3, declare),
        field("impact.feature", SHORT, new3, declare),
        field("impact.affected_endpoints[0]", SHORT, new1, declare),
        field("update.impact", SHORT, declared3, Scenario::post_update),
        field("update.action", SHORT, declared3, Scenario::post_update),
        field("mitigation.from_tag", SHORT, triaged3, Scenario::rollback),
        field("mitigation.to_tag", SHORT, triaged3, Scenario::rollback),
        field("mitigation.change", SHORT, triaged3, |s| {
            s.start_mitigation(json!({"kind": "revert_config", "change": "x"}))
        }),
        field("mitigation.rollout", SHORT, triaged3, |s| {
            s.start_mitigation(json!({"kind": "pause_rollout", "rollout": "x"}))
        }),
        field("mitigation.endpoint", SHORT, triaged3, Scenario::block),
        field("mitigation.description", SHORT, triaged3, |s| {
            s.start_mitigation(json!({"kind": "other", "description": "x"}))
        }),
        field("postmortem.title", SHORT, resolved3, pm),
        field("postmortem.timeline[0].event", SHORT, resolved3, pm),
        field("postmortem.action_items[0].action", SHORT, resolved3, pm),
        // Long texts.
        field("text", LONG, declared3, Scenario::add_note),
        field("text", LONG, mitigating3, Scenario::record_root_cause),
        field("postmortem.summary", LONG, resolved3, pm),
        field("postmortem.impact", LONG, resolved3, pm),
        field("postmortem.root_cause", LONG, resolved3, pm),
        field("postmortem.what_worked", LONG, resolved3, pm),
        field("postmortem.what_did_not_work", LONG, resolved3, pm),
        // Lists: every array.
        list("impact.flags", json!("degraded_feature"), new3, declare),
        list("impact.surfaces", json!("api"), new3, declare),
        list(
            "impact.affected_endpoints",
            json!("/api/ocr"),
            new3,
            declare,
        ),
        list(
            "impact.affected_dependencies",
            json!("Vision"),
            new3,
            declare,
        ),
        list(
            "verification.endpoints",
            json!({"path": "/api/ocr", "ok": true}),
            monitoring3,
            resolve,
        ),
        list(
            "verification.dependencies",
            json!({"name": "Document Intelligence", "ok": true}),
            monitoring3,
            resolve,
        ),
        list("postmortem.owners", json!("Ada"), resolved3, pm),
        list(
            "postmortem.timeline",
            json!({"at": time(0), "event": "Declared"}),
            resolved3,
            pm,
        ),
        list(
            "postmortem.action_items",
            json!({"action": "Add a test", "owner": "Grace", "due": "2026-05-20", "guardrail": "test"}),
            resolved3,
            pm,
        ),
    ];
    // The commander, who also posts the first update.
    fields.push(Limited {
        path: "roles.commander",
        max: NAME,
        item: None,
        build: Box::new(|name| {
            let mut s = Scenario::new(Severity::Sev3);
            let declare = with(&s.declare(), "roles.commander", name.clone());
            (s, with(&declare, "update.owner", name))
        }),
    });
    // An update's owner, given a role in the same command.
    fields.push(Limited {
        path: "update.owner",
        max: NAME,
        item: None,
        build: Box::new(|name| {
            let mut s = Scenario::declared(Severity::Sev3);
            let change = s.change_severity(Severity::Sev2);
            let change = with(&change, "roles", json!({"scribe": name.clone()}));
            (s, with(&change, "update.owner", name))
        }),
    });
    // Dependency names, in a playbook that knows the name.
    for (path, phase) in [
        ("impact.affected_dependencies[0]", None),
        ("mitigation.dependency", Some(Phase::Investigating)),
        ("verification.dependencies[1].name", Some(Phase::Monitoring)),
    ] {
        fields.push(Limited {
            path,
            max: NAME,
            item: None,
            build: Box::new(move |name| {
                let playbook = playbook_with(name.as_str().unwrap());
                let mut s = Scenario::with(Severity::Sev3, true, playbook);
                let cmd = match phase {
                    None => with(&s.declare(), path, name),
                    Some(phase) => {
                        s.declare_now();
                        s.run(Scenario::rollback);
                        if phase == Phase::Monitoring {
                            s.run(Scenario::begin_monitoring);
                            let mut resolve = s.resolve();
                            resolve["verification"]["dependencies"]
                                .as_array_mut()
                                .unwrap()
                                .push(json!({"name": name, "ok": true}));
                            resolve
                        } else {
                            s.start_mitigation(
                                json!({"kind": "disable_dependency", "dependency": name}),
                            )
                        }
                    }
                };
                (s, cmd)
            }),
        });
    }
    // Endpoints that must match something else: a checked endpoint beside
    // the affected ones, and a lift of an endpoint that was blocked.
    fields.push(Limited {
        path: "verification.endpoints[1].path",
        max: SHORT,
        item: None,
        build: Box::new(|path| {
            let mut s = Scenario::in_phase(Severity::Sev1, Phase::Monitoring);
            let mut resolve = s.resolve();
            resolve["verification"]["endpoints"]
                .as_array_mut()
                .unwrap()
                .push(json!({"path": path, "ok": true}));
            (s, resolve)
        }),
    });
    fields.push(Limited {
        path: "endpoint",
        max: SHORT,
        item: None,
        build: Box::new(|endpoint| {
            let mut s = Scenario::triaged(Severity::Sev3);
            if endpoint.as_str().unwrap().chars().count() <= SHORT {
                let block = with(&s.block(), "mitigation.endpoint", endpoint.clone());
                s.accept(&block);
            }
            let lift = with(&s.lift_block(), "endpoint", endpoint);
            (s, lift)
        }),
    });
    fields
}

#[test]
fn every_length_class_holds_its_limit_counting_unicode_scalar_values() {
    // ASCII, two-byte, and four-byte (two UTF-16 units) characters: the
    // limit counts characters, not bytes or UTF-16 units.
    let mut failures = Vec::new();
    for limited in limited_fields() {
        let chars: &[char] = if limited.item.is_some() {
            &['-']
        } else {
            &['x', 'é', '🚒']
        };
        for &c in chars {
            let value = |n: usize| match &limited.item {
                Some(item) => Value::Array(vec![item.clone(); n]),
                None => json!(c.to_string().repeat(n)),
            };
            let what = format!("{} with {c:?}", limited.path);
            let (mut s, at_limit) = (limited.build)(value(limited.max));
            if !matches!(s.send(&at_limit), Ok(Outcome::Applied { .. })) {
                failures.push(format!("{what}: refused at the limit ({})", limited.max));
            }
            let (mut s, over) = (limited.build)(value(limited.max + 1));
            let before = s.state();
            match s.send(&over) {
                Err(r)
                    if r.rules() == [Rule::FieldTooLong]
                        && r.iter().any(|v| v.path() == Some(limited.path)) => {}
                other => failures.push(format!("{what} over the limit: {other:?}")),
            }
            assert_eq!(
                s.state(),
                before,
                "{what}: a rejected command changed the incident"
            );
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn combining_characters_count_one_by_one() {
    // "é" written as e + U+0301 is one character on screen but two scalar
    // values: 100 of them are a name of 200, 101 are over.
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let name = |n: usize| json!("e\u{301}".repeat(n));
    let r = s.reject(&with(&declare, "roles.technical_lead", name(101)));
    assert_only(&r, Rule::FieldTooLong, Some("roles.technical_lead"));
    s.accept(&with(&declare, "roles.technical_lead", name(100)));
}

#[test]
fn a_role_given_a_name_that_is_too_long_is_not_also_missing() {
    let long = json!("A".repeat(201));
    // The commander (Grace posts the update, so only the name is at fault).
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "update.owner", json!("Grace"));
    let r = s.reject(&with(&declare, "roles.commander", long.clone()));
    assert_only(&r, Rule::FieldTooLong, Some("roles.commander"));
    s.accept(&declare);
    let change = with(
        &s.change_severity(Severity::Sev2),
        "update.owner",
        json!("Grace"),
    );
    let r = s.reject(&with(&change, "roles", json!({"commander": long.clone()})));
    assert_only(&r, Rule::FieldTooLong, Some("roles.commander"));
    // The roles SEV1 demands.
    let mut s = Scenario::new(Severity::Sev1);
    let declare = s.declare();
    for role in ["scribe", "engineering_lead", "communications_owner"] {
        let path = format!("roles.{role}");
        let r = s.reject(&with(&declare, &path, long.clone()));
        assert_only(&r, Rule::FieldTooLong, Some(&path));
    }
    s.accept(&declare);
}

// ---- More of each rule's reach ----

#[test]
fn the_direct_api_names_not_declared_for_a_stray_command() {
    let playbook = Playbook::default();
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let note = s.add_note();
    let r = Incident::declare(parse(&note), &playbook).unwrap_err();
    assert_only(&r, Rule::NotDeclared, Some("incident_id"));
    // A command handed to the wrong incident (crate's choice: not-declared).
    let mut incident = Incident::declare(parse(&declare), &playbook).unwrap();
    let before = incident.clone();
    let stray = with(&note, "incident_id", json!(OTHER_INCIDENT));
    let r = incident.handle(parse(&stray), &playbook).unwrap_err();
    assert_only(&r, Rule::NotDeclared, Some("incident_id"));
    assert_eq!(incident, before);
    assert_eq!(
        incident.handle(parse(&note), &playbook),
        Ok(Outcome::Applied { version: 2 })
    );
}

#[test]
fn the_update_owner_holds_a_role_after_the_command() {
    let mut s = Scenario::declared(Severity::Sev3);
    // Margaret becomes scribe in the same step and posts the update.
    let change = s.change_severity(Severity::Sev2);
    let change = with(&change, "roles", json!({"scribe": "Margaret"}));
    let change = with(&change, "update.owner", json!("Margaret"));
    s.accept(&change);
    // Ada hands the commander role to Grace, and then holds none.
    let change = s.change_severity(Severity::Sev3);
    let change = with(&change, "roles", json!({"commander": "Grace"}));
    let r = s.reject(&change);
    assert_only(&r, Rule::UpdateOwnerNotAssigned, Some("update.owner"));
    s.accept(&with(&change, "update.owner", json!("Grace")));
}

#[test]
fn any_mitigation_started_before_counts_for_root_cause_analysis() {
    let mut s = Scenario::triaged(Severity::Sev3);
    s.run(Scenario::rollback);
    s.run(Scenario::resume_investigation);
    s.run(Scenario::record_root_cause);
    // Without active user impact no mitigation is needed first.
    let mut calm = Scenario::declared_with(Severity::Sev3, false);
    calm.run(Scenario::record_root_cause);
}

#[test]
fn a_dependency_named_anywhere_is_in_the_catalogue() {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let unknown = with(
        &declare,
        "impact.affected_dependencies",
        json!(["Vision", "Redis"]),
    );
    let r = s.reject(&unknown);
    assert_only(
        &r,
        Rule::UnknownDependency,
        Some("impact.affected_dependencies[1]"),
    );
    s.accept(&declare);
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    let mut resolve = s.resolve();
    resolve["verification"]["dependencies"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "Redis", "ok": true}));
    let r = s.reject(&resolve);
    assert_only(
        &r,
        Rule::UnknownDependency,
        Some("verification.dependencies[1].name"),
    );
    // The catalogue is the playbook's: another playbook knows other names.
    let mut s = Scenario::with(Severity::Sev3, true, playbook_with("Redis"));
    let declare = s.declare();
    s.accept(&with(
        &declare,
        "impact.affected_dependencies",
        json!(["Vision", "Redis"]),
    ));
    let disable = s.start_mitigation(json!({"kind": "disable_dependency", "dependency": "Redis"}));
    s.accept(&disable);
}

#[test]
fn blocking_needs_a_security_risk_strictly_above_the_availability_impact() {
    let levels = ["low", "medium", "high", "critical"];
    for (i, risk) in levels.iter().enumerate() {
        for (j, availability) in levels.iter().enumerate() {
            let mut s = Scenario::triaged(Severity::Sev3);
            let block = with(&s.block(), "mitigation.security_risk", json!(risk));
            let block = with(
                &block,
                "mitigation.availability_impact",
                json!(availability),
            );
            if i > j {
                s.accept(&block);
            } else {
                let r = s.reject(&block);
                assert_only(
                    &r,
                    Rule::BlockEndpointRiskNotHigher,
                    Some("mitigation.security_risk"),
                );
            }
        }
    }
}

#[test]
fn a_lifted_block_cannot_be_lifted_again() {
    let mut s = Scenario::triaged(Severity::Sev3);
    s.run(Scenario::block);
    // Blocking the same endpoint again keeps one block.
    s.run(Scenario::block);
    assert_eq!(s.incident().blocked_endpoints().len(), 1);
    s.run(Scenario::lift_block);
    let again = s.lift_block();
    assert_only(&s.reject(&again), Rule::NoSuchBlock, Some("endpoint"));
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

#[test]
fn an_updated_impact_starts_no_later_than_the_declaration() {
    let mut s = Scenario::declared(Severity::Sev3);
    s.clock = 30;
    // Before this command, but after the declaration.
    let late = with(&s.update_impact(), "impact.started_at", json!(time(10)));
    let r = s.reject(&late);
    assert_only(
        &r,
        Rule::ImpactStartAfterDeclaration,
        Some("impact.started_at"),
    );
    s.accept(&with(&late, "impact.started_at", json!(time(-90))));
}

#[test]
fn timestamps_are_checked_against_the_last_accepted_command_only() {
    let mut s = Scenario::declared(Severity::Sev3);
    s.clock = 10;
    let rejected = with(&s.add_note(), "text", json!(""));
    s.reject(&rejected);
    let earlier = with(&s.add_note(), "at", json!(time(5)));
    s.accept(&earlier);
}

#[test]
fn a_published_postmortem_fills_every_section() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let pm = s.submit_postmortem();
    let mut cases: Vec<(Value, &str)> = [
        "date",
        "summary",
        "impact",
        "root_cause",
        "what_worked",
        "what_did_not_work",
    ]
    .iter()
    .flat_map(|field| {
        let path = format!("postmortem.{field}");
        absent(&pm, &path)
            .into_iter()
            .map(move |(_, cmd)| (cmd, *field))
    })
    .collect();
    for (field, empty) in [("owners", json!([])), ("timeline", json!([]))] {
        cases.push((with(&pm, &format!("postmortem.{field}"), empty), field));
        cases.push((without(&pm, &format!("postmortem.{field}")), field));
    }
    for (cmd, field) in cases {
        let path = format!("postmortem.{field}");
        let r = s.reject(&cmd);
        assert_only(&r, Rule::PostmortemIncomplete, Some(&path));
        // A draft may leave it out; but a text section it gives blank is
        // field-empty (crate's choice: a given text says something), while
        // a blank date is no date.
        let draft = with(&cmd, "postmortem.status", json!("draft"));
        let given_blank = field != "date"
            && cmd["postmortem"]
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|text| text.trim().is_empty());
        if given_blank {
            let r = s.reject(&draft);
            assert_only(&r, Rule::FieldEmpty, Some(&path));
        } else {
            s.clone().accept(&draft);
        }
    }
    // A blank title is field-empty, published or not.
    for status in ["draft", "published"] {
        let blank = with(&pm, "postmortem.title", json!(" "));
        let blank = with(&blank, "postmortem.status", json!(status));
        assert_only(
            &s.reject(&blank),
            Rule::FieldEmpty,
            Some("postmortem.title"),
        );
    }
    s.accept(&pm);
}

#[test]
fn every_other_postmortem_rule_applies_to_drafts_too() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let draft = with(&s.submit_postmortem(), "postmortem.status", json!("draft"));
    let cases = [
        (
            with(&draft, "postmortem.severity", json!("SEV1")),
            Rule::PostmortemSeverityMismatch,
            "postmortem.severity",
        ),
        (
            without(&draft, "postmortem.severity"),
            Rule::PostmortemSeverityMismatch,
            "postmortem.severity",
        ),
        (
            with(&draft, "postmortem.timeline[0].at", json!(time(1))),
            Rule::PostmortemTimelineUnordered,
            "postmortem.timeline[1].at",
        ),
        (
            without(&draft, "postmortem.action_items[0].due"),
            Rule::ActionItemIncomplete,
            "postmortem.action_items[0].due",
        ),
        (
            with(
                &draft,
                "postmortem.action_items[0].due",
                json!("2026-01-01"),
            ),
            Rule::ActionItemDueBeforeIncident,
            "postmortem.action_items[0].due",
        ),
        (
            without(&draft, "postmortem.action_items[0].guardrail"),
            Rule::GuardrailActionMissing,
            "postmortem.action_items",
        ),
    ];
    for (cmd, rule, path) in cases {
        assert_only(&s.reject(&cmd), rule, Some(path));
    }
    s.accept(&draft);
    // A later submission replaces the draft.
    s.run(Scenario::submit_postmortem);
    assert!(s.incident().postmortem().unwrap().is_published());
}

#[test]
fn action_items_are_due_no_earlier_than_the_utc_day_of_the_declaration() {
    // Declared at 23:30 on the 4th in UTC-2, which is 01:30 on the 5th in UTC.
    let mut s = Scenario::new(Severity::Sev2);
    s.clock = 16 * 60 + 25;
    let declare = with(&s.declare(), "at", json!("2026-05-04T23:30:00-02:00"));
    s.accept(&declare);
    assert_eq!(
        s.incident().declared_at().to_string(),
        "2026-05-05T01:30:00Z"
    );
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let pm = s.submit_postmortem();
    let r = s.reject(&with(
        &pm,
        "postmortem.action_items[0].due",
        json!("2026-05-04"),
    ));
    assert_only(
        &r,
        Rule::ActionItemDueBeforeIncident,
        Some("postmortem.action_items[0].due"),
    );
    s.accept(&with(
        &pm,
        "postmortem.action_items[0].due",
        json!("2026-05-05"),
    ));
}

#[test]
fn blank_required_texts_are_field_empty() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let pm = s.submit_postmortem();
    let r = s.reject(&with(&pm, "postmortem.timeline[1].event", json!("")));
    assert_only(&r, Rule::FieldEmpty, Some("postmortem.timeline[1].event"));
    let r = s.reject(&with(&pm, "postmortem.owners", json!(["Ada", " "])));
    assert_only(&r, Rule::FieldEmpty, Some("postmortem.owners[1]"));
    let reopen = s.reopen();
    for (how, cmd) in absent(&reopen, "reason") {
        let r = s.reject(&cmd);
        assert_eq!(r.violations().len(), 1, "{how}: {r:#?}");
        assert_at(&r, Rule::FieldEmpty, Some("reason"));
    }
    s.accept(&reopen);
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    for (how, cmd) in absent(&declare, "title") {
        let r = s.reject(&cmd);
        assert_eq!(r.violations().len(), 1, "{how}: {r:#?}");
        assert_at(&r, Rule::FieldEmpty, Some("title"));
    }
}

#[test]
fn role_commands_that_change_nothing_are_still_accepted() {
    // RULES.md is silent; the crate accepts (and counts) them.
    let mut s = Scenario::declared(Severity::Sev3);
    s.run(|s| s.unassign_role("scribe"));
    s.run(|s| s.assign_role("technical_lead", "Grace"));
    assert_eq!(s.version(), 3);
    assert_eq!(
        serde_json::to_value(s.incident().roles()).unwrap(),
        roles(Severity::Sev3)
    );
}
