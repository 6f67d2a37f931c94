//! Verification: what must be seen working before an incident resolves.
//!
//! > - API: check /health/live, /health/ready, /health/status, and the affected endpoint.
//! > - Frontend: load the app through the deployed URL, log in with Clerk, and
//! >   exercise the affected workflow.
//! > - Data: verify no unauthorized access, failed migration, duplicate
//! >   processing, or partial delete remains.
//! > - External services: confirm Azure OpenAI, Vision, Document Intelligence,
//! >   Blob Storage, PostgreSQL, Clerk, and Front Door/CDN as relevant.

use serde::{Deserialize, Serialize};

use crate::impact::{Impact, Surface};
use crate::playbook::Playbook;
use crate::rule::{Report, Rule, index, join};
use crate::text::{Name, ShortText};

/// The three health endpoints. A missing or `null` check fails.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HealthChecks {
    /// `/health/live` passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<bool>,
    /// `/health/ready` passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    /// `/health/status` passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<bool>,
}

/// One affected endpoint checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EndpointCheck {
    /// The endpoint's path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub path: Option<String>,
    /// Whether it passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
}

/// The front end seen working through the deployed URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FrontendChecks {
    /// The app loads through the deployed URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_loaded: Option<bool>,
    /// Logging in works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login: Option<bool>,
    /// The affected workflow works.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<bool>,
}

/// Data seen clean.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DataChecks {
    /// No unauthorized access remains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_unauthorized_access: Option<bool>,
    /// No failed migration remains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_failed_migration: Option<bool>,
    /// No duplicate processing remains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_duplicate_processing: Option<bool>,
    /// No partial delete remains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_partial_delete: Option<bool>,
}

/// One dependency confirmed (or not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DependencyCheck {
    /// The dependency, from the playbook's catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Name"))]
    pub name: Option<String>,
    /// Whether it is healthy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
}

/// The evidence a `resolve` carries.
///
/// ```
/// use incident_playbook::Verification;
/// let v: Verification = serde_json::from_str(r#"{
///   "health": {"live": true, "ready": true, "status": true},
///   "endpoints": [{"path": "/api/documents", "ok": true}]
/// }"#).unwrap();
/// assert_eq!(v.health.unwrap().ready, Some(true));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// The three health endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthChecks>,
    /// Affected endpoints checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub endpoints: Option<Vec<EndpointCheck>>,
    /// The front end, when the impact shows there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontend: Option<FrontendChecks>,
    /// Data, when the impact concerns data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataChecks>,
    /// Dependencies confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub dependencies: Option<Vec<DependencyCheck>>,
}

fn failing<'a>(checks: &[(&'a str, Option<bool>)]) -> Vec<&'a str> {
    checks
        .iter()
        .filter(|(_, v)| *v != Some(true))
        .map(|(name, _)| *name)
        .collect()
}

impl Verification {
    /// Checks the evidence against what `impact` demands.
    pub(crate) fn check(
        report: &mut Report,
        path: &str,
        input: Option<&Verification>,
        impact: &Impact,
        playbook: &Playbook,
    ) {
        let empty = Verification::default();
        let v = input.unwrap_or(&empty);
        v.check_health(report, path, playbook);
        v.check_endpoints(report, path, impact);
        v.check_surfaces(report, path, impact);
        v.check_dependencies(report, path, impact, playbook);
    }

    /// `verification-api-health`: the playbook's three health endpoints pass.
    fn check_health(&self, report: &mut Report, path: &str, playbook: &Playbook) {
        let health = self.health.clone().unwrap_or_default();
        let endpoints = playbook.health_endpoints();
        let name = |i: usize| endpoints.get(i).map_or("?", |e| e.as_str());
        let failed = failing(&[
            (name(0), health.live),
            (name(1), health.ready),
            (name(2), health.status),
        ]);
        if !failed.is_empty() {
            report.push(
                Rule::VerificationApiHealth,
                &join(path, "health"),
                format!("health endpoints not passing: {}", failed.join(", ")),
            );
        }
    }

