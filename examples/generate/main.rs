//! Writes a realistic command stream as JSON lines to standard output.
//!
//! ```text
//! cargo run --release --example generate -- --incidents 10000 --commands-per-incident 100 [--seed 1] > stream.jsonl
//! ```
//!
//! Every line is accepted by `incident replay`; the same seed gives the same
//! stream, byte for byte. With `--open` no incident resolves or closes; with
//! `--hot` none does either, and all of them are written to, interleaved,
//! until about the last line (`--hot --incidents 16 --commands-per-incident
//! 25000`: 16 incidents of 25,000 lines each).

mod stream;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: generate --incidents N --commands-per-incident M [--seed S] [--max-concurrent K] [--open | --hot]";

fn parse_args() -> Result<stream::Config, String> {
    let mut incidents = None;
    let mut commands = None;
    let mut seed = 1u64;
    let mut max_concurrent = None;
    let mut open = false;
    let mut hot = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| -> Result<u64, String> {
            let v = args.next().ok_or(format!("{name} needs a value"))?;
            v.replace('_', "")
                .parse()
                .map_err(|e| format!("{name} {v}: {e}"))
        };
        match arg.as_str() {
            "--incidents" => incidents = Some(value("--incidents")?),
            "--commands-per-incident" => commands = Some(value("--commands-per-incident")?),
            "--seed" => seed = value("--seed")?,
            "--max-concurrent" => max_concurrent = Some(value("--max-concurrent")?),
            "--open" => open = true,
            "--hot" => hot = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let incidents = incidents.ok_or("--incidents is required")?;
    let commands = commands.ok_or("--commands-per-incident is required")?;
    let mut config = stream::Config::new(incidents as usize, commands as usize, seed);
    config.open = open;
    config.hot = hot;
    if let Some(k) = max_concurrent {
        config.max_concurrent = (k as usize).max(1);
    }
    Ok(config)
}

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("generate: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    for line in stream::Stream::new(config) {
        if writeln!(out, "{line}").is_err() {
            // A closed pipe (`| head`) is a normal end.
            return ExitCode::SUCCESS;
        }
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}
