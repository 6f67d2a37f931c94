//! Resolving (its triage and notes) and closing.

use serde_json::Value;

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `block-not-lifted`, `postmortem-required`,
    /// `resolve-from-monitoring`, `triage-checks-missing`, `notes-required`,
    /// `temporary-measure-in-effect`.
    pub(super) fn break_closing(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let resolved = inc.phase == Phase::Resolved;
        let v = match rule {
            "block-not-lifted" | "postmortem-required" | "temporary-measure-in-effect" => {
                let mut rules = inc.closing_rules();
                if !resolved || !rules.remove(rule) || !rules.is_empty() {
                    return None;
                }
                self.close()
            }
            "resolve-from-monitoring" => {
                if !matches!(inc.phase, Phase::Investigating | Phase::Mitigating)
                    || !inc.impact.active
                    || !Self::ready_to_resolve(inc)
                {
                    return None;
                }
                self.resolve(inc)
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
                self.resolve(inc)
            }
            _ => return None,
        };
        Some(v)
    }
}
