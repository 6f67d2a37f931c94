//! The JSON Schemas of the wire contract, generated from the Rust types.
//!
//! Draft 2020-12, one self-contained document per schema (`$defs` inside).
//! Rules that JSON Schema cannot say (time order, phases, who holds a role,
//! the dependency catalogue) are named by id in the descriptions.
//!
//! ```
//! let names: Vec<&str> = incident_playbook::schema::all().iter().map(|s| s.name).collect();
//! assert!(names.contains(&"command"));
//! ```

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};
use serde_json::Value;

/// The version of the wire contract the schemas describe.
pub const CONTRACT_VERSION: &str = "1.0.0";

/// The base of every schema's `$id`.
pub const ID_BASE: &str = "https://incident-playbook.dev/schemas";

/// One exported schema.
#[derive(Debug, Clone)]
pub struct NamedSchema {
    /// The short name (`command`); the file is `<name>.schema.json`.
    pub name: &'static str,
    /// What it describes.
    pub description: &'static str,
    /// The schema document.
    pub schema: Value,
}

impl NamedSchema {
    /// The file name: `<name>.schema.json`.
    pub fn file_name(&self) -> String {
        format!("{}.schema.json", self.name)
    }

    /// The schema as pretty JSON with a trailing newline, as committed.
    pub fn to_pretty_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.schema).unwrap_or_default();
        s.push('\n');
        s
    }
}

fn generate<T: JsonSchema>(name: &'static str, description: &'static str) -> NamedSchema {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema: Schema = generator.into_root_schema_for::<T>();
    let mut value = schema.to_value();
    strip_code(&mut value);
    if let Value::Object(map) = &mut value {
        let mut ordered = serde_json::Map::new();
        ordered.insert(
            "$schema".into(),
            Value::from("https://json-schema.org/draft/2020-12/schema"),
        );
        ordered.insert(
            "$id".into(),
            Value::from(format!("{ID_BASE}/{CONTRACT_VERSION}/{name}.schema.json")),
        );
        ordered.insert(
            "title".into(),
            map.remove("title").unwrap_or_else(|| Value::from(name)),
        );
        ordered.insert("description".into(), Value::from(description));
        ordered.insert("x-contract-version".into(), Value::from(CONTRACT_VERSION));
        map.remove("$schema");
        map.remove("description");
        ordered.extend(std::mem::take(map));
        *map = ordered;
    }
    NamedSchema {
        name,
        description,
        schema: value,
    }
}

/// Descriptions come from doc comments, whose examples are Rust doctests: of
/// no use to a reader of the schema, so every fenced block is cut out.
fn strip_code(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(text) if key == "description" => *text = without_fences(text),
                    _ => strip_code(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_code),
        _ => {}
    }
}

/// `text` without its ``` fenced blocks, paragraphs kept, trimmed.
fn without_fences(text: &str) -> String {
    let mut kept = Vec::new();
    let mut in_fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            kept.push(line);
        }
    }
    let joined = kept.join("\n");
    let mut out = joined.trim().to_owned();
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out
}

/// Every exported schema, in a fixed order.
pub fn all() -> Vec<NamedSchema> {
    vec![
        generate::<crate::Command>(
            "command",
            "One command of the incident-playbook wire contract: a flat JSON object tagged by `type`.",
        ),
        generate::<crate::Snapshot>(
            "snapshot",
            "The state of one incident. Loaded only if replaying its `history` produces exactly it (rule `snapshot-history-mismatch`).",
        ),
        generate::<crate::ReplayOutput>(
            "replay-output",
            "The document `incident replay --format json` prints: every incident's snapshot and every refused line.",
        ),
        generate::<crate::postmortem::PostmortemInput>(
            "postmortem",
            "A postmortem in the template's shape, as `submit_postmortem` carries it. A `published` one fills every section (`postmortem-incomplete`).",
        ),
        generate::<crate::state::CommsUpdate>(
            "comms-update",
            "A posted comms update: Status, Severity, Impact, Action, Next update, Owner.",
        ),
        generate::<crate::Playbook>(
            "playbook",
            "The organisation-specific playbook: the dependency catalogue (with which are optional) and the three health endpoints.",
        ),
    ]
}

/// The schema named `name`, if there is one.
pub fn by_name(name: &str) -> Option<NamedSchema> {
    all().into_iter().find(|s| s.name == name)
}
