//! The organisation-specific parts of the playbook: the dependency catalogue
//! and the health endpoints.
//!
//! > API: check /health/live, /health/ready, /health/status, and the affected endpoint.
//!
//! The seed names three health endpoints; another organisation names its own,
//! each by a name that `verification.health` keys its result by.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::roles::Role;
use crate::rule::{Rule, Violations};
use crate::text::{Name, ShortText};
use crate::time_zone::UtcOffset;

/// An external service the product depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// Its name, as incidents write it (`Blob Storage`).
    pub name: Name,
    /// Whether product behaviour allows disabling or bypassing it.
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<bool>", extend("default" = false)))]
    pub optional: bool,
}

/// A health endpoint that verification checks, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HealthEndpoint {
    /// The name `verification.health` keys its result by (`live`).
    pub name: Name,
    /// Its path (`/health/live`).
    pub path: ShortText,
}

impl HealthEndpoint {
    fn seed(name: &'static str, path: &'static str) -> Self {
        HealthEndpoint {
            name: Name::from_static(name),
            path: ShortText::from_static(path),
        }
    }
}

/// Which playbook a document is: its `name` and, optionally, `version`, as
/// the playbook document gives them. An incident records the one it was
/// declared under ([`Snapshot::playbook`](crate::Snapshot::playbook)), so a
/// reader judging it under another can say so.
///
/// ```
/// use incident_playbook::Playbook;
/// let p: Playbook = serde_json::from_str(r#"{"name": "Acme incidents",
///   "version": "2026.2", "dependencies": [], "health_endpoints": ["/a", "/b", "/c"]}"#).unwrap();
/// let id = p.id().unwrap();
/// assert_eq!(id.to_string(), "Acme incidents 2026.2");
/// assert!(Playbook::default().id().is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PlaybookId {
    /// The playbook's name (`Acme incidents`).
    pub name: ShortText,
    /// Its version, in any scheme the organisation uses (`2026.2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<ShortText>,
}

impl std::fmt::Display for PlaybookId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(version) => write!(f, "{} {version}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// The names the plain form's three paths take, in order.
const PLAIN_NAMES: [&str; 3] = ["live", "ready", "status"];

/// The playbook document: which dependencies exist, which are optional, and
/// the health endpoints that verification checks.
///
/// [`Playbook::default`] is the seed playbook's.
///
/// ```
/// use incident_playbook::Playbook;
/// let p = Playbook::default();
/// assert!(p.dependency("Azure OpenAI").unwrap().optional);
/// assert!(!p.dependency("PostgreSQL").unwrap().optional);
/// assert!(p.dependency("Redis").is_none());
///
/// let custom: Playbook = serde_json::from_str(r#"{
///   "dependencies": [{"name": "Stripe", "optional": false}],
///   "health_endpoints": [{"name": "gateway", "path": "/healthz"}]
/// }"#).unwrap();
/// assert!(custom.dependency("Stripe").is_some());
/// assert_eq!(custom.health_endpoint("gateway").unwrap().path, "/healthz");
///
/// // The plain form: three paths, named live, ready and status.
/// let plain: Playbook = serde_json::from_str(r#"{"dependencies": [],
///   "health_endpoints": ["/healthz", "/readyz", "/status"]}"#).unwrap();
/// assert_eq!(plain.health_endpoint("ready").unwrap().path, "/readyz");
///
/// // Two dependencies or two endpoints with one name are refused.
/// assert!(serde_json::from_str::<Playbook>(r#"{"dependencies":
///   [{"name": "A"}, {"name": "A"}], "health_endpoints": ["/a", "/b", "/c"]}"#).is_err());
/// assert!(serde_json::from_str::<Playbook>(r#"{"dependencies": [], "health_endpoints":
///   [{"name": "a", "path": "/a"}, {"name": "a", "path": "/b"}]}"#).is_err());
///
/// // Read in the shapes of its schema only, as a command is: no object
/// // written as an array of its fields, at any depth.
/// assert!(serde_json::from_str::<Playbook>(r#"{"dependencies": [["Stripe", false]],
///   "health_endpoints": ["/a", "/b", "/c"]}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(extend("dependentRequired" = {"version": ["name"]}))
)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Which playbook this is (*addition*, optional): recorded in every
    /// incident declared under it. The seed playbook has none.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    id: Option<PlaybookId>,
    dependencies: Vec<Dependency>,
    /// The health endpoints verification checks: named ones, or the plain
    /// form's three paths (live, ready, status).
    #[cfg_attr(feature = "schema", schemars(with = "HealthEndpointsDoc"))]
    health_endpoints: Vec<HealthEndpoint>,
    /// The team's time zone as a fixed offset from UTC (`+02:00`); the day
    /// that SEV2's "same-day mitigation" means. UTC when absent.
    #[serde(default, skip_serializing_if = "is_utc")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<UtcOffset>"))]
    utc_offset: UtcOffset,
    /// Who may send what (*addition*, optional): a command type (its wire
    /// tag) and the roles whose holders may send it
    /// (`sender-not-permitted`). A type not listed may be sent by anyone;
    /// the seed playbook lists none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "Option<BTreeMap<String, Vec<Role>>>")
    )]
    permissions: BTreeMap<String, Vec<Role>>,
}

