//! A fixture for tests that drive incidents through the public API: realistic
//! SEV1 … SEV4 incidents that walk the playbook's lifecycle (declare, triage,
//! notes, mitigate, monitor, resolve, postmortem, close) and can stop anywhere.
//!
//! The one fixture of the integration tests (and of `tests/alloc.rs`, which
//! includes this file), with one scheme of ids: the incident is
//! [`INCIDENT`] (a second one [`OTHER_INCIDENT`]), and the `n`th command is
//! [`command_id`]`(n)`. Commands come from here or from the conformance
//! cases; the exceptions build their own on purpose: the property suite
//! (its generator and model stay independent of everything that calls the
//! crate), the store's race (ids that name their writer) and `generate`
//! (it tests the benches' workload generator).
//!
//! Commands are built as `serde_json::Value`s in the wire shape of the
//! contract (`docs/contract.md`), so that a test can break exactly one part
//! of a valid command (remove a field, set it `null` or blank, see [`with`]
//! and [`without`]) before sending it.

use incident_playbook::{
    Command, CommandId, CompactState, Incident, IncidentId, Incidents, LineRejection, Outcome,
    Phase, Playbook, Rejection, Replay, Severity, Uuid, command::CommandKind, state::Surface,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The incident most tests are about.
pub const INCIDENT: &str = "e2181857-7398-5cf2-aad9-acc3150b8632";
/// A second incident, for tests that need two.
pub const OTHER_INCIDENT: &str = "5a4f3c1e-0b6d-4e8f-9a2b-3c4d5e6f7a8b";

/// The conformance case of a SEV1 that walks the whole lifecycle to `closed`
/// (its incident is [`INCIDENT`]).
pub const HAPPY_SEV1: &str = include_str!("../conformance/cases/happy-sev1-full-lifecycle.jsonl");
/// The conformance case of two incidents whose commands interleave.
pub const INTERLEAVED: &str = include_str!("../conformance/cases/two-incidents-interleaved.jsonl");

/// The incidents a stream of command lines ends with, replayed under
/// `playbook`; every line must be accepted.
pub fn replayed(lines: &str, playbook: Playbook) -> Vec<Incident> {
    let mut replay = Replay::new(playbook);
    for line in lines.lines() {
        if let Some(report) = replay.line(line) {
            panic!("line {} refused: {:?}", report.line, report.violations);
        }
    }
    replay.incidents().iter().cloned().collect()
}

/// The repository's root, where the tests find the conformance cases, the
/// golden files, the schemas and the README.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every conformance case's command stream (`tests/conformance/cases/*.jsonl`),
/// in name order.
pub fn conformance_cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("tests/conformance/cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    out.sort();
    out
}

/// The real-incident streams of `tests/incidents`, by file stem: each
/// follows a public account and has its own playbook beside it.
pub const REAL_INCIDENTS: [&str; 7] = [
    "github-2018-10-21",
    "gitlab-2017-01-31",
    "cloudflare-2019-07-02",
    "circleci-2023-01-04",
    "roblox-2021-10-28",
    "atlassian-2022-04-05",
    "okta-2023-10-20",
];

/// A real incident's stream and its playbook's JSON, by file stem.
pub fn real_incident_files(name: &str) -> (String, String) {
    let dir = root().join("tests/incidents");
    let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap();
    (read("jsonl"), read("playbook.json"))
}

/// Each of the [`REAL_INCIDENTS`] replayed with its own playbook, every
/// line accepted: its name, the playbook and the incident.
pub fn real_incidents() -> Vec<(&'static str, Playbook, Incident)> {
    REAL_INCIDENTS
        .into_iter()
        .map(|name| {
            let (stream, playbook) = real_incident_files(name);
            let playbook: Playbook = serde_json::from_str(&playbook).unwrap();
            let mut incidents = replayed(&stream, playbook.clone());
            assert_eq!(incidents.len(), 1, "{name}");
            (name, playbook, incidents.remove(0))
        })
        .collect()
}

/// The `n`th command id: every command the fixture builds has one (the
/// scenario numbers its commands from 1), and a test that needs a fresh id
/// takes one no scenario reaches (such as `command_id(99)`).
pub fn command_id(n: u128) -> String {
    command_uuid(n).to_string()
}

/// [`command_id`] as a [`CommandId`], for APIs that take one.
pub fn command_uuid(n: u128) -> CommandId {
    CommandId::new(Uuid::from_u128(
        0x8f63_83a5_2b74_4d87_8864_0000_0000_0000 + n,
    ))
}

/// The timestamp `minutes` after the declaration (2026-05-04T09:05:00Z).
pub fn time(minutes: i64) -> String {
    let total = 9 * 60 + 5 + minutes;
    let day = 4 + total.div_euclid(24 * 60);
    let minute = total.rem_euclid(24 * 60);
    format!("2026-05-{day:02}T{:02}:{:02}:00Z", minute / 60, minute % 60)
}

/// The comms status that goes with a phase, as an update writes it.
pub fn status(phase: Phase) -> Option<&'static str> {
    match phase {
        Phase::Investigating => Some("investigating"),
        Phase::Mitigating => Some("mitigating"),
        Phase::Monitoring => Some("monitoring"),
        Phase::Resolved => Some("resolved"),
        Phase::Closed => None,
    }
}

