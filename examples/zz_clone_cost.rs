use incident_playbook::{Incident, Playbook, Replay};
#[inline(never)]
fn clone_all(incidents: &[Incident]) -> usize {
    let copies: Vec<Incident> = incidents.iter().cloned().collect();
    std::hint::black_box(&copies);
    copies.len()
}
fn main() {
    let file = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    let mut replay = Replay::new(Playbook::default());
    for line in text.lines() {
        replay.line(line);
    }
    let incidents: Vec<Incident> = replay.incidents().iter().cloned().collect();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..20 {
        n += clone_all(&incidents);
    }
    eprintln!("{n} clones, {:?} per clone of all", t.elapsed() / 20);
}
