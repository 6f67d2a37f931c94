//! Impact: who and what is hurt, since when, and how badly.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::percent::{MeasuredDrop, Percent};
use crate::playbook::Playbook;
use crate::rule::{Rule, Violations, index, join};
use crate::severity::Severity;
use crate::text::{Name, ShortText, WireText, WireTexts, limited_list};
use crate::time::Timestamp;
use crate::wire::{setters, shared, texts};

crate::wire::wire_enum! {
    /// What kind of harm an incident does; each flag sets a severity floor.
    ///
    /// ```
    /// use incident_playbook::{Severity, state::ImpactFlag};
    /// assert_eq!(ImpactFlag::DataExposure.floor(), Severity::Sev1);
    /// assert_eq!(ImpactFlag::EnvironmentBlocked.floor(), Severity::Sev2);
    /// ```
    #[derive(PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum ImpactFlag {
        /// Broad outage (SEV1).
        BroadOutage = "broad_outage",
        /// Active data exposure (SEV1).
        DataExposure = "data_exposure",
        /// Data loss (SEV1).
        DataLoss = "data_loss",
        /// Security incident (SEV1).
        SecurityIncident = "security_incident",
        /// Major feature broken for many users (at least SEV2).
        MajorFeatureBroken = "major_feature_broken",
        /// Important environment blocked (at least SEV2).
        EnvironmentBlocked = "environment_blocked",
        /// Degraded feature (at least SEV3).
        DegradedFeature = "degraded_feature",
    }
}

impl ImpactFlag {
    /// The least severe level this flag allows.
    pub fn floor(self) -> Severity {
        match self {
            ImpactFlag::BroadOutage
            | ImpactFlag::DataExposure
            | ImpactFlag::DataLoss
            | ImpactFlag::SecurityIncident => Severity::Sev1,
            ImpactFlag::MajorFeatureBroken | ImpactFlag::EnvironmentBlocked => Severity::Sev2,
            ImpactFlag::DegradedFeature => Severity::Sev3,
        }
    }

    /// The least severe level a set of flags allows: the most severe floor
    /// among them, SEV4 for none.
    ///
    /// ```
    /// use incident_playbook::{Severity, state::ImpactFlag};
    /// assert_eq!(ImpactFlag::floor_of(&[ImpactFlag::DegradedFeature, ImpactFlag::DataLoss]), Severity::Sev1);
    /// assert_eq!(ImpactFlag::floor_of(&[]), Severity::Sev4);
    /// ```
    pub fn floor_of(flags: &[ImpactFlag]) -> Severity {
        flags
            .iter()
            .map(|f| f.floor())
            .min()
            .unwrap_or(Severity::Sev4)
    }

    /// Whether the flag puts data at stake, so that resolving needs the data checks.
    pub fn concerns_data(self) -> bool {
        matches!(
            self,
            ImpactFlag::DataExposure | ImpactFlag::DataLoss | ImpactFlag::SecurityIncident
        )
    }
}

crate::wire::wire_enum! {
    /// Where the impact shows; each surface adds to what resolving must verify.
    #[derive(PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum Surface {
        /// The API.
        Api = "api",
        /// The web front end.
        Frontend = "frontend",
        /// Stored data.
        Data = "data",
    }
}

/// How many were hurt, as far as known: each count optional, none negative.
///
/// ```
/// use incident_playbook::state::AffectedCounts;
/// let c: AffectedCounts = serde_json::from_str(r#"{"users": 5000, "failed_requests": 120000}"#).unwrap();
/// assert_eq!(c.users, Some(5000));
/// assert_eq!(c.tenants, None);
/// assert!(serde_json::from_str::<AffectedCounts>(r#"{"users": -1}"#).is_err());
/// // A whole number however written, as JSON Schema reads an integer.
/// let c: AffectedCounts = serde_json::from_str(r#"{"tenants": 12.0}"#).unwrap();
/// assert_eq!(c.tenants, Some(12));
/// assert!(serde_json::from_str::<AffectedCounts>(r#"{"users": 1.5}"#).is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AffectedCounts {
    /// Users affected.
    #[serde(
        default,
        deserialize_with = "crate::whole::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub users: Option<u64>,
    /// Tenants (organisations) affected.
    #[serde(
        default,
        deserialize_with = "crate::whole::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub tenants: Option<u64>,
    /// Requests that failed.
    #[serde(
        default,
        deserialize_with = "crate::whole::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub failed_requests: Option<u64>,
}

impl AffectedCounts {
    /// Whether no count is known.
    pub fn is_empty(&self) -> bool {
        *self == AffectedCounts::default()
    }
}

