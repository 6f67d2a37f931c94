//! Comms updates in the playbook's format.
//!
//! > Use concise updates:
//! > Status: investigating | mitigating | monitoring | resolved
//! > Severity: SEV1 | SEV2 | SEV3 | SEV4
//! > Impact: who/what is affected
//! > Action: what we are doing now
//! > Next update: time
//! > Owner: name
//!
//! [`CommsUpdate`] and [`UpdateText`] write and read that format (`text.rs`).

mod audience;
mod text;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::roles::PartialRoles;
use crate::rule::{Rule, Violations, join};
use crate::severity::Severity;
use crate::text::{BoundedText, Name, ShortText, WireBox, WireText, excerpt, judged};
use crate::time::Timestamp;
use crate::wire::{boxed, setters, shared};

pub use audience::Audience;
pub use text::{ParseUpdateError, UpdateProblem, UpdateText};

crate::wire::wire_enum! {
    /// The status line of a comms update: the incident's phase while it is open
    /// or resolved.
    #[non_exhaustive]
    pub enum Status {
        /// Finding out what is wrong.
        Investigating = "investigating",
        /// A mitigation is under way.
        Mitigating = "mitigating",
        /// A mitigation is in place and watched.
        Monitoring = "monitoring",
        /// Verified and resolved.
        Resolved = "resolved",
    }
}

/// A comms update as sent on the wire.
///
/// `status` may be left out (it is implied by the phase after the command);
/// `next_update` may be left out only when the incident is resolved. The
/// severity is never sent: it is the incident's.
///
/// ```
/// use incident_playbook::UpdateInput;
/// let u: UpdateInput = serde_json::from_str(r#"{"impact": "Uploads fail for all users",
///   "action": "Checking the 09:02 deploy", "owner": "Ada",
///   "next_update": "2026-05-04T09:35:00Z"}"#).unwrap();
/// assert!(u.status.is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct UpdateInput {
    /// The phase after the command, if the sender states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Who or what is affected.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireBox::<ShortText>"
    )]
    pub impact: Option<Box<str>>,
    /// What we are doing now.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireBox::<ShortText>"
    )]
    pub action: Option<Box<str>>,
    /// When the next update is due.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::time::blank_as_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "crate::time::BlankableTimestamp"))]
    pub next_update: Option<Timestamp>,
    /// Who posts it; holds a role in the incident.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Name>"
    )]
    pub owner: Option<Arc<str>>,
    /// Who it is for: `internal` when absent; a `public` one is posted by
    /// the communications owner (`public-update-not-by-comms-owner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
}

/// A posted comms update, as the incident keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(with = "PostedUpdate"))]
#[serde(from = "PostedUpdate", into = "PostedUpdate")]
pub struct CommsUpdate {
    at: Timestamp,
    text: UpdateText,
    audience: Audience,
}

/// The flat JSON form of a [`CommsUpdate`]: the six fields and the time.
///
/// Reading it checks the texts only: the rules about the next update are
/// reported by the snapshot's checks, with the update's path.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct PostedUpdate {
    at: Timestamp,
    status: Status,
    severity: Severity,
    impact: ShortText,
    action: ShortText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    next_update: Option<Timestamp>,
    owner: Name,
    /// Left out when internal, as every update was before audiences existed.
    #[serde(default, skip_serializing_if = "Audience::is_internal")]
    audience: Audience,
}

impl From<PostedUpdate> for CommsUpdate {
    fn from(p: PostedUpdate) -> Self {
        let text = UpdateText {
            status: p.status,
            severity: p.severity,
            impact: p.impact,
            action: p.action,
            next_update: p.next_update,
            owner: p.owner,
        };
        CommsUpdate {
            at: p.at,
            text,
            audience: p.audience,
        }
    }
}

impl From<CommsUpdate> for PostedUpdate {
    fn from(u: CommsUpdate) -> Self {
        let UpdateText {
            status,
            severity,
            impact,
            action,
            next_update,
            owner,
        } = u.text;
        let audience = u.audience;
        PostedUpdate {
            at: u.at,
            status,
            severity,
            impact,
            action,
            next_update,
            owner,
            audience,
        }
    }
}

/// The two rules about when the next update comes, for an update with
/// `status` posted at `at` (`None` while it is not posted yet, when only the
/// first applies): "Next update: time" unless resolved
/// (`update-needs-next-update`), and strictly after the update itself
/// (`next-update-not-after-update`).
pub(crate) fn next_update_problem(
    status: Status,
    next: Option<Timestamp>,
    at: Option<Timestamp>,
) -> Option<(Rule, String)> {
    match (next, at) {
        (None, _) if status != Status::Resolved => Some((
            Rule::UpdateNeedsNextUpdate,
            format!("a `{status}` update says when the next update comes"),
        )),
        (Some(next), Some(at)) if next <= at => Some((
            Rule::NextUpdateNotAfterUpdate,
            format!("the next update ({next}) must come after this one ({at})"),
        )),
        _ => None,
    }
}

