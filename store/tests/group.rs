//! Group commit in the warm async store: commands for one incident that
//! queue while its previous commit is in flight are judged in order and
//! stored together, with the verdicts handling them one by one gives; on
//! both backends, each case a test of its own.

#[allow(dead_code)]
mod common;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{TempDir, declare, id, note};
use incident_playbook::PlaybookId;
use incident_playbook::{Command, CommandId, Incident, IncidentId, Outcome, Playbook, Rule};
use incident_store::{
    Append, AsyncPostgresStore, AsyncSqliteStore, AsyncStore, AsyncWarm, Error, ErrorKind, Row,
    StoredSnapshot,
};

/// Each case as two tests, `sqlite::<case>` and `postgres::<case>`.
macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $case() {
                    let dir = super::TempDir::new(concat!("group-", stringify!($case)));
                    let path = dir.0.join("store.db");
                    super::run(|| async move {
                        let store = super::AsyncSqliteStore::open(&path).await.unwrap();
                        Box::new(store) as Box<dyn super::AsyncStore>
                    }, super::$case);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $case() {
                    let server = super::common::shared_server();
                    let params = server.create_database(concat!("group_", stringify!($case))).unwrap();
                    super::run(|| async move {
                        let store = super::AsyncPostgresStore::connect(&params).await.unwrap();
                        Box::new(store) as Box<dyn super::AsyncStore>
                    }, super::$case);
                }
            )*
        }
    };
}

cases![
    queued_commands_are_committed_together_with_sequential_verdicts,
    a_failed_group_commit_fails_every_command_and_keeps_nothing_unstored,
    a_group_that_loses_a_race_is_judged_again,
    a_leader_gathers_as_many_commands_as_its_last_group_took,
    a_leader_waits_no_longer_than_its_gathering_time,
];

/// Runs `case` on one thread, so that the order in which futures are
/// first polled is the order in which their commands queue.
fn run<O, F, C, G>(open: O, case: C)
where
    O: FnOnce() -> F,
    F: Future<Output = Box<dyn AsyncStore>>,
    C: FnOnce(AsyncWarm<Watched>) -> G,
    G: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = open().await;
        case(AsyncWarm::new(Watched::new(store))).await;
    });
}

/// What a store is told to do once, at a later batch.
enum Fault {
    /// Fail with an outage, storing nothing.
    Fail,
    /// Another writer stores this command first.
    Race(Command),
}

/// A store that records the size of every batch it is asked to store, and
/// can be told to fail one or to lose one to another writer.
struct Watched {
    store: Box<dyn AsyncStore>,
    batches: Mutex<Vec<usize>>,
    /// The fault, after how many more batches go through untouched.
    fault: Mutex<Option<(usize, Fault)>>,
}

impl Watched {
    fn new(store: Box<dyn AsyncStore>) -> Self {
        Watched {
            store,
            batches: Mutex::default(),
            fault: Mutex::default(),
        }
    }

    fn batches(&self) -> Vec<usize> {
        self.batches.lock().unwrap().clone()
    }

    /// `fault` at the batch after the next `skip` ones.
    fn at_batch(&self, skip: usize, fault: Fault) {
        *self.fault.lock().unwrap() = Some((skip, fault));
    }
}

