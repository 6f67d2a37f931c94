//! Mitigation options.
//!
//! > - Roll back to the previous container image tag.
//! > - Disable or bypass the failing optional dependency where product behavior allows it.
//! > - Revert a small configuration change.
//! > - Pause a rollout or promotion.
//! > - Temporarily block a risky endpoint only when the security or
//! >   data-integrity risk is higher than the availability impact.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::playbook::Playbook;
use crate::rule::{Rule, Violations, join};
use crate::text::{Name, ShortText, WireText, excerpt, judged};
use crate::time::Timestamp;
use crate::wire::shared;

crate::wire::wire_enum! {
    /// How much is at stake, `low` < `medium` < `high` < `critical`.
    #[derive(PartialOrd, Ord)]
    pub enum RiskLevel {
        /// Low.
        Low = "low",
        /// Medium.
        Medium = "medium",
        /// High.
        High = "high",
        /// Critical.
        Critical = "critical",
    }
}

/// A mitigation as sent on the wire, tagged by `kind`.
///
/// ```
/// use incident_playbook::MitigationInput;
/// let m: MitigationInput = serde_json::from_str(
///     r#"{"kind": "rollback_image", "from_tag": "2026.05.04-1", "to_tag": "2026.05.03-2"}"#).unwrap();
/// assert!(matches!(m, MitigationInput::RollbackImage { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum MitigationInput {
    /// Roll back to the previous container image tag.
    RollbackImage {
        /// The tag running now.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<ShortText>"
        )]
        from_tag: Option<Arc<str>>,
        /// The tag to go back to.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<ShortText>"
        )]
        to_tag: Option<Arc<str>>,
    },
    /// Disable or bypass a failing optional dependency.
    DisableDependency {
        /// The dependency, from the playbook's catalogue.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<Name>"
        )]
        dependency: Option<Arc<str>>,
    },
    /// Revert a small configuration change.
    RevertConfig {
        /// The change reverted.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<ShortText>"
        )]
        change: Option<Arc<str>>,
    },
    /// Pause a rollout or promotion.
    PauseRollout {
        /// The rollout paused.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<ShortText>"
        )]
        rollout: Option<Arc<str>>,
    },
    /// Temporarily block a risky endpoint.
    BlockEndpoint {
        /// The endpoint blocked.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<ShortText>"
        )]
        endpoint: Option<Arc<str>>,
        /// The security or data-integrity risk of leaving it open.
        security_risk: RiskLevel,
        /// The availability impact of blocking it.
        availability_impact: RiskLevel,
    },
    /// Anything else.
    Other {
        /// What was done.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "WireText::<ShortText>"
        )]
        description: Option<Arc<str>>,
    },
}

/// A mitigation the incident accepted.
// Built only by the crate, from a `MitigationInput` that passes the rules
// (the variants are `#[non_exhaustive]`: they can be matched, not built).
// Read back from JSON (in a snapshot) only if it passes the rules that need
// no context: see the `Deserialize` impl.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Mitigation {
    /// Roll back to the previous container image tag.
    #[non_exhaustive]
    RollbackImage {
        /// The tag that was running.
        from_tag: ShortText,
        /// The tag rolled back to (never the same).
        to_tag: ShortText,
    },
    /// Disable or bypass a failing optional dependency.
    #[non_exhaustive]
    DisableDependency {
        /// An optional dependency of the catalogue.
        dependency: Name,
    },
    /// Revert a small configuration change.
    #[non_exhaustive]
    RevertConfig {
        /// The change reverted.
        change: ShortText,
    },
    /// Pause a rollout or promotion.
    #[non_exhaustive]
    PauseRollout {
        /// The rollout paused.
        rollout: ShortText,
    },
    /// Temporarily block a risky endpoint.
    #[non_exhaustive]
    BlockEndpoint {
        /// The endpoint blocked.
        endpoint: ShortText,
        /// The security or data-integrity risk (above the availability impact).
        security_risk: RiskLevel,
        /// The availability impact of blocking.
        availability_impact: RiskLevel,
    },
    /// Anything else.
    #[non_exhaustive]
    Other {
        /// What was done.
        description: ShortText,
    },
}

