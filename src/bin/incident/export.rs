//! `incident export --cdevents`: the history of every incident of a stream
//! as CDEvents, one per line.

use std::io::Write;

use incident_playbook::cdevents::{CdEventsError, CdEventsExport, cdevents};

use crate::args::{ExportAudience, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::output::{stdout, write_json_line};

pub fn cdevents_of(
    stream: &StreamArgs,
    source: &str,
    ticket_base: Option<&str>,
    audience: ExportAudience,
) -> Result<Verdict, Fatal> {
    // Refused before the stream is read: every event would fail the schemas.
    let export = CdEventsExport::new(source, ticket_base).map_err(|e| {
        let option = match e {
            CdEventsError::Source { .. } => "--source",
            _ => "--ticket-base",
        };
        Fatal(format!("{option}: {e}"))
    })?;
    let export = match audience {
        ExportAudience::Public => export.public_only(),
        ExportAudience::All => export,
    };
    let (replay, verdict) = stream.replay()?;
    let mut out = stdout();
    for incident in replay.incidents() {
        for event in cdevents(incident, &export) {
            write_json_line(&mut out, &event)?;
        }
    }
    out.flush()?;
    Ok(verdict)
}
