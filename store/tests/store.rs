//! One suite, two backends, three APIs: every case is a test of its own
//! against SQLite (`sqlite::<case>`) and against a real PostgreSQL server
//! that the tests start (and stop) themselves (`postgres::<case>`), so that
//! one failure does not hide the others; and the same again through the
//! async store (`async_sqlite::<case>`, `async_postgres::<case>`) and the
//! async store kept warm (`warm_sqlite::<case>`, `warm_postgres::<case>`),
//! each driven from the cases' blocking code by `common::Blocking`.
//!
//! The race of writer processes is a target of its own (`tests/race/`).

// Shared with the race, which uses other parts of it.
#[allow(dead_code)]
mod common;

#[path = "../examples/sqlite_store.rs"]
#[allow(dead_code)] // the example's `main`
mod example;

use common::{Api, Backend, TempDir, declare, id, note};
use incident_playbook::{Command, CommandId, IncidentId, Outcome, Playbook, PlaybookId, Rule};
use incident_store::throwaway::PostgresServer;
use incident_store::{
    Append, ChangeCursor, Error, ErrorKind, MAX_ATTEMPTS, Row, SNAPSHOT_FORMAT, Store,
    StoredSnapshot, Warm, snapshot_due,
};

/// Each case as two tests, `sqlite::<case>` and `postgres::<case>`, each on
/// a fresh empty store.
macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        cases!(@api sqlite, postgres, Blocking; $($case),*);
        cases!(@api async_sqlite, async_postgres, Async; $($case),*);
        cases!(@api warm_sqlite, warm_postgres, AsyncWarm; $($case),*);
    };
    (@api $sqlite:ident, $postgres:ident, $api:ident; $($case:ident),*) => {
        mod $sqlite {
            $(
                #[test]
                fn $case() {
                    let dir = super::TempDir::new(concat!(stringify!($sqlite), "-", stringify!($case)));
                    let backend = super::Backend::sqlite(&dir.0.join("store.db"));
                    super::$case(&backend.through(super::Api::$api));
                }
            )*
        }
        mod $postgres {
            $(
                #[test]
                fn $case() {
                    let server = super::common::shared_server();
                    let name = concat!(stringify!($postgres), "_", stringify!($case));
                    let params = server.create_database(name).unwrap();
                    super::$case(&super::Backend::postgres(&params).through(super::Api::$api));
                }
            )*
        }
    };
}

cases![
    a_redelivered_command_is_stored_once,
    a_lost_race_reloads_and_the_crate_judges_again,
    rows_that_are_not_a_history_are_refused,
    histories_load_after_the_playbook_changes,
    incidents_are_listed_and_commands_found_by_id,
    changes_name_what_was_stored_since,
    the_playbook_declared_under_is_kept,
    a_store_from_before_the_playbook_column_migrates,
    errors_say_their_kind,
    a_snapshot_and_its_tail_are_the_full_replay,
    a_snapshot_is_used_only_when_usable,
    a_warm_store_is_never_staler_than_the_store,
];

#[test]
fn the_example_runs() {
    let dir = TempDir::new("example");
    example::demo(&dir.0.join("demo.db")).unwrap();
}

#[test]
fn without_server_binaries_the_tests_fail_naming_the_package() {
    let empty = TempDir::new("no-binaries");
    let err = PostgresServer::start_from(&empty.0).unwrap_err();
    assert!(
        err.to_string().contains("apt-get install postgresql"),
        "{err}"
    );
}

fn stored(backend: &Backend, incident: IncidentId) -> Vec<u64> {
    let rows = backend.open().rows(incident).unwrap();
    rows.iter().map(|r| r.version).collect()
}

fn a_redelivered_command_is_stored_once(backend: &Backend) {
    let playbook = Playbook::default();
    let mut store = backend.open();
    let incident = id(0x1000);
    let declare = declare(incident, id(1));
    let note = note(incident, id(2), "Queue at 4,000");
    let outcomes: Vec<Outcome> = [&declare, &note, &declare, &note]
        .into_iter()
        .map(|cmd| store.handle(&playbook, cmd).unwrap().outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Applied { version: 1 },
            Outcome::Applied { version: 2 },
            Outcome::Duplicate { version: 2 },
            Outcome::Duplicate { version: 2 },
        ]
    );
    assert_eq!(stored(backend, incident), [1, 2]);
    // The same id with other content is not a redelivery.
    let reused = common::note(incident, note.command_id, "Queue at 5,000");
    let err = store.handle(&playbook, &reused).unwrap_err();
    assert_eq!(err.rule(), Some(Rule::CommandIdReused));
    // And the store itself refuses a second row with the id, at any version.
    assert_eq!(store.append(3, &note, None).unwrap(), Append::Conflict);
    assert_eq!(stored(backend, incident), [1, 2]);
}

