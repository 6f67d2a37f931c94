//! The reference service over real HTTP on loopback, on SQLite and on a
//! throwaway PostgreSQL server: every answer the service promises.

use std::sync::Arc;
use std::time::Duration;

use incident_playbook::Playbook;
use incident_service::{Auth, Service};
use incident_store::throwaway::PostgresServer;
use serde_json::{Value, json};

mod common;
use common::Running;

const INCIDENT: &str = "e2181857-7398-5cf2-aad9-acc3150b8632";
const OTHER: &str = "6f1c1c8e-2b3d-4f5a-8e9f-0a1b2c3d4e5f";
const BODIES: &str = "0d3b9a1e-5c7f-4e2a-9b8c-1f2e3d4c5b6a";

struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Client {
            base: base.to_owned(),
            agent,
        }
    }

    fn post(&self, path: &str, body: &str) -> (u16, String) {
        let mut resp = self
            .agent
            .post(format!("{}{path}", self.base))
            .content_type("application/json")
            .send(body)
            .unwrap();
        (
            resp.status().as_u16(),
            resp.body_mut().read_to_string().unwrap(),
        )
    }

    fn get(&self, path: &str) -> (u16, String) {
        let mut resp = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        (
            resp.status().as_u16(),
            resp.body_mut().read_to_string().unwrap(),
        )
    }

    /// A GET's status, the headers named in `headers`, and the body.
    fn get_with(&self, path: &str, headers: &[&str]) -> (u16, Vec<String>, String) {
        let mut resp = self
            .agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap();
        let values = headers
            .iter()
            .map(|h| {
                let v = resp.headers().get(*h).and_then(|v| v.to_str().ok());
                v.unwrap_or_default().to_owned()
            })
            .collect();
        let body = resp.body_mut().read_to_string().unwrap();
        (resp.status().as_u16(), values, body)
    }

    fn json(&self, path: &str) -> (u16, Value) {
        let (status, body) = self.get(path);
        (status, serde_json::from_str(&body).unwrap())
    }

    fn command(&self, cmd: &Value) -> (u16, Value) {
        let id = cmd["incident_id"].as_str().unwrap();
        let (status, body) = self.post(&format!("/incidents/{id}/commands"), &cmd.to_string());
        (status, serde_json::from_str(&body).unwrap())
    }
}

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

fn note(n: u32, incident: &str) -> Value {
    json!({"type": "add_note", "incident_id": incident,
        "command_id": format!("00000000-0000-4000-8000-{n:012}"),
        "at": "2026-05-04T09:10:00Z", "text": format!("note {n}")})
}

fn rules(body: &Value) -> Vec<&str> {
    body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect()
}