    /// `verification-endpoints`: every affected endpoint checked and passing.
    fn check_endpoints(&self, report: &mut Report, path: &str, impact: &Impact) {
        let checked = self.endpoints.as_deref().unwrap_or_default();
        let ep_path = join(path, "endpoints");
        // Over the limit, the list is refused whole and its entries not looked at.
        if !report.list_len(&ep_path, checked.len()) {
            return;
        }
        for (i, e) in checked.iter().enumerate() {
            report.text::<ShortText>(
                &join(&index(&ep_path, i), "path"),
                e.path.as_deref(),
                Rule::FieldEmpty,
            );
        }
        for affected in impact.affected_endpoints() {
            let entries: Vec<&EndpointCheck> = checked
                .iter()
                .filter(|e| e.path.as_deref() == Some(affected.as_str()))
                .collect();
            if entries.is_empty() {
                report.push(
                    Rule::VerificationEndpoints,
                    &ep_path,
                    format!("the affected endpoint {affected} was not checked"),
                );
            } else if entries.iter().any(|e| e.ok != Some(true)) {
                report.push(
                    Rule::VerificationEndpoints,
                    &ep_path,
                    format!("the affected endpoint {affected} does not pass"),
                );
            }
        }
    }

    /// `verification-frontend` when the impact shows in the front end,
    /// `verification-data` when it concerns data.
    fn check_surfaces(&self, report: &mut Report, path: &str, impact: &Impact) {
        let f = self.frontend.clone().unwrap_or_default();
        let d = self.data.clone().unwrap_or_default();
        let demanded = [
            (
                impact.surfaces().contains(&Surface::Frontend),
                Rule::VerificationFrontend,
                "frontend",
                "the impact shows in the frontend: load the app through the deployed URL, log in, and exercise the affected workflow",
                failing(&[
                    ("app_loaded", f.app_loaded),
                    ("login", f.login),
                    ("workflow", f.workflow),
                ]),
            ),
            (
                impact.concerns_data(),
                Rule::VerificationData,
                "data",
                "the impact concerns data: verify it clean",
                failing(&[
                    ("no_unauthorized_access", d.no_unauthorized_access),
                    ("no_failed_migration", d.no_failed_migration),
                    ("no_duplicate_processing", d.no_duplicate_processing),
                    ("no_partial_delete", d.no_partial_delete),
                ]),
            ),
        ];
        for (wanted, rule, field, demand, failed) in demanded {
            if wanted && !failed.is_empty() {
                report.push(
                    rule,
                    &join(path, field),
                    format!("{demand} (not passing: {})", failed.join(", ")),
                );
            }
        }
    }

    /// `verification-dependencies`: every affected dependency confirmed
    /// healthy; each one named is in the playbook's catalogue.
    fn check_dependencies(
        &self,
        report: &mut Report,
        path: &str,
        impact: &Impact,
        playbook: &Playbook,
    ) {
        let deps = self.dependencies.as_deref().unwrap_or_default();
        let dep_path = join(path, "dependencies");
        if !report.list_len(&dep_path, deps.len()) {
            return;
        }
        for (i, d) in deps.iter().enumerate() {
            let p = join(&index(&dep_path, i), "name");
            if let Some(n) = report.text::<Name>(&p, d.name.as_deref(), Rule::FieldEmpty) {
                playbook.check_known(report, &p, &n);
            }
        }
        for affected in impact.affected_dependencies() {
            let entries: Vec<&DependencyCheck> = deps
                .iter()
                .filter(|d| d.name.as_deref() == Some(affected.as_str()))
                .collect();
            if entries.is_empty() || entries.iter().any(|d| d.ok != Some(true)) {
                report.push(
                    Rule::VerificationDependencies,
                    &dep_path,
                    format!("confirm {affected} healthy before resolving"),
                );
            }
        }
    }
}