fn a_lost_race_reloads_and_the_crate_judges_again(backend: &Backend) {
    let playbook = Playbook::default();
    let (mut a, mut b) = (backend.open(), backend.open());
    let incident = id(0x2000);
    a.handle(&playbook, &declare(incident, id(1))).unwrap();
    let seen = b.restore(&playbook, incident).unwrap().unwrap();

    // Both writers saw version 1; A stores its note first.
    let mine = note(incident, id(2), "from A");
    let theirs = note(incident, id(3), "from B");
    let stale = theirs.clone().expecting(1);
    assert_eq!(
        a.handle(&playbook, &mine).unwrap().outcome,
        Outcome::Applied { version: 2 }
    );
    for cmd in [&theirs, &stale, &mine] {
        let mut after = seen.clone();
        assert_eq!(
            after.handle(cmd.clone(), &playbook).unwrap(),
            Outcome::Applied { version: 2 }
        );
        assert_eq!(b.append(2, cmd, None).unwrap(), Append::Conflict);
    }
    // Judged again on the new state: a stale expected_version is refused,
    // A's note (raced by a redelivery) is a duplicate, B's goes on top.
    let err = b.handle(&playbook, &stale).unwrap_err();
    assert_eq!(err.rule(), Some(Rule::VersionConflict));
    assert_eq!(
        b.handle(&playbook, &mine).unwrap().outcome,
        Outcome::Duplicate { version: 2 }
    );
    let receipt = b.handle(&playbook, &theirs).unwrap();
    assert_eq!(receipt.outcome, Outcome::Applied { version: 3 });
    assert_eq!(
        receipt.incident,
        a.restore(&playbook, incident).unwrap().unwrap()
    );
    // A writer that keeps losing gives up with the crate's rule, after a
    // bounded number of attempts.
    let mut loser = AlwaysLoses {
        store: b,
        appends: 0,
    };
    let err = loser
        .handle(&playbook, &note(incident, id(4), "late"))
        .unwrap_err();
    assert_eq!(err.rule(), Some(Rule::VersionConflict), "{err}");
    assert_eq!(loser.appends, MAX_ATTEMPTS);
    assert_eq!(stored(backend, incident), [1, 2, 3]);
}

/// A store on which another writer always stores first.
struct AlwaysLoses {
    store: Box<dyn Store>,
    appends: u32,
}

impl Store for AlwaysLoses {
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.store.rows(incident)
    }
    fn append(&mut self, _: u64, _: &Command, _: Option<&PlaybookId>) -> Result<Append, Error> {
        self.appends += 1;
        Ok(Append::Conflict)
    }
    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.store.incidents()
    }
    fn command(
        &mut self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error> {
        self.store.command(incident, command_id)
    }
}

fn rows_that_are_not_a_history_are_refused(backend: &Backend) {
    let playbook = Playbook::default();
    let mut store = backend.open();
    let incident = id(0x3000);
    store.handle(&playbook, &declare(incident, id(1))).unwrap();
    let corrupt = |result: Result<_, Error>| matches!(result, Err(Error::Corrupt { incident_id, .. }) if incident_id == incident);
    // A gap: the store does not judge, so a row at version 3 goes in; the
    // history is then refused, and no command is taken for the incident.
    assert_eq!(
        store
            .append(3, &note(incident, id(3), "three"), None)
            .unwrap(),
        Append::Stored
    );
    assert!(corrupt(store.history(incident).map(|_| ())));
    assert!(corrupt(
        store
            .handle(&playbook, &note(incident, id(4), "four"))
            .map(|_| ())
    ));
    // A row the crate refuses where it stands: a second declare.
    let other = id(0x3001);
    store.handle(&playbook, &declare(other, id(1))).unwrap();
    assert_eq!(
        store.append(2, &declare(other, id(2)), None).unwrap(),
        Append::Stored
    );
    assert!(corrupt_of(
        store.restore(&playbook, other).map(|_| ()),
        other
    ));
}

