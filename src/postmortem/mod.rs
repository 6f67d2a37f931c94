//! Postmortems in the template's shape, and the follow-up rules.
//!
//! > Follow-Up Rules
//! > - SEV1 and SEV2 incidents require a postmortem.
//! > - Action items must have owners and dates.
//! > - Update the handbook, ADRs, dashboards, or tests when the incident
//! >   revealed a missing guardrail.
//!
//! A postmortem is written as Markdown in the template's shape by
//! [`Postmortem::to_markdown`], drafted from an incident's history by
//! [`Postmortem::draft_from`], read back by
//! [`PostmortemInput::from_markdown`] and checked, with line numbers, by
//! [`lint_postmortem`].
//!
//! # Markdown
//!
//! The template's shape, as written and read:
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

mod lint;
pub(crate) mod markdown;

pub use lint::{LintFinding, lint_postmortem};
pub use markdown::MarkdownPostmortem;

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::rule::{Rejection, Rule, Violations, index, join};
use crate::severity::Severity;
use crate::text::{LongText, Name, SectionText, ShortText, WireText, WireTexts, is_blank};
use crate::time::{Date, Timestamp};
use crate::wire::{setters, shared, texts};

crate::wire::wire_enum! {
    /// Where a postmortem is in its review.
    #[non_exhaustive]
    pub enum PostmortemStatus {
        /// Being written; may be partial.
        Draft = "draft",
        /// Being reviewed; may be partial.
        InReview = "in_review",
        /// Final: every section filled.
        Published = "published",
    }
}

crate::wire::wire_enum! {
    /// Where an action item stands.
    #[derive(Default)]
    #[non_exhaustive]
    pub enum ActionStatus {
        /// Not started (the default).
        #[default]
        Open = "open",
        /// Under way.
        InProgress = "in_progress",
        /// Done.
        Done = "done",
    }
}

crate::wire::wire_enum! {
    /// The guardrail an action item adds: "the handbook, ADRs, dashboards, or tests".
    #[non_exhaustive]
    pub enum Guardrail {
        /// The handbook.
        Handbook = "handbook",
        /// An architecture decision record.
        Adr = "adr",
        /// A dashboard.
        Dashboard = "dashboard",
        /// A test.
        Test = "test",
    }
}

/// A timeline entry as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TimelineEntryInput {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub event: Option<Arc<str>>,
}

/// An action item as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ActionItemInput {
    /// What to do.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub action: Option<Arc<str>>,
    /// Who does it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Name>"
    )]
    pub owner: Option<Arc<str>>,
    /// By when.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::time::blank_as_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Date"))]
    pub due: Option<Date>,
    /// Where it stands; `open` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ActionStatus>,
    /// The guardrail it adds, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<Guardrail>,
}

/// A postmortem as sent in `submit_postmortem`.
///
/// A `draft` or `in_review` postmortem may leave sections out; a `published`
/// one fills them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PostmortemInput {
    /// `# Postmortem: <title>`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<ShortText>"
    )]
    pub title: Option<Arc<str>>,
    /// `Date:`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::time::blank_as_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "crate::time::BlankableDate"))]
    pub date: Option<Date>,
    /// `Severity:` — the incident's peak severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Severity"))]
    pub severity: Option<Severity>,
    /// `Owners:`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireTexts::<Name>"
    )]
    pub owners: Option<Vec<Arc<str>>>,
    /// `Status:`.
    pub status: PostmortemStatus,
    /// `## Summary`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<SectionText>>"
    )]
    pub summary: Option<Arc<str>>,
    /// `## Impact`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<SectionText>>"
    )]
    pub impact: Option<Arc<str>>,
    /// `## Timeline`, in time order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub timeline: Option<Vec<TimelineEntryInput>>,
    /// `## Root Cause`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<SectionText>>"
    )]
    pub root_cause: Option<Arc<str>>,
    /// `## What Worked`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<SectionText>>"
    )]
    pub what_worked: Option<Arc<str>>,
    /// `## What Did Not Work`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<SectionText>>"
    )]
    pub what_did_not_work: Option<Arc<str>>,
    /// `## Action Items`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(length(max = 1000)))]
    pub action_items: Option<Vec<ActionItemInput>>,
    /// Whether the incident revealed a missing guardrail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_guardrail: Option<bool>,
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct TimelineEntry {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub event: ShortText,
}

