//! The impact and the severity it allows.

use serde_json::{Value, json};

use crate::testkit::view::View;
use crate::testkit::words::*;
use crate::testkit::writer::Writer;

impl Writer {
    /// Leaves one required part of `v`'s impact blank, or the impact out
    /// (`impact-incomplete`, on a declaration or an impact update).
    pub(super) fn blank_impact(&mut self, v: &mut Value) -> Option<()> {
        let key = *self.rng.pick(&["environment", "users", "feature", "all"]);
        if key == "all" {
            v.as_object_mut()?.remove("impact");
        } else {
            v["impact"][key] = self.blank();
        }
        Some(())
    }

    /// A command breaking `rule` alone, one of `impact-incomplete`,
    /// `occurred-after-recorded` (users hit after the command that says so),
    /// `severity-below-floor`, `severity-unchanged`,
    /// `impact-ended-while-active`, `impact-ended-before-started`.
    pub(super) fn break_impact(&mut self, inc: &View, rule: &str) -> Option<Value> {
        let open = inc.phase.is_open();
        let mut v;
        match rule {
            "impact-incomplete" | "occurred-after-recorded" => {
                if !open {
                    return None;
                }
                v = self.update_impact(inc);
                if rule == "impact-incomplete" {
                    self.blank_impact(&mut v)?;
                } else {
                    let t = self.at(&v) + secs(self.rng.range(1, 3_600));
                    v["impact"]["started_at"] = self.stamp(t);
                }
            }
            "severity-below-floor" => {
                if !open {
                    return None;
                }
                let floor = inc.impact.floor();
                let lower: Vec<u8> = (floor + 1..=4).filter(|s| *s != inc.severity).collect();
                if !lower.is_empty() && self.rng.chance(50) {
                    let target = *self.rng.pick(&lower);
                    v = self.change_severity_to(inc, target);
                    v.as_object_mut()?.remove("impact");
                } else if inc.severity > 1 {
                    v = self.update_impact(inc);
                    let above: Vec<&str> = FLAGS
                        .iter()
                        .filter(|(_, f)| *f < inc.severity)
                        .map(|(n, _)| *n)
                        .collect();
                    v["impact"]["flags"] = json!([self.rng.pick(&above)]);
                } else {
                    return None;
                }
            }
            "impact-ended-while-active" | "impact-ended-before-started" => {
                if !open {
                    return None;
                }
                v = self.update_impact(inc);
                self.end_impact(&mut v, rule)?;
            }
            "severity-unchanged" => {
                if !open {
                    return None;
                }
                v = self.change_severity_to(inc, inc.severity);
            }
            _ => return None,
        }
        Some(v)
    }

    /// Gives `v`'s impact an end that breaks `rule`: one between its start
    /// and the command while users are still affected
    /// (`impact-ended-while-active`), or one before its start while they
    /// no longer are (`impact-ended-before-started`).
    fn end_impact(&mut self, v: &mut Value, rule: &str) -> Option<()> {
        let at = self.at(v);
        let started = time_at(&v["impact"]["started_at"])?;
        let ended = if rule == "impact-ended-while-active" {
            let span = (at - started).num_seconds().max(0);
            v["impact"]["user_impact_active"] = true.into();
            started + secs(self.rng.range(0, span))
        } else {
            v["impact"]["user_impact_active"] = false.into();
            started - secs(self.rng.range(1, 3_600))
        };
        v["impact"]["ended_at"] = self.stamp(ended);
        Some(())
    }
}