/// Issue 12 §1: rows accepted under the seed playbook still load, and take
/// new commands, once "Blob Storage" is no longer in the playbook.
fn histories_load_after_the_playbook_changes(backend: &Backend) {
    let seed = Playbook::default();
    let today: Playbook = serde_json::from_str(
        r#"{"dependencies": [{"name": "PostgreSQL"}], "health_endpoints": ["/a", "/b", "/c"]}"#,
    )
    .unwrap();
    let mut store = backend.open();
    let incident = id(0x4000);
    let mut json = serde_json::to_value(declare(incident, id(1))).unwrap();
    json["impact"]["affected_dependencies"] = serde_json::json!(["Blob Storage"]);
    let declare: Command = serde_json::from_value(json).unwrap();
    assert!(incident_playbook::Incident::declare(declare.clone(), &today).is_err());
    store.handle(&seed, &declare).unwrap();
    let loaded = store.restore(&today, incident).unwrap().unwrap();
    assert_eq!(loaded.version(), 1);
    let receipt = store.handle(&today, &note(incident, id(2), "two")).unwrap();
    assert_eq!(receipt.outcome, Outcome::Applied { version: 2 });
}

fn corrupt_of(result: Result<(), Error>, incident: IncidentId) -> bool {
    matches!(result, Err(Error::Corrupt { incident_id, .. }) if incident_id == incident)
}

fn incidents_are_listed_and_commands_found_by_id(backend: &Backend) {
    let playbook = Playbook::default();
    let mut store = backend.open();
    assert!(store.incidents().unwrap().is_empty());
    let (first, second) = (id(0x4001), id(0x4000));
    store.handle(&playbook, &declare(first, id(1))).unwrap();
    store.handle(&playbook, &declare(second, id(1))).unwrap();
    let noted = note(first, id(2), "queue drains");
    store.handle(&playbook, &noted).unwrap();
    assert_eq!(store.incidents().unwrap(), [(second, 1), (first, 2)]);
    let row = store.command(first, id(2)).unwrap().unwrap();
    assert_eq!((row.version, &row.command), (2, &noted));
    assert!(store.command(second, id(2)).unwrap().is_none());
    assert!(store.restore(&playbook, id(0x4002)).unwrap().is_none());
}

/// A reader that looks again is told what was stored since it last
/// looked, by this process or another; from the start, every incident.
/// SQLite names exactly that; PostgreSQL may name again what transactions
/// running at the last look could still store (on this shared server,
/// other tests'), never at a version the reader had not been told of.
fn changes_name_what_was_stored_since(backend: &Backend) {
    let playbook = Playbook::default();
    let (mut store, mut other) = (backend.open(), backend.open());
    let mut seen = std::collections::BTreeMap::new();
    let mut look = |store: &mut dyn Store, since: ChangeCursor| {
        let changes = store.changes_since(since).unwrap();
        let new: Vec<_> = changes
            .incidents
            .iter()
            .copied()
            .filter(|&(id, v)| seen.insert(id, v) != Some(v))
            .collect();
        if backend.sqlite_path().is_some() {
            assert_eq!(new, changes.incidents, "SQLite names only what changed");
        }
        (new, changes.next)
    };
    let (none, start) = look(&mut *store, ChangeCursor::START);
    assert!(none.is_empty());
    let (first, second) = (id(0x4101), id(0x4100));
    store.handle(&playbook, &declare(first, id(1))).unwrap();
    store.handle(&playbook, &declare(second, id(1))).unwrap();
    let (both, after_both) = look(&mut *store, start);
    assert_eq!(both, [(second, 1), (first, 1)]);
    let everything = store.changes_since(ChangeCursor::START).unwrap();
    assert_eq!(everything.incidents, both);
    // Nothing stored since: nothing new named.
    let (quiet, after_quiet) = look(&mut *store, after_both);
    assert!(quiet.is_empty(), "{quiet:?}");
    // Another writer stores two commands on one incident.
    other.handle(&playbook, &note(first, id(2), "two")).unwrap();
    other
        .handle(&playbook, &note(first, id(3), "three"))
        .unwrap();
    let (one, after_one) = look(&mut *store, after_quiet);
    assert_eq!(one, [(first, 3)]);
    assert!(look(&mut *store, after_one).0.is_empty());
    // An older cursor names them again.
    let again = store.changes_since(after_both).unwrap();
    assert!(again.incidents.contains(&(first, 3)), "{again:?}");
}

