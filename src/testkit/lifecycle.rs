//! Valid commands: what each command type looks like when every rule
//! accepts it in the incident's state, the next step of a lifecycle, and
//! the same command written another way for a redelivery.

use serde_json::{Map, Value, json};

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A comms update that every rule accepts, posted by someone who holds a
    /// role after the command.
    pub(crate) fn update(&mut self, at: Time, status: &str, holders: &[String]) -> Value {
        let owner = self.rng.pick(holders).clone();
        let mut u = json!({"impact": self.short(), "action": self.short(), "owner": owner});
        if status != "resolved" || self.rng.chance(40) {
            let t = at + secs(self.rng.range(1, 7_200));
            u["next_update"] = self.stamp(t);
        }
        if self.rng.chance(40) {
            u["status"] = status.into();
        }
        u
    }

    pub(crate) fn with_update(&mut self, mut v: Value, inc: &View, status: &str) -> Value {
        let at = self.at(&v);
        v["update"] = self.update(at, status, &inc.holders());
        self.outward(&mut v["update"], inc.roles.get("communications_owner"));
        v
    }

    /// Now and then makes `update` one for outside the company (`public` or
    /// a notice to `customers`), posted by `comms`, the communications owner
    /// after the command: only that person may speak outward.
    pub(crate) fn outward(&mut self, update: &mut Value, comms: Option<&String>) {
        if let Some(comms) = comms.filter(|_| self.rng.chance(12)) {
            update["owner"] = comms.clone().into();
            update["audience"] = (*self.rng.pick(&["public", "customers"])).into();
        }
    }

    pub(crate) fn flags_within(&mut self, sev: u8) -> Vec<&'static str> {
        let mut flags: Vec<&'static str> = FLAGS
            .iter()
            .filter(|(_, f)| *f >= sev)
            .filter(|_| self.rng.chance(25))
            .map(|(n, _)| *n)
            .collect();
        let exact: Vec<&'static str> = FLAGS
            .iter()
            .filter(|(_, f)| *f == sev)
            .map(|(n, _)| *n)
            .collect();
        if !exact.is_empty() && self.rng.chance(70) {
            let f = *self.rng.pick(&exact);
            if !flags.contains(&f) {
                flags.push(f);
            }
        }
        flags
    }

    pub(crate) fn impact(&mut self, sev: u8, declared_at: Time) -> Value {
        let deps: Vec<String> = self.deps.iter().map(|(n, _)| n.clone()).collect();
        let start = declared_at - secs(self.rng.range(0, 3_600));
        let mut i = json!({
            "environment": self.rng.pick(&["production", "staging", "eu-west production"]).to_string(),
            "users": self.short(),
            "feature": self.rng.pick(&["Document upload", "Search", "Sharing", "Login"]).to_string(),
            "started_at": self.stamp(start),
            "flags": self.flags_within(sev),
        });
        if self.rng.chance(85) {
            i["user_impact_active"] = self.rng.chance(80).into();
        }
        if self.rng.chance(80) {
            i["surfaces"] = self.rng.subset(&SURFACES, 40).into();
        }
        if self.rng.chance(80) {
            i["affected_endpoints"] = self.rng.subset(&ENDPOINTS, 30).into();
        }
        if self.rng.chance(60) {
            i["affected_dependencies"] = self.rng.subset(&deps, 20).into();
        }
        i
    }

    pub(crate) fn declare(&mut self) -> Value {
        let sev = self.rng.range(1, 4) as u8;
        self.declare_at(sev)
    }

    pub(crate) fn declare_at(&mut self, sev: u8) -> Value {
        let mut v = self.envelope("declare");
        let at = self.at(&v);
        v["title"] = self.short().into();
        v["severity"] = sev_name(sev).into();
        v["impact"] = self.impact(sev, at);
        if self.rng.chance(8) {
            // Not known yet (a breach found weeks later): learned later.
            v["impact"]["started_at"] = if self.rng.chance(50) {
                Value::Null
            } else {
                self.blank()
            };
            if let Some(m) = v["impact"].as_object_mut().filter(|_| self.rng.chance(50)) {
                m.remove("started_at");
            }
        }
        let mut people: Vec<String> = PEOPLE.iter().map(|p| p.to_string()).collect();
        for i in (1..people.len()).rev() {
            let j = self.rng.below(i + 1);
            people.swap(i, j);
        }
        let mut roles = Map::new();
        roles.insert("commander".into(), people[0].clone().into());
        if sev == 1 {
            roles.insert("scribe".into(), people[1].clone().into());
            roles.insert("engineering_lead".into(), people[2].clone().into());
            roles.insert("communications_owner".into(), people[2].clone().into());
            if self.rng.chance(60) {
                roles.insert("technical_lead".into(), people[3].clone().into());
            }
        } else {
            for role in &ROLES[1..] {
                if self.rng.chance(35) {
                    // Small incidents may give one person several roles.
                    let who = if self.rng.chance(30) {
                        0
                    } else {
                        self.rng.below(5)
                    };
                    roles.insert(role.to_string(), people[who].clone().into());
                }
            }
        }
        let holders: Vec<String> = roles
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let comms = roles
            .get("communications_owner")
            .and_then(Value::as_str)
            .map(str::to_owned);
        v["roles"] = Value::Object(roles);
        v["update"] = self.update(at, "investigating", &holders);
        self.outward(&mut v["update"], comms.as_ref());
        self.expecting(v, None)
    }

    pub(crate) fn post_update(&mut self, inc: &View) -> Value {
        let v = self.envelope("post_update");
        self.with_update(v, inc, inc.phase.status())
    }

    /// `record_progress`: a share done, sometimes with a note and an
    /// expected completion (after `at`).
    pub(crate) fn record_progress(&mut self) -> Value {
        let mut v = self.envelope("record_progress");
        v["percent"] = if self.rng.chance(20) {
            json!(self.rng.range(0, 1000) as f64 / 10.0)
        } else {
            json!(self.rng.range(0, 100))
        };
        if self.rng.chance(50) {
            v["note"] = self.short().into();
        }
        if self.rng.chance(30) {
            let minutes = self.rng.range(1, 3000);
            // The envelope's `at` is always a time this writer wrote.
            if let Some(at) = time_at(&v["at"]) {
                v["expected_completion"] = json!(
                    (at + chrono::Duration::minutes(minutes))
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                );
            }
        }
        v
    }

    /// `correct_impact`: a new impact, as `update_impact` sends it, and why.
    pub(crate) fn correct_impact(&mut self, inc: &View) -> Value {
        let mut v = self.update_impact(inc);
        v["type"] = "correct_impact".into();
        v["reason"] = self.short().into();
        v
    }

    /// `link_incident`: another incident.
    pub(crate) fn link(&mut self) -> Value {
        let mut v = self.envelope("link_incident");
        v["incident"] = json!("0b5e3a4c-2d1f-4e6a-9b8c-7d6e5f4a3b2c");
        let relations = [
            "caused_by",
            "causes",
            "follow_on_of",
            "duplicate_of",
            "related_to",
        ];
        v["relation"] = (*self.rng.pick(&relations)).into();
        if self.rng.chance(50) {
            v["note"] = self.short().into();
        }
        v
    }

    /// `record_fix`: a fix deployed, its outcome sometimes known.
    pub(crate) fn fix(&mut self) -> Value {
        let mut v = self.envelope("record_fix");
        v["description"] = self.short().into();
        if self.rng.chance(60) {
            let outcomes = ["helped", "no_effect", "made_worse"];
            v["outcome"] = (*self.rng.pick(&outcomes)).into();
        }
        v
    }

    pub(crate) fn note(&mut self) -> Value {
        let mut v = self.envelope("add_note");
        v["text"] = self.long().into();
        // What was seen a while before it was written down.
        self.occurred_earlier(&mut v, 20, 3_600);
        v
    }

    /// Now and then (`percent`), the true time of `v`: up to `within`
    /// seconds before its `at`.
    fn occurred_earlier(&mut self, v: &mut Value, percent: u64, within: i64) {
        if self.rng.chance(percent) {
            let t = self.at(v) - secs(self.rng.range(0, within));
            v["occurred_at"] = self.stamp(t);
        }
    }

    pub(crate) fn check(&mut self, inc: &View) -> Value {
        let missing: Vec<&str> = CHECKS
            .iter()
            .copied()
            .filter(|c| !inc.checks.contains(*c))
            .collect();
        let check = if !missing.is_empty() && self.rng.chance(70) {
            *self.rng.pick(&missing)
        } else {
            *self.rng.pick(&CHECKS)
        };
        let mut v = self.envelope("record_check");
        v["check"] = check.into();
        let seen = self.short();
        // A finding already at the length limit has no room for the prefix.
        v["finding"] = if seen.chars().count() >= SHORT {
            seen
        } else {
            format!("{} looked at: {seen}", check.replace('_', " "))
        }
        .into();
        v
    }

    pub(crate) fn root_cause(&mut self) -> Value {
        let mut v = self.envelope("record_root_cause");
        v["text"] = self.long().into();
        // A cause comes first: a change the day before.
        self.occurred_earlier(&mut v, 30, 86_400);
        v
    }

    /// The roles a move to `target` needs, named in the same command.
    pub(crate) fn roles_for(&mut self, inc: &View, target: u8) -> Map<String, Value> {
        let mut given = Map::new();
        let commander = inc.roles.get("commander").cloned().unwrap_or_default();
        if target == 1 {
            let scribe = inc.roles.get("scribe");
            if scribe.is_none_or(|s| *s == commander) {
                let others: Vec<&str> =
                    PEOPLE.iter().copied().filter(|p| *p != commander).collect();
                given.insert("scribe".into(), self.rng.pick(&others).to_string().into());
            }
            let lead = inc.roles.get("engineering_lead");
            let comms = inc.roles.get("communications_owner");
            match (lead, comms) {
                (Some(l), Some(c)) if l == c => {}
                (Some(l), _) => {
                    given.insert("communications_owner".into(), l.clone().into());
                }
                (None, _) => {
                    let who = comms.cloned().unwrap_or_else(|| self.person());
                    given.insert("engineering_lead".into(), who.clone().into());
                    given.insert("communications_owner".into(), who.into());
                }
            }
        } else if self.rng.chance(30) {
            let role = *self.rng.pick(&["technical_lead", "commander"]);
            given.insert(role.into(), self.person().into());
        }
        given
    }

    pub(crate) fn change_severity(&mut self, inc: &View) -> Value {
        let others: Vec<u8> = (1..=4).filter(|s| *s != inc.severity).collect();
        let target = *self.rng.pick(&others);
        self.change_severity_to(inc, target)
    }

    pub(crate) fn change_severity_to(&mut self, inc: &View, target: u8) -> Value {
        let mut v = self.envelope("change_severity");
        v["severity"] = sev_name(target).into();
        v["reason"] = self.short().into();
        let given = self.roles_for(inc, target);
        let mut holders = inc.roles.clone();
        for (k, p) in &given {
            holders.insert(k.clone(), p.as_str().unwrap_or_default().to_owned());
        }
        if !given.is_empty() || self.rng.chance(10) {
            v["roles"] = Value::Object(given);
        }
        if target > inc.impact.floor() || self.rng.chance(25) {
            // Fewer flags, or others, fitting the new level.
            let mut impact = inc.impact.to_json();
            impact["environment"] = "production".into();
            impact["users"] = self.short().into();
            impact["feature"] = "Document upload".into();
            impact["flags"] = self.flags_within(target).into();
            v["impact"] = impact;
        }
        let mut holders: Vec<String> = holders.into_values().collect();
        holders.sort();
        let at = self.at(&v);
        v["update"] = self.update(at, inc.phase.status(), &holders);
        v
    }

    /// A role and a person that keep the role rules at the current severity.
    pub(crate) fn assign(&mut self, inc: &View) -> Value {
        let role = *self.rng.pick(&ROLES);
        let get = |r: &str| inc.roles.get(r).cloned();
        let person = if inc.severity == 1 {
            match role {
                "engineering_lead" => get("communications_owner"),
                "communications_owner" => get("engineering_lead"),
                "scribe" | "commander" => {
                    let other = get(if role == "scribe" {
                        "commander"
                    } else {
                        "scribe"
                    });
                    let choices: Vec<&str> = PEOPLE
                        .iter()
                        .copied()
                        .filter(|p| Some(p.to_string()) != other)
                        .collect();
                    Some(self.rng.pick(&choices).to_string())
                }
                _ => None,
            }
        } else {
            None
        };
        let person = person.unwrap_or_else(|| self.person());
        let mut v = self.envelope("assign_role");
        v["role"] = role.into();
        v["person"] = person.into();
        v
    }

    pub(crate) fn unassign(&mut self, inc: &View) -> Option<Value> {
        let demanded: &[&str] = if inc.severity == 1 {
            &[
                "commander",
                "scribe",
                "engineering_lead",
                "communications_owner",
            ]
        } else {
            &["commander"]
        };
        let free: Vec<&String> = inc
            .roles
            .keys()
            .filter(|r| !demanded.contains(&r.as_str()))
            .collect();
        if free.is_empty() {
            return None;
        }
        let role = self.rng.pick(&free).to_string();
        let mut v = self.envelope("unassign_role");
        v["role"] = role.into();
        Some(v)
    }

    pub(crate) fn update_impact(&mut self, inc: &View) -> Value {
        let mut v = self.envelope("update_impact");
        let mut impact = self.impact(inc.severity, inc.declared_at);
        if self.rng.chance(50) {
            // Mostly the same impact, users no longer (or again) affected.
            impact["flags"] = inc.impact.flags.clone().into();
            impact["user_impact_active"] = (!inc.impact.active).into();
        }
        if self.rare(3) {
            // A list exactly at its limit.
            impact["surfaces"] = json!(vec!["api"; LIST]);
        }
        let at = self.at(&v);
        let start = self.learned_start(inc, at, &mut impact);
        if impact["user_impact_active"] == false && self.rng.chance(40) {
            // When users stopped being hit: between the start and now.
            let from = start.unwrap_or(at - secs(3_600)).min(at);
            let span = (at - from).num_seconds().max(0);
            let ended = from + secs(self.rng.range(0, span + 1));
            impact["ended_at"] = self.stamp(ended);
        }
        v["impact"] = impact;
        v
    }

    /// The start `impact` gives, learned now where it was unknown (and now
    /// and then after the declaration: users hit hours after the first
    /// sign), no later than `at`.
    fn learned_start(&mut self, inc: &View, at: Time, impact: &mut Value) -> Option<Time> {
        if inc.impact.started_at.is_none() || self.rng.chance(25) {
            let span = (at - inc.declared_at).num_seconds();
            if span >= 0 && self.rng.chance(80) {
                let t = inc.declared_at + secs(self.rng.range(0, span + 1));
                impact["started_at"] = self.stamp(t);
            }
        }
        time_at(&impact["started_at"])
    }

    pub(crate) fn mitigation(&mut self, kind: &str) -> Value {
        match kind {
            "rollback_image" => {
                let from = self.rng.below(TAGS.len());
                let to = (from + 1 + self.rng.below(TAGS.len() - 1)) % TAGS.len();
                json!({"kind": kind, "from_tag": TAGS[from], "to_tag": TAGS[to]})
            }
            "disable_dependency" if self.deps.iter().any(|(_, o)| *o) => {
                let optional: Vec<String> = self
                    .deps
                    .iter()
                    .filter(|(_, o)| *o)
                    .map(|(n, _)| n.clone())
                    .collect();
                json!({"kind": kind, "dependency": self.rng.pick(&optional)})
            }
            "revert_config" => json!({"kind": kind, "change": "Restore UPLOAD_CHUNK_SIZE=8MiB"}),
            "pause_rollout" => json!({"kind": kind, "rollout": "web 2026.05.04 canary"}),
            "block_endpoint" => {
                let avail = self.rng.below(3);
                let sec = avail + 1 + self.rng.below(3 - avail);
                json!({"kind": kind, "endpoint": self.rng.pick(&ENDPOINTS),
                       "security_risk": RISKS[sec], "availability_impact": RISKS[avail]})
            }
            _ => json!({"kind": "other", "description": self.short()}),
        }
    }

    pub(crate) fn start_mitigation(&mut self, inc: &View) -> Value {
        let kind = *self.rng.pick(&[
            "rollback_image",
            "disable_dependency",
            "revert_config",
            "pause_rollout",
            "block_endpoint",
            "block_endpoint",
            "other",
        ]);
        let mut v = self.envelope("start_mitigation");
        v["mitigation"] = self.mitigation(kind);
        if self.rng.chance(10) {
            // Stops it spreading without relieving users (deploys paused).
            v["purpose"] = "contain".into();
        } else if self.rng.chance(5) {
            v["purpose"] = "relieve".into();
        }
        if kind != "block_endpoint" && self.rng.chance(10) {
            // Undone before closing, whatever its kind.
            v["temporary"] = true.into();
        }
        // Done first, written down a few minutes later.
        self.occurred_earlier(&mut v, 20, 600);
        self.with_update(v, inc, "mitigating")
    }

    pub(crate) fn begin_monitoring(&mut self, inc: &View) -> Value {
        let v = self.envelope("begin_monitoring");
        self.with_update(v, inc, "monitoring")
    }

    pub(crate) fn resume(&mut self, inc: &View) -> Value {
        let mut v = self.envelope("resume_investigation");
        v["reason"] = "The error rate climbed again".into();
        self.with_update(v, inc, "investigating")
    }

    pub(crate) fn lift(&mut self, inc: &View) -> Option<Value> {
        if inc.blocked.is_empty() {
            return None;
        }
        let mut v = self.envelope("lift_block");
        v["endpoint"] = self.rng.pick(&inc.blocked).clone().into();
        Some(v)
    }

    /// `end_mitigation` of the first temporary measure in effect, if any.
    pub(crate) fn end_temporary(&mut self, inc: &View) -> Option<Value> {
        let n = inc
            .lives
            .iter()
            .position(|(temporary, _, end)| *temporary && end.is_none())?;
        Some(self.end_mitigation(inc, n))
    }

    /// `end_mitigation` of any mitigation still in effect, if any.
    pub(crate) fn end_any(&mut self, inc: &View) -> Option<Value> {
        let n = self.pick_mitigation(inc, false)?;
        Some(self.end_mitigation(inc, n))
    }

    /// One of the mitigations (from 0) that have `ended`, or that are still
    /// in effect; `None` when there is none.
    pub(crate) fn pick_mitigation(&mut self, inc: &View, ended: bool) -> Option<usize> {
        let some: Vec<usize> = (0..inc.lives.len())
            .filter(|&i| inc.lives[i].2.is_some() == ended)
            .collect();
        (!some.is_empty()).then(|| *self.rng.pick(&some))
    }

    /// `end_mitigation` of mitigation `n` (from 0), now and then with a note
    /// and the time it really ended (after its true start).
    fn end_mitigation(&mut self, inc: &View, n: usize) -> Value {
        let mut v = self.envelope("end_mitigation");
        v["number"] = (n + 1).into();
        v["outcome"] = (*self.rng.pick(&OUTCOMES)).into();
        if self.rng.chance(30) {
            v["note"] = self.short().into();
        }
        let at = self.at(&v);
        if let Some(&started) = inc.started.get(n).filter(|_| self.rng.chance(30)) {
            let span = (at - started).num_seconds();
            if span >= 0 {
                let ended = started + secs(self.rng.range(0, span + 1));
                v["occurred_at"] = self.stamp(ended);
            }
        }
        v
    }

    /// `revise_outcome` of an ended mitigation, if any, with its reason.
    pub(crate) fn revise(&mut self, inc: &View) -> Option<Value> {
        let n = self.pick_mitigation(inc, true)?;
        let mut v = self.envelope("revise_outcome");
        v["number"] = (n + 1).into();
        v["outcome"] = (*self.rng.pick(&OUTCOMES)).into();
        v["reason"] = "Load tests showed the bigger machines ran out of memory".into();
        Some(v)
    }

    /// A verification that passes everything the impact demands, with
    /// harmless extras now and then.
    pub(crate) fn verification(&mut self, inc: &View) -> Value {
        let i = &inc.impact;
        let health: serde_json::Map<String, Value> = self
            .health
            .iter()
            .map(|h| (h.clone(), true.into()))
            .collect();
        let mut v = json!({ "health": health });
        let mut endpoints: Vec<Value> = i
            .endpoints
            .iter()
            .map(|e| json!({"path": e, "ok": true}))
            .collect();
        if self.rng.chance(20) {
            // A failing endpoint that is not affected does not count.
            let other: Vec<&str> = ENDPOINTS
                .iter()
                .copied()
                .filter(|e| !i.endpoints.iter().any(|x| x == e))
                .collect();
            if !other.is_empty() {
                endpoints.push(json!({"path": self.rng.pick(&other), "ok": false}));
            }
        }
        if !endpoints.is_empty() || self.rng.chance(30) {
            v["endpoints"] = endpoints.into();
        }
        if i.surfaces.iter().any(|s| s == "frontend") || self.rng.chance(20) {
            v["frontend"] = json!({"app_loaded": true, "login": true, "workflow": true});
        }
        if i.concerns_data() || self.rng.chance(20) {
            v["data"] = json!({"no_unauthorized_access": true, "no_failed_migration": true,
                               "no_duplicate_processing": true, "no_partial_delete": true});
        }
        let mut deps: Vec<Value> = i
            .deps
            .iter()
            .map(|d| json!({"name": d, "ok": true}))
            .collect();
        if self.rng.chance(20) {
            deps.push(json!({"name": "Vision", "ok": i.deps.iter().any(|d| d == "Vision")}));
        }
        if !deps.is_empty() {
            v["dependencies"] = deps.into();
        }
        v
    }

    pub(crate) fn resolve(&mut self, inc: &View) -> Value {
        let mut v = self.envelope("resolve");
        v["verification"] = self.verification(inc);
        self.excepting(&mut v, inc);
        self.with_update(v, inc, "resolved")
    }

    /// Now and then a check the impact demands that truthfully failed
    /// (a health endpoint, an affected endpoint or dependency, a frontend
    /// or data check), accepted by the commander as an exception.
    fn excepting(&mut self, v: &mut Value, inc: &View) {
        let Some(commander) = inc.roles.get("commander") else {
            return;
        };
        if !self.rng.chance(10) {
            return;
        }
        let demanded = self.demanded(inc);
        if demanded.is_empty() {
            return;
        }
        let (section, key) = self.rng.pick(&demanded).clone();
        fail(&mut v["verification"][section], &key);
        let reasons = [
            "The status page probe is down for maintenance; checked by hand",
            "Fails the same way before the incident; tracked separately",
        ];
        v["exceptions"] = json!([{
            "check": format!("{section}.{key}"),
            "accepted_by": commander,
            "reason": *self.rng.pick(&reasons),
        }]);
    }

    /// Every check a `resolve` of `inc` must carry, as (section, key).
    fn demanded(&self, inc: &View) -> Vec<(&'static str, String)> {
        let i = &inc.impact;
        let mut demanded: Vec<(&'static str, String)> =
            self.health.iter().map(|h| ("health", h.clone())).collect();
        demanded.extend(i.endpoints.iter().map(|e| ("endpoints", e.clone())));
        demanded.extend(i.deps.iter().map(|d| ("dependencies", d.clone())));
        if i.surfaces.iter().any(|s| s == "frontend") {
            let keys = ["app_loaded", "login", "workflow"];
            demanded.extend(keys.map(|k| ("frontend", k.to_owned())));
        }
        if i.concerns_data() {
            let keys = [
                "no_unauthorized_access",
                "no_failed_migration",
                "no_duplicate_processing",
                "no_partial_delete",
            ];
            demanded.extend(keys.map(|k| ("data", k.to_owned())));
        }
        demanded
    }

    pub(crate) fn reopen(&mut self, inc: &View) -> Value {
        let mut v = self.envelope("reopen");
        v["reason"] = "Uploads failing again".into();
        self.with_update(v, inc, "investigating")
    }

    pub(crate) fn postmortem(&mut self, inc: &View, status: &str) -> Value {
        let declared = inc.declared_at;
        let due = |days: i64| {
            (declared + secs(days * 86_400))
                .format("%Y-%m-%d")
                .to_string()
        };
        let mut pm = json!({
            "title": self.short(),
            "severity": sev_name(inc.peak),
            "status": status,
        });
        let complete = status == "published" || self.rng.chance(50);
        if complete || self.rng.chance(50) {
            pm["date"] = due(self.rng.range(0, 3)).into();
        }
        if complete || self.rng.chance(50) {
            pm["owners"] = json!([inc
                .roles
                .get("commander")
                .cloned()
                .unwrap_or_else(|| "Ada".into())]);
        }
        for section in PM_SECTIONS {
            if complete || self.rng.chance(50) {
                pm[section] = self.long().into();
            }
        }
        if complete || self.rng.chance(50) {
            // Before the declaration: no entry after the postmortem's date.
            let mut t = inc.declared_at - secs(self.rng.range(3_600, 7_200));
            let n = self.rng.range(1, 4);
            let mut timeline = Vec::new();
            for _ in 0..n {
                let at = self.stamp(t);
                timeline.push(json!({"at": at, "event": self.short()}));
                t += secs(self.rng.range(0, 1_800));
            }
            pm["timeline"] = timeline.into();
        }
        let guardrail = self.rng.chance(40);
        let n = self.rng.range(0, 3);
        let mut items = Vec::new();
        for k in 0..n {
            let mut item = json!({"action": "Add upload smoke test to deploy gate",
                                  "owner": self.person(), "due": due(self.rng.range(0, 30))});
            if self.rng.chance(40) {
                item["status"] = self
                    .rng
                    .pick(&["open", "in_progress", "done"])
                    .to_string()
                    .into();
            }
            if (guardrail && k == 0) || self.rng.chance(20) {
                item["guardrail"] = self.rng.pick(&GUARDRAILS).to_string().into();
            }
            items.push(item);
        }
        if !items.is_empty() || self.rng.chance(50) {
            pm["action_items"] = items.clone().into();
        }
        if self.rng.chance(60) {
            pm["missing_guardrail"] = (guardrail && !items.is_empty()).into();
        }
        let mut v = self.envelope("submit_postmortem");
        v["postmortem"] = pm;
        v
    }

    pub(crate) fn close(&mut self) -> Value {
        self.envelope("close")
    }

    pub(crate) fn ready_to_resolve(inc: &View) -> bool {
        inc.peak > 2 || (inc.checks.len() == CHECKS.len() && inc.notes > 0)
    }

    pub(crate) fn may_resolve(inc: &View) -> bool {
        inc.phase == Phase::Monitoring || (inc.phase.is_open() && !inc.impact.active)
    }

    /// Whether the postmortem is what closing needs.
    pub(crate) fn postmortem_done(inc: &View) -> bool {
        match &inc.postmortem {
            None => inc.peak > 2,
            Some((status, sev)) => *sev == inc.peak && (inc.peak > 2 || status == "published"),
        }
    }

    /// The next step towards closing.
    pub(crate) fn progress(&mut self, inc: &View) -> Value {
        let v = match inc.phase {
            Phase::Resolved => {
                if !inc.blocked.is_empty() {
                    match self.lift(inc) {
                        Some(v) => v,
                        None => self.note(),
                    }
                } else if !Self::postmortem_done(inc) {
                    self.postmortem(inc, "published")
                } else if let Some(v) = self.end_temporary(inc) {
                    v
                } else if self.rng.chance(90) {
                    self.close()
                } else {
                    self.reopen(inc)
                }
            }
            Phase::Closed => self.post_update(inc),
            _ => {
                let duties = inc.peak <= 2;
                if inc.impact.started_at.is_none() && self.rng.chance(30) {
                    // Confirming the impact includes its start, once learned.
                    self.update_impact(inc)
                } else if duties && inc.checks.len() < CHECKS.len() && self.rng.chance(60) {
                    self.check(inc)
                } else if duties && inc.notes == 0 && self.rng.chance(60) {
                    self.note()
                } else if Self::may_resolve(inc) && Self::ready_to_resolve(inc) {
                    self.resolve(inc)
                } else if inc.phase == Phase::Mitigating {
                    self.begin_monitoring(inc)
                } else if inc.phase == Phase::Investigating {
                    self.start_mitigation(inc)
                } else if duties && inc.checks.len() < CHECKS.len() {
                    self.check(inc)
                } else {
                    self.note()
                }
            }
        };
        self.expecting(v, Some(inc))
    }

    /// Any command the incident allows now, valid.
    pub(crate) fn wander(&mut self, inc: &View) -> Value {
        let open = inc.phase.is_open();
        let mut choices: Vec<&str> = vec![
            "post_update",
            "assign_role",
            "add_note",
            "correct_impact",
            "link_incident",
            "record_fix",
        ];
        if inc.phase != Phase::Closed {
            choices.push("record_progress");
        }
        if open {
            choices.extend([
                "change_severity",
                "update_impact",
                "record_check",
                "start_mitigation",
            ]);
        }
        if !inc.roles.keys().all(|r| r == "commander") {
            choices.push("unassign_role");
        }
        if !inc.impact.active || inc.mitigations > 0 {
            choices.push("record_root_cause");
        }
        if inc.phase == Phase::Mitigating {
            choices.push("begin_monitoring");
        }
        if matches!(inc.phase, Phase::Mitigating | Phase::Monitoring) {
            choices.push("resume_investigation");
        }
        if !inc.blocked.is_empty() {
            choices.push("lift_block");
        }
        if inc.lives.iter().any(|(_, _, end)| end.is_none()) {
            choices.push("end_mitigation");
        }
        if inc.lives.iter().any(|(_, _, end)| end.is_some()) {
            choices.push("revise_outcome");
        }
        if Self::may_resolve(inc) && Self::ready_to_resolve(inc) {
            choices.push("resolve");
        }
        if inc.phase == Phase::Resolved {
            choices.extend(["reopen", "submit_postmortem"]);
            if inc.closing_rules().is_empty() {
                choices.push("close");
            }
        }
        let kind = *self.rng.pick(&choices);
        let v = self.build(kind, inc).unwrap_or_else(|| self.note());
        self.expecting(v, Some(inc))
    }

    /// A command of type `kind` with a body that suits the incident.
    pub(crate) fn build(&mut self, kind: &str, inc: &View) -> Option<Value> {
        Some(match kind {
            "declare" => self.declare(),
            "post_update" => self.post_update(inc),
            "change_severity" => self.change_severity(inc),
            "assign_role" => self.assign(inc),
            "unassign_role" => self.unassign(inc)?,
            "update_impact" => self.update_impact(inc),
            "record_check" => self.check(inc),
            "add_note" => self.note(),
            "record_root_cause" => self.root_cause(),
            "start_mitigation" => self.start_mitigation(inc),
            "begin_monitoring" => self.begin_monitoring(inc),
            "resume_investigation" => self.resume(inc),
            "lift_block" => self.lift(inc)?,
            "resolve" => self.resolve(inc),
            "reopen" => self.reopen(inc),
            "submit_postmortem" => {
                let status = *self.rng.pick(&["draft", "in_review", "published"]);
                self.postmortem(inc, status)
            }
            "close" => self.close(),
            "record_progress" => self.record_progress(),
            "correct_impact" => self.correct_impact(inc),
            "link_incident" => self.link(),
            "record_fix" => self.fix(),
            "end_mitigation" => self.end_any(inc)?,
            "revise_outcome" => self.revise(inc)?,
            _ => return None,
        })
    }

    /// Any command type, the body built for the state, the phase ignored.
    pub(crate) fn anything(&mut self, inc: Option<&View>) -> Value {
        let Some(inc) = inc else {
            return self.declare();
        };
        loop {
            let kind = *self.rng.pick(&COMMAND_TYPES);
            if kind == "declare" && self.rng.chance(70) {
                continue;
            }
            if let Some(v) = self.build(kind, inc) {
                return self.expecting(v, Some(inc));
            }
        }
    }

    pub(crate) fn fallback(&mut self, inc: Option<&View>) -> Value {
        match inc {
            None => self.declare(),
            Some(inc) => self.progress(inc),
        }
    }

    /// The same command again, maybe written differently: explicit `null`s
    /// for what it left out, upper-case UUIDs, `at` in another offset.
    pub fn reform(&mut self, mut v: Value, form: u8) -> Value {
        match form % 6 {
            1 if v.get("expected_version").is_none() => v["expected_version"] = Value::Null,
            2 => {
                for key in ["incident_id", "command_id"] {
                    let upper = v[key].as_str().unwrap_or_default().to_ascii_uppercase();
                    v[key] = upper.into();
                }
            }
            3 => {
                if let Some(t) = time_at(&v["at"]) {
                    let offset = *self.rng.pick(&[120, -330, 60 * 14, -60 * 12]);
                    v["at"] = ts_with_offset(t, offset).into();
                }
            }
            _ => {}
        }
        v
    }

    /// Writes `null` for some of the fields the command leaves out: on the
    /// wire, `null` on an optional field means absent.
    pub fn nullify(&mut self, v: &mut Value) {
        let kind = v["type"].as_str().unwrap_or_default().to_owned();
        self.nulls("", v, &kind);
    }

    fn nulls(&mut self, key: &str, v: &mut Value, kind: &str) {
        match v {
            Value::Object(m) => {
                for field in fields_of(key, m, kind) {
                    if !m.contains_key(field) && self.rng.chance(30) {
                        m.insert(field.to_owned(), Value::Null);
                    }
                }
                for (k, x) in m.iter_mut() {
                    self.nulls(k, x, kind);
                }
            }
            // The items of a list are objects of the list's kind.
            Value::Array(items) => {
                for x in items {
                    self.nulls(key, x, kind);
                }
            }
            _ => {}
        }
    }
}

