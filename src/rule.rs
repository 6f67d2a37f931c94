//! The rule catalogue: every enforceable rule of the playbook, by its stable id.
//!
//! The ids are public API: tools match on them, so an id is never renamed or
//! reused. Each variant's doc comment quotes the playbook sentence it enforces,
//! where there is one.

use std::fmt;
use std::str::FromStr;

use arrayvec::ArrayString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $variant:ident = $id:literal, $summary:literal $(, $retired:ident)?; )*) => {
        /// A rule of the playbook, named by its stable id.
        ///
        /// ```
        /// use incident_playbook::Rule;
        /// assert_eq!(Rule::Sev1NeedsScribe.id(), "sev1-needs-scribe");
        /// assert_eq!("sev1-needs-scribe".parse::<Rule>(), Ok(Rule::Sev1NeedsScribe));
        /// assert!(Rule::ALL.len() >= 45);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in the order of the catalogue.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable kebab-case id, as in the contract's rule catalogue.
            pub const fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// One line saying what the rule demands (for a retired rule:
            /// what it demanded).
            pub const fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }

            /// Whether the rule is retired: kept in the catalogue, so that its
            /// id is never reused and a reader that matches on it still
            /// compiles, but never reported any more (a better reading of the
            /// playbook replaced it; its doc says which).
            ///
            /// ```
            /// use incident_playbook::Rule;
            /// assert!(Rule::OccurredBeforeImpact.is_retired());
            /// assert!(!Rule::Sev1NeedsScribe.is_retired());
            /// assert!(Rule::active().all(|r| !r.is_retired()));
            /// ```
            pub const fn is_retired(self) -> bool {
                match self { $( Rule::$variant => rules!(@retired $($retired)?), )* }
            }
        }

        impl Rule {
            /// Every rule that can still be reported (`ALL` without the retired ones), in
            /// catalogue order.
            pub fn active() -> impl Iterator<Item = Rule> {
                Rule::ALL.iter().copied().filter(|r| !r.is_retired())
            }
        }

        impl FromStr for Rule {
            type Err = UnknownRule;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $id => Ok(Rule::$variant), )*
                    _ => Err(UnknownRule(s.to_owned())),
                }
            }
        }
    };
    (@retired) => { false };
    (@retired retired) => { true };
}

