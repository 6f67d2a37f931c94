//! Postmortems as Markdown in the template's shape (described in the
//! [`postmortem`](crate::postmortem#markdown) module's docs): the template's sections,
//! the escaping, and the reader, which keeps the line of each part so that
//! the rules' findings can point at the line to fix. The writer is a view
//! (`views::markdown`).

use std::sync::Arc;

use crate::finding::{Finding, clip};
use crate::postmortem::{
    ActionItemInput, ActionStatus, Guardrail, PostmortemInput, PostmortemStatus, TimelineEntryInput,
};
use crate::rule::{Rule, Violation};
use crate::severity::Severity;
use crate::time::{Date, Timestamp};

#[cfg(doc)]
use crate::postmortem::Postmortem;

/// The template's sections, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Summary,
    Impact,
    Timeline,
    RootCause,
    WhatWorked,
    WhatDidNotWork,
    ActionItems,
}

impl Section {
    pub(crate) const ALL: [Section; 7] = [
        Section::Summary,
        Section::Impact,
        Section::Timeline,
        Section::RootCause,
        Section::WhatWorked,
        Section::WhatDidNotWork,
        Section::ActionItems,
    ];

    /// The heading, after `## `.
    pub(crate) fn heading(self) -> &'static str {
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
    /// [`PostmortemInput`]: crate::postmortem::PostmortemInput
    pub(crate) fn path(self) -> &'static str {
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
    pub(crate) fn read(heading: &str) -> Option<Section> {
        let h = words(heading);
        Section::ALL.into_iter().find(|s| words(s.heading()) == h)
    }
}

/// The lower-case words of a name, so that `Next  Update` reads as `next update`.
pub(crate) fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

/// Escapes a text for one line of Markdown: a title, a header value, a cell.
pub(crate) fn inline(s: &str, extra: Option<char>) -> String {
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
pub(crate) fn uninline(s: &str) -> String {
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
pub(crate) fn section_body(text: &str) -> String {
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

pub(crate) fn unsection_line(line: &str) -> &str {
    match line.strip_prefix('\\') {
        Some(rest) if looks_like_heading(rest) => rest,
        _ => line,
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

/// The header lines between the title and the first section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Header {
    Date,
    Severity,
    Owners,
    Status,
    MissingGuardrail,
}

impl Header {
    const ALL: [Header; 5] = [
        Header::Date,
        Header::Severity,
        Header::Owners,
        Header::Status,
        Header::MissingGuardrail,
    ];

    /// The name before the colon, in lower case.
    fn name(self) -> &'static str {
        match self {
            Header::Date => "date",
            Header::Severity => "severity",
            Header::Owners => "owners",
            Header::Status => "status",
            Header::MissingGuardrail => "missing guardrail",
        }
    }

    /// The JSON path of the header in [`PostmortemInput`].
    fn path(self) -> &'static str {
        match self {
            Header::MissingGuardrail => "missing_guardrail",
            other => other.name(),
        }
    }

    /// A header name as people type it: case and spacing do not matter.
    fn read(key: &str) -> Option<Header> {
        let key = words(key);
        Header::ALL.into_iter().find(|h| words(h.name()) == key)
    }
}

/// A numbered line of the document.
type Numbered<'a> = (usize, &'a str);

/// A section as found: the line of its heading and its numbered lines.
type Body<'a> = (usize, Vec<Numbered<'a>>);

/// What is read so far: the input, the line of each part, the problems.
struct Reader {
    input: PostmortemInput,
    lines: Vec<(String, usize)>,
    problems: Vec<Finding>,
}

/// A text read, shared as the postmortem's input holds it (`None` if blank).
fn blank_to_none(s: String) -> Option<Arc<str>> {
    (!s.trim().is_empty()).then(|| Arc::from(s))
}

