//! The service's limits over real HTTP on loopback, on SQLite and on a
//! throwaway PostgreSQL server: the server's clock, timeouts, load shedding,
//! the bounded pool, the body limit, pages of the list, health. No assertion
//! is about how long anything took: each is about what the client got.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use incident_playbook::Playbook;
use incident_service::{Auth, Limits, PoolLimits, Service};
use incident_store::throwaway::PostgresServer;
use serde_json::{Value, json};

mod common;
use common::Running;

const INCIDENT: &str = "e2181857-7398-5cf2-aad9-acc3150b8632";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Status, headers and body of a GET or POST.
fn call(running: &Running, method: &str, path: &str, body: Option<&str>) -> Answer {
    let agent = agent();
    let url = running.url(path);
    let mut resp = match (method, body) {
        ("GET", _) => agent.get(&url).call().unwrap(),
        (_, body) => agent
            .post(&url)
            .content_type("application/json")
            .send(body.unwrap_or_default())
            .unwrap(),
    };
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (link, retry_after, content_type) = (
        header("link"),
        header("retry-after"),
        header("content-type"),
    );
    Answer {
        status: resp.status().as_u16(),
        link,
        retry_after,
        content_type,
        body: resp.body_mut().read_to_string().unwrap(),
    }
}

struct Answer {
    status: u16,
    link: Option<String>,
    retry_after: Option<String>,
    content_type: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// Asserts the one refusal shape: `rule`, and `violations` naming it.
    fn refused(&self, status: u16, rule: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/json"),
            "{}",
            self.body
        );
        let body = self.json();
        assert_eq!(body["rule"], rule, "{body}");
        assert_eq!(body["violations"][0]["rule"], rule, "{body}");
        assert!(body["violations"][0]["message"].is_string(), "{body}");
    }
}

