//! Strategies for property tests of code built on the crate (feature
//! `proptest`): valid histories of any length for a playbook, the next valid
//! command for an incident, and commands that break a chosen rule. The crate
//! property-tests itself with them.
//!
//! - [`history`]: commands for one to three interleaved incidents, every one
//!   accepted in order; an incident that closes is followed by a new one, so
//!   a history has the length asked for. It shrinks to shorter valid
//!   histories: each step is a seed that writes a command for the state the
//!   earlier steps left, so dropping a step rewrites the later ones for the
//!   new state, and a command the state refuses is left out (never kept).
//!   Besides the lifecycle, each with a modest probability: exceptions
//!   accepted at `resolve`, `start_mitigation` with `purpose: contain` or
//!   `temporary: true`, true times (`occurred_at`) on notes, root causes
//!   and mitigations' starts and ends, `end_mitigation` and
//!   `revise_outcome`, also as an amendment to an incident just closed, an
//!   impact without `started_at` at the declaration learned by a later
//!   `update_impact` (a start after the declaration too), `impact.ended_at`
//!   once users are no longer affected, and updates with `audience`
//!   `public` or `customers` by the communications owner.
//! - [`next_command`]: a valid command for an incident, as it stands.
//! - [`breaking`]: a valid history and a command that breaks one rule and
//!   no other, for every rule of [`BREAKABLE`].
//! - [`Writer`]: the building block, writing commands as JSON for an
//!   incident's state, for generators of your own.
//!
//! Commands are written as senders write them (times in other offsets,
//! `expected_version` now and then, texts at their length limits, names in
//! any script), and every choice comes from a seed proptest draws, so a
//! failing case replays exactly.
//!
//! A service's test that its store gives back every history it was given
//! (here an in-memory store of JSON lines standing for yours):
//!
//! ```
//! use std::collections::HashMap;
//!
//! use incident_playbook::testkit::history;
//! use incident_playbook::{Incident, Incidents, IncidentId, Playbook, parse_command};
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! /// The store under test: every accepted line, by incident, in order.
//! #[derive(Default)]
//! struct Store(HashMap<IncidentId, Vec<String>>);
//!
//! impl Store {
//!     fn append(&mut self, id: IncidentId, line: &str) {
//!         self.0.entry(id).or_default().push(line.to_owned());
//!     }
//!     fn load(&self, id: IncidentId, playbook: &Playbook) -> Option<Incident> {
//!         let mut lines = self.0.get(&id)?.iter();
//!         let first = parse_command(lines.next()?).ok()?;
//!         let mut incident = Incident::declare(first, playbook).ok()?;
//!         for line in lines {
//!             incident.handle(parse_command(line).ok()?, playbook).ok()?;
//!         }
//!         Some(incident)
//!     }
//! }
//!
//! let playbook = Playbook::default();
//! let mut runner = TestRunner::new(Config { cases: 16, ..Config::default() });
//! runner
//!     .run(&history(&playbook, 1..40), |h| {
//!         let (mut store, mut service) = (Store::default(), Incidents::new(playbook.clone()));
//!         for (line, command) in h.lines.iter().zip(&h.commands) {
//!             prop_assert!(service.handle_json(line).is_ok(), "every command is accepted");
//!             store.append(command.incident_id, line);
//!         }
//!         for incident in service.iter() {
//!             let loaded = store.load(incident.id(), &playbook);
//!             prop_assert_eq!(loaded.as_ref(), Some(incident));
//!         }
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

// Indices here come from `Dice::below(len)` or are within fixed tables;
// the test kit is test-time code, built only with the `proptest` feature.
#![allow(clippy::indexing_slicing)]

mod breaks;
mod dice;
mod lifecycle;
mod view;
mod words;
mod writer;

use std::collections::BTreeSet;

use proptest::collection::SizeRange;
use proptest::prelude::*;
use serde_json::Value;

pub use breaks::BREAKABLE;
pub use dice::Dice;
pub use writer::Writer;

use crate::{Command, Incident, IncidentId, Incidents, Outcome, Phase, Playbook, Rule, Timestamp};

