//! The incident roles, and the per-severity rules about who holds them.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::rule::{Rule, Violations, join};
use crate::severity::Severity;
use crate::text::{BoundedText, Name, TextSource, WireText, excerpt, is_blank};
use crate::wire::{setters, shared};

crate::wire::wire_enum! {
    /// A role in an incident.
    ///
    /// - Incident commander: coordinates response, keeps scope clear, decides mitigation path.
    /// - Technical lead: investigates and implements fix or rollback.
    /// - Communications owner: posts status updates to stakeholders.
    /// - Scribe: records timeline, decisions, links, and follow-ups.
    /// - Engineering lead: not an incident role, but SEV1 comms belong to that person.
    ///
    /// ```
    /// use incident_playbook::state::Role;
    /// assert_eq!(Role::CommunicationsOwner.as_str(), "communications_owner");
    /// ```
    #[derive(PartialOrd, Ord)]
    #[non_exhaustive]
    pub enum Role {
        /// Coordinates response, keeps scope clear, decides mitigation path.
        Commander = "commander",
        /// Investigates and implements fix or rollback.
        TechnicalLead = "technical_lead",
        /// Posts status updates to stakeholders.
        CommunicationsOwner = "communications_owner",
        /// Records timeline, decisions, links, and follow-ups.
        Scribe = "scribe",
        /// Owns comms for SEV1 incidents.
        EngineeringLead = "engineering_lead",
    }
}

/// Who holds which role, as sent on the wire: every role optional, so that a
/// missing commander is reported as `commander-required`, not as malformed input.
///
/// ```
/// use incident_playbook::RolesInput;
/// let roles: RolesInput = serde_json::from_str(r#"{"commander": "Ada"}"#).unwrap();
/// assert_eq!(roles.commander.as_deref(), Some("Ada"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RolesInput {
    /// The incident commander.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<Name>>"
    )]
    pub commander: Option<Arc<str>>,
    /// The technical lead.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<Name>>"
    )]
    pub technical_lead: Option<Arc<str>>,
    /// The communications owner.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<Name>>"
    )]
    pub communications_owner: Option<Arc<str>>,
    /// The scribe.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<Name>>"
    )]
    pub scribe: Option<Arc<str>>,
    /// The engineering lead (owns SEV1 comms).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "WireText::<Option<Name>>"
    )]
    pub engineering_lead: Option<Arc<str>>,
}

impl RolesInput {
    /// The name given for `role`, if any.
    pub fn get(&self, role: Role) -> Option<&str> {
        self.shared(role).map(|n| &**n)
    }

    /// The name given for `role`, as the command holds it: a holder checked
    /// from it shares it.
    fn shared(&self, role: Role) -> Option<&Arc<str>> {
        match role {
            Role::Commander => self.commander.as_ref(),
            Role::TechnicalLead => self.technical_lead.as_ref(),
            Role::CommunicationsOwner => self.communications_owner.as_ref(),
            Role::Scribe => self.scribe.as_ref(),
            Role::EngineeringLead => self.engineering_lead.as_ref(),
        }
    }
}

/// Who holds which role in an incident. There is always a commander.
///
/// ```
/// use incident_playbook::{Name, state::{Role, Roles}};
/// let roles = Roles::with_commander(Name::new("Ada").unwrap());
/// assert_eq!(roles.commander().as_str(), "Ada");
/// assert!(roles.get(Role::Scribe).is_none());
/// assert!(roles.holds("Ada"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Roles {
    commander: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    technical_lead: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    communications_owner: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scribe: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    engineering_lead: Option<Name>,
}

impl Roles {
    /// Roles with only a commander.
    pub fn with_commander(commander: Name) -> Self {
        Roles {
            commander,
            technical_lead: None,
            communications_owner: None,
            scribe: None,
            engineering_lead: None,
        }
    }

    /// The incident commander.
    pub fn commander(&self) -> &Name {
        &self.commander
    }

    /// Who holds `role`, if anyone.
    pub fn get(&self, role: Role) -> Option<&Name> {
        match role {
            Role::Commander => Some(&self.commander),
            Role::TechnicalLead => self.technical_lead.as_ref(),
            Role::CommunicationsOwner => self.communications_owner.as_ref(),
            Role::Scribe => self.scribe.as_ref(),
            Role::EngineeringLead => self.engineering_lead.as_ref(),
        }
    }

