//! Incident histories in SQLite through `incident-store`, step by step:
//! redelivery, a race lost and judged again, a stale sender refused, and the
//! incident rebuilt from its rows.
//!
//! `cargo run -p incident-store --example sqlite_store` runs it on a
//! temporary file; `tests/store.rs` runs it too.

use std::path::Path;

use incident_playbook::{
    Command, CommandId, ImpactInput, IncidentId, Outcome, Playbook, RolesInput, Severity,
    UpdateInput, Uuid,
    command::{AddNote, Declare},
    state::ImpactFlag,
};
use incident_store::{Append, Error, SqliteStore, Store};

fn main() -> Fallible {
    let path = std::env::temp_dir().join(format!("sqlite-store-demo-{}.db", std::process::id()));
    let result = demo(&path);
    for suffix in ["", "-wal", "-shm"] {
        // Missing files are fine: only the main file always exists.
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    result
}

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

fn note(incident: IncidentId, id: u128, text: &str) -> Fallible<Command> {
    let id = CommandId::new(Uuid::from_u128(id));
    Ok(Command::new(
        incident,
        id,
        "2026-05-04T09:07:00Z".parse()?,
        AddNote::new(text),
    ))
}

fn show(result: &Result<Outcome, Error>) -> String {
    match result {
        Ok(Outcome::Applied { version }) => format!("applied, now version {version}"),
        Ok(Outcome::Duplicate { version }) => format!("duplicate, still version {version}"),
        Err(e) => e.to_string(),
    }
}

/// The demo, on a store file at `path`.
pub fn demo(path: &Path) -> Fallible {
    let playbook = Playbook::default();
    let incident = IncidentId::new(Uuid::from_u128(0x1000));
    let mut store = SqliteStore::open(path)?;
    let handle = |store: &mut SqliteStore, cmd: &Command| {
        store.handle(&playbook, cmd).map(|receipt| receipt.outcome)
    };

    println!("1. Declare, then deliver one note twice (at-least-once delivery)");
    let declare = Command::new(
        incident,
        CommandId::new(Uuid::from_u128(1)),
        "2026-05-04T09:05:00Z".parse()?,
        Declare::new("Slow document processing", Severity::Sev3)
            .impact(
                ImpactInput::new("production", "Tenants using OCR", "Document processing")
                    .started_at("2026-05-04T08:30:00Z".parse()?)
                    .flags([ImpactFlag::DegradedFeature]),
            )
            .roles(
                RolesInput::default()
                    .commander("Ada")
                    .technical_lead("Grace"),
            )
            .update(
                UpdateInput::new("OCR is slow", "Checking provider status", "Ada")
                    .next_update("2026-05-04T10:05:00Z".parse()?),
            ),
    );
    println!(
        "   declare            -> {}",
        show(&handle(&mut store, &declare))
    );
    let twice = note(incident, 2, "OCR queue at 4,000")?;
    for delivery in 1..=2 {
        println!(
            "   note, delivery {delivery}   -> {}",
            show(&handle(&mut store, &twice))
        );
    }

    println!("2. Two writers loaded version 2; A stores version 3 first");
    let mut other = SqliteStore::open(path)?;
    let a = note(incident, 3, "Provider status page is green")?;
    let b = note(incident, 4, "Queue drains at 50/s")?;
    println!("   A                  -> {}", show(&handle(&mut store, &a)));
    // B's insert at version 3 loses to A's (what `handle` meets in a race) …
    if other.append(3, &b, playbook.id())? != Append::Conflict {
        return Err("the losing insert was stored".into());
    }
    println!("   B inserts at 3     -> conflict: another writer was first");
    // … so `handle` reloads and lets the crate judge B's note again.
    println!("   B, judged again    -> {}", show(&handle(&mut other, &b)));

    println!("3. A sender that saw version 2 is refused, not retried");
    let stale = note(incident, 5, "Scaling OCR workers")?.expecting(2);
    let refused = handle(&mut other, &stale);
    println!("   expecting 2        -> {}", show(&refused));
    if refused.ok().is_some() {
        return Err("a stale expected_version was applied".into());
    }

    println!("4. The rows, and the incident rebuilt from them");
    for row in store.rows(incident)? {
        println!("   v{} {}", row.version, row.command.kind().as_str());
    }
    let rebuilt = store
        .restore(&playbook, incident)?
        .ok_or("the incident vanished")?;
    println!(
        "   version {}, {} notes",
        rebuilt.version(),
        rebuilt.notes().len()
    );
    if (rebuilt.version(), rebuilt.notes().len()) != (4, 3) {
        return Err("the store lost or doubled a command".into());
    }
    Ok(())
}
