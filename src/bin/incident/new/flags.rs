//! The field flags of `incident new TYPE`, read from the crate's own command
//! schema: a field added to a command gets its flag with no change here.

use serde_json::{Map, Value};

/// The envelope fields: `incident new` fills them itself (see its own flags).
const ENVELOPE: [&str; 6] = incident_playbook::command::CommandKind::ENVELOPE_FIELDS;

/// What a flag's values are.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Text,
    /// An RFC 3339 time, or a time relative to `at` (`+30m`, `-1h`).
    Time,
    Integer,
    Boolean,
    /// One of the listed values.
    Choice(Vec<String>),
    /// A whole object or list as JSON, or `@FILE` holding it.
    Json,
    /// An object keyed by names the schema does not list (the health
    /// endpoints): `KEY=VALUE`, repeated, each value of the kind given.
    Map(Box<Kind>),
}

/// One flag: `--impact.started-at` sets `impact.started_at`.
#[derive(Clone, Debug)]
pub struct Flag {
    /// The wire path, field names as the wire spells them.
    pub path: Vec<String>,
    pub kind: Kind,
    /// A list of scalars: the flag is repeated, one value each.
    pub many: bool,
    pub help: String,
}

impl Flag {
    /// The flag's long name: the path with hyphens for underscores, dotted.
    pub fn long(&self) -> String {
        let long = self.path.join(".").replace('_', "-");
        // A body field named as one of `new`'s own options (`link_incident`'s
        // `incident`) is `--body.NAME`, so that both can be given.
        if ENVELOPE_OPTIONS.contains(&long.as_str()) {
            format!("body.{long}")
        } else {
            long
        }
    }
}

/// The options every `incident new TYPE` has besides the body's fields.
const ENVELOPE_OPTIONS: [&str; 7] = [
    "to",
    "incident",
    "at",
    "expected-version",
    "playbook",
    "by",
    "owner",
];

/// A command type as the schema describes it.
pub struct TypeSchema {
    pub name: String,
    pub about: String,
    pub flags: Vec<Flag>,
}

/// Every command type of the wire, in the schema's order, with its flags.
pub fn types() -> Vec<TypeSchema> {
    let Some(schema) = incident_playbook::schema::by_name("command") else {
        return Vec::new();
    };
    let defs = schema.schema.get("$defs").cloned().unwrap_or_default();
    let names = schema.schema.pointer("/properties/type/enum");
    let names = names.and_then(Value::as_array).cloned().unwrap_or_default();
    names
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|name| {
            let def = defs.get(name)?;
            let mut flags = Vec::new();
            walk(&defs, def, &[], &mut flags);
            let about = first_line(def).unwrap_or_else(|| format!("`{name}`"));
            Some(TypeSchema {
                name: name.to_owned(),
                about,
                flags,
            })
        })
        .collect()
}

/// The flags of the fields of `object` (a schema of an object, or a union of
/// objects, whose fields are merged), under `prefix`.
fn walk(defs: &Value, object: &Value, prefix: &[String], flags: &mut Vec<Flag>) {
    let required = required_of(object);
    let mut fields: Vec<(String, Value)> = Vec::new();
    for variant in variants(defs, object) {
        let props = variant.get("properties").and_then(Value::as_object);
        for (name, prop) in props.into_iter().flatten() {
            if prefix.is_empty() && ENVELOPE.contains(&name.as_str()) {
                continue;
            }
            match fields.iter_mut().find(|(n, _)| n == name) {
                // A union's tag (`kind`) is a constant in each variant: the
                // flag takes any of them.
                Some((_, known)) => merge_const(known, prop),
                None => fields.push((name.clone(), as_enum(prop))),
            }
        }
    }
    for (name, prop) in fields {
        let mut path = prefix.to_vec();
        path.push(name.clone());
        let mut help = first_line(&prop).unwrap_or_default();
        if required.contains(&name) {
            help.push_str(" [required]");
        }
        field(defs, &prop, path, help, flags);
    }
}

/// A `const` as a one-value `enum`, so that variants can add theirs.
fn as_enum(prop: &Value) -> Value {
    match prop.get("const") {
        Some(value) => serde_json::json!({ "enum": [value], "type": "string" }),
        None => prop.clone(),
    }
}

fn merge_const(known: &mut Value, prop: &Value) {
    let (Some(value), Some(Value::Array(values))) = (prop.get("const"), known.get_mut("enum"))
    else {
        return;
    };
    if !values.contains(value) {
        values.push(value.clone());
    }
}

/// The flag (and, for an object, the flags of its fields) of one field.
fn field(defs: &Value, prop: &Value, path: Vec<String>, help: String, flags: &mut Vec<Flag>) {
    let shape = resolve(defs, prop);
    let flag = |kind, many| Flag {
        path: path.clone(),
        kind,
        many,
        help: help.clone(),
    };
    if let Some(values) = shape.get("additionalProperties").filter(|v| v.is_object()) {
        let kind = scalar(&resolve(defs, values)).unwrap_or(Kind::Json);
        flags.push(flag(Kind::Map(Box::new(kind)), true));
    } else if is_object(defs, &shape) {
        flags.push(flag(Kind::Json, false));
        walk(defs, &shape, &path, flags);
    } else if has_type(&shape, "array") {
        let items = resolve(defs, shape.get("items").unwrap_or(&Value::Null));
        match scalar(&items) {
            Some(kind) if !is_object(defs, &items) => flags.push(flag(kind, true)),
            _ => flags.push(flag(Kind::Json, false)),
        }
    } else {
        flags.push(flag(scalar(&shape).unwrap_or(Kind::Json), false));
    }
}

