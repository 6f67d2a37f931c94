//! Keeping the history of many incidents in SQLite, one row per accepted command.
//!
//! The crate decides; the store only remembers. A service that embeds the
//! crate keeps each incident's *accepted commands* (its history) and rebuilds
//! the incident by replaying them. Two guarantees make that safe under
//! at-least-once delivery and concurrent writers:
//!
//! - **idempotent `command_id`**: a command delivered again is a
//!   [`Outcome::Duplicate`] and is not stored again. The crate sees it in the
//!   replayed history; the table's `UNIQUE (incident_id, command_id)` backs
//!   that up when two deliveries race.
//! - **optimistic versions**: the row's key is `(incident_id, version)`. A
//!   writer reads the history *without a lock*, lets the crate handle the
//!   command (which gives the new version), and inserts the row in a short
//!   transaction. When two writers race on one incident, both compute the same
//!   version; the key lets exactly one insert win. The loser's constraint
//!   violation is the crate's `version-conflict`: it reloads and lets the
//!   crate judge the command again against the fresh state. A command that
//!   carries `expected_version` is then refused with `version-conflict`, as the
//!   sender asked; one without it is applied on top, or refused by whatever
//!   rule the new state makes it break; one the other writer stored already
//!   is a duplicate.
//!
//! `cargo run --example sqlite_store` runs a short demo on a temporary file.
//! `tests/it/store.rs` uses this file as a module and races eight writers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;

use incident_playbook::{Command, Incident, Outcome, Playbook, Rejection, Rule, Uuid, Violation};
use rusqlite::{Connection, TransactionBehavior, params};
use serde_json::json;

/// One row per accepted command. The primary key is the optimistic lock; the
/// second key makes a racing redelivery fail rather than store a command twice.
/// The command is kept as the JSON the crate reads back (`Command` round-trips).
///
/// `incidents` is a read model (what a list page shows without replaying),
/// written in the same transaction as the row, so it never runs ahead of or
/// behind the history.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS incident_commands (
    incident_id TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    command_id  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    command     TEXT    NOT NULL,
    PRIMARY KEY (incident_id, version),
    UNIQUE (incident_id, command_id)
) STRICT;
CREATE TABLE IF NOT EXISTS incidents (
    incident_id TEXT    NOT NULL PRIMARY KEY,
    version     INTEGER NOT NULL,
    phase       TEXT    NOT NULL,
    severity    TEXT    NOT NULL
) STRICT;
";

/// How many times [`submit`] lets the crate judge a command before it gives
/// up with `version-conflict`. Each lost race means another writer stored a
/// command, so the store as a whole always makes progress; the bound only
/// stops one writer from starving forever on a very hot incident.
pub const MAX_ATTEMPTS: u32 = 10;

/// Why a command was not stored.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The crate refused the command (rule ids inside), or it kept losing the
    /// race (`version-conflict`).
    #[error("refused: {0}")]
    Rejected(Rejection),
    /// The database failed.
    #[error("store: {0}")]
    Store(#[from] rusqlite::Error),
    /// The stored rows are not a history the crate accepts: edited by hand, or
    /// written under another playbook.
    #[error("incident {incident_id}: stored history refused: {why}")]
    Corrupt {
        /// The incident whose rows were refused.
        incident_id: Uuid,
        /// What was wrong.
        why: String,
    },
}

impl Error {
    /// The first broken rule, if the crate refused the command.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Error::Rejected(r) => Some(r.rule()),
            _ => None,
        }
    }
}

/// What [`submit_with`] did.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// Applied (with the new version) or a duplicate of a stored command.
    pub outcome: Outcome,
    /// The incident as stored after the command.
    pub incident: Incident,
    /// How many inserts lost to another writer before this outcome.
    pub lost_races: u32,
}

/// One stored row.
#[derive(Debug, Clone)]
pub struct Row {
    /// The incident's version after this command.
    pub version: u64,
    /// The command, as accepted.
    pub command: Command,
}