rules! {
    // ---- Envelope and lifecycle ----
    /// Not JSON, wrong type, unknown field, unknown command `type`, bad UUID or
    /// timestamp. Unknown fields are refused so that a typo never drops data silently.
    MalformedInput = "malformed-input", "The input is not a well-formed command or document.";
    /// Any command but `declare` for an incident that was never declared.
    NotDeclared = "not-declared", "Only `declare` may address an incident that was never declared.";
    /// A second `declare` for the same incident.
    AlreadyDeclared = "already-declared", "An incident is declared once.";
    /// Any command for a closed incident but the amendments
    /// ([`CommandKind::amends`](crate::command::CommandKind::amends)): later
    /// findings a closed incident still takes.
    IncidentClosed = "incident-closed", "A closed incident takes no command but an amendment.";
    /// The command is not allowed in the incident's current phase (the phase table, [`Transition::of`](crate::Transition::of)).
    NotAllowedInPhase = "not-allowed-in-phase", "The command is not allowed in the current phase.";
    /// A command's `at` is earlier than the incident's last accepted command.
    TimestampRegressed = "timestamp-regressed", "Commands arrive in time order.";
    /// A command's `at` is more than a bounded skew after the receiver's
    /// clock ([`Receiver::check`](crate::Receiver::check)). The design notes:
    /// "Who and when are facts, not claims. … The library … offers a
    /// judgement of a command's `at` against the receiver's clock (a bounded
    /// skew), so every embedder can refuse a command dated in the future."
    /// A history replayed without a receiver is not judged by it.
    RecordedInTheFuture = "recorded-in-the-future", "A command is not dated after the receiver's clock, beyond a bounded skew.";
    /// `expected_version` is given and differs from the incident's version.
    VersionConflict = "version-conflict", "The sender saw another version of the incident.";
    /// A `command_id` already accepted for this incident comes again with different content.
    CommandIdReused = "command-id-reused", "A command id names one command only.";
    /// A required text is missing or blank, where no more specific rule applies.
    FieldEmpty = "field-empty", "A required text is missing or blank.";
    /// A name over 200 characters, a short text over 2,000, a long text over
    /// 65,536, or a list over 1,000 items.
    FieldTooLong = "field-too-long", "A text or list is over its length limit.";

    // ---- Declaring: first 15 minutes ----
    /// > Confirm impact: affected environment, users, feature, and start time.
    ///
    /// (reading: the start time is confirmed once known; an impact may be
    /// recorded without it, and the report says the step is not done until
    /// it is)
    ImpactIncomplete = "impact-incomplete", "Impact confirms environment, users and feature.";
    /// Retired in 0.2: never reported. It refused an impact that started
    /// after the declaration, but a first sign (a slow internal component)
    /// can come hours before users are hit, and `impact.started_at` is when
    /// users were hit. The start is now a true time like the others
    /// (`occurred-after-recorded`).
    ImpactStartAfterDeclaration = "impact-start-after-declaration", "Impact starts no later than the declaration.", retired;
    /// A true time (`detected_at` of `declare`, `impact.started_at`,
    /// `occurred_at` of `add_note`, `record_root_cause` and
    /// `start_mitigation`) says when something really happened; it cannot be
    /// after the command that records it. It may be before the impact
    /// started, and the impact may start after the declaration.
    OccurredAfterRecorded = "occurred-after-recorded", "A true time is no later than the command that records it.";
    /// > Confirm impact: affected environment, users, feature, and start time.
    ///
    /// Retired in 0.2: never reported. It read this as "what responders
    /// detected or did happened once the impact had started", but causes
    /// come before the impact (a configuration change the day before,
    /// malware planted days earlier), and a first sign can precede it.
    OccurredBeforeImpact = "occurred-before-impact", "A true time is not before the impact started.", retired;
    /// *Addition.* `impact.ended_at` (when user impact ended, a true time)
    /// goes with `user_impact_active: false`: an impact still active has not
    /// ended.
    ImpactEndedWhileActive = "impact-ended-while-active", "An impact that ended is no longer active.";
    /// *Addition.* `impact.ended_at` is not before `impact.started_at`.
    ImpactEndedBeforeStarted = "impact-ended-before-started", "User impact does not end before it started.";
    /// > SEV1: Broad outage, active data exposure, data loss, or security incident.
    /// > SEV2: Major feature broken for many users or important environment blocked.
    /// > SEV3: Degraded feature, workaround exists, limited impact.
    SeverityBelowFloor = "severity-below-floor", "Severity is at least the floor set by the impact flags.";
    /// `change_severity` must change the severity.
    SeverityUnchanged = "severity-unchanged", "A severity change changes the severity.";
    /// > Start an incident thread with current status, owner, and next update time.
    UpdateRequired = "update-required", "Declaring, changing phase and changing severity post a comms update.";

    // ---- Roles ----
    /// > Assign severity and roles.
    ///
    /// and SEV3: "Prioritize in normal flow with clear owner".
    CommanderRequired = "commander-required", "Every incident has a commander.";
    /// > One person can hold multiple roles for small incidents, but SEV1
    /// > incidents need a named commander and scribe.
    Sev1NeedsScribe = "sev1-needs-scribe", "A SEV1 incident has a named scribe.";
    /// > One person can hold multiple roles for small incidents, but SEV1
    /// > incidents need a named commander and scribe.
    ///
    /// (reading: at SEV1 the two are different people)
    Sev1ScribeNotCommander = "sev1-scribe-not-commander", "In a SEV1 incident the scribe is not the commander.";
    /// > SEV1 … Immediate mitigation, engineering lead owns comms, postmortem required
    Sev1CommsByEngineeringLead = "sev1-comms-by-engineering-lead", "A SEV1 incident's communications owner is its engineering lead.";
    /// *Addition.* The playbook document may reserve a command type to the
    /// holders of some roles (`permissions`); such a command says who sent
    /// it (`by`), and that person holds one of them. The seed playbook
    /// reserves nothing.
    SenderNotPermitted = "sender-not-permitted", "A command the playbook reserves to some roles is sent by a holder of one of them.";

    // ---- Communications ----
    /// > Next update: time
    UpdateNeedsNextUpdate = "update-needs-next-update", "Every update names the next update time unless resolved.";
    /// The next update is promised for later than the update itself.
    NextUpdateNotAfterUpdate = "next-update-not-after-update", "The next update is after this one.";
    /// > Owner: name
    UpdateOwnerNotAssigned = "update-owner-not-assigned", "An update's owner holds a role in the incident.";
    /// > Status: investigating | mitigating | monitoring | resolved
    UpdateStatusMismatch = "update-status-mismatch", "An update's status is the incident's phase after the command.";
    /// > Communications owner: posts status updates to stakeholders.
    /// > SEV1 … engineering lead owns comms
    ///
    /// (reading: a `public` update, the one stakeholders outside see, is
    /// posted by the communications owner; at SEV1 that is the engineering lead)
    PublicUpdateNotByCommsOwner = "public-update-not-by-comms-owner", "A public update is posted by the communications owner.";

    // ---- Mitigation ----
    /// > Mitigate before root-cause analysis when user impact is active.
    MitigateBeforeRca = "mitigate-before-rca", "While users are hurt, mitigation starts before root cause is recorded.";
    /// > Roll back to the previous container image tag.
    RollbackSameTag = "rollback-same-tag", "A rollback goes to another tag than the one running.";
    /// > External services: confirm Azure OpenAI, Vision, Document Intelligence,
    /// > Blob Storage, PostgreSQL, Clerk, and Front Door/CDN as relevant.
    UnknownDependency = "unknown-dependency", "A named dependency is in the playbook's catalogue.";
    /// > API: check /health/live, /health/ready, /health/status, and the affected endpoint.
    ///
    /// (a custom playbook names its own health endpoints; a result is for one of them)
    UnknownHealthEndpoint = "unknown-health-endpoint", "A health result names a health endpoint of the playbook.";
    /// > Disable or bypass the failing optional dependency where product behavior allows it.
    DependencyNotOptional = "dependency-not-optional", "Only an optional dependency can be disabled or bypassed.";
    /// > Temporarily block a risky endpoint only when the security or
    /// > data-integrity risk is higher than the availability impact.
    BlockEndpointRiskNotHigher = "block-endpoint-risk-not-higher", "Blocking an endpoint needs a security risk above the availability impact.";
    /// > Temporarily block a risky endpoint …
    ///
    /// (reading of "temporarily": a block is lifted before the incident closes)
    BlockNotLifted = "block-not-lifted", "Every blocked endpoint is lifted before closing.";
    /// `lift_block` names an endpoint that is not blocked.
    NoSuchBlock = "no-such-block", "Only a blocked endpoint can be lifted.";
    /// > Disable or bypass the failing optional dependency where product behavior allows it.
    /// > Pause a rollout or promotion.
    ///
    /// (reading: like a block, a disabled or bypassed dependency and a paused
    /// rollout are temporary measures, ended (undone) before the incident closes)
    TemporaryMeasureInEffect = "temporary-measure-in-effect", "Every disabled dependency and paused rollout is ended before closing.";
    /// `end_mitigation` names a number that is none of the incident's mitigations.
    NoSuchMitigation = "no-such-mitigation", "Only a mitigation the incident started can be ended.";
    /// `end_mitigation` names a mitigation that has ended already.
    MitigationAlreadyEnded = "mitigation-already-ended", "A mitigation ends once.";
    /// *Addition.* `end_mitigation`'s `occurred_at` (when it really ended)
    /// is not before the mitigation's own true start.
    EndedBeforeStarted = "ended-before-started", "A mitigation does not end before it started.";
    /// *Addition.* `revise_outcome` names a mitigation still in effect: it
    /// has no outcome yet to revise (`end_mitigation` gives one).
    MitigationNotEnded = "mitigation-not-ended", "Only an ended mitigation's outcome can be revised.";

    // ---- Resolving: verification ----
    /// > Mitigate before root-cause analysis when user impact is active.
    ///
    /// While user impact is active, an incident resolves only from `monitoring`.
    ResolveFromMonitoring = "resolve-from-monitoring", "With active user impact, resolve only from monitoring.";
    /// > API: check /health/live, /health/ready, /health/status, and the affected endpoint.
    VerificationApiHealth = "verification-api-health", "All health endpoints pass before resolving.";
    /// > API: check /health/live, /health/ready, /health/status, and the affected endpoint.
    VerificationEndpoints = "verification-endpoints", "Every affected endpoint was checked and passes.";
    /// > Frontend: load the app through the deployed URL, log in with Clerk, and
    /// > exercise the affected workflow.
    VerificationFrontend = "verification-frontend", "A frontend impact is verified in the deployed app.";
    /// > Data: verify no unauthorized access, failed migration, duplicate
    /// > processing, or partial delete remains.
    VerificationData = "verification-data", "A data impact is verified clean.";
    /// > External services: confirm … as relevant.
    VerificationDependencies = "verification-dependencies", "Every affected dependency is confirmed healthy.";
    /// *Addition*: the playbook does not say how a check that cannot pass is
    /// accepted. The commander decides, as for the mitigation path:
    /// > Incident commander: coordinates response, keeps scope clear, decides mitigation path.
    ExceptionNotByCommander = "exception-not-by-commander", "Only the incident commander accepts a failing verification check.";
    /// *Addition*: an exception names a check of the verification the
    /// impact demands (`SECTION.KEY`, such as `data.no_partial_delete`).
    ExceptionUnknownCheck = "exception-unknown-check", "An exception names a check the verification demands.";
    /// *Addition*: an exception is for a check that did not pass; the record
    /// says nothing was accepted when nothing failed.
    ExceptionForPassingCheck = "exception-for-passing-check", "An exception is only for a check that did not pass.";
    /// > Check recent deploys, migrations, provider status, logs, and health endpoints.
    TriageChecksMissing = "triage-checks-missing", "A SEV1/SEV2 incident resolves after all five triage checks.";
    /// > SEV2 … Same-day mitigation, incident notes required
    NotesRequired = "notes-required", "A SEV1/SEV2 incident resolves with notes.";

    // ---- Postmortem and closing ----
    /// > SEV1 and SEV2 incidents require a postmortem.
    PostmortemRequired = "postmortem-required", "A SEV1/SEV2 incident closes with a published postmortem.";
    /// The postmortem template: Date, Severity, Owners, Status, Summary, Impact,
    /// Timeline, Root Cause, What Worked, What Did Not Work, Action Items.
    PostmortemIncomplete = "postmortem-incomplete", "A published postmortem fills every section.";
    /// Template: "Severity:"
    PostmortemSeverityMismatch = "postmortem-severity-mismatch", "The postmortem's severity is the incident's peak severity.";
    /// Template: "## Timeline"
    PostmortemTimelineUnordered = "postmortem-timeline-unordered", "The postmortem timeline is in time order.";
    /// > Action items must have owners and dates.
    ActionItemIncomplete = "action-item-incomplete", "Every action item has an action, an owner and a due date.";
    /// An action item cannot be due before the incident was declared.
    ActionItemDueBeforeIncident = "action-item-due-before-incident", "No action item is due before the incident's day.";
    /// > Update the handbook, ADRs, dashboards, or tests when the incident
    /// > revealed a missing guardrail.
    GuardrailActionMissing = "guardrail-action-missing", "A missing guardrail gets a guardrail action item.";
    /// Template: "Date:". A postmortem looks back on an incident, so it is
    /// not dated before the day (UTC) the incident was declared.
    PostmortemDatedBeforeIncident = "postmortem-dated-before-incident", "A postmortem is not dated before the incident's day.";
    /// Template: "## Timeline". The timeline tells what happened up to the
    /// postmortem's date: no entry falls on a later day (UTC).
    TimelineAfterPostmortem = "timeline-after-postmortem", "No timeline entry is after the postmortem's date.";

    // ---- Snapshots (this crate's addition to the catalogue it started from) ----
    /// A snapshot claims a state that its own history does not produce (its
    /// version, phase, peak severity or any other field differs from what
    /// replaying its `history` gives).
    SnapshotHistoryMismatch = "snapshot-history-mismatch", "A snapshot is exactly what its history produces.";

    // ---- Records and amendments (this crate's additions) ----
    /// *Addition.* A closed incident still takes later findings as
    /// amendments (a note, a revised postmortem, a root cause, a correction,
    /// a link, a fix); a revised postmortem or root cause after close says
    /// why (`reason`), so the record shows what changed the verdict.
    AmendmentReasonRequired = "amendment-reason-required", "A postmortem or root cause recorded after close says why.";
    /// *Addition.* `link_incident` links another incident, not the incident itself.
    LinkToSelf = "link-to-self", "An incident is linked to another incident, not to itself.";
    /// *Addition.* `record_progress`'s `expected_completion` is a time to
    /// come: after the command's `at`.
    ExpectedCompletionNotAfterProgress = "expected-completion-not-after-progress", "An expected completion is after the progress that states it.";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rule".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        schemars::json_schema!({
            "description": "A rule id of the rule catalogue (docs/contract.md).",
            "type": "string",
            "enum": ids,
        })
    }
}

