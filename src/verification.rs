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
use std::sync::Arc;

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};

use crate::impact::{Impact, Surface};
use crate::playbook::Playbook;
use crate::rule::{Rule, Violations, index, join};
use crate::text::{Name, ShortText, WireText};
use crate::wire::{setters, shared};

/// The health endpoints' results, keyed by the playbook's endpoint names (the
/// seed's: `live`, `ready`, `status`). A missing or `null` result fails; a
/// name the playbook does not have is refused (`unknown-health-endpoint`).
///
/// ```
/// use incident_playbook::command::HealthChecks;
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
    /// use incident_playbook::command::HealthChecks;
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
            "description": "The health endpoints' results, keyed by the playbook's endpoint names (the seed playbook's: `live`, `ready`, `status`). A missing or `null` result fails; a name the playbook does not have is `unknown-health-endpoint`.",
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub path: Option<Arc<str>>,
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
#[non_exhaustive]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Name>"
    )]
    pub name: Option<Arc<str>>,
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
#[non_exhaustive]
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

/// One check of the verification that applies, named in `exceptions` by
/// `SECTION.KEY`: `health.live`, `endpoints./api/documents`,
/// `frontend.login`, `data.no_partial_delete`, `dependencies.Blob Storage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CheckResult<'a> {
    section: &'static str,
    key: &'a str,
    /// What a message names (a health endpoint's path; else the key).
    label: &'a str,
    /// Whether any entry was given for it (an endpoint or dependency).
    seen: bool,
    pub(crate) passed: bool,
}

impl<'a> CheckResult<'a> {
    /// Its `SECTION.KEY`, the name an exception gives it.
    pub(crate) fn name(&self) -> String {
        format!("{}.{}", self.section, self.key)
    }

    /// Whether `name` is this check's `SECTION.KEY`.
    pub(crate) fn is_named(&self, name: &str) -> bool {
        name.strip_prefix(self.section)
            .and_then(|rest| rest.strip_prefix('.'))
            == Some(self.key)
    }

    /// Whether it failed and no accepted exception names it.
    fn fails(&self, excused: &[&str]) -> bool {
        !self.passed && !excused.iter().any(|name| self.is_named(name))
    }

    /// An affected item judged by the entries `(name, ok)` of its list:
    /// seen when one names it, passed when every one that does is ok.
    fn listed<'e>(
        section: &'static str,
        key: &'a str,
        entries: impl Iterator<Item = (Option<&'e str>, Option<bool>)>,
    ) -> Self {
        let mut mine = entries.filter(|(name, _)| *name == Some(key)).peekable();
        let seen = mine.peek().is_some();
        CheckResult {
            section,
            key,
            label: key,
            seen,
            passed: seen && mine.all(|(_, ok)| ok == Some(true)),
        }
    }

    fn simple(section: &'static str, key: &'static str, value: Option<bool>) -> Self {
        CheckResult {
            section,
            key,
            label: key,
            seen: value.is_some(),
            passed: value == Some(true),
        }
    }
}

const FRONTEND: &str = "the impact shows in the frontend: load the app through the deployed URL, log in, and exercise the affected workflow";
const DATA: &str = "the impact concerns data: verify it clean";

impl Verification {
    /// Checks the evidence against what `impact` demands; a failing check
    /// named in `excused` (accepted exceptions) breaks no rule.
    pub(crate) fn check(
        report: &mut Violations,
        path: &str,
        input: Option<&Verification>,
        (impact, playbook): (&Impact, &Playbook),
        excused: &[&str],
    ) {
        let empty = Verification::default();
        let v = input.unwrap_or(&empty);
        v.check_health(report, path, playbook, excused);
        v.check_endpoints(report, path, impact, excused);
        v.check_surfaces(report, path, impact, excused);
        v.check_dependencies(report, path, impact, playbook, excused);
    }

