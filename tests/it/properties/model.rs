//! A small reference model of incidents, written from the contract (`docs/contract.md`)
//! alone: it reads commands as plain JSON, keeps only what the rules need
//! (phase, severity, peak, version, roles, flags, user impact, blocked
//! endpoints, check and note counts, the postmortem's status) and predicts
//! for every command the crate is sent whether it is applied, a duplicate,
//! or rejected, and under which rule ids.
//!
//! Where the contract leaves a choice open the model says which reading it takes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde_json::Value;

use super::support::*;

pub type Rules = BTreeSet<&'static str>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Applied,
    Duplicate,
    Rejected(Rules),
}

impl Verdict {
    pub fn rejected(rule: &'static str) -> Verdict {
        Verdict::Rejected(std::iter::once(rule).collect())
    }
}

/// The impact as the rules use it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactM {
    pub flags: Vec<String>,
    pub surfaces: Vec<String>,
    pub endpoints: Vec<String>,
    pub deps: Vec<String>,
    pub active: bool,
    /// `None` while not known.
    pub started_at: Option<Time>,
}

impl ImpactM {
    pub fn concerns_data(&self) -> bool {
        self.surfaces.iter().any(|s| s == "data")
            || self.flags.iter().any(|f| DATA_FLAGS.contains(&f.as_str()))
    }

    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "flags": self.flags, "surfaces": self.surfaces,
            "affected_endpoints": self.endpoints, "affected_dependencies": self.deps,
            "user_impact_active": self.active, "started_at": self.started_at.map(ts),
        })
    }
}

/// What the model knows of one declared incident.
#[derive(Debug, Clone)]
pub struct Inc {
    pub id: String,
    pub version: u64,
    pub phase: Phase,
    pub severity: u8,
    pub peak: u8,
    pub declared_at: Time,
    pub last_at: Time,
    pub roles: BTreeMap<String, String>,
    pub impact: ImpactM,
    pub blocked: Vec<String>,
    pub checks: BTreeSet<String>,
    pub check_count: usize,
    pub notes: usize,
    pub mitigations: usize,
    /// Each mitigation, numbered from 1: whether it is a temporary measure
    /// other than a block, the endpoint it blocks, and its outcome once ended.
    pub lives: Vec<(bool, Option<String>, Option<String>)>,
    /// When each mitigation truly started (its `occurred_at`, else its `at`).
    pub started: Vec<Time>,
    pub updates: usize,
    pub root_cause: bool,
    /// (status, severity) of the postmortem, once submitted.
    pub postmortem: Option<(String, u8)>,
    /// Every accepted command, normalised, by `command_id`.
    pub accepted: HashMap<String, Value>,
}

/// Every incident the model knows, in the order they were declared.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub incidents: Vec<Inc>,
    index: HashMap<String, usize>,
}