/// `rollback-same-tag`: a rollback goes to another tag.
fn check_rollback(report: &mut Violations, path: &str, from: &str, to: &str) {
    if from == to {
        report.push(
            Rule::RollbackSameTag,
            &join(path, "to_tag"),
            format!(
                "a rollback goes to the previous tag, not to {} which is running now",
                excerpt(to, 200)
            ),
        );
    }
}

/// `block-endpoint-risk-not-higher`: block only when the risk outweighs the
/// availability impact.
fn check_block(report: &mut Violations, path: &str, security: RiskLevel, availability: RiskLevel) {
    if security <= availability {
        report.push(
            Rule::BlockEndpointRiskNotHigher,
            &join(path, "security_risk"),
            format!(
                "block an endpoint only when the security risk ({}) is higher than the availability impact ({})",
                security.as_str(),
                availability.as_str()
            ),
        );
    }
}

/// A [`Mitigation`] as written, before its rules are checked. (`remote`
/// makes serde build a `Mitigation` from it, and the compiler hold the two
/// to each other.)
#[derive(Deserialize)]
#[serde(
    remote = "Mitigation",
    tag = "kind",
    rename_all = "snake_case",
    deny_unknown_fields
)]
enum MitigationFields {
    RollbackImage {
        from_tag: ShortText,
        to_tag: ShortText,
    },
    DisableDependency {
        dependency: Name,
    },
    RevertConfig {
        change: ShortText,
    },
    PauseRollout {
        rollout: ShortText,
    },
    BlockEndpoint {
        endpoint: ShortText,
        security_risk: RiskLevel,
        availability_impact: RiskLevel,
    },
    Other {
        description: ShortText,
    },
}

impl<'de> Deserialize<'de> for Mitigation {
    /// The mitigation as written, if it passes the rules that need no
    /// context (which dependencies are optional is the playbook's to say).
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mitigation = MitigationFields::deserialize(deserializer)?;
        let mut report = Violations::new();
        match &mitigation {
            Mitigation::RollbackImage { from_tag, to_tag } => {
                check_rollback(&mut report, "", from_tag, to_tag)
            }
            Mitigation::BlockEndpoint {
                security_risk,
                availability_impact,
                ..
            } => check_block(&mut report, "", *security_risk, *availability_impact),
            Mitigation::DisableDependency { .. }
            | Mitigation::RevertConfig { .. }
            | Mitigation::PauseRollout { .. }
            | Mitigation::Other { .. } => {}
        }
        match report.into_rejection() {
            Some(rejection) => Err(serde::de::Error::custom(rejection)),
            None => Ok(mitigation),
        }
    }
}

impl Mitigation {
    /// The endpoint this mitigation blocks, if it blocks one.
    pub fn blocked_endpoint(&self) -> Option<&ShortText> {
        match self {
            Mitigation::BlockEndpoint { endpoint, .. } => Some(endpoint),
            _ => None,
        }
    }

    /// Whether it is a temporary measure, to be undone before the incident
    /// closes: a disabled or bypassed dependency, a paused rollout, a blocked
    /// endpoint. A rollback and a reverted change are where the service
    /// stays (a fix moves on from there); what `other` is, is not known.
    pub fn is_temporary(&self) -> bool {
        matches!(
            self,
            Mitigation::DisableDependency { .. }
                | Mitigation::PauseRollout { .. }
                | Mitigation::BlockEndpoint { .. }
        )
    }

    /// A one-line description for people.
    pub fn describe(&self) -> String {
        match self {
            Mitigation::RollbackImage { from_tag, to_tag } => {
                format!("roll back {from_tag} to {to_tag}")
            }
            Mitigation::DisableDependency { dependency } => format!("disable {dependency}"),
            Mitigation::RevertConfig { change } => format!("revert config: {change}"),
            Mitigation::PauseRollout { rollout } => format!("pause rollout {rollout}"),
            Mitigation::BlockEndpoint { endpoint, .. } => format!("block {endpoint}"),
            Mitigation::Other { description } => description.to_string(),
        }
    }