    /// Every check of the verification that `impact` demands, with its result.
    pub(crate) fn results<'a>(
        &'a self,
        impact: &'a Impact,
        playbook: &'a Playbook,
    ) -> Vec<CheckResult<'a>> {
        let mut all = self.health_results(playbook);
        all.extend(self.endpoint_results(impact));
        if impact.surfaces().contains(&Surface::Frontend) {
            all.extend(self.frontend_results());
        }
        if impact.concerns_data() {
            all.extend(self.data_results());
        }
        all.extend(self.dependency_results(impact));
        all
    }

    fn health_results<'a>(&'a self, playbook: &'a Playbook) -> Vec<CheckResult<'a>> {
        let health = self.health.as_ref();
        playbook
            .health_endpoints()
            .iter()
            .map(|e| {
                let passed = health.is_some_and(|h| h.passes(&e.name));
                CheckResult {
                    section: "health",
                    key: e.name.as_str(),
                    label: e.path.as_str(),
                    seen: passed,
                    passed,
                }
            })
            .collect()
    }

    fn endpoint_results<'a>(&'a self, impact: &'a Impact) -> Vec<CheckResult<'a>> {
        let checked = self.endpoints.as_deref().unwrap_or_default();
        let entries = || checked.iter().map(|e| (e.path.as_deref(), e.ok));
        impact
            .affected_endpoints()
            .iter()
            .map(|a| CheckResult::listed("endpoints", a.as_str(), entries()))
            .collect()
    }

    fn frontend_results(&self) -> [CheckResult<'static>; 3] {
        let f = self.frontend.clone().unwrap_or_default();
        let check = |key, value| CheckResult::simple("frontend", key, value);
        [
            check("app_loaded", f.app_loaded),
            check("login", f.login),
            check("workflow", f.workflow),
        ]
    }

    fn data_results(&self) -> [CheckResult<'static>; 4] {
        let d = self.data.clone().unwrap_or_default();
        let check = |key, value| CheckResult::simple("data", key, value);
        [
            check("no_unauthorized_access", d.no_unauthorized_access),
            check("no_failed_migration", d.no_failed_migration),
            check("no_duplicate_processing", d.no_duplicate_processing),
            check("no_partial_delete", d.no_partial_delete),
        ]
    }

    fn dependency_results<'a>(&'a self, impact: &'a Impact) -> Vec<CheckResult<'a>> {
        let deps = self.dependencies.as_deref().unwrap_or_default();
        let entries = || deps.iter().map(|d| (d.name.as_deref(), d.ok));
        impact
            .affected_dependencies()
            .iter()
            .map(|a| CheckResult::listed("dependencies", a.as_str(), entries()))
            .collect()
    }

    /// `verification-api-health`: every health endpoint of the playbook
    /// passes; `unknown-health-endpoint` for a result the playbook has no
    /// endpoint for.
    fn check_health(
        &self,
        report: &mut Violations,
        path: &str,
        playbook: &Playbook,
        excused: &[&str],
    ) {
        let health_path = join(path, "health");
        let unknown = self
            .health
            .as_ref()
            .and_then(|h| h.0.keys().find(|k| playbook.health_endpoint(k).is_none()));
        if let Some(unknown) = unknown {
            let known: Vec<&str> = playbook
                .health_endpoints()
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            report.push(
                Rule::UnknownHealthEndpoint,
                &join(&health_path, unknown),
                format!(
                    "`{unknown}` is not a health endpoint of the playbook ({})",
                    known.join(", ")
                ),
            );
        }
        let failed: Vec<&str> = self
            .health_results(playbook)
            .iter()
            .filter(|c| c.fails(excused))
            .map(|c| c.label)
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
    fn check_endpoints(
        &self,
        report: &mut Violations,
        path: &str,
        impact: &Impact,
        excused: &[&str],
    ) {
        let checked = self.endpoints.as_deref().unwrap_or_default();
        let ep_path = join(path, "endpoints");
        // Over the limit, the list is refused whole and its entries not looked at.
        if !report.list_len(&ep_path, checked.len()) {
            return;
        }
        for (i, e) in checked.iter().enumerate() {
            report.text::<ShortText, _>(
                &join(&index(&ep_path, i), "path"),
                e.path.as_ref(),
                Rule::FieldEmpty,
            );
        }
        for c in self.endpoint_results(impact) {
            if c.fails(excused) {
                let problem = if c.seen {
                    "does not pass"
                } else {
                    "was not checked"
                };
                report.push(
                    Rule::VerificationEndpoints,
                    &ep_path,
                    format!("the affected endpoint {} {problem}", c.label),
                );
            }
        }
    }

    /// `verification-frontend` when the impact shows in the front end,
    /// `verification-data` when it concerns data.
    fn check_surfaces(
        &self,
        report: &mut Violations,
        path: &str,
        impact: &Impact,
        excused: &[&str],
    ) {
        let frontend = self.frontend_results();
        let data = self.data_results();
        let demanded: [(bool, Rule, &str, &str, &[CheckResult]); 2] = [
            (
                impact.surfaces().contains(&Surface::Frontend),
                Rule::VerificationFrontend,
                "frontend",
                FRONTEND,
                &frontend,
            ),
            (
                impact.concerns_data(),
                Rule::VerificationData,
                "data",
                DATA,
                &data,
            ),
        ];
        for (wanted, rule, field, demand, results) in demanded {
            let failed: Vec<&str> = results
                .iter()
                .filter(|c| c.fails(excused))
                .map(|c| c.label)
                .collect();
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
    /// healthy; each one named is in the playbook's catalogue or in the
    /// incident's impact.
    fn check_dependencies(
        &self,
        report: &mut Violations,
        path: &str,
        impact: &Impact,
        playbook: &Playbook,
        excused: &[&str],
    ) {
        let deps = self.dependencies.as_deref().unwrap_or_default();
        let dep_path = join(path, "dependencies");
        if !report.list_len(&dep_path, deps.len()) {
            return;
        }
        for (i, d) in deps.iter().enumerate() {
            let p = join(&index(&dep_path, i), "name");
            let n = report.text::<Name, _>(&p, d.name.as_ref(), Rule::FieldEmpty);
            // A dependency the incident's impact names is the incident's
            // own record: verifying it stays possible after the playbook
            // dropped it (the impact was accepted naming it).
            let named = |n: &str| {
                impact
                    .affected_dependencies()
                    .iter()
                    .any(|a| a.as_str() == n)
            };
            if let Some(n) = crate::text::judged(n.as_ref(), d.name.as_deref())
                && !named(n)
            {
                playbook.check_known(report, &p, n);
            }
        }
        for c in self.dependency_results(impact) {
            if c.fails(excused) {
                report.push(
                    Rule::VerificationDependencies,
                    &dep_path,
                    format!("confirm {} healthy before resolving", c.label),
                );
            }
        }
    }
}

impl Verification {
    /// With one more endpoint checked (`path` and whether it works).
    #[must_use]
    pub fn endpoint(mut self, path: impl Into<String>, ok: bool) -> Self {
        self.endpoints
            .get_or_insert_with(Vec::new)
            .push(EndpointCheck {
                path: Some(shared(path)),
                ok: Some(ok),
            });
        self
    }
    /// With one more dependency checked (its name and whether it works).
    #[must_use]
    pub fn dependency(mut self, name: impl Into<String>, ok: bool) -> Self {
        self.dependencies
            .get_or_insert_with(Vec::new)
            .push(DependencyCheck {
                name: Some(shared(name)),
                ok: Some(ok),
            });
        self
    }
    /// With the three frontend checks: the app loads, login works, the main
    /// workflow works.
    #[must_use]
    pub fn frontend(mut self, app_loaded: bool, login: bool, workflow: bool) -> Self {
        self.frontend = Some(FrontendChecks {
            app_loaded: Some(app_loaded),
            login: Some(login),
            workflow: Some(workflow),
        });
        self
    }
}

setters!(Verification {
    health(checks: HealthChecks) => checks;
    data(checks: DataChecks) => checks;
});

setters!(DataChecks {
    no_unauthorized_access(passed: bool) => passed;
    no_failed_migration(passed: bool) => passed;
    no_duplicate_processing(passed: bool) => passed;
    no_partial_delete(passed: bool) => passed;
});
