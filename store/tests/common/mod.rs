//! What the store's tests share: the backends behind one name, and commands.

use std::path::PathBuf;

use incident_playbook::PlaybookId;
use incident_playbook::{Command, CommandId, Incident, IncidentId, Outcome, Playbook, Uuid};
use incident_store::{
    Append, AsyncPostgresStore, AsyncSqliteStore, AsyncStore, AsyncWarm, ChangeCursor, Changes,
    Error, PostgresStore, Receipt, Row, SqliteStore, Store, StoredSnapshot,
};
use serde_json::json;

pub const AT: &str = "2026-05-04T09:10:00Z";
pub const NEXT: &str = "2026-05-04T10:10:00Z";

/// Where a store lives, as a string a child process can be handed:
/// `sqlite:PATH` or `postgres:PARAMS`, behind `async+` for the async store
/// and `warm+` for the async store kept warm (run through [`Blocking`]).
#[derive(Debug, Clone)]
pub struct Backend(pub String);

/// Which API a [`Backend`] is used through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Blocking,
    Async,
    AsyncWarm,
}

impl Backend {
    /// The same place, through `api`.
    pub fn through(self, api: Api) -> Self {
        match api {
            Api::Blocking => self,
            Api::Async => Backend(format!("async+{}", self.0)),
            Api::AsyncWarm => Backend(format!("warm+{}", self.0)),
        }
    }

    /// The API and the place (`sqlite:PATH`, `postgres:PARAMS`).
    fn parts(&self) -> (Api, &str) {
        if let Some(place) = self.0.strip_prefix("async+") {
            (Api::Async, place)
        } else if let Some(place) = self.0.strip_prefix("warm+") {
            (Api::AsyncWarm, place)
        } else {
            (Api::Blocking, &self.0)
        }
    }

    /// The same place through the async store not kept warm, for a case
    /// about what a load reads (a warm store reads only what changed).
    pub fn cold(&self) -> Self {
        match self.0.strip_prefix("warm+") {
            Some(place) => Backend(format!("async+{place}")),
            None => self.clone(),
        }
    }

    pub fn api(&self) -> Api {
        self.parts().0
    }

    /// The SQLite file, if the store is one.
    pub fn sqlite_path(&self) -> Option<&str> {
        self.parts().1.strip_prefix("sqlite:")
    }

    /// The PostgreSQL connection string, if the store is one.
    pub fn postgres_params(&self) -> Option<&str> {
        self.parts().1.strip_prefix("postgres:")
    }

    pub fn sqlite(path: &std::path::Path) -> Self {
        Backend(format!("sqlite:{}", path.display()))
    }

    pub fn postgres(params: &str) -> Self {
        Backend(format!("postgres:{params}"))
    }

    pub fn open(&self) -> Box<dyn Store> {
        self.open_every(incident_store::SNAPSHOT_EVERY)
    }

    /// A store keeping a snapshot every `n` commands.
    pub fn open_every(&self, n: u64) -> Box<dyn Store> {
        if self.api() != Api::Blocking {
            return Box::new(Blocking::open(self, n));
        }
        if let Some(path) = self.0.strip_prefix("sqlite:") {
            Box::new(
                SqliteStore::open(&PathBuf::from(path))
                    .unwrap()
                    .with_snapshot_every(n),
            )
        } else if let Some(params) = self.0.strip_prefix("postgres:") {
            Box::new(
                PostgresStore::connect(params)
                    .unwrap()
                    .with_snapshot_every(n),
            )
        } else {
            panic!("unknown backend {}", self.0)
        }
    }
}

/// An async store driven from blocking code, each call awaited on a
/// runtime of its own: so that every case of the blocking store's suite
/// runs against the async API too. The operations built on the backend's
/// (`restore`, `handle`, `submit`, …) are the async store's, not the
/// blocking trait's defaults.
pub struct Blocking {
    runtime: tokio::runtime::Runtime,
    store: Box<dyn AsyncStore>,
}

