//! `incident lint-postmortem`: check a Markdown postmortem against the
//! postmortem rules.

use std::io::Write;

use incident_playbook::{
    Severity,
    postmortem::{LintFinding, lint_postmortem},
};

use crate::args::Format;
use crate::exit::{Fatal, Verdict};
use crate::input::read_document;
use crate::output::{Painted, ok, stdout, write_json_line};

pub fn run(peak: Option<Severity>, format: Format, file: &str) -> Result<Verdict, Fatal> {
    let text = read_document(file)?;
    let findings = lint_postmortem(&text, peak);
    let mut out = stdout();
    match format {
        Format::Json => write_json_line(
            &mut out,
            &serde_json::json!({ "file": file, "findings": findings }),
        )?,
        Format::Text => write_text(&mut out, file, &findings)?,
    }
    out.flush()?;
    // A file that was read is judged, even one far from the template (its
    // unreadable parts are findings too): exit 1. Exit 2 is for a file that
    // cannot be read at all, or bad usage (`Fatal`).
    Ok(if findings.is_empty() {
        Verdict::Accepted
    } else {
        Verdict::Broken
    })
}

fn write_text(out: &mut impl Write, file: &str, findings: &[LintFinding]) -> Result<(), Fatal> {
    for f in findings {
        match f.line {
            Some(line) => writeln!(out, "{file}:{line}: {}", Painted(&f.violation))?,
            None => writeln!(out, "{file}: {}", Painted(&f.violation))?,
        }
    }
    if findings.is_empty() {
        writeln!(out, "{file}: {}", ok())?;
    }
    Ok(())
}
