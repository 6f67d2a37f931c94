//! Texts and lists: blank, or over their limits.

use serde_json::{Value, json};

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `field-empty`, `field-too-long`:
    /// a text of a command the incident's phase allows.
    pub(super) fn break_fields(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let open = inc.phase.is_open();
        let resolved = inc.phase == Phase::Resolved;
        let empty = match rule {
            "field-empty" => true,
            "field-too-long" => false,
            _ => return None,
        };
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
        let field = *self.rng.pick(&options);
        Some(self.bad_field(inc, field, empty))
    }

    /// A blank text (`empty`) or one a character over `max`, of `c`.
    fn bad_text(&mut self, empty: bool, c: char, max: usize) -> Value {
        if empty {
            self.blank()
        } else {
            c.to_string().repeat(max + 1).into()
        }
    }

    /// The command whose `field` (one of the options above) is blank or too long.
    fn bad_field(&mut self, inc: &View, field: &str, empty: bool) -> Value {
        let mut v;
        match field {
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
            "verification" => v = self.bad_verification(inc, empty),
            "note" => {
                v = self.note();
                v["text"] = self.bad_text(empty, 'ø', LONG);
            }
            "person" => {
                v = self.envelope("assign_role");
                v["role"] = self.rng.pick(&ROLES).to_string().into();
                v["person"] = self.bad_text(empty, 'Å', NAME);
            }
            "update" => {
                v = self.updating(inc);
                let key = *self.rng.pick(&["impact", "action", "owner"]);
                let max = if key == "owner" { NAME } else { SHORT };
                v["update"][key] = self.bad_text(empty, 'x', max);
            }
            "finding" => {
                v = self.check(inc);
                v["finding"] = self.bad_text(empty, 'x', SHORT);
            }
            "reason" => {
                v = self.change_severity(inc);
                v["reason"] = self.bad_text(empty, 'x', SHORT);
            }
            "resume" => {
                v = self.resume(inc);
                v["reason"] = self.bad_text(empty, 'x', SHORT);
            }
            "reopen" => {
                v = self.reopen(inc);
                v["reason"] = self.bad_text(empty, 'x', SHORT);
            }
            "mitigation" => {
                v = self.envelope("start_mitigation");
                v["mitigation"] = json!({"kind": "revert_config"});
                if !empty || self.rng.chance(50) {
                    v["mitigation"]["change"] = self.bad_text(empty, 'x', SHORT);
                }
                v = self.with_update(v, inc, "mitigating");
            }
            "lift" => {
                v = self.envelope("lift_block");
                if !empty || self.rng.chance(70) {
                    v["endpoint"] = self.bad_text(empty, 'x', SHORT);
                }
            }
            _ => v = self.bad_postmortem_text(inc, empty),
        }
        v
    }

    /// A `resolve` confirming an endpoint whose path is blank or too long.
    fn bad_verification(&mut self, inc: &View, empty: bool) -> Value {
        let mut v = self.resolve(inc);
        let mut entry = json!({"ok": true});
        if !empty || self.rng.chance(50) {
            entry["path"] = self.bad_text(empty, 'x', SHORT);
        }
        match v["verification"]["endpoints"].as_array_mut() {
            Some(list) => list.push(entry),
            None => v["verification"]["endpoints"] = json!([entry]),
        }
        v
    }

    /// A published postmortem with a blank or overlong title, owner or event.
    fn bad_postmortem_text(&mut self, inc: &View, empty: bool) -> Value {
        let mut v = self.postmortem(inc, "published");
        match self.rng.below(3) {
            0 => v["postmortem"]["title"] = self.bad_text(empty, 'x', SHORT),
            1 => {
                // A list item is a string: `null` there is the wrong type,
                // not a blank.
                v["postmortem"]["owners"] = if empty {
                    json!([self.blank_string()])
                } else if self.rng.chance(50) {
                    json!(["x".repeat(NAME + 1)])
                } else {
                    json!(vec!["Ada"; LIST + 1])
                }
            }
            _ => v["postmortem"]["timeline"][0]["event"] = self.bad_text(empty, 'x', SHORT),
        }
        v
    }
}
