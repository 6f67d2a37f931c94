//! `incident-service`: the reference service on a store.
//!
//! ```text
//! incident-service --sqlite FILE [--listen ADDR] [--playbook FILE]
//! incident-service --postgres PARAMS [--listen ADDR] [--playbook FILE]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use incident_playbook::Playbook;
use incident_service::Service;

/// The reference HTTP service: post commands, read snapshots, comms,
/// reports and status, on a SQLite or PostgreSQL store.
#[derive(Parser)]
#[command(
    name = "incident-service",
    version,
    group(ArgGroup::new("store").required(true).args(["sqlite", "postgres"])),
    after_help = "Examples:\n  incident-service --sqlite incidents.db\n  \
                  incident-service --postgres 'host=localhost user=incidents' --listen 0.0.0.0:8080\n\n\
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
        incident_service::serve(listener, service, std::future::pending()).await
    })?;
    Ok(())
}
