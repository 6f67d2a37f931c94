//! The service's ratios, each beside its floor measured in the same run on
//! a throwaway PostgreSQL server run durably (`fsync`, `synchronous_commit`
//! on: `PostgresServer::start_durable`):
//!
//! ```text
//! cargo run --release -p incident-service --example ratios -- [COMMANDS_PER_WRITER] [HISTORY] [ROUNDS]
//! ```
//!
//! 1. **Writers**: 16 concurrent writers on 4 incidents through the async
//!    store kept warm (`AsyncWarm<AsyncPostgresStore>`, a pool of 16: what
//!    the service runs on), each command a note, every 5th delivered twice
//!    (a redelivery) and every 7th with a stale `expected_version`;
//!    applied commands per second and p50 / p99 latency, against the
//!    floor: the rows they stored, inserted again by 16 connections with
//!    plain `INSERT`s (tokio-postgres, no crate) into the same table in
//!    another database of the same server. Then the same again over HTTP
//!    (1b): 16 tokio tasks on one thread, one HTTP/1.1 connection each,
//!    POSTing the same commands to the service binary, against a floor of
//!    their own rows. Beside each: the CPU time (this process, the service,
//!    every `postgres` process) per applied command against the floor's
//!    per row, and their quotient, which is what the ratio comes to when
//!    the cores, shared by all three, are the limit; for 1b also per
//!    request, the transactions per request and the WAL per applied
//!    command against the floor's per row. With ROUNDS (default 1) above
//!    one, 1b runs that many times, each on fresh databases and a service
//!    of its own, and the median of its ratios is printed: one run's ratio
//!    moves with the machine's speed between the run and its floor.
//! 2. **Memory**: the service binary's resident memory (`VmRSS`) after 16
//!    concurrent reads of an incident of HISTORY commands (default
//!    100,000; 0 skips it), against before them (the incident read once
//!    already, so kept warm: the cache is not what is measured).
//! 3. **Latency**: on the same service, the p50 of the next command (a
//!    note over HTTP, one at a time, each incident kept warm by one
//!    command first) on the incident of HISTORY commands against one of 10
//!    commands (target: at most 1.5x).
//! 4. The CLI's replay peak RSS against its input is measured elsewhere
//!    (docs/performance.md).
//!
//! Not a test: the figures depend on the machine.

use std::process::{Child, Command as Process, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use incident_playbook::{Command, Incident, IncidentId, Playbook, Uuid};
use incident_store::throwaway::PostgresServer;
use incident_store::{
    AsyncPostgresStore, AsyncStore, AsyncWarm, PoolLimits, PostgresStore, SNAPSHOT_EVERY, Store,
    StoredSnapshot, snapshot_due,
};
use serde_json::json;

type Failure = Box<dyn std::error::Error + Send + Sync>;

const WRITERS: u64 = 16;
const INCIDENTS: u64 = 4;

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let per_writer: u64 = args.next().map_or(Ok(100), |s| s.parse())?;
    let history: u64 = args.next().map_or(Ok(100_000), |s| s.parse())?;
    let rounds: u32 = args.next().map_or(Ok(1), |s| s.parse())?;
    let server = PostgresServer::start_durable()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // The databases first: the throwaway server's client blocks.
    let (writing, inserting) = (
        server.create_database("writers")?,
        server.create_database("floor")?,
    );
    runtime.block_on(writers(&writing, &inserting, per_writer))?;
    let mut ratios = Vec::new();
    for round in 0..rounds {
        ratios.push(writers_over_http(&server, &runtime, per_writer, round)?);
    }
    if rounds > 1 {
        ratios.sort_by(f64::total_cmp);
        let listed: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
        let median = ratios.get(ratios.len() / 2).copied().unwrap_or_default();
        println!(
            "1b. over HTTP, {rounds} rounds: ratios {} (sorted); median {median:.2} (target >= 0.5)",
            listed.join(", ")
        );
    }
    if history > 0 {
        memory_and_latency(&server, history)?;
    }
    println!("4. replay peak RSS / input: see docs/performance.md (incident replay)");
    Ok(())
}

