//! The playbook's six-line update format, written and read back.
//!
//! ```text
//! Status: investigating
//! Severity: SEV1
//! Impact: Uploads fail for all users
//! Action: Checking the 09:02 deploy
//! Next update: 2026-05-04T09:35:00Z
//! Owner: Ada
//! ```
//!
//! Reading is meant for a chat bot that picks up an update someone typed by
//! hand, so it forgives what chat clients and people do to text and is strict
//! about what the playbook asks for:
//!
//! - forgiven: blank lines anywhere, white space around lines and values,
//!   CRLF line ends, a leading byte-order mark, field names in any case
//!   (`Next Update:`), status and severity in any case (`Investigating`,
//!   `sev1`);
//! - refused: a missing, repeated, unknown or out-of-order field, a blank
//!   value, a time that is not RFC 3339 with an offset, and an open status
//!   without a next update time (`update-needs-next-update`).
//!
//! `Next update:` is `none` when there is no next update (only a `resolved`
//! update may say so); `n/a` is read as `none` too.
//!
//! Values are one line each. A value's line breaks, its backslashes and any
//! white space at its very start or end are written as escapes (`\n`, `\r`,
//! `\\`, `\u{20}`), so that writing and reading back gives exactly the same
//! update. A backslash not followed by one of those escapes is kept as typed.

use std::fmt;
use std::str::FromStr;

use crate::comms::{Audience, CommsUpdate, Status, UpdateInput, next_update_problem};
use crate::finding::{Finding, clip};
use crate::rule::{Rule, Violation};
use crate::severity::Severity;
use crate::text::{BoundedText, Name, ShortText, TextError};
use crate::time::Timestamp;

/// The six fields, in the playbook's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Status,
    Severity,
    Impact,
    Action,
    NextUpdate,
    Owner,
}

impl Field {
    const ALL: [Field; 6] = [
        Field::Status,
        Field::Severity,
        Field::Impact,
        Field::Action,
        Field::NextUpdate,
        Field::Owner,
    ];

    /// The name before the colon.
    fn name(self) -> &'static str {
        match self {
            Field::Status => "Status",
            Field::Severity => "Severity",
            Field::Impact => "Impact",
            Field::Action => "Action",
            Field::NextUpdate => "Next update",
            Field::Owner => "Owner",
        }
    }

    /// The JSON path, as the wire's `update` object names the field.
    fn path(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Severity => "severity",
            Field::Impact => "impact",
            Field::Action => "action",
            Field::NextUpdate => "next_update",
            Field::Owner => "owner",
        }
    }

    /// The field after this one, in the playbook's order.
    fn next(self) -> Option<Field> {
        Field::ALL.into_iter().find(|f| *f > self)
    }

    /// A field name as people type it: case and inner spacing do not matter.
    fn read(key: &str) -> Option<Field> {
        let words =
            |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
        let key = words(key);
        Field::ALL.into_iter().find(|f| words(f.name()) == key)
    }
}

/// What `Next update:` says when there is none.
const NONE: &str = "none";

/// The text of a comms update, without the time it was posted: what the
/// six lines carry.
///
/// Built by reading the text ([`FromStr`]), from a posted [`CommsUpdate`]
/// ([`CommsUpdate::text`]) or with [`UpdateText::new`]; an open status always
/// has a next update time.
///
/// ```
/// use incident_playbook::{Severity, state::{Status, UpdateText}};
/// let text = "Status: investigating\r\nSeverity: SEV1\r\nImpact: Uploads fail for all users\r\n\
///             Action: Checking the 09:02 deploy  \r\nNext update: 2026-05-04T09:35:00Z\r\nOwner: Ada\r\n";
/// let update: UpdateText = text.parse().unwrap();
/// assert_eq!(update.status(), Status::Investigating);
/// assert_eq!(update.severity(), Severity::Sev1);
/// assert_eq!(update.action().as_str(), "Checking the 09:02 deploy");
/// assert_eq!(update.to_string().lines().nth(4), Some("Next update: 2026-05-04T09:35:00Z"));
///
/// // An open incident's update says when the next one comes.
/// let err = text.replace("2026-05-04T09:35:00Z", "none").parse::<UpdateText>().unwrap_err();
/// assert_eq!(err.problems()[0].rule(), incident_playbook::Rule::UpdateNeedsNextUpdate);
/// assert_eq!(err.problems()[0].line(), Some(5));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UpdateText {
    // Seen by `CommsUpdate` (the parent module), which holds an update text
    // and builds one for a command it checked or a stored update.
    pub(super) status: Status,
    pub(super) severity: Severity,
    pub(super) impact: ShortText,
    pub(super) action: ShortText,
    pub(super) next_update: Option<Timestamp>,
    pub(super) owner: Name,
}

