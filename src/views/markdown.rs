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

use crate::finding::{Finding, clip};
use crate::incident::Phase;
use crate::postmortem::{
    ActionItemInput, ActionStatus, Guardrail, Postmortem, PostmortemInput, PostmortemStatus,
    TimelineEntryInput,
};
use crate::rule::{Rule, Violation};
use crate::severity::Severity;
use crate::time::{Date, Timestamp};
use crate::views::report::PhaseSpan;

const SECTIONS: [&str; 7] = [
    "Summary",
    "Impact",
    "Timeline",
    "Root Cause",
    "What Worked",
    "What Did Not Work",
    "Action Items",
];

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
fn uninline(s: &str) -> String {
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

/// Splits a table row into its cells, honouring `\|`.
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cell.push('\\');
                if let Some(n) = chars.next() {
                    cell.push(n);
                }
            }
            '|' => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.trim().is_empty() {
        out.push(cell);
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn is_separator_row(row: &str) -> bool {
    let c = cells(row);
    !c.is_empty()
        && c.iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
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

fn unsection_line(line: &str) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if looks_like_heading(rest) => rest,
        _ => line,
    }
}

/// The Mermaid Gantt chart of the phases (times in UTC, as written).
fn mermaid(phases: &[PhaseSpan]) -> String {
    let fmt = |t: Timestamp| t.as_datetime().format("%Y-%m-%d %H:%M:%S").to_string();
    let mut out = String::new();
    out.push_str("```mermaid\ngantt\n    title Phases (UTC)\n    dateFormat YYYY-MM-DD HH:mm:ss\n    axisFormat %H:%M\n    section Response\n");
    // Closing is paperwork, often a day later: drawn, it would squeeze the
    // response into a sliver of the chart.
    for (i, span) in phases
        .iter()
        .enumerate()
        .filter(|(_, s)| s.phase != Phase::Closed)
    {
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
        let text = |md: &mut String, heading: &str, body: Option<&str>| {
            let _ = writeln!(md, "## {heading}\n");
            if let Some(body) = body {
                let _ = writeln!(md, "{}\n", section_body(body));
            }
        };
        text(&mut md, "Summary", self.summary().map(|t| t.as_str()));
        text(&mut md, "Impact", self.impact().map(|t| t.as_str()));
        let _ = writeln!(md, "## Timeline\n");
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
        text(&mut md, "Root Cause", self.root_cause().map(|t| t.as_str()));
        text(
            &mut md,
            "What Worked",
            self.what_worked().map(|t| t.as_str()),
        );
        text(
            &mut md,
            "What Did Not Work",
            self.what_did_not_work().map(|t| t.as_str()),
        );
        let _ = writeln!(md, "## Action Items\n");
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
        md
    }
}

impl std::fmt::Display for Postmortem {
    /// [`Postmortem::to_markdown`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_markdown())
    }
}

/// A postmortem read from Markdown: the wire input, where each part was,
/// and what could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownPostmortem {
    /// What was read, ready for the postmortem rules
    /// ([`Postmortem::from_input`]) or a `submit_postmortem` command.
    pub input: PostmortemInput,
    /// The 1-based line of each part, by JSON path (`title`, `owners`,
    /// `timeline[2]`, `action_items[0]`, `summary`, …).
    pub lines: Vec<(String, usize)>,
    /// What could not be read (`malformed-input`), with its line.
    pub problems: Vec<Finding>,
}

impl MarkdownPostmortem {
    /// The line of the part at `path`, or of the nearest part that holds it
    /// (`action_items[0].owner` → the row of `action_items[0]`).
    pub fn line_of(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some((_, line)) = self.lines.iter().find(|(q, _)| q == p) {
                return Some(*line);
            }
            let cut = p.rfind(['.', '['])?;
            p = p.get(..cut)?;
        }
    }
}

fn header_key(key: &str) -> Option<usize> {
    let key: Vec<String> = key.split_whitespace().map(str::to_lowercase).collect();
    ["date", "severity", "owners", "status", "missing guardrail"]
        .iter()
        .position(|k| k.split(' ').map(str::to_owned).collect::<Vec<_>>() == key)
}

fn section_index(heading: &str) -> Option<usize> {
    let h: Vec<String> = heading.split_whitespace().map(str::to_lowercase).collect();
    SECTIONS
        .iter()
        .position(|s| s.split(' ').map(str::to_lowercase).collect::<Vec<_>>() == h)
}

struct Reader {
    lines: Vec<(String, usize)>,
    problems: Vec<Finding>,
}

impl Reader {
    fn malformed(&mut self, line: Option<usize>, path: &str, message: impl Into<String>) {
        let path = (!path.is_empty()).then_some(path);
        self.problems.push(Finding::new(
            line,
            Violation::new(Rule::MalformedInput, message, path),
        ));
    }
    fn at(&mut self, path: impl Into<String>, line: usize) {
        self.lines.push((path.into(), line));
    }
}

