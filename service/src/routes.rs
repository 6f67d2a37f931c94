//! The routes: each reads or writes through the store and answers with what
//! the crate says.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Extension, Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use incident_playbook::{
    Command, CommandBody, CommandId, Incident, IncidentId, Outcome, Receiver, Rule, Timestamp,
    command::{CommandKind, parse_body},
    parse_command,
    report::IncidentReport,
    timeline_svg,
};
use incident_store::{AsyncStore, Error};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Service;
use crate::answer::Failure;
use crate::auth::Caller;

/// The service's routes.
pub fn router(service: Arc<Service>) -> Router {
    let routes = Router::new()
        .route("/incidents", get(list))
        .route("/incidents/{id}", get(snapshot))
        .route("/incidents/{id}/commands", post(command))
        .route("/incidents/{id}/commands/{command_id}", post(command_body))
        .route("/incidents/{id}/updates", get(updates))
        .route("/incidents/{id}/report", get(report))
        .route("/incidents/{id}/status", get(status))
        .route("/incidents/{id}/timeline.svg", get(timeline))
        .route("/status", get(crate::status::page))
        .route("/status/feed.atom", get(crate::status::feed))
        .with_state(Arc::clone(&service));
    let limits = service.limits;
    crate::limits::observed(
        crate::limits::limited(routes, &limits)
            .merge(crate::health::router(service))
            .fallback(no_route),
    )
}

type Answer<T> = Result<T, Failure>;

/// Any other path: 404 in the refusal shape.
async fn no_route() -> axum::response::Response {
    crate::answer::refusal(
        axum::http::StatusCode::NOT_FOUND,
        "not-found",
        "no such route",
    )
}

fn incident_id(id: &str) -> Answer<IncidentId> {
    id.parse()
        .map_err(|e| Failure::malformed(format!("the incident id in the URL: {e}"), None))
}

/// What `f` makes of the incident `id` as the store has it now (kept
/// warm: lent, not copied, and not replayed); 404 if it has no rows.
async fn load<T>(service: &Service, id: &str, f: impl FnOnce(&Incident) -> T + Send) -> Answer<T> {
    let id = incident_id(id)?;
    service
        .store
        .read(&service.playbook, id, f)
        .await?
        .ok_or(Failure::NotFound)
}

/// A page of the incident list: `?limit=N&after=ID`.
#[derive(Deserialize)]
struct Page {
    limit: Option<String>,
    after: Option<String>,
}

/// The page size without `limit`, and the largest allowed.
const PAGE: usize = 100;
const MAX_PAGE: usize = 1_000;

impl Page {
    fn limit(&self) -> Answer<usize> {
        let Some(limit) = &self.limit else {
            return Ok(PAGE);
        };
        limit
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| {
                Failure::malformed(
                    format!("limit: {limit} is not a number from 1 to {MAX_PAGE}"),
                    Some("limit"),
                )
            })
    }

    fn after(&self) -> Answer<Option<IncidentId>> {
        self.after
            .as_deref()
            .map(|id| {
                id.parse()
                    .map_err(|e| Failure::malformed(format!("after: {e}"), Some("after")))
            })
            .transpose()
    }
}

/// The incidents by id, a page at a time: ids after `after`, at most
/// `limit`; a `Link` header with `rel="next"` names the next page while
/// there is one. Paging by id is stable while incidents are declared.
async fn list(
    State(service): State<Arc<Service>>,
    Query(page): Query<Page>,
) -> Answer<impl IntoResponse> {
    let (limit, after) = (page.limit()?, page.after()?);
    let mut incidents = service.store.incidents().await?;
    incidents.sort_unstable_by_key(|(id, _)| *id);
    let start = after.map_or(0, |after| incidents.partition_point(|(id, _)| *id <= after));
    let rest = incidents.get(start..).unwrap_or_default();
    let shown = rest.get(..limit).unwrap_or(rest);
    let list: Vec<Value> = shown
        .iter()
        .map(|(id, version)| json!({"incident_id": id, "version": version}))
        .collect();
    let mut headers = axum::http::HeaderMap::new();
    if let (true, Some((last, _))) = (rest.len() > limit, shown.last()) {
        let next = format!("</incidents?limit={limit}&after={last}>; rel=\"next\"");
        if let Ok(value) = next.parse() {
            headers.insert(header::LINK, value);
        }
    }
    Ok((headers, Json(Value::Array(list))))
}

