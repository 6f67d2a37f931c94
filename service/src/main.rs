//! `incident-service`: the reference service on a store.
//!
//! ```text
//! incident-service --sqlite FILE (--tokens FILE | --jwks FILE [jwt] | --no-auth) [--listen ADDR] [--playbook FILE] [limits]
//! incident-service --postgres PARAMS (--tokens FILE | --jwks FILE [jwt] | --no-auth) [--listen ADDR] [--playbook FILE] [limits]
//!   [--status-title TEXT] [--status-show-owner] [--status-recent N] [--status-max-open N] [--status-reuse-ms MS]
//!   [--status-url URL]
//! ```
//!
//! It does not start open to anyone by default: a token file (`--tokens`),
//! a JWT key set (`--jwks`, with `--jwt-issuer` and `--jwt-audience`), both,
//! or `--no-auth`, said explicitly. SIGHUP re-reads the token file and the
//! key set file.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use incident_playbook::Playbook;
use incident_service::jwt::{JwtConfig, JwtVerifier, KeySet};
use incident_service::{Auth, Limits, PoolLimits, Service, StatusOptions, Tokens};
use incident_store::{AsyncPostgresStore, AsyncSqliteStore, AsyncStore};

/// The reference HTTP service: post commands, read snapshots, comms,
/// reports and status, on a SQLite or PostgreSQL store, within limits.
#[derive(Parser)]
#[command(
    name = "incident-service",
    version,
    group(clap::ArgGroup::new("store").required(true).args(["sqlite", "postgres"])),
    after_help = "Examples:\n  incident-service --sqlite incidents.db --tokens tokens.json\n  \
                  incident-service --postgres 'host=localhost user=incidents' --no-auth --listen 0.0.0.0:8080\n\n\
                  Exit codes: 0 stopped; 2 bad usage, or a store (after --start-timeout) or \
                  address that cannot be opened."
)]
struct Args {
    /// Keep the incidents in this SQLite file (made if missing).
    #[arg(long, value_name = "FILE")]
    sqlite: Option<std::path::PathBuf>,
    /// Keep the incidents in PostgreSQL (libpq connection parameters).
    #[arg(long, value_name = "PARAMS")]
    postgres: Option<String>,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// A playbook JSON document (default: the seed playbook).
    #[arg(long, value_name = "FILE")]
    playbook: Option<std::path::PathBuf>,
    /// Who may call: a JSON file `{"tokens": [{"name", "sha256", "read_only"}]}`
    /// (the hex SHA-256 of each bearer token, never the token); each
    /// holder's name is stamped as the `by` of the commands they send.
    /// Re-read on SIGHUP.
    #[arg(long, value_name = "FILE", conflicts_with = "no_auth")]
    tokens: Option<std::path::PathBuf>,
    /// Accept JWTs from an OpenID Connect provider, verified against this
    /// JSON Web Key Set file (what the provider publishes at its jwks_uri;
    /// re-read on SIGHUP). Beside `--tokens` or alone.
    #[arg(long, value_name = "FILE", conflicts_with = "no_auth", requires_all = ["jwt_issuer", "jwt_audience"])]
    jwks: Option<std::path::PathBuf>,
    /// The `iss` a JWT must carry (the provider's issuer URL).
    #[arg(long, value_name = "ISSUER", requires = "jwks")]
    jwt_issuer: Option<String>,
    /// The `aud` a JWT must carry (this service's client id).
    #[arg(long, value_name = "AUDIENCE", requires = "jwks")]
    jwt_audience: Option<String>,
    /// The claim naming the caller (default: `name`, else
    /// `preferred_username`, else `sub`).
    #[arg(long, value_name = "CLAIM", requires = "jwks")]
    jwt_name_claim: Option<String>,
    /// The scope (in `scope` or `scp`) a JWT needs to write; without it,
    /// the token may only read.
    #[arg(long, value_name = "SCOPE", default_value = "incidents:write")]
    jwt_write_scope: String,
    /// How many seconds a JWT's `exp` and `nbf` may be off the clock.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    jwt_leeway: u64,
    /// Serve without authentication: anyone who reaches the port may read
    /// and write, in any name. Without `--tokens` or `--jwks`, this must be
    /// said.
    #[arg(long)]
    no_auth: bool,
    /// How many seconds after the server's clock a command may be dated.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    max_skew: u64,
    /// How many seconds a request may take, its body included (then 408).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    request_timeout: u64,
    /// How many seconds a client may take to send a request's headers
    /// (then the connection is closed).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_timeout: u64,
    /// How many requests are served at once; more are answered 503 with
    /// Retry-After.
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_in_flight: usize,
    /// The largest request body in bytes (then 413).
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    max_body: usize,
    /// The most store connections open at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pool_size: u32,
    /// How long to keep trying to reach the store at start, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    start_timeout: u64,
    /// The public status page's title.
    #[arg(long, value_name = "TEXT", default_value = "Service status")]
    status_title: String,
    /// Show each public update's owner (a person's name) on the status
    /// page and its feed: off unless the team publishes names.
    #[arg(long)]
    status_show_owner: bool,
    /// How many resolved incidents the status page shows, the latest first.
    #[arg(long, value_name = "N", default_value_t = 10)]
    status_recent: usize,
    /// How many open incidents the status page lists, those posted to
    /// latest first; it counts the others ("and N more").
    #[arg(long, value_name = "N", default_value_t = 25)]
    status_max_open: usize,
    /// How many milliseconds a status page built is served again before
    /// the store is asked again (0: every request asks).
    #[arg(long, value_name = "MS", default_value_t = 0)]
    status_reuse_ms: u64,
    /// The status page's public address (e.g. https://status.example.com/status),
    /// for the feed's id and links; default: http:// and the request's Host.
    #[arg(long, value_name = "URL")]
    status_url: Option<String>,
    /// Log lines as JSON objects instead of text.
    #[arg(long)]
    log_json: bool,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(usage) => {
            let _ = usage.print();
            return ExitCode::from(if usage.use_stderr() { 2 } else { 0 });
        }
    };
    let logs = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr);
    if args.log_json {
        logs.json().init();
    } else {
        logs.init();
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Said plainly, not as a log line: it is for the person who
            // started the service, and nothing was served.
            eprintln!("incident-service: {e}");
            ExitCode::from(2)
        }
    }
}

