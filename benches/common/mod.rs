//! What the benches share: the stream generator of the `generate` example,
//! the workload sizes, and the quick mode.
//!
//! `BENCH_QUICK=1` shrinks every workload and shortens every measurement, for
//! a smoke run (`BENCH_QUICK=1 cargo bench`); criterion's own `--quick` works
//! too. `BENCH_INCIDENTS` and `BENCH_COMMANDS` override the size of the
//! stream of the replay group (10,000 × 100 by default).

// Each bench uses a different part.
#![allow(dead_code)]

use std::time::Duration;

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;

#[path = "../../examples/generate/stream.rs"]
pub mod stream;

/// Whether this is a smoke run.
pub fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A size from the environment, else `full`, or `small` in quick mode.
pub fn size(name: &str, full: usize, small: usize) -> usize {
    match std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
    {
        Some(n) => n,
        None if quick() => small,
        None => full,
    }
}

/// The lines of a generated stream, joined as a file holds them.
pub fn stream_text(incidents: usize, commands: usize, seed: u64) -> String {
    let mut text = String::new();
    for line in stream::Stream::new(stream::Config::new(incidents, commands, seed)) {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// Sets the measurement of a group: `secs` of measuring (a tenth of it
/// warming up) with `samples` samples, or a second in quick mode.
pub fn tune(group: &mut BenchmarkGroup<'_, WallTime>, secs: u64, samples: usize) {
    if quick() {
        group.warm_up_time(Duration::from_millis(200));
        group.measurement_time(Duration::from_secs(1));
        group.sample_size(10);
    } else {
        group.warm_up_time(Duration::from_secs((secs / 10).max(1)));
        group.measurement_time(Duration::from_secs(secs));
        group.sample_size(samples);
    }
}