    /// Checks a mitigation from the wire against the rules and the playbook.
    pub(crate) fn check(
        report: &mut Violations,
        path: &str,
        input: &MitigationInput,
        playbook: &Playbook,
    ) -> Option<Mitigation> {
        let short = |report: &mut Violations, field: &str, v: &Option<Arc<str>>| {
            report.text::<ShortText, _>(&join(path, field), v.as_ref(), Rule::FieldEmpty)
        };
        match input {
            MitigationInput::RollbackImage { from_tag, to_tag } => {
                let from = short(report, "from_tag", from_tag);
                let to = short(report, "to_tag", to_tag);
                if let (Some(from), Some(to)) = (
                    judged(from.as_ref(), from_tag.as_deref()),
                    judged(to.as_ref(), to_tag.as_deref()),
                ) {
                    check_rollback(report, path, from, to);
                }
                Some(Mitigation::RollbackImage {
                    from_tag: from?,
                    to_tag: to?,
                })
            }
            MitigationInput::DisableDependency { dependency } => {
                let p = join(path, "dependency");
                let checked = report.text::<Name, _>(&p, dependency.as_ref(), Rule::FieldEmpty);
                let name = judged(checked.as_ref(), dependency.as_deref())?;
                if let Some(dep) = playbook.check_known(report, &p, name)
                    && !dep.optional
                {
                    report.push(
                        Rule::DependencyNotOptional,
                        &p,
                        format!("{name} is required: product behaviour does not allow disabling or bypassing it"),
                    );
                }
                Some(Mitigation::DisableDependency {
                    dependency: checked?,
                })
            }
            MitigationInput::RevertConfig { change } => Some(Mitigation::RevertConfig {
                change: short(report, "change", change)?,
            }),
            MitigationInput::PauseRollout { rollout } => Some(Mitigation::PauseRollout {
                rollout: short(report, "rollout", rollout)?,
            }),
            MitigationInput::BlockEndpoint {
                endpoint,
                security_risk,
                availability_impact,
            } => {
                let endpoint = short(report, "endpoint", endpoint);
                check_block(report, path, *security_risk, *availability_impact);
                Some(Mitigation::BlockEndpoint {
                    endpoint: endpoint?,
                    security_risk: *security_risk,
                    availability_impact: *availability_impact,
                })
            }
            MitigationInput::Other { description } => Some(Mitigation::Other {
                description: short(report, "description", description)?,
            }),
        }
    }
}

crate::wire::wire_enum! {
    /// What a mitigation is for (`start_mitigation`'s `purpose`).
    ///
    /// ```
    /// use incident_playbook::state::MitigationPurpose;
    /// assert_eq!(MitigationPurpose::default(), MitigationPurpose::Relieve);
    /// ```
    #[derive(Default)]
    #[non_exhaustive]
    pub enum MitigationPurpose {
        /// Started to relieve users (the default).
        #[default]
        Relieve = "relieve",
        /// Stops the incident spreading or getting worse (pausing deploys, a
        /// lock) without relieving users: containment, not mitigation of
        /// the user impact.
        Contain = "contain",
    }
}

impl MitigationPurpose {
    /// Whether it is the default, `relieve` (left out of a snapshot).
    pub fn is_relieve(&self) -> bool {
        *self == MitigationPurpose::Relieve
    }
}

crate::wire::wire_enum! {
    /// How a mitigation went, as `end_mitigation` records it.
    #[non_exhaustive]
    pub enum MitigationOutcome {
        /// It reduced the impact.
        Helped = "helped",
        /// It changed nothing.
        NoEffect = "no_effect",
        /// It made the impact worse.
        MadeWorse = "made_worse",
        /// It relieved users in part or for a while (temporary relief).
        Partial = "partial",
        /// Nobody can say yet (or any more) what it did.
        Unknown = "unknown",
    }
}

impl MitigationOutcome {
    /// Whether it failed: no effect, or worse. A partial or unknown
    /// outcome is not a failure: it still counts as mitigating.
    pub fn failed(self) -> bool {
        matches!(
            self,
            MitigationOutcome::NoEffect | MitigationOutcome::MadeWorse
        )
    }
}

/// A change of a mitigation's outcome in hindsight (`revise_outcome`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct OutcomeRevision {
    /// When it was revised (the command's `at`).
    pub at: Timestamp,
    /// The outcome from then on.
    pub outcome: MitigationOutcome,
    /// Why: what hindsight showed.
    pub reason: ShortText,
    /// The outcome it replaced.
    pub previous: MitigationOutcome,
}

