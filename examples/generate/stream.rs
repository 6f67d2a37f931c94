//! Realistic command streams: interleaved incident lifecycles as JSON lines.
//!
//! Shared by the `generate` example, the benches and the tests (included with
//! `#[path]`), so that what is measured is what the example writes.
//!
//! Every line is a command the crate accepts: each incident follows a valid
//! lifecycle for its severity (SEV1–SEV4, some escalated on the way), with
//! triage checks, notes, comms updates, one or two mitigations, a root cause,
//! a verification that covers its impact, a postmortem where one is owed, and
//! a close. Long incidents get filler (notes, updates, checks, role changes)
//! while they are open. The same seed gives the same stream, byte for byte.

// Each includer (the example, the benches, the tests) uses a different part.
#![allow(dead_code)]

use std::collections::VecDeque;

use chrono::{DateTime, SecondsFormat, Utc};

/// splitmix64: tiny, fast, and the same everywhere, so a seed names a stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: no modulo bias worth caring about for a workload.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// A version-4 UUID in the hyphenated form the wire uses.
    pub fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

/// A JSON object written field by field, in the order given (`type` first, as
/// senders write it).
struct Obj(String);

impl Obj {
    fn new() -> Self {
        Obj(String::from("{"))
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push('"');
        self.0.push_str(key);
        self.0.push_str("\":");
    }

    fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        // serde_json escapes exactly as a JSON writer must.
        self.0
            .push_str(&serde_json::to_string(value).unwrap_or_default());
        self
    }

    fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    fn obj(self, key: &str, value: Obj) -> Self {
        let json = value.finish();
        self.raw(key, &json)
    }

    fn bool(self, key: &str, value: bool) -> Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    fn strs(self, key: &str, values: &[&str]) -> Self {
        let mut json = String::from("[");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&serde_json::to_string(v).unwrap_or_default());
        }
        json.push(']');
        self.raw(key, &json)
    }

    fn objs(self, key: &str, values: Vec<Obj>) -> Self {
        let mut json = String::from("[");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&v.finish());
        }
        json.push(']');
        self.raw(key, &json)
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

#[rustfmt::skip]
const PEOPLE: &[&str] = &[
    "Ada", "Grace", "Linus", "Ken", "Barbara", "Edsger", "Margaret", "Dennis", "Frances",
    "Alan", "Radia", "Donald", "Hedy", "Tim", "Katherine", "John", "Sophie", "Niklaus", "Joan",
    "Bjarne", "Annie", "Guido", "Lynn", "Anders", "Mary", "Rob", "Evelyn", "Leslie", "Adele",
    "Butler", "Shafi", "Whitfield", "Jean", "Yukihiro", "Carol", "Brian", "Ida", "Chuck",
    "Ruth", "Vint",
];
#[rustfmt::skip]
const FEATURES: &[&str] = &[
    "Document upload", "Document processing", "Search", "Sign-in", "Sharing", "Billing export",
    "OCR", "Notifications", "Audit log", "Admin console",
];
const USERS: &[&str] = &[
    "All tenants",
    "Tenants in EU West",
    "Tenants using OCR",
    "Enterprise tenants with SSO",
    "Free-tier users",
    "Internal staff only",
    "Tenants on the beta channel",
];
const ENVIRONMENTS: &[&str] = &["production", "production EU", "production US", "staging"];
const ENDPOINTS: &[&str] = &[
    "/api/documents",
    "/api/search",
    "/api/share",
    "/api/export",
    "/api/ocr",
    "/api/auth/callback",
];
const DEPENDENCIES: &[&str] = &[
    "Azure OpenAI",
    "Vision",
    "Document Intelligence",
    "Blob Storage",
    "PostgreSQL",
    "Clerk",
    "Front Door/CDN",
];
const OPTIONAL_DEPENDENCIES: &[&str] = &["Azure OpenAI", "Vision", "Document Intelligence"];
const CHECKS: &[&str] = &[
    "recent_deploys",
    "migrations",
    "provider_status",
    "logs",
    "health_endpoints",
];
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "deploy", "rollback", "latency", "p99", "errors", "5xx", "queue", "backlog", "worker",
    "retry", "timeout", "connection", "pool", "saturated", "CPU", "memory", "heap", "GC",
    "pause", "tenant", "region", "failover", "replica", "lag", "migration", "index", "lock",
    "contention", "cache", "miss", "ratio", "dropped", "after", "the", "since", "around",
    "looks", "like", "confirmed", "not", "related", "to", "provider", "status", "page", "shows",
    "degraded", "throughput", "recovered", "partially", "users", "report", "slow", "uploads",
    "dashboard", "alert", "fired", "at", "threshold", "raised", "from", "canary", "build",
    "config", "flag", "disabled", "enabled", "upstream", "DNS", "certificate", "expired",
    "rotated", "token", "quota", "exceeded", "throttled", "by", "we", "will",
];

