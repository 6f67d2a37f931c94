//! The store for async code: the same operations as [`Store`](crate::Store),
//! as futures on tokio, on a bounded pool of connections.

use std::time::Duration;

use async_trait::async_trait;
use incident_playbook::{Command, CommandId, Incident, IncidentId, Outcome, Playbook, PlaybookId};

use crate::handle::{decide, gave_up};
use crate::snapshot::snapshot_due;
use crate::{
    Append, ChangeCursor, Changes, Error, MAX_ATTEMPTS, Receipt, Row, StoredSnapshot, row, snapshot,
};

/// Where incident histories are kept, for async code: what
/// [`Store`](crate::Store) is for blocking code, with the same semantics
/// (idempotent command ids, optimistic versions, the crate judging again
/// after a lost race, snapshots), the same errors sorted into the same
/// kinds, and the same rows: a table one writes, the other reads.
///
/// Its methods take `&self`: a store is a handle on a bounded pool of
/// connections ([`AsyncPostgresStore`](crate::AsyncPostgresStore),
/// [`AsyncSqliteStore`](crate::AsyncSqliteStore)), shared by every task
/// (behind an `Arc`) rather than one connection per caller. It is
/// object-safe: `Box<dyn AsyncStore>` picks the backend at run time.
///
/// ```
/// use incident_store::{AsyncSqliteStore, AsyncStore};
/// use incident_playbook::{Command, Outcome, Playbook};
///
/// #[tokio::main]
/// async fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let dir = std::env::temp_dir().join(format!("async-doc-{}", std::process::id()));
///     std::fs::create_dir_all(&dir)?;
///     let store = AsyncSqliteStore::open(&dir.join("incidents.db")).await?;
///     let declare: Command = serde_json::from_str(r#"{"type": "declare",
///       "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
///       "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
///       "title": "Slow document processing", "severity": "SEV3",
///       "impact": {"environment": "production", "users": "Tenants using OCR",
///         "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
///         "flags": ["degraded_feature"]},
///       "roles": {"commander": "Ada"},
///       "update": {"impact": "OCR is slow", "action": "Checking provider status",
///         "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}}"#)?;
///     let playbook = Playbook::default();
///     let receipt = store.handle(&playbook, &declare).await?;
///     assert_eq!(receipt.outcome, Outcome::Applied { version: 1 });
///     // Delivered again: a duplicate, stored once.
///     let again = store.handle(&playbook, &declare).await?;
///     assert_eq!(again.outcome, Outcome::Duplicate { version: 1 });
///     assert_eq!(store.rows(declare.incident_id).await?.len(), 1);
///     std::fs::remove_dir_all(&dir)?;
///     Ok(())
/// }
/// ```
#[async_trait]
pub trait AsyncStore: Send + Sync {
    /// As [`Store::rows`](crate::Store::rows).
    ///
    /// # Errors
    ///
    /// As [`Store::rows`](crate::Store::rows).
    async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error>;

