//! Checking a postmortem kept as Markdown, with line numbers: what
//! `incident lint-postmortem` reports, for teams that keep postmortems in a
//! docs repository and check them in CI.

use crate::finding::Finding;
use crate::postmortem::{Postmortem, PostmortemInput};
use crate::rule::{Rejection, Violations};
use crate::severity::Severity;
use crate::time::Date;
use chrono::NaiveDate;

/// One broken rule in a Markdown postmortem, at its line where there is
/// one: a [`Finding`]. The name stays for existing callers; new code names
/// [`Finding`].
pub type LintFinding = Finding;

/// Checks a postmortem written in the template's shape against the
/// postmortem rules: `postmortem-incomplete` (for a published one),
/// `postmortem-severity-mismatch` (against `peak`, if given; without it the
/// document only has to name a severity), `postmortem-timeline-unordered`,
/// `action-item-incomplete`, `guardrail-action-missing`, the length rules,
/// and `malformed-input` for what cannot be read.
///
/// `action-item-due-before-incident` reads the incident's day as the day
/// (UTC) of the earliest timeline entry; without a timeline it is not checked.
///
/// Findings come in line order (those without a line last).
///
/// ```
/// use incident_playbook::{Rule, Severity, postmortem::lint_postmortem};
/// let md = "# Postmortem: Uploads failing\n\nDate: 2026-05-05\n\nSeverity: SEV2\n\n\
///   Owners: Ada\n\nStatus: draft\n\nMissing guardrail: yes\n\n## Timeline\n\n\
///   | Time (UTC) | Event |\n|---|---|\n| 2026-05-04T09:20:00Z | Rollback |\n\
///   | 2026-05-04T09:05:00Z | Declared |\n\n## Action Items\n\n\
///   | Action | Owner | Due | Status |\n|---|---|---|---|\n| Add a smoke test | | 2026-05-20 | open |\n";
/// let findings = lint_postmortem(md, Some(Severity::Sev1));
/// let got: Vec<(Option<usize>, Rule)> = findings.iter().map(|f| (f.line, f.violation.rule())).collect();
/// assert_eq!(got, [
///     (Some(5), Rule::PostmortemSeverityMismatch),
///     (Some(18), Rule::PostmortemTimelineUnordered),
///     (Some(20), Rule::GuardrailActionMissing),
///     (Some(24), Rule::ActionItemIncomplete),
/// ]);
/// ```
pub fn lint_postmortem(markdown: &str, peak: Option<Severity>) -> Vec<Finding> {
    let read = PostmortemInput::from_markdown(markdown);
    let mut findings = read.problems.clone();
    let declared_on = read
        .input
        .timeline
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|e| e.at.date())
        .min()
        .unwrap_or(Date::from(NaiveDate::MIN));
    let mut report = Violations::new();
    Postmortem::check_against(&mut report, "", &read.input, peak, declared_on);
    for v in report
        .into_rejection()
        .map(Rejection::into_violations)
        .unwrap_or_default()
    {
        findings.push(Finding::new(v.path().and_then(|p| read.line_of(p)), v));
    }
    findings.sort_by_key(|f| f.line.unwrap_or(usize::MAX));
    findings
}
