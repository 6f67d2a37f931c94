//! What people and other tools read of an incident: the report, the
//! postmortem draft and its Markdown, and the CDEvents export.
//!
//! Views sit above the incident model: they read an [`Incident`] through its
//! public accessors and are never imported by the model.
//!
//! [`Incident`]: crate::Incident

pub mod cdevents;
pub(crate) mod draft;
pub(crate) mod markdown;
pub(crate) mod moments;
pub mod public;
pub mod report;
pub mod timeline_svg;

/// The first incident of a stream under `tests/`, for the views' unit
/// tests: `incidents/NAME.jsonl` replayed with its playbook beside it,
/// anything else with the default playbook.
#[cfg(test)]
pub(crate) fn test_incident(stream: &str) -> crate::Incident {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/");
    let playbook = std::fs::read_to_string(format!(
        "{dir}{}",
        stream.replace(".jsonl", ".playbook.json")
    ))
    .map_or_else(
        |_| crate::Playbook::default(),
        |p| serde_json::from_str(&p).unwrap(),
    );
    let mut replay = crate::Replay::new(playbook);
    for line in std::fs::read_to_string(format!("{dir}{stream}"))
        .unwrap()
        .lines()
    {
        replay.line(line);
    }
    replay.incidents().iter().next().unwrap().clone()
}
