//! JWT bearer tokens over real HTTP on loopback: a valid token (RS256,
//! ES256, EdDSA) writes and its name is stamped as `by`; a wrong issuer, a
//! wrong audience, an expired token, a bad signature, `alg: none`, an HMAC
//! token, a key not in the set and a token without a name are each refused
//! 401 in the refusal shape without repeating the token; a token without
//! the write scope reads and is refused its write (403); static tokens
//! still work beside JWTs; a replaced key set takes effect, in the library
//! and in the binary on SIGHUP.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use incident_playbook::Playbook;
use incident_service::jwt::{JwtConfig, JwtVerifier, KeySet};
use incident_service::{Auth, Service, Tokens};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

mod common;
use common::Running;

const INCIDENT: &str = "e2181857-7398-5cf2-aad9-acc3150b8632";
const ISSUER: &str = "https://id.example.test";
const AUDIENCE: &str = "incident-service";
const STATIC_TOKEN: &str = "grace-5b1c0d2e";

/// A test key: its PEM file, its algorithm, its `kid`.
struct TestKey {
    encoding: EncodingKey,
    alg: Algorithm,
    kid: &'static str,
}

fn key(file: &str, alg: Algorithm, kid: &'static str) -> TestKey {
    let pem = std::fs::read(format!("{}/tests/keys/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let encoding = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem),
        _ => EncodingKey::from_rsa_pem(&pem),
    }
    .unwrap();
    TestKey { encoding, alg, kid }
}

fn rsa() -> TestKey {
    key("rsa.pem", Algorithm::RS256, "rsa-1")
}
fn ec() -> TestKey {
    key("ec.pem", Algorithm::ES256, "ec-1")
}
fn ed() -> TestKey {
    key("ed25519.pem", Algorithm::EdDSA, "ed-1")
}
fn outsider() -> TestKey {
    key("outsider.pem", Algorithm::RS256, "outsider-1")
}

/// The public halves of `keys` as the JSON Web Key Set a provider
/// publishes.
fn jwks(keys: &[TestKey]) -> String {
    let keys = keys
        .iter()
        .map(|k| {
            let mut jwk = Jwk::from_encoding_key(&k.encoding, k.alg).unwrap();
            jwk.common.key_id = Some(k.kid.into());
            jwk
        })
        .collect();
    serde_json::to_string(&JwkSet { keys }).unwrap()
}

fn now() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(secs.as_secs()).unwrap()
}

/// Claims of a token Ada may write with, valid for ten minutes.
fn claims() -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "00u1ada", "name": "Ada Lovelace",
           "preferred_username": "ada", "scope": "openid incidents:write",
           "iat": now(), "exp": now() + 600})
}

/// `claims` signed by `key`, under its `kid`.
fn sign(key: &TestKey, claims: &Value) -> String {
    sign_as(key, key.kid, claims)
}

fn sign_as(key: &TestKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(key.alg);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
}

