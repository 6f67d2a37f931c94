//! How outcomes and audiences look (fill, pattern, word, shape), the
//! patterns' definitions, and the legend that explains them.

use std::fmt::Write as _;

use super::draw::phase_colour;
use super::xml::{Svg, num, text_width};
use crate::comms::Audience;
use crate::incident::Phase;
use crate::mitigation::{Mitigation, MitigationOutcome};
use crate::views::report::MitigationReport;

/// How a mitigation's bar looks: its fill (a colour, or a pattern of one)
/// and the word written after it, so that the outcome never rests on
/// colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct OutcomeStyle {
    pub(super) fill: &'static str,
    pub(super) word: &'static str,
}

const HELPED: OutcomeStyle = OutcomeStyle {
    fill: "#009E73",
    word: "helped",
};
const NO_EFFECT: OutcomeStyle = OutcomeStyle {
    fill: "url(#tl-no-effect)",
    word: "no effect",
};
const MADE_WORSE: OutcomeStyle = OutcomeStyle {
    fill: "url(#tl-made-worse)",
    word: "made worse",
};
const PARTIAL: OutcomeStyle = OutcomeStyle {
    fill: "url(#tl-partial)",
    word: "partial",
};
const UNKNOWN: OutcomeStyle = OutcomeStyle {
    fill: "url(#tl-unknown)",
    word: "outcome unknown",
};
const IN_EFFECT: OutcomeStyle = OutcomeStyle {
    fill: "url(#tl-in-effect)",
    word: "still in effect",
};
/// Every look, in the legend's order.
const STYLES: [OutcomeStyle; 6] = [HELPED, PARTIAL, NO_EFFECT, MADE_WORSE, UNKNOWN, IN_EFFECT];

/// How `m`'s bar looks.
pub(super) fn style(m: &MitigationReport) -> OutcomeStyle {
    match m.outcome {
        None => IN_EFFECT,
        Some(MitigationOutcome::Helped) => HELPED,
        Some(MitigationOutcome::NoEffect) => NO_EFFECT,
        Some(MitigationOutcome::MadeWorse) => MADE_WORSE,
        Some(MitigationOutcome::Partial) => PARTIAL,
        Some(MitigationOutcome::Unknown) => UNKNOWN,
    }
}

/// The kind of a mitigation, in two words at most, for its row's label;
/// `None` for `other`, whose description says more than its kind.
pub(super) fn kind_word(m: &Mitigation) -> Option<&'static str> {
    Some(match m {
        Mitigation::RollbackImage { .. } => "rollback",
        Mitigation::DisableDependency { .. } => "disable dependency",
        Mitigation::RevertConfig { .. } => "revert config",
        Mitigation::PauseRollout { .. } => "pause rollout",
        Mitigation::BlockEndpoint { .. } => "block endpoint",
        Mitigation::Other { .. } => return None,
    })
}

/// The patterns the fills name: hatching for "no effect", a cross-hatch
/// on vermillion for "made worse", dots on orange for "partial", dashes on
/// grey for "outcome unknown", stripes on blue for "still in effect".
pub(super) fn defs() -> String {
    let pattern = |id: &str, ground: &str, ink: &str, lines: &str| {
        format!(
            r#"<pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="{ground}"/><g stroke="{ink}" stroke-width="1.6">{lines}</g></pattern>"#
        )
    };
    let vertical = r#"<line x1="1" y1="0" x2="1" y2="6"/>"#;
    let cross = r#"<line x1="1" y1="0" x2="1" y2="6"/><line x1="0" y1="4" x2="6" y2="4"/>"#;
    let dots = r#"<line x1="3" y1="2" x2="3" y2="4"/>"#;
    let dashes = r#"<line x1="0" y1="3" x2="3" y2="3"/>"#;
    format!(
        "<defs>\n{}\n{}\n{}\n{}\n{}\n</defs>\n",
        pattern("tl-no-effect", "#ffffff", "#666666", vertical),
        pattern("tl-made-worse", "#D55E00", "#ffffff", cross),
        pattern("tl-partial", "#E69F00", "#ffffff", dots),
        pattern("tl-unknown", "#dddddd", "#777777", dashes),
        pattern("tl-in-effect", "#56B4E9", "#0072B2", vertical),
    )
}