/// A confirmed impact that fits `severity`: its flags set exactly that floor.
pub fn impact(severity: Severity, user_impact_active: bool) -> Value {
    let mut impact = match severity {
        Severity::Sev1 => json!({
            "environment": "production",
            "users": "All tenants uploading documents",
            "feature": "Document upload",
            "started_at": time(-5),
            "flags": ["broad_outage"],
            "surfaces": ["api", "frontend"],
            "affected_endpoints": ["/api/documents"],
            "affected_dependencies": ["Blob Storage"]
        }),
        Severity::Sev2 => json!({
            "environment": "production",
            "users": "Tenants exporting monthly reports",
            "feature": "Report export",
            "started_at": time(-20),
            "flags": ["major_feature_broken"],
            "surfaces": ["api", "data"],
            "affected_endpoints": ["/api/exports"],
            "affected_dependencies": ["PostgreSQL"]
        }),
        Severity::Sev3 => json!({
            "environment": "production",
            "users": "Tenants using OCR",
            "feature": "Document processing",
            "started_at": time(-35),
            "flags": ["degraded_feature"],
            "surfaces": ["api"],
            "affected_dependencies": ["Document Intelligence"]
        }),
        _ => json!({
            "environment": "staging",
            "users": "Internal testers",
            "feature": "Help page links",
            "started_at": time(-60),
            "surfaces": ["frontend"]
        }),
    };
    impact["user_impact_active"] = json!(user_impact_active);
    impact
}

/// The roles a severity needs, with the usual people: Ada commands, Grace
/// leads the technical work, Ken is the scribe and Linus the engineering lead.
pub fn roles(severity: Severity) -> Value {
    match severity {
        Severity::Sev1 => json!({
            "commander": "Ada", "technical_lead": "Grace", "communications_owner": "Linus",
            "scribe": "Ken", "engineering_lead": "Linus"
        }),
        Severity::Sev2 => json!({"commander": "Ada", "technical_lead": "Grace", "scribe": "Ken"}),
        Severity::Sev3 => json!({"commander": "Ada", "technical_lead": "Grace"}),
        _ => json!({"commander": "Ada"}),
    }
}

/// A title that fits the impact of `severity`.
pub fn title(severity: Severity) -> &'static str {
    match severity {
        Severity::Sev1 => "Document uploads failing",
        Severity::Sev2 => "Report exports failing",
        Severity::Sev3 => "Slow document processing",
        _ => "Broken links on the help page",
    }
}

/// A published postmortem that fills every section of the template.
pub fn postmortem(severity: Severity) -> Value {
    json!({
        "title": "Document uploads failing after 2026.05.04-1",
        "date": "2026-05-05",
        "severity": severity.as_str(),
        "owners": ["Ada"],
        "status": "published",
        "summary": "Uploads failed for 40 minutes after a deploy.",
        "impact": "All tenants could not upload documents.",
        "timeline": [
            {"at": time(-5), "event": "Uploads start failing"},
            {"at": time(0), "event": "Incident declared"}
        ],
        "root_cause": "The deploy halved the upload chunk size.",
        "what_worked": "Rolling back the image tag.",
        "what_did_not_work": "The deploy gate had no upload test.",
        "action_items": [
            {"action": "Add upload smoke test to deploy gate", "owner": "Grace",
             "due": "2026-05-20", "status": "open", "guardrail": "test"}
        ],
        "missing_guardrail": true
    })
}

