//! Points in time and calendar dates, as the wire contract writes them.
//!
//! The library reads no clock: every time arrives in a command.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time: RFC 3339 with an offset on the wire, kept and printed in UTC.
///
/// ```
/// use incident_playbook::Timestamp;
/// let t: Timestamp = "2026-05-04T11:05:00+02:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-05-04T09:05:00Z");
/// assert!("2026-05-04 09:05".parse::<Timestamp>().is_err());
/// assert!("2026-05-04T09:05:00".parse::<Timestamp>().is_err()); // no offset
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

/// A string that is not a strict RFC 3339 timestamp or `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not {expected}")]
pub struct TimeError {
    input: String,
    expected: &'static str,
}

impl TimeError {
    fn new(input: &str, expected: &'static str) -> Self {
        let input: String = input.chars().take(64).collect();
        TimeError { input, expected }
    }
}

const TIMESTAMP: &str = "an RFC 3339 timestamp with an offset (2026-05-04T09:05:00Z)";
const DATE: &str = "a date (YYYY-MM-DD)";

/// Checks the exact RFC 3339 `date-time` shape, which chrono alone is more
/// lenient about (it takes a space for `T`, for one).
fn is_rfc3339_shape(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b.get(4) != Some(&b'-')
        || !digits(5..7)
        || b.get(7) != Some(&b'-')
        || !digits(8..10)
        || !matches!(b.get(10), Some(b'T' | b't'))
        || !digits(11..13)
        || b.get(13) != Some(&b':')
        || !digits(14..16)
        || b.get(16) != Some(&b':')
        || !digits(17..19)
        // No leap seconds: JSON Schema validators disagree about them.
        || b.get(17).is_some_and(|d| *d > b'5')
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i..) {
        Some([b'Z' | b'z']) => true,
        Some([b'+' | b'-', h1, h2, b':', m1, m2]) => {
            [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
        }
        _ => false,
    }
}

impl Timestamp {
    /// The instant, in UTC.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// The calendar day in UTC.
    pub fn date(&self) -> Date {
        Date(self.0.date_naive())
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}

const SYSTEM_TIME: &str = "a time from year 0000 to year 9999 (what RFC 3339 writes)";

/// A clock reading, for a caller that stamps its own commands (the library
/// reads no clock itself).
///
/// The range is what the wire can write and read back: from
/// `0000-01-01T00:00:00Z` to `9999-12-31T23:59:59.999999999Z`, to the
/// nanosecond; a time outside it is refused, never clamped.
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use incident_playbook::Timestamp;
/// let t = Timestamp::try_from(UNIX_EPOCH + Duration::from_secs(1_777_885_500)).unwrap();
/// assert_eq!(t.to_string(), "2026-05-04T09:05:00Z");
/// let before = Timestamp::try_from(UNIX_EPOCH - Duration::from_millis(1500)).unwrap();
/// assert_eq!(before.to_string(), "1969-12-31T23:59:58.500Z");
/// let now = Timestamp::try_from(SystemTime::now());
/// assert!(now.is_ok());
/// let far = UNIX_EPOCH + Duration::from_secs(400 * 365 * 86_400 * 25);
/// assert!(Timestamp::try_from(far).is_err());
/// ```
impl TryFrom<SystemTime> for Timestamp {
    type Error = TimeError;
    fn try_from(t: SystemTime) -> Result<Self, TimeError> {
        let (secs, nanos) = match t.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok(), after.subsec_nanos()),
            // `before` whole seconds and a fraction before the epoch: one
            // second more before it, and the rest of that second after.
            Err(e) => {
                let before = e.duration();
                let secs = i64::try_from(before.as_secs()).ok().map(|s| -s);
                match before.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
                }
            }
        };
        secs.and_then(|s| DateTime::from_timestamp(s, nanos))
            .filter(|t| (0..=9999).contains(&t.year()))
            .map(Timestamp)
            .ok_or_else(|| TimeError::new(&describe_system_time(t), SYSTEM_TIME))
    }
}

