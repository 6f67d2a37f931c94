//! The writer: one incident's commands as JSON, as senders write them.

use serde_json::{Value, json};

use super::breaks::BREAKABLE;
use super::dice::Dice;
use super::view::View;
use super::words::*;
use crate::{Incident, Playbook, Rule, Timestamp};

/// Writes commands for one incident as JSON objects, as senders write them:
/// times in other offsets or with more fraction digits than a nanosecond,
/// `expected_version` now and then (sometimes `3.0`), texts at their length
/// limits, names in any script. Every choice comes from a [`Dice`] seeded by
/// the caller, so the same seed writes the same command.
///
/// The [strategies](super) are built on it; it is public for generators of
/// your own (the crate's own tests write malformed and chaotic commands on
/// it). A writer knows the playbook's dependency catalogue and health
/// endpoints, and looks at an incident's state to write a command that fits
/// it.
///
/// ```
/// use incident_playbook::testkit::Writer;
/// use incident_playbook::{Incident, Playbook, parse_command};
///
/// let playbook = Playbook::default();
/// let mut writer = Writer::new(&playbook, 42);
/// let declare = parse_command(&writer.next_step(None).to_string()).unwrap();
/// let incident = Incident::declare(declare, &playbook).unwrap();
/// let next = parse_command(&writer.next_step(Some(&incident)).to_string()).unwrap();
/// assert!(incident.clone().handle(next, &playbook).is_ok());
/// ```
#[derive(Debug, Clone)]
pub struct Writer {
    pub(crate) rng: Dice,
    pub(crate) id: String,
    pub(crate) at: Time,
    /// The playbook's dependency catalogue: (name, optional).
    pub(crate) deps: Vec<(String, bool)>,
    /// The names `verification.health` keys its results by.
    pub(crate) health: Vec<String>,
}

impl Writer {
    /// A writer for `playbook`'s incidents; the seed starts its [`Dice`] and
    /// chooses the first incident's id and a time in 2026–2028.
    pub fn new(playbook: &Playbook, seed: u64) -> Writer {
        let mut rng = Dice::new(seed);
        let id = rng.uuid();
        let at = parse_ts("2026-01-01T00:00:00Z").unwrap_or_default()
            + secs(rng.range(0, 3 * 365 * 86_400));
        Writer {
            rng,
            id,
            at,
            deps: playbook
                .dependencies()
                .iter()
                .map(|d| (d.name.to_string(), d.optional))
                .collect(),
            health: playbook
                .health_endpoints()
                .iter()
                .map(|h| h.name.to_string())
                .collect(),
        }
    }

    /// The random source every choice comes from.
    pub fn dice(&mut self) -> &mut Dice {
        &mut self.rng
    }

    /// The incident the next commands name (a UUID, in any case).
    pub fn set_incident(&mut self, incident_id: &str) {
        incident_id.clone_into(&mut self.id);
    }

    /// The incident the next commands name.
    pub fn incident(&self) -> &str {
        &self.id
    }

    /// The time of the next command (its `at`, give or take a fraction of a
    /// second).
    pub fn set_time(&mut self, at: Timestamp) {
        self.at = at.as_datetime();
    }

    /// The time of the next command.
    pub fn time(&self) -> Timestamp {
        Timestamp::from(self.at)
    }

    /// The next step towards closing `incident`, valid: a declaration when
    /// there is none yet. A closed incident accepts nothing (this writes a
    /// `post_update`, refused `incident-closed`).
    pub fn next_step(&mut self, incident: Option<&Incident>) -> Value {
        let view = incident.map(View::of);
        self.fallback(view.as_ref())
    }

    /// Any command `incident` allows now, valid (the lifecycle wanders:
    /// roles change hands, the impact is revised, mitigations end and their
    /// outcomes are revised, updates are posted). A closed incident accepts
    /// amendments only: this writes a `revise_outcome` when a mitigation
    /// has ended, else a `post_update`, refused `incident-closed`.
    pub fn any_valid(&mut self, incident: &Incident) -> Value {
        let view = View::of(incident);
        if view.phase == Phase::Closed {
            return match self.revise(&view) {
                Some(v) => v,
                None => self.post_update(&view),
            };
        }
        self.wander(&view)
    }

    /// A command of any type with a body written for `incident`'s state,
    /// whatever its phase allows (a declaration when there is none).
    pub fn any_type(&mut self, incident: Option<&Incident>) -> Value {
        let view = incident.map(View::of);
        self.anything(view.as_ref())
    }

