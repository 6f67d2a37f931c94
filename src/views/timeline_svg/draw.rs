//! The lanes of the picture, top to bottom: the axis, the phases, the
//! severity, the milestones, one row per mitigation, one row per audience
//! of updates; then the legend.

use std::fmt::Write as _;

use super::legend::{self, OutcomeStyle};
use super::scale::Scale;
use super::xml::{Svg, cut, escape, num, text_width};
use super::{Milestone, Picture};
use crate::comms::Audience;
use crate::incident::Phase;
use crate::severity::Severity;
use crate::time::Timestamp;
use crate::views::report::{MitigationReport, human_duration};

/// The picture's width, and where the plot runs: the labels of the rows
/// on the left, room on the right for the word after the last bar.
const WIDTH: f64 = 1200.0;
const PLOT_X0: f64 = 210.0;
const PLOT_X1: f64 = 1080.0;
const LABEL_X: f64 = PLOT_X0 - 10.0;
const LANE: f64 = 28.0;
const ROW: f64 = 24.0;
const MILESTONE_ROW: f64 = 17.0;
/// The font sizes: nothing under 11 pixels.
const LABEL: f64 = 12.0;
const SMALL: f64 = 11.0;

/// Where each lane starts, worked out before drawing so that the grid and
/// the milestones' lines can run through all of them.
struct Lanes {
    axis: f64,
    phases: f64,
    severity: f64,
    milestones: f64,
    mitigations: f64,
    updates: f64,
    bottom: f64,
}

/// A milestone's label, placed in the first row where it does not run
/// into the one before.
struct Placed {
    milestone: Milestone,
    at: Timestamp,
    x: f64,
    row: usize,
    text: String,
    anchor_end: bool,
}

const AUDIENCES: [Audience; 3] = [Audience::Internal, Audience::Public, Audience::Customers];

