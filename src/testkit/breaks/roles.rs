//! Who holds which role, and what SEV1 demands of the roles.

use serde_json::Value;

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `commander-required`, `sev1-needs-scribe`,
    /// `sev1-scribe-not-commander`, `sev1-comms-by-engineering-lead`.
    pub(super) fn break_roles(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let open = inc.phase.is_open();
        let resolved = inc.phase == Phase::Resolved;
        let sev1 = inc.severity == 1;
        let mut v;
        match rule {
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
                    v = self.reassign_in_sev1(inc, rule)?;
                } else if open && !sev1 {
                    v = self.escalate_without_roles(inc, rule)?;
                } else {
                    return None;
                }
            }
            _ => return None,
        }
        Some(v)
    }

    /// In a SEV1: a role reassigned or unassigned so that `rule` breaks.
    fn reassign_in_sev1(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let commander = inc.roles.get("commander")?.clone();
        let scribe = inc.roles.get("scribe")?.clone();
        let lead = inc.roles.get("engineering_lead")?.clone();
        let mut v = self.envelope("assign_role");
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
                    let others: Vec<&str> = PEOPLE.iter().copied().filter(|p| *p != lead).collect();
                    v["role"] = "communications_owner".into();
                    v["person"] = self.rng.pick(&others).to_string().into();
                }
            }
        }
        Some(v)
    }

    /// Escalating to SEV1 without bringing the role `rule` asks for along.
    fn escalate_without_roles(&mut self, inc: &View, rule: &str) -> Option<Value> {
        // Escalating to SEV1 without bringing the role along.
        let mut v = self.change_severity_to(inc, 1);
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
                let others: Vec<&str> = PEOPLE.iter().copied().filter(|p| *p != lead).collect();
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
        Some(v)
    }
}
