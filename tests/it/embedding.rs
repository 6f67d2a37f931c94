//! What a service embedding the crate relies on: deciding before applying,
//! reading refusals and outcomes back from JSON, finding an accepted command
//! by its id, and an `Incidents` it can fill from a store.

use std::fs;

use incident_playbook::{
    Command, Incident, Incidents, Outcome, Playbook, Rejection, Rule, parse_command,
};

use crate::fixture::{HAPPY_SEV1, INCIDENT, conformance_cases};

/// Every command line of every conformance case, in order, with its case.
fn conformance_streams() -> Vec<(String, Vec<Command>)> {
    conformance_cases()
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let commands = text.lines().filter_map(|l| parse_command(l).ok()).collect();
            (p.display().to_string(), commands)
        })
        .collect()
}

/// Feeds `commands` to one incident per id, by `handle` or by `decide` +
/// `apply`, and says what each command gave and how the incidents ended.
fn feed(commands: &[Command], split: bool) -> (Vec<Result<Outcome, Rejection>>, Vec<Incident>) {
    let playbook = Playbook::default();
    let mut incidents: Vec<Incident> = Vec::new();
    let mut results = Vec::new();
    for cmd in commands {
        let Some(incident) = incidents.iter_mut().find(|i| i.id() == cmd.incident_id) else {
            match Incident::declare(cmd.clone(), &playbook) {
                Ok(i) => {
                    results.push(Ok(Outcome::Applied { version: 1 }));
                    incidents.push(i);
                }
                Err(r) => results.push(Err(r)),
            }
            continue;
        };
        let before = incident.clone();
        let result = if split {
            match incident.decide(cmd, &playbook) {
                Ok(decision) => {
                    // Deciding changes nothing, and says what applying gives.
                    assert_eq!(*incident, before);
                    let promised = decision.outcome();
                    let applied = incident.apply(decision);
                    assert_eq!(applied.as_ref().ok(), Some(&promised));
                    applied
                }
                Err(r) => Err(r),
            }
        } else {
            incident.handle(cmd.clone(), &playbook)
        };
        if result.is_err() {
            assert_eq!(*incident, before);
        }
        results.push(result);
    }
    (results, incidents)
}

#[test]
fn decide_then_apply_is_handle_on_every_conformance_stream() {
    for (case, commands) in conformance_streams() {
        let handled = feed(&commands, false);
        let decided = feed(&commands, true);
        assert_eq!(handled, decided, "{case}");
    }
}

#[test]
fn a_decision_applies_only_to_the_incident_and_version_it_was_made_on() {
    let playbook = Playbook::default();
    let commands: Vec<Command> = HAPPY_SEV1
        .lines()
        .map(|l| parse_command(l).unwrap())
        .collect();
    let mut incident = Incident::declare(commands[0].clone(), &playbook).unwrap();
    let first = incident.decide(&commands[1], &playbook).unwrap();
    let second = incident.decide(&commands[1], &playbook).unwrap();
    assert_eq!(first.outcome(), Outcome::Applied { version: 2 });
    assert_eq!(
        incident.apply(first).unwrap(),
        Outcome::Applied { version: 2 }
    );
    // Made on version 1: stale now, refused, and nothing changes.
    let before = incident.clone();
    let stale = incident.apply(second).unwrap_err();
    assert_eq!(stale.rule(), Rule::VersionConflict);
    assert_eq!(incident, before);
    // Deciding the same command again: a duplicate, nothing to store.
    let again = incident.decide(&commands[1], &playbook).unwrap();
    assert_eq!(again.outcome(), Outcome::Duplicate { version: 2 });
    assert_eq!(
        incident.apply(again).unwrap(),
        Outcome::Duplicate { version: 2 }
    );
    assert_eq!(incident.version(), 2);
}

#[test]
fn outcomes_and_rejections_read_back_from_their_json() {
    let playbook = Playbook::default();
    let mut lines = HAPPY_SEV1.lines();
    let mut incident =
        Incident::declare(parse_command(lines.next().unwrap()).unwrap(), &playbook).unwrap();
    let next = parse_command(lines.next().unwrap()).unwrap();
    let outcome = incident.handle(next.clone(), &playbook).unwrap();
    let json = serde_json::to_string(&outcome).unwrap();
    assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
    let duplicate = incident.handle(next, &playbook).unwrap();
    let json = serde_json::to_string(&duplicate).unwrap();
    assert_eq!(json, r#"{"outcome":"duplicate","version":2}"#);
    assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), duplicate);

    let declare_again = parse_command(HAPPY_SEV1.lines().next().unwrap()).unwrap();
    let mut changed = declare_again.clone();
    changed.command_id = crate::fixture::command_uuid(999);
    let rejection = incident.handle(changed, &playbook).unwrap_err();
    let json = serde_json::to_value(&rejection).unwrap();
    assert_eq!(json["rule"], "already-declared");
    let back: Rejection = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, rejection);
    // `rule` must be the first violation's; the list must not be empty.
    let mut wrong = json.clone();
    wrong["rule"] = "field-empty".into();
    assert!(serde_json::from_value::<Rejection>(wrong).is_err());
    let mut empty = json;
    empty["violations"] = serde_json::json!([]);
    assert!(serde_json::from_value::<Rejection>(empty).is_err());
}

