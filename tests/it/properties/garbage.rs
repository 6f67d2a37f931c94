//! Garbage: random JSON, lines that are not JSON, random field mutations,
//! duplicate keys, and the structural corruptions that both the crate and
//! the schema must refuse.

use serde_json::{Value, json};

use incident_playbook::testkit::{Dice, Writer};

use super::scenario::*;
use super::support::*;

/// The structural corruptions: each makes a command malformed.
pub const CORRUPTIONS: &[&str] = &[
    "wrong-type",
    "missing-envelope-field",
    "unknown-field",
    "bad-enum-value",
    "bad-uuid",
    "bad-timestamp",
    "bad-version",
];

/// Garbage, written with the test kit's writer.
pub trait Trash {
    fn garbage(&mut self, garbage: &Garbage, base: Value, incident: String) -> Generated;
}

impl Trash for Writer {
    fn garbage(&mut self, garbage: &Garbage, base: Value, incident: String) -> Generated {
        let raw = |line: String, value: Option<Value>, kind, malformed, schema| Generated {
            line,
            value,
            intent: Intent::Garbage {
                kind,
                malformed,
                schema,
            },
            incident: incident.clone(),
        };
        match garbage {
            Garbage::Json(v, envelope) => {
                let mut v = v.clone();
                if *envelope && let Some(obj) = v.as_object_mut() {
                    for key in ["type", "incident_id", "command_id", "at"] {
                        obj.insert(key.into(), base[key].clone());
                    }
                }
                raw(v.to_string(), Some(v), "random-json", false, false)
            }
            Garbage::Text(s) => {
                let line = if self.dice().chance(50) {
                    let full = base.to_string();
                    let cut = full
                        .char_indices()
                        .map(|(i, _)| i)
                        .nth(self.dice().below(full.chars().count()))
                        .unwrap_or(0);
                    full[..cut].to_owned()
                } else {
                    s.clone()
                };
                // A cut-off command or random text is not JSON (a bare
                // number or string may be, and is still no command).
                raw(line, None, "text", true, false)
            }
            Garbage::DuplicateKey => {
                // One key given twice, in the command or in an object in it
                // (a JSON value keeps the last; the crate refuses both).
                let s = base.to_string();
                let nested: Vec<&str> = ["update", "impact", "roles", "mitigation", "postmortem"]
                    .into_iter()
                    .filter(|k| {
                        base.get(*k)
                            .is_some_and(|o| o.as_object().is_some_and(|m| !m.is_empty()))
                    })
                    .collect();
                let line = if !nested.is_empty() && self.dice().chance(50) {
                    let key = *self.dice().pick(&nested);
                    let (k, x) = base[key]
                        .as_object()
                        .and_then(|m| m.iter().next())
                        .expect("a field");
                    let open = format!("\"{key}\":{{");
                    s.replacen(&open, &format!("{open}{}:{x},", Value::from(k.as_str())), 1)
                } else {
                    let key = *self.dice().pick(&["type", "at", "command_id"]);
                    s.replacen('{', &format!("{{\"{key}\":{},", base[key]), 1)
                };
                raw(line, Some(base), "duplicate-key", true, false)
            }
            Garbage::Mutate(value) => {
                let mut v = base;
                let paths = paths(&v);
                let path = self.dice().pick(&paths).clone();
                match value {
                    Some(new) => *pointer_mut(&mut v, &path) = new.clone(),
                    None => remove(&mut v, &path),
                }
                raw(v.to_string(), Some(v), "mutation", false, false)
            }
            Garbage::Corrupt(n) => {
                let mut v = base;
                let kind = corrupt(self.dice(), &mut v, usize::from(*n));
                raw(v.to_string(), Some(v), kind, true, true)
            }
        }
    }
}

pub type Path = Vec<PathPart>;

#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

