//! Writing SVG text: escaped text and attributes, numbers as the picture
//! needs them (one decimal, never NaN).

use std::fmt::Write as _;

/// `s` fit for XML text and attribute values: `&`, `<`, `>`, quotes
/// escaped, and control characters other than tab, newline and carriage
/// return (not allowed in XML 1.0) left out.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal; a value that is not finite (never
/// expected: every scale has a width) is written as 0 rather than `NaN`.
pub(super) fn num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{:.1}", v);
    match s.strip_suffix(".0") {
        Some("-0") => "0".to_owned(),
        Some(whole) => whole.to_owned(),
        None => s,
    }
}

/// `s` cut to `max` characters with `…`.
pub(super) fn cut(s: &str, max: usize) -> String {
    if s.chars().nth(max).is_some() {
        s.chars().take(max.saturating_sub(1)).chain(['…']).collect()
    } else {
        s.to_owned()
    }
}

/// About how wide `s` is at `size` pixels in a sans-serif face: enough to
/// keep labels apart, not a measure of the glyphs.
pub(super) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.6
}

/// The SVG being written.
#[derive(Default)]
pub(super) struct Svg {
    pub(super) out: String,
}

impl Svg {
    /// Appends a raw, already escaped piece.
    pub(super) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A `<text>` at (`x`, `y`) with extra attributes `attrs` (already
    /// escaped) and the escaped `text`.
    pub(super) fn text(&mut self, x: f64, y: f64, attrs: &str, text: &str) {
        let _ = writeln!(
            self.out,
            r#"<text x="{}" y="{}"{attrs}>{}</text>"#,
            num(x),
            num(y),
            escape(text)
        );
    }

    /// A `<title>` (a tooltip) for the element it is put in.
    pub(super) fn title(&mut self, text: &str) {
        let _ = write!(self.out, "<title>{}</title>", escape(text));
    }

    /// A rectangle with extra attributes `attrs`, and a tooltip.
    pub(super) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, attrs: &str, tip: Option<&str>) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}"{attrs}>"#,
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0))
        );
        if let Some(tip) = tip {
            self.title(tip);
        }
        self.out.push_str("</rect>\n");
    }

    /// A line.
    pub(super) fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), attrs: &str) {
        let _ = writeln!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{attrs}/>"#,
            num(x1),
            num(y1),
            num(x2),
            num(y2)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{cut, escape, num};

    #[test]
    fn text_is_escaped_and_controls_dropped() {
        assert_eq!(escape("a<b>&\"c'\u{1}d"), "a&lt;b&gt;&amp;&quot;c&apos;d");
    }

    #[test]
    fn numbers_have_one_decimal_and_no_nan() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(f64::INFINITY), "0");
    }

    #[test]
    fn long_text_is_cut() {
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
