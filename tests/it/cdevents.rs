//! The CDEvents export against the OFFICIAL schemas, vendored under
//! `tests/schemas/` (see its README for their source and licence): every
//! event of every conformance case is a valid CloudEvent 1.0 whose `data` is
//! a valid CDEvent 0.4.1 of its type. And the ids are unique per source.

use std::collections::HashSet;
use std::fs;

use incident_playbook::{
    Playbook, Replay, Severity,
    cdevents::{CdEventsExport, INCIDENT_REPORTED, INCIDENT_RESOLVED, cdevents},
};
use jsonschema::{Registry, Validator};
use serde_json::Value;

use crate::fixture::{conformance_cases, real_incidents, root};

fn schema(path: &str) -> Value {
    let text = fs::read_to_string(root().join("tests/schemas").join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The validators: CloudEvents, then CDEvents `reported` and `resolved`.
fn validators() -> (Validator, Validator, Validator) {
    let base = "https://cdevents.dev/0.4.1/schema/links/";
    let mut registry = Registry::new();
    for link in [
        "embeddedlinksarray",
        "embeddedlinkend",
        "embeddedlinkpath",
        "embeddedlinkrelation",
    ] {
        registry = registry
            .add(
                format!("{base}{link}"),
                schema(&format!("cdevents-0.4.1/links/{link}.json")),
            )
            .unwrap();
    }
    let registry = registry.prepare().unwrap();
    let build = |s: &Value| {
        jsonschema::options()
            .should_validate_formats(true)
            .with_registry(&registry)
            .build(s)
            .unwrap()
    };
    (
        build(&schema("cloudevents-1.0/cloudevents.json")),
        build(&schema("cdevents-0.4.1/incidentreported.json")),
        build(&schema("cdevents-0.4.1/incidentresolved.json")),
    )
}

fn replay(path: &std::path::Path) -> Replay {
    let mut replay = Replay::new(Playbook::default());
    for line in fs::read_to_string(path).unwrap().lines() {
        replay.line(line);
    }
    replay
}

#[test]
fn every_exported_event_passes_the_official_schemas() {
    let (cloud, reported, resolved) = validators();
    let exports = [
        CdEventsExport::default(),
        CdEventsExport::new(
            "https://ops.example/incidents",
            Some("https://t.example/i/"),
        )
        .unwrap(),
    ];
    let mut checked = 0;
    for path in conformance_cases() {
        let replay = replay(&path);
        for export in &exports {
            let mut ids = HashSet::new();
            for incident in replay.incidents() {
                for event in cdevents(incident, export) {
                    let line: Value = serde_json::to_value(&event).unwrap();
                    let data = &line["data"];
                    let cd = if event.kind == INCIDENT_REPORTED {
                        &reported
                    } else {
                        assert_eq!(event.kind, INCIDENT_RESOLVED);
                        &resolved
                    };
                    for (validator, doc, what) in
                        [(&cloud, &line, "CloudEvents"), (cd, data, "CDEvents")]
                    {
                        let errors: Vec<String> =
                            validator.iter_errors(doc).map(|e| e.to_string()).collect();
                        assert!(
                            errors.is_empty(),
                            "{}: {what}: {errors:?}\n{line}",
                            path.display()
                        );
                    }
                    assert!(
                        ids.insert(event.id.clone()),
                        "{}: id {} twice",
                        path.display(),
                        event.id
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} events checked");
}

#[test]
fn what_the_export_refuses_the_schemas_refuse() {
    let (cloud, _, _) = validators();
    let event = |source: &str| serde_json::json!({"specversion": "1.0", "id": "x", "source": source, "type": "t"});
    for source in ["", "has space"] {
        assert!(CdEventsExport::new(source, None).is_err(), "{source:?}");
        assert!(!cloud.is_valid(&event(source)), "{source:?}");
    }
    assert!(cloud.is_valid(&event("/incident-playbook")));
    assert!(CdEventsExport::new("/x", Some("not a url")).is_err());
}

#[test]
fn two_incidents_with_the_same_command_ids_get_different_event_ids() {
    let case = root().join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let text = fs::read_to_string(&case).unwrap();
    let other = text.replace(
        "e2181857-7398-5cf2-aad9-acc3150b8632",
        "0b6c5a4e-8f1d-4c3e-9a2b-7d6e5f4c3b2a",
    );
    let mut replay = Replay::new(Playbook::default());
    for line in text.lines().chain(other.lines()) {
        replay.line(line);
    }
    assert_eq!(replay.incidents().iter().count(), 2);
    let export = CdEventsExport::default();
    let ids: Vec<String> = replay
        .incidents()
        .iter()
        .flat_map(|i| cdevents(i, &export))
        .map(|e| e.id)
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}

#[test]
fn the_resolved_event_names_the_peak_severity() {
    let case = root().join("tests/golden/sev2-escalated-reopened.jsonl");
    let replay = replay(&case);
    let incident = replay.incidents().iter().next().unwrap();
    assert_eq!(incident.peak_severity(), Severity::Sev1);
    let events = cdevents(incident, &CdEventsExport::default());
    let last = events.last().unwrap();
    assert_eq!(last.kind, INCIDENT_RESOLVED);
    assert_eq!(last.data.custom_data.peak_severity, Some(Severity::Sev1));
    // Before the escalation, the peak was the declared SEV2.
    assert_eq!(
        events[0].data.custom_data.peak_severity,
        Some(Severity::Sev2)
    );
}

/// Each event of the real incidents states the impact (start, regions,
/// affected counts) and the title as they stood once its command was
/// accepted, judged again here by replaying the history up to that command
/// under the incident's playbook; and every line still passes the official
/// schemas. GitLab's declaration knew no count and its first title; its
/// resolution knows 707 users and the new title.
#[test]
fn each_event_states_the_impact_at_its_time_and_passes_the_schemas() {
    let (cloud, reported, resolved) = validators();
    let mut counted = 0;
    for (name, playbook, incident) in real_incidents() {
        let incident = &incident;
        for event in cdevents(incident, &CdEventsExport::default()) {
            let custom = &event.data.custom_data;
            let i = incident
                .history()
                .iter()
                .position(|c| c.command_id == custom.command_id)
                .unwrap();
            let prefix = incident.history()[..=i].iter().cloned();
            let then = incident_playbook::Incident::from_history(prefix, &playbook).unwrap();
            let impact = custom.impact.as_ref().unwrap();
            assert_eq!(impact.started_at, then.impact().started_at(), "{name}");
            assert_eq!(impact.regions, then.impact().regions(), "{name}");
            assert_eq!(impact.affected, then.impact().affected(), "{name}");
            assert_eq!(custom.title, then.title().as_str(), "{name}");
            counted += usize::from(!impact.affected.is_empty() || !impact.regions.is_empty());
            let line: Value = serde_json::to_value(&event).unwrap();
            let cd = if event.kind == INCIDENT_REPORTED {
                &reported
            } else {
                &resolved
            };
            assert!(cloud.is_valid(&line), "{name}: {line}");
            assert!(cd.is_valid(&line["data"]), "{name}: {line}");
        }
    }
    assert!(
        counted >= 2,
        "only {counted} events with impact counts or regions"
    );
    let (_, _, gitlab) = &real_incidents()[1];
    let events = cdevents(gitlab, &CdEventsExport::default());
    let first = events[0].data.custom_data.clone();
    let last = events.last().unwrap().data.custom_data.clone();
    assert!(first.impact.unwrap().affected.is_empty());
    assert_eq!(last.impact.unwrap().affected.users, Some(707));
    assert_ne!(first.title, last.title);
}

/// `--audience public`: only what the public was told. Events come from
/// public updates only, under the title each went out under; no severity,
/// no impact figures; and they pass the official schemas. CircleCI's
/// internal titles (before the breach was disclosed) never go out, nor its
/// internal resolution.
#[test]
fn a_public_export_tells_only_what_the_public_was_told() {
    let (cloud, reported, resolved) = validators();
    let public = CdEventsExport::default().public_only();
    let mut events_seen = 0;
    for (name, _, incident) in real_incidents() {
        let posts = incident_playbook::public::PublicPost::all(&incident);
        for event in cdevents(&incident, &public) {
            let custom = &event.data.custom_data;
            let post = posts
                .iter()
                .find(|p| incident.history()[p.command_index].command_id == custom.command_id)
                .unwrap_or_else(|| panic!("{name}: an event without a public post"));
            assert_eq!(custom.title, post.title.as_str(), "{name}");
            assert_eq!(custom.severity, None, "{name}");
            assert_eq!(custom.peak_severity, None, "{name}");
            assert!(custom.impact.is_none(), "{name}");
            let line: Value = serde_json::to_value(&event).unwrap();
            let cd = if event.kind == INCIDENT_REPORTED {
                &reported
            } else {
                &resolved
            };
            assert!(cloud.is_valid(&line), "{name}: {line}");
            assert!(cd.is_valid(&line["data"]), "{name}: {line}");
            events_seen += 1;
        }
    }
    assert!(events_seen >= 5, "only {events_seen} public events");
    let (_, _, circleci) = real_incidents()
        .into_iter()
        .find(|(n, _, _)| *n == "circleci-2023-01-04")
        .unwrap();
    let circleci = &circleci;
    let events = cdevents(circleci, &public);
    assert_eq!(
        events.len(),
        1,
        "one public word before an internal resolve"
    );
    assert_eq!(events[0].kind, INCIDENT_REPORTED);
    assert_eq!(events[0].time.to_string(), "2023-01-05T02:30:00Z");
    let all = cdevents(circleci, &CdEventsExport::default());
    assert_ne!(
        all[0].data.custom_data.title,
        events[0].data.custom_data.title
    );
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains(all[0].data.custom_data.title.as_str()));
}
