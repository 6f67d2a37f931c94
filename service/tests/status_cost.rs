//! What a status page request costs the store, counted by a store wrapper
//! over real HTTP on each backend: the first request after start reads
//! every incident once; later ones are told only the incidents stored to
//! since the last, and read only those. The page lists a bounded number of
//! open incidents and counts the others.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use incident_playbook::{Command, CommandId, IncidentId, Playbook, PlaybookId};
use incident_service::{Auth, Limits, Service, StatusOptions};
use incident_store::{
    Append, AsyncPostgresStore, AsyncSqliteStore, AsyncStore, ChangeCursor, Changes, Error, Row,
    StoredSnapshot,
};
use serde_json::{Value, json};

mod common;
use common::{Running, block};
mod public;
use public::{case, database, get, page_texts, post_lines};

/// What the store was asked, since the counters were last taken.
#[derive(Default)]
struct Counts {
    /// Incidents named by a listing (`incidents`, `changes_since`).
    listed: AtomicUsize,
    /// Reads of one incident's rows or version.
    reads: AtomicUsize,
}

impl Counts {
    /// (listed, reads) since the last call, and zero again.
    fn take(&self) -> (usize, usize) {
        (
            self.listed.swap(0, Ordering::SeqCst),
            self.reads.swap(0, Ordering::SeqCst),
        )
    }
}

/// A store that counts what it is asked and passes it on.
struct Counting {
    store: Box<dyn AsyncStore>,
    counts: Arc<Counts>,
}

