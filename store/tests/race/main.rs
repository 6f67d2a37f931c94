//! Writers in separate processes race on the same incidents; one is killed
//! with SIGKILL in the middle of its work and restarted (and so delivers
//! everything again: at-least-once). Afterwards the stored rows must be
//! exactly what the writers were told was accepted, at the versions they
//! were told, without gaps, and replay to the incident they last saw.
//!
//! A test target of its own without libtest's harness (`harness = false`):
//! its `main` is the race, against SQLite and a throwaway PostgreSQL, and,
//! with `INCIDENT_STORE_WRITER` set, one writer process, which the race
//! spawns from this same binary. Arguments that are not flags filter the
//! races by name, as libtest's do (`cargo test -p incident-store sqlite`).

// Shared with the store's suite, which uses other parts of it.
#[allow(dead_code)]
#[path = "../common/mod.rs"]
mod common;

use std::collections::{HashMap, HashSet};
use std::fs::OpenOptions;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use incident_playbook::{Command, CommandId, Incident, IncidentId, Playbook};
use incident_store::Error;
use incident_store::throwaway::PostgresServer;

use common::{Backend, INCIDENTS, TempDir, WRITERS, deliveries, incident};

/// The races, by the name a filter matches.
const RACES: [&str; 2] = [
    "sqlite::writers_in_processes_lose_nothing",
    "postgres::writers_in_processes_lose_nothing",
];

fn main() {
    if let Ok(spec) = std::env::var(WRITER_ENV) {
        writer(&spec);
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let chosen = RACES
        .into_iter()
        .filter(|name| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())));
    if args.iter().any(|a| a == "--list") {
        chosen.for_each(|name| println!("{name}: test"));
        return;
    }
    for name in chosen {
        eprintln!("race {name}");
        if name.starts_with("sqlite") {
            let dir = TempDir::new("race-sqlite");
            writers_in_processes_lose_nothing(&Backend::sqlite(&dir.0.join("race.db")));
        } else {
            // Fails (never skips) where the server binaries are missing.
            let server = PostgresServer::start().unwrap_or_else(|e| panic!("{e}"));
            let params = server.create_database("race").unwrap();
            writers_in_processes_lose_nothing(&Backend::postgres(&params));
        }
        eprintln!("race {name} ... ok");
    }
}

/// Set in a writer process: `WRITER|LOG|BACKEND`.
const WRITER_ENV: &str = "INCIDENT_STORE_WRITER";
/// Writer 0 is killed once it has logged this many deliveries.
const KILL_AFTER: usize = 15;
/// The whole race, restarts included, must end within this.
const LIMIT: Duration = Duration::from_secs(120);

/// What a writer process was told about one delivery.
#[derive(Debug)]
struct Logged {
    incident: IncidentId,
    command_id: CommandId,
    /// `applied`, `duplicate` or `refused:RULE`.
    result: String,
    /// The outcome's version.
    version: u64,
    /// The incident's version after the command, and a digest of it.
    seen: u64,
    digest: u64,
    lost_races: u32,
}

fn digest(incident: &Incident) -> u64 {
    let mut h = DefaultHasher::new();
    serde_json::to_string(incident).unwrap().hash(&mut h);
    h.finish()
}

/// A writer process: delivers its commands in order, logging each answer on
/// a line of its own as soon as it has it.
fn writer(spec: &str) {
    let mut parts = spec.splitn(3, '|');
    let me: usize = parts.next().unwrap().parse().unwrap();
    let log = PathBuf::from(parts.next().unwrap());
    let backend = Backend(parts.next().unwrap().to_owned());
    let playbook = Playbook::default();
    let mut store = backend.open();
    let mut log = OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    let mut fresh: HashMap<CommandId, Command> = HashMap::new();
    for (cmd, expects_seen) in deliveries(me) {
        let cmd = if expects_seen {
            // Read the version, then send a command that expects it (twice,
            // the same command).
            let seen = store.restore(&playbook, cmd.incident_id).unwrap();
            let v = seen.map_or(0, |i| i.version());
            fresh
                .entry(cmd.command_id)
                .or_insert_with(|| cmd.expecting(v))
                .clone()
        } else {
            cmd
        };
        let (result, version, seen, digest, races) = match store.handle(&playbook, &cmd) {
            Ok(r) => {
                let kind = if matches!(r.outcome, incident_playbook::Outcome::Applied { .. }) {
                    "applied"
                } else {
                    "duplicate"
                };
                (
                    kind.to_owned(),
                    r.outcome.version(),
                    r.incident.version(),
                    digest(&r.incident),
                    r.lost_races,
                )
            }
            Err(Error::Rejected(rejection)) => {
                (format!("refused:{}", rejection.rule()), 0, 0, 0, 0)
            }
            Err(e) => panic!("writer {me}: {e}"),
        };
        let line = format!(
            "{} {} {result} {version} {seen} {digest} {races}\n",
            cmd.incident_id, cmd.command_id
        );
        log.write_all(line.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn read_log(path: &Path) -> Vec<Logged> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            let [incident, command_id, result, version, seen, digest, races] = f[..] else {
                return None; // a line cut short by the kill
            };
            Some(Logged {
                incident: incident.parse().ok()?,
                command_id: command_id.parse().ok()?,
                result: result.to_owned(),
                version: version.parse().ok()?,
                seen: seen.parse().ok()?,
                digest: digest.parse().ok()?,
                lost_races: races.parse().ok()?,
            })
        })
        .collect()
}

/// Child processes, killed if the test fails before they end.
struct Writers(Vec<Option<Child>>);

