//! Any bytes as a snapshot: reading and loading never panic, and a snapshot
//! that loads is exactly the incident loaded.
#![no_main]

use incident_playbook::{Incident, Playbook, Snapshot};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(snapshot) = serde_json::from_slice::<Snapshot>(data) else {
        return;
    };
    let playbook = Playbook::default();
    let broken = snapshot.broken_rules();
    match Incident::load(snapshot.clone(), &playbook) {
        Ok(incident) => {
            assert!(broken.is_empty(), "loaded although it breaks {broken:?}");
            assert_eq!(incident.to_snapshot(), snapshot, "load changed the snapshot");
            let json = serde_json::to_string(&incident).expect("a snapshot serializes");
            let back: Snapshot = serde_json::from_str(&json).expect("a snapshot reads back");
            assert_eq!(back, snapshot, "snapshot JSON round trip");
        }
        Err(rejection) => {
            // Every rule found on the face of the state is among those reported.
            for v in &broken {
                assert!(rejection.breaks(v.rule()), "{v:?} not in {rejection:?}");
            }
        }
    }
});
