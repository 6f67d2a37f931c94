//! A reference HTTP service on `incident-playbook` and `incident-store`: the
//! embedding end to end, as a thin adapter. The crate judges every command;
//! the store keeps the accepted ones; this maps both to HTTP.
//!
//! | request | answer |
//! |---|---|
//! | `GET /incidents[?limit=N&after=ID]` | `[{"incident_id", "version"}]`, by id, at most `limit` (default 100, at most 1,000) after `after`; a `Link: <…>; rel="next"` header names the next page |
//! | `POST /incidents/{id}/commands` (a command's JSON) | 200 `{"outcome": "applied"\|"duplicate", "version"}`; 409 `version-conflict`; 422 the violations; 400 malformed; 404 unknown incident |
//! | `POST /incidents/{id}/commands/{command_id}[?expected_version=N]` (a body without its envelope: `{"type", ...}`) | as above, with `"at"`: the server's time, or the first delivery's for a retry |
//! | `GET /incidents/{id}` | the snapshot |
//! | `GET /incidents/{id}/updates` | the comms updates in the playbook's six-line format (text) |
//! | `GET /incidents/{id}/report?now=T` | the report (`IncidentReport`) at `T` (default: the clock) |
//! | `GET /incidents/{id}/status?now=T` | phase, severity, version, missing triage checks, the last update and when the next is due, what blocks `resolve` and `close` (`Incident::blockers`), what a `resolve` must verify, the playbook it was declared under (as the store recorded it) and the one the service judges under |
//!
//! | `GET /health/live`, `GET /health/ready` | 200 `{"status": "live"}`; 200 `{"status": "ready"}` when the store answers, else 503 |
//!
//! Refusals are the crate's: `{"rule": ..., "violations": [{"rule", "message", "path"}]}`;
//! the service's own (no incident, no route, a body too large, load shed, a
//! timeout) have the same shape with a service-level id, and `error`, the
//! message ([`refusal`]). [`Limits`] says what a request may cost.
//!
//! Behind tokens ([`Auth::Tokens`], `--tokens FILE`), every route but
//! `/health/…` needs `Authorization: Bearer <token>`, and the service adds
//! three refusals of its own in the same shape: 401 `unauthenticated` (no
//! token, or one not in the file; with `WWW-Authenticate: Bearer`), 403
//! `read-only-token` (a write with a read-only token) and 403
//! `by-not-caller` (a command whose `by` names someone other than the
//! token's holder). The holder's name is stamped as every command's `by`.
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

mod answer;
pub mod auth;
mod health;
mod limits;
mod pool;
mod routes;

use std::sync::Arc;

use incident_playbook::Playbook;
use incident_store::{Error, PostgresStore, SqliteStore};

pub use answer::refusal;
pub use auth::{Caller, TokenFileError, Tokens};
pub use limits::Limits;
pub use pool::{Pool, PoolLimits};
pub use routes::router;

/// What the handlers share: the playbook, the store's connections and the
/// limits.
#[derive(Debug)]
pub struct Service {
    playbook: Playbook,
    pool: Pool,
    limits: Limits,
}

impl Service {
    /// A service judging under `playbook`, storing through `pool`, with the
    /// default [`Limits`] (but `pool`'s own bound).
    pub fn new(playbook: Playbook, pool: Pool) -> Arc<Self> {
        Self::with_limits(playbook, pool, Limits::default())
    }

    /// A service judging under `playbook`, storing through `pool`, within
    /// `limits` (`limits.pool` is `pool`'s to keep, not read here).
    pub fn with_limits(playbook: Playbook, pool: Pool, limits: Limits) -> Arc<Self> {
        Arc::new(Service {
            playbook,
            pool,
            limits,
        })
    }

    /// A service on the SQLite file at `path` (created if needed).
    ///
    /// # Errors
    ///
    /// The store's, when the file cannot be opened.
    pub fn sqlite(playbook: Playbook, path: &std::path::Path) -> Result<Arc<Self>, Error> {
        Self::sqlite_within(playbook, path, Limits::default())
    }

    /// [`Service::sqlite`] within `limits`.
    ///
    /// # Errors
    ///
    /// The store's, when the file cannot be opened.
    pub fn sqlite_within(
        playbook: Playbook,
        path: &std::path::Path,
        limits: Limits,
    ) -> Result<Arc<Self>, Error> {
        let path = path.to_owned();
        let pool = Pool::bounded(move || Ok(Box::new(SqliteStore::open(&path)?)), limits.pool)?;
        Ok(Self::with_limits(playbook, pool, limits))
    }

    /// A service on the PostgreSQL database at `params` (a connection string).
    ///
    /// # Errors
    ///
    /// The store's, when the server cannot be reached.
    pub fn postgres(playbook: Playbook, params: &str) -> Result<Arc<Self>, Error> {
        Self::postgres_within(playbook, params, Limits::default())
    }

    /// [`Service::postgres`] within `limits`.
    ///
    /// # Errors
    ///
    /// The store's, when the server cannot be reached.
    pub fn postgres_within(
        playbook: Playbook,
        params: &str,
        limits: Limits,
    ) -> Result<Arc<Self>, Error> {
        let params = params.to_owned();
        let pool = Pool::bounded(
            move || Ok(Box::new(PostgresStore::connect(&params)?)),
            limits.pool,
        )?;
        Ok(Self::with_limits(playbook, pool, limits))
    }

    /// How many store connections are open now (never more than the pool's
    /// bound).
    pub fn open_connections(&self) -> u32 {
        self.pool.open()
    }
}

/// Who may call the service.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Auth {
    /// Bearer tokens ([`Tokens`]): a request without a valid one is refused
    /// (401), a write with a read-only one too (403), and the holder's name
    /// is stamped as every command's `by`.
    Tokens(Arc<Tokens>),
    /// Anyone who reaches the port may read and write, in any name: for a
    /// service behind its own gate, chosen explicitly (`--no-auth`).
    None,
}

/// The service's routes behind `auth`.
pub fn app(service: Arc<Service>, auth: Auth) -> axum::Router {
    let routes = router(service);
    match auth {
        Auth::Tokens(tokens) => routes.layer(axum::middleware::from_fn_with_state(
            tokens,
            auth::require_token,
        )),
        Auth::None => routes,
    }
}

/// Serves `service` on `listener`, without authentication
/// ([`Auth::None`]), until `shutdown` completes, within its [`Limits`];
/// [`serve_with`] takes the tokens. The runtime needs its timers
/// (`enable_all`, or `enable_io` and `enable_time`): the timeouts run on
/// them.
///
/// # Errors
///
/// When accepting connections fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, service, Auth::None, shutdown).await
}

/// Serves `service` on `listener` behind `auth` until `shutdown` completes.
///
/// # Errors
///
/// When accepting connections fails.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    auth: Auth,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = service.limits.header_timeout;
    limits::serve(listener, app(service, auth), header_timeout, shutdown).await
}
