//! The rules of the contract (`docs/contract.md`) that a state can break, checked on a snapshot read
//! as plain JSON. Nothing here calls the crate: a snapshot the crate
//! produced is judged by the documents alone.
//!
//! Some rules are about commands, not states (mitigate before root cause,
//! resolve from monitoring, verification); a snapshot still shows whether
//! its history kept them, so those are checked by folding the history.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use serde_json::Value;

use super::support::*;

struct Check {
    broken: Vec<String>,
}

impl Check {
    fn that(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.broken.push(what());
        }
    }
}

fn non_blank(v: Option<&Value>, max: usize) -> bool {
    matches!(text(v, max), Text::Ok(_))
}

/// Every invariant `snapshot` breaks, in words; empty when it keeps them all.
pub fn broken(s: &Value) -> Vec<String> {
    let mut c = Check { broken: Vec::new() };
    let Some(history) = s.get("history").and_then(Value::as_array) else {
        return vec!["no history".into()];
    };
    let (Some(severity), Some(peak), Some(phase)) = (
        str_of(s, "severity"),
        str_of(s, "peak_severity"),
        str_of(s, "phase"),
    ) else {
        return vec!["no severity, peak or phase".into()];
    };
    let (sev, peak, phase) = (sev_num(severity), sev_num(peak), Phase::parse(phase));
    let declared_at = time_at(&s["declared_at"]);
    let roles = &s["roles"];
    let impact = &s["impact"];

    // ---- Identity and history ----
    c.that(s["version"].as_u64() == Some(history.len() as u64), || {
        format!(
            "version {} but {} commands in the history",
            s["version"],
            history.len()
        )
    });
    c.that(!history.is_empty(), || "empty history".into());
    c.that(non_blank(s.get("title"), SHORT), || "title blank".into());
    if let Some(first) = history.first() {
        c.that(str_of(first, "type") == Some("declare"), || {
            "the history does not start with declare".into()
        });
        c.that(time_at(&first["at"]) == declared_at, || {
            "declared_at is not the declaration's at".into()
        });
    }
    if let Some(last) = history.last() {
        c.that(
            time_at(&last["at"]) == time_at(&s["last_command_at"]),
            || "last_command_at is not the last command's at".into(),
        );
    }
    let mut ids = HashSet::new();
    for (i, cmd) in history.iter().enumerate() {
        c.that(cmd["incident_id"] == s["incident_id"], || {
            format!("history[{i}] is for another incident")
        });
        c.that(i == 0 || str_of(cmd, "type") != Some("declare"), || {
            format!("history[{i}] declares again")
        });
        c.that(ids.insert(cmd["command_id"].to_string()), || {
            format!("history[{i}] repeats a command id")
        });
        if i > 0 {
            c.that(
                time_at(&cmd["at"]) >= time_at(&history[i - 1]["at"]),
                || format!("history[{i}] is earlier than the command before it"),
            );
        }
    }

    // ---- Roles ----
    let commander = str_of(roles, "commander");
    c.that(non_blank(roles.get("commander"), NAME), || {
        "no commander (commander-required)".into()
    });
    for role in ROLES {
        if !absent(roles.get(role)) {
            c.that(non_blank(roles.get(role), NAME), || {
                format!("role {role} holds no valid name")
            });
        }
    }
    if sev == 1 {
        let scribe = str_of(roles, "scribe");
        c.that(scribe.is_some(), || "SEV1 without scribe".into());
        c.that(scribe.is_none() || scribe != commander, || {
            "SEV1 scribe is the commander".into()
        });
        let lead = str_of(roles, "engineering_lead");
        c.that(
            lead.is_some() && str_of(roles, "communications_owner") == lead,
            || "SEV1 comms not owned by the engineering lead".into(),
        );
    }

    // ---- Severity ----
    let flags: Vec<&str> = list(impact, "flags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    c.that(sev <= floor(flags.iter().copied()), || {
        format!("{severity} is below the floor of {flags:?}")
    });
    c.that(peak <= sev, || "peak less severe than severity".into());
    let ever = history
        .iter()
        .filter(|h| matches!(str_of(h, "type"), Some("declare" | "change_severity")))
        .filter_map(|h| str_of(h, "severity"))
        .map(sev_num)
        .min();
    c.that(ever == Some(peak), || {
        format!("peak {peak} but the most severe level in the history is {ever:?}")
    });

    // ---- Impact ----
    for key in ["environment", "users", "feature"] {
        c.that(non_blank(impact.get(key), SHORT), || {
            format!("impact.{key} blank")
        });
    }
    // Users may be hit after the declaration (the first sign came first),
    // never after the last command: someone recorded it. Unknown is absent.
    let last_at = time_at(&s["last_command_at"]);
    c.that(time_at(&impact["started_at"]) <= last_at, || {
        "the impact starts after the last command".into()
    });
    c.that(
        impact.get("ended_at").is_none() || impact["user_impact_active"] == false,
        || "the impact ended but is active".into(),
    );
    for d in list(impact, "affected_dependencies") {
        c.that(d.as_str().and_then(dependency).is_some(), || {
            format!("unknown dependency {d}")
        });
    }

    // ---- Comms updates ----
    let updates = list(s, "updates");
    let carried = history
        .iter()
        .filter(|h| str_of(h, "type").is_some_and(carries_update))
        .count();
    c.that(updates.len() == carried, || {
        format!(
            "{} updates but {carried} commands that carry one",
            updates.len()
        )
    });
    for (i, u) in updates.iter().enumerate() {
        let at = time_at(&u["at"]);
        match time_at(&u["next_update"]) {
            None => c.that(str_of(u, "status") == Some("resolved"), || {
                format!("updates[{i}] has no next update")
            }),
            Some(next) => c.that(Some(next) > at, || {
                format!("updates[{i}] next update not after it")
            }),
        }
        c.that(
            sev_num(str_of(u, "severity").unwrap_or("SEV4")) >= peak,
            || format!("updates[{i}] more severe than the peak"),
        );
        if i > 0 {
            c.that(at >= time_at(&updates[i - 1]["at"]), || {
                format!("updates[{i}] earlier than the one before")
            });
        }
    }
    if let Some(last) = updates.last() {
        let want = if phase == Phase::Closed {
            "resolved"
        } else {
            phase.name()
        };
        c.that(str_of(last, "status") == Some(want), || {
            format!("the last update says {} in phase {want}", last["status"])
        });
    }

    // ---- Follow-up duties ----
    let finished = matches!(phase, Phase::Resolved | Phase::Closed);
    let checks: BTreeSet<&str> = list(s, "checks")
        .iter()
        .filter_map(|c| str_of(c, "check"))
        .collect();
    if finished && peak <= 2 {
        c.that(checks.len() == CHECKS.len(), || {
            format!("finished at peak SEV{peak} with checks {checks:?}")
        });
        c.that(!list(s, "notes").is_empty(), || {
            format!("finished at peak SEV{peak} without notes")
        });
    }
    let count = |kind: &str| {
        history
            .iter()
            .filter(|h| str_of(h, "type") == Some(kind))
            .count()
    };
    c.that(list(s, "checks").len() == count("record_check"), || {
        "checks do not match the history".into()
    });
    c.that(list(s, "notes").len() == count("add_note"), || {
        "notes do not match the history".into()
    });
    c.that(
        list(s, "mitigations").len() == count("start_mitigation"),
        || "mitigations do not match the history".into(),
    );

    // ---- Blocks ----
    let blocked: Vec<&str> = list(s, "blocked_endpoints")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let unique: BTreeSet<&str> = blocked.iter().copied().collect();
    c.that(unique.len() == blocked.len(), || {
        "an endpoint blocked twice".into()
    });
    // The endpoint each block blocks, by number, while it is in effect:
    // `lift_block` ends every block of its endpoint, `end_mitigation` its own.
    let mut blocks: Vec<Option<&str>> = Vec::new();
    for h in history {
        match str_of(h, "type") {
            Some("start_mitigation") => {
                let m = &h["mitigation"];
                let block = str_of(m, "kind") == Some("block_endpoint");
                blocks.push(block.then(|| str_of(m, "endpoint").unwrap_or_default()));
            }
            Some("lift_block") => {
                let endpoint = str_of(h, "endpoint").unwrap_or_default();
                for b in blocks.iter_mut().filter(|b| **b == Some(endpoint)) {
                    *b = None;
                }
            }
            Some("end_mitigation") => {
                let n = h["number"].as_u64().unwrap_or(0) as usize;
                if let Some(b) = n.checked_sub(1).and_then(|k| blocks.get_mut(k)) {
                    *b = None;
                }
            }
            _ => {}
        }
    }
    let folded: BTreeSet<&str> = blocks.into_iter().flatten().collect();
    c.that(folded == unique, || {
        format!("blocked {unique:?} but the history leaves {folded:?}")
    });
    for m in list(s, "mitigations") {
        let m = &m["mitigation"];
        match str_of(m, "kind") {
            Some("block_endpoint") => c.that(
                risk_num(str_of(m, "security_risk").unwrap_or("low"))
                    > risk_num(str_of(m, "availability_impact").unwrap_or("critical")),
                || "an endpoint blocked without a higher security risk".into(),
            ),
            Some("rollback_image") => c.that(m["from_tag"] != m["to_tag"], || {
                "a rollback to the same tag".into()
            }),
            Some("disable_dependency") => c.that(
                str_of(m, "dependency").and_then(dependency) == Some(true),
                || format!("disabled {}", m["dependency"]),
            ),
            _ => {}
        }
    }

    // ---- Closing and the postmortem ----
    let pm = s.get("postmortem").filter(|p| !p.is_null());
    if phase == Phase::Closed {
        if peak <= 2 {
            c.that(
                pm.is_some_and(|p| str_of(p, "status") == Some("published")),
                || "closed without a published postmortem".into(),
            );
        }
        if let Some(p) = pm {
            c.that(str_of(p, "severity").map(sev_num) == Some(peak), || {
                "closed with a postmortem of another severity than the peak".into()
            });
        }
        c.that(blocked.is_empty(), || {
            "closed with endpoints blocked".into()
        });
    }
    if let Some(p) = pm {
        postmortem(&mut c, p, declared_at.map(|t| t.date_naive()));
    }

    // ---- What the history kept ----
    history_rules(&mut c, history);
    c.that(fold_phase(history) == Some(phase), || {
        format!("phase {} is not where the history leads", phase.name())
    });
    c.broken
}