async fn command(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
    caller: Option<Extension<Caller>>,
    body: String,
) -> Answer<Json<Value>> {
    let id = incident_id(&id)?;
    let mut cmd = parse_command(&body).map_err(Failure::Malformed)?;
    cmd.by = stamp(caller, cmd.by.take())?;
    if cmd.incident_id != id {
        return Err(Failure::malformed(
            format!(
                "the command is for incident {}, the URL names {id}",
                cmd.incident_id
            ),
            Some("incident_id"),
        ));
    }
    // The server's clock judges when the command says it was recorded.
    Receiver::new(clock())
        .with_max_skew(service.limits.max_skew)
        .check(&cmd)
        .map_err(|r| Failure::Store(Error::Rejected(r)))?;
    let outcome = service.store.submit(&service.playbook, &cmd).await?;
    Ok(Json(answer(outcome, None)))
}

/// Who sent a command: the authenticated caller, whose name is stamped as
/// its `by` (a `by` naming someone else is refused: a token acts in its
/// holder's name only); without authentication, what the command says.
fn stamp(caller: Option<Extension<Caller>>, by: Option<Arc<str>>) -> Answer<Option<Arc<str>>> {
    let Some(Extension(caller)) = caller else {
        return Ok(by);
    };
    match by {
        Some(by) if by != caller.name => Err(Failure::NotCaller {
            by: by.to_string(),
            caller: caller.name.to_string(),
        }),
        _ => Ok(Some(caller.name)),
    }
}

/// `{"outcome": "applied" | "duplicate", "version"}` (the crate's
/// serialization of `Outcome`), and the time a command posted without one
/// was given.
fn answer(outcome: Outcome, at: Option<Timestamp>) -> Value {
    let mut answer = json!(outcome);
    if let (Some(at), Some(fields)) = (at, answer.as_object_mut()) {
        fields.insert("at".into(), json!(at));
    }
    answer
}

#[derive(Deserialize)]
struct Expecting {
    expected_version: Option<String>,
}

/// A body without its envelope: the ids come from the URL, the time from
/// the server's clock, `expected_version` from the query.
async fn command_body(
    State(service): State<Arc<Service>>,
    Path((id, command_id)): Path<(String, String)>,
    Query(expecting): Query<Expecting>,
    caller: Option<Extension<Caller>>,
    body: String,
) -> Answer<Json<Value>> {
    let incident = incident_id(&id)?;
    let command_id: CommandId = command_id
        .parse()
        .map_err(|e| Failure::malformed(format!("the command id in the URL: {e}"), None))?;
    let expected_version = match expecting.expected_version {
        Some(v) => Some(v.parse::<u64>().map_err(|e| {
            Failure::malformed(format!("expected_version: {e}"), Some("expected_version"))
        })?),
        None => None,
    };
    let body = parse_body(&body).map_err(Failure::Malformed)?;
    // A body has no `by` of its own (`parse_body` refuses it): the sender
    // is the caller.
    let envelope = Envelope {
        incident,
        command_id,
        expected_version,
        by: stamp(caller, None)?,
    };
    let (outcome, at) = envelope
        .handle(&service.store, &service.playbook, body)
        .await?;
    Ok(Json(answer(outcome, Some(at))))
}

/// What the URL and the query give a body.
struct Envelope {
    incident: IncidentId,
    command_id: CommandId,
    expected_version: Option<u64>,
    /// Who sent it: the authenticated caller, if any.
    by: Option<Arc<str>>,
}

