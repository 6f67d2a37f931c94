//! Snapshots: an incident's state kept every so many commands, so that
//! loading it replays only the commands since.
//!
//! A snapshot is the store's own cache, never the record: the rows are. It
//! holds the state without the history and without the records the
//! history holds (the rows have those: [`Incident::compact_state`]), is written
//! after the row of each version [`snapshot_due`] names, and is used only
//! if the same store layout wrote it ([`SNAPSHOT_FORMAT`]); a missing,
//! older or unreadable one means a full replay.

use incident_playbook::{Command, CompactState, Incident, IncidentId, Playbook};

use crate::Error;

/// How often [`Store::handle`](crate::Store::handle) keeps a snapshot by
/// default: after every 100th accepted command while the history is short
/// (under 800 commands; then more rarely, [`snapshot_due`]).
pub const SNAPSHOT_EVERY: u64 = 100;

/// How many intervals long the history grows before the interval doubles.
const INTERVALS: u64 = 8;

/// Whether a store that keeps a snapshot every `every` commands (0: never)
/// keeps one at `version`: at each multiple of `every` while the history is
/// under 8 of them, then at each multiple of an interval that doubles
/// whenever the history reaches 8 intervals.
///
/// A snapshot holds the state, which grows with the history, so at a fixed
/// interval its cost per command would grow too (a 100,000-command
/// incident's state written every 100 commands). With the interval an
/// eighth to a quarter of the history, each command pays about the same
/// share of a snapshot however long the history (4 to 8 times its share of
/// the state), and a load judges at most a quarter of the history after
/// the snapshot. It reads every row anyway (the history is the rows), so
/// a snapshot saves only the judging of the rows before it: more frequent
/// ones would cost every command more to save a cold load little.
///
/// ```
/// use incident_store::snapshot_due;
///
/// assert!(snapshot_due(100, 700));
/// assert!(!snapshot_due(100, 900)); // from 800 on: every 200
/// assert!(snapshot_due(100, 1_000));
/// assert!(snapshot_due(100, 89_600)); // from 51,200 on: every 12,800
/// assert!(!snapshot_due(100, 100_000));
/// assert!(!snapshot_due(0, 100));
/// ```
pub fn snapshot_due(every: u64, version: u64) -> bool {
    if every == 0 || version == 0 {
        return false;
    }
    let mut interval = every;
    while version / interval >= INTERVALS {
        interval = interval.saturating_mul(2);
    }
    version.is_multiple_of(interval)
}

/// What a snapshot's `format` column says: the store's version and the
/// layout of the state. A snapshot written under another is ignored (a full
/// replay, then the next snapshot replaces it), so an upgrade that changes
/// what the crate builds from a history cannot load a stale state.
pub const SNAPSHOT_FORMAT: &str =
    concat!("incident-store ", env!("CARGO_PKG_VERSION"), "; state 2");

/// A snapshot as a backend keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSnapshot {
    /// The version it is the state after.
    pub version: u64,
    /// The [`SNAPSHOT_FORMAT`] it was written in.
    pub format: String,
    /// The incident's [`CompactState`] as JSON.
    pub state: String,
}

impl StoredSnapshot {
    /// The snapshot of `incident` as a backend keeps it: the state without
    /// the history or the records it holds ([`Incident::compact_state`]),
    /// written from the incident as it is, nothing copied or rebuilt.
    ///
    /// # Errors
    ///
    /// [`Error::Corrupt`] if the state cannot be written (it always can).
    pub fn of(incident: &Incident) -> Result<Self, Error> {
        let id = incident.id();
        let version = incident.version();
        let json = serde_json::to_string(&incident.compact_state());
        let snapshot = StoredSnapshot {
            version,
            format: SNAPSHOT_FORMAT.to_owned(),
            state: json.map_err(|e| Error::corrupt(id, e.to_string()))?,
        };
        Ok(snapshot)
    }
}

/// Restores `incident` from its whole `history`: from `snapshot` and the
/// commands after it when the snapshot is usable, else by replaying all.
pub(crate) fn restore(
    incident: IncidentId,
    snapshot: Option<StoredSnapshot>,
    mut history: Vec<Command>,
    playbook: &Playbook,
) -> Result<Incident, Error> {
    let corrupt = |r: incident_playbook::Rejection| Error::corrupt(incident, r.to_string());
    if let Some(state) = snapshot.and_then(|s| usable(s, history.len())) {
        let at = usize::try_from(state.version()).map_or(history.len(), |v| v.min(history.len()));
        let tail = history.split_off(at);
        return Incident::resume_compact(state, history, tail, playbook).map_err(corrupt);
    }
    Incident::restore(history, playbook).map_err(corrupt)
}

/// The state of `snapshot` if this store's layout wrote it, it reads, and
/// it is of a version the history has.
fn usable(snapshot: StoredSnapshot, length: usize) -> Option<CompactState> {
    if snapshot.format != SNAPSHOT_FORMAT
        || snapshot.version == 0
        || snapshot.version > length as u64
    {
        return None;
    }
    let state: CompactState = serde_json::from_str(&snapshot.state).ok()?;
    (state.version() == snapshot.version).then_some(state)
}