/// Parses a command the way a sender's JSON is parsed; panics if it is not one.
pub fn parse(cmd: &Value) -> Command {
    serde_json::from_value(cmd.clone())
        .unwrap_or_else(|e| panic!("the fixture built a malformed command ({e}): {cmd}"))
}

/// A JSON path of the crate's form (`postmortem.action_items[0].owner`) into `v`;
/// missing object keys are created (as `null`).
pub fn at_path<'a>(v: &'a mut Value, path: &str) -> &'a mut Value {
    let mut cur = v;
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if !key.is_empty() {
            cur = &mut cur[key];
        }
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            cur = &mut cur[index.parse::<usize>().unwrap()];
        }
    }
    cur
}

/// Sets the value at `path`.
pub fn set(v: &mut Value, path: &str, new: Value) {
    *at_path(v, path) = new;
}

/// A copy of `v` with the value at `path` set.
pub fn with(v: &Value, path: &str, new: Value) -> Value {
    let mut v = v.clone();
    set(&mut v, path, new);
    v
}

/// A copy of `v` without the field at `path`.
pub fn without(v: &Value, path: &str) -> Value {
    let mut v = v.clone();
    remove(&mut v, path);
    v
}

/// Removes the field at `path` (whose last part is a key).
pub fn remove(v: &mut Value, path: &str) {
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (at_path(v, parent), key),
        None => (v, path),
    };
    parent
        .as_object_mut()
        .unwrap_or_else(|| panic!("no object holds `{path}`"))
        .remove(key);
}

/// One incident on a desk of incidents, and a sender that writes its commands.
///
/// Every command the scenario builds gets a fresh `command_id` and an `at` one
/// minute after the one before (the declaration is at minute 0), whether or
/// not it is sent.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub desk: Incidents,
    pub id: IncidentId,
    /// The severity the incident is declared at.
    pub severity: Severity,
    /// Whether the declared impact is still hurting users.
    pub user_impact_active: bool,
    /// Minutes after the declaration of the next command built.
    pub clock: i64,
    seq: u128,
}

impl Scenario {
    /// An incident not yet declared, to be declared at `severity` with user
    /// impact active.
    pub fn new(severity: Severity) -> Scenario {
        Scenario::with(severity, true, Playbook::default())
    }

    /// An incident not yet declared, with the given impact state and playbook.
    pub fn with(severity: Severity, user_impact_active: bool, playbook: Playbook) -> Scenario {
        Scenario {
            desk: Incidents::new(playbook),
            id: INCIDENT.parse().unwrap(),
            severity,
            user_impact_active,
            clock: 0,
            seq: 0,
        }
    }

    /// A declared incident (version 1, investigating).
    pub fn declared(severity: Severity) -> Scenario {
        let mut s = Scenario::new(severity);
        s.declare_now();
        s
    }

    /// A declared incident whose impact is (`true`) or is not hurting users.
    pub fn declared_with(severity: Severity, user_impact_active: bool) -> Scenario {
        let mut s = Scenario::with(severity, user_impact_active, Playbook::default());
        s.declare_now();
        s
    }

    /// Declared, all five triage checks recorded and a note added: every
    /// duty a resolve can owe is done.
    pub fn triaged(severity: Severity) -> Scenario {
        let mut s = Scenario::declared(severity);
        s.do_triage();
        s.run(Scenario::add_note);
        s
    }

    /// The valid lifecycle, stopped at `phase`: triaged (investigating), a
    /// rollback started (mitigating), watched (monitoring), resolved, and
    /// closed with the postmortem the severity owes.
    pub fn in_phase(severity: Severity, phase: Phase) -> Scenario {
        let mut s = Scenario::triaged(severity);
        if phase == Phase::Investigating {
            return s;
        }
        s.run(Scenario::rollback);
        if phase == Phase::Mitigating {
            return s;
        }
        s.run(Scenario::begin_monitoring);
        if phase == Phase::Monitoring {
            return s;
        }
        s.run(Scenario::resolve);
        if phase == Phase::Resolved {
            return s;
        }
        if s.incident().peak_severity().requires_postmortem() {
            s.run(Scenario::submit_postmortem);
        }
        s.run(Scenario::close);
        s
    }

