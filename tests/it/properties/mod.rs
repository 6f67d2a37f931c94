//! Properties that hold for every history, checked on generated command
//! sequences (proptest).
//!
//! - Scripts of realistic lifecycles for one incident at a time and for
//!   several interleaved ones (`properties/scenario.rs`; the commands are
//!   written by the test kit, `incident_playbook::testkit`, feature
//!   `proptest`), with a controlled share of commands that break exactly one
//!   named rule (the test kit's `BREAKABLE`), chaos commands
//!   that break several at once (`properties/chaos.rs`), redeliveries, and
//!   garbage: random JSON, random field mutations, structural corruptions
//!   (`properties/garbage.rs`).
//! - After every accepted command the snapshot keeps every invariant of
//!   the contract (`docs/contract.md`), judged by a checker that reads the JSON and never calls the
//!   crate (`properties/invariants.rs`); after every rejected command every
//!   incident serializes byte for byte as before.
//! - A reference model written from the contract predicts the verdict and the
//!   rule ids of every readable command; the crate agrees
//!   (`properties/model.rs`).
//! - Round trips: snapshots through JSON and `Incident::load`, commands
//!   through JSON, every command delivered twice, histories replayed.
//! - The exported command schema accepts every command the crate accepts,
//!   and both refuse structural corruptions; every line the crate reads,
//!   mutated from valid ones in the shapes that matter, validates against it
//!   but for what the rules judge (`properties/shapes.rs`).
//!
//! Cases per property: `PROPTEST_CASES` (default 256, what CI runs). Failures
//! are kept in `proptest-regressions/properties.txt` and replayed first.

mod chaos;
mod garbage;
mod invariants;
mod model;
mod scenario;
#[cfg(feature = "schema")]
mod shapes;
pub(crate) mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use incident_playbook::{
    Command, Incident, Incidents, LineRejection, Outcome, Playbook, Replay, Rule, Snapshot,
    parse_command,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use serde_json::Value;

use incident_playbook::testkit::BREAKABLE;
use model::{Verdict, World};
use scenario::{Intent, Mix, Scene, Script, script};

/// Enough cases for CI to stay quick; set `PROPTEST_CASES` for more.
const DEFAULT_CASES: u32 = 256;

const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/proptest-regressions/properties.txt"
);

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(REGRESSIONS))),
        ..ProptestConfig::default()
    }
}

#[cfg(feature = "schema")]
fn command_schema() -> &'static jsonschema::Validator {
    static VALIDATOR: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
        let schema = incident_playbook::schema::by_name("command").expect("the command schema");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema.schema)
            .expect("the command schema compiles")
    });
    &VALIDATOR
}

#[cfg(feature = "schema")]
fn schema_valid(line: &str) -> bool {
    serde_json::from_str::<Value>(line).is_ok_and(|v| command_schema().is_valid(&v))
}

/// What a run checks besides the invariants and unchanged rejections.
#[derive(Debug, Clone, Copy, Default)]
struct Checks {
    /// The crate's verdicts and states agree with the model's.
    model: bool,
    /// Accepted commands validate against the command schema.
    schema: bool,
    /// A second collection gets every line twice and must end up the same.
    twice: bool,
}

/// Counts of what a run did, for the coverage test.
#[derive(Debug, Default)]
struct Stats {
    steps: usize,
    accepted: usize,
    duplicates: usize,
    rejected: BTreeMap<String, usize>,
    /// Rejections naming two or more rules.
    multi: usize,
    /// Breaks that broke exactly the rule they aimed at.
    exact: BTreeMap<&'static str, usize>,
    /// Breaks whose command broke other rules (or none) as well.
    inexact: BTreeMap<&'static str, usize>,
    closed: usize,
}

struct Harness {
    playbook: Playbook,
    incidents: Incidents,
    shadow: Option<Incidents>,
    world: World,
    scene: Scene,
    /// Every incident's snapshot as last serialized, by id.
    cache: HashMap<String, String>,
    lines: Vec<String>,
    checks: Checks,
    stats: Stats,
}

fn rules_of(r: &LineRejection) -> BTreeSet<String> {
    r.rejection
        .rules()
        .into_iter()
        .map(|r| r.id().to_owned())
        .collect()
}

/// The rules the contract says are reported alone.
const ALONE: [&str; 4] = [
    "malformed-input",
    "not-declared",
    "already-declared",
    "incident-closed",
];

