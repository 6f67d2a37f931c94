//! The receiver's clock: a judgement of a command's `at` against the time of
//! whoever receives it. The library reads no clock; the receiver says what
//! time it is.

use std::time::Duration;

use crate::incident::Command;
use crate::rule::{Rejection, Rule, Violation};
use crate::time::Timestamp;

/// Who receives a command, and what time it is there: a command dated more
/// than [`Receiver::max_skew`] after [`Receiver::now`] is refused
/// `recorded-in-the-future`.
///
/// A command is judged against its incident by
/// [`Incident::handle`](crate::Incident::handle) and against the receiver's clock by
/// [`Receiver::check`]; call both (a service checks the clock first). A
/// history replayed later is judged without a receiver, so that its
/// verdicts do not change with the day it is read.
///
/// ```
/// use std::time::Duration;
/// use incident_playbook::{Command, Receiver, Rule, command::AddNote};
/// let now = "2026-05-04T09:00:00Z".parse()?;
/// let receiver = Receiver::new(now).with_max_skew(Duration::from_secs(60));
/// let note = |at: &str| -> Result<Command, Box<dyn std::error::Error>> {
///     Ok(Command::new(
///         "e2181857-7398-5cf2-aad9-acc3150b8632".parse()?,
///         "32803c2f-c9a4-5f3e-ad4f-66079c55a576".parse()?,
///         at.parse()?,
///         AddNote::new("Queue drains"),
///     ))
/// };
/// assert!(receiver.check(&note("2026-05-04T09:01:00Z")?).is_ok());
/// let refused = receiver.check(&note("9999-12-31T23:59:59Z")?).unwrap_err();
/// assert_eq!(refused.rule(), Rule::RecordedInTheFuture);
/// assert_eq!(refused.violations()[0].path(), Some("at"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Receiver {
    /// The receiver's time.
    pub now: Timestamp,
    /// How far after `now` a command may be dated: the senders' clocks are
    /// not the receiver's.
    pub max_skew: Duration,
}

impl Receiver {
    /// The skew allowed unless told otherwise: two minutes.
    pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(120);

    /// A receiver whose clock reads `now`, allowing [`Receiver::DEFAULT_MAX_SKEW`].
    pub fn new(now: Timestamp) -> Self {
        Receiver {
            now,
            max_skew: Self::DEFAULT_MAX_SKEW,
        }
    }

    /// The same receiver, allowing `max_skew`.
    #[must_use]
    pub fn with_max_skew(self, max_skew: Duration) -> Self {
        Receiver { max_skew, ..self }
    }

    /// The latest `at` this receiver takes; `None` past the end of time
    /// (every time is then taken).
    pub fn latest(&self) -> Option<Timestamp> {
        let skew = chrono::TimeDelta::from_std(self.max_skew).ok()?;
        self.now
            .as_datetime()
            .checked_add_signed(skew)
            .map(Timestamp::from)
    }

    /// Whether `cmd` is dated no later than [`Receiver::latest`]. Only `at`
    /// is compared: a command's true times are no later than its `at`
    /// (`occurred-after-recorded`), so they are bounded too.
    ///
    /// # Errors
    ///
    /// `recorded-in-the-future` at `at`, saying both times.
    pub fn check(&self, cmd: &Command) -> Result<(), Rejection> {
        match self.latest() {
            Some(latest) if cmd.at > latest => Err(Violation::new(
                Rule::RecordedInTheFuture,
                format!(
                    "{} is more than {}s after the receiver's time ({})",
                    cmd.at,
                    self.max_skew.as_secs(),
                    self.now
                ),
                Some("at"),
            )
            .into()),
            _ => Ok(()),
        }
    }
}
