//! Round trips of the renderings (render → parse gives back the same value),
//! as properties and on the fixtures, and figures of `incident report` a
//! person can check by hand against the JSON lines.
//!
//! Property case counts follow `PROPTEST_CASES` (256 by default). Failures
//! are kept in `proptest-regressions/renderings.txt` and replayed first.

use crate::fixture::{HAPPY_SEV1, real_incidents, replayed, root};
use incident_playbook::{
    Date, Incident, Name, Playbook, Rule, Severity, ShortText, Timestamp,
    postmortem::{
        ActionItemInput, ActionStatus, Guardrail, Postmortem, PostmortemInput, PostmortemStatus,
        TimelineEntryInput, lint_postmortem,
    },
    report::{Durations, IncidentReport, PhaseSpan, Timeliness},
    state::{CommsUpdate, Status, UpdateText},
};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// Named outright: proptest's default derives the file from this source
/// file's path, which moves whenever the tests are rearranged.
const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/proptest-regressions/renderings.txt"
);

/// proptest's defaults (`PROPTEST_CASES` included), with the seeds kept in [`REGRESSIONS`].
fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..ProptestConfig::default()
    }
}

/// The incidents the command lines of the file at `path` end with.
fn replay(path: &str, playbook: Playbook) -> Vec<Incident> {
    replayed(
        &std::fs::read_to_string(root().join(path)).unwrap(),
        playbook,
    )
}

fn happy() -> Incident {
    replayed(HAPPY_SEV1, Playbook::default()).remove(0)
}