impl PostmortemInput {
    /// Reads a postmortem written in the template's shape (see
    /// [`postmortem`](crate::postmortem#markdown)). What cannot be read is listed in
    /// [`MarkdownPostmortem::problems`]; the rules themselves
    /// (`postmortem-incomplete`, `action-item-incomplete`, …) are checked by
    /// [`Postmortem::from_input`] or [`lint_postmortem`](crate::postmortem::lint_postmortem).
    ///
    /// ```
    /// use incident_playbook::{postmortem::{PostmortemInput, PostmortemStatus}};
    /// let md = "# Postmortem: Uploads failing\r\n\r\nDate: 2026-05-05\r\nSeverity: SEV2\r\n\
    ///           Owners: Ada, Grace\r\nStatus: Draft\r\n\r\n## Summary\r\n\r\nUploads failed.\r\n\
    ///           \r\n## Action Items\r\n\r\n| Action | Owner | Due | Status |\r\n|---|---|---|---|\r\n\
    ///           | Add a smoke test |  | 2026-05-20 | open |\r\n";
    /// let read = PostmortemInput::from_markdown(md);
    /// assert!(read.problems.is_empty());
    /// assert_eq!(read.input.status, PostmortemStatus::Draft);
    /// assert_eq!(read.input.owners.as_deref(), Some(&["Ada".into(), "Grace".into()][..]));
    /// assert_eq!(read.input.summary.as_deref(), Some("Uploads failed."));
    /// let item = &read.input.action_items.as_ref().unwrap()[0];
    /// assert!(item.owner.is_none());
    /// assert_eq!(read.line_of("action_items[0].owner"), Some(16));
    /// ```
    pub fn from_markdown(text: &str) -> MarkdownPostmortem {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .peekable();
        skip_to_title(&mut lines);
        let mut r = Reader::new();
        let title_line = r.title(lines.next());
        let mut header = Vec::new();
        while let Some(line) = lines.next_if(|(_, l)| !l.trim_start().starts_with("## ")) {
            header.push(line);
        }
        r.headers(&header, title_line);
        let mut sections = r.split_sections(lines);
        // The text sections first, then the tables: the order `lines` lists
        // the parts in.
        sections.sort_by_key(|(s, _)| {
            let table = matches!(s, Section::Timeline | Section::ActionItems);
            (table, Section::ALL.iter().position(|a| a == s))
        });
        for (section, body) in sections {
            r.section(section, body);
        }
        r.finish()
    }
}

impl Reader {
    fn new() -> Self {
        Reader {
            input: PostmortemInput::empty(PostmortemStatus::Draft),
            lines: Vec::new(),
            problems: Vec::new(),
        }
    }

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

    fn finish(mut self) -> MarkdownPostmortem {
        self.problems.sort_by_key(|f| f.line.unwrap_or(0));
        MarkdownPostmortem {
            input: self.input,
            lines: self.lines,
            problems: self.problems,
        }
    }

    /// Reads the title line (the first that is not blank); returns its line.
    fn title(&mut self, line: Option<Numbered<'_>>) -> usize {
        let Some((n, line)) = line else {
            self.malformed(None, "title", "the document is empty");
            return 1;
        };
        self.at("title", n);
        let title = line
            .trim()
            .strip_prefix("# ")
            .map(str::trim_start)
            .and_then(|rest| {
                rest.get(..11)
                    .filter(|p| p.eq_ignore_ascii_case("postmortem:"))
                    .map(|_| rest.get(11..).unwrap_or_default())
            });
        match title {
            Some(title) => self.input.title = blank_to_none(uninline(title.trim())),
            None => self.malformed(
                Some(n),
                "title",
                "the first line is the title: `# Postmortem: <incident title>`",
            ),
        }
        n
    }

