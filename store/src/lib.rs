//! Incident histories in PostgreSQL or SQLite, one row per accepted command.
//!
//! The crate `incident-playbook` decides; a store only remembers. An incident
//! is the fold of its accepted commands, so a store keeps those (one row
//! each, keyed by `(incident_id, version)` and unique by
//! `(incident_id, command_id)`) and rebuilds the incident by restoring them
//! (the crate's trusted `Incident::restore`: accepted once, they are not
//! judged again under today's playbook).
//! Two guarantees make that safe under at-least-once delivery and concurrent
//! writers in any number of processes:
//!
//! - **idempotent `command_id`**: a redelivered command is an
//!   [`Outcome::Duplicate`] (the crate sees it in the replayed history) and is
//!   not stored again; the unique key backs that up when two deliveries race.
//! - **optimistic versions**: a writer reads without a lock, lets the crate
//!   handle the command (which gives the new version) and inserts the row.
//!   Of two writers that computed the same version, the key lets one win; the
//!   loser reloads and lets the crate judge the command again
//!   ([`Store::handle`] does this, a bounded number of times). A command that
//!   carries `expected_version` is then refused with `version-conflict`, as
//!   its sender asked; one without it goes on top of the new state or is
//!   refused by the rule it now breaks; one the winner stored is a duplicate.
//!
//! ```
//! use incident_store::{SqliteStore, Store};
//! use incident_playbook::{Command, Outcome, Playbook};
//!
//! let mut store = SqliteStore::in_memory()?;
//! let declare: Command = serde_json::from_str(r#"{"type": "declare",
//!   "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
//!   "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
//!   "title": "Slow document processing", "severity": "SEV3",
//!   "impact": {"environment": "production", "users": "Tenants using OCR",
//!     "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
//!     "flags": ["degraded_feature"]},
//!   "roles": {"commander": "Ada"},
//!   "update": {"impact": "OCR is slow", "action": "Checking provider status",
//!     "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}}"#)?;
//! let playbook = Playbook::default();
//! assert_eq!(store.handle(&playbook, &declare)?.outcome, Outcome::Applied { version: 1 });
//! // Delivered again: a duplicate, stored once.
//! assert_eq!(store.handle(&playbook, &declare)?.outcome, Outcome::Duplicate { version: 1 });
//! assert_eq!(store.rows(declare.incident_id)?.len(), 1);
//! let incident = store.restore(&playbook, declare.incident_id)?.expect("stored");
//! assert_eq!(incident.version(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

mod async_postgres;
mod async_sqlite;
mod async_warm;
mod asynchronous;
mod changes;
mod error;
/// Keeping the history in a store, and the reference HTTP service on it: the
/// repository's `docs/store-and-service.md` (documentation only; nothing to
/// import). Its Rust example runs as a doctest of this crate.
#[doc = include_str!("../../docs/store-and-service.md")]
pub mod guide {}

mod handle;
mod postgres;
mod row;
mod snapshot;
mod sqlite;
pub mod throwaway;
mod warm;

pub use async_postgres::AsyncPostgresStore;
pub use async_sqlite::AsyncSqliteStore;
pub use async_warm::{AsyncWarm, GATHER_WAIT};
pub use asynchronous::{AsyncStore, PoolLimits};
pub use changes::{ChangeCursor, Changes};
pub use error::{Cause, Error, ErrorKind};
pub use handle::{MAX_ATTEMPTS, Receipt};
pub use postgres::{POSTGRES_SCHEMA, PostgresStore};
pub use row::{Append, Row};
pub use snapshot::{SNAPSHOT_EVERY, SNAPSHOT_FORMAT, StoredSnapshot, snapshot_due};
pub use sqlite::{SQLITE_SCHEMA, SqliteStore};
pub use warm::{WARM_CAPACITY, Warm};

use incident_playbook::{Command, CommandId, Incident, IncidentId, Outcome, Playbook, PlaybookId};