/// Commands for one or more incidents, in order, every one accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Each command as the writer wrote it: one JSON object per line.
    pub lines: Vec<String>,
    /// The same commands, read.
    pub commands: Vec<Command>,
}

impl History {
    /// The incidents the history makes, every command applied.
    ///
    /// ```
    /// use incident_playbook::Playbook;
    /// use incident_playbook::testkit::history;
    /// use proptest::strategy::{Strategy, ValueTree};
    /// use proptest::test_runner::TestRunner;
    ///
    /// let playbook = Playbook::default();
    /// let h = history(&playbook, 30).new_tree(&mut TestRunner::deterministic()).unwrap().current();
    /// assert_eq!(h.commands.len(), 30);
    /// let versions: u64 = h.replay(&playbook).iter().map(|i| i.version()).sum();
    /// assert_eq!(versions, 30);
    /// ```
    pub fn replay(&self, playbook: &Playbook) -> Incidents {
        let mut incidents = Incidents::new(playbook.clone());
        for command in &self.commands {
            // Accepted by construction; a refusal would leave it out.
            let _ = incidents.handle(command.clone());
        }
        incidents
    }
}

/// A valid history and a command that, sent after it, breaks one rule and
/// no other.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    /// What comes before: every command accepted.
    pub history: History,
    /// The command, as one JSON line.
    pub line: String,
    /// The same command, read.
    pub command: Command,
}

/// One step of a history: which of the incidents it moves, whether it takes
/// the next step towards closing it or wanders (any valid command), how long
/// after that incident's last command, and the seed of the details.
#[derive(Debug, Clone)]
struct Step {
    slot: u8,
    wander: bool,
    gap: u32,
    seed: u64,
}

/// How many incidents a history interleaves at most.
const SLOTS: usize = 3;

/// How many times a step writes its command again when the first is refused.
const RETRIES: u64 = 8;

fn gap() -> impl Strategy<Value = u32> {
    prop_oneof![
        12 => 0u32..=900,
        5 => 900u32..=7_200,
        2 => Just(0u32),
        1 => 7_200u32..=4 * 86_400,
    ]
}

fn steps(len: SizeRange) -> impl Strategy<Value = Vec<Step>> {
    let step = (
        0..SLOTS as u8,
        prop::bool::weighted(0.3),
        gap(),
        any::<u64>(),
    )
        .prop_map(|(slot, wander, gap, seed)| Step {
            slot,
            wander,
            gap,
            seed,
        });
    prop::collection::vec(step, len)
}

/// Valid histories for `playbook` of `len` commands (a number or a range):
/// one to three incidents at a time, each taken towards closing with
/// detours, a new one declared where one closed. Every command is accepted
/// in order; shrinking keeps them so (see the [module](self) documentation).
///
/// ```
/// use incident_playbook::{Incidents, Playbook};
/// use incident_playbook::testkit::history;
/// use proptest::prelude::*;
///
/// proptest! {
///     #![proptest_config(ProptestConfig::with_cases(8))]
///     fn every_command_is_accepted(h in history(&Playbook::default(), 0..50)) {
///         let mut incidents = Incidents::new(Playbook::default());
///         for line in &h.lines {
///             prop_assert!(incidents.handle_json(line).is_ok());
///         }
///     }
/// }
/// # every_command_is_accepted();
/// ```
pub fn history(playbook: &Playbook, len: impl Into<SizeRange>) -> impl Strategy<Value = History> {
    let playbook = playbook.clone();
    // The steps first: proptest shrinks a tuple's parts in order, and a
    // shorter history is the simpler one (the seed only sets the clock).
    (steps(len.into()), any::<u64>()).prop_map(move |(steps, seed)| {
        let mut builder = Builder::new(&playbook, seed);
        for step in &steps {
            builder.step(step);
        }
        builder.history
    })
}

/// The state a history is built in.
struct Builder<'p> {
    playbook: &'p Playbook,
    incidents: Incidents,
    slots: [Option<IncidentId>; SLOTS],
    /// When the latest command happened.
    clock: Timestamp,
    history: History,
}