/// Opens (creating if needed) a store in the file at `path`.
///
/// WAL lets readers load histories while one writer inserts; the busy
/// timeout makes writers queue for SQLite's single write lock instead of
/// failing.
pub fn open(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// The stored rows of `incident_id`, in version order.
pub fn rows(conn: &Connection, incident_id: Uuid) -> Result<Vec<Row>, Error> {
    let corrupt = |why: String| Error::Corrupt { incident_id, why };
    let mut stmt = conn.prepare_cached(
        "SELECT version, command_id, command FROM incident_commands
         WHERE incident_id = ?1 ORDER BY version",
    )?;
    let raw = stmt
        .query_map([incident_id.to_string()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(raw.len());
    for (expected, (version, command_id, json)) in (1_u64..).zip(raw) {
        // A gap would make the replayed version disagree with the keys, and
        // the next insert would then fill the gap instead of conflicting.
        if u64::try_from(version).ok() != Some(expected) {
            return Err(corrupt(format!("row {version} where {expected} belongs")));
        }
        let command: Command =
            serde_json::from_str(&json).map_err(|e| corrupt(format!("version {version}: {e}")))?;
        if command.incident_id != incident_id || command.command_id.to_string() != command_id {
            return Err(corrupt(format!(
                "version {version}: the row's keys are not its command's"
            )));
        }
        out.push(Row {
            version: expected,
            command,
        });
    }
    Ok(out)
}

/// Rebuilds `incident_id` by replaying its rows; `None` if it has none.
pub fn load(
    conn: &Connection,
    playbook: &Playbook,
    incident_id: Uuid,
) -> Result<Option<Incident>, Error> {
    let rows = rows(conn, incident_id)?;
    if rows.is_empty() {
        return Ok(None);
    }
    Incident::replay(rows.into_iter().map(|r| r.command), playbook)
        .map(Some)
        .map_err(|r| Error::Corrupt {
            incident_id,
            why: r.to_string(),
        })
}

/// Lets the crate judge `cmd` against `current` (the incident as loaded, or
/// `None` if it has no rows yet). Nothing is stored.
pub fn decide(
    current: Option<Incident>,
    cmd: Command,
    playbook: &Playbook,
) -> Result<(Incident, Outcome), Rejection> {
    match current {
        Some(mut incident) => {
            let outcome = incident.handle(cmd, playbook)?;
            Ok((incident, outcome))
        }
        // `declare` refuses anything but a declaration with `not-declared`.
        None => Incident::declare(cmd, playbook).map(|i| (i, Outcome::Applied { version: 1 })),
    }
}

/// Stores `cmd`, which [`decide`] applied to give `incident`, as the row with
/// `incident`'s version.
///
/// # Errors
///
/// `version-conflict` when another writer stored that version (or that
/// command) first; the caller reloads and decides again.
pub fn append(conn: &mut Connection, incident: &Incident, cmd: &Command) -> Result<(), Error> {
    let version = incident.version();
    let json = serde_json::to_string(cmd).map_err(|e| Error::Corrupt {
        incident_id: cmd.incident_id,
        why: e.to_string(),
    })?;
    let sql_version = i64::try_from(version).map_err(|_| Error::Corrupt {
        incident_id: cmd.incident_id,
        why: format!("version {version} does not fit SQLite's INTEGER"),
    })?;
    // IMMEDIATE takes the write lock up front, so the insert and the read
    // model move together and a busy database makes us wait, not fail
    // half-way.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let inserted = tx.execute(
        "INSERT INTO incident_commands (incident_id, version, command_id, kind, command)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            cmd.incident_id.to_string(),
            sql_version,
            cmd.command_id.to_string(),
            cmd.kind().as_str(),
            json
        ],
    );
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            // Dropping `tx` rolls back; nothing of this attempt remains.
            return Err(Error::Rejected(lost_race(cmd, version, &e)));
        }
        Err(e) => return Err(e.into()),
    }
    tx.execute(
        "INSERT INTO incidents (incident_id, version, phase, severity) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (incident_id) DO UPDATE
         SET version = excluded.version, phase = excluded.phase, severity = excluded.severity",
        params![
            cmd.incident_id.to_string(),
            sql_version,
            incident.phase().as_str(),
            incident.severity().as_str()
        ],
    )?;
    tx.commit()?;
    Ok(())
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_extended_error_code(),
        Some(rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY | rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
    )
}

/// The crate's `version-conflict`, for an insert that lost to another writer.
fn lost_race(cmd: &Command, version: u64, e: &rusqlite::Error) -> Rejection {
    let path = cmd.expected_version.map(|_| "expected_version");
    Violation::new(
        Rule::VersionConflict,
        format!("another writer stored version {version} or this command first ({e})"),
        path,
    )
    .into()
}

/// Loads the incident, lets the crate handle `cmd`, and stores it: the append
/// API of the store. Retries a lost race up to [`MAX_ATTEMPTS`] times.
pub fn submit(conn: &mut Connection, playbook: &Playbook, cmd: &Command) -> Result<Outcome, Error> {
    submit_with(conn, playbook, cmd, MAX_ATTEMPTS).map(|r| r.outcome)
}

