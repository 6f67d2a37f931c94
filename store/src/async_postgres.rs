//! The PostgreSQL backend for async code: tokio-postgres (the driver the
//! blocking store's `postgres` wraps) on a deadpool pool.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, RecyclingMethod};
use incident_playbook::{Command, CommandId, IncidentId, PlaybookId};
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

use crate::asynchronous::{PoolLimits, close_idle, pool_error};
use crate::postgres::{
    self as blocking, POSTGRES_SCHEMA, appended, database_error, parse_changes, parse_latest,
    parse_listed, parse_snapshot, sql,
};
use crate::{
    Append, AsyncStore, ChangeCursor, Changes, Error, ErrorKind, Row, SNAPSHOT_EVERY,
    StoredSnapshot, row,
};

/// Incident histories in a PostgreSQL database, for async code: the same
/// table and statements as [`PostgresStore`](crate::PostgresStore), on a
/// bounded pool of connections ([`PoolLimits`]). A connection the server
/// closed (a restart) is found closed when it is next taken, and replaced.
///
/// ```no_run
/// use incident_store::{AsyncPostgresStore, AsyncStore};
///
/// #[tokio::main]
/// async fn main() -> Result<(), incident_store::Error> {
///     let store = AsyncPostgresStore::connect("host=/run/postgresql dbname=incidents").await?;
///     println!("{} incidents", store.incidents().await?.len());
///     Ok(())
/// }
/// ```
pub struct AsyncPostgresStore {
    pool: deadpool_postgres::Pool,
    snapshot_every: u64,
}

impl std::fmt::Debug for AsyncPostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncPostgresStore")
            .field("open", &self.pool.status().size)
            .finish_non_exhaustive()
    }
}

impl AsyncPostgresStore {
    /// Connects (without TLS) with `params`, as
    /// [`PostgresStore::connect`](crate::PostgresStore::connect), with a
    /// pool of the default [`PoolLimits`], and creates the table if
    /// needed. Needs a tokio runtime with I/O and timers.
    ///
    /// # Errors
    ///
    /// [`Error::Unavailable`] when the server cannot be reached; another
    /// database error when it refuses.
    pub async fn connect(params: &str) -> Result<Self, Error> {
        Self::connect_within(params, PoolLimits::default()).await
    }

    /// [`AsyncPostgresStore::connect`] with a pool bounded by `limits`. One
    /// connection is opened now, so that a server out of reach fails here.
    ///
    /// # Errors
    ///
    /// As [`AsyncPostgresStore::connect`].
    pub async fn connect_within(params: &str, limits: PoolLimits) -> Result<Self, Error> {
        let config: tokio_postgres::Config = params.parse().map_err(database_error)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                // A closed connection is found without a round trip; one
                // that fails otherwise answers its caller retryable.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = limits
            .builder(manager)
            .build()
            .map_err(|e| Error::Backend(Box::new(e)))?;
        let store = AsyncPostgresStore {
            pool,
            snapshot_every: SNAPSHOT_EVERY,
        };
        store
            .client()
            .await?
            .batch_execute(POSTGRES_SCHEMA)
            .await
            .map_err(database_error)?;
        close_idle(&store.pool, limits.idle);
        Ok(store)
    }

    /// The same store keeping a snapshot after every `n`-th accepted
    /// command (0: none).
    #[must_use]
    pub fn with_snapshot_every(mut self, n: u64) -> Self {
        self.snapshot_every = n;
        self
    }

    /// A connection from the pool, for what the store does not offer.
    ///
    /// # Errors
    ///
    /// [`Error::Unavailable`] when none is free in time or none opens.
    pub async fn client(&self) -> Result<deadpool_postgres::Client, Error> {
        self.pool
            .get()
            .await
            .map_err(|e| pool_error(e, database_error))
    }