fn berlin() -> Playbook {
    let text = std::fs::read_to_string(root().join("tests/golden/playbook-berlin.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

// ---- figures a person can check by hand ----

/// happy-sev1-full-lifecycle.jsonl, by hand:
/// impact `started_at` 09:00, `declare` 09:05, `start_mitigation` 09:20,
/// `begin_monitoring` 09:40, `resolve` 10:05, `close` 2026-05-05T11:00.
#[test]
fn happy_sev1_figures_by_hand() {
    let d = Durations::of(&happy());
    assert_eq!(d.impact_to_declaration_seconds, Some(5 * 60)); // 09:00 → 09:05
    assert_eq!(d.declaration_to_mitigation_seconds, Some(15 * 60)); // 09:05 → 09:20
    assert_eq!(d.declaration_to_monitoring_seconds, Some(35 * 60)); // 09:05 → 09:40
    assert_eq!(d.declaration_to_resolved_seconds, Some(60 * 60)); // 09:05 → 10:05
    // 09:05 on the 4th → 11:00 on the 5th: 24 h + 1 h 55 min.
    assert_eq!(
        d.declaration_to_closed_seconds,
        Some(24 * 3600 + 3600 + 55 * 60)
    );

    let report = IncidentReport::new(&happy(), &Playbook::default(), ts("2026-05-21T09:00:00Z"));
    // The rollback at 09:20 is exactly 15 minutes after 09:05: met.
    assert_eq!(report.targets.len(), 1);
    assert_eq!(report.targets[0].deadline, Some(ts("2026-05-04T09:20:00Z")));
    assert_eq!(report.targets[0].timeliness, Some(Timeliness::OnTime));
    // The five checks at 09:06 … 09:10: 1 to 5 minutes after the declaration.
    let checks: Vec<i64> = report.first_15_minutes[3..]
        .iter()
        .map(|s| s.after_seconds.unwrap())
        .collect();
    assert_eq!(checks, [60, 120, 180, 240, 300]);
    // Updates promised 09:35, 09:50, 10:10 and came 09:20, 09:40, 10:05: none late.
    assert!(report.updates.late.is_empty());
    assert_eq!(report.updates.overdue_seconds, None);
    // The one action item, due 2026-05-20 and open, is 1 day overdue on the 21st.
    assert_eq!(report.open_follow_ups.len(), 1);
    assert_eq!(report.open_follow_ups[0].days_overdue, 1);
    // On its due day it is not overdue yet.
    let on_due_day =
        IncidentReport::new(&happy(), &Playbook::default(), ts("2026-05-20T23:59:59Z"));
    assert!(on_due_day.open_follow_ups.is_empty());
}

/// The SEV2 of sev2-escalated-reopened.jsonl was declared 21:30 UTC and
/// mitigated 22:10 UTC: the same day in UTC, but the next day in Berlin
/// (+02:00), where the day ended at 22:00 UTC.
#[test]
fn same_day_depends_on_the_playbooks_time_zone() {
    let path = "tests/golden/sev2-escalated-reopened.jsonl";
    let now = ts("2026-05-20T12:00:00Z");
    let utc = replay(path, Playbook::default()).remove(0);
    let report = IncidentReport::new(&utc, &Playbook::default(), now);
    let sev2 = &report.targets[0];
    assert_eq!(sev2.severity, Severity::Sev2);
    assert_eq!(sev2.deadline, Some(ts("2026-05-05T00:00:00Z")));
    assert_eq!(sev2.timeliness, Some(Timeliness::OnTime));

    let berlin_report = IncidentReport::new(&utc, &berlin(), now);
    let sev2 = &berlin_report.targets[0];
    assert_eq!(sev2.deadline, Some(ts("2026-05-04T22:00:00Z")));
    assert_eq!(sev2.mitigated_at, Some(ts("2026-05-04T22:10:00Z")));
    assert_eq!(sev2.timeliness, Some(Timeliness::Late));

    // Escalated to SEV1 at 23:12 after the reopen: the block at 23:20 counts,
    // not the revert of 22:10 that did not hold.
    let sev1 = &berlin_report.targets[1];
    assert_eq!(sev1.since, ts("2026-05-04T23:12:00Z"));
    assert_eq!(sev1.mitigated_at, Some(ts("2026-05-04T23:20:00Z")));
    assert_eq!(sev1.timeliness, Some(Timeliness::OnTime));

    // Promised 22:00, came 22:05; promised 00:05, came 00:30.
    let late: Vec<i64> = berlin_report
        .updates
        .late
        .iter()
        .map(|l| l.late_seconds)
        .collect();
    assert_eq!(late, [5 * 60, 25 * 60]);
    // Two checks came after 21:45.
    let late_checks = berlin_report
        .first_15_minutes
        .iter()
        .filter(|s| s.timeliness == Timeliness::Late)
        .count();
    assert_eq!(late_checks, 2);
}

#[test]
fn an_open_incident_owes_its_next_update() {
    let two = replay(
        "tests/conformance/cases/two-incidents-interleaved.jsonl",
        Playbook::default(),
    );
    let first = &two[0];
    let promised = first.updates().last().unwrap().next_update().unwrap();
    let report = IncidentReport::new(first, &Playbook::default(), promised);
    assert_eq!(report.updates.overdue_seconds, None);
    let later = Timestamp::from(promised.as_datetime() + chrono::Duration::minutes(7));
    let report = IncidentReport::new(first, &Playbook::default(), later);
    assert_eq!(report.updates.overdue_seconds, Some(7 * 60));
}

// ---- round trips on the fixtures ----

#[test]
fn every_fixture_update_reads_back() {
    let mut n = 0;
    for path in [
        "tests/conformance/cases/happy-sev1-full-lifecycle.jsonl",
        "tests/conformance/cases/two-incidents-interleaved.jsonl",
        "tests/golden/sev2-escalated-reopened.jsonl",
    ] {
        for incident in replay(path, Playbook::default()) {
            for u in incident.updates() {
                assert_eq!(
                    CommsUpdate::parse_at(&u.to_string(), u.at()).as_ref(),
                    Ok(&u)
                );
                n += 1;
            }
        }
    }
    assert!(n >= 15);
}

#[test]
fn every_fixture_postmortem_reads_back_and_lints_clean() {
    for path in [
        "tests/conformance/cases/happy-sev1-full-lifecycle.jsonl",
        "tests/golden/sev2-escalated-reopened.jsonl",
    ] {
        let incident = replay(path, Playbook::default()).remove(0);
        let declared_on = incident.declared_at().date();
        let drafted = Postmortem::draft_from(&incident);
        for pm in [incident.postmortem().unwrap(), &drafted] {
            let md = pm.to_markdown_with_phases(&PhaseSpan::of(&incident));
            let read = PostmortemInput::from_markdown(&md);
            assert!(read.problems.is_empty(), "{path}: {:?}", read.problems);
            let back = Postmortem::from_input(&read.input, incident.peak_severity(), declared_on);
            assert_eq!(back.as_ref(), Ok(pm), "{path}");
            assert!(
                lint_postmortem(&md, Some(incident.peak_severity())).is_empty(),
                "{path}"
            );
            // CRLF line ends read the same.
            let crlf = PostmortemInput::from_markdown(&md.replace('\n', "\r\n"));
            assert_eq!(crlf.input, read.input);
        }
    }
}

#[test]
fn lint_finds_the_rules_with_their_lines() {
    let md = std::fs::read_to_string(root().join("tests/golden/broken-postmortem.md")).unwrap();
    let found: Vec<(Option<usize>, Rule)> = lint_postmortem(&md, Some(Severity::Sev1))
        .iter()
        .map(|f| (f.line, f.violation.rule()))
        .collect();
    for want in [
        (Some(5), Rule::PostmortemSeverityMismatch),
        (Some(17), Rule::PostmortemIncomplete),
        (Some(24), Rule::PostmortemTimelineUnordered),
        (Some(25), Rule::MalformedInput),
        (Some(37), Rule::GuardrailActionMissing),
        (Some(41), Rule::ActionItemIncomplete),
        (Some(42), Rule::ActionItemIncomplete),
        (Some(43), Rule::ActionItemDueBeforeIncident),
    ] {
        assert!(found.contains(&want), "{want:?} not in {found:?}");
    }
    // Without --peak, the document's own severity stands.
    assert!(
        !lint_postmortem(&md, None)
            .iter()
            .any(|f| f.violation.rule() == Rule::PostmortemSeverityMismatch)
    );
}

// ---- round trips as properties ----

fn timestamp() -> impl Strategy<Value = Timestamp> {
    // 2001 … 2100, whole seconds.
    (978_307_200i64..4_102_444_800)
        .prop_map(|s| Timestamp::from(chrono::DateTime::from_timestamp(s, 0).unwrap()))
}

/// Any valid short text: any characters, line breaks, backslashes and white
/// space at the ends included.
fn any_short() -> impl Strategy<Value = ShortText> {
    prop_oneof![any::<String>(), "[ a-z\\\\\n\r\t|:<>]{1,30}", "\\PC{1,40}",]
        .prop_filter_map("valid", |s| ShortText::new(&s).ok())
}

fn any_name() -> impl Strategy<Value = Name> {
    prop_oneof![any::<String>(), "[ A-Za-z\\\\:]{1,20}"]
        .prop_filter_map("valid", |s| Name::new(&s).ok())
}

fn update_text() -> impl Strategy<Value = UpdateText> {
    (
        prop_oneof![
            Just(Status::Investigating),
            Just(Status::Mitigating),
            Just(Status::Monitoring),
            Just(Status::Resolved),
        ],
        prop_oneof![
            Just(Severity::Sev1),
            Just(Severity::Sev2),
            Just(Severity::Sev3),
            Just(Severity::Sev4),
        ],
        any_short(),
        any_short(),
        proptest::option::of(timestamp()),
        any_name(),
    )
        .prop_filter_map("open needs a next update", |(s, sev, i, a, n, o)| {
            UpdateText::new(s, sev, i, a, n, o).ok()
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn update_text_reads_back(u in update_text()) {
        let text = u.to_string();
        prop_assert_eq!(text.lines().count(), 6);
        prop_assert_eq!(text.parse::<UpdateText>(), Ok(u.clone()));
        // What chat does to it changes nothing.
        let messy = format!("\r\n  {}  \r\n\r\n", text.replace('\n', " \r\n\r\n\t"));
        prop_assert_eq!(messy.parse::<UpdateText>(), Ok(u));
    }

    #[test]
    fn comms_update_reads_back(u in update_text(), at in timestamp()) {
        let at = match u.next_update() {
            Some(next) if next <= at => Timestamp::from(next.as_datetime() - chrono::Duration::seconds(1)),
            _ => at,
        };
        let posted = u.posted_at(at).unwrap();
        prop_assert_eq!(CommsUpdate::parse_at(&posted.to_string(), at), Ok(posted));
    }
}

/// A text as people write one: no white space at its ends, `\n` line
/// breaks, and the characters Markdown and the template give meaning to.
fn canonical(max_lines: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec("[ a-zA-Zé0-9|<>\\\\#*`,:_-]{0,24}", 1..=max_lines)
        .prop_map(|lines| lines.join("\n").trim().to_owned())
        .prop_filter("not blank", |s| !s.is_empty())
}

fn heading_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("## Impact".to_owned()),
        Just("\\## Root Cause".to_owned()),
        Just("   ## Summary".to_owned()),
        Just("# Postmortem: inside".to_owned()),
        Just("Status: published".to_owned()),
        Just("| Action | Owner | Due | Status |".to_owned()),
    ]
}

fn section() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(
        (
            canonical(4),
            proptest::option::of(heading_line()),
            canonical(2),
        )
            .prop_map(|(a, h, b)| match h {
                Some(h) => format!("{a}\n{h}\n{b}"),
                None => a,
            }),
    )
}

fn postmortem_input() -> impl Strategy<Value = PostmortemInput> {
    (
        canonical(2),
        proptest::option::of((0u32..3000).prop_map(|d| {
            Date::from(
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                    + chrono::Duration::days(d.into()),
            )
        })),
        proptest::collection::vec(canonical(1), 0..4),
        prop_oneof![
            Just(PostmortemStatus::Draft),
            Just(PostmortemStatus::InReview),
            Just(PostmortemStatus::Published),
        ],
        (section(), section(), section(), section(), section()),
        proptest::collection::vec((timestamp(), canonical(2)), 0..5),
        proptest::collection::vec(
            (
                canonical(2),
                canonical(1),
                0u32..400,
                prop_oneof![
                    Just(ActionStatus::Open),
                    Just(ActionStatus::InProgress),
                    Just(ActionStatus::Done)
                ],
                proptest::option::of(prop_oneof![
                    Just(Guardrail::Handbook),
                    Just(Guardrail::Adr),
                    Just(Guardrail::Dashboard),
                    Just(Guardrail::Test)
                ]),
            ),
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(
            |(
                title,
                date,
                owners,
                status,
                (summary, impact, root_cause, what_worked, what_did_not_work),
                mut timeline,
                items,
                missing,
            )| {
                timeline.sort_by_key(|(t, _)| *t);
                let due_base = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
                let has_guardrail = items.iter().any(|i| i.4.is_some());
                // The inputs are `#[non_exhaustive]`: built by their
                // constructors, then filled field by field.
                let mut postmortem = PostmortemInput::new(title, status);
                postmortem.date = date;
                postmortem.severity = Some(Severity::Sev2);
                postmortem.owners = Some(owners.into_iter().map(Into::into).collect());
                postmortem.summary = summary.map(Into::into);
                postmortem.impact = impact.map(Into::into);
                postmortem.timeline = Some(
                    timeline
                        .into_iter()
                        .map(|(at, event)| TimelineEntryInput::new(at, event))
                        .collect(),
                );
                postmortem.root_cause = root_cause.map(Into::into);
                postmortem.what_worked = what_worked.map(Into::into);
                postmortem.what_did_not_work = what_did_not_work.map(Into::into);
                postmortem.action_items = Some(
                    items
                        .into_iter()
                        .map(|(action, owner, due, status, guardrail)| {
                            let mut item = ActionItemInput::new(action, owner);
                            item.due =
                                Some(Date::from(due_base + chrono::Duration::days(due.into())));
                            item.status = Some(status);
                            item.guardrail = guardrail;
                            item
                        })
                        .collect(),
                );
                postmortem.missing_guardrail = (missing && has_guardrail).then_some(true);
                postmortem
            },
        )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn postmortem_markdown_reads_back(input in postmortem_input(), phases in any::<bool>()) {
        let on = Date::from(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap());
        // Published ones that leave a section out are refused by the rules;
        // the rest must come back exactly.
        let Ok(pm) = Postmortem::from_input(&input, Severity::Sev2, on) else {
            return Ok(());
        };
        let md = if phases {
            pm.to_markdown_with_phases(&PhaseSpan::of(&happy()))
        } else {
            pm.to_markdown()
        };
        let read = PostmortemInput::from_markdown(&md);
        prop_assert!(read.problems.is_empty(), "{:?}\n{}", read.problems, md);
        prop_assert_eq!(Postmortem::from_input(&read.input, Severity::Sev2, on), Ok(pm), "{}", md);
    }
}

/// The draft of each real incident tells what the record says, and lints
/// clean once rendered: every commander there ever was is an owner and in
/// the summary; the impact is the one at resolve (users no longer
/// affected); the timeline is in true-time order, with the detection and
/// back-dated notes and mitigations at their true times, every rename, every
/// mitigation's outcome; each accepted exception is an open action item that
/// survives the Markdown round trip.
#[test]
fn real_incident_drafts_tell_the_record_and_lint_clean() {
    for (name, _, incident) in real_incidents() {
        let draft = Postmortem::draft_from(&incident);
        let commanders: Vec<String> = incident
            .history()
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok())
            .filter_map(|v| {
                let person = match v["type"].as_str()? {
                    "declare" | "change_severity" | "assign_roles" => {
                        v["roles"]["commander"].as_str()
                    }
                    "assign_role" if v["role"] == "commander" => v["person"].as_str(),
                    _ => None,
                };
                person.map(str::to_owned)
            })
            .collect();
        let summary = draft.summary().unwrap().as_str();
        for c in &commanders {
            assert!(
                draft.owners().iter().any(|o| o.as_str() == c),
                "{name}: owner {c}"
            );
            assert!(summary.contains(c.as_str()), "{name}: summary lacks {c}");
        }
        // Users no longer affected, unless an exception accepted at resolve
        // says the exposure goes on (the breach's unauthorized access).
        let impact = draft.impact().unwrap().as_str();
        let exposed = incident
            .accepted_exceptions()
            .iter()
            .any(|e| e.check().as_str() == "data.no_unauthorized_access");
        // When the impact says when users stopped being affected, that time.
        let active = match (exposed, incident.impact().ended_at()) {
            (true, _) => "User impact active: exposure may continue (resolved ".to_owned(),
            (false, Some(ended)) => format!("User impact active: no (ended {ended})"),
            (false, None) => "User impact active: no (resolved ".to_owned(),
        };
        assert!(impact.contains(&active), "{name}: {impact}");
        let times: Vec<Timestamp> = draft.timeline().iter().map(|e| e.at).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{name}: timeline out of order"
        );
        let events: Vec<&str> = draft.timeline().iter().map(|e| e.event.as_str()).collect();
        if incident.detected_at() != incident.declared_at() {
            let i = events
                .iter()
                .position(|e| *e == "Problem detected")
                .unwrap();
            assert_eq!(draft.timeline()[i].at, incident.detected_at(), "{name}");
        }
        for m in incident.mitigations() {
            assert!(
                draft.timeline().iter().any(|e| e.at == m.happened_at()
                    && e.event.as_str().contains(&m.mitigation.describe())),
                "{name}: mitigation {} not at its true time",
                m.mitigation.describe()
            );
        }
        let ended = incident
            .mitigations()
            .iter()
            .filter(|m| m.ended.is_some())
            .count();
        // One entry per end, and one per outcome revised in hindsight.
        let revisions: usize = (incident.mitigations().iter())
            .filter_map(|m| m.ended.as_ref())
            .map(|end| end.revisions.len())
            .sum();
        let outcomes = events
            .iter()
            .filter(|e| e.starts_with("Mitigation ") && !e.contains(" started"))
            .count();
        assert_eq!(outcomes, ended + revisions, "{name}");
        assert_eq!(
            events.iter().filter(|e| e.starts_with("Renamed ")).count(),
            incident.renames().count(),
            "{name}"
        );
        let md = draft.to_markdown_with_phases(&PhaseSpan::of(&incident));
        assert_eq!(
            lint_postmortem(&md, Some(incident.peak_severity())),
            [],
            "{name}"
        );
        let read = PostmortemInput::from_markdown(&md);
        let items = read.input.action_items.unwrap_or_default();
        assert_eq!(items.len(), incident.accepted_exceptions().len(), "{name}");
        for (item, e) in items.iter().zip(incident.accepted_exceptions()) {
            assert!(
                item.action.as_deref().unwrap().contains(e.check().as_str()),
                "{name}"
            );
            assert_eq!(
                item.owner.as_deref(),
                Some(e.accepted_by().as_str()),
                "{name}"
            );
            assert_eq!(item.status, Some(ActionStatus::Open), "{name}");
        }
    }
}