/// The fields of each kind of object on the wire (the contract), by the key that
/// holds it (`""`: the command itself).
fn fields_of(key: &str, m: &Map<String, Value>, kind: &str) -> Vec<&'static str> {
    let fields: &[&'static str] = match key {
        "" => {
            let mut all = vec!["expected_version"];
            all.extend(body_fields(kind));
            return all;
        }
        "update" => &["status", "impact", "action", "next_update", "owner"],
        "impact" => &[
            "environment",
            "users",
            "feature",
            "started_at",
            "user_impact_active",
            "ended_at",
            "flags",
            "surfaces",
            "affected_endpoints",
            "affected_dependencies",
        ],
        "roles" => &ROLES,
        "verification" => &["health", "endpoints", "frontend", "data", "dependencies"],
        // A playbook names its own health endpoints.
        "health" => &[],
        "frontend" => &FRONTEND,
        "data" => &DATA_CHECKS,
        "endpoints" => &["path", "ok"],
        "dependencies" => &["name", "ok"],
        "mitigation" => match m.get("kind").and_then(Value::as_str) {
            Some("rollback_image") => &["from_tag", "to_tag"],
            Some("disable_dependency") => &["dependency"],
            Some("revert_config") => &["change"],
            Some("pause_rollout") => &["rollout"],
            Some("block_endpoint") => &["endpoint"],
            _ => &["description"],
        },
        "postmortem" => &[
            "title",
            "date",
            "severity",
            "owners",
            "summary",
            "impact",
            "timeline",
            "root_cause",
            "what_worked",
            "what_did_not_work",
            "action_items",
            "missing_guardrail",
        ],
        "timeline" => &["event"],
        "action_items" => &["action", "owner", "due", "status", "guardrail"],
        _ => &[],
    };
    fields.to_vec()
}

/// Marks check `key` of a verification `section` failed: a key of an
/// object (`health`, `frontend`, `data`), or the entry of a list
/// (`endpoints` by `path`, `dependencies` by `name`).
fn fail(section: &mut Value, key: &str) {
    if let Some(list) = section.as_array_mut() {
        for entry in list {
            if entry["path"] == key || entry["name"] == key {
                entry["ok"] = false.into();
            }
        }
    } else {
        section[key] = false.into();
    }
}