impl UpdateText {
    /// An update text from its parts.
    ///
    /// # Errors
    ///
    /// `update-needs-next-update` when `next_update` is `None` and the status
    /// is not `resolved`.
    pub fn new(
        status: Status,
        severity: Severity,
        impact: ShortText,
        action: ShortText,
        next_update: Option<Timestamp>,
        owner: Name,
    ) -> Result<Self, ParseUpdateError> {
        if let Some((rule, message)) = next_update_problem(status, next_update, None) {
            return Err(ParseUpdateError::one(None, rule, "next_update", message));
        }
        Ok(UpdateText {
            status,
            severity,
            impact,
            action,
            next_update,
            owner,
        })
    }

    /// `Status:`.
    pub fn status(&self) -> Status {
        self.status
    }
    /// `Severity:`.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// `Impact:`.
    pub fn impact(&self) -> &ShortText {
        &self.impact
    }
    /// `Action:`.
    pub fn action(&self) -> &ShortText {
        &self.action
    }
    /// `Next update:` (`None` written as `none`).
    pub fn next_update(&self) -> Option<Timestamp> {
        self.next_update
    }
    /// `Owner:`.
    pub fn owner(&self) -> &Name {
        &self.owner
    }

    /// The update as posted at `at`.
    ///
    /// # Errors
    ///
    /// `next-update-not-after-update` when the next update is not after `at`.
    pub fn posted_at(self, at: Timestamp) -> Result<CommsUpdate, ParseUpdateError> {
        if let Some((rule, message)) = next_update_problem(self.status, self.next_update, Some(at))
        {
            return Err(ParseUpdateError::one(None, rule, "next_update", message));
        }
        Ok(CommsUpdate {
            at,
            text: self,
            audience: Audience::Internal,
        })
    }

    /// The update as a `post_update` command carries it (the severity is the
    /// incident's and is not sent).
    ///
    /// ```
    /// use incident_playbook::state::UpdateText;
    /// let text: UpdateText = "Status: resolved\nSeverity: SEV2\nImpact: None\n\
    ///     Action: Resolved\nNext update: none\nOwner: Ada".parse().unwrap();
    /// let input = text.to_input();
    /// assert_eq!(input.owner.as_deref(), Some("Ada"));
    /// assert!(input.next_update.is_none());
    /// ```
    pub fn to_input(&self) -> UpdateInput {
        UpdateInput {
            status: Some(self.status),
            impact: Some(Box::from(self.impact.as_str())),
            action: Some(Box::from(self.action.as_str())),
            next_update: self.next_update,
            owner: Some(self.owner.as_shared().clone()),
            audience: None,
        }
    }
}

impl fmt::Display for UpdateText {
    /// The six lines, without a line break after the last.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Status: {}", self.status)?;
        writeln!(f, "Severity: {}", self.severity)?;
        writeln!(f, "Impact: {}", escape(&self.impact))?;
        writeln!(f, "Action: {}", escape(&self.action))?;
        match self.next_update {
            Some(t) => writeln!(f, "Next update: {t}")?,
            None => writeln!(f, "Next update: {NONE}")?,
        }
        write!(f, "Owner: {}", escape(&self.owner))
    }
}

impl CommsUpdate {
    /// Reads an update in the playbook's format, posted at `at`: the six lines
    /// do not say when they were posted, so the caller does (a chat bot
    /// knows when the message came).
    ///
    /// # Errors
    ///
    /// Everything [`UpdateText`]'s parsing refuses, and
    /// `next-update-not-after-update`.
    ///
    /// ```
    /// use incident_playbook::{Rule, Timestamp, state::CommsUpdate};
    /// let at: Timestamp = "2026-05-04T09:05:00Z".parse().unwrap();
    /// let text = "Status: investigating\nSeverity: SEV1\nImpact: Uploads fail\n\
    ///             Action: Checking the deploy\nNext update: 2026-05-04T09:35:00Z\nOwner: Ada";
    /// let update = CommsUpdate::parse_at(text, at).unwrap();
    /// assert_eq!(update.at(), at);
    /// assert_eq!(update.to_string(), text); // Display writes the same six lines
    ///
    /// let late: Timestamp = "2026-05-04T10:00:00Z".parse().unwrap();
    /// let err = CommsUpdate::parse_at(text, late).unwrap_err();
    /// assert_eq!(err.problems()[0].rule(), Rule::NextUpdateNotAfterUpdate);
    /// ```
    pub fn parse_at(text: &str, at: Timestamp) -> Result<CommsUpdate, ParseUpdateError> {
        text.parse::<UpdateText>()?.posted_at(at)
    }
}

