//! What `Incident::handle` allocates, counted by an instrumented global
//! allocator (this file is its own test binary, and runs as one test so that
//! no other test allocates while it counts).
//!
//! Kept out of the one integration crate (`tests/it`) because a
//! `#[global_allocator]` would count every other test's allocations too.
//!
//! What is counted: allocations plus reallocations made inside `handle` for
//! commands that are already deserialized (the command itself is moved in).
//! What the design allows:
//! - an accepted command allocates one copy of each text the incident's state
//!   keeps from it (a note's text; an update's impact, action and owner; a
//!   finding), and nothing else but the amortized growth of the incident's
//!   vectors and id map, which is logarithmic in the number of commands: no
//!   JSON paths, no copies of the role holders, no messages;
//! - a redelivered command (a duplicate) allocates nothing;
//! - a refused command allocates only its rejection (a vector, and a message
//!   and a path per violation), and all of it is freed with the rejection.

use std::alloc::System;

use incident_playbook::{Command, Incident, Outcome, Playbook};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const INCIDENT: &str = "e2181857-7398-5cf2-aad9-acc3150b8632";

/// How many commands of one kind are handled in a row.
const N: usize = 1_000;

/// The most allocations the amortized growth of the incident's containers may
/// take over `N` commands: each of the history, the id map and the one state
/// vector a command kind appends to grows by doubling.
const GROWTH: usize = 4 * (usize::BITS - N.leading_zeros()) as usize;

/// `minute` minutes after 2026-05-04T09:00:00Z.
fn at(minute: usize) -> String {
    let minute = 9 * 60 + minute;
    format!(
        "2026-05-{:02}T{:02}:{:02}:00Z",
        4 + minute / (24 * 60),
        minute / 60 % 24,
        minute % 60
    )
}

fn command_id(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn command(json: &str) -> Command {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn declare() -> Incident {
    let json = format!(
        r#"{{"type": "declare", "incident_id": "{INCIDENT}", "command_id": "{}",
        "at": "{}", "title": "Search is slow", "severity": "SEV3",
        "impact": {{"environment": "production", "users": "All tenants", "feature": "Search",
          "started_at": "2026-05-04T08:30:00Z", "flags": ["degraded_feature"]}},
        "roles": {{"commander": "Ada", "technical_lead": "Grace"}},
        "update": {{"impact": "Search is slow", "action": "Checking the deploy", "owner": "Ada",
          "next_update": "2026-05-04T09:30:00Z"}}}}"#,
        command_id(0),
        at(0)
    );
    Incident::declare(command(&json), &Playbook::default()).unwrap()
}

fn note(n: usize, text: &str) -> Command {
    command(&format!(
        r#"{{"type": "add_note", "incident_id": "{INCIDENT}", "command_id": "{}", "at": "{}", "text": "{text}"}}"#,
        command_id(n),
        at(n)
    ))
}

fn update(n: usize) -> Command {
    command(&format!(
        r#"{{"type": "post_update", "incident_id": "{INCIDENT}", "command_id": "{}", "at": "{}",
        "update": {{"impact": "Search is slow for all tenants", "action": "Scaling the index workers",
          "owner": "Grace", "next_update": "{}"}}}}"#,
        command_id(n),
        at(n),
        at(n + 30)
    ))
}

fn check(n: usize) -> Command {
    command(&format!(
        r#"{{"type": "record_check", "incident_id": "{INCIDENT}", "command_id": "{}", "at": "{}",
        "check": "logs", "finding": "Timeouts from the index service since 08:30"}}"#,
        command_id(n),
        at(n)
    ))
}

/// Allocations and reallocations while `commands` are handled one by one,
/// with every outcome.
fn handled(
    incident: &mut Incident,
    commands: Vec<Command>,
) -> (usize, Vec<Result<Outcome, String>>) {
    let playbook = Playbook::default();
    let mut outcomes = Vec::with_capacity(commands.len());
    let mut allocations = 0;
    for cmd in commands {
        let region = Region::new(GLOBAL);
        let outcome = incident.handle(cmd, &playbook);
        let change = region.change();
        allocations += change.allocations + change.reallocations;
        outcomes.push(outcome.map_err(|r| r.to_string()));
    }
    (allocations, outcomes)
}

#[test]
fn handle_allocates_only_what_the_command_keeps() {
    let mut incident = declare();
    let mut next = 1;
    let mut batch = |make: &dyn Fn(usize) -> Command| {
        let commands: Vec<Command> = (next..next + N).map(make).collect();
        next += N;
        commands
    };

    // Accepted notes: the note's text, and growth.
    let notes = batch(&|n| note(n, "Timeouts line up with the 08:25 deploy of the index"));
    let kept = notes.clone();
    let (allocations, outcomes) = handled(&mut incident, notes);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. })))
    );
    eprintln!("{N} accepted notes: {allocations} allocations");
    assert!(
        allocations <= N + GROWTH,
        "{allocations} allocations for {N} accepted notes; at most {} (one text each, {GROWTH} growth)",
        N + GROWTH
    );

    // Accepted updates: impact, action and owner, and growth.
    let updates = batch(&update);
    let (allocations, outcomes) = handled(&mut incident, updates);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. })))
    );
    eprintln!("{N} accepted updates: {allocations} allocations");
    assert!(
        allocations <= 3 * N + GROWTH,
        "{allocations} allocations for {N} accepted updates; at most {}",
        3 * N + GROWTH
    );

    // Accepted checks: the finding, and growth.
    let checks = batch(&check);
    let (allocations, outcomes) = handled(&mut incident, checks);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. })))
    );
    eprintln!("{N} accepted checks: {allocations} allocations");
    assert!(
        allocations <= N + GROWTH,
        "{allocations} allocations for {N} accepted checks; at most {}",
        N + GROWTH
    );

    // The same notes delivered again: duplicates, nothing allocated.
    let version = incident.version();
    let (allocations, outcomes) = handled(&mut incident, kept);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Duplicate { .. })))
    );
    assert_eq!(allocations, 0, "a duplicate allocates nothing");
    assert_eq!(incident.version(), version);

    // Refused: a blank note breaks one rule. Its allocations are the
    // rejection's (the list, a message and a path) and go with it.
    let playbook = Playbook::default();
    for n in next..next + 100 {
        let cmd = note(n, "   ");
        // What dropping the command itself frees (handle drops it).
        let own = {
            let copy = cmd.clone();
            let region = Region::new(GLOBAL);
            drop(copy);
            region.change().bytes_deallocated as isize
        };
        let region = Region::new(GLOBAL);
        let refused = incident.handle(cmd, &playbook).unwrap_err();
        let during = region.change();
        assert_eq!(refused.violations().len(), 1);
        assert!(
            during.allocations + during.reallocations <= 3,
            "a refused note allocated {during:?}"
        );
        let kept = during.bytes_allocated as isize + during.bytes_reallocated
            - (during.bytes_deallocated as isize - own);
        let region = Region::new(GLOBAL);
        drop(refused);
        let freed = region.change().bytes_deallocated as isize;
        assert_eq!(
            kept, freed,
            "a refused note kept {kept} bytes; dropping its rejection freed {freed}"
        );
    }
    assert_eq!(incident.version(), version);
}
