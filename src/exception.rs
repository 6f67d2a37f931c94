//! Exceptions: a verification check that did not pass, accepted at resolve
//! by the incident commander, with the reason.
//!
//! The playbook's verification assumes every check can pass; a real incident
//! may end with data lost for good or a reconciliation still pending. The
//! record then says so truthfully (the check stays `false`) and names who
//! accepted it and why. The commander decides, as the playbook's
//! "Incident commander: coordinates response, keeps scope clear, decides
//! mitigation path." has them decide.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::roles::Roles;
use crate::rule::{Rule, Violations, index, join};
use crate::text::{Name, ShortText, excerpt, judged};
use crate::time::Timestamp;
use crate::verification::CheckResult;
use crate::wire::shared;

/// An exception as a `resolve` sends it.
///
/// ```
/// use incident_playbook::ExceptionInput;
/// let e: ExceptionInput = serde_json::from_str(r#"{"check": "data.no_partial_delete",
///   "accepted_by": "Ada", "reason": "Six hours of rows are gone for good"}"#).unwrap();
/// assert_eq!(e.check.as_deref(), Some("data.no_partial_delete"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
// The texts are read by serde's own `Arc` impl (a copy more than
// `text::held_opt`): a `deserialize_with` field needs `default`, and that
// would drop the three from the schema's `required`. The checked texts
// still share them.
pub struct ExceptionInput {
    /// The check that did not pass, as `SECTION.KEY`: `health.live`,
    /// `endpoints./api/documents`, `frontend.login`, `data.no_partial_delete`,
    /// `dependencies.Blob Storage`.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub check: Option<Arc<str>>,
    /// Who accepts it: the incident commander (`exception-not-by-commander`).
    #[cfg_attr(feature = "schema", schemars(with = "Name"))]
    pub accepted_by: Option<Arc<str>>,
    /// Why it is accepted.
    #[cfg_attr(feature = "schema", schemars(with = "ShortText"))]
    pub reason: Option<Arc<str>>,
}

/// A failing verification check accepted at a `resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptedException {
    at: Timestamp,
    check: ShortText,
    accepted_by: Name,
    reason: ShortText,
}

impl AcceptedException {
    /// When it was accepted (the `resolve`'s time).
    pub fn at(&self) -> Timestamp {
        self.at
    }
    /// The check, as `SECTION.KEY` (`data.no_partial_delete`).
    pub fn check(&self) -> &ShortText {
        &self.check
    }
    /// Who accepted it: the commander at the time.
    pub fn accepted_by(&self) -> &Name {
        &self.accepted_by
    }
    /// Why.
    pub fn reason(&self) -> &ShortText {
        &self.reason
    }
}

/// Checks the exceptions of a `resolve` at `at` against the verification's
/// `results` and the incident's `roles`: `exception-unknown-check`,
/// `exception-for-passing-check`, `exception-not-by-commander`, and the texts.
pub(crate) fn check(
    report: &mut Violations,
    path: &str,
    inputs: &[ExceptionInput],
    at: Timestamp,
    (results, roles): (&[CheckResult<'_>], &Roles),
) -> Option<Vec<AcceptedException>> {
    if !report.list_len(path, inputs.len()) {
        return None;
    }
    let mut accepted = Some(Vec::with_capacity(inputs.len()));
    for (i, input) in inputs.iter().enumerate() {
        let one = check_one(report, &index(path, i), input, at, (results, roles));
        match (one, accepted.as_mut()) {
            (Some(e), Some(list)) => list.push(e),
            _ => accepted = None,
        }
    }
    accepted
}

fn check_one(
    report: &mut Violations,
    path: &str,
    input: &ExceptionInput,
    at: Timestamp,
    (results, roles): (&[CheckResult<'_>], &Roles),
) -> Option<AcceptedException> {
    let check_path = join(path, "check");
    let check = report.text::<ShortText, _>(&check_path, input.check.as_ref(), Rule::FieldEmpty);
    // An overlong value is still judged by the rules that can.
    if let Some(name) = judged(check.as_ref(), input.check.as_deref()) {
        match results.iter().find(|r| r.is_named(name)) {
            None => report.push(
                Rule::ExceptionUnknownCheck,
                &check_path,
                format!(
                    "`{}` is not a check of the verification this incident demands",
                    excerpt(name, 200)
                ),
            ),
            Some(r) if r.passed => report.push(
                Rule::ExceptionForPassingCheck,
                &check_path,
                format!("`{name}` passed: there is nothing to accept"),
            ),
            Some(_) => {}
        }
    }
    let by_path = join(path, "accepted_by");
    let by = report.text::<Name, _>(&by_path, input.accepted_by.as_ref(), Rule::FieldEmpty);
    if let Some(by) = judged(by.as_ref(), input.accepted_by.as_deref())
        .filter(|by| *by != roles.commander().as_str())
    {
        report.push(
            Rule::ExceptionNotByCommander,
            &by_path,
            format!(
                "only the incident commander ({}) accepts a failing check, not {}",
                roles.commander(),
                excerpt(by, 200)
            ),
        );
    }
    let reason = report.text::<ShortText, _>(
        &join(path, "reason"),
        input.reason.as_ref(),
        Rule::FieldEmpty,
    );
    Some(AcceptedException {
        at,
        check: check?,
        accepted_by: by?,
        reason: reason?,
    })
}

impl ExceptionInput {
    /// A verification check (`SECTION.KEY`) not passed, accepted by
    /// someone, for a reason.
    pub fn new(
        check: impl Into<String>,
        accepted_by: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        ExceptionInput {
            check: Some(shared(check)),
            accepted_by: Some(shared(accepted_by)),
            reason: Some(shared(reason)),
        }
    }
}
