//! Incidents kept warm in memory for async code, shared by every task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use incident_playbook::{Command, CommandId, Incident, IncidentId, Outcome, Playbook, PlaybookId};

use crate::asynchronous::{AsyncStore, delegating_async_store};
use crate::handle::{gave_up, snapshot_due};
use crate::{Append, Error, MAX_ATTEMPTS, Receipt, Row, StoredSnapshot, WARM_CAPACITY};

/// One kept incident, locked by whoever works on it.
type Slot = Arc<tokio::sync::Mutex<Option<Incident>>>;

/// The async twin of [`Warm`](crate::Warm): the incidents it loaded or
/// changed are kept in memory. A read asks the store for the latest
/// version first (the same: the kept incident is used; later: only the
/// rows after it are read and restored on top; anything else: a full
/// load). A command is decided on the kept incident and stored only if
/// the store's latest version is still the kept one
/// ([`AsyncStore::append_next`]: one statement on PostgreSQL), else it is
/// brought up to date and judged again; a refusal or a duplicate is
/// confirmed against the latest version before it is answered. So it is
/// never staler than the store, and several processes may each keep one.
///
/// It takes `&self` and is shared by every task: each kept incident has a
/// lock of its own, so commands and reads of one incident in this process
/// take turns (none loses a race to another of this process), while other
/// incidents go on at once. [`AsyncWarm::read`] lends the kept incident to
/// a function, so that a read copies nothing. At most `capacity`
/// incidents are kept; the one used longest ago goes first.
///
/// ```
/// use incident_store::{AsyncSqliteStore, AsyncStore, AsyncWarm};
///
/// #[tokio::main]
/// async fn main() -> Result<(), incident_store::Error> {
///     let path = std::env::temp_dir().join(format!("warm-doc-{}.db", std::process::id()));
///     let store = AsyncWarm::new(AsyncSqliteStore::open(&path).await?);
///     assert!(store.incidents().await?.is_empty());
///     let playbook = incident_playbook::Playbook::default();
///     let id = incident_playbook::IncidentId::from(incident_playbook::Uuid::nil());
///     assert_eq!(store.read(&playbook, id, |i| i.version()).await?, None);
///     # let _ = std::fs::remove_file(&path);
///     Ok(())
/// }
/// ```
#[derive(Debug)]
pub struct AsyncWarm<S> {
    store: S,
    capacity: usize,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    slots: HashMap<IncidentId, (u64, Slot)>,
    tick: u64,
}

impl<S: AsyncStore> AsyncWarm<S> {
    /// `store`, keeping up to [`WARM_CAPACITY`] incidents in memory.
    pub fn new(store: S) -> Self {
        Self::with_capacity(store, WARM_CAPACITY)
    }