/// Every node below the root.
pub fn paths(v: &Value) -> Vec<Path> {
    let mut out = Vec::new();
    fn walk(v: &Value, here: &mut Path, out: &mut Vec<Path>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    here.push(PathPart::Key(k.clone()));
                    out.push(here.clone());
                    walk(x, here, out);
                    here.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    here.push(PathPart::Index(i));
                    out.push(here.clone());
                    walk(x, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    walk(v, &mut Vec::new(), &mut out);
    out
}

pub fn pointer_mut<'a>(v: &'a mut Value, path: &[PathPart]) -> &'a mut Value {
    path.iter().fold(v, |v, p| match p {
        PathPart::Key(k) => &mut v[k.as_str()],
        PathPart::Index(i) => &mut v[*i],
    })
}

pub fn remove(v: &mut Value, path: &[PathPart]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match (pointer_mut(v, parent), last) {
        (Value::Object(m), PathPart::Key(k)) => {
            m.remove(k);
        }
        (Value::Array(a), PathPart::Index(i)) => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// The top-level fields each command type has besides the envelope.
pub fn body_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "declare" => &["title", "severity", "impact", "roles", "update"],
        "post_update" | "begin_monitoring" => &["update"],
        "change_severity" => &["severity", "reason", "update", "roles", "impact"],
        "assign_role" => &["role", "person"],
        "unassign_role" => &["role"],
        "update_impact" => &["impact"],
        "record_check" => &["check", "finding"],
        "add_note" => &["text"],
        "record_root_cause" => &["text", "reason"],
        "start_mitigation" => &["mitigation", "update"],
        "resume_investigation" | "reopen" => &["reason", "update"],
        "lift_block" => &["endpoint"],
        "resolve" => &["verification", "update"],
        "submit_postmortem" => &["postmortem", "reason"],
        "record_progress" => &["percent"],
        "correct_impact" => &["impact", "reason"],
        "link_incident" => &["incident", "relation"],
        "record_fix" => &["description"],
        _ => &[],
    }
}

const ALL_BODY_FIELDS: [&str; 15] = [
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
];

/// Where an enum value sits, by the key that holds it (or the list it is in).
fn enum_values(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "type" => &COMMAND_TYPES,
        "severity" => &SEVERITIES,
        "flags" => &["broad_outage", "degraded_feature"],
        "surfaces" => &SURFACES,
        "role" => &ROLES,
        "check" => &CHECKS,
        "status" => &STATUSES,
        "kind" => &["rollback_image", "other"],
        "security_risk" | "availability_impact" => &RISKS,
        "guardrail" => &GUARDRAILS,
        _ => return None,
    })
}