#[test]
fn an_accepted_command_is_found_by_its_id() {
    let playbook = Playbook::default();
    let commands: Vec<Command> = HAPPY_SEV1
        .lines()
        .map(|l| parse_command(l).unwrap())
        .collect();
    let incident = Incident::from_history(commands.clone(), &playbook).unwrap();
    for cmd in &commands {
        assert_eq!(incident.command(cmd.command_id), Some(cmd));
    }
    assert_eq!(incident.command(crate::fixture::command_uuid(999)), None);
}

#[test]
fn incidents_take_inserts_lookups_changes_and_removals() {
    let playbook = Playbook::default();
    let commands: Vec<Command> = HAPPY_SEV1
        .lines()
        .map(|l| parse_command(l).unwrap())
        .collect();
    let restored = Incident::from_history(commands[..3].to_vec(), &playbook).unwrap();
    let id = restored.id();
    assert_eq!(id.to_string(), INCIDENT);

    let mut incidents = Incidents::new(playbook.clone());
    assert!(incidents.insert(restored.clone()).is_none());
    assert_eq!(incidents.get(id), Some(&restored));
    // Changed in place through `get_mut`, as a service does with its cache.
    let next = commands[3].clone();
    let outcome = incidents
        .get_mut(id)
        .unwrap()
        .handle(next, &playbook)
        .unwrap();
    assert_eq!(outcome, Outcome::Applied { version: 4 });
    // `handle` on the collection sees the change.
    assert_eq!(
        incidents.handle(commands[4].clone()).unwrap(),
        Outcome::Applied { version: 5 }
    );
    // Inserting an incident with the same id replaces it and gives the old one back.
    let replaced = incidents.insert(restored.clone()).unwrap();
    assert_eq!(replaced.version(), 5);
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents.remove(id), Some(restored));
    assert!(incidents.get(id).is_none() && incidents.is_empty());
    assert_eq!(incidents.remove(id), None);
}

const ENVELOPE: [&str; 4] = ["incident_id", "command_id", "at", "expected_version"];

/// A command's JSON split into its envelope (for `Command::new`) and its
/// body's JSON.
fn split(cmd: &Command) -> serde_json::Map<String, serde_json::Value> {
    let mut body = serde_json::to_value(cmd).unwrap();
    let body = body.as_object_mut().unwrap();
    for field in ENVELOPE {
        body.remove(field);
    }
    body.clone()
}