/// A token whose header says `alg` (`none`, `HS256`) over valid claims,
/// with `signature` as its third part.
fn forged(alg: &str, claims: &Value, signature: &[u8]) -> String {
    let part = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let header = json!({"alg": alg, "typ": "JWT", "kid": "rsa-1"});
    format!(
        "{}.{}.{}",
        part(&header),
        part(claims),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn verifier(keys: &[TestKey]) -> Arc<JwtVerifier> {
    let set = KeySet::from_json(&jwks(keys)).unwrap();
    Arc::new(JwtVerifier::new(JwtConfig::new(ISSUER, AUDIENCE), set))
}

fn static_tokens() -> Arc<Tokens> {
    let digest: String = Sha256::digest(STATIC_TOKEN.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = json!({"tokens": [{"name": "Grace", "sha256": digest}]});
    Arc::new(Tokens::from_json(&file.to_string()).unwrap())
}

/// One answer: status, `WWW-Authenticate`, body as text and as JSON.
struct Answer {
    status: u16,
    challenge: Option<String>,
    text: String,
    body: Value,
}

impl Answer {
    fn rule(&self) -> &str {
        self.body["rule"].as_str().unwrap_or_default()
    }
}

fn send(base: &str, token: &str, body: Option<&Value>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let auth = format!("Bearer {token}");
    let mut resp = match body {
        None => agent
            .get(&format!("{base}/incidents/{INCIDENT}"))
            .header("Authorization", &auth)
            .call(),
        Some(body) => agent
            .post(&format!("{base}/incidents/{INCIDENT}/commands"))
            .header("Authorization", &auth)
            .content_type("application/json")
            .send(body.to_string()),
    }
    .unwrap();
    let challenge = resp
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = resp.body_mut().read_to_string().unwrap();
    Answer {
        status: resp.status().as_u16(),
        challenge,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
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

fn note(n: u32) -> Value {
    json!({"type": "add_note", "incident_id": INCIDENT,
        "command_id": format!("00000000-0000-4000-8000-{n:012}"),
        "at": format!("2020-05-04T09:{:02}:00Z", 10 + n), "text": "Queue drains"})
}

/// `claims` changed by `edit`.
fn with(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    let mut c = claims();
    edit(c.as_object_mut().unwrap());
    c
}

/// Asserts a 401 `unauthenticated` in the refusal shape whose message
/// says `why` and repeats no part of `token`.
fn assert_refused(a: &Answer, token: &str, why: &str) {
    assert_eq!((a.status, a.rule()), (401, "unauthenticated"), "{}", a.text);
    assert_eq!(a.challenge.as_deref(), Some("Bearer"));
    assert_eq!(a.body["violations"][0]["rule"], "unauthenticated");
    let message = a.body["error"].as_str().unwrap();
    assert!(message.contains(why), "{message:?} should say {why:?}");
    for part in token.split('.').filter(|p| p.len() > 8) {
        assert!(!a.text.contains(part), "the answer repeats the token");
    }
}

/// Every refusal a JWT can meet, and the writes a valid one makes, on
/// `service` with the test key set and the static token beside it.
fn exercise(service: Arc<Service>) {
    let auth = Auth::Jwt {
        verifier: verifier(&[rsa(), ec(), ed()]),
        tokens: Some(static_tokens()),
    };
    let running = Running::start(service, auth);
    let base = running.url("");
    let base = base.as_str();

    let refusals = [
        (
            sign(
                &rsa(),
                &with(|c| drop(c.insert("iss".into(), json!("https://evil.test")))),
            ),
            "issuer",
        ),
        (
            sign(
                &rsa(),
                &with(|c| drop(c.insert("aud".into(), json!("another-service")))),
            ),
            "not meant for this service",
        ),
        (
            sign(
                &rsa(),
                &with(|c| drop(c.insert("exp".into(), json!(now() - 600)))),
            ),
            "expired",
        ),
        (
            sign(
                &rsa(),
                &with(|c| drop(c.insert("nbf".into(), json!(now() + 600)))),
            ),
            "not valid yet",
        ),
        (sign(&rsa(), &with(|c| drop(c.remove("exp")))), "`exp`"),
        (sign(&rsa(), &with(|c| drop(c.remove("aud")))), "`aud`"),
        (
            sign_as(&outsider(), "rsa-1", &claims()),
            "signature does not verify",
        ),
        (
            sign_as(&ec(), "ed-1", &claims()),
            "not in this service's key set",
        ),
        (
            sign(&outsider(), &claims()),
            "not in this service's key set",
        ),
        (forged("none", &claims(), b""), "algorithm is not accepted"),
        (
            forged("HS256", &claims(), &[7; 32]),
            "algorithm is not accepted",
        ),
        (
            "not-a-listed-token".to_owned(),
            "not one this service accepts",
        ),
        (
            sign(
                &rsa(),
                &with(|c| {
                    for k in ["name", "preferred_username", "sub"] {
                        c.remove(k);
                    }
                }),
            ),
            "names no caller",
        ),
    ];
    for (token, why) in &refusals {
        assert_refused(&send(base, token, Some(&declare())), token, why);
        assert_refused(&send(base, token, None), token, why);
    }
    // Nothing was stored by any of them.
    assert_eq!(send(base, STATIC_TOKEN, None).status, 404);

    // A valid RS256 token writes; its `name` is stamped as `by`.
    let ada = sign(&rsa(), &claims());
    let a = send(base, &ada, Some(&declare()));
    assert_eq!(a.status, 200, "{}", a.text);
    // ES256 and EdDSA, named by `preferred_username` and `sub`.
    let by_username = sign(&ec(), &with(|c| drop(c.remove("name"))));
    assert_eq!(send(base, &by_username, Some(&note(1))).status, 200);
    let by_sub = with(|c| {
        c.remove("name");
        c.remove("preferred_username");
    });
    assert_eq!(
        send(base, &sign(&ed(), &by_sub), Some(&note(2))).status,
        200
    );
    // The static token still works beside the JWTs.
    assert_eq!(send(base, STATIC_TOKEN, Some(&note(3))).status, 200);
    // A `by` naming someone else than the token's caller is refused.
    let mut as_grace = note(4);
    as_grace["by"] = json!("Grace");
    let a = send(base, &ada, Some(&as_grace));
    assert_eq!((a.status, a.rule()), (403, "by-not-caller"), "{}", a.text);

    // Without the write scope (`scope` or `scp`): reads, may not write.
    for read_only in [
        with(|c| drop(c.insert("scope".into(), json!("openid profile")))),
        with(|c| drop(c.remove("scope"))),
    ] {
        let token = sign(&rsa(), &read_only);
        assert_eq!(send(base, &token, None).status, 200);
        let a = send(base, &token, Some(&note(5)));
        assert_eq!((a.status, a.rule()), (403, "read-only-token"), "{}", a.text);
    }
    let scp = with(|c| {
        c.remove("scope");
        c.insert("scp".into(), json!(["incidents:write"]));
    });
    assert_eq!(send(base, &sign(&rsa(), &scp), Some(&note(6))).status, 200);

    let history = send(base, &ada, None).body["history"].clone();
    let senders: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["by"].as_str().unwrap())
        .collect();
    assert_eq!(
        senders,
        ["Ada Lovelace", "ada", "00u1ada", "Grace", "Ada Lovelace"]
    );
}

#[test]
fn jwts_on_sqlite() {
    common::on_sqlite("jwt", exercise);
}

#[test]
fn jwts_on_postgres() {
    common::on_postgres("jwt", exercise);
}

#[test]
fn a_replaced_key_set_takes_effect() {
    let path = std::env::temp_dir().join(format!("incident-jwt-keys-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let service = common::block(Service::sqlite(Playbook::default(), &path)).unwrap();
    let jwt = verifier(&[rsa()]);
    let auth = Auth::Jwt {
        verifier: Arc::clone(&jwt),
        tokens: None,
    };
    let running = Running::start(service, auth);
    let base = running.url("");
    let by_ec = sign(&ec(), &claims());
    assert_eq!(send(&base, &by_ec, None).status, 401);
    // Rotated: the EC key in, the RSA key out.
    jwt.replace_keys(KeySet::from_json(&jwks(&[ec()])).unwrap());
    assert_eq!(send(&base, &by_ec, None).status, 404, "known, no incident");
    let a = send(&base, &sign(&rsa(), &claims()), None);
    assert_refused(&a, "", "not in this service's key set");
    drop(running);
    let _ = std::fs::remove_file(&path);
}

/// The binary with `--jwks FILE`: it will not start without an issuer and
/// an audience, and re-reads the file on SIGHUP.
#[test]
fn the_binary_rereads_its_key_set_on_sighup() {
    let dir = std::env::temp_dir().join(format!("incident-jwt-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("jwks.json");
    std::fs::write(&keys, jwks(&[rsa()])).unwrap();
    let start = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_incident-service"))
            .arg("--sqlite")
            .arg(dir.join("incidents.db"))
            .args(["--listen", "127.0.0.1:0", "--jwks"])
            .arg(&keys)
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let refused = start(&[]).wait_with_output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--jwt-issuer"));

    let mut child = start(&["--jwt-issuer", ISSUER, "--jwt-audience", AUDIENCE]);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let base = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "stopped: {said}");
        said.push_str(&line);
        if let Some(at) = line.find("address=") {
            let addr = line[at + "address=".len()..]
                .split_whitespace()
                .next()
                .unwrap();
            break format!("http://{addr}");
        }
    };
    let by_ec = sign(&ec(), &claims());
    assert_eq!(send(&base, &sign(&rsa(), &claims()), None).status, 404);
    assert_eq!(send(&base, &by_ec, None).status, 401);

    std::fs::write(&keys, jwks(&[rsa(), ec()])).unwrap();
    let hup = Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    // The service says so once it has re-read the file.
    loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "stopped: {said}");
        said.push_str(&line);
        if line.contains("key set re-read") {
            break;
        }
    }
    assert_eq!(send(&base, &by_ec, None).status, 404, "{said}");
    let _ = child.kill();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
