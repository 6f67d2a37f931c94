//! Incidents kept warm in memory for async code, shared by every task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use incident_playbook::{
    Command, CommandId, Incident, IncidentId, Outcome, Playbook, PlaybookId, Rejection,
};
use tokio::sync::Notify;
use tokio::sync::oneshot::{self, error::TryRecvError};

use crate::asynchronous::{AsyncStore, delegating_async_store};
use crate::handle::gave_up;
use crate::snapshot::snapshot_due;
use crate::{Append, Error, MAX_ATTEMPTS, Receipt, Row, StoredSnapshot, WARM_CAPACITY};

/// One kept incident, locked by whoever works on it, and the commands
/// waiting to be judged on it.
type Slot = Arc<SlotState>;

#[derive(Debug, Default)]
struct SlotState {
    kept: tokio::sync::Mutex<Option<Incident>>,
    queue: Mutex<Queue>,
    /// Rung when the queue holds as many commands as the last group took.
    filled: Notify,
}

/// The commands waiting to be judged on one incident.
#[derive(Debug, Default)]
struct Queue {
    waiting: Vec<Waiting>,
    /// How many commands the last group took: callers answered together
    /// tend to come back together.
    last_group: usize,
}

impl Queue {
    /// As many commands wait as the last group took.
    fn is_filled(&self) -> bool {
        self.waiting.len() >= self.last_group
    }
}

/// How long, by default, a leader waits for as many commands as its
/// incident's last group took ([`AsyncWarm::gathering_for`]).
pub const GATHER_WAIT: Duration = Duration::from_millis(1);

/// The most commands committed together: a bound on one statement's size
/// and on how long its first caller waits.
const GROUP_MAX: usize = 256;

/// A command's outcome, the races it lost and, if wanted, the incident
/// after it.
type Answer = Result<(Outcome, u32, Option<Incident>), Error>;

/// A command waiting for its incident's lock, and where its answer goes.
#[derive(Debug)]
struct Waiting {
    command: Command,
    max_attempts: u32,
    copy: bool,
    /// The address of the playbook its caller judges by: a leader takes
    /// only the commands judged by its own (alive while their callers
    /// wait, so an equal address is the same playbook).
    playbook: usize,
    answer: oneshot::Sender<Answer>,
}

impl SlotState {
    /// Queues `command`; the answer comes through the receiver.
    fn enqueue(
        &self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
        copy: bool,
    ) -> oneshot::Receiver<Answer> {
        let (answer, answered) = oneshot::channel();
        let waiting = Waiting {
            command: command.clone(),
            max_attempts,
            copy,
            playbook: std::ptr::from_ref(playbook).addr(),
            answer,
        };
        let filled = {
            let mut queue = lock(&self.queue);
            queue.waiting.push(waiting);
            queue.is_filled()
        };
        if filled {
            self.filled.notify_waiters();
        }
        answered
    }

    /// Waits, at most `wait`, until as many commands are queued as the
    /// last group took. The callers of a group are answered together and
    /// tend to send their next commands together; a leader that took only
    /// the first of them would commit it alone and leave the others to
    /// the commit after it, one transaction (and one flush of the
    /// database's log) more for the same commands. With one caller at a
    /// time the last group is one command, and nobody waits.
    async fn gather(&self, wait: Duration) {
        if wait.is_zero() || lock(&self.queue).is_filled() {
            return;
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            // Listening before looking: a command queued in between rings.
            let mut filled = std::pin::pin!(self.filled.notified());
            filled.as_mut().enable();
            if lock(&self.queue).is_filled() {
                return;
            }
            if tokio::time::timeout_at(deadline, filled).await.is_err() {
                return;
            }
        }
    }

    /// The waiting commands judged by `playbook`, oldest first, at most
    /// [`GROUP_MAX`]. Those whose callers went away are dropped unjudged,
    /// as a call dropped before its turn would have been.
    fn take_group(&self, playbook: &Playbook) -> Vec<Waiting> {
        let mine = std::ptr::from_ref(playbook).addr();
        let mut queue = lock(&self.queue);
        queue.waiting.retain(|w| !w.answer.is_closed());
        let (mut group, mut rest) = (Vec::new(), Vec::new());
        for w in queue.waiting.drain(..) {
            if w.playbook == mine && group.len() < GROUP_MAX {
                group.push(w);
            } else {
                rest.push(w);
            }
        }
        queue.waiting = rest;
        queue.last_group = group.len();
        group
    }
}

/// The verdicts on a group of commands, judged in order on one incident.
struct Judged {
    /// The version judged on.
    base: u64,
    /// The incident with the applied commands applied (not yet stored).
    incident: Incident,
    /// Each command's outcome (and the incident after it, if wanted), or
    /// its refusal.
    verdicts: Vec<Result<(Outcome, Option<Incident>), Rejection>>,
    /// The positions of the applied commands.
    writes: Vec<usize>,
}