impl Harness {
    fn new(script: &Script, checks: Checks) -> Harness {
        Harness {
            playbook: Playbook::default(),
            incidents: Incidents::new(Playbook::default()),
            shadow: checks.twice.then(|| Incidents::new(Playbook::default())),
            world: World::default(),
            scene: Scene::new(script),
            cache: HashMap::new(),
            lines: Vec::new(),
            checks,
            stats: Stats::default(),
        }
    }

    fn run(script: &Script, checks: Checks) -> Result<Harness, TestCaseError> {
        let mut h = Harness::new(script, checks);
        for step in &script.steps {
            let g = h.scene.build(&h.world, &h.incidents, step);
            h.send(&g.line, g.value.as_ref(), &g.intent)?;
            h.scene.sent.push((g.incident, g.line, g.intent.readable()));
        }
        h.stats.closed = h
            .incidents
            .iter()
            .filter(|i| i.phase() == incident_playbook::Phase::Closed)
            .count();
        Ok(h)
    }

    fn all_json(&self) -> String {
        serde_json::to_string(&self.incidents).expect("incidents serialize")
    }

    /// Sends one line and checks everything that must hold after it.
    fn send(
        &mut self,
        line: &str,
        value: Option<&Value>,
        intent: &Intent,
    ) -> Result<(), TestCaseError> {
        self.stats.steps += 1;
        let count_before = self.incidents.len();
        let predicted = match (intent.readable(), value) {
            (true, Some(v)) => Some(self.world.predict(v)),
            _ => None,
        };
        if let (Intent::Break(rule), Some(p)) = (intent, &predicted) {
            let exact = *p == Verdict::rejected(rule);
            let bucket = if exact {
                &mut self.stats.exact
            } else {
                &mut self.stats.inexact
            };
            *bucket.entry(rule).or_default() += 1;
        }
        let result = self.incidents.handle_json(line);
        self.lines.push(line.to_owned());
        if let Some(shadow) = &mut self.shadow {
            let first = shadow.handle_json(line);
            let second = shadow.handle_json(line);
            prop_assert_eq!(&first, &result, "the second collection answered otherwise");
            match (&first, &second) {
                (Ok(o), Ok(Outcome::Duplicate { version })) => {
                    prop_assert_eq!(o.version(), *version)
                }
                (Err(a), Err(b)) => prop_assert_eq!(rules_of(a), rules_of(b)),
                _ => prop_assert!(false, "delivered again: {:?} then {:?}", first, second),
            }
        }
        match &result {
            Ok(outcome) => self.accepted(line, value, *outcome, predicted)?,
            Err(rejection) => {
                self.rejected(line, value, intent, rejection, predicted, count_before)?
            }
        }
        if let Some(shadow) = &self.shadow {
            // The incident the line named is the same in both collections
            // (the others were checked when their lines came).
            prop_assert_eq!(shadow.len(), self.incidents.len());
            let named = parse_command(line).ok().map(|c| c.incident_id);
            if let Some(mine) = named.and_then(|id| self.incidents.get(id)) {
                let theirs = shadow
                    .get(mine.id())
                    .map(|i| serde_json::to_string(i).expect("serialize"));
                prop_assert_eq!(
                    theirs.as_ref(),
                    self.cache.get(&mine.id().to_string()),
                    "delivering every line twice changed the outcome"
                );
            }
        }
        Ok(())
    }

