//! What the record keeps beside the playbook's steps, as the report says it:
//! how far a restoration came, the corrections of the impact, the other
//! incidents linked, the fixes deployed, and the amendments after close.

use std::fmt;

use serde::Serialize;

use crate::incident::Incident;
use crate::incident::records::{Amendment, Fix, ImpactCorrection, Link, Progress};

/// The record's additions, each in the order recorded.
///
/// ```
/// use incident_playbook::{Playbook, Replay, report::IncidentReport};
/// let case = include_str!("../../../tests/conformance/cases/amendments-after-close.jsonl");
/// let mut replay = Replay::new(Playbook::default());
/// case.lines().for_each(|l| { replay.line(l); });
/// let incident = replay.incidents().iter().next().unwrap();
/// let report = IncidentReport::new(incident, &Playbook::default(), incident.last_command_at());
/// assert!(!report.record.amendments.is_empty());
/// assert!(report.to_string().contains("Amended after close"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RecordReport {
    /// Every `record_progress`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
    /// When and why the impact was corrected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub impact_corrections: Vec<ImpactCorrection>,
    /// The other incidents linked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// The fixes deployed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Fix>,
    /// Every command accepted after close.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
}

impl RecordReport {
    /// The record's additions of `incident`.
    pub fn of(incident: &Incident) -> RecordReport {
        RecordReport {
            progress: incident.progress().to_vec(),
            impact_corrections: incident.impact_corrections().to_vec(),
            links: incident.links().to_vec(),
            fixes: incident.fixes().to_vec(),
            amendments: incident.amendments().to_vec(),
        }
    }

    /// Whether the record has none of them.
    pub fn is_empty(&self) -> bool {
        *self == RecordReport::default()
    }
}

impl fmt::Display for RecordReport {
    /// The sections that have something, each a heading and its lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.progress.is_empty() {
            writeln!(f, "Progress")?;
            for p in &self.progress {
                writeln!(f, "  {p}")?;
            }
        }
        if !self.impact_corrections.is_empty() {
            writeln!(f, "Impact corrections (the impact above is as corrected)")?;
            for c in &self.impact_corrections {
                writeln!(f, "  corrected {}: {}", c.at, c.reason)?;
            }
        }
        if !self.links.is_empty() {
            writeln!(f, "Linked incidents")?;
            for l in &self.links {
                writeln!(f, "  {l}")?;
            }
        }
        if !self.fixes.is_empty() {
            writeln!(f, "Fixes")?;
            for x in &self.fixes {
                writeln!(f, "  {x}")?;
            }
        }
        if !self.amendments.is_empty() {
            writeln!(f, "Amended after close")?;
            for a in &self.amendments {
                writeln!(f, "  {a}")?;
            }
        }
        Ok(())
    }
}