/// A section: the line of its heading and its numbered lines.
type Section<'a> = (usize, Vec<(usize, &'a str)>);

fn blank_to_none(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

impl PostmortemInput {
    /// Reads a postmortem written in the template's shape (see the module
    /// docs). What cannot be read is listed in
    /// [`MarkdownPostmortem::problems`]; the rules themselves
    /// (`postmortem-incomplete`, `action-item-incomplete`, …) are checked by
    /// [`Postmortem::from_input`] or [`lint_postmortem`](crate::lint_postmortem).
    ///
    /// ```
    /// use incident_playbook::{PostmortemInput, PostmortemStatus};
    /// let md = "# Postmortem: Uploads failing\r\n\r\nDate: 2026-05-05\r\nSeverity: SEV2\r\n\
    ///           Owners: Ada, Grace\r\nStatus: Draft\r\n\r\n## Summary\r\n\r\nUploads failed.\r\n\
    ///           \r\n## Action Items\r\n\r\n| Action | Owner | Due | Status |\r\n|---|---|---|---|\r\n\
    ///           | Add a smoke test |  | 2026-05-20 | open |\r\n";
    /// let read = PostmortemInput::from_markdown(md);
    /// assert!(read.problems.is_empty());
    /// assert_eq!(read.input.status, PostmortemStatus::Draft);
    /// assert_eq!(read.input.owners.as_deref(), Some(&["Ada".to_owned(), "Grace".to_owned()][..]));
    /// assert_eq!(read.input.summary.as_deref(), Some("Uploads failed."));
    /// let item = &read.input.action_items.as_ref().unwrap()[0];
    /// assert!(item.owner.is_none());
    /// assert_eq!(read.line_of("action_items[0].owner"), Some(16));
    /// ```
    pub fn from_markdown(text: &str) -> MarkdownPostmortem {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let all: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let mut r = Reader {
            lines: Vec::new(),
            problems: Vec::new(),
        };
        let mut input = PostmortemInput {
            title: None,
            date: None,
            severity: None,
            owners: None,
            status: PostmortemStatus::Draft,
            summary: None,
            impact: None,
            timeline: None,
            root_cause: None,
            what_worked: None,
            what_did_not_work: None,
            action_items: None,
            missing_guardrail: None,
        };
        let numbered = all.iter().enumerate().map(|(i, l)| (i + 1, *l));
        let mut iter = numbered.clone().skip_while(|(_, l)| l.trim().is_empty());

        // The title line.
        let mut title_line = 1;
        match iter.next() {
            Some((n, line)) => {
                title_line = n;
                r.at("title", n);
                let t = line.trim();
                match t.strip_prefix("# ").map(str::trim_start).and_then(|rest| {
                    rest.get(..11)
                        .filter(|p| p.eq_ignore_ascii_case("postmortem:"))
                        .map(|_| rest.get(11..).unwrap_or_default())
                }) {
                    Some(title) => input.title = blank_to_none(uninline(title.trim())),
                    None => r.malformed(
                        Some(n),
                        "title",
                        "the first line is the title: `# Postmortem: <incident title>`",
                    ),
                }
            }
            None => r.malformed(None, "title", "the document is empty"),
        }

        // Header lines, up to the first section.
        let mut seen = [false; 5];
        let mut status_seen = false;
        let mut rest: Vec<(usize, &str)> = Vec::new();
        let mut in_header = true;
        for (n, line) in iter {
            if in_header && !line.trim_start().starts_with("## ") {
                let t = line.trim();
                if t.is_empty() {
                    continue;
                }
                let Some((key, value)) = t.split_once(':') else {
                    r.malformed(Some(n), "", format!("`{}` is not a `Name: value` header line (Date, Severity, Owners, Status)", clip(t)));
                    continue;
                };
                let value = value.trim();
                let Some(k) = header_key(key) else {
                    r.malformed(
                        Some(n),
                        "",
                        format!(
                            "`{}` is not a header of the template (Date, Severity, Owners, Status)",
                            clip(key.trim())
                        ),
                    );
                    continue;
                };
                if seen.get(k).copied().unwrap_or(false) {
                    r.malformed(Some(n), "", format!("`{}:` is given twice", key.trim()));
                    continue;
                }
                if let Some(s) = seen.get_mut(k) {
                    *s = true;
                }
                match k {
                    0 => {
                        r.at("date", n);
                        if !value.is_empty() {
                            match value.parse::<Date>() {
                                Ok(d) => input.date = Some(d),
                                Err(e) => r.malformed(Some(n), "date", e.to_string()),
                            }
                        }
                    }
                    1 => {
                        r.at("severity", n);
                        if !value.is_empty() {
                            match Severity::ALL
                                .into_iter()
                                .find(|s| s.as_str().eq_ignore_ascii_case(value))
                            {
                                Some(s) => input.severity = Some(s),
                                None => r.malformed(
                                    Some(n),
                                    "severity",
                                    format!(
                                        "`{}` is not a severity (SEV1, SEV2, SEV3, SEV4)",
                                        clip(value)
                                    ),
                                ),
                            }
                        }
                    }
                    2 => {
                        r.at("owners", n);
                        let owners: Vec<String> = split_owners(value)
                            .into_iter()
                            .filter(|o| !o.is_empty())
                            .collect();
                        input.owners = (!owners.is_empty()).then_some(owners);
                    }
                    3 => {
                        r.at("status", n);
                        status_seen = true;
                        let v = value.to_lowercase().replace([' ', '-'], "_");
                        match [
                            PostmortemStatus::Draft,
                            PostmortemStatus::InReview,
                            PostmortemStatus::Published,
                        ]
                        .into_iter()
                        .find(|s| s.as_str() == v)
                        {
                            Some(s) => input.status = s,
                            None => r.malformed(
                                Some(n),
                                "status",
                                format!(
                                    "`{}` is not a postmortem status (draft, in_review, published)",
                                    clip(value)
                                ),
                            ),
                        }
                    }
                    _ => {
                        r.at("missing_guardrail", n);
                        match value.to_lowercase().as_str() {
                            "yes" | "true" => input.missing_guardrail = Some(true),
                            "no" | "false" | "" => input.missing_guardrail = Some(false),
                            _ => r.malformed(
                                Some(n),
                                "missing_guardrail",
                                format!("`{}` is not yes or no", clip(value)),
                            ),
                        }
                    }
                }
            } else {
                in_header = false;
                rest.push((n, line));
            }
        }
        if !status_seen {
            r.malformed(
                Some(title_line),
                "status",
                "the postmortem has no `Status:` line (draft, in_review or published)",
            );
        }
        if input.missing_guardrail == Some(false) {
            input.missing_guardrail = None;
        }

        // Sections.
        let mut bodies: [Option<Section<'_>>; 7] = Default::default();
        let mut current: Option<usize> = None;
        for (n, line) in rest {
            let heading = line
                .trim_start()
                .strip_prefix("## ")
                .and_then(|h| section_index(h.trim()));
            match heading {
                Some(s) if bodies.get(s).is_some_and(Option::is_some) => {
                    r.malformed(
                        Some(n),
                        "",
                        format!("`## {}` is given twice", SECTIONS.get(s).unwrap_or(&"")),
                    );
                    current = None;
                }
                Some(s) => {
                    if let Some(slot) = bodies.get_mut(s) {
                        *slot = Some((n, Vec::new()));
                    }
                    current = Some(s);
                }
                None => match current
                    .and_then(|c| bodies.get_mut(c))
                    .and_then(Option::as_mut)
                {
                    Some((_, body)) => body.push((n, line)),
                    None => {
                        if !line.trim().is_empty() {
                            r.malformed(Some(n), "", "text outside the template's sections");
                        }
                    }
                },
            }
        }
        let [
            summary,
            impact,
            timeline,
            root_cause,
            what_worked,
            what_did_not_work,
            action_items,
        ] = bodies;
        let mut text = |path: &str, body: Option<Section<'_>>| {
            let (n, lines) = body?;
            r.at(path, n);
            let mut lines: Vec<&str> = lines.iter().map(|(_, l)| unsection_line(l)).collect();
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
            let start = lines.iter().position(|l| !l.trim().is_empty())?;
            let joined = lines.get(start..).unwrap_or_default().join("\n");
            blank_to_none(joined.trim().to_owned())
        };
        input.summary = text("summary", summary);
        input.impact = text("impact", impact);
        input.root_cause = text("root_cause", root_cause);
        input.what_worked = text("what_worked", what_worked);
        input.what_did_not_work = text("what_did_not_work", what_did_not_work);
        if let Some((n, body)) = timeline {
            r.at("timeline", n);
            input.timeline = Some(read_timeline(&mut r, &body));
        }
        if let Some((n, body)) = action_items {
            r.at("action_items", n);
            input.action_items = Some(read_action_items(&mut r, &body));
        }
        r.problems.sort_by_key(|f| f.line.unwrap_or(0));
        MarkdownPostmortem {
            input,
            lines: r.lines,
            problems: r.problems,
        }
    }
}

fn split_owners(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push('\\');
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ',' => out.push(uninline(std::mem::take(&mut cur).trim())),
            c => cur.push(c),
        }
    }
    out.push(uninline(cur.trim()));
    out
}

