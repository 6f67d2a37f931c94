//! Replaying a JSON-lines command stream: what `incident replay` does, as a
//! library call.

use serde::{Deserialize, Serialize};

use crate::incident::{CommandId, IncidentId, Outcome, Snapshot};
use crate::incidents::{Incidents, LineRejection};
use crate::playbook::Playbook;
use crate::receiver::Receiver;
use crate::rule::{Rule, Violation};
use crate::verdict::Verdict;

/// One refused line of a stream, as the replay report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LineReport {
    /// The 1-based line number, counting every line (blank ones too).
    pub line: u64,
    /// The incident the line was for, where it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<IncidentId>,
    /// The command's id, where it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<CommandId>,
    /// The first broken rule.
    pub rule: Rule,
    /// Every broken rule.
    pub violations: Vec<Violation>,
}

impl LineReport {
    /// The report of the 1-based line `line`, refused as `refused` says.
    ///
    /// ```
    /// use incident_playbook::{Incidents, LineReport, Playbook, Rule};
    /// let refused = Incidents::new(Playbook::default()).handle_json("{").unwrap_err();
    /// let report = LineReport::new(7, refused);
    /// assert_eq!((report.line, report.rule), (7, Rule::MalformedInput));
    /// assert_eq!(report.violations.len(), 1);
    /// ```
    pub fn new(line: u64, refused: LineRejection) -> Self {
        let LineRejection {
            incident_id,
            command_id,
            rejection,
        } = refused;
        LineReport {
            line,
            incident_id,
            command_id,
            rule: rejection.rule(),
            violations: rejection.into_violations(),
        }
    }
}

/// The document `incident replay --format json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ReplayOutput {
    /// The snapshot of every declared incident at the end, in the order declared.
    pub incidents: Vec<Snapshot>,
    /// Every refused line, in order.
    pub rejections: Vec<LineReport>,
}

/// A replay in progress: feed it lines, then read the incidents and the
/// refused lines.
///
/// The library takes a line of any length as a `&str`: bounding what is read
/// is the caller's job. Checking a line can take up to about 20 times its
/// size in memory (a list of millions of tiny items is parsed before it is
/// refused as `field-too-long`), so a service that reads lines from others
/// bounds them first. The `incident` CLI refuses lines over 16 MiB without
/// holding them, as [`Replay::unreadable_line`].
///
/// ```
/// use incident_playbook::{Playbook, Replay, Rule, Verdict};
/// let mut replay = Replay::new(Playbook::default());
/// replay.line("");                        // blank lines are skipped but counted
/// replay.line("{\"type\": \"close\"}");   // malformed: no envelope
/// assert_eq!(replay.rejections()[0].line, 2);
/// assert_eq!(replay.rejections()[0].rule, Rule::MalformedInput);
/// assert_eq!(replay.verdict(), Verdict::Malformed);
/// ```
#[derive(Debug, Clone)]
pub struct Replay {
    incidents: Incidents,
    /// `None` when streaming: the caller handles each refused line.
    rejections: Option<Vec<LineReport>>,
    refused: u64,
    verdict: Verdict,
    lines: u64,
    /// The clock every line is judged against, if any.
    receiver: Option<Receiver>,
}

impl Replay {
    /// An empty replay under `playbook` that keeps every refused line for
    /// [`Replay::rejections`] and [`Replay::output`].
    pub fn new(playbook: Playbook) -> Self {
        Replay {
            incidents: Incidents::new(playbook),
            rejections: Some(Vec::new()),
            refused: 0,
            verdict: Verdict::Accepted,
            lines: 0,
            receiver: None,
        }
    }