    /// Whether `person` holds any of the five roles.
    pub fn holds(&self, person: &str) -> bool {
        Role::ALL
            .iter()
            .any(|r| self.get(*r).is_some_and(|n| n.as_str() == person))
    }

    /// Every assigned role with its holder.
    pub fn iter(&self) -> impl Iterator<Item = (Role, &Name)> {
        Role::ALL
            .into_iter()
            .filter_map(|r| self.get(r).map(|n| (r, n)))
    }

    /// The role rules that `roles` breaks at `severity`.
    ///
    /// ```
    /// use incident_playbook::{Name, Rule, Severity, state::Roles};
    /// let roles = Roles::with_commander(Name::new("Ada").unwrap());
    /// assert!(roles.broken_rules(Severity::Sev3).is_empty());
    /// assert!(roles.broken_rules(Severity::Sev1).contains(&Rule::Sev1NeedsScribe));
    /// ```
    pub fn broken_rules(&self, severity: Severity) -> Vec<Rule> {
        let mut report = Violations::new();
        PartialRoles::from(self).check(&mut report, "roles", severity, &[]);
        report
            .into_rejection()
            .map(|r| r.rules())
            .unwrap_or_default()
    }
}

/// Roles while a command is checked: any may be missing.
///
/// The holders are borrowed from the incident until a command changes them,
/// so checking a command that leaves the roles alone copies no name.
#[derive(Debug, Clone, Default)]
pub(crate) struct PartialRoles<'a> {
    slots: [Option<Cow<'a, Name>>; 5],
    /// Names given that are over the limit: already `field-too-long`, and not
    /// missing, so no rule about a missing holder names them again; the rules
    /// that compare holders still judge them. Copied only on
    /// this error path.
    too_long: [Option<String>; 5],
}

/// The rule that demands a holder for `role` at `severity`, if one does: a
/// blank or missing name for that role is reported under it, not as
/// `field-empty` (the rule that demands the value names it).
pub(crate) fn rule_demanding(role: Role, severity: Severity) -> Option<Rule> {
    let full = severity.requires_full_roles();
    match role {
        Role::Commander => Some(Rule::CommanderRequired),
        Role::Scribe if full => Some(Rule::Sev1NeedsScribe),
        Role::EngineeringLead | Role::CommunicationsOwner if full => {
            Some(Rule::Sev1CommsByEngineeringLead)
        }
        _ => None,
    }
}

fn slot(role: Role) -> usize {
    match role {
        Role::Commander => 0,
        Role::TechnicalLead => 1,
        Role::CommunicationsOwner => 2,
        Role::Scribe => 3,
        Role::EngineeringLead => 4,
    }
}

impl<'a> From<&'a Roles> for PartialRoles<'a> {
    fn from(r: &'a Roles) -> Self {
        // Destructured whole, so that a new role cannot be left out here.
        let Roles {
            commander,
            technical_lead,
            communications_owner,
            scribe,
            engineering_lead,
        } = r;
        PartialRoles {
            slots: [
                Some(Cow::Borrowed(commander)),
                technical_lead.as_ref().map(Cow::Borrowed),
                communications_owner.as_ref().map(Cow::Borrowed),
                scribe.as_ref().map(Cow::Borrowed),
                engineering_lead.as_ref().map(Cow::Borrowed),
            ],
            too_long: Default::default(),
        }
    }
}

