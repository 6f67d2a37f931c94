//! The triage checks of the first 15 minutes.
//!
//! > Check recent deploys, migrations, provider status, logs, and health endpoints.

use serde::{Deserialize, Serialize};

use crate::text::ShortText;
use crate::time::Timestamp;

crate::wire::wire_enum! {
    /// One of the five triage checks.
    #[derive(PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum TriageCheck {
        /// Recent deploys.
        RecentDeploys = "recent_deploys",
        /// Migrations.
        Migrations = "migrations",
        /// Provider status pages.
        ProviderStatus = "provider_status",
        /// Logs.
        Logs = "logs",
        /// Health endpoints.
        HealthEndpoints = "health_endpoints",
    }
}

/// A triage check recorded: done, with what it found, or not performed,
/// with why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CheckRecord {
    /// When it was recorded.
    pub at: Timestamp,
    /// Which check.
    pub check: TriageCheck,
    /// What it found; when not performed, why not.
    pub finding: ShortText,
    /// Whether the check was done (left out when it was).
    #[serde(default = "performed", skip_serializing_if = "is_performed")]
    #[cfg_attr(feature = "schema", schemars(default = "performed"))]
    pub performed: bool,
}

fn performed() -> bool {
    true
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_performed(performed: &bool) -> bool {
    *performed
}
