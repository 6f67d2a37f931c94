//! The phase table: every command in every phase.

use super::*;

/// The contract's phase table: the type, the phases it is allowed in, the phase after
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
add_note             | investigating mitigating monitoring resolved closed | same
record_root_cause    | investigating mitigating monitoring resolved closed | same
start_mitigation     | investigating mitigating monitoring           | mitigating
begin_monitoring     | mitigating                                    | monitoring
resume_investigation | mitigating monitoring                         | investigating
lift_block           | investigating mitigating monitoring resolved  | same
resolve              | monitoring *investigating *mitigating         | resolved
reopen               | resolved                                      | investigating
submit_postmortem    | resolved closed                               | same
close                | resolved                                      | closed
assign_roles         | investigating mitigating monitoring resolved  | same
end_mitigation       | investigating mitigating monitoring resolved  | same
rename               | investigating mitigating monitoring resolved  | same
revise_outcome       | investigating mitigating monitoring resolved closed | same
record_progress      | investigating mitigating monitoring resolved  | same
correct_impact       | investigating mitigating monitoring resolved closed | same
link_incident        | investigating mitigating monitoring resolved closed | same
record_fix           | investigating mitigating monitoring resolved closed | same
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
fn the_phase_table_for_every_command_in_all_5_phases() {
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
                // Closing, and revising an outcome, need the block ended.
                let needs_end = matches!(kind, CommandKind::Close | CommandKind::ReviseOutcome);
                if needs_end && phase != Phase::Closed {
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
                if phase == Phase::Closed && listed.is_none() {
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
    assert_eq!(cells, CommandKind::ALL.len() * 5 * 2);
}
