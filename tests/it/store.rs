//! The SQLite store of `examples/sqlite_store.rs` under concurrent writers:
//! no accepted command is lost or stored twice.
//!
//! The example file is compiled here as a module, so the test exercises the
//! very code the example shows (and runs its demo).

#[path = "../../examples/sqlite_store.rs"]
#[allow(dead_code)] // the example's `main`
mod sqlite_store;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::thread;

use crate::fixture::{INCIDENT, command_uuid};
use incident_playbook::{Command, Incident, Outcome, Playbook, Rule, Uuid};
use serde_json::json;
use sqlite_store::Error;

/// A store file of its own per test, removed afterwards even if the test fails.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "incident-store-test-{}-{name}.db",
            std::process::id()
        ));
        sqlite_store::remove_db(&path);
        TempDb(path)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        sqlite_store::remove_db(&self.0);
    }
}

const AT: &str = "2026-05-04T09:10:00Z";
const NEXT: &str = "2026-05-04T10:10:00Z";

fn count_rows(conn: &rusqlite::Connection, command_id: Uuid) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM incident_commands WHERE command_id = ?1",
        [command_id.to_string()],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn the_demo_runs() {
    let db = TempDb::new("demo");
    sqlite_store::demo(db.path()).unwrap();
}

#[test]
fn a_redelivered_command_is_stored_once() {
    let db = TempDb::new("redelivery");
    let playbook = Playbook::default();
    let mut conn = sqlite_store::open(db.path()).unwrap();
    let id: Uuid = INCIDENT.parse().unwrap();
    let declare = sqlite_store::declare(id, command_uuid(1), AT).unwrap();
    let note = sqlite_store::note(id, command_uuid(2), AT, "Queue at 4,000").unwrap();
    let outcomes: Vec<Outcome> = [&declare, &note, &declare, &note]
        .into_iter()
        .map(|cmd| sqlite_store::submit(&mut conn, &playbook, cmd).unwrap())
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
    assert_eq!(count_rows(&conn, declare.command_id), 1);
    assert_eq!(count_rows(&conn, note.command_id), 1);
    assert_eq!(
        sqlite_store::submit(&mut conn, &playbook, &note).unwrap(),
        Outcome::Duplicate { version: 2 }
    );
    // The same id with other content is not a redelivery.
    let reused = sqlite_store::note(id, note.command_id, AT, "Queue at 5,000").unwrap();
    let err = sqlite_store::submit(&mut conn, &playbook, &reused).unwrap_err();
    assert_eq!(err.rule(), Some(Rule::CommandIdReused));
    assert_eq!(count_rows(&conn, note.command_id), 1);
}

#[test]
fn a_lost_race_reloads_and_the_crate_judges_again() {
    let db = TempDb::new("race");
    let playbook = Playbook::default();
    let mut a = sqlite_store::open(db.path()).unwrap();
    let mut b = sqlite_store::open(db.path()).unwrap();
    let id: Uuid = INCIDENT.parse().unwrap();
    let declare = sqlite_store::declare(id, command_uuid(1), AT).unwrap();
    assert_eq!(
        sqlite_store::submit(&mut a, &playbook, &declare).unwrap(),
        Outcome::Applied { version: 1 }
    );

    // Both writers load version 1, then A stores its note first.
    let seen = sqlite_store::load(&b, &playbook, id).unwrap();
    let mine = sqlite_store::note(id, command_uuid(2), AT, "from A").unwrap();
    let theirs = sqlite_store::note(id, command_uuid(3), AT, "from B").unwrap();
    let stale = theirs.clone().expecting(1);
    assert_eq!(
        sqlite_store::submit(&mut a, &playbook, &mine).unwrap(),
        Outcome::Applied { version: 2 }
    );
    for cmd in [&theirs, &stale, &mine] {
        let (after, outcome) = sqlite_store::decide(seen.clone(), cmd.clone(), &playbook).unwrap();
        assert_eq!(outcome, Outcome::Applied { version: 2 });
        let err = sqlite_store::append(&mut b, &after, cmd).unwrap_err();
        assert_eq!(err.rule(), Some(Rule::VersionConflict), "{err}");
    }

    // Reloaded: without expected_version it goes on top; with a stale one it
    // is refused; A's own note, raced by a redelivery, is a duplicate.
    let err = sqlite_store::submit(&mut b, &playbook, &stale).unwrap_err();
    assert_eq!(err.rule(), Some(Rule::VersionConflict));
    assert_eq!(
        sqlite_store::submit(&mut b, &playbook, &mine).unwrap(),
        Outcome::Duplicate { version: 2 }
    );
    assert_eq!(
        sqlite_store::submit(&mut b, &playbook, &theirs).unwrap(),
        Outcome::Applied { version: 3 }
    );
    // A writer that keeps losing gives up with the crate's rule.
    let next = sqlite_store::note(id, command_uuid(4), AT, "late").unwrap();
    let (after, _) = sqlite_store::decide(seen, next.clone(), &playbook).unwrap();
    let err = sqlite_store::append(&mut b, &after, &next).unwrap_err();
    assert_eq!(err.rule(), Some(Rule::VersionConflict));
    assert_eq!(
        sqlite_store::rows(&a, id).unwrap().len(),
        3,
        "refused attempts left rows behind"
    );
}