/// The impact as sent on the wire. Missing parts are reported by the rules
/// (`impact-incomplete`), not refused as malformed input.
///
/// ```
/// use incident_playbook::ImpactInput;
/// let i: ImpactInput = serde_json::from_str(r#"{
///   "environment": "production", "users": "All tenants", "feature": "Upload",
///   "started_at": "2026-05-04T09:00:00Z", "flags": ["broad_outage"]
/// }"#).unwrap();
/// assert_eq!(i.user_impact_active, None); // defaults to true
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ImpactInput {
    /// The affected environment.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub environment: Option<Arc<str>>,
    /// The affected users.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub users: Option<Arc<str>>,
    /// The affected feature.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub feature: Option<Arc<str>>,
    /// When users were first hit; missing or `null` while not known yet.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::time::blank_as_none"
    )]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<crate::time::BlankableTimestamp>")
    )]
    pub started_at: Option<Timestamp>,
    /// Whether users are hurt right now; `true` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_impact_active: Option<bool>,
    /// When user impact really ended (a true time), with
    /// `user_impact_active: false`; optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// Kinds of harm; each sets a severity floor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub flags: Option<Vec<ImpactFlag>>,
    /// Where the impact shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub surfaces: Option<Vec<Surface>>,
    /// Endpoints that fail; each must pass verification before resolving.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireTexts::<ShortText>"
    )]
    pub affected_endpoints: Option<Vec<Arc<str>>>,
    /// Dependencies involved; each must be in the playbook's catalogue.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireTexts::<Name>"
    )]
    pub affected_dependencies: Option<Vec<Arc<str>>>,
    /// Regions affected (`eu-west`, `US East`), as short texts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireTexts::<ShortText>"
    )]
    pub regions: Option<Vec<Arc<str>>>,
    /// How many users, tenants and requests were hurt, as far as known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected: Option<AffectedCounts>,
    /// What was lost ("6 hours of rows in orders"), a short text; it does
    /// not count users.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub lost: Option<Arc<str>>,
    /// A drop that was measured ("35% of API requests"); it does not count users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured_drop: Option<MeasuredDropInput>,
}

/// `impact.measured_drop` as sent: a share (0 to 100) of something.
///
/// ```
/// use incident_playbook::ImpactInput;
/// let i: ImpactInput = serde_json::from_str(
///     r#"{"measured_drop": {"percent": 35, "of": "API requests"}, "lost": "6 hours of orders"}"#,
/// ).unwrap();
/// assert_eq!(i.measured_drop.unwrap().percent.value(), 35.0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MeasuredDropInput {
    /// The share that dropped, from 0 to 100.
    pub percent: Percent,
    /// Of what ("API requests").
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    #[cfg_attr(feature = "schema", schemars(required))]
    pub of: Option<Arc<str>>,
}

impl MeasuredDropInput {
    /// A drop of `percent` of `of`.
    pub fn new(percent: Percent, of: impl Into<String>) -> Self {
        MeasuredDropInput {
            percent,
            of: Some(shared(of)),
        }
    }
}

/// A confirmed impact: environment, users and feature are known; when users
/// were first hit may not be known yet.
///
/// Built only from an [`ImpactInput`] that passes the rules.
// Read back from JSON (in a snapshot) only within the same limits: the texts
// are checked by their types, the lists by `limited_list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Impact {
    environment: ShortText,
    users: ShortText,
    feature: ShortText,
    // Absent while not known (a breach found weeks later); a snapshot of an
    // impact with a start writes it where it always stood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at: Option<Timestamp>,
    user_impact_active: bool,
    // When user impact ended, if the sender said; left out otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ended_at: Option<Timestamp>,
    #[serde(deserialize_with = "limited_list")]
    flags: Vec<ImpactFlag>,
    #[serde(deserialize_with = "limited_list")]
    surfaces: Vec<Surface>,
    #[serde(deserialize_with = "limited_list")]
    affected_endpoints: Vec<ShortText>,
    #[serde(deserialize_with = "limited_list")]
    affected_dependencies: Vec<Name>,
    // Optional, and omitted when empty so that snapshots written before they
    // existed read and write back byte for byte.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "limited_list"
    )]
    regions: Vec<ShortText>,
    #[serde(default, skip_serializing_if = "AffectedCounts::is_empty")]
    affected: AffectedCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lost: Option<ShortText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    measured_drop: Option<MeasuredDrop>,
}

