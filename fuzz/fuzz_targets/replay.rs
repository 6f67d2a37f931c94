//! Any bytes as a `replay` stream: never a panic, and every incident the
//! replay ends with is a snapshot that `Incident::load` takes back unchanged.
#![no_main]

use incident_playbook::{Incident, Playbook, Replay, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let playbook = Playbook::default();
    let mut replay = Replay::new(playbook.clone());
    // Split as the CLI does: on `\n`, dropping one `\r` before it.
    for raw in data.split(|b| *b == b'\n') {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match std::str::from_utf8(raw) {
            Ok(line) => {
                replay.line(line);
            }
            Err(e) => {
                replay.unreadable_line(&format!("the line is not UTF-8: {e}"));
            }
        }
    }
    for incident in replay.incidents() {
        let json = serde_json::to_string(incident).expect("a snapshot serializes");
        let snapshot: Snapshot = serde_json::from_str(&json).expect("a snapshot reads back");
        assert_eq!(snapshot, incident.to_snapshot(), "snapshot JSON round trip");
        assert!(
            snapshot.broken_rules().is_empty(),
            "a replayed state breaks no rule on its face: {:?}",
            snapshot.broken_rules()
        );
        let loaded = match Incident::load(snapshot, &playbook) {
            Ok(loaded) => loaded,
            Err(rejection) => {
                panic!("a replayed incident is refused on load: {rejection:?}\n{json}")
            }
        };
        let again = serde_json::to_string(&loaded).expect("a snapshot serializes");
        assert_eq!(again, json, "load changed the snapshot");
    }
    // The report the CLI prints serializes too.
    serde_json::to_vec(&replay.output()).expect("the replay report serializes");
});