fn named(version: &str) -> Playbook {
    let id: PlaybookId =
        serde_json::from_value(serde_json::json!({"name": "Acme", "version": version})).unwrap();
    Playbook::default().with_id(id)
}

/// The playbook each stored row of `incident` was judged under, in order.
fn judged_under(store: &mut dyn Store, incident: IncidentId) -> Vec<Option<PlaybookId>> {
    let rows = store.rows(incident).unwrap();
    rows.into_iter().map(|r| r.playbook).collect()
}

/// Issue 12 §4 (store identity): each row keeps the playbook that judged
/// it, so an incident restored under today's playbook still says which one
/// it was declared under.
fn the_playbook_declared_under_is_kept(backend: &Backend) {
    let (then, today) = (named("1"), named("2"));
    let mut store = backend.open();
    let incident = id(0x5000);
    store.handle(&then, &declare(incident, id(1))).unwrap();
    let receipt = store.handle(&today, &note(incident, id(2), "two")).unwrap();
    assert_eq!(receipt.incident.declared_under(), then.id());
    let loaded = store.restore(&today, incident).unwrap().unwrap();
    assert_eq!(loaded.declared_under(), then.id());
    assert_eq!(loaded.declared_under(), then.id());
    assert_eq!(store.declared_under(incident).unwrap().as_ref(), then.id());
    let judged = judged_under(&mut *store, incident);
    assert_eq!(judged, [then.id().cloned(), today.id().cloned()]);
    // Another process sees the same.
    let mut other = backend.open();
    assert_eq!(
        other
            .command(incident, id(1))
            .unwrap()
            .unwrap()
            .playbook
            .as_ref(),
        then.id()
    );
    // An unnamed playbook records nothing; an incident without rows has none.
    let unnamed = id(0x5001);
    store
        .handle(&Playbook::default(), &declare(unnamed, id(1)))
        .unwrap();
    assert_eq!(store.declared_under(unnamed).unwrap(), None);
    let loaded = store.restore(&today, unnamed).unwrap().unwrap();
    assert_eq!(loaded.declared_under(), None);
    assert_eq!(store.declared_under(id(0x5002)).unwrap(), None);
}

/// The table as the store made it before it kept the playbook.
const OLD_SQLITE: &str = "CREATE TABLE incident_commands (
    incident_id TEXT NOT NULL, version INTEGER NOT NULL CHECK (version >= 1),
    command_id TEXT NOT NULL, command TEXT NOT NULL,
    PRIMARY KEY (incident_id, version), UNIQUE (incident_id, command_id)) STRICT;";
const OLD_POSTGRES: &str = "CREATE TABLE incident_commands (
    incident_id uuid NOT NULL, version bigint NOT NULL CHECK (version >= 1),
    command_id uuid NOT NULL, command jsonb NOT NULL,
    PRIMARY KEY (incident_id, version), UNIQUE (incident_id, command_id));";