/// A string that is not the id of any [`Rule`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule id `{0}`")]
pub struct UnknownRule(pub String);

/// One broken rule: which, why, and where in the input.
///
/// ```
/// use incident_playbook::{Rule, Violation};
/// let v = Violation::new(Rule::Sev1NeedsScribe, "a SEV1 incident needs a scribe", Some("roles.scribe"));
/// assert_eq!(v.rule(), Rule::Sev1NeedsScribe);
/// assert_eq!(v.path(), Some("roles.scribe"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Violation {
    rule: Rule,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

impl Violation {
    /// A violation of `rule`, explained by `message`, at the JSON `path` of the
    /// offending field (`roles.scribe`, `postmortem.action_items[2].owner`) where
    /// there is one.
    pub fn new(rule: Rule, message: impl Into<String>, path: Option<&str>) -> Self {
        Violation {
            rule,
            message: message.into(),
            path: path.map(str::to_owned),
        }
    }

    /// The broken rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }

    /// What a person needs to know.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON path of the offending field, if the rule is about one field.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The same violation found inside a larger document, at `prefix`
    /// (`history[3]` + `roles.scribe` → `history[3].roles.scribe`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.path = Some(match self.path {
            Some(p) if p.starts_with('[') => format!("{prefix}{p}"),
            Some(p) => format!("{prefix}.{p}"),
            None => prefix.to_owned(),
        });
        self
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "error[{}] at {}: {}", self.rule, path, self.message),
            None => write!(f, "error[{}]: {}", self.rule, self.message),
        }
    }
}