/// The command tags a permission may name: every command's `type`
/// (`tests/it/senders.rs` holds it equal to `CommandKind::ALL`; the
/// playbook is below the commands, which read it).
const COMMAND_TAGS: [&str; 25] = [
    "declare",
    "post_update",
    "change_severity",
    "assign_role",
    "unassign_role",
    "update_impact",
    "record_check",
    "add_note",
    "record_root_cause",
    "start_mitigation",
    "begin_monitoring",
    "resume_investigation",
    "lift_block",
    "resolve",
    "reopen",
    "submit_postmortem",
    "close",
    "assign_roles",
    "end_mitigation",
    "rename",
    "revise_outcome",
    "record_progress",
    "correct_impact",
    "link_incident",
    "record_fix",
];

/// Reads an optional field whose absence has a default: `null` means the
/// same as leaving the field out, as everywhere on the wire.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn is_utc(offset: &UtcOffset) -> bool {
    *offset == UtcOffset::UTC
}

/// Why a playbook document is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlaybookError {
    /// Two dependencies share a name.
    #[error("dependency `{0}` is listed twice")]
    DuplicateDependency(String),
    /// No health endpoint, more than 1,000, or a plain list of other than
    /// three paths (the plain form names live, ready and status).
    #[error(
        "the playbook names {0} health endpoints: name between 1 and 1,000, or give the three paths of live, ready and status"
    )]
    HealthEndpoints(usize),
    /// Two health endpoints share a name or a path.
    #[error("health endpoint `{0}` is listed twice")]
    DuplicateHealthEndpoint(String),
    /// Over a list limit.
    #[error("the playbook lists {0} dependencies; at most 1,000 are allowed")]
    TooMany(usize),
    /// A permission for a command type that does not exist.
    #[error("`permissions` names `{0}`, which is no command type")]
    UnknownCommand(String),
}

impl Playbook {
    /// A playbook from its parts.
    ///
    /// # Errors
    ///
    /// A dependency named twice, more than 1,000 dependencies, no health
    /// endpoint or more than 1,000, or two health endpoints with one name or
    /// one path.
    pub fn new(
        dependencies: Vec<Dependency>,
        health_endpoints: Vec<HealthEndpoint>,
    ) -> Result<Self, PlaybookError> {
        if dependencies.len() > crate::text::MAX_LIST {
            return Err(PlaybookError::TooMany(dependencies.len()));
        }
        if let Some(d) = first_repeated(&dependencies, |d| d.name.as_str()) {
            return Err(PlaybookError::DuplicateDependency(d.to_owned()));
        }
        if health_endpoints.is_empty() || health_endpoints.len() > crate::text::MAX_LIST {
            return Err(PlaybookError::HealthEndpoints(health_endpoints.len()));
        }
        let repeated = first_repeated(&health_endpoints, |e| e.name.as_str())
            .or_else(|| first_repeated(&health_endpoints, |e| e.path.as_str()));
        if let Some(e) = repeated {
            return Err(PlaybookError::DuplicateHealthEndpoint(e.to_owned()));
        }
        Ok(Playbook {
            id: None,
            dependencies,
            health_endpoints,
            utc_offset: UtcOffset::UTC,
            permissions: BTreeMap::new(),
        })
    }

    /// The same playbook, letting only the holders of `roles` send the
    /// command type tagged `command` (an empty list: nobody).
    ///
    /// # Errors
    ///
    /// `command` is no command type.
    ///
    /// ```
    /// use incident_playbook::{Playbook, state::Role};
    /// let p = Playbook::default().with_permission("resolve", [Role::Commander])?;
    /// assert_eq!(p.permitted("resolve"), Some(&[Role::Commander][..]));
    /// assert_eq!(p.permitted("add_note"), None);
    /// assert!(Playbook::default().with_permission("resolv", [Role::Commander]).is_err());
    /// # Ok::<(), incident_playbook::PlaybookError>(())
    /// ```
    pub fn with_permission(
        mut self,
        command: &str,
        roles: impl IntoIterator<Item = Role>,
    ) -> Result<Self, PlaybookError> {
        if !COMMAND_TAGS.contains(&command) {
            return Err(PlaybookError::UnknownCommand(command.to_owned()));
        }
        self.permissions
            .insert(command.to_owned(), roles.into_iter().collect());
        Ok(self)
    }

