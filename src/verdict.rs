//! What a run found in its input: accepted, a rule broken, or malformed.
//! The `incident` CLI maps it to its exit codes; a library user reads it to
//! tell a refusal by the rules from input that could not be read at all.

use crate::rule::Rule;

/// What a run found in its input, worst last: a malformed input outweighs
/// any number of broken rules.
///
/// ```
/// use incident_playbook::{Rule, Verdict};
/// let found = [Verdict::refused(Rule::NotesRequired), Verdict::refused(Rule::MalformedInput)];
/// assert_eq!(Verdict::worst(found), Verdict::Malformed);
/// assert_eq!(Verdict::worst([]), Verdict::Accepted);
/// ```
// Deliberately exhaustive: a new verdict would be a new exit code of the
// CLI, a change of its contract.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Everything accepted.
    #[default]
    Accepted,
    /// An input broke a rule.
    Broken,
    /// An input was malformed.
    Malformed,
}

impl Verdict {
    /// The verdict on one input refused, `rule` first.
    pub fn refused(rule: Rule) -> Self {
        if rule == Rule::MalformedInput {
            Verdict::Malformed
        } else {
            Verdict::Broken
        }
    }

    /// The worst of several verdicts; accepted when there are none.
    pub fn worst(verdicts: impl IntoIterator<Item = Verdict>) -> Self {
        verdicts.into_iter().max().unwrap_or_default()
    }
}
