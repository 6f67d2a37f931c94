//! Mitigations and temporary blocks.

use serde_json::{Value, json};

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `mitigate-before-rca`, `rollback-same-tag`,
    /// `dependency-not-optional`, `block-endpoint-risk-not-higher`, `unknown-dependency`,
    /// `no-such-block`, `no-such-mitigation`, `mitigation-already-ended`,
    /// `mitigation-not-ended`, `ended-before-started`.
    pub(super) fn break_mitigation(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let open = inc.phase.is_open();
        let resolved = inc.phase == Phase::Resolved;
        let mut v;
        match rule {
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
                        let required: Vec<String> = self
                            .deps
                            .iter()
                            .filter(|(_, o)| !*o)
                            .map(|(n, _)| n.clone())
                            .collect();
                        if required.is_empty() {
                            return None;
                        }
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
                v = self.naming_unknown_dependency(inc)?;
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
            "no-such-mitigation"
            | "mitigation-already-ended"
            | "mitigation-not-ended"
            | "ended-before-started" => {
                if !(open || resolved) {
                    return None;
                }
                v = self.break_ending(inc, rule)?;
            }
            _ => return None,
        }
        Some(v)
    }

    /// A resolve, a mitigation or an impact naming a dependency the
    /// catalogue does not know.
    fn naming_unknown_dependency(&mut self, inc: &View) -> Option<Value> {
        let unknown = self.unknown_dependency()?;
        let resolvable = Self::may_resolve(inc) && Self::ready_to_resolve(inc);
        let mut v;
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
        Some(v)
    }

    /// An `end_mitigation` of a mitigation never started, of one ended, or
    /// of one in effect that says it ended before it started; or a
    /// `revise_outcome` of one still in effect (only an ended mitigation
    /// has an outcome to revise).
    fn break_ending(&mut self, inc: &View, rule: &str) -> Option<Value> {
        if rule == "mitigation-not-ended" || rule == "ended-before-started" {
            return self.break_in_effect(inc, rule);
        }
        let n = if rule == "no-such-mitigation" {
            inc.mitigations + 1 + self.rng.below(3)
        } else {
            self.pick_mitigation(inc, true)? + 1
        };
        let mut v = self.envelope("end_mitigation");
        v["number"] = n.into();
        v["outcome"] = (*self.rng.pick(&["helped", "no_effect", "made_worse"])).into();
        Some(v)
    }

    /// A command about a mitigation in effect: its outcome revised
    /// (`mitigation-not-ended`), or its end dated before its true start
    /// (`ended-before-started`).
    fn break_in_effect(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let i = self.pick_mitigation(inc, false)?;
        let outcome = *self.rng.pick(&["helped", "no_effect", "made_worse"]);
        let mut v;
        if rule == "mitigation-not-ended" {
            v = self.envelope("revise_outcome");
            v["reason"] = self.short().into();
        } else {
            let started = *inc.started.get(i)?;
            v = self.envelope("end_mitigation");
            let ended = started - secs(self.rng.range(1, 3_600));
            v["occurred_at"] = self.stamp(ended);
        }
        v["number"] = (i + 1).into();
        v["outcome"] = outcome.into();
        Some(v)
    }
}
