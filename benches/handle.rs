//! Benchmark 3 of issue 6: `Incident::handle` per command, commands already
//! deserialized, for a short history (10 commands) and a long one (10,000);
//! and `Incident::decide` the same way (issue 13).
//! No hidden work that grows with the history: the two should cost the same.
//!
//! ```text
//! cargo bench --features cli --bench handle
//! ```
//!
//! Each measured chunk runs on a fresh clone of the incident. A clone's
//! vectors have no spare capacity, so the first push after cloning would move
//! the whole history: a cost of the clone, not of `handle`. A few untimed
//! commands first give every vector the spare room a live incident has, then
//! a chunk of commands is timed (10 on the short incident, so that it stays
//! short; 1,000 on the long one, so its history stays within 10% of 10,000).

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use incident_playbook::{Command, Incident, Outcome, Playbook};

/// Untimed commands applied to each clone before timing.
const WARM: usize = 16;

fn per_command(c: &mut Criterion) {
    let playbook = Playbook::default();
    let mut group = c.benchmark_group("handle_per_command");
    group.throughput(Throughput::Elements(1));
    common::tune(&mut group, 10, 50);
    for (history, chunk) in [(10usize, 10usize), (10_000, 1_000)] {
        // One open incident: a declare, then notes, updates, checks and role
        // changes, a minute apart.
        let lines = common::stream::open_incident(7, history - 1 + WARM + chunk);
        let commands: Vec<Command> = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("a command"))
            .collect();
        let mut base = Incident::declare(commands[0].clone(), &playbook).expect("declared");
        for cmd in &commands[1..history] {
            let outcome = base.handle(cmd.clone(), &playbook).expect("accepted");
            assert!(matches!(outcome, Outcome::Applied { .. }));
        }
        assert_eq!(base.version(), history as u64);
        let (warm, timed) = commands[history..].split_at(WARM);
        {
            // Every timed command is accepted (not a duplicate, not refused).
            let mut probe = base.clone();
            for cmd in warm.iter().chain(timed) {
                let outcome = probe.handle(cmd.clone(), &playbook).expect("accepted");
                assert!(matches!(outcome, Outcome::Applied { .. }));
            }
        }
        group.bench_function(BenchmarkId::from_parameter(history), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut left = iters as usize;
                while left > 0 {
                    let n = left.min(chunk);
                    let mut incident = base.clone();
                    for cmd in warm {
                        let _ = incident.handle(cmd.clone(), &playbook);
                    }
                    let batch: Vec<Command> = timed[..n].to_vec();
                    let start = Instant::now();
                    for cmd in batch {
                        let _ = black_box(incident.handle(cmd, &playbook));
                    }
                    total += start.elapsed();
                    drop(incident);
                    left -= n;
                }
                total
            })
        });
    }
    group.finish();
}

/// `Incident::decide` on each of the next 100 commands, for a short history
/// (10 commands) and a long one (10,000). Deciding changes nothing, so the
/// same commands are decided again and again against the same incident; a
/// mix of kinds, as the stream has them, not one command whose kind would
/// differ between the two histories.
fn decide(c: &mut Criterion) {
    const NEXT: usize = 100;
    let playbook = Playbook::default();
    let mut group = c.benchmark_group("decide");
    group.throughput(Throughput::Elements(NEXT as u64));
    common::tune(&mut group, 10, 50);
    for history in [10usize, 10_000] {
        let lines = common::stream::open_incident(7, history - 1 + NEXT);
        let commands: Vec<Command> = lines
            .iter()
            .map(|l| serde_json::from_str(l).expect("a command"))
            .collect();
        let mut incident = Incident::declare(commands[0].clone(), &playbook).expect("declared");
        for cmd in &commands[1..history] {
            let outcome = incident.handle(cmd.clone(), &playbook).expect("accepted");
            assert!(matches!(outcome, Outcome::Applied { .. }));
        }
        let next = &commands[history..];
        assert_eq!(next.len(), NEXT);
        let decide_all = || {
            next.iter()
                .filter(|cmd| incident.decide(cmd, &playbook).is_ok())
                .count()
        };
        assert_eq!(decide_all(), NEXT, "every next command is acceptable");
        group.bench_function(BenchmarkId::from_parameter(history), |b| {
            b.iter(|| black_box(decide_all()))
        });
    }
    group.finish();
}

criterion_group!(benches, per_command, decide);
criterion_main!(benches);
