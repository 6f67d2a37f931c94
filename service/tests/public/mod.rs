//! What the status page tests share: streams fed to the service over HTTP,
//! the internal strings of a stream, and the detector that looks for them
//! in what the public can read.
#![allow(dead_code)] // Each test binary uses its own part.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use incident_playbook::public::PublicIncident;
use incident_playbook::{Playbook, Replay};
use incident_service::{Auth, Limits, Service, StatusOptions};
use serde_json::Value;

use crate::common::{Running, block};

/// A real incident under `tests/incidents/`: its stream and its playbook.
pub fn real_incident(name: &str) -> (String, Playbook) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/incidents/");
    let stream = std::fs::read_to_string(format!("{dir}{name}.jsonl")).unwrap();
    let playbook = std::fs::read_to_string(format!("{dir}{name}.playbook.json")).unwrap();
    (stream, serde_json::from_str(&playbook).unwrap())
}

/// Every real incident under `tests/incidents/`, by name.
pub fn real_incidents() -> Vec<(String, String, Playbook)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/incidents/");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".jsonl").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let (stream, playbook) = real_incident(&name);
            (name, stream, playbook)
        })
        .collect()
}

/// The token the tests' token file accepts (its holder is Ada).
pub const TOKEN: &str = "test";

/// Bearer tokens: [`TOKEN`], held by Ada.
pub fn tokens() -> Auth {
    // The SHA-256 of "test".
    let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let file = format!(r#"{{"tokens": [{{"name": "Ada", "sha256": "{digest}"}}]}}"#);
    Auth::Tokens(Arc::new(
        incident_service::Tokens::from_json(&file).unwrap(),
    ))
}

/// A conformance case's stream (judged under the default playbook).
pub fn case(name: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance/cases/");
    std::fs::read_to_string(format!("{dir}{name}.jsonl")).unwrap()
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// `GET url` with an optional bearer token: status, content type, body.
pub fn get(url: &str, token: Option<&str>) -> (u16, String, String) {
    let mut req = agent().get(url);
    if let Some(token) = token {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    let mut resp = req.call().unwrap();
    let kind = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        resp.status().as_u16(),
        kind,
        resp.body_mut().read_to_string().unwrap(),
    )
}

/// A SQLite file of its own for a test (removed first if left over).
pub fn database(name: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("incident-status-{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// Each stream posted line by line over HTTP to a service judging under
/// its playbook, all in the SQLite file `path`; then that file served
/// behind `auth` with `options`. Panics on a line the service refuses:
/// the streams are meant to be accepted whole.
pub fn serve_streams(
    path: &std::path::Path,
    streams: &[(&str, &Playbook)],
    auth: Auth,
    options: StatusOptions,
) -> Running {
    for (stream, playbook) in streams {
        let service = block(Service::sqlite((*playbook).clone(), path)).unwrap();
        let running = Running::start(service, Auth::None);
        post_lines(&running, stream.lines(), None);
    }
    let store = block(incident_store::AsyncSqliteStore::open(path)).unwrap();
    let service = Service::with_status(
        Playbook::default(),
        Box::new(store),
        Limits::default(),
        options,
    );
    Running::start(Arc::clone(&service), auth)
}

/// Each command of `lines` posted to `running`, with `token` if given;
/// panics on one the service refuses.
pub fn post_lines<'a>(
    running: &Running,
    lines: impl Iterator<Item = &'a str>,
    token: Option<&str>,
) {
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let command: Value = serde_json::from_str(line).unwrap();
        let id = command["incident_id"].as_str().unwrap();
        let mut req = agent()
            .post(running.url(&format!("/incidents/{id}/commands")))
            .content_type("application/json");
        if let Some(token) = token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        let mut resp = req.send(line).unwrap();
        let body = resp.body_mut().read_to_string().unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{line}\n{body}");
    }
}

/// What the public may read of `stream`: each public post's title,
/// impact, action and status, as the library's public view has them.
fn public_strings(stream: &str, playbook: &Playbook) -> Vec<String> {
    let mut replay = Replay::new(playbook.clone());
    stream.lines().for_each(|l| {
        replay.line(l);
    });
    let mut public = Vec::new();
    for incident in replay.incidents().iter() {
        for post in PublicIncident::of(incident).iter().flat_map(|p| &p.posts) {
            public.push(post.title.to_string());
            public.push(post.update.impact().to_string());
            public.push(post.update.action().to_string());
        }
    }
    public
}

/// Every string of `stream` that the public must not read: each text of
/// its commands (titles, updates to any audience, notes, names, impact
/// fields…) that is not part of what was posted in public. Words alone
/// (ids, times, enum values) are left out: they are not prose anyone
/// could leak, and a time or a severity may be public.
pub fn internal_strings(stream: &str, playbook: &Playbook) -> BTreeSet<String> {
    let public = public_strings(stream, playbook);
    let mut all = BTreeSet::new();
    for line in stream.lines().filter(|l| !l.trim().is_empty()) {
        collect(&serde_json::from_str(line).unwrap(), &mut all);
    }
    all.retain(|s| !public.iter().any(|p| p.contains(s.as_str())));
    all
}

fn collect(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if s.trim().contains(' ') => {
            into.insert(s.trim().to_owned());
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
        Value::Object(fields) => fields.values().for_each(|v| collect(v, into)),
        _ => {}
    }
}

/// What a reader of the page can read: the markup as sent, and its text
/// once parsed (entities decoded), attribute values included.
pub fn page_texts(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let text: String = doc.root_element().text().collect();
    let attributes: Vec<String> = doc
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_element())
        .flat_map(|e| e.attrs().map(|(_, v)| v.to_owned()))
        .collect();
    let mut texts = vec![html.to_owned(), text];
    texts.extend(attributes);
    texts
}

/// What a reader of the feed can read: the XML as sent, and each entry's
/// title, links and content, the content's markup and its text.
pub fn feed_texts(xml: &str) -> Vec<String> {
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
    let mut texts = vec![xml.to_owned()];
    texts.extend(feed.title.map(|t| t.content));
    for entry in feed.entries {
        texts.extend(entry.title.map(|t| t.content));
        texts.extend(entry.links.into_iter().map(|l| l.href));
        if let Some(body) = entry.content.and_then(|c| c.body) {
            texts.extend(page_texts(&body));
        }
    }
    texts
}

/// The detector: each internal string that appears in any of `texts`.
pub fn leaks<'a>(internal: &'a BTreeSet<String>, texts: &[String]) -> Vec<&'a str> {
    internal
        .iter()
        .filter(|s| texts.iter().any(|t| t.contains(s.as_str())))
        .map(String::as_str)
        .collect()
}
