//! Postmortems as Markdown in the template's shape, and read back.
//!
//! ```markdown
//! # Postmortem: <incident title>
//!
//! Date: 2026-05-05
//!
//! Severity: SEV1
//!
//! Owners: Ada, Grace
//!
//! Status: published
//!
//! ## Summary
//! ## Impact
//! ## Timeline
//! ## Root Cause
//! ## What Worked
//! ## What Did Not Work
//! ## Action Items
//!
//! | Action | Owner | Due | Status |
//! |---|---|---|---|
//! ```
//!
//! What the template leaves open, decided here:
//!
//! - The header lines are separated by blank lines, so that GitHub shows
//!   each on its own line. `Missing guardrail: yes` follows `Status:` when
//!   the incident revealed a missing guardrail.
//! - The timeline is a table `| Time (UTC) | Event |`; rendered from an
//!   incident, a Mermaid Gantt chart of its phases comes first. Reading
//!   skips fenced blocks and also takes list items `- <time> <event>`.
//! - An action item's guardrail is a fifth column, `Guardrail`, written only
//!   when some item has one.
//! - In the title, header values and table cells a line break is `<br>` and
//!   `\`, `|` and `<` are escaped with a backslash (`,` too, in `Owners:`).
//!   In a section, a line starting with `## ` gets a backslash in front, so
//!   that it is not read as the next section.
//! - Reading trims white space around titles, values, cells and sections:
//!   writing and reading back gives the same postmortem when its texts do not
//!   start or end with white space and have no carriage returns.
//! - Reading forgives blank lines, CRLF line ends, header names, section
//!   headings and status in any case, and headings it does not know (their
//!   lines stay in the section above). It refuses a missing title line or
//!   `Status:`, a repeated header line or section, an unknown header line,
//!   and a date, time, severity or status that does not parse: those are
//!   `malformed-input`, with the line.

use std::fmt::Write as _;

use crate::incident::Phase;
use crate::postmortem::{Guardrail, Postmortem};
use crate::time::Timestamp;
use crate::views::report::PhaseSpan;

/// The template's sections, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Summary,
    Impact,
    Timeline,
    RootCause,
    WhatWorked,
    WhatDidNotWork,
    ActionItems,
}

impl Section {
    pub(super) const ALL: [Section; 7] = [
        Section::Summary,
        Section::Impact,
        Section::Timeline,
        Section::RootCause,
        Section::WhatWorked,
        Section::WhatDidNotWork,
        Section::ActionItems,
    ];

    /// The heading, after `## `.
    pub(super) fn heading(self) -> &'static str {
        match self {
            Section::Summary => "Summary",
            Section::Impact => "Impact",
            Section::Timeline => "Timeline",
            Section::RootCause => "Root Cause",
            Section::WhatWorked => "What Worked",
            Section::WhatDidNotWork => "What Did Not Work",
            Section::ActionItems => "Action Items",
        }
    }

    /// The JSON path of the section in [`PostmortemInput`].
    ///
    /// [`PostmortemInput`]: crate::PostmortemInput
    pub(super) fn path(self) -> &'static str {
        match self {
            Section::Summary => "summary",
            Section::Impact => "impact",
            Section::Timeline => "timeline",
            Section::RootCause => "root_cause",
            Section::WhatWorked => "what_worked",
            Section::WhatDidNotWork => "what_did_not_work",
            Section::ActionItems => "action_items",
        }
    }

    /// A heading as people type it: case and spacing do not matter.
    pub(super) fn read(heading: &str) -> Option<Section> {
        let h = words(heading);
        Section::ALL.into_iter().find(|s| words(s.heading()) == h)
    }
}

/// The lower-case words of a name, so that `Next  Update` reads as `next update`.
pub(super) fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

/// Escapes a text for one line of Markdown: a title, a header value, a cell.
fn inline(s: &str, extra: Option<char>) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("\\<"),
            '\n' => out.push_str("<br>"),
            '\r' => out.push_str("\\r"),
            c if Some(c) == extra => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Reads what [`inline`] writes; other backslashes stay as typed.
