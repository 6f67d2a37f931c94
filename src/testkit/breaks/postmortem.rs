//! The postmortem and its action items.

use serde_json::{Value, json};

use crate::testkit::view::{Rules, View};
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `postmortem-incomplete`,
    /// `postmortem-severity-mismatch`, `postmortem-timeline-unordered`, `action-item-incomplete`,
    /// `action-item-due-before-incident`, `guardrail-action-missing`,
    /// `postmortem-dated-before-incident`, `timeline-after-postmortem`.
    pub(super) fn break_postmortem(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let resolved = inc.phase == Phase::Resolved;
        let mut v;
        match rule {
            "postmortem-incomplete"
            | "postmortem-severity-mismatch"
            | "postmortem-timeline-unordered"
            | "action-item-incomplete"
            | "action-item-due-before-incident"
            | "guardrail-action-missing"
            | "postmortem-dated-before-incident"
            | "timeline-after-postmortem" => {
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
                if rule.starts_with("postmortem-") || rule == "timeline-after-postmortem" {
                    self.break_postmortem_text(inc, rule, pm)?;
                } else {
                    self.break_action_items(inc, rule, pm)?;
                }
            }
            _ => return None,
        }
        Some(v)
    }

    /// The postmortem's own parts: a section left out, the severity, the timeline's order.
    fn break_postmortem_text(&mut self, inc: &View, rule: &str, pm: &mut Value) -> Option<()> {
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
            "postmortem-dated-before-incident" => {
                // A draft, so that it needs no timeline (whose entries would
                // then be after its date).
                let days = self.rng.range(1, 30) as u64;
                pm["date"] = (t_date(inc) - chrono::Days::new(days)).to_string().into();
                pm["status"] = "draft".into();
                pm.as_object_mut()?.remove("timeline");
            }
            "timeline-after-postmortem" => {
                pm["date"] = t_date(inc).to_string().into();
                let later = inc.declared_at + secs(self.rng.range(2, 5) * 86_400);
                let event = json!({"at": ts(later), "event": "Follow-up deploy"});
                match pm.get_mut("timeline").and_then(Value::as_array_mut) {
                    Some(list) => list.push(event),
                    None => pm["timeline"] = json!([event]),
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// The action items: one incomplete, one due before the incident, a guardrail missing.
    fn break_action_items(&mut self, inc: &View, rule: &str, pm: &mut Value) -> Option<()> {
        match rule {
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
                if let Some(items) = pm.get_mut("action_items").and_then(Value::as_array_mut) {
                    for item in items {
                        item.as_object_mut()?.remove("guardrail");
                    }
                }
            }
        }
        Some(())
    }
}

fn t_date(inc: &View) -> chrono::NaiveDate {
    inc.declared_at.date_naive()
}