/// Table rows of a section outside fenced blocks: (line, cells), without the
/// header and separator rows. The header's cells come first.
fn table<'a>(body: &[(usize, &'a str)]) -> (Option<Vec<String>>, Vec<(usize, &'a str)>) {
    let mut fenced = false;
    let mut rows: Vec<(usize, &str)> = Vec::new();
    let mut header = None;
    let mut lines = body.iter().peekable();
    while let Some((n, line)) = lines.next() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if t.starts_with('|') {
            if is_separator_row(t) {
                continue;
            }
            if header.is_none()
                && lines
                    .peek()
                    .is_some_and(|(_, next)| is_separator_row(next.trim()))
            {
                header = Some(cells(t).iter().map(|c| c.to_lowercase()).collect());
                continue;
            }
            rows.push((*n, t));
        } else if t.starts_with("- ") || t.starts_with("* ") {
            rows.push((*n, t));
        }
    }
    (header, rows)
}

fn read_timeline(r: &mut Reader, body: &[(usize, &str)]) -> Vec<TimelineEntryInput> {
    let (_, rows) = table(body);
    let mut out = Vec::new();
    for (n, row) in rows {
        let (time, event) = if row.starts_with('|') {
            let c = cells(row);
            (
                c.first().cloned().unwrap_or_default(),
                c.get(1).cloned().unwrap_or_default(),
            )
        } else {
            let item = row.get(2..).unwrap_or_default().trim();
            let (time, event) = item.split_once(char::is_whitespace).unwrap_or((item, ""));
            let event = event
                .trim_start()
                .trim_start_matches(['—', '–', '-', ':'])
                .trim();
            (time.trim_end_matches(':').to_owned(), event.to_owned())
        };
        let path = format!("timeline[{}]", out.len());
        match time.parse::<Timestamp>() {
            Ok(at) => {
                r.at(path, n);
                out.push(TimelineEntryInput {
                    at,
                    event: blank_to_none(uninline(&event)),
                });
            }
            Err(e) => r.malformed(Some(n), &path, e.to_string()),
        }
    }
    out
}

