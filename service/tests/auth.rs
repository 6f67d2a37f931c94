//! Bearer tokens over real HTTP on loopback: 401 without a valid token, 403
//! for a read-only token's write and for a `by` in another's name, the
//! holder's name stamped as `by` in the stored history (SQLite and a
//! throwaway PostgreSQL), and the binary that will not start open unless
//! told `--no-auth`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use incident_service::{Auth, Service, Tokens};
use serde_json::{Value, json};

mod common;
use common::Running;
use sha2::{Digest, Sha256};

const INCIDENT: &str = "e2181857-7398-5cf2-aad9-acc3150b8632";
const WRITER: &str = "ada-7f3c9b1e";
const READER: &str = "support-2d8e4a60";

fn hex_sha256(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn token_file() -> String {
    json!({"tokens": [
        {"name": "Ada", "sha256": hex_sha256(WRITER)},
        {"name": "Sam", "sha256": hex_sha256(READER), "read_only": true},
    ]})
    .to_string()
}

/// One answer: status, `WWW-Authenticate`, body as JSON.
struct Answer {
    status: u16,
    challenge: Option<String>,
    body: Value,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn send(base: &str, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
    let agent = agent();
    let url = format!("{base}{path}");
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut resp = match (method, body) {
        ("GET", _) => {
            let mut req = agent.get(&url);
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.call().unwrap()
        }
        (_, body) => {
            let mut req = agent.post(&url).content_type("application/json");
            if let Some(a) = &auth {
                req = req.header("Authorization", a);
            }
            req.send(body.map_or(String::new(), Value::to_string))
                .unwrap()
        }
    };
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = resp.body_mut().read_to_string().unwrap();
    Answer {
        status: resp.status().as_u16(),
        challenge,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

fn declare() -> Value {
    json!({
        "type": "declare", "incident_id": INCIDENT,
        "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2020-05-04T09:05:00Z",
        "title": "Slow document processing", "severity": "SEV3",
        "impact": {"environment": "production", "users": "Tenants using OCR",
            "feature": "Document processing", "started_at": "2020-05-04T08:30:00Z",
            "flags": ["degraded_feature"]},
        "roles": {"commander": "Ada", "technical_lead": "Grace"},
        "update": {"impact": "OCR is slow", "action": "Checking provider status",
            "owner": "Ada", "next_update": "2020-05-04T10:05:00Z"}
    })
}

fn rule(a: &Answer) -> &str {
    a.body["rule"].as_str().unwrap_or_default()
}

/// Everything the tokens promise, on `service`.
fn exercise(service: Arc<Service>) {
    let tokens = Tokens::from_json(&token_file()).unwrap();
    let running = Running::start(service, Auth::Tokens(Arc::new(tokens)));
    let base = running.url("");
    let base = base.as_str();
    let commands = format!("/incidents/{INCIDENT}/commands");

    // 401 without a token and with a wrong one, on reads and writes, in the
    // refusal shape, with the challenge.
    for token in [None, Some("guess"), Some("")] {
        for (method, path) in [("GET", "/incidents"), ("POST", commands.as_str())] {
            let a = send(base, method, path, token, Some(&declare()));
            assert_eq!(
                (a.status, rule(&a)),
                (401, "unauthenticated"),
                "{token:?} {path}"
            );
            assert_eq!(a.challenge.as_deref(), Some("Bearer"));
            assert_eq!(a.body["violations"][0]["rule"], "unauthenticated");
        }
    }
    // The timeline picture is for readers with a token too.
    let picture = format!("/incidents/{INCIDENT}/timeline.svg");
    for token in [None, Some("guess")] {
        let a = send(base, "GET", &picture, token, None);
        assert_eq!((a.status, rule(&a)), (401, "unauthenticated"), "{token:?}");
    }
    // A read-only token reads, and may not write.
    assert_eq!(
        send(base, "GET", "/incidents", Some(READER), None).status,
        200
    );
    let a = send(base, "POST", &commands, Some(READER), Some(&declare()));
    assert_eq!((a.status, rule(&a)), (403, "read-only-token"), "{}", a.body);

    // A `by` naming someone else is refused; nothing is stored.
    let mut as_grace = declare();
    as_grace["by"] = json!("Grace");
    let a = send(base, "POST", &commands, Some(WRITER), Some(&as_grace));
    assert_eq!((a.status, rule(&a)), (403, "by-not-caller"), "{}", a.body);
    assert_eq!(a.body["violations"][0]["path"], "by");
    assert_eq!(
        send(
            base,
            "GET",
            &format!("/incidents/{INCIDENT}"),
            Some(WRITER),
            None
        )
        .status,
        404
    );

    // The holder's name is stamped as `by`: on a command without one, on
    // one that names the holder, and on a body without its envelope.
    let a = send(base, "POST", &commands, Some(WRITER), Some(&declare()));
    assert_eq!(a.status, 200, "{}", a.body);
    let mut note = json!({"type": "add_note", "incident_id": INCIDENT,
        "command_id": "00000000-0000-4000-8000-000000000001",
        "at": "2020-05-04T09:10:00Z", "by": "Ada", "text": "Queue drains"});
    assert_eq!(
        send(base, "POST", &commands, Some(WRITER), Some(&note)).status,
        200
    );
    // Sent again with the token and without `by`: the same command.
    note.as_object_mut().unwrap().remove("by");
    let a = send(base, "POST", &commands, Some(WRITER), Some(&note));
    assert_eq!(
        (a.status, a.body["outcome"].as_str()),
        (200, Some("duplicate")),
        "{}",
        a.body
    );
    let body = json!({"type": "add_note", "text": "Provider confirms"});
    let path = format!("{commands}/00000000-0000-4000-8000-000000000002");
    assert_eq!(
        send(base, "POST", &path, Some(WRITER), Some(&body)).status,
        200
    );
    let a = send(
        base,
        "GET",
        &format!("/incidents/{INCIDENT}"),
        Some(READER),
        None,
    );
    let senders: Vec<&Value> = a.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["by"])
        .collect();
    assert_eq!(senders, [&json!("Ada"); 3]);
    let a = send(base, "GET", &picture, Some(READER), None);
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.as_str().is_some_and(|s| s.starts_with("<svg ")));
}

#[test]
fn tokens_on_sqlite() {
    common::on_sqlite("auth", exercise);
}

#[test]
fn tokens_on_postgres() {
    common::on_postgres("auth", exercise);
}

/// Starts the binary with `args` on a scratch SQLite file; its first line
/// of standard error, and whether it was still running (then stopped).
fn start_binary(args: &[&str]) -> (String, bool) {
    let db = std::env::temp_dir().join(format!(
        "incident-auth-bin-{}-{}.db",
        std::process::id(),
        args.len()
    ));
    let mut child = Command::new(env!("CARGO_BIN_EXE_incident-service"))
        .arg("--sqlite")
        .arg(&db)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let mut rest = String::new();
    let running = child.try_wait().unwrap().is_none();
    if running {
        // Told to listen, it says how it is guarded on the next line.
        stderr.read_line(&mut rest).unwrap();
        let _ = child.kill();
    }
    child.wait().unwrap();
    let _ = std::fs::remove_file(&db);
    (format!("{first}{rest}"), running)
}

#[test]
fn the_binary_starts_open_only_when_told_no_auth() {
    let (said, _) = start_binary(&[]);
    assert!(said.contains("unless told --no-auth"), "{said}");
    let (said, running) = start_binary(&["--no-auth"]);
    assert!(running && said.contains("--no-auth: anyone"), "{said}");
    let file =
        std::env::temp_dir().join(format!("incident-auth-tokens-{}.json", std::process::id()));
    std::fs::write(&file, token_file()).unwrap();
    let (said, running) = start_binary(&["--tokens", file.to_str().unwrap()]);
    assert!(running && said.contains("bearer tokens required"), "{said}");
    let _ = std::fs::remove_file(&file);
}

/// The lines a child writes to standard error, read on a thread of their
/// own, so that a test waiting for a line that never comes fails rather
/// than hangs.
fn lines_of(stderr: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { return };
            if send.send(line).is_err() {
                return;
            }
        }
    });
    lines
}

