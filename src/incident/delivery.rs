//! At-least-once delivery: which accepted command a `command_id` names.
//!
//! A sender that lost its answer sends the command again; the incident
//! finds the first delivery by its id and compares. The index keeps only
//! each command's position in the history and reads the id from there, so
//! an entry is one `u32` (4 bytes) rather than the id and the position
//! (24): the index is on every command's path and kept for every command.
//! A history longer than `u32` counts (never met: it would take hundreds of
//! gigabytes) is searched from there on by reading it.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::incident::command::Command;
use crate::incident::id::CommandId;

/// Positions in an incident's history, found by their commands' ids.
#[derive(Debug, Clone, Default)]
pub(super) struct DeliveryIndex {
    positions: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl DeliveryIndex {
    /// Indexes the last command of `history`, just pushed.
    pub(super) fn push(&mut self, history: &[Command]) {
        let Some(last) = history.len().checked_sub(1) else {
            return;
        };
        let (Some(cmd), Ok(position)) = (history.get(last), u32::try_from(last)) else {
            return;
        };
        let hash = self.hasher.hash_one(cmd.command_id);
        // Growing rehashes the earlier positions by their commands' ids.
        let rehash = rehash(&self.hasher, history);
        self.positions.insert_unique(hash, position, rehash);
    }

    /// Indexes every command of `history` anew: for an incident rebuilt
    /// from a snapshot.
    pub(super) fn rebuild(&mut self, history: &[Command]) {
        self.positions.clear();
        self.positions
            .reserve(history.len(), rehash(&self.hasher, history));
        for (i, cmd) in (0..=u32::MAX).zip(history) {
            let hash = self.hasher.hash_one(cmd.command_id);
            self.positions
                .insert_unique(hash, i, rehash(&self.hasher, history));
        }
    }

    /// Gives back the table's spare room: for a closed incident, which
    /// takes no more commands.
    pub(super) fn shrink_to_fit(&mut self, history: &[Command]) {
        let rehash = rehash(&self.hasher, history);
        self.positions.shrink_to_fit(rehash);
    }

    /// The command of `history` accepted under `id`, if any.
    pub(super) fn find<'h>(&self, id: CommandId, history: &'h [Command]) -> Option<&'h Command> {
        let hash = self.hasher.hash_one(id);
        let at = |i: u32| history.get(usize::try_from(i).ok()?);
        let indexed = self
            .positions
            .find(hash, |&i| at(i).is_some_and(|c| c.command_id == id));
        match indexed {
            Some(&i) => at(i),
            // Beyond the positions a `u32` holds, if the history goes there.
            None => {
                let indexed = (u32::MAX as usize).saturating_add(1);
                (history.iter().skip(indexed)).find(|c| c.command_id == id)
            }
        }
    }
}

/// The hash of the command at a position, for moving it when the table
/// grows or shrinks. Every indexed position is in the history.
fn rehash<'a>(
    hasher: &'a foldhash::fast::RandomState,
    history: &'a [Command],
) -> impl Fn(&u32) -> u64 + 'a {
    move |&i| {
        let cmd = usize::try_from(i).ok().and_then(|i| history.get(i));
        cmd.map_or(0, |c| hasher.hash_one(c.command_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::command::CommandBody;
    use crate::incident::id::IncidentId;
    use uuid::Uuid;

    fn id(n: u128) -> CommandId {
        CommandId::from(Uuid::from_u128(n))
    }

    fn command(n: u128) -> Command {
        let at = "2026-05-04T09:12:00Z".parse().unwrap();
        Command::new(
            IncidentId::from(Uuid::from_u128(7)),
            id(n),
            at,
            CommandBody::Close,
        )
    }

    #[test]
    fn every_command_is_found_by_its_id_after_the_table_grows_and_shrinks() {
        let mut history = Vec::new();
        let mut index = DeliveryIndex::default();
        for n in 1..=1000 {
            history.push(command(n));
            index.push(&history);
        }
        let check = |index: &DeliveryIndex| {
            for n in 1..=1000 {
                let found = index.find(id(n), &history).map(|c| c.command_id);
                assert_eq!(found, Some(id(n)));
            }
            assert!(index.find(id(1001), &history).is_none());
        };
        check(&index);
        index.shrink_to_fit(&history);
        check(&index);
    }
}