/// Where incident histories are kept: the four operations a backend
/// provides, and the ones every adopter needs built on them
/// ([`restore`](Store::restore), [`handle`](Store::handle)).
///
/// A backend stores rows; it never judges a command. Judging is the crate's,
/// in [`Store::handle`], the same for every backend.
pub trait Store {
    /// The rows of `incident`, in version order, as stored (no gap check:
    /// [`Store::history`] checks).
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it), [`Error::Corrupt`] when a
    /// row is not a command of this incident.
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error>;

    /// Stores `command` as `version` of its incident, with the identity of
    /// the `playbook` that judged it (kept in the same row, so the
    /// declaration's row records what the incident was declared under),
    /// unless a row already has that version or that command id
    /// ([`Append::Conflict`]: another writer was first, and nothing was
    /// stored).
    ///
    /// # Errors
    ///
    /// A database error otherwise ([`Error::kind`] sorts it).
    fn append(
        &mut self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error>;

    /// Every incident with a stored row, with its latest version, by id.
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error>;

    /// The incidents with a row stored since `since` (every one from
    /// [`ChangeCursor::START`]), with their latest versions, and where to
    /// look from next: what a reader that keeps a view of every incident
    /// asks on each look, at the cost of what changed rather than of every
    /// incident ever declared. The default lists every incident each time;
    /// both backends read the rows stored since (SQLite by `rowid`,
    /// PostgreSQL by the transaction that stored them).
    ///
    /// ```
    /// use incident_store::{ChangeCursor, SqliteStore, Store};
    /// # use incident_playbook::{Command, Playbook};
    /// # let declare: Command = serde_json::from_str(r#"{"type": "declare",
    /// #   "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
    /// #   "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
    /// #   "title": "Slow document processing", "severity": "SEV3",
    /// #   "impact": {"environment": "production", "users": "Tenants using OCR",
    /// #     "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
    /// #     "flags": ["degraded_feature"]},
    /// #   "roles": {"commander": "Ada"},
    /// #   "update": {"impact": "OCR is slow", "action": "Checking provider status",
    /// #     "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}}"#)?;
    /// let mut store = SqliteStore::in_memory()?;
    /// store.handle(&Playbook::default(), &declare)?;
    /// let first = store.changes_since(ChangeCursor::START)?;
    /// assert_eq!(first.incidents, [(declare.incident_id, 1)]);
    /// // Nothing stored since: nothing to read again.
    /// assert!(store.changes_since(first.next)?.incidents.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    fn changes_since(&mut self, since: ChangeCursor) -> Result<Changes, Error> {
        let _ = since;
        Ok(Changes::everything(self.incidents()?))
    }

    /// The row stored under `command_id` in `incident`, if any: what was
    /// accepted under that id (the dedupe key).
    ///
    /// # Errors
    ///
    /// As [`Store::rows`].
    fn command(
        &mut self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error>;

    /// The playbook `incident` was declared under, as its first row
    /// recorded it: `None` when it has no rows, when that playbook named
    /// itself not, or when the row was stored before the store kept it.
    /// The default reads every row; both backends read the first only.
    ///
    /// # Errors
    ///
    /// As [`Store::rows`].
    fn declared_under(&mut self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        Ok(self
            .rows(incident)?
            .into_iter()
            .next()
            .and_then(|r| r.playbook))
    }

    /// The accepted commands of `incident` in order, checked to be versions
    /// 1, 2, 3, … without gaps (a gap would let the next insert fill it
    /// instead of conflicting).
    ///
    /// # Errors
    ///
    /// As [`Store::rows`]; [`Error::Corrupt`] for a gap.
    fn history(&mut self, incident: IncidentId) -> Result<Vec<Command>, Error> {
        row::checked_history(incident, self.rows(incident)?)
    }

    /// The latest stored version of `incident` (0: no rows): what a
    /// [`Warm`] store compares with the incident it keeps. The default
    /// reads every row; both backends ask for the maximum alone.
    ///
    /// # Errors
    ///
    /// As [`Store::rows`].
    fn latest_version(&mut self, incident: IncidentId) -> Result<u64, Error> {
        Ok(self.rows(incident)?.last().map_or(0, |r| r.version))
    }

    /// The rows of `incident` after `version`, in version order: what a
    /// [`Warm`] store reads to catch up. The default reads every row.
    ///
    /// # Errors
    ///
    /// As [`Store::rows`].
    fn rows_after(&mut self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        let mut rows = self.rows(incident)?;
        rows.retain(|r| r.version > version);
        Ok(rows)
    }

    /// The latest snapshot kept of `incident`, if any. The default keeps
    /// none (every load replays the whole history); both backends keep one
    /// per incident.
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    fn snapshot(&mut self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        let _ = incident;
        Ok(None)
    }

    /// Keeps `snapshot` as the latest of `incident`, unless one of a later
    /// version in the same format is kept already. The default keeps
    /// nothing.
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    fn save_snapshot(
        &mut self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        let _ = (incident, snapshot);
        Ok(())
    }

    /// After how many accepted commands [`Store::handle`] keeps a
    /// snapshot (at each version [`snapshot_due`] names: every multiple of
    /// it while the history is short, more rarely as it grows); 0: never.
    /// The default is 0; both backends default to [`SNAPSHOT_EVERY`].
    fn snapshot_every(&self) -> u64 {
        0
    }

    /// Rebuilds `incident` from its history with the crate's trusted
    /// [`Incident::restore`]: the rows were accepted when they were stored,
    /// so a playbook changed since (a dependency or health endpoint removed)
    /// or a rule tightened by an upgrade does not stop the incident from
    /// loading. `None` if it has no rows. The incident says which playbook
    /// it was declared under ([`Incident::declared_under`]) as the first
    /// row recorded it, not the `playbook` it is restored under.
    ///
    /// With a usable [snapshot](Store::snapshot), only the commands after
    /// it are restored on top of it ([`Incident::resume`]): the same
    /// incident as a full replay, at the cost of the tail.
    ///
    /// # Errors
    ///
    /// As [`Store::history`]; [`Error::Corrupt`] when the stored history is
    /// structurally broken (another incident's command, time going
    /// backwards, an id twice, a version out of sequence: edited by hand).
    fn restore(
        &mut self,
        playbook: &Playbook,
        incident: IncidentId,
    ) -> Result<Option<Incident>, Error> {
        // The snapshot first: rows only grow, so the rows read after it
        // include every command it is the state after.
        let snapshot = self.snapshot(incident)?;
        let rows = self.rows(incident)?;
        let declared_under = rows.first().and_then(|r| r.playbook.clone());
        let history = row::checked_history(incident, rows)?;
        if history.is_empty() {
            return Ok(None);
        }
        snapshot::restore(incident, snapshot, history, playbook)
            .map(|i| Some(i.with_declared_under(declared_under)))
    }

    /// Loads the incident, lets the crate handle `command` and stores it if
    /// applied: the append API of the store. A lost race reloads and judges
    /// again, up to [`MAX_ATTEMPTS`] times.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] when the crate refuses the command (or it kept
    /// losing: `version-conflict`); the store's errors otherwise.
    fn handle(&mut self, playbook: &Playbook, command: &Command) -> Result<Receipt, Error> {
        self.handle_with(playbook, command, MAX_ATTEMPTS)
    }

    /// [`Store::handle`] for a caller that needs only the outcome (a
    /// service answering with the new version): a [`Warm`] store then makes
    /// no copy of the incident, so the cost does not grow with its history.
    ///
    /// # Errors
    ///
    /// As [`Store::handle`].
    fn submit(&mut self, playbook: &Playbook, command: &Command) -> Result<Outcome, Error> {
        Ok(self.handle(playbook, command)?.outcome)
    }

    /// [`Store::handle`] with another bound on the attempts.
    ///
    /// # Errors
    ///
    /// As [`Store::handle`].
    fn handle_with(
        &mut self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
    ) -> Result<Receipt, Error> {
        handle::handle(self, playbook, command, max_attempts)
    }
}