/// Lines read until one holds `wanted`: that line. A minute without it
/// fails the test (the child said something else, or nothing).
fn said_until(
    lines: &std::sync::mpsc::Receiver<String>,
    wanted: &str,
    said: &mut String,
) -> String {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no line with {wanted:?} ({e}); said: {said}"));
        said.push_str(&line);
        said.push('\n');
        if line.contains(wanted) {
            return line;
        }
    }
}

/// The binary re-reads its token file on SIGHUP: a token added works, a
/// token removed is refused 401; a file it cannot use is logged and the
/// tokens in use are kept.
#[test]
fn the_binary_rereads_its_token_file_on_sighup() {
    const ADDED: &str = "grace-5b0e71c4";
    let dir = std::env::temp_dir().join(format!("incident-auth-hup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    std::fs::write(&file, token_file()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_incident-service"))
        .arg("--sqlite")
        .arg(dir.join("incidents.db"))
        .args(["--listen", "127.0.0.1:0", "--tokens"])
        .arg(&file)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = lines_of(child.stderr.take().unwrap());
    let mut said = String::new();
    let line = said_until(&stderr, "address=", &mut said);
    let at = line.find("address=").unwrap() + "address=".len();
    let base = format!("http://{}", line[at..].split_whitespace().next().unwrap());
    let status = |token: &str| send(&base, "GET", "/incidents", Some(token), None);
    assert_eq!(status(WRITER).status, 200);
    let refused = status(ADDED);
    assert_eq!((refused.status, rule(&refused)), (401, "unauthenticated"));

    let hangup = |child: &std::process::Child| {
        let hup = Command::new("kill")
            .args(["-HUP", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(hup.success());
    };
    // Ada's token leaves the file, Grace's comes in.
    let replaced = json!({"tokens": [
        {"name": "Grace", "sha256": hex_sha256(ADDED)},
        {"name": "Sam", "sha256": hex_sha256(READER), "read_only": true},
    ]});
    std::fs::write(&file, replaced.to_string()).unwrap();
    hangup(&child);
    said_until(&stderr, "token file re-read", &mut said);
    assert_eq!(status(ADDED).status, 200, "{said}");
    let removed = status(WRITER);
    assert_eq!((removed.status, rule(&removed)), (401, "unauthenticated"));
    assert_eq!(removed.challenge.as_deref(), Some("Bearer"));
    let read_only = send(
        &base,
        "POST",
        &format!("/incidents/{INCIDENT}/commands"),
        Some(READER),
        Some(&declare()),
    );
    assert_eq!(
        (read_only.status, rule(&read_only)),
        (403, "read-only-token")
    );

    // A file it cannot use: said, and the tokens in use kept.
    std::fs::write(&file, r#"{"tokens": []}"#).unwrap();
    hangup(&child);
    let line = said_until(&stderr, "token file not re-read", &mut said);
    assert!(line.contains("lists no token"), "{line}");
    assert_eq!(status(ADDED).status, 200, "{said}");
    assert_eq!(status(WRITER).status, 401);
    let _ = child.kill();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