/// Ratio 1: the store's applied commands per second against the floor's.
async fn writers(params: &str, floor_params: &str, per_writer: u64) -> Result<(), Failure> {
    let store = AsyncPostgresStore::connect_within(params, PoolLimits::of_size(16)).await?;
    let store = Arc::new(AsyncWarm::new(store));
    let playbook = Arc::new(Playbook::default());
    for i in 0..INCIDENTS {
        let _declared = store.submit(&playbook, &declare(incident(i))).await?;
    }
    // The pool's connections opened before the clock starts, as the
    // floor's are (and a running service's are).
    let opening = (0..WRITERS).map(|_| store.incidents());
    for listed in futures_util::future::join_all(opening).await {
        let _listed = listed?;
    }
    let (start, before) = (Instant::now(), Cpu::now(None)?);
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (store, playbook) = (Arc::clone(&store), Arc::clone(&playbook));
            tokio::spawn(async move { write(&store, &playbook, w, per_writer).await })
        })
        .collect();
    let (applied, latencies) = gather(tasks).await?;
    let elapsed = start.elapsed();
    let cpu = Cpu::now(None)?.since(&before);
    let rows = rows_of(store.inner()).await?;
    let floor = floor(floor_params, rows).await?;
    let run = Run {
        applied,
        latencies,
        elapsed,
        cpu,
    };
    report("1.", "through the store", run, &floor);
    Ok(())
}

/// A run of the writers: what they did and what it cost.
struct Run {
    applied: u64,
    latencies: Vec<Duration>,
    elapsed: Duration,
    /// The CPU time spent during the run, by everyone.
    cpu: Cpu,
}

/// Ratio 1's figures: applied per second, latencies, against the floor;
/// the CPU each applied command cost, against each floor row's. The ratio.
fn report(n: &str, how: &str, mut run: Run, floor: &Floor) -> f64 {
    let (applied, sent) = (run.applied, run.latencies.len());
    let rate = applied as f64 / run.elapsed.as_secs_f64();
    println!(
        "{n} {WRITERS} writers on {INCIDENTS} incidents, {how}: {applied} applied of {sent} sent \
         in {:.2} s: {rate:.0} applied/s, p50 {}, p99 {}",
        run.elapsed.as_secs_f64(),
        ms(percentile(&mut run.latencies, 50)),
        ms(percentile(&mut run.latencies, 99)),
    );
    let ratio = rate / floor.rate;
    println!(
        "   floor: the same {applied} rows by {WRITERS} connections, plain INSERTs: \
         {:.0} rows/s; ratio {ratio:.2} (target >= 0.5)",
        floor.rate,
    );
    let per = run.cpu.per(usize::try_from(applied).unwrap_or(usize::MAX));
    let ours = if per.service.is_zero() {
        format!("the writers and the store {}", us(per.clients))
    } else {
        format!(
            "the service {}, the clients {}",
            us(per.service),
            us(per.clients)
        )
    };
    println!(
        "   CPU per applied command: {ours}, PostgreSQL {}: {}; \
         per floor row: the client {}, PostgreSQL {}: {} (their quotient {:.2})",
        us(per.postgres),
        us(per.total()),
        us(floor.cpu.clients),
        us(floor.cpu.postgres),
        us(floor.cpu.total()),
        floor.cpu.total().as_secs_f64() / per.total().as_secs_f64(),
    );
    ratio
}

