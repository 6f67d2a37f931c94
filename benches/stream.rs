//! Benchmarks 1 and 2 of issue 6: replaying a stream from bytes, against
//! generic JSON parsing and against JSON Schema validation of the same lines.
//!
//! ```text
//! cargo bench --bench stream                 # 10,000 incidents × 100 commands
//! BENCH_QUICK=1 cargo bench --bench stream   # a smoke run on a small stream
//! ```

mod common;

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use incident_playbook::{Playbook, Replay, schema};
use serde::de::IgnoredAny;
use serde_json::Value;

/// `Replay::line` over every line: parse, route, check every rule, apply.
fn replay(lines: &[&str]) -> Replay {
    let mut replay = Replay::new(Playbook::default());
    for line in lines {
        replay.line(line);
    }
    replay
}

/// Benchmark 1: replay from bytes vs `serde_json::Value` vs `IgnoredAny`.
fn replay_vs_parse(c: &mut Criterion) {
    let incidents = common::size("BENCH_INCIDENTS", 10_000, 200);
    let commands = common::size("BENCH_COMMANDS", 100, 100);
    let text = common::stream_text(incidents, commands, 1);
    let lines: Vec<&str> = text.lines().collect();
    let checked = replay(&lines);
    assert!(
        checked.rejections().is_empty(),
        "the generated stream is refused: {:?}",
        checked.rejections().first()
    );
    drop(checked);

    let mut group = c.benchmark_group(format!("replay_vs_parse/{incidents}x{commands}"));
    group.throughput(Throughput::Bytes(text.len() as u64));
    // Each iteration takes seconds: one iteration per sample.
    group.sampling_mode(SamplingMode::Flat);
    common::tune(&mut group, 60, 10);
    group.bench_function("replay", |b| b.iter(|| black_box(replay(&lines))));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(serde_json::from_str::<Value>(line).ok());
            }
        })
    });
    group.bench_function("serde_ignored_any", |b| {
        b.iter(|| {
            for line in &lines {
                black_box(serde_json::from_str::<IgnoredAny>(line).ok());
            }
        })
    });
    group.finish();
}

/// Benchmark 2: replay vs what a tool without the crate would do: parse each line to
/// `Value` and validate it against the exported command schema.
fn replay_vs_schema(c: &mut Criterion) {
    let incidents = common::size("BENCH_SCHEMA_INCIDENTS", 1_000, 100);
    let text = common::stream_text(incidents, 100, 2);
    let lines: Vec<&str> = text.lines().collect();
    let command_schema = schema::by_name("command")
        .expect("the command schema")
        .schema;
    // Default options, as a tool would build it (formats are annotations in
    // draft 2020-12; the schema's patterns still check UUIDs and times).
    let validator = jsonschema::validator_for(&command_schema).expect("the schema compiles");
    for line in &lines {
        let value: Value = serde_json::from_str(line).expect("JSON");
        assert!(validator.is_valid(&value), "schema refuses {line}");
    }
    assert!(replay(&lines).rejections().is_empty());

    let mut group = c.benchmark_group(format!("replay_vs_schema/{incidents}x100"));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sampling_mode(SamplingMode::Flat);
    common::tune(&mut group, 30, 10);
    group.bench_function("replay", |b| b.iter(|| black_box(replay(&lines))));
    group.bench_function("value_and_jsonschema", |b| {
        b.iter(|| {
            for line in &lines {
                let value: Value = serde_json::from_str(line).expect("JSON");
                black_box(validator.is_valid(&value));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, replay_vs_parse, replay_vs_schema);
criterion_main!(benches);
