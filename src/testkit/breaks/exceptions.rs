//! Exceptions a `resolve` carries: a failing check accepted by the commander.

use serde_json::{Value, json};

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A `resolve` breaking `rule` alone, one of `exception-not-by-commander`,
    /// `exception-unknown-check`, `exception-for-passing-check`.
    pub(super) fn break_exceptions(&mut self, inc: &View, rule: &str) -> Option<Value> {
        if !Self::may_resolve(inc) || !Self::ready_to_resolve(inc) || self.health.is_empty() {
            return None;
        }
        let commander = inc.roles.get("commander")?.clone();
        let health = self.rng.pick(&self.health).clone();
        let mut v = self.resolve(inc);
        let (check, by) = match rule {
            // Health always passes in a valid resolve.
            "exception-for-passing-check" => (format!("health.{health}"), commander),
            "exception-not-by-commander" => {
                // The check fails, and the exception names it: it is judged
                // through the exception alone.
                v["verification"]["health"][&health] = false.into();
                let others: Vec<&str> = PEOPLE
                    .iter()
                    .chain(&OUTSIDERS)
                    .copied()
                    .filter(|p| *p != commander)
                    .collect();
                let by = self.rng.pick(&others).to_string();
                (format!("health.{health}"), by)
            }
            "exception-unknown-check" => (self.unknown_check(inc)?, commander),
            _ => return None,
        };
        let reason = self.short();
        v["exceptions"] = json!([{"check": check, "accepted_by": by, "reason": reason}]);
        Some(v)
    }

    /// A `SECTION.KEY` that names no check this incident's verification
    /// demands: a section or key that does not exist, or one the impact
    /// does not call for.
    fn unknown_check(&mut self, inc: &View) -> Option<String> {
        let i = &inc.impact;
        let mut names: Vec<String> = UNKNOWN_HEALTH
            .iter()
            .filter(|u| !self.health.iter().any(|h| h == *u))
            .map(|u| format!("health.{u}"))
            .collect();
        names.push("smoke.uploads".into());
        names.push("dependencies.Kafka".into());
        names.extend(
            ENDPOINTS
                .iter()
                .filter(|e| !i.endpoints.iter().any(|x| x == *e))
                .map(|e| format!("endpoints.{e}")),
        );
        if !i.surfaces.iter().any(|s| s == "frontend") {
            names.push("frontend.login".into());
        }
        if !i.concerns_data() {
            names.push("data.no_partial_delete".into());
        }
        Some(self.rng.pick(&names).clone())
    }
}