impl<'p> Builder<'p> {
    fn new(playbook: &'p Playbook, seed: u64) -> Self {
        Builder {
            playbook,
            incidents: Incidents::new(playbook.clone()),
            slots: [None; SLOTS],
            clock: Writer::new(playbook, seed).time(),
            history: History {
                lines: Vec::new(),
                commands: Vec::new(),
            },
        }
    }

    /// The open incident of a slot, if any.
    fn open(&self, slot: usize) -> Option<&Incident> {
        let id = (*self.slots.get(slot)?)?;
        self.incidents
            .get(id)
            .filter(|i| i.phase() != Phase::Closed)
    }

    /// The closed incident of a slot, if it closed there last.
    fn closed(&self, slot: usize) -> Option<&Incident> {
        let id = (*self.slots.get(slot)?)?;
        self.incidents
            .get(id)
            .filter(|i| i.phase() == Phase::Closed)
    }

    /// Writes the step's command and keeps it if it is accepted; a command
    /// refused (a writer's slip) is written again from the next seeds, a few
    /// times, so that a history has the length asked for.
    fn step(&mut self, step: &Step) -> bool {
        (0..RETRIES).any(|k| self.attempt(step, step.seed.wrapping_add(k)))
    }

    fn attempt(&mut self, step: &Step, seed: u64) -> bool {
        let slot = usize::from(step.slot) % SLOTS;
        let mut w = Writer::new(self.playbook, seed);
        let gap = chrono::Duration::seconds(i64::from(step.gap));
        let v = match self.open(slot) {
            Some(incident) => {
                w.set_incident(&incident.id().to_string());
                w.set_time(Timestamp::from(
                    incident.last_command_at().as_datetime() + gap,
                ));
                if step.wander {
                    w.any_valid(incident)
                } else {
                    w.next_step(Some(incident))
                }
            }
            // Now and then an amendment to the incident that closed here,
            // before the next one is declared.
            None if step.wander && w.dice().chance(25) && self.closed(slot).is_some() => {
                let Some(closed) = self.closed(slot) else {
                    return false;
                };
                w.set_incident(&closed.id().to_string());
                w.set_time(Timestamp::from(
                    closed.last_command_at().as_datetime() + gap,
                ));
                w.any_valid(closed)
            }
            None => {
                w.set_time(Timestamp::from(self.clock.as_datetime() + gap));
                w.next_step(None)
            }
        };
        match self.accept(&v) {
            Some(id) => {
                self.slots[slot] = Some(id);
                true
            }
            None => false,
        }
    }

    /// Sends `v`; keeps it in the history when it is applied.
    fn accept(&mut self, v: &Value) -> Option<IncidentId> {
        let line = v.to_string();
        let command = crate::parse_command(&line).ok()?;
        match self.incidents.handle_json(&line) {
            Ok(Outcome::Applied { .. }) => {
                self.clock = self.clock.max(command.at);
                let id = command.incident_id;
                self.history.lines.push(line);
                self.history.commands.push(command);
                Some(id)
            }
            _ => None,
        }
    }
}

/// A valid command for `incident` as it stands (the next step towards
/// closing it, or any command its phase allows), or `None` when it is
/// closed: a closed incident accepts nothing.
///
/// ```
/// use incident_playbook::{Incident, Playbook};
/// use incident_playbook::testkit::{history, next_command};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let playbook = Playbook::default();
/// let mut runner = TestRunner::deterministic();
/// let h = history(&playbook, 5).new_tree(&mut runner).unwrap().current();
/// let incident: Incident = h.replay(&playbook).into_vec().remove(0);
/// let next = next_command(&playbook, &incident).unwrap();
/// let command = next.new_tree(&mut runner).unwrap().current();
/// assert!(incident.decide(&command, &playbook).is_ok());
/// ```
pub fn next_command(playbook: &Playbook, incident: &Incident) -> Option<BoxedStrategy<Command>> {
    if incident.phase() == Phase::Closed {
        return None;
    }
    let (playbook, incident) = (playbook.clone(), incident.clone());
    let strategy = (any::<u64>(), prop::bool::weighted(0.3), gap()).prop_filter_map(
        "a command the incident accepts",
        move |(seed, wander, gap)| {
            let mut w = Writer::new(&playbook, seed);
            w.set_incident(&incident.id().to_string());
            let gap = chrono::Duration::seconds(i64::from(gap));
            w.set_time(Timestamp::from(
                incident.last_command_at().as_datetime() + gap,
            ));
            let v = if wander {
                w.any_valid(&incident)
            } else {
                w.next_step(Some(&incident))
            };
            let command = crate::parse_command(&v.to_string()).ok()?;
            let accepted = incident.decide(&command, &playbook).is_ok();
            accepted.then_some(command)
        },
    );
    Some(strategy.boxed())
}