impl Blocking {
    pub fn open(backend: &Backend, every: u64) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store: Box<dyn AsyncStore> = runtime.block_on(async {
            if let Some(path) = backend.sqlite_path() {
                let store = AsyncSqliteStore::open(std::path::Path::new(path)).await;
                Box::new(store.unwrap().with_snapshot_every(every)) as Box<dyn AsyncStore>
            } else {
                let params = backend.postgres_params().unwrap();
                let store = AsyncPostgresStore::connect(params).await;
                Box::new(store.unwrap().with_snapshot_every(every))
            }
        });
        let store = match backend.api() {
            Api::AsyncWarm => Box::new(AsyncWarm::new(store)),
            _ => store,
        };
        Blocking { runtime, store }
    }
}

impl Store for Blocking {
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.runtime.block_on(self.store.rows(incident))
    }
    fn append(&mut self, v: u64, c: &Command, p: Option<&PlaybookId>) -> Result<Append, Error> {
        self.runtime.block_on(self.store.append(v, c, p))
    }
    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.runtime.block_on(self.store.incidents())
    }
    fn changes_since(&mut self, since: ChangeCursor) -> Result<Changes, Error> {
        self.runtime.block_on(self.store.changes_since(since))
    }
    fn command(&mut self, i: IncidentId, c: CommandId) -> Result<Option<Row>, Error> {
        self.runtime.block_on(self.store.command(i, c))
    }
    fn declared_under(&mut self, i: IncidentId) -> Result<Option<PlaybookId>, Error> {
        self.runtime.block_on(self.store.declared_under(i))
    }
    fn history(&mut self, i: IncidentId) -> Result<Vec<Command>, Error> {
        self.runtime.block_on(self.store.history(i))
    }
    fn latest_version(&mut self, i: IncidentId) -> Result<u64, Error> {
        self.runtime.block_on(self.store.latest_version(i))
    }
    fn rows_after(&mut self, i: IncidentId, v: u64) -> Result<Vec<Row>, Error> {
        self.runtime.block_on(self.store.rows_after(i, v))
    }
    fn snapshot(&mut self, i: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        self.runtime.block_on(self.store.snapshot(i))
    }
    fn save_snapshot(&mut self, i: IncidentId, s: &StoredSnapshot) -> Result<(), Error> {
        self.runtime.block_on(self.store.save_snapshot(i, s))
    }
    fn snapshot_every(&self) -> u64 {
        self.store.snapshot_every()
    }
    fn restore(&mut self, p: &Playbook, i: IncidentId) -> Result<Option<Incident>, Error> {
        self.runtime.block_on(self.store.restore(p, i))
    }
    fn handle_with(&mut self, p: &Playbook, c: &Command, n: u32) -> Result<Receipt, Error> {
        self.runtime.block_on(self.store.handle_with(p, c, n))
    }
    fn submit(&mut self, p: &Playbook, c: &Command) -> Result<Outcome, Error> {
        self.runtime.block_on(self.store.submit(p, c))
    }
}

pub fn command(value: serde_json::Value) -> Command {
    serde_json::from_value(value).unwrap()
}

/// A SEV3 `declare` with a commander and a technical lead.
pub fn declare(incident: IncidentId, id: CommandId) -> Command {
    command(json!({
        "type": "declare", "incident_id": incident, "command_id": id, "at": AT,
        "title": "Slow document processing", "severity": "SEV3",
        "impact": {"environment": "production", "users": "Tenants using OCR",
            "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
            "flags": ["degraded_feature"]},
        "roles": {"commander": "Ada", "technical_lead": "Grace"},
        "update": {"impact": "OCR is slow", "action": "Checking provider status",
            "owner": "Ada", "next_update": NEXT}
    }))
}

pub fn note(incident: IncidentId, id: CommandId, text: &str) -> Command {
    command(json!({
        "type": "add_note", "incident_id": incident, "command_id": id, "at": AT, "text": text
    }))
}

/// An incident's or a command's id, as the call site needs.
pub fn id<T: From<Uuid>>(n: u128) -> T {
    T::from(Uuid::from_u128(n))
}

// ---- The race's commands: deterministic, so the parent knows what each
// writer process sent. ----

pub const WRITERS: usize = 4;
pub const INCIDENTS: u128 = 2;
/// Commands each writer owns per incident; each is also sent by the next writer.
pub const OWN: u64 = 12;

/// splitmix64: a fixed sequence, so a failure can be rerun.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

pub fn incident(n: u128) -> IncidentId {
    id(0xA000 + n)
}

