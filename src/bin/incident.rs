//! `incident`: replay command streams, check snapshots, export the JSON Schemas;
//! render updates and postmortems, report on the response, lint Markdown
//! postmortems, export CDEvents.
//!
//! Exit codes: 0 all accepted; 1 a command or snapshot broke a rule; 2
//! malformed input, an unreadable file or bad usage (2 wins).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use incident_playbook::{
    Incident, IncidentReport, LineReport, PhaseSpan, Playbook, Postmortem, Replay, Rule, Severity,
    Snapshot, Timestamp, Violation, cdevents, lint_postmortem, schema,
};
use serde::Serialize;
use serde_json::Value;

/// The longest line `replay` reads; a longer one is refused as malformed
/// without being held in memory.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// The largest document `check` and `--playbook` read.
const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "incident",
    version,
    about = "An incident-response playbook, executable."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// Apply a JSON-lines stream of commands (blank lines skipped; any number of
    /// incidents, interleaved). Lines are at most 16 MiB.
    Replay {
        /// A playbook JSON document (default: the seed playbook).
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// Go on after a rejected line instead of stopping at the first.
        #[arg(long)]
        keep_going: bool,
        /// `text` for people, `json` for one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// The stream, or `-` for standard input.
        file: String,
    },
    /// Load a snapshot, an array of snapshots, or a replay output document,
    /// and report every rule each breaks. Documents are at most 256 MiB.
    Check {
        /// A playbook JSON document (default: the seed playbook).
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// `text` for people, `json` for one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// The snapshot file, or `-` for standard input.
        file: String,
    },
    /// Print the names of the exported JSON Schemas, or write them all to DIR.
    Schema {
        /// Write `<name>.schema.json` files into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print what people read, from a command stream.
    Render {
        #[command(subcommand)]
        what: RenderCmd,
    },
    /// Report on each incident of a command stream: the first 15 minutes,
    /// overdue and late updates, the response target, durations, open
    /// follow-ups.
    Report {
        /// A playbook JSON document (default: the seed playbook); its
        /// `utc_offset` sets the day of SEV2's "same-day mitigation".
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// The time to report at, RFC 3339 (default: the current time).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// `text` for people, `json` for one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// The stream, or `-` for standard input.
        file: String,
    },
    /// Check a postmortem kept as Markdown against the postmortem rules,
    /// with rule ids and line numbers.
    LintPostmortem {
        /// The incident's peak severity, which the postmortem must name.
        #[arg(long, value_name = "SEV")]
        peak: Option<String>,
        /// `text` for people, `json` for one JSON document.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// The Markdown file, or `-` for standard input.
        file: String,
    },
    /// Export the history of every incident of a command stream.
    Export {
        /// As CDEvents (`incident reported` / `resolved`) in CloudEvents
        /// JSON, one event per line.
        #[arg(long, required = true)]
        cdevents: bool,
        /// The events' `source` (a URI reference).
        #[arg(long, value_name = "URI", default_value = "/incident-playbook")]
        source: String,
        /// Put before the incident id to make `ticketURI` (default:
        /// `urn:uuid:<incident id>`).
        #[arg(long, value_name = "URL")]
        ticket_base: Option<String>,
        /// A playbook JSON document (default: the seed playbook).
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// The stream, or `-` for standard input.
        file: String,
    },
}

#[derive(Subcommand)]
enum RenderCmd {
    /// Every comms update of every incident, in the playbook's six-line
    /// format, in order.
    Updates {
        /// A playbook JSON document (default: the seed playbook).
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// The stream, or `-` for standard input.
        file: String,
    },
    /// Each incident's submitted postmortem as Markdown, with a Mermaid chart
    /// of its phases.
    Postmortem {
        /// Print a draft filled from the history instead.
        #[arg(long)]
        draft: bool,
        /// A playbook JSON document (default: the seed playbook).
        #[arg(long, value_name = "FILE")]
        playbook: Option<PathBuf>,
        /// The stream, or `-` for standard input.
        file: String,
    },
}

/// A failure that ends the run with exit code 2.
struct Fatal(String);

