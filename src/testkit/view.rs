//! What the writers know of an incident: its state read off the crate's
//! snapshot, as the contract's JSON writes it (phase, severity, roles, impact,
//! blocks, checks, notes, mitigations, the postmortem, the command ids used).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::words::*;
use crate::Incident;

/// Rule ids, in order.
pub type Rules = BTreeSet<&'static str>;

/// The impact as the rules use it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactView {
    pub flags: Vec<String>,
    pub surfaces: Vec<String>,
    pub endpoints: Vec<String>,
    pub deps: Vec<String>,
    pub active: bool,
    /// When users were first hit, once known.
    pub started_at: Option<Time>,
}

impl ImpactView {
    pub fn floor(&self) -> u8 {
        floor(self.flags.iter().map(String::as_str))
    }

    pub fn concerns_data(&self) -> bool {
        self.surfaces.iter().any(|s| s == "data")
            || self.flags.iter().any(|f| DATA_FLAGS.contains(&f.as_str()))
    }

    pub fn to_json(&self) -> Value {
        let mut v = serde_json::json!({
            "flags": self.flags, "surfaces": self.surfaces,
            "affected_endpoints": self.endpoints, "affected_dependencies": self.deps,
            "user_impact_active": self.active,
        });
        // An unknown start stays unknown: writing one would claim to know it.
        if let Some(t) = self.started_at {
            v["started_at"] = ts(t).into();
        }
        v
    }
}

/// One declared incident, as the writers see it.
#[derive(Debug, Clone)]
pub struct View {
    pub version: u64,
    pub phase: Phase,
    pub severity: u8,
    pub peak: u8,
    pub declared_at: Time,
    pub last_at: Time,
    pub roles: BTreeMap<String, String>,
    pub impact: ImpactView,
    pub blocked: Vec<String>,
    pub checks: BTreeSet<String>,
    pub notes: usize,
    pub mitigations: usize,
    /// Each mitigation, numbered from 1: whether it is a temporary measure
    /// other than a block, the endpoint it blocks, and its outcome once ended.
    pub lives: Vec<(bool, Option<String>, Option<String>)>,
    /// When each mitigation truly started (its `occurred_at`, else its `at`).
    pub started: Vec<Time>,
    /// (status, severity) of the postmortem, once submitted.
    pub postmortem: Option<(String, u8)>,
    /// The ids of the commands applied, lower case.
    pub accepted: BTreeSet<String>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    list(v, key)
        .iter()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect()
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl View {
    /// The writers' view of `incident`.
    pub fn of(incident: &Incident) -> View {
        // The snapshot's JSON is the contract's: what a sender sees.
        let s = serde_json::to_value(incident).unwrap_or_default();
        let impact = &s["impact"];
        let roles = ROLES
            .iter()
            .filter_map(|role| Some(((*role).to_owned(), str_of(&s["roles"], role)?.to_owned())))
            .collect();
        let pm = s.get("postmortem").filter(|p| !p.is_null());
        View {
            version: incident.version(),
            phase: Phase::of(incident.phase()),
            severity: sev_num(str_of(&s, "severity").unwrap_or_default()),
            peak: sev_num(str_of(&s, "peak_severity").unwrap_or_default()),
            declared_at: time_at(&s["declared_at"]).unwrap_or_default(),
            last_at: time_at(&s["last_command_at"]).unwrap_or_default(),
            roles,
            impact: ImpactView {
                flags: strings(impact, "flags"),
                surfaces: strings(impact, "surfaces"),
                endpoints: strings(impact, "affected_endpoints"),
                deps: strings(impact, "affected_dependencies"),
                active: impact["user_impact_active"].as_bool().unwrap_or(true),
                started_at: time_at(&impact["started_at"]),
            },
            blocked: strings(&s, "blocked_endpoints"),
            checks: list(&s, "checks")
                .iter()
                .filter_map(|c| c["check"].as_str().map(str::to_owned))
                .collect(),
            notes: list(&s, "notes").len(),
            mitigations: list(&s, "mitigations").len(),
            lives: list(&s, "mitigations")
                .iter()
                .map(|m| life(m, m.get("ended").filter(|e| !e.is_null())))
                .collect(),
            started: list(&s, "mitigations")
                .iter()
                .filter_map(|m| time_at(&m["occurred_at"]).or_else(|| time_at(&m["at"])))
                .collect(),
            postmortem: pm.map(|p| {
                (
                    str_of(p, "status").unwrap_or_default().to_owned(),
                    sev_num(str_of(p, "severity").unwrap_or_default()),
                )
            }),
            accepted: incident
                .history()
                .iter()
                .map(|c| c.command_id.to_string().to_ascii_lowercase())
                .collect(),
        }
    }

    /// What closing now would break.
    pub fn closing_rules(&self) -> Rules {
        let mut r = Rules::new();
        let published = self
            .postmortem
            .as_ref()
            .is_some_and(|(s, _)| s == "published");
        if self.peak <= 2 && !published {
            r.insert("postmortem-required");
        }
        if self
            .postmortem
            .as_ref()
            .is_some_and(|(_, s)| *s != self.peak)
        {
            r.insert("postmortem-severity-mismatch");
        }
        if !self.blocked.is_empty() {
            r.insert("block-not-lifted");
        }
        if self
            .lives
            .iter()
            .any(|(temporary, _, end)| *temporary && end.is_none())
        {
            r.insert("temporary-measure-in-effect");
        }
        r
    }

    /// Everyone holding a role, each once.
    pub fn holders(&self) -> Vec<String> {
        let mut v: Vec<String> = self.roles.values().cloned().collect();
        v.sort();
        v.dedup();
        v
    }
}

/// A mitigation's life: a disabled dependency, a paused rollout or one
/// started `temporary: true` is a temporary measure (a block is
/// `block-not-lifted`'s); `entry` is the snapshot's mitigation and `ended`
/// its end, as a snapshot writes them.
fn life(entry: &Value, ended: Option<&Value>) -> (bool, Option<String>, Option<String>) {
    let m = &entry["mitigation"];
    let kind = str_of(m, "kind");
    let marked = entry["temporary"].as_bool() == Some(true) && kind != Some("block_endpoint");
    let temporary = marked || matches!(kind, Some("disable_dependency" | "pause_rollout"));
    let endpoint = match kind {
        Some("block_endpoint") => str_of(m, "endpoint").map(str::to_owned),
        _ => None,
    };
    let outcome = ended.and_then(|e| str_of(e, "outcome")).map(str::to_owned);
    (temporary, endpoint, outcome)
}