    /// Reads the header lines; `Status:` is the one that must be there.
    fn headers(&mut self, lines: &[Numbered<'_>], title_line: usize) {
        let mut seen: Vec<Header> = Vec::new();
        for &(n, line) in lines {
            let t = line.trim();
            if t.is_empty() {
                continue;
            }
            let Some((key, value)) = t.split_once(':') else {
                self.malformed(
                    Some(n),
                    "",
                    format!(
                        "`{}` is not a `Name: value` header line (Date, Severity, Owners, Status)",
                        clip(t)
                    ),
                );
                continue;
            };
            let Some(header) = Header::read(key) else {
                self.malformed(
                    Some(n),
                    "",
                    format!(
                        "`{}` is not a header of the template (Date, Severity, Owners, Status)",
                        clip(key.trim())
                    ),
                );
                continue;
            };
            if seen.contains(&header) {
                self.malformed(Some(n), "", format!("`{}:` is given twice", key.trim()));
                continue;
            }
            seen.push(header);
            self.at(header.path(), n);
            self.header(header, n, value.trim());
        }
        if !seen.contains(&Header::Status) {
            self.malformed(
                Some(title_line),
                "status",
                "the postmortem has no `Status:` line (draft, in_review or published)",
            );
        }
        if self.input.missing_guardrail == Some(false) {
            self.input.missing_guardrail = None;
        }
    }

    /// Reads one header's value, at line `n`.
    fn header(&mut self, header: Header, n: usize, value: &str) {
        let path = header.path();
        match header {
            Header::Date if !value.is_empty() => match value.parse::<Date>() {
                Ok(d) => self.input.date = Some(d),
                Err(e) => self.malformed(Some(n), path, e.to_string()),
            },
            Header::Severity if !value.is_empty() => match Severity::ALL
                .into_iter()
                .find(|s| s.as_str().eq_ignore_ascii_case(value))
            {
                Some(s) => self.input.severity = Some(s),
                None => self.malformed(
                    Some(n),
                    path,
                    format!(
                        "`{}` is not a severity (SEV1, SEV2, SEV3, SEV4)",
                        clip(value)
                    ),
                ),
            },
            Header::Date | Header::Severity => {}
            Header::Owners => {
                let owners: Vec<Arc<str>> = split_owners(value)
                    .into_iter()
                    .filter(|o| !o.is_empty())
                    .map(Arc::from)
                    .collect();
                self.input.owners = (!owners.is_empty()).then_some(owners);
            }
            Header::Status => match read_status(value) {
                Some(s) => self.input.status = s,
                None => self.malformed(
                    Some(n),
                    path,
                    format!(
                        "`{}` is not a postmortem status (draft, in_review, published)",
                        clip(value)
                    ),
                ),
            },
            Header::MissingGuardrail => match value.to_lowercase().as_str() {
                "yes" | "true" => self.input.missing_guardrail = Some(true),
                "no" | "false" | "" => self.input.missing_guardrail = Some(false),
                _ => self.malformed(Some(n), path, format!("`{}` is not yes or no", clip(value))),
            },
        }
    }

    /// Splits the lines from the first `## ` heading into the template's
    /// sections; a heading the template does not know stays in the section
    /// above.
    fn split_sections<'a>(
        &mut self,
        lines: impl Iterator<Item = Numbered<'a>>,
    ) -> Vec<(Section, Body<'a>)> {
        let mut bodies: Vec<(Section, Body<'a>)> = Vec::new();
        let mut current: Option<Section> = None;
        for (n, line) in lines {
            let heading = line
                .trim_start()
                .strip_prefix("## ")
                .and_then(|h| Section::read(h.trim()));
            match heading {
                Some(s) if bodies.iter().any(|(b, _)| *b == s) => {
                    self.malformed(Some(n), "", format!("`## {}` is given twice", s.heading()));
                    current = None;
                }
                Some(s) => {
                    bodies.push((s, (n, Vec::new())));
                    current = Some(s);
                }
                None => match current.and_then(|c| bodies.iter_mut().find(|(b, _)| *b == c)) {
                    Some((_, (_, body))) => body.push((n, line)),
                    None if !line.trim().is_empty() => {
                        self.malformed(Some(n), "", "text outside the template's sections");
                    }
                    None => {}
                },
            }
        }
        bodies
    }

    /// Reads one section's body into the input.
    fn section(&mut self, section: Section, (n, body): Body<'_>) {
        self.at(section.path(), n);
        let text = || section_text(&body);
        match section {
            Section::Summary => self.input.summary = text(),
            Section::Impact => self.input.impact = text(),
            Section::RootCause => self.input.root_cause = text(),
            Section::WhatWorked => self.input.what_worked = text(),
            Section::WhatDidNotWork => self.input.what_did_not_work = text(),
            Section::Timeline => self.input.timeline = Some(read_timeline(self, &body)),
            Section::ActionItems => self.input.action_items = Some(read_action_items(self, &body)),
        }
    }
}

/// Skips the blank lines and HTML comments (`<!-- … -->`, which Markdown
/// does not show) before the title: where a hand-written postmortem names
/// its sources or its licence.
fn skip_to_title<'a>(lines: &mut std::iter::Peekable<impl Iterator<Item = Numbered<'a>>>) {
    let mut in_comment = false;
    while let Some((_, line)) = lines.peek() {
        let t = line.trim();
        let starts_comment = t.starts_with("<!--");
        if !(in_comment || starts_comment || t.is_empty()) {
            return;
        }
        // A comment ends on the line with `-->` after its opening.
        let body = if starts_comment {
            t.get(4..).unwrap_or_default()
        } else {
            t
        };
        if in_comment || starts_comment {
            in_comment = !body.contains("-->");
        }
        lines.next();
    }
}

