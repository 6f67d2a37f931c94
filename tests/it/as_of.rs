//! The report as of a time equals the report of the stream cut at that time,
//! for every conformance case and every command time in it: nothing recorded
//! later shows, and an incident declared later is left out.

use std::fs;

use incident_playbook::{IncidentReport, Playbook, Replay, Timestamp, parse_command};

use crate::fixture::{conformance_cases, root};

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
