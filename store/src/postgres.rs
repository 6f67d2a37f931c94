//! The PostgreSQL backend: the table the README describes.

use incident_playbook::{Command, CommandId, IncidentId, PlaybookId};
use postgres::error::SqlState;
use postgres::{Client, NoTls};

use crate::Error;
use crate::row::{self, Append, Row};
use crate::{ChangeCursor, Changes, SNAPSHOT_EVERY, Store, StoredSnapshot};

/// The table: its two keys are the two guarantees. The advisory lock makes
/// the `IF NOT EXISTS` safe when several processes connect at once (two
/// concurrent `CREATE TABLE`s can otherwise both try to create it).
/// `playbook` is the identity of the playbook that judged the command
/// (`NULL` when it names itself not); a table from before the store kept
/// it gets the column, its rows `NULL` (not recorded).
/// `stored_by` is the transaction that stored the row (PostgreSQL 13's
/// `xid8`, which does not wrap around), indexed: what
/// [`Store::changes_since`] reads the rows stored since by. A table from
/// before it gets the column without rewriting its rows (a column with no
/// value is added in place; the default applies to rows stored from then
/// on), its old rows `NULL`: stored before any cursor, so named only by a
/// look from the start.
/// `incident_snapshots` keeps each incident's latest snapshot (the store's
/// cache, as text: never queried, so not parsed as `jsonb`); a database
/// from before it gets it, and loads replay in full until the first
/// snapshot is kept.
pub const POSTGRES_SCHEMA: &str = "
BEGIN;
SELECT pg_advisory_xact_lock(7146329001);
CREATE TABLE IF NOT EXISTS incident_commands (
  incident_id uuid   NOT NULL,
  version     bigint NOT NULL CHECK (version >= 1),
  command_id  uuid   NOT NULL,
  command     jsonb  NOT NULL,
  playbook    jsonb,
  PRIMARY KEY (incident_id, version),
  UNIQUE (incident_id, command_id));
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS playbook jsonb;
ALTER TABLE incident_commands ADD COLUMN IF NOT EXISTS stored_by xid8;
ALTER TABLE incident_commands ALTER COLUMN stored_by SET DEFAULT pg_current_xact_id();
CREATE INDEX IF NOT EXISTS incident_commands_stored_by ON incident_commands (stored_by);
CREATE TABLE IF NOT EXISTS incident_snapshots (
  incident_id uuid   PRIMARY KEY,
  version     bigint NOT NULL CHECK (version >= 1),
  format      text   NOT NULL,
  state       text   NOT NULL);
COMMIT;
";

/// Incident histories in a PostgreSQL database.
///
/// Plain READ COMMITTED statements suffice: the unique index arbitrates (of
/// two inserts of one key, the second waits for the first and fails once it
/// commits), so no row is ever read under a lock.
pub struct PostgresStore {
    client: Client,
    snapshot_every: u64,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects (without TLS) with `params`, a connection string such as
    /// `host=/run/postgresql user=incident dbname=incidents` or
    /// `postgresql://user@localhost/incidents`, and creates the table if
    /// needed.
    ///
    /// # Errors
    ///
    /// [`Error::Unavailable`] when the server cannot be reached; another database error when it refuses.
    pub fn connect(params: &str) -> Result<Self, Error> {
        let client = Client::connect(params, NoTls).map_err(database_error)?;
        Self::with(client)
    }

