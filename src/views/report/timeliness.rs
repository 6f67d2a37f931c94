//! Whether a step or a target was done by its deadline.

use serde::Serialize;

use crate::time::Timestamp;

/// Whether a step or target was done in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Timeliness {
    /// Done by the deadline.
    OnTime,
    /// Done after the deadline.
    Late,
    /// Not done, and the deadline has passed.
    Missed,
    /// Not done yet, and the deadline has not passed.
    Pending,
}

impl Timeliness {
    pub(super) fn judge(done: Option<Timestamp>, deadline: Timestamp, now: Timestamp) -> Self {
        match done {
            Some(t) if t <= deadline => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if now > deadline => Timeliness::Missed,
            None => Timeliness::Pending,
        }
    }

    /// For people: `on time`, `late`, `missed`, `pending`.
    pub fn describe(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on time",
            Timeliness::Late => "late",
            Timeliness::Missed => "missed",
            Timeliness::Pending => "pending",
        }
    }
}
