//! Where `incident replay` keeps the incidents it is not using: a closed
//! incident, which nearly every later line leaves alone, and an open one no
//! line has named for a while ([`IDLE`] lines naming others), are taken out
//! of the replay and kept as their snapshot documents compressed, and put
//! back if a line names them again.
//!
//! An incident in memory costs more than the lines that built it (its
//! history, its state and an index of its command ids: about 1.2 to 1.4
//! times the input), while its snapshot document compresses to about a fifth
//! of it. So a replay holds the incidents being written to whole and the
//! rest compressed, and writes the documents it kept byte for byte as it
//! would have written the incidents.

use std::collections::{HashMap, VecDeque};
use std::io::Write;

use incident_playbook::{Incident, IncidentId, Incidents, Phase, Snapshot};

use crate::exit::Fatal;

/// How many lines naming other incidents an open incident waits before it
/// is kept aside. Putting one back costs about what reading its lines again
/// would, so an incident is kept whole while lines for it still come often:
/// a stream of a few dozen incidents open at once (a busy day) never pays
/// it, and one of thousands written to in turn pays it on most lines, with
/// its memory still bounded.
pub const IDLE: u64 = 1_000;

/// An incident taken out of the replay.
struct Kept {
    /// Its snapshot document, as `serde_json` writes it, compressed.
    document: Box<[u8]>,
    /// Its line in the text report, for `--format text`.
    summary: Option<Box<str>>,
}

/// An incident declared: kept here or in the replay.
struct Entry {
    id: IncidentId,
    kept: Option<Kept>,
    /// The last line that named it, counting lines that named any.
    named: u64,
}

/// Every incident declared, in the order declared: those in use in the
/// replay, the rest here.
pub struct Shelf {
    order: Vec<Entry>,
    positions: HashMap<IncidentId, usize>,
    /// Lines that named an incident so far.
    lines: u64,
    /// Which incident each of the last `idle` such lines named (position in
    /// `order`), oldest first: the open ones that fall off it unnamed since
    /// are kept aside.
    recent: VecDeque<(u64, usize)>,
    /// How many lines an open incident waits unnamed ([`IDLE`]).
    idle: u64,
    /// Whether to keep each incident's text summary line.
    summaries: bool,
    /// The incident the line being judged names.
    named: Option<IncidentId>,
    /// A kept document that could not be read back: the replay stops.
    failed: Option<String>,
}

impl Shelf {
    /// An empty shelf that keeps open incidents aside after `idle` lines
    /// naming others; `summaries` keeps each kept incident's summary line
    /// for the text report.
    pub fn new(idle: u64, summaries: bool) -> Self {
        Shelf {
            order: Vec::new(),
            positions: HashMap::new(),
            lines: 0,
            recent: VecDeque::new(),
            idle: idle.max(1),
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
        let Some(Entry { kept: slot, .. }) = self.order.get_mut(i) else {
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

    /// After a line is judged: notes an incident it declared, takes out the
    /// one it named if that one is closed, and the open ones no line has
    /// named for `idle` lines.
    pub fn after(&mut self, incidents: &mut Incidents, summary: fn(&Incident) -> String) {
        let Some(id) = self.named.take() else {
            return;
        };
        let Some(incident) = incidents.get(id) else {
            return;
        };
        let closed = incident.phase() == Phase::Closed;
        self.lines += 1;
        let lines = self.lines;
        let i = *self.positions.entry(id).or_insert_with(|| {
            self.order.push(Entry {
                id,
                kept: None,
                named: lines,
            });
            self.order.len() - 1
        });
        if let Some(entry) = self.order.get_mut(i) {
            entry.named = lines;
        }
        self.recent.push_back((lines, i));
        if closed {
            self.keep(incidents, i, summary);
        }
        while let Some(&(named, i)) = self.recent.front() {
            if named.saturating_add(self.idle) > lines {
                break;
            }
            self.recent.pop_front();
            // Named again since, it is still in `recent` further on.
            if self.order.get(i).is_some_and(|e| e.named == named) {
                self.keep(incidents, i, summary);
            }
        }
    }

    /// Takes the incident at `i` of the order out of the replay and keeps
    /// it compressed, if it is there.
    fn keep(&mut self, incidents: &mut Incidents, i: usize, summary: fn(&Incident) -> String) {
        let Some(entry) = self.order.get_mut(i) else {
            return;
        };
        let Some(incident) = incidents.get(entry.id) else {
            return;
        };
        let summary = self.summaries.then(|| summary(incident).into_boxed_str());
        let Ok(json) = serde_json::to_vec(incident) else {
            return;
        };
        let document = lz4_flex::compress_prepend_size(&json).into_boxed_slice();
        if incidents.remove(entry.id).is_some() {
            entry.kept = Some(Kept { document, summary });
        }
    }

    /// Stops the replay if a kept document could not be read back.
    pub fn check(&mut self) -> Result<(), Fatal> {
        match self.failed.take() {
            Some(e) => Err(Fatal(format!("an incident kept aside: {e}"))),
            None => Ok(()),
        }
    }

    /// Writes every incident's snapshot document, in the order declared,
    /// as `[a,b,…]`: byte for byte what serializing the replay's
    /// [`Incidents`] whole writes.
    pub fn write_json(&self, out: &mut impl Write, incidents: &Incidents) -> Result<(), Fatal> {
        write!(out, "[")?;
        for (n, Entry { id, kept, .. }) in self.order.iter().enumerate() {
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
        for Entry { id, kept, .. } in &self.order {
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
        .map_err(|e| Fatal(format!("an incident kept aside: {e}")))
}

/// The incident a kept document holds: trusted, as the replay built it.
fn restore(document: &[u8], incidents: &Incidents) -> Result<Incident, String> {
    let json = decompress(document).map_err(|Fatal(e)| e)?;
    let snapshot: Snapshot = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    Incident::resume(snapshot, [], incidents.playbook()).map_err(|e| e.to_string())
}