    /// The roles whose holders may send the command type tagged `command`,
    /// if the playbook reserves it.
    pub fn permitted(&self, command: &str) -> Option<&[Role]> {
        self.permissions.get(command).map(Vec::as_slice)
    }

    /// The same playbook in the time zone `offset`.
    ///
    /// ```
    /// use incident_playbook::Playbook;
    /// let p = Playbook::default().with_utc_offset("+02:00".parse().unwrap());
    /// assert_eq!(p.utc_offset().minutes(), 120);
    /// assert_eq!(Playbook::default().utc_offset().minutes(), 0);
    /// let doc: Playbook = serde_json::from_str(r#"{"dependencies": [],
    ///   "health_endpoints": ["/a", "/b", "/c"], "utc_offset": "-05:00"}"#).unwrap();
    /// assert_eq!(doc.utc_offset().to_string(), "-05:00");
    /// ```
    pub fn with_utc_offset(mut self, offset: UtcOffset) -> Self {
        self.utc_offset = offset;
        self
    }

    /// The same playbook, named `id`.
    pub fn with_id(mut self, id: PlaybookId) -> Self {
        self.id = Some(id);
        self
    }

    /// Which playbook this is, if the document names it.
    pub fn id(&self) -> Option<&PlaybookId> {
        self.id.as_ref()
    }

    /// The team's time zone (UTC unless the playbook sets one).
    pub fn utc_offset(&self) -> UtcOffset {
        self.utc_offset
    }

    /// The dependency catalogue.
    pub fn dependencies(&self) -> &[Dependency] {
        &self.dependencies
    }

    /// The catalogue entry named `name`, if any.
    pub fn dependency(&self, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.name.as_str() == name)
    }

    /// The health endpoints verification checks, in the playbook's order
    /// (the seed's: live, ready, status).
    ///
    /// ```
    /// use incident_playbook::Playbook;
    /// let p = Playbook::default();
    /// let names: Vec<&str> = p.health_endpoints().iter().map(|e| e.name.as_str()).collect();
    /// assert_eq!(names, ["live", "ready", "status"]);
    /// assert_eq!(p.health_endpoints()[0].path, "/health/live");
    /// ```
    pub fn health_endpoints(&self) -> &[HealthEndpoint] {
        &self.health_endpoints
    }

    /// The health endpoint named `name`, if any.
    pub fn health_endpoint(&self, name: &str) -> Option<&HealthEndpoint> {
        self.health_endpoints
            .iter()
            .find(|e| e.name.as_str() == name)
    }

    /// Reports `unknown-dependency` if `name` is not in the catalogue.
    pub(crate) fn check_known(
        &self,
        report: &mut Violations,
        path: &str,
        name: &str,
    ) -> Option<&Dependency> {
        let found = self.dependency(name);
        if found.is_none() {
            let known: Vec<&str> = self.dependencies.iter().map(|d| d.name.as_str()).collect();
            report.push(
                Rule::UnknownDependency,
                path,
                format!(
                    "`{}` is not in the playbook's dependency catalogue ({})",
                    crate::text::excerpt(name, 200),
                    known.join(", ")
                ),
            );
        }
        found
    }
}

impl Default for Playbook {
    /// The seed playbook: "Azure OpenAI, Vision, Document Intelligence, Blob
    /// Storage, PostgreSQL, Clerk, and Front Door/CDN", the first three
    /// optional; health endpoints `/health/live`, `/health/ready`, `/health/status`.
    fn default() -> Self {
        let dep = |name: &'static str, optional| Dependency {
            name: Name::from_static(name),
            optional,
        };
        Playbook {
            id: None,
            dependencies: vec![
                dep("Azure OpenAI", true),
                dep("Vision", true),
                dep("Document Intelligence", true),
                dep("Blob Storage", false),
                dep("PostgreSQL", false),
                dep("Clerk", false),
                dep("Front Door/CDN", false),
            ],
            health_endpoints: vec![
                HealthEndpoint::seed("live", "/health/live"),
                HealthEndpoint::seed("ready", "/health/ready"),
                HealthEndpoint::seed("status", "/health/status"),
            ],
            utc_offset: UtcOffset::UTC,
            permissions: BTreeMap::new(),
        }
    }
}