impl Drop for Writers {
    fn drop(&mut self) {
        for child in self.0.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn spawn(me: usize, log: &Path, backend: &Backend) -> Child {
    std::process::Command::new(std::env::current_exe().unwrap())
        .env(WRITER_ENV, format!("{me}|{}|{}", log.display(), backend.0))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait(child: &mut Child, start: Instant) {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "a writer failed: {status}");
            return;
        }
        assert!(
            start.elapsed() < LIMIT,
            "the writers took longer than {LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn writers_in_processes_lose_nothing(backend: &Backend) {
    drop(backend.open()); // the table, before the writers race to make it
    let dir = TempDir::new(&format!("race-{}", backend.0.split(':').next().unwrap()));
    let logs: Vec<PathBuf> = (0..WRITERS)
        .map(|w| dir.0.join(format!("{w}.log")))
        .collect();
    let start = Instant::now();
    let mut writers = Writers(
        (0..WRITERS)
            .map(|w| Some(spawn(w, &logs[w], backend)))
            .collect(),
    );

    // Kill writer 0 in the middle of its work, then start it again.
    let total = deliveries(0).len();
    let killed_at = loop {
        let logged = read_log(&logs[0]).len();
        if logged >= KILL_AFTER {
            break logged;
        }
        let first = writers.0[0].as_mut().unwrap();
        assert!(
            first.try_wait().unwrap().is_none(),
            "writer 0 ended before the kill"
        );
        assert!(start.elapsed() < LIMIT, "writer 0 never got going");
        std::thread::sleep(Duration::from_millis(1));
    };
    let mut victim = writers.0[0].take().unwrap();
    victim.kill().unwrap(); // SIGKILL
    let status = victim.wait().unwrap();
    assert!(
        !status.success(),
        "writer 0 finished before the kill landed"
    );
    assert!(killed_at < total, "the kill came after the work");
    writers.0[0] = Some(spawn(0, &logs[0], backend));
    for child in writers.0.iter_mut().flatten() {
        wait(child, start);
    }

    let logged: Vec<Logged> = logs.iter().flat_map(|l| read_log(l)).collect();
    check(backend, &logged);
    eprintln!(
        "  {} deliveries from {WRITERS} processes in {:?}; writer 0 killed after {killed_at}",
        logged.len(),
        start.elapsed()
    );
}

/// What every writer may have sent, by command id (the read-then-write
/// notes without their `expected_version`, which the writer picked).
fn sent() -> HashMap<CommandId, (Command, bool)> {
    (0..WRITERS)
        .flat_map(deliveries)
        .map(|(cmd, fresh)| (cmd.command_id, (cmd, fresh)))
        .collect()
}

fn check(backend: &Backend, logged: &[Logged]) {
    let sent = sent();
    let playbook = Playbook::default();
    let mut store = backend.open();
    let mut stored_ids = HashSet::new();
    for i in 0..INCIDENTS {
        let id = incident(i);
        let rows = store.rows(id).unwrap();
        let versions: Vec<u64> = rows.iter().map(|r| r.version).collect();
        assert_eq!(
            versions,
            (1..=rows.len() as u64).collect::<Vec<_>>(),
            "a gap"
        );
        let by_id: HashMap<CommandId, u64> = rows
            .iter()
            .map(|r| (r.command.command_id, r.version))
            .collect();
        for row in &rows {
            let cid = row.command.command_id;
            assert!(stored_ids.insert(cid), "{cid} stored twice");
            // Stored as sent.
            let (mut want, fresh) = sent[&cid].clone();
            if fresh {
                want.expected_version = row.command.expected_version;
            }
            assert_eq!(row.command, want);
            if let Some(expected) = row.command.expected_version {
                assert_eq!(
                    row.version,
                    expected + 1,
                    "{cid} applied past a stale version"
                );
            }
            // And a writer was told so (a writer killed between its commit and
            // its log line was told on its redelivery: a duplicate).
            assert!(
                logged.iter().any(|l| l.command_id == cid
                    && (l.result == "applied" && l.version == row.version
                        || l.result == "duplicate" && l.version >= row.version)),
                "{cid} stored at {} but no writer was told",
                row.version
            );
        }
        // Nothing a writer was told was accepted is missing, or elsewhere.
        for l in logged.iter().filter(|l| l.incident == id) {
            match l.result.as_str() {
                "applied" => assert_eq!(by_id.get(&l.command_id), Some(&l.version)),
                "duplicate" => assert!(by_id[&l.command_id] <= l.version),
                _ => {}
            }
        }
        // The rows replay to the incident the writers last saw.
        let replayed =
            Incident::from_history(rows.into_iter().map(|r| r.command), &playbook).unwrap();
        let last = logged
            .iter()
            .filter(|l| l.incident == id && !l.result.starts_with("refused"))
            .max_by_key(|l| l.seen)
            .unwrap();
        assert_eq!(
            (last.seen, last.digest),
            (replayed.version(), digest(&replayed))
        );
    }
    let races: u32 = logged.iter().map(|l| l.lost_races).sum();
    let duplicates = logged.iter().filter(|l| l.result == "duplicate").count();
    let conflicts = logged
        .iter()
        .filter(|l| l.result == "refused:version-conflict")
        .count();
    eprintln!(
        "  {} stored, {duplicates} duplicates, {races} races lost, {conflicts} version conflicts",
        stored_ids.len()
    );
    // The run must have raced, or it proved nothing about races.
    assert!(races > 0 && duplicates > 0 && conflicts > 0);
}
