//! The envelope: a declaration twice, time running backwards, a stale
//! version, a reused id, a command the phase does not allow.

use serde_json::Value;

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// A command breaking `rule` alone, one of `already-declared`, `timestamp-regressed`,
    /// `version-conflict`, `command-id-reused`, `not-allowed-in-phase`.
    pub(super) fn break_envelope(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let mut v;
        match rule {
            "already-declared" => v = self.declare(),
            "timestamp-regressed" => {
                self.at = inc.last_at - secs(self.rng.range(1, 7_200));
                v = self.wander(inc);
                v.as_object_mut()?.remove("expected_version");
            }
            "version-conflict" => {
                v = self.wander(inc);
                let k = self.rng.range(1, 3) as u64;
                let wrong = if inc.version > k && self.rng.chance(50) {
                    inc.version - k
                } else {
                    inc.version + k
                };
                v["expected_version"] = wrong.into();
            }
            "command-id-reused" => {
                v = self.wander(inc);
                let mut ids: Vec<&String> = inc.accepted.iter().collect();
                ids.sort();
                v["command_id"] = self.rng.pick(&ids).to_string().into();
            }
            "not-allowed-in-phase" => {
                let candidates: Vec<&str> = COMMAND_TYPES
                    .iter()
                    .copied()
                    .filter(|k| *k != "declare" && !allowed(k, inc.phase))
                    .filter(|k| *k != "resolve" || inc.phase == Phase::Resolved)
                    .filter(|k| *k != "close" || inc.closing_rules().is_empty())
                    .collect();
                if candidates.is_empty() {
                    return None;
                }
                let kind = *self.rng.pick(&candidates);
                v = match kind {
                    "submit_postmortem" => self.postmortem(inc, "published"),
                    "resolve" if !Self::ready_to_resolve(inc) => return None,
                    _ => self.build(kind, inc)?,
                };
                // The update is built for the phase the command would lead to.
                if let Some(u) = v.get_mut("update").and_then(Value::as_object_mut) {
                    u.remove("status");
                    let at = time_at(&v["at"])?;
                    v["update"]["next_update"] = self.stamp(at + secs(600));
                }
            }
            _ => return None,
        }
        Some(v)
    }
}
