//! How the crate's and the store's answers become HTTP responses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use incident_playbook::{Rejection, Rule, Violation};
use incident_store::{Error, ErrorKind};
use serde_json::json;

/// A refusal or failure, as the response it becomes.
#[derive(Debug)]
pub enum Failure {
    /// The request is not a command, or not one for this URL: 400.
    Malformed(Rejection),
    /// No incident under that id: 404.
    NotFound,
    /// The store's error (refusals included).
    Store(Error),
    /// The service failed itself (an answer it could not write): 500.
    Internal(String),
    /// The command's `by` names someone other than the authenticated
    /// caller: 403 `by-not-caller`.
    NotCaller {
        /// The `by` the command gave.
        by: String,
        /// The token's holder.
        caller: String,
    },
}

impl Failure {
    /// A `malformed-input` refusal saying `why`.
    pub fn malformed(why: impl Into<String>, path: Option<&str>) -> Self {
        Failure::Malformed(Violation::new(Rule::MalformedInput, why, path).into())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Store(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Malformed(r) => (StatusCode::BAD_REQUEST, Json(r)).into_response(),
            Failure::NotFound => refusal(
                StatusCode::NOT_FOUND,
                "not-found",
                "no incident under this id",
            ),
            Failure::Store(Error::Rejected(r)) => (refusal_status(&r), Json(r)).into_response(),
            Failure::Store(e) => store_failure(e),
            Failure::Internal(why) => {
                tracing::error!(error = %why, "internal failure");
                refusal(StatusCode::INTERNAL_SERVER_ERROR, "internal", &why)
            }
            Failure::NotCaller { by, caller } => refusal_at(
                StatusCode::FORBIDDEN,
                "by-not-caller",
                &format!("the command says it is by {by}, but the token is {caller}'s"),
                Some("by"),
            ),
        }
    }
}

/// The one refusal shape, for refusals the crate does not make (no
/// incident, a body too large, load shed, a timeout, no credentials): the
/// crate's (`rule` and `violations`, each with `rule` and `message`) with a
/// service-level id, plus `error`, the message, which earlier answers had
/// alone.
///
/// ```
/// use incident_service::refusal;
/// let answer = refusal(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "body-too-large", "at most 1 MiB");
/// assert_eq!(answer.status(), 413);
/// ```
pub fn refusal(status: StatusCode, rule: &str, message: &str) -> Response {
    refusal_at(status, rule, message, None)
}

/// [`refusal`] naming `path`, the field at fault, in its violation (as the
/// crate's refusals do; no `path` without one).
///
/// ```
/// use incident_service::refusal_at;
/// let answer = refusal_at(axum::http::StatusCode::FORBIDDEN, "by-not-caller", "not yours", Some("by"));
/// assert_eq!(answer.status(), 403);
/// ```
pub fn refusal_at(status: StatusCode, rule: &str, message: &str, path: Option<&str>) -> Response {
    let mut violation = json!({"rule": rule, "message": message});
    if let (Some(path), Some(fields)) = (path, violation.as_object_mut()) {
        fields.insert("path".into(), json!(path));
    }
    (
        status,
        Json(json!({"rule": rule, "violations": [violation], "error": message})),
    )
        .into_response()
}

/// The service-level rule id of a refusal by its status, for answers made
/// outside the handlers (axum's extractors, the limits' layers, no route).
fn rule_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "malformed-input",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::REQUEST_TIMEOUT => "request-timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "body-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_client_error() => "refused",
        _ => "internal",
    }
}

/// The most of a plain-text refusal's body kept as its message.
const MAX_MESSAGE: usize = 1024;

/// Rewrites a refusal that is not JSON (axum's extractors answer in plain
/// text, the limits' layers and a missing route with an empty body) into
/// the one refusal shape, keeping its status and headers (`Retry-After`,
/// `Allow`). JSON answers and successes pass as they are.
pub async fn json_refusals(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MAX_MESSAGE)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("refused")
            .to_lowercase()
    } else {
        text
    };
    let answer = refusal(status, rule_of(status), &message);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let (new_parts, body) = answer.into_parts();
    parts.headers.extend(new_parts.headers);
    Response::from_parts(parts, body)
}

/// The store's other errors, by their kind: a database that refused the
/// data is the sender's mistake (422, in the refusal shape, so that a client
/// does not retry it); only an unavailable database is 503, with
/// `Retry-After`; a broken history or any other failure is 500.
fn store_failure(e: Error) -> Response {
    match e.kind() {
        ErrorKind::Refused => {
            let why = format!("the store cannot keep this command: {e}");
            let rejection: Rejection = Violation::new(Rule::MalformedInput, why, None).into();
            (StatusCode::UNPROCESSABLE_ENTITY, Json(rejection)).into_response()
        }
        ErrorKind::Unavailable => {
            tracing::error!(error = %e, cause = ?std::error::Error::source(&e), "store unavailable");
            let mut answer = refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                &e.to_string(),
            );
            answer
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            answer
        }
        ErrorKind::Corrupt => {
            tracing::error!(error = %e, "stored history refused");
            refusal(StatusCode::INTERNAL_SERVER_ERROR, "corrupt", &e.to_string())
        }
        _ => {
            tracing::error!(error = %e, cause = ?std::error::Error::source(&e), "store failed");
            refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                &e.to_string(),
            )
        }
    }
}

/// 404 for a command to an incident never declared, 409 for a stale
/// version (or a race lost too often), 422 for any other broken rule.
fn refusal_status(r: &Rejection) -> StatusCode {
    match r.rule() {
        Rule::NotDeclared => StatusCode::NOT_FOUND,
        Rule::VersionConflict => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}
