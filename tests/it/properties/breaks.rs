//! Commands that break exactly one rule: for every rule of the contract a
//! command can break, how to break it alone in a given state.

use serde_json::{Value, json};

use super::model::{Inc, Rules};
use super::scenario::*;
use super::support::*;

/// Every rule a generated command can be made to break alone, by id.
pub const BREAKS: &[&str] = &[
    "not-declared",
    "already-declared",
    "incident-closed",
    "not-allowed-in-phase",
    "timestamp-regressed",
    "version-conflict",
    "command-id-reused",
    "field-empty",
    "field-too-long",
    "impact-incomplete",
    "impact-start-after-declaration",
    "severity-below-floor",
    "severity-unchanged",
    "update-required",
    "commander-required",
    "sev1-needs-scribe",
    "sev1-scribe-not-commander",
    "sev1-comms-by-engineering-lead",
    "update-needs-next-update",
    "next-update-not-after-update",
    "update-owner-not-assigned",
    "update-status-mismatch",
    "mitigate-before-rca",
    "rollback-same-tag",
    "unknown-dependency",
    "dependency-not-optional",
    "block-endpoint-risk-not-higher",
    "block-not-lifted",
    "no-such-block",
    "resolve-from-monitoring",
    "verification-api-health",
    "verification-endpoints",
    "verification-frontend",
    "verification-data",
    "verification-dependencies",
    "triage-checks-missing",
    "notes-required",
    "postmortem-required",
    "postmortem-incomplete",
    "postmortem-severity-mismatch",
    "postmortem-timeline-unordered",
    "action-item-incomplete",
    "action-item-due-before-incident",
    "guardrail-action-missing",
];

impl Gen {
    /// A command that breaks `BREAKS[n]` alone or, when that rule cannot be
    /// broken alone in this state, another one: first those of the step
    /// the incident is about to take (a resolve, a postmortem, a close).
    pub fn breakage(&mut self, inc: Option<&Inc>, n: usize) -> Option<(Value, &'static str)> {
        let mut order = vec![BREAKS[n % BREAKS.len()]];
        if let Some(inc) = inc {
            let near = Self::near(inc);
            for _ in 0..2 {
                if !near.is_empty() {
                    order.push(*self.rng.pick(&near));
                }
            }
        }
        for _ in 0..8 {
            order.push(*self.rng.pick(BREAKS));
        }
        order.extend((0..BREAKS.len()).map(|k| BREAKS[(n + k) % BREAKS.len()]));
        for rule in order {
            let made = match inc {
                None => self.break_declare(rule),
                Some(inc) if inc.phase == Phase::Closed => {
                    (rule == "incident-closed").then(|| self.anything(Some(inc)))
                }
                Some(inc) => self.break_incident(inc, rule),
            };
            if let Some(v) = made {
                return Some((v, rule));
            }
        }
        None
    }