impl Envelope {
    /// The command, at the time the server gives it. A retry (the same
    /// command id again) gets the time stored with the first delivery, so
    /// that the crate sees a duplicate, or `command-id-reused` if the body
    /// differs; a retry racing the first delivery is judged once more.
    async fn handle(
        &self,
        store: &impl AsyncStore,
        playbook: &incident_playbook::Playbook,
        body: CommandBody,
    ) -> Result<(Outcome, Timestamp), Error> {
        let mut first = true;
        loop {
            let stored = store.command(self.incident, self.command_id).await?;
            let fresh = stored.is_none();
            let at = stored.map_or_else(clock, |row| row.command.at);
            let mut cmd = Command::new(self.incident, self.command_id, at, body.clone());
            cmd.expected_version = self.expected_version;
            cmd.by = self.by.clone();
            match store.submit(playbook, &cmd).await {
                Err(Error::Rejected(r)) if first && fresh && r.breaks(Rule::CommandIdReused) => {
                    first = false;
                }
                result => return result.map(|outcome| (outcome, at)),
            }
        }
    }
}

/// The snapshot, written while the incident is lent (no copy of it).
async fn snapshot(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let json = load(&service, &id, serde_json::to_vec).await?;
    let json = json.map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

/// The comms updates as `incident render updates` prints them.
async fn updates(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
) -> Answer<impl IntoResponse> {
    let text = load(&service, &id, |incident| {
        let mut text = format!("Incident {}: {}\n", incident.id(), incident.title());
        for update in incident.updates() {
            // Writing to a String cannot fail.
            let _ = write!(text, "\nPosted {}\n{update}\n", update.at());
        }
        text
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text))
}

#[derive(Deserialize)]
struct At {
    now: Option<String>,
}

/// `?now=T`, else the clock (the library reads none; a service does).
fn now(at: &At) -> Answer<Timestamp> {
    match &at.now {
        Some(t) => t
            .parse()
            .map_err(|e| Failure::malformed(format!("now: {e}"), Some("now"))),
        None => Ok(clock()),
    }
}

/// The server's clock (the library reads none; a service does).
fn clock() -> Timestamp {
    Timestamp::from(chrono::DateTime::<chrono::Utc>::from(
        std::time::SystemTime::now(),
    ))
}

async fn report(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
    Query(at): Query<At>,
) -> Answer<Json<IncidentReport>> {
    let now = now(&at)?;
    let report = load(&service, &id, |incident| {
        IncidentReport::new(incident, &service.playbook, now)
    })
    .await?;
    Ok(Json(report))
}

/// The incident's timeline as an SVG picture, as it stood at `?now=T`
/// (else the clock). Served so that a browser draws it and runs nothing:
/// the picture has no script, and the policy forbids any, as well as any
/// load from elsewhere; `nosniff` keeps it an image. 404 for an incident
/// not yet declared at that time, as for one never declared.
async fn timeline(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
    Query(at): Query<At>,
) -> Answer<impl IntoResponse> {
    let now = now(&at)?;
    let svg = load(&service, &id, |incident| {
        timeline_svg::as_of(incident, &service.playbook, now)
    })
    .await?
    .ok_or(Failure::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        svg,
    ))
}

/// What the crate offers today about where an incident stands: a thin view
/// until the crate says what blocks the next step.
async fn status(
    State(service): State<Arc<Service>>,
    Path(id): Path<String>,
    Query(at): Query<At>,
) -> Answer<Json<Value>> {
    let now = now(&at)?;
    let status = load(&service, &id, |incident| status_of(incident, &service, now)).await?;
    Ok(Json(status))
}

/// The status answer of `incident` at `now`.
fn status_of(incident: &Incident, service: &Service, now: Timestamp) -> Value {
    let last = incident.updates().next_back();
    let next_update = incident.next_update_due();
    json!({
        "incident_id": incident.id(),
        "version": incident.version(),
        "phase": incident.phase().as_str(),
        "severity": incident.severity().as_str(),
        "missing_checks": incident.missing_checks(),
        "last_update": last.map(|u| json!({"at": u.at(), "status": u.status().as_str()})),
        "next_update": next_update,
        "update_overdue": next_update.is_some_and(|due| due < now),
        "blockers": {
            "resolve": incident.blockers(CommandKind::Resolve),
            "close": incident.blockers(CommandKind::Close),
        },
        "resolve_evidence": incident.resolve_evidence(&service.playbook),
        // As the store recorded it with the declaration; `judged_under` is
        // the playbook this service judges new commands under.
        "declared_under": incident.declared_under(),
        "judged_under": service.playbook.id(),
        "now": now,
    })
}
