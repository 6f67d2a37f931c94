//! The SQLite backend: one file, any number of processes.

use std::path::Path;
use std::time::{Duration, Instant};

use incident_playbook::{Command, CommandId, IncidentId, PlaybookId};
use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::row::{self, Append, Row};
use crate::{ChangeCursor, Changes, SNAPSHOT_EVERY, Store, StoredSnapshot};

/// The table: one row per accepted command. The primary key is the
/// optimistic lock; the second key makes a racing redelivery fail rather
/// than store a command twice. `playbook` is the identity (JSON) of the
/// playbook that judged the command, `NULL` when it names itself not.
/// `incident_snapshots` keeps each incident's latest snapshot (the store's
/// cache); a file from before it gets it, and loads replay in full until
/// the first snapshot is kept.
pub const SQLITE_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS incident_commands (
    incident_id TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    command_id  TEXT    NOT NULL,
    command     TEXT    NOT NULL,
    playbook    TEXT,
    PRIMARY KEY (incident_id, version),
    UNIQUE (incident_id, command_id)
) STRICT;
CREATE TABLE IF NOT EXISTS incident_snapshots (
    incident_id TEXT    PRIMARY KEY,
    version     INTEGER NOT NULL CHECK (version >= 1),
    format      TEXT    NOT NULL,
    state       TEXT    NOT NULL
) STRICT;
";

/// A table from before the store kept the playbook gets the column (its
/// rows keep `NULL`: not recorded). SQLite has no `ADD COLUMN IF NOT
/// EXISTS`, so the column is looked for under the write lock, which makes
/// two processes opening an old file at once add it once.
const SQLITE_MIGRATION: &str = "ALTER TABLE incident_commands ADD COLUMN playbook TEXT";