    /// As [`Store::append`](crate::Store::append).
    ///
    /// # Errors
    ///
    /// As [`Store::append`](crate::Store::append).
    async fn append(
        &self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error>;

    /// [`AsyncStore::append`] only if the latest stored version of the
    /// command's incident is `version - 1` ([`Append::Conflict`] if not,
    /// nothing stored): what a writer that keeps the incident uses, so that
    /// a command on it costs the insert alone when no one else wrote, and a
    /// stale kept incident can neither be written over nor leave a gap.
    /// The default asks for the latest version first; PostgreSQL does both
    /// in one statement.
    ///
    /// # Errors
    ///
    /// As [`Store::append`](crate::Store::append).
    async fn append_next(
        &self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        if self.latest_version(command.incident_id).await? + 1 != version {
            return Ok(Append::Conflict);
        }
        self.append(version, command, playbook).await
    }

    /// Stores `commands`, all of one incident, at versions `first`,
    /// `first + 1`, … only if the latest stored version of the incident is
    /// `first - 1`: how many were stored, counted from the first (fewer
    /// than all: another writer stored in between, or the store failed
    /// after storing some). What [`AsyncWarm`](crate::AsyncWarm) uses to
    /// commit together the commands that queued for one incident while
    /// its previous commit was in flight.
    ///
    /// The default stores them one by one with
    /// [`AsyncStore::append_next`], so it may stop part way; PostgreSQL
    /// stores all or none in one statement, SQLite in one transaction
    /// (one commit each).
    ///
    /// # Errors
    ///
    /// As [`Store::append`](crate::Store::append), when not even the
    /// first could be stored.
    async fn append_batch(
        &self,
        first: u64,
        commands: &[&Command],
        playbook: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        for (stored, (version, command)) in (first..).zip(commands).enumerate() {
            match self.append_next(version, command, playbook).await {
                Ok(Append::Stored) => {}
                Ok(Append::Conflict) => return Ok(stored),
                Err(e) if stored == 0 => return Err(e),
                // Those before it are stored: the caller answers them and
                // tries the rest again, meeting the error on its own.
                Err(_) => return Ok(stored),
            }
        }
        Ok(commands.len())
    }

    /// As [`Store::incidents`](crate::Store::incidents).
    ///
    /// # Errors
    ///
    /// As [`Store::incidents`](crate::Store::incidents).
    async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error>;

    /// As [`Store::changes_since`](crate::Store::changes_since): the
    /// incidents with a row stored since `since`, and where to look from
    /// next. The default lists every incident each time.
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    async fn changes_since(&self, since: ChangeCursor) -> Result<Changes, Error> {
        let _ = since;
        Ok(Changes::everything(self.incidents().await?))
    }

    /// As [`Store::command`](crate::Store::command).
    ///
    /// # Errors
    ///
    /// As [`Store::command`](crate::Store::command).
    async fn command(
        &self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error>;

    /// As [`Store::declared_under`](crate::Store::declared_under).
    ///
    /// # Errors
    ///
    /// As [`Store::rows`](crate::Store::rows).
    async fn declared_under(&self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        Ok(self
            .rows(incident)
            .await?
            .into_iter()
            .next()
            .and_then(|r| r.playbook))
    }

    /// As [`Store::history`](crate::Store::history).
    ///
    /// # Errors
    ///
    /// As [`Store::history`](crate::Store::history).
    async fn history(&self, incident: IncidentId) -> Result<Vec<Command>, Error> {
        row::checked_history(incident, self.rows(incident).await?)
    }

    /// As [`Store::latest_version`](crate::Store::latest_version).
    ///
    /// # Errors
    ///
    /// As [`Store::rows`](crate::Store::rows).
    async fn latest_version(&self, incident: IncidentId) -> Result<u64, Error> {
        Ok(self.rows(incident).await?.last().map_or(0, |r| r.version))
    }

    /// As [`Store::rows_after`](crate::Store::rows_after).
    ///
    /// # Errors
    ///
    /// As [`Store::rows`](crate::Store::rows).
    async fn rows_after(&self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        let mut rows = self.rows(incident).await?;
        rows.retain(|r| r.version > version);
        Ok(rows)
    }

    /// As [`Store::snapshot`](crate::Store::snapshot).
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    async fn snapshot(&self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        let _ = incident;
        Ok(None)
    }

    /// As [`Store::save_snapshot`](crate::Store::save_snapshot).
    ///
    /// # Errors
    ///
    /// A database error ([`Error::kind`] sorts it).
    async fn save_snapshot(
        &self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        let _ = (incident, snapshot);
        Ok(())
    }

    /// As [`Store::snapshot_every`](crate::Store::snapshot_every).
    fn snapshot_every(&self) -> u64 {
        0
    }

    /// How many database connections the store holds open now, busy or
    /// idle (never more than its pool's bound); `None` for a store that
    /// keeps no pool.
    fn open_connections(&self) -> Option<usize> {
        None
    }

    /// As [`Store::restore`](crate::Store::restore): the snapshot, if
    /// usable, and the commands after it.
    ///
    /// # Errors
    ///
    /// As [`Store::restore`](crate::Store::restore).
    async fn restore(
        &self,
        playbook: &Playbook,
        incident: IncidentId,
    ) -> Result<Option<Incident>, Error> {
        // The snapshot first: rows only grow (see the blocking store).
        let snapshot = self.snapshot(incident).await?;
        let rows = self.rows(incident).await?;
        let declared_under = rows.first().and_then(|r| r.playbook.clone());
        let history = row::checked_history(incident, rows)?;
        if history.is_empty() {
            return Ok(None);
        }
        snapshot::restore(incident, snapshot, history, playbook)
            .map(|i| Some(i.with_declared_under(declared_under)))
    }

    /// As [`Store::handle`](crate::Store::handle).
    ///
    /// # Errors
    ///
    /// As [`Store::handle`](crate::Store::handle).
    async fn handle(&self, playbook: &Playbook, command: &Command) -> Result<Receipt, Error> {
        self.handle_with(playbook, command, MAX_ATTEMPTS).await
    }

    /// As [`Store::submit`](crate::Store::submit): the outcome alone
    /// ([`AsyncWarm`](crate::AsyncWarm) then copies no incident).
    ///
    /// # Errors
    ///
    /// As [`Store::handle`](crate::Store::handle).
    async fn submit(&self, playbook: &Playbook, command: &Command) -> Result<Outcome, Error> {
        Ok(self.handle(playbook, command).await?.outcome)
    }

    /// As [`Store::handle_with`](crate::Store::handle_with).
    ///
    /// # Errors
    ///
    /// As [`Store::handle`](crate::Store::handle).
    async fn handle_with(
        &self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
    ) -> Result<Receipt, Error> {
        handle(self, playbook, command, max_attempts).await
    }
}

/// Load, judge, append, and on a lost race judge again: the blocking
/// store's loop, awaiting the store.
pub(crate) async fn handle<S: AsyncStore + ?Sized>(
    store: &S,
    playbook: &Playbook,
    command: &Command,
    max_attempts: u32,
) -> Result<Receipt, Error> {
    let mut lost_races = 0;
    loop {
        let current = store.restore(playbook, command.incident_id).await?;
        let (incident, outcome) = decide(current, command, playbook).map_err(Error::Rejected)?;
        if let Outcome::Duplicate { .. } = outcome {
            return Ok(Receipt {
                outcome,
                incident,
                lost_races,
            });
        }
        match store
            .append(outcome.version(), command, playbook.id())
            .await?
        {
            Append::Stored => {
                keep_snapshot(store, &incident).await?;
                return Ok(Receipt {
                    outcome,
                    incident,
                    lost_races,
                });
            }
            Append::Conflict => {
                lost_races += 1;
                if lost_races >= max_attempts {
                    return Err(Error::Rejected(gave_up(command, lost_races)));
                }
            }
        }
    }
}

/// As the blocking store's: a snapshot at the versions the store keeps
/// them, whose failure is not the command's.
pub(crate) async fn keep_snapshot<S: AsyncStore + ?Sized>(
    store: &S,
    incident: &Incident,
) -> Result<(), Error> {
    if snapshot_due(store.snapshot_every(), incident.version()) {
        let snapshot = StoredSnapshot::of(incident)?;
        let _ = store.save_snapshot(incident.id(), &snapshot).await;
    }
    Ok(())
}

/// An implementation of [`AsyncStore`] for `$ty` passing every backend
/// method on to the store `$inner` names (with `$s` for `self`), with
/// `$extra`, the methods it does itself. One `#[async_trait]` impl, so
/// that the attribute sees the whole of it.
macro_rules! delegating_async_store {
    ([$($generics:tt)*] $ty:ty, |$s:ident| $inner:expr, { $($extra:tt)* }) => {
        #[async_trait::async_trait]
        impl<$($generics)*> AsyncStore for $ty {
            async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error> {
                let $s = self;
                $inner.rows(incident).await
            }
            async fn append(
                &self,
                version: u64,
                command: &Command,
                playbook: Option<&PlaybookId>,
            ) -> Result<Append, Error> {
                let $s = self;
                $inner.append(version, command, playbook).await
            }
            async fn append_next(
                &self,
                version: u64,
                command: &Command,
                playbook: Option<&PlaybookId>,
            ) -> Result<Append, Error> {
                let $s = self;
                $inner.append_next(version, command, playbook).await
            }
            async fn append_batch(
                &self,
                first: u64,
                commands: &[&Command],
                playbook: Option<&PlaybookId>,
            ) -> Result<usize, Error> {
                let $s = self;
                $inner.append_batch(first, commands, playbook).await
            }
            async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error> {
                let $s = self;
                $inner.incidents().await
            }
            async fn changes_since(
                &self,
                since: $crate::ChangeCursor,
            ) -> Result<$crate::Changes, Error> {
                let $s = self;
                $inner.changes_since(since).await
            }
            async fn command(
                &self,
                incident: IncidentId,
                command_id: CommandId,
            ) -> Result<Option<Row>, Error> {
                let $s = self;
                $inner.command(incident, command_id).await
            }
            async fn declared_under(
                &self,
                incident: IncidentId,
            ) -> Result<Option<PlaybookId>, Error> {
                let $s = self;
                $inner.declared_under(incident).await
            }
            async fn latest_version(&self, incident: IncidentId) -> Result<u64, Error> {
                let $s = self;
                $inner.latest_version(incident).await
            }
            async fn rows_after(
                &self,
                incident: IncidentId,
                version: u64,
            ) -> Result<Vec<Row>, Error> {
                let $s = self;
                $inner.rows_after(incident, version).await
            }
            async fn snapshot(
                &self,
                incident: IncidentId,
            ) -> Result<Option<StoredSnapshot>, Error> {
                let $s = self;
                $inner.snapshot(incident).await
            }
            async fn save_snapshot(
                &self,
                incident: IncidentId,
                snapshot: &StoredSnapshot,
            ) -> Result<(), Error> {
                let $s = self;
                $inner.save_snapshot(incident, snapshot).await
            }
            fn snapshot_every(&self) -> u64 {
                let $s = self;
                $inner.snapshot_every()
            }
            fn open_connections(&self) -> Option<usize> {
                let $s = self;
                $inner.open_connections()
            }
            $($extra)*
        }
    };
}
pub(crate) use delegating_async_store;

// A boxed store is a store: what [`AsyncWarm`](crate::AsyncWarm) keeps
// when the backend is chosen at run time.
delegating_async_store!([] Box<dyn AsyncStore>, |s| s.as_ref(), {
    async fn restore(
        &self,
        playbook: &Playbook,
        incident: IncidentId,
    ) -> Result<Option<Incident>, Error> {
        self.as_ref().restore(playbook, incident).await
    }

    async fn handle_with(
        &self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
    ) -> Result<Receipt, Error> {
        self.as_ref()
            .handle_with(playbook, command, max_attempts)
            .await
    }

    async fn submit(&self, playbook: &Playbook, command: &Command) -> Result<Outcome, Error> {
        self.as_ref().submit(playbook, command).await
    }
});

/// How an async store's pool is bounded. The connection given back last is
/// the next one handed out, so a pool larger than its load keeps using the
/// same few, and closes the others once they have been idle for `idle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    /// The most connections open at once.
    pub size: u32,
    /// How long a caller waits for a free connection (or for a new one to
    /// open) before [`Error::Unavailable`].
    pub wait: Duration,
    /// How long an idle connection is kept open.
    pub idle: Duration,
}

impl Default for PoolLimits {
    fn default() -> Self {
        PoolLimits {
            size: 16,
            wait: Duration::from_secs(5),
            idle: Duration::from_secs(60),
        }
    }
}

impl PoolLimits {
    /// `size` connections at most, waits and idle time by default.
    pub fn of_size(size: u32) -> Self {
        PoolLimits {
            size,
            ..PoolLimits::default()
        }
    }