/// The wire's "same command": `null` is absent, UUIDs are case-blind hex,
/// and a timestamp is an instant whatever offset it was written with.
pub fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, x) in m {
                if x.is_null() {
                    continue;
                }
                let x = match (k.as_str(), x) {
                    ("incident_id" | "command_id", Value::String(s)) => {
                        Value::String(s.to_ascii_lowercase())
                    }
                    ("expected_version", n) => whole(n).map_or_else(|| n.clone(), Value::from),
                    ("at" | "started_at" | "next_update" | "date" | "due", Value::String(s))
                        if is_blank(s) =>
                    {
                        continue;
                    }
                    ("at" | "started_at" | "next_update", Value::String(s)) => match parse_ts(s) {
                        Some(t) => Value::String(ts(t)),
                        None => x.clone(),
                    },
                    _ => normalize(x),
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn push_text(r: &mut Rules, t: &Text, empty_rule: &'static str) {
    match t {
        Text::Empty => {
            r.insert(empty_rule);
        }
        Text::TooLong => {
            r.insert("field-too-long");
        }
        Text::Ok(_) => {}
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    list(v, key)
        .iter()
        .filter_map(|x| x.as_str().map(str::to_owned))
        .collect()
}

/// The rule that demands a holder for `role` at severity `sev`, if any.
fn demanding(role: &str, sev: u8) -> Option<&'static str> {
    match role {
        "commander" => Some("commander-required"),
        "scribe" if sev == 1 => Some("sev1-needs-scribe"),
        "engineering_lead" | "communications_owner" if sev == 1 => {
            Some("sev1-comms-by-engineering-lead")
        }
        _ => None,
    }
}

/// The role rules at severity `sev`; `blank` are roles the command gave
/// blank (reported under the rule that demands them, else `field-empty`).
/// A name over the limit is in `roles` as given: not missing, and compared
/// with the other holders (issue 10 §8).
fn role_rules(r: &mut Rules, roles: &BTreeMap<String, String>, sev: u8, blank: &[String]) {
    let missing = |role: &str| roles.get(role).is_none();
    let commander = roles.get("commander");
    if missing("commander") {
        r.insert("commander-required");
    }
    if sev == 1 {
        match roles.get("scribe") {
            None if missing("scribe") => {
                r.insert("sev1-needs-scribe");
            }
            Some(s) if Some(s) == commander => {
                r.insert("sev1-scribe-not-commander");
            }
            _ => {}
        }
        match (
            roles.get("engineering_lead"),
            roles.get("communications_owner"),
        ) {
            (None, _) if missing("engineering_lead") => {
                r.insert("sev1-comms-by-engineering-lead");
            }
            (Some(_), None) if missing("communications_owner") => {
                r.insert("sev1-comms-by-engineering-lead");
            }
            (Some(lead), Some(comms)) if lead != comms => {
                r.insert("sev1-comms-by-engineering-lead");
            }
            _ => {}
        }
    }
    if blank.iter().any(|b| demanding(b, sev).is_none()) {
        r.insert("field-empty");
    }
}

/// The roles a command gave blank.
#[derive(Default)]
struct Merged {
    blank: Vec<String>,
}

/// Takes the roles a command names into `roles`: a blank name empties the
/// role (and is listed), a name over the limit is refused but still judged.
fn merge_roles(
    r: &mut Rules,
    roles: &mut BTreeMap<String, String>,
    input: Option<&Value>,
) -> Merged {
    let mut merged = Merged::default();
    let Some(input) = input.filter(|v| !v.is_null()) else {
        return merged;
    };
    for role in ROLES {
        if absent(input.get(role)) {
            continue;
        }
        match text(input.get(role), NAME) {
            Text::Empty => {
                merged.blank.push(role.to_owned());
                roles.remove(role);
            }
            Text::TooLong => {
                r.insert("field-too-long");
                let given = input.get(role).and_then(Value::as_str).unwrap_or_default();
                roles.insert(role.to_owned(), given.to_owned());
            }
            Text::Ok(name) => {
                roles.insert(role.to_owned(), name);
            }
        }
    }
    merged
}

/// The rules about a comms update, given the phase after the command and
/// the roles after it.
fn update_rules(
    r: &mut Rules,
    u: Option<&Value>,
    at: Time,
    status_after: &str,
    roles: &BTreeMap<String, String>,
) {
    let Some(u) = u.filter(|v| !v.is_null()) else {
        r.insert("update-required");
        return;
    };
    if let Some(s) = field(u, "status").and_then(Value::as_str)
        && s != status_after
    {
        r.insert("update-status-mismatch");
    }
    push_text(r, &text(u.get("impact"), SHORT), "field-empty");
    push_text(r, &text(u.get("action"), SHORT), "field-empty");
    match str_of(u, "next_update").filter(|s| !is_blank(s)) {
        None if status_after != "resolved" => {
            r.insert("update-needs-next-update");
        }
        None => {}
        Some(s) if parse_ts(s).expect("a generated timestamp") <= at => {
            r.insert("next-update-not-after-update");
        }
        Some(_) => {}
    }
    push_text(r, &text(u.get("owner"), NAME), "field-empty");
    let Some(owner) = given(u.get("owner")) else {
        return;
    };
    if !roles.values().any(|holder| *holder == owner) {
        r.insert("update-owner-not-assigned");
    }
    // An update for outside the company is the communications owner's.
    let external = matches!(str_of(u, "audience"), Some("public" | "customers"));
    if external && roles.get("communications_owner") != Some(&owner) {
        r.insert("public-update-not-by-comms-owner");
    }
}

/// The rules an impact breaks on its own; the impact if it is usable.
fn impact_rules(r: &mut Rules, v: Option<&Value>) -> Option<ImpactM> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        r.insert("impact-incomplete");
        return None;
    };
    let mut own = Rules::new();
    for key in ["environment", "users", "feature"] {
        push_text(&mut own, &text(v.get(key), SHORT), "impact-incomplete");
    }
    // A missing or blank start is not known yet, which is no rule's.
    let started = str_of(v, "started_at").filter(|s| !is_blank(s));
    for key in [
        "flags",
        "surfaces",
        "affected_endpoints",
        "affected_dependencies",
    ] {
        if list(v, key).len() > LIST {
            own.insert("field-too-long");
        }
    }
    for e in list(v, "affected_endpoints") {
        push_text(&mut own, &text(Some(e), SHORT), "field-empty");
    }
    for d in list(v, "affected_dependencies") {
        push_text(&mut own, &text(Some(d), NAME), "field-empty");
        if given(Some(d)).is_some_and(|name| dependency(&name).is_none()) {
            r.insert("unknown-dependency");
        }
    }
    let active = field(v, "user_impact_active")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if let Some(ended) = str_of(v, "ended_at").and_then(parse_ts) {
        if active {
            r.insert("impact-ended-while-active");
        }
        if started.and_then(parse_ts).is_some_and(|s| ended < s) {
            r.insert("impact-ended-before-started");
        }
    }
    let usable = own.is_empty();
    r.extend(own);
    usable.then(|| ImpactM {
        flags: strings(v, "flags"),
        surfaces: strings(v, "surfaces"),
        endpoints: strings(v, "affected_endpoints"),
        deps: strings(v, "affected_dependencies"),
        active: field(v, "user_impact_active")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        started_at: started.map(|s| parse_ts(s).expect("a generated timestamp")),
    })
}

/// A short text that may be absent (or `null`) but, when given, is valid.
fn optional_text(r: &mut Rules, v: Option<&Value>) {
    if v.is_some_and(|v| !v.is_null()) {
        push_text(r, &text(v, SHORT), "field-empty");
    }
}

/// A command's own true time (`occurred_at` of a note, a root cause or a
/// mitigation's start) is no later than the command that records it.
fn occurred_after(r: &mut Rules, cmd: &Value, at: Time) {
    if str_of(cmd, "occurred_at")
        .and_then(parse_ts)
        .is_some_and(|t| t > at)
    {
        r.insert("occurred-after-recorded");
    }
}

