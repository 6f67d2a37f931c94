//! Issue 13: a text the incident keeps from a command is the command's own
//! allocation, not a copy (the wire inputs hold `Arc<str>`, checked through
//! `BoundedText::parse_shared`).

use std::sync::Arc;

use crate::fixture::{Scenario, parse};
use incident_playbook::{CommandBody, Incident, Playbook, Severity};

#[test]
fn a_declared_incident_shares_the_declare_commands_texts() {
    let mut s = Scenario::new(Severity::Sev1);
    let incident = Incident::declare(parse(&s.declare()), &Playbook::default()).unwrap();
    let Some(CommandBody::Declare(sent)) = incident.history().first().map(|c| &c.body) else {
        panic!("the history starts with the declare command");
    };
    let impact = sent.impact.as_ref().unwrap();
    let roles = sent.roles.as_ref().unwrap();
    let kept = incident.impact();
    let pairs = [
        (impact.environment.as_ref(), kept.environment().as_shared()),
        (impact.users.as_ref(), kept.users().as_shared()),
        (impact.feature.as_ref(), kept.feature().as_shared()),
        (
            impact.affected_endpoints.as_ref().and_then(|e| e.first()),
            kept.affected_endpoints().first().unwrap().as_shared(),
        ),
        (
            impact
                .affected_dependencies
                .as_ref()
                .and_then(|d| d.first()),
            kept.affected_dependencies().first().unwrap().as_shared(),
        ),
        (
            roles.commander.as_ref(),
            incident.roles().commander().as_shared(),
        ),
    ];
    for (i, (sent, kept)) in pairs.into_iter().enumerate() {
        let sent = sent.unwrap_or_else(|| panic!("text {i} sent"));
        assert!(Arc::ptr_eq(sent, kept), "text {i} ({sent}) is a copy");
    }
}