/// Why a command, snapshot or document was refused: every rule it breaks.
///
/// A rejection is never empty (its constructors see to that). Its violations
/// are in catalogue order ([`Rule::ALL`]), those of one rule in the order
/// found, so that [`Rejection::rule`], the first violation's rule, is the
/// same in every implementation of the contract, whatever order it checks in.
///
/// ```
/// use incident_playbook::{Rejection, Rule, Violation};
/// let r = Rejection::from(Violation::new(Rule::NotDeclared, "no such incident", None));
/// assert_eq!(r.rule(), Rule::NotDeclared);
/// assert_eq!(r.violations().len(), 1);
/// assert!(Rejection::from_violations(Vec::new()).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Rejection {
    /// Never empty.
    violations: Vec<Violation>,
}

impl Rejection {
    /// A rejection from a list of violations, put in catalogue order (see
    /// [`Rejection`]); `None` if the list is empty.
    ///
    /// ```
    /// use incident_playbook::{Rejection, Rule, Violation};
    /// let r = Rejection::from_violations(vec![
    ///     Violation::new(Rule::Sev1NeedsScribe, "no scribe", Some("roles.scribe")),
    ///     Violation::new(Rule::FieldEmpty, "blank", Some("title")),
    /// ]).unwrap();
    /// assert_eq!(r.rule(), Rule::FieldEmpty);
    /// ```
    pub fn from_violations(mut violations: Vec<Violation>) -> Option<Self> {
        // Stable: violations of one rule keep the order they were found in.
        violations.sort_by_key(Violation::rule);
        (!violations.is_empty()).then_some(Rejection { violations })
    }

