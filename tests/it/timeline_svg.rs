//! The timeline picture (`timeline_svg`): well-formed SVG by a strict XML
//! parser, on every real incident and every conformance case, whole and as
//! of moments along the way; every mitigation and update drawn, each
//! outcome said in words, nothing outside the picture, no `NaN`.

use crate::fixture::{conformance_cases, real_incidents};
use incident_playbook::{
    Incident, Playbook, Replay, Timestamp, report::MitigationReport, state::Audience, timeline_svg,
};

/// The attributes that hold one coordinate or length.
const NUMERIC: [&str; 11] = [
    "x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r",
];

/// Parses `svg` and checks what every picture keeps: an `<svg>` root with
/// a viewBox, a title, finite numbers, every shape within the viewBox.
/// Returns every `<title>` and every `<text>`.
fn check(svg: &str, what: &str) -> (Vec<String>, Vec<String>) {
    assert!(!svg.contains("NaN"), "{what}");
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{what}: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg", "{what}");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let view: Vec<f64> = root
        .attribute("viewBox")
        .unwrap()
        .split(' ')
        .map(|n| n.parse().unwrap())
        .collect();
    let (w, h) = (view[2], view[3]);
    let mut titles = Vec::new();
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for node in root.descendants().filter(|n| n.is_element()) {
        // Patterns have their own coordinates.
        if node.ancestors().any(|a| a.tag_name().name() == "pattern") {
            continue;
        }
        for name in NUMERIC {
            let Some(v) = node.attribute(name) else {
                continue;
            };
            let v: f64 = v.parse().unwrap_or_else(|_| panic!("{what}: {name}={v}"));
            assert!(v.is_finite(), "{what}");
            let limit = if name.starts_with('y') || name == "cy" || name == "height" {
                h
            } else {
                w
            };
            assert!(
                (0.0..=limit).contains(&v),
                "{what}: {name}={v} outside 0..{limit}"
            );
        }
        if let Some(d) = node.attribute("d") {
            for pair in d
                .split(|c: char| c.is_ascii_alphabetic())
                .filter(|p| !p.trim().is_empty())
            {
                let xy: Vec<f64> = pair
                    .split_whitespace()
                    .map(|n| n.parse().unwrap())
                    .collect();
                assert!(
                    xy.len() == 2 && (0.0..=w).contains(&xy[0]) && (0.0..=h).contains(&xy[1]),
                    "{what}: {d}"
                );
            }
        }
        if let Some(label) = milestone_label(node) {
            labels.push(label);
        }
        let text = || node.text().unwrap_or_default().to_owned();
        match node.tag_name().name() {
            "title" => titles.push(text()),
            "text" => texts.push(text()),
            _ => {}
        }
    }
    labels_apart(&labels, what);
    (titles, texts)
}

/// A milestone's label as drawn: its row (`y`) and the stretch its text
/// covers, at the picture's own estimate of a character (0.6 of the 11px
/// font), or `None` for any other element.
fn milestone_label(node: roxmltree::Node) -> Option<(f64, f64, f64, String)> {
    let is_milestone = node.children().any(|c| {
        c.tag_name().name() == "line"
            && matches!(c.attribute("stroke-dasharray"), Some("5 3" | "2 2"))
    });
    let text = node.children().find(|c| c.tag_name().name() == "text")?;
    if node.tag_name().name() != "g" || !is_milestone {
        return None;
    }
    let words = text.text().unwrap_or_default().to_owned();
    let width = words.chars().count() as f64 * 11.0 * 0.6;
    let x: f64 = text.attribute("x")?.parse().ok()?;
    let y: f64 = text.attribute("y")?.parse().ok()?;
    let left = match text.attribute("text-anchor") {
        Some("end") => x - width,
        _ => x,
    };
    Some((y, left, left + width, words))
}

/// No two milestone labels in one row run into each other.
fn labels_apart(labels: &[(f64, f64, f64, String)], what: &str) {
    for (i, a) in labels.iter().enumerate() {
        for b in labels.iter().skip(i + 1) {
            let same_row = (a.0 - b.0).abs() < 1.0;
            let overlap = a.1 < b.2 && b.1 < a.2;
            assert!(
                !(same_row && overlap),
                "{what}: {:?} runs into {:?}",
                a.3,
                b.3
            );
        }
    }
}

