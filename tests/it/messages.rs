//! A malformed line's message names the column in the line, not serde's
//! "line 1" (which read as the file's first line when the line was the
//! second).

use incident_playbook::Severity;

use crate::fixture::Scenario;

#[test]
fn a_malformed_line_says_its_column_not_line_1() {
    let mut s = Scenario::declared(Severity::Sev3);
    let note = s.add_note().to_string();
    let broken = format!("{} oops", note);
    let typo = note.replace("\"text\"", "\"txt\"");
    let bad_value = note.replace("\"add_note\"", "42");
    for line in [broken, typo, bad_value, "{\"type\": ".to_owned()] {
        let message = s.reject_line(&line).rejection.to_string();
        assert!(message.contains(" column "), "{message}");
        assert!(!message.contains("line 1 column"), "{message}");
    }
}