    /// The first broken rule: the one a short report names.
    pub fn rule(&self) -> Rule {
        // Never empty, so the fallback is never taken.
        self.violations
            .first()
            .map_or(Rule::MalformedInput, Violation::rule)
    }

    /// Every violation, in catalogue order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Every violation, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter()
    }

    /// Whether any violation is of `rule`.
    pub fn breaks(&self, rule: Rule) -> bool {
        self.iter().any(|v| v.rule == rule)
    }

    /// The distinct rules broken, in catalogue order.
    pub fn rules(&self) -> Vec<Rule> {
        let mut out: Vec<Rule> = Vec::new();
        for v in self.iter() {
            if !out.contains(&v.rule) {
                out.push(v.rule);
            }
        }
        out
    }

    /// The same rejection found inside a larger document, at `prefix`.
    pub fn within(self, prefix: &str) -> Self {
        Rejection {
            violations: self
                .violations
                .into_iter()
                .map(|v| v.within(prefix))
                .collect(),
        }
    }

    /// Every violation, owned.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

impl Serialize for Rejection {
    /// `{"rule": <first rule>, "violations": [...]}`, as in a replay report.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Rejection", 2)?;
        s.serialize_field("rule", &self.rule())?;
        s.serialize_field("violations", self.violations())?;
        s.end()
    }
}