/// The impact rules that depend on the command and the incident, checked
/// from the start and the flags as given: the contract wants every rule that
/// can be checked, and these can be whatever else the impact lacks. The
/// start is a true time: no later than the command (`at`) that records it.
fn impact_vs_incident(r: &mut Rules, impact: Option<&Value>, at: Time, sev: u8) {
    let Some(impact) = impact.filter(|v| !v.is_null()) else {
        return;
    };
    let started = str_of(impact, "started_at")
        .filter(|s| !is_blank(s))
        .and_then(parse_ts);
    let ended = str_of(impact, "ended_at").and_then(parse_ts);
    if started.is_some_and(|t| t > at) || ended.is_some_and(|t| t > at) {
        r.insert("occurred-after-recorded");
    }
    if sev > floor(list(impact, "flags").iter().filter_map(Value::as_str)) {
        r.insert("severity-below-floor");
    }
}

fn mitigation_rules(r: &mut Rules, m: &Value) {
    let short = |r: &mut Rules, key: &str| {
        let t = text(m.get(key), SHORT);
        push_text(r, &t, "field-empty");
        t
    };
    match str_of(m, "kind").expect("a generated mitigation kind") {
        "rollback_image" => {
            short(r, "from_tag");
            short(r, "to_tag");
            if let (Some(a), Some(b)) = (given(m.get("from_tag")), given(m.get("to_tag")))
                && a == b
            {
                r.insert("rollback-same-tag");
            }
        }
        "disable_dependency" => {
            push_text(r, &text(m.get("dependency"), NAME), "field-empty");
            match given(m.get("dependency")).map(|name| dependency(&name)) {
                Some(None) => {
                    r.insert("unknown-dependency");
                }
                Some(Some(false)) => {
                    r.insert("dependency-not-optional");
                }
                Some(Some(true)) | None => {}
            }
        }
        "revert_config" => {
            short(r, "change");
        }
        "pause_rollout" => {
            short(r, "rollout");
        }
        "other" => {
            short(r, "description");
        }
        "block_endpoint" => {
            short(r, "endpoint");
            let sec = risk_num(str_of(m, "security_risk").expect("a risk"));
            let avail = risk_num(str_of(m, "availability_impact").expect("a risk"));
            if sec <= avail {
                r.insert("block-endpoint-risk-not-higher");
            }
        }
        other => panic!("not a mitigation kind: {other}"),
    }
}

/// Whether the section `v` says `key` passed.
fn passes(v: Option<&Value>, key: &str) -> bool {
    v.and_then(|v| v.get(key))
        .is_some_and(|x| *x == Value::Bool(true))
}

/// Whether the entries of a list (endpoints by `path`, dependencies by
/// `name`) name `item`, every one that does as ok.
fn listed_ok(entries: &[Value], key: &str, item: &str) -> bool {
    let mine: Vec<&Value> = entries
        .iter()
        .filter(|e| str_of(e, key) == Some(item))
        .collect();
    !mine.is_empty() && mine.iter().all(|e| e["ok"] == Value::Bool(true))
}

/// Every check the verification demands for `impact`, as
/// (`SECTION.KEY`, passed): the names exceptions give.
fn demanded_checks(v: &Value, impact: &ImpactM) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for k in HEALTH {
        out.push((format!("health.{k}"), passes(field(v, "health"), k)));
    }
    for e in &impact.endpoints {
        let ok = listed_ok(list(v, "endpoints"), "path", e);
        out.push((format!("endpoints.{e}"), ok));
    }
    if impact.surfaces.iter().any(|s| s == "frontend") {
        for k in FRONTEND {
            out.push((format!("frontend.{k}"), passes(field(v, "frontend"), k)));
        }
    }
    if impact.concerns_data() {
        for k in DATA_CHECKS {
            out.push((format!("data.{k}"), passes(field(v, "data"), k)));
        }
    }
    for d in &impact.deps {
        let ok = listed_ok(list(v, "dependencies"), "name", d);
        out.push((format!("dependencies.{d}"), ok));
    }
    out
}

/// A `resolve`'s verification and exceptions: a failing check that an
/// exception names is judged through the exception alone.
fn verification_rules(
    r: &mut Rules,
    cmd: &Value,
    impact: &ImpactM,
    roles: &BTreeMap<String, String>,
) {
    let empty = Value::Object(Default::default());
    let v = field(cmd, "verification").unwrap_or(&empty);
    let exceptions = list(cmd, "exceptions");
    let excused: Vec<&str> = exceptions
        .iter()
        .filter_map(|e| str_of(e, "check"))
        .collect();
    let fails = |name: String, ok: bool| !ok && !excused.contains(&name.as_str());
    let health = field(v, "health");
    if HEALTH
        .iter()
        .any(|k| fails(format!("health.{k}"), passes(health, k)))
    {
        r.insert("verification-api-health");
    }
    if health
        .and_then(Value::as_object)
        .is_some_and(|m| m.keys().any(|k| !HEALTH.contains(&k.as_str())))
    {
        r.insert("unknown-health-endpoint");
    }
    let endpoints = list(v, "endpoints");
    if endpoints.len() > LIST {
        r.insert("field-too-long");
    }
    for e in endpoints {
        push_text(r, &text(e.get("path"), SHORT), "field-empty");
    }
    for affected in &impact.endpoints {
        let ok = listed_ok(endpoints, "path", affected);
        if fails(format!("endpoints.{affected}"), ok) {
            r.insert("verification-endpoints");
        }
    }
    let surface = |r: &mut Rules, wanted: bool, section: &str, keys: &[&str], rule| {
        let given = field(v, section);
        if wanted
            && keys
                .iter()
                .any(|k| fails(format!("{section}.{k}"), passes(given, k)))
        {
            r.insert(rule);
        }
    };
    let frontend = impact.surfaces.iter().any(|s| s == "frontend");
    surface(r, frontend, "frontend", &FRONTEND, "verification-frontend");
    surface(
        r,
        impact.concerns_data(),
        "data",
        &DATA_CHECKS,
        "verification-data",
    );
    let deps = list(v, "dependencies");
    if deps.len() > LIST {
        r.insert("field-too-long");
    }
    for d in deps {
        push_text(r, &text(d.get("name"), NAME), "field-empty");
        if given(d.get("name")).is_some_and(|name| dependency(&name).is_none()) {
            r.insert("unknown-dependency");
        }
    }
    for affected in &impact.deps {
        let ok = listed_ok(deps, "name", affected);
        if fails(format!("dependencies.{affected}"), ok) {
            r.insert("verification-dependencies");
        }
    }
    exception_rules(r, exceptions, &demanded_checks(v, impact), roles);
}

