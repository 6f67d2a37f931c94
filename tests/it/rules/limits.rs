//! Length classes of `field-too-long`.

use super::*;

/// One field with a length limit: where the crate reports it, its limit, and
/// how to build a scenario and a command whose field holds a given value.
struct Limited {
    path: &'static str,
    max: usize,
    /// For a list: one item (the list is `n` copies); for a text: `None`.
    item: Option<Value>,
    build: Box<dyn Fn(Value) -> (Scenario, Value)>,
}

/// A field at `path` of the command `command` builds in the scenario `scenario` gives.
fn field(
    path: &'static str,
    max: usize,
    scenario: fn() -> Scenario,
    command: fn(&mut Scenario) -> Value,
) -> Limited {
    Limited {
        path,
        max,
        item: None,
        build: Box::new(move |value| {
            let mut s = scenario();
            let cmd = with(&command(&mut s), path, value);
            (s, cmd)
        }),
    }
}

fn list(
    path: &'static str,
    item: Value,
    scenario: fn() -> Scenario,
    command: fn(&mut Scenario) -> Value,
) -> Limited {
    Limited {
        item: Some(item),
        ..field(path, 1_000, scenario, command)
    }
}

fn limited_fields() -> Vec<Limited> {
    const NAME: usize = 200;
    const SHORT: usize = 2_000;
    const LONG: usize = 65_536;
    let new3 = || Scenario::new(Severity::Sev3);
    let new1 = || Scenario::new(Severity::Sev1);
    let declared3 = || Scenario::declared(Severity::Sev3);
    let triaged3 = || Scenario::triaged(Severity::Sev3);
    let mitigating3 = || Scenario::in_phase(Severity::Sev3, Phase::Mitigating);
    let monitoring3 = || Scenario::in_phase(Severity::Sev3, Phase::Monitoring);
    let resolved3 = || Scenario::in_phase(Severity::Sev3, Phase::Resolved);
    let declare: fn(&mut Scenario) -> Value = Scenario::declare;
    let pm: fn(&mut Scenario) -> Value = Scenario::submit_postmortem;
    let resolve: fn(&mut Scenario) -> Value = Scenario::resolve;
    let mut fields = vec![
        // Names: every person and every dependency name.
        field("roles.technical_lead", NAME, new3, declare),
        field("roles.communications_owner", NAME, new3, declare),
        field("roles.scribe", NAME, new3, declare),
        field("roles.engineering_lead", NAME, new3, declare),
        field("person", NAME, declared3, |s| {
            s.assign_role("scribe", "Ken")
        }),
        field("postmortem.owners[0]", NAME, resolved3, pm),
        field("postmortem.action_items[0].owner", NAME, resolved3, pm),
        // Short texts.
        field("title", SHORT, new3, declare),
        field("reason", SHORT, declared3, |s| {
            s.change_severity(Severity::Sev2)
        }),
        field("reason", SHORT, mitigating3, Scenario::resume_investigation),
        field("reason", SHORT, resolved3, Scenario::reopen),
        field("finding", SHORT, declared3, |s| s.record_check("logs")),
        field("impact.environment", SHORT, new3, declare),
        field("impact.users", SHORT, new3, declare),
        field("impact.feature", SHORT, new3, declare),
        field("impact.affected_endpoints[0]", SHORT, new1, declare),
        field("update.impact", SHORT, declared3, Scenario::post_update),
        field("update.action", SHORT, declared3, Scenario::post_update),
        field("mitigation.from_tag", SHORT, triaged3, Scenario::rollback),
        field("mitigation.to_tag", SHORT, triaged3, Scenario::rollback),
        field("mitigation.change", SHORT, triaged3, |s| {
            s.start_mitigation(json!({"kind": "revert_config", "change": "x"}))
        }),
        field("mitigation.rollout", SHORT, triaged3, |s| {
            s.start_mitigation(json!({"kind": "pause_rollout", "rollout": "x"}))
        }),
        field("mitigation.endpoint", SHORT, triaged3, Scenario::block),
        field("mitigation.description", SHORT, triaged3, |s| {
            s.start_mitigation(json!({"kind": "other", "description": "x"}))
        }),
        field("postmortem.title", SHORT, resolved3, pm),
        field("postmortem.timeline[0].event", SHORT, resolved3, pm),
        field("postmortem.action_items[0].action", SHORT, resolved3, pm),
        // Long texts.
        field("text", LONG, declared3, Scenario::add_note),
        field("text", LONG, mitigating3, Scenario::record_root_cause),
        field("postmortem.summary", LONG, resolved3, pm),
        field("postmortem.impact", LONG, resolved3, pm),
        field("postmortem.root_cause", LONG, resolved3, pm),
        field("postmortem.what_worked", LONG, resolved3, pm),
        field("postmortem.what_did_not_work", LONG, resolved3, pm),
        // Lists: every array.
        list("impact.flags", json!("degraded_feature"), new3, declare),
        list("impact.surfaces", json!("api"), new3, declare),
        list(
            "impact.affected_endpoints",
            json!("/api/ocr"),
            new3,
            declare,
        ),
        list(
            "impact.affected_dependencies",
            json!("Vision"),
            new3,
            declare,
        ),
        list(
            "verification.endpoints",
            json!({"path": "/api/ocr", "ok": true}),
            monitoring3,
            resolve,
        ),
        list(
            "verification.dependencies",
            json!({"name": "Document Intelligence", "ok": true}),
            monitoring3,
            resolve,
        ),
        list("postmortem.owners", json!("Ada"), resolved3, pm),
        list(
            "postmortem.timeline",
            json!({"at": time(0), "event": "Declared"}),
            resolved3,
            pm,
        ),
        list(
            "postmortem.action_items",
            json!({"action": "Add a test", "owner": "Grace", "due": "2026-05-20", "guardrail": "test"}),
            resolved3,
            pm,
        ),
    ];
    // The commander, who also posts the first update.
    fields.push(Limited {
        path: "roles.commander",
        max: NAME,
        item: None,
        build: Box::new(|name| {
            let mut s = Scenario::new(Severity::Sev3);
            let declare = with(&s.declare(), "roles.commander", name.clone());
            (s, with(&declare, "update.owner", name))
        }),
    });
    // An update's owner, given a role in the same command.
    fields.push(Limited {
        path: "update.owner",
        max: NAME,
        item: None,
        build: Box::new(|name| {
            let mut s = Scenario::declared(Severity::Sev3);
            let change = s.change_severity(Severity::Sev2);
            let change = with(&change, "roles", json!({"scribe": name.clone()}));
            (s, with(&change, "update.owner", name))
        }),
    });
    // Dependency names, in a playbook that knows the name.
    for (path, phase) in [
        ("impact.affected_dependencies[0]", None),
        ("mitigation.dependency", Some(Phase::Investigating)),
        ("verification.dependencies[1].name", Some(Phase::Monitoring)),
    ] {
        fields.push(Limited {
            path,
            max: NAME,
            item: None,
            build: Box::new(move |name| {
                let playbook = playbook_with(name.as_str().unwrap());
                let mut s = Scenario::with(Severity::Sev3, true, playbook);
                let cmd = match phase {
                    None => with(&s.declare(), path, name),
                    Some(phase) => {
                        s.declare_now();
                        s.run(Scenario::rollback);
                        if phase == Phase::Monitoring {
                            s.run(Scenario::begin_monitoring);
                            let mut resolve = s.resolve();
                            resolve["verification"]["dependencies"]
                                .as_array_mut()
                                .unwrap()
                                .push(json!({"name": name, "ok": true}));
                            resolve
                        } else {
                            s.start_mitigation(
                                json!({"kind": "disable_dependency", "dependency": name}),
                            )
                        }
                    }
                };
                (s, cmd)
            }),
        });
    }
    // Endpoints that must match something else: a checked endpoint beside
    // the affected ones, and a lift of an endpoint that was blocked.
    fields.push(Limited {
        path: "verification.endpoints[1].path",
        max: SHORT,
        item: None,
        build: Box::new(|path| {
            let mut s = Scenario::in_phase(Severity::Sev1, Phase::Monitoring);
            let mut resolve = s.resolve();
            resolve["verification"]["endpoints"]
                .as_array_mut()
                .unwrap()
                .push(json!({"path": path, "ok": true}));
            (s, resolve)
        }),
    });
    fields.push(Limited {
        path: "endpoint",
        max: SHORT,
        item: None,
        build: Box::new(|endpoint| {
            let mut s = Scenario::triaged(Severity::Sev3);
            if endpoint.as_str().unwrap().chars().count() <= SHORT {
                let block = with(&s.block(), "mitigation.endpoint", endpoint.clone());
                s.accept(&block);
            }
            let lift = with(&s.lift_block(), "endpoint", endpoint);
            (s, lift)
        }),
    });
    fields
}

