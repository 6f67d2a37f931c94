//! What changed in a store since a reader last looked: the incidents with
//! a row stored since, so that a reader that keeps a view of every incident
//! (a status page) pays for the changes, not for every incident ever
//! declared.

use incident_playbook::IncidentId;

/// Where a reader of [`Store::changes_since`](crate::Store::changes_since)
/// left off: a position in the store's order of appends, opaque to the
/// reader. The default is the start: every incident is a change since.
///
/// A cursor belongs to the store (the database) it came from: SQLite's
/// `rowid`, PostgreSQL's oldest transaction still running when the changes
/// were read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChangeCursor(pub(crate) u64);

impl ChangeCursor {
    /// The start of the store: [`Store::changes_since`](crate::Store::changes_since)
    /// from it lists every incident.
    pub const START: ChangeCursor = ChangeCursor(0);

    /// Whether this is the start (a listing from it names every incident).
    pub fn is_start(self) -> bool {
        self == Self::START
    }
}

/// The incidents with a row stored since a [`ChangeCursor`], and the cursor
/// to ask from next time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Changes {
    /// Each incident with a row stored since the cursor, with its latest
    /// version, by id. It may also name an incident already seen at that
    /// version (PostgreSQL names again what transactions still running at
    /// the last look stored): a reader compares versions.
    pub incidents: Vec<(IncidentId, u64)>,
    /// Where the next look starts.
    pub next: ChangeCursor,
}

impl Changes {
    /// Every incident, as a store without a change order answers: the next
    /// look starts from the start again.
    pub fn everything(incidents: Vec<(IncidentId, u64)>) -> Self {
        Changes {
            incidents,
            next: ChangeCursor::START,
        }
    }
}