    // ---- reading the incident ----

    /// The incident; panics if it was not declared.
    pub fn incident(&self) -> &Incident {
        self.desk.get(self.id).expect("the incident was declared")
    }

    /// The incident's version, 0 before it is declared.
    pub fn version(&self) -> u64 {
        self.desk.get(self.id).map_or(0, Incident::version)
    }

    /// The phase, `None` before the incident is declared.
    pub fn phase(&self) -> Option<Phase> {
        self.desk.get(self.id).map(Incident::phase)
    }

    /// Everything the desk holds, as JSON: what "unchanged" compares.
    pub fn state(&self) -> Value {
        serde_json::to_value(&self.desk).unwrap()
    }

    // ---- sending ----

    /// Sends a command; `cmd` must be well-formed.
    pub fn send(&mut self, cmd: &Value) -> Result<Outcome, Rejection> {
        self.desk.handle(parse(cmd))
    }

    /// Sends a command that must be applied: the version goes up by one.
    /// Returns the new version.
    pub fn accept(&mut self, cmd: &Value) -> u64 {
        let before = self.version();
        match self.send(cmd) {
            Ok(Outcome::Applied { version }) => {
                assert_eq!(version, before + 1, "an applied command adds one version");
                assert_eq!(self.version(), version);
                version
            }
            other => panic!("expected the command to be applied, got {other:#?}\ncommand: {cmd:#}"),
        }
    }

    /// Sends a command that must be accepted as a duplicate: nothing changes.
    pub fn duplicate(&mut self, cmd: &Value) {
        let before = self.state();
        let version = self.version();
        match self.send(cmd) {
            Ok(Outcome::Duplicate { version: v }) => assert_eq!(v, version),
            other => panic!("expected a duplicate, got {other:#?}\ncommand: {cmd:#}"),
        }
        assert_eq!(self.state(), before, "a duplicate changed the incident");
    }

    /// Sends a command that must be rejected, and checks that the rejection
    /// changed nothing: the incident, its version and its history are as
    /// before (and an incident a `declare` was refused for does not exist).
    pub fn reject(&mut self, cmd: &Value) -> Rejection {
        let before = self.state();
        let version = self.version();
        let rejection = match self.send(cmd) {
            Err(rejection) => rejection,
            Ok(outcome) => panic!("expected a rejection, got {outcome:?}\ncommand: {cmd:#}"),
        };
        assert_eq!(
            self.version(),
            version,
            "a rejected command changed the version"
        );
        assert_eq!(
            self.state(),
            before,
            "a rejected command changed the incident"
        );
        rejection
    }

    /// Sends one raw JSON line that must be refused, checking that nothing changed.
    pub fn reject_line(&mut self, line: &str) -> LineRejection {
        let before = self.state();
        let refused = match self.desk.handle_json(line) {
            Err(refused) => refused,
            Ok(outcome) => panic!("expected a rejection, got {outcome:?}\nline: {line}"),
        };
        assert_eq!(self.state(), before, "a refused line changed the incident");
        refused
    }

    /// Builds a command with `build` and applies it.
    pub fn run(&mut self, build: fn(&mut Scenario) -> Value) -> Value {
        let cmd = build(self);
        self.accept(&cmd);
        cmd
    }

    /// Declares the incident (building the `declare` at minute 0).
    pub fn declare_now(&mut self) -> Value {
        let cmd = self.declare();
        self.accept(&cmd);
        cmd
    }

    /// Records all five triage checks.
    pub fn do_triage(&mut self) {
        for check in [
            "recent_deploys",
            "migrations",
            "provider_status",
            "logs",
            "health_endpoints",
        ] {
            let cmd = self.record_check(check);
            self.accept(&cmd);
        }
    }

    // ---- building commands ----

    fn next_id(&mut self) -> String {
        self.seq += 1;
        command_id(self.seq)
    }