/// Each exception names a failing check the verification demands, and the
/// commander accepts it.
fn exception_rules(
    r: &mut Rules,
    exceptions: &[Value],
    checks: &[(String, bool)],
    roles: &BTreeMap<String, String>,
) {
    if exceptions.len() > LIST {
        r.insert("field-too-long");
        return;
    }
    for e in exceptions {
        push_text(r, &text(e.get("check"), SHORT), "field-empty");
        if let Some(name) = given(e.get("check")) {
            match checks.iter().find(|(n, _)| *n == name) {
                None => {
                    r.insert("exception-unknown-check");
                }
                Some((_, true)) => {
                    r.insert("exception-for-passing-check");
                }
                Some(_) => {}
            }
        }
        push_text(r, &text(e.get("accepted_by"), NAME), "field-empty");
        if let Some(by) = given(e.get("accepted_by"))
            && roles.get("commander") != Some(&by)
        {
            r.insert("exception-not-by-commander");
        }
        push_text(r, &text(e.get("reason"), SHORT), "field-empty");
    }
}

fn postmortem_rules(r: &mut Rules, pm: &Value, peak: u8, declared_on: NaiveDate) {
    let published = str_of(pm, "status") == Some("published");
    push_text(r, &text(pm.get("title"), SHORT), "field-empty");
    if published && str_of(pm, "date").is_none_or(is_blank) {
        r.insert("postmortem-incomplete");
    }
    match str_of(pm, "severity") {
        Some(s) if sev_num(s) == peak => {}
        _ => {
            r.insert("postmortem-severity-mismatch");
        }
    }
    let owners = list(pm, "owners");
    if owners.len() > LIST {
        r.insert("field-too-long");
    }
    for o in owners {
        push_text(r, &text(Some(o), NAME), "field-empty");
    }
    if published && owners.is_empty() {
        r.insert("postmortem-incomplete");
    }
    for section in PM_SECTIONS {
        if published {
            push_text(r, &text(pm.get(section), LONG), "postmortem-incomplete");
        } else if !absent(pm.get(section)) {
            // A draft may leave a section out or blank (issue 10 §7); one it
            // writes is a text like any other.
            match text(pm.get(section), LONG) {
                Text::Empty => {}
                other => push_text(r, &other, "field-empty"),
            }
        }
    }
    let timeline = list(pm, "timeline");
    if timeline.len() > LIST {
        r.insert("field-too-long");
    }
    if published && timeline.is_empty() {
        r.insert("postmortem-incomplete");
    }
    for (i, e) in timeline.iter().enumerate() {
        if i > 0 && time_at(&e["at"]) < time_at(&timeline[i - 1]["at"]) {
            r.insert("postmortem-timeline-unordered");
        }
        push_text(r, &text(e.get("event"), SHORT), "field-empty");
    }
    if let Some(date) = str_of(pm, "date").filter(|s| !is_blank(s)) {
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a generated date");
        if date < declared_on {
            r.insert("postmortem-dated-before-incident");
        }
        if timeline.len() <= LIST
            && timeline
                .iter()
                .any(|e| time_at(&e["at"]).is_some_and(|t| t.date_naive() > date))
        {
            r.insert("timeline-after-postmortem");
        }
    }
    let items = list(pm, "action_items");
    if items.len() > LIST {
        r.insert("field-too-long");
    }
    for a in items {
        push_text(r, &text(a.get("action"), SHORT), "action-item-incomplete");
        push_text(r, &text(a.get("owner"), NAME), "action-item-incomplete");
        match str_of(a, "due").filter(|s| !is_blank(s)) {
            None => {
                r.insert("action-item-incomplete");
            }
            Some(due) => {
                let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").expect("a generated date");
                if due < declared_on {
                    r.insert("action-item-due-before-incident");
                }
            }
        }
    }
    if field(pm, "missing_guardrail") == Some(&Value::Bool(true))
        && !items.iter().any(|a| !absent(a.get("guardrail")))
    {
        r.insert("guardrail-action-missing");
    }
}

struct Env<'a> {
    kind: &'a str,
    id: String,
    command_id: String,
    at: Time,
}