/// The end of a mitigation: when, and how it went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MitigationEnd {
    /// When it ended (the `at` of the command that ended it).
    pub at: Timestamp,
    /// How it went.
    pub outcome: MitigationOutcome,
    /// What was seen, if the sender said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<ShortText>,
    /// When it really ended, if the sender said (no later than `at`, not
    /// before the mitigation's true start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// Each revision of the outcome, oldest first; `outcome` is the latest.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::text::limited_list"
    )]
    pub revisions: Vec<OutcomeRevision>,
}

impl MitigationEnd {
    /// The true end: `occurred_at` if the sender said, else `at`.
    pub fn happened_at(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.at)
    }
}

/// A mitigation, when it started and, once it ended, how it went.
///
/// Mitigations are numbered in their incident from 1, in the order they
/// started: the first is number 1 (its position in
/// [`Incident::mitigations`](crate::Incident::mitigations) plus one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MitigationRecord {
    /// When it started (when it was recorded).
    pub at: Timestamp,
    /// When it really started, if the sender said (no later than `at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<Timestamp>,
    /// What it is.
    pub mitigation: Mitigation,
    /// What it is for: relief (the default, left out) or containment.
    #[serde(default, skip_serializing_if = "MitigationPurpose::is_relieve")]
    pub purpose: MitigationPurpose,
    /// Whether the sender said it is a temporary measure, to undo before
    /// closing (left out when not); the temporary kinds are so anyway
    /// ([`MitigationRecord::is_temporary`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub temporary: bool,
    /// How it ended; absent while it is in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<MitigationEnd>,
}

impl MitigationRecord {
    /// The true time it started: `occurred_at` if the sender said, else `at`.
    pub fn happened_at(&self) -> Timestamp {
        self.occurred_at.unwrap_or(self.at)
    }

    /// Whether it is still in effect (not ended).
    pub fn in_effect(&self) -> bool {
        self.ended.is_none()
    }

    /// Whether it counts as mitigating the impact (for the response
    /// targets and the time to mitigate): started to relieve users (not
    /// containment), and in effect or ended with an outcome that is no
    /// failure (`helped`, `partial`, `unknown`).
    pub fn counts(&self) -> bool {
        self.purpose.is_relieve() && self.ended.as_ref().is_none_or(|end| !end.outcome.failed())
    }

    /// Whether it is a temporary measure, undone before closing: one of the
    /// temporary kinds ([`Mitigation::is_temporary`]) or one the sender
    /// said is (`temporary: true`).
    pub fn is_temporary(&self) -> bool {
        self.temporary || self.mitigation.is_temporary()
    }

    /// The endpoint it blocks now: a block in effect.
    pub fn blocks(&self) -> Option<&ShortText> {
        self.mitigation
            .blocked_endpoint()
            .filter(|_| self.in_effect())
    }
}

/// The endpoints blocked now, each once, in the order their blocks started.
pub(crate) fn blocked_now(records: &[MitigationRecord]) -> Vec<ShortText> {
    let mut blocked: Vec<ShortText> = Vec::new();
    for endpoint in records.iter().filter_map(MitigationRecord::blocks) {
        if !blocked.contains(endpoint) {
            blocked.push(endpoint.clone());
        }
    }
    blocked
}

/// `no-such-mitigation`: the position and record of the mitigation
/// numbered `number` (from 1), if there is one.
fn find_numbered<'r>(
    report: &mut Violations,
    path: &str,
    records: &'r [MitigationRecord],
    number: u64,
) -> Option<(usize, &'r MitigationRecord)> {
    let found = usize::try_from(number)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| Some((i, records.get(i)?)));
    if found.is_none() {
        report.push(
            Rule::NoSuchMitigation,
            path,
            format!(
                "the incident has no mitigation {number}: its mitigations are numbered 1 to {}",
                records.len()
            ),
        );
    }
    found
}

/// `no-such-mitigation`, `mitigation-already-ended`: the position of the
/// mitigation numbered `number` (from 1), if it is one and still in effect.
pub(crate) fn check_end(
    report: &mut Violations,
    path: &str,
    records: &[MitigationRecord],
    number: u64,
) -> Option<usize> {
    let (i, record) = find_numbered(report, path, records, number)?;
    if record.in_effect() {
        return Some(i);
    }
    report.push(
        Rule::MitigationAlreadyEnded,
        path,
        format!(
            "mitigation {number} ({}) has ended already",
            record.mitigation.describe()
        ),
    );
    None
}

