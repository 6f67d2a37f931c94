//! The true time axis: where a time falls on the picture, and the ticks
//! chosen by the span (minutes, hours, days).

use chrono::{DateTime, Utc};

use crate::time::Timestamp;

/// The steps a tick may take, in seconds: the first that gives at most
/// [`MAX_TICKS`] ticks over the span is used.
const STEPS: [i64; 17] = [
    60,
    2 * 60,
    5 * 60,
    10 * 60,
    15 * 60,
    30 * 60,
    3_600,
    2 * 3_600,
    3 * 3_600,
    6 * 3_600,
    12 * 3_600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    28 * 86_400,
    56 * 86_400,
];
const MAX_TICKS: i64 = 10;
const DAY: i64 = 86_400;

/// A gap between two things drawn is cut out of the axis when it is at
/// least this long and at least this share (in tenths) of the whole span:
/// a week between the resolution and the closing would otherwise squeeze
/// the response into a sliver.
const BREAK_MIN: i64 = 12 * 3_600;
const BREAK_SHARE_TENTHS: i64 = 4;
/// How wide a cut-out gap is drawn.
pub(super) const BREAK_WIDTH: f64 = 72.0;

/// The time axis: linear pieces, each second as wide as in any other, and
/// between them the long empty gaps cut out (each drawn [`BREAK_WIDTH`]
/// wide, and said so in the picture).
#[derive(Debug, Clone)]
pub(super) struct Scale {
    pieces: Vec<Piece>,
    start: i64,
    end: i64,
    /// The seconds of the linear pieces, for the ticks' step.
    linear: i64,
}

/// A stretch of the axis: `from` to `to` (seconds since the epoch) drawn
/// from `x_from` to `x_to`; `broken` for a gap cut out.
#[derive(Debug, Clone, Copy)]
struct Piece {
    from: i64,
    to: i64,
    x_from: f64,
    x_to: f64,
    broken: bool,
}

/// A gap cut out of the axis: where it is drawn, and how long it was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Break {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) seconds: i64,
}

/// A tick on the axis: where, its time of day (none for whole days), and
/// the date, shown on the first tick and wherever the day changes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tick {
    pub(super) x: f64,
    pub(super) time: Option<String>,
    pub(super) date: Option<String>,
}

pub(super) fn seconds(t: Timestamp) -> i64 {
    t.as_datetime().timestamp()
}

/// The gaps between consecutive `instants` (sorted) long enough to cut.
fn gaps(instants: &[i64], total: i64) -> Vec<(i64, i64)> {
    instants
        .windows(2)
        .filter_map(|w| match w {
            [a, b]
                if b - a >= BREAK_MIN
                    && b - a < total
                    && (b - a) * 10 >= total * BREAK_SHARE_TENTHS =>
            {
                Some((*a, *b))
            }
            _ => None,
        })
        .collect()
}

impl Scale {
    /// The axis from `start` to `end` onto `x0..x1`, with the long empty
    /// gaps between `drawn` times cut out, and a margin of 2% of the rest
    /// on each side so that nothing sits on the edge; at least ten minutes.
    pub(super) fn new(
        start: Timestamp,
        end: Timestamp,
        drawn: &[Timestamp],
        x0: f64,
        x1: f64,
    ) -> Scale {
        let a = seconds(start);
        let b = a + (seconds(end) - a).max(600);
        let mut instants: Vec<i64> = drawn
            .iter()
            .map(|t| seconds(*t))
            .filter(|s| (a..=b).contains(s))
            .collect();
        instants.extend([a, b]);
        instants.sort_unstable();
        instants.dedup();
        let gaps = gaps(&instants, b - a);
        let pad = (b - a - gaps.iter().map(|(p, q)| q - p).sum::<i64>()).max(600) / 50;
        // Each cut keeps a margin on both sides, as the ends of the axis do.
        let gaps: Vec<(i64, i64)> = gaps.iter().map(|(p, q)| (p + pad, q - pad)).collect();
        let cut: i64 = gaps.iter().map(|(p, q)| q - p).sum();
        let linear = b - a - cut + 2 * pad;
        let width = (x1 - x0 - gaps.len() as f64 * BREAK_WIDTH).max(1.0);
        let rate = width / linear as f64;
        let mut pieces = Vec::new();
        let (mut from, mut x) = (a - pad, x0);
        let mut push = |from: i64, to: i64, x: &mut f64, broken: bool| {
            let w = if broken {
                BREAK_WIDTH
            } else {
                (to - from) as f64 * rate
            };
            pieces.push(Piece {
                from,
                to,
                x_from: *x,
                x_to: *x + w,
                broken,
            });
            *x += w;
        };
        for (p, q) in gaps {
            push(from, p, &mut x, false);
            push(p, q, &mut x, true);
            from = q;
        }
        push(from, b + pad, &mut x, false);
        Scale {
            pieces,
            start: a - pad,
            end: b + pad,
            linear,
        }
    }

    /// Where `t` falls, kept within the axis.
    pub(super) fn x(&self, t: Timestamp) -> f64 {
        self.x_of(seconds(t))
    }

    fn x_of(&self, s: i64) -> f64 {
        let s = s.clamp(self.start, self.end);
        let piece = self
            .pieces
            .iter()
            .find(|p| s <= p.to)
            .or(self.pieces.last());
        let Some(p) = piece else { return 0.0 };
        if p.to <= p.from {
            return p.x_from;
        }
        let share = (s - p.from) as f64 / (p.to - p.from) as f64;
        p.x_from + share * (p.x_to - p.x_from)
    }