impl Impact {
    /// The affected environment.
    pub fn environment(&self) -> &ShortText {
        &self.environment
    }
    /// The affected users.
    pub fn users(&self) -> &ShortText {
        &self.users
    }
    /// The affected feature.
    pub fn feature(&self) -> &ShortText {
        &self.feature
    }
    /// When users were first hit, if known. It can be after the declaration
    /// (the first sign came earlier) and is `None` until someone learns it.
    pub fn started_at(&self) -> Option<Timestamp> {
        self.started_at
    }
    /// Whether users are hurt right now.
    pub fn user_impact_active(&self) -> bool {
        self.user_impact_active
    }
    /// When user impact really ended, if the sender said (only with
    /// [`Impact::user_impact_active`] false): recovery can begin minutes
    /// after a fix and be called hours later.
    pub fn ended_at(&self) -> Option<Timestamp> {
        self.ended_at
    }
    /// Kinds of harm.
    pub fn flags(&self) -> &[ImpactFlag] {
        &self.flags
    }
    /// Where the impact shows.
    pub fn surfaces(&self) -> &[Surface] {
        &self.surfaces
    }
    /// Endpoints that fail.
    pub fn affected_endpoints(&self) -> &[ShortText] {
        &self.affected_endpoints
    }
    /// Dependencies involved.
    pub fn affected_dependencies(&self) -> &[Name] {
        &self.affected_dependencies
    }
    /// Regions affected (empty when not given).
    pub fn regions(&self) -> &[ShortText] {
        &self.regions
    }
    /// How many users, tenants and requests were hurt, as far as known.
    pub fn affected(&self) -> AffectedCounts {
        self.affected
    }
    /// What was lost, if said.
    pub fn lost(&self) -> Option<&ShortText> {
        self.lost.as_ref()
    }
    /// The drop that was measured, if said.
    pub fn measured_drop(&self) -> Option<&MeasuredDrop> {
        self.measured_drop.as_ref()
    }
    /// The least severe level the flags allow.
    pub fn floor(&self) -> Severity {
        ImpactFlag::floor_of(&self.flags)
    }
    /// Whether resolving must verify data ("no unauthorized access, failed
    /// migration, duplicate processing, or partial delete remains").
    pub fn concerns_data(&self) -> bool {
        self.surfaces.contains(&Surface::Data) || self.flags.iter().any(|f| f.concerns_data())
    }

    /// Checks an impact from the wire: `impact-incomplete` for a missing text,
    /// `unknown-dependency` for a dependency outside the playbook's catalogue,
    /// length limits. `None` if anything is broken.
    pub(crate) fn check(
        report: &mut Violations,
        path: &str,
        input: Option<&ImpactInput>,
        playbook: &Playbook,
    ) -> Option<Impact> {
        let Some(input) = input else {
            report.push(
                Rule::ImpactIncomplete,
                path,
                "confirm impact: affected environment, users and feature",
            );
            return None;
        };
        let environment = report.text::<ShortText, _>(
            &join(path, "environment"),
            input.environment.as_ref(),
            Rule::ImpactIncomplete,
        );
        let users = report.text::<ShortText, _>(
            &join(path, "users"),
            input.users.as_ref(),
            Rule::ImpactIncomplete,
        );
        let feature = report.text::<ShortText, _>(
            &join(path, "feature"),
            input.feature.as_ref(),
            Rule::ImpactIncomplete,
        );
        let active = input.user_impact_active.unwrap_or(true);
        check_end(report, path, input.started_at, input.ended_at, active);
        let flags = input.flags.clone().unwrap_or_default();
        let flags_ok = report.list_len(&join(path, "flags"), flags.len());
        let surfaces = input.surfaces.clone().unwrap_or_default();
        let surfaces_ok = report.list_len(&join(path, "surfaces"), surfaces.len());
        let endpoints = report.text_list::<ShortText, _>(
            &join(path, "affected_endpoints"),
            input.affected_endpoints.as_deref().unwrap_or_default(),
        );
        let deps_path = join(path, "affected_dependencies");
        let deps_in = input.affected_dependencies.as_deref().unwrap_or_default();
        let dependencies = report.text_list::<Name, _>(&deps_path, deps_in);
        let regions = report.text_list::<ShortText, _>(
            &join(path, "regions"),
            input.regions.as_deref().unwrap_or_default(),
        );
        // Each name is looked up even when it or another item is too long:
        // every rule that can judge it is reported. A list over its limit is
        // refused whole, its items not read, like every other list.
        let listed = deps_in.len() <= crate::text::MAX_LIST;
        for (i, d) in deps_in.iter().enumerate().filter(|_| listed) {
            if !crate::text::is_blank(d) {
                playbook.check_known(report, &index(&deps_path, i), d);
            }
        }
        let (lost, measured_drop) = measures(report, path, input);
        Some(Impact {
            environment: environment?,
            users: users?,
            feature: feature?,
            started_at: input.started_at,
            user_impact_active: active,
            ended_at: input.ended_at,
            flags: flags_ok.then_some(flags)?,
            surfaces: surfaces_ok.then_some(surfaces)?,
            affected_endpoints: endpoints?,
            affected_dependencies: dependencies?,
            regions: regions?,
            affected: input.affected.unwrap_or_default(),
            lost: lost?,
            measured_drop: measured_drop?,
        })
    }
}

