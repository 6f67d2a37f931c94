//! Every role holder over time: who held which role, from when until when,
//! so that a handover does not erase the first shift.

use crate::incident::Incident;
use crate::roles::Role;
use crate::text::Name;
use crate::time::Timestamp;

/// One person's term in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Term {
    pub(super) role: Role,
    pub(super) holder: Name,
    /// The command that gave the role (its position in the history).
    pub(super) from_command: usize,
    /// When the term ended, if it did, and the command that ended it.
    pub(super) until: Option<(Timestamp, usize)>,
}

/// Every term of every role, in the order they began. The roles after each
/// command are read from the incident as it stood then
/// ([`Incident::each_state`]), so this follows the model's own reading of
/// `assign_roles` and `unassign_role`.
pub(super) fn terms(incident: &Incident) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    let history = incident.history();
    incident.each_state(|i, then| {
        let Some(at) = history.get(i).map(|c| c.at) else {
            return;
        };
        for role in Role::ALL {
            let now = then.roles().get(role);
            let open = terms
                .iter_mut()
                .rev()
                .find(|t| t.role == role && t.until.is_none());
            if open.as_ref().map(|t| &t.holder) == now {
                continue;
            }
            if let Some(t) = open {
                t.until = Some((at, i));
            }
            if let Some(holder) = now {
                terms.push(Term {
                    role,
                    holder: holder.clone(),
                    from_command: i,
                    until: None,
                });
            }
        }
    });
    terms
}

/// The role's name for people.
pub(super) fn label(role: Role) -> &'static str {
    match role {
        Role::Commander => "Commander",
        Role::TechnicalLead => "Technical lead",
        Role::CommunicationsOwner => "Communications owner",
        Role::Scribe => "Scribe",
        Role::EngineeringLead => "Engineering lead",
    }
}

/// The responders as a list, one line per role, every holder in turn:
/// `- Commander: Ada (until 2026-05-04T10:00:00Z), Ken`.
pub(super) fn responders(terms: &[Term]) -> Option<String> {
    let lines: Vec<String> = Role::ALL
        .into_iter()
        .filter_map(|role| {
            let holders: Vec<String> = terms
                .iter()
                .filter(|t| t.role == role)
                .map(|t| match t.until {
                    Some((until, _)) => format!("{} (until {until})", t.holder),
                    None => t.holder.to_string(),
                })
                .collect();
            (!holders.is_empty()).then(|| format!("- {}: {}", label(role), holders.join(", ")))
        })
        .collect();
    (!lines.is_empty()).then(|| {
        format!(
            "Responders, every role holder in turn (times UTC):\n\n{}",
            lines.join("\n")
        )
    })
}

/// The timeline's words for the role changes command number `index` made
/// after the declaration: a handover, a new role, a role given up.
pub(super) fn changes_at(terms: &[Term], index: usize) -> Vec<String> {
    if index == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for role in Role::ALL {
        let ended = terms
            .iter()
            .find(|t| t.role == role && t.until.is_some_and(|(_, by)| by == index));
        let began = terms
            .iter()
            .find(|t| t.role == role && t.from_command == index);
        let text = match (ended, began) {
            (Some(old), Some(new)) => {
                format!(
                    "{}: {} hands over to {}",
                    label(role),
                    old.holder,
                    new.holder
                )
            }
            (None, Some(new)) => format!("{}: {}", label(role), new.holder),
            (Some(old), None) => format!("{}: {} steps down", label(role), old.holder),
            (None, None) => continue,
        };
        out.push(text);
    }
    out
}
