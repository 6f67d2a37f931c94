//! Accepted ⇒ schema-valid (issue 10 §8): every line the crate reads as a
//! command validates against the command schema, whatever the rules then
//! say of it.
//!
//! Lines are valid commands of every shape (the conformance cases and the
//! real-incident streams, one line per shape) put through one to four
//! mutations of the kinds that matter: objects written as arrays at any
//! depth, enums written as one-key objects, numbers written as floats,
//! `null`s, extra fields, wrong types, odd timestamp and UUID shapes, and
//! strings that are blank, start with a BOM or hold other white space.
//!
//! The schema also says what some rules say: a text is not blank and not
//! over its limit (`field-empty`, `field-too-long`), a list is not over its
//! limit, the parts a command needs are there (`update-required`, …; `null`
//! is absent, and so is a blank time), a SEV1 declaration names its roles, a mitigation number is
//! at least 1 (`no-such-mitigation`). The crate reads such a line and
//! refuses it under the rule's id, so those schema errors are the rules'
//! and are let through; any other schema error on a line the crate reads
//! fails the property. A line a fresh collection applies (a `declare`) must
//! validate with no error at all. (The property itself, which calls the
//! crate, is in `properties/mod.rs`.)
//!
//! Snapshots (the final states of the conformance cases) are put through
//! the two shape mutations only, objects as arrays and enums as one-key
//! objects: every snapshot the crate still reads after them must validate
//! against the snapshot schema with no error at all.

use jsonschema::error::ValidationErrorKind;
use serde_json::{Value, json};

use super::support::{Dice, at_json_path, is_blank, json_paths};

/// The mutations, by name (for messages).
const MUTATIONS: &[&str] = &[
    "object-as-array",
    "enum-as-object",
    "number-as-float",
    "null",
    "extra-field",
    "wrong-type",
    "timestamp-shape",
    "uuid-shape",
    "odd-string",
    "remove",
    "odd-number",
    "odd-array",
];

const TIMESTAMPS: &[&str] = &[
    "2026-05-04T09:05:00+00:00",
    "2026-05-04T09:05:00-00:00",
    "2026-05-04t09:05:00z",
    "2026-05-04T09:05:00.123456789Z",
    "2026-05-04T09:05:00.1234567891Z",
    "2026-05-04T11:05:00+02:00",
    "2026-05-04T09:05:00+14:00",
    "2026-05-04T09:05:00+24:00",
    "2026-05-04T09:05:00+0200",
    "2026-05-04T09:05Z",
    "2026-05-04 09:05:00Z",
    "2026-05-04T09:05:00",
    "2026-06-30T23:59:60Z",
    "2026-02-29T10:00:00Z",
    "2028-02-29T10:00:00Z",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "+2026-05-04T09:05:00Z",
    "2026-05-04T09:05:00.Z",
    " 2026-05-04T09:05:00Z",
    "2026-05-04",
];

const UUIDS: &[&str] = &[
    "E2181857-7398-5CF2-AAD9-ACC3150B8632",
    "e2181857739852cf2aad9acc3150b8632",
    "{e2181857-7398-5cf2-aad9-acc3150b8632}",
    "urn:uuid:e2181857-7398-5cf2-aad9-acc3150b8632",
    "00000000-0000-0000-0000-000000000000",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
    "e2181857-7398-5cf2-aad9-acc3150b863",
    "e2181857-7398-5cf2-aad9-acc3150b8632 ",
    "e218185-77398-5cf2-aad9-acc3150b8632",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "\u{feff}",
    "\u{feff}Ada",
    "Ada\u{feff}",
    "\u{200b}",
    "\u{85}",
    "\u{1c}\u{1f}",
    "\t\r\n",
    "\u{3000}",
    "\u{a0}x",
    "e\u{301}",
    "\u{1f692}",
    "SEV1",
    "declare",
    "public",
];

/// Applies mutation `kind` at a place of `v` that the dice choose among
/// those it fits; `false` when no place fits.
fn mutate(dice: &mut Dice, v: &mut Value, kind: &str) -> bool {
    let places: Vec<(String, Value)> = std::iter::once((String::new(), v.clone()))
        .chain(json_paths(v).into_iter().map(|(p, x)| (p, x.clone())))
        .filter(|(path, x)| fits(kind, path, x))
        .collect();
    if places.is_empty() {
        return false;
    }
    let (path, old) = dice.pick(&places).clone();
    if kind == "remove" {
        return remove(v, &path);
    }
    let new = replacement(dice, kind, &old);
    *at_json_path(v, &path) = new;
    true
}

/// Whether mutation `kind` applies to the value `x` at `path`.
fn fits(kind: &str, path: &str, x: &Value) -> bool {
    let key = path.rsplit(['.', '[']).next().unwrap_or_default();
    match kind {
        "object-as-array" | "extra-field" => x.is_object(),
        "enum-as-object" | "odd-string" => x.is_string(),
        "number-as-float" | "odd-number" => x.is_number(),
        "timestamp-shape" => matches!(
            key,
            "at" | "started_at" | "next_update" | "detected_at" | "occurred_at"
        ),
        "uuid-shape" => matches!(key, "incident_id" | "command_id"),
        "odd-array" => x.is_array(),
        "remove" => !path.is_empty(),
        _ => !path.is_empty(),
    }
}

