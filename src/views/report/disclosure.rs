//! Disclosure timing: for an incident the public may have a right to hear
//! about (data exposed or lost, a security incident), how long after the
//! problem was detected the public heard the first word.

use serde::Serialize;

use super::seconds;
use crate::comms::Audience;
use crate::impact::ImpactFlag;
use crate::incident::Incident;
use crate::time::Timestamp;

/// The impact flags that carry a duty to disclose: data exposed, a
/// security incident, data lost.
pub const DISCLOSURE_FLAGS: [ImpactFlag; 3] = [
    ImpactFlag::DataExposure,
    ImpactFlag::SecurityIncident,
    ImpactFlag::DataLoss,
];

/// How long the public waited for the first word about an incident with a
/// duty to disclose.
///
/// ```
/// use incident_playbook::{Playbook, Replay, report::Disclosure};
/// let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
/// let mut replay = Replay::new(Playbook::default());
/// case.lines().for_each(|l| { replay.line(l); });
/// let incident = replay.incidents().iter().next().unwrap();
/// // Uploads failing: no data exposed or lost, no duty to disclose.
/// assert!(Disclosure::of(incident, incident.last_command_at()).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Disclosure {
    /// The impact's flags that carry the duty, in the impact's order.
    pub duties: Vec<ImpactFlag>,
    /// When the clock starts: the detection (`detected_at`), else the
    /// declaration.
    pub since: Timestamp,
    /// When the first public update was posted, if one was.
    pub first_public_at: Option<Timestamp>,
    /// From `since` to the first public update, in seconds; `null` while
    /// there is none.
    pub to_first_public_seconds: Option<i64>,
    /// From `since` to the report's `now`, in seconds, while there is no
    /// public word yet; `null` once there is.
    pub waiting_seconds: Option<i64>,
    /// When the affected customers were first told, by a notice to them
    /// alone (a `customers` update), if that came before the first public
    /// update (or there is none yet): the first word to those affected,
    /// which the public figure does not count. Left out of the JSON
    /// otherwise, when the public word was the first word to them too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_customers_notice_at: Option<Timestamp>,
    /// From `since` to `first_customers_notice_at`, in seconds; left out
    /// with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_first_customers_notice_seconds: Option<i64>,
}

impl Disclosure {
    /// The disclosure timing of `incident` at `now`; `None` when its impact
    /// has none of [`DISCLOSURE_FLAGS`].
    pub fn of(incident: &Incident, now: Timestamp) -> Option<Disclosure> {
        let duties: Vec<ImpactFlag> = (incident.impact().flags().iter())
            .copied()
            .filter(|f| DISCLOSURE_FLAGS.contains(f))
            .collect();
        if duties.is_empty() {
            return None;
        }
        let since = incident.detected_at();
        let first_public_at = incident
            .updates()
            .find(|u| u.audience() == Audience::Public)
            .map(|u| u.at());
        let first_customers_notice_at = incident
            .updates()
            .find(|u| u.audience() == Audience::Customers)
            .map(|u| u.at())
            .filter(|at| first_public_at.is_none_or(|public| at < &public));
        Some(Disclosure {
            duties,
            since,
            first_public_at,
            to_first_public_seconds: first_public_at.map(|at| seconds(since, at)),
            waiting_seconds: first_public_at.is_none().then(|| seconds(since, now)),
            first_customers_notice_at,
            to_first_customers_notice_seconds: first_customers_notice_at
                .map(|at| seconds(since, at)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Disclosure;
    use crate::Playbook;
    use crate::impact::ImpactFlag;
    use crate::views::test_incident;

    /// CircleCI's breach: detected 2022-12-29 12:00 (a customer's report),
    /// first public word 2023-01-05 02:30; before it, the public waits.
    #[test]
    fn the_wait_for_the_first_public_word_is_measured() {
        let incident = test_incident("incidents/circleci-2023-01-04.jsonl");
        let d = Disclosure::of(&incident, incident.last_command_at()).unwrap();
        assert_eq!(
            d.duties,
            [ImpactFlag::SecurityIncident, ImpactFlag::DataExposure]
        );
        assert_eq!(
            d.first_public_at.unwrap().to_string(),
            "2023-01-05T02:30:00Z"
        );
        assert_eq!(
            d.to_first_public_seconds,
            Some(super::seconds(d.since, d.first_public_at.unwrap()))
        );
        assert_eq!(d.waiting_seconds, None);
        let at = "2023-01-05T00:00:00Z".parse().unwrap();
        let then = incident.as_of(at, &Playbook::default()).unwrap();
        let before = Disclosure::of(&then, at).unwrap();
        assert_eq!(before.first_public_at, None);
        assert_eq!(
            before.waiting_seconds,
            Some(super::seconds(before.since, at))
        );
    }

    /// Okta told the affected customers on 2023-10-19, a day before its
    /// public post: the first word to them is measured beside the public's,
    /// which stays the public post. CircleCI sent no such notice: nothing
    /// is added.
    #[test]
    fn a_notice_to_the_affected_customers_first_is_measured_apart() {
        let incident = test_incident("incidents/okta-2023-10-20.jsonl");
        let d = Disclosure::of(&incident, incident.last_command_at()).unwrap();
        assert_eq!(
            d.first_public_at.unwrap().to_string(),
            "2023-10-20T18:00:00Z"
        );
        assert_eq!(
            d.first_customers_notice_at.unwrap().to_string(),
            "2023-10-19T12:00:00Z"
        );
        assert_eq!(
            d.to_first_customers_notice_seconds,
            Some(super::seconds(
                d.since,
                d.first_customers_notice_at.unwrap()
            ))
        );
        let circleci = test_incident("incidents/circleci-2023-01-04.jsonl");
        let d = Disclosure::of(&circleci, circleci.last_command_at()).unwrap();
        assert_eq!(d.first_customers_notice_at, None);
        assert!(
            serde_json::to_value(&d)
                .unwrap()
                .get("first_customers_notice_at")
                .is_none()
        );
    }

    /// Before the first public word, the report says the public is waiting
    /// and never that no update came late.
    #[test]
    fn the_report_says_no_public_word_yet() {
        let incident = test_incident("incidents/circleci-2023-01-04.jsonl");
        let at = "2023-01-05T00:00:00Z".parse().unwrap();
        let text = crate::report::IncidentReport::as_of(&incident, &Playbook::default(), at)
            .unwrap()
            .to_string();
        assert!(
            text.contains(
                "\nDisclosure (security_incident, data_exposure)\n  NO PUBLIC WORD YET: "
            ),
            "{text}"
        );
        assert!(
            !text.contains("no update came later than promised"),
            "{text}"
        );
    }
}
