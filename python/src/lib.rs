//! The crate's rules from Python: the native part of the `incident_playbook`
//! package (`incident_playbook._native`), built by maturin from
//! `python/pyproject.toml`.
//!
//! Everything here is a thin layer over `incident_playbook`: commands given
//! as dicts are written with Python's `json.dumps` and read by the crate's
//! own reader, so Python and Rust refuse the same inputs with the same rules;
//! what the crate returns crosses back as the JSON it serializes to, read by
//! `json.loads`. The crate does not panic, and nothing here unwraps: every
//! failure is a Python exception (`Rejected` for a broken rule, `ValueError`
//! or `TypeError` for an argument that is not what the method reads).
//!
//! The Python API, with types, is `incident_playbook/_native.pyi`; the
//! tests are `python/tests/` (pytest and mypy, run by `.ci/run`).

use pyo3::prelude::*;

mod convert;
mod incident;
mod playbook;
mod rejected;
mod replay;

/// The module `incident_playbook._native`; the package re-exports it.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<playbook::PyPlaybook>()?;
    m.add_class::<incident::PyIncident>()?;
    m.add_class::<rejected::PyViolation>()?;
    m.add_class::<rejected::Rejected>()?;
    m.add_class::<replay::PyReplay>()?;
    m.add_function(wrap_pyfunction!(replay::replay, m)?)?;
    m.add_function(wrap_pyfunction!(playbook::schema, m)?)?;
    m.add_function(wrap_pyfunction!(playbook::schemas, m)?)?;
    Ok(())
}