/// A store written before the playbook column opens (adding it), its rows
/// load with no playbook recorded, and new rows record theirs.
fn a_store_from_before_the_playbook_column_migrates(backend: &Backend) {
    let incident: IncidentId = id(0x6000);
    let old = declare(incident, id(1));
    let json = serde_json::to_string(&old).unwrap();
    // An incident stored to only before the change order: its rows have no
    // place in it, and a look from the start must still name it.
    let untouched: IncidentId = id(0x6001);
    let json_untouched = serde_json::to_string(&declare(untouched, id(1))).unwrap();
    if let Some(path) = backend.sqlite_path() {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch(OLD_SQLITE).unwrap();
        for (incident, json) in [(incident, &json), (untouched, &json_untouched)] {
            conn.execute(
                "INSERT INTO incident_commands VALUES (?1, 1, ?2, ?3)",
                [
                    incident.to_string(),
                    old.command_id.to_string(),
                    json.clone(),
                ],
            )
            .unwrap();
        }
    } else if let Some(params) = backend.postgres_params() {
        let mut client = ::postgres::Client::connect(params, ::postgres::NoTls).unwrap();
        client.batch_execute(OLD_POSTGRES).unwrap();
        for (incident, json) in [(incident, &json), (untouched, &json_untouched)] {
            client
                .execute(
                    "INSERT INTO incident_commands VALUES ($1::text::uuid, 1, $2::text::uuid, $3::text::jsonb)",
                    &[&incident.to_string(), &old.command_id.to_string(), json],
                )
                .unwrap();
        }
    }
    let today = named("2");
    // Two stores open the old table; the column is added once.
    let (mut store, mut again) = (backend.open(), backend.open());
    let loaded = store.restore(&today, incident).unwrap().unwrap();
    assert_eq!((loaded.version(), loaded.declared_under()), (1, None));
    let receipt = again.handle(&today, &note(incident, id(2), "two")).unwrap();
    assert_eq!(receipt.outcome, Outcome::Applied { version: 2 });
    let judged = judged_under(&mut *store, incident);
    assert_eq!(judged, [None, today.id().cloned()]);
    // The rows from before the change order are in it.
    let changes = store.changes_since(ChangeCursor::START).unwrap();
    assert_eq!(changes.incidents, [(incident, 2), (untouched, 1)]);
    again
        .handle(&today, &note(incident, id(3), "three"))
        .unwrap();
    let since = store.changes_since(changes.next).unwrap();
    assert_eq!(since.incidents, [(incident, 3)]);
}

/// Each error says its kind: the crate's refusals, a database that refuses
/// the data (PostgreSQL's `jsonb` keeps no U+0000), and a database that is
/// not there for now (retryable), with the database's own reason kept.
fn errors_say_their_kind(backend: &Backend) {
    let playbook = Playbook::default();
    let mut store = backend.open();
    let incident = id(0x7000);
    store.handle(&playbook, &declare(incident, id(1))).unwrap();
    let kind = |r: Result<_, Error>| r.map(|_| ()).unwrap_err().kind();
    let reused = note(incident, id(1), "not the declaration");
    assert_eq!(kind(store.handle(&playbook, &reused)), ErrorKind::Duplicate);
    let stale = note(incident, id(2), "stale").expecting(0);
    assert_eq!(kind(store.handle(&playbook, &stale)), ErrorKind::Conflict);
    let empty = note(incident, id(3), "   ");
    if let Err(e) = store.handle(&playbook, &empty) {
        assert_eq!(e.kind(), ErrorKind::Refused);
    }
    // Stored without the crate's judgement, as a store would if a text
    // reached it that the crate let through.
    let nul = note(incident, id(4), "nul \u{0} inside");
    let appended = store.append(2, &nul, None);
    if let Some(params) = backend.postgres_params() {
        let e = appended.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert!(!e.is_retryable());
        assert!(
            e.to_string().contains("\\u0000"),
            "the server's reason: {e}"
        );
        assert!(std::error::Error::source(&e).is_some());
        unavailable_postgres(params, backend.api(), &mut *store, incident);
    } else {
        assert_eq!(appended.unwrap(), Append::Stored);
        unavailable_sqlite(backend, incident);
    }
}

/// The server ends the store's connection (as a restart would): the next
/// call fails retryable (an async store's pool may find the connection
/// closed first and open another: then it succeeds, and the one after it
/// does in any case), and so does connecting where no server listens.
fn unavailable_postgres(params: &str, api: Api, store: &mut dyn Store, incident: IncidentId) {
    let mut admin = ::postgres::Client::connect(params, ::postgres::NoTls).unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
    match store.rows(incident) {
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
            assert!(e.is_retryable());
        }
        Ok(_) => assert_ne!(api, Api::Blocking, "a closed connection answered"),
    }
    if api != Api::Blocking {
        assert_eq!(
            store.rows(incident).unwrap().len(),
            1,
            "the pool reconnects"
        );
    }
    let nowhere = common::TempDir::new(&format!("no-server-{api:?}"));
    let params = format!("host={} user=incident dbname=x", nowhere.0.display());
    let e = match api {
        Api::Blocking => incident_store::PostgresStore::connect(&params).unwrap_err(),
        _ => {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let connect = incident_store::AsyncPostgresStore::connect(&params);
            runtime.block_on(connect).unwrap_err()
        }
    };
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
}