fn read_action_items(r: &mut Reader, body: &[(usize, &str)]) -> Vec<ActionItemInput> {
    let (header, rows) = table(body);
    let header = header.unwrap_or_else(|| {
        ["action", "owner", "due", "status"]
            .map(str::to_owned)
            .to_vec()
    });
    let col = |name: &str| header.iter().position(|h| h == name);
    let (action, owner, due, status, guardrail) = (
        col("action"),
        col("owner"),
        col("due"),
        col("status"),
        col("guardrail"),
    );
    if action.is_none() || owner.is_none() || due.is_none() {
        let line = body.first().map(|(n, _)| *n);
        r.malformed(
            line,
            "action_items",
            "the action items table has the columns `| Action | Owner | Due | Status |`",
        );
    }
    let mut out = Vec::new();
    for (n, row) in rows {
        if !row.starts_with('|') {
            continue;
        }
        let c = cells(row);
        let cell = |i: Option<usize>| {
            i.and_then(|i| c.get(i))
                .map(|s| uninline(s))
                .and_then(blank_to_none)
        };
        let path = format!("action_items[{}]", out.len());
        r.at(path.clone(), n);
        let mut item = ActionItemInput {
            action: cell(action),
            owner: cell(owner),
            ..Default::default()
        };
        if let Some(d) = cell(due) {
            match d.parse::<Date>() {
                Ok(d) => item.due = Some(d),
                Err(e) => r.malformed(Some(n), &format!("{path}.due"), e.to_string()),
            }
        }
        if let Some(s) = cell(status) {
            let v = s.to_lowercase().replace([' ', '-'], "_");
            match [
                ActionStatus::Open,
                ActionStatus::InProgress,
                ActionStatus::Done,
            ]
            .into_iter()
            .find(|a| a.as_str() == v)
            {
                Some(a) => item.status = Some(a),
                None => r.malformed(
                    Some(n),
                    &format!("{path}.status"),
                    format!(
                        "`{}` is not an action item status (open, in_progress, done)",
                        clip(&s)
                    ),
                ),
            }
        }
        if let Some(g) = cell(guardrail) {
            match [
                Guardrail::Handbook,
                Guardrail::Adr,
                Guardrail::Dashboard,
                Guardrail::Test,
            ]
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(&g))
            {
                Some(x) => item.guardrail = Some(x),
                None => r.malformed(
                    Some(n),
                    &format!("{path}.guardrail"),
                    format!(
                        "`{}` is not a guardrail (handbook, adr, dashboard, test)",
                        clip(&g)
                    ),
                ),
            }
        }
        out.push(item);
    }
    out
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
        assert_eq!(
            split_owners("Ada, Grace\\, Jr., "),
            ["Ada", "Grace, Jr.", ""]
        );
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