impl fmt::Display for CommsUpdate {
    /// The update in the playbook's six-line format (see [`UpdateText`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.text, f)
    }
}

/// One thing wrong with an update's text: a [`Finding`] whose violation's
/// path is the field's wire name. The name stays for existing callers; new
/// code names [`Finding`].
pub type UpdateProblem = Finding;

/// Why a text is not a comms update: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseUpdateError {
    problems: Vec<Finding>,
}

impl ParseUpdateError {
    fn one(line: Option<usize>, rule: Rule, path: &str, message: impl Into<String>) -> Self {
        ParseUpdateError {
            problems: vec![Finding::new(
                line,
                Violation::new(rule, message, Some(path)),
            )],
        }
    }

    /// Every problem, in the order of the text (never empty).
    pub fn problems(&self) -> &[Finding] {
        &self.problems
    }
}

impl fmt::Display for ParseUpdateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Collects problems while reading.
struct Problems(Vec<Finding>);

impl Problems {
    fn push(
        &mut self,
        line: Option<usize>,
        rule: Rule,
        field: Option<Field>,
        message: impl Into<String>,
    ) {
        let path = field.map(Field::path);
        self.0
            .push(Finding::new(line, Violation::new(rule, message, path)));
    }

    fn malformed(&mut self, line: usize, field: Field, message: impl Into<String>) {
        self.push(Some(line), Rule::MalformedInput, Some(field), message);
    }

    /// The update read, if nothing is wrong; else every problem in the
    /// order of the text.
    fn conclude(self, read: Option<UpdateText>) -> Result<UpdateText, ParseUpdateError> {
        let mut problems = self.0;
        problems.sort_by_key(|p| p.line.unwrap_or(usize::MAX));
        match read {
            _ if !problems.is_empty() => Err(ParseUpdateError { problems }),
            Some(text) => Ok(text),
            // Every `None` pushed a problem; this keeps the reading total.
            None => Err(ParseUpdateError::one(
                None,
                Rule::MalformedInput,
                "",
                "the text could not be read as an update",
            )),
        }
    }
}

/// A field's line: its 1-based number and its raw value.
type Line<'a> = (usize, &'a str);

/// The line of each field, once seen.
#[derive(Default)]
struct Lines<'a> {
    status: Option<Line<'a>>,
    severity: Option<Line<'a>>,
    impact: Option<Line<'a>>,
    action: Option<Line<'a>>,
    next_update: Option<Line<'a>>,
    owner: Option<Line<'a>>,
}

impl<'a> Lines<'a> {
    fn slot(&mut self, field: Field) -> &mut Option<Line<'a>> {
        match field {
            Field::Status => &mut self.status,
            Field::Severity => &mut self.severity,
            Field::Impact => &mut self.impact,
            Field::Action => &mut self.action,
            Field::NextUpdate => &mut self.next_update,
            Field::Owner => &mut self.owner,
        }
    }

    /// Finds each field's line, refusing what is not a field line, a field
    /// given twice or out of order, and a missing field.
    fn read(text: &'a str, problems: &mut Problems) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = Lines::default();
        let mut last: Option<Field> = None;
        for (i, raw) in text.split('\n').enumerate() {
            let n = i + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw).trim();
            if line.is_empty() {
                continue;
            }
            if let Some((field, value)) = field_line(problems, n, line) {
                lines.take(problems, &mut last, field, (n, value));
            }
        }
        for field in Field::ALL {
            if lines.slot(field).is_none() {
                problems.push(
                    None,
                    Rule::MalformedInput,
                    Some(field),
                    format!("the update has no `{}:` line", field.name()),
                );
            }
        }
        lines
    }

    /// Keeps a field's line; `last` is the furthest field seen so far.
    fn take(
        &mut self,
        problems: &mut Problems,
        last: &mut Option<Field>,
        field: Field,
        line: Line<'a>,
    ) {
        let n = line.0;
        if self.slot(field).is_some() {
            problems.malformed(n, field, format!("`{}:` is given twice", field.name()));
            return;
        }
        let expected = last.map_or(Some(Field::Status), Field::next);
        if expected != Some(field) {
            let expected =
                expected.map_or("nothing more".to_owned(), |e| format!("`{}:`", e.name()));
            problems.malformed(
                n,
                field,
                format!(
                    "`{}:` is out of order: the playbook's order is Status, Severity, Impact, Action, Next update, Owner (expected {expected})",
                    field.name()
                ),
            );
        }
        *self.slot(field) = Some(line);
        *last = (*last).max(Some(field));
    }

    /// Reads each field's value; `None` when one is missing or wrong.
    fn values(self, problems: &mut Problems) -> Option<UpdateText> {
        let Lines {
            status,
            severity,
            impact,
            action,
            next_update,
            owner,
        } = self;
        let status = status.and_then(|l| read_status(problems, l));
        let severity = severity.and_then(|l| read_severity(problems, l));
        let impact = impact.and_then(|l| text_value::<ShortText>(problems, Field::Impact, l));
        let action = action.and_then(|l| text_value::<ShortText>(problems, Field::Action, l));
        let next = next_update.and_then(|l| read_next_update(problems, l));
        let owner = owner.and_then(|l| text_value::<Name>(problems, Field::Owner, l));
        if let (Some(status), Some(next)) = (status, next)
            && let Some((rule, message)) = next_update_problem(status, next, None)
        {
            let line = next_update.map(|(n, _)| n);
            problems.push(line, rule, Some(Field::NextUpdate), message);
        }
        Some(UpdateText {
            status: status?,
            severity: severity?,
            impact: impact?,
            action: action?,
            next_update: next?,
            owner: owner?,
        })
    }
}