impl<E: std::fmt::Display> From<E> for Fatal {
    fn from(e: E) -> Self {
        Fatal(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Cmd::Replay {
            playbook,
            keep_going,
            format,
            file,
        } => load_playbook(playbook.as_deref()).and_then(|p| replay(p, keep_going, format, &file)),
        Cmd::Check {
            playbook,
            format,
            file,
        } => load_playbook(playbook.as_deref()).and_then(|p| check(&p, format, &file)),
        Cmd::Schema { out } => write_schemas(out.as_deref()),
        Cmd::Render {
            what: RenderCmd::Updates { playbook, file },
        } => load_playbook(playbook.as_deref()).and_then(|p| render_updates(p, &file)),
        Cmd::Render {
            what:
                RenderCmd::Postmortem {
                    draft,
                    playbook,
                    file,
                },
        } => load_playbook(playbook.as_deref()).and_then(|p| render_postmortems(p, draft, &file)),
        Cmd::Report {
            playbook,
            now,
            format,
            file,
        } => load_playbook(playbook.as_deref())
            .and_then(|p| report(p, now.as_deref(), format, &file)),
        Cmd::LintPostmortem { peak, format, file } => lint(peak.as_deref(), format, &file),
        Cmd::Export {
            cdevents: _,
            source,
            ticket_base,
            playbook,
            file,
        } => load_playbook(playbook.as_deref())
            .and_then(|p| export_cdevents(p, &source, ticket_base.as_deref(), &file)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fatal(message)) => {
            eprintln!("incident: {message}");
            ExitCode::from(2)
        }
    }
}

fn open(file: &str) -> Result<Box<dyn Read>, Fatal> {
    if file == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        File::open(file)
            .map(|f| Box::new(f) as Box<dyn Read>)
            .map_err(|e| Fatal(format!("cannot read {file}: {e}")))
    }
}

fn read_document(file: &str) -> Result<String, Fatal> {
    let mut text = String::new();
    open(file)?
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Fatal(format!("cannot read {file}: {e}")))?;
    if text.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(Fatal(format!(
            "{file} is larger than {MAX_DOCUMENT_BYTES} bytes"
        )));
    }
    Ok(text)
}

fn load_playbook(path: Option<&Path>) -> Result<Playbook, Fatal> {
    let Some(path) = path else {
        return Ok(Playbook::default());
    };
    let text = read_document(&path.to_string_lossy())?;
    serde_json::from_str(&text).map_err(|e| {
        Fatal(format!(
            "{} is not a playbook document: {e}",
            path.display()
        ))
    })
}

/// Reads one line of at most `limit` bytes into `buf` (without the newline).
/// Returns `None` at the end of input, `Some(false)` for a line over the
/// limit, whose rest is skipped without being kept.
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Option<bool>> {
    buf.clear();
    let mut any = false;
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            return Ok(any.then_some(!too_long));
        }
        any = true;
        let (chunk, found) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..i], Some(i)),
            None => (available, None),
        };
        if !too_long {
            if buf.len() + chunk.len() > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        match found {
            Some(i) => {
                reader.consume(i + 1);
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
                return Ok(Some(!too_long));
            }
            None => {
                let n = available.len();
                reader.consume(n);
            }
        }
    }
}

/// Feeds every line of `file` to `replay`, lines over 16 MiB and lines that
/// are not UTF-8 as malformed. `on_refused` sees each refused line and says
/// whether to go on.
fn feed(
    file: &str,
    replay: &mut Replay,
    mut on_refused: impl FnMut(&Replay, &LineReport) -> Result<bool, Fatal>,
) -> Result<(), Fatal> {
    let mut reader = BufReader::with_capacity(1 << 16, open(file)?);
    let mut buf = Vec::new();
    loop {
        let fits = match read_line_bounded(&mut reader, &mut buf, MAX_LINE_BYTES) {
            Ok(Some(fits)) => fits,
            Ok(None) => return Ok(()),
            Err(e) => return Err(Fatal(format!("cannot read {file}: {e}"))),
        };
        let refused = if !fits {
            replay.unreadable_line(&format!("the line is longer than {MAX_LINE_BYTES} bytes"))
        } else {
            match std::str::from_utf8(&buf) {
                Ok(line) => replay.line(line),
                Err(e) => replay.unreadable_line(&format!("the line is not UTF-8: {e}")),
            }
        };
        if let Some(report) = refused
            && !on_refused(replay, &report)?
        {
            return Ok(());
        }
    }
}