/// Commands that make up an incident's lifecycle; filler is added around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Declare,
    Escalate,
    Check(usize),
    Note,
    Mitigate,
    Resume,
    Monitor,
    RootCause,
    ImpactOver,
    Resolve,
    Postmortem,
    LiftBlock,
    Close,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Investigating,
    Mitigating,
    Monitoring,
    Resolved,
    Closed,
}

impl Phase {
    fn status(self) -> &'static str {
        match self {
            Phase::Investigating => "investigating",
            Phase::Mitigating => "mitigating",
            Phase::Monitoring => "monitoring",
            Phase::Resolved | Phase::Closed => "resolved",
        }
    }
}

fn sev(level: u8) -> &'static str {
    match level {
        1 => "SEV1",
        2 => "SEV2",
        3 => "SEV3",
        _ => "SEV4",
    }
}

fn timestamp(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn date(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// 2026-01-01T00:00:00Z: where the default stream's clock starts.
pub const EPOCH: i64 = 1_767_225_600;

/// One incident being written: its plan and what the rules need to know of
/// its state so far.
pub struct IncidentGen {
    id: String,
    severity: u8,
    peak: u8,
    phase: Phase,
    commander: &'static str,
    /// Everyone holding a role, so filler can hand roles to someone else.
    technical_lead: &'static str,
    flags: Vec<&'static str>,
    surfaces: Vec<&'static str>,
    endpoint: Option<&'static str>,
    dependency: Option<&'static str>,
    blocked: Option<&'static str>,
    /// The number of a disabled dependency or paused rollout in effect.
    undo: Option<usize>,
    /// Mitigations started so far (their numbers run from 1).
    started: usize,
    user_impact: bool,
    declared_at: i64,
    started_at: i64,
    mitigated_at: Option<i64>,
    resolved_at: Option<i64>,
    steps: VecDeque<Step>,
    /// Filler still to place before `resolve`.
    filler: usize,
    /// Lines still to write.
    remaining: usize,
}

impl IncidentGen {
    /// Plans an incident of exactly `commands` lines (at least 1). With fewer
    /// lines than its lifecycle needs it is cut short and stays open.
    pub fn new(rng: &mut Rng, commands: usize) -> Self {
        let roll = rng.below(100);
        let severity = match roll {
            0..5 => 1,
            5..20 => 2,
            20..60 => 3,
            _ => 4,
        };
        let flags: Vec<&'static str> = match severity {
            1 => vec![rng.pick(&[
                "broad_outage",
                "data_exposure",
                "data_loss",
                "security_incident",
            ])],
            2 => vec![rng.pick(&["major_feature_broken", "environment_blocked"])],
            3 if rng.chance(60) => vec!["degraded_feature"],
            _ => Vec::new(),
        };
        let mut surfaces = vec!["api"];
        if rng.chance(40) {
            surfaces.push("frontend");
        }
        if rng.chance(15) {
            surfaces.push("data");
        }
        let endpoint = rng.chance(70).then(|| rng.pick(ENDPOINTS));
        let dependency = rng.chance(40).then(|| rng.pick(DEPENDENCIES));
        let commander = rng.pick(PEOPLE);
        let technical_lead = rng.pick(PEOPLE);
        // Escalate one level now and then; to SEV1 the roles come along.
        let escalate = severity > 1 && rng.chance(10);
        let peak = if escalate { severity - 1 } else { severity };

        let mut steps = VecDeque::new();
        steps.push_back(Step::Declare);
        if escalate {
            steps.push_back(Step::Escalate);
        }
        let checks = if peak <= 2 { 5 } else { rng.below(3) as usize };
        for c in 0..checks {
            steps.push_back(Step::Check(c));
        }
        steps.push_back(Step::Note);
        steps.push_back(Step::Mitigate);
        if rng.chance(15) {
            steps.push_back(Step::Resume);
            steps.push_back(Step::Mitigate);
        }
        steps.push_back(Step::Monitor);
        steps.push_back(Step::RootCause);
        if rng.chance(30) {
            steps.push_back(Step::ImpactOver);
        }
        steps.push_back(Step::Resolve);
        if peak <= 2 || rng.chance(30) {
            steps.push_back(Step::Postmortem);
        }
        // A temporary measure (a block, a disabled dependency, a paused
        // rollout: one at most) is undone here.
        steps.push_back(Step::LiftBlock);
        steps.push_back(Step::Close);
        let spine = steps.len();
        let commands = commands.max(1);
        IncidentGen {
            id: rng.uuid(),
            severity,
            peak,
            phase: Phase::Investigating,
            commander,
            technical_lead,
            flags,
            surfaces,
            endpoint,
            dependency,
            blocked: None,
            undo: None,
            started: 0,
            user_impact: true,
            declared_at: 0,
            started_at: 0,
            mitigated_at: None,
            resolved_at: None,
            steps,
            filler: commands.saturating_sub(spine),
            remaining: commands,
        }
    }

    /// Drops the lifecycle from `resolve` on, so that the incident stays
    /// open: the lines it loses become filler.
    pub fn stay_open(&mut self) {
        if let Some(resolve) = self.steps.iter().position(|s| *s == Step::Resolve) {
            self.steps.truncate(resolve);
        }
        self.filler = self.remaining.saturating_sub(self.steps.len());
    }

    /// Whether every line was written.
    pub fn done(&self) -> bool {
        self.remaining == 0
    }

    /// The next line, at `at` (seconds since the Unix epoch; never earlier
    /// than the line before).
    pub fn next_line(&mut self, rng: &mut Rng, at: i64) -> Option<String> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        // Spread the filler evenly over the open part of the lifecycle.
        let before_resolve = self
            .steps
            .iter()
            .position(|s| *s == Step::Resolve)
            // No resolve to come: only an open incident's spine is left
            // (once resolved, `open` below is false).
            .unwrap_or(self.steps.len()) as u64;
        let spine_left = self.steps.len() as u64;
        let open = self.phase != Phase::Resolved && self.phase != Phase::Closed;
        let use_filler = self.filler > 0
            && self.steps.front() != Some(&Step::Declare)
            && open
            && (before_resolve == 0
                || rng.below(self.filler as u64 + before_resolve) < self.filler as u64
                || spine_left == 0);
        if use_filler {
            self.filler -= 1;
            return Some(self.filler_line(rng, at));
        }
        match self.steps.pop_front() {
            Some(step) => Some(self.step_line(rng, step, at)),
            // Only filler is left: the lifecycle was cut short.
            None => Some(self.filler_line(rng, at)),
        }
    }

    fn envelope(&self, rng: &mut Rng, kind: &str, at: i64) -> Obj {
        Obj::new()
            .str("type", kind)
            .str("incident_id", &self.id)
            .str("command_id", &rng.uuid())
            .str("at", &timestamp(at))
    }

    fn update(&self, rng: &mut Rng, at: i64, after: Phase, action: &str) -> Obj {
        let impact = if self.user_impact {
            format!(
                "{} affected: {}",
                self.feature_words(rng),
                self.phase_words(after)
            )
        } else {
            "No user impact any more".to_owned()
        };
        let mut u = Obj::new();
        if rng.chance(50) {
            u = u.str("status", after.status());
        }
        u = u.str("impact", &impact).str("action", action);
        if after != Phase::Resolved {
            u = u.str("next_update", &timestamp(at + 30 * 60));
        }
        u.str("owner", self.commander)
    }

    fn feature_words(&self, rng: &mut Rng) -> &'static str {
        rng.pick(FEATURES)
    }

    fn phase_words(&self, after: Phase) -> &'static str {
        match after {
            Phase::Investigating => "cause under investigation",
            Phase::Mitigating => "mitigation in progress",
            Phase::Monitoring => "recovering, watching error rates",
            Phase::Resolved | Phase::Closed => "working again",
        }
    }

    fn sentence(rng: &mut Rng, min: u64, max: u64) -> String {
        let n = min + rng.below(max - min + 1);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(rng.pick(WORDS));
        }
        s.push('.');
        s
    }

    fn roles(&self, rng: &mut Rng, level: u8) -> Obj {
        let mut roles = Obj::new()
            .str("commander", self.commander)
            .str("technical_lead", self.technical_lead);
        if level == 1 {
            let (scribe, lead) = self.sev1_people(rng);
            roles = roles
                .str("communications_owner", lead)
                .str("scribe", scribe)
                .str("engineering_lead", lead);
        } else if rng.chance(50) {
            roles = roles.str("communications_owner", self.commander);
        }
        roles
    }

    /// A scribe other than the commander and an engineering lead.
    fn sev1_people(&self, rng: &mut Rng) -> (&'static str, &'static str) {
        let mut scribe = rng.pick(PEOPLE);
        while scribe == self.commander {
            scribe = rng.pick(PEOPLE);
        }
        (scribe, rng.pick(PEOPLE))
    }

    fn impact(&self, rng: &mut Rng) -> Obj {
        let mut i = Obj::new()
            .str("environment", rng.pick(ENVIRONMENTS))
            .str("users", rng.pick(USERS))
            .str("feature", rng.pick(FEATURES))
            .str("started_at", &timestamp(self.started_at))
            .bool("user_impact_active", self.user_impact)
            .strs("flags", &self.flags)
            .strs("surfaces", &self.surfaces);
        if let Some(e) = self.endpoint {
            i = i.strs("affected_endpoints", &[e]);
        }
        if let Some(d) = self.dependency {
            i = i.strs("affected_dependencies", &[d]);
        }
        i
    }

    fn step_line(&mut self, rng: &mut Rng, step: Step, at: i64) -> String {
        match step {
            Step::Declare => {
                self.declared_at = at;
                self.started_at = at - 60 * (1 + rng.below(30) as i64);
                let title = format!(
                    "{} {}",
                    rng.pick(FEATURES),
                    rng.pick(&["failing", "slow", "degraded", "returning errors", "down"])
                );
                let update = self.update(rng, at, Phase::Investigating, "Checking recent deploys");
                self.envelope(rng, "declare", at)
                    .str("title", &title)
                    .str("severity", sev(self.severity))
                    .obj("impact", self.impact(rng))
                    .obj("roles", self.roles(rng, self.severity))
                    .obj("update", update)
                    .finish()
            }
            Step::Escalate => {
                let to = self.severity - 1;
                let mut line = self
                    .envelope(rng, "change_severity", at)
                    .str("severity", sev(to))
                    .str("reason", "Impact is wider than first thought");
                if to == 1 {
                    let (scribe, lead) = self.sev1_people(rng);
                    line = line.obj(
                        "roles",
                        Obj::new()
                            .str("communications_owner", lead)
                            .str("scribe", scribe)
                            .str("engineering_lead", lead),
                    );
                }
                self.severity = to;
                let update = self.update(rng, at, self.phase, "Escalated; widening the response");
                line.obj("update", update).finish()
            }
            Step::Check(c) => self.check_line(rng, CHECKS[c], at),
            Step::Note => {
                let text = Self::sentence(rng, 6, 40);
                self.envelope(rng, "add_note", at)
                    .str("text", &text)
                    .finish()
            }
            Step::Mitigate => {
                let was = self.phase;
                self.phase = Phase::Mitigating;
                if self.mitigated_at.is_none() {
                    self.mitigated_at = Some(at);
                }
                let (mitigation, action) = self.mitigation(rng, was);
                let update = self.update(rng, at, Phase::Mitigating, &action);
                self.envelope(rng, "start_mitigation", at)
                    .obj("mitigation", mitigation)
                    .obj("update", update)
                    .finish()
            }
            Step::Resume => {
                self.phase = Phase::Investigating;
                let update = self.update(
                    rng,
                    at,
                    Phase::Investigating,
                    "The mitigation did not help; investigating further",
                );
                self.envelope(rng, "resume_investigation", at)
                    .str("reason", "Error rates did not drop")
                    .obj("update", update)
                    .finish()
            }
            Step::Monitor => {
                self.phase = Phase::Monitoring;
                let update = self.update(
                    rng,
                    at,
                    Phase::Monitoring,
                    "Watching error rates after the fix",
                );
                self.envelope(rng, "begin_monitoring", at)
                    .obj("update", update)
                    .finish()
            }
            Step::RootCause => {
                let text = Self::sentence(rng, 10, 60);
                self.envelope(rng, "record_root_cause", at)
                    .str("text", &text)
                    .finish()
            }
            Step::ImpactOver => {
                self.user_impact = false;
                let impact = self.impact(rng);
                self.envelope(rng, "update_impact", at)
                    .obj("impact", impact)
                    .finish()
            }
            Step::Resolve => {
                self.phase = Phase::Resolved;
                self.resolved_at = Some(at);
                let verification = self.verification();
                let update = self.update(rng, at, Phase::Resolved, "Resolved; follow-up to come");
                self.envelope(rng, "resolve", at)
                    .obj("verification", verification)
                    .obj("update", update)
                    .finish()
            }
            Step::Postmortem => {
                let pm = self.postmortem(rng, at);
                self.envelope(rng, "submit_postmortem", at)
                    .obj("postmortem", pm)
                    .finish()
            }
            Step::LiftBlock => match self.blocked.take() {
                Some(endpoint) => self
                    .envelope(rng, "lift_block", at)
                    .str("endpoint", endpoint)
                    .finish(),
                None if self.undo.is_some() => {
                    let number = self.undo.take().unwrap_or_default();
                    self.envelope(rng, "end_mitigation", at)
                        .raw("number", &number.to_string())
                        .str("outcome", "helped")
                        .finish()
                }
                // Nothing to undo: a note takes the slot, so lengths stay exact.
                None => {
                    let text = Self::sentence(rng, 4, 12);
                    self.envelope(rng, "add_note", at)
                        .str("text", &text)
                        .finish()
                }
            },
            Step::Close => {
                self.phase = Phase::Closed;
                self.envelope(rng, "close", at).finish()
            }
        }
    }

    fn check_line(&self, rng: &mut Rng, check: &str, at: i64) -> String {
        let finding = format!(
            "{}: {}",
            check.replace('_', " "),
            Self::sentence(rng, 3, 12)
        );
        self.envelope(rng, "record_check", at)
            .str("check", check)
            .str("finding", &finding)
            .finish()
    }

    fn mitigation(&mut self, rng: &mut Rng, was: Phase) -> (Obj, String) {
        let m = Obj::new();
        self.started += 1;
        // One temporary measure (block, disabled dependency, paused rollout)
        // at most, undone in the one slot before closing.
        let none_yet = self.blocked.is_none() && self.undo.is_none();
        let kinds: &[&str] = if none_yet && was != Phase::Mitigating {
            &[
                "rollback_image",
                "disable_dependency",
                "revert_config",
                "pause_rollout",
                "block_endpoint",
                "other",
            ]
        } else {
            &["rollback_image", "revert_config", "other"]
        };
        match rng.pick(kinds) {
            "rollback_image" => {
                let day = 1 + rng.below(28);
                let from = format!("2026.05.{day:02}-2");
                let to = format!("2026.05.{day:02}-1");
                let action = format!("Rolling back {from} to {to}");
                (
                    m.str("kind", "rollback_image")
                        .str("from_tag", &from)
                        .str("to_tag", &to),
                    action,
                )
            }
            "disable_dependency" => {
                let dep = rng.pick(OPTIONAL_DEPENDENCIES);
                self.undo = Some(self.started);
                (
                    m.str("kind", "disable_dependency").str("dependency", dep),
                    format!("Bypassing {dep}"),
                )
            }
            "revert_config" => (
                m.str("kind", "revert_config")
                    .str("change", "Restore UPLOAD_CHUNK_SIZE=8MiB"),
                "Reverting the config change".to_owned(),
            ),
            "pause_rollout" => {
                self.undo = Some(self.started);
                (
                    m.str("kind", "pause_rollout").str("rollout", "web canary"),
                    "Pausing the rollout".to_owned(),
                )
            }
            "block_endpoint" => {
                let endpoint = rng.pick(ENDPOINTS);
                self.blocked = Some(endpoint);
                (
                    m.str("kind", "block_endpoint")
                        .str("endpoint", endpoint)
                        .str("security_risk", rng.pick(&["high", "critical"]))
                        .str("availability_impact", rng.pick(&["low", "medium"])),
                    format!("Blocking {endpoint} until the fix ships"),
                )
            }
            _ => (
                m.str("kind", "other")
                    .str("description", "Scale workers from 4 to 12"),
                "Scaling out workers".to_owned(),
            ),
        }
    }

    fn verification(&self) -> Obj {
        let mut v = Obj::new().obj(
            "health",
            Obj::new()
                .bool("live", true)
                .bool("ready", true)
                .bool("status", true),
        );
        if let Some(e) = self.endpoint {
            v = v.objs(
                "endpoints",
                vec![Obj::new().str("path", e).bool("ok", true)],
            );
        }
        if self.surfaces.contains(&"frontend") {
            v = v.obj(
                "frontend",
                Obj::new()
                    .bool("app_loaded", true)
                    .bool("login", true)
                    .bool("workflow", true),
            );
        }
        let data = self.surfaces.contains(&"data")
            || self
                .flags
                .iter()
                .any(|f| matches!(*f, "data_exposure" | "data_loss" | "security_incident"));
        if data {
            v = v.obj(
                "data",
                Obj::new()
                    .bool("no_unauthorized_access", true)
                    .bool("no_failed_migration", true)
                    .bool("no_duplicate_processing", true)
                    .bool("no_partial_delete", true),
            );
        }
        if let Some(d) = self.dependency {
            v = v.objs(
                "dependencies",
                vec![Obj::new().str("name", d).bool("ok", true)],
            );
        }
        v
    }

    fn postmortem(&self, rng: &mut Rng, at: i64) -> Obj {
        let title = format!("{} incident review", rng.pick(FEATURES));
        let published = self.peak <= 2 || rng.chance(50);
        let mut pm = Obj::new()
            .str("title", &title)
            .str("severity", sev(self.peak));
        if !published {
            return pm.str("status", "draft");
        }
        let mut timeline = vec![
            Obj::new()
                .str("at", &timestamp(self.started_at))
                .str("event", "Impact starts"),
            Obj::new()
                .str("at", &timestamp(self.declared_at))
                .str("event", "Incident declared"),
        ];
        if let Some(m) = self.mitigated_at {
            timeline.push(
                Obj::new()
                    .str("at", &timestamp(m))
                    .str("event", "Mitigation started"),
            );
        }
        if let Some(r) = self.resolved_at {
            timeline.push(Obj::new().str("at", &timestamp(r)).str("event", "Resolved"));
        }
        let missing_guardrail = rng.chance(50);
        let mut item = Obj::new()
            .str("action", "Add a smoke test to the deploy gate")
            .str("owner", self.technical_lead)
            .str("due", &date(self.declared_at + 14 * 86_400))
            .str("status", "open");
        if missing_guardrail {
            item = item.str(
                "guardrail",
                rng.pick(&["handbook", "adr", "dashboard", "test"]),
            );
        }
        pm = pm
            .str("date", &date(at))
            .strs("owners", &[self.commander])
            .str("status", "published")
            .str("summary", &Self::sentence(rng, 10, 30))
            .str("impact", &Self::sentence(rng, 8, 20))
            .objs("timeline", timeline)
            .str("root_cause", &Self::sentence(rng, 10, 30))
            .str("what_worked", &Self::sentence(rng, 5, 15))
            .str("what_did_not_work", &Self::sentence(rng, 5, 15))
            .objs("action_items", vec![item])
            .bool("missing_guardrail", missing_guardrail);
        pm
    }

    /// Something an open incident takes at any time: a note, a comms update,
    /// another look at a triage check, or a new technical lead.
    fn filler_line(&mut self, rng: &mut Rng, at: i64) -> String {
        match rng.below(10) {
            0..4 => {
                // Mostly short notes, now and then a long paste.
                let text = if rng.chance(2) {
                    Self::sentence(rng, 200, 400)
                } else {
                    Self::sentence(rng, 6, 40)
                };
                self.envelope(rng, "add_note", at)
                    .str("text", &text)
                    .finish()
            }
            4..7 => {
                let action = Self::sentence(rng, 3, 10);
                let update = self.update(rng, at, self.phase, &action);
                self.envelope(rng, "post_update", at)
                    .obj("update", update)
                    .finish()
            }
            7..9 => {
                let check = rng.pick(CHECKS);
                self.check_line(rng, check, at)
            }
            _ => {
                let person = rng.pick(PEOPLE);
                self.technical_lead = person;
                self.envelope(rng, "assign_role", at)
                    .str("role", "technical_lead")
                    .str("person", person)
                    .finish()
            }
        }
    }
}