fn postmortem(c: &mut Check, p: &Value, declared_on: Option<NaiveDate>) {
    if str_of(p, "status") == Some("published") {
        c.that(!absent(p.get("date")), || "published without a date".into());
        for section in PM_SECTIONS {
            c.that(non_blank(p.get(section), LONG), || {
                format!("published without {section}")
            });
        }
        c.that(!list(p, "owners").is_empty(), || {
            "published without owners".into()
        });
        c.that(!list(p, "timeline").is_empty(), || {
            "published without a timeline".into()
        });
    }
    let timeline = list(p, "timeline");
    for i in 1..timeline.len() {
        c.that(
            time_at(&timeline[i]["at"]) >= time_at(&timeline[i - 1]["at"]),
            || format!("postmortem timeline[{i}] out of order"),
        );
    }
    let items = list(p, "action_items");
    for (i, a) in items.iter().enumerate() {
        c.that(
            non_blank(a.get("action"), SHORT) && non_blank(a.get("owner"), NAME),
            || format!("action item {i} without action or owner"),
        );
        let due = str_of(a, "due").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        c.that(due.is_some(), || {
            format!("action item {i} without a due date")
        });
        c.that(due >= declared_on, || {
            format!("action item {i} due before the declaration")
        });
    }
    if p["missing_guardrail"] == Value::Bool(true) {
        c.that(items.iter().any(|a| !absent(a.get("guardrail"))), || {
            "a missing guardrail without a guardrail action".into()
        });
    }
}