fn replay(playbook: Playbook, keep_going: bool, format: Format, file: &str) -> Result<u8, Fatal> {
    // Streaming: each refused line is written as it is found and then
    // forgotten, so memory grows with the incidents held, not the lines read.
    // That is why the JSON document lists `rejections` before `incidents`.
    let mut replay = Replay::streaming(playbook);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if format == Format::Json {
        write!(out, "{{\"rejections\":[")?;
    }
    feed(file, &mut replay, |replay, report| {
        match format {
            Format::Text => {
                for (i, v) in report.violations.iter().enumerate() {
                    let lead = if i == 0 {
                        format!("line {}: ", report.line)
                    } else {
                        "  ".repeat(4)
                    };
                    writeln!(out, "{lead}{v}")?;
                }
            }
            Format::Json => {
                if replay.refused() > 1 {
                    write!(out, ",")?;
                }
                serde_json::to_writer(&mut out, report)?;
            }
        }
        Ok(keep_going)
    })?;
    match format {
        Format::Json => {
            write!(out, "],\"incidents\":")?;
            serde_json::to_writer(&mut out, replay.incidents())?;
            writeln!(out, "}}")?;
        }
        Format::Text => {
            for incident in replay.incidents() {
                writeln!(out, "{}", summary(incident))?;
            }
        }
    }
    out.flush()?;
    Ok(u8::try_from(replay.exit_code()).unwrap_or(2))
}

fn summary(incident: &Incident) -> String {
    format!(
        "incident {}: {} {} (peak {}), version {}: {}",
        incident.id(),
        incident.severity(),
        incident.phase(),
        incident.peak_severity(),
        incident.version(),
        incident.title()
    )
}

#[derive(Serialize)]
struct CheckReport {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    incident_id: Option<Value>,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<Rule>,
    violations: Vec<Violation>,
}

fn check(playbook: &Playbook, format: Format, file: &str) -> Result<u8, Fatal> {
    let text = read_document(file)?;
    let document: Value =
        serde_json::from_str(&text).map_err(|e| Fatal(format!("{file} is not JSON: {e}")))?;
    let snapshots = match document {
        Value::Array(items) => items,
        Value::Object(mut map)
            if map.contains_key("incidents") && !map.contains_key("incident_id") =>
        {
            match map.remove("incidents") {
                Some(Value::Array(items)) => items,
                _ => {
                    return Err(Fatal(format!(
                        "{file}: `incidents` is not an array of snapshots"
                    )));
                }
            }
        }
        single @ Value::Object(_) => vec![single],
        _ => {
            return Err(Fatal(format!(
                "{file} is neither a snapshot nor an array of snapshots"
            )));
        }
    };
    let mut reports = Vec::with_capacity(snapshots.len());
    for (index, value) in snapshots.into_iter().enumerate() {
        let incident_id = value.get("incident_id").cloned();
        let violations = match serde_json::from_value::<Snapshot>(value) {
            Err(e) => vec![Violation::new(Rule::MalformedInput, e.to_string(), None)],
            Ok(snapshot) => match Incident::load(snapshot, playbook) {
                Ok(_) => Vec::new(),
                Err(rejection) => rejection.into_violations(),
            },
        };
        reports.push(CheckReport {
            index,
            incident_id,
            ok: violations.is_empty(),
            rule: violations.first().map(Violation::rule),
            violations,
        });
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            serde_json::to_writer(&mut out, &serde_json::json!({ "snapshots": reports }))?;
            writeln!(out)?;
        }
        Format::Text => {
            for r in &reports {
                let id = r
                    .incident_id
                    .as_ref()
                    .and_then(Value::as_str)
                    .unwrap_or("?");
                if r.ok {
                    writeln!(out, "snapshot {} ({id}): ok", r.index)?;
                }
                for v in &r.violations {
                    writeln!(out, "snapshot {} ({id}): {v}", r.index)?;
                }
            }
        }
    }
    out.flush()?;
    let malformed = reports.iter().any(|r| r.rule == Some(Rule::MalformedInput));
    let broken = reports.iter().any(|r| !r.ok);
    Ok(if malformed {
        2
    } else if broken {
        1
    } else {
        0
    })
}

fn write_schemas(out: Option<&Path>) -> Result<u8, Fatal> {
    let schemas = schema::all();
    let stdout = io::stdout();
    let mut stdout = stdout.lock();
    match out {
        None => {
            for s in &schemas {
                writeln!(stdout, "{}\t{}", s.name, s.description)?;
            }
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
            for s in &schemas {
                let path = dir.join(s.file_name());
                std::fs::write(&path, s.to_pretty_json())
                    .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
                writeln!(stdout, "{}", path.display())?;
            }
        }
    }
    Ok(0)
}