    /// A command for `incident` (or, with `None`, for an incident not yet
    /// declared) that breaks `rule` and no other, or `None` when this state
    /// cannot break it alone ([`BREAKABLE`](super::BREAKABLE) lists the rules
    /// a writer can break).
    pub fn breaking(&mut self, incident: Option<&Incident>, rule: Rule) -> Option<Value> {
        let rule = BREAKABLE.iter().find(|r| **r == rule)?.id();
        let view = incident.map(View::of);
        match view.as_ref() {
            None => self.break_declare(rule),
            Some(v) if v.phase == Phase::Closed => self.break_closed(v, rule),
            Some(v) => self.break_incident(v, rule),
        }
    }

    /// A command that breaks one rule alone: [`BREAKABLE`](super::BREAKABLE)`[n]`
    /// when this state can, else the first the dice find that it can (first
    /// those of the step the incident is about to take); the rule with it.
    pub fn breaking_any(&mut self, incident: Option<&Incident>, n: usize) -> Option<(Value, Rule)> {
        let view = incident.map(View::of);
        let (v, rule) = self.breakage(view.as_ref(), n)?;
        Some((v, rule.parse().ok()?))
    }

    /// A time as senders write it (see [`Writer`]).
    pub fn timestamp(&mut self, at: Timestamp) -> Value {
        self.stamp(at.as_datetime())
    }

    /// An envelope of type `kind` (ids and time) without a body.
    pub fn envelope(&mut self, kind: &str) -> Value {
        let mut v = json!({
            "type": kind,
            "incident_id": self.id,
            "command_id": self.rng.uuid(),
        });
        let mut at = self.at;
        if self.rng.chance(3) {
            // Fractions of a second, as some senders write them.
            at += chrono::Duration::milliseconds(self.rng.range(1, 999));
        }
        v["at"] = self.stamp(at);
        v
    }

    /// A time as senders write it: mostly `…Z`, sometimes in another
    /// offset, in lower case, or with more fraction digits than a
    /// nanosecond holds; each is the same instant.
    pub(crate) fn stamp(&mut self, t: Time) -> Value {
        let offsets = [120, -330, 840, -720, 0, 59];
        match self.rng.below(100) {
            0..=2 => ts_with_offset(t, *self.rng.pick(&offsets)),
            3 => ts(t).replace('T', "t").replace('Z', "z"),
            4 => format!(
                "{}.{:09}17Z",
                t.format("%Y-%m-%dT%H:%M:%S"),
                t.timestamp_subsec_nanos()
            ),
            _ => ts(t),
        }
        .into()
    }

    /// Adds `expected_version` now and then, as a careful sender would
    /// (sometimes written `3.0`, which is the same whole number).
    pub(crate) fn expecting(&mut self, mut v: Value, inc: Option<&View>) -> Value {
        if self.rng.chance(20) {
            let version = inc.map_or(0, |i| i.version);
            v["expected_version"] = if self.rng.chance(15) {
                (version as f64).into()
            } else {
                version.into()
            };
        }
        v
    }

    pub(crate) fn at(&self, v: &Value) -> Time {
        time_at(&v["at"]).unwrap_or(self.at)
    }

    /// True `per_mille` times in a thousand: texts at their length limit are
    /// long, and every later snapshot carries them, so they are rare.
    pub(crate) fn rare(&mut self, per_mille: u64) -> bool {
        self.rng.next_u64() % 1000 < per_mille
    }

    /// A short text (a title, an update's line), now and then at its
    /// length limit.
    pub fn short(&mut self) -> String {
        if self.rare(1) {
            // Exactly at the limit, in two-byte characters.
            return "é".repeat(SHORT);
        }
        self.rng.pick(&SHORTS).to_string()
    }

    pub(crate) fn long(&mut self) -> String {
        if self.rare(1) {
            return "ø".repeat(LONG);
        }
        let n = self.rng.range(1, 4) as usize;
        (0..n)
            .map(|_| self.rng.pick(&SHORTS).to_string())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// A person's name, in any script, now and then at its length limit.
    pub fn person(&mut self) -> String {
        if self.rng.chance(1) {
            return "Å".repeat(NAME);
        }
        self.rng.pick(&PEOPLE).to_string()
    }

    pub(crate) fn blank(&mut self) -> Value {
        if self.rng.chance(15) {
            Value::Null
        } else {
            self.rng.pick(&BLANKS).to_string().into()
        }
    }

    pub(crate) fn blank_string(&mut self) -> String {
        self.rng.pick(&BLANKS).to_string()
    }
}
