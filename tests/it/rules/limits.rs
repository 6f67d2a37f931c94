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

/// The rules besides `field-too-long` that an overlong value at `path`
/// breaks in [`limited_fields`]'s commands: a value over its limit is still
/// judged by the other rules that can judge it (issue 10 §8). No catalogue
/// name and no blocked endpoint is that long.
fn also_broken(path: &str) -> &'static [Rule] {
    match path {
        "impact.affected_dependencies[0]"
        | "mitigation.dependency"
        | "verification.dependencies[1].name" => &[Rule::UnknownDependency],
        "endpoint" => &[Rule::NoSuchBlock],
        _ => &[],
    }
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
            let mut expected = vec![Rule::FieldTooLong];
            if limited.item.is_none() {
                expected.extend(also_broken(limited.path));
            }
            match s.send(&over) {
                Err(r)
                    if r.rules() == expected
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

/// `r` is exactly `field-too-long` at `path` then `other` at `other_path`,
/// in catalogue order (the order of a rejection's violations).
#[track_caller]
fn too_long_and(r: &Rejection, path: &str, other: Rule, other_path: &str) {
    let got: Vec<(Rule, Option<&str>)> = r.iter().map(|v| (v.rule(), v.path())).collect();
    assert_eq!(
        got,
        [(Rule::FieldTooLong, Some(path)), (other, Some(other_path))],
        "{r:#?}"
    );
    assert!(
        Rule::ALL.iter().position(|x| *x == Rule::FieldTooLong)
            < Rule::ALL.iter().position(|x| *x == other)
    );
}

#[test]
fn an_overlong_value_is_still_judged_by_the_other_rules() {
    // Issue 10 §8: "A value that is over its length limit is still checked
    // by the other rules that can judge it."
    let name = json!("N".repeat(201));
    let short = json!("t".repeat(2_001));
    // An update's owner who holds no role.
    let mut s = Scenario::declared(Severity::Sev3);
    let update = with(&s.post_update(), "update.owner", name.clone());
    let r = s.reject(&update);
    too_long_and(
        &r,
        "update.owner",
        Rule::UpdateOwnerNotAssigned,
        "update.owner",
    );
    // … but holds one when the same command gives it the same name.
    let change = with(
        &s.change_severity(Severity::Sev2),
        "update.owner",
        name.clone(),
    );
    let r = s.reject(&with(&change, "roles", json!({"scribe": name.clone()})));
    assert_eq!(r.rules(), [Rule::FieldTooLong], "{r:#?}");
    // A public update by someone who is not the communications owner.
    let mut s = Scenario::declared(Severity::Sev1);
    let public = with(&s.post_update(), "update.audience", json!("public"));
    let r = s.reject(&with(&public, "update.owner", name.clone()));
    assert_eq!(
        r.rules(),
        [
            Rule::FieldTooLong,
            Rule::UpdateOwnerNotAssigned,
            Rule::PublicUpdateNotByCommsOwner
        ],
        "{r:#?}"
    );
    // A rollback to the tag that is running.
    let mut s = Scenario::triaged(Severity::Sev3);
    let rollback = with(&s.rollback(), "mitigation.from_tag", short.clone());
    let r = s.reject(&with(&rollback, "mitigation.to_tag", short.clone()));
    let got: Vec<(Rule, Option<&str>)> = r.iter().map(|v| (v.rule(), v.path())).collect();
    assert_eq!(
        got,
        [
            (Rule::FieldTooLong, Some("mitigation.from_tag")),
            (Rule::FieldTooLong, Some("mitigation.to_tag")),
            (Rule::RollbackSameTag, Some("mitigation.to_tag")),
        ],
        "{r:#?}"
    );
    // A lift of an endpoint that is not blocked.
    let mut s = Scenario::triaged(Severity::Sev3);
    let lift = with(&s.lift_block(), "endpoint", short.clone());
    let r = s.reject(&lift);
    too_long_and(&r, "endpoint", Rule::NoSuchBlock, "endpoint");
    // A dependency the catalogue does not have.
    let mut s = Scenario::triaged(Severity::Sev3);
    let disable = s.start_mitigation(json!({"kind": "disable_dependency", "dependency": name}));
    let r = s.reject(&disable);
    too_long_and(
        &r,
        "mitigation.dependency",
        Rule::UnknownDependency,
        "mitigation.dependency",
    );
    let mut s = Scenario::new(Severity::Sev3);
    let declare = with(&s.declare(), "impact.affected_dependencies", json!([name]));
    let r = s.reject(&declare);
    too_long_and(
        &r,
        "impact.affected_dependencies[0]",
        Rule::UnknownDependency,
        "impact.affected_dependencies[0]",
    );
}

#[test]
fn an_overlong_exception_or_role_is_still_judged() {
    let name = json!("N".repeat(201));
    let short = json!("c".repeat(2_001));
    // An exception for a check that does not exist, accepted by someone who
    // is not the commander.
    let mut s = Scenario::in_phase(Severity::Sev2, Phase::Monitoring);
    let resolve = super::resolving::resolve_accepting_lost_data(&mut s);
    let r = s.reject(&with(&resolve, "exceptions[0].check", short));
    // The lost data is no longer excused, so its check fails again.
    let got: Vec<(Rule, Option<&str>)> = r.iter().map(|v| (v.rule(), v.path())).collect();
    assert_eq!(
        got,
        [
            (Rule::FieldTooLong, Some("exceptions[0].check")),
            (Rule::VerificationData, Some("verification.data")),
            (Rule::ExceptionUnknownCheck, Some("exceptions[0].check")),
        ],
        "{r:#?}"
    );
    let r = s.reject(&with(&resolve, "exceptions[0].accepted_by", name.clone()));
    too_long_and(
        &r,
        "exceptions[0].accepted_by",
        Rule::ExceptionNotByCommander,
        "exceptions[0].accepted_by",
    );
    // `assign_role`: a SEV1 communications owner who is not the engineering
    // lead, as in `declare`'s roles.
    let mut s = Scenario::declared(Severity::Sev1);
    let assign = s.assign_role("communications_owner", "x");
    let r = s.reject(&with(&assign, "person", name.clone()));
    too_long_and(
        &r,
        "person",
        Rule::Sev1CommsByEngineeringLead,
        "roles.communications_owner",
    );
    // An overlong commander is named: not `commander-required`.
    let assign = s.assign_role("commander", "x");
    let r = s.reject(&with(&assign, "person", name));
    assert_only(&r, Rule::FieldTooLong, Some("person"));
}
