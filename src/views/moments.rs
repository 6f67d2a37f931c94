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
