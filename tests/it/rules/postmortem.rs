//! The postmortem and closing.

use super::*;

use Severity::Sev2;

pub fn postmortem_required() -> Rejection {
    let mut s = Scenario::in_phase(Sev2, Phase::Resolved);
    let close = s.close();
    let r = s.reject(&close);
    assert_only(&r, Rule::PostmortemRequired, Some("postmortem"));
    // A draft is not enough; a published one is.
    let draft = s.submit_postmortem();
    s.accept(&with(&draft, "postmortem.status", json!("draft")));
    let close = s.close();
    assert_only(
        &s.reject(&close),
        Rule::PostmortemRequired,
        Some("postmortem"),
    );
    s.run(Scenario::submit_postmortem);
    s.run(Scenario::close);
    r
}

/// The triggers of this section that have the usual shape (see [`Triplet`]).
pub fn triplets() -> Vec<Triplet> {
    vec![
        Triplet {
            rule: Rule::PostmortemIncomplete,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Remove("postmortem.what_did_not_work"),
            at: "postmortem.what_did_not_work",
            // In review, a postmortem may still be partial.
            fix: Some(Set("postmortem.status", json!("in_review"))),
        },
        Triplet {
            rule: Rule::PostmortemSeverityMismatch,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Set("postmortem.severity", json!("SEV3")),
            at: "postmortem.severity",
            fix: None,
        },
        Triplet {
            rule: Rule::PostmortemTimelineUnordered,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Set("postmortem.timeline[1].at", json!(time(-6))),
            at: "postmortem.timeline[1].at",
            // Entries at the same time are in order.
            fix: Some(Set("postmortem.timeline[1].at", json!(time(-5)))),
        },
        Triplet {
            rule: Rule::ActionItemIncomplete,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Remove("postmortem.action_items[0].owner"),
            at: "postmortem.action_items[0].owner",
            fix: None,
        },
        Triplet {
            rule: Rule::ActionItemDueBeforeIncident,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Set("postmortem.action_items[0].due", json!("2026-05-03")),
            at: "postmortem.action_items[0].due",
            // Due on the day of the declaration is fine.
            fix: Some(Set("postmortem.action_items[0].due", json!("2026-05-04"))),
        },
        Triplet {
            rule: Rule::PostmortemDatedBeforeIncident,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            // A draft without a timeline: with one, every entry of the
            // incident would also be `timeline-after-postmortem`.
            command: |s| {
                let draft = with(&s.submit_postmortem(), "postmortem.status", json!("draft"));
                without(&draft, "postmortem.timeline")
            },
            breaks: Set("postmortem.date", json!("2026-05-03")),
            at: "postmortem.date",
            // Dated on the day of the declaration is fine.
            fix: Some(Set("postmortem.date", json!("2026-05-04"))),
        },
        Triplet {
            rule: Rule::TimelineAfterPostmortem,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Set("postmortem.timeline[1].at", json!("2026-05-06T00:00:00Z")),
            at: "postmortem.timeline[1].at",
            // An entry on the postmortem's day (UTC) is fine.
            fix: Some(Set(
                "postmortem.timeline[1].at",
                json!("2026-05-05T23:59:59Z"),
            )),
        },
        Triplet {
            rule: Rule::GuardrailActionMissing,
            given: || Scenario::in_phase(Sev2, Phase::Resolved),
            command: Scenario::submit_postmortem,
            breaks: Remove("postmortem.action_items[0].guardrail"),
            at: "postmortem.action_items",
            // No missing guardrail, no guardrail action owed.
            fix: Some(Set("postmortem.missing_guardrail", json!(false))),
        },
    ]
}

#[test]
fn a_published_postmortem_fills_every_section() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let pm = s.submit_postmortem();
    let mut cases: Vec<(Value, &str)> = [
        "date",
        "summary",
        "impact",
        "root_cause",
        "what_worked",
        "what_did_not_work",
    ]
    .iter()
    .flat_map(|field| {
        let path = format!("postmortem.{field}");
        absent(&pm, &path)
            .into_iter()
            .map(move |(_, cmd)| (cmd, *field))
    })
    .collect();
    for (field, empty) in [("owners", json!([])), ("timeline", json!([]))] {
        cases.push((with(&pm, &format!("postmortem.{field}"), empty), field));
        cases.push((without(&pm, &format!("postmortem.{field}")), field));
    }
    for (cmd, field) in cases {
        let path = format!("postmortem.{field}");
        let r = s.reject(&cmd);
        assert_only(&r, Rule::PostmortemIncomplete, Some(&path));
        // A draft or one in review may leave it out, or leave it blank: a
        // blank section there is one not written yet (issue 10 §7; until
        // then a blank text section of a draft was `field-empty`).
        for status in ["draft", "in_review"] {
            s.clone()
                .accept(&with(&cmd, "postmortem.status", json!(status)));
        }
    }
    // A blank title is field-empty, published or not.
    for status in ["draft", "published"] {
        let blank = with(&pm, "postmortem.title", json!(" "));
        let blank = with(&blank, "postmortem.status", json!(status));
        assert_only(
            &s.reject(&blank),
            Rule::FieldEmpty,
            Some("postmortem.title"),
        );
    }
    s.accept(&pm);
}