/// A valid history of one incident and a command that breaks `rule` and no
/// other, or `None` when `rule` is not in [`BREAKABLE`]. The command is for
/// the history's incident (or, for `not-declared`, for another one); for
/// the rules only a closed incident breaks (`incident-closed`,
/// `amendment-reason-required`) the history closes it. The history shrinks
/// as [`history`]'s do, the command staying one that breaks `rule` alone.
///
/// ```
/// use incident_playbook::{Incidents, Playbook, Rule};
/// use incident_playbook::testkit::breaking;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let playbook = Playbook::default();
/// let strategy = breaking(&playbook, Rule::RollbackSameTag).unwrap();
/// let broken = strategy.new_tree(&mut TestRunner::deterministic()).unwrap().current();
/// let mut incidents = broken.history.replay(&playbook);
/// let refused = incidents.handle(broken.command).unwrap_err();
/// assert_eq!(refused.rules(), [Rule::RollbackSameTag]);
/// ```
pub fn breaking(playbook: &Playbook, rule: Rule) -> Option<BoxedStrategy<Broken>> {
    if !BREAKABLE.contains(&rule) {
        return None;
    }
    let playbook = playbook.clone();
    let strategy = (any::<u64>(), any::<u64>(), 0usize..24).prop_filter_map(
        "a state in which the rule can be broken alone",
        move |(seed, breaker, start)| break_after(&playbook, rule, seed, breaker, start),
    );
    Some(strategy.boxed())
}

/// How many commands a history for [`breaking`] takes at most before the
/// rule is broken (a SEV1 needs a score to close).
const MOST: usize = 64;

/// The rules only a closed incident breaks: its history goes on to close.
const AFTER_CLOSE: [Rule; 2] = [Rule::IncidentClosed, Rule::AmendmentReasonRequired];

/// Takes one incident towards closing from `seed` and, from the `start`th
/// command on, tries to break `rule` alone after each.
fn break_after(
    playbook: &Playbook,
    rule: Rule,
    seed: u64,
    breaker: u64,
    start: usize,
) -> Option<Broken> {
    let mut builder = Builder::new(playbook, seed);
    let mut dice = Dice::new(seed);
    for n in 0..MOST {
        if n >= start
            && let Some(broken) = builder.try_break(rule, breaker ^ n as u64)
        {
            return Some(broken);
        }
        let step = Step {
            slot: 0,
            wander: dice.chance(20),
            gap: dice.below(1_800) as u32,
            seed: dice.next_u64(),
        };
        builder.step(&step);
        if builder.open(0).is_none() && !AFTER_CLOSE.contains(&rule) {
            return None;
        }
    }
    None
}

impl Builder<'_> {
    /// A command that breaks `rule` alone in the current state, if the
    /// writer finds one.
    fn try_break(&self, rule: Rule, seed: u64) -> Option<Broken> {
        let mut w = Writer::new(self.playbook, seed);
        // Any command for an incident never declared breaks `not-declared`.
        let incident = self.slots[0]
            .and_then(|id| self.incidents.get(id))
            .filter(|_| rule != Rule::NotDeclared);
        if let Some(incident) = incident {
            w.set_incident(&incident.id().to_string());
            w.set_time(incident.last_command_at());
        } else {
            w.set_time(self.clock);
        }
        let line = w.breaking(incident, rule)?.to_string();
        let command = crate::parse_command(&line).ok()?;
        let refused = self.incidents.clone().handle_json(&line).err()?;
        let rules: BTreeSet<Rule> = refused.rejection.rules().into_iter().collect();
        (rules == BTreeSet::from([rule])).then(|| Broken {
            history: self.history.clone(),
            line,
            command,
        })
    }
}
