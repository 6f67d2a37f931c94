//! A first draft of the postmortem, filled from the incident's history.

mod impact;
mod roles;
mod timeline;

use crate::incident::Incident;
use crate::mitigation::MitigationOutcome;
use crate::postmortem::{ActionItem, ActionStatus, Postmortem};
use crate::roles::Role;
use crate::text::{LongText, Name, ShortText};
use crate::time::Date;

/// A short text from anything: cut to the limit with `…`; `None` if blank.
fn short(s: &str) -> Option<ShortText> {
    let max = <ShortText as crate::text::BoundedText>::MAX;
    if s.chars().nth(max).is_some() {
        let cut: String = s.chars().take(max - 1).chain(['…']).collect();
        ShortText::new(&cut).ok()
    } else {
        ShortText::new(s).ok()
    }
}

/// A long text from anything: cut to the limit with `…`; `None` if blank.
fn long(s: &str) -> Option<LongText> {
    let max = <LongText as crate::text::BoundedText>::MAX;
    if s.chars().nth(max).is_some() {
        let cut: String = s.chars().take(max - 1).chain(['…']).collect();
        LongText::new(&cut).ok()
    } else {
        LongText::new(s).ok()
    }
}

impl Postmortem {
    /// A `draft` postmortem filled from what the incident recorded, for
    /// people to finish:
    ///
    /// - the title, the date (UTC) of the last command (so that no timeline
    ///   entry is after it: `timeline-after-postmortem`), the peak severity;
    /// - the owners: everyone who was commander, scribe or technical lead at
    ///   any time, and in the summary every role holder in turn
    ///   (`- Commander: Ada (until …), Ken`), so that a handover does not
    ///   erase the first shift;
    /// - the impact as it stood at the last resolve (for a resolved or
    ///   closed incident, "User impact active: no (resolved …)", unless an
    ///   exception accepted then says the exposure continues:
    ///   `data.no_unauthorized_access` failing), with regions and affected
    ///   counts;
    /// - a timeline ordered by true time ("The postmortem timeline is in
    ///   time order"): impact start, detection, declaration, severity and
    ///   title changes, role changes, checks, notes and mitigations at their
    ///   `occurred_at`, mitigation outcomes, phase changes, root cause,
    ///   lifted blocks;
    /// - the root cause if recorded; what worked and what did not, from the
    ///   mitigations' outcomes;
    /// - one open action item per exception accepted at resolve, owned by
    ///   who accepted it and due on the draft's date: a follow-up to decide
    ///   at the review, not a finished one.
    ///
    /// ```
    /// use incident_playbook::{Replay, postmortem::{Postmortem, PostmortemStatus}};
    /// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// let draft = Postmortem::draft_from(incident);
    /// assert_eq!(draft.status(), PostmortemStatus::Draft);
    /// assert_eq!(draft.owners().iter().map(|o| o.as_str()).collect::<Vec<_>>(), ["Ada", "Ken", "Grace"]);
    /// assert_eq!(draft.timeline()[0].event.as_str(), "Impact started: Document upload (All tenants uploading documents)");
    /// assert!(draft.summary().unwrap().as_str().contains("- Commander: Ada"));
    /// assert!(draft.impact().unwrap().as_str().contains("User impact active: no (resolved 2026-05-04T10:05:00Z)"));
    /// ```
    pub fn draft_from(incident: &Incident) -> Postmortem {
        let terms = roles::terms(incident);
        let (impact, resolved_at) = impact::at_resolve(incident);
        let date = incident.last_command_at().date();
        let (worked, did_not_work) = outcomes(incident);
        Postmortem::draft(
            incident.title().clone(),
            date,
            incident.peak_severity(),
            draft_owners(&terms),
            long(
                &(impact::text(
                    &impact,
                    resolved_at,
                    impact::exposure_continues(incident, resolved_at),
                ) + &impact::corrections(incident)),
            ),
            timeline::entries(incident, &impact, &terms),
            incident.root_cause().map(|r| r.text.clone()),
        )
        .with_draft_sections(
            roles::responders(&terms).as_deref().and_then(long),
            worked,
            did_not_work,
            exception_follow_ups(incident, date),
        )
    }
}

/// Everyone who was commander, scribe or technical lead, each once, by role
/// then in turn.
fn draft_owners(terms: &[roles::Term]) -> Vec<Name> {
    let mut owners: Vec<Name> = Vec::new();
    for role in [Role::Commander, Role::Scribe, Role::TechnicalLead] {
        for t in terms.iter().filter(|t| t.role == role) {
            if !owners.contains(&t.holder) {
                owners.push(t.holder.clone());
            }
        }
    }
    owners
}

/// What worked (mitigations that helped) and what did not (those that had
/// no effect or made it worse), as lists; `None` where there is nothing.
fn outcomes(incident: &Incident) -> (Option<LongText>, Option<LongText>) {
    let (mut worked, mut not) = (Vec::new(), Vec::new());
    for (n, m) in (1..).zip(incident.mitigations()) {
        let Some(end) = &m.ended else { continue };
        let note = end
            .note
            .as_ref()
            .map_or(String::new(), |n| format!(" ({n})"));
        let line = format!(
            "- Mitigation {n}, {}: {}{note}",
            m.mitigation.describe(),
            timeline::outcome_words(end.outcome)
        );
        // Partial relief worked, in part; an unknown outcome is neither.
        match end.outcome {
            MitigationOutcome::Helped | MitigationOutcome::Partial => worked.push(line),
            outcome if outcome.failed() => not.push(line),
            _ => {}
        }
    }
    let list = |lines: Vec<String>| (!lines.is_empty()).then(|| lines.join("\n"));
    (
        list(worked).as_deref().and_then(long),
        list(not).as_deref().and_then(long),
    )
}

/// One open action item per failing check accepted at resolve: deciding
/// what to do about it (fix it, or accept it for good) is a follow-up, owned
/// by who accepted it, due on the draft's date, for the review to settle.
fn exception_follow_ups(incident: &Incident, due: Date) -> Vec<ActionItem> {
    incident
        .accepted_exceptions()
        .iter()
        .filter_map(|e| {
            Some(ActionItem {
                action: short(&format!(
                    "Decide on {}, accepted failing at resolve: {}",
                    e.check(),
                    e.reason()
                ))?,
                owner: e.accepted_by().clone(),
                due,
                status: ActionStatus::Open,
                guardrail: None,
            })
        })
        .collect()
}