/// How a stream is shaped.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    pub incidents: usize,
    pub commands_per_incident: usize,
    pub seed: u64,
    /// The most incidents open at once.
    pub max_concurrent: usize,
    /// Every incident stops short of `resolve` and stays open: its lines
    /// are its lifecycle up to a root cause, with filler for the rest.
    pub open: bool,
    /// Every incident is open from the first lines to the last: all of
    /// them start at once (however many), stay open as with `open`, and
    /// take the stream's lines in random order, so each is still written
    /// to among the stream's last few dozen lines.
    pub hot: bool,
}

impl Config {
    pub fn new(incidents: usize, commands_per_incident: usize, seed: u64) -> Self {
        Config {
            incidents,
            commands_per_incident,
            seed,
            max_concurrent: 16,
            open: false,
            hot: false,
        }
    }
}

/// The lines of a stream, in order: `incidents × commands_per_incident` of
/// them, incidents overlapping in time.
pub struct Stream {
    rng: Rng,
    config: Config,
    started: usize,
    active: Vec<IncidentGen>,
    /// How many incidents may be open right now; changes as they close.
    window: usize,
    clock: i64,
}

impl Stream {
    pub fn new(config: Config) -> Self {
        let mut rng = Rng::new(config.seed);
        let mut window = 1 + rng.below(config.max_concurrent.max(1) as u64) as usize;
        if config.hot {
            window = config.incidents;
        }
        Stream {
            rng,
            config,
            started: 0,
            active: Vec::new(),
            window,
            clock: EPOCH,
        }
    }
}

