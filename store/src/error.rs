//! Why a store could not do what was asked, sorted into the kinds a caller
//! answers differently: its own mistake, a race, an outage.

use incident_playbook::{IncidentId, Rejection, Rule};

/// A database's own error, kept whole so that [`std::error::Error::source`]
/// reaches it (and, through it, the server's message).
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why a store could not do what was asked.
///
/// [`Error::kind`] sorts it; [`Error::is_retryable`] says whether sending
/// the same request again later may succeed. The message states the whole
/// cause chain (a PostgreSQL error says more than "db error"), and
/// [`source`](std::error::Error::source) gives the database's error.
///
/// ```
/// use incident_store::{Error, ErrorKind};
/// let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
/// let e = Error::Unavailable(Box::new(io));
/// assert_eq!(e.kind(), ErrorKind::Unavailable);
/// assert!(e.is_retryable());
/// assert!(e.to_string().contains("reset by peer"));
/// assert!(std::error::Error::source(&e).is_some());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The crate refused the command (rule ids inside), or it kept losing
    /// the race (`version-conflict`).
    #[error("refused: {0}")]
    Rejected(Rejection),
    /// The stored rows are not a history the crate accepts: edited by hand,
    /// with a gap, another incident's command, time going backwards or an id
    /// twice (histories accepted under another playbook still load).
    #[error("incident {incident_id}: stored history refused: {why}")]
    Corrupt {
        /// The incident whose rows were refused.
        incident_id: IncidentId,
        /// What was wrong.
        why: String,
    },
    /// The database could not be reached or gave up for now (connection
    /// lost, server starting or shutting down, too many clients, a
    /// serialization failure, a busy file): the same request may succeed
    /// later.
    #[error("database unavailable: {}", chain(.0.as_ref()))]
    Unavailable(#[source] Cause),
    /// The database refused the values it was given (a character or a size
    /// its column types cannot keep): sending the same again will fail
    /// again.
    #[error("database refused the data: {}", chain(.0.as_ref()))]
    DatabaseRefused(#[source] Cause),
    /// The database failed otherwise (a permission, a schema it does not
    /// have, a bug).
    #[error("database failed: {}", chain(.0.as_ref()))]
    Backend(#[source] Cause),
}

/// The kind of an [`Error`]: what its caller does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A stale `expected_version`, or a race lost too often: read the
    /// incident again and decide again (`version-conflict`).
    Conflict,
    /// The command id was already used for another command
    /// (`command-id-reused`); a plain redelivery is no error but an
    /// [`Outcome::Duplicate`](incident_playbook::Outcome::Duplicate).
    Duplicate,
    /// The crate refused the command, or the database the values in it:
    /// the sender's mistake, not to be sent again as it is.
    Refused,
    /// The database is not there for now: retry later, with backoff.
    Unavailable,
    /// The stored history is broken: an operator's problem.
    Corrupt,
    /// Anything else the database reported.
    Other,
}

impl Error {
    /// Which kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Rejected(r) => match r.rule() {
                Rule::VersionConflict => ErrorKind::Conflict,
                Rule::CommandIdReused => ErrorKind::Duplicate,
                _ => ErrorKind::Refused,
            },
            Error::Corrupt { .. } => ErrorKind::Corrupt,
            Error::Unavailable(_) => ErrorKind::Unavailable,
            Error::DatabaseRefused(_) => ErrorKind::Refused,
            Error::Backend(_) => ErrorKind::Other,
        }
    }

    /// Whether the same request may succeed if sent again later unchanged:
    /// only when the database was unavailable. A conflict is not: its
    /// sender decides again on the incident as it now stands.
    pub fn is_retryable(&self) -> bool {
        self.kind() == ErrorKind::Unavailable
    }

    /// Whether the error came from the database (rather than the crate or
    /// the stored rows): a connection that gave one may be broken, and a
    /// pool drops it rather than hand it out again.
    pub fn is_database(&self) -> bool {
        matches!(
            self,
            Error::Unavailable(_) | Error::DatabaseRefused(_) | Error::Backend(_)
        )
    }

    /// The first broken rule, if the crate refused the command.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Error::Rejected(r) => Some(r.rule()),
            _ => None,
        }
    }

    pub(crate) fn corrupt(incident_id: IncidentId, why: impl Into<String>) -> Self {
        Error::Corrupt {
            incident_id,
            why: why.into(),
        }
    }
}

impl Error {
    /// `n` errors of this one's kind, message and cause: one failure
    /// answered to every caller it befell (the commands committed together
    /// by [`AsyncWarm`](crate::AsyncWarm)). A database's cause is shared,
    /// not copied.
    pub(crate) fn copies(self, n: usize) -> Vec<Error> {
        let (variant, cause): (fn(Cause) -> Error, Cause) = match self {
            Error::Rejected(r) => return (0..n).map(|_| Error::Rejected(r.clone())).collect(),
            Error::Corrupt { incident_id, why } => {
                return (0..n)
                    .map(|_| Error::corrupt(incident_id, why.clone()))
                    .collect();
            }
            Error::Unavailable(c) => (Error::Unavailable, c),
            Error::DatabaseRefused(c) => (Error::DatabaseRefused, c),
            Error::Backend(c) => (Error::Backend, c),
        };
        let cause = Shared(std::sync::Arc::from(cause));
        (0..n).map(|_| variant(Box::new(cause.clone()))).collect()
    }
}

/// A cause several errors share: it reads as the cause itself (its
/// message, its source).
#[derive(Debug, Clone)]
struct Shared(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl std::fmt::Display for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Shared {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// An error's message followed by those of its sources, so that the one
/// line a log or a client sees names the database's own reason.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        let message = cause.to_string();
        // Some errors repeat their source's message in their own.
        if !out.contains(&message) {
            out.push_str(": ");
            out.push_str(&message);
        }
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("db error")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn copies_keep_the_kind_and_the_message() {
        let inner = std::io::Error::other("ERROR: unsupported Unicode escape sequence");
        let e = Error::Unavailable(Box::new(Outer(inner)));
        let message = e.to_string();
        let copies = e.copies(3);
        assert_eq!(copies.len(), 3);
        for copy in copies {
            assert_eq!(copy.kind(), ErrorKind::Unavailable);
            assert_eq!(copy.to_string(), message);
        }
        let corrupt = Error::corrupt(IncidentId::from(incident_playbook::Uuid::nil()), "a gap");
        assert!(
            corrupt
                .copies(2)
                .iter()
                .all(|c| c.kind() == ErrorKind::Corrupt)
        );
    }

    #[test]
    fn the_message_names_every_cause() {
        let inner = std::io::Error::other("ERROR: unsupported Unicode escape sequence");
        let e = Error::DatabaseRefused(Box::new(Outer(inner)));
        assert_eq!(
            e.to_string(),
            "database refused the data: db error: ERROR: unsupported Unicode escape sequence"
        );
        assert_eq!(e.kind(), ErrorKind::Refused);
        assert!(!e.is_retryable());
    }
}