/// A text section's text, without the blank lines around it.
fn section_text(body: &[Numbered<'_>]) -> Option<Arc<str>> {
    let mut lines: Vec<&str> = body.iter().map(|(_, l)| unsection_line(l)).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let start = lines.iter().position(|l| !l.trim().is_empty())?;
    let joined = lines.get(start..).unwrap_or_default().join("\n");
    blank_to_none(joined.trim().to_owned())
}

/// One of `all` as people type its wire name: any case, `-` or space for `_`.
fn read_named<T: Copy>(all: &[T], name: fn(T) -> &'static str, value: &str) -> Option<T> {
    let v = value.to_lowercase().replace([' ', '-'], "_");
    all.iter().copied().find(|s| name(*s) == v)
}

fn read_status(value: &str) -> Option<PostmortemStatus> {
    let all = [
        PostmortemStatus::Draft,
        PostmortemStatus::InReview,
        PostmortemStatus::Published,
    ];
    read_named(&all, PostmortemStatus::as_str, value)
}

/// Splits at `sep` where no backslash escapes it; the escapes are kept.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            cur.push('\\');
            if let Some(n) = chars.next() {
                cur.push(n);
            }
        } else if c == sep {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn split_owners(value: &str) -> Vec<String> {
    split_unescaped(value, ',')
        .iter()
        .map(|o| uninline(o.trim()))
        .collect()
}

/// Splits a table row into its cells, honouring `\|`.
fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut out = split_unescaped(row, '|');
    // The text after the closing `|`, if any, is a cell only when not blank.
    if out.last().is_some_and(|c| c.trim().is_empty()) {
        out.pop();
    }
    out.into_iter().map(|c| c.trim().to_owned()).collect()
}

