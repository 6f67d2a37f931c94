//! The playbook (the seed one, or one read from JSON) and the JSON Schemas
//! of the contract.

use incident_playbook::{Playbook, schema as schemas_of};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{json_text, to_python};

/// The playbook commands are judged under: its dependency catalogue, health
/// endpoints and permissions. `Playbook()` is the seed playbook.
#[pyclass(
    name = "Playbook",
    module = "incident_playbook",
    frozen,
    from_py_object
)]
#[derive(Clone, Default)]
pub struct PyPlaybook {
    pub inner: Playbook,
}

#[pymethods]
impl PyPlaybook {
    #[new]
    fn new() -> Self {
        PyPlaybook::default()
    }

    /// A playbook document (`schema("playbook")`), as a JSON string or a
    /// dict, as `incident replay --playbook FILE` reads it.
    #[staticmethod]
    fn from_json(document: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(document, "a playbook")?;
        serde_json::from_str(&text)
            .map(|inner| PyPlaybook { inner })
            .map_err(|e| PyValueError::new_err(format!("not a playbook document: {e}")))
    }

    /// The playbook document, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }

    /// The playbook's id, if its document names one.
    #[getter]
    fn id(&self) -> Option<String> {
        self.inner.id().map(ToString::to_string)
    }

    fn __repr__(&self) -> String {
        match self.inner.id() {
            Some(id) => format!("Playbook(id={:?})", id.to_string()),
            None => "Playbook()".to_owned(),
        }
    }
}

/// The playbook given, or the seed playbook.
pub fn or_default(playbook: Option<&PyPlaybook>) -> Playbook {
    playbook.map(|p| p.inner.clone()).unwrap_or_default()
}

/// The JSON Schema named `name` (`command`, `snapshot`, `replay-output`, …),
/// as `incident schema NAME` prints it.
#[pyfunction]
pub fn schema<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let Some(named) = schemas_of::by_name(name) else {
        let known: Vec<&str> = schemas_of::all().iter().map(|s| s.name).collect();
        return Err(PyKeyError::new_err(format!(
            "no schema named {name:?}; the schemas are {}",
            known.join(", ")
        )));
    };
    to_python(py, &named.schema)
}

/// Every JSON Schema of the contract, by name.
#[pyfunction]
pub fn schemas<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
    let all = PyDict::new(py);
    for named in schemas_of::all() {
        all.set_item(named.name, to_python(py, &named.schema)?)?;
    }
    Ok(all)
}
