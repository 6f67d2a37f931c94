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
//! Cost: a request pays for what changed since the last one and for what
//! the page shows, never for every incident ever declared (the page needs
//! no token, so anyone can ask for it). The service keeps each incident's
//! public view with the version it was made at, in the page's order; a
//! request asks the store which incidents had a row stored since its last
//! look ([`AsyncStore::changes_since`]: an indexed read of those rows) and
//! reads only those whose version changed (through the warm store). The
//! first request after start reads every incident once. The page lists at
//! most [`StatusOptions::max_open`] open incidents and says how many more.
//! With [`StatusOptions::reuse_for`], a page built is served again, without
//! asking the store, until it is that old: a flood of requests then costs
//! the store one look per interval.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::IntoResponse;
use incident_playbook::public::{PublicIncident, StatusPage};
use incident_playbook::{IncidentId, Timestamp};
use incident_store::{AsyncStore, ChangeCursor};

use crate::answer::Failure;
use crate::{Service, StatusOptions};
use crate::{status_feed, status_html};

/// Where an incident stands on the page: the latest post first, ties by
/// id (the order [`StatusPage::new`] gives).
type Place = (Reverse<Option<Timestamp>>, IncidentId);

/// The public view of every incident, kept between requests: what the
/// store had at `cursor`.
#[derive(Debug, Default)]
pub(crate) struct StatusCache {
    /// Where the next look at the store starts.
    cursor: ChangeCursor,
    /// Each incident's version when its view was made, public or not (so
    /// that one named again at the same version is not read again).
    seen: HashMap<IncidentId, u64>,
    /// Where each incident with a public post stands, and whether open.
    placed: HashMap<IncidentId, (Place, bool)>,
    /// The open ones, in the page's order.
    open: BTreeMap<Place, Arc<PublicIncident>>,
    /// The resolved ones, in the page's order.
    resolved: BTreeMap<Place, Arc<PublicIncident>>,
    /// The page last built and when, served again while younger than
    /// [`StatusOptions::reuse_for`].
    built: Option<(Instant, Arc<StatusPage>)>,
}

impl StatusCache {
    /// Keeps `shown`, the view of `id` at `version` (`None`: nothing
    /// public), in place of the one before.
    fn keep(&mut self, id: IncidentId, version: u64, shown: Option<PublicIncident>) {
        self.seen.insert(id, version);
        if let Some((place, open)) = self.placed.remove(&id) {
            self.list(open).remove(&place);
        }
        if let Some(shown) = shown {
            let place = (Reverse(shown.last_posted()), id);
            let open = shown.is_open();
            self.placed.insert(id, (place, open));
            self.list(open).insert(place, Arc::new(shown));
        }
    }

    fn list(&mut self, open: bool) -> &mut BTreeMap<Place, Arc<PublicIncident>> {
        if open {
            &mut self.open
        } else {
            &mut self.resolved
        }
    }

    /// The page: the first `max_open` open ones and `recent` resolved
    /// ones, the other open ones counted: at the cost of what is shown.
    fn page(&self, max_open: usize, recent: usize) -> StatusPage {
        let open = self.open.values().take(max_open);
        let resolved = self.resolved.values().take(recent);
        let shown = open
            .chain(resolved)
            .map(|shown| PublicIncident::clone(shown));
        let mut page = StatusPage::new(shown, recent);
        page.more_open = self.open.len().saturating_sub(page.open.len());
        page
    }
}

/// The page as the store has it now: the incidents stored to since the
/// last look are read again if their version changed, the others come
/// from the cache.
async fn current_page(service: &Service) -> Result<Arc<StatusPage>, Failure> {
    let mut cache = service.status_cache.lock().await;
    let reuse_for = service.status.reuse_for;
    if let Some((at, page)) = &cache.built
        && !reuse_for.is_zero()
        && at.elapsed() < reuse_for
    {
        return Ok(Arc::clone(page));
    }
    let changes = service.store.changes_since(cache.cursor).await?;
    if changes.next.is_start() {
        // A store without a change order listed every incident: those
        // not listed have no rows any more.
        let listed: HashMap<IncidentId, u64> = changes.incidents.iter().copied().collect();
        let gone: Vec<IncidentId> = (cache.seen.keys())
            .filter(|id| !listed.contains_key(id))
            .copied()
            .collect();
        for id in gone {
            cache.keep(id, 0, None);
            cache.seen.remove(&id);
        }
    }
    for (id, version) in changes.incidents {
        if cache.seen.get(&id) == Some(&version) {
            continue;
        }
        let read = service
            .store
            .read(&service.playbook, id, |incident| {
                (incident.version(), PublicIncident::of(incident))
            })
            .await?;
        if let Some((version, shown)) = read {
            cache.keep(id, version, shown);
        }
    }
    cache.cursor = changes.next;
    let page = Arc::new(cache.page(service.status.max_open, service.status.recent));
    cache.built = Some((Instant::now(), Arc::clone(&page)));
    Ok(page)
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