/// Issue 12 §4: a body read without its envelope is the command's body, and
/// it is refused where the whole command is, at the same path.
#[test]
fn a_body_reads_alone_as_strictly_as_a_whole_command() {
    use serde_json::{Value, json};
    // Each change is made to the body and to the whole command alike.
    let changes: [fn(&mut serde_json::Map<String, Value>); 5] = [
        |_| {},
        |o| drop(o.insert("txt".into(), json!("typo"))),
        |o| drop(o.insert("postmortem".into(), Value::Null)),
        |o| drop(o.insert("update".into(), json!(["an", "array"]))),
        |o| {
            // The first body field (a required one too, such as `severity`).
            let field = o
                .keys()
                .find(|k| *k != "type" && !ENVELOPE.contains(&k.as_str()));
            o.remove(&field.cloned().unwrap_or_else(|| "type".into()));
        },
    ];
    let mut compared = 0;
    for (case, commands) in conformance_streams() {
        for cmd in commands {
            for (n, change) in changes.iter().enumerate() {
                let mut body = split(&cmd);
                change(&mut body);
                let mut whole = serde_json::to_value(&cmd).unwrap();
                change(whole.as_object_mut().unwrap());
                let read = incident_playbook::command::parse_body(&Value::Object(body).to_string());
                let context = format!("{case}, change {n}: {whole}");
                match parse_command(&whole.to_string()) {
                    Ok(full) => {
                        let body = read.unwrap_or_else(|r| panic!("{context}: {r}"));
                        let built = Command::new(full.incident_id, full.command_id, full.at, body);
                        let built = match full.expected_version {
                            Some(v) => built.expecting(v),
                            None => built,
                        };
                        assert_eq!(built, full, "{context}");
                    }
                    Err(refused) => {
                        let body = read.expect_err(&context);
                        let path = |r: &Rejection| r.violations()[0].path().map(str::to_owned);
                        assert_eq!(path(&body), path(&refused), "{context}");
                        assert_eq!(body.rule(), Rule::MalformedInput);
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 500, "{compared}");
}

#[test]
fn a_body_refuses_the_envelope_fields() {
    let cmd = parse_command(HAPPY_SEV1.lines().nth(1).unwrap()).unwrap();
    let body = split(&cmd);
    let whole = serde_json::to_value(&cmd).unwrap();
    for field in ["incident_id", "command_id", "at"] {
        let mut with = body.clone();
        with.insert(field.into(), whole[field].clone());
        let json = serde_json::Value::Object(with).to_string();
        let refused = incident_playbook::command::parse_body(&json).unwrap_err();
        let v = &refused.violations()[0];
        assert_eq!((v.rule(), v.path()), (Rule::MalformedInput, Some(field)));
        assert!(v.message().contains("belongs to the envelope"), "{v}");
        assert!(serde_json::from_str::<incident_playbook::CommandBody>(&json).is_err());
    }
    let refused = incident_playbook::command::parse_body(r#"{"text": "no type"}"#).unwrap_err();
    assert_eq!(refused.rule(), Rule::MalformedInput);
}

/// Issue 12 §4: a command in one Rust expression is the command its JSON
/// gives (the first and the resolve of the happy SEV1 stream).
#[test]
fn builders_give_the_commands_the_json_gives() -> Result<(), Box<dyn std::error::Error>> {
    use incident_playbook::{
        ImpactInput, RolesInput, Severity, UpdateInput, Verification,
        command::{DataChecks, Declare, HealthChecks, Resolve},
        state::{ImpactFlag, Surface},
    };
    let lines: Vec<Command> = HAPPY_SEV1
        .lines()
        .map(|l| parse_command(l).unwrap())
        .collect();
    let first = &lines[0];
    let declare = Command::new(
        first.incident_id,
        first.command_id,
        "2026-05-04T09:05:00Z".parse()?,
        Declare::new("Document uploads failing", Severity::Sev1)
            .impact(
                ImpactInput::new(
                    "production",
                    "All tenants uploading documents",
                    "Document upload",
                )
                .started_at("2026-05-04T09:00:00Z".parse()?)
                .user_impact_active(true)
                .flags([ImpactFlag::BroadOutage])
                .surfaces([Surface::Api, Surface::Frontend])
                .affected_endpoints(["/api/documents"])
                .affected_dependencies(["Blob Storage"]),
            )
            .roles(
                RolesInput::default()
                    .commander("Ada")
                    .technical_lead("Grace")
                    .communications_owner("Linus")
                    .scribe("Ken")
                    .engineering_lead("Linus"),
            )
            .update(
                UpdateInput::new(
                    "Uploads fail for all users",
                    "Checking the 09:02 deploy",
                    "Ada",
                )
                .next_update("2026-05-04T09:35:00Z".parse()?),
            ),
    );
    assert_eq!(&declare, first);

    let sent = lines
        .iter()
        .find(|c| c.kind() == incident_playbook::command::CommandKind::Resolve)
        .unwrap();
    let resolve = Command::new(
        sent.incident_id,
        sent.command_id,
        sent.at,
        Resolve::new(
            Verification::default()
                .health(HealthChecks::new([
                    ("live", true),
                    ("ready", true),
                    ("status", true),
                ]))
                .endpoint("/api/documents", true)
                .frontend(true, true, true)
                .data(
                    DataChecks::default()
                        .no_unauthorized_access(true)
                        .no_failed_migration(true)
                        .no_duplicate_processing(true)
                        .no_partial_delete(true),
                )
                .dependency("Blob Storage", true),
        )
        .update(UpdateInput::new(
            "Uploads work again",
            "Resolved; postmortem to follow",
            "Ada",
        )),
    );
    assert_eq!(&resolve, sent);
    Ok(())
}

/// A body writes what `parse_body` reads back, for every conformance command,
/// and the same fields as its command without the envelope.
#[test]
fn a_body_writes_what_it_reads() {
    let mut n = 0;
    for (case, commands) in conformance_streams() {
        for cmd in commands {
            let json = serde_json::to_string(&cmd.body).unwrap();
            assert_eq!(
                incident_playbook::command::parse_body(&json).as_ref(),
                Ok(&cmd.body),
                "{case}: {json}"
            );
            let written: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(written.as_object(), Some(&split(&cmd)), "{case}");
            n += 1;
        }
    }
    assert!(n > 100, "{n}");
}