#[async_trait::async_trait]
impl AsyncStore for Watched {
    async fn rows(&self, incident: IncidentId) -> Result<Vec<Row>, Error> {
        self.store.rows(incident).await
    }
    async fn append(&self, v: u64, c: &Command, p: Option<&PlaybookId>) -> Result<Append, Error> {
        self.store.append(v, c, p).await
    }
    async fn append_next(
        &self,
        v: u64,
        c: &Command,
        p: Option<&PlaybookId>,
    ) -> Result<Append, Error> {
        self.store.append_next(v, c, p).await
    }
    async fn append_batch(
        &self,
        first: u64,
        commands: &[&Command],
        p: Option<&PlaybookId>,
    ) -> Result<usize, Error> {
        self.batches.lock().unwrap().push(commands.len());
        let fault = {
            let mut fault = self.fault.lock().unwrap();
            match fault.as_mut() {
                Some((skip, _)) if *skip > 0 => {
                    *skip -= 1;
                    None
                }
                _ => fault.take().map(|(_, f)| f),
            }
        };
        match fault {
            Some(Fault::Fail) => {
                let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
                return Err(Error::Unavailable(Box::new(io)));
            }
            Some(Fault::Race(other)) => {
                let stored = self.store.append_next(first, &other, p).await.unwrap();
                assert_eq!(stored, Append::Stored);
            }
            None => {}
        }
        self.store.append_batch(first, commands, p).await
    }
    async fn incidents(&self) -> Result<Vec<(IncidentId, u64)>, Error> {
        self.store.incidents().await
    }
    async fn command(&self, i: IncidentId, c: CommandId) -> Result<Option<Row>, Error> {
        self.store.command(i, c).await
    }
    async fn latest_version(&self, incident: IncidentId) -> Result<u64, Error> {
        self.store.latest_version(incident).await
    }
    async fn rows_after(&self, incident: IncidentId, version: u64) -> Result<Vec<Row>, Error> {
        self.store.rows_after(incident, version).await
    }
    async fn snapshot(&self, incident: IncidentId) -> Result<Option<StoredSnapshot>, Error> {
        self.store.snapshot(incident).await
    }
    async fn save_snapshot(&self, incident: IncidentId, s: &StoredSnapshot) -> Result<(), Error> {
        self.store.save_snapshot(incident, s).await
    }
    fn snapshot_every(&self) -> u64 {
        self.store.snapshot_every()
    }
}

/// A verdict as a caller sees it: the outcome, or the rule broken.
type Verdict = Result<Outcome, Rule>;

fn verdict(result: Result<Outcome, Error>) -> Verdict {
    result.map_err(|e| e.rule().unwrap_or_else(|| panic!("not a refusal: {e}")))
}

/// Submits `commands` at once: each queues as its future is first polled,
/// in order; the first finds the incident free and commits alone, the rest
/// queue behind it.
async fn at_once(
    warm: &AsyncWarm<Watched>,
    playbook: &Playbook,
    commands: &[Command],
) -> Vec<Verdict> {
    let calls = commands.iter().map(|c| warm.submit(playbook, c));
    let results = futures_util::future::join_all(calls).await;
    results.into_iter().map(verdict).collect()
}

/// Notes, redeliveries, a stale and a current `expected_version`, a
/// second declaration, a command id used again for another text.
fn mixed(incident: IncidentId) -> Vec<Command> {
    vec![
        note(incident, id(0x10), "first, alone"),
        note(incident, id(0x11), "queued"),
        note(incident, id(0x10), "first, alone"),
        expecting(note(incident, id(0x12), "expects 3"), 3),
        expecting(note(incident, id(0x13), "stale"), 1),
        declare(incident, id(0x14)),
        note(incident, id(0x11), "another text, same id"),
        note(incident, id(0x15), "queued too"),
        note(incident, id(0x12), "expects 3"),
    ]
}

fn expecting(mut command: Command, version: u64) -> Command {
    command.expected_version = Some(version);
    command
}

/// The verdicts of `commands` handled one by one on the incident
/// `declare` opens, and that incident after them.
fn one_by_one(
    declared: &Command,
    commands: &[Command],
    playbook: &Playbook,
) -> (Vec<Verdict>, Incident) {
    let mut incident = Incident::declare(declared.clone(), playbook).unwrap();
    let verdicts = commands
        .iter()
        .map(|c| incident.handle(c.clone(), playbook).map_err(|r| r.rule()))
        .collect();
    (verdicts, incident)
}

/// The stored history is the incident's, and the warm store keeps it.
async fn stored_as(warm: &AsyncWarm<Watched>, playbook: &Playbook, expected: &Incident) {
    let id = expected.id();
    let history = warm.inner().store.history(id).await.unwrap();
    let versions: Vec<u64> = warm
        .inner()
        .store
        .rows(id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.version)
        .collect();
    assert_eq!(
        versions,
        (1..=expected.version()).collect::<Vec<_>>(),
        "no gap"
    );
    assert_eq!(&Incident::restore(history, playbook).unwrap(), expected);
    assert_eq!(
        warm.read(playbook, id, |i| i == expected).await.unwrap(),
        Some(true)
    );
}