/// A clock reading as seconds from the Unix epoch, for an error message.
fn describe_system_time(t: SystemTime) -> String {
    match t.duration_since(UNIX_EPOCH) {
        Ok(after) => format!("{} s after 1970-01-01T00:00:00Z", after.as_secs()),
        Err(e) => format!("{} s before 1970-01-01T00:00:00Z", e.duration().as_secs()),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ`, what senders nearly always write: read straight
/// from the digits rather than through chrono's general parser, which costs
/// more than the rest of a line's envelope. Anything else (fractions, offsets,
/// an impossible date) is left to chrono. Called only on a string of the
/// RFC 3339 shape, so the places read are digits.
fn parse_utc_seconds(b: &[u8]) -> Option<DateTime<Utc>> {
    let [
        y0,
        y1,
        y2,
        y3,
        _,
        m0,
        m1,
        _,
        d0,
        d1,
        _,
        h0,
        h1,
        _,
        i0,
        i1,
        _,
        s0,
        s1,
        b'Z' | b'z',
    ] = *b
    else {
        return None;
    };
    let n = |a: u8, b: u8| u32::from(a.wrapping_sub(b'0')) * 10 + u32::from(b.wrapping_sub(b'0'));
    let year = i32::try_from(n(y0, y1) * 100 + n(y2, y3)).ok()?;
    NaiveDate::from_ymd_opt(year, n(m0, m1), n(d0, d1))?
        .and_hms_opt(n(h0, h1), n(i0, i1), n(s0, s1))
        .map(|t| t.and_utc())
}

impl FromStr for Timestamp {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        if !is_rfc3339_shape(s) {
            return Err(TimeError::new(s, TIMESTAMP));
        }
        if let Some(t) = parse_utc_seconds(s.as_bytes()) {
            return Ok(Timestamp(t));
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| Timestamp(t.with_timezone(&Utc)))
            .map_err(|_| TimeError::new(s, TIMESTAMP))
    }
}

impl Timestamp {
    /// The wire form: RFC 3339 in UTC, fractions only when there are any.
    fn wire(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.wire())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.wire())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, str::parse)
    }
}

/// Reads a JSON string and parses it in place. serde's `Cow<str>` always
/// deserializes to an owned `String`, so reading through it cost an
/// allocation per timestamp and id; this borrows the text where the input
/// allows. Errors read as `Cow<str>`'s did ("… expected a string").
pub(crate) fn parse_str<'de, D, T, E>(
    deserializer: D,
    parse: fn(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: fmt::Display,
{
    struct Visit<T, E>(fn(&str) -> Result<T, E>);
    impl<T, E: fmt::Display> serde::de::Visitor<'_> for Visit<T, E> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<Er: serde::de::Error>(self, s: &str) -> Result<T, Er> {
            (self.0)(s).map_err(Er::custom)
        }
    }
    deserializer.deserialize_str(Visit(parse))
}

/// A calendar date, `YYYY-MM-DD`.
///
/// ```
/// use incident_playbook::Date;
/// let d: Date = "2026-05-20".parse().unwrap();
/// assert_eq!(d.to_string(), "2026-05-20");
/// assert!("2026-5-20".parse::<Date>().is_err());
/// assert!("2026-02-30".parse::<Date>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(NaiveDate);

impl Date {
    /// The date as chrono's type.
    pub fn as_naive(&self) -> NaiveDate {
        self.0
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl FromStr for Date {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Self, TimeError> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shape {
            return Err(TimeError::new(s, DATE));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Date)
            .map_err(|_| TimeError::new(s, DATE))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        parse_str(deserializer, str::parse)
    }
}

#[cfg(feature = "schema")]
mod schema {
    use super::*;
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use std::borrow::Cow;

    /// The exact shape the crate reads: validators' `date-time` formats take
    /// more (a space for `T`, `+0200`, leap seconds), so the pattern says it.
    const TIMESTAMP_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";
    const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    impl JsonSchema for Timestamp {
        fn schema_name() -> Cow<'static, str> {
            "Timestamp".into()
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN})
        }
    }

    impl JsonSchema for Date {
        fn schema_name() -> Cow<'static, str> {
            "Date".into()
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({"type": "string", "format": "date", "pattern": DATE_PATTERN})
        }
    }

    /// Schema of a time a rule demands: a timestamp, or blank or null (which
    /// the rule then reports).
    pub(crate) struct BlankableTimestamp;
    impl JsonSchema for BlankableTimestamp {
        fn schema_name() -> Cow<'static, str> {
            "BlankableTimestamp".into()
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({"anyOf": [
                {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN},
                {"type": "string", "pattern": "^\\s*$"},
                {"type": "null"}
            ]})
        }
    }

    /// Schema of a date that may be blank or null.
    pub(crate) struct BlankableDate;
    impl JsonSchema for BlankableDate {
        fn schema_name() -> Cow<'static, str> {
            "BlankableDate".into()
        }
        fn inline_schema() -> bool {
            true
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({"anyOf": [
                {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                {"type": "string", "pattern": "^\\s*$"},
                {"type": "null"}
            ]})
        }
    }
}
#[cfg(feature = "schema")]
pub(crate) use schema::{BlankableDate, BlankableTimestamp};