/// A `Field: value` line, split; a problem if it is not one.
fn field_line<'a>(problems: &mut Problems, n: usize, line: &'a str) -> Option<(Field, &'a str)> {
    let Some((key, value)) = line.split_once(':') else {
        problems.push(
            Some(n),
            Rule::MalformedInput,
            None,
            format!(
                "`{}` is not a `Field: value` line of the update",
                clip(line)
            ),
        );
        return None;
    };
    let Some(field) = Field::read(key) else {
        problems.push(
            Some(n),
            Rule::MalformedInput,
            None,
            format!(
                "`{}` is not a field of the update (Status, Severity, Impact, Action, Next update, Owner)",
                clip(key.trim())
            ),
        );
        return None;
    };
    Some((field, value.trim()))
}

impl FromStr for UpdateText {
    type Err = ParseUpdateError;

    fn from_str(text: &str) -> Result<Self, ParseUpdateError> {
        let mut problems = Problems(Vec::new());
        let read = Lines::read(text, &mut problems).values(&mut problems);
        problems.conclude(read)
    }
}

fn read_status(problems: &mut Problems, (n, v): Line<'_>) -> Option<Status> {
    let found = [
        Status::Investigating,
        Status::Mitigating,
        Status::Monitoring,
        Status::Resolved,
    ]
    .into_iter()
    .find(|s| s.as_str().eq_ignore_ascii_case(v));
    if found.is_none() {
        problems.malformed(
            n,
            Field::Status,
            format!(
                "`{}` is not a status (investigating, mitigating, monitoring, resolved)",
                clip(v)
            ),
        );
    }
    found
}

fn read_severity(problems: &mut Problems, (n, v): Line<'_>) -> Option<Severity> {
    let found = Severity::ALL
        .into_iter()
        .find(|s| s.as_str().eq_ignore_ascii_case(v));
    if found.is_none() {
        problems.malformed(
            n,
            Field::Severity,
            format!("`{}` is not a severity (SEV1, SEV2, SEV3, SEV4)", clip(v)),
        );
    }
    found
}

/// `Some(None)` for `none` (or `n/a`), `None` when the value does not read.
fn read_next_update(problems: &mut Problems, (n, v): Line<'_>) -> Option<Option<Timestamp>> {
    if v.eq_ignore_ascii_case(NONE) || v.eq_ignore_ascii_case("n/a") {
        return Some(None);
    }
    match v.parse::<Timestamp>() {
        Ok(t) => Some(Some(t)),
        Err(e) => {
            problems.malformed(
                n,
                Field::NextUpdate,
                format!("{e}, or `none` once resolved"),
            );
            None
        }
    }
}

fn text_value<T: BoundedText>(
    problems: &mut Problems,
    field: Field,
    (n, raw): Line<'_>,
) -> Option<T> {
    match T::parse_owned(unescape(raw)) {
        Ok(t) => Some(t),
        Err(TextError::Blank) => {
            problems.push(
                Some(n),
                Rule::FieldEmpty,
                Some(field),
                format!(
                    "`{}:` is blank; it is {} and is required",
                    field.name(),
                    T::WHAT
                ),
            );
            None
        }
        Err(e) => {
            problems.push(
                Some(n),
                Rule::FieldTooLong,
                Some(field),
                format!("`{}:` {e}", field.name()),
            );
            None
        }
    }
}

