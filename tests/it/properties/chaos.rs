//! Chaos: well-formed commands with a few random changes to their fields
//! (blank, `null`, left out, over the limit, another valid value, a time or
//! date moved, a list item added or dropped). They break any number of rules
//! at once, which the model predicts in full: the contract demands that a
//! rejection lists every rule that can be checked, not only the first.

use serde_json::{Value, json};

use super::garbage::{PathPart, paths, pointer_mut, remove};
use incident_playbook::testkit::Writer;
use incident_playbook::{Incident, Phase as CratePhase, Timestamp};

use super::scenario::*;
use super::support::*;

/// The length class of a text field, by its key (`None`: not a text).
fn class(key: &str, parent: Option<&str>) -> Option<usize> {
    Some(match key {
        "person" | "owner" | "dependency" | "name" | "owners" => NAME,
        k if ROLES.contains(&k) && parent == Some("roles") => NAME,
        "text" | "summary" | "root_cause" | "what_worked" | "what_did_not_work" => LONG,
        "impact" if parent == Some("postmortem") => LONG,
        "title" | "reason" | "finding" | "endpoint" | "from_tag" | "to_tag" | "change"
        | "rollout" | "description" | "environment" | "users" | "feature" | "impact" | "action"
        | "event" | "path" | "affected_endpoints" => SHORT,
        _ => return None,
    })
}

/// Chaos commands, written with the test kit's writer.
pub trait Chaos {
    /// A well-formed command for the incident with one to four random
    /// changes to its fields.
    fn chaos(&mut self, inc: Option<&Incident>) -> Value;
    fn perturb(&mut self, v: &mut Value, declared: Time, version: u64);
    fn change(&mut self, v: &mut Value, path: &[PathPart], declared: Time, version: u64) -> bool;
    fn stamp_at(&mut self, t: Time) -> Value;
}

impl Chaos for Writer {
    fn chaos(&mut self, inc: Option<&Incident>) -> Value {
        let mut v = match inc {
            None => self.next_step(None),
            Some(inc) if inc.phase() != CratePhase::Closed && self.dice().chance(50) => {
                self.any_valid(inc)
            }
            Some(inc) => self.any_type(Some(inc)),
        };
        let declared = inc
            .map_or_else(|| self.time(), |i| i.declared_at())
            .as_datetime();
        for _ in 0..self.dice().range(1, 4) {
            self.perturb(&mut v, declared, inc.map_or(0, |i| i.version()));
        }
        v
    }

    fn stamp_at(&mut self, t: Time) -> Value {
        self.timestamp(Timestamp::from(t))
    }

    fn perturb(&mut self, v: &mut Value, declared: Time, version: u64) {
        let all = paths(v);
        for _ in 0..8 {
            let path = self.dice().pick(&all).clone();
            if self.change(v, &path, declared, version) {
                if self.dice().chance(40) {
                    // A sibling too (another item of the same list, another
                    // field of the same object): several faults in one place
                    // are where a check is most tempted to stop early.
                    let parent = &path[..path.len() - 1];
                    let siblings: Vec<_> = paths(v)
                        .into_iter()
                        .filter(|p| p.len() == path.len() && p.starts_with(parent) && *p != path)
                        .collect();
                    if !siblings.is_empty() {
                        let sibling = self.dice().pick(&siblings).clone();
                        self.change(v, &sibling, declared, version);
                    }
                }
                return;
            }
        }
    }