impl<'de> Deserialize<'de> for Rejection {
    /// Reads what [`Serialize`] writes, so that a client reads a refusal
    /// (say, an HTTP 422 body) back into a `Rejection`. The list must not be
    /// empty, and `rule`, where given, must be the first violation's.
    ///
    /// ```
    /// use incident_playbook::{Rejection, Rule};
    /// let body = r#"{"rule": "sev1-needs-scribe", "violations": [
    ///     {"rule": "sev1-needs-scribe", "message": "a SEV1 needs a scribe", "path": "roles.scribe"}]}"#;
    /// let r: Rejection = serde_json::from_str(body).unwrap();
    /// assert_eq!(r.rule(), Rule::Sev1NeedsScribe);
    /// assert!(serde_json::from_str::<Rejection>(r#"{"violations": []}"#).is_err());
    /// ```
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wire {
            #[serde(default)]
            rule: Option<Rule>,
            violations: Vec<Violation>,
        }
        let wire = Wire::deserialize(deserializer)?;
        let rejection = Rejection::from_violations(wire.violations)
            .ok_or_else(|| serde::de::Error::custom("a rejection has at least one violation"))?;
        match wire.rule {
            Some(rule) if rule != rejection.rule() => Err(serde::de::Error::custom(format!(
                "`rule` is {rule}, but the first violation is of {}",
                rejection.rule()
            ))),
            _ => Ok(rejection),
        }
    }
}

impl From<Violation> for Rejection {
    fn from(first: Violation) -> Self {
        Rejection {
            violations: vec![first],
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some((first, rest)) = self.violations.split_first() {
            write!(f, "{first}")?;
            if !rest.is_empty() {
                write!(f, " (and {} more)", rest.len())?;
            }
        }
        Ok(())
    }
}

/// Collects violations while a command is checked, so that every broken rule
/// is reported, not only the first.
#[derive(Debug, Default)]
pub(crate) struct Violations {
    violations: Vec<Violation>,
}

impl Violations {
    pub(crate) fn new() -> Self {
        Violations::default()
    }

    pub(crate) fn push(&mut self, rule: Rule, path: &str, message: impl Into<String>) {
        self.violations.push(Violation {
            rule,
            message: message.into(),
            path: if path.is_empty() {
                None
            } else {
                Some(path.to_owned())
            },
        });
    }