async fn queued_commands_are_committed_together_with_sequential_verdicts(warm: AsyncWarm<Watched>) {
    let playbook = Playbook::default();
    let incident = id(0xB0);
    let declared = declare(incident, id(1));
    assert_eq!(
        warm.submit(&playbook, &declared).await.unwrap(),
        Outcome::Applied { version: 1 }
    );
    let commands = mixed(incident);
    let verdicts = at_once(&warm, &playbook, &commands).await;
    let (expected, incident_after) = one_by_one(&declared, &commands, &playbook);
    assert_eq!(verdicts, expected);
    // What the mix is for: each kind of verdict is in it.
    assert!(
        expected.contains(&Ok(Outcome::Duplicate { version: 3 })),
        "{expected:?}"
    );
    assert!(
        expected.contains(&Err(Rule::VersionConflict)),
        "{expected:?}"
    );
    assert!(
        expected.contains(&Err(Rule::CommandIdReused)),
        "{expected:?}"
    );
    assert_eq!(expected.get(3), Some(&Ok(Outcome::Applied { version: 4 })));
    // The first alone, the three applied after it in one batch.
    assert_eq!(warm.inner().batches(), vec![1, 3]);
    stored_as(&warm, &playbook, &incident_after).await;
}

async fn a_failed_group_commit_fails_every_command_and_keeps_nothing_unstored(
    warm: AsyncWarm<Watched>,
) {
    let playbook = Playbook::default();
    let incident = id(0xB1);
    let declared = declare(incident, id(1));
    let _declared = warm.submit(&playbook, &declared).await.unwrap();
    let first = note(incident, id(0x20), "alone");
    let group = vec![
        note(incident, id(0x21), "lost with the group"),
        note(incident, id(0x22), "lost with the group"),
        note(incident, id(0x21), "lost with the group"),
        expecting(note(incident, id(0x23), "stale"), 1),
    ];
    // The first commits alone; the group queued behind it fails whole.
    warm.inner().at_batch(1, Fault::Fail);
    let mut sent = vec![first];
    sent.extend(group.iter().cloned());
    let calls = sent.iter().map(|c| warm.submit(&playbook, c));
    let mut results = futures_util::future::join_all(calls).await.into_iter();
    assert_eq!(
        results.next().map(verdict),
        Some(Ok(Outcome::Applied { version: 2 }))
    );
    assert_eq!(results.len(), 4);
    for result in results {
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Unavailable);
    }
    assert_eq!(warm.inner().batches(), vec![1, 2]);
    // Nothing stored, nothing kept: sent again, they are judged as new.
    let (expected, incident_after) = one_by_one(&declared, &sent, &playbook);
    assert_eq!(incident_after.version(), 4);
    let verdicts = at_once(&warm, &playbook, &group).await;
    assert_eq!(verdicts, expected[1..]);
    stored_as(&warm, &playbook, &incident_after).await;
}

async fn a_group_that_loses_a_race_is_judged_again(warm: AsyncWarm<Watched>) {
    let playbook = Playbook::default();
    let incident = id(0xB2);
    let declared = declare(incident, id(1));
    let _declared = warm.submit(&playbook, &declared).await.unwrap();
    // Another writer stores a note just before the group's batch; the
    // group redelivers that note too: judged again, it is a duplicate.
    let other = note(incident, id(0x30), "from another process");
    let group = vec![
        note(incident, id(0x33), "first, alone"),
        note(incident, id(0x31), "mine"),
        other.clone(),
        note(incident, id(0x32), "mine too"),
    ];
    warm.inner().at_batch(1, Fault::Race(other.clone()));
    let verdicts = at_once(&warm, &playbook, &group).await;
    // One by one: the first, the other writer's, then the rest.
    let mut all = group.clone();
    all.insert(1, other);
    let (expected, incident_after) = one_by_one(&declared, &all, &playbook);
    let mut expected_here = expected;
    let _other = expected_here.remove(1);
    assert_eq!(verdicts, expected_here);
    assert_eq!(
        verdicts.get(2),
        Some(&Ok(Outcome::Duplicate { version: 4 }))
    );
    // The group's three lost the race; judged again, two were stored.
    assert_eq!(warm.inner().batches(), vec![1, 3, 2]);
    stored_as(&warm, &playbook, &incident_after).await;
}

