//! The verification a `resolve` carries.

use serde_json::{Value, json};

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A `resolve` breaking `rule` alone, one of the `verification-*` rules
    /// or `unknown-health-endpoint`.
    pub(super) fn break_verification(&mut self, inc: &View, rule: &str) -> Option<Value> {
        if !Self::may_resolve(inc) || !Self::ready_to_resolve(inc) {
            return None;
        }
        let mut v = self.resolve(inc);
        let ver = &mut v["verification"];
        let i = &inc.impact;
        match rule {
            "verification-api-health" => {
                if self.health.is_empty() {
                    return None;
                }
                let key = self.rng.pick(&self.health).clone();
                let key = key.as_str();
                if self.rng.chance(50) {
                    ver["health"][key] = false.into();
                } else {
                    ver["health"].as_object_mut()?.remove(key);
                }
            }
            "unknown-health-endpoint" => {
                // A result for an endpoint the playbook does not have; its
                // value does not matter.
                let unknown: Vec<&str> = UNKNOWN_HEALTH
                    .iter()
                    .copied()
                    .filter(|u| !self.health.iter().any(|h| h == u))
                    .collect();
                if unknown.is_empty() {
                    return None;
                }
                let key = *self.rng.pick(&unknown);
                let ok = self.rng.chance(70);
                ver["health"][key] = ok.into();
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
        Some(v)
    }
}
