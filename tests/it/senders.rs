//! Who sent each command: the envelope's `by`, judged as a name, kept in the
//! history and the snapshot, part of a command's equality on redelivery,
//! and shown in the timeline, the report and the rendered updates.

use incident_playbook::{
    Command, Incident, Outcome, Playbook, Replay, Rule, parse_command,
    postmortem::Postmortem,
    report::{IncidentReport, MitigationReport},
};

const CASE: &str = include_str!("../conformance/cases/sender-named.jsonl");

fn named() -> Incident {
    let mut replay = Replay::new(Playbook::default());
    CASE.lines().for_each(|l| {
        replay.line(l);
    });
    replay.incidents().iter().next().cloned().unwrap()
}

#[test]
fn by_is_kept_in_the_history_and_the_snapshot_and_loads_back() {
    let incident = named();
    assert_eq!(incident.history()[0].sender(), Some("Ada"));
    let json = serde_json::to_string(&incident).unwrap();
    assert!(
        json.contains(r#""at":"2026-05-04T09:05:00Z","by":"Ada""#),
        "{json}"
    );
    let snapshot = serde_json::from_str(&json).unwrap();
    let loaded = Incident::load(snapshot, &Playbook::default()).unwrap();
    assert_eq!(loaded, incident);
}

#[test]
fn a_redelivery_with_another_sender_is_another_command() {
    let whole = named();
    let first = whole.history()[6].clone();
    assert_eq!(first.sender(), Some("Ken"));
    // While it is open (a closed incident refuses any new command first).
    let mut incident = whole.as_of(first.at, &Playbook::default()).unwrap();
    assert_eq!(
        incident
            .handle(first.clone(), &Playbook::default())
            .unwrap(),
        Outcome::Duplicate { version: 7 }
    );
    let mut other = first.clone();
    other.by = Some("Linus".into());
    let refused = incident.handle(other, &Playbook::default()).unwrap_err();
    assert!(refused.breaks(Rule::CommandIdReused), "{refused}");
    let mut unnamed = first;
    unnamed.by = None;
    let refused = incident.handle(unnamed, &Playbook::default()).unwrap_err();
    assert!(refused.breaks(Rule::CommandIdReused), "{refused}");
}

#[test]
fn a_blank_or_overlong_sender_is_refused_as_a_name_is() {
    let line = CASE.lines().next().unwrap();
    let blank: Command = parse_command(&line.replace(r#""by": "Ada""#, r#""by": " ""#)).unwrap();
    let refused = Incident::declare(blank, &Playbook::default()).unwrap_err();
    let v = &refused.violations()[0];
    assert_eq!((v.rule(), v.path()), (Rule::FieldEmpty, Some("by")));
    let long = "x".repeat(201);
    let long: Command =
        parse_command(&line.replace(r#""by": "Ada""#, &format!(r#""by": "{long}""#))).unwrap();
    let refused = Incident::declare(long, &Playbook::default()).unwrap_err();
    assert!(refused.breaks(Rule::FieldTooLong), "{refused}");
    // `null` is leaving it out.
    let null: Command = parse_command(&line.replace(r#""by": "Ada""#, r#""by": null"#)).unwrap();
    assert_eq!(null.by, None);
}

#[test]
fn a_body_without_its_envelope_has_no_sender() {
    let refused =
        incident_playbook::command::parse_body(r#"{"type": "close", "by": "Ada"}"#).unwrap_err();
    assert_eq!(refused.violations()[0].path(), Some("by"));
}

#[test]
fn the_views_say_who_acted() {
    let incident = named();
    let draft = Postmortem::draft_from(&incident);
    let timeline: Vec<String> = draft
        .timeline()
        .iter()
        .map(|e| e.event.to_string())
        .collect();
    assert!(
        timeline
            .iter()
            .any(|e| e.starts_with("Mitigation 1 started") && e.ends_with("(by Grace)")),
        "{timeline:?}"
    );
    assert!(
        timeline
            .iter()
            .any(|e| e.starts_with("Resolved") && e.ends_with("(by Ada)"))
    );
    let mitigations = MitigationReport::all(&incident);
    assert_eq!(mitigations[0].started_by.as_deref(), Some("Grace"));
    let report = IncidentReport::new(&incident, &Playbook::default(), incident.last_command_at());
    let by_another: Vec<usize> = report
        .updates
        .posted_by
        .iter()
        .filter(|p| p.by_another())
        .map(|p| p.index)
        .collect();
    assert_eq!(by_another, [1, 2]);
    let text = report.to_string();
    assert!(text.contains("(owner Ada) was posted by Grace"), "{text}");
    assert!(text.contains("by Grace; in effect"), "{text}");
}

#[test]
fn without_senders_the_views_say_nothing_of_them() {
    let case = include_str!("../conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let mut replay = Replay::new(Playbook::default());
    case.lines().for_each(|l| {
        replay.line(l);
    });
    let incident = replay.incidents().iter().next().unwrap();
    let report = IncidentReport::new(incident, &Playbook::default(), incident.last_command_at());
    let json = serde_json::to_string(&report).unwrap();
    assert!(
        !json.contains("posted_by") && !json.contains("started_by"),
        "{json}"
    );
}

#[test]
fn every_command_type_may_be_reserved_and_no_other_name() {
    for kind in incident_playbook::command::CommandKind::ALL {
        let p = Playbook::default()
            .with_permission(kind.as_str(), [])
            .unwrap();
        assert_eq!(p.permitted(kind.as_str()), Some(&[][..]), "{kind}");
    }
    let typo = r#"{"dependencies": [], "health_endpoints": ["/a", "/b", "/c"],
        "permissions": {"resolv": ["commander"]}}"#;
    let e = serde_json::from_str::<Playbook>(typo).unwrap_err();
    assert!(
        e.to_string().contains("`resolv`, which is no command type"),
        "{e}"
    );
}

#[test]
fn a_reserved_command_is_sent_by_a_holder_of_its_roles() {
    use incident_playbook::state::Role;
    let reserved = Playbook::default()
        .with_permission("add_note", [Role::Scribe])
        .unwrap()
        .with_permission("declare", [Role::Commander])
        .unwrap();
    let incident = named();
    let declare = incident.history()[0].clone();
    assert!(Incident::declare(declare.clone(), &reserved).is_ok());
    let mut by_ken = declare.clone();
    by_ken.by = Some("Ken".into());
    let refused = Incident::declare(by_ken, &reserved).unwrap_err();
    assert!(refused.breaks(Rule::SenderNotPermitted), "{refused}");
    // The note is Ken's, the scribe's; as Ada (the commander) or unsigned, refused.
    let mut open = Incident::declare(declare, &reserved).unwrap();
    let note = incident.history()[6].clone();
    for by in [Some("Ada"), None] {
        let mut other = note.clone();
        other.by = by.map(Into::into);
        let refused = open.clone().handle(other, &reserved).unwrap_err();
        assert!(refused.breaks(Rule::SenderNotPermitted), "{refused}");
    }
    assert!(open.handle(note, &reserved).is_ok());
}
