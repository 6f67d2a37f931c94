//! Benchmark 4 of issue 6: loading a snapshot (which replays and compares its
//! history) and writing one, for whole incidents of 100 and 1,000 commands.
//!
//! ```text
//! cargo bench --bench snapshot
//! ```

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use incident_playbook::{Incident, Playbook, Replay, Snapshot};
use serde_json::Value;

fn snapshots(c: &mut Criterion) {
    let playbook = Playbook::default();
    for commands in [100usize, 1_000] {
        // A SEV1 incident from declare to close.
        let lines = common::stream::incident(3, 1, commands);
        let mut replay = Replay::new(playbook.clone());
        for line in &lines {
            replay.line(line);
        }
        assert!(replay.rejections().is_empty());
        let incident = replay
            .incidents()
            .iter()
            .next()
            .expect("one incident")
            .clone();
        let json = serde_json::to_string(&incident).expect("serializes");
        let snapshot: Snapshot = serde_json::from_str(&json).expect("parses");
        assert!(Incident::load(snapshot.clone(), &playbook).is_ok());

        let mut group = c.benchmark_group(format!("snapshot/{commands}_commands"));
        group.throughput(Throughput::Bytes(json.len() as u64));
        common::tune(&mut group, 10, 30);
        group.bench_function("write", |b| {
            b.iter(|| black_box(serde_json::to_string(&incident)))
        });
        group.bench_function("load", |b| {
            b.iter_batched(
                || snapshot.clone(),
                |s| black_box(Incident::load(s, &playbook)),
                BatchSize::SmallInput,
            )
        });
        group.bench_function("parse_and_load", |b| {
            b.iter(|| {
                let s: Snapshot = serde_json::from_str(&json).expect("parses");
                black_box(Incident::load(s, &playbook))
            })
        });
        group.bench_function("serde_json_value", |b| {
            b.iter(|| black_box(serde_json::from_str::<Value>(&json)))
        });
        group.finish();
    }
}

criterion_group!(benches, snapshots);
criterion_main!(benches);