/// What a scalar schema takes, if it is one.
fn scalar(shape: &Value) -> Option<Kind> {
    if let Some(values) = choices(shape) {
        return Some(Kind::Choice(values));
    }
    let time = shape.get("format").and_then(Value::as_str) == Some("date-time")
        || (shape
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten())
        .any(|s| s.get("format").and_then(Value::as_str) == Some("date-time"));
    if time {
        Some(Kind::Time)
    } else if has_type(shape, "string") {
        Some(Kind::Text)
    } else if has_type(shape, "integer") {
        Some(Kind::Integer)
    } else if has_type(shape, "boolean") {
        Some(Kind::Boolean)
    } else {
        None
    }
}

/// The values of an enumeration: `enum`, or a `oneOf` of `const`s.
fn choices(shape: &Value) -> Option<Vec<String>> {
    if let Some(values) = shape.get("enum").and_then(Value::as_array) {
        return Some(strings(values.iter()));
    }
    let one_of = shape.get("oneOf").and_then(Value::as_array)?;
    let consts: Vec<&Value> = one_of.iter().filter_map(|v| v.get("const")).collect();
    (!consts.is_empty() && consts.len() == one_of.len()).then(|| strings(consts.into_iter()))
}

fn strings<'a>(values: impl Iterator<Item = &'a Value>) -> Vec<String> {
    values
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// `schema` with its `$ref` followed and a `null` alternative dropped.
fn resolve(defs: &Value, schema: &Value) -> Value {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name = target.rsplit('/').next().unwrap_or_default();
        return resolve(defs, defs.get(name).unwrap_or(&Value::Null));
    }
    if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = any.iter().filter(|s| !has_type(s, "null")).collect();
        if let [only] = non_null.as_slice() {
            return resolve(defs, only);
        }
    }
    schema.clone()
}

/// The objects `schema` may be: itself, or each of its `oneOf` variants.
fn variants(defs: &Value, schema: &Value) -> Vec<Value> {
    match schema.get("oneOf").and_then(Value::as_array) {
        Some(all) => all.iter().map(|v| resolve(defs, v)).collect(),
        None => vec![schema.clone()],
    }
}

fn is_object(defs: &Value, shape: &Value) -> bool {
    variants(defs, shape)
        .iter()
        .any(|v| v.get("properties").is_some_and(|p| p.is_object()))
}

/// Whether `schema`'s `type` is or includes `name` (an exact type).
fn has_type(schema: &Value, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(ts)) => ts.iter().any(|t| t == name),
        _ => false,
    }
}

fn required_of(object: &Value) -> Vec<String> {
    let required = object.get("required").and_then(Value::as_array);
    strings(required.into_iter().flatten())
}

/// The first paragraph of a schema's description, on one line.
fn first_line(schema: &Value) -> Option<String> {
    let text = schema.get("description").and_then(Value::as_str)?;
    let paragraph = text.split("\n\n").next()?;
    Some(paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Sets `value` at `path` in `object`, making the objects on the way.
pub fn set(object: &mut Map<String, Value>, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut at = object;
    for (depth, name) in parents.iter().enumerate() {
        let slot = at
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        at = slot.as_object_mut().ok_or_else(|| {
            let whole = parents[..=depth].join(".").replace('_', "-");
            format!("--{whole} is not an object, so it has no fields to set")
        })?;
    }
    // Fields given by name add to an object given whole.
    match (at.get_mut(last), value) {
        (Some(Value::Object(whole)), Value::Object(fields)) => whole.extend(fields),
        (_, value) => {
            at.insert(last.clone(), value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_fields_and_nested_ones_dotted() {
        let types = types();
        assert_eq!(
            types.len(),
            incident_playbook::command::CommandKind::ALL.len()
        );
        let declare = types.iter().find(|t| t.name == "declare").unwrap();
        let longs: Vec<String> = declare.flags.iter().map(Flag::long).collect();
        for want in [
            "title",
            "severity",
            "impact",
            "impact.started-at",
            "roles.commander",
        ] {
            assert!(longs.iter().any(|l| l == want), "{want} in {longs:?}");
        }
        let flags = declare.flags.iter().find(|f| f.long() == "impact.flags");
        assert!(flags.is_some_and(|f| f.many && matches!(f.kind, Kind::Choice(_))));
        let start = types.iter().find(|t| t.name == "start_mitigation").unwrap();
        let kind = start.flags.iter().find(|f| f.long() == "mitigation.kind");
        let Some(Kind::Choice(kinds)) = kind.map(|f| &f.kind) else {
            panic!("mitigation.kind is a choice")
        };
        assert!(kinds.len() > 3 && kinds.contains(&"rollback_image".to_owned()));
    }
}