    fn accepted(
        &mut self,
        line: &str,
        value: Option<&Value>,
        outcome: Outcome,
        predicted: Option<Verdict>,
    ) -> Result<(), TestCaseError> {
        let cmd = parse_command(line).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let id = cmd.incident_id.to_string();
        let incident = self
            .incidents
            .get(cmd.incident_id)
            .ok_or_else(|| TestCaseError::fail("accepted for no incident"))?;
        let json = serde_json::to_string(incident).expect("an incident serializes");
        let snapshot: Value = serde_json::to_value(incident).expect("a snapshot is JSON");

        // The invariants, judged without the crate.
        let broken = invariants::broken(&snapshot);
        prop_assert!(
            broken.is_empty(),
            "after accepting {line}\nthe snapshot breaks {broken:?}\n{json}"
        );

        // The command survives its own JSON.
        let again: Command = serde_json::from_str(&serde_json::to_string(&cmd).expect("serialize"))
            .map_err(|e| TestCaseError::fail(format!("re-read {line}: {e}")))?;
        prop_assert_eq!(&again, &cmd);

        match outcome {
            Outcome::Applied { version } => {
                self.stats.accepted += 1;
                prop_assert_eq!(incident.history().last(), Some(&cmd));
                prop_assert_eq!(version, incident.version());
            }
            Outcome::Duplicate { .. } => {
                self.stats.duplicates += 1;
                prop_assert_eq!(
                    self.cache.get(&id),
                    Some(&json),
                    "a duplicate changed the incident"
                );
            }
        }

        #[cfg(feature = "schema")]
        if self.checks.schema {
            prop_assert!(
                schema_valid(line),
                "accepted by the crate, refused by the schema: {}\n{:?}",
                line,
                serde_json::from_str::<Value>(line).map(|v| command_schema()
                    .iter_errors(&v)
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>())
            );
        }

        let got = match outcome {
            Outcome::Applied { .. } => Verdict::Applied,
            Outcome::Duplicate { .. } => Verdict::Duplicate,
        };
        if self.checks.model
            && let Some(p) = &predicted
        {
            prop_assert_eq!(p, &got, "the model disagrees on {}", line);
        }
        match (predicted, value) {
            (Some(Verdict::Applied), Some(v)) if got == Verdict::Applied => self.world.apply(v),
            (Some(Verdict::Duplicate), _) if got == Verdict::Duplicate => {}
            // A line the model cannot read was accepted (or, in a run that
            // does not check the model, one it judged otherwise): take the
            // crate's word.
            _ => self.world.resync(&snapshot),
        }
        if self.checks.model {
            let inc = self
                .world
                .get(&id)
                .ok_or_else(|| TestCaseError::fail("the model lost an incident"))?;
            let diffs = inc.differences(&snapshot);
            prop_assert!(
                diffs.is_empty(),
                "after {line}\nthe model and the crate differ in {diffs:?}\n{json}"
            );
        }
        self.cache.insert(id, json);
        Ok(())
    }

    fn rejected(
        &mut self,
        line: &str,
        value: Option<&Value>,
        intent: &Intent,
        rejection: &LineRejection,
        predicted: Option<Verdict>,
        count_before: usize,
    ) -> Result<(), TestCaseError> {
        let rules = rules_of(rejection);
        self.stats.multi += usize::from(rules.len() > 1);
        for rule in &rules {
            *self.stats.rejected.entry(rule.clone()).or_default() += 1;
        }
        // Nothing changed: the incident the line names serializes byte for
        // byte as before (every incident, when the line names none), and no
        // other incident moved.
        prop_assert_eq!(
            self.incidents.len(),
            count_before,
            "a rejected line added an incident"
        );
        let named = rejection.incident_id.map(|id| id.to_string());
        for incident in self.incidents.iter() {
            let id = incident.id().to_string();
            let cached = self.cache.get(&id);
            if named.as_ref().is_none_or(|n| *n == id) {
                let json = serde_json::to_string(incident).expect("serialize");
                prop_assert_eq!(
                    cached,
                    Some(&json),
                    "rejected {} ({:?}) but the incident changed",
                    line,
                    rules
                );
            } else {
                let version = format!("\"version\":{},", incident.version());
                prop_assert!(cached.is_some_and(|c| c.contains(&version)));
            }
        }
        let first = rejection.rejection.rule().id();
        prop_assert!(rules.contains(first));
        // Catalogue order (issue 10 §8), so the first rule is every
        // implementation's.
        let order: Vec<Rule> = rejection.rejection.iter().map(|v| v.rule()).collect();
        prop_assert!(order.is_sorted(), "not in catalogue order: {:?}", order);
        if ALONE.contains(&first) || rules.iter().any(|r| ALONE.contains(&r.as_str())) {
            prop_assert_eq!(
                rejection.rejection.violations().len(),
                1,
                "{} is reported alone: {:?}",
                first,
                rejection.rejection
            );
        }
        if let Intent::Garbage {
            kind,
            malformed,
            schema,
        } = intent
        {
            if *malformed {
                prop_assert_eq!(
                    rejection.rejection.rule(),
                    Rule::MalformedInput,
                    "{} is malformed: {}",
                    kind,
                    line
                );
            }
            #[cfg(feature = "schema")]
            if *schema {
                prop_assert!(!schema_valid(line), "{} passes the schema: {}", kind, line);
            }
            let _ = schema;
        }
        if let (Some(p), Some(_), true) = (predicted, value, self.checks.model) {
            let want = match &p {
                Verdict::Rejected(r) => r.iter().map(|s| s.to_string()).collect(),
                other => {
                    return Err(TestCaseError::fail(format!(
                        "the model says {other:?}, the crate rejects {rules:?}: {line}\n{:?}",
                        rejection.rejection
                    )));
                }
            };
            prop_assert_eq!(
                &rules,
                &want,
                "the model and the crate disagree on {}\n{:?}",
                line,
                rejection.rejection
            );
        }
        Ok(())
    }

