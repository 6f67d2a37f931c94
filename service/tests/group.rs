//! Many writers over real HTTP on one incident at once, on SQLite and on
//! a throwaway PostgreSQL server: the commands that queue while the
//! incident's commit is in flight are committed together, and yet every
//! answer is the one handling the commands one by one gives. Every
//! acknowledged command is stored once, at the version it was told, with
//! no gap; every redelivery answers the version it was judged at; every
//! stale `expected_version` is refused with its rule.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use incident_playbook::{Command, CommandId, Incident, Outcome, Playbook};
use incident_service::{Auth, Service};
use incident_store::throwaway::PostgresServer;
use incident_store::{PostgresStore, Row, SqliteStore, Store};
use serde_json::{Value, json};

mod common;
use common::Running;

const INCIDENT: &str = "5b1e7c3a-8d2f-4e6b-9a0c-3f4d5e6a7b8c";
const WRITERS: u32 = 12;
const PER_WRITER: u32 = 15;

fn declare() -> Value {
    json!({
        "type": "declare", "incident_id": INCIDENT,
        "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
        "title": "Slow document processing", "severity": "SEV3",
        "impact": {"environment": "production", "users": "Tenants using OCR",
            "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
            "flags": ["degraded_feature"]},
        "roles": {"commander": "Ada", "technical_lead": "Grace"},
        "update": {"impact": "OCR is slow", "action": "Checking provider status",
            "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}
    })
}

/// Writer `w`'s `k`-th note; every 4th expects version 1 (long gone).
fn note(w: u32, k: u32) -> Value {
    let mut note = json!({"type": "add_note", "incident_id": INCIDENT,
        "command_id": format!("00000000-0000-4000-8000-{w:04}{k:08}"),
        "at": "2026-05-04T09:10:00Z", "text": format!("writer {w}, note {k}")});
    if k % 4 == 3 {
        note["expected_version"] = json!(1);
    }
    note
}

/// How many times a note is sent: each 3rd twice (a redelivery).
fn deliveries(k: u32) -> u32 {
    if k.is_multiple_of(3) { 2 } else { 1 }
}

/// What a writer sent and was answered: the command, the status, the body.
type Exchange = (Value, u16, Value);

fn post(agent: &ureq::Agent, base: &str, command: &Value) -> Exchange {
    let mut resp = agent
        .post(format!("{base}/incidents/{INCIDENT}/commands"))
        .content_type("application/json")
        .send(command.to_string())
        .unwrap();
    let status = resp.status().as_u16();
    let body = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    (command.clone(), status, body)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Every writer's notes, each 3rd sent twice (a redelivery), all writers
/// at once; every exchange.
fn write_at_once(base: &str) -> Vec<Exchange> {
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let base = base.to_owned();
            std::thread::spawn(move || {
                let agent = agent();
                let mut exchanges = Vec::new();
                for k in 0..PER_WRITER {
                    for _ in 0..deliveries(k) {
                        exchanges.push(post(&agent, &base, &note(w, k)));
                    }
                }
                exchanges
            })
        })
        .collect();
    writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect()
}

/// The run on a service whose rows `rows` reads afterwards.
fn run(service: Arc<Service>, rows: impl FnOnce() -> Vec<Row>) {
    let running = Running::start(service, Auth::None);
    let base = running.url("");
    let agent = agent();
    let (_, status, body) = post(&agent, &base, &declare());
    assert_eq!(status, 200, "{body}");
    let exchanges = write_at_once(&base);
    let mut snapshot = agent
        .get(format!("{base}/incidents/{INCIDENT}"))
        .call()
        .unwrap();
    let served: Value =
        serde_json::from_str(&snapshot.body_mut().read_to_string().unwrap()).unwrap();
    drop(running);
    let rows = rows();
    check(&exchanges, &rows, &served);
}

/// Each answer is the one handling the commands one by one, in the order
/// they were stored, gives.
fn check(exchanges: &[Exchange], rows: &[Row], served: &Value) {
    let playbook = Playbook::default();
    let versions: Vec<u64> = rows.iter().map(|r| r.version).collect();
    assert_eq!(
        versions,
        (1..=rows.len() as u64).collect::<Vec<_>>(),
        "no gap"
    );
    let at: HashMap<CommandId, u64> = rows
        .iter()
        .map(|r| (r.command.command_id, r.version))
        .collect();
    assert_eq!(at.len(), rows.len(), "each command stored once");
    let history: Vec<Command> = rows.iter().map(|r| r.command.clone()).collect();
    // The incident after its first `v` commands, as handling them one by
    // one leaves it.
    let after = |v: u64| {
        let prefix = history.iter().take(v as usize).cloned();
        Incident::restore(prefix, &playbook).unwrap()
    };
    let (mut applied, mut duplicates, mut refused) = (0, 0, 0);
    for (sent, status, body) in exchanges {
        let cmd: Command = serde_json::from_value(sent.clone()).unwrap();
        match body["outcome"].as_str() {
            Some("applied") => {
                applied += 1;
                let v = body["version"].as_u64().unwrap();
                assert_eq!(
                    at.get(&cmd.command_id),
                    Some(&v),
                    "stored where told: {sent}"
                );
                assert_eq!(rows[v as usize - 1].command, cmd);
                // One by one, on the incident before it: applied there.
                let outcome = after(v - 1).handle(cmd, &playbook).unwrap();
                assert_eq!(outcome, Outcome::Applied { version: v });
            }
            Some("duplicate") => {
                duplicates += 1;
                let v = body["version"].as_u64().unwrap();
                let outcome = after(v).handle(cmd, &playbook).unwrap();
                assert_eq!(outcome, Outcome::Duplicate { version: v }, "{sent}");
            }
            _ => {
                refused += 1;
                assert_eq!(*status, 409, "{body}");
                assert_eq!(body["violations"][0]["rule"], "version-conflict", "{body}");
                assert!(
                    !at.contains_key(&cmd.command_id),
                    "refused, not stored: {sent}"
                );
                // One by one, at any version after the first note, the same.
                let rule = after(rows.len() as u64)
                    .handle(cmd, &playbook)
                    .unwrap_err()
                    .rule();
                assert_eq!(rule.id(), "version-conflict");
            }
        }
    }
    let sent: u32 = WRITERS * (0..PER_WRITER).map(deliveries).sum::<u32>();
    let stale: u32 = WRITERS
        * (0..PER_WRITER)
            .filter(|k| k % 4 == 3)
            .map(deliveries)
            .sum::<u32>();
    assert_eq!(refused, stale);
    assert_eq!(applied + duplicates + refused, sent);
    assert_eq!(
        applied as usize,
        rows.len() - 1,
        "every stored note acknowledged once"
    );
    let whole = serde_json::to_value(after(rows.len() as u64)).unwrap();
    assert_eq!(served, &whole, "the service keeps what the rows say");
}

#[test]
fn on_sqlite() {
    let path = std::env::temp_dir().join(format!("incident-group-test-{}.db", std::process::id()));
    let service = common::block(Service::sqlite(Playbook::default(), &path)).unwrap();
    run(service, || {
        SqliteStore::open(&path)
            .unwrap()
            .rows(INCIDENT.parse().unwrap())
            .unwrap()
    });
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn on_postgres() {
    let server = PostgresServer::start().unwrap_or_else(|e| panic!("{e}"));
    let params = server.create_database("group").unwrap();
    let service = common::block(Service::postgres(Playbook::default(), &params)).unwrap();
    run(service, || {
        PostgresStore::connect(&params)
            .unwrap()
            .rows(INCIDENT.parse().unwrap())
            .unwrap()
    });
}