/// Every answer of the service, in one incident's life, under a playbook
/// whose identity is `playbook` (`null`: unnamed).
fn exercise(service: Arc<Service>, playbook: &Value) {
    let running = Running::start(service, Auth::None);
    let client = Client::new(&running.url(""));

    // 200: applied, then a duplicate.
    assert_eq!(
        client.command(&declare()),
        (200, json!({"outcome": "applied", "version": 1}))
    );
    assert_eq!(
        client.command(&declare()),
        (200, json!({"outcome": "duplicate", "version": 1}))
    );

    // 400: not JSON, not a command, or not for this URL.
    let path = format!("/incidents/{INCIDENT}/commands");
    let (status, body) = client.post(&path, "{\"type\": \"add_note\",");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("malformed-input"), "{body}");
    let (status, body) = client.post(&path, &json!({"type": "shout"}).to_string());
    assert_eq!(status, 400, "{body}");
    let (status, body) = client.post(
        &format!("/incidents/{OTHER}/commands"),
        &note(1, INCIDENT).to_string(),
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(client.get("/incidents/not-a-uuid").0, 400);

    // 404: a command or a read for an incident never declared.
    let (status, body) = client.command(&note(1, OTHER));
    assert_eq!((status, body["rule"].as_str()), (404, Some("not-declared")));
    assert_eq!(client.get(&format!("/incidents/{OTHER}")).0, 404);
    assert_eq!(client.get(&format!("/incidents/{OTHER}/status")).0, 404);

    // 409: the sender saw another version.
    let mut stale = note(2, INCIDENT);
    stale["expected_version"] = json!(7);
    let (status, body) = client.command(&stale);
    assert_eq!((status, rules(&body)), (409, vec!["version-conflict"]));

    // 422: the rules broken, with paths.
    let rollback = json!({"type": "start_mitigation", "incident_id": INCIDENT,
        "command_id": "be735059-9cef-5f3d-a907-d25e71c18809", "at": "2026-05-04T09:20:00Z",
        "mitigation": {"kind": "rollback_image", "from_tag": "2026.05.04-1", "to_tag": "2026.05.04-1"}});
    let (status, body) = client.command(&rollback);
    assert_eq!(status, 422, "{body}");
    // In catalogue order: `update-required` comes before `rollback-same-tag`.
    assert_eq!(rules(&body), ["update-required", "rollback-same-tag"]);
    assert_eq!(body["violations"][1]["path"], "mitigation.to_tag");

    // Writers side by side: every note stored once, versions 2..=9.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let base = running.url("");
            std::thread::spawn(move || {
                let client = Client::new(&base);
                (0..2)
                    .map(|n| client.command(&note(10 + w * 2 + n, INCIDENT)))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut versions: Vec<u64> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .map(|(status, body)| {
            assert_eq!(
                (status, body["outcome"].as_str()),
                (200, Some("applied")),
                "{body}"
            );
            body["version"].as_u64().unwrap()
        })
        .collect();
    versions.sort();
    assert_eq!(versions, (2..=9).collect::<Vec<_>>());

    // The reads.
    let (status, snapshot) = client.json(&format!("/incidents/{INCIDENT}"));
    assert_eq!((status, snapshot["version"].as_u64()), (200, Some(9)));
    assert_eq!(snapshot["phase"], "investigating");
    assert_eq!(snapshot["history"].as_array().unwrap().len(), 9);

    let (status, text) = client.get(&format!("/incidents/{INCIDENT}/updates"));
    assert_eq!(status, 200);
    assert!(
        text.contains("Status: investigating\nSeverity: SEV3\nImpact: OCR is slow\n"),
        "{text}"
    );

    let (status, report) = client.json(&format!(
        "/incidents/{INCIDENT}/report?now=2026-05-04T11:00:00Z"
    ));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["incident_id"], INCIDENT);
    assert_eq!(
        client
            .get(&format!("/incidents/{INCIDENT}/report?now=yesterday"))
            .0,
        400
    );

    let (status, at) = client.json(&format!(
        "/incidents/{INCIDENT}/status?now=2026-05-04T11:00:00Z"
    ));
    assert_eq!(status, 200, "{at}");
    assert_eq!(
        (at["phase"].as_str(), at["version"].as_u64()),
        (Some("investigating"), Some(9))
    );
    assert_eq!(at["next_update"], "2026-05-04T10:05:00Z");
    assert_eq!(at["update_overdue"], true);
    assert_eq!(at["missing_checks"].as_array().unwrap().len(), 5);
    // What blocks resolve and close, from the state alone.
    assert!(
        at["blockers"]["close"][0]["rule"] == "not-allowed-in-phase",
        "{at}"
    );
    assert!(
        at["resolve_evidence"].as_array().unwrap().len() >= 3,
        "{at}"
    );
    // The playbook the store recorded with the declaration.
    assert_eq!(
        (&at["declared_under"], &at["judged_under"]),
        (playbook, playbook)
    );
    assert_eq!(snapshot.get("playbook").unwrap_or(&Value::Null), playbook);

    timeline(&client);
    assert_eq!(
        client.json("/incidents"),
        (200, json!([{"incident_id": INCIDENT, "version": 9}]))
    );
    bodies(&client);
}

/// The timeline as a picture: an SVG image that runs nothing, as the
/// incident stood at `?now=`; 404 before the declaration, 400 for a bad time.
fn timeline(client: &Client) {
    let path = format!("/incidents/{INCIDENT}/timeline.svg?now=2026-05-04T11:00:00Z");
    let headers = [
        "content-type",
        "content-security-policy",
        "x-content-type-options",
    ];
    let (status, got, svg) = client.get_with(&path, &headers);
    assert_eq!(status, 200, "{svg}");
    assert_eq!(got[0], "image/svg+xml; charset=utf-8");
    assert!(got[1].contains("default-src 'none'"), "{got:?}");
    assert!(got[1].contains("sandbox"), "{got:?}");
    assert_eq!(got[2], "nosniff");
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.contains("Timeline: Slow document processing"), "{svg}");
    // Still investigating at 11:00: drawn up to then.
    assert!(svg.contains("As of 11:00"), "{svg}");
    assert!(!svg.contains("<script"));
    let before = format!("/incidents/{INCIDENT}/timeline.svg?now=2026-05-04T09:00:00Z");
    assert_eq!(client.get(&before).0, 404);
    let bad = format!("/incidents/{INCIDENT}/timeline.svg?now=soon");
    assert_eq!(client.get(&bad).0, 400);
    assert_eq!(
        client.get(&format!("/incidents/{OTHER}/timeline.svg")).0,
        404
    );
}