    /// Snapshot → JSON → snapshot → `Incident::load` is the identity, a
    /// history replayed rebuilds its incident, and the whole stream replayed
    /// line by line gives the same incidents.
    fn round_trips(&self) -> Result<(), TestCaseError> {
        for incident in self.incidents.iter() {
            let json = serde_json::to_string(incident).expect("serialize");
            let snapshot: Snapshot = serde_json::from_str(&json)
                .map_err(|e| TestCaseError::fail(format!("snapshot does not read back: {e}")))?;
            prop_assert_eq!(&serde_json::to_string(&snapshot).expect("serialize"), &json);
            let loaded = Incident::load(snapshot, &self.playbook).map_err(|r| {
                TestCaseError::fail(format!("load refused its own snapshot: {r:?}"))
            })?;
            prop_assert_eq!(&serde_json::to_string(&loaded).expect("serialize"), &json);
            prop_assert_eq!(&loaded, incident);
            let replayed = Incident::from_history(incident.history().to_vec(), &self.playbook)
                .map_err(|r| TestCaseError::fail(format!("replay refused the history: {r:?}")))?;
            prop_assert_eq!(&serde_json::to_string(&replayed).expect("serialize"), &json);
        }
        let mut replay = Replay::new(self.playbook.clone());
        for line in &self.lines {
            replay.line(line);
        }
        prop_assert_eq!(
            serde_json::to_string(replay.incidents()).expect("serialize"),
            self.all_json()
        );
        Ok(())
    }
}

const MODEL: Checks = Checks {
    model: true,
    schema: false,
    twice: false,
};

proptest! {
    #![proptest_config(config())]

    /// One incident at a time (when it closes, the next one is declared):
    /// realistic lifecycles, about one command in seven breaking one rule
    /// and one in eighteen a chaos command. The model predicts every verdict
    /// and rule id; the invariants hold after every accepted command;
    /// rejected ones change nothing.
    #[test]
    fn one_incident_agrees_with_the_model(s in script(1..=1, 1..50, Mix::LIFECYCLE)) {
        Harness::run(&s, MODEL)?;
    }

    /// Several incidents interleaved, commands for incidents never declared
    /// among them; then every round trip.
    #[test]
    fn interleaved_incidents_agree_with_the_model(s in script(2..=4, 1..64, Mix::LIFECYCLE)) {
        Harness::run(&s, MODEL)?.round_trips()?;
    }

    /// Every third line garbage: random JSON, cut-off lines, random field
    /// mutations, duplicate keys, structural corruptions. No incident is
    /// ever left breaking a rule, and nothing a refused line did remains.
    #[test]
    fn hostile_lines_never_corrupt_an_incident(s in script(1..=3, 1..50, Mix::HOSTILE)) {
        Harness::run(&s, MODEL)?.round_trips()?;
    }

    /// Snapshot → JSON → snapshot → `Incident::load` is the identity, and a
    /// history replayed in order rebuilds the same incident.
    #[test]
    fn snapshots_and_histories_round_trip(s in script(1..=2, 1..40, Mix::VALID)) {
        Harness::run(&s, Checks::default())?.round_trips()?;
    }

    /// At-least-once delivery: every line delivered twice gives the same
    /// answers and the same snapshots as once.
    #[test]
    fn every_line_delivered_twice_changes_nothing(s in script(1..=3, 1..40, Mix::LIFECYCLE)) {
        Harness::run(&s, Checks { twice: true, ..Checks::default() })?;
    }
}

#[cfg(feature = "schema")]
proptest! {
    #![proptest_config(config())]

    /// Every command the crate accepts validates against the exported
    /// command schema.
    #[test]
    fn the_schema_accepts_every_accepted_command(s in script(1..=2, 1..40, Mix::LIFECYCLE)) {
        Harness::run(&s, Checks { schema: true, ..Checks::default() })?;
    }

    /// Structural corruptions of valid commands (wrong JSON type, missing
    /// envelope field, unknown field, bad enum value, bad UUID or timestamp)
    /// are refused by both the crate (`malformed-input`) and the schema.
    #[test]
    fn structural_corruptions_are_refused_by_both(
        s in script(1..=2, 1..24, Mix::VALID),
        corruptions in prop::collection::vec(any::<u8>(), 24),
    ) {
        let mut h = Harness::new(&s, Checks { schema: true, ..Checks::default() });
        for (step, n) in s.steps.iter().zip(corruptions) {
            let mut corrupt = step.clone();
            corrupt.action = scenario::Action::Garbage(scenario::Garbage::Corrupt(n));
            let bad = h.scene.build(&h.world, &h.incidents, &corrupt);
            h.send(&bad.line, bad.value.as_ref(), &bad.intent)?;
            let good = h.scene.build(&h.world, &h.incidents, step);
            h.send(&good.line, good.value.as_ref(), &good.intent)?;
            h.scene.sent.push((good.incident, good.line, true));
        }
    }
}