/// What a whole picture of `incident` must show.
fn shows_everything(incident: &Incident, svg: &str, what: &str) {
    let (titles, texts) = check(svg, what);
    assert!(titles[0].starts_with("Timeline of incident"), "{what}");
    for m in MitigationReport::all(incident) {
        let tip = format!("Mitigation {}: ", m.number);
        let tip = titles.iter().find(|t| t.starts_with(&tip));
        let tip = tip.unwrap_or_else(|| panic!("{what}: mitigation {} not drawn", m.number));
        let label = format!("#{} ", m.number);
        assert!(
            texts.iter().any(|t| t.starts_with(&label)),
            "{what}: {label}"
        );
        // The outcome in words, beside the bar and in its tooltip.
        let word = match m.outcome {
            None => "still in effect".to_owned(),
            Some(o) => o.as_str().replace('_', " "),
        };
        assert!(tip.contains(&word), "{what}: {tip}");
    }
    for audience in Audience::ALL {
        let word = match audience {
            Audience::Customers => "Customer".to_owned(),
            a => {
                let s = a.as_str();
                s[..1].to_uppercase() + &s[1..]
            }
        };
        let drawn = titles
            .iter()
            .filter(|t| t.starts_with(&format!("{word} update ")))
            .count();
        let recorded = incident
            .updates()
            .filter(|u| u.audience() == audience)
            .count();
        assert_eq!(drawn, recorded, "{what}: {audience:?} updates");
    }
    assert!(texts.iter().any(|t| t.starts_with("Declared ")), "{what}");
}

/// Every real incident, whole and as of moments from its declaration to
/// its end: valid, everything drawn; a multi-day one with dates on the axis
/// and its long quiet stretch cut out and said so.
#[test]
fn real_incidents_are_valid_and_complete() {
    for (name, playbook, incident) in real_incidents() {
        let svg = timeline_svg::of(&incident);
        shows_everything(&incident, &svg, name);
        for cmd in incident.history().iter().step_by(5) {
            let then = timeline_svg::as_of(&incident, &playbook, cmd.at).unwrap();
            let past = incident.as_of(cmd.at, &playbook).unwrap();
            shows_everything(&past, &then, &format!("{name} as of {}", cmd.at));
        }
    }
    let roblox = real_incidents()
        .into_iter()
        .find(|(n, ..)| n.starts_with("roblox"))
        .unwrap();
    let svg = timeline_svg::of(&roblox.2);
    let (_, texts) = check(&svg, "roblox");
    for day in ["2021-10-29", "2021-10-30", "2021-10-31"] {
        assert!(texts.iter().any(|t| t == day), "{day}: {texts:?}");
    }
    assert!(texts.iter().any(|t| t == "axis cut"), "{texts:?}");
    assert!(svg.contains("Zigzags: a long stretch with nothing drawn is cut out of the axis"));
}

/// Outcomes are never told by colour alone: each has its word in the
/// legend, and its own fill (a pattern for all but "helped").
#[test]
fn outcomes_have_words_and_patterns() {
    let (_, playbook, incident) = real_incidents().remove(0);
    let svg = timeline_svg::of(&incident);
    let (_, texts) = check(&svg, "github");
    for word in ["helped", "no effect", "made worse", "still in effect"] {
        assert!(texts.iter().any(|t| t == word), "{word}");
    }
    for pattern in ["tl-no-effect", "tl-made-worse", "tl-in-effect"] {
        assert!(
            svg.contains(&format!("<pattern id=\"{pattern}\"")),
            "{pattern}"
        );
    }
    // As of 17:00 on the 22nd, two measures are still in effect: their
    // bars run to the moment and end in an arrow.
    let at: Timestamp = "2018-10-22T17:00:00Z".parse().unwrap();
    let then = timeline_svg::as_of(&incident, &playbook, at).unwrap();
    let (titles, texts) = check(&then, "github mid-incident");
    let in_effect = titles
        .iter()
        .filter(|t| t.contains("; still in effect"))
        .count();
    assert!(in_effect >= 2, "{titles:#?}");
    assert!(texts.iter().any(|t| t == "As of 10-22 17:00"), "{texts:?}");
    // Before the declaration there is nothing to draw.
    let before: Timestamp = "2018-10-21T00:00:00Z".parse().unwrap();
    assert!(timeline_svg::as_of(&incident, &playbook, before).is_none());
}