/// Ratio 1 again, the writers sending their commands over HTTP to the
/// service binary (16 tokio tasks, one HTTP/1.1 connection each, each
/// waiting for its answer): the whole path a client's command takes. The
/// CPU time the service and the clients spent, per request, beside it.
/// `round` names its databases. The ratio.
fn writers_over_http(
    server: &PostgresServer,
    runtime: &tokio::runtime::Runtime,
    per_writer: u64,
    round: u32,
) -> Result<f64, Failure> {
    let (params, floor_params) = (
        server.create_database(&format!("http_{round}"))?,
        server.create_database(&format!("http_floor_{round}"))?,
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut service = Service::start(&params, port)?;
    let base = format!("http://127.0.0.1:{port}");
    for i in 0..INCIDENTS {
        let _declared = post(&agent(), &base, &declare(incident(i)))?;
    }
    // The service's pool opened first, by as many lists at once.
    let listing: Vec<_> = (0..WRITERS)
        .map(|_| {
            let url = format!("{base}/incidents");
            std::thread::spawn(move || agent().get(&url).call().map(|_| ()))
        })
        .collect();
    for list in listing {
        list.join().map_err(|_| "a list panicked")??;
    }
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let (transactions_before, wal_before) = runtime.block_on(counts(&params))?;
    let (start, before) = (Instant::now(), Cpu::now(Some(service.pid()))?);
    // The clients on one thread of their own: a load generator that takes
    // as little of the two cores as it can from the service and PostgreSQL.
    let clients = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (applied, latencies) = clients.block_on(async {
        let tasks: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(write_over_http(address, w, per_writer)))
            .collect();
        gather(tasks).await
    })?;
    let elapsed = start.elapsed();
    let cpu = Cpu::now(Some(service.pid()))?.since(&before);
    service.stop();
    // A backend's counts reach pg_stat_database when it exits (the
    // service's, stopped: their connections closed, the backends leave a
    // moment later, as the floor's do); the count's own query is one more.
    std::thread::sleep(Duration::from_millis(500));
    let (transactions_after, wal_after) = runtime.block_on(counts(&params))?;
    let statements = transactions_after - transactions_before - 1;
    let floor = runtime.block_on(async {
        let store = AsyncPostgresStore::connect(&params).await?;
        floor(&floor_params, rows_of(&store).await?).await
    })?;
    let sent = latencies.len();
    let run = Run {
        applied,
        latencies,
        elapsed,
        cpu,
    };
    let ratio = report("1b.", "over HTTP", run, &floor);
    let per = cpu.per(sent);
    println!(
        "   per request: the service's CPU {} ({:.2} page faults), the clients' {}, \
         PostgreSQL's {}; {:.2} transactions",
        us(per.service),
        per.faults,
        us(per.clients),
        us(per.postgres),
        statements as f64 / sent as f64
    );
    println!(
        "   WAL per applied command: {:.0} bytes; per floor row: {:.0} bytes",
        (wal_after - wal_before) as f64 / applied as f64,
        floor.wal
    );
    Ok(ratio)
}

/// The transactions committed or rolled back in the database of `params`
/// so far (pg_stat_database: the service's statements, each its own), and
/// the bytes of WAL the server wrote (pg_stat_wal). A backend's counts
/// reach them when it goes idle or exits.
async fn counts(params: &str) -> Result<(i64, i64), Failure> {
    let (client, connection) = tokio_postgres::connect(params, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT xact_commit + xact_rollback,
                    (SELECT wal_bytes::bigint FROM pg_stat_wal)
             FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Writer `w`'s commands over HTTP, as [`write`] sends them, on a
/// connection of its own: how many were applied, and each call's time.
async fn write_over_http(
    address: std::net::SocketAddr,
    w: u64,
    n: u64,
) -> Result<(u64, Vec<Duration>), Failure> {
    let stream = tokio::net::TcpStream::connect(address).await?;
    stream.set_nodelay(true)?;
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io).await?;
    let _connection = tokio::spawn(connection);
    let (mut applied, mut times) = (0, Vec::new());
    for k in 0..n {
        let cmd = writers_command(w, k);
        let deliveries = if k % 5 == 0 { 2 } else { 1 };
        for _ in 0..deliveries {
            let start = Instant::now();
            let request = hyper::Request::post(format!("/incidents/{}/commands", cmd.incident_id))
                .header(hyper::header::HOST, address.to_string())
                .header(hyper::header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(serde_json::to_vec(&cmd)?))?;
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            let body =
                axum::body::to_bytes(axum::body::Body::new(response.into_body()), 1 << 20).await?;
            let answer: serde_json::Value = serde_json::from_slice(&body)?;
            times.push(start.elapsed());
            match (status, answer["outcome"].as_str()) {
                (200, Some("applied")) => applied += 1,
                (200, _) | (409, _) => {}
                _ => return Err(format!("{status}: {answer}").into()),
            }
        }
    }
    Ok((applied, times))
}

/// The CPU time (user and system, every thread) process `pid` has used,
/// and its minor page faults.
fn cpu_time(pid: u32) -> Result<(Duration, u64), Failure> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // After the command's name in parentheses: state is field 3, minflt
    // 10, utime 14, stime 15.
    let rest = stat.rsplit_once(')').ok_or("no stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> Result<u64, Failure> {
        Ok(fields.get(n - 3).ok_or("a short stat")?.parse::<u64>()?)
    };
    // utime and stime, in USER_HZ (100 a second on Linux).
    let cpu = Duration::from_millis((field(14)? + field(15)?) * 10);
    Ok((cpu, field(10)?))
}