#[test]
fn every_other_postmortem_rule_applies_to_drafts_too() {
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Resolved);
    let draft = with(&s.submit_postmortem(), "postmortem.status", json!("draft"));
    let cases = [
        (
            with(&draft, "postmortem.severity", json!("SEV1")),
            Rule::PostmortemSeverityMismatch,
            "postmortem.severity",
        ),
        (
            without(&draft, "postmortem.severity"),
            Rule::PostmortemSeverityMismatch,
            "postmortem.severity",
        ),
        (
            with(&draft, "postmortem.timeline[0].at", json!(time(1))),
            Rule::PostmortemTimelineUnordered,
            "postmortem.timeline[1].at",
        ),
        (
            without(&draft, "postmortem.action_items[0].due"),
            Rule::ActionItemIncomplete,
            "postmortem.action_items[0].due",
        ),
        (
            with(
                &draft,
                "postmortem.action_items[0].due",
                json!("2026-01-01"),
            ),
            Rule::ActionItemDueBeforeIncident,
            "postmortem.action_items[0].due",
        ),
        (
            without(&draft, "postmortem.action_items[0].guardrail"),
            Rule::GuardrailActionMissing,
            "postmortem.action_items",
        ),
        (
            with(
                &draft,
                "postmortem.timeline[1].at",
                json!("2030-01-01T00:00:00Z"),
            ),
            Rule::TimelineAfterPostmortem,
            "postmortem.timeline[1].at",
        ),
    ];
    for (cmd, rule, path) in cases {
        assert_only(&s.reject(&cmd), rule, Some(path));
    }
    // A date before the incident breaks both date rules: every entry of the
    // incident's own timeline is after it, and a rejection lists every rule
    // that can be checked.
    let early = s.reject(&with(&draft, "postmortem.date", json!("2001-05-04")));
    let found: Vec<(Rule, Option<&str>)> = early
        .violations()
        .iter()
        .map(|v| (v.rule(), v.path()))
        .collect();
    assert_eq!(
        found.first(),
        Some(&(Rule::PostmortemDatedBeforeIncident, Some("postmortem.date"))),
        "{found:?}"
    );
    assert!(found.len() > 1, "{found:?}");
    assert!(
        found[1..]
            .iter()
            .all(|(rule, path)| *rule == Rule::TimelineAfterPostmortem
                && path.is_some_and(|p| p.starts_with("postmortem.timeline["))),
        "{found:?}"
    );
    s.accept(&draft);
    // A later submission replaces the draft.
    s.run(Scenario::submit_postmortem);
    assert!(s.incident().postmortem().unwrap().is_published());
}

#[test]
fn action_items_are_due_no_earlier_than_the_utc_day_of_the_declaration() {
    // Declared at 23:30 on the 4th in UTC-2, which is 01:30 on the 5th in UTC.
    let mut s = Scenario::new(Severity::Sev2);
    s.clock = 16 * 60 + 25;
    let declare = with(&s.declare(), "at", json!("2026-05-04T23:30:00-02:00"));
    s.accept(&declare);
    assert_eq!(
        s.incident().declared_at().to_string(),
        "2026-05-05T01:30:00Z"
    );
    s.do_triage();
    s.run(Scenario::add_note);
    s.run(Scenario::rollback);
    s.run(Scenario::begin_monitoring);
    s.run(Scenario::resolve);
    let pm = s.submit_postmortem();
    let r = s.reject(&with(
        &pm,
        "postmortem.action_items[0].due",
        json!("2026-05-04"),
    ));
    assert_only(
        &r,
        Rule::ActionItemDueBeforeIncident,
        Some("postmortem.action_items[0].due"),
    );
    s.accept(&with(
        &pm,
        "postmortem.action_items[0].due",
        json!("2026-05-05"),
    ));
}