    /// The gaps cut out of the axis.
    pub(super) fn breaks(&self) -> Vec<Break> {
        self.pieces
            .iter()
            .filter(|p| p.broken)
            .map(|p| Break {
                x0: p.x_from,
                x1: p.x_to,
                seconds: p.to - p.from,
            })
            .collect()
    }

    /// Whether the axis covers more than one calendar day (UTC).
    pub(super) fn spans_days(&self) -> bool {
        self.start.div_euclid(DAY) != self.end.div_euclid(DAY)
    }

    /// The ticks: the smallest step that gives at most ten over the linear
    /// pieces, on multiples of it (whole days at midnight UTC), none too
    /// close to the one before or to a gap cut out; times of day for steps
    /// under a day, dates on the first tick and where the day changes.
    pub(super) fn ticks(&self) -> Vec<Tick> {
        let step = STEPS
            .iter()
            .copied()
            .find(|s| self.linear / s <= MAX_TICKS)
            .unwrap_or(56 * DAY);
        let mut ticks: Vec<Tick> = Vec::new();
        let mut day = None;
        for p in self.pieces.iter().filter(|p| !p.broken) {
            let mut s = (p.from + step - 1).div_euclid(step) * step;
            while s <= p.to {
                let x = self.x_of(s);
                let near_break = self
                    .breaks()
                    .iter()
                    .any(|b| x > b.x0 - 30.0 && x < b.x1 + 30.0);
                let crowded = ticks.last().is_some_and(|t| x - t.x < 40.0);
                if let (false, false, Some(at)) =
                    (near_break, crowded, DateTime::<Utc>::from_timestamp(s, 0))
                {
                    let today = s.div_euclid(DAY);
                    let time = (step < DAY).then(|| at.format("%H:%M").to_string());
                    let show_date = step >= DAY || (self.spans_days() && day != Some(today));
                    let date = show_date.then(|| at.format("%Y-%m-%d").to_string());
                    day = Some(today);
                    ticks.push(Tick { x, time, date });
                }
                s += step;
            }
        }
        ticks
    }
}

#[cfg(test)]
mod tests {
    use super::Scale;
    use crate::time::Timestamp;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// An hour's incident gets ticks every few minutes and no dates.
    #[test]
    fn an_hour_is_in_minutes() {
        let scale = Scale::new(
            t("2026-05-04T09:00:00Z"),
            t("2026-05-04T10:00:00Z"),
            &[],
            0.0,
            1000.0,
        );
        let ticks = scale.ticks();
        assert!(ticks.len() >= 5 && ticks.len() <= 10, "{ticks:?}");
        assert_eq!(ticks[0].time.as_deref(), Some("09:00"));
        assert!(ticks.iter().all(|t| t.date.is_none()));
    }

    /// Three days get a tick a day or every few hours, dated where the day
    /// changes.
    #[test]
    fn days_are_dated() {
        let scale = Scale::new(
            t("2021-10-28T21:00:00Z"),
            t("2021-10-31T22:00:00Z"),
            &[],
            0.0,
            1000.0,
        );
        let ticks = scale.ticks();
        let dates: Vec<&str> = ticks.iter().filter_map(|t| t.date.as_deref()).collect();
        assert!(
            dates.contains(&"2021-10-29") && dates.contains(&"2021-10-31"),
            "{dates:?}"
        );
        assert!(ticks.windows(2).all(|w| w[0].x < w[1].x));
        assert!(ticks.iter().all(|t| (0.0..=1000.0).contains(&t.x)));
    }

    /// A single instant still has a width, and times outside are kept in.
    #[test]
    fn an_instant_has_a_width() {
        let at = t("2026-05-04T09:00:00Z");
        let scale = Scale::new(at, at, &[], 10.0, 110.0);
        assert!(scale.x(at) > 10.0 && scale.x(at) < 110.0);
        assert!((scale.x(t("2030-01-01T00:00:00Z")) - 110.0).abs() < 1e-9);
        assert!(!scale.x(t("1990-01-01T00:00:00Z")).is_nan());
    }

    /// A week with nothing drawn between a resolution and a closing is cut
    /// out: the day of the response keeps most of the width, and a second
    /// is as wide before the cut as after it.
    #[test]
    fn a_long_empty_gap_is_cut_out() {
        let (a, b, c) = (
            t("2018-10-21T22:00:00Z"),
            t("2018-10-22T23:00:00Z"),
            t("2018-10-30T12:00:00Z"),
        );
        let scale = Scale::new(a, c, &[a, b, c], 0.0, 1000.0);
        let breaks = scale.breaks();
        assert_eq!(breaks.len(), 1, "{breaks:?}");
        // The week less a margin on either side.
        assert!(breaks[0].seconds > 7 * 86_400, "{breaks:?}");
        assert!(scale.x(b) > 800.0, "{}", scale.x(b));
        let ten_minutes = |from: &str, to: &str| scale.x(t(to)) - scale.x(t(from));
        let before = ten_minutes("2018-10-22T10:00:00Z", "2018-10-22T10:10:00Z");
        let after = ten_minutes("2018-10-30T11:45:00Z", "2018-10-30T11:55:00Z");
        assert!((before - after).abs() < 1e-6, "{before} {after}");
        assert!(
            scale
                .ticks()
                .iter()
                .all(|t| t.x < breaks[0].x0 || t.x > breaks[0].x1)
        );
        // Without the times in between there is nothing to cut at.
        assert!(Scale::new(a, c, &[a, c], 0.0, 1000.0).breaks().is_empty());
    }
}
