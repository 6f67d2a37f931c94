//! The service's own health, at the endpoints the playbook checks
//! (`/health/live`, `/health/ready`): live answers while the process
//! serves; ready also asks the store.

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use incident_playbook::{CommandId, IncidentId, Uuid};
use incident_store::AsyncStore;
use serde_json::{Value, json};

use crate::Service;
use crate::answer::Failure;

/// `GET /health/live` and `GET /health/ready`, outside the limits and
/// (for the other routes' credentials) open to all.
pub(crate) fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
        .with_state(service)
}

async fn live() -> Json<Value> {
    Json(json!({"status": "live"}))
}

/// 200 when a store connection answers a lookup; else the store's 503.
async fn ready(
    axum::extract::State(service): axum::extract::State<Arc<Service>>,
) -> Result<Json<Value>, Failure> {
    // One indexed lookup of an id no command has: as cheap as a round trip.
    let nil = IncidentId::from(Uuid::nil());
    let none = CommandId::from(Uuid::nil());
    service.store.command(nil, none).await?;
    Ok(Json(
        json!({"status": "ready", "connections": service.open_connections()}),
    ))
}