    /// The envelope of the next command: a fresh id, the next minute.
    pub fn envelope(&mut self, kind: &str) -> Value {
        let at = time(self.clock);
        self.clock += 1;
        json!({
            "type": kind,
            "incident_id": self.id.to_string(),
            "command_id": self.next_id(),
            "at": at,
        })
    }

    /// The next command: the envelope and `body`'s fields.
    pub fn command(&mut self, kind: &str, body: Value) -> Value {
        let mut cmd = self.envelope(kind);
        if let Value::Object(fields) = body {
            cmd.as_object_mut().unwrap().extend(fields);
        }
        cmd
    }

    /// A comms update posted at minute `at` by the commander, with the status
    /// `after` (the phase after the command) and the next update 30 minutes on
    /// unless the incident is then resolved.
    pub fn update_at(&self, at: i64, after: Option<Phase>) -> Value {
        let owner = self
            .desk
            .get(self.id)
            .map_or("Ada".to_owned(), |i| i.roles().commander().to_string());
        let mut update = json!({
            "impact": "Uploads fail for all users",
            "action": "Checking the 09:02 deploy",
            "owner": owner,
        });
        if let Some(status) = after.and_then(status) {
            update["status"] = json!(status);
        }
        if after != Some(Phase::Resolved) {
            update["next_update"] = json!(time(at + 30));
        }
        update
    }

    /// A command that carries an update, leading to phase `after`.
    fn with_update(&mut self, kind: &str, mut body: Value, after: Option<Phase>) -> Value {
        body["update"] = self.update_at(self.clock, after);
        self.command(kind, body)
    }

    /// `declare` at the scenario's severity (a new scenario's first command
    /// is at minute 0, the declaration time the impacts are written against).
    pub fn declare(&mut self) -> Value {
        let body = json!({
            "title": title(self.severity),
            "severity": self.severity.as_str(),
            "impact": impact(self.severity, self.user_impact_active),
            "roles": roles(self.severity),
        });
        self.with_update("declare", body, Some(Phase::Investigating))
    }

    /// `post_update` in the current phase.
    pub fn post_update(&mut self) -> Value {
        let phase = self.phase();
        self.with_update("post_update", json!({}), phase)
    }

    /// `change_severity` to `to`, with the impact that fits `to` and, for
    /// SEV1, the roles SEV1 needs.
    pub fn change_severity(&mut self, to: Severity) -> Value {
        let mut body = json!({
            "severity": to.as_str(),
            "reason": "The impact turned out different from what was first seen",
            "impact": impact(to, self.user_impact_active),
        });
        if to == Severity::Sev1 {
            body["roles"] = json!({"scribe": "Ken", "engineering_lead": "Linus",
                                   "communications_owner": "Linus"});
        }
        let phase = self.phase();
        self.with_update("change_severity", body, phase)
    }

    /// `assign_role`.
    pub fn assign_role(&mut self, role: &str, person: &str) -> Value {
        self.command("assign_role", json!({"role": role, "person": person}))
    }

    /// `unassign_role`.
    pub fn unassign_role(&mut self, role: &str) -> Value {
        self.command("unassign_role", json!({"role": role}))
    }

    /// `update_impact` with the declared severity's impact, users narrowed.
    pub fn update_impact(&mut self) -> Value {
        let mut impact = impact(self.severity, self.user_impact_active);
        impact["users"] = json!("Tenants in the EU region");
        self.command("update_impact", json!({"impact": impact}))
    }

    /// `record_check`.
    pub fn record_check(&mut self, check: &str) -> Value {
        let finding = format!("{check}: looked at, nothing unusual");
        self.command("record_check", json!({"check": check, "finding": finding}))
    }

    /// `add_note`.
    pub fn add_note(&mut self) -> Value {
        self.command(
            "add_note",
            json!({"text": "Deploy 2026.05.04-1 at 09:02 matches the start."}),
        )
    }

    /// `record_root_cause`.
    pub fn record_root_cause(&mut self) -> Value {
        self.command(
            "record_root_cause",
            json!({"text": "The deploy halved UPLOAD_CHUNK_SIZE."}),
        )
    }

    /// `start_mitigation` with `mitigation`.
    pub fn start_mitigation(&mut self, mitigation: Value) -> Value {
        self.with_update(
            "start_mitigation",
            json!({"mitigation": mitigation}),
            Some(Phase::Mitigating),
        )
    }

