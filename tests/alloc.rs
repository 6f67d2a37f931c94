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
//! - an accepted command allocates nothing but the amortized growth of the
//!   incident's vectors and id map, which is logarithmic in the number of
//!   commands: the texts the state keeps from it (a note's text; an update's
//!   impact, action and owner; a finding; a role holder's name) share the
//!   command's allocations, and there are no JSON paths, no copies of the
//!   role holders, no messages;
//! - a redelivered command (a duplicate) allocates nothing;
//! - a refused command allocates only its rejection (a vector, and a message
//!   and a path per violation), and all of it is freed with the rejection.

use std::alloc::System;

// The integration tests' fixture, shared: its builders run outside the
// counted regions.
#[allow(dead_code)]
#[path = "it/fixture.rs"]
mod fixture;

use fixture::{Scenario, parse, set};
use incident_playbook::{Command, Incident, Outcome, Playbook, Severity};
use serde_json::{Value, json};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// How many commands of one kind are handled in a row.
const N: usize = 1_000;

/// The most allocations the amortized growth of the incident's containers may
/// take over `N` commands: each of the history, the id map and the one state
/// vector a command kind appends to grows by doubling.
const GROWTH: usize = 4 * (usize::BITS - N.leading_zeros()) as usize;

/// A SEV3 declared twice from one command: on the scenario's own desk, so
/// that the updates it goes on building know the phase (it never sends
/// them), and as the incident the test hands them to directly.
fn declare() -> (Scenario, Incident) {
    let mut s = Scenario::new(Severity::Sev3);
    let declare = s.declare_now();
    let incident = Incident::declare(parse(&declare), &Playbook::default()).unwrap();
    (s, incident)
}

/// The next `N` commands `make` builds.
fn batch(s: &mut Scenario, make: fn(&mut Scenario) -> Value) -> Vec<Command> {
    (0..N).map(|_| parse(&make(s))).collect()
}

/// A scribe for the incident (the same person each time).
fn assign_scribe(s: &mut Scenario) -> Value {
    s.assign_role("scribe", "Grace Hopper")
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
    let (mut s, mut incident) = declare();

    // Accepted notes: growth only (the state shares the note's text).
    let notes = batch(&mut s, Scenario::add_note);
    let kept = notes.clone();
    let (allocations, outcomes) = handled(&mut incident, notes);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. })))
    );
    eprintln!("{N} accepted notes: {allocations} allocations");
    assert!(
        allocations <= GROWTH,
        "{allocations} allocations for {N} accepted notes; at most {GROWTH} (growth)"
    );

    // Accepted updates: growth only (impact, action and owner are shared).
    let updates = batch(&mut s, Scenario::post_update);
    let (allocations, outcomes) = handled(&mut incident, updates);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. })))
    );
    eprintln!("{N} accepted updates: {allocations} allocations");
    assert!(
        allocations <= GROWTH,
        "{allocations} allocations for {N} accepted updates; at most {GROWTH}"
    );
    // Their owner's name is the role holder's text, kept once: in the
    // roles and in each command of the history (the updates are built from
    // the commands).
    let holder = incident.roles().commander().as_shared();
    let sent =
        (incident.history().iter()).filter_map(|c| c.body.update().and_then(|u| u.owner.as_ref()));
    let (mut shared, mut all) = (0, 0);
    for owner in sent {
        all += 1;
        shared += usize::from(std::sync::Arc::ptr_eq(owner, holder));
    }
    let updates: Vec<_> = incident.updates().collect();
    assert!(
        (updates.iter()).all(|u| std::sync::Arc::ptr_eq(u.owner().as_shared(), holder)),
        "updates built with the commander's name"
    );
    assert_eq!(shared, all, "owners sharing the commander's name");

    // Accepted checks: growth only (the finding is shared).
    let checks = batch(&mut s, |s| s.record_check("logs"));
    let (allocations, outcomes) = handled(&mut incident, checks);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. })))
    );
    eprintln!("{N} accepted checks: {allocations} allocations");
    assert!(
        allocations <= GROWTH,
        "{allocations} allocations for {N} accepted checks; at most {GROWTH}"
    );

    // Accepted role assignments: growth only (the role holders share the
    // commands' names).
    let assignments = batch(&mut s, assign_scribe);
    let (allocations, outcomes) = handled(&mut incident, assignments);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Ok(Outcome::Applied { .. }))),
        "{outcomes:?}"
    );
    eprintln!("{N} accepted role assignments: {allocations} allocations");
    assert!(
        allocations <= GROWTH,
        "{allocations} allocations for {N} accepted role assignments; at most {GROWTH}"
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
    for _ in 0..100 {
        let mut note = s.add_note();
        set(&mut note, "text", json!("   "));
        let cmd = parse(&note);
        // What dropping the command itself frees (handle drops it): an
        // equal command parsed apart, since a clone shares its texts.
        let own = {
            let copy = parse(&note);
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