    /// The same replay, refusing every later line dated after `receiver`'s
    /// clock ([`Receiver::check`]): what `incident replay --now` does.
    /// Without one a history keeps its verdicts whatever the day.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Receiver, Replay, Rule};
    /// let now = "2026-05-04T09:00:00Z".parse().unwrap();
    /// let mut replay = Replay::new(Playbook::default()).with_receiver(Receiver::new(now));
    /// let line = r#"{"type": "add_note", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
    ///   "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576", "at": "9999-12-31T23:59:59Z",
    ///   "text": "From the future"}"#;
    /// assert_eq!(replay.line(line).unwrap().rule, Rule::RecordedInTheFuture);
    /// ```
    #[must_use]
    pub fn with_receiver(self, receiver: Receiver) -> Self {
        Replay {
            receiver: Some(receiver),
            ..self
        }
    }

    /// An empty replay that keeps no refused line: each is only returned by
    /// [`Replay::line`], so memory grows with the incidents held, not with
    /// the lines read.
    pub fn streaming(playbook: Playbook) -> Self {
        Replay {
            rejections: None,
            ..Replay::new(playbook)
        }
    }

    /// Applies the next line of the stream (of any length; see [`Replay`]).
    /// Returns the report of the line if it was refused.
    pub fn line(&mut self, text: &str) -> Option<LineReport> {
        self.line_with(text, |_, _| {})
    }

    /// [`Replay::line`], calling `before` with the incidents and the line's
    /// incident id before the line is judged
    /// ([`Incidents::handle_json_with`]): for a caller that keeps some
    /// incidents outside the replay ([`Replay::incidents_mut`]) and puts
    /// one back when a line names it. Not called for a blank line or one
    /// that is not a command.
    pub fn line_with(
        &mut self,
        text: &str,
        before: impl FnOnce(&mut Incidents, IncidentId),
    ) -> Option<LineReport> {
        self.lines += 1;
        if crate::text::is_blank(text) {
            return None;
        }
        match (self.incidents).handle_json_with(text, self.receiver.as_ref(), before) {
            Ok(Outcome::Applied { .. } | Outcome::Duplicate { .. }) => None,
            Err(refused) => self.record(refused),
        }
    }

    /// Counts a line that could not be read as text (invalid UTF-8, too long)
    /// as malformed.
    pub fn unreadable_line(&mut self, why: &str) -> Option<LineReport> {
        self.lines += 1;
        self.record(LineRejection::malformed_input(why))
    }

    fn record(&mut self, refused: LineRejection) -> Option<LineReport> {
        let report = LineReport::new(self.lines, refused);
        self.refused += 1;
        self.verdict = self.verdict.max(Verdict::refused(report.rule));
        if let Some(kept) = &mut self.rejections {
            kept.push(report.clone());
        }
        Some(report)
    }

    /// The incidents so far.
    pub fn incidents(&self) -> &Incidents {
        &self.incidents
    }

    /// The incidents so far, to take some out or put them back: the lines
    /// after are judged against the incidents the replay holds then (one
    /// taken out is `not-declared`, and may be declared anew), so a caller
    /// that takes one out puts it back before a line names it
    /// ([`Replay::line_with`]). `incident replay` keeps its closed incidents
    /// this way, as compressed snapshot documents.
    pub fn incidents_mut(&mut self) -> &mut Incidents {
        &mut self.incidents
    }

    /// The refused lines so far (none when [`Replay::streaming`]).
    pub fn rejections(&self) -> &[LineReport] {
        self.rejections.as_deref().unwrap_or_default()
    }

    /// How many lines were refused.
    pub fn refused(&self) -> u64 {
        self.refused
    }

    /// How many lines were read.
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// What the lines so far come to: the worst of the refused lines'
    /// verdicts, accepted when none was refused (what `incident replay`
    /// exits by).
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }

    /// The report as `incident replay --format json` prints it.
    pub fn output(&self) -> impl Serialize + '_ {
        #[derive(Serialize)]
        struct Out<'a> {
            incidents: &'a Incidents,
            rejections: &'a [LineReport],
        }
        Out {
            incidents: &self.incidents,
            rejections: self.rejections(),
        }
    }
}
