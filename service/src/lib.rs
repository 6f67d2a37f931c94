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
//! | `GET /status` | the public status page (HTML, no token needed): each incident with a public update, open ones first (at most [`StatusOptions::max_open`], the others counted: "and N more"), then the [`StatusOptions::recent`] latest resolved; its public title, the status it was last told, its public updates newest first; "All systems operational" when none is open. Never an internal update, a notice to customers, a title before it was posted in public, or a name unless [`StatusOptions::show_owner`] |
//! | `GET /status/feed.atom` | the same as an Atom feed (RFC 4287): one entry per public update, id `urn:uuid:` the command that posted it |
//!
//! | `GET /health/live`, `GET /health/ready` | 200 `{"status": "live"}`; 200 `{"status": "ready"}` when the store answers, else 503 |
//!
//! Refusals are the crate's: `{"rule": ..., "violations": [{"rule", "message", "path"}]}`;
//! the service's own (no incident, no route, a body too large, load shed, a
//! timeout) have the same shape with a service-level id, and `error`, the
//! message ([`refusal`]). [`Limits`] says what a request may cost.
//!
//! Behind tokens ([`Auth::Tokens`], `--tokens FILE`), every route but
//! `/health/…` and `/status…` needs `Authorization: Bearer <token>`, and the service adds
//! three refusals of its own in the same shape: 401 `unauthenticated` (no
//! token, or one not in the file; with `WWW-Authenticate: Bearer`), 403
//! `read-only-token` (a write with a read-only token) and 403
//! `by-not-caller` (a command whose `by` names someone other than the
//! token's holder). The holder's name is stamped as every command's `by`.
//! With a JWT key set ([`Auth::Jwt`], `--jwks FILE`), OpenID Connect
//! tokens are accepted too ([`jwt`]), beside the file's or alone.
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
pub mod jwt;
mod limits;
mod routes;
mod status;
mod status_feed;
mod status_html;

use std::sync::Arc;

use incident_playbook::Playbook;
use incident_store::{AsyncPostgresStore, AsyncSqliteStore, AsyncStore, AsyncWarm, Error};

pub use answer::{refusal, refusal_at};
pub use auth::{Caller, TokenFileError, Tokens};
pub use incident_store::PoolLimits;
pub use jwt::{JwtConfig, JwtVerifier, KeySet};
pub use limits::Limits;
pub use routes::router;

/// What the handlers share: the playbook, the store and the limits.
///
/// The store is async ([`AsyncStore`], on a bounded pool) and kept warm
/// ([`AsyncWarm`]): a command or a read of an incident the service has
/// seen costs a version check and the rows stored since, not a replay of
/// its history, and a read lends the kept incident rather than copy it.
#[derive(Debug)]
pub struct Service {
    playbook: Playbook,
    store: AsyncWarm<Box<dyn AsyncStore>>,
    limits: Limits,
    status: StatusOptions,
    status_cache: tokio::sync::Mutex<status::StatusCache>,
}

/// How the status page presents itself: what a team chooses to publish.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StatusOptions {
    /// The page's and the feed's title (default "Service status").
    pub title: String,
    /// Whether each post shows its `Owner:` (a person's name): off by
    /// default, so no name reaches the public unless the team publishes
    /// names (`--status-show-owner`).
    pub show_owner: bool,
    /// How many resolved incidents are shown under "Recently resolved",
    /// the latest first (default 10).
    pub recent: usize,
    /// How many open incidents are listed, those posted to latest first
    /// (default 25); the page counts the others ("and N more"), so that
    /// what a request costs is bounded by what the page shows.
    pub max_open: usize,
    /// How long a page built is served again to every caller before the
    /// store is asked again (default zero: every request asks, and sees a
    /// command the moment it is stored). A second or two bounds what a
    /// flood of requests costs the store, at the price of a page that
    /// much behind (`--status-reuse-ms`).
    pub reuse_for: std::time::Duration,
    /// The page's public address (`https://status.example.com/status`),
    /// for the feed's id and links; without it, `http://` and the request's
    /// `Host`. Set it behind a proxy, so that the feed's id stays the same.
    pub url: Option<String>,
}