/// The schema errors of `line` that no rule explains (`properties/shapes.rs`).
#[cfg(feature = "schema")]
fn unexplained(line: &Value) -> Vec<String> {
    command_schema()
        .iter_errors(line)
        .filter(|e| !shapes::a_rules_error(e))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Valid lines of every shape, mutated by `properties/shapes.rs`.
#[cfg(feature = "schema")]
fn corpus() -> &'static [Value] {
    static CORPUS: std::sync::LazyLock<Vec<Value>> =
        std::sync::LazyLock::new(crate::hostile::parsed_lines_by_shape);
    &CORPUS
}

#[cfg(feature = "schema")]
proptest! {
    #![proptest_config(config())]

    /// Accepted ⇒ schema-valid (issue 10 §8): every line the crate reads as
    /// a command validates against the command schema but for what the
    /// rules judge; every line it applies validates whole.
    #[test]
    fn every_line_the_crate_reads_validates_against_the_schema(
        base in any::<prop::sample::Index>(),
        seed in any::<u64>(),
        count in 1usize..=4,
    ) {
        let mut dice = support::Dice::new(seed);
        let (v, done) = shapes::mutated(base.get(corpus()), &mut dice, count);
        let line = v.to_string();
        if parse_command(&line).is_ok() {
            let errors = unexplained(&v);
            prop_assert!(errors.is_empty(), "read by the crate after {done:?}, refused by the schema: {line}\n{errors:#?}");
        }
        if let Ok(Outcome::Applied { .. }) = Incidents::new(Playbook::default()).handle_json(&line) {
            let errors: Vec<String> = command_schema().iter_errors(&v).map(|e| e.to_string()).collect();
            prop_assert!(errors.is_empty(), "applied after {done:?}, refused by the schema: {line}\n{errors:#?}");
        }
    }
}

/// The final snapshot of every incident of every conformance case, mutated
/// by `properties/shapes.rs`.
#[cfg(feature = "schema")]
fn snapshot_corpus() -> &'static [Value] {
    static CORPUS: std::sync::LazyLock<Vec<Value>> = std::sync::LazyLock::new(|| {
        crate::fixture::conformance_cases()
            .iter()
            .flat_map(|case| {
                let mut replay = Replay::new(Playbook::default());
                for line in std::fs::read_to_string(case).unwrap().lines() {
                    replay.line(line);
                }
                let snapshots: Vec<Value> = replay
                    .incidents()
                    .iter()
                    .map(|i| serde_json::to_value(i).unwrap())
                    .collect();
                snapshots
            })
            .collect()
    });
    &CORPUS
}

#[cfg(feature = "schema")]
fn snapshot_schema() -> &'static jsonschema::Validator {
    static VALIDATOR: std::sync::LazyLock<jsonschema::Validator> = std::sync::LazyLock::new(|| {
        let schema = incident_playbook::schema::by_name("snapshot").expect("the snapshot schema");
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema.schema)
            .expect("the snapshot schema compiles")
    });
    &VALIDATOR
}

#[cfg(feature = "schema")]
proptest! {
    #![proptest_config(config())]

    /// Read ⇒ schema-valid for snapshots (issue 10 §8): a snapshot with
    /// objects written as arrays or enums as one-key objects, at any depth,
    /// is refused, or else validates against the snapshot schema.
    #[test]
    fn every_snapshot_the_crate_reads_validates_against_the_schema(
        base in any::<prop::sample::Index>(),
        seed in any::<u64>(),
        count in 1usize..=3,
    ) {
        let mut dice = support::Dice::new(seed);
        let (v, done) = shapes::mutated_with(
            base.get(snapshot_corpus()),
            &mut dice,
            count,
            shapes::SHAPE_MUTATIONS,
        );
        if serde_json::from_value::<Snapshot>(v.clone()).is_ok() {
            let errors: Vec<String> = snapshot_schema()
                .iter_errors(&v)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            prop_assert!(errors.is_empty(), "read by the crate after {done:?}, refused by the schema: {v}\n{errors:#?}");
        }
    }
}

