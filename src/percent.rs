//! Shares from 0 to 100: how far a restoration came, how much traffic
//! dropped.

use std::fmt;

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::ShortText;

/// A share from 0 to 100 (a percent), such as how much of a restoration is
/// done or how much traffic dropped. Any JSON number in that range: `35`,
/// `99.5`; anything else is `malformed-input`. A whole share is written back
/// as a whole number (`35`, not `35.0`).
///
/// ```
/// use incident_playbook::state::Percent;
/// let p: Percent = serde_json::from_str("99.5")?;
/// assert_eq!(p.value(), 99.5);
/// assert_eq!(serde_json::to_string(&serde_json::from_str::<Percent>("35.0")?)?, "35");
/// assert!(serde_json::from_str::<Percent>("100.5").is_err());
/// assert!(serde_json::from_str::<Percent>("-1").is_err());
/// assert_eq!(Percent::new(40.0).map(Percent::value), Some(40.0));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

// A `Percent` is never NaN (`new` refuses it, and JSON has none), so
// equality is an equivalence and commands holding one stay `Eq`.
impl Eq for Percent {}

impl Percent {
    /// A share from 0 to 100; `None` outside that range (or not a number).
    pub fn new(value: f64) -> Option<Percent> {
        // `+ 0.0` turns -0 into 0, so that equal shares are written alike.
        (0.0..=100.0)
            .contains(&value)
            .then_some(Percent(value + 0.0))
    }

    /// The share, from 0 to 100.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Percent {
    /// `35%`, `99.5%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.fract() == 0.0 {
            // Whole and within 0..=100: the cast is exact.
            serializer.serialize_u64(self.0 as u64)
        } else {
            serializer.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = serde_json::Number::deserialize(d)?;
        n.as_f64().and_then(Percent::new).ok_or_else(|| {
            D::Error::custom(format!("a percent is a number from 0 to 100, not {n}"))
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Percent {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Percent".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "number", "minimum": 0, "maximum": 100})
    }
}

/// A drop that was measured (`impact.measured_drop`): a share of something,
/// such as "35% of API requests". It does not count users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MeasuredDrop {
    /// The share that dropped, from 0 to 100.
    pub percent: Percent,
    /// Of what ("API requests", "checkout traffic").
    pub of: ShortText,
}

impl MeasuredDrop {
    /// A drop of `percent` of `of`.
    pub fn new(percent: Percent, of: ShortText) -> Self {
        MeasuredDrop { percent, of }
    }
}

impl fmt::Display for MeasuredDrop {
    /// "35% of API requests".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {}", self.percent, self.of)
    }
}