/// The impact, as far as the command rules need it.
struct Folded {
    active: bool,
    surfaces: Vec<String>,
    flags: Vec<String>,
    endpoints: Vec<String>,
    deps: Vec<String>,
}

fn read_impact(v: &Value) -> Folded {
    let strs = |k: &str| -> Vec<String> {
        list(v, k)
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    };
    Folded {
        active: v["user_impact_active"].as_bool().unwrap_or(true),
        surfaces: strs("surfaces"),
        flags: strs("flags"),
        endpoints: strs("affected_endpoints"),
        deps: strs("affected_dependencies"),
    }
}

/// Whether every check `SECTION.KEY` of `keys` in `v` (the verification's
/// `section`) passed or is one of the exceptions `excused`.
fn passes(v: &Value, section: &str, keys: &[&str], excused: &BTreeSet<String>) -> bool {
    keys.iter()
        .all(|k| v[*k] == Value::Bool(true) || excused.contains(&format!("{section}.{k}")))
}

/// The checks a `resolve`'s exceptions accept (`SECTION.KEY`).
fn excused(resolve: &Value) -> BTreeSet<String> {
    list(resolve, "exceptions")
        .iter()
        .filter_map(|e| str_of(e, "check").map(str::to_owned))
        .collect()
}

/// Mitigate before root cause, resolve from monitoring, and the verification
/// each `resolve` carried, judged against the impact at that point.
fn history_rules(c: &mut Check, history: &[Value]) {
    let mut impact = None;
    let mut mitigated = false;
    let mut phase = Phase::Investigating;
    let mut people = People::default();
    for (i, h) in history.iter().enumerate() {
        let kind = str_of(h, "type").unwrap_or_default();
        match kind {
            "declare" | "update_impact" | "correct_impact" => {
                impact = Some(read_impact(&h["impact"]))
            }
            "change_severity" if !absent(h.get("impact")) => {
                impact = Some(read_impact(&h["impact"]))
            }
            "start_mitigation" => mitigated = true,
            "record_root_cause" => c.that(
                mitigated || impact.as_ref().is_some_and(|i| !i.active),
                || format!("history[{i}]: root cause before mitigation while users were hurt"),
            ),
            "resolve" => {
                let Some(imp) = &impact else { continue };
                c.that(phase == Phase::Monitoring || !imp.active, || {
                    format!(
                        "history[{i}]: resolved from {} while users were hurt",
                        phase.name()
                    )
                });
                let v = &h["verification"];
                let excused = excused(h);
                let excuses =
                    |section: &str, name: &str| excused.contains(&format!("{section}.{name}"));
                // Each entry passed or is excused; a check left out is one
                // that did not pass, which an exception may excuse too.
                let ok = |section: &str, name: &str, entries: &[&Value]| {
                    let all = entries
                        .iter()
                        .all(|x| x["ok"] == true || excuses(section, name));
                    all && (!entries.is_empty() || excuses(section, name))
                };
                c.that(passes(&v["health"], "health", &HEALTH, &excused), || {
                    format!("history[{i}]: resolved with failing health checks")
                });
                for e in &imp.endpoints {
                    let entries: Vec<&Value> = list(v, "endpoints")
                        .iter()
                        .filter(|x| str_of(x, "path") == Some(e))
                        .collect();
                    c.that(ok("endpoints", e, &entries), || {
                        format!("history[{i}]: resolved without {e} passing")
                    });
                }
                for d in &imp.deps {
                    let entries: Vec<&Value> = list(v, "dependencies")
                        .iter()
                        .filter(|x| str_of(x, "name") == Some(d))
                        .collect();
                    c.that(ok("dependencies", d, &entries), || {
                        format!("history[{i}]: resolved without {d} confirmed")
                    });
                }
                if imp.surfaces.iter().any(|s| s == "frontend") {
                    c.that(
                        passes(&v["frontend"], "frontend", &FRONTEND, &excused),
                        || format!("history[{i}]: frontend not verified"),
                    );
                }
                let data = imp.surfaces.iter().any(|s| s == "data")
                    || imp.flags.iter().any(|f| DATA_FLAGS.contains(&f.as_str()));
                if data {
                    c.that(passes(&v["data"], "data", &DATA_CHECKS, &excused), || {
                        format!("history[{i}]: data not verified")
                    });
                }
            }
            _ => {}
        }
        if i > 0 {
            c.that(allowed(kind, phase), || {
                format!("history[{i}]: {kind} while {}", phase.name())
            });
        }
        phase = phase_after(kind, phase);
        people.step(h, kind);
        if let Some(imp) = &impact {
            people.check(c, i, h, phase, floor(imp.flags.iter().map(String::as_str)));
        }
    }
}