#[cfg(feature = "schema")]
#[test]
fn the_snapshot_corpus_is_schema_valid_and_its_shape_mutations_are_not() {
    use serde_json::json;
    // The property above can fail: the schema refuses what the derived
    // reading of a snapshot used to accept.
    assert!(snapshot_corpus().len() > 20);
    for snapshot in snapshot_corpus() {
        assert!(snapshot_schema().is_valid(snapshot), "{snapshot}");
    }
    let base = snapshot_corpus()
        .iter()
        .find(|s| s["severity"] == "SEV1")
        .unwrap();
    let mut roles = base.clone();
    let names: Vec<Value> = roles["roles"]
        .as_object()
        .unwrap()
        .values()
        .cloned()
        .collect();
    roles["roles"] = Value::Array(names);
    let mut phase = base.clone();
    phase["phase"] = json!({"closed": null});
    for refused in [roles, phase] {
        assert!(!snapshot_schema().is_valid(&refused));
        assert!(serde_json::from_value::<Snapshot>(refused).is_err());
    }
}

#[cfg(feature = "schema")]
#[test]
fn the_rules_errors_are_only_those_of_texts_lists_and_missing_parts() {
    use serde_json::json;
    let with_at = |v: &Value, path: &str, new: Value| {
        let mut v = v.clone();
        *support::at_json_path(&mut v, path) = new;
        v
    };
    // An enum as a one-key object, an object as an array: no rule's, so
    // the property fails on them (as it did before the crate refused them).
    let declare = corpus().iter().find(|v| v["type"] == "declare").unwrap();
    let one_key = with_at(declare, "severity", json!({"SEV3": null}));
    assert!(!unexplained(&one_key).is_empty());
    let array = with_at(declare, "update", json!(["investigating", "x"]));
    assert!(!unexplained(&array).is_empty());
    // A blank title, a missing update: the rules' (field-empty, update-required).
    let blank = with_at(declare, "title", json!(" "));
    assert!(unexplained(&blank).is_empty(), "{:?}", unexplained(&blank));
    let mut missing = declare.clone();
    missing.as_object_mut().unwrap().remove("update");
    assert!(
        unexplained(&missing).is_empty(),
        "{:?}",
        unexplained(&missing)
    );
}

/// The generator, run against the model alone (the properties above hold
/// the crate to the model): what happens to a script's lines.
fn simulate(script: &Script) -> Stats {
    let mut world = World::default();
    // The crate's incidents, for the writers only: they write for the state
    // the crate keeps (which the properties hold to the model's).
    let mut incidents = Incidents::new(Playbook::default());
    let mut scene = Scene::new(script);
    let mut stats = Stats::default();
    for step in &script.steps {
        let g = scene.build(&world, &incidents, step);
        stats.steps += 1;
        if let (true, Some(v)) = (g.intent.readable(), &g.value) {
            let verdict = world.predict(v);
            if let Intent::Break(rule) = g.intent {
                let bucket = if verdict == Verdict::rejected(rule) {
                    &mut stats.exact
                } else {
                    &mut stats.inexact
                };
                *bucket.entry(rule).or_default() += 1;
            }
            match verdict {
                Verdict::Applied => {
                    world.apply(v);
                    let _ = incidents.handle_json(&g.line);
                    stats.accepted += 1;
                }
                Verdict::Duplicate => stats.duplicates += 1,
                Verdict::Rejected(rules) => {
                    stats.multi += usize::from(rules.len() > 1);
                    for r in rules {
                        *stats.rejected.entry(r.to_owned()).or_default() += 1;
                    }
                }
            }
        }
        scene.sent.push((g.incident, g.line, g.intent.readable()));
    }
    stats.closed = world
        .incidents
        .iter()
        .filter(|i| i.phase == support::Phase::Closed)
        .count();
    stats
}

/// The model and the invariant checker judge from the JSON alone, so that
/// they cannot agree with the crate by calling it: none of them names the
/// crate, nor the fixture of the other suites (which calls it). The
/// generators are the test kit's (`incident_playbook::testkit`, feature
/// `proptest`): they write for the state the crate keeps, and judge nothing.
#[test]
fn the_model_is_written_without_the_crate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/properties");
    let mut folders = vec![dir.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            // This file, the suite's driver, calls the crate; the scenes,
            // chaos and garbage write with the test kit.
            if ["mod.rs", "scenario.rs", "chaos.rs", "garbage.rs"]
                .iter()
                .any(|f| path == dir.join(f))
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for name in ["incident_playbook", "crate::", "fixture"] {
                assert!(!text.contains(name), "{} names {name}", path.display());
            }
        }
    }
}

