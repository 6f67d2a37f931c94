//! Scripts: what proptest draws. A script is a list of steps, each an intent
//! (move the incident on, wander, break one rule, redeliver, send garbage)
//! with a seed for the details; the [`Scene`] turns a step into a concrete
//! JSON command by looking at the incident, so that the commands form
//! realistic lifecycles. Valid commands and those that break one rule are
//! written by the test kit's `Writer` (`incident_playbook::testkit`, feature
//! `proptest`), for the incident as the crate keeps it; chaos commands
//! (`chaos.rs`) and malformed and random ones (`garbage.rs`) are written here
//! on the same writer. Which incidents exist, which closed, and when, the
//! scene reads off the model.

use std::ops::{Range, RangeInclusive};

use proptest::prelude::*;
use serde_json::Value;

use incident_playbook::testkit::{BREAKABLE, Writer};
use incident_playbook::{Incident, IncidentId, Incidents, Playbook, Rule, Timestamp};

use super::chaos::Chaos;
use super::garbage::Trash;
use super::model::{Inc, World};
use super::support::*;

#[derive(Debug, Clone)]
pub struct Script {
    pub seed: u64,
    pub incidents: usize,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub target: u8,
    pub action: Action,
    /// Seconds since the incident's last command.
    pub gap: u32,
    pub seed: u64,
}

#[derive(Debug, Clone)]
pub enum Action {
    /// The next step towards closing the incident.
    Progress,
    /// Any command the incident allows now, valid.
    Wander,
    /// A command that breaks one rule: `BREAKABLE[n % BREAKABLE.len()]` (or the
    /// next one that can be broken in the incident's state).
    Break(u8),
    /// Any command type with a body built for the state, whatever the phase.
    Anything,
    /// A well-formed command with a few random changes to its fields.
    Chaos,
    /// A line sent before, again (`form` chooses how it is rewritten).
    Redeliver {
        back: u16,
        form: u8,
    },
    /// A command for an incident that was never declared.
    Stranger,
    Garbage(Garbage),
}

#[derive(Debug, Clone)]
pub enum Garbage {
    /// A random JSON value, sometimes given a real envelope.
    Json(Value, bool),
    /// A line that is not JSON: a cut-off command or random text.
    Text(String),
    /// A structural corruption of a valid command (`CORRUPTIONS`): both the
    /// crate and the schema must refuse it.
    Corrupt(u8),
    /// A random node of a valid command replaced (or removed).
    Mutate(Option<Value>),
    /// A valid command with one key given twice.
    DuplicateKey,
}

/// The weights of the step kinds: the share of each in a script.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    pub progress: u32,
    pub wander: u32,
    pub breaks: u32,
    pub anything: u32,
    pub chaos: u32,
    pub redeliver: u32,
    pub stranger: u32,
    pub garbage: u32,
}

impl Mix {
    /// Mostly valid lifecycles; about one command in seven breaks one rule,
    /// one in eighteen is a chaos command.
    pub const LIFECYCLE: Mix = Mix {
        progress: 50,
        wander: 25,
        breaks: 14,
        anything: 4,
        chaos: 6,
        redeliver: 5,
        stranger: 1,
        garbage: 1,
    };
    /// Lifecycles only: every command valid.
    pub const VALID: Mix = Mix {
        progress: 65,
        wander: 35,
        breaks: 0,
        anything: 0,
        chaos: 0,
        redeliver: 0,
        stranger: 0,
        garbage: 0,
    };
    /// Lifecycles with every third line garbage.
    pub const HOSTILE: Mix = Mix {
        progress: 40,
        wander: 15,
        breaks: 5,
        anything: 3,
        chaos: 5,
        redeliver: 4,
        stranger: 0,
        garbage: 33,
    };
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "",
            " ",
            "SEV1",
            "SEV0",
            "declare",
            "add_note",
            "resolved",
            "published",
            "2026-05-04T09:05:00Z",
            "2026-05-04",
            "e2181857-7398-5cf2-aad9-acc3150b8632",
            "broad_outage",
            "commander",
            "\u{feff}",
            "Ada",
            "\u{0}",
        ])
        .prop_map(Value::from),
    ]
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "incident_id",
            "command_id",
            "at",
            "expected_version",
            "title",
            "severity",
            "impact",
            "roles",
            "update",
            "reason",
            "role",
            "person",
            "check",
            "finding",
            "text",
            "mitigation",
            "verification",
            "endpoint",
            "postmortem",
            "status",
            "owner",
            "next_update",
            "kind",
            "flags",
            "commander",
            "",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,10}",
    ]
}