/// The impact's `lost` and `measured_drop`, each optional and, when given,
/// a valid short text (`field-empty`, `field-too-long`); `None` for a part
/// that breaks a rule.
fn measures(
    report: &mut Violations,
    path: &str,
    input: &ImpactInput,
) -> (Option<Option<ShortText>>, Option<Option<MeasuredDrop>>) {
    let lost = report.optional_text::<ShortText, _>(&join(path, "lost"), input.lost.as_ref());
    let drop = match &input.measured_drop {
        None => Some(None),
        Some(d) => {
            let of_path = join(&join(path, "measured_drop"), "of");
            report
                .text::<ShortText, _>(&of_path, d.of.as_ref(), Rule::FieldEmpty)
                .map(|of| Some(MeasuredDrop::new(d.percent, of)))
        }
    };
    (lost, drop)
}

/// `severity-below-floor`: `severity` is at least the floor of `flags`.
/// `path` is the field to blame: the severity, or the flags when they changed.
pub(crate) fn check_floor(
    report: &mut Violations,
    path: &str,
    flags: &[ImpactFlag],
    severity: Severity,
) {
    let floor = ImpactFlag::floor_of(flags);
    if !severity.is_at_least(floor) {
        let flags: Vec<&str> = flags
            .iter()
            .filter(|f| f.floor() == floor)
            .map(|f| f.as_str())
            .collect();
        report.push(
            Rule::SeverityBelowFloor,
            path,
            format!(
                "{} makes this at least {floor}, not {severity}",
                flags.join(", ")
            ),
        );
    }
}

/// `occurred-after-recorded` for the impact at `path`: users were hit no
/// later than the command (`recorded`) that says so. The start may be after
/// the declaration: the first sign can come hours before users are hit.
pub(crate) fn check_start(
    report: &mut Violations,
    path: &str,
    started_at: Timestamp,
    recorded: Timestamp,
) {
    crate::notes::check_true_time(report, &join(path, "started_at"), started_at, recorded);
}

/// `impact-ended-while-active`, `impact-ended-before-started`: an end goes
/// with an impact no longer active, and not before its start.
fn check_end(
    report: &mut Violations,
    path: &str,
    started_at: Option<Timestamp>,
    ended_at: Option<Timestamp>,
    active: bool,
) {
    let Some(ended) = ended_at else { return };
    let at = join(path, "ended_at");
    if active {
        report.push(
            Rule::ImpactEndedWhileActive,
            &at,
            "an impact that ended is not active: set user_impact_active to false",
        );
    }
    if let Some(started) = started_at.filter(|s| ended < *s) {
        report.push(
            Rule::ImpactEndedBeforeStarted,
            &at,
            format!("{ended} is before the impact started ({started})"),
        );
    }
}

impl ImpactInput {
    /// An impact with the three texts every one has: the environment, who
    /// is hurt and which feature.
    pub fn new(
        environment: impl Into<String>,
        users: impl Into<String>,
        feature: impl Into<String>,
    ) -> Self {
        ImpactInput {
            environment: Some(shared(environment)),
            users: Some(shared(users)),
            feature: Some(shared(feature)),
            ..ImpactInput::default()
        }
    }
}

setters!(ImpactInput {
    started_at(at: Timestamp) => at;
    user_impact_active(active: bool) => active;
    ended_at(at: Timestamp) => at;
    flags(flags: impl IntoIterator<Item = ImpactFlag>) => flags.into_iter().collect();
    surfaces(surfaces: impl IntoIterator<Item = Surface>) => surfaces.into_iter().collect();
    affected_endpoints(paths: impl IntoIterator<Item = impl Into<String>>) => texts(paths);
    affected_dependencies(names: impl IntoIterator<Item = impl Into<String>>) => texts(names);
    regions(regions: impl IntoIterator<Item = impl Into<String>>) => texts(regions);
    affected(counts: AffectedCounts) => counts;
    lost(what: impl Into<String>) => shared(what);
    measured_drop(drop: MeasuredDropInput) => drop;
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_back_only_within_the_list_limits() {
        let impact = |n: usize| {
            let flags = vec!["\"degraded_feature\""; n].join(",");
            format!(
                r#"{{"environment": "production", "users": "All", "feature": "Upload",
                "started_at": "2026-05-04T09:00:00Z", "user_impact_active": true,
                "flags": [{flags}], "surfaces": [], "affected_endpoints": [],
                "affected_dependencies": []}}"#
            )
        };
        use crate::text::MAX_LIST;
        assert!(serde_json::from_str::<Impact>(&impact(MAX_LIST)).is_ok());
        let err = serde_json::from_str::<Impact>(&impact(MAX_LIST + 1)).unwrap_err();
        assert!(err.to_string().contains("at most 1000"), "{err}");
    }
}
