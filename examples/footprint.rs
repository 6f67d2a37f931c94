//! Where the memory of a replay goes: the heap still held after replaying a
//! JSON-lines file, per byte of input, and how much of it is the state's
//! second copy of texts the history already holds (issue 13; none since the
//! two share each text).
//!
//! ```text
//! cargo run --release --features cli --example footprint -- stream.jsonl
//! ```
//!
//! Kept apart from `floor`, whose instruction counts a counting allocator
//! would change.

use std::process::ExitCode;
use std::sync::Arc;

use incident_playbook::{Playbook, Replay};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// What glibc's malloc takes for `len` bytes: a 16-byte aligned chunk with
/// an 8-byte header, 32 bytes at least.
fn chunk(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        (len + 8).div_ceil(16).max(2) * 16
    }
}

/// The heap bytes (with malloc's chunk overhead) of the texts the states
/// keep (notes, comms updates' impact, action and owner, checks' findings)
/// that are a copy of their own rather than shared with the history.
fn state_texts(replay: &Replay) -> (usize, usize) {
    let mut texts = 0;
    let mut bytes = 0;
    for incident in replay.incidents() {
        let notes = incident.notes().iter().map(|n| n.text.as_shared());
        let updates = (incident.updates().iter()).flat_map(|u| {
            [
                u.impact().as_shared(),
                u.action().as_shared(),
                u.owner().as_shared(),
            ]
        });
        let checks = incident.checks().iter().map(|c| c.finding.as_shared());
        for text in notes.chain(updates).chain(checks) {
            // The `Arc`'s two counters come before the text.
            if Arc::strong_count(text) == 1 {
                texts += 1;
                bytes += chunk(16 + text.len());
            }
        }
    }
    (texts, bytes)
}

fn main() -> ExitCode {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: footprint FILE");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("footprint: {file}: {e}");
            return ExitCode::from(2);
        }
    };
    let region = Region::new(GLOBAL);
    let mut replay = Replay::streaming(Playbook::default());
    for line in text.lines() {
        replay.line(line);
    }
    let stats = region.change();
    // stats_alloc counts a reallocation's growth or shrink in these two as
    // well as in `bytes_reallocated`.
    let live = stats.bytes_allocated as isize - stats.bytes_deallocated as isize;
    let live_allocations = stats.allocations as isize - stats.deallocations as isize;
    let commands: u64 = replay.incidents().iter().map(|i| i.version()).sum();
    let (texts, text_bytes) = state_texts(&replay);
    let per = |n: isize| n as f64 / commands as f64;
    println!(
        "input            {:>12} bytes  {:>7.1} per command",
        text.len(),
        per(text.len() as isize)
    );
    println!(
        "live heap        {live:>12} bytes  {:>7.1} per command ({:.2}x the input)",
        per(live),
        live as f64 / text.len() as f64
    );
    println!(
        "live allocations {live_allocations:>12}        {:>7.1} per command",
        per(live_allocations)
    );
    let sizes = [
        ("Command", size_of::<incident_playbook::Command>()),
        ("CommandBody", size_of::<incident_playbook::CommandBody>()),
        ("UpdateInput", size_of::<incident_playbook::UpdateInput>()),
        ("Note", size_of::<incident_playbook::state::Note>()),
        (
            "CommsUpdate",
            size_of::<incident_playbook::state::CommsUpdate>(),
        ),
        (
            "CheckRecord",
            size_of::<incident_playbook::state::CheckRecord>(),
        ),
    ];
    let sizes: Vec<String> = sizes.iter().map(|(n, s)| format!("{n} {s}")).collect();
    println!("sizes (bytes)    {}", sizes.join(", "));
    println!(
        "state text copies {texts:>11} texts  {:>7.1} bytes per command with malloc's chunks",
        per(text_bytes as isize)
    );
    ExitCode::SUCCESS
}