/// The CPU time every `postgres` process now running has used: the
/// server's backends (the pools' connections live through a run) and its
/// own workers.
fn postgres_cpu() -> Result<Duration, Failure> {
    let mut total = Duration::ZERO;
    for entry in std::fs::read_dir("/proc")? {
        let Ok(pid) = entry?.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let is_postgres = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|comm| comm.trim_end() == "postgres");
        // A process gone between the listing and the reading is skipped.
        if let (true, Ok((cpu, _))) = (is_postgres, cpu_time(pid)) {
            total += cpu;
        }
    }
    Ok(total)
}

/// A command POSTed: the status and the JSON answer.
fn post(
    agent: &ureq::Agent,
    base: &str,
    cmd: &Command,
) -> Result<(u16, serde_json::Value), Failure> {
    let mut resp = agent
        .post(format!("{base}/incidents/{}/commands", cmd.incident_id))
        .content_type("application/json")
        .send(serde_json::to_string(cmd)?)?;
    let status = resp.status().as_u16();
    let answer = serde_json::from_str(&resp.body_mut().read_to_string()?)?;
    Ok((status, answer))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Writer `w`'s commands, each timed; how many were applied.
async fn write(
    store: &AsyncWarm<AsyncPostgresStore>,
    playbook: &Playbook,
    w: u64,
    n: u64,
) -> Result<(u64, Vec<Duration>), Failure> {
    let (mut applied, mut times) = (0, Vec::new());
    for k in 0..n {
        let cmd = writers_command(w, k);
        let deliveries = if k % 5 == 0 { 2 } else { 1 };
        for _ in 0..deliveries {
            let start = Instant::now();
            let outcome = store.submit(playbook, &cmd).await;
            times.push(start.elapsed());
            match outcome {
                Ok(incident_playbook::Outcome::Applied { .. }) => applied += 1,
                Ok(_) => {}
                Err(e) if e.kind() == incident_store::ErrorKind::Conflict => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok((applied, times))
}

/// Writer `w`'s `k`-th command: a note, every 7th with a stale
/// `expected_version`.
fn writers_command(w: u64, k: u64) -> Command {
    let mut cmd = note(incident(w % INCIDENTS), (w << 32) | k);
    if k % 7 == 3 {
        cmd.expected_version = Some(1);
    }
    cmd
}

/// Every stored row but the declarations, as (incident, version, command).
/// What a writer did: how many of its commands were applied, and each
/// call's time.
type Written = (u64, Vec<Duration>);

/// The writers' tasks awaited: how many commands were applied in all, and
/// every call's time.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<Result<Written, Failure>>>,
) -> Result<Written, Failure> {
    let (mut applied, mut latencies) = (0_u64, Vec::new());
    for task in tasks {
        let (n, times) = task.await??;
        applied += n;
        latencies.extend(times);
    }
    Ok((applied, latencies))
}

async fn rows_of(store: &AsyncPostgresStore) -> Result<Vec<(IncidentId, u64, Command)>, Failure> {
    let mut all = Vec::new();
    for i in 0..INCIDENTS {
        let rows = store.rows(incident(i)).await?;
        all.extend(
            rows.into_iter()
                .skip(1)
                .map(|r| (incident(i), r.version, r.command)),
        );
    }
    Ok(all)
}

/// The floor: rows per second, and the CPU each row cost the client (this
/// process) and PostgreSQL.
struct Floor {
    rate: f64,
    cpu: Cpu,
    /// Bytes of WAL per row.
    wal: f64,
}

/// `rows` inserted by 16 connections at once, plain.
async fn floor(params: &str, rows: Vec<(IncidentId, u64, Command)>) -> Result<Floor, Failure> {
    // The same table, made by the store.
    drop(AsyncPostgresStore::connect(params).await?);
    let mut shares: Vec<Vec<_>> = (0..WRITERS).map(|_| Vec::new()).collect();
    for (k, row) in rows.into_iter().enumerate() {
        if let Some(share) = shares.get_mut(k % WRITERS as usize) {
            share.push(row);
        }
    }
    let total: usize = shares.iter().map(Vec::len).sum();
    let mut clients = Vec::new();
    for _ in 0..WRITERS {
        let (client, connection) = tokio_postgres::connect(params, tokio_postgres::NoTls).await?;
        tokio::spawn(connection);
        clients.push(client);
    }
    let (_, wal_before) = counts(params).await?;
    let (start, before) = (Instant::now(), Cpu::now(None)?);
    let tasks: Vec<_> = clients
        .into_iter()
        .zip(shares)
        .map(|(client, share)| tokio::spawn(insert_all(client, share)))
        .collect();
    // The connections kept open until their backends' CPU time is read.
    let mut open = Vec::new();
    for task in tasks {
        open.push(task.await??);
    }
    let elapsed = start.elapsed();
    let cpu = Cpu::now(None)?.since(&before);
    drop(open);
    // The backends' exits, which report their WAL.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, wal_after) = counts(params).await?;
    Ok(Floor {
        rate: total as f64 / elapsed.as_secs_f64(),
        cpu: cpu.per(total),
        wal: (wal_after - wal_before) as f64 / total as f64,
    })
}

/// CPU time (user and system, from /proc/PID/stat in 10 ms ticks) of this
/// process (the clients), of the service if there is one, and of every
/// `postgres` process: a sample, or the difference of two, or that per
/// request.
#[derive(Debug, Clone, Copy, Default)]
struct Cpu {
    clients: Duration,
    service: Duration,
    postgres: Duration,
    /// The service's minor page faults.
    faults: f64,
}

impl Cpu {
    fn now(service: Option<u32>) -> Result<Self, Failure> {
        let (clients, _) = cpu_time(std::process::id())?;
        let (service, faults) = service.map_or(Ok((Duration::ZERO, 0)), cpu_time)?;
        Ok(Cpu {
            clients,
            service,
            postgres: postgres_cpu()?,
            faults: faults as f64,
        })
    }

    fn since(&self, before: &Cpu) -> Cpu {
        Cpu {
            clients: self.clients.saturating_sub(before.clients),
            service: self.service.saturating_sub(before.service),
            postgres: self.postgres.saturating_sub(before.postgres),
            faults: self.faults - before.faults,
        }
    }

    fn per(&self, n: usize) -> Cpu {
        let n = n.max(1);
        Cpu {
            clients: self.clients / n as u32,
            service: self.service / n as u32,
            postgres: self.postgres / n as u32,
            faults: self.faults / n as f64,
        }
    }

    fn total(&self) -> Duration {
        self.clients + self.service + self.postgres
    }
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

async fn insert_all(
    client: tokio_postgres::Client,
    rows: Vec<(IncidentId, u64, Command)>,
) -> Result<tokio_postgres::Client, Failure> {
    let insert = client
        .prepare(
            "INSERT INTO incident_commands (incident_id, version, command_id, command)
             VALUES ($1::text::uuid, $2, $3::text::uuid, $4::text::jsonb)",
        )
        .await?;
    for (id, version, command) in rows {
        let json = serde_json::to_string(&command)?;
        let version = i64::try_from(version)?;
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 4] = [
            &id.to_string(),
            &version,
            &command.command_id.to_string(),
            &json,
        ];
        client.execute(&insert, &params).await?;
    }
    Ok(client)
}

/// Ratios 2 and 3: the service's resident memory after 16 concurrent reads
/// of a long incident, against before them; then the next command's latency
/// on it, against a short incident's.
fn memory_and_latency(server: &PostgresServer, history: u64) -> Result<(), Failure> {
    let params = server.create_database("memory")?;
    let (id, small) = (incident(100), incident(101));
    let setup = Instant::now();
    prepare(&params, id, history)?;
    prepare(&params, small, SMALL)?;
    let setup = setup.elapsed();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut service = Service::start(&params, port)?;
    let base = format!("http://127.0.0.1:{port}");
    let url = format!("{base}/incidents/{id}");
    let started = rss(service.pid())?;
    let size = read(&url)?; // warms the incident: kept from here on
    let before = rss(service.pid())?;
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || read(&url))
        })
        .collect();
    for reader in readers {
        reader.join().map_err(|_| "a reader panicked")??;
    }
    std::thread::sleep(Duration::from_secs(1));
    let after = rss(service.pid())?;
    println!(
        "2. service RSS, an incident of {history} commands ({} MB as JSON; set up in {:.1} s): \
         {} MB at start, {} MB after one read (kept warm), {} MB after 16 concurrent reads; \
         ratio {:.2} (target <= 1.5)",
        size / 1_000_000,
        setup.as_secs_f64(),
        started / 1024,
        before / 1024,
        after / 1024,
        after as f64 / before as f64
    );
    let (mut at_small, mut at_large) = (
        next_commands(&base, small, SMALL)?,
        next_commands(&base, id, history)?,
    );
    service.stop();
    let (p50_small, p50_large) = (percentile(&mut at_small, 50), percentile(&mut at_large, 50));
    println!(
        "3. next command over HTTP, one at a time ({TIMED} each): at {SMALL} commands p50 {}, p99 {}; \
         at {history} commands p50 {}, p99 {}; ratio of p50s {:.2} (target <= 1.5)",
        ms(p50_small),
        ms(percentile(&mut at_small, 99)),
        ms(p50_large),
        ms(percentile(&mut at_large, 99)),
        p50_large.as_secs_f64() / p50_small.as_secs_f64()
    );
    Ok(())
}