/// Bodies posted without their envelope: the ids from the URL, the time
/// from the server, `expected_version` from the query.
fn bodies(client: &Client) {
    // Declared in the past, so that the server's clock comes after it.
    let mut declare = declare();
    declare["incident_id"] = json!(BODIES);
    declare["at"] = json!("2020-01-01T09:05:00Z");
    declare["impact"]["started_at"] = json!("2020-01-01T08:30:00Z");
    declare["update"]["next_update"] = json!("2020-01-01T10:05:00Z");
    assert_eq!(client.command(&declare).0, 200);
    let url = |command_id: &str| format!("/incidents/{BODIES}/commands/{command_id}");
    let note = json!({"type": "add_note", "text": "Queue drains"}).to_string();
    let first = "00000000-0000-4000-8000-00000000b001";

    let (status, body) = client.post(&url(first), &note);
    assert_eq!(status, 200, "{body}");
    let applied: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (applied["outcome"].as_str(), applied["version"].as_u64()),
        (Some("applied"), Some(2))
    );
    // Sent again: the time of the first delivery is kept, so a duplicate.
    let (status, body) = client.post(&url(first), &note);
    let again: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, again["outcome"].as_str()),
        (200, Some("duplicate")),
        "{body}"
    );
    assert_eq!(again["at"], applied["at"]);
    let (_, snapshot) = client.json(&format!("/incidents/{BODIES}"));
    assert_eq!(snapshot["history"][1]["at"], applied["at"]);
    assert_eq!(snapshot["history"][1]["command_id"], first);
    // The same id with another body is a reuse.
    let other = json!({"type": "add_note", "text": "Queue grows"}).to_string();
    let (status, body) = client.post(&url(first), &other);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("command-id-reused"), "{body}");
    // A stale expected version.
    let second = "00000000-0000-4000-8000-00000000b002";
    let (status, body) = client.post(&format!("{}?expected_version=1", url(second)), &note);
    assert_eq!(status, 409, "{body}");
    let (status, body) = client.post(&format!("{}?expected_version=2", url(second)), &other);
    assert_eq!(status, 200, "{body}");
    // Malformed: an envelope field in the body, a bad id, a bad version.
    let (status, body) = client.post(
        &url("00000000-0000-4000-8000-00000000b003"),
        &json!({"type": "add_note", "text": "x", "at": "2020-01-01T10:00:00Z"}).to_string(),
    );
    assert_eq!(status, 400, "{body}");
    let refused: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(refused["violations"][0]["path"], "at");
    assert_eq!(client.post(&url("b004"), &note).0, 400);
    assert_eq!(
        client
            .post(&format!("{}?expected_version=x", url(second)), &note)
            .0,
        400
    );
    // Never declared.
    let (status, body) = client.post(&format!("/incidents/{OTHER}/commands/{first}"), &note);
    assert_eq!(status, 404, "{body}");
}

#[test]
fn on_sqlite() {
    let path =
        std::env::temp_dir().join(format!("incident-service-test-{}.db", std::process::id()));
    let playbook = json!({"name": "Acme incidents", "version": "2026.2"});
    let named = Playbook::default().with_id(serde_json::from_value(playbook.clone()).unwrap());
    let service = common::block(Service::sqlite(named, &path)).unwrap();
    exercise(service, &playbook);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

#[test]
fn on_postgres() {
    let server = PostgresServer::start().unwrap_or_else(|e| panic!("{e}"));
    let service = common::block(Service::postgres(
        Playbook::default(),
        &server.create_database("service").unwrap(),
    ))
    .unwrap();
    exercise(service, &Value::Null);
}
