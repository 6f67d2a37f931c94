//! Reads a JSON-lines file the way each row of the README's performance
//! table compares it, so that whole-program time, instruction counts
//! (`valgrind --tool=callgrind`) and peak memory can be measured per reader:
//!
//! ```text
//! cargo build --release --example floor
//! target/release/examples/floor replay  stream.jsonl   # Replay::line, every rule
//! target/release/examples/floor value   stream.jsonl   # serde_json::Value per line
//! target/release/examples/floor ignored stream.jsonl   # serde::de::IgnoredAny per line
//! target/release/examples/floor sizes                  # in-memory sizes of the model
//! ```
//!
//! Each mode reads the whole file first (untimed by callgrind's
//! `--toggle-collect=floor::run*`), then reads every line.

use std::hint::black_box;
use std::process::ExitCode;

use incident_playbook::{Command, CommandBody, Incident, Playbook, Replay, Snapshot};
use serde::de::IgnoredAny;
use serde_json::Value;

#[inline(never)]
fn run_replay(text: &str) -> usize {
    let mut replay = Replay::streaming(Playbook::default());
    let mut refused = 0;
    for line in text.lines() {
        refused += usize::from(replay.line(line).is_some());
    }
    black_box(&replay);
    refused
}

#[inline(never)]
fn run_value(text: &str) -> usize {
    text.lines()
        .filter(|l| black_box(serde_json::from_str::<Value>(l)).is_err())
        .count()
}

#[inline(never)]
fn run_ignored(text: &str) -> usize {
    text.lines()
        .filter(|l| black_box(serde_json::from_str::<IgnoredAny>(l)).is_err())
        .count()
}

fn sizes() {
    println!("Command      {}", size_of::<Command>());
    println!("CommandBody  {}", size_of::<CommandBody>());
    println!("Incident     {}", size_of::<Incident>());
    println!("Snapshot     {}", size_of::<Snapshot>());
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, file) = match args.as_slice() {
        [mode] if mode == "sizes" => {
            sizes();
            return ExitCode::SUCCESS;
        }
        [mode, file] => (mode.as_str(), file),
        _ => {
            eprintln!("usage: floor replay|value|ignored FILE | floor sizes");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("floor: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let failed = match mode {
        "replay" => run_replay(&text),
        "value" => run_value(&text),
        "ignored" => run_ignored(&text),
        _ => {
            eprintln!("floor: unknown mode `{mode}`");
            return ExitCode::from(2);
        }
    };
    println!("{failed} lines refused");
    ExitCode::SUCCESS
}