fn replacement(dice: &mut Dice, kind: &str, old: &Value) -> Value {
    match kind {
        "object-as-array" => Value::Array(old.as_object().map_or_else(Vec::new, |m| {
            if dice.chance(50) {
                m.values().cloned().collect()
            } else {
                m.iter().map(|(k, x)| json!([k, x])).collect()
            }
        })),
        "enum-as-object" => {
            let s = old.as_str().unwrap_or_default();
            dice.pick(&[
                json!({ s: null }),
                json!({ s: {} }),
                json!({ s: s }),
                json!({ "x": s }),
            ])
            .clone()
        }
        "number-as-float" => old
            .as_f64()
            .and_then(|f| serde_json::Number::from_f64(f + if dice.chance(70) { 0.0 } else { 0.5 }))
            .map_or(Value::Null, Value::Number),
        "null" => Value::Null,
        "extra-field" => {
            let mut m = old.as_object().cloned().unwrap_or_default();
            let key = *dice.pick(&["extra", "Type", "title", "note", "kind", "severity_"]);
            let value = dice
                .pick(&[json!(null), json!("x"), json!(1), json!({}), json!([])])
                .clone();
            m.insert(key.to_owned(), value);
            Value::Object(m)
        }
        "timestamp-shape" => json!(dice.pick(TIMESTAMPS)),
        "uuid-shape" => json!(dice.pick(UUIDS)),
        "odd-string" => {
            let s = *dice.pick(STRINGS);
            if dice.chance(30) {
                json!(format!("{s}{}", old.as_str().unwrap_or_default()))
            } else {
                json!(s)
            }
        }
        "odd-number" => dice
            .pick(&[
                json!(-1),
                json!(0),
                json!(1e20),
                json!(18_446_744_073_709_551_615u64),
                json!(-0.0),
                json!(1.5),
            ])
            .clone(),
        "odd-array" => {
            let items = old.as_array().cloned().unwrap_or_default();
            match dice.below(3) {
                0 => json!([]),
                1 => Value::Array(items.iter().chain(items.first()).cloned().collect()),
                _ => json!([items]),
            }
        }
        _ => dice
            .pick(&[
                json!(true),
                json!(7),
                json!(-2.5),
                json!("text"),
                json!([1]),
                json!({"a": 1}),
                json!([]),
                json!({}),
            ])
            .clone(),
    }
}

/// Removes the value at `path` (an object's key or an array's item).
fn remove(v: &mut Value, path: &str) -> bool {
    let (parent, last) = match path.rfind(['.', '[']) {
        Some(i) => (&path[..i], &path[i..]),
        None => ("", path),
    };
    let parent = at_json_path(v, parent);
    match (parent, last.strip_prefix('[')) {
        (Value::Array(items), Some(i)) => {
            let i: usize = i.trim_end_matches(']').parse().unwrap_or(0);
            i < items.len() && {
                items.remove(i);
                true
            }
        }
        (Value::Object(m), None) => m.remove(last.trim_start_matches('.')).is_some(),
        _ => false,
    }
}

/// The mutations of a shape the schemas refuse wherever they are made:
/// what snapshots are put through (a snapshot has no rule-judged part that
/// the other mutations would make schema-invalid).
pub const SHAPE_MUTATIONS: &[&str] = &["object-as-array", "enum-as-object"];

/// `base` put through `count` mutations the dice choose; the mutations'
/// names.
pub fn mutated(base: &Value, dice: &mut Dice, count: usize) -> (Value, Vec<&'static str>) {
    mutated_with(base, dice, count, MUTATIONS)
}

/// `base` put through `count` mutations the dice choose among `kinds`; the
/// mutations' names.
pub fn mutated_with(
    base: &Value,
    dice: &mut Dice,
    count: usize,
    kinds: &[&'static str],
) -> (Value, Vec<&'static str>) {
    let mut v = base.clone();
    let mut done = Vec::new();
    while done.len() < count {
        let kind = *dice.pick(kinds);
        if mutate(dice, &mut v, kind) {
            done.push(kind);
        }
    }
    (v, done)
}

/// Whether a schema error is one a rule of the catalogue also reports, for
/// a line the crate reads (see the module docs).
pub fn a_rules_error(e: &jsonschema::ValidationError<'_>) -> bool {
    let path = e.instance_path().to_string();
    // `null` is absent: a part the rules demand (`postmortem.severity`,
    // `postmortem-severity-mismatch`) is reported missing by them.
    if e.instance().is_null() {
        return true;
    }
    match e.kind() {
        ValidationErrorKind::MinLength { .. }
        | ValidationErrorKind::MaxLength { .. }
        | ValidationErrorKind::Pattern { .. }
        | ValidationErrorKind::MaxItems { .. }
        | ValidationErrorKind::Required { .. } => true,
        // A blank time where a part may be missing is that part missing
        // (`impact-incomplete`, `update-needs-next-update`, …).
        ValidationErrorKind::Format { .. } => e.instance().as_str().is_some_and(is_blank),
        ValidationErrorKind::Minimum { .. } => path == "/number",
        // A union (a mitigation's kinds, an optional object) is explained
        // when one of its branches fails only by the rules' errors.
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            context
                .iter()
                .any(|branch| branch.iter().all(a_rules_error))
        }
        _ => false,
    }
}
