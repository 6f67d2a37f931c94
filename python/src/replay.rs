//! A command stream replayed: what `incident replay --format json` prints,
//! and its verdict.

use incident_playbook::{Replay, Verdict};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

use crate::convert::{json_loads, to_python};
use crate::playbook::{PyPlaybook, or_default};

/// A replay in progress: feed it lines (`line`, `feed`), then read the
/// document (`output`) and the verdict.
#[pyclass(name = "Replay", module = "incident_playbook")]
pub struct PyReplay {
    replay: Replay,
}

#[pymethods]
impl PyReplay {
    #[new]
    #[pyo3(signature = (playbook=None))]
    fn new(playbook: Option<&PyPlaybook>) -> Self {
        PyReplay {
            replay: Replay::new(or_default(playbook)),
        }
    }

    /// Applies the next line (one JSON command, or blank); returns its
    /// report (`{"line", "rule", "violations", …}`) if it was refused.
    fn line<'py>(&mut self, line: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let py = line.py();
        let Ok(text) = line.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "a line must be a str, not {}",
                line.get_type().name()?
            )));
        };
        // A str with lone surrogates has no UTF-8 form: the CLI counts a
        // line that is not UTF-8 as malformed, and so does this.
        let report = match text.to_str() {
            Ok(text) => self.replay.line(strip_newline(text)),
            Err(_) => self.replay.unreadable_line("the line is not UTF-8"),
        };
        report.map(|r| to_python(py, &r)).transpose()
    }

    /// Applies every line of `lines`: a str (split at newlines, as the CLI
    /// reads a file) or any iterable of str, such as an open file.
    fn feed(&mut self, lines: &Bound<'_, PyAny>) -> PyResult<()> {
        let py = lines.py();
        let lines = if lines.is_instance_of::<PyString>() {
            // Split by Python, so that a line with a lone surrogate is one
            // malformed line, not a text that cannot be read at all; as in
            // a file, nothing follows the last newline.
            let parts = lines
                .call_method1("split", ("\n",))?
                .cast_into::<PyList>()?;
            let last = parts.len().saturating_sub(1);
            if parts
                .get_item(last)?
                .cast::<PyString>()?
                .to_str()
                .is_ok_and(str::is_empty)
            {
                parts.del_item(last)?;
            }
            parts.into_any()
        } else {
            lines.clone()
        };
        for (i, line) in lines.try_iter()?.enumerate() {
            let line = line?;
            // The CLI skips a byte-order mark before the first line.
            if i == 0
                && let Ok(text) = line.cast::<PyString>()
                && let Ok(Some(rest)) = text.to_str().map(|t| t.strip_prefix('\u{feff}'))
            {
                self.line(PyString::new(py, rest).as_any())?;
                continue;
            }
            self.line(&line)?;
        }
        Ok(())
    }

    /// The document `incident replay --format json` prints for the lines so
    /// far: `{"rejections": [...], "incidents": [...]}`.
    fn output<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        // In the CLI's order, rejections first (its streaming order).
        let text = format!(
            "{{\"rejections\":{},\"incidents\":{}}}",
            json(&self.replay.rejections())?,
            json(self.replay.incidents())?
        );
        json_loads(py, &text)
    }

    /// `"accepted"`, `"broken"` (a line broke a rule: the CLI exits 1) or
    /// `"malformed"` (a line was not a command: it exits 2).
    #[getter]
    fn verdict(&self) -> &'static str {
        match self.replay.verdict() {
            Verdict::Accepted => "accepted",
            Verdict::Broken => "broken",
            Verdict::Malformed => "malformed",
        }
    }

    /// How many lines were read (blank ones too).
    #[getter]
    fn lines(&self) -> u64 {
        self.replay.lines()
    }

    /// The snapshots of the incidents so far, in the order declared.
    fn incidents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.replay.incidents())
    }
}

/// Replays `lines` (a str or an iterable of str, as `Replay.feed` takes)
/// under `playbook` (the seed playbook without one): the document
/// `incident replay --keep-going --format json` prints.
#[pyfunction]
#[pyo3(signature = (lines, playbook=None))]
pub fn replay<'py>(
    lines: &Bound<'py, PyAny>,
    playbook: Option<&PyPlaybook>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut replay = PyReplay::new(playbook);
    replay.feed(lines)?;
    replay.output(lines.py())
}

fn json(value: &impl serde::Serialize) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("cannot write as JSON: {e}")))
}

/// One line without its newline (`\n` or `\r\n`), as the CLI reads it.
fn strip_newline(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}
