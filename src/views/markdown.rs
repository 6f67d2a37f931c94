//! Writes postmortems as Markdown in the template's shape (see
//! [`postmortem`](crate::postmortem#markdown) for the shape and
//! its reading), with a Mermaid chart of the phases in the timeline.

use std::fmt::Write as _;

use crate::incident::Phase;
use crate::postmortem::markdown::{Section, inline, section_body};
use crate::postmortem::{Guardrail, Postmortem};
use crate::time::Timestamp;
use crate::views::report::PhaseSpan;

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

/// A link destination for Markdown: as it is when plain, else in angle
/// brackets (spaces and parentheses allowed), with the brackets and line
/// breaks it cannot hold percent-encoded.
fn destination(path: &str) -> String {
    let plain = !path.is_empty()
        && !path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "()<>".contains(c));
    if plain {
        return path.to_owned();
    }
    let mut out = String::from("<");
    for c in path.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('>');
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
        self.render(None, None)
    }

    /// The postmortem as Markdown, with a Mermaid Gantt chart of `phases`
    /// (see [`PhaseSpan::of`]) under `## Timeline`.
    pub fn to_markdown_with_phases(&self, phases: &[PhaseSpan]) -> String {
        self.render(Some(phases), None)
    }

    /// [`Postmortem::to_markdown_with_phases`], with a link to the picture
    /// of the timeline (`image`, a path or URL, as
    /// [`timeline_svg`](crate::timeline_svg) draws it and `incident render
    /// timeline --out` writes it) first under `## Timeline`. Linked, not
    /// inlined: Markdown renderers show an image link everywhere and drop
    /// inline SVG, and the picture stays a file of its own to redraw.
    ///
    /// ```
    /// use incident_playbook::{Replay, report::PhaseSpan};
    /// let case = include_str!("../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let pm = incident.postmortem().unwrap();
    /// let md = pm.to_markdown_with_timeline_image(&PhaseSpan::of(incident), "timeline one.svg");
    /// assert!(md.contains("## Timeline\n\n![Timeline of the incident](<timeline one.svg>)\n\n"));
    /// ```
    pub fn to_markdown_with_timeline_image(&self, phases: &[PhaseSpan], image: &str) -> String {
        self.render(Some(phases), Some(image))
    }

    fn render(&self, phases: Option<&[PhaseSpan]>, image: Option<&str>) -> String {
        let mut md = String::new();
        self.render_header(&mut md);
        for section in Section::ALL {
            let _ = writeln!(md, "## {}\n", section.heading());
            match section {
                Section::Timeline => {
                    if let Some(image) = image {
                        let _ =
                            writeln!(md, "![Timeline of the incident]({})\n", destination(image));
                    }
                    self.render_timeline(&mut md, phases);
                }
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
