//! What the other helper modules share: a small deterministic random source,
//! times as the wire writes them, the text classes and the vocabulary
//! of the contract (`docs/contract.md`), written down here rather than
//! taken from the crate so that the tests check the crate against the
//! documents, not against itself.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

/// SplitMix64: every choice a generated script makes comes from a seed that
/// proptest draws and shrinks, so a failing case is replayed exactly.
#[derive(Debug, Clone)]
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Dice(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is `0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }

    /// True with the given percent chance.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    #[track_caller]
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let s = format!("{hi:016x}{lo:016x}");
        format!(
            "{}-{}-{}-{}-{}",
            &s[0..8],
            &s[8..12],
            &s[12..16],
            &s[16..20],
            &s[20..32]
        )
    }
}

pub type Time = DateTime<Utc>;

/// The wire form: RFC 3339 in UTC, fractions only when there are any.
pub fn ts(t: Time) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn parse_ts(s: &str) -> Option<Time> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub fn time_at(v: &Value) -> Option<Time> {
    v.as_str().and_then(parse_ts)
}

pub fn secs(n: i64) -> chrono::Duration {
    chrono::Duration::seconds(n)
}

/// Blank as the contract means it: nothing but white space. Besides Unicode
/// white space the crate documents U+FEFF and U+001C–U+001F as blank
/// (JavaScript's and Python's `\s` match them), so this reading counts them.
pub fn is_blank(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || c == '\u{feff}' || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// The length classes of the contract, in Unicode scalar values.
pub const NAME: usize = 200;
pub const SHORT: usize = 2_000;
pub const LONG: usize = 65_536;
pub const LIST: usize = 1_000;

/// What a required text field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    /// Missing, `null` or blank.
    Empty,
    TooLong,
    Ok(String),
}

pub fn text(v: Option<&Value>, max: usize) -> Text {
    match v.and_then(Value::as_str) {
        None => Text::Empty,
        Some(s) if is_blank(s) => Text::Empty,
        Some(s) if s.chars().count() > max => Text::TooLong,
        Some(s) => Text::Ok(s.to_owned()),
    }
}

/// The text a rule other than the text's own judges: any non-blank string,
/// also one over its limit (issue 10 §8).
pub fn given(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !is_blank(s))
        .map(str::to_owned)
}

/// A JSON number as a version: JSON Schema's `integer` is any number
/// without a fractional part (`3`, `3.0`, `3e0`); one beyond `u64` is no
/// incident's version (saturated here so that it conflicts).
pub fn whole(v: &Value) -> Option<u64> {
    if let Some(n) = v.as_u64() {
        return Some(n);
    }
    let f = v.as_f64()?;
    let saturated = if f < u64::MAX as f64 {
        f as u64
    } else {
        u64::MAX
    };
    (f.is_finite() && f >= 0.0 && f.fract() == 0.0).then_some(saturated)
}

/// A field that is absent or `null` (the same thing on the wire).
pub fn absent(v: Option<&Value>) -> bool {
    v.is_none_or(Value::is_null)
}

pub fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

// ---- The vocabulary of the contract ----

pub const SEVERITIES: [&str; 4] = ["SEV1", "SEV2", "SEV3", "SEV4"];

/// `SEV1` → 1 … `SEV4` → 4: smaller is more severe.
pub fn sev_num(s: &str) -> u8 {
    match s {
        "SEV1" => 1,
        "SEV2" => 2,
        "SEV3" => 3,
        "SEV4" => 4,
        other => panic!("not a severity: {other}"),
    }
}

pub const FLAGS: [(&str, u8); 7] = [
    ("broad_outage", 1),
    ("data_exposure", 1),
    ("data_loss", 1),
    ("security_incident", 1),
    ("major_feature_broken", 2),
    ("environment_blocked", 2),
    ("degraded_feature", 3),
];

/// The least severe level the flags allow (4 when there are none).
pub fn floor<'a>(flags: impl IntoIterator<Item = &'a str>) -> u8 {
    flags
        .into_iter()
        .map(|f| {
            FLAGS
                .iter()
                .find(|(n, _)| *n == f)
                .map(|(_, s)| *s)
                .unwrap_or_else(|| panic!("not a flag: {f}"))
        })
        .min()
        .unwrap_or(4)
}

pub const DATA_FLAGS: [&str; 3] = ["data_exposure", "data_loss", "security_incident"];
pub const SURFACES: [&str; 3] = ["api", "frontend", "data"];
pub const ROLES: [&str; 5] = [
    "commander",
    "technical_lead",
    "communications_owner",
    "scribe",
    "engineering_lead",
];
pub const CHECKS: [&str; 5] = [
    "recent_deploys",
    "migrations",
    "provider_status",
    "logs",
    "health_endpoints",
];
pub const STATUSES: [&str; 4] = ["investigating", "mitigating", "monitoring", "resolved"];
pub const RISKS: [&str; 4] = ["low", "medium", "high", "critical"];
pub const GUARDRAILS: [&str; 4] = ["handbook", "adr", "dashboard", "test"];

pub fn risk_num(s: &str) -> usize {
    RISKS.iter().position(|r| *r == s).expect("a risk level")
}

/// The seed playbook's dependency catalogue: (name, optional).
pub const DEPENDENCIES: [(&str, bool); 7] = [
    ("Azure OpenAI", true),
    ("Vision", true),
    ("Document Intelligence", true),
    ("Blob Storage", false),
    ("PostgreSQL", false),
    ("Clerk", false),
    ("Front Door/CDN", false),
];

pub fn dependency(name: &str) -> Option<bool> {
    DEPENDENCIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, optional)| *optional)
}

/// Names close to the catalogue's that are not in it.
pub const UNKNOWN_DEPENDENCIES: [&str; 4] = ["Redis", "azure openai", "Blob Storage ", "Kafka"];

pub const COMMAND_TYPES: [&str; 21] = [
    "declare",
    "post_update",
    "change_severity",
    "assign_role",
    "unassign_role",
    "update_impact",
    "record_check",
    "add_note",
    "record_root_cause",
    "start_mitigation",
    "begin_monitoring",
    "resume_investigation",
    "lift_block",
    "resolve",
    "reopen",
    "submit_postmortem",
    "close",
    "record_progress",
    "correct_impact",
    "link_incident",
    "record_fix",
];

/// The phases of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Investigating,
    Mitigating,
    Monitoring,
    Resolved,
    Closed,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Investigating => "investigating",
            Phase::Mitigating => "mitigating",
            Phase::Monitoring => "monitoring",
            Phase::Resolved => "resolved",
            Phase::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Phase {
        match s {
            "investigating" => Phase::Investigating,
            "mitigating" => Phase::Mitigating,
            "monitoring" => Phase::Monitoring,
            "resolved" => Phase::Resolved,
            "closed" => Phase::Closed,
            other => panic!("not a phase: {other}"),
        }
    }

    /// The comms status an update posted in this phase carries.
    pub fn status(self) -> &'static str {
        match self {
            Phase::Closed => "resolved",
            other => other.name(),
        }
    }

    pub fn is_open(self) -> bool {
        matches!(
            self,
            Phase::Investigating | Phase::Mitigating | Phase::Monitoring
        )
    }
}

/// The phase table of the contract: where each command type is allowed.
/// `resolve` from investigating or mitigating is listed as allowed here;
/// whether user impact forbids it is the rule `resolve-from-monitoring`.
pub fn allowed(kind: &str, phase: Phase) -> bool {
    use Phase::*;
    let open = phase.is_open();
    match kind {
        "add_note" | "record_root_cause" if phase == Closed => true,
        "post_update" | "assign_role" | "unassign_role" | "add_note" | "record_root_cause"
        | "lift_block" | "end_mitigation" | "rename" => open || phase == Resolved,
        "change_severity" | "update_impact" | "record_check" | "start_mitigation" | "resolve" => {
            open
        }
        "begin_monitoring" => phase == Mitigating,
        "resume_investigation" => matches!(phase, Mitigating | Monitoring),
        "reopen" | "close" => phase == Resolved,
        "submit_postmortem" => matches!(phase, Resolved | Closed),
        "correct_impact" | "revise_outcome" | "link_incident" | "record_fix" => true,
        "record_progress" => open || phase == Resolved,
        _ => false,
    }
}

/// The commands a closed incident takes, as amendments.
pub fn amends(kind: &str) -> bool {
    matches!(
        kind,
        "add_note"
            | "submit_postmortem"
            | "record_root_cause"
            | "correct_impact"
            | "revise_outcome"
            | "link_incident"
            | "record_fix"
    )
}

/// Where each command takes the incident: the phase table's arrows.
pub fn phase_after(kind: &str, phase: Phase) -> Phase {
    match kind {
        "declare" | "resume_investigation" | "reopen" => Phase::Investigating,
        "start_mitigation" => Phase::Mitigating,
        "begin_monitoring" => Phase::Monitoring,
        "resolve" => Phase::Resolved,
        "close" => Phase::Closed,
        _ => phase,
    }
}

/// The command types that carry a comms `update`.
pub fn carries_update(kind: &str) -> bool {
    matches!(
        kind,
        "declare"
            | "post_update"
            | "change_severity"
            | "start_mitigation"
            | "begin_monitoring"
            | "resume_investigation"
            | "resolve"
            | "reopen"
    )
}

/// The health endpoints of the seed playbook, as `verification.health` names them.
pub const HEALTH: [&str; 3] = ["live", "ready", "status"];
pub const FRONTEND: [&str; 3] = ["app_loaded", "login", "workflow"];
pub const DATA_CHECKS: [&str; 4] = [
    "no_unauthorized_access",
    "no_failed_migration",
    "no_duplicate_processing",
    "no_partial_delete",
];
pub const PM_SECTIONS: [&str; 5] = [
    "summary",
    "impact",
    "root_cause",
    "what_worked",
    "what_did_not_work",
];

/// Every value inside `v` with its path as the crate reports it
/// (`postmortem.timeline[1].at`), `v` itself excluded.
pub fn json_paths(v: &Value) -> Vec<(String, &Value)> {
    fn walk<'a>(v: &'a Value, here: &str, out: &mut Vec<(String, &'a Value)>) {
        let children: Vec<(String, &Value)> = match v {
            // A key that a path cannot spell is left out (mutated lines
            // have some: `{"2026.05.04-1": null}`).
            Value::Object(map) => map
                .iter()
                .filter(|(k, _)| !k.is_empty() && !k.contains(['.', '[', ']']))
                .map(|(k, c)| {
                    (
                        if here.is_empty() {
                            k.clone()
                        } else {
                            format!("{here}.{k}")
                        },
                        c,
                    )
                })
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("{here}[{i}]"), c))
                .collect(),
            _ => Vec::new(),
        };
        for (path, child) in children {
            out.push((path.clone(), child));
            walk(child, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

/// The value at a path of [`json_paths`], for changing it.
pub fn at_json_path<'a>(v: &'a mut Value, path: &str) -> &'a mut Value {
    let mut v = v;
    for part in path.split('.') {
        let (key, indices) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            v = v.get_mut(key).unwrap();
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            v = v
                .get_mut(index.trim_end_matches(']').parse::<usize>().unwrap())
                .unwrap();
        }
    }
    v
}
