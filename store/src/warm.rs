//! Incidents kept warm in memory, checked by version against the store.

use std::collections::HashMap;

use incident_playbook::{Command, CommandId, Incident, IncidentId, Playbook, PlaybookId};

use incident_playbook::Outcome;

use crate::{Append, ChangeCursor, Changes, Error, Receipt, Row, Store, StoredSnapshot};

/// How many incidents a [`Warm`] store keeps by default.
pub const WARM_CAPACITY: usize = 64;

/// A store that keeps the incidents it loaded or changed in memory, so
/// that the next command on a long incident costs a version check and the
/// commands stored since, not a load of its whole history.
///
/// Every [`restore`](Store::restore) (and so every
/// [`handle`](Store::handle)) asks the store for the incident's latest
/// version first: the same, the incident in memory is used; later (another
/// writer, in this process or another, stored since), only the rows after
/// it are read and restored on top ([`Incident::resume`]); anything else
/// (not in memory, fewer rows than remembered) is a full load. So it is
/// never staler than the store, and two processes may each keep one.
/// At most `capacity` incidents are kept; the one used longest ago goes
/// first.
///
/// ```
/// use incident_store::{SqliteStore, Store, Warm};
/// let mut store = Warm::new(SqliteStore::in_memory()?);
/// assert!(store.incidents()?.is_empty());
/// # Ok::<(), incident_store::Error>(())
/// ```
#[derive(Debug)]
pub struct Warm<S> {
    store: S,
    capacity: usize,
    kept: HashMap<IncidentId, (u64, Incident)>,
    tick: u64,
}

impl<S: Store> Warm<S> {
    /// `store`, keeping up to [`WARM_CAPACITY`] incidents in memory.
    pub fn new(store: S) -> Self {
        Self::with_capacity(store, WARM_CAPACITY)
    }

    /// `store`, keeping up to `capacity` incidents (0: none).
    pub fn with_capacity(store: S, capacity: usize) -> Self {
        Warm {
            store,
            capacity,
            kept: HashMap::new(),
            tick: 0,
        }
    }

    /// The store underneath.
    pub fn inner(&mut self) -> &mut S {
        &mut self.store
    }

    /// Keeps `incident`, making room if needed.
    fn keep(&mut self, incident: &Incident) {
        if self.capacity == 0 {
            return;
        }
        self.tick += 1;
        if self.kept.len() >= self.capacity && !self.kept.contains_key(&incident.id()) {
            let oldest = self.kept.iter().min_by_key(|(_, (t, _))| *t);
            if let Some(id) = oldest.map(|(id, _)| *id) {
                self.kept.remove(&id);
            }
        }
        self.kept
            .insert(incident.id(), (self.tick, incident.clone()));
    }

    /// Brings the incident in memory up to `latest` in place, restoring
    /// the rows after it on top: true when it is then current. One not
    /// kept, ahead of the store or not followed on by the rows is
    /// forgotten (false: load it whole).
    fn catch_up(
        &mut self,
        playbook: &Playbook,
        id: IncidentId,
        latest: u64,
    ) -> Result<bool, Error> {
        let Some((_, kept)) = self.kept.remove(&id) else {
            return Ok(false);
        };
        let version = kept.version();
        let current = if version == latest {
            kept
        } else if version < latest {
            let tail = self.store.rows_after(id, version)?;
            if !(version + 1..).zip(&tail).all(|(v, r)| r.version == v) {
                return Ok(false);
            }
            let tail = tail.into_iter().map(|r| r.command);
            let label = kept.declared_under().cloned();
            Incident::resume(kept.into_snapshot(), tail, playbook)
                .map_err(|r| Error::corrupt(id, r.to_string()))?
                .with_declared_under(label)
        } else {
            return Ok(false);
        };
        self.tick += 1;
        self.kept.insert(id, (self.tick, current));
        Ok(true)
    }
}

impl<S: Store> Store for Warm<S> {
    fn rows(&mut self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.store.rows(incident)
    }

    fn append(
        &mut self,
        version: u64,
        command: &Command,
        playbook: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        self.store.append(version, command, playbook)
    }

    fn incidents(&mut self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.store.incidents()
    }

    fn changes_since(&mut self, since: ChangeCursor) -> Result<Changes, Error> {
        self.store.changes_since(since)
    }

    fn command(
        &mut self,
        incident: IncidentId,
        command_id: CommandId,
    ) -> Result<Option<Row>, Error> {
        self.store.command(incident, command_id)
    }

