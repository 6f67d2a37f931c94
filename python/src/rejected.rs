//! A refusal in Python: the exception `Rejected`, carrying the
//! `Violation`s the crate found (rule id, message, JSON path).

use incident_playbook::Violation;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// One broken rule: its id, what is wrong, and where (the JSON path of the
/// field, `None` for the command as a whole).
#[pyclass(
    name = "Violation",
    module = "incident_playbook",
    frozen,
    eq,
    from_py_object
)]
#[derive(Clone, PartialEq, Eq)]
pub struct PyViolation {
    /// The rule's stable id, such as `update-required`.
    #[pyo3(get)]
    rule: String,
    /// What is wrong, for people.
    #[pyo3(get)]
    message: String,
    /// The JSON path of the field, such as `mitigation.to_tag`.
    #[pyo3(get)]
    path: Option<String>,
}

impl From<&Violation> for PyViolation {
    fn from(v: &Violation) -> Self {
        PyViolation {
            rule: v.rule().to_string(),
            message: v.message().to_owned(),
            path: v.path().map(str::to_owned),
        }
    }
}

#[pymethods]
impl PyViolation {
    #[new]
    #[pyo3(signature = (rule, message, path=None))]
    fn new(rule: String, message: String, path: Option<String>) -> Self {
        PyViolation {
            rule,
            message,
            path,
        }
    }

    /// As the JSON reports write it: `{"rule", "message", "path"?}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rule", &self.rule)?;
        d.set_item("message", &self.message)?;
        if let Some(path) = &self.path {
            d.set_item("path", path)?;
        }
        Ok(d)
    }

    /// As the CLI prints it: `error[RULE] at PATH: MESSAGE`.
    fn __str__(&self) -> String {
        match &self.path {
            Some(path) => format!("error[{}] at {}: {}", self.rule, path, self.message),
            None => format!("error[{}]: {}", self.rule, self.message),
        }
    }

    fn __repr__(&self) -> String {
        let path = self
            .path
            .as_ref()
            .map_or("None".to_owned(), |p| format!("{p:?}"));
        format!(
            "Violation(rule={:?}, message={:?}, path={path})",
            self.rule, self.message
        )
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&self.rule, &self.message, &self.path).hash(&mut h);
        h.finish()
    }
}

/// A command (or snapshot) that breaks the playbook's rules; `violations`
/// lists every rule broken, in the rule catalogue's order.
#[pyclass(extends = PyException, module = "incident_playbook", frozen)]
pub struct Rejected {
    violations: Vec<PyViolation>,
}

#[pymethods]
impl Rejected {
    #[new]
    fn new(violations: Vec<PyViolation>) -> Self {
        Rejected { violations }
    }

    /// Every broken rule, in the rule catalogue's order (never empty when
    /// the crate raised it).
    #[getter]
    fn violations(&self) -> Vec<PyViolation> {
        self.violations.clone()
    }

    /// The first broken rule's id (what a replay report's `rule` says).
    #[getter]
    fn rule(&self) -> Option<String> {
        self.violations.first().map(|v| v.rule.clone())
    }

    /// The distinct rule ids broken, in order.
    #[getter]
    fn rules(&self) -> Vec<String> {
        let mut rules: Vec<String> = Vec::new();
        for v in &self.violations {
            if !rules.contains(&v.rule) {
                rules.push(v.rule.clone());
            }
        }
        rules
    }

    fn __str__(&self) -> String {
        let lines: Vec<String> = self.violations.iter().map(PyViolation::__str__).collect();
        lines.join("\n")
    }
}

/// The Python exception for a refusal with `violations`.
pub fn rejected(py: Python<'_>, violations: Vec<Violation>) -> PyErr {
    let violations: Vec<PyViolation> = violations.iter().map(PyViolation::from).collect();
    match py.get_type::<Rejected>().call1((violations,)) {
        Ok(exception) => PyErr::from_value(exception),
        // Making the exception failed (out of memory): raise that instead.
        Err(e) => e,
    }
}