/// An action item: always with an action, an owner and a due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ActionItem {
    /// What to do.
    pub action: ShortText,
    /// Who does it.
    pub owner: Name,
    /// By when.
    pub due: Date,
    /// Where it stands.
    pub status: ActionStatus,
    /// The guardrail it adds, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<Guardrail>,
}

/// A postmortem the incident accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Postmortem {
    title: ShortText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    date: Option<Date>,
    severity: Severity,
    owners: Vec<Name>,
    status: PostmortemStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<LongText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    impact: Option<LongText>,
    timeline: Vec<TimelineEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    root_cause: Option<LongText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    what_worked: Option<LongText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    what_did_not_work: Option<LongText>,
    action_items: Vec<ActionItem>,
    missing_guardrail: bool,
}

/// `postmortem-severity-mismatch`, at `<path>.severity`: a postmortem
/// names a severity, and the incident's peak severity when `peak` is known.
/// Without a peak (a Markdown file linted on its own) any named severity
/// will do.
pub(crate) fn check_severity(
    report: &mut Violations,
    path: &str,
    named: Option<Severity>,
    peak: Option<Severity>,
) {
    let message = match (named, peak) {
        (Some(s), Some(peak)) if s != peak => {
            format!("the postmortem says {s}, but the incident's peak severity is {peak}")
        }
        (None, Some(peak)) => {
            format!("the postmortem names the incident's peak severity ({peak})")
        }
        (None, None) => {
            "the postmortem names the incident's peak severity (`Severity: SEV1`…`SEV4`)".to_owned()
        }
        (Some(_), _) => return,
    };
    report.push(
        Rule::PostmortemSeverityMismatch,
        &join(path, "severity"),
        message,
    );
}

impl Postmortem {
    /// A draft with what an incident's history can say; the sections only
    /// people can write are left out.
    pub(crate) fn draft(
        title: ShortText,
        date: Date,
        severity: Severity,
        owners: Vec<Name>,
        impact: Option<LongText>,
        timeline: Vec<TimelineEntry>,
        root_cause: Option<LongText>,
    ) -> Postmortem {
        Postmortem {
            title,
            date: Some(date),
            severity,
            owners,
            status: PostmortemStatus::Draft,
            summary: None,
            impact,
            timeline,
            root_cause,
            what_worked: None,
            what_did_not_work: None,
            action_items: Vec::new(),
            missing_guardrail: false,
        }
    }

    /// A draft with the sections the history can start for people to
    /// finish: a summary, what worked, what did not work, action items.
    pub(crate) fn with_draft_sections(
        mut self,
        summary: Option<LongText>,
        what_worked: Option<LongText>,
        what_did_not_work: Option<LongText>,
        action_items: Vec<ActionItem>,
    ) -> Postmortem {
        self.summary = summary;
        self.what_worked = what_worked;
        self.what_did_not_work = what_did_not_work;
        self.action_items = action_items;
        self
    }

    /// `# Postmortem: <title>`.
    pub fn title(&self) -> &ShortText {
        &self.title
    }
    /// `Date:`.
    pub fn date(&self) -> Option<Date> {
        self.date
    }
    /// `Severity:`.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// `Owners:`.
    pub fn owners(&self) -> &[Name] {
        &self.owners
    }
    /// `Status:`.
    pub fn status(&self) -> PostmortemStatus {
        self.status
    }
    /// Whether it is published.
    pub fn is_published(&self) -> bool {
        self.status == PostmortemStatus::Published
    }
    /// `## Summary`.
    pub fn summary(&self) -> Option<&LongText> {
        self.summary.as_ref()
    }
    /// `## Impact`.
    pub fn impact(&self) -> Option<&LongText> {
        self.impact.as_ref()
    }
    /// `## Timeline`.
    pub fn timeline(&self) -> &[TimelineEntry] {
        &self.timeline
    }
    /// `## Root Cause`.
    pub fn root_cause(&self) -> Option<&LongText> {
        self.root_cause.as_ref()
    }
    /// `## What Worked`.
    pub fn what_worked(&self) -> Option<&LongText> {
        self.what_worked.as_ref()
    }
    /// `## What Did Not Work`.
    pub fn what_did_not_work(&self) -> Option<&LongText> {
        self.what_did_not_work.as_ref()
    }
    /// `## Action Items`.
    pub fn action_items(&self) -> &[ActionItem] {
        &self.action_items
    }
    /// Whether the incident revealed a missing guardrail.
    pub fn missing_guardrail(&self) -> bool {
        self.missing_guardrail
    }