    pub(crate) fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }

    pub(crate) fn extend(&mut self, rejection: Rejection) {
        self.violations.extend(rejection.into_violations());
    }

    /// The checked value if nothing was broken; else every violation.
    ///
    /// `value` is `None` only when a violation explains why; should a check
    /// ever fail to say so, the command is still refused rather than accepted
    /// half-built.
    pub(crate) fn conclude<T>(self, value: Option<T>) -> Result<T, Rejection> {
        match (Rejection::from_violations(self.violations), value) {
            (Some(rejection), _) => Err(rejection),
            (None, Some(value)) => Ok(value),
            (None, None) => Err(Rejection::from(Violation::new(
                Rule::MalformedInput,
                "the input could not be checked",
                None,
            ))),
        }
    }

    pub(crate) fn into_rejection(self) -> Option<Rejection> {
        Rejection::from_violations(self.violations)
    }
}

/// A JSON path such as `postmortem.action_items[2].owner`, built on the stack.
///
/// Checks build the path of every field they look at, but a path is kept only
/// when a violation is reported; so building one must not allocate. Paths that
/// do not fit (deeply nested or huge indexes) fall back to a `String`.
pub(crate) enum JsonPath {
    Inline(ArrayString<INLINE_PATH>),
    Heap(String),
}

/// Room for every path the checks build (the longest is about 40 bytes).
const INLINE_PATH: usize = 80;

impl JsonPath {
    fn from_parts(parts: &[&str]) -> Self {
        let mut path = ArrayString::new();
        for part in parts {
            if path.try_push_str(part).is_err() {
                return JsonPath::Heap(parts.concat());
            }
        }
        JsonPath::Inline(path)
    }
}

impl std::ops::Deref for JsonPath {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            JsonPath::Inline(path) => path,
            JsonPath::Heap(s) => s,
        }
    }
}

/// Joins a JSON path: `join("roles", "scribe")` is `roles.scribe`.
pub(crate) fn join(prefix: &str, field: &str) -> JsonPath {
    if prefix.is_empty() {
        JsonPath::from_parts(&[field])
    } else {
        JsonPath::from_parts(&[prefix, ".", field])
    }
}

/// Indexes a JSON path: `index("action_items", 2)` is `action_items[2]`.
pub(crate) fn index(prefix: &str, i: usize) -> JsonPath {
    // usize::MAX has 20 digits.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = i;
    loop {
        start -= 1;
        if let Some(d) = digits.get_mut(start) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    let digits = digits
        .get(start..)
        .and_then(|d| std::str::from_utf8(d).ok())
        .unwrap_or_default();
    JsonPath::from_parts(&[prefix, "[", digits, "]"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            assert!(seen.insert(rule.id()), "duplicate id {}", rule.id());
            assert!(
                rule.id()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
            assert_eq!(rule.id().parse::<Rule>(), Ok(*rule));
            assert!(!rule.summary().is_empty());
        }
        assert!("no-such-rule".parse::<Rule>().is_err());
    }

    #[test]
    fn paths_are_built_without_loss() {
        assert_eq!(&*join("", "title"), "title");
        assert_eq!(&*join("roles", "scribe"), "roles.scribe");
        assert_eq!(&*index("history", 0), "history[0]");
        assert_eq!(&*index("a", usize::MAX), format!("a[{}]", usize::MAX));
        let p = join(&index("postmortem.action_items", 12), "owner");
        assert_eq!(&*p, "postmortem.action_items[12].owner");
        // Too long for the stack: still exact.
        let long = "x".repeat(200);
        assert_eq!(&*join(&long, "y"), format!("{long}.y"));
        assert_eq!(&*index(&long, 7), format!("{long}[7]"));
    }

    #[test]
    fn paths_nest() {
        let v = Violation::new(Rule::FieldEmpty, "x", Some("roles.scribe")).within("history[3]");
        assert_eq!(v.path(), Some("history[3].roles.scribe"));
        let v = Violation::new(Rule::FieldEmpty, "x", None).within("history[3]");
        assert_eq!(v.path(), Some("history[3]"));
    }
}