impl Judged {
    fn judge(mut incident: Incident, playbook: &Playbook, group: &[Waiting]) -> Self {
        let base = incident.version();
        let (mut verdicts, mut writes) = (Vec::with_capacity(group.len()), Vec::new());
        for (i, w) in group.iter().enumerate() {
            let verdict = incident.decide(&w.command, playbook).and_then(|d| {
                let outcome = d.outcome();
                if let Outcome::Applied { .. } = outcome {
                    let _applied = incident.apply(d)?;
                    writes.push(i);
                }
                Ok(outcome)
            });
            verdicts.push(verdict.map(|o| (o, w.copy.then(|| incident.clone()))));
        }
        Judged {
            base,
            incident,
            verdicts,
            writes,
        }
    }
}

/// Sends each of `group` its verdict.
fn answer(
    group: Vec<Waiting>,
    verdicts: Vec<Result<(Outcome, Option<Incident>), Rejection>>,
    lost_races: u32,
) {
    for (w, verdict) in group.into_iter().zip(verdicts) {
        let verdict = verdict
            .map(|(outcome, incident)| (outcome, lost_races, incident))
            .map_err(Error::Rejected);
        let _ = w.answer.send(verdict);
    }
}

/// Sends each of `group` the error (as many copies as callers).
fn fail(group: Vec<Waiting>, error: Error) {
    let errors = error.copies(group.len());
    for (w, e) in group.into_iter().zip(errors) {
        let _ = w.answer.send(Err(e));
    }
}