/// How long a writer waits for SQLite's single write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Incident histories in an SQLite database.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    snapshot_every: u64,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in the file at `path`.
    ///
    /// WAL lets readers load histories while a writer inserts; the busy
    /// timeout makes writers, in this process or another, queue for
    /// SQLite's single write lock instead of failing.
    ///
    /// # Errors
    ///
    /// A database error when the file cannot be opened or set up.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let deadline = Instant::now() + BUSY_TIMEOUT;
        loop {
            match Self::open_once(path) {
                Err(Error::Unavailable(e)) if is_busy(&e) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                opened => return opened,
            }
        }
    }

    /// One try at opening. SQLite answers busy at once, without calling
    /// the busy handler, where waiting could deadlock: switching the file
    /// to WAL while another process reads it, or opening while the last
    /// connection of another process checkpoints and removes the WAL on
    /// close. Those answers pass in milliseconds, so `open` tries again.
    fn open_once(path: &Path) -> Result<Self, Error> {
        let conn = Connection::open(path).map_err(database_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(database_error)?;
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(database_error)?;
        Self::with(conn)
    }

    /// A store in memory, gone when dropped: for tests and examples.
    ///
    /// # Errors
    ///
    /// A database error when SQLite fails.
    pub fn in_memory() -> Result<Self, Error> {
        Self::with(Connection::open_in_memory().map_err(database_error)?)
    }

    fn with(mut conn: Connection) -> Result<Self, Error> {
        conn.execute_batch(SQLITE_SCHEMA).map_err(database_error)?;
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(database_error)?;
        let has_playbook: bool = tx
            .query_row(
                "SELECT count(*) > 0 FROM pragma_table_info('incident_commands')
                 WHERE name = 'playbook'",
                [],
                |r| r.get(0),
            )
            .map_err(database_error)?;
        if !has_playbook {
            tx.execute_batch(SQLITE_MIGRATION).map_err(database_error)?;
        }
        tx.commit().map_err(database_error)?;
        Ok(SqliteStore {
            conn,
            snapshot_every: SNAPSHOT_EVERY,
        })
    }

    /// The same store keeping a snapshot after every `n`-th accepted
    /// command (0: none, every load replays the whole history).
    #[must_use]
    pub fn with_snapshot_every(mut self, n: u64) -> Self {
        self.snapshot_every = n;
        self
    }

    /// The connection, for what the store does not offer (a read model
    /// written beside the rows, a backup).
    pub fn connection(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// A query for rows, with the columns in the order [`read_row`] reads them.
macro_rules! select_rows {
    ($rest:literal) => {
        concat!(
            "SELECT version, command_id, command, playbook FROM incident_commands ",
            $rest
        )
    };
}

type RawRow = (i64, String, String, Option<String>);

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn parse_raw(incident: IncidentId, (version, id, json, playbook): RawRow) -> Result<Row, Error> {
    row::parse(incident, version, &id, &json, playbook.as_deref())
}

impl SqliteStore {
    /// The row `sql` (a [`select_rows!`] query) selects, if any.
    fn one_row<P: rusqlite::Params>(
        &self,
        incident: IncidentId,
        sql: &str,
        params: P,
    ) -> Result<Option<Row>, Error> {
        let raw = self
            .conn
            .query_row(sql, params, read_row)
            .optional()
            .map_err(database_error)?;
        raw.map(|raw| parse_raw(incident, raw)).transpose()
    }
}

/// An incident and its latest version as a listing query reads them.
fn listed(id: &str, version: i64) -> Result<(IncidentId, u64), Error> {
    let id: IncidentId = id.parse().map_err(|e| Error::Backend(Box::new(e)))?;
    let version =
        u64::try_from(version).map_err(|_| Error::corrupt(id, format!("version {version}")))?;
    Ok((id, version))
}

impl Store for SqliteStore {
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(select_rows!("WHERE incident_id = ?1 ORDER BY version"))
            .map_err(database_error)?;
        let raw = stmt
            .query_map([incident.to_string()], read_row)
            .map_err(database_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(database_error)?;
        raw.into_iter()
            .map(|raw| parse_raw(incident, raw))
            .collect()
    }

    fn append(
        &mut self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        let incident = command.incident_id;
        let inserted = self.conn.execute(
            "INSERT INTO incident_commands (incident_id, version, command_id, command, playbook)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                incident.to_string(),
                row::sql_version(incident, version)?,
                command.command_id.to_string(),
                row::to_json(command)?,
                row::playbook_json(incident, playbook)?
            ],
        );
        match inserted {
            Ok(_) => Ok(Append::Stored),
            Err(e) if is_unique_violation(&e) => Ok(Append::Conflict),
            Err(e) => Err(database_error(e)),
        }
    }

    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT incident_id, max(version) FROM incident_commands
                 GROUP BY incident_id ORDER BY incident_id",
            )
            .map_err(database_error)?;
        let raw = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(database_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(database_error)?;
        raw.into_iter()
            .map(|(id, version)| listed(&id, version))
            .collect()
    }

    /// By `rowid`: SQLite stores one transaction at a time, each row at the
    /// largest `rowid` + 1, and rows are never deleted, so a row with a
    /// larger `rowid` was stored after (`VACUUM` keeps a dense order).
    fn changes_since(&mut self, since: ChangeCursor) -> Result<Changes, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT incident_id, max(version), max(rowid) FROM incident_commands
                 WHERE rowid > ?1 GROUP BY incident_id ORDER BY incident_id",
            )
            .map_err(database_error)?;
        let since_rowid = i64::try_from(since.0).unwrap_or(i64::MAX);
        let raw = stmt
            .query_map([since_rowid], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(database_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(database_error)?;
        let last = raw.iter().map(|(_, _, rowid)| *rowid).max();
        let next = last.map_or(since, |r| ChangeCursor(u64::try_from(r).unwrap_or(0)));
        let incidents = raw
            .into_iter()
            .map(|(id, version, _)| listed(&id, version))
            .collect::<Result<_, _>>()?;
        Ok(Changes { incidents, next })
    }

    fn command(
        &mut self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error> {
        self.one_row(
            incident,
            select_rows!("WHERE incident_id = ?1 AND command_id = ?2"),
            [incident.to_string(), command_id.to_string()],
        )
    }

    /// One query for the first row, rather than the default's every row.
    fn declared_under(&mut self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        let first = self.one_row(
            incident,
            select_rows!("WHERE incident_id = ?1 ORDER BY version LIMIT 1"),
            [incident.to_string()],
        )?;
        Ok(first.and_then(|r| r.playbook))
    }

    fn latest_version(&mut self, incident: IncidentId) -> Result<u64, Error> {
        let version: i64 = self
            .conn
            .prepare_cached(
                "SELECT coalesce(max(version), 0) FROM incident_commands WHERE incident_id = ?1",
            )
            .map_err(database_error)?
            .query_row([incident.to_string()], |r| r.get(0))
            .map_err(database_error)?;
        u64::try_from(version).map_err(|_| Error::corrupt(incident, format!("version {version}")))
    }

    fn rows_after(&mut self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(select_rows!(
                "WHERE incident_id = ?1 AND version > ?2 ORDER BY version"
            ))
            .map_err(database_error)?;
        let raw = stmt
            .query_map(
                params![incident.to_string(), row::sql_version(incident, version)?],
                read_row,
            )
            .map_err(database_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(database_error)?;
        raw.into_iter()
            .map(|raw| parse_raw(incident, raw))
            .collect()
    }

    fn snapshot(&mut self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        let raw = self
            .conn
            .prepare_cached(
                "SELECT version, format, state FROM incident_snapshots WHERE incident_id = ?1",
            )
            .map_err(database_error)?
            .query_row([incident.to_string()], |r| {
                Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(database_error)?;
        Ok(raw.map(|(version, format, state)| StoredSnapshot {
            // A version below 1 cannot be stored (CHECK); 0 is never used.
            version: u64::try_from(version).unwrap_or(0),
            format,
            state,
        }))
    }

    fn save_snapshot(
        &mut self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        self.conn
            .prepare_cached(
                "INSERT INTO incident_snapshots (incident_id, version, format, state)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (incident_id) DO UPDATE
                 SET version = excluded.version, format = excluded.format, state = excluded.state
                 WHERE incident_snapshots.version < excluded.version
                    OR incident_snapshots.format <> excluded.format",
            )
            .map_err(database_error)?
            .execute(params![
                incident.to_string(),
                row::sql_version(incident, snapshot.version)?,
                snapshot.format,
                snapshot.state
            ])
            .map_err(database_error)?;
        Ok(())
    }

    fn snapshot_every(&self) -> u64 {
        self.snapshot_every
    }
}

impl SqliteStore {
    /// `commands`, all of one incident, at versions `first`, `first + 1`,
    /// … in one transaction, only if the latest stored version is
    /// `first - 1`: all stored (one commit) or none. What
    /// [`AsyncSqliteStore`](crate::AsyncSqliteStore) does for
    /// [`AsyncStore::append_batch`](crate::AsyncStore::append_batch).
    pub(crate) fn append_batch(
        &mut self,
        first: u64,
        commands: &[Command],
        playbook: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        let Some(head) = commands.first() else {
            return Ok(0);
        };
        // The write lock first, so that the latest version read stays the
        // latest until the commit.
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(database_error)?;
        let stored = self.append_all(head.incident_id, first, commands, playbook);
        let all = matches!(stored, Ok(n) if n == commands.len());
        // A failure to end it is the caller's error: the connection that
        // gave it is closed, not handed back (which rolls back).
        self.conn
            .execute_batch(if all { "COMMIT" } else { "ROLLBACK" })
            .map_err(database_error)?;
        stored.map(|n| if all { n } else { 0 })
    }

    fn append_all(
        &mut self,
        incident: IncidentId,
        first: u64,
        commands: &[Command],
        playbook: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        if self.latest_version(incident)? + 1 != first {
            return Ok(0);
        }
        for (version, command) in (first..).zip(commands) {
            if command.incident_id != incident
                || self.append(version, command, playbook)? == Append::Conflict
            {
                return Ok(0);
            }
        }
        Ok(commands.len())
    }
}

/// Whether an error is SQLite's busy or locked answer.
fn is_busy(e: &crate::error::Cause) -> bool {
    e.downcast_ref::<rusqlite::Error>().is_some_and(|e| {
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    })
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_extended_error_code(),
        Some(rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY | rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
    )
}

/// Sorts an SQLite error by what its caller can do about it: a busy or
/// locked file (another writer held it past the busy timeout), a full disk
/// or failing I/O may pass; a value too big or a constraint refuses the data.
fn database_error(e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked | C::SystemIoFailure | C::DiskFull) => {
            Error::Unavailable(Box::new(e))
        }
        Some(C::TooBig | C::ConstraintViolation | C::TypeMismatch) => {
            Error::DatabaseRefused(Box::new(e))
        }
        _ => Error::Backend(Box::new(e)),
    }
}
