//! How the crate's and the store's answers become HTTP responses.

use axum::Json;
use axum::http::StatusCode;
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
    /// The blocking task was lost (a panic in it): 500.
    Lost,
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
            Failure::NotFound => (
                StatusCode::NOT_FOUND,
                Json(json!({"error": "no incident under this id"})),
            )
                .into_response(),
            Failure::Store(Error::Rejected(r)) => (refusal_status(&r), Json(r)).into_response(),
            Failure::Store(e) => store_failure(e),
            Failure::Lost => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            Failure::NotCaller { by, caller } => crate::auth::refusal(
                StatusCode::FORBIDDEN,
                "by-not-caller",
                &format!("the command says it is by {by}, but the token is {caller}'s"),
                Some("by"),
            ),
        }
    }
}

/// The store's other errors, by their kind: a database that refused the
/// data is the sender's mistake (422, in the refusal shape, so that a client
/// does not retry it); only an unavailable database is 503, with
/// `Retry-After`; a broken history or any other failure is 500.
fn store_failure(e: Error) -> Response {
    let body = Json(json!({"error": e.to_string()}));
    match e.kind() {
        ErrorKind::Refused => {
            let why = format!("the store cannot keep this command: {e}");
            let rejection: Rejection = Violation::new(Rule::MalformedInput, why, None).into();
            (StatusCode::UNPROCESSABLE_ENTITY, Json(rejection)).into_response()
        }
        ErrorKind::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(axum::http::header::RETRY_AFTER, "1")],
            body,
        )
            .into_response(),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, body).into_response(),
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