/// Submits `first`, then `rest` a moment later (once the runtime has run
/// its other tasks and polled for I/O a few times): callers answered
/// together that come back together, but not in the same instant.
async fn staggered(
    warm: &AsyncWarm<Watched>,
    playbook: &Playbook,
    first: &Command,
    rest: &[Command],
) -> Vec<Verdict> {
    let later = async {
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        at_once(warm, playbook, rest).await
    };
    let (first, rest) = futures_util::future::join(warm.submit(playbook, first), later).await;
    std::iter::once(verdict(first)).chain(rest).collect()
}

/// Three notes at once: the first alone, the two queued behind it
/// together; the incident's last group took two.
async fn two_queued(warm: &AsyncWarm<Watched>, playbook: &Playbook, incident: IncidentId) {
    let _declared = warm
        .submit(playbook, &declare(incident, id(1)))
        .await
        .unwrap();
    let notes: Vec<Command> = (0x40..0x43)
        .map(|n| note(incident, id(n), "at once"))
        .collect();
    let verdicts = at_once(warm, playbook, &notes).await;
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
    assert_eq!(warm.inner().batches(), vec![1, 2]);
}

async fn a_leader_gathers_as_many_commands_as_its_last_group_took(warm: AsyncWarm<Watched>) {
    // Long enough that only a lost wake-up could end the wait.
    let warm = warm.gathering_for(Duration::from_secs(30));
    let playbook = Playbook::default();
    let incident = id(0xB3);
    two_queued(&warm, &playbook, incident).await;
    let (first, second) = (
        note(incident, id(0x50), "back first"),
        note(incident, id(0x51), "back a moment later"),
    );
    let verdicts = staggered(&warm, &playbook, &first, &[second]).await;
    assert_eq!(
        verdicts,
        vec![
            Ok(Outcome::Applied { version: 5 }),
            Ok(Outcome::Applied { version: 6 })
        ]
    );
    // The first waited for the second: one batch of two.
    assert_eq!(warm.inner().batches(), vec![1, 2, 2]);

    // Without gathering, the first is committed before the second comes.
    let warm = warm.gathering_for(Duration::ZERO);
    let (first, second) = (
        note(incident, id(0x52), "back first"),
        note(incident, id(0x53), "back a moment later"),
    );
    let verdicts = staggered(&warm, &playbook, &first, &[second]).await;
    assert!(verdicts.iter().all(Result::is_ok), "{verdicts:?}");
    assert_eq!(warm.inner().batches(), vec![1, 2, 2, 1, 1]);
}

async fn a_leader_waits_no_longer_than_its_gathering_time(warm: AsyncWarm<Watched>) {
    let wait = Duration::from_millis(20);
    let warm = warm.gathering_for(wait);
    let playbook = Playbook::default();
    let incident = id(0xB4);
    two_queued(&warm, &playbook, incident).await;
    // Alone after a group of two: it waits for a second that never comes,
    // then is committed alone.
    let start = Instant::now();
    let alone = note(incident, id(0x60), "alone");
    assert_eq!(
        warm.submit(&playbook, &alone).await.unwrap(),
        Outcome::Applied { version: 5 }
    );
    assert!(start.elapsed() >= wait, "{:?}", start.elapsed());
    // Its group was one: the next one alone does not wait for more.
    let next = note(incident, id(0x61), "alone again");
    assert_eq!(
        warm.submit(&playbook, &next).await.unwrap(),
        Outcome::Applied { version: 6 }
    );
    assert_eq!(warm.inner().batches(), vec![1, 2, 1, 1]);
}