impl PartialRoles<'_> {
    pub(crate) fn get(&self, role: Role) -> Option<&Name> {
        self.slots.get(slot(role)).and_then(Option::as_deref)
    }

    pub(crate) fn set(&mut self, role: Role, person: Option<Name>) {
        if let Some(s) = self.slots.get_mut(slot(role)) {
            *s = person.map(Cow::Owned);
        }
    }

    /// The name `role` was given: its holder, or a name refused as too long.
    pub(crate) fn named(&self, role: Role) -> Option<&str> {
        self.get(role)
            .map(Name::as_str)
            .or_else(|| self.too_long.get(slot(role)).and_then(|n| n.as_deref()))
    }

    /// Whether `person` holds a role, or was just named for one with a name
    /// refused as too long (the same person, whose name is at fault once).
    pub(crate) fn holds(&self, person: &str) -> bool {
        self.slots.iter().flatten().any(|n| n.as_str() == person)
            || self.too_long.iter().flatten().any(|n| n == person)
    }

    /// Takes every named role of `input` into `self` (the names given replace
    /// the holders; roles not named are kept). Blank names are left out and
    /// returned, so that the role rules can name them.
    pub(crate) fn merge_input(
        &mut self,
        report: &mut Violations,
        path: &str,
        input: &RolesInput,
    ) -> Vec<Role> {
        let mut blank = Vec::new();
        for role in Role::ALL {
            if let Some(name) = input.shared(role) {
                let p = join(path, role.as_str());
                if is_blank(name) {
                    blank.push(role);
                    self.set(role, None);
                    continue;
                }
                self.give(report, &p, role, name);
            }
        }
        blank
    }

    /// Gives `role` to `name`, which is not blank, reported at `path` if it
    /// is too long: then the role is named but has no holder (see
    /// `too_long`). A command's name (an `Arc<str>`) is shared, not copied.
    pub(crate) fn give<S: TextSource + AsRef<str> + ?Sized>(
        &mut self,
        report: &mut Violations,
        path: &str,
        role: Role,
        name: &S,
    ) {
        let checked = report.text::<Name, _>(path, Some(name), Rule::FieldEmpty);
        if checked.is_none()
            && let Some(too_long) = self.too_long.get_mut(slot(role))
        {
            *too_long = Some(name.as_ref().to_owned());
        }
        self.set(role, checked);
    }

    /// The role rules at `severity`. `blank` lists roles given blank on the
    /// wire: one that a rule demands is reported under that rule, any other as
    /// `field-empty`.
    pub(crate) fn check(
        &self,
        report: &mut Violations,
        path: &str,
        severity: Severity,
        blank: &[Role],
    ) {
        if self.named(Role::Commander).is_none() {
            report.push(
                Rule::CommanderRequired,
                &join(path, "commander"),
                "every incident has a named commander",
            );
        }
        if severity.requires_full_roles() {
            match (self.named(Role::Scribe), self.named(Role::Commander)) {
                (None, _) => report.push(
                    Rule::Sev1NeedsScribe,
                    &join(path, "scribe"),
                    "a SEV1 incident needs a named scribe",
                ),
                (Some(s), Some(c)) if s == c => report.push(
                    Rule::Sev1ScribeNotCommander,
                    &join(path, "scribe"),
                    format!("in a SEV1 incident the scribe and the commander are different people; both are {}", excerpt(s, Name::MAX)),
                ),
                _ => {}
            }
            match (self.named(Role::EngineeringLead), self.named(Role::CommunicationsOwner)) {
                (None, _) => report.push(
                    Rule::Sev1CommsByEngineeringLead,
                    &join(path, "engineering_lead"),
                    "a SEV1 incident names its engineering lead, who owns comms",
                ),
                (Some(_), None) => report.push(
                    Rule::Sev1CommsByEngineeringLead,
                    &join(path, "communications_owner"),
                    "a SEV1 incident's communications owner is its engineering lead; none is named",
                ),
                (Some(lead), Some(comms)) if lead != comms => report.push(
                    Rule::Sev1CommsByEngineeringLead,
                    &join(path, "communications_owner"),
                    format!("a SEV1 incident's communications owner is its engineering lead ({}), not {}", excerpt(lead, Name::MAX), excerpt(comms, Name::MAX)),
                ),
                _ => {}
            }
        }
        for role in blank {
            if rule_demanding(*role, severity).is_none() {
                report.push(
                    Rule::FieldEmpty,
                    &join(path, role.as_str()),
                    "a role holds a named person; the name is blank (leave the role out instead)",
                );
            }
        }
    }

    /// The finished roles, if there is a commander.
    pub(crate) fn finish(self) -> Option<Roles> {
        let [
            commander,
            technical_lead,
            communications_owner,
            scribe,
            engineering_lead,
        ] = self.slots;
        // Names are copied only here, for a command that sets new roles.
        Some(Roles {
            commander: commander?.into_owned(),
            technical_lead: technical_lead.map(Cow::into_owned),
            communications_owner: communications_owner.map(Cow::into_owned),
            scribe: scribe.map(Cow::into_owned),
            engineering_lead: engineering_lead.map(Cow::into_owned),
        })
    }
}

setters!(RolesInput {
    commander(person: impl Into<String>) => shared(person);
    technical_lead(person: impl Into<String>) => shared(person);
    communications_owner(person: impl Into<String>) => shared(person);
    scribe(person: impl Into<String>) => shared(person);
    engineering_lead(person: impl Into<String>) => shared(person);
});