impl Args {
    fn limits(&self) -> Limits {
        let mut limits = Limits::default();
        limits.max_skew = Duration::from_secs(self.max_skew);
        limits.request_timeout = Duration::from_secs(self.request_timeout);
        limits.header_timeout = Duration::from_secs(self.header_timeout);
        limits.max_in_flight = self.max_in_flight;
        limits.max_body = self.max_body;
        limits.pool = PoolLimits {
            size: self.pool_size,
            ..PoolLimits::default()
        };
        limits
    }

    fn status(&self) -> StatusOptions {
        let mut status = StatusOptions::default();
        status.title.clone_from(&self.status_title);
        status.show_owner = self.status_show_owner;
        status.recent = self.status_recent;
        status.max_open = self.status_max_open;
        status.reuse_for = Duration::from_millis(self.status_reuse_ms);
        status.url.clone_from(&self.status_url);
        status
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let auth = auth(args)?;
    let playbook: Playbook = match &args.playbook {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => Playbook::default(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let service = open_with_retry(args, &playbook).await?;
        let listener = tokio::net::TcpListener::bind(&args.listen).await?;
        tracing::info!(address = %listener.local_addr()?, "listening");
        match &auth {
            Auth::None => tracing::warn!(
                "--no-auth: anyone who reaches this port may read and write, in any name"
            ),
            Auth::Jwt { verifier, tokens } => {
                let keys = verifier.keys().len();
                let also = if tokens.is_some() {
                    " and --tokens"
                } else {
                    ""
                };
                tracing::info!(keys, "bearer tokens required (--jwks{also})");
            }
            _ => tracing::info!("bearer tokens required (--tokens)"),
        }
        reload_on_hangup(args, &auth)?;
        incident_service::serve_with(listener, service, auth, std::future::pending()).await?;
        Ok(())
    })
}

/// The service on its store, retried with backoff (0.5 s doubling to 8 s)
/// while the database cannot be reached, for at most `--start-timeout`.
async fn open_with_retry(
    args: &Args,
    playbook: &Playbook,
) -> Result<Arc<Service>, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + Duration::from_secs(args.start_timeout);
    let mut wait = Duration::from_millis(500);
    loop {
        let pool = args.limits().pool;
        let opened: Result<Box<dyn AsyncStore>, _> = match (&args.sqlite, &args.postgres) {
            (Some(path), _) => AsyncSqliteStore::open_within(path, pool)
                .await
                .map(|s| Box::new(s) as _),
            (None, Some(params)) => AsyncPostgresStore::connect_within(params, pool)
                .await
                .map(|s| Box::new(s) as _),
            (None, None) => return Err("name a store: --sqlite FILE or --postgres PARAMS".into()),
        };
        match opened {
            Ok(store) => {
                let playbook = playbook.clone();
                return Ok(Service::with_status(
                    playbook,
                    store,
                    args.limits(),
                    args.status(),
                ));
            }
            Err(e) if Instant::now() + wait < deadline => {
                tracing::warn!(error = %chain(&e), retry_in = ?wait, "the store cannot be reached yet");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(8));
            }
            Err(e) => {
                return Err(format!(
                    "the store could not be reached in {} s: {}",
                    args.start_timeout,
                    chain(&e)
                )
                .into());
            }
        }
    }
}

