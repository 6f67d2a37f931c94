//! Who an update is for: the responders (`internal`), everyone who follows
//! the incident from outside (`public`, a status page), or the affected
//! customers only (`customers`, a notice sent to them).
//!
//! > Communications owner: posts status updates to stakeholders.
//! > SEV1 … engineering lead owns comms

use crate::roles::{PartialRoles, Role};
use crate::rule::{Rule, Violations};

crate::wire::wire_enum! {
    /// Who an update is for. Internal unless the sender says otherwise.
    ///
    /// ```
    /// use incident_playbook::state::Audience;
    /// assert_eq!(Audience::default(), Audience::Internal);
    /// let a: Audience = serde_json::from_str(r#""public""#).unwrap();
    /// assert_eq!(a, Audience::Public);
    /// ```
    #[derive(Default)]
    #[non_exhaustive]
    pub enum Audience {
        /// The responders and the company: may say what is not yet disclosed.
        #[default]
        Internal = "internal",
        /// Everyone: what may be pasted on a status page.
        Public = "public",
        /// The affected customers only: a notice sent to them, external but
        /// not for the status page.
        Customers = "customers",
    }
}

impl Audience {
    /// Whether it is the default, internal (then it is left out of the JSON).
    pub fn is_internal(&self) -> bool {
        *self == Audience::Internal
    }

    /// Whether it goes outside the company (`public` or `customers`): the
    /// communications owner posts it.
    ///
    /// ```
    /// use incident_playbook::state::Audience;
    /// assert!(Audience::Customers.is_external());
    /// assert!(!Audience::Internal.is_external());
    /// ```
    pub fn is_external(&self) -> bool {
        matches!(self, Audience::Public | Audience::Customers)
    }
}

/// `public-update-not-by-comms-owner`: an external update (`public`, or
/// `customers`: external communication too) is posted by the incident's
/// communications owner (at SEV1 the engineering lead, by
/// `sev1-comms-by-engineering-lead`).
pub(crate) fn check_owner(
    report: &mut Violations,
    path: &str,
    audience: Audience,
    owner: &str,
    roles: &PartialRoles,
) {
    if !audience.is_external() {
        return;
    }
    let what = match audience {
        Audience::Customers => "an update to customers",
        _ => "a public update",
    };
    // A name over its limit still holds the role it was given for this
    // comparison: it is `field-too-long` once, and judged by every other rule.
    match roles.named(Role::CommunicationsOwner) {
        Some(comms) if comms == owner => {}
        Some(comms) => report.push(
            Rule::PublicUpdateNotByCommsOwner,
            path,
            format!(
                "{what} is posted by the communications owner ({}), not {}",
                crate::text::excerpt(comms, 200),
                crate::text::excerpt(owner, 200)
            ),
        ),
        None => report.push(
            Rule::PublicUpdateNotByCommsOwner,
            path,
            format!("{what} is posted by the communications owner: assign one first"),
        ),
    }
}