/// The incident the latency of the next command is compared with, and how
/// many next commands are timed on each.
const SMALL: u64 = 10;
const TIMED: u64 = 200;

/// [`TIMED`] notes sent one at a time to incident `id` of `size` commands
/// (after one untimed note, which keeps it warm), each call's time.
fn next_commands(base: &str, id: IncidentId, size: u64) -> Result<Vec<Duration>, Failure> {
    let agent = agent();
    let mut times = Vec::new();
    for n in size + 1..=size + 1 + TIMED {
        let start = Instant::now();
        let (status, answer) = post(&agent, base, &note(id, n))?;
        if n > size + 1 {
            times.push(start.elapsed());
        }
        if status != 200 || answer["outcome"] != "applied" {
            return Err(format!("{status}: {answer}").into());
        }
    }
    Ok(times)
}

/// A GET of the snapshot: its size in bytes.
fn read(url: &str) -> Result<usize, Failure> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into();
    let mut resp = agent.get(url).call()?;
    let body = resp
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()?;
    Ok(body.len())
}

/// A `declare` and `size - 1` notes in one transaction, and the snapshot a
/// store would hold ([`snapshot_due`]).
fn prepare(params: &str, id: IncidentId, size: u64) -> Result<(), Failure> {
    let mut store = PostgresStore::connect(params)?;
    let history: Vec<Command> = std::iter::once(declare(id))
        .chain((2..=size).map(|n| note(id, n)))
        .collect();
    store.client().batch_execute("BEGIN")?;
    for (version, cmd) in (1..).zip(&history) {
        let _ = store.append(version, cmd, None)?;
    }
    store.client().batch_execute("COMMIT")?;
    let due = |v: &u64| snapshot_due(SNAPSHOT_EVERY, *v);
    let kept = (1..=size).rev().find(due).unwrap_or(0);
    if kept > 0 {
        let head = history.into_iter().take(usize::try_from(kept)?);
        let restored = Incident::restore(head, &Playbook::default())?;
        let snapshot = StoredSnapshot::of(&restored)?;
        store.save_snapshot(id, &snapshot)?;
    }
    Ok(())
}

