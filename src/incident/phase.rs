//! The phases of an incident and the phase table.

use crate::comms::Status;
use crate::incident::command::CommandKind;
use crate::rule::Rule;

crate::wire::wire_enum! {
    /// Where an incident is in its life.
    ///
    /// ```text
    /// investigating ⇄ mitigating → monitoring → resolved → closed
    ///       ↑______________________________________|  (reopen)
    /// ```
    pub enum Phase {
        /// Finding out what is wrong.
        Investigating = "investigating",
        /// A mitigation is under way.
        Mitigating = "mitigating",
        /// A mitigation is in place and watched.
        Monitoring = "monitoring",
        /// Verified and resolved; follow-up (postmortem) goes on.
        Resolved = "resolved",
        /// Done. Only amendments are accepted: later findings (a note, a
        /// revised postmortem or root cause, a correction, a link, a fix),
        /// each recorded as an amendment.
        Closed = "closed",
    }
}

impl Phase {
    /// The comms status of this phase (`None` once closed).
    pub fn status(self) -> Option<Status> {
        match self {
            Phase::Investigating => Some(Status::Investigating),
            Phase::Mitigating => Some(Status::Mitigating),
            Phase::Monitoring => Some(Status::Monitoring),
            Phase::Resolved => Some(Status::Resolved),
            Phase::Closed => None,
        }
    }

    /// Whether the incident is open (not resolved, not closed).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Phase::Investigating | Phase::Mitigating | Phase::Monitoring
        )
    }
}

impl From<Status> for Phase {
    fn from(s: Status) -> Self {
        match s {
            Status::Investigating => Phase::Investigating,
            Status::Mitigating => Phase::Mitigating,
            Status::Monitoring => Phase::Monitoring,
            Status::Resolved => Phase::Resolved,
        }
    }
}

/// What the phase table says of a command sent in a phase: where the
/// incident goes, or which rule refuses the command.
///
/// ```
/// use incident_playbook::{Phase, Rule, Transition, command::CommandKind};
/// assert_eq!(
///     Transition::of(Phase::Mitigating, CommandKind::BeginMonitoring),
///     Transition::To(Phase::Monitoring)
/// );
/// assert_eq!(
///     Transition::of(Phase::Investigating, CommandKind::BeginMonitoring),
///     Transition::NotAllowed
/// );
/// assert_eq!(
///     Transition::of(Phase::Closed, CommandKind::PostUpdate),
///     Transition::Refused(Rule::IncidentClosed)
/// );
/// // After close, later findings are amendments.
/// assert_eq!(
///     Transition::of(Phase::Closed, CommandKind::AddNote),
///     Transition::To(Phase::Closed)
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transition {
    /// Allowed; the incident is then in this phase (its own phase for the
    /// commands that do not move it).
    To(Phase),
    /// Allowed once users are no longer affected, and then to this phase;
    /// while they are, `resolve-from-monitoring` refuses it.
    ToOnceUsersUnaffected(Phase),
    /// `not-allowed-in-phase`. The command is still checked in full, as
    /// if it went where it goes from the phases that allow it, so that every
    /// other broken rule is reported too.
    NotAllowed,
    /// Refused by this rule before anything else is checked
    /// (`incident-closed`, `already-declared`).
    Refused(Rule),
}

impl Transition {
    /// The phase table: what `kind`, sent while the incident is in `phase`,
    /// does to it. Any pair not named is `not-allowed-in-phase`.
    pub fn of(phase: Phase, kind: CommandKind) -> Transition {
        use CommandKind as K;
        use Phase as P;
        use Transition as T;
        match (phase, kind) {
            (P::Closed, k) if k.amends() => T::To(P::Closed),
            (P::Closed, _) => T::Refused(Rule::IncidentClosed),
            (_, K::Declare) => T::Refused(Rule::AlreadyDeclared),
            // Open or resolved: the record keeps growing.
            (
                open @ (P::Investigating | P::Mitigating | P::Monitoring | P::Resolved),
                K::PostUpdate
                | K::AssignRole
                | K::AssignRoles
                | K::UnassignRole
                | K::AddNote
                | K::RecordRootCause
                | K::LiftBlock
                | K::EndMitigation
                | K::Rename
                | K::ReviseOutcome
                | K::RecordProgress
                | K::CorrectImpact
                | K::LinkIncident
                | K::RecordFix,
            ) => T::To(open),
            // Open only.
            (
                open @ (P::Investigating | P::Mitigating | P::Monitoring),
                K::ChangeSeverity | K::UpdateImpact | K::RecordCheck,
            ) => T::To(open),
            (P::Investigating | P::Mitigating | P::Monitoring, K::StartMitigation) => {
                T::To(P::Mitigating)
            }
            (P::Investigating | P::Mitigating, K::Resolve) => T::ToOnceUsersUnaffected(P::Resolved),
            (P::Monitoring, K::Resolve) => T::To(P::Resolved),
            (P::Mitigating, K::BeginMonitoring) => T::To(P::Monitoring),
            (P::Mitigating | P::Monitoring, K::ResumeInvestigation) => T::To(P::Investigating),
            // Resolved only.
            (P::Resolved, K::Reopen) => T::To(P::Investigating),
            (P::Resolved, K::SubmitPostmortem) => T::To(P::Resolved),
            (P::Resolved, K::Close) => T::To(P::Closed),
            _ => T::NotAllowed,
        }
    }

