//! The load harness: what the next command costs as an incident's history
//! grows, on SQLite and on a throwaway PostgreSQL server, against the floor
//! of plain inserts of the same rows into the same table without the crate.
//!
//! ```text
//! cargo run --release -p incident-store --example load -- [SAMPLES] [SIZES…]
//! ```
//!
//! For each size (default 10, 10,000 and 100,000 commands) one incident is
//! built with that many commands (a `declare` and notes, appended in one
//! transaction, and the snapshot a running store would have kept), then
//! SAMPLES (default 50) further notes go through `Store::submit`, one at a
//! time, each timed: load (snapshot and rows), judge, append, and the
//! snapshot when one is due. Then as many through a [`Warm`] store (the
//! incident kept in memory, checked by version). The floor is the same
//! number of plain `INSERT`s of such rows into the same table, timed the
//! same way. It prints p50 and p99 per size and the ratios p50(largest) /
//! p50(smallest) and warm p50(largest) / floor p50. Not a test: the figures
//! depend on the machine.

use std::time::{Duration, Instant};

use incident_playbook::{Command, Incident, IncidentId, Playbook, Uuid};
use incident_store::throwaway::PostgresServer;
use incident_store::{PostgresStore, SqliteStore, Store, StoredSnapshot, Warm, snapshot_due};
use serde_json::json;

type Failure = Box<dyn std::error::Error>;

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let samples: usize = args.next().map_or(Ok(50), |s| s.parse())?;
    let sizes: Vec<u64> = args.map(|s| s.parse()).collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() {
        vec![10, 10_000, 100_000]
    } else {
        sizes
    };
    let dir = std::env::temp_dir().join(format!("incident-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let sqlite = run("SQLite", samples, &sizes, || {
        let path = dir.join(format!(
            "load-{}.db",
            std::time::UNIX_EPOCH.elapsed()?.as_nanos()
        ));
        Ok(Opened::Sqlite(SqliteStore::open(&path)?))
    });
    let _ = std::fs::remove_dir_all(&dir);
    sqlite?;
    let server = PostgresServer::start()?;
    let mut n = 0;
    run("PostgreSQL", samples, &sizes, || {
        n += 1;
        let params = server.create_database(&format!("load{n}"))?;
        Ok(Opened::Postgres(PostgresStore::connect(&params)?))
    })
}

/// The p50 and p99 of one size, cold and warm, and the floor's p50.
struct Figures {
    size: u64,
    cold: (Duration, Duration),
    warm: (Duration, Duration),
    floor: Duration,
}

/// Measures every size on fresh stores from `open`, and prints the table.
fn run(
    name: &str,
    samples: usize,
    sizes: &[u64],
    mut open: impl FnMut() -> Result<Opened, Failure>,
) -> Result<(), Failure> {
    println!("{name}: next-command latency, {samples} commands per size and kind");
    println!(
        "  {:>9}  {:>21}  {:>21}  {:>10}  {:>10}",
        "commands", "store p50 / p99", "warm p50 / p99", "floor p50", "setup"
    );
    let mut all = Vec::new();
    for (k, &size) in sizes.iter().enumerate() {
        let incident = IncidentId::from(Uuid::from_u128(0xC000 + k as u128));
        let mut opened = open()?;
        let setup = Instant::now();
        prepare(&mut opened, incident, size)?;
        let setup = setup.elapsed();
        let mut next = size;
        let cold = sample(opened.store(), incident, &mut next, samples)?;
        let (warm, floor) = match opened {
            Opened::Sqlite(s) => warm_and_floor(s, incident, &mut next, samples)?,
            Opened::Postgres(s) => warm_and_floor(s, incident, &mut next, samples)?,
        };
        let f = Figures {
            size,
            cold,
            warm,
            floor,
        };
        let pair = |(p50, p99)| format!("{} / {}", ms(p50), ms(p99));
        println!(
            "  {size:>9}  {:>21}  {:>21}  {:>10}  {:>10}",
            pair(f.cold),
            pair(f.warm),
            ms(f.floor),
            ms(setup)
        );
        all.push(f);
    }
    if let (Some(first), Some(last)) = (all.first(), all.last()) {
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "  ratio p50({}) / p50({}): store {:.2}, warm {:.2}; warm p50({}) / floor p50 {:.2}",
            last.size,
            first.size,
            ratio(last.cold.0, first.cold.0),
            ratio(last.warm.0, first.warm.0),
            last.size,
            ratio(last.warm.0, last.floor),
        );
    }
    Ok(())
}