    /// `start_mitigation`: roll back to the previous image tag.
    pub fn rollback(&mut self) -> Value {
        self.start_mitigation(
            json!({"kind": "rollback_image", "from_tag": "2026.05.04-1", "to_tag": "2026.05.03-2"}),
        )
    }

    /// `start_mitigation`: block `/api/share` (high security risk, low availability impact).
    pub fn block(&mut self) -> Value {
        self.start_mitigation(json!({"kind": "block_endpoint", "endpoint": "/api/share",
            "security_risk": "high", "availability_impact": "low"}))
    }

    /// `begin_monitoring`.
    pub fn begin_monitoring(&mut self) -> Value {
        self.with_update("begin_monitoring", json!({}), Some(Phase::Monitoring))
    }

    /// `resume_investigation`.
    pub fn resume_investigation(&mut self) -> Value {
        self.with_update(
            "resume_investigation",
            json!({"reason": "Errors came back after the rollback"}),
            Some(Phase::Investigating),
        )
    }

    /// `lift_block` of `/api/share`.
    pub fn lift_block(&mut self) -> Value {
        self.command("lift_block", json!({"endpoint": "/api/share"}))
    }

    /// `end_mitigation` of mitigation `number` (from 1) with `outcome`.
    pub fn end_mitigation(&mut self, number: u64, outcome: &str) -> Value {
        self.command(
            "end_mitigation",
            json!({"number": number, "outcome": outcome}),
        )
    }

    /// `revise_outcome` of mitigation `number` (from 1) to `outcome`, with a reason.
    pub fn revise_outcome(&mut self, number: u64, outcome: &str) -> Value {
        self.command(
            "revise_outcome",
            json!({"number": number, "outcome": outcome, "reason": "Hindsight: the error rate rose after it"}),
        )
    }

    /// `end_mitigation` of the first mitigation, which helped.
    pub fn end_first_mitigation(&mut self) -> Value {
        self.end_mitigation(1, "helped")
    }

    /// `rename`, with a reason.
    pub fn rename(&mut self) -> Value {
        self.command(
            "rename",
            json!({"title": "Uploads failing in EU storage", "reason": "The cause is the EU storage account"}),
        )
    }

    /// Verification that shows everything the current impact demands working.
    pub fn verification(&self) -> Value {
        let impact = self.incident().impact();
        let mut v = json!({
            "health": {"live": true, "ready": true, "status": true},
            "endpoints": impact.affected_endpoints().iter()
                .map(|e| json!({"path": e.as_str(), "ok": true})).collect::<Vec<_>>(),
            "dependencies": impact.affected_dependencies().iter()
                .map(|d| json!({"name": d.as_str(), "ok": true})).collect::<Vec<_>>(),
        });
        if impact.surfaces().contains(&Surface::Frontend) {
            v["frontend"] = json!({"app_loaded": true, "login": true, "workflow": true});
        }
        if impact.concerns_data() {
            v["data"] = json!({"no_unauthorized_access": true, "no_failed_migration": true,
                               "no_duplicate_processing": true, "no_partial_delete": true});
        }
        v
    }

    /// `resolve` with the verification the impact demands.
    pub fn resolve(&mut self) -> Value {
        let verification = self.verification();
        self.with_update(
            "resolve",
            json!({"verification": verification}),
            Some(Phase::Resolved),
        )
    }

    /// `reopen`.
    pub fn reopen(&mut self) -> Value {
        self.with_update(
            "reopen",
            json!({"reason": "Uploads fail again for large files"}),
            Some(Phase::Investigating),
        )
    }

    /// `submit_postmortem`: published, at the incident's peak severity.
    pub fn submit_postmortem(&mut self) -> Value {
        let peak = self.incident().peak_severity();
        self.command("submit_postmortem", json!({"postmortem": postmortem(peak)}))
    }

    /// `close`.
    pub fn close(&mut self) -> Value {
        self.command("close", json!({}))
    }