    /// `store`, keeping up to `capacity` incidents (0: none).
    pub fn with_capacity(store: S, capacity: usize) -> Self {
        AsyncWarm {
            store,
            capacity,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// The store underneath.
    pub fn inner(&self) -> &S {
        &self.store
    }

    /// Lends the incident, as the store has it now, to `f`: no copy is
    /// made, so a read of a long incident costs a version check (and the
    /// rows stored since), not its history. `None` if it has no rows.
    ///
    /// # Errors
    ///
    /// As [`AsyncStore::restore`].
    pub async fn read<T>(
        &self,
        playbook: &Playbook,
        incident: IncidentId,
        f: impl FnOnce(&Incident) -> T + Send,
    ) -> Result<Option<T>, Error> {
        let slot = self.slot(incident);
        let mut kept = slot.lock().await;
        self.bring_up_to_date(playbook, incident, &mut kept).await?;
        Ok(kept.as_ref().map(f))
    }

    /// The lock of `incident`'s slot, made if new; the least recently used
    /// slot no one holds goes when there are more than `capacity`.
    fn slot(&self, incident: IncidentId) -> Slot {
        if self.capacity == 0 {
            return Slot::default();
        }
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.tick += 1;
        let tick = kept.tick;
        let slot = Arc::clone(
            &kept
                .slots
                .entry(incident)
                .and_modify(|(t, _)| *t = tick)
                .or_insert_with(|| (tick, Slot::default()))
                .1,
        );
        if kept.slots.len() > self.capacity {
            let unused = kept
                .slots
                .iter()
                .filter(|(_, (_, s))| Arc::strong_count(s) == 1)
                .min_by_key(|(_, (t, _))| *t)
                .map(|(id, _)| *id);
            if let Some(id) = unused {
                kept.slots.remove(&id);
            }
        }
        slot
    }

    /// Brings `kept` up to the store's latest version: unchanged when it
    /// is current, the rows after it restored on top when it is behind,
    /// loaded whole otherwise (not kept, ahead of the store, rows not
    /// following on). `None` when the incident has no rows.
    async fn bring_up_to_date(
        &self,
        playbook: &Playbook,
        id: IncidentId,
        kept: &mut Option<Incident>,
    ) -> Result<(), Error> {
        let latest = self.store.latest_version(id).await?;
        if latest == 0 {
            *kept = None;
            return Ok(());
        }
        if let Some(incident) = kept.take() {
            let version = incident.version();
            if version == latest {
                *kept = Some(incident);
                return Ok(());
            }
            if version < latest {
                let tail = self.store.rows_after(id, version).await?;
                if (version + 1..).zip(&tail).all(|(v, r)| r.version == v) {
                    let label = incident.declared_under().cloned();
                    let tail = tail.into_iter().map(|r| r.command);
                    let resumed = Incident::resume(incident.into_snapshot(), tail, playbook)
                        .map_err(|r| Error::corrupt(id, r.to_string()))?;
                    *kept = Some(resumed.with_declared_under(label));
                    return Ok(());
                }
            }
        }
        *kept = self.store.restore(playbook, id).await?;
        Ok(())
    }

    /// [`AsyncStore::handle`] on the kept incident, under its lock:
    /// brought up to date, decided on in place, stored, then applied to
    /// it. A `declare` goes the common way and is kept after. `copy`: a
    /// receipt with the incident is wanted (else no copy is made).
    async fn handle_warm(
        &self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
        copy: bool,
    ) -> Result<(Outcome, u32, Option<Incident>), Error> {
        let id = command.incident_id;
        let slot = self.slot(id);
        let mut kept = slot.lock().await;
        let mut lost_races = 0;
        // A kept incident is decided on as it is: an applied command is
        // stored only if the store's latest version is the kept one
        // (`append_next`), so it needs no version check first; a refusal
        // or a duplicate is confirmed against the latest version before it
        // is answered.
        let mut check = kept.is_none();
        loop {
            if check {
                self.bring_up_to_date(playbook, id, &mut kept).await?;
            }
            let Some(incident) = kept.as_mut() else {
                let receipt =
                    crate::asynchronous::handle(&self.store, playbook, command, max_attempts)
                        .await?;
                *kept = Some(receipt.incident.clone());
                return Ok((receipt.outcome, receipt.lost_races, Some(receipt.incident)));
            };
            let decided = incident.decide(command, playbook);
            let applies =
                matches!(&decided, Ok(d) if matches!(d.outcome(), Outcome::Applied { .. }));
            if !applies && !check {
                check = true;
                continue;
            }
            let decision = decided.map_err(Error::Rejected)?;
            let outcome = decision.outcome();
            if let Outcome::Applied { version } = outcome {
                let stored = self
                    .store
                    .append_next(version, command, playbook.id())
                    .await?;
                if stored == Append::Conflict {
                    lost_races += 1;
                    if lost_races >= max_attempts {
                        return Err(Error::Rejected(gave_up(command, lost_races)));
                    }
                    check = true;
                    continue;
                }
                let _applied = incident.apply(decision).map_err(Error::Rejected)?;
                if snapshot_due(self.store.snapshot_every(), version) {
                    self.keep_snapshot(playbook, &mut kept).await?;
                }
            }
            let incident = kept.as_ref().filter(|_| copy).cloned();
            return Ok((outcome, lost_races, incident));
        }
    }

    /// Keeps a snapshot of the kept incident (taken out and put back: no
    /// copy); as with the blocking store, its failure is not the command's.
    async fn keep_snapshot(
        &self,
        playbook: &Playbook,
        kept: &mut Option<Incident>,
    ) -> Result<(), Error> {
        let Some(incident) = kept.take() else {
            return Ok(());
        };
        let (snapshot, incident) = StoredSnapshot::of(incident, playbook)?;
        let id = incident.id();
        *kept = Some(incident);
        let _ = self.store.save_snapshot(id, &snapshot).await;
        Ok(())
    }
}

delegating_async_store!([S: AsyncStore] AsyncWarm<S>, |s| s.store, {
    /// The kept incident, brought up to date; else loaded whole (and kept).
    async fn restore(
        &self,
        playbook: &Playbook,
        incident: IncidentId,
    ) -> Result<Option<Incident>, Error> {
        self.read(playbook, incident, Incident::clone).await
    }

    async fn handle_with(
        &self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
    ) -> Result<Receipt, Error> {
        let (outcome, lost_races, incident) = self
            .handle_warm(playbook, command, max_attempts, true)
            .await?;
        let incident = incident
            .ok_or_else(|| Error::corrupt(command.incident_id, "the kept incident went missing"))?;
        Ok(Receipt {
            outcome,
            incident,
            lost_races,
        })
    }

    /// As [`AsyncWarm::handle_with`], without copying the incident: the
    /// cost of a command on a kept incident does not grow with its history.
    async fn submit(&self, playbook: &Playbook, command: &Command) -> Result<Outcome, Error> {
        self.handle_warm(playbook, command, MAX_ATTEMPTS, false)
            .await
            .map(|(outcome, _, _)| outcome)
    }
});

impl<S> AsyncWarm<S> {
    /// How many incidents are kept now.
    pub fn kept(&self) -> usize {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .slots
            .len()
    }
}