impl CommsUpdate {
    /// When it was posted.
    pub fn at(&self) -> Timestamp {
        self.at
    }
    /// The six lines of this update (everything but the time it was posted).
    pub fn text(&self) -> UpdateText {
        self.text.clone()
    }
    /// The status line.
    pub fn status(&self) -> Status {
        self.text.status()
    }
    /// The incident's severity when it was posted.
    pub fn severity(&self) -> Severity {
        self.text.severity()
    }
    /// Who or what is affected.
    pub fn impact(&self) -> &ShortText {
        self.text.impact()
    }
    /// What we are doing now.
    pub fn action(&self) -> &ShortText {
        self.text.action()
    }
    /// When the next update is due (absent once resolved).
    pub fn next_update(&self) -> Option<Timestamp> {
        self.text.next_update()
    }
    /// Who posted it.
    pub fn owner(&self) -> &Name {
        self.text.owner()
    }

    /// The update an accepted command carrying `input` posted at `at`, with
    /// the status and severity the incident gave it: built again from the
    /// command, its texts shared (counted, not copied). `None` for an input
    /// without its texts, which no accepted command has.
    pub(crate) fn posted(
        at: Timestamp,
        status: Status,
        severity: Severity,
        input: &UpdateInput,
    ) -> Option<CommsUpdate> {
        let text = UpdateText {
            status,
            severity,
            impact: ShortText::from_checked(Arc::from(input.impact.as_deref()?)),
            action: ShortText::from_checked(Arc::from(input.action.as_deref()?)),
            next_update: input.next_update,
            owner: Name::from_checked(input.owner.clone()?),
        };
        let audience = input.audience.unwrap_or_default();
        Some(CommsUpdate { at, text, audience })
    }
    /// Who it is for (internal unless the update said public).
    pub fn audience(&self) -> Audience {
        self.audience
    }

    /// Checks an update carried by a command. `status_after` is the phase
    /// after the command, `roles` the roles after it.
    pub(crate) fn check(
        report: &mut Violations,
        path: &str,
        input: Option<&UpdateInput>,
        at: Timestamp,
        status_after: Status,
        severity: Severity,
        roles: &PartialRoles,
    ) -> Option<Posted> {
        let Some(input) = input else {
            report.push(
                Rule::UpdateRequired,
                path,
                "post a comms update with current status, owner, and next update time",
            );
            return None;
        };
        if let Some(status) = input.status
            && status != status_after
        {
            report.push(
                Rule::UpdateStatusMismatch,
                &join(path, "status"),
                format!("the update says `{status}` but the incident will be `{status_after}`"),
            );
        }
        // Checked where they are: the incident builds its updates from
        // the commands, so it keeps no copy.
        let impact = report.valid_text::<ShortText>(
            &join(path, "impact"),
            input.impact.as_deref(),
            Rule::FieldEmpty,
        );
        let action = report.valid_text::<ShortText>(
            &join(path, "action"),
            input.action.as_deref(),
            Rule::FieldEmpty,
        );
        if let Some((rule, message)) =
            next_update_problem(status_after, input.next_update, Some(at))
        {
            report.push(rule, &join(path, "next_update"), message);
        }
        let owner =
            report.text::<Name, _>(&join(path, "owner"), input.owner.as_ref(), Rule::FieldEmpty);
        let audience = input.audience.unwrap_or_default();
        if let Some(name) = judged(owner.as_ref(), input.owner.as_deref()) {
            if !roles.holds(name) {
                report.push(
                    Rule::UpdateOwnerNotAssigned,
                    &join(path, "owner"),
                    format!("{} holds no role in the incident", excerpt(name, 200)),
                );
            }
            audience::check_owner(report, &join(path, "owner"), audience, name, roles);
        }
        impact?;
        action?;
        owner?;
        Some(Posted {
            status: status_after,
            severity,
        })
    }
}

/// What the incident gives a checked update that its command does not say:
/// its status (from the phase after the command) and its severity. With the
/// command, the whole [`CommsUpdate`] ([`CommsUpdate::posted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Posted {
    pub(crate) status: Status,
    pub(crate) severity: Severity,
}

impl UpdateInput {
    /// An update with its three texts: the impact, the action under way and
    /// its owner (the status follows from the command's phase).
    pub fn new(
        impact: impl Into<String>,
        action: impl Into<String>,
        owner: impl Into<String>,
    ) -> Self {
        UpdateInput {
            impact: Some(boxed(impact)),
            action: Some(boxed(action)),
            owner: Some(shared(owner)),
            ..UpdateInput::default()
        }
    }
}

setters!(UpdateInput {
    status(status: Status) => status;
    next_update(at: Timestamp) => at;
    audience(audience: Audience) => audience;
});