    fn declared_under(&mut self, incident: IncidentId) -> Result<Option<PlaybookId>, Error> {
        self.store.declared_under(incident)
    }

    fn latest_version(&mut self, incident: IncidentId) -> Result<u64, Error> {
        self.store.latest_version(incident)
    }

    fn rows_after(&mut self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        self.store.rows_after(incident, version)
    }

    fn snapshot(&mut self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        self.store.snapshot(incident)
    }

    fn save_snapshot(
        &mut self,
        incident: IncidentId,
        snapshot: &StoredSnapshot,
    ) -> Result<(), Error> {
        self.store.save_snapshot(incident, snapshot)
    }

    fn snapshot_every(&self) -> u64 {
        self.store.snapshot_every()
    }

    /// The incident in memory if the store has no later version, brought
    /// up to date with the rows after it if it has; else loaded whole.
    fn restore(
        &mut self,
        playbook: &Playbook,
        incident: IncidentId,
    ) -> Result<Option<Incident>, Error> {
        let latest = self.store.latest_version(incident)?;
        if latest == 0 {
            self.kept.remove(&incident);
            return Ok(None);
        }
        if self.catch_up(playbook, incident, latest)? {
            return Ok(self.kept.get(&incident).map(|(_, i)| i.clone()));
        }
        let restored = self.store.restore(playbook, incident)?;
        if let Some(restored) = &restored {
            self.keep(restored);
        }
        Ok(restored)
    }

    /// [`Store::handle`] on the incident in memory: decided on it in
    /// place ([`Incident::decide`]), stored, then applied to it; the
    /// receipt's copy is the only one made. A `declare`, or an incident not
    /// kept, goes the common way and is kept after.
    fn handle_with(
        &mut self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
    ) -> Result<Receipt, Error> {
        match self.handle_warm(playbook, command, max_attempts)? {
            Handled::Cold(receipt) => Ok(*receipt),
            Handled::Warm {
                outcome,
                lost_races,
            } => {
                let incident = self.kept.get(&command.incident_id).map(|(_, i)| i.clone());
                let incident = incident.ok_or_else(|| {
                    Error::corrupt(command.incident_id, "the kept incident went missing")
                })?;
                Ok(Receipt {
                    outcome,
                    incident,
                    lost_races,
                })
            }
        }
    }

    /// As [`Warm::handle_with`], without copying the incident: the cost of
    /// a command on a kept incident does not grow with its history.
    fn submit(&mut self, playbook: &Playbook, command: &Command) -> Result<Outcome, Error> {
        match self.handle_warm(playbook, command, crate::MAX_ATTEMPTS)? {
            Handled::Cold(receipt) => Ok(receipt.outcome),
            Handled::Warm { outcome, .. } => Ok(outcome),
        }
    }
}

/// What [`Warm::handle_warm`] did.
enum Handled {
    /// The common way (a `declare`, or an incident not kept).
    Cold(Box<Receipt>),
    /// On the kept incident, which is now as the command left it.
    Warm { outcome: Outcome, lost_races: u32 },
}

impl<S: Store> Warm<S> {
    fn handle_warm(
        &mut self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
    ) -> Result<Handled, Error> {
        let id = command.incident_id;
        let mut lost_races = 0;
        loop {
            let latest = self.store.latest_version(id)?;
            let kept = match self.catch_up(playbook, id, latest)? {
                true => self.kept.get_mut(&id),
                false => None,
            };
            let Some((_, incident)) = kept else {
                let receipt = crate::handle::handle(self, playbook, command, max_attempts)?;
                self.keep(&receipt.incident);
                return Ok(Handled::Cold(Box::new(receipt)));
            };
            let decision = incident
                .decide(command, playbook)
                .map_err(Error::Rejected)?;
            let outcome = decision.outcome();
            if let Outcome::Applied { version } = outcome {
                if self.store.append(version, command, playbook.id())? == Append::Conflict {
                    lost_races += 1;
                    if lost_races >= max_attempts {
                        let gave_up = crate::handle::gave_up(command, lost_races);
                        return Err(Error::Rejected(gave_up));
                    }
                    continue;
                }
                let _applied = incident.apply(decision).map_err(Error::Rejected)?;
                crate::handle::keep_snapshot(&mut self.store, incident)?;
            }
            return Ok(Handled::Warm {
                outcome,
                lost_races,
            });
        }
    }
}
