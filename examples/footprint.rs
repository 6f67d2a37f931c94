//! Where the memory of a replay goes: the heap still held after replaying a
//! JSON-lines file, per command and per byte of input, and the sizes of
//! the types it is made of. (The state keeps no notes, checks or updates of
//! its own: they are built from the history when read.)
//!
//! ```text
//! cargo run --release --features cli --example footprint -- stream.jsonl
//! ```
//!
//! Kept apart from `floor`, whose instruction counts a counting allocator
//! would change.

use std::process::ExitCode;

use incident_playbook::{Playbook, Replay};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

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
    ExitCode::SUCCESS
}
