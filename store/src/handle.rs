//! Load, judge, append, and on a lost race judge again: the one operation
//! every adopter of a store needs.

use incident_playbook::{Command, Incident, Outcome, Playbook, Rejection, Rule, Violation};

use crate::snapshot::snapshot_due;
use crate::{Append, Error, Store, StoredSnapshot};

/// How many times [`Store::handle`] lets the crate judge a command before it
/// gives up with `version-conflict`. Each lost race means another writer
/// stored a command, so the store as a whole always makes progress; the
/// bound only stops one writer from starving on a very hot incident.
pub const MAX_ATTEMPTS: u32 = 10;

/// What [`Store::handle`] did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Receipt {
    /// Applied (with the new version) or a duplicate of a stored command.
    pub outcome: Outcome,
    /// The incident as stored after the command.
    pub incident: Incident,
    /// How many appends lost to another writer before this outcome.
    pub lost_races: u32,
}

pub(crate) fn handle<S: Store + ?Sized>(
    store: &mut S,
    playbook: &Playbook,
    command: &Command,
    max_attempts: u32,
) -> Result<Receipt, Error> {
    let mut lost_races = 0;
    loop {
        // Each attempt judges the command afresh against what is stored now:
        // the retry of a command the winner stored is a duplicate, and a
        // stale `expected_version` is refused by the crate, not papered over.
        let current = store.restore(playbook, command.incident_id)?;
        let (incident, outcome) = decide(current, command, playbook).map_err(Error::Rejected)?;
        let receipt = |incident, lost_races| Receipt {
            outcome,
            incident,
            lost_races,
        };
        if let Outcome::Duplicate { .. } = outcome {
            return Ok(receipt(incident, lost_races));
        }
        match store.append(outcome.version(), command, playbook.id())? {
            Append::Stored => {
                keep_snapshot(store, &incident)?;
                return Ok(receipt(incident, lost_races));
            }
            Append::Conflict => {
                lost_races += 1;
                if lost_races >= max_attempts {
                    return Err(Error::Rejected(gave_up(command, lost_races)));
                }
            }
        }
    }
}

/// Keeps a snapshot of `incident`, just stored, if its version is one the
/// store keeps snapshots at. The command is stored whatever happens here: a
/// snapshot that could not be kept only means a longer replay, so the
/// database's error is not the command's (the next call meets it, if it
/// lasts).
pub(crate) fn keep_snapshot<S: Store + ?Sized>(
    store: &mut S,
    incident: &Incident,
) -> Result<(), Error> {
    if snapshot_due(store.snapshot_every(), incident.version()) {
        let snapshot = StoredSnapshot::of(incident)?;
        let _ = store.save_snapshot(incident.id(), &snapshot);
    }
    Ok(())
}

/// Lets the crate judge `command` against `current` (`None`: no rows yet).
pub(crate) fn decide(
    current: Option<Incident>,
    command: &Command,
    playbook: &Playbook,
) -> Result<(Incident, Outcome), Rejection> {
    match current {
        Some(mut incident) => {
            let outcome = incident.handle(command.clone(), playbook)?;
            Ok((incident, outcome))
        }
        // `declare` refuses anything but a declaration with `not-declared`.
        None => Incident::declare(command.clone(), playbook)
            .map(|i| (i, Outcome::Applied { version: 1 })),
    }
}

/// The crate's `version-conflict`, for a writer that kept losing.
pub(crate) fn gave_up(command: &Command, lost_races: u32) -> Rejection {
    let path = command.expected_version.map(|_| "expected_version");
    Violation::new(
        Rule::VersionConflict,
        format!("other writers stored first {lost_races} times in a row; send it again"),
        path,
    )
    .into()
}
