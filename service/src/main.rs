//! `incident-service`: the reference service on a store.
//!
//! ```text
//! incident-service --sqlite FILE (--tokens FILE | --no-auth) [--listen ADDR] [--playbook FILE]
//! incident-service --postgres PARAMS (--tokens FILE | --no-auth) [--listen ADDR] [--playbook FILE]
//! ```
//!
//! It does not start open to anyone by default: either a token file
//! (`--tokens`) or `--no-auth`, said explicitly.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use incident_playbook::Playbook;
use incident_service::{Auth, Service, Tokens};

/// The reference HTTP service: post commands, read snapshots, comms,
/// reports and status, on a SQLite or PostgreSQL store.
#[derive(Parser)]
#[command(
    name = "incident-service",
    version,
    group(ArgGroup::new("store").required(true).args(["sqlite", "postgres"])),
    after_help = "Examples:\n  incident-service --sqlite incidents.db --tokens tokens.json\n  \
                  incident-service --postgres 'host=localhost user=incidents' --no-auth --listen 0.0.0.0:8080\n\n\
                  Exit codes: 0 stopped; 2 bad usage, or a store or address that cannot be opened."
)]
struct Args {
    /// Keep the incidents in this SQLite file (made if missing).
    #[arg(long, value_name = "FILE")]
    sqlite: Option<PathBuf>,
    /// Keep the incidents in PostgreSQL (libpq connection parameters).
    #[arg(long, value_name = "PARAMS")]
    postgres: Option<String>,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// A playbook JSON document (default: the seed playbook).
    #[arg(long, value_name = "FILE")]
    playbook: Option<PathBuf>,
    /// Who may call: a JSON file `{"tokens": [{"name", "sha256", "read_only"}]}`
    /// (the hex SHA-256 of each bearer token, never the token); each
    /// holder's name is stamped as the `by` of the commands they send.
    #[arg(long, value_name = "FILE", conflicts_with = "no_auth")]
    tokens: Option<PathBuf>,
    /// Serve without authentication: anyone who reaches the port may read
    /// and write, in any name. Without `--tokens`, this must be said.
    #[arg(long)]
    no_auth: bool,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(usage) => {
            let _ = usage.print();
            return ExitCode::from(if usage.use_stderr() { 2 } else { 0 });
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("incident-service: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let auth = auth(args.tokens.as_deref(), args.no_auth)?;
    let playbook = match &args.playbook {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => Playbook::default(),
    };
    let service = match (&args.sqlite, &args.postgres) {
        (Some(path), _) => Service::sqlite(playbook, path)?,
        (None, Some(params)) => Service::postgres(playbook, params)?,
        (None, None) => return Err("name a store: --sqlite FILE or --postgres PARAMS".into()),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen).await?;
        eprintln!(
            "incident-service: listening on http://{}",
            listener.local_addr()?
        );
        match &auth {
            Auth::None => eprintln!(
                "incident-service: --no-auth: anyone who reaches this port may read and write, in any name"
            ),
            _ => eprintln!("incident-service: bearer tokens required (--tokens)"),
        }
        incident_service::serve_with(listener, service, auth, std::future::pending()).await
    })?;
    Ok(())
}

/// Who may call: the token file's holders, or anyone when `--no-auth` says
/// so; neither given is refused, so that no service starts open by mistake.
fn auth(
    tokens: Option<&std::path::Path>,
    no_auth: bool,
) -> Result<Auth, Box<dyn std::error::Error>> {
    match (tokens, no_auth) {
        (Some(_), true) => Err("--tokens and --no-auth exclude each other".into()),
        (Some(path), false) => {
            let shown = path.display();
            let json = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
            let tokens = Tokens::from_json(&json).map_err(|e| format!("{shown}: {e}"))?;
            Ok(Auth::Tokens(std::sync::Arc::new(tokens)))
        }
        (None, true) => Ok(Auth::None),
        (None, false) => Err(
            "no --tokens FILE: the service does not start open to anyone unless told --no-auth"
                .into(),
        ),
    }
}
