//! `incident-service`: the reference service on a store.
//!
//! ```text
//! incident-service (--sqlite FILE | --postgres PARAMS) (--tokens FILE | --no-auth)
//!                  [--listen ADDR] [--playbook FILE]
//! ```
//!
//! It does not start open to anyone by default: either a token file
//! (`--tokens`) or `--no-auth`, said explicitly.

use std::process::ExitCode;

use incident_playbook::Playbook;
use incident_service::{Auth, Service, Tokens};

const USAGE: &str = "usage: incident-service (--sqlite FILE | --postgres PARAMS) \
                     (--tokens FILE | --no-auth) \
                     [--listen ADDR (default 127.0.0.1:8080)] [--playbook FILE]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("incident-service: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut store, mut listen, mut playbook) = (None, "127.0.0.1:8080".to_owned(), None);
    let (mut tokens, mut no_auth) = (None, false);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--sqlite" | "--postgres" => store = Some((flag.clone(), value()?)),
            "--listen" => listen = value()?,
            "--playbook" => playbook = Some(value()?),
            "--tokens" => tokens = Some(value()?),
            "--no-auth" => no_auth = true,
            _ => return Err(format!("unknown argument {flag}").into()),
        }
    }
    let auth = auth(tokens, no_auth)?;
    let playbook = match playbook {
        Some(path) => serde_json::from_str(&std::fs::read_to_string(path)?)?,
        None => Playbook::default(),
    };
    let service = match store.ok_or("name a store")? {
        (kind, path) if kind == "--sqlite" => Service::sqlite(playbook, path.as_ref())?,
        (_, params) => Service::postgres(playbook, &params)?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&listen).await?;
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
fn auth(tokens: Option<String>, no_auth: bool) -> Result<Auth, Box<dyn std::error::Error>> {
    match (tokens, no_auth) {
        (Some(_), true) => Err("--tokens and --no-auth exclude each other".into()),
        (Some(path), false) => {
            let json = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            let tokens = Tokens::from_json(&json).map_err(|e| format!("{path}: {e}"))?;
            Ok(Auth::Tokens(std::sync::Arc::new(tokens)))
        }
        (None, true) => Ok(Auth::None),
        (None, false) => Err(
            "no --tokens FILE: the service does not start open to anyone unless told --no-auth"
                .into(),
        ),
    }
}