#[test]
fn rows_that_are_not_a_history_are_refused() {
    let db = TempDb::new("corrupt");
    let playbook = Playbook::default();
    let mut conn = sqlite_store::open(db.path()).unwrap();
    let id: Uuid = INCIDENT.parse().unwrap();
    for (version, cmd) in (1..).zip([
        sqlite_store::declare(id, command_uuid(1), AT).unwrap(),
        sqlite_store::note(id, command_uuid(2), AT, "one").unwrap(),
        sqlite_store::note(id, command_uuid(3), AT, "two").unwrap(),
    ]) {
        assert_eq!(
            sqlite_store::submit(&mut conn, &playbook, &cmd).unwrap(),
            Outcome::Applied { version }
        );
    }
    let corrupt = |conn: &rusqlite::Connection| {
        matches!(
            sqlite_store::load(conn, &playbook, id),
            Err(Error::Corrupt { incident_id, .. }) if incident_id == id
        )
    };
    assert!(!corrupt(&conn));

    // A gap: version 2 deleted by hand.
    conn.execute(
        "UPDATE incident_commands SET version = 9 WHERE version = 2",
        [],
    )
    .unwrap();
    assert!(corrupt(&conn));
    conn.execute(
        "UPDATE incident_commands SET version = 2 WHERE version = 9",
        [],
    )
    .unwrap();
    assert!(!corrupt(&conn));

    // A row whose command the crate refuses where it stands (a second declare).
    let declare =
        serde_json::to_string(&sqlite_store::declare(id, command_uuid(3), AT).unwrap()).unwrap();
    conn.execute(
        "UPDATE incident_commands SET command = ?1 WHERE version = 3",
        [&declare],
    )
    .unwrap();
    assert!(corrupt(&conn));
    // And a store that cannot load an incident takes no command for it.
    let more = sqlite_store::note(id, command_uuid(4), AT, "three").unwrap();
    assert!(matches!(
        sqlite_store::submit(&mut conn, &playbook, &more),
        Err(Error::Corrupt { .. })
    ));
}

// ---- Many writers ----

const WRITERS: usize = 8;
const INCIDENTS: u128 = 3;
/// Commands each writer owns per incident; each is also sent by the next writer.
const OWN: u64 = 12;
/// Read-then-write commands with `expected_version` each writer sends per incident.
const FRESH: u64 = 3;

/// splitmix64: a fixed, seedable sequence, so a failure can be rerun.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The race's incidents: ids of their own, since there are several.
fn incident(n: u128) -> Uuid {
    Uuid::from_u128(0xA000 + n)
}

/// The race's command ids say which writer owns a command (the fixture's
/// ids only count).
fn command_id(incident: u128, writer: usize, n: u64) -> Uuid {
    Uuid::from_u128((incident << 64) | ((writer as u128) << 32) | u128::from(n))
}