/// The service binary (beside this example in the target folder).
struct Service(Child);

impl Service {
    fn start(params: &str, port: u16) -> Result<Self, Failure> {
        let exe = std::env::current_exe()?;
        let bin = exe
            .parent()
            .and_then(|examples| examples.parent())
            .map(|dir| dir.join("incident-service"))
            .ok_or("no target folder")?;
        let child = Process::new(&bin)
            .args(["--postgres", params, "--no-auth", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}: {e} (build it: cargo build -p incident-service)",
                    bin.display()
                )
            })?;
        let service = Service(child);
        let ready = format!("http://127.0.0.1:{port}/health/ready");
        for _ in 0..600 {
            if ureq::get(&ready).call().is_ok() {
                return Ok(service);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("the service did not become ready".into())
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A process's resident memory in KiB.
fn rss(pid: u32) -> Result<u64, Failure> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or("no VmRSS")?;
    let kib = line.split_whitespace().nth(1).ok_or("no VmRSS value")?;
    Ok(kib.parse()?)
}

fn incident(n: u64) -> IncidentId {
    IncidentId::from(Uuid::from_u128(0xD000 + u128::from(n)))
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

/// The note with id `n`.
fn note(incident: IncidentId, n: u64) -> Command {
    command(json!({
        "type": "add_note", "incident_id": incident,
        "command_id": Uuid::from_u128(u128::from(n) + 2), "at": AT,
        "text": format!("Queue depth sample {n}: still draining")
    }))
}

fn command(value: serde_json::Value) -> Command {
    serde_json::from_value(value).unwrap_or_else(|e| unreachable!("a valid command: {e}"))
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    let i = (times.len().saturating_sub(1) * p).div_ceil(100);
    times.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
