//! Store connections for the handlers: a connection is taken for one request
//! and put back, so requests run side by side without a pool crate.

use std::sync::Mutex;

use incident_store::{Error, Store};

/// A connection of any backend.
pub type Connection = Box<dyn Store + Send>;

type Open = Box<dyn Fn() -> Result<Connection, Error> + Send + Sync>;

/// Opens connections as needed and keeps the idle ones.
pub struct Pool {
    open: Open,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool that opens connections with `open`; opens one now, so a store
    /// that cannot be reached fails at start, not at the first request.
    ///
    /// # Errors
    ///
    /// The store's, when the first connection fails.
    pub fn new(
        open: impl Fn() -> Result<Connection, Error> + Send + Sync + 'static,
    ) -> Result<Self, Error> {
        let first = open()?;
        Ok(Pool {
            open: Box::new(open),
            idle: Mutex::new(vec![first]),
        })
    }

    /// Runs `f` on a connection. A connection whose database failed is
    /// dropped, not put back: the next request opens a fresh one.
    ///
    /// # Errors
    ///
    /// `f`'s, or the store's when no connection can be opened.
    pub fn with<T>(&self, f: impl FnOnce(&mut dyn Store) -> Result<T, Error>) -> Result<T, Error> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => (self.open)()?,
        };
        let result = f(conn.as_mut());
        if !matches!(&result, Err(e) if e.is_database()) {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
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
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        std::thread::scope(|s| {
            s.spawn(move || drop(idle));
        });
    }
}
