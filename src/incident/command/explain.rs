//! Why a line is not a command: it is read again, tracking the JSON path,
//! and the error is said in the command's terms.

use serde::Deserialize;

use super::CommandKind;
use super::read::{NotACommand, Shape, StrictFlat, did_you_mean};
use crate::incident::flat::{FIELDS, Flat};
use crate::text::nearest;

/// Why a line is not a command, and the JSON path of what is wrong (`None`
/// for the line as a whole).
pub(crate) struct Malformed {
    pub(crate) path: Option<String>,
    pub(crate) message: String,
}

/// Explains why `line`, which does not parse as a [`Command`], does not:
/// it is read again, tracking the JSON path. Only a refused
/// line pays for the tracking; a line that parses is read once, untracked.
pub(crate) fn explain_malformed(line: &str) -> Malformed {
    explain(line, Shape::Command, Flat::take_command)
}

/// Why `line` is not what `finish` makes of a flat object of `shape`.
pub(super) fn explain<T>(
    line: &str,
    shape: Shape,
    finish: fn(&mut Flat) -> Result<T, NotACommand>,
) -> Malformed {
    let mut de = serde_json::Deserializer::from_str(line);
    let mut flat = match serde_path_to_error::deserialize::<_, StrictFlat>(&mut de) {
        Ok(StrictFlat(flat)) => flat,
        Err(e) => return from_serde(line, e, shape),
    };
    if let Err(e) = de.end() {
        return Malformed {
            path: None,
            message: column_only(&e),
        };
    }
    let e = match finish(&mut flat) {
        Err(e) => e,
        Ok(_) => NotACommand::whole("the line is not a command"),
    };
    // Said as serde says an unknown field, with the column of its key, so
    // that a field of another command type reads like one of no type.
    let message = match e.field.and_then(|f| key_column(line, f)) {
        Some(column) if e.message.starts_with("unknown field `") => {
            format!("{} at column {column}", e.message)
        }
        _ => e.message,
    };
    Malformed {
        path: e.field.map(str::to_owned),
        message,
    }
}

/// The column (1-based, in bytes, as serde counts) just past the key
/// `field` of the line's top-level object: where serde stands when it
/// reports that key. `None` if the line has no such key.
fn key_column(line: &str, field: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = line.char_indices();
    while let Some((start, c)) = chars.next() {
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.saturating_sub(1),
            '"' => {
                let mut escaped = false;
                let (end, _) = chars.by_ref().find(|&(_, c)| {
                    let closes = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    closes
                })?;
                let raw = line.get(start..=end)?;
                let is_key = line.get(end + 1..)?.trim_start().starts_with(':');
                let key = serde_json::from_str::<String>(raw).ok();
                if depth == 1 && is_key && key.as_deref() == Some(field) {
                    return Some(end + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// serde's message without its "line 1": serde counts lines inside the one
/// line it read, so its "line 1" would be read as the file's first line; the
/// caller names the line, the message says the column in it.
fn column_only(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&suffix) {
        Some(head) if e.line() == 1 => format!("{head} at column {}", e.column()),
        _ => message,
    }
}

/// serde's error, at its path. An unknown field of the command's own object
/// is named with the fields of the line's command type rather than serde's
/// list of every type's.
fn from_serde(
    line: &str,
    e: serde_path_to_error::Error<serde_json::Error>,
    shape: Shape,
) -> Malformed {
    let mut path = e.path().to_string();
    // `?` is a key that could not be read (the syntax broke there): the path
    // is its object's.
    if path == "?" || path == "." {
        path.clear();
    } else if let Some(object) = path.strip_suffix(".?") {
        path = object.to_owned();
    }
    let inner = e.into_inner();
    let message = column_only(&inner);
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, ").map(|(field, _)| field.to_owned()));
    // The path of an unknown field ends with the field: at the top, it is
    // the field alone. (Its message lists every type's fields; the line's
    // type has fewer.)
    match unknown {
        Some(field) if path == field => {
            #[derive(Deserialize)]
            struct Tag {
                #[serde(rename = "type")]
                kind: Option<CommandKind>,
            }
            let kind = serde_json::from_str::<Tag>(line).ok().and_then(|t| t.kind);
            let has = match kind {
                Some(kind) => format!("a `{kind}` {} has {}", shape.noun(), shape.fields(kind)),
                None => format!(
                    "every {} has {} and its type's fields",
                    shape.noun(),
                    shape.fields(CommandKind::Close)
                ),
            };
            let near = match kind {
                Some(kind) => nearest(&field, shape.names(kind)),
                None => nearest(&field, FIELDS.iter().copied()),
            };
            Malformed {
                message: format!(
                    "unknown field `{field}`{}: {has} at column {}",
                    did_you_mean(near),
                    inner.column()
                ),
                path: Some(field),
            }
        }
        _ => Malformed {
            path: (!path.is_empty()).then_some(path),
            message: with_suggestion(message),
        },
    }
}

/// serde's "unknown variant `x`, expected one of `a`, `b`" (or "unknown
/// field"), with the listed name nearest to `x` when one is close:
/// "unknown variant `add_not` (did you mean `add_note`?), expected …".
fn with_suggestion(message: String) -> String {
    for head in ["unknown variant `", "unknown field `"] {
        let Some((given, tail)) = message
            .strip_prefix(head)
            .and_then(|rest| rest.split_once('`'))
        else {
            continue;
        };
        let Some((_, expected)) = tail.split_once("expected") else {
            break;
        };
        // The names are every other piece between backticks.
        let names = expected.split('`').skip(1).step_by(2);
        if let Some(near) = nearest(given, names) {
            return format!("{head}{given}`{}{tail}", did_you_mean(Some(near)));
        }
        break;
    }
    message
}

#[cfg(test)]
mod tests {
    use super::{explain_malformed, key_column};

    const ENVELOPE: &str = r#""incident_id": "e2181857-7398-5cf2-aad9-acc3150b8632", "command_id": "32803c2f-c9a4-5f3e-ad4f-66079c55a576", "at": "2026-05-04T09:12:00Z""#;

    /// A field of no command type and a field of another type are said
    /// the same way, both with the column of their key.
    #[test]
    fn unknown_fields_say_their_column_whatever_the_type() {
        for (kind, field) in [
            ("add_note", "zzz"),
            ("add_note", "reason"),
            ("close", "text"),
            ("lift_block", "note"),
            ("declare", "zzz"),
        ] {
            let line = format!(r#"{{"type": "{kind}", {ENVELOPE}, "{field}": "a"}}"#);
            let column = line.find(&format!("\"{field}\"")).unwrap() + field.len() + 2;
            let m = explain_malformed(&line);
            assert_eq!(m.path.as_deref(), Some(field), "{line}");
            assert!(
                m.message.starts_with(&format!("unknown field `{field}`")),
                "{}",
                m.message
            );
            assert!(
                m.message.contains(&format!(": a `{kind}` command has ")),
                "{}",
                m.message
            );
            assert!(
                m.message.ends_with(&format!(" at column {column}")),
                "{}",
                m.message
            );
        }
    }

    #[test]
    fn a_key_is_found_at_the_top_only() {
        let line = r#"{"a": {"text": 1}, "b\"c": "text", "text": 2}"#;
        assert_eq!(
            key_column(line, "text"),
            Some(line.rfind("\"text\"").unwrap() + 6)
        );
        assert_eq!(
            key_column(line, "b\"c"),
            Some(line.find(": \"text\"").unwrap())
        );
        assert_eq!(key_column(line, "zzz"), None);
        assert_eq!(key_column(r#"{"te"#, "te"), None);
    }
}
