//! The public status page (`GET /status`) and its Atom feed
//! (`GET /status/feed.atom`): what the public was told, and nothing else.
//!
//! Both are built from the library's public view ([`PublicIncident`],
//! [`StatusPage`]): only `public` updates, each under the title it went out
//! under, so an internal update, a notice to customers, an internal title
//! before disclosure and an incident never made public cannot appear. The
//! owner's name is left out unless the team publishes it
//! ([`StatusOptions::show_owner`]). They need no token.
//!
//! Cost: the public view of each incident is kept with the version it was
//! made at. A request lists the incidents with their versions (one query)
//! and reads only those whose version changed since (through the warm
//! store); an unchanged incident is not read again, let alone replayed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use incident_playbook::IncidentId;
use incident_playbook::public::{PublicIncident, StatusPage};
use incident_store::AsyncStore;

use crate::answer::Failure;
use crate::{Service, StatusOptions};
use crate::{status_feed, status_html};

/// Each incident's public view, with the version it was made at (`None`:
/// never made public).
pub(crate) type StatusCache = HashMap<IncidentId, (u64, Option<Arc<PublicIncident>>)>;

/// The page as the store has it now: incidents whose version changed since
/// the last request are read again, the others come from the cache.
async fn current_page(service: &Service) -> Result<StatusPage, Failure> {
    let listed = service.store.incidents().await?;
    let mut cache = service.status_cache.lock().await;
    let listed_ids: HashMap<IncidentId, u64> = listed.iter().copied().collect();
    cache.retain(|id, _| listed_ids.contains_key(id));
    for (id, version) in listed {
        if cache.get(&id).is_some_and(|(seen, _)| *seen == version) {
            continue;
        }
        let read = service
            .store
            .read(&service.playbook, id, |incident| {
                (incident.version(), PublicIncident::of(incident))
            })
            .await?;
        if let Some((version, shown)) = read {
            cache.insert(id, (version, shown.map(Arc::new)));
        }
    }
    let shown = cache
        .values()
        .filter_map(|(_, shown)| shown.as_deref().cloned());
    Ok(StatusPage::new(shown, service.status.recent))
}

/// The page's public address: the configured one, else from `Host`.
fn page_url(options: &StatusOptions, headers: &HeaderMap) -> String {
    if let Some(url) = &options.url {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}/status")
}

/// What a browser may do with the page: show it and its inline style; no
/// script runs, nothing else loads.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'";

/// `GET /status`: the page, as HTML.
pub(crate) async fn page(
    State(service): State<Arc<Service>>,
) -> Result<impl IntoResponse, Failure> {
    let page = current_page(&service).await?;
    let html = status_html::page(&page, &service.status);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(POLICY),
            ),
        ],
        html,
    ))
}

/// `GET /status/feed.atom`: one entry per public post shown on the page.
pub(crate) async fn feed(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, Failure> {
    let page = current_page(&service).await?;
    let url = page_url(&service.status, &headers);
    let xml = status_feed::feed(&page, &service.status, &url).map_err(Failure::Internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        xml,
    ))
}