/// The generator does what it says: over scripts drawn from a fixed seed,
/// every rule of the test kit's `BREAKABLE` is broken alone at least once, breaks that break
/// another rule as well are rare, and lifecycles reach `closed`. (Run with
/// `--nocapture` to see the counts.)
#[test]
fn the_generator_breaks_every_rule_alone() {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let mix = Mix {
        garbage: 0,
        ..Mix::LIFECYCLE
    };
    let strategy = script(1..=3, 60..100, mix);
    let mut total = Stats::default();
    let mut scripts = 0;
    while BREAKABLE.iter().any(|r| !total.exact.contains_key(r.id())) && scripts < 2_000 {
        let s = strategy.new_tree(&mut runner).expect("a script").current();
        let stats = simulate(&s);
        scripts += 1;
        total.steps += stats.steps;
        total.accepted += stats.accepted;
        total.duplicates += stats.duplicates;
        total.closed += stats.closed;
        total.multi += stats.multi;
        for (k, v) in stats.exact {
            *total.exact.entry(k).or_default() += v;
        }
        for (k, v) in stats.inexact {
            *total.inexact.entry(k).or_default() += v;
        }
        for (k, v) in stats.rejected {
            *total.rejected.entry(k).or_default() += v;
        }
    }
    println!(
        "{scripts} scripts, {} lines, {} applied, {} duplicates, {} incidents closed",
        total.steps, total.accepted, total.duplicates, total.closed
    );
    println!("breaks aimed at one rule (alone / with others):");
    for rule in BREAKABLE.iter().map(|r| r.id()) {
        println!(
            "  {rule:34} {:5} / {}",
            total.exact.get(rule).unwrap_or(&0),
            total.inexact.get(rule).unwrap_or(&0)
        );
    }
    println!(
        "rejections by rule ({} naming several rules): {:?}",
        total.multi, total.rejected
    );
    let missing: Vec<&str> = BREAKABLE
        .iter()
        .map(|r| r.id())
        .filter(|r| !total.exact.contains_key(r))
        .collect();
    assert!(missing.is_empty(), "never broken alone: {missing:?}");
    let (good, bad): (usize, usize) = (total.exact.values().sum(), total.inexact.values().sum());
    assert!(
        bad * 20 <= good,
        "{bad} of {} breaks broke more than their rule: {:?}",
        good + bad,
        total.inexact
    );
    assert!(total.closed > 0, "no script closed an incident");
    // A retired rule is never aimed at, and never reported.
    let retired: Vec<&str> = incident_playbook::Rule::ALL
        .iter()
        .filter(|r| r.is_retired())
        .map(|r| r.id())
        .collect();
    assert!(!retired.is_empty());
    for id in &retired {
        assert!(
            !BREAKABLE.iter().any(|r| r.id() == *id),
            "the generator aims at retired {id}"
        );
        assert!(
            !total.rejected.contains_key(*id),
            "retired {id} was reported"
        );
    }
}

// ---- Crate bugs the properties found, kept as plain tests ----

/// `expected_version` written as `2.0` or `2e0` is an integer for JSON
/// Schema (and what Python's `json.dumps(2.0)` sends); the crate called it
/// malformed while the exported schema accepted it.
#[test]
fn expected_version_may_be_written_with_a_fraction_or_exponent() {
    let declare = r#"{"type": "declare", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
        "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
        "title": "Slow search", "severity": "SEV4", "expected_version": 0.0,
        "impact": {"environment": "production", "users": "Some tenants", "feature": "Search",
                   "started_at": "2026-05-04T09:00:00Z"},
        "roles": {"commander": "Ada"},
        "update": {"impact": "Search is slow", "action": "Looking", "owner": "Ada",
                   "next_update": "2026-05-04T10:00:00Z"}}"#;
    let note = |version: &str| {
        format!(
            r#"{{"type": "add_note", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
            "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576", "at": "2026-05-04T09:12:00Z",
            "text": "Index rebuild at 09:00", "expected_version": {version}}}"#
        )
    };
    let mut incidents = Incidents::new(Playbook::default());
    assert_eq!(
        incidents.handle_json(declare),
        Ok(Outcome::Applied { version: 1 })
    );
    for (version, rule) in [
        ("2.0", Some(Rule::VersionConflict)),
        ("1e1", Some(Rule::VersionConflict)),
        ("18446744073709551616", Some(Rule::VersionConflict)),
        ("1e300", Some(Rule::VersionConflict)),
        ("1.5", Some(Rule::MalformedInput)),
        ("-1.0", Some(Rule::MalformedInput)),
        ("\"1\"", Some(Rule::MalformedInput)),
        ("1e0", None),
    ] {
        let got = incidents
            .handle_json(&note(version))
            .err()
            .map(|r| r.rejection.rule());
        assert_eq!(got, rule, "expected_version {version}");
        #[cfg(feature = "schema")]
        assert_eq!(
            schema_valid(&note(version)),
            rule != Some(Rule::MalformedInput),
            "the schema on expected_version {version}"
        );
    }
    let one = incidents.get("e2181857-7398-5cf2-aad9-acc3150b8632".parse().unwrap());
    assert_eq!(one.map(|i| i.version()), Some(2));
}

