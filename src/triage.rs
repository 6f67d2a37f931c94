//! The triage checks of the first 15 minutes.
//!
//! > Check recent deploys, migrations, provider status, logs, and health endpoints.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::ShortText;
use crate::time::Timestamp;

/// One of the five triage checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TriageCheck {
    /// Recent deploys.
    RecentDeploys,
    /// Migrations.
    Migrations,
    /// Provider status pages.
    ProviderStatus,
    /// Logs.
    Logs,
    /// Health endpoints.
    HealthEndpoints,
}

crate::strict::string_enum!(TriageCheck [RecentDeploys, Migrations, ProviderStatus, Logs, HealthEndpoints]);

impl TriageCheck {
    /// All five, in the playbook's order.
    pub const ALL: [TriageCheck; 5] = [
        TriageCheck::RecentDeploys,
        TriageCheck::Migrations,
        TriageCheck::ProviderStatus,
        TriageCheck::Logs,
        TriageCheck::HealthEndpoints,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TriageCheck::RecentDeploys => "recent_deploys",
            TriageCheck::Migrations => "migrations",
            TriageCheck::ProviderStatus => "provider_status",
            TriageCheck::Logs => "logs",
            TriageCheck::HealthEndpoints => "health_endpoints",
        }
    }
}

impl fmt::Display for TriageCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A triage check done, with what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CheckRecord {
    /// When it was recorded.
    pub at: Timestamp,
    /// Which check.
    pub check: TriageCheck,
    /// What it found.
    pub finding: ShortText,
}