/// Titles and texts written by responders are escaped, and every
/// conformance case's incidents draw without a panic, each time the same.
#[test]
fn every_case_draws_and_text_is_escaped() {
    for path in conformance_cases() {
        let mut replay = Replay::new(Playbook::default());
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            replay.line(line);
        }
        for incident in replay.incidents().iter() {
            let svg = timeline_svg::of(incident);
            check(&svg, &path.display().to_string());
            assert_eq!(svg, timeline_svg::of(incident), "deterministic");
        }
    }
    let case = include_str!("../conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let hostile = case.replacen(
        "\"title\": \"",
        "\"title\": \"<script>alert(1)</script> & \\\"quotes\\\" ",
        1,
    );
    assert_ne!(hostile, case);
    let mut replay = Replay::new(Playbook::default());
    hostile.lines().for_each(|l| {
        replay.line(l);
    });
    let svg = timeline_svg::of(replay.incidents().iter().next().unwrap());
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    check(&svg, "hostile title");
}

/// `render timeline` writes the picture where `--out` says, and `render
/// postmortem --timeline-image` links it under `## Timeline`, each
/// incident's id put in; the linked draft still passes the postmortem lint.
#[cfg(feature = "cli")]
#[test]
fn the_cli_writes_the_picture_and_the_draft_links_it() {
    use std::process::Command;
    let root = crate::fixture::root();
    let case = root.join("tests/conformance/cases/happy-sev1-full-lifecycle.jsonl");
    let dir = std::env::temp_dir().join(format!("timeline-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("timeline.svg");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_incident"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let case = case.to_str().unwrap();
    let printed = run(&["render", "timeline", "--now", "2030-01-01T00:00:00Z", case]);
    run(&[
        "render",
        "timeline",
        "--now",
        "2030-01-01T00:00:00Z",
        "--out",
        svg.to_str().unwrap(),
        case,
    ]);
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), printed);
    check(&printed, "cli");
    let md = run(&[
        "render",
        "postmortem",
        "--draft",
        "--timeline-image",
        "pictures/{id}.svg",
        case,
    ]);
    let link = "## Timeline\n\n![Timeline of the incident](pictures/e2181857-7398-5cf2-aad9-acc3150b8632.svg)\n\n";
    assert!(md.contains(link), "{md}");
    let draft = dir.join("draft.md");
    std::fs::write(&draft, &md).unwrap();
    run(&["lint-postmortem", draft.to_str().unwrap()]);
    // Two incidents and no --incident: which one is not guessed.
    let two = root.join("tests/conformance/cases/two-incidents-interleaved.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_incident"))
        .args(["render", "timeline", two.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("choose one with --incident"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The texts of the first incident of conformance case `name`, as of its
/// first command (`first`) or whole.
fn case_texts(name: &str, first: bool) -> (String, Vec<String>) {
    let path = crate::fixture::root().join(format!("tests/conformance/cases/{name}.jsonl"));
    let mut replay = Replay::new(Playbook::default());
    for line in std::fs::read_to_string(&path).unwrap().lines() {
        replay.line(line);
    }
    let incident = replay.incidents().iter().next().unwrap();
    let svg = if first {
        let at = incident.declared_at();
        timeline_svg::as_of(incident, &Playbook::default(), at).unwrap()
    } else {
        timeline_svg::of(incident)
    };
    let (_, texts) = check(&svg, name);
    (svg, texts)
}

/// Partial and unknown outcomes, containment, the end of the impact, an
/// impact start nobody knows yet: each said in words.
#[test]
fn the_times_are_drawn() {
    let (_, texts) = case_texts("end-mitigation-true-end", false);
    let words = |texts: &[String], w: &str| texts.iter().filter(|t| t.contains(w)).count();
    // Once in the legend, once after a bar.
    assert!(
        words(&texts, "partial") + words(&texts, "outcome unknown") > 2,
        "{texts:?}"
    );
    let (_, texts) = case_texts("containment-not-relief", false);
    assert!(words(&texts, "· containment") > 0, "{texts:?}");
    let (_, texts) = case_texts("impact-ended", false);
    assert!(
        texts.iter().any(|t| t.starts_with("Impact end ")),
        "{texts:?}"
    );
    let (svg, texts) = case_texts("impact-start-unknown", true);
    assert!(svg.contains("impact start unknown"), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.starts_with("Impact start ")),
        "{texts:?}"
    );
}