#[test]
fn every_length_class_holds_its_limit_counting_unicode_scalar_values() {
    // ASCII, two-byte, and four-byte (two UTF-16 units) characters: the
    // limit counts characters, not bytes or UTF-16 units.
    let mut failures = Vec::new();
    for limited in limited_fields() {
        let chars: &[char] = if limited.item.is_some() {
            &['-']
        } else {
            &['x', 'é', '🚒']
        };
        for &c in chars {
            let value = |n: usize| match &limited.item {
                Some(item) => Value::Array(vec![item.clone(); n]),
                None => json!(c.to_string().repeat(n)),
            };
            let what = format!("{} with {c:?}", limited.path);
            let (mut s, at_limit) = (limited.build)(value(limited.max));
            if !matches!(s.send(&at_limit), Ok(Outcome::Applied { .. })) {
                failures.push(format!("{what}: refused at the limit ({})", limited.max));
            }
            let (mut s, over) = (limited.build)(value(limited.max + 1));
            let before = s.state();
            match s.send(&over) {
                Err(r)
                    if r.rules() == [Rule::FieldTooLong]
                        && r.iter().any(|v| v.path() == Some(limited.path)) => {}
                other => failures.push(format!("{what} over the limit: {other:?}")),
            }
            assert_eq!(
                s.state(),
                before,
                "{what}: a rejected command changed the incident"
            );
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn combining_characters_count_one_by_one() {
    // "é" written as e + U+0301 is one character on screen but two scalar
    // values: 100 of them are a name of 200, 101 are over.
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare();
    let name = |n: usize| json!("e\u{301}".repeat(n));
    let r = s.reject(&with(&declare, "roles.technical_lead", name(101)));
    assert_only(&r, Rule::FieldTooLong, Some("roles.technical_lead"));
    s.accept(&with(&declare, "roles.technical_lead", name(100)));
}

#[test]
fn a_role_given_a_name_that_is_too_long_is_not_also_missing() {
    let long = json!("A".repeat(201));
    // The commander (Grace posts the update, so only the name is at fault).
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "update.owner", json!("Grace"));
    let r = s.reject(&with(&declare, "roles.commander", long.clone()));
    assert_only(&r, Rule::FieldTooLong, Some("roles.commander"));
    s.accept(&declare);
    let change = with(
        &s.change_severity(Severity::Sev2),
        "update.owner",
        json!("Grace"),
    );
    let r = s.reject(&with(&change, "roles", json!({"commander": long.clone()})));
    assert_only(&r, Rule::FieldTooLong, Some("roles.commander"));
    // The roles SEV1 demands: an overlong scribe is not missing (and not the
    // commander); but the rules that compare holders still judge an overlong
    // name (issue 10 §8): a 201-character communications owner is not the
    // engineering lead, whose name fits.
    let mut s = Scenario::new(Severity::Sev1);
    let declare = s.declare();
    let r = s.reject(&with(&declare, "roles.scribe", long.clone()));
    assert_only(&r, Rule::FieldTooLong, Some("roles.scribe"));
    for role in ["engineering_lead", "communications_owner"] {
        let path = format!("roles.{role}");
        let r = s.reject(&with(&declare, &path, long.clone()));
        assert_eq!(
            r.rules(),
            [Rule::FieldTooLong, Rule::Sev1CommsByEngineeringLead],
            "{r:#?}"
        );
        assert_at(&r, Rule::FieldTooLong, Some(&path));
        assert_at(
            &r,
            Rule::Sev1CommsByEngineeringLead,
            Some("roles.communications_owner"),
        );
    }
    // The same overlong name for both is one person, refused only as too long.
    let both = with(&declare, "roles.engineering_lead", long.clone());
    let both = with(&both, "roles.communications_owner", long.clone());
    assert_eq!(s.reject(&both).rules(), [Rule::FieldTooLong]);
    // An overlong scribe equal to an overlong commander is still one person.
    let same = with(&declare, "roles.scribe", long.clone());
    let same = with(&same, "roles.commander", long.clone());
    let same = with(&same, "update.owner", json!("Linus"));
    assert_eq!(
        s.reject(&same).rules(),
        [Rule::FieldTooLong, Rule::Sev1ScribeNotCommander]
    );
    s.accept(&declare);
}