/// [`submit`], with the incident after the command and the races lost.
pub fn submit_with(
    conn: &mut Connection,
    playbook: &Playbook,
    cmd: &Command,
    max_attempts: u32,
) -> Result<Receipt, Error> {
    let mut lost_races = 0;
    loop {
        // Each attempt judges the command afresh against what is stored now:
        // the retry of a command the winner stored is a duplicate, and a stale
        // `expected_version` is refused by the crate, not papered over.
        let current = load(conn, playbook, cmd.incident_id)?;
        let (incident, outcome) =
            decide(current, cmd.clone(), playbook).map_err(Error::Rejected)?;
        if let Outcome::Duplicate { .. } = outcome {
            return Ok(Receipt {
                outcome,
                incident,
                lost_races,
            });
        }
        match append(conn, &incident, cmd) {
            Ok(()) => {
                return Ok(Receipt {
                    outcome,
                    incident,
                    lost_races,
                });
            }
            Err(Error::Rejected(conflict)) => {
                lost_races += 1;
                if lost_races >= max_attempts {
                    return Err(Error::Rejected(conflict));
                }
            }
            Err(e) => return Err(e),
        }
    }
}

// ---- Commands for the demo and the test ----

/// A command from its wire JSON.
pub fn command(value: serde_json::Value) -> Result<Command, serde_json::Error> {
    serde_json::from_value(value)
}

/// A SEV3 `declare` with a commander and a technical lead.
pub fn declare(incident: Uuid, id: Uuid, at: &str) -> Result<Command, serde_json::Error> {
    command(json!({
        "type": "declare", "incident_id": incident, "command_id": id, "at": at,
        "title": "Slow document processing", "severity": "SEV3",
        "impact": {"environment": "production", "users": "Tenants using OCR",
            "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
            "flags": ["degraded_feature"]},
        "roles": {"commander": "Ada", "technical_lead": "Grace"},
        "update": {"impact": "OCR is slow", "action": "Checking provider status",
            "owner": "Ada", "next_update": "2026-05-04T10:05:00Z"}
    }))
}

/// An `add_note`.
pub fn note(incident: Uuid, id: Uuid, at: &str, text: &str) -> Result<Command, serde_json::Error> {
    command(json!({
        "type": "add_note", "incident_id": incident, "command_id": id, "at": at, "text": text
    }))
}

// ---- The demo ----

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join(format!("sqlite-store-demo-{}.db", std::process::id()));
    let result = demo(&path);
    remove_db(&path);
    result
}

/// Deletes a store file and its WAL companions.
pub fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = PathBuf::from(path).into_os_string();
        p.push(suffix);
        // Missing files are fine: only the main file always exists.
        let _ = std::fs::remove_file(p);
    }
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn show(outcome: &Result<Outcome, Error>) -> String {
    match outcome {
        Ok(Outcome::Applied { version }) => format!("applied, now version {version}"),
        Ok(Outcome::Duplicate { version }) => format!("duplicate, still version {version}"),
        Err(Error::Rejected(r)) => format!("refused {r}"),
        Err(e) => format!("error: {e}"),
    }
}