    /// The rules the incident's next steps can break.
    pub fn near(inc: &Inc) -> Vec<&'static str> {
        let mut out = Vec::new();
        if inc.phase.is_open() {
            if Self::may_resolve(inc) && Self::ready_to_resolve(inc) {
                out.extend([
                    "verification-api-health",
                    "verification-endpoints",
                    "verification-frontend",
                    "verification-data",
                    "verification-dependencies",
                ]);
            } else if Self::may_resolve(inc) {
                out.extend(["triage-checks-missing", "notes-required"]);
            } else if Self::ready_to_resolve(inc) {
                out.push("resolve-from-monitoring");
            }
            if inc.impact.active && inc.mitigations == 0 {
                out.push("mitigate-before-rca");
            }
        }
        if inc.phase == Phase::Resolved {
            out.extend(["block-not-lifted", "postmortem-required"]);
            if !Self::postmortem_done(inc) {
                out.extend([
                    "postmortem-incomplete",
                    "postmortem-severity-mismatch",
                    "postmortem-timeline-unordered",
                    "action-item-incomplete",
                    "action-item-due-before-incident",
                    "guardrail-action-missing",
                ]);
            }
        }
        out
    }

    pub fn break_declare(&mut self, rule: &str) -> Option<Value> {
        let sev = self.rng.range(1, 4) as u8;
        let mut v = self.declare_at(sev);
        let at = self.at(&v);
        match rule {
            "not-declared" => {
                v = self.note();
            }
            "version-conflict" => v["expected_version"] = self.rng.range(1, 9).into(),
            "field-empty" => {
                if self.rng.chance(50) {
                    v["title"] = self.blank();
                } else {
                    let key = *self.rng.pick(&["impact", "action", "owner"]);
                    v["update"][key] = self.blank();
                }
            }
            "field-too-long" => {
                if self.rng.chance(50) {
                    v["title"] = "x".repeat(SHORT + 1).into();
                } else {
                    v["roles"]["technical_lead"] = "é".repeat(NAME + 1).into();
                    if !self.owner_from_roles(&mut v) {
                        return None;
                    }
                }
            }
            "impact-incomplete" => {
                let key = *self
                    .rng
                    .pick(&["environment", "users", "feature", "started_at", "all"]);
                if key == "all" {
                    v.as_object_mut()?.remove("impact");
                } else {
                    v["impact"][key] = self.blank();
                }
            }
            "impact-start-after-declaration" => {
                let t = at + secs(self.rng.range(1, 3_600));
                v["impact"]["started_at"] = self.stamp(t);
            }
            "severity-below-floor" => {
                if sev == 1 {
                    return None;
                }
                let above: Vec<&str> = FLAGS
                    .iter()
                    .filter(|(_, f)| *f < sev)
                    .map(|(n, _)| *n)
                    .collect();
                let mut flags = v["impact"]["flags"].as_array()?.clone();
                flags.push(self.rng.pick(&above).to_string().into());
                v["impact"]["flags"] = flags.into();
            }
            "commander-required" => {
                if self.rng.chance(50) {
                    v["roles"].as_object_mut()?.remove("commander");
                } else {
                    v["roles"]["commander"] = self.blank();
                }
                if !self.owner_from_roles(&mut v) {
                    return None;
                }
            }
            "sev1-needs-scribe"
            | "sev1-scribe-not-commander"
            | "sev1-comms-by-engineering-lead" => {
                v = self.declare_at(1);
                let roles = v["roles"].as_object_mut()?;
                let commander = roles["commander"].clone();
                match rule {
                    "sev1-needs-scribe" => {
                        roles.remove("scribe");
                    }
                    "sev1-scribe-not-commander" => {
                        roles.insert("scribe".into(), commander);
                    }
                    _ => {
                        if self.rng.chance(50) {
                            roles.remove("engineering_lead");
                        } else {
                            roles.insert("communications_owner".into(), commander);
                        }
                    }
                }
                if !self.owner_from_roles(&mut v) {
                    return None;
                }
            }
            "update-required" => {
                v.as_object_mut()?.remove("update");
            }
            "update-needs-next-update" => {
                v["update"].as_object_mut()?.remove("next_update");
            }
            "next-update-not-after-update" => {
                let t = at - secs(self.rng.range(0, 600));
                v["update"]["next_update"] = self.stamp(t);
            }
            "update-owner-not-assigned" => {
                v["update"]["owner"] = self.rng.pick(&OUTSIDERS).to_string().into();
            }
            "update-status-mismatch" => {
                v["update"]["status"] = self.rng.pick(&STATUSES[1..]).to_string().into();
            }
            "unknown-dependency" => {
                v["impact"]["affected_dependencies"] =
                    json!([self.rng.pick(&UNKNOWN_DEPENDENCIES)]);
            }
            _ => return None,
        }
        Some(v)
    }

    /// After the roles were changed, an owner who still holds one (false
    /// when nobody does).
    pub fn owner_from_roles(&mut self, v: &mut Value) -> bool {
        let holders: Vec<String> = v["roles"]
            .as_object()
            .map(|m| {
                m.values()
                    .filter_map(|x| x.as_str())
                    .filter(|s| !is_blank(s))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        match holders.iter().find(|h| h.chars().count() <= NAME) {
            Some(owner) => {
                v["update"]["owner"] = owner.clone().into();
                true
            }
            None => false,
        }
    }

    /// A valid command for an open (or resolved) incident whose type carries an update.
    pub fn updating(&mut self, inc: &Inc) -> Value {
        match inc.phase {
            Phase::Mitigating if self.rng.chance(40) => self.begin_monitoring(inc),
            Phase::Investigating if self.rng.chance(40) => self.start_mitigation(inc),
            Phase::Resolved if self.rng.chance(40) => self.reopen(inc),
            _ => self.post_update(inc),
        }
    }

    pub fn break_incident(&mut self, inc: &Inc, rule: &str) -> Option<Value> {
        let open = inc.phase.is_open();
        let resolved = inc.phase == Phase::Resolved;
        let sev1 = inc.severity == 1;
        let mut v;
        match rule {
            "already-declared" => v = self.declare(),
            "timestamp-regressed" => {
                self.at = inc.last_at - secs(self.rng.range(1, 7_200));
                v = self.wander(inc);
                v.as_object_mut()?.remove("expected_version");
            }
            "version-conflict" => {
                v = self.wander(inc);
                let k = self.rng.range(1, 3) as u64;
                let wrong = if inc.version > k && self.rng.chance(50) {
                    inc.version - k
                } else {
                    inc.version + k
                };
                v["expected_version"] = wrong.into();
            }
            "command-id-reused" => {
                v = self.wander(inc);
                let mut ids: Vec<&String> = inc.accepted.keys().collect();
                ids.sort();
                v["command_id"] = self.rng.pick(&ids).to_string().into();
            }
            "not-allowed-in-phase" => {
                let candidates: Vec<&str> = COMMAND_TYPES
                    .iter()
                    .copied()
                    .filter(|k| *k != "declare" && !allowed(k, inc.phase))
                    .filter(|k| *k != "resolve" || inc.phase == Phase::Resolved)
                    .filter(|k| *k != "close" || inc.closing_rules().is_empty())
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let kind = *self.rng.pick(&candidates);
                v = match kind {
                    "submit_postmortem" => self.postmortem(inc, "published"),
                    "resolve" if !Self::ready_to_resolve(inc) => return None,
                    _ => self.build(kind, inc)?,
                };
                // The update is built for the phase the command would lead to.
                if let Some(u) = v.get_mut("update").and_then(Value::as_object_mut) {
                    u.remove("status");
                    let at = time_at(&v["at"])?;
                    v["update"]["next_update"] = self.stamp(at + secs(600));
                }
            }
            "update-required"
            | "update-needs-next-update"
            | "next-update-not-after-update"
            | "update-owner-not-assigned"
            | "update-status-mismatch" => {
                if !(open || resolved) {
                    return None;
                }
                v = self.updating(inc);
                let at = self.at(&v);
                let status_after = match v["type"].as_str()? {
                    "start_mitigation" => "mitigating",
                    "begin_monitoring" => "monitoring",
                    "reopen" => "investigating",
                    _ => inc.phase.status(),
                };
                match rule {
                    "update-required" => {
                        v.as_object_mut()?.remove("update");
                    }
                    "update-needs-next-update" => {
                        if status_after == "resolved" {
                            return None;
                        }
                        v["update"].as_object_mut()?.remove("next_update");
                    }
                    "next-update-not-after-update" => {
                        let t = at - secs(self.rng.range(0, 600));
                        v["update"]["next_update"] = self.stamp(t);
                    }
                    "update-owner-not-assigned" => {
                        v["update"]["owner"] = self.rng.pick(&OUTSIDERS).to_string().into();
                    }
                    _ => {
                        let wrong: Vec<&str> = STATUSES
                            .iter()
                            .copied()
                            .filter(|s| *s != status_after)
                            .collect();
                        v["update"]["status"] = self.rng.pick(&wrong).to_string().into();
                    }
                }
            }
            "field-empty" | "field-too-long" => {
                let empty = rule == "field-empty";
                let mut options = vec!["note", "person", "update"];
                if open {
                    options.extend(["finding", "reason", "mitigation"]);
                }
                if inc.phase != Phase::Investigating && open {
                    options.push("resume");
                }
                if resolved {
                    options.extend(["postmortem", "lift", "reopen"]);
                }
                if open && !empty {
                    options.push("list");
                }
                if Self::may_resolve(inc) && Self::ready_to_resolve(inc) {
                    options.push("verification");
                }
                match *self.rng.pick(&options) {
                    "list" => {
                        v = self.update_impact(inc);
                        let key = *self.rng.pick(&["surfaces", "affected_endpoints"]);
                        let item = if key == "surfaces" {
                            "api"
                        } else {
                            "/api/documents"
                        };
                        v["impact"][key] = json!(vec![item; LIST + 1]);
                    }
                    "verification" => {
                        v = self.resolve(inc);
                        let mut entry = json!({"ok": true});
                        if !empty || self.rng.chance(50) {
                            entry["path"] = if empty {
                                self.blank()
                            } else {
                                "x".repeat(SHORT + 1).into()
                            };
                        }
                        match v["verification"]["endpoints"].as_array_mut() {
                            Some(list) => list.push(entry),
                            None => v["verification"]["endpoints"] = json!([entry]),
                        }
                    }
                    "note" => {
                        v = self.note();
                        v["text"] = if empty {
                            self.blank()
                        } else {
                            "ø".repeat(LONG + 1).into()
                        };
                    }
                    "person" => {
                        v = self.envelope("assign_role");
                        v["role"] = self.rng.pick(&ROLES).to_string().into();
                        v["person"] = if empty {
                            self.blank()
                        } else {
                            "Å".repeat(NAME + 1).into()
                        };
                    }
                    "update" => {
                        v = self.updating(inc);
                        let key = *self.rng.pick(&["impact", "action", "owner"]);
                        let max = if key == "owner" { NAME } else { SHORT };
                        v["update"][key] = if empty {
                            self.blank()
                        } else {
                            "x".repeat(max + 1).into()
                        };
                    }
                    "finding" => {
                        v = self.check(inc);
                        v["finding"] = if empty {
                            self.blank()
                        } else {
                            "x".repeat(SHORT + 1).into()
                        };
                    }
                    "reason" => {
                        v = self.change_severity(inc);
                        v["reason"] = if empty {
                            self.blank()
                        } else {
                            "x".repeat(SHORT + 1).into()
                        };
                    }
                    "resume" => {
                        v = self.resume(inc);
                        v["reason"] = if empty {
                            self.blank()
                        } else {
                            "x".repeat(SHORT + 1).into()
                        };
                    }
                    "reopen" => {
                        v = self.reopen(inc);
                        v["reason"] = if empty {
                            self.blank()
                        } else {
                            "x".repeat(SHORT + 1).into()
                        };
                    }
                    "mitigation" => {
                        v = self.envelope("start_mitigation");
                        v["mitigation"] = json!({"kind": "revert_config"});
                        if !empty || self.rng.chance(50) {
                            v["mitigation"]["change"] = if empty {
                                self.blank()
                            } else {
                                "x".repeat(SHORT + 1).into()
                            };
                        }
                        v = self.with_update(v, inc, "mitigating");
                    }
                    "lift" => {
                        v = self.envelope("lift_block");
                        if !empty || self.rng.chance(70) {
                            v["endpoint"] = if empty {
                                self.blank()
                            } else {
                                "x".repeat(SHORT + 1).into()
                            };
                        }
                    }
                    _ => {
                        v = self.postmortem(inc, "published");
                        match self.rng.below(3) {
                            0 => {
                                v["postmortem"]["title"] = if empty {
                                    self.blank()
                                } else {
                                    "x".repeat(SHORT + 1).into()
                                }
                            }
                            1 => {
                                // A list item is a string: `null` there is
                                // the wrong type, not a blank.
                                v["postmortem"]["owners"] = if empty {
                                    json!([self.blank_string()])
                                } else if self.rng.chance(50) {
                                    json!(["x".repeat(NAME + 1)])
                                } else {
                                    json!(vec!["Ada"; LIST + 1])
                                }
                            }
                            _ => {
                                v["postmortem"]["timeline"][0]["event"] = if empty {
                                    self.blank()
                                } else {
                                    "x".repeat(SHORT + 1).into()
                                }
                            }
                        }
                    }
                }
            }
            "impact-incomplete" | "impact-start-after-declaration" => {
                if !open {
                    return None;
                }
                v = self.update_impact(inc);
                if rule == "impact-incomplete" {
                    let key =
                        *self
                            .rng
                            .pick(&["environment", "users", "feature", "started_at", "all"]);
                    if key == "all" {
                        v.as_object_mut()?.remove("impact");
                    } else {
                        v["impact"][key] = self.blank();
                    }
                } else {
                    let t = inc.declared_at + secs(self.rng.range(1, 3_600));
                    v["impact"]["started_at"] = self.stamp(t);
                }
            }
            "severity-below-floor" => {
                if !open {
                    return None;
                }
                let floor = inc.impact.floor();
                let lower: Vec<u8> = (floor + 1..=4).filter(|s| *s != inc.severity).collect();
                if !lower.is_empty() && self.rng.chance(50) {
                    let target = *self.rng.pick(&lower);
                    v = self.change_severity_to(inc, target);
                    v.as_object_mut()?.remove("impact");
                } else if inc.severity > 1 {
                    v = self.update_impact(inc);
                    let above: Vec<&str> = FLAGS
                        .iter()
                        .filter(|(_, f)| *f < inc.severity)
                        .map(|(n, _)| *n)
                        .collect();
                    v["impact"]["flags"] = json!([self.rng.pick(&above)]);
                } else {
                    return None;
                }
            }
            "severity-unchanged" => {
                if !open {
                    return None;
                }
                v = self.change_severity_to(inc, inc.severity);
            }
            "commander-required" => {
                if !(open || resolved) {
                    return None;
                }
                v = self.envelope("unassign_role");
                v["role"] = "commander".into();
            }
            "sev1-needs-scribe"
            | "sev1-scribe-not-commander"
            | "sev1-comms-by-engineering-lead" => {
                if sev1 && (open || resolved) {
                    let commander = inc.roles.get("commander")?.clone();
                    let scribe = inc.roles.get("scribe")?.clone();
                    let lead = inc.roles.get("engineering_lead")?.clone();
                    v = self.envelope("assign_role");
                    match rule {
                        "sev1-needs-scribe" => {
                            v = self.envelope("unassign_role");
                            v["role"] = "scribe".into();
                        }
                        "sev1-scribe-not-commander" => {
                            if self.rng.chance(50) {
                                v["role"] = "scribe".into();
                                v["person"] = commander.into();
                            } else {
                                v["role"] = "commander".into();
                                v["person"] = scribe.into();
                            }
                        }
                        _ => {
                            if self.rng.chance(50) {
                                v = self.envelope("unassign_role");
                                v["role"] = self
                                    .rng
                                    .pick(&["engineering_lead", "communications_owner"])
                                    .to_string()
                                    .into();
                            } else {
                                let others: Vec<&str> =
                                    PEOPLE.iter().copied().filter(|p| *p != lead).collect();
                                v["role"] = "communications_owner".into();
                                v["person"] = self.rng.pick(&others).to_string().into();
                            }
                        }
                    }
                } else if open && !sev1 {
                    // Escalating to SEV1 without bringing the role along.
                    v = self.change_severity_to(inc, 1);
                    let roles = v.get_mut("roles").and_then(Value::as_object_mut);
                    let commander = inc.roles.get("commander")?.clone();
                    let mut roles = roles.cloned().unwrap_or_default();
                    match rule {
                        "sev1-needs-scribe" => {
                            if inc.roles.contains_key("scribe") {
                                roles.insert("scribe".into(), self.blank_string().into());
                            } else {
                                roles.remove("scribe");
                            }
                        }
                        "sev1-scribe-not-commander" => {
                            roles.insert("scribe".into(), commander.into());
                        }
                        _ => {
                            let lead = roles
                                .get("engineering_lead")
                                .and_then(Value::as_str)
                                .map(str::to_owned)
                                .or_else(|| inc.roles.get("engineering_lead").cloned())?;
                            let others: Vec<&str> =
                                PEOPLE.iter().copied().filter(|p| *p != lead).collect();
                            roles.insert(
                                "communications_owner".into(),
                                self.rng.pick(&others).to_string().into(),
                            );
                        }
                    }
                    v["roles"] = Value::Object(roles.clone());
                    // The owner must hold a role after the command.
                    v["update"]["owner"] = inc.roles.get("commander")?.clone().into();
                    if rule == "sev1-scribe-not-commander" || rule == "sev1-needs-scribe" {
                        v["update"]["owner"] = inc.roles.get("commander")?.clone().into();
                    }
                } else {
                    return None;
                }
            }
            "mitigate-before-rca" => {
                if !(open || resolved) || !inc.impact.active || inc.mitigations > 0 {
                    return None;
                }
                v = self.root_cause();
            }
            "rollback-same-tag" | "dependency-not-optional" | "block-endpoint-risk-not-higher" => {
                if !open {
                    return None;
                }
                v = self.start_mitigation(inc);
                v["mitigation"] = match rule {
                    "rollback-same-tag" => {
                        let tag = self.rng.pick(&TAGS).to_string();
                        json!({"kind": "rollback_image", "from_tag": tag, "to_tag": tag})
                    }
                    "dependency-not-optional" => {
                        let required: Vec<&str> = DEPENDENCIES
                            .iter()
                            .filter(|(_, o)| !*o)
                            .map(|(n, _)| *n)
                            .collect();
                        json!({"kind": "disable_dependency", "dependency": self.rng.pick(&required)})
                    }
                    _ => {
                        let sec = self.rng.below(4);
                        let avail = sec + self.rng.below(4 - sec);
                        json!({"kind": "block_endpoint", "endpoint": self.rng.pick(&ENDPOINTS),
                               "security_risk": RISKS[sec], "availability_impact": RISKS[avail]})
                    }
                };
            }
            "unknown-dependency" => {
                if !open {
                    return None;
                }
                let unknown = self.rng.pick(&UNKNOWN_DEPENDENCIES).to_string();
                let resolvable = Self::may_resolve(inc) && Self::ready_to_resolve(inc);
                if resolvable && self.rng.chance(40) {
                    // Confirming a dependency the catalogue does not know.
                    v = self.resolve(inc);
                    let entry = json!({"name": unknown, "ok": true});
                    match v["verification"]["dependencies"].as_array_mut() {
                        Some(list) => list.push(entry),
                        None => v["verification"]["dependencies"] = json!([entry]),
                    }
                } else if self.rng.chance(50) {
                    v = self.start_mitigation(inc);
                    v["mitigation"] = json!({"kind": "disable_dependency", "dependency": unknown});
                } else {
                    v = self.update_impact(inc);
                    v["impact"]["affected_dependencies"] = json!([unknown]);
                }
            }
            "no-such-block" => {
                if !(open || resolved) {
                    return None;
                }
                let free: Vec<&str> = ENDPOINTS
                    .iter()
                    .copied()
                    .filter(|e| !inc.blocked.iter().any(|b| b == e))
                    .collect();
                if free.is_empty() {
                    return None;
                }
                v = self.envelope("lift_block");
                v["endpoint"] = self.rng.pick(&free).to_string().into();
            }
            "block-not-lifted" | "postmortem-required" => {
                let mut rules = inc.closing_rules();
                if !resolved || !rules.remove(rule) || !rules.is_empty() {
                    return None;
                }
                v = self.close();
            }
            "resolve-from-monitoring" => {
                if !matches!(inc.phase, Phase::Investigating | Phase::Mitigating)
                    || !inc.impact.active
                    || !Self::ready_to_resolve(inc)
                {
                    return None;
                }
                v = self.resolve(inc);
            }
            "triage-checks-missing" | "notes-required" => {
                let checks = inc.checks.len() == CHECKS.len();
                let notes = inc.notes > 0;
                let wanted = if rule == "notes-required" {
                    checks && !notes
                } else {
                    notes && !checks
                };
                if !wanted || inc.peak > 2 || !Self::may_resolve(inc) {
                    return None;
                }
                v = self.resolve(inc);
            }
            "verification-api-health"
            | "verification-endpoints"
            | "verification-frontend"
            | "verification-data"
            | "verification-dependencies" => {
                if !Self::may_resolve(inc) || !Self::ready_to_resolve(inc) {
                    return None;
                }
                v = self.resolve(inc);
                let ver = &mut v["verification"];
                let i = &inc.impact;
                match rule {
                    "verification-api-health" => {
                        let key = *self.rng.pick(&HEALTH);
                        if self.rng.chance(50) {
                            ver["health"][key] = false.into();
                        } else {
                            ver["health"].as_object_mut()?.remove(key);
                        }
                    }
                    "verification-endpoints" => {
                        if i.endpoints.is_empty() {
                            return None;
                        }
                        let e = self.rng.pick(&i.endpoints).clone();
                        if self.rng.chance(50) {
                            ver["endpoints"]
                                .as_array_mut()?
                                .push(json!({"path": e, "ok": false}));
                        } else {
                            ver["endpoints"]
                                .as_array_mut()?
                                .retain(|x| x["path"] != e.as_str());
                        }
                    }
                    "verification-frontend" => {
                        if !i.surfaces.iter().any(|s| s == "frontend") {
                            return None;
                        }
                        let key = *self.rng.pick(&FRONTEND);
                        ver["frontend"][key] = false.into();
                    }
                    "verification-data" => {
                        if !i.concerns_data() {
                            return None;
                        }
                        let key = *self.rng.pick(&DATA_CHECKS);
                        ver["data"][key] = Value::Null;
                    }
                    _ => {
                        if i.deps.is_empty() {
                            return None;
                        }
                        let d = self.rng.pick(&i.deps).clone();
                        ver["dependencies"]
                            .as_array_mut()?
                            .retain(|x| x["name"] != d.as_str());
                    }
                }
            }
            "postmortem-incomplete"
            | "postmortem-severity-mismatch"
            | "postmortem-timeline-unordered"
            | "action-item-incomplete"
            | "action-item-due-before-incident"
            | "guardrail-action-missing" => {
                if !resolved {
                    return None;
                }
                let stale = Rules::from(["postmortem-severity-mismatch"]);
                if rule == "postmortem-severity-mismatch" && inc.closing_rules() == stale {
                    // Reopened, escalated and resolved again: the postmortem
                    // still names the old peak.
                    return Some(self.close());
                }
                v = self.postmortem(inc, "published");
                let pm = &mut v["postmortem"];
                match rule {
                    "postmortem-incomplete" => {
                        let key = *self.rng.pick(&[
                            "date",
                            "summary",
                            "impact",
                            "root_cause",
                            "what_worked",
                            "what_did_not_work",
                            "owners",
                            "timeline",
                        ]);
                        match key {
                            "owners" | "timeline" if self.rng.chance(50) => pm[key] = json!([]),
                            "date" => pm[key] = Value::Null,
                            _ if self.rng.chance(50) => {
                                pm.as_object_mut()?.remove(key);
                            }
                            "owners" | "timeline" => {
                                pm.as_object_mut()?.remove(key);
                            }
                            _ => pm[key] = self.blank(),
                        }
                    }
                    "postmortem-severity-mismatch" => {
                        if self.rng.chance(20) {
                            pm.as_object_mut()?.remove("severity");
                        } else {
                            let others: Vec<u8> = (1..=4).filter(|s| *s != inc.peak).collect();
                            pm["severity"] = sev_name(*self.rng.pick(&others)).into();
                        }
                    }
                    "postmortem-timeline-unordered" => {
                        let t = inc.declared_at;
                        pm["timeline"] = json!([
                            {"at": ts(t), "event": "Alert fired"},
                            {"at": ts(t - secs(self.rng.range(1, 3_600))), "event": "Deploy went out"},
                        ]);
                    }
                    "action-item-incomplete" => {
                        let mut item = json!({"action": "Add a dashboard", "owner": "Grace",
                                              "due": (t_date(inc) + chrono::Days::new(7)).to_string()});
                        let key = *self.rng.pick(&["action", "owner", "due"]);
                        if self.rng.chance(50) {
                            item.as_object_mut()?.remove(key);
                        } else {
                            item[key] = self.blank();
                        }
                        pm["action_items"] = json!([item]);
                        pm["missing_guardrail"] = false.into();
                    }
                    "action-item-due-before-incident" => {
                        let days = self.rng.range(1, 400) as u64;
                        let due = t_date(inc) - chrono::Days::new(days);
                        pm["action_items"] = json!([{"action": "Add a dashboard", "owner": "Grace",
                                                      "due": due.to_string(), "guardrail": "dashboard"}]);
                    }
                    _ => {
                        pm["missing_guardrail"] = true.into();
                        if let Some(items) =
                            pm.get_mut("action_items").and_then(Value::as_array_mut)
                        {
                            for item in items {
                                item.as_object_mut()?.remove("guardrail");
                            }
                        }
                    }
                }
            }
            _ => return None,
        }
        Some(v)
    }
}

fn t_date(inc: &Inc) -> chrono::NaiveDate {
    inc.declared_at.date_naive()
}
