//! What a run found in its input, and the exit code that says it: one
//! policy for [`Replay::exit_code`](crate::Replay::exit_code) and every
//! subcommand of the `incident` CLI.

use crate::rule::Rule;

/// What a run found in its input, worst last: the order is the policy's
/// "2 wins" (a malformed input outweighs any number of broken rules).
///
/// ```
/// use incident_playbook::{Rule, Verdict};
/// let found = [Verdict::refused(Rule::NotesRequired), Verdict::refused(Rule::MalformedInput)];
/// assert_eq!(Verdict::worst(found), Verdict::Malformed);
/// assert_eq!(Verdict::worst(found).exit_code(), 2);
/// assert_eq!(Verdict::worst([]).exit_code(), 0);
/// ```
// Deliberately exhaustive: a new verdict would be a new exit code, a change
// of the CLI's contract.
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

    /// The exit code that says it: `0` all accepted, `1` an input broke a
    /// rule, `2` an input was malformed.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Accepted => 0,
            Verdict::Broken => 1,
            Verdict::Malformed => 2,
        }
    }
}
