//! Just enough of RFC 3986 to tell whether a `source` is a URI reference and
//! a ticket base makes an absolute URI: what the CloudEvents and CDEvents
//! schemas check with `format: uri-reference` and `format: uri`.
//!
//! Stricter than the RFC where it costs nobody: IP-literal hosts (`[::1]`)
//! are refused.

/// Why `s` is no URI reference, if it is none.
pub(super) fn reference_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return Some("it is empty");
    }
    if let Some(problem) = characters_problem(s) {
        return Some(problem);
    }
    match scheme_end(s) {
        // A relative reference whose first segment has a `:` would read as a
        // scheme: RFC 3986 forbids it.
        None if first_segment(s).contains(':') => {
            Some("a `:` before the first `/` must end a scheme such as `https:`")
        }
        _ => None,
    }
}

/// Why `base` followed by an incident id is no absolute URI, if it is none.
pub(super) fn absolute_problem(base: &str) -> Option<&'static str> {
    if let Some(problem) = characters_problem(base) {
        return Some(problem);
    }
    match scheme_end(base) {
        None => Some("it does not start with a scheme such as `https:` or `urn:`"),
        Some(_) => None,
    }
}

/// The text before the first `/`, `?` or `#`.
fn first_segment(s: &str) -> &str {
    s.split(['/', '?', '#']).next().unwrap_or(s)
}

/// Where a valid scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`)
/// ends, if `s` starts with one.
fn scheme_end(s: &str) -> Option<usize> {
    let (scheme, _) = first_segment(s).split_once(':')?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (starts_with_letter && rest_ok).then_some(scheme.len())
}

/// Why the characters of `s` cannot be in a URI, if they cannot.
fn characters_problem(s: &str) -> Option<&'static str> {
    let bytes = s.as_bytes();
    let mut fragment = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b' ' => return Some("it has a space; write it as `%20`"),
            b'%' if !percent_encoded(bytes.get(i + 1..i + 3)) => {
                return Some("a `%` is not followed by two hex digits");
            }
            b'#' if fragment => return Some("it has a second `#`"),
            b'#' => fragment = true,
            _ if !allowed(b) => {
                return Some("it has a character a URI cannot hold unencoded");
            }
            _ => {}
        }
    }
    None
}

fn percent_encoded(hex: Option<&[u8]>) -> bool {
    hex.is_some_and(|h| h.len() == 2 && h.iter().all(u8::is_ascii_hexdigit))
}

/// Unreserved, `%`, and the reserved characters but `[` and `]`.
fn allowed(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'%'
                | b':'
                | b'/'
                | b'?'
                | b'#'
                | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        for ok in [
            "/incident-playbook",
            "https://ops.example/x?y=1#z",
            "urn:x:y",
            "a/b",
            "a%20b",
        ] {
            assert_eq!(reference_problem(ok), None, "{ok}");
        }
        for bad in ["", "has space", "1:b/c", "%zz", "a#b#c", "a\"b", "é"] {
            assert!(reference_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn absolute() {
        for ok in [
            "https://tickets.example/i/",
            "urn:uuid:",
            "mailto:x@y?subject=",
        ] {
            assert_eq!(absolute_problem(ok), None, "{ok}");
        }
        for bad in [
            "not a url",
            "/relative/",
            "tickets.example/",
            "",
            "1http://x/",
        ] {
            assert!(absolute_problem(bad).is_some(), "{bad}");
        }
    }
}
