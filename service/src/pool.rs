//! Store connections for the handlers: a bounded pool (r2d2, which fits a
//! synchronous store). A connection is taken for one request and handed
//! back; at most `size` are ever open, a request that finds them all busy
//! waits a bounded time and is then answered 503, and idle ones are closed
//! after a while, so the database is never left with a crowd of them.

use std::time::Duration;

use incident_store::{Error, Store};

/// A connection of any backend.
pub type Connection = Box<dyn Store + Send>;

type Open = Box<dyn Fn() -> Result<Connection, Error> + Send + Sync>;

/// How connections are opened, and which ones are broken.
struct Manager {
    open: Open,
}

/// A pooled connection, marked broken when its database failed.
struct Pooled {
    store: Connection,
    broken: bool,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = Error;

    fn connect(&self) -> Result<Pooled, Error> {
        Ok(Pooled {
            store: (self.open)()?,
            broken: false,
        })
    }

    // Connections are not tested on check-out (a round trip per request);
    // one that fails is marked broken and closed instead of handed back.
    fn is_valid(&self, _: &mut Pooled) -> Result<(), Error> {
        Ok(())
    }

    fn has_broken(&self, conn: &mut Pooled) -> bool {
        conn.broken
    }
}

/// How the pool is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    /// The most connections open at once.
    pub size: u32,
    /// How long a request waits for a free connection before it is answered
    /// 503.
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

/// At most [`PoolLimits::size`] connections, opened as needed and handed
/// back after each request.
pub struct Pool {
    // `None` only while dropping (see `Drop`).
    inner: Option<r2d2::Pool<Manager>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("open", &self.open())
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool of at most 16 connections opened with `open` (see
    /// [`Pool::bounded`]).
    ///
    /// # Errors
    ///
    /// The store's, when the first connection fails.
    pub fn new(
        open: impl Fn() -> Result<Connection, Error> + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        Self::bounded(open, PoolLimits::default())
    }

    /// A pool bounded by `limits`, opening connections with `open`. One is
    /// opened now, so a store that cannot be reached fails at start (with
    /// the store's own error), not at the first request.
    ///
    /// # Errors
    ///
    /// The store's, when the first connection fails.
    pub fn bounded(
        open: impl Fn() -> Result<Connection, Error> + Send + Sync + 'static,
        limits: PoolLimits,
    ) -> Result<Self, Error> {
        // Opened and closed here, before any runtime: r2d2's own check at
        // build would keep only the error's text.
        drop(open()?);
        let inner = r2d2::Pool::builder()
            .max_size(limits.size.max(1))
            .min_idle(Some(0))
            .connection_timeout(limits.wait.max(Duration::from_millis(1)))
            .idle_timeout(Some(limits.idle.max(Duration::from_secs(1))))
            .test_on_check_out(false)
            // Failures are answered (503) and logged by the service.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(Manager {
                open: Box::new(open),
            });
        Ok(Pool { inner: Some(inner) })
    }

    /// How many connections are open now (busy or idle).
    pub fn open(&self) -> u32 {
        self.inner.as_ref().map_or(0, |p| p.state().connections)
    }

    /// Runs `f` on a connection, waiting for one if all are busy. A
    /// connection whose database failed is closed, not handed back: the next
    /// request opens a fresh one.
    ///
    /// # Errors
    ///
    /// `f`'s, or [`Error::Unavailable`] when no connection was free in time
    /// or none could be opened.
    pub fn with<T>(&self, f: impl FnOnce(&mut dyn Store) -> Result<T, Error>) -> Result<T, Error> {
        let pool = self
            .inner
            .as_ref()
            .ok_or_else(|| Error::Unavailable("the pool is closed".into()))?;
        // No connection free in time, or none could be opened: retryable.
        let mut conn = pool.get().map_err(|e| Error::Unavailable(Box::new(e)))?;
        let result = f(conn.store.as_mut());
        if matches!(&result, Err(e) if e.is_database()) {
            conn.broken = true;
        }
        result
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // The pool is usually dropped on an async thread (when the server
        // stops), and a synchronous PostgreSQL client blocks on a runtime of
        // its own when it closes, which tokio forbids there: close the
        // connections on a plain thread.
        let inner = self.inner.take();
        std::thread::scope(|s| {
            s.spawn(move || drop(inner));
        });
    }
}
