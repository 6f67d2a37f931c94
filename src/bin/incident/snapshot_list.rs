//! Reading a document of snapshots one snapshot at a time: parsed whole to
//! `serde_json::Value`, a document would take about 14 times its size in
//! memory; one snapshot at a time, it takes its own size and one snapshot's
//! `Value`.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Calls `each` with every snapshot of a list of snapshots, or of the
/// `incidents` of a replay's output, in order, each parsed on its own.
///
/// `None` when the document is anything else (one snapshot, not JSON, an
/// `incidents` that is not a list…): the caller then reads it whole, as
/// before, which gives the same reports and the same errors. `each` may have
/// been called for some snapshots by then.
pub fn each_snapshot(text: &str, each: &mut dyn FnMut(Value)) -> Option<()> {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_json::from_str::<Shape>(text).ok()? {
        Shape::List => Items(each).deserialize(&mut de).ok()?,
        Shape::Listing => de.deserialize_map(Listing(each)).ok()?,
        Shape::Other => return None,
    }
    de.end().ok()
}

/// What a document is at its top level, read without building anything.
enum Shape {
    /// An array: of snapshots.
    List,
    /// An object with one `incidents` and no `incident_id`: a replay's output.
    Listing,
    /// Anything else: one snapshot, or not a snapshot document.
    Other,
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a snapshot document")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::List)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        // A key given twice counts twice: the whole reading keeps the last
        // value of a key, so a document with two `incidents` is left to it.
        let (mut incidents, mut incident_id) = (0, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "incidents" => incidents += 1,
                "incident_id" => incident_id = true,
                _ => {}
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(if incidents == 1 && !incident_id {
            Shape::Listing
        } else {
            Shape::Other
        })
    }
}

/// An array whose items go to the callback as they are read.
struct Items<'a>(&'a mut dyn FnMut(Value));

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of snapshots")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            (self.0)(item);
        }
        Ok(())
    }
}

/// A replay's output: its `incidents` go to the callback, the rest is skipped.
struct Listing<'a>(&'a mut dyn FnMut(Value));

impl<'de> Visitor<'de> for Listing<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a replay's output")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "incidents" {
                map.next_value_seed(Items(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}