    /// A postmortem from its wire form, checked against the postmortem rules
    /// for an incident whose peak severity is `peak` and that was declared on
    /// `declared_on` (UTC): what `submit_postmortem` checks.
    ///
    /// # Errors
    ///
    /// Every postmortem rule broken.
    ///
    /// ```
    /// use incident_playbook::{Rule, Severity, postmortem::{Postmortem, PostmortemInput}};
    /// let input: PostmortemInput = serde_json::from_str(r#"{"title": "Uploads failing",
    ///   "severity": "SEV2", "status": "draft",
    ///   "action_items": [{"action": "Add a smoke test", "due": "2026-05-20"}]}"#).unwrap();
    /// let on = "2026-05-04".parse().unwrap();
    /// let err = Postmortem::from_input(&input, Severity::Sev2, on).unwrap_err();
    /// assert_eq!(err.rule(), Rule::ActionItemIncomplete);
    /// ```
    pub fn from_input(
        input: &PostmortemInput,
        peak: Severity,
        declared_on: Date,
    ) -> Result<Postmortem, Rejection> {
        let mut report = Violations::new();
        let checked = Postmortem::check(&mut report, "", input, peak, declared_on);
        report.conclude(checked)
    }

    /// The postmortem in its wire form, as `submit_postmortem` carries it.
    pub fn to_input(&self) -> PostmortemInput {
        let text = |t: &Option<LongText>| t.as_ref().map(|t| Arc::clone(t.as_shared()));
        PostmortemInput {
            title: Some(Arc::clone(self.title.as_shared())),
            date: self.date,
            severity: Some(self.severity),
            owners: Some(
                self.owners
                    .iter()
                    .map(|o| Arc::clone(o.as_shared()))
                    .collect(),
            ),
            status: self.status,
            summary: text(&self.summary),
            impact: text(&self.impact),
            timeline: Some(
                self.timeline
                    .iter()
                    .map(|e| TimelineEntryInput {
                        at: e.at,
                        event: Some(Arc::clone(e.event.as_shared())),
                    })
                    .collect(),
            ),
            root_cause: text(&self.root_cause),
            what_worked: text(&self.what_worked),
            what_did_not_work: text(&self.what_did_not_work),
            action_items: Some(
                self.action_items
                    .iter()
                    .map(|a| ActionItemInput {
                        action: Some(Arc::clone(a.action.as_shared())),
                        owner: Some(Arc::clone(a.owner.as_shared())),
                        due: Some(a.due),
                        status: Some(a.status),
                        guardrail: a.guardrail,
                    })
                    .collect(),
            ),
            missing_guardrail: self.missing_guardrail.then_some(true),
        }
    }

    /// Checks a postmortem for an incident whose peak severity is `peak` and
    /// that was declared on `declared_on` (UTC).
    pub(crate) fn check(
        report: &mut Violations,
        path: &str,
        input: &PostmortemInput,
        peak: Severity,
        declared_on: Date,
    ) -> Option<Postmortem> {
        Postmortem::check_against(report, path, input, Some(peak), declared_on)
    }

    /// [`Postmortem::check`], for a postmortem whose incident's peak
    /// severity may be unknown (see [`check_severity`]).
    pub(crate) fn check_against(
        report: &mut Violations,
        path: &str,
        input: &PostmortemInput,
        peak: Option<Severity>,
        declared_on: Date,
    ) -> Option<Postmortem> {
        let published = input.status == PostmortemStatus::Published;
        let p = |field: &str| join(path, field);
        let title =
            report.text::<ShortText, _>(&p("title"), input.title.as_ref(), Rule::FieldEmpty);
        if published && input.date.is_none() {
            report.push(
                Rule::PostmortemIncomplete,
                &p("date"),
                "a published postmortem has a date",
            );
        }
        check_severity(report, path, input.severity, peak);
        let owners = check_owners(report, &p("owners"), input.owners.as_deref(), published);
        let mut section = |field: &str, value: &Option<Arc<str>>| {
            check_section(report, &p(field), value.as_ref(), published)
        };
        let summary = section("summary", &input.summary);
        let impact = section("impact", &input.impact);
        let root_cause = section("root_cause", &input.root_cause);
        let what_worked = section("what_worked", &input.what_worked);
        let what_did_not_work = section("what_did_not_work", &input.what_did_not_work);
        let timeline = check_timeline(report, &p("timeline"), input.timeline.as_deref(), published);
        check_dates(report, path, input, declared_on);
        let items_in = input.action_items.as_deref().unwrap_or_default();
        let action_items = check_action_items(report, &p("action_items"), items_in, declared_on);
        let missing_guardrail = input.missing_guardrail.unwrap_or(false);
        if missing_guardrail && !items_in.iter().any(|a| a.guardrail.is_some()) {
            report.push(
                Rule::GuardrailActionMissing,
                &p("action_items"),
                "the incident revealed a missing guardrail: add an action item that updates the handbook, an ADR, a dashboard or tests",
            );
        }
        Some(Postmortem {
            title: title?,
            date: input.date,
            severity: input.severity?,
            owners: owners?,
            status: input.status,
            summary: summary?,
            impact: impact?,
            timeline: timeline?,
            root_cause: root_cause?,
            what_worked: what_worked?,
            what_did_not_work: what_did_not_work?,
            action_items: action_items?,
            missing_guardrail,
        })
    }
}

