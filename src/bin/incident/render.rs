//! `incident render`: the comms updates and the postmortems of a stream, as
//! people read them.

use std::borrow::Cow;
use std::io::Write;

use incident_playbook::{
    Incident, IncidentId,
    postmortem::Postmortem,
    public::PublicPost,
    report::PhaseSpan,
    state::{Audience, CommsUpdate},
    timeline_svg,
};

use crate::args::{AudienceArg, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::output::stdout;

/// Every update of every incident for `audience`. A public rendering is
/// pasted on a status page, so it says what the public was told
/// ([`public_updates`]). Who posted an update (the envelope's `by`) follows
/// its time ("Posted T by Grace") where it is not the update's owner.
pub fn updates(
    stream: &StreamArgs,
    audience: AudienceArg,
    with_names: bool,
    with_severity: bool,
) -> Result<Verdict, Fatal> {
    let (replay, verdict) = stream.replay()?;
    let mut out = stdout();
    // Customers' notices leave the names out as a public rendering does.
    let hide_owner = audience == AudienceArg::Customers && !with_names;
    for (i, incident) in replay.incidents().iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        if audience == AudienceArg::Public {
            public_updates(&mut out, incident, with_names, with_severity)?;
            continue;
        }
        writeln!(out, "Incident {}: {}", incident.id(), incident.title())?;
        let updates = incident.updates_by().filter(|(u, _)| is_for(u, audience));
        for (update, by) in updates {
            let text = update.to_string();
            let text = match text.rsplit_once("\nOwner: ") {
                Some((head, _)) if hide_owner => head.to_owned(),
                _ => text,
            };
            let poster = if hide_owner {
                String::new()
            } else {
                poster(&update, by)
            };
            writeln!(out, "\nPosted {}{poster}\n{text}", update.at())?;
        }
    }
    out.flush()?;
    Ok(verdict)
}

/// " by NAME" where someone other than the update's owner posted it.
fn poster(update: &CommsUpdate, by: Option<&str>) -> String {
    match by {
        Some(by) if by != update.owner().as_str() => format!(" by {by}"),
        _ => String::new(),
    }
}

/// One incident's public updates as its status page showed them: headed by
/// the title of its first public post (none while nothing was public), and
/// `Title: NEW` before a post made under another title than the one before;
/// each post's status the one the public was told; no `Severity:` line
/// without `with_severity`, and no `Owner:` line nor poster's name without
/// `with_names` (both name a responder).
fn public_updates(
    out: &mut impl Write,
    incident: &Incident,
    with_names: bool,
    with_severity: bool,
) -> Result<(), Fatal> {
    let posts = PublicPost::all(incident);
    match posts.first() {
        Some(first) => writeln!(out, "Incident {}: {}", incident.id(), first.title)?,
        None => writeln!(out, "Incident {}", incident.id())?,
    }
    let mut title = posts.first().map(|p| &p.title);
    for post in &posts {
        let retitled = title != Some(&post.title);
        title = Some(&post.title);
        let poster = match (&post.by, with_names) {
            (Some(by), true) => poster(&post.update, Some(by)),
            _ => String::new(),
        };
        write!(out, "\nPosted {}{poster}\n", post.update.at())?;
        if retitled {
            writeln!(out, "Title: {}", post.title)?;
        }
        writeln!(out, "{}", post.text(with_severity, with_names))?;
    }
    Ok(())
}

fn is_for(update: &CommsUpdate, audience: AudienceArg) -> bool {
    match audience {
        AudienceArg::All => true,
        // Public updates are rendered by `public_updates`.
        AudienceArg::Public => update.audience() == Audience::Public,
        AudienceArg::Internal => update.audience() == Audience::Internal,
        // Customers see the status page as well as what was sent to them.
        AudienceArg::Customers => update.audience().is_external(),
    }
}

/// Every incident's postmortem (or a draft of it) as Markdown; an incident
/// without one breaks a rule. With `image`, each links its timeline's
/// picture (`{id}` in it replaced by the incident's id).
pub fn postmortems(
    stream: &StreamArgs,
    draft: bool,
    image: Option<&str>,
) -> Result<Verdict, Fatal> {
    let (replay, mut verdict) = stream.replay()?;
    let mut out = stdout();
    let mut first = true;
    for incident in replay.incidents() {
        let Some(postmortem) = postmortem_of(incident, draft) else {
            eprintln!(
                "incident: incident {} has no postmortem yet (--draft drafts one)",
                incident.id()
            );
            verdict = verdict.max(Verdict::Broken);
            continue;
        };
        if !first {
            writeln!(out, "\n---\n")?;
        }
        first = false;
        let phases = PhaseSpan::of(incident);
        let md = match image {
            Some(image) => {
                let image = image.replace("{id}", &incident.id().to_string());
                postmortem.to_markdown_with_timeline_image(&phases, &image)
            }
            None => postmortem.to_markdown_with_phases(&phases),
        };
        write!(out, "{md}")?;
    }
    out.flush()?;
    Ok(verdict)
}

fn postmortem_of(incident: &Incident, draft: bool) -> Option<Cow<'_, Postmortem>> {
    if draft {
        Some(Cow::Owned(Postmortem::draft_from(incident)))
    } else {
        incident.postmortem().map(Cow::Borrowed)
    }
}

/// One incident's timeline as SVG, as it stood at `now` (default: the
/// clock), on standard output or into `out`. The stream's only incident,
/// or the one `--incident` names.
pub fn timeline(
    stream: &StreamArgs,
    incident: Option<&str>,
    now: Option<&str>,
    out: Option<&std::path::Path>,
) -> Result<Verdict, Fatal> {
    let now = crate::report::now_or_clock(now)?;
    let (replay, verdict) = stream.replay()?;
    let incidents = replay.incidents();
    let chosen = match incident {
        Some(id) => {
            let id: IncidentId = id.parse().map_err(|e| Fatal(format!("--incident: {e}")))?;
            incidents
                .get(id)
                .ok_or_else(|| Fatal(format!("no incident {id} in {}", stream.file)))?
        }
        None => only_incident(incidents.iter().as_slice(), &stream.file)?,
    };
    let svg = timeline_svg::as_of(chosen, incidents.playbook(), now).ok_or_else(|| {
        Fatal(format!(
            "incident {} was not yet declared at {now}",
            chosen.id()
        ))
    })?;
    match out {
        Some(path) => std::fs::write(path, svg)
            .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?,
        None => {
            let mut out = stdout();
            out.write_all(svg.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(verdict)
}

/// The stream's one incident; with none or several, says how to choose.
fn only_incident<'a>(all: &'a [Incident], file: &str) -> Result<&'a Incident, Fatal> {
    match all {
        [one] => Ok(one),
        [] => Err(Fatal(format!("no incident in {file}"))),
        many => {
            let ids: Vec<String> = many.iter().map(|i| i.id().to_string()).collect();
            Err(Fatal(format!(
                "{} incidents in {file}: choose one with --incident ({})",
                many.len(),
                ids.join(", ")
            )))
        }
    }
}