    /// The phase the command leads to, if the table allows it.
    fn to(self) -> Option<Phase> {
        match self {
            Transition::To(p) | Transition::ToOnceUsersUnaffected(p) => Some(p),
            Transition::NotAllowed | Transition::Refused(_) => None,
        }
    }
}

impl CommandKind {
    /// Whether a closed incident takes this command, as an amendment: the
    /// later findings a record needs after close (a note, a revised
    /// postmortem or root cause, a correction, a revised outcome, a link, a
    /// fix). Every other
    /// command is `incident-closed` there.
    ///
    /// ```
    /// use incident_playbook::{Phase, command::CommandKind};
    /// assert!(CommandKind::AddNote.amends());
    /// assert!(CommandKind::AddNote.allowed_in(Phase::Closed));
    /// assert!(!CommandKind::PostUpdate.amends());
    /// ```
    pub fn amends(self) -> bool {
        matches!(
            self,
            CommandKind::AddNote
                | CommandKind::SubmitPostmortem
                | CommandKind::RecordRootCause
                | CommandKind::CorrectImpact
                | CommandKind::ReviseOutcome
                | CommandKind::LinkIncident
                | CommandKind::RecordFix
        )
    }

    /// Whether the phase table allows this command in `phase`.
    ///
    /// `resolve` from `investigating` or `mitigating` is allowed here; the
    /// rule `resolve-from-monitoring` then demands that user impact is over
    /// ([`Transition::ToOnceUsersUnaffected`]).
    ///
    /// ```
    /// use incident_playbook::{Phase, command::CommandKind};
    /// assert!(CommandKind::BeginMonitoring.allowed_in(Phase::Mitigating));
    /// assert!(!CommandKind::BeginMonitoring.allowed_in(Phase::Investigating));
    /// assert!(!CommandKind::PostUpdate.allowed_in(Phase::Closed));
    /// ```
    pub fn allowed_in(self, phase: Phase) -> bool {
        Transition::of(phase, self).to().is_some()
    }

    /// The phase after this command, accepted in `phase`.
    ///
    /// Where the table does not allow it, the phase it leads to from the
    /// phases that do (`phase` for a command that moves nowhere); `declare`
    /// opens an incident in `investigating`.
    ///
    /// ```
    /// use incident_playbook::{Phase, command::CommandKind};
    /// assert_eq!(CommandKind::BeginMonitoring.phase_after(Phase::Mitigating), Phase::Monitoring);
    /// assert_eq!(CommandKind::AddNote.phase_after(Phase::Resolved), Phase::Resolved);
    /// ```
    pub fn phase_after(self, phase: Phase) -> Phase {
        if self == CommandKind::Declare {
            return Phase::Investigating;
        }
        Transition::of(phase, self).to().unwrap_or_else(|| {
            Phase::ALL
                .into_iter()
                .filter_map(|from| Transition::of(from, self).to().filter(|to| *to != from))
                .next()
                .unwrap_or(phase)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_but_declare_has_a_row() {
        for kind in CommandKind::ALL {
            let rows = Phase::ALL
                .into_iter()
                .filter(|p| kind.allowed_in(*p))
                .count();
            assert_eq!(rows == 0, kind == CommandKind::Declare, "{kind}");
        }
    }

    #[test]
    fn a_refused_command_is_checked_as_going_where_it_goes_elsewhere() {
        use CommandKind as K;
        use Phase as P;
        assert_eq!(K::Declare.phase_after(P::Monitoring), P::Investigating);
        assert_eq!(
            K::BeginMonitoring.phase_after(P::Investigating),
            P::Monitoring
        );
        assert_eq!(
            K::ResumeInvestigation.phase_after(P::Resolved),
            P::Investigating
        );
        assert_eq!(K::StartMitigation.phase_after(P::Resolved), P::Mitigating);
        assert_eq!(K::ChangeSeverity.phase_after(P::Resolved), P::Resolved);
        assert_eq!(K::Close.phase_after(P::Monitoring), P::Closed);
    }
}