/// Applies structural corruption `n` to the valid command `v`; its name.
fn corrupt(rng: &mut Dice, v: &mut Value, n: usize) -> &'static str {
    let kind = CORRUPTIONS[n % CORRUPTIONS.len()];
    let all = paths(v);
    match kind {
        "wrong-type" => {
            let path = rng.pick(&all).clone();
            let node = pointer_mut(v, &path);
            let choices: Vec<Value> = [
                json!(true),
                json!(7),
                json!(-2.5),
                json!("text"),
                json!([1]),
                json!({"a": 1}),
            ]
            .into_iter()
            .filter(|c| std::mem::discriminant(c) != std::mem::discriminant(node))
            .collect();
            *node = rng.pick(&choices).clone();
        }
        "missing-envelope-field" => {
            let key = *rng.pick(&["type", "incident_id", "command_id", "at"]);
            v.as_object_mut().expect("an object").remove(key);
        }
        "unknown-field" => {
            let objects: Vec<Path> = std::iter::once(Vec::new())
                .chain(
                    all.iter()
                        .filter(|p| pointer_mut(&mut v.clone(), p).is_object())
                        .cloned(),
                )
                .collect();
            let path = rng.pick(&objects).clone();
            let kind = v["type"].as_str().unwrap_or_default().to_owned();
            let key = if path.is_empty() && rng.chance(60) {
                // A field of another command type, even `null`, is unknown here.
                let foreign: Vec<&str> = ALL_BODY_FIELDS
                    .iter()
                    .copied()
                    .filter(|f| !body_fields(&kind).contains(f))
                    .collect();
                if foreign.is_empty() {
                    "extra".to_owned()
                } else {
                    rng.pick(&foreign).to_string()
                }
            } else {
                rng.pick(&[
                    "extra",
                    "Owner",
                    "nextUpdate",
                    "severity_",
                    "x-note",
                    "Type",
                ])
                .to_string()
            };
            let value = rng
                .pick(&[json!(null), json!("x"), json!(1), json!({})])
                .clone();
            if let Value::Object(m) = pointer_mut(v, &path) {
                m.insert(key, value);
            }
        }
        "bad-enum-value" => {
            let spots: Vec<Path> = all
                .iter()
                .filter(|p| {
                    let key = p.iter().rev().find_map(|x| match x {
                        PathPart::Key(k) => Some(k.as_str()),
                        PathPart::Index(_) => None,
                    });
                    // An exception's `check` is a text (`SECTION.KEY`), not
                    // `record_check`'s enum.
                    let excepted = p
                        .iter()
                        .any(|x| matches!(x, PathPart::Key(k) if k == "exceptions"));
                    let node = pointer_mut(&mut v.clone(), p).clone();
                    node.is_string() && !excepted && key.and_then(enum_values).is_some()
                })
                .cloned()
                .collect();
            let path = rng.pick(&spots).clone();
            let bad = *rng.pick(&[
                "SEV5",
                "sev1",
                "Sev1",
                "",
                " ",
                "broad-outage",
                "INVESTIGATING",
                "unknown",
                "declare ",
                "closed",
                "none",
            ]);
            *pointer_mut(v, &path) = bad.into();
        }
        "bad-uuid" => {
            let key = *rng.pick(&["incident_id", "command_id"]);
            let good = v[key].as_str().unwrap_or_default().to_owned();
            let bad = match rng.below(7) {
                0 => "not-a-uuid".to_owned(),
                1 => good.replace('-', ""),
                2 => format!("{{{good}}}"),
                3 => format!("urn:uuid:{good}"),
                4 => good[1..].to_owned(),
                5 => format!("g{}", &good[1..]),
                _ => String::new(),
            };
            v[key] = bad.into();
        }
        "bad-version" => {
            // Not a whole number of at least 0 (2.0 and 2e0 are whole).
            let bad = rng
                .pick(&[json!(1.5), json!(-1), json!(-0.5), json!("1"), json!(1e-3)])
                .clone();
            v["expected_version"] = bad;
        }
        _ => {
            let spots: Vec<Path> = all
                .iter()
                .filter(|p| {
                    matches!(p.last(), Some(PathPart::Key(k)) if matches!(k.as_str(), "at" | "started_at" | "next_update" | "date" | "due"))
                })
                .cloned()
                .collect();
            let path = rng.pick(&spots).clone();
            let is_date =
                matches!(path.last(), Some(PathPart::Key(k)) if k == "date" || k == "due");
            let bad = if is_date {
                *rng.pick(&[
                    "2026-5-4",
                    "2026-02-30",
                    "20260504",
                    "2026-05-04T00:00:00Z",
                    "tomorrow",
                    "2026-13-01",
                ])
            } else {
                *rng.pick(&[
                    "2026-05-04 09:05:00Z",
                    "2026-05-04T09:05Z",
                    "2026-05-04T09:05:00",
                    "2026-13-04T09:05:00Z",
                    "2026-02-30T10:00:00Z",
                    "2026-05-04T24:00:00Z",
                    "2026-06-30T23:59:60Z",
                    "2026-05-04T09:05:00+0200",
                    "yesterday",
                    "2026-05-04T09:05:00.Z",
                    "٢٠٢٦-05-04T09:05:00Z",
                    "2026-05-04",
                ])
            };
            *pointer_mut(v, &path) = bad.into();
        }
    }
    kind
}
