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

/// A linear map from `[start, end]` (seconds since the epoch, UTC) onto
/// `[x0, x1]` (pixels): one second is the same width everywhere, so the
/// picture shows how long things took.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    start: i64,
    end: i64,
    pub(super) x0: f64,
    pub(super) x1: f64,
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

impl Scale {
    /// The axis from `start` to `end`, with a margin of 2% of the span on
    /// each side so that nothing sits on the edge; at least ten minutes wide.
    pub(super) fn new(start: Timestamp, end: Timestamp, x0: f64, x1: f64) -> Scale {
        let (a, b) = (seconds(start), seconds(end).max(seconds(start)));
        let span = (b - a).max(600);
        let pad = span / 50;
        Scale {
            start: a - pad,
            end: a + span + pad,
            x0,
            x1,
        }
    }

    /// Where `t` falls, kept within the axis.
    pub(super) fn x(&self, t: Timestamp) -> f64 {
        self.x_of(seconds(t))
    }

    fn x_of(&self, s: i64) -> f64 {
        let s = s.clamp(self.start, self.end);
        // The span is at least ten minutes: no division by zero.
        let share = (s - self.start) as f64 / (self.end - self.start) as f64;
        self.x0 + share * (self.x1 - self.x0)
    }

    /// Whether the axis covers more than one calendar day (UTC).
    pub(super) fn spans_days(&self) -> bool {
        self.start.div_euclid(DAY) != self.end.div_euclid(DAY)
    }

    /// The ticks: the smallest step that gives at most ten, on multiples
    /// of it (whole days at midnight UTC); times of day for steps under a
    /// day, dates on the first tick and where the day changes.
    pub(super) fn ticks(&self) -> Vec<Tick> {
        let span = self.end - self.start;
        let step = STEPS
            .iter()
            .copied()
            .find(|s| span / s <= MAX_TICKS)
            .unwrap_or(56 * DAY);
        let mut ticks = Vec::new();
        let mut day = None;
        let mut s = (self.start + step - 1).div_euclid(step) * step;
        while s <= self.end {
            let Some(at) = DateTime::<Utc>::from_timestamp(s, 0) else {
                break;
            };
            let today = s.div_euclid(DAY);
            let time = (step < DAY).then(|| at.format("%H:%M").to_string());
            let show_date = step >= DAY || (self.spans_days() && day != Some(today));
            let date = show_date.then(|| at.format("%Y-%m-%d").to_string());
            day = Some(today);
            ticks.push(Tick {
                x: self.x_of(s),
                time,
                date,
            });
            s += step;
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
        let scale = Scale::new(at, at, 10.0, 110.0);
        assert!(scale.x(at) > 10.0 && scale.x(at) < 110.0);
        assert!((scale.x(t("2030-01-01T00:00:00Z")) - 110.0).abs() < 1e-9);
        assert!(!scale.x(t("1990-01-01T00:00:00Z")).is_nan());
    }
}