impl Counting {
    fn read(&self) {
        self.counts.reads.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl AsyncStore for Counting {
    async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.read();
        self.store.rows(incident).await
    }
    async fn append(&self, v: u64, c: &Command, p: Option<&PlaybookId>) -> Result<Append, Error> {
        self.store.append(v, c, p).await
    }
    async fn append_next(
        &self,
        v: u64,
        c: &Command,
        p: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        self.store.append_next(v, c, p).await
    }
    async fn append_batch(
        &self,
        first: u64,
        commands: &[&Command],
        p: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        self.store.append_batch(first, commands, p).await
    }
    async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error> {
        let listed = self.store.incidents().await?;
        self.counts.listed.fetch_add(listed.len(), Ordering::SeqCst);
        Ok(listed)
    }
    async fn changes_since(&self, since: ChangeCursor) -> Result<Changes, Error> {
        let changes = self.store.changes_since(since).await?;
        let named = changes.incidents.len();
        self.counts.listed.fetch_add(named, Ordering::SeqCst);
        Ok(changes)
    }
    async fn command(&self, i: IncidentId, c: CommandId) -> Result<Option<Row>, Error> {
        self.store.command(i, c).await
    }
    async fn declared_under(&self, i: IncidentId) -> Result<Option<PlaybookId>, Error> {
        self.store.declared_under(i).await
    }
    async fn latest_version(&self, i: IncidentId) -> Result<u64, Error> {
        self.read();
        self.store.latest_version(i).await
    }
    async fn rows_after(&self, i: IncidentId, v: u64) -> Result<Vec<Row>, Error> {
        self.read();
        self.store.rows_after(i, v).await
    }
    async fn snapshot(&self, i: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        self.store.snapshot(i).await
    }
    async fn save_snapshot(&self, i: IncidentId, s: &StoredSnapshot) -> Result<(), Error> {
        self.store.save_snapshot(i, s).await
    }
    fn snapshot_every(&self) -> u64 {
        self.store.snapshot_every()
    }
}

/// Incident `n`'s id.
fn id_of(n: u128) -> String {
    format!("00000000-0000-0000-0000-{:012x}", 0x5000 + n)
}

/// The conformance case's declaration and its public update by the comms
/// owner, as incident `n`'s (`public`), or the declaration alone.
fn incident(n: u128, public: bool) -> Vec<String> {
    let stream = case("public-update-not-by-comms-owner");
    let lines: Vec<&str> = stream.lines().collect();
    let id = id_of(n);
    let chosen = if public {
        vec![lines[0], lines[2]]
    } else {
        vec![lines[0]]
    };
    chosen
        .into_iter()
        .map(|line| {
            let mut command: Value = serde_json::from_str(line).unwrap();
            command["incident_id"] = json!(id);
            command.to_string()
        })
        .collect()
}

/// A later public update of incident `n`.
fn later_update(n: u128) -> String {
    json!({"type": "post_update", "incident_id": id_of(n),
        "command_id": "6f0c3a57-1d2e-4b7a-9c1e-000000000299", "at": "2026-05-04T10:15:00Z",
        "update": {"impact": "Uploads work again for most customers",
            "action": "Watching the error rate", "owner": "Linus",
            "next_update": "2026-05-04T10:45:00Z", "audience": "public"}})
    .to_string()
}

/// The page's text (without markup).
fn page_text(running: &Running) -> String {
    let (status, _, page) = get(&running.url("/status"), None);
    assert_eq!(status, 200);
    page_texts(&page).swap_remove(1)
}

/// Five open public incidents and two never made public, on a page that
/// lists three open ones: how much each request lists and reads.
fn each_request_pays_for_what_changed(store: Box<dyn AsyncStore>) {
    let counts = Arc::new(Counts::default());
    let store = Box::new(Counting {
        store,
        counts: Arc::clone(&counts),
    });
    let mut options = StatusOptions::default();
    options.max_open = 3;
    let service = Service::with_status(Playbook::default(), store, Limits::default(), options);
    let running = Running::start(service, Auth::None);
    let lines: Vec<String> = (1..=5)
        .flat_map(|n| incident(n, true))
        .chain((6..=7).flat_map(|n| incident(n, false)))
        .collect();
    post_lines(&running, lines.iter().map(String::as_str), None);

    counts.take();
    let text = page_text(&running);
    // The first request after start reads every incident, once.
    assert_eq!(counts.take().0, 7);
    assert!(text.contains("5 open incidents"), "{text}");
    assert!(
        text.contains("And 2 more open incidents, not listed here."),
        "{text}"
    );
    assert_eq!(
        text.matches("Document uploads failing").count(),
        3,
        "{text}"
    );

    // Nothing stored since: the store names nothing, nothing is read.
    for _ in 0..3 {
        assert_eq!(page_text(&running), text);
        assert_eq!(counts.take(), (0, 0));
    }

    // One incident written to: that one is named and read again, and is
    // now the first listed (its post is the latest).
    post_lines(&running, std::iter::once(later_update(5).as_str()), None);
    counts.take();
    let after = page_text(&running);
    let (listed, reads) = counts.take();
    assert_eq!(listed, 1);
    assert!(reads <= 2, "{reads} reads for one incident");
    let newest = after.find("Uploads work again").unwrap();
    assert!(after.find("Document uploads failing").unwrap() < newest);
    assert!(after.contains("5 open incidents"), "{after}");
    assert_eq!(page_text(&running), after);
    assert_eq!(counts.take(), (0, 0));
}

#[test]
fn a_status_request_on_sqlite_pays_for_what_changed() {
    let path = database("cost");
    let store = block(AsyncSqliteStore::open(&path)).unwrap();
    each_request_pays_for_what_changed(Box::new(store));
}

#[test]
fn a_status_request_on_postgres_pays_for_what_changed() {
    let server =
        incident_store::throwaway::PostgresServer::start().unwrap_or_else(|e| panic!("{e}"));
    let params = server.create_database("status_cost").unwrap();
    let store = block(AsyncPostgresStore::connect(&params)).unwrap();
    each_request_pays_for_what_changed(Box::new(store));
}

/// With `reuse_for`, the page built is served again without asking the
/// store, even after a write, until it is that old (an hour here, so that
/// nothing depends on how fast the test runs).
#[test]
fn a_page_built_is_served_again_within_its_interval() {
    let path = database("reuse");
    let store = block(AsyncSqliteStore::open(&path)).unwrap();
    let counts = Arc::new(Counts::default());
    let store = Box::new(Counting {
        store: Box::new(store),
        counts: Arc::clone(&counts),
    });
    let mut options = StatusOptions::default();
    options.reuse_for = std::time::Duration::from_secs(3600);
    let service = Service::with_status(Playbook::default(), store, Limits::default(), options);
    let running = Running::start(service, Auth::None);
    let first: Vec<String> = incident(1, true);
    post_lines(&running, first.iter().map(String::as_str), None);
    let text = page_text(&running);
    assert!(text.contains("1 open incident"), "{text}");
    counts.take();
    post_lines(&running, incident(2, true).iter().map(String::as_str), None);
    for _ in 0..3 {
        assert_eq!(page_text(&running), text);
    }
    // The writes read their incidents; the pages asked the store nothing.
    let (listed, _) = counts.take();
    assert_eq!(listed, 0);
    let (status, _, feed) = get(&running.url("/status/feed.atom"), None);
    assert_eq!(status, 200);
    assert_eq!(feed.matches("<entry>").count(), 1, "{feed}");
}