/// The demo `main` runs, on a store file at `path`.
pub fn demo(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let playbook = Playbook::default();
    let incident = id(0x1000);
    let mut conn = open(path)?;
    println!("store: {}", path.display());

    println!("\n1. Declare, then deliver one note twice (at-least-once delivery)");
    let out = submit(
        &mut conn,
        &playbook,
        &declare(incident, id(1), "2026-05-04T09:05:00Z")?,
    );
    println!("   declare              -> {}", show(&out));
    let twice = note(
        incident,
        id(2),
        "2026-05-04T09:06:00Z",
        "OCR queue at 4,000",
    )?;
    for delivery in 1..=2 {
        let out = submit(&mut conn, &playbook, &twice);
        println!("   note, delivery {delivery}     -> {}", show(&out));
    }
    let stored: i64 = conn.query_row(
        "SELECT count(*) FROM incident_commands WHERE command_id = ?1",
        [id(2).to_string()],
        |r| r.get(0),
    )?;
    println!("   rows for that note: {stored}");
    if stored != 1 {
        return Err("a redelivered command was stored twice".into());
    }

    println!("\n2. Three writers race on version 3, step by step");
    let mut other = open(path)?;
    let seen = load(&conn, &playbook, incident)?;
    let at = "2026-05-04T09:07:00Z";
    let a = note(incident, id(3), at, "Provider status page is green")?;
    let b = note(incident, id(4), at, "Queue drains at 50/s")?;
    let c = note(incident, id(6), at, "Scaling OCR workers")?.expecting(2);
    let (after_a, _) = decide(seen.clone(), a.clone(), &playbook)?;
    let (after_b, _) = decide(seen.clone(), b.clone(), &playbook)?;
    let (after_c, _) = decide(seen, c.clone(), &playbook)?;
    println!(
        "   A, B and C (C sends expected_version 2) loaded version 2; the crate gives each version {}",
        after_a.version()
    );
    let insert = |conn: &mut Connection, after: &Incident, cmd: &Command| {
        append(conn, after, cmd).map(|()| Outcome::Applied {
            version: after.version(),
        })
    };
    println!(
        "   A inserts            -> {}",
        show(&insert(&mut conn, &after_a, &a))
    );
    let out_b = insert(&mut other, &after_b, &b);
    println!("   B inserts            -> {}", show(&out_b));
    if out_b.as_ref().err().and_then(Error::rule) != Some(Rule::VersionConflict) {
        return Err("the losing insert was not a version conflict".into());
    }
    let out = submit(&mut other, &playbook, &b);
    println!("   B reloads, retries   -> {}", show(&out));
    println!(
        "   C inserts            -> {}",
        show(&insert(&mut other, &after_c, &c))
    );
    let out = submit(&mut other, &playbook, &c);
    println!("   C reloads, retries   -> {}", show(&out));
    if out.as_ref().err().and_then(Error::rule) != Some(Rule::VersionConflict) {
        return Err("a stale expected_version was not refused".into());
    }
    let out = submit(&mut conn, &playbook, &a);
    println!("   A's command again    -> {}", show(&out));

    println!("\n3. A client that sends expected_version gets the conflict, not a retry");
    let stale = command(json!({
        "type": "assign_role", "incident_id": incident, "command_id": id(5),
        "at": "2026-05-04T09:08:00Z", "role": "scribe", "person": "Ken"
    }))?
    .expecting(2);
    let out = submit(&mut conn, &playbook, &stale);
    println!("   expecting 2          -> {}", show(&out));
    let fresh = load(&conn, &playbook, incident)?.map_or(0, |i| i.version());
    let out = submit(&mut conn, &playbook, &stale.clone().expecting(fresh));
    println!("   reread, expecting {fresh}  -> {}", show(&out));

    println!("\n4. Four threads, four connections, 10 notes each, every note sent by two threads");
    let writers: u32 = 4;
    let barrier = Arc::new(Barrier::new(writers as usize));
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let (barrier, path, playbook) = (barrier.clone(), path.to_owned(), playbook.clone());
            thread::spawn(move || -> Result<[u32; 4], Error> {
                let mut conn = open(&path)?;
                barrier.wait();
                // [applied, duplicate, refused, races lost]
                let mut tally = [0; 4];
                for n in 0..10_u32 {
                    // Writer w sends its own notes and the notes of writer w+1.
                    let owner = if n % 2 == 0 { w } else { (w + 1) % writers };
                    let key = 0x2000 + u128::from(owner) * 100 + u128::from(n / 2);
                    let text = format!("note {key:x}");
                    let cmd =
                        note(incident, id(key), "2026-05-04T09:09:00Z", &text).map_err(|e| {
                            Error::Corrupt {
                                incident_id: incident,
                                why: e.to_string(),
                            }
                        })?;
                    match submit_with(&mut conn, &playbook, &cmd, MAX_ATTEMPTS) {
                        Ok(r) => {
                            tally[3] += r.lost_races;
                            match r.outcome {
                                Outcome::Applied { .. } => tally[0] += 1,
                                Outcome::Duplicate { .. } => tally[1] += 1,
                            }
                        }
                        Err(Error::Rejected(_)) => tally[2] += 1,
                        Err(e) => return Err(e),
                    }
                }
                Ok(tally)
            })
        })
        .collect();
    let mut total = [0; 4];
    for h in handles {
        let tally = h.join().map_err(|_| "a writer panicked")??;
        for (t, x) in total.iter_mut().zip(tally) {
            *t += x;
        }
    }
    println!(
        "   applied {}, duplicates {}, refused {}, races lost and retried {}",
        total[0], total[1], total[2], total[3]
    );

    println!("\n5. The history, and the incident rebuilt from it");
    let rows = rows(&conn, incident)?;
    for row in rows.iter().take(6) {
        println!(
            "   v{:<3} {:<12} {}",
            row.version,
            row.command.kind().as_str(),
            row.command.command_id
        );
    }
    println!("   … {} rows in all", rows.len());
    let rebuilt = load(&conn, &playbook, incident)?.ok_or("the incident vanished")?;
    let (head_version, phase): (i64, String) = conn.query_row(
        "SELECT version, phase FROM incidents WHERE incident_id = ?1",
        [incident.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    println!(
        "   replayed: version {}, phase {}, {} notes; read model: version {head_version}, phase {phase}",
        rebuilt.version(),
        rebuilt.phase(),
        rebuilt.notes().len()
    );
    if i64::try_from(rebuilt.version()).ok() != Some(head_version) {
        return Err("the read model disagrees with the history".into());
    }
    Ok(())
}
