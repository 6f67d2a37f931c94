//! The writers' random source.

/// A small deterministic random source (SplitMix64): every choice a writer
/// makes comes from a seed that proptest draws and shrinks, so a failing case
/// is replayed exactly, and the same seed writes the same command.
///
/// ```
/// use incident_playbook::testkit::Dice;
/// let (mut a, mut b) = (Dice::new(7), Dice::new(7));
/// assert_eq!(a.next_u64(), b.next_u64());
/// assert!(a.below(10) < 10);
/// ```
#[derive(Debug, Clone)]
pub struct Dice(u64);

impl Dice {
    /// The source a seed starts.
    pub fn new(seed: u64) -> Self {
        Dice(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is `0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi` (`lo` when `hi < lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi < lo {
            return lo;
        }
        lo.wrapping_add((self.next_u64() % (hi.abs_diff(lo) + 1)) as i64)
    }

    /// True with the given percent chance.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items`.
    ///
    /// # Panics
    ///
    /// When `items` is empty (a generator's bug: there is nothing to pick).
    #[track_caller]
    #[allow(clippy::indexing_slicing, reason = "documented: an empty slice panics")]
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random subset, in the order of `items`.
    pub fn subset<T: Clone>(&mut self, items: &[T], percent: u64) -> Vec<T> {
        items
            .iter()
            .filter(|_| self.chance(percent))
            .cloned()
            .collect()
    }

    /// A random UUID, as the wire writes it (lower-case hex).
    pub fn uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let s = format!("{hi:016x}{lo:016x}");
        let part = |r: std::ops::Range<usize>| s.get(r).unwrap_or_default();
        format!(
            "{}-{}-{}-{}-{}",
            part(0..8),
            part(8..12),
            part(12..16),
            part(16..20),
            part(20..32)
        )
    }
}