/// An error with its causes, `a: b: c` (the store's own says only "db error").
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

/// Who may call: the token file's holders, the JWT key set's tokens, both,
/// or anyone when `--no-auth` says so; none given is refused, so that no
/// service starts open by mistake.
fn auth(args: &Args) -> Result<Auth, Box<dyn std::error::Error>> {
    let tokens = args.tokens.as_deref().map(read_tokens).transpose()?;
    let jwt = args
        .jwks
        .as_deref()
        .map(|path| jwt(args, path))
        .transpose()?;
    match (tokens, jwt, args.no_auth) {
        (Some(_), _, true) | (_, Some(_), true) => {
            Err("--tokens and --jwks exclude --no-auth".into())
        }
        (tokens, Some(verifier), false) => Ok(Auth::Jwt { verifier, tokens }),
        (Some(tokens), None, false) => Ok(Auth::Tokens(tokens)),
        (None, None, true) => Ok(Auth::None),
        (None, None, false) => Err(
            "no --tokens FILE nor --jwks FILE: the service does not start open to anyone unless told --no-auth"
                .into(),
        ),
    }
}

/// The token file at `path`.
fn read_tokens(path: &std::path::Path) -> Result<Arc<Tokens>, Box<dyn std::error::Error>> {
    let shown = path.display();
    let json = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let tokens = Tokens::from_json(&json).map_err(|e| format!("{shown}: {e}"))?;
    Ok(Arc::new(tokens))
}

/// The key set at `path`, with the keys it leaves out logged.
fn read_keys(path: &std::path::Path) -> Result<KeySet, String> {
    let shown = path.display();
    let json = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let keys = KeySet::from_json(&json).map_err(|e| format!("{shown}: {e}"))?;
    for why in keys.skipped() {
        tracing::warn!(file = %shown, "key left out: {why}");
    }
    Ok(keys)
}

/// The JWT verifier the arguments describe.
fn jwt(
    args: &Args,
    path: &std::path::Path,
) -> Result<Arc<JwtVerifier>, Box<dyn std::error::Error>> {
    let (Some(issuer), Some(audience)) = (&args.jwt_issuer, &args.jwt_audience) else {
        return Err("--jwks needs --jwt-issuer and --jwt-audience".into());
    };
    let mut config = JwtConfig::new(issuer, audience);
    config.name_claim.clone_from(&args.jwt_name_claim);
    config.write_scope.clone_from(&args.jwt_write_scope);
    config.leeway = args.jwt_leeway;
    Ok(Arc::new(JwtVerifier::new(config, read_keys(path)?)))
}

/// The token file at `path` read again into `tokens`; a file that cannot
/// be read or used is logged and the tokens in use are kept.
fn reread_tokens(path: &std::path::Path, tokens: &Tokens) {
    match read_tokens(path) {
        Ok(new) => {
            tokens.replace(Arc::unwrap_or_clone(new));
            tracing::info!(tokens = tokens.len(), "token file re-read (SIGHUP)");
        }
        Err(e) => {
            tracing::error!(error = %e, "token file not re-read; the tokens in use are kept")
        }
    }
}

/// The key set at `path` read again into `verifier`; a file that cannot
/// be read or holds no signing key is logged and the keys in use are kept.
fn reread_keys(path: &std::path::Path, verifier: &JwtVerifier) {
    match read_keys(path) {
        Ok(keys) => {
            let count = keys.len();
            verifier.replace_keys(keys);
            tracing::info!(keys = count, "key set re-read (SIGHUP)");
        }
        Err(e) => tracing::error!(error = %e, "key set not re-read; the keys in use are kept"),
    }
}

#[cfg(unix)]
/// Re-reads the token file and the key set, each when given, on every
/// SIGHUP (after the operator has changed the one or fetched the
/// provider's rotated keys into the other).
fn reload_on_hangup(args: &Args, auth: &Auth) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let tokens = match auth {
        Auth::Tokens(tokens)
        | Auth::Jwt {
            tokens: Some(tokens),
            ..
        } => args.tokens.clone().map(|path| (path, Arc::clone(tokens))),
        _ => None,
    };
    let keys = match auth {
        Auth::Jwt { verifier, .. } => args.jwks.clone().map(|path| (path, Arc::clone(verifier))),
        _ => None,
    };
    if tokens.is_none() && keys.is_none() {
        return Ok(());
    }
    let mut hangups = signal(SignalKind::hangup())?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            if let Some((path, tokens)) = &tokens {
                reread_tokens(path, tokens);
            }
            if let Some((path, verifier)) = &keys {
                reread_keys(path, verifier);
            }
        }
    });
    Ok(())
}

/// Without SIGHUP the token file and the key set are read at start only.
#[cfg(not(unix))]
fn reload_on_hangup(_: &Args, _: &Auth) -> std::io::Result<()> {
    Ok(())
}
