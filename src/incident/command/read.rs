//! Reading a command: the envelope, then the body its `type` names, from
//! one flat object.

use serde::{Deserialize, Deserializer};

use super::explain::explain;
use super::{Command, CommandBody, CommandKind};
use crate::incident::flat::{Field, Flat};
use crate::rule::{Rejection, Rule, Violation};
use crate::text::nearest;

/// " (did you mean `add_note`?)" after an unknown name, when one is near.
pub(super) fn did_you_mean(near: Option<&str>) -> String {
    near.map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

/// Why a flat object that parsed is not a command: the message, and the
/// field it is about (`None` for the object as a whole).
pub(super) struct NotACommand {
    pub(super) field: Option<&'static str>,
    pub(super) message: String,
}

impl NotACommand {
    pub(super) fn whole(message: &str) -> Self {
        NotACommand {
            field: None,
            message: message.to_owned(),
        }
    }
}

/// How a body's field is taken from a [`Flat`] and written back: a field
/// that is an `Option` in the body is optional on the wire, any other is
/// required (its absence is `malformed-input`, naming the field).
pub(super) trait Wire<T>: Sized {
    /// The body's field from the line's.
    fn take(field: Field<T>, name: &'static str, kind: CommandKind) -> Result<Self, NotACommand>;
    /// The value to write, if any.
    fn wire(&self) -> Option<&T>;
}

impl<T> Wire<T> for T {
    fn take(field: Field<T>, name: &'static str, kind: CommandKind) -> Result<T, NotACommand> {
        field.flatten().ok_or_else(|| NotACommand {
            field: Some(name),
            message: format!("missing field `{name}` (required by `{kind}`)"),
        })
    }

    fn wire(&self) -> Option<&T> {
        Some(self)
    }
}

impl<T> Wire<T> for Option<T> {
    fn take(field: Field<T>, _: &'static str, _: CommandKind) -> Result<Self, NotACommand> {
        Ok(field.flatten())
    }

    fn wire(&self) -> Option<&T> {
        self.as_ref()
    }
}

/// The envelope's fields, which every command type has.
const ENVELOPE: [&str; 6] = CommandKind::ENVELOPE_FIELDS;

/// "`type`, `incident_id`, … and `text`": the fields a `kind` command has.
fn fields_of(kind: CommandKind) -> String {
    let all: Vec<String> = ENVELOPE
        .iter()
        .chain(kind.body_fields())
        .map(|f| format!("`{f}`"))
        .collect();
    all.join(", ")
}

/// "`type`, `text`, `occurred_at`": the fields a `kind` body has.
fn body_fields_of(kind: CommandKind) -> String {
    let all: Vec<String> = std::iter::once(&"type")
        .chain(kind.body_fields())
        .map(|f| format!("`{f}`"))
        .collect();
    all.join(", ")
}

impl Flat {
    pub(super) fn take_command(&mut self) -> Result<Command, NotACommand> {
        let missing = |field: &'static str| NotACommand {
            field: None,
            message: format!("missing field `{field}`"),
        };
        // Taken like the body's fields, so that none is left over.
        let kind = self.kind.take().ok_or_else(|| missing("type"))?;
        let incident_id = self
            .incident_id
            .take()
            .ok_or_else(|| missing("incident_id"))?;
        let command_id = self
            .command_id
            .take()
            .ok_or_else(|| missing("command_id"))?;
        let at = self.at.take().ok_or_else(|| missing("at"))?;
        let expected_version = self.expected_version.take();
        let by = self.by.take();
        let body = self.take_all(kind, Shape::Command)?;
        Ok(Command {
            incident_id,
            command_id,
            at,
            expected_version,
            by,
            body,
        })
    }

    /// A body alone, for a command whose envelope comes from elsewhere (the
    /// URL, the server's clock): the envelope's fields are refused.
    pub(super) fn take_lone_body(&mut self) -> Result<CommandBody, NotACommand> {
        let kind = self.kind.take().ok_or_else(|| NotACommand {
            field: None,
            message: "missing field `type`".to_owned(),
        })?;
        let envelope = [
            ("incident_id", self.incident_id.is_some()),
            ("command_id", self.command_id.is_some()),
            ("at", self.at.is_some()),
            ("expected_version", self.expected_version.is_some()),
            ("by", self.by.is_some()),
        ];
        if let Some((field, _)) = envelope.into_iter().find(|(_, given)| *given) {
            return Err(NotACommand {
                field: Some(field),
                message: format!(
                    "`{field}` belongs to the envelope, not to a `{kind}` body, which has {}",
                    body_fields_of(kind)
                ),
            });
        }
        self.take_all(kind, Shape::Body)
    }

    /// The `kind` body, refusing any field left over.
    fn take_all(&mut self, kind: CommandKind, shape: Shape) -> Result<CommandBody, NotACommand> {
        let body = super::take_body(self, kind)?;
        match self.first_present() {
            Some(field) => Err(NotACommand {
                field: Some(field),
                message: format!(
                    "unknown field `{field}`{}: a `{kind}` {} has {}",
                    did_you_mean(nearest(field, shape.names(kind))),
                    shape.noun(),
                    shape.fields(kind)
                ),
            }),
            None => Ok(body),
        }
    }
}

/// [`Flat`] as [`Flat::fill`] reads it, for the path-tracking second read.
pub(super) struct StrictFlat(pub(super) Flat);

impl<'de> Deserialize<'de> for StrictFlat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut flat = Flat::default();
        flat.fill(deserializer)?;
        Ok(StrictFlat(flat))
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut flat = Flat::default();
        flat.fill(deserializer)?;
        flat.take_command()
            .map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// A body without its envelope: `{"type": "add_note", "text": "…"}`.
///
/// It is read as strictly as a command (unknown fields, fields of other
/// command types and the envelope's fields are refused), for a service that
/// takes the ids from the URL and the time from its clock, and builds the
/// [`Command`] with [`Command::new`]. [`parse_body`] gives the JSON path of
/// what is wrong. A body serializes to the same shape, for a client of such
/// a service.
///
/// ```
/// use incident_playbook::{Command, CommandBody, CommandId, IncidentId, command::CommandKind};
/// let body: CommandBody = serde_json::from_str(r#"{"type": "add_note", "text": "Queue drains"}"#)?;
/// assert_eq!(body.kind(), CommandKind::AddNote);
/// let incident: IncidentId = "e2181857-7398-5cf2-aad9-acc3150b8632".parse()?;
/// let id: CommandId = "32803c2f-c9a4-5f3e-ad4f-66079c55a576".parse()?;
/// let cmd = Command::new(incident, id, "2026-05-04T09:12:00Z".parse()?, body).expecting(3);
/// assert_eq!(cmd.expected_version, Some(3));
///
/// assert_eq!(serde_json::to_string(&cmd.body)?, r#"{"type":"add_note","text":"Queue drains"}"#);
///
/// // The envelope's fields are not a body's.
/// let with_id = r#"{"type": "close", "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576"}"#;
/// assert!(serde_json::from_str::<CommandBody>(with_id).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl<'de> Deserialize<'de> for CommandBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut flat = Flat::default();
        flat.fill(deserializer)?;
        flat.take_lone_body()
            .map_err(|e| serde::de::Error::custom(e.message))
    }
}