/// Times `samples` notes through `submit` (`handle` for the outcome
/// alone, as a service answers), numbered after `next`.
fn sample<S: Store + ?Sized>(
    store: &mut S,
    incident: IncidentId,
    next: &mut u64,
    samples: usize,
) -> Result<(Duration, Duration), Failure> {
    let playbook = Playbook::default();
    let mut timed = time(samples, || {
        *next += 1;
        let _outcome = store.submit(&playbook, &note(incident, *next))?;
        Ok(())
    })?;
    Ok((percentile(&mut timed, 50), percentile(&mut timed, 99)))
}

/// The same through a [`Warm`] store (after one untimed command that
/// loads the incident), then the floor: the same rows, at the versions
/// after those, inserted by `append` alone (one plain INSERT, no load, no
/// judgement).
fn warm_and_floor<S: Store>(
    store: S,
    incident: IncidentId,
    next: &mut u64,
    samples: usize,
) -> Result<((Duration, Duration), Duration), Failure> {
    let mut warm = Warm::new(store);
    sample(&mut warm, incident, next, 1)?;
    let figures = sample(&mut warm, incident, next, samples)?;
    let store = warm.inner();
    let mut floor = time(samples, || {
        *next += 1;
        let _ = store.append(*next, &note(incident, *next), None)?;
        Ok(())
    })?;
    Ok((figures, percentile(&mut floor, 50)))
}

/// Stores a `declare` and `size - 1` notes in one transaction, and the
/// latest snapshot a store would hold ([`snapshot_due`]): what a store that took
/// those commands one by one would contain.
fn prepare(store: &mut Opened, incident: IncidentId, size: u64) -> Result<(), Failure> {
    let history: Vec<Command> = std::iter::once(declare(incident))
        .chain((2..=size).map(|n| note(incident, n)))
        .collect();
    store.batch("BEGIN")?;
    for (version, cmd) in (1..).zip(&history) {
        let _ = store.store().append(version, cmd, None)?;
    }
    store.batch("COMMIT")?;
    let every = store.store().snapshot_every();
    let kept = (1..=size)
        .rev()
        .find(|&v| snapshot_due(every, v))
        .unwrap_or(0);
    if kept > 0 {
        let head = history.into_iter().take(kept as usize);
        let restored = Incident::restore(head, &Playbook::default())?;
        let snapshot = StoredSnapshot::of(&restored)?;
        store.store().save_snapshot(incident, &snapshot)?;
    }
    Ok(())
}

/// A store of either backend, with its own connection for the bulk setup.
enum Opened {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Opened {
    fn store(&mut self) -> &mut dyn Store {
        match self {
            Opened::Sqlite(s) => s,
            Opened::Postgres(s) => s,
        }
    }

    /// Runs `sql` (`BEGIN`, `COMMIT`) on the store's connection, so that
    /// the setup's appends share one transaction.
    fn batch(&mut self, sql: &str) -> Result<(), Failure> {
        match self {
            Opened::Sqlite(s) => s.connection().execute_batch(sql)?,
            Opened::Postgres(s) => s.client().batch_execute(sql)?,
        }
        Ok(())
    }
}

/// Times `n` calls of `f`, sorted later by [`percentile`].
fn time(n: usize, mut f: impl FnMut() -> Result<(), Failure>) -> Result<Vec<Duration>, Failure> {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            f().map(|()| start.elapsed())
        })
        .collect()
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    let i = (times.len().saturating_sub(1) * p).div_ceil(100);
    times.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

const AT: &str = "2026-05-04T09:10:00Z";

fn declare(incident: IncidentId) -> Command {
    command(json!({
        "type": "declare", "incident_id": incident, "command_id": Uuid::from_u128(1), "at": AT,
        "title": "Slow document processing", "severity": "SEV3",
        "impact": {"environment": "production", "users": "Tenants using OCR",
            "feature": "Document processing", "started_at": "2026-05-04T08:30:00Z",
            "flags": ["degraded_feature"]},
        "roles": {"commander": "Ada"},
        "update": {"impact": "OCR is slow", "action": "Checking provider status",
            "owner": "Ada", "next_update": "2026-05-04T10:10:00Z"}
    }))
}

/// The note that is command `n` of the incident.
fn note(incident: IncidentId, n: u64) -> Command {
    command(json!({
        "type": "add_note", "incident_id": incident, "command_id": Uuid::from_u128(n.into()),
        "at": AT, "text": format!("Queue depth sample {n}: still draining")
    }))
}

fn command(value: serde_json::Value) -> Command {
    serde_json::from_value(value).unwrap_or_else(|e| unreachable!("a valid command: {e}"))
}