    async fn query(
        &self,
        statement: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<tokio_postgres::Row>, Error> {
        let client = self.client().await?;
        let result = match client.prepare_cached(statement).await {
            Ok(statement) => client.query(&statement, params).await,
            Err(e) => Err(e),
        };
        settle(client, result.map_err(database_error))
    }

    /// A row inserted with `statement` ([`sql::APPEND`] or
    /// [`sql::APPEND_NEXT`]).
    async fn insert(
        &self,
        statement: &str,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        let incident = command.incident_id;
        let (version, json) = (row::sql_version(incident, version)?, row::to_json(command)?);
        let playbook = row::playbook_json(incident, playbook)?;
        let client = self.client().await?;
        let inserted = match client.prepare_cached(statement).await {
            Ok(statement) => {
                let params: [&(dyn ToSql + Sync); 5] = [
                    &incident.to_string(),
                    &version,
                    &command.command_id.to_string(),
                    &json,
                    &playbook,
                ];
                client.execute(&statement, &params).await
            }
            Err(e) => Err(e),
        };
        settle(client, appended(inserted))
    }

    async fn one_row(
        &self,
        incident: IncidentId,
        statement: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, Error> {
        let rows = self.query(statement, params).await?;
        rows.first()
            .map(|r| blocking::parse(incident, r))
            .transpose()
    }
}

/// Hands `client` back to the pool, unless its call failed in a way that
/// may have broken it (the connection lost, the server going away, a
/// failure not understood): such a one is closed, so that the next call
/// opens a fresh connection rather than meet the same fault.
fn settle<T>(client: deadpool_postgres::Client, result: Result<T, Error>) -> Result<T, Error> {
    if let Err(e) = &result
        && matches!(e.kind(), ErrorKind::Unavailable | ErrorKind::Other)
    {
        drop(deadpool_postgres::Object::take(client));
    }
    result
}

#[async_trait]
impl AsyncStore for AsyncPostgresStore {
    async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        let rows = self.query(sql::ROWS, &[&incident.to_string()]).await?;
        rows.iter().map(|r| blocking::parse(incident, r)).collect()
    }

    async fn append(
        &self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        self.insert(sql::APPEND, version, command, playbook).await
    }

    async fn append_next(
        &self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        self.insert(sql::APPEND_NEXT, version, command, playbook)
            .await
    }

    /// One statement: all stored or none.
    async fn append_batch(
        &self,
        first: u64,
        commands: &[&Command],
        playbook: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        let Some(head) = commands.first() else {
            return Ok(0);
        };
        let incident = head.incident_id;
        if let Some(other) = commands.iter().find(|c| c.incident_id != incident) {
            return Err(Error::corrupt(
                incident,
                format!("a batch with a command of incident {}", other.incident_id),
            ));
        }
        let first = row::sql_version(incident, first)?;
        let ids: Vec<String> = commands.iter().map(|c| c.command_id.to_string()).collect();
        let json = commands
            .iter()
            .map(|c| row::to_json(c))
            .collect::<Result<Vec<_>, _>>()?;
        let playbook = row::playbook_json(incident, playbook)?;
        let client = self.client().await?;
        let inserted = match client.prepare_cached(sql::APPEND_BATCH).await {
            Ok(statement) => {
                let params: [&(dyn ToSql + Sync); 5] =
                    [&incident.to_string(), &first, &ids, &json, &playbook];
                client.execute(&statement, &params).await
            }
            Err(e) => Err(e),
        };
        let stored = settle(client, appended(inserted))?;
        Ok(if stored == Append::Stored {
            commands.len()
        } else {
            0
        })
    }

    async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error> {
        let rows = self.query(sql::INCIDENTS, &[]).await?;
        rows.iter().map(parse_listed).collect()
    }

    async fn changes_since(&self, since: ChangeCursor) -> Result<Changes, Error> {
        let rows = self.query(sql::CHANGES, &[&since.0.to_string()]).await?;
        parse_changes(&rows)
    }

    async fn command(
        &self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error> {
        let params: [&(dyn ToSql + Sync); 2] = [&incident.to_string(), &command_id.to_string()];
        self.one_row(incident, sql::COMMAND, &params).await
    }

    async fn declared_under(&self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        let first = self
            .one_row(incident, sql::FIRST, &[&incident.to_string()])
            .await?;
        Ok(first.and_then(|r| r.playbook))
    }

    async fn latest_version(&self, incident: IncidentId) -> Result<u64, Error> {
        let rows = self.query(sql::LATEST, &[&incident.to_string()]).await?;
        rows.first().map_or(Ok(0), |r| parse_latest(incident, r))
    }

    async fn rows_after(&self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        let version = row::sql_version(incident, version)?;
        let rows = self
            .query(sql::ROWS_AFTER, &[&incident.to_string(), &version])
            .await?;
        rows.iter().map(|r| blocking::parse(incident, r)).collect()
    }

    async fn snapshot(&self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        let rows = self.query(sql::SNAPSHOT, &[&incident.to_string()]).await?;
        rows.first().map(parse_snapshot).transpose()
    }

    async fn save_snapshot(
        &self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        let version = row::sql_version(incident, snapshot.version)?;
        let params: [&(dyn ToSql + Sync); 4] = [
            &incident.to_string(),
            &version,
            &snapshot.format,
            &snapshot.state,
        ];
        self.query(sql::SAVE_SNAPSHOT, &params).await.map(|_| ())
    }

    fn snapshot_every(&self) -> u64 {
        self.snapshot_every
    }

    fn open_connections(&self) -> Option<usize> {
        Some(self.pool.status().size)
    }
}