/// Writes a value on one line that reads back exactly (see the module docs).
pub(crate) fn escape(s: &str) -> String {
    let last = s.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (i == 0 || i == last) && c.is_whitespace() => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

/// Reads the escapes [`escape`] writes; any other backslash stays as typed.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let after = tail.get(1..).unwrap_or_default();
        let (decoded, used) = match after.chars().next() {
            Some('\\') => (Some('\\'), 1),
            Some('n') => (Some('\n'), 1),
            Some('r') => (Some('\r'), 1),
            Some('u') => match after
                .strip_prefix("u{")
                .and_then(|a| a.split_once('}'))
                .and_then(|(hex, _)| {
                    (hex.len() <= 6)
                        .then(|| u32::from_str_radix(hex, 16).ok())
                        .flatten()
                        .and_then(char::from_u32)
                        .map(|c| (c, hex.len() + 3))
                }) {
                Some((c, used)) => (Some(c), used),
                None => (None, 0),
            },
            _ => (None, 0),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.get(used..).unwrap_or_default();
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Status: investigating\nSeverity: SEV1\nImpact: Uploads fail for all users\nAction: Checking the 09:02 deploy\nNext update: 2026-05-04T09:35:00Z\nOwner: Ada";

    #[test]
    fn reads_what_people_type() {
        let messy = "\u{feff}\r\n  status:   Investigating  \r\n\r\nSEVERITY: sev1\r\nImpact: Uploads fail for all users\r\nAction: Checking the 09:02 deploy\t\r\nNext Update: 2026-05-04T11:35:00+02:00\r\nowner: Ada\r\n\r\n";
        let a: UpdateText = messy.parse().unwrap();
        let b: UpdateText = TEXT.parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), TEXT);
    }

    #[test]
    fn refuses_what_the_playbook_does_not_say() {
        let cases: &[(&str, Rule, Option<usize>)] = &[
            (&TEXT.replace("Owner: Ada", ""), Rule::MalformedInput, None),
            (
                &format!("{TEXT}\nOwner: Ada"),
                Rule::MalformedInput,
                Some(7),
            ),
            (
                &TEXT.replace("Impact:", "Impacts:"),
                Rule::MalformedInput,
                Some(3),
            ),
            (
                &TEXT.replace("Impact: Uploads fail for all users", "Impact:   "),
                Rule::FieldEmpty,
                Some(3),
            ),
            (
                &TEXT.replace("2026-05-04T09:35:00Z", "09:35"),
                Rule::MalformedInput,
                Some(5),
            ),
            (&TEXT.replace("SEV1", "SEV5"), Rule::MalformedInput, Some(2)),
            (
                &TEXT.replace("investigating", "fixing"),
                Rule::MalformedInput,
                Some(1),
            ),
            (
                &TEXT.replace("Owner: Ada", &format!("Owner: {}", "x".repeat(201))),
                Rule::FieldTooLong,
                Some(6),
            ),
            (
                "Severity: SEV1\nStatus: investigating\nImpact: a\nAction: b\nNext update: 2026-05-04T09:35:00Z\nOwner: Ada",
                Rule::MalformedInput,
                Some(2),
            ),
            ("just some chat", Rule::MalformedInput, Some(1)),
        ];
        for (text, rule, line) in cases {
            let err = text.parse::<UpdateText>().unwrap_err();
            assert!(
                err.problems()
                    .iter()
                    .any(|p| p.rule() == *rule && p.line() == *line),
                "{text:?}: {err}"
            );
        }
    }

    #[test]
    fn resolved_may_say_none() {
        let text = TEXT
            .replace("investigating", "resolved")
            .replace("2026-05-04T09:35:00Z", "N/A");
        let u: UpdateText = text.parse().unwrap();
        assert_eq!(u.next_update(), None);
        assert!(u.to_string().contains("Next update: none"));
    }

    #[test]
    fn escapes_read_back() {
        for s in [
            "a\nb",
            "C:\\new",
            " lead",
            "trail\u{3000}",
            "\\u{20}",
            "x\r\ny",
            "\\",
        ] {
            assert_eq!(unescape(&escape(s)), s, "{s:?} -> {:?}", escape(s));
            assert!(!escape(s).contains('\n'));
        }
        // Typed backslashes that are no escape stay.
        assert_eq!(unescape("C:\\temp \\u{zz}"), "C:\\temp \\u{zz}");
    }
}