impl Default for StatusOptions {
    fn default() -> Self {
        StatusOptions {
            title: "Service status".to_owned(),
            show_owner: false,
            recent: 10,
            max_open: 25,
            reuse_for: std::time::Duration::ZERO,
            url: None,
        }
    }
}

impl Service {
    /// A service judging under `playbook`, storing in `store`, with the
    /// default [`Limits`] (whose pool bound is `store`'s own business).
    pub fn new(playbook: Playbook, store: Box<dyn AsyncStore>) -> Arc<Self> {
        Self::with_limits(playbook, store, Limits::default())
    }

    /// A service judging under `playbook`, storing in `store`, within
    /// `limits` (`limits.pool` is for the stores the service opens itself).
    pub fn with_limits(
        playbook: Playbook,
        store: Box<dyn AsyncStore>,
        limits: Limits,
    ) -> Arc<Self> {
        Self::with_status(playbook, store, limits, StatusOptions::default())
    }

    /// A service judging under `playbook`, storing in `store`, within
    /// `limits`, whose public status page (`GET /status`) shows what
    /// `status` chooses.
    pub fn with_status(
        playbook: Playbook,
        store: Box<dyn AsyncStore>,
        limits: Limits,
        status: StatusOptions,
    ) -> Arc<Self> {
        Arc::new(Service {
            playbook,
            store: AsyncWarm::new(store),
            limits,
            status,
            status_cache: tokio::sync::Mutex::default(),
        })
    }

    /// A service on the SQLite file at `path` (created if needed).
    ///
    /// # Errors
    ///
    /// The store's, when the file cannot be opened.
    pub async fn sqlite(playbook: Playbook, path: &std::path::Path) -> Result<Arc<Self>, Error> {
        Self::sqlite_within(playbook, path, Limits::default()).await
    }

    /// [`Service::sqlite`] within `limits`.
    ///
    /// # Errors
    ///
    /// The store's, when the file cannot be opened.
    pub async fn sqlite_within(
        playbook: Playbook,
        path: &std::path::Path,
        limits: Limits,
    ) -> Result<Arc<Self>, Error> {
        let store = AsyncSqliteStore::open_within(path, limits.pool).await?;
        Ok(Self::with_limits(playbook, Box::new(store), limits))
    }

    /// A service on the PostgreSQL database at `params` (a connection
    /// string).
    ///
    /// # Errors
    ///
    /// The store's, when the server cannot be reached.
    pub async fn postgres(playbook: Playbook, params: &str) -> Result<Arc<Self>, Error> {
        Self::postgres_within(playbook, params, Limits::default()).await
    }

    /// [`Service::postgres`] within `limits`.
    ///
    /// # Errors
    ///
    /// The store's, when the server cannot be reached.
    pub async fn postgres_within(
        playbook: Playbook,
        params: &str,
        limits: Limits,
    ) -> Result<Arc<Self>, Error> {
        let store = AsyncPostgresStore::connect_within(params, limits.pool).await?;
        Ok(Self::with_limits(playbook, Box::new(store), limits))
    }

    /// How many store connections are open now (never more than the pool's
    /// bound; 0 for a store without a pool).
    pub fn open_connections(&self) -> u32 {
        let open = self.store.open_connections().unwrap_or(0);
        u32::try_from(open).unwrap_or(u32::MAX)
    }

    /// How many incidents the service keeps warm now.
    pub fn kept_incidents(&self) -> usize {
        self.store.kept()
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
    /// JWTs verified by `verifier` ([`jwt`]), and the token file's tokens
    /// beside them when `tokens` is given: a token the file lists is its
    /// holder's; any other must be a valid JWT. Refusals as for
    /// [`Auth::Tokens`]; a JWT's names the check that failed.
    Jwt {
        /// The key set and what a token must carry.
        verifier: Arc<JwtVerifier>,
        /// Static tokens accepted beside the JWTs.
        tokens: Option<Arc<Tokens>>,
    },
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
        Auth::Jwt { verifier, tokens } => {
            let gate = auth::Gate {
                tokens,
                jwt: Some(verifier),
            };
            routes.layer(axum::middleware::from_fn_with_state(
                Arc::new(gate),
                auth::require_bearer,
            ))
        }
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