fn envelope(cmd: &Value) -> Env<'_> {
    Env {
        kind: str_of(cmd, "type").expect("a generated type"),
        id: str_of(cmd, "incident_id")
            .expect("an incident id")
            .to_ascii_lowercase(),
        command_id: str_of(cmd, "command_id")
            .expect("a command id")
            .to_ascii_lowercase(),
        at: time_at(&cmd["at"]).expect("a generated time"),
    }
}

fn verdict(r: Rules) -> Verdict {
    if r.is_empty() {
        Verdict::Applied
    } else {
        Verdict::Rejected(r)
    }
}

impl World {
    pub fn get(&self, id: &str) -> Option<&Inc> {
        self.index
            .get(&id.to_ascii_lowercase())
            .map(|&i| &self.incidents[i])
    }

    /// What the crate should do with `cmd`, a well-formed command.
    pub fn predict(&self, cmd: &Value) -> Verdict {
        let env = envelope(cmd);
        match self.get(&env.id) {
            None if env.kind != "declare" => Verdict::rejected("not-declared"),
            None => verdict(predict_declare(cmd, env.at)),
            Some(inc) => inc.predict(cmd, &env),
        }
    }

    /// Applies `cmd`, which [`World::predict`] said is applied.
    pub fn apply(&mut self, cmd: &Value) {
        let env = envelope(cmd);
        match self.index.get(&env.id) {
            None => {
                let inc = declared(cmd, &env);
                self.index.insert(env.id, self.incidents.len());
                self.incidents.push(inc);
            }
            Some(&i) => self.incidents[i].apply(cmd, &env),
        }
    }

    /// Takes over the crate's view of one incident, after a command the
    /// model could not read (garbage that happened to be well-formed) was
    /// accepted.
    pub fn resync(&mut self, snapshot: &Value) {
        let inc = Inc::from_snapshot(snapshot);
        match self.index.get(&inc.id) {
            Some(&i) => self.incidents[i] = inc,
            None => {
                self.index.insert(inc.id.clone(), self.incidents.len());
                self.incidents.push(inc);
            }
        }
    }
}

fn predict_declare(cmd: &Value, at: Time) -> Rules {
    let mut r = Rules::new();
    if let Some(v) = field(cmd, "expected_version")
        && whole(v) != Some(0)
    {
        r.insert("version-conflict");
    }
    push_text(&mut r, &text(cmd.get("title"), SHORT), "field-empty");
    let sev = sev_num(str_of(cmd, "severity").expect("a generated severity"));
    impact_rules(&mut r, cmd.get("impact"));
    impact_vs_incident(&mut r, cmd.get("impact"), at, sev);
    let mut roles = BTreeMap::new();
    let merged = merge_roles(&mut r, &mut roles, cmd.get("roles"));
    role_rules(&mut r, &roles, sev, &merged.blank);
    update_rules(&mut r, cmd.get("update"), at, "investigating", &roles);
    r
}

fn declared(cmd: &Value, env: &Env) -> Inc {
    let mut scratch = Rules::new();
    let mut roles = BTreeMap::new();
    merge_roles(&mut scratch, &mut roles, cmd.get("roles"));
    let impact = impact_rules(&mut scratch, cmd.get("impact")).expect("an applied impact");
    let sev = sev_num(str_of(cmd, "severity").expect("a severity"));
    let mut accepted = HashMap::new();
    accepted.insert(env.command_id.clone(), normalize(cmd));
    Inc {
        id: env.id.clone(),
        version: 1,
        phase: Phase::Investigating,
        severity: sev,
        peak: sev,
        declared_at: env.at,
        last_at: env.at,
        roles,
        impact,
        blocked: Vec::new(),
        checks: BTreeSet::new(),
        check_count: 0,
        notes: 0,
        mitigations: 0,
        lives: Vec::new(),
        started: Vec::new(),
        updates: 1,
        root_cause: false,
        postmortem: None,
        accepted,
    }
}

