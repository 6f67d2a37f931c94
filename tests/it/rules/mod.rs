//! The rule catalogue (`docs/contract.md`) through the public API: every
//! rule id has a command that breaks it and, next to it, the nearly identical
//! command that is accepted (one module per part of the playbook, from
//! `lifecycle` to `snapshots`, most of them rows of a [`Triplet`] table);
//! then the order of checks, the reporting of missing parts, peak severity,
//! the phase table, and length limits.
//!
//! Every rejection here goes through `Scenario::reject`, which also checks that
//! the rejected command left the incident exactly as it was.

use std::collections::BTreeSet;

use crate::fixture::*;
use incident_playbook::{
    Dependency, Incident, Name, Outcome, Phase, Playbook, Rejection, Rule, Severity, Snapshot,
    command::CommandKind, postmortem::ActionStatus, state::Role,
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

/// A scenario in which `kind` is allowed, and a valid command of that kind.
fn allowed(kind: CommandKind, severity: Severity) -> (Scenario, Value) {
    let phase = match kind {
        CommandKind::BeginMonitoring
        | CommandKind::ResumeInvestigation
        | CommandKind::EndMitigation => Phase::Mitigating,
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
    let health = Playbook::default().health_endpoints().to_vec();
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
mod records;
mod reporting;
mod resolving;
mod roles;
mod snapshots;

/// Loads a snapshot written as JSON under the default playbook.
fn load(snapshot: &Value) -> Result<Incident, Rejection> {
    let snapshot: Snapshot = serde_json::from_value(snapshot.clone()).unwrap();
    Incident::load(snapshot, &Playbook::default())
}

/// One edit of a command: a field set to a value, or removed.
enum Edit {
    Set(&'static str, Value),
    Remove(&'static str),
}

use Edit::{Remove, Set};

impl Edit {
    fn apply(&self, cmd: &Value) -> Value {
        match self {
            Set(path, value) => with(cmd, path, value.clone()),
            Remove(path) => without(cmd, path),
        }
    }
}

/// A rule's trigger of the usual shape, as a row of its section's table: in
/// the incident `given` returns, the valid command `command` builds, edited
/// by `breaks`, is refused with `rule` alone at `at`; the nearby case is then
/// accepted: the valid command itself (`fix: None`) or the broken one with
/// `fix` applied.
struct Triplet {
    rule: Rule,
    given: fn() -> Scenario,
    command: fn(&mut Scenario) -> Value,
    breaks: Edit,
    at: &'static str,
    fix: Option<Edit>,
}

impl Triplet {
    /// Plays the row; returns the rejection so that the meta-test can see the rule named.
    fn check(self) -> Rejection {
        let mut s = (self.given)();
        let valid = (self.command)(&mut s);
        let broken = self.breaks.apply(&valid);
        let r = s.reject(&broken);
        assert_only(&r, self.rule, Some(self.at));
        let fixed = self.fix.map_or(valid, |fix| fix.apply(&broken));
        s.accept(&fixed);
        r
    }
}

/// The rows of every section's table.
fn triplets() -> impl Iterator<Item = Triplet> {
    [
        lifecycle::triplets(),
        declaring::triplets(),
        roles::triplets(),
        comms::triplets(),
        mitigation::triplets(),
        resolving::triplets(),
        postmortem::triplets(),
    ]
    .into_iter()
    .flatten()
}

/// Lists each rule's trigger once, in the catalogue's order: `trigger` for the
/// meta-test, and one test per rule, named after it. A rule's trigger is the
/// row of a section's `triplets()` table that names it or, where the entry
/// says `in section`, the function of that name in that section (a trigger
/// of its own shape).
macro_rules! rule_cases {
    ($($rule:ident => $case:ident $(in $section:ident)?,)*) => {
        /// The trigger of `rule` that is a function of its own, if it has one.
        fn own_trigger(rule: Rule) -> Option<fn() -> Rejection> {
            match rule {
                $($(Rule::$rule => Some($section::$case),)?)*
                _ => None,
            }
        }

        mod rule {
            use super::*;
            $(
                #[test]
                fn $case() {
                    let rejection = trigger(Rule::$rule).expect("the rule has a trigger");
                    assert!(rejection.breaks(Rule::$rule), "{rejection:#?}");
                    assert_eq!(Rule::$rule.id(), stringify!($case).replace('_', "-"));
                }
            )*
        }
    };
}

rule_cases! {
    MalformedInput => malformed_input in lifecycle,
    NotDeclared => not_declared in lifecycle,
    AlreadyDeclared => already_declared in lifecycle,
    IncidentClosed => incident_closed in lifecycle,
    NotAllowedInPhase => not_allowed_in_phase in lifecycle,
    TimestampRegressed => timestamp_regressed,
    RecordedInTheFuture => recorded_in_the_future in lifecycle,
    VersionConflict => version_conflict,
    CommandIdReused => command_id_reused in lifecycle,
    FieldEmpty => field_empty,
    FieldTooLong => field_too_long,
    ImpactIncomplete => impact_incomplete,
    OccurredAfterRecorded => occurred_after_recorded,
    ImpactEndedWhileActive => impact_ended_while_active in declaring,
    ImpactEndedBeforeStarted => impact_ended_before_started in declaring,
    SeverityBelowFloor => severity_below_floor,
    SeverityUnchanged => severity_unchanged in declaring,
    UpdateRequired => update_required,
    CommanderRequired => commander_required,
    Sev1NeedsScribe => sev1_needs_scribe,
    Sev1ScribeNotCommander => sev1_scribe_not_commander in roles,
    Sev1CommsByEngineeringLead => sev1_comms_by_engineering_lead,
    SenderNotPermitted => sender_not_permitted in roles,
    UpdateNeedsNextUpdate => update_needs_next_update,
    NextUpdateNotAfterUpdate => next_update_not_after_update in comms,
    UpdateOwnerNotAssigned => update_owner_not_assigned,
    UpdateStatusMismatch => update_status_mismatch,
    PublicUpdateNotByCommsOwner => public_update_not_by_comms_owner in comms,
    MitigateBeforeRca => mitigate_before_rca in mitigation,
    RollbackSameTag => rollback_same_tag,
    UnknownDependency => unknown_dependency,
    UnknownHealthEndpoint => unknown_health_endpoint in resolving,
    DependencyNotOptional => dependency_not_optional,
    BlockEndpointRiskNotHigher => block_endpoint_risk_not_higher,
    BlockNotLifted => block_not_lifted in mitigation,
    NoSuchBlock => no_such_block in mitigation,
    TemporaryMeasureInEffect => temporary_measure_in_effect in mitigation,
    NoSuchMitigation => no_such_mitigation in mitigation,
    MitigationAlreadyEnded => mitigation_already_ended in mitigation,
    EndedBeforeStarted => ended_before_started in mitigation,
    MitigationNotEnded => mitigation_not_ended in mitigation,
    ResolveFromMonitoring => resolve_from_monitoring in resolving,
    VerificationApiHealth => verification_api_health,
    VerificationEndpoints => verification_endpoints,
    VerificationFrontend => verification_frontend,
    VerificationData => verification_data,
    VerificationDependencies => verification_dependencies,
    ExceptionNotByCommander => exception_not_by_commander,
    ExceptionUnknownCheck => exception_unknown_check,
    ExceptionForPassingCheck => exception_for_passing_check,
    TriageChecksMissing => triage_checks_missing in resolving,
    NotesRequired => notes_required in resolving,
    PostmortemRequired => postmortem_required in postmortem,
    PostmortemIncomplete => postmortem_incomplete,
    PostmortemSeverityMismatch => postmortem_severity_mismatch,
    PostmortemTimelineUnordered => postmortem_timeline_unordered,
    ActionItemIncomplete => action_item_incomplete,
    ActionItemDueBeforeIncident => action_item_due_before_incident,
    GuardrailActionMissing => guardrail_action_missing,
    SnapshotHistoryMismatch => snapshot_history_mismatch in snapshots,
    AmendmentReasonRequired => amendment_reason_required in records,
    LinkToSelf => link_to_self in records,
    ExpectedCompletionNotAfterProgress => expected_completion_not_after_progress in records,
}

/// The command (or snapshot) that breaks `rule`, played and checked; `None`
/// for a rule that has no trigger yet.
fn trigger(rule: Rule) -> Option<Rejection> {
    match own_trigger(rule) {
        Some(own) => Some(own()),
        None => triplets().find(|t| t.rule == rule).map(Triplet::check),
    }
}

#[test]
fn every_rule_of_the_catalogue_has_a_trigger() {
    let mut untested = Vec::new();
    // A retired rule has none: it is never reported.
    for rule in Rule::active() {
        match trigger(rule) {
            Some(rejection) => assert!(
                rejection.breaks(rule),
                "the trigger of {rule} does not break it: {rejection:#?}"
            ),
            None => untested.push(rule.id()),
        }
    }
    assert!(untested.is_empty(), "rules without a trigger: {untested:?}");
    // A row that a function of its own, or an earlier row, shadows is never played.
    let mut rows = BTreeSet::new();
    for row in triplets() {
        assert!(
            own_trigger(row.rule).is_none(),
            "{} has a row and a function",
            row.rule
        );
        assert!(rows.insert(row.rule), "{} has two rows", row.rule);
    }
}