/// Another connection holds SQLite's write lock past the busy timeout:
/// retryable.
fn unavailable_sqlite(backend: &Backend, incident: IncidentId) {
    let path = backend.sqlite_path().unwrap();
    let mut store = incident_store::SqliteStore::open(std::path::Path::new(path)).unwrap();
    store
        .connection()
        .busy_timeout(std::time::Duration::ZERO)
        .unwrap();
    let holder = rusqlite::Connection::open(path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let e = store
        .append(3, &note(incident, id(5), "waits"), None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
    assert!(e.is_retryable());
}

/// Every this many commands, in the snapshot tests.
const EVERY: u64 = 5;

/// The property a snapshot must keep: after each accepted command of a
/// varied history (phase changes, roles, checks, refusals skipped), the
/// incident loaded from the latest snapshot and the commands after it is
/// the one a full trusted replay of the rows gives, byte for byte as JSON,
/// at every length across several snapshot boundaries, past the length
/// where snapshots become rarer.
fn a_snapshot_and_its_tail_are_the_full_replay(backend: &Backend) {
    let playbook = named("1");
    let mut store = backend.open_every(EVERY);
    let i = 7;
    let incident = common::incident(i);
    store.handle(&playbook, &common::race_declare(i)).unwrap();
    let mut checked = 0;
    for n in 0.. {
        let Ok(receipt) = store.handle(&playbook, &common::owned_command(i, (n % 4) as usize, n))
        else {
            continue;
        };
        let version = receipt.incident.version();
        let loaded = store.restore(&playbook, incident).unwrap().unwrap();
        let rows = store.history(incident).unwrap();
        let replayed = incident_playbook::Incident::restore(rows, &playbook).unwrap();
        assert_eq!(loaded, replayed, "at version {version}");
        assert_eq!(loaded, receipt.incident, "at version {version}");
        let json = |i: &incident_playbook::Incident| serde_json::to_string(i).unwrap();
        assert_eq!(json(&loaded), json(&replayed), "at version {version}");
        let kept = store.snapshot(incident).unwrap().map(|s| s.version);
        let expected = (1..=version).rev().find(|&v| snapshot_due(EVERY, v));
        assert_eq!(kept, expected, "at version {version}");
        checked += 1;
        if version >= 18 * EVERY + 2 {
            break;
        }
    }
    assert!(checked >= 4 * EVERY as usize, "{checked}");
    // Another store (a process started later) loads the same from it.
    let mut other = backend.open_every(0);
    let loaded = other.restore(&playbook, incident).unwrap().unwrap();
    assert_eq!(loaded, store.restore(&playbook, incident).unwrap().unwrap());
}

/// A snapshot is what a load starts from (one changed by hand shows), but
/// only one in this store's format and of a version the rows have; any
/// other means a full replay.
fn a_snapshot_is_used_only_when_usable(backend: &Backend) {
    let backend = &backend.cold();
    let playbook = Playbook::default();
    let mut store = backend.open_every(0);
    let incident = id(0x8000);
    store.handle(&playbook, &declare(incident, id(1))).unwrap();
    for n in 2..=4 {
        store
            .handle(&playbook, &note(incident, id(n), "queue grows"))
            .unwrap();
    }
    assert_eq!(store.snapshot(incident).unwrap(), None);
    let full = store.restore(&playbook, incident).unwrap().unwrap();
    let head = store.history(incident).unwrap()[..2].to_vec();
    let at_two = incident_playbook::Incident::restore(head, &playbook).unwrap();
    let snapshot = StoredSnapshot::of(&at_two).unwrap();
    let marked = StoredSnapshot {
        state: snapshot
            .state
            .replace("Slow document processing", "From the snapshot"),
        ..snapshot.clone()
    };
    let load = |store: &mut Box<dyn Store>, s: &StoredSnapshot| {
        store.save_snapshot(incident, s).unwrap();
        let loaded = store.restore(&playbook, incident).unwrap().unwrap();
        (loaded.title().as_str().to_owned(), loaded.version())
    };
    assert_eq!(
        load(&mut store, &marked),
        ("From the snapshot".to_owned(), 4)
    );
    // An older version in the same format does not replace a later one.
    let mut older = marked.clone();
    older.version = 1;
    store.save_snapshot(incident, &older).unwrap();
    assert_eq!(store.snapshot(incident).unwrap().unwrap().version, 2);
    // Another format replaces it and is not used.
    let foreign = StoredSnapshot {
        format: format!("{SNAPSHOT_FORMAT} (another)"),
        ..marked.clone()
    };
    assert_eq!(load(&mut store, &foreign).0, full.title().as_str());
    // Nor is one beyond the rows.
    let beyond = StoredSnapshot {
        version: 9,
        ..snapshot.clone()
    };
    assert_eq!(load(&mut store, &beyond).0, full.title().as_str());
    assert_eq!(store.restore(&playbook, incident).unwrap().unwrap(), full);
}

/// A store that counts the full loads (`rows`) asked of it.
struct Counting {
    store: Box<dyn Store>,
    full_loads: u32,
}

impl Store for Counting {
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.full_loads += 1;
        self.store.rows(incident)
    }
    fn append(&mut self, v: u64, c: &Command, p: Option<&PlaybookId>) -> Result<Append, Error> {
        self.store.append(v, c, p)
    }
    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.store.incidents()
    }
    fn command(&mut self, i: IncidentId, c: CommandId) -> Result<Option<Row>, Error> {
        self.store.command(i, c)
    }
    fn latest_version(&mut self, incident: IncidentId) -> Result<u64, Error> {
        self.store.latest_version(incident)
    }
    fn rows_after(&mut self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        self.store.rows_after(incident, version)
    }
}

