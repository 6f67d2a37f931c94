//! The playbook's time zone, as a fixed offset from UTC.
//!
//! SEV2 asks for "same-day mitigation": which day depends on where the team
//! is. The playbook names a fixed offset (`+02:00`); without one it is UTC.
//! A fixed offset does not follow daylight saving time: a team that wants
//! its summer day sets its summer offset.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, FixedOffset, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{Date, Timestamp};

/// A fixed offset from UTC, written `+HH:MM`, `-HH:MM` or `Z`, at most 23:59
/// either way.
///
/// ```
/// use incident_playbook::{Timestamp, UtcOffset};
/// let berlin_summer: UtcOffset = "+02:00".parse().unwrap();
/// let t: Timestamp = "2026-05-04T22:30:00Z".parse().unwrap();
/// assert_eq!(berlin_summer.date_of(t).to_string(), "2026-05-05");
/// assert_eq!(UtcOffset::UTC.date_of(t).to_string(), "2026-05-04");
/// assert_eq!(berlin_summer.end_of_day(t).to_string(), "2026-05-05T22:00:00Z");
/// assert!("+2".parse::<UtcOffset>().is_err());
/// assert!("+24:00".parse::<UtcOffset>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UtcOffset {
    /// East of UTC, in minutes.
    minutes: i32,
}

/// A string that is not `+HH:MM`, `-HH:MM` or `Z`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a UTC offset (+HH:MM, -HH:MM or Z, at most 23:59)")]
pub struct OffsetError(String);

impl UtcOffset {
    /// UTC itself.
    pub const UTC: UtcOffset = UtcOffset { minutes: 0 };

    /// An offset of `minutes` east of UTC (negative: west).
    ///
    /// # Errors
    ///
    /// More than 23 hours 59 minutes either way.
    pub fn from_minutes(minutes: i32) -> Result<Self, OffsetError> {
        if minutes.abs() > 23 * 60 + 59 {
            return Err(OffsetError(minutes.to_string()));
        }
        Ok(UtcOffset { minutes })
    }

    /// Minutes east of UTC.
    pub fn minutes(self) -> i32 {
        self.minutes
    }

    fn chrono(self) -> FixedOffset {
        // In range by construction; UTC is the fallback that cannot fail.
        FixedOffset::east_opt(self.minutes * 60).unwrap_or_else(|| Utc.fix())
    }

    /// The calendar day `t` falls on at this offset.
    pub fn date_of(self, t: Timestamp) -> Date {
        Date::from(t.as_datetime().with_timezone(&self.chrono()).date_naive())
    }

    /// The first instant of the day after the one `t` falls on, at this
    /// offset: the end of `t`'s day.
    pub fn end_of_day(self, t: Timestamp) -> Timestamp {
        let day = t.as_datetime().with_timezone(&self.chrono()).date_naive();
        let next = day.succ_opt().unwrap_or(day);
        let midnight = next.and_time(NaiveTime::MIN);
        match self.chrono().from_local_datetime(&midnight).single() {
            Some(t) => Timestamp::from(t.to_utc()),
            // A fixed offset maps every local time to one instant; this keeps
            // the function total.
            None => Timestamp::from(t.as_datetime() + Duration::days(1)),
        }
    }
}

impl FromStr for UtcOffset {
    type Err = OffsetError;
    fn from_str(s: &str) -> Result<Self, OffsetError> {
        if s == "Z" || s == "z" {
            return Ok(UtcOffset::UTC);
        }
        let b = s.as_bytes();
        let digit = |i: usize| {
            b.get(i)
                .filter(|d| d.is_ascii_digit())
                .map(|d| i32::from(*d - b'0'))
        };
        let sign = match b.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(OffsetError(s.to_owned())),
        };
        let parts = (digit(1), digit(2), b.get(3), digit(4), digit(5));
        let (Some(h1), Some(h2), Some(b':'), Some(m1), Some(m2)) = parts else {
            return Err(OffsetError(s.to_owned()));
        };
        let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
        if b.len() != 6 || hours > 23 || minutes > 59 {
            return Err(OffsetError(s.chars().take(32).collect()));
        }
        Ok(UtcOffset {
            minutes: sign * (hours * 60 + minutes),
        })
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minutes < 0 { '-' } else { '+' };
        let m = self.minutes.abs();
        write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
    }
}

impl Serialize for UtcOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for UtcOffset {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UtcOffset".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A fixed offset from UTC: +HH:MM, -HH:MM or Z.",
            "type": "string",
            "pattern": "^(Z|z|[+-](([01][0-9])|(2[0-3])):[0-5][0-9])$",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        for (s, m) in [
            ("+02:00", 120),
            ("-05:30", -330),
            ("Z", 0),
            ("+23:59", 1439),
            ("-00:00", 0),
        ] {
            let o: UtcOffset = s.parse().unwrap();
            assert_eq!(o.minutes(), m);
            assert_eq!(o.to_string().parse::<UtcOffset>().unwrap(), o);
        }
        for bad in ["", "+2:00", "02:00", "+02:60", "+24:00", "+02:00 ", "UTC"] {
            assert!(bad.parse::<UtcOffset>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_day_ends_at_local_midnight() {
        let t: Timestamp = "2026-05-04T03:00:00Z".parse().unwrap();
        let ny: UtcOffset = "-05:00".parse().unwrap();
        assert_eq!(ny.date_of(t).to_string(), "2026-05-03");
        assert_eq!(ny.end_of_day(t).to_string(), "2026-05-04T05:00:00Z");
        assert_eq!(
            UtcOffset::UTC.end_of_day(t).to_string(),
            "2026-05-05T00:00:00Z"
        );
    }
}
