//! A broken rule found in a text people wrote (a comms update, a Markdown
//! postmortem), at the line where it is: what readers of hand-written text
//! report, so that the writer can find the place to fix.

use std::fmt;

use serde::Serialize;

use crate::rule::{Rule, Violation};

/// A violation at the 1-based line of a text, where it is on one line.
///
/// Displayed `line N: <violation>` (the violation alone without a line);
/// serialized as the violation's fields plus `line` when there is one.
///
/// ```
/// use incident_playbook::{Finding, Rule, Violation};
/// let f = Finding::new(Some(3), Violation::new(Rule::FieldEmpty, "`Impact:` is blank", Some("impact")));
/// assert_eq!(f.line(), Some(3));
/// assert_eq!(f.rule(), Rule::FieldEmpty);
/// assert!(f.to_string().starts_with("line 3: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// The 1-based line of the text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The broken rule, why, and the JSON path of the part.
    #[serde(flatten)]
    pub violation: Violation,
}

impl Finding {
    /// A violation at `line`.
    pub fn new(line: Option<usize>, violation: Violation) -> Self {
        Finding { line, violation }
    }
    /// The 1-based line of the text, where the violation is on one line.
    pub fn line(&self) -> Option<usize> {
        self.line
    }
    /// The broken rule (`malformed-input` for text that is not the format).
    pub fn rule(&self) -> Rule {
        self.violation.rule()
    }
    /// The violation, with the JSON path of the part.
    pub fn violation(&self) -> &Violation {
        &self.violation
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        write!(f, "{}", self.violation)
    }
}

/// The first 64 characters of what someone typed, for a finding's message:
/// quoting a whole megabyte line back would bury the finding.
pub(crate) fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(64).collect();
    if s.chars().nth(64).is_some() {
        out.push('…');
    }
    out
}
