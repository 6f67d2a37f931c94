//! The report as of a time equals the report of the stream cut at that time,
//! for every conformance case and every command time in it: nothing recorded
//! later shows, and an incident declared later is left out.

use std::fs;

use incident_playbook::{Playbook, Replay, Timestamp, parse_command, report::IncidentReport};

use crate::fixture::{conformance_cases, real_incidents, root};

fn reports_of(replay: &Replay, at: Timestamp) -> Vec<IncidentReport> {
    let playbook = replay.incidents().playbook();
    replay
        .incidents()
        .iter()
        .filter_map(|i| IncidentReport::as_of(i, playbook, at))
        .collect()
}

fn replay_lines<'a>(lines: impl Iterator<Item = &'a str>) -> Replay {
    let mut replay = Replay::new(Playbook::default());
    for line in lines {
        replay.line(line);
    }
    replay
}

#[test]
fn the_report_as_of_a_time_is_the_report_of_the_stream_cut_there() {
    let mut compared = 0;
    for path in conformance_cases() {
        let input = fs::read_to_string(&path).unwrap();
        let at_of = |line: &str| parse_command(line).ok().map(|c| c.at);
        let whole = replay_lines(input.lines());
        let mut times: Vec<Timestamp> = input.lines().filter_map(at_of).collect();
        times.sort();
        times.dedup();
        for t in times {
            // The cut keeps every line recorded at or before `t` (and the
            // lines that are no command at all, which change nothing).
            let cut = replay_lines(input.lines().filter(|l| at_of(l).is_none_or(|a| a <= t)));
            let want: Vec<IncidentReport> = cut
                .incidents()
                .iter()
                .map(|i| IncidentReport::new(i, cut.incidents().playbook(), t))
                .collect();
            assert_eq!(reports_of(&whole, t), want, "{} as of {t}", path.display());
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} times compared");
}

#[test]
fn a_report_as_of_a_time_before_the_declaration_is_none() {
    let input =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let replay = replay_lines(input.lines());
    let incident = replay.incidents().iter().next().unwrap();
    let before: Timestamp = "2026-05-04T09:04:59Z".parse().unwrap();
    assert!(incident.declared_at() > before);
    assert_eq!(
        IncidentReport::as_of(incident, &Playbook::default(), before),
        None
    );
}

/// At every command time of the real incidents, the report's new parts agree
/// with the record as of then: one entry per mitigation started by then,
/// the temporary measures in effect those the incident says are, public
/// plus internal plus customers updates the updates, and the true-time durations chained
/// (detect + declare = impact start → declaration; nothing mitigated
/// before the impact started).
#[test]
fn the_report_shows_mitigations_updates_and_true_durations_as_of_every_time() {
    let mut seen_exception = false;
    for (name, playbook, incident) in real_incidents() {
        let (incident, playbook) = (&incident, &playbook);
        for cmd in incident.history() {
            let then = incident.as_of(cmd.at, playbook).unwrap();
            let r = IncidentReport::as_of(incident, playbook, cmd.at).unwrap();
            let ctx = format!("{name} as of {}", cmd.at);
            assert_eq!(r.mitigations.len(), then.mitigations().len(), "{ctx}");
            let in_effect: Vec<u64> = then
                .mitigations_in_effect()
                .filter(|(_, m)| m.mitigation.is_temporary())
                .map(|(n, _)| n)
                .collect();
            assert_eq!(r.temporary_measures_in_effect, in_effect, "{ctx}");
            assert_eq!(
                r.updates.public.count + r.updates.internal.count + r.updates.customers.count,
                r.updates.count,
                "{ctx}"
            );
            let d = &r.durations;
            assert_eq!(
                d.impact_to_detection_seconds
                    .map(|s| s + d.detection_to_declaration_seconds),
                d.impact_to_declaration_seconds,
                "{ctx}"
            );
            assert!(
                d.impact_to_mitigation_seconds.is_none_or(|s| s >= 0),
                "{ctx}"
            );
            assert_eq!(r.accepted_exceptions, then.accepted_exceptions(), "{ctx}");
            seen_exception |= !r.accepted_exceptions.is_empty();
        }
    }
    assert!(seen_exception, "no real incident accepted an exception");
}

/// GitHub 2018: detected at 22:54, two minutes after the 22:52 partition,
/// declared at 23:09; the first mitigation that counts is the deploy lock
/// at its true time, 23:07, not its record at 23:09. A mitigation that ended
/// as `no_effect` is no mitigation: time to mitigate stays open, while the
/// recorded "declaration → first mitigation started" still counts its start.
#[test]
fn durations_use_true_times_and_only_mitigations_that_count() {
    let real = real_incidents();
    let (_, playbook, incident) = &real[0];
    let at = incident.last_command_at();
    let d = IncidentReport::new(incident, playbook, at).durations;
    assert_eq!(d.impact_to_detection_seconds, Some(2 * 60));
    assert_eq!(d.detection_to_declaration_seconds, 15 * 60);
    assert_eq!(d.impact_to_mitigation_seconds, Some(15 * 60));
    assert_eq!(d.declaration_to_mitigation_seconds, Some(0));

    let input =
        fs::read_to_string(root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl"))
            .unwrap();
    let upto: Vec<&str> = input.lines().take(8).collect();
    assert!(upto[7].contains("start_mitigation"));
    let failed = r#"{"type": "end_mitigation", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632", "command_id": "00000000-0000-4000-8000-000000000001", "at": "2026-05-04T09:25:00Z", "number": 1, "outcome": "no_effect"}"#;
    let replay = replay_lines(upto.iter().copied().chain([failed]));
    assert_eq!(crate::fixture::exit_code(replay.verdict()), 0);
    let incident = replay.incidents().iter().next().unwrap();
    let r = IncidentReport::new(incident, &Playbook::default(), incident.last_command_at());
    assert_eq!(r.durations.impact_to_mitigation_seconds, None);
    assert_eq!(r.durations.declaration_to_mitigation_seconds, Some(15 * 60));
    assert!(!r.mitigations[0].counts && !r.mitigations[0].in_effect);
}
