//! One incident: declared, judged and moved by commands under its playbook,
//! and read back as a snapshot, blockers, the next update due and the
//! renderings people read.

use incident_playbook::command::CommandKind;
use incident_playbook::postmortem::Postmortem;
use incident_playbook::report::{IncidentReport, PhaseSpan};
use incident_playbook::state::Audience;
use incident_playbook::{Incident, Playbook, Snapshot};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::convert::{json_text, timestamp, to_python};
use crate::playbook::{PyPlaybook, or_default};
use crate::rejected::{PyViolation, rejected};

/// An incident under a playbook (the one it was declared or loaded under).
#[pyclass(name = "Incident", module = "incident_playbook")]
pub struct PyIncident {
    incident: Incident,
    playbook: Playbook,
}

#[pymethods]
impl PyIncident {
    /// Opens an incident with a `declare` command (a dict or a JSON string).
    #[staticmethod]
    #[pyo3(signature = (command, playbook=None))]
    fn declare(command: &Bound<'_, PyAny>, playbook: Option<&PyPlaybook>) -> PyResult<Self> {
        let playbook = or_default(playbook);
        let cmd = crate::convert::command(command)?;
        let incident = Incident::declare(cmd, &playbook)
            .map_err(|r| rejected(command.py(), r.into_violations()))?;
        Ok(PyIncident { incident, playbook })
    }

    /// An incident from a stored snapshot (a dict or a JSON string): its
    /// history is replayed under the same rules, so an edited snapshot is
    /// refused (`snapshot-history-mismatch`, or the rule its history breaks).
    #[staticmethod]
    #[pyo3(signature = (snapshot, playbook=None))]
    fn load(snapshot: &Bound<'_, PyAny>, playbook: Option<&PyPlaybook>) -> PyResult<Self> {
        let playbook = or_default(playbook);
        let text = json_text(snapshot, "a snapshot")?;
        let state: Snapshot = serde_json::from_str(&text)
            .map_err(|e| PyValueError::new_err(format!("not a snapshot: {e}")))?;
        let incident = Incident::load(state, &playbook)
            .map_err(|r| rejected(snapshot.py(), r.into_violations()))?;
        Ok(PyIncident { incident, playbook })
    }

    /// What `command` would do, changing nothing: `{"outcome": "applied"
    /// | "duplicate", "version": N}`, or `Rejected` with every rule broken.
    fn decide<'py>(&self, command: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let cmd = crate::convert::command(command)?;
        let decision = self
            .incident
            .decide(&cmd, &self.playbook)
            .map_err(|r| rejected(command.py(), r.into_violations()))?;
        to_python(command.py(), &decision.outcome())
    }

    /// Applies `command` if it breaks no rule: the outcome, as `decide`
    /// gives it; `Rejected` (the incident unchanged) if it breaks any.
    fn handle<'py>(&mut self, command: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let cmd = crate::convert::command(command)?;
        let outcome = self
            .incident
            .handle(cmd, &self.playbook)
            .map_err(|r| rejected(command.py(), r.into_violations()))?;
        to_python(command.py(), &outcome)
    }

    /// The snapshot as a dict: what `incident replay --format json` lists
    /// under `incidents`, and what `Incident.load` reads back.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.incident)
    }

    /// The rules a `kind` command (`"resolve"`, `"close"`, …) sent now
    /// would break whatever it carried; empty when only its own body can.
    fn blockers(&self, kind: &str) -> PyResult<Vec<PyViolation>> {
        let kind = command_kind(kind)?;
        Ok(self
            .incident
            .blockers(kind)
            .iter()
            .map(PyViolation::from)
            .collect())
    }

    /// The verification checks a `resolve` must carry (`health.live`,
    /// `endpoints./api/documents`, …), by their `SECTION.KEY` names.
    fn resolve_evidence(&self) -> Vec<String> {
        self.incident.resolve_evidence(&self.playbook)
    }

    /// When the last update promised the next one (a UTC `datetime`);
    /// `None` once resolved or closed.
    fn next_update_due(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.incident.next_update_due().map(|t| t.as_datetime())
    }

    // The renderings: what people read, from the same types as the CLI's.

    /// Every comms update in the playbook's six-line format, oldest first;
    /// only those for `audience` (`"internal"` or `"public"`) if given.
    #[pyo3(signature = (audience=None))]
    fn updates(&self, audience: Option<&str>) -> PyResult<Vec<String>> {
        let audience = audience.map(audience_named).transpose()?;
        Ok(self
            .incident
            .updates()
            .filter(|u| audience.is_none_or(|a| u.audience() == a))
            .map(|u| u.to_string())
            .collect())
    }

    /// How the response went as of `now` (an RFC 3339 string or an aware
    /// `datetime`), as one entry of `incident report --format json`'s
    /// `reports`; `None` if the incident was declared after `now`.
    fn report<'py>(
        &self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let now = timestamp(now)?;
        IncidentReport::as_of(&self.incident, &self.playbook, now)
            .map(|r| to_python(py, &r))
            .transpose()
    }

    /// The same report as `incident report` prints it for people.
    fn report_text(&self, now: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
        let now = timestamp(now)?;
        Ok(IncidentReport::as_of(&self.incident, &self.playbook, now).map(|r| r.to_string()))
    }

    /// The submitted postmortem as Markdown (`incident render postmortems`),
    /// or `None` before one is submitted.
    fn postmortem(&self) -> Option<String> {
        let phases = PhaseSpan::of(&self.incident);
        self.incident
            .postmortem()
            .map(|p| p.to_markdown_with_phases(&phases))
    }

    /// A first draft of the postmortem from the history, as Markdown
    /// (`incident render postmortems --draft`).
    fn postmortem_draft(&self) -> String {
        let phases = PhaseSpan::of(&self.incident);
        Postmortem::draft_from(&self.incident).to_markdown_with_phases(&phases)
    }

    // The short reads, as properties.

    /// The incident id.
    #[getter]
    fn id(&self) -> String {
        self.incident.id().to_string()
    }

    /// How many commands were applied.
    #[getter]
    fn version(&self) -> u64 {
        self.incident.version()
    }

    /// `investigating`, `mitigating`, `monitoring`, `resolved` or `closed`.
    #[getter]
    fn phase(&self) -> String {
        self.incident.phase().to_string()
    }

    /// `SEV1` … `SEV4`.
    #[getter]
    fn severity(&self) -> String {
        self.incident.severity().to_string()
    }

    /// The title.
    #[getter]
    fn title(&self) -> String {
        self.incident.title().to_string()
    }

    /// The playbook the incident is judged under.
    #[getter]
    fn playbook(&self) -> PyPlaybook {
        PyPlaybook {
            inner: self.playbook.clone(),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Incident(id={:?}, {} {}, version {})",
            self.id(),
            self.severity(),
            self.phase(),
            self.version()
        )
    }
}

/// The command type named `name`, as the wire's `type` names it.
fn command_kind(name: &str) -> PyResult<CommandKind> {
    CommandKind::ALL
        .into_iter()
        .find(|k| k.as_str() == name)
        .ok_or_else(|| {
            let known: Vec<&str> = CommandKind::ALL.iter().map(|k| k.as_str()).collect();
            PyValueError::new_err(format!(
                "unknown command type {name:?}; the types are {}",
                known.join(", ")
            ))
        })
}

/// The audience named `name`.
fn audience_named(name: &str) -> PyResult<Audience> {
    match name {
        "internal" => Ok(Audience::Internal),
        "public" => Ok(Audience::Public),
        _ => Err(PyValueError::new_err(format!(
            "unknown audience {name:?}; the audiences are internal, public"
        ))),
    }
}
