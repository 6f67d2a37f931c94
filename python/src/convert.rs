//! What crosses the boundary: commands in (a JSON string, or a dict written
//! by `json.dumps`), the crate's values out (their JSON, read by
//! `json.loads`), and timestamps both ways.

use incident_playbook::{Command, Rule, Timestamp, Violation, parse_command};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde::Serialize;

use crate::rejected::rejected;

/// The JSON text of a command given as a `str` or a `dict`. A dict is
/// written by `json.dumps`, so that the crate's reader is the only one: a
/// dict and the string it dumps to are refused alike.
pub fn json_text(value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_str()?.to_owned());
    }
    if value.is_instance_of::<PyDict>() {
        let json = value.py().import("json")?;
        return json.call_method1("dumps", (value,))?.extract::<String>();
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a dict or a JSON string, not {}",
        value.get_type().name()?
    )))
}

/// A command given as a `str` or a `dict`, read as the Rust API reads it.
///
/// Raises `Rejected` (`malformed-input`, with the JSON path of what is
/// wrong) for what is not a command.
///
/// A str with lone surrogates has no UTF-8 form: it is refused as
/// `malformed-input` too, as the escapes `json.dumps` writes for them in a
/// dict (`\ud800`) are by the crate's reader.
pub fn command(value: &Bound<'_, PyAny>) -> PyResult<Command> {
    if let Ok(text) = value.cast::<PyString>()
        && let Err(e) = text.to_str()
    {
        let why = format!("the command is not valid Unicode: {e}");
        let violation = Violation::new(Rule::MalformedInput, why, None);
        return Err(rejected(value.py(), vec![violation]));
    }
    let text = json_text(value, "a command")?;
    parse_command(&text).map_err(|r| rejected(value.py(), r.into_violations()))
}

/// `value` as Python sees it: its JSON, read by `json.loads` (dicts, lists,
/// strings, numbers), as the CLI and the service would print it.
pub fn to_python<'py>(py: Python<'py>, value: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| PyValueError::new_err(format!("cannot write as JSON: {e}")))?;
    json_loads(py, &text)
}

/// `text` read by `json.loads`.
pub fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

/// A time given as an RFC 3339 string or a timezone-aware `datetime`.
pub fn timestamp(value: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    let text = if let Ok(text) = value.cast::<PyString>() {
        text.to_str()?.to_owned()
    } else if value.hasattr("isoformat")? {
        value.call_method0("isoformat")?.extract::<String>()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "a time must be an RFC 3339 string or a datetime, not {}",
            value.get_type().name()?
        )));
    };
    text.parse()
        .map_err(|e| PyValueError::new_err(format!("{e} (a datetime needs its tzinfo)")))
}