pub(super) fn uninline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let next = rest.find(['\\', '<']);
        let Some(i) = next else {
            out.push_str(rest);
            return out;
        };
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        if let Some(after) = tail.strip_prefix("<br>") {
            out.push('\n');
            rest = after;
        } else if let Some(after) = tail.strip_prefix('\\') {
            match after.chars().next() {
                Some('r') => {
                    out.push('\r');
                    rest = after.get(1..).unwrap_or_default();
                }
                Some(c @ ('\\' | '|' | '<' | ',')) => {
                    out.push(c);
                    rest = after.get(c.len_utf8()..).unwrap_or_default();
                }
                _ => {
                    out.push('\\');
                    rest = after;
                }
            }
        } else {
            // A `<` that does not start `<br>`: kept.
            out.push('<');
            rest = tail.get(1..).unwrap_or_default();
        }
    }
}

/// A section's text: lines that could be read as headings get a backslash.
fn section_body(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            if looks_like_heading(line) {
                format!("\\{line}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A line that is, or once escaped was, a `## ` heading: white space and
/// backslashes before `## `.
fn looks_like_heading(line: &str) -> bool {
    line.trim_start_matches(|c: char| c == '\\' || c.is_whitespace())
        .starts_with("## ")
}

pub(super) fn unsection_line(line: &str) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if looks_like_heading(rest) => rest,
        _ => line,
    }
}

/// The chart's time axis: the time of day, and the date too when the drawn
/// phases span more than one day (UTC), where `%H:%M` alone is ambiguous.
fn axis_format(drawn: &[(usize, &PhaseSpan)]) -> &'static str {
    let mut days = drawn
        .iter()
        // A milestone (resolved) is drawn at its start alone.
        .flat_map(|(_, s)| [Some(s.from), s.until.filter(|_| s.phase.is_open())])
        .flatten()
        .map(|t| t.as_datetime().date_naive());
    let first = days.next();
    if days.any(|d| Some(d) != first) {
        "%Y-%m-%d %H:%M"
    } else {
        "%H:%M"
    }
}