/// A declaration for the regression tests: SEV3, commander Ada, with the
/// impact's fields replaced by `impact` (a JSON object's inside).
fn declare_with_impact(impact: &str) -> String {
    format!(
        r#"{{"type": "declare", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
        "command_id": "8f6383a5-2b74-5d87-8864-571d8340a53b", "at": "2026-05-04T09:05:00Z",
        "title": "Slow search", "severity": "SEV3",
        "impact": {{"environment": "production", "users": "Some tenants", "feature": "Search",
                   "started_at": "2026-05-04T09:00:00Z", {impact}}},
        "roles": {{"commander": "Ada"}},
        "update": {{"impact": "Search is slow", "action": "Looking", "owner": "Ada",
                   "next_update": "2026-05-04T10:00:00Z"}}}}"#
    )
}

fn refused(line: &str) -> BTreeSet<String> {
    let mut incidents = Incidents::new(Playbook::default());
    let rejection = incidents.handle_json(line).expect_err("refused");
    rules_of(&rejection)
}

fn set(rules: &[&str]) -> BTreeSet<String> {
    rules.iter().map(|r| r.to_string()).collect()
}

/// An unknown dependency was not reported when another item of the same
/// list was blank: the catalogue lookup was skipped for the whole list.
#[test]
fn an_unknown_dependency_is_reported_beside_a_blank_one() {
    let line = declare_with_impact(r#""affected_dependencies": ["Vision", "Blob Storage ", " "]"#);
    assert_eq!(refused(&line), set(&["field-empty", "unknown-dependency"]));
}

/// The impact rules that depend on the incident (the start, the severity
/// floor) were skipped when another part of the impact was missing, though
/// the flags and the start were there to check: a sender learned of them
/// only after fixing the first refusal.
#[test]
fn an_incomplete_impact_still_has_its_floor_and_start_checked() {
    let line = declare_with_impact(r#""flags": ["data_loss"]"#)
        .replace(r#""users": "Some tenants""#, r#""users": " ""#)
        .replace(
            r#""started_at": "2026-05-04T09:00:00Z""#,
            r#""started_at": "2026-05-04T10:00:00Z""#,
        );
    assert_eq!(
        refused(&line),
        set(&[
            "impact-incomplete",
            "occurred-after-recorded",
            "severity-below-floor"
        ])
    );

    let mut incidents = Incidents::new(Playbook::default());
    let declare = declare_with_impact(r#""flags": ["degraded_feature"]"#);
    assert!(incidents.handle_json(&declare).is_ok());
    let later = |kind: &str, body: &str| {
        format!(
            r#"{{"type": "{kind}", "incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632",
            "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576", "at": "2026-05-04T09:30:00Z",
            {body}}}"#
        )
    };
    let no_feature = r#""impact": {"environment": "production", "users": "Some tenants",
        "started_at": "2026-05-04T09:00:00Z", "flags": ["major_feature_broken"]}"#;
    let update_impact = later("update_impact", no_feature);
    let change_severity = later(
        "change_severity",
        &format!(
            r#""severity": "SEV4", "reason": "Fewer users", {no_feature},
            "update": {{"impact": "Search is slow", "action": "Watching", "owner": "Ada",
                       "next_update": "2026-05-04T11:00:00Z"}}"#
        ),
    );
    for line in [update_impact, change_severity] {
        let rejection = incidents.handle_json(&line).expect_err("refused");
        assert_eq!(
            rules_of(&rejection),
            set(&["impact-incomplete", "severity-below-floor"]),
            "{line}"
        );
    }
}
