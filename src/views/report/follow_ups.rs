//! The postmortem's action items left open past their due day.

use serde::Serialize;

use crate::incident::Incident;
use crate::playbook::Playbook;
use crate::postmortem::ActionStatus;
use crate::text::{Name, ShortText};
use crate::time::{Date, Timestamp};

/// An action item not done whose due day has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FollowUp {
    /// What to do.
    pub action: ShortText,
    /// Who does it.
    pub owner: Name,
    /// By when.
    pub due: Date,
    /// Where it stands (not `done`).
    pub status: ActionStatus,
    /// Whole days since the due day, at `now` in the playbook's time zone.
    pub days_overdue: i64,
}

impl FollowUp {
    /// The open follow-ups of `incident`'s postmortem at `now`.
    ///
    /// ```
    /// use incident_playbook::{Playbook, Replay, report::FollowUp};
    /// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    /// let mut replay = Replay::new(Playbook::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let incident = replay.incidents().iter().next().unwrap();
    /// // Due 2026-05-20: overdue from the 21st on, in the playbook's time zone.
    /// let p = Playbook::default();
    /// assert!(FollowUp::overdue(incident, &p, "2026-05-20T23:00:00Z".parse().unwrap()).is_empty());
    /// let east = p.clone().with_utc_offset("+02:00".parse().unwrap());
    /// assert_eq!(FollowUp::overdue(incident, &east, "2026-05-20T23:00:00Z".parse().unwrap()).len(), 1);
    /// ```
    pub fn overdue(incident: &Incident, playbook: &Playbook, now: Timestamp) -> Vec<FollowUp> {
        let today = playbook.utc_offset().date_of(now);
        incident
            .postmortem()
            .map(|pm| pm.action_items())
            .unwrap_or_default()
            .iter()
            .filter(|a| a.status != ActionStatus::Done && a.due < today)
            .map(|a| FollowUp {
                action: a.action.clone(),
                owner: a.owner.clone(),
                due: a.due,
                status: a.status,
                days_overdue: (today.as_naive() - a.due.as_naive()).num_days(),
            })
            .collect()
    }
}