impl Stream {
    /// An active incident picked with odds in proportion to the lines it
    /// has left: the lines of a stream in random order, so that every
    /// incident is still named among its last few dozen lines.
    fn by_lines_left(&mut self) -> usize {
        let total: usize = self.active.iter().map(|a| a.remaining).sum();
        let mut pick = self.rng.below(total.max(1) as u64) as usize;
        for (i, incident) in self.active.iter().enumerate() {
            if pick < incident.remaining {
                return i;
            }
            pick -= incident.remaining;
        }
        0
    }
}

impl Iterator for Stream {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.config.commands_per_incident == 0 {
            return None;
        }
        while self.active.len() < self.window && self.started < self.config.incidents {
            let mut incident = IncidentGen::new(&mut self.rng, self.config.commands_per_incident);
            if self.config.open || self.config.hot {
                incident.stay_open();
            }
            self.active.push(incident);
            self.started += 1;
        }
        if self.active.is_empty() {
            return None;
        }
        let i = if self.config.hot {
            self.by_lines_left()
        } else {
            self.rng.below(self.active.len() as u64) as usize
        };
        // Between 1 second and 3 minutes between lines, the stream over.
        self.clock += 1 + self.rng.below(180) as i64;
        let line = self.active[i].next_line(&mut self.rng, self.clock);
        if self.active[i].done() {
            self.active.swap_remove(i);
            if !self.config.hot {
                self.window = 1 + self.rng.below(self.config.max_concurrent.max(1) as u64) as usize;
            }
        }
        line
    }
}