    /// A store on a connected client; creates the table if needed.
    ///
    /// # Errors
    ///
    /// A database error when the table cannot be created.
    pub fn with(mut client: Client) -> Result<Self, Error> {
        client
            .batch_execute(POSTGRES_SCHEMA)
            .map_err(database_error)?;
        Ok(PostgresStore {
            client,
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

    /// The client, for what the store does not offer.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// A query for rows, with the columns in the order [`parse`] reads them.
macro_rules! select_rows {
    ($rest:literal) => {
        concat!(
            "SELECT version, command_id::text, command::text, playbook::text
             FROM incident_commands ",
            $rest
        )
    };
}

/// The statements both PostgreSQL stores run, the sync one and
/// [`AsyncPostgresStore`](crate::AsyncPostgresStore): one text each, so
/// that the two cannot drift apart.
pub(crate) mod sql {
    pub const ROWS: &str = select_rows!("WHERE incident_id = $1::text::uuid ORDER BY version");
    pub const APPEND: &str =
        "INSERT INTO incident_commands (incident_id, version, command_id, command, playbook)
         VALUES ($1::text::uuid, $2, $3::text::uuid, $4::text::jsonb, $5::text::jsonb)";
    /// [`APPEND`] only when the row before it is the latest: one statement
    /// for a writer that believes it knows the latest version.
    pub const APPEND_NEXT: &str =
        "INSERT INTO incident_commands (incident_id, version, command_id, command, playbook)
         SELECT $1::text::uuid, $2::bigint, $3::text::uuid, $4::text::jsonb, $5::text::jsonb
         WHERE (SELECT coalesce(max(version), 0) FROM incident_commands
                WHERE incident_id = $1::text::uuid) = $2::bigint - 1";
    /// [`APPEND_NEXT`] for several commands at once (`$3`, `$4`: their
    /// ids and JSON, in order, at versions `$2`, `$2 + 1`, …): all or
    /// none, in one statement.
    pub const APPEND_BATCH: &str =
        "INSERT INTO incident_commands (incident_id, version, command_id, command, playbook)
         SELECT $1::text::uuid, $2::bigint + t.n - 1, t.command_id::uuid, t.command::jsonb,
                $5::text::jsonb
         FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS t(command_id, command, n)
         WHERE (SELECT coalesce(max(version), 0) FROM incident_commands
                WHERE incident_id = $1::text::uuid) = $2::bigint - 1
         ORDER BY t.n";
    pub const INCIDENTS: &str = "SELECT incident_id::text, max(version) FROM incident_commands
         GROUP BY incident_id ORDER BY incident_id::text";
    /// The incidents with a row stored by a transaction at or after
    /// `$1` (from the start, `0`, also the rows from before the column, whose
    /// `stored_by` is `NULL`) with their latest versions, and the oldest transaction still
    /// running as this statement looks (every one before it has ended, so
    /// its rows are seen now if ever): the next look starts there. One row
    /// at least (for the cursor), the incident `NULL` when none changed.
    pub const CHANGES: &str =
        "WITH look AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS next)
         SELECT c.incident_id::text, c.version, look.next::text
         FROM look LEFT JOIN (
           SELECT incident_id, max(version) AS version FROM incident_commands
           WHERE stored_by >= $1::text::xid8 OR ($1::text = '0' AND stored_by IS NULL)
           GROUP BY incident_id) c ON true
         ORDER BY c.incident_id::text";
    pub const COMMAND: &str =
        select_rows!("WHERE incident_id = $1::text::uuid AND command_id = $2::text::uuid");
    pub const FIRST: &str =
        select_rows!("WHERE incident_id = $1::text::uuid ORDER BY version LIMIT 1");
    pub const LATEST: &str = "SELECT coalesce(max(version), 0) FROM incident_commands
         WHERE incident_id = $1::text::uuid";
    pub const ROWS_AFTER: &str =
        select_rows!("WHERE incident_id = $1::text::uuid AND version > $2 ORDER BY version");
    pub const SNAPSHOT: &str = "SELECT version, format, state FROM incident_snapshots
         WHERE incident_id = $1::text::uuid";
    pub const SAVE_SNAPSHOT: &str =
        "INSERT INTO incident_snapshots (incident_id, version, format, state)
         VALUES ($1::text::uuid, $2, $3, $4)
         ON CONFLICT (incident_id) DO UPDATE
         SET version = excluded.version, format = excluded.format, state = excluded.state
         WHERE incident_snapshots.version < excluded.version
            OR incident_snapshots.format <> excluded.format";
}

impl PostgresStore {
    /// The row `sql` (a [`select_rows!`] query) selects, if any.
    fn one_row(
        &mut self,
        incident: IncidentId,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        let row = self.client.query_opt(sql, params).map_err(database_error)?;
        row.map(|r| parse(incident, &r)).transpose()
    }
}

impl Store for PostgresStore {
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        let rows = self
            .client
            .query(sql::ROWS, &[&incident.to_string()])
            .map_err(database_error)?;
        rows.iter().map(|r| parse(incident, r)).collect()
    }

    fn append(
        &mut self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        let incident = command.incident_id;
        let inserted = self.client.execute(
            sql::APPEND,
            &[
                &incident.to_string(),
                &row::sql_version(incident, version)?,
                &command.command_id.to_string(),
                &row::to_json(command)?,
                &row::playbook_json(incident, playbook)?,
            ],
        );
        appended(inserted)
    }

    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error> {
        let rows = self
            .client
            .query(sql::INCIDENTS, &[])
            .map_err(database_error)?;
        rows.iter().map(parse_listed).collect()
    }

    /// By the transaction that stored each row: the incidents stored to by
    /// a transaction at or after the cursor, and as the next cursor the
    /// oldest transaction still running as it looks.
    fn changes_since(&mut self, since: ChangeCursor) -> Result<Changes, Error> {
        let rows = self
            .client
            .query(sql::CHANGES, &[&since.0.to_string()])
            .map_err(database_error)?;
        parse_changes(&rows)
    }

    fn command(
        &mut self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error> {
        self.one_row(
            incident,
            sql::COMMAND,
            &[&incident.to_string(), &command_id.to_string()],
        )
    }

    /// One query for the first row, rather than the default's every row.
    fn declared_under(&mut self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        let first = self.one_row(incident, sql::FIRST, &[&incident.to_string()])?;
        Ok(first.and_then(|r| r.playbook))
    }

    fn latest_version(&mut self, incident: IncidentId) -> Result<u64, Error> {
        let row = self
            .client
            .query_one(sql::LATEST, &[&incident.to_string()])
            .map_err(database_error)?;
        parse_latest(incident, &row)
    }

    fn rows_after(&mut self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        let rows = self
            .client
            .query(
                sql::ROWS_AFTER,
                &[&incident.to_string(), &row::sql_version(incident, version)?],
            )
            .map_err(database_error)?;
        rows.iter().map(|r| parse(incident, r)).collect()
    }

    fn snapshot(&mut self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        let row = self
            .client
            .query_opt(sql::SNAPSHOT, &[&incident.to_string()])
            .map_err(database_error)?;
        row.as_ref().map(parse_snapshot).transpose()
    }

    fn save_snapshot(
        &mut self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        self.client
            .execute(
                sql::SAVE_SNAPSHOT,
                &[
                    &incident.to_string(),
                    &row::sql_version(incident, snapshot.version)?,
                    &snapshot.format,
                    &snapshot.state,
                ],
            )
            .map_err(database_error)?;
        Ok(())
    }

    fn snapshot_every(&self) -> u64 {
        self.snapshot_every
    }
}

/// What an `INSERT` of a row came to: a key taken is a lost race.
pub(crate) fn appended(inserted: Result<u64, postgres::Error>) -> Result<Append, Error> {
    match inserted {
        // `APPEND_NEXT` inserts nothing when the row before is not the
        // latest: another writer stored since.
        Ok(0) => Ok(Append::Conflict),
        Ok(_) => Ok(Append::Stored),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Ok(Append::Conflict),
        Err(e) => Err(database_error(e)),
    }
}

/// A row of [`sql::INCIDENTS`].
pub(crate) fn parse_listed(r: &postgres::Row) -> Result<(IncidentId, u64), Error> {
    let id: String = r.try_get(0).map_err(database_error)?;
    let id: IncidentId = id.parse().map_err(|e| Error::Backend(Box::new(e)))?;
    let version: i64 = r.try_get(1).map_err(database_error)?;
    let version =
        u64::try_from(version).map_err(|_| Error::corrupt(id, format!("version {version}")))?;
    Ok((id, version))
}

/// The rows of [`sql::CHANGES`].
pub(crate) fn parse_changes(rows: &[postgres::Row]) -> Result<Changes, Error> {
    let mut changes = Changes::default();
    for r in rows {
        let next: String = r.try_get(2).map_err(database_error)?;
        let next = next.parse().map_err(|e| Error::Backend(Box::new(e)))?;
        changes.next = ChangeCursor(next);
        let id: Option<String> = r.try_get(0).map_err(database_error)?;
        if id.is_some() {
            changes.incidents.push(parse_listed(r)?);
        }
    }
    Ok(changes)
}

/// The row of [`sql::LATEST`].
pub(crate) fn parse_latest(incident: IncidentId, row: &postgres::Row) -> Result<u64, Error> {
    let version: i64 = row.try_get(0).map_err(database_error)?;
    u64::try_from(version).map_err(|_| Error::corrupt(incident, format!("version {version}")))
}

/// A row of [`sql::SNAPSHOT`].
pub(crate) fn parse_snapshot(row: &postgres::Row) -> Result<StoredSnapshot, Error> {
    let version: i64 = row.try_get(0).map_err(database_error)?;
    Ok(StoredSnapshot {
        // A version below 1 cannot be stored (CHECK); 0 is never used.
        version: u64::try_from(version).unwrap_or(0),
        format: row.try_get(1).map_err(database_error)?,
        state: row.try_get(2).map_err(database_error)?,
    })
}

pub(crate) fn parse(incident: IncidentId, r: &postgres::Row) -> Result<Row, Error> {
    let version: i64 = r.try_get(0).map_err(database_error)?;
    let command_id: String = r.try_get(1).map_err(database_error)?;
    let json: String = r.try_get(2).map_err(database_error)?;
    let playbook: Option<String> = r.try_get(3).map_err(database_error)?;
    row::parse(incident, version, &command_id, &json, playbook.as_deref())
}

/// Sorts a PostgreSQL error by what its caller can do about it, by the
/// server's SQLSTATE class where it sent one.
pub(crate) fn database_error(e: postgres::Error) -> Error {
    let retryable = match e.code() {
        Some(code) => is_transient(code.code()),
        // No SQLSTATE: the connection failed or closed (I/O), or the client
        // refused something itself (a value it cannot encode).
        None => e.is_closed() || has_io_source(&e),
    };
    if retryable {
        Error::Unavailable(Box::new(e))
    } else if e.code().is_some_and(|c| is_data_refusal(c.code())) {
        Error::DatabaseRefused(Box::new(e))
    } else {
        Error::Backend(Box::new(e))
    }
}

/// Connection exceptions (08), too many clients and other resources (53),
/// the server shutting down or starting (57P01–57P03), serialization
/// failures and deadlocks (40001, 40P01), a lock not available (55P03) and
/// the server's own I/O (58).
fn is_transient(sqlstate: &str) -> bool {
    ["08", "53", "58"]
        .iter()
        .any(|class| sqlstate.starts_with(class))
        || ["57P01", "57P02", "57P03", "40001", "40P01", "55P03"].contains(&sqlstate)
}

/// Data exceptions (22: a `\u0000` jsonb cannot keep, a character the
/// encoding lacks, a value out of range), integrity violations other than
/// the keys (23) and program limits (54: a value too large).
fn is_data_refusal(sqlstate: &str) -> bool {
    ["22", "23", "54"]
        .iter()
        .any(|class| sqlstate.starts_with(class))
}

fn has_io_source(e: &postgres::Error) -> bool {
    let mut next = std::error::Error::source(e);
    while let Some(cause) = next {
        if cause.is::<std::io::Error>() {
            return true;
        }
        next = cause.source();
    }
    false
}