/// The `n`-th command writer `writer` owns for `incident`: mostly commands
/// that fit any open phase, plus phase changes and a status-stating update
/// whose fate depends on which writer wins, and a few with an
/// `expected_version` picked blind (usually stale).
fn owned_command(incident_no: u128, writer: usize, n: u64) -> Command {
    let incident = incident(incident_no);
    let id = command_id(incident_no, writer, n);
    let r = mix((incident_no as u64) << 48 ^ (writer as u64) << 32 ^ n);
    let update = json!({"impact": "OCR is slow", "action": "Working on it", "owner": "Ada",
        "next_update": NEXT});
    const CHECKS: [&str; 5] = [
        "recent_deploys",
        "migrations",
        "provider_status",
        "logs",
        "health_endpoints",
    ];
    const ROLES: [&str; 2] = ["scribe", "communications_owner"];
    const PEOPLE: [&str; 3] = ["Ken", "Linus", "Barbara"];
    let pick = |list: &[&'static str], shift: u32| list[(r >> shift) as usize % list.len()];
    let body = match r % 20 {
        0..=8 => json!({"type": "add_note", "text": format!("note {id}")}),
        9 | 10 => json!({"type": "record_check",
            "check": pick(&CHECKS, 8),
            "finding": "looked at"}),
        11 | 12 => json!({"type": "assign_role",
            "role": pick(&ROLES, 8), "person": pick(&PEOPLE, 16)}),
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
    let mut value = body;
    value["incident_id"] = json!(incident);
    value["command_id"] = json!(id);
    value["at"] = json!(AT);
    if (r >> 24).is_multiple_of(8) {
        value["expected_version"] = json!(1 + (r >> 32) % 40);
    }
    serde_json::from_value(value).unwrap()
}

/// One delivery and what the store answered.
struct Delivery {
    cmd: Command,
    result: Result<sqlite_store::Receipt, Rule>,
}

fn writer(path: PathBuf, me: usize, barrier: Arc<Barrier>) -> Vec<Delivery> {
    let playbook = Playbook::default();
    let mut conn = sqlite_store::open(&path).unwrap();
    let mut log = Vec::new();
    let mut send = |conn: &mut rusqlite::Connection, cmd: Command| {
        let result =
            match sqlite_store::submit_with(conn, &playbook, &cmd, sqlite_store::MAX_ATTEMPTS) {
                Ok(receipt) => Ok(receipt),
                Err(Error::Rejected(r)) => Err(r.rule()),
                Err(e) => panic!("writer {me}: {e}"),
            };
        log.push(Delivery { cmd, result });
    };
    barrier.wait();
    // Every writer declares every incident: one wins, the rest are duplicates.
    for i in 0..INCIDENTS {
        send(
            &mut conn,
            sqlite_store::declare(incident(i), command_id(i, 99, 0), AT).unwrap(),
        );
    }
    let next = (me + 1) % WRITERS;
    for n in 0..OWN {
        for i in 0..INCIDENTS {
            // Mine, then my neighbour's: every command reaches the store twice,
            // from two writers, often at the same moment.
            send(&mut conn, owned_command(i, me, n));
            let theirs = owned_command(i, next, n);
            send(&mut conn, theirs.clone());
            if n % 5 == 4 {
                // A client that timed out and sent again.
                send(&mut conn, theirs);
            }
        }
        if n % (OWN / FRESH) == 0 {
            for i in 0..INCIDENTS {
                // Read the version, then send a command that expects it, twice.
                let seen = sqlite_store::load(&conn, &playbook, incident(i))
                    .unwrap()
                    .map_or(0, |inc| inc.version());
                let cmd = sqlite_store::note(incident(i), command_id(i, me, 1000 + n), AT, "seen")
                    .unwrap()
                    .expecting(seen);
                send(&mut conn, cmd.clone());
                send(&mut conn, cmd);
            }
        }
    }
    log
}

#[test]
fn eight_writers_lose_nothing_and_store_nothing_twice() {
    let db = TempDb::new("writers");
    let conn = sqlite_store::open(db.path()).unwrap();
    let barrier = Arc::new(Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (path, barrier) = (db.path().to_owned(), barrier.clone());
            thread::spawn(move || writer(path, w, barrier))
        })
        .collect();
    let deliveries: Vec<Delivery> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();

    // Per command id: its content, its outcomes.
    let mut applied: HashMap<Uuid, Vec<u64>> = HashMap::new();
    let mut accepted: HashMap<Uuid, &Command> = HashMap::new();
    let mut sent: HashMap<Uuid, &Command> = HashMap::new();
    let mut last: BTreeMap<Uuid, &Incident> = BTreeMap::new();
    let mut refused: BTreeMap<Rule, usize> = BTreeMap::new();
    let (mut lost_races, mut duplicates, mut conflicts, mut gave_up) = (0, 0, 0, 0);
    for d in &deliveries {
        sent.insert(d.cmd.command_id, &d.cmd);
        match &d.result {
            Ok(receipt) => {
                lost_races += receipt.lost_races;
                accepted.insert(d.cmd.command_id, &d.cmd);
                match receipt.outcome {
                    Outcome::Applied { version } => {
                        applied.entry(d.cmd.command_id).or_default().push(version);
                        if let Some(expected) = d.cmd.expected_version {
                            assert_eq!(version, expected + 1, "applied past a stale version");
                        }
                    }
                    Outcome::Duplicate { .. } => duplicates += 1,
                }
                assert_eq!(receipt.incident.version(), receipt.outcome.version());
                let slot = last.entry(d.cmd.incident_id).or_insert(&receipt.incident);
                if receipt.incident.version() > slot.version() {
                    *slot = &receipt.incident;
                }
            }
            Err(rule) => {
                *refused.entry(*rule).or_insert(0) += 1;
                if *rule == Rule::VersionConflict {
                    conflicts += 1;
                    if d.cmd.expected_version.is_none() {
                        gave_up += 1;
                    }
                }
                if d.cmd.expected_version.is_some() && d.cmd.kind().as_str() == "add_note" {
                    assert_eq!(*rule, Rule::VersionConflict);
                }
            }
        }
    }

    let mut stored = 0;
    for i in 0..INCIDENTS {
        let id = incident(i);
        // `rows` refuses gaps; count them independently too.
        let rows = sqlite_store::rows(&conn, id).unwrap();
        let (n, lo, hi): (i64, i64, i64) = conn
            .query_row(
                "SELECT count(*), min(version), max(version) FROM incident_commands
                 WHERE incident_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((n, lo, hi), (rows.len() as i64, 1, rows.len() as i64));
        for row in &rows {
            let cid = row.command.command_id;
            // Stored once, applied once, at the version the writer was told.
            assert_eq!(applied.get(&cid), Some(&vec![row.version]), "{cid}");
            assert_eq!(accepted.get(&cid), Some(&&row.command));
        }
        stored += rows.len();

        // The rows replay to a valid incident: the last one a writer saw.
        let replayed =
            Incident::replay(rows.into_iter().map(|r| r.command), &Playbook::default()).unwrap();
        let seen = last[&id];
        assert!(
            replayed == *seen,
            "incident {i}: replay differs from the last snapshot"
        );
        assert!(replayed.snapshot().broken_rules().is_empty());
        Incident::load(replayed.snapshot().clone(), &Playbook::default()).unwrap();
        let (version, phase): (i64, String) = conn
            .query_row(
                "SELECT version, phase FROM incidents WHERE incident_id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (version as u64, phase.as_str()),
            (replayed.version(), replayed.phase().as_str())
        );
    }
    // Every accepted command is stored (each stored one was checked above);
    // none that was only ever refused is.
    assert_eq!(stored, accepted.len(), "an accepted command is missing");
    assert_eq!(applied.len(), accepted.len());
    let total: i64 = conn
        .query_row("SELECT count(*) FROM incident_commands", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total as usize, stored);

    eprintln!(
        "{} deliveries of {} commands: {stored} stored, {duplicates} duplicates, \
         {lost_races} races lost and retried ({gave_up} gave up); refused: {}",
        deliveries.len(),
        sent.len(),
        refused
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    // The run must have raced, or it proved nothing about races.
    assert!(lost_races > 0, "no writer ever lost a race");
    assert!(duplicates > 0 && conflicts > 0);
}