pub fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(json_key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn garbage() -> impl Strategy<Value = Garbage> {
    prop_oneof![
        2 => (json_value(), any::<bool>()).prop_map(|(v, e)| Garbage::Json(v, e)),
        1 => ".{0,40}".prop_map(Garbage::Text),
        5 => any::<u8>().prop_map(Garbage::Corrupt),
        4 => prop::option::weighted(0.8, json_value()).prop_map(Garbage::Mutate),
        1 => Just(Garbage::DuplicateKey),
    ]
}

fn action(mix: Mix) -> impl Strategy<Value = Action> {
    prop_oneof![
        mix.progress => Just(Action::Progress),
        mix.wander => Just(Action::Wander),
        mix.breaks => any::<u8>().prop_map(Action::Break),
        mix.anything => Just(Action::Anything),
        mix.chaos => Just(Action::Chaos),
        mix.redeliver => (any::<u16>(), any::<u8>())
            .prop_map(|(back, form)| Action::Redeliver { back, form }),
        mix.stranger => Just(Action::Stranger),
        mix.garbage => garbage().prop_map(Action::Garbage),
    ]
}

fn gap() -> impl Strategy<Value = u32> {
    prop_oneof![
        12 => 0u32..=900,
        5 => 900u32..=7_200,
        2 => Just(0u32),
        1 => 7_200u32..=4 * 86_400,
    ]
}

pub fn script(
    incidents: RangeInclusive<usize>,
    len: Range<usize>,
    mix: Mix,
) -> impl Strategy<Value = Script> {
    let step =
        (any::<u8>(), action(mix), gap(), any::<u64>()).prop_map(|(target, action, gap, seed)| {
            Step {
                target,
                action,
                gap,
                seed,
            }
        });
    (any::<u64>(), incidents, prop::collection::vec(step, len)).prop_map(
        |(seed, incidents, steps)| Script {
            seed,
            incidents,
            steps,
        },
    )
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Valid,
    Break(&'static str),
    Anything,
    Chaos,
    Redeliver,
    Stranger,
    /// `malformed`: the crate must say `malformed-input`; `schema`: the
    /// schema must refuse it too.
    Garbage {
        kind: &'static str,
        malformed: bool,
        schema: bool,
    },
}

impl Intent {
    /// Whether the model can read the command (it is a well-formed one).
    pub fn readable(&self) -> bool {
        !matches!(self, Intent::Garbage { .. })
    }
}

pub struct Generated {
    pub line: String,
    /// The command as JSON, when the line is JSON.
    pub value: Option<Value>,
    pub intent: Intent,
    /// The incident the line is meant for.
    pub incident: String,
}

pub const PEOPLE: [&str; 10] = [
    "Ada",
    "Grace",
    "Linus",
    "Ken",
    "Barbara",
    "Edsger",
    "Margaret",
    "Zoë",
    "José Álvarez",
    "李雷",
];
/// People who never hold a role.
pub const OUTSIDERS: [&str; 3] = ["Mallory", "Trent", "ada"];
pub const ENDPOINTS: [&str; 5] = [
    "/api/documents",
    "/api/share",
    "/api/search",
    "/api/upload",
    "/app/login",
];
pub const BLANKS: [&str; 6] = ["", " ", "\t\n", "\u{a0}", "\u{2003}", "\u{feff}"];

/// What a generator needs to know besides the model: which incident each
/// slot is working on, when the next one starts, and every line sent so far.
pub struct Scene {
    /// The incident each slot works on; a slot whose incident closed
    /// usually starts a new one.
    slots: Vec<String>,
    /// When each slot's next declaration happens (before its gap).
    starts: Vec<Time>,
    strangers: Vec<String>,
    /// (incident, line, the model could read it)
    pub sent: Vec<(String, String, bool)>,
}

impl Scene {
    pub fn new(script: &Script) -> Scene {
        let mut rng = Dice::new(script.seed);
        let slots: Vec<String> = (0..script.incidents.max(1)).map(|_| rng.uuid()).collect();
        let strangers = (0..3).map(|_| rng.uuid()).collect();
        // Somewhere in 2026–2028, at any second of the day.
        let base = parse_ts("2026-01-01T00:00:00Z").expect("a time")
            + secs(rng.range(0, 3 * 365 * 86_400));
        Scene {
            starts: slots
                .iter()
                .map(|_| base + secs(rng.range(0, 7_200)))
                .collect(),
            slots,
            strangers,
            sent: Vec::new(),
        }
    }

    /// Turns a step into a line, looking at the model's view of the world.
    /// `incidents` are the crate's: the writers write for an incident's
    /// state as the crate keeps it (the model, which predicts the verdicts,
    /// keeps its own).
    pub fn build(&mut self, world: &World, incidents: &Incidents, step: &Step) -> Generated {
        let mut g = self.compose(world, incidents, step);
        let mut dice = Dice::new(step.seed ^ 0xa11);
        if let (true, Some(v)) = (g.intent.readable(), g.value.as_mut()) {
            let mut changed = false;
            if g.intent == Intent::Valid && dice.chance(4) {
                // Command ids are unique per incident: another incident's
                // id is free here.
                let target = v["incident_id"].as_str().unwrap_or_default().to_owned();
                let theirs: Vec<&String> = world
                    .incidents
                    .iter()
                    .filter(|i| i.id != target)
                    .flat_map(|i| i.accepted.keys())
                    .collect();
                if !theirs.is_empty() {
                    v["command_id"] = dice.pick(&theirs).to_string().into();
                    changed = true;
                }
            }
            if dice.chance(8) {
                let mut writer = Writer::new(&Playbook::default(), dice.next_u64());
                writer.nullify(v);
                changed = true;
            }
            if changed {
                g.line = v.to_string();
            }
        }
        g
    }

    fn compose(&mut self, world: &World, incidents: &Incidents, step: &Step) -> Generated {
        let slot = usize::from(step.target) % self.slots.len();
        let mut dice = Dice::new(step.seed ^ 0x5107);
        if let Some(inc) = world.get(&self.slots[slot])
            && inc.phase == Phase::Closed
            && !matches!(step.action, Action::Redeliver { .. })
            && dice.chance(85)
        {
            self.slots[slot] = dice.uuid();
            self.starts[slot] = inc.last_at + secs(dice.range(0, 86_400));
        }
        let id = self.slots[slot].clone();
        let model = world.get(&id);
        let inc = crate_incident(incidents, &id);
        let mut g = Writer::new(&Playbook::default(), step.seed);
        g.set_incident(&id);
        g.set_time(Timestamp::from(match model {
            Some(inc) => inc.last_at + secs(i64::from(step.gap)),
            None => self.starts[slot] + secs(i64::from(step.gap)),
        }));
        let made = |value: Value, intent: Intent| Generated {
            line: value.to_string(),
            value: Some(value),
            intent,
            incident: id.clone(),
        };
        if let Action::Break(n) = step.action
            && BREAKABLE[usize::from(n) % BREAKABLE.len()] == Rule::IncidentClosed
        {
            let closed: Vec<&Inc> = world
                .incidents
                .iter()
                .filter(|i| i.phase == Phase::Closed)
                .collect();
            if !closed.is_empty() {
                let inc = *g.dice().pick(&closed);
                g.set_incident(&inc.id);
                g.set_time(Timestamp::from(inc.last_at + secs(i64::from(step.gap))));
                let v = g.any_type(crate_incident(incidents, &inc.id));
                return Generated {
                    line: v.to_string(),
                    value: Some(v),
                    intent: Intent::Break("incident-closed"),
                    incident: inc.id.clone(),
                };
            }
        }
        match (&step.action, inc) {
            (Action::Redeliver { back, form }, _) => {
                let mine: Vec<&(String, String, bool)> =
                    self.sent.iter().filter(|(i, _, _)| *i == id).collect();
                if mine.is_empty() {
                    return made(g.next_step(inc), Intent::Valid);
                }
                let (_, line, readable) = mine[mine.len() - 1 - usize::from(*back) % mine.len()];
                let value: Option<Value> = serde_json::from_str(line).ok();
                match (value, readable) {
                    (Some(v), true) => made(g.reform(v, *form), Intent::Redeliver),
                    (v, _) => Generated {
                        line: line.clone(),
                        value: v,
                        intent: Intent::Garbage {
                            kind: "redelivered",
                            malformed: false,
                            schema: false,
                        },
                        incident: id.clone(),
                    },
                }
            }
            (Action::Stranger, _) => {
                let stranger = g.dice().pick(&self.strangers).clone();
                let mut v = g.any_type(inc);
                if v["type"] == "declare" {
                    v = g.envelope("add_note");
                    v["text"] = g.short().into();
                }
                v["incident_id"] = stranger.into();
                made(v, Intent::Stranger)
            }
            (Action::Garbage(garbage), _) => {
                let base = g.next_step(inc);
                g.garbage(garbage, base, id.clone())
            }
            (Action::Break(n), _) => match g.breaking_any(inc, usize::from(*n)) {
                Some((v, rule)) => made(v, Intent::Break(rule.id())),
                None => made(g.next_step(inc), Intent::Valid),
            },
            (Action::Anything, Some(inc)) => made(g.any_type(Some(inc)), Intent::Anything),
            (Action::Chaos, _) => made(g.chaos(inc), Intent::Chaos),
            (Action::Wander, Some(inc)) if inc.phase() != incident_playbook::Phase::Closed => {
                made(g.any_valid(inc), Intent::Valid)
            }
            (_, Some(inc)) if inc.phase() == incident_playbook::Phase::Closed => {
                made(g.any_type(Some(inc)), Intent::Anything)
            }
            _ => made(g.next_step(inc), Intent::Valid),
        }
    }
}

/// The crate's incident with the model's id (lower-case hex), if declared.
fn crate_incident<'a>(incidents: &'a Incidents, id: &str) -> Option<&'a Incident> {
    incidents.get(id.parse::<IncidentId>().ok()?)
}