/// The owners; a published postmortem has at least one.
fn check_owners(
    report: &mut Violations,
    path: &str,
    owners: Option<&[Arc<str>]>,
    published: bool,
) -> Option<Vec<Name>> {
    let checked = report.text_list::<Name, _>(path, owners.unwrap_or_default());
    if published && owners.is_none_or(<[Arc<str>]>::is_empty) {
        report.push(
            Rule::PostmortemIncomplete,
            path,
            "a published postmortem has at least one owner",
        );
    }
    checked
}

/// A text section: optional in a draft, required once published. A draft
/// may be partial, and a section left blank there is one not written yet, the
/// same as one left out.
fn check_section(
    report: &mut Violations,
    path: &str,
    value: Option<&Arc<str>>,
    published: bool,
) -> Option<Option<LongText>> {
    if published {
        report
            .text::<LongText, _>(path, value, Rule::PostmortemIncomplete)
            .map(Some)
    } else {
        report.optional_text::<LongText, _>(path, value.filter(|v| !is_blank(v)))
    }
}

/// The timeline, in time order; a published postmortem has one.
fn check_timeline(
    report: &mut Violations,
    path: &str,
    entries: Option<&[TimelineEntryInput]>,
    published: bool,
) -> Option<Vec<TimelineEntry>> {
    let entries = entries.unwrap_or_default();
    let fits = report.list_len(path, entries.len());
    if published && entries.is_empty() {
        report.push(
            Rule::PostmortemIncomplete,
            path,
            "a published postmortem has a timeline",
        );
    }
    if !fits {
        return None;
    }
    let mut timeline = Vec::with_capacity(entries.len());
    let mut ok = true;
    for (i, e) in entries.iter().enumerate() {
        let ep = index(path, i);
        if let Some(prev) = i.checked_sub(1).and_then(|j| entries.get(j))
            && e.at < prev.at
        {
            report.push(
                Rule::PostmortemTimelineUnordered,
                &join(&ep, "at"),
                format!("{} comes before the entry above it ({})", e.at, prev.at),
            );
        }
        match report.text::<ShortText, _>(&join(&ep, "event"), e.event.as_ref(), Rule::FieldEmpty) {
            Some(event) => timeline.push(TimelineEntry { at: e.at, event }),
            None => ok = false,
        }
    }
    ok.then_some(timeline)
}

/// `postmortem-dated-before-incident` and `timeline-after-postmortem`: a
/// postmortem is written on or after the day (UTC) the incident was declared,
/// and tells nothing that happened after the day it is dated. Without a date
/// there is nothing to compare (a published one is `postmortem-incomplete`);
/// a date before the incident is still compared with the timeline (a
/// rejection lists every rule that can be checked); a timeline over its
/// limit is refused whole and not read.
fn check_dates(report: &mut Violations, path: &str, input: &PostmortemInput, declared_on: Date) {
    let Some(date) = input.date else {
        return;
    };
    if date < declared_on {
        report.push(
            Rule::PostmortemDatedBeforeIncident,
            &join(path, "date"),
            format!("dated {date}, before the incident was declared ({declared_on})"),
        );
    }
    let entries = input.timeline.as_deref().unwrap_or_default();
    if entries.len() > crate::text::MAX_LIST {
        return;
    }
    let timeline = join(path, "timeline");
    for (i, e) in entries.iter().enumerate() {
        if e.at.date() > date {
            report.push(
                Rule::TimelineAfterPostmortem,
                &join(&index(&timeline, i), "at"),
                format!("{} is after the postmortem's date ({date})", e.at),
            );
        }
    }
}

