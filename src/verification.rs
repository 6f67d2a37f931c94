//! Verification: what must be seen working before an incident resolves.
//!
//! > - API: check /health/live, /health/ready, /health/status, and the affected endpoint.
//! > - Frontend: load the app through the deployed URL, log in with Clerk, and
//! >   exercise the affected workflow.
//! > - Data: verify no unauthorized access, failed migration, duplicate
//! >   processing, or partial delete remains.
//! > - External services: confirm Azure OpenAI, Vision, Document Intelligence,
//! >   Blob Storage, PostgreSQL, Clerk, and Front Door/CDN as relevant.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};

use crate::impact::{Impact, Surface};
use crate::playbook::Playbook;
use crate::rule::{Report, Rule, index, join};
use crate::text::{Name, ShortText};

/// The health endpoints' results, keyed by the playbook's endpoint names (the
/// seed's: `live`, `ready`, `status`). A missing or `null` result fails; a
/// name the playbook does not have is refused (`malformed-input`).
///
/// ```
/// use incident_playbook::HealthChecks;
/// let h: HealthChecks = serde_json::from_str(r#"{"live": true, "ready": null}"#).unwrap();
/// assert!(h.passes("live"));
/// assert!(!h.passes("ready"));
/// assert!(!h.passes("status"));
/// // `null` says nothing, so it is not kept.
/// assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"live":true}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealthChecks(pub BTreeMap<String, bool>);

impl HealthChecks {
    /// Results by endpoint name.
    ///
    /// ```
    /// use incident_playbook::HealthChecks;
    /// let h = HealthChecks::new([("live", true), ("ready", false)]);
    /// assert!(h.passes("live") && !h.passes("ready"));
    /// ```
    pub fn new<N: Into<String>>(results: impl IntoIterator<Item = (N, bool)>) -> Self {
        HealthChecks(results.into_iter().map(|(n, ok)| (n.into(), ok)).collect())
    }

    /// Whether the endpoint named `name` was seen passing.
    pub fn passes(&self, name: &str) -> bool {
        self.0.get(name) == Some(&true)
    }
}

impl<'de> Deserialize<'de> for HealthChecks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = HealthChecks;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of health endpoint names and booleans")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HealthChecks, A::Error> {
                let mut seen: BTreeSet<String> = BTreeSet::new();
                let mut out = BTreeMap::new();
                while let Some((name, ok)) = map.next_entry::<String, Option<bool>>()? {
                    // A name written twice is refused, as a struct field would be.
                    if !seen.insert(name.clone()) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate field `{name}`"
                        )));
                    }
                    if let Some(ok) = ok {
                        out.insert(name, ok);
                    }
                }
                Ok(HealthChecks(out))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for HealthChecks {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HealthChecks".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The health endpoints' results, keyed by the playbook's endpoint names (the seed playbook's: `live`, `ready`, `status`). A missing or `null` result fails; a name the playbook does not have is `malformed-input`.",
            "type": "object",
            "additionalProperties": {"type": ["boolean", "null"]},
        })
    }
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
/// assert!(v.health.unwrap().passes("ready"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// The playbook's health endpoints, by name.
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

    /// `verification-api-health`: every health endpoint of the playbook
    /// passes; a result for a name the playbook does not have is refused.
    fn check_health(&self, report: &mut Report, path: &str, playbook: &Playbook) {
        let empty = HealthChecks::default();
        let health = self.health.as_ref().unwrap_or(&empty);
        let health_path = join(path, "health");
        if let Some(unknown) = health
            .0
            .keys()
            .find(|k| playbook.health_endpoint(k).is_none())
        {
            let known: Vec<&str> = playbook
                .health_endpoints()
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            report.push(
                Rule::MalformedInput,
                &join(&health_path, unknown),
                format!(
                    "`{unknown}` is not a health endpoint of the playbook ({})",
                    known.join(", ")
                ),
            );
        }
        let failed: Vec<&str> = playbook
            .health_endpoints()
            .iter()
            .filter(|e| !health.passes(&e.name))
            .map(|e| e.path.as_str())
            .collect();
        if !failed.is_empty() {
            report.push(
                Rule::VerificationApiHealth,
                &health_path,
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
