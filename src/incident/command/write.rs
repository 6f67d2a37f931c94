//! Writing a command: one flat object, its keys in the field table's order
//! (`flat.rs`), each body field as the command table lists it.

use serde::{Serialize, Serializer};

use super::{Command, CommandBody, fill};
use crate::incident::flat::FlatRef;

impl<'a> FlatRef<'a> {
    /// A `body` object, with `type` and the body's fields.
    fn body(body: &'a CommandBody, kind: &'a super::CommandKind) -> Self {
        let mut out = FlatRef::empty();
        out.kind = Some(kind);
        fill(&mut out, body);
        out
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kind = self.kind();
        let mut out = FlatRef::body(&self.body, &kind);
        out.incident_id = Some(&self.incident_id);
        out.command_id = Some(&self.command_id);
        out.at = Some(&self.at);
        out.expected_version = self.expected_version.as_ref();
        out.serialize(serializer)
    }
}

impl Serialize for CommandBody {
    /// `{"type": …, body fields}`, as [`parse_body`](super::parse_body) reads it back.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kind = self.kind();
        FlatRef::body(self, &kind).serialize(serializer)
    }
}