impl Picture<'_> {
    /// The whole document.
    pub(super) fn svg(&self) -> String {
        let scale = Scale::new(self.start, self.end, &self.drawn, PLOT_X0, PLOT_X1);
        let placed = self.place_milestones(&scale);
        let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(1);
        let axis = 78.0;
        let phases = axis + 30.0;
        let severity = phases + LANE + 4.0;
        let milestones = severity + LANE + 6.0;
        let mitigations = milestones + rows as f64 * MILESTONE_ROW + 10.0;
        let updates = mitigations + self.mitigations.len().max(1) as f64 * ROW + 8.0;
        let lanes = Lanes {
            axis,
            phases,
            severity,
            milestones,
            mitigations,
            updates,
            bottom: updates + AUDIENCES.len() as f64 * ROW,
        };
        let mut svg = Svg::default();
        self.heading(&mut svg);
        axis_and_grid(&mut svg, &scale, &lanes);
        self.phase_lane(&mut svg, &scale, lanes.phases);
        self.severity_lane(&mut svg, &scale, lanes.severity);
        draw_breaks(&mut svg, &scale, &lanes);
        self.mitigation_rows(&mut svg, &scale, lanes.mitigations);
        self.update_rows(&mut svg, &scale, lanes.updates);
        draw_milestones(&mut svg, &placed, &lanes);
        let cut = !scale.breaks().is_empty();
        let height = legend::draw(&mut svg, lanes.bottom + 24.0, cut);
        self.document(&svg.out, height)
    }

    /// The root element, its accessible name and description, the
    /// patterns, a white ground, and `body`.
    fn document(&self, body: &str, height: f64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="tl-title tl-desc" font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="{LABEL}">"#,
            w = num(WIDTH),
            h = num(height),
        );
        let _ = writeln!(
            out,
            r#"<title id="tl-title">Timeline of incident {}: {}</title>"#,
            self.incident.id(),
            escape(self.incident.title().as_str())
        );
        let _ = writeln!(
            out,
            r#"<desc id="tl-desc">{}</desc>"#,
            escape(&self.description())
        );
        out.push_str(&legend::defs());
        let _ = writeln!(
            out,
            r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
            num(WIDTH),
            num(height)
        );
        out.push_str(body);
        out.push_str("</svg>\n");
        out
    }

    /// What the picture shows, in words, for a screen reader.
    fn description(&self) -> String {
        let i = self.incident;
        format!(
            "{} as of {}: {} mitigations, {} updates, peak severity {}; times in UTC.",
            i.phase().as_str(),
            self.at,
            self.mitigations.len(),
            i.updates().len(),
            i.peak_severity()
        )
    }

    fn heading(&self, svg: &mut Svg) {
        let i = self.incident;
        let title = format!("Timeline: {}", cut(i.title().as_str(), 90));
        svg.text(16.0, 30.0, r#" font-size="20" font-weight="bold""#, &title);
        let unknown = if super::impact_times(i).0.is_none() {
            " · impact start unknown"
        } else {
            ""
        };
        let sub = format!(
            "Incident {} · {} · peak {} · as of {}{unknown} · times in UTC",
            i.id(),
            i.phase().as_str(),
            i.peak_severity(),
            self.at
        );
        svg.text(16.0, 52.0, r##" font-size="13" fill="#333333""##, &sub);
    }

    /// The phases as labelled bands.
    fn phase_lane(&self, svg: &mut Svg, scale: &Scale, y: f64) {
        lane_label(svg, y + LANE / 2.0, "Phase");
        for span in &self.phases {
            let (x0, x1) = (scale.x(span.from), scale.x(span.until.unwrap_or(self.end)));
            let until = span.until.map_or(String::new(), |u| format!(" until {u}"));
            let tip = format!("{} from {}{until}", phase_name(span.phase), span.from);
            let fill = format!(
                r##" fill="{}" stroke="#ffffff" stroke-width="1""##,
                phase_colour(span.phase)
            );
            svg.rect(x0, y, x1 - x0, LANE, &fill, Some(&tip));
            let words = [phase_name(span.phase), phase_short(span.phase)];
            if let Some(word) = words.iter().find(|w| text_width(w, LABEL) + 6.0 <= x1 - x0) {
                let attrs = r#" text-anchor="middle" pointer-events="none""#;
                svg.text((x0 + x1) / 2.0, y + LANE / 2.0 + 4.0, attrs, word);
            }
        }
    }

    /// The severity as labelled segments, darker for more severe.
    fn severity_lane(&self, svg: &mut Svg, scale: &Scale, y: f64) {
        lane_label(svg, y + LANE / 2.0, "Severity");
        let ends = self.severities.iter().skip(1).map(|(t, _)| *t);
        let ends = ends.map(Some).chain([None]);
        for (&(from, severity), until) in self.severities.iter().zip(ends) {
            let (x0, x1) = (scale.x(from), scale.x(until.unwrap_or(self.end)));
            let (fill, ink) = severity_colours(severity);
            let tip = format!("{severity} from {from}");
            let attrs = format!(r##" fill="{fill}" stroke="#ffffff" stroke-width="1""##);
            svg.rect(x0, y, x1 - x0, LANE, &attrs, Some(&tip));
            if text_width(severity.as_str(), LABEL) + 6.0 <= x1 - x0 {
                let attrs = format!(
                    r#" text-anchor="middle" fill="{ink}" font-weight="bold" pointer-events="none""#
                );
                svg.text(
                    (x0 + x1) / 2.0,
                    y + LANE / 2.0 + 4.0,
                    &attrs,
                    severity.as_str(),
                );
            }
        }
    }

    /// Each milestone's label in the first row where it fits, right of its
    /// line, or left of it near the right edge; a new row when none has
    /// room, so that labels never run into each other however crowded.
    fn place_milestones(&self, scale: &Scale) -> Vec<Placed> {
        let mut ends: Vec<f64> = Vec::new();
        let mut placed = Vec::new();
        for &(milestone, at) in &self.milestones {
            let x = scale.x(at);
            let text = format!(
                "{} {}",
                milestone.label(),
                short_time(at, scale.spans_days())
            );
            let w = text_width(&text, SMALL);
            let anchor_end = x + 4.0 + w > WIDTH - 8.0;
            let left = if anchor_end { x - 4.0 - w } else { x + 4.0 };
            let row = match ends.iter().position(|e| *e + 6.0 <= left) {
                Some(row) => row,
                None => {
                    ends.push(f64::MIN);
                    ends.len() - 1
                }
            };
            if let Some(end) = ends.get_mut(row) {
                *end = left + w;
            }
            placed.push(Placed {
                milestone,
                at,
                x,
                row,
                text,
                anchor_end,
            });
        }
        placed
    }

    /// One row per mitigation: its number and kind on the left, a bar from
    /// its true start to its end patterned by outcome, the outcome in words
    /// after it, an arrow while it is still in effect.
    fn mitigation_rows(&self, svg: &mut Svg, scale: &Scale, y: f64) {
        lane_label(svg, y - 4.0, "Mitigations");
        if self.mitigations.is_empty() {
            let attrs = r##" fill="#555555" font-style="italic""##;
            svg.text(PLOT_X0 + 4.0, y + ROW / 2.0 + 4.0, attrs, "none recorded");
        }
        // The kind, or for a mitigation of no listed kind what it is.
        let kinds = self.incident.mitigations().iter().map(|r| {
            legend::kind_word(&r.mitigation).map_or_else(|| r.mitigation.describe(), str::to_owned)
        });
        for (row, (m, kind)) in self.mitigations.iter().zip(kinds).enumerate() {
            let top = y + row as f64 * ROW + 4.0;
            let style = legend::style(m);
            let label = format!("#{} {kind}", m.number);
            let attrs = r#" text-anchor="end""#;
            let tip = mitigation_tip(m, style);
            svg.raw("<g>");
            svg.title(&tip);
            svg.text(LABEL_X, top + 12.0, attrs, &cut(&label, 26));
            let x0 = scale.x(m.started_at);
            let x1 = scale.x(m.ended_at.unwrap_or(self.end)).max(x0 + 3.0);
            let fill = format!(
                r##" fill="{}" stroke="#222222" stroke-width="0.6""##,
                style.fill
            );
            svg.rect(x0, top, x1 - x0, 16.0, &fill, None);
            let mut after = x1 + 4.0;
            if m.in_effect {
                let _ = writeln!(
                    svg.out,
                    r##"<path d="M{a} {t} L{b} {m} L{a} {u} Z" fill="#0072B2"/>"##,
                    a = num(x1),
                    b = num(x1 + 9.0),
                    t = num(top - 3.0),
                    m = num(top + 8.0),
                    u = num(top + 19.0)
                );
                after += 9.0;
            }
            let word = outcome_words(m, style);
            // After the bar; else before it; else on it, on a white ground.
            let w = text_width(&word, SMALL);
            let (x, anchor) = if after + w <= WIDTH - 8.0 {
                (after, "start")
            } else if x0 - 4.0 - w >= PLOT_X0 {
                (x0 - 4.0, "end")
            } else {
                let ground = r##" fill="#ffffff" fill-opacity="0.9""##;
                svg.rect(x1 - 9.0 - w, top + 1.0, w + 6.0, 14.0, ground, None);
                (x1 - 6.0, "end")
            };
            let attrs = format!(r#" font-size="{SMALL}" text-anchor="{anchor}""#);
            svg.text(x, top + 12.0, &attrs, &word);
            svg.raw("</g>\n");
        }
    }

    /// One row per audience, each update a tick of the audience's shape.
    fn update_rows(&self, svg: &mut Svg, scale: &Scale, y: f64) {
        for (row, audience) in AUDIENCES.iter().enumerate() {
            let mid = y + row as f64 * ROW + ROW / 2.0;
            lane_label(svg, mid, legend::audience_label(*audience));
            let attrs = r##" stroke="#bbbbbb" stroke-width="1""##;
            svg.line((PLOT_X0, mid), (PLOT_X1, mid), attrs);
            let updates = self.incident.updates();
            for u in updates.filter(|u| u.audience() == *audience) {
                let tip = format!(
                    "{} update {} ({}): {}. Action: {}",
                    legend::audience_word(*audience),
                    u.at(),
                    u.status(),
                    u.impact(),
                    u.action()
                );
                svg.raw("<g>");
                svg.title(&tip);
                svg.raw(&legend::shape(*audience, scale.x(u.at()), mid));
                svg.raw("</g>\n");
            }
        }
    }
}

/// The axis's tick labels above the lanes and a light grid through them.
fn axis_and_grid(svg: &mut Svg, scale: &Scale, lanes: &Lanes) {
    let grid = r##" stroke="#dddddd" stroke-width="1""##;
    for tick in scale.ticks() {
        svg.line((tick.x, lanes.axis + 4.0), (tick.x, lanes.bottom), grid);
        let attrs = format!(r##" text-anchor="middle" font-size="{SMALL}" fill="#333333""##);
        if let Some(date) = &tick.date {
            svg.text(tick.x, lanes.axis - 14.0, &attrs, date);
        }
        if let Some(time) = &tick.time {
            svg.text(tick.x, lanes.axis, &attrs, time);
        }
    }
}

/// Each gap cut out of the axis: the phase and severity bands faded over
/// it between two zigzags (drawn before the bars and ticks, which stay
/// whole), and how long it was written above it, so that nobody reads the
/// axis as continuous there.
fn draw_breaks(svg: &mut Svg, scale: &Scale, lanes: &Lanes) {
    for b in scale.breaks() {
        let (x0, x1) = (b.x0 + 8.0, b.x1 - 8.0);
        let (top, bottom) = (lanes.phases - 4.0, lanes.bottom + 4.0);
        let tip = format!("Axis cut: {} with nothing drawn", human_duration(b.seconds));
        svg.raw("<g>");
        svg.title(&tip);
        let fade = r##" fill="#ffffff" fill-opacity="0.9""##;
        svg.rect(x0, top, x1 - x0, bottom - top, fade, None);
        for x in [x0, x1] {
            let mut d = format!("M{} {}", num(x), num(top));
            let mut y = top;
            let mut side = 1.0;
            while y < bottom {
                y = (y + 6.0).min(bottom);
                let _ = write!(d, " L{} {}", num(x + 3.0 * side), num(y));
                side = -side;
            }
            let _ = write!(
                svg.out,
                r##"<path d="{d}" fill="none" stroke="#555555" stroke-width="1.2"/>"##
            );
        }
        let attrs = format!(r##" text-anchor="middle" font-size="{SMALL}" fill="#333333""##);
        let mid = (b.x0 + b.x1) / 2.0;
        svg.text(mid, lanes.axis - 14.0, &attrs, "axis cut");
        svg.text(mid, lanes.axis, &attrs, &human_duration(b.seconds));
        svg.raw("</g>\n");
    }
}

/// Each milestone: a dashed line through the lanes, its label in its row.
fn draw_milestones(svg: &mut Svg, placed: &[Placed], lanes: &Lanes) {
    lane_label(
        svg,
        lanes.milestones + MILESTONE_ROW / 2.0 + 2.0,
        "Milestones",
    );
    for p in placed {
        let y = lanes.milestones + p.row as f64 * MILESTONE_ROW + 12.0;
        svg.raw("<g>");
        svg.title(&format!("{} {}", p.milestone.label(), p.at));
        let dash = if p.milestone == Milestone::AsOf {
            "2 2"
        } else {
            "5 3"
        };
        let attrs = format!(r##" stroke="#000000" stroke-width="1.2" stroke-dasharray="{dash}""##);
        svg.line((p.x, lanes.phases), (p.x, lanes.bottom), &attrs);
        let anchor = if p.anchor_end { "end" } else { "start" };
        let dx = if p.anchor_end { -4.0 } else { 4.0 };
        let attrs = format!(r#" font-size="{SMALL}" text-anchor="{anchor}""#);
        svg.text(p.x + dx, y, &attrs, &p.text);
        svg.raw("</g>\n");
    }
}

fn lane_label(svg: &mut Svg, mid: f64, text: &str) {
    let attrs = r#" text-anchor="end" font-weight="bold""#;
    svg.text(LABEL_X, mid + 4.0, attrs, text);
}

/// "23:09", or "10-21 23:09" on an axis that spans days.
fn short_time(at: Timestamp, days: bool) -> String {
    let format = if days { "%m-%d %H:%M" } else { "%H:%M" };
    at.as_datetime().format(format).to_string()
}

/// The words after a bar: the outcome, and whether it was containment
/// (stops the spread, relieves no one) or a temporary measure.
fn outcome_words(m: &MitigationReport, style: OutcomeStyle) -> String {
    let mut words = style.word.to_owned();
    if m.containment {
        words.push_str(" · containment");
    }
    if m.temporary {
        words.push_str(" · temporary");
    }
    words
}

fn mitigation_tip(m: &MitigationReport, style: OutcomeStyle) -> String {
    let mut tip = format!(
        "Mitigation {}: {}; started {}",
        m.number, m.description, m.started_at
    );
    if let Some(end) = m.ended_at {
        let _ = write!(tip, "; ended {end}");
    }
    let _ = write!(tip, "; {}", outcome_words(m, style));
    if let Some(note) = &m.note {
        let _ = write!(tip, " ({note})");
    }
    tip
}

fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Investigating => "Investigating",
        Phase::Mitigating => "Mitigating",
        Phase::Monitoring => "Monitoring",
        Phase::Resolved => "Resolved",
        Phase::Closed => "Closed",
    }
}

/// A phase's short name, for a narrow band.
fn phase_short(phase: Phase) -> &'static str {
    match phase {
        Phase::Investigating => "Inv.",
        Phase::Mitigating => "Mit.",
        Phase::Monitoring => "Mon.",
        Phase::Resolved => "Res.",
        Phase::Closed => "Cl.",
    }
}

/// Light tints, so that the black labels and lines on them stay legible.
pub(super) fn phase_colour(phase: Phase) -> &'static str {
    match phase {
        Phase::Investigating => "#F5D7A3",
        Phase::Mitigating => "#BFE1F6",
        Phase::Monitoring => "#B8E3D3",
        Phase::Resolved => "#E4E4E4",
        Phase::Closed => "#F4F4F4",
    }
}

/// The fill and the text colour of a severity: darker for more severe,
/// so that the order reads without telling hues apart.
fn severity_colours(severity: Severity) -> (&'static str, &'static str) {
    match severity {
        Severity::Sev1 => ("#3A3A3A", "#ffffff"),
        Severity::Sev2 => ("#6E6E6E", "#ffffff"),
        Severity::Sev3 => ("#A8A8A8", "#000000"),
        Severity::Sev4 => ("#D6D6D6", "#000000"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Milestone, Picture};
    use super::{SMALL, Scale, text_width};
    use crate::{Incident, Playbook, Replay};

    fn incident() -> Incident {
        let case = include_str!("../../../tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
        let mut replay = Replay::new(Playbook::default());
        case.lines().for_each(|line| {
            replay.line(line);
        });
        replay
            .incidents()
            .iter()
            .next()
            .cloned()
            .expect("one incident")
    }

    /// However many milestones crowd one moment, labels in one row never
    /// run into each other: a crowded picture takes more rows.
    #[test]
    fn crowded_labels_take_rows_of_their_own() {
        let incident = incident();
        let mut picture = Picture::of(&incident, incident.declared_at());
        let at = incident.declared_at();
        picture.milestones = [Milestone::Resolved, Milestone::Reopened]
            .into_iter()
            .cycle()
            .take(9)
            .map(|m| (m, at))
            .collect();
        let scale = Scale::new(picture.start, picture.end, &picture.drawn, 0.0, 900.0);
        let placed = picture.place_milestones(&scale);
        assert_eq!(placed.len(), 9);
        let span = |p: &super::Placed| {
            let w = text_width(&p.text, SMALL);
            if p.anchor_end {
                (p.x - 4.0 - w, p.x - 4.0)
            } else {
                (p.x + 4.0, p.x + 4.0 + w)
            }
        };
        for (i, a) in placed.iter().enumerate() {
            for b in placed.iter().skip(i + 1).filter(|b| b.row == a.row) {
                let ((a0, a1), (b0, b1)) = (span(a), span(b));
                assert!(a1 <= b0 || b1 <= a0, "{} and {} overlap", a.text, b.text);
            }
        }
        assert_eq!(placed.iter().map(|p| p.row).max(), Some(8));
    }
}