impl Inc {
    fn predict(&self, cmd: &Value, env: &Env) -> Verdict {
        if self
            .accepted
            .get(&env.command_id)
            .is_some_and(|earlier| *earlier == normalize(cmd))
        {
            return Verdict::Duplicate;
        }
        if self.phase == Phase::Closed && !amends(env.kind) {
            return Verdict::rejected("incident-closed");
        }
        if env.kind == "declare" {
            return Verdict::rejected("already-declared");
        }
        let mut r = Rules::new();
        if self.accepted.contains_key(&env.command_id) {
            r.insert("command-id-reused");
        }
        if env.at < self.last_at {
            r.insert("timestamp-regressed");
        }
        if let Some(v) = field(cmd, "expected_version")
            && whole(v) != Some(self.version)
        {
            r.insert("version-conflict");
        }
        let kind = env.kind;
        if kind == "resolve"
            && matches!(self.phase, Phase::Investigating | Phase::Mitigating)
            && self.impact.active
        {
            r.insert("resolve-from-monitoring");
        } else if !allowed(kind, self.phase) {
            r.insert("not-allowed-in-phase");
        }
        let after = phase_after(kind, self.phase);
        let status_after = if after == Phase::Closed {
            "resolved"
        } else {
            after.name()
        };
        let at = env.at;
        let update = cmd.get("update");
        match kind {
            "post_update" | "begin_monitoring" => {
                update_rules(&mut r, update, at, status_after, &self.roles)
            }
            "resume_investigation" | "reopen" => {
                push_text(&mut r, &text(cmd.get("reason"), SHORT), "field-empty");
                update_rules(&mut r, update, at, status_after, &self.roles);
            }
            "change_severity" => {
                let sev = sev_num(str_of(cmd, "severity").expect("a severity"));
                if sev == self.severity {
                    r.insert("severity-unchanged");
                }
                push_text(&mut r, &text(cmd.get("reason"), SHORT), "field-empty");
                let mut roles = self.roles.clone();
                let merged = merge_roles(&mut r, &mut roles, cmd.get("roles"));
                role_rules(&mut r, &roles, sev, &merged.blank);
                // The start as it stands was judged when it was recorded.
                let mut current = self.impact.to_json();
                current["started_at"] = Value::Null;
                let effective = if absent(cmd.get("impact")) {
                    Some(&current)
                } else {
                    impact_rules(&mut r, cmd.get("impact"));
                    cmd.get("impact")
                };
                impact_vs_incident(&mut r, effective, at, sev);
                update_rules(&mut r, update, at, status_after, &roles);
            }
            "assign_role" => match text(cmd.get("person"), NAME) {
                // A name over the limit is still judged by the role rules.
                t @ (Text::Ok(_) | Text::TooLong) => {
                    push_text(&mut r, &t, "field-empty");
                    let person = given(cmd.get("person")).expect("a name");
                    let mut roles = self.roles.clone();
                    roles.insert(str_of(cmd, "role").expect("a role").to_owned(), person);
                    role_rules(&mut r, &roles, self.severity, &[]);
                }
                // A blank person for a demanded role is the rule that
                // demands it (issue 10 §8), else the command's empty field.
                other => {
                    let role = str_of(cmd, "role").expect("a role");
                    let rule = demanding(role, self.severity).unwrap_or("field-empty");
                    push_text(&mut r, &other, rule);
                }
            },
            "unassign_role" => {
                let mut roles = self.roles.clone();
                roles.remove(str_of(cmd, "role").expect("a role"));
                role_rules(&mut r, &roles, self.severity, &[]);
            }
            "update_impact" => {
                impact_rules(&mut r, cmd.get("impact"));
                impact_vs_incident(&mut r, cmd.get("impact"), at, self.severity);
            }
            "record_check" => push_text(&mut r, &text(cmd.get("finding"), SHORT), "field-empty"),
            "record_progress" => {
                optional_text(&mut r, cmd.get("note"));
                let expected = str_of(cmd, "expected_completion").and_then(parse_ts);
                if expected.is_some_and(|t| t <= at) {
                    r.insert("expected-completion-not-after-progress");
                }
            }
            "correct_impact" => {
                impact_rules(&mut r, cmd.get("impact"));
                impact_vs_incident(&mut r, cmd.get("impact"), at, self.severity);
                push_text(&mut r, &text(cmd.get("reason"), SHORT), "field-empty");
            }
            "link_incident" => {
                if str_of(cmd, "incident").is_some_and(|i| i.eq_ignore_ascii_case(&self.id)) {
                    r.insert("link-to-self");
                }
                optional_text(&mut r, cmd.get("note"));
            }
            "record_fix" => push_text(&mut r, &text(cmd.get("description"), SHORT), "field-empty"),
            "add_note" => {
                push_text(&mut r, &text(cmd.get("text"), LONG), "field-empty");
                occurred_after(&mut r, cmd, at);
            }
            "record_root_cause" => {
                // Any mitigation started counts, whatever its outcome.
                if self.impact.active && self.mitigations == 0 {
                    r.insert("mitigate-before-rca");
                }
                self.amendment_reason(&mut r, cmd);
                push_text(&mut r, &text(cmd.get("text"), LONG), "field-empty");
                occurred_after(&mut r, cmd, at);
            }
            "start_mitigation" => {
                mitigation_rules(&mut r, &cmd["mitigation"]);
                update_rules(&mut r, update, at, status_after, &self.roles);
                occurred_after(&mut r, cmd, at);
            }
            "lift_block" => {
                push_text(&mut r, &text(cmd.get("endpoint"), SHORT), "field-empty");
                if given(cmd.get("endpoint")).is_some_and(|e| !self.blocked.contains(&e)) {
                    r.insert("no-such-block");
                }
            }
            "resolve" => {
                verification_rules(&mut r, cmd, &self.impact, &self.roles);
                if self.peak <= 2 && self.checks.len() < CHECKS.len() {
                    r.insert("triage-checks-missing");
                }
                if self.peak <= 2 && self.notes == 0 {
                    r.insert("notes-required");
                }
                update_rules(&mut r, update, at, status_after, &self.roles);
            }
            "submit_postmortem" => {
                self.amendment_reason(&mut r, cmd);
                postmortem_rules(
                    &mut r,
                    &cmd["postmortem"],
                    self.peak,
                    self.declared_at.date_naive(),
                );
                // After close, the postmortem the close demanded stays.
                if self.phase == Phase::Closed
                    && self.peak <= 2
                    && str_of(&cmd["postmortem"], "status") != Some("published")
                {
                    r.insert("postmortem-required");
                }
            }
            "close" => r.extend(self.closing_rules()),
            "end_mitigation" => {
                let n = cmd["number"].as_u64().expect("a number");
                let ended = str_of(cmd, "occurred_at").and_then(parse_ts);
                match usize::try_from(n)
                    .ok()
                    .and_then(|n| self.lives.get(n.checked_sub(1)?))
                {
                    None => {
                        r.insert("no-such-mitigation");
                    }
                    Some((_, _, Some(_))) => {
                        r.insert("mitigation-already-ended");
                    }
                    Some(_) => {
                        // A true end is judged against the true start.
                        let started = self.started[n as usize - 1];
                        if ended.is_some_and(|t| t < started) {
                            r.insert("ended-before-started");
                        }
                    }
                }
                if ended.is_some_and(|t| t > at) {
                    r.insert("occurred-after-recorded");
                }
                if !absent(cmd.get("note")) {
                    push_text(&mut r, &text(cmd.get("note"), SHORT), "field-empty");
                }
            }
            "revise_outcome" => {
                // The reason is required before close as after.
                push_text(&mut r, &text(cmd.get("reason"), SHORT), "field-empty");
                let n = cmd["number"].as_u64().expect("a number");
                match usize::try_from(n)
                    .ok()
                    .and_then(|n| self.lives.get(n.checked_sub(1)?))
                {
                    None => {
                        r.insert("no-such-mitigation");
                    }
                    Some((_, _, None)) => {
                        r.insert("mitigation-not-ended");
                    }
                    Some(_) => {}
                }
            }
            other => panic!("not a command type: {other}"),
        }
        verdict(r)
    }

