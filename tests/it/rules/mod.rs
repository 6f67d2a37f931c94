//! The rule catalogue (RULES.md) through the public API: every rule id has a
//! command that breaks it and, next to it, the nearly identical command that
//! is accepted (one module per part of the playbook, from `lifecycle` to
//! `snapshots`); then the order of checks, the reporting of missing parts,
//! peak severity, the phase table, and length limits.
//!
//! Every rejection here goes through `Scenario::reject`, which also checks that
//! the rejected command left the incident exactly as it was.

use crate::fixture::*;
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

/// The ways a required value can be absent: missing, `null`, empty, blank.
fn absent(cmd: &Value, path: &str) -> [(&'static str, Value); 4] {
    [
        ("missing", without(cmd, path)),
        ("null", with(cmd, path, Value::Null)),
        ("empty", with(cmd, path, json!(""))),
        ("blank", with(cmd, path, json!(" \t\n"))),
    ]
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

mod comms;
mod declaring;
mod lifecycle;
mod limits;
mod missing;
mod mitigation;
mod order;
mod peak;
mod phases;
mod postmortem;
mod reporting;
mod resolving;
mod roles;
mod snapshots;

/// Loads a snapshot written as JSON under the default playbook.
fn load(snapshot: &Value) -> Result<Incident, Rejection> {
    let snapshot: Snapshot = serde_json::from_value(snapshot.clone()).unwrap();
    Incident::load(snapshot, &Playbook::default())
}

/// Lists each rule's trigger once: `trigger` for the meta-test, and one test
/// per rule, named after it.
macro_rules! rule_cases {
    ($($rule:ident => $module:ident::$case:ident,)*) => {
        /// The command (or snapshot) that breaks `rule`; `None` for a rule
        /// that has no trigger yet.
        fn trigger(rule: Rule) -> Option<Rejection> {
            match rule {
                $(Rule::$rule => Some($module::$case()),)*
                _ => None,
            }
        }

        mod rule {
            use super::*;
            $(
                #[test]
                fn $case() {
                    let rejection = $module::$case();
                    assert!(rejection.breaks(Rule::$rule), "{rejection:#?}");
                    assert_eq!(Rule::$rule.id(), stringify!($case).replace('_', "-"));
                }
            )*
        }
    };
}

rule_cases! {
    MalformedInput => lifecycle::malformed_input,
    NotDeclared => lifecycle::not_declared,
    AlreadyDeclared => lifecycle::already_declared,
    IncidentClosed => lifecycle::incident_closed,
    NotAllowedInPhase => lifecycle::not_allowed_in_phase,
    TimestampRegressed => lifecycle::timestamp_regressed,
    VersionConflict => lifecycle::version_conflict,
    CommandIdReused => lifecycle::command_id_reused,
    FieldEmpty => lifecycle::field_empty,
    FieldTooLong => lifecycle::field_too_long,
    ImpactIncomplete => declaring::impact_incomplete,
    ImpactStartAfterDeclaration => declaring::impact_start_after_declaration,
    SeverityBelowFloor => declaring::severity_below_floor,
    SeverityUnchanged => declaring::severity_unchanged,
    UpdateRequired => declaring::update_required,
    CommanderRequired => roles::commander_required,
    Sev1NeedsScribe => roles::sev1_needs_scribe,
    Sev1ScribeNotCommander => roles::sev1_scribe_not_commander,
    Sev1CommsByEngineeringLead => roles::sev1_comms_by_engineering_lead,
    UpdateNeedsNextUpdate => comms::update_needs_next_update,
    NextUpdateNotAfterUpdate => comms::next_update_not_after_update,
    UpdateOwnerNotAssigned => comms::update_owner_not_assigned,
    UpdateStatusMismatch => comms::update_status_mismatch,
    MitigateBeforeRca => mitigation::mitigate_before_rca,
    RollbackSameTag => mitigation::rollback_same_tag,
    UnknownDependency => mitigation::unknown_dependency,
    DependencyNotOptional => mitigation::dependency_not_optional,
    BlockEndpointRiskNotHigher => mitigation::block_endpoint_risk_not_higher,
    BlockNotLifted => mitigation::block_not_lifted,
    NoSuchBlock => mitigation::no_such_block,
    ResolveFromMonitoring => resolving::resolve_from_monitoring,
    VerificationApiHealth => resolving::verification_api_health,
    VerificationEndpoints => resolving::verification_endpoints,
    VerificationFrontend => resolving::verification_frontend,
    VerificationData => resolving::verification_data,
    VerificationDependencies => resolving::verification_dependencies,
    TriageChecksMissing => resolving::triage_checks_missing,
    NotesRequired => resolving::notes_required,
    PostmortemRequired => postmortem::postmortem_required,
    PostmortemIncomplete => postmortem::postmortem_incomplete,
    PostmortemSeverityMismatch => postmortem::postmortem_severity_mismatch,
    PostmortemTimelineUnordered => postmortem::postmortem_timeline_unordered,
    ActionItemIncomplete => postmortem::action_item_incomplete,
    ActionItemDueBeforeIncident => postmortem::action_item_due_before_incident,
    GuardrailActionMissing => postmortem::guardrail_action_missing,
    SnapshotHistoryMismatch => snapshots::snapshot_history_mismatch,
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
