//! Where `incident replay` keeps the incidents it has finished with: a
//! closed incident, which nearly every later line leaves alone, is taken out
//! of the replay and kept as its snapshot document compressed, and put back
//! if a line names it again.
//!
//! An incident in memory costs more than the lines that built it (its
//! history, its state and an index of its command ids: about 1.2 times the
//! input), while its snapshot document compresses to about a fifth of it.
//! So a replay holds its open incidents whole and the rest compressed, and
//! writes the documents it kept byte for byte as it would have written the
//! incidents.

use std::collections::HashMap;
use std::io::Write;

use incident_playbook::{Incident, IncidentId, Incidents, Phase, Snapshot};

use crate::exit::Fatal;

/// A closed incident, taken out of the replay.
struct Kept {
    /// Its snapshot document, as `serde_json` writes it, compressed.
    document: Box<[u8]>,
    /// Its line in the text report, for `--format text`.
    summary: Option<Box<str>>,
}

/// Every incident declared, in the order declared: the open ones in the
/// replay, the closed ones here.
pub struct Shelf {
    order: Vec<(IncidentId, Option<Kept>)>,
    positions: HashMap<IncidentId, usize>,
    /// Whether to keep each incident's text summary line.
    summaries: bool,
    /// The incident the line being judged names.
    named: Option<IncidentId>,
    /// A kept document that could not be read back: the replay stops.
    failed: Option<String>,
}

impl Shelf {
    /// An empty shelf; `summaries` keeps each closed incident's summary line
    /// for the text report.
    pub fn new(summaries: bool) -> Self {
        Shelf {
            order: Vec::new(),
            positions: HashMap::new(),
            summaries,
            named: None,
            failed: None,
        }
    }

    /// How many incidents were declared.
    pub fn declared(&self) -> usize {
        self.order.len()
    }

    /// Before a line naming `id` is judged: puts the incident back into the
    /// replay if it is kept here, so the line is judged as it would have been.
    pub fn before(&mut self, incidents: &mut Incidents, id: IncidentId) {
        self.named = Some(id);
        let Some(&i) = self.positions.get(&id) else {
            return;
        };
        let Some((_, slot)) = self.order.get_mut(i) else {
            return;
        };
        let Some(kept) = slot.take() else {
            return;
        };
        match restore(&kept.document, incidents) {
            Ok(incident) => {
                incidents.insert(incident);
            }
            Err(e) => {
                *slot = Some(kept);
                self.failed = Some(e);
            }
        }
    }

    /// After a line is judged: notes an incident it declared, and takes out
    /// the one it named if that one is closed.
    pub fn after(&mut self, incidents: &mut Incidents, summary: fn(&Incident) -> String) {
        let Some(id) = self.named.take() else {
            return;
        };
        let Some(incident) = incidents.get(id) else {
            return;
        };
        let i = *self.positions.entry(id).or_insert_with(|| {
            self.order.push((id, None));
            self.order.len() - 1
        });
        if incident.phase() != Phase::Closed {
            return;
        }
        let summary = self.summaries.then(|| summary(incident).into_boxed_str());
        let Ok(json) = serde_json::to_vec(incident) else {
            return;
        };
        let document = lz4_flex::compress_prepend_size(&json).into_boxed_slice();
        if let Some((_, slot)) = self.order.get_mut(i)
            && incidents.remove(id).is_some()
        {
            *slot = Some(Kept { document, summary });
        }
    }

    /// Stops the replay if a kept document could not be read back.
    pub fn check(&mut self) -> Result<(), Fatal> {
        match self.failed.take() {
            Some(e) => Err(Fatal(format!("a closed incident kept aside: {e}"))),
            None => Ok(()),
        }
    }

    /// Writes every incident's snapshot document, in the order declared,
    /// as `[a,b,…]`: byte for byte what serializing the replay's
    /// [`Incidents`] whole writes.
    pub fn write_json(&self, out: &mut impl Write, incidents: &Incidents) -> Result<(), Fatal> {
        write!(out, "[")?;
        for (n, (id, kept)) in self.order.iter().enumerate() {
            if n > 0 {
                write!(out, ",")?;
            }
            match (kept, incidents.get(*id)) {
                (Some(kept), _) => out.write_all(&decompress(&kept.document)?)?,
                (None, Some(incident)) => serde_json::to_writer(&mut *out, incident)?,
                (None, None) => return Err(Fatal(format!("incident {id} was lost"))),
            }
        }
        write!(out, "]")?;
        Ok(())
    }

    /// Writes every incident's summary line, in the order declared.
    pub fn write_text(
        &self,
        out: &mut impl Write,
        incidents: &Incidents,
        summary: fn(&Incident) -> String,
    ) -> Result<(), Fatal> {
        for (id, kept) in &self.order {
            match (kept, incidents.get(*id)) {
                (
                    Some(Kept {
                        summary: Some(s), ..
                    }),
                    _,
                ) => writeln!(out, "{s}")?,
                (Some(kept), _) => writeln!(
                    out,
                    "{}",
                    summary(&restore(&kept.document, incidents).map_err(Fatal)?)
                )?,
                (None, Some(incident)) => writeln!(out, "{}", summary(incident))?,
                (None, None) => return Err(Fatal(format!("incident {id} was lost"))),
            }
        }
        Ok(())
    }
}

fn decompress(document: &[u8]) -> Result<Vec<u8>, Fatal> {
    lz4_flex::decompress_size_prepended(document)
        .map_err(|e| Fatal(format!("a closed incident kept aside: {e}")))
}

/// The incident a kept document holds: trusted, as the replay built it.
fn restore(document: &[u8], incidents: &Incidents) -> Result<Incident, String> {
    let json = decompress(document).map_err(|Fatal(e)| e)?;
    let snapshot: Snapshot = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    Incident::resume(snapshot, [], incidents.playbook()).map_err(|e| e.to_string())
}