    /// deadpool's builder for these limits.
    pub(crate) fn builder<M: deadpool::managed::Manager>(
        &self,
        manager: M,
    ) -> deadpool::managed::PoolBuilder<M> {
        let wait = Some(self.wait.max(Duration::from_millis(1)));
        deadpool::managed::Pool::builder(manager)
            .max_size(usize::try_from(self.size.max(1)).unwrap_or(1))
            .wait_timeout(wait)
            .create_timeout(wait)
            .runtime(deadpool::Runtime::Tokio1)
            // The connection given back last goes out first: the few a load
            // needs stay warm (their server processes in the cores' caches),
            // and the others go idle and are closed after `idle`. Handing out
            // the oldest would use every one in turn, each cold: PostgreSQL
            // spends about a tenth more CPU per command that way.
            .queue_mode(deadpool::managed::QueueMode::Lifo)
    }
}

/// The pool's own failures: no connection free in time, none could be
/// opened, the pool closed: all may pass (retryable); the backend's own
/// error as the backend sorts it.
pub(crate) fn pool_error<E>(
    e: deadpool::managed::PoolError<E>,
    backend: impl FnOnce(E) -> Error,
) -> Error {
    use deadpool::managed::PoolError as P;
    match e {
        P::Backend(e) => backend(e),
        P::PostCreateHook(deadpool::managed::HookError::Backend(e)) => backend(e),
        other => Error::Unavailable(format!("connection pool: {}", describe(&other)).into()),
    }
}

fn describe<E>(e: &deadpool::managed::PoolError<E>) -> &'static str {
    use deadpool::managed::{PoolError as P, TimeoutType as T};
    match e {
        P::Timeout(T::Wait) => "no connection was free in time",
        P::Timeout(T::Create) => "a connection took too long to open",
        P::Timeout(T::Recycle) => "a connection took too long to check",
        P::Closed => "the pool is closed",
        _ => "no connection",
    }
}

/// Closes the connections of `pool` idle longer than `idle`, from a task
/// on the current tokio runtime (if any), while the pool lives.
pub(crate) fn close_idle<M: deadpool::managed::Manager + 'static>(
    pool: &deadpool::managed::Pool<M>,
    idle: Duration,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak = pool.weak();
    let idle = idle.max(Duration::from_secs(1));
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(idle / 2).await;
            let Some(pool) = weak.upgrade() else {
                return;
            };
            pool.retain(|_, metrics| metrics.last_used() < idle);
        }
    });
}

impl std::fmt::Debug for dyn AsyncStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("dyn AsyncStore")
            .field("open_connections", &self.open_connections())
            .finish_non_exhaustive()
    }
}