/// The first key that two items share, if any.
fn first_repeated<T>(items: &[T], key: impl Fn(&T) -> &str) -> Option<&str> {
    items.iter().enumerate().find_map(|(i, item)| {
        let k = key(item);
        items.iter().take(i).any(|e| key(e) == k).then_some(k)
    })
}

/// The two written forms of `health_endpoints`.
//
// Read by hand rather than as serde's untagged enum: an untagged enum reads
// its value whole (serde's "any"), where `Strict` refuses every array, this
// list included. Here the list is read as a list, and each item whole: a
// string or an object, never an array.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", serde(untagged))]
enum HealthEndpointsDoc {
    /// Named endpoints, at least one.
    Named(
        #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 1000)))] Vec<HealthEndpoint>,
    ),
    /// The plain form: three paths, named live, ready and status in that order.
    Plain(#[cfg_attr(feature = "schema", schemars(length(min = 3, max = 3)))] Vec<ShortText>),
}

/// One item of `health_endpoints`, in either form.
enum HealthEndpointItem {
    Named(HealthEndpoint),
    Plain(ShortText),
}

impl<'de> Deserialize<'de> for HealthEndpointItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemVisitor)
    }
}

/// The visitor of [`HealthEndpointItem`].
struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = HealthEndpointItem;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a health endpoint: an object with `name` and `path`, or a path")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        ShortText::deserialize(v.into_deserializer()).map(HealthEndpointItem::Plain)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        HealthEndpoint::deserialize(MapAccessDeserializer::new(map)).map(HealthEndpointItem::Named)
    }
}

impl<'de> Deserialize<'de> for HealthEndpointsDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Vec::<HealthEndpointItem>::deserialize(deserializer)?;
        let mut named = Vec::new();
        let mut plain = Vec::new();
        for item in items {
            match item {
                HealthEndpointItem::Named(e) => named.push(e),
                HealthEndpointItem::Plain(p) => plain.push(p),
            }
        }
        match (named.is_empty(), plain.is_empty()) {
            (_, true) => Ok(HealthEndpointsDoc::Named(named)),
            (true, false) => Ok(HealthEndpointsDoc::Plain(plain)),
            (false, false) => Err(de::Error::custom(
                "`health_endpoints` are all named (`{\"name\": …, \"path\": …}`) or all plain paths, not a mix",
            )),
        }
    }
}

impl HealthEndpointsDoc {
    fn into_named(self) -> Result<Vec<HealthEndpoint>, PlaybookError> {
        match self {
            HealthEndpointsDoc::Named(named) => Ok(named),
            HealthEndpointsDoc::Plain(paths) if paths.len() == PLAIN_NAMES.len() => Ok(paths
                .into_iter()
                .zip(PLAIN_NAMES)
                .map(|(path, name)| HealthEndpoint {
                    name: Name::from_static(name),
                    path,
                })
                .collect()),
            HealthEndpointsDoc::Plain(paths) => Err(PlaybookError::HealthEndpoints(paths.len())),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaybookDoc {
    #[serde(default)]
    name: Option<ShortText>,
    #[serde(default)]
    version: Option<ShortText>,
    dependencies: Vec<Dependency>,
    health_endpoints: HealthEndpointsDoc,
    #[serde(default, deserialize_with = "null_as_default")]
    utc_offset: UtcOffset,
    #[serde(default, deserialize_with = "null_as_default")]
    permissions: BTreeMap<String, Vec<Role>>,
}

impl<'de> Deserialize<'de> for Playbook {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // As strictly as a command: no object written as an
        // array of its fields, at any depth.
        let doc = PlaybookDoc::deserialize(crate::strict::Strict(deserializer))?;
        let id = match (doc.name, doc.version) {
            (Some(name), version) => Some(PlaybookId { name, version }),
            (None, None) => None,
            (None, Some(_)) => {
                return Err(serde::de::Error::custom(
                    "a playbook `version` needs the playbook's `name`",
                ));
            }
        };
        let permissions = doc.permissions;
        doc.health_endpoints
            .into_named()
            .and_then(|health| Playbook::new(doc.dependencies, health))
            .and_then(|p| {
                permissions
                    .into_iter()
                    .try_fold(p, |p, (command, roles)| p.with_permission(&command, roles))
            })
            .map(|p| Playbook {
                id,
                ..p.with_utc_offset(doc.utc_offset)
            })
            .map_err(serde::de::Error::custom)
    }
}