fn is_separator_row(row: &str) -> bool {
    let c = cells(row);
    !c.is_empty()
        && c.iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
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

fn read_timeline(r: &mut Reader, body: &[Numbered<'_>]) -> Vec<TimelineEntryInput> {
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
        match time.parse::<Timestamp>() {
            Ok(at) => {
                r.at(format!("timeline[{}]", out.len()), n);
                out.push(TimelineEntryInput {
                    at,
                    event: blank_to_none(uninline(&event)),
                });
            }
            // An entry that cannot be read is in no `timeline[i]` of the
            // input (`timeline[i]` is the next one read): its line says which.
            Err(e) => r.malformed(Some(n), "timeline", e.to_string()),
        }
    }
    out
}

/// The columns of the action items table, by position.
struct Columns {
    action: Option<usize>,
    owner: Option<usize>,
    due: Option<usize>,
    status: Option<usize>,
    guardrail: Option<usize>,
}

impl Columns {
    /// The columns a table's header names (the template's four without one).
    fn of(header: Option<Vec<String>>) -> Self {
        let header = header.unwrap_or_else(|| {
            ["action", "owner", "due", "status"]
                .map(str::to_owned)
                .to_vec()
        });
        let col = |name: &str| header.iter().position(|h| h == name);
        Columns {
            action: col("action"),
            owner: col("owner"),
            due: col("due"),
            status: col("status"),
            guardrail: col("guardrail"),
        }
    }
}

fn read_action_items(r: &mut Reader, body: &[Numbered<'_>]) -> Vec<ActionItemInput> {
    let (header, rows) = table(body);
    let columns = Columns::of(header);
    if columns.action.is_none() || columns.owner.is_none() || columns.due.is_none() {
        let line = body.first().map(|(n, _)| *n);
        r.malformed(
            line,
            "action_items",
            "the action items table has the columns `| Action | Owner | Due | Status |`",
        );
    }
    let mut out = Vec::new();
    for (n, row) in rows {
        if row.starts_with('|') {
            let path = format!("action_items[{}]", out.len());
            r.at(path.clone(), n);
            out.push(read_action_item(r, &columns, &path, (n, row)));
        } else {
            // A hand-written list item: an action without owner, due day or
            // status, which the rules could not check.
            r.malformed(
                Some(n),
                "action_items",
                "an action item is a row of the table `| Action | Owner | Due | Status |`, not a list item",
            );
        }
    }
    out
}

/// One row of the action items table, at `path`.
fn read_action_item(
    r: &mut Reader,
    columns: &Columns,
    path: &str,
    (n, row): Numbered<'_>,
) -> ActionItemInput {
    let c = cells(row);
    let cell = |i: Option<usize>| {
        i.and_then(|i| c.get(i))
            .map(|s| uninline(s))
            .and_then(blank_to_none)
    };
    let mut item = ActionItemInput {
        action: cell(columns.action),
        owner: cell(columns.owner),
        ..Default::default()
    };
    if let Some(d) = cell(columns.due) {
        match d.parse::<Date>() {
            Ok(d) => item.due = Some(d),
            Err(e) => r.malformed(Some(n), &format!("{path}.due"), e.to_string()),
        }
    }
    if let Some(s) = cell(columns.status) {
        item.status = read_action_status(&s);
        if item.status.is_none() {
            r.malformed(
                Some(n),
                &format!("{path}.status"),
                format!(
                    "`{}` is not an action item status (open, in_progress, done)",
                    clip(&s)
                ),
            );
        }
    }
    if let Some(g) = cell(columns.guardrail) {
        item.guardrail = read_guardrail(&g);
        if item.guardrail.is_none() {
            r.malformed(
                Some(n),
                &format!("{path}.guardrail"),
                format!(
                    "`{}` is not a guardrail (handbook, adr, dashboard, test)",
                    clip(&g)
                ),
            );
        }
    }
    item
}

fn read_action_status(value: &str) -> Option<ActionStatus> {
    let all = [
        ActionStatus::Open,
        ActionStatus::InProgress,
        ActionStatus::Done,
    ];
    read_named(&all, ActionStatus::as_str, value)
}

fn read_guardrail(value: &str) -> Option<Guardrail> {
    [
        Guardrail::Handbook,
        Guardrail::Adr,
        Guardrail::Dashboard,
        Guardrail::Test,
    ]
    .into_iter()
    .find(|x| x.as_str().eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_split_at_unescaped_commas() {
        assert_eq!(
            split_owners("Ada, Grace\\, Jr., "),
            ["Ada", "Grace, Jr.", ""]
        );
    }

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
