//! Severity levels and what each level owes.

use crate::time::Timestamp;
use crate::time_zone::UtcOffset;

crate::wire::wire_enum! {
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
    #[derive(PartialOrd, Ord)]
    pub enum Severity: FromStr = UnknownSeverity {
        /// Broad outage, active data exposure, data loss, or security incident.
        Sev1 = "SEV1",
        /// Major feature broken for many users or important environment blocked.
        Sev2 = "SEV2",
        /// Degraded feature, workaround exists, limited impact.
        Sev3 = "SEV3",
        /// Low-risk bug or docs/process issue.
        Sev4 = "SEV4",
    }
}

impl Severity {
    /// Whether `self` is as severe as `other` or more ("at least SEV2" is SEV1 or SEV2).
    pub fn is_at_least(self, other: Severity) -> bool {
        self <= other
    }

    /// The more severe of two levels.
    pub fn most_severe(self, other: Severity) -> Severity {
        self.min(other)
    }

    /// What this level owes, as one table: the roles it needs, what
    /// resolving and closing demand, and its response target.
    ///
    /// The rules read their duties here, so a change of the playbook's
    /// severity table is a change of this one function.
    ///
    /// ```
    /// use incident_playbook::{ResponseTarget, Severity};
    /// let sev2 = Severity::Sev2.duties();
    /// assert!(sev2.postmortem && sev2.notes && sev2.triage_checks);
    /// assert!(!sev2.full_roles);
    /// assert_eq!(sev2.response_target, Some(ResponseTarget::SameDay));
    /// assert_eq!(Severity::Sev3.duties().response_target, None);
    /// ```
    pub const fn duties(self) -> Duties {
        match self {
            Severity::Sev1 => Duties {
                full_roles: true,
                postmortem: true,
                notes: true,
                triage_checks: true,
                response_target: Some(ResponseTarget::Immediate),
            },
            Severity::Sev2 => Duties {
                full_roles: false,
                postmortem: true,
                notes: true,
                triage_checks: true,
                response_target: Some(ResponseTarget::SameDay),
            },
            Severity::Sev3 | Severity::Sev4 => Duties {
                full_roles: false,
                postmortem: false,
                notes: false,
                triage_checks: false,
                response_target: None,
            },
        }
    }

    /// "SEV1 and SEV2 incidents require a postmortem."
    pub fn requires_postmortem(self) -> bool {
        self.duties().postmortem
    }

    /// SEV2: "incident notes required" (and SEV1, whose scribe keeps them).
    pub fn requires_notes(self) -> bool {
        self.duties().notes
    }

    /// "Check recent deploys, migrations, provider status, logs, and health
    /// endpoints" before resolving, for SEV1 and SEV2 *(reading)*.
    pub fn requires_triage_checks(self) -> bool {
        self.duties().triage_checks
    }

    /// "SEV1 incidents need a named commander and scribe"; the engineering
    /// lead owns comms.
    pub fn requires_full_roles(self) -> bool {
        self.duties().full_roles
    }

    /// The time target of the playbook's response column, if the level has one.
    ///
    /// ```
    /// use incident_playbook::{ResponseTarget, Severity};
    /// assert_eq!(Severity::Sev1.response_target(), Some(ResponseTarget::Immediate));
    /// assert_eq!(Severity::Sev4.response_target(), None);
    /// ```
    pub fn response_target(self) -> Option<ResponseTarget> {
        self.duties().response_target
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
}

/// A string that is not a severity's wire name (`SEV1` … `SEV4`).
///
/// ```
/// use incident_playbook::{Severity, UnknownSeverity};
/// assert_eq!("SEV2".parse::<Severity>(), Ok(Severity::Sev2));
/// let err: UnknownSeverity = "sev2".parse::<Severity>().unwrap_err();
/// assert_eq!(err.to_string(), "`sev2` is not a severity (SEV1, SEV2, SEV3, SEV4)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a severity (SEV1, SEV2, SEV3, SEV4)")]
pub struct UnknownSeverity(pub String);

/// What a severity owes: one row of the playbook's severity table, as
/// [`Severity::duties`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Duties {
    /// A scribe other than the commander, and the engineering lead as
    /// communications owner (`sev1-needs-scribe`, `sev1-scribe-not-commander`,
    /// `sev1-comms-by-engineering-lead`).
    pub full_roles: bool,
    /// Closing needs a published postmortem (`postmortem-required`).
    pub postmortem: bool,
    /// Resolving needs incident notes (`notes-required`).
    pub notes: bool,
    /// Resolving needs all five triage checks (`triage-checks-missing`).
    pub triage_checks: bool,
    /// The time target of the response column, if any.
    pub response_target: Option<ResponseTarget>,
}

/// The time target of a severity's response: by when, counted from the
/// moment the incident reached that severity, a mitigation should start.
///
/// ```
/// use incident_playbook::{ResponseTarget, Timestamp, UtcOffset};
/// let since: Timestamp = "2026-05-04T09:05:00Z".parse().unwrap();
/// let utc = UtcOffset::UTC;
/// let immediate = ResponseTarget::Immediate;
/// assert_eq!(immediate.deadline(since, utc).to_string(), "2026-05-04T09:20:00Z");
/// // 15:00 exactly is in time; the end of the day is the next day.
/// assert!(immediate.met_by(since, "2026-05-04T09:20:00Z".parse().unwrap(), utc));
/// let same_day = ResponseTarget::SameDay;
/// assert!(same_day.met_by(since, "2026-05-04T23:59:59Z".parse().unwrap(), utc));
/// assert!(!same_day.met_by(since, "2026-05-05T00:00:00Z".parse().unwrap(), utc));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResponseTarget {
    /// SEV1, "immediate mitigation": a mitigation started within
    /// [`ResponseTarget::IMMEDIATE_MINUTES`] minutes (the last minute included).
    Immediate,
    /// SEV2, "same-day mitigation": a mitigation started before the day ends
    /// in the playbook's time zone.
    SameDay,
}

impl ResponseTarget {
    /// The minutes an immediate mitigation may take.
    pub const IMMEDIATE_MINUTES: i64 = 15;

    /// The target in words, as reports print it.
    pub fn description(self) -> &'static str {
        match self {
            ResponseTarget::Immediate => "mitigation started within 15 minutes",
            ResponseTarget::SameDay => "mitigation started the same day (playbook time zone)",
        }
    }

    /// The deadline for a severity reached at `since`, the day boundary taken
    /// in `zone`. For [`ResponseTarget::SameDay`] it is the end of the day,
    /// which is already the next day: see [`ResponseTarget::met_by`].
    pub fn deadline(self, since: Timestamp, zone: UtcOffset) -> Timestamp {
        match self {
            ResponseTarget::Immediate => Timestamp::from(
                since.as_datetime() + chrono::Duration::minutes(Self::IMMEDIATE_MINUTES),
            ),
            ResponseTarget::SameDay => zone.end_of_day(since),
        }
    }

    /// Whether a mitigation started at `mitigated_at` meets the target for a
    /// severity reached at `since`.
    pub fn met_by(self, since: Timestamp, mitigated_at: Timestamp, zone: UtcOffset) -> bool {
        let deadline = self.deadline(since, zone);
        match self {
            ResponseTarget::Immediate => mitigated_at <= deadline,
            ResponseTarget::SameDay => mitigated_at < deadline,
        }
    }
}
