//! `incident-service`: the reference service on a store.
//!
//! ```text
//! incident-service (--sqlite FILE | --postgres PARAMS) [--listen ADDR] [--playbook FILE]
//! ```

use std::process::ExitCode;

use incident_playbook::Playbook;
use incident_service::Service;

const USAGE: &str = "usage: incident-service (--sqlite FILE | --postgres PARAMS) \
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
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--sqlite" | "--postgres" => store = Some((flag.clone(), value()?)),
            "--listen" => listen = value()?,
            "--playbook" => playbook = Some(value()?),
            _ => return Err(format!("unknown argument {flag}").into()),
        }
    }
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
        incident_service::serve(listener, service, std::future::pending()).await
    })?;
    Ok(())
}
