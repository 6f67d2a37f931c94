//! The SQLite backend for async code: the blocking store's connections in
//! a bounded pool, each call run on tokio's blocking threads.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use deadpool::managed::{Manager, Metrics, Object, RecycleResult};
use incident_playbook::{Command, CommandId, IncidentId, PlaybookId};

use crate::asynchronous::{PoolLimits, close_idle, pool_error};
use crate::{
    Append, AsyncStore, ChangeCursor, Changes, Error, Row, SNAPSHOT_EVERY, SqliteStore, Store,
    StoredSnapshot,
};

/// Incident histories in an SQLite file, for async code: the same file
/// as [`SqliteStore`] (which does the work), on a bounded pool of its
/// connections, each call on tokio's blocking threads
/// ([`tokio::task::spawn_blocking`]) so that no async thread waits on the
/// file. SQLite has one writer at a time: the pool bounds how many
/// connections wait for it.
///
/// See [`AsyncStore`] for an example.
pub struct AsyncSqliteStore {
    pool: deadpool::managed::Pool<Opener>,
    snapshot_every: u64,
}

impl std::fmt::Debug for AsyncSqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncSqliteStore")
            .field("open", &self.pool.status().size)
            .finish_non_exhaustive()
    }
}

/// Opens connections to one file.
struct Opener {
    path: PathBuf,
}

impl Manager for Opener {
    type Type = SqliteStore;
    type Error = Error;

    async fn create(&self) -> Result<SqliteStore, Error> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || SqliteStore::open(&path))
            .await
            .map_err(lost)?
    }

    // A connection that failed is dropped, not handed back (see `with`).
    async fn recycle(&self, _: &mut SqliteStore, _: &Metrics) -> RecycleResult<Error> {
        Ok(())
    }
}

/// A blocking task that panicked or was cancelled.
fn lost(e: tokio::task::JoinError) -> Error {
    Error::Backend(Box::new(e))
}

impl AsyncSqliteStore {
    /// Opens (creating if needed) the store in the file at `path`, with a
    /// pool of the default [`PoolLimits`]. Needs a tokio runtime with
    /// timers.
    ///
    /// # Errors
    ///
    /// A database error when the file cannot be opened or set up.
    pub async fn open(path: &Path) -> Result<Self, Error> {
        Self::open_within(path, PoolLimits::default()).await
    }

    /// [`AsyncSqliteStore::open`] with a pool bounded by `limits`. One
    /// connection is opened now, so that a file that cannot be opened
    /// fails here.
    ///
    /// # Errors
    ///
    /// As [`AsyncSqliteStore::open`].
    pub async fn open_within(path: &Path, limits: PoolLimits) -> Result<Self, Error> {
        let opener = Opener {
            path: path.to_owned(),
        };
        let pool = limits
            .builder(opener)
            .build()
            .map_err(|e| Error::Backend(Box::new(e)))?;
        let store = AsyncSqliteStore {
            pool,
            snapshot_every: SNAPSHOT_EVERY,
        };
        drop(store.connection().await?);
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

    async fn connection(&self) -> Result<Object<Opener>, Error> {
        self.pool.get().await.map_err(|e| pool_error(e, |e| e))
    }

    /// Runs `f` on a pooled connection on a blocking thread. A connection
    /// whose database failed is closed rather than handed back.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut SqliteStore) -> Result<T, Error> + Send + 'static,
    ) -> Result<T, Error> {
        let mut conn = self.connection().await?;
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = f(&mut conn);
            (conn, result)
        })
        .await
        .map_err(lost)?;
        if matches!(&result, Err(e) if e.is_database()) {
            drop(Object::take(conn));
        }
        result
    }
}

#[async_trait]
impl AsyncStore for AsyncSqliteStore {
    async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.with(move |s| s.rows(incident)).await
    }

    async fn append(
        &self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        let (command, playbook) = (command.clone(), playbook.cloned());
        self.with(move |s| s.append(version, &command, playbook.as_ref()))
            .await
    }

    /// One transaction: all stored or none.
    async fn append_batch(
        &self,
        first: u64,
        commands: &[&Command],
        playbook: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        let commands: Vec<Command> = commands.iter().map(|&c| c.clone()).collect();
        let playbook = playbook.cloned();
        self.with(move |s| s.append_batch(first, &commands, playbook.as_ref()))
            .await
    }

    async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.with(|s| s.incidents()).await
    }

    async fn changes_since(&self, since: ChangeCursor) -> Result<Changes, Error> {
        self.with(move |s| s.changes_since(since)).await
    }

    async fn command(
        &self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error> {
        self.with(move |s| s.command(incident, command_id)).await
    }

    async fn declared_under(&self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        self.with(move |s| s.declared_under(incident)).await
    }

    async fn latest_version(&self, incident: IncidentId) -> Result<u64, Error> {
        self.with(move |s| s.latest_version(incident)).await
    }

    async fn rows_after(&self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        self.with(move |s| s.rows_after(incident, version)).await
    }

    async fn snapshot(&self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        self.with(move |s| s.snapshot(incident)).await
    }

    async fn save_snapshot(
        &self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        let snapshot = snapshot.clone();
        self.with(move |s| s.save_snapshot(incident, &snapshot))
            .await
    }

    fn snapshot_every(&self) -> u64 {
        self.snapshot_every
    }

    fn open_connections(&self) -> Option<usize> {
        Some(self.pool.status().size)
    }
}