/// Deserializes a time or date where a blank string, like `null`, means absent:
/// the rule that demands the value then names it.
pub(crate) fn blank_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    // Read through `parse_str`, not `Option<Cow<str>>`, which would copy
    // every next-update time into a `String` first.
    struct Visit<T>(std::marker::PhantomData<T>);
    impl<'de, T: FromStr> serde::de::Visitor<'de> for Visit<T>
    where
        T::Err: fmt::Display,
    {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("option")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            parse_str(d, parse_unless_blank::<T>)
        }
    }
    deserializer.deserialize_option(Visit(std::marker::PhantomData))
}

fn parse_unless_blank<T: FromStr>(s: &str) -> Result<Option<T>, T::Err> {
    if crate::text::is_blank(s) {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_shapes() {
        for ok in [
            "2026-05-04T09:05:00Z",
            "2026-05-04T09:05:00.123Z",
            "2026-05-04T09:05:00+02:00",
            "2026-05-04t09:05:00z",
        ] {
            assert!(ok.parse::<Timestamp>().is_ok(), "{ok}");
        }
        for bad in [
            "",
            "2026-05-04",
            "2026-05-04 09:05:00Z",
            "2026-05-04T09:05Z",
            "2026-05-04T09:05:00+0200",
            "2026-13-04T09:05:00Z",
            "2026-05-04T09:05:00.Z",
            "2026-06-30T23:59:60Z",
            "٢٠٢٦-05-04T09:05:00Z",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fast_path_reads_what_chrono_reads() {
        // Every month's edges, leap days, hour and minute ends, both cases of `z`.
        for year in ["0000", "1970", "2024", "2026", "2100", "9999"] {
            for month in 0..=13 {
                for day in [0, 1, 28, 29, 30, 31, 32] {
                    for (time, zone) in [("00:00:00", "Z"), ("23:59:59", "z"), ("24:00:00", "Z")] {
                        let s = format!("{year}-{month:02}-{day:02}T{time}{zone}");
                        let chrono = DateTime::parse_from_rfc3339(&s)
                            .ok()
                            .map(|t| t.with_timezone(&Utc));
                        assert_eq!(parse_utc_seconds(s.as_bytes()), chrono, "{s}");
                        assert_eq!(s.parse::<Timestamp>().ok().map(|t| t.0), chrono, "{s}");
                    }
                }
            }
        }
    }

    #[test]
    fn printed_in_utc() {
        let t: Timestamp = "2026-05-04T23:30:00-02:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-05-05T01:30:00Z");
        assert_eq!(t.date().to_string(), "2026-05-05");
    }

    #[test]
    fn system_times_convert_within_what_rfc_3339_writes() {
        use std::time::Duration;
        let at = |s: &str| -> SystemTime {
            let t: DateTime<Utc> = DateTime::parse_from_rfc3339(s).unwrap().into();
            let (secs, nanos) = (t.timestamp(), t.timestamp_subsec_nanos());
            let whole = UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()));
            let whole = if secs < 0 {
                UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))
            } else {
                whole
            };
            whole.unwrap() + Duration::from_nanos(u64::from(nanos))
        };
        for ok in [
            "0000-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z",
            "1970-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
        ] {
            let t = Timestamp::try_from(at(ok)).unwrap();
            assert_eq!(t, ok.parse().unwrap(), "{ok}");
        }
        let last = at("9999-12-31T23:59:59.999999999Z");
        let err = Timestamp::try_from(last + Duration::from_nanos(1)).unwrap_err();
        assert!(err.to_string().contains("year 9999"), "{err}");
        let first = at("0000-01-01T00:00:00Z");
        assert!(Timestamp::try_from(first - Duration::from_nanos(1)).is_err());
    }
}