/// The Mermaid Gantt chart of the phases (times in UTC, as written).
fn mermaid(phases: &[PhaseSpan]) -> String {
    let fmt = |t: Timestamp| t.as_datetime().format("%Y-%m-%d %H:%M:%S").to_string();
    // Closing is paperwork, often a day later: drawn, it would squeeze the
    // response into a sliver of the chart.
    let drawn: Vec<(usize, &PhaseSpan)> = phases
        .iter()
        .enumerate()
        .filter(|(_, s)| s.phase != Phase::Closed)
        .collect();
    let mut out = String::new();
    let _ = write!(
        out,
        "```mermaid\ngantt\n    title Phases (UTC)\n    dateFormat YYYY-MM-DD HH:mm:ss\n    axisFormat {}\n    section Response\n",
        axis_format(&drawn)
    );
    for (i, span) in drawn {
        let name = capitalised(span.phase.as_str());
        match (span.phase.is_open(), span.until) {
            (true, Some(until)) => {
                let _ = writeln!(out, "    {name} :p{i}, {}, {}", fmt(span.from), fmt(until));
            }
            (true, None) => {
                let _ = writeln!(
                    out,
                    "    {name} (ongoing) :milestone, p{i}, {}, 0m",
                    fmt(span.from)
                );
            }
            (false, _) => {
                let _ = writeln!(out, "    {name} :milestone, p{i}, {}, 0m", fmt(span.from));
            }
        }
    }
    out.push_str("```\n");
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Postmortem {
    /// The postmortem as Markdown in the template's shape (see the module
    /// docs), without a diagram. [`Postmortem::to_markdown_with_phases`] adds
    /// the Mermaid chart of the incident's phases under `## Timeline`.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let pm = replay.incidents().iter().next().unwrap().postmortem().unwrap();
    /// let md = pm.to_markdown();
    /// assert!(md.starts_with("# Postmortem: Document uploads failing after 2026.05.04-1\n"));
    /// assert!(md.contains("| Add upload smoke test to deploy gate | Grace | 2026-05-20 | open | test |"));
    /// ```
    pub fn to_markdown(&self) -> String {
        self.render(None)
    }

    /// The postmortem as Markdown, with a Mermaid Gantt chart of `phases`
    /// (see [`PhaseSpan::of`]) under `## Timeline`.
    pub fn to_markdown_with_phases(&self, phases: &[PhaseSpan]) -> String {
        self.render(Some(phases))
    }

    fn render(&self, phases: Option<&[PhaseSpan]>) -> String {
        let mut md = String::new();
        self.render_header(&mut md);
        for section in Section::ALL {
            let _ = writeln!(md, "## {}\n", section.heading());
            match section {
                Section::Timeline => self.render_timeline(&mut md, phases),
                Section::ActionItems => self.render_action_items(&mut md),
                text => {
                    if let Some(body) = self.section_text(text) {
                        let _ = writeln!(md, "{}\n", section_body(body));
                    }
                }
            }
        }
        md
    }

    /// The title line and the header lines.
    fn render_header(&self, md: &mut String) {
        let _ = writeln!(md, "# Postmortem: {}\n", inline(self.title(), None));
        let _ = writeln!(
            md,
            "Date: {}\n",
            self.date().map(|d| d.to_string()).unwrap_or_default()
        );
        let _ = writeln!(md, "Severity: {}\n", self.severity());
        let owners: Vec<String> = self.owners().iter().map(|o| inline(o, Some(','))).collect();
        let _ = writeln!(md, "Owners: {}\n", owners.join(", "));
        let _ = writeln!(md, "Status: {}\n", self.status().as_str());
        if self.missing_guardrail() {
            let _ = writeln!(md, "Missing guardrail: yes\n");
        }
    }

    /// The text of a text section (`None` for the two tables).
    fn section_text(&self, section: Section) -> Option<&str> {
        let text = match section {
            Section::Summary => self.summary(),
            Section::Impact => self.impact(),
            Section::RootCause => self.root_cause(),
            Section::WhatWorked => self.what_worked(),
            Section::WhatDidNotWork => self.what_did_not_work(),
            Section::Timeline | Section::ActionItems => None,
        };
        text.map(|t| t.as_str())
    }

    fn render_timeline(&self, md: &mut String, phases: Option<&[PhaseSpan]>) {
        if let Some(phases) = phases.filter(|p| !p.is_empty()) {
            let _ = writeln!(md, "{}", mermaid(phases));
        }
        if !self.timeline().is_empty() {
            md.push_str("| Time (UTC) | Event |\n|---|---|\n");
            for e in self.timeline() {
                let _ = writeln!(md, "| {} | {} |", e.at, inline(&e.event, None));
            }
            md.push('\n');
        }
    }

    fn render_action_items(&self, md: &mut String) {
        let guardrails = self.action_items().iter().any(|a| a.guardrail.is_some());
        if guardrails {
            md.push_str("| Action | Owner | Due | Status | Guardrail |\n|---|---|---|---|---|\n");
        } else {
            md.push_str("| Action | Owner | Due | Status |\n|---|---|---|---|\n");
        }
        for a in self.action_items() {
            let _ = write!(
                md,
                "| {} | {} | {} | {} |",
                inline(&a.action, None),
                inline(&a.owner, None),
                a.due,
                a.status.as_str()
            );
            if guardrails {
                let _ = write!(md, " {} |", a.guardrail.map_or("", Guardrail::as_str));
            }
            md.push('\n');
        }
    }
}

impl std::fmt::Display for Postmortem {
    /// [`Postmortem::to_markdown`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_markdown())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes_read_back() {
        for s in ["a|b", "x<br>y", "a\nb", "C:\\new", "<tag>", "a, b", "r\rs"] {
            assert_eq!(uninline(&inline(s, None)), s);
            assert_eq!(uninline(&inline(s, Some(','))), s);
            assert!(!inline(s, None).contains('\n'));
        }
    }

    #[test]
    fn section_lines_that_look_like_headings_are_escaped() {
        let body = "Intro\n## Impact\n\\## Kept";
        let escaped = section_body(body);
        assert_eq!(escaped, "Intro\n\\## Impact\n\\\\## Kept");
        let back: Vec<&str> = escaped.split('\n').map(unsection_line).collect();
        assert_eq!(back.join("\n"), body);
    }
}
