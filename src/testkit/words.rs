//! The words of the contract (`docs/contract.md`) the writers use: its
//! vocabulary, its length classes, its phase table, and the people, texts and
//! tags generated commands are made of. Written down here rather than taken
//! from the crate's types, so that what is generated is what the contract says
//! a sender may send, whatever the crate makes of it; the command tags alone
//! come from [`CommandKind`], where each is the wire name by definition (and
//! `tests/it/contract.rs` holds them to the contract).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use crate::command::CommandKind;

pub type Time = DateTime<Utc>;

/// The wire form: RFC 3339 in UTC, fractions only when there are any.
pub fn ts(t: Time) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The same instant written with another offset, as another sender might.
pub fn ts_with_offset(t: Time, offset_minutes: i32) -> String {
    match chrono::FixedOffset::east_opt(offset_minutes * 60) {
        Some(offset) => t
            .with_timezone(&offset)
            .to_rfc3339_opts(SecondsFormat::AutoSi, false),
        None => ts(t),
    }
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

// ---- The vocabulary of the contract ----

pub const SEVERITIES: [&str; 4] = ["SEV1", "SEV2", "SEV3", "SEV4"];

/// `SEV1` → 1 … `SEV4` → 4: smaller is more severe (4 for what is none).
pub fn sev_num(s: &str) -> u8 {
    match s {
        "SEV1" => 1,
        "SEV2" => 2,
        "SEV3" => 3,
        _ => 4,
    }
}

pub fn sev_name(n: u8) -> &'static str {
    SEVERITIES
        .get(usize::from(n.clamp(1, 4) - 1))
        .copied()
        .unwrap_or("SEV4")
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
        .map(|f| FLAGS.iter().find(|(n, _)| *n == f).map_or(4, |(_, s)| *s))
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
pub const OUTCOMES: [&str; 5] = ["helped", "no_effect", "made_worse", "partial", "unknown"];
pub const GUARDRAILS: [&str; 4] = ["handbook", "adr", "dashboard", "test"];

/// Names close to the seed playbook's dependencies that are not in it.
pub const UNKNOWN_DEPENDENCIES: [&str; 4] = ["Redis", "azure openai", "Blob Storage ", "Kafka"];

/// Health endpoint names close to the seed playbook's that are not in it.
pub const UNKNOWN_HEALTH: [&str; 4] = ["db", "Live", "liveness", "ready "];

/// The command types of the playbook's wire contract: the first 17 tags of
/// [`CommandKind::ALL`], which lists them first and the crate's additions
/// after. "Any type" keeps to these 17: [`allowed`] does not know the
/// phases of every addition, and the writers build an addition where a
/// generator names it.
pub const COMMAND_TYPES: [&str; 17] = first_tags();

/// The first `N` tags of [`CommandKind::ALL`], at compile time.
#[allow(
    clippy::indexing_slicing,
    reason = "evaluated at compile time: an index out of range fails the build"
)]
const fn first_tags<const N: usize>() -> [&'static str; N] {
    let mut tags = [""; N];
    let mut i = 0;
    while i < N {
        tags[i] = CommandKind::ALL[i].as_str();
        i += 1;
    }
    tags
}

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

    /// The crate's phase, in the words of the contract.
    pub fn of(phase: crate::Phase) -> Phase {
        match phase {
            crate::Phase::Investigating => Phase::Investigating,
            crate::Phase::Mitigating => Phase::Mitigating,
            crate::Phase::Monitoring => Phase::Monitoring,
            crate::Phase::Resolved => Phase::Resolved,
            crate::Phase::Closed => Phase::Closed,
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
        "post_update" | "assign_role" | "unassign_role" | "add_note" | "record_root_cause"
        | "lift_block" | "end_mitigation" | "rename" => open || phase == Resolved,
        "change_severity" | "update_impact" | "record_check" | "start_mitigation" | "resolve" => {
            open
        }
        "begin_monitoring" => phase == Mitigating,
        "resume_investigation" => matches!(phase, Mitigating | Monitoring),
        "reopen" | "submit_postmortem" | "close" => phase == Resolved,
        _ => false,
    }
}

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

pub const PEOPLE: [&str; 10] = [
    "Ada",
    "Grace",
    "Linus",
    "Ken",
    "Barbara",
    "Edsger",
    "Margaret",
    "Zoë",
    "José Álvarez",
    "李雷",
];
/// People who never hold a role.
pub const OUTSIDERS: [&str; 3] = ["Mallory", "Trent", "ada"];
pub const ENDPOINTS: [&str; 5] = [
    "/api/documents",
    "/api/share",
    "/api/search",
    "/api/upload",
    "/app/login",
];
pub const SHORTS: [&str; 8] = [
    "Uploads fail for all users",
    "Checking the 09:02 deploy",
    "OCR is slow for tenants on the EU cluster",
    "Rolling back to 2026.05.03-2",
    "Error rate back to baseline; watching",
    "Søk feiler for noen brukere",
    "  leading and trailing space  ",
    "Multi\nline\ttext with \"quotes\" and \\ backslashes 🚨",
];
pub const BLANKS: [&str; 6] = ["", " ", "\t\n", "\u{a0}", "\u{2003}", "\u{feff}"];
pub const TAGS: [&str; 4] = ["2026.05.04-1", "2026.05.03-2", "2026.04.28-7", "latest"];

/// The top-level fields each command type has besides the envelope.
pub fn body_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "declare" => &["title", "severity", "impact", "roles", "update"],
        "post_update" | "begin_monitoring" => &["update"],
        "change_severity" => &["severity", "reason", "update", "roles", "impact"],
        "assign_role" => &["role", "person"],
        "unassign_role" => &["role"],
        "update_impact" => &["impact"],
        "record_check" => &["check", "finding"],
        "add_note" | "record_root_cause" => &["text"],
        "start_mitigation" => &["mitigation", "update"],
        "resume_investigation" | "reopen" => &["reason", "update"],
        "lift_block" => &["endpoint"],
        "resolve" => &["verification", "update"],
        "submit_postmortem" => &["postmortem"],
        _ => &[],
    }
}