/// Command ids say which writer owns a command.
pub fn command_id(incident: u128, writer: usize, n: u64) -> CommandId {
    id((incident << 64) | ((writer as u128) << 32) | u128::from(n))
}

pub fn race_declare(i: u128) -> Command {
    declare(incident(i), command_id(i, 99, 0))
}

/// The `n`-th command `writer` owns for incident `i`: mostly commands that
/// fit any open phase, plus phase changes and a status-stating update whose
/// fate depends on which writer wins, and some with an `expected_version`
/// picked blind (usually stale).
pub fn owned_command(i: u128, writer: usize, n: u64) -> Command {
    let id = command_id(i, writer, n);
    let r = mix((i as u64) << 48 ^ (writer as u64) << 32 ^ n);
    let update = json!({"impact": "OCR is slow", "action": "Working on it", "owner": "Ada",
        "next_update": NEXT});
    const CHECKS: [&str; 5] = [
        "recent_deploys",
        "migrations",
        "provider_status",
        "logs",
        "health_endpoints",
    ];
    const PEOPLE: [&str; 3] = ["Ken", "Linus", "Barbara"];
    let mut value = match r % 20 {
        0..=8 => json!({"type": "add_note", "text": format!("note {id}")}),
        9 | 10 => json!({"type": "record_check",
            "check": CHECKS[(r >> 8) as usize % 5], "finding": "looked at"}),
        11 | 12 => json!({"type": "assign_role",
            "role": "scribe", "person": PEOPLE[(r >> 16) as usize % 3]}),
        13 | 14 => json!({"type": "start_mitigation",
            "mitigation": {"kind": "other", "description": "Scale OCR workers"},
            "update": update}),
        15 => json!({"type": "begin_monitoring", "update": update}),
        16 => json!({"type": "resume_investigation", "reason": "Queue grows again",
            "update": update}),
        _ => json!({"type": "post_update",
            "update": {"status": "investigating", "impact": "OCR is slow",
                "action": "Still looking", "owner": "Ada", "next_update": NEXT}}),
    };
    value["incident_id"] = json!(incident(i));
    value["command_id"] = json!(id);
    value["at"] = json!(AT);
    if (r >> 24).is_multiple_of(6) {
        value["expected_version"] = json!(1 + (r >> 32) % 30);
    }
    command(value)
}

/// The deliveries of writer `me`, in order: every declare, then per round
/// its own command and its neighbour's (every command reaches the store
/// from two processes), some sent again (a client that timed out), and
/// read-then-write notes that expect the version just read (`None` here:
/// the writer fills it in when it gets there).
pub fn deliveries(me: usize) -> Vec<(Command, bool)> {
    let mut out: Vec<(Command, bool)> = (0..INCIDENTS).map(|i| (race_declare(i), false)).collect();
    let next = (me + 1) % WRITERS;
    for n in 0..OWN {
        for i in 0..INCIDENTS {
            out.push((owned_command(i, me, n), false));
            let theirs = owned_command(i, next, n);
            if n % 5 == 4 {
                out.push((theirs.clone(), false));
            }
            out.push((theirs, false));
            if n % 4 == 1 {
                let fresh = note(incident(i), command_id(i, me, 1000 + n), "seen");
                out.push((fresh.clone(), true));
                out.push((fresh, true));
            }
        }
    }
    out
}

/// A folder of its own, removed afterwards even if the test fails.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("incident-store-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The throwaway PostgreSQL server of the tests that run at the same time:
/// started by the first, stopped when the last of them ends (a static
/// would never be dropped, leaving the server running).
pub fn shared_server() -> std::sync::Arc<incident_store::throwaway::PostgresServer> {
    use std::sync::{Arc, Mutex, PoisonError, Weak};
    static SHARED: Mutex<Weak<incident_store::throwaway::PostgresServer>> = Mutex::new(Weak::new());
    let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(server) = shared.upgrade() {
        return server;
    }
    // Fails (never skips) where the server binaries are missing: the
    // message names the package.
    let server = Arc::new(
        incident_store::throwaway::PostgresServer::start().unwrap_or_else(|e| panic!("{e}")),
    );
    *shared = Arc::downgrade(&server);
    server
}