/// A warm store answers from memory after the first load (no full load
/// per command), yet sees what another writer stored since (reading only
/// those rows), and gives the incident a full replay gives.
fn a_warm_store_is_never_staler_than_the_store(backend: &Backend) {
    let playbook = Playbook::default();
    let mut warm = Warm::new(Counting {
        store: backend.open_every(EVERY),
        full_loads: 0,
    });
    let mut other = backend.open();
    let incident = id(0x9000);
    warm.handle(&playbook, &declare(incident, id(1))).unwrap();
    for n in 2..=12 {
        let receipt = warm
            .handle(&playbook, &note(incident, id(n), "queue drains"))
            .unwrap();
        assert_eq!(receipt.outcome, Outcome::Applied { version: n as u64 });
    }
    assert_eq!(warm.inner().full_loads, 0, "every command answered warm");
    // Another writer stores two commands; the warm store catches up.
    for n in 13..=14 {
        other
            .handle(&playbook, &note(incident, id(n), "from elsewhere"))
            .unwrap();
    }
    let caught_up = warm.restore(&playbook, incident).unwrap().unwrap();
    assert_eq!(caught_up.version(), 14);
    assert_eq!(
        caught_up,
        other.restore(&playbook, incident).unwrap().unwrap()
    );
    let receipt = warm
        .handle(&playbook, &note(incident, id(15), "warm again"))
        .unwrap();
    assert_eq!(receipt.outcome, Outcome::Applied { version: 15 });
    // A redelivery of what the other writer stored is a duplicate.
    let again = note(incident, id(13), "from elsewhere");
    assert_eq!(
        warm.handle(&playbook, &again).unwrap().outcome,
        Outcome::Duplicate { version: 15 }
    );
    let submitted = note(incident, id(16), "outcome only");
    assert_eq!(
        warm.submit(&playbook, &submitted).unwrap(),
        Outcome::Applied { version: 16 }
    );
    assert_eq!(warm.inner().full_loads, 0);
    let receipt = warm.handle(&playbook, &submitted).unwrap();
    assert_eq!(receipt.outcome, Outcome::Duplicate { version: 16 });
    let full = incident_playbook::Incident::restore(other.history(incident).unwrap(), &playbook);
    assert_eq!(receipt.incident, full.unwrap());
    // Without room, every load is full.
    let mut cold = Warm::with_capacity(
        Counting {
            store: backend.open(),
            full_loads: 0,
        },
        0,
    );
    cold.restore(&playbook, incident).unwrap();
    cold.restore(&playbook, incident).unwrap();
    assert_eq!(cold.inner().full_loads, 2);
}

/// An async store counting the full loads (`rows`) asked of it.
struct CountingAsync {
    store: Box<dyn incident_store::AsyncStore>,
    full_loads: std::sync::atomic::AtomicU32,
}