/// Parses a command body without its envelope (see [`CommandBody`]).
///
/// # Errors
///
/// `malformed-input` at the JSON path of what is wrong, as
/// [`parse_command`](crate::parse_command) gives it for a whole command.
///
/// ```
/// use incident_playbook::{Rule, command::parse_body};
/// let refused = parse_body(r#"{"type": "add_note", "txt": "typo"}"#).unwrap_err();
/// let v = &refused.violations()[0];
/// assert_eq!((v.rule(), v.path()), (Rule::MalformedInput, Some("txt")));
/// assert!(v.message().contains("a `add_note` body has `type`, `text`, `occurred_at`"), "{v}");
/// ```
pub fn parse_body(json: &str) -> Result<CommandBody, Rejection> {
    if let Some(why) = crate::text::unstorable(json) {
        return Err(why);
    }
    serde_json::from_str(json).map_err(|_| {
        let why = explain(json, Shape::Body, Flat::take_lone_body);
        Violation::new(Rule::MalformedInput, why.message, why.path.as_deref()).into()
    })
}

/// What is read: a whole command, or a body without its envelope.
#[derive(Clone, Copy)]
pub(super) enum Shape {
    Command,
    Body,
}

impl Shape {
    pub(super) fn noun(self) -> &'static str {
        match self {
            Shape::Command => "command",
            Shape::Body => "body",
        }
    }

    /// The names of the fields a `kind` command or body has.
    pub(super) fn names(self, kind: CommandKind) -> impl Iterator<Item = &'static str> {
        let envelope: &[&'static str] = match self {
            Shape::Command => &ENVELOPE,
            Shape::Body => &["type"],
        };
        envelope.iter().chain(kind.body_fields()).copied()
    }

    /// The fields a `kind` command or body has, for messages.
    pub(super) fn fields(self, kind: CommandKind) -> String {
        match self {
            Shape::Command => fields_of(kind),
            Shape::Body => body_fields_of(kind),
        }
    }
}