/// The action items, each complete and due no earlier than the incident.
fn check_action_items(
    report: &mut Violations,
    path: &str,
    items: &[ActionItemInput],
    declared_on: Date,
) -> Option<Vec<ActionItem>> {
    if !report.list_len(path, items.len()) {
        return None;
    }
    let checked: Vec<Option<ActionItem>> = items
        .iter()
        .enumerate()
        .map(|(i, a)| check_action_item(report, &index(path, i), a, declared_on))
        .collect();
    checked.into_iter().collect()
}

fn check_action_item(
    report: &mut Violations,
    path: &str,
    a: &ActionItemInput,
    declared_on: Date,
) -> Option<ActionItem> {
    let action = report.text::<ShortText, _>(
        &join(path, "action"),
        a.action.as_ref(),
        Rule::ActionItemIncomplete,
    );
    let owner = report.text::<Name, _>(
        &join(path, "owner"),
        a.owner.as_ref(),
        Rule::ActionItemIncomplete,
    );
    match a.due {
        None => report.push(
            Rule::ActionItemIncomplete,
            &join(path, "due"),
            "every action item has a due date",
        ),
        Some(due) if due < declared_on => report.push(
            Rule::ActionItemDueBeforeIncident,
            &join(path, "due"),
            format!("due {due}, before the incident was declared ({declared_on})"),
        ),
        Some(_) => {}
    }
    Some(ActionItem {
        action: action?,
        owner: owner?,
        due: a.due?,
        status: a.status.unwrap_or_default(),
        guardrail: a.guardrail,
    })
}

impl PostmortemInput {
    /// A postmortem with its title and status; the sections follow.
    pub fn new(title: impl Into<String>, status: PostmortemStatus) -> Self {
        PostmortemInput {
            title: Some(shared(title)),
            ..PostmortemInput::empty(status)
        }
    }

    /// A postmortem with only its status: every section missing (the
    /// Markdown reader fills it in as it reads).
    pub(crate) fn empty(status: PostmortemStatus) -> Self {
        PostmortemInput {
            title: None,
            date: None,
            severity: None,
            owners: None,
            status,
            summary: None,
            impact: None,
            timeline: None,
            root_cause: None,
            what_worked: None,
            what_did_not_work: None,
            action_items: None,
            missing_guardrail: None,
        }
    }
    /// With one more timeline entry.
    #[must_use]
    pub fn timeline_entry(mut self, at: Timestamp, event: impl Into<String>) -> Self {
        self.timeline
            .get_or_insert_with(Vec::new)
            .push(TimelineEntryInput::new(at, event));
        self
    }
    /// With one more action item.
    #[must_use]
    pub fn action_item(mut self, item: ActionItemInput) -> Self {
        self.action_items.get_or_insert_with(Vec::new).push(item);
        self
    }
}

setters!(PostmortemInput {
    date(date: Date) => date;
    severity(severity: Severity) => severity;
    owners(people: impl IntoIterator<Item = impl Into<String>>) => texts(people);
    summary(text: impl Into<String>) => shared(text);
    impact(text: impl Into<String>) => shared(text);
    root_cause(text: impl Into<String>) => shared(text);
    what_worked(text: impl Into<String>) => shared(text);
    what_did_not_work(text: impl Into<String>) => shared(text);
    missing_guardrail(missing: bool) => missing;
});

impl TimelineEntryInput {
    /// What happened at `at`.
    pub fn new(at: Timestamp, event: impl Into<String>) -> Self {
        TimelineEntryInput {
            at,
            event: Some(shared(event)),
        }
    }
}

impl ActionItemInput {
    /// An action item and its owner.
    pub fn new(action: impl Into<String>, owner: impl Into<String>) -> Self {
        ActionItemInput {
            action: Some(shared(action)),
            owner: Some(shared(owner)),
            ..ActionItemInput::default()
        }
    }
}

setters!(ActionItemInput {
    due(date: Date) => date;
    status(status: ActionStatus) => status;
    guardrail(guardrail: Guardrail) => guardrail;
});