/// Replays a stream, going on after refused lines (they are reported on
/// standard error); the exit code is replay's: 0, 1 or 2.
fn load_stream(playbook: Playbook, file: &str) -> Result<(Replay, u8), Fatal> {
    let mut replay = Replay::new(playbook);
    let mut err = io::stderr().lock();
    feed(file, &mut replay, |_, report| {
        for v in &report.violations {
            writeln!(err, "incident: {file}: line {}: {v}", report.line)?;
        }
        Ok(true)
    })?;
    let code = u8::try_from(replay.exit_code()).unwrap_or(2);
    Ok((replay, code))
}

fn render_updates(playbook: Playbook, file: &str) -> Result<u8, Fatal> {
    let (replay, code) = load_stream(playbook, file)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (i, incident) in replay.incidents().iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "Incident {}: {}", incident.id(), incident.title())?;
        for update in incident.updates() {
            writeln!(out, "\nPosted {}\n{update}", update.at())?;
        }
    }
    out.flush()?;
    Ok(code)
}

fn render_postmortems(playbook: Playbook, draft: bool, file: &str) -> Result<u8, Fatal> {
    let (replay, mut code) = load_stream(playbook, file)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut first = true;
    for incident in replay.incidents() {
        let drafted;
        let postmortem = if draft {
            drafted = Postmortem::draft_from(incident);
            &drafted
        } else {
            match incident.postmortem() {
                Some(p) => p,
                None => {
                    eprintln!(
                        "incident: incident {} has no postmortem yet (--draft drafts one)",
                        incident.id()
                    );
                    code = code.max(1);
                    continue;
                }
            }
        };
        if !first {
            writeln!(out, "\n---\n")?;
        }
        first = false;
        write!(
            out,
            "{}",
            postmortem.to_markdown_with_phases(&PhaseSpan::of(incident))
        )?;
    }
    out.flush()?;
    Ok(code)
}

fn now_or_clock(now: Option<&str>) -> Result<Timestamp, Fatal> {
    match now {
        Some(s) => s.parse().map_err(|e| Fatal(format!("--now: {e}"))),
        None => {
            // The library reads no clock; the command line does, for people.
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| Fatal(format!("the system clock is before 1970: {e}")))?
                .as_secs();
            let secs = i64::try_from(secs).map_err(|e| Fatal(e.to_string()))?;
            chrono::DateTime::from_timestamp(secs, 0)
                .map(Timestamp::from)
                .ok_or_else(|| Fatal("the system clock is out of range".to_owned()))
        }
    }
}

fn report(playbook: Playbook, now: Option<&str>, format: Format, file: &str) -> Result<u8, Fatal> {
    let now = now_or_clock(now)?;
    let (replay, code) = load_stream(playbook.clone(), file)?;
    let reports: Vec<IncidentReport> = replay
        .incidents()
        .iter()
        .map(|i| IncidentReport::new(i, &playbook, now))
        .collect();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            serde_json::to_writer(&mut out, &serde_json::json!({ "reports": reports }))?;
            writeln!(out)?;
        }
        Format::Text => {
            for (i, r) in reports.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write!(out, "{r}")?;
            }
        }
    }
    out.flush()?;
    Ok(code)
}

fn lint(peak: Option<&str>, format: Format, file: &str) -> Result<u8, Fatal> {
    let peak = peak
        .map(|p| {
            p.to_uppercase()
                .parse::<Severity>()
                .map_err(|e| Fatal(format!("--peak: {e}")))
        })
        .transpose()?;
    let text = read_document(file)?;
    let findings = lint_postmortem(&text, peak);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({ "file": file, "findings": findings }),
            )?;
            writeln!(out)?;
        }
        Format::Text => {
            for f in &findings {
                match f.line {
                    Some(line) => writeln!(out, "{file}:{line}: {}", f.violation)?,
                    None => writeln!(out, "{file}: {}", f.violation)?,
                }
            }
            if findings.is_empty() {
                writeln!(out, "{file}: ok")?;
            }
        }
    }
    out.flush()?;
    Ok(
        if findings
            .iter()
            .any(|f| f.violation.rule() == Rule::MalformedInput)
        {
            2
        } else if findings.is_empty() {
            0
        } else {
            1
        },
    )
}

fn export_cdevents(
    playbook: Playbook,
    source: &str,
    ticket_base: Option<&str>,
    file: &str,
) -> Result<u8, Fatal> {
    let (replay, code) = load_stream(playbook, file)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for incident in replay.incidents() {
        for event in cdevents(incident, source, ticket_base) {
            serde_json::to_writer(&mut out, &event)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(code)
}