/// Those of `group` with attempts left; the others answered
/// `version-conflict`.
fn give_up(group: Vec<Waiting>, lost_races: u32) -> Vec<Waiting> {
    let (spent, left): (Vec<_>, Vec<_>) = group
        .into_iter()
        .partition(|w| lost_races >= w.max_attempts);
    for w in spent {
        let _ = w
            .answer
            .send(Err(Error::Rejected(gave_up(&w.command, lost_races))));
    }
    left
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

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
/// Commands of one incident that queue while its commit is in flight are
/// committed together, and a command that finds the incident free waits
/// briefly for as many as were committed together last time
/// ([`AsyncWarm::gathering_for`]). That wait uses tokio's timers: like
/// [`AsyncPostgresStore`](crate::AsyncPostgresStore), it needs a runtime
/// with them (`#[tokio::main]` has them).
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
    gather: Duration,
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
            gather: GATHER_WAIT,
            kept: Mutex::new(Kept::default()),
        }
    }

    /// How long a command that finds its incident free waits for others
    /// before it is committed (default [`GATHER_WAIT`]; zero: it never
    /// waits). It waits only for as many commands as were committed
    /// together last time on that incident, so a command sent alone after
    /// commands sent alone never waits; when several callers write to one
    /// incident at once, their commands are stored in one transaction
    /// rather than one after another: fewer commits, each of which costs
    /// the database a round of work and a flush of its log.
    ///
    /// ```
    /// use std::time::Duration;
    /// use incident_store::{AsyncSqliteStore, AsyncWarm};
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), incident_store::Error> {
    ///     let path = std::env::temp_dir().join(format!("gather-doc-{}.db", std::process::id()));
    ///     let store = AsyncWarm::new(AsyncSqliteStore::open(&path).await?)
    ///         .gathering_for(Duration::from_millis(2));
    ///     assert_eq!(store.kept(), 0);
    ///     # let _ = std::fs::remove_file(&path);
    ///     Ok(())
    /// }
    /// ```
    #[must_use]
    pub fn gathering_for(mut self, wait: Duration) -> Self {
        self.gather = wait;
        self
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
        let mut kept = slot.kept.lock().await;
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

    /// [`AsyncStore::handle`] on the kept incident, committed together
    /// with the commands of the same incident that queue behind it: the
    /// command waits in its slot's queue; whoever takes the slot's lock
    /// first (a leader) waits for the commands its last group's callers
    /// are likely to send ([`SlotState::gather`]), then judges and commits
    /// the queue (see [`AsyncWarm::commit_group`]) and answers each; a
    /// caller whose command a leader took finds its answer once it has the
    /// lock. A `declare` goes the common way and is kept after. `copy`: a
    /// receipt with the incident is wanted (else no copy is made).
    async fn handle_warm(
        &self,
        playbook: &Playbook,
        command: &Command,
        max_attempts: u32,
        copy: bool,
    ) -> Answer {
        let slot = self.slot(command.incident_id);
        let mut answered = slot.enqueue(playbook, command, max_attempts, copy);
        loop {
            // The answer, if a leader gives it first: then the lock is not
            // waited for (the next leader does not queue behind callers
            // that only pick up their answers).
            let turn = tokio::select! {
                biased;
                answer = &mut answered => Err(answer.ok()),
                kept = slot.kept.lock() => Ok(kept),
            };
            let mut kept = match turn {
                Ok(kept) => kept,
                Err(Some(answer)) => return answer,
                // Its leader went away before answering (as below).
                Err(None) => {
                    answered = slot.enqueue(playbook, command, max_attempts, copy);
                    continue;
                }
            };
            match answered.try_recv() {
                Ok(answer) => return answer,
                // The leader that took it was dropped (its caller went
                // away) before answering: stored or not, judged again
                // (stored, it is a duplicate).
                Err(TryRecvError::Closed) => {
                    answered = slot.enqueue(playbook, command, max_attempts, copy);
                }
                Err(TryRecvError::Empty) => {}
            }
            slot.gather(self.gather).await;
            let group = slot.take_group(playbook);
            self.commit_group(playbook, &mut kept, group).await;
        }
    }

    /// Judges `group` in order on the kept incident and stores the
    /// applied commands together ([`AsyncStore::append_batch`]: one
    /// statement on PostgreSQL), only if the store's latest version is
    /// still the kept one; then answers each. Exactly as if handled one by
    /// one: each is judged on the incident with the ones before it
    /// applied. The incident is taken out of `kept` while judged and put
    /// back only once its changes are stored, so nothing unstored is kept
    /// (after a failure, or if this future is dropped, the next call loads
    /// it again). A refusal or a duplicate is answered only once confirmed:
    /// by the commit of the group, or, when nothing is to be stored, by a
    /// version check first. After a lost race the commands not stored are
    /// judged again on the incident as stored; a store error fails every
    /// command not stored.
    async fn commit_group(
        &self,
        playbook: &Playbook,
        kept: &mut Option<Incident>,
        mut group: Vec<Waiting>,
    ) {
        let mut lost_races = 0;
        let mut check = kept.is_none();
        while let Some(head) = group.first() {
            let id = head.command.incident_id;
            if check && let Err(e) = self.bring_up_to_date(playbook, id, kept).await {
                return fail(group, e);
            }
            let Some(incident) = kept.take() else {
                group = self.declare_first(playbook, kept, group).await;
                continue;
            };
            let judged = Judged::judge(incident, playbook, &group);
            if judged.writes.is_empty() {
                *kept = Some(judged.incident);
                if !check {
                    check = true;
                    continue;
                }
                return answer(group, judged.verdicts, lost_races);
            }
            let commands: Vec<&Command> = judged
                .writes
                .iter()
                .filter_map(|&i| group.get(i).map(|w| &w.command))
                .collect();
            let first = judged.base + 1;
            let stored = match self
                .store
                .append_batch(first, &commands, playbook.id())
                .await
            {
                Ok(stored) => stored,
                Err(e) => return fail(group, e),
            };
            if stored == commands.len() {
                let end = judged.incident.version();
                *kept = Some(judged.incident);
                answer(group, judged.verdicts, lost_races);
                let every = self.store.snapshot_every();
                if (first..=end).any(|v| snapshot_due(every, v)) {
                    let _ = self.keep_snapshot(kept.as_ref()).await;
                }
                return;
            }
            // Another writer stored between: those before the first command
            // not stored are answered (judged on what was stored then); the
            // rest are judged again on the incident loaded anew.
            let done = judged.writes.get(stored).copied().filter(|_| stored > 0);
            let rest = group.split_off(done.unwrap_or(0));
            let mut verdicts = judged.verdicts;
            verdicts.truncate(group.len());
            answer(group, verdicts, lost_races);
            lost_races += 1;
            group = give_up(rest, lost_races);
            check = true;
        }
    }

    /// The first of `group`, on an incident with no rows (a `declare`, or
    /// refused), the common way; the incident kept after. The rest.
    async fn declare_first(
        &self,
        playbook: &Playbook,
        kept: &mut Option<Incident>,
        mut group: Vec<Waiting>,
    ) -> Vec<Waiting> {
        if group.is_empty() {
            return group;
        }
        let first = group.remove(0);
        let handled =
            crate::asynchronous::handle(&self.store, playbook, &first.command, first.max_attempts)
                .await;
        let answer = handled.map(|receipt| {
            let copy = first.copy.then(|| receipt.incident.clone());
            *kept = Some(receipt.incident);
            (receipt.outcome, receipt.lost_races, copy)
        });
        let _ = first.answer.send(answer);
        group
    }

    /// Keeps a snapshot of the kept incident; as with the blocking store,
    /// its failure is not the command's.
    async fn keep_snapshot(&self, kept: Option<&Incident>) -> Result<(), Error> {
        let Some(incident) = kept else {
            return Ok(());
        };
        let snapshot = StoredSnapshot::of(incident)?;
        let _ = self.store.save_snapshot(incident.id(), &snapshot).await;
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
