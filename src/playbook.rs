//! The organisation-specific parts of the playbook: the dependency catalogue
//! and the health endpoints.

use serde::{Deserialize, Deserializer, Serialize};

use crate::rule::{Report, Rule};
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
    #[serde(default)]
    pub optional: bool,
}

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
///   "health_endpoints": ["/healthz", "/readyz", "/status"]
/// }"#).unwrap();
/// assert!(custom.dependency("Stripe").is_some());
///
/// // Two dependencies with one name are refused.
/// assert!(serde_json::from_str::<Playbook>(r#"{"dependencies":
///   [{"name": "A"}, {"name": "A"}], "health_endpoints": ["/a", "/b", "/c"]}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    dependencies: Vec<Dependency>,
    #[cfg_attr(feature = "schema", schemars(length(min = 3, max = 3)))]
    health_endpoints: Vec<ShortText>,
    /// The team's time zone as a fixed offset from UTC (`+02:00`); the day
    /// that SEV2's "same-day mitigation" means. UTC when absent.
    #[serde(default, skip_serializing_if = "is_utc")]
    utc_offset: UtcOffset,
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
    /// The verification step checks three health endpoints (live, ready, status).
    #[error(
        "the playbook names {0} health endpoints; verification checks exactly three (live, ready, status)"
    )]
    HealthEndpoints(usize),
    /// Over a list limit.
    #[error("the playbook lists {0} dependencies; at most 1,000 are allowed")]
    TooMany(usize),
}

impl Playbook {
    /// A playbook from its parts.
    ///
    /// # Errors
    ///
    /// A dependency named twice, more than 1,000 dependencies, or other than
    /// three health endpoints (`live`, `ready`, `status`, in that order).
    pub fn new(
        dependencies: Vec<Dependency>,
        health_endpoints: Vec<ShortText>,
    ) -> Result<Self, PlaybookError> {
        if dependencies.len() > crate::text::MAX_LIST {
            return Err(PlaybookError::TooMany(dependencies.len()));
        }
        for (i, d) in dependencies.iter().enumerate() {
            if dependencies.iter().take(i).any(|e| e.name == d.name) {
                return Err(PlaybookError::DuplicateDependency(d.name.to_string()));
            }
        }
        if health_endpoints.len() != 3 {
            return Err(PlaybookError::HealthEndpoints(health_endpoints.len()));
        }
        Ok(Playbook {
            dependencies,
            health_endpoints,
            utc_offset: UtcOffset::UTC,
        })
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

    /// The health endpoints: live, ready, status.
    pub fn health_endpoints(&self) -> &[ShortText] {
        &self.health_endpoints
    }

    /// Reports `unknown-dependency` if `name` is not in the catalogue.
    pub(crate) fn check_known(
        &self,
        report: &mut Report,
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
                    "`{name}` is not in the playbook's dependency catalogue ({})",
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
                ShortText::from_static("/health/live"),
                ShortText::from_static("/health/ready"),
                ShortText::from_static("/health/status"),
            ],
            utc_offset: UtcOffset::UTC,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaybookDoc {
    dependencies: Vec<Dependency>,
    health_endpoints: Vec<ShortText>,
    #[serde(default)]
    utc_offset: UtcOffset,
}

impl<'de> Deserialize<'de> for Playbook {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = PlaybookDoc::deserialize(deserializer)?;
        Playbook::new(doc.dependencies, doc.health_endpoints)
            .map(|p| p.with_utc_offset(doc.utc_offset))
            .map_err(serde::de::Error::custom)
    }
}
