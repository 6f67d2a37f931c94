//! The comms update a command carries.

use serde_json::Value;

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `update-required`, `update-needs-next-update`,
    /// `next-update-not-after-update`, `update-owner-not-assigned`, `update-status-mismatch`,
    /// `public-update-not-by-comms-owner`.
    pub(super) fn break_updates(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let open = inc.phase.is_open();
        let resolved = inc.phase == Phase::Resolved;
        let mut v;
        match rule {
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
            "public-update-not-by-comms-owner" => {
                if !(open || resolved) {
                    return None;
                }
                v = self.updating(inc);
                self.external_by_another(inc, &mut v)?;
            }
            _ => return None,
        }
        Some(v)
    }

    /// Makes `v`'s update external (`public`, or `customers`) and posted by
    /// someone who holds a role but is not the communications owner.
    fn external_by_another(&mut self, inc: &View, v: &mut Value) -> Option<()> {
        let comms = inc.roles.get("communications_owner");
        let others: Vec<String> = inc
            .holders()
            .into_iter()
            .filter(|h| Some(h) != comms)
            .collect();
        if others.is_empty() {
            return None;
        }
        let audience = *self.rng.pick(&["public", "customers"]);
        let update = v.get_mut("update")?;
        update["audience"] = audience.into();
        update["owner"] = self.rng.pick(&others).clone().into();
        Some(())
    }
}