#[async_trait::async_trait]
impl incident_store::AsyncStore for CountingAsync {
    async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.full_loads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.store.rows(incident).await
    }
    async fn append(&self, v: u64, c: &Command, p: Option<&PlaybookId>) -> Result<Append, Error> {
        self.store.append(v, c, p).await
    }
    async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.store.incidents().await
    }
    async fn command(&self, i: IncidentId, c: CommandId) -> Result<Option<Row>, Error> {
        self.store.command(i, c).await
    }
    async fn latest_version(&self, incident: IncidentId) -> Result<u64, Error> {
        self.store.latest_version(incident).await
    }
    async fn rows_after(&self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        self.store.rows_after(incident, version).await
    }
}

/// Many tasks of one process send commands to one incident at once
/// through one warm async store: they take turns on the kept incident, so
/// none loses a race, every command is applied once at its own version,
/// and after the declaration nothing is loaded whole; a read lends the
/// incident a full replay gives.
fn tasks_of_one_process_take_turns(backend: &Backend) {
    use incident_store::{AsyncStore, AsyncWarm};
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store: Box<dyn AsyncStore> = match backend.sqlite_path() {
            Some(path) => Box::new(
                incident_store::AsyncSqliteStore::open(std::path::Path::new(path))
                    .await
                    .unwrap(),
            ),
            None => Box::new(
                incident_store::AsyncPostgresStore::connect(backend.postgres_params().unwrap())
                    .await
                    .unwrap(),
            ),
        };
        let warm = std::sync::Arc::new(AsyncWarm::new(CountingAsync {
            store,
            full_loads: Default::default(),
        }));
        let playbook = std::sync::Arc::new(Playbook::default());
        let incident = id(0xA5_0000);
        let declared = warm.submit(&playbook, &declare(incident, id(1))).await;
        assert_eq!(declared.unwrap(), Outcome::Applied { version: 1 });
        let tasks: Vec<_> = (0..8_u128)
            .map(|t| {
                let (warm, playbook) = (warm.clone(), playbook.clone());
                tokio::spawn(async move {
                    for n in 0..10 {
                        let cmd = note(incident, id(0x100 + t * 100 + n), "in turn");
                        let outcome = warm.submit(&playbook, &cmd).await.unwrap();
                        assert!(matches!(outcome, Outcome::Applied { .. }), "{outcome:?}");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let loads = warm
            .inner()
            .full_loads
            .load(std::sync::atomic::Ordering::SeqCst);
        assert_eq!(loads, 1, "only the declaration's load was full");
        let version = warm
            .read(&playbook, incident, |i| i.version())
            .await
            .unwrap();
        assert_eq!(version, Some(81));
        let history = warm.history(incident).await.unwrap();
        let full = incident_playbook::Incident::restore(history, &playbook).unwrap();
        let kept = warm
            .read(&playbook, incident, |i| i == &full)
            .await
            .unwrap();
        assert_eq!(kept, Some(true));
    });
}

#[test]
fn sqlite_tasks_of_one_process_take_turns() {
    let dir = TempDir::new("take-turns");
    tasks_of_one_process_take_turns(&Backend::sqlite(&dir.0.join("store.db")));
}

#[test]
fn postgres_tasks_of_one_process_take_turns() {
    let server = common::shared_server();
    let params = server.create_database("take_turns").unwrap();
    tasks_of_one_process_take_turns(&Backend::postgres(&params));
}

/// The connection given back last is the next one handed out: under a load
/// that needs a few connections at once, the same few stay warm (in the
/// server's caches as in the pool), and the others go idle and are closed
/// after `PoolLimits::idle`, where handing out the oldest would use them
/// all in turn.
#[test]
fn the_pool_hands_out_the_connection_given_back_last() {
    let server = common::shared_server();
    let params = server.create_database("pool_order").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = incident_store::AsyncPostgresStore::connect(&params)
            .await
            .unwrap();
        let backend = |client: deadpool_postgres::Client| async move {
            let row = client
                .query_one("SELECT pg_backend_pid()", &[])
                .await
                .unwrap();
            (row.get::<_, i32>(0), client)
        };
        let (first, second, third) = (
            store.client().await.unwrap(),
            store.client().await.unwrap(),
            store.client().await.unwrap(),
        );
        let (last, third) = backend(third).await;
        drop((first, second, third));
        for _ in 0..3 {
            let (pid, _client) = backend(store.client().await.unwrap()).await;
            assert_eq!(pid, last);
        }
    });
}
