//! Severity levels, the floor that impact flags set, and what each level owes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::impact::ImpactFlag;

/// How bad an incident is. `SEV1` is the most severe.
///
/// The derived order runs from most to least severe (`Sev1 < Sev2`), so "at
/// least SEV2" is [`Severity::is_at_least`], not `>=`.
///
/// | Severity | Definition |
/// |---|---|
/// | SEV1 | Broad outage, active data exposure, data loss, or security incident |
/// | SEV2 | Major feature broken for many users or important environment blocked |
/// | SEV3 | Degraded feature, workaround exists, limited impact |
/// | SEV4 | Low-risk bug or docs/process issue |
///
/// ```
/// use incident_playbook::Severity;
/// assert!(Severity::Sev1.is_at_least(Severity::Sev2));
/// assert!(!Severity::Sev3.is_at_least(Severity::Sev2));
/// assert!(Severity::Sev2.requires_postmortem());
/// assert_eq!(Severity::Sev1.to_string(), "SEV1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Severity {
    /// Broad outage, active data exposure, data loss, or security incident.
    #[serde(rename = "SEV1")]
    Sev1,
    /// Major feature broken for many users or important environment blocked.
    #[serde(rename = "SEV2")]
    Sev2,
    /// Degraded feature, workaround exists, limited impact.
    #[serde(rename = "SEV3")]
    Sev3,
    /// Low-risk bug or docs/process issue.
    #[serde(rename = "SEV4")]
    Sev4,
}

impl Severity {
    /// Every level, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Sev1,
        Severity::Sev2,
        Severity::Sev3,
        Severity::Sev4,
    ];

    /// Whether `self` is as severe as `other` or more ("at least SEV2" is SEV1 or SEV2).
    pub fn is_at_least(self, other: Severity) -> bool {
        self <= other
    }

    /// The more severe of two levels.
    pub fn most_severe(self, other: Severity) -> Severity {
        self.min(other)
    }

    /// The least severe level the flags allow: `broad_outage`, `data_exposure`,
    /// `data_loss`, `security_incident` → SEV1; `major_feature_broken`,
    /// `environment_blocked` → SEV2; `degraded_feature` → SEV3; none → SEV4.
    ///
    /// ```
    /// use incident_playbook::{ImpactFlag, Severity};
    /// assert_eq!(Severity::floor(&[ImpactFlag::DegradedFeature, ImpactFlag::DataLoss]), Severity::Sev1);
    /// assert_eq!(Severity::floor(&[]), Severity::Sev4);
    /// ```
    pub fn floor(flags: &[ImpactFlag]) -> Severity {
        flags
            .iter()
            .map(|f| f.floor())
            .min()
            .unwrap_or(Severity::Sev4)
    }

    /// "SEV1 and SEV2 incidents require a postmortem."
    pub fn requires_postmortem(self) -> bool {
        self.is_at_least(Severity::Sev2)
    }

    /// SEV2: "incident notes required" (and SEV1, whose scribe keeps them).
    pub fn requires_notes(self) -> bool {
        self.is_at_least(Severity::Sev2)
    }

    /// "Check recent deploys, migrations, provider status, logs, and health
    /// endpoints" before resolving, for SEV1 and SEV2 *(reading)*.
    pub fn requires_triage_checks(self) -> bool {
        self.is_at_least(Severity::Sev2)
    }

    /// "SEV1 incidents need a named commander and scribe"; the engineering
    /// lead owns comms.
    pub fn requires_full_roles(self) -> bool {
        self == Severity::Sev1
    }

    /// The playbook's response column.
    pub fn response(self) -> &'static str {
        match self {
            Severity::Sev1 => {
                "Immediate mitigation, engineering lead owns comms, postmortem required"
            }
            Severity::Sev2 => "Same-day mitigation, incident notes required",
            Severity::Sev3 => "Prioritize in normal flow with clear owner",
            Severity::Sev4 => "Backlog or next cleanup pass",
        }
    }

    /// The wire name, `SEV1` … `SEV4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Sev1 => "SEV1",
            Severity::Sev2 => "SEV2",
            Severity::Sev3 => "SEV3",
            Severity::Sev4 => "SEV4",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("`{s}` is not a severity (SEV1, SEV2, SEV3, SEV4)"))
    }
}
