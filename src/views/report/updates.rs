//! The comms rhythm: overdue and late updates.

use std::sync::Arc;

use serde::Serialize;

use super::seconds;
use crate::comms::{Audience, CommsUpdate};
use crate::incident::{Incident, Phase};
use crate::text::Name;
use crate::time::Timestamp;

/// An update that came after the time the update before it promised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LateUpdate {
    /// The position of the late update among the incident's updates (0-based).
    pub index: usize,
    /// When it was posted.
    pub at: Timestamp,
    /// When the update before it promised it.
    pub promised: Timestamp,
    /// How late, in seconds.
    pub late_seconds: i64,
}

/// Who posted an update, where the command that carried it said (its `by`).
///
/// The update's `owner` owns the communication; the sender is who posted
/// it (support staff running the status page under the comms owner, a
/// coordinator). Both are facts, and neither stands in for the other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PostedBy {
    /// The position of the update among the incident's updates (0-based).
    pub index: usize,
    /// When it was posted.
    pub at: Timestamp,
    /// The update's owner.
    pub owner: Name,
    /// Who sent the command that posted it.
    pub by: Arc<str>,
}

impl PostedBy {
    /// Whether someone other than the update's owner posted it.
    pub fn by_another(&self) -> bool {
        *self.by != *self.owner.as_str()
    }
}

/// The comms rhythm: overdue and late updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UpdatesReport {
    /// How many updates were posted.
    pub count: usize,
    /// When the last one was posted.
    pub last_at: Option<Timestamp>,
    /// When the last one promised the next (none once resolved).
    pub next_due: Option<Timestamp>,
    /// How long the next update is overdue at `now`, in seconds, if it is.
    pub overdue_seconds: Option<i64>,
    /// Every update that came later than promised.
    pub late: Vec<LateUpdate>,
    /// The public updates (what a status page shows), their rhythm on its own.
    pub public: AudienceUpdates,
    /// The internal updates, their rhythm on its own.
    pub internal: AudienceUpdates,
    /// The notices to the affected customers, their rhythm on its own; left
    /// out of the JSON when there is none.
    #[serde(skip_serializing_if = "AudienceUpdates::is_empty")]
    pub customers: AudienceUpdates,
    /// Who posted each update whose command said (`by`); left out of the
    /// JSON when no command did.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub posted_by: Vec<PostedBy>,
}

/// The updates for one audience, each promise held against the next update
/// for the same audience: a status page's reader waits for the next public
/// update, whatever was posted internally meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AudienceUpdates {
    /// How many were posted.
    pub count: usize,
    /// When the last one was posted.
    pub last_at: Option<Timestamp>,
    /// Every one that came after the time the one before it (for the same
    /// audience) promised; `index` is its position among all updates.
    pub late: Vec<LateUpdate>,
}

impl AudienceUpdates {
    /// Whether the audience had no update.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn of(updates: &[CommsUpdate], audience: Audience) -> AudienceUpdates {
        let mine: Vec<(usize, &CommsUpdate)> = updates
            .iter()
            .enumerate()
            .filter(|(_, u)| u.audience() == audience)
            .collect();
        AudienceUpdates {
            count: mine.len(),
            last_at: mine.last().map(|(_, u)| u.at()),
            late: late_in(&mine),
        }
    }
}

/// The updates of `chain` (with their positions among all updates) that
/// came after the time the one before them in `chain` promised.
fn late_in(chain: &[(usize, &CommsUpdate)]) -> Vec<LateUpdate> {
    chain
        .windows(2)
        .filter_map(|w| match w {
            [(_, prev), (index, next)] => prev
                .next_update()
                .filter(|promised| next.at() > *promised)
                .map(|promised| LateUpdate {
                    index: *index,
                    at: next.at(),
                    promised,
                    late_seconds: seconds(promised, next.at()),
                }),
            _ => None,
        })
        .collect()
}

impl UpdatesReport {
    /// The comms rhythm of `incident` at `now`.
    ///
    /// ```
    /// use incident_playbook::{Replay, report::UpdatesReport};
    /// let case = include_str!("../../../tests/conformance/cases/two-incidents-interleaved.jsonl");
    /// let mut replay = Replay::new(Default::default());
    /// case.lines().for_each(|l| { replay.line(l); });
    /// let first = replay.incidents().iter().next().unwrap();
    /// // The declaration promised the next update for 09:35.
    /// let at_9_50 = UpdatesReport::of(first, "2026-05-04T09:50:00Z".parse().unwrap());
    /// assert_eq!(at_9_50.overdue_seconds, Some(15 * 60));
    /// ```
    pub fn of(incident: &Incident, now: Timestamp) -> UpdatesReport {
        let updates: Vec<CommsUpdate> = incident.updates().collect();
        let all: Vec<(usize, &CommsUpdate)> = updates.iter().enumerate().collect();
        let late = late_in(&all);
        let last = updates.last();
        let next_due = last.and_then(|u| u.next_update());
        let overdue_seconds = next_due
            .filter(|due| now > *due && incident.phase() != Phase::Closed)
            .map(|due| seconds(due, now));
        UpdatesReport {
            count: updates.len(),
            last_at: last.map(|u| u.at()),
            next_due,
            overdue_seconds,
            late,
            public: AudienceUpdates::of(&updates, Audience::Public),
            internal: AudienceUpdates::of(&updates, Audience::Internal),
            customers: AudienceUpdates::of(&updates, Audience::Customers),
            posted_by: incident
                .updates_by()
                .enumerate()
                .filter_map(|(index, (u, by))| {
                    by.map(|by| PostedBy {
                        index,
                        at: u.at(),
                        owner: u.owner().clone(),
                        by: by.into(),
                    })
                })
                .collect(),
        }
    }
}