    /// The blocked endpoints: those of blocks in effect, each once, in order.
    fn block_now(&mut self) {
        self.blocked.clear();
        for (_, endpoint, end) in &self.lives {
            if let (Some(e), None) = (endpoint, end)
                && !self.blocked.contains(e)
            {
                self.blocked.push(e.clone());
            }
        }
    }

    /// What closing now would break.
    /// A `reason`: optional before close, required after (an amendment).
    fn amendment_reason(&self, r: &mut Rules, cmd: &Value) {
        let reason = text(cmd.get("reason"), SHORT);
        if self.phase == Phase::Closed {
            push_text(r, &reason, "amendment-reason-required");
        } else if cmd.get("reason").is_some_and(|v| !v.is_null()) {
            push_text(r, &reason, "field-empty");
        }
    }

    pub fn closing_rules(&self) -> Rules {
        let mut r = Rules::new();
        let published = self
            .postmortem
            .as_ref()
            .is_some_and(|(s, _)| s == "published");
        if self.peak <= 2 && !published {
            r.insert("postmortem-required");
        }
        if self
            .postmortem
            .as_ref()
            .is_some_and(|(_, s)| *s != self.peak)
        {
            r.insert("postmortem-severity-mismatch");
        }
        if !self.blocked.is_empty() {
            r.insert("block-not-lifted");
        }
        if self
            .lives
            .iter()
            .any(|(temporary, _, end)| *temporary && end.is_none())
        {
            r.insert("temporary-measure-in-effect");
        }
        r
    }

    fn apply(&mut self, cmd: &Value, env: &Env) {
        let kind = env.kind;
        let mut scratch = Rules::new();
        match kind {
            "change_severity" => {
                self.severity = sev_num(str_of(cmd, "severity").expect("a severity"));
                self.peak = self.peak.min(self.severity);
                merge_roles(&mut scratch, &mut self.roles, cmd.get("roles"));
                if !absent(cmd.get("impact")) {
                    self.impact = impact_rules(&mut scratch, cmd.get("impact")).expect("usable");
                }
            }
            "assign_role" => {
                self.roles.insert(
                    str_of(cmd, "role").expect("a role").to_owned(),
                    str_of(cmd, "person").expect("a person").to_owned(),
                );
            }
            "unassign_role" => {
                self.roles.remove(str_of(cmd, "role").expect("a role"));
            }
            "update_impact" | "correct_impact" => {
                self.impact = impact_rules(&mut scratch, cmd.get("impact")).expect("usable");
            }
            "record_check" => {
                self.checks
                    .insert(str_of(cmd, "check").expect("a check").to_owned());
                self.check_count += 1;
            }
            "add_note" => self.notes += 1,
            "record_root_cause" => self.root_cause = true,
            "start_mitigation" => {
                self.mitigations += 1;
                self.lives.push(life(cmd, None));
                self.started
                    .push(time_at(&cmd["occurred_at"]).unwrap_or(env.at));
                self.block_now();
            }
            "lift_block" => {
                let e = str_of(cmd, "endpoint").expect("an endpoint");
                for l in &mut self.lives {
                    if l.1.as_deref() == Some(e) && l.2.is_none() {
                        l.2 = Some("helped".to_owned());
                    }
                }
                self.block_now();
            }
            "end_mitigation" => {
                let n = cmd["number"].as_u64().expect("a number") as usize;
                if let Some(l) = self.lives.get_mut(n - 1) {
                    l.2 = str_of(cmd, "outcome").map(str::to_owned);
                }
                self.block_now();
            }
            "revise_outcome" => {
                let n = cmd["number"].as_u64().expect("a number") as usize;
                if let Some(l) = self.lives.get_mut(n - 1) {
                    l.2 = str_of(cmd, "outcome").map(str::to_owned);
                }
            }
            "submit_postmortem" => {
                let pm = &cmd["postmortem"];
                self.postmortem = Some((
                    str_of(pm, "status").expect("a status").to_owned(),
                    sev_num(str_of(pm, "severity").expect("a severity")),
                ));
            }
            _ => {}
        }
        if carries_update(kind) {
            self.updates += 1;
        }
        self.phase = phase_after(kind, self.phase);
        self.version += 1;
        self.last_at = env.at;
        self.accepted.insert(env.command_id.clone(), normalize(cmd));
    }