    /// Changes the node at `path`; false if it is one that must stay as it
    /// is for the command to be well-formed.
    fn change(&mut self, v: &mut Value, path: &[PathPart], declared: Time, version: u64) -> bool {
        let keys: Vec<&str> = path
            .iter()
            .filter_map(|p| match p {
                PathPart::Key(k) => Some(k.as_str()),
                PathPart::Index(_) => None,
            })
            .collect();
        let Some(&key) = keys.last() else {
            return false;
        };
        let parent = keys.len().checked_sub(2).map(|i| keys[i]);
        let item = matches!(path.last(), Some(PathPart::Index(_)));
        let node = pointer_mut(v, path).clone();
        let choice = self.dice().below(100);
        let new: Option<Value> = match (key, item) {
            ("type" | "incident_id" | "command_id" | "kind" | "mitigation" | "postmortem", _) => {
                return false;
            }
            ("at", false) | ("at", true) if node.is_string() => {
                let t =
                    time_at(&node).unwrap_or(declared) + secs(self.dice().range(-10_800, 10_800));
                Some(self.stamp_at(t))
            }
            ("started_at" | "next_update", false) => match choice {
                0..=59 => {
                    let t = time_at(&node).unwrap_or(declared)
                        + secs(self.dice().range(-10_800, 10_800));
                    Some(self.stamp_at(t))
                }
                60..=74 => Some(Value::Null),
                75..=84 => Some(" ".into()),
                _ => None,
            },
            ("date" | "due", false) => match choice {
                0..=59 => {
                    let day = declared.date_naive() + chrono::Days::new(30);
                    let day = day - chrono::Days::new(self.dice().range(0, 60) as u64);
                    Some(day.to_string().into())
                }
                60..=74 => Some(Value::Null),
                75..=84 => Some("".into()),
                _ => None,
            },
            ("severity", false) if parent.is_none() => {
                Some(self.dice().pick(&SEVERITIES).to_string().into())
            }
            ("severity", false) => match choice {
                0..=69 => Some(self.dice().pick(&SEVERITIES).to_string().into()),
                70..=84 => Some(Value::Null),
                _ => None,
            },
            ("status", false) if node.is_string() => match parent {
                Some("postmortem") => Some(
                    self.dice()
                        .pick(&["draft", "in_review", "published"])
                        .to_string()
                        .into(),
                ),
                Some("update") => match choice {
                    0..=69 => Some(self.dice().pick(&STATUSES).to_string().into()),
                    70..=84 => Some(Value::Null),
                    _ => None,
                },
                _ => match choice {
                    0..=69 => Some(
                        self.dice()
                            .pick(&["open", "in_progress", "done"])
                            .to_string()
                            .into(),
                    ),
                    70..=84 => Some(Value::Null),
                    _ => None,
                },
            },
            ("role", false) => Some(self.dice().pick(&ROLES).to_string().into()),
            ("check", false) => Some(self.dice().pick(&CHECKS).to_string().into()),
            ("security_risk" | "availability_impact", false) => {
                Some(self.dice().pick(&RISKS).to_string().into())
            }
            ("guardrail", false) => match choice {
                0..=59 => Some(self.dice().pick(&GUARDRAILS).to_string().into()),
                60..=79 => Some(Value::Null),
                _ => None,
            },
            ("expected_version", false) => match choice {
                0..=69 => Some(self.dice().range(0, version as i64 + 2).into()),
                70..=84 => Some(Value::Null),
                _ => None,
            },
            ("flags", true) => Some(self.dice().pick(&FLAGS).0.into()),
            ("surfaces", true) => Some(self.dice().pick(&SURFACES).to_string().into()),
            ("affected_dependencies", true) => match choice {
                0..=49 => Some(self.dice().pick(&DEPENDENCIES).0.into()),
                50..=69 => Some(self.dice().pick(&UNKNOWN_DEPENDENCIES).to_string().into()),
                70..=84 => Some(self.dice().pick(&BLANKS).to_string().into()),
                _ => None,
            },
            // Whole entries of a list of objects: dropped, or kept once more.
            ("timeline" | "action_items" | "endpoints" | "dependencies", true) => {
                if choice < 50 {
                    None
                } else {
                    let Some(PathPart::Index(i)) = path.last() else {
                        return false;
                    };
                    if let Some(list) = pointer_mut(v, &path[..path.len() - 1]).as_array_mut() {
                        list.insert(*i, node);
                    }
                    return true;
                }
            }
            (k, _) if node.is_string() && class(k, parent).is_some() => {
                let max = class(k, parent).unwrap_or(SHORT);
                match choice {
                    0..=29 => Some(self.dice().pick(&BLANKS).to_string().into()),
                    // A list item is a string: `null` there is malformed.
                    30..=44 if !item => Some(Value::Null),
                    45..=54 => Some("ü".repeat(max + 1).into()),
                    55..=79 if max == NAME => {
                        let who = if self.dice().chance(70) {
                            *self.dice().pick(&PEOPLE)
                        } else {
                            *self.dice().pick(&OUTSIDERS)
                        };
                        Some(who.into())
                    }
                    55..=79 if k == "path" || k == "endpoint" || k == "affected_endpoints" => {
                        Some(self.dice().pick(&ENDPOINTS).to_string().into())
                    }
                    55..=79 => Some(self.short().into()),
                    _ => None,
                }
            }
            (_, false) if node.is_boolean() => match choice {
                0..=59 => Some((!node.as_bool().unwrap_or(false)).into()),
                60..=79 => Some(Value::Null),
                _ => None,
            },
            (
                "update" | "impact" | "roles" | "verification" | "health" | "frontend" | "data",
                false,
            ) if node.is_object() => match choice {
                0..=49 => None,
                50..=74 => Some(Value::Null),
                _ => Some(json!({})),
            },
            // A list: one more (valid) item of its kind, or none at all.
            (k, false) if node.is_array() => {
                let extra: Option<Value> = match k {
                    "flags" => Some(self.dice().pick(&FLAGS).0.into()),
                    "surfaces" => Some(self.dice().pick(&SURFACES).to_string().into()),
                    "affected_endpoints" => Some(self.dice().pick(&ENDPOINTS).to_string().into()),
                    "affected_dependencies" => Some(self.dice().pick(&DEPENDENCIES).0.into()),
                    "owners" => Some(self.person().into()),
                    "endpoints" => Some(
                        json!({"path": self.dice().pick(&ENDPOINTS), "ok": self.dice().chance(70)}),
                    ),
                    "dependencies" => Some(
                        json!({"name": self.dice().pick(&DEPENDENCIES).0, "ok": self.dice().chance(70)}),
                    ),
                    _ => None,
                };
                match (extra, choice) {
                    (Some(x), 0..=59) => {
                        if let Some(list) = pointer_mut(v, path).as_array_mut() {
                            list.push(x);
                        }
                        return true;
                    }
                    (_, 60..=79) => Some(json!([])),
                    _ => None,
                }
            }
            _ => return false,
        };
        match new {
            Some(x) => *pointer_mut(v, path) = x,
            None => remove(v, path),
        }
        true
    }
}