/// The label of an audience's row.
pub(super) fn audience_label(audience: Audience) -> &'static str {
    match audience {
        Audience::Internal => "Updates: internal",
        Audience::Public => "Updates: public",
        Audience::Customers => "Updates: customers",
    }
}

/// The audience in a tooltip: "Public update …".
pub(super) fn audience_word(audience: Audience) -> &'static str {
    match audience {
        Audience::Internal => "Internal",
        Audience::Public => "Public",
        Audience::Customers => "Customer",
    }
}

/// An update's tick at (`x`, `y`): a circle for internal, a triangle for
/// public, a diamond for customers, each in its own colour too.
pub(super) fn shape(audience: Audience, x: f64, y: f64) -> String {
    let p = |dx: f64, dy: f64| format!("{} {}", num(x + dx), num(y + dy));
    match audience {
        Audience::Internal => format!(
            r##"<circle cx="{}" cy="{}" r="5" fill="#555555" stroke="#ffffff"/>"##,
            num(x),
            num(y)
        ),
        Audience::Public => format!(
            r##"<path d="M{} L{} L{} Z" fill="#0072B2" stroke="#ffffff"/>"##,
            p(0.0, -7.0),
            p(6.5, 5.0),
            p(-6.5, 5.0)
        ),
        Audience::Customers => format!(
            r##"<path d="M{} L{} L{} L{} Z" fill="#CC79A7" stroke="#ffffff"/>"##,
            p(0.0, -7.0),
            p(6.0, 0.0),
            p(0.0, 7.0),
            p(-6.0, 0.0)
        ),
    }
}

/// The legend from `y` down: the outcomes' looks and words, the audiences'
/// shapes, the phases' tints, and what a cut in the axis means where it
/// has one. Returns the picture's full height.
pub(super) fn draw(svg: &mut Svg, y: f64, cut: bool) -> f64 {
    let bold = r#" font-weight="bold""#;
    svg.text(16.0, y + 12.0, bold, "Mitigation outcome");
    let mut x = 170.0;
    for style in STYLES {
        let fill = format!(
            r##" fill="{}" stroke="#222222" stroke-width="0.6""##,
            style.fill
        );
        svg.rect(x, y + 2.0, 28.0, 14.0, &fill, None);
        if style == IN_EFFECT {
            let _ = write!(
                svg.out,
                r##"<path d="M{a} {t} L{b} {m} L{a} {u} Z" fill="#0072B2"/>"##,
                a = num(x + 28.0),
                b = num(x + 37.0),
                t = num(y - 1.0),
                m = num(y + 9.0),
                u = num(y + 19.0)
            );
        }
        svg.text(x + 42.0, y + 13.0, "", style.word);
        x += 60.0 + text_width(style.word, 12.0);
    }
    let y = y + 26.0;
    svg.text(16.0, y + 12.0, bold, "Updates");
    let mut x = 170.0;
    for audience in [Audience::Internal, Audience::Public, Audience::Customers] {
        svg.raw(&shape(audience, x + 7.0, y + 8.0));
        let word = audience.as_str();
        svg.text(x + 18.0, y + 13.0, "", word);
        x += 40.0 + text_width(word, 12.0);
    }
    let y = y + 26.0;
    svg.text(16.0, y + 12.0, bold, "Phases");
    let mut x = 170.0;
    for phase in Phase::ALL {
        let fill = format!(r##" fill="{}" stroke="#999999""##, phase_colour(phase));
        svg.rect(x, y + 2.0, 28.0, 14.0, &fill, None);
        svg.text(x + 34.0, y + 13.0, "", phase.as_str());
        x += 50.0 + text_width(phase.as_str(), 12.0);
    }
    let mut note = "Dashed lines: milestones. Hover any mark for its details.".to_owned();
    if cut {
        note.push_str(" Zigzags: a long stretch with nothing drawn is cut out of the axis; its length is written above it.");
    }
    svg.text(16.0, y + 40.0, r##" font-size="11" fill="#333333""##, &note);
    y + 54.0
}
