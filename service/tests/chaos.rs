//! The service under faults: several writers over real HTTP against
//! PostgreSQL while the service process is killed with SIGKILL and started
//! again twice, and PostgreSQL once. Afterwards every command a writer was
//! told was applied (or a duplicate) is stored once, at the version it was
//! told; versions have no gaps; and every incident reloads to the same
//! state through the service (started afresh) and through the store.
//!
//! No assertion on time: the faults come at points in the writers' work
//! (counted in answers), not at instants.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use incident_playbook::{IncidentId, Playbook, Uuid};
use incident_store::throwaway::PostgresServer;
use incident_store::{PostgresStore, Store};
use serde_json::{Value, json};

const WRITERS: u64 = 6;
const INCIDENTS: u64 = 3;
/// Answers the writers get between two faults.
const BETWEEN_FAULTS: u64 = 150;

/// The service binary, started on `port` against `params`.
struct ServiceProcess {
    child: Child,
}

impl ServiceProcess {
    fn start(params: &str, port: u16) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_incident-service"))
            .args(["--postgres", params, "--no-auth", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["--max-skew", "100000000", "--start-timeout", "60"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        ServiceProcess { child }
    }

    /// SIGKILL: no shutdown, in-flight requests cut.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn incident(i: u64) -> IncidentId {
    IncidentId::from(Uuid::from_u128(0xCA05_0000 + u128::from(i)))
}

fn declare(i: u64) -> Value {
    json!({
        "type": "declare", "incident_id": incident(i),
        "command_id": Uuid::from_u128(0xDEC1_0000 + u128::from(i)), "at": "2026-05-04T09:05:00Z",
        "title": "Slow document processing", "severity": "SEV3",
        "impact": {"environment": "production", "users": "Tenants using OCR",
            "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
            "flags": ["degraded_feature"]},
        "roles": {"commander": "Ada"},
        "update": {"impact": "OCR is slow", "action": "Checking provider status",
            "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}
    })
}

/// Writer `w`'s `n`-th command: a note on one of the incidents, every
/// seventh with a stale `expected_version` (refused 409, never stored).
fn note(w: u64, n: u64) -> Value {
    let mut cmd = json!({
        "type": "add_note", "incident_id": incident(n % INCIDENTS),
        "command_id": Uuid::from_u128((u128::from(w) << 64) | u128::from(n)),
        "at": "2026-05-04T09:10:00Z", "text": format!("writer {w}, note {n}")
    });
    if n % 7 == 3 {
        cmd["expected_version"] = json!(1);
    }
    cmd
}

/// A writer's client: short timeouts, statuses as answers.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// Sends `cmd` until it has a final answer (200, or a refusal other than
/// 503): the service or the database being down, or the connection cut,
/// means sending the same command (same id) again. `Some(Some(version))`
/// when applied, `Some(None)` when a duplicate (stored before: the answer
/// gives the incident's version, not the command's), `None` when refused.
fn deliver(
    agent: &ureq::Agent,
    base: &str,
    cmd: &Value,
    answers: &AtomicU64,
) -> Option<Option<u64>> {
    let url = format!("{base}/incidents/{}/commands", cmd["incident_id"].as_str()?);
    loop {
        let sent = agent
            .post(&url)
            .content_type("application/json")
            .send(cmd.to_string());
        let Ok(mut resp) = sent else {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        let status = resp.status().as_u16();
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        if status == 503 || status == 408 || (status >= 500 && body.is_empty()) {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        answers.fetch_add(1, Ordering::SeqCst);
        if status == 200 {
            let answer: Value = serde_json::from_str(&body).unwrap();
            let applied = answer["outcome"] == "applied";
            return Some(answer["version"].as_u64().filter(|_| applied));
        }
        assert!(
            status == 409 && cmd.get("expected_version").is_some(),
            "{status} {body} for {cmd}"
        );
        return None;
    }
}

/// What the writers were told: command id to the version it was applied
/// at (`None`: only ever answered as a duplicate, its first answer lost).
type Acknowledged = Arc<Mutex<HashMap<String, (IncidentId, Option<u64>)>>>;

fn writer(
    w: u64,
    base: String,
    stop: Arc<AtomicBool>,
    answers: Arc<AtomicU64>,
    acked: Acknowledged,
) {
    let agent = agent();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        let cmd = note(w, n);
        // Some commands are delivered twice, as a client that timed out would.
        let times = if n % 5 == 0 { 2 } else { 1 };
        for _ in 0..times {
            if let Some(version) = deliver(&agent, &base, &cmd, &answers) {
                let id = cmd["command_id"].as_str().unwrap().to_owned();
                let mut acked = acked.lock().unwrap();
                let entry = acked.entry(id).or_insert((incident(n % INCIDENTS), None));
                if let Some(version) = version {
                    assert!(entry.1.is_none(), "applied twice: {cmd}");
                    entry.1 = Some(version);
                }
            }
        }
        n += 1;
    }
}

/// Waits until the writers got `target` answers in all; a writer that
/// stopped (its assertion failed) fails the test.
fn wait_for(answers: &AtomicU64, target: u64, writers: &[std::thread::JoinHandle<()>]) {
    while answers.load(Ordering::SeqCst) < target {
        assert!(!writers.iter().any(|w| w.is_finished()), "a writer failed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn writers_lose_nothing_when_the_service_and_postgres_are_killed() {
    // Commits on disk when acknowledged: a killed server keeps them.
    let server = PostgresServer::start_durable().unwrap_or_else(|e| panic!("{e}"));
    let params = server.create_database("chaos").unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut service = ServiceProcess::start(&params, port);
    let answers = Arc::new(AtomicU64::new(0));
    let acked: Acknowledged = Arc::default();
    for i in 0..INCIDENTS {
        let answer = deliver(&agent(), &base, &declare(i), &answers);
        assert_eq!(answer, Some(Some(1)));
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (base, stop) = (base.clone(), Arc::clone(&stop));
            let (answers, acked) = (Arc::clone(&answers), Arc::clone(&acked));
            std::thread::spawn(move || writer(w, base, stop, answers, acked))
        })
        .collect();
    // The faults, each after the writers got so many more answers.
    wait_for(&answers, BETWEEN_FAULTS, &writers);
    service.kill();
    service = ServiceProcess::start(&params, port);
    wait_for(&answers, 2 * BETWEEN_FAULTS, &writers);
    server.kill().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    server.restart().unwrap();
    wait_for(&answers, 3 * BETWEEN_FAULTS, &writers);
    service.kill();
    service = ServiceProcess::start(&params, port);
    wait_for(&answers, 4 * BETWEEN_FAULTS, &writers);
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    // A service started afresh loads every incident from the store.
    service.kill();
    let _service = ServiceProcess::start(&params, port);
    check(&params, &base, &acked.lock().unwrap());
}

/// Every acknowledged command stored once at its version, no gaps, and
/// the same incident through the service and through the store.
fn check(params: &str, base: &str, acked: &HashMap<String, (IncidentId, Option<u64>)>) {
    let mut store = PostgresStore::connect(params).unwrap();
    let playbook = Playbook::default();
    let mut stored = 0;
    for i in 0..INCIDENTS {
        let id = incident(i);
        // `history` refuses a gap; the unique key refuses an id twice.
        let history = store.history(id).unwrap();
        let mut seen = std::collections::HashSet::new();
        for cmd in &history {
            assert!(
                seen.insert(cmd.command_id),
                "stored twice: {}",
                cmd.command_id
            );
        }
        stored += history.len();
        let from_store = store.restore(&playbook, id).unwrap().unwrap();
        let agent = agent();
        let through_service: Value = loop {
            if let Ok(mut resp) = agent.get(format!("{base}/incidents/{id}")).call()
                && resp.status() == 200
            {
                break serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(through_service, serde_json::to_value(&from_store).unwrap());
    }
    for (command_id, (id, version)) in acked {
        let row = store.command(*id, command_id.parse().unwrap()).unwrap();
        let row = row.unwrap_or_else(|| panic!("acknowledged {command_id} is not stored"));
        if let Some(version) = version {
            assert_eq!(row.version, *version, "{command_id}");
        }
    }
    assert!(
        acked.len() >= 3 * BETWEEN_FAULTS as usize / 2,
        "{}",
        acked.len()
    );
    eprintln!("{} acknowledged, {stored} stored", acked.len());
}
