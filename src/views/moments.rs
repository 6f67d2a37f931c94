//! The incident as it stood right after one of its commands: what a view
//! reads when it tells what was true at that moment (the impact at resolve,
//! the roles after a handover, the impact an exported event states).

use crate::incident::Incident;
use crate::playbook::Playbook;

/// `incident` as it stood right after its command number `index` (from 0):
/// its history up to that command, restored. The history was accepted
/// already, so it is restored, not judged again, and the playbook it was
/// judged under does not matter ([`Incident::restore`]). `None` past the
/// end, or if the prefix cannot be rebuilt (it always can for an incident's
/// own history).
pub(crate) fn after(incident: &Incident, index: usize) -> Option<Incident> {
    let len = incident.history().len();
    if index >= len {
        return None;
    }
    if index + 1 == len {
        return Some(incident.clone());
    }
    let prefix = incident.history().iter().take(index + 1).cloned();
    Incident::restore(prefix, &Playbook::default()).ok()
}

#[cfg(test)]
mod tests {
    use super::after;
    use crate::{Playbook, Replay};

    /// The one-pass walk and the restore of each prefix agree at every
    /// command, on the conformance cases that end with an incident.
    #[test]
    fn each_state_is_the_restored_prefix() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance/cases");
        let mut compared = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            let mut replay = Replay::new(Playbook::default());
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                replay.line(line);
            }
            for incident in replay.incidents().iter() {
                incident.each_state(|i, then| {
                    assert_eq!(Some(then), after(incident, i).as_ref(), "{path:?} {i}");
                    compared += 1;
                });
                assert!(after(incident, incident.history().len()).is_none());
            }
        }
        assert!(compared > 100, "only {compared} states compared");
    }
}
