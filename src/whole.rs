//! Whole numbers, read as JSON Schema reads an `integer`: any number without
//! a fractional part (`3`, `3.0`, `3e0`). Senders write them all three ways
//! (Python's `json.dumps(3.0)` gives `3.0`; JavaScript cannot tell them
//! apart), and the schemas, which say `integer`, accept all three.

use serde::de::Error;
use serde::{Deserialize, Deserializer};

/// What a number beyond `u64` becomes.
#[derive(Clone, Copy)]
pub(crate) enum Beyond {
    /// The largest `u64`: no incident reaches that version, so it conflicts.
    Saturate,
    /// Refused: a count or a number that large would be a false fact.
    Refuse,
}

/// Reads an optional whole number of at least 0 (`null` is absent); `what`
/// names it in the message of a refusal ("`number`", "a count").
pub(crate) fn read<'de, D: Deserializer<'de>>(
    d: D,
    what: &str,
    beyond: Beyond,
) -> Result<Option<u64>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(d)? else {
        return Ok(None);
    };
    if let Some(v) = n.as_u64() {
        return Ok(Some(v));
    }
    // `u64::MAX as f64` rounds up to 2^64, so `<` keeps the cast exact.
    match (n.as_f64(), beyond) {
        (Some(f), _) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < u64::MAX as f64 => {
            Ok(Some(f as u64))
        }
        (Some(f), Beyond::Saturate) if f.is_finite() && f.fract() == 0.0 && f > 0.0 => {
            Ok(Some(u64::MAX))
        }
        (_, Beyond::Saturate) => Err(D::Error::custom(format!(
            "{what} is a whole number of at least 0, not {n}"
        ))),
        (_, Beyond::Refuse) => Err(D::Error::custom(format!(
            "{what} is a whole number from 0 to {}, not {n}",
            u64::MAX
        ))),
    }
}

/// An optional count (`AffectedCounts`), as [`read`] reads it.
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    read(d, "a count", Beyond::Refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(json: &str, beyond: Beyond) -> Result<Option<u64>, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        read(&mut de, "it", beyond).map_err(|e| e.to_string())
    }

    #[test]
    fn a_number_without_a_fraction_is_whole_however_written() {
        for json in ["3", "3.0", "3e0", "0.3e1"] {
            assert_eq!(whole(json, Beyond::Refuse), Ok(Some(3)), "{json}");
        }
        assert_eq!(whole("null", Beyond::Refuse), Ok(None));
        for json in ["3.5", "-1", "-1.0", "\"3\"", "true"] {
            assert!(whole(json, Beyond::Refuse).is_err(), "{json}");
        }
    }

    #[test]
    fn beyond_u64_saturates_or_is_refused() {
        assert_eq!(whole("1e30", Beyond::Saturate), Ok(Some(u64::MAX)));
        assert!(whole("1e30", Beyond::Refuse).is_err());
        assert_eq!(
            whole("18446744073709551615", Beyond::Refuse),
            Ok(Some(u64::MAX))
        );
    }
}