/// `no-such-mitigation`, `mitigation-not-ended`: the position of the
/// mitigation numbered `number` (from 1), if it is one and has ended (only
/// an ended mitigation has an outcome to revise).
pub(crate) fn check_ended(
    report: &mut Violations,
    path: &str,
    records: &[MitigationRecord],
    number: u64,
) -> Option<usize> {
    let (i, record) = find_numbered(report, path, records, number)?;
    if !record.in_effect() {
        return Some(i);
    }
    report.push(
        Rule::MitigationNotEnded,
        path,
        format!(
            "mitigation {number} ({}) is still in effect: end it (end_mitigation) with its outcome",
            record.mitigation.describe()
        ),
    );
    None
}

/// `ended-before-started`: a mitigation's true end (`occurred_at`) is not
/// before its true start.
pub(crate) fn check_end_time(
    report: &mut Violations,
    path: &str,
    record: &MitigationRecord,
    ended: Timestamp,
) {
    let started = record.happened_at();
    if ended < started {
        report.push(
            Rule::EndedBeforeStarted,
            path,
            format!("{ended} is before the mitigation started ({started})"),
        );
    }
}

/// `temporary-measure-in-effect`: a disabled dependency or a paused rollout
/// is ended before closing (blocks are `block-not-lifted`'s).
pub(crate) fn check_temporary_ended(
    report: &mut Violations,
    path: &str,
    records: &[MitigationRecord],
) {
    let open: Vec<String> = records
        .iter()
        .zip(1..)
        .filter(|(m, _)| {
            m.in_effect() && m.is_temporary() && m.mitigation.blocked_endpoint().is_none()
        })
        .map(|(m, n)| format!("{n} ({})", m.mitigation.describe()))
        .collect();
    if !open.is_empty() {
        report.push(
            Rule::TemporaryMeasureInEffect,
            path,
            format!(
                "end the temporary measures before closing: {}",
                open.join(", ")
            ),
        );
    }
}

impl MitigationInput {
    /// `rollback_image` from the tag running now to an earlier one.
    pub fn rollback_image(from_tag: impl Into<String>, to_tag: impl Into<String>) -> Self {
        MitigationInput::RollbackImage {
            from_tag: Some(shared(from_tag)),
            to_tag: Some(shared(to_tag)),
        }
    }
    /// `disable_dependency`, one from the playbook's catalogue.
    pub fn disable_dependency(dependency: impl Into<String>) -> Self {
        MitigationInput::DisableDependency {
            dependency: Some(shared(dependency)),
        }
    }
    /// `revert_config` of a small change.
    pub fn revert_config(change: impl Into<String>) -> Self {
        MitigationInput::RevertConfig {
            change: Some(shared(change)),
        }
    }
    /// `pause_rollout`.
    pub fn pause_rollout(rollout: impl Into<String>) -> Self {
        MitigationInput::PauseRollout {
            rollout: Some(shared(rollout)),
        }
    }
    /// `block_endpoint`, with the risk of leaving it open and the
    /// availability cost of blocking it.
    pub fn block_endpoint(
        endpoint: impl Into<String>,
        security_risk: RiskLevel,
        availability_impact: RiskLevel,
    ) -> Self {
        MitigationInput::BlockEndpoint {
            endpoint: Some(shared(endpoint)),
            security_risk,
            availability_impact,
        }
    }
    /// `other`: anything else, described.
    pub fn other(description: impl Into<String>) -> Self {
        MitigationInput::Other {
            description: Some(shared(description)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_back_only_within_the_rules_that_need_no_context() {
        let same = r#"{"kind": "rollback_image", "from_tag": "a", "to_tag": "a"}"#;
        let err = serde_json::from_str::<Mitigation>(same).unwrap_err();
        assert!(err.to_string().contains("rollback-same-tag"), "{err}");
        let low = r#"{"kind": "block_endpoint", "endpoint": "/x", "security_risk": "low", "availability_impact": "high"}"#;
        assert!(serde_json::from_str::<Mitigation>(low).is_err());
        let ok = r#"{"kind": "rollback_image", "from_tag": "a", "to_tag": "b"}"#;
        let m: Mitigation = serde_json::from_str(ok).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap().replace(' ', ""),
            ok.replace(' ', "")
        );
    }
}