/// One incident that stays open: its `declare`, then `filler` filler lines
/// (notes, updates, checks, role changes), a minute apart. For measuring
/// what a command costs against a long history.
pub fn open_incident(seed: u64, filler: usize) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut incident = IncidentGen::new(&mut rng, 1 + filler);
    incident.steps.clear();
    incident.steps.push_back(Step::Declare);
    incident.filler = filler;
    let mut out = Vec::with_capacity(1 + filler);
    let mut at = EPOCH;
    while let Some(line) = incident.next_line(&mut rng, at) {
        out.push(line);
        at += 60;
    }
    out
}

/// One whole incident of `commands` lines (closed if that is enough for its
/// lifecycle), for snapshot benchmarks. `severity` 1–4 is searched for by
/// seed, so the same arguments give the same incident.
pub fn incident(seed: u64, severity: u8, commands: usize) -> Vec<String> {
    let mut seed = seed;
    loop {
        let mut rng = Rng::new(seed);
        let mut incident = IncidentGen::new(&mut rng, commands);
        if incident.severity == severity {
            let mut out = Vec::with_capacity(commands);
            let mut at = EPOCH;
            while let Some(line) = incident.next_line(&mut rng, at) {
                out.push(line);
                at += 60;
            }
            return out;
        }
        seed = seed.wrapping_add(1);
    }
}