    /// A command of type `kind` whose body breaks no rule in a phase that
    /// allows it (for `declare`: this incident's declaration again, with a new id).
    pub fn valid(&mut self, kind: CommandKind) -> Value {
        let mut cmd = match kind {
            CommandKind::Declare => self.declare(),
            CommandKind::PostUpdate => self.post_update(),
            CommandKind::ChangeSeverity => {
                let to = if self.incident().severity() == Severity::Sev2 {
                    Severity::Sev1
                } else {
                    Severity::Sev2
                };
                self.change_severity(to)
            }
            CommandKind::AssignRole => self.assign_role("scribe", "Ken"),
            CommandKind::UnassignRole => self.unassign_role("technical_lead"),
            CommandKind::AssignRoles => self.command(
                "assign_roles",
                json!({"roles": {"technical_lead": "Barbara", "scribe": "Ken"}}),
            ),
            CommandKind::UpdateImpact => self.update_impact(),
            CommandKind::RecordCheck => self.record_check("logs"),
            CommandKind::AddNote => self.add_note(),
            CommandKind::RecordRootCause => self.record_root_cause(),
            CommandKind::StartMitigation => self.start_mitigation(
                json!({"kind": "revert_config", "change": "Restore UPLOAD_CHUNK_SIZE=8MiB"}),
            ),
            CommandKind::BeginMonitoring => self.begin_monitoring(),
            CommandKind::ResumeInvestigation => self.resume_investigation(),
            CommandKind::LiftBlock => self.lift_block(),
            CommandKind::Resolve => self.resolve(),
            CommandKind::Reopen => self.reopen(),
            CommandKind::SubmitPostmortem => self.submit_postmortem(),
            CommandKind::Close => self.close(),
            CommandKind::EndMitigation => self.end_first_mitigation(),
            CommandKind::Rename => self.rename(),
            CommandKind::ReviseOutcome => self.revise_outcome(1, "made_worse"),
            CommandKind::RecordProgress => self.command(
                "record_progress",
                json!({"percent": 40, "note": "Batches 1 to 3 of 8 restored"}),
            ),
            CommandKind::CorrectImpact => self.correct_impact(),
            CommandKind::LinkIncident => self.command(
                "link_incident",
                json!({"incident": "0b5e3a4c-2d1f-4e6a-9b8c-7d6e5f4a3b2c", "relation": "follow_on_of"}),
            ),
            CommandKind::RecordFix => self.command(
                "record_fix",
                json!({"description": "Chunk size pinned in the upload client", "outcome": "helped"}),
            ),
            other => panic!("the fixture has no command of type {other}"),
        };
        // After close, a revised postmortem or root cause says why.
        if self.phase() == Some(Phase::Closed)
            && matches!(
                kind,
                CommandKind::SubmitPostmortem | CommandKind::RecordRootCause
            )
        {
            cmd["reason"] = json!("The second incident showed more");
        }
        cmd
    }

    /// `correct_impact`: the current impact with a corrected count of users.
    pub fn correct_impact(&mut self) -> Value {
        let mut impact = serde_json::to_value(self.incident().impact()).unwrap();
        impact["affected"] = json!({"users": 5200});
        self.command(
            "correct_impact",
            json!({"impact": impact, "reason": "The postmortem counted the users again"}),
        )
    }
}

/// The exit code the `incident` CLI gives a run that found `verdict`, as
/// `docs/contract.md` states the policy: `0` all accepted, `1` a rule
/// broken, `2` malformed input.
pub fn exit_code(verdict: incident_playbook::Verdict) -> i32 {
    match verdict {
        incident_playbook::Verdict::Accepted => 0,
        incident_playbook::Verdict::Broken => 1,
        incident_playbook::Verdict::Malformed => 2,
    }
}

/// The incident of `history` as a store loads it: its compact state after
/// the first `at` commands, written and read back, resumed with the rest.
pub fn resumed_compact(history: &[Command], at: usize, playbook: &Playbook) -> Incident {
    let (head, tail) = history.split_at(at);
    let kept = Incident::restore(head.to_vec(), playbook).unwrap();
    let written = serde_json::to_string(&kept.compact_state()).unwrap();
    let compact: CompactState = serde_json::from_str(&written).unwrap();
    assert_eq!(compact.version(), at as u64);
    Incident::resume_compact(compact, head.to_vec(), tail.to_vec(), playbook).unwrap()
}
