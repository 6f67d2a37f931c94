//! The playbook as a guide: what blocks the next step, what evidence it
//! needs, and when the next update is due, read from the state alone.
//!
//! Every answer asks the one function that judges the rule for a real
//! command (the phase table, `check_resolvable`, `check_closable`, …), so the
//! guide and the gate cannot disagree.

use crate::incident::{CommandKind, Incident, Transition};
use crate::playbook::Playbook;
use crate::rule::{Rejection, Violation, Violations};
use crate::time::Timestamp;
use crate::verification::Verification;

impl Incident {
    /// The rules a `kind` command sent now would break whatever it carried:
    /// the phase table's (`incident-closed`, `not-allowed-in-phase`,
    /// `resolve-from-monitoring`), and the duties the record owes first
    /// (`triage-checks-missing` and `notes-required` before `resolve`;
    /// `postmortem-required`, `temporary-mitigation-in-effect`,
    /// `block-not-lifted`, … before `close`; `mitigate-before-rca` before
    /// `record_root_cause`). Empty when only the command's own body can
    /// still break a rule.
    ///
    /// A command sent at the last command's time or later breaks every
    /// rule listed here, with the same path and message.
    ///
    /// ```
    /// use incident_playbook::{Replay, Rule, command::CommandKind};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// let lines: Vec<&str> = case.lines().collect();
    /// replay.line(lines[0]); // the declaration only
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let rules: Vec<Rule> = incident.blockers(CommandKind::Resolve).iter().map(|v| v.rule()).collect();
    /// assert!(rules.contains(&Rule::TriageChecksMissing));
    /// assert!(incident.blockers(CommandKind::AddNote).is_empty());
    /// ```
    pub fn blockers(&self, kind: CommandKind) -> Vec<Violation> {
        let transition = Transition::of(self.phase(), kind);
        if let Transition::Refused(rule) = transition {
            return vec![self.refusal(rule)];
        }
        let mut r = Violations::new();
        self.check_transition(&mut r, kind, transition);
        let state = &self.state;
        match kind {
            CommandKind::Resolve => state.check_resolvable(&mut r),
            CommandKind::Close => state.check_closable(&mut r),
            CommandKind::RecordRootCause => state.check_mitigated(&mut r),
            _ => {}
        }
        r.into_rejection()
            .map(Rejection::into_violations)
            .unwrap_or_default()
    }

    /// The verification checks a `resolve` must carry, passing, by their
    /// `SECTION.KEY` names (`health.live`, `endpoints./api/documents`,
    /// `frontend.login`, `data.no_partial_delete`, `dependencies.Blob
    /// Storage`): the playbook's health endpoints and what the impact
    /// demands. A failing one may instead be named by an exception.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let evidence = incident.resolve_evidence(&Playbook::default());
    /// assert!(evidence.iter().any(|name| name.starts_with("health.")));
    /// ```
    pub fn resolve_evidence(&self, playbook: &Playbook) -> Vec<String> {
        Verification::default()
            .results(self.impact(), playbook)
            .iter()
            .map(|c| c.name())
            .collect()
    }

    /// When the last update promised the next one; `None` once resolved or
    /// closed (a resolve's update promises none).
    ///
    /// ```
    /// use incident_playbook::Replay;
    /// let case = include_str!("../../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let first = replay.incidents().iter().next().unwrap();
    /// assert_eq!(first.next_update_due(), Some("2026-05-04T09:35:00Z".parse().unwrap()));
    /// ```
    pub fn next_update_due(&self) -> Option<Timestamp> {
        if !self.phase().is_open() {
            return None;
        }
        self.updates().next_back().and_then(|u| u.next_update())
    }
}
