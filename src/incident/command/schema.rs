//! The JSON Schema of a command: one variant per type, dispatched on `type`.

use super::{Command, CommandKind, body_schema};
use crate::time::Timestamp;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The hyphenated form only, as [`IncidentId`] and [`CommandId`] read it.
const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// sev1-needs-scribe, sev1-comms-by-engineering-lead: a SEV1 declaration
/// names a scribe, an engineering lead and a communications owner.
fn sev1_roles(object: &mut Map<String, Value>) {
    object.insert(
        "if".into(),
        serde_json::json!({"properties": {"severity": {"const": "SEV1"}}, "required": ["severity"]}),
    );
    object.insert(
        "then".into(),
        serde_json::json!({"properties": {"roles": {
            "type": "object",
            "required": ["commander", "scribe", "engineering_lead", "communications_owner"],
            "properties": {
                "commander": {"type": "string"},
                "scribe": {"type": "string"},
                "engineering_lead": {"type": "string"},
                "communications_owner": {"type": "string"}
            }
        }}}),
    );
}

fn variant(kind: CommandKind, body: Option<Schema>, generator: &mut SchemaGenerator) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "type".into(),
        json_schema!({"const": kind.as_str()}).to_value(),
    );
    properties.insert(
        "incident_id".into(),
        json_schema!({"type": "string", "format": "uuid", "pattern": UUID_PATTERN, "description": "The incident it is for."}).to_value(),
    );
    properties.insert(
        "command_id".into(),
        json_schema!({"type": "string", "format": "uuid", "pattern": UUID_PATTERN, "description": "Unique per incident; the same command sent twice is applied once."}).to_value(),
    );
    properties.insert(
        "at".into(),
        generator.subschema_for::<Timestamp>().to_value(),
    );
    properties.insert(
        "expected_version".into(),
        json_schema!({"type": ["integer", "null"], "minimum": 0, "description": "Optimistic concurrency (`version-conflict`): the version the sender saw."}).to_value(),
    );
    let mut required: Vec<Value> = ["type", "incident_id", "command_id", "at"]
        .into_iter()
        .map(Value::from)
        .collect();
    let mut description = Value::Null;
    if let Some(body) = body {
        let body = body.to_value();
        if let Some(props) = body.get("properties").and_then(Value::as_object) {
            properties.extend(props.clone());
        }
        if let Some(req) = body.get("required").and_then(Value::as_array) {
            required.extend(req.iter().cloned());
        }
        description = body.get("description").cloned().unwrap_or(Value::Null);
    }
    let mut object = Map::new();
    object.insert("title".into(), Value::from(kind.as_str()));
    if !description.is_null() {
        object.insert("description".into(), description);
    }
    object.insert("type".into(), Value::from("object"));
    object.insert("properties".into(), Value::Object(properties));
    object.insert("required".into(), Value::Array(required));
    object.insert("additionalProperties".into(), Value::Bool(false));
    if kind == CommandKind::Declare {
        sev1_roles(&mut object);
    }
    Value::Object(object)
}

/// The name of the tagged union of all variants in `$defs`, for code generators.
const UNION: &str = "AnyCommand";

/// The `allOf` entry that sends a command of type `kind` to its variant.
fn dispatch(kind: CommandKind) -> Value {
    serde_json::json!({
        "if": {"properties": {"type": {"const": kind.as_str()}}, "required": ["type"]},
        "then": {"$ref": format!("#/$defs/{}", kind.as_str())},
    })
}

/// The same variants as a `oneOf` with an OpenAPI-style `discriminator`: what
/// generators (datamodel-code-generator, json-schema-to-typescript) turn into a
/// tagged union. Validators never reach it (nothing refers to it), because a
/// failing `oneOf` hides which field is wrong behind "not valid under any".
fn union() -> Value {
    let refs: Vec<Value> = CommandKind::ALL
        .into_iter()
        .map(|kind| serde_json::json!({"$ref": format!("#/$defs/{}", kind.as_str())}))
        .collect();
    serde_json::json!({
        "title": UNION,
        "description": "Every command as a union tagged by `type`, for code generators; validate against the root, which dispatches on `type` the same way.",
        "oneOf": refs,
        "discriminator": {"propertyName": "type"},
    })
}

impl JsonSchema for Command {
    fn schema_name() -> Cow<'static, str> {
        "Command".into()
    }

    // Dispatch on `type` with an if/then chain rather than a bare `oneOf`: a
    // validator then checks only the variant the command names, so its errors
    // point at the field that is wrong (`$.severity`), not at the whole command.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        for kind in CommandKind::ALL {
            let body = body_schema(kind, generator);
            let schema = variant(kind, body, generator);
            generator
                .definitions_mut()
                .insert(kind.as_str().to_owned(), schema);
        }
        generator
            .definitions_mut()
            .insert(UNION.to_owned(), union());
        let kinds: Vec<&str> = CommandKind::ALL.iter().map(|k| k.as_str()).collect();
        let chain: Vec<Value> = CommandKind::ALL.into_iter().map(dispatch).collect();
        json_schema!({
            "description": "One command, a flat JSON object tagged by `type` (docs/contract.md, Commands). Rules JSON Schema cannot say (time order, phases, roles held, the dependency catalogue, …) are named by id in the rule catalogue (docs/contract.md) and enforced by the crate.",
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": kinds, "description": "The command type; it selects the fields (`$defs/<type>`)."}},
            "allOf": chain,
        })
    }
}