/// Roles and severity folded over the history, so that every command can
/// be judged by the state right after it.
#[derive(Default)]
struct People {
    roles: BTreeMap<String, String>,
    severity: u8,
}

impl People {
    fn merge(&mut self, roles: &Value) {
        for role in ROLES {
            if let Some(name) = str_of(roles, role).filter(|n| !is_blank(n)) {
                self.roles.insert(role.to_owned(), name.to_owned());
            }
        }
    }

    fn step(&mut self, h: &Value, kind: &str) {
        match kind {
            "declare" | "change_severity" => {
                self.severity = str_of(h, "severity").map_or(self.severity, sev_num);
                self.merge(&h["roles"]);
            }
            "assign_role" => {
                if let (Some(role), Some(person)) = (str_of(h, "role"), str_of(h, "person")) {
                    self.roles.insert(role.to_owned(), person.to_owned());
                }
            }
            "unassign_role" => {
                if let Some(role) = str_of(h, "role") {
                    self.roles.remove(role);
                }
            }
            _ => {}
        }
    }

    /// The role rules, the severity floor and the command's update, right
    /// after history[i].
    fn check(&self, c: &mut Check, i: usize, h: &Value, phase: Phase, floor: u8) {
        let get = |r: &str| self.roles.get(r);
        c.that(get("commander").is_some(), || {
            format!("history[{i}] leaves no commander")
        });
        if self.severity == 1 {
            c.that(
                get("scribe").is_some() && get("scribe") != get("commander"),
                || format!("history[{i}] leaves SEV1 without a scribe apart from the commander"),
            );
            c.that(
                get("engineering_lead").is_some()
                    && get("engineering_lead") == get("communications_owner"),
                || format!("history[{i}] leaves SEV1 comms away from the engineering lead"),
            );
        }
        c.that(self.severity <= floor, || {
            format!(
                "history[{i}] leaves SEV{} below the floor SEV{floor}",
                self.severity
            )
        });
        let Some(u) = h.get("update").filter(|u| !u.is_null()) else {
            return;
        };
        let owner = str_of(u, "owner").unwrap_or_default();
        c.that(self.roles.values().any(|n| n == owner), || {
            format!("history[{i}]: the update's owner {owner:?} holds no role")
        });
        let status = phase.status();
        c.that(
            absent(u.get("status")) || str_of(u, "status") == Some(status),
            || {
                format!(
                    "history[{i}]: the update says {} in phase {status}",
                    u["status"]
                )
            },
        );
        let at = time_at(&h["at"]);
        match str_of(u, "next_update")
            .filter(|s| !is_blank(s))
            .and_then(parse_ts)
        {
            None => c.that(status == "resolved", || {
                format!("history[{i}]: an update without its next one")
            }),
            Some(next) => c.that(Some(next) > at, || {
                format!("history[{i}]: the next update is not after the update")
            }),
        }
    }
}

fn fold_phase(history: &[Value]) -> Option<Phase> {
    let mut phase = None;
    for h in history {
        let kind = str_of(h, "type")?;
        phase = Some(phase_after(kind, phase.unwrap_or(Phase::Investigating)));
    }
    phase
}