    /// The model's view of an incident, read off a snapshot.
    pub fn from_snapshot(s: &Value) -> Inc {
        Inc::read(s, true)
    }

    fn read(s: &Value, with_history: bool) -> Inc {
        let impact = &s["impact"];
        let mut roles = BTreeMap::new();
        for role in ROLES {
            if let Some(name) = str_of(&s["roles"], role) {
                roles.insert(role.to_owned(), name.to_owned());
            }
        }
        let checks: Vec<String> = list(s, "checks")
            .iter()
            .map(|c| c["check"].as_str().expect("a check").to_owned())
            .collect();
        let history = if with_history {
            list(s, "history")
        } else {
            &[]
        };
        let accepted = history
            .iter()
            .map(|c| {
                (
                    str_of(c, "command_id").expect("an id").to_ascii_lowercase(),
                    normalize(c),
                )
            })
            .collect();
        let pm = s.get("postmortem").filter(|p| !p.is_null());
        Inc {
            id: str_of(s, "incident_id")
                .expect("an id")
                .to_ascii_lowercase(),
            version: s["version"].as_u64().expect("a version"),
            phase: Phase::parse(str_of(s, "phase").expect("a phase")),
            severity: sev_num(str_of(s, "severity").expect("a severity")),
            peak: sev_num(str_of(s, "peak_severity").expect("a severity")),
            declared_at: time_at(&s["declared_at"]).expect("a time"),
            last_at: time_at(&s["last_command_at"]).expect("a time"),
            roles,
            impact: ImpactM {
                flags: strings(impact, "flags"),
                surfaces: strings(impact, "surfaces"),
                endpoints: strings(impact, "affected_endpoints"),
                deps: strings(impact, "affected_dependencies"),
                active: impact["user_impact_active"].as_bool().expect("a bool"),
                started_at: time_at(&impact["started_at"]),
            },
            blocked: strings(s, "blocked_endpoints"),
            check_count: checks.len(),
            checks: checks.into_iter().collect(),
            notes: list(s, "notes").len(),
            mitigations: list(s, "mitigations").len(),
            lives: list(s, "mitigations")
                .iter()
                .map(|m| life(m, field(m, "ended")))
                .collect(),
            started: list(s, "mitigations")
                .iter()
                .map(|m| {
                    time_at(&m["occurred_at"])
                        .or_else(|| time_at(&m["at"]))
                        .expect("a time")
                })
                .collect(),
            updates: list(s, "updates").len(),
            root_cause: s.get("root_cause").is_some_and(|r| !r.is_null()),
            postmortem: pm.map(|p| {
                (
                    str_of(p, "status").expect("a status").to_owned(),
                    sev_num(str_of(p, "severity").expect("a severity")),
                )
            }),
            accepted,
        }
    }

    /// Where the crate's snapshot and the model disagree.
    pub fn differences(&self, s: &Value) -> Vec<String> {
        // Everything but the history, which only needs its length and
        // latest id here (normalising it all at every step is quadratic).
        let theirs = Inc::read(s, false);
        let history = list(s, "history");
        let latest = history
            .last()
            .and_then(|c| str_of(c, "command_id"))
            .map(str::to_ascii_lowercase);
        let mut out = Vec::new();
        let mut cmp = |name: &str, same: bool| {
            if !same {
                out.push(name.to_owned());
            }
        };
        cmp("incident_id", theirs.id == self.id);
        cmp("version", theirs.version == self.version);
        cmp("phase", theirs.phase == self.phase);
        cmp("severity", theirs.severity == self.severity);
        cmp("peak_severity", theirs.peak == self.peak);
        cmp("declared_at", theirs.declared_at == self.declared_at);
        cmp("last_command_at", theirs.last_at == self.last_at);
        cmp("roles", theirs.roles == self.roles);
        cmp("impact", theirs.impact == self.impact);
        let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
        cmp(
            "blocked_endpoints",
            set(&theirs.blocked) == set(&self.blocked),
        );
        cmp("checks", theirs.checks == self.checks);
        cmp("checks.len", theirs.check_count == self.check_count);
        cmp("notes", theirs.notes == self.notes);
        cmp("mitigations", theirs.mitigations == self.mitigations);
        cmp("updates", theirs.updates == self.updates);
        cmp("root_cause", theirs.root_cause == self.root_cause);
        cmp("postmortem", theirs.postmortem == self.postmortem);
        cmp("history", history.len() == self.accepted.len());
        cmp(
            "history's last command",
            latest.is_some_and(|id| self.accepted.contains_key(&id)),
        );
        out
    }
}

/// A mitigation's life as the model keeps it: a disabled dependency, a
/// paused rollout or one started `temporary: true` is a temporary measure (a
/// block is `block-not-lifted`'s); `started` is the `start_mitigation` or
/// the snapshot's mitigation, `ended` its end as a snapshot writes it.
fn life(started: &Value, ended: Option<&Value>) -> (bool, Option<String>, Option<String>) {
    let m = &started["mitigation"];
    let kind = str_of(m, "kind");
    let marked = started["temporary"] == true && kind != Some("block_endpoint");
    let temporary = marked || matches!(kind, Some("disable_dependency" | "pause_rollout"));
    let endpoint = match kind {
        Some("block_endpoint") => str_of(m, "endpoint").map(str::to_owned),
        _ => None,
    };
    let outcome = ended.and_then(|e| str_of(e, "outcome")).map(str::to_owned);
    (temporary, endpoint, outcome)
}
