//! A flag's text as the JSON value of its field; times and fresh ids.

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat};
use serde_json::Value;

use super::flags::{Flag, Kind};
use crate::exit::Fatal;

/// The value of `flag` given as `text`; a relative time counts from `at`.
pub fn convert(flag: &Flag, text: &str, at: &str) -> Result<Value, Fatal> {
    let bad = |why: String| Fatal(format!("--{}: {why}", flag.long()));
    Ok(match flag.kind {
        Kind::Text | Kind::Choice(_) => Value::from(text),
        Kind::Boolean => Value::from(text == "true"),
        Kind::Integer => {
            let n: serde_json::Number = text
                .parse()
                .map_err(|_| bad(format!("`{text}` is not a whole number")))?;
            Value::Number(n)
        }
        Kind::Time => Value::from(relative_to(at, text).map_err(bad)?),
        Kind::Json => json(text).map_err(bad)?,
        Kind::Map(ref kind) => {
            let (key, value) = text
                .split_once('=')
                .ok_or_else(|| bad(format!("`{text}` is not KEY=VALUE")))?;
            let flag = Flag {
                kind: (**kind).clone(),
                ..flag.clone()
            };
            serde_json::json!({ key: convert(&flag, value, at)? })
        }
    })
}

/// `text` as JSON, or the JSON of the file it names after `@`.
fn json(text: &str) -> Result<Value, String> {
    let (source, document) = match text.strip_prefix('@') {
        Some(path) => {
            let document = crate::input::read_document(path).map_err(|Fatal(e)| e)?;
            (path, document)
        }
        None => ("the value", text.to_owned()),
    };
    let document = document.strip_prefix('\u{feff}').unwrap_or(&document);
    serde_json::from_str(document).map_err(|e| format!("{source} is not JSON: {e}"))
}

/// `text` as a time: RFC 3339 as given, or `+30m`, `-1h`, `+1h30m`, `+2d`
/// from `at`.
fn relative_to(at: &str, text: &str) -> Result<String, String> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        // The reader judges it: an RFC 3339 time, or its message.
        _ => return Ok(text.to_owned()),
    };
    let offset = duration(rest).ok_or_else(|| {
        format!(
            "`{text}` is neither an RFC 3339 time nor a time from `at` such as +30m, -10m, +1h30m"
        )
    })?;
    let at =
        DateTime::<FixedOffset>::parse_from_rfc3339(at).map_err(|e| format!("--at `{at}`: {e}"))?;
    let time = at
        .checked_add_signed(offset * sign)
        .ok_or_else(|| format!("`{text}` from {at} is out of range"))?;
    Ok(time.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// `1h30m`, `45s`, `2d`: a sum of whole numbers of days, hours, minutes and
/// seconds.
fn duration(text: &str) -> Option<Duration> {
    let mut total = Duration::zero();
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let part = match c {
            'd' => Duration::try_days(n)?,
            'h' => Duration::try_hours(n)?,
            'm' => Duration::try_minutes(n)?,
            's' => Duration::try_seconds(n)?,
            _ => return None,
        };
        total = total.checked_add(&part)?;
    }
    (digits.is_empty() && !text.is_empty()).then_some(total)
}

/// `--at`: an RFC 3339 time, checked here so that a relative time has
/// something to count from.
pub fn time(at: &str) -> Result<String, Fatal> {
    DateTime::<FixedOffset>::parse_from_rfc3339(at)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .map_err(|e| Fatal(format!("--at `{at}` is not an RFC 3339 time: {e}")))
}

/// The time now, to the second, in UTC: the library reads no clock.
pub fn now() -> Result<String, Fatal> {
    let now = crate::report::now_or_clock(None)?;
    Ok(now
        .as_datetime()
        .to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// A fresh UUID v4, for a command id or a new incident.
pub fn fresh_id() -> String {
    incident_playbook::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_count_from_at() {
        let at = "2026-05-04T09:05:00Z";
        assert_eq!(relative_to(at, "+30m").unwrap(), "2026-05-04T09:35:00Z");
        assert_eq!(relative_to(at, "+1h30m").unwrap(), "2026-05-04T10:35:00Z");
        assert_eq!(relative_to(at, "-5m").unwrap(), "2026-05-04T09:00:00Z");
        assert_eq!(
            relative_to(at, "2026-05-04T10:00:00Z").unwrap(),
            "2026-05-04T10:00:00Z"
        );
        assert!(relative_to(at, "+30").is_err());
        assert!(relative_to(at, "+").is_err());
        assert!(relative_to(at, "+m").is_err());
    }
}
