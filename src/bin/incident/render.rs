//! `incident render`: the comms updates and the postmortems of a stream, as
//! people read them.

use std::borrow::Cow;
use std::io::Write;

use incident_playbook::{
    Incident,
    postmortem::Postmortem,
    report::PhaseSpan,
    state::{Audience, CommsUpdate},
};

use crate::args::{AudienceArg, StreamArgs};
use crate::exit::{Fatal, Verdict};
use crate::output::stdout;

/// Every update of every incident for `audience`. A public rendering is
/// pasted on a status page: without `with_names` it leaves out the `Owner:`
/// line, the one line that names a responder. Who posted an update (the
/// envelope's `by`) follows its time ("Posted T by Grace") where it is not
/// the update's owner, and, naming a responder too, only where the owner is
/// shown.
pub fn updates(
    stream: &StreamArgs,
    audience: AudienceArg,
    with_names: bool,
) -> Result<Verdict, Fatal> {
    let (replay, verdict) = stream.replay()?;
    let mut out = stdout();
    let hide_owner =
        matches!(audience, AudienceArg::Public | AudienceArg::Customers) && !with_names;
    for (i, incident) in replay.incidents().iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "Incident {}: {}", incident.id(), incident.title())?;
        let updates = incident.updates_by().filter(|(u, _)| is_for(u, audience));
        for (update, by) in updates {
            let text = update.to_string();
            let text = match text.rsplit_once("\nOwner: ") {
                Some((head, _)) if hide_owner => head.to_owned(),
                _ => text,
            };
            // Who posted it, where that is not its owner; never where the
            // owner is hidden, since it names a responder too.
            let poster = match by {
                Some(by) if !hide_owner && by != update.owner().as_str() => format!(" by {by}"),
                _ => String::new(),
            };
            writeln!(out, "\nPosted {}{poster}\n{text}", update.at())?;
        }
    }
    out.flush()?;
    Ok(verdict)
}

fn is_for(update: &CommsUpdate, audience: AudienceArg) -> bool {
    match audience {
        AudienceArg::All => true,
        AudienceArg::Public => update.audience() == Audience::Public,
        AudienceArg::Internal => update.audience() == Audience::Internal,
        // Customers see the status page as well as what was sent to them.
        AudienceArg::Customers => update.audience().is_external(),
    }
}

/// Every incident's postmortem (or a draft of it) as Markdown; an incident
/// without one breaks a rule.
pub fn postmortems(stream: &StreamArgs, draft: bool) -> Result<Verdict, Fatal> {
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
        write!(out, "{}", postmortem.to_markdown_with_phases(&phases))?;
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
