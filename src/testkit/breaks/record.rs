//! The record kept beside the response: progress, links to other
//! incidents, and amendments once the incident is closed.

use serde_json::Value;

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `link-to-self`,
    /// `expected-completion-not-after-progress`: for an incident not closed.
    pub(super) fn break_record(&mut self, inc: &View, rule: &str) -> Option<Value> {
        if inc.phase == Phase::Closed {
            return None;
        }
        let mut v;
        match rule {
            "link-to-self" => {
                v = self.link();
                // The same incident, in either case.
                let id = v["incident_id"].as_str()?.to_owned();
                v["incident"] = if self.rng.chance(20) {
                    id.to_ascii_uppercase()
                } else {
                    id
                }
                .into();
            }
            "expected-completion-not-after-progress" => {
                v = self.record_progress();
                let at = time_at(&v["at"])?;
                // At the progress itself, or before it.
                let t = at - secs(self.rng.range(0, 3_600));
                v["expected_completion"] = self.stamp(t);
            }
            _ => return None,
        }
        Some(v)
    }

    /// A command for a closed incident breaking `rule` alone: any command
    /// but an amendment (`incident-closed`), or an amendment that must say
    /// why and does not (`amendment-reason-required`).
    pub(crate) fn break_closed(&mut self, inc: &View, rule: &str) -> Option<Value> {
        match rule {
            "incident-closed" => Some(self.anything(Some(inc))),
            "amendment-reason-required" => {
                // A root cause waits for a mitigation while users are hurt.
                let cause = !inc.impact.active || inc.mitigations > 0;
                if cause && self.rng.chance(50) {
                    Some(self.root_cause())
                } else {
                    // Published: a closed SEV1 or SEV2 keeps a published one.
                    Some(self.postmortem(inc, "published"))
                }
            }
            _ => None,
        }
    }
}