fn declare(incident: &str) -> Value {
    json!({
        "type": "declare", "incident_id": incident,
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

fn note(n: u32, at: &str) -> Value {
    json!({"type": "add_note", "incident_id": INCIDENT,
        "command_id": format!("00000000-0000-4000-8000-{n:012}"),
        "at": at, "text": format!("note {n}")})
}

fn post_command(running: &Running, cmd: &Value) -> Answer {
    let id = cmd["incident_id"].as_str().unwrap();
    call(
        running,
        "POST",
        &format!("/incidents/{id}/commands"),
        Some(&cmd.to_string()),
    )
}

/// A command dated far after the server's clock is refused, and the
/// incident is not frozen by it: a later command in the present is taken.
fn clock_and_health(running: &Running) {
    assert_eq!(post_command(running, &declare(INCIDENT)).status, 200);
    let future = post_command(running, &note(1, "9999-12-31T23:59:59Z"));
    assert_eq!(future.status, 422, "{}", future.body);
    assert_eq!(future.json()["rule"], "recorded-in-the-future");
    assert_eq!(future.json()["violations"][0]["path"], "at");
    let present = post_command(running, &note(2, "2026-05-04T09:10:00Z"));
    assert_eq!(
        (present.status, present.json()["version"].as_u64()),
        (200, Some(2)),
        "{}",
        present.body
    );

    // U+0000 is refused as malformed input (400: not retried), not 503.
    let mut nul = note(3, "2026-05-04T09:11:00Z");
    nul["text"] = json!("a\u{0}b");
    post_command(running, &nul).refused(400, "malformed-input");

    let live = call(running, "GET", "/health/live", None);
    assert_eq!(
        (live.status, live.json()["status"].as_str()),
        (200, Some("live"))
    );
    let ready = call(running, "GET", "/health/ready", None);
    assert_eq!(
        (ready.status, ready.json()["status"].as_str()),
        (200, Some("ready"))
    );
    call(running, "GET", "/no/such/route", None).refused(404, "not-found");
    call(
        running,
        "GET",
        "/incidents/6f1c1c8e-2b3d-4f5a-8e9f-0a1b2c3d4e5f",
        None,
    )
    .refused(404, "not-found");
}

/// Many readers at once through a pool of `bound`: never more open.
fn pool_bounded(running: &Running, service: &Arc<Service>, bound: u32, params: Option<&str>) {
    let most = Arc::new(AtomicU32::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (service, most, done) = (Arc::clone(service), Arc::clone(&most), Arc::clone(&done));
        let params = params.map(str::to_owned);
        std::thread::spawn(move || {
            // The database's own count of its clients, this one left out.
            let mut pg = params.map(|p| postgres::Client::connect(&p, postgres::NoTls).unwrap());
            while !done.load(Ordering::SeqCst) {
                most.fetch_max(service.open_connections(), Ordering::SeqCst);
                if let Some(pg) = &mut pg {
                    let row = pg
                        .query_one(
                            "SELECT count(*) FROM pg_stat_activity \
                             WHERE datname = current_database() AND pid <> pg_backend_pid()",
                            &[],
                        )
                        .unwrap();
                    let n: i64 = row.get(0);
                    most.fetch_max(u32::try_from(n).unwrap(), Ordering::SeqCst);
                }
                std::thread::yield_now();
            }
        })
    };
    let readers: Vec<_> = (0..24)
        .map(|_| {
            let url = running.url(&format!("/incidents/{INCIDENT}"));
            std::thread::spawn(move || {
                let agent = agent();
                (0..5)
                    .map(|_| agent.get(&url).call().unwrap().status().as_u16())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for reader in readers {
        assert!(reader.join().unwrap().iter().all(|s| *s == 200));
    }
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    let most = most.load(Ordering::SeqCst);
    assert!(
        (1..=bound).contains(&most),
        "{most} connections open, bound {bound}"
    );
}

fn limits(pool: u32) -> Limits {
    let mut limits = Limits::default();
    limits.pool = PoolLimits {
        size: pool,
        ..PoolLimits::default()
    };
    limits
}

#[test]
fn on_sqlite() {
    let path =
        std::env::temp_dir().join(format!("incident-service-limits-{}.db", std::process::id()));
    let service = common::block(Service::sqlite_within(
        Playbook::default(),
        &path,
        limits(2),
    ))
    .unwrap();
    let running = Running::start(Arc::clone(&service), Auth::None);
    clock_and_health(&running);
    pool_bounded(&running, &service, 2, None);
    pages(&running);
    drop(running);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn on_postgres() {
    let server = PostgresServer::start().unwrap_or_else(|e| panic!("{e}"));
    let params = server.create_database("limits").unwrap();
    let service = common::block(Service::postgres_within(
        Playbook::default(),
        &params,
        limits(3),
    ))
    .unwrap();
    let running = Running::start(Arc::clone(&service), Auth::None);
    clock_and_health(&running);
    pool_bounded(&running, &service, 3, Some(&params));
    pages(&running);
}

/// Five incidents, read two at a time by following `Link: rel="next"`.
fn pages(running: &Running) {
    let mut ids: Vec<String> = (1..=4)
        .map(|n| format!("00000000-0000-4000-8000-0000000000a{n}"))
        .collect();
    for id in &ids {
        assert_eq!(post_command(running, &declare(id)).status, 200);
    }
    ids.push(INCIDENT.to_owned());
    ids.sort();
    let mut seen = Vec::new();
    let mut path = "/incidents?limit=2".to_owned();
    loop {
        let page = call(running, "GET", &path, None);
        assert_eq!(page.status, 200, "{}", page.body);
        let items = page.json();
        assert!(items.as_array().unwrap().len() <= 2);
        seen.extend(
            items
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["incident_id"].as_str().unwrap().to_owned()),
        );
        let Some(link) = page.link else { break };
        let next = link.trim_start_matches('<');
        path = next[..next.find('>').unwrap()].to_owned();
        assert!(link.ends_with("rel=\"next\""), "{link}");
    }
    assert_eq!(seen, ids);
    // Without `limit`: one page of every incident here, no next.
    let all = call(running, "GET", "/incidents", None);
    assert_eq!((all.json().as_array().unwrap().len(), all.link), (5, None));
    call(running, "GET", "/incidents?limit=0", None).refused(400, "malformed-input");
    call(running, "GET", "/incidents?after=nope", None).refused(400, "malformed-input");
}

/// A service on SQLite within `limits`, for the tests of one limit each.
fn sqlite_within(name: &str, limits: Limits) -> (Running, std::path::PathBuf) {
    let path = std::env::temp_dir().join(format!(
        "incident-service-limits-{name}-{}.db",
        std::process::id()
    ));
    let service =
        common::block(Service::sqlite_within(Playbook::default(), &path, limits)).unwrap();
    (Running::start(service, Auth::None), path)
}

fn remove(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Sends `head` and reads until the server closes the connection; what it
/// said by then (the client gives up only after a minute).
fn send_and_wait(addr: &str, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the connection was held open: {e}"),
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn slow_clients_are_cut_off() {
    let mut limits = Limits::default();
    limits.header_timeout = Duration::from_secs(1);
    limits.request_timeout = Duration::from_secs(1);
    let (running, path) = sqlite_within("slow", limits);

    // Half a request: the headers never end. The connection is closed.
    send_and_wait(&running.addr, "GET /incidents HTTP/1.1\r\nHost: x\r\n");

    // A body slower than the request timeout: 408 in the refusal shape.
    let answer = send_and_wait(
        &running.addr,
        &format!(
            "POST /incidents/{INCIDENT}/commands HTTP/1.1\r\nHost: x\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"type\""
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"rule\":\"request-timeout\""), "{answer}");

    // The service still serves.
    assert_eq!(call(&running, "GET", "/incidents", None).status, 200);
    drop(running);
    remove(&path);
}

/// Reads from `stream` until `end` has come (the stream is left open).
fn read_until(stream: &mut TcpStream, end: &str) -> String {
    let mut said = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&said).contains(end) {
        match stream.read(&mut byte) {
            Ok(1) => said.push(byte[0]),
            other => panic!(
                "{other:?} before {end:?}; the server said {:?}",
                String::from_utf8_lossy(&said)
            ),
        }
    }
    String::from_utf8_lossy(&said).into_owned()
}

#[test]
fn load_is_shed_with_503() {
    // Nothing cuts the held request however slow the machine is: the test
    // ends it itself.
    let mut limits = Limits::default();
    limits.max_in_flight = 1;
    limits.request_timeout = Duration::from_secs(24 * 3600);
    let (running, path) = sqlite_within("shed", limits);

    // One request in flight, its body not sent. With `Expect: 100-continue`
    // the server says `100 Continue` when the handler first reads the body,
    // that is once the request holds the one place: from then on every
    // other request is shed, the first one included.
    let mut held = TcpStream::connect(&running.addr).unwrap();
    held.set_read_timeout(Some(Duration::from_secs(600)))
        .unwrap();
    let body = format!("{{\"type\": \"add_note\", \"incident_id\": \"{INCIDENT}\"}}");
    held.write_all(
        format!(
            "POST /incidents/{INCIDENT}/commands HTTP/1.1\r\nHost: x\r\n\
             Content-Type: application/json\r\nExpect: 100-continue\r\n\
             Content-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    read_until(&mut held, "HTTP/1.1 100 Continue\r\n\r\n");
    let shed = call(&running, "GET", "/incidents", None);
    shed.refused(503, "overloaded");
    assert_eq!(shed.retry_after.as_deref(), Some("1"));
    // The health of the process is not shed.
    assert_eq!(call(&running, "GET", "/health/live", None).status, 200);

    // The held request ends (refused: the command is incomplete); its place
    // is given back before its answer is sent, so the next one is served.
    held.write_all(body.as_bytes()).unwrap();
    let answer = read_until(&mut held, "\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert_eq!(call(&running, "GET", "/incidents", None).status, 200);
    drop(held);
    drop(running);
    remove(&path);
}

#[test]
fn a_body_over_the_limit_is_refused_as_json() {
    let mut limits = Limits::default();
    limits.max_body = 64 * 1024;
    let (running, path) = sqlite_within("body", limits);
    let big = format!("{{\"text\": \"{}\"}}", "a".repeat(100 * 1024));
    let answer = call(
        &running,
        "POST",
        &format!("/incidents/{INCIDENT}/commands"),
        Some(&big),
    );
    answer.refused(413, "body-too-large");
    drop(running);
    remove(&path);
}

/// The binary logs one line per request, as JSON with `--log-json`: its
/// method, URI, status and latency (a refusal's too).
#[test]
fn every_request_is_logged_in_one_line() {
    use std::io::BufRead;
    let db = std::env::temp_dir().join(format!("incident-log-lines-{}.db", std::process::id()));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_incident-service"))
        .arg("--sqlite")
        .arg(&db)
        .args(["--listen", "127.0.0.1:0", "--no-auth", "--log-json"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut next_line =
        || -> Value { serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap() };
    let address = loop {
        let line = next_line();
        if let Some(address) = line["fields"]["address"].as_str() {
            break address.to_owned();
        }
    };
    let base = format!("http://{address}");
    let live = agent().get(format!("{base}/health/live")).call().unwrap();
    assert_eq!(live.status(), 200);
    let refused = agent()
        .post(format!("{base}/incidents/{INCIDENT}/commands"))
        .content_type("application/json")
        .send("{not json")
        .unwrap();
    assert_eq!(refused.status(), 400);
    let mut logged = Vec::new();
    while logged.len() < 2 {
        let line = next_line();
        if line["fields"]["message"] == "request" {
            logged.push(line);
        }
    }
    let _ = child.kill();
    child.wait().unwrap();
    remove(&db);
    for (line, (uri, status)) in logged.iter().zip([
        ("/health/live".to_owned(), 200),
        (format!("/incidents/{INCIDENT}/commands"), 400),
    ]) {
        let fields = &line["fields"];
        assert_eq!(line["level"], "INFO", "{line}");
        assert_eq!(fields["uri"], uri.as_str(), "{line}");
        assert_eq!(fields["status"], status, "{line}");
        assert!(fields["latency_us"].is_u64(), "{line}");
    }
    assert_eq!(logged[0]["fields"]["method"], "GET");
    assert_eq!(logged[1]["fields"]["method"], "POST");
}
